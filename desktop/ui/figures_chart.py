"""The official figures chart: amounts by fiscal year as stacked bars, one colour per series.

Drawn with QPainter (no plotting library: nothing to import at startup, and a chart of a few
dozen years and six series costs a millisecond to paint). Positive amounts stack up from the
axis, negative ones (de-obligations) down from it. Hover a bar for its exact amount, year,
series and source; click a bar or a legend entry to open its series' entity. The as-of date
shades the fiscal years it spans and draws a line at the date itself; the year chosen for a
ranking is shaded too. The same drawing goes to the screen, a PNG or an SVG.
"""

from __future__ import annotations

import html
import math
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QLineF, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from desktop import APP_TITLE
from desktop.core.dates import FuzzyDate, day_number
from desktop.core.figures import fiscal_year_bounds, type_label
from desktop.models.figures_series import (
    EMPTY,
    OTHER,
    Cell,
    ChartData,
    amount,
    compact_dollars,
    dollars_text,
    fiscal_years_spanned,
    other_end,
)
from desktop.ui.exports import write_picture

# Mid-tone colours: each keeps a contrast of 3:1 or more with both the light and the dark theme's
# background (a test holds them to it), and they stay apart from one another in hue.
SERIES_COLORS = ("#3b7dd8", "#c8700a", "#2e8b57", "#9467bd", "#d0453a", "#1a8f8f")
OTHER_COLOR = "#808080"
EXPORT_SIZE = QSize(960, 440)  # a chart exported while its dock is closed
TOOLTIP_FIGURES = 8  # the most figures an "Other" tooltip lists
PAD = 8.0
LEGEND_MAX = 230.0


class Frame:
    """Where everything goes for one size of canvas."""

    __slots__ = ("band", "bars", "legend", "plot", "ticks")

    def __init__(self, plot: QRectF, ticks: list[float], band: float) -> None:
        self.plot = plot
        self.ticks = ticks
        self.band = band  # the width of one fiscal year
        self.bars: list[tuple[QRectF, Cell]] = []
        self.legend: list[tuple[QRectF, int]] = []  # an entry's box, its series index

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.plot.bottom() - (value - low) / (high - low) * self.plot.height()


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values from at or below `low` to at or above `high`, about `count` steps apart."""
    if high - low <= 0:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * 0.999)
    first, last = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step
    return [first + i * step for i in range(round((last - first) / step) + 1)]


def fill(painter: QPainter, rect: QRectF, color: QColor) -> None:
    """Fill `rect` with `color`, leaving the painter with no pen and no brush.

    Not QPainter.fillRect: PySide6 resolves its overloads by building five QGradient enum types, one
    with 169 members, the first time it is called, 2 ms of the first country page the chart is drawn on.
    """
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRect(rect)
    painter.setBrush(QBrush())


def series_color(data: ChartData, index: int) -> QColor:
    if data.series[index].key == OTHER:
        return QColor(OTHER_COLOR)
    return QColor(SERIES_COLORS[index % len(SERIES_COLORS)])


def fiscal_year_span(year: int) -> str:
    return f"1 October {year - 1} – 30 September {year}"


def cell_tooltip(data: ChartData, cell: Cell) -> str:
    """The exact amount, the year, the series and the source(s), as rich text."""
    series = data.series[cell.series]
    esc = html.escape
    dollars = f"{data.dollars} US$"
    lines = [
        f"<b>{esc(series.name)}</b>"
        + (
            f" ({series.members} {'programs' if data.by == 'country' else 'countries and regions'})"
            if series.key == OTHER
            else ""
        ),
        f"FY{cell.year} ({fiscal_year_span(cell.year)}) · {esc(type_label(data.type))}",
        f"<b>{dollars_text(cell.amount)}</b> {dollars}",
    ]
    if series.key == OTHER:
        ranked = sorted(cell.figures, key=lambda f: -abs(amount(f, data.dollars) or 0.0))
        for f in ranked[:TOOLTIP_FIGURES]:
            value = amount(f, data.dollars) or 0.0
            name = other_end(f, data.by).name
            lines.append(f"{esc(name)}: {dollars_text(value)} — {esc(f.source.title)}, {esc(f.locator)}")
        if len(ranked) > TOOLTIP_FIGURES:
            lines.append(f"… and {len(ranked) - TOOLTIP_FIGURES} more")
    else:
        for f in cell.figures:
            lines.append(f"Source: {esc(f.source.title)}, {esc(f.locator)}")
        lines.append(f"<i>Click to open {esc(series.name)}</i>")
    return "<br>".join(lines)


class FiguresChart(QWidget):
    """Signals: seriesActivated(id) when a bar or legend entry of a series (not "Other") is clicked."""

    seriesActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figuresChart")
        self.setAccessibleName("Official figures chart")
        self.setMouseTracking(True)
        self.setMinimumSize(280, 180)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.data: ChartData = EMPTY
        self.as_of: FuzzyDate | None = None
        self.marked_years: tuple[int, ...] = ()
        self.selected_year: int | None = None
        self._hover: Cell | None = None
        self._press: QPoint | None = None

    # -- what it shows -----------------------------------------------------------------------

    def set_data(self, data: ChartData) -> None:
        self.data = data
        self._hover = None
        names = ", ".join(s.name for s in data.series)
        self.setAccessibleDescription(f"{type_label(data.type)} by fiscal year, {data.dollars} US$: {names}")
        self.update()

    def set_as_of(self, when: FuzzyDate | None) -> None:
        self.as_of = when
        self.marked_years = fiscal_years_spanned(when)
        self.update()

    def set_selected_year(self, year: int | None) -> None:
        self.selected_year = year
        self.update()

    def amount(self, year: int, key: str) -> float | None:
        """The amount the chart gives series `key` (an id, or "Other") in fiscal `year`; None for no bar."""
        cell = self.data.cell(year, key)
        return cell.amount if cell is not None else None

    # -- geometry ------------------------------------------------------------------------------

    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.font())

    def frame(self, rect: QRectF | None = None) -> Frame:
        """Where the plot, the bars and the legend go on `rect` (the widget, by default)."""
        rect = QRectF(self.rect()) if rect is None else rect
        data, metrics = self.data, self._metrics()
        line = metrics.height()
        ticks = nice_ticks(data.low, data.high)
        legend_w = 0.0
        if data.series:
            names = max(metrics.horizontalAdvance(self._legend_name(i)) for i in range(len(data.series)))
            totals = max(metrics.horizontalAdvance(compact_dollars(s.total, 3)) for s in data.series)
            legend_w = min(names + totals + 30, LEGEND_MAX, rect.width() * 0.38)
        label_w = max(metrics.horizontalAdvance(compact_dollars(t)) for t in ticks) + 8
        plot = QRectF(
            rect.left() + PAD + label_w,
            rect.top() + PAD + line + 8,
            max(rect.width() - 2 * PAD - label_w - legend_w - (PAD * 2 if legend_w else 0), 10),
            max(rect.height() - 2 * PAD - 2 * line - 14, 10),
        )
        band = plot.width() / max(len(data.years), 1)
        frame = Frame(plot, ticks, band)
        bar_w = min(band * 0.72, 56.0)
        first = data.years[0] if data.years else 0
        ups: dict[int, float] = {}
        downs: dict[int, float] = {}
        # Frame.y, written out: a frame is worked out for every paint and every move of the mouse.
        base, height, low, span = plot.bottom(), plot.height(), ticks[0], ticks[-1] - ticks[0]
        offset = plot.left() + (band - bar_w) / 2
        bars = frame.bars
        for cell in data.cells:
            year, amount = cell.year, cell.amount
            stacks = ups if amount >= 0 else downs
            start = stacks.get(year, 0.0)
            stacks[year] = end = start + amount
            y_start, y_end = base - (start - low) / span * height, base - (end - low) / span * height
            top, bottom = (y_start, y_end) if y_start <= y_end else (y_end, y_start)
            bars.append((QRectF(offset + (year - first) * band, top, bar_w, max(bottom - top, 0.0)), cell))
        x = plot.right() + PAD * 2
        for index in range(len(data.series)):
            box = QRectF(x, plot.top() + index * (line + 6), legend_w, line + 4)
            frame.legend.append((box, index))
        return frame

    def _legend_name(self, index: int) -> str:
        series = self.data.series[index]
        return f"Other ({series.members})" if series.key == OTHER else series.name

    def zero_y(self) -> float:
        return self.frame().y(0.0)

    def year_band(self, year: int) -> QRectF:
        """The column of fiscal `year`, the plot's whole height (it may lie outside the plot)."""
        frame = self.frame()
        first = self.data.years[0] if self.data.years else year
        plot = frame.plot
        return QRectF(plot.left() + (year - first) * frame.band, plot.top(), frame.band, plot.height())

    def bar_rect(self, year: int, key: str) -> QRectF | None:
        index = self.data.index_of(key)
        return next((r for r, c in self.frame().bars if c.year == year and c.series == index), None)

    def legend_rect(self, key: str) -> QRectF | None:
        index = self.data.index_of(key)
        return next((r for r, i in self.frame().legend if i == index), None)

    def _x_of_day(self, frame: Frame, day: float) -> float:
        """The x of a day number: its place inside its fiscal year's column."""
        data = self.data
        year = max(min(_fiscal_year_of_day(day), data.years[-1] + 1), data.years[0] - 1)
        start, end = (day_number(bound) for bound in fiscal_year_bounds(year))
        share = min(max((day - start) / (end + 1 - start), 0.0), 1.0)
        x = frame.plot.left() + (year - data.years[0] + share) * frame.band
        return min(max(x, frame.plot.left()), frame.plot.right())

    def as_of_lines(self, frame: Frame | None = None) -> list[float]:
        """Where the as-of date is drawn: one line for a day or a month, its two ends for a longer span."""
        when, data = self.as_of, self.data
        if when is None or not data.years or not set(self.marked_years) & set(data.years):
            return []
        frame = frame or self.frame()
        first, last = when.first_day, when.last_day
        if last - first <= 31:
            return [round(self._x_of_day(frame, (first + last + 1) / 2))]
        return [round(self._x_of_day(frame, first)), round(self._x_of_day(frame, last + 1))]

    def as_of_x(self) -> float | None:
        lines = self.as_of_lines()
        return lines[0] if lines else None

    # -- hits -----------------------------------------------------------------------------------

    def cell_at(self, pos: QPoint | QPointF) -> Cell | None:
        point = QPointF(pos)
        bars = self.frame().bars
        for rect, cell in bars:
            if rect.contains(point):
                return cell
        # A bar thinner than a few pixels is still something to point at: the nearest within reach.
        near = [
            (min(abs(point.y() - rect.top()), abs(point.y() - rect.bottom())), cell)
            for rect, cell in bars
            if rect.left() <= point.x() <= rect.right() and rect.adjusted(0, -3, 0, 3).contains(point)
        ]
        return min(near, key=lambda found: found[0])[1] if near else None

    def series_at(self, pos: QPoint | QPointF) -> int | None:
        cell = self.cell_at(pos)
        if cell is not None:
            return cell.series
        point = QPointF(pos)
        return next((i for r, i in self.frame().legend if r.contains(point)), None)

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        cell = self.cell_at(pos)
        if cell is not None:
            return cell_tooltip(self.data, cell)
        index = self.series_at(pos)
        if index is None:
            return ""
        series = self.data.series[index]
        if series.key == OTHER:
            return f"Other: {series.members} more, {dollars_text(series.total)} in all"
        return f"<b>{html.escape(series.name)}</b>: {dollars_text(series.total)} in all<br><i>Click to open</i>"

    # -- events -----------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        hover = self.cell_at(pos)
        if hover != self._hover:
            self._hover = hover
            self.update()
        index = self.series_at(pos)
        clickable = index is not None and self.data.series[index].key != OTHER
        self.setCursor(Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hover is not None:
            self._hover = None
            self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint() if event.button() == Qt.MouseButton.LeftButton else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, self._press = self._press, None
        super().mouseReleaseEvent(event)
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if (event.position().toPoint() - press).manhattanLength() > QApplication.startDragDistance():
            return
        index = self.series_at(press)
        if index is not None and self.data.series[index].key != OTHER:
            self.seriesActivated.emit(self.data.series[index].key)

    # -- painting ---------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self.draw(painter, QRectF(self.rect()))
        finally:
            painter.end()

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        """The whole chart on `rect`, in the widget's palette and font."""
        palette = self.palette()
        fill(painter, rect, palette.color(QPalette.ColorRole.Base))
        painter.setFont(self.font())
        data, metrics = self.data, self._metrics()
        text = palette.color(QPalette.ColorRole.Text)
        if not data.series:
            painter.setPen(text)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "No figures of this type.")
            return
        frame = self.frame(rect)
        plot = frame.plot
        self._draw_caption(painter, rect, palette, metrics)
        self._draw_shading(painter, frame, palette)
        self._draw_grid(painter, frame, palette, metrics)
        # The bars of a series in one call, and the hairlines in one: a chart has hundreds of bars.
        by_series: list[list[QRectF]] = [[] for _ in data.series]
        for box, cell in frame.bars:
            by_series[cell.series].append(box)
        painter.setPen(Qt.PenStyle.NoPen)
        for index, boxes in enumerate(by_series):
            painter.setBrush(series_color(data, index))
            painter.drawRects(boxes)
        painter.setBrush(QBrush())
        # A hairline in the background colour keeps stacked segments of close colours apart.
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Base), 1))
        painter.drawLines([QLineF(box.topLeft(), box.topRight()) for box, _ in frame.bars if box.height() >= 3])
        if self._hover is not None:
            for box, cell in frame.bars:
                if cell == self._hover:
                    painter.setPen(QPen(text, 2))
                    painter.drawRect(box)
        zero = QPen(text, 1)
        painter.setPen(zero)
        painter.drawLine(QPointF(plot.left(), round(frame.y(0.0))), QPointF(plot.right(), round(frame.y(0.0))))
        self._draw_years(painter, frame, palette, metrics)
        self._draw_as_of(painter, rect, frame, palette, metrics)
        self._draw_legend(painter, frame, palette, metrics)

    def _caption(self) -> str:
        data = self.data
        span = f"FY{data.years[0]}–FY{data.years[-1]}" if len(data.years) > 1 else f"FY{data.years[0]}"
        return f"{type_label(data.type)} by fiscal year, {data.dollars} US$ · {span}"

    def _bold(self) -> QFont:
        bold = QFont(self.font())
        bold.setBold(True)
        return bold

    def _draw_caption(self, painter: QPainter, rect: QRectF, palette: QPalette, metrics: QFontMetricsF) -> None:
        painter.setFont(self._bold())
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        box = QRectF(rect.left() + PAD, rect.top() + PAD, rect.width() - 2 * PAD, metrics.height() + 2)
        painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._caption())
        painter.setFont(self.font())

    def _draw_shading(self, painter: QPainter, frame: Frame, palette: QPalette) -> None:
        data, plot = self.data, frame.plot
        first = data.years[0]
        if self.selected_year in data.years:
            chosen = QColor(palette.color(QPalette.ColorRole.Mid))
            chosen.setAlpha(70)
            left = plot.left() + (self.selected_year - first) * frame.band
            fill(painter, QRectF(left, plot.top(), frame.band, plot.height()), chosen)
        marked = [y for y in self.marked_years if y in data.years]
        if marked:
            shade = QColor(palette.color(QPalette.ColorRole.Highlight))
            shade.setAlpha(40)
            left = plot.left() + (marked[0] - first) * frame.band
            fill(painter, QRectF(left, plot.top(), frame.band * len(marked), plot.height()), shade)

    def _draw_grid(self, painter: QPainter, frame: Frame, palette: QPalette, metrics: QFontMetricsF) -> None:
        plot = frame.plot
        grid = QPen(palette.color(QPalette.ColorRole.Mid), 1, Qt.PenStyle.DotLine)
        muted = palette.color(QPalette.ColorRole.Text)
        for tick in frame.ticks:
            y = round(frame.y(tick))
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(muted)
            label = QRectF(PAD, y - metrics.height() / 2, plot.left() - PAD - 6, metrics.height())
            painter.drawText(label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, compact_dollars(tick))

    def _draw_years(self, painter: QPainter, frame: Frame, palette: QPalette, metrics: QFontMetricsF) -> None:
        data, plot = self.data, frame.plot
        widest = metrics.horizontalAdvance("8888") + 10
        step = next((s for s in (1, 2, 5, 10, 20, 50, 100) if s * frame.band >= widest), 100)
        regular, bold = self.font(), QFont(self.font())
        bold.setBold(True)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        chosen_year = self.selected_year if self.selected_year in data.years else None
        for n, year in enumerate(data.years):
            chosen = year == chosen_year
            if not chosen and (
                year % step or (chosen_year is not None and abs(year - chosen_year) * frame.band < widest)
            ):
                continue  # not a labelled year, or too near the chosen one, which is always labelled
            painter.setFont(bold if chosen else regular)
            box = QRectF(plot.left() + n * frame.band - 20, plot.bottom() + 4, frame.band + 40, metrics.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, str(year))
        painter.setFont(regular)

    def _draw_as_of(
        self, painter: QPainter, rect: QRectF, frame: Frame, palette: QPalette, metrics: QFontMetricsF
    ) -> None:
        when = self.as_of
        if when is None:
            return
        years = self.marked_years
        span = f"FY{years[0]}" if len(years) == 1 else f"FY{years[0]}–FY{years[-1]}"
        label = f"as of {when.display()} · {span}"
        accent = palette.color(QPalette.ColorRole.Highlight)
        plot = frame.plot
        top = rect.top() + PAD
        height = metrics.height() + 2
        caption_end = rect.left() + PAD + QFontMetricsF(self._bold()).horizontalAdvance(self._caption()) + 12
        lines = self.as_of_lines(frame)
        if not lines:  # the date falls outside the figures: said after the caption
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            box = QRectF(caption_end, top, max(rect.right() - PAD - caption_end, 0), height)
            left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(box, left, f"{label}: no figures then")
            return
        painter.setPen(QPen(accent, 2))
        for x in lines:
            painter.drawLine(QPointF(x, top + height), QPointF(x, plot.bottom()))
        # The label goes on the caption's line, above the bars, at the date (flipped at the right edge);
        # where the caption is in the way, just inside the plot.
        width = metrics.horizontalAdvance(label) + 8

        def beside(line: float, right: float) -> float:
            return line + 4 if line + 4 + width <= right else line - 4 - width

        x = beside(lines[0], rect.right() - PAD)
        if x >= caption_end:
            box = QRectF(x, top, width, height)
        else:
            box = QRectF(max(beside(lines[0], plot.right()), plot.left()), plot.top() + 2, width, height)
        fill(painter, box, accent)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)

    def _draw_legend(self, painter: QPainter, frame: Frame, palette: QPalette, metrics: QFontMetricsF) -> None:
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        for box, index in frame.legend:
            swatch = QRectF(box.left(), box.center().y() - 5, 10, 10)
            fill(painter, swatch, series_color(self.data, index))
            total = compact_dollars(self.data.series[index].total, 3)
            room = box.adjusted(16, 0, -(metrics.horizontalAdvance(total) + 8), 0)
            label = metrics.elidedText(self._legend_name(index), Qt.TextElideMode.ElideMiddle, room.width())
            painter.setPen(text)
            painter.drawText(room, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
            painter.setPen(muted)
            painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, total)

    # -- export -------------------------------------------------------------------------------------

    def export(self, path: Path) -> None:
        """Write the chart to `path` (SVG for .svg, else PNG) at its size on screen; raises OSError."""
        size = self.size() if self.isVisible() and self.width() >= 200 else EXPORT_SIZE
        write_picture(
            path,
            size,
            lambda painter: self.draw(painter, QRectF(0, 0, size.width(), size.height())),
            title=f"{APP_TITLE} — official figures",
            background=self.palette().color(QPalette.ColorRole.Base),
            ratio=self.devicePixelRatioF(),
        )

    def sizeHint(self) -> QSize:
        return QSize(640, 300)


def _fiscal_year_of_day(day: float) -> int:
    when = date.fromordinal(max(int(day), 1))
    return when.year + 1 if when.month >= 10 else when.year

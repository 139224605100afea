"""The timeline's scene: one mark per dated fact, in lanes, on an x axis counted in days.

Scene x is the day number (`date.toordinal()`), so zooming is only the view's
horizontal scale: bars stretch with it while points and labels keep their size
in pixels (they ignore the view's transformations). Scene y is in pixels.
Nothing here loops over the marks while the user pans; only a zoom step lays
the labels out again, once per step.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QLinearGradient, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QWidget,
)

from desktop.core.asof import AFTER_ALL, BEFORE_ALL, bounds
from desktop.core.dates import DateError
from desktop.core.views import TimelineItem
from desktop.ui.page_html import esc

AXIS_H = 24  # the sticky date axis at the top of the view
LANE_HEADER = 18
ROW_H = 28
BAR_Y, BAR_H = 3, 9
LABEL_Y = 13
LANE_GAP = 8
FADE_DAYS = 4 * 365  # how far an open start fades in and an open end fades out
LABEL_GAP = 8  # pixels kept clear between two labels in a row
LABEL_CHARS = 70

# One colour per kind, in the vocabulary's order; readable on light and dark backgrounds.
KIND_COLORS = ["#3b7dd8", "#d9822b", "#8f5bd6", "#2e9e6a", "#c8463d", "#1f9bb5", "#b5651d", "#d6479b", "#6b8e23"]
EMPHASIS = QColor("#e0a000")
DATA_ROLE = 0  # QGraphicsItem.data key holding the mark's index in TimelineScene.marks


def day_x(iso: str) -> float:
    """Scene x of the start of an ISO day."""
    return float(date.fromisoformat(iso).toordinal())


def x_date(x: float) -> date:
    """The day at scene x, clamped to the days Python can name."""
    return date.fromordinal(min(max(int(x), 1), date.max.toordinal()))


@dataclass
class Lane:
    key: str
    name: str
    index: int = 0
    top: float = 0.0
    rows: list[float] = field(default_factory=list)  # the scene x each row is filled up to

    @property
    def bottom(self) -> float:
        return self.top + LANE_HEADER + ROW_H * max(1, len(self.rows))


@dataclass
class Mark:
    item: TimelineItem
    x0: float  # the whole drawn extent, fades included
    x1: float
    s0: float  # where it surely held: solid between these two
    s1: float
    anchor: float  # where the label starts (scene x); a point's middle
    point: bool
    open_start: bool
    open_end: bool
    lane: Lane
    row: int = 0
    index: int = 0  # in TimelineScene.marks
    bar: BarItem | None = None
    dot: PointItem | None = None
    label: LabelItem | None = None  # made the first time there is room to show it
    label_text: str = ""
    label_width: float = -1.0  # pixels, bold included; measured when first laid out
    emphasis: bool = False

    @property
    def y(self) -> float:
        return self.lane.top + LANE_HEADER + self.row * ROW_H

    def target(self, current: str | None) -> str:
        """The entity a click opens: the fact's subject, or its other end when the subject is already shown."""
        if self.item.subject.id == current and self.item.other is not None:
            return self.item.other.id
        return self.item.subject.id


def tooltip_html(item: TimelineItem) -> str:
    """The fact as a sentence with its date and sources; every data string escaped."""
    cited = "; ".join(f"{esc(c.source.title)} {esc(c.locator)}" for c in item.sources)
    span = f"{item.earliest or 'open'} – {item.latest or 'open'}"
    return (
        f"<p><b>{esc(item.subject.name)}</b>: {esc(item.phrase)}"
        + (f"<br><i>{esc(item.note)}</i>" if item.note else "")
        + f"</p><p>Date: {esc(item.when)} <span style='color:gray'>({esc(span)})</span>"
        + (f"<br>Source: {cited}" if cited else "")
        + "</p>"
    )


class Style:
    """Fonts, metrics, pens and brushes made once per scene and shared by every mark (building them is slow)."""

    def __init__(self, font: QFont, text_color: QColor) -> None:
        self.font = font
        self.bold = QFont(font)
        self.bold.setBold(True)
        self.metrics = QFontMetricsF(font)
        self.bold_metrics = QFontMetricsF(self.bold)
        self.label_room = self.metrics.averageCharWidth() * LABEL_CHARS
        self.text = QBrush(text_color)
        self.emphasis_pen = _cosmetic(EMPHASIS, 2)
        self.emphasis_point_pen = QPen(EMPHASIS, 2)
        self._pens: dict[tuple[str, int], QPen] = {}

    def elide(self, text: str) -> str:
        if len(text) <= LABEL_CHARS // 2:  # short enough whatever the letters: skip measuring
            return text
        return self.metrics.elidedText(text, Qt.TextElideMode.ElideRight, self.label_room)

    def edge_pen(self, color: QColor, alpha: int) -> QPen:
        key = (color.name(), alpha)
        pen = self._pens.get(key)
        if pen is None:
            edge = QColor(color)
            edge.setAlpha(alpha)
            pen = self._pens[key] = _cosmetic(edge, 1)
        return pen

    def point_pen(self, color: QColor) -> QPen:
        key = (color.name(), -1)
        pen = self._pens.get(key)
        if pen is None:
            pen = self._pens[key] = QPen(color.darker(140), 1)
        return pen


class BarItem(QGraphicsRectItem):
    """A fact's time span in scene units: solid where it surely held, fading where its dates are vague or open.

    A plain rect item with a gradient brush: Qt paints it without calling back into Python.
    """

    def __init__(self, mark: Mark, color: QColor, stops: list[tuple[float, int]], style: Style) -> None:
        super().__init__(QRectF(mark.x0, BAR_Y, max(mark.x1 - mark.x0, 1.0), BAR_H))
        if len({alpha for _, alpha in stops}) == 1:  # evenly faint (a point's span): no gradient to draw
            self.setBrush(QColor(color.red(), color.green(), color.blue(), stops[0][1]))
        else:
            gradient = QLinearGradient(mark.x0, 0, mark.x1, 0)
            for at, alpha in stops:
                gradient.setColorAt(min(max(at, 0.0), 1.0), QColor(color.red(), color.green(), color.blue(), alpha))
            self.setBrush(QBrush(gradient))
        # A faint hairline keeps a span narrower than a pixel visible; an open end fades without one.
        self._pen = style.edge_pen(color, 0 if mark.open_start or mark.open_end else 120)
        self._style = style
        self.setPen(self._pen)

    def set_emphasis(self, on: bool) -> None:
        self.setPen(self._style.emphasis_pen if on else self._pen)
        self.setZValue(3 if on else 0)


_DIAMOND = QPolygonF([QPointF(0, -5.5), QPointF(5.5, 0), QPointF(0, 5.5), QPointF(-5.5, 0)])


class PointItem(QGraphicsPolygonItem):
    """A diamond of fixed size in pixels at a point fact's date (the middle of its span)."""

    SIZE = 5.5

    def __init__(self, color: QColor, style: Style) -> None:
        super().__init__(_DIAMOND)
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setBrush(color)
        self._pen = style.point_pen(color)
        self._style = style
        self.setPen(self._pen)
        self.setZValue(2)

    def set_emphasis(self, on: bool) -> None:
        self.setPen(self._style.emphasis_point_pen if on else self._pen)
        self.setZValue(5 if on else 2)


class LabelItem(QGraphicsSimpleTextItem):
    """A mark's label, in pixels beside its anchor; hidden when it would run into the one before it."""

    def __init__(self, text: str, style: Style, dx: float) -> None:
        super().__init__(text)
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setFont(style.font)
        self.setBrush(style.text)
        if dx:
            self.setTransform(QTransform.fromTranslate(dx, 0))
        self.dx = dx
        self._style = style
        self.setZValue(1)

    def set_emphasis(self, on: bool) -> None:
        self.setFont(self._style.bold if on else self._style.font)
        self.setZValue(4 if on else 1)


def _cosmetic(color: QColor, width: float) -> QPen:
    pen = QPen(color, width)
    pen.setCosmetic(True)
    return pen


class TimelineScene(QGraphicsScene):
    """Marks for a list of TimelineItems, in lanes by entity or by kind."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.marks: list[Mark] = []
        self.lanes: list[Lane] = []
        self._lane_tops: list[float] = []
        self._rows: list[list[Mark]] = []  # each row's marks by anchor, for laying out labels
        self._by_entity: dict[str, list[Mark]] = {}
        self._current: str | None = None
        font = QFont()
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        self.style = Style(font, QColor("#1b1b1b"))
        self.first = self.last = 0.0  # the days spanned by the marks (fades excluded)
        self._laid_out_at = -1.0

    def set_items(
        self,
        items: Iterable[TimelineItem],
        lanes_by: str = "entity",
        kinds: dict[str, tuple[str, int]] | None = None,
    ) -> None:
        """Replace every mark; `kinds` maps a kind id to its (plural label, position) for lanes by kind."""
        self.clear()
        self.marks, self.lanes, self._rows, self._by_entity = [], [], [], {}
        self._laid_out_at = -1.0
        kinds = kinds or {}
        placed = [(item, spans) for item in items if (spans := _spans(item)) is not None]
        known = [x for _, s in placed for x in (s[0], s[1]) if x is not None]
        self.first, self.last = (min(known), max(known)) if known else (day_x("2000-01-01"), day_x("2001-01-01"))
        lanes: dict[str, Lane] = {}
        pending: list[Mark] = []
        for item, spans in placed:
            if lanes_by == "kind":
                key, name = item.subject.kind, kinds.get(item.subject.kind, (item.subject.kind, 0))[0]
            else:
                key, name = item.subject.id, item.subject.name
            lane = lanes.get(key)
            if lane is None:
                lane = lanes[key] = Lane(key, name)
            pending.append(self._mark(item, spans, lane))
        order = sorted(lanes.values(), key=lambda ln: kinds.get(ln.key, ("", 0))[1]) if lanes_by == "kind" else None
        self.lanes = order if order is not None else list(lanes.values())
        for mark in pending:
            self._place(mark)
        top = float(AXIS_H + 4)
        for index, lane in enumerate(self.lanes):
            lane.index, lane.top = index, top
            top = lane.bottom + LANE_GAP
        self._lane_tops = [lane.top for lane in self.lanes]
        palette = {kind: QColor(KIND_COLORS[pos % len(KIND_COLORS)]) for kind, (_, pos) in kinds.items()}
        rows: dict[tuple[int, int], list[Mark]] = {}
        for index, mark in enumerate(pending):
            mark.index = index
            self._add_items(mark, palette.get(mark.item.subject.kind, QColor(KIND_COLORS[0])))
            rows.setdefault((mark.lane.index, mark.row), []).append(mark)
        self._rows = [sorted(row, key=lambda m: m.anchor) for row in rows.values()]
        self.marks = pending
        self.setSceneRect(
            QRectF(self.first - FADE_DAYS - 60, 0, self.last - self.first + 2 * FADE_DAYS + 120, max(top, 120.0))
        )
        self.set_current(self._current)

    def _mark(self, item: TimelineItem, spans: tuple, lane: Lane) -> Mark:
        first, last, s0, s1, point = spans
        if last is None:  # ongoing: solid as far as the latest date on the timeline, then fading out
            s1 = max(self.last, s0)
        x0 = first if first is not None else s0 - FADE_DAYS
        x1 = last if last is not None else s1 + FADE_DAYS
        anchor = (x0 + x1) / 2 if point else x0
        return Mark(item, x0, x1, s0, s1, anchor, point, first is None, last is None, lane)

    def _place(self, mark: Mark) -> None:
        """The first row of its lane where the mark's span is clear."""
        rows = mark.lane.rows
        for index, filled in enumerate(rows):
            if filled < mark.x0:
                mark.row = index
                rows[index] = mark.x1
                return
        mark.row = len(rows)
        rows.append(mark.x1)

    def _add_items(self, mark: Mark, color: QColor) -> None:
        width = max(mark.x1 - mark.x0, 1.0)

        def at(x: float) -> float:
            return (x - mark.x0) / width

        if mark.point:  # the span a vague date stands for, faint; the diamond marks it
            stops = [(0.0, 90), (1.0, 90)]
        else:  # faint where a vague start or end may fall, clear where an open one fades
            stops = [(0.0, 0 if mark.open_start else 60), (at(mark.s0), 220), (at(mark.s1), 220)]
            stops.append((1.0, 0 if mark.open_end else 60))
        y = mark.y
        bar = BarItem(mark, color, stops, self.style)
        bar.setPos(0, y)
        self.addItem(bar)
        mark.bar = bar
        items: list[QGraphicsItem] = [bar]
        if mark.point:
            dot = PointItem(color, self.style)
            dot.setPos(mark.anchor, y + BAR_Y + BAR_H / 2)
            self.addItem(dot)
            mark.dot = dot
            items.append(dot)
        for graphic in items:
            graphic.setData(DATA_ROLE, mark.index)
        mark.label_text = self._label_text(mark)
        self._by_entity.setdefault(mark.item.subject.id, []).append(mark)
        if mark.item.other is not None and mark.item.other.id != mark.item.subject.id:
            self._by_entity.setdefault(mark.item.other.id, []).append(mark)

    def _label_text(self, mark: Mark) -> str:
        if mark.lane.key == mark.item.subject.id:
            return mark.item.phrase
        return f"{mark.item.subject.name}: {mark.item.phrase}"

    # -- what the view asks -------------------------------------------------

    def mark_of(self, graphic: QGraphicsItem) -> Mark | None:
        index = graphic.data(DATA_ROLE)
        return self.marks[index] if isinstance(index, int) and 0 <= index < len(self.marks) else None

    def lanes_between(self, top: float, bottom: float) -> list[Lane]:
        """The lanes that show between scene y `top` and `bottom`, found by bisection."""
        start = max(bisect.bisect_right(self._lane_tops, top) - 1, 0)
        end = bisect.bisect_right(self._lane_tops, bottom)
        return self.lanes[start:end]

    def marks_for(self, entity_id: str) -> list[Mark]:
        return list(self._by_entity.get(entity_id, ()))

    def set_current(self, entity_id: str | None) -> None:
        """Make the marks of `entity_id` (either end of the fact) stand out."""
        for mark in self._by_entity.get(self._current or "", ()):
            self._emphasize(mark, False)
        self._current = entity_id
        for mark in self._by_entity.get(entity_id or "", ()):
            self._emphasize(mark, True)

    @property
    def current(self) -> str | None:
        return self._current

    def _emphasize(self, mark: Mark, on: bool) -> None:
        mark.emphasis = on
        for graphic in (mark.bar, mark.dot, mark.label):
            if graphic is not None:
                graphic.set_emphasis(on)

    def set_text_color(self, color: QColor) -> None:
        if color == self.style.text.color():
            return
        self.style.text = QBrush(color)
        for mark in self.marks:
            if mark.label is not None:
                mark.label.setBrush(self.style.text)

    def layout_labels(self, pixels_per_day: float) -> None:
        """Show each label only where it clears the one before it in its row, at this zoom."""
        if pixels_per_day == self._laid_out_at:
            return
        self._laid_out_at = pixels_per_day
        # Labels go under the bars, so a label can only ever run into another label of its row.
        for row in self._rows:
            clear_from = float("-inf")
            for mark in row:
                if mark.label_width < 0:
                    mark.label_text = self.style.elide(mark.label_text)
                    mark.label_width = self.style.bold_metrics.horizontalAdvance(mark.label_text)
                dx = -PointItem.SIZE if mark.point else 0.0
                left = mark.anchor * pixels_per_day + dx
                fits = left >= clear_from
                if fits:
                    clear_from = left + mark.label_width + LABEL_GAP
                    if mark.label is None:
                        self._add_label(mark, dx)
                    elif not mark.label.isVisible():
                        mark.label.setVisible(True)
                elif mark.label is not None and mark.label.isVisible():
                    mark.label.setVisible(False)

    def _add_label(self, mark: Mark, dx: float) -> None:
        label = LabelItem(mark.label_text, self.style, dx)
        label.setPos(mark.anchor, mark.y + LABEL_Y)
        label.setData(DATA_ROLE, mark.index)
        if mark.emphasis:
            label.set_emphasis(True)
        self.addItem(label)
        mark.label = label

    def set_label_caching(self, on: bool) -> None:
        """Cache labels as pixmaps (on screen), or not (into an SVG, where they should stay text)."""
        mode = QGraphicsItem.CacheMode.DeviceCoordinateCache if on else QGraphicsItem.CacheMode.NoCache
        for mark in self.marks:
            if mark.label is not None:
                mark.label.setCacheMode(mode)

    def visible_labels(self) -> list[Mark]:
        """The marks whose labels show at the current zoom."""
        return [m for m in self.marks if m.label is not None and m.label.isVisible()]


def _spans(item: TimelineItem) -> tuple[float | None, float | None, float, float, bool] | None:
    """(first day, day after the last, solid from, solid to, is a point) in scene x; None for an undated fact.

    An open start or end gives None for first or last. A vague start or end
    is solid only from the last day it can have begun to the first day it can
    have ended: the rest of its span is where it fades.
    """
    try:
        b = bounds(item.date, item.start, item.end)
    except DateError:
        return None
    if b is None:
        return None
    first = day_x(b.start_earliest) if b.start_earliest != BEFORE_ALL else None
    last = day_x(b.end_latest) + 1 if b.end_latest != AFTER_ALL else None
    if item.date is not None:
        return first, last, first, last, True  # type: ignore[return-value]
    solid0 = day_x(b.start_latest) + 1 if first is not None else day_x(b.end_earliest)
    solid1 = day_x(b.end_earliest) if last is not None else solid0  # an open end: the scene extends it
    if solid1 < solid0:  # a short period inside vague bounds: nothing is sure, draw it whole and faint
        solid0 = solid1 = ((first or solid1) + (last or solid0)) / 2
    return first, last, solid0, solid1, False

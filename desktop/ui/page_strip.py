"""The timeline strip of an entity page: its dated facts as a small picture, drawn into a QImage.

The page lists every fact with its date; the strip shows when they fall, at a glance, without a
word of them: a diamond for a dated event or state, a bar for a period, faint where a vague date
may fall, fading out where a period is ongoing or its start unknown. The entity's own facts are
drawn in the link colour, those others say about it in a quieter one; facts over by the as-of
date are faint, and that date is a line. Year labels run underneath.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QStaticText,
)

from desktop.ui.page_html import Colors, Strip, StripMark

LANE, GAP = 9.0, 3.0  # a lane's height and the space between lanes, in pixels
MAX_LANES = 6  # marks that find no free lane share the least crowded one
FADE = 24.0  # how far an open end fades out
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
DAYS_PER_YEAR = 365.2425


@dataclass(frozen=True)
class StripColors:
    own: QColor  # the entity's own facts
    other: QColor  # facts other entities state about it
    text: QColor  # the year labels and the as-of line
    rule: QColor  # the axis


def _year_day(year: int) -> int:
    # Day number of 1 January (as dates.day_number counts: 1 January of year 1 is day 1).
    y = year - 1
    return y * 365 + y // 4 - y // 100 + y // 400 + 1


def _lanes(spans: list[tuple[float, float]]) -> list[int]:
    """A lane for each (x0, x1), in order: the first lane free at x0, else the least crowded one."""
    ends: list[float] = []
    load: list[int] = []
    out = []
    for x0, x1 in spans:
        lane = next((i for i, end in enumerate(ends) if end + GAP <= x0), None)
        if lane is None:
            if len(ends) < MAX_LANES:
                ends.append(x1)
                load.append(0)
                lane = len(ends) - 1
            else:
                lane = min(range(len(ends)), key=lambda i: (load[i], ends[i]))
        ends[lane] = max(ends[lane], x1)
        load[lane] += 1
        out.append(lane)
    return out


@dataclass(frozen=True)
class StripLayout:
    """Where each mark of a strip goes at one width: what is drawn, and what a pointer over it finds."""

    width: int
    height: int
    axis: float  # the line the years hang from
    boxes: tuple[tuple[QRectF, int], ...]  # each mark's box, and its index in the strip's marks
    scale: tuple[float, float]  # (x of day 0, pixels a day)

    def marks_at(self, point: QPointF, slop: float = 2.0) -> list[int]:
        """The marks under `point` (in the strip's own pixels), left to right."""
        hits = [(box.left(), i) for box, i in self.boxes if box.adjusted(-slop, -slop, slop, slop).contains(point)]
        return [i for _, i in sorted(hits)]


def lay_out(strip: Strip, width: int, font: QFont) -> StripLayout:
    """The strip at `width` pixels: each mark in the first lane free where it falls, then a row of years."""
    scale = _scale(strip, width)
    # Marks that fall on the same pixels share a lane and a box (a hub's thousand facts over a
    # century come to some hundred): drawn once, and a pointer over it names each of their facts.
    alike: dict[tuple, list[int]] = {}
    for i, mark in enumerate(strip.marks):
        x0, x1 = _extent(mark, scale, width)
        alike.setdefault((round(x0), round(x1), mark.point, mark.inbound, mark.faded), []).append(i)
    keys = sorted(alike)
    lanes = _lanes([(float(k[0]), float(k[1])) for k in keys])
    boxes = tuple(
        (QRectF(key[0], lane * (LANE + GAP), max(1, key[1] - key[0]), LANE), i)
        for key, lane in zip(keys, lanes, strict=True)
        for i in alike[key]
    )
    axis = max(lanes, default=0) * (LANE + GAP) + LANE + GAP
    return StripLayout(width, int(axis + QFontMetricsF(font).height() + 6), axis, boxes, scale)


def _scale(strip: Strip, width: int) -> tuple[float, float]:
    """(x of day 0, pixels a day): the strip's span across `width`, inset by half a year label."""
    inset = 18.0
    per_day = (width - 2 * inset) / max(1, strip.last - strip.first)
    return inset - strip.first * per_day, per_day


def _extent(mark: StripMark, scale: tuple[float, float], width: int) -> tuple[float, float]:
    origin, per_day = scale
    start_min, start_max, end_min, end_max = mark.days
    lo = next((d for d in (start_min, start_max, end_min, end_max) if d is not None), 0)
    hi = next((d for d in (end_max, end_min, start_max, start_min) if d is not None), lo)
    x0 = origin + lo * per_day
    if start_min is None and not mark.point:  # known by its end only: it fades in before that (_draw_mark)
        x0 = max(0.0, x0 - 2 * FADE)
    x1 = float(width) if end_max is None and not mark.point else origin + (hi + 1) * per_day
    if mark.point:
        middle = (x0 + x1) / 2
        x0, x1 = min(x0, middle - LANE / 2), max(x1, middle + LANE / 2)
    return x0, x1


# Drawn without the `Qt` namespace (see qt_enums.py): PySide6 builds it, some 13 ms, for any painter
# call that takes a colour, a pen or a brush (their overloads are checked against Qt's enums), and a
# start on an entity's page draws its strip before the first paint. So fills are paths filled with a
# brush made from a gradient of one colour, lines are paths stroked with a pen given its colour,
# and the years are static text in their colour; only the as-of line, drawn when a date is set,
# uses the namespace (for its dashes).


def _brush(color: QColor) -> QBrush:
    """A brush of one colour: a gradient whose two ends are that colour."""
    gradient = QLinearGradient(0, 0, 1, 0)
    gradient.setColorAt(0, color)
    gradient.setColorAt(1, color)
    return QBrush(gradient)


def _copy(color: QColor) -> QColor:
    # Not QColor(color): a QColor made from one value is checked against Qt.GlobalColor.
    return QColor.fromRgbF(color.redF(), color.greenF(), color.blueF(), color.alphaF())


def _fill_rect(painter: QPainter, rect: QRectF, brush: QBrush) -> None:
    path = QPainterPath()
    path.addRect(rect)
    painter.fillPath(path, brush)


def _line(painter: QPainter, a: QPointF, b: QPointF, color: QColor, width: float) -> None:
    path = QPainterPath(a)
    path.lineTo(b)
    pen = QPen()
    pen.setColor(color)
    pen.setWidthF(width)
    painter.strokePath(path, pen)


def draw_strip(strip: Strip, layout: StripLayout, font: QFont, colors: StripColors, ratio: float = 1.0) -> QImage:
    """The strip as laid out, `ratio` device pixels to a logical one, on a clear background."""
    size = (max(1, round(layout.width * ratio)), max(1, round(layout.height * ratio)))
    image = QImage(*size, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    painter = QPainter(image)
    try:
        # Every pixel made clear first (a new image's memory holds anything): what fill(transparent) did.
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        _fill_rect(painter, QRectF(0, 0, size[0] / ratio, size[1] / ratio), _brush(QColor(0, 0, 0, 0)))
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(font)
        _draw_years(painter, strip, layout.scale, layout.width, layout.axis, colors)
        drawn: set[tuple[float, float, float]] = set()
        for box, i in layout.boxes:
            if (box.left(), box.top(), box.width()) not in drawn:  # marks that share a box: once
                drawn.add((box.left(), box.top(), box.width()))
                _draw_mark(painter, strip.marks[i], layout.scale, layout.width, box.top(), colors)
        if strip.cursor is not None:
            from PySide6 import QtCore

            x = layout.scale[0] + strip.cursor * layout.scale[1]
            painter.setPen(QPen(colors.text, 1.5, QtCore.Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, 0), QPointF(x, layout.axis))
    finally:
        painter.end()
    return image


def _draw_years(
    painter: QPainter, strip: Strip, scale: tuple[float, float], width: int, axis: float, colors: StripColors
) -> None:
    origin, per_day = scale
    metrics = QFontMetricsF(painter.font())
    room = metrics.horizontalAdvance("00000")  # a label and a space
    step = next((s for s in YEAR_STEPS if s * DAYS_PER_YEAR * per_day >= room), YEAR_STEPS[-1])
    _line(painter, QPointF(0, axis), QPointF(width, axis), colors.rule, 1)
    first_year = int(strip.first / DAYS_PER_YEAR) + 1
    year = -(-first_year // step) * step  # the first year past the strip's start that the step labels
    colour = colors.text.name()  # #rrggbb: a palette's text colour is opaque
    while (x := origin + _year_day(year) * per_day) < width:
        if x >= 0:
            _line(painter, QPointF(x, axis), QPointF(x, axis + 3), colors.rule, 1)
            label = str(year)
            left = min(max(0.0, x - metrics.horizontalAdvance(label) / 2), width - metrics.horizontalAdvance(label))
            # Rich text (Qt tells it by its markup) in the label's colour, its top where the line's is.
            painter.drawStaticText(QPointF(left, axis + 3), QStaticText(f'<span style="color:{colour}">{label}</span>'))
        year += step


def _draw_mark(
    painter: QPainter, mark: StripMark, scale: tuple[float, float], width: int, top: float, colors: StripColors
) -> None:
    origin, per_day = scale
    color = _copy(colors.other if mark.inbound else colors.own)
    if mark.faded:
        color.setAlphaF(0.35)
    faint = _copy(color)
    faint.setAlphaF(color.alphaF() * 0.35)
    solid, light = _brush(color), _brush(faint)
    start_min, start_max, end_min, end_max = mark.days

    def x(day: int, end: bool = False) -> float:
        return origin + (day + (1 if end else 0)) * per_day

    if mark.point:
        first, last = (start_min or end_min or 0), (start_max or end_max or 0)
        x0, x1 = x(first), x(last, end=True)
        if x1 - x0 > LANE:  # a vague date ("1990s"): the span it stands for, faintly
            _fill_rect(painter, QRectF(x0, top + 2, x1 - x0, LANE - 4), light)
        middle, half = (x0 + x1) / 2, LANE / 2
        diamond = QPainterPath()
        diamond.addPolygon(
            QPolygonF(
                [
                    QPointF(middle, top),
                    QPointF(middle + half, top + half),
                    QPointF(middle, top + LANE),
                    QPointF(middle - half, top + half),
                ]
            )
        )
        diamond.closeSubpath()
        painter.fillPath(diamond, solid)
        return
    # A period: faint where its start or end may fall, solid where it surely held.
    solid_from = x(start_max, end=True) if start_max is not None else None
    solid_to = x(end_min) if end_min is not None else None
    if start_min is not None and start_max is not None:
        _fill_rect(painter, QRectF(x(start_min), top, max(1.0, x(start_max, True) - x(start_min)), LANE), light)
    if end_min is not None and end_max is not None:
        _fill_rect(painter, QRectF(x(end_min), top, max(1.0, x(end_max, True) - x(end_min)), LANE), light)
    left = solid_from if solid_from is not None else (solid_to - FADE if solid_to is not None else 0.0)
    right = solid_to if solid_to is not None else float(width)
    if start_min is None:  # known only by its end: fade in
        left = max(0.0, (solid_to or right) - FADE * 2)
        _fade(painter, QRectF(left, top, FADE, LANE), color, rising=True)
        left += FADE
    if end_max is None:  # ongoing: fade out at the strip's end
        right = float(width)
        _fade(painter, QRectF(right - FADE, top, FADE, LANE), color, rising=False)
        right -= FADE
    if right > left:
        _fill_rect(painter, QRectF(left, top, right - left, LANE), solid)


def _fade(painter: QPainter, rect: QRectF, color: QColor, rising: bool) -> None:
    clear = _copy(color)
    clear.setAlpha(0)
    gradient = QLinearGradient(rect.left(), 0, rect.right(), 0)
    gradient.setColorAt(0, clear if rising else color)
    gradient.setColorAt(1, color if rising else clear)
    _fill_rect(painter, rect, QBrush(gradient))


# Print's resolution against the screen's: the strip on paper is drawn at three device pixels a point.
PAPER_RATIO = 3.0


def paper_strip(strip: Strip, font: QFont, width: int) -> QImage:
    """The strip as print and PDF show it: `width` logical pixels wide, in the page's paper colours
    (page_html.Colors, as the printed text has them), at print's resolution."""
    paper = Colors()
    colors = StripColors(QColor(paper.link), QColor(paper.muted), QColor(paper.text), QColor(paper.rule))
    return draw_strip(strip, lay_out(strip, width, font), font, colors, PAPER_RATIO)

"""The timeline strip drawn without the `Qt` namespace looks as the usual painter calls draw it.

page_strip.py fills paths with one-colour gradient brushes, strokes paths with pens given their colour
and draws the years as static rich text, because the usual calls (fillRect with a colour, setPen,
QImage.fill) make PySide6 build the `Qt` namespace before an entity page's first paint. Here the same
strip is drawn the usual way, and the two pictures must agree to within antialiasing's rounding.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QLinearGradient, QPainter, QPen, QPolygonF

from desktop.core.store import Store
from desktop.ui import page_strip as ps
from desktop.ui.page_html import Strip, StripMark, page_strip

COLORS = ps.StripColors(QColor("#1a5fb4"), QColor("#77767b"), QColor("#1b1b1b"), QColor("#d0d0d0"))


def usual(strip: Strip, layout: ps.StripLayout, font: QFont, ratio: float) -> QImage:
    """The strip drawn with QImage.fill, setPen, drawLine, drawText, fillRect and drawPolygon."""
    image = QImage(max(1, round(layout.width * ratio)), max(1, round(layout.height * ratio)),
                   QImage.Format.Format_ARGB32_Premultiplied)  # fmt: skip
    image.setDevicePixelRatio(ratio)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(font)
    origin, per_day = layout.scale
    metrics = QFontMetricsF(font)
    step = next((s for s in ps.YEAR_STEPS if s * ps.DAYS_PER_YEAR * per_day >= metrics.horizontalAdvance("00000")),
                ps.YEAR_STEPS[-1])  # fmt: skip
    p.setPen(QPen(COLORS.rule, 1))
    p.drawLine(QPointF(0, layout.axis), QPointF(layout.width, layout.axis))
    year = -(-(int(strip.first / ps.DAYS_PER_YEAR) + 1) // step) * step
    while (x := origin + ps._year_day(year) * per_day) < layout.width:
        if x >= 0:
            p.setPen(QPen(COLORS.rule, 1))
            p.drawLine(QPointF(x, layout.axis), QPointF(x, layout.axis + 3))
            label = str(year)
            left = min(
                max(0.0, x - metrics.horizontalAdvance(label) / 2), layout.width - metrics.horizontalAdvance(label)
            )
            p.setPen(COLORS.text)
            p.drawText(QPointF(left, layout.axis + 3 + metrics.ascent()), label)
        year += step
    drawn = set()
    for box, i in layout.boxes:
        if (box.left(), box.top(), box.width()) not in drawn:
            drawn.add((box.left(), box.top(), box.width()))
            _mark(p, strip.marks[i], layout, box.top())
    p.end()
    return image


def _mark(p: QPainter, mark: StripMark, layout: ps.StripLayout, top: float) -> None:
    origin, per_day = layout.scale
    color = QColor(COLORS.other if mark.inbound else COLORS.own)
    if mark.faded:
        color.setAlphaF(0.35)
    faint = QColor(color)
    faint.setAlphaF(color.alphaF() * 0.35)
    start_min, start_max, end_min, end_max = mark.days

    def x(day: int, end: bool = False) -> float:
        return origin + (day + (1 if end else 0)) * per_day

    p.setPen(Qt.PenStyle.NoPen)
    if mark.point:
        x0, x1 = x(start_min or end_min or 0), x(start_max or end_max or 0, end=True)
        if x1 - x0 > ps.LANE:
            p.fillRect(QRectF(x0, top + 2, x1 - x0, ps.LANE - 4), faint)
        middle, half = (x0 + x1) / 2, ps.LANE / 2
        p.setBrush(color)
        p.drawPolygon(QPolygonF([QPointF(middle, top), QPointF(middle + half, top + half),
                                 QPointF(middle, top + ps.LANE), QPointF(middle - half, top + half)]))  # fmt: skip
        return
    solid_from = x(start_max, end=True) if start_max is not None else None
    solid_to = x(end_min) if end_min is not None else None
    if start_min is not None and start_max is not None:
        p.fillRect(QRectF(x(start_min), top, max(1.0, x(start_max, True) - x(start_min)), ps.LANE), faint)
    if end_min is not None and end_max is not None:
        p.fillRect(QRectF(x(end_min), top, max(1.0, x(end_max, True) - x(end_min)), ps.LANE), faint)
    left = solid_from if solid_from is not None else (solid_to - ps.FADE if solid_to is not None else 0.0)
    right = solid_to if solid_to is not None else float(layout.width)
    if start_min is None:
        left = max(0.0, (solid_to or right) - ps.FADE * 2)
        _fade(p, QRectF(left, top, ps.FADE, ps.LANE), color, rising=True)
        left += ps.FADE
    if end_max is None:
        right = float(layout.width)
        _fade(p, QRectF(right - ps.FADE, top, ps.FADE, ps.LANE), color, rising=False)
        right -= ps.FADE
    if right > left:
        p.fillRect(QRectF(left, top, right - left, ps.LANE), color)


def _fade(p: QPainter, rect: QRectF, color: QColor, rising: bool) -> None:
    clear = QColor(color)
    clear.setAlpha(0)
    gradient = QLinearGradient(rect.left(), 0, rect.right(), 0)
    gradient.setColorAt(0, clear if rising else color)
    gradient.setColorAt(1, color if rising else clear)
    p.fillRect(rect, gradient)


def channel_differences(a: QImage, b: QImage) -> list[int]:
    assert a.size() == b.size()
    out = []
    for y in range(a.height()):
        for x in range(a.width()):
            pa, pb = a.pixel(x, y), b.pixel(x, y)
            if pa != pb:
                out.append(max(abs(((pa >> s) & 255) - ((pb >> s) & 255)) for s in (0, 8, 16, 24)))
    return out


def test_the_strip_is_the_picture_the_usual_calls_draw(qtbot, bundled_store: Store) -> None:
    font = QFont()
    for ident in ("pakistan", "imet", "egypt"):
        strip = page_strip(bundled_store.page(ident))
        assert strip is not None, ident
        for width in (320, 640):
            layout = ps.lay_out(strip, width, font)
            mine, theirs = ps.draw_strip(strip, layout, font, COLORS), usual(strip, layout, font, 1.0)
            differences = channel_differences(mine, theirs)
            # Gradient and solid fills, and stroked paths and drawn lines, round an antialiased edge's
            # pixel a level or three apart; nothing else differs.
            assert len(differences) < mine.width() * mine.height() / 100, (ident, width, len(differences))
            assert max(differences, default=0) <= 4, (ident, width)

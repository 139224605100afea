"""The timeline's scene: every mark painted in one pass from plain data, in lanes, on an x axis counted in days.

Scene x is the day number (desktop.core.dates.day_number, as `date.toordinal()`
counts), so zooming is only the view's horizontal scale: bars stretch with it
while points and labels keep their size in pixels. Scene y is in pixels.

The scene holds no graphics item per mark. What it draws is read off the GUI
thread, a little at a time (desktop/core/timeline.py): a `Layout` gives the
lanes and their rows, `place` their places in pixels; the marks of a lane are
read once it comes into view (`loaded`), and the words of a mark (its label,
its tooltip) once it is on screen (`details`). `paint` draws only the rows and
days in view. A label shows where it ends before the next mark of its row
begins, at this zoom: a rule that needs only the mark and its neighbour, so it
holds however little of the timeline has been read.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import overload

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QLinearGradient,
    QPainter,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsScene, QWidget

from desktop.core import timeline_series as series
from desktop.core.dates import day_number
from desktop.core.figures import fiscal_year_days
from desktop.core.timeline import FADE_DAYS, OPEN_END, OPEN_START, POINT, LaneMarks, Layout
from desktop.core.views import TimelineItem
from desktop.ui.page_html import esc

AXIS_H = 24  # the sticky date axis at the top of the view
LANE_HEADER = 18
ROW_H = 28
BAR_Y, BAR_H = 3, 9
LABEL_Y = 13
LANE_GAP = 8
LABEL_GAP = 8  # pixels kept clear between a label and the next mark's label in its row
LABEL_CHARS = 70
POINT_SIZE = 5.5  # half the diamond's width, in pixels
HIT_SLACK = 2.0  # pixels around a bar that still count as on it
MAX_LABEL_PX = 600.0  # no label is wider: how far left of the pointer a label's mark can be
DETAILS_KEPT = 20_000  # facts whose words are kept; past that they are dropped and read again when shown

# One colour per kind, in the vocabulary's order; readable on light and dark backgrounds.
KIND_COLORS = ["#3b7dd8", "#d9822b", "#8f5bd6", "#2e9e6a", "#c8463d", "#1f9bb5", "#b5651d", "#d6479b", "#6b8e23"]
EMPHASIS = QColor("#e0a000")

__all__ = ["AXIS_H", "FADE_DAYS", "KIND_COLORS", "LANE_HEADER", "ROW_H", "Lane", "Mark", "Placed", "TimelineScene"]


def day_x(iso: str) -> float:
    """Scene x of the start of an ISO day."""
    return float(day_number(iso))


def x_date(x: float) -> date:
    """The day at scene x, clamped to the days Python can name."""
    return date.fromordinal(min(max(int(x), 1), date.max.toordinal()))


@dataclass(frozen=True, slots=True)
class Lane:
    """A lane and its place in pixels, made when asked for (see LaneList)."""

    key: str
    name: str
    index: int
    top: float
    rows: int
    kind: int  # an index into Layout.kinds: the colour of the lane's marks

    @property
    def bottom(self) -> float:
        return self.top + LANE_HEADER + ROW_H * max(1, self.rows)


class LaneList(Sequence[Lane]):
    """The lanes of a placed layout, each made only when reached: most of ten thousand never are."""

    def __init__(self, layout: Layout, tops: array) -> None:
        self._layout, self._tops = layout, tops

    def __len__(self) -> int:
        return len(self._tops)

    def _lane(self, index: int) -> Lane:
        layout = self._layout
        return Lane(
            layout.keys[index], layout.names[index], index, self._tops[index],
            layout.lane_rows[index], layout.lane_kinds[index],
        )  # fmt: skip

    @overload
    def __getitem__(self, index: int) -> Lane: ...
    @overload
    def __getitem__(self, index: slice) -> list[Lane]: ...
    def __getitem__(self, index: int | slice) -> Lane | list[Lane]:
        if isinstance(index, slice):
            return [self._lane(i) for i in range(len(self))[index]]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._lane(index % len(self))


@dataclass
class Placed:
    """A layout with each lane's place in pixels. Plain Python: made on the worker that read the layout."""

    layout: Layout
    tops: array  # each lane's top, scene y
    height: float

    def __post_init__(self) -> None:
        self.lanes = LaneList(self.layout, self.tops)

    @property
    def count(self) -> int:
        return self.layout.placed

    def lanes_between(self, top: float, bottom: float) -> list[Lane]:
        """The lanes that show between scene y `top` and `bottom`, found by bisection."""
        start = max(bisect.bisect_right(self.tops, top) - 1, 0)
        end = bisect.bisect_right(self.tops, bottom)
        return self.lanes[start:end]

    def first_screen(self, current: str | None, height: float) -> list[int]:
        """The lanes a view `height` pixels high shows once fitted: from the top, or from the lane of
        `current` (the entity on show) when it has one further down (as TimelineView.fit_all does)."""
        top = 0.0
        own = self.layout.lane_of(current) if current and self.layout.lanes_by == "entity" else None
        if own is not None and self.lanes[own].bottom > height:
            top = self.lanes[own].top - AXIS_H - 4
        return [lane.index for lane in self.lanes_between(top, top + height)]


def place(layout: Layout) -> Placed:
    """Stack the lanes of `layout` top to bottom."""
    tops = array("d", bytes(8 * len(layout.keys)))
    top = float(AXIS_H + 4)
    for index, rows in enumerate(layout.lane_rows):
        tops[index] = top
        top += LANE_HEADER + ROW_H * max(1, rows) + LANE_GAP
    return Placed(layout, tops, max(top, 120.0))


def marks_in(
    placed: Placed, loaded: dict[int, LaneMarks], left: float, top: float, right: float, bottom: float
) -> Iterator[tuple[LaneMarks, int]]:
    """The marks of the loaded lanes whose rows and days meet a scene rect, row by row, left to right.

    Plain Python, so that a worker can tell which facts' words a view will want."""
    for lane in placed.lanes_between(top, bottom):
        marks = loaded.get(lane.index)
        if marks is None:
            continue
        first = max(int((top - lane.top - LANE_HEADER) // ROW_H), 0)
        last = min(int((bottom - lane.top - LANE_HEADER) // ROW_H), lane.rows - 1)
        for row in range(first, last + 1):
            for i in marks.row_marks(row, left=left):
                if marks.x0[i] > right:
                    break
                yield marks, i


class Mark:
    """One mark as the view and the tests see it: a window on its lane's arrays, made when asked for."""

    __slots__ = ("i", "marks", "scene")

    def __init__(self, scene: TimelineScene, marks: LaneMarks, i: int) -> None:
        self.scene = scene
        self.marks = marks
        self.i = i

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mark) and other.marks is self.marks and other.i == self.i

    def __hash__(self) -> int:
        return hash((id(self.marks), self.i))

    def __repr__(self) -> str:
        return f"Mark(lane {self.marks.index}, fact {self.fact})"

    @property
    def fact(self) -> int:
        return self.marks.fact[self.i]

    @property
    def item(self) -> TimelineItem | None:
        """The fact's words, once they have been read (they are, for the marks in view)."""
        return self.scene.details.get(self.fact)

    @property
    def subject(self) -> str:
        return self.marks.subject[self.i]

    @property
    def other(self) -> str | None:
        return self.marks.other[self.i]

    x0 = property(lambda self: self.marks.x0[self.i], doc="where it is drawn from (scene x), fades included")
    x1 = property(lambda self: self.marks.x1[self.i], doc="where it is drawn to")
    s0 = property(lambda self: self.marks.s0[self.i], doc="where it surely held: from")
    s1 = property(lambda self: self.marks.s1[self.i], doc="where it surely held: to")

    @property
    def point(self) -> bool:
        return bool(self.marks.flags[self.i] & POINT)

    @property
    def open_start(self) -> bool:
        return bool(self.marks.flags[self.i] & OPEN_START)

    @property
    def open_end(self) -> bool:
        return bool(self.marks.flags[self.i] & OPEN_END)

    @property
    def anchor(self) -> float:
        """Where the label starts (scene x): a point's middle, else the start of the bar."""
        return anchor(self.marks, self.i)

    @property
    def lane(self) -> Lane:
        return self.scene.lanes[self.marks.index]

    @property
    def row(self) -> int:
        return self.marks.row[self.i]

    @property
    def y(self) -> float:
        return self.lane.top + LANE_HEADER + self.row * ROW_H

    @property
    def emphasis(self) -> bool:
        return self.scene.emphasized(self.marks, self.i)

    def target(self, current: str | None) -> str:
        """The entity a click opens: the fact's subject, or its other end when the subject is already shown.
        A series of official figures opens its program (its country's page has its chart already),
        or its country from the program's page."""
        if self.fact < 0 and self.other is not None:
            return self.subject if self.other == current else self.other
        if self.subject == current and self.other is not None:
            return self.other
        return self.subject


def anchor(marks: LaneMarks, i: int) -> float:
    return (marks.x0[i] + marks.x1[i]) / 2 if marks.flags[i] & POINT else marks.x0[i]


class MarkList(Sequence[Mark]):
    """The marks of the lanes read so far (all of them, in a timeline small enough to show whole), in lane order."""

    def __init__(self, scene: TimelineScene) -> None:
        self._scene = scene

    def _all(self) -> list[Mark]:
        scene = self._scene
        return [Mark(scene, marks, i) for _, marks in sorted(scene.loaded.items()) for i in range(len(marks))]

    def __len__(self) -> int:
        return sum(len(marks) for marks in self._scene.loaded.values())

    def __iter__(self) -> Iterator[Mark]:
        return iter(self._all())

    @overload
    def __getitem__(self, index: int) -> Mark: ...
    @overload
    def __getitem__(self, index: slice) -> list[Mark]: ...
    def __getitem__(self, index: int | slice) -> Mark | list[Mark]:
        return self._all()[index]


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
    """Fonts, metrics, pens and brushes made once per scene and shared by every mark (making them is slow)."""

    def __init__(self, font: QFont, text_color: QColor) -> None:
        self.font = font
        self.bold = QFont(font)
        self.bold.setBold(True)
        self.metrics = QFontMetricsF(font)
        self.bold_metrics = QFontMetricsF(self.bold)
        self.ascent = self.metrics.ascent()
        self.label_height = self.metrics.height()
        self.label_room = self.metrics.averageCharWidth() * LABEL_CHARS
        self.text = QColor(text_color)
        self.emphasis_pen = _cosmetic(EMPHASIS, 2)
        self.emphasis_point_pen = QPen(EMPHASIS, 2)
        self.kind_colors = [QColor(c) for c in KIND_COLORS]
        self._pens: dict[tuple[int, int], QPen] = {}
        self._brushes: dict[tuple[int, int], QBrush] = {}

    def elide(self, text: str) -> str:
        if len(text) <= LABEL_CHARS // 2:  # short enough whatever the letters: skip measuring
            return text
        return self.metrics.elidedText(text, Qt.TextElideMode.ElideRight, self.label_room)

    def color(self, kind: int) -> QColor:
        return self.kind_colors[kind % len(self.kind_colors)]

    def edge_pen(self, kind: int, alpha: int) -> QPen:
        pen = self._pens.get((kind, alpha))
        if pen is None:
            edge = QColor(self.color(kind))
            edge.setAlpha(alpha)
            pen = self._pens[kind, alpha] = _cosmetic(edge, 1)
        return pen

    def point_pen(self, kind: int) -> QPen:
        pen = self._pens.get((kind, -1))
        if pen is None:
            pen = self._pens[kind, -1] = QPen(self.color(kind).darker(140), 1)
        return pen

    def flat(self, kind: int, alpha: int) -> QBrush:
        brush = self._brushes.get((kind, alpha))
        if brush is None:
            color = QColor(self.color(kind))
            color.setAlpha(alpha)
            brush = self._brushes[kind, alpha] = QBrush(color)
        return brush


def _cosmetic(color: QColor, width: float) -> QPen:
    pen = QPen(color, width)
    pen.setCosmetic(True)
    return pen


_DIAMOND = QPolygonF([QPointF(0, -POINT_SIZE), QPointF(POINT_SIZE, 0), QPointF(0, POINT_SIZE), QPointF(-POINT_SIZE, 0)])


class TimelineScene(QGraphicsScene):
    """The marks of a placed layout, in lanes by entity or by kind, painted by `paint` for the view.

    `loaded` holds the marks of the lanes read so far (those that came into view);
    `details` the words of the marks read so far, by fact row id.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placed = place(Layout("entity"))
        self.loaded: dict[int, LaneMarks] = {}
        self.details: dict[int, TimelineItem] = {}
        self._labels: dict[int, tuple[str, float]] = {}  # fact row id → (elided label, its width in bold)
        self._current: str | None = None
        font = QFont()
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        self.drawing = Style(font, QColor("#1b1b1b"))  # not `style`: QGraphicsScene.style() is Qt's
        self.marks = MarkList(self)

    # -- the data -------------------------------------------------------------------

    @property
    def layout(self) -> Layout:
        return self.placed.layout

    @property
    def lanes(self) -> Sequence[Lane]:
        return self.placed.lanes

    @property
    def first(self) -> float:
        return self.layout.first

    @property
    def last(self) -> float:
        return self.layout.last

    @property
    def count(self) -> int:
        """Marks in the layout, read or not."""
        return self.placed.count

    def set_placed(self, placed: Placed, loaded: dict[int, LaneMarks]) -> None:
        """Show another layout (a reload), with the marks of the lanes read with it; words already read stay."""
        self.placed, self.loaded = placed, dict(loaded)
        self._labels.clear()  # a label says the subject's name or not by the lanes
        self.setSceneRect(
            QRectF(self.first - FADE_DAYS - 60, 0, self.last - self.first + 2 * FADE_DAYS + 120, placed.height)
        )
        self.update()

    def add_lanes(self, loaded: dict[int, LaneMarks]) -> None:
        self.loaded.update(loaded)
        self.update()

    def add_details(self, items: Iterable[TimelineItem]) -> None:
        if len(self.details) > DETAILS_KEPT:  # scrolled through a great deal: start again from what is shown
            self.forget_details()
        for item in items:
            self.details[item.fact] = item
        self.update()

    def forget_details(self) -> None:
        """Drop the words read (another store: its fact row ids mean other facts)."""
        self.details.clear()
        self._labels.clear()

    def lanes_between(self, top: float, bottom: float) -> list[Lane]:
        return self.placed.lanes_between(top, bottom)

    def missing_lanes(self, rect: QRectF) -> list[int]:
        """The lanes meeting scene `rect` whose marks have not been read."""
        return [lane.index for lane in self.lanes_between(rect.top(), rect.bottom()) if lane.index not in self.loaded]

    def marks_in(self, rect: QRectF) -> Iterator[tuple[LaneMarks, int]]:
        return marks_in(self.placed, self.loaded, rect.left(), rect.top(), rect.right(), rect.bottom())

    def mark_of_fact(self, fact: int) -> Mark | None:
        for marks in self.loaded.values():
            for i, f in enumerate(marks.fact):
                if f == fact:
                    return Mark(self, marks, i)
        return None

    def marks_for(self, entity_id: str) -> list[Mark]:
        """The marks read so far of `entity_id`'s facts, both ways."""
        return [
            Mark(self, marks, i)
            for _, marks in sorted(self.loaded.items())
            for i in range(len(marks))
            if entity_id in (marks.subject[i], marks.other[i])
        ]

    def lane_of_entity(self, entity_id: str | None) -> Lane | None:
        """The lane that shows `entity_id` best: its own (lanes by entity), else the top one of its marks read."""
        if not entity_id:
            return None
        own = self.layout.lane_of(entity_id) if self.layout.lanes_by == "entity" else None
        if own is not None:
            return self.lanes[own]
        ours = self.marks_for(entity_id)
        return min((m.lane for m in ours), key=lambda lane: lane.top) if ours else None

    def row_y(self, marks: LaneMarks, i: int) -> float:
        return self.placed.tops[marks.index] + LANE_HEADER + marks.row[i] * ROW_H

    # -- the entity on show ---------------------------------------------------------

    def set_current(self, entity_id: str | None) -> None:
        """Make the marks of `entity_id` (either end of the fact) stand out."""
        self._current = entity_id
        self.update()

    @property
    def current(self) -> str | None:
        return self._current

    def emphasized(self, marks: LaneMarks, i: int) -> bool:
        current = self._current
        return current is not None and (marks.subject[i] == current or marks.other[i] == current)

    def set_text_color(self, color: QColor) -> None:
        if color != self.drawing.text:
            self.drawing.text = QColor(color)
            self.update()

    # -- labels ---------------------------------------------------------------------

    def label(self, marks: LaneMarks, i: int) -> tuple[str, float] | None:
        """The mark's label and its width in pixels (bold, so that standing out never makes it overlap)."""
        fact = marks.fact[i]
        known = self._labels.get(fact)
        if known is None:
            item = self.details.get(fact)
            if item is None:
                return None
            lane_key = self.layout.keys[marks.index]
            # A lane of one series names its country and program already; a lane of many does not.
            if item.amounts and item.other is not None and lane_key != series.PREFIX:
                text = item.phrase.removeprefix(f"{item.other.name}: ")
            elif lane_key == item.subject.id:
                text = item.phrase
            else:
                text = f"{item.subject.name}: {item.phrase}"
            text = self.drawing.elide(text)
            known = self._labels[fact] = (text, self.drawing.bold_metrics.horizontalAdvance(text))
        return known

    @staticmethod
    def label_left(marks: LaneMarks, i: int, to_view: QTransform) -> float:
        """The viewport x where the label of mark `i` begins (a point's label from its diamond's left)."""
        x = to_view.m11() * anchor(marks, i) + to_view.m31()
        return x - POINT_SIZE if marks.flags[i] & POINT else x

    def label_box(self, marks: LaneMarks, i: int, to_view: QTransform) -> QRectF | None:
        """Where mark `i`'s label shows in the viewport, or None: unread, or it would run into the next mark's."""
        label = self.label(marks, i)
        if label is None:
            return None
        left = self.label_left(marks, i, to_view)
        after = marks.next_in_row(i)
        if after is not None and left + label[1] + LABEL_GAP > self.label_left(marks, after, to_view):
            return None
        y = self.row_y(marks, i) + LABEL_Y + to_view.m32()
        return QRectF(left, y, label[1], self.drawing.label_height)

    # -- hit testing ----------------------------------------------------------------

    def mark_at(self, x: float, y: float, to_view: QTransform) -> Mark | None:
        """The mark under viewport point (x, y): its diamond, its bar or its label."""
        scale, dx, dy = to_view.m11(), to_view.m31(), to_view.m32()
        scene_y = y - dy
        lanes = self.lanes_between(scene_y, scene_y)
        marks = self.loaded.get(lanes[-1].index) if lanes else None
        if marks is None:
            return None
        lane = lanes[-1]
        row = int((scene_y - lane.top - LANE_HEADER) // ROW_H)
        if not 0 <= row < lane.rows:
            return None
        top = lane.top + LANE_HEADER + row * ROW_H + dy
        found = None
        for i in marks.row_marks(row, left=(x - dx - MAX_LABEL_PX) / scale):
            x0, x1 = scale * marks.x0[i] + dx, scale * marks.x1[i] + dx
            if x0 - POINT_SIZE - HIT_SLACK > x:
                break
            on_bar = x0 - HIT_SLACK <= x <= max(x1, x0 + 1) + HIT_SLACK
            on_bar = on_bar and top + BAR_Y - 1 <= y <= top + BAR_Y + BAR_H + 1
            middle = scale * anchor(marks, i) + dx
            on_point = bool(marks.flags[i] & POINT) and (
                abs(x - middle) + abs(y - (top + BAR_Y + BAR_H / 2)) <= POINT_SIZE + 1
            )
            box = self.label_box(marks, i, to_view) if y >= top + LABEL_Y else None
            if on_bar or on_point or (box is not None and box.contains(QPointF(x, y))):
                found = i  # the last one wins: a later mark is drawn over an earlier one
        return None if found is None else Mark(self, marks, found)

    # -- painting -------------------------------------------------------------------

    def paint(self, painter: QPainter, shown: QRectF, to_view: QTransform) -> bool:
        """Draw the marks in scene rect `shown`, in viewport pixels (the painter's world transform is set to
        viewport pixels). False when something in `shown` could not be drawn yet: a lane's marks, or a
        mark's words, still to be read."""
        complete = not self.missing_lanes(shown)
        standing_out: list[tuple[LaneMarks, int]] = []
        painter.setFont(self.drawing.font)
        for marks, i in self.marks_in(shown):
            if self.emphasized(marks, i):
                standing_out.append((marks, i))
            elif not self._paint_mark(painter, marks, i, to_view, False):
                complete = False
        painter.setFont(self.drawing.bold)
        for marks, i in standing_out:  # on top of the rest
            if not self._paint_mark(painter, marks, i, to_view, True):
                complete = False
        return complete

    def _paint_mark(self, painter: QPainter, marks: LaneMarks, i: int, to_view: QTransform, emphasis: bool) -> bool:
        style = self.drawing
        scale, dx = to_view.m11(), to_view.m31()
        y = self.row_y(marks, i) + to_view.m32()
        kind, flags = self.layout.lane_kinds[marks.index], marks.flags[i]
        x0, x1 = scale * marks.x0[i] + dx, scale * marks.x1[i] + dx
        width = max(x1 - x0, scale)  # at least a day wide
        item = self.details.get(marks.fact[i])
        if item is not None and item.amounts:  # a series of figures: faint, its yearly amounts drawn over
            painter.setBrush(style.flat(kind, 40))
        elif flags & POINT:  # the span a vague date stands for, faint; the diamond marks it
            painter.setBrush(style.flat(kind, 90))
        else:  # faint where a vague start or end may fall, clear where an open one fades
            gradient = QLinearGradient(x0, 0, x0 + width, 0)
            color = style.color(kind)
            r, g, b = color.red(), color.green(), color.blue()
            s0, s1 = scale * marks.s0[i] + dx, scale * marks.s1[i] + dx
            for at, alpha in (
                (0.0, 0 if flags & OPEN_START else 60),
                ((s0 - x0) / width, 220),
                ((s1 - x0) / width, 220),
                (1.0, 0 if flags & OPEN_END else 60),
            ):
                gradient.setColorAt(min(max(at, 0.0), 1.0), QColor(r, g, b, alpha))
            painter.setBrush(QBrush(gradient))
        # A faint hairline keeps a span narrower than a pixel visible; an open end fades without one.
        if emphasis:
            painter.setPen(style.emphasis_pen)
        else:
            painter.setPen(style.edge_pen(kind, 0 if flags & (OPEN_START | OPEN_END) else 120))
        painter.drawRect(QRectF(x0, y + BAR_Y, width, BAR_H))
        if item is not None and item.amounts:
            self._paint_amounts(painter, item, kind, to_view, y)
        if flags & POINT:
            painter.setBrush(style.color(kind))
            painter.setPen(style.emphasis_point_pen if emphasis else style.point_pen(kind))
            painter.drawPolygon(_DIAMOND.translated((x0 + x1) / 2, y + BAR_Y + BAR_H / 2))
        box = self.label_box(marks, i, to_view)
        if box is not None:
            painter.setPen(style.text)
            painter.drawText(QPointF(box.left(), box.top() + style.ascent), self._labels[marks.fact[i]][0])
        return marks.fact[i] in self.details

    def _paint_amounts(self, painter: QPainter, item: TimelineItem, kind: int, to_view: QTransform, y: float) -> None:
        """Each fiscal year of a series as a block as strong as its amount is near the series' peak: the
        strip shows when the money flowed (a de-obligation, below zero, is drawn as none)."""
        peak = max(amount for _, amount in item.amounts)
        if peak <= 0:
            return
        scale, dx = to_view.m11(), to_view.m31()
        painter.setPen(Qt.PenStyle.NoPen)
        for year, amount in item.amounts:
            if amount <= 0:
                continue
            first, last = fiscal_year_days(year)
            left = scale * first + dx
            painter.setBrush(self.drawing.flat(kind, 50 + round(205 * amount / peak)))
            painter.drawRect(QRectF(left, y + BAR_Y, max(scale * (last + 1 - first), 1.0), BAR_H))

    def visible_labels(self, shown: QRectF, to_view: QTransform) -> list[tuple[Mark, QRectF]]:
        """The labels in scene rect `shown` that show at this zoom, with where they are in the viewport."""
        found = []
        for marks, i in self.marks_in(shown):
            box = self.label_box(marks, i, to_view)
            if box is not None:
                found.append((Mark(self, marks, i), box))
        return found

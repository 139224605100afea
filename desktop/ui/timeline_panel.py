"""The timeline pane: filters above the timeline view. It asks the store, off the GUI thread; the view draws.

Every read goes through `Tasks`, on its "timeline" lane (one worker: reads run
in the order asked), and asks only for what is in view:

- the layout (Store.timeline_layout): the lanes the filters give and the rows
  each takes, from the marks' positions alone;
- the marks of the lanes in view and a margin around them (Store.timeline_marks);
- the words of the marks in view (Store.timeline(facts=…)), at most
  DETAILS_LIMIT at a time, for their labels and tooltips.

A reload reads the layout and the first screen's marks and words at once, so
the timeline is drawn in one go. Each reload has a generation: a newer one
stops the older one's reading and drops its answer, so only the newest is
drawn, and typing into the filter box never waits for the store.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.core.store import Store
from desktop.core.timeline import LaneMarks
from desktop.core.views import TimelineItem
from desktop.models.tasks import Task, Tasks, report
from desktop.ui.timeline_scene import Placed, TimelineScene, marks_in, place
from desktop.ui.timeline_view import TimelineView

if TYPE_CHECKING:
    from desktop.core.dates import FuzzyDate

TEXT_DELAY_MS = 150  # typing in the filter box asks again once the typing pauses
MARKS_LIMIT = 1_000_000  # the most marks one layout places (the oldest): its read takes about 2 s per million
DETAILS_LIMIT = 1500  # the most facts whose words one read asks for
LANES_LIMIT = 200  # the most lanes whose marks one read asks for
REVEAL_LIMIT = 500  # facts looked at to find the lane of an entity with no lane of its own
LANE = "timeline"  # the Tasks lane


class Window(NamedTuple):
    """A scene rect as plain numbers, for a worker: left, top, right, bottom."""

    left: float
    top: float
    right: float
    bottom: float

    @classmethod
    def of(cls, rect: QRectF) -> Window:
        return cls(rect.left(), rect.top(), rect.right(), rect.bottom())


class Reading(NamedTuple):
    """What one read brings: lanes' marks, and marks' words."""

    lanes: dict[int, LaneMarks]
    items: list[TimelineItem]


def read_view(
    store: Store,
    placed: Placed,
    loaded: dict[int, LaneMarks],
    known: set[int],
    lanes: list[int],
    window: Window,
    stop: threading.Event,
) -> Reading:
    """On the worker: the marks of `lanes`, then the words of the marks in `window` not `known` yet."""
    new = store.timeline_marks(placed.layout, lanes, stop=stop.is_set) if lanes else {}
    wanted: list[int] = []
    for marks, i in marks_in(placed, {**loaded, **new}, *window):
        fact = marks.fact[i]
        if fact not in known:
            wanted.append(fact)
            if len(wanted) == DETAILS_LIMIT:
                break
    return Reading(new, store.timeline(facts=wanted, limit=DETAILS_LIMIT) if wanted else [])


class TimelinePanel(QWidget):
    """Signals: entityActivated(id) when a mark is clicked, reloaded(count of marks) once a new layout is
    drawn, detailsLoaded() once the words of the marks in view have been read."""

    entityActivated = Signal(str)
    reloaded = Signal(int)
    detailsLoaded = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None, tasks: Tasks | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.store = store
        self.tasks = tasks if tasks is not None else Tasks(self)
        self._current: str | None = None
        self._generation = 0
        self._stop = threading.Event()  # set to stop the reads of this generation
        self._layout_task: Task | None = None
        self._view_task: Task | None = None
        self._reveal_task: Task | None = None
        self._unreadable: set[int] = set()  # facts whose words the store did not have
        self.total = 0  # dated facts the filters chose (more than are shown past the layout's limit)

        self.kind_box = QComboBox(self)
        self.kind_box.setObjectName("timelineKind")
        self.kind_box.setAccessibleName("Only facts about entities of this kind")
        self.text_box = QLineEdit(self)
        self.text_box.setObjectName("timelineText")
        self.text_box.setAccessibleName("Only facts that mention")
        self.text_box.setPlaceholderText("Filter facts…")
        self.text_box.setClearButtonEnabled(True)
        self.follow_box = QCheckBox("This entity and what it links to", self)
        self.follow_box.setObjectName("timelineFollow")
        self.follow_box.setToolTip("Only the facts of the entity in the page, both ways; follows the page")
        self.lanes_box = QComboBox(self)
        self.lanes_box.setObjectName("timelineLanes")
        self.lanes_box.setAccessibleName("Lanes")
        self.lanes_box.addItem("Lanes by entity", "entity")
        self.lanes_box.addItem("Lanes by kind", "kind")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("timelineCount")

        self.scene = TimelineScene(self)
        self.view = TimelineView(self.scene, self)
        self.view.entityActivated.connect(self.entityActivated)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.kind_box)
        bar.addWidget(self.text_box, 1)
        bar.addWidget(self.follow_box)
        bar.addWidget(self.lanes_box)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_DELAY_MS)
        self._text_timer.timeout.connect(self.reload)
        # Asking for what came into view waits for the event loop: once per burst of scrolling.
        self._view_timer = QTimer(self)
        self._view_timer.setSingleShot(True)
        self._view_timer.setInterval(0)
        self._view_timer.timeout.connect(self._read_view)
        self.view.shownChanged.connect(self._view_timer.start)
        self.view.unreadShown.connect(self._view_timer.start)
        self.text_box.textChanged.connect(self._text_timer.start)
        self.kind_box.currentIndexChanged.connect(self.reload)
        self.follow_box.toggled.connect(self.reload)
        self.lanes_box.currentIndexChanged.connect(self.reload)
        self._fill_kinds()
        self.reload()

    def _fill_kinds(self) -> None:
        chosen = self.kind_box.currentData()
        self.kind_box.blockSignals(True)
        self.kind_box.clear()
        self.kind_box.addItem("All kinds", None)
        for kind in self.store.kinds():
            self.kind_box.addItem(kind.plural, kind.id)
        found = self.kind_box.findData(chosen)
        self.kind_box.setCurrentIndex(max(found, 0))
        self.kind_box.blockSignals(False)

    def set_store(self, store: Store) -> None:
        self.store = store
        self.scene.forget_details()  # row ids of another index name other facts
        self._unreadable.clear()
        self._fill_kinds()
        self.reload()

    def busy(self) -> bool:
        """Whether a read is under way or about to start (what is drawn may still change)."""
        return (
            self._layout_task is not None
            or self._view_task is not None
            or self._reveal_task is not None
            or self._text_timer.isActive()
            or self._view_timer.isActive()
        )

    def stop(self) -> None:
        """Stop the reads under way and drop every answer still to come (the window is closing)."""
        self._generation += 1
        self._stop.set()
        for task in (self._layout_task, self._view_task, self._reveal_task):
            if task is not None:
                task.cancel()
        self._layout_task = self._view_task = self._reveal_task = None
        self._text_timer.stop()
        self._view_timer.stop()

    # -- the layout -------------------------------------------------------------------

    @Slot()
    def reload(self) -> None:
        """Ask for the layout the filters choose; it is drawn, fitted to the width, when it comes."""
        self.stop()
        generation, stop = self._generation, threading.Event()
        self._stop = stop
        store, current, lanes_by = self.store, self._current, self.lanes_box.currentData()
        entity = current if self.follow_box.isChecked() else None
        kind, text = self.kind_box.currentData(), self.text_box.text().strip() or None
        height = max(self.view.viewport().height(), 200) * 1.5
        known = set(self.scene.details) | self._unreadable
        limit = MARKS_LIMIT

        def read() -> tuple[Placed, Reading]:
            placed = place(store.timeline_layout(entity, kind, text, lanes_by, limit=limit, stop=stop.is_set))
            lanes = placed.first_screen(current, height)
            if not lanes:
                return placed, Reading({}, [])
            # Fitted, the view shows every day: the first screen is every mark of its lanes.
            top, bottom = placed.lanes[lanes[0]].top, placed.lanes[lanes[-1]].bottom
            window = Window(-float("inf"), top, float("inf"), bottom)
            return placed, read_view(store, placed, {}, known, lanes, window, stop)

        self._layout_task = self.tasks.run(
            read,
            lambda answer: self._show_layout(generation, *answer),
            lambda exc: self._failed(generation, exc),
            lane=LANE,
            what="Reading the timeline",
        )

    def _show_layout(self, generation: int, placed: Placed, reading: Reading) -> None:
        if generation != self._generation:
            return
        self._layout_task = None
        # Up to a hundred thousand lanes go with the old layout: they are let go of on the worker, a slice
        # at a time, rather than here in one go.
        old = self.scene.placed.layout
        self.scene.set_placed(placed, reading.lanes)
        self.tasks.run(old.release, lane=LANE, what="Letting go of the timeline's last layout")
        self.scene.add_details(reading.items)
        self.scene.set_current(self._current)
        self.view.fit_all()
        shown, self.total = placed.count, placed.layout.total
        noun = f"dated fact{'s' if self.total != 1 else ''}"
        if self.total > shown:
            self.count_label.setText(f"the oldest {shown:,} of {self.total:,} {noun}")
        else:
            self.count_label.setText(f"{shown:,} {noun}")
        if placed.layout.series:
            count = placed.layout.series
            self.count_label.setText(f"{self.count_label.text()}, {count:,} series of official figures")
        self._reveal_current()
        self._read_view()
        self.reloaded.emit(shown)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._layout_task = None
        self.count_label.setText(report(exc, "Reading the timeline"))

    # -- what comes into view ----------------------------------------------------------------

    def wanted_rect(self) -> QRectF:
        """The scene rect read ahead of need: the view and a margin, so a short pan finds it all there."""
        shown = self.view.visible_scene_rect()
        return shown.adjusted(-shown.width() / 2, -shown.height() / 2, shown.width() / 2, shown.height() / 2)

    @Slot()
    def _read_view(self) -> None:
        """Ask for the marks of the lanes and the words of the marks in (and around) the view not read yet;
        say when there are none left."""
        if self._view_task is not None or self._layout_task is not None:
            return  # asked again when that read is in
        rect, scene, skip = self.wanted_rect(), self.scene, self._unreadable
        lanes = scene.missing_lanes(rect)[:LANES_LIMIT]
        read = scene.details
        if not lanes and all(m.fact[i] in read or m.fact[i] in skip for m, i in scene.marks_in(rect)):
            self.detailsLoaded.emit()
            return
        generation, store, placed, stop = self._generation, self.store, scene.placed, self._stop
        # What the worker is given is copied: the scene goes on changing here meanwhile.
        loaded, window, known = dict(scene.loaded), Window.of(rect), set(read) | skip

        def shown(reading: Reading) -> None:
            self._view_task = None
            if generation != self._generation:
                return
            self.scene.add_lanes(reading.lanes)
            self.scene.add_details(reading.items)
            # What the index no longer has (it changed under us) is not asked for again and again.
            asked = {marks.fact[i] for marks, i in marks_in(placed, {**loaded, **reading.lanes}, *window)}
            self._unreadable.update(asked - known - {item.fact for item in reading.items})
            self._read_view()  # more may have come into view meanwhile

        def failed(exc: BaseException) -> None:
            self._view_task = None
            if generation == self._generation:
                self.count_label.setText(report(exc, "Reading the timeline's facts"))

        self._view_task = self.tasks.run(
            lambda: read_view(store, placed, loaded, known, lanes, window, stop),
            shown,
            failed,
            lane=LANE,
            what="Reading the timeline's facts",
        )

    # -- following the page ------------------------------------------------------------------

    @Slot(str)
    def set_current_entity(self, entity_id: str) -> None:
        """Follow the page: its entity's marks stand out (and are the only ones, when following)."""
        self._current = entity_id or None
        if self.follow_box.isChecked():
            self.reload()
            return
        self.scene.set_current(self._current)
        self._reveal_current()

    def _reveal_current(self) -> None:
        """Scroll to the lane of the entity on show; one with no lane of its own is looked for off the GUI thread."""
        current = self._current
        if current is None:
            return
        lane = self.scene.lane_of_entity(current)
        if lane is not None:
            self.view.reveal(lane)
            return
        generation, store, layout = self._generation, self.store, self.scene.layout
        by_kind = layout.lanes_by == "kind"
        what = "Finding the entity on the timeline"

        def lanes_of() -> list[int]:
            items = store.timeline(entity=current, kind=layout.kind, text=layout.text, limit=REVEAL_LIMIT)
            keys = {item.subject.kind if by_kind else item.subject.id for item in items}
            return [n for key in keys if (n := layout.lane_of(key)) is not None]

        def found(lanes: list[int]) -> None:
            self._reveal_task = None
            if lanes and generation == self._generation and current == self._current:
                self.view.reveal(self.scene.lanes[min(lanes)])

        def failed(exc: BaseException) -> None:
            self._reveal_task = None
            report(exc, what)  # logged: the page is on show all the same

        if self._reveal_task is not None:
            self._reveal_task.cancel()
        self._reveal_task = self.tasks.run(lanes_of, found, failed, lane=LANE, what=what)

    def set_as_of(self, when: FuzzyDate | None) -> None:
        self.view.set_as_of(when)

    def focus_view(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

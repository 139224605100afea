"""The timeline pane: filters above the timeline view; it reads the store, the view draws."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.core.dates import FuzzyDate
from desktop.core.store import Store
from desktop.core.views import TimelineItem
from desktop.ui.timeline_scene import TimelineScene
from desktop.ui.timeline_view import TimelineView

TEXT_DELAY_MS = 150  # typing in the filter box redraws once the typing pauses


class TimelinePanel(QWidget):
    """Signals: entityActivated(id) when a mark is clicked, reloaded(count of marks) after a redraw."""

    entityActivated = Signal(str)
    reloaded = Signal(int)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.store = store
        self._current: str | None = None
        self.items: list[TimelineItem] = []

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
        self._fill_kinds()
        self.reload()

    @Slot()
    def reload(self) -> None:
        """Read the facts the filters ask for and draw them, fitted to the width."""
        self._text_timer.stop()
        entity = self._current if self.follow_box.isChecked() else None
        self.items = self.store.timeline(
            entity=entity, kind=self.kind_box.currentData(), text=self.text_box.text().strip() or None
        )
        kinds = {k.id: (k.plural, n) for n, k in enumerate(self.store.kinds())}
        self.scene.set_items(self.items, lanes_by=self.lanes_box.currentData(), kinds=kinds)
        self.scene.set_current(self._current)
        self.view.fit_all()
        shown = len(self.scene.marks)
        self.count_label.setText(f"{shown:,} dated fact{'s' if shown != 1 else ''}")
        self.reloaded.emit(shown)

    @Slot(str)
    def set_current_entity(self, entity_id: str) -> None:
        """Follow the page: its entity's marks stand out (and are the only ones, when following)."""
        self._current = entity_id or None
        if self.follow_box.isChecked():
            self.reload()
            return
        self.scene.set_current(self._current)
        ours = self.scene.marks_for(self._current or "")
        if ours:
            self.view.reveal(min(ours, key=lambda m: m.lane.top))

    def set_as_of(self, when: FuzzyDate | None) -> None:
        self.view.set_as_of(when)

    def focus_view(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

"""Time in the main window: View → Timeline (a dock under the page), File → Export timeline, the As of control.

The timeline is built the first time it is opened, so a window that never
shows it never reads the store for it. It reads off the GUI thread, through
the `Tasks` the window shares (or one of its own).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

# `Qt` only as `QtCore.Qt`, in code that runs after the first paint: see qt_enums.py.
from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QToolBar

from desktop.core.store import Store
from desktop.models.tasks import Tasks
from desktop.ui.as_of_control import AsOfControl

if TYPE_CHECKING:
    from desktop.core.dates import FuzzyDate
    from desktop.ui.main_window import MainWindow
    from desktop.ui.timeline_panel import TimelinePanel

EXPORT_FILTERS = "PNG image (*.png);;SVG image (*.svg)"
DRAWN_TIMEOUT_MS = 30_000  # how long an export (or a script) waits for the timeline to be drawn


class TimeControls(QObject):
    """Owns the timeline dock, its actions and the As of control of one main window."""

    def __init__(self, window: MainWindow, tasks: Tasks | None = None) -> None:
        super().__init__(window)
        self.window = window
        self._owns_tasks = tasks is None
        self.tasks = tasks if tasks is not None else Tasks(self)
        self.panel: TimelinePanel | None = None
        self.dock: QDockWidget | None = None
        self.action_timeline = QAction("Time&line", window, checkable=True)
        self.action_timeline.setObjectName("actionTimeline")  # its keys come from the actions table
        self.action_timeline.toggled.connect(self.set_timeline_visible)
        window.addAction(self.action_timeline)
        self.action_export = QAction("Export &timeline as PNG or SVG…", window)
        self.action_export.setObjectName("actionExportTimeline")
        self.action_export.triggered.connect(self._choose_export)
        window.addAction(self.action_export)
        self.as_of_control = AsOfControl(window)
        self.as_of_control.asOfChanged.connect(self.apply_as_of)
        self.as_of_control.rejected.connect(lambda reason: window.statusBar().showMessage(reason, 8000))
        self._fill_years(window.store)
        window.pageShown.connect(self._on_page_shown)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop()
        return False

    def stop(self) -> None:
        """Stop the timeline's reads; with a Tasks of its own, wait for its worker, which then takes no more."""
        if self.panel is not None:
            self.panel.stop()
        if self._owns_tasks:
            self.tasks.shutdown()

    def add_to_toolbar(self, toolbar: QToolBar) -> None:
        """The As of box, with its label, at the end of `toolbar`."""
        toolbar.addSeparator()
        label = QLabel(" As of ", toolbar)
        label.setBuddy(self.as_of_control)
        toolbar.addWidget(label)
        toolbar.addWidget(self.as_of_control)

    def _fill_years(self, store: Store) -> None:
        first, last = store.time_span()
        self.as_of_control.set_years(int(first[:4]) if first else None, int(last[:4]) if last else None)

    # -- the dock --------------------------------------------------------------

    def timeline(self) -> TimelinePanel:
        """The timeline pane, built (and docked, hidden) on first use."""
        if self.panel is None:
            window = self.window
            from desktop.ui.timeline_panel import TimelinePanel  # drawn on demand: not a cost at startup

            self.panel = TimelinePanel(window.store, window, self.tasks)
            # Told of the window closing before the window itself is (it closes the store next). Not
            # before there is a timeline to stop: every event of the window would pass through here.
            window.installEventFilter(self)
            self.panel.entityActivated.connect(window.show_entity)
            self.panel.set_current_entity(window.current_entity or "")
            self.panel.set_as_of(window.as_of)
            self.dock = QDockWidget("Timeline", window)
            self.dock.setObjectName("timelineDock")
            self.dock.setWidget(self.panel)
            area = QtCore.Qt.DockWidgetArea
            self.dock.setAllowedAreas(area.BottomDockWidgetArea | area.TopDockWidgetArea)
            self.dock.hide()
            window.addDockWidget(area.BottomDockWidgetArea, self.dock)
            self.dock.visibilityChanged.connect(self._on_dock_visibility)
        return self.panel

    @Slot(bool)
    def set_timeline_visible(self, visible: bool) -> None:
        if visible:
            panel, dock = self.timeline(), self.dock
            assert dock is not None  # made with the panel
            dock.show()
            if self.window.height() > 300:
                self.window.resizeDocks([dock], [int(self.window.height() * 0.42)], QtCore.Qt.Orientation.Vertical)
            panel.view.fit_all()
            panel.focus_view()
            from PySide6.QtCore import QThread

            if QThread.currentThread().loopLevel() == 0:
                # No event loop runs (a script, the screenshot command): nothing would deliver the
                # timeline's reads to it after this returns, so it is drawn before returning.
                self.wait_until_drawn()
        elif self.dock is not None:
            self.dock.hide()
        if self.action_timeline.isChecked() != visible:
            self.action_timeline.setChecked(visible)

    def wait_until_drawn(self, timeout_ms: int = DRAWN_TIMEOUT_MS) -> bool:
        """Run the event loop until the timeline has drawn its marks and their labels; False on timeout."""
        panel = self.panel
        if panel is None:
            return False
        from PySide6.QtCore import QEventLoop

        loop = QEventLoop()
        poll, deadline = QTimer(), QTimer()
        poll.setInterval(5)  # the reads arrive as queued calls: look after each turn of the loop

        def look() -> None:
            if not panel.busy():
                loop.quit()

        poll.timeout.connect(look)
        deadline.setSingleShot(True)
        deadline.timeout.connect(loop.quit)
        if panel.busy():
            poll.start()
            deadline.start(timeout_ms)
            loop.exec()
            poll.stop()
            deadline.stop()
        return not panel.busy()

    @Slot(bool)
    def _on_dock_visibility(self, visible: bool) -> None:
        # The dock's own close button hides it: keep View → Timeline's tick in step.
        if self.dock is not None and not self.dock.isVisible() and self.action_timeline.isChecked():
            self.action_timeline.setChecked(False)

    # -- following the window ----------------------------------------------------

    @Slot(str)
    def _on_page_shown(self, entity_id: str) -> None:
        if self.panel is not None:
            self.panel.set_current_entity(entity_id)

    @Slot(object)
    def apply_as_of(self, when: FuzzyDate | None) -> None:
        """Show pages as they stood at `when` (None: the latest), and mark that date on the timeline."""
        if self.as_of_control.value != when:
            self.as_of_control.set_text(when.text if when else "")  # its asOfChanged comes back here
            return
        self.set_as_of(when)
        self.window.tabs.set_as_of(when)

    def set_as_of(self, when: FuzzyDate | None) -> None:
        if self.panel is not None:
            self.panel.set_as_of(when)

    def set_store(self, store: Store) -> None:
        self._fill_years(store)
        if self.panel is not None:
            self.panel.set_store(store)

    # -- export ------------------------------------------------------------------

    def export(self, path: Path) -> bool:
        """Write the timeline as shown (opening it if need be) to a PNG or, for .svg, an SVG file."""
        if not self.action_timeline.isChecked():
            self.set_timeline_visible(True)
        self.wait_until_drawn()  # what is shown, labels and all, not what had come in so far
        return self.timeline().view.export(path)

    @Slot()
    def _choose_export(self) -> None:
        if not self.action_timeline.isChecked():
            self.set_timeline_visible(True)
        path, chosen = QFileDialog.getSaveFileName(self.window, "Export timeline", "timeline.png", EXPORT_FILTERS)
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".png", ".svg"):
            target = target.with_suffix(".svg" if "svg" in chosen.lower() else ".png")
        if self.export(target):
            self.window.statusBar().showMessage(f"Saved {target}", 6000)
        else:
            self.window.statusBar().showMessage(f"Could not write {target}", 8000)

"""Official figures in the main window: a dock that follows the page, View → Official figures, and the exports.

While View → Official figures is ticked (it is at start), each page shown asks the store for its
figures off the GUI thread (Tasks, lane "figures"; a newer page's read drops an older one's
answer). A page with figures shows the dock; a page without hides it, unless the reader has just
asked for it from the menu, when it says there are none. The pane (its chart, table and model) is
built the first time there is something to show: a window that never shows figures never imports it,
and the first read that finds figures imports it off the GUI thread.
The as-of date reaches the chart whenever the page is drawn again, which is how the window applies it.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

# `Qt` only as `QtCore.Qt`, in code that runs after the first paint: see qt_enums.py.
from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from desktop.core.store import IndexMissing, Store
from desktop.models.tasks import Task, Tasks, report

if TYPE_CHECKING:
    from desktop.core.views import FigureView
    from desktop.ui.figures_panel import FiguresDock, FiguresPanel
    from desktop.ui.main_window import MainWindow

LANE = "figures"
PANE_MODULE = "desktop.ui.figures_panel"  # the pane, its chart and its models: imported only when first needed
CHART_FILTERS = "PNG image (*.png);;SVG image (*.svg)"
TABLE_FILTERS = "CSV file (*.csv)"


class FiguresControls(QObject):
    """Owns the official figures dock of one main window and its actions.

    Signals: message(text) for the status bar; loaded(id) once the figures of a page are shown (or
    known to be none).
    """

    message = Signal(str)
    loaded = Signal(str)

    def __init__(self, window: MainWindow, tasks: Tasks) -> None:
        super().__init__(window)
        self.window = window
        self.tasks = tasks
        self.panel: FiguresPanel | None = None
        self.dock: FiguresDock | None = None
        self._task: Task | None = None
        self._generation = 0
        self._shown: tuple[str, Store] | None = None  # the page and the store whose figures the dock holds
        self._pending: tuple[str, Store] | None = None  # the page and the store of the read under way
        self._asked = False  # ticked by the reader on this page: the dock shows even with nothing in it
        self._held = False  # no read before the window's first paint (hold_until_first_paint)
        self.action_figures = QAction("Official &figures", window, checkable=True)
        self.action_figures.setObjectName("actionFigures")  # its keys come from the actions table
        self.action_figures.setChecked(True)
        self.action_figures.toggled.connect(self.set_visible)
        self.action_export_chart = QAction("Export figures &chart as PNG or SVG…", window)
        self.action_export_chart.setObjectName("actionExportFiguresChart")
        self.action_export_chart.triggered.connect(self.choose_export_chart)
        self.action_export_table = QAction("Export figures table as C&SV…", window)
        self.action_export_table.setObjectName("actionExportFiguresTable")
        self.action_export_table.triggered.connect(self.choose_export_table)
        for action in (self.action_figures, self.action_export_chart, self.action_export_table):
            window.addAction(action)
        self._enable_exports(False)
        window.pageShown.connect(self._on_page_shown)

    def hold_until_first_paint(self) -> None:
        """Read no figures until the window has been painted (its start): the page shown meanwhile is
        read then. A worker started before the first paint shares the interpreter with it (some 5–10 ms
        of a start on an entity's page, its thread pool's modules included), and its answer comes after
        that paint all the same."""
        self._held = True
        self.window.after_first_paint(self._release)

    def _release(self) -> None:
        self._held = False
        if self.action_figures.isChecked():
            self._follow()

    def stop(self) -> None:
        """Drop the answer of any read under way (the window is closing: it calls this first)."""
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def busy(self) -> bool:
        """Whether a read of figures is under way (what the dock shows may still change)."""
        return self._task is not None

    # -- the dock ------------------------------------------------------------------------------

    def figures_panel(self) -> FiguresPanel:
        """The pane, built (and docked, hidden) on first use."""
        if self.panel is None:
            from desktop.ui.figures_panel import FiguresDock, FiguresPanel  # built on demand: not a cost at startup

            window = self.window
            self.panel = panel = FiguresPanel(window)
            panel.entityActivated.connect(window.show_entity)
            panel.exportChartRequested.connect(self.choose_export_chart)
            panel.exportTableRequested.connect(self.choose_export_table)
            self.dock = FiguresDock("Official figures", window)
            self.dock.setObjectName("figuresDock")
            self.dock.setWidget(panel)
            self.dock.hide()
            window.addDockWidget(QtCore.Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
            self.dock.closed.connect(lambda: self.action_figures.setChecked(False))
        return self.panel

    def _show_dock(self) -> None:
        dock = self.dock
        if dock is None or dock.isVisible():
            return
        dock.show()
        window = self.window
        if window.height() > 400:
            window.resizeDocks([dock], [int(window.height() * 0.42)], QtCore.Qt.Orientation.Vertical)
            # resizeDocks only marks the window's layout as out of date: laid out now, not at a later turn
            # of the event loop, which may come after a paint of the dock at its first height, the chart
            # and the table then laid out and painted a second time.
            layout = window.layout()
            if layout is not None:
                layout.activate()

    def _hide_dock(self) -> None:
        if self.dock is not None:
            self.dock.hide()

    @Slot(bool)
    def set_visible(self, visible: bool) -> None:
        """View → Official figures: show the figures of the page (or say there are none), or hide them."""
        if self.action_figures.isChecked() != visible:
            self.action_figures.setChecked(visible)  # its toggled signal comes back here
            return
        self._asked = visible
        if visible:
            self._follow(force=True)
        else:
            self.stop()
            self._shown = None
            self._hide_dock()
            if self.panel is not None:
                self.panel.clear("")  # nothing of this page's is followed now: nothing to export either
            self._enable_exports(False)

    # -- following the page ------------------------------------------------------------------------

    @Slot(str)
    def _on_page_shown(self, entity_id: str) -> None:
        if self._shown is None or self._shown[0] != entity_id:
            self._asked = False  # another page: the dock shows only if it has figures
        if self.action_figures.isChecked() and not self._held:
            self._follow()

    def _follow(self, force: bool = False) -> None:
        window = self.window
        ident, store = window.current_entity or "", window.store
        if self.panel is not None:
            self.panel.set_as_of(window.as_of)
        if not force and self._shown == (ident, store) and self._task is None:
            return  # the same page drawn again (a new as-of date, new colours)
        self.stop()
        generation = self._generation
        self._pending = (ident, store)
        if not ident:
            self._loaded(generation, ident, store, [])
            return

        unbuilt = self.panel is None

        def read() -> list[FigureView] | None:
            try:
                figures = store.figures(ident)
            except IndexMissing:
                return None  # this worker's first connection found the index deleted: see _read
            if figures and unbuilt:
                # The pane is built next, on the GUI thread: its modules are imported here, while the GUI
                # thread paints the page (in Qt's C++, which lets this thread run), not after it.
                import_module(PANE_MODULE)
            return figures

        self._task = self.tasks.run(
            read,
            lambda figures: self._read(generation, ident, store, figures),
            lambda exc: self._failed(generation, exc),
            lane=LANE,
            what="Reading the official figures",
        )
        QTimer.singleShot(0, self._settle_if_scripted)

    @Slot()
    def _settle_if_scripted(self) -> None:
        """A script (`almanac screenshot`) drives the window with single turns of the event loop and no loop
        running: nothing would deliver the read once that turn is over, so it is finished here. In the
        window's own event loop (and at startup, before it runs) the read arrives when it is done."""
        from PySide6.QtCore import QThread

        if self._task is not None and QThread.currentThread().loopLevel() == 0:
            self.wait_until_loaded()

    def wait_until_loaded(self) -> None:
        """Finish the read under way here and now, on the GUI thread (for a script: no event loop turns
        meanwhile, so nothing else changes before its picture is taken)."""
        pending = self._pending
        if self._task is None or pending is None:
            return
        self.stop()  # the worker's answer, if any, is dropped
        ident, store = pending
        self._read(self._generation, ident, store, None)
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # the dock laid out before a picture

    def _read(self, generation: int, ident: str, store: Store, figures: list[FigureView] | None) -> None:
        """What the worker read; when its first connection found the index deleted under the window (None),
        the figures are read through the GUI thread's connection, which (open since the page was drawn)
        still reads the deleted file. The window carries on, as it does for pages and searches, until the
        data is reopened: a reopen asked for from here would race one already asked for."""
        if generation != self._generation:
            return
        if figures is None:
            try:
                figures = store.figures(ident)
            except Exception as exc:
                self._failed(generation, exc)
                return
        self._loaded(generation, ident, store, figures or [])

    def _loaded(self, generation: int, ident: str, store: Store, figures: list[FigureView]) -> None:
        if generation != self._generation:
            return
        self._task = None
        self._shown = (ident, store)
        if figures:
            panel = self.figures_panel()
            first = figures[0]
            name = first.country.name if first.country.id == ident else first.program.name
            panel.set_figures(ident, name, figures)
            panel.set_as_of(self.window.as_of)
            self._show_dock()
        elif self._asked:
            panel = self.figures_panel()
            ref = store.ref(ident) if ident else None
            where = f"for {ref.name}" if ref is not None else "on this page"
            panel.clear(f"No official figures {where}.")
            self._show_dock()
        else:
            if self.panel is not None:
                self.panel.clear("")
            self._hide_dock()
        self._enable_exports(bool(figures))
        self.loaded.emit(ident)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._task = None
        self.message.emit(report(exc, "Reading the official figures"))

    def _enable_exports(self, enabled: bool) -> None:
        self.action_export_chart.setEnabled(enabled)
        self.action_export_table.setEnabled(enabled)

    # -- export ------------------------------------------------------------------------------------

    def _ready(self) -> FiguresPanel | None:
        panel = self.panel
        if panel is None or not panel.has_figures:
            self.message.emit("This page has no official figures to export.")
            return None
        return panel

    def export_chart(self, path: Path) -> bool:
        """Write the chart to `path`: SVG for .svg, else PNG. False (and a message) when it could not."""
        panel = self._ready()
        if panel is None:
            return False
        try:
            panel.chart.export(path)
        except OSError as exc:
            self.message.emit(f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.message.emit(f"Saved {path}")
        return True

    def export_table(self, path: Path) -> bool:
        """Write the table, as sorted on screen, to `path` as CSV (UTF-8). False (and a message) when it could not.

        Written beside the target and moved into place: a failed write leaves no half a file.
        """
        panel = self._ready()
        if panel is None:
            return False
        try:
            from desktop.ui.exports import written_beside  # the export code loads when first used

            with written_beside(path, ".csv") as temp, temp.open("w", encoding="utf-8", newline="") as out:
                panel.model.write_csv(out)
        except OSError as exc:
            self.message.emit(f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.message.emit(f"Saved {path}")
        return True

    def _file_name(self, suffix: str) -> str:
        panel = self.panel
        name = panel.ident if panel is not None and panel.ident else "figures"
        return f"{name}-figures.{suffix}"

    @Slot()
    def choose_export_chart(self) -> None:
        if self._ready() is None:
            return
        path, chosen = QFileDialog.getSaveFileName(
            self._parent_widget(), "Export figures chart", self._file_name("png"), CHART_FILTERS
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".png", ".svg"):
            target = target.with_suffix(".svg" if "svg" in chosen.lower() else ".png")
        self.export_chart(target)

    @Slot()
    def choose_export_table(self) -> None:
        if self._ready() is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self._parent_widget(), "Export figures table", self._file_name("csv"), TABLE_FILTERS
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".csv":
            target = target.with_suffix(".csv")
        self.export_table(target)

    def _parent_widget(self) -> QWidget:
        return self.window

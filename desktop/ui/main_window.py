"""The main window: search box and navigator on the left, the entity page on the right."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QMarginsF, QModelIndex, QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.citation import citation_text
from desktop.core.dates import FuzzyDate
from desktop.core.store import Store
from desktop.core.views import EntityRef, Hit
from desktop.models.data_watcher import DataWatcher
from desktop.models.navigator_model import NavigatorModel
from desktop.models.results_model import SearchResultsModel
from desktop.models.roles import Role
from desktop.models.search_runner import SearchRunner
from desktop.ui.detail_view import DetailView
from desktop.ui.dialogs import ProblemsDialog, ShortcutsDialog, SourcesDialog, about_text
from desktop.ui.find_bar import FindBar
from desktop.ui.history import History
from desktop.ui.icons import KindIcons
from desktop.ui.page_html import PAGE_ROWS, Colors, entity_href, esc, render_home, render_page
from desktop.ui.result_delegate import ResultDelegate
from desktop.ui.settings import AppSettings
from desktop.ui.theme import THEMES, apply_theme, page_colors
from desktop.ui.time_controls import TimeControls

APP_TITLE = "Security Assistance Almanac"
TREE_PAGE, RESULTS_PAGE = 0, 1

# Keys that are not menu actions, for Help → Keyboard shortcuts.
EXTRA_KEYS = [
    ("Move from the search box into the results", "Down"),
    ("Open the selected (or first) result", "Enter"),
    ("Clear the search and show the tree again", "Esc"),
    ("Move focus: search → navigator → page", "F6 (Shift+F6 backwards)"),
    ("Next / previous match in the find bar", "Enter / Shift+Enter, F3 / Shift+F3"),
    ("Close the find bar", "Esc"),
    ("Back / forward", "Mouse back / forward buttons"),
    ("Timeline: zoom in / out / fit all (when it has focus)", "Wheel, Ctrl+= / Ctrl+-, Ctrl+0"),
    ("Timeline: pan", "Drag, arrow keys"),
]


class MainWindow(QMainWindow):
    """Signals: pageShown(id or ""), searchFinished(query) after results are shown,
    storeReloaded() after the data changed on disk and the window switched to the rebuilt index."""

    pageShown = Signal(str)
    storeReloaded = Signal()
    searchFinished = Signal(str)

    def __init__(
        self,
        store: Store,
        settings: AppSettings,
        open_store: Callable[[list[Path]], Store] | None = None,
        open_url: Callable[[QUrl], Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setAccessibleName(APP_TITLE)
        self.setWindowTitle(APP_TITLE)
        self.store = store
        self.settings = settings
        self._open_store = open_store
        self.history = History()
        self._syncing = False
        self._current: str | None = None
        self.as_of: FuzzyDate | None = None  # the page shows the entity as it stood then; None: latest
        self.icons = KindIcons({k.id: k.icon for k in store.kinds()})
        self.setWindowIcon(self.icons.app_icon())

        self._build_widgets(open_url)
        self._build_actions()
        self._build_menus()
        self._build_status_bar()
        self.search_runner = SearchRunner(store, parent=self)
        self.search_runner.finished.connect(self._on_search_finished)
        self.data_watcher = DataWatcher(store.folders, lambda: self.store.reopen(), self)
        self.data_watcher.storeReady.connect(self._on_store_reloaded)
        self.data_watcher.failed.connect(lambda message: self.statusBar().showMessage(message, 15000))
        self._restore_state()

    # -- construction ------------------------------------------------------

    def _build_widgets(self, open_url: Callable[[QUrl], Any] | None) -> None:
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setAccessibleName("Search")
        self.search_box.setPlaceholderText("Search names, acronyms, facts…  (Ctrl+K)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._on_query_changed)
        self.search_box.installEventFilter(self)

        self.nav_model = NavigatorModel(self.store, self.icons, self)
        self.navigator = QTreeView(self)
        self.navigator.setObjectName("navigator")
        self.navigator.setAccessibleName("Navigator")
        self.navigator.setHeaderHidden(True)
        self.navigator.setUniformRowHeights(True)
        self.navigator.setModel(self.nav_model)
        self.navigator.selectionModel().currentChanged.connect(self._on_tree_current)
        self.navigator.activated.connect(self._on_tree_activated)

        kind_labels = {k.id: k.label for k in self.store.kinds()}
        self.results_model = SearchResultsModel(self.icons, kind_labels, self)
        self.results = QListView(self)
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.results_model)
        self.results.setItemDelegate(ResultDelegate(self.results))
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The scroll bar stays, so rows keep one width while typing: one coming and going as the
        # number of hits crosses a screenful re-laid out the list and redrew every row (the
        # delegate keeps drawn rows by width) twice a keystroke.
        self.results.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.results.setUniformItemSizes(True)  # the delegate's rows are one height: no per-row measuring
        self.results.clicked.connect(self._open_result_index)
        self.results.installEventFilter(self)
        self.search_status = QLabel(self)
        self.search_status.setObjectName("searchStatus")
        self.search_status.setWordWrap(True)
        self.search_status.setTextFormat(Qt.TextFormat.RichText)
        self.search_status.linkActivated.connect(self._on_status_link)

        results_page = QWidget(self)
        results_layout = QVBoxLayout(results_page)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.search_status)
        results_layout.addWidget(self.results, 1)

        self.left_stack = QStackedWidget(self)
        self.left_stack.addWidget(self.navigator)
        self.left_stack.addWidget(results_page)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 0, 4)
        left_layout.addWidget(self.search_box)
        left_layout.addWidget(self.left_stack, 1)

        self.detail = DetailView(open_url, self)
        self.detail.entityRequested.connect(self.show_entity)
        self.detail.fullPageRequested.connect(lambda entity_id: self.show_entity(entity_id, record=False, full=True))
        self.detail.backRequested.connect(self.go_back)
        self.detail.forwardRequested.connect(self.go_forward)
        self.detail.linkRefused.connect(self._on_link_refused)
        self.detail.paletteChanged.connect(self._on_detail_palette)
        self.find_bar = FindBar(self.detail, self)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 4, 4, 4)
        right_layout.addWidget(self.detail, 1)
        right_layout.addWidget(self.find_bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([330, 870])
        self.setCentralWidget(self.splitter)
        self.resize(1200, 780)

    def _action(
        self,
        text: str,
        slot: Callable[..., Any],
        keys: QKeySequence.StandardKey | str | list | None = None,
        name: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if name:
            action.setObjectName(name)
        if isinstance(keys, list):
            action.setShortcuts([QKeySequence(k) for k in keys])
        elif keys is not None:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        SK = QKeySequence.StandardKey
        self.action_add_data = self._action("&Add data folder…", self._choose_data_folder, name="actionAddData")
        self.action_print = self._action("&Print…", self.print_page, SK.Print, "actionPrint")
        self.action_export_pdf = self._action("&Export as PDF…", self._choose_pdf, "Ctrl+Shift+E", "actionExportPdf")
        self.action_quit = self._action("&Quit", self.close, SK.Quit, "actionQuit")
        self.action_copy = self._action("&Copy", self._copy, SK.Copy, "actionCopy")
        self.action_copy_citation = self._action(
            "Copy ci&tation", self.copy_citation, "Ctrl+Shift+C", "actionCopyCitation"
        )
        self.action_find = self._action("&Find in page…", self.find_bar.open_bar, SK.Find, "actionFind")
        self.action_zoom_in = self._action(
            "Zoom &in", lambda: self.set_zoom(self.detail.zoom + 1), ["Ctrl+=", "Ctrl++"], "actionZoomIn"
        )
        self.action_zoom_out = self._action(
            "Zoom &out", lambda: self.set_zoom(self.detail.zoom - 1), SK.ZoomOut, "actionZoomOut"
        )
        self.action_zoom_reset = self._action("&Actual size", lambda: self.set_zoom(0), "Ctrl+0", "actionZoomReset")
        self.action_back = self._action("&Back", self.go_back, SK.Back, "actionBack")
        self.action_forward = self._action("&Forward", self.go_forward, SK.Forward, "actionForward")
        self.action_home = self._action("&Home", self.show_home, "Alt+Home", "actionHome")
        self.action_search = self._action("&Search", self.focus_search, ["Ctrl+K", "Ctrl+L"], "actionSearch")
        self.action_shortcuts = self._action(
            "&Keyboard shortcuts", self.show_shortcuts, SK.HelpContents, "actionShortcuts"
        )
        self.action_sources = self._action("&Sources and licence", self.show_sources, name="actionSources")
        self.action_about = self._action("&About", self.show_about, name="actionAbout")

        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for theme in THEMES:
            action = QAction(theme.capitalize(), self, checkable=True)
            action.setObjectName(f"actionTheme{theme.capitalize()}")
            action.triggered.connect(lambda checked=False, t=theme: self.set_theme(t))
            self.theme_group.addAction(action)
            self.theme_actions[theme] = action

        self.time = TimeControls(self)
        QShortcut(QKeySequence("F6"), self, self._cycle_focus)
        QShortcut(QKeySequence("Shift+F6"), self, lambda: self._cycle_focus(backwards=True))
        self._update_nav_actions()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.action_add_data)
        file_menu.addSeparator()
        file_menu.addAction(self.action_print)
        file_menu.addAction(self.action_export_pdf)
        file_menu.addAction(self.time.action_export)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        edit_menu = bar.addMenu("&Edit")
        for action in (self.action_copy, self.action_copy_citation, self.action_find):
            edit_menu.addAction(action)
        view_menu = bar.addMenu("&View")
        for action in (self.action_zoom_in, self.action_zoom_out, self.action_zoom_reset):
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(self.time.action_timeline)
        theme_menu = view_menu.addMenu("&Theme")
        for action in self.theme_actions.values():
            theme_menu.addAction(action)
        go_menu = bar.addMenu("&Go")
        for action in (self.action_back, self.action_forward, self.action_home, self.action_search):
            go_menu.addAction(action)
        help_menu = bar.addMenu("&Help")
        for action in (self.action_shortcuts, self.action_sources, self.action_about):
            help_menu.addAction(action)

        toolbar = self.addToolBar("Navigation")
        toolbar.setObjectName("navigationToolbar")
        toolbar.setMovable(False)
        for action in (self.action_back, self.action_forward, self.action_home):
            toolbar.addAction(action)
            # Actions have no accessible name of their own; their toolbar buttons carry it.
            button = toolbar.widgetForAction(action)
            button.setAccessibleName(action.text().replace("&", ""))
            button.setAccessibleDescription(action.shortcut().toString())
        toolbar.addSeparator()
        as_of_label = QLabel(" As of ", self)
        as_of_label.setBuddy(self.time.as_of_control)
        toolbar.addWidget(as_of_label)
        toolbar.addWidget(self.time.as_of_control)

    def _build_status_bar(self) -> None:
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("countsLabel")
        self.problems_button = QToolButton(self)
        self.problems_button.setObjectName("problemsButton")
        self.problems_button.setAccessibleName("Show data problems")
        self.problems_button.setAutoRaise(True)
        self.problems_button.clicked.connect(self.show_problems)
        self.statusBar().addPermanentWidget(self.problems_button)
        self.statusBar().addPermanentWidget(self.counts_label)
        self._update_status()

    def _update_status(self) -> None:
        counts = self.store.counts()
        self.counts_label.setText(f"{counts.entities:,} entities · {counts.facts:,} facts")
        problems = self.store.problems()
        self.problems_button.setText(f"⚠ {len(problems)} data problem{'s' if len(problems) != 1 else ''}")
        self.problems_button.setToolTip("The data had problems; everything valid is loaded. Click for the list.")
        self.problems_button.setVisible(bool(problems))
        if self.store.notice:
            self.statusBar().showMessage(self.store.notice, 15000)

    def _restore_state(self) -> None:
        s = self.settings
        if s.geometry is not None:
            self.restoreGeometry(s.geometry)
        if s.splitter is not None:
            self.splitter.restoreState(s.splitter)
        self.detail.set_zoom(s.zoom)
        theme = s.theme if s.theme in THEMES else "system"
        self.theme_actions[theme].setChecked(True)
        if theme != "system":
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, theme)

    def open_initial(self, entity_id: str | None = None) -> None:
        """Show `entity_id`, else the last entity shown in an earlier run, else Home."""
        target = entity_id or self.settings.last_entity
        if not (target and self.show_entity(target)):
            self.show_home()

    # -- pages and history ----------------------------------------------

    @Slot(str)
    def show_entity(self, entity_id: str, record: bool = True, full: bool = False) -> bool:
        page = self.store.page(entity_id)
        if page is None:
            self.statusBar().showMessage(f"No entity with id “{entity_id}” in the data.", 8000)
            return False
        limit = None if full else PAGE_ROWS
        self.detail.setHtml(render_page(page, page_colors(self.detail.palette()), self.as_of, limit))
        self._current = entity_id
        if record:
            self.history.visit(entity_id)
        self.settings.last_entity = entity_id
        self.setWindowTitle(f"{page.name} — {APP_TITLE}")
        self._sync_tree(entity_id)
        self._update_nav_actions()
        self.pageShown.emit(entity_id)
        return True

    @Slot(object)
    def set_as_of(self, when: FuzzyDate | None) -> None:
        """Show pages as they stood at `when` (None: the latest), and mark that date on the timeline."""
        if self.time.as_of_control.value != when:
            self.time.as_of_control.set_text(when.text if when else "")  # its asOfChanged comes back here
            return
        self.as_of = when
        self.time.set_as_of(when)
        if self._current is not None:
            self.show_entity(self._current, record=False)

    @Slot()
    def show_home(self, record: bool = True) -> None:
        recent = [ref for ident in self.history.recent(8) if (ref := self.store.ref(ident))]
        html = render_home(
            self.store.counts(),
            self.store.most_linked(12),
            recent,
            self.store.sources().values(),
            page_colors(self.detail.palette()),
        )
        self.detail.setHtml(html)
        self._current = None
        if record:
            self.history.visit(None)
        self.settings.last_entity = None
        self.setWindowTitle(APP_TITLE)
        self._update_nav_actions()
        self.pageShown.emit("")

    def _show_current(self, record: bool = False) -> None:
        item = self.history.current
        if item is None or not self.show_entity(item, record=record):
            self.show_home(record=record)

    @Slot()
    def go_back(self) -> None:
        if self.history.can_back():
            self.history.back()
            self._show_current()

    @Slot()
    def go_forward(self) -> None:
        if self.history.can_forward():
            self.history.forward()
            self._show_current()

    def _update_nav_actions(self) -> None:
        if hasattr(self, "action_back"):
            self.action_back.setEnabled(self.history.can_back())
            self.action_forward.setEnabled(self.history.can_forward())

    @property
    def current_entity(self) -> str | None:
        return self._current

    # -- navigator -------------------------------------------------------

    def _sync_tree(self, entity_id: str) -> None:
        """Select the entity in the navigator, expanding and scrolling to it."""
        index = self.nav_model.index_for_id(entity_id)
        if not index.isValid():
            return
        self._syncing = True
        try:
            parent = index.parent()
            chain = []
            while parent.isValid():
                chain.append(parent)
                parent = parent.parent()
            for ancestor in reversed(chain):
                self.navigator.expand(ancestor)
            self.navigator.setCurrentIndex(index)
            self.navigator.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        finally:
            self._syncing = False

    @Slot(QModelIndex, QModelIndex)
    def _on_tree_current(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        entity_id = current.data(Role.ENTITY_ID)
        if entity_id and entity_id != self._current:
            self.show_entity(entity_id)

    @Slot(QModelIndex)
    def _on_tree_activated(self, index: QModelIndex) -> None:
        entity_id = index.data(Role.ENTITY_ID)
        if entity_id:
            if entity_id != self._current:
                self.show_entity(entity_id)
            self.detail.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.navigator.setExpanded(index, not self.navigator.isExpanded(index))

    # -- search ----------------------------------------------------------

    @Slot()
    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    @Slot(str)
    def _on_query_changed(self, text: str) -> None:
        if not text.strip():
            self.results_model.clear()
            self.left_stack.setCurrentIndex(TREE_PAGE)
            return
        self.left_stack.setCurrentIndex(RESULTS_PAGE)
        self.search_runner.submit(text)

    @Slot(int, str, list, list)
    def _on_search_finished(self, generation: int, query: str, hits: list[Hit], suggestions: list[EntityRef]) -> None:
        if generation != self.search_runner.generation or query != self.search_box.text():
            return  # an answer to something the user has already typed past
        self._show_hits(query, hits, suggestions)

    def _show_hits(self, query: str, hits: list[Hit], suggestions: list[EntityRef]) -> None:
        self.results_model.set_hits(query, hits)
        if hits:
            self.search_status.setText(f"{len(hits)} result{'s' if len(hits) != 1 else ''}")
        else:
            text = f"No results for “{esc(query)}”."
            if suggestions:
                links = ", ".join(f'<a href="{entity_href(r.id)}">{esc(r.name)}</a>' for r in suggestions)
                text += f" Closest names: {links}"
            self.search_status.setText(text)
        self.searchFinished.emit(query)

    def _current_hits_fresh(self) -> bool:
        return self.results_model.query == self.search_box.text()

    def open_result(self, row: int | None = None) -> bool:
        """Open the result at `row`, else the selected one, else the first."""
        if not self._current_hits_fresh() and self.search_box.text().strip():
            # Enter pressed before the background answer arrived: answer now.
            query = self.search_box.text()
            self._show_hits(query, self.store.search(query, limit=200), [])
        if row is None:
            current = self.results.currentIndex()
            row = current.row() if current.isValid() else 0
        hit = self.results_model.hit(row)
        if hit is None:
            return False
        return self.show_entity(hit.id)

    @Slot(QModelIndex)
    def _open_result_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_result(index.row())

    def clear_search(self) -> None:
        self.search_box.clear()
        self.left_stack.setCurrentIndex(TREE_PAGE)
        self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(str)
    def _on_status_link(self, link: str) -> None:
        url = QUrl(link)
        if url.scheme() == "entity":
            self.show_entity(url.path())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search_box:
                if key == Qt.Key.Key_Down and self.left_stack.currentIndex() == RESULTS_PAGE:
                    if self.results_model.rowCount() > 0:
                        self.results.setFocus(Qt.FocusReason.OtherFocusReason)
                        if not self.results.currentIndex().isValid():
                            self.results.setCurrentIndex(self.results_model.index(0, 0))
                    return True
                if key == Qt.Key.Key_Down:
                    self.navigator.setFocus(Qt.FocusReason.OtherFocusReason)
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.search_box.text().strip():
                    self.open_result()
                    return True
                if key == Qt.Key.Key_Escape:
                    self.clear_search()
                    return True
            elif watched is self.results:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.open_result()
                    return True
                if key == Qt.Key.Key_Escape:
                    self.clear_search()
                    return True
                if key == Qt.Key.Key_Up and self.results.currentIndex().row() <= 0:
                    self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
                    return True
        return super().eventFilter(watched, event)

    # -- focus, zoom, theme -----------------------------------------------

    def _focus_ring(self) -> list[QWidget]:
        left = self.results if self.left_stack.currentIndex() == RESULTS_PAGE else self.navigator
        return [self.search_box, left, self.detail]

    def _cycle_focus(self, backwards: bool = False) -> None:
        ring = self._focus_ring()
        focused = QApplication.focusWidget()
        position = next((i for i, w in enumerate(ring) if w is focused), -1)
        step = -1 if backwards else 1
        target = ring[(position + step) % len(ring)] if position >= 0 else ring[0]
        target.setFocus(Qt.FocusReason.TabFocusReason)
        if target is self.search_box:
            self.search_box.selectAll()

    def set_zoom(self, level: int) -> None:
        self.detail.set_zoom(level)
        self.settings.zoom = self.detail.zoom

    def set_theme(self, theme: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        self.settings.theme = theme
        self.theme_actions[theme].setChecked(True)
        self._rerender()

    def _rerender(self) -> None:
        # Page colours come from the palette: draw the page again in the new one.
        if self._current is not None:
            self.show_entity(self._current, record=False)
        else:
            self.show_home(record=False)

    @Slot()
    def _on_detail_palette(self) -> None:
        # The application palette reaches the detail view after the window (through the event loop):
        # the page is drawn again when the view's own palette has changed, not the window's.
        if not self.detail.document().isEmpty():  # nothing shown yet (still being built): nothing to redraw
            self._rerender()

    # -- copy, print, export ------------------------------------------------

    @Slot()
    def _copy(self) -> None:
        focused = QApplication.focusWidget()
        if isinstance(focused, QLineEdit):
            focused.copy()
        elif self.detail.textCursor().hasSelection():
            self.detail.copy()
        elif self._current:
            page = self.store.page(self._current)
            if page:
                QGuiApplication.clipboard().setText(page.name)

    @Slot()
    def copy_citation(self) -> str:
        if self._current is None:
            self.statusBar().showMessage("Open an entity to copy its citation.", 5000)
            return ""
        page = self.store.page(self._current)
        if page is None:
            return ""
        text = citation_text(page)
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage("Citation copied.", 4000)
        return text

    def export_pdf(self, path: Path) -> None:
        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
        writer.setTitle(self.windowTitle())
        writer.setCreator(APP_TITLE)
        self._printable_document().print_(writer)

    def _printable_document(self) -> Any:
        # Print in light colours whatever the theme: paper is white.
        doc = self.detail.document().clone(self)
        if self._current is not None and (page := self.store.page(self._current)):
            doc.setHtml(render_page(page, Colors(), self.as_of, limit=None))  # paper gets every fact
        return doc

    @Slot()
    def _choose_pdf(self) -> None:
        name = (self.windowTitle().split(" — ")[0] or "almanac").replace("/", "-")
        path, _ = QFileDialog.getSaveFileName(self, "Export as PDF", f"{name}.pdf", "PDF files (*.pdf)")
        if path:
            self.export_pdf(Path(path))
            self.statusBar().showMessage(f"Saved {path}", 6000)

    @Slot()
    def print_page(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print page")
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self._printable_document().print_(printer)

    # -- data folders and dialogs --------------------------------------------

    @Slot()
    def _choose_data_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add data folder")
        if folder:
            self.add_data_folder(Path(folder))

    def add_data_folder(self, folder: Path) -> bool:
        if not folder.is_dir():
            QMessageBox.warning(self, "Add data folder", f"{folder} is not a folder.")
            return False
        folders = self.settings.data_folders
        if folder not in folders:
            folders.append(folder)
        self.settings.data_folders = folders
        if self._open_store is None:
            return False
        self.set_store(self._open_store(folders))
        return True

    @Slot(object)
    def _on_store_reloaded(self, store: Store) -> None:
        if store.built:
            self.set_store(store)
            self.statusBar().showMessage("The data changed on disk: index rebuilt.", 8000)
            self.storeReloaded.emit()
        else:
            store.close()

    def set_store(self, store: Store) -> None:
        """Show another store, keeping the page shown if it still exists."""
        old = self.store
        self.store = store
        self.icons.set_names({k.id: k.icon for k in store.kinds()})
        self.nav_model.set_store(store)
        self.results_model.set_kind_labels({k.id: k.label for k in store.kinds()})
        self.search_runner.set_store(store)
        self.time.set_store(store)
        self.data_watcher.watch(store.folders)
        self._update_status()
        self._rerender()
        if self.search_box.text().strip():
            self.search_runner.submit(self.search_box.text())
        if old is not store:
            old.close()

    @Slot()
    def show_problems(self) -> ProblemsDialog:
        dialog = ProblemsDialog(self.store.problems(), self)
        dialog.setModal(False)
        dialog.show()
        return dialog

    def shortcut_rows(self) -> list[tuple[str, str]]:
        rows = []
        for action in self.actions():
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            if keys and action.text():
                rows.append((action.text().replace("&", "").rstrip("…"), ", ".join(keys)))
        return rows + EXTRA_KEYS

    @Slot()
    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.shortcut_rows(), self)
        dialog.show()
        return dialog

    @Slot()
    def show_sources(self) -> SourcesDialog:
        dialog = SourcesDialog(self.store.sources().values(), self)
        dialog.show()
        return dialog

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_TITLE}", about_text())

    @Slot(str)
    def _on_link_refused(self, url: str) -> None:
        self.statusBar().showMessage(f"Link not opened: {url[:120]}", 8000)

    # -- closing ---------------------------------------------------------------

    def save_state(self) -> None:
        self.settings.geometry = self.saveGeometry()
        self.settings.splitter = self.splitter.saveState()
        self.settings.zoom = self.detail.zoom
        self.settings.last_entity = self._current
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.settings.close()  # what happens while the window is torn down is not the user's state
        self.search_runner.stop()
        self.data_watcher.stop()
        super().closeEvent(event)

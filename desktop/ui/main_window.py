"""The main window: it assembles the parts and wires them; each part owns its own concern.

- the store session (`models/store_session.py`) owns the store and swaps it;
- the search pane (`search_pane.py`): box, tree/results and their keys;
- the page controller (`page_controller.py`): what the page shows, history, as-of;
- the actions table (`actions.py`): menus, toolbar and the shortcut list;
- exports (`exports.py`): print, PDF, citation;
- the status line (`status_line.py`) and the time controls (`time_controls.py`);
- the official figures dock (`figures_dock.py`), which follows the page;
- the problems dock (`problems_dock.py`), which follows the store.

What the first paint does not show is made the first time it is used, and its module imported
then: the find bar, the exports, the dialogs, the figures import, the entity menu. The window's
start is measured against a bare window (README, Performance); tests/test_startup.py lists the
modules the first paint may import.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Not `Qt`: PySide6 builds the whole namespace (about a hundred enum classes) the first time it is
# touched. Code that runs after the first paint reaches it as `QtCore.Qt`; before, qt_enums.py.
from PySide6 import QtCore
from PySide6.QtCore import QPoint, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QSplitter, QVBoxLayout, QWidget

from desktop import APP_TITLE
from desktop.core.links import entity_link
from desktop.core.reader_data import Folder
from desktop.core.views import EntityRef, Hit
from desktop.models.data_watcher import DataWatcher
from desktop.models.reader_session import ReaderSession
from desktop.models.results_model import NOTE_PHASE
from desktop.models.store_session import StoreSession
from desktop.models.tasks import Tasks
from desktop.ui import actions as action_table
from desktop.ui.bookmarks import BookmarksControls
from desktop.ui.detail_view import DetailView
from desktop.ui.figures_dock import FiguresControls
from desktop.ui.history_menus import HistoryMenus
from desktop.ui.icons import KindIcons
from desktop.ui.notes_pane import NotesPane
from desktop.ui.page_tabs import PageTabs
from desktop.ui.problems_dock import ProblemsControls
from desktop.ui.qt_enums import VERTICAL, set_enum_property
from desktop.ui.search_pane import SearchPane
from desktop.ui.settings import AppSettings
from desktop.ui.sources_pane import SourcesPane
from desktop.ui.status_line import StatusLine
from desktop.ui.theme import ThemeActions
from desktop.ui.time_controls import TimeControls

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QCloseEvent, QPaintEvent, QResizeEvent

    from desktop.core.dates import FuzzyDate
    from desktop.core.store import Store
    from desktop.ui.dialogs import Dialogs
    from desktop.ui.exports import Exports
    from desktop.ui.figures_import import FiguresImport
    from desktop.ui.find_bar import FindBar
    from desktop.ui.history import History
    from desktop.ui.page_controller import PageController

NOTES_HEIGHT = 110  # pixels for the note under the page, until the reader drags the split
NAVIGATOR_SHARE, NAVIGATOR_MIN, NAVIGATOR_MAX = 0.28, 200, 460  # of the window's width, in pixels


def navigator_width(window_width: int) -> int:
    """The navigator's width before the reader sets one: a share of the window, within bounds."""
    return max(NAVIGATOR_MIN, min(NAVIGATOR_MAX, round(window_width * NAVIGATOR_SHARE)))


class MainWindow(QMainWindow):
    """Signals: pageShown(id or ""), searchFinished(query) after results are shown,
    storeReloaded() after the window switched to another index (data changed on disk, folder added)."""

    pageShown = Signal(str)
    storeReloaded = Signal()
    searchFinished = Signal(str)

    def __init__(
        self,
        session: StoreSession,
        settings: AppSettings,
        tasks: Tasks,
        open_url: Callable[[QUrl], Any] | None = None,
        parent: QWidget | None = None,
        reader: ReaderSession | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setAccessibleName(APP_TITLE)
        self.setWindowTitle(APP_TITLE)
        self.session, self.settings, self.tasks = session, settings, tasks
        self.reader = reader if reader is not None else ReaderSession(parent=self)
        self.reader.setParent(self)
        self.icons = KindIcons({k.id: k.icon for k in session.store.kinds()})
        self.setWindowIcon(self.icons.app_icon())

        self._open_url = open_url
        self.search = SearchPane(session, tasks, self.icons, self)
        self.tabs = PageTabs(session, open_url, self, configure=self._configure_page)
        self.tabs.new_tab(render=False)  # the first page goes in it: see open_initial
        # Made when first asked for (the properties below): nothing of them shows at start.
        self._find_bar: FindBar | None = None
        self._exports: Exports | None = None
        self._dialogs: Dialogs | None = None
        self._figures_import: FiguresImport | None = None
        self.status = StatusLine(self.statusBar())
        self.time = TimeControls(self, tasks)
        self.figures = FiguresControls(self, tasks)
        self.problems = ProblemsControls(self, session, open_url)  # the Problems dock, built when first shown
        self.watcher = DataWatcher(tasks, self)
        self.bookmarks = BookmarksControls(self)
        self.sources = SourcesPane(self, session, open_url)  # View → Sources; a note mark opens it
        self.last_menu: QMenu | None = None
        self.notes = NotesPane(self.reader, self._name_of, self)
        self.action_notes = QAction("&Notes", self, checkable=True)
        self.action_notes.setObjectName("actionNotes")
        self.action_notes.setChecked(True)
        self.action_notes.toggled.connect(self.set_notes_visible)
        self._expose_parts()
        self._lay_out()
        self._build_actions()
        self._wire()
        self.status.show_store(session.store)
        # The folders are walked for watching (on a worker, which the first paint would share the
        # interpreter with) once the window has been painted.
        self.watcher.hold()
        self._after_first_paint: list[Callable[[], None]] | None = [
            lambda: self.watcher.watch(self.session.store.folders)
        ]
        self._restore_state()

    def _expose_parts(self) -> None:
        # The widgets tests and assistive tools reach by name, kept where they always were.
        s = self.search
        self.search_box, self.navigator, self.results, self.search_status = s.box, s.navigator, s.results, s.status
        self.nav_model, self.results_model, self.left_stack, self.search_runner = (
            s.nav_model, s.results_model, s.stack, s.runner,
        )  # fmt: skip
        self.counts_label, self.problems_button = self.status.counts_label, self.status.problems_button

    def _lay_out(self) -> None:
        page = QWidget(self)
        self._page_layout = page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.tabs, 1)
        # The reader's note sits under the page, in a split the reader can drag (and is remembered).
        # Made without a parent and given one by its layout: QSplitter(parent) and setOrientation
        # would build the `Qt` namespace (see the imports).
        self.page_splitter = QSplitter()
        set_enum_property(self.page_splitter, "orientation", VERTICAL)
        self.page_splitter.setObjectName("pageSplitter")
        self.page_splitter.addWidget(page)
        self.page_splitter.addWidget(self.notes)
        self.page_splitter.setStretchFactor(0, 1)
        self.page_splitter.setStretchFactor(1, 0)
        self.page_splitter.setSizes([640, NOTES_HEIGHT])
        # Until the reader drags it (or a saved one is restored), the note takes the same height each
        # time it appears: what a splitter remembers of a hidden pane varies with when it was laid out.
        self._notes_split_chosen = False
        self.page_splitter.splitterMoved.connect(self._notes_split_moved)
        self.notes.appeared.connect(self._place_notes)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 4, 4, 4)
        right_layout.addWidget(self.page_splitter, 1)
        self.splitter = QSplitter()  # horizontal, and the window's once it is the central widget
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(self.search)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([330, 870])
        # Until the reader drags it (or a saved one is restored), the navigator keeps a share of the
        # window: a fixed width took 41% of an 800-pixel window and left a wide one's page too wide.
        self._splitter_chosen = False
        self.splitter.splitterMoved.connect(self._splitter_moved)
        self.setCentralWidget(self.splitter)
        self.resize(1200, 780)

    def _build_actions(self) -> None:
        self._actions = made = action_table.build_actions(self)
        menus = action_table.fill_menus(self, made)
        self.themes = ThemeActions(menus["&View"].addMenu("&Theme"), self.settings)
        self.theme_actions = self.themes.actions
        toolbar = action_table.fill_toolbar(self, made)
        self.time.add_to_toolbar(toolbar)
        self.bookmarks.attach_menu(menus["&Bookmarks"])
        self.history_menus = HistoryMenus(self)
        self.history_menus.attach(toolbar, menus["&Go"], made["actionBack"], made["actionForward"])
        QShortcut(QKeySequence("F6"), self, self._cycle_focus)
        QShortcut(QKeySequence("Shift+F6"), self, lambda: self._cycle_focus(backwards=True))

    def _wire(self) -> None:
        tabs, search, session = self.tabs, self.search, self.session
        search.entityRequested.connect(lambda i: i == tabs.current or tabs.pages.show_entity(i))
        search.entityActivated.connect(self._open_and_read)
        search.entityBrowsed.connect(lambda i: i == tabs.current or tabs.pages.show_entity(i, browse=True))
        search.entityInNewTab.connect(tabs.open_in_new_tab)
        search.entityMenuRequested.connect(self.show_entity_menu)
        search.searchFinished.connect(self.searchFinished)
        pages = tabs
        pages.pageShown.connect(search.sync_tree)
        pages.pageShown.connect(self.notes.show_entity)
        search.note_hits = self._note_hits
        pages.pageShown.connect(self._on_page_shown)
        pages.titleChanged.connect(lambda t: self.setWindowTitle(f"{t} — {APP_TITLE}" if t else APP_TITLE))
        pages.historyChanged.connect(self._update_nav_actions)
        # (The parts made when first used connect their own messages then.)
        for messages in (pages.message, self.figures.message, self.bookmarks.message, self.tasks.failed):
            messages.connect(self.status.show_message)
        session.failed.connect(self.status.show_message)
        session.busy.connect(self.status.show_busy)
        session.storeChanged.connect(self._on_store_changed)
        session.reopened.connect(lambda store: self.watcher.watch(store.folders))  # new subfolders, too
        self.tasks.indexMissing.connect(session.reload)
        # Saved only once their index is built and shown.
        session.foldersChanged.connect(lambda folders: setattr(self.settings, "data_folders", folders))
        self.watcher.changed.connect(session.reload)
        self.status.problemsRequested.connect(self.problems.show_dock)
        self.problems.message.connect(self.status.show_message)
        tabs.zoomChanged.connect(self._zoom_changed)
        tabs.linkRefused.connect(lambda url: self.status.show_message(f"Link not opened: {url[:120]}"))
        tabs.currentChanged.connect(self._find_in_current_tab)
        self.themes.themeChanged.connect(lambda theme: tabs.rerender_all())  # page colours come from the palette
        # The open tabs are written a moment after they change, not only at close: a crash keeps them.
        self._save_tabs_soon = QTimer(self)
        self._save_tabs_soon.setSingleShot(True)
        self._save_tabs_soon.setInterval(1000)
        self._save_tabs_soon.timeout.connect(self.save_tabs)
        tabs.tabsChanged.connect(self._save_tabs_soon.start)
        self.reader.message.connect(self.status.show_message)
        # A note or a bookmark changed (here or in another window): the pages show both. Drawn once the
        # change is done (a burst of changes draws once), not from inside the code that made it.
        self._redraw_soon = QTimer(self)
        self._redraw_soon.setSingleShot(True)
        self._redraw_soon.setInterval(0)
        self._redraw_soon.timeout.connect(tabs.rerender_all)
        self.reader.changed.connect(self._redraw_soon.start)
        tabs.bookmarkToggled.connect(self.bookmarks.toggle)
        tabs.entityMenuRequested.connect(self.show_entity_menu)
        # A page's own links: a note mark opens its source, a kind its group, "Search" the search box.
        tabs.citationClicked.connect(self.sources.show_source)
        tabs.kindRequested.connect(search.open_kind_group)
        tabs.searchRequested.connect(search.focus_search)
        self.sources.message.connect(self.status.show_message)
        self._update_nav_actions()

    # -- the parts made when first used -----------------------------------------------------

    @property
    def find_bar(self) -> FindBar:
        """Edit → Find in page: the bar under the page, made (hidden) the first time it is asked for."""
        if self._find_bar is None:
            from desktop.ui.find_bar import FindBar

            self._find_bar = FindBar(self.tabs.view, self)  # hidden until open_bar shows it
            self._page_layout.addWidget(self._find_bar)
        return self._find_bar

    def _find_in_current_tab(self, _index: int) -> None:
        if self._find_bar is not None and self.tabs.count():
            self._find_bar.set_view(self.tabs.view)

    @property
    def exports(self) -> Exports:
        """Print, PDF, copy and citations."""
        if self._exports is None:
            from desktop.ui.exports import Exports

            self._exports = Exports(self.tabs, self)
            self._exports.message.connect(self.status.show_message)
        return self._exports

    @property
    def dialogs(self) -> Dialogs:
        """The small dialogs: shortcuts, sources, about, data folders."""
        if self._dialogs is None:
            from desktop.ui.dialogs import Dialogs

            def shortcuts() -> list[tuple[str, str]]:
                return action_table.shortcut_rows(self._actions)

            self._dialogs = Dialogs(self, self.session, shortcuts, self._open_url)
        return self._dialogs

    @property
    def figures_import(self) -> FiguresImport:
        """File → Import official figures…"""
        if self._figures_import is None:
            from desktop.ui.figures_import import FiguresImport

            session = self.session
            self._figures_import = FiguresImport(self, self.tasks, self.add_data_folder, lambda: session.extra_folders)
            self._figures_import.message.connect(self.status.show_message)
        return self._figures_import

    # -- what the rest of the program (and the tests) ask of the window ------------------

    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def pages(self) -> PageController:
        """The page of the tab on show."""
        return self.tabs.pages

    @property
    def detail(self) -> DetailView:
        """The view of the tab on show."""
        return self.tabs.view

    @property
    def history(self) -> History:
        return self.tabs.pages.history

    @property
    def current_entity(self) -> str | None:
        return self.tabs.current

    @property
    def as_of(self) -> FuzzyDate | None:
        return self.tabs.as_of

    def show_entity(self, entity_id: str, record: bool = True, full: bool = False) -> bool:
        return self.pages.show_entity(entity_id, record, full)

    def show_home(self, record: bool = True) -> None:
        self.pages.show_home(record)

    def go_back(self) -> None:
        self.pages.go_back()

    def go_forward(self) -> None:
        self.pages.go_forward()

    def open_initial(self, entity_id: str | None = None) -> None:
        """The tabs of the last run, and `entity_id` in a tab of its own; without saved tabs, `entity_id`,
        else the last entity shown in an earlier run, else Home."""
        saved, current = self.reader.tabs()
        if saved:
            first = self.tabs.pages
            self.tabs.restore(saved, current)
            self.tabs.close_tab(self.tabs.indexOf(first.view))  # the empty tab the window was made with
            if entity_id and entity_id != self.tabs.current:
                self.tabs.open_in_new_tab(entity_id, background=False)
        else:
            target = entity_id or self.settings.last_entity
            if not (target and self.show_entity(target)):
                self.show_home()
        if self.reader.notice:
            self.status.show_message(self.reader.notice)

    def open_result(self, row: int | None = None) -> bool:
        return self.search.open_result(row)

    def set_as_of(self, when: FuzzyDate | None) -> None:
        self.time.apply_as_of(when)

    @Slot(str)
    def _open_and_read(self, entity_id: str) -> None:
        if entity_id != self.pages.current:
            self.pages.show_entity(entity_id)
        self.detail.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)

    @Slot(str)
    def _on_page_shown(self, entity_id: str) -> None:
        # Remembered once the window has been painted: QSettings writes its file (synced to disk twice)
        # at the next turn of the event loop, which at the start comes before the first paint.
        self.after_first_paint(self._remember_page)
        self.reader.record_visit(entity_id or None, self.pages.title)
        self._save_tabs_soon.start()
        self.pageShown.emit(entity_id)

    @Slot(int)
    def _zoom_changed(self, level: int) -> None:
        # Not written when it is what is kept already (the start restores it): a write makes QSettings
        # save its file, synced to disk, at the next turn of the event loop, before the first paint.
        if level != self.settings.zoom:
            self.settings.zoom = level

    def _remember_page(self) -> None:
        self.settings.last_entity = self.pages.current

    def _update_nav_actions(self) -> None:
        self._actions["actionBack"].setEnabled(self.history.can_back())
        self._actions["actionForward"].setEnabled(self.history.can_forward())

    # -- the store -------------------------------------------------------------------------

    @Slot(object)
    def _on_store_changed(self, store: Store) -> None:
        self.icons.set_names({k.id: k.icon for k in store.kinds()})
        self.time.set_store(store)  # before the page is drawn again, which tells the timeline what it shows
        self.tabs.rerender_all()
        self.status.show_store(store)
        if not store.notice:
            self.status.show_message("The data changed: the index was brought up to date.")
        self.storeReloaded.emit()

    def icon_for_entity(self, entity_id: str) -> QIcon | None:
        """The icon of the entity's kind; None for an entity no longer in the data."""
        ref = self.store.ref(entity_id)
        return self.icons(ref.kind) if ref is not None else None

    def _configure_page(self, pages: PageController) -> None:
        """What a tab's page shows of the reader's own: the note, the bookmark star, Home's bookmarks."""
        reader = self.reader
        pages.note_for = reader.note
        pages.is_bookmarked = lambda entity_id: reader.is_bookmarked(entity_id) if reader.writable else None
        pages.home_bookmarks = self._bookmarked_refs

    def _bookmarked_refs(self, limit: int = 12) -> list[EntityRef]:
        """The first bookmarks (folders opened in order) whose entities are in the data, for Home."""
        found: list[EntityRef] = []
        pending = list(self.reader.bookmarks())
        while pending and len(found) < limit:
            item = pending.pop(0)
            if isinstance(item, Folder):
                pending[:0] = item.children
            elif (ref := self.store.ref(item.entity_id)) is not None:
                found.append(ref)
        return found

    def _name_of(self, entity_id: str) -> str:
        ref = self.store.ref(entity_id)
        return ref.name if ref is not None else entity_id

    def _note_hits(self, query: str) -> list[Hit]:
        """The reader's notes that match `query`, as search hits of their own phase."""
        found = []
        for hit in self.reader.search_notes(query):
            ref = self.store.ref(hit.entity_id)
            if ref is not None:
                found.append(Hit(ref.id, ref.kind, ref.name, hit.score, hit.snippet, NOTE_PHASE))
            else:  # an entity since gone from the data: its note is the reader's all the same
                name = f"{hit.entity_id} (no longer in the data)"
                found.append(Hit(hit.entity_id, "", name, hit.score, hit.snippet, NOTE_PHASE))
        return found

    @Slot(bool)
    def set_notes_visible(self, visible: bool) -> None:
        """View → Notes: the pane under the page (what it holds is saved before it hides)."""
        self.notes.set_wanted(visible)
        if self.action_notes.isChecked() != visible:
            self.action_notes.setChecked(visible)

    @Slot()
    def export_notes(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # dialogs load when first asked for

        path, _ = QFileDialog.getSaveFileName(self, "Export notes as Markdown", "notes.md", "Markdown (*.md)")
        if path:
            self.export_notes_to(Path(path))

    def export_notes_to(self, path: Path) -> bool:
        """Every note, as Markdown (a section per entity, with its id), into `path`."""
        from desktop.ui.exports import save_text

        self.notes.save()
        text = self.reader.notes_markdown(lambda ident: ref.name if (ref := self.store.ref(ident)) else None)
        if text is None:
            return False
        written, said = save_text(path, text, ".md")
        self.status.show_message(said)
        return written

    @Slot(str, QPoint)
    def show_entity_menu(self, entity_id: str, at: QPoint) -> None:
        """The context menu of an entity (a link, a tree row, a result), at global point `at`."""
        from desktop.ui.entity_menu import entity_menu

        menu = entity_menu(self, entity_id)
        self.last_menu = menu  # for tests: the menu shown last
        menu.popup(at)

    def copy_link(self, entity_id: str) -> str:
        """Put the entity's almanac:// link on the clipboard (`almanac open LINK` opens it)."""
        link = entity_link(entity_id)
        QGuiApplication.clipboard().setText(link)
        self.status.show_message(f"Copied {link}")
        return link

    def add_data_folder(self, folder: Path) -> bool:
        return self.dialogs.add_data_folder(folder)

    # -- focus, zoom, theme, copy --------------------------------------------------------

    def _cycle_focus(self, backwards: bool = False) -> None:
        ring = [*self.search.focus_ring(), self.detail]
        focused = QApplication.focusWidget()
        position = next((i for i, w in enumerate(ring) if w is focused), -1)
        target = ring[(position + (-1 if backwards else 1)) % len(ring)] if position >= 0 else ring[0]
        target.setFocus(QtCore.Qt.FocusReason.TabFocusReason)
        if target is self.search_box:
            self.search_box.selectAll()

    def set_zoom(self, level: int) -> None:
        self.tabs.set_zoom(level)

    def set_theme(self, theme: str) -> None:
        self.themes.set_theme(theme)

    def copy_citation(self) -> str:
        return self.exports.copy_citation()

    def export_pdf(self, path: Path) -> bool:
        return self.exports.export_pdf(path)

    # -- state and closing -------------------------------------------------------------------

    def _restore_state(self) -> None:
        s = self.settings
        if s.geometry is not None:
            self.restoreGeometry(s.geometry)
        if s.splitter is not None:
            self._splitter_chosen = self.splitter.restoreState(s.splitter)
        self.tabs.set_zoom(s.zoom)
        self.themes.restore()
        self.figures.action_figures.setChecked(s.figures_shown)
        self.problems.action_problems.setChecked(s.problems_shown)
        self.set_notes_visible(s.notes_shown)
        # Panels the reader left open (each is built only then: a first run builds neither).
        if s.sources_shown:
            self.sources.action_sources.setChecked(True)
        if s.bookmarks_shown:
            self.bookmarks.set_panel_visible(True)
        if s.page_splitter is not None:
            self._notes_split_chosen = self.page_splitter.restoreState(s.page_splitter)

    def save_tabs(self) -> None:
        self.reader.save_tabs(self.tabs.states(), self.tabs.currentIndex())

    def save_state(self) -> None:
        self.settings.geometry = self.saveGeometry()
        self.settings.splitter = self.splitter.saveState()
        self.settings.zoom = self.tabs.zoom
        self.settings.last_entity = self.pages.current
        self.settings.figures_shown = self.figures.action_figures.isChecked()
        self.settings.problems_shown = self.problems.action_problems.isChecked()
        self.settings.notes_shown = self.action_notes.isChecked()
        self.settings.sources_shown = self.sources.action_sources.isChecked()
        self.settings.bookmarks_shown = self.bookmarks.action_panel.isChecked()
        self.settings.page_splitter = self.page_splitter.saveState()
        self.settings.sync()
        self.save_tabs()

    @Slot()
    def _notes_split_moved(self) -> None:
        self._notes_split_chosen = True

    @Slot()
    def _place_notes(self) -> None:
        if not self._notes_split_chosen:
            total = sum(self.page_splitter.sizes())
            height = min(NOTES_HEIGHT, total // 3)
            self.page_splitter.setSizes([total - height, height])

    @Slot()
    def _splitter_moved(self) -> None:
        self._splitter_chosen = True

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._after_first_paint is not None:
            # The window is painted first, then its parts, in this one pass: what waits for the first
            # paint runs after it, and after what the pass queued itself (the page's own paint done).
            QTimer.singleShot(0, lambda: QTimer.singleShot(0, self._first_paint_done))

    def after_first_paint(self, job: Callable[[], None]) -> None:
        """Run `job` once the window has been painted for the first time (at once if it has been)."""
        if self._after_first_paint is None:
            job()
        else:
            self._after_first_paint.append(job)

    def _first_paint_done(self) -> None:
        work, self._after_first_paint = self._after_first_paint, None
        if self.tasks.closed:
            return  # closed meanwhile: nothing to start
        for job in work or ():
            job()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._splitter_chosen:
            width = self.splitter.width()
            navigator = navigator_width(width)
            self.splitter.setSizes([navigator, max(width - navigator, 1)])

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isVisible():  # a window closed before it was ever shown has no state of the user's to keep
            self.save_state()
        self.settings.close()  # what happens while the window is torn down is not the user's state
        self.figures.stop()  # no figures read is shown in a window that is going
        self.search.stop()
        self.time.stop()
        self.watcher.stop()
        self.tasks.shutdown()  # joins every worker: nothing reports to a window that is gone
        self.notes.save()  # what was typed in the last half second
        self.reader.close()
        self.session.close()
        super().closeEvent(event)

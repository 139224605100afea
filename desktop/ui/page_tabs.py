"""The window's tabs: each a page with its own back/forward history, by the conventions of a browser.

Ctrl+T opens a tab, Ctrl+W closes one, Ctrl+Tab and Ctrl+Shift+Tab move between them, Ctrl+Shift+T
reopens the last one closed; a middle click or Ctrl+click on a link opens it in a background tab.
The rest of the window talks to the tab on show through this object: it forwards that tab's
signals (and tells, on a switch, what the new tab shows), and applies the window-wide settings
(the as-of date, the zoom, the colours) to every tab.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Signal, Slot
from PySide6.QtWidgets import QTabBar, QTabWidget, QWidget

from desktop.models.store_session import StoreSession
from desktop.ui.detail_view import DetailView
from desktop.ui.history import History
from desktop.ui.page_controller import PageController
from desktop.ui.qt_enums import ELIDE_RIGHT, set_enum_property

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl

    from desktop.core.dates import FuzzyDate
    from desktop.core.views import Page

TITLE_CHARS = 28  # a tab's title is cut to this; its tooltip has the whole name
CLOSED_KEPT = 20  # tabs Ctrl+Shift+T can bring back

TabPages = tuple[list[str | None], int]  # a tab's history (None for Home) and the index of its page


class PageTabs(QTabWidget):
    """Signals, all from the tab on show: pageShown(id or ""), titleChanged(title or ""), historyChanged(),
    message(text); linkRefused(url) from any tab; tabsChanged() when a tab opened, closed or moved;
    zoomChanged(step) for the zoom every tab shares; from a link in any tab's page: citationClicked(source
    id, locator), kindRequested(kind id), searchRequested(), bookmarkToggled(entity id)."""

    pageShown = Signal(str)
    titleChanged = Signal(str)
    historyChanged = Signal()
    message = Signal(str)
    linkRefused = Signal(str)
    tabsChanged = Signal()
    zoomChanged = Signal(int)
    citationClicked = Signal(str, str)
    kindRequested = Signal(str)
    searchRequested = Signal()
    bookmarkToggled = Signal(str)
    entityMenuRequested = Signal(str, QPoint)

    def __init__(
        self,
        session: StoreSession,
        open_url: Callable[[QUrl], Any] | None = None,
        parent: QWidget | None = None,
        configure: Callable[[PageController], None] | None = None,
    ) -> None:
        super().__init__(parent)
        # Gives each new tab's page what the window knows of the reader (their notes, bookmarks).
        self._configure = configure
        self.setObjectName("tabs")
        self.setAccessibleName("Pages")
        self.setDocumentMode(True)
        self.setTabsClosable(True)
        self.setMovable(True)
        set_enum_property(self, "elideMode", ELIDE_RIGHT)  # not setElideMode: see qt_enums.py
        self.setUsesScrollButtons(True)
        self.tabBar().setAutoHide(True)  # one tab: no bar, as the window was before tabs
        self.tabBar().setSelectionBehaviorOnRemove(QTabBar.SelectionBehavior.SelectPreviousTab)
        self.session = session
        self._open_url = open_url
        self._controllers: dict[int, PageController] = {}  # by id() of the tab's view
        self._stale: set[int] = set()  # tabs to draw again when next shown (new data, colours, as-of)
        self._unshown: set[int] = set()  # tabs restored from a last run, drawn when first shown
        self._closed: list[TabPages] = []
        # The tab background tabs were last opened from, and where the last of them went.
        self._opened_from: QWidget | None = None
        self._opened_after = -1
        self.as_of: FuzzyDate | None = None
        self.zoom = 0
        self.tabCloseRequested.connect(self.close_tab)
        self.currentChanged.connect(self._on_current_changed)
        self.tabBar().tabMoved.connect(lambda *_: self.tabsChanged.emit())

    # -- the tab on show ---------------------------------------------------------------

    @property
    def pages(self) -> PageController:
        """The controller of the tab on show."""
        return self.controller(self.currentIndex())

    @property
    def view(self) -> DetailView:
        return self.pages.view

    @property
    def current(self) -> str | None:
        return self.pages.current

    def current_page(self) -> Page | None:
        return self.pages.current_page()

    def controller(self, index: int) -> PageController:
        view = self.widget(index)
        return self._controllers[id(view)]

    def target(self, index: int) -> str | None:
        """The entity tab `index` shows, or will show once first looked at (a tab restored from the last
        run is drawn then); None for Home."""
        pages = self.controller(index)
        return pages.history.current if id(pages.view) in self._unshown else pages.current

    def controllers(self) -> list[PageController]:
        return [self.controller(i) for i in range(self.count())]

    # -- opening and closing -------------------------------------------------------------

    def new_tab(
        self, state: TabPages | None = None, background: bool = False, at: int | None = None, render: bool = True
    ) -> PageController:
        """A tab showing the current page of `state` (Home when None), after the current one or at `at`;
        with `render` False, empty (the window's first tab, before it knows what to show)."""
        view = DetailView(self._open_url, self)
        view.set_zoom(self.zoom)
        history = History.restored(*state) if state else None
        pages = PageController(self.session, view, self, history=history)
        pages.as_of = self.as_of
        if self._configure is not None:
            self._configure(pages)
        self._controllers[id(view)] = pages
        self._wire(pages, view)
        if at is None:
            at = self.currentIndex() + 1
            if background:  # a run of links opened from one page stays in the order they were opened
                at = max(at, self._opened_after + 1) if self._opened_from is self.currentWidget() else at
        index = self.insertTab(at, view, "")
        if background:
            self._opened_from, self._opened_after = self.currentWidget(), index
        if state and render:
            pages.show_history_item()
        elif render:
            pages.show_home()
        elif state:  # drawn when first shown: restoring twenty tabs draws one page
            self._unshown.add(id(view))
            current = pages.history.current
            ref = self.session.store.ref(current) if current else None
            pages.title = ref.name if ref is not None else ""
        self._retitle(pages)
        if not background or self.count() == 1:
            self.setCurrentIndex(index)
        self.tabsChanged.emit()
        return pages

    @Slot()
    def open_new_tab(self) -> None:
        """Ctrl+T: a new tab on Home, shown at once."""
        self.new_tab()

    def open_in_new_tab(self, entity_id: str, background: bool = True) -> PageController:
        """A link, tree row or result opened in a tab of its own (behind the current one by default)."""
        return self.new_tab(([entity_id], 0), background=background)

    @Slot(int)
    def close_tab(self, index: int | None = None) -> None:
        """Ctrl+W, or a tab's close button. The last tab is not closed: it goes Home."""
        index = self.currentIndex() if index is None or isinstance(index, bool) else index
        if not 0 <= index < self.count():
            return
        pages = self.controller(index)
        self._closed.append(pages.history.state())
        del self._closed[:-CLOSED_KEPT]
        if self.count() == 1:
            pages.show_home()
            return
        view = pages.view
        self.removeTab(index)
        del self._controllers[id(view)]
        self._stale.discard(id(view))
        self._unshown.discard(id(view))
        view.deleteLater()
        pages.deleteLater()
        self.tabsChanged.emit()

    @Slot()
    def reopen_closed_tab(self) -> bool:
        """Ctrl+Shift+T: the last tab closed, with its history."""
        if not self._closed:
            self.message.emit("No closed tab to reopen.")
            return False
        self.new_tab(self._closed.pop())
        return True

    @Slot()
    def next_tab(self) -> None:
        if self.count() > 1:
            self.setCurrentIndex((self.currentIndex() + 1) % self.count())

    @Slot()
    def previous_tab(self) -> None:
        if self.count() > 1:
            self.setCurrentIndex((self.currentIndex() - 1) % self.count())

    # -- what every tab shares -----------------------------------------------------------

    def set_as_of(self, when: FuzzyDate | None) -> None:
        self.as_of = when
        for pages in self.controllers():
            pages.as_of = when
        self.rerender_all()

    def rerender_all(self) -> None:
        """Draw the tab on show again now, the others when next shown (new data, new colours)."""
        current = self.currentWidget()
        self._stale = {id(self.widget(i)) for i in range(self.count()) if self.widget(i) is not current}
        if self.count():
            self.pages.rerender()

    def set_zoom(self, level: int) -> None:
        for pages in self.controllers():
            pages.view.set_zoom(level)
        self.zoom = self.view.zoom if self.count() else level
        self.zoomChanged.emit(self.zoom)

    @Slot()
    def zoom_in(self) -> None:
        self.set_zoom(self.zoom + 1)

    @Slot()
    def zoom_out(self) -> None:
        self.set_zoom(self.zoom - 1)

    @Slot()
    def zoom_reset(self) -> None:
        self.set_zoom(0)

    # -- going back and forth in the tab on show ----------------------------------------

    @Slot()
    def go_back(self) -> None:
        self.pages.go_back()

    @Slot()
    def go_forward(self) -> None:
        self.pages.go_forward()

    @Slot()
    def show_home(self) -> None:
        self.pages.show_home()

    # -- kept between runs --------------------------------------------------------------

    def states(self) -> list[TabPages]:
        return [pages.history.state() for pages in self.controllers()]

    def restore(self, states: list[TabPages], current: int) -> None:
        """Open the tabs of an earlier run (the tabs there are now are closed first)."""
        before = self.count()
        for state in states:
            self.new_tab(state, background=True, at=self.count(), render=False)
        if self.count() > before:
            index = before + max(0, min(current, self.count() - before - 1))
            if index == self.currentIndex():
                self._on_current_changed(index)
            else:
                self.setCurrentIndex(index)

    # -- inner workings -------------------------------------------------------------------

    def _wire(self, pages: PageController, view: DetailView) -> None:
        def forward(signal: Any, *args: Any) -> None:
            if self.count() and self.currentWidget() is view:
                signal.emit(*args)

        pages.pageShown.connect(lambda ident: forward(self.pageShown, ident))
        pages.titleChanged.connect(lambda title: forward(self.titleChanged, title))
        pages.titleChanged.connect(lambda _title: self._retitle(pages))
        pages.historyChanged.connect(lambda: forward(self.historyChanged))
        pages.message.connect(lambda text: forward(self.message, text))
        view.linkRefused.connect(self.linkRefused)
        view.entityInNewTab.connect(lambda ident: self.open_in_new_tab(ident))  # behind the page, as a browser
        view.paletteChanged.connect(lambda: self._redraw_if_shown(pages))
        # What a page's own links ask of the window (a link is only clicked in the tab on show).
        view.citationClicked.connect(self.citationClicked)
        view.kindRequested.connect(self.kindRequested)
        view.searchRequested.connect(self.searchRequested)
        view.bookmarkToggled.connect(self.bookmarkToggled)
        view.entityMenuRequested.connect(self.entityMenuRequested)

    def _redraw_if_shown(self, pages: PageController) -> None:
        # The application palette reaches a page after the window (through the event loop): a page is
        # drawn again when its own palette has changed; with nothing shown yet, there is nothing to redraw.
        if not pages.view.document().isEmpty():
            if pages.view is self.currentWidget():
                pages.rerender()
            else:
                self._stale.add(id(pages.view))

    def _retitle(self, pages: PageController) -> None:
        index = self.indexOf(pages.view)
        if index < 0:
            return
        name = pages.title or "Home"
        self.setTabText(index, name if len(name) <= TITLE_CHARS else name[: TITLE_CHARS - 1] + "…")
        self.setTabToolTip(index, name)

    @Slot(int)
    def _on_current_changed(self, index: int) -> None:
        if index < 0:
            return
        if self.widget(index) is not self._opened_from:
            self._opened_from = None  # a new run of background tabs starts beside the tab now on show
        pages = self.controller(index)
        if id(pages.view) in self._unshown:
            self._unshown.discard(id(pages.view))
            pages.show_history_item()
        elif id(pages.view) in self._stale:
            self._stale.discard(id(pages.view))
            pages.rerender()
        self.pageShown.emit(pages.current or "")
        self.titleChanged.emit(pages.title)
        self.historyChanged.emit()
        self.tabsChanged.emit()

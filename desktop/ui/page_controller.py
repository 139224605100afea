"""One page of the window: what it shows, its back/forward history and its as-of date.

The controller draws into a DetailView from the session's current store;
`rerender` draws it again (new colours, or new data: the window calls it when
the store changes), and a page whose entity has left the data says so instead
of keeping its old text and title. Each tab (page_tabs.py) is one of these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal, Slot

from desktop.core.dates import FuzzyDate
from desktop.core.store import Store
from desktop.core.views import EntityRef, Page
from desktop.models.store_session import StoreSession
from desktop.ui.detail_view import DetailView
from desktop.ui.history import History
from desktop.ui.page_html import PAGE_ROWS, page_strip, render_gone, render_home, render_page
from desktop.ui.theme import page_colors


class PageController(QObject):
    """Signals: pageShown(id, or "" for Home and for a page that has gone), titleChanged(title or ""),
    historyChanged() when back/forward became possible or not, message(text) for the status bar."""

    pageShown = Signal(str)
    titleChanged = Signal(str)
    historyChanged = Signal()
    message = Signal(str)

    def __init__(
        self, session: StoreSession, view: DetailView, parent: QObject | None = None, history: History | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.view = view
        self.history = history if history is not None else History()
        self.title = ""  # what the tab and the window's title say: the entity's name, "" for Home
        self._current: str | None = None
        self._name = ""  # the shown entity's name, for the notice when it leaves the data
        self._full = False  # "Show all" was asked for on this page: redrawing keeps every row
        self._claims_open = False  # "sources disagree" was opened on this page: redrawing keeps it open
        self.as_of: FuzzyDate | None = None  # the page shows the entity as it stood then; None: latest
        # What the reader keeps of their own, asked for each time a page is drawn (the window sets these):
        # an entity's note ("" for none), whether it is bookmarked (None: no star at all), and Home's bookmarks.
        self.note_for: Callable[[str], str] = lambda _entity_id: ""
        self.is_bookmarked: Callable[[str], bool | None] = lambda _entity_id: None
        self.home_bookmarks: Callable[[], Sequence[EntityRef]] = lambda: ()
        view.entityRequested.connect(self.show_entity)
        view.randomRequested.connect(self.show_random)
        view.fullPageRequested.connect(lambda entity_id: self.show_entity(entity_id, record=False, full=True))
        view.claimsToggled.connect(self.toggle_claims)
        view.backRequested.connect(self.go_back)
        view.forwardRequested.connect(self.go_forward)

    @property
    def store(self) -> Store:
        return self.session.store

    @property
    def current(self) -> str | None:
        return self._current

    def current_page(self) -> Page | None:
        return self.store.page(self._current) if self._current is not None else None

    @Slot(str)
    def show_entity(self, entity_id: str, record: bool = True, full: bool = False, browse: bool = False) -> bool:
        """Show an entity's page; `record` it in the history, as a page `browse`d to (History.browse) or
        as one visited."""
        if not entity_id:
            self.show_home(record)
            return True
        page = self.store.page(entity_id)
        if page is None:
            note = self.note_for(entity_id)
            if note:  # gone from the data, but the reader wrote about it: show what they wrote
                self._show_gone(entity_id, note, record)
                return True
            self.message.emit(f"No entity with id “{entity_id}” in the data.")
            return False
        same = not record and entity_id == self._current
        full = full or (same and self._full)
        self._claims_open = same and self._claims_open
        limit = None if full else PAGE_ROWS
        colors = page_colors(self.view.palette())
        self.view.set_strip(page_strip(page, self.as_of))
        html = render_page(
            page, colors, self.as_of, limit, open_claims=self._claims_open, strip=True,
            note=self.note_for(entity_id), bookmarked=self.is_bookmarked(entity_id),
        )  # fmt: skip
        self.view.setHtml(html)
        self._current = entity_id
        self._name = page.name
        self._full = full
        if record and browse:
            self.history.browse(entity_id)
        elif record:
            self.history.visit(entity_id)
        self._set_title(page.name)
        self.historyChanged.emit()
        self.pageShown.emit(entity_id)
        return True

    @Slot(str)
    def toggle_claims(self, entity_id: str) -> None:
        """Open (or close again) the claims a page does not show, where its sources disagree."""
        if entity_id != self._current:
            return
        self._claims_open = not self._claims_open
        # The page is drawn again where the reader was, not back at its top.
        bar = self.view.verticalScrollBar()
        at = bar.value()
        self.show_entity(entity_id, record=False)
        bar.setValue(at)

    @Slot()
    def show_home(self, record: bool = True) -> None:
        store = self.store
        recent = [ref for ident in self.history.recent(8) if (ref := store.ref(ident))]
        colors = page_colors(self.view.palette())
        self.view.set_strip(None)
        bookmarks = self.home_bookmarks()
        self.view.setHtml(render_home(store.counts(), store.most_linked(12), recent, colors, bookmarks=bookmarks))
        self._current = None
        if record:
            self.history.visit(None)
        self._set_title("")
        self.historyChanged.emit()
        self.pageShown.emit("")

    @Slot()
    def show_random(self) -> bool:
        """Home's "random entity": any entity's page, recorded in the history as a visit."""
        ref = self.store.random_entity()
        if ref is None:
            self.message.emit("The data holds no entity yet.")
            return False
        return self.show_entity(ref.id)

    def _set_title(self, title: str) -> None:
        self.title = title
        self.titleChanged.emit(title)

    def show_history_item(self) -> None:
        """Show the page the history is at (a tab restored, or after back or forward)."""
        item = self.history.current
        if item is None or not self.show_entity(item, record=False):
            self.show_home(record=False)

    @Slot()
    def go_back(self) -> None:
        if self.history.can_back():
            self.history.back()
            self.show_history_item()

    def go_to(self, index: int) -> None:
        """Jump to a page in this tab's history (the Back and Forward buttons' lists)."""
        if 0 <= index < len(self.history.state()[0]):
            self.history.go_to(index)
            self.show_history_item()
            self.historyChanged.emit()

    @Slot()
    def go_forward(self) -> None:
        if self.history.can_forward():
            self.history.forward()
            self.show_history_item()

    def set_as_of(self, when: FuzzyDate | None) -> None:
        self.as_of = when
        if self._current is not None:
            self.show_entity(self._current, record=False)

    def rerender(self) -> None:
        """Draw the page again (new colours, new data, a note or a bookmark changed), where the reader was."""
        if self.session.closed:
            return  # the window has closed; a later theme change repaints nothing
        bar = self.view.verticalScrollBar()
        at = bar.value()
        if self._current is None:
            self.show_home(record=False)
        elif self.store.ref(self._current) is None:
            self._show_gone(self._current, self.note_for(self._current), record=False)
            return
        else:
            self.show_entity(self._current, record=False)
        bar.setValue(at)

    def _show_gone(self, entity_id: str, note: str, record: bool) -> None:
        """The page of an entity that has left the data: its name if it was shown here, and the reader's note."""
        name = self._name if entity_id == self._current else entity_id
        self.view.set_strip(None)
        self.view.setHtml(render_gone(name, page_colors(self.view.palette()), note=note))
        self._current = None
        if record:
            self.history.visit(entity_id)
        self._set_title("")
        self.historyChanged.emit()
        self.message.emit(f"“{name}” is no longer in the data.")
        self.pageShown.emit("")

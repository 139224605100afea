"""The left side of the window: the search box above the navigator tree or the ranked results.

On the lines of Zeal's search sidebar: typing swaps the tree for the results
(answered off the GUI thread by the search runner), Esc brings the tree back,
and the keys that move between box, results and tree live here. Enter
before the answer has arrived opens the first result when it arrives: no
search ever runs on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

# `Qt` only as `QtCore.Qt`, in code that runs after the first paint: see qt_enums.py.
from PySide6 import QtCore
from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.store import Store
from desktop.core.views import EntityRef, Hit
from desktop.models.navigator_model import NavigatorModel
from desktop.models.results_model import SearchResultsModel
from desktop.models.roles import Role
from desktop.models.search_runner import SearchRunner
from desktop.models.store_session import StoreSession
from desktop.models.tasks import Tasks
from desktop.ui.page_html import entity_href, esc
from desktop.ui.qt_enums import (
    CUSTOM_CONTEXT_MENU,
    RICH_TEXT,
    SCROLL_BAR_ALWAYS_OFF,
    SCROLL_BAR_ALWAYS_ON,
    set_enum_property,
)

log = logging.getLogger("almanac.search")

TREE_PAGE, RESULTS_PAGE = 0, 1


def _build_qt_enums() -> None:
    _ = QtCore.Qt.Key.Key_Down  # the `Qt` namespace, which the first key press would build


def _build_view_enums() -> None:
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

    _ = QStyle.ControlElement.CE_ItemViewItem, QStyleOptionViewItem.ViewItemFeature.HasDisplay


def _build_paint_enums() -> None:
    from PySide6.QtGui import QFont, QPainter, QPalette, QTextCharFormat, QTextLayout, QTextOption

    _ = QTextCharFormat.VerticalAlignment, QTextLayout.CursorMode, QPainter.RenderHint, QFont.Weight
    _ = QPalette.ColorRole, QTextOption.WrapMode
    import desktop.ui.result_delegate  # noqa: F401


# The steps that ready the results list, each within a frame; None: the delegate made, its fonts warmed.
_PREPARE_STEPS = (_build_qt_enums, _build_view_enums, _build_paint_enums, None)
PREVIEW_MS = 250  # moving through the results shows each in the page once the keys pause this long
# The first key of a search leaves the tree up until the answer arrives (a few ms), so the results page is
# laid out and painted once, with its rows, rather than empty first and again when they come: that first
# paint took the GUI thread 2–3 ms while the answer waited for it. A search slower than this shows it anyway.
REVEAL_MS = 150
# What the first results need and Home does not (the `Qt` namespace's enums, 13 ms; the result delegate's
# Qt classes, 8 ms; its fonts, 5 ms) is made ready this long after the pane is first shown, a step at a
# time, each within a frame, so that the first search of a session does not stall the GUI on it all at once.
# A search begun sooner hurries the steps along, and its answer waits for them (once a session).
PREPARE_MS = 400
PREPARE_STEP_MS = 40
# Rows past those on show whose snippets come with an answer: a small scroll needs no second search.
ROWS_TO_SPARE = 8


class SearchPane(QWidget):
    """Signals: entityRequested(id) to show an entity; entityActivated(id) when one was opened from the
    tree with Enter or a double click (the page should take focus); entityBrowsed(id) when the keys
    move through the tree, or rest for a moment on a result (the page shows it, the list keeps the
    focus, and the history keeps one entry for the whole walk); entityInNewTab(id, background) for a
    middle click or Ctrl+click on a row or result, or Ctrl+Enter on a result; searchFinished(query) after results
    are shown."""

    entityRequested = Signal(str)
    entityBrowsed = Signal(str)
    entityInNewTab = Signal(str, bool)
    entityMenuRequested = Signal(str, QPoint)  # an entity's context menu, at a global point
    entityActivated = Signal(str)
    searchFinished = Signal(str)

    def __init__(self, session: StoreSession, tasks: Tasks, icons: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._prepared = -1  # the steps of _prepare_results done; -1: not begun
        self._prepare_timer = QTimer(self)
        self._prepare_timer.setSingleShot(True)
        self._prepare_timer.timeout.connect(self._prepare_results)
        self._hurried = False
        self._held: tuple[int, str, list[Hit], list[EntityRef]] | None = None  # an answer waiting for the list
        self._syncing = False
        self._open_when_answered = False
        # The reader's notes matching a query, as hits of the phase "notes" (set by the window).
        self.note_hits: Callable[[str], list[Hit]] | None = None
        store = session.store

        self.box = QLineEdit(self)
        self.box.setObjectName("searchBox")
        self.box.setAccessibleName("Search")
        self.box.setPlaceholderText("Search names, acronyms, facts…  (Ctrl+K)")
        self.box.setClearButtonEnabled(True)
        self.box.textChanged.connect(self._on_query_changed)
        self.box.installEventFilter(self)

        self.nav_model = NavigatorModel(store, icons, self)
        self.navigator = QTreeView(self)
        self.navigator.setObjectName("navigator")
        self.navigator.setAccessibleName("Navigator")
        self.navigator.setHeaderHidden(True)
        self.navigator.setUniformRowHeights(True)
        self.navigator.setModel(self.nav_model)
        self.navigator.selectionModel().currentChanged.connect(self._on_tree_current)
        self.navigator.activated.connect(self._on_tree_activated)
        self.navigator.installEventFilter(self)
        set_enum_property(self.navigator, "contextMenuPolicy", CUSTOM_CONTEXT_MENU)
        self.navigator.customContextMenuRequested.connect(lambda pos: self._menu_at(self.navigator, pos))
        self.navigator.viewport().installEventFilter(self)  # where its clicks arrive
        self._tree_keyed = False  # the tree's current row is moving under the keys, not a click

        self.results_model = SearchResultsModel(icons, {k.id: k.label for k in store.kinds()}, self)
        self.results = QListView(self)
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.results_model)
        # Its delegate (and the QStyle enums it draws with) comes when results are first shown.
        self._delegate_set = False
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        set_enum_property(self.results, "horizontalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)
        # The scroll bar stays, so rows keep one width while typing: one coming and going as the
        # number of hits crosses a screenful re-laid out the list and redrew every row (the
        # delegate keeps drawn rows by width) twice a keystroke.
        set_enum_property(self.results, "verticalScrollBarPolicy", SCROLL_BAR_ALWAYS_ON)
        self.results.setUniformItemSizes(True)  # the delegate's rows are one height: no per-row measuring
        self.results.clicked.connect(self._open_result_index)
        self.results.installEventFilter(self)
        self.results.viewport().installEventFilter(self)  # middle clicks and Ctrl+clicks: a new tab
        set_enum_property(self.results, "contextMenuPolicy", CUSTOM_CONTEXT_MENU)
        self.results.customContextMenuRequested.connect(lambda pos: self._menu_at(self.results, pos))
        self._preview = QTimer(self)
        self._preview.setSingleShot(True)
        self._preview.setInterval(PREVIEW_MS)
        self._preview.timeout.connect(self._preview_current)
        self._reveal = QTimer(self)
        self._reveal.setSingleShot(True)
        self._reveal.setInterval(REVEAL_MS)
        self._reveal.timeout.connect(self._show_results_page)
        self.results.selectionModel().currentChanged.connect(self._on_result_current)
        self.kind_box = QComboBox(self)
        self.kind_box.setObjectName("searchKind")
        self.kind_box.setAccessibleName("Only results of this kind")
        self.kind_box.setToolTip("Only results of this kind (as the command line's --kind)")
        self._fill_kinds(store)
        self.kind_box.currentIndexChanged.connect(self._on_kind_changed)
        self.status = QLabel(self)
        self.status.setObjectName("searchStatus")
        self.status.setWordWrap(True)
        set_enum_property(self.status, "textFormat", RICH_TEXT)
        self.status.linkActivated.connect(self._on_status_link)

        results_page = QWidget(self)
        results_layout = QVBoxLayout(results_page)
        results_layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(self.status, 1)
        kind_column = QVBoxLayout()  # the box at the top beside a status of several lines, as AlignTop would
        kind_column.addWidget(self.kind_box)
        kind_column.addStretch(1)
        header.addLayout(kind_column)
        results_layout.addLayout(header)
        results_layout.addWidget(self.results, 1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.navigator)
        self.stack.addWidget(results_page)
        self.stack.currentChanged.connect(self._on_page_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 0, 4)
        layout.addWidget(self.box)
        layout.addWidget(self.stack, 1)

        self.runner = SearchRunner(store, tasks, parent=self)
        self.runner.finished.connect(self._on_search_finished)
        self.runner.snippetsMade.connect(self._on_snippets_made)
        self._shown = 0  # the generation of the answer on show
        self.results_model.snippetsWanted.connect(lambda: self.runner.make_snippets(self._shown))
        self.runner.failed.connect(self._on_search_failed)
        session.storeChanged.connect(self._on_store_changed)

    # -- the store ---------------------------------------------------------------

    @Slot(object)
    def _on_store_changed(self, store: Store) -> None:
        self.nav_model.set_store(store)
        self.results_model.set_kind_labels({k.id: k.label for k in store.kinds()})
        self._fill_kinds(store)
        self.runner.set_store(store)
        if self.box.text().strip():
            self.runner.submit(self.box.text(), self.kind())  # the search stays, answered again from the new index

    def _fill_kinds(self, store: Store) -> None:
        """All kinds, then each kind something is of (a kind with no entity would only ever say "none")."""
        chosen = self.kind()
        self.kind_box.blockSignals(True)
        try:
            self.kind_box.clear()
            self.kind_box.addItem("All kinds", None)
            for kind in store.kinds():
                if kind.count:
                    self.kind_box.addItem(kind.plural, kind.id)
            found = self.kind_box.findData(chosen) if chosen else 0
            self.kind_box.setCurrentIndex(max(found, 0))
        finally:
            self.kind_box.blockSignals(False)

    def kind(self) -> str | None:
        """The kind results are limited to; None for all."""
        return self.kind_box.currentData() if self.kind_box.count() else None

    def set_kind(self, kind: str | None) -> None:
        found = self.kind_box.findData(kind) if kind else 0
        self.kind_box.setCurrentIndex(max(found, 0))

    @Slot(int)
    def _on_kind_changed(self, _: int) -> None:
        if self.box.text().strip():
            self._open_when_answered = False
            self.runner.submit(self.box.text(), self.kind())

    # -- searching ---------------------------------------------------------------

    @Slot()
    def focus_search(self) -> None:
        self.box.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def clear_search(self) -> None:
        self.box.clear()
        self._reveal.stop()
        self.stack.setCurrentIndex(TREE_PAGE)
        self.box.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)

    @Slot(int)
    def _on_page_changed(self, page: int) -> None:
        if page == RESULTS_PAGE:
            self._set_delegate()

    def _set_delegate(self) -> Any:
        """The results list's delegate, made and set the first time it is needed."""
        if not self._delegate_set:
            from desktop.ui.result_delegate import ResultDelegate

            self.results.setItemDelegate(ResultDelegate(self.results))
            self._delegate_set = True
        return self.results.itemDelegate()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._prepared < 0:
            self._prepared = 0
            self._prepare_timer.start(PREPARE_MS)

    def results_prepared(self) -> bool:
        """Whether the results list is ready to draw its first rows (see PREPARE_MS)."""
        return self._prepared >= len(_PREPARE_STEPS)

    def _hurry_preparing(self) -> None:
        """A search has begun before the results list was ready: the remaining steps follow at once."""
        if not self.results_prepared() and not self._hurried:
            self._hurried = True
            self._prepared = max(self._prepared, 0)
            self._prepare_timer.start(0)  # each step its own turn of the event loop: the heartbeat goes on

    @Slot()
    def _prepare_results(self) -> None:
        """One step of readying the results list ahead of the first search (see PREPARE_MS)."""
        if self.results_prepared():
            return
        step = _PREPARE_STEPS[self._prepared]
        try:
            if step is None:
                delegate = self._set_delegate()
                prepare = getattr(delegate, "prepare", None)
                if prepare is not None:
                    prepare(self.results.font())
            else:
                step()
        except Exception:
            # A step is only a head start (what it makes is made on first use anyway): a failed one must not
            # leave the steps stuck, and every answer held back for them.
            log.exception("readying the results list")
        self._prepared += 1
        if not self.results_prepared():
            self._prepare_timer.start(0 if self._hurried else PREPARE_STEP_MS)
        elif self._held is not None:
            held, self._held = self._held, None
            self._on_search_finished(*held)

    def showing_results(self) -> bool:
        return self.stack.currentIndex() == RESULTS_PAGE

    def searching(self) -> bool:
        """Whether a query is typed: the results are shown, or will be when its answer comes."""
        return bool(self.box.text().strip())

    @Slot()
    def _show_results_page(self) -> None:
        self._reveal.stop()
        if self.searching():
            self.stack.setCurrentIndex(RESULTS_PAGE)

    @Slot(str)
    def _on_query_changed(self, text: str) -> None:
        self._open_when_answered = False
        if not text.strip():
            self._reveal.stop()
            self.results_model.clear()
            self.stack.setCurrentIndex(TREE_PAGE)
            return
        if not self.showing_results() and not self._reveal.isActive():
            self._reveal.start()  # the answer shows the results page; this, if the answer is slow
        self._hurry_preparing()
        self.runner.submit(text, self.kind(), self._rows_on_show())

    def _rows_on_show(self) -> int:
        """About how many result rows the list shows at once, a few more to spare: their snippets come with
        the answer. A row takes at least two of the list's lines (it takes three, of which two smaller),
        so this errs towards more rows, never fewer."""
        line = max(1, self.results.fontMetrics().height())
        # The stack's height, not the list's: before the first answer the list has never been shown or
        # laid out, and the results page it is on is as tall as the stack.
        return self.stack.height() // (2 * line) + ROWS_TO_SPARE

    @Slot(int, str, list, list)
    def _on_search_finished(self, generation: int, query: str, hits: list[Hit], suggestions: list[EntityRef]) -> None:
        if generation != self.runner.generation or query != self.box.text():
            return  # an answer to something the user has already typed past
        if not self.results_prepared():
            self._held = (generation, query, hits, suggestions)  # shown as the last step of preparing ends
            self._hurry_preparing()
            return
        self._shown = generation
        self.show_hits(query, hits, suggestions)
        if self._open_when_answered:
            self._open_when_answered = False
            self.open_result()

    @Slot(int, str, list)
    def _on_snippets_made(self, generation: int, query: str, hits: list[Hit]) -> None:
        if generation == self._shown == self.runner.generation and query == self.box.text():
            self.results_model.fill_snippets(query, hits)

    @Slot(int, str, str)
    def _on_search_failed(self, generation: int, query: str, message: str) -> None:
        if generation != self.runner.generation or query != self.box.text():
            return
        self._open_when_answered = False
        self._show_results_page()
        self.results_model.set_hits(query, [])  # no older query's hits left standing as if they answered this one
        self.status.setText(f"Search failed: {esc(message)}")  # an index gone missing is reopened by the window
        self.searchFinished.emit(query)

    def show_hits(self, query: str, hits: list[Hit], suggestions: list[EntityRef]) -> None:
        self._preview.stop()  # the row under the selection is another entity now
        # The reader's notes are a phase of their own, after what the data answers. Their table is
        # small and local to this window's thread, so they are asked here, not on the search worker.
        notes = self.note_hits(query) if self.note_hits is not None and self.kind() is None else []
        if notes:
            hits = [*hits, *notes]
        self._show_results_page()
        self.results_model.set_hits(query, hits)
        if hits and hits[0].phase == "fuzzy":  # nothing matched as typed: say what is shown instead
            self.status.setText(
                f"Showing results for <b>{esc(hits[0].name)}</b>; nothing matches “{esc(query.strip())}”"
            )
        elif hits:
            found = len(hits) - len(notes)
            text = f"{found} result{'s' if found != 1 else ''}"
            if notes:
                text += f", {len(notes)} in your notes"
            self.status.setText(text)
        else:
            text = f"No results for “{esc(query)}”."
            if suggestions:
                links = ", ".join(f'<a href="{entity_href(r.id)}">{esc(r.name)}</a>' for r in suggestions)
                text += f" Closest names: {links}"
            self.status.setText(text)
        self.searchFinished.emit(query)

    def open_result(self, row: int | None = None) -> bool:
        """Open the result at `row`, else the selected one, else the first.

        Asked before the answer to what is typed has arrived, it opens the first result on arrival.
        """
        if self.results_model.query != self.box.text() and self.box.text().strip():
            self._open_when_answered = True
            return False
        if row is None:
            current = self.results.currentIndex()
            row = current.row() if current.isValid() else 0
        hit = self.results_model.hit(row)
        if hit is None:
            return False
        self.entityRequested.emit(hit.id)
        return True

    @Slot(QModelIndex, QModelIndex)
    def _on_result_current(self, current: QModelIndex, previous: QModelIndex) -> None:
        """Moving through the results with the keys: preview the one the keys stop on."""
        if current.isValid() and self.results.hasFocus():
            self._preview.start()

    @Slot()
    def _preview_current(self) -> None:
        hit = self.results_model.hit(self.results.currentIndex().row())
        if hit is not None and self.showing_results():
            self.entityBrowsed.emit(hit.id)

    @Slot(QModelIndex)
    def _open_result_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_result(index.row())

    @Slot(str)
    def _on_status_link(self, link: str) -> None:
        url = QUrl(link)
        if url.scheme() == "entity":
            self.entityRequested.emit(url.path())

    # -- the tree ------------------------------------------------------------------

    def sync_tree(self, entity_id: str) -> None:
        """Select the entity in the navigator, expanding and scrolling to it."""
        index = self.nav_model.index_for_id(entity_id) if entity_id else QModelIndex()
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

    @Slot(str)
    def open_kind_group(self, kind: str) -> bool:
        """Show a kind's group in the tree (Home's tiles): the search cleared, the group expanded, selected
        and at the top, the tree focused. False when no group is of that kind."""
        model = self.nav_model
        row = next(
            (r for r in range(model.rowCount()) if model.index(r, 0).data(Role.KIND) == kind
             and model.index(r, 0).data(Role.ENTITY_ID) is None),
            -1,
        )  # fmt: skip
        if row < 0:
            return False
        if self.showing_results() or self.searching():
            self.clear_search()
        group = model.index(row, 0)
        self.navigator.expand(group)
        self.navigator.setCurrentIndex(group)  # a group shows no page: the page stays as it is
        self.navigator.scrollTo(group, QAbstractItemView.ScrollHint.PositionAtTop)
        self.navigator.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
        return True

    @Slot(QModelIndex, QModelIndex)
    def _on_tree_current(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        entity_id = current.data(Role.ENTITY_ID)
        if entity_id:
            keyed, self._tree_keyed = self._tree_keyed, False
            (self.entityBrowsed if keyed else self.entityRequested).emit(entity_id)

    @Slot(QModelIndex)
    def _on_tree_activated(self, index: QModelIndex) -> None:
        entity_id = index.data(Role.ENTITY_ID)
        if entity_id:
            self.entityActivated.emit(entity_id)
        else:
            self.navigator.setExpanded(index, not self.navigator.isExpanded(index))

    # -- keys ------------------------------------------------------------------------

    def focus_ring(self) -> list[QWidget]:
        return [self.box, self.results if self.showing_results() or self.searching() else self.navigator]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.box:
                return self._box_key(key)
            if watched is self.results:
                if (
                    key in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter)
                    and event.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier
                ):
                    hit = self.results_model.hit(self.results.currentIndex().row())
                    if hit is not None:
                        self.entityInNewTab.emit(hit.id, False)
                    return True
                return self._results_key(key)
            if watched is self.navigator:
                self._tree_keyed = True  # cleared once the current row has moved, or at the next click
        elif event.type() == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            if watched is self.navigator.viewport():
                self._tree_keyed = False
            if watched in (self.navigator.viewport(), self.results.viewport()) and self._new_tab_click(watched, event):
                return True
        return super().eventFilter(watched, event)

    def _new_tab_click(self, viewport: QObject, event: QMouseEvent) -> bool:
        """A middle click, or a Ctrl+click, on a tree row or a result: it opens in a background tab."""
        button, modifiers = event.button(), event.modifiers()
        mouse = QtCore.Qt.MouseButton
        ctrl = button == mouse.LeftButton and bool(modifiers & QtCore.Qt.KeyboardModifier.ControlModifier)
        if button != mouse.MiddleButton and not ctrl:
            return False
        entity_id = self.entity_at(viewport, event.position().toPoint())
        if entity_id:
            self.entityInNewTab.emit(entity_id, True)
        return True  # not a selection change either way: the page on show stays

    def _menu_at(self, view: QAbstractItemView, pos: QPoint) -> None:
        entity_id = self.entity_at(view.viewport(), pos)
        if entity_id:
            self.entityMenuRequested.emit(entity_id, view.viewport().mapToGlobal(pos))

    def entity_at(self, viewport: QObject, pos: QPoint) -> str | None:
        """The entity of the tree row or the result under viewport point `pos`."""
        if viewport is self.navigator.viewport():
            return self.navigator.indexAt(pos).data(Role.ENTITY_ID) or None
        hit = self.results_model.hit(self.results.indexAt(pos).row())
        return hit.id if hit is not None else None

    def _box_key(self, key: int) -> bool:
        if key == QtCore.Qt.Key.Key_Down and (self.showing_results() or self.searching()):
            if self.results_model.rowCount() > 0:
                self.results.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
                if not self.results.currentIndex().isValid():
                    self.results.setCurrentIndex(self.results_model.index(0, 0))
            return True
        if key == QtCore.Qt.Key.Key_Down:
            self.navigator.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
            return True
        if key in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter) and self.box.text().strip():
            self.open_result()
            return True
        if key == QtCore.Qt.Key.Key_Escape:
            self.clear_search()
            return True
        return False

    def _results_key(self, key: int) -> bool:
        if key in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
            self.open_result()
            return True
        if key == QtCore.Qt.Key.Key_Escape:
            self.clear_search()
            return True
        if key == QtCore.Qt.Key.Key_Up and self.results.currentIndex().row() <= 0:
            self.box.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
            return True
        return False

    def stop(self) -> None:
        self.runner.stop()

"""Bookmarks in the window: Ctrl+D on the page, the Bookmarks menu, and a panel to organise them.

Everything is read from and written to the reader's store through the window's ReaderSession, and
drawn again from it after each change (here or in another window): the panel never keeps a second
copy of the truth, so a failed write (shown on the status bar) leaves it showing what is saved.
In the panel (objectName `bookmarksView`) bookmarks sit in folders; they are renamed in place (F2),
reordered and moved between folders by dragging, and deleted with Delete. The bookmarks export to a
JSON file and import from one (merged: a page bookmarked already is not added twice).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

# `Qt` only as `QtCore.Qt`, in code that runs after the first paint: see qt_enums.py.
from PySide6 import QtCore
from PySide6.QtCore import QObject, QPoint, Signal, Slot
from PySide6.QtGui import QAction, QDropEvent, QFont, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QWidget,
)

from desktop.core.reader_data import Bookmark, BookmarkItem, Folder
from desktop.models.roles import USER_ROLE

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

ITEM = USER_ROLE  # (item id, entity id or None for a folder)
JSON_FILTER = "Bookmarks (*.json)"
MENU_DEPTH = 16  # the Bookmarks menu shows folders as submenus this deep (the store allows no deeper)


class BookmarksView(QTreeWidget):
    """The panel's tree. Signals: opened(id), openedInNewTab(id), moved(item id, folder id or -1, position),
    renamed(item id, title), removed(list of item ids), contextMenuAt(item, global point)."""

    opened = Signal(str)
    openedInNewTab = Signal(str)
    moved = Signal(int, int, int)  # folder -1: the top level
    renamed = Signal(int, str)
    removed = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookmarksView")
        self.setAccessibleName("Bookmarks")
        self.setHeaderHidden(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(QtCore.Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self._filling = False
        self.itemActivated.connect(self._activated)
        self.itemChanged.connect(self._changed)

    def fill(self, items: tuple[BookmarkItem, ...], icon_for: object = None) -> None:
        """Show `items` (the store's tree), keeping which folders were open and which item was current."""
        opened = {item_id for item_id, item in self._items() if item.isExpanded()}
        current = self.item_id(self.currentItem())
        self._filling = True
        try:
            self.clear()
            self._add(self.invisibleRootItem(), items, opened, icon_for)
        finally:
            self._filling = False
        if current is not None:
            found = self.find_item(current)
            if found is not None:
                self.setCurrentItem(found)

    def _add(
        self, parent: QTreeWidgetItem, items: tuple[BookmarkItem, ...], opened: set[int], icon_for: object
    ) -> None:
        for entry in items:
            node = QTreeWidgetItem(parent, [entry.title])
            flags = node.flags() | QtCore.Qt.ItemFlag.ItemIsEditable | QtCore.Qt.ItemFlag.ItemIsDragEnabled
            if isinstance(entry, Folder):
                node.setData(0, ITEM, (entry.id, None))
                node.setFlags(flags | QtCore.Qt.ItemFlag.ItemIsDropEnabled)
                bold = QFont(node.font(0))
                bold.setBold(True)
                node.setFont(0, bold)
                self._add(node, entry.children, opened, icon_for)
                node.setExpanded(entry.id in opened or not opened)
            else:
                node.setData(0, ITEM, (entry.id, entry.entity_id))
                node.setFlags(flags & ~QtCore.Qt.ItemFlag.ItemIsDropEnabled)
                node.setToolTip(0, entry.entity_id)
                if callable(icon_for):
                    icon = icon_for(entry.entity_id)
                    if icon is not None:
                        node.setIcon(0, icon)

    def _items(self) -> list[tuple[int, QTreeWidgetItem]]:
        found = []
        iterator = QTreeWidgetItemIterator(self)
        while (item := iterator.value()) is not None:
            item_id = self.item_id(item)
            if item_id is not None:
                found.append((item_id, item))
            iterator += 1
        return found

    def find_item(self, item_id: int) -> QTreeWidgetItem | None:
        return next((item for i, item in self._items() if i == item_id), None)

    @staticmethod
    def item_id(item: QTreeWidgetItem | None) -> int | None:
        data = item.data(0, ITEM) if item is not None else None
        return data[0] if data else None

    @staticmethod
    def entity_of(item: QTreeWidgetItem | None) -> str | None:
        data = item.data(0, ITEM) if item is not None else None
        return data[1] if data else None

    @staticmethod
    def is_folder(item: QTreeWidgetItem | None) -> bool:
        data = item.data(0, ITEM) if item is not None else None
        return data is not None and data[1] is None

    @Slot(QTreeWidgetItem, int)
    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        entity = self.entity_of(item)
        if entity:
            self.opened.emit(entity)

    @Slot(QTreeWidgetItem, int)
    def _changed(self, item: QTreeWidgetItem, _column: int) -> None:
        item_id = self.item_id(item)
        if not self._filling and item_id is not None:
            self.renamed.emit(item_id, item.text(0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = QtCore.Qt.Key
        if event.key() in (key.Key_Delete, key.Key_Backspace) and self.state() != self.State.EditingState:
            item_id = self.item_id(self.currentItem())
            if item_id is not None:
                self.removed.emit([item_id])
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == QtCore.Qt.MouseButton.MiddleButton:
            entity = self.entity_of(self.itemAt(event.position().toPoint()))
            if entity:
                self.openedInNewTab.emit(entity)
            return
        super().mouseReleaseEvent(event)

    # -- dragging: the store moves the item, then the tree is drawn again from it ----------------

    def drop_target(self, pos: QPoint, dragged: QTreeWidgetItem) -> tuple[int | None, int] | None:
        """Where a drop at viewport `pos` puts `dragged`: (folder id or None, index once moved); None
        when it goes nowhere (onto itself)."""
        target = self.itemAt(pos)
        if target is None:  # below everything: the end of the top level
            return None, self.topLevelItemCount()
        if target is dragged:
            return None
        rect = self.visualItemRect(target)
        third = rect.height() / 3
        if self.is_folder(target) and rect.top() + third <= pos.y() <= rect.bottom() - third:
            return self.item_id(target), target.childCount()  # onto a folder: at its end
        parent = target.parent()
        siblings = [
            parent.child(i) if parent is not None else self.topLevelItem(i)
            for i in range(parent.childCount() if parent is not None else self.topLevelItemCount())
        ]
        others = [s for s in siblings if s is not dragged]
        index = others.index(target) + (1 if pos.y() > rect.center().y() else 0)
        return self.item_id(parent) if parent is not None else None, index

    def dropEvent(self, event: QDropEvent) -> None:
        dragged = self.currentItem()
        item_id = self.item_id(dragged)
        where = self.drop_target(event.position().toPoint(), dragged) if dragged is not None else None
        event.setDropAction(QtCore.Qt.DropAction.IgnoreAction)  # the tree is not changed here: the store is
        event.accept()
        if item_id is None or where is None:
            return
        folder, position = where
        self.moved.emit(item_id, -1 if folder is None else folder, position)


class BookmarksControls(QObject):
    """Owns the bookmark actions, the Bookmarks menu's list and the panel of one window.
    Signals: message(text) for the status bar."""

    message = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.reader = window.reader
        self.dock: QDockWidget | None = None
        self.view: BookmarksView | None = None
        self.action_bookmark = QAction("&Bookmark this page", window, checkable=True)
        self.action_bookmark.setObjectName("actionBookmark")
        self.action_bookmark.triggered.connect(lambda *_: self.toggle_current())
        self.action_panel = QAction("Show &all bookmarks", window, checkable=True)
        self.action_panel.setObjectName("actionBookmarksPanel")
        self.action_panel.toggled.connect(self.set_panel_visible)
        for action in (self.action_bookmark, self.action_panel):
            window.addAction(action)
        self.menu_entries: list[QAction] = []  # the bookmarks listed at the foot of the Bookmarks menu
        window.pageShown.connect(self._on_page_shown)
        self.reader.changed.connect(self.refresh)

    def attach_menu(self, menu: QMenu) -> None:
        self.menu = menu
        menu.aboutToShow.connect(self.fill_menu)

    # -- the page on show -----------------------------------------------------------------

    def _on_page_shown(self, entity_id: str) -> None:
        self.action_bookmark.setEnabled(bool(entity_id) and self.reader.writable)
        self.action_bookmark.setChecked(bool(entity_id) and self.reader.is_bookmarked(entity_id))

    @Slot()
    def toggle_current(self) -> bool | None:
        """Ctrl+D: bookmark the page on show, or remove its bookmark."""
        entity = self.window.current_entity
        if not entity:
            self.action_bookmark.setChecked(False)
            self.message.emit("Open an entity to bookmark it.")
            return None
        return self.toggle(entity)

    def toggle(self, entity_id: str) -> bool | None:
        ref = self.window.store.ref(entity_id)
        name = ref.name if ref is not None else entity_id
        now = self.reader.toggle_bookmark(entity_id, name)
        if now is not None:
            self.message.emit(f"Bookmarked {name}." if now else f"Bookmark on {name} removed.")
        self._on_page_shown(self.window.current_entity or "")
        return now

    @Slot()
    def refresh(self) -> None:
        """Read the bookmarks again (a change here or in another window)."""
        self._on_page_shown(self.window.current_entity or "")
        if self.view is not None and self.dock is not None and self.dock.isVisible():
            self.view.fill(self.reader.bookmarks(), self.window.icon_for_entity)

    # -- the menu ---------------------------------------------------------------------------

    @Slot()
    def fill_menu(self) -> None:
        for action in self.menu_entries:
            self.menu.removeAction(action)
            action.deleteLater()
        self.menu_entries = []
        items = self.reader.bookmarks()
        if items:
            self.menu_entries.append(self.menu.addSeparator())
            self._menu_items(self.menu, items, top=True)

    def _menu_items(self, menu: QMenu, items: tuple[BookmarkItem, ...], top: bool = False) -> None:
        for entry in items:
            if isinstance(entry, Folder):
                sub = QMenu(entry.title, menu)
                self._menu_items(sub, entry.children)
                action = menu.addMenu(sub)
            else:
                action = menu.addAction(entry.title)
                action.setData(entry.entity_id)
                icon = self.window.icon_for_entity(entry.entity_id)
                if icon is not None:
                    action.setIcon(icon)
                action.triggered.connect(lambda *_, e=entry.entity_id: self.window.show_entity(e))
            if top:
                self.menu_entries.append(action)
        if not items and not top:
            menu.addAction("(empty)").setEnabled(False)

    # -- the panel --------------------------------------------------------------------------

    def _build_panel(self) -> None:
        self.dock = QDockWidget("Bookmarks", self.window)
        self.dock.setObjectName("bookmarksDock")
        self.view = BookmarksView(self.dock)
        self.view.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.opened.connect(self.window.show_entity)
        self.view.openedInNewTab.connect(lambda e: self.window.tabs.open_in_new_tab(e))
        self.view.moved.connect(lambda item, folder, at: self.reader.move(item, None if folder < 0 else folder, at))
        self.view.renamed.connect(self._rename)
        self.view.removed.connect(self.remove)
        self.dock.setWidget(self.view)
        self.dock.visibilityChanged.connect(self._on_dock_visibility)
        self.window.addDockWidget(QtCore.Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)

    @Slot(bool)
    def set_panel_visible(self, visible: bool) -> None:
        if visible and self.dock is None:
            self._build_panel()
        if self.dock is not None:
            self.dock.setVisible(visible)
            if visible:
                self.refresh()
                assert self.view is not None
                self.view.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        if self.action_panel.isChecked() != visible:
            self.action_panel.setChecked(visible)

    @Slot(bool)
    def _on_dock_visibility(self, visible: bool) -> None:
        # Its own close button hides it: keep the menu's tick in step.
        if self.dock is not None and not self.dock.isVisible() and self.action_panel.isChecked():
            self.action_panel.setChecked(False)

    def _rename(self, item_id: int, title: str) -> None:
        if not self.reader.rename(item_id, title):
            self.refresh()  # the store refused: show what it keeps

    def remove(self, item_ids: list[int], ask: bool = True) -> None:
        assert self.view is not None
        for item_id in item_ids:
            item = self.view.find_item(item_id)
            if item is not None and BookmarksView.is_folder(item) and item.childCount() and ask:
                answer = QMessageBox.question(
                    self.window, "Delete folder", f"Delete the folder “{item.text(0)}” and everything in it?"
                )
                if answer != QMessageBox.StandardButton.Yes:
                    continue
            self.reader.remove(item_id)

    def new_folder(self, parent: int | None = None, title: str | None = None) -> int | None:
        if title is None:
            title, ok = QInputDialog.getText(self.window, "New folder", "Folder name:")
            if not ok or not title.strip():
                return None
        return self.reader.add_folder(title, parent)

    def _context_menu(self, pos: QPoint) -> None:
        assert self.view is not None
        item = self.view.itemAt(pos)
        menu = self.context_menu(item)
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def context_menu(self, item: QTreeWidgetItem | None) -> QMenu:
        """Open, Open in new tab, Copy link, Rename, Delete (for a bookmark); New folder (anywhere)."""
        assert self.view is not None
        view = self.view
        menu = QMenu(view)
        entity = BookmarksView.entity_of(item)
        if entity:
            menu.addAction("&Open", lambda: self.window.show_entity(entity))
            menu.addAction("Open in new &tab", lambda: self.window.tabs.open_in_new_tab(entity))
            menu.addAction("Copy &link", lambda: self.window.copy_link(entity))
            menu.addSeparator()
        if item is not None:
            menu.addAction("&Rename", lambda: view.editItem(item, 0))
            item_id = BookmarksView.item_id(item)
            menu.addAction("&Delete", lambda: self.remove([item_id]) if item_id is not None else None)
            menu.addSeparator()
        folder = BookmarksView.item_id(item) if BookmarksView.is_folder(item) else None
        menu.addAction("New &folder…", lambda: self.new_folder(folder))
        return menu

    # -- export and import --------------------------------------------------------------------

    @Slot()
    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export bookmarks", "bookmarks.json", JSON_FILTER)
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> bool:
        from desktop.ui.exports import save_text  # the export code loads when first used

        text = self.reader.export_bookmarks()
        if text is None:
            return False
        written, said = save_text(path, text, ".json")
        self.message.emit(said)
        return written

    @Slot()
    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Import bookmarks", "", JSON_FILTER)
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.message.emit(f"Could not read {path}: {exc.strerror or exc}")
            return False
        summary = self.reader.import_bookmarks(data)
        if summary is None:
            return False
        self.message.emit(
            f"Imported {summary.bookmarks_added} bookmark(s) and {summary.folders_added} folder(s)"
            + (f"; {summary.already_there} already bookmarked." if summary.already_there else ".")
        )
        return True


__all__ = ["Bookmark", "BookmarksControls", "BookmarksView"]

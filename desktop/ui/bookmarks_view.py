"""The bookmarks panel's tree (objectName `bookmarksView`): folders and bookmarks as the reader's store has
them, renamed in place, moved by dragging, deleted with Delete. Made with the panel, the first time it is
shown: the window's first paint has no use for it (bookmarks.py owns the panel and its actions)."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import QPoint, Signal, Slot
from PySide6.QtGui import QDropEvent, QFont, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QTreeWidgetItemIterator, QWidget

from desktop.core.reader_data import BookmarkItem, Folder
from desktop.models.roles import USER_ROLE

ITEM = USER_ROLE  # (item id, entity id or None for a folder)


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

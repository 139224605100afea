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
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu

from desktop.core.reader_data import Bookmark, BookmarkItem, Folder

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTreeWidgetItem

    from desktop.ui.bookmarks_view import BookmarksView
    from desktop.ui.main_window import MainWindow

JSON_FILTER = "Bookmarks (*.json)"
MENU_DEPTH = 16  # the Bookmarks menu shows folders as submenus this deep (the store allows no deeper)


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
        from desktop.ui.bookmarks_view import BookmarksView  # the panel's tree, made when it is first shown

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
            if item is not None and self.view.is_folder(item) and item.childCount() and ask:
                from PySide6.QtWidgets import QMessageBox  # dialogs load when first asked for

                answer = QMessageBox.question(
                    self.window, "Delete folder", f"Delete the folder “{item.text(0)}” and everything in it?"
                )
                if answer != QMessageBox.StandardButton.Yes:
                    continue
            self.reader.remove(item_id)

    def new_folder(self, parent: int | None = None, title: str | None = None) -> int | None:
        if title is None:
            from PySide6.QtWidgets import QInputDialog

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
        entity = view.entity_of(item)
        if entity:
            menu.addAction("&Open", lambda: self.window.show_entity(entity))
            menu.addAction("Open in new &tab", lambda: self.window.tabs.open_in_new_tab(entity))
            menu.addAction("Copy &link", lambda: self.window.copy_link(entity))
            menu.addSeparator()
        if item is not None:
            menu.addAction("&Rename", lambda: view.editItem(item, 0))
            item_id = view.item_id(item)
            menu.addAction("&Delete", lambda: self.remove([item_id]) if item_id is not None else None)
            menu.addSeparator()
        folder = view.item_id(item) if view.is_folder(item) else None
        menu.addAction("New &folder…", lambda: self.new_folder(folder))
        return menu

    # -- export and import --------------------------------------------------------------------

    @Slot()
    def choose_export(self) -> None:
        from PySide6.QtWidgets import QFileDialog

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
        from PySide6.QtWidgets import QFileDialog

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


__all__ = ["Bookmark", "BookmarksControls"]

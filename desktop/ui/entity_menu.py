"""The one context menu of an entity, wherever it is named: a link on the page, a tree row, a result.

Open, Open in new tab, Bookmark (or Remove bookmark), Copy link: the same four, in the same order,
everywhere, so that a reader learns them once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QWidget

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


def entity_menu(window: MainWindow, entity_id: str, parent: QWidget | None = None) -> QMenu:
    menu = QMenu(parent or window)
    menu.setObjectName("entityMenu")
    menu.addAction("&Open", lambda: window.show_entity(entity_id))
    menu.addAction("Open in new &tab", lambda: window.tabs.open_in_new_tab(entity_id))
    marked = window.reader.is_bookmarked(entity_id)
    bookmark = menu.addAction("Remove &bookmark" if marked else "&Bookmark", lambda: window.bookmarks.toggle(entity_id))
    bookmark.setEnabled(window.reader.writable)
    menu.addAction("Copy &link", lambda: window.copy_link(entity_id))
    return menu

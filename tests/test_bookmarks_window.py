"""Bookmarks in the window: Ctrl+D, the Bookmarks menu, the panel (folders, rename, drag, delete), JSON
export and import, and two windows on one reader's file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDockWidget, QMenu
from ui_support import bundled_args, open_window

from desktop.core.store import Store
from desktop.ui.bookmarks_view import BookmarksView
from desktop.ui.main_window import MainWindow

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot, bundled_store: Store) -> MainWindow:
    window = open_window(qtbot, bundled_args(bundled_store))
    window.resize(1280, 800)
    return window


def menu_entries(window: MainWindow) -> list[str]:
    menu = window.bookmarks.menu
    menu.aboutToShow.emit()
    return [a.text() for a in window.bookmarks.menu_entries if not a.isSeparator()]


def panel(qtbot, window: MainWindow) -> BookmarksView:
    qtbot.keyClick(window, Qt.Key.Key_B, CTRL | SHIFT)
    view = window.findChild(BookmarksView, "bookmarksView")
    assert view is not None and window.findChild(QDockWidget, "bookmarksDock").isVisible()
    return view


def rows(view: BookmarksView) -> list[tuple[int, str]]:
    """Every row top to bottom as (depth, text)."""
    out = []

    def walk(item, depth: int) -> None:
        for i in range(item.childCount()):
            child = item.child(i)
            out.append((depth, child.text(0)))
            walk(child, depth + 1)

    walk(view.invisibleRootItem(), 0)
    return out


def test_ctrl_d_bookmarks_the_page_and_the_menu_lists_it(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    assert not window.action_bookmark.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL)
    assert window.action_bookmark.isChecked() and window.reader.is_bookmarked("imet")
    assert "Bookmarked International Military Education and Training" in window.statusBar().currentMessage()
    window.show_entity("pakistan")
    assert not window.action_bookmark.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL)
    assert menu_entries(window) == ["International Military Education and Training", "Pakistan"]
    window.bookmarks.menu_entries[1].trigger()  # the first is the separator
    assert window.current_entity == "imet" and window.action_bookmark.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL)  # again: the bookmark goes
    assert not window.reader.is_bookmarked("imet") and menu_entries(window) == ["Pakistan"]
    window.show_home()
    assert not window.action_bookmark.isEnabled()  # Home is not an entity


def test_the_panel_shows_folders_and_renames_in_place(qtbot, window: MainWindow) -> None:
    for ident in ("imet", "pakistan"):
        window.show_entity(ident)
        window.bookmarks.toggle_current()
    folder = window.bookmarks.new_folder(title="Reading list")
    view = panel(qtbot, window)
    assert rows(view) == [(0, "International Military Education and Training"), (0, "Pakistan"), (0, "Reading list")]
    item = view.find_item(folder)
    item.setText(0, "To read")  # as an edit in place ends
    assert rows(view)[-1] == (0, "To read")
    assert window.reader.bookmarks()[-1].title == "To read"
    item = view.topLevelItem(1)
    item.setText(0, "   ")  # refused by the store: the panel shows what it keeps
    assert "empty" in window.statusBar().currentMessage().lower() or "title" in window.statusBar().currentMessage()
    assert view.topLevelItem(1).text(0) == "Pakistan"


def drop(view: BookmarksView, dragged_text: str, onto_text: str, where: str) -> None:
    """Drag the row `dragged_text` to the top, middle or bottom of the row `onto_text`."""
    dragged = view.findItems(dragged_text, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0]
    onto = view.findItems(onto_text, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0]
    view.setCurrentItem(dragged)
    rect = view.visualItemRect(onto)
    y = {"top": rect.top() + 1, "middle": rect.center().y(), "bottom": rect.bottom() - 1}[where]
    event = QDropEvent(
        QPointF(rect.center().x(), y),
        Qt.DropAction.MoveAction,
        QMimeData(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier(0),
    )
    view.dropEvent(event)


def test_dragging_reorders_and_moves_into_folders(qtbot, window: MainWindow) -> None:
    for ident in ("imet", "pakistan", "senegal"):
        window.show_entity(ident)
        window.bookmarks.toggle_current()
    window.bookmarks.new_folder(title="Countries")
    view = panel(qtbot, window)
    imet = "International Military Education and Training"
    drop(view, "Senegal", imet, "top")
    assert [t for _, t in rows(view)] == ["Senegal", imet, "Pakistan", "Countries"]
    drop(view, "Pakistan", "Countries", "middle")
    drop(view, "Senegal", "Countries", "middle")
    assert rows(view) == [(0, imet), (0, "Countries"), (1, "Pakistan"), (1, "Senegal")]
    drop(view, "Senegal", "Pakistan", "top")
    assert rows(view) == [(0, imet), (0, "Countries"), (1, "Senegal"), (1, "Pakistan")]
    drop(view, imet, "Pakistan", "bottom")  # out of the top level, below Pakistan
    assert rows(view) == [(0, "Countries"), (1, "Senegal"), (1, "Pakistan"), (1, imet)]


def test_delete_and_the_context_menu(qtbot, window: MainWindow, monkeypatch) -> None:
    for ident in ("imet", "pakistan"):
        window.show_entity(ident)
        window.bookmarks.toggle_current()
    view = panel(qtbot, window)
    view.setCurrentItem(view.topLevelItem(0))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [t for _, t in rows(view)] == ["Pakistan"]
    menu = window.bookmarks.context_menu(view.topLevelItem(0))
    assert isinstance(menu, QMenu)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["&Open", "Open in new &tab", "Copy &link", "&Rename", "&Delete", "New &folder…"]
    next(a for a in menu.actions() if a.text() == "Open in new &tab").trigger()
    assert window.tabs.count() == 2
    next(a for a in menu.actions() if a.text() == "Copy &link").trigger()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == "almanac://entity/pakistan"
    qtbot.mouseDClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(view.topLevelItem(0)).center()
    )
    assert window.current_entity == "pakistan"


def test_bookmarks_export_and_import_as_json(qtbot, window: MainWindow, tmp_path: Path) -> None:
    window.show_entity("imet")
    window.bookmarks.toggle_current()
    folder = window.bookmarks.new_folder(title="Countries")
    window.reader.add_bookmark("pakistan", "Pakistan", folder)
    out = tmp_path / "bookmarks.json"
    assert window.bookmarks.export_to(out)
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert "bookmarks" in json.dumps(exported).lower() or exported
    window.reader.remove(folder)
    assert window.bookmarks.import_from(out)
    assert "Imported 1 bookmark(s) and 1 folder(s); 1 already bookmarked." in window.statusBar().currentMessage()
    titles = [i.title for i in window.reader.bookmarks()]
    assert titles == ["International Military Education and Training", "Countries"]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert not window.bookmarks.import_from(bad)
    assert window.statusBar().currentMessage()  # one line saying why, and nothing added
    assert [i.title for i in window.reader.bookmarks()] == titles
    assert not window.bookmarks.import_from(tmp_path / "missing.json")
    assert "Could not read" in window.statusBar().currentMessage()


def test_two_windows_see_each_others_bookmarks(qtbot, bundled_store: Store) -> None:
    first = open_window(qtbot, bundled_args(bundled_store))
    second = open_window(qtbot, bundled_args(bundled_store))
    first.show_entity("imet")
    second.show_entity("imet")
    first.bookmarks.toggle_current()
    second.reader.look_for_changes()  # what its timer does every two seconds
    assert second.action_bookmark.isChecked()
    second.bookmarks.toggle_current()
    second.show_entity("pakistan")
    second.bookmarks.toggle_current()
    first.reader.look_for_changes()
    assert not first.action_bookmark.isChecked()
    assert [i.entity_id for i in first.reader.bookmarks()] == ["pakistan"]


def test_a_damaged_reader_file_is_set_aside_and_said(qtbot, bundled_store: Store, tmp_path: Path) -> None:
    from desktop.core.reader_data import default_path

    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    window = open_window(qtbot, bundled_args(bundled_store))
    assert window.reader.data is not None and window.reader.data.set_aside is not None
    assert window.reader.data.set_aside.read_bytes() == b"this is not a database" * 100  # kept, not overwritten
    assert "damaged" in window.statusBar().currentMessage().lower()
    window.show_entity("imet")
    window.bookmarks.toggle_current()
    assert window.reader.is_bookmarked("imet")  # the fresh file works


def test_no_reader_file_at_all_is_a_message_not_a_failure(qtbot, bundled_store: Store, monkeypatch, tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    monkeypatch.setenv("ALMANAC_DATA_DIR", str(blocker))
    window = open_window(qtbot, bundled_args(bundled_store))
    assert window.reader.data is None
    assert "Bookmarks, notes and history are off" in window.statusBar().currentMessage()
    window.show_entity("imet")
    assert not window.action_bookmark.isEnabled()
    assert window.bookmarks.toggle("imet") is None


def test_the_pages_star_shows_and_toggles_the_bookmark(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    html = window.detail.toHtml()
    assert "bookmark:imet" in html and "☆" in window.detail.toPlainText()
    window.detail.anchorClicked.emit(QUrl("bookmark:imet"))  # as a click on the star does
    assert window.reader.is_bookmarked("imet") and window.action_bookmark.isChecked()
    qtbot.waitUntil(lambda: "★" in window.detail.toPlainText())  # drawn again once the change is done
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL)  # the key and the star are one switch
    qtbot.waitUntil(lambda: "☆" in window.detail.toPlainText())
    assert not window.reader.is_bookmarked("imet")


def test_home_lists_the_bookmarks(qtbot, window: MainWindow) -> None:
    for ident in ("pakistan", "imet"):
        window.show_entity(ident)
        window.bookmarks.toggle_current()
    window.show_home()
    text = window.detail.toPlainText()
    assert "Bookmarks" in text
    assert text.index("Pakistan", text.index("Bookmarks")) < text.index(
        "International Military Education and Training", text.index("Bookmarks")
    )

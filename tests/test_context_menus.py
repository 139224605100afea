"""Context menus on tree rows, results and links: Open, Open in new tab, Bookmark, Copy link."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from ui_support import bundled_args, link_pos, open_window

from desktop.core.store import Store
from desktop.ui.main_window import MainWindow

ITEMS = ["&Open", "Open in new &tab", "&Bookmark", "Copy &link"]
# The offscreen platform cannot raise a popup or give it the keyboard; the menu works all the same.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


def right_click(window: MainWindow, view, at: QPoint, select_first: bool = True) -> None:
    """A right click as the platform delivers it, through the window (a left click first, as a hand
    selects the row: offscreen, a synthetic right click alone right after a menu closed opens none)."""
    QApplication.processEvents()
    where = view.viewport().mapTo(window, at)
    if select_first:
        QTest.mouseClick(window.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, where)


@pytest.fixture
def window(qtbot, bundled_store: Store) -> MainWindow:
    window = open_window(qtbot, bundled_args(bundled_store))
    window.resize(1280, 800)
    return window


def texts(window: MainWindow) -> list[str]:
    assert window.last_menu is not None
    return [a.text() for a in window.last_menu.actions() if not a.isSeparator()]


def act(window: MainWindow, text: str) -> None:
    assert window.last_menu is not None
    next(a for a in window.last_menu.actions() if a.text() == text).trigger()
    window.last_menu.close()


def test_a_tree_rows_menu(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    tree = window.navigator
    index = window.nav_model.index_for_id("pakistan")
    tree.scrollTo(index)
    right_click(window, tree, tree.visualRect(index).center())
    assert texts(window) == ITEMS and window.last_menu.isVisible()
    shown = window.current_entity  # the left click before it showed the row, as a hand's would
    act(window, "Open in new &tab")
    assert window.tabs.count() == 2 and window.current_entity == shown  # behind the page on show
    assert window.tabs.target(1) == "pakistan"
    tree.customContextMenuRequested.emit(tree.visualRect(index).center())
    act(window, "&Bookmark")
    assert window.reader.is_bookmarked("pakistan")
    tree.customContextMenuRequested.emit(tree.visualRect(index).center())
    assert "Remove &bookmark" in texts(window)
    act(window, "Copy &link")
    assert QGuiApplication.clipboard().text() == "almanac://entity/pakistan"
    tree.customContextMenuRequested.emit(tree.visualRect(index).center())
    act(window, "&Open")
    assert window.current_entity == "pakistan"


def test_a_results_menu(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        window.search_box.setText("senegal")
    results = window.results
    right_click(window, results, results.visualRect(window.results_model.index(0, 0)).center())
    assert texts(window) == ITEMS and window.last_menu.isVisible()
    act(window, "&Open")
    assert window.current_entity == window.results_model.hit(0).id


def test_a_group_row_has_no_entity_menu(qtbot, window: MainWindow) -> None:
    tree = window.navigator
    group = window.nav_model.index(0, 0)
    window.last_menu = None
    tree.customContextMenuRequested.emit(tree.visualRect(group).center())
    assert window.last_menu is None


def test_a_links_menu_on_the_page(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    view = window.detail
    right_click(window, view, link_pos(view, "Bureau of Political-Military Affairs"), select_first=False)
    assert texts(window) == ITEMS
    act(window, "Open in new &tab")
    assert window.tabs.target(1) == "bureau-of-political-military-affairs"

"""Keyboard use of the main window, its menus, dialogs, and the names assistive tools see."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QTableWidget, QTextBrowser, QWidget
from ui_support import bundled_args, open_window

from desktop.core.store import Store
from desktop.ui.detail_view import ZOOM_MAX, ZOOM_MIN
from desktop.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot, bundled_store: Store) -> MainWindow:
    return open_window(qtbot, bundled_args(bundled_store))


def focused() -> QWidget | None:
    return QApplication.focusWidget()


@pytest.mark.parametrize("key", [Qt.Key.Key_K, Qt.Key.Key_L])
def test_ctrl_k_and_ctrl_l_focus_the_search_box_with_its_text_selected(qtbot, window: MainWindow, key) -> None:
    assert {k.toString() for k in window.action_search.shortcuts()} == {"Ctrl+K", "Ctrl+L"}
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        window.search_box.setText("imet")
    window.detail.setFocus()
    assert focused() is window.detail
    qtbot.keyClick(window, key, CTRL)
    assert focused() is window.search_box
    assert window.search_box.selectedText() == "imet"
    # Typing now replaces the query.
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == "f", timeout=5000):
        qtbot.keyClick(window.search_box, "f")
    assert window.search_box.text() == "f"


def test_f6_cycles_search_navigator_detail(qtbot, window: MainWindow) -> None:
    window.search_box.setFocus()
    order = []
    for _ in range(4):
        qtbot.keyClick(focused(), Qt.Key.Key_F6)
        order.append(focused().objectName())
    assert order == ["navigator", "detailView", "searchBox", "navigator"]
    qtbot.keyClick(focused(), Qt.Key.Key_F6, SHIFT)
    assert focused() is window.search_box
    # While results are shown they take the navigator's place.
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        window.search_box.setText("imet")
    order = []
    for _ in range(3):
        qtbot.keyClick(focused(), Qt.Key.Key_F6)
        order.append(focused().objectName())
    assert order == ["searchResults", "detailView", "searchBox"]
    assert window.search_box.selectedText() == "imet"


def test_down_from_an_empty_box_goes_to_the_tree(qtbot, window: MainWindow) -> None:
    window.search_box.setFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert focused() is window.navigator


def test_find_in_page(qtbot, window: MainWindow) -> None:
    window.show_entity("defense-security-cooperation-agency")
    text = window.detail.toPlainText()
    starts = []
    at = text.find("Defense")
    while at >= 0:
        starts.append(at)
        at = text.find("Defense", at + 1)
    assert len(starts) >= 3
    bar = window.find_bar
    assert not bar.isVisible()

    window.detail.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert bar.isVisible()
    assert focused() is bar.field

    def selection() -> tuple[int, str]:
        cursor = window.detail.textCursor()
        return cursor.selectionStart(), cursor.selectedText()

    qtbot.keyClicks(bar.field, "Defense")
    assert selection() == (starts[0], "Defense")  # found while typing
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert selection() == (starts[1], "Defense")
    qtbot.keyClick(bar.field, Qt.Key.Key_F3)
    assert selection() == (starts[2], "Defense")
    qtbot.keyClick(bar.field, Qt.Key.Key_F3, SHIFT)
    assert selection() == (starts[1], "Defense")
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, SHIFT)
    assert selection() == (starts[0], "Defense")
    assert bar.find_previous()  # wraps around to the last match
    assert selection() == (starts[-1], "Defense")
    assert bar.find_next()  # and back to the first
    assert selection() == (starts[0], "Defense")

    bar.field.clear()
    qtbot.keyClicks(bar.field, "qqqzzz")
    assert bar.status.text() == "Not found"

    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert focused() is window.detail
    # Ctrl+F again selects what was typed, ready to be replaced.
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert bar.isVisible() and bar.field.selectedText() == "qqqzzz"


def test_zoom_keys(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    size = window.detail.font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_Equal, CTRL)
    assert window.detail.zoom == 1
    assert window.detail.font().pointSizeF() > size
    qtbot.keyClick(window, Qt.Key.Key_Plus, CTRL)
    assert window.detail.zoom == 2
    qtbot.keyClick(window, Qt.Key.Key_Minus, CTRL)
    assert window.detail.zoom == 1
    qtbot.keyClick(window, Qt.Key.Key_0, CTRL)
    assert window.detail.zoom == 0
    assert window.detail.font().pointSizeF() == size
    window.action_zoom_out.trigger()
    assert window.detail.zoom == -1
    assert window.detail.font().pointSizeF() < size
    assert window.settings.zoom == -1
    for _ in range(30):
        window.action_zoom_in.trigger()
    assert window.detail.zoom == ZOOM_MAX
    for _ in range(30):
        window.action_zoom_out.trigger()
    assert window.detail.zoom == ZOOM_MIN


def test_copy_citation(qtbot, window: MainWindow, bundled_store: Store) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("before")
    qtbot.keyClick(window, Qt.Key.Key_C, CTRL | SHIFT)  # on the home page: nothing to cite
    assert clipboard.text() == "before"
    assert "Open an entity" in window.statusBar().currentMessage()

    window.show_entity("imet")
    qtbot.keyClick(window, Qt.Key.Key_C, CTRL | SHIFT)
    text = clipboard.text()
    page = bundled_store.page("imet")
    assert text.startswith(page.name)
    assert page.sources
    for source in page.sources:
        assert source.title in text
        assert source.url in text
    assert "CC BY-SA 4.0" in text


def test_copy_without_a_selection_copies_the_entity_name(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    window.detail.setFocus()
    QGuiApplication.clipboard().setText("before")
    qtbot.keyClick(window.detail, Qt.Key.Key_C, CTRL)
    assert QGuiApplication.clipboard().text() == "International Military Education and Training"


def test_keyboard_shortcuts_dialog(qtbot, window: MainWindow) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert window.action_shortcuts in help_menu.actions()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.findChild(QWidget, "shortcutsDialog")
    assert dialog is not None and dialog.isVisible()
    table = dialog.findChild(QTableWidget, "shortcutsTable")
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows["Search"] == "Ctrl+K, Ctrl+L"
    assert rows["Back"] == "Alt+Left"
    assert rows["Forward"] == "Alt+Right"
    assert rows["Home"] == "Alt+Home"
    assert rows["Find in page"] == "Ctrl+F"
    assert rows["Copy citation"] == "Ctrl+Shift+C"
    assert rows["Zoom in"] == "Ctrl+=, Ctrl++"
    assert rows["Zoom out"] == "Ctrl+-"
    assert rows["Actual size"] == "Ctrl+0"
    assert rows["Export as PDF"] == "Ctrl+Shift+E"
    assert any(keys.startswith("F6") for keys in rows.values())
    assert any(keys == "Esc" for keys in rows.values())


def test_menus(window: MainWindow) -> None:
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    assert list(menus) == ["&File", "&Edit", "&View", "&Go", "&Bookmarks", "&Help"]

    def texts(menu: QMenu) -> list[str]:
        return [a.text() for a in menu.actions() if not a.isSeparator()]

    assert texts(menus["&File"]) == [
        "&New tab", "&Close tab", "&Reopen closed tab",
        "&Add data folder…", "&Data folders…", "&Import official figures…", "&Print…", "&Export as PDF…",
        "Export &timeline as PNG or SVG…", "Export figures &chart as PNG or SVG…", "Export figures table as C&SV…",
        "Export &notes as Markdown…", "&Quit",
    ]  # fmt: skip
    assert texts(menus["&Edit"]) == ["&Copy", "Copy ci&tation", "&Find in page…"]
    assert texts(menus["&View"]) == [
        "Zoom &in",
        "Zoom &out",
        "&Actual size",
        "Time&line",
        "Official &figures",
        "&Problems",
        "&Notes",
        "&Sources",
        "&Theme",
    ]
    theme_menu = next(a.menu() for a in menus["&View"].actions() if a.text() == "&Theme")
    assert texts(theme_menu) == ["System", "Light", "Dark"]
    assert texts(menus["&Go"]) == ["&Back", "&Forward", "&Home", "&Next tab", "&Previous tab", "&Search", "&History"]
    assert texts(menus["&Help"]) == ["&Keyboard shortcuts", "&Sources and licence", "&About"]


def test_sources_dialog_lists_sources_with_their_licence(window: MainWindow, bundled_store: Store) -> None:
    dialog = window.dialogs.show_sources()
    text = dialog.findChild(QTextBrowser).toPlainText()
    for source in bundled_store.sources().values():
        assert source.title in text and source.url in text
    assert "CC BY-SA 4.0" in text
    dialog.close()


def test_names_for_tests_and_assistive_tools(window: MainWindow) -> None:
    assert window.objectName() == "mainWindow"
    assert window.accessibleName()
    for name in ("searchBox", "navigator", "searchResults", "detailView", "searchStatus", "problemsButton"):
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        if name != "searchStatus":
            assert widget.accessibleName(), name
    assert window.findChild(QWidget, "searchBox") is window.search_box
    assert window.findChild(QWidget, "detailView") is window.detail
    for name in ("actionBack", "actionForward", "actionHome"):
        action = window.findChild(QAction, name)
        assert action is not None, name
        # Actions have no accessible name: the toolbar buttons showing them carry it.
        toolbar = window.findChild(QWidget, "navigationToolbar")
        button = toolbar.widgetForAction(action)
        assert button.accessibleName() == action.text().replace("&", "")
    window.find_bar.open_bar()  # the find bar is made when first opened (Ctrl+F), named from then on
    for name in ("findField",):
        assert window.findChild(QWidget, name).accessibleName()


def test_every_menu_action_is_reachable_from_the_keyboard(window: MainWindow) -> None:
    for top in window.menuBar().actions():
        assert "&" in top.text(), top.text()  # Alt+letter opens the menu
        for action in top.menu().actions():
            if action.isSeparator() or action.menu():
                continue
            keyed = "&" in action.text() or not action.shortcut().isEmpty() or action.actionGroup() is not None
            assert keyed, action.text()


def test_shortcut_keys_are_platform_sequences(window: MainWindow) -> None:
    assert window.action_find.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert window.action_copy.shortcut() == QKeySequence(QKeySequence.StandardKey.Copy)

"""Tabs, by a browser's conventions: keys, background tabs from links, rows and results, a history per
tab, a closed tab brought back, and the open tabs kept for the next run."""

from __future__ import annotations

import pytest
import ui_support
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget
from ui_support import bundled_args, open_window

from desktop.core.store import Store
from desktop.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
MIDDLE, LEFT = Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton


@pytest.fixture
def window(qtbot, bundled_store: Store) -> MainWindow:
    window = open_window(qtbot, bundled_args(bundled_store))
    window.resize(1280, 800)
    return window


def shown(window: MainWindow) -> list[str | None]:
    tabs = window.tabs
    return [tabs.target(i) for i in range(tabs.count())]


def link_pos(window: MainWindow, text: str) -> QPoint:
    return ui_support.link_pos(window.detail, text)


def test_the_tab_widget_is_named_and_starts_with_one_tab(window: MainWindow) -> None:
    tabs = window.findChild(QTabWidget, "tabs")
    assert tabs is window.tabs and tabs.count() == 1
    assert not tabs.tabBar().isVisible()  # one tab: no bar


def test_ctrl_t_ctrl_w_and_moving_between_tabs(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL)
    assert window.tabs.count() == 2 and window.tabs.currentIndex() == 1
    assert window.current_entity is None  # a new tab opens on Home
    assert window.tabs.tabBar().isVisible()
    window.show_entity("pakistan")
    assert window.windowTitle().startswith("Pakistan")
    qtbot.keyClick(window, Qt.Key.Key_Tab, CTRL)
    assert window.current_entity == "imet" and window.windowTitle().startswith("International Military")
    qtbot.keyClick(window, Qt.Key.Key_Backtab, CTRL | SHIFT)
    assert window.current_entity == "pakistan"
    qtbot.keyClick(window, Qt.Key.Key_PageDown, CTRL)
    assert window.current_entity == "imet"
    assert [window.tabs.tabText(i) for i in range(2)] == ["International Military Educ…", "Pakistan"]
    assert window.tabs.tabToolTip(0) == "International Military Education and Training"
    qtbot.keyClick(window, Qt.Key.Key_W, CTRL)
    assert shown(window) == ["pakistan"]
    qtbot.keyClick(window, Qt.Key.Key_W, CTRL)  # the last tab is not closed: it goes Home
    assert window.tabs.count() == 1 and window.current_entity is None


def test_ctrl_shift_t_reopens_a_closed_tab_with_its_history(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    window.tabs.open_new_tab()
    window.show_entity("pakistan")
    window.show_entity("senegal")
    window.tabs.close_tab()
    assert shown(window) == ["imet"]
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL | SHIFT)
    assert shown(window) == ["imet", "senegal"] and window.current_entity == "senegal"
    window.go_back()
    assert window.current_entity == "pakistan"
    assert not window.tabs.reopen_closed_tab()  # nothing more to bring back


def test_each_tab_has_its_own_history(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    window.show_entity("pakistan")
    window.tabs.open_new_tab()
    window.show_entity("senegal")
    assert window.action_back.isEnabled()  # Home, then Senegal, in this tab
    window.go_back()
    assert window.current_entity is None
    assert not window.action_back.isEnabled()
    window.tabs.next_tab()
    assert window.current_entity == "pakistan" and window.action_back.isEnabled()
    window.go_back()
    assert window.current_entity == "imet"


def test_a_middle_click_or_ctrl_click_on_a_link_opens_a_background_tab(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    viewport = window.detail.viewport()
    qtbot.mouseClick(viewport, MIDDLE, pos=link_pos(window, "Security assistance"))
    assert shown(window) == ["imet", "security-assistance"]
    assert window.current_entity == "imet"  # behind the page being read
    qtbot.mouseClick(viewport, LEFT, CTRL, pos=link_pos(window, "Bureau of Political-Military Affairs"))
    assert window.tabs.count() == 3 and window.current_entity == "imet"
    assert "bureau-of-political-military-affairs" in shown(window)
    qtbot.mouseClick(viewport, LEFT, pos=link_pos(window, "Security assistance"))  # a plain click: this tab
    assert window.tabs.count() == 3 and window.current_entity == "security-assistance"


def test_rows_and_results_open_in_background_tabs(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    tree = window.navigator
    index = window.nav_model.index_for_id("pakistan")
    tree.scrollTo(index)
    qtbot.mouseClick(tree.viewport(), MIDDLE, pos=tree.visualRect(index).center())
    assert shown(window) == ["imet", "pakistan"] and window.current_entity == "imet"
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        window.search_box.setText("senegal")
    results = window.results
    qtbot.mouseClick(results.viewport(), LEFT, CTRL, pos=results.visualRect(window.results_model.index(0, 0)).center())
    assert window.tabs.count() == 3 and window.current_entity == "imet"
    # Ctrl+Enter on a result: a new tab, shown at once.
    results.setFocus()
    results.setCurrentIndex(window.results_model.index(0, 0))
    qtbot.keyClick(results, Qt.Key.Key_Return, CTRL)
    assert window.tabs.count() == 4 and window.current_entity == window.results_model.hit(0).id


def test_the_as_of_date_and_zoom_hold_in_every_tab(qtbot, window: MainWindow) -> None:
    from desktop.core.dates import parse_date

    window.show_entity("imet")
    window.tabs.open_in_new_tab("pakistan")
    window.set_as_of(parse_date("1995"))
    window.set_zoom(2)
    window.tabs.next_tab()
    assert window.current_entity == "pakistan"
    assert window.pages.as_of == parse_date("1995") and "as of 1995" in window.detail.toPlainText()
    assert window.detail.zoom == 2


def test_the_find_bar_searches_the_tab_on_show(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    window.tabs.open_in_new_tab("pakistan", background=False)
    window.find_bar.open_bar()
    qtbot.keyClicks(window.find_bar.field, "Pakistan")
    pakistan_page = len(window.find_bar.matches)
    window.tabs.next_tab()
    assert window.current_entity == "imet"
    assert len(window.find_bar.matches) != pakistan_page or window.find_bar.current == -1
    assert window.find_bar.matches[0][0] == window.detail.document().find("Pakistan").selectionStart()


def test_open_tabs_come_back_on_the_next_start(qtbot, bundled_store: Store) -> None:
    first = open_window(qtbot, bundled_args(bundled_store))
    first.show_entity("imet")
    first.tabs.open_in_new_tab("pakistan", background=False)
    first.show_entity("senegal")
    first.tabs.open_new_tab()
    first.tabs.setCurrentIndex(1)
    first.close()

    second = open_window(qtbot, bundled_args(bundled_store))
    assert shown(second) == ["imet", "senegal", None] and second.current_entity == "senegal"
    assert [second.tabs.tabText(i) for i in range(3)] == ["International Military Educ…", "Senegal", "Home"]
    second.go_back()
    assert second.current_entity == "pakistan"  # its history came back too
    second.close()


def test_tabs_survive_a_crash(qtbot, bundled_store: Store) -> None:
    """Written a moment after they change, not only when the window closes."""
    first = open_window(qtbot, bundled_args(bundled_store))
    first.show_entity("imet")
    first.tabs.open_in_new_tab("pakistan")
    qtbot.waitUntil(lambda: len(first.reader.tabs()[0]) == 2, timeout=3000)
    saved, current = first.reader.tabs()
    assert [pages[position] for pages, position in saved] == ["imet", "pakistan"] and current == 0
    first.hide()  # as if it died: no closeEvent saves anything


def test_an_id_on_the_command_line_opens_beside_the_saved_tabs(qtbot, bundled_store: Store) -> None:
    from desktop.app import build_main_window

    first = open_window(qtbot, bundled_args(bundled_store))
    first.show_entity("imet")
    first.close()
    second = build_main_window(["open", "pakistan", *bundled_args(bundled_store)])
    qtbot.addWidget(second)
    assert shown(second) == ["imet", "pakistan"] and second.current_entity == "pakistan"
    assert QApplication.instance() is not None


# -- history ------------------------------------------------------------------------------------------


def test_back_and_forward_drop_down_the_pages_they_lead_to(qtbot, window: MainWindow) -> None:
    for ident in ("imet", "pakistan", "senegal"):
        window.show_entity(ident)
    menus = window.history_menus
    menus.back_menu.aboutToShow.emit()
    assert [a.text() for a in menus.back_menu.actions()] == [
        "Pakistan", "International Military Education and Training", "Home",
    ]  # fmt: skip
    menus.back_menu.actions()[1].trigger()  # two steps back at once
    assert window.current_entity == "imet"
    menus.forward_menu.aboutToShow.emit()
    assert [a.text() for a in menus.forward_menu.actions()] == ["Pakistan", "Senegal"]
    menus.forward_menu.actions()[1].trigger()
    assert window.current_entity == "senegal" and not window.action_forward.isEnabled()
    toolbar = window.findChild(QWidget, "navigationToolbar")
    assert toolbar.widgetForAction(window.action_back).menu() is menus.back_menu


def test_home_is_recorded(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    window.action_home.trigger()
    window.show_entity("pakistan")
    window.go_back()
    assert window.current_entity is None  # Home, not skipped
    window.go_back()
    assert window.current_entity == "imet"


def test_go_history_lists_pages_across_runs_and_can_be_cleared(qtbot, bundled_store: Store) -> None:
    first = open_window(qtbot, bundled_args(bundled_store))
    first.show_entity("imet")
    first.show_entity("pakistan")
    first.close()
    second = open_window(qtbot, bundled_args(bundled_store))
    menu = second.history_menus.history_menu
    menu.aboutToShow.emit()
    titles = [a.text().split("    ")[0] for a in menu.actions() if not a.isSeparator()]
    assert titles[:2] == ["Pakistan", "International Military Education and Training"]
    assert titles[-1] == "&Clear history…"
    imet = next(a for a in menu.actions() if a.data() == "imet")
    imet.trigger()
    assert second.current_entity == "imet"
    assert second.history_menus.clear_history(ask=False)
    assert second.reader.history() == []
    menu.aboutToShow.emit()
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == ["No pages viewed yet", "&Clear history…"]
    second.close()


def test_background_tabs_opened_from_one_page_keep_their_order(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    for ident in ("pakistan", "senegal", "slovenia"):
        window.tabs.open_in_new_tab(ident)
    assert shown(window) == ["imet", "pakistan", "senegal", "slovenia"]
    window.tabs.setCurrentIndex(2)  # from another page, a new run starts beside it
    window.tabs.open_in_new_tab("imet")
    assert shown(window) == ["imet", "pakistan", "senegal", "imet", "slovenia"]

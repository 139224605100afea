"""The page in the window: note marks open the Sources pane, Home's kinds open the navigator, a random
entity, and the hooks through which the reader's note and bookmark reach the page (offscreen)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDockWidget, QListWidget, QPushButton, QTextBrowser
from ui_support import bundled_args, open_window

from desktop.app import build_main_window
from desktop.core.store import Store
from desktop.core.views import EntityRef
from desktop.models.roles import Role
from desktop.ui.main_window import MainWindow

IMET = "international-military-education-and-training"


@pytest.fixture
def window(qtbot, bundled_store: Store) -> MainWindow:
    return open_window(qtbot, bundled_args(bundled_store))


@pytest.fixture
def stub_window(qtbot, bundled_store: Store) -> tuple[MainWindow, list[QUrl]]:
    opened: list[QUrl] = []
    window = build_main_window(bundled_args(bundled_store), open_url=opened.append)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
    return window, opened


def sources_parts(window: MainWindow) -> tuple[QDockWidget, QListWidget, QTextBrowser, QPushButton]:
    dock = window.findChild(QDockWidget, "sourcesDock")
    return (
        dock,
        dock.findChild(QListWidget, "sourcesView"),
        dock.findChild(QTextBrowser, "sourcesDetails"),
        dock.findChild(QPushButton, "sourcesOpen"),
    )


def test_a_note_mark_opens_the_sources_pane_at_its_source_and_paragraph(stub_window, bundled_store: Store) -> None:
    window, opened = stub_window
    window.show_entity("pakistan")
    dock, view, details, button = sources_parts(window)
    assert not dock.isVisible() and view.count() == len(bundled_store.sources())
    window.detail.anchorClicked.emit(QUrl(f"cite:{IMET}?%C2%B611"))
    assert dock.isVisible() and window.action_sources_pane.isChecked()
    source = bundled_store.sources()[IMET]
    assert view.currentItem().text() == source.title
    text = details.toPlainText()
    for shown in (source.title, source.publisher, source.license, source.url, "Cited at", "¶11", "Date"):
        assert shown in text, shown
    assert window.current_entity == "pakistan" and opened == []  # the page stays; nothing opened yet
    button.click()
    assert opened == [QUrl(source.url)]


def test_the_sources_pane_from_the_view_menu(qtbot, stub_window, bundled_store: Store) -> None:
    window, opened = stub_window
    dock, view, details, button = sources_parts(window)
    action = window.findChild(QAction, "actionSourcesPane")
    assert action is window.action_sources_pane and "Ctrl+Shift+S" in [k.toString() for k in action.shortcuts()]
    action.trigger()
    assert dock.isVisible()
    assert not button.isEnabled() and "Pick a source" in details.toPlainText()  # nothing picked yet
    # A source without a web address (a statute) cannot be opened; one with one can.
    titles = {s.title: s for s in bundled_store.sources().values()}
    for row in range(view.count()):
        source = titles[view.item(row).text()]
        view.setCurrentRow(row)
        assert button.isEnabled() == source.url.startswith(("http://", "https://")), source.id
        assert "Cited at" not in details.toPlainText()  # picked from the list, not from a page
    dock.close()  # its own close button
    assert not action.isChecked()
    assert opened == []


def test_every_tab_sends_its_note_marks_to_the_pane(window: MainWindow, bundled_store: Store) -> None:
    second = window.tabs.open_in_new_tab("imet", background=False)
    second.view.anchorClicked.emit(QUrl(f"cite:{IMET}?%C2%B62"))
    dock, view, details, _button = sources_parts(window)
    assert dock.isVisible() and "¶2" in details.toPlainText()
    assert view.currentItem().text() == bundled_store.sources()[IMET].title


def test_a_kind_on_home_opens_its_group_in_the_navigator(qtbot, window: MainWindow) -> None:
    window.show_home()
    window.search_box.setText("pakistan")
    qtbot.waitUntil(window.search.showing_results)
    window.detail.anchorClicked.emit(QUrl("kind:armed-force"))
    assert not window.search.showing_results() and window.search_box.text() == ""
    current = window.navigator.currentIndex()
    assert current.data(Role.KIND) == "armed-force" and current.data(Role.ENTITY_ID) is None
    assert window.navigator.isExpanded(current)
    assert window.nav_model.rowCount(current) == window.store.level_size("armed-force") > 0
    assert QApplication.focusWidget() is window.navigator
    assert window.current_entity is None  # Home stays on show
    window.detail.anchorClicked.emit(QUrl("kind:no-such-kind"))  # nothing to open: nothing moves
    assert window.navigator.currentIndex() == current


def test_search_on_home_goes_to_the_search_box(window: MainWindow) -> None:
    window.show_home()
    window.detail.setFocus()
    window.detail.anchorClicked.emit(QUrl("search:"))
    assert QApplication.focusWidget() is window.search_box


def test_a_random_entity_from_home(window: MainWindow, bundled_store: Store) -> None:
    window.show_home()
    seen = set()
    for _ in range(6):
        window.detail.anchorClicked.emit(QUrl("random:"))
        assert window.current_entity is not None and bundled_store.ref(window.current_entity)
        seen.add(window.current_entity)
        window.go_back()
        assert window.current_entity is None  # each was a visit: back is Home
    assert len(seen) > 1


def test_the_readers_note_and_bookmark_reach_the_page_through_the_controllers_hooks(window: MainWindow) -> None:
    pages = window.pages
    # The window gives its pages the reader's own data: nothing noted or bookmarked yet.
    assert pages.note_for("imet") == "" and pages.is_bookmarked("imet") is False and list(pages.home_bookmarks()) == []
    window.show_entity("imet")
    assert "Your note" not in window.detail.toPlainText() and "☆" in window.detail.toPlainText()
    marked = {"imet"}
    pages.note_for = lambda ident: "Ask about\nthe 1976 act" if ident == "imet" else ""
    pages.is_bookmarked = lambda ident: ident in marked
    pages.home_bookmarks = lambda: [EntityRef("pakistan", "country", "Pakistan")]
    pages.rerender()
    text = window.detail.toPlainText()
    assert text.startswith("International Military Education and Training ★")
    assert "Your note\nAsk about\u2028the 1976 act" in text or "Ask about\nthe 1976 act" in text
    toggled: list[str] = []
    window.tabs.bookmarkToggled.connect(toggled.append)
    window.detail.anchorClicked.emit(QUrl("bookmark:imet"))
    assert toggled == ["imet"]
    window.show_entity("pakistan")
    assert window.detail.toPlainText().startswith("Pakistan ☆")
    window.show_home()
    home = window.detail.toPlainText()
    assert "Bookmarks" in home and home.index("Bookmarks") < home.index("Pakistan")


def test_the_list_of_sections_moves_the_page_not_the_history(qtbot, window: MainWindow) -> None:
    window.resize(1000, 500)
    window.show_entity("imet")
    bar = window.detail.verticalScrollBar()
    window.detail.anchorClicked.emit(QUrl("#referenced-by"))
    assert bar.value() > 0 and window.current_entity == "imet" and not window.history.can_forward()
    assert window.status.counts_label.text()  # no "Link not opened" in place of the counts
    assert "Link not opened" not in window.statusBar().currentMessage()


def test_the_page_column_in_the_window_at_1920(qtbot, bundled_store: Store, tmp_path: Path) -> None:
    window = open_window(qtbot, bundled_args(bundled_store))
    window.resize(1920, 1080)
    window.show_entity("imet")
    qtbot.waitUntil(lambda: window.detail.viewportMargins().left() > 100)
    view = window.detail
    assert view.viewport().width() <= view.column_width() + view.verticalScrollBar().sizeHint().width()
    assert view.viewport().geometry().center().x() == pytest.approx(view.width() / 2, abs=20)
    assert Qt.ScrollBarPolicy.ScrollBarAsNeeded == view.verticalScrollBarPolicy()


def test_the_sources_pane_shows_markup_in_a_source_as_text(qtbot) -> None:
    from types import SimpleNamespace

    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QMainWindow

    from desktop.core.views import SourceInfo
    from desktop.ui.sources_pane import SourcesPane

    evil = '<img src="file:///etc/passwd"><a href="javascript:x">y</a>'
    source = SourceInfo("evil", f"Title {evil}", f"Publisher {evil}", "javascript:alert(1)", f"Licence {evil}")

    class Session(QObject):  # what the pane asks of a store session: the store's sources, and their changes
        storeChanged = Signal(object)
        store = SimpleNamespace(sources=lambda: {"evil": source})

    opened: list[QUrl] = []
    window = QMainWindow()
    qtbot.addWidget(window)
    pane = SourcesPane(window, Session(), opened.append)
    pane.show_source("evil", f"¶1 {evil}")
    item = pane.view.item(0)
    assert item.text() == source.title  # an item's text is never markup
    assert "<img" not in item.toolTip() and "&lt;img" in item.toolTip()
    details = pane.details.toHtml()
    assert "<img" not in details and 'href="javascript' not in details
    for shown in (source.title, source.publisher, source.license, f"¶1 {evil}"):
        assert shown in pane.details.toPlainText()
    assert not pane.open_button.isEnabled() and pane.open_current() is False and opened == []

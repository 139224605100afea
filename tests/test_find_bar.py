"""Find in page: "N of M", every match highlighted, a case-sensitive toggle, the match scrolled to the middle."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from ui_support import bundled_args, open_window

from desktop.core.store import Store
from desktop.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
PAGE = "imet"


@pytest.fixture
def window(qtbot, bundled_store: Store) -> MainWindow:
    window = open_window(qtbot, bundled_args(bundled_store))
    window.resize(1000, 600)
    return window


def open_find(qtbot, window: MainWindow, words: str) -> None:
    window.detail.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.find_bar.field, words)


def starts(text: str, words: str, case: bool) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(words), text, 0 if case else re.IGNORECASE)]


def test_the_bar_counts_and_highlights_every_match(qtbot, window: MainWindow) -> None:
    window.show_entity(PAGE)
    text = window.detail.toPlainText()
    expected = starts(text, "pakistan", case=False)
    assert len(expected) >= 3
    bar = window.find_bar
    open_find(qtbot, window, "pakistan")
    assert [s for s, _ in bar.matches] == expected
    assert bar.status.text() == f"1 of {len(expected)}"
    assert len(window.detail.extraSelections()) == len(expected)  # all highlighted, not just the current one
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status.text() == f"2 of {len(expected)}"
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, SHIFT)
    qtbot.keyClick(bar.field, Qt.Key.Key_Return, SHIFT)  # before the first: the last
    assert bar.status.text() == f"{len(expected)} of {len(expected)}"
    assert window.detail.textCursor().selectionStart() == expected[-1]
    current = [s for s in window.detail.extraSelections() if s.cursor.selectionStart() == expected[-1]]
    others = [s for s in window.detail.extraSelections() if s.cursor.selectionStart() != expected[-1]]
    assert current[0].format.background().color() != others[0].format.background().color()
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert window.detail.extraSelections() == []  # closing the bar clears the marks


def test_the_case_toggle_narrows_the_matches(qtbot, window: MainWindow) -> None:
    window.show_entity(PAGE)
    text = window.detail.toPlainText()
    loose, strict = starts(text, "imet", case=False), starts(text, "imet", case=True)
    assert len(loose) > len(strict)
    bar = window.find_bar
    open_find(qtbot, window, "imet")
    assert len(bar.matches) == len(loose)
    bar.case.click()
    assert [s for s, _ in bar.matches] == strict
    assert bar.status.text() == ("Not found" if not strict else f"1 of {len(strict)}")
    bar.case.click()
    assert len(bar.matches) == len(loose)


def test_the_current_match_is_scrolled_towards_the_middle(qtbot, window: MainWindow) -> None:
    window.show_entity(PAGE)
    view, bar = window.detail, window.find_bar
    open_find(qtbot, window, "pakistan")
    scrolled = view.verticalScrollBar()
    assert scrolled.maximum() > view.viewport().height()  # a page long enough to scroll
    height = view.viewport().height()
    centred = 0
    for _ in bar.matches:
        rect = view.cursorRect(view.textCursor())
        assert rect.top() >= 0 and rect.bottom() <= height  # always in view
        if 0 < scrolled.value() < scrolled.maximum():  # where the page can scroll either way, in the middle
            assert abs(rect.center().y() - height / 2) <= 2
            centred += 1
        qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert centred  # the page's matches were not all at its ends


def test_a_new_page_is_searched_again_with_the_bar_open(qtbot, window: MainWindow) -> None:
    window.show_entity(PAGE)
    bar = window.find_bar
    open_find(qtbot, window, "pakistan")
    assert bar.current == 0
    window.show_entity("pakistan")
    expected = starts(window.detail.toPlainText(), "pakistan", case=False)
    assert [s for s, _ in bar.matches] == expected
    assert bar.current == -1 and bar.status.text() == f"{len(expected)} matches"
    assert len(window.detail.extraSelections()) == len(expected)
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status.text() == f"1 of {len(expected)}"


def test_nothing_to_find(qtbot, window: MainWindow) -> None:
    window.show_entity(PAGE)
    bar = window.find_bar
    open_find(qtbot, window, "qqqzzz")
    assert bar.status.text() == "Not found" and bar.matches == [] and not bar.find_next()
    bar.field.clear()
    bar.field.textEdited.emit("")
    assert bar.status.text() == "" and window.detail.extraSelections() == []

"""The search results list: whole names, a kind filter, the typo correction said aloud, a preview as the
keys rest on a result, and a history that keeps one entry for a walk through a list."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox
from ui_support import bundled_args, open_window

from desktop.core.store import Store
from desktop.ui import search_pane
from desktop.ui.history import History
from desktop.ui.main_window import MainWindow
from desktop.ui.result_delegate import _Fonts, layout_snippet, name_line, text_width

IMET = "International Military Education and Training"


@pytest.fixture
def window(qtbot, bundled_store: Store) -> MainWindow:
    window = open_window(qtbot, bundled_args(bundled_store))
    window.resize(1280, 800)
    return window


def search(qtbot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == text, timeout=5000):
        window.search_box.setText(text)


def names(window: MainWindow) -> list[str]:
    model = window.search.results_model
    return [model.hit(row).name for row in range(model.rowCount())]


def test_a_name_takes_the_whole_first_line_and_the_kind_moves_to_the_second(qtbot, window: MainWindow) -> None:
    search(qtbot, window, "imet")
    results = window.search.results
    fonts = _Fonts(results.font())
    width = text_width(results.viewport().width())
    assert fonts.bold_metrics.horizontalAdvance(IMET) <= width  # the default window is wide enough for it
    assert name_line(IMET, fonts, width) == IMET  # whole: no kind label shares its line
    layout, _ = layout_snippet([("IMET trains officers", False)], fonts, width, lead="Program · ")
    assert layout.text().startswith("Program · IMET")
    italic = [r for r in layout.formats() if r.format.fontItalic()]
    assert [(r.start, r.length) for r in italic] == [(0, len("Program · "))]
    assert name_line(IMET, fonts, 80).endswith("…")  # a narrow list still cuts it


def test_the_kind_filter_limits_results_as_the_command_line_does(qtbot, window: MainWindow, bundled_store) -> None:
    box = window.findChild(QComboBox, "searchKind")
    assert box is window.search.kind_box and box.itemText(0) == "All kinds"
    kinds = [box.itemData(i) for i in range(1, box.count())]
    assert "program" in kinds and "country" in kinds
    assert all(k.count for k in bundled_store.kinds() if k.id in kinds)  # no kind with nothing in it
    search(qtbot, window, "military")
    everything = names(window)
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        box.setCurrentIndex(box.findData("program"))
    programs = names(window)
    assert programs and len(programs) < len(everything)
    assert programs == [h.name for h in bundled_store.search("military", kind="program", limit=len(everything))]
    # The choice stays for the next query.
    search(qtbot, window, "training")
    assert all(window.search.results_model.hit(r).kind == "program" for r in range(len(names(window))))
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        box.setCurrentIndex(0)
    assert len(names(window)) >= len(programs)


def test_a_corrected_typo_says_what_it_shows(qtbot, window: MainWindow) -> None:
    search(qtbot, window, "pakstan")
    status = window.search.status.text()
    assert names(window)[0] == "Pakistan"
    assert "Showing results for <b>Pakistan</b>" in status and "pakstan" in status
    search(qtbot, window, "pakistan")
    assert "Showing results for" not in window.search.status.text()


def test_resting_on_a_result_previews_it_and_keeps_the_focus(qtbot, window: MainWindow, monkeypatch) -> None:
    search(qtbot, window, "military")
    results = window.search.results
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is results
    first = window.search.results_model.hit(0).id
    qtbot.waitUntil(lambda: window.pages.current == first, timeout=2000)  # after the pause
    before = window.pages.current
    qtbot.keyClick(results, Qt.Key.Key_Down)
    qtbot.keyClick(results, Qt.Key.Key_Down)
    assert window.pages.current == before  # not at once: only once the keys rest
    third = window.search.results_model.hit(2).id
    qtbot.waitUntil(lambda: window.pages.current == third, timeout=2000)
    assert QApplication.focusWidget() is results
    assert search_pane.PREVIEW_MS <= 400


def test_a_walk_through_the_tree_is_one_step_back(qtbot, window: MainWindow) -> None:
    window.show_entity("pakistan")  # a page settled on
    tree = window.navigator
    tree.setFocus()
    start = window.pages.current
    for _ in range(4):
        qtbot.keyClick(tree, Qt.Key.Key_Down)
    walked_to = window.pages.current
    assert walked_to != start
    window.go_back()
    assert window.pages.current == "pakistan"  # not the rows walked past
    window.go_forward()
    assert window.pages.current == walked_to


def test_history_keeps_one_entry_for_pages_browsed_through() -> None:
    history = History()
    history.visit("a")
    for item in ("b", "c", "d"):
        history.browse(item)
    assert history.current == "d" and history.back() == "a" and not history.can_back()
    assert history.forward() == "d"
    history.visit("d")  # settled on: the next walk starts after it
    history.browse("e")
    history.browse("f")
    assert history.back() == "d" and history.back() == "a"
    history.browse("x")  # browsing from an earlier page drops what was ahead, as a visit does
    assert not history.can_forward() and history.back() == "a"


# -- the navigator's width ---------------------------------------------------------------------------


@pytest.mark.parametrize("width", [800, 1280, 1920])
def test_the_navigator_starts_at_a_share_of_the_window(qtbot, window: MainWindow, width: int) -> None:
    window.resize(width, 700)
    qtbot.waitUntil(lambda: window.width() == width)
    share = window.splitter.sizes()[0] / window.splitter.width()
    assert 0.2 <= share <= 0.3, share


def test_a_dragged_splitter_stays_where_the_reader_put_it(qtbot, window: MainWindow) -> None:
    window.resize(1000, 700)
    window.splitter.moveSplitter(400, 1)  # as a drag does: splitterMoved
    assert window.splitter.sizes()[0] == 400
    window.resize(1400, 700)
    qtbot.waitUntil(lambda: window.width() == 1400)
    assert window.splitter.sizes()[0] == 400

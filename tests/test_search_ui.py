"""The search results list kept cheap to repaint, and the search thread kept from stalling the GUI."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QListView
from ui_support import bundled_args, open_window

from desktop.core.search import SNIPPET_LATER
from desktop.core.store import Store
from desktop.core.views import HIGHLIGHT_END as E
from desktop.core.views import HIGHLIGHT_START as S
from desktop.models import search_runner
from desktop.models.results_model import SearchResultsModel, snippet_runs
from desktop.models.roles import Role
from desktop.models.search_runner import SearchRunner
from desktop.ui import search_pane
from desktop.ui.main_window import MainWindow
from desktop.ui.result_delegate import ResultDelegate, _Fonts, layout_snippet, row_text, snippet_text

LONG = "…the " + f"{S}IMET{E}'s budget and " * 30


def test_snippet_text_keeps_the_matches_where_they_are() -> None:
    text, matches = snippet_text(snippet_runs(f"…the {S}IMET{E}'s budget and\n{S}IMET{E}"))
    assert text == "…the IMET's budget and IMET"
    assert [text[start : start + length] for start, length in matches] == ["IMET", "IMET"]


def test_a_long_snippet_takes_two_lines_and_ends_with_an_ellipsis(qapp) -> None:
    fonts = _Fonts(QFont(qapp.font()))
    layout, ellipsis_at = layout_snippet(snippet_runs(LONG), fonts, 300)
    assert layout.lineCount() == 2
    assert ellipsis_at is not None and 0 < ellipsis_at <= 300 - fonts.ellipsis_width
    assert [f.format.fontWeight() for f in layout.formats()][:2] == [QFont.Weight.Bold] * 2


def test_a_short_snippet_takes_one_line_and_no_ellipsis(qapp) -> None:
    layout, ellipsis_at = layout_snippet(snippet_runs(f"the {S}IMET{E} budget"), _Fonts(QFont(qapp.font())), 300)
    assert layout.lineCount() == 1
    assert ellipsis_at is None


@pytest.fixture
def results(qtbot, bundled_store: Store) -> tuple[QListView, SearchResultsModel, ResultDelegate]:
    model = SearchResultsModel(kind_labels={k.id: k.label for k in bundled_store.kinds()})
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = ResultDelegate(view)
    view.setItemDelegate(delegate)
    view.setUniformItemSizes(True)
    view.resize(320, 400)
    view.show()
    delegate.row_budget = None  # every row drawn in the first repaint, however busy the machine (see below)
    model.set_hits("military", bundled_store.search("military", limit=100))
    return view, model, delegate


def _paint(view: QListView) -> QImage:
    return view.viewport().grab().toImage()


def test_a_row_is_read_from_the_model_in_one_call_as_the_roles_give_it(results) -> None:
    _, model, _ = results
    index = model.index(2, 0)
    name, kind, kind_label, snippet = row_text(index)
    assert (name, kind, kind_label) == (
        index.data(Qt.ItemDataRole.DisplayRole),
        index.data(Role.KIND),
        index.data(Role.KIND_LABEL),
    )
    assert snippet_runs(snippet) == index.data(Role.SNIPPET_RUNS)


def test_rows_already_drawn_are_not_drawn_again(results) -> None:
    view, model, delegate = results
    first = _paint(view)
    drawn = delegate.rows_drawn
    assert 3 <= drawn <= model.rowCount()
    assert _paint(view) == first
    assert delegate.rows_drawn == drawn  # a repaint copies the rows drawn before
    hits = [model.hit(r) for r in range(model.rowCount())]
    model.set_hits("militar", [hits[1], hits[0], *hits[2:]])  # the next keystroke: the same rows, moved
    _paint(view)
    assert delegate.rows_drawn == drawn
    view.setCurrentIndex(model.index(0, 0))  # selected: drawn anew in the selection's text colour
    _paint(view)
    assert delegate.rows_drawn == drawn + 1


def test_a_row_is_drawn_anew_when_its_snippet_changes(results, bundled_store: Store) -> None:
    view, model, delegate = results
    _paint(view)
    drawn = delegate.rows_drawn
    model.set_hits("military", bundled_store.search("military sales", limit=100))
    _paint(view)
    assert delegate.rows_drawn > drawn


def test_new_rows_past_a_repaint_s_budget_are_drawn_a_frame_later_as_if_drawn_at_once(qtbot, results) -> None:
    view, _, delegate = results
    whole = _paint(view)
    drawn = delegate.rows_drawn
    assert drawn >= 3 and delegate.rows_deferred == 0
    slow = ResultDelegate(view)
    slow.row_budget = 0.0  # time for no more than the one new row every repaint draws
    view.setItemDelegate(slow)
    first = _paint(view)
    assert (slow.rows_drawn, slow.rows_deferred) == (1, drawn - 1)
    assert first != whole  # the rows left out show their names only, for now
    qtbot.waitUntil(lambda: slow.rows_drawn == drawn, timeout=5000)  # a row a frame, unasked
    assert _paint(view) == whole


def test_a_repaint_within_its_budget_draws_every_new_row(qtbot, results) -> None:
    view, _, delegate = results
    delegate.row_budget = 10.0  # seconds: more than any list takes
    _paint(view)
    assert delegate.rows_drawn >= 3 and delegate.rows_deferred == 0


def test_the_first_search_runner_freezes_the_heap_once(monkeypatch: pytest.MonkeyPatch, bundled_store: Store) -> None:
    frozen: list[int] = []
    monkeypatch.setattr(search_runner, "_heap_frozen", False)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    runners = [SearchRunner(bundled_store), SearchRunner(bundled_store)]
    try:
        assert frozen == [1]
    finally:
        for runner in runners:
            runner.stop()


def test_a_window_leaves_full_collections_only_what_came_after_it(qtbot, bundled_store: Store) -> None:
    open_window(qtbot, bundled_args(bundled_store))
    assert gc.get_freeze_count() > 0


@pytest.fixture
def window(qtbot, bundled_store: Store) -> MainWindow:
    return open_window(qtbot, bundled_args(bundled_store))


def test_the_results_keep_their_width_whatever_the_number_of_hits(qtbot, window: MainWindow) -> None:
    widths = set()
    for text in ("military", "imet", "military", "zzzzqx"):
        with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q, t=text: q == t, timeout=5000):
            window.search_box.setText(text)
        qtbot.wait(20)
        widths.add(window.results.viewport().width())
    assert len(widths) == 1


def test_the_first_key_leaves_the_tree_up_until_the_answer_shows_the_results(qtbot, window: MainWindow) -> None:
    search = window.search
    assert not search.showing_results()
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == "military", timeout=5000):
        window.search_box.setText("military")
        # Not an empty results page painted now and again when the rows come: once, with them.
        assert not search.showing_results() and search.searching()
    assert search.showing_results() and window.results_model.rowCount() > 0


def test_a_slow_answer_shows_the_results_page_before_it_comes(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    search = window.search
    monkeypatch.setattr(search.runner, "submit", lambda text, kind=None, snippets=None: 0)  # an answer that never comes
    window.search_box.setText("military")
    assert not search.showing_results()
    qtbot.waitUntil(search.showing_results, timeout=2000)
    window.search_box.clear()
    assert not search.showing_results()


def test_text_erased_before_its_answer_leaves_the_tree_up(qtbot, window: MainWindow) -> None:
    search = window.search
    window.search_box.setText("military")
    window.search_box.clear()
    qtbot.wait(search_pane.REVEAL_MS + 100)
    assert not search.showing_results() and window.results_model.rowCount() == 0


def test_down_before_the_first_answer_stays_with_the_search(qtbot, window: MainWindow) -> None:
    window.search_box.setFocus()
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        window.search_box.setText("military")
        qtbot.keyClick(window.search_box, Qt.Key.Key_Down)  # the answer is not in yet: nothing to move to
        assert not window.navigator.hasFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert window.results.hasFocus() and window.results.currentIndex().row() == 0


def test_the_results_list_is_made_ready_soon_after_the_window_shows(qtbot, window: MainWindow) -> None:
    search = window.search
    qtbot.waitUntil(search.results_prepared, timeout=5000)
    delegate = window.results.itemDelegate()
    assert isinstance(delegate, ResultDelegate)
    assert delegate.rows_drawn == 0  # the fonts made ready, no result drawn
    assert not search.showing_results() and window.navigator.isVisible()  # the tree stays meanwhile
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        window.search_box.setText("military")
    assert window.results.itemDelegate() is delegate


def test_a_search_begun_before_the_list_is_ready_hurries_it_and_shows_its_answer(
    qtbot, bundled_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_pane, "PREPARE_MS", 60_000)  # not of itself within this test
    window = open_window(qtbot, bundled_args(bundled_store))
    search = window.search
    assert not search.results_prepared()
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == "military", timeout=5000):
        window.search_box.setText("military")
    assert search.results_prepared() and search.showing_results()
    assert window.results_model.rowCount() > 0 and window.results_model.query == "military"


def test_the_model_fills_the_snippets_an_answer_left_out_once_asked(qtbot, bundled_store: Store) -> None:
    model = SearchResultsModel()
    part = bundled_store.search("military", limit=100, snippets=3)
    later = [row for row, hit in enumerate(part) if hit.snippet == SNIPPET_LATER]
    model.set_hits("military", part)
    assert later and [row for row in range(model.rowCount()) if model.snippet_later(row)] == later
    with qtbot.waitSignal(model.snippetsWanted, timeout=1000):
        model.want_snippets()
    with qtbot.assertNotEmitted(model.snippetsWanted):
        model.want_snippets()  # once an answer
    whole = bundled_store.search("military", limit=100)
    model.fill_snippets("militar", whole)  # another query's: nothing
    assert model.snippet_later(later[0])
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        model.fill_snippets("military", whole)
    assert [model.hit(row) for row in range(model.rowCount())] == whole
    assert not any(model.snippet_later(row) for row in range(model.rowCount()))


def test_rows_scrolled_to_get_the_snippets_the_answer_left_out(qtbot, window: MainWindow, bundled_store: Store) -> None:
    window.resize(900, 500)
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == "military", timeout=5000):
        window.search_box.setText("military")
    model = window.results_model

    def later() -> list[int]:
        return [row for row in range(model.rowCount()) if model.snippet_later(row)]

    left_out = later()
    assert left_out and min(left_out) >= search_runner.FIRST_SNIPPETS
    qtbot.wait(100)
    assert later() == left_out  # not asked for while out of sight
    window.results.scrollToBottom()
    qtbot.waitUntil(lambda: not later(), timeout=5000)
    whole = bundled_store.search("military", limit=search_runner.RESULT_LIMIT)
    assert [model.hit(row) for row in range(len(whole))] == whole


def test_a_failed_step_of_readying_the_list_still_shows_the_answer(
    qtbot, bundled_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("a step that fails")

    monkeypatch.setattr(search_pane, "PREPARE_MS", 60_000)
    monkeypatch.setattr(search_pane, "_PREPARE_STEPS", (broken, *search_pane._PREPARE_STEPS[1:]))
    window = open_window(qtbot, bundled_args(bundled_store))
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == "military", timeout=5000):
        window.search_box.setText("military")
    assert window.search.results_prepared() and window.search.showing_results()
    assert window.results_model.rowCount() > 0


def test_a_tall_list_gets_the_snippets_of_every_row_on_show_with_the_answer(qtbot, window: MainWindow) -> None:
    window.resize(900, 2100)
    qtbot.wait(50)
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == "military", timeout=5000):
        window.search_box.setText("military")
    model, view = window.results_model, window.results
    assert model.rowCount() > search_runner.FIRST_SNIPPETS  # more rows on show than the runner's own number
    view.doItemsLayout()
    on_show = [
        r for r in range(model.rowCount()) if view.visualRect(model.index(r, 0)).intersects(view.viewport().rect())
    ]
    assert len(on_show) > search_runner.FIRST_SNIPPETS
    assert not [r for r in on_show if model.snippet_later(r)]  # none waits for a second search


def test_a_failed_second_search_for_snippets_leaves_the_answer_on_show(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    window.resize(900, 500)
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == "military", timeout=5000):
        window.search_box.setText("military")
    model = window.results_model
    rows = [model.hit(r) for r in range(model.rowCount())]
    assert any(model.snippet_later(r) for r in range(model.rowCount()))
    store, search = window.store, window.store.search

    def locked(*args, snippets=None, **kwargs):
        if snippets is None:  # the second search, for the snippets left out
            raise sqlite3.OperationalError("database is locked")
        return search(*args, snippets=snippets, **kwargs)

    monkeypatch.setattr(store, "search", locked)
    window.results.scrollToBottom()
    qtbot.waitUntil(lambda: window.search.runner._making == 0, timeout=5000)
    qtbot.wait(50)
    assert [model.hit(r) for r in range(model.rowCount())] == rows  # the answer stays as it was
    assert "failed" not in window.search_status.text().lower()

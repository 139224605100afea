"""Bad input: any text at all in the store's search, `almanac search` / `show` and the search box; odd command lines.

Hypothesis feeds arbitrary Unicode (every category, lone surrogates included
where Python allows them) and a list of known-nasty strings; each target must
answer without an exception and leave the index exactly as it was. The fixed
nasty list (test_search.py NASTY) and the usage errors of test_cli.py are not
repeated here.
"""

from __future__ import annotations

import hashlib
import io
import json
import operator
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from datafiles import write
from hostile import tally
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PySide6.QtWidgets import QLineEdit
from ui_support import open_window

from desktop import cli
from desktop.core.bundle import bundled_data_dir
from desktop.core.store import Store
from desktop.core.views import Hit
from desktop.models.roles import Role
from desktop.ui.main_window import MainWindow
from desktop.ui.search_pane import RESULTS_PAGE, TREE_PAGE

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = bundled_data_dir()

NASTY = [
    "مرحبا بالعالم",
    "שלום imet",
    "\u202eimet\u202c",
    "\u200f\u200e\u061c",
    "🇺🇸🙂👨‍👩‍👧",
    "imet 🙂",
    "a" * 10_000,
    "imet " * 2_000,
    "é" * 10_000,
    "🙂" * 10_000,
    "NEAR(a b)",
    "NEAR(imet fmf, 2)",
    "a:b",
    "name:imet",
    "^x",
    "^imet",
    '"',
    '"imet',
    "*",
    "imet*",
    "AND OR NOT",
    "imet AND",
    "OR imet",
    "NOT",
    "{name aliases}:imet",
    "- imet",
    "'; DROP TABLE entities; --",
    '"; DROP TABLE fts; --',
    "imet'); DELETE FROM names; --",
    "%",
    "\\",
    "\x00",
    "imet\x00",
    "\x1b[2J",
    "\r\n",
    "\ud800",
    "imet\udfff",
    "\udc80\udcff",
    "\ufeff",
    "\U0010ffff",
    "e\u0301",
    "İ",
    "",
    " ",
]
WORDS = ["imet", "pak", "army", "training", "U.S.", "saudi-arabia", "(", ")", '"', "*", ":", "^", "-", "AND", "OR"]

ANY_CHAR = st.characters(codec=None, exclude_categories=())  # controls, private use, unassigned, surrogates
QUERIES = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    st.text(max_size=200),
    st.sampled_from(NASTY),
    st.lists(st.sampled_from(NASTY[:6] + NASTY[10:] + WORDS), min_size=1, max_size=8).map(" ".join),
    st.builds(operator.mul, ANY_CHAR, st.just(10_000)),
)


def with_nasty_examples(fn: Callable) -> Callable:
    """Every NASTY string is tried first, whatever Hypothesis draws after it."""
    for text in reversed(NASTY):
        fn = example(text)(fn)
    return fn


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, list[str]]:
    """A private copy of the bundled data, indexed once, and the options that point the program at it.

    Not the bundled folder itself: the repository's data may be edited while the suite runs, and a changed
    folder is (rightly) re-indexed, which would look like a query having changed the index.
    """
    folder = tmp_path_factory.mktemp("snapshot") / "data"
    shutil.copytree(BUNDLED, folder)
    cache_dir = tmp_path_factory.mktemp("snapshot-cache")
    store = Store.open([folder], cache_dir=cache_dir)
    assert store.problems() == []
    return store, ["--no-bundled", "--data", str(folder), "--cache-dir", str(cache_dir)]


def index_state(store: Store) -> tuple[int, int, str]:
    conn = store.conn
    entities = conn.execute("SELECT count(*) FROM entities").fetchone()[0]
    facts = conn.execute("SELECT count(*) FROM facts").fetchone()[0]
    return entities, facts, hashlib.sha256(store.path.read_bytes()).hexdigest()


# -- the store's search --------------------------------------------------------------------------------------


def test_any_text_searched_through_the_store_answers_and_changes_nothing(snapshot):
    store = snapshot[0]
    before = index_state(store)
    assert before[0] > 0 and before[1] > 0
    tried = 0

    @settings(max_examples=2_000, deadline=None, database=None)
    @given(QUERIES)
    @with_nasty_examples
    def search(query: str) -> None:
        nonlocal tried
        tried += 1
        hits = store.search(query)
        assert isinstance(hits, list) and len(hits) <= 50
        assert all(isinstance(h, Hit) and h.id and isinstance(h.snippet, str) for h in hits)
        assert isinstance(store.closest(query), list)
        assert index_state(store) == before

    search()
    assert tried >= 2_000
    assert store.search("imet")[0].id == "imet"
    tally("search API", tried)


# -- the command line ----------------------------------------------------------------------------------------


def test_any_text_given_to_almanac_search_and_show_is_answered_in_words(snapshot):
    store, options = snapshot  # an index already built: nothing is rebuilt
    before = index_state(store)
    tried = 0

    def run(*argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = cli.main(list(argv), out=out, err=err)
        assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue(), err.getvalue()
        # what a UTF-8 terminal could print: no lone surrogate escapes into the output
        (out.getvalue() + err.getvalue()).encode("utf-8")
        return code, out.getvalue(), err.getvalue()

    @settings(max_examples=160, deadline=None, database=None)
    @given(QUERIES)
    @with_nasty_examples
    def commands(query: str) -> None:
        nonlocal tried
        tried += 1
        # `--` so that text starting with a dash is a query, as a shell user would have to write it
        code, out, err = run("search", *options, "--", query)
        assert code == 0
        code, out, err = run("search", *options, "--json", "--limit", "5", "--", query)
        assert code == 0 and err == ""
        assert isinstance(json.loads(out), list)
        code, out, err = run("show", *options, "--", query)
        assert code in (0, 1)
        if code == 1:
            assert out == "" and err.startswith("almanac: no entity with id ") and err.count("\n") == 1

    commands()
    assert index_state(store) == before
    tally("CLI", tried * 3)


@pytest.mark.parametrize(
    ("argv", "code", "first_hit"),
    [
        (["show", b"imet\xff"], 1, ""),  # not UTF-8: Python hands the program a lone surrogate
        (["search", b"\xed\xa0\x80imet", "--json"], 0, "imet"),
        (["open", b"no-such-entity"], 1, ""),
        (["open", b"\xff"], 1, ""),
    ],
    ids=["show-undecodable", "search-undecodable", "open-unknown-id", "open-undecodable"],
)
def test_undecodable_and_unknown_ids_in_a_real_process(snapshot, tmp_path: Path, argv, code, first_hit):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "desktop", *argv, *snapshot[1]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=60,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == code, err
    assert "Traceback" not in err and "internal error" not in err
    if code == 1:
        assert err.startswith("almanac: no entity with id ") and err.count("\n") == 1, err
    else:
        assert json.loads(proc.stdout)[0]["id"] == first_hit
    tally("CLI", 1)


@pytest.mark.parametrize("limit", ["99999999999999999999", str(2**63), str(2**63 - 1)])
def test_a_huge_limit_means_everything(limit: str):
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["search", "imet", "--limit", limit, "--json"], out=out, err=err)
    assert (code, err.getvalue()) == (0, "")
    assert json.loads(out.getvalue())[0]["id"] == "imet"
    tally("CLI", 1)


def _pipe(tmp_path: Path, argv: str, reader: str) -> subprocess.CompletedProcess[str]:
    """`almanac ARGV | READER` in bash, exiting with the almanac side's status."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = f'{shlex.quote(sys.executable)} -m desktop {argv} | {reader}; exit "${{PIPESTATUS[0]}}"'
    return subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)


def test_list_into_a_closed_pipe_stops_quietly(snapshot, tmp_path: Path):
    proc = _pipe(tmp_path, "list " + shlex.join(snapshot[1]), "head -1")
    assert proc.returncode in (0, 141)
    assert len(proc.stdout.splitlines()) == 1
    assert proc.stderr == ""
    tally("CLI", 1)


def test_validate_into_a_pipe_closed_midway_stops_quietly(data_dir: Path, tmp_path: Path):
    # 2,000 problems, about 250 KB: far more than a pipe holds, so the write fails while the reader is gone
    write(data_dir, "programs/pack.yaml", "".join(f"- {{id: Bad_{i}, kind: program, name: B}}\n" for i in range(2000)))
    proc = _pipe(tmp_path, f"validate --no-bundled {shlex.quote(str(data_dir))}", "head -1")
    assert proc.returncode == 141, proc.stderr
    assert proc.stdout.startswith(f"{data_dir / 'programs' / 'pack.yaml'}:1:")
    assert proc.stderr == ""
    tally("CLI", 1)


# -- the search box ------------------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, snapshot) -> MainWindow:
    return open_window(qtbot, snapshot[1])


def result_ids(window: MainWindow) -> list[str]:
    model = window.results_model
    return [model.index(r, 0).data(Role.ENTITY_ID) for r in range(model.rowCount())]


def type_and_wait(qtbot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == text, timeout=10_000):
        window.search_box.setText(text)


def test_any_text_typed_into_the_search_box_shows_an_answer(qtbot, window: MainWindow, snapshot):
    store = snapshot[0]
    before = index_state(store)
    probe = QLineEdit()  # what the box makes of a string: it drops lone surrogates and keeps 32,767 characters
    tried = 0

    @settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(QUERIES)
    @with_nasty_examples
    def typed(query: str) -> None:
        nonlocal tried
        tried += 1
        probe.setText(query)
        text = probe.text()
        if text == window.search_box.text():
            window.search_box.clear()  # setting the same text again would not search again
        if not text.strip():
            window.search_box.setText(text)
            assert window.left_stack.currentIndex() == TREE_PAGE
            assert window.results_model.rowCount() == 0
            return
        type_and_wait(qtbot, window, text)
        assert window.left_stack.currentIndex() == RESULTS_PAGE
        count = window.results_model.rowCount()
        status = window.search_status.text()
        if count:
            assert status == f"{count} result{'s' if count != 1 else ''}"
            assert all(window.results_model.index(r, 0).data(Role.SNIPPET) is not None for r in range(count))
        else:
            assert status.startswith("No results for “")

    typed()
    window.search_box.clear()
    type_and_wait(qtbot, window, "imet")
    assert result_ids(window)[0] == "imet"
    assert window.open_result() and window.current_entity == "imet"
    assert index_state(store) == before
    tally("search box", tried)

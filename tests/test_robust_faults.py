"""Faults: a damaged, locked, old or vanished index, an unusable cache folder, a full disk, two processes on one
cache, data edited under the window, and a build killed partway. The program carries on and says so in one line.

test_cache.py already covers an index overwritten with garbage or cut to 200 bytes, one whose meta table names
another schema version, and a cache path that is a file (Store level); these tests add the command line and the
window, and the faults it does not cover.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from datafiles import CITED, entity, note_fact, write
from hostile import tally
from ui_support import open_window

from desktop import cli
from desktop.core import cache, index
from desktop.core.bundle import bundled_data_dir
from desktop.core.cache import fingerprint, index_path, inspect
from desktop.core.store import IndexMissing, Store
from desktop.models.roles import Role
from desktop.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = bundled_data_dir()
NOTE = re.compile(r"^almanac: note: \S.*\n$")  # exactly one line


@pytest.fixture
def folder(data_dir: Path) -> Path:
    write(data_dir, "programs/alpha.yaml", entity("alpha", name="Alpha Program", body="facts:\n" + note_fact("first")))
    write(data_dir, "countries/beta.yaml", entity("beta", kind="country", name="Beta Land"))
    return data_dir.resolve()


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def system_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder the index falls back to (not the real /tmp)."""
    place = tmp_path / "system-tmp"
    place.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(place))
    return place


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def data_args(folder: Path, cache_dir: Path) -> list[str]:
    return ["--no-bundled", "--data", str(folder), "--cache-dir", str(cache_dir)]


def temporaries(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n.endswith(".tmp")) if folder.is_dir() else []


def result_ids(window: MainWindow) -> list[str]:
    model = window.results_model
    return [model.index(r, 0).data(Role.ENTITY_ID) for r in range(model.rowCount())]


def search_in(qtbot, window: MainWindow, text: str) -> list[str]:
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == text, timeout=10_000):
        window.search_box.setText(text)
    return result_ids(window)


# -- a damaged, locked or old index ----------------------------------------------------------------------------


def _half(path: Path) -> None:
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size // 2)


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def _header_kept_body_garbage(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:100] + os.urandom(len(data) - 100))


@pytest.mark.parametrize("damage", [_half, _garbage, _header_kept_body_garbage], ids=["half", "garbage", "body"])
def test_a_damaged_index_is_rebuilt_with_one_line_of_notice(qtbot, folder: Path, cache_dir: Path, damage):
    args = data_args(folder, cache_dir)
    assert run("index", *args)[0] == 0
    path = index_path(cache_dir, [folder])
    damage(path)

    code, out, err = run("search", *args, "alpha", "--json")
    assert code == 0
    assert NOTE.match(err), err
    assert f"the index {path} was damaged or unreadable and has been rebuilt" in err
    assert json.loads(out)[0]["id"] == "alpha"
    assert inspect(path)[0] == "ok"

    damage(path)
    window = open_window(qtbot, args)
    assert "damaged or unreadable and has been rebuilt" in window.statusBar().currentMessage()
    assert "\n" not in window.store.notice
    assert window.show_entity("alpha")
    assert search_in(qtbot, window, "beta") == ["beta"]
    assert temporaries(cache_dir) == []
    tally("cache", 2)


LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the test closes our stdin
conn.execute("ROLLBACK")
"""


def test_an_index_locked_by_another_process_is_worked_around(folder: Path, cache_dir: Path):
    first = Store.open([folder], cache_dir=cache_dir)
    path = first.path
    first.close()
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert locker.stdout.readline() == "locked\n"
        probe = sqlite3.connect(cache.file_uri(path), uri=True, timeout=0)
        with contextlib.closing(probe), pytest.raises(sqlite3.OperationalError, match="locked"):
            probe.execute("SELECT count(*) FROM meta").fetchone()  # the lock is real

        code, out, err = run("search", *data_args(folder, cache_dir), "alpha", "--json")
        assert code == 0
        assert err == "almanac: note: the index was locked by another process; a fresh copy was built beside it\n"
        assert [h["id"] for h in json.loads(out)] == ["alpha"]
        store = Store.open([folder], cache_dir=cache_dir)  # the fresh copy is not locked: no notice
        assert (store.built, store.notice) == (False, "")
        assert store.page("beta").name == "Beta Land"
    finally:
        locker.stdin.close()
        assert locker.wait(timeout=30) == 0
    assert Store.open([folder], cache_dir=cache_dir).built is False
    assert temporaries(cache_dir) == []
    tally("cache", 1)


def test_an_index_from_an_older_version_with_other_tables_is_rebuilt(folder: Path, cache_dir: Path):
    # An index as an early version wrote it: other tables, and the data's current fingerprint.
    path = index_path(cache_dir, [folder])
    cache_dir.mkdir()
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.executescript(
            "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
            "CREATE TABLE entities(rid INTEGER PRIMARY KEY, id TEXT, body TEXT);"
            "INSERT INTO entities VALUES (1, 'alpha', '{}');"
        )
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?)", [("schema_version", "1"), ("fingerprint", fingerprint([folder]))]
        )
    code, out, err = run("show", *data_args(folder, cache_dir), "alpha", "--json")
    assert code == 0
    assert err == "almanac: note: the index was from another version and has been rebuilt\n"
    assert json.loads(out)["facts"][0]["text"] == "Note: first"
    assert inspect(path)[1]["schema_version"] == str(index.SCHEMA_VERSION)
    tally("cache", 1)


# -- an index deleted under the window ----------------------------------------------------------------------------


def test_an_index_deleted_while_the_window_is_open(qtbot, folder: Path, cache_dir: Path):
    window = open_window(qtbot, data_args(folder, cache_dir))
    assert search_in(qtbot, window, "alpha") == ["alpha"]
    store = window.store
    path = store.path
    path.unlink()

    # Connections already open keep reading the deleted file: the window carries on.
    assert search_in(qtbot, window, "beta") == ["beta"]
    assert window.show_entity("alpha")
    # A connection opened now (another thread) finds the file gone: the window's store says so and builds
    # nothing there and then, whichever thread asked (the GUI thread would freeze for the whole build).
    seen: list[object] = []

    def look() -> None:
        try:
            seen.append([h.id for h in store.search("land")])
        except IndexMissing as exc:
            seen.append(exc)

    worker = threading.Thread(target=look)
    worker.start()
    worker.join(timeout=30)
    assert len(seen) == 1 and isinstance(seen[0], IndexMissing) and str(path) in str(seen[0])
    assert not path.exists() and not store.index_present()
    # The window reopens it off the GUI thread and swaps the new store in.
    with qtbot.waitSignal(window.storeReloaded, timeout=30_000):
        window.session.reload()
    assert path.is_file() and inspect(path)[0] == "ok"
    assert window.store is not store and window.store.index_present()
    assert Store.open([folder], cache_dir=cache_dir).built is False  # the rebuilt file is current
    assert search_in(qtbot, window, "alpha program") == ["alpha"]
    tally("cache", 1)  # the command line's store rebuilds in place instead: test_store_lifecycle.py


# -- an unusable cache folder, a full disk ------------------------------------------------------------------------


def test_a_cache_folder_that_cannot_be_made_falls_back_and_says_why_and_where(
    qtbot, folder: Path, tmp_path: Path, system_tmp: Path
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cache_dir = blocker / "cache"
    code, out, err = run("index", *data_args(folder, cache_dir))
    assert code == 0
    assert err == (
        f"almanac: note: cache folder not usable ({cache_dir}: Not a directory); "
        f"index kept in {system_tmp / 'sa-almanac'}\n"
    )
    assert f"Index: {system_tmp / 'sa-almanac'}" in out

    window = open_window(qtbot, data_args(folder, cache_dir))
    assert window.statusBar().currentMessage() == window.store.notice
    assert "Not a directory" in window.store.notice and str(cache_dir) in window.store.notice
    assert search_in(qtbot, window, "alpha") == ["alpha"]
    tally("cache", 1)


def _disk_full_in(monkeypatch: pytest.MonkeyPatch, full: set[Path]) -> None:
    """Make index.build fail, as a full disk does partway through writing, for databases in `full`'s folders."""
    real = index.build

    def build(result, conn, fp, files=()):
        file = conn.execute("PRAGMA database_list").fetchone()[2]
        if file and Path(file).parent in full:
            conn.execute("CREATE TABLE half_written(x)")
            raise sqlite3.OperationalError("database or disk is full")
        real(result, conn, fp, files)

    monkeypatch.setattr(index, "build", build)


def test_a_full_disk_falls_back_to_the_temporary_folder(
    folder: Path, cache_dir: Path, system_tmp: Path, monkeypatch: pytest.MonkeyPatch
):
    _disk_full_in(monkeypatch, {cache_dir})
    store = Store.open([folder], cache_dir=cache_dir)
    fallback = system_tmp / "sa-almanac"
    assert store.path.parent == fallback
    assert store.notice == (
        f"cache folder not usable ({cache_dir}: database or disk is full); index kept in {fallback}"
    )
    assert [h.id for h in store.search("alpha")] == ["alpha"]
    assert temporaries(cache_dir) == [] and temporaries(fallback) == []
    assert os.listdir(cache_dir) == []  # nothing half-written left where the disk was full
    tally("cache", 1)


def test_when_no_folder_can_hold_the_index_it_is_kept_in_memory(
    qtbot, folder: Path, cache_dir: Path, system_tmp: Path, monkeypatch: pytest.MonkeyPatch
):
    fallback = system_tmp / "sa-almanac"
    _disk_full_in(monkeypatch, {cache_dir, fallback})
    store = Store.open([folder], cache_dir=cache_dir)
    assert store.path is None
    assert store.notice == (
        f"no folder could hold the index ({cache_dir}: database or disk is full; "
        f"{fallback}: database or disk is full); it is kept in memory for this run"
    )
    # Every thread gets its own connection to the one in-memory database.
    answers: dict[str, list[str]] = {}

    def search(query: str) -> None:
        answers[query] = [h.id for h in store.search(query)]

    threads = [threading.Thread(target=search, args=(q,)) for q in ("alpha", "beta", "land")]
    for t in threads:
        t.start()
    search("first")
    for t in threads:
        t.join(timeout=30)
    assert answers == {"alpha": ["alpha"], "beta": ["beta"], "land": ["beta"], "first": ["alpha"]}
    assert temporaries(cache_dir) == [] and temporaries(fallback) == []

    code, out, err = run("index", *data_args(folder, cache_dir))
    assert code == 0
    assert NOTE.match(err) and "kept in memory for this run" in err
    assert "Index: in memory for this run only" in out

    window = open_window(qtbot, data_args(folder, cache_dir))
    assert window.store.path is None
    assert "kept in memory" in window.statusBar().currentMessage()
    assert search_in(qtbot, window, "alpha") == ["alpha"]  # searched on the window's search thread
    assert window.show_entity("beta")
    tally("cache", 2)


# -- two processes on one cache -----------------------------------------------------------------------------------

WORKER = """
import io, json, os, sys
from desktop import cli
argv, times, stop, expected = json.loads(sys.argv[1])
n = 0
while n < times and not (stop and os.path.exists(stop)):
    n += 1
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(argv, out=out, err=err)
    if code != 0 or err.getvalue():
        sys.exit(f"run {n}: exit {code}: {err.getvalue()}")
    if expected is not None:
        hits = json.loads(out.getvalue())
        if [h["id"] for h in hits] != expected:
            sys.exit(f"run {n}: {[h['id'] for h in hits]} != {expected}")
print(n)
"""


def test_two_processes_rebuilding_and_a_reader_share_one_cache(qtbot, tmp_path: Path):
    # A private copy of the bundled data: the repository's own may be edited while the suite runs.
    snapshot = tmp_path / "data"
    shutil.copytree(BUNDLED, snapshot)
    cache_dir = tmp_path / "shared-cache"
    options = ["--no-bundled", "--data", str(snapshot), "--cache-dir", str(cache_dir)]
    assert run("index", *options)[0] == 0
    path = index_path(cache_dir, [snapshot])
    first = Store.open([snapshot], cache_dir=cache_dir)
    expected = [h.id for h in first.search("imet", limit=10)]
    entities = first.counts().entities
    first.close()
    stop = tmp_path / "stop"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def start(argv: list[str], times: int, until_stop: bool = False, hits: list[str] | None = None):
        job = json.dumps([argv, times, str(stop) if until_stop else None, hits])
        return subprocess.Popen(
            [sys.executable, "-c", WORKER, job], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    writers = [start(["index", "--rebuild", *options], 4) for _ in range(2)]
    reader = start(["search", "imet", "--json", "--limit", "10", *options], 10_000, True, expected)
    window = open_window(qtbot, options)  # a window on the same cache, searching while the index is replaced
    states: set[str] = set()
    deadline = time.monotonic() + 120
    n = 0
    while any(w.poll() is None for w in writers):
        assert time.monotonic() < deadline, "the writers did not finish"
        states.add(inspect(path)[0])  # never half-written: the old index or the new one
        n += 1
        assert search_in(qtbot, window, "imet" if n % 2 else "pakistan")[0] in ("imet", "pakistan")
    stop.touch()
    runs = []
    for proc in (*writers, reader):
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err  # every run exited 0, with nothing on stderr, and the reader's hits were whole
        runs.append(int(out))
    assert runs[:2] == [4, 4] and runs[2] >= 1
    assert states == {"ok"}
    assert inspect(path)[0] == "ok"
    final = Store.open([snapshot], cache_dir=cache_dir)
    assert final.built is False
    assert final.counts().entities == entities
    assert [h.id for h in final.search("imet", limit=10)] == expected
    assert temporaries(cache_dir) == []
    tally("cache", 3)


# -- data edited under the window -----------------------------------------------------------------------------------


def bump(path: Path) -> None:
    """A later modification time, as a save a moment later would give (without sleeping)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_data_edited_while_the_window_is_open_is_picked_up_in_place(qtbot, folder: Path, cache_dir: Path):
    window = open_window(qtbot, data_args(folder, cache_dir))
    assert window.show_entity("beta")
    assert window.show_entity("alpha")
    assert search_in(qtbot, window, "land") == ["beta"]

    # an entity renamed and given a new fact
    alpha = write(
        folder,
        "programs/alpha.yaml",
        entity("alpha", name="Alpha Renamed", body="facts:\n" + note_fact("first") + note_fact("second")),
    )
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        bump(alpha)
    assert window.current_entity == "alpha"
    assert window.windowTitle().startswith("Alpha Renamed — ")
    assert "Alpha Renamed" in window.detail.toPlainText() and "second" in window.detail.toPlainText()
    assert window.search_box.text() == "land"  # the search is kept, and answered again from the new index
    qtbot.waitUntil(lambda: window.results_model.query == "land" and result_ids(window) == ["beta"])
    assert window.store.problems() == []

    # a new file
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        write(folder, "countries/gamma.yaml", entity("gamma", kind="country", name="Gamma Land"))
    qtbot.waitUntil(lambda: sorted(result_ids(window)) == ["beta", "gamma"])
    assert window.current_entity == "alpha"

    # a file that became invalid: reported like any other, the rest kept
    beta = folder / "countries" / "beta.yaml"
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        beta.write_text("id: beta\nkind: [country\nname: Beta Land\n", encoding="utf-8")
        bump(beta)
    problems = [str(p) for p in window.store.problems()]
    assert len(problems) == 1 and problems[0].startswith(f"{beta}:3:")
    assert "YAML syntax error" in problems[0]
    assert window.problems_button.isVisibleTo(window)
    assert window.current_entity == "alpha" and "Alpha Renamed" in window.detail.toPlainText()
    qtbot.waitUntil(lambda: result_ids(window) == ["gamma"])
    window.go_back()  # beta has gone from the data: going back to it shows Home, without an error
    assert window.current_entity is None
    assert window.store.ref("beta") is None
    tally("data files", 3)


# -- killed while building -------------------------------------------------------------------------------------------

BIG_ENTITIES = 600


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose index takes a second or more to build: 600 entities with long summaries to index."""
    import random

    folder = tmp_path_factory.mktemp("big") / "data"
    folder.mkdir()
    for name in ("vocabulary.yaml", "sources.yaml"):
        shutil.copy(BUNDLED / name, folder / name)
    shutil.copytree(BUNDLED / "schema", folder / "schema")
    rng = random.Random(4)
    words = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(4, 9))) for _ in range(20_000)]
    text = " ".join(rng.choices(words, k=600_000))
    (folder / "programs").mkdir()
    with (folder / "programs" / "bulk.yaml").open("w", encoding="utf-8") as f:
        for i in range(BIG_ENTITIES):
            start = text.index(" ", rng.randrange(len(text) - 6_000)) + 1
            summary = text[start : text.rindex(" ", start, start + 4_900)]
            f.write(
                f"- id: bulk-{i}\n  kind: program\n  name: Bulk {words[i]} {i}\n"
                f"  summary: {summary}\n  summary_sources: {CITED}\n"
            )
    return folder.resolve()


def test_a_build_killed_partway_leaves_nothing_that_grows(big_folder: Path, tmp_path: Path):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "desktop", "index", "--rebuild", *data_args(big_folder, cache_dir)]
    # Killed as soon as the temporary file exists, once it has data in it, and once it holds a megabyte.
    for kill_at_size in (0, 1, 1_000_000):
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        mine = re.compile(rf"^\.index-[0-9a-f]+-{proc.pid}-.*\.tmp$")
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "the build ended before it could be killed: make big_folder bigger"
            assert time.monotonic() < deadline
            tmp = [cache_dir / n for n in os.listdir(cache_dir) if mine.match(n)]
            with contextlib.suppress(OSError):
                if tmp and tmp[0].stat().st_size >= kill_at_size:
                    break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        proc.stderr.close()
        assert [n for n in os.listdir(cache_dir) if mine.match(n)], "the dead build's temporary file is there"

        store = Store.open([big_folder], cache_dir=cache_dir)
        assert store.counts().entities == BIG_ENTITIES
        assert store.search("bulk 7")[0].id == "bulk-7"
        assert temporaries(cache_dir) == []  # the dead process's file is gone
        assert os.listdir(cache_dir) == [store.path.name]  # and nothing else accumulates
        store.close()
    tally("cache", 3)


def test_sweeping_keeps_the_temporary_files_of_live_builds(tmp_path: Path):
    live = tmp_path / f".index-0123456789abcdef-{os.getpid()}-x.tmp"
    dead_pid = _a_dead_pid()
    dead = tmp_path / f".index-0123456789abcdef-{dead_pid}-y.tmp"
    other = tmp_path / "notes.tmp"
    for path in (live, dead, other):
        path.write_bytes(b"")
    assert cache.sweep_temporaries(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])


def _a_dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid

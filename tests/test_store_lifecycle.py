"""A store's life: closing every connection it opened, a refresh that fails, an index deleted under it."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from datafiles import entity, note_fact, write
from ui_support import write_yaml

from desktop.core import refresh
from desktop.core.store import IndexMissing, Store, StoreClosed, StoreError


@pytest.fixture
def folder(data_dir: Path) -> Path:
    write(data_dir, "programs/alpha.yaml", entity("alpha", name="Alpha", body="facts:\n" + note_fact("first text")))
    write(data_dir, "countries/beta.yaml", entity("beta", kind="country", name="Beta"))
    return data_dir


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def in_thread(fn: Callable[[], Any]) -> Any:
    """fn() run on a new thread: its result, or the exception it raised."""
    out: list[Any] = []

    def work() -> None:
        try:
            out.append(fn())
        except BaseException as exc:  # handed back to the test
            out.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert out, "the thread did not finish"
    return out[0]


def open_descriptors_of(path: Path) -> list[str]:
    """The descriptors of this process that point at `path` (or at it deleted)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # the descriptor listdir itself used, already gone
        if target in (str(path), f"{path} (deleted)"):
            found.append(fd)
    return found


def bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000_000))


# -- closing ------------------------------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_close_closes_the_connections_of_every_thread(folder: Path, cache: Path):
    store = Store.open([folder], cache_dir=cache)
    assert store.page("alpha").name == "Alpha"
    assert in_thread(lambda: store.search("beta")[0].id) == "beta"
    assert len(open_descriptors_of(store.path)) == 2  # the main thread's and the finished thread's
    worker_done = threading.Event()
    keep_running = threading.Event()

    def long_lived() -> None:
        store.ref("alpha")
        worker_done.set()
        keep_running.wait(60)

    alive = threading.Thread(target=long_lived)
    alive.start()
    try:
        assert worker_done.wait(60)
        # The main thread's and the live thread's (the finished thread's went when the next one connected).
        assert len(open_descriptors_of(store.path)) == 2
        store.close()
        assert open_descriptors_of(store.path) == []
    finally:
        keep_running.set()
        alive.join()


CLOSE_UNDER_READERS = """
import sys, threading
from pathlib import Path
from desktop.core.store import Store

folder, cache = Path(sys.argv[1]), Path(sys.argv[2])
for _ in range(40):
    store = Store.open([folder], cache_dir=cache)
    busy = threading.Barrier(4)
    failures = []

    def read() -> None:
        try:
            store.ref("c-0001")  # its own connection, open
            busy.wait()
            while True:
                store.level("country", limit=3000)  # long enough to be mid-query when the store closes
                store.search("land", limit=50)
        except Exception as exc:  # what a reader sees once the store is closed under it
            failures.append(type(exc).__name__)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for thread in readers:
        thread.start()
    busy.wait()
    store.close()
    for thread in readers:
        thread.join(30)
    assert not any(t.is_alive() for t in readers)
    assert set(failures) <= {"StoreClosed", "OperationalError"}, failures
    fds = [f for f in Path("/proc/self/fd").iterdir() if str(store.path) in str(f.resolve(strict=False))]
    assert fds == [], fds
print("ok")
"""


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_closing_while_other_threads_read_neither_crashes_nor_leaves_a_connection_open(folder: Path, cache: Path):
    import subprocess
    import sys

    # In a process of its own: closing an sqlite3 connection while another thread runs a query on it
    # crashes the interpreter, which would take the test run with it.
    countries = [{"id": f"c-{i:04d}", "kind": "country", "name": f"Land {i:04d}"} for i in range(3000)]
    write_yaml(folder, "countries/pack.yaml", countries)
    Store.open([folder], cache_dir=cache).close()
    proc = subprocess.run(
        [sys.executable, "-c", CLOSE_UNDER_READERS, str(folder), str(cache)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == "ok\n"


def test_interrupt_stops_the_query_of_one_thread_and_is_safe_against_close(folder: Path, cache: Path):
    import sqlite3

    countries = [{"id": f"c-{i:04d}", "kind": "country", "name": f"Land {i:04d}"} for i in range(3000)]
    write_yaml(folder, "countries/pack.yaml", countries)
    store = Store.open([folder], cache_dir=cache)
    started, go_on, outcome = threading.Event(), threading.Event(), []

    def long_query() -> None:
        def progress() -> int:  # holds the query mid-way until the test has interrupted it
            started.set()
            go_on.wait(30)
            return 0

        store.conn.set_progress_handler(progress, 1000)
        try:
            store.level("country", limit=3000)
        except sqlite3.OperationalError as exc:
            outcome.append(str(exc))

    worker = threading.Thread(target=long_query)
    worker.start()
    assert started.wait(30)
    store.interrupt()  # any thread, here not the one running it
    go_on.set()
    worker.join(30)
    assert outcome == ["interrupted"]
    store.interrupt(worker)  # a thread in no call, or gone: nothing to stop
    store.close()
    store.interrupt()  # after close: nothing to stop, and no error


def test_a_closed_store_says_so_on_every_thread(folder: Path, cache: Path):
    store = Store.open([folder], cache_dir=cache)
    store.ref("alpha")
    store.close()
    with pytest.raises(StoreClosed, match="closed"):
        store.page("alpha")
    raised = in_thread(lambda: store.search("alpha"))
    assert isinstance(raised, StoreClosed)
    assert isinstance(raised, RuntimeError) and isinstance(raised, StoreError)
    store.close()  # closing twice is harmless


def test_closing_an_in_memory_store_frees_its_index(folder: Path, cache: Path, monkeypatch: pytest.MonkeyPatch):
    from desktop.core import cache as caching

    def unusable(*args: Any, **kwargs: Any) -> Path:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(caching, "_write", unusable)
    store = Store.open([folder], cache_dir=cache)
    assert store.path is None and "kept in memory" in store.notice
    keeper = store._keeper
    assert in_thread(lambda: store.ref("beta").name) == "Beta"
    store.close()
    with pytest.raises(Exception, match="closed"):
        keeper.execute("SELECT 1")


# -- a refresh that fails --------------------------------------------------------------------------------------


def _changed(folder: Path, cache: Path) -> None:
    """An index of `folder`, then an edit that a refresh would normally take."""
    Store.open([folder], cache_dir=cache).close()
    path = write(folder, "programs/alpha.yaml", entity("alpha", name="Alpha Renamed"))
    bump_mtime(path)


def _broken_refresh(*args: Any, **kwargs: Any) -> None:
    raise KeyError("a bug in the refresh")


def test_a_bug_in_the_refresh_falls_back_to_a_full_build(
    folder: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    _changed(folder, cache)
    monkeypatch.delenv("ALMANAC_DEBUG", raising=False)
    monkeypatch.setattr(refresh, "refresh", _broken_refresh)
    with caplog.at_level(logging.DEBUG, logger="almanac.store"):
        store = Store.open([folder], cache_dir=cache)
    assert store.built is True and store.refreshed is False
    assert store.page("alpha").name == "Alpha Renamed"
    records = [r for r in caplog.records if r.name == "almanac.store" and r.levelno >= logging.WARNING]
    assert len(records) == 1
    line = records[0].getMessage()
    assert "\n" not in line and "KeyError" in line and "a bug in the refresh" in line
    assert not records[0].exc_info  # one line unless ALMANAC_DEBUG=1
    assert [n for n in os.listdir(cache) if n.endswith(".tmp")] == []
    store.close()
    assert Store.open([folder], cache_dir=cache).built is False  # the full build is current


def test_with_almanac_debug_a_failed_refresh_logs_its_traceback(
    folder: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    _changed(folder, cache)
    monkeypatch.setenv("ALMANAC_DEBUG", "1")
    monkeypatch.setattr(refresh, "refresh", _broken_refresh)
    with caplog.at_level(logging.DEBUG, logger="almanac.store"):
        store = Store.open([folder], cache_dir=cache)
    assert store.built is True
    (record,) = [r for r in caplog.records if r.name == "almanac.store" and r.levelno >= logging.WARNING]
    assert record.exc_info is not None and record.exc_info[0] is KeyError
    store.close()

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    _changed(folder, cache)
    monkeypatch.setattr(refresh, "refresh", interrupted)
    with pytest.raises(KeyboardInterrupt):  # only errors fall back to a build: Ctrl+C still stops
        Store.open([folder], cache_dir=cache)


# -- an index deleted under an open store --------------------------------------------------------------------------


def test_without_rebuild_missing_a_deleted_index_is_reported_not_rebuilt(folder: Path, cache: Path):
    store = Store.open([folder], cache_dir=cache, rebuild_missing=False)
    assert store.index_present()
    assert store.ref("alpha").name == "Alpha"
    store.path.unlink()
    assert not store.index_present()
    assert store.ref("alpha").name == "Alpha"  # a connection already open reads the deleted file on
    raised = in_thread(lambda: store.ref("beta"))
    assert isinstance(raised, IndexMissing) and isinstance(raised, StoreError)
    assert str(store.path) in str(raised)
    assert not store.path.exists()  # nothing was built
    assert store.notice == ""
    again = store.reopen()  # what a caller does next, off the GUI thread
    assert again.built is True and again.index_present()
    assert in_thread(lambda: again.ref("beta").name) == "Beta"
    store.close()
    again.close()


def test_by_default_a_deleted_index_is_rebuilt_in_place_for_the_command_line(folder: Path, cache: Path):
    store = Store.open([folder], cache_dir=cache)
    store.ref("alpha")
    store.path.unlink()
    assert not store.index_present()
    assert in_thread(lambda: store.ref("beta").name) == "Beta"
    assert store.path.is_file() and store.index_present()
    assert store.notice == "the index was deleted while in use and has been rebuilt"
    store.close()


def test_an_in_memory_index_is_always_present(folder: Path, cache: Path, monkeypatch: pytest.MonkeyPatch):
    from desktop.core import cache as caching

    def unusable(*args: Any, **kwargs: Any) -> Path:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(caching, "_write", unusable)
    store = Store.open([folder], cache_dir=cache, rebuild_missing=False)
    assert store.path is None and store.index_present()
    assert in_thread(lambda: store.ref("beta").name) == "Beta"
    store.close()

"""The reader's own store: bookmarks, notes, history and tabs in one SQLite file of the user data folder.

Where it lives, how it survives a damaged file, a newer version's file and an unwritable folder,
two windows or processes on one file, and each part's behaviour.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs
import pytest
from hostile import tally
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core import reader_files, user_dirs
from desktop.core.cache import APP_NAME, default_cache_dir
from desktop.core.reader_data import (
    HISTORY_LIMIT,
    HOME,
    Bookmark,
    BookmarkImportError,
    Folder,
    ReaderData,
    ReaderDataError,
    TabState,
    default_path,
    notes_query,
)
from desktop.core.reader_files import MAX_DEPTH, MAX_IMPORT_BYTES, MAX_IMPORT_ITEMS, parse_bookmarks, schema_version

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2025, 3, 14, 15, 9, 26, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand, so that times can be told apart and checked."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float = 1) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user-data"
    monkeypatch.setenv(user_dirs.DATA_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def open_reader(data_folder: Path, clock: Clock) -> Iterator[Callable[..., ReaderData]]:
    """Opens ReaderData objects (on the default file unless told) and closes them all afterwards."""
    opened: list[ReaderData] = []

    def make(path: Path | None = None, **kwargs: object) -> ReaderData:
        kwargs.setdefault("clock", clock)
        reader = ReaderData(path, **kwargs)  # type: ignore[arg-type]
        opened.append(reader)
        return reader

    yield make
    for reader in opened:
        reader.close()


@pytest.fixture
def reader(open_reader: Callable[..., ReaderData]) -> ReaderData:
    return open_reader()


@contextlib.contextmanager
def raw(path: Path, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """A plain connection to a file, as another program (or a test) would open it; closed afterwards."""
    target = f"file:{path}?mode=ro" if read_only else str(path)
    conn = sqlite3.connect(target, uri=read_only, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def shape(items: tuple[Bookmark | Folder, ...]) -> list[object]:
    """The tree without ids and times: what a person sees."""
    return [(i.entity_id, i.title) if isinstance(i, Bookmark) else (i.title, shape(i.children)) for i in items]


def positions_are_dense(reader: ReaderData) -> bool:
    def check(items: tuple[Bookmark | Folder, ...]) -> bool:
        return [i.position for i in items] == list(range(len(items))) and all(
            check(i.children) for i in items if isinstance(i, Folder)
        )

    return check(reader.bookmarks())


# -- where the file lives --------------------------------------------------------------------------


def test_the_file_is_reader_sqlite3_in_the_folder_almanac_data_dir_names(data_folder: Path, reader: ReaderData):
    assert default_path() == data_folder / "reader.sqlite3"
    assert reader.path == data_folder / "reader.sqlite3"
    assert reader.path.is_file()
    assert (reader.set_aside, reader.read_only, reader.notice) == (None, False, "")


def test_without_the_override_it_is_the_platforms_user_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(user_dirs.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    expected = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    assert user_dirs.data_dir() == expected
    assert default_path() == expected / "reader.sqlite3"


def test_imported_packs_go_in_the_same_folder(data_folder: Path):
    from desktop.ui import figures_import

    assert figures_import.DATA_DIR_ENV == user_dirs.DATA_DIR_ENV
    assert figures_import.packs_dir() == data_folder / "packs" == user_dirs.data_dir() / "packs"


def test_deleting_the_cache_loses_nothing_of_the_readers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for name in ("ALMANAC_CACHE_DIR", user_dirs.DATA_DIR_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    cache, data = default_cache_dir(), user_dirs.data_dir()
    assert not data.is_relative_to(cache) and not cache.is_relative_to(data)
    from desktop.core.bundle import bundled_data_dir
    from desktop.core.store import Store

    Store.open([bundled_data_dir()], cache_dir=cache).close()
    assert any(cache.iterdir())
    with ReaderData() as reader:
        reader.toggle_bookmark("imet", "IMET")
        reader.set_note("imet", "kept")
    shutil.rmtree(cache)
    with ReaderData() as reader:
        assert reader.is_bookmarked("imet") and reader.note("imet") == "kept"


# -- the file: WAL, busy timeout, transactions, versions ---------------------------------------------


def test_the_file_is_in_wal_mode_and_waits_for_a_busy_writer(reader: ReaderData):
    with raw(reader.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert reader._conn.execute("PRAGMA busy_timeout").fetchone()[0] == reader_files.BUSY_TIMEOUT_MS
    other = sqlite3.connect(reader.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another window in the middle of a write
    threading.Timer(0.4, lambda: other.execute("COMMIT")).start()
    started = time.monotonic()
    assert reader.toggle_bookmark("imet", "IMET")  # waits for it rather than failing
    assert time.monotonic() - started >= 0.3
    other.close()


def test_a_write_that_fails_part_way_leaves_nothing_behind(reader: ReaderData):
    reader.save_tabs([TabState(("imet",))], 0)
    with raw(reader.path) as conn:
        conn.execute(
            "CREATE TRIGGER refuse_third AFTER INSERT ON tabs WHEN new.position = 2"
            " BEGIN SELECT RAISE(ABORT, 'no'); END"
        )
    with pytest.raises(ReaderDataError, match="could not be saved"):
        reader.save_tabs([TabState(("a",)), TabState(("b",)), TabState(("c",))], 1)
    assert reader.tabs() == ([TabState(("imet",))], 0)
    assert not reader._conn.in_transaction
    reader.toggle_bookmark("pakistan", "Pakistan")  # the connection is usable again
    assert reader.is_bookmarked("pakistan")


def test_an_error_inside_a_write_rolls_all_of_it_back(reader: ReaderData, monkeypatch: pytest.MonkeyPatch):
    document = {"format": "almanac-bookmarks", "version": 1, "items": [
        {"type": "bookmark", "entity": f"e{i}", "title": f"E {i}"} for i in range(5)
    ]}  # fmt: skip
    real_insert = ReaderData._insert
    calls = []

    def failing_insert(self: ReaderData, *args: object) -> int:
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("a bug in the middle of an import")
        return real_insert(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ReaderData, "_insert", failing_insert)
    with pytest.raises(RuntimeError):
        reader.import_bookmarks(json.dumps(document))
    monkeypatch.undo()
    assert reader.bookmarks() == ()


def test_a_new_file_is_at_the_current_version(reader: ReaderData):
    with raw(reader.path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() >= 1


def test_an_older_file_is_brought_up_to_date_keeping_its_data(
    open_reader: Callable[..., ReaderData], data_folder: Path, monkeypatch: pytest.MonkeyPatch
):
    first = open_reader()
    first.toggle_bookmark("imet", "IMET")
    first.set_note("imet", "kept across the migration")
    first.close()
    step = ("CREATE TABLE later_feature (id INTEGER PRIMARY KEY)",)
    monkeypatch.setattr(reader_files, "MIGRATIONS", (*reader_files.MIGRATIONS, step))
    second = open_reader()
    assert not second.read_only
    with raw(second.path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() == 2
        assert conn.execute("SELECT count(*) FROM later_feature").fetchone()[0] == 0
    assert second.is_bookmarked("imet") and second.note("imet") == "kept across the migration"


def test_an_empty_database_from_elsewhere_is_given_the_schema(data_folder: Path, open_reader):
    data_folder.mkdir()
    sqlite3.connect(data_folder / "reader.sqlite3").close()  # an empty file: SQLite writes nothing until asked
    reader = open_reader()
    assert reader.set_aside is None
    reader.record_visit(HOME, "Home")
    assert [v.target for v in reader.history()] == [HOME]


def test_a_newer_versions_file_is_opened_read_only_and_never_altered(
    open_reader: Callable[..., ReaderData], caplog: pytest.LogCaptureFixture
):
    first = open_reader()
    first.toggle_bookmark("imet", "IMET")
    first.set_note("imet", "written by the newer version")
    first.save_tabs([TabState((HOME, "imet"), 1)], 0)
    path = first.path
    first.close()
    with raw(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    assert not Path(f"{path}-wal").exists()
    before = (path.read_bytes(), path.stat().st_mtime_ns)

    with caplog.at_level(logging.WARNING, logger="almanac.reader"):
        reader = open_reader()
    assert reader.read_only and reader.set_aside is None
    assert "newer version" in reader.notice and "read-only" in reader.notice and "\n" not in reader.notice
    assert any("newer version" in r.getMessage() for r in caplog.records)
    assert reader.is_bookmarked("imet") and reader.note("imet") == "written by the newer version"
    assert reader.tabs() == ([TabState((HOME, "imet"), 1)], 0)
    writes: list[Callable[[], object]] = [
        lambda: reader.toggle_bookmark("fmf", "FMF"),
        lambda: reader.set_note("imet", "changed"),
        lambda: reader.record_visit("imet", "IMET"),
        lambda: reader.save_tabs([], 0),
        reader.clear_history,
        lambda: reader.add_folder("Programs"),
    ]
    for write in writes:
        with pytest.raises(ReaderDataError, match="newer version"):
            write()
    reader.close()
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


# -- a damaged file is set aside -------------------------------------------------------------------


def stamp(clock: Clock) -> str:
    return clock().astimezone().strftime("%Y%m%d-%H%M%S")


def test_a_file_that_is_not_a_database_is_set_aside_with_its_companions(
    data_folder: Path, open_reader: Callable[..., ReaderData], clock: Clock, caplog: pytest.LogCaptureFixture
):
    data_folder.mkdir()
    path = data_folder / "reader.sqlite3"
    garbage = b"this is not a database, but it may be all the reader has" * 100
    path.write_bytes(garbage)
    Path(f"{path}-wal").write_bytes(b"wal bytes")
    Path(f"{path}-shm").write_bytes(b"shm bytes")
    with caplog.at_level(logging.WARNING, logger="almanac.reader"):
        reader = open_reader()
    aside = data_folder / f"reader.sqlite3.damaged-{stamp(clock)}"
    assert reader.set_aside == aside
    assert aside.read_bytes() == garbage
    assert Path(f"{aside}-wal").read_bytes() == b"wal bytes"
    assert Path(f"{aside}-shm").exists()  # SQLite's scratch index, which it may rebuild on a look: moved, not kept
    assert aside.name in reader.notice and "damaged" in reader.notice
    assert any("damaged" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert not reader.read_only
    assert reader.toggle_bookmark("imet", "IMET")  # a fresh file, ready for work
    assert reader.bookmarks()[0].entity_id == "imet"


def corrupt_pages(path: Path) -> None:
    """Overwrite part of every page but the first: still an SQLite file, but one whose trees are broken."""
    page_size = 4096
    with path.open("r+b") as f:
        pages = path.stat().st_size // page_size
        assert pages > 3
        for page in range(1, pages):
            f.seek(page * page_size + 8)
            f.write(b"\xff" * 64)


def test_a_file_that_fails_its_quick_check_is_set_aside_never_overwritten(
    open_reader: Callable[..., ReaderData], clock: Clock
):
    first = open_reader()
    for i in range(200):
        first.set_note(f"entity-{i}", f"note {i} " * 40)
    first.close()
    path = first.path
    corrupt_pages(path)
    damaged = path.read_bytes()
    reader = open_reader()
    assert reader.set_aside is not None and reader.set_aside.read_bytes() == damaged
    assert reader.notes() == []
    with raw(reader.set_aside, read_only=True) as conn, contextlib.suppress(sqlite3.DatabaseError):
        assert conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]


def test_setting_aside_never_replaces_an_earlier_damaged_file(
    data_folder: Path, open_reader: Callable[..., ReaderData], clock: Clock
):
    data_folder.mkdir()
    path = data_folder / "reader.sqlite3"
    earlier = data_folder / f"reader.sqlite3.damaged-{stamp(clock)}"
    earlier.write_bytes(b"set aside earlier in the same second")
    path.write_bytes(b"damaged again" * 200)
    first = open_reader()
    assert first.set_aside == data_folder / f"reader.sqlite3.damaged-{stamp(clock)}-2"
    first.close()
    path.write_bytes(b"and again" * 200)
    second = open_reader()
    assert second.set_aside == data_folder / f"reader.sqlite3.damaged-{stamp(clock)}-3"
    assert earlier.read_bytes() == b"set aside earlier in the same second"
    assert first.set_aside.read_bytes() == b"damaged again" * 200
    assert second.set_aside.read_bytes() == b"and again" * 200


def test_an_empty_file_or_no_file_is_not_damage(data_folder: Path, open_reader: Callable[..., ReaderData]):
    assert open_reader().set_aside is None  # none there: created
    other = data_folder / "other.sqlite3"
    other.write_bytes(b"")
    assert open_reader(other).set_aside is None
    assert sorted(p.name for p in data_folder.iterdir() if "damaged" in p.name) == []


# -- an unwritable place is a clear error ------------------------------------------------------------


def one_line_error(make: Callable[[], object]) -> str:
    with pytest.raises(ReaderDataError) as caught:
        make()
    message = str(caught.value)
    assert message and "\n" not in message and "Traceback" not in message
    return message


def test_a_folder_that_is_a_file_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    message = one_line_error(lambda: ReaderData(blocker / "reader.sqlite3"))
    assert str(blocker) in message
    message = one_line_error(lambda: ReaderData(blocker / "deeper" / "reader.sqlite3"))
    assert "cannot be kept" in message


def test_a_read_only_folder_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "locked"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == folder else real_access(p, mode))
    assert "read-only" in one_line_error(lambda: ReaderData(folder / "reader.sqlite3"))
    assert not (folder / "reader.sqlite3").exists()


def test_a_read_only_file_is_a_clear_error(data_folder: Path, monkeypatch: pytest.MonkeyPatch):
    with ReaderData() as reader:
        reader.toggle_bookmark("imet", "IMET")
        path = reader.path
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == path else real_access(p, mode))
    assert "read-only" in one_line_error(lambda: ReaderData())


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="permissions do not bind root")
def test_a_folder_without_write_permission_is_a_clear_error(tmp_path: Path):
    folder = tmp_path / "locked"
    folder.mkdir()
    with ReaderData(folder / "reader.sqlite3") as reader:
        reader.toggle_bookmark("imet", "IMET")
    folder.chmod(0o555)
    try:
        one_line_error(lambda: ReaderData(folder / "reader.sqlite3"))
        one_line_error(lambda: ReaderData(folder / "sub" / "reader.sqlite3"))
    finally:
        folder.chmod(0o755)


def test_a_folder_in_the_files_place_is_a_clear_error(data_folder: Path):
    (data_folder / "reader.sqlite3").mkdir(parents=True)
    assert "not a file" in one_line_error(lambda: ReaderData())


# -- two windows, two processes ------------------------------------------------------------------------


def test_two_windows_see_each_others_writes(open_reader: Callable[..., ReaderData]):
    one, two = open_reader(), open_reader()
    assert not one.changed() and not two.changed()
    one.toggle_bookmark("imet", "IMET")
    assert not one.changed()  # its own write needs no refresh
    assert two.changed() and two.is_bookmarked("imet")
    assert not two.changed()  # told once
    two.set_note("imet", "from the second window")
    assert one.changed() and one.note("imet") == "from the second window"
    two.record_visit("imet", "IMET")
    one.save_tabs([TabState(("imet",))], 0)
    assert one.changed() and two.changed()
    assert one.history()[0].target == "imet" and two.tabs() == ([TabState(("imet",))], 0)


def test_two_windows_writing_in_turn_lose_nothing(open_reader: Callable[..., ReaderData]):
    one, two = open_reader(), open_reader()
    for i in range(30):
        (one if i % 2 else two).add_bookmark(f"e{i}", f"E {i}")
    assert [b.entity_id for b in one.bookmarks()] == [f"e{i}" for i in range(30)]
    assert positions_are_dense(two)


def test_two_threads_each_with_its_own_reader_lose_no_write(data_folder: Path):
    ReaderData().close()  # made once, so the threads race on writes, not on creating the file
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            with ReaderData() as mine:
                for i in range(60):
                    mine.add_bookmark(f"{name}-{i}", name)
                    mine.set_note(f"{name}-{i}", f"written by {name}")
        except BaseException as exc:  # reported below, on the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(name,)) for name in ("left", "right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with ReaderData() as reader:
        assert len(reader.bookmarks()) == 120 and positions_are_dense(reader)
        assert len(reader.notes()) == 120


CHILD = """
import sys
from pathlib import Path
from desktop.core.reader_data import ReaderData

reader = ReaderData(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()
for i in range(int(sys.argv[2])):
    reader.add_bookmark(f"child-{i}", f"Child {i}")
    reader.set_note(f"child-{i}", f"a note the other process wrote, number {i}")
    reader.record_visit(f"child-{i}", f"Child {i}")
reader.close()
print("done", flush=True)
"""


def test_a_second_process_writing_at_the_same_time_loses_nothing(reader: ReaderData):
    count = 80
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(reader.path), str(count)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline().strip() == "ready"
        child.stdin.write("go\n")
        child.stdin.flush()
        for i in range(count):
            reader.add_bookmark(f"parent-{i}", f"Parent {i}")
            reader.set_note(f"parent-{i}", f"a note this process wrote, number {i}")
            reader.record_visit(f"parent-{i}", f"Parent {i}")
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert out.strip() == "done"
    assert reader.changed()
    ids = {b.entity_id for b in reader.bookmarks()}
    expected = {f"{who}-{i}" for who in ("parent", "child") for i in range(count)}
    assert ids == expected and len(reader.bookmarks()) == 2 * count
    assert positions_are_dense(reader)
    assert {n.entity_id for n in reader.notes()} == expected
    assert {v.target for v in reader.history(limit=1000)} == expected
    assert reader.search_notes("other process")[0].entity_id.startswith("child-")


# -- bookmarks ---------------------------------------------------------------------------------------------


def test_toggling_a_bookmark(reader: ReaderData):
    assert not reader.is_bookmarked("imet")
    assert reader.toggle_bookmark("imet", "International Military Education and Training") is True
    assert reader.is_bookmarked("imet")
    (mark,) = reader.bookmarks()
    assert (mark.entity_id, mark.title, mark.parent, mark.position) == (
        "imet",
        "International Military Education and Training",
        None,
        0,
    )
    assert mark.added == START
    assert reader.toggle_bookmark("imet", "whatever") is False
    assert not reader.is_bookmarked("imet") and reader.bookmarks() == ()


def test_a_bookmark_keeps_the_title_it_was_given(reader: ReaderData):
    reader.add_bookmark("pakistan", "  Pakistan\n(as it was then)  ")
    reader.add_bookmark("gone", "")
    assert shape(reader.bookmarks()) == [("pakistan", "Pakistan (as it was then)"), ("gone", "gone")]


def test_an_entity_is_bookmarked_once(reader: ReaderData):
    folder = reader.add_folder("Programs")
    first = reader.add_bookmark("imet", "IMET", folder)
    assert reader.add_bookmark("imet", "IMET again") == first
    assert shape(reader.bookmarks()) == [("Programs", [("imet", "IMET")])]


def test_folders_nest_and_keep_their_order(reader: ReaderData):
    programs = reader.add_folder("Programs")
    training = reader.add_folder("Training", programs)
    reader.add_bookmark("imet", "IMET", training)
    reader.add_bookmark("fmf", "FMF", programs)
    reader.add_bookmark("pakistan", "Pakistan")
    assert shape(reader.bookmarks()) == [
        ("Programs", [("Training", [("imet", "IMET")]), ("fmf", "FMF")]),
        ("pakistan", "Pakistan"),
    ]
    top = reader.bookmarks()
    assert isinstance(top[0], Folder) and top[0].id == programs and top[0].children[0].parent == programs
    assert positions_are_dense(reader)
    with pytest.raises(dataclasses.FrozenInstanceError):
        top[0].title = "changed"  # type: ignore[misc]


def test_bookmarks_go_only_into_folders_that_exist(reader: ReaderData):
    mark = reader.add_bookmark("imet", "IMET")
    with pytest.raises(ReaderDataError, match="not into another bookmark"):
        reader.add_bookmark("fmf", "FMF", mark)
    with pytest.raises(ReaderDataError, match="no longer there"):
        reader.add_folder("Lost", 9999)
    with pytest.raises(ReaderDataError, match="needs a title"):
        reader.add_folder("   ")
    assert shape(reader.bookmarks()) == [("imet", "IMET")]


def test_renaming(reader: ReaderData):
    folder = reader.add_folder("Progams")
    mark = reader.add_bookmark("imet", "IMET", folder)
    reader.rename(folder, "Programs")
    reader.rename(mark, "International Military Education and Training")
    assert shape(reader.bookmarks()) == [("Programs", [("imet", "International Military Education and Training")])]
    with pytest.raises(ReaderDataError, match="needs a title"):
        reader.rename(folder, "")
    with pytest.raises(ReaderDataError, match="no longer there"):
        reader.rename(9999, "Nothing")


def test_moving_reorders_within_a_folder(reader: ReaderData):
    ids = [reader.add_bookmark(e, e.upper()) for e in ("a", "b", "c", "d")]
    reader.move(ids[3], None, 0)
    assert [b.entity_id for b in reader.bookmarks()] == ["d", "a", "b", "c"]
    reader.move(ids[3], None, 99)  # past the end: the end
    assert [b.entity_id for b in reader.bookmarks()] == ["a", "b", "c", "d"]
    reader.move(ids[0], None, 2)  # its index once moved
    assert [b.entity_id for b in reader.bookmarks()] == ["b", "c", "a", "d"]
    reader.move(ids[0], None, -5)
    assert [b.entity_id for b in reader.bookmarks()] == ["a", "b", "c", "d"]
    assert positions_are_dense(reader)


def test_moving_between_folders(reader: ReaderData):
    left, right = reader.add_folder("Left"), reader.add_folder("Right")
    a = reader.add_bookmark("a", "A", left)
    reader.add_bookmark("b", "B", left)
    reader.add_bookmark("c", "C", right)
    reader.move(a, right, 1)
    assert shape(reader.bookmarks()) == [("Left", [("b", "B")]), ("Right", [("c", "C"), ("a", "A")])]
    reader.move(right, left, 0)  # a folder with its contents
    assert shape(reader.bookmarks()) == [("Left", [("Right", [("c", "C"), ("a", "A")]), ("b", "B")])]
    reader.move(a, None, 0)
    assert shape(reader.bookmarks())[0] == ("a", "A")
    assert positions_are_dense(reader)


def test_a_folder_cannot_move_into_itself_or_below_itself(reader: ReaderData):
    outer = reader.add_folder("Outer")
    inner = reader.add_folder("Inner", outer)
    deepest = reader.add_folder("Deepest", inner)
    before = reader.bookmarks()
    for target in (outer, inner, deepest):
        with pytest.raises(ReaderDataError, match="into itself"):
            reader.move(outer, target, 0)
    assert reader.bookmarks() == before
    reader.move(deepest, outer, 0)  # upwards is fine
    assert shape(reader.bookmarks()) == [("Outer", [("Deepest", []), ("Inner", [])])]


def test_folders_nest_only_so_deep(reader: ReaderData):
    parent = None
    chain = []
    for level in range(MAX_DEPTH):
        parent = reader.add_folder(f"Level {level + 1}", parent)
        chain.append(parent)
    with pytest.raises(ReaderDataError, match="at most"):
        reader.add_folder("One too deep", parent)
    pair = reader.add_folder("Pair")
    reader.add_folder("Inside", pair)
    with pytest.raises(ReaderDataError, match="at most"):
        reader.move(pair, chain[-2], 0)  # two levels under fifteen
    reader.move(pair, chain[-3], 0)
    assert json.loads(reader.export_bookmarks())  # and what is allowed exports and imports back
    assert parse_bookmarks(reader.export_bookmarks())


def test_removing_a_folder_removes_its_contents(reader: ReaderData):
    keep = reader.add_bookmark("keep", "Keep")
    folder = reader.add_folder("Old")
    sub = reader.add_folder("Older", folder)
    reader.add_bookmark("inside", "Inside", sub)
    last = reader.add_bookmark("last", "Last")
    assert reader.remove(folder) is True
    assert not reader.is_bookmarked("inside")
    assert shape(reader.bookmarks()) == [("keep", "Keep"), ("last", "Last")]
    assert positions_are_dense(reader)
    with raw(reader.path) as conn:
        assert conn.execute("SELECT count(*) FROM bookmark_items").fetchone()[0] == 2
    assert reader.remove(folder) is False
    assert reader.remove(keep) and reader.remove(last) and reader.bookmarks() == ()


def test_entity_ids_must_be_usable(reader: ReaderData):
    for bad in ("", "   ", "x" * 301, "line\nbreak", None, 42):
        with pytest.raises(ValueError):
            reader.toggle_bookmark(bad, "Bad")  # type: ignore[arg-type]
    assert reader.bookmarks() == ()


# -- export and import -------------------------------------------------------------------------------------


def sample(reader: ReaderData) -> None:
    programs = reader.add_folder("Programs")
    reader.add_bookmark("imet", "IMET", programs)
    training = reader.add_folder("Training", programs)
    reader.add_bookmark("whinsec", "WHINSEC", training)
    reader.add_bookmark("pakistan", "Pakistan")


def test_the_export_has_a_documented_shape(reader: ReaderData):
    sample(reader)
    document = json.loads(reader.export_bookmarks())
    assert document["format"] == "almanac-bookmarks" and document["version"] == 1
    assert datetime.fromisoformat(document["exported"]) == START
    assert document["items"] == [
        {"type": "folder", "title": "Programs", "items": [
            {"type": "bookmark", "entity": "imet", "title": "IMET"},
            {"type": "folder", "title": "Training", "items": [
                {"type": "bookmark", "entity": "whinsec", "title": "WHINSEC"}]}]},
        {"type": "bookmark", "entity": "pakistan", "title": "Pakistan"},
    ]  # fmt: skip
    assert '"format": "almanac-bookmarks"' in reader_files.__doc__  # the docstring shows this very shape


def test_export_then_import_into_an_empty_store_gives_the_same_tree(
    reader: ReaderData, open_reader: Callable[..., ReaderData], tmp_path: Path
):
    sample(reader)
    other = open_reader(tmp_path / "elsewhere" / "reader.sqlite3")
    summary = other.import_bookmarks(reader.export_bookmarks().encode())
    assert (summary.bookmarks_added, summary.folders_added, summary.already_there) == (3, 2, 0)
    assert shape(other.bookmarks()) == shape(reader.bookmarks())


def test_importing_merges_without_duplicates(reader: ReaderData):
    sample(reader)
    exported = reader.export_bookmarks()
    summary = reader.import_bookmarks(exported)
    assert (summary.bookmarks_added, summary.folders_added, summary.already_there) == (0, 0, 3)
    before = shape(reader.bookmarks())
    more = {"format": "almanac-bookmarks", "version": 1, "extra": "ignored", "items": [
        {"type": "folder", "title": "Programs", "items": [
            {"type": "bookmark", "entity": "fmf", "title": "FMF", "note": "unknown keys are ignored"},
            {"type": "bookmark", "entity": "pakistan", "title": "Pakistan, a second time"}]},
        {"type": "folder", "title": "Empty", "items": []},
    ]}  # fmt: skip
    summary = reader.import_bookmarks(json.dumps(more))
    assert (summary.bookmarks_added, summary.folders_added, summary.already_there) == (1, 1, 1)
    assert shape(reader.bookmarks()) == [
        (before[0][0], [*before[0][1], ("fmf", "FMF")]),
        ("pakistan", "Pakistan"),
        ("Empty", []),
    ]
    assert positions_are_dense(reader)


def test_importing_into_a_folder(reader: ReaderData):
    target = reader.add_folder("From a colleague")
    document = {"format": "almanac-bookmarks", "version": 1, "items": [{"type": "bookmark", "entity": "imet"}]}
    reader.import_bookmarks(json.dumps(document), into=target)
    assert shape(reader.bookmarks()) == [("From a colleague", [("imet", "imet")])]
    with pytest.raises(ReaderDataError, match="no longer there"):
        reader.import_bookmarks(json.dumps(document), into=9999)


def nested(depth: int) -> dict[str, object]:
    items: list[object] = [{"type": "bookmark", "entity": "deep", "title": "Deep"}]
    for level in range(depth):
        items = [{"type": "folder", "title": f"Level {level}", "items": items}]
    return {"format": "almanac-bookmarks", "version": 1, "items": items}


def bookmark(entity: object = "imet", **more: object) -> dict[str, object]:
    return {"type": "bookmark", "entity": entity, "title": "T", **more}


def document(*items: object, **top: object) -> str:
    return json.dumps({"format": "almanac-bookmarks", "version": 1, "items": list(items), **top})


BAD_IMPORTS: list[tuple[str | bytes, str]] = [
    ("", "not JSON"),
    ("{", "not JSON"),
    ("{'format': 'python, not JSON'}", "not JSON"),
    (b"\xff\xfe\x00garbage\x80", "not"),
    ("[]", "not an Almanac bookmarks file"),
    ('"almanac-bookmarks"', "not an Almanac bookmarks file"),
    ('{"format": "firefox-bookmarks", "version": 1, "items": []}', "not an Almanac bookmarks file"),
    ('{"format": "almanac-bookmarks", "items": []}', '"version"'),
    ('{"format": "almanac-bookmarks", "version": true, "items": []}', '"version"'),
    ('{"format": "almanac-bookmarks", "version": "1", "items": []}', '"version"'),
    ('{"format": "almanac-bookmarks", "version": 2, "items": []}', "newer version"),
    ('{"format": "almanac-bookmarks", "version": 1}', "items must be a list"),
    ('{"format": "almanac-bookmarks", "version": 1, "items": {}}', "items must be a list"),
    (document(bookmark(), "just text"), "items[1] must be an object"),
    (document(bookmark(), {"type": "separator"}), 'items[1] must have "type"'),
    (document(bookmark(), bookmark(entity=None)), 'items[1] needs an "entity"'),
    (document(bookmark(entity=7)), 'items[0] needs an "entity"'),
    (document(bookmark(entity="  ")), 'items[0] needs an "entity"'),
    (document(bookmark(entity="x" * 301)), 'items[0] needs an "entity"'),
    (document(bookmark(title=["a list"])), 'items[0] needs a "title"'),
    (document(bookmark(title="x" * 1001)), "too long"),
    (document({"type": "folder", "items": []}), 'items[0] needs a "title"'),
    (document({"type": "folder", "title": " ", "items": []}), "needs a title"),
    (document({"type": "folder", "title": "F", "items": [bookmark(), 3]}), "items[0].items[1] must be an object"),
    (json.dumps(nested(MAX_DEPTH + 1)), "nest over"),
    ("[" * 100_000 + "]" * 100_000, "nests too deep"),
    (document(bookmark(), **{"padding": "x" * MAX_IMPORT_BYTES}), "over 10 MB"),
    (document(*(bookmark(f"e{i}") for i in range(MAX_IMPORT_ITEMS + 1))), "more than 50,000 items"),
    ('{"format": "almanac-bookmarks", "version": ' + "9" * 5000 + ', "items": []}', "not"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_IMPORTS, ids=range(len(BAD_IMPORTS)))
def test_a_bad_import_says_what_is_wrong_and_adds_nothing(reader: ReaderData, text: str | bytes, expected: str):
    sample(reader)
    before = reader.bookmarks()
    message = one_line_error(lambda: reader.import_bookmarks(text))
    assert message.startswith("Cannot import bookmarks: ") and expected in message
    assert reader.bookmarks() == before
    tally("reader data")


def test_an_import_too_deep_for_the_folder_it_goes_into_adds_nothing(reader: ReaderData):
    parent = None
    for level in range(MAX_DEPTH - 1):
        parent = reader.add_folder(f"Level {level + 1}", parent)
    before = reader.bookmarks()
    with pytest.raises(BookmarkImportError, match="nest over"):
        reader.import_bookmarks(json.dumps(nested(2)), into=parent)
    assert reader.bookmarks() == before
    reader.import_bookmarks(json.dumps(nested(1)), into=parent)


WORDS = st.sampled_from(["bookmark", "folder", "almanac-bookmarks", "items", "entity", "title", "type"])
KEYS = st.sampled_from(["type", "entity", "title", "items", "format", "version", "x"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8) | WORDS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=JSON_VALUES)
def test_any_json_is_imported_or_refused_cleanly(reader: ReaderData, items: object):
    text = json.dumps({"format": "almanac-bookmarks", "version": 1, "items": items})
    before = reader.bookmarks()
    try:
        reader.import_bookmarks(text)
    except BookmarkImportError:
        assert reader.bookmarks() == before
    assert positions_are_dense(reader)
    tally("reader data")


# -- notes -----------------------------------------------------------------------------------------------


def test_a_note_is_kept_verbatim(reader: ReaderData):
    assert reader.note("imet") == ""
    text = "  # My note\n\n* suspended in 2018 — *check* [source](entity:pakistan)\n\tindented\r\nemoji 🎖\n\n"
    reader.set_note("imet", text)
    assert reader.note("imet") == text


def test_an_empty_note_is_deleted(reader: ReaderData):
    reader.set_note("imet", "something")
    reader.set_note("imet", "")
    assert reader.note("imet") == "" and reader.notes() == []
    reader.set_note("fmf", "something")
    reader.set_note("fmf", " \n\t ")
    assert reader.notes() == [] and reader.search_notes("something") == []


def test_a_note_keeps_when_it_was_written_and_changed(reader: ReaderData, clock: Clock):
    reader.set_note("imet", "first")
    clock.tick(60)
    reader.set_note("fmf", "other")
    clock.tick(60)
    reader.set_note("imet", "second")
    notes = reader.notes()
    assert [n.entity_id for n in notes] == ["imet", "fmf"]  # the most recently changed first
    assert (notes[0].created, notes[0].updated, notes[0].text) == (START, START + timedelta(seconds=120), "second")
    clock.tick(60)
    reader.set_note("imet", "second")  # saved again, unchanged: keeps its time
    assert reader.notes()[0].updated == START + timedelta(seconds=120)


def test_a_note_has_a_size_limit(reader: ReaderData):
    with pytest.raises(ReaderDataError, match="at most"):
        reader.set_note("imet", "x" * 1_000_001)
    assert reader.note("imet") == ""


def test_notes_are_found_by_their_words(reader: ReaderData):
    reader.set_note("pakistan", "IMET participation suspended in August 2018 over Haqqani network support.")
    reader.set_note("egypt", "FMF is the largest program here; IMET too.")
    reader.set_note("senegal", "Nothing about training.")
    hits = reader.search_notes("imet")
    assert {h.entity_id for h in hits} == {"pakistan", "egypt"}
    assert all("[IMET]" in h.marked() for h in hits)
    (hit,) = reader.search_notes("suspended imet")  # every word, in any order
    assert hit.entity_id == "pakistan" and "[suspended]" in hit.marked() and "[IMET]" in hit.marked()
    assert [h.entity_id for h in reader.search_notes("Haqq")] == ["pakistan"]  # the last word as a prefix
    assert [h.entity_id for h in reader.search_notes("TRAINING")] == ["senegal"]
    assert reader.search_notes("imet", limit=1)[0].entity_id in {"pakistan", "egypt"}
    assert len(reader.search_notes("imet", limit=1)) == 1
    assert reader.search_notes("") == [] and reader.search_notes("imet", limit=0) == []


def test_note_search_ranks_and_ignores_accents(reader: ReaderData):
    reader.set_note("a", "Pakistán once, in passing, among many other words about other places and things.")
    reader.set_note("b", "Pakistan. Pakistan. Pakistan.")
    hits = reader.search_notes("pakistan")
    assert [h.entity_id for h in hits] == ["b", "a"]
    assert hits[0].score > hits[1].score
    assert "[Pakistán]" in hits[1].marked()


def test_the_search_follows_changed_and_deleted_notes(reader: ReaderData):
    reader.set_note("imet", "old words")
    reader.set_note("imet", "new words")
    assert reader.search_notes("old") == [] and [h.entity_id for h in reader.search_notes("new")] == ["imet"]
    reader.set_note("imet", "")
    assert reader.search_notes("words") == []


def test_the_query_is_built_from_words_only():
    assert notes_query('pakistan "suspended" OR NOT x*') == '"pakistan" "suspended" "OR" "NOT" "x"*'
    assert notes_query("  -- ** () ") is None
    assert notes_query("snake_case") == '"snake" "case"*'
    assert notes_query(" ".join(["w"] * 40)) == " ".join(['"w"'] * 15 + ['"w"*'])


HOSTILE_QUERIES = [
    '"', '""', "'", "*", "**", "AND", "OR", "NOT", "a AND", "OR b", "NOT NOT", "NEAR(a b)", "NEAR(", "(", ")",
    "{text}: a", "text:a", "notes_fts:a", "^a", "a + b", "-a", "a:", ":", "\x00", "\\", "%", "_", "a*b", "🎖",
    "‮", "ﬁ", "İ", "x" * 10_000, "rock AND roll",
]  # fmt: skip


def test_no_query_is_taken_as_search_syntax(reader: ReaderData):
    reader.set_note("music", "rock AND roll, NEAR the text: not a query")
    for query in HOSTILE_QUERIES:
        reader.search_notes(query)  # never raises
    assert [h.entity_id for h in reader.search_notes("rock AND roll")] == ["music"]
    assert [h.entity_id for h in reader.search_notes("NEAR text")] == ["music"]
    tally("reader data", len(HOSTILE_QUERIES))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=40))
def test_any_text_searches_without_error(reader: ReaderData, query: str):
    reader.search_notes(query)
    tally("reader data")


def test_notes_export_as_markdown(reader: ReaderData):
    reader.set_note("pakistan", "Suspended in 2018.\n\n## Not a section of the export's own\n")
    reader.set_note("egypt", "FMF recipient")
    reader.set_note("gone-entity", "Its entity is no longer in the data")
    names = {"pakistan": "Pakistan", "egypt": "Egypt"}
    markdown = reader.notes_markdown(names)
    assert markdown.startswith("# Notes\n")
    headings = re.findall(r"^## (.*)$", markdown, flags=re.MULTILINE)
    assert headings[:1] == ["Egypt"] and headings[1] == "gone-entity" and headings[2] == "Pakistan"
    egypt = markdown.split("## Egypt\n", 1)[1]
    assert egypt.startswith("\n`egypt` · 2025-03-14\n\nFMF recipient\n")
    for note in reader.notes():
        assert note.text in markdown
    assert reader.notes_markdown(lambda entity_id: names.get(entity_id)) == markdown


def test_markdown_headings_stay_one_line(reader: ReaderData):
    reader.set_note("c-sharp", "a note")
    reader.set_note("tick`id", "another")
    markdown = reader.notes_markdown({"c-sharp": "C#\nand a second line", "tick`id": "Ticks"})
    assert "## C# and a second line\n" in markdown
    assert "## Ticks\n\n``tick`id`` · " in markdown
    assert reader.notes_markdown({"c-sharp": "Ends in #"}).count("## Ends in \\#\n") == 1
    reader.set_note("c-sharp", "")
    reader.set_note("tick`id", "")
    assert reader.notes_markdown({}) == "# Notes\n"


# -- history -----------------------------------------------------------------------------------------------


def test_history_is_newest_first_and_a_repeat_only_moves_the_time(reader: ReaderData, clock: Clock):
    reader.record_visit(HOME, "Home")
    clock.tick()
    reader.record_visit("imet", "IMET")
    clock.tick()
    reader.record_visit("imet", "International Military Education and Training")
    clock.tick()
    reader.record_visit("pakistan", "Pakistan")
    clock.tick()
    reader.record_visit("imet", "IMET")
    visits = reader.history()
    assert [(v.target, v.title) for v in visits] == [
        ("imet", "IMET"),
        ("pakistan", "Pakistan"),
        ("imet", "International Military Education and Training"),
        (HOME, "Home"),
    ]
    assert visits[2].visited == START + timedelta(seconds=2)  # the repeat moved it from 1 to 2
    assert [v.target for v in reader.history(limit=2)] == ["imet", "pakistan"]


def test_history_keeps_at_most_its_limit(open_reader: Callable[..., ReaderData]):
    assert HISTORY_LIMIT == 5000
    reader = open_reader(history_limit=10)
    for i in range(25):
        reader.record_visit(f"e{i}", f"E {i}")
    assert [v.target for v in reader.history(limit=100)] == [f"e{i}" for i in range(24, 14, -1)]
    with raw(reader.path) as conn:
        assert conn.execute("SELECT count(*) FROM history").fetchone()[0] == 10


def test_clearing_the_history(reader: ReaderData):
    reader.record_visit("imet", "IMET")
    reader.clear_history()
    assert reader.history() == []
    reader.record_visit("imet", "IMET")
    assert [v.target for v in reader.history()] == ["imet"]
    with pytest.raises(ValueError):
        reader.record_visit("", "Nothing")


# -- tabs ----------------------------------------------------------------------------------------------------


def test_tabs_are_saved_and_read_back(reader: ReaderData):
    assert reader.tabs() == ([], 0)
    tabs = [TabState((HOME, "imet", "pakistan"), 1), TabState(("fmf",)), TabState([HOME], 0)]
    reader.save_tabs(tabs, 2)
    assert reader.tabs() == (tabs, 2)
    assert reader.tabs()[0][2].targets == (HOME,)  # a list given, a tuple kept
    reader.save_tabs(tabs[:1], 0)  # fewer tabs replace more
    assert reader.tabs() == (tabs[:1], 0)
    reader.save_tabs([], 0)
    assert reader.tabs() == ([], 0)


def test_a_tab_must_make_sense(reader: ReaderData):
    for targets, position in [((), 0), (("imet",), 1), (("imet",), -1), (("",), 0), (("imet",), True)]:
        with pytest.raises(ValueError):
            TabState(targets, position)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        reader.save_tabs([TabState()], 1)


def test_a_stored_tab_that_cannot_be_read_is_left_out(reader: ReaderData, caplog: pytest.LogCaptureFixture):
    reader.save_tabs([TabState(("imet",)), TabState(("pakistan", "fmf"), 1)], 1)
    with raw(reader.path) as conn:
        conn.executemany(
            "INSERT INTO tabs (position, targets, current) VALUES (?, ?, ?)",
            [
                (-3, "not json", 0),
                (-2, '{"a": "dict"}', 0),
                (-1, "[1, 2]", 0),
                (10, "[]", 0),
                (11, '["imet"]', 5),
                (12, '["imet"]', "zero"),
                (13, b"\x00\xff", 0),
            ],
        )
    with caplog.at_level(logging.WARNING, logger="almanac.reader"):
        tabs, current = reader.tabs()
    assert tabs == [TabState(("imet",)), TabState(("pakistan", "fmf"), 1)]
    assert current == 1
    assert sum("could not be read" in r.getMessage() for r in caplog.records) == 7
    with raw(reader.path) as conn:
        conn.execute("DELETE FROM tabs WHERE position = 1")  # the one in front is gone
    assert reader.tabs() == ([TabState(("imet",))], 0)
    tally("reader data", 7)

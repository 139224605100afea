"""The index cache: reused when nothing changed, rebuilt when it must be, never left half-written."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

import pytest
from datafiles import entity, note_fact, write

from desktop.core import index
from desktop.core.cache import CACHE_ENV, default_cache_dir, fingerprint, index_path, read_meta
from desktop.core.store import Store


@pytest.fixture
def folder(data_dir: Path) -> Path:
    write(data_dir, "programs/alpha.yaml", entity("alpha", name="Alpha", body="facts:\n" + note_fact("first text")))
    write(data_dir, "countries/beta.yaml", entity("beta", kind="country", name="Beta"))
    return data_dir


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def bump_mtime(path: Path, seconds: int = 10) -> None:
    """Move a file's modification time on, without sleeping."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def leftovers(cache: Path) -> list[str]:
    return [n for n in os.listdir(cache) if n.endswith((".tmp", "-journal", "-wal", "-shm"))]


def test_the_first_open_builds_and_the_second_reuses(folder: Path, cache: Path):
    first = Store.open([folder], cache_dir=cache)
    assert first.built is True
    assert first.path.parent == cache
    stamp = first.path.stat().st_mtime_ns
    inode = first.path.stat().st_ino
    second = Store.open([folder], cache_dir=cache)
    assert second.built is False
    assert second.notice == ""
    assert second.path == first.path
    assert (second.path.stat().st_mtime_ns, second.path.stat().st_ino) == (stamp, inode)
    assert second.page("alpha").name == "Alpha"


def test_a_changed_file_with_a_new_mtime_rebuilds(folder: Path, cache: Path):
    Store.open([folder], cache_dir=cache)
    bump_mtime(folder / "programs" / "alpha.yaml")
    store = Store.open([folder], cache_dir=cache)
    assert store.built is True


def test_edited_content_is_visible_after_the_rebuild(folder: Path, cache: Path):
    assert Store.open([folder], cache_dir=cache).search("gamma") == []
    path = write(
        folder, "programs/alpha.yaml", entity("alpha", name="Alpha Gamma", body="facts:\n" + note_fact("second text"))
    )
    bump_mtime(path)
    store = Store.open([folder], cache_dir=cache)
    assert store.built is True
    assert store.page("alpha").name == "Alpha Gamma"
    assert store.page("alpha").facts[0].text == "second text"
    assert store.search("gamma")[0].id == "alpha"


def test_an_added_file_rebuilds(folder: Path, cache: Path):
    Store.open([folder], cache_dir=cache)
    write(folder, "countries/delta.yaml", entity("delta", kind="country"))
    store = Store.open([folder], cache_dir=cache)
    assert store.built is True
    assert store.ref("delta") is not None


def test_a_deleted_file_rebuilds(folder: Path, cache: Path):
    Store.open([folder], cache_dir=cache)
    (folder / "countries" / "beta.yaml").unlink()
    store = Store.open([folder], cache_dir=cache)
    assert store.built is True
    assert store.ref("beta") is None


def test_a_changed_vocabulary_rebuilds(folder: Path, cache: Path):
    Store.open([folder], cache_dir=cache)
    bump_mtime(folder / "vocabulary.yaml")
    assert Store.open([folder], cache_dir=cache).built is True


def test_the_fingerprint_depends_on_size_and_mtime_only_of_data_files(folder: Path):
    before = fingerprint([folder])
    assert fingerprint([folder]) == before
    (folder / "programs" / "notes.txt").write_text("not data")
    assert fingerprint([folder]) == before
    bump_mtime(folder / "countries" / "beta.yaml")
    assert fingerprint([folder]) != before


def test_an_index_overwritten_with_garbage_is_rebuilt_with_a_notice(folder: Path, cache: Path):
    path = Store.open([folder], cache_dir=cache).path
    path.write_bytes(b"this is not a database at all" * 100)
    store = Store.open([folder], cache_dir=cache)
    assert store.built is True
    assert "damaged or unreadable" in store.notice
    assert str(path) in store.notice
    assert store.page("alpha").name == "Alpha"
    assert Store.open([folder], cache_dir=cache).built is False


def test_an_empty_or_truncated_index_is_rebuilt(folder: Path, cache: Path):
    path = Store.open([folder], cache_dir=cache).path
    data = path.read_bytes()
    path.write_bytes(data[:200])
    assert Store.open([folder], cache_dir=cache).built is True
    path.write_bytes(b"")
    store = Store.open([folder], cache_dir=cache)
    assert store.built is True
    assert store.counts().entities == 2


def test_an_index_of_another_schema_version_is_rebuilt(folder: Path, cache: Path):
    path = Store.open([folder], cache_dir=cache).path
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(index.SCHEMA_VERSION - 1),))
    assert read_meta(path)["schema_version"] == str(index.SCHEMA_VERSION - 1)
    store = Store.open([folder], cache_dir=cache)
    assert store.built is True
    assert "another version" in store.notice
    assert read_meta(path)["schema_version"] == str(index.SCHEMA_VERSION)


def test_an_index_of_another_fingerprint_is_rebuilt(folder: Path, cache: Path):
    path = Store.open([folder], cache_dir=cache).path
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE meta SET value = 'stale' WHERE key = 'fingerprint'")
    assert Store.open([folder], cache_dir=cache).built is True
    assert read_meta(path)["fingerprint"] == fingerprint([folder.resolve()])


def test_rebuild_true_forces_a_build(folder: Path, cache: Path):
    Store.open([folder], cache_dir=cache)
    store = Store.open([folder], cache_dir=cache, rebuild=True)
    assert store.built is True
    assert store.notice == ""


def test_deleting_the_index_loses_nothing(folder: Path, cache: Path):
    first = Store.open([folder], cache_dir=cache)
    before = (first.counts().entities, first.counts().facts, [r.id for r in first.entities()], first.page("alpha"))
    first.close()
    first.path.unlink()
    again = Store.open([folder], cache_dir=cache)
    assert again.built is True
    assert (
        again.counts().entities,
        again.counts().facts,
        [r.id for r in again.entities()],
        again.page("alpha"),
    ) == before


def test_no_temporary_files_are_left_behind(folder: Path, cache: Path):
    Store.open([folder], cache_dir=cache)
    Store.open([folder], cache_dir=cache, rebuild=True)
    bump_mtime(folder / "programs" / "alpha.yaml")
    path = Store.open([folder], cache_dir=cache).path
    path.write_bytes(b"garbage")
    Store.open([folder], cache_dir=cache)
    assert leftovers(cache) == []
    assert os.listdir(cache) == [path.name]


def test_a_failed_build_leaves_no_temporary_file(folder: Path, cache: Path, monkeypatch: pytest.MonkeyPatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(index, "build", broken)
    with pytest.raises(RuntimeError):
        Store.open([folder], cache_dir=cache)
    assert os.listdir(cache) == []


def test_each_set_of_folders_has_its_own_index(folder: Path, cache: Path, tmp_path: Path):
    other = tmp_path / "other"
    other.mkdir()
    assert index_path(cache, [folder]) != index_path(cache, [folder, other])
    assert index_path(cache, [folder]) == index_path(cache, [folder])


def test_the_index_has_an_index_behind_each_query(bundled_store: Store):
    plans = {
        "page facts": ("SELECT * FROM facts WHERE subject = ? ORDER BY position", ("imet",)),
        "inbound facts": ("SELECT * FROM facts WHERE object = ?", ("imet",)),
        "tree level": (
            "SELECT id FROM entities WHERE kind = ? AND tree_parent IS ? ORDER BY sort_name, id LIMIT 5",
            ("agency", None),
        ),
        "names": ("SELECT entity FROM names WHERE norm = ?", ("imet",)),
        "timeline": ("SELECT rid FROM facts WHERE earliest >= ? ORDER BY earliest", ("1990",)),
    }
    for what, (sql, args) in plans.items():
        plan = " ".join(str(r[-1]) for r in bundled_store.conn.execute("EXPLAIN QUERY PLAN " + sql, args))
        assert "USING" in plan and "SCAN facts" not in plan and "SCAN entities" not in plan, (what, plan)


# -- where the cache lives -----------------------------------------------------------------


def test_the_cache_dir_honours_the_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "override"))
    assert default_cache_dir() == tmp_path / "override"


def test_the_cache_dir_honours_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "sa-almanac"


def test_open_without_a_cache_dir_uses_the_default(folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "env-cache"))
    store = Store.open([folder])
    assert store.path.parent == tmp_path / "env-cache"
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Store.open([folder]).path.parent == tmp_path / "xdg" / "sa-almanac"


def test_an_unusable_cache_dir_falls_back_with_a_notice(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "system-tmp"))
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    store = Store.open([folder], cache_dir=blocker / "cache")
    assert store.built is True
    assert "not usable" in store.notice
    assert store.path.parent == tmp_path / "system-tmp" / "sa-almanac"
    assert store.page("alpha").name == "Alpha"


@pytest.mark.parametrize("name", ["c#ache", "c?ache", "c%41che", "a #b?c%20d%"])
def test_a_cache_path_with_uri_characters_is_reused(folder: Path, tmp_path: Path, name: str):
    cache = tmp_path / name / "cache"
    first = Store.open([folder], cache_dir=cache)
    assert first.built is True and first.path.parent == cache
    assert first.page("alpha").name == "Alpha"
    first.close()
    second = Store.open([folder], cache_dir=cache)
    assert second.built is False
    assert second.notice == ""
    assert second.page("alpha").name == "Alpha"
    second.close()
    assert os.listdir(cache) == [first.path.name]


def test_inspect_and_readers_open_the_same_path_with_uri_characters(tmp_path: Path):
    from desktop.core.cache import file_uri, inspect

    path = tmp_path / "a #b?c%41d" / "index.sqlite"
    path.parent.mkdir()
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        conn.execute("CREATE TABLE entities (rid INTEGER PRIMARY KEY)")
        conn.execute("INSERT INTO meta VALUES ('fingerprint', 'x')")
    assert inspect(path) == ("ok", {"fingerprint": "x"})
    with contextlib.closing(sqlite3.connect(file_uri(path), uri=True)) as conn:
        assert conn.execute("SELECT value FROM meta").fetchone() == ("x",)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO meta VALUES ('y', 'z')")

"""The reader's files: the SQLite file (opened safely, versioned, one transaction per write) and the
bookmarks' exchange file (JSON).

`reader_data.ReaderData` is the way in; this module knows the files, not the API. The SQLite file:

- WAL mode with a busy timeout, so two windows (or two processes) can read while one writes
  and a writer waits its turn instead of failing.
- A file that is not a database, or fails `PRAGMA quick_check`, is renamed aside (with its
  -wal and -shm, never over another file) and a fresh one started: the reader's work in it
  may still be rescued by hand, and nothing is ever written over it.
- A file written by a newer version (a higher `PRAGMA user_version`) is opened read-only and
  never altered: its owner may go back to that version.

The bookmarks' exchange file, as written by `dump_bookmarks` and read by `parse_bookmarks`::

    {"format": "almanac-bookmarks", "version": 1, "exported": "2025-01-31T09:30:00+00:00",
     "items": [{"type": "folder", "title": "Programs", "items": [
                   {"type": "bookmark", "entity": "imet", "title": "International Military Education and Training"}]},
               {"type": "bookmark", "entity": "pakistan", "title": "Pakistan"}]}

`items` is in order; a folder holds `items` of its own, at most MAX_DEPTH folders deep. A
reader ignores keys it does not know (a later writer of version 1 may add some) and refuses a
higher version. `exported` is for people; nothing reads it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeGuard

from desktop.core.cache import file_uri
from desktop.core.records import Record, lazy_dataclass

log = logging.getLogger("almanac.reader")

FILE_NAME = "reader.sqlite3"
BUSY_TIMEOUT_MS = 5000  # a write by another window takes milliseconds; five seconds is "something is stuck"
_SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's own companions, which belong to the file they sit beside

MAX_ID = 300  # longer than any entity id a data folder would use; bounds what a stray caller can store
MAX_TITLE = 1000
MAX_DEPTH = 16  # folders inside folders; an export that nests deeper is refused, so every export imports
BOOKMARKS_FORMAT = "almanac-bookmarks"
BOOKMARKS_VERSION = 1
MAX_IMPORT_BYTES = 10_000_000  # a thousand times a large collection: more is not a bookmarks file
MAX_IMPORT_ITEMS = 50_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_QUERY_WORDS = 16
_WORD = re.compile(r"[^\W_]+")  # letters and digits: what FTS5's unicode61 tokenizer keeps as a token


class ReaderDataError(Exception):
    """A problem with the reader's own data that a person can act on; str() is one line to show."""


class BookmarkImportError(ReaderDataError):
    """A bookmarks file that cannot be imported; nothing of it was added."""


# Each step takes the file from version i to i + 1. A step only adds (tables, columns, indexes),
# so an older program can still read a newer file through the read-only path.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE bookmark_items (
            id INTEGER PRIMARY KEY,
            parent INTEGER REFERENCES bookmark_items(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            title TEXT NOT NULL,
            entity_id TEXT UNIQUE,  -- NULL for a folder; an entity is bookmarked at most once
            added TEXT NOT NULL
        )""",
        "CREATE INDEX bookmark_items_by_parent ON bookmark_items(parent, position)",
        """CREATE TABLE notes (
            id INTEGER PRIMARY KEY,  -- an explicit rowid: VACUUM may renumber an implicit one under the index
            entity_id TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        )""",
        """CREATE VIRTUAL TABLE notes_fts USING fts5(
            text, content='notes', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
        )""",
        # Triggers keep the index in step with every write to notes, whichever code makes it.
        """CREATE TRIGGER notes_added AFTER INSERT ON notes BEGIN
            INSERT INTO notes_fts(rowid, text) VALUES (new.id, new.text);
        END""",
        """CREATE TRIGGER notes_removed AFTER DELETE ON notes BEGIN
            INSERT INTO notes_fts(notes_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END""",
        """CREATE TRIGGER notes_changed AFTER UPDATE OF text ON notes BEGIN
            INSERT INTO notes_fts(notes_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO notes_fts(rowid, text) VALUES (new.id, new.text);
        END""",
        """CREATE TABLE history (
            id INTEGER PRIMARY KEY, target TEXT NOT NULL, title TEXT NOT NULL, visited TEXT NOT NULL
        )""",
        "CREATE TABLE tabs (position INTEGER PRIMARY KEY, targets TEXT NOT NULL, current INTEGER NOT NULL)",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
)

# SQLite primary result codes (the low byte of sqlite_errorcode) that come from the world, not a bug.
_KNOWN_CODES = {
    5: "another window or program is holding the file (busy)",  # SQLITE_BUSY
    6: "the file is locked",  # SQLITE_LOCKED
    8: "the file or its folder is read-only",  # SQLITE_READONLY
    10: "disk I/O error",  # SQLITE_IOERR
    11: "the file is damaged",  # SQLITE_CORRUPT
    13: "the disk is full",  # SQLITE_FULL
    14: "the file could not be opened",  # SQLITE_CANTOPEN
    26: "the file is not a database",  # SQLITE_NOTADB
}
_DAMAGED_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


def schema_version() -> int:
    """The file version this program writes: one per migration step."""
    return len(MIGRATIONS)


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of `exc`, or None when it carries none."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def error_from(exc: BaseException, what: str) -> ReaderDataError:
    """One ReaderDataError that says `what` failed and why, told apart by error code, not message text."""
    code = sqlite_code(exc)
    if code in _KNOWN_CODES:
        reason = _KNOWN_CODES[code]
    elif isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
    else:
        reason = str(exc) or type(exc).__name__
    return ReaderDataError(f"{what}: {reason}")


@contextlib.contextmanager
def reading(what: str) -> Iterator[None]:
    """Turn an SQLite error inside a read into a ReaderDataError, so no traceback reaches a person."""
    try:
        yield
    except sqlite3.Error as exc:
        raise error_from(exc, what) from exc


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection, what: str) -> Iterator[sqlite3.Connection]:
    """One write: BEGIN IMMEDIATE … COMMIT, rolled back whole on any error.

    IMMEDIATE takes the write lock at the start, so two writers queue on the busy timeout
    instead of both reading, one failing to upgrade its lock, and its write being lost.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise error_from(exc, what) from exc
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise error_from(exc, what) from exc
        raise


class Opened(Record):
    """Written out (records.Record), not a dataclass: every start opens the reader's file."""

    __match_args__ = ("conn", "read_only", "set_aside", "notice")
    __slots__ = __match_args__

    def __init__(self, conn: sqlite3.Connection, read_only: bool, set_aside: Path | None, notice: str) -> None:
        self.conn = conn
        self.read_only = read_only
        self.set_aside = set_aside  # where a damaged file was moved, when one was
        self.notice = notice  # one line for the window when something was not as usual, else ""


def open_file(path: Path, now: datetime) -> Opened:
    """Open (creating, migrating or setting aside as needed) the reader's file at `path`."""
    _ensure_folder(path.parent)
    state, version = _inspect(path)
    moved = None
    notices = []
    if state == "damaged":
        moved = _set_aside(path, now)
        if moved is not None:
            notices.append(f"{path.name} was damaged; it was set aside as {moved.name} and a new one started.")
            log.warning("%s was damaged; set aside as %s, a new one started", path, moved)
        version = 0
    if version > schema_version():
        notices.append(_newer_notice(path, version))
        log.warning("%s", notices[-1])
        return Opened(_connect(path, read_only=True), True, moved, " ".join(notices))
    if path.exists() and not os.access(path, os.W_OK):  # else SQLite opens it read-only and the first write fails
        raise ReaderDataError(f"Your bookmarks, notes and history cannot be changed: {path} is read-only")
    conn = _connect(path, read_only=False)
    try:
        _prepare(conn)
        version = _migrate(conn, path)
    except BaseException:
        conn.close()
        raise
    if version > schema_version():  # another, newer program migrated it between our look and our write
        conn.close()
        notices.append(_newer_notice(path, version))
        return Opened(_connect(path, read_only=True), True, moved, " ".join(notices))
    return Opened(conn, False, moved, " ".join(notices))


def _newer_notice(path: Path, version: int) -> str:
    return (
        f"{path.name} was written by a newer version of the Almanac (format {version}; this one reads up to"
        f" {schema_version()}): it is opened read-only and left unchanged."
    )


def _ensure_folder(folder: Path) -> None:
    where = f"Your bookmarks, notes and history cannot be kept in {folder}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReaderDataError(f"{where}: {exc.strerror or exc}") from exc
    # SQLite needs to create its -wal and -shm files beside the database, so the folder itself must be writable.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReaderDataError(f"{where}: the folder is read-only")


def _inspect(path: Path) -> tuple[str, int]:
    """("missing" | "ok" | "damaged", user_version), looked at read-only so that nothing is altered yet."""
    if not path.exists():
        return "missing", 0
    if not path.is_file():
        raise ReaderDataError(f"{path} is not a file")
    try:
        with contextlib.closing(_connect(path, read_only=True)) as conn:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error as exc:
        if sqlite_code(exc) in _DAMAGED_CODES:
            return "damaged", 0
        raise error_from(exc, f"{path.name} could not be read") from exc
    return ("ok" if rows == [("ok",)] else "damaged"), version


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are begun explicitly), with the busy timeout set."""
    try:
        if read_only:
            conn = sqlite3.connect(file_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        else:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlite3.Error as exc:
        raise error_from(exc, f"{path.name} could not be opened") from exc
    return conn


def _prepare(conn: sqlite3.Connection) -> None:
    with reading("The reader's file could not be prepared"):
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # e.g. a network file system without shared memory
            log.warning("the reader's file is in %s mode, not WAL: two windows will wait on each other more", mode)
        # NORMAL in WAL mode: a power cut may lose the last moments' writes, but never damages the file.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")  # a folder's removal takes its contents with it


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Bring the file up to `schema_version()`; returns the version it is at afterwards."""
    with reading(f"{path.name} could not be read"):
        version = _user_version(conn)
    if version >= schema_version():
        return version
    with transaction(conn, f"{path.name} could not be updated to this version"):
        version = _user_version(conn)  # again, under the write lock: another window may have just done it
        if version >= schema_version():
            return version
        for step in MIGRATIONS[version:]:
            for statement in step:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {schema_version()}")
    log.info("%s brought from format %d to %d", path, version, schema_version())
    return schema_version()


def _set_aside(path: Path, now: datetime) -> Path | None:
    """Rename a damaged file and its companions to `<name>.damaged-<local time>`; None if it was gone already.

    Never over an existing file: a second set-aside in the same second gets a `-2` suffix.
    """
    stamp = now.astimezone().strftime("%Y%m%d-%H%M%S")
    for n in itertools.count(1):
        target = path.with_name(f"{path.name}.damaged-{stamp}" + (f"-{n}" if n > 1 else ""))
        if any(Path(f"{target}{suffix}").exists() for suffix in ("", *_SIDE_FILES)):
            continue
        try:
            _move_no_clobber(path, target)
        except FileExistsError:
            continue
        except FileNotFoundError:
            return None  # another window set it aside a moment ago
        except OSError as exc:
            raise ReaderDataError(f"{path.name} is damaged and could not be set aside: {exc.strerror or exc}") from exc
        for suffix in _SIDE_FILES:
            try:
                _move_no_clobber(Path(f"{path}{suffix}"), Path(f"{target}{suffix}"))
            except FileNotFoundError:
                pass
            except OSError as exc:  # the database itself is safe; a stray companion is only logged
                log.warning("could not set aside %s%s: %s", path, suffix, exc)
        return target
    raise AssertionError("unreachable")  # itertools.count never ends


def _move_no_clobber(source: Path, target: Path) -> None:
    """Rename `source` to `target`, failing with FileExistsError rather than replacing a file there.

    A hard link fails when the target exists, atomically; where links are not supported,
    a look first and a rename (which on Windows refuses to replace) do instead.
    """
    try:
        os.link(source, target)
    except (FileExistsError, FileNotFoundError):
        raise
    except OSError:
        if target.exists():
            raise FileExistsError(str(target)) from None
        os.rename(source, target)
        return
    os.unlink(source)


# -- the bookmarks' exchange file --------------------------------------------------------------


@lazy_dataclass(frozen=True)
class BookmarkEntry:
    entity_id: str
    title: str


@lazy_dataclass(frozen=True)
class FolderEntry:
    title: str
    items: tuple[BookmarkEntry | FolderEntry, ...]


Entry = BookmarkEntry | FolderEntry


def dump_bookmarks(items: Sequence[Entry], exported: datetime) -> str:
    """The exchange file's text for `items` (see the module's docstring)."""
    document = {
        "format": BOOKMARKS_FORMAT,
        "version": BOOKMARKS_VERSION,
        "exported": exported.isoformat(timespec="seconds"),
        "items": [_entry_json(item) for item in items],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _entry_json(item: Entry) -> dict[str, object]:
    if isinstance(item, BookmarkEntry):
        return {"type": "bookmark", "entity": item.entity_id, "title": item.title}
    return {"type": "folder", "title": item.title, "items": [_entry_json(i) for i in item.items]}


def parse_bookmarks(text: str | bytes) -> tuple[Entry, ...]:
    """The entries of an exchange file, every one checked; BookmarkImportError says what is wrong, and where."""
    if len(text) > MAX_IMPORT_BYTES:
        raise BookmarkImportError(f"Cannot import bookmarks: the file is over {MAX_IMPORT_BYTES // 1_000_000} MB.")
    try:
        document = json.loads(text)
    except RecursionError:
        raise BookmarkImportError("Cannot import bookmarks: the file nests too deep.") from None
    except UnicodeDecodeError:
        raise BookmarkImportError("Cannot import bookmarks: the file is not text (UTF-8).") from None
    except json.JSONDecodeError as exc:
        raise BookmarkImportError(
            f"Cannot import bookmarks: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})."
        ) from None
    except ValueError as exc:  # e.g. a number too long to convert
        raise BookmarkImportError(f"Cannot import bookmarks: not usable JSON ({exc}).") from None
    if not isinstance(document, dict) or document.get("format") != BOOKMARKS_FORMAT:
        raise BookmarkImportError("Cannot import bookmarks: this is not an Almanac bookmarks file.")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BookmarkImportError('Cannot import bookmarks: "version" must be a whole number from 1 up.')
    if version > BOOKMARKS_VERSION:
        raise BookmarkImportError(
            f"Cannot import bookmarks: the file was written by a newer version of the Almanac (format {version})."
        )
    counter = [0]
    return _entries(document.get("items"), "items", 0, counter)


def _entries(value: object, where: str, depth: int, counter: list[int]) -> tuple[Entry, ...]:
    if not isinstance(value, list):
        raise BookmarkImportError(f"Cannot import bookmarks: {where} must be a list.")
    return tuple(_entry(item, f"{where}[{i}]", depth, counter) for i, item in enumerate(value))


def _entry(value: object, where: str, depth: int, counter: list[int]) -> Entry:
    counter[0] += 1
    if counter[0] > MAX_IMPORT_ITEMS:
        raise BookmarkImportError(f"Cannot import bookmarks: more than {MAX_IMPORT_ITEMS:,} items.")
    if not isinstance(value, dict):
        raise BookmarkImportError(f"Cannot import bookmarks: {where} must be an object.")
    kind = value.get("type")
    if kind == "bookmark":
        entity = value.get("entity")
        if not is_usable_id(entity):
            raise BookmarkImportError(f'Cannot import bookmarks: {where} needs an "entity" id (text).')
        return BookmarkEntry(entity, _entry_title(value.get("title", ""), where, fallback=entity, what="A bookmark"))
    if kind == "folder":
        if depth + 1 > MAX_DEPTH:
            raise BookmarkImportError(f"Cannot import bookmarks: folders nest over {MAX_DEPTH} deep at {where}.")
        title = _entry_title(value.get("title"), where, fallback="", what="A folder")
        return FolderEntry(title, _entries(value.get("items", []), f"{where}.items", depth + 1, counter))
    raise BookmarkImportError(f'Cannot import bookmarks: {where} must have "type" "bookmark" or "folder".')


def _entry_title(value: object, where: str, fallback: str, what: str) -> str:
    if not isinstance(value, str):
        raise BookmarkImportError(f'Cannot import bookmarks: {where} needs a "title" (text).')
    try:
        return clean_title(value, fallback=fallback, what=what)
    except ReaderDataError as exc:
        raise BookmarkImportError(f"Cannot import bookmarks: {where}: {exc}") from None


def nesting(items: Sequence[Entry]) -> int:
    """How many levels of folders the entries span (0 when none is a folder)."""
    return max((1 + nesting(i.items) for i in items if isinstance(i, FolderEntry)), default=0)


# -- the notes: the full-text query and the Markdown export -------------------------------------


def notes_query(text: str) -> str | None:
    """An FTS5 query for the words of `text`: each quoted (so no word is read as syntax), the last a prefix.

    None when `text` holds no word. Only letters and digits are kept, so quotes, stars,
    brackets and operators typed by a person are never FTS5 syntax.
    """
    words = _WORD.findall(text)[:MAX_QUERY_WORDS]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def notes_markdown(notes: Sequence[tuple[str, str, datetime, str]]) -> str:
    """(name, entity id, updated, text) as Markdown: "# Notes", then a "## name" section each, by name.

    Under each heading, the entity's id and the day the note last changed, then the note
    verbatim: it is the reader's own writing, Markdown or not.
    """
    parts = ["# Notes\n"]
    for name, entity_id, updated, text in sorted(notes, key=lambda n: (n[0].casefold(), n[1])):
        ending = "" if text.endswith("\n") else "\n"
        parts.append(f"\n## {_heading(name)}\n\n{_code(entity_id)} · {updated:%Y-%m-%d}\n\n{text}{ending}")
    return "".join(parts)


def _heading(name: str) -> str:
    # One line, and a closing '#' escaped so that Markdown does not take it for the heading's end.
    line = " ".join(name.split())
    return line[:-1] + "\\#" if line.endswith("#") else line


def _code(text: str) -> str:
    """`text` as inline code, fenced with more backticks than it holds in a row."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# -- values every part checks the same way ---------------------------------------------------


def is_usable_id(value: object) -> TypeGuard[str]:
    """An entity id or a page target: text, not blank, not absurdly long, no control characters."""
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_ID and not _CONTROL.search(value)


def clean_title(title: str, *, fallback: str = "", what: str = "A bookmark") -> str:
    """A title on one line with its ends trimmed; an empty one takes `fallback`, or is refused."""
    clean = " ".join(_CONTROL.sub(" ", title).split())
    if not clean:
        if not fallback:
            raise ReaderDataError(f"{what} needs a title.")
        clean = fallback
    if len(clean) > MAX_TITLE:
        raise ReaderDataError(f"{what}'s title is too long (at most {MAX_TITLE:,} characters).")
    return clean

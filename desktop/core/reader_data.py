"""The reader's own work: bookmarks, notes, history and open tabs, kept in one SQLite file.

It lives in the user data folder (`user_dirs.data_dir()`), apart from the index cache, so
deleting the cache loses none of it. `reader_files` opens the file (setting a damaged one aside,
opening a newer version's read-only); every write here is one transaction. Two windows, or two
processes, may hold the same file: each sees the other's writes, and `changed()` says when
there are some to show. Nothing here knows Qt.

Errors a person can act on (a read-only folder, a full disk, a stale item id, a bad import
file, a folder dropped into itself) are `ReaderDataError`, whose text is one line to show;
arguments no person typed (an empty entity id, a tab with no pages) are `ValueError`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from desktop.core.reader_files import (
    FILE_NAME,
    MAX_DEPTH,
    BookmarkEntry,
    BookmarkImportError,
    Entry,
    FolderEntry,
    ReaderDataError,
    clean_title,
    dump_bookmarks,
    is_usable_id,
    nesting,
    notes_markdown,
    notes_query,
    open_file,
    parse_bookmarks,
    reading,
    transaction,
)
from desktop.core.records import FrozenRecord, lazy_dataclass
from desktop.core.user_dirs import data_dir
from desktop.core.views import HIGHLIGHT_END, HIGHLIGHT_START

__all__ = ["HOME", "Bookmark", "BookmarkImportError", "Folder", "ImportSummary", "Note", "NoteHit", "ReaderData"]
__all__ += ["ReaderDataError", "TabState", "Visit", "default_path", "notes_query"]

log = logging.getLogger("almanac.reader")

HOME = "home"  # the target of a visit to, or a tab on, the Home page
HISTORY_LIMIT = 5000
MAX_NOTE = 1_000_000  # characters: a book's worth, far beyond a note, short of filling the disk by accident


def default_path() -> Path:
    """The reader's file in the user data folder ($ALMANAC_DATA_DIR overrides it)."""
    return data_dir() / FILE_NAME


def utc_now() -> datetime:
    return datetime.now(UTC)


@lazy_dataclass(frozen=True)
class Bookmark:
    id: int
    entity_id: str
    title: str  # the entity's name when it was bookmarked: shown even if the entity has gone since
    parent: int | None
    position: int
    added: datetime


@lazy_dataclass(frozen=True)
class Folder:
    id: int
    title: str
    parent: int | None
    position: int
    added: datetime
    children: tuple[Bookmark | Folder, ...] = ()


BookmarkItem = Bookmark | Folder


@lazy_dataclass(frozen=True)
class ImportSummary:
    bookmarks_added: int
    folders_added: int
    already_there: int  # bookmarks skipped because their entity was bookmarked already


@lazy_dataclass(frozen=True)
class Note:
    entity_id: str
    text: str
    created: datetime
    updated: datetime


@lazy_dataclass(frozen=True)
class NoteHit:
    entity_id: str
    snippet: str  # the matched words between HIGHLIGHT_START and HIGHLIGHT_END, as a search Hit's
    score: float  # higher is better; the scale is not a promise

    def marked(self, before: str = "[", after: str = "]") -> str:
        """The snippet with its matches between `before` and `after`."""
        return self.snippet.replace(HIGHLIGHT_START, before).replace(HIGHLIGHT_END, after)


@lazy_dataclass(frozen=True)
class Visit:
    target: str  # an entity id, or HOME
    title: str
    visited: datetime


class TabState(FrozenRecord):
    """A tab's back/forward list of targets (entity ids or HOME) and the index of the one it shows.

    Written out (records.FrozenRecord), not a dataclass: every start makes one for its first tab."""

    __match_args__ = ("targets", "position")
    __slots__ = __match_args__
    targets: tuple[str, ...]
    position: int

    def __init__(self, targets: Sequence[str] = (HOME,), position: int = 0) -> None:
        object.__setattr__(self, "targets", tuple(targets))  # a list is accepted, a tuple kept
        object.__setattr__(self, "position", position)
        if not self.targets:
            raise ValueError("a tab shows at least one page")
        for target in self.targets:
            _check_id(target, "target")
        if isinstance(self.position, bool) or not isinstance(self.position, int):
            raise ValueError(f"position must be an int, not {self.position!r}")
        if not 0 <= self.position < len(self.targets):
            raise ValueError(f"position {self.position} is outside the tab's {len(self.targets)} pages")


class ReaderData:
    """The reader's bookmarks, notes, history and tabs in one file (by default `default_path()`).

    `set_aside` is where a damaged file was moved on opening (else None), `read_only` says a
    newer version's file was opened without changing it, and `notice` is the one line to show
    about either ("" when all is as usual). Use from one thread (SQLite's rule for a
    connection); a second window opens a ReaderData of its own.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        history_limit: int = HISTORY_LIMIT,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if history_limit < 1:
            raise ValueError(f"history_limit must be at least 1, not {history_limit}")
        self.path = path or default_path()
        self._clock = clock
        self._history_limit = history_limit
        opened = open_file(self.path, clock())
        self._conn = opened.conn
        self.read_only = opened.read_only
        self.set_aside = opened.set_aside
        self.notice = opened.notice
        self._data_version = self._read_data_version()

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ReaderData:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def changed(self) -> bool:
        """Whether another connection (window or process) has written since the last call.

        PRAGMA data_version moves only for other connections' commits, so a window's own
        writes do not make it refresh itself.
        """
        version = self._read_data_version()
        if version == self._data_version:
            return False
        self._data_version = version
        return True

    # -- bookmarks ---------------------------------------------------------------------------

    def bookmarks(self) -> tuple[BookmarkItem, ...]:
        """The top level of the bookmarks, in order; a Folder carries its children."""
        with reading("Bookmarks could not be read"):
            rows = self._conn.execute(
                "SELECT id, parent, position, title, entity_id, added FROM bookmark_items ORDER BY parent, position, id"
            ).fetchall()
        by_parent: dict[int | None, list[tuple[int, int | None, int, str, str | None, str]]] = {}
        for row in rows:
            by_parent.setdefault(row[1], []).append(row)
        return _tree(by_parent, None, 0)

    def is_bookmarked(self, entity_id: str) -> bool:
        with reading("Bookmarks could not be read"):
            return self._bookmark_of(entity_id) is not None

    def toggle_bookmark(self, entity_id: str, title: str) -> bool:
        """Bookmark the entity at the end of the top level, or remove its bookmark; True when now bookmarked."""
        _check_id(entity_id)
        with self._write("The bookmark could not be changed"):
            existing = self._bookmark_of(entity_id)
            if existing is not None:
                self._remove(existing)
                return False
            self._insert(None, clean_title(title, fallback=entity_id), entity_id)
            return True

    def add_bookmark(self, entity_id: str, title: str, folder: int | None = None) -> int:
        """Bookmark the entity at the end of `folder`; returns the bookmark's id (the existing one, unmoved, if any)."""
        _check_id(entity_id)
        with self._write("The bookmark could not be added"):
            existing = self._bookmark_of(entity_id)
            if existing is not None:
                return existing
            self._check_folder(folder)
            return self._insert(folder, clean_title(title, fallback=entity_id), entity_id)

    def add_folder(self, title: str, parent: int | None = None) -> int:
        """A new folder at the end of `parent`; returns its id."""
        with self._write("The folder could not be added"):
            self._check_folder(parent)
            if parent is not None and len(self._ancestors(parent)) >= MAX_DEPTH:
                raise ReaderDataError(f"Folders nest at most {MAX_DEPTH} deep.")
            return self._insert(parent, clean_title(title, what="A folder"), None)

    def rename(self, item_id: int, title: str) -> None:
        with self._write("The bookmark could not be renamed"):
            is_folder = self._item(item_id)[1]
            fresh = clean_title(title, what="A folder" if is_folder else "A bookmark")
            self._conn.execute("UPDATE bookmark_items SET title = ? WHERE id = ?", (fresh, item_id))

    def move(self, item_id: int, folder: int | None, position: int) -> None:
        """Put the item in `folder` (None: the top level) at index `position` among its children once moved.

        `position` is clamped to the folder's ends. A view's drop row, which still counts the
        item itself when it is dragged further down its own folder, is one too many there.
        """
        with self._write("The bookmark could not be moved"):
            old_parent, is_folder = self._item(item_id)
            self._check_folder(folder)
            if is_folder and folder is not None:
                ancestors = self._ancestors(folder)
                if item_id in ancestors:
                    raise ReaderDataError("A folder cannot be moved into itself or a folder inside it.")
                if len(ancestors) + self._height(item_id) > MAX_DEPTH:
                    raise ReaderDataError(f"Folders nest at most {MAX_DEPTH} deep.")
            self._renumber(old_parent, [i for i in self._children(old_parent) if i != item_id])
            siblings = [i for i in self._children(folder) if i != item_id]
            siblings.insert(max(0, min(position, len(siblings))), item_id)
            self._conn.execute("UPDATE bookmark_items SET parent = ? WHERE id = ?", (folder, item_id))
            self._renumber(folder, siblings)

    def remove(self, item_id: int) -> bool:
        """Remove a bookmark, or a folder with everything in it; False when there was no such item."""
        with self._write("The bookmark could not be removed"):
            row = self._conn.execute("SELECT 1 FROM bookmark_items WHERE id = ?", (item_id,)).fetchone()
            if row is None:
                return False
            self._remove(item_id)
            return True

    def export_bookmarks(self) -> str:
        """All bookmarks as JSON text, in the shape `reader_files` documents."""
        return dump_bookmarks(_entries(self.bookmarks()), self._clock())

    def import_bookmarks(self, text: str | bytes, into: int | None = None) -> ImportSummary:
        """Merge exported bookmarks into `into` (None: the top level).

        Everything is checked before anything is added: bad input raises BookmarkImportError
        and adds nothing. A folder merges with one of the same title in the same place, and
        a bookmark whose entity is bookmarked already is left where it is.
        """
        items = parse_bookmarks(text)
        with self._write("The bookmarks could not be imported"):
            self._check_folder(into)
            room = MAX_DEPTH - (len(self._ancestors(into)) if into is not None else 0)
            if nesting(items) > room:
                raise BookmarkImportError(f"Cannot import bookmarks: folders would nest over {MAX_DEPTH} deep.")
            counts = [0, 0, 0]
            self._merge(items, into, counts)
        return ImportSummary(*counts)

    def _merge(self, items: Sequence[Entry], parent: int | None, counts: list[int]) -> None:
        for item in items:
            if isinstance(item, BookmarkEntry):
                if self._bookmark_of(item.entity_id) is not None:
                    counts[2] += 1
                else:
                    self._insert(parent, item.title, item.entity_id)
                    counts[0] += 1
                continue
            row = self._conn.execute(
                "SELECT id FROM bookmark_items WHERE parent IS ? AND entity_id IS NULL AND title = ?"
                " ORDER BY position LIMIT 1",
                (parent, item.title),
            ).fetchone()
            if row is None:
                row = (self._insert(parent, item.title, None),)
                counts[1] += 1
            self._merge(item.items, row[0], counts)

    def _bookmark_of(self, entity_id: str) -> int | None:
        row = self._conn.execute("SELECT id FROM bookmark_items WHERE entity_id = ?", (entity_id,)).fetchone()
        return None if row is None else int(row[0])

    def _item(self, item_id: int) -> tuple[int | None, bool]:
        """(parent, is a folder) of an item, or ReaderDataError when another window removed it."""
        row = self._conn.execute("SELECT parent, entity_id IS NULL FROM bookmark_items WHERE id = ?", (item_id,))
        found = row.fetchone()
        if found is None:
            raise ReaderDataError("That bookmark or folder is no longer there.")
        return found[0], bool(found[1])

    def _check_folder(self, folder: int | None) -> None:
        if folder is not None and not self._item(folder)[1]:
            raise ReaderDataError("Bookmarks go into a folder, not into another bookmark.")

    def _children(self, parent: int | None) -> list[int]:
        rows = self._conn.execute(
            "SELECT id FROM bookmark_items WHERE parent IS ? ORDER BY position, id", (parent,)
        ).fetchall()
        return [int(r[0]) for r in rows]

    def _renumber(self, parent: int | None, ids: list[int]) -> None:
        # Positions are kept 0, 1, 2… within each folder, so "the end" is simply the count.
        self._conn.executemany(
            "UPDATE bookmark_items SET position = ? WHERE id = ? AND position != ?",
            [(i, item, i) for i, item in enumerate(ids)],
        )

    def _insert(self, parent: int | None, title: str, entity_id: str | None) -> int:
        end = self._conn.execute("SELECT count(*) FROM bookmark_items WHERE parent IS ?", (parent,)).fetchone()[0]
        cursor = self._conn.execute(
            "INSERT INTO bookmark_items (parent, position, title, entity_id, added) VALUES (?, ?, ?, ?, ?)",
            (parent, end, title, entity_id, self._now()),
        )
        return int(cursor.lastrowid or 0)

    def _remove(self, item_id: int) -> None:
        parent = self._item(item_id)[0]
        self._conn.execute("DELETE FROM bookmark_items WHERE id = ?", (item_id,))  # a folder's contents cascade
        self._renumber(parent, self._children(parent))

    def _ancestors(self, folder: int) -> list[int]:
        """`folder` and the folders above it, up to the top level: its depth is their number."""
        rows = self._conn.execute(
            "WITH RECURSIVE up(id, parent, n) AS ("
            " SELECT id, parent, 1 FROM bookmark_items WHERE id = ?"
            " UNION ALL SELECT b.id, b.parent, up.n + 1 FROM bookmark_items b JOIN up ON b.id = up.parent"
            " WHERE up.n <= ?)"
            " SELECT id FROM up",
            (folder, MAX_DEPTH * 4),  # the bound stops a loop a damaged file might hold
        ).fetchall()
        return [int(r[0]) for r in rows]

    def _height(self, folder: int) -> int:
        """How many levels of folders `folder` spans, itself included."""
        row = self._conn.execute(
            "WITH RECURSIVE down(id, n) AS (SELECT ?, 1"
            " UNION ALL SELECT b.id, down.n + 1 FROM bookmark_items b JOIN down ON b.parent = down.id"
            " WHERE b.entity_id IS NULL AND down.n <= ?)"
            " SELECT max(n) FROM down",
            (folder, MAX_DEPTH * 4),
        ).fetchone()
        return int(row[0])

    # -- notes -------------------------------------------------------------------------------

    def note(self, entity_id: str) -> str:
        """The reader's note on the entity, "" when there is none."""
        with reading("The note could not be read"):
            row = self._conn.execute("SELECT text FROM notes WHERE entity_id = ?", (entity_id,)).fetchone()
        return "" if row is None else str(row[0])

    def set_note(self, entity_id: str, text: str) -> None:
        """Keep `text` as the entity's note, verbatim; text of only white space removes the note."""
        _check_id(entity_id)
        if len(text) > MAX_NOTE:
            raise ReaderDataError(f"A note holds at most {MAX_NOTE:,} characters; this one has {len(text):,}.")
        with self._write("The note could not be saved"):
            if not text.strip():
                self._conn.execute("DELETE FROM notes WHERE entity_id = ?", (entity_id,))
                return
            now = self._now()
            # An unchanged text keeps its time: saving on every focus change should not reorder the notes.
            self._conn.execute(
                "INSERT INTO notes (entity_id, text, created, updated) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (entity_id) DO UPDATE SET text = excluded.text, updated = excluded.updated"
                " WHERE text != excluded.text",
                (entity_id, text, now, now),
            )

    def notes(self) -> list[Note]:
        """Every note, the most recently changed first."""
        with reading("Notes could not be read"):
            rows = self._conn.execute(
                "SELECT entity_id, text, created, updated FROM notes ORDER BY updated DESC, id DESC"
            ).fetchall()
        return [Note(e, t, _time(c), _time(u)) for e, t, c, u in rows]

    def search_notes(self, query: str, limit: int = 20) -> list[NoteHit]:
        """Notes holding all the words of `query` (the last one as a prefix, as while typing), best first."""
        match = notes_query(query)
        if match is None or limit < 1:
            return []
        with reading("Notes could not be searched"):
            rows = self._conn.execute(
                "SELECT n.entity_id, snippet(notes_fts, 0, char(1), char(2), '…', 12), bm25(notes_fts)"
                " FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid"
                " WHERE notes_fts MATCH ? ORDER BY bm25(notes_fts), n.entity_id LIMIT ?",
                (match, limit),
            ).fetchall()
        return [NoteHit(e, s, -float(b)) for e, s, b in rows]  # bm25 is lower for better matches

    def notes_markdown(self, names: Mapping[str, str] | Callable[[str], str | None]) -> str:
        """Every note as Markdown: a `## Name` section each, by name, with the entity's id and the note verbatim.

        `names` gives an entity's name (a mapping or a function); an entity it does not know
        (gone from the data) is headed by its id.
        """
        lookup = names.get if isinstance(names, Mapping) else names
        return notes_markdown(
            [(lookup(n.entity_id) or n.entity_id, n.entity_id, n.updated, n.text) for n in self.notes()]
        )

    # -- history -----------------------------------------------------------------------------

    def record_visit(self, target: str, title: str) -> None:
        """Note a visit to an entity (or HOME); a visit to the page visited last only moves its time."""
        _check_id(target, "target")
        title = clean_title(title, fallback=target, what="A page")
        with self._write("The visit could not be recorded"):
            last = self._conn.execute("SELECT id, target FROM history ORDER BY id DESC LIMIT 1").fetchone()
            if last is not None and last[1] == target:
                self._conn.execute(
                    "UPDATE history SET visited = ?, title = ? WHERE id = ?", (self._now(), title, last[0])
                )
                return
            self._conn.execute(
                "INSERT INTO history (target, title, visited) VALUES (?, ?, ?)", (target, title, self._now())
            )
            self._conn.execute(
                "DELETE FROM history WHERE id <= (SELECT id FROM history ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (self._history_limit,),
            )

    def history(self, limit: int = 100) -> list[Visit]:
        """The latest visits, newest first."""
        with reading("The history could not be read"):
            rows = self._conn.execute(
                "SELECT target, title, visited FROM history ORDER BY id DESC LIMIT ?", (max(0, limit),)
            ).fetchall()
        return [Visit(t, title, _time(v)) for t, title, v in rows]

    def clear_history(self) -> None:
        with self._write("The history could not be cleared"):
            self._conn.execute("DELETE FROM history")

    # -- tabs --------------------------------------------------------------------------------

    def save_tabs(self, tabs: Sequence[TabState], current: int) -> None:
        """Replace the saved tabs, all at once; `current` is the index of the tab in front."""
        if tabs and not 0 <= current < len(tabs):
            raise ValueError(f"current tab {current} is outside the {len(tabs)} tabs")
        rows = [(i, json.dumps(list(tab.targets)), tab.position) for i, tab in enumerate(tabs)]
        with self._write("The open tabs could not be saved"):
            self._conn.execute("DELETE FROM tabs")
            self._conn.executemany("INSERT INTO tabs (position, targets, current) VALUES (?, ?, ?)", rows)
            self._conn.execute(
                "INSERT INTO settings (key, value) VALUES ('current_tab', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(current if tabs else 0),),
            )

    def tabs(self) -> tuple[list[TabState], int]:
        """The saved tabs and the index of the one in front; a stored tab that cannot be read is left out."""
        with reading("The open tabs could not be read"):
            rows = self._conn.execute("SELECT position, targets, current FROM tabs ORDER BY position").fetchall()
            stored = self._conn.execute("SELECT value FROM settings WHERE key = 'current_tab'").fetchone()
        tabs: list[TabState] = []
        current = 0
        for position, targets, index in rows:
            tab = _tab(targets, index)
            if tab is None:
                log.warning("a saved tab (%r) could not be read; it is left out", position)
                continue
            if stored is not None and str(position) == str(stored[0]):
                current = len(tabs)
            tabs.append(tab)
        return tabs, current

    # -- writing -----------------------------------------------------------------------------

    def _write(self, what: str) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        if self.read_only:
            raise ReaderDataError(f"{what}: {self.notice}")
        return transaction(self._conn, what)

    def _now(self) -> str:
        return self._clock().astimezone(UTC).isoformat(timespec="microseconds")

    def _read_data_version(self) -> int:
        with reading("The reader's file could not be read"):
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])


def _tree(
    by_parent: dict[int | None, list[tuple[int, int | None, int, str, str | None, str]]], parent: int | None, depth: int
) -> tuple[BookmarkItem, ...]:
    if depth > MAX_DEPTH:  # only a damaged file could nest deeper; what lies below is left out
        return ()
    items: list[BookmarkItem] = []
    for item_id, item_parent, position, title, entity_id, added in by_parent.get(parent, []):
        if entity_id is None:
            children = _tree(by_parent, item_id, depth + 1)
            items.append(Folder(item_id, title, item_parent, position, _time(added), children))
        else:
            items.append(Bookmark(item_id, entity_id, title, item_parent, position, _time(added)))
    return tuple(items)


def _tab(targets: object, position: object) -> TabState | None:
    try:
        parsed = json.loads(str(targets))
        if not isinstance(parsed, list) or not all(isinstance(t, str) for t in parsed):
            return None
        return TabState(tuple(parsed), position)  # type: ignore[arg-type]  # TabState checks the type itself
    except (ValueError, TypeError):
        return None


def _entries(items: Sequence[BookmarkItem]) -> list[Entry]:
    return [
        BookmarkEntry(i.entity_id, i.title)
        if isinstance(i, Bookmark)
        else FolderEntry(i.title, tuple(_entries(i.children)))
        for i in items
    ]


def _check_id(value: object, what: str = "entity id") -> None:
    if not is_usable_id(value):
        raise ValueError(f"not a usable {what}: {value!r}")


def _time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return datetime.fromtimestamp(0, UTC)  # a time another program mangled is not worth losing the row for

"""The fact store: the one object the window and the command line read data through.

A Store opens (building if needed) the SQLite index for a list of data
folders and answers every question the program asks of the data. It holds
no global state; each thread gets its own read-only connection, so a search
can run off the GUI thread while the window reads a page.
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import replace
from inspect import isfunction, isgeneratorfunction
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core import index
from desktop.core import search as searching
from desktop.core.cache import (
    BuildReport,
    build_index,
    default_cache_dir,
    file_uri,
    fingerprint,
    index_path,
    inspect,
    refresh_index,
    scan,
    sweep_temporaries,
)
from desktop.core.debug import debugging
from desktop.core.phrases import phrase
from desktop.core.problems import Problem
from desktop.core.views import (
    CitationView,
    ClaimView,
    Counts,
    EntityRef,
    FactView,
    FigureView,
    Hit,
    KindInfo,
    Page,
    SeriesView,
    SourceInfo,
    TimelineItem,
    TreeRow,
)

if TYPE_CHECKING:
    from desktop.core import timeline as timelines  # the timeline's reads import it: the first paint does without

log = logging.getLogger("almanac.store")


class StoreError(RuntimeError):
    """Something about the store itself (not the data) keeps it from answering."""


class StoreClosed(StoreError):
    """The store was closed: open another (`Store.open`, `reopen`) rather than use this one."""


class IndexMissing(StoreError):
    """The index file was deleted under a store opened with `rebuild_missing=False`: reopen it to rebuild."""


class _Reader:
    """One thread's connection, and how deep that thread is in calls of the store right now.

    close() closes a connection at once only when its thread is in no call: closing an sqlite3
    connection while another thread runs a query on it crashes the interpreter. A thread inside
    a call has its query interrupted, and closes its connection itself as the call ends.
    """

    __slots__ = ("conn", "depth", "lock", "thread")

    def __init__(self) -> None:
        self.thread = threading.current_thread()
        self.conn: sqlite3.Connection | None = None
        self.depth = 0
        self.lock = threading.Lock()


class Store:
    """Read access to one built index. Use `Store.open` to get one."""

    def __init__(
        self,
        path: Path | None,
        folders: list[Path],
        notice: str = "",
        built: bool = False,
        refreshed: bool = False,
        uri: str | None = None,
        keeper: sqlite3.Connection | None = None,
        cache_dir: Path | None = None,
        rebuild_missing: bool = True,
    ) -> None:
        self.path = path  # None when the index lives in memory
        self.uri = uri or file_uri(path)  # type: ignore[arg-type]
        self.folders = folders
        self.notice = notice  # one line on anything unusual about the cache
        self.built = built  # True when this open had to (re)build the index
        self.refreshed = refreshed  # True when that was done by re-reading only the files that changed
        self._cache_dir = cache_dir
        self._keeper = keeper
        self._local = threading.local()
        self._sources: dict[str, SourceInfo] | None = None
        self._rebuild_lock = threading.Lock()
        self._rebuild_missing_ok = rebuild_missing
        # Every thread's connection, so that close() can close them all: one left open keeps a
        # deleted index file (hundreds of MB at 100,000 entities) on the disk.
        self._readers: list[_Reader] = []
        self._readers_lock = threading.Lock()
        self._closed = False

    @classmethod
    def open(
        cls, folders: list[Path], cache_dir: Path | None = None, rebuild: bool = False, rebuild_missing: bool = True
    ) -> Store:
        """Open the index for `folders`, building it when missing, stale, damaged or asked to.

        `rebuild_missing=False` is for the window: an index deleted while the store is open is then
        reported (`IndexMissing` from the first connection that needs it, `index_present()`) rather
        than rebuilt there and then on whichever thread asked, so the caller can reopen off the GUI
        thread. The command line keeps the default and rebuilds in place.
        """
        folders = [Path(f).resolve() if Path(f).exists() else Path(f).absolute() for f in folders]
        target = index_path(cache_dir or default_cache_dir(), folders)
        stats = scan(folders)
        fp = fingerprint(folders, stats)
        notice = ""
        if not rebuild:
            state, meta = inspect(target)
            current = meta is not None and meta.get("schema_version") == str(index.SCHEMA_VERSION)
            if current and meta is not None and meta.get("fingerprint") == fp:
                sweep_temporaries(target.parent)  # debris of a build that was killed, even when none is needed now
                return cls(target, folders, cache_dir=cache_dir, rebuild_missing=rebuild_missing)
            refreshed = _refresh(folders, target, stats, fp) if current else None
            if refreshed is not None:
                return cls(
                    refreshed.path, folders, built=True, refreshed=True, uri=refreshed.uri, cache_dir=cache_dir,
                    rebuild_missing=rebuild_missing,
                )  # fmt: skip
            if state == "damaged":
                notice = f"the index {target} was damaged or unreadable and has been rebuilt"
            elif state == "locked":
                notice = "the index was locked by another process; a fresh copy was built beside it"
            elif meta is not None and not current:
                notice = "the index was from another version and has been rebuilt"
        report = build_index(folders, target, fp, stats)
        return cls(
            report.path, folders, notice=report.notice or notice, built=True, uri=report.uri,
            keeper=report.keeper, cache_dir=cache_dir, rebuild_missing=rebuild_missing,
        )  # fmt: skip

    def reopen(self) -> Store:
        """A store over the same folders, rebuilt if the data changed (or the index went) since this one was opened."""
        return Store.open(self.folders, cache_dir=self._cache_dir, rebuild_missing=self._rebuild_missing_ok)

    def is_current(self) -> bool:
        """Whether the data folders are unchanged since this store's index was built."""
        meta = self.meta()
        return meta.get("fingerprint") == fingerprint(self.folders)

    # -- connections -------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use.

        StoreClosed once the store is closed; IndexMissing when the index file is gone and the
        store was opened with `rebuild_missing=False` (else the index is rebuilt in place first).
        Only the store's own methods are safe from a close() on another thread (see _Reader).
        """
        reader = self._reader()
        conn = reader.conn
        if conn is None or self._closed:
            conn = self._connect(reader)
        return conn

    def _reader(self) -> _Reader:
        reader: _Reader | None = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._local.reader = _Reader()
            with self._readers_lock:
                # Threads that ended left their connections behind: close those now, not at close().
                ended = [r for r in self._readers if not r.thread.is_alive()]
                self._readers = [r for r in self._readers if r.thread.is_alive()]
                if not self._closed:
                    self._readers.append(reader)
            for gone in ended:
                if gone.conn is not None:
                    gone.conn.close()
        return reader

    def _connect(self, reader: _Reader) -> sqlite3.Connection:
        if self._closed:
            raise StoreClosed(f"the store of {self._where()} is closed")
        if not self.index_present():
            if not self._rebuild_missing_ok:
                raise IndexMissing(f"the index {self.path} was deleted; reopen the store to rebuild it")
            self._rebuild_missing()
        # check_same_thread=False: close() closes it from whichever thread closes the store.
        conn = sqlite3.connect(self.uri, uri=True, check_same_thread=False)
        searching.add_functions(conn)
        with reader.lock:
            if not self._closed:
                reader.conn = conn
                return conn
        conn.close()  # the store was closed while this one was being opened
        raise StoreClosed(f"the store of {self._where()} is closed")

    def _where(self) -> str:
        return str(self.path) if self.path is not None else "an index kept in memory"

    @property
    def closed(self) -> bool:
        """True once `close()` was called: any further use raises StoreClosed."""
        return self._closed

    def index_present(self) -> bool:
        """Whether the index file is still there (an index kept in memory always is); nothing is built."""
        return self.path is None or self.path.exists()

    def _rebuild_missing(self) -> None:
        # The index was deleted under us (it is only a cache): build it again in place.
        with self._rebuild_lock:
            if self.path is not None and self.path.exists():
                return
            report = build_index(self.folders, self.path)  # type: ignore[arg-type]
            self.path, self.uri, self._keeper = report.path, report.uri, report.keeper
            self.notice = report.notice or "the index was deleted while in use and has been rebuilt"

    def interrupt(self, thread: threading.Thread | None = None) -> None:
        """Stop the query running in a call of the store on `thread` (on every thread when None).

        The call raises sqlite3.OperationalError ("interrupted"). Safe from any thread, and
        against close(), unlike interrupting a connection got from `conn`, which may be closed
        under the caller.
        """
        with self._readers_lock:
            readers = [r for r in self._readers if thread is None or r.thread is thread]
        for reader in readers:
            with reader.lock:
                if reader.conn is not None and reader.depth:
                    reader.conn.interrupt()

    def close(self) -> None:
        """Close every connection this store opened, on every thread; any later use raises StoreClosed.

        A query still running on another thread is interrupted and ends with an sqlite3 error.
        Closing twice is harmless.
        """
        with self._readers_lock:
            self._closed = True
            readers, self._readers = self._readers, []
            keeper, self._keeper = self._keeper, None
        for reader in readers:
            with reader.lock:
                conn = reader.conn
                if conn is None:
                    continue
                if reader.depth:
                    conn.interrupt()  # that thread is in a call: it closes the connection as the call ends
                    continue
                reader.conn = None
            conn.close()
        if keeper is not None:
            keeper.close()  # the last connection to an in-memory index: its memory goes with it

    # -- overview ----------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta"))

    def counts(self) -> Counts:
        meta = self.meta()
        return Counts(int(meta["entities"]), int(meta["facts"]), self.kinds())

    def kinds(self) -> list[KindInfo]:
        """The kinds in the vocabulary's order, with how many entities each has."""
        return [
            KindInfo(*row)
            for row in self.conn.execute("SELECT id, label, plural, icon, count FROM kinds ORDER BY position")
        ]

    def problems(self) -> list[Problem]:
        return [
            Problem(*row)
            for row in self.conn.execute(
                "SELECT path, line, col, message, origin, other FROM problems ORDER BY path, line, col, message"
            )
        ]

    def sources(self) -> dict[str, SourceInfo]:
        if self._sources is None:
            self._sources = {
                row[0]: SourceInfo(*row)
                for row in self.conn.execute("SELECT id, title, publisher, url, license FROM sources ORDER BY id")
            }
        return self._sources

    def most_linked(self, limit: int = 10) -> list[EntityRef]:
        return [
            EntityRef(*row)
            for row in self.conn.execute(
                "SELECT id, kind, name FROM entities ORDER BY link_count DESC, sort_name LIMIT ?", (limit,)
            )
        ]

    # -- entities ----------------------------------------------------------

    def ref(self, ident: str) -> EntityRef | None:
        if not _bindable(ident):
            return None
        row = self.conn.execute("SELECT id, kind, name FROM entities WHERE id = ?", (ident,)).fetchone()
        return EntityRef(*row) if row else None

    def entities(self, kind: str | None = None) -> Iterator[EntityRef]:
        """Every entity (of one kind), by kind order then name."""
        sql = (
            "SELECT e.id, e.kind, e.name FROM entities e JOIN kinds k ON k.id = e.kind"
            + (" WHERE e.kind = ?" if kind else "")
            + " ORDER BY k.position, e.sort_name, e.id"
        )
        # Read whole inside the call, not as the caller iterates: see _Reader.
        rows = self.conn.execute(sql, (kind,) if kind else ()).fetchall()
        return (EntityRef(*row) for row in rows)

    def level(
        self,
        kind: str,
        parent: str | None = None,
        after: tuple[str, str] | None = None,
        limit: int = 256,
        before: tuple[str, str] | None = None,
    ) -> list[TreeRow]:
        """One batch of a navigator level: entities of `kind` under `parent`, by name, after a (sort_name, id);
        or, given `before`, the `limit` rows just before one (still in name order)."""
        sql = f"SELECT {_TREE_ROW} FROM entities WHERE kind = ? AND tree_parent IS ?"
        args: list = [kind, parent]
        if before is not None:
            # Keyset paging backwards (scrolling up from a row the tree jumped to): the index read in reverse.
            sql += " AND (sort_name, id) < (?, ?) ORDER BY sort_name DESC, id DESC LIMIT ?"
            rows = list(map(TreeRow._make, self.conn.execute(sql, [*args, *before, limit])))
            return rows[::-1]
        if after is not None:
            sql += " AND (sort_name, id) > (?, ?)"
            args.extend(after)
        sql += " ORDER BY sort_name, id LIMIT ?"
        args.append(limit)
        return list(map(TreeRow._make, self.conn.execute(sql, args)))

    def tree_row(self, ident: str) -> TreeRow | None:
        """The entity as its navigator level shows it; None if there is no such id."""
        if not _bindable(ident):
            return None
        row = self.conn.execute(f"SELECT {_TREE_ROW} FROM entities WHERE id = ?", (ident,)).fetchone()
        return TreeRow._make(row) if row else None

    def level_position(self, kind: str, parent: str | None, key: tuple[str, str]) -> int:
        """How many rows of a navigator level sort before `key` (a (sort_name, id)): the row it is, or would be, at.

        A keyset count over the tree index, so finding the 100,000th row reads no row itself. The
        name and the id are counted apart because SQLite re-checks a row-value bound on every
        entry it counts, which doubles the time of a count over a whole level.
        """
        sort_name, ident = key
        (count,) = self.conn.execute(
            "SELECT (SELECT count(*) FROM entities WHERE kind = ?1 AND tree_parent IS ?2 AND sort_name < ?3)"
            " + (SELECT count(*) FROM entities WHERE kind = ?1 AND tree_parent IS ?2 AND sort_name = ?3 AND id < ?4)",
            (kind, parent, sort_name, ident),
        ).fetchone()
        return count

    def level_nests(self, kind: str, parent: str | None = None) -> bool:
        """Whether any row of a navigator level has children of its own (read off the tree index)."""
        row = self.conn.execute(
            "SELECT 1 FROM entities WHERE kind = ?1 AND tree_parent IS ?2 AND id IN"
            " (SELECT tree_parent FROM entities WHERE kind = ?1 AND tree_parent IS NOT NULL) LIMIT 1",
            (kind, parent),
        ).fetchone()
        return row is not None

    def level_key(
        self, kind: str, parent: str | None, skip: int, after: tuple[str, str] | None = None
    ) -> tuple[str, str] | None:
        """The (sort_name, id) of the row `skip` rows past `after` (past the start when None); None past the end.

        For a jump into the middle of a level with no row near it read yet (a scroll bar dragged):
        the rows skipped are counted off the tree index alone, never read.
        """
        sql = "SELECT sort_name, id FROM entities WHERE kind = ? AND tree_parent IS ?"
        args: list = [kind, parent]
        if after is not None:
            sql += " AND (sort_name, id) > (?, ?)"
            args.extend(after)
        row = self.conn.execute(sql + " ORDER BY sort_name, id LIMIT 1 OFFSET ?", [*args, skip]).fetchone()
        return (row[0], row[1]) if row else None

    def level_size(self, kind: str, parent: str | None = None) -> int:
        if parent is None:
            row = self.conn.execute(
                "SELECT count(*) FROM entities WHERE kind = ? AND tree_parent IS NULL", (kind,)
            ).fetchone()
        else:
            row = self.conn.execute("SELECT child_count FROM entities WHERE id = ?", (parent,)).fetchone()
        return row[0] if row else 0

    def tree_path(self, ident: str) -> list[str]:
        """The ids from the top of the navigator down to `ident` (its kind group not included)."""
        path: list[str] = []
        current: str | None = ident
        while current is not None and current not in path:
            row = self.conn.execute("SELECT tree_parent FROM entities WHERE id = ?", (current,)).fetchone()
            if row is None:
                return []
            path.append(current)
            current = row[0]
        return path[::-1]

    def page(self, ident: str) -> Page | None:
        """The entity with its facts both ways, its parent and children; None if there is no such id."""
        if not _bindable(ident):
            return None
        row = self.conn.execute(
            "SELECT e.rid, e.id, e.kind, k.label, e.name, e.aliases, e.summary, e.parent, e.path, "
            "e.summary_sources, e.parent_sources, k.key_facts FROM entities e JOIN kinds k ON k.id = e.kind "
            "WHERE e.id = ?",
            (ident,),
        ).fetchone()
        if row is None:
            return None
        _, ident, kind, kind_label, name, aliases, summary, parent_id, path, summary_cites, parent_cites, key = row
        parent = self.ref(parent_id) if parent_id else None
        children = tuple(
            EntityRef(*r)
            for r in self.conn.execute(
                "SELECT id, kind, name FROM entities WHERE parent = ? ORDER BY sort_name, id", (ident,)
            )
        )
        outgoing = self._facts(
            "f.subject = ? ORDER BY f.position", (ident,), other="f.object", label="p.label", inbound=False
        )
        inbound = self._facts(
            "f.object = ? ORDER BY p.inverse, o.sort_name, f.position",
            (ident,),
            other="f.subject",
            label="p.inverse",
            inbound=True,
        )
        return Page(
            ident,
            kind,
            kind_label,
            name,
            tuple(json.loads(aliases)),
            summary,
            parent,
            children,
            tuple(outgoing),
            tuple(inbound),
            path,
            self._citations(summary_cites),
            self._citations(parent_cites) if parent else (),
            tuple(self._series(ident)),
            tuple(json.loads(key)),
            self._ancestors(ident, parent),
        )

    def _ancestors(self, ident: str, parent: EntityRef | None) -> tuple[EntityRef, ...]:
        """The parent's chain up to the top, top first, then the parent (a cycle in the data stops it)."""
        chain: list[EntityRef] = []
        seen = {ident}
        while parent is not None and parent.id not in seen:
            chain.append(parent)
            seen.add(parent.id)
            row = self.conn.execute(
                "SELECT p.id, p.kind, p.name FROM entities e JOIN entities p ON p.id = e.parent WHERE e.id = ?",
                (parent.id,),
            ).fetchone()
            parent = EntityRef(*row) if row else None
        return tuple(reversed(chain))

    def random_entity(self) -> EntityRef | None:
        """Any one entity, picked at random (None when the data holds none): Home's "Random entity"."""
        # A random offset into the primary key, not ORDER BY random(): that reads and sorts every row.
        row = self.conn.execute(
            "SELECT id, kind, name FROM entities WHERE rid >= "
            "(SELECT abs(random()) % (max(rid) - min(rid) + 1) + min(rid) FROM entities) ORDER BY rid LIMIT 1"
        ).fetchone()
        return EntityRef(*row) if row else None

    # -- official figures ----------------------------------------------------

    def _series(self, ident: str) -> list[SeriesView]:
        """A line per program (on a country's page) or country (on a program's page) and type."""
        sources = self.sources()
        out = []
        for this_end, other_end in (("country", "program"), ("program", "country")):
            rows = self.conn.execute(
                f"""SELECT o.id, o.kind, o.name, f.type, min(f.fiscal_year), max(f.fiscal_year), count(*),
                           sum(f.current), group_concat(DISTINCT f.source)
                    FROM figures f JOIN entities o ON o.id = f.{other_end}
                    WHERE f.{this_end} = ? GROUP BY f.{other_end}, f.type ORDER BY sum(f.current) DESC, o.sort_name""",
                (ident,),
            ).fetchall()
            for oid, okind, oname, kind, first, last, years, total, cited in rows:
                peak_year, peak = self.conn.execute(
                    f"SELECT fiscal_year, current FROM figures WHERE {this_end} = ? AND {other_end} = ? AND type = ? "
                    "ORDER BY current DESC, fiscal_year LIMIT 1",
                    (ident, oid, kind),
                ).fetchone()
                out.append(
                    SeriesView(
                        EntityRef(oid, okind, oname), kind, first, last, years, total, peak_year, peak,
                        tuple(sources[s] for s in sorted(cited.split(",")) if s in sources),
                    )
                )  # fmt: skip
        return out

    def figures(self, ident: str, other: str | None = None, kind: str | None = None) -> list[FigureView]:
        """Every figure of a country (or region) or of a program, oldest first; `other` keeps those of one
        program (or country), `kind` those of one transaction type."""
        if not _bindable(ident):
            return []
        sources = self.sources()
        where = ["(f.country = :id OR f.program = :id)"]
        if other is not None:
            where.append("(f.country = :other OR f.program = :other)")
        if kind is not None:
            where.append("f.type = :kind")
        rows = self.conn.execute(
            f"""SELECT f.fiscal_year, c.id, c.kind, c.name, p.id, p.kind, p.name, f.type, f.current, f.constant,
                       f.source, f.locator
                FROM figures f JOIN entities c ON c.id = f.country JOIN entities p ON p.id = f.program
                WHERE {" AND ".join(where)}
                ORDER BY f.fiscal_year, p.sort_name, c.sort_name, f.type""",
            {"id": ident, "other": other, "kind": kind},
        ).fetchall()
        out = []
        refs: dict[str, EntityRef] = {}  # thousands of figures name a few dozen entities: one EntityRef each
        for year, cid, ckind, cname, pid, pkind, pname, kind_, current, constant, src, locator in rows:
            if src in sources:  # a source the figures' file names is in every index it was built into
                country = refs.get(cid) or refs.setdefault(cid, EntityRef(cid, ckind, cname))
                program = refs.get(pid) or refs.setdefault(pid, EntityRef(pid, pkind, pname))
                out.append(FigureView(year, country, program, kind_, current, constant, sources[src], locator))
        return out

    def _citations(self, stored: str | list | None) -> tuple[CitationView, ...]:
        """Citations kept beside what they cite as [[source, locator], …]: JSON text, or the list already read."""
        if not stored:
            return ()
        pairs = json.loads(stored) if isinstance(stored, str) else stored
        sources = self.sources()
        return tuple(CitationView(sources[source], locator) for source, locator in pairs)

    def _claims(self, stored: str, label: str, other: EntityRef | None) -> tuple[ClaimView, ...]:
        """The claims of a fact whose sources disagree, as kept in its `claims` column.

        `other` is the entity at the far end for a fact read from its linked end (None when read
        from its subject): each claim then reads with that entity, as the fact itself does.
        """
        out = []
        for claim in json.loads(stored):
            ref = other or (self.ref(claim["entity"]) if claim["entity"] else None)
            missing = None if ref or other or not claim["entity"] else claim["entity"]
            when = claim["when"] or ""
            out.append(
                ClaimView(
                    rank=claim["rank"],
                    entity=ref,
                    missing=missing,
                    value=claim["value"],
                    unit=claim["unit"],
                    text=claim["text"],
                    unknown=bool(claim["unknown"]),
                    date=claim["date"],
                    start=claim["start"],
                    end=claim["end"],
                    when=when,
                    note=claim["note"],
                    sources=self._citations(claim["sources"]),
                    phrase=phrase(
                        label,
                        linked_name=ref.name if ref else missing,
                        value=claim["value"],
                        unit=claim["unit"],
                        text=claim["text"],
                        unknown=bool(claim["unknown"]),
                        when=when,
                    ),
                    shown=False,
                )
            )
        # The claim shown is the first of the best rank, as the loader chose it.
        from desktop.core.model import RANKS  # here: the window's first paint reads no claims

        best = min(range(len(out)), key=lambda i: RANKS.index(out[i].rank))
        out[best] = replace(out[best], shown=True)
        return tuple(out)

    def _facts(self, where: str, args: tuple, other: str, label: str, inbound: bool) -> list[FactView]:
        rows = self.conn.execute(
            f"""SELECT f.rid, f.property, {label}, o.id, o.kind, o.name, f.value, f.unit, f.text, f.unknown,
                       f.date, f.start, f."end", f.earliest, f.latest, f.display_date, f.note, f.missing,
                       f.start_min, f.start_max, f.end_min, f.end_max, p.time, f.claims
                FROM facts f JOIN properties p ON p.id = f.property
                LEFT JOIN entities o ON o.id = {other}
                WHERE {where}""",
            args,
        ).fetchall()
        cites: dict[int, list[CitationView]] = {}
        if rows:
            sources = self.sources()
            marks = ",".join("?" * len(rows))
            for fact, source, locator in self.conn.execute(
                f"SELECT fact, source, locator FROM citations WHERE fact IN ({marks}) ORDER BY fact, position",
                [r[0] for r in rows],
            ):
                cites.setdefault(fact, []).append(CitationView(sources[source], locator))
        out = []
        for (
            rid,
            prop,
            prop_label,
            oid,
            okind,
            oname,
            value,
            unit,
            text,
            unknown,
            date,
            start,
            end,
            earliest,
            latest,
            when,
            note,
            missing,
            start_min,
            start_max,
            end_min,
            end_max,
            time,
            claims,
        ) in rows:
            entity = EntityRef(oid, okind, oname) if oid else None
            out.append(
                FactView(
                    property=prop,
                    label=prop_label,
                    entity=entity,
                    value=value,
                    unit=unit,
                    text=text,
                    unknown=bool(unknown),
                    date=date,
                    start=start,
                    end=end,
                    earliest=earliest,
                    latest=latest,
                    when=when or "",
                    note=note,
                    sources=tuple(cites.get(rid, ())),
                    phrase=phrase(
                        prop_label,
                        linked_name=oname or (None if inbound else missing),
                        value=value,
                        unit=unit,
                        text=text,
                        unknown=bool(unknown),
                        when=when or "",
                    ),
                    inbound=inbound,
                    missing=None if inbound else missing,
                    days=(start_min, start_max, end_min, end_max),
                    time=time,
                    claims=self._claims(claims, prop_label, entity if inbound else None) if claims else (),
                )
            )
        return out

    # -- time --------------------------------------------------------------

    def timeline(
        self,
        entity: str | None = None,
        kind: str | None = None,
        start: str | None = None,
        end: str | None = None,
        text: str | None = None,
        limit: int | None = None,
        facts: Collection[int] | None = None,
    ) -> list[TimelineItem]:
        """Dated facts, oldest first: all of them, or those of `entity` (both ways), whose subject is of
        `kind`, whose time overlaps the dates `start`..`end`, that mention `text`, or among the fact row
        ids `facts` (the marks a timeline shows). DateError on a bad date."""
        if not all(_bindable(t) for t in (entity, kind, text) if t is not None):
            return []
        from desktop.core import timeline as timelines

        return timelines.timeline(self.conn, self.sources(), entity, kind, start, end, text, limit, facts)

    def timeline_layout(
        self,
        entity: str | None = None,
        kind: str | None = None,
        text: str | None = None,
        lanes_by: str = "entity",
        limit: int | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> timelines.Layout:
        """The lanes (by "entity" or by "kind") of a timeline of the dated facts the filters of `timeline`
        choose, and the rows each takes, from the marks' positions alone (see timeline.Layout). At most
        `limit` marks, the oldest (None: timeline.MAX_MARKS); raises timeline.Cancelled once `stop()`
        returns True."""
        from desktop.core import timeline as timelines

        if not all(_bindable(t) for t in (entity, kind, text) if t is not None):
            return timelines.Layout(lanes_by)
        return timelines.layout(self.conn, entity, kind, text, lanes_by, limit, stop)

    def timeline_marks(
        self, layout: timelines.Layout, lanes: Iterable[int], stop: Callable[[], bool] | None = None
    ) -> dict[int, timelines.LaneMarks]:
        """The marks of some lanes of `layout` (those in view): row and extent in days of each, no words."""
        from desktop.core import timeline as timelines

        return timelines.marks(self.conn, layout, lanes, stop)

    def time_span(self) -> tuple[str | None, str | None]:
        """The first and last ISO days a fact starts or ends on; (None, None) when nothing is dated.

        Read off the two time indexes' ends, each end a query of its own: SQLite reads a lone min() or
        max() off an index's first or last row, but `min(x), max(x)` in one query scans the whole index
        (8 ms at 10,000 entities, against hundredths of a millisecond). The window asks this as it
        opens, for the As of box's years: it is here, not with the timeline, whose module the first
        paint does without.
        """
        dated, undated_start = "earliest IS NOT NULL", "earliest IS NULL AND latest IS NOT NULL"
        started = self.conn.execute(
            f"SELECT (SELECT min(earliest) FROM facts WHERE {dated}), (SELECT max(earliest) FROM facts WHERE {dated})"
        ).fetchone()
        until = self.conn.execute(
            f"SELECT (SELECT min(latest) FROM facts WHERE {undated_start}),"
            f" (SELECT max(latest) FROM facts WHERE {undated_start})"
        ).fetchone()
        firsts = [d for d in (started[0], until[0]) if d]
        lasts = [d for d in (started[1], until[1]) if d]
        return (min(firsts) if firsts else None, max(lasts) if lasts else None)

    # -- search ------------------------------------------------------------

    def search(self, query: str, kind: str | None = None, limit: int = 50, snippets: int | None = None) -> list[Hit]:
        """See search.search; `snippets` leaves the full-text snippets past that many hits to a later call."""
        return searching.search(self.conn, query, kind=kind, limit=limit, snippets=snippets)

    def closest(self, text: str, limit: int = 5) -> list[EntityRef]:
        return searching.closest(self.conn, text, limit)


def _in_call(method: Callable) -> Callable:
    """`method`, counted as a call of this thread into the store while it runs (see _Reader)."""

    @functools.wraps(method)
    def call(self: Store, *args: object, **kwargs: object) -> object:
        reader = self._reader()
        with reader.lock:
            reader.depth += 1
        try:
            return method(self, *args, **kwargs)
        finally:
            with reader.lock:
                reader.depth -= 1
                conn = reader.conn if reader.depth == 0 and self._closed else None
                if conn is not None:
                    reader.conn = None
            if conn is not None:
                conn.close()  # the store was closed during the call: the connection is idle now

    return call


def _count_calls(cls: type) -> None:
    """Wrap every public method of `cls` with `_in_call`, those added later included."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or name in ("close", "interrupt") or not isfunction(member):
            continue
        if isgeneratorfunction(member):
            # Its body would run as the caller iterates, outside the call: a close() could land mid-query.
            raise TypeError(f"Store.{name} reads lazily; read the rows inside the call instead")
        setattr(cls, name, _in_call(member))


_count_calls(Store)


def _refresh(folders: list[Path], target: Path, stats: list, fp: str) -> BuildReport | None:
    """refresh_index, where any failure (a bug in the refresh included) means a full build, not a failed start."""
    try:
        return refresh_index(folders, target, stats, fp)
    except Exception as exc:
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())  # one line, whatever the message holds
        log.warning("refreshing the index failed, so it is built afresh: %s", reason, exc_info=debugging())
        return None


_TREE_ROW = "id, kind, name, sort_name, aliases, child_count"  # the columns of a TreeRow, in its order


def _bindable(text: str) -> bool:
    """Whether SQLite can be given `text`: a lone surrogate (an undecodable byte on the command line) cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

"""The timeline of the whole store: every dated fact, oldest first, read through the time indexes.

Facts with a known start or date come off `facts_time` (earliest, latest) in
order; periods known only by their end come off `facts_until` and are placed
by that end. The two ordered streams are merged, so no query sorts the whole
table and a `limit` stops reading early.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Iterator
from itertools import islice

from desktop.core.dates import parse_date
from desktop.core.phrases import phrase
from desktop.core.views import CitationView, EntityRef, SourceInfo, TimelineItem

_COLUMNS = """f.rid, s.id, s.kind, s.name, o.id, o.kind, o.name, f.missing, f.property, p.label,
    f.value, f.unit, f.text, f.unknown, f.display_date, f.earliest, f.latest, f.precision,
    f.date, f.start, f."end", f.note"""
_FROM = """FROM facts f JOIN entities s ON s.id = f.subject JOIN properties p ON p.id = f.property
    LEFT JOIN entities o ON o.id = f.object"""
# SQLite's default limit on bound parameters is 999 in older builds: stay under it.
_CHUNK = 900


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def timeline(
    conn: sqlite3.Connection,
    sources: dict[str, SourceInfo],
    entity: str | None = None,
    kind: str | None = None,
    start: str | None = None,
    end: str | None = None,
    text: str | None = None,
    limit: int | None = None,
) -> list[TimelineItem]:
    """Dated facts oldest first; see Store.timeline. Raises DateError for a bad `start`/`end`."""
    where: list[str] = []
    args: list = []
    if entity is not None:
        where.append("(f.subject = ? OR f.object = ?)")
        args += [entity, entity]
    if kind is not None:
        where.append("s.kind = ?")
        args.append(kind)
    if start is not None:  # overlap: the fact has not ended before the range begins
        where.append("(f.latest IS NULL OR f.latest >= ?)")
        args.append(parse_date(start).earliest)
    if end is not None:  # ... and has not begun after it ends
        where.append("(f.earliest IS NULL OR f.earliest <= ?)")
        args.append(parse_date(end).latest)
    if text:
        fields = ("p.label", "s.name", "o.name", "f.missing", "f.text", "f.note", "f.display_date")
        where.append("(" + " OR ".join(f"{field} LIKE ? ESCAPE '\\'" for field in fields) + ")")
        args += [_like(text)] * len(fields)
    extra = "".join(f" AND {w}" for w in where)
    tail = " LIMIT ?" if limit is not None else ""
    tail_args = [limit] if limit is not None else []
    started = conn.execute(
        f"SELECT {_COLUMNS} {_FROM} WHERE f.earliest IS NOT NULL{extra} ORDER BY f.earliest, f.latest, f.rid{tail}",
        [*args, *tail_args],
    )
    until = conn.execute(
        f"SELECT {_COLUMNS} {_FROM} WHERE f.earliest IS NULL AND f.latest IS NOT NULL{extra} "
        f"ORDER BY f.latest, f.rid{tail}",
        [*args, *tail_args],
    )
    # The key agrees with both ORDER BYs (SQLite sorts a NULL latest first, as "" does).
    rows: Iterator[tuple] = heapq.merge(started, until, key=lambda r: (r[15] or r[16], r[16] or "", r[0]))
    chosen = list(islice(rows, limit))
    cites = _citations(conn, sources, [r[0] for r in chosen])
    return [_item(row, cites.get(row[0], ())) for row in chosen]


def _citations(
    conn: sqlite3.Connection, sources: dict[str, SourceInfo], rids: list[int]
) -> dict[int, tuple[CitationView, ...]]:
    found: dict[int, list[CitationView]] = {}
    for at in range(0, len(rids), _CHUNK):
        chunk = rids[at : at + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for fact, source, locator in conn.execute(
            f"SELECT fact, source, locator FROM citations WHERE fact IN ({marks}) ORDER BY fact, position", chunk
        ):
            found.setdefault(fact, []).append(CitationView(sources[source], locator))
    return {fact: tuple(cites) for fact, cites in found.items()}


def _item(row: tuple, sources: tuple[CitationView, ...]) -> TimelineItem:
    (
        rid, sid, skind, sname, oid, okind, oname, missing, prop, label, value, unit, text, unknown,
        when, earliest, latest, precision, date, start, end, note,
    ) = row  # fmt: skip
    return TimelineItem(
        fact=rid,
        subject=EntityRef(sid, skind, sname),
        other=EntityRef(oid, okind, oname) if oid else None,
        property=prop,
        label=label,
        phrase=phrase(
            label,
            linked_name=oname or missing,
            value=value,
            unit=unit,
            text=text,
            unknown=bool(unknown),
            when=when or "",
        ),
        when=when or "",
        earliest=earliest,
        latest=latest,
        precision=precision,
        date=date,
        start=start,
        end=end,
        note=note,
        sources=sources,
    )


def extent(conn: sqlite3.Connection) -> tuple[str | None, str | None]:
    """The first and last days any fact starts or ends on, read off the two time indexes' ends."""
    started = conn.execute("SELECT min(earliest), max(earliest) FROM facts WHERE earliest IS NOT NULL").fetchone()
    until = conn.execute(
        "SELECT min(latest), max(latest) FROM facts WHERE earliest IS NULL AND latest IS NOT NULL"
    ).fetchone()
    firsts = [d for d in (started[0], until[0]) if d]
    lasts = [d for d in (started[1], until[1]) if d]
    return (min(firsts) if firsts else None, max(lasts) if lasts else None)

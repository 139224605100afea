"""The timeline of the whole store: every dated fact, oldest first, read through the time indexes.

Facts with a known start or date come off `facts_time` (earliest, latest) in
order; periods known only by their end come off `facts_until` and are placed
by that end. The two ordered streams are merged, so no query sorts the whole
table and a `limit` stops reading early.

The window draws from two reads. `layout` places every matching fact (lane,
row, extent in days) from its four day-number bounds alone, without a word of
its text; `timeline(facts=…)` then reads the words (phrase, names, sources) of
only the marks on screen.
"""

from __future__ import annotations

import heapq
import sqlite3
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import overload

from desktop.core import timeline_series as series
from desktop.core.collector import collector_paused
from desktop.core.dates import day_number, parse_date
from desktop.core.phrases import phrase
from desktop.core.records import lazy_dataclass
from desktop.core.text import like_pattern
from desktop.core.views import CitationView, EntityRef, SourceInfo, TimelineItem

_COLUMNS = """f.rid, s.id, s.kind, s.name, o.id, o.kind, o.name, f.missing, f.property, p.label,
    f.value, f.unit, f.text, f.unknown, f.display_date, f.earliest, f.latest, f.precision,
    f.date, f.start, f."end", f.note, f.start_min, f.start_max, f.end_min, f.end_max"""
_FROM = """FROM facts f JOIN entities s ON s.id = f.subject JOIN properties p ON p.id = f.property
    LEFT JOIN entities o ON o.id = f.object"""
# SQLite's default limit on bound parameters is 999 in older builds: stay under it.
_CHUNK = 900
_TEXT_FIELDS = ("p.label", "s.name", "o.name", "f.missing", "f.text", "f.note", "f.display_date")


def _text_filter(text: str) -> tuple[str, list[str]]:
    """A condition matching `text` as plain characters in anything the fact says (needs p, s and o joined)."""
    condition = "(" + " OR ".join(f"{f} LIKE ? ESCAPE '\\'" for f in _TEXT_FIELDS) + ")"
    return condition, [like_pattern(text)] * len(_TEXT_FIELDS)


def _conditions(entity: str | None, kind: str | None, text: str | None) -> tuple[list[str], list]:
    """The conditions (with their arguments) for the facts of `entity` (both ways), whose subject is of
    `kind`, or that mention `text`: one set for the timeline's list and its layout alike."""
    where: list[str] = []
    args: list = []
    if entity is not None:
        where.append("(f.subject = ? OR f.object = ?)")
        args += [entity, entity]
    if kind is not None:
        where.append("f.subject IN (SELECT id FROM entities WHERE kind = ?)")
        args.append(kind)
    if text:
        condition, texts = _text_filter(text)
        where.append(condition)
        args += texts
    return where, args


def timeline(
    conn: sqlite3.Connection,
    sources: dict[str, SourceInfo],
    entity: str | None = None,
    kind: str | None = None,
    start: str | None = None,
    end: str | None = None,
    text: str | None = None,
    limit: int | None = None,
    facts: Collection[int] | None = None,
) -> list[TimelineItem]:
    """Dated facts oldest first; see Store.timeline. Raises DateError for a bad `start`/`end`."""
    where, args = _conditions(entity, kind, text)
    if start is not None:  # overlap: the fact has not ended before the range begins
        where.append("(f.latest IS NULL OR f.latest >= ?)")
        args.append(parse_date(start).earliest)
    if end is not None:  # ... and has not begun after it ends
        where.append("(f.earliest IS NULL OR f.earliest <= ?)")
        args.append(parse_date(end).latest)
    extra = "".join(f" AND {w}" for w in where)
    if facts is not None:
        wanted = set(facts)
        found = _these(conn, sources, sorted(f for f in wanted if f > 0), extra, args)
        if any(f < 0 for f in wanted):  # series of official figures, as a layout places them
            first = parse_date(start).earliest if start is not None else None
            last = parse_date(end).latest if end is not None else None
            found += series.items(
                conn, sources, wanted, entity, kind, text,
                day_number(first) if first else None, day_number(last) if last else None,
            )  # fmt: skip
            found.sort(key=lambda item: (item.earliest or item.latest or "", item.latest or "", item.fact))
        return found[:limit] if limit is not None else found
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
    rows: Iterator[tuple] = heapq.merge(started, until, key=_in_time)
    chosen = list(islice(rows, limit))
    cites = _citations(conn, sources, [r[0] for r in chosen])
    return [_item(row, cites.get(row[0], ())) for row in chosen]


def _in_time(row: tuple) -> tuple[str, str, int]:
    # Agrees with both ORDER BYs above (SQLite sorts a NULL latest first, as "" does).
    return (row[15] or row[16], row[16] or "", row[0])


def _these(
    conn: sqlite3.Connection, sources: dict[str, SourceInfo], rids: list[int], extra: str, args: list
) -> list[TimelineItem]:
    """The dated facts among `rids` (the marks on screen), oldest first, a statement's worth of ids at a time."""
    rows: list[tuple] = []
    for at in range(0, len(rids), _CHUNK):
        chunk = rids[at : at + _CHUNK]
        rows += conn.execute(
            f"SELECT {_COLUMNS} {_FROM} WHERE f.rid IN ({','.join('?' * len(chunk))}) "
            f"AND (f.earliest IS NOT NULL OR f.latest IS NOT NULL){extra}",
            [*chunk, *args],
        ).fetchall()
    rows.sort(key=_in_time)
    cites = _citations(conn, sources, [r[0] for r in rows])
    return [_item(row, cites.get(row[0], ())) for row in rows]


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
        when, earliest, latest, precision, date, start, end, note, start_min, start_max, end_min, end_max,
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
        start_min=start_min,
        start_max=start_max,
        end_min=end_min,
        end_max=end_max,
    )


# -- the layout: where each mark goes, before any of its words are read ---------------------------

FADE_DAYS = 4 * 365  # how far an open start fades in, and an open end fades out, beyond its known day
MAX_MARKS = 1_000_000  # the most marks one layout places: past this the oldest are shown, and the count says so
POINT, OPEN_START, OPEN_END = 1, 2, 4  # LaneMarks.flags bits
_STOP_EVERY = 1024  # rows read between two looks at `stop` (and two chances for other threads to run)
_INF = float("inf")
# Where a timeline with no dated fact at all is drawn: some year, rather than nowhere.
_EMPTY_SPAN = (float(day_number("2000-01-01")), float(day_number("2001-01-01")))
_DATED = "(f.start_min IS NOT NULL OR f.end_max IS NOT NULL)"
# Where a mark begins to be drawn (an open start fades in before its end): marks are placed in this order.
_X0 = f"coalesce(f.start_min, f.end_min - {FADE_DAYS})"


class Cancelled(Exception):
    """A read was stopped because a newer one was asked for."""


@dataclass(frozen=True, slots=True)
class LaneInfo:
    """One lane of a Layout, made when asked for (Layout.lanes)."""

    key: str  # an entity id, or a kind id for lanes by kind
    name: str
    kind: int  # the kind of the lane's subjects: an index into Layout.kinds
    rows: int  # rows of marks, packed so that marks in one row never overlap
    count: int  # marks


@lazy_dataclass
class Layout:
    """The lanes of a timeline and the rows each takes, from one pass over the positions of its marks.

    Holds no mark: `marks` reads the marks of the lanes in view (with the same
    filters, so that they fill the same rows), and Store.timeline(facts=…) the
    words of the marks shown. Days are day numbers (dates.day_number).
    """

    lanes_by: str  # "entity" or "kind"
    entity: str | None = None  # the filters the lanes were laid out for
    kind: str | None = None
    text: str | None = None
    # The lanes, a column each: there may be a hundred thousand, and lists of strings and arrays of
    # numbers are each one object to the garbage collector (and quick to let go of), where a tuple
    # per lane would be a hundred thousand.
    keys: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    lane_kinds: array = field(default_factory=lambda: array("B"))  # indexes into `kinds`
    lane_rows: array = field(default_factory=lambda: array("l"))
    lane_counts: array = field(default_factory=lambda: array("l"))
    kinds: list[tuple[str, str]] = field(default_factory=list)  # (id, plural label), the vocabulary's order
    first: float = _EMPTY_SPAN[0]  # the first and last days any mark starts or ends on (fades excluded)
    last: float = _EMPTY_SPAN[1]
    placed: int = 0  # marks laid out
    total: int = 0  # dated facts that matched: more than `placed` when the layout's limit cut them short
    cutoff: tuple[float, int] | None = None  # (x0, fact) of the last mark placed, when the limit cut in
    series: int = 0  # series of official figures, a lane and a mark each (or one lane by kind): never cut
    _lane_of: dict[str, int] | None = None

    @property
    def lanes(self) -> Lanes:
        return Lanes(self)

    def lane_of(self, key: str) -> int | None:
        """The lane of an entity (lanes by entity) or of a kind (lanes by kind)."""
        if self._lane_of is None:
            self._lane_of = {k: n for n, k in enumerate(self.keys)}
        return self._lane_of.get(key)

    def release(self, stop: Callable[[], bool] = lambda: False) -> None:
        """Let go of the lanes a slice at a time, letting other threads run between (see _pause)."""
        for column in (self.keys, self.names):
            while column:
                del column[-_STOP_EVERY * 8 :]
                _pause(stop)
        self._lane_of = None


class Lanes(Sequence[LaneInfo]):
    """The lanes of a Layout as LaneInfo tuples, each made when reached."""

    __slots__ = ("_layout",)

    def __init__(self, layout: Layout) -> None:
        self._layout = layout

    def __len__(self) -> int:
        return len(self._layout.keys)

    def _lane(self, n: int) -> LaneInfo:
        layout = self._layout
        return LaneInfo(
            layout.keys[n], layout.names[n], layout.lane_kinds[n], layout.lane_rows[n], layout.lane_counts[n]
        )

    @overload
    def __getitem__(self, index: int) -> LaneInfo: ...
    @overload
    def __getitem__(self, index: slice) -> list[LaneInfo]: ...
    def __getitem__(self, index: int | slice) -> LaneInfo | list[LaneInfo]:
        if isinstance(index, slice):
            return [self._lane(n) for n in range(len(self))[index]]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._lane(index % len(self))


@lazy_dataclass
class LaneMarks:
    """The marks of one lane, in order of row then x0, each with its extent in days.

    x0..x1 is everything drawn, fades included; s0..s1 is where the fact surely
    held (a point's is the whole span its vague date stands for). Marks in a row
    never overlap, so within a row both x0 and x1 rise.
    """

    index: int  # the lane's, in Layout.lanes
    fact: array = field(default_factory=lambda: array("q"))  # the fact's row id
    row: array = field(default_factory=lambda: array("l"))
    x0: array = field(default_factory=lambda: array("d"))
    x1: array = field(default_factory=lambda: array("d"))
    s0: array = field(default_factory=lambda: array("d"))
    s1: array = field(default_factory=lambda: array("d"))
    flags: array = field(default_factory=lambda: array("B"))  # POINT | OPEN_START | OPEN_END
    subject: list[str] = field(default_factory=list)
    other: list[str | None] = field(default_factory=list)  # the linked entity, when it exists
    row_starts: array = field(default_factory=lambda: array("l", [0]))  # row r: marks row_starts[r]..[r + 1]

    def __len__(self) -> int:
        return len(self.fact)

    def row_marks(self, row: int, left: float | None = None) -> range:
        """The marks of `row`, left to right; from the first one that ends at or after day `left`, if given."""
        start, end = self.row_starts[row], self.row_starts[row + 1]
        if left is not None:
            start = bisect_left(self.x1, left, start, end)
        return range(start, end)

    def next_in_row(self, i: int) -> int | None:
        """The mark after `i` in its row (the one its label must not run into), if any."""
        return i + 1 if i + 1 < len(self.row) and self.row[i + 1] == self.row[i] else None


_FEW_ROWS = 24  # up to this many rows a lane's rows are scanned; past it, kept in heaps
_NO_ROWS: list = []  # stands for a heap not made yet (never written to)


class _Rows:
    """A lane's rows as marks are placed in order of x0: each mark takes the first row free by then.

    A row is free for a mark once the mark before it has ended, strictly before
    the mark begins; an ongoing fact keeps its row for ever. First-fit in order
    of beginning takes as many rows as marks overlap at most, the fewest there
    can be. Lanes by entity have a few rows: scanning how far each is filled is
    quickest. Lanes by kind have hundreds: heaps of the rows in use (by end) and
    of the rows free again keep each placing O(log n).
    """

    __slots__ = ("busy", "count", "filled", "idle", "marks")

    def __init__(self) -> None:
        self.filled: list[float] | None = []  # how far each row is filled, while there are few rows
        # Past that (made then, as most lanes never need them): (end, row) of the rows in use, and the
        # rows free again, lowest first.
        self.busy: list[tuple[float, int]] = _NO_ROWS
        self.idle: list[int] = _NO_ROWS
        self.count = 0  # rows
        self.marks = 0

    def take(self, start: float, end: float) -> int:
        filled = self.filled
        if filled is not None:
            for row, up_to in enumerate(filled):
                if up_to < start:
                    filled[row] = end
                    return row
            if len(filled) < _FEW_ROWS:
                filled.append(end)
                self.count += 1
                return self.count - 1
            self.busy = [(up_to, row) for row, up_to in enumerate(filled)]  # from here on, the heaps
            heapq.heapify(self.busy)
            self.idle = []
            self.filled = None
        busy, idle = self.busy, self.idle
        while busy and busy[0][0] < start:
            heapq.heappush(idle, heapq.heappop(busy)[1])
        if idle:
            row = heapq.heappop(idle)
        else:
            row = self.count
            self.count += 1
        heapq.heappush(busy, (end, row))
        return row


def _pause(stopped: Callable[[], bool]) -> None:
    """Between two batches of rows: stop if asked to, and let other threads have the interpreter lock.

    A read on a worker holds the lock while it turns rows into Python values; the
    GUI thread would wait for it up to the interpreter's switch interval (5 ms) each
    time it runs Python. Sleeping, even for no time, hands the lock to a thread that
    waits for it.
    """
    if stopped():
        raise Cancelled
    time.sleep(0)


def _filters(entity: str | None, kind: str | None, text: str | None, by_kind: bool) -> tuple[str, str, list]:
    """The joins and conditions (with their arguments) that choose the dated facts of a timeline."""
    joins = "JOIN entities s ON s.id = f.subject" if by_kind or text else ""
    if text:
        joins += " JOIN properties p ON p.id = f.property LEFT JOIN entities o ON o.id = f.object"
    where, args = _conditions(entity, kind, text)
    return joins, " AND ".join([_DATED, *where]), args


def layout(
    conn: sqlite3.Connection,
    entity: str | None = None,
    kind: str | None = None,
    text: str | None = None,
    lanes_by: str = "entity",
    limit: int | None = MAX_MARKS,
    stop: Callable[[], bool] | None = None,
) -> Layout:
    """Lay out the lanes of the dated facts that match (see Store.timeline_layout). Raises Cancelled."""
    with collector_paused():
        return _layout(conn, entity, kind, text, lanes_by, max(limit, 0) if limit is not None else MAX_MARKS, stop)


def _layout(
    conn: sqlite3.Connection,
    entity: str | None,
    kind: str | None,
    text: str | None,
    lanes_by: str,
    cap: int,
    stop: Callable[[], bool] | None,
) -> Layout:
    stopped = stop or (lambda: False)
    if stopped():
        raise Cancelled
    by_kind = lanes_by == "kind"
    kinds = conn.execute("SELECT id, plural FROM kinds ORDER BY position").fetchall()
    out = Layout(lanes_by, entity, kind, text, kinds=kinds)
    joins, where, args = _filters(entity, kind, text, by_kind)
    # Only where each mark begins and ends: a lane's rows depend on nothing else.
    cursor = conn.execute(
        f"SELECT {'s.kind' if by_kind else 'f.subject'}, f.start_min, f.end_min, f.end_max, f.rid "
        f"FROM facts f {joins} WHERE {where} ORDER BY {_X0}, f.rid LIMIT ?",
        [*args, cap + 1],
    )
    lanes: dict[str, _Rows] = {}
    first, last = _INF, -_INF
    placed, more = 0, False
    end_of_placed = (0.0, 0)
    fade = FADE_DAYS
    # The loop every mark goes through: written out for speed (a layout is some 1 µs a mark).
    while not more and (batch := cursor.fetchmany(_STOP_EVERY)):
        _pause(stopped)
        for key, start, end_min, end_max, fact in batch:
            if placed == cap:
                more = True
                break
            if start is not None:
                x0 = start
                if x0 < first:
                    first = x0
                if x0 > last:
                    last = x0
            else:
                x0 = end_min - fade
            if end_max is not None:
                x1 = end_max + 1
                if x1 < first:
                    first = x1
                if x1 > last:
                    last = x1
            else:
                x1 = _INF
            rows = lanes.get(key)
            if rows is None:
                rows = lanes[key] = _Rows()
            rows.marks += 1
            filled = rows.filled
            if filled is not None and filled and filled[0] < x0:  # most often: the first row is free
                filled[0] = x1
            else:
                rows.take(x0, x1)
            placed += 1
            end_of_placed = (x0, fact)
    out.placed = out.total = placed
    if more:  # the limit cut in: the lanes' marks are read up to the same mark, and the count says so
        out.cutoff = (float(end_of_placed[0]), end_of_placed[1])
        out.total = conn.execute(f"SELECT count(*) FROM facts f {joins} WHERE {where}", args).fetchone()[0]
    kind_index = {k: n for n, (k, _) in enumerate(kinds)}
    if by_kind:  # in the vocabulary's order
        out.keys = sorted(lanes, key=lambda k: kind_index.get(k, len(kinds)))
        out.names = [kinds[kind_index[k]][1] for k in out.keys]
        out.lane_kinds = array("B", [kind_index[k] for k in out.keys])
    else:  # in order of their first mark, as they were met
        out.keys = list(lanes)
        _name_lanes(conn, out, kind_index)
    out.lane_rows = array("l", [lanes[k].count for k in out.keys])
    out.lane_counts = array("l", [lanes[k].marks for k in out.keys])
    _let_go(lanes, stopped)
    _pause(stopped)
    spans = series.spans(conn, entity, kind, text)
    if spans:
        first = min(first, spans[0].x0)
        last = max(last, max(s.x1 for s in spans))
        _add_series_lanes(out, spans, kind_index)
    if placed or spans:
        out.first, out.last = float(first), float(last)
    return out


def _add_series_lanes(out: Layout, spans: list[series.Span], kind_index: dict[str, int]) -> None:
    """The series of official figures after the facts' lanes: a lane each by entity, one by kind."""
    out.series = len(spans)
    out._lane_of = None
    if out.lanes_by == "kind":
        rows = _Rows()
        for span in spans:
            rows.take(span.x0, span.x1)
        out.keys.append(series.PREFIX)
        out.names.append(series.LABEL)
        out.lane_kinds.append(kind_index.get(spans[0].program_kind, 0))
        out.lane_rows.append(rows.count)
        out.lane_counts.append(len(spans))
        return
    for span in spans:
        out.keys.append(series.lane_key(span.country, span.program))
        out.names.append(span.name)
        out.lane_kinds.append(kind_index.get(span.program_kind, 0))
        out.lane_rows.append(1)
        out.lane_counts.append(1)


def _name_lanes(conn: sqlite3.Connection, out: Layout, kind_index: dict[str, int]) -> None:
    """Each lane's entity's name and kind: a few lanes by their ids, many by reading the narrow table through."""
    out._lane_of = lane_of = {k: n for n, k in enumerate(out.keys)}
    out.names = list(out.keys)  # an entity gone meanwhile keeps its id for a name
    out.lane_kinds = array("B", bytes(len(out.keys)))
    if len(lane_of) > 2000:
        chunks: Iterable[list[str]] = [[]]
    else:
        chunks = (out.keys[at : at + _CHUNK] for at in range(0, len(out.keys), _CHUNK))
    for chunk in chunks:
        where = f" WHERE id IN ({','.join('?' * len(chunk))})" if chunk else ""
        for ident, name, kind in conn.execute(f"SELECT id, name, kind FROM entities{where}", chunk):
            n = lane_of.get(ident)
            if n is not None:
                out.names[n] = name
                out.lane_kinds[n] = kind_index.get(kind, 0)


def _let_go(lanes: dict[str, _Rows], stopped: Callable[[], bool]) -> None:
    """Free the rows of every lane a slice at a time: freed at once, a hundred thousand take the interpreter
    lock for tens of milliseconds without a break."""
    while lanes:
        for _ in range(min(len(lanes), _STOP_EVERY * 4)):
            lanes.popitem()
        _pause(stopped)


# Each mark's extent in days: a vague start or end is solid only from the last day it can have begun
# to the first day it can have ended (the rest of its span is where it fades); a short period inside
# vague bounds is nowhere sure, so it is drawn whole and faint. f.object is set only while the entity
# it names exists (a missing one goes to f.missing), so no join is needed to tell.
_MARK_COLUMNS = "f.rid, f.subject, f.object, f.date IS NOT NULL, f.start_min, f.start_max, f.end_min, f.end_max"


def marks(
    conn: sqlite3.Connection,
    layout: Layout,
    lanes: Iterable[int],
    stop: Callable[[], bool] | None = None,
) -> dict[int, LaneMarks]:
    """The marks of `lanes` (indexes into layout.lanes), placed in the rows the layout counted. Raises Cancelled."""
    stopped = stop or (lambda: False)
    by_kind = layout.lanes_by == "kind"
    wanted = sorted({n for n in lanes if 0 <= n < len(layout.keys)})
    joins, where, args = _filters(layout.entity, layout.kind, layout.text, by_kind)
    if layout.cutoff is not None:  # the same marks the layout placed, not those past its limit
        where += f" AND ({_X0}, f.rid) <= (?, ?)"
        args += list(layout.cutoff)
    column = "s.kind" if by_kind else "f.subject"
    found: dict[int, LaneMarks] = {}
    figures = [n for n in wanted if series.is_series_lane(layout.keys[n])]
    if figures:
        found.update(_series_marks(conn, layout, figures))
        wanted = [n for n in wanted if n not in found]
    with collector_paused():
        for at in range(0, len(wanted), _CHUNK):
            chunk = wanted[at : at + _CHUNK]
            keys = [layout.keys[n] for n in chunk]
            cursor = conn.execute(
                f"SELECT {column}, {_MARK_COLUMNS} FROM facts f {joins} "
                f"WHERE {column} IN ({','.join('?' * len(keys))}) AND {where} ORDER BY {_X0}, f.rid",
                [*keys, *args],
            )
            rows: dict[str, list[tuple]] = {key: [] for key in keys}
            while batch := cursor.fetchmany(_STOP_EVERY):
                _pause(stopped)
                for row in batch:
                    rows[row[0]].append(row)
            for n, key in zip(chunk, keys, strict=True):
                found[n] = _lane_marks(n, rows[key], layout.last)
    return found


def _lane_marks(index: int, rows: list[tuple], last: float) -> LaneMarks:
    """One lane's marks from its rows (in order of x0), placed as the layout placed them, then by row."""
    placed: list[tuple[int, float, int, str, str | None, int, float, float, float]] = []
    lane_rows = _Rows()
    # a..b: the days the start may fall on, c..d: those of the end (None where open).
    for _, rid, subject, other, is_point, a, b, c, d in rows:
        end = d + 1.0 if d is not None else None  # the day after the last: spans are half-open
        if is_point:  # a point has both
            flag, x0, x1, s0, s1 = POINT, float(a), float(end), float(a), float(end)  # type: ignore[arg-type]
        else:
            s0 = b + 1.0 if a is not None else float(c)
            s1 = float(c) if end is not None else max(last, s0)  # ongoing: solid to the timeline's last day
            if s1 < s0 and a is not None and end is not None:
                s0 = s1 = (a + end) / 2
            flag = (OPEN_START if a is None else 0) | (OPEN_END if end is None else 0)
            x0 = float(a) if a is not None else s0 - FADE_DAYS
            x1 = end if end is not None else s1 + FADE_DAYS
        row = lane_rows.take(x0, x1 if end is not None else _INF)
        placed.append((row, x0, rid, subject, other, flag, x1, s0, s1))
    placed.sort(key=lambda m: (m[0], m[1], m[2]))
    out = LaneMarks(index)
    if placed:
        rows_, x0s, facts, subjects, others, flags, x1s, s0s, s1s = (list(c) for c in zip(*placed, strict=True))
        out.row, out.x0, out.fact, out.flags = array("l", rows_), array("d", x0s), array("q", facts), array("B", flags)
        out.x1, out.s0, out.s1 = array("d", x1s), array("d", s0s), array("d", s1s)
        out.subject, out.other = subjects, others
        starts = array("l", [0] * (lane_rows.count + 1))
        for r in out.row:
            starts[r + 1] += 1
        for r in range(lane_rows.count):
            starts[r + 1] += starts[r]
        out.row_starts = starts
    return out


def _series_marks(conn: sqlite3.Connection, layout: Layout, lanes: list[int]) -> dict[int, LaneMarks]:
    """The marks of lanes of official figures: one series each by entity; every series, in rows, by kind."""
    found: dict[int, LaneMarks] = {}
    keys = {n: series.series_of(layout.keys[n]) for n in lanes}
    pairs = [pair for pair in keys.values() if pair is not None]
    by_pair: dict[tuple[str, str], series.Span] = {}
    for at in range(0, len(pairs), _CHUNK // 2):
        for span in series.spans(conn, layout.entity, layout.kind, layout.text, only=pairs[at : at + _CHUNK // 2]):
            by_pair[(span.country, span.program)] = span
    for n, pair in keys.items():
        if pair is None:  # the one lane of every series, by kind
            chosen = series.spans(conn, layout.entity, layout.kind, layout.text)
        else:
            chosen = [by_pair[pair]] if pair in by_pair else []
        # As a fact's row would give them: a known first and last day (x1 is the day after the last).
        rows = [(None, s.fact, s.country, s.program, False, s.x0, s.x0, s.x1 - 1, s.x1 - 1) for s in chosen]
        found[n] = _lane_marks(n, rows, layout.last)
    return found

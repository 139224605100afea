"""Official figures on the timeline: each series (a country and a program) as one lane with one mark.

Figures are not facts: a country may have thousands (a program's yearly amounts, by transaction
type), and drawn one mark each they would bury the facts around them. The timeline shows instead
one mark per series, from the first fiscal year it has a figure for to the last, and reads its
words (total, peak year, the dataset it comes from, the amount of each year for the strip the
mark is painted as) only for the marks on screen, as it does for facts.

A series mark is known by a negative id, minus the row id of its first figure, so that it never
meets a fact's (positive) row id: the timeline's lists and caches keyed by id hold both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from desktop.core.figures import fiscal_year_bounds, fiscal_year_days, type_label
from desktop.core.phrases import format_quantity
from desktop.core.text import like_pattern
from desktop.core.views import CitationView, EntityRef, SourceInfo, TimelineItem

PREFIX = "figures:"  # a lane's key: PREFIX alone for lanes by kind, PREFIX + country:program by entity
LABEL = "Official figures"  # the lane's name by kind, and what a series says it is
PROPERTY = "figures:series"  # a series' TimelineItem.property: with a colon, no vocabulary property's id
_MAIN_TYPE = "obligations"  # the type a series' strip and first words give, when it has figures of it


def lane_key(country: str, program: str) -> str:
    """The key of a series' lane by entity (an entity's id never holds a colon, so no lane can clash)."""
    return f"{PREFIX}{country}:{program}"


def is_series_lane(key: str) -> bool:
    return key.startswith(PREFIX)


def series_of(key: str) -> tuple[str, str] | None:
    """The (country, program) of a series' lane key; None for any other key."""
    if not key.startswith(PREFIX):
        return None
    country, _, program = key[len(PREFIX) :].partition(":")
    return (country, program) if country and program else None


@dataclass(frozen=True, slots=True)
class Span:
    """Where a series' mark goes: from the first day of its first fiscal year to the day after its last."""

    fact: int  # negative: minus the row id of the series' first figure
    country: str
    program: str
    x0: float
    x1: float
    name: str  # the lane's name
    program_kind: str  # the lane's colour is the program's kind's


def _conditions(entity: str | None, kind: str | None, text: str | None) -> tuple[str, list, str, list]:
    """What a timeline's filters ask of a series: of `entity` (as country or program), whose country is
    of `kind` (its subject, as a fact's), that names `text` (a name, or "Official figures"). The first
    pair is for the figures themselves, the second for the joined entities s (country), o (program)."""
    inner, inner_args = "", []
    if entity is not None:
        inner, inner_args = "WHERE country = ? OR program = ?", [entity, entity]
    outer: list[str] = []
    outer_args: list = []
    if kind is not None:
        outer.append("s.kind = ?")
        outer_args.append(kind)
    if text:
        outer.append("(s.name LIKE ? ESCAPE '\\' OR o.name LIKE ? ESCAPE '\\' OR ? LIKE ? ESCAPE '\\')")
        outer_args += [like_pattern(text), like_pattern(text), LABEL, like_pattern(text)]
    return inner, inner_args, " AND ".join(outer) or "1", outer_args


def spans(
    conn: sqlite3.Connection,
    entity: str | None = None,
    kind: str | None = None,
    text: str | None = None,
    only: Iterable[tuple[str, str]] | None = None,
) -> list[Span]:
    """The series the filters choose (or those of `only` among them), in order of their first day.

    Grouped before the join, off the (country, program, type, fiscal_year) index, so that a hundred
    thousand figures cost one pass over the index and a lookup per series, not per figure.
    """
    inner, inner_args, outer, outer_args = _conditions(entity, kind, text)
    if only is not None:
        pairs = list(only)
        if not pairs:
            return []
        choose = " OR ".join(["(country = ? AND program = ?)"] * len(pairs))
        inner = f"{inner} AND ({choose})" if inner else f"WHERE {choose}"
        inner_args = [*inner_args, *(v for pair in pairs for v in pair)]
    rows = conn.execute(
        f"""SELECT g.fact, g.country, g.program, g.first, g.last, s.name, o.name, o.kind
            FROM (SELECT -min(rid) AS fact, country, program, min(fiscal_year) AS first, max(fiscal_year) AS last
                  FROM figures {inner} GROUP BY country, program) g
            JOIN entities s ON s.id = g.country JOIN entities o ON o.id = g.program
            WHERE {outer}""",
        [*inner_args, *outer_args],
    ).fetchall()
    out = []
    for fact, country, program, first, last, cname, pname, pkind in rows:
        x0 = float(fiscal_year_days(first)[0])
        x1 = float(fiscal_year_days(last)[1] + 1)  # spans are half-open
        out.append(Span(fact, country, program, x0, x1, f"{cname} · {pname}", pkind))
    out.sort(key=lambda s: (s.x0, -s.fact))
    return out


def items(
    conn: sqlite3.Connection,
    sources: dict[str, SourceInfo],
    facts: Iterable[int],
    entity: str | None = None,
    kind: str | None = None,
    text: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> list[TimelineItem]:
    """The words of the series marks among `facts` (their negative ids) that the filters keep and whose
    years overlap the days `start`..`end`, oldest first."""
    firsts = sorted({-f for f in facts if f < 0})
    pairs: list[tuple[str, str]] = []
    for at in range(0, len(firsts), 900):
        chunk = firsts[at : at + 900]
        pairs += conn.execute(
            f"SELECT country, program FROM figures WHERE rid IN ({','.join('?' * len(chunk))})", chunk
        ).fetchall()
    out = []
    for span in spans(conn, entity, kind, text, only=pairs):
        if (start is not None and span.x1 <= start) or (end is not None and span.x0 > end):
            continue
        item = _item(conn, sources, span)
        if item is not None:
            out.append(item)
    return out


def _item(conn: sqlite3.Connection, sources: dict[str, SourceInfo], span: Span) -> TimelineItem | None:
    rows = conn.execute(
        """SELECT f.fiscal_year, f.type, f.current, f.source, s.kind, s.name, o.kind, o.name
           FROM figures f JOIN entities s ON s.id = f.country JOIN entities o ON o.id = f.program
           WHERE f.country = ? AND f.program = ? ORDER BY f.type, f.fiscal_year""",
        (span.country, span.program),
    ).fetchall()
    if not rows:  # gone since the layout was read
        return None
    _, _, _, _, ckind, cname, pkind, pname = rows[0]
    by_type: dict[str, list[tuple[int, float]]] = {}
    cited: set[str] = set()
    for year, kind, current, source, *_ in rows:
        by_type.setdefault(kind, []).append((year, current))
        cited.add(source)
    # Obligations first (what was committed), then the other types by how many years they cover.
    types = sorted(by_type, key=lambda t: (t != _MAIN_TYPE, -len(by_type[t]), t))
    first, last = min(r[0] for r in rows), max(r[0] for r in rows)
    when = f"FY{first}" + (f"–FY{last}" if last != first else "")
    said = []
    for kind in types:
        amounts = by_type[kind]
        peak_year, peak = max(amounts, key=lambda a: (a[1], -a[0]))
        total = sum(a for _, a in amounts)
        said.append(
            f"{type_label(kind).lower()} {format_quantity(total, 'USD')}"
            + (f" (peak FY{peak_year}: {format_quantity(peak, 'USD')})" if len(amounts) > 1 else "")
        )
    earliest, latest = fiscal_year_bounds(first)[0], fiscal_year_bounds(last)[1]
    locator = f"{len(rows)} figures, {when}"
    return TimelineItem(
        fact=span.fact,
        subject=EntityRef(span.country, ckind, cname),
        other=EntityRef(span.program, pkind, pname),
        property=PROPERTY,
        label=LABEL,
        phrase=f"{pname}: " + "; ".join(said) + f", {when}",
        when=when,
        earliest=earliest,
        latest=latest,
        precision="day",
        date=None,
        start=earliest,
        end=latest,
        note=None,
        sources=tuple(CitationView(sources[s], locator) for s in sorted(cited) if s in sources),
        start_min=fiscal_year_days(first)[0],
        start_max=fiscal_year_days(first)[0],
        end_min=fiscal_year_days(last)[1],
        end_max=fiscal_year_days(last)[1],
        amounts=tuple(by_type[types[0]]),
        amounts_type=types[0],
    )

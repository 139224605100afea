"""The world as of a date: whether a fact was in force, over, not yet true, or cannot be told.

A query date ("2019-01", "2015") stands for its whole span (1–31 January 2019,
the year 2015). A fact's dates are reduced-precision too, so each bound is a
range of days: a start of "early 1960s" fell somewhere in 1960-01-01..1963-12-31.
The rules, one for points and periods alike (a point is a period that starts
and ends at its one date):

- **future**: the fact cannot have begun by the end of the query span
  (its start's earliest day is after it);
- **past**: the fact must have ended before the query span began
  (its end's latest day is before it); a point is past once it has happened;
- **current**: the fact certainly held at some day of the query span: its
  start's latest day is not after the span's end and its end's earliest day is
  not before the span's start. A point that falls wholly inside the span
  happens then, so it is current; a period in force at the date is current;
- **uncertain**: anything else: a start, end or date whose reduced-precision
  bounds straddle the query span, so the data cannot tell which side it is on.

An open end means ongoing (the period holds for ever after its start); an open
start means the period held from before anything the data records. An undated
fact has no time in the data at all: it is taken as timeless, always current.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desktop.core.dates import DateError, FuzzyDate, parse_date
from desktop.core.views import FactView, Page

CURRENT, PAST, FUTURE, UNCERTAIN = "current", "past", "future", "uncertain"
STATUSES = (CURRENT, PAST, FUTURE, UNCERTAIN)

# ISO days sort as text; these stand for "before any date" and "after any date".
BEFORE_ALL, AFTER_ALL = "0000-00-00", "9999-99-99"


@dataclass(frozen=True)
class Bounds:
    """A fact's time as four days: the ranges its start and its end may fall in."""

    start_earliest: str
    start_latest: str
    end_earliest: str
    end_latest: str


def bounds(date: str | None, start: str | None, end: str | None) -> Bounds | None:
    """The bounds of a fact's raw date fields; None for an undated fact. Raises DateError."""
    if date is not None:
        point = parse_date(date)
        return Bounds(point.earliest, point.latest, point.earliest, point.latest)
    if start is None and end is None:
        return None
    first = parse_date(start) if start is not None else None
    last = parse_date(end) if end is not None else None
    return Bounds(
        first.earliest if first else BEFORE_ALL,
        first.latest if first else BEFORE_ALL,
        last.earliest if last else AFTER_ALL,
        last.latest if last else AFTER_ALL,
    )


def parse_as_of(text: str) -> FuzzyDate:
    """The date a person asks "as of", in any form the data itself may hold ("2019-01", "1990s",
    "early 1960s"): each stands for its whole span. Raises DateError with a readable reason."""
    return parse_date(text)


def status(fact: Bounds | None, query: FuzzyDate) -> str:
    """current, past, future or uncertain: see the module docstring for the rules."""
    if fact is None:
        return CURRENT
    if fact.start_earliest > query.latest:
        return FUTURE
    if fact.end_latest < query.earliest:
        return PAST
    if fact.start_latest <= query.latest and fact.end_earliest >= query.earliest:
        return CURRENT
    return UNCERTAIN


def fact_status(fact: FactView, query: FuzzyDate) -> str:
    """The status of one fact of a page as of `query`."""
    try:
        return status(bounds(fact.date, fact.start, fact.end), query)
    except DateError:  # the index only holds valid dates; a stray one cannot be placed in time
        return UNCERTAIN


@dataclass(frozen=True)
class FactAsOf:
    fact: FactView
    status: str


@dataclass(frozen=True)
class PageAsOf:
    """A page with each fact's status as of a date; `facts`/`inbound` keep the page's order."""

    page: Page
    as_of: FuzzyDate
    facts: tuple[FactAsOf, ...]
    inbound: tuple[FactAsOf, ...]

    def shown(self, inbound: bool = False) -> tuple[FactAsOf, ...]:
        """The facts that were true by then (not the future ones), as the page shows them."""
        return tuple(f for f in (self.inbound if inbound else self.facts) if f.status != FUTURE)

    def hidden_count(self) -> int:
        return sum(f.status == FUTURE for f in (*self.facts, *self.inbound))


def annotate(page: Page, query: FuzzyDate) -> PageAsOf:
    """The page as it stood at `query`: every fact with its status."""

    def each(facts: Iterable[FactView]) -> tuple[FactAsOf, ...]:
        return tuple(FactAsOf(f, fact_status(f, query)) for f in facts)

    return PageAsOf(page, query, each(page.facts), each(page.inbound))

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

An open end means ongoing (the period holds for ever after its start). An open
start means the data does not know when the fact began ("ambassador until
January 2009"): it is uncertain until its end and past after it, never current,
since nothing says it had begun by the date asked about.

A fact with no date at all is read by its property's kind of time (the
vocabulary's `time:`):

- **undated**: an event or a state the data has no date for. Nothing says
  whether it had happened, or was in force, by the date asked about, so it is
  never taken as current: the page shows it marked "date not known";
- **timeless**: a fact not about time (a purpose, a namesake, where an event
  took place): true whenever its subject is, shown unmarked.
"""

from __future__ import annotations

from collections.abc import Iterable

from desktop.core.dates import FuzzyDate, parse_date
from desktop.core.records import lazy_dataclass
from desktop.core.views import FactView, Page

CURRENT, PAST, FUTURE, UNCERTAIN = "current", "past", "future", "uncertain"
UNDATED, TIMELESS = "undated", "timeless"
STATUSES = (CURRENT, PAST, FUTURE, UNCERTAIN, UNDATED, TIMELESS)
# How the page and `almanac show` mark each status ("current" and "timeless" go unmarked in the window).
STATUS_WORDS = {
    CURRENT: "current",
    PAST: "past",
    FUTURE: "future",
    UNCERTAIN: "uncertain",
    UNDATED: "date not known",
    TIMELESS: "timeless",
}

# A fact's time as the index keeps it: the days its start may fall on (first, last), then those its
# end may fall on; None for an open start or end. An undated fact has none at all (None, not a tuple).
Days = tuple[int | None, int | None, int | None, int | None]


def bounds(date: str | None, start: str | None, end: str | None) -> Days | None:
    """The days of a fact's raw date fields, as the index computes them at build; None when undated.

    For text that has not been through the index (the index's own columns are what pages use).
    Raises DateError.
    """
    if date is not None:
        point = parse_date(date)
        return (point.first_day, point.last_day, point.first_day, point.last_day)
    if start is None and end is None:
        return None
    first = parse_date(start) if start is not None else None
    last = parse_date(end) if end is not None else None
    return (
        first.first_day if first else None,
        first.last_day if first else None,
        last.first_day if last else None,
        last.last_day if last else None,
    )


def parse_as_of(text: str) -> FuzzyDate:
    """The date a person asks "as of", in any form the data itself may hold ("2019-01", "1990s",
    "early 1960s"): each stands for its whole span. Raises DateError with a readable reason."""
    return parse_date(text)


def status(days: Days | None, query: FuzzyDate, time: str = "state") -> str:
    """The status (see the module docstring) of a fact with these days, as of `query`; an undated
    fact (`days` None) is `undated`, or `timeless` when its property's `time` is."""
    if days is None:
        return TIMELESS if time == "timeless" else UNDATED
    start_min, start_max, end_min, end_max = days
    first, last = query.first_day, query.last_day
    if start_min is not None and start_min > last:
        return FUTURE
    if end_max is not None and end_max < first:
        return PAST
    if start_max is not None and start_max <= last and (end_min is None or end_min >= first):
        return CURRENT
    return UNCERTAIN


def fact_status(fact: FactView, query: FuzzyDate) -> str:
    """The status of one fact of a page as of `query`, from the bounds the index keeps."""
    dated = fact.date is not None or fact.start is not None or fact.end is not None
    return status(fact.days if dated else None, query, fact.time)


@lazy_dataclass(frozen=True)
class FactAsOf:
    fact: FactView
    status: str


@lazy_dataclass(frozen=True)
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

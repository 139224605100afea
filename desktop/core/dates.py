"""Dates of reduced precision, as the data files write them.

A date is a quoted string: "1976-06-30", "2018-08", "2016", "1960s", or one of
those last two qualified by early/mid/late ("early 1960s", "late 2019"). Each
becomes a pair of ISO bounds (earliest, latest) that sort as text, and a
precision that says how to show it. The same bounds as day numbers (`day_number`)
are what the index keeps for drawing and comparing dates: this module is the
one place date text is read.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DECADE = re.compile(r"^(\d{3})0s$")
_PART = re.compile(r"^(early|mid|late)[ -](\d{4}|\d{3}0s)$")

# Thirds of a decade and of a year; "mid" overlaps neither end on purpose.
_DECADE_PARTS = {"early": (0, 3), "mid": (3, 6), "late": (7, 9)}
_YEAR_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


class DateError(ValueError):
    """A date string that is not one of the accepted forms."""


@lru_cache(maxsize=65536)  # a build converts every bound of every fact; the same days recur
def day_number(iso: str) -> int:
    """The day number of an ISO day "YYYY-MM-DD": 1 for 1 January of year 1, as `date.toordinal()` counts.

    Year 0 (a decade written "0000s") counts on backwards, to 0 for its last day,
    where Python's `date` cannot go.
    """
    year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    # Days from 1 March of year 0 (so the leap day ends a year), shifted to date.toordinal()'s origin.
    y = year - (month <= 2)
    era, yoe = divmod(y, 400)
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 305


@dataclass(frozen=True)
class FuzzyDate:
    text: str
    earliest: str
    latest: str
    precision: str  # day | month | year | decade | part-year | part-decade

    @property
    def first_day(self) -> int:
        """`earliest` as a day number."""
        return day_number(self.earliest)

    @property
    def last_day(self) -> int:
        """`latest` as a day number."""
        return day_number(self.latest)

    def display(self) -> str:
        """The date as a person would write it."""
        if self.precision == "day":
            year, month, day = self.earliest.split("-")
            return f"{int(day)} {MONTHS[int(month) - 1]} {year}"
        if self.precision == "month":
            year, month, _ = self.earliest.split("-")
            return f"{MONTHS[int(month) - 1]} {year}"
        return self.text


def _month_end(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _check_year(year: int, text: str) -> None:
    if year < 1:
        raise DateError(f"{text!r}: year 0 does not exist")


def parse_date(text: str) -> FuzzyDate:
    """Parse one date string; raise DateError with a readable reason."""
    if not isinstance(text, str):
        raise DateError(f'a date must be a quoted string such as "2016", not {text!r}')
    return _parse_date(text)


@lru_cache(maxsize=1 << 16)  # a few thousand distinct dates recur across the facts of a large folder
def _parse_date(text: str) -> FuzzyDate:
    raw = text.strip()
    if m := _DAY.match(raw):
        year, month, day = (int(g) for g in m.groups())
        _check_year(year, raw)
        if not 1 <= month <= 12:
            raise DateError(f"{raw!r}: month {month} is not between 1 and 12")
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise DateError(f"{raw!r}: day {day} is not in {MONTHS[month - 1]} {year}")
        return FuzzyDate(raw, raw, raw, "day")
    if m := _MONTH.match(raw):
        year, month = (int(g) for g in m.groups())
        _check_year(year, raw)
        if not 1 <= month <= 12:
            raise DateError(f"{raw!r}: month {month} is not between 1 and 12")
        return FuzzyDate(raw, f"{year:04d}-{month:02d}-01", _month_end(year, month), "month")
    if m := _YEAR.match(raw):
        year = int(m.group(1))
        _check_year(year, raw)
        return FuzzyDate(raw, f"{year:04d}-01-01", f"{year:04d}-12-31", "year")
    if m := _DECADE.match(raw):
        start = int(m.group(1)) * 10
        return FuzzyDate(raw, f"{start:04d}-01-01", f"{start + 9:04d}-12-31", "decade")
    if m := _PART.match(raw):
        part, rest = m.groups()
        if rest.endswith("s"):
            start = int(rest[:3]) * 10
            lo, hi = _DECADE_PARTS[part]
            return FuzzyDate(raw, f"{start + lo:04d}-01-01", f"{start + hi:04d}-12-31", "part-decade")
        year = int(rest)
        _check_year(year, raw)
        lo, hi = _YEAR_PARTS[part]
        return FuzzyDate(raw, f"{year:04d}-{lo:02d}-01", _month_end(year, hi), "part-year")
    raise DateError(
        f"{raw!r} is not a date: use YYYY-MM-DD, YYYY-MM, YYYY, a decade such as 1960s, "
        "or early/mid/late before a year or decade"
    )


@dataclass(frozen=True)
class When:
    """The time of a fact: a point (`date`) or a period (`start`/`end`, either open)."""

    date: FuzzyDate | None = None
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None

    @property
    def earliest(self) -> str | None:
        if self.date:
            return self.date.earliest
        return self.start.earliest if self.start else None

    @property
    def latest(self) -> str | None:
        if self.date:
            return self.date.latest
        return self.end.latest if self.end else None

    @property
    def precision(self) -> str | None:
        if self.date:
            return self.date.precision
        first = self.start or self.end
        return first.precision if first else None

    @property
    def days(self) -> tuple[int | None, int | None, int | None, int | None]:
        """The four bounds as day numbers: the days the start may fall on, then those the end may fall on.

        A point starts and ends on its one date; an open start or end gives None for its two.
        """
        first = self.date or self.start
        last = self.date or self.end
        return (
            first.first_day if first else None,
            first.last_day if first else None,
            last.first_day if last else None,
            last.last_day if last else None,
        )

    def __bool__(self) -> bool:
        return bool(self.date or self.start or self.end)

    @cached_property
    def columns(self) -> tuple[str | None, str | None, str | None, str | None, str | None, str | None, str | None,
                               int | None, int | None, int | None, int | None]:  # fmt: skip
        """Everything the index keeps of it, in the order of its columns: the text of date, start and
        end, earliest, latest, precision, the date as shown, then the four `days`.

        Worked out once per When: facts share When objects (see `parse_when`), and a build writes
        these for every fact.
        """
        return (
            self.date.text if self.date else None, self.start.text if self.start else None,
            self.end.text if self.end else None, self.earliest, self.latest, self.precision,
            self.display() or None, *self.days,
        )  # fmt: skip

    def display(self) -> str:
        if self.date:
            return self.date.display()
        if self.start and self.end:
            return f"{self.start.display()} – {self.end.display()}"
        if self.start:
            return f"since {self.start.display()}"
        if self.end:
            return f"until {self.end.display()}"
        return ""


def parse_when(date: str | None, start: str | None, end: str | None) -> When:
    """Parse the date fields of a fact; DateError names the field at fault.

    A build parses every fact's dates, and the same few thousand recur across a large
    folder: each distinct set is parsed once (a When is immutable, so facts share it).
    """
    if (
        (type(date) is str or date is None)
        and (type(start) is str or start is None)
        and (type(end) is str or end is None)
    ):
        return _parse_when(date, start, end)
    return _parse_when.__wrapped__(date, start, end)  # not hashable, or not text: no use keeping


@lru_cache(maxsize=1 << 17)
def _parse_when(date: str | None, start: str | None, end: str | None) -> When:
    parsed: dict[str, FuzzyDate | None] = {}
    for field, value in (("date", date), ("start", start), ("end", end)):
        if value is None:
            parsed[field] = None
            continue
        try:
            parsed[field] = parse_date(value)
        except DateError as exc:
            raise DateError(f"{field}: {exc}") from None
    when = When(parsed["date"], parsed["start"], parsed["end"])
    if when.date and (when.start or when.end):
        raise DateError("a fact has either `date` or `start`/`end`, not both")
    if when.start and when.end and when.end.latest < when.start.earliest:
        raise DateError(f"end {when.end.text!r} is before start {when.start.text!r}")
    return when

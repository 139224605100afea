"""What a figures chart and table show, worked out from a page's figures (plain Python, no Qt).

A country's page charts its programs, a program's page its recipients: the entity at the figure's
other end is the series. The largest few series (by the sum of their amounts' sizes, so that a
de-obligation counts as much as an obligation) keep their own colour and the rest are summed as
"Other". A figure has current dollars, and constant ones when its source gives them: in constant
dollars the figures without them are left out (and counted, so the panel can say so).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from desktop.core.dates import FuzzyDate
from desktop.core.views import EntityRef, FigureView

TOP_SERIES = 5
OTHER = "Other"  # the key and the name of the series that gathers the rest (ids are lower case: never this)
DOLLARS = ("current", "constant")
# The transaction types a chart shows first; any other comes after, alphabetically.
TYPE_ORDER = ("obligations", "disbursements")


def fiscal_year_of(iso: str) -> int:
    """The US federal fiscal year an ISO day falls in: FY2015 runs 1 October 2014 to 30 September 2015."""
    year, month = int(iso[:4]), int(iso[5:7])
    return year + 1 if month >= 10 else year


def fiscal_years_spanned(when: FuzzyDate | None) -> tuple[int, ...]:
    """Every fiscal year a date touches: one for a day or a month, more for a vague date ("1990s")."""
    if when is None:
        return ()
    return tuple(range(fiscal_year_of(when.earliest), fiscal_year_of(when.latest) + 1))


def perspective(ident: str, figures: Iterable[FigureView]) -> str:
    """ "country" when `ident` is the country (or region) end of its figures, else "program"."""
    return "country" if any(f.country.id == ident for f in figures) else "program"


def other_end(figure: FigureView, by: str) -> EntityRef:
    """The series a figure belongs to on a page seen `by` its country or its program."""
    return figure.program if by == "country" else figure.country


def money(value: float | None) -> str:
    """2500000.5 → "2,500,000.50"; 7e6 → "7,000,000"; a negative amount with a true minus sign; None → "—"."""
    if value is None:
        return "—"
    text = f"{abs(value):,.0f}" if value == int(value) else f"{abs(value):,.2f}"
    return f"−{text}" if value < 0 else text


def dollars_text(value: float) -> str:
    """2500000.5 → "$2,500,000.50"; -5 → "−$5"."""
    return f"−${money(-value)}" if value < 0 else f"${money(value)}"


def compact_dollars(value: float, digits: int | None = None) -> str:
    """An axis label: 2500000 → "$2.5M", -750000 → "−$750K", 0 → "$0"; with `digits`, rounded to that
    many significant digits (258330000 → "$258M" for 3)."""
    size, sign = abs(value), "−" if value < 0 else ""
    if digits is not None and size > 0:
        size = float(f"{size:.{digits}g}")
    for divisor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if size >= divisor:
            text = f"{size / divisor:.2f}".rstrip("0").rstrip(".") + suffix
            break
    else:
        text = f"{size:.2f}".rstrip("0").rstrip(".")
    return f"{sign}${text}"


def amount(figure: FigureView, dollars: str) -> float | None:
    return figure.constant if dollars == "constant" else figure.current


def by_type(figures: Iterable[FigureView]) -> dict[str, list[FigureView]]:
    """`figures` split by transaction type, each list in the order given: a pane shows one type at a
    time, and each switch then looks through that type's figures only."""
    split: dict[str, list[FigureView]] = {}
    for figure in figures:
        found = split.get(figure.type)
        if found is None:
            split[figure.type] = [figure]
        else:
            found.append(figure)
    return split


def ordered_types(types: Iterable[str]) -> list[str]:
    """Transaction types in the order a chart offers them: obligations, then disbursements, then the others by name."""
    found = set(types)
    return [t for t in TYPE_ORDER if t in found] + sorted(found - set(TYPE_ORDER))


def default_type(types: Sequence[str]) -> str | None:
    return types[0] if types else None  # obligations when present: TYPE_ORDER puts it first


def has_constant(figures: Iterable[FigureView], kind: str) -> bool:
    return any(f.constant is not None for f in figures if f.type == kind)


def years_of(figures: Iterable[FigureView], kind: str) -> list[int]:
    """The fiscal years with a figure of type `kind`, latest first."""
    return sorted({f.fiscal_year for f in figures if f.type == kind}, reverse=True)


def table_rows(figures: Iterable[FigureView], kind: str, year: int | None = None) -> list[FigureView]:
    return [f for f in figures if f.type == kind and (year is None or f.fiscal_year == year)]


# Plain classes with slots, not dataclasses: a dataclass is made by compiling its methods when the
# module is imported, a millisecond of the first country page the pane is shown on.
class Series:
    __slots__ = ("key", "members", "name", "total")

    def __init__(self, key: str, name: str, total: float, members: int) -> None:
        self.key = key  # the entity's id, or OTHER
        self.name = name
        self.total = total  # the sum of the amounts, in the chart's dollars
        self.members = members  # entities summed into it: 1, or more for OTHER


class Cell:
    """One series' amount in one fiscal year, and the figures it sums."""

    __slots__ = ("amount", "figures", "series", "year")

    def __init__(self, year: int, series: int, amount: float, figures: tuple[FigureView, ...]) -> None:
        self.year = year
        self.series = series  # index into ChartData.series
        self.amount = amount
        self.figures = figures


class ChartData:
    __slots__ = ("by", "cells", "dollars", "high", "left_out", "low", "series", "type", "years")

    def __init__(
        self,
        type: str,
        dollars: str,
        by: str,
        years: tuple[int, ...],
        series: tuple[Series, ...],
        cells: tuple[Cell, ...],
        low: float,
        high: float,
        left_out: int = 0,
    ) -> None:
        self.type = type
        self.dollars = dollars
        self.by = by  # "country": series are programs; "program": series are countries and regions
        self.years = years  # every fiscal year from the first figure's to the last's
        self.series = series
        self.cells = cells
        self.low = low  # the lowest a stack of negative amounts reaches (0 or less)
        self.high = high  # the highest a stack of positive amounts reaches (0 or more)
        self.left_out = left_out  # figures without constant dollars, in constant dollars

    def index_of(self, key: str) -> int | None:
        return next((i for i, s in enumerate(self.series) if s.key == key), None)

    def cell(self, year: int, key: str) -> Cell | None:
        index = self.index_of(key)
        return next((c for c in self.cells if c.year == year and c.series == index), None)


EMPTY = ChartData("", "current", "country", (), (), (), 0.0, 0.0)


def chart_data(
    figures: Iterable[FigureView], by: str, kind: str, dollars: str = "current", top: int = TOP_SERIES
) -> ChartData:
    """The chart of the figures of type `kind` in `dollars`, one series per entity at the other end."""
    constant, by_country = dollars == "constant", by == "country"
    sums: dict[tuple[str, int], float] = {}
    members: dict[tuple[str, int], list[FigureView]] = {}
    size: dict[str, float] = {}
    total: dict[str, float] = {}
    names: dict[str, str] = {}
    left_out = 0
    for figure in figures:  # a country's page gives a thousand or more: one pass, few lookups
        if figure.type != kind:
            continue
        value = figure.constant if constant else figure.current
        if value is None:
            left_out += 1
            continue
        end = figure.program if by_country else figure.country
        ident = end.id
        key = (ident, figure.fiscal_year)
        group = members.get(key)
        if group is None:
            members[key] = [figure]
            sums[key] = value
        else:
            group.append(figure)
            sums[key] += value
        if ident in names:
            size[ident] += abs(value)
            total[ident] += value
        else:
            names[ident] = end.name
            size[ident] = abs(value)
            total[ident] = value
    if not names:
        return ChartData(kind, dollars, by, (), (), (), 0.0, 0.0, left_out)
    ranked = sorted(names, key=lambda ident: (-size[ident], names[ident].casefold(), ident))
    # "Other" only when it gathers two or more: one series more is clearer than an "Other" of one.
    shown = ranked if len(ranked) <= top + 1 else ranked[:top]
    rest = ranked[len(shown) :]
    series = [Series(i, names[i], total[i], 1) for i in shown]
    if rest:
        series.append(Series(OTHER, OTHER, sum(total[i] for i in rest), len(rest)))
    place = {ident: n for n, ident in enumerate(shown)} | dict.fromkeys(rest, len(shown))
    merged: dict[tuple[int, int], float] = defaultdict(float)
    gathered: dict[tuple[int, int], list[FigureView]] = defaultdict(list)
    for (ident, year), value in sums.items():
        merged[year, place[ident]] += value
        gathered[year, place[ident]].extend(members[ident, year])
    cells = tuple(
        Cell(year, index, value, tuple(gathered[year, index])) for (year, index), value in sorted(merged.items())
    )
    ups: dict[int, float] = defaultdict(float)
    downs: dict[int, float] = defaultdict(float)
    for cell in cells:
        if cell.amount >= 0:
            ups[cell.year] += cell.amount
        else:
            downs[cell.year] += cell.amount
    years = [c.year for c in cells]
    return ChartData(
        kind,
        dollars,
        by,
        tuple(range(min(years), max(years) + 1)),
        tuple(series),
        cells,
        min(0.0, *downs.values()) if downs else 0.0,
        max(0.0, *ups.values()) if ups else 0.0,
        left_out,
    )

"""Official figures: the yearly amounts an imported dataset gives, read from a data folder's
`figures/<source id>.csv` tables.

A figure is an amount of US dollars one source gives for a country (or a region) and a program in
one fiscal year, for one transaction type (obligations, disbursements…): thousands of them per
country, so they are kept as rows, not as YAML facts, and shown as series. Each row names where in
its dataset it comes from (`locator`), and the file's name is its source's id, so every number is
cited like any fact. A bad row is reported with its line and left out; the rest is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from desktop.core.dates import day_number
from desktop.core.problems import Problem
from desktop.core.records import lazy_dataclass

COLUMNS = ("country", "program", "fiscal_year", "type", "current_usd", "constant_usd", "locator")
# The kinds a figure's two ends may be: a region or aggregate ("World") gets figures like a country.
COUNTRY_KINDS = ("country", "region")
PROGRAM_KINDS = ("program",)
FIRST_YEAR, LAST_YEAR = 1900, 2200
_TYPE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_AMOUNT = re.compile(r"^-?\d+(\.\d+)?$")
MAX_LOCATOR = 300


@lazy_dataclass(frozen=True)
class Figure:
    country: str
    program: str
    fiscal_year: int
    type: str  # obligations | disbursements | another transaction type, as a slug
    current: float  # US dollars of the day
    constant: float | None  # inflation-adjusted US dollars, when the dataset gives them
    source: str
    locator: str
    path: str
    line: int


def fiscal_year_bounds(year: int) -> tuple[str, str]:
    """The first and last day of a US federal fiscal year: FY2015 runs 1 October 2014 to 30 September 2015."""
    return f"{year - 1:04d}-10-01", f"{year:04d}-09-30"


def fiscal_year_days(year: int) -> tuple[int, int]:
    """The same bounds as day numbers (dates.day_number), as the index keeps a fact's time."""
    first, last = fiscal_year_bounds(year)
    return day_number(first), day_number(last)


def type_label(kind: str) -> str:
    """ "obligations" → "Obligations"; "presidents-budget-requests" → "Presidents budget requests"."""
    return kind.replace("-", " ").capitalize()


def read_figures(path: Path, kinds: dict[str, str], sources: Iterable[str], problems: list[Problem]) -> list[Figure]:
    """The valid rows of one figures table; each bad row (or a bad table) reported as a problem.

    `kinds` maps every entity id in the data to its kind: both ends must exist and be of the right kind.
    """
    shown = str(path)
    source = path.stem
    if source not in set(sources):
        message = f"figures cite `{source}` (the file's name), which is not in sources.yaml"
        problems.append(Problem(shown, 1, 0, message))
        return []
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        problems.append(Problem(shown, 0, 0, f"cannot read: {exc.strerror or exc}"))
        return []
    import csv  # here: the window's start reads no figures file, and imports this module for type_label

    figures: list[Figure] = []
    seen: dict[tuple[str, str, int, str], int] = {}
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            problems.append(Problem(shown, 1, 0, f"not a figures table: {exc}"))
            return []
        if header is None or tuple(h.strip() for h in header) != COLUMNS:
            problems.append(Problem(shown, 1, 0, f"not a figures table: the header must be {','.join(COLUMNS)}"))
            return []
        try:
            for row in reader:
                line = reader.line_num
                figure = _figure(row, kinds, source, shown, line, problems)
                if figure is None:
                    continue
                key = (figure.country, figure.program, figure.fiscal_year, figure.type)
                if key in seen:
                    message = f"a second figure for {' · '.join(map(str, key))}: line {seen[key]} is kept"
                    problems.append(Problem(shown, line, 0, message))
                    continue
                seen[key] = line
                figures.append(figure)
        except (csv.Error, UnicodeDecodeError) as exc:
            problems.append(Problem(shown, reader.line_num, 0, f"the rest of the table is unreadable: {exc}"))
    return figures


def _figure(
    row: list[str], kinds: dict[str, str], source: str, path: str, line: int, problems: list[Problem]
) -> Figure | None:
    def bad(message: str) -> None:
        problems.append(Problem(path, line, 0, f"figure left out: {message}"))

    if len(row) != len(COLUMNS):
        bad(f"{len(row)} fields where the header has {len(COLUMNS)}")
        return None
    country, program, year_text, kind, current, constant, locator = (v.strip() for v in row)
    for ident, allowed, what in ((country, COUNTRY_KINDS, "country"), (program, PROGRAM_KINDS, "program")):
        found = kinds.get(ident)
        if found is None:
            bad(f"{what} `{ident}` does not exist")
            return None
        if found not in allowed:
            bad(f"{what} `{ident}` is a {found}, not a {' or '.join(allowed)}")
            return None
    if not year_text.isdigit() or not FIRST_YEAR <= int(year_text) <= LAST_YEAR:
        bad(f"fiscal year {year_text!r} is not a year")
        return None
    if not _TYPE.match(kind):
        bad(f"type {kind!r} is not a lower-case slug such as `obligations`")
        return None
    amounts: list[float | None] = []
    for name, text in (("current_usd", current), ("constant_usd", constant)):
        if not text and name == "constant_usd":
            amounts.append(None)
            continue
        if not _AMOUNT.match(text):
            bad(f"{name} {text!r} is not an amount")
            return None
        # Correctly rounded, as float(Decimal(text)) is (which converts through the same string).
        amounts.append(float(text))
    if not locator or len(locator) > MAX_LOCATOR:
        bad(f"the locator must say where in the source the figure is (1 to {MAX_LOCATOR} characters)")
        return None
    current_usd, constant_usd = amounts
    assert current_usd is not None  # not optional: checked above
    return Figure(country, program, int(year_text), kind, current_usd, constant_usd, source, locator, path, line)

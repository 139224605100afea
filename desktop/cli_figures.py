"""`almanac figures`, and official figures in `almanac show --json`: every number with its source and row."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterable
from typing import TextIO

from desktop.core.asof import status
from desktop.core.dates import FuzzyDate
from desktop.core.figures import fiscal_year_bounds, fiscal_year_days, type_label
from desktop.core.phrases import format_quantity
from desktop.core.views import EntityRef, FigureView

CURRENT, CONSTANT = "current", "constant"


def _ref(ref: EntityRef) -> dict:
    return {"id": ref.id, "name": ref.name}


def _sources(figure: FigureView) -> list[dict]:
    source = figure.source
    return [{"id": source.id, "title": source.title, "url": source.url, "locator": figure.locator}]


def amount(figure: FigureView, dollars: str) -> float | None:
    return figure.constant if dollars == CONSTANT else figure.current


def figure_json(figure: FigureView, dollars: str) -> dict:
    """One figure as `almanac figures --json` prints it."""
    return {
        "fiscal_year": figure.fiscal_year,
        "country": _ref(figure.country),
        "program": _ref(figure.program),
        "type": figure.type,
        "amount": amount(figure, dollars),
        "dollars": dollars,
        "sources": _sources(figure),
    }


def figure_fact_json(figure: FigureView, ident: str, as_of: FuzzyDate | None = None) -> dict:
    """A figure as a FACT of `almanac show --json` on the page of `ident` (its country or its program):
    the amount in current US dollars, constant dollars beside it, and the fiscal year as a period."""
    other = figure.program if figure.country.id == ident else figure.country
    label = type_label(figure.type)
    start, end = fiscal_year_bounds(figure.fiscal_year)
    quantity = format_quantity(figure.current, "USD")
    fact = {
        "property": figure.type,
        "label": label,
        "time": "event",
        "entity": {"id": other.id, "kind": other.kind, "name": other.name},
        "value": figure.current,
        "unit": "USD",
        "text": f"{label}: {other.name}: {quantity} (FY{figure.fiscal_year})",
        "date": None,
        "start": start,
        "end": end,
        "note": None,
        "sources": _sources(figure),
        "rank": "normal",
        "sources_disagree": False,
        "claims": [],
        "fiscal_year": figure.fiscal_year,
        "constant_value": figure.constant,
    }
    if as_of is not None:
        first, last = fiscal_year_days(figure.fiscal_year)
        fact["status"] = status((first, first, last, last), as_of, "event")
    return fact


def print_figures(figures: Iterable[FigureView], ident: str, dollars: str, out: TextIO) -> None:
    """One line a figure: fiscal year, the other end, type, amount, and where it comes from."""
    for figure in figures:
        other = figure.program if figure.country.id == ident else figure.country
        value = amount(figure, dollars)
        shown = format_quantity(value, "USD") if value is not None else "—"
        print(
            f"FY{figure.fiscal_year}  {other.name}  {type_label(figure.type)}  {shown}"
            f"  [{figure.source.id}, {figure.locator}]",
            file=out,
        )


CSV_COLUMNS = (
    "fiscal_year", "country_id", "country", "program_id", "program", "type", "amount", "dollars", "source", "locator",
)  # fmt: skip


def write_csv(figures: Iterable[FigureView], dollars: str, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in figures:
        value = amount(f, dollars)
        writer.writerow(
            (
                f.fiscal_year, f.country.id, f.country.name, f.program.id, f.program.name, f.type,
                "" if value is None else f"{value:.2f}", dollars, f.source.id, f.locator,
            )
        )  # fmt: skip


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "figures",
        parents=[common],
        help="print the official figures of a country or a program",
        description="Print the official figures (from an imported dataset) of a country, region or program, "
        "oldest first, each with its source and the rows it comes from.",
    )
    p.add_argument("id", metavar="ID", help="a country, region or program, e.g. pakistan or imet")
    p.add_argument("--program", metavar="ID", help="only the figures of this program (or, for a program, country)")
    p.add_argument("--type", metavar="TYPE", help="only this transaction type, e.g. obligations or disbursements")
    p.add_argument(
        "--dollars",
        choices=(CURRENT, CONSTANT),
        default=CURRENT,
        help="current (of the day, the default) or constant (inflation-adjusted) US dollars",
    )
    shape = p.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print JSON (see the README for its shape)")
    shape.add_argument("--csv", action="store_true", help="print CSV with a header row")

"""Sum a CSV file of any size to a grain, streaming, with DuckDB: the heavy part of an import.

DuckDB was chosen by measurement (see the importer's report in the README): on a 1 GB file it
groups as fast as Polars but in less than half the memory, and it bounds that memory itself
(spilling to disk past the limit), tells how far through the file a query is, can be
interrupted from another thread, and records each row it rejects with the row's number, counted
in records (a quoted newline does not start a new one).

One pass over the file gives nearly everything: the sums per group of the good rows, and the
rows DuckDB left out because a year or an amount did not cast, or the row was not well formed,
each with its number. A code or year found bad only once grouped (an empty or malformed country
code, a year out of range: rare) costs a second pass, which numbers just those rows.
"""

from __future__ import annotations

import bisect
import csv
import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

log = logging.getLogger("almanac.importers")

# Why a row is skipped. Each bad row is reported with its number; empty amounts are only counted.
BAD_CODE, BAD_YEAR, BAD_AMOUNT, BAD_ROW = "bad country code", "bad fiscal year", "bad amount", "malformed row"
EMPTY_AMOUNT = "empty amount"
FIRST_BAD_ROWS = 100  # rows reported per reason; the rest are counted
FIRST_ROWS = 5  # rows kept per group for its locator (funding file)
MEMORY_LIMIT = "256MB"  # DuckDB's own buffers; past it the grouping spills to disk
YEARS = range(1900, 2100)
_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{1,9}")


class CsvError(Exception):
    """The file cannot be read as CSV at all."""


@dataclass(frozen=True)
class Columns:
    """Which header column gives each field; None for a column the layout may lack (read as "")."""

    code: str
    name: str
    region: str | None
    income: str | None
    account_id: str
    account_name: str
    agency: str
    acronym: str | None
    type: str
    year: str
    current: str
    constant: str


@dataclass(frozen=True)
class Group:
    """The good rows that share every field but the amounts, summed."""

    code: str
    name: str
    region: str
    income: str
    account_id: str
    account_name: str
    agency: str
    acronym: str
    type: str
    year: int
    rows: int
    current: Decimal
    constant: Decimal | None  # None when no row gave a constant amount
    first_rows: tuple[int, ...] = ()  # the smallest row numbers, when asked for


@dataclass
class Totals:
    groups: list[Group]
    rows_read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    bad_rows: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # reason -> (row, value), first ones

    def skip(self, reason: str, rows: int) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + rows


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source(path: Path, header: Sequence[str], c: Columns, *, typed: bool, rejects: str, numbered: bool) -> str:
    """The read_csv call: every column text, as the header names it, except (when `typed`) the year and amounts.

    Types are given, not sniffed: a guess from a sample would fail gigabytes in. A value that
    does not cast, and a row that is not well formed, is left out and recorded in the rejects
    table with its line, which DuckDB counts in records (a quoted newline does not count), so
    the line less the header is the row's number.
    """
    types = dict.fromkeys(header, "VARCHAR")
    if typed:
        types[c.year] = "SMALLINT"
        types[c.current] = types[c.constant] = "DECIMAL(38, 6)"
    columns = "{" + ", ".join(f"{_literal(h)}: {_literal(t)}" for h, t in types.items()) + "}"
    return (
        f"read_csv({_literal(str(path))}, header = true, auto_detect = false, columns = {columns}, "
        "delim = ',', quote = '\"', escape = '\"', encoding = 'utf-8', store_rejects = true, "
        f"rejects_table = {_literal(rejects)}, rejects_scan = {_literal(rejects + '_scan')})"
        + (" WITH ORDINALITY" if numbered else "")
    )


def _field(column: str | None) -> str:
    return _ident(column) if column else "''"


def _grouping(c: Columns) -> list[str]:
    """The fields rows are grouped by, in Group's order."""
    fields = (c.code, c.name, c.region, c.income, c.account_id, c.account_name, c.agency, c.acronym, c.type)
    return [_field(k) for k in fields]


def sums_query(path: Path, header: Sequence[str], c: Columns, numbered: bool) -> str:
    keys = _grouping(c)
    first = f", min(ordinality, {FIRST_ROWS}) FILTER (WHERE cur IS NOT NULL)" if numbered else ""
    return f"""
SELECT {", ".join(keys)}, {_ident(c.year)}, count(*), count(*) FILTER (WHERE cur IS NULL), sum(cur), sum(con){first}
FROM (SELECT *, {_ident(c.current)} AS cur, {_ident(c.constant)} AS con
      FROM {_source(path, header, c, typed=True, rejects="rejects_sums", numbered=numbered)})
GROUP BY ALL
"""


def rejects_query(c: Columns) -> str:
    """Per reason: how many rows, and the first rows with their text."""
    return f"""
WITH r AS (
  SELECT line,
         CASE WHEN bool_or(error_type <> 'CAST') THEN {_literal(BAD_ROW)}
              WHEN bool_or(column_name = {_literal(c.year)}) THEN {_literal(BAD_YEAR)}
              ELSE {_literal(BAD_AMOUNT)} END AS reason,
         min(csv_line) AS text, min(error_message) FILTER (WHERE error_type <> 'CAST') AS message
  FROM rejects_sums GROUP BY line
)
SELECT reason, count(*), min_by(line, line, {FIRST_BAD_ROWS}), min_by(coalesce(message, text), line, {FIRST_BAD_ROWS})
FROM r GROUP BY reason
"""


def _one_line(exc: BaseException) -> str:
    """DuckDB's message without its hints and the dump of the reader's options."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    head = lines[0] if lines else type(exc).__name__
    return head.split(": ", 1)[1] if head.startswith(("Invalid Input Error", "Conversion Error")) else head


class _Query:
    """Runs queries on a thread of DuckDB's while the caller's thread polls, so either can stop it."""

    def __init__(self, spill_dir: Path) -> None:
        import duckdb  # only here: the window and the other commands never load it

        self.error_type = duckdb.Error
        self.con = duckdb.connect()
        spill_dir.mkdir(parents=True, exist_ok=True)
        self.con.execute(f"SET memory_limit = {_literal(MEMORY_LIMIT)}")
        self.con.execute(f"SET temp_directory = {_literal(str(spill_dir))}")
        self.con.execute("SET preserve_insertion_order = false")
        # Progress is only tracked with the progress bar on; it is never printed.
        self.con.execute("SET enable_progress_bar = true")
        self.con.execute("SET enable_progress_bar_print = false")

    def rows(self, sql: str, poll: Callable[[float], None]) -> list[tuple]:
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                rows: list[tuple] = []
                cursor = self.con.execute(sql)
                while batch := cursor.fetchmany(20_000):
                    rows.extend(batch)
                outcome["rows"] = rows
            except BaseException as exc:  # handed to the calling thread
                outcome["error"] = exc

        worker = threading.Thread(target=work, name="csv-totals", daemon=True)
        worker.start()
        try:
            while worker.is_alive():
                worker.join(0.1)
                if worker.is_alive():
                    poll(max(self.con.query_progress(), 0.0) / 100)
        except BaseException:
            self.con.interrupt()
            worker.join()
            raise
        if "error" in outcome:
            error = outcome["error"]
            if isinstance(error, self.error_type):
                raise CsvError(_one_line(error)) from None
            raise error
        return outcome["rows"]

    def close(self) -> None:
        self.con.close()


def sum_file(
    path: Path,
    header: Sequence[str],
    columns: Columns,
    *,
    with_rows: bool,
    spill_dir: Path,
    poll: Callable[[float], None],
) -> Totals:
    """Sum `path` by every field but the amounts, streaming; count and report the rows skipped.

    `poll(fraction_read)` is called on this thread about ten times a second while DuckDB reads
    on others; whatever it raises (a cancellation, Ctrl+C) interrupts the query and is raised
    here once DuckDB has stopped. `with_rows` keeps each group's first row numbers, which costs
    DuckDB its parallel read: for the small funding file only.
    """
    query = _Query(spill_dir)
    try:
        sums = query.rows(sums_query(path, header, columns, with_rows), poll)
        rejected = query.rows(rejects_query(columns), lambda _: poll(1.0))
        totals = Totals(groups=[])
        rejected_lines: list[int] = []
        for reason, count, lines, texts in rejected:
            totals.rows_read += count
            totals.skip(reason, count)
            totals.bad_rows[reason] = [
                (line - 1, _value(reason, text, header, columns)) for line, text in zip(lines, texts, strict=True)
            ]
        if with_rows and rejected:
            # DuckDB numbers only the rows it keeps: each number moves past the rows left out before it.
            rejected_lines = [
                line - 1 for (line,) in query.con.execute("SELECT DISTINCT line FROM rejects_sums").fetchall()
            ]
            rejected_lines.sort()
        bad_codes, bad_years = _groups(totals, sums, rejected_lines, with_rows)
        if bad_codes or bad_years:
            _number_bad_rows(query, path, header, columns, totals, bad_codes, bad_years, poll)
    finally:
        query.close()
    log.debug("read %d rows into %d groups", totals.rows_read, len(totals.groups))
    return totals


def _value(reason: str, text: str, header: Sequence[str], c: Columns) -> str:
    """The value at fault in a rejected row's text, for the message."""
    if reason == BAD_ROW:
        return text
    try:
        fields = next(csv.reader([text.lstrip("\r\n")]), [])
    except csv.Error:
        return text
    values = dict(zip(header, fields, strict=False))
    if reason == BAD_YEAR:
        return values.get(c.year, "")
    return f"{values.get(c.current, '')} / {values.get(c.constant, '')}"


def _true_row(kept: int, left_out: list[int]) -> int:
    """The row number of the `kept`-th row DuckDB kept, given the sorted numbers of the rows it left out."""
    row = kept
    while True:
        moved = kept + bisect.bisect_right(left_out, row)
        if moved == row:
            return row
        row = moved


def _groups(
    totals: Totals, sums: list[tuple], rejected: list[int], with_rows: bool
) -> tuple[set[str | None], set[int | None]]:
    """Fill `totals` from the grouped rows; the codes and years found bad, whose rows are then numbered."""
    # Each distinct text cleaned once and kept as one object: ~100,000 groups repeat a few hundred names.
    clean: dict[str | None, str] = {}
    bad_codes: set[str | None] = set()
    bad_years: set[int | None] = set()
    for row in sums:
        *keys, year, count, empty, current, constant = row[:14]
        first = row[14] if with_rows else None
        totals.rows_read += count
        raw_code = keys[0]
        code, name, region, income, account_id, account_name, agency, acronym, kind = (
            clean.get(k) or clean.setdefault(k, " ".join((k or "").split())) for k in keys
        )
        code = code.upper()
        if not _CODE.fullmatch(code):
            bad_codes.add(raw_code)
            totals.skip(BAD_CODE, count)
            continue
        if year not in YEARS:
            bad_years.add(year)
            totals.skip(BAD_YEAR, count)
            continue
        if empty:
            totals.skip(EMPTY_AMOUNT, empty)
        if count == empty:
            continue
        numbers = tuple(sorted(_true_row(n, rejected) for n in first or ()))
        totals.groups.append(
            Group(
                code=code,
                name=name,
                region=region,
                income=income,
                account_id=account_id,
                account_name=account_name,
                agency=agency,
                acronym=acronym,
                type=kind,
                year=year,
                rows=count - empty,
                current=current,
                constant=constant,
                first_rows=numbers,
            )
        )
    return bad_codes, bad_years


def _number_bad_rows(
    query: _Query,
    path: Path,
    header: Sequence[str],
    c: Columns,
    totals: Totals,
    bad_codes: set[str | None],
    bad_years: set[int | None],
    poll: Callable[[float], None],
) -> None:
    """Find the numbers of the rows whose code or year was found bad only once grouped (rare: a second pass)."""
    code, year = _ident(c.code), f"TRY_CAST({_ident(c.year)} AS SMALLINT)"
    tests = []
    if None in bad_codes:
        tests.append(f"{code} IS NULL")
    if bad_codes - {None}:
        tests.append(f"{code} IN ({', '.join(_literal(k) for k in bad_codes if k is not None)})")
    if None in bad_years:
        tests.append(f"{year} IS NULL")
    if bad_years - {None}:
        tests.append(f"{year} IN ({', '.join(str(y) for y in bad_years if y is not None)})")
    source = _source(path, header, c, typed=False, rejects="rejects_rows", numbered=True)
    named = ", ".join(_literal(k) for k in bad_codes if k) or "NULL"
    reason = f"CASE WHEN {code} IS NULL OR {code} IN ({named}) THEN {_literal(BAD_CODE)} ELSE {_literal(BAD_YEAR)} END"
    sql = f"""
SELECT ordinality, {reason} AS reason, CASE WHEN {reason} = {_literal(BAD_CODE)} THEN {code} ELSE {_ident(c.year)} END
FROM {source} WHERE {" OR ".join(tests)}
QUALIFY row_number() OVER (PARTITION BY reason ORDER BY ordinality) <= {FIRST_BAD_ROWS + 1000}
"""
    found = query.rows(sql, lambda _: poll(1.0))
    left_out = sorted(line - 1 for (line,) in query.con.execute("SELECT DISTINCT line FROM rejects_rows").fetchall())
    rejected = {line - 1 for (line,) in query.con.execute("SELECT DISTINCT line FROM rejects_sums").fetchall()}
    for kept, why, value in sorted(found):
        row = _true_row(kept, left_out)
        if row in rejected:  # already counted for a bad amount or year
            continue
        listed = totals.bad_rows.setdefault(why, [])
        if len(listed) < FIRST_BAD_ROWS:
            listed.append((row, value or ""))

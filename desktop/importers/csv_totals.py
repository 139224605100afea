"""Sum a CSV file of any size to a grain, streaming, with DuckDB: the heavy part of an import.

DuckDB was chosen by measurement (see the importer's report in the README): on a 1 GB file it
groups as fast as Polars but in less than half the memory, and it bounds that memory itself
(spilling to disk past the limit), tells how far through the file a query is, can be
interrupted from another thread, and numbers the records it reads (`WITH ORDINALITY`), so a bad
row is reported by its number even when quoted fields hold newlines.

One pass over the file gives everything: the sums per group of the good rows, the number of
rows skipped for each reason, and the first rows of each reason with the value at fault.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

log = logging.getLogger("almanac.importers")

# Why a row is skipped, in the order they are checked: the first that applies is counted.
BAD_CODE, BAD_YEAR, EMPTY_AMOUNT, BAD_AMOUNT = "bad country code", "bad fiscal year", "empty amount", "bad amount"
REPORTED = (BAD_CODE, BAD_YEAR, BAD_AMOUNT)  # each row reported with its number; empty ones only counted
FIRST_BAD_ROWS = 100  # rows reported per reason; the rest are counted
FIRST_ROWS = 5  # rows kept per group for its locator (funding file)
MEMORY_LIMIT = "256MB"  # DuckDB's own buffers; past it the grouping spills to disk


class CsvError(Exception):
    """The file cannot be read as CSV (a broken quote, a row of the wrong width, bad UTF-8)."""


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
    rows_read: int
    skipped: dict[str, int] = field(default_factory=dict)
    bad_rows: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # reason -> (row, value), first ones


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(column: str | None) -> str:
    return f"trim(coalesce({_ident(column)}, ''))" if column else "''"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build_query(path: Path, header: Sequence[str], c: Columns, with_rows: bool) -> str:
    # Every column as text, as the header names it: DuckDB's sniffer would otherwise guess types
    # from a sample and fail on the first row that breaks its guess, gigabytes in.
    columns = "{" + ", ".join(f"{_literal(h)}: 'VARCHAR'" for h in header) + "}"
    source = (
        f"read_csv({_literal(str(path))}, header = true, auto_detect = false, columns = {columns}, "
        "delim = ',', quote = '\"', escape = '\"', encoding = 'utf-8') WITH ORDINALITY"
    )
    bad = f"reason IN ({', '.join(map(_literal, REPORTED))})"
    first_rows = f"min(rn, {FIRST_ROWS}) FILTER (WHERE reason IS NULL)" if with_rows else "NULL"
    return f"""
WITH src AS (
  SELECT upper({_text(c.code)}) AS code, {_text(c.name)} AS name, {_text(c.region)} AS region,
         {_text(c.income)} AS income, {_text(c.account_id)} AS account_id, {_text(c.account_name)} AS account_name,
         {_text(c.agency)} AS agency, {_text(c.acronym)} AS acronym, {_text(c.type)} AS type,
         {_text(c.year)} AS year_text, {_text(c.current)} AS cur_text, {_text(c.constant)} AS con_text,
         ordinality AS rn
  FROM {source}
), typed AS (
  SELECT *, TRY_CAST(cur_text AS DECIMAL(38, 6)) AS cur, TRY_CAST(nullif(con_text, '') AS DECIMAL(38, 6)) AS con
  FROM src
), checked AS (
  SELECT *, CASE
      WHEN NOT regexp_full_match(code, '[A-Z0-9][A-Z0-9_-]{{1,9}}') THEN {_literal(BAD_CODE)}
      WHEN NOT regexp_full_match(year_text, '(19|20)[0-9][0-9]') THEN {_literal(BAD_YEAR)}
      WHEN cur_text = '' THEN {_literal(EMPTY_AMOUNT)}
      WHEN cur IS NULL OR (con_text <> '' AND con IS NULL) THEN {_literal(BAD_AMOUNT)}
    END AS reason
  FROM typed
)
SELECT reason,
       CASE WHEN reason IS NULL THEN code END, CASE WHEN reason IS NULL THEN name END,
       CASE WHEN reason IS NULL THEN region END, CASE WHEN reason IS NULL THEN income END,
       CASE WHEN reason IS NULL THEN account_id END, CASE WHEN reason IS NULL THEN account_name END,
       CASE WHEN reason IS NULL THEN agency END, CASE WHEN reason IS NULL THEN acronym END,
       CASE WHEN reason IS NULL THEN type END, CASE WHEN reason IS NULL THEN CAST(year_text AS INTEGER) END,
       count(*), sum(cur), sum(con), {first_rows},
       min_by(CASE reason WHEN {_literal(BAD_CODE)} THEN code WHEN {_literal(BAD_YEAR)} THEN year_text
                          ELSE cur_text || ' / ' || con_text END, rn, {FIRST_BAD_ROWS}) FILTER (WHERE {bad}),
       min(rn, {FIRST_BAD_ROWS}) FILTER (WHERE {bad})
FROM checked
GROUP BY ALL
"""


def _one_line(exc: BaseException) -> str:
    """DuckDB's message without its hints and the dump of the reader's options."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    head = lines[0] if lines else type(exc).__name__
    head = head.split(": ", 1)[1] if head.startswith(("Invalid Input Error", "Conversion Error")) else head
    where = next((line for line in lines[1:] if line.startswith("Line:")), "")
    return f"{head} ({where})" if where and where not in head else head


def sum_file(
    path: Path,
    header: Sequence[str],
    columns: Columns,
    *,
    with_rows: bool,
    spill_dir: Path,
    poll: Callable[[float], None],
) -> Totals:
    """Sum `path` by every field but the amounts, streaming.

    `poll(fraction_read)` is called on this thread about ten times a second while DuckDB reads
    on another; whatever it raises (a cancellation, Ctrl+C) interrupts the query and is raised
    here once DuckDB has stopped.
    """
    import duckdb  # only here: the window and the other commands never load it

    con = duckdb.connect()
    try:
        spill_dir.mkdir(parents=True, exist_ok=True)
        con.execute(f"SET memory_limit = {_literal(MEMORY_LIMIT)}")
        con.execute(f"SET temp_directory = {_literal(str(spill_dir))}")
        con.execute("SET preserve_insertion_order = false")
        # Progress is only tracked with the progress bar on; it is never printed.
        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
        sql = build_query(path, header, columns, with_rows)
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                rows: list[tuple] = []
                cursor = con.execute(sql)
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
                    poll(max(con.query_progress(), 0.0) / 100)
        except BaseException:
            con.interrupt()
            worker.join()
            raise
        if "error" in outcome:
            error = outcome["error"]
            if isinstance(error, duckdb.Error):
                raise CsvError(_one_line(error)) from None
            raise error
        return _totals(outcome["rows"])
    finally:
        con.close()


def _totals(rows: list[tuple]) -> Totals:
    totals = Totals(groups=[], rows_read=0)
    strings: dict[str, str] = {}  # one object per distinct text: ~100,000 groups repeat a few hundred names
    for row in rows:
        reason, *keys, year, count, current, constant, first, bad_values, bad_numbers = row
        totals.rows_read += count
        if reason is not None:
            totals.skipped[reason] = totals.skipped.get(reason, 0) + count
            if bad_numbers:
                totals.bad_rows[reason] = list(zip(bad_numbers, bad_values, strict=True))
            continue
        code, name, region, income, account_id, account_name, agency, acronym, kind = (
            strings.setdefault(k, k) for k in keys
        )
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
                rows=count,
                current=current,
                constant=constant,
                first_rows=tuple(sorted(first or ())),
            )
        )
    log.debug("read %d rows into %d groups", totals.rows_read, len(totals.groups))
    return totals

"""Sum a CSV file of any size to a grain, streaming, with DuckDB: the heavy part of an import.

DuckDB was chosen by measurement (see the importer's report in the README): on a 1 GB file it
groups nearly as fast as Polars in less memory, bounds that memory itself (spilling to disk past
the limit), tells how far through the file a query is, can be interrupted from another thread,
and records each row it rejects with the row's number, counted in records (a quoted newline
does not start a new one).

One pass over the file leaves a table of sums inside DuckDB, grouped by every field the import
needs (about as many groups as the funding file has rows, whatever the file's size), and the
rows DuckDB left out because a year or an amount did not cast or the row was not well formed,
each with its number. The importer then asks for the few distinct codes, accounts and types it
must match, hands back what each maps to, and gets the figures summed by entity, in order. A
code or year found bad only once grouped (an empty or malformed country code, a year out of
range: rare) costs a second pass, which numbers just those rows.
"""

from __future__ import annotations

import bisect
import csv
import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

log = logging.getLogger("almanac.importers")

# Why a row is skipped. Each bad row is reported with its number; empty amounts are only counted.
BAD_CODE, BAD_YEAR, BAD_AMOUNT, BAD_ROW = "bad country code", "bad fiscal year", "bad amount", "malformed row"
EMPTY_AMOUNT = "empty amount"
FIRST_BAD_ROWS = 100  # rows reported per reason; the rest are counted
FIRST_ROWS = 5  # rows kept per figure for its locator (funding file)
FIGURES_HEADER = ("country", "program", "fiscal_year", "type", "current_usd", "constant_usd", "locator")
MEMORY_LIMIT = "256MB"  # DuckDB's own buffers; past it the grouping spills to disk
YEARS = range(1900, 2100)
CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{1,9}")


class CsvError(Exception):
    """The file cannot be read as CSV at all."""


@dataclass(frozen=True)
class Columns:
    """Which header column gives each field; None for a column the layout may lack (read as "")."""

    code: str
    name: str
    region: str | None
    account_id: str
    account_name: str
    agency: str
    acronym: str | None
    type: str
    year: str
    current: str
    constant: str


@dataclass(frozen=True)
class Written:
    """What the figures file holds, for the summary."""

    figures: int
    rows: int  # data rows summed into them
    places: list[str]
    programs: int
    years: list[int]
    dollars: dict[str, Decimal]  # current dollars by type slug, as the figures give them


def engine() -> ModuleType:
    """DuckDB, imported on first use only: the window and the other commands never load it."""
    try:
        import duckdb
    except ImportError:
        raise CsvError("the import needs DuckDB, which is not installed: pip install duckdb") from None
    return duckdb


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _field(column: str | None) -> str:
    return f"coalesce({_ident(column)}, '')" if column else "''"


def _source(path: Path, header: Sequence[str], c: Columns, *, typed: bool, rejects: str, numbered: bool) -> str:
    """The read_csv call: every column text, as the header names it, except (when `typed`) the year and amounts.

    Types are given, not sniffed: a guess from a sample would fail gigabytes in. A value that
    does not cast, and a row that is not well formed, is left out and recorded in the rejects
    table with its line, which DuckDB counts in records, so the line less the header is the
    row's number.
    """
    # Columns are read by position: a name the header repeats or leaves empty gets one of its own.
    names = [h if h and h not in header[:i] else f"{h or 'column'} ({i + 1})" for i, h in enumerate(header)]
    types = dict.fromkeys(names, "VARCHAR")
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


# DuckDB rounds and prints a DECIMAL(38, …), kept in 128 bits, ten times slower than one of 18
# digits, kept in 64: a value that fits in 18 digits takes that way (the same digits come out).
def _cents(amount: str) -> str:
    """`amount`, a DECIMAL(38, 6), rounded to cents as a DECIMAL(38, 2) (half away from zero)."""
    fits = f"{amount} BETWEEN -999999999999.999999 AND 999999999999.999999"
    return f"CASE WHEN {fits} THEN {amount}::DECIMAL(18, 6)::DECIMAL(18, 2) ELSE {amount}::DECIMAL(38, 2) END"


def _text(amount: str) -> str:
    """`amount`, a DECIMAL(38, 2), as text."""
    fits = f"{amount} BETWEEN -9999999999999999.99 AND 9999999999999999.99"
    return f"CASE WHEN {fits} THEN {amount}::DECIMAL(18, 2)::VARCHAR ELSE {amount}::VARCHAR END"


def _one_line(exc: BaseException) -> str:
    """DuckDB's message without its hints and the dump of the reader's options."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    head = lines[0] if lines else type(exc).__name__
    return head.split(": ", 1)[1] if head.startswith(("Invalid Input Error", "Conversion Error")) else head


def _true_row(kept: int, left_out: list[int]) -> int:
    """The row number of the `kept`-th row DuckDB kept, given the sorted numbers of the rows it left out."""
    row = kept
    while True:
        moved = kept + bisect.bisect_right(left_out, row)
        if moved == row:
            return row
        row = moved


@dataclass
class _Rules:
    """What the importer decided about the distinct values: which are bad, which are kept."""

    bad_codes: set[str] = field(default_factory=set)
    bad_years: set[int | None] = field(default_factory=set)
    accounts: set[tuple[str, str]] = field(default_factory=set)  # (name, id) kept
    first_year: int = YEARS.start
    last_year: int = YEARS.stop - 1


class Totals:
    """A file summed inside DuckDB; close() when done. See the module's docstring for the steps."""

    def __init__(
        self,
        path: Path,
        header: Sequence[str],
        columns: Columns,
        *,
        numbered: bool,
        spill_dir: Path,
        poll: Callable[[float], None],
        reading: Callable[[], None] | None = None,
    ) -> None:
        """Read `path` once. `poll(fraction_read)` is called on this thread about ten times a second
        while DuckDB reads on others; whatever it raises (a cancellation, Ctrl+C) interrupts the
        query and is raised here once DuckDB has stopped. `numbered` keeps each group's first
        row numbers, which costs DuckDB its parallel read: for the small funding file only.
        `reading()` is called on this thread once DuckDB has started reading.
        """
        duckdb = engine()

        self.path, self.header, self.c, self.numbered, self.poll = path, list(header), columns, numbered, poll
        self.rows_read = 0
        self.skipped: dict[str, int] = {}
        self.bad_rows: dict[str, list[tuple[int, str]]] = {}  # reason -> (row, value), the first ones
        self._rules = _Rules()
        self._error_type = duckdb.Error
        self.con = duckdb.connect()
        try:
            spill_dir.mkdir(parents=True, exist_ok=True)
            for setting in (
                f"memory_limit = {_literal(MEMORY_LIMIT)}",
                f"temp_directory = {_literal(str(spill_dir))}",
                "preserve_insertion_order = false",
                # Progress is only tracked with the progress bar on; it is never printed.
                "enable_progress_bar = true",
                "enable_progress_bar_print = false",
            ):
                self.con.execute(f"SET {setting}")
            self._read(reading)
        except BaseException:
            self.con.close()
            raise

    def close(self) -> None:
        self.con.close()

    def _run(
        self, sql: str, poll: Callable[[float], None] | None = None, started: Callable[[], None] | None = None
    ) -> list[tuple]:
        """The rows of `sql`, run on a thread of its own while this one polls (for the long queries).

        `started()` is called once the thread is running.
        """
        if poll is None:
            try:
                return self.con.execute(sql).fetchall()
            except self._error_type as exc:
                raise CsvError(_one_line(exc)) from None
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["rows"] = self.con.execute(sql).fetchall()
            except BaseException as exc:  # handed to the calling thread
                outcome["error"] = exc

        worker = threading.Thread(target=work, name="csv-totals", daemon=True)
        worker.start()
        try:
            if started is not None:
                started()
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
            if isinstance(error, self._error_type):
                raise CsvError(_one_line(error)) from None
            raise error
        return outcome["rows"]

    # -- the pass over the file -------------------------------------------------------------------

    def _read(self, reading: Callable[[], None] | None) -> None:
        c = self.c
        keys = (c.code, c.name, c.region, c.account_id, c.account_name, c.agency, c.acronym, c.type)
        names = ("code", "name", "region", "account_id", "account_name", "agency", "acronym", "type")
        selected = ", ".join(f"{_ident(k) if k else 'NULL'} AS {n}" for k, n in zip(keys, names, strict=True))
        first = f", min(ordinality, {FIRST_ROWS}) FILTER (WHERE cur IS NOT NULL) AS first" if self.numbered else ""
        source = _source(self.path, self.header, c, typed=True, rejects="rejects_sums", numbered=self.numbered)
        # An empty field is NULL to DuckDB: made "" once grouped, on ~100,000 groups rather than
        # on every row (the groups a NULL and a "" make are summed together from here on).
        blanks = ", ".join(f"coalesce({n}, '') AS {n}" for n in names)
        self._run(
            f"""
CREATE TEMP TABLE sums AS
SELECT {blanks}, year, n, empty, cur, con{", first" if self.numbered else ""}
FROM (
  SELECT {", ".join(names)}, year, count(*) AS n, count(*) FILTER (WHERE cur IS NULL) AS empty,
         sum(cur) AS cur, sum(con) AS con{first}
  FROM (SELECT {selected}, {_ident(c.year)} AS year, {_ident(c.current)} AS cur, {_ident(c.constant)} AS con
        {", ordinality" if self.numbered else ""} FROM {source})
  GROUP BY ALL)
""",
            self.poll,
            reading,
        )
        (grouped,) = self._run("SELECT coalesce(sum(n), 0) FROM sums")[0]
        self.rows_read = int(grouped)
        for reason, count, lines, texts in self._run(
            f"""
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
        ):
            self.rows_read += count
            self._skip(reason, count)
            self.bad_rows[reason] = [
                (line - 1, self._value(reason, text)) for line, text in zip(lines, texts, strict=True)
            ]

    def _skip(self, reason: str, rows: int) -> None:
        if rows:
            self.skipped[reason] = self.skipped.get(reason, 0) + rows

    def _value(self, reason: str, text: str) -> str:
        """The value at fault in a rejected row's text, for the message."""
        if reason == BAD_ROW:
            return text
        try:
            fields = next(csv.reader([text.lstrip("\r\n")]), [])
        except csv.Error:
            return text
        values = dict(zip(self.header, fields, strict=False))
        if reason == BAD_YEAR:
            return values.get(self.c.year, "")
        return f"{values.get(self.c.current, '')} / {values.get(self.c.constant, '')}"

    # -- what the importer matches ----------------------------------------------------------------

    def codes(self) -> list[str]:
        return [code for (code,) in self._run("SELECT DISTINCT code FROM sums ORDER BY code")]

    def years(self) -> list[int | None]:
        return [year for (year,) in self._run("SELECT DISTINCT year FROM sums ORDER BY year")]

    def accounts(self) -> list[tuple[str, str]]:
        return self._run("SELECT DISTINCT account_name, account_id FROM sums ORDER BY ALL")

    def keep(
        self,
        bad_codes: Iterable[str],
        bad_years: Iterable[int | None],
        accounts: Iterable[tuple[str, str]],
        first_year: int | None,
        last_year: int | None,
        account_filtered: str,
        year_filtered: str,
    ) -> None:
        """Which rows make figures, and why each of the others is skipped (the first reason that applies)."""
        rules = self._rules
        rules.bad_codes, rules.bad_years, rules.accounts = set(bad_codes), set(bad_years), set(accounts)
        rules.first_year = first_year if first_year is not None else YEARS.start
        rules.last_year = last_year if last_year is not None else YEARS.stop - 1
        self._table("bad_codes", ["code VARCHAR"], [(k,) for k in rules.bad_codes])
        self._table("kept_accounts", ["account_name VARCHAR", "account_id VARCHAR"], sorted(rules.accounts))
        year_ok = f"year BETWEEN {YEARS.start} AND {YEARS.stop - 1}"
        self.con.execute(
            f"""
CREATE TEMP VIEW ruled AS
SELECT s.*, CASE WHEN b.code IS NOT NULL THEN {_literal(BAD_CODE)}
                 WHEN year IS NULL OR NOT ({year_ok}) THEN {_literal(BAD_YEAR)} END AS bad,
       k.account_name IS NOT NULL AS account_kept,
       year BETWEEN {rules.first_year} AND {rules.last_year} AS year_kept
FROM sums s LEFT JOIN bad_codes b USING (code)
LEFT JOIN kept_accounts k USING (account_name, account_id)
"""
        )
        ruled_out = 0
        for reason, empty, account, year in self._run(
            """
SELECT bad, sum(CASE WHEN bad IS NULL THEN empty ELSE n END),
       sum(n - empty) FILTER (WHERE bad IS NULL AND NOT account_kept),
       sum(n - empty) FILTER (WHERE bad IS NULL AND account_kept AND NOT year_kept)
FROM ruled GROUP BY bad
"""
        ):
            self._skip(reason or EMPTY_AMOUNT, int(empty or 0))
            self._skip(account_filtered, int(account or 0))
            self._skip(year_filtered, int(year or 0))
            ruled_out += int(account or 0) + int(year or 0)
        if rules.bad_codes or rules.bad_years:
            self._number_bad_rows()
        elif not ruled_out:
            # The usual case: nothing is bad or filtered out (a group of empty amounts alone is
            # left out all the same, by `n > empty`). Each query below then reads the sums
            # without the two joins, which cost about as much as the rest of it.
            self.con.execute(
                "CREATE OR REPLACE TEMP VIEW ruled AS "
                "SELECT *, NULL::VARCHAR AS bad, true AS account_kept, true AS year_kept FROM sums"
            )

    _KEPT = "bad IS NULL AND account_kept AND year_kept AND n > empty"

    def places(self) -> list[tuple[str, str, str, int]]:
        """(code, name, region, rows) of the rows kept: each code's names and regions, weighed."""
        return self._run(
            f"SELECT code, name, region, sum(n - empty) FROM ruled WHERE {self._KEPT} GROUP BY ALL ORDER BY ALL"
        )

    def funders(self) -> list[tuple[str, str, str, str, int]]:
        """(account name, account id, agency, acronym, rows) of the rows kept."""
        return self._run(
            f"SELECT account_name, account_id, agency, acronym, sum(n - empty) FROM ruled WHERE {self._KEPT} "
            "GROUP BY ALL ORDER BY ALL"
        )

    def types(self) -> list[str]:
        return [t for (t,) in self._run(f"SELECT DISTINCT type FROM ruled WHERE {self._KEPT} ORDER BY type")]

    def _table(self, name: str, columns: list[str], rows: Sequence[tuple]) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({', '.join(columns)})")
        if rows:
            # One statement, each column a list parameter: executemany costs DuckDB a statement a
            # row (tens of milliseconds for a few hundred).
            unnested = ", ".join(f"unnest(${i + 1})" for i in range(len(columns)))
            columns_of_rows = [list(column) for column in zip(*rows, strict=True)]
            self.con.execute(f"INSERT INTO {name} SELECT {unnested}", columns_of_rows)

    def write_figures(
        self,
        path: Path,
        places: dict[str, tuple[str, str]],
        programs: dict[tuple[str, str], tuple[str, str]],
        types: dict[str, tuple[str, str]],
    ) -> Written:
        """Write the figures, summed by entity and sorted by place, program, type and year, to `path`.

        `places` maps each code kept to (place id, code as shown), `programs` each (account name,
        account id) to (program id, account as shown) and `types` each type name to (slug, name
        as shown). Each figure's locator names its rows (when numbered) or else its fiscal
        year, codes, accounts and type names.
        """
        # Each place, program and type is grouped and sorted by its rank among the ids (a number:
        # DuckDB sorts 100,000 rows by numbers several times faster than by text, and Python's
        # order of the ids is DuckDB's, code point by code point), and named once, in a small table.
        named = [
            self._entities(table, rank, key, pairs)
            for table, rank, key, pairs in (
                ("place_ids", "pk", "place", places.values()),
                ("program_ids", "gk", "program", programs.values()),
                ("type_ids", "tk", "slug", types.values()),
            )
        ]
        (place_rank, several_places), (program_rank, several_programs), (type_rank, several_types) = named
        self._table(
            "place_of",
            ["code VARCHAR", "pk INTEGER", "shown VARCHAR"],
            [(code, place_rank[place], shown) for code, (place, shown) in places.items()],
        )
        self._table(
            "program_of",
            ["account_name VARCHAR", "account_id VARCHAR", "gk INTEGER", "shown VARCHAR"],
            [(*account, program_rank[program], shown) for account, (program, shown) in programs.items()],
        )
        self._table(
            "type_of",
            ["type VARCHAR", "tk INTEGER", "shown VARCHAR"],
            [(raw, type_rank[ident], shown) for raw, (ident, shown) in types.items()],
        )
        first = f", list_slice(list_sort(flatten(list(first))), 1, {FIRST_ROWS}) AS first" if self.numbered else ""
        self._run(
            f"""
CREATE TEMP TABLE figures AS
SELECT pk, gk, tk, year, {_cents("cur")} AS cur, {_cents("con")} AS con, rows{", first" if self.numbered else ""}
FROM (
  SELECT p.pk, a.gk, t.tk, r.year, sum(r.cur) AS cur, sum(r.con) AS con, sum(r.n - r.empty) AS rows{first}
  FROM ruled r JOIN place_of p USING (code) JOIN program_of a USING (account_name, account_id)
       JOIN type_of t USING (type)
  WHERE {self._KEPT}
  GROUP BY ALL)
"""
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.numbered:
            self._write_numbered(path)
        else:
            self._several(several_places, several_programs, several_types)
            # DuckDB writes the file itself: making 100,000 rows into Python objects and back to
            # text would take longer than summing them. It quotes only what needs quoting.
            locator = (
                "concat('FY', f.year, ' · ', coalesce(m.codes, pi.label), ' · account ', "
                "coalesce(m.accounts, gi.label), ' · ', coalesce(m.types, ti.label))"
            )
            self._run(
                f"""
COPY (
  SELECT pi.place AS country, gi.program, f.year AS fiscal_year, ti.slug AS type, {_text("f.cur")} AS current_usd,
         {_text("f.con")} AS constant_usd, {locator} AS locator
  FROM figures f JOIN place_ids pi USING (pk) JOIN program_ids gi USING (gk) JOIN type_ids ti USING (tk)
       LEFT JOIN several m USING (pk, gk, tk, year)
  ORDER BY pk, gk, tk, year
) TO {_literal(str(path))} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', NEW_LINE '\n')
"""
            )
        count, used, programs_used, years = self._run(
            "SELECT count(*), coalesce(sum(rows), 0), count(DISTINCT gk), list(DISTINCT year ORDER BY year) "
            "FROM figures"
        )[0]
        return Written(
            figures=count,
            rows=int(used),
            places=[
                place
                for (place,) in self._run(
                    "SELECT place FROM place_ids WHERE pk IN (SELECT pk FROM figures) ORDER BY place"
                )
            ],
            programs=programs_used,
            years=list(years or ()),
            dollars=dict(
                self._run("SELECT slug, sum(cur) FROM figures JOIN type_ids USING (tk) GROUP BY slug ORDER BY slug")
            ),
        )

    def _entities(
        self, table: str, rank: str, key: str, pairs: Iterable[tuple[str, str]]
    ) -> tuple[dict[str, int], list[int]]:
        """Table `table` of each id's rank, the id and its one label (NULL when it has several).

        Returns each id's rank, and the ranks of those with several labels.
        """
        shown_as: dict[str, set[str]] = {}
        for ident, label in pairs:
            shown_as.setdefault(ident, set()).add(label)
        ids = sorted(shown_as)
        labels = [next(iter(shown_as[ident])) if len(shown_as[ident]) == 1 else None for ident in ids]
        rows = list(zip(range(len(ids)), ids, labels, strict=True))
        self._table(table, [f"{rank} INTEGER", f"{key} VARCHAR", "label VARCHAR"], rows)
        return {ident: i for i, ident in enumerate(ids)}, [i for i, label in enumerate(labels) if label is None]

    def _write_numbered(self, path: Path) -> None:
        """The funding file's figures, each naming its rows (a small file: written from Python)."""
        # DuckDB numbers only the rows it keeps: each number moves past the rows left out before it.
        left_out = sorted(line - 1 for (line,) in self._run("SELECT DISTINCT line FROM rejects_sums"))
        lines = [",".join(FIGURES_HEADER) + "\n"]
        for place, program, slug, year, current, constant, count, first in self._run(
            f"SELECT place, program, slug, year, {_text('cur')}, {_text('con')}, rows, first "
            "FROM figures JOIN place_ids USING (pk) JOIN program_ids USING (gk) JOIN type_ids USING (tk) "
            "ORDER BY pk, gk, tk, year"
        ):
            rows = [_true_row(n, left_out) for n in first]
            if count == 1:
                locator = f"row {rows[0]}"
            elif count <= FIRST_ROWS:
                locator = '"rows ' + ", ".join(map(str, rows)) + '"'  # quoted: it holds commas
            else:  # the first two, then how many
                locator = f'"rows {rows[0]}, {rows[1]}, … ({count:,} rows)"'
            lines.append(f"{place},{program},{year},{slug},{current},{constant or ''},{locator}\n")
        with path.open("w", encoding="utf-8", newline="\n") as f:
            f.write("".join(lines))

    def _several(self, places: list[int], programs: list[int], types: list[int]) -> None:
        """Table `several`: the codes, accounts and type names behind each figure of an entity with more than one.

        Nearly always an entity has one code, account or type name, its label; only the figures
        of an entity with several (these ranks) are looked up in the data.
        """
        tests = [
            f"{column} IN ({', '.join(map(str, ranks))})"
            for column, ranks in (("p.pk", places), ("a.gk", programs), ("t.tk", types))
            if ranks
        ]
        self._run(
            f"""
CREATE TEMP TABLE several AS
SELECT p.pk, a.gk, t.tk, r.year, string_agg(DISTINCT p.shown, ', ' ORDER BY p.shown) AS codes,
       string_agg(DISTINCT a.shown, ', ' ORDER BY a.shown) AS accounts,
       string_agg(DISTINCT t.shown, ' / ' ORDER BY t.shown) AS types
FROM ruled r JOIN place_of p USING (code) JOIN program_of a USING (account_name, account_id) JOIN type_of t USING (type)
WHERE {self._KEPT} AND ({" OR ".join(tests) or "false"})
GROUP BY ALL
"""
        )

    # -- the second pass, when codes or years were found bad only once grouped -----------------------

    def _number_bad_rows(self) -> None:
        c, rules = self.c, self._rules
        code, year = _field(c.code), f"TRY_CAST({_ident(c.year)} AS SMALLINT)"
        tests = []
        if rules.bad_codes:
            tests.append(f"{code} IN ({', '.join(_literal(k) for k in sorted(rules.bad_codes))})")
        if None in rules.bad_years:
            tests.append(f"{year} IS NULL")
        if rules.bad_years - {None}:
            tests.append(
                f"{year} IN ({', '.join(str(y) for y in sorted(y for y in rules.bad_years if y is not None))})"
            )
        is_code = f"{code} IN ({', '.join(_literal(k) for k in sorted(rules.bad_codes)) or 'NULL'})"
        reason = f"CASE WHEN {is_code} THEN {_literal(BAD_CODE)} ELSE {_literal(BAD_YEAR)} END"
        source = _source(self.path, self.header, c, typed=False, rejects="rejects_rows", numbered=True)
        found = self._run(
            f"""
SELECT ordinality, reason, value FROM (
  SELECT ordinality, {reason} AS reason,
         CASE WHEN {is_code} THEN {code} ELSE coalesce({_ident(c.year)}, '') END AS value
  FROM {source} WHERE {" OR ".join(tests)})
QUALIFY row_number() OVER (PARTITION BY reason ORDER BY ordinality) <= {2 * FIRST_BAD_ROWS}
""",
            lambda _: self.poll(1.0),
        )
        left_out = sorted(line - 1 for (line,) in self._run("SELECT DISTINCT line FROM rejects_rows"))
        rejected = {line - 1 for (line,) in self._run("SELECT DISTINCT line FROM rejects_sums")}
        for kept, why, value in sorted(found):
            row = _true_row(kept, left_out)
            if row in rejected:  # counted already, for a bad amount or year
                continue
            listed = self.bad_rows.setdefault(why, [])
            if len(listed) < FIRST_BAD_ROWS:
                listed.append((row, value))

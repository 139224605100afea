"""Import ForeignAssistance.gov's CSV downloads into a data pack of cited figures.

Either download is recognised by its header: the funding file (`us_foreign_aid_funding.csv`,
one row per country, funding account, fiscal year and transaction type) or the complete file
(`us_foreign_aid_complete.csv`, one row per transaction, several GB), which is summed to the
funding file's grain while it is read. The pack holds a source entry for the file, the
countries, regions, programs and agencies the bundled data lacks, and every figure in
`figures/<source id>.csv`, each citing the row(s) it came from.

`run_import` is the one way in, for the command line and (off the GUI thread) the window.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import hashlib
import io
import json
import logging
import os
import re
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from desktop.core.bundle import bundled_data_dir
from desktop.core.text import name_key
from desktop.importers.csv_totals import (
    BAD_AMOUNT,
    BAD_CODE,
    BAD_ROW,
    BAD_YEAR,
    CODE,
    EMPTY_AMOUNT,
    YEARS,
    Columns,
    CsvError,
    Totals,
    engine,
)
from desktop.importers.matching import CODE_PROPERTY, PROGRAM, REGION, Known, Matcher, NewEntity, slug
from desktop.importers.pack import PackBuilder, PackError, check_out

log = logging.getLogger("almanac.importers")

SOURCE_PREFIX = "foreignassistance-gov-"
URL = "https://foreignassistance.gov/data"
PUBLISHER = "ForeignAssistance.gov (U.S. Department of State and USAID)"
LICENSE = "Public domain (US Government work)"
ACCOUNT_FILTERED, YEAR_FILTERED = "account not selected", "fiscal year not selected"
SKIP_ORDER = (EMPTY_AMOUNT, BAD_AMOUNT, BAD_YEAR, BAD_CODE, BAD_ROW, ACCOUNT_FILTERED, YEAR_FILTERED)
SAMPLE_BYTES = 1 << 18  # read to find the header and how long a row is (parsing 1 MB took 15 ms)


class ImportFailed(Exception):
    """The import cannot be done (a file of neither layout, an unusable output folder): nothing was written."""


class Cancelled(Exception):
    """`cancelled()` said stop: nothing was written."""


@dataclass(frozen=True)
class Layout:
    key: str
    file_name: str
    title: str
    columns: Columns
    optional: frozenset[str] = frozenset()

    @property
    def source_id(self) -> str:
        return f"{SOURCE_PREFIX}{self.key}"

    def required(self) -> list[str]:
        c = self.columns
        named = [c.code, c.name, c.region, c.agency, c.acronym, c.account_id, c.account_name]
        named += [c.type, c.year, c.current, c.constant]
        return [n for n in named if n and n not in self.optional]


_COMMON = {
    "code": "Country Code",
    "name": "Country Name",
    "region": "Region Name",
    "account_id": "Funding Account ID",
    "account_name": "Funding Account Name",
    "agency": "Funding Agency Name",
    "acronym": "Funding Agency Acronym",
    "type": "Transaction Type Name",
    "year": "Fiscal Year",
}
# Region and acronym only help tell aggregates and name agencies: read when present.
_OPTIONAL = frozenset({"Region Name", "Funding Agency Acronym"})
FUNDING = Layout(
    "funding",
    "us_foreign_aid_funding.csv",
    "ForeignAssistance.gov: U.S. foreign aid by country, funding account and fiscal year",
    Columns(**_COMMON, current="current_amount", constant="constant_amount"),
    _OPTIONAL,
)
COMPLETE = Layout(
    "complete",
    "us_foreign_aid_complete.csv",
    "ForeignAssistance.gov: U.S. foreign aid transactions by country, activity, funding account and fiscal year",
    Columns(**_COMMON, current="Current Dollar Amount", constant="Constant Dollar Amount"),
    _OPTIONAL,
)
LAYOUTS = (FUNDING, COMPLETE)


@dataclass
class ImportReport:
    """What an import read and wrote: the summary line's counts, and the first rows skipped as bad."""

    file: Path
    out: Path
    layout: str
    source_id: str
    rows_read: int = 0
    rows_used: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    countries: int = 0
    regions: int = 0
    accounts: int = 0
    years: list[int] = field(default_factory=list)
    dollars: dict[str, Decimal] = field(default_factory=dict)  # current dollars by transaction type
    figures: int = 0
    new_entities: dict[str, int] = field(default_factory=dict)  # kind -> count
    bad_rows: list[tuple[int, str, str]] = field(default_factory=list)  # (row, reason, value), first of each
    seconds: float = 0.0

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())

    def summary(self) -> str:
        """The one line the command line ends with."""
        reasons = ", ".join(f"{self.skipped[r]:,} {r}" for r in SKIP_ORDER if self.skipped.get(r))
        skipped = f"{self.rows_skipped:,} skipped" + (f" ({reasons})" if reasons else "")
        if self.years:
            span = f"{len(self.years)} fiscal year{'s' if len(self.years) != 1 else ''}"
            years = f"{span} ({self.years[0]}–{self.years[-1]})" if len(self.years) > 1 else f"{span} ({self.years[0]})"
        else:
            years = "no fiscal years"
        dollars = ", ".join(f"{t} ${_money(v)}" for t, v in sorted(self.dollars.items())) or "none"
        return (
            f"{self.rows_read:,} rows read, {self.rows_used:,} used, {skipped}; "
            f"{self.countries:,} countries, {self.regions:,} regions, {self.accounts:,} accounts, {years}; "
            f"current dollars: {dollars}; {self.figures:,} figures in {self.out}"
        )


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


# -- reading the header ---------------------------------------------------------------------------


def read_header(path: Path) -> tuple[list[str], float]:
    """The header's column names and the rows the file holds, estimated from its first 256 KB."""
    try:
        with path.open("rb") as f:
            sample = f.read(SAMPLE_BYTES)
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}") from None
    complete = len(sample) < SAMPLE_BYTES
    if not complete:  # a character cut in two at the end is not a decoding error
        sample = sample[: sample.rfind(b"\n") + 1] or sample
    # A bad byte in a data row is that row's problem (DuckDB skips and names it); in the header, the file's.
    text = sample.decode("utf-8-sig", errors="replace")
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ImportFailed(f"{path.name} is not CSV: {exc}") from None
    if not records or not any(h.strip() for h in records[0]):
        raise ImportFailed(f"{path.name} has no header row: not a ForeignAssistance.gov CSV")
    header = [h.strip() for h in records[0]]
    if any("\ufffd" in h for h in header):
        raise ImportFailed(f"{path.name} is not UTF-8 text: not a ForeignAssistance.gov CSV")
    data = max(len(records) - 1 - (0 if complete else 1), 0)  # the last record may be cut short
    if complete or data == 0:
        return header, float(max(len(records) - 1, 0))
    per_row = len(sample) / (data + 1)
    return header, path.stat().st_size / per_row


def detect_layout(header: Sequence[str], name: str) -> Layout:
    """The layout whose columns the header has; ImportFailed naming what each lacks when neither."""
    present = set(header)
    lacks = {layout.key: [c for c in layout.required() if c not in present] for layout in LAYOUTS}
    for layout in LAYOUTS:
        if not lacks[layout.key]:
            return layout
    said = "; ".join(
        f"as the {layout.key} file ({layout.file_name}) it lacks {', '.join(lacks[layout.key])}" for layout in LAYOUTS
    )
    raise ImportFailed(f"{name} matches neither ForeignAssistance.gov layout: {said}")


# -- the import -----------------------------------------------------------------------------------


ProgressFn = Callable[[int, int, int], None]


def run_import(
    path: Path | str,
    out: Path | str,
    *,
    accounts: str | re.Pattern[str] | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
    data_folders: Sequence[Path] = (),
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import a ForeignAssistance.gov CSV file into the pack folder `out`, replacing it whole.

    `accounts` keeps only funding accounts whose name or id it matches (case ignored);
    `first_year`/`last_year` keep only those fiscal years. Countries, programs and agencies are
    matched against the bundled data and `data_folders`. `progress(rows, bytes_read,
    total_bytes)` is called about ten times a second while the file is read (rows estimated
    until the end); when `cancelled()` returns True the import stops, writes nothing and
    raises Cancelled. ImportFailed says, in one line, why an import could not be done.
    """
    started = time.monotonic()
    path, out = Path(path), Path(out)
    pattern = re.compile(accounts, re.IGNORECASE) if isinstance(accounts, str) else accounts
    if first_year is not None and last_year is not None and first_year > last_year:
        raise ValueError(f"first year {first_year} is after last year {last_year}")
    if not path.is_file():
        raise ImportFailed(f"{path} is not a file" if path.exists() else f"{path} does not exist")
    size = path.stat().st_size
    header, estimated_rows = read_header(path)
    layout = detect_layout(header, path.name)
    try:
        check_out(out, SOURCE_PREFIX)
    except PackError as exc:
        raise ImportFailed(str(exc)) from None
    log.info("importing %s (%s layout) into %s", path, layout.key, out)
    # The pack being replaced is not data to match against: its entities are made again.
    own = os.path.abspath(out)
    folders = [bundled_data_dir(), *(f for f in data_folders if os.path.abspath(f) != own)]
    from desktop.importers.matching import known_entities

    report = ImportReport(file=path, out=out, layout=layout.key, source_id=layout.source_id)

    def poll(fraction: float) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled("import cancelled: nothing was written")
        if progress is not None:
            progress(int(estimated_rows * fraction), int(size * fraction), size)

    # Hashed alongside from the start: see _Digest.
    digest = _Digest(path)
    known: list[Known] = []

    def reading() -> None:
        # The data to match against is read on this thread while DuckDB reads the file on the
        # others (matching needs it only once the file is summed), once the read is under way
        # so as not to hold up its start. Not on a thread of its own: yaml-rs 0.1.6 crashes when
        # called on a thread after the thread it was first called on has ended.
        known.append(known_entities(folders))

    try:
        try:
            engine()
        except CsvError as exc:
            raise ImportFailed(str(exc)) from None
        with PackBuilder(out, SOURCE_PREFIX) as build:
            totals = Totals(
                path,
                header,
                layout.columns,
                numbered=layout is FUNDING,
                spill_dir=build.spill,
                poll=poll,
                reading=reading,
            )
            digest.hurry()
            try:
                poll(1.0)
                figures = build.folder / "figures" / f"{layout.source_id}.csv"
                new = _assemble(totals, known[0], pattern, first_year, last_year, report, figures)
                poll(1.0)
            finally:
                totals.close()
            _write_pack(build.folder, layout, path.name, size, digest.result(), new, known[0])
            poll(1.0)  # the last moment a cancellation leaves the old pack in place
            build.commit()
    except CsvError as exc:
        raise ImportFailed(f"{path.name}: {exc}") from None
    except PackError as exc:
        raise ImportFailed(str(exc)) from None
    except OSError as exc:
        raise ImportFailed(f"cannot write the pack {out}: {exc.strerror or exc}") from None
    finally:
        digest.stop()  # when the import stopped short; at once when the digest is done
    if progress is not None:
        progress(report.rows_read, size, size)
    report.seconds = time.monotonic() - started
    log.info("%s", report.summary())
    return report


class _Digest:
    """The file's SHA-256, computed on threads of their own while the import does the rest.

    Hashing takes about 0.7 s of processor time a GB, on one core. It starts with the import, on
    a thread at the lowest priority: while DuckDB reads on every core, that thread gets only the
    time the read leaves idle. `hurry()`, once the file is read, hands what is left to a thread
    at normal priority (a thread cannot raise its own again), which finishes while the sums are
    matched and written.
    """

    BLOCK = 1 << 20  # hashlib lets go of the interpreter for blocks this size

    def __init__(self, path: Path) -> None:
        self._path = path
        self._digest = hashlib.sha256()
        self._offset = 0
        self._done = False
        self._error: OSError | None = None
        self._stop = threading.Event()
        self._hurry = threading.Event()
        self._thread = threading.Thread(target=self._background, name="sha256", daemon=True)
        self._thread.start()

    def _background(self) -> None:
        _lowest_priority()
        self._hash(until=self._hurry)

    def _hash(self, until: threading.Event | None = None) -> None:
        """Hash on from where the last thread stopped, to the end or until `until` is set."""
        block = bytearray(self.BLOCK)  # read into, not a new bytes object a block
        view = memoryview(block)
        try:
            with self._path.open("rb", buffering=0) as f:
                f.seek(self._offset)
                while not self._stop.is_set() and not (until is not None and until.is_set()):
                    size = f.readinto(block)
                    if not size:
                        self._done = True
                        return
                    self._digest.update(view[:size])
                    self._offset += size
        except OSError as exc:
            self._error = exc

    def hurry(self) -> None:
        """Finish at normal priority: the file is read. Returns at once."""
        if self._hurry.is_set():
            return
        self._hurry.set()
        background = self._thread

        def finish() -> None:
            background.join()  # it stops at the end of its block
            if not (self._done or self._error):
                self._hash()

        # Started from this thread, the new one has this thread's priority.
        self._thread = threading.Thread(target=finish, name="sha256", daemon=True)
        self._thread.start()

    def result(self) -> str:
        self.hurry()
        self._thread.join()
        if self._error is not None:
            raise self._error
        if not self._done:
            raise RuntimeError("the digest was stopped")
        return self._digest.hexdigest()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _lowest_priority() -> None:
    """Give the calling thread the lowest priority, where a thread has one of its own (Linux)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


# -- from sums to figures and entities ------------------------------------------------------------


def _clean(text: str) -> str:
    return " ".join(text.split())


def _best(counter: Counter[str]) -> str:
    """The most frequent value, the smallest among equals: the same file always gives the same one."""
    return min(counter.items(), key=lambda item: (-item[1], item[0]))[0]


def _assemble(
    totals: Totals,
    known: Known,
    pattern: re.Pattern[str] | None,
    first_year: int | None,
    last_year: int | None,
    report: ImportReport,
    figures: Path,
) -> list[NewEntity]:
    """Decide over the distinct codes, accounts and types; match them; write the figures summed by entity.

    Returns the entities the pack must add.
    """
    bad_codes = [code for code in totals.codes() if not CODE.fullmatch(_clean(code).upper())]
    bad_years = [year for year in totals.years() if year not in YEARS]
    accounts = [
        (name, ident)
        for name, ident in totals.accounts()
        if pattern is None or pattern.search(_clean(name)) or pattern.search(_clean(ident))
    ]
    totals.keep(bad_codes, bad_years, accounts, first_year, last_year, ACCOUNT_FILTERED, YEAR_FILTERED)
    report.rows_read = totals.rows_read
    report.skipped = dict(totals.skipped)
    report.bad_rows = sorted((row, reason, value) for reason, rows in totals.bad_rows.items() for row, value in rows)

    # One name per code and per account, whatever variants the rows spell them in.
    names: defaultdict[str, Counter[str]] = defaultdict(Counter)
    regions: defaultdict[str, Counter[str]] = defaultdict(Counter)
    codes: dict[str, str] = {}  # the file's code -> the code as shown
    for raw, name, region, rows in totals.places():
        code = codes.setdefault(raw, _clean(raw).upper())
        names[code][_clean(name)] += rows
        regions[code][_clean(region)] += rows
    account_names: defaultdict[str, Counter[str]] = defaultdict(Counter)
    account_ids: defaultdict[str, Counter[str]] = defaultdict(Counter)
    agencies: defaultdict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    account_key: dict[tuple[str, str], str] = {}
    for raw_name, raw_id, agency, acronym, rows in totals.funders():
        name, ident = _clean(raw_name), _clean(raw_id)
        # Spellings that differ only in case or punctuation are one account; one with no name is its id.
        key = account_key.setdefault((raw_name, raw_id), name_key(name) or ident)
        account_names[key][name or ident] += rows
        account_ids[key][ident] += rows
        agencies[key][(_clean(agency), _clean(acronym))] += rows

    matcher = Matcher(known)
    place_of = {code: matcher.place(code, _best(names[code]) or code, _best(regions[code])) for code in sorted(names)}
    program_of = {
        key: matcher.program(_best(account_names[key]), _best(account_ids[key]), _agencies(agencies[key]))
        for key in sorted(account_names)
    }
    new = matcher.finish()
    type_of = {raw: (slug(_clean(raw)) or "unspecified", _clean(raw)) for raw in totals.types()}
    written = totals.write_figures(
        figures,
        {raw: (place_of[code], code) for raw, code in codes.items()},
        {raw: (program_of[key], _clean(raw[1]) or _clean(raw[0])) for raw, key in account_key.items()},
        type_of,
    )
    kinds = {**known.kinds, **{e.id: e.kind for e in new}}
    report.rows_used = written.rows
    report.countries = sum(1 for p in written.places if kinds.get(p) != REGION)
    report.regions = len(written.places) - report.countries
    report.accounts = written.programs
    report.years = written.years
    report.dollars = written.dollars
    report.figures = written.figures
    report.new_entities = dict(Counter(e.kind for e in new))
    return new


def _agencies(counter: Counter[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each funding agency of an account once, with the acronym the most rows give it."""
    acronyms: dict[str, Counter[str]] = {}
    for (name, acronym), rows in counter.items():
        if name:
            acronyms.setdefault(name, Counter())[acronym] += rows
    return [(name, _best(acronyms[name])) for name in sorted(acronyms)]


# -- writing the pack -----------------------------------------------------------------------------


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def _write_pack(
    folder: Path,
    layout: Layout,
    file_name: str,
    size: int,
    sha256: str,
    new: list[NewEntity],
    known: Known,
) -> None:
    source = layout.source_id
    _write(
        folder / "sources.yaml",
        "sources:\n"
        f"  - id: {source}\n"
        f"    title: {_q(f'{layout.title} ({file_name})')}\n"
        f"    publisher: {_q(PUBLISHER)}\n"
        f"    url: {URL}\n"
        f"    license: {LICENSE}\n"
        f"    file: {_q(file_name)}\n"
        f"    size: {size}\n"
        f"    sha256: {sha256}\n"
        # Last and on a line of its own: the only line two imports of one file may differ in.
        f'    imported: "{datetime.date.today().isoformat()}"\n',
    )
    for entity in new:
        subfolder = known.folders.get(entity.kind, entity.kind + "s")
        _write(folder / subfolder / f"{entity.id}.yaml", _entity_yaml(entity, source))


def _entity_yaml(entity: NewEntity, source: str) -> str:
    lines = [f"id: {entity.id}", f"kind: {entity.kind}", f"name: {_q(entity.name)}"]
    if entity.aliases:
        lines.append(f"aliases: [{', '.join(_q(a) for a in entity.aliases)}]")
    facts: list[tuple[str, str, str]] = []  # (property, "text: …" or "entity: …", locator)
    facts += [(CODE_PROPERTY, f"text: {_q(code)}", "Country Code") for code in entity.codes]
    if entity.kind == PROGRAM:
        facts += [("funding_agency", f"entity: {agency}", "Funding Agency Name") for agency in entity.agencies]
    if facts:
        lines.append("facts:")
        for prop, value, locator in facts:
            lines += [
                f"  - property: {prop}",
                f"    {value}",
                "    sources:",
                f"      - {{source: {source}, locator: {_q(locator)}}}",
            ]
    return "\n".join(lines) + "\n"

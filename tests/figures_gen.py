"""Files shaped like ForeignAssistance.gov's two CSV downloads, with the totals an import must find.

`write_funding` and `write_complete` write the same figures in the two layouts (the complete
file splits each figure into several transactions) and return what the pack must then hold:
the sums per (country id, program id, fiscal year, type) and the rows counted by reason.
Every awkward thing the real files do is in them: a byte-order mark, quoted commas, quotes
and newlines, empty and negative amounts, regional and world aggregates, a country the
bundled data lacks, a bad year, a bad amount and a bad country code.

`write_synthetic_complete` writes a large complete-layout file quickly (for the benchmark
and for the import killed midway); its totals are not tracked.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

FUNDING_COLUMNS = [
    "Country ID",
    "Country Code",
    "Country Name",
    "Region ID",
    "Region Name",
    "Income Group ID",
    "Income Group Name",
    "Income Group Acronym",
    "Funding Agency ID",
    "Funding Agency Name",
    "Funding Agency Acronym",
    "Funding Account ID",
    "Funding Account Name",
    "Transaction Type ID",
    "Transaction Type Name",
    "Fiscal Year",
    "current_amount",
    "constant_amount",
]

COMPLETE_COLUMNS = [
    "Country ID",
    "Country Code",
    "Country Name",
    "Region ID",
    "Region Name",
    "Income Group ID",
    "Income Group Name",
    "Income Group Acronym",
    "Managing Agency ID",
    "Managing Agency Acronym",
    "Managing Agency Name",
    "Funding Account ID",
    "Funding Account Name",
    "Funding Agency ID",
    "Funding Agency Name",
    "Funding Agency Acronym",
    "Activity ID",
    "Activity Name",
    "Activity Description",
    "Activity Start Date",
    "Activity End Date",
    "Transaction Type ID",
    "Transaction Type Name",
    "Fiscal Year",
    "Transaction Date",
    "Current Dollar Amount",
    "Constant Dollar Amount",
]

# (code, name, region, income group) and the id the import must give each
PAKISTAN = ("PAK", "Pakistan", "South and Central Asia", "Lower Middle\nIncome Country")  # a newline in a field
EGYPT = ("EGY", "Egypt", "Middle East and North Africa", "Lower Middle Income Country")
KIRIBATI = ("KIR", "Kiribati", "East Asia and Oceania", "Lower Middle Income Country")  # not bundled
KOREA = ("KOR", "Korea, Republic of", "East Asia and Oceania", "High Income Country")  # a comma in a field
IVORY = ("CIV", "Côte d'Ivoire", "Sub-Saharan Africa", "Lower Middle Income Country")  # accents and a quote
WORLD = ("WLD", "World", "World", "")
SCA = ("SCA", "South and Central Asia Region", "South and Central Asia", "")
COUNTRY_IDS = {
    "PAK": "pakistan",
    "EGY": "egypt",
    "KIR": "kiribati",
    "KOR": "korea-republic-of",
    "CIV": "cote-d-ivoire",
    "WLD": "world",
    "SCA": "south-and-central-asia-region",
}
NEW_COUNTRIES = {"kiribati": "KIR", "korea-republic-of": "KOR", "cote-d-ivoire": "CIV"}
NEW_REGIONS = {"world": "WLD", "south-and-central-asia-region": "SCA"}

STATE = ("1", "Department of State", "DOS")
DEFENSE = ("7", "Department of Defense", "DOD")
AGRICULTURE = ("12", "U.S. Department of Agriculture", "USDA")  # not bundled: a new agency
IMET = ("011-1081", "International Military Education and Training", STATE)
FMF = ("011-1082", "Foreign Military Financing Program", STATE)
HEALTH = ("019-1031", "Global Health Programs, State", STATE)  # matches no program; a quoted comma
FOOD = ("012-2278", "Food for Peace Title II", AGRICULTURE)  # no program, no agency bundled
PROGRAM_IDS = {
    IMET[1]: "imet",
    FMF[1]: "foreign-military-financing",
    HEALTH[1]: "global-health-programs-state",
    FOOD[1]: "food-for-peace-title-ii",
}
NEW_PROGRAMS = {
    "global-health-programs-state": "department-of-state",
    "food-for-peace-title-ii": "us-department-of-agriculture",
}
NEW_AGENCIES = {"us-department-of-agriculture": "U.S. Department of Agriculture"}

OBLIGATIONS = ("2", "Obligations")
DISBURSEMENTS = ("3", "Disbursements")
REQUEST = ("10", "President's Budget Request")  # a budget type: slugged


@dataclass(frozen=True)
class Record:
    """One row of the funding file; the complete file splits it into transactions."""

    country: tuple[str, str, str, str]
    account: tuple[str, str, tuple[str, str, str]]
    type: tuple[str, str]
    year: str
    current: str
    constant: str
    skip: str | None = None  # the reason the import must skip it for, if any


def records() -> list[Record]:
    """The figures both layouts hold, in file order."""
    r = Record
    return [
        r(PAKISTAN, IMET, OBLIGATIONS, "2015", "4873000", "5000123.45"),
        r(PAKISTAN, IMET, DISBURSEMENTS, "2015", "4500000.10", "4600000.20"),
        r(PAKISTAN, IMET, OBLIGATIONS, "2016", "4800000.5", "4700000"),
        r(PAKISTAN, FMF, OBLIGATIONS, "2015", "280000000", "290000000"),
        r(PAKISTAN, FMF, OBLIGATIONS, "2015", "-1250000.25", "-1300000.75"),  # a de-obligation nets out
        r(PAKISTAN, FMF, OBLIGATIONS, "2016", "0.1", ""),  # 0.1 + 0.2 must be 0.30, not 0.30000000000000004
        r(PAKISTAN, FMF, OBLIGATIONS, "2016", "0.2", ""),  # no constant dollars for every row: left empty
        r(PAKISTAN, FMF, DISBURSEMENTS, "2016", "", "100"),  # empty amount: skipped
        r(PAKISTAN, HEALTH, OBLIGATIONS, "2017", "1500000", "1400000"),
        r(PAKISTAN, IMET, REQUEST, "2017", "5000000", "4900000"),
        r(EGYPT, FMF, OBLIGATIONS, "2015", "1300000000", "1350000000.99"),
        r(EGYPT, FMF, OBLIGATIONS, "2015", "1", "1"),
        r(EGYPT, FMF, OBLIGATIONS, "2015", "2", "2"),
        r(EGYPT, FMF, OBLIGATIONS, "2015", "3", "3"),
        r(EGYPT, FMF, OBLIGATIONS, "2015", "4", "4"),
        r(EGYPT, FMF, OBLIGATIONS, "2015", "5", "5"),  # seven rows on one figure: the locator shortens
        r(EGYPT, IMET, OBLIGATIONS, "2016", "1800000", ""),
        r(EGYPT, IMET, OBLIGATIONS, "20x6", "99", "99", skip="bad fiscal year"),
        r(KIRIBATI, FOOD, OBLIGATIONS, "2018", "250000.75", "240000.5"),
        r(KIRIBATI, FOOD, OBLIGATIONS, "2018", "1.2.3", "4", skip="bad amount"),
        r(KOREA, IMET, OBLIGATIONS, "2014", "50000", "55000"),
        r(IVORY, HEALTH, DISBURSEMENTS, "2019", "7500000", "7000000"),
        r(WORLD, HEALTH, OBLIGATIONS, "2019", "99000000", "95000000"),
        r(SCA, FMF, OBLIGATIONS, "2014", "12000000", "12500000"),
        r(
            ("P@K", "Pakistan", "South and Central Asia", ""),
            IMET,
            OBLIGATIONS,
            "2015",
            "7",
            "7",
            skip="bad country code",
        ),
        r(PAKISTAN, IMET, OBLIGATIONS, "2015", "127000", "130000"),  # a second row on the first figure
    ]


@dataclass
class Expected:
    """What an import of the written file must give."""

    totals: dict[tuple[str, str, int, str], tuple[Decimal, Decimal | None]]
    rows: int  # data rows in the file
    used: int
    skipped: dict[str, int] = field(default_factory=dict)
    bad_rows: dict[int, str] = field(default_factory=dict)  # data row number -> reason
    rows_of: dict[tuple[str, str, int, str], list[int]] = field(default_factory=dict)  # funding file only


def type_slug(name: str) -> str:
    return {"Obligations": "obligations", "Disbursements": "disbursements"}.get(name, "presidents-budget-request")


def expected(rows: list[tuple[Record, int]], *, first_year: int | None = None, last_year: int | None = None,
             accounts: str | None = None) -> Expected:  # fmt: skip
    """The totals of `rows` (each record with its data row number), as the import must sum them."""
    import re

    sums: dict[tuple[str, str, int, str], list] = {}
    result = Expected({}, rows=len(rows), used=0)
    for rec, number in rows:
        reason = rec.skip or ("empty amount" if rec.current == "" else None)
        if reason is None and accounts and not re.search(accounts, rec.account[1], re.IGNORECASE):
            reason = "account not selected"
        if reason is None and (
            (first_year and int(rec.year) < first_year) or (last_year and int(rec.year) > last_year)
        ):
            reason = "fiscal year not selected"
        if reason is not None:
            result.skipped[reason] = result.skipped.get(reason, 0) + 1
            if rec.skip:
                result.bad_rows[number] = reason
            continue
        result.used += 1
        # Records of a test's own may name what the tables here do not: they are keyed as given.
        country, program = (
            COUNTRY_IDS.get(rec.country[0], rec.country[0]),
            PROGRAM_IDS.get(rec.account[1], rec.account[1]),
        )
        key = (country, program, int(rec.year), type_slug(rec.type[1]))
        entry = sums.setdefault(key, [Decimal(0), None])
        entry[0] += Decimal(rec.current)
        if rec.constant != "":
            entry[1] = (entry[1] or Decimal(0)) + Decimal(rec.constant)
        result.rows_of.setdefault(key, []).append(number)
    result.totals = {k: (v[0], v[1]) for k, v in sums.items()}
    return result


def _quote(value: str) -> str:
    if any(ch in value for ch in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _line(values: list[str]) -> str:
    return ",".join(_quote(v) for v in values) + "\r\n"  # the downloads end lines as Excel does


def _common(rec: Record) -> dict[str, str]:
    code, name, region, income = rec.country
    account_id, account_name, (agency_id, agency_name, agency_acronym) = rec.account
    return {
        "Country ID": str(sum(map(ord, code))),
        "Country Code": code,
        "Country Name": name,
        "Region ID": str(len(region)),
        "Region Name": region,
        "Income Group ID": str(len(income)),
        "Income Group Name": income,
        "Income Group Acronym": "".join(w[0] for w in income.split()),
        "Funding Agency ID": agency_id,
        "Funding Agency Name": agency_name,
        "Funding Agency Acronym": agency_acronym,
        "Funding Account ID": account_id,
        "Funding Account Name": account_name,
        "Transaction Type ID": rec.type[0],
        "Transaction Type Name": rec.type[1],
        "Fiscal Year": rec.year,
    }


def write_funding(path: Path, recs: list[Record] | None = None, **filters) -> Expected:
    """The funding layout: one row per record, with a byte-order mark."""
    recs = records() if recs is None else recs
    numbered = []
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write(_line(FUNDING_COLUMNS))
        for number, rec in enumerate(recs, start=1):
            row = {**_common(rec), "current_amount": rec.current, "constant_amount": rec.constant}
            f.write(_line([row[c] for c in FUNDING_COLUMNS]))
            numbered.append((rec, number))
    return expected(numbered, **filters)


def _split(amount: str, parts: int) -> list[str]:
    """`amount` as `parts` transactions that add up to it exactly (the last takes the remainder)."""
    if amount in ("",) or parts == 1:
        return [amount] * parts if amount == "" else [amount]
    try:
        total = Decimal(amount)
    except ArithmeticError:
        return [amount] + ["1"] * (parts - 1)  # a bad amount stays bad in the first transaction
    share = (total / parts).quantize(Decimal("0.01"))
    return [str(share)] * (parts - 1) + [str(total - share * (parts - 1))]


def write_complete(path: Path, recs: list[Record] | None = None, **filters) -> Expected:
    """The complete layout: each record as one to three transactions, with free text that needs quoting."""
    recs = records() if recs is None else recs
    numbered = []
    number = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write(_line(COMPLETE_COLUMNS))
        for k, rec in enumerate(recs):
            parts = 1 if rec.skip or rec.current == "" else 1 + k % 3
            currents = _split(rec.current, parts)
            constants = _split(rec.constant, parts) if rec.constant != "" else [""] * parts
            for part, (current, constant) in enumerate(zip(currents, constants, strict=True)):
                number += 1
                row = {
                    **_common(rec),
                    "Managing Agency ID": rec.account[2][0],
                    "Managing Agency Acronym": rec.account[2][2],
                    "Managing Agency Name": rec.account[2][1],
                    "Activity ID": f"{k}-{part}",
                    "Activity Name": f'Training, "phase {part}"',
                    "Activity Description": "First line of the description,\nand a second line.",
                    "Activity Start Date": f"{rec.year[:4]}-01-01",
                    "Activity End Date": "",
                    "Transaction Date": f"{rec.year[:4]}-03-31",
                    "Current Dollar Amount": current,
                    "Constant Dollar Amount": constant,
                }
                f.write(_line([row[c] for c in COMPLETE_COLUMNS]))
                numbered.append((replace(rec, current=current, constant=constant), number))
    return expected(numbered, **filters)


# -- large synthetic files -----------------------------------------------------------------------

_SYNTH_COUNTRIES = [PAKISTAN, EGYPT, KIRIBATI, KOREA, IVORY, WORLD, SCA] + [
    (f"X{a}{b}", f"Synthland {a}{b}", "Synthetic Region", "Low Income Country")
    for a in "ABCDEFGHIJ"
    for b in "ABCDEFGHIJKLMNOP"
]
_SYNTH_ACCOUNTS = [IMET, FMF, HEALTH, FOOD] + [
    (f"0{n:02d}-{1000 + n}", f"Synthetic Account {n}", DEFENSE if n % 2 else STATE) for n in range(60)
]


def synthetic_rows(seed: int = 12) -> Iterator[dict[str, str]]:
    """Endless complete-layout rows, the same for the same seed."""
    rng = random.Random(seed)
    types = [OBLIGATIONS, DISBURSEMENTS]
    number = 0
    while True:
        # Each country draws on ten accounts over 35 years, as real countries do on a few: about
        # 110,000 figures in all, the order of the real funding file's rows.
        c = rng.randrange(len(_SYNTH_COUNTRIES))
        country = _SYNTH_COUNTRIES[c]
        account = _SYNTH_ACCOUNTS[(c * 7 + rng.randrange(10)) % len(_SYNTH_ACCOUNTS)]
        rec = Record(country, account, rng.choice(types), str(rng.randint(1990, 2024)), "", "")
        number += 1
        cents = rng.randint(-10_000, 5_000_000_00)
        yield {
            **_common(rec),
            "Managing Agency ID": account[2][0],
            "Managing Agency Acronym": account[2][2],
            "Managing Agency Name": account[2][1],
            "Activity ID": str(number),
            "Activity Name": f"Activity {number % 9973}, phase {number % 7}",
            "Activity Description": "Synthetic description" + ("\nsecond line" if number % 5 == 0 else ""),
            "Activity Start Date": "2015-01-01",
            "Activity End Date": "2016-12-31",
            "Transaction Date": "2015-03-31",
            "Current Dollar Amount": f"{cents / 100:.2f}",
            "Constant Dollar Amount": f"{cents * 1.07 / 100:.2f}",
        }


# How a row is spoilt for `write_synthetic_complete(bad=...)`, and the reason the import gives.
SPOILT = {
    "year": ("Fiscal Year", "1976tq", "bad fiscal year"),
    "old year": ("Fiscal Year", "1850", "bad fiscal year"),
    "amount": ("Current Dollar Amount", "12,5x", "bad amount"),
    "code": ("Country Code", "", "bad country code"),
    "short": (None, "", "malformed row"),
}


def write_synthetic_complete(path: Path, size_mb: float, seed: int = 12, bad: dict[int, str] | None = None) -> int:
    """A complete-layout file of about `size_mb` MB; returns its number of data rows.

    `bad` spoils the rows of those numbers (1 = the first data row) in one of the ways of SPOILT.
    """
    target = int(size_mb * 1_000_000)
    bad = bad or {}
    rows = written = 0
    source = synthetic_rows(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write(_line(COMPLETE_COLUMNS))
        while written < target:
            block = []
            for _ in range(2000):
                rows += 1
                row = next(source)
                values = [row[c] for c in COMPLETE_COLUMNS]
                if rows in bad:
                    column, value, _ = SPOILT[bad[rows]]
                    if column is None:
                        values.pop()  # a column short
                    else:
                        values[COMPLETE_COLUMNS.index(column)] = value
                block.append(_line(values))
            text = "".join(block)
            f.write(text)
            written += len(text.encode("utf-8"))
    return rows

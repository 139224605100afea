"""`almanac import foreignassistance`: totals, matching, bad rows, filters, idempotence and atomic replacement.

The files come from tests/figures_gen.py, which knows what each must give.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import figures_gen as gen
import pytest
import yaml

from desktop import cli
from desktop.importers import foreignassistance as fa
from desktop.importers import pack

ROOT = Path(__file__).resolve().parent.parent
HEADER = "country,program,fiscal_year,type,current_usd,constant_usd,locator"


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def figures(out: Path, source: str) -> list[dict[str, str]]:
    text = (out / "figures" / f"{source}.csv").read_bytes().decode("utf-8")
    assert text.startswith(HEADER + "\n")
    assert "\r" not in text and not text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def totals(rows: list[dict[str, str]]) -> dict[tuple[str, str, int, str], tuple[Decimal, Decimal | None]]:
    return {
        (r["country"], r["program"], int(r["fiscal_year"]), r["type"]): (
            Decimal(r["current_usd"]),
            Decimal(r["constant_usd"]) if r["constant_usd"] else None,
        )
        for r in rows
    }


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f"{out.name}."))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, gen.Expected]]:
    folder = tmp_path_factory.mktemp("downloads")
    funding = folder / "us_foreign_aid_funding.csv"
    complete = folder / "us_foreign_aid_complete.csv"
    return {"funding": (funding, gen.write_funding(funding)), "complete": (complete, gen.write_complete(complete))}


@pytest.fixture(scope="module")
def packs(files, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, fa.ImportReport]]:
    """Each file imported once through the API, for the tests that only read the result."""
    done = {}
    for layout, (path, _) in files.items():
        out = tmp_path_factory.mktemp(layout) / "pack"
        done[layout] = (out, fa.run_import(path, out))
    return done


# -- what the pack holds --------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["funding", "complete"])
def test_the_pack_sums_what_the_generator_wrote(layout: str, files, packs):
    expected = files[layout][1]
    out, report = packs[layout]
    assert totals(figures(out, f"foreignassistance-gov-{layout}")) == expected.totals
    assert (report.rows_read, report.rows_used, report.skipped) == (expected.rows, expected.used, expected.skipped)
    assert report.figures == len(expected.totals)
    assert sorted((row, reason) for row, reason, _ in report.bad_rows) == sorted(expected.bad_rows.items())


def test_exact_decimal_sums_and_missing_constant_dollars(packs):
    rows = figures(packs["funding"][0], "foreignassistance-gov-funding")
    tiny = next(
        r
        for r in rows
        if (r["country"], r["program"], r["fiscal_year"]) == ("pakistan", "foreign-military-financing", "2016")
    )
    assert (tiny["current_usd"], tiny["constant_usd"]) == ("0.30", "")  # 0.1 + 0.2, and no constant given
    netted = next(
        r
        for r in rows
        if (r["country"], r["program"], r["fiscal_year"]) == ("pakistan", "foreign-military-financing", "2015")
    )
    assert netted["current_usd"] == "278749999.75"  # the de-obligation nets out
    assert all(len(r["current_usd"].split(".")[1]) == 2 for r in rows)


@pytest.mark.parametrize("layout", ["funding", "complete"])
def test_amounts_of_any_size_are_rounded_to_cents_half_away_from_zero(layout: str, tmp_path: Path):
    # The importer rounds and prints amounts of up to 18 digits one way (64-bit decimals) and
    # larger ones another (128-bit): on either side of the limits the digits must be exact.
    amounts = {  # each country's one figure: the amounts of its rows
        gen.PAKISTAN: ["999999999999.994999", "0.000001"],  # sums to a tie just under 10^12
        gen.EGYPT: ["-0.005"],
        gen.KIRIBATI: ["12345678901234567890.125"],
        gen.KOREA: ["-999999999999.999999", "-0.000001"],  # sums to -10^12: past the 64-bit way
        gen.IVORY: ["9999999999999999.994"],  # cents that still fit in 18 digits
        gen.WORLD: ["9999999999999999.995"],  # cents that no longer do
    }
    recs = [
        gen.Record(country, gen.IMET, gen.OBLIGATIONS, "2015", amount, amount)
        for country, rows in amounts.items()
        for amount in rows
    ]
    path = tmp_path / f"us_foreign_aid_{layout}.csv"
    (gen.write_funding if layout == "funding" else gen.write_complete)(path, recs)
    report = fa.run_import(path, tmp_path / "pack")
    rows = figures(tmp_path / "pack", f"foreignassistance-gov-{layout}")
    cents = [sum(map(Decimal, rows)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for rows in amounts.values()]
    assert sorted(r["current_usd"] for r in rows) == sorted(str(c) for c in cents)
    assert sorted(r["constant_usd"] for r in rows) == sorted(str(c) for c in cents)
    assert report.dollars == {"obligations": sum(cents)}


def test_rows_are_sorted_and_types_are_slugs(packs):
    rows = figures(packs["complete"][0], "foreignassistance-gov-complete")
    keys = [(r["country"], r["program"], r["type"], int(r["fiscal_year"])) for r in rows]
    assert keys == sorted(keys)
    assert {r["type"] for r in rows} == {"obligations", "disbursements", "presidents-budget-request"}


def test_locators_name_the_rows_or_the_grain(files, packs):
    funding = {(r["country"], r["program"], r["fiscal_year"], r["type"]): r["locator"]
               for r in figures(packs["funding"][0], "foreignassistance-gov-funding")}  # fmt: skip
    assert funding[("pakistan", "imet", "2015", "disbursements")] == "row 2"
    assert funding[("pakistan", "imet", "2015", "obligations")] == "rows 1, 26"
    assert funding[("egypt", "foreign-military-financing", "2015", "obligations")] == "rows 11, 12, … (6 rows)"
    complete = {(r["country"], r["program"], r["fiscal_year"], r["type"]): r["locator"]
                for r in figures(packs["complete"][0], "foreignassistance-gov-complete")}  # fmt: skip
    assert complete[("pakistan", "imet", "2015", "obligations")] == "FY2015 · PAK · account 011-1081 · Obligations"
    assert complete[("pakistan", "imet", "2017", "presidents-budget-request")] == (
        "FY2017 · PAK · account 011-1081 · President's Budget Request"
    )


def test_the_source_entry(files, packs):
    out, _ = packs["funding"]
    path = files["funding"][0]
    text = (out / "sources.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[-1].startswith("    imported: ") and text.count("imported") == 1
    (source,) = yaml.safe_load(text)["sources"]
    import hashlib

    assert source["id"] == "foreignassistance-gov-funding"
    assert source["url"] == "https://foreignassistance.gov/data"
    assert source["license"] == "Public domain (US Government work)"
    assert source["publisher"] == "ForeignAssistance.gov (U.S. Department of State and USAID)"
    assert source["title"].endswith("(us_foreign_aid_funding.csv)")
    assert (source["file"], source["size"]) == (path.name, path.stat().st_size)
    assert source["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert yaml.safe_load((packs["complete"][0] / "sources.yaml").read_text())["sources"][0]["id"] == (
        "foreignassistance-gov-complete"
    )


def test_the_digest_is_the_file_s_whoever_finishes_it(tmp_path: Path):
    # Begun on a thread at the lowest priority and finished on another: the handover loses nothing.
    import hashlib

    path = tmp_path / "file.bin"
    path.write_bytes(os.urandom(1 << 20) * 12 + b"tail")
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    for wait in (0.0, 0.002, 0.02):
        digest = fa._Digest(path)
        time.sleep(wait)
        digest.hurry()
        assert digest.result() == expected
    stopped = fa._Digest(path)
    stopped.stop()
    try:
        assert stopped.result() == expected  # it may have finished first
    except RuntimeError as exc:
        assert "stopped" in str(exc)


# -- matching -------------------------------------------------------------------------------------


def entity(out: Path, folder: str, ident: str) -> dict:
    return yaml.safe_load((out / folder / f"{ident}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("layout", ["funding", "complete"])
def test_bundled_countries_and_programs_are_matched(layout: str, packs):
    out, _ = packs[layout]
    rows = figures(out, f"foreignassistance-gov-{layout}")
    assert {"pakistan", "egypt"} <= {r["country"] for r in rows}
    assert {"imet", "foreign-military-financing"} <= {r["program"] for r in rows}
    written = {p.stem for p in out.rglob("*.yaml")}
    assert not written & {"pakistan", "egypt", "imet", "foreign-military-financing", "department-of-state"}
    names = [yaml.safe_load(p.read_text())["name"] for p in out.glob("*/*.yaml")]
    assert "Pakistan" not in names  # never a second Pakistan


def test_aggregates_become_regions_and_unknown_countries_countries(packs):
    out, report = packs["funding"]
    for ident, code in gen.NEW_REGIONS.items():
        region = entity(out, "regions", ident)
        assert region["kind"] == "region"
        assert not (out / "countries" / f"{ident}.yaml").exists()
        (fact,) = region["facts"]
        assert (fact["property"], fact["text"]) == ("iso_3166_alpha3", code)
    for ident, code in gen.NEW_COUNTRIES.items():
        country = entity(out, "countries", ident)
        assert (country["kind"], country["facts"][0]["text"]) == ("country", code)
        assert country["facts"][0]["sources"] == [
            {"source": "foreignassistance-gov-funding", "locator": "Country Code"}
        ]
    assert entity(out, "countries", "cote-d-ivoire")["name"] == "Côte d'Ivoire"
    assert entity(out, "countries", "korea-republic-of")["name"] == "Korea, Republic of"
    assert (report.countries, report.regions) == (5, 2)
    assert sorted(p.stem for p in (out / "countries").iterdir()) == sorted(gen.NEW_COUNTRIES)


def test_unmatched_accounts_become_programs_linked_to_their_agency(packs):
    out, _ = packs["funding"]
    assert sorted(p.stem for p in (out / "programs").iterdir()) == sorted(gen.NEW_PROGRAMS)
    for ident, agency in gen.NEW_PROGRAMS.items():
        (fact,) = entity(out, "programs", ident)["facts"]
        assert (fact["property"], fact["entity"]) == ("funding_agency", agency)
        assert fact["sources"][0]["source"] == "foreignassistance-gov-funding"
    assert sorted(p.stem for p in (out / "agencies").iterdir()) == sorted(gen.NEW_AGENCIES)
    usda = entity(out, "agencies", "us-department-of-agriculture")
    assert (usda["kind"], usda["name"], usda["aliases"]) == ("agency", "U.S. Department of Agriculture", ["USDA"])
    assert not any("summary" in yaml.safe_load(p.read_text()) for p in out.rglob("*.yaml"))


def test_an_id_a_bundled_entity_has_gets_a_suffix(tmp_path: Path):
    # "Congressional Research Service" is a bundled agency; as an account it matches no program.
    research = ("099-0001", "Congressional Research Service", gen.STATE)
    mali = ("MAL", "Mali", "Sub-Saharan Africa", "Low Income")
    recs = [
        gen.Record(gen.PAKISTAN, research, gen.OBLIGATIONS, "2015", "5", "5"),
        gen.Record(mali, gen.IMET, gen.OBLIGATIONS, "2015", "7", "7"),
    ]
    path = tmp_path / "f.csv"
    gen.write_funding(path, recs)
    out = tmp_path / "pack"
    fa.run_import(path, out)
    assert entity(out, "programs", "congressional-research-service-fa")["name"] == "Congressional Research Service"
    # A code the bundled data does not give (Mali is MLI), but the name matches: the bundled Mali.
    assert {r["country"] for r in figures(out, "foreignassistance-gov-funding")} == {"pakistan", "mali"}
    assert not (out / "countries").exists()


def test_almanac_validate_passes_on_the_pack(packs):
    for out, _ in packs.values():
        code, out_text, err = run("validate", out)
        assert code == 0, out_text + err
        assert out_text == ""


# -- the command line -----------------------------------------------------------------------------


def test_the_command_prints_bad_rows_and_one_summary_line(files, tmp_path: Path):
    path, expected = files["funding"]
    code, out, err = run("import", "foreignassistance", path, "--out", tmp_path / "pack")
    assert code == 0, err
    assert out.count("\n") == 1
    assert out.startswith("26 rows read, 22 used, 4 skipped (1 empty amount, 1 bad amount, 1 bad fiscal year, ")
    assert "5 countries, 2 regions, 4 accounts, 6 fiscal years (2014–2019)" in out
    assert "obligations $1,703,150,016.30" in out
    lines = err.splitlines()
    bad = [(18, "bad fiscal year", "20x6"), (20, "bad amount", "1.2.3 / 4"), (25, "bad country code", "P@K")]
    assert lines == [f"almanac: {path.name}: row {row}: {reason} {value!r}, skipped" for row, reason, value in bad]
    assert {row: r for row, r in expected.bad_rows.items()} == {
        18: "bad fiscal year",
        20: "bad amount",
        25: "bad country code",
    }


def test_filters_by_account_and_fiscal_year(files, tmp_path: Path):
    path, _ = files["complete"]
    out = tmp_path / "pack"
    code, summary, err = run(
        "import", "foreignassistance", path, "--out", out, "--accounts", "military", "--from", "2015", "--to", "FY2016"
    )
    assert code == 0, err
    expected = gen.write_complete(tmp_path / "again.csv", accounts="military", first_year=2015, last_year=2016)
    assert totals(figures(out, "foreignassistance-gov-complete")) == expected.totals
    assert {k[1] for k in expected.totals} == {"imet", "foreign-military-financing"}
    assert {k[2] for k in expected.totals} == {2015, 2016}
    assert f"{expected.skipped['account not selected']} account not selected" in summary
    assert f"{expected.skipped['fiscal year not selected']} fiscal year not selected" in summary
    assert not (out / "programs").exists()  # the unmatched accounts were filtered out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--accounts", "("], "is not a regular expression"),
        (["--from", "2016", "--to", "2015"], "--from 2016 is after --to 2015"),
        (["--from", "last year"], "is not a fiscal year"),
        (["--out"], "expected one argument"),
    ],
)
def test_usage_errors_exit_2_in_one_line(files, tmp_path: Path, argv: list[str], message: str):
    code, out, err = run(
        "import",
        "foreignassistance",
        files["funding"][0],
        *(argv if "--out" in argv else ["--out", tmp_path / "p", *argv]),
    )
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err
    assert list(tmp_path.iterdir()) == []


def test_a_missing_file_or_an_unknown_dataset_is_a_usage_error(tmp_path: Path):
    assert run("import", "foreignassistance", tmp_path / "nope.csv", "--out", tmp_path / "p")[0] == 2
    code, _, err = run("import", "usaspending", tmp_path / "nope.csv", "--out", tmp_path / "p")
    assert code == 2 and "invalid choice" in err


def test_a_file_of_neither_layout_names_the_missing_columns_and_writes_nothing(tmp_path: Path):
    path = tmp_path / "other.csv"
    path.write_text("Country Code,Country Name,Fiscal Year,amount\nPAK,Pakistan,2015,12\n", encoding="utf-8")
    out = tmp_path / "pack"
    code, stdout, err = run("import", "foreignassistance", path, "--out", out)
    assert (code, stdout) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith("almanac: other.csv matches neither ForeignAssistance.gov layout: ")
    for column in ("Funding Account Name", "current_amount", "Current Dollar Amount", "Transaction Type Name"):
        assert column in err
    assert "Country Code," not in err  # it has that one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.csv"]


def test_a_folder_that_is_not_an_import_pack_is_refused(files, tmp_path: Path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my own notes")
    code, _, err = run("import", "foreignassistance", files["funding"][0], "--out", out)
    assert code == 1 and err.count("\n") == 1 and "not a pack this importer wrote" in err
    assert (out / "notes.txt").read_text() == "my own notes"
    assert leftovers(out) == []


def test_the_engine_is_not_imported_when_the_program_starts(tmp_path: Path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "desktop", "--help"], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert "desktop" in imported
    assert not imported & {"duckdb", "polars", "pyarrow", "desktop.importers"}
    assert "importers" not in proc.stderr


# -- replacing a pack -----------------------------------------------------------------------------


def test_two_imports_give_the_same_files_but_the_import_date(files, tmp_path: Path, monkeypatch):
    path, _ = files["complete"]
    out = tmp_path / "pack"
    fa.run_import(path, out)
    first = snapshot(out)

    class Tomorrow(fa.datetime.date):
        @classmethod
        def today(cls):
            return fa.datetime.date(2031, 1, 2)

    monkeypatch.setattr(fa.datetime, "date", Tomorrow)
    fa.run_import(path, out)
    second = snapshot(out)
    assert first.keys() == second.keys()
    changed = [name for name in first if first[name] != second[name]]
    assert changed == ["sources.yaml"]
    old, new = (s["sources.yaml"].decode().splitlines() for s in (first, second))
    assert [a for a, b in zip(old, new, strict=True) if a != b] == [old[-1]]
    assert new[-1] == '    imported: "2031-01-02"'
    assert leftovers(out) == []


def test_an_import_that_fails_midway_leaves_the_old_pack(files, tmp_path: Path, monkeypatch):
    out = tmp_path / "pack"
    fa.run_import(files["funding"][0], out)
    before = snapshot(out)

    def broken(*args: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fa, "_entity_yaml", broken)  # the figures are written by then
    with pytest.raises(fa.ImportFailed, match="No space left on device"):
        fa.run_import(files["complete"][0], out)
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_a_cancelled_import_writes_nothing(files, tmp_path: Path):
    out = tmp_path / "pack"
    fa.run_import(files["funding"][0], out)
    before = snapshot(out)
    with pytest.raises(fa.Cancelled):
        fa.run_import(files["complete"][0], out, cancelled=lambda: True)
    assert snapshot(out) == before and leftovers(out) == []
    with pytest.raises(fa.Cancelled):
        fa.run_import(files["complete"][0], tmp_path / "fresh", cancelled=lambda: True)
    assert not (tmp_path / "fresh").exists() and leftovers(tmp_path / "fresh") == []


def test_progress_is_reported_up_to_the_whole_file(files, tmp_path: Path):
    calls: list[tuple[int, int, int]] = []
    path, expected = files["complete"]
    fa.run_import(path, tmp_path / "pack", progress=lambda *a: calls.append(a))
    size = path.stat().st_size
    assert calls and calls[-1] == (expected.rows, size, size)
    assert all(total == size and 0 <= done <= size for _, done, total in calls)


def test_an_import_killed_midway_leaves_the_old_pack_and_the_next_one_cleans_up(files, tmp_path: Path):
    big = tmp_path / "us_foreign_aid_complete.csv"
    gen.write_synthetic_complete(big, size_mb=12)
    out = tmp_path / "pack"
    fa.run_import(files["funding"][0], out)
    before = snapshot(out)
    reading = tmp_path / "reading"
    # The child reports progress once DuckDB is reading, then stalls there until killed.
    code = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from desktop.importers.foreignassistance import run_import
        def progress(rows, done, total):
            Path({str(reading)!r}).write_text(str(done))
            time.sleep(60)
        run_import({str(big)!r}, {str(out)!r}, progress=progress)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 30
        while not reading.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert reading.exists(), "the import never started reading"
        assert any(name.startswith("pack.tmp-") for name in leftovers(out))
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert snapshot(out) == before  # the old pack, whole
    assert leftovers(out)  # what the killed import was building
    fa.run_import(files["complete"][0], out)
    assert leftovers(out) == []
    assert (out / "figures" / "foreignassistance-gov-complete.csv").exists()
    assert not (out / "figures" / "foreignassistance-gov-funding.csv").exists()


def test_a_swap_killed_between_its_two_renames_is_undone_by_the_next_import(files, tmp_path: Path, monkeypatch):
    out = tmp_path / "pack"
    fa.run_import(files["funding"][0], out)
    before = snapshot(out)
    aside = tmp_path / "pack.old-1a2b3c4d"
    os.rename(out, aside)  # where a rename-aside swap killed at that moment leaves things
    pack.clean_leftovers(out, fa.SOURCE_PREFIX)
    assert snapshot(out) == before and leftovers(out) == []
    # And the swap without an atomic exchange (other systems) replaces the pack as well.
    monkeypatch.setattr(pack, "_exchange", lambda a, b: False)
    fa.run_import(files["complete"][0], out)
    assert (out / "figures" / "foreignassistance-gov-complete.csv").exists() and leftovers(out) == []


def test_an_empty_folder_may_be_the_output(files, tmp_path: Path):
    out = tmp_path / "empty"
    out.mkdir()
    fa.run_import(files["funding"][0], out)
    assert (out / "sources.yaml").exists() and leftovers(out) == []


# -- bad rows deep in a large file, numbered ----------------------------------------------------------


def test_bad_rows_deep_in_a_large_file_are_numbered_as_records(tmp_path: Path):
    # Every fifth row holds a quoted newline, so lines and records part ways early; DuckDB reads
    # the file in parallel chunks. Some faults are seen only once grouped (an empty code, a year
    # out of range): the second pass numbers those, moving past the malformed rows before them.
    bad = {7: "short", 1_000: "code", 25_003: "year", 31_337: "amount", 40_000: "old year", 41_234: "short"}
    path = tmp_path / "us_foreign_aid_complete.csv"
    rows = gen.write_synthetic_complete(path, size_mb=15, bad=bad)
    assert rows > 45_000
    report = fa.run_import(path, tmp_path / "pack")
    assert [(row, reason) for row, reason, _ in report.bad_rows] == [
        (row, gen.SPOILT[kind][2]) for row, kind in sorted(bad.items())
    ]
    values = {row: value for row, _, value in report.bad_rows}
    assert (values[1_000], values[25_003], values[40_000]) == ("", "1976tq", "1850")
    assert values[31_337].startswith("12,5x / ")
    assert "Expected Number of Columns" in values[7]
    assert report.rows_read == rows
    assert report.rows_used == rows - len(bad)
    assert report.skipped == {"bad amount": 1, "bad fiscal year": 2, "bad country code": 1, "malformed row": 2}
    code, out, err = run("import", "foreignassistance", path, "--out", tmp_path / "pack")
    assert code == 0 and "2 malformed row" in out
    assert f"almanac: {path.name}: row 40000: bad fiscal year '1850', skipped" in err.splitlines()


def test_the_progress_line_shows_rows_speed_and_time_left():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Terminal()
    line = cli.ProgressLine(err, "us_foreign_aid_complete.csv")
    line.started -= 10
    line(1_234_567, 500_000_000, 2_000_000_000)
    line(1_300_000, 510_000_000, 2_000_000_000)  # within a quarter second: not drawn
    shown = err.getvalue()
    assert shown.startswith("\r") and shown.endswith("\033[K") and shown.count("\r") == 1
    assert "us_foreign_aid_complete.csv:  25% · ~1,234,567 rows · 500 of 2,000 MB · 50.0 MB/s · 30 s left" in shown
    line.clear()
    assert err.getvalue().endswith("\r\033[K")


def test_codes_and_accounts_merged_into_one_figure_are_all_named(tmp_path: Path):
    # Two codes under one name make one new country; two ids of one account make one program.
    kosovo_a = ("XKX", "Kosovo", "Europe and Eurasia", "Upper Middle Income")
    kosovo_b = ("KSV", "Kosovo", "Europe and Eurasia", "Upper Middle Income")
    imet_dod = ("097-1081", "International Military Education and Training", gen.DEFENSE)
    recs = [
        gen.Record(kosovo_a, gen.IMET, gen.OBLIGATIONS, "2015", "10", "11"),
        gen.Record(kosovo_b, imet_dod, gen.OBLIGATIONS, "2015", "5.5", ""),
        gen.Record(gen.PAKISTAN, gen.IMET, gen.OBLIGATIONS, "2015", "1", "1"),
    ]
    path = tmp_path / "us_foreign_aid_complete.csv"
    gen.write_complete(path, recs)
    out = tmp_path / "pack"
    fa.run_import(path, out)
    rows = {(r["country"], r["program"]): r for r in figures(out, "foreignassistance-gov-complete")}
    kosovo = rows[("kosovo", "imet")]
    assert (kosovo["current_usd"], kosovo["constant_usd"]) == ("15.50", "11.00")
    assert kosovo["locator"] == "FY2015 · KSV, XKX · account 011-1081, 097-1081 · Obligations"
    assert rows[("pakistan", "imet")]["locator"] == "FY2015 · PAK · account 011-1081 · Obligations"
    assert [f["text"] for f in entity(out, "countries", "kosovo")["facts"]] == ["KSV", "XKX"]


def test_a_row_that_is_not_utf8_is_skipped_and_named(files, tmp_path: Path):
    raw = files["complete"][0].read_bytes().replace(b"Korea, Republic of", b"Korea, R\xe9public of", 1)
    path = tmp_path / "us_foreign_aid_complete.csv"
    path.write_bytes(raw)
    report = fa.run_import(path, tmp_path / "pack")
    korea = [row for row, reason, _ in report.bad_rows if reason == "malformed row"]
    assert len(korea) == 1 and report.skipped["malformed row"] == 1
    assert report.rows_used == files["complete"][1].used - 1  # that row only

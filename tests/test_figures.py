"""Official figures in a data folder (`figures/<source>.csv`): read, checked row by row, indexed, summed
into series on a page, and kept in step with the entities they name.

The importer that writes such folders is tested in test_import_foreignassistance.py; these tables are
written by hand, so that what the loader accepts is pinned down on its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from datafiles import entity, touch_later, write

from desktop.core import refresh as refreshing
from desktop.core.dates import day_number
from desktop.core.figures import COLUMNS, fiscal_year_bounds, fiscal_year_days
from desktop.core.loader import load
from desktop.core.store import Store
from desktop.ui.page_html import render_page

SOURCE = "test-dataset"
HEADER = ",".join(COLUMNS)


@pytest.fixture
def pack(data_dir: Path) -> Path:
    """The bundled data's setup with a dataset source, two countries, a region and two programs."""
    with (data_dir / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write(f"  - id: {SOURCE}\n    title: A test dataset\n    publisher: Tests\n    license: CC0\n")
    write(data_dir, "countries/freedonia.yaml", entity("freedonia", kind="country"))
    write(data_dir, "countries/sylvania.yaml", entity("sylvania", kind="country"))
    write(data_dir, "regions/world.yaml", entity("world", kind="region"))
    write(data_dir, "programs/drill.yaml", entity("drill", name="Drill Program"))
    write(data_dir, "programs/grant.yaml", entity("grant", name="Grant Program"))
    return data_dir


def table(folder: Path, rows: list[str], name: str = SOURCE) -> Path:
    path = folder / "figures" / f"{name}.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


ROWS = [
    "freedonia,drill,2014,obligations,1000000.00,1100000.00,row 2",
    "freedonia,drill,2015,obligations,2500000.50,2600000.00,row 3",
    "freedonia,drill,2016,obligations,-500000.50,,row 4",  # a de-obligation nets out
    "freedonia,drill,2015,disbursements,900000.00,950000.00,row 5",
    'freedonia,grant,2015,obligations,7000000.00,7100000.00,"rows 6, 7"',
    "sylvania,drill,2015,obligations,300.00,310.00,row 8",
    "world,drill,2015,obligations,99.00,,row 9",
]


def test_a_table_of_figures_loads_with_every_row(pack: Path):
    table(pack, ROWS)
    result = load([pack])
    assert result.problems == []
    assert len(result.figures) == 7
    first = result.figures[0]
    assert (first.country, first.program, first.fiscal_year, first.type) == ("freedonia", "drill", 2014, "obligations")
    assert (first.current, first.constant, first.source, first.locator) == (1e6, 1.1e6, SOURCE, "row 2")
    assert result.figures[2].constant is None
    assert result.figures[4].locator == "rows 6, 7"


def test_a_fiscal_year_runs_from_october_to_september():
    assert fiscal_year_bounds(2015) == ("2014-10-01", "2015-09-30")
    first, last = fiscal_year_days(2015)
    assert last - first == 364 and (first, last) == (day_number("2014-10-01"), day_number("2015-09-30"))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("atlantis,drill,2015,obligations,1.00,,row 2", "country `atlantis` does not exist"),
        ("drill,drill,2015,obligations,1.00,,row 2", "country `drill` is a program, not a country or region"),
        ("freedonia,freedonia,2015,obligations,1.00,,row 2", "program `freedonia` is a country, not a program"),
        ("freedonia,drill,15,obligations,1.00,,row 2", "fiscal year '15' is not a year"),
        ("freedonia,drill,2015,Obligations,1.00,,row 2", "type 'Obligations' is not a lower-case slug"),
        ("freedonia,drill,2015,obligations,1e6,,row 2", "current_usd '1e6' is not an amount"),
        ("freedonia,drill,2015,obligations,,,row 2", "current_usd '' is not an amount"),
        ("freedonia,drill,2015,obligations,1.00,n/a,row 2", "constant_usd 'n/a' is not an amount"),
        ("freedonia,drill,2015,obligations,1.00,,", "the locator must say where in the source"),
        ("freedonia,drill,2015,obligations,1.00", "5 fields where the header has 7"),
    ],
)
def test_a_bad_row_is_reported_at_its_line_and_the_rest_kept(pack: Path, row: str, message: str):
    path = table(pack, [ROWS[0], row, ROWS[1]])
    result = load([pack])
    assert [(p.path, p.line) for p in result.problems] == [(str(path), 3)]
    assert message in result.problems[0].message and result.problems[0].message.startswith("figure left out: ")
    assert [f.fiscal_year for f in result.figures] == [2014, 2015]


def test_a_table_that_is_not_one_is_reported_and_skipped(pack: Path):
    path = pack / "figures" / f"{SOURCE}.csv"
    path.parent.mkdir()
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    (pack / "figures" / "unknown-source.csv").write_text(HEADER + "\n" + ROWS[0] + "\n", encoding="utf-8")
    result = load([pack])
    assert [p.message for p in result.problems] == [  # by file: test-dataset.csv, unknown-source.csv
        f"not a figures table: the header must be {HEADER}",
        "figures cite `unknown-source` (the file's name), which is not in sources.yaml",
    ]
    assert result.figures == []


def test_a_figure_given_twice_keeps_the_first(pack: Path):
    table(pack, [ROWS[0], ROWS[0].replace("1000000.00", "5.00")])
    result = load([pack])
    assert [p.message for p in result.problems] == [
        "a second figure for freedonia · drill · 2014 · obligations: line 2 is kept"
    ]
    assert [f.current for f in result.figures] == [1e6]


def test_a_byte_order_mark_and_windows_line_ends_are_read(pack: Path):
    path = pack / "figures" / f"{SOURCE}.csv"
    path.parent.mkdir()
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join([HEADER, *ROWS]).encode() + b"\r\n")
    result = load([pack])
    assert result.problems == [] and len(result.figures) == 7


def test_the_store_gives_a_countrys_figures_and_its_series(pack: Path, tmp_path: Path):
    table(pack, ROWS)
    store = Store.open([pack], cache_dir=tmp_path / "cache")
    figures = store.figures("freedonia")
    assert [(f.fiscal_year, f.program.id, f.type, f.current) for f in figures] == [
        (2014, "drill", "obligations", 1e6),
        (2015, "drill", "disbursements", 9e5),
        (2015, "drill", "obligations", 2500000.5),
        (2015, "grant", "obligations", 7e6),
        (2016, "drill", "obligations", -500000.5),
    ]
    assert [f.fiscal_year for f in store.figures("freedonia", other="grant")] == [2015]
    assert [f.type for f in store.figures("freedonia", kind="disbursements")] == ["disbursements"]
    assert figures[0].source.id == SOURCE and figures[0].locator == "row 2"
    page = store.page("freedonia")
    summary = [(s.other.id, s.type, s.first_year, s.last_year, s.years, s.total, s.peak_year) for s in page.series]
    assert summary == [
        ("grant", "obligations", 2015, 2015, 1, 7e6, 2015),
        ("drill", "obligations", 2014, 2016, 3, 3e6, 2015),
        ("drill", "disbursements", 2015, 2015, 1, 9e5, 2015),
    ]
    assert SOURCE in [s.id for s in page.sources]
    # From the program's end: its recipients, the region among them.
    recipients = [(s.other.id, s.type, s.total) for s in store.page("drill").series]
    assert ("world", "obligations", 99.0) in recipients and ("sylvania", "obligations", 300.0) in recipients
    html = render_page(page)
    assert '<h2 id="figures">Official figures</h2>' in html and "$7,000,000" in html and "FY2014–FY2016" in html


def test_changing_a_table_or_an_entity_it_names_builds_the_index_again(
    pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(refreshing, "MAX_CHANGED_SHARE", 1.0)  # a tiny folder: any edit could be a refresh
    path = table(pack, ROWS)
    write(pack, "programs/other.yaml", entity("other"))
    cache = tmp_path / "cache"
    Store.open([pack], cache_dir=cache).close()

    path.write_text("\n".join([HEADER, *ROWS[:2]]) + "\n", encoding="utf-8")
    touch_later(path)
    store = Store.open([pack], cache_dir=cache)
    assert store.built and not store.refreshed and len(store.figures("freedonia")) == 2
    store.close()
    # An entity no figure names: refreshed in place.
    write(pack, "programs/other.yaml", entity("other", name="Other Program"))
    touch_later(pack / "programs" / "other.yaml")
    store = Store.open([pack], cache_dir=cache)
    assert store.refreshed
    store.close()
    # An entity that figures name: a full build, which reports the figures that lost their country.
    (pack / "countries" / "freedonia.yaml").unlink()
    store = Store.open([pack], cache_dir=cache)
    assert store.built and not store.refreshed
    assert [p.message for p in store.problems()] == ["figure left out: country `freedonia` does not exist"] * 2
    store.close()


# -- the command line ------------------------------------------------------------------------------


def run(pack: Path, tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    import io

    from desktop import cli

    out, err = io.StringIO(), io.StringIO()
    code = cli.main([*argv, "--no-bundled", "--data", str(pack), "--cache-dir", str(tmp_path / "cache")], out, err)
    return code, out.getvalue(), err.getvalue()


def test_almanac_figures_prints_a_series_with_its_sources(pack: Path, tmp_path: Path):
    import json

    table(pack, ROWS)
    code, out, _ = run(pack, tmp_path, "figures", "freedonia", "--program", "drill", "--type", "obligations", "--json")
    assert code == 0
    items = json.loads(out)
    assert [(i["fiscal_year"], i["amount"], i["dollars"]) for i in items] == [
        (2014, 1e6, "current"),
        (2015, 2500000.5, "current"),
        (2016, -500000.5, "current"),
    ]
    assert set(items[0]) == {"fiscal_year", "country", "program", "type", "amount", "dollars", "sources"}
    assert items[0]["country"] == {"id": "freedonia", "name": "Freedonia"}
    assert items[0]["program"] == {"id": "drill", "name": "Drill Program"}
    assert items[0]["sources"][0]["id"] == SOURCE and items[0]["sources"][0]["locator"] == "row 2"
    code, out, _ = run(pack, tmp_path, "figures", "Freedonia", "--program", "drill", "--dollars", "constant", "--json")
    assert [i["amount"] for i in json.loads(out) if i["type"] == "obligations"] == [1.1e6, 2.6e6, None]
    code, out, _ = run(pack, tmp_path, "figures", "drill", "--csv")
    lines = out.splitlines()
    assert lines[0] == "fiscal_year,country_id,country,program_id,program,type,amount,dollars,source,locator"
    assert "2015,world,World,drill,Drill Program,obligations,99.00,current,test-dataset,row 9" in lines
    code, out, _ = run(pack, tmp_path, "figures", "freedonia", "--program", "grant")
    assert out == "FY2015  Grant Program  Obligations  $7,000,000  [test-dataset, rows 6, 7]\n"
    code, out, err = run(pack, tmp_path, "figures", "sylvania", "--type", "disbursements")
    assert (code, out) == (0, "") and "No official figures for Sylvania" in err
    code, _, err = run(pack, tmp_path, "figures", "atlantis")
    assert code == 1 and "atlantis" in err


def test_show_json_lists_each_figure_as_a_fact_with_its_fiscal_year(pack: Path, tmp_path: Path):
    import json

    table(pack, ROWS)
    code, out, _ = run(pack, tmp_path, "show", "freedonia", "--json", "--as-of", "2015-06")
    assert code == 0
    figures = json.loads(out)["figures"]
    assert len(figures) == 5
    first = figures[0]
    assert (first["property"], first["value"], first["unit"], first["start"], first["end"]) == (
        "obligations", 1e6, "USD", "2013-10-01", "2014-09-30",
    )  # fmt: skip
    assert (first["entity"]["id"], first["fiscal_year"], first["constant_value"]) == ("drill", 2014, 1.1e6)
    assert [f["status"] for f in figures] == ["past", "current", "current", "current", "future"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(2598629558.2, "$2,598,629,558.20"), (1e6, "$1,000,000"), (-500000.5, "-$500,000.50"), (0.1 + 0.2, "$0.30")],
)
def test_dollars_show_their_cents_and_a_minus_before_the_sign(value: float, shown: str):
    from desktop.core.phrases import format_quantity

    assert format_quantity(value, "USD") == shown


def test_validate_counts_the_figures_it_checked(pack: Path, tmp_path: Path):
    table(pack, ROWS)
    code, _, err = run(pack, tmp_path, "validate")
    assert code == 0 and err.startswith("ok: 5 entities, 0 facts, 7 figures in ")

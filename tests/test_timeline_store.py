"""Store.timeline: dated facts oldest first through the time indexes, and its filters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from datafiles import SRC, entity, write

from desktop.core.dates import DateError
from desktop.core.store import Store


def dated(prop: str, when: str, target: str | None = None, text: str | None = None, locator: str = "¶1") -> str:
    """One fact as list-item YAML with `when` already written as YAML keys (e.g. 'date: "2016"')."""
    body = f"  - property: {prop}\n"
    if target:
        body += f"    entity: {target}\n"
    if text:
        body += f'    text: "{text}"\n'
    for line in when.split(";"):
        body += f"    {line.strip()}\n"
    return body + f'    sources:\n      - {{source: {SRC}, locator: "{locator}"}}\n'


@pytest.fixture
def store(data_dir: Path, tmp_path: Path) -> Store:
    write(
        data_dir,
        "programs/alpha.yaml",
        entity("alpha", "program", "Alpha Program")
        + "facts:\n"
        + dated("suspended", 'start: "2018-08"', "ruritania")
        + dated("note", 'date: "1976-06-30"', text="Founded 100% by _law_", locator="¶2")
        + dated("note", 'start: "early 1960s"; end: "1990s"', text="First period")
        + dated("participant", 'end: "2009-01"', "ruritania")
        + dated("note", "", text="Undated"),
    )
    write(
        data_dir,
        "countries/ruritania.yaml",
        entity("ruritania", "country", "Ruritania")
        + "facts:\n"
        + dated("relations_with", 'start: "1947"', "freedonia")
        + dated("note", 'date: "2019-12"', text="Later"),
    )
    write(data_dir, "countries/freedonia.yaml", entity("freedonia", "country", "Freedonia"))
    return Store.open([data_dir], cache_dir=tmp_path / "cache")


def phrases(items) -> list[str]:
    return [i.phrase for i in items]


def test_every_dated_fact_oldest_first(store: Store) -> None:
    items = store.timeline()
    assert [(i.earliest, i.latest) for i in items] == [
        ("1947-01-01", None),
        ("1960-01-01", "1999-12-31"),
        ("1976-06-30", "1976-06-30"),
        (None, "2009-01-31"),  # known only by its end: placed by it
        ("2018-08-01", None),
        ("2019-12-01", "2019-12-31"),
    ]
    assert "Note: Undated" not in phrases(items)


def test_an_item_carries_its_subject_other_end_bounds_and_sources(store: Store) -> None:
    item = next(i for i in store.timeline() if i.property == "suspended")
    assert (item.subject.id, item.subject.kind, item.subject.name) == ("alpha", "program", "Alpha Program")
    assert item.other is not None and item.other.id == "ruritania"
    assert (item.label, item.phrase, item.when) == (
        "Suspended",
        "Suspended Ruritania (since August 2018)",
        "since August 2018",
    )
    assert (item.date, item.start, item.end, item.precision) == (None, "2018-08", None, "month")
    assert [(c.source.id, c.locator) for c in item.sources] == [(SRC, "¶1")]
    assert item.sentence == "Alpha Program: Suspended Ruritania (since August 2018)"


def test_filter_by_entity_takes_its_facts_both_ways(store: Store) -> None:
    items = store.timeline(entity="ruritania")
    assert {(i.subject.id, i.property) for i in items} == {
        ("ruritania", "relations_with"),
        ("ruritania", "note"),
        ("alpha", "suspended"),
        ("alpha", "participant"),
    }
    assert [i.subject.id for i in store.timeline(entity="freedonia")] == ["ruritania"]
    assert store.timeline(entity="nobody") == []


def test_filter_by_kind_of_subject(store: Store) -> None:
    assert {i.subject.id for i in store.timeline(kind="country")} == {"ruritania"}
    assert {i.subject.id for i in store.timeline(kind="program")} == {"alpha"}


def test_filter_by_overlapping_dates(store: Store) -> None:
    assert phrases(store.timeline(start="2019", end="2019")) == [
        "Relations with Freedonia (since 1947)",
        "Suspended Ruritania (since August 2018)",
        "Note: Later (December 2019)",
    ]
    # A period known only by its end overlaps everything before that end.
    assert "Participant Ruritania (until January 2009)" in phrases(store.timeline(end="1950"))
    assert "Participant Ruritania (until January 2009)" not in phrases(store.timeline(start="2009-02"))
    assert phrases(store.timeline(start="1976-06-30", end="1976-06-30")) == [
        "Relations with Freedonia (since 1947)",
        "Note: First period (early 1960s – 1990s)",
        "Note: Founded 100% by _law_ (30 June 1976)",
        "Participant Ruritania (until January 2009)",
    ]
    with pytest.raises(DateError):
        store.timeline(start="soon")


def test_filter_by_text_is_plain_text(store: Store) -> None:
    assert phrases(store.timeline(text="100%")) == ["Note: Founded 100% by _law_ (30 June 1976)"]
    assert phrases(store.timeline(text="_law_")) == ["Note: Founded 100% by _law_ (30 June 1976)"]
    assert store.timeline(text="%") != store.timeline()  # % is a character here, not a wildcard
    assert {i.property for i in store.timeline(text="ruritania")} >= {"suspended", "participant", "relations_with"}
    assert phrases(store.timeline(text="since august")) == ["Suspended Ruritania (since August 2018)"]
    assert store.timeline(text="\udcff") == []  # an undecodable byte from a command line


def test_limit_stops_early_in_order(store: Store) -> None:
    assert store.timeline(limit=2) == store.timeline()[:2]
    assert store.timeline(limit=4)[-1].latest == "2009-01-31"


def test_time_span(store: Store, data_dir: Path, tmp_path: Path) -> None:
    assert store.time_span() == ("1947-01-01", "2019-12-01")
    empty = tmp_path / "empty"
    empty.mkdir()
    for name in ("vocabulary.yaml", "sources.yaml"):
        (empty / name).write_bytes((data_dir / name).read_bytes())
    assert Store.open([empty], cache_dir=tmp_path / "c2").time_span() == (None, None)


def test_the_queries_read_the_time_indexes(store: Store) -> None:
    plans = []
    for sql in (
        "SELECT rid FROM facts f WHERE f.earliest IS NOT NULL ORDER BY f.earliest, f.latest, f.rid",
        "SELECT rid FROM facts f WHERE f.earliest IS NULL AND f.latest IS NOT NULL ORDER BY f.latest, f.rid",
    ):
        plans.append(" ".join(row[-1] for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql)))
    assert "facts_time" in plans[0] and "TEMP B-TREE" not in plans[0]
    assert "facts_until" in plans[1] and "TEMP B-TREE" not in plans[1]


def test_the_bundled_timeline(bundled_store: Store) -> None:
    items = bundled_store.timeline()
    keys = [(i.earliest or i.latest, i.latest or "") for i in items]
    assert keys == sorted(keys)
    assert all(i.sources for i in items)
    pakistan = [i.phrase for i in bundled_store.timeline(entity="pakistan")]
    imet = "International Military Education and Training"
    assert "Participant Pakistan (2001 – August 2018)" in pakistan
    assert "Suspended Pakistan (since August 2018)" in pakistan
    assert all(imet not in p for p in pakistan)  # read from the subject's side: IMET is the subject


def day(y: int, m: int, d: int) -> int:
    return date(y, m, d).toordinal()


def days(item) -> tuple:
    return (item.start_min, item.start_max, item.end_min, item.end_max)


def test_the_index_keeps_the_four_bounds_as_day_numbers(store: Store) -> None:
    by = {i.phrase: i for i in store.timeline()}
    assert days(by["Note: First period (early 1960s – 1990s)"]) == (
        day(1960, 1, 1), day(1963, 12, 31), day(1990, 1, 1), day(1999, 12, 31),
    )  # fmt: skip
    assert days(by["Note: Founded 100% by _law_ (30 June 1976)"]) == (day(1976, 6, 30),) * 4
    assert days(by["Suspended Ruritania (since August 2018)"]) == (day(2018, 8, 1), day(2018, 8, 31), None, None)
    assert days(by["Participant Ruritania (until January 2009)"]) == (None, None, day(2009, 1, 1), day(2009, 1, 31))


def test_a_refresh_writes_the_four_bounds_too(store: Store, data_dir: Path, tmp_path: Path) -> None:
    path = data_dir / "countries/ruritania.yaml"
    text = path.read_text(encoding="utf-8").replace('date: "2019-12"', 'start: "2019"\n    end: "mid 2021"')
    path.write_text(text, encoding="utf-8")
    again = Store.open([data_dir], cache_dir=tmp_path / "cache")
    assert again.refreshed
    later = next(i for i in again.timeline() if i.phrase.startswith("Note: Later"))
    assert days(later) == (day(2019, 1, 1), day(2019, 12, 31), day(2021, 5, 1), day(2021, 8, 31))

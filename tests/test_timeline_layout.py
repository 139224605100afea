"""How the timeline reads the store: a little at a time, and never a word it does not show.

Store.timeline_layout: the lanes and how many rows each takes, from one pass over the marks'
positions. Store.timeline_marks: the marks of the lanes asked for (lane, row, extent in days).
Store.timeline(facts=…): the words of only the marks asked for.
"""

from __future__ import annotations

import itertools
import threading
from datetime import date
from pathlib import Path

import pytest
from datafiles import SRC, entity, write

from desktop.core import timeline as timelines
from desktop.core.store import Store
from desktop.core.timeline import FADE_DAYS, OPEN_END, OPEN_START, POINT, Cancelled


def dated(prop: str, when: str, target: str | None = None, text: str | None = None) -> str:
    body = f"  - property: {prop}\n" + (f"    entity: {target}\n" if target else "")
    body += f'    text: "{text}"\n' if text else ""
    body += "".join(f"    {part.strip()}\n" for part in when.split(";") if part.strip())
    return body + f'    sources:\n      - {{source: {SRC}, locator: "¶1"}}\n'


def day(iso: str) -> float:
    return float(date.fromisoformat(iso).toordinal())


@pytest.fixture
def store(data_dir: Path, tmp_path: Path) -> Store:
    write(
        data_dir,
        "programs/alpha.yaml",
        entity("alpha", "program", "Alpha")
        + "facts:\n"
        + dated("note", 'date: "1976-06-30"', text="Founded")
        + dated("note", 'start: "2010-11"; end: "2015"', text="Second term")
        + dated("suspended", 'date: "1990s"', "ruritania")
        + dated("participant", 'start: "early 1960s"; end: "1990s"', "ruritania")
        + dated("suspended", 'start: "2018-08"', "ruritania")
        + dated("note", 'end: "2009-01"', text="Old arrangement")
        + dated("note", "", text="Undated"),
    )
    write(
        data_dir,
        "countries/ruritania.yaml",
        entity("ruritania", "country", "Ruritania")
        + "facts:\n"
        + dated("note", 'date: "2001-09-11"', text="Attack")
        + dated("relations_with", 'start: "1947"', "freedonia"),
    )
    write(data_dir, "countries/freedonia.yaml", entity("freedonia", "country", "Freedonia"))
    return Store.open([data_dir], cache_dir=tmp_path / "cache")


def all_marks(store: Store, layout: timelines.Layout) -> dict[int, timelines.LaneMarks]:
    return store.timeline_marks(layout, range(len(layout.lanes)))


def by_phrase(store: Store, layout: timelines.Layout) -> dict[str, tuple[timelines.LaneMarks, int]]:
    """Each mark (its lane's marks and its place there) by its fact's phrase (read apart, through Store.timeline)."""
    where = {lane.fact[i]: (lane, i) for lane in all_marks(store, layout).values() for i in range(len(lane))}
    return {item.phrase: where[item.fact] for item in store.timeline()}


def facts_of(store: Store, layout: timelines.Layout) -> list[int]:
    return sorted(f for lane in all_marks(store, layout).values() for f in lane.fact)


def test_every_dated_fact_has_a_mark_and_no_words(store: Store) -> None:
    layout = store.timeline_layout()
    assert layout.placed == layout.total == len(store.timeline()) == 8
    assert sum(lane.count for lane in layout.lanes) == 8
    assert facts_of(store, layout) == sorted(i.fact for i in store.timeline())
    held = repr(vars(layout)) + repr([vars(m) for m in all_marks(store, layout).values()])
    assert "Founded" not in held and "Suspended" not in held  # the words come apart, for the marks shown


def test_extents_in_days(store: Store) -> None:
    layout = store.timeline_layout()
    at = by_phrase(store, layout)

    def extent(phrase: str) -> tuple[float, float, float, float, int]:
        lane, i = at[phrase]
        return lane.x0[i], lane.x1[i], lane.s0[i], lane.s1[i], lane.flags[i]

    assert extent("Note: Founded (30 June 1976)") == (
        day("1976-06-30"), day("1976-07-01"), day("1976-06-30"), day("1976-07-01"), POINT,
    )  # fmt: skip
    assert extent("Note: Second term (November 2010 – 2015)") == (
        day("2010-11-01"), day("2016-01-01"), day("2010-12-01"), day("2015-01-01"), 0,
    )  # fmt: skip
    # May have begun from 1960, surely by 1964; surely until 1990, at most to the end of 1999.
    assert extent("Participant Ruritania (early 1960s – 1990s)") == (
        day("1960-01-01"), day("2000-01-01"), day("1964-01-01"), day("1990-01-01"), 0,
    )  # fmt: skip
    # Ongoing: solid up to the latest day any mark starts or ends on, then fading out.
    assert (layout.first, layout.last) == (day("1947-01-01"), day("2018-08-01"))
    assert extent("Suspended Ruritania (since August 2018)") == (
        day("2018-08-01"), day("2018-09-01") + FADE_DAYS, day("2018-09-01"), day("2018-09-01"), OPEN_END,
    )  # fmt: skip
    assert extent("Note: Old arrangement (until January 2009)") == (
        day("2009-01-01") - FADE_DAYS, day("2009-02-01"), day("2009-01-01"), day("2009-01-01"), OPEN_START,
    )  # fmt: skip


def test_lanes_by_entity_in_order_of_their_first_mark(store: Store) -> None:
    layout = store.timeline_layout()
    assert [(lane.key, lane.name, lane.count) for lane in layout.lanes] == [
        ("ruritania", "Ruritania", 2),
        ("alpha", "Alpha", 6),
    ]
    assert layout.lane_of("alpha") == 1 and layout.lane_of("freedonia") is None
    kinds = [k for k, _ in layout.kinds]
    assert [kinds[lane.kind] for lane in layout.lanes] == ["country", "program"]
    at = by_phrase(store, layout)
    lane, i = at["Suspended Ruritania (since August 2018)"]
    assert (lane.index, lane.subject[i], lane.other[i]) == (1, "alpha", "ruritania")
    lane, i = at["Note: Founded (30 June 1976)"]
    assert (lane.index, lane.other[i]) == (1, None)


def test_lanes_by_kind_in_the_vocabularys_order(store: Store) -> None:
    layout = store.timeline_layout(lanes_by="kind")
    assert [(lane.key, lane.name, lane.count) for lane in layout.lanes] == [
        ("program", "Programs", 6),
        ("country", "Countries", 2),
    ]
    marks = all_marks(store, layout)
    assert set(marks[0].subject) == {"alpha"} and set(marks[1].subject) == {"ruritania"}


def test_marks_in_a_row_never_overlap_and_fill_the_rows_the_layout_gave(store: Store) -> None:
    for lanes_by in ("entity", "kind"):
        layout = store.timeline_layout(lanes_by=lanes_by)
        for index, marks in all_marks(store, layout).items():
            assert marks.index == index and len(marks) == layout.lanes[index].count
            assert max(marks.row) + 1 == layout.lanes[index].rows
            for row in range(layout.lanes[index].rows):
                in_row = list(marks.row_marks(row))
                assert in_row and all(marks.row[i] == row for i in in_row)
                for a, b in itertools.pairwise(in_row):
                    assert marks.x1[a] < marks.x0[b] and marks.next_in_row(a) == b
                assert marks.next_in_row(in_row[-1]) is None


def test_a_lane_takes_as_many_rows_as_marks_overlap_at_once(data_dir: Path, tmp_path: Path) -> None:
    years = [(1950 + n % 40, 1950 + n % 40 + n % 7) for n in range(300)]
    facts = "".join(dated("note", f'start: "{a}"; end: "{b}"', text=f"n{n}") for n, (a, b) in enumerate(years))
    write(data_dir, "programs/busy.yaml", entity("busy", "program", "Busy") + "facts:\n" + facts)
    again = Store.open([data_dir], cache_dir=tmp_path / "c")
    layout = again.timeline_layout()
    # A row holds a mark only once the one before it has ended: touching spans take two rows.
    deepest = max(sum(a <= y <= b + 1 for a, b in years) for y in range(1950, 2000))
    assert layout.lanes[0].rows == deepest
    assert max(again.timeline_marks(layout, [0])[0].row) + 1 == deepest


def test_filters_choose_the_same_facts_as_store_timeline(store: Store) -> None:
    for filters in ({"entity": "ruritania"}, {"kind": "country"}, {"text": "ruritania"}, {"text": "2009"}, {}):
        layout = store.timeline_layout(**filters)
        assert facts_of(store, layout) == sorted(i.fact for i in store.timeline(**filters)), filters
    assert len(store.timeline_layout(text="\udcff").lanes) == 0


def test_a_limit_keeps_the_oldest_and_says_how_many_matched(store: Store) -> None:
    layout = store.timeline_layout(limit=3)
    assert (layout.placed, layout.total, sum(lane.count for lane in layout.lanes)) == (3, 8, 3)
    shown = facts_of(store, layout)
    assert len(shown) == 3
    everything = all_marks(store, store.timeline_layout())
    starts = {f: lane.x0[i] for lane in everything.values() for i, f in enumerate(lane.fact)}
    assert max(starts[f] for f in shown) <= min(x for f, x in starts.items() if f not in shown)


def test_a_layout_stops_when_asked(store: Store) -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        store.timeline_layout(stop=stop.is_set)
    with pytest.raises(Cancelled):
        store.timeline_marks(store.timeline_layout(), [0, 1], stop=stop.is_set)


def test_a_lanes_marks_are_read_by_that_lane_alone(store: Store) -> None:
    layout = store.timeline_layout(text="ruritania")  # the layout's filters hold for its lanes' marks
    marks = store.timeline_marks(layout, [layout.lane_of("alpha")])
    assert list(marks) == [layout.lane_of("alpha")]
    expected = {i.fact for i in store.timeline(text="ruritania") if i.subject.id == "alpha"}
    assert set(marks[layout.lane_of("alpha")].fact) == expected
    assert store.timeline_marks(layout, []) == {}


def test_the_text_of_only_the_facts_asked_for(store: Store) -> None:
    everything = store.timeline()
    wanted = [everything[5].fact, everything[1].fact, everything[3].fact]
    got = store.timeline(facts=wanted)
    assert [i.fact for i in got] == [everything[1].fact, everything[3].fact, everything[5].fact]  # in time order
    assert got == [everything[1], everything[3], everything[5]]
    assert store.timeline(facts=wanted, limit=2) == [everything[1], everything[3]]
    assert store.timeline(facts=[]) == []
    many = [i.fact for i in everything] * 400  # more than one statement's worth of ids
    assert store.timeline(facts=many) == everything


def test_the_bundled_layout(bundled_store: Store) -> None:
    for lanes_by in ("entity", "kind"):
        layout = bundled_store.timeline_layout(lanes_by=lanes_by)
        assert layout.placed == len(bundled_store.timeline())
        assert facts_of(bundled_store, layout) == sorted(i.fact for i in bundled_store.timeline())

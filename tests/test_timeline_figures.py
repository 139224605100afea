"""Official figures on the timeline: each series (a country and a program) is one lane with one mark.

A series spans its first fiscal year's first day to its last's last day, carries its totals and its
dataset in its words, and is painted as a strip of its yearly amounts; its thousands of figures
never become thousands of marks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from datafiles import SRC, entity, write
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor

from desktop.core import timeline_series as series
from desktop.core.dates import day_number
from desktop.core.figures import COLUMNS
from desktop.core.store import Store
from desktop.ui.timeline_panel import TimelinePanel

SOURCE = "test-dataset"
LEFT = Qt.MouseButton.LeftButton
FIRST_FY, LAST_FY = 1990, 2019  # thirty years of Drill Program obligations for Freedonia


def figure_rows() -> list[str]:
    rows = []
    for year in range(FIRST_FY, LAST_FY + 1):  # rising to a peak in FY2010, then falling
        amount = 1_000_000 * (21 - abs(2010 - year))
        rows.append(f"freedonia,drill,{year},obligations,{amount}.00,,row {year - FIRST_FY + 2}")
        rows.append(f"freedonia,drill,{year},disbursements,{amount // 2}.00,,row {year - FIRST_FY + 100}")
    rows.append("freedonia,grant,2015,obligations,7000000.00,,row 200")
    rows.append("sylvania,drill,2001,obligations,300.00,,row 201")
    return rows


@pytest.fixture
def store(data_dir: Path, tmp_path: Path) -> Store:
    with (data_dir / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write(f"  - id: {SOURCE}\n    title: A test dataset\n    publisher: Tests\n    license: CC0\n")
    write(
        data_dir,
        "countries/freedonia.yaml",
        entity("freedonia", "country", "Freedonia")
        + 'facts:\n  - property: note\n    text: Independence\n    date: "1975-06-01"\n'
        + f'    sources:\n      - {{source: {SRC}, locator: "¶1"}}\n',
    )
    write(data_dir, "countries/sylvania.yaml", entity("sylvania", "country", "Sylvania"))
    write(data_dir, "programs/drill.yaml", entity("drill", "program", "Drill Program"))
    write(data_dir, "programs/grant.yaml", entity("grant", "program", "Grant Program"))
    (data_dir / "figures").mkdir()
    (data_dir / "figures" / f"{SOURCE}.csv").write_text(
        "\n".join([",".join(COLUMNS), *figure_rows()]) + "\n", encoding="utf-8"
    )
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    assert store.problems() == []
    return store


def series_lanes(layout) -> list[tuple[str, str, int, int]]:
    return [(lane.key, lane.name, lane.rows, lane.count) for lane in layout.lanes if series.is_series_lane(lane.key)]


def test_a_series_is_one_lane_with_one_mark_not_a_mark_per_figure(store: Store) -> None:
    layout = store.timeline_layout()
    assert series_lanes(layout) == [
        ("figures:freedonia:drill", "Freedonia · Drill Program", 1, 1),
        ("figures:sylvania:drill", "Sylvania · Drill Program", 1, 1),
        ("figures:freedonia:grant", "Freedonia · Grant Program", 1, 1),
    ]  # in order of their first year, after the facts' lanes
    assert layout.lanes[0].key == "freedonia"
    assert (layout.placed, layout.total, layout.series) == (1, 1, 3)  # one fact, three series: not 63 figures
    marks = store.timeline_marks(layout, range(len(layout.lanes)))
    drill = marks[layout.lane_of("figures:freedonia:drill")]
    assert len(drill) == 1 and drill.fact[0] < 0
    assert (drill.x0[0], drill.x1[0]) == (day_number("1989-10-01"), day_number("2019-09-30") + 1)
    assert (drill.s0[0], drill.s1[0]) == (day_number("1989-10-01") + 1, day_number("2019-09-30"))  # as a fact's
    assert (drill.subject[0], drill.other[0], drill.flags[0]) == ("freedonia", "drill", 0)
    assert layout.last == day_number("2019-09-30") + 1  # the series widen the timeline's extent


def test_by_kind_every_series_shares_one_lane(store: Store) -> None:
    layout = store.timeline_layout(lanes_by="kind")
    assert [lane.name for lane in layout.lanes] == ["Countries", "Official figures"]
    lane = layout.lane_of(series.PREFIX)
    assert (layout.lanes[lane].count, layout.lanes[lane].rows) == (3, 2)  # Freedonia's two overlap
    marks = store.timeline_marks(layout, [lane])[lane]
    assert sorted(marks.subject) == ["freedonia", "freedonia", "sylvania"]
    assert max(marks.row) + 1 == 2


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"entity": "freedonia"}, ["figures:freedonia:drill", "figures:freedonia:grant"]),
        ({"entity": "drill"}, ["figures:freedonia:drill", "figures:sylvania:drill"]),
        ({"kind": "program"}, []),  # a series' subject is its country, as a fact's is
        ({"kind": "country"}, ["figures:freedonia:drill", "figures:sylvania:drill", "figures:freedonia:grant"]),
        ({"text": "grant"}, ["figures:freedonia:grant"]),
        ({"text": "sylvan"}, ["figures:sylvania:drill"]),
        ({"text": "official fig"}, ["figures:freedonia:drill", "figures:sylvania:drill", "figures:freedonia:grant"]),
        ({"text": "independence"}, []),
    ],
)
def test_the_timelines_filters_choose_series_too(store: Store, filters: dict, expected: list[str]) -> None:
    layout = store.timeline_layout(**filters)
    assert [key for key, *_ in series_lanes(layout)] == expected
    marks = store.timeline_marks(layout, range(len(layout.lanes)))
    ids = [f for lane in marks.values() for f in lane.fact if f < 0]
    assert len(ids) == len(expected)
    assert len(store.timeline(facts=ids, **filters)) == len(expected)  # the words obey the same filters


def test_a_series_words_give_totals_peak_years_and_the_dataset(store: Store) -> None:
    layout = store.timeline_layout(entity="freedonia")
    lane = layout.lane_of("figures:freedonia:drill")
    fact = store.timeline_marks(layout, [lane])[lane].fact[0]
    (item,) = store.timeline(facts=[fact])
    total = sum(1_000_000 * (21 - abs(2010 - y)) for y in range(FIRST_FY, LAST_FY + 1))
    assert item.phrase == (
        f"Drill Program: obligations ${total:,} (peak FY2010: $21,000,000); "
        f"disbursements ${total // 2:,} (peak FY2010: $10,500,000), FY1990–FY2019"
    )
    assert (item.subject.id, item.other.id, item.label, item.when) == (
        "freedonia", "drill", "Official figures", "FY1990–FY2019",
    )  # fmt: skip
    assert (item.earliest, item.latest, item.start, item.end) == ("1989-10-01", "2019-09-30") * 2
    assert [(c.source.id, c.locator) for c in item.sources] == [(SOURCE, "60 figures, FY1990–FY2019")]
    assert item.amounts_type == "obligations" and len(item.amounts) == 30
    assert item.amounts[0] == (1990, 1_000_000.0) and max(item.amounts, key=lambda a: a[1]) == (2010, 21e6)


def test_words_of_facts_and_series_together_in_time_order(store: Store) -> None:
    layout = store.timeline_layout()
    marks = store.timeline_marks(layout, range(len(layout.lanes)))
    ids = [f for lane in marks.values() for f in lane.fact]
    items = store.timeline(facts=ids)
    assert [i.when for i in items] == ["1 June 1975", "FY1990–FY2019", "FY2001", "FY2015"]
    assert store.timeline(facts=ids, limit=2) == items[:2]
    assert [i.when for i in store.timeline(facts=ids, start="2016", end="2018")] == ["FY1990–FY2019"]
    assert store.timeline(facts=[-(10**9)]) == []  # a series gone since the layout: no words, no error
    assert store.timeline() == [i for i in items if i.fact > 0]  # the list of dated facts holds facts alone


def test_a_store_without_figures_has_no_series_lanes(bundled_store: Store) -> None:
    for lanes_by in ("entity", "kind"):
        assert series_lanes(bundled_store.timeline_layout(lanes_by=lanes_by)) == []


# -- in the window ----------------------------------------------------------------------------------


@pytest.fixture
def panel(qtbot, store: Store) -> TimelinePanel:
    panel = TimelinePanel(store)
    qtbot.addWidget(panel)
    panel.resize(1000, 500)
    with qtbot.waitExposed(panel):
        panel.show()
    settle(qtbot, panel)
    panel.view.fit_all()
    settle(qtbot, panel)
    return panel


def settle(qtbot, panel: TimelinePanel) -> None:
    qtbot.waitUntil(lambda: not panel.busy(), timeout=10_000)


def series_mark(panel: TimelinePanel, key: str):
    lane = panel.scene.layout.lane_of(key)
    return next(m for m in panel.scene.marks if m.marks.index == lane)


def test_the_count_names_the_series(panel: TimelinePanel) -> None:
    assert panel.count_label.text() == "1 dated fact, 3 series of official figures"


def test_hovering_a_series_shows_its_totals_and_source(panel: TimelinePanel) -> None:
    view = panel.view
    text = view.tooltip_at(view.mark_pos(series_mark(panel, "figures:freedonia:drill")))
    assert "<b>Freedonia</b>: Drill Program: obligations $" in text
    assert "Date: FY1990–FY2019" in text and "1989-10-01 – 2019-09-30" in text
    assert "Source: A test dataset 60 figures, FY1990–FY2019" in text


def test_a_series_label_does_not_repeat_what_its_lane_says(qtbot, panel: TimelinePanel) -> None:
    mark = series_mark(panel, "figures:freedonia:drill")
    assert panel.scene.label(mark.marks, mark.i)[0].startswith("obligations $")
    with qtbot.waitSignal(panel.reloaded):  # one lane for every series: each label names its own
        panel.lanes_box.setCurrentIndex(panel.lanes_box.findData("kind"))
    panel.view.fit_all()
    settle(qtbot, panel)
    labels = {panel.scene.label(m.marks, m.i)[0] for m in panel.scene.marks if m.fact < 0}
    assert "Sylvania: Drill Program: obligations $300, FY2001" in labels


def test_clicking_a_series_opens_its_program_or_from_the_program_its_country(qtbot, panel: TimelinePanel) -> None:
    view = panel.view
    with qtbot.waitSignal(panel.entityActivated) as got:
        qtbot.mouseClick(view.viewport(), LEFT, pos=view.mark_pos(series_mark(panel, "figures:freedonia:drill")))
    assert got.args == ["drill"]
    panel.set_current_entity("drill")
    settle(qtbot, panel)
    with qtbot.waitSignal(panel.entityActivated) as got:
        qtbot.mouseClick(view.viewport(), LEFT, pos=view.mark_pos(series_mark(panel, "figures:freedonia:drill")))
    assert got.args == ["freedonia"]


def test_a_series_is_painted_as_a_strip_of_its_yearly_amounts(panel: TimelinePanel) -> None:
    """Its peak year is drawn stronger than its first: the strip tells the years apart."""
    view = panel.view
    mark = series_mark(panel, "figures:freedonia:drill")
    image = view.viewport().grab().toImage()
    y = round(view.viewportTransform().map(QPointF(0, mark.y + 3 + 4.5)).y())

    def at(iso: str) -> QColor:
        x = view.viewportTransform().map(QPointF(day_number(iso), 0)).x()
        return QColor(image.pixel(round(x), y))

    background = view.palette().color(view.palette().ColorRole.Base)
    peak, first = at("2010-04-01"), at("1990-04-01")  # the middles of FY2010 and FY1990

    def distance(c: QColor) -> int:
        return abs(c.red() - background.red()) + abs(c.green() - background.green()) + abs(c.blue() - background.blue())

    assert distance(peak) > distance(first) > 0

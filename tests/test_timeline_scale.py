"""The timeline at scale: it asks the store only for what is in view, never on the GUI thread, and
draws only the newest answer. Timings are the benchmark's business (tests/benchmarks/bench.py);
these tests check the structure that makes them what they are.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from datafiles import SRC, entity, write
from ui_support import bundled_args, open_window

from desktop.core.store import Store
from desktop.models.tasks import Tasks
from desktop.ui import timeline_panel
from desktop.ui.time_controls import TimeControls
from desktop.ui.timeline_panel import DETAILS_LIMIT, TimelinePanel

BENCHMARKS = Path(__file__).resolve().parent / "benchmarks"


def load_script(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder of 300 synthetic entities: some 2,000 dated facts in 300 lanes."""
    folder = tmp_path_factory.mktemp("many") / "data"
    load_script("make_synthetic").make(300, folder, pack_size=100)
    return folder


@pytest.fixture
def store(many: Path, tmp_path: Path) -> Store:
    return Store.open([many], cache_dir=tmp_path / "cache")


class Spy:
    """Records every call of some Store methods: on which thread, with what."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, store: Store, *names: str) -> None:
        self.calls: list[tuple[str, bool, tuple, dict]] = []
        for name in names:
            real = getattr(store, name)

            def recorded(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
                on_gui = threading.current_thread() is threading.main_thread()
                self.calls.append((_name, on_gui, args, kwargs))
                return _real(*args, **kwargs)

            monkeypatch.setattr(store, name, recorded)

    def of(self, name: str) -> list[tuple[bool, tuple, dict]]:
        return [(gui, args, kwargs) for n, gui, args, kwargs in self.calls if n == name]


def opened(qtbot: Any, store: Store, size: tuple[int, int] = (900, 300), **kwargs: Any) -> TimelinePanel:
    panel = TimelinePanel(store, **kwargs)
    qtbot.addWidget(panel)
    panel.resize(*size)
    with qtbot.waitExposed(panel):
        panel.show()
    settle(qtbot, panel)
    return panel


def settle(qtbot: Any, panel: TimelinePanel) -> None:
    qtbot.waitUntil(lambda: not panel.busy(), timeout=10_000)


def lanes_meeting(panel: TimelinePanel) -> set[int]:
    rect = panel.wanted_rect()
    return {lane.index for lane in panel.scene.lanes_between(rect.top(), rect.bottom())}


def test_the_scene_holds_no_graphics_item_per_mark(qtbot, store: Store) -> None:
    panel = opened(qtbot, store)
    assert panel.scene.count > 1000 and len(panel.view.visible_labels()) > 0
    assert panel.scene.items() == []  # marks and labels are painted from plain data


def test_the_store_is_asked_only_for_what_is_in_view(qtbot, monkeypatch, store: Store) -> None:
    spy = Spy(monkeypatch, store, "timeline", "timeline_marks", "timeline_layout")
    panel = opened(qtbot, store)
    lanes = panel.scene.lanes
    assert len(lanes) == 300
    # The layout: once, with a limit.
    [(_, _, kwargs)] = spy.of("timeline_layout")
    assert kwargs.get("limit") is not None
    # The lanes' marks: only of lanes in (and around) the view, a few of the 300.
    asked = {n for _, args, _ in spy.of("timeline_marks") for n in args[1]}
    assert asked and asked <= lanes_meeting(panel) and len(asked) < 40
    assert set(panel.scene.loaded) == asked
    # The words: never the whole timeline, only marks of those lanes, at most a limit at a time.
    facts_asked = set()
    for _, _args, kwargs in spy.of("timeline"):
        assert kwargs.get("facts") is not None and 0 < len(kwargs["facts"]) <= kwargs["limit"] <= DETAILS_LIMIT
        facts_asked.update(kwargs["facts"])
    shown = {f for n in asked for f in panel.scene.loaded[n].fact}
    assert facts_asked and facts_asked <= shown


def test_scrolling_reads_the_lanes_that_come_into_view(qtbot, monkeypatch, store: Store) -> None:
    panel = opened(qtbot, store)
    spy = Spy(monkeypatch, store, "timeline", "timeline_marks")
    bar = panel.view.verticalScrollBar()
    bar.setValue(bar.maximum())
    settle(qtbot, panel)
    last = panel.scene.lanes[-1].index
    assert last in panel.scene.loaded and any(last in args[1] for _, args, _ in spy.of("timeline_marks"))
    labels = panel.view.visible_labels()
    assert labels and all(m.item is not None for m, _ in labels)
    mark = labels[-1][0]
    assert panel.view.tooltip_at(panel.view.mark_pos(mark)).count(mark.item.phrase.split(" (")[0]) == 1


def test_an_entity_with_no_lane_of_its_own_is_found_where_it_is_linked_to(
    qtbot, data_dir: Path, tmp_path: Path
) -> None:
    cite = f'    sources:\n      - {{source: {SRC}, locator: "¶1"}}\n'
    for n in range(60):
        what = "property: participant\n    entity: target" if n == 59 else f'property: note\n    text: "n{n}"'
        body = f'facts:\n  - {what}\n    date: "{1950 + n}"\n{cite}'
        write(data_dir, f"programs/p{n:02d}.yaml", entity(f"p{n:02d}", "program", f"P {n:02d}") + body)
    write(data_dir, "countries/target.yaml", entity("target", "country", "Target"))
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    panel = opened(qtbot, store)
    last = panel.scene.lanes[-1]
    assert last.key == "p59" and last.index not in panel.scene.loaded  # far below the first screen
    panel.set_current_entity("target")
    settle(qtbot, panel)
    shown = panel.view.visible_scene_rect()
    assert shown.top() <= last.top <= shown.bottom()
    assert any(m.emphasis and m.other == "target" for m in panel.scene.marks)


def test_typing_in_the_filter_reads_nothing_on_the_gui_thread(qtbot, monkeypatch, store: Store) -> None:
    panel = opened(qtbot, store)
    spy = Spy(monkeypatch, store, "timeline", "timeline_marks", "timeline_layout", "kinds")
    calls_on_gui: list[str] = []
    real_conn = Store.conn

    def conn(self: Store) -> Any:
        if threading.current_thread() is threading.main_thread():
            calls_on_gui.append("conn")
        return real_conn.fget(self)

    monkeypatch.setattr(Store, "conn", property(conn))
    with qtbot.waitSignal(panel.reloaded, timeout=10_000):
        qtbot.keyClicks(panel.text_box, "training")
    settle(qtbot, panel)
    assert spy.of("timeline_layout") and spy.of("timeline")
    assert not any(gui for _, gui, _, _ in spy.calls)
    assert calls_on_gui == []  # not a single SQL statement on the GUI thread
    assert 0 < panel.scene.count < 1000
    assert panel.count_label.text() == f"{panel.scene.count:,} dated facts"


def test_only_the_newest_answer_is_drawn(qtbot, monkeypatch, data_dir: Path, tmp_path: Path) -> None:
    facts = "".join(
        f'  - property: note\n    text: "{word}"\n    date: "{1990 + n}"\n'
        f'    sources:\n      - {{source: {SRC}, locator: "¶1"}}\n'
        for n, word in enumerate(["alpha", "beta", "gamma"])
    )
    write(data_dir, "programs/p.yaml", entity("p", "program", "P") + "facts:\n" + facts)
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    gate = threading.Event()
    asked: list[str | None] = []
    real = store.timeline_layout

    def slow(entity: Any = None, kind: Any = None, text: Any = None, *args: Any, **kwargs: Any) -> Any:
        asked.append(text)
        if len(asked) == 1:
            gate.wait(5)  # the first read is still going when a newer one is asked for
        return real(entity, kind, text, *args, **kwargs)

    monkeypatch.setattr(store, "timeline_layout", slow)
    shown: list[int] = []
    panel = TimelinePanel(store)
    qtbot.addWidget(panel)
    panel.reloaded.connect(shown.append)
    qtbot.waitUntil(lambda: len(asked) == 1)
    panel.text_box.setText("gamma")
    panel.reload()
    gate.set()
    settle(qtbot, panel)
    assert asked[0] is None and asked[-1] == "gamma"
    assert shown == [1]  # the answer for every fact was never drawn
    assert [m.item.phrase for m in panel.scene.marks] == ["Note: gamma (1992)"]


def test_past_the_layouts_limit_the_oldest_marks_show_and_the_count_says_so(qtbot, monkeypatch, store: Store) -> None:
    monkeypatch.setattr(timeline_panel, "MARKS_LIMIT", 50)
    panel = opened(qtbot, store)
    total = len(store.timeline())
    assert panel.scene.count == 50
    assert panel.count_label.text() == f"the oldest 50 of {total:,} dated facts"


def test_the_window_can_share_its_tasks(qtbot, bundled_store: Store) -> None:
    window = open_window(qtbot, bundled_args(bundled_store))
    shared = Tasks(window)
    lanes: list[str] = []
    real = shared.run

    def run(*args: Any, **kwargs: Any) -> Any:
        lanes.append(kwargs.get("lane", ""))
        return real(*args, **kwargs)

    shared.run = run  # type: ignore[method-assign]
    controls = TimeControls(window, shared)
    controls.set_timeline_visible(True)
    assert controls.panel is not None and controls.panel.tasks is shared
    assert lanes and set(lanes) == {"timeline"}
    assert controls.panel.scene.count == len(bundled_store.timeline())
    controls.set_timeline_visible(False)


def test_closing_the_window_stops_the_timelines_own_worker(qtbot, bundled_store: Store) -> None:
    window = open_window(qtbot, bundled_args(bundled_store))
    window.time.set_timeline_visible(True)
    assert not window.time.tasks.closed
    window.close()
    assert window.time.tasks.closed  # joined before the window closes its store


def test_the_benchmarks_timeline_figures(qtbot, monkeypatch, many: Path, tmp_path: Path) -> None:
    bench = load_script("bench")
    monkeypatch.setattr(bench, "TIMELINE_FILTER", "tr")  # two keys are enough to see the figures come
    monkeypatch.setattr(timeline_panel, "TEXT_DELAY_MS", 10)
    window = open_window(qtbot, ["--no-bundled", "--data", str(many), "--cache-dir", str(tmp_path / "c")])
    figures = bench.timeline_figures(window, 1)
    for name in (
        "timeline_open_ms",
        "timeline_key_gui_stall_max_ms",
        "bare_dock_view_ms",
        "bare_line_edit_gui_stall_max_ms",
    ):
        assert isinstance(figures[name], float) and figures[name] >= 0, name
    assert figures["timeline_marks"] == len(Store.open([many], cache_dir=tmp_path / "c").timeline())
    assert 0 < figures["timeline_filter_marks"] < figures["timeline_marks"]
    ratios = bench.timeline_ratios(figures)
    assert {ratios[k]["limit"] for k in ratios} == {500.0, 16.0}

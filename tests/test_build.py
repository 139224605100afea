"""A full build reads its files across processes exactly as one process reads them, and stops cleanly."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from index_dump import dump_index
from messy_data import write_messy

from desktop.core import batches, loader, schema
from desktop.core.bundle import bundled_data_dir
from desktop.core.files import data_files
from desktop.core.store import Store
from desktop.core.yamlfile import Document

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = bundled_data_dir()


def build_dump(folders: list[Path], cache: Path) -> dict[str, Any]:
    store = Store.open(folders, cache_dir=cache, rebuild=True)
    try:
        assert store.path is not None
        return dump_index(store.path)
    finally:
        store.close()


def in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batches, "POOL_MIN_BYTES", 1 << 60)


def a_job_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool for any data, each file a job of its own: as many batches, and hand-overs, as can be."""
    monkeypatch.setattr(batches, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(batches, "JOB_MIN_BYTES", 1)
    monkeypatch.setattr(batches, "cores", lambda: 2)


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("messy") / "data # 100% ¿qué? 漢字 ’quoted’"
    write_messy(folder)
    return folder


@pytest.fixture(scope="module")
def alone(messy: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The messy data and the bundled data built in one process: what every other way must give."""
    with pytest.MonkeyPatch.context() as patch:
        in_one_process(patch)
        return build_dump([BUNDLED, messy], tmp_path_factory.mktemp("alone"))


def test_the_messy_data_has_problems_of_every_origin(alone: dict[str, Any]):
    origins = {row[5] for row in alone["problems"]["rows"]}
    assert origins == {"file", "duplicate", "link", "alias"}
    assert len(alone["problems"]["rows"]) > 60
    assert alone["fts"] and len(alone["fts"]) == len(alone["entities"]["rows"])


def test_a_build_across_processes_equals_one_in_one(
    messy: Path, alone: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    a_job_a_file(monkeypatch)
    # The folder's name has a space, `#`, `%`, `?`, quotes and characters outside ASCII; the cache's too.
    assert build_dump([BUNDLED, messy], tmp_path / "cache # 100% ¿?") == alone


def test_a_worker_that_dies_leaves_its_jobs_to_the_build(
    messy: Path, alone: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A worker killed, or failing, mid-build: its files are read in the build's process, the same way."""
    a_job_a_file(monkeypatch)
    submitted: list[int] = []
    contexts: list[batches.Context] = []

    class Dying:
        def submit(self, fn: Any, *args: Any) -> Future[Any]:
            future: Future[Any] = Future()
            submitted.append(1)
            if len(submitted) < 3:
                future.set_result(batches.read_batch(args[0], contexts[0]))
            else:
                future.set_exception(BrokenProcessPool("a worker died"))
            return future

        def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
            pass

    def start(workers: int, context: batches.Context) -> Any:
        contexts.append(context)
        return Dying()

    monkeypatch.setattr(batches, "_start", start)
    assert build_dump([BUNDLED, messy], tmp_path / "cache") == alone
    assert len(submitted) >= 3


def test_no_pool_to_be_had_means_reading_in_this_process(
    messy: Path, alone: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    a_job_a_file(monkeypatch)

    def no_processes() -> Any:
        raise OSError(38, "Function not implemented")  # as where semaphores or fork are missing

    monkeypatch.setattr(batches, "_process_context", no_processes)
    assert build_dump([BUNDLED, messy], tmp_path / "cache") == alone


def test_the_short_way_for_entities_with_nothing_wrong_gives_what_the_long_way_gives(
    messy: Path, alone: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`FileReader.plain` takes each entity the loader would find nothing wrong with straight to rows: with
    it turned off, every entity goes the long way (Entity, Fact), and the index is the same, problems and all."""
    in_one_process(monkeypatch)
    taken: list[bool] = []
    plain = loader.FileReader.plain

    def counted(self: loader.FileReader, at: Any, item: dict) -> Any:
        found = plain(self, at, item)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(loader.FileReader, "plain", counted)
    assert build_dump([BUNDLED, messy], tmp_path / "short") == alone
    # Each bundled entity goes the short way; the messy data's mostly the long one.
    assert sum(taken) > len(taken) / 2 and not all(taken)
    monkeypatch.setattr(loader.FileReader, "plain", lambda self, at, item: None)
    assert build_dump([BUNDLED, messy], tmp_path / "long") == alone


def test_the_short_way_is_taken_only_where_the_long_way_finds_nothing(messy: Path):
    """For every mapping of the messy data and the bundled data: `plain` gives an entity exactly where `entity`
    reports no problem, and the same entity, facts and all."""
    setup, schema = loader.load_setup([BUNDLED, messy])
    assert schema is not None
    vocab = setup.vocabulary
    short = 0
    for folder in (BUNDLED, messy):
        for path in data_files(folder):
            reader, problems = loader.open_file(vocab, schema, path, folder)
            if reader is None:
                continue
            for at, item in reader.items():
                plain = reader.plain(at, item)
                before = len(problems)
                entity = reader.entity(at, item, single=not at)
                if plain is None:
                    continue
                short += 1
                assert len(problems) == before and entity is not None, (path, at)
                made, facts = plain
                assert made == replace(entity, facts=[]), (path, at)
                assert [(*f[:9], tuple(f[9])) for f in facts] == [
                    (*f[:9], tuple(f[9])) for f in map(batches._plain, entity.facts)
                ], (path, at)
    assert short > 100


def test_the_build_leaves_no_setting_of_its_own_in_the_full_text_tables(tmp_path: Path):
    """The build writes the full text with settings of its own (a larger hash, no merging on the way): a refresh
    of the index, and every later writer, must find FTS5's defaults."""
    store = Store.open([BUNDLED], cache_dir=tmp_path, rebuild=True)
    try:
        assert store.path is not None
        conn = sqlite3.connect(store.path)
        try:
            assert [k for (k,) in conn.execute("SELECT k FROM fts_config ORDER BY k")] == ["version"]
            conn.execute("INSERT INTO fts(fts) VALUES ('integrity-check')")
        finally:
            conn.close()
    finally:
        store.close()


def test_small_data_is_read_in_one_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    started: list[int] = []
    monkeypatch.setattr(batches, "_start", lambda *args: started.append(1))
    Store.open([BUNDLED], cache_dir=tmp_path / "cache", rebuild=True).close()
    assert started == []


def test_jobs_are_consecutive_files_of_about_equal_size():
    unit = 256 * 1024
    files = [(Path(f"f{i}"), Path("."), size * unit) for i, size in enumerate([5, 1, 1, 1, 1, 9, 1, 0])]
    jobs = batches.jobs_of(files, cores=1)
    sizes = {path: size for path, _, size in files}
    target = sum(sizes.values()) // batches.JOBS_PER_CORE
    assert [p for job in jobs for p, _ in job] == [p for p, _, _ in files]
    assert len(jobs) > 1
    for job in jobs[:-1]:
        assert sum(sizes[p] for p, _ in job) >= target > sum(sizes[p] for p, _ in job[:-1])


# -- Ctrl+C ------------------------------------------------------------------------------------------

INTERRUPTED = """
import os, signal, sys
sys.path.insert(0, {root!r})
from desktop.core import batches, builder
batches.POOL_MIN_BYTES, batches.JOB_MIN_BYTES = 0, 1
batches.cores = lambda: 2
copy = builder.copy_batch
def copy_then_interrupt(conn, batch, keep):
    copy(conn, batch, keep)
    os.killpg(os.getpgrp(), signal.SIGINT)  # Ctrl+C in a terminal: the whole foreground group
builder.copy_batch = copy_then_interrupt
from desktop.cli import main
sys.exit(main(["index", "--rebuild", "--no-bundled", "--data", {data!r}, "--cache-dir", {cache!r}]))
"""


def _session_processes(sid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_ctrl_c_stops_the_build_and_its_workers_without_a_traceback(messy: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    script = INTERRUPTED.format(root=str(ROOT), data=str(messy), cache=str(cache))
    # A session of its own, so that the interrupt reaches the build and its workers, not the tests.
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    out, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (130, "almanac: interrupted\n"), out
    deadline = time.monotonic() + 10
    while _session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)  # the fork server notices its parent is gone and leaves
    assert _session_processes(process.pid) == []
    assert not cache.exists() or list(cache.iterdir()) == []  # no half-written index left behind


# -- what the build leaves alone -----------------------------------------------------------------------

WARM_START = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from desktop.core.store import Store
store = Store.open([Path({data!r})], cache_dir=Path({cache!r}))
assert not store.built
store.search("program")
print(" ".join(sorted(m for m in {modules!r} if m in sys.modules)))
"""


def test_opening_a_warm_index_imports_nothing_of_the_build(tmp_path: Path):
    cache = tmp_path / "cache"
    Store.open([BUNDLED], cache_dir=cache).close()
    modules = [
        "multiprocessing",
        "concurrent.futures",
        "desktop.core.batches",
        "desktop.core.builder",
        "desktop.core.loader",
    ]
    script = WARM_START.format(root=str(ROOT), data=str(BUNDLED), cache=str(cache), modules=modules)
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert found.stdout.split() == []


# -- the schema check said positively ------------------------------------------------------------------

DATES = st.sampled_from(["2019", "1960s", "early 2001", 2019, None])
FACT_KEYS = st.fixed_dictionaries(
    {},
    optional={
        "property": st.sampled_from(["note", "Bad Name", 3]),
        "text": st.sampled_from(["a", ""]),
        "value": st.sampled_from([1, 2.5, True, "1"]),
        "unit": st.sampled_from(["USD", ""]),
        "date": DATES,
        "start": DATES,
        "end": DATES,
        "unknown": st.booleans(),
        "sources": st.sampled_from([[], [{"source": "imet", "locator": "¶1"}], [{"source": "imet"}], "x"]),
        "claims": st.sampled_from(
            [
                [],
                [{"text": "a", "sources": [{"source": "imet", "locator": "¶1"}]}] * 2,
                [{"text": "a", "date": "2001", "start": "2002", "sources": [{"source": "x", "locator": "1"}]}] * 2,
                [{"text": "a"}] * 2,
            ]
        ),
        "mood": st.just("happy"),
    },
)


@settings(max_examples=400, deadline=None)
@given(facts=st.lists(st.one_of(FACT_KEYS, st.sampled_from([[], "fact", None])), max_size=3))
def test_the_fast_check_accepts_exactly_what_the_schema_accepts(facts: list[Any]):
    path = BUNDLED / "schema" / "entity.schema.json"
    entity = {"id": "a-b", "kind": "program", "name": "A", "facts": facts}
    fast = schema._fast_check(path)
    try:
        fast(entity)
        passed = True
    except Exception:
        passed = False
    assert passed == schema._validator(path).is_valid(entity)


def test_negations_are_said_positively_wherever_they_are():
    rewritten = schema.without_negations(
        {
            "type": "object",
            "not": {"required": ["a", "b", "c"]},
            "if": {"not": {"required": ["x"]}},
            "then": {"required": ["y"]},
            "properties": {"inner": {"type": "object", "not": {"required": ["p"]}, "allOf": [{"required": ["q"]}]}},
        }
    )
    assert "not" not in str(rewritten) and "'if'" not in str(rewritten)
    assert rewritten["allOf"] == [
        {"dependencies": {"a": {"dependencies": {"b": {"properties": {"c": False}}}}}},
        {"anyOf": [{"required": ["y"]}, {"required": ["x"]}]},
    ]
    assert rewritten["properties"]["inner"]["allOf"] == [{"required": ["q"]}, {"properties": {"p": False}}]
    # Without `type: object` a `not` holds for other values too: left as it is.
    assert schema.without_negations({"not": {"required": ["a"]}}) == {"not": {"required": ["a"]}}


def test_parse_when_gives_the_same_when_each_time():
    import datetime as dt

    from desktop.core.dates import DateError, parse_when

    assert parse_when("2019", None, None) is parse_when("2019", None, None)
    days = [dt.date(*ymd).toordinal() for ymd in ((1990, 1, 1), (1990, 12, 31), (2001, 5, 1), (2001, 5, 31))]
    assert parse_when(None, "1990", "2001-05").columns == (
        None, "1990", "2001-05", "1990-01-01", "2001-05-31", "year", "1990 – May 2001", *days,
    )  # fmt: skip
    for bad in (("2019-13", None, None), (None, "2020", "2002"), ("2001", "2002", None), ([1], None, None)):
        with pytest.raises(DateError):
            parse_when(*bad)


def test_fold_takes_a_short_cut_for_ascii_to_the_same_place():
    import re
    import unicodedata

    from desktop.core.text import fold

    def the_long_way(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return re.sub(r"\s+", " ", stripped.casefold()).strip()

    every_ascii = "".join(map(chr, range(128)))
    for text in (every_ascii, every_ascii[::-1], "  U.S.  Army\t", " x\x1cy\x1f ", "Mid  Term\r\n"):
        assert fold(text) == the_long_way(text)
    assert fold("  Côte  d'Ivoire ") == "cote d'ivoire"


def test_the_digest_says_a_change_and_only_a_change():
    from desktop.core.loader import entity_digest

    item = {"id": "a", "facts": [{"value": 1, "text": "x"}]}
    assert entity_digest("p", (), item) == entity_digest("p", (), {"id": "a", "facts": [{"value": 1, "text": "x"}]})
    for other in (
        {"id": "a", "facts": [{"value": True, "text": "x"}]},
        {"id": "a", "facts": [{"value": 1.0, "text": "x"}]},
        {"id": "a", "facts": [{"text": "x", "value": 1}]},
    ):
        assert entity_digest("p", (), other) != entity_digest("p", (), item)
    assert entity_digest("p", (0,), item) != entity_digest("p", (), item)
    assert entity_digest("q", (), item) != entity_digest("p", (), item)
    import datetime as dt

    dated = {"id": "a", "date": dt.date(2019, 1, 1)}  # only PyYAML builds these; marshal cannot write them
    assert entity_digest("p", (), dated) == entity_digest("p", (), dict(dated))


def test_signals_are_left_as_they_were(monkeypatch: pytest.MonkeyPatch, messy: Path, tmp_path: Path):
    a_job_a_file(monkeypatch)
    before = signal.getsignal(signal.SIGINT)
    Store.open([messy], cache_dir=tmp_path / "cache", rebuild=True).close()
    assert signal.getsignal(signal.SIGINT) is before


# -- the short way and the long way agree ----------------------------------------------------------------

GOOD_CITE = [{"source": "international-military-education-and-training", "locator": "¶2"}]
# Mostly what passes every check, so that the short way is taken often; now and then what fails one (unknown
# keys and claims, which the short way leaves to the long one at once, are in the messy data).
CITES = st.sampled_from(
    [
        GOOD_CITE,
        GOOD_CITE,
        GOOD_CITE,
        [{"source": "arms-industry", "locator": "¶1"}, {"source": "international-military-education-and-training"}],
        [{"source": "arms-industry", "locator": "¶7"}],  # past its one paragraph
        [{"source": "no-such-source", "locator": "¶1"}],
        [],
    ]
)
SHORT_FACT = st.fixed_dictionaries(
    {"property": st.sampled_from(["established_by", "opened_by", "enacted", "frequency", "spending", "nothing"])},
    optional={
        "entity": st.sampled_from(["imet", "imet", "Bad Id"]),
        "text": st.sampled_from(["  some   words ", "x"]),
        "value": st.sampled_from([5, 2.5]),
        "unit": st.just("USD"),
        "date": st.sampled_from(["2019", "early 1960s", "1960s", "2019-13"]),
        "start": st.sampled_from(["2001", "2020"]),
        "end": st.sampled_from(["2010", "1999"]),
        "unknown": st.booleans(),
        "note": st.sampled_from([" a  note ", "b", ""]),
    },
).flatmap(lambda fact: st.fixed_dictionaries({**{k: st.just(v) for k, v in fact.items()}, "sources": CITES}))
SHORT_ENTITY = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["short-way", "short-way", "short-way", "Bad Id"]),
        "kind": st.sampled_from(["program", "agency", "person", "no-such-kind"]),
        "name": st.sampled_from(["  Ann  B. Cole ", "X"]),
    },
    optional={
        "aliases": st.sampled_from([["AB", " C "], []]),
        "ambiguous_aliases": st.sampled_from([["AB"], ["Z"], []]),
        "sort_as": st.sampled_from(["  Cole  ", "   "]),
        "parent": st.sampled_from(["imet", None, ""]),
        "parent_sources": CITES,
        "summary": st.sampled_from(["A  summary.", ""]),
        "summary_sources": CITES,
        "facts": st.lists(SHORT_FACT, max_size=3),
    },
)


@settings(max_examples=600, deadline=None)
@given(item=SHORT_ENTITY, single=st.booleans())
def test_the_short_way_gives_an_entity_only_where_the_long_way_finds_nothing(item: dict, single: bool):
    setup, schema_path = loader.load_setup([BUNDLED])
    assert schema_path is not None
    doc = Document(item if single else [item])
    reader = loader.FileReader(setup, schema_path, Path("/data/short-way.yaml"), doc, BUNDLED)
    at: tuple[int, ...] = () if single else (0,)
    plain = reader.plain(at, item)
    entity = reader.entity(at, item, single=single)
    event("short" if plain is not None else "long")
    if plain is None:
        return
    assert setup.problems == [] and entity is not None
    made, facts = plain
    assert made == replace(entity, facts=[])
    assert [(*f[:9], tuple(f[9])) for f in facts] == [(*f[:9], tuple(f[9])) for f in map(batches._plain, entity.facts)]


def _short_and_long(item: dict, single: bool = False) -> tuple[Any, Any, list[Any]]:
    setup, schema_path = loader.load_setup([BUNDLED])
    assert schema_path is not None
    reader = loader.FileReader(setup, schema_path, Path("/data/short-way.yaml"), Document([item]), BUNDLED)
    at: tuple[int, ...] = () if single else (0,)
    return reader.plain(at, item), reader.entity(at, item, single=single), setup.problems


CITED = [{"source": "international-military-education-and-training", "locator": "¶2"}]
GOOD: dict[str, Any] = {
    "id": "short-way",
    "kind": "agency",
    "name": " Short  Way ",
    "aliases": [" SW "],
    "parent": "imet",
    "parent_sources": CITED,
    "summary": "A  summary.",
    "summary_sources": CITED,
    "facts": [
        {"property": "opened_by", "entity": "imet", "date": "1960s", "sources": CITED},
        {"property": "frequency", "text": " every  year ", "note": " a  note ", "sources": CITED},
        {"property": "spending", "value": 5, "unit": "USD", "start": "2001", "end": "2010", "sources": CITED},
        {"property": "enacted", "date": "early 1960s", "sources": CITED},
        {"property": "frequency", "unknown": True, "sources": CITED},
    ],
}


def test_the_short_way_takes_an_entity_with_nothing_wrong():
    plain, entity, problems = _short_and_long(GOOD)
    assert problems == [] and plain is not None and entity is not None
    assert plain[0] == replace(entity, facts=[])
    assert plain[1] == [(*batches._plain(fact)[:9], ()) for fact in entity.facts]


def _fact(i: int, **change: Any) -> dict:
    fact = {**GOOD["facts"][i], **change}
    return {**GOOD, "facts": [fact]}


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(_fact(0, property="established_by") | {"kind": "law"}, id="a property not said of its kind"),
        pytest.param({**GOOD, "facts": [{"property": "opened_by", "sources": CITED}]}, id="no entity"),
        pytest.param({**GOOD, "facts": [{"property": "frequency", "sources": CITED}]}, id="no text"),
        pytest.param({**GOOD, "facts": [{"property": "spending", "sources": CITED}]}, id="no value"),
        pytest.param({**GOOD, "facts": [{"property": "enacted", "sources": CITED}]}, id="no date"),
        pytest.param(_fact(3, date="2019-13"), id="no such date"),
        pytest.param(_fact(2, end="1999"), id="an end before its start"),
        pytest.param(_fact(0, property="no_such_property"), id="an unknown property"),
        pytest.param(_fact(1, sources=[{"source": "no-such-source", "locator": "¶1"}]), id="an unknown source"),
        pytest.param(_fact(1, sources=[{"source": "arms-industry", "locator": "¶7"}]), id="past the last paragraph"),
        pytest.param({k: v for k, v in GOOD.items() if k != "parent_sources"}, id="a parent not cited"),
        pytest.param({**GOOD, "summary": ""}, id="the citations of no summary"),
        pytest.param({**GOOD, "parent_sources": [{"source": "no-such-source", "locator": "¶1"}]}, id="a bad citation"),
        pytest.param({**GOOD, "kind": "no-such-kind"}, id="an unknown kind"),
        pytest.param({**GOOD, "ambiguous_aliases": ["Z"]}, id="an ambiguous alias not listed"),
        pytest.param({**GOOD, "mood": "happy"}, id="an unknown key"),
        pytest.param(
            _fact(1, claims=[{"text": "a", "sources": CITED}] * 2),
            id="claims beside a value",
        ),
    ],
)
def test_the_short_way_leaves_whatever_has_something_wrong_to_the_long_way(item: dict):
    plain, _, problems = _short_and_long(item)
    assert plain is None
    assert problems, "each case has a problem for the long way to say"


def test_the_short_way_leaves_a_file_named_otherwise_to_the_long_way():
    plain, entity, problems = _short_and_long({**GOOD, "id": "another-name"}, single=True)
    assert plain is None and entity is None and problems

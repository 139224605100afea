"""The scale benchmark: build, startup, search, browse and memory at N entities, as ratios.

usage: python tests/benchmarks/bench.py [--entities N ...] [--out results.json]
                                         [--work DIR] [--reuse] [--quick] [--only timeline]

For each N (default 1,000, 10,000 and 100,000) a synthetic data folder is
written with make_synthetic.py, plus one extra pack holding `bench-hub`, an
entity with 1,000 facts, for the page figure. Every figure is quoted against a
baseline measured in the same run, because these machines are noisy:

- a bare PySide6 window of the same shape (bare_window.py) started as a
  process, for startup time and peak memory;
- the raw parse of the same YAML files with the fastest loader available
  (yaml_rs when installed, else yaml.CSafeLoader; whole files), for the index build;
- the raw SQLite FTS5 query for each typed prefix on the built index, for search;
- the raw SQL for the first batch of a tree group, for browsing, and the raw
  SQL count of the rows before its last row, for a tree sync to that row;
- an empty QGraphicsView docked under the page and painted, for opening the
  timeline (Ctrl+T until its marks are painted), and a plain QLineEdit typed
  into, for the GUI thread's longest stall while typing into the timeline's
  filter box (`--only timeline` runs just these, on an index built untimed).

Repetitions: the bare window 5 times and each start-up 15 (STARTUP_ROUNDS)
after one uncounted warm-up, each start-up run after a bare window's of its
own, whose median is that start-up's baseline (a baseline minutes old may have
seen another load; a start differs from the next by more than the 1.3x target
leaves, so fewer rounds would say little; tests/benchmarks/bench_startup.py
compares two checkouts the same way);
the YAML parse, the full build and the rebuild 3 each, once above
N=20,000 (REPEAT_BUILDS_UP_TO: each takes minutes there); the store API and raw
FTS5 figures the median of 3 runs per typed text (1 above 20,000); key presses
are typed once each (200 queries are some 2,000 key presses). The output says
which ran once. Search also reports the longest stall of the GUI thread while
typing (a 4 ms heartbeat timer), which catches work done after the results
model is updated (laying out and painting the results list) that the time
inside a key press cannot see. Peak memory is VmHWM of the process (see
bare_window.peak_rss_kib). The table and the ratios against the targets of
issue 5 are printed, and everything goes to a JSON file (default
WORK/results.json).
Synthetic folders are kept under --work (default: a new temporary folder);
with --reuse a later run uses them again instead of writing them anew.
`--quick` runs tiny sizes with one repetition, in seconds, to keep this
script working (tests/test_benchmarks.py).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import make_synthetic  # noqa: E402
import yaml  # noqa: E402
from first_paint import almanac_command, bare_command, run_to_first_paint  # noqa: E402

from desktop.core.loader import SOURCES_FILE, VOCABULARY_FILE, data_files  # noqa: E402
from desktop.core.store import Store  # noqa: E402
from desktop.core.text import words  # noqa: E402

try:
    from yaml import CSafeLoader as FastestLoader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as FastestLoader  # type: ignore[assignment]

DEFAULT_SIZES = [1_000, 10_000, 100_000]
REPEAT_BUILDS_UP_TO = 20_000  # above this the parse and the builds run once
STARTUP_ROUNDS = 15  # start-ups, each after a bare window of its own: see the docstring
HUB_ID = "bench-hub"
HUB_FACTS = 1_000
SEED = 1
PACK_SIZE = 1_000  # one changed file is then 1% of the data at 100,000
WINDOW_LIMIT = 100  # the number of hits the window asks the store for (search_runner.RESULT_LIMIT)
BATCH_SQL = (
    "SELECT id,kind,name,sort_name,aliases,child_count FROM entities "
    "WHERE kind=? AND tree_parent IS NULL ORDER BY sort_name, id LIMIT 256"
)
# The baseline: the same text as FTS5 takes it raw, every word required, for as many rows as the window asks.
RAW_FTS_SQL = f"SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT {WINDOW_LIMIT}"
# The snippets an answer brings in the window (search_runner.FIRST_SNIPPETS, or more in a tall list).
WINDOW_SNIPPETS = 30
# The baseline of a tree sync: the keyset count of the rows before an entity, as plain SQL.
SYNC_COUNT_SQL = "SELECT count(*) FROM entities WHERE kind=? AND tree_parent IS NULL AND (sort_name, id) < (?, ?)"
LAST_ROW_SQL = (
    "SELECT id, sort_name FROM entities WHERE kind=? AND tree_parent IS NULL ORDER BY sort_name DESC, id DESC LIMIT 1"
)
KEY_TIMEOUT_MS = 30_000
HEARTBEAT_MS = 4
MIB = 1024 * 1024


# -- small helpers ---------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ro_uri(path: Path) -> str:
    return f"file:{quote(str(path))}?mode=ro"


# -- the machine -----------------------------------------------------------


def machine() -> dict[str, Any]:
    import PySide6
    from PySide6.QtCore import qVersion

    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    libyaml = "absent"
    with contextlib.suppress(ImportError, AttributeError):
        from yaml import _yaml

        libyaml = _yaml.get_version_string()
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) // 1024:,} MiB"
    return {
        "cpu": cpu or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "pyside6": PySide6.__version__,
        "qt": qVersion(),
        "sqlite": sqlite3.sqlite_version,
        "pyyaml": yaml.__version__,
        "libyaml": libyaml,
        "yaml_loader": raw_loader()[0],
        "pyside6_refs_lost_per_call": _refs_lost(),
    }


def _refs_lost(calls: int = 1000) -> dict[str, float]:
    """References lost per Qt call from Python: to None by a void method, to True by a signal emit.

    Both 0 on a sound PySide6 build, and on Python 3.12+ where None and True are immortal.
    """
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        ping = Signal()

    probe = Probe()
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    lost_none = (before - sys.getrefcount(None)) / calls
    before = sys.getrefcount(True)
    for _ in range(calls):
        probe.ping.emit()
    return {"none_per_void_call": lost_none, "true_per_emit": (before - sys.getrefcount(True)) / calls}


# -- processes: the bare window and the almanac to first paint ---------------


def measure_process(command: list[str], reps: int, scratch: Path, paired: bool = False) -> dict[str, Any]:
    """The command's wall time (median of `reps` runs after a warm-up) and peak RSS; with `paired`, a bare
    window is started just before each run too, and its median is the start's own baseline (`bare_s`):
    the machine is shared, and a baseline measured minutes earlier may have seen another load."""
    run_to_first_paint(command, scratch)  # warm-up, not counted: libraries into the page cache, index built
    bare: list[float] = []
    runs = []
    for _ in range(reps):
        if paired:
            bare.append(run_to_first_paint(bare_command(), scratch).wall_s)
        runs.append(run_to_first_paint(command, scratch))
    measured: dict[str, Any] = {
        "wall_s": median([run.wall_s for run in runs]),
        "peak_rss_kib": int(median([run.peak_rss_kib for run in runs])),
        "runs_s": [round(run.wall_s, 4) for run in runs],
        "reps": reps,
    }
    if paired:
        measured["bare_s"] = median(bare)
        measured["bare_runs_s"] = [round(w, 4) for w in bare]
    return measured


# -- the data --------------------------------------------------------------


def hub_pack(folder: Path, n: int) -> Path:
    """One extra pack with `bench-hub`: HUB_FACTS facts linking to entities spread over the folder."""
    vocabulary = yaml.load((folder / VOCABULARY_FILE).read_bytes(), Loader=FastestLoader)
    sources = yaml.load((folder / SOURCES_FILE).read_bytes(), Loader=FastestLoader)["sources"]
    kinds = [k["id"] for k in vocabulary["kinds"]]
    # The last kind that links to others (a region, say, links to nothing).
    hub_kind = next(k for k in reversed(kinds) if make_synthetic.said_of(vocabulary, k)["entity"])
    props = make_synthetic.said_of(vocabulary, hub_kind)["entity"]
    lines = [
        "# bench.py: one entity with many facts, for the entity page figure; not real data.",
        f"- id: {HUB_ID}",
        f"  kind: {hub_kind}",
        '  name: "Bench Hub"',
        '  aliases: ["BH1000"]',
        '  summary: "A synthetic entity with a thousand facts, each linking to another synthetic entity."',
        f'  summary_sources: [{{source: {sources[0]["id"]}, locator: "¶1"}}]',
        "  facts:",
    ]
    for i in range(HUB_FACTS):
        prop = props[i % len(props)]
        allowed = prop.get("range") or kinds
        target = (
            f"syn-{make_synthetic.of_kind(i * max(1, n // HUB_FACTS) % n, allowed[i % len(allowed)], kinds, n):06d}"
        )
        lines += [
            f"    - property: {prop['id']}",
            f"      entity: {target}",
            f'      date: "{1950 + i % 75}"',
            "      sources:",
            f'        - {{source: {sources[i % len(sources)]["id"]}, locator: "¶1"}}',
        ]
    path = folder / "packs" / "zz-bench-hub.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rename_one(pack: Path, i: int) -> None:
    """Edit a pack as a user would: give its i-th entity a new name (which its neighbours' full text repeats)."""
    lines = pack.read_text(encoding="utf-8").split("\n")
    names = [k for k, line in enumerate(lines) if line.startswith('  name: "')]
    k = names[i % len(names)]
    lines[k] = lines[k][:-1] + f' (renamed {i})"'
    pack.write_text("\n".join(lines), encoding="utf-8")


def synthetic_folder(work: Path, n: int, reuse: bool) -> tuple[Path, float | None]:
    """The data folder for N (reused when asked and complete); and how long writing it took."""
    folder = work / f"synthetic-{n}"
    marker = work / f"synthetic-{n}.json"
    stamp = {"n": n, "seed": SEED, "pack_size": PACK_SIZE, "hub_facts": HUB_FACTS}
    if reuse and folder.is_dir() and marker.is_file():
        with contextlib.suppress(ValueError):
            if json.loads(marker.read_text()) == stamp:
                return folder, None
    marker.unlink(missing_ok=True)
    start = time.perf_counter()
    make_synthetic.make(n, folder, seed=SEED, pack_size=PACK_SIZE)
    hub_pack(folder, n)
    elapsed = time.perf_counter() - start
    marker.write_text(json.dumps(stamp))
    return folder, elapsed


def yaml_files(folder: Path) -> list[Path]:
    extra = [folder / VOCABULARY_FILE, folder / SOURCES_FILE]
    return [p for p in extra if p.is_file()] + list(data_files(folder))


def raw_loader() -> tuple[str, Callable[[bytes], Any]]:
    """The fastest YAML loader available, for the raw-parse baseline: yaml_rs when installed, else PyYAML's."""
    try:
        import yaml_rs
    except ImportError:
        return FastestLoader.__name__, lambda raw: yaml.load(raw, Loader=FastestLoader)
    return f"yaml_rs {yaml_rs.__version__}", lambda raw: yaml_rs.loads(raw.decode("utf-8-sig"), parse_datetime=False)


def raw_parse(files: list[Path]) -> None:
    load = raw_loader()[1]
    for path in files:
        load(path.read_bytes())


def pyyaml_parse(files: list[Path]) -> None:
    """The same files with PyYAML's fastest loader: context for the build figure, not its baseline."""
    for path in files:
        yaml.load(path.read_bytes(), Loader=FastestLoader)


# -- queries ---------------------------------------------------------------


def _typo(rng: random.Random, text: str) -> str:
    i = rng.randrange(1, len(text) - 1)
    edit = rng.randrange(4)
    if edit == 0:  # swap two neighbours
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if edit == 1:  # drop one
        return text[:i] + text[i + 1 :]
    letter = rng.choice(string.ascii_lowercase)
    if edit == 2:  # replace one
        return text[:i] + letter + text[i + 1 :]
    return text[:i] + letter + text[i:]  # insert one


def make_queries(store: Store, count: int, seed: int = SEED) -> list[dict[str, str]]:
    """`count` queries built from the data: name prefixes, aliases, typos, full-text words and no-hit strings."""
    rng = random.Random(seed)
    rows = store.conn.execute(
        "SELECT name, aliases, summary FROM entities WHERE id != ? ORDER BY rid", (HUB_ID,)
    ).fetchall()
    shares = {"prefix": 0.30, "alias": 0.15, "typo": 0.20, "fulltext": 0.25}
    plan = {kind: round(count * share) for kind, share in shares.items()}
    plan["nohit"] = max(0, count - sum(plan.values()))
    queries: list[dict[str, str]] = []
    for _ in range(plan["prefix"]):
        name = rng.choice(rows)[0]
        queries.append({"kind": "prefix", "text": name[: rng.randint(min(3, len(name)), min(len(name), 12))]})
    for i in range(plan["alias"]):
        aliases = []
        while not aliases:
            aliases = json.loads(rng.choice(rows)[1])
        alias = rng.choice(aliases)
        queries.append({"kind": "alias", "text": alias.lower() if i % 2 else alias})
    for _ in range(plan["typo"]):
        name = rng.choice(rows)[0]
        while len(name) < 5:
            name = rng.choice(rows)[0]
        queries.append({"kind": "typo", "text": _typo(rng, name.lower())})
    for _ in range(plan["fulltext"]):
        summary_words = [w for w in words(rng.choice(rows)[2]) if len(w) > 3] or ["program"]
        picked = rng.sample(summary_words, min(len(summary_words), rng.choice((1, 1, 2))))
        queries.append({"kind": "fulltext", "text": " ".join(picked)})
    for _ in range(plan["nohit"]):
        for _attempt in range(20):
            text = "".join(rng.choice("qxzjvkw") for _ in range(rng.randint(5, 9)))
            if rng.random() < 0.5:
                text += " " + "".join(rng.choice("qxzjvkw") for _ in range(rng.randint(3, 5)))
            if not store.search(text, limit=1):
                break
        queries.append({"kind": "nohit", "text": text})
    rng.shuffle(queries)
    return queries


def fts_match(text: str) -> str | None:
    """The store's FTS5 query shape: every word quoted, the last one a prefix while it is being typed."""
    tokens = words(text)
    if not tokens:
        return None
    quoted = [f'"{t}"' for t in tokens]
    if not text[-1:].isspace() and len(tokens[-1]) >= 2:
        quoted[-1] += "*"
    return " ".join(quoted)


def prefixes(queries: list[dict[str, str]]) -> list[str]:
    """Every text the search box holds while the queries are typed, blank ones left out."""
    return [q["text"][:i] for q in queries for i in range(1, len(q["text"]) + 1) if q["text"][:i].strip()]


def per_text_ms(texts: list[str], fn: Callable[[str], Any], reps: int) -> list[float]:
    """For each text, the median over `reps` runs of fn(text), in ms."""
    out = []
    for text in texts:
        out.append(median([timed(lambda t=text: fn(t))[0] for _ in range(reps)]) * 1000)
    return out


def spread(values: list[float], prefix: str) -> dict[str, float]:
    return {
        f"{prefix}_p50_ms": percentile(values, 50),
        f"{prefix}_p95_ms": percentile(values, 95),
        f"{prefix}_max_ms": max(values) if values else float("nan"),
    }


# -- in process: the window ---------------------------------------------------


def qt_app() -> Any:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(kind: QtMsgType, context: Any, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(f"Qt: {message}", file=sys.stderr)

    qInstallMessageHandler(quiet)
    return QApplication.instance() or QApplication([sys.argv[0]])


def type_queries(window: Any, queries: list[dict[str, str]], timeout_ms: int) -> dict[str, Any]:
    """Type each query into the search box key by key; per key: press → results for that text, and GUI block."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest

    box = window.search_box
    # One event loop and one timeout timer for every wait, connected once: in PySide6 6.12 (Python 3.11)
    # each signal.disconnect() call drops a reference to True, and thousands of them abort the interpreter.
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    state: dict[str, Any] = {"expect": None, "at": None, "active": True}
    handled: list[float] = []

    def on_finished(text: str) -> None:
        if state["active"] and text == state["expect"] and state["at"] is None:
            state["at"] = time.perf_counter()
            loop.quit()  # harmless when the loop is not running: exec() starts afresh

    # The results update itself runs on the GUI thread too: time it by wrapping the window's method.
    show_hits = window.search.show_hits

    def timed_show_hits(*args: Any) -> None:
        start = time.perf_counter()
        show_hits(*args)
        handled.append((time.perf_counter() - start) * 1000)

    window.search.show_hits = timed_show_hits
    window.searchFinished.connect(on_finished)
    # A heartbeat on the GUI thread: a gap between beats longer than the interval is the GUI thread busy
    # (laying out and painting results included, which happen after the results model is updated).
    beats: list[float] = []
    heart = QTimer()
    heart.setTimerType(Qt.TimerType.PreciseTimer)
    heart.setInterval(HEARTBEAT_MS)
    heart.timeout.connect(lambda: beats.append(time.perf_counter()))
    heart.start()
    latency: list[float] = []
    blocked: list[float] = []
    timeouts = 0
    try:
        for query in queries:
            box.clear()
            for i, char in enumerate(query["text"], start=1):
                expect = query["text"][:i]
                state["expect"], state["at"] = expect, None
                start = time.perf_counter()
                QTest.keyClick(box, char)
                blocked.append((time.perf_counter() - start) * 1000)
                if box.text() != expect:
                    raise RuntimeError(f"typed {expect!r} but the search box holds {box.text()!r}")
                if not expect.strip():
                    continue  # a blank box runs no search
                if state["at"] is None:
                    timer.start(timeout_ms)
                    loop.exec()
                    timer.stop()
                if state["at"] is None:
                    timeouts += 1
                else:
                    latency.append((state["at"] - start) * 1000)
                # Let the GUI thread finish what the results set off (the list's layout, then its
                # repaint), as it does between a person's keystrokes, before the next key. The wait
                # above quits as soon as the model is updated, so without this that repaint ran only
                # once the next key was pressed, alongside (and slowed by) the next key's search.
                # Any stall it causes is still seen by the heartbeat.
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 100)
        box.clear()
    finally:
        heart.stop()
        state["active"] = False  # not disconnected: see above
        window.search.show_hits = show_hits
    stalls = [(b - a) * 1000 - HEARTBEAT_MS for a, b in itertools.pairwise(beats)]
    return {
        **spread(latency, "search_keypress"),
        "gui_block_p95_ms": percentile(blocked, 95),
        "gui_block_max_ms": max(blocked),
        "gui_stall_max_ms": max(stalls, default=float("nan")),
        "gui_stalls_over_16ms": sum(1 for g in stalls if g > 16),
        "results_update_p95_ms": percentile(handled, 95),
        "results_update_max_ms": max(handled) if handled else float("nan"),
        "keypresses": len(blocked),
        "keypress_timeouts": timeouts,
    }


def browse_figures(store: Store, raw: sqlite3.Connection, reps: int) -> dict[str, Any]:
    """The first batch of the largest top-level tree group: through the model, the store, and raw SQL;
    and a tree sync to its last row (NavigatorModel.index_for_id on a fresh model) against the raw
    SQL count of the rows before it."""
    from desktop.models.navigator_model import NavigatorModel

    sizes = {k.id: store.level_size(k.id) for k in store.kinds()}
    kind = max(sizes, key=lambda k: sizes[k])
    row = next(i for i, k in enumerate(store.kinds()) if k.id == kind)
    model_ms, level_ms, raw_ms, sync_ms, count_ms = [], [], [], [], []
    last_id, last_name = raw.execute(LAST_ROW_SQL, (kind,)).fetchone()
    for _ in range(reps):
        model = NavigatorModel(store)
        group = model.index(row, 0)
        elapsed, _ = timed(lambda m=model, g=group: m.fetchMore(g))
        if model.rowCount(group) != min(256, sizes[kind]):
            raise RuntimeError(f"fetchMore gave {model.rowCount(group)} rows of {sizes[kind]}")
        model_ms.append(elapsed * 1000)
        level_ms.append(timed(lambda: store.level(kind, None, limit=256))[0] * 1000)
        raw_ms.append(timed(lambda: raw.execute(BATCH_SQL, (kind,)).fetchall())[0] * 1000)
        model = NavigatorModel(store)
        elapsed, found = timed(lambda m=model: m.index_for_id(last_id))
        if found.row() != sizes[kind] - 1:
            raise RuntimeError(f"tree sync found row {found.row()} for the last of {sizes[kind]}")
        sync_ms.append(elapsed * 1000)
        count_ms.append(timed(lambda: raw.execute(SYNC_COUNT_SQL, (kind, last_name, last_id)).fetchone())[0] * 1000)
    return {
        "largest_group": kind,
        "largest_group_size": sizes[kind],
        "first_batch_ms": median(model_ms),
        "first_batch_store_level_ms": median(level_ms),
        "raw_batch_sql_ms": median(raw_ms),
        "tree_sync_last_ms": median(sync_ms),
        "raw_sync_count_sql_ms": median(count_ms),
    }


def page_figures(window: Any, reps: int) -> dict[str, Any]:
    """bench-hub's page: store.page + render_page + QTextBrowser.setHtml (and, apart, until painted)."""
    from PySide6.QtWidgets import QApplication

    from desktop.ui.page_html import render_page
    from desktop.ui.theme import page_colors

    store, detail = window.store, window.detail
    reps = max(reps, 5)  # a fraction of a second each: one sample (--quick) is noise on a shared machine
    colors = page_colors(detail.palette())
    page = store.page(HUB_ID)
    if page is None:
        raise RuntimeError(f"{HUB_ID} is not in the index")

    def show() -> None:
        detail.setHtml(render_page(store.page(HUB_ID), colors))

    plain, painted = [], []
    for _ in range(reps):
        detail.clear()
        QApplication.processEvents()
        plain.append(timed(show)[0] * 1000)
        detail.clear()
        QApplication.processEvents()
        start = time.perf_counter()
        show()
        detail.viewport().repaint()
        painted.append((time.perf_counter() - start) * 1000)
    fetch_ms, render_ms, set_ms = [], [], []
    for _ in range(reps):
        elapsed, fetched = timed(lambda: store.page(HUB_ID))
        fetch_ms.append(elapsed * 1000)
        elapsed, html = timed(lambda p=fetched: render_page(p, colors))
        render_ms.append(elapsed * 1000)
        detail.clear()
        QApplication.processEvents()
        set_ms.append(timed(lambda h=html: detail.setHtml(h))[0] * 1000)
    return {
        "page_facts": len(page.facts) + len(page.inbound),
        "page_store_ms": median(fetch_ms),
        "page_render_html_ms": median(render_ms),
        "page_set_html_ms": median(set_ms),
        "page_1000_facts_ms": median(plain),
        "page_1000_facts_painted_ms": median(painted),
    }


# -- the timeline ------------------------------------------------------------

TIMELINE_FILTER = "training"  # typed into the timeline's filter box key by key: a word of the synthetic facts
TIMELINE_TIMEOUT_MS = 300_000


def _rss_kib(field: str) -> int:
    with contextlib.suppress(OSError, AttributeError, IndexError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak_rss() -> None:
    """Start VmHWM again from the current RSS (Linux), so the peak of one step can be read."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


class Heartbeat:
    """A timer beating every HEARTBEAT_MS on the GUI thread: a longer gap between beats is the GUI thread busy."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.beats: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(lambda: self.beats.append(time.perf_counter()))

    def __enter__(self) -> Heartbeat:
        self.beats.clear()
        self.beats.append(time.perf_counter())
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()
        self.beats.append(time.perf_counter())

    def stalls(self) -> list[float]:
        return [(b - a) * 1000 - HEARTBEAT_MS for a, b in itertools.pairwise(self.beats)]


def wait_until(condition: Callable[[], bool], timeout_ms: int) -> bool:
    """Run the event loop until `condition()` holds (checked every few ms) or the time is up."""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return True
    loop = QEventLoop()
    poll, deadline = QTimer(), QTimer()
    poll.setInterval(2)
    poll.timeout.connect(lambda: condition() and loop.quit())
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    poll.start()
    deadline.start(timeout_ms)
    loop.exec()
    poll.stop()
    deadline.stop()
    return condition()


def _timeline_busy(panel: Any) -> bool:
    # A timeline that reads the store off the GUI thread says when it is still waiting for an answer.
    busy = getattr(panel, "busy", None)
    return bool(busy()) if callable(busy) else False


def _forget_timeline(controls: Any) -> None:
    """Take the timeline dock down so that the next Ctrl+T builds it again, as the first one did."""
    from PySide6.QtWidgets import QApplication

    if controls.dock is not None:
        controls.set_timeline_visible(False)
        controls.window.removeDockWidget(controls.dock)
        controls.dock.deleteLater()
    controls.panel = controls.dock = None
    QApplication.processEvents()
    gc.collect()


def _bare_dock(window: Any) -> float:
    """Baseline: a QDockWidget holding an empty QGraphicsView docked under the page, shown and painted (ms)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QDockWidget, QGraphicsScene, QGraphicsView

    start = time.perf_counter()
    dock = QDockWidget("Bare", window)
    view = QGraphicsView(QGraphicsScene(dock), dock)
    dock.setWidget(view)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.show()
    window.resizeDocks([dock], [int(window.height() * 0.42)], Qt.Orientation.Vertical)
    QApplication.processEvents()
    view.viewport().repaint()
    elapsed = (time.perf_counter() - start) * 1000
    window.removeDockWidget(dock)
    dock.deleteLater()
    QApplication.processEvents()
    return elapsed


def _bare_typing(text: str) -> tuple[float, float]:
    """Baseline: `text` typed into a plain QLineEdit, nothing connected: (longest key press, longest stall) ms."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    box = QLineEdit()
    box.resize(400, 30)
    box.show()
    QTest.qWaitForWindowExposed(box)
    presses = []
    with Heartbeat() as heart:
        for char in text:
            presses.append(timed(lambda c=char: QTest.keyClick(box, c))[0] * 1000)
            box.repaint()
            wait_until(lambda: False, 20)  # the pause between a person's keystrokes
    box.close()
    box.deleteLater()
    QApplication.processEvents()
    return max(presses), max(heart.stalls(), default=0.0)


def timeline_figures(window: Any, reps: int) -> dict[str, Any]:
    """Ctrl+T to the timeline painted (all dated facts, lanes by entity), and typing into its filter box."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    controls = window.time
    window.resize(1200, 900)
    QApplication.processEvents()
    bare_open = median([_bare_dock(window) for _ in range(max(reps, 3))])
    opened, labelled, open_stalls, peaks = [], [], [], []
    marks = 0
    for _ in range(reps):
        _forget_timeline(controls)
        rss = _rss_kib("VmRSS")
        _reset_peak_rss()
        with Heartbeat() as heart:
            start = time.perf_counter()
            controls.action_timeline.trigger()  # Ctrl+T
            panel = controls.timeline()
            if not wait_until(lambda p=panel: not _timeline_busy(p), TIMELINE_TIMEOUT_MS):
                raise RuntimeError("the timeline did not open in time")
            panel.view.viewport().repaint()
            opened.append((time.perf_counter() - start) * 1000)
        open_stalls.append(max(heart.stalls(), default=0.0))
        peaks.append(_rss_kib("VmHWM") - rss)
        labelled.append(sum(1 for _ in _shown_labels(panel)))
        marks = int(panel.count_label.text().split()[0].replace(",", "") or 0)

    log(f"  typing {TIMELINE_FILTER!r} into the timeline's filter box")
    panel = controls.timeline()
    box = panel.text_box
    box.setFocus(Qt.FocusReason.OtherFocusReason)
    reloads = [0]
    panel.reloaded.connect(lambda _count: reloads.__setitem__(0, reloads[0] + 1))
    presses, answers = [], []
    with Heartbeat() as heart:
        for char in TIMELINE_FILTER:
            before = reloads[0]
            start = time.perf_counter()
            QTest.keyClick(box, char)
            presses.append((time.perf_counter() - start) * 1000)
            done = wait_until(lambda b=before: reloads[0] > b and not _timeline_busy(panel), TIMELINE_TIMEOUT_MS)
            if not done:
                raise RuntimeError(f"the timeline did not follow the filter {box.text()!r}")
            panel.view.viewport().repaint()
            answers.append((time.perf_counter() - start) * 1000)
    typing_stalls = heart.stalls()
    filtered = int(panel.count_label.text().split()[0].replace(",", "") or 0)
    before = reloads[0]
    box.clear()
    wait_until(lambda: reloads[0] > before and not _timeline_busy(panel), TIMELINE_TIMEOUT_MS)
    bare_press, bare_stall = _bare_typing(TIMELINE_FILTER)
    _forget_timeline(controls)
    return {
        "timeline_marks": marks,
        "timeline_open_ms": median(opened),
        "timeline_open_runs_ms": [round(v, 1) for v in opened],
        "timeline_open_gui_stall_max_ms": max(open_stalls),
        "timeline_open_peak_rss_added_kib": int(median(peaks)),
        "timeline_open_labels": int(median(labelled)),
        "bare_dock_view_ms": bare_open,
        "timeline_filter_text": TIMELINE_FILTER,
        "timeline_filter_marks": filtered,
        "timeline_key_press_max_ms": max(presses),
        "timeline_key_gui_stall_max_ms": max(typing_stalls, default=0.0),
        "timeline_key_to_update_p50_ms": median(answers),
        "timeline_key_to_update_max_ms": max(answers),
        "bare_line_edit_key_press_max_ms": bare_press,
        "bare_line_edit_gui_stall_max_ms": bare_stall,
    }


def _shown_labels(panel: Any) -> list[Any]:
    """The labels on screen (the view says, when it can; the first timeline's scene said where labels showed)."""
    if hasattr(panel.view, "visible_labels"):
        return list(panel.view.visible_labels())
    return list(panel.scene.visible_labels())


def search_figures(window: Any, raw: sqlite3.Connection, count: int, reps: int, sampled: bool) -> dict[str, Any]:
    """`count` queries typed into the window's search box, then every typed text through the store API and as a raw
    FTS5 query (every 4th when `sampled`), and a plain QLineEdit typed into, for the stall's baseline."""
    window.search_box.setFocus()
    store = window.store
    queries = make_queries(store, count)
    texts = prefixes(queries)
    log(f"  typing {len(queries)} queries ({len(texts)} key presses) into the window")
    figures: dict[str, Any] = {"queries": len(queries), "query_kinds": _tally(queries)}
    figures.update(type_queries(window, queries, KEY_TIMEOUT_MS))
    # Past REPEAT_BUILDS_UP_TO every full-text query takes a few hundred ms, raw or not: a fixed
    # quarter of the typed texts keeps the run within its time while still giving a stable p95.
    sample = texts[::4] if sampled else texts
    figures["api_texts"], figures["api_sampled"] = len(sample), sampled
    log(f"  {len(sample)} of the typed texts through the store API and as raw FTS5 queries")

    def as_the_window_asks(text: str) -> Any:
        return store.search(text, limit=WINDOW_LIMIT, snippets=WINDOW_SNIPPETS)

    figures.update(spread(per_text_ms(sample, as_the_window_asks, reps), "store_search"))
    matches = [m for t in sample if (m := fts_match(t))]
    figures.update(spread(per_text_ms(matches, lambda m: raw.execute(RAW_FTS_SQL, (m,)).fetchall(), reps), "raw_fts"))
    # The stall's baseline: what a key press into a plain QLineEdit stalls on this machine, now.
    figures["bare_search_press_max_ms"], figures["bare_search_stall_max_ms"] = _bare_typing(queries[0]["text"])
    return figures


def in_window(
    folder: Path | None, cache: Path, n_queries_reps: tuple[int, int], quick: bool, sampled: bool = False
) -> dict[str, Any]:
    """Search, browse and page figures in a real MainWindow, offscreen, in this process."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop.app import build_main_window

    count, reps = n_queries_reps
    scratch = Path(tempfile.mkdtemp(prefix="bench-config-"))
    os.environ["ALMANAC_CONFIG_DIR"] = str(scratch)  # fresh settings: nothing remembered, nothing saved over
    os.environ["ALMANAC_DATA_DIR"] = str(scratch)  # nor the machine's reader file (tabs, history) read or written
    args = ["--no-bundled", "--data", str(folder)] if folder else []
    window = build_main_window([*args, "--cache-dir", str(cache)])
    try:
        if window.store.built:
            log("  (the window had to build its index: the warm cache was not current)")
        window.show()
        QTest.qWaitForWindowExposed(window)
        store = window.store
        raw = sqlite3.connect(ro_uri(store.path), uri=True)
        figures = search_figures(window, raw, count, reps, sampled)
        figures.update(browse_figures(store, raw, 3 if quick else 20))
        figures.update(page_figures(window, 1 if quick else 5))
        log("  the timeline: Ctrl+T, then its filter box")
        figures.update(timeline_figures(window, 1 if quick else 3))
        raw.close()
        return figures
    finally:
        window.close()
        window.deleteLater()
        QApplication.processEvents()
        window.store.close()
        shutil.rmtree(scratch, ignore_errors=True)


def _tally(queries: list[dict[str, str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for q in queries:
        out[q["kind"]] = out.get(q["kind"], 0) + 1
    return out


# -- one size --------------------------------------------------------------


def bench_size(n: int, work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    build_reps = 1 if opts.quick or n > REPEAT_BUILDS_UP_TO else 3
    figures: dict[str, Any] = {"n": n, "build_reps": build_reps}
    log(f"N={n:,}: data folder")
    folder, made = synthetic_folder(work, n, opts.reuse)
    figures["synthetic_written_s"] = made
    files = yaml_files(folder)
    figures["yaml_files"] = len(files)
    figures["yaml_bytes"] = sum(p.stat().st_size for p in files)

    log(f"N={n:,}: raw YAML parse ×{build_reps} ({figures['yaml_bytes'] / MIB:.1f} MiB)")
    figures["raw_parse_s"] = median([timed(lambda: raw_parse(files))[0] for _ in range(build_reps)])
    if n <= REPEAT_BUILDS_UP_TO:  # minutes at 100,000
        log(f"N={n:,}: PyYAML parse ×1, for context")
        figures["pyyaml_parse_s"] = timed(lambda: pyyaml_parse(files))[0]

    log(f"N={n:,}: full index build ×{build_reps}")
    builds = []
    cache = work / f"cache-{n}"
    for _ in range(build_reps):
        shutil.rmtree(cache, ignore_errors=True)  # a fresh cache folder every time
        gc.collect()
        elapsed, store = timed(lambda: Store.open([folder], cache_dir=cache, rebuild=True))
        builds.append(elapsed)
        counts = store.counts()
        problems = store.problems()
        store.close()
        del store
    figures["full_build_s"] = median(builds)
    figures["entities"], figures["facts"] = counts.entities, counts.facts
    figures["data_problems"] = len(problems)
    if problems:
        log(f"  {len(problems)} data problems, the first: {problems[0]}")

    log(f"N={n:,}: rebuild after one changed file ×{build_reps}")
    changed = sorted((folder / "packs").glob("pack-*.yaml"))[0]
    rebuilds, refreshed = [], []
    for i in range(build_reps):
        rename_one(changed, i)
        gc.collect()
        elapsed, store = timed(lambda: Store.open([folder], cache_dir=cache))
        if not store.built:
            raise RuntimeError("changing a file did not rebuild the index")
        rebuilds.append(elapsed)
        refreshed.append(store.refreshed)
        index_file = store.path
        store.close()
        del store
    figures["rebuild_one_file_s"] = median(rebuilds)
    figures["rebuild_file_entities"] = min(PACK_SIZE, n)
    figures["rebuild_was_refresh"] = all(refreshed)
    figures["index_bytes"] = index_file.stat().st_size
    figures["index_bytes_per_entity"] = figures["index_bytes"] / figures["entities"]

    log(f"N={n:,}: startup to first paint ×{opts.startup_reps} (warm cache)")
    started = measure_process(
        almanac_command("--no-bundled", "--data", str(folder), "--cache-dir", str(cache)),
        opts.startup_reps,
        work,
        paired=True,
    )
    figures["startup_s"] = started["wall_s"]
    figures["startup_runs_s"] = started["runs_s"]
    figures["startup_bare_s"] = started["bare_s"]  # bare windows started between these runs: this ratio's baseline
    figures["startup_bare_runs_s"] = started["bare_runs_s"]
    figures["peak_rss_kib"] = started["peak_rss_kib"]

    log(f"N={n:,}: search, browse and page in the window")
    gc.collect()
    figures["query_reps"] = opts.query_reps if n <= REPEAT_BUILDS_UP_TO else 1
    sampled = n > REPEAT_BUILDS_UP_TO
    figures.update(in_window(folder, cache, (opts.queries, figures["query_reps"]), opts.quick, sampled))
    return figures


def timeline_size(n: int, work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    """--only timeline: the data folder, its index (built once, not timed) and the timeline figures."""

    def measure(window: Any, figures: dict[str, Any]) -> None:
        figures.update(timeline_figures(window, 1 if opts.quick else 3))

    return _in_a_window(n, work, opts, "the timeline: Ctrl+T, then its filter box", measure)


def search_size(n: int, work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    """--only search: the data folder, its index (built once, not timed) and the search figures."""

    def measure(window: Any, figures: dict[str, Any]) -> None:
        figures["query_reps"] = opts.query_reps if n <= REPEAT_BUILDS_UP_TO else 1
        with contextlib.closing(sqlite3.connect(ro_uri(window.store.path), uri=True)) as raw:
            sampled = n > REPEAT_BUILDS_UP_TO
            figures.update(search_figures(window, raw, opts.queries, figures["query_reps"], sampled))

    return _in_a_window(n, work, opts, "search in the window", measure)


def _in_a_window(
    n: int, work: Path, opts: argparse.Namespace, what: str, measure: Callable[[Any, dict[str, Any]], None]
) -> dict[str, Any]:
    """The data folder of `n` entities, its index (built once, not timed), then `measure(window, figures)`
    in a window on it, with settings and a reader's folder of its own."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from desktop.app import build_main_window

    figures: dict[str, Any] = {"n": n}
    log(f"N={n:,}: data folder")
    folder, figures["synthetic_written_s"] = synthetic_folder(work, n, opts.reuse)
    cache = work / f"cache-{n}"
    log(f"N={n:,}: index (built only if missing or stale)")
    with contextlib.closing(Store.open([folder], cache_dir=cache)) as store:
        counts = store.counts()
    figures["entities"], figures["facts"] = counts.entities, counts.facts
    scratch = Path(tempfile.mkdtemp(prefix="bench-config-"))
    os.environ["ALMANAC_CONFIG_DIR"] = str(scratch)
    os.environ["ALMANAC_DATA_DIR"] = str(scratch)
    window = build_main_window(["--no-bundled", "--data", str(folder), "--cache-dir", str(cache)])
    try:
        window.show()
        QTest.qWaitForWindowExposed(window)
        log(f"N={n:,}: {what}")
        measure(window, figures)
    finally:
        window.close()
        window.deleteLater()
        QApplication.processEvents()
        window.store.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return figures


# -- ratios and the report -------------------------------------------------


def target(value: float, limit: float, text: str, note: str = "") -> dict[str, Any]:
    return {"value": value, "limit": limit, "target": text, "met": bool(value <= limit), "note": note}


def timeline_ratios(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "timeline_open_ms": target(
            f["timeline_open_ms"],
            500.0,
            "< 500 ms",
            f"Ctrl+T to {f['timeline_marks']:,} marks painted; {f['timeline_open_ms'] / f['bare_dock_view_ms']:.1f}× "
            f"an empty QGraphicsView docked and painted ({f['bare_dock_view_ms']:.0f} ms)",
        ),
        "timeline_key_gui_stall_max_ms": target(
            f["timeline_key_gui_stall_max_ms"],
            16.0,
            "≤ 16 ms",
            "longest GUI-thread stall while typing into the filter; a plain QLineEdit: "
            f"{f['bare_line_edit_gui_stall_max_ms']:.1f} ms",
        ),
    }


def startup_baseline(figures: dict[str, Any], bare: dict[str, Any]) -> float:
    """The bare window's time a start-up is compared with: the runs made between its own, where there are."""
    return float(figures.get("startup_bare_s") or figures.get("bare_s") or bare["wall_s"])


def search_ratios(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "search_p95_vs_raw_fts_p95": target(
            f["search_keypress_p95_ms"] / f["raw_fts_p95_ms"], 2.0, "≤ 2× raw FTS5 p95"
        ),
        "gui_block_max_ms": target(f["gui_block_max_ms"], 16.0, "≤ 16 ms", "inside the key press"),
        "gui_stall_max_ms": target(
            f["gui_stall_max_ms"],
            16.0,
            "≤ 16 ms",
            "any GUI-thread stall while typing; a plain QLineEdit: "
            f"{f.get('bare_search_stall_max_ms', math.nan):.1f} ms",
        ),
    }


def ratios(results: dict[str, Any]) -> dict[str, Any]:
    if results["settings"].get("only") == "timeline":
        return {key: timeline_ratios(f) for key, f in results["sizes"].items()}
    if results["settings"].get("only") == "search":
        return {key: search_ratios(f) for key, f in results["sizes"].items()}
    bare = results["baselines"]["bare_window"]
    out: dict[str, Any] = {
        "startup_bundled_vs_bare": target(
            results["bundled"]["startup_s"] / startup_baseline(results["bundled"], bare), 1.3, "≤ 1.3× bare window"
        )
    }
    for key, f in results["sizes"].items():
        out[key] = {
            "startup_vs_bare": target(
                f["startup_s"] / startup_baseline(f, bare), 1.5, "≤ 1.5× bare window", "target stated for 100,000"
            ),
            **search_ratios(f),
            "build_vs_raw_parse": target(f["full_build_s"] / f["raw_parse_s"], 4.0, "≤ 4× raw YAML parse"),
            "rebuild_vs_full_build": target(
                f["rebuild_one_file_s"] / f["full_build_s"],
                0.05,
                "≤ 5% of full build",
                f"target stated for 100,000; one name changed in a file of {f['rebuild_file_entities']:,} entities, "
                + ("refreshed in place" if f["rebuild_was_refresh"] else "rebuilt whole"),
            ),
            "first_batch_vs_raw_sql": target(f["first_batch_ms"] / f["raw_batch_sql_ms"], 2.0, "≤ 2× raw SQL"),
            "tree_sync_last_ms": target(
                f["tree_sync_last_ms"],
                16.0,
                "≤ 16 ms",
                f"row {f['largest_group_size']:,}; "
                f"{f['tree_sync_last_ms'] / f['raw_sync_count_sql_ms']:.1f}× the raw SQL count of the rows before it",
            ),
            "page_1000_facts_ms": target(f["page_1000_facts_painted_ms"], 100.0, "≤ 100 ms", "to painted"),
            "rss_over_bare_mib": target(
                (f["peak_rss_kib"] - bare["peak_rss_kib"]) / 1024,
                150.0,
                "≤ bare + 150 MiB",
                "target stated for 100,000",
            ),
            **timeline_ratios(f),
        }
    return out


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def timeline_report(results: dict[str, Any]) -> list[str]:
    sizes = list(results["sizes"].values())
    out = ["", "Timeline (ms; lanes by entity; Ctrl+T the median of 3, 1 with --quick)"]
    out.append(
        _table(
            [
                "N",
                "marks",
                "open",
                "bare view",
                "open stall",
                "open +RSS MiB",
                "labels",
                f"{TIMELINE_FILTER!r} marks",
                "key press max",
                "key stall max",
                "bare key stall",
                "key→update p50",
                "max",
            ],
            [
                [
                    _fmt(f["n"]),
                    _fmt(f["timeline_marks"]),
                    _fmt(f["timeline_open_ms"]),
                    _fmt(f["bare_dock_view_ms"]),
                    _fmt(f["timeline_open_gui_stall_max_ms"]),
                    _fmt(f["timeline_open_peak_rss_added_kib"] / 1024),
                    _fmt(f["timeline_open_labels"]),
                    _fmt(f["timeline_filter_marks"]),
                    _fmt(f["timeline_key_press_max_ms"], 2),
                    _fmt(f["timeline_key_gui_stall_max_ms"]),
                    _fmt(f["bare_line_edit_gui_stall_max_ms"]),
                    _fmt(f["timeline_key_to_update_p50_ms"]),
                    _fmt(f["timeline_key_to_update_max_ms"]),
                ]
                for f in sizes
            ],
        )
    )
    rows = []
    for key in results["sizes"]:
        for name, label in (
            ("timeline_open_ms", "timeline open"),
            ("timeline_key_gui_stall_max_ms", "timeline filter keystroke, GUI blocked"),
        ):
            t = results["ratios"][key][name]
            rows.append([label, key, _fmt(t["value"]) + " ms", f"{t['target']} ({t['note']})", _met(t)])
    out += ["", _table(["figure", "N", "measured", "target", ""], rows)]
    return out


def search_table(sizes: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    out += ["", "Search (ms per typed prefix; key press → results model updated, in a real window)"]
    out.append(
        _table(
            [
                "N",
                "keys",
                "key p50",
                "key p95",
                "key max",
                "GUI blk p95",
                "GUI blk max",
                "stall max",
                "update p95",
                "store p50",
                "store p95",
                "store max",
                "FTS p50",
                "FTS p95",
                "FTS max",
            ],
            [
                [
                    _fmt(f["n"]),
                    _fmt(f["keypresses"]),
                    *(_fmt(f[f"search_keypress_{p}_ms"]) for p in ("p50", "p95", "max")),
                    _fmt(f["gui_block_p95_ms"], 2),
                    _fmt(f["gui_block_max_ms"], 2),
                    _fmt(f["gui_stall_max_ms"]),
                    _fmt(f["results_update_p95_ms"], 2),
                    *(_fmt(f[f"store_search_{p}_ms"]) for p in ("p50", "p95", "max")),
                    *(_fmt(f[f"raw_fts_{p}_ms"], 2) for p in ("p50", "p95", "max")),
                ]
                for f in sizes
            ],
        )
    )
    return out


def search_report(results: dict[str, Any]) -> list[str]:
    """--only search: the search table and its targets, with the notes on how the figures were taken."""
    sizes = list(results["sizes"].values())
    out = search_table(sizes)
    out[-1] += "\n" + _table(
        ["N", "bare QLineEdit stall max", "bare key press max"],
        [[_fmt(f["n"]), _fmt(f["bare_search_stall_max_ms"]), _fmt(f["bare_search_press_max_ms"], 2)] for f in sizes],
    )
    rows = []
    for key in results["sizes"]:
        for name, label, unit in (
            ("search_p95_vs_raw_fts_p95", "search key→results p95", "×"),
            ("gui_block_max_ms", "GUI blocked in a key press, max", " ms"),
            ("gui_stall_max_ms", "GUI stalled while typing, max", " ms"),
        ):
            t = results["ratios"][key][name]
            note = f" ({t['note']})" if t["note"] else ""
            rows.append([label, key, _fmt(t["value"], 2) + unit, t["target"] + note, _met(t)])
    out += ["", _table(["figure", "N", "measured", "target", ""], rows)]
    out += [
        "",
        "Store API and raw FTS5: per typed text the median of "
        + ", ".join(f"{f['query_reps']} at N={f['n']:,}" for f in sizes)
        + " runs"
        + "".join(f"; at N={f['n']:,} every 4th typed text ({f['api_texts']:,})" for f in sizes if f["api_sampled"])
        + "; "
        + "; ".join(f"{f['keypress_timeouts']} key presses timed out at N={f['n']:,}" for f in sizes)
        + ".",
    ]
    return out


def report(results: dict[str, Any]) -> str:
    m = results["machine"]
    if results["settings"].get("only") == "timeline":
        out = [
            "Security Assistance Almanac — scale benchmark, the timeline only",
            f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}",
            f"Python {m['python']}, PySide6 {m['pyside6']} (Qt {m['qt']}), SQLite {m['sqlite']}",
            f"Command: {results['command']}",
            *timeline_report(results),
            f"\nTotal time: {results['elapsed_s'] / 60:.1f} min",
        ]
        return "\n".join(out)
    if results["settings"].get("only") == "search":
        out = [
            "Security Assistance Almanac — scale benchmark, search only",
            f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}",
            f"Python {m['python']}, PySide6 {m['pyside6']} (Qt {m['qt']}), SQLite {m['sqlite']}",
            f"Command: {results['command']}",
            *search_report(results),
            f"\nTotal time: {results['elapsed_s'] / 60:.1f} min",
        ]
        return "\n".join(out)
    bare = results["baselines"]["bare_window"]
    bundled = results["bundled"]
    out = [
        "Security Assistance Almanac — scale benchmark",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}",
        f"Python {m['python']}, PySide6 {m['pyside6']} (Qt {m['qt']}), SQLite {m['sqlite']}, "
        f"PyYAML {m['pyyaml']} with libyaml {m['libyaml']}; raw parse with {m['yaml_loader']}",
        f"Command: {results['command']}",
        "",
        f"Bare window (baseline): {bare['wall_s']:.3f} s to first paint and exit (median of {bare['reps']}), "
        f"peak RSS {bare['peak_rss_kib'] / 1024:.1f} MiB",
        f"Bundled data ({bundled['entities']:,} entities): startup {bundled['startup_s']:.3f} s "
        f"(median of {bundled['reps']}; bare windows started between its runs "
        f"{startup_baseline(bundled, bare):.3f} s), peak RSS {bundled['peak_rss_kib'] / 1024:.1f} MiB",
        "",
    ]
    sizes = list(results["sizes"].values())
    out.append("Build (seconds; the parse and the builds once each above N=20,000, else the median of 3)")
    out.append(
        _table(
            [
                "N",
                "entities",
                "facts",
                "YAML MiB",
                "raw parse",
                "full build",
                "rebuild 1 file",
                "reps",
                "index B/entity",
            ],
            [
                [
                    _fmt(f["n"]),
                    _fmt(f["entities"]),
                    _fmt(f["facts"]),
                    _fmt(f["yaml_bytes"] / MIB),
                    _fmt(f["raw_parse_s"], 2),
                    _fmt(f["full_build_s"], 2),
                    _fmt(f["rebuild_one_file_s"], 2),
                    _fmt(f["build_reps"]),
                    _fmt(f["index_bytes_per_entity"], 0),
                ]
                for f in sizes
            ],
        )
    )
    out += ["", "Startup and memory (warm cache, to first paint, as a process)"]
    out.append(
        _table(
            ["N", "startup s", "bare between s", "× bare", "peak RSS MiB", "over bare MiB"],
            [
                [
                    _fmt(f["n"]),
                    _fmt(f["startup_s"], 3),
                    _fmt(startup_baseline(f, bare), 3),
                    _fmt(f["startup_s"] / startup_baseline(f, bare), 2),
                    _fmt(f["peak_rss_kib"] / 1024),
                    _fmt((f["peak_rss_kib"] - bare["peak_rss_kib"]) / 1024),
                ]
                for f in sizes
            ],
        )
    )
    out += search_table(sizes)
    out += ["", "Browse (ms)"]
    out.append(
        _table(
            [
                "N",
                "largest group",
                "size",
                "first batch",
                "Store.level",
                "raw SQL",
                "sync to last",
                "raw count",
                "1,000-fact page",
                "page()",
                "HTML",
                "setHtml",
                "+ paint",
            ],
            [
                [
                    _fmt(f["n"]),
                    f["largest_group"],
                    _fmt(f["largest_group_size"]),
                    _fmt(f["first_batch_ms"], 2),
                    _fmt(f["first_batch_store_level_ms"], 2),
                    _fmt(f["raw_batch_sql_ms"], 2),
                    _fmt(f.get("tree_sync_last_ms", math.nan), 2),
                    _fmt(f.get("raw_sync_count_sql_ms", math.nan), 2),
                    _fmt(f["page_1000_facts_ms"]),
                    _fmt(f["page_store_ms"]),
                    _fmt(f["page_render_html_ms"]),
                    _fmt(f["page_set_html_ms"]),
                    _fmt(f["page_1000_facts_painted_ms"]),
                ]
                for f in sizes
            ],
        )
    )
    out += timeline_report(results)
    out += ["", "Targets (issue 5)"]
    rows = []
    r = results["ratios"]
    first = r["startup_bundled_vs_bare"]
    rows.append(["startup, bundled data", "bundled", _fmt(first["value"], 2) + "×", first["target"], _met(first)])
    labels = {
        "startup_vs_bare": ("startup, warm cache", "×"),
        "search_p95_vs_raw_fts_p95": ("search key→results p95", "×"),
        "gui_block_max_ms": ("GUI blocked in a key press, max", " ms"),
        "gui_stall_max_ms": ("GUI stalled while typing, max", " ms"),
        "build_vs_raw_parse": ("full build", "×"),
        "rebuild_vs_full_build": ("rebuild after 1 file", ""),
        "first_batch_vs_raw_sql": ("first batch of largest group", "×"),
        "tree_sync_last_ms": ("tree sync to the last row of the largest group", " ms"),
        "page_1000_facts_ms": ("1,000-fact page", " ms"),
        "rss_over_bare_mib": ("peak RSS over bare window", " MiB"),
    }
    for name, (label, unit) in labels.items():
        for key in results["sizes"]:
            t = r[key][name]
            value = f"{t['value']:.1%}" if name == "rebuild_vs_full_build" else _fmt(t["value"], 2) + unit
            rows.append([label, key, value, t["target"] + (f" ({t['note']})" if t["note"] else ""), _met(t)])
    out.append(_table(["figure", "N", "measured", "target", ""], rows))
    notes = [
        f"N={f['n']:,}: {f['keypress_timeouts']} key presses got no results within {KEY_TIMEOUT_MS / 1000:.0f} s"
        for f in sizes
        if f["keypress_timeouts"]
    ]
    notes += [
        f"N={f['n']:,}: the YAML parse, the builds and each store/FTS5 query ran once (minutes each at this size)"
        for f in sizes
        if f["build_reps"] == 1 and not results["settings"]["quick"]
    ]
    notes += [f"N={f['n']:,}: {f['data_problems']} data problems" for f in sizes if f["data_problems"]]
    notes.append(
        "Search: one typing pass of every query, each key press timed; the store API and raw FTS5 figures "
        "are per typed text the median of "
        + ", ".join(f"{f['query_reps']} at N={f['n']:,}" for f in sizes)
        + " runs"
        + "".join(
            f"; at N={f['n']:,} they cover every 4th typed text ({f['api_texts']:,})" for f in sizes if f["api_sampled"]
        )
        + "."
    )
    lost = m["pyside6_refs_lost_per_call"]
    if max(lost.values()) > 0.5:
        notes.append(
            f"This PySide6 loses a reference to None on each void Qt call ({lost['none_per_void_call']:.2f}) and "
            f"to True on each signal emit ({lost['true_per_emit']:.2f}): PySide6 {m['pyside6']} on Python "
            f"{m['python']} (None and True are immortal only from 3.12). A long session of the app aborts with "
            "'Fatal Python error: none_dealloc'; this benchmark holds spare references so that it can type."
        )
    if notes:
        out += ["", "Notes:", *(f"- {n}" for n in notes)]
    out.append(f"\nTotal time: {results['elapsed_s'] / 60:.1f} min")
    return "\n".join(out)


def _met(t: dict[str, Any]) -> str:
    return "met" if t["met"] else "MISSED"


# -- main ------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The Security Assistance Almanac scale benchmark (issue 5).")
    parser.add_argument("--entities", metavar="N", type=int, nargs="+", help="sizes (default 1000 10000 100000)")
    parser.add_argument("--out", type=Path, help="JSON results file (default WORK/results.json)")
    parser.add_argument("--work", type=Path, help="where synthetic folders and caches go (default: a new temp folder)")
    parser.add_argument("--reuse", action="store_true", help="reuse synthetic folders already under --work")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, few queries, 1 repetition: seconds")
    parser.add_argument("--queries", type=int, help="queries typed per size (default 200; --quick 12)")
    parser.add_argument(
        "--only",
        choices=["timeline", "search"],
        help="only these figures (the index is built once, untimed, if need be)",
    )
    opts = parser.parse_args(argv)
    sizes = opts.entities or ([200] if opts.quick else DEFAULT_SIZES)
    if any(n < 10 for n in sizes):
        parser.error("N must be 10 or more")
    opts.queries = opts.queries or (12 if opts.quick else 200)
    opts.query_reps = 1 if opts.quick else 3
    opts.process_reps = 1 if opts.quick else 5
    opts.startup_reps = 1 if opts.quick else STARTUP_ROUNDS
    work = opts.work or Path(tempfile.mkdtemp(prefix="almanac-bench-"))
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    out_path = (opts.out or work / "results.json").resolve()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()

    results: dict[str, Any] = {
        "command": " ".join(["python", "tests/benchmarks/bench.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine(),
        "settings": {
            "quick": opts.quick,
            "only": opts.only,
            "sizes": sizes,
            "queries": opts.queries,
            "query_reps": opts.query_reps,
            "process_reps": opts.process_reps,
            "startup_reps": opts.startup_reps,
            "repeat_builds_up_to": REPEAT_BUILDS_UP_TO,
            "hub_facts": HUB_FACTS,
            "seed": SEED,
            "work": str(work),
        },
        "baselines": {},
        "sizes": {},
    }
    log(f"work folder {work}")
    if opts.only in ("timeline", "search"):
        qt_app()
        for n in sizes:
            size = timeline_size if opts.only == "timeline" else search_size
            results["sizes"][str(n)] = size(n, work, opts)
        results["elapsed_s"] = time.perf_counter() - began
        results["ratios"] = ratios(results)
        out_path.write_text(json.dumps(results, indent=2))
        print(report(results))
        print(f"\nResults: {out_path}")
        return 0
    log(f"bare window ×{opts.process_reps}")
    bare = measure_process(bare_command(), opts.process_reps, work)
    results["baselines"]["bare_window"] = bare

    log(f"bundled data: startup ×{opts.startup_reps}")
    bundled_cache = work / "cache-bundled"
    bundled = measure_process(almanac_command("--cache-dir", str(bundled_cache)), opts.startup_reps, work, paired=True)
    from desktop.core.bundle import bundled_data_dir

    with contextlib.closing(Store.open([bundled_data_dir()], cache_dir=bundled_cache)) as store:
        bundled["entities"] = store.counts().entities
    results["bundled"] = {**bundled, "startup_s": bundled["wall_s"]}

    qt_app()
    for n in sizes:
        results["sizes"][str(n)] = bench_size(n, work, opts)
        results["elapsed_s"] = time.perf_counter() - began
        out_path.write_text(json.dumps({**results, "ratios": ratios(results)}, indent=2))  # partial, in case of a crash
    results["elapsed_s"] = time.perf_counter() - began
    results["ratios"] = ratios(results)
    out_path.write_text(json.dumps(results, indent=2))
    print(report(results))
    print(f"\nResults: {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

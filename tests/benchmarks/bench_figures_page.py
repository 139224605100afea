"""The 2,000-figure page benchmark: a country's page, chart and table painted, first visit and later ones.

usage: python tests/benchmarks/bench_figures_page.py [--runs 7] [--later 5] [--work DIR] [--json OUT]
                                                      [--no-compile] [--quick]

A funding-layout file (tests/figures_gen.py) gives Pakistan 2,000 figures: 40 funding accounts ×
25 fiscal years × obligations and disbursements. It is imported with `almanac import
foreignassistance` into a pack, which is opened beside the bundled data, as a reader would.

Each run is a fresh process, since the first visit is the one that imports the Official figures
pane and builds it: the window is shown offscreen at 1300×900 on Home and left idle, then Pakistan
is shown and timed from the call until the page, the chart and the table have all been painted (the
paint pass they are in has ended); then Home again (which hides the dock), and the later visits the
same way. The baseline, measured in processes of its own in the same run and alternating with them,
is the same page with View → Official figures unticked: the page alone (its summary of the figures
included), first visit and later. Figures are the medians over the runs; the ratios are against the
baseline's medians. Beside each time is the processor time the process spent meanwhile, all its
threads together: on a shared machine it moves less than the time does.

Bytecode is compiled first (`python -m compileall -q desktop`), as an installed program's is, so
that no run pays for compiling. The target: the page with its chart and table in ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

COUNTRY = "pakistan"
PROGRAMS, YEARS = 40, 25
TARGET_MS = 100.0
IDLE_MS = 500  # the window left alone after it is shown, as a reader would before a first click
TIMEOUT_MS = 20_000


# -- the pack ---------------------------------------------------------------------------------------------


def write_pack(work: Path) -> Path:
    """The pack of Pakistan's 2,000 figures, imported once into `work` (kept for later runs)."""
    import figures_gen as gen

    pack = work / "pack"
    if (pack / "sources.yaml").is_file():
        return pack
    accounts = [(f"011-{1100 + n}", f"Security Cooperation Account {n + 1:02d}", gen.STATE) for n in range(PROGRAMS)]
    records = []
    for rank, account in enumerate(accounts):
        for year in range(2024 - YEARS, 2024):
            current = round(4e8 / (rank + 1) * (1 + (year % 7) / 10), 2)
            for kind, share in ((gen.OBLIGATIONS, 1.0), (gen.DISBURSEMENTS, 0.85)):
                amount = round(current * share, 2)
                records.append(
                    gen.Record(gen.PAKISTAN, account, kind, str(year), f"{amount:.2f}", f"{amount * 1.1:.2f}")
                )
    source = work / "us_foreign_aid_funding.csv"
    gen.write_funding(source, records)
    command = [sys.executable, "-m", "desktop", "import", "foreignassistance", str(source), "--out", str(pack)]
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True, env=_env(work))
    return pack


def _env(work: Path) -> dict[str, str]:
    # Fresh settings and reader data for each process: Home at start, no tabs or history from an
    # earlier run, View → Official figures ticked.
    fresh = tempfile.mkdtemp(prefix="user-", dir=work)
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "ALMANAC_CONFIG_DIR": fresh,
        "ALMANAC_DATA_DIR": fresh,
        "PYTHONPATH": str(ROOT),
    }


# -- one process: `--worker figures|page PACK CACHE LATER` ----------------------------------------------


def worker(mode: str, pack: str, cache: str, later: int) -> dict[str, Any]:
    """Show the window, then time the first visit and `later` more; the figures dock ticked or not."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from desktop.app import build_main_window

    window = build_main_window(["--data", pack, "--cache-dir", cache])
    app = QApplication.instance()
    if mode == "page":
        window.figures.action_figures.setChecked(False)
    window.resize(1300, 900)
    window.show()
    idle(IDLE_MS)

    class Painted(QObject):
        """Notes the first paint of each watched widget; once all have painted, ends the loop after that pass."""

        def __init__(self, loop: QEventLoop, wanted: int) -> None:
            super().__init__()
            self.loop, self.wanted, self.seen = loop, wanted, set[int]()
            self.done: float | None = None

        def watch(self, widget: QWidget) -> None:
            widget.installEventFilter(self)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and id(watched) not in self.seen:
                self.seen.add(id(watched))
                if len(self.seen) == self.wanted:
                    QTimer.singleShot(0, self.finish)  # after the paint pass this paint is part of
            return False

        def finish(self) -> None:
            self.done = time.perf_counter()
            self.loop.quit()

    def visit() -> tuple[float, float]:
        """Milliseconds until painted, and the processor time the process (all its threads) spent meanwhile."""
        loop = QEventLoop()
        painted = Painted(loop, 3 if mode == "figures" else 1)
        painted.watch(window.detail.viewport())

        def watch_pane() -> None:  # the pane exists once the figures are in (built then, on a first visit)
            panel = window.figures.panel
            assert panel is not None
            painted.watch(panel.chart)
            painted.watch(panel.table.viewport())

        if mode == "figures":
            window.figures.loaded.connect(watch_pane)
        QTimer.singleShot(TIMEOUT_MS, loop.quit)
        start, cpu = time.perf_counter(), time.process_time()
        assert window.show_entity(COUNTRY)
        loop.exec()
        cpu = time.process_time() - cpu
        if mode == "figures":
            window.figures.loaded.disconnect(watch_pane)
        if painted.done is None:
            raise RuntimeError(f"{mode}: {len(painted.seen)} of {painted.wanted} widgets painted in {TIMEOUT_MS} ms")
        return (painted.done - start) * 1000, cpu * 1000

    first, first_cpu = visit()
    if mode == "figures":
        assert window.figures.panel is not None and window.figures.panel.model.rowCount() == PROGRAMS * YEARS
    runs, cpus = [], []
    for _ in range(later):
        window.show_home()
        idle(150)
        ms, cpu = visit()
        runs.append(ms)
        cpus.append(cpu)
    window.close()
    app.processEvents()
    return {"first_ms": first, "later_ms": runs, "first_cpu_ms": first_cpu, "later_cpu_ms": cpus}


def idle(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


# -- the runs ---------------------------------------------------------------------------------------------


def run_once(mode: str, work: Path, pack: Path, later: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--worker", mode, str(pack), str(work / "cache"), str(later)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=_env(work), timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict[str, Any]], visit: str, unit: str) -> float:
    """The median over `runs` of the first visits (one a run) or of the later ones, in ms or processor ms."""
    if visit == "first":
        return statistics.median(r[f"first_{unit}"] for r in runs)
    return statistics.median(value for r in runs for value in r[f"later_{unit}"])


def report(summary: dict[str, float], runs: list[dict[str, Any]], processes: int, later: int) -> str:
    rows = [
        ("baseline: the page alone (dock unticked), first visit", "baseline_first", None),
        ("baseline: the page alone (dock unticked), later visits", "baseline_later", None),
        ("page, chart and table, first visit", "first", "baseline_first"),
        ("page, chart and table, later visits", "later", "baseline_later"),
    ]
    lines = [
        f"{PROGRAMS * YEARS * 2:,} figures on {COUNTRY}'s page; processes per mode: {processes}, "
        f"later visits in each: {later}; medians",
        f"{'figure':<56} {'ms':>7} {'× baseline':>11} {'CPU ms':>8}",
    ]
    for label, key, base in rows:
        ratio = f"{summary[f'{key}_ms'] / summary[f'{base}_ms']:>10.2f}×" if base else f"{'':>11}"
        lines.append(f"{label:<56} {summary[f'{key}_ms']:>7.1f} {ratio} {summary[f'{key}_cpu_ms']:>8.1f}")
    lines.append("first visits, each run: " + ", ".join(f"{r['first_ms']:.0f}" for r in runs) + " ms")
    for label, key in (("first visit", "first_ms"), ("later visits", "later_ms")):
        verdict = "met" if summary[key] <= TARGET_MS else "missed"
        lines.append(f"{label}: {summary[key]:.1f} ms (target ≤ {TARGET_MS:g} ms: {verdict})")
    lines.append("(CPU ms: processor time of the whole process, all its threads, during the visit)")
    return "\n" + "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Time a country page with 2,000 official figures, as ratios.")
    parser.add_argument("--runs", type=int, default=7, help="processes per mode; medians are quoted (default 7)")
    parser.add_argument("--later", type=int, default=5, help="later visits per process (default 5)")
    parser.add_argument("--work", type=Path, help="where the pack, the index and the settings go")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--no-compile", action="store_true", help="skip compiling the bytecode first")
    parser.add_argument("--quick", action="store_true", help="one run of each mode, one later visit")
    parser.add_argument("--worker", nargs=4, metavar=("MODE", "PACK", "CACHE", "LATER"), help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.worker:
        mode, pack, cache, later = opts.worker
        print(json.dumps(worker(mode, pack, cache, int(later))), flush=True)
        return 0
    if opts.quick:
        opts.runs, opts.later = 1, 1

    if not opts.no_compile:
        subprocess.run([sys.executable, "-m", "compileall", "-q", "desktop"], check=True, cwd=ROOT)
    work = opts.work or Path(tempfile.mkdtemp(prefix="bench-figures-page-"))
    work.mkdir(parents=True, exist_ok=True)
    pack = write_pack(work)
    run_once("page", work, pack, 0)  # uncounted: the index built, files in the page cache

    results: dict[str, list[dict[str, Any]]] = {"figures": [], "page": []}
    for n in range(opts.runs):  # the modes alternate, so that a slow spell of the machine touches both
        print(f"run {n + 1}/{opts.runs} …", file=sys.stderr)
        for mode in ("figures", "page"):
            results[mode].append(run_once(mode, work, pack, opts.later))

    summary = {
        f"{prefix}{visit}_{unit}": median_of(results[mode], visit, unit)
        for mode, prefix in (("figures", ""), ("page", "baseline_"))
        for visit in ("first", "later")
        for unit in ("ms", "cpu_ms")
    }
    print(report(summary, results["figures"], opts.runs, opts.later))
    if opts.json:
        opts.json.write_text(json.dumps({**summary, "runs": results}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

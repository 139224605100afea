"""`bench.py --only search` keeps working: the search figures alone, each against its same-run baseline.

No timing is asserted here: the figures are only checked to be there.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent / "benchmarks" / "bench.py"
FIGURES = [
    "search_keypress_p95_ms",
    "raw_fts_p95_ms",
    "store_search_p95_ms",
    "gui_block_max_ms",
    "gui_stall_max_ms",
    "bare_search_stall_max_ms",
    "bare_search_press_max_ms",
]


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def test_the_search_figures_alone_with_their_baselines(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    command = [sys.executable, str(BENCH), "--quick", "--only", "search", "--entities", "200"]
    proc = subprocess.run(
        [*command, "--out", str(out), "--work", str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "search key→results p95" in proc.stdout and "plain QLineEdit" in proc.stdout
    results = json.loads(out.read_text())
    figures = results["sizes"]["200"]
    missing = [name for name in FIGURES if not _number(figures.get(name))]
    assert not missing, f"figures missing or not numbers: {missing}"
    assert figures["keypresses"] > 0 and figures["entities"] == 201
    assert "full_build_s" not in figures and "startup_s" not in figures  # nothing but search was run
    for name in ("search_p95_vs_raw_fts_p95", "gui_block_max_ms", "gui_stall_max_ms"):
        entry = results["ratios"]["200"][name]
        assert _number(entry["value"]) and isinstance(entry["met"], bool), name


def test_the_store_figures_ask_for_as_many_hits_as_the_window_does() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_for_limit", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    from desktop.models.search_runner import FIRST_SNIPPETS, RESULT_LIMIT

    assert bench.WINDOW_LIMIT == RESULT_LIMIT
    assert bench.WINDOW_SNIPPETS == FIRST_SNIPPETS
    assert bench.RAW_FTS_SQL.endswith(f"LIMIT {RESULT_LIMIT}")  # the baseline asks for as many rows

"""The benchmark scripts keep working: a quick run at small N, and synthetic data that validates clean.

No timing is asserted here: the figures are only checked to be there.
"""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

from desktop.core.loader import load

BENCHMARKS = Path(__file__).resolve().parent / "benchmarks"

FIGURES = [
    "entities",
    "facts",
    "yaml_bytes",
    "raw_parse_s",
    "full_build_s",
    "rebuild_one_file_s",
    "startup_s",
    "peak_rss_kib",
    "search_keypress_p50_ms",
    "search_keypress_p95_ms",
    "search_keypress_max_ms",
    "gui_block_p95_ms",
    "gui_block_max_ms",
    "gui_stall_max_ms",
    "store_search_p50_ms",
    "store_search_p95_ms",
    "store_search_max_ms",
    "raw_fts_p50_ms",
    "raw_fts_p95_ms",
    "raw_fts_max_ms",
    "first_batch_ms",
    "raw_batch_sql_ms",
    "page_1000_facts_ms",
    "index_bytes",
    "index_bytes_per_entity",
]
RATIOS = [
    "startup_vs_bare",
    "search_p95_vs_raw_fts_p95",
    "gui_block_max_ms",
    "gui_stall_max_ms",
    "build_vs_raw_parse",
    "rebuild_vs_full_build",
    "first_batch_vs_raw_sql",
    "page_1000_facts_ms",
    "rss_over_bare_mib",
]


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _make_synthetic():
    spec = importlib.util.spec_from_file_location("make_synthetic", BENCHMARKS / "make_synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_benchmark_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    command = [sys.executable, str(BENCHMARKS / "bench.py"), "--quick", "--entities", "200"]
    proc = subprocess.run(
        [*command, "--out", str(out), "--work", str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Targets" in proc.stdout
    results = json.loads(out.read_text())

    assert {"cpu", "cores", "python", "pyside6", "sqlite", "libyaml"} <= results["machine"].keys()
    bare = results["baselines"]["bare_window"]
    assert _number(bare["wall_s"]) and _number(bare["peak_rss_kib"])
    assert _number(results["bundled"]["startup_s"]) and results["bundled"]["entities"] > 0

    figures = results["sizes"]["200"]
    missing = [name for name in FIGURES if not _number(figures.get(name))]
    assert not missing, f"figures missing or not numbers: {missing}"
    assert figures["entities"] == 201  # the synthetic 200 and bench-hub
    assert figures["data_problems"] == 0
    assert figures["page_facts"] >= 1000
    assert figures["keypresses"] > 0 and figures["queries"] > 0

    ratios = results["ratios"]
    assert _number(ratios["startup_bundled_vs_bare"]["value"])
    for name in RATIOS:
        entry = ratios["200"][name]
        assert _number(entry["value"]) and _number(entry["limit"]) and isinstance(entry["met"], bool), name


def test_synthetic_data_validates_clean_and_is_deterministic(tmp_path: Path) -> None:
    make_synthetic = _make_synthetic()
    first, second = tmp_path / "a", tmp_path / "b"
    make_synthetic.make(300, first)
    make_synthetic.make(300, second)

    result = load([first])
    assert result.problems == []
    assert len(result.entities) == 300

    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name

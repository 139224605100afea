"""tests/benchmarks/bench_startup.py keeps working: one round, and a clear word for a wrong --base."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "benchmarks" / "bench_startup.py"


def test_one_round_prints_each_start_against_the_bare_window(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--rounds", "1", "--work", str(tmp_path), "--json", str(tmp_path / "r.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1 rounds, Home")
    assert [line.split()[0] for line in lines[2:]] == ["bare", "almanac"]
    assert lines[2].split()[2] == "1.00"  # the bare window against itself
    assert (tmp_path / "r.json").is_file()


def test_a_base_that_is_no_checkout_is_refused_in_a_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--rounds", "1", "--base", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "not a checkout of this project" in done.stderr and "Traceback" not in done.stderr

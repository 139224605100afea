"""A start of the almanac (or of the bare window it is measured against) as a process, to its first paint.

Both benchmark scripts start processes this way: bench.py for its start-up and memory figures,
bench_startup.py for its interleaved rounds. Each start is a first run: fresh settings and a fresh
reader's folder, so Home opens (the machine's own would reopen whatever its user left open, and be
written to). The process prints its peak RSS as a line of JSON once painted, and exits
(ALMANAC_EXIT_AFTER_PAINT; bare_window.py does the same).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


class Start(NamedTuple):
    wall_s: float  # from spawn to exit
    cpu_s: float  # user + system, from the kernel's accounting of the finished child
    peak_rss_kib: int  # as the process printed it after its first paint


def first_run_env(config_dir: Path, root: Path | None = None) -> dict[str, str]:
    """The environment of a first run whose settings and reader's file go in `config_dir`; with `root`, the
    program is imported from that checkout."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        ALMANAC_EXIT_AFTER_PAINT="1",
        ALMANAC_CONFIG_DIR=str(config_dir),
        ALMANAC_DATA_DIR=str(config_dir),
    )
    if root is not None:
        env["PYTHONPATH"] = str(root)
    return env


def run_to_first_paint(command: list[str], scratch: Path, cwd: Path = ROOT, root: Path | None = None) -> Start:
    """Start `command` (in `cwd`, importing the program from `root` if given) as a first run, to its exit."""
    config = Path(tempfile.mkdtemp(prefix="config-", dir=scratch))  # fresh settings every run
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        command, cwd=cwd, env=first_run_env(config, root), capture_output=True, text=True, timeout=600
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    shutil.rmtree(config, ignore_errors=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Start(wall, cpu, int(json.loads(lines[-1])["peak_rss_kib"]))


def bare_command() -> list[str]:
    """The bare PySide6 window of the almanac's shape: the baseline of every start-up figure."""
    return [sys.executable, str(HERE / "bare_window.py")]


def almanac_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop", *args]

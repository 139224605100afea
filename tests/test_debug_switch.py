"""ALMANAC_DEBUG: one line by default, the traceback when asked; the log goes to standard error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# An internal error on purpose: the store's search raises something no code expects.
BROKEN = """
import sys
from desktop.core.store import Store
def boom(self, *a, **k):
    raise LookupError("a bug on purpose")
Store.search = boom
sys.argv = ["almanac", "search", "imet", "--cache-dir", sys.argv[1]]
from desktop.cli import main_exit
main_exit()
"""


def _run(tmp_path: Path, debug: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ALMANAC_DEBUG"}
    if debug is not None:
        env["ALMANAC_DEBUG"] = debug
    return subprocess.run(
        [sys.executable, "-c", BROKEN, str(tmp_path / "cache")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip


def test_an_internal_error_is_one_line_unless_debugging(tmp_path: Path) -> None:
    quiet = _run(tmp_path, None)
    assert quiet.returncode == 70
    assert "Traceback" not in quiet.stderr
    assert "internal error: LookupError: a bug on purpose" in quiet.stderr
    assert "ALMANAC_DEBUG=1" in quiet.stderr
    loud = _run(tmp_path, "1")
    assert loud.returncode == 70
    assert "Traceback (most recent call last)" in loud.stderr and "def boom" not in loud.stderr
    assert "a bug on purpose" in loud.stderr

"""Start-up to first paint against a bare window, interleaved round by round, as ratios.

usage: python tests/benchmarks/bench_startup.py [--rounds 21] [--base DIR] [--open ID] [--data DIR] [--work DIR]

Each round starts, in an order that turns with the round, a bare PySide6 window of the almanac's
shape (bare_window.py), this checkout's `python -m desktop`, and with `--base` the same command
from another checkout (say `git worktree add /tmp/startup-base <commit>`), so that every start sees
the machine as its neighbours do: the machine is shared, and a baseline measured minutes apart may
have seen another load. Every start is a first run (fresh settings and reader's folder, so Home
opens, or the page `--open` names) on a warm index of the bundled data (or of `--data` alone, say
a folder of tests/benchmarks/make_synthetic.py's), one index a checkout, built by an uncounted
warm-up start. It prints, for each command, the median wall time from spawn to exit
and the median processor time the process used (user + system, from the kernel's accounting of
the finished child), each also as a ratio to the bare window's from the same rounds.

Compile the bytecode first (`python -m compileall -q desktop`, in each checkout), as an installed
program has it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from first_paint import ROOT, almanac_command, bare_command, run_to_first_paint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start-up to first paint against a bare window, interleaved.")
    parser.add_argument("--rounds", type=int, default=21, help="rounds of one start each (default 21)")
    parser.add_argument("--base", type=Path, help="another checkout whose start is measured in the same rounds")
    parser.add_argument("--open", metavar="ID", help="start on this entity's page instead of Home")
    parser.add_argument("--data", type=Path, help="a data folder to start on instead of the bundled data")
    parser.add_argument("--work", type=Path, help="scratch folder for the indexes and settings (default: a temp one)")
    parser.add_argument("--json", type=Path, help="write every run's figures here too")
    opts = parser.parse_args(argv)
    if opts.rounds < 1:
        parser.error("--rounds must be 1 or more")
    if opts.base is not None and not (opts.base / "desktop" / "__main__.py").is_file():
        parser.error(f"--base {opts.base}: not a checkout of this project (no desktop/__main__.py)")
    work = (opts.work or Path(tempfile.mkdtemp(prefix="startup-bench-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    if opts.data is not None and not opts.data.is_dir():
        parser.error(f"--data {opts.data}: no such folder")
    data = ["--no-bundled", "--data", str(opts.data.resolve())] if opts.data else []
    extra = [*data, *(["open", opts.open] if opts.open else [])]

    def almanac(root: Path, name: str) -> tuple[list[str], Path, Path | None]:
        return almanac_command("--cache-dir", str(work / f"cache-{name}"), *extra), root, root

    commands: dict[str, tuple[list[str], Path, Path | None]] = {
        "bare": (bare_command(), ROOT, None),
        "almanac": almanac(ROOT, "this"),
    }
    if opts.base is not None:
        commands["base"] = almanac(opts.base.resolve(), "base")
    for command, cwd, root in commands.values():  # warm-up: page cache, indexes built; not counted
        run_to_first_paint(command, work, cwd, root)
    names = list(commands)
    walls: dict[str, list[float]] = {name: [] for name in names}
    cpus: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(opts.rounds):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            command, cwd, root = commands[name]
            start = run_to_first_paint(command, work, cwd, root)
            walls[name].append(start.wall_s)
            cpus[name].append(start.cpu_s)
    bare_wall = statistics.median(walls["bare"])
    bare_cpu = statistics.median(cpus["bare"])
    shown = f"{'Home' if not opts.open else 'open ' + opts.open}{f', data {opts.data}' if opts.data else ''}"
    print(f"{opts.rounds} rounds, {shown}; medians")
    print(f"{'command':<10} {'wall s':>8} {'× bare':>7} {'cpu s':>8} {'× bare':>7}")
    for name in names:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"{name:<10} {wall:8.3f} {wall / bare_wall:7.2f} {cpu:8.3f} {cpu / bare_cpu:7.2f}")
    if opts.json:
        opts.json.write_text(json.dumps({"walls": walls, "cpus": cpus}, indent=1))
    if opts.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

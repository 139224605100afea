"""The import benchmark: `almanac import foreignassistance` on a large complete-layout file, as ratios.

usage: python tests/benchmarks/bench_import.py [--size-mb 1000] [--file CSV] [--repeat 3]
                                                [--engines duckdb polars csv] [--work DIR] [--json OUT]

A synthetic file shaped like ForeignAssistance.gov's us_foreign_aid_complete.csv (27 columns,
quoted commas and newlines, about 300 bytes a row; tests/figures_gen.py) is written, read once
to warm the page cache, and then each figure is measured in a process of its own, so that its
peak memory (the child's ru_maxrss) is its own:

- the bare GROUP BY at the funding file's grain (country code, funding account, fiscal year,
  transaction type; exact decimal sums of both amounts) by each engine: DuckDB, Polars (its
  streaming engine) and Python's csv module; the fastest is the baseline;
- the same with a number for every row (DuckDB `WITH ORDINALITY`, Polars `with_row_index`), what
  reporting a bad row by its number would cost if done for every row;
- the whole `almanac import foreignassistance FILE --out DIR` command, against the baseline
  (target ≤ 2×), and its peak RSS (target ≤ 500 MiB).

Each figure is the median of --repeat runs, taken round by round (every figure once a round, the
csv module in the first only). The table goes to stdout, and with --json to a file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
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

KEYS = ["Country Code", "Funding Account ID", "Fiscal Year", "Transaction Type Name"]
AMOUNTS = ["Current Dollar Amount", "Constant Dollar Amount"]
TARGET_RATIO, TARGET_RSS_MIB = 2.0, 500


# -- the workers, each run as `bench_import.py --worker NAME FILE` --------------------------------


def _duckdb(path: str, numbered: bool) -> int:
    import duckdb

    con = duckdb.connect()
    con.execute("SET memory_limit = '256MB'")
    con.execute("SET preserve_insertion_order = false")
    keys = ", ".join(f'"{k}"' for k in KEYS)
    sums = ", ".join(f'sum(TRY_CAST("{a}" AS DECIMAL(38, 6)))' for a in AMOUNTS)
    first = ", min(ordinality)" if numbered else ""
    source = f"read_csv('{path}', header = true, all_varchar = true)" + (" WITH ORDINALITY" if numbered else "")
    return len(con.execute(f"SELECT {keys}, {sums}, count(*){first} FROM {source} GROUP BY ALL").fetchall())


def _polars(path: str, numbered: bool) -> int:
    import polars as pl

    frame = pl.scan_csv(path, infer_schema=False)
    extra = []
    if numbered:
        frame = frame.with_row_index("row", offset=1)
        extra = [pl.col("row").min()]
    sums = [pl.col(a).cast(pl.Decimal(38, 6), strict=False).sum() for a in AMOUNTS]
    return frame.group_by(KEYS).agg(*sums, pl.len(), *extra).collect(engine="streaming").height


def _csv_module(path: str) -> int:
    import csv
    from decimal import Decimal, InvalidOperation

    sums: dict[tuple[str, ...], list[Any]] = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        keys = [header.index(k) for k in KEYS]
        amounts = [header.index(a) for a in AMOUNTS]
        for row in reader:
            entry = sums.setdefault(tuple(row[k] for k in keys), [Decimal(0), Decimal(0), 0])
            for i, a in enumerate(amounts):
                with contextlib.suppress(InvalidOperation):  # a bad amount is skipped, as the import does
                    entry[i] += Decimal(row[a]) if row[a] else 0
            entry[2] += 1
    return len(sums)


WORKERS = {
    "duckdb": lambda p: _duckdb(p, False),
    "duckdb-numbered": lambda p: _duckdb(p, True),
    "polars": lambda p: _polars(p, False),
    "polars-numbered": lambda p: _polars(p, True),
    "csv": _csv_module,
}
LABELS = {
    "duckdb": "bare GROUP BY, DuckDB",
    "polars": "bare GROUP BY, Polars (streaming)",
    "csv": "bare GROUP BY, Python csv module",
    "duckdb-numbered": "GROUP BY with every row numbered, DuckDB",
    "polars-numbered": "GROUP BY with every row numbered, Polars",
    "import": "almanac import foreignassistance (the whole command)",
}


# -- measuring --------------------------------------------------------------------------------------


def measure(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:4])}… failed ({child.returncode}): {error.strip()[-300:]}")
    return seconds, usage.ru_maxrss / 1024  # Linux gives KiB


def available(engine: str) -> bool:
    module = {"duckdb": "duckdb", "polars": "polars"}.get(engine.split("-")[0])
    if module is None:
        return True
    import importlib.util

    return importlib.util.find_spec(module) is not None


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark `almanac import foreignassistance` on a large file.")
    parser.add_argument("--size-mb", type=float, default=1000, help="size of the synthetic file in MB (default 1000)")
    parser.add_argument("--file", type=Path, help="use this complete-layout file instead of writing one")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is quoted (default 3)")
    parser.add_argument(
        "--engines",
        nargs="+",
        default=["duckdb", "polars", "csv"],
        choices=["duckdb", "polars", "csv"],
        help="engines for the baseline (default all three; csv takes minutes at 1 GB and runs once)",
    )
    parser.add_argument("--work", type=Path, help="where the file and the pack go (default: a new temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--worker", nargs=2, metavar=("NAME", "FILE"), help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.worker:
        name, path = opts.worker
        print(WORKERS[name](path))
        return 0

    work = opts.work or Path(tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    path = opts.file
    if path is None:
        import figures_gen

        path = work / "us_foreign_aid_complete.csv"
        if not path.exists() or abs(path.stat().st_size / 1e6 - opts.size_mb) > opts.size_mb * 0.01 + 1:
            print(f"writing {opts.size_mb:,.0f} MB of synthetic transactions to {path} …", file=sys.stderr)
            figures_gen.write_synthetic_complete(path, opts.size_mb)
    size = path.stat().st_size
    with path.open("rb") as f:  # the page cache warm for every figure alike
        while f.read(1 << 24):
            pass

    figures: dict[str, tuple[list[str], dict[str, str] | None, int]] = {}  # name -> argv, env, runs
    for engine in opts.engines:
        for name in (engine, f"{engine}-numbered") if engine != "csv" else (engine,):
            if not available(name):
                print(f"{name}: not installed, skipped", file=sys.stderr)
                continue
            worker = [sys.executable, __file__, "--worker", name, str(path)]
            figures[name] = (worker, None, 1 if name == "csv" else opts.repeat)
    out = work / "pack"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "desktop", "import", "foreignassistance", str(path), "--out", str(out)]
    figures["import"] = (argv, env, opts.repeat)
    # Round by round, each figure once a round: on a shared machine a slow spell then weighs on
    # every figure alike, not on whichever one was being measured over and over.
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in figures}
    for done in range(opts.repeat):
        print(f"round {done + 1} of {opts.repeat} …", file=sys.stderr)
        for name, (command, environment, count) in figures.items():
            if done < count:
                runs[name].append(measure(command, environment))
    shutil.rmtree(out, ignore_errors=True)
    results: dict[str, dict[str, Any]] = {
        name: {
            "seconds": statistics.median(s for s, _ in measured),
            "runs": [s for s, _ in measured],
            "peak_rss_mib": max(rss for _, rss in measured),
        }
        for name, measured in runs.items()
    }
    bare = [n for n in ("duckdb", "polars", "csv") if n in results]
    baseline = min(bare, key=lambda n: results[n]["seconds"])

    base = results[baseline]["seconds"]
    rows = []
    for name, figure in results.items():
        ratio = figure["seconds"] / base
        rows.append((LABELS[name], figure["seconds"], figure["peak_rss_mib"], ratio))
    print(f"\nFile: {path.name}, {size / 1e6:,.0f} MB; baseline: {LABELS[baseline]} ({base:.2f} s)")
    print(f"{'figure':<56} {'seconds':>8} {'peak RSS':>10} {'× baseline':>11}")
    for label, seconds, rss, ratio in rows:
        print(f"{label:<56} {seconds:>8.2f} {rss:>6.0f} MiB {ratio:>10.2f}×")
    imp = results["import"]
    ratio = imp["seconds"] / base
    verdict = "met" if ratio <= TARGET_RATIO else "missed"
    print(f"\nimport / baseline: {ratio:.2f}× (target ≤ {TARGET_RATIO:g}×: {verdict})")
    verdict = "met" if imp["peak_rss_mib"] <= TARGET_RSS_MIB else "missed"
    print(f"import peak RSS: {imp['peak_rss_mib']:.0f} MiB (target ≤ {TARGET_RSS_MIB} MiB: {verdict})")
    print(f"import throughput: {size / 1e6 / imp['seconds']:,.0f} MB/s")
    if opts.json:
        opts.json.write_text(
            json.dumps({"file_bytes": size, "baseline": baseline, "results": results}, indent=2), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

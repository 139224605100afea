"""Everything a built index holds, row by row, for comparing two builds of the same data.

`python tests/index_dump.py OUT.json [--bundled] [DIR...]` builds the index of the folders (the
bundled data with `--bundled`, else the folders alone) in a fresh cache and writes every table
as JSON; run it with two versions of the program and compare the files (`--compare A B`). Left
out: the entities' digests and the fingerprint, which say whether something changed, not what
the index holds (and a change of how they are worked out changes them all); and the full-text
tables' segments, compared by what they hold (every row, and FTS5's own integrity check), since
how they are laid out depends on how the rows were written, not on what they are.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Columns left out of the comparison, by table.
SKIPPED = {"entities": {"digest"}, "meta": set()}
# The full-text tables as their content, not their segments (whose layout depends on how they were filled).
CONTENT = {
    "fts": "SELECT rowid, name, aliases, summary, facts FROM fts ORDER BY rowid",
    "spell": "SELECT rowid, norm FROM spell ORDER BY rowid",
}
SHADOW = ("fts_", "spell_", "sqlite_master", "sqlite_sequence", "sqlite_schema")


def dump_index(path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(path)  # read-write: the integrity checks are written as inserts, though they change nothing
    try:
        for table in CONTENT:
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        out: dict[str, Any] = {}
        schema = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        out["schema"] = [list(row) for row in schema]
        tables = [name for kind, name, _, _ in schema if kind == "table" and not name.startswith(SHADOW)]
        for table in tables:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            kept = [c for c in columns if c not in SKIPPED.get(table, set())]
            select = ", ".join(f'"{c}"' for c in kept)
            rows = conn.execute(f"SELECT {select} FROM {table} ORDER BY {', '.join(map(str, range(1, len(kept) + 1)))}")
            out[table] = {"columns": kept, "rows": [list(row) for row in rows]}
        # The statistics of the full-text tables' segments say how the segments were written, not what they hold.
        stats = out["sqlite_stat1"]["rows"]
        out["sqlite_stat1"]["rows"] = [row for row in stats if not str(row[0]).startswith(SHADOW[:2])]
        meta = out["meta"]["rows"]
        out["meta"]["rows"] = [row for row in meta if row[0] != "fingerprint"]
        for table, sql in CONTENT.items():
            out[table] = [list(row) for row in conn.execute(sql)]
        return out
    finally:
        conn.close()


def build_and_dump(folders: list[Path], bundled: bool) -> dict[str, Any]:
    from desktop.core.bundle import bundled_data_dir
    from desktop.core.store import Store

    with tempfile.TemporaryDirectory() as cache:
        chosen = ([bundled_data_dir()] if bundled else []) + folders
        store = Store.open(chosen, cache_dir=Path(cache), rebuild=True)
        try:
            assert store.path is not None
            return dump_index(store.path)
        finally:
            store.close()


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    found = []
    for key in sorted(a.keys() | b.keys()):
        if a.get(key) == b.get(key):
            continue
        left, right = a.get(key), b.get(key)
        rows_a = left["rows"] if isinstance(left, dict) else left
        rows_b = right["rows"] if isinstance(right, dict) else right
        if not isinstance(rows_a, list) or not isinstance(rows_b, list):
            found.append(f"{key}: one side lacks it")
            continue
        extra_a = [r for r in rows_a if r not in rows_b][:3]
        extra_b = [r for r in rows_b if r not in rows_a][:3]
        found.append(
            f"{key}: {len(rows_a)} vs {len(rows_b)} rows; only in the first {extra_a}; only in the second {extra_b}"
        )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("folders", type=Path, nargs="*")
    parser.add_argument("--bundled", action="store_true")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"))
    args = parser.parse_args()
    if args.compare:
        a, b = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        found = differences(a, b)
        for line in found:
            print(line)
        print("identical" if not found else f"{len(found)} table(s) differ")
        return 1 if found else 0
    dumped = build_and_dump([f.resolve() for f in args.folders], args.bundled)
    args.out.write_text(json.dumps(dumped, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(f"{args.out}: {sum(len(v['rows']) if isinstance(v, dict) else len(v) for v in dumped.values())} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())

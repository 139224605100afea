"""Write a synthetic data folder of N entities shaped like the real data.

usage: python tests/benchmarks/make_synthetic.py N OUT_DIR [--seed S] [--pack-size K]

Every kind of the bundled vocabulary, names and aliases, summaries of about
the bundled length, about ten facts per entity (links between entities, dated
points and periods of every precision, quantities, texts), each citing a
source with a paragraph locator; entities go into bulk pack files of K each.
The folder carries the bundled vocabulary, sources and schema, so it can be
used alone (`--no-bundled --data OUT_DIR`) and validates clean. The same N
and seed always give the same files.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from desktop.core.bundle import bundled_data_dir  # noqa: E402

SYLLABLES = [
    "al",
    "ba",
    "cor",
    "da",
    "el",
    "fa",
    "gor",
    "ha",
    "in",
    "jo",
    "ka",
    "lo",
    "mar",
    "no",
    "or",
    "pa",
    "qui",
    "ra",
    "sa",
    "ta",
    "ul",
    "va",
    "wen",
    "xi",
    "yo",
    "za",
]
WORDS = [
    "program",
    "training",
    "assistance",
    "security",
    "defense",
    "military",
    "foreign",
    "officers",
    "schools",
    "funding",
    "agency",
    "office",
    "law",
    "act",
    "congress",
    "country",
    "forces",
    "support",
    "policy",
    "cooperation",
    "students",
    "courses",
    "grants",
    "loans",
    "equipment",
    "sales",
    "oversight",
    "human",
    "rights",
    "vetting",
    "regional",
    "stability",
    "relations",
    "embassy",
    "ambassador",
    "report",
    "annual",
]
UNITS = ["USD", "students", "countries", "percent", "courses"]


def _name(rng: random.Random) -> str:
    words = []
    for _ in range(rng.choice((2, 2, 3, 4))):
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3))))
        words.append(word.capitalize())
    return " ".join(words)


def _sentence(rng: random.Random, length: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + "."


def _date(rng: random.Random) -> str:
    year = rng.randint(1946, 2024)
    form = rng.randrange(6)
    if form == 0:
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if form == 1:
        return f"{year}-{rng.randint(1, 12):02d}"
    if form == 2:
        return str(year)
    if form == 3:
        return f"{year // 10 * 10}s"
    if form == 4:
        return f"{rng.choice(('early', 'mid', 'late'))} {year // 10 * 10}s"
    return f"{rng.choice(('early', 'mid', 'late'))} {year}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make(n: int, out: Path, seed: int = 1, pack_size: int = 5000) -> list[Path]:
    """Write the folder; returns the pack files written."""
    rng = random.Random(seed)
    bundled = bundled_data_dir()
    vocabulary = yaml.safe_load((bundled / "vocabulary.yaml").read_text(encoding="utf-8"))
    sources = yaml.safe_load((bundled / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    kinds = [k["id"] for k in vocabulary["kinds"]]

    if out.exists():
        shutil.rmtree(out)
    (out / "packs").mkdir(parents=True)
    for name in ("vocabulary.yaml", "sources.yaml"):
        shutil.copy(bundled / name, out / name)
    shutil.copytree(bundled / "schema", out / "schema")

    ids = [f"syn-{i:06d}" for i in range(n)]
    kind_of = [kinds[i % len(kinds)] for i in range(n)]
    files = []
    for start in range(0, n, pack_size):
        lines: list[str] = ["# Synthetic entities for benchmarks (make_synthetic.py); not real data."]
        for i in range(start, min(n, start + pack_size)):
            name = f"{_name(rng)} {i}"
            acronym = "".join(w[0] for w in name.split()[:-1]).upper() + str(i)
            lines += [f"- id: {ids[i]}", f"  kind: {kind_of[i]}", f"  name: {_quote(name)}"]
            lines.append(f"  aliases: [{_quote(acronym)}]")
            # A parent of the same kind now and then gives the tree some depth.
            if i >= len(kinds) and rng.random() < 0.1:
                lines.append(f"  parent: {ids[i - len(kinds) * rng.randint(1, min(20, i // len(kinds)))]}")
                lines.append(f'  parent_sources: [{{source: {sources[0]["id"]}, locator: "¶1"}}]')
            lines.append(f"  summary: {_quote(' '.join(_sentence(rng, rng.randint(14, 24)) for _ in range(3)))}")
            lines.append(f'  summary_sources: [{{source: {sources[0]["id"]}, locator: "¶1"}}]')
            lines.append("  facts:")
            props = said_of(vocabulary, kind_of[i])
            for position in range(rng.randint(8, 12)):
                # What a kind can say: a region, say, is the subject of no link the vocabulary has.
                said = [(t, w) for t, w in (("entity", 5), ("quantity", 2), ("text", 2), ("date", 1)) if props[t]]
                takes = rng.choices([t for t, _ in said], weights=[w for _, w in said])[0]
                source = rng.choice(sources)
                prop = rng.choice(props[takes])
                lines.append(f"    - property: {prop['id']}")
                if takes == "entity":
                    target = rng.randrange(n)
                    lines.append(
                        f"      entity: {ids[of_kind(target, rng.choice(prop.get('range') or kinds), kinds, n)]}"
                    )
                elif takes == "quantity":
                    lines.append(f"      value: {rng.randint(1, 50_000_000)}")
                    lines.append(f"      unit: {rng.choice(UNITS)}")
                elif takes == "text":
                    lines.append(f"      text: {_quote(_sentence(rng, rng.randint(5, 12)))}")
                when = rng.random()
                if takes == "date" or when < 0.4 or position == 0:  # each entity has a dated fact: a timeline lane
                    lines.append(f"      date: {_quote(_date(rng))}")
                elif when < 0.6:
                    first, second = sorted((_date(rng), _date(rng)), key=lambda d: _sortable(d))
                    lines.append(f"      start: {_quote(first)}")
                    if rng.random() < 0.7 and _sortable(second)[1] >= _sortable(first)[0]:
                        lines.append(f"      end: {_quote(second)}")
                if rng.random() < 0.2:
                    lines.append(f"      note: {_quote(_sentence(rng, rng.randint(4, 9)))}")
                lines.append("      sources:")
                locator = rng.randint(1, max(1, source.get("paragraphs", 1)))
                lines.append(f'        - {{source: {source["id"]}, locator: "¶{locator}"}}')
        path = out / "packs" / f"pack-{start // pack_size:04d}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


def said_of(vocabulary: dict, kind: str) -> dict[str, list[dict]]:
    """The properties a `kind` may be the subject of (the vocabulary's `domain`), by what they take."""
    props: dict[str, list[dict]] = {"entity": [], "quantity": [], "text": [], "date": []}
    for prop in vocabulary["properties"]:
        if not prop.get("domain") or kind in prop["domain"]:
            props[prop.get("takes", "entity")].append(prop)
    return props


def of_kind(near: int, kind: str, kinds: list[str], n: int) -> int:
    """The number of a synthetic entity of `kind` close to `near` (entity i is of kind i mod len(kinds))."""
    at = near - near % len(kinds) + kinds.index(kind)
    return at if at < n else at - len(kinds)


def _sortable(text: str) -> tuple[str, str]:
    from desktop.core.dates import parse_date

    d = parse_date(text)
    return d.earliest, d.latest


def main() -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic data folder of N entities for benchmarks.")
    parser.add_argument("n", metavar="N", type=int, help="number of entities")
    parser.add_argument("out", metavar="OUT_DIR", type=Path, help="folder to write (replaced if it exists)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--pack-size", type=int, default=5000, help="entities per pack file (default 5000)")
    args = parser.parse_args()
    if args.n < 1:
        parser.error("N must be 1 or more")
    files = make(args.n, args.out, args.seed, args.pack_size)
    print(f"Wrote {args.n:,} entities in {len(files)} pack file(s) under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

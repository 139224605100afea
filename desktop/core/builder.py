"""A full build of the index: every data file read in batches (batches.py), and the rest worked out
from what the batches bring, as loader.load and index.build did it from entities in memory.

The batches' rows go into the index as they arrive, while later files are still being read. The
rules across files then run over the entities' briefs (links and parents that must exist, no
parent cycles, aliases another entity answers to), their outcome is written over the few rows
it changes, and the full text is made from the briefs rather than read back from the tables.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop.core import index
from desktop.core.batches import Batch, Brief, Context, attach_scratch, copy_batch, detach_scratch, read_batches
from desktop.core.collector import collector_paused
from desktop.core.figures import Figure, read_figures
from desktop.core.files import data_files, figure_files
from desktop.core.index import FileStat
from desktop.core.loader import Link, LoadResult, Name, Node, alias_clashes, cross_check, load_setup
from desktop.core.phrases import joined_phrase
from desktop.core.places import Places
from desktop.core.problems import Problem

# The page cache of the connection a build writes with, in KiB (it is given back when the build ends).
BUILD_CACHE_KIB = 256 * 1024


@dataclass
class BuildPlan:
    """What a build reads: the setup files (read already) and the data files, in the order they are read."""

    folders: list[Path]  # those that are folders
    setup: LoadResult  # the vocabulary and sources, and the problems with them
    schema: Path | None  # None: no schema anywhere, so no data file is read
    files: list[tuple[Path, Path]]  # (data file, its folder)

    def write(self, conn: sqlite3.Connection, fingerprint: str, files: Iterable[FileStat] = ()) -> None:
        write_index(self, conn, fingerprint, files)


def plan_build(folders: list[Path]) -> BuildPlan:
    setup, schema = load_setup(folders)
    present = [f for f in folders if f.is_dir()]
    files = [(path, folder) for folder in present for path in data_files(folder)] if schema is not None else []
    return BuildPlan(present, setup, schema, files)


def write_index(plan: BuildPlan, conn: sqlite3.Connection, fingerprint: str, files: Iterable[FileStat] = ()) -> None:
    """Read the data files of `plan` and write everything into the empty database behind `conn`."""
    # What a build holds (a brief of every entity, its full text) stays until the end and holds no cycles:
    # collections would walk it again and again as it grows and find nothing.
    with collector_paused():
        _write_index(plan, conn, fingerprint, files)


def _write_index(plan: BuildPlan, conn: sqlite3.Connection, fingerprint: str, files: Iterable[FileStat]) -> None:
    files = list(files)
    vocab = plan.setup.vocabulary
    # Rows go into the tables' indexes all over (facts by the entity they name): past the default 2 MB of
    # pages SQLite keeps in memory, each batch at 100,000 entities read pages back (0.8 s a batch, not 0.1).
    conn.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
    index.write_setup(conn, vocab)
    problems = list(plan.setup.problems)
    places = Places()  # the lines of the few problems found across files, each file read again at most once
    kept: dict[str, Brief] = {}  # by id, in the order read: the first of a duplicated id is kept
    first_facts: dict[str, int] = {}  # the rid of each kept entity's first fact
    text = _FullText()
    if plan.schema is not None:
        sizes = {stat.path: stat.size for stat in files}
        listed = [(path, folder, _size(sizes, path)) for path, folder in plan.files]
        batches = read_batches(listed, Context(vocab, plan.schema))
        _read(conn, batches, problems, kept, first_facts, text, places)
    _apply_cross_rules(conn, plan, kept, first_facts, places, problems)
    kinds = {ident: brief.kind for ident, brief in kept.items()}
    figures: list[Figure] = []
    if plan.schema is not None:
        for folder in plan.folders:
            for path in figure_files(folder):
                figures.extend(read_figures(path, kinds, vocab.sources, problems))
    index.write_figures(conn, figures)
    index.derive(conn, fts_rows=text.rows(kept))
    # By file and line, whatever order they were found in: a refreshed index finds them in another.
    problems.sort()
    index.finish(conn, problems, files, fingerprint)


def _size(sizes: dict[str, int], path: Path) -> int:
    found = sizes.get(str(path))
    if found is not None:
        return found
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the reading says what is wrong with it


def _read(
    conn: sqlite3.Connection,
    batches: Generator[Batch, None, None],
    problems: list[Problem],
    kept: dict[str, Brief],
    first_facts: dict[str, int],
    text: _FullText,
    places: Places,
) -> None:
    """Copy each batch into the index as it comes, numbering what is kept as one pass over the files would."""
    rid = fact_rid = 0
    attach_scratch(conn)
    with contextlib.closing(batches):  # stops the workers when anything below fails
        for batch in batches:
            keep: list[tuple[int, int, int]] = []
            for read in batch.files:
                problems.extend(read.problems)
                for brief in read.entities:
                    other = kept.get(brief.id)
                    if other is not None:
                        problems.append(_duplicate(brief, other, places))
                        continue
                    kept[brief.id] = brief
                    text.add(brief, kept)
                    rid += 1
                    first_facts[brief.id] = fact_rid + 1
                    keep.append((brief.k, rid, fact_rid + 1))
                    fact_rid += brief.facts
            copy_batch(conn, batch, keep)
    detach_scratch(conn)


def _duplicate(brief: Brief, other: Brief, places: Places) -> Problem:
    other_line = places.line(other.path, other.where)
    return Problem(
        brief.path,
        places.line(brief.path, brief.where),
        0,
        f"duplicate id `{brief.id}`: also in {other.path}:{other_line} (that one is kept)",
        "duplicate",
        other.path,
    )


def _apply_cross_rules(
    conn: sqlite3.Connection,
    plan: BuildPlan,
    kept: dict[str, Brief],
    first_facts: dict[str, int],
    places: Places,
    problems: list[Problem],
) -> None:
    """`loader.cross_check` and `loader.alias_clashes` over the kept entities; their outcome written over the rows."""
    nodes = {b.id: Node(b.kind, b.parent, b.path, b.where) for b in kept.values()}
    ranges = {p.id: p.range for p in plan.setup.vocabulary.properties.values()}
    # Only the links cross_check has something to say of (a target missing or of the wrong kind): it says
    # nothing of the others, and a Link for each of a hundred thousand facts would cost more than the check.
    links = (
        Link((b.id, position), b.path, prop, target, (*b.where, "facts", position))
        for b in kept.values()
        for position, prop, target in b.links
        if target not in nodes or (ranges[prop] and nodes[target].kind not in ranges[prop])
    )
    check = cross_check(nodes, links, plan.setup.vocabulary, places)
    unlinked = []
    for ident, position in check.missing:
        target = next(t for p, _, t in kept[ident].links if p == position)
        unlinked.append((target, first_facts[ident] + position))
    conn.executemany("UPDATE facts SET object = NULL, missing = ? WHERE rid = ?", unlinked)
    cut = [(parent, ident) for ident, parent in check.parents.items() if parent != kept[ident].parent]
    conn.executemany("UPDATE entities SET parent = ? WHERE id = ?", cut)
    problems.extend(check.problems)
    # Likewise only the names another entity also answers to: alias_clashes says nothing of the others.
    owner: dict[str, str] = {}
    shared: set[str] = set()
    for b in kept.values():
        for norm, _, _ in b.names:
            if owner.setdefault(norm, b.id) != b.id:
                shared.add(norm)
    names = (
        Name(b.id, norm, alias, ambiguous, b.path, b.where)
        for b in kept.values()
        for norm, alias, ambiguous in b.names
        if norm in shared
    )
    problems.extend(alias_clashes(names, places))


class _FullText:
    """The full text of every kept entity, as index._write_fts reads it from the tables: its own facts in
    order (a link by the linked entity's name, or the id it names when that does not exist), then the
    facts that link to it, by the id of the entity that states them.

    Put together as the batches come in, while files are still being read: a link to an entity read
    already is phrased at once, the others once all are read.
    """

    def __init__(self) -> None:
        self.said: dict[str, list[str]] = {}  # by entity, in the order kept
        self.later: list[tuple[list[str], int, str, str, str, bool]] = []  # links to entities not read yet
        self.said_of: dict[str, list[tuple[str, int, str]]] = {}  # by the entity linked to

    def add(self, brief: Brief, kept: dict[str, Brief]) -> None:
        said = self.said[brief.id] = list(brief.said)
        for at, label, target, detail, unknown in brief.linked:
            other = kept.get(target)
            if other is None:
                self.later.append((said, at, label, target, detail, unknown))
            else:
                said[at] = _linked(label, other.name, detail, unknown)
        for target, position, text in brief.said_of:
            self.said_of.setdefault(target, []).append((brief.id, position, text))

    def rows(self, kept: dict[str, Brief]) -> Iterator[tuple[int, str, str, str, str]]:
        for said, at, label, target, detail, unknown in self.later:
            other = kept.get(target)
            said[at] = _linked(label, target if other is None else other.name, detail, unknown)
        for rid, (ident, said) in enumerate(self.said.items(), start=1):
            brief = kept[ident]
            inverse = self.said_of.get(ident)  # a link to an entity that does not exist is said by its subject only
            if inverse:
                inverse.sort()
                said.extend(text for _, _, text in inverse)
            yield rid, brief.name, brief.aliases, brief.summary, index.FTS_JOIN.join(said)


def _linked(label: str, linked: str, detail: str, unknown: bool) -> str:
    """joined_phrase for a fact that links to another entity: inline, as it runs for every link."""
    if not linked:  # a name of nothing but spaces
        return joined_phrase(label, linked, detail, unknown)
    return f"{label} {linked}: {detail}" if detail else f"{label} {linked}"

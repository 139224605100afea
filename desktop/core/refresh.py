"""Updating a built index in place when a few data files changed.

Re-reading a 100,000-entity folder because one file was saved would take as
long as the first build. Instead the files that changed are read again, their
entities' rows replaced, and everything another entity owes to them (links,
counts, full text, tree places, link problems) recomputed for the entities a
change can reach. The cross-file rules run over the whole index, as they do
in a full build, from the ids, kinds and places the index keeps.

What a refresh does not handle it refuses, and a full build follows: a changed
vocabulary, sources or schema file, a duplicate id involving a changed file,
or so many changed files that a full build is as quick.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from desktop.core import index
from desktop.core.index import FileStat
from desktop.core.loader import Link, Name, Node, alias_clashes, cross_check, load_file, load_setup
from desktop.core.model import Entity
from desktop.core.places import Places
from desktop.core.vocabulary import Vocabulary

# Past this share of the data's bytes, re-reading everything costs about the same.
MAX_CHANGED_SHARE = 0.3


class NeedsFullBuild(Exception):
    """The change cannot be applied in place; the reason is the message."""


def refresh(conn: sqlite3.Connection, folders: list[Path], stats: list[FileStat], fingerprint: str) -> None:
    """Apply the difference between the files the index at `conn` was built from and `stats`."""
    before = {row[0]: FileStat(*row) for row in conn.execute("SELECT path, size, mtime_ns, role FROM files")}
    now = {stat.path: stat for stat in stats}
    changed = [path for path in before.keys() | now.keys() if before.get(path) != now.get(path)]
    roles = {(before.get(path) or now[path]).role for path in changed}
    if "setup" in roles:
        raise NeedsFullBuild("the vocabulary, sources or schema changed")
    if "figures" in roles:
        raise NeedsFullBuild("a table of figures changed")  # a new import: read whole, as it was written
    total = sum(stat.size for stat in stats if stat.role == "data") or 1
    if sum(now[path].size for path in changed if path in now) > MAX_CHANGED_SHARE * total:
        raise NeedsFullBuild("too much changed")
    setup, schema = load_setup(folders)
    if schema is None or any(p.origin == "setup" for p in setup.problems):
        raise NeedsFullBuild("the setup files have problems")
    changed_set = set(changed)
    _refuse_duplicates_involving(conn, changed_set)

    # Read the changed files, in the order a full build reads them.
    fresh: list[Entity] = []
    problems = []
    for path in _in_load_order(changed, now):
        entities, found = load_file(setup.vocabulary, schema, Path(path), _folder_of(Path(path), folders))
        fresh.extend(entities)
        problems.extend(found)
    _refuse_new_duplicates(conn, fresh, changed_set)

    old = _rows_of_files(conn, changed_set)  # id → (rid, kind, digest)
    # An entity the file still says exactly the same of keeps its rows: only real edits cost work.
    unchanged = {e.id for e in fresh if e.id in old and old[e.id][2] == e.digest}
    # Their links are still checked again: lines above them may have moved, and problems give lines.
    in_changed_files = {e.id for e in fresh}
    fresh = [e for e in fresh if e.id not in unchanged]
    old = {ident: row for ident, row in old.items() if ident not in unchanged}
    touched = old.keys() | {e.id for e in fresh}
    # Figures were checked against the entities they name when their table was read: a change to
    # one of those entities is read again whole, with the figures, as a build would.
    for sql in (
        "SELECT 1 FROM figures WHERE country IN ({}) LIMIT 1",
        "SELECT 1 FROM figures WHERE program IN ({}) LIMIT 1",
    ):
        if index.values_in(conn, sql, touched):
            raise NeedsFullBuild("figures name a changed entity")
    # Links whose target appeared, vanished or changed kind must be checked again, wherever they are.
    new_kinds = {e.id: e.kind for e in fresh}
    retarget = {i for i in old.keys() | new_kinds.keys() if (old[i][1] if i in old else None) != new_kinds.get(i)}
    # Entities whose rows mention a changed entity, read before its facts go.
    reach = _neighbours(conn, touched) | _parents_of(conn, set(old))
    # Numbered before the old rows go, so a new entity never takes the number an edited one keeps.
    next_rid = conn.execute("SELECT coalesce(max(rid), 0) + 1 FROM entities").fetchone()[0]
    next_fact = conn.execute("SELECT coalesce(max(rid), 0) + 1 FROM facts").fetchone()[0]
    _delete_entities(conn, {ident: row[0] for ident, row in old.items()})
    index.write_entities(conn, fresh, {ident: row[0] for ident, row in old.items()}, next_rid, next_fact)
    _spell_names_of(conn, {e.id for e in fresh})
    reach |= _neighbours(conn, touched) | {e.written_parent for e in fresh if e.written_parent}

    places = Places()
    reach |= _apply_cross_rules(conn, setup.vocabulary, places, touched | in_changed_files, retarget)
    _apply_alias_rule(conn, places)
    index.derive(conn, (touched | reach) & _existing(conn, touched | reach))

    for marks, chunk in index.in_chunks(changed_set):
        conn.execute(f"DELETE FROM problems WHERE origin IN ('file', 'duplicate') AND path IN ({marks})", chunk)
        conn.execute(f"DELETE FROM files WHERE path IN ({marks})", chunk)
    index.write_problems(conn, problems)
    conn.executemany("INSERT INTO files VALUES (?,?,?,?)", (now[path] for path in changed if path in now))
    index.write_meta(conn, fingerprint)


def _folder_of(path: Path, folders: list[Path]) -> Path:
    return next(f for f in folders if path.is_relative_to(f))


def _in_load_order(paths: Iterable[str], now: dict[str, FileStat]) -> list[str]:
    order = {path: n for n, path in enumerate(now)}  # `scan` lists files in the order `load` reads them
    return sorted((p for p in paths if p in now), key=order.__getitem__)


def _refuse_duplicates_involving(conn: sqlite3.Connection, changed: set[str]) -> None:
    """Which copy of a duplicated id wins depends on every file that has it: leave that to a full build."""
    for path, other in conn.execute("SELECT path, other FROM problems WHERE origin = 'duplicate'"):
        if path in changed or other in changed:
            raise NeedsFullBuild("a duplicate id involves a changed file")


def _refuse_new_duplicates(conn: sqlite3.Connection, fresh: list[Entity], changed: set[str]) -> None:
    ids = [e.id for e in fresh]
    if len(set(ids)) != len(ids):
        raise NeedsFullBuild("a changed file repeats an id")
    for marks, chunk in index.in_chunks(ids):
        for (path,) in conn.execute(f"SELECT path FROM entities WHERE id IN ({marks})", chunk):
            if path not in changed:
                raise NeedsFullBuild("a changed file has an id another file has")


def _rows_of_files(conn: sqlite3.Connection, paths: set[str]) -> dict[str, tuple[int, str, str]]:
    found: dict[str, tuple[int, str, str]] = {}
    for marks, chunk in index.in_chunks(paths):
        sql = f"SELECT id, rid, kind, digest FROM entities WHERE path IN ({marks})"
        found.update((ident, (rid, kind, digest)) for ident, rid, kind, digest in conn.execute(sql, chunk))
    return found


def _neighbours(conn: sqlite3.Connection, ids: set[str]) -> set[str]:
    """Entities that link to or from `ids`, or name one of them as parent."""
    found: set[str] = set()
    for sql in (
        "SELECT subject FROM facts WHERE object IN ({})",
        "SELECT subject FROM facts WHERE missing IN ({})",
        "SELECT object FROM facts WHERE subject IN ({})",
        "SELECT id FROM entities WHERE written_parent IN ({})",
    ):
        found |= index.values_in(conn, sql, ids)
    return found


def _parents_of(conn: sqlite3.Connection, ids: set[str]) -> set[str]:
    return index.values_in(conn, "SELECT written_parent, tree_parent FROM entities WHERE id IN ({})", ids)


def _existing(conn: sqlite3.Connection, ids: set[str]) -> set[str]:
    return index.values_in(conn, "SELECT id FROM entities WHERE id IN ({})", ids)


def _spell_names_of(conn: sqlite3.Connection, ids: set[str]) -> None:
    for marks, chunk in index.in_chunks(ids):
        conn.execute(
            "INSERT INTO spell(rowid, norm) SELECT n.rid, n.norm FROM names AS n "
            f"JOIN entities AS e ON e.rid = n.entity WHERE e.id IN ({marks})",
            chunk,
        )


def _delete_entities(conn: sqlite3.Connection, rows: dict[str, int]) -> None:
    for marks, chunk in index.in_chunks(rows):
        conn.execute(f"DELETE FROM citations WHERE fact IN (SELECT rid FROM facts WHERE subject IN ({marks}))", chunk)
        conn.execute(f"DELETE FROM facts WHERE subject IN ({marks})", chunk)
        rids = [rows[i] for i in chunk]  # one per id: the same `marks` serve
        # `spell` indexes `names` as external content: it is told what to forget before the rows go.
        conn.execute(
            f"INSERT INTO spell(spell, rowid, norm) SELECT 'delete', rid, norm FROM names WHERE entity IN ({marks})",
            rids,
        )
        conn.execute(f"DELETE FROM names WHERE entity IN ({marks})", rids)
        conn.execute(f"DELETE FROM fts WHERE rowid IN ({marks})", rids)
        conn.execute(f"DELETE FROM entities WHERE id IN ({marks})", chunk)


def _apply_cross_rules(
    conn: sqlite3.Connection, vocab: Vocabulary, places: Places, touched: set[str], retarget: set[str]
) -> set[str]:
    """Run the cross-file rules where a change can have moved their outcome; return the entities that moved.

    Parents are checked for every entity (cheap: one row each). Links are
    checked for the facts of `touched` entities (every entity in a changed
    file: the lines its problems give may have moved) and for facts anywhere that
    name an entity in `retarget` (one that appeared, vanished or changed kind);
    every other link's outcome, and its problem, stays as it was.
    """
    nodes = {
        ident: Node(kind, parent, path, tuple(json.loads(where)))
        for ident, kind, parent, path, where in conn.execute(
            "SELECT id, kind, written_parent, path, place FROM entities"
        )
    }
    columns = "SELECT rid, subject, position, property, coalesce(object, missing), object IS NULL FROM facts"
    rows: dict[int, tuple] = {}
    for ids, condition in (
        (touched, "subject IN ({}) AND (object IS NOT NULL OR missing IS NOT NULL)"),
        (retarget, "object IN ({})"),
        (retarget, "missing IN ({})"),
    ):
        for marks, chunk in index.in_chunks(ids):
            for row in conn.execute(f"{columns} WHERE {condition.format(marks)}", chunk):
                rows[row[0]] = row
    links = [
        Link((subject, position), nodes[subject].path, prop, target, (*nodes[subject].where, "facts", position))
        for _, subject, position, prop, target, _ in rows.values()
    ]
    check = cross_check(nodes, links, vocab, places)
    moved: set[str] = set()
    unlink: list[tuple[str, int]] = []
    relink: list[tuple[str, int]] = []
    for rid, subject, position, _, target, was_missing in rows.values():
        is_missing = (subject, position) in check.missing
        if is_missing != bool(was_missing):
            (unlink if is_missing else relink).append((target, rid))
            moved.update((subject, target))
    conn.executemany("UPDATE facts SET object = NULL, missing = ? WHERE rid = ?", unlink)
    conn.executemany("UPDATE facts SET object = ?, missing = NULL WHERE rid = ?", relink)
    current = dict(conn.execute("SELECT id, parent FROM entities"))
    reparent = [(parent, ident) for ident, parent in check.parents.items() if current.get(ident) != parent]
    conn.executemany("UPDATE entities SET parent = ? WHERE id = ?", reparent)
    for parent, ident in reparent:
        moved.add(ident)
        if parent:
            moved.add(parent)
        if current.get(ident):
            moved.add(current[ident])
    # Out go the problems of every parent, of the touched entities' links and of the links checked again.
    conn.execute("DELETE FROM problems WHERE origin = 'link' AND fact IS NULL")
    for marks, chunk in index.in_chunks(touched):
        conn.execute(f"DELETE FROM problems WHERE origin = 'link' AND subject IN ({marks})", chunk)
    conn.executemany(
        "DELETE FROM problems WHERE origin = 'link' AND subject = ? AND fact = ?",
        ((subject, position) for _, subject, position, *_ in rows.values()),
    )
    index.write_problems(conn, check.problems)
    return moved


# The names the alias rule reads (an entity's name and aliases, not its id) that more than one entity has.
_SHARED_NAMES = """SELECT e.id, n.norm, n.alias, n.ambiguous, e.path, e.place
    FROM names AS n JOIN entities AS e ON e.rid = n.entity
    WHERE (n.is_primary = 1 OR n.alias IS NOT NULL) AND n.norm IN (
        SELECT norm FROM names WHERE is_primary = 1 OR alias IS NOT NULL
        GROUP BY norm HAVING count(DISTINCT entity) > 1)"""


def _apply_alias_rule(conn: sqlite3.Connection, places: Places) -> None:
    """The alias rule again over every name: an edit anywhere can make or end a clash, and the
    names another entity shares are few, found by one grouping of the names table."""
    conn.execute("DELETE FROM problems WHERE origin = 'alias'")
    names = (
        Name(ident, norm, alias, bool(ambiguous), path, tuple(json.loads(place)))
        for ident, norm, alias, ambiguous, path, place in conn.execute(_SHARED_NAMES).fetchall()
    )
    index.write_problems(conn, alias_clashes(names, places))

"""Compiling loaded data into the SQLite index that every query reads.

The index is a cache: one database file, rebuilt from the YAML whenever the
data or SCHEMA_VERSION changes, written to a temporary file and renamed into
place so a reader never sees it half-written. Each query the program makes
(search, an entity page, a tree level, a timeline) has an index behind it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from desktop.core.phrases import phrase
from desktop.core.problems import Problem
from desktop.core.text import name_key, sort_key

if TYPE_CHECKING:
    from desktop.core.builder import BuildPlan
    from desktop.core.figures import Figure
    from desktop.core.model import Citation, Claim, Entity, Fact  # names only: the window's start needs none
    from desktop.core.vocabulary import Vocabulary

# Bump when the tables below change: an index of another version is rebuilt.
SCHEMA_VERSION = 11

DDL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
-- `key_facts`: the kind's key properties (a JSON list, in the vocabulary's order), which lead its pages.
CREATE TABLE kinds(id TEXT PRIMARY KEY, position INTEGER, label TEXT, plural TEXT,
                   icon TEXT, folder TEXT, count INTEGER, key_facts TEXT NOT NULL DEFAULT '[]');
CREATE TABLE properties(id TEXT PRIMARY KEY, label TEXT, inverse TEXT, takes TEXT, time TEXT NOT NULL);
CREATE TABLE sources(id TEXT PRIMARY KEY, title TEXT, publisher TEXT, url TEXT, license TEXT);
CREATE TABLE entities(
    rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, name TEXT NOT NULL,
    sort_name TEXT NOT NULL, aliases TEXT NOT NULL, parent TEXT, tree_parent TEXT,
    summary TEXT NOT NULL, path TEXT, place TEXT NOT NULL, child_count INTEGER NOT NULL,
    link_count INTEGER NOT NULL, fact_count INTEGER NOT NULL, written_parent TEXT, digest TEXT NOT NULL,
    parent_sources TEXT, summary_sources TEXT);
CREATE INDEX entities_tree ON entities(kind, tree_parent, sort_name, id);
CREATE INDEX entities_parent ON entities(parent);
CREATE INDEX entities_links ON entities(link_count DESC, sort_name);
CREATE INDEX entities_path ON entities(path);
CREATE INDEX entities_written_parent ON entities(written_parent) WHERE written_parent IS NOT NULL;
-- A fact's time as the loader parsed it: `earliest`/`latest` are its whole span as ISO days (they sort
-- as text); start_min..start_max are the days its start may fall on and end_min..end_max those
-- of its end, as day numbers (dates.day_number), NULL where open. A point starts and ends on it.
CREATE TABLE facts(
    rid INTEGER PRIMARY KEY, subject TEXT NOT NULL, position INTEGER NOT NULL,
    property TEXT NOT NULL, object TEXT, missing TEXT, value, unit TEXT, text TEXT,
    unknown INTEGER NOT NULL, date TEXT, start TEXT, "end" TEXT, earliest TEXT, latest TEXT,
    precision TEXT, display_date TEXT, note TEXT,
    start_min INTEGER, start_max INTEGER, end_min INTEGER, end_max INTEGER, claims TEXT);
CREATE INDEX facts_subject ON facts(subject, position);
CREATE INDEX facts_object ON facts(object, subject);
CREATE INDEX facts_missing ON facts(missing) WHERE missing IS NOT NULL;
CREATE INDEX facts_time ON facts(earliest, latest) WHERE earliest IS NOT NULL;
-- Periods known only by their end ("until January 2009"): the timeline places them by that end.
CREATE INDEX facts_until ON facts(latest) WHERE earliest IS NULL AND latest IS NOT NULL;
CREATE TABLE citations(fact INTEGER NOT NULL, position INTEGER NOT NULL, source TEXT NOT NULL,
                       locator TEXT NOT NULL, PRIMARY KEY(fact, position)) WITHOUT ROWID;
-- `alias` is the name's place among the entity's aliases (NULL for its name and its id); `ambiguous`
-- marks an alias the entity lists as shared with another.
CREATE TABLE names(rid INTEGER PRIMARY KEY, norm TEXT NOT NULL, entity INTEGER NOT NULL,
                   name TEXT NOT NULL, is_primary INTEGER NOT NULL, alias INTEGER, ambiguous INTEGER NOT NULL);
CREATE INDEX names_norm ON names(norm, is_primary DESC);
CREATE VIRTUAL TABLE fts USING fts5(name, aliases, summary, facts,
                                    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE VIRTUAL TABLE spell USING fts5(norm, content='names', content_rowid='rid',
                                      tokenize = 'trigram');
CREATE TABLE problems(position INTEGER PRIMARY KEY, path TEXT, line INTEGER, col INTEGER,
                      message TEXT, origin TEXT NOT NULL, other TEXT, subject TEXT, fact INTEGER);
CREATE INDEX problems_subject ON problems(subject) WHERE subject IS NOT NULL;
-- Official figures (core/figures.py): one amount per country or region, program, fiscal year and
-- transaction type, in US dollars of the day and, where given, constant dollars.
CREATE TABLE figures(rid INTEGER PRIMARY KEY, country TEXT NOT NULL, program TEXT NOT NULL,
                     fiscal_year INTEGER NOT NULL, type TEXT NOT NULL, current REAL NOT NULL, constant REAL,
                     source TEXT NOT NULL, locator TEXT NOT NULL);
CREATE INDEX figures_country ON figures(country, program, type, fiscal_year);
CREATE INDEX figures_program ON figures(program, country, type, fiscal_year);
-- Every file the index was built from, as it was then: what a refresh compares against.
CREATE TABLE files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                   role TEXT NOT NULL) WITHOUT ROWID;
"""


class FileStat(NamedTuple):
    path: str
    size: int
    mtime_ns: int
    role: str  # "setup" (vocabulary, sources, schema), "data" (entity files) or "figures"


def build(plan: BuildPlan, conn: sqlite3.Connection, fingerprint: str, files: Iterable[FileStat] = ()) -> None:
    """Read the data files `plan` names and write everything into the empty database behind `conn`."""
    plan.write(conn, fingerprint, files)  # builder.write_index: the plan brings the YAML and schema machinery


def write_setup(conn: sqlite3.Connection, vocab: Vocabulary) -> None:
    """Create the tables and write the kinds, properties and sources."""
    conn.executescript(DDL)
    conn.executemany(
        "INSERT INTO kinds VALUES (?,?,?,?,?,?,0,?)",
        ((k.id, k.order, k.label, k.plural, k.icon, k.folder, json.dumps(k.key_facts)) for k in vocab.kinds.values()),
    )
    conn.executemany(
        "INSERT INTO properties VALUES (?,?,?,?,?)",
        ((p.id, p.label, p.inverse, p.takes, p.time) for p in vocab.properties.values()),
    )
    conn.executemany(
        "INSERT INTO sources VALUES (?,?,?,?,?)",
        ((s.id, s.title, s.publisher, s.url, s.license) for s in vocab.sources.values()),
    )


def write_figures(conn: sqlite3.Connection, figures: Iterable[Figure]) -> None:
    conn.executemany(
        "INSERT INTO figures(country, program, fiscal_year, type, current, constant, source, locator) "
        "VALUES (?,?,?,?,?,?,?,?)",
        ((f.country, f.program, f.fiscal_year, f.type, f.current, f.constant, f.source, f.locator) for f in figures),
    )


def finish(conn: sqlite3.Connection, problems: Iterable[Problem], files: Iterable[FileStat], fingerprint: str) -> None:
    """The last of a build: problems, files, meta, and the full text and statistics made ready for reading."""
    write_problems(conn, problems)
    conn.executemany("INSERT INTO files VALUES (?,?,?,?)", files)
    write_meta(conn, fingerprint)
    conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    conn.execute("ANALYZE")


def entity_row(e: Entity, fact_count: int | None = None) -> tuple:
    """An entity's row of `entities` after its rid: what `derive` works out from other entities left at 0.

    `fact_count`: how many facts it has, when they are not in `e.facts` (a build reads them straight into rows).
    """
    facts = len(e.facts) if fact_count is None else fact_count
    return (
        e.id, e.kind, e.name, sort_key(e.sort_as or e.name), json.dumps(e.aliases, ensure_ascii=False), e.parent,
        None, e.summary, e.path, json.dumps(e.where), 0, 0, facts, e.written_parent, e.digest,
        cites_json(e.parent_sources), cites_json(e.summary_sources),
    )  # fmt: skip


def fact_row(fact: Fact) -> tuple:
    """A fact's row of `facts` after its rid, subject and position."""
    when = fact.when.columns  # date, start, end, earliest, latest, precision, as shown, then the four day numbers
    return (
        fact.property, fact.entity, fact.missing_entity, fact.value, fact.unit, fact.text, int(fact.unknown),
        *when[:7], fact.note, *when[7:], claims_json(fact.claims),
    )  # fmt: skip


def write_entities(
    conn: sqlite3.Connection, entities: Iterable[Entity], rids: dict[str, int], first_rid: int, first_fact_rid: int
) -> None:
    """Insert entities with their facts, citations and names; `derive` fills in what depends on other entities.

    An entity whose id is in `rids` keeps that row number (a refresh keeps the
    rows of an edited entity stable); the others are numbered from `first_rid`.
    """
    next_rid = first_rid
    entity_rows: list[tuple] = []
    name_rows: list[tuple] = []
    fact_rows: list[tuple] = []
    citation_rows: list[tuple] = []
    fact_rid = first_fact_rid - 1
    for e in entities:
        rid = rids.get(e.id)
        if rid is None:
            rid, next_rid = next_rid, next_rid + 1
        entity_rows.append((rid, *entity_row(e)))
        name_rows.extend((norm, rid, *rest) for norm, *rest in names_of(e, name_keys(e)))
        for position, fact in enumerate(e.facts):
            fact_rid += 1
            fact_rows.append((fact_rid, e.id, position, *fact_row(fact)))
            citation_rows.extend((fact_rid, j, c.source, c.locator) for j, c in enumerate(fact.sources))
        if len(fact_rows) > 50_000:
            _flush(conn, entity_rows, name_rows, fact_rows, citation_rows)
    _flush(conn, entity_rows, name_rows, fact_rows, citation_rows)


def cites_json(citations: Sequence[Citation]) -> str | None:
    """Citations as the index keeps them beside what they cite: [[source, locator], …], or NULL for none."""
    return json.dumps([[c.source, c.locator] for c in citations], ensure_ascii=False) if citations else None


def claims_json(claims: Sequence[Claim]) -> str | None:
    """Every claim of a fact whose sources disagree, in the order written, as the page and `--json` read them
    (NULL for a fact with one claim, nearly all: its columns say it all). Rare, so one text column."""
    if not claims:
        return None
    return json.dumps(
        [
            {
                "rank": c.rank, "entity": c.entity, "value": c.value, "unit": c.unit, "text": c.text,
                "unknown": c.unknown, "date": c.when.date.text if c.when.date else None,
                "start": c.when.start.text if c.when.start else None, "end": c.when.end.text if c.when.end else None,
                "when": c.when.display() or None, "note": c.note, "sources": [[s.source, s.locator] for s in c.sources],
            }
            for c in claims
        ],
        ensure_ascii=False,
    )  # fmt: skip


def _flush(conn: sqlite3.Connection, *batches: list[tuple]) -> None:
    entity_rows, name_rows, fact_rows, citation_rows = batches
    conn.executemany(f"INSERT INTO entities VALUES ({','.join('?' * 18)})", entity_rows)
    conn.executemany(
        "INSERT INTO names(norm, entity, name, is_primary, alias, ambiguous) VALUES (?,?,?,?,?,?)", name_rows
    )
    conn.executemany(f"INSERT INTO facts VALUES ({','.join('?' * 23)})", fact_rows)
    conn.executemany("INSERT INTO citations VALUES (?,?,?,?)", citation_rows)
    for batch in batches:
        batch.clear()


def name_keys(entity: Entity) -> list[str]:
    """text.name_key of the entity's name, of each alias in order, then of its id: worked out once for both
    the names table and the alias rule (loader.entity_names), which read the same keys."""
    return [name_key(entity.name), *map(name_key, entity.aliases), name_key(entity.id)]


def names_of(entity: Entity, keys: list[str]) -> Iterator[tuple[str, str, int, int | None, int]]:
    """Every name an entity answers to, folded, each once: its name, its aliases, and its id; each as
    (norm, name, is_primary, alias position, ambiguous), `keys` being its `name_keys`."""
    seen = set()
    ambiguous = {name_key(a) for a in entity.ambiguous_aliases} if entity.ambiguous_aliases else set()
    named = ((entity.name, 1, None), *((a, 0, i) for i, a in enumerate(entity.aliases)), (entity.id, 0, None))
    for norm, (name, primary, alias) in zip(keys, named, strict=True):
        if norm and norm not in seen:
            seen.add(norm)
            yield norm, name, primary, alias, int(norm in ambiguous)


def in_chunks(ids: Iterable[str], size: int = 500) -> Iterator[tuple[str, list[str]]]:
    """`ids`, sorted, in runs small enough for one statement, each with its `?,?,…` list for `IN (…)`."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        chunk = ordered[start : start + size]
        yield ",".join("?" * len(chunk)), chunk


def _scopes(column: str, ids: Iterable[str] | None) -> Iterator[tuple[str, Sequence[str]]]:
    """`WHERE` conditions that limit `column` to `ids`, a chunk at a time; one that admits all rows for None."""
    if ids is None:
        yield "1", ()
        return
    for marks, chunk in in_chunks(ids):
        yield f"{column} IN ({marks})", chunk


def values_in(conn: sqlite3.Connection, sql: str, ids: Iterable[str]) -> set[str]:
    """Every non-null value in the rows `sql` gives for `ids`; `sql` has one `{}` where the `IN` list goes."""
    found: set[str] = set()
    for marks, chunk in in_chunks(ids):
        for row in conn.execute(sql.format(marks), chunk):
            found.update(value for value in row if value is not None)
    return found


def derive(conn: sqlite3.Connection, ids: Iterable[str] | None = None, fts_rows: Iterable[tuple] | None = None) -> None:
    """Compute what an entity's row owes to other entities: tree place, counts, full text, spelling.

    With `ids`, only those entities (a refresh passes every entity a change can
    reach); without, all of them. One code path for both keeps a refreshed
    index identical to a fresh build. A full build, which has every entity in
    memory, passes the full text's rows (`fts_rows`, as `_write_fts` makes them)
    rather than have them read back from the tables, and indexes the names'
    spelling itself (`spell_names`) as it writes them.
    """
    wanted = None if ids is None else set(ids)
    # A tree parent that changes changes two parents' child counts: the old one's and the new one's.
    tree_parents = "SELECT tree_parent FROM entities WHERE id IN ({})"
    parents_before = set() if wanted is None else values_in(conn, tree_parents, wanted)
    for condition, args in _scopes("id", wanted):
        conn.execute(f"{_TREE_PARENT} WHERE {condition}", args)
    counted = None if wanted is None else wanted | parents_before | values_in(conn, tree_parents, wanted)
    for condition, args in _scopes("id", counted):
        conn.execute(f"{_CHILD_COUNT} WHERE {condition}", args)
        conn.execute(f"{_LINK_COUNT} WHERE {condition}", args)
    conn.execute("UPDATE kinds SET count = (SELECT count(*) FROM entities WHERE kind = kinds.id)")
    if fts_rows is not None:
        _insert_fts(conn, fts_rows)  # and the build indexed the names' spelling as it wrote them
        return
    _write_fts(conn, wanted)
    if wanted is None:
        spell_names(conn, 0)


def spell_names(conn: sqlite3.Connection, after: int) -> None:
    """Index the spelling of the names after row `after`, in rowid order: 'rebuild' would read them in the
    order of the covering index names_norm, and FTS5 takes rows out of rowid order several times more
    slowly (0.35 s against 0.06 at 10,000 entities)."""
    conn.execute("INSERT INTO spell(rowid, norm) SELECT rid, norm FROM names WHERE rid > ? ORDER BY rid", (after,))


# Where each entity hangs in the navigator: under a parent of its own kind, else at the top.
_TREE_PARENT = """UPDATE entities SET tree_parent =
    (SELECT p.id FROM entities AS p WHERE p.id = entities.parent AND p.kind = entities.kind)"""
_CHILD_COUNT = """UPDATE entities SET child_count =
    (SELECT count(*) FROM entities AS c WHERE c.kind = entities.kind AND c.tree_parent = entities.id)"""
_LINK_COUNT = """UPDATE entities SET link_count =
    (SELECT count(*) FROM facts WHERE facts.subject = entities.id AND facts.object IS NOT NULL)
  + (SELECT count(*) FROM facts WHERE facts.object = entities.id)"""

# Full text covers each fact from both ends: "Suspended Pakistan" on IMET and
# "Suspended from International Military Education and Training" on Pakistan.
# An entity's own facts come first, in order, then the facts that point at it,
# by the id of the entity that states them.
_OWN_PHRASES = """SELECT f.subject, p.label, coalesce(t.name, f.missing), f.value, f.unit, f.text, f.unknown, f.note
    FROM facts AS f JOIN properties AS p ON p.id = f.property LEFT JOIN entities AS t ON t.id = f.object"""
_INVERSE_PHRASES = """SELECT f.object, p.inverse, s.name, f.value, f.unit, f.text, f.unknown
    FROM facts AS f JOIN properties AS p ON p.id = f.property JOIN entities AS s ON s.id = f.subject"""
_INSERT_FTS = "INSERT INTO fts(rowid, name, aliases, summary, facts) VALUES (?,?,?,?,?)"
# Between the aliases, and between the phrases, of an entity's full text.
FTS_JOIN = " · "


# How much FTS5 holds in memory before writing it out, while a build fills the full text: about 4 MB a
# thousand entities. By default it writes out every megabyte and merges the pieces as it goes, and again
# in 'optimize'; written out once, the same index takes a third less time (0.7 s against 1.1 at 10,000).
FTS_HASH_BYTES = 64 * 1024 * 1024


def _insert_fts(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """Fill the empty full-text table with `rows`, as few times written out as memory allows.

    Where the rows outgrow the hash (past some 15,000 entities), the pieces written out are left
    unmerged ('automerge' 0) until 'optimize' merges them all at once, at the end: merged as they
    come, much of the text is merged again and again (at 100,000 entities, 8.3 s against 8.9).
    """
    conn.execute("INSERT INTO fts(fts, rank) VALUES ('hashsize', ?)", (FTS_HASH_BYTES,))
    conn.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', 0)")
    conn.executemany(_INSERT_FTS, rows)
    try:
        # Back to the defaults for whatever comes later (a refresh), and no trace of them in the index. The
        # settings stay in force for this connection: the rows are written out by 'optimize', at the end.
        conn.execute("DELETE FROM fts_config WHERE k IN ('hashsize', 'automerge')")
    except sqlite3.DatabaseError:  # an SQLite that keeps its shadow tables read-only (SQLITE_DBCONFIG_DEFENSIVE)
        conn.execute("INSERT INTO fts(fts, rank) VALUES ('hashsize', 1048576)")
        conn.execute("INSERT INTO fts(fts, rank) VALUES ('automerge', 4)")


def _write_fts(conn: sqlite3.Connection, ids: set[str] | None) -> None:
    texts: dict[str, list[str]] = {}
    inverse: dict[str, list[str]] = {}
    for condition, args in _scopes("f.subject", ids):
        sql = f"{_OWN_PHRASES} WHERE {condition} ORDER BY f.subject, f.position"
        for subject, label, linked, value, unit, text, unknown, note in conn.execute(sql, args):
            bucket = texts.setdefault(subject, [])
            bucket.append(phrase(label, linked_name=linked, value=value, unit=unit, text=text, unknown=bool(unknown)))
            if note:
                bucket.append(note)
    for condition, args in _scopes("f.object", ids):
        sql = f"{_INVERSE_PHRASES} WHERE f.object IS NOT NULL AND {condition} ORDER BY f.object, f.subject, f.position"
        for target, label, name, value, unit, text, unknown in conn.execute(sql, args):
            inverse.setdefault(target, []).append(
                phrase(label, linked_name=name, value=value, unit=unit, text=text, unknown=bool(unknown))
            )
    rows: list[tuple] = []
    for condition, args in _scopes("id", ids):
        found = conn.execute(f"SELECT rid, id, name, aliases, summary FROM entities WHERE {condition}", args).fetchall()
        rows.extend(found)
        if ids is not None:  # a refresh replaces rows; a build writes into an empty table
            conn.executemany("DELETE FROM fts WHERE rowid = ?", ((r[0],) for r in found))
    conn.executemany(
        _INSERT_FTS,
        (
            (
                rid,
                name,
                FTS_JOIN.join(json.loads(aliases)),
                summary,
                FTS_JOIN.join([*texts.get(i, ()), *inverse.get(i, ())]),
            )
            for rid, i, name, aliases, summary in sorted(rows)
        ),
    )


def write_problems(conn: sqlite3.Connection, problems: Iterable[Problem]) -> None:
    conn.executemany(
        "INSERT INTO problems(path, line, col, message, origin, other, subject, fact) VALUES (?,?,?,?,?,?,?,?)",
        ((p.path, p.line, p.column, p.message, p.origin, p.other, *(p.about or (None, None))) for p in problems),
    )


def write_meta(conn: sqlite3.Connection, fingerprint: str) -> None:
    entities, facts, figures = conn.execute(
        "SELECT (SELECT count(*) FROM entities), (SELECT count(*) FROM facts), (SELECT count(*) FROM figures)"
    ).fetchone()
    meta = {
        "schema_version": str(SCHEMA_VERSION),
        "fingerprint": fingerprint,
        "entities": str(entities),
        "facts": str(facts),
        "figures": str(figures),
    }
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", meta.items())

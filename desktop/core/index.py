"""Compiling loaded data into the SQLite index that every query reads.

The index is a cache: one database file, rebuilt from the YAML whenever the
data or SCHEMA_VERSION changes, written to a temporary file and renamed into
place so a reader never sees it half-written. Each query the program makes
(search, an entity page, a tree level, a timeline) has an index behind it.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from desktop.core.model import Entity
from desktop.core.phrases import phrase
from desktop.core.text import name_key, sort_key

if TYPE_CHECKING:
    from desktop.core.loader import LoadResult

# Bump when the tables below change: an index of another version is rebuilt.
SCHEMA_VERSION = 6

DDL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE kinds(id TEXT PRIMARY KEY, position INTEGER, label TEXT, plural TEXT,
                   icon TEXT, folder TEXT, count INTEGER);
CREATE TABLE properties(id TEXT PRIMARY KEY, label TEXT, inverse TEXT, takes TEXT);
CREATE TABLE sources(id TEXT PRIMARY KEY, title TEXT, publisher TEXT, url TEXT, license TEXT);
CREATE TABLE entities(
    rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, name TEXT NOT NULL,
    sort_name TEXT NOT NULL, aliases TEXT NOT NULL, parent TEXT, tree_parent TEXT,
    summary TEXT NOT NULL, path TEXT, line INTEGER, child_count INTEGER NOT NULL,
    link_count INTEGER NOT NULL, fact_count INTEGER NOT NULL);
CREATE INDEX entities_tree ON entities(kind, tree_parent, sort_name, id);
CREATE INDEX entities_parent ON entities(parent);
CREATE INDEX entities_links ON entities(link_count DESC, sort_name);
CREATE TABLE facts(
    rid INTEGER PRIMARY KEY, subject TEXT NOT NULL, position INTEGER NOT NULL,
    property TEXT NOT NULL, object TEXT, missing TEXT, value, unit TEXT, text TEXT,
    unknown INTEGER NOT NULL, date TEXT, start TEXT, "end" TEXT, earliest TEXT, latest TEXT,
    precision TEXT, display_date TEXT, note TEXT, line INTEGER);
CREATE INDEX facts_subject ON facts(subject, position);
CREATE INDEX facts_object ON facts(object, subject);
CREATE INDEX facts_time ON facts(earliest, latest) WHERE earliest IS NOT NULL;
-- Periods known only by their end ("until January 2009"): the timeline places them by that end.
CREATE INDEX facts_until ON facts(latest) WHERE earliest IS NULL AND latest IS NOT NULL;
CREATE TABLE citations(fact INTEGER NOT NULL, position INTEGER NOT NULL, source TEXT NOT NULL,
                       locator TEXT NOT NULL, PRIMARY KEY(fact, position)) WITHOUT ROWID;
CREATE TABLE names(rid INTEGER PRIMARY KEY, norm TEXT NOT NULL, entity INTEGER NOT NULL,
                   name TEXT NOT NULL, is_primary INTEGER NOT NULL);
CREATE INDEX names_norm ON names(norm, is_primary DESC);
CREATE VIRTUAL TABLE fts USING fts5(name, aliases, summary, facts,
                                    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE VIRTUAL TABLE spell USING fts5(norm, content='names', content_rowid='rid',
                                      tokenize = 'trigram');
CREATE TABLE problems(position INTEGER PRIMARY KEY, path TEXT, line INTEGER, col INTEGER,
                      message TEXT);
"""


def _tree_parents(entities: dict[str, Entity]) -> dict[str, str | None]:
    """Where each entity hangs in the navigator: under a parent of its own kind, else at the top."""
    out: dict[str, str | None] = {}
    for entity in entities.values():
        parent = entities.get(entity.parent) if entity.parent else None
        out[entity.id] = parent.id if parent is not None and parent.kind == entity.kind else None
    return out


def build(result: LoadResult, conn: sqlite3.Connection, fingerprint: str) -> None:
    """Write everything in `result` into the empty database behind `conn`."""
    vocab = result.vocabulary
    entities = result.entities
    conn.executescript(DDL)
    tree_parent = _tree_parents(entities)
    child_count = Counter(p for p in tree_parent.values() if p)
    links: Counter[str] = Counter()
    for entity in entities.values():
        for fact in entity.facts:
            if fact.entity:
                links[fact.entity] += 1
                links[entity.id] += 1
    kind_count = Counter(e.kind for e in entities.values())
    conn.executemany(
        "INSERT INTO kinds VALUES (?,?,?,?,?,?,?)",
        ((k.id, k.order, k.label, k.plural, k.icon, k.folder, kind_count[k.id]) for k in vocab.kinds.values()),
    )
    conn.executemany(
        "INSERT INTO properties VALUES (?,?,?,?)",
        ((p.id, p.label, p.inverse, p.takes) for p in vocab.properties.values()),
    )
    conn.executemany(
        "INSERT INTO sources VALUES (?,?,?,?,?)",
        ((s.id, s.title, s.publisher, s.url, s.license) for s in vocab.sources.values()),
    )
    rids = {ident: n for n, ident in enumerate(entities, start=1)}
    conn.executemany(
        "INSERT INTO entities VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            (
                rids[e.id],
                e.id,
                e.kind,
                e.name,
                sort_key(e.name),
                json.dumps(e.aliases, ensure_ascii=False),
                e.parent,
                tree_parent[e.id],
                e.summary,
                e.path,
                e.line,
                child_count[e.id],
                links[e.id],
                len(e.facts),
            )
            for e in entities.values()
        ),
    )

    fact_rows: list[tuple] = []
    citation_rows: list[tuple] = []
    # Full text covers each fact from both ends: "Suspended Pakistan" on IMET and
    # "Suspended from International Military Education and Training" on Pakistan.
    texts: dict[str, list[str]] = {ident: [] for ident in entities}
    rid = 0
    for entity in entities.values():
        for position, fact in enumerate(entity.facts):
            rid += 1
            when = fact.when
            prop = vocab.properties[fact.property]
            target = entities.get(fact.entity) if fact.entity else None
            detail = {"value": fact.value, "unit": fact.unit, "text": fact.text, "unknown": fact.unknown}
            texts[entity.id].append(
                phrase(prop.label, linked_name=target.name if target else fact.missing_entity, **detail)
            )
            if target is not None:
                texts[target.id].append(phrase(prop.inverse, linked_name=entity.name, **detail))
            if fact.note:
                texts[entity.id].append(fact.note)
            fact_rows.append(
                (
                    rid, entity.id, position, fact.property, fact.entity, fact.missing_entity, fact.value, fact.unit,
                    fact.text, int(fact.unknown), when.date.text if when.date else None,
                    when.start.text if when.start else None, when.end.text if when.end else None,
                    when.earliest, when.latest, when.precision, when.display() or None, fact.note, fact.line,
                )
            )  # fmt: skip
            citation_rows.extend((rid, j, c.source, c.locator) for j, c in enumerate(fact.sources))
        if len(fact_rows) > 50_000:
            _flush(conn, fact_rows, citation_rows)
    _flush(conn, fact_rows, citation_rows)
    conn.executemany(
        "INSERT INTO fts(rowid, name, aliases, summary, facts) VALUES (?,?,?,?,?)",
        ((rids[e.id], e.name, " · ".join(e.aliases), e.summary, " · ".join(texts[e.id])) for e in entities.values()),
    )
    conn.executemany("INSERT INTO names(norm, entity, name, is_primary) VALUES (?,?,?,?)", _names(entities, rids))
    conn.execute("INSERT INTO spell(spell) VALUES ('rebuild')")
    conn.executemany(
        "INSERT INTO problems(path, line, col, message) VALUES (?,?,?,?)",
        ((p.path, p.line, p.column, p.message) for p in result.problems),
    )
    meta = {
        "schema_version": str(SCHEMA_VERSION),
        "fingerprint": fingerprint,
        "entities": str(len(entities)),
        "facts": str(rid),
    }
    conn.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
    conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    conn.execute("ANALYZE")


def _flush(conn: sqlite3.Connection, facts: list[tuple], citations: list[tuple]) -> None:
    conn.executemany("INSERT INTO facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", facts)
    conn.executemany("INSERT INTO citations VALUES (?,?,?,?)", citations)
    facts.clear()
    citations.clear()


def _names(entities: dict[str, Entity], rids: dict[str, int]) -> Iterator[tuple[str, int, str, int]]:
    """Every name an entity answers to, folded: its name, its aliases, and its id."""
    for entity in entities.values():
        seen = set()
        for name, primary in ((entity.name, 1), *((a, 0) for a in entity.aliases), (entity.id, 0)):
            norm = name_key(name)
            if norm and norm not in seen:
                seen.add(norm)
                yield norm, rids[entity.id], name, primary

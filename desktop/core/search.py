"""Search over the index: exact names, then prefixes, then full text, then typos.

User text never reaches FTS5 as query syntax: it is folded and split into
words, and each word is quoted before it is matched, so quotes, brackets,
`-`, `*`, AND/OR/NOT and `U.S.` are all plain text here.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Collection

from desktop.core.text import name_key, words
from desktop.core.views import HIGHLIGHT_END, HIGHLIGHT_START, EntityRef, Hit

MAX_QUERY = 200  # characters of a query that are looked at; the rest is noise
MAX_WORDS = 12
PREFIX_CANDIDATES = 200
FUZZY_CANDIDATES = 200
FUZZY_THRESHOLD = 80
SNIPPET_SUMMARY = 110
FUZZY_BELOW = 3  # run the typo phase only when fewer good hits than this were found
TEXT_ALL_WORDS = 100.0  # the lowest score of a full-text hit that has every word
TEXT_RANK_CAP = 49.0  # a full-text hit's score is its base plus its bm25 rank, at most this
# The snippet of a full-text hit not made yet (search's `snippets`): a snippet is never empty otherwise.
SNIPPET_LATER = ""

# bm25 weights for the fts columns name, aliases, summary, facts, as FTS5's rank function.
_BM25_RANK = "bm25(10.0, 8.0, 2.0, 1.0)"


def _mark(text: str) -> str:
    return f"{HIGHLIGHT_START}{text}{HIGHLIGHT_END}"


def _name_snippet(matched: str, query_norm: str, summary: str) -> str:
    """The name that matched, its matching start marked, then the start of the summary."""
    head = _mark(matched)
    for cut in range(1, len(matched) + 1):
        key = name_key(matched[:cut])
        if key == query_norm:
            head = _mark(matched[:cut]) + matched[cut:]
            break
        if len(key) > len(query_norm):
            break
    if summary:
        tail = summary if len(summary) <= SNIPPET_SUMMARY else summary[:SNIPPET_SUMMARY].rsplit(" ", 1)[0] + "…"
        return f"{head} — {tail}"
    return head


def _snippet(snippet: str | tuple[str, str, str]) -> str:
    return snippet if isinstance(snippet, str) else _name_snippet(*snippet)


def _kind_clause(kind: str | None) -> tuple[str, tuple]:
    return (" AND e.kind = ?", (kind,)) if kind else ("", ())


# A candidate hit while the phases run: (score, kind, name, phase, snippet). The snippet of a
# name match is kept as the arguments of _name_snippet and made only for the hits returned:
# a short prefix finds hundreds of names, and search runs on every keystroke.
Candidate = tuple[float, str, str, str, "str | tuple[str, str, str]"]


def _names_phase(conn: sqlite3.Connection, q: str, kind: str | None, prefix: bool) -> list[tuple[str, Candidate]]:
    where, args = _kind_clause(kind)
    cargs: tuple[str, ...]
    if prefix:
        cond, cargs = "n.norm > ? AND n.norm < ?", (q, q + "\U0010ffff")
    else:
        cond, cargs = "n.norm = ?", (q,)
    rows = conn.execute(
        f"""SELECT e.id, e.kind, e.name, e.summary, e.link_count, n.name, n.norm, n.is_primary
            FROM names n JOIN entities e ON e.rid = n.entity
            WHERE {cond}{where} LIMIT {PREFIX_CANDIDATES}""",
        (*cargs, *args),
    ).fetchall()
    phase = "prefix" if prefix else "exact"
    hits: list[tuple[str, Candidate]] = []
    for ident, kind_id, name, summary, link_count, matched, norm, primary in rows:
        popularity = min(link_count, 100) / 100
        if prefix:
            # A prefix covering more of the name ranks higher: "pak" → Pakistan before Pakistan Army.
            score = 500 + 100 * len(q) / len(norm) + 20 * primary + popularity
        else:
            score = 1000 + 20 * primary + popularity
        hits.append((ident, (score, kind_id, name, phase, (matched, q, summary))))
    return hits


def _fts_query(tokens: list[str], prefix_last: bool, joiner: str) -> str:
    quoted = [f'"{t}"' for t in tokens]
    if prefix_last and len(tokens[-1]) >= 2:
        quoted[-1] += "*"
    return joiner.join(quoted)


class _FirstNew:
    """An SQL function, `first_new(id, rank)`: whether a full-text row can be among the first `count` hits
    of the answer, asked row by row in rank order. Rows of entities `found` by name are dropped from the
    answer; the first `count` others are in it, and so is any row the answer may sort among them: its
    hits tie on score where the rank is past the cap of the score (they are then sorted by name), and
    where two ranks are equal."""

    def __init__(self, found: Collection[str], count: int) -> None:
        self.found, self.left = found, count
        self.last: float | None = None

    def __call__(self, ident: str, rank: float) -> int:
        if ident in self.found:
            return 0
        if self.left > 0 or -rank >= TEXT_RANK_CAP or rank == self.last:
            self.left -= 1
            self.last = rank
            return 1
        return 0


# `first_new` is registered once on each of the store's connections (add_functions): registering a function
# again makes SQLite drop every statement it has prepared on that connection, and searches run on every key.
# Each full-text query sets the state its calls read; a connection is used by one thread at a time.
_asking = threading.local()


def _first_new(ident: str, rank: float) -> int:
    first_new: _FirstNew = _asking.first_new
    return first_new(ident, rank)


def add_functions(conn: sqlite3.Connection) -> None:
    """Register on `conn` the SQL functions searches use (once a connection: Store does, as it opens one)."""
    conn.create_function("first_new", 2, _first_new)


def _text_phase(
    conn: sqlite3.Connection,
    tokens: list[str],
    prefix_last: bool,
    kind: str | None,
    limit: int,
    snippets: tuple[Collection[str], int] | None = None,
) -> list[tuple[str, Candidate]]:
    """Full-text hits, every word required, else any. With `snippets` (ids found already, n), only the hits
    that can be among the first n of the answer get their snippet; the others carry SNIPPET_LATER."""
    where, args = _kind_clause(kind)
    joiners = [" ", " OR "] if len(tokens) > 1 else [" "]
    snippet = "snippet(fts, -1, ?, ?, '…', 12)"
    if snippets is not None:
        # FTS5 reads every column of a row for its snippet (some 20 µs a row of the synthetic data):
        # most of a short prefix's cost, when a screenful of the 100 rows is all that is seen at first.
        snippet = f"CASE WHEN first_new(e.id, fts.rank) THEN {snippet} ELSE '{SNIPPET_LATER}' END"
    for joiner in joiners:
        if snippets is not None:
            _asking.first_new = _FirstNew(*snippets)
        # Ranked by FTS5 itself (`rank MATCH` sets the bm25 weights for this query), so it sorts
        # row ids and ranks alone and snippet() runs only for the `limit` rows returned; ordering
        # by a bm25() column instead made SQLite build a snippet for every matching row first.
        # CROSS JOIN keeps fts the outer loop, where that order comes from.
        rows = conn.execute(
            f"""SELECT e.id, e.kind, e.name, fts.rank, {snippet}
                FROM fts CROSS JOIN entities e ON e.rid = fts.rowid
                WHERE fts MATCH ? AND fts.rank MATCH '{_BM25_RANK}'{where}
                ORDER BY fts.rank LIMIT ?""",
            (HIGHLIGHT_START, HIGHLIGHT_END, _fts_query(tokens, prefix_last, joiner), *args, limit),
        ).fetchall()
        if rows:
            # With every word required the match is better than with any word.
            base = TEXT_ALL_WORDS if joiner == " " else TEXT_ALL_WORDS / 2
            return [
                (ident, (base + min(-rank, TEXT_RANK_CAP), kind_id, name, "text", snippet))
                for ident, kind_id, name, rank, snippet in rows
            ]
    return []


def _trigram_query(q: str) -> str | None:
    grams = {q[i : i + 3] for i in range(len(q) - 2)}
    grams = {g for g in grams if g.strip()}
    if not grams:
        return None
    return " OR ".join('"' + g.replace('"', '""') + '"' for g in sorted(grams))


def fuzzy_names(
    conn: sqlite3.Connection, q: str, kind: str | None, threshold: float, limit: int, scorer: str = "ratio"
) -> list[tuple[float, str, int]]:
    """Names within `threshold` (0–100) of the query key: (similarity, matched name, entity rowid)."""
    match = _trigram_query(q)
    if match is None:
        return []
    from rapidfuzz import fuzz  # only typos need it: kept out of startup

    score = getattr(fuzz, scorer)
    rows = conn.execute(
        f"SELECT n.norm, n.name, n.entity FROM spell JOIN names n ON n.rid = spell.rowid "
        f"WHERE spell MATCH ? ORDER BY rank LIMIT {FUZZY_CANDIDATES}",
        (match,),
    ).fetchall()
    best: dict[int, tuple[float, str, int]] = {}
    for norm, name, entity in rows:
        similarity = score(q, norm)
        if similarity >= threshold and similarity > best.get(entity, (0.0,))[0]:
            best[entity] = (similarity, name, entity)
    ranked = sorted(best.values(), key=lambda t: -t[0])
    if kind and ranked:
        kinds = _entity_rows(conn, "kind", [t[2] for t in ranked])
        ranked = [t for t in ranked if kinds.get(t[2]) == (kind,)]
    return ranked[:limit]


def _entity_rows(conn: sqlite3.Connection, columns: str, rids: list[int]) -> dict[int, tuple]:
    """`columns` of the entities with these row ids, in one query: rid → row."""
    if not rids:
        return {}
    rows = conn.execute(
        f"SELECT rid, {columns} FROM entities WHERE rid IN ({','.join('?' * len(rids))})", rids
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def _fuzzy_phase(conn: sqlite3.Connection, q: str, kind: str | None, limit: int) -> list[tuple[str, Candidate]]:
    near = fuzzy_names(conn, q, kind, FUZZY_THRESHOLD, limit)
    entities = _entity_rows(conn, "id, kind, name, summary", [rid for _, _, rid in near])
    hits: list[tuple[str, Candidate]] = []
    for similarity, matched, rid in near:
        ident, kind_id, name, summary = entities[rid]
        hits.append((ident, (similarity / 10, kind_id, name, "fuzzy", (matched, "\0", summary))))
    return hits


def _full(found: dict[str, Candidate], limit: int) -> bool:
    """Whether `limit` entities are found already, so that no later phase can add a hit."""
    return len(found) >= limit


def _usable(text: str) -> str:
    """The part of a query that is looked at, without lone surrogates.

    SQLite cannot be given a lone surrogate, and it carries no meaning for a search anyway.
    """
    return text[:MAX_QUERY].encode("utf-8", "ignore").decode("utf-8")


def search(
    conn: sqlite3.Connection, query: str, kind: str | None = None, limit: int = 50, snippets: int | None = None
) -> list[Hit]:
    """Ranked hits for `query`, best first; never raises for any text a person can type.

    With `snippets`, full-text hits after the first `snippets` of the answer carry SNIPPET_LATER instead
    of their snippet (the same search without it makes them); the hits and their order are the same.
    """
    if limit <= 0:
        return []
    raw = _usable(query)
    q = name_key(raw)
    if not q:
        return []
    found: dict[str, Candidate] = {}

    def add(hits: list[tuple[str, Candidate]]) -> None:
        for ident, hit in hits:
            if ident not in found or found[ident][0] < hit[0]:
                found[ident] = hit

    # Every phase scores below everything the phases before it can score (exact ≥ 1000 >
    # prefix < 621, prefix ≥ 500 > text < 150, text ≥ 50 > typo ≤ 10), and a later phase never
    # replaces an entity already found. So once `limit` entities are found, no later phase can
    # place a hit in the answer, and it is not run: a one- or two-letter prefix fills the list
    # with names, and the full-text query it would run next is the costliest of all.
    add(_names_phase(conn, q, kind, prefix=False))
    if not _full(found, limit):
        add(_names_phase(conn, q, kind, prefix=True))
    tokens = words(raw)[:MAX_WORDS]
    if tokens and not _full(found, limit):
        # Every name hit ranks above every full-text hit, so the first `snippets` of the answer hold
        # the name hits and then the first full-text rows of entities not found by name.
        wanted = None if snippets is None else (set(found), snippets - len(found))
        add(_text_phase(conn, tokens, prefix_last=not raw[-1:].isspace(), kind=kind, limit=limit, snippets=wanted))
    # Typo tolerance is for what the exact phases missed: with a few good hits already
    # (names, or every word in the text) it would only add noise and time.
    good = sum(1 for hit in found.values() if hit[0] >= TEXT_ALL_WORDS)
    if good < FUZZY_BELOW and len(q) >= 3 and not _full(found, limit):
        add([(ident, hit) for ident, hit in _fuzzy_phase(conn, q, kind, limit) if ident not in found])
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[1][2].casefold(), item[0]))
    return [
        Hit(ident, kind_id, name, round(score, 3), _snippet(snippet), phase)
        for ident, (score, kind_id, name, phase, snippet) in ranked[:limit]
    ]


def closest(conn: sqlite3.Connection, text: str, limit: int = 5) -> list[EntityRef]:
    """Entities whose names or ids are nearest to `text`, for "did you mean" suggestions."""
    q = name_key(_usable(text))
    if len(q) < 3:
        return []
    near = fuzzy_names(conn, q, None, threshold=60, limit=limit, scorer="WRatio")
    entities = _entity_rows(conn, "id, kind, name", [rid for _, _, rid in near])
    return [EntityRef(*entities[rid]) for _, _, rid in near]

"""Search: phases and ranking, diacritics, the kind filter, and hostile input that must never raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from datafiles import cited_summary, entity, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core import search as searching
from desktop.core.store import Store
from desktop.core.text import words
from desktop.core.views import HIGHLIGHT_END, HIGHLIGHT_START, Hit


def ids(hits: list[Hit]) -> list[str]:
    return [h.id for h in hits]


# -- phases and ranking on the bundled data ----------------------------------------------


@pytest.mark.parametrize(
    "query", ["fmf", "FMF", "Fmf", " fmf ", "Foreign Military Financing", "foreign-military-financing"]
)
def test_an_acronym_in_any_case_puts_its_entity_first(bundled_store: Store, query: str):
    hits = bundled_store.search(query)
    assert hits[0].id == "foreign-military-financing"
    assert hits[0].phase == "exact"


@pytest.mark.parametrize("query", ["imet", "IMET", "International Military Education and Training"])
def test_imet_first(bundled_store: Store, query: str):
    hits = bundled_store.search(query)
    assert hits[0].id == "imet"
    assert hits[0].phase == "exact"
    assert hits[0].score > hits[1].score


def test_an_exact_match_outranks_everything_else(bundled_store: Store):
    hits = bundled_store.search("senegal")
    assert hits[0].id == "senegal"
    assert hits[0].phase == "exact"
    assert all(h.phase != "exact" for h in hits[1:])


def test_a_prefix_finds_names_shortest_first(bundled_store: Store):
    hits = bundled_store.search("pak")
    assert ids(hits)[:2] == ["pakistan", "pakistan-army"]
    assert hits[0].phase == hits[1].phase == "prefix"
    assert hits[0].snippet.startswith(f"{HIGHLIGHT_START}Pak{HIGHLIGHT_END}istan")


def test_an_alias_prefix_finds_its_entity(bundled_store: Store):
    assert bundled_store.search("usai")[0].id == "usaid"


def test_results_come_best_first_with_no_repeats(bundled_store: Store):
    hits = bundled_store.search("military")
    assert len(hits) > 5
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert len(set(ids(hits))) == len(hits)


def test_full_text_finds_words_in_fact_notes_with_the_match_marked(bundled_store: Store):
    hits = bundled_store.search("impunity")  # in the note of the Leahy Laws' restriction, nowhere in its summary
    assert ids(hits)[0] == "leahy-laws"
    for hit in hits:
        assert hit.phase == "text"
        assert f"{HIGHLIGHT_START}impunity{HIGHLIGHT_END}" in hit.snippet.lower()
    assert hits[0].marked("<", ">").count("<impunity>") == 1


@pytest.mark.parametrize(
    ("typo", "expected"), [("Pakstan", "pakistan"), ("Sengal", "senegal"), ("Pakistn", "pakistan")]
)
def test_a_typo_still_finds_the_name(bundled_store: Store, typo: str, expected: str):
    hits = bundled_store.search(typo)
    assert hits[0].id == expected
    assert hits[0].phase == "fuzzy"


def test_the_kind_filter(bundled_store: Store):
    countries = bundled_store.search("imet", kind="country")
    assert countries
    assert {h.kind for h in countries} == {"country"}
    assert "imet" not in ids(countries)
    assert ids(bundled_store.search("imet", kind="program")) == ["imet"]
    assert ids(bundled_store.search("pak", kind="armed-force"))[0] == "pakistan-army"
    assert ids(bundled_store.search("Pakstan", kind="country")) == ["pakistan"]
    assert bundled_store.search("Pakstan", kind="armed-force") == []
    assert bundled_store.search("imet", kind="no-such-kind") == []


def test_the_limit(bundled_store: Store):
    assert len(bundled_store.search("military", limit=3)) == 3
    assert ids(bundled_store.search("military", limit=3)) == ids(bundled_store.search("military"))[:3]
    assert bundled_store.search("imet", limit=0) == []
    assert bundled_store.search("imet", limit=-1) == []


def test_hits_carry_id_kind_name_score_and_snippet(bundled_store: Store):
    hit = bundled_store.search("imet")[0]
    assert (hit.id, hit.kind, hit.name) == ("imet", "program", "International Military Education and Training")
    assert isinstance(hit.score, float)
    assert hit.snippet.startswith(f"{HIGHLIGHT_START}IMET{HIGHLIGHT_END}")
    assert hit.marked("[", "]").startswith("[IMET]")


# -- a small controlled data folder -------------------------------------------------------


@pytest.fixture
def small_store(data_dir: Path, tmp_path: Path) -> Store:
    write(data_dir, "countries/cote-d-ivoire.yaml", entity("cote-d-ivoire", kind="country", name="Côte d'Ivoire"))
    write(
        data_dir,
        "countries/erewhon.yaml",
        entity("erewhon", kind="country", body=cited_summary("A land visited by a zeppelin once a year.")),
    )
    write(data_dir, "countries/blue-office.yaml", entity("blue-office", kind="country", name="Blue Widget Office"))
    write(
        data_dir,
        "countries/plain.yaml",
        entity(
            "plain", kind="country", body=cited_summary("Known for the widget trade and for nothing else at all here.")
        ),
    )
    return Store.open([data_dir], cache_dir=tmp_path / "cache")


@pytest.mark.parametrize(
    "query", ["cote", "côte", "Côte", "COTE", "cote d'ivoire", "Côte d’Ivoire", "Cote d Ivoire", "côte-d'ivoire"]
)
def test_diacritics_fold(small_store: Store, query: str):
    assert small_store.search(query)[0].id == "cote-d-ivoire"


def test_a_word_only_in_a_summary_finds_its_entity_with_the_match_marked(small_store: Store):
    hits = small_store.search("zeppelin")
    assert ids(hits) == ["erewhon"]
    assert hits[0].phase == "text"
    assert f"{HIGHLIGHT_START}zeppelin{HIGHLIGHT_END}" in hits[0].snippet


def test_full_text_weighs_names_above_summaries(small_store: Store):
    hits = small_store.search("widget")
    assert ids(hits) == ["blue-office", "plain"]
    assert {h.phase for h in hits} == {"text"}


def test_a_text_prefix_matches_while_typing(small_store: Store):
    assert ids(small_store.search("zeppe")) == ["erewhon"]


# -- hostile input ---------------------------------------------------------------------------


NASTY = [
    '"imet"',
    "'imet'",
    "(imet",
    "imet)",
    "(",
    ")",
    "()",
    "-",
    "-imet",
    "--",
    "*",
    "imet*",
    "**",
    "AND",
    "OR",
    "NOT",
    "imet AND fmf",
    "NOT imet",
    "imet OR",
    "AND OR NOT",
    "NEAR(imet fmf)",
    "name:imet",
    "{name aliases}: imet",
    "^imet",
    "imet + fmf",
    "U.S.",
    "u.s",
    "saudi-arabia",
    "%",
    "%imet%",
    "_",
    '"',
    '""',
    "'",
    "\\",
    "a" * 10_000,
    "imet " * 2_000,
    "\ud800",
    "imet\ud800",
    "\udfff\ud800",
    "\x00",
    "imet\x00fmf",
    "\x01\x02",
    "\x1b[31mred",
    "\t\n\r",
    "🇺🇸",
    "🙂 imet",
    "👨‍👩‍👧",
    "مصر",
    "שלום עולם",
    "\u202eimet",
    "'; DROP TABLE entities; --",
    '"; DROP TABLE fts; --',
    "imet'; DELETE FROM names; --",
    "",
    " ",
    "\ufeff",
    "\uffff",
    "\U0010ffff",
    "e\u0301",
    "\u0301",
    "ß",
    "ﬁ",
]


def _tables(store: Store) -> list[str]:
    return sorted(r[0] for r in store.conn.execute("SELECT name FROM sqlite_master"))


@pytest.mark.parametrize("query", NASTY, ids=range(len(NASTY)))
def test_nasty_input_returns_a_list_and_changes_nothing(bundled_store: Store, query: str):
    before = (bundled_store.conn.execute("SELECT count(*) FROM entities").fetchone()[0], _tables(bundled_store))
    hits = bundled_store.search(query)
    assert isinstance(hits, list)
    assert all(isinstance(h, Hit) for h in hits)
    for kind in ("country", None):
        assert isinstance(bundled_store.search(query, kind=kind, limit=5), list)
    assert isinstance(bundled_store.closest(query), list)
    after = (bundled_store.conn.execute("SELECT count(*) FROM entities").fetchone()[0], _tables(bundled_store))
    assert after == before
    assert bundled_store.counts().entities == before[0]


@pytest.mark.parametrize(
    "query", ['"imet"', "(imet", "imet)", "-imet", "imet*", "%imet%", "🙂 imet", "\u202eimet", "imet\ud800"]
)
def test_punctuation_around_a_word_is_just_punctuation(bundled_store: Store, query: str):
    assert bundled_store.search(query)[0].id == "imet"


@pytest.mark.parametrize(("query", "expected"), [("U.S.", "united-states"), ("saudi-arabia", "saudi-arabia")])
def test_dotted_and_hyphenated_names(bundled_store: Store, query: str, expected: str):
    assert bundled_store.search(query)[0].id == expected


def test_sql_in_the_query_is_only_text(bundled_store: Store):
    bundled_store.search("'; DROP TABLE entities; --")
    assert bundled_store.search("imet")[0].id == "imet"
    assert bundled_store.counts().entities >= 70


_OPERATORS = st.sampled_from(
    [
        '"',
        "'",
        "(",
        ")",
        "*",
        "-",
        "+",
        ":",
        "^",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "%",
        "_",
        "\\",
        " ",
        "imet",
        "pak",
        "{",
        "}",
    ]
)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.text(max_size=300),
        st.text(st.characters(codec=None, exclude_categories=()), max_size=60),
        st.lists(_OPERATORS, max_size=12).map("".join),
        st.lists(_OPERATORS, max_size=12).map(" ".join),
    )
)
def test_any_text_at_all_returns_a_list(bundled_store: Store, query: str):
    hits = bundled_store.search(query, limit=10)
    assert isinstance(hits, list)
    assert len(hits) <= 10
    assert all(isinstance(h, Hit) and h.id and h.snippet is not None for h in hits)


# -- what the speed-ups must not change ----------------------------------------------------
# Search runs on every keystroke, so it skips what cannot change its answer; these pin down
# that the answer is the one every phase, run in full, would give.

SAMPLE = ["u", "s", "in", "mil", "military", "pak", "Pakstan", "imet", "foreign mil", "bribery", "arms sale", "zzqx"]


@pytest.mark.parametrize("query", SAMPLE)
@pytest.mark.parametrize("limit", [1, 3, 10, 50, 200])
def test_skipping_the_phases_that_cannot_place_a_hit_changes_nothing(
    bundled_store: Store, monkeypatch: pytest.MonkeyPatch, query: str, limit: int
):
    skipping = bundled_store.search(query, limit=limit)
    monkeypatch.setattr(searching, "_full", lambda found, limit: False)  # every phase runs
    assert bundled_store.search(query, limit=limit) == skipping


def test_a_prefix_that_fills_the_list_with_names_runs_no_full_text_or_typo_phase(
    bundled_store: Store, monkeypatch: pytest.MonkeyPatch
):
    def must_not_run(*args: object, **kwargs: object) -> list:
        raise AssertionError("a phase that cannot place a hit was run")

    monkeypatch.setattr(searching, "_text_phase", must_not_run)
    monkeypatch.setattr(searching, "_fuzzy_phase", must_not_run)
    hits = bundled_store.search("u", limit=5)
    assert len(hits) == 5
    assert {h.phase for h in hits} == {"prefix"}


def test_the_later_phases_still_run_while_the_list_has_room(bundled_store: Store):
    assert "text" in {h.phase for h in bundled_store.search("in", limit=200)}
    assert bundled_store.search("Pakstan", limit=200)[0].phase == "fuzzy"


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_name_snippets_are_made_only_for_the_hits_returned(
    bundled_store: Store, monkeypatch: pytest.MonkeyPatch, limit: int
):
    made: list[tuple] = []
    real = searching._name_snippet
    monkeypatch.setattr(searching, "_name_snippet", lambda *args: made.append(args) or real(*args))
    hits = bundled_store.search("s", limit=limit)
    assert len(made) == len(hits) == limit


def _bm25_column_rows(conn, match: str, limit: int) -> list[tuple]:
    """The full-text rows as a plain query would rank them: by a bm25() column, a snippet for each."""
    return conn.execute(
        """SELECT e.id, e.kind, e.name, bm25(fts, 10.0, 8.0, 2.0, 1.0) AS rank,
                  snippet(fts, -1, ?, ?, '…', 12)
           FROM fts JOIN entities e ON e.rid = fts.rowid WHERE fts MATCH ? ORDER BY rank LIMIT ?""",
        (HIGHLIGHT_START, HIGHLIGHT_END, match, limit),
    ).fetchall()


@pytest.mark.parametrize("text", ["military", "mil", "foreign mil", "arms sale", "in", "u.s. programs", "bribery"])
@pytest.mark.parametrize("limit", [1, 7, 200])
def test_fts5_ranks_full_text_hits_as_a_bm25_column_would(bundled_store: Store, text: str, limit: int):
    conn = bundled_store.conn
    tokens = words(text)
    expected: list[tuple] = []
    base = searching.TEXT_ALL_WORDS
    for joiner in [" ", " OR "] if len(tokens) > 1 else [" "]:
        expected = _bm25_column_rows(conn, searching._fts_query(tokens, True, joiner), limit)
        if expected:
            base = searching.TEXT_ALL_WORDS if joiner == " " else searching.TEXT_ALL_WORDS / 2
            break
    assert expected
    got = searching._text_phase(conn, tokens, prefix_last=True, kind=None, limit=limit)
    assert [(ident, score, kind, name, snippet) for ident, (score, kind, name, _, snippet) in got] == [
        (ident, base + min(-rank, 49.0), kind, name, snippet) for ident, kind, name, rank, snippet in expected
    ]


def test_the_full_text_query_is_sorted_by_fts5_not_after_every_snippet_is_made(bundled_store: Store):
    # Sorting rows that carry a snippet() column made SQLite build a snippet for every match
    # before keeping the first `limit`: FTS5 must hand the rows over in rank order instead.
    conn = bundled_store.conn
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        searching._text_phase(conn, ["military"], prefix_last=False, kind=None, limit=5)
    finally:
        conn.set_trace_callback(None)
    (sql,) = [s for s in statements if "snippet(" in s]
    plan = " ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert "TEMP B-TREE" not in plan.upper()


def test_a_typo_search_reads_the_entities_found_in_one_query(bundled_store: Store):
    conn = bundled_store.conn
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        hits = bundled_store.search("Pakstan", limit=200)
        near = bundled_store.closest("Pakistaan Armyyy Forcez", 5)
    finally:
        conn.set_trace_callback(None)
    assert [h.id for h in hits if h.phase == "fuzzy"] == ["pakistan"]
    assert len(near) >= 2
    assert len([s for s in statements if "FROM entities WHERE rid" in s]) == 2  # one each, not one per hit


# -- snippets left to a later call ----------------------------------------------------------


@pytest.mark.parametrize("text", ["military", "mil", "s", "pa", "foreign mil", "arms sale", "in", "training u.s."])
@pytest.mark.parametrize("first", [0, 1, 3, 10, 30])
def test_snippets_left_out_past_the_first_hits_change_nothing_else(bundled_store: Store, text: str, first: int):
    whole = bundled_store.search(text, limit=100)
    part = bundled_store.search(text, limit=100, snippets=first)
    assert [(h.id, h.kind, h.name, h.score, h.phase) for h in part] == [
        (h.id, h.kind, h.name, h.score, h.phase) for h in whole
    ]
    for row, (got, want) in enumerate(zip(part, whole, strict=True)):
        if got.snippet != want.snippet:
            assert row >= first and got.phase == "text" and got.snippet == searching.SNIPPET_LATER, (row, got)


def test_only_full_text_hits_past_the_first_wait_for_their_snippets(bundled_store: Store):
    part = bundled_store.search("military", limit=100, snippets=3)
    later = [row for row, hit in enumerate(part) if hit.snippet == searching.SNIPPET_LATER]
    assert later and min(later) >= 3  # some were left out, none of the first three
    assert all(part[row].phase == "text" for row in later)
    assert all(hit.snippet for hit in bundled_store.search("military", limit=100))  # without: every snippet


def test_the_full_text_query_with_snippets_left_out_is_still_sorted_by_fts5(bundled_store: Store):
    conn = bundled_store.conn
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        searching._text_phase(conn, ["military"], prefix_last=False, kind=None, limit=5, snippets=(set(), 2))
    finally:
        conn.set_trace_callback(None)
    (sql,) = [s for s in statements if "snippet(" in s]
    # Rows come in rank order, so `first_new` sees them in that order; a sort after it would not.
    plan = " ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert "TEMP B-TREE" not in plan.upper()


def test_rows_tied_at_the_cap_of_the_score_all_get_their_snippets():
    first_new = searching._FirstNew({"found"}, 1)
    rank = -(searching.TEXT_RANK_CAP + 1)  # past the cap: such hits tie and are sorted by name
    assert [first_new(i, rank) for i in ("a", "found", "b", "c")] == [1, 0, 1, 1]
    assert [first_new(i, -3.0) for i in ("d", "e")] == [0, 0]
    equal = searching._FirstNew(set(), 1)
    assert [equal(i, r) for i, r in (("a", -5.0), ("b", -5.0), ("c", -4.0))] == [1, 1, 0]  # equal ranks tie too

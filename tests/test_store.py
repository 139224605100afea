"""The Store: entity pages with facts both ways, parents and children, tree levels, counts, problems."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from datafiles import SRC, cited_parent, entity, link_fact, note_fact, write

from desktop.core.bundle import bundled_data_dir
from desktop.core.loader import load
from desktop.core.store import Store
from desktop.core.text import sort_key

BUNDLED = bundled_data_dir()


@pytest.fixture(scope="module")
def bundled_result():
    return load([BUNDLED])


# -- facts both ways ------------------------------------------------------------------


def test_an_outgoing_fact_reads_with_the_property_label(bundled_store: Store):
    page = bundled_store.page("imet")
    administered = [f for f in page.facts if f.property == "administered_by"]
    assert len(administered) == 1
    fact = administered[0]
    assert fact.label == "Administered by"
    assert fact.entity.id == "department-of-defense"
    assert fact.phrase == f"Administered by {fact.entity.name}"
    assert fact.inbound is False


def test_the_same_fact_shows_inbound_on_the_other_page_with_the_inverse_label(bundled_store: Store):
    page = bundled_store.page("department-of-defense")
    administers = [f for f in page.inbound if f.property == "administered_by"]
    assert len(administers) == 1
    fact = administers[0]
    assert fact.inbound is True
    assert fact.label == "Administers"
    assert (fact.entity.id, fact.entity.kind) == ("imet", "program")
    assert fact.phrase == "Administers International Military Education and Training"
    assert fact.note == "the program's constituent projects"
    assert [(c.source.id, c.locator) for c in fact.sources] == [(SRC, "¶2")]
    assert all(f.inbound for f in page.inbound)


def test_every_link_in_the_data_shows_on_both_pages(bundled_store: Store, bundled_result):
    vocab = bundled_result.vocabulary
    for subject in bundled_result.entities.values():
        for fact in subject.facts:
            if not fact.entity:
                continue
            inbound = bundled_store.page(fact.entity).inbound
            assert any(
                f.property == fact.property
                and f.entity.id == subject.id
                and f.label == vocab.properties[fact.property].inverse
                for f in inbound
            ), (subject.id, fact.property, fact.entity)


def test_facts_keep_their_order_dates_and_quantities(bundled_store: Store, bundled_result):
    page = bundled_store.page("imet")
    assert [f.property for f in page.facts] == [f.property for f in bundled_result.entities["imet"].facts]
    egypt = next(f for f in page.facts if f.property == "allocated_to")
    assert (egypt.entity.id, egypt.value, egypt.unit, egypt.date) == ("egypt", 1800000, "USD", "2016")
    assert (egypt.earliest, egypt.latest, egypt.when) == ("2016-01-01", "2016-12-31", "2016")
    assert egypt.phrase == "Allocated to Egypt: $1,800,000 (2016)"
    spending = next(f for f in page.facts if f.property == "spending")
    assert (spending.start, spending.end, spending.when) == ("2002", "2020", "2002 – 2020")


def test_a_link_to_a_missing_entity_shows_unlinked_on_its_page(data_dir: Path, tmp_path: Path):
    write(data_dir, "programs/a.yaml", entity("a", body="facts:\n" + link_fact("administered_by", "nowhere")))
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    (fact,) = store.page("a").facts
    assert (fact.entity, fact.missing) == (None, "nowhere")
    assert fact.phrase == "Administered by nowhere"


# -- parents, children, tree ---------------------------------------------------------------


def test_parent_and_children(bundled_store: Store, bundled_result):
    dsca = bundled_store.page("defense-security-cooperation-agency")
    assert dsca.parent.id == "department-of-defense"
    dod = bundled_store.page("department-of-defense")
    assert dod.parent is None
    expected = sorted(
        (e for e in bundled_result.entities.values() if e.parent == "department-of-defense"),
        key=lambda e: (sort_key(e.name), e.id),
    )
    assert [c.id for c in dod.children] == [e.id for e in expected]
    assert "defense-security-cooperation-agency" in [c.id for c in dod.children]


def test_a_tree_level_is_sorted_and_counted(bundled_store: Store, bundled_result):
    top = bundled_store.level("agency", limit=1000)
    expected = sorted(
        (e for e in bundled_result.entities.values() if e.kind == "agency" and e.parent is None),
        key=lambda e: (sort_key(e.name), e.id),
    )
    assert [r.id for r in top] == [e.id for e in expected]
    assert bundled_store.level_size("agency") == len(top)
    dod = next(r for r in top if r.id == "department-of-defense")
    children = bundled_store.level("agency", "department-of-defense")
    assert dod.child_count == len(children) == bundled_store.level_size("agency", "department-of-defense") > 0
    assert "DoD" in dod.aliases


@pytest.mark.parametrize("batch", [1, 2, 3, 7])
def test_keyset_paging_through_a_level_gives_every_row_once(bundled_store: Store, batch: int):
    whole = bundled_store.level("country", limit=1000)
    paged, after = [], None
    while True:
        rows = bundled_store.level("country", after=after, limit=batch)
        assert len(rows) <= batch
        if not rows:
            break
        paged.extend(rows)
        after = (rows[-1].sort_name, rows[-1].id)
    assert paged == whole
    assert len(whole) == bundled_store.level_size("country")


def test_tree_path_runs_from_the_top_down(bundled_store: Store):
    assert bundled_store.tree_path("defense-security-cooperation-agency") == [
        "department-of-defense",
        "defense-security-cooperation-agency",
    ]
    assert bundled_store.tree_path("department-of-defense") == ["department-of-defense"]
    assert bundled_store.tree_path("no-such-id") == []


def test_a_parent_of_another_kind_is_shown_but_does_not_nest_in_the_tree(data_dir: Path, tmp_path: Path):
    write(data_dir, "countries/land.yaml", entity("land", kind="country"))
    write(data_dir, "armed-forces/land-army.yaml", entity("land-army", kind="armed-force", body=cited_parent("land")))
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    assert store.page("land-army").parent.id == "land"
    assert [c.id for c in store.page("land").children] == ["land-army"]
    assert [r.id for r in store.level("armed-force")] == ["land-army"]
    assert store.tree_path("land-army") == ["land-army"]
    assert store.level_size("country", "land") == 0


# -- sources, counts, lists ----------------------------------------------------------------------


def test_page_sources_are_distinct_and_in_order_of_first_citation(bundled_store: Store):
    page = bundled_store.page("department-of-defense")
    expected: list[str] = []
    # In the order the page shows them: the summary, the parent, then the facts.
    cited = [*page.summary_sources, *page.parent_sources, *(c for f in (*page.facts, *page.inbound) for c in f.sources)]
    for cite in cited:
        if cite.source.id not in expected:
            expected.append(cite.source.id)
    assert len(expected) > 1 and [s.id for s in page.sources] == expected
    imet = next(s for s in bundled_store.page("imet").sources if s.id == SRC)
    assert imet.title == "International Military Education and Training"
    assert imet.url.startswith("https://")


def test_counts_match_the_loaded_data(bundled_store: Store, bundled_result):
    counts = bundled_store.counts()
    assert counts.entities == len(bundled_result.entities) >= 70
    assert counts.facts == bundled_result.fact_count
    by_kind = Counter(e.kind for e in bundled_result.entities.values())
    assert {k.id: k.count for k in counts.kinds} == {k: by_kind[k] for k in bundled_result.vocabulary.kinds}
    assert [k.id for k in bundled_store.kinds()] == list(bundled_result.vocabulary.kinds)


def test_entities_lists_all_or_one_kind(bundled_store: Store, bundled_result):
    everything = list(bundled_store.entities())
    assert len(everything) == len(bundled_result.entities)
    programs = list(bundled_store.entities("program"))
    assert {r.id for r in programs} == {i for i, e in bundled_result.entities.items() if e.kind == "program"}
    assert [r.name for r in programs] == sorted((r.name for r in programs), key=sort_key)
    assert list(bundled_store.entities("no-such-kind")) == []


def test_most_linked_ranks_by_links_both_ways(bundled_store: Store, bundled_result):
    links: Counter[str] = Counter()
    for e in bundled_result.entities.values():
        for f in e.facts:
            if f.entity:
                links[f.entity] += 1
                links[e.id] += 1
    names = {i: e.name for i, e in bundled_result.entities.items()}
    expected = sorted(names, key=lambda i: (-links[i], sort_key(names[i])))[:5]
    assert [r.id for r in bundled_store.most_linked(5)] == expected
    assert len(bundled_store.most_linked(3)) == 3


def test_ref_and_an_unknown_page(bundled_store: Store):
    ref = bundled_store.ref("imet")
    assert (ref.id, ref.kind, ref.name) == ("imet", "program", "International Military Education and Training")
    assert bundled_store.ref("nope") is None
    assert bundled_store.page("nope") is None


def test_store_problems_equal_what_the_loader_reported(data_dir: Path, tmp_path: Path):
    write(data_dir, "programs/key.yaml", entity("key", body="colour: red\n"))
    write(data_dir, "programs/syntax.yaml", "id: [\n")
    write(data_dir, "programs/linked.yaml", entity("linked", body="facts:\n" + note_fact() + cited_parent("ghost")))
    folder = data_dir.resolve()
    expected = load([folder]).problems
    assert len(expected) == 3
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    assert store.problems() == expected
    assert Store.open([data_dir], cache_dir=tmp_path / "cache").problems() == expected


def test_the_bundled_store_has_no_problems(bundled_store: Store):
    assert bundled_store.problems() == []


def test_a_store_can_be_read_from_another_thread(bundled_store: Store):
    import threading

    seen = []
    thread = threading.Thread(target=lambda: seen.append(bundled_store.page("imet").name))
    thread.start()
    thread.join()
    assert seen == ["International Military Education and Training"]

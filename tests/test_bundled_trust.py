"""The bundled data held to the trust rules: each class of error an analyst found, kept from coming back.

The rules themselves are tested on small folders in test_trust.py; here they are applied to what
ships, with a check for each error that was found and fixed.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
import yaml

from desktop import cli
from desktop.core.asof import CURRENT, TIMELESS, UNDATED, annotate, parse_as_of
from desktop.core.bundle import bundled_data_dir
from desktop.core.loader import LoadResult, alias_clashes, entity_names, load
from desktop.core.places import Places
from desktop.core.store import Store
from desktop.core.views import FactView, Page

# Every year from the Second World War to past today, every decade before, and the vague forms.
AS_OF = [
    *(str(year) for year in range(1940, 2031)),
    *(f"{decade}s" for decade in range(1900, 1940, 10)),
    "early 1960s",
    "mid 1990s",
    "late 2010s",
    "2012-06",
    "2019-12-06",
]


@pytest.fixture(scope="module")
def loaded() -> LoadResult:
    return load([bundled_data_dir()])


@pytest.fixture(scope="module")
def pages(bundled_store: Store) -> dict[str, Page]:
    return {ref.id: page for ref in bundled_store.entities() if (page := bundled_store.page(ref.id)) is not None}


def vocabulary() -> dict:
    return yaml.safe_load((bundled_data_dir() / "vocabulary.yaml").read_text(encoding="utf-8"))


def show_json(store: Store, *argv: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["show", *argv, "--json", "--cache-dir", str(store.path.parent)], out=out, err=err) == 0
    return json.loads(out.getvalue())


def linked(pages: dict[str, Page]) -> Iterator[tuple[Page, FactView]]:
    for page in pages.values():
        for fact in page.facts:
            if fact.entity is not None:
                yield page, fact


# -- the vocabulary says what each property means ---------------------------------------------------


def test_every_property_says_its_kind_of_time_and_every_link_its_domain_and_range():
    vocab = vocabulary()
    kinds = {k["id"] for k in vocab["kinds"]}
    for prop in vocab["properties"]:
        assert prop.get("time") in ("event", "state", "timeless"), prop["id"]
        if prop.get("takes", "entity") == "entity":
            assert prop.get("domain") and prop.get("range"), f"{prop['id']} must say which kinds it joins"
            assert set(prop["domain"]) | set(prop["range"]) <= kinds, prop["id"]


def test_every_link_reads_true_from_both_ends(pages: dict[str, Page]):
    """Each linked fact, read from its subject with the property's label and from the linked entity with
    its inverse, joins kinds the property admits, and appears on both pages."""
    props = {p["id"]: p for p in vocabulary()["properties"]}
    checked = 0
    for page, fact in linked(pages):
        prop = props[fact.property]
        assert page.kind in prop["domain"], f"{page.id}: {fact.label} {fact.entity.id}"
        assert fact.entity.kind in prop["range"], f"{page.id}: {fact.label} {fact.entity.id}"
        other = pages[fact.entity.id]
        back = [f for f in other.inbound if f.property == fact.property and f.entity and f.entity.id == page.id]
        assert back and back[0].label == prop["inverse"], f"{other.id} does not read back {page.id}"
        checked += 1
    assert checked > 120


# -- undated states ------------------------------------------------------------------------------


def test_no_undated_state_or_event_is_current_at_any_date(pages: dict[str, Page]):
    for as_of in AS_OF:
        query = parse_as_of(as_of)
        for page in pages.values():
            view = annotate(page, query)
            for item in (*view.facts, *view.inbound):
                fact = item.fact
                if fact.date is None and fact.start is None and fact.end is None:
                    expected = TIMELESS if fact.time == "timeless" else UNDATED
                    assert item.status == expected, f"{page.id} as of {as_of}: {fact.phrase}"
                    assert item.status != CURRENT


def test_horowitz_does_not_hold_his_post_in_2010(bundled_store: Store):
    data = show_json(bundled_store, "michael-c-horowitz", "--as-of", "2010")
    post = [
        f
        for f in data["facts"]
        if "Deputy Assistant Secretary" in f["text"] or (f["entity"] and "deputy-assistant" in f["entity"]["id"])
    ]
    assert post
    assert {f["status"] for f in post} <= {"undated", "future"}, post


def test_saudi_arabia_is_not_restricted_in_imet_before_the_pensacola_shooting(bundled_store: Store):
    for as_of in ("1995", "2019-11"):
        data = show_json(bundled_store, "saudi-arabia", "--as-of", as_of)
        restricted = [f for f in data["inbound"] if f["property"] == "restricted"]
        assert restricted and all(f["status"] != "current" for f in restricted), as_of
    data = show_json(bundled_store, "saudi-arabia", "--as-of", "2020")
    assert any(f["status"] == "current" for f in data["inbound"] if f["property"] == "restricted")


def test_one_ambassador_to_slovenia_at_a_time(bundled_store: Store):
    for as_of in ("1995", "2008", "2012-06", "2015", "2020"):
        data = show_json(bundled_store, "slovenia", "--as-of", as_of)
        ambassadors = [f for f in data["inbound"] if f["property"] == "ambassador_to" and f["status"] == "current"]
        assert len(ambassadors) <= 1, (as_of, [f["entity"]["id"] for f in ambassadors])


# -- sources that disagree ------------------------------------------------------------------------


def test_the_foreign_assistance_act_lists_both_signing_dates_with_sources_and_ranks(bundled_store: Store):
    data = show_json(bundled_store, "foreign-assistance-act-of-1961")
    (signed,) = [f for f in data["facts"] if f["property"] == "signed_into_law_by"]
    assert (signed["date"], signed["rank"], signed["sources_disagree"]) == ("1961-09-04", "preferred", True)
    claims = {c["date"]: c for c in signed["claims"]}
    assert set(claims) == {"1961-09-04", "1961-11-03"}
    assert claims["1961-09-04"]["rank"] == "preferred" and claims["1961-11-03"]["rank"] == "deprecated"
    assert [s["locator"] for s in claims["1961-09-04"]["sources"]] == ["75 Stat. 424"]
    assert [s["id"] for s in claims["1961-11-03"]["sources"]] == ["foreign-assistance-act"]
    assert "10973" in claims["1961-11-03"]["note"]


# -- every statement cited -------------------------------------------------------------------------


def test_every_parent_and_summary_is_cited(loaded: LoadResult):
    for entity in loaded.entities.values():
        if entity.written_parent:
            assert entity.parent_sources, f"{entity.id}: parent {entity.written_parent} has no citation"
        if entity.summary:
            assert entity.summary_sources, f"{entity.id}: summary has no citation"


def test_no_alias_is_shared_without_being_listed_as_ambiguous(loaded: LoadResult):
    names = (n for e in loaded.entities.values() for n in entity_names(e))
    assert alias_clashes(names, Places()) == []


def test_the_bundled_data_has_no_problem_at_all(loaded: LoadResult):
    assert [str(p) for p in loaded.problems] == []


# -- each error that was found ---------------------------------------------------------------------


def phrases(page: Page, inbound: bool = False) -> list[str]:
    return [f.phrase for f in (page.inbound if inbound else page.facts)]


def test_dod_students_belong_to_the_department_of_defense_not_imet(pages: dict[str, Page]):
    imet = pages["imet"]
    assert not [f for f in imet.facts if f.value in (5181, 153)]
    dod = pages["department-of-defense"]
    assert {f.value for f in dod.facts if f.value is not None} >= {5181, 153}


@pytest.mark.parametrize(
    ("page", "wrong"),
    [
        ("imet", "Followed from COVID-19 pandemic in Pakistan"),
        ("air-senegal", "Employs Senegalese Air Force"),
        ("united-states-foreign-aid", "Followed from World War II"),
        ("foreign-operations-appropriations-acts", "Oversees Foreign Military Sales"),
        ("national-defense-authorization-acts", "Oversees Foreign Military Sales"),
    ],
)
def test_a_relation_that_read_wrong_from_its_linked_end_is_gone(pages: dict[str, Page], page: str, wrong: str):
    assert not [p for p in phrases(pages[page], inbound=True) if p.startswith(wrong)]


def test_trains_at_points_at_schools_not_countries(pages: dict[str, Page]):
    for page, fact in linked(pages):
        if fact.property == "trains_at":
            assert fact.entity.kind != "country", page.id


def test_pakistans_imet_years_are_not_cited_to_the_yemen_article(pages: dict[str, Page]):
    for fact in pages["imet"].facts:
        if fact.property == "participant" and fact.entity and fact.entity.id in ("pakistan", "pakistan-army"):
            assert "united-states-yemen-relations" not in {c.source.id for c in fact.sources}


@pytest.mark.parametrize(
    ("ident", "alias"),
    [
        ("yugoslavia", "Federal Republic of Yugoslavia"),
        ("arms-industry", "Defense industrial base"),
        ("bureau-of-political-military-affairs", "PM"),
        ("2012-us-global-leadership-report", "U.S. Global Leadership Report"),
    ],
)
def test_an_alias_that_sent_searches_astray_is_gone(pages: dict[str, Page], ident: str, alias: str):
    assert alias not in pages[ident].aliases


def test_no_alias_is_a_description(pages: dict[str, Page]):
    for page in pages.values():
        assert not [a for a in page.aliases if a.lower().startswith("usis library")], page.id


def test_the_secretary_of_defense_summary_reads_as_sentences(pages: dict[str, Page]):
    summary = pages["secretary-of-defense"].summary
    assert ". on " not in summary and ".." not in summary


def test_the_ten_day_war_is_dated(pages: dict[str, Page]):
    assert any(f.earliest and f.earliest.startswith("1991") for f in pages["ten-day-war"].facts)


def test_organisations_are_not_schools(pages: dict[str, Page]):
    for ident in ("al-qaeda", "al-qaeda-in-the-arabian-peninsula", "air-senegal", "american-enterprise-institute"):
        assert pages[ident].kind == "organization", ident
    for ident in ("army-war-college", "national-defense-university"):
        assert pages[ident].kind == "institution", ident


def test_people_sort_by_family_name_in_the_tree(bundled_store: Store):
    names = [row.name for row in bundled_store.level("person")]
    family = [name.split()[-1] for name in names]
    assert family == sorted(family, key=str.casefold), names


def test_every_fact_about_a_dated_event_is_dated(pages: dict[str, Page]):
    """A fact with an event at either end is never timeless: shown as of a date before the event, it
    would read as already true ("restricted in the aftermath of" a shooting years away). Where the
    data dates the event, the fact carries that date; where no source does, it stays "date not known"."""

    def dated(fact: FactView) -> bool:
        return bool(fact.date or fact.start or fact.end)

    checked = 0
    for page in pages.values():
        for fact in page.facts:
            event = page if page.kind == "event" else pages[fact.entity.id] if fact.entity else None
            if event is None or event.kind != "event":
                continue
            assert fact.time != "timeless", f"{page.id}: {fact.phrase}"
            if any(dated(f) for f in event.facts):
                assert dated(fact), f"{page.id}: {fact.phrase}"
                checked += 1
    assert checked > 15


def test_before_an_event_nothing_it_led_to_is_shown_as_true(bundled_store: Store):
    data = show_json(bundled_store, "saudi-arabia", "--as-of", "1995")
    assert [f for f in data["inbound"] if f["entity"]["kind"] == "event" and f["status"] != "future"] == []


def test_no_fact_hides_its_meaning_in_a_catch_all_property(loaded: LoadResult):
    """`note` stays in the vocabulary for annotations a data folder may need, but what the bundled data
    says has a property that names it: Yemen's three percentages differ by property, not by note."""
    for entity in loaded.entities.values():
        for fact in entity.facts:
            assert fact.property not in ("note", "statistic", "involved"), f"{entity.id}: {fact.property}"
    shares = [f.property for f in loaded.entities["yemen"].facts if f.unit == "percent"]
    assert len(shares) == 3 and len(set(shares)) == 3

"""How the store assembles a page (no Qt): key facts from the vocabulary, the parents' chain, a random entity."""

from __future__ import annotations

from pathlib import Path

from datafiles import CITED, cited_parent, entity, link_fact, note_fact, write

from desktop.core.loader import load
from desktop.core.store import Store
from desktop.core.vocabulary import Vocabulary, load_vocabulary_file


def test_the_vocabulary_names_key_facts_for_every_kind_from_properties_it_declares(bundled_store: Store) -> None:
    vocab = load([Path(bundled_store.folders[0])]).vocabulary
    for kind in vocab.kinds.values():
        assert kind.key_facts, kind.id  # every kind leads its pages with something
        assert set(kind.key_facts) <= set(vocab.properties), kind.id
        assert len(kind.key_facts) == len(set(kind.key_facts)), kind.id


def test_the_key_facts_the_bundled_data_uses(bundled_store: Store) -> None:
    # Every kind that has facts at all has key facts on some of its pages: the lists fit the data.
    used: dict[str, bool] = {}
    for ref in bundled_store.entities():
        page = bundled_store.page(ref.id)
        if page.facts:
            used[ref.kind] = used.get(ref.kind, False) or bool(page.key_facts())
    assert used and all(used.values()), used


def test_an_unknown_property_among_a_kinds_key_facts_is_a_setup_problem(data_dir: Path) -> None:
    vocabulary = data_dir / "vocabulary.yaml"
    text = vocabulary.read_text(encoding="utf-8")
    vocabulary.write_text(text.replace("key_facts: [part_of, branches]", "key_facts: [part_of, brunches]"), "utf-8")
    messages = [p.message for p in load([data_dir]).problems]
    assert "kind `armed-force`: `key_facts` names an unknown property `brunches`" in messages


def test_key_facts_must_be_a_list_of_ids(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.yaml"
    path.write_text("kinds:\n  - {id: k, label: K, key_facts: part_of}\nproperties: []\n", encoding="utf-8")
    vocab, problems = Vocabulary(), []
    load_vocabulary_file(path, vocab, problems)
    assert [p.message for p in problems] == ["kind: `key_facts` must be a list of property ids"]


def test_the_page_says_which_facts_are_key_in_the_vocabularys_order(data_dir: Path, tmp_path: Path) -> None:
    write(data_dir, "agencies/dod.yaml", entity("dod", "agency"))
    write(data_dir, "topics/aid.yaml", entity("aid", "topic"))
    facts = (
        note_fact("first written")
        + link_fact("administered_by", "dod")
        + f'  - property: purpose\n    text: "Training"\n    sources: {CITED}\n'
        + link_fact("part_of", "aid")
    )
    write(data_dir, "programs/drill.yaml", entity("drill", body="facts:\n" + facts))
    page = Store.open([data_dir], cache_dir=tmp_path / "cache").page("drill")
    assert page.key_properties[0] == "program_type"  # as the vocabulary lists them for programs
    assert [f.property for f in page.key_facts()] == ["part_of", "administered_by", "purpose"]
    assert [f.property for f in page.other_facts()] == ["note"]
    assert all(page.is_key(f) for f in page.key_facts()) and not page.is_key(page.other_facts()[0])


def test_the_page_knows_its_parents_chain(data_dir: Path, tmp_path: Path) -> None:
    write(data_dir, "agencies/top.yaml", entity("top", "agency"))
    write(data_dir, "agencies/mid.yaml", entity("mid", "agency", body=cited_parent("top")))
    write(data_dir, "agencies/low.yaml", entity("low", "agency", body=cited_parent("mid")))
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    assert [a.id for a in store.page("low").ancestors] == ["top", "mid"]
    assert [a.id for a in store.page("mid").ancestors] == ["top"]
    assert store.page("top").ancestors == ()


def test_a_random_entity_is_any_of_them_and_none_of_nothing(data_dir: Path, tmp_path: Path) -> None:
    for n in range(5):
        write(data_dir, f"programs/p{n}.yaml", entity(f"p{n}"))
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    seen = {store.random_entity().id for _ in range(200)}
    assert seen == {f"p{n}" for n in range(5)}  # each of five, in 200 draws: all but certain
    empty = tmp_path / "empty"
    empty.mkdir()
    for name in ("vocabulary.yaml", "sources.yaml"):
        (empty / name).write_text((data_dir / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert Store.open([empty], cache_dir=tmp_path / "cache2").random_entity() is None

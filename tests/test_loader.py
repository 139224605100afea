"""Loading data folders: entities, facts, packs, several folders, and the JSON Schema itself."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from datafiles import SRC, entity, note_fact, write

from desktop.core.bundle import bundled_data_dir
from desktop.core.dates import parse_date
from desktop.core.files import borrowed_setup_files
from desktop.core.loader import data_files, load
from desktop.core.model import Citation
from desktop.core.places import Places
from desktop.core.yamlfile import read_yaml

BUNDLED = bundled_data_dir()


@pytest.fixture(scope="module")
def bundled_result():
    return load([BUNDLED])


def test_the_bundled_data_loads_without_a_single_problem(bundled_result):
    assert bundled_result.problems == []
    assert len(bundled_result.entities) >= 70
    assert bundled_result.fact_count >= 100


def test_the_bundled_data_has_every_kind_of_the_vocabulary(bundled_result):
    kinds = {e.kind for e in bundled_result.entities.values()}
    # Regions and aggregates come with imported official figures; the articles name none.
    assert kinds == set(bundled_result.vocabulary.kinds) - {"region"}


def test_every_bundled_file_is_valid_against_the_json_schema_as_editors_use_it():
    schema = json.loads((BUNDLED / "schema" / "entity.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    files = list(data_files(BUNDLED))
    assert len(files) >= 70
    for path in files:
        errors = list(validator.iter_errors(read_yaml(path).data))
        assert errors == [], f"{path}: {errors[0].message}"


def test_the_json_schema_refuses_what_the_loader_refuses():
    schema = json.loads((BUNDLED / "schema" / "entity.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    assert not validator.is_valid({"id": "a", "kind": "program"})
    assert not validator.is_valid({"id": "A_b", "kind": "program", "name": "x"})
    assert not validator.is_valid({"id": "a", "kind": "program", "name": "x", "colour": "red"})
    fact = {"property": "note", "text": "t"}
    assert not validator.is_valid({"id": "a", "kind": "program", "name": "x", "facts": [fact]})
    assert validator.is_valid([{"id": "a", "kind": "program", "name": "x"}])
    assert not validator.is_valid([])


def test_a_full_entity_loads_with_every_field(data_dir: Path):
    path = write(
        data_dir,
        "programs/alpha.yaml",
        entity(
            "alpha",
            name="  Alpha   Program ",
            body=f"""\
            aliases: [" AP ", "Alpha"]
            summary: >-
              First   line
              second line.
            facts:
              - property: spending
                value: 1800000
                unit: USD
                start: "2002"
                end: "2020"
                note: "about   this much"
                sources:
                  - {{source: {SRC}, locator: "¶8"}}
                  - {{source: {SRC}, locator: "¶9"}}
              - property: spending
                unknown: true
                date: "early 1960s"
                sources:
                  - {{source: {SRC}, locator: "¶2-3"}}
            summary_sources: [{{source: {SRC}, locator: "¶1"}}]
            """,
        ),
    )
    result = load([data_dir])
    assert result.problems == []
    alpha = result.entities["alpha"]
    assert (alpha.id, alpha.kind, alpha.name) == ("alpha", "program", "Alpha   Program")
    assert alpha.aliases == ["AP", "Alpha"]
    assert alpha.summary == "First line second line."
    assert (alpha.path, alpha.where, alpha.parent) == (str(path), (), None)
    places = Places()
    assert places.line(alpha.path, alpha.where) == 1
    money, unknown = alpha.facts
    assert (money.property, money.value, money.unit, money.note) == ("spending", 1800000, "USD", "about this much")
    assert money.sources == [Citation(SRC, "¶8"), Citation(SRC, "¶9")]
    assert (money.when.earliest, money.when.latest) == ("2002-01-01", "2020-12-31")
    assert places.line(alpha.path, (*alpha.where, "facts", 0)) == 9
    assert unknown.unknown is True
    assert unknown.value is None
    assert unknown.when.date == parse_date("early 1960s")
    assert places.line(alpha.path, (*alpha.where, "facts", 1)) == 18
    assert result.fact_count == 2


def test_a_bulk_pack_holds_several_entities(data_dir: Path):
    write(
        data_dir,
        "programs/pack.yaml",
        """\
        - id: one
          kind: program
          name: One
        - id: two
          kind: country
          name: Two
        """,
    )
    result = load([data_dir])
    assert result.problems == []
    lines = {i: (e.kind, Places().line(e.path, e.where)) for i, e in result.entities.items()}
    assert lines == {"one": ("program", 1), "two": ("country", 4)}


def test_a_pack_does_not_need_to_match_its_file_name(data_dir: Path):
    write(data_dir, "countries/all-of-them.yaml", "- {id: one, kind: country, name: One}\n")
    assert load([data_dir]).problems == []


def test_data_files_skip_hidden_files_other_extensions_and_the_vocabulary(data_dir: Path):
    write(data_dir, "programs/a.yaml", entity("a"))
    write(data_dir, "programs/b.yml", entity("b"))
    write(data_dir, "programs/.hidden.yaml", "not: [valid")
    write(data_dir, ".git/x.yaml", "not: [valid")
    write(data_dir, "programs/readme.txt", "hello")
    names = [p.name for p in data_files(data_dir)]
    assert names == ["a.yaml", "b.yml"]
    result = load([data_dir])
    assert result.problems == []
    assert sorted(result.entities) == ["a", "b"]
    assert data_dir / "vocabulary.yaml" in result.files


def test_a_symlink_loop_does_not_hang_the_walk(data_dir: Path):
    write(data_dir, "programs/a.yaml", entity("a"))
    (data_dir / "programs" / "loop").symlink_to(data_dir, target_is_directory=True)
    assert [p.name for p in data_files(data_dir)] == ["a.yaml"]


def test_a_second_folder_adds_entities_and_can_link_to_the_first(data_dir: Path, tmp_path: Path):
    extra = tmp_path / "extra"
    write(
        extra,
        "programs/extra-program.yaml",
        entity(
            "extra-program",
            body=f"""\
            facts:
              - property: administered_by
                entity: department-of-defense
                sources:
                  - {{source: {SRC}, locator: "¶1"}}
            """,
        ),
    )
    result = load([BUNDLED, extra])
    assert result.problems == []
    assert result.entities["extra-program"].facts[0].entity == "department-of-defense"
    assert "imet" in result.entities


def test_a_later_folder_may_extend_the_vocabulary(data_dir: Path, tmp_path: Path):
    extra = tmp_path / "extra"
    write(
        extra,
        "vocabulary.yaml",
        """\
        kinds:
          - {id: ship, label: Ship}
        properties:
          - {id: sails_to, label: Sails to, inverse: Visited by}
        """,
    )
    write(
        extra,
        "ships/boat.yaml",
        entity(
            "boat",
            kind="ship",
            body=f"""\
            facts:
              - property: sails_to
                entity: boat
                sources:
                  - {{source: {SRC}, locator: "¶1"}}
            """,
        ),
    )
    result = load([data_dir, extra])
    assert result.problems == []
    assert result.entities["boat"].kind == "ship"
    assert result.entities["boat"].facts[0].property == "sails_to"


def test_a_missing_folder_is_a_problem_and_the_rest_still_loads(data_dir: Path, tmp_path: Path):
    write(data_dir, "programs/a.yaml", entity("a"))
    result = load([data_dir, tmp_path / "nowhere"])
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'nowhere'}: data folder does not exist or is not a folder"
    ]
    assert list(result.entities) == ["a"]


def test_a_folder_without_setup_files_borrows_the_bundled_ones(tmp_path: Path):
    folder = tmp_path / "bare"
    write(folder, "programs/a.yaml", entity("a", body="facts:\n" + note_fact()))
    write(folder, "programs/b.yaml", entity("b", body="colour: red\n"))
    result = load([folder])
    # The bundled schema still checks the files; the bundled entities are not loaded.
    assert [p.message for p in result.problems] == ["unknown key `colour`"]
    assert sorted(result.entities) == ["a", "b"]
    assert result.entities["a"].facts[0].sources[0].source == SRC
    assert BUNDLED / "vocabulary.yaml" in result.files


def test_the_setup_files_borrowed_are_those_no_folder_brings(data_dir: Path, tmp_path: Path):
    bare = tmp_path / "bare"
    write(bare, "vocabulary.yaml", "kinds: []\nproperties: []\n")
    assert borrowed_setup_files([bare]) == [BUNDLED / "sources.yaml", BUNDLED / "schema" / "entity.schema.json"]
    assert borrowed_setup_files([data_dir, bare]) == []
    assert borrowed_setup_files([BUNDLED]) == []


def test_a_folders_own_setup_file_replaces_the_bundled_one(tmp_path: Path):
    folder = tmp_path / "own"
    write(folder, "sources.yaml", "sources:\n  - {id: diary, title: A diary, publisher: Me, url: x, license: none}\n")
    write(folder, "programs/a.yaml", entity("a", body="facts:\n" + note_fact()))
    result = load([folder])
    assert [p.message for p in result.problems] == [
        "fact left out: none of its sources is valid",
        f"unknown source `{SRC}` (not in sources.yaml)",
    ]
    assert list(result.vocabulary.sources) == ["diary"]


def test_loading_twice_gives_the_same_result(data_dir: Path):
    write(data_dir, "programs/a.yaml", entity("a", body="facts:\n" + note_fact()))
    first, second = load([data_dir]), load([data_dir])
    assert first.entities == second.entities
    assert first.problems == second.problems

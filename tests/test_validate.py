"""Every validation rule: a file that breaks it, the exact place reported, and the valid rest kept.

Entity files written with `entity()` have id, kind and name on lines 1–3; the
lines of everything after that are counted in each test's YAML.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from datafiles import CITED, SRC, SRC_PARAGRAPHS, cited_parent, entity, link_fact, note_fact, write

from desktop import cli
from desktop.core.bundle import bundled_data_dir
from desktop.core.loader import LoadResult, load
from desktop.core.places import Places
from desktop.core.problems import Problem
from desktop.core.store import Store

BUNDLED = bundled_data_dir()


def places(result: LoadResult) -> list[tuple[str, int, int]]:
    return [(p.path, p.line, p.column) for p in result.problems]


def only(result: LoadResult) -> Problem:
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result.problems[0]


def good(data_dir: Path, ident: str = "good") -> Path:
    """A valid neighbour file, to prove one bad file hides nothing."""
    return write(data_dir, f"programs/{ident}.yaml", entity(ident, body="facts:\n" + note_fact()))


def fact(lines: str) -> str:
    """A `facts:` block (line 4) whose first fact (line 5) is `lines`, then one valid note fact."""
    return "facts:\n" + lines + note_fact("the valid fact")


def facts_of(result: LoadResult, ident: str) -> list[str]:
    return [f.text or f.property for f in result.entities[ident].facts]


# -- every problem in one run ----------------------------------------------------------


def test_every_mistake_of_an_entity_is_reported_in_one_run(data_dir: Path):
    body = f"""\
facts:
  - property: note
    text: "an unknown key"
    colour: red
    sources:
      - {{source: {SRC}, locator: "¶1"}}
  - property: note
    text: "no sources"
  - property: note
    text: "a bad date"
    date: "2019-13"
    sources:
      - {{source: {SRC}, locator: "¶1"}}
"""
    path = write(data_dir, "programs/a.yaml", entity("a", kind="spaceship", body=body))
    good(data_dir)
    result = load([data_dir])
    assert [(p.path, p.line, p.column) for p in result.problems] == [
        (str(path), 2, 7),  # kind
        (str(path), 7, 5),  # colour
        (str(path), 10, 5),  # the fact without sources
        (str(path), 14, 11),  # the date
    ]
    messages = [p.message for p in result.problems]
    assert messages[0].startswith("unknown kind `spaceship`")
    assert messages[1] == "facts[0]: unknown key `colour`"
    assert "sources" in messages[2]
    assert messages[3] == "bad date: '2019-13': month 13 is not between 1 and 12"
    assert list(result.entities) == ["good"]


def test_every_mistake_of_one_fact_is_reported_in_one_run(data_dir: Path):
    body = fact("""\
  - property: flies_to
    start: "soon"
    end: "later"
    sources:
      - {source: no-such-article, locator: "¶1"}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (5, 15, "unknown property `flies_to`"),
        (6, 12, "bad start: 'soon' is not a date: use YYYY-MM-DD, YYYY-MM, YYYY, a decade such as 1960s, "
         "or early/mid/late before a year or decade"),
        (7, 10, "bad end: 'later' is not a date: use YYYY-MM-DD, YYYY-MM, YYYY, a decade such as 1960s, "
         "or early/mid/late before a year or decade"),
        (9, 7, "fact left out: none of its sources is valid"),
        (9, 18, "unknown source `no-such-article` (not in sources.yaml)"),
    ]  # fmt: skip
    assert {p.path for p in result.problems} == {str(path)}
    assert facts_of(result, "a") == ["the valid fact"]


def test_a_citation_the_schema_refuses_does_not_hide_its_neighbour(data_dir: Path):
    body = fact(f"""\
  - property: note
    text: "two bad citations"
    sources:
      - {{source: {SRC}, locator: ""}}
      - {{source: no-such-article, locator: "¶1"}}
""")
    write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    assert [(p.line, p.column, p.message) for p in result.problems] == [
        (8, 74, "facts[0].sources[0].locator: must not be empty"),
        (9, 18, "unknown source `no-such-article` (not in sources.yaml)"),
    ]
    assert facts_of(result, "a") == ["the valid fact"]


def test_a_bad_name_and_a_bad_fact_are_both_reported(data_dir: Path):
    body = fact("""\
  - property: flies_to
    sources:
      - {source: no-such-article, locator: "¶1"}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", name='""', body=body))
    good(data_dir)
    result = load([data_dir])
    assert [(p.path, p.line) for p in result.problems] == [
        (str(path), 3),
        (str(path), 5),
        (str(path), 7),
        (str(path), 7),
    ]
    assert list(result.entities) == ["good"]


# -- the problem line format -------------------------------------------------------


def test_problem_format():
    assert str(Problem("a.yaml", 3, 5, "bad")) == "a.yaml:3:5: bad"
    assert str(Problem("a.yaml", 3, 0, "bad")) == "a.yaml:3: bad"
    assert str(Problem("a.yaml", 0, 0, "bad")) == "a.yaml: bad"


# -- files that are not entities ------------------------------------------------------


def test_yaml_syntax_error(data_dir: Path):
    bad = write(data_dir, "programs/bad.yaml", "id: bad\nkind: [program\nname: Bad\n")
    good(data_dir)
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(bad), 3, 5)
    assert problem.message.startswith("YAML syntax error")
    assert list(result.entities) == ["good"]


@pytest.mark.parametrize("quote", ['"', "'"])
@pytest.mark.parametrize("after", ["summary: fine\nfacts: []\n", "", "---\nid: b\n"])
def test_an_unclosed_quote_is_reported_where_it_opened(data_dir: Path, quote: str, after: str):
    bad = write(data_dir, "programs/bad.yaml", f"id: bad\nkind: program\nname: {quote}Unclosed\n{after}")
    good(data_dir)
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(bad), 3, 7)
    assert problem.message == "YAML syntax error: this quote is never closed"
    assert list(result.entities) == ["good"]


def test_a_bad_escape_inside_quotes_is_still_reported_where_it_is(data_dir: Path):
    bad = write(data_dir, "programs/bad.yaml", 'id: bad\nkind: program\nname: "bad \\q escape"\n')
    problem = only(load([data_dir]))
    assert (problem.path, problem.line) == (str(bad), 3)
    assert problem.column > 7
    assert "escape" in problem.message


def test_a_scalar_file_is_not_an_entity(data_dir: Path):
    bad = write(data_dir, "programs/bad.yaml", "just some words\n")
    good(data_dir)
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(bad), 1, 1)
    assert problem.message.startswith("not an entity")
    assert list(result.entities) == ["good"]


def test_a_list_of_scalars_is_not_a_pack(data_dir: Path):
    bad = write(data_dir, "programs/bad.yaml", "- one\n- two\n")
    good(data_dir)
    result = load([data_dir])
    assert places(result) == [(str(bad), 1, 3), (str(bad), 2, 3)]
    assert all(p.message.startswith("not an entity") for p in result.problems)
    assert list(result.entities) == ["good"]


def test_an_empty_list_is_not_a_pack(data_dir: Path):
    bad = write(data_dir, "programs/bad.yaml", "[]\n")
    result = load([data_dir])
    assert places(result) == [(str(bad), 1, 1)]
    assert "empty list" in result.problems[0].message


def test_an_empty_file_is_reported(data_dir: Path):
    bad = write(data_dir, "programs/bad.yaml", "# nothing yet\n")
    good(data_dir)
    result = load([data_dir])
    assert only(result).path == str(bad)
    assert "empty" in only(result).message
    assert list(result.entities) == ["good"]


# -- schema: keys and types -------------------------------------------------------------


def test_unknown_key_on_an_entity_is_reported_and_the_entity_kept(data_dir: Path):
    path = write(data_dir, "programs/a.yaml", entity("a", body="colour:\n  - red\n" + fact(note_fact("kept"))))
    problem = only(load([data_dir]))
    assert (problem.path, problem.line, problem.column) == (str(path), 4, 1)
    assert problem.message == "unknown key `colour`"
    assert facts_of(load([data_dir]), "a") == ["kept", "the valid fact"]


def test_unknown_key_on_a_fact_is_reported_and_the_fact_kept(data_dir: Path):
    body = fact(f"""\
  - property: note
    text: "kept anyway"
    colour: red
    sources:
      - {{source: {SRC}, locator: "¶1"}}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 7, 5)
    assert "unknown key `colour`" in problem.message
    assert facts_of(result, "a") == ["kept anyway", "the valid fact"]


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("kind: program\nname: A\n", "id"),
        ("id: a\nname: A\n", "kind"),
        ("id: a\nkind: program\n", "name"),
    ],
)
def test_missing_id_kind_or_name_drops_the_entity(data_dir: Path, text: str, missing: str):
    path = write(data_dir, "programs/a.yaml", text)
    good(data_dir)
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 1, 1)
    assert problem.message == f"missing required key `{missing}`"
    assert list(result.entities) == ["good"]


def test_a_wrong_type_for_the_name_drops_the_entity(data_dir: Path):
    path = write(data_dir, "programs/a.yaml", "id: a\nkind: program\nname: 5\n")
    good(data_dir)
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 3, 7)
    assert "name: must be a string, not int 5" in problem.message
    assert list(result.entities) == ["good"]


def test_wrong_types_for_optional_fields_drop_only_those_fields(data_dir: Path):
    path = write(data_dir, "programs/a.yaml", entity("a", body="aliases: IMET\nsummary: 5\n" + fact("")))
    result = load([data_dir])
    assert places(result) == [(str(path), 4, 10), (str(path), 5, 10)]
    assert "aliases: must be an array" in result.problems[0].message
    assert "summary: must be a string" in result.problems[1].message
    a = result.entities["a"]
    assert (a.aliases, a.summary) == ([], "")
    assert facts_of(result, "a") == ["the valid fact"]


def test_a_wrong_type_inside_a_fact_drops_that_fact(data_dir: Path):
    body = fact(f"""\
  - property: spending
    value: lots
    unit: USD
    sources:
      - {{source: {SRC}, locator: "¶1"}}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 6, 12)
    assert "facts[0].value: must be a number" in problem.message
    assert facts_of(result, "a") == ["the valid fact"]


def test_facts_that_are_not_a_list_are_reported(data_dir: Path):
    path = write(data_dir, "programs/a.yaml", entity("a", body="facts: none\n"))
    result = load([data_dir])
    assert places(result) == [(str(path), 4, 8)]
    assert result.entities["a"].facts == []


@pytest.mark.parametrize("bad_id", ["Bad_Id", "bad--id", "-bad", "bad id", "bád"])
def test_a_bad_id_is_reported_and_the_entity_dropped(data_dir: Path, bad_id: str):
    path = write(data_dir, "programs/bad.yaml", f'id: "{bad_id}"\nkind: program\nname: Bad\n')
    good(data_dir)
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 1, 5)
    assert "is not a valid id" in problem.message
    assert list(result.entities) == ["good"]


@pytest.mark.parametrize(("value", "shown"), [("2019-01-01", '"2019-01-01"'), ("2019", '"2019"')])
@pytest.mark.parametrize("field", ["date", "start", "end"])
def test_an_unquoted_date_is_reported_as_needing_quotes(data_dir: Path, field: str, value: str, shown: str):
    body = fact(f"""\
  - property: note
    text: "dated"
    {field}: {value}
    sources:
      - {{source: {SRC}, locator: "¶1"}}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line) == (str(path), 7)
    assert problem.column == len(f"    {field}: ") + 1
    assert f"facts[0].{field}: a date must be a quoted string, e.g. {shown}" == problem.message
    assert facts_of(result, "a") == ["the valid fact"]


# -- ids across files -------------------------------------------------------------------


def test_duplicate_ids_across_two_files_name_both_paths(data_dir: Path):
    first = write(data_dir, "countries/twin.yaml", entity("twin", kind="country", name="First"))
    second = write(data_dir, "programs/twin.yaml", entity("twin", name="Second"))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line) == (str(second), 1)
    assert str(first) in str(problem)
    assert str(second) in str(problem)
    assert "duplicate id `twin`" in problem.message
    assert result.entities["twin"].name == "First"


def test_duplicate_ids_across_two_folders_keep_the_first_folder(data_dir: Path, tmp_path: Path):
    extra = tmp_path / "extra"
    write(extra, "programs/imet.yaml", entity("imet", name="Impostor"))
    result = load([BUNDLED, extra])
    problem = only(result)
    assert problem.path == str(extra / "programs" / "imet.yaml")
    assert str(BUNDLED / "programs" / "imet.yaml") in problem.message
    assert result.entities["imet"].name == "International Military Education and Training"


def test_an_id_that_does_not_match_the_file_name_is_reported_and_left_out(data_dir: Path):
    path = write(data_dir, "programs/a.yaml", entity("b", body="facts:\n" + link_fact("administered_by", "good")))
    good(data_dir)
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 1, 5)
    assert "does not match the file name `a.yaml`" in problem.message
    assert list(result.entities) == ["good"]


def test_a_link_to_an_entity_left_out_for_its_file_name_is_reported(data_dir: Path):
    write(data_dir, "programs/a.yaml", entity("b"))
    linking = write(data_dir, "programs/c.yaml", entity("c", body="facts:\n" + link_fact("administered_by", "b")))
    result = load([data_dir])
    assert [(p.path, p.line) for p in result.problems] == [
        (str(data_dir / "programs" / "a.yaml"), 1),
        (str(linking), 6),
    ]
    assert "`b`, which does not exist" in result.problems[1].message
    assert list(result.entities) == ["c"]


# -- vocabulary and sources ----------------------------------------------------------------


def test_an_unknown_kind_is_reported_and_the_entity_dropped(data_dir: Path):
    path = write(data_dir, "programs/a.yaml", entity("a", kind="spaceship"))
    good(data_dir)
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 2, 7)
    assert problem.message.startswith("unknown kind `spaceship`")
    assert list(result.entities) == ["good"]


def test_an_unknown_property_drops_the_fact(data_dir: Path):
    body = fact(f"""\
  - property: flies_to
    text: "the moon"
    sources:
      - {{source: {SRC}, locator: "¶1"}}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 5, 15)
    assert problem.message == "unknown property `flies_to`"
    assert facts_of(result, "a") == ["the valid fact"]


def test_an_unknown_source_drops_the_fact_when_it_is_the_only_one(data_dir: Path):
    body = fact("""\
  - property: note
    text: "unsourced"
    sources:
      - {source: no-such-article, locator: "¶1"}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    # Problems come sorted by place, whatever order they were found in.
    assert places(result) == [(str(path), 8, 7), (str(path), 8, 18)]
    assert "fact left out" in result.problems[0].message
    assert result.problems[1].message == "unknown source `no-such-article` (not in sources.yaml)"
    assert facts_of(result, "a") == ["the valid fact"]


def test_an_unknown_source_beside_a_good_one_keeps_the_fact(data_dir: Path):
    body = fact(f"""\
  - property: note
    text: "half sourced"
    sources:
      - {{source: no-such-article, locator: "¶1"}}
      - {{source: {SRC}, locator: "¶2"}}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    assert places(result) == [(str(path), 8, 18)]
    kept = result.entities["a"].facts[0]
    assert kept.text == "half sourced"
    assert [(c.source, c.locator) for c in kept.sources] == [(SRC, "¶2")]


@pytest.mark.parametrize("locator", [f"¶{SRC_PARAGRAPHS + 1}", "¶0", f"¶14-{SRC_PARAGRAPHS + 1}", "¶5-3"])
def test_a_locator_past_the_articles_paragraphs_is_reported(data_dir: Path, locator: str):
    body = fact(f"""\
  - property: note
    text: "too far"
    sources:
      - {{source: {SRC}, locator: "{locator}"}}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    column = len(f"      - {{source: {SRC}, locator: ") + 1
    assert places(result) == [(str(path), 8, 7), (str(path), 8, column)]
    assert "fact left out" in result.problems[0].message
    assert f"which has {SRC_PARAGRAPHS} paragraph(s)" in result.problems[1].message
    assert facts_of(result, "a") == ["the valid fact"]


@pytest.mark.parametrize("locator", [f"¶{SRC_PARAGRAPHS}", "¶1", "¶ 3", "¶2-3", "¶2–3", "p. 4", "section 2"])
def test_locators_inside_the_article_or_not_paragraphs_are_accepted(data_dir: Path, locator: str):
    write(data_dir, "programs/a.yaml", entity("a", body="facts:\n" + note_fact(locator=locator)))
    assert load([data_dir]).problems == []


# -- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("date", "2019-02-30"), ("date", "abc"), ("start", "someday")])
def test_an_unparseable_date_drops_the_fact(data_dir: Path, field: str, value: str):
    body = fact(f"""\
  - property: note
    text: "when?"
    {field}: "{value}"
    sources:
      - {{source: {SRC}, locator: "¶1"}}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 7, len(f"    {field}: ") + 1)
    assert problem.message.startswith(f"bad {field}: '{value}'")
    assert facts_of(result, "a") == ["the valid fact"]


def test_end_before_start_is_reported_at_the_end(data_dir: Path):
    body = fact(f"""\
  - property: note
    text: "backwards"
    start: "2020"
    end: "2002"
    sources:
      - {{source: {SRC}, locator: "¶1"}}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 8, 10)
    assert problem.message == "end '2002' is before start '2020'"
    assert facts_of(result, "a") == ["the valid fact"]


def test_date_with_start_is_reported(data_dir: Path):
    body = fact(f"""\
  - property: note
    text: "both"
    date: "2016"
    start: "2002"
    sources:
      - {{source: {SRC}, locator: "¶1"}}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 5, 5)
    assert "either `date` or `start`/`end`, not both" in problem.message
    assert facts_of(result, "a") == ["the valid fact"]


# -- facts --------------------------------------------------------------------------------


def test_a_fact_with_no_sources_is_reported(data_dir: Path):
    body = fact("""\
  - property: note
    text: "hearsay"
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 5, 5)
    assert problem.message == "facts[0]: missing required key `sources`"
    assert facts_of(result, "a") == ["the valid fact"]


def test_a_fact_with_an_empty_source_list_is_reported(data_dir: Path):
    body = fact("""\
  - property: note
    text: "hearsay"
    sources: []
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 7, 14)
    assert "a fact needs at least one source" in problem.message
    assert facts_of(result, "a") == ["the valid fact"]


@pytest.mark.parametrize("pair", ["value: 5", "unit: USD"])
def test_a_value_without_a_unit_or_a_unit_without_a_value(data_dir: Path, pair: str):
    body = fact(f"""\
  - property: spending
    {pair}
    sources:
      - {{source: {SRC}, locator: "¶1"}}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 5, 5)
    assert "`value` and `unit` go together" in problem.message
    assert facts_of(result, "a") == ["the valid fact"]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("  - property: spending\n    text: lots\n", "`spending` takes a `value:` (or `unknown: true`)"),
        (
            "  - property: administered_by\n    text: someone\n",
            "`administered_by` takes an `entity:` (or `unknown: true`)",
        ),
        ("  - property: note\n    value: 3\n    unit: things\n", "`note` takes a `text:` (or `unknown: true`)"),
        ("  - property: enacted\n    text: once\n", "`enacted` is a date: give `date` or `start`/`end`"),
    ],
    ids=["quantity-with-text", "entity-with-text", "text-with-value", "date-without-date"],
)
def test_a_fact_must_give_what_its_property_takes(data_dir: Path, lines: str, message: str):
    body = fact(lines + f'    sources:\n      - {{source: {SRC}, locator: "¶1"}}\n')
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 5, 5)
    assert problem.message == message
    assert facts_of(result, "a") == ["the valid fact"]


def test_unknown_true_stands_in_for_the_value(data_dir: Path):
    body = fact(f'  - property: spending\n    unknown: true\n    sources:\n      - {{source: {SRC}, locator: "¶1"}}\n')
    write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    assert result.problems == []
    assert result.entities["a"].facts[0].unknown is True


# -- links and parents ------------------------------------------------------------------


def test_a_link_to_a_missing_entity_keeps_the_fact_unlinked(data_dir: Path):
    body = fact(f"""\
  - property: administered_by
    entity: nowhere
    sources:
      - {{source: {SRC}, locator: "¶1"}}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    problem = only(result)
    # at the `entity:` value: line 6, column 13
    assert (problem.path, problem.line, problem.column) == (str(path), 6, 13)
    assert problem.message == "`administered_by` links to `nowhere`, which does not exist"
    kept = result.entities["a"].facts[0]
    assert (kept.property, kept.entity, kept.missing_entity) == ("administered_by", None, "nowhere")
    assert len(result.entities["a"].facts) == 2


def test_a_link_outside_the_propertys_range_is_reported_and_kept(data_dir: Path):
    body = fact(f"""\
  - property: established_by
    entity: good
    sources:
      - {{source: {SRC}, locator: "¶1"}}
""")
    path = write(data_dir, "programs/a.yaml", entity("a", body=body))
    good(data_dir)
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 6, 13)
    assert "a program; it takes law" in problem.message
    assert result.entities["a"].facts[0].entity == "good"


def test_a_missing_parent_is_reported_at_the_parent_line(data_dir: Path):
    path = write(
        data_dir,
        "agencies/a.yaml",
        entity(
            "a",
            kind="agency",
            body=f"summary: An office.\nparent: ghost\nparent_sources: {CITED}\nsummary_sources: {CITED}\n",
        ),
    )
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 5, 9)
    assert problem.message == "parent `ghost` does not exist"
    assert result.entities["a"].parent is None


def test_a_parent_cycle_is_reported_and_cut(data_dir: Path, tmp_path: Path):
    for ident, parent in (("a", "b"), ("b", "c"), ("c", "a")):
        write(data_dir, f"agencies/{ident}.yaml", entity(ident, kind="agency", body=cited_parent(parent)))
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(data_dir / "agencies" / "a.yaml"), 4, 9)
    assert "parents form a cycle (a → b → c → a)" in problem.message
    assert {i: e.parent for i, e in result.entities.items()} == {"a": None, "b": "c", "c": "a"}
    # the tree can still be drawn: every path ends, at the top
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    assert [store.tree_path(i) for i in "abc"] == [["a"], ["a", "c", "b"], ["a", "c"]]
    assert [row.id for row in store.level("agency")] == ["a"]
    assert [row.id for row in store.level("agency", "a")] == ["c"]


def test_an_entity_that_is_its_own_parent_is_a_cycle(data_dir: Path, tmp_path: Path):
    write(data_dir, "agencies/a.yaml", entity("a", kind="agency", body=cited_parent("a")))
    result = load([data_dir])
    assert "cycle" in only(result).message
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    assert store.tree_path("a") == ["a"]


# -- packs ----------------------------------------------------------------------------------


def test_a_pack_with_one_bad_item_keeps_the_two_good_ones(data_dir: Path):
    path = write(
        data_dir,
        "programs/pack.yaml",
        """\
        - id: one
          kind: program
          name: One
        - id: Two
          kind: program
          name: Two
        - id: three
          kind: program
          name: Three
        """,
    )
    result = load([data_dir])
    problem = only(result)
    assert (problem.path, problem.line, problem.column) == (str(path), 4, 7)
    assert "is not a valid id" in problem.message
    assert list(result.entities) == ["one", "three"]
    three = result.entities["three"]
    assert Places().line(three.path, three.where) == 7


def test_a_pack_with_a_scalar_item_keeps_the_rest(data_dir: Path):
    path = write(
        data_dir,
        "programs/pack.yaml",
        "- {id: one, kind: program, name: One}\n- oops\n- {id: two, kind: program, name: Two}\n",
    )
    result = load([data_dir])
    assert places(result) == [(str(path), 2, 3)]
    assert list(result.entities) == ["one", "two"]


# -- the bundled data and `almanac validate` ---------------------------------------------------


def test_the_bundled_data_validates_clean():
    result = load([BUNDLED])
    assert [str(p) for p in result.problems] == []
    assert len(result.entities) >= 70


def test_almanac_validate_exits_0_on_the_bundled_data():
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["validate"], out=out, err=err) == 0
    assert out.getvalue() == ""
    assert re.fullmatch(r"ok: \d+ entities, \d+ facts in \d+ files\.\n", err.getvalue())


LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$")


def test_almanac_validate_exits_1_on_a_bad_folder_with_one_line_per_problem(data_dir: Path):
    syntax = write(data_dir, "programs/syntax.yaml", "id: syntax\nkind: [program\n")
    key = write(data_dir, "programs/key.yaml", entity("key", body="colour: red\n"))
    good(data_dir)
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["validate", "--no-bundled", str(data_dir)], out=out, err=err) == 1
    lines = out.getvalue().splitlines()
    assert [LINE.match(line).group("path", "line", "column") for line in lines] == [
        (str(key), "4", "1"),
        (str(syntax), "3", "1"),
    ]
    assert "2 problem(s)" in err.getvalue()


def test_almanac_validate_checks_a_folder_together_with_the_bundled_data(data_dir: Path):
    body = "facts:\n" + link_fact("administered_by", "department-of-defense")
    write(data_dir, "programs/linked.yaml", entity("linked", body=body))
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["validate", str(data_dir)], out=out, err=err) == 0, out.getvalue()
    assert cli.main(["validate", "--no-bundled", str(data_dir)], out=io.StringIO(), err=io.StringIO()) == 1


def test_almanac_validate_on_a_missing_folder_is_a_usage_error(tmp_path: Path):
    err = io.StringIO()
    assert cli.main(["validate", str(tmp_path / "nowhere")], out=io.StringIO(), err=err) == 2
    assert "does not exist" in err.getvalue()


def test_other_commands_report_the_same_problems_on_stderr_and_go_on(data_dir: Path):
    write(data_dir, "programs/key.yaml", entity("key", body="colour: red\n"))
    good(data_dir)
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["list", "--no-bundled", "--data", str(data_dir)], out=out, err=err) == 0
    assert [line.split()[0] for line in out.getvalue().splitlines()] == ["good", "key"]
    assert "unknown key `colour`" in err.getvalue()


def test_a_date_that_is_no_date_loses_only_its_fact(data_dir: Path):
    body = fact(f"""\
  - property: note
    text: "dated badly"
    date: 2019-13-45
    sources:
      - {{source: {SRC}, locator: "¶1"}}
""")
    write(data_dir, "programs/a.yaml", entity("a", body=body))
    result = load([data_dir])
    assert [p.message for p in result.problems] == ["bad date: '2019-13-45': month 13 is not between 1 and 12"]
    assert facts_of(result, "a") == ["the valid fact"]

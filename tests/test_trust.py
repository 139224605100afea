"""What keeps the data trustworthy, on small folders of its own: kinds of time (an undated state is
never current), claims that disagree (the preferred one shown, every one listed), cited parents and
summaries, the subject and linked kinds a property admits, the alias rule, and family-name order.

The bundled data is held to the same rules in test_bundled_trust.py.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from datafiles import CITED, SRC, entity, link_fact, touch_later, write
from json_shapes import CLAIM_KEYS

from desktop import cli
from desktop.core import refresh as refreshing
from desktop.core.asof import CURRENT, TIMELESS, UNDATED, annotate, parse_as_of
from desktop.core.loader import load
from desktop.core.store import Store
from desktop.ui.page_html import render_page


def note_marks(html: str) -> list[str]:
    """The page's note marks as a reader sees them ("[1 ¶3]"), in order."""
    found = re.findall(r"<sup>(\[.*?\])</sup>", html)
    return [re.sub(r"<[^>]+>", "", mark).replace("&nbsp;", " ") for mark in found]


OTHER = "foreign-assistance-act"  # a second source in the bundled sources.yaml

VOCABULARY = """\
kinds:
  - {id: program, label: Program, plural: Programs, folder: programs, icon: program.svg}
  - {id: law, label: Law, plural: Laws, folder: laws, icon: law.svg}
  - {id: person, label: Person, plural: People, folder: people, icon: person.svg, sort_by: family-name}
  - {id: event, label: Event, plural: Events, folder: events, icon: event.svg}
  - {id: armed-force, label: Armed force, plural: Armed forces, folder: armed-forces, icon: armed-force.svg}
  - {id: organization, label: Organization, plural: Organizations, folder: organizations, icon: organization.svg}
properties:
  - {id: signed_into_law_by, label: Signed into law by, inverse: Signed into law, takes: entity, time: event,
     domain: [law], range: [person]}
  - {id: restricted, label: Restricted, inverse: Restricted in, takes: entity, time: state,
     domain: [program], range: [program, law, person, event, armed-force, organization]}
  - {id: consequence, label: Led to, inverse: Followed from, takes: entity, time: timeless,
     domain: [event], range: [event]}
  - {id: employer, label: Works at, inverse: Employs, takes: entity, time: state,
     domain: [person], range: [organization]}
  - {id: purpose, label: Purpose, inverse: Purpose of, takes: text, time: timeless}
  - {id: criticism, label: Criticism, inverse: Criticism of, takes: text, time: event}
  - {id: enacted, label: Enacted, inverse: Enacted, takes: date, time: event}
"""


@pytest.fixture
def folder(data_dir: Path) -> Path:
    """A data folder with a vocabulary of its own: these rules must not depend on the bundled one."""
    (data_dir / "vocabulary.yaml").write_text(VOCABULARY, encoding="utf-8")
    return data_dir


def cite(locator: str = "¶1", source: str = SRC) -> str:
    return f'[{{source: {source}, locator: "{locator}"}}]'


def messages(folder: Path) -> list[str]:
    return [p.message for p in load([folder]).problems]


def show_json(store: Store, ident: str, *extra: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    argv = ["show", ident, "--json", "--cache-dir", str(store.path.parent), "--data", str(store.folders[0]), *extra]
    assert cli.main(argv, out=out, err=err) == 0, err.getvalue()
    return json.loads(out.getvalue())


# -- kinds of time ---------------------------------------------------------------------------------


def write_restrictions(folder: Path) -> None:
    write(folder, "people/pat-doe.yaml", entity("pat-doe", kind="person", name="Pat Doe"))
    body = f"""\
        facts:
          - property: restricted
            entity: pat-doe
            sources: {cite("¶13")}
          - property: restricted
            entity: pat-doe
            start: "2019-12"
            sources: {cite("¶13")}
          - property: purpose
            text: "Training"
            sources: {cite("¶5")}
          - property: criticism
            text: "Too small"
            sources: {cite("¶15")}
        """
    write(folder, "programs/drill.yaml", entity("drill", body=body))


@pytest.mark.parametrize("as_of", ["1900", "1995", "2012-06", "2019-12", "2050", "early 1960s", "1990s"])
def test_an_undated_state_or_event_is_never_current_at_any_date(folder: Path, tmp_path: Path, as_of: str):
    write_restrictions(folder)
    store = Store.open([folder], cache_dir=tmp_path / "cache")
    view = annotate(store.page("drill"), parse_as_of(as_of))
    statuses = [(f.fact.property, f.fact.start, f.status) for f in view.facts]
    assert statuses[0] == ("restricted", None, UNDATED)  # a state with no date
    assert statuses[2] == ("purpose", None, TIMELESS)  # not about time
    assert statuses[3] == ("criticism", None, UNDATED)  # an event with no date
    dated = statuses[1][2]
    assert dated == (CURRENT if as_of in ("2019-12", "2050") else "future")
    # From the linked end too: Pat Doe's "Restricted in" is undated, not current.
    inbound = annotate(store.page("pat-doe"), parse_as_of(as_of)).inbound
    assert [f.status for f in inbound if f.fact.start is None] == [UNDATED]


def test_the_page_and_show_mark_an_undated_state_date_not_known(folder: Path, tmp_path: Path):
    write_restrictions(folder)
    store = Store.open([folder], cache_dir=tmp_path / "cache")
    html = render_page(store.page("drill"), as_of=parse_as_of("1995"))
    # The undated restriction and the undated criticism (the restriction that dates Pat Doe's is still
    # to come in 1995, so it is not shown); each fact is shown once, so each is marked once.
    assert html.count("[date not known]") == 2
    assert "[timeless]" not in html  # a purpose is shown as it is
    data = show_json(store, "drill", "--as-of", "1995")
    assert [f["status"] for f in data["facts"]] == [UNDATED, "future", TIMELESS, UNDATED]
    assert [f["time"] for f in data["facts"]] == ["state", "state", "timeless", "event"]
    text = io.StringIO()
    argv = ["show", "drill", "--as-of", "1995", "--cache-dir", str(store.path.parent), "--data", str(folder)]
    assert cli.main(argv, out=text, err=io.StringIO()) == 0
    assert "[date not known] Restricted Pat Doe" in text.getvalue()


def test_a_time_the_vocabulary_does_not_know_is_a_setup_problem(folder: Path):
    vocabulary = folder / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text().replace("time: timeless}", "time: sometimes}", 1), encoding="utf-8")
    vocabulary.write_text(vocabulary.read_text().replace("range: [person]}", "range: [persn]}", 1), encoding="utf-8")
    found = messages(folder)
    assert "property: `time` must be one of event, state, timeless" in found
    assert "property `signed_into_law_by`: `range` names an unknown kind `persn`" in found


# -- the kinds a property admits at each end -------------------------------------------------------


def test_a_fact_said_of_a_kind_outside_its_domain_or_linking_outside_its_range_is_reported(folder: Path):
    write(folder, "organizations/airline.yaml", entity("airline", kind="organization"))
    write(folder, "programs/drill.yaml", entity("drill"))
    force = "facts:\n" + link_fact("employer", "airline")
    write(folder, "armed-forces/air-force.yaml", entity("air-force", kind="armed-force", body=force))
    pandemic = "facts:\n" + link_fact("consequence", "drill")
    write(folder, "events/pandemic.yaml", entity("pandemic", kind="event", body=pandemic))
    result = load([folder])
    assert [p.message for p in result.problems] == [
        "`employer` is not said of an armed-force: its subject is a person",
        "`consequence` links to `drill`, a program; it takes event",
    ]
    # Both are kept, as a wrong link is: the problem says which end to mend.
    assert result.entities["air-force"].facts[0].entity == "airline"


# -- claims that disagree --------------------------------------------------------------------------


SIGNED = f"""\
    facts:
      - property: signed_into_law_by
        claims:
          - entity: jfk
            date: "1961-11-03"
            rank: deprecated
            note: "the date of an executive order"
            sources: {cite("¶1", OTHER)}
          - entity: jfk
            date: "1961-09-04"
            rank: preferred
            note: "as the statute prints it"
            sources: {cite("¶2")}
    """


def write_signing(folder: Path) -> None:
    write(folder, "people/jfk.yaml", entity("jfk", kind="person", name="John F. Kennedy"))
    write(folder, "laws/act.yaml", entity("act", kind="law", name="The Act", body=SIGNED))


def test_a_fact_whose_sources_disagree_shows_its_preferred_claim_and_lists_every_claim(folder: Path, tmp_path: Path):
    write_signing(folder)
    assert messages(folder) == []
    store = Store.open([folder], cache_dir=tmp_path / "cache")
    (fact,) = store.page("act").facts
    assert (fact.date, fact.rank, fact.disputed) == ("1961-09-04", "preferred", True)
    assert fact.note == "as the statute prints it"
    assert [(c.rank, c.date, c.shown, c.sources[0].source.id) for c in fact.claims] == [
        ("deprecated", "1961-11-03", False, OTHER),
        ("preferred", "1961-09-04", True, SRC),
    ]
    # The timeline and the as-of view go by the preferred claim alone.
    assert [i.date for i in store.timeline(entity="act")] == ["1961-09-04"]
    # --json lists every claim with its rank and sources.
    (shown,) = show_json(store, "act")["facts"]
    assert (shown["date"], shown["rank"], shown["sources_disagree"]) == ("1961-09-04", "preferred", True)
    assert [(c["rank"], c["date"], [s["id"] for s in c["sources"]], c["note"]) for c in shown["claims"]] == [
        ("deprecated", "1961-11-03", [OTHER], "the date of an executive order"),
        ("preferred", "1961-09-04", [SRC], "as the statute prints it"),
    ]
    # From the other end too.
    (signed,) = show_json(store, "jfk")["inbound"]
    assert (signed["date"], len(signed["claims"])) == ("1961-09-04", 2)
    assert all(set(claim) == CLAIM_KEYS for claim in [*shown["claims"], *signed["claims"]])


def test_the_page_marks_a_disagreement_and_opens_the_other_claims(folder: Path, tmp_path: Path):
    write_signing(folder)
    store = Store.open([folder], cache_dir=tmp_path / "cache")
    page = store.page("act")
    closed = render_page(page)
    assert 'href="claims:act">sources disagree' in closed
    assert "3 November 1961" not in closed and "4 September 1961" in closed
    opened = render_page(page, open_claims=True)
    assert "deprecated:" in opened and "3 November 1961" in opened and "the date of an executive order" in opened
    # The deprecated claim's source is numbered among the page's sources, with its paragraph.
    assert [s.id for s in page.sources] == [SRC, OTHER]
    assert "[2 ¶1]" in note_marks(opened) and "[2 ¶1]" not in note_marks(closed)


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ('[{entity: jfk, rank: preferred, sources: CITE}, {entity: jfk, rank: preferred, sources: CITE}]',
         "only one claim of a fact can be preferred"),
        ("[{entity: jfk, sources: CITE}]",
         "facts[0].claims: `claims` are for sources that disagree: give two or more, or the fact's value alone"),
        ('[{entity: jfk, rank: deprecated, sources: CITE}, {entity: jfk, rank: deprecated, sources: CITE}]',
         "fact left out: every claim it still has is deprecated"),
        ('[{entity: jfk, rank: best, sources: CITE}, {entity: jfk, sources: CITE}]',
         "facts[0].claims[0].rank: 'best' is not one of preferred, normal, deprecated"),
        ("[{rank: preferred, sources: CITE}, {entity: jfk, sources: CITE}]",
         "`signed_into_law_by` takes an `entity:` (or `unknown: true`)"),
    ],
)  # fmt: skip
def test_claims_that_cannot_stand_are_reported(folder: Path, claims: str, expected: str):
    write(folder, "people/jfk.yaml", entity("jfk", kind="person"))
    body = f"facts:\n  - property: signed_into_law_by\n    claims: {claims.replace('CITE', cite())}\n"
    write(folder, "laws/act.yaml", entity("act", kind="law", body=body))
    assert expected in [p.message for p in load([folder]).problems]


def test_a_fact_with_claims_gives_no_value_of_its_own(folder: Path):
    write(folder, "people/jfk.yaml", entity("jfk", kind="person"))
    body = SIGNED.replace("        claims:", "        entity: jfk\n        claims:")
    write(folder, "laws/act.yaml", entity("act", kind="law", body=body))
    result = load([folder])
    expected = "a fact with `claims` gives `entity` in each claim, not beside them"
    assert [p.message for p in result.problems] == [expected]
    assert result.entities["act"].facts == []


def test_a_broken_claim_is_left_out_and_the_fact_keeps_the_others(folder: Path, tmp_path: Path):
    write(folder, "people/jfk.yaml", entity("jfk", kind="person"))
    broken = SIGNED.replace('date: "1961-11-03"', 'date: "1961-13-03"')
    write(folder, "laws/act.yaml", entity("act", kind="law", body=broken))
    result = load([folder])
    assert len(result.problems) == 1 and "1961-13-03" in result.problems[0].message
    (fact,) = result.entities["act"].facts
    assert fact.when.date.text == "1961-09-04" and fact.claims == []  # one claim left: nothing to disagree with


# -- every statement cited -------------------------------------------------------------------------


def test_an_uncited_parent_or_summary_is_reported_and_kept(folder: Path, tmp_path: Path):
    write(folder, "programs/top.yaml", entity("top"))
    write(folder, "programs/sub.yaml", entity("sub", body="parent: top\nsummary: A part of the top program.\n"))
    write(folder, "programs/stray.yaml", entity("stray", body=f"parent_sources: {CITED}\n"))
    result = load([folder])
    assert [(Path(p.path).name, p.line, p.message) for p in result.problems] == [
        ("stray.yaml", 4, "`parent_sources` cites a parent the entity does not have"),
        ("sub.yaml", 4, "the parent is not cited: give `parent_sources` (the paragraphs it comes from)"),
        ("sub.yaml", 5, "the summary is not cited: give `summary_sources` (the paragraphs it comes from)"),
    ]
    assert result.entities["sub"].parent == "top" and result.entities["sub"].summary


def test_a_cited_parent_and_summary_carry_their_notes_to_the_page(folder: Path, tmp_path: Path):
    write(folder, "programs/top.yaml", entity("top"))
    body = f"parent: top\nparent_sources: {cite('¶1', OTHER)}\nsummary: A part.\nsummary_sources: {cite('¶3')}\n"
    write(folder, "programs/sub.yaml", entity("sub", body=body))
    store = Store.open([folder], cache_dir=tmp_path / "cache")
    page = store.page("sub")
    assert [s.id for s in page.sources] == [SRC, OTHER]  # the summary comes first on the page
    html = render_page(page)
    assert "A part. <sup>[" in html and note_marks(html) == ["[2 ¶1]", "[1 ¶3]"]  # the header, then the summary
    data = show_json(store, "sub")
    assert [(c["id"], c["locator"]) for c in data["summary_sources"]] == [(SRC, "¶3")]
    assert [(c["id"], c["locator"]) for c in data["parent_sources"]] == [(OTHER, "¶1")]


# -- aliases ---------------------------------------------------------------------------------------


def test_an_alias_another_entity_answers_to_is_reported_unless_listed_as_ambiguous(folder: Path):
    write(folder, "programs/yugo.yaml", entity("yugo", name="Yugoslavia", body='aliases: ["SFRY"]\n'))
    write(folder, "programs/fry.yaml", entity("fry", name="FR Yugoslavia", body='aliases: ["Yugoslavia", "FRY"]\n'))
    write(folder, "programs/pm.yaml", entity("pm", body='aliases: ["P.M."]\n'))
    write(folder, "programs/pm2.yaml", entity("pm2", body='aliases: ["pm"]\n'))
    found = [(Path(p.path).name, p.line, p.message) for p in load([folder]).problems]
    assert found == [
        ("fry.yaml", 4, "alias 'yugoslavia' also names `yugo`: remove it, or list it under `ambiguous_aliases` "
         "if both really go by it"),
        ("pm2.yaml", 4, "alias 'pm' also names `pm`: remove it, or list it under `ambiguous_aliases` "
         "if both really go by it"),
    ]  # fmt: skip
    # Ids are not names: `pm`'s alias "P.M." is its own id folded, and names no one else.
    write(folder, "programs/fry.yaml", entity("fry", body='aliases: ["Yugoslavia"]\nambiguous_aliases: [yugoslavia]\n'))
    write(folder, "programs/pm2.yaml", entity("pm2", body='aliases: ["pm"]\nambiguous_aliases: ["Pm", "PMX"]\n'))
    assert messages(folder) == ["`PMX` is not one of the aliases: list it there too"]


def test_a_refresh_finds_and_clears_alias_clashes_as_a_build_does(folder: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(refreshing, "MAX_CHANGED_SHARE", 1.0)  # a tiny folder: every edit is a refresh
    write(folder, "programs/one.yaml", entity("one", body='aliases: ["Shared"]\n'))
    two = write(folder, "programs/two.yaml", entity("two", body='aliases: ["Other"]\n'))
    cache = tmp_path / "cache"
    assert Store.open([folder], cache_dir=cache).problems() == []
    two.write_text(entity("two", body='aliases: ["Shared"]\n'), encoding="utf-8")
    touch_later(two)
    store = Store.open([folder], cache_dir=cache)
    assert store.refreshed
    clashes = sorted(Path(p.path).name for p in store.problems())
    assert clashes == ["one.yaml", "two.yaml"]
    assert [str(p) for p in store.problems()] == [str(p) for p in load([folder]).problems]
    store.close()
    two.write_text(entity("two", body='aliases: ["Shared"]\nambiguous_aliases: ["Shared"]\n'), encoding="utf-8")
    touch_later(two)
    store = Store.open([folder], cache_dir=cache)
    assert store.refreshed and [Path(p.path).name for p in store.problems()] == ["one.yaml"]
    store.close()


# -- order -----------------------------------------------------------------------------------------


def test_people_sort_by_family_name_unless_they_say_otherwise(folder: Path, tmp_path: Path):
    for ident, name, body in (
        ("amy-zulu", "Amy Zulu", ""),
        ("zed-adams", "Zed Adams", ""),
        ("king", "Martin Luther King Jr.", ""),
        ("mono", "Plato", ""),
        ("van", "Anna van Berg", 'sort_as: "Berg, Anna van"\n'),
    ):
        write(folder, f"people/{ident}.yaml", entity(ident, kind="person", name=name, body=body))
    store = Store.open([folder], cache_dir=tmp_path / "cache")
    assert [row.name for row in store.level("person")] == [
        "Zed Adams",
        "Anna van Berg",
        "Martin Luther King Jr.",
        "Plato",
        "Amy Zulu",
    ]
    shutil.rmtree(tmp_path / "cache")


def test_in_the_window_the_mark_opens_and_closes_the_other_claims(qtbot, folder: Path, tmp_path: Path):
    from PySide6.QtCore import QUrl
    from ui_support import open_window

    write_signing(folder)
    window = open_window(qtbot, ["--no-bundled", "--data", str(folder), "--cache-dir", str(tmp_path / "cache")])
    window.pages.show_entity("act")

    def text() -> str:
        return window.detail.toPlainText()

    assert "sources disagree ▸" in text() and "3 November 1961" not in text()
    window.detail.anchorClicked.emit(QUrl("claims:act"))
    assert "sources disagree ▾" in text() and "3 November 1961" in text() and "deprecated:" in text()
    window.pages.rerender()  # a redraw (new colours, new data) keeps it open
    assert "3 November 1961" in text()
    window.detail.anchorClicked.emit(QUrl("claims:act"))
    assert "3 November 1961" not in text()


def test_a_note_keeps_a_statute_locator_apart_from_the_source_number(folder: Path, tmp_path: Path):
    write(folder, "programs/top.yaml", entity("top"))
    body = f'parent: top\nparent_sources: [{{source: {OTHER}, locator: "75 Stat. 424"}}]\n'
    write(folder, "programs/sub.yaml", entity("sub", body=body + f"summary: A part.\nsummary_sources: {cite('¶3')}\n"))
    store = Store.open([folder], cache_dir=tmp_path / "cache")
    assert note_marks(render_page(store.page("sub"))) == ["[2, 75 Stat. 424]", "[1 ¶3]"]
    text = io.StringIO()
    argv = ["show", "sub", "--cache-dir", str(store.path.parent), "--data", str(folder)]
    assert cli.main(argv, out=text, err=io.StringIO()) == 0
    assert "Part of: Top (top) [2, 75 Stat. 424]" in text.getvalue()

"""The item models: the lazily loaded navigator tree and the search results list."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from ui_support import CITE, write_yaml

from desktop.core.store import Store
from desktop.models.navigator_model import BATCH, NavigatorModel
from desktop.models.results_model import SearchResultsModel, snippet_html
from desktop.models.roles import Role

COUNTRIES = 600
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def _country_name(i: int) -> str:
    # A permutation of 0..599, so that name order is not id order.
    return f"Land {(i * 7) % COUNTRIES:03d}"


@pytest.fixture
def big_store(data_dir: Path, tmp_path: Path) -> Store:
    """600 countries in one bulk pack, plus an agency with a child office."""
    countries = [
        {"id": f"e-{i:04d}", "kind": "country", "name": _country_name(i), "facts": []} for i in range(1, COUNTRIES + 1)
    ]
    countries[0]["aliases"] = ["Firstland", "The First"]
    write_yaml(data_dir, "countries/pack.yaml", countries)
    write_yaml(
        data_dir,
        "agencies/pack.yaml",
        [
            {"id": "parent-agency", "kind": "agency", "name": "Parent Agency", "aliases": ["PA"]},
            {
                "id": "child-office",
                "kind": "agency",
                "name": "Child Office",
                "parent": "parent-agency",
                "parent_sources": CITE,
            },
        ],
    )
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    assert store.problems() == []
    yield store
    store.close()


def _group(model: NavigatorModel, kind: str) -> QModelIndex:
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(Role.KIND) == kind:
            return index
    raise AssertionError(f"no group for {kind}")


def _names(model: NavigatorModel, parent: QModelIndex) -> list[str]:
    return [model.index(r, 0, parent).data(DISPLAY) for r in range(model.rowCount(parent))]


def _shown_as(tooltip: str) -> str:
    """The text a tooltip shows: Qt renders it as rich text when it looks like markup."""
    doc = QTextDocument()
    if QtGui.Qt.mightBeRichText(tooltip):
        doc.setHtml(tooltip)
    else:
        doc.setPlainText(tooltip)
    return doc.toPlainText()


# -- the navigator ---------------------------------------------------------


def test_navigator_passes_the_model_tester(qtmodeltester, bundled_store: Store) -> None:
    model = NavigatorModel(bundled_store)
    qtmodeltester.check(model)


def test_navigator_passes_the_model_tester_with_levels_fetched_and_expanded(qtmodeltester, bundled_store) -> None:
    model = NavigatorModel(bundled_store)
    # Load every level fully: all groups, and every entity with children down the tree.
    pending = [model.index(r, 0) for r in range(model.rowCount())]
    while pending:
        parent = pending.pop()
        while model.canFetchMore(parent):
            model.fetchMore(parent)
        pending.extend(
            model.index(r, 0, parent)
            for r in range(model.rowCount(parent))
            if model.hasChildren(model.index(r, 0, parent))
        )
    nested = model.index_for_id("defense-security-cooperation-agency")
    assert nested.isValid() and nested.parent().isValid() and nested.parent().parent().isValid()
    qtmodeltester.check(model)


def test_navigator_with_a_large_group_passes_the_model_tester(qtmodeltester, big_store: Store) -> None:
    model = NavigatorModel(big_store)
    qtmodeltester.check(model)
    group = _group(model, "country")
    while model.canFetchMore(group):
        model.fetchMore(group)
    assert model.rowCount(group) == COUNTRIES
    model.index_for_id("child-office")
    qtmodeltester.check(model)


def test_groups_follow_the_vocabulary_with_counts(big_store: Store) -> None:
    model = NavigatorModel(big_store)
    labels = [model.index(r, 0).data(DISPLAY) for r in range(model.rowCount())]
    # The vocabulary's order; a kind with nothing in it is no group.
    assert labels == [f"{k.plural} ({k.count:,})" for k in big_store.kinds() if k.count]
    assert len(labels) < len(big_store.kinds())
    assert model.index(0, 0).data(Role.ENTITY_ID) is None
    assert _group(model, "country").data(DISPLAY) == "Countries (600)"
    assert _group(model, "agency").data(DISPLAY) == "Agencies and offices (2)"
    assert "Programs (0)" not in labels  # an empty kind would be a group with nothing to open


def test_a_large_group_loads_in_batches_in_name_order(big_store: Store) -> None:
    model = NavigatorModel(big_store)
    group = _group(model, "country")
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))

    assert model.rowCount(group) == 0
    assert model.hasChildren(group)
    assert model.canFetchMore(group)

    model.fetchMore(group)
    assert model.rowCount(group) == BATCH == 256
    everything = sorted(_country_name(i) for i in range(1, COUNTRIES + 1))
    assert _names(model, group) == everything[:BATCH]
    assert model.canFetchMore(group)

    while model.canFetchMore(group):
        model.fetchMore(group)
    assert model.rowCount(group) == COUNTRIES
    assert not model.canFetchMore(group)
    assert _names(model, group) == everything
    assert inserted == [(0, 255), (256, 511), (512, 599)]
    model.fetchMore(group)  # nothing more: no change
    assert model.rowCount(group) == COUNTRIES


def test_agencies_nest_under_their_parent(big_store: Store) -> None:
    model = NavigatorModel(big_store)
    group = _group(model, "agency")
    model.fetchMore(group)
    assert _names(model, group) == ["Parent Agency"]  # the child is not at the top level
    parent = model.index(0, 0, group)
    assert parent.data(Role.ENTITY_ID) == "parent-agency"
    assert model.hasChildren(parent)
    assert model.rowCount(parent) == 0 and model.canFetchMore(parent)
    model.fetchMore(parent)
    child = model.index(0, 0, parent)
    assert child.data(Role.ENTITY_ID) == "child-office"
    assert child.data(DISPLAY) == "Child Office"
    assert child.parent() == parent
    assert not model.hasChildren(child)
    assert not model.canFetchMore(child)


def test_tooltip_shows_aliases(big_store: Store) -> None:
    model = NavigatorModel(big_store)
    first = model.index_for_id("e-0001")
    tip = first.data(TOOLTIP)
    assert "Firstland" in tip and "The First" in tip
    assert _shown_as(tip) == f"{_country_name(1)}\nAlso known as: Firstland, The First"
    plain = model.index_for_id("e-0002")
    assert _shown_as(plain.data(TOOLTIP)) == _country_name(2)


def test_index_for_id_loads_the_batches_on_the_way(big_store: Store) -> None:
    model = NavigatorModel(big_store)
    group = _group(model, "country")
    # Land 599 sorts last: finding it needs all three batches.
    target = next(f"e-{i:04d}" for i in range(1, COUNTRIES + 1) if _country_name(i) == "Land 599")
    index = model.index_for_id(target)
    assert index.isValid()
    assert index.data(Role.ENTITY_ID) == target
    assert index.parent() == group
    assert index.row() == COUNTRIES - 1
    assert model.rowCount(group) == COUNTRIES

    fresh = NavigatorModel(big_store)
    middle = next(f"e-{i:04d}" for i in range(1, COUNTRIES + 1) if _country_name(i) == "Land 300")
    found = fresh.index_for_id(middle)
    assert found.row() == 300 and found.data(DISPLAY) == "Land 300"
    assert fresh.rowCount(_group(fresh, "country")) == 2 * BATCH  # only as far as needed

    child = model.index_for_id("child-office")
    assert child.data(Role.ENTITY_ID) == "child-office"
    assert child.parent().data(Role.ENTITY_ID) == "parent-agency"
    assert child.parent().parent() == _group(model, "agency")
    assert not model.index_for_id("no-such-entity").isValid()


def test_set_store_resets_the_tree(big_store: Store, bundled_store: Store, qtbot) -> None:
    model = NavigatorModel(big_store)
    model.index_for_id("child-office")
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset]):
        model.set_store(bundled_store)
    assert [model.index(r, 0).data(DISPLAY) for r in range(model.rowCount())] == [
        f"{k.plural} ({k.count:,})" for k in bundled_store.kinds() if k.count
    ]
    assert model.index_for_id("imet").data(Role.ENTITY_ID) == "imet"


def test_navigator_data_is_escaped_in_tooltips(data_dir: Path, tmp_path: Path) -> None:
    """A tooltip is drawn as rich text when it looks like markup: the data must still show as text."""
    name = "<img src=x> <b>Bold</b>"
    write_yaml(data_dir, "programs/evil.yaml", {"id": "evil", "kind": "program", "name": name, "aliases": ["<i>A</i>"]})
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    model = NavigatorModel(store)
    index = model.index_for_id("evil")
    assert index.data(DISPLAY) == name
    assert _shown_as(index.data(TOOLTIP)) == f"{name}\nAlso known as: <i>A</i>"
    store.close()


# -- search results ------------------------------------------------------------


def test_results_model_passes_the_model_tester(qtmodeltester, bundled_store: Store) -> None:
    model = SearchResultsModel(kind_labels={k.id: k.label for k in bundled_store.kinds()})
    qtmodeltester.check(model)  # empty
    model.set_hits("imet", bundled_store.search("imet", limit=200))
    qtmodeltester.check(model)
    model.set_hits("pakistan", bundled_store.search("pakistan", limit=200))
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)


def test_results_model_rows(bundled_store: Store, qtbot) -> None:
    labels = {k.id: k.label for k in bundled_store.kinds()}
    model = SearchResultsModel(kind_labels=labels)
    hits = bundled_store.search("imet", limit=200)
    assert len(hits) > 1
    with qtbot.waitSignal(model.modelReset):
        model.set_hits("imet", hits)
    assert model.query == "imet"
    assert model.rowCount() == len(hits)
    first = model.index(0, 0)
    assert first.data(DISPLAY) == "International Military Education and Training"
    assert first.data(Role.ENTITY_ID) == "imet"
    assert first.data(Role.KIND) == "program"
    assert first.data(Role.KIND_LABEL) == "Program"
    assert first.data(Role.SCORE) == hits[0].score
    assert "<b>" in first.data(Role.SNIPPET)
    assert model.hit(0) == hits[0]
    assert model.hit(len(hits)) is None and model.hit(-1) is None
    assert model.rowCount(first) == 0  # a list: no children
    model.clear()
    assert model.rowCount() == 0 and model.query == ""


def test_snippets_escape_the_data_and_bold_the_match() -> None:
    assert snippet_html("a <script>\x01x\x02</script>") == "a &lt;script&gt;<b>x</b>&lt;/script&gt;"


def test_results_tooltips_show_data_as_text(data_dir: Path, tmp_path: Path) -> None:
    write_yaml(data_dir, "programs/evil.yaml", {"id": "evil", "kind": "program", "name": "<img src=x> Zork"})
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    model = SearchResultsModel()
    model.set_hits("zork", store.search("zork"))
    tip = model.index(0, 0).data(TOOLTIP)
    assert _shown_as(tip).startswith("<img src=x> Zork")
    store.close()


def test_snippet_runs_split_at_the_match_marks() -> None:
    from desktop.core.views import HIGHLIGHT_END as E
    from desktop.core.views import HIGHLIGHT_START as S
    from desktop.models.results_model import snippet_runs

    assert snippet_runs(f"…the {S}IMET{E}'s budget and {S}IMET{E}") == [
        ("…the ", False),
        ("IMET", True),
        ("'s budget and ", False),
        ("IMET", True),
    ]
    assert snippet_runs("no match") == [("no match", False)]
    assert snippet_runs("") == []

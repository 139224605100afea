"""Syncing the navigator to an entity: the row comes from the store, not from reading every batch before it.

Structure, not speed, is tested: how many SQL statements a sync runs and how many rows it reads
through a wrapped store, which must not grow with the entity's row.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTreeView
from ui_support import CITE, write_yaml

from desktop.core.bundle import bundled_data_dir
from desktop.core.store import Store
from desktop.models import navigator_model
from desktop.models.navigator_model import BATCH, NavigatorModel
from desktop.models.roles import Role

TOP = 3000  # top-level agencies, the last of them a parent; and as many countries, none nested
OFFICES = 700  # its children, the last of them a parent too
DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    bundled = bundled_data_dir()
    folder = tmp_path_factory.mktemp("nav-data")
    for name in ("vocabulary.yaml", "sources.yaml"):
        shutil.copy(bundled / name, folder / name)
    shutil.copytree(bundled / "schema", folder / "schema")
    rows = [{"id": f"a-{i:04d}", "kind": "agency", "name": f"Agency {(i * 7) % TOP:04d}"} for i in range(TOP - 1)]
    rows.append({"id": "zulu", "kind": "agency", "name": "Zulu Parent"})  # sorts last of the top level
    rows += [
        {
            "id": f"o-{i:03d}",
            "kind": "agency",
            "name": f"Office {(i * 11) % OFFICES:03d}",
            "parent": "zulu",
            "parent_sources": CITE,
        }
        for i in range(OFFICES)
    ]
    last_office = next(f"o-{i:03d}" for i in range(OFFICES) if (i * 11) % OFFICES == OFFICES - 1)
    rows.append({"id": "desk", "kind": "agency", "name": "Desk", "parent": last_office, "parent_sources": CITE})
    write_yaml(folder, "agencies/pack.yaml", rows)
    countries = [{"id": f"c-{i:04d}", "kind": "country", "name": f"Land {(i * 7) % TOP:04d}"} for i in range(TOP)]
    write_yaml(folder, "countries/pack.yaml", countries)
    opened = Store.open([folder], cache_dir=tmp_path_factory.mktemp("nav-cache"))
    assert opened.problems() == []
    yield opened
    opened.close()


@dataclass
class Reads:
    statements: list[str] = field(default_factory=list)
    rows: int = 0


@contextmanager
def counted(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Reads]:
    """Every SQL statement run on this thread's connection, and every row read through `Store.level`."""
    reads = Reads()
    real = store.level

    def level(*args, **kwargs):
        rows = real(*args, **kwargs)
        reads.rows += len(rows)
        return rows

    with monkeypatch.context() as patch:
        patch.setattr(store, "level", level)
        store.conn.set_trace_callback(reads.statements.append)
        try:
            yield reads
        finally:
            store.conn.set_trace_callback(None)


def group(model: NavigatorModel, kind: str = "agency") -> QModelIndex:
    return next(model.index(r, 0) for r in range(model.rowCount()) if model.index(r, 0).data(Role.KIND) == kind)


def names_in_order(store: Store, parent: str | None = None) -> list[str]:
    return [r.name for r in store.level("agency", parent, limit=100_000)]


def office_row(store: Store, ident: str) -> int:
    return [r.id for r in store.level("agency", "zulu", limit=100_000)].index(ident)


def test_syncing_to_the_last_row_reads_one_page_not_the_group(store: Store, monkeypatch: pytest.MonkeyPatch):
    model = NavigatorModel(store)
    agencies = group(model)
    with counted(store, monkeypatch) as reads:
        index = model.index_for_id("zulu")
    assert index.isValid() and index.row() == TOP - 1 and index.parent() == agencies
    assert index.data(DISPLAY) == "Zulu Parent" and index.data(Role.ENTITY_ID) == "zulu"
    assert model.rowCount(agencies) == TOP and not model.canFetchMore(agencies)
    assert reads.rows <= 2 * BATCH + 1, reads.rows  # the page of the row, and a key to start it from
    assert len(reads.statements) <= 6, reads.statements

    expected = names_in_order(store)[TOP // 2]
    with counted(store, monkeypatch) as reads:
        middle = model.index(TOP // 2, 0, agencies).data(DISPLAY)  # a scroll bar dragged to the middle
    assert middle == expected
    assert reads.rows <= BATCH and len(reads.statements) <= 2, (reads.rows, reads.statements)


def test_syncing_down_a_nested_path_reads_a_page_a_level(qtbot, qtmodeltester, store: Store, monkeypatch):
    model = NavigatorModel(store)
    with counted(store, monkeypatch) as reads:
        desk = model.index_for_id("desk")
    assert desk.data(Role.ENTITY_ID) == "desk" and desk.row() == 0
    office = desk.parent()
    assert office.data(DISPLAY) == f"Office {OFFICES - 1:03d}" and office.row() == OFFICES - 1
    assert office.parent().data(Role.ENTITY_ID) == "zulu" and office.parent().row() == TOP - 1
    assert office.parent().parent() == group(model)
    assert model.rowCount(office.parent()) == OFFICES and model.rowCount(office) == 1
    assert reads.rows <= 3 * (2 * BATCH + 1), reads.rows
    assert len(reads.statements) <= 16, reads.statements
    qtmodeltester.check(model)

    view = _view(qtbot, model)  # and in a view: expanded down to it, with an arrow where there are children
    _sync(view, desk)
    assert view.currentIndex().data(Role.ENTITY_ID) == "desk"
    assert view.viewport().rect().intersects(view.visualRect(desk))
    zulu = office.parent()
    assert view.isExpanded(zulu) and view.isExpanded(office)
    assert model.hasChildren(zulu) and model.hasChildren(office) and not model.hasChildren(desk)
    agencies = group(model)
    with_children = [r for r in range(model.rowCount(agencies)) if model.hasChildren(model.index(r, 0, agencies))]
    assert with_children == [TOP - 1]


def test_after_a_jump_rows_read_in_any_order_are_right_and_memory_stays_bounded(
    store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(navigator_model, "MAX_PAGES", 3)
    expected = names_in_order(store)
    model = NavigatorModel(store)
    agencies = group(model)
    assert model.index_for_id("zulu").isValid()

    def name(row: int) -> str:
        return model.index(row, 0, agencies).data(DISPLAY)

    assert [name(r) for r in reversed(range(TOP))] == expected[::-1]  # scrolling up from the end
    assert model.rows_held() <= 3 * BATCH
    pages = list(range(0, TOP, BATCH))
    random.Random(5).shuffle(pages)  # dragging the scroll bar about
    for start in pages:
        assert [name(r) for r in range(start, min(TOP, start + BATCH))] == expected[start : start + BATCH]
    assert [name(r) for r in range(TOP)] == expected
    assert model.rows_held() <= 3 * BATCH


def test_fetching_more_after_a_jump_goes_on_from_the_rows_shown(store: Store, monkeypatch: pytest.MonkeyPatch):
    model = NavigatorModel(store)
    with counted(store, monkeypatch) as reads:
        zulu = model.index_for_id("zulu")
    assert reads.rows <= 2 * BATCH + 1, reads.rows
    target = next(f"o-{i:03d}" for i in range(OFFICES) if (i * 11) % OFFICES == 300)
    found = model.index_for_id(target)
    assert found.row() == office_row(store, target) == 300
    assert model.rowCount(zulu) == 2 * BATCH  # the rows up to the end of its page: no more
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    with counted(store, monkeypatch) as reads:
        model.fetchMore(zulu)
    assert inserted == [(2 * BATCH, OFFICES - 1)]
    assert reads.rows == OFFICES - 2 * BATCH and len(reads.statements) == 1  # that page, from the last row shown
    offices = names_in_order(store, "zulu")
    assert [model.index(r, 0, zulu).data(DISPLAY) for r in range(OFFICES)] == offices
    assert not model.canFetchMore(zulu)


def _view(qtbot, model: NavigatorModel) -> QTreeView:
    view = QTreeView()
    view.setUniformRowHeights(True)
    view.setHeaderHidden(True)
    view.setModel(model)
    view.resize(300, 400)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def _sync(view: QTreeView, index: QModelIndex) -> None:
    """What the window does to show an entity in the tree."""
    ancestors = []
    parent = index.parent()
    while parent.isValid():
        ancestors.append(parent)
        parent = parent.parent()
    for ancestor in reversed(ancestors):
        view.expand(ancestor)
    view.setCurrentIndex(index)
    view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
    view.viewport().repaint()


def test_a_tree_view_synced_to_the_last_row_reads_only_the_pages_it_shows(
    qtbot, store: Store, monkeypatch: pytest.MonkeyPatch
):
    model = NavigatorModel(store)
    view = _view(qtbot, model)
    last = store.level("country", limit=100_000)[-1]
    with counted(store, monkeypatch) as reads:
        index = model.index_for_id(last.id)
        _sync(view, index)  # laying out 3,000 rows asks whether each has children: none is read for it
    assert view.currentIndex().data(Role.ENTITY_ID) == last.id and index.row() == TOP - 1
    assert view.viewport().rect().intersects(view.visualRect(index))
    assert reads.rows <= 3 * BATCH, reads.rows
    assert len(reads.statements) <= 10, reads.statements
    assert not model.hasChildren(index) and not model.hasChildren(model.index(5, 0, group(model, "country")))

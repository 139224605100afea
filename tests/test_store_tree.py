"""The store's tree API for the navigator: paging both ways, a row's position, a jump into a level."""

from __future__ import annotations

import itertools
import shutil
import sqlite3

import pytest
from ui_support import CITE, write_yaml

from desktop.core.bundle import bundled_data_dir
from desktop.core.store import Store

BUNDLED = bundled_data_dir()
AGENCIES = 700


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """700 top-level agencies (names not in id order, some names shared), and one with 300 children."""
    folder = tmp_path_factory.mktemp("tree-data")
    for name in ("vocabulary.yaml", "sources.yaml"):
        shutil.copy(BUNDLED / name, folder / name)
    shutil.copytree(BUNDLED / "schema", folder / "schema")
    rows = [
        {"id": f"a-{i:04d}", "kind": "agency", "name": f"Agency {(i * 7) % AGENCIES // 2:03d}"}
        for i in range(AGENCIES - 1)
    ]
    rows.append({"id": "z-parent", "kind": "agency", "name": "Zulu Parent"})
    rows += [
        {
            "id": f"o-{i:03d}",
            "kind": "agency",
            "name": f"Office {(i * 11) % 300:03d}",
            "parent": "z-parent",
            "parent_sources": CITE,
        }
        for i in range(300)
    ]
    write_yaml(folder, "agencies/pack.yaml", rows)
    opened = Store.open([folder], cache_dir=tmp_path_factory.mktemp("tree-cache"))
    assert opened.problems() == []
    yield opened
    opened.close()


def whole(store: Store, parent: str | None = None) -> list:
    return store.level("agency", parent, limit=100_000)


@pytest.mark.parametrize("batch", [1, 7, 256])
def test_paging_backwards_from_the_end_gives_every_row_once_in_order(store: Store, batch: int):
    for parent in (None, "z-parent"):
        everything = whole(store, parent)
        paged: list = []
        last = everything[-1]
        paged.append(last)
        before = (last.sort_name, last.id)
        while True:
            rows = store.level("agency", parent, before=before, limit=batch)
            assert len(rows) <= batch
            if not rows:
                break
            assert rows == sorted(rows, key=lambda r: (r.sort_name, r.id))  # each batch still in name order
            paged[:0] = rows
            before = (rows[0].sort_name, rows[0].id)
        assert paged == everything


def test_the_position_of_every_row_is_its_row(store: Store):
    for parent in (None, "z-parent"):
        everything = whole(store, parent)
        assert len(everything) == store.level_size("agency", parent)
        for row, entry in enumerate(everything):
            assert store.level_position("agency", parent, (entry.sort_name, entry.id)) == row
    names = whole(store)
    assert any(a.sort_name == b.sort_name for a, b in itertools.pairwise(names))  # ties broken by id


def test_tree_row_is_the_entity_as_its_level_shows_it(store: Store):
    for parent in (None, "z-parent"):
        for entry in whole(store, parent)[::37]:
            assert store.tree_row(entry.id) == entry
    assert store.tree_row("no-such-id") is None
    assert store.tree_row("z-parent").child_count == 300


def test_level_key_jumps_to_any_row_from_the_start_or_from_a_known_row(store: Store):
    for parent in (None, "z-parent"):
        keys = [(r.sort_name, r.id) for r in whole(store, parent)]
        for row in (0, 1, 255, 256, len(keys) // 2, len(keys) - 1):
            assert store.level_key("agency", parent, row) == keys[row]
        assert store.level_key("agency", parent, len(keys)) is None
        anchor = keys[100]
        assert store.level_key("agency", parent, 0, after=anchor) == keys[101]
        assert store.level_key("agency", parent, 150, after=anchor) == keys[251]


def test_a_level_nests_when_a_row_of_it_has_children(store: Store):
    assert store.level_nests("agency") is True  # z-parent
    assert store.level_nests("agency", "z-parent") is False
    assert store.level_nests("agency", "a-0001") is False
    assert store.level_nests("country") is False


def _plans(store: Store, call) -> list[str]:
    """The query plan of every statement `call` runs on this thread's connection."""
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        call()
    finally:
        store.conn.set_trace_callback(None)
    assert statements
    plans = []
    for sql in statements:
        with sqlite3.connect(store.uri, uri=True) as raw:
            plans.append(" | ".join(str(r[-1]) for r in raw.execute("EXPLAIN QUERY PLAN " + sql)))
    return plans


def test_every_tree_query_uses_the_tree_index(store: Store):
    last = whole(store)[-1]
    key = (last.sort_name, last.id)
    calls = {
        "position": lambda: store.level_position("agency", None, key),
        "nested position": lambda: store.level_position("agency", "z-parent", key),
        "before": lambda: store.level("agency", None, before=key, limit=10),
        "jump": lambda: store.level_key("agency", None, 500),
        "jump after": lambda: store.level_key("agency", None, 5, after=key),
        "row": lambda: store.tree_row("z-parent"),
        "nests": lambda: store.level_nests("agency"),
        "nested nests": lambda: store.level_nests("agency", "z-parent"),
    }
    for what, call in calls.items():
        for plan in _plans(store, call):
            assert "SCAN entities" not in plan and "TEMP B-TREE" not in plan, (what, plan)
            assert "USING" in plan, (what, plan)
    for what in ("position", "nested position", "before", "jump", "jump after"):
        assert all("entities_tree" in p for p in _plans(store, calls[what])), what


def test_an_unknown_level_is_empty(store: Store):
    assert store.level_position("agency", "no-such-parent", ("a", "b")) == 0
    assert store.level("agency", "no-such-parent", before=("zzz", "zzz")) == []
    assert store.level_key("no-such-kind", None, 0) is None

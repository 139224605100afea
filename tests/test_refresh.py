"""An index refreshed in place after files change must equal a fresh build of the same files."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from datafiles import SRC, touch_later
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core import refresh as refreshing
from desktop.core.store import Store

KINDS = ["program", "agency", "law", "person"]
# `established_by` only takes a law and `sponsored_by` only a person: edits that change kinds
# make and mend range problems; `part_of` takes anything.
PROPS = ["part_of", "established_by", "sponsored_by", "administered_by"]


def dump(store: Store) -> dict[str, object]:
    """Everything the index holds that a reader can see, keyed by ids rather than row numbers."""
    conn = sqlite3.connect(store.path)
    try:
        for table in ("fts", "spell"):
            conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
        q = conn.execute
        return {
            "entities": q(
                "SELECT id, kind, name, sort_name, aliases, parent, tree_parent, summary, path, place, child_count, "
                "link_count, fact_count, written_parent, parent_sources, summary_sources FROM entities ORDER BY id"
            ).fetchall(),
            "facts": q(
                "SELECT f.subject, f.position, f.property, f.object, f.missing, f.value, f.text, f.date, f.claims, "
                "group_concat(c.source || ' ' || c.locator, '|') "
                "FROM facts AS f JOIN citations AS c ON c.fact = f.rid GROUP BY f.rid ORDER BY f.subject, f.position"
            ).fetchall(),
            "names": q(
                "SELECT n.norm, e.id, n.name, n.is_primary, n.alias, n.ambiguous "
                "FROM names AS n JOIN entities AS e ON e.rid = n.entity "
                "ORDER BY 1, 2, 3"
            ).fetchall(),
            "fts": q(
                "SELECT e.id, f.name, f.aliases, f.summary, f.facts "
                "FROM fts AS f JOIN entities AS e ON e.rid = f.rowid ORDER BY e.id"
            ).fetchall(),
            "fts_rows": q("SELECT count(*) FROM fts").fetchone(),
            "spell_rows": q("SELECT count(*) FROM spell").fetchone(),
            "kinds": q("SELECT * FROM kinds ORDER BY id").fetchall(),
            "problems": [(p.path, p.line, p.column, p.message, p.origin, p.other) for p in store.problems()],
            "files": q("SELECT * FROM files ORDER BY path").fetchall(),
            "meta": q("SELECT * FROM meta WHERE key != 'fingerprint' ORDER BY key").fetchall(),
        }
    finally:
        conn.close()


def fresh_dump(folder: Path, cache: Path) -> dict[str, object]:
    shutil.rmtree(cache, ignore_errors=True)
    store = Store.open([folder], cache_dir=cache, rebuild=True)
    try:
        return dump(store)
    finally:
        store.close()


def entity_yaml(ident: str, kind: str, name: str, parent: str | None, links: list[tuple[str, str]]) -> str:
    lines = [f"- id: {ident}", f"  kind: {kind}", f'  name: "{name}"', f'  aliases: ["{name[:3].upper()}X"]']
    if parent:
        lines.append(f"  parent: {parent}")
        lines.append(f'  parent_sources: [{{source: {SRC}, locator: "¶1"}}]')
    lines.append(f'  summary: "About {name}."')
    lines.append(f'  summary_sources: [{{source: {SRC}, locator: "¶1"}}]')
    lines.append("  facts:")
    lines += [
        "    - property: note",
        f'      text: "noted of {name}"',
        "      sources:",
        f'        - {{source: {SRC}, locator: "¶2"}}',
    ]
    for prop, target in links:
        lines += [
            f"    - property: {prop}",
            f"      entity: {target}",
            '      date: "2001-05"',
            "      sources:",
            f'        - {{source: {SRC}, locator: "¶1"}}',
        ]
    return "\n".join(lines) + "\n"


PACKS = ["p0", "p1", "p2", "p3"]
# Each pack has ids of its own, so no edit makes a duplicate; links and parents may name any id,
# including ones no pack has at the time (a missing link).
any_id = st.sampled_from([f"{p}-{i}" for p in PACKS for i in range(3)])


def pack_of(name: str) -> st.SearchStrategy[list[tuple]]:
    spec = st.tuples(
        st.sampled_from([f"{name}-{i}" for i in range(3)]),
        st.sampled_from(KINDS),
        st.sampled_from(["Alpha Office", "Beta Act", "Gamma Plan", "Delta Person", "Epsilon Fund"]),
        st.one_of(st.none(), any_id),
        st.lists(st.tuples(st.sampled_from(PROPS), any_id), max_size=3),
    )
    return st.lists(spec, min_size=1, max_size=3, unique_by=lambda s: s[0])


# An edit rewrites, adds or deletes one or two packs before the index is opened again.
one_change = st.sampled_from(PACKS).flatmap(lambda n: st.tuples(st.just(n), st.one_of(st.none(), pack_of(n))))
edit = st.lists(one_change, min_size=1, max_size=2, unique_by=lambda c: c[0])
start = st.lists(st.sampled_from(PACKS).flatmap(lambda n: st.tuples(st.just(n), pack_of(n))), max_size=4)


def write_pack(folder: Path, name: str, specs: list[tuple]) -> None:
    path = folder / "packs" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    existed = path.exists()
    path.write_text("".join(entity_yaml(*spec) for spec in specs), encoding="utf-8")
    if existed:
        touch_later(path)


def apply(folder: Path, name: str, specs: list[tuple] | None) -> None:
    if specs is None:
        (folder / "packs" / f"{name}.yaml").unlink(missing_ok=True)
    else:
        write_pack(folder, name, specs)


@settings(
    max_examples=int(os.environ.get("REFRESH_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(start=start, edits=st.lists(edit, min_size=1, max_size=4))
def test_any_edit_sequence_refreshes_to_what_a_fresh_build_gives(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start, edits
):
    monkeypatch.setattr(refreshing, "MAX_CHANGED_SHARE", 1.0)  # these folders are tiny: every edit is a refresh
    folder = data_dir.resolve()
    shutil.rmtree(folder / "packs", ignore_errors=True)
    cache = tmp_path / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    for name, specs in start:
        apply(folder, name, specs)
    Store.open([folder], cache_dir=cache).close()
    for changes in edits:
        for name, specs in changes:
            apply(folder, name, specs)
        store = Store.open([folder], cache_dir=cache)
        got = dump(store)
        refreshed = store.refreshed
        store.close()
        assert got == fresh_dump(folder, tmp_path / "fresh")
        if refreshed is False:  # nothing changed: an unchanged index is opened as it is
            assert not store.built


def three_files(folder: Path) -> None:
    write_pack(folder, "p0", [("law-a", "law", "Arms Act", None, [])])
    write_pack(folder, "p1", [("prog-b", "program", "Border Program", None, [("established_by", "law-a")])])
    write_pack(folder, "p2", [("prog-c", "program", "Coast Program", "prog-b", [("part_of", "prog-b")])])


def test_renaming_an_entity_reaches_the_full_text_of_what_links_to_it(data_dir: Path, tmp_path: Path):
    folder = data_dir.resolve()
    three_files(folder)
    cache = tmp_path / "cache"
    Store.open([folder], cache_dir=cache).close()
    write_pack(folder, "p0", [("law-a", "law", "Harbour Statute", None, [])])
    store = Store.open([folder], cache_dir=cache)
    assert store.built and store.refreshed
    assert [h.id for h in store.search("harbour statute")][:2] == ["law-a", "prog-b"]
    assert "prog-b" not in [h.id for h in store.search("arms act")]
    assert dump(store) == fresh_dump(folder, tmp_path / "fresh")


def test_removing_a_file_unlinks_what_pointed_into_it_and_says_so(data_dir: Path, tmp_path: Path):
    folder = data_dir.resolve()
    three_files(folder)
    cache = tmp_path / "cache"
    assert Store.open([folder], cache_dir=cache).problems() == []
    (folder / "packs" / "p1.yaml").unlink()
    store = Store.open([folder], cache_dir=cache)
    assert store.refreshed
    messages = [p.message for p in store.problems()]
    assert messages == ["parent `prog-b` does not exist", "`part_of` links to `prog-b`, which does not exist"]
    assert dump(store) == fresh_dump(folder, tmp_path / "fresh")


def test_a_changed_vocabulary_means_a_full_build(data_dir: Path, tmp_path: Path):
    folder = data_dir.resolve()
    three_files(folder)
    cache = tmp_path / "cache"
    Store.open([folder], cache_dir=cache).close()
    vocabulary = folder / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text() + "\n# edited\n")
    touch_later(vocabulary)
    store = Store.open([folder], cache_dir=cache)
    assert store.built and not store.refreshed
    assert dump(store) == fresh_dump(folder, tmp_path / "fresh")


def test_a_duplicate_id_in_a_changed_file_means_a_full_build(data_dir: Path, tmp_path: Path):
    folder = data_dir.resolve()
    three_files(folder)
    cache = tmp_path / "cache"
    Store.open([folder], cache_dir=cache).close()
    write_pack(folder, "p3", [("law-a", "law", "Second Arms Act", None, [])])
    store = Store.open([folder], cache_dir=cache)
    assert not store.refreshed
    assert [p.origin for p in store.problems()] == ["duplicate"]
    # Removing the loser again touches a file a duplicate names: a full build again, and a clean index.
    (folder / "packs" / "p3.yaml").unlink()
    store = Store.open([folder], cache_dir=cache)
    assert not store.refreshed and store.problems() == []


def test_a_file_with_a_syntax_error_and_its_mending(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(refreshing, "MAX_CHANGED_SHARE", 1.0)  # three tiny files: mending one is a third of the data
    folder = data_dir.resolve()
    three_files(folder)
    cache = tmp_path / "cache"
    Store.open([folder], cache_dir=cache).close()
    broken = folder / "packs" / "p2.yaml"
    broken.write_text("- id: [\n")
    touch_later(broken)
    store = Store.open([folder], cache_dir=cache)
    assert store.refreshed
    assert [(p.path, p.origin) for p in store.problems()] == [(str(broken), "file")]
    assert store.ref("prog-c") is None
    write_pack(folder, "p2", [("prog-c", "program", "Coast Program", "prog-b", [])])
    store = Store.open([folder], cache_dir=cache)
    assert store.refreshed and store.problems() == []
    assert [r.id for r in store.level("program", "prog-b")] == ["prog-c"]
    assert dump(store) == fresh_dump(folder, tmp_path / "fresh")


def test_a_refresh_that_fails_leaves_the_old_index_whole(data_dir: Path, tmp_path: Path, monkeypatch):
    folder = data_dir.resolve()
    three_files(folder)
    cache = tmp_path / "cache"
    before = dump(Store.open([folder], cache_dir=cache))
    write_pack(folder, "p0", [("law-a", "law", "Harbour Statute", None, [])])

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(refreshing, "_apply_cross_rules", broken)
    # The failed refresh falls back to a full build, which succeeds: the result is still right.
    store = Store.open([folder], cache_dir=cache)
    assert store.built and not store.refreshed
    assert dump(store) != before
    assert dump(store) == fresh_dump(folder, tmp_path / "fresh")
    assert [p for p in os.listdir(cache) if p.endswith(".tmp")] == []


@pytest.mark.parametrize("share", [0.5, 1.0])
def test_rewriting_most_of_the_data_is_a_full_build(data_dir: Path, tmp_path: Path, share: float):
    folder = data_dir.resolve()
    three_files(folder)
    cache = tmp_path / "cache"
    Store.open([folder], cache_dir=cache).close()
    names = ["p0", "p1", "p2"][: max(2, int(3 * share))]
    for name in names:
        path = folder / "packs" / f"{name}.yaml"
        path.write_text(path.read_text() + "# edited\n")
        touch_later(path)
    store = Store.open([folder], cache_dir=cache)
    assert store.built and not store.refreshed


def test_a_problem_below_an_edit_moves_with_its_line_though_its_entity_is_unchanged(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(refreshing, "MAX_CHANGED_SHARE", 1.0)  # the one file is all the data
    folder = data_dir.resolve()
    cache = tmp_path / "cache"
    beta = ("b", "agency", "Beta", None, [("part_of", "gone")])
    write_pack(folder, "p0", [("a", "program", "Alpha", "law-x", []), beta])
    before = [p.line for p in Store.open([folder], cache_dir=cache).problems() if "gone" in p.message]
    # Two lines fewer above Beta: the parent and its citation.
    write_pack(folder, "p0", [("a", "program", "Alpha", None, []), beta])
    store = Store.open([folder], cache_dir=cache)
    assert store.refreshed
    assert [p.line for p in store.problems() if "gone" in p.message] == [before[0] - 2]
    assert dump(store) == fresh_dump(folder, tmp_path / "fresh")

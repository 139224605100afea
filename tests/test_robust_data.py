"""Bad data folders: `almanac validate`, `search`, `show` and the window report the same problems and keep the rest.

Each case writes one kind of bad file beside a good entity and runs the whole
program on it: `validate` exits 1 with one `path:line:column: message` line per
problem, `search` and `show` print the same lines on stderr and still find the
good entity, and the window lists the same lines (store and problems dialog)
and shows and finds the good entity. Nothing prints a traceback. The loader's
rules one by one, with exact columns, are in test_validate.py and
test_yamlfile.py; this file checks that every front end agrees and survives.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from datafiles import SRC, cited_parent, cited_summary, entity, link_fact, note_fact, write, write_bytes
from hostile import tally
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextDocument
from ui_support import write_yaml

from desktop import cli
from desktop.app import build_main_window
from desktop.core import yamlfile
from desktop.core.bundle import bundled_data_dir
from desktop.models.roles import Role
from desktop.ui.main_window import MainWindow
from desktop.ui.settings import AppSettings

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = bundled_data_dir()
GOOD = "good-entity"
GOOD_NAME = "Goodly Entity"
# `path:line:column: message`, `path:line: message` or `path: message`
LINE = re.compile(r"^(?P<path>/.+?\.ya?ml)(?::(?P<line>\d+))?(?::(?P<column>\d+))?: (?P<message>\S.*)$")


@dataclass
class Expect:
    """One problem the case must produce: its file, its line (0: none, None: any line) and part of its message."""

    path: Path
    line: int | None
    fragment: str

    def matches(self, line: str) -> bool:
        m = LINE.match(line)
        if not m or m["path"] != str(self.path) or self.fragment not in m["message"]:
            return False
        if self.line is None:
            return int(m["line"] or 0) > 0
        return int(m["line"] or 0) == self.line


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def problem_lines(err: str) -> list[str]:
    """The problem lines a command printed on stderr (not its one-line notes about the cache)."""
    return [line for line in err.splitlines() if not line.startswith("almanac: note:")]


def add_good(folder: Path) -> None:
    write(folder, f"programs/{GOOD}.yaml", entity(GOOD, name=GOOD_NAME, body="facts:\n" + note_fact("works fine")))


def open_window(qtbot, args: list[str]) -> MainWindow:
    window = build_main_window(args)
    qtbot.addWidget(window)
    return window


def window_search(qtbot, window: MainWindow, text: str) -> list[str]:
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == text, timeout=5000):
        window.search_box.setText(text)
    model = window.results_model
    return [model.index(r, 0).data(Role.ENTITY_ID) for r in range(model.rowCount())]


def everywhere(qtbot, folder: Path, expected: list[Expect], bundled: bool = False) -> tuple[list[str], MainWindow]:
    """Run validate, search, show and the window on `folder` (with a good entity in it); all must agree.

    Returns the problem lines and the window (still open, for case-specific checks).
    """
    folder = folder.resolve()
    add_good(folder)
    data = ["--data", str(folder)] if bundled else ["--no-bundled", "--data", str(folder)]

    code, out, err = run("validate", *data)
    lines = out.splitlines()
    assert code == 1, (out, err)
    assert "Traceback" not in out + err
    assert re.fullmatch(r"\d+ problem\(s\) in \d+ files; everything else is usable\.\n", err), err
    assert all(LINE.match(line) for line in lines), lines
    assert len(lines) == len(expected), lines
    for want in expected:
        assert any(want.matches(line) for line in lines), (want, lines)

    code, out, err = run("search", *data, "goodly")
    assert code == 0, err
    assert f"(program: {GOOD})" in out
    assert "Traceback" not in err
    assert problem_lines(err) == lines

    code, out, err = run("show", *data, GOOD)
    assert code == 0, err
    assert out.startswith(f"{GOOD_NAME}\n")
    assert "works fine" in out
    assert "Traceback" not in err
    assert problem_lines(err) == lines

    window = open_window(qtbot, data)
    assert [str(p) for p in window.store.problems()] == lines
    assert window.problems_button.text() == f"⚠ {len(lines)} data problem{'s' if len(lines) != 1 else ''}"
    window.problems.show_dock()
    panel = window.problems.panel
    assert panel is not None
    assert [str(panel.problem_at(panel.proxy.index(r, 0))) for r in range(panel.proxy.rowCount())] == lines
    assert window.show_entity(GOOD)
    assert GOOD_NAME in window.detail.toPlainText()
    assert GOOD in window_search(qtbot, window, "goodly")
    return lines, window


def clean_everywhere(qtbot, folder: Path, ident: str, name: str) -> MainWindow:
    """Data that must be accepted: validate exits 0, and `ident` reads back as `name` everywhere."""
    folder = folder.resolve()
    data = ["--no-bundled", "--data", str(folder)]
    code, out, err = run("validate", *data)
    assert (code, out) == (0, ""), err
    code, out, err = run("show", *data, ident, "--json")
    assert (code, err) == (0, ""), err
    assert json.loads(out)["name"] == name
    code, out, err = run("search", *data, name, "--json")
    assert code == 0 and json.loads(out)[0]["id"] == ident
    window = open_window(qtbot, data)
    assert window.store.problems() == []
    assert window.show_entity(ident)
    assert window.windowTitle().startswith(f"{name} — ")
    assert window_search(qtbot, window, name)[0] == ident
    return window


def one_fact(fields: str, source: str = SRC, cite_extra: str = "") -> str:
    """A `facts:` block (line 4) of one fact starting on line 5 with `fields`, then its one citation."""
    return f"facts:\n  - {fields}\n    sources:\n      - {{source: {source}, locator: ¶1{cite_extra}}}\n"


# -- the cases ------------------------------------------------------------------------------------------------

# Each writes its bad files into the folder and returns the problems they must produce.
Case = Callable[[Path, Path], list[Expect]]
CASES: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    def register(fn: Case) -> Case:
        CASES[name] = fn
        return fn

    return register


@case("yaml-syntax-error")
def _syntax(d: Path, tmp: Path) -> list[Expect]:
    bad = write(d, "programs/bad.yaml", "id: bad\nkind: [program\nname: Bad\n")
    return [Expect(bad, 3, "YAML syntax error")]


@case("empty-file")
def _empty(d: Path, tmp: Path) -> list[Expect]:
    bad = write_bytes(d / "programs" / "bad.yaml", b"")
    return [Expect(bad, 0, "the file is empty")]


@case("comments-only")
def _comments(d: Path, tmp: Path) -> list[Expect]:
    bad = write(d, "programs/bad.yaml", "# id: bad\n# kind: program\n\n   # nothing else\n")
    return [Expect(bad, 0, "the file is empty (or holds only comments)")]


@case("mapping-where-a-list-belongs")
def _mapping_for_list(d: Path, tmp: Path) -> list[Expect]:
    aliases = write(d, "programs/aliases.yaml", entity("aliases", body="aliases:\n  short: AL\n"))
    facts = write(d, "programs/facts.yaml", entity("facts", body="facts:\n  property: note\n  text: hi\n"))
    return [Expect(aliases, 5, "aliases: must be an array"), Expect(facts, 5, "facts: must be an array")]


@case("list-where-a-mapping-belongs")
def _list_for_mapping(d: Path, tmp: Path) -> list[Expect]:
    fact = write(d, "programs/fact.yaml", entity("fact", body="facts:\n  - [note, some text]\n"))
    cite = write(
        d,
        "programs/cite.yaml",
        entity("cite", body=f"facts:\n  - property: note\n    text: hi\n    sources:\n      - [{SRC}, ¶1]\n"),
    )
    pack = write(d, "programs/pack.yaml", "- [id, kind, name]\n")
    return [
        Expect(fact, 5, "facts[0]: must be an object"),
        Expect(cite, 8, "facts[0].sources[0]: must be an object"),
        Expect(pack, 1, "not an entity"),
    ]


@case("utf-16")
def _utf16(d: Path, tmp: Path) -> list[Expect]:
    bad = write_bytes(d / "programs" / "bad.yaml", entity("bad").encode("utf-16"))
    return [Expect(bad, 1, "looks like UTF-16; save the file as UTF-8")]


@case("latin-1")
def _latin1(d: Path, tmp: Path) -> list[Expect]:
    bad = write_bytes(d / "programs" / "bad.yaml", entity("bad", name="Côte d'Ivoire").encode("latin-1"))
    return [Expect(bad, 3, "not UTF-8 text: byte 29 looks like another encoding (Latin-1 or Windows-1252?)")]


PYTHON_TAGS = {
    "apply": "!!python/object/apply:os.system ['touch {marker}']",
    "name": "!!python/name:os.system",
    "new": "!!python/object/new:os.system ['touch {marker}']",
    "module": "!!python/module:os",
    "object": "!!python/object:subprocess.Popen {{args: ['touch', '{marker}']}}",
    "long-form": "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
}


def _python_tags(d: Path, tmp: Path) -> list[Expect]:
    expected = []
    for n, (what, tag) in enumerate(PYTHON_TAGS.items()):
        marker = tmp / f"ran-{n}"
        bad = write(d, f"programs/{what}.yaml", f"id: {what}\nkind: program\nname: {tag.format(marker=marker)}\n")
        expected.append(Expect(bad, 3, "is not allowed (data files hold plain values only)"))
    return expected


@case("alias-bomb")
def _alias_bomb(d: Path, tmp: Path) -> list[Expect]:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    bad = write(d, "programs/bomb.yaml", "id: bomb\nkind: program\nname: Bomb\n" + "\n".join(lines) + "\n")
    return [Expect(bad, None, "YAML aliases (*name) are not allowed in data files")]


@case("nested-10000-deep")
def _deep(d: Path, tmp: Path) -> list[Expect]:
    flow = write(d, "programs/flow.yaml", "id: flow\nkind: program\nname: " + "[" * 10_000 + "]" * 10_000 + "\n")
    block = write(d, "programs/block.yaml", "".join(f"{' ' * i}k{i}:\n" for i in range(10_000)))
    return [
        Expect(flow, 3, f"nested more than {yamlfile.MAX_DEPTH} levels deep"),
        Expect(block, None, f"nested more than {yamlfile.MAX_DEPTH} levels deep"),
    ]


@case("one-megabyte-string")
def _long_string(d: Path, tmp: Path) -> list[Expect]:
    bad = write(d, "programs/long.yaml", entity("long", body="summary: " + "x" * 1_000_000 + "\n"))
    return [Expect(bad, 4, f"a value longer than {yamlfile.MAX_STRING:,} characters")]


@case("unknown-keys")
def _unknown_keys(d: Path, tmp: Path) -> list[Expect]:
    body = "colour: red\n" + one_fact("property: note\n    text: hi\n    mood: happy", cite_extra=", page: 3")
    bad = write(d, "programs/keys.yaml", entity("keys", body=body))
    return [
        Expect(bad, 4, "unknown key `colour`"),
        Expect(bad, 8, "facts[0]: unknown key `mood`"),
        Expect(bad, 10, "facts[0].sources[0]: unknown key `page`"),
    ]


@case("wrong-types")
def _wrong_types(d: Path, tmp: Path) -> list[Expect]:
    name = write(d, "programs/name.yaml", "id: name\nkind: program\nname: 5\n")
    fields = write(d, "programs/fields.yaml", entity("fields", body="aliases: [1, true]\nsummary: [a, b]\nparent: 7\n"))
    return [
        Expect(name, 3, "name: must be a string, not int 5"),
        Expect(fields, 4, "aliases[0]: must be a string"),
        Expect(fields, 4, "aliases[1]: must be a string"),
        Expect(fields, 5, "summary: must be a string"),
        Expect(fields, 6, "parent: "),
    ]


@case("missing-id-kind-name")
def _missing(d: Path, tmp: Path) -> list[Expect]:
    no_id = write(d, "programs/no-id.yaml", "kind: program\nname: No Id\n")
    no_kind = write(d, "programs/no-kind.yaml", "id: no-kind\nname: No Kind\n")
    no_name = write(d, "programs/no-name.yaml", "id: no-name\nkind: program\n")
    return [
        Expect(no_id, 1, "missing required key `id`"),
        Expect(no_kind, 1, "missing required key `kind`"),
        Expect(no_name, 1, "missing required key `name`"),
    ]


@case("id-not-a-slug")
def _not_slug(d: Path, tmp: Path) -> list[Expect]:
    bad = write(d, "programs/bad.yaml", 'id: "Not A Slug!"\nkind: program\nname: Bad\n')
    return [Expect(bad, 1, "'Not A Slug!' is not a valid id")]


@case("same-id-in-two-files")
def _twins(d: Path, tmp: Path) -> list[Expect]:
    first = write(d, "countries/twin.yaml", entity("twin", kind="country", name="First Twin"))
    second = write(d, "programs/twin.yaml", entity("twin", name="Second Twin"))
    return [Expect(second, 1, f"duplicate id `twin`: also in {first}:1 (that one is kept)")]


def _missing_link(d: Path, tmp: Path) -> list[Expect]:
    bad = write(d, "programs/linker.yaml", entity("linker", body="facts:\n" + link_fact("administered_by", "nowhere")))
    return [Expect(bad, 6, "`administered_by` links to `nowhere`, which does not exist")]


def _cycle(d: Path, tmp: Path) -> list[Expect]:
    for ident, parent in (("cyc-a", "cyc-b"), ("cyc-b", "cyc-c"), ("cyc-c", "cyc-a")):
        write(d, f"agencies/{ident}.yaml", entity(ident, kind="agency", body=cited_parent(parent)))
    return [Expect(d / "agencies" / "cyc-a.yaml", 4, "parents form a cycle (cyc-a → cyc-b → cyc-c → cyc-a)")]


@case("unknown-kind-property-source")
def _unknown_vocabulary(d: Path, tmp: Path) -> list[Expect]:
    kind = write(d, "programs/kind.yaml", entity("kind", kind="spaceship"))
    prop = write(
        d,
        "programs/prop.yaml",
        entity(
            "prop",
            body=one_fact("property: flies_to\n    text: moon"),
        ),
    )
    source = write(
        d,
        "programs/source.yaml",
        entity(
            "source",
            body=one_fact("property: note\n    text: hi", source="no-such-article"),
        ),
    )
    return [
        Expect(kind, 2, "unknown kind `spaceship`"),
        Expect(prop, 5, "unknown property `flies_to`"),
        Expect(source, 8, "unknown source `no-such-article` (not in sources.yaml)"),
        Expect(source, 8, "fact left out: none of its sources is valid"),
    ]


@case("bad-dates")
def _dates(d: Path, tmp: Path) -> list[Expect]:
    def dated(lines: str) -> str:
        return (
            f"facts:\n  - property: note\n    text: hi\n{lines}    sources:\n      - {{source: {SRC}, locator: ¶1}}\n"
        )

    month = write(d, "programs/month.yaml", entity("month", body=dated('    date: "2019-13-45"\n')))
    backwards = write(
        d, "programs/backwards.yaml", entity("backwards", body=dated('    start: "2020"\n    end: "2002"\n'))
    )
    return [Expect(month, 7, "bad date: '2019-13-45'"), Expect(backwards, 8, "end '2002' is before start '2020'")]


@case("symlink-loops")
def _symlinks(d: Path, tmp: Path) -> list[Expect]:
    (d / "programs").mkdir(exist_ok=True)
    os.symlink(d, d / "programs" / "loop")  # a folder that contains itself
    os.symlink("b.yaml", d / "programs" / "a.yaml")
    os.symlink("a.yaml", d / "programs" / "b.yaml")
    message = "cannot read: Too many levels of symbolic links"
    return [Expect(d / "programs" / "a.yaml", 0, message), Expect(d / "programs" / "b.yaml", 0, message)]


@pytest.mark.parametrize("name", list(CASES))
def test_bad_data_is_reported_the_same_by_every_command_and_the_window(qtbot, data_dir: Path, tmp_path, name: str):
    expected = CASES[name](data_dir.resolve(), tmp_path)
    lines, _ = everywhere(qtbot, data_dir, expected)
    tally("data files", len(lines))


def test_a_bad_folder_beside_the_bundled_data(qtbot, data_dir: Path):
    folder = data_dir.resolve()
    impostor = write(folder, "programs/imet.yaml", entity("imet", name="Impostor"))
    broken = write(folder, "programs/broken.yaml", "id: broken\nkind: program\nname: [Broken\n")
    expected = [
        Expect(impostor, 1, f"duplicate id `imet`: also in {BUNDLED / 'programs' / 'imet.yaml'}:1"),
        Expect(broken, 4, "YAML syntax error"),
    ]
    _, window = everywhere(qtbot, folder, expected, bundled=True)
    assert window.show_entity("imet")
    assert window.windowTitle().startswith("International Military Education and Training — ")
    code, out, _ = run("show", "--data", str(folder), "imet")
    assert code == 0 and out.startswith("International Military Education and Training\n")
    tally("data files", 2)


# -- cases with more to check ------------------------------------------------------------------------------


def test_python_tags_are_never_run(qtbot, data_dir: Path, tmp_path: Path):
    expected = _python_tags(data_dir.resolve(), tmp_path)
    everywhere(qtbot, data_dir, expected)
    code, _, _ = run("index", "--rebuild", "--no-bundled", "--data", str(data_dir))
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("ran-")) == []
    tally("data files", len(PYTHON_TAGS))


def test_a_link_to_a_missing_entity_is_shown_unlinked_in_the_page(qtbot, data_dir: Path, tmp_path: Path):
    expected = _missing_link(data_dir.resolve(), tmp_path)
    lines, window = everywhere(qtbot, data_dir, expected)
    assert any("`nowhere`" in line for line in lines)
    assert window.show_entity("linker")
    text = window.detail.toPlainText()
    assert "Administered by" in text
    assert "nowhere (not in the data)" in text
    assert "entity:nowhere" not in window.detail.toHtml()  # not a link
    code, out, _ = run("show", "--no-bundled", "--data", str(data_dir.resolve()), "linker", "--json")
    fact = json.loads(out)["facts"][0]
    assert (code, fact["entity"], fact["text"]) == (0, None, "Administered by nowhere")
    tally("data files", 1)


def test_a_parent_cycle_still_draws_the_tree(qtbot, data_dir: Path, tmp_path: Path):
    expected = _cycle(data_dir.resolve(), tmp_path)
    _, window = everywhere(qtbot, data_dir, expected)
    model = window.nav_model
    group = next(model.index(r, 0) for r in range(model.rowCount()) if model.index(r, 0).data(Role.KIND) == "agency")
    window.navigator.expand(group)
    if model.canFetchMore(group):
        model.fetchMore(group)
    assert model.rowCount(group) == 1  # the cycle is cut at cyc-a, which is at the top
    for ident in ("cyc-a", "cyc-b", "cyc-c"):
        index = model.index_for_id(ident)
        assert index.isValid(), ident
        assert index.data(Role.ENTITY_ID) == ident
        assert window.show_entity(ident)
        assert window.navigator.currentIndex() == index
    depth, index = 0, model.index_for_id("cyc-b")
    while index.isValid():
        depth, index = depth + 1, index.parent()
    assert depth == 4  # agency group → cyc-a → cyc-c → cyc-b
    tally("data files", 3)


def test_a_file_over_the_size_limit_is_refused_without_being_read(
    qtbot, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    big = data_dir.resolve() / "programs" / "big.yaml"
    big.parent.mkdir()
    with big.open("wb") as f:
        f.write(b"# a hundred megabytes of nothing\n")
        f.truncate(100 * 1024 * 1024)  # sparse: instant, and no disk used
    read: list[Path] = []
    real = Path.read_bytes

    def spy(self: Path) -> bytes:
        read.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    limit = f"file is {100 * 1024 * 1024:,} bytes; the limit is {yamlfile.MAX_FILE_BYTES:,}"
    everywhere(qtbot, data_dir, [Expect(big, 0, limit)])
    assert read, "the spy saw no reads at all"
    assert big not in read
    tally("data files", 1)


def test_an_unreadable_file_is_reported(qtbot, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Tests run as root, for whom chmod 000 stops nothing: the file's read is refused as the OS would.
    locked = write(data_dir.resolve(), "programs/locked.yaml", entity("locked"))
    real = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    everywhere(qtbot, data_dir, [Expect(locked, 0, "cannot read: Permission denied")])
    tally("data files", 1)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_fifos_and_devices_are_not_read(qtbot, data_dir: Path, tmp_path: Path):
    folder = data_dir.resolve()
    (folder / "programs").mkdir()
    fifo = folder / "programs" / "fifo.yaml"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    zero = folder / "programs" / "zero.yaml"
    os.symlink("/dev/zero", zero)  # reading it would never end
    add_good(folder)
    # First in a child process with a deadline and a memory cap, so a regression fails instead of hanging.
    proc = subprocess.run(
        [sys.executable, "-m", "desktop", "validate", "--no-bundled", str(folder)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limit_memory,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        f"{fifo}: cannot read: not a regular file",
        f"{zero}: cannot read: not a regular file",
    ]
    everywhere(
        qtbot,
        folder,
        [Expect(fifo, 0, "cannot read: not a regular file"), Expect(zero, 0, "cannot read: not a regular file")],
    )
    tally("data files", 2)


def test_a_folder_named_like_a_yaml_file_is_walked_as_a_folder(qtbot, data_dir: Path):
    odd = data_dir.resolve() / "programs" / "odd.yaml"
    write(odd, "inside.yaml", entity("inside", name="Inside Odd"))
    (data_dir / "programs" / "empty.yml").mkdir()
    window = clean_everywhere(qtbot, data_dir, "inside", "Inside Odd")
    assert window.store.page("inside").path == str(odd / "inside.yaml")
    tally("data files", 2)


def test_a_byte_order_mark_and_windows_line_ends_are_accepted(qtbot, data_dir: Path):
    text = entity(
        "windows", name="Windows Written", body=cited_summary("Saved by Notepad.") + "facts:\n" + note_fact("crlf")
    )
    write_bytes(data_dir / "programs" / "windows.yaml", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    window = clean_everywhere(qtbot, data_dir, "windows", "Windows Written")
    page = window.store.page("windows")
    assert (page.summary, page.facts[0].text) == ("Saved by Notepad.", "crlf")
    assert "\r" not in window.detail.toPlainText() and "\ufeff" not in window.detail.toPlainText()
    tally("data files", 1)


def test_a_remembered_data_folder_that_has_gone_is_skipped(qtbot, data_dir: Path, tmp_path: Path):
    kept = tmp_path / "kept"
    write(kept, "programs/kept-program.yaml", entity("kept-program", name="Kept Program"))
    gone = tmp_path / "gone"
    gone.mkdir()
    settings = AppSettings()  # the window's own settings file ($ALMANAC_CONFIG_DIR, per test)
    settings.data_folders = [gone, kept]
    settings.sync()
    gone.rmdir()
    window = open_window(qtbot, [])
    assert gone not in window.store.folders
    assert kept.resolve() in window.store.folders
    assert window.store.problems() == []
    assert window.show_entity("kept-program") and window.show_entity("imet")
    tally("data files", 1)


# -- markup and scripts in every text field ----------------------------------------------------------------

EVIL = "<script>alert(1)</script><b>&amp;"  # 34 characters: fits even a unit or a locator (40)
EVIL_FIELDS = {
    "name": f"Evil {EVIL}",
    "alias": f"EV {EVIL}",
    "summary": f"Summary {EVIL} ends here.",
    "text": f"Text {EVIL}",
    "note": f"Note {EVIL}",
    "unit": EVIL,
    "locator": EVIL,
    "source title": f"Title {EVIL}",
    "source publisher": f"Pub {EVIL}",
}


@pytest.fixture
def evil_data(data_dir: Path) -> Path:
    sources = data_dir / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8")
        + f"  - id: evil-source\n    title: {json.dumps(EVIL_FIELDS['source title'])}\n"
        + f"    publisher: {json.dumps(EVIL_FIELDS['source publisher'])}\n"
        + "    url: \"javascript:alert('x')\"\n    license: CC0\n",
        encoding="utf-8",
    )
    cite = [{"source": SRC, "locator": EVIL}]
    write_yaml(
        data_dir,
        "programs/evil.yaml",
        {
            "id": "evil",
            "kind": "program",
            "name": EVIL_FIELDS["name"],
            "aliases": [EVIL_FIELDS["alias"]],
            "summary": EVIL_FIELDS["summary"],
            "summary_sources": cite,
            "facts": [
                {"property": "purpose", "text": EVIL_FIELDS["text"], "note": EVIL_FIELDS["note"], "sources": cite},
                {
                    "property": "spending",
                    "value": 5,
                    "unit": EVIL,
                    "sources": [{"source": "evil-source", "locator": "¶1"}],
                },
                {"property": "administered_by", "entity": "department-of-defense", "sources": cite},
            ],
        },
    )
    return data_dir.resolve()


def _no_markup(html: str) -> None:
    assert "<script" not in html.lower()
    assert "<b>&amp;" not in html
    assert "javascript:" not in html


def _plain(rich: str) -> str:
    doc = QTextDocument()
    doc.setHtml(rich)
    return doc.toPlainText()


def test_markup_in_every_text_field_is_shown_as_text_everywhere(qtbot, evil_data: Path, tmp_path: Path):
    data = ["--data", str(evil_data)]  # with the bundled data, which the evil entity links to
    code, out, err = run("validate", *data)
    assert (code, out) == (0, ""), out

    window = open_window(qtbot, data)
    # the entity page
    assert window.show_entity("evil")
    text = window.detail.toPlainText()
    for field, value in EVIL_FIELDS.items():
        assert value in text, field
    _no_markup(window.detail.toHtml())
    # the page it links to, which shows the fact from the other end
    assert window.show_entity("department-of-defense")
    assert EVIL_FIELDS["name"] in window.detail.toPlainText()
    _no_markup(window.detail.toHtml())
    # the home page's recently viewed list
    window.show_home()
    assert EVIL_FIELDS["name"] in window.detail.toPlainText()
    _no_markup(window.detail.toHtml())
    # the search results: name, snippet and tooltip
    ids = window_search(qtbot, window, "evil")
    row = window.results_model.index(ids.index("evil"), 0)
    assert row.data(Qt.ItemDataRole.DisplayRole) == EVIL_FIELDS["name"]
    snippet = row.data(Role.SNIPPET)
    _no_markup(snippet)
    assert EVIL in _plain(snippet)
    tooltip = row.data(Qt.ItemDataRole.ToolTipRole)
    _no_markup(tooltip)
    assert EVIL in _plain(tooltip)
    ids = window_search(qtbot, window, "ends here")  # a match inside the summary: the full-text snippet
    snippet = window.results_model.index(ids.index("evil"), 0).data(Role.SNIPPET)
    _no_markup(snippet)
    assert "<b>ends</b> <b>here</b>" in snippet
    # the navigator's tooltip
    node = window.nav_model.index_for_id("evil")
    assert node.data(Qt.ItemDataRole.DisplayRole) == EVIL_FIELDS["name"]
    _no_markup(node.data(Qt.ItemDataRole.ToolTipRole))
    # print and PDF
    assert window.show_entity("evil")
    printable = window.exports.printable_document()
    for field, value in EVIL_FIELDS.items():
        assert value in printable.toPlainText(), field
    _no_markup(printable.toHtml())
    pdf = tmp_path / "evil.pdf"
    window.export_pdf(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    # the citation (Ctrl+Shift+C)
    citation = window.copy_citation()
    assert citation.startswith(f"{EVIL_FIELDS['name']} (Program).")
    assert f"{EVIL_FIELDS['source title']} ({EVIL_FIELDS['source publisher']}, CC0). javascript:alert('x')" in citation
    assert QGuiApplication.clipboard().text() == citation

    # the command line, as text and as JSON: the same characters, neither escaped nor interpreted
    code, out, err = run("show", *data, "evil")
    assert (code, err) == (0, "")
    for field, value in EVIL_FIELDS.items():
        assert value in out, field
    code, out, err = run("show", *data, "evil", "--json")
    page = json.loads(out)
    assert (page["name"], page["aliases"], page["summary"]) == (
        EVIL_FIELDS["name"],
        [EVIL_FIELDS["alias"]],
        EVIL_FIELDS["summary"],
    )
    purpose, spending, _ = page["facts"]
    assert (purpose["text"], purpose["note"], purpose["sources"][0]["locator"]) == (
        f"Purpose: {EVIL_FIELDS['text']}",
        EVIL_FIELDS["note"],
        EVIL,
    )
    assert (spending["unit"], spending["sources"][0]["title"]) == (EVIL, EVIL_FIELDS["source title"])
    code, out, err = run("search", *data, "evil", "--json")
    hit = next(h for h in json.loads(out) if h["id"] == "evil")
    assert hit["name"] == EVIL_FIELDS["name"]
    assert EVIL in hit["snippet"]
    code, out, err = run("search", *data, "evil")
    assert f"{EVIL_FIELDS['name']}  (program: evil)" in out
    tally("data files", len(EVIL_FIELDS))

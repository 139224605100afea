"""The same id, date or data folder gets the same answer from every command.

Ids are matched whatever their case; an id that names nothing gets one answer
everywhere (exit 1, "Did you mean"); --as-of takes every date form the data
does; a --no-bundled folder borrows the bundled vocabulary, sources and schema
unless it brings its own; a screenshot's format follows its file's suffix.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from datafiles import entity, note_fact, write
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from ui_support import ThemeGuard, bundled_args

from desktop import cli
from desktop.core.store import Store


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def theme_guard(qapp):
    """A screenshot applies its theme to the whole application: put the style and palette back."""
    guard = ThemeGuard(qapp)
    yield
    guard.restore()


# -- ids whatever their case ---------------------------------------------------------------------


@pytest.mark.parametrize("ident", ["Pakistan", "PAKISTAN", " pakistan "])
def test_show_matches_an_id_whatever_its_case(bundled_store: Store, ident: str) -> None:
    code, out, err = run("show", ident, "--json", *bundled_args(bundled_store))
    assert (code, err) == (0, "")
    assert json.loads(out)["id"] == "pakistan"


def test_timeline_entity_matches_an_id_whatever_its_case(bundled_store: Store) -> None:
    lower = run("timeline", "--entity", "pakistan", "--json", *bundled_args(bundled_store))
    upper = run("timeline", "--entity", "Pakistan", "--json", *bundled_args(bundled_store))
    assert upper == lower
    assert upper[0] == 0 and json.loads(upper[1])


def test_screenshot_show_matches_an_id_whatever_its_case(
    theme_guard: None, bundled_store: Store, tmp_path: Path
) -> None:
    lower, upper = tmp_path / "lower.png", tmp_path / "upper.png"
    assert run("screenshot", str(lower), "--show", "imet", "--size", "400x300", *bundled_args(bundled_store))[0] == 0
    code, _, err = run("screenshot", str(upper), "--show", "IMET", "--size", "400x300", *bundled_args(bundled_store))
    assert (code, err) == (0, "")
    assert QImage(str(upper)) == QImage(str(lower))


# -- one answer to an id that names nothing ---------------------------------------------------------


def _not_found(argv: list[str], store: Store, tmp_path: Path) -> tuple[int, str, str]:
    commands = {
        "show": ["show", "pakistn"],
        "timeline": ["timeline", "--entity", "pakistn"],
        "screenshot": ["screenshot", str(tmp_path / "x.png"), "--show", "pakistn"],
        "open": ["open", "pakistn"],
    }
    return run(*commands[argv[0]], *bundled_args(store))


@pytest.mark.parametrize("command", ["show", "timeline", "screenshot", "open"])
def test_an_unknown_id_gets_the_same_answer_from_every_command(
    theme_guard: None, qapp: QApplication, bundled_store: Store, tmp_path: Path, command: str
) -> None:
    before = set(qapp.topLevelWidgets())
    code, out, err = _not_found([command], bundled_store, tmp_path)
    assert (code, out) == (1, "")
    assert err.startswith("almanac: no entity with id 'pakistn'. Did you mean: pakistan")
    assert err.count("\n") == 1
    assert not (tmp_path / "x.png").exists()
    qapp.processEvents()
    assert [w for w in qapp.topLevelWidgets() if w.isVisible() and w not in before] == []


# -- --as-of takes every date the data takes ------------------------------------------------------------


@pytest.mark.parametrize("when", ["1990s", "early 1990s", "late 2019", "mid 1960s"])
def test_show_as_of_takes_every_date_form_the_data_takes(bundled_store: Store, when: str) -> None:
    code, out, err = run("show", "pakistan", "--as-of", when, "--json", *bundled_args(bundled_store))
    assert (code, err) == (0, "")
    page = json.loads(out)
    assert page["as_of"] == when
    assert {f["status"] for f in page["facts"]} <= {"current", "past", "future", "uncertain", "undated", "timeless"}


def test_as_of_1990s_sees_pakistan_before_its_return_to_imet(bundled_store: Store) -> None:
    code, out, _ = run("show", "pakistan", "--as-of", "1990s", *bundled_args(bundled_store))
    assert code == 0
    assert "As of 1990s:" in out
    assert "[current] Takes part in International Military Education and Training (early 1960s – 1990s)" in out
    assert "(2001 – August 2018)" not in out  # not yet true then
    assert "from after 1990s not shown." in out


def test_show_as_of_still_refuses_what_is_not_a_date() -> None:
    code, out, err = run("show", "pakistan", "--as-of", "someday")
    assert (code, out) == (2, "")
    assert err.startswith("almanac: error: argument --as-of: 'someday' is not a date")
    assert err.count("\n") == 1


def test_timeline_from_and_show_as_of_take_the_same_dates(bundled_store: Store) -> None:
    for when in ("1990s", "early 1990s", "2019-01", "2019-01-15"):
        assert run("timeline", "--from", when, "--limit", "1", *bundled_args(bundled_store))[0] == 0
        assert run("show", "pakistan", "--as-of", when, *bundled_args(bundled_store))[0] == 0


# -- a --no-bundled folder with entities only ---------------------------------------------------------------


def test_no_bundled_folder_without_setup_files_uses_the_bundled_ones(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    write(folder, "programs/solo.yaml", entity("solo", body="facts:\n" + note_fact()))
    code, out, err = run("list", "--no-bundled", "--data", str(folder))
    assert (code, err) == (0, "")
    assert out.split() == ["solo", "program", "Solo"]
    code, _, err = run("validate", "--no-bundled", str(folder))
    assert code == 0, err
    assert err.startswith("ok: 1 entities, 1 facts")


def test_no_bundled_folder_with_its_own_vocabulary_uses_only_that(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    write(
        folder,
        "vocabulary.yaml",
        """\
        kinds:
          - {id: ship, label: Ship, plural: Ships, folder: ships, icon: program}
        properties:
          - {id: note, label: Note, inverse: Noted on, takes: text}
        """,
    )
    write(folder, "ships/boat.yaml", entity("boat", kind="ship", body="facts:\n" + note_fact()))
    write(folder, "programs/plan.yaml", entity("plan", kind="program"))
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["validate", "--no-bundled", str(folder)], out=out, err=err) == 1
    assert [line.split(": ", 1)[1] for line in out.getvalue().splitlines()] == ["unknown kind `program` (kinds: ship)"]


# -- the screenshot's format comes from its suffix ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "magic"),
    [("a.png", b"\x89PNG\r\n\x1a\n"), ("a.jpg", b"\xff\xd8\xff"), ("a.JPEG", b"\xff\xd8\xff"), ("a.bmp", b"BM")],
)
def test_screenshot_format_follows_the_suffix(
    theme_guard: None, bundled_store: Store, tmp_path: Path, name: str, magic: bytes
) -> None:
    out = tmp_path / name
    code, stdout, err = run("screenshot", str(out), "--size", "640x480", *bundled_args(bundled_store))
    assert (code, err) == (0, "")
    assert stdout == f"Wrote {out} (640x480)\n"
    assert out.read_bytes().startswith(magic)


def test_screenshot_webp_when_qt_can_write_it(theme_guard: None, bundled_store: Store, tmp_path: Path) -> None:
    from PySide6.QtGui import QImageWriter

    out = tmp_path / "a.webp"
    code, _, err = run("screenshot", str(out), "--size", "640x480", *bundled_args(bundled_store))
    if b"webp" in [bytes(f) for f in QImageWriter.supportedImageFormats()]:
        assert (code, err) == (0, "")
        assert out.read_bytes()[8:12] == b"WEBP"
    else:
        assert code == 2 and "webp" in err.lower() and err.count("\n") == 1
        assert not out.exists()


@pytest.mark.parametrize("name", ["a.gif", "a.txt", "a", "a.png.bak"])
def test_screenshot_with_an_unknown_suffix_is_a_usage_error(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    code, stdout, err = run("screenshot", str(out))
    assert (code, stdout) == (2, "")
    assert err.startswith("almanac: error: argument OUT.png: ")
    assert ".png" in err and ".jpg" in err
    assert err.count("\n") == 1
    assert not out.exists()

"""What the window's start loads before its first paint, held to lists kept here.

The start is measured against a bare PySide6 window (README, Performance), and every module,
Qt class or enum loaded before the first paint is paid for by every start. These tests run the
real start-up (`python -m desktop`, offscreen, ALMANAC_EXIT_AFTER_PAINT=1, which reports what was
loaded at the first paint: desktop/app.py) and fail when something the first paint does not need
comes in before it. A new module on the list needs a reason: the first paint shows it. Everything
else loads on first use (tests/benchmarks/bench.py measures what that is worth).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop.core.store import Store

ROOT = Path(__file__).resolve().parent.parent

# The program's modules a first paint of Home may import, and no others.
FIRST_PAINT_MODULES = {
    "desktop",
    "desktop.cli",  # the entry point: with the window's options read by options.window_args, no parser
    "desktop.options",
    "desktop.app",
    "desktop.display_check",
    # Reading a warm index: the store and what it answers with.
    "desktop.core",
    "desktop.core.asof",
    "desktop.core.bundle",
    "desktop.core.cache",
    "desktop.core.citation",
    "desktop.core.collector",
    "desktop.core.dates",
    "desktop.core.debug",
    "desktop.core.figures",
    "desktop.core.files",
    "desktop.core.index",
    "desktop.core.links",
    "desktop.core.phrases",
    "desktop.core.problems",
    "desktop.core.records",  # the view types' dataclasses, completed on first use
    "desktop.core.search",
    "desktop.core.store",
    "desktop.core.text",
    "desktop.core.views",
    # The reader's tabs, history and bookmarks: the first page shown is one of their tabs.
    "desktop.core.reader_data",
    "desktop.core.reader_files",
    "desktop.core.user_dirs",
    "desktop.models",
    "desktop.models.data_watcher",
    "desktop.models.navigator_model",
    "desktop.models.reader_session",
    "desktop.models.results_model",
    "desktop.models.roles",
    "desktop.models.search_runner",
    "desktop.models.store_session",
    "desktop.models.tasks",
    # The window and the parts it shows, or whose actions and shortcuts work from the start.
    "desktop.ui",
    "desktop.ui.actions",
    "desktop.ui.as_of_control",
    "desktop.ui.bookmarks",
    "desktop.ui.detail_view",
    "desktop.ui.figures_dock",
    "desktop.ui.history",
    "desktop.ui.history_menus",
    "desktop.ui.icons",
    "desktop.ui.main_window",
    "desktop.ui.notes_pane",
    "desktop.ui.page_controller",
    "desktop.ui.page_html",
    "desktop.ui.page_tabs",
    "desktop.ui.problems_dock",
    "desktop.ui.qt_enums",
    "desktop.ui.search_pane",
    "desktop.ui.settings",
    "desktop.ui.sources_pane",
    "desktop.ui.status_line",
    "desktop.ui.theme",
    "desktop.ui.time_controls",
}
# An entity's page draws its timeline strip as a picture.
ENTITY_PAGE_MODULES = {"desktop.ui.page_strip"}

# Never before the first paint: the build (a warm index needs none of it), the other commands, the
# panes and dialogs nothing shows yet, and what only they use. (The desktop modules are held to the
# list above already; naming the heaviest here too says why they matter.)
NOT_BEFORE_FIRST_PAINT = {
    "desktop.cli_figures",
    "desktop.core.loader",
    "desktop.core.refresh",
    "desktop.core.timeline",  # the As of box's years are read by the store itself (Store.time_span)
    "desktop.core.timeline_series",
    "desktop.core.schema",
    "desktop.core.yamlfile",
    "desktop.importers",
    "desktop.ui.dialogs",
    "desktop.ui.data_folders",
    "desktop.ui.entity_menu",
    "desktop.ui.exports",
    "desktop.ui.figures_chart",
    "desktop.ui.figures_import",
    "desktop.ui.figures_panel",
    "desktop.ui.find_bar",
    "desktop.ui.result_delegate",
    "desktop.ui.timeline_panel",
    "desktop.models.figures_series",
    "desktop.models.figures_table",
    "yaml",
    "yaml_rs",
    "jsonschema",
    "fastjsonschema",
    "duckdb",
    "rapidfuzz",
    "html",  # page_html escapes without it: the package brings a table of every entity name
    "ctypes",  # the display check loads X11 libraries with it only where Qt will use them
    "PySide6.QtSvg",
    "PySide6.QtPrintSupport",
    # The standard library's share: a build's in-memory index is named with uuid (which brings
    # platform), a figures file is read with csv; platformdirs only where no folder is given
    # (these starts give both the cache's and the reader's).
    "uuid",
    "platform",
    "csv",
    "decimal",
    "platformdirs",
    # The cache's key is hashed with CPython's own SHA-256 where there is one (desktop/core/cache.py).
    *(["hashlib"] if importlib.util.find_spec("_sha256") else []),
}

# Nothing runs off the GUI thread before the first paint (the data folders are walked for watching
# after it, and the first page's official figures read then), so the worker threads' machinery is
# not imported either.
NOT_BEFORE_HOME = {"concurrent.futures", "queue"}

# Qt classes the first paint of Home does without: PySide6 builds a class's enums with it. `Qt`
# itself is about a hundred enum classes (desktop/ui/qt_enums.py says how the window avoids it).
NOT_BUILT_FOR_HOME = {"QtCore.Qt", "QtWidgets.QStyle", "QtGui.QTextCharFormat", "QtGui.QPdfWriter"}


def first_paint(tmp_path: Path, store: Store, *args: str) -> dict[str, Any]:
    """Start the window as a person does and report what was loaded when its page was first painted."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QT_QPA_PLATFORM": "offscreen",
        "ALMANAC_EXIT_AFTER_PAINT": "1",
        "ALMANAC_CONFIG_DIR": str(tmp_path / "config"),  # a first run: Home, nothing remembered
        "ALMANAC_DATA_DIR": str(tmp_path / "data"),
    }
    assert store.path is not None
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--cache-dir", str(store.path.parent), *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(next(line for line in reversed(done.stdout.splitlines()) if line.startswith("{")))
    assert report["first_paint"] is True
    return report


def test_the_first_paint_of_home_imports_only_what_it_needs(tmp_path: Path, bundled_store: Store) -> None:
    report = first_paint(tmp_path, bundled_store)
    modules = set(report["modules"])
    program = {m for m in modules if m == "desktop" or m.startswith("desktop.")}
    # A module here that is not on the list: load it on first use, or add it if the first paint shows it.
    assert sorted(program - FIRST_PAINT_MODULES) == []
    assert sorted(modules & (NOT_BEFORE_FIRST_PAINT | NOT_BEFORE_HOME)) == []
    assert sorted(set(report["qt_classes"]) & NOT_BUILT_FOR_HOME) == []
    # Nothing of the settings is written before the first paint (QSettings syncs its file to disk):
    # restoring the zoom writes nothing, and the page shown is remembered once painted.
    assert report["settings_written"] is False


def test_the_first_paint_of_an_entity_adds_only_its_strip(tmp_path: Path, bundled_store: Store) -> None:
    report = first_paint(tmp_path, bundled_store, "open", "pakistan")  # dated facts: a timeline strip
    modules = set(report["modules"])
    program = {m for m in modules if m == "desktop" or m.startswith("desktop.")}
    assert sorted(program - FIRST_PAINT_MODULES - ENTITY_PAGE_MODULES) == []
    assert program >= ENTITY_PAGE_MODULES
    # No figures pane either: the page's figures are read off the GUI thread once it is painted, the pane
    # built when there are some.
    assert sorted(modules & (NOT_BEFORE_FIRST_PAINT | NOT_BEFORE_HOME)) == []
    # The strip is drawn without the `Qt` namespace too (page_strip.py says how).
    assert "QtCore.Qt" not in report["qt_classes"]


def test_the_lists_name_modules_that_exist() -> None:
    # A module renamed or removed must leave the lists too, or they stop guarding anything.
    for name in sorted(FIRST_PAINT_MODULES | ENTITY_PAGE_MODULES | NOT_BEFORE_FIRST_PAINT):
        if name.startswith("desktop"):
            assert importlib.util.find_spec(name) is not None, name


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VERTICAL", "Orientation.Vertical"),
        ("ELIDE_RIGHT", "TextElideMode.ElideRight"),
        ("CUSTOM_CONTEXT_MENU", "ContextMenuPolicy.CustomContextMenu"),
        ("RICH_TEXT", "TextFormat.RichText"),
        ("SCROLL_BAR_AS_NEEDED", "ScrollBarPolicy.ScrollBarAsNeeded"),
        ("SCROLL_BAR_ALWAYS_OFF", "ScrollBarPolicy.ScrollBarAlwaysOff"),
        ("SCROLL_BAR_ALWAYS_ON", "ScrollBarPolicy.ScrollBarAlwaysOn"),
    ],
)
def test_the_plain_enum_values_are_qts_own(name: str, value: str) -> None:
    from PySide6.QtCore import Qt

    from desktop.ui import qt_enums

    enum_name, member = value.split(".")
    assert getattr(qt_enums, name) == getattr(getattr(Qt, enum_name), member).value


def test_the_item_roles_are_qts_own() -> None:
    from PySide6.QtCore import Qt

    from desktop.models import roles

    role = Qt.ItemDataRole
    assert role.DisplayRole.value == roles.DISPLAY_ROLE
    assert role.DecorationRole.value == roles.DECORATION_ROLE
    assert role.ToolTipRole.value == roles.TOOLTIP_ROLE
    assert role.AccessibleTextRole.value == roles.ACCESSIBLE_TEXT_ROLE
    assert role.AccessibleDescriptionRole.value == roles.ACCESSIBLE_DESCRIPTION_ROLE
    assert role.UserRole.value == roles.USER_ROLE


def test_an_enum_property_that_qt_does_not_have_is_refused(qtbot) -> None:
    from PySide6.QtWidgets import QSplitter

    from desktop.ui.qt_enums import VERTICAL, set_enum_property

    splitter = QSplitter()
    qtbot.addWidget(splitter)
    set_enum_property(splitter, "orientation", VERTICAL)
    assert splitter.orientation().name == "Vertical"
    with pytest.raises(AttributeError, match="orientaton"):
        set_enum_property(splitter, "orientaton", VERTICAL)


# -- the window's options, read without the parser of every command --------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--cache-dir", "c"],
        ["--cache-dir=c"],
        ["--data", "a", "--data=b", "--no-bundled"],
        ["--no-bundled", "--data", "a", "--cache-dir", "top", "open", "imet", "--cache-dir", "sub", "--data", "b"],
        ["open", "imet"],
        ["open", "almanac://entity/imet"],
        ["open", "Pakistan", "--no-bundled", "--data", "x"],
        ["--cache-dir", "c", "--data", "d", "open", "imet"],
        ["open", "imet", "--cache-dir", "c", "--data", "d"],
        ["open", "open"],
        ["--data", "", "open", "a=b"],
        ["--cache-dir", "a", "--cache-dir", "b"],
    ],
)
def test_a_window_start_reads_as_the_full_parser_does(argv: list[str]) -> None:
    from desktop.options import build_parser, window_args

    assert vars(window_args(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        ["open"],  # without its ID
        ["open", "--help"],
        ["open", "a", "b"],
        ["--data"],
        ["--data", "--no-bundled"],
        ["--cache"],  # an abbreviation: argparse's to accept
        ["--no-bundled=1"],
        ["list"],
        ["search", "imet"],
        ["screenshot", "x.png"],
        ["--", "open", "imet"],
        ["imet"],
        ["open", "-x"],
    ],
)
def test_anything_else_is_left_to_the_full_parser(argv: list[str]) -> None:
    from desktop.options import window_args

    assert window_args(argv) is None


def test_any_mix_of_window_options_reads_as_the_full_parser_does() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from desktop.options import UsageError, build_parser, window_args

    words = st.sampled_from(
        ["--data", "--cache-dir", "--no-bundled", "open", "imet", "x", "-", "--data=y", "--", "=", ""]
    )

    @settings(max_examples=300, deadline=None)
    @given(st.lists(words, max_size=7))
    def check(argv: list[str]) -> None:
        quick = window_args(argv)
        if quick is None:
            return  # the full parser reads it, as before
        try:
            full = build_parser().parse_args(argv)
        except (UsageError, SystemExit) as exc:
            raise AssertionError(f"{argv} read as a window start, but the parser refuses it: {exc}") from None
        assert vars(quick) == vars(full), argv

    check()

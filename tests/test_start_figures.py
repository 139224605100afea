"""A window's start reads the first page's official figures once that page has been painted.

The start (desktop/app.py `run`) holds the figures dock's reads until the window's first paint, so
that no worker shares the interpreter with it (tests/test_startup.py checks that none is imported);
the page shown meanwhile has its figures read and shown right after.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from datafiles import entity, write

from desktop.app import _window_for
from desktop.core.figures import COLUMNS
from desktop.options import window_args
from desktop.ui.main_window import MainWindow

SOURCE = "start-dataset"


def figures_folder(data_dir: Path) -> Path:
    with (data_dir / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write(f"  - id: {SOURCE}\n    title: A start dataset\n    publisher: Tests\n    license: CC0\n")
    write(data_dir, "countries/freedonia.yaml", entity("freedonia", kind="country"))
    write(data_dir, "programs/drill.yaml", entity("drill", name="Drill Program"))
    table = io.StringIO()
    out = csv.writer(table, lineterminator="\n")
    out.writerow(COLUMNS)
    out.writerow(("freedonia", "drill", 2015, "obligations", "1000.00", "1100.00", "row 2"))
    out.writerow(("freedonia", "drill", 2016, "obligations", "2000.00", "2100.00", "row 3"))
    (data_dir / "figures").mkdir()
    (data_dir / "figures" / f"{SOURCE}.csv").write_text(table.getvalue(), encoding="utf-8")
    return data_dir


def unshown_window(qtbot, data_dir: Path, tmp_path: Path) -> MainWindow:
    """A window on the figures folder alone, made as a start makes it and not shown yet."""
    folder = figures_folder(data_dir)
    args = window_args(["--no-bundled", "--data", str(folder), "--cache-dir", str(tmp_path / "cache")])
    assert args is not None
    window = _window_for(args)
    qtbot.addWidget(window)
    return window


def test_the_first_pages_figures_are_read_once_it_is_painted(qtbot, data_dir: Path, tmp_path: Path) -> None:
    window = unshown_window(qtbot, data_dir, tmp_path)
    figures = window.figures
    figures.hold_until_first_paint()
    window.open_initial("freedonia")
    assert window.current_entity == "freedonia"
    assert not figures.busy() and figures.dock is None  # nothing read yet: the window has not been painted
    window.show()
    qtbot.waitUntil(lambda: figures.dock is not None and figures.dock.isVisible(), timeout=5000)
    assert not figures.busy()
    # Later pages are read as they are shown, as before.
    window.show_entity("drill")
    assert figures.busy() or figures.dock.isVisible()
    qtbot.waitUntil(lambda: not figures.busy(), timeout=5000)
    assert figures.dock.isVisible()  # the program has figures too


def test_without_the_hold_a_page_is_read_as_it_is_shown(qtbot, data_dir: Path, tmp_path: Path) -> None:
    window = unshown_window(qtbot, data_dir, tmp_path)
    window.open_initial("freedonia")
    assert window.figures.busy()  # read on a worker at once (the windows tests and scripts build)
    qtbot.waitUntil(lambda: not window.figures.busy(), timeout=5000)

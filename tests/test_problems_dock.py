"""The Problems dock: every data problem in a sortable, filterable list whose rows open their files."""

from __future__ import annotations

from pathlib import Path

import pytest
from datafiles import touch_later
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QLineEdit, QMenu, QTableView, QWidget
from ui_support import CITE, bundled_args, open_window, write_yaml

from desktop.core.problems import Problem
from desktop.core.store import Store
from desktop.ui.main_window import MainWindow
from desktop.ui.problems_dock import plain_message


@pytest.fixture
def troubled(data_dir: Path) -> Path:
    """A data folder with one good program and two problems: a YAML syntax error and an unknown property."""
    write_yaml(
        data_dir,
        "programs/good-program.yaml",
        {"id": "good-program", "kind": "program", "name": "Goodly Program"},
    )
    (data_dir / "programs" / "broken.yaml").write_text("id: broken\nkind: program\nname: [unclosed\n", "utf-8")
    write_yaml(
        data_dir,
        "programs/odd.yaml",
        {
            "id": "odd",
            "kind": "program",
            "name": "Odd",
            "facts": [{"property": "frobnicates", "text": "x", "sources": CITE}],
        },
    )
    return data_dir.resolve()


@pytest.fixture
def opened() -> list[QUrl]:
    return []


@pytest.fixture
def window(qtbot, troubled: Path, opened: list[QUrl]) -> MainWindow:
    return open_window(qtbot, ["--no-bundled", "--data", str(troubled)], open_url=opened.append)


def dock(window: MainWindow) -> QDockWidget:
    found = window.findChild(QDockWidget, "problemsDock")
    assert found is not None
    return found


def view(window: MainWindow) -> QTableView:
    found = window.findChild(QTableView, "problemsView")
    assert found is not None
    return found


def rows(window: MainWindow) -> list[list[str]]:
    """The list as shown, row by row: each column's text."""
    model = view(window).model()
    return [[model.index(r, c).data() or "" for c in range(model.columnCount())] for r in range(model.rowCount())]


def open_dock(qtbot, window: MainWindow) -> QTableView:
    qtbot.mouseClick(window.problems_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(QDockWidget, "problemsDock") is not None and dock(window).isVisible())
    return view(window)


def row_of(window: MainWindow, text: str) -> int:
    return next(r for r, row in enumerate(rows(window)) if any(text in cell for cell in row))


def cell_center(table: QTableView, row: int, column: int = 2) -> QPoint:
    return table.visualRect(table.model().index(row, column)).center()


def double_click(qtbot, table: QTableView, at: QPoint) -> None:
    """A double click as a mouse makes it: a press and release, then the double click."""
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=at)


def right_click(window: MainWindow, table: QTableView, row: int) -> QMenu:
    """A right click as the platform delivers it (through the window), and the context menu it opens."""
    QApplication.processEvents()  # the dock laid out where it is shown
    at = table.viewport().mapTo(window, cell_center(table, row))
    # A left click first, as a hand would select the row: offscreen, a synthetic right click alone right
    # after a menu has closed opens no menu.
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, at)
    menus = [m for m in window.findChildren(QMenu, "problemsMenu") if m.isVisible()]
    assert len(menus) == 1
    return menus[0]


def choose(qtbot, menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text().replace("&", "") == text)
    assert action.isEnabled(), text
    menu.setActiveAction(action)  # where the arrow keys would have taken it
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    assert not menu.isVisible()


# -- the formatter -----------------------------------------------------------------------------


def test_quoted_parts_of_a_message_lose_their_backticks() -> None:
    assert plain_message("unknown property `frobnicates`") == "unknown property “frobnicates”"
    assert plain_message("`a` links to `b`, which does not exist") == "“a” links to “b”, which does not exist"
    assert plain_message("no quoting at all") == "no quoting at all"
    assert plain_message("a lone ` backtick stays") == "a lone ` backtick stays"


# -- the dock ----------------------------------------------------------------------------------


def test_the_problems_button_opens_the_dock_with_file_line_and_readable_message(
    qtbot, window: MainWindow, troubled: Path
) -> None:
    assert window.problems_button.isVisible()
    assert window.findChild(QDockWidget, "problemsDock") is None or not dock(window).isVisible()
    table = open_dock(qtbot, window)
    assert window.action_problems.isChecked()
    assert table.hasFocus()
    shown = rows(window)
    problems = window.store.problems()
    assert len(shown) == len(problems) == 2
    headers = [table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(table.model().columnCount())]
    assert headers[:3] == ["File", "Line", "Message"]
    by_file = {row[0]: row for row in shown}
    broken = by_file[f"{troubled.name}/programs/broken.yaml"]
    line = next(p.line for p in problems if p.path.endswith("broken.yaml"))
    assert broken[1] == str(line) and "YAML syntax error" in broken[2]
    odd = by_file[f"{troubled.name}/programs/odd.yaml"]
    assert "“frobnicates”" in odd[2]
    assert all("`" not in row[2] for row in shown)  # the store's messages have them; the list does not
    assert any("`frobnicates`" in p.message for p in problems)
    # The full path is a hover away.
    index = table.model().index(row_of(window, "odd.yaml"), 0)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == str(troubled / "programs" / "odd.yaml")


def test_the_list_sorts_by_a_clicked_column_and_filters_by_text(qtbot, window: MainWindow) -> None:
    table = open_dock(qtbot, window)
    header = table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(1) + 5, 5))
    lines = [int(row[1] or 0) for row in rows(window)]
    assert lines == sorted(lines)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(1) + 5, 5))
    assert [int(row[1] or 0) for row in rows(window)] == sorted(lines, reverse=True)

    box = window.findChild(QLineEdit, "problemsFilter")
    assert box is not None and box.isVisible()
    qtbot.keyClicks(box, "FROBNIC")
    assert len(rows(window)) == 1 and "frobnicates" in rows(window)[0][2]
    summary = window.findChild(QWidget, "problemsSummary")
    assert "1 of 2" in summary.text()
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Esc empties the filter
    assert box.text() == "" and len(rows(window)) == 2


def test_double_clicking_a_problem_opens_its_file_in_the_system_editor(
    qtbot, window: MainWindow, troubled: Path, opened: list[QUrl]
) -> None:
    table = open_dock(qtbot, window)
    row = row_of(window, "broken.yaml")
    at = cell_center(table, row)
    double_click(qtbot, table, at)
    assert opened == [QUrl.fromLocalFile(str(troubled / "programs" / "broken.yaml"))]
    line = next(p.line for p in window.store.problems() if p.path.endswith("broken.yaml"))
    assert f"line {line}" in window.statusBar().currentMessage()


def test_enter_on_a_problem_opens_its_file(qtbot, window: MainWindow, troubled: Path, opened: list[QUrl]) -> None:
    table = open_dock(qtbot, window)
    table.setCurrentIndex(table.model().index(row_of(window, "odd.yaml"), 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [QUrl.fromLocalFile(str(troubled / "programs" / "odd.yaml"))]


# The offscreen platform cannot raise a popup or give it the keyboard; the menu works all the same.
MENU_WARNINGS = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


@MENU_WARNINGS
def test_the_context_menu_opens_reveals_and_copies(
    qtbot, window: MainWindow, troubled: Path, opened: list[QUrl]
) -> None:
    table = open_dock(qtbot, window)
    row = row_of(window, "odd.yaml")
    menu = right_click(window, table, row)
    assert [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()] == [
        "Open file",
        "Reveal in folder",
        "Copy message",
    ]
    choose(qtbot, menu, "Open file")
    assert opened == [QUrl.fromLocalFile(str(troubled / "programs" / "odd.yaml"))]

    choose(qtbot, right_click(window, table, row), "Reveal in folder")
    assert opened[-1] == QUrl.fromLocalFile(str(troubled / "programs"))

    choose(qtbot, right_click(window, table, row), "Copy message")
    odd = next(p for p in window.store.problems() if p.path.endswith("odd.yaml"))
    assert QApplication.clipboard().text() == str(odd)  # the line `almanac validate` prints


@MENU_WARNINGS
def test_a_problem_without_a_file_opens_nothing_and_says_so(
    qtbot, window: MainWindow, troubled: Path, opened: list[QUrl]
) -> None:
    table = open_dock(qtbot, window)
    # Problems about a folder, about the data as a whole, and about a file deleted since.
    window.problems.panel.set_problems(
        [
            Problem(str(troubled), 0, 0, "no `schema/entity.schema.json` in any data folder", "setup"),
            Problem("vocabulary.yaml", 0, 0, "property `x`: `range` names an unknown kind `y`", "setup"),
            Problem(str(troubled / "programs" / "gone.yaml"), 4, 0, "unknown property `z`"),
        ],
        [troubled],
    )
    for text, said in (("schema", "folder"), ("unknown kind", "no file"), ("gone.yaml", "no longer exists")):
        at = cell_center(table, row_of(window, text))
        double_click(qtbot, table, at)
        assert opened == [], text
        assert said in window.statusBar().currentMessage(), (text, window.statusBar().currentMessage())
    menu = right_click(window, table, row_of(window, "unknown kind"))
    open_file = next(a for a in menu.actions() if a.text().replace("&", "") == "Open file")
    assert not open_file.isEnabled()
    menu.close()
    # A folder's problem reveals the folder itself.
    choose(qtbot, right_click(window, table, row_of(window, "schema")), "Reveal in folder")
    assert opened == [QUrl.fromLocalFile(str(troubled))]


def test_the_list_follows_the_store_when_the_data_changes(qtbot, window: MainWindow, troubled: Path) -> None:
    open_dock(qtbot, window)
    assert len(rows(window)) == 2
    broken = troubled / "programs" / "broken.yaml"
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        broken.write_text("id: broken\nkind: program\nname: Mended\n", encoding="utf-8")
        touch_later(broken)
    qtbot.waitUntil(lambda: len(rows(window)) == 1)
    assert "frobnicates" in rows(window)[0][2]
    assert "1 data problem" in window.problems_button.text()


def test_clean_data_says_so_in_the_dock(qtbot, bundled_store: Store, opened: list[QUrl]) -> None:
    window = open_window(qtbot, bundled_args(bundled_store), open_url=opened.append)
    window.action_problems.trigger()  # View → Problems
    assert dock(window).isVisible() and rows(window) == []
    assert "No problems" in window.findChild(QWidget, "problemsSummary").text()
    window.action_problems.trigger()
    assert not dock(window).isVisible()


def test_closing_the_dock_unticks_the_menu_and_the_choice_is_remembered(
    qtbot, bundled_store: Store, opened: list[QUrl]
) -> None:
    first = open_window(qtbot, bundled_args(bundled_store), open_url=opened.append)
    assert not first.action_problems.isChecked()  # hidden on a first run
    first.action_problems.setChecked(True)
    assert dock(first).isVisible()
    first.close()

    second = open_window(qtbot, bundled_args(bundled_store), open_url=opened.append)
    assert second.action_problems.isChecked() and dock(second).isVisible()
    dock(second).close()  # its own close button
    assert not second.action_problems.isChecked()
    second.close()

    third = open_window(qtbot, bundled_args(bundled_store), open_url=opened.append)
    assert not third.action_problems.isChecked()
    assert third.findChild(QDockWidget, "problemsDock") is None or not dock(third).isVisible()

"""File → Data folders…: every folder the store reads, its problems, and adding, removing and revealing folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QUrl
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QTreeWidget
from ui_support import CITE, bundled_args, open_window, write_yaml

from desktop.core.bundle import bundled_data_dir
from desktop.core.store import Store
from desktop.ui import dialogs as dialogs_module
from desktop.ui.main_window import MainWindow
from desktop.ui.settings import AppSettings

FOLDER, ORIGIN, PROBLEMS = 0, 1, 2  # the list's columns


@pytest.fixture
def extra(data_dir: Path) -> Path:
    """A folder of one program and one problem (an unknown property)."""
    write_yaml(
        data_dir,
        "programs/extra-program.yaml",
        {
            "id": "extra-program",
            "kind": "program",
            "name": "Extraordinary Program",
            "facts": [{"property": "frobnicates", "text": "x", "sources": CITE}],
        },
    )
    return data_dir.resolve()


@pytest.fixture
def opened() -> list[QUrl]:
    return []


@pytest.fixture
def window(qtbot, bundled_store: Store, opened: list[QUrl]) -> MainWindow:
    return open_window(qtbot, bundled_args(bundled_store), open_url=opened.append)


def open_dialog(window: MainWindow) -> QDialog:
    window.action_data_folders.trigger()  # File → Data folders…
    shown = [d for d in window.findChildren(QDialog, "dataFoldersDialog") if d.isVisible()]
    assert len(shown) == 1
    return shown[0]


def listed(dialog: QDialog) -> list[tuple[str, str, str]]:
    tree = dialog.findChild(QTreeWidget, "dataFoldersList")
    return [tuple(tree.topLevelItem(r).text(c) for c in range(3)) for r in range(tree.topLevelItemCount())]


def select(qtbot, dialog: QDialog, folder: Path) -> None:
    tree = dialog.findChild(QTreeWidget, "dataFoldersList")
    row = next(r for r in range(tree.topLevelItemCount()) if tree.topLevelItem(r).text(FOLDER) == str(folder))
    rect = tree.visualItemRect(tree.topLevelItem(row))
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tree.currentItem() is tree.topLevelItem(row)


def button(dialog: QDialog, name: str) -> QPushButton:
    found = dialog.findChild(QPushButton, name)
    assert found is not None, name
    return found


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_bundled_folder_is_listed_as_built_in_and_cannot_be_removed(qtbot, window: MainWindow) -> None:
    dialog = open_dialog(window)
    assert listed(dialog) == [(str(bundled_data_dir().resolve()), "Built-in", "0")]
    select(qtbot, dialog, bundled_data_dir().resolve())
    assert not button(dialog, "removeFolderButton").isEnabled()
    assert button(dialog, "revealFolderButton").isEnabled()
    assert button(dialog, "addFolderButton").isEnabled()


def test_add_lists_the_folder_with_its_problems_and_remembers_it(
    qtbot, window: MainWindow, extra: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(window)
    monkeypatch.setattr(dialogs_module.QFileDialog, "getExistingDirectory", lambda *a, **k: str(extra))
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        qtbot.mouseClick(button(dialog, "addFolderButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(listed(dialog)) == 2)
    assert listed(dialog)[1] == (str(extra), "Added", "1")
    assert dialog.findChild(QLabel, "dataFoldersNote").text() == f"Added {extra}."
    assert dialog.findChild(QTreeWidget, "dataFoldersList").currentItem().text(FOLDER) == str(extra)
    assert window.settings.data_folders == [extra]
    assert window.store.ref("extra-program") is not None
    select(qtbot, dialog, extra)
    assert button(dialog, "removeFolderButton").isEnabled()

    # The same folder again is not added twice; the dialog says why.
    qtbot.mouseClick(button(dialog, "addFolderButton"), Qt.MouseButton.LeftButton)
    assert "already" in dialog.findChild(QLabel, "dataFoldersNote").text()
    assert len(listed(dialog)) == 2


def test_remove_reloads_without_the_folder_forgets_it_and_leaves_its_files(
    qtbot, window: MainWindow, extra: Path
) -> None:
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        window.add_data_folder(extra)
    before = files_under(extra)
    dialog = open_dialog(window)
    select(qtbot, dialog, extra)
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        qtbot.mouseClick(button(dialog, "removeFolderButton"), Qt.MouseButton.LeftButton)
    assert window.store.ref("extra-program") is None
    assert window.store.ref("imet") is not None
    assert window.settings.data_folders == []
    qtbot.waitUntil(lambda: len(listed(dialog)) == 1)
    assert files_under(extra) == before  # nothing of the reader's was deleted
    assert not window.problems_button.isVisible()
    assert "files are untouched" in dialog.findChild(QLabel, "dataFoldersNote").text()


def test_the_delete_key_removes_the_selected_folder(qtbot, window: MainWindow, extra: Path) -> None:
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        window.add_data_folder(extra)
    dialog = open_dialog(window)
    select(qtbot, dialog, extra)
    tree = dialog.findChild(QTreeWidget, "dataFoldersList")
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        qtbot.keyClick(tree, Qt.Key.Key_Delete)
    assert window.settings.data_folders == []
    # On the built-in folder Delete does nothing.
    select(qtbot, dialog, bundled_data_dir().resolve())
    qtbot.keyClick(tree, Qt.Key.Key_Delete)
    assert listed(dialog)[0][ORIGIN] == "Built-in"


def test_reveal_opens_the_folder_in_the_file_manager(qtbot, window: MainWindow, opened: list[QUrl]) -> None:
    dialog = open_dialog(window)
    select(qtbot, dialog, bundled_data_dir().resolve())
    qtbot.mouseClick(button(dialog, "revealFolderButton"), Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(bundled_data_dir().resolve()))]


def test_a_command_line_folder_is_listed_and_not_removable(
    qtbot, bundled_store: Store, extra: Path, opened: list[QUrl]
) -> None:
    window = open_window(qtbot, [*bundled_args(bundled_store), "--data", str(extra)], open_url=opened.append)
    dialog = open_dialog(window)
    assert listed(dialog)[1] == (str(extra), "Command line (--data)", "1")
    select(qtbot, dialog, extra)
    assert not button(dialog, "removeFolderButton").isEnabled()


def test_a_remembered_folder_that_has_gone_is_listed_and_can_be_forgotten(
    qtbot, bundled_store: Store, tmp_path: Path, opened: list[QUrl]
) -> None:
    gone = tmp_path / "moved-away"
    settings = AppSettings()
    settings.data_folders = [gone]
    settings.close()
    window = open_window(qtbot, bundled_args(bundled_store), open_url=opened.append)
    dialog = open_dialog(window)
    assert listed(dialog)[1] == (str(gone), "Added — not found", "")
    select(qtbot, dialog, gone)
    assert not button(dialog, "revealFolderButton").isEnabled()
    with qtbot.waitSignal(window.session.foldersChanged, timeout=10_000):
        qtbot.mouseClick(button(dialog, "removeFolderButton"), Qt.MouseButton.LeftButton)
    assert window.settings.data_folders == []
    qtbot.waitUntil(lambda: len(listed(dialog)) == 1)


def test_the_dialog_does_not_pile_up(qtbot, window: MainWindow) -> None:
    first = open_dialog(window)
    second = open_dialog(window)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert [d for d in window.findChildren(QDialog) if d.objectName() == "dataFoldersDialog"] == [second]
    assert first is not second

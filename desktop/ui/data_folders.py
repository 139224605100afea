"""File → Data folders…: every folder the store reads, with its problems, and adding, removing and revealing one.

The bundled folder and those given with `--data` are listed but cannot be removed here (the command
line chose them); the folders added from the window can. Removing one asks the store session (the one
owner of the store) to reopen the data without it, and the window forgets the folder once that is done;
nothing in the folder is touched. A folder remembered from an earlier run that has since gone is listed
as not found, so that it can be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.bundle import bundled_data_dir
from desktop.core.problems import Problem
from desktop.core.store import Store
from desktop.models.store_session import StoreSession

BUILT_IN, COMMAND_LINE, ADDED, MISSING = "Built-in", "Command line (--data)", "Added", "Added — not found"


@dataclass(frozen=True)
class FolderRow:
    path: Path
    origin: str  # one of BUILT_IN, COMMAND_LINE, ADDED, MISSING
    problems: int | None  # None for a folder not read (it has gone)

    @property
    def removable(self) -> bool:
        return self.origin in (ADDED, MISSING)


def problem_counts(problems: Sequence[Problem], folders: Sequence[Path]) -> dict[Path, int]:
    """How many problems lie in each folder: each counted once, in the innermost folder holding it."""
    counts = dict.fromkeys(folders, 0)
    for problem in problems:
        here = Path(problem.path)
        owners = [f for f in folders if here == f or here.is_relative_to(f)]
        if owners:
            counts[max(owners, key=lambda f: len(f.parts))] += 1
    return counts


def folder_rows(store: Store, added: Sequence[Path], bundled: Path | None = None) -> list[FolderRow]:
    """The folders the store reads, in its order, then the added folders it could not read."""
    bundled = (bundled or bundled_data_dir()).resolve()
    wanted = {_resolved(f) for f in added}
    read = [_resolved(f) for f in store.folders]
    counts = problem_counts(store.problems(), read)
    rows = []
    for folder in read:
        origin = BUILT_IN if folder == bundled else ADDED if folder in wanted else COMMAND_LINE
        rows.append(FolderRow(folder, origin, counts[folder]))
    rows += [FolderRow(f, MISSING, None) for f in dict.fromkeys(_resolved(f) for f in added) if f not in read]
    return rows


def _resolved(folder: Path) -> Path:
    try:
        return folder.resolve()
    except OSError:  # a path the system will not resolve (a loop of links): shown as given
        return folder.absolute()


class DataFoldersDialog(QDialog):
    """The list of data folders with Add…, Remove and Reveal. It follows the session while open."""

    def __init__(
        self,
        session: StoreSession,
        choose_folder: Callable[[], Path | None],
        add_folder: Callable[[Path], bool],
        open_url: Callable[[QUrl], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dataFoldersDialog")
        self.setWindowTitle("Data folders")
        self.session = session
        self._choose_folder = choose_folder
        self._add_folder = add_folder
        self._open_url = open_url
        self._rows: list[FolderRow] = []

        intro = QLabel(
            "The almanac reads these folders. Folders added here are remembered; removing one only stops "
            "reading it: its files are left as they are.",
            self,
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("dataFoldersList")
        self.tree.setAccessibleName("Data folders")
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels(["Folder", "Kind", "Problems"])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        self.tree.installEventFilter(self)

        self.add_button = self._button("addFolderButton", "&Add…", "Add a folder of data files", self.add)
        self.remove_button = self._button(
            "removeFolderButton", "&Remove", "Stop reading this folder (its files are not touched)", self.remove
        )
        self.reveal_button = self._button(
            "revealFolderButton", "Re&veal", "Open this folder in the file manager", self.reveal
        )
        self.note = QLabel(self)
        self.note.setObjectName("dataFoldersNote")
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.reveal_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        row.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.note)
        layout.addLayout(row)
        self.resize(760, 320)

        # The folder asked to be added or removed, until the session has shown the data with or without it.
        self._adding: Path | None = None
        self._removing: Path | None = None
        self._busy_text = ""
        # Bound methods, not lambdas: Qt drops these connections when the dialog is deleted.
        session.storeChanged.connect(self.refresh)
        session.foldersChanged.connect(self.refresh)
        session.busy.connect(self._busy)
        session.failed.connect(self._failed)
        self.refresh()

    def _busy(self, text: str) -> None:
        if text:
            self.note.setText(text)
        elif self.note.text() == self._busy_text:
            self.note.clear()  # done; what came of it (added, removed) is said by refresh
        self._busy_text = text

    def _failed(self, text: str) -> None:
        self._adding = self._removing = None
        self.note.setText(text)

    def _button(self, name: str, text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)  # Enter in the list is not a click on Add
        button.clicked.connect(lambda *_: slot())
        return button

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.tree
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            self.remove()
            return True
        return False

    def refresh(self, *_: object) -> None:
        """List the folders again (the store or its folders changed), keeping the selected one selected."""
        if self.session.closed:
            return
        selected = self.selected()
        self._rows = folder_rows(self.session.store, self.session.extra_folders)
        self.tree.clear()
        items = []
        for folder in self._rows:
            count = "" if folder.problems is None else str(folder.problems)
            item = QTreeWidgetItem([str(folder.path), folder.origin, count])
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, str(folder.path))
            items.append(item)
        self.tree.addTopLevelItems(items)
        if self._removing is not None and all(f.path != self._removing for f in self._rows):
            self.note.setText(f"Removed {self._removing} from the data folders; its files are untouched.")
            self._removing = None
        if self._adding is not None and any(f.path == self._adding and f.origin == ADDED for f in self._rows):
            self.note.setText(f"Added {self._adding}.")
            selected = next(f for f in self._rows if f.path == self._adding)
            self._adding = None
        keep = next((i for i, f in enumerate(self._rows) if selected and f.path == selected.path), 0)
        if items:
            self.tree.setCurrentItem(items[keep])
        self._enable()

    def selected(self) -> FolderRow | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        row = self.tree.indexOfTopLevelItem(item)
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def _enable(self) -> None:
        folder = self.selected()
        self.remove_button.setEnabled(folder is not None and folder.removable)
        self.reveal_button.setEnabled(folder is not None and folder.path.is_dir())

    # -- the buttons ---------------------------------------------------------------------------

    def add(self) -> None:
        chosen = self._choose_folder()
        if chosen is None:
            return
        folder = _resolved(chosen)
        if any(f.path == folder for f in self._rows if f.origin != MISSING):
            self.note.setText(f"{folder} is already read.")
            return
        if self._add_folder(folder):
            self._adding = folder

    def remove(self) -> None:
        folder = self.selected()
        if folder is None or not folder.removable:
            return
        # The session is handed the folder as it remembers it (as given, which may not be resolved).
        remembered = next((f for f in self.session.extra_folders if _resolved(f) == folder.path), folder.path)
        self._removing = folder.path
        self.session.remove_folder(remembered)

    def reveal(self) -> None:
        folder = self.selected()
        if folder is not None and folder.path.is_dir():
            self._open_url(QUrl.fromLocalFile(str(folder.path)))

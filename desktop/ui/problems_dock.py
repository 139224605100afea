"""The Problems dock: every problem found in the data, sortable and filterable, each one opening its file.

View → Problems and the status line's problems button show it. It lists the problems of the store on
show, and follows the store when it is reloaded. A row opens its file in the system's editor on a
double click or Enter; its context menu also reveals the file's folder and copies the problem as
`almanac validate` prints it. Opening goes through a replaceable callable (QDesktopServices.openUrl
unless the window was given another), so tests see what would have been opened.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

# `Qt` only as `QtCore.Qt`, in code that runs after the first paint: see qt_enums.py.
from PySide6 import QtCore
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.problems import Problem
from desktop.core.store import Store
from desktop.models.roles import DISPLAY_ROLE, USER_ROLE
from desktop.models.store_session import StoreSession

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

FILE, LINE, MESSAGE, ORIGIN = range(4)
HEADERS = ("File", "Line", "Message", "Origin")
ORIGIN_LABELS = {"setup": "Setup", "file": "File", "duplicate": "Duplicate id", "link": "Link", "alias": "Alias"}
SORT_ROLE = USER_ROLE + 1

# Messages quote names Markdown's way (`like this`), which reads well in a terminal and in a pasted
# report; on screen the backticks are noise, so the list shows the quoted part in quotation marks.
_QUOTED = re.compile(r"`([^`\n]+)`")

Index = QModelIndex | QPersistentModelIndex


def plain_message(message: str) -> str:
    """A problem's message for reading on screen: each `quoted` part in “quotation marks”."""
    return _QUOTED.sub(r"“\1”", message)


def shown_path(path: str, folders: Sequence[Path]) -> str:
    """The path as the list shows it: from its data folder's name down ("data/programs/imet.yaml"),
    or whole when it lies in none of them."""
    here = Path(path)
    if not here.is_absolute():
        return path
    owners = [f for f in folders if here == f or here.is_relative_to(f)]
    if not owners:
        return path
    folder = max(owners, key=lambda f: len(f.parts))  # the innermost, when one folder holds another
    return str(Path(folder.name) / here.relative_to(folder))


class ProblemsModel(QAbstractTableModel):
    """The problems as rows: file, line, message (without backticks) and origin."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._problems: list[Problem] = []
        self._paths: list[str] = []

    def set_problems(self, problems: Sequence[Problem], folders: Sequence[Path]) -> None:
        self.beginResetModel()
        self._problems = list(problems)
        self._paths = [shown_path(p.path, folders) for p in self._problems]
        self.endResetModel()

    def problem(self, row: int) -> Problem:
        return self._problems[row]

    def files(self) -> int:
        return len({p.path for p in self._problems})

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE) -> Any:
        if orientation == QtCore.Qt.Orientation.Horizontal and role == QtCore.Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid():
            return None
        problem, column = self._problems[index.row()], index.column()
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            if column == FILE:
                return self._paths[index.row()]
            if column == LINE:
                return str(problem.line) if problem.line else ""
            if column == MESSAGE:
                return plain_message(problem.message)
            return ORIGIN_LABELS.get(problem.origin, problem.origin)
        if role == SORT_ROLE:
            # Numbers sort as numbers; a file's rows keep their order by line under it.
            if column == LINE:
                return problem.line
            if column == FILE:
                return f"{self._paths[index.row()]}\0{problem.line:09d}"
            return self.data(index, QtCore.Qt.ItemDataRole.DisplayRole)
        if role == QtCore.Qt.ItemDataRole.ToolTipRole:
            return problem.path if column == FILE else plain_message(problem.message)
        if role == QtCore.Qt.ItemDataRole.TextAlignmentRole and column == LINE:
            return int(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
        return None


class ProblemsView(QTableView):
    """The list. Signals: openRequested(row of the view's model) on Enter (a double click says so itself)."""

    openRequested = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter is taken here rather than through `activated`, which some platforms also emit on a
        # single click: opening an editor should take a deliberate act.
        if event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.openRequested.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class ProblemsPanel(QWidget):
    """A filter box, a one-line summary and the list. Signals: message(text) for the status bar."""

    message = Signal(str)

    def __init__(self, open_url: Callable[[QUrl], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._open_url = open_url
        self.model = ProblemsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)  # the filter matches any column
        self.proxy.setFilterCaseSensitivity(QtCore.Qt.CaseSensitivity.CaseInsensitive)

        self.filter = QLineEdit(self)
        self.filter.setObjectName("problemsFilter")
        self.filter.setAccessibleName("Filter problems")
        self.filter.setPlaceholderText("Filter by file or message")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.filter.installEventFilter(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("problemsSummary")

        self.view = ProblemsView(self)
        self.view.setObjectName("problemsView")
        self.view.setAccessibleName("Data problems")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, QtCore.Qt.SortOrder.AscendingOrder)  # the store's order (file, line) until a click
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        # One line a problem, as in an editor's problem list: the style's default row is nearly twice that.
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 6)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(MESSAGE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(LINE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ORIGIN, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(FILE, 260)
        self.view.doubleClicked.connect(self._open_index)
        self.view.openRequested.connect(self._open_index)
        self.view.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self._menu: QMenu | None = None

        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self._summarize()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Esc empties the filter, as it empties the search box.
        if (
            watched is self.filter
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == QtCore.Qt.Key.Key_Escape
            and self.filter.text()
        ):
            self.filter.clear()
            return True
        return False

    def set_problems(self, problems: Sequence[Problem], folders: Sequence[Path]) -> None:
        self.model.set_problems(problems, folders)
        self._summarize()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._summarize()

    def _summarize(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if not total:
            text = "No problems: everything in the data folders was read."
        elif shown < total:
            text = f"{shown} of {total} problems shown"
        else:
            files = self.model.files()
            text = (
                f"{total} problem{'s' if total != 1 else ''} in {files} file{'s' if files != 1 else ''}; "
                "everything else is loaded. Double-click one to open its file."
            )
        self.summary.setText(text)

    def problem_at(self, index: Index) -> Problem | None:
        if not index.isValid():
            return None
        return self.model.problem(self.proxy.mapToSource(index).row())

    # -- what a row does -------------------------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        problem = self.problem_at(index)
        if problem is not None:
            self.open_file(problem)

    def open_file(self, problem: Problem) -> bool:
        """Open the problem's file in the system's editor; when it has none, say why on the status bar."""
        path = Path(problem.path)
        if path.is_absolute() and path.is_file():
            self._open_url(QUrl.fromLocalFile(str(path)))
            where = f"; the problem is on line {problem.line}" if problem.line else ""
            self.message.emit(f"Opened {path.name} in the system's editor{where}.")
            return True
        self.message.emit(self._no_file(path))
        return False

    @staticmethod
    def _no_file(path: Path) -> str:
        if not path.is_absolute():
            return "This problem names no file: it is about the data as a whole. Nothing to open."
        if path.is_dir():
            return f"This problem is about the folder {path}, not a file: Reveal in folder opens it."
        return f"{path} no longer exists: nothing to open."

    def reveal(self, problem: Problem) -> bool:
        """Open the folder that holds the problem's file (or the folder it is about) in the file manager."""
        path = Path(problem.path)
        folder = path if path.is_dir() else path.parent
        if path.is_absolute() and folder.is_dir():
            self._open_url(QUrl.fromLocalFile(str(folder)))
            return True
        self.message.emit(
            f"{folder} no longer exists." if path.is_absolute() else "This problem names no file or folder."
        )
        return False

    def copy(self, problem: Problem) -> None:
        # The line `almanac validate` prints: it names the file and reads the same wherever it is pasted.
        QApplication.clipboard().setText(str(problem))
        self.message.emit("Copied the problem.")

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            index = self.view.currentIndex()
        problem = self.problem_at(index)
        if problem is None:
            return
        self.view.setCurrentIndex(index)
        if self._menu is not None:
            self._menu.close()
        self._menu = menu = QMenu(self)
        menu.setObjectName("problemsMenu")
        menu.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.destroyed.connect(lambda *_: setattr(self, "_menu", None) if self._menu is menu else None)
        path = Path(problem.path)
        open_action = menu.addAction("&Open file", lambda: self.open_file(problem))
        open_action.setEnabled(path.is_absolute() and path.is_file())
        menu.addAction("&Reveal in folder", lambda: self.reveal(problem)).setEnabled(path.is_absolute())
        menu.addSeparator()
        menu.addAction("&Copy message", lambda: self.copy(problem))
        # popup, not exec: no nested event loop, and a test can reach the menu while it is open.
        menu.popup(self.view.viewport().mapToGlobal(pos))


class ProblemsDock(QDockWidget):
    """Signals: closed() when the reader closes it (its own button), not when the window hides it."""

    closed = Signal()

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()


class ProblemsControls(QObject):
    """Owns the Problems dock of one main window and View → Problems. Signals: message(text) for the status bar.

    The dock is built the first time it is shown: a window that never shows it never builds it.
    """

    message = Signal(str)

    def __init__(
        self, window: QMainWindow, session: StoreSession, open_url: Callable[[QUrl], Any] | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self._open_url = open_url or QDesktopServices.openUrl
        self.panel: ProblemsPanel | None = None
        self.dock: ProblemsDock | None = None
        self.action_problems = QAction("&Problems", window, checkable=True)
        self.action_problems.setObjectName("actionProblems")  # its keys and menu come from the actions table
        self.action_problems.toggled.connect(self.set_visible)
        window.addAction(self.action_problems)
        session.storeChanged.connect(self._show_store)

    def problems_panel(self) -> ProblemsPanel:
        """The panel, built (and docked, hidden) on first use."""
        if self.panel is None:
            self.panel = panel = ProblemsPanel(self._open_url)
            panel.message.connect(self.message)
            self.dock = dock = ProblemsDock("Problems", self.window)
            dock.setObjectName("problemsDock")
            dock.setWidget(panel)
            dock.hide()
            self.window.addDockWidget(QtCore.Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            dock.closed.connect(lambda: self.action_problems.setChecked(False))
            self._show_store(self.session.store)
        return self.panel

    def set_visible(self, visible: bool) -> None:
        """View → Problems: show the dock, or hide it."""
        if self.action_problems.isChecked() != visible:
            self.action_problems.setChecked(visible)  # its toggled signal comes back here
            return
        if visible:
            self.problems_panel()
            assert self.dock is not None
            self.dock.show()
        elif self.dock is not None:
            self.dock.hide()

    def show_dock(self) -> None:
        """The status line's problems button: show the dock, in front, with the list focused."""
        self.set_visible(True)
        panel = self.problems_panel()
        assert self.dock is not None
        self.dock.raise_()
        panel.view.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
        if not panel.view.currentIndex().isValid() and panel.proxy.rowCount():
            panel.view.setCurrentIndex(panel.proxy.index(0, 0))

    def _show_store(self, store: Store) -> None:
        if self.panel is not None:
            self.panel.set_problems(store.problems(), store.folders)

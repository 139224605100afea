"""The small dialogs: keyboard shortcuts, sources and licence, about, and the data folders (adding one, the list).

The data problems are listed in a dock of their own (problems_dock.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_TITLE, __version__
from desktop.core.views import SourceInfo
from desktop.models.store_session import StoreSession
from desktop.ui.data_folders import DataFoldersDialog
from desktop.ui.page_html import esc, safe_url

D = TypeVar("D", bound=QDialog)


def show_once(parent: QWidget, make: Callable[[], D]) -> D:
    """Show a fresh dialog from `make()`, replacing one of the same name still open under `parent`.

    The dialog is deleted when closed, so opening it again and again does not pile dialogs up
    as children of the window (and a replaced one shows the data as it is now, not as it was).
    """
    dialog = make()
    for old in parent.findChildren(QDialog, dialog.objectName()):
        if old is not dialog:
            old.close()
            old.deleteLater()
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def _frame(dialog: QDialog, title: str, body: Any, intro: str = "") -> None:
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    if intro:
        label = QLabel(intro, dialog)
        label.setWordWrap(True)
        layout.addWidget(label)
    layout.addWidget(body)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    buttons.accepted.connect(dialog.accept)
    layout.addWidget(buttons)


class ShortcutsDialog(QDialog):
    def __init__(self, rows: Iterable[tuple[str, str]], parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        rows = list(rows)
        table = QTableWidget(len(rows), 2, self)
        table.setObjectName("shortcutsTable")
        table.setAccessibleName("Keyboard shortcuts")
        table.setHorizontalHeaderLabels(["Action", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (action, keys) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(action))
            table.setItem(r, 1, QTableWidgetItem(keys))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnToContents(1)
        self.table = table
        _frame(self, "Keyboard shortcuts", table)
        self.resize(520, 560)


class SourcesDialog(QDialog):
    def __init__(self, sources: Iterable[SourceInfo], parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourcesDialog")
        browser = QTextBrowser(self)
        browser.setOpenLinks(False)
        browser.setAccessibleName("Sources and licence")
        items = []
        for s in sources:
            url = safe_url(s.url)
            items.append(
                f"<li><b>{esc(s.title)}</b> — {esc(s.publisher)}, {esc(s.license)}<br>"
                f"<span>{esc(url or s.url)}</span></li>"
            )
        browser.setHtml(
            "<p>The facts in this almanac are drawn from these articles and cite them by paragraph. "
            "Their text is not reproduced; summaries are written afresh.</p><ol>" + "".join(items) + "</ol>"
        )
        _frame(self, "Sources and licence", browser)
        self.resize(640, 520)


def about_text() -> str:
    return (
        f"<h3>Security Assistance Almanac {esc(__version__)}</h3>"
        "<p>An offline reference to US security assistance: programs, agencies, laws, countries, "
        "institutions, people and events, each fact dated and sourced.</p>"
        "<p>Built with Python, Qt (PySide6) and SQLite.</p>"
    )


class Dialogs(QObject):
    """Opens the window's small dialogs, one of each at a time, from the session's current store."""

    def __init__(
        self,
        window: QWidget,
        session: StoreSession,
        shortcut_rows: Callable[[], list[tuple[str, str]]],
        open_url: Callable[[QUrl], Any] | None = None,
    ):
        super().__init__(window)
        self.window = window
        self.session = session
        self.shortcut_rows = shortcut_rows
        self.open_url = open_url or QDesktopServices.openUrl  # the file manager, for Reveal; tests pass their own

    @Slot()
    def show_shortcuts(self) -> ShortcutsDialog:
        return show_once(self.window, lambda: ShortcutsDialog(self.shortcut_rows(), self.window))

    @Slot()
    def show_sources(self) -> SourcesDialog:
        return show_once(self.window, lambda: SourcesDialog(self.session.store.sources().values(), self.window))

    @Slot()
    def show_data_folders(self) -> DataFoldersDialog:
        return show_once(
            self.window,
            lambda: DataFoldersDialog(
                self.session, self._pick_folder, self.add_data_folder, self.open_url, self.window
            ),
        )

    def _pick_folder(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self.window, "Add data folder")
        return Path(folder) if folder else None

    @Slot()
    def choose_data_folder(self) -> None:
        folder = self._pick_folder()
        if folder is not None:
            self.add_data_folder(folder)

    def add_data_folder(self, folder: Path) -> bool:
        """Start adding a data folder: its index is built in the background, then shown (and remembered)."""
        if not folder.is_dir():
            QMessageBox.warning(self.window, "Add data folder", f"{folder} is not a folder.")
            return False
        self.session.add_folder(folder.resolve())
        return True

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self.window, f"About {APP_TITLE}", about_text())

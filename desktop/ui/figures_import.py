"""File → Import official figures…: the command line's import, run off the GUI thread.

A CSV file from ForeignAssistance.gov is chosen, imported on the "import" lane of the one
background helper with a progress dialog (rows, MB/s, time left) that can cancel it, and the pack
it writes is added as a data folder like any other. The pack goes in the platform's data folder
(`ALMANAC_DATA_DIR` overrides it), one per downloaded file, so importing a newer download of the
same file replaces the old figures whole.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from desktop.core.user_dirs import DATA_DIR_ENV as DATA_DIR_ENV  # named here too: tests set it by this name
from desktop.core.user_dirs import data_dir
from desktop.models.tasks import Tasks, describe

if TYPE_CHECKING:
    from desktop.importers.foreignassistance import ImportReport

log = logging.getLogger("almanac.import")
STEPS = 1000  # the progress bar's resolution: bytes read are shown in thousandths of the file


def packs_dir() -> Path:
    """Where imported packs are kept: the platform's data folder, unless ALMANAC_DATA_DIR says otherwise."""
    return data_dir() / "packs"


def progress_text(rows: int, done: int, total: int, seconds: float) -> str:
    """ "1,234,000 rows · 85.2 MB/s · about 40 s left" (time left once a rate can be told)."""
    parts = [f"{rows:,} rows"]
    if seconds > 0.2 and done:
        rate = done / seconds
        parts.append(f"{rate / 1e6:.1f} MB/s")
        if total > done:
            left = (total - done) / rate
            parts.append(f"about {left:.0f} s left" if left < 120 else f"about {left / 60:.0f} min left")
    return " · ".join(parts)


class FiguresImport(QObject):
    """Signals: message(text) for the status bar; imported(pack folder) once a pack is written."""

    message = Signal(str)
    imported = Signal(Path)
    _progressed = Signal(int, int, int)  # rows, bytes read, total bytes: from the worker, queued to the GUI

    def __init__(
        self,
        window: QWidget,
        tasks: Tasks,
        add_folder: Callable[[Path], bool],
        data_folders: Callable[[], Sequence[Path]],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.tasks = tasks
        self._add_folder = add_folder  # Callable[[Path], bool]: the window's own way to add a data folder
        self._data_folders = data_folders  # Callable[[], list[Path]]: the folders to match entities against
        self._dialog: QProgressDialog | None = None
        self._cancel = threading.Event()
        self._started = 0.0
        self._progressed.connect(self._show_progress)

    @property
    def running(self) -> bool:
        return self._dialog is not None

    @Slot()
    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Import official figures", "", "ForeignAssistance.gov CSV files (*.csv);;All files (*)"
        )
        if path:
            self.start(Path(path))

    def start(self, path: Path, out: Path | None = None) -> bool:
        """Import `path` into `out` (by default a pack named after the file in `packs_dir()`)."""
        if self.running:
            self.message.emit("An import is already running.")
            return False
        out = out or packs_dir() / path.stem
        folders = list(self._data_folders())
        self._cancel = threading.Event()
        dialog = QProgressDialog(f"Reading {path.name}…", "Cancel", 0, STEPS, self.window)
        dialog.setObjectName("importProgress")
        dialog.setWindowTitle("Import official figures")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self._cancel.set)
        dialog.show()
        self._dialog = dialog
        self._started = time.monotonic()

        def work() -> ImportReport:
            from desktop.importers.foreignassistance import run_import  # DuckDB: only when importing

            return run_import(
                path,
                out,
                data_folders=folders,  # the importer leaves out the pack it replaces
                progress=self._progressed.emit,
                cancelled=self._cancel.is_set,
            )

        self.tasks.run(work, self._done, self._failed, lane="import", what=f"Importing {path.name}")
        return True

    def cancel(self) -> None:
        self._cancel.set()

    @Slot(int, int, int)
    def _show_progress(self, rows: int, done: int, total: int) -> None:
        if self._dialog is None:
            return
        if total > 0:
            self._dialog.setValue(min(STEPS - 1, int(done * STEPS / total)))
        self._dialog.setLabelText(progress_text(rows, done, total, time.monotonic() - self._started))

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.canceled.disconnect(self._cancel.set)  # closing is not cancelling
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None

    def _done(self, report: ImportReport) -> None:
        self._close_dialog()
        self.message.emit(f"Imported {report.figures:,} figures into {report.out}: {report.summary()}")
        self._add_folder(report.out)
        self.imported.emit(report.out)

    def _failed(self, exc: BaseException) -> None:
        from desktop.importers.foreignassistance import Cancelled, ImportFailed

        self._close_dialog()
        if isinstance(exc, Cancelled):
            self.message.emit("Import cancelled: nothing was written.")
            return
        text = str(exc) if isinstance(exc, ImportFailed | ValueError) else describe(exc)
        log.warning("import failed: %s", text)
        QMessageBox.warning(self.window, "Import official figures", f"The figures could not be imported.\n\n{text}")
        self.message.emit(f"Import failed: {text}")

"""Noticing edits to the data folders while the window is open, and rebuilding in the background.

A QFileSystemWatcher reports changed folders and files; after a short quiet
spell (an editor's save is often several writes) the store is reopened on a
worker thread, which rebuilds the index only if the data really changed.
The new store arrives through `storeReady` on the GUI thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot

from desktop.core.store import Store

QUIET_MS = 400
MAX_WATCHED_FILES = 4000  # beyond this only folders are watched: inotify watches are a scarce resource


class DataWatcher(QObject):
    """Signals: storeReady(Store) with a rebuilt store; failed(str) with one line when reloading failed."""

    storeReady = Signal(object)
    failed = Signal(str)
    _done = Signal(object, str)  # from the worker thread to the GUI thread

    def __init__(self, folders: list[Path], reopen: Callable[[], Store], parent: Any = None) -> None:
        super().__init__(parent)
        self._reopen = reopen
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._changed)
        self._watcher.fileChanged.connect(self._changed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(QUIET_MS)
        self._timer.timeout.connect(self._reload)
        self._done.connect(self._on_done)
        self._busy = False
        self._again = False
        self.watch(folders)

    def watch(self, folders: list[Path]) -> None:
        """Watch these folders (and what is in them) instead of the ones before."""
        self._folders = list(folders)
        old = self._watcher.directories() + self._watcher.files()
        if old:
            self._watcher.removePaths(old)
        dirs: list[str] = []
        files: list[str] = []
        for folder in self._folders:
            if not folder.is_dir():
                continue
            for root, subdirs, names in os.walk(folder):
                subdirs[:] = [d for d in subdirs if not d.startswith(".")]
                dirs.append(root)
                # A dangling or looping symlink cannot be watched (Qt warns); its folder still is.
                found = (os.path.join(root, n) for n in names if n.endswith((".yaml", ".yml", ".json")))
                files.extend(p for p in found if os.path.isfile(p))
        paths = dirs + files[:MAX_WATCHED_FILES]
        if paths:
            self._watcher.addPaths(paths)

    @Slot(str)
    def _changed(self, path: str) -> None:
        self._timer.start()

    @Slot()
    def _reload(self) -> None:
        if self._busy:
            self._again = True  # another change came in while rebuilding: go round once more
            return
        self._busy = True
        threading.Thread(target=self._work, name="almanac-reload", daemon=True).start()

    def _work(self) -> None:
        try:
            self._done.emit(self._reopen(), "")
        except Exception as exc:  # reported in the window, never a crash
            self._done.emit(None, f"could not reload the data: {exc}")

    @Slot(object, str)
    def _on_done(self, store: Store | None, error: str) -> None:
        # Back on the GUI thread: hand over the result, pick up new files, and go
        # round once more if something changed during the rebuild.
        self._busy = False
        if store is not None:
            self.watch(store.folders)
            self.storeReady.emit(store)
        else:
            self.failed.emit(error)
        if self._again:
            self._again = False
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        old = self._watcher.directories() + self._watcher.files()
        if old:
            self._watcher.removePaths(old)

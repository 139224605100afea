"""Noticing edits to the data folders while the window is open.

A QFileSystemWatcher reports changed folders and files; after a short quiet
spell (an editor's save is often several writes) `changed` is emitted once,
and the store session reopens the data. Which paths to watch is worked out
on the background helper (a walk of 100,000 files is not for the GUI
thread), following symlinked subfolders as the index does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot

from desktop.core.files import walk
from desktop.models.tasks import Tasks

QUIET_MS = 400
MAX_WATCHED_FILES = 4000  # beyond this only folders are watched: inotify watches are a scarce resource
DATA_SUFFIXES = (".yaml", ".yml", ".json")


def watch_paths(folders: list[Path], max_files: int = MAX_WATCHED_FILES) -> list[str]:
    """The folders (symlinked ones included, each real folder once) and data files to watch under `folders`."""
    dirs: list[str] = []
    files: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for root, names in walk(folder):  # the folders the index reads, each once
            dirs.append(root)
            # A dangling or looping symlink cannot be watched (Qt warns); its folder still is.
            found = (os.path.join(root, n) for n in names if n.endswith(DATA_SUFFIXES))
            files.extend(p for p in found if os.path.isfile(p))
    return dirs + files[:max_files]


class DataWatcher(QObject):
    """Signals: changed() once the data folders have been quiet for QUIET_MS after a change."""

    changed = Signal()

    def __init__(self, tasks: Tasks, parent: Any = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._on_change)
        self._watcher.fileChanged.connect(self._on_change)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(QUIET_MS)
        self._timer.timeout.connect(self.changed)
        self._generation = 0
        self._applied = 0  # the generation whose paths are being watched
        self._stopped = False

    def hold(self) -> None:
        """Not `settled` until the next `watch` has been applied: the window asks for its first one once it
        has been painted, and whoever waits for the watching to start must wait for that."""
        self._generation += 1

    def watch(self, folders: list[Path]) -> None:
        """Watch these folders (and what is in them) instead of the ones before."""
        self._generation += 1
        generation = self._generation
        folders = list(folders)
        self._tasks.run(
            lambda: watch_paths(folders),
            lambda paths: self._set_paths(generation, paths),
            lane="watch",
            what="watching the data folders",
        )

    def _set_paths(self, generation: int, paths: list[str]) -> None:
        if generation != self._generation or self._stopped:
            return
        # Only what changed: a folder watched before and after stays watched throughout, so an edit
        # made while the new list was being worked out is not missed.
        old = set(self.watched())
        wanted = set(paths)
        if gone := old - wanted:
            self._watcher.removePaths(sorted(gone))
        if new := [p for p in paths if p not in old]:
            self._watcher.addPaths(new)
        self._applied = generation

    @property
    def settled(self) -> bool:
        """Whether the paths last asked for are the ones watched (the walk for them has come back)."""
        return self._applied == self._generation

    def watched(self) -> list[str]:
        return self._watcher.directories() + self._watcher.files()

    @Slot(str)
    def _on_change(self, path: str) -> None:
        if not self._stopped:
            self._timer.start()

    def stop(self) -> None:
        self._stopped = True
        self._generation += 1
        self._timer.stop()
        old = self.watched()
        if old:
            self._watcher.removePaths(old)

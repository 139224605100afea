"""The one owner of the window's current Store: opening, reloading, adding and removing data folders.

Everything that reads the data subscribes to `storeChanged` and asks
`session.store`; nothing else opens, swaps or closes a store. Opening runs on
the background helper's "store" lane, one at a time, and every request takes
a new generation number: an answer to a request that a later one has
overtaken (a reload of the old folder set finishing after a folder was
added) is closed unseen. A reopened store replaces the current one whenever
its index differs from the one shown (by fingerprint, not by whether this
open had to build: another process may have built it), and the old store is
closed on every thread that used it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.core.store import Store
from desktop.models.tasks import Tasks, report

log = logging.getLogger("almanac.session")

Opener = Callable[[list[Path]], Store]  # extra data folders -> a store over the base folders plus those


def _fingerprint(store: Store) -> str:
    return store.meta().get("fingerprint", "")


class StoreSession(QObject):
    """Signals:
    storeChanged(Store): the current store was replaced (the old one is already closed).
    reopened(Store): a request finished, whether or not the store was replaced (new folders may
        have appeared without changing the data).
    foldersChanged(list): the extra data folders in use changed (after their index was built).
    busy(str): a one-line status while an index is being built; "" when done.
    failed(str): a one-line message when opening failed (the current store stays).
    """

    storeChanged = Signal(object)
    reopened = Signal(object)
    foldersChanged = Signal(list)
    busy = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        store: Store,
        opener: Opener,
        tasks: Tasks,
        extra: list[Path] | None = None,
        owns_store: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._owns_store = owns_store  # False when the first store is the caller's to close (a shared test index)
        self._opener = opener
        self._tasks = tasks
        self._extra = list(extra or [])  # the extra folders of the store shown
        self._wanted = list(self._extra)  # those of the newest request
        self._generation = 0
        self._shown_fingerprint = _fingerprint(store)
        self._closed = False

    @property
    def store(self) -> Store:
        return self._store

    @property
    def extra_folders(self) -> list[Path]:
        return list(self._extra)

    @property
    def generation(self) -> int:
        return self._generation

    def reload(self) -> int:
        """Reopen the folders (the data changed on disk, or the index went away)."""
        return self._request(list(self._wanted), "Reading the changed data…")

    def add_folder(self, folder: Path) -> int:
        """Add a data folder; it is in use (and `foldersChanged` says so) once its index is built."""
        wanted = [*self._wanted, folder] if folder not in self._wanted else list(self._wanted)
        return self._request(wanted, f"Adding {folder}: building the index…")

    def remove_folder(self, folder: Path) -> int:
        """Stop reading an added data folder (its files are left alone); the data is reopened without it,
        and `foldersChanged` says so once that is shown. A folder not asked for is a plain reload."""
        wanted = [f for f in self._wanted if f != folder]
        return self._request(wanted, f"Removing {folder}: reading the data without it…")

    def _request(self, extra: list[Path], status: str) -> int:
        # Every request starts from the folders last asked for, not the ones shown: a reload that
        # overtakes a folder still being added keeps that folder.
        self._wanted = extra
        self._generation += 1
        generation = self._generation
        self.busy.emit(status)
        shown = self._store

        def work() -> tuple[Store, str, bool] | None:
            if generation != self._generation:
                return None  # overtaken before it began: the newer request does the opening
            # Deleted under us: the rebuilt file is a new one, whatever its fingerprint says.
            gone = not shown.index_present()
            store = self._opener(extra)
            try:
                store.kinds()  # a first read on this worker: an index unusable now fails here, not in a slot
                return store, _fingerprint(store), gone
            except BaseException:
                store.close()
                raise

        self._tasks.run(
            work,
            lambda result: self._opened(generation, extra, result),
            lambda exc: self._failed(generation, exc),
            on_dropped=lambda result: result[0].close() if result else None,  # the window went first
            lane="store",
            what="opening the data",
        )
        return generation

    def _opened(self, generation: int, extra: list[Path], result: tuple[Store, str, bool] | None) -> None:
        if result is None:
            return
        store, fingerprint, gone = result
        if generation != self._generation or self._closed:
            store.close()  # overtaken by a later request: its answer is the one to show
            return
        self.busy.emit("")
        folders_changed = extra != self._extra
        same = fingerprint == self._shown_fingerprint and store.path == self._store.path
        if same and not folders_changed and not gone:
            store.close()  # the very index already shown
            self.reopened.emit(self._store)
            return
        try:
            store.kinds()  # the GUI thread's own connection, opened before any slot reads the store
        except Exception as exc:  # deleted again in between: say so, and go round once more
            store.close()
            self.failed.emit(report(exc, "could not open the data"))
            self.reload()
            return
        old = self._store
        self._store = store
        self._extra = extra
        self._shown_fingerprint = fingerprint
        if self._owns_store:
            old.close()
        self._owns_store = True
        if folders_changed:
            self.foldersChanged.emit(list(extra))
        self.storeChanged.emit(store)
        self.reopened.emit(store)

    def _failed(self, generation: int, exc: BaseException) -> None:
        line = report(exc, "could not open the data")
        if generation != self._generation:
            return
        self._wanted = list(self._extra)  # a folder that could not be added is not asked for again
        self.busy.emit("")
        self.failed.emit(line)

    def close(self) -> None:
        """Close the current store (the window is going away); later answers are dropped (and closed)."""
        self._generation += 1
        self._closed = True
        if self._owns_store:
            self._store.close()

    @property
    def closed(self) -> bool:
        """True once the window using this session has gone: nothing should read the store any more."""
        return self._closed

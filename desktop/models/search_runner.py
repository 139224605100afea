"""Running searches off the GUI thread, newest query first.

Every keystroke hands the runner a query; the runner keeps only the newest
one waiting, interrupts a query still running in SQLite when a newer one
arrives (as Zeal cancels rather than debounces), and reports each finished
query with the generation number it was asked with, so the window can drop
answers to queries the user has already typed past.
"""

from __future__ import annotations

import gc
import sqlite3
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.core.store import Store

NO_HIT_SUGGESTIONS = 5
_heap_frozen = False


def freeze_heap() -> None:
    """Keep what the process holds so far out of the garbage collector's full collections.

    A full collection walks every tracked object while holding the interpreter lock: with the
    window built that is some 45,000 objects and 40–60 ms, and the search thread, which
    allocates the most, is what sets it off, stalling the GUI thread mid-keystroke for that
    long. The window, the modules and the store live as long as the process, so freezing them
    (once, when the first runner starts) costs nothing and leaves full collections only the
    objects made since. Reference counting still frees everything frozen as usual; only
    cycles among these objects are never collected.
    """
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.freeze()


class SearchRunner(QObject):
    """Signals: finished(generation, query, hits, suggestions) — suggestions only when there are no hits."""

    finished = Signal(int, str, list, list)

    def __init__(self, store: Store, limit: int = 100, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._limit = limit
        self._lock = threading.Condition()
        self._pending: tuple[int, str, Store] | None = None
        self._running_conn: sqlite3.Connection | None = None
        self._generation = 0
        self._stopped = False
        freeze_heap()
        self._thread = threading.Thread(target=self._loop, name="almanac-search", daemon=True)
        self._thread.start()

    @property
    def generation(self) -> int:
        return self._generation

    def set_store(self, store: Store) -> None:
        with self._lock:
            self._store = store

    def submit(self, query: str) -> int:
        """Ask for `query`; returns its generation. Any older query still waiting is dropped."""
        with self._lock:
            self._generation += 1
            self._pending = (self._generation, query, self._store)
            if self._running_conn is not None:
                self._running_conn.interrupt()
            self._lock.notify()
            return self._generation

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._running_conn is not None:
                self._running_conn.interrupt()
            self._lock.notify()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while True:
            with self._lock:
                while self._pending is None and not self._stopped:
                    self._lock.wait()
                if self._stopped:
                    return
                generation, query, store = self._pending
                self._pending = None
                self._running_conn = store.conn
            try:
                hits = store.search(query, limit=self._limit)
                suggestions = store.closest(query, NO_HIT_SUGGESTIONS) if not hits and query.strip() else []
            except sqlite3.OperationalError:
                continue  # interrupted by a newer query, or the index went away: the next one answers
            finally:
                with self._lock:
                    self._running_conn = None
            if not self._stopped:
                self.finished.emit(generation, query, hits, suggestions)

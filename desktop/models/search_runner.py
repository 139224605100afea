"""Running searches off the GUI thread, newest query first.

Every keystroke hands the runner a query. Queries run on the background
helper's "search" lane, one at a time; a query that a newer one has overtaken
is skipped before it starts, and one still running in SQLite is interrupted
(as Zeal cancels rather than debounces). Each answer, or error, carries the
generation number it was asked with, so the window drops answers to queries
the user has already typed past. An error never stops later queries.

An answer carries the full-text snippets of its first FIRST_SNIPPETS hits
only: FTS5 reads every column of a row to make its snippet, most of what a
short prefix costs, and the list shows a screenful at first. The rest come
from `make_snippets` when the list scrolls to them (`snippetsMade`).
"""

from __future__ import annotations

import gc
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.core.store import Store
from desktop.models.tasks import Tasks, is_interrupt, report

NO_HIT_SUGGESTIONS = 5
RESULT_LIMIT = 100  # one limit for every answer the window shows
FIRST_SNIPPETS = 30  # hits whose snippets come with the answer: more rows than a list shows at once
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
    """Signals: finished(generation, query, hits, suggestions) — suggestions only when there are no hits;
    snippetsMade(generation, query, hits) — the same hits, every snippet made (see make_snippets);
    failed(generation, query, message) — one line, for the newest query only."""

    finished = Signal(int, str, list, list)
    snippetsMade = Signal(int, str, list)
    failed = Signal(int, str, str)

    def __init__(
        self,
        store: Store,
        tasks: Tasks | None = None,
        limit: int = RESULT_LIMIT,
        parent: Any = None,
        snippets: int | None = FIRST_SNIPPETS,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._own_tasks = tasks is None
        self._tasks = tasks if tasks is not None else Tasks(self)
        self._limit = limit
        self._snippets = snippets
        self._asked: tuple[int, str, Store, str | None] | None = None  # the newest query: generation, text, store, kind
        self._making = 0  # the generation whose left-out snippets are being made
        self._lock = threading.Lock()
        # The store and worker thread of the query running now: interrupted through the store, which
        # knows whether that thread's connection is still open (a raw connection may be closed under us).
        self._running: tuple[Store, threading.Thread] | None = None
        self._generation = 0
        freeze_heap()

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def limit(self) -> int:
        return self._limit

    def set_store(self, store: Store) -> None:
        self._store = store

    def submit(self, query: str, kind: str | None = None, snippets: int | None = None) -> int:
        """Ask for `query` (among entities of `kind`, if given); returns its generation. Any older query
        is skipped or interrupted. `snippets`: how many hits bring their snippets (the rows the list
        shows at once), if more than the runner's own number."""
        self._generation += 1
        generation, store = self._generation, self._store
        self._asked = (generation, query, store, kind)
        self._interrupt()
        first = self._snippets if self._snippets is None or snippets is None else max(self._snippets, snippets)
        self._tasks.run(
            lambda: self._work(generation, query, store, kind, first),
            lambda answer: self._answered(generation, query, answer),
            lambda exc: self._failed(generation, query, exc),
            lane="search",
            what="search",
        )
        return generation

    def make_snippets(self, generation: int) -> None:
        """Make the snippets answer `generation` left out (its rows have come into view): snippetsMade follows,
        unless a newer query is asked first. Asked again for the same answer, it does nothing."""
        asked = self._asked
        if asked is None or asked[0] != generation or self._making == generation:
            return
        self._making = generation
        _, query, store, kind = asked
        self._tasks.run(
            lambda: self._work(generation, query, store, kind, None),
            lambda answer: self._snippets_made(generation, query, answer),
            lambda exc: self._snippets_failed(generation, exc),
            lane="search",
            what="search",
        )

    def _work(
        self, generation: int, query: str, store: Store, kind: str | None, snippets: int | None
    ) -> tuple[list, list] | None:
        if generation != self._generation:
            return None  # a newer query is waiting behind this one
        with self._lock:
            self._running = (store, threading.current_thread())
        try:
            hits = store.search(query, kind=kind, limit=self._limit, snippets=snippets)
            suggestions = store.closest(query, NO_HIT_SUGGESTIONS) if not hits and query.strip() else []
        finally:
            with self._lock:
                self._running = None
        return hits, suggestions

    def _interrupt(self) -> None:
        with self._lock:
            running = self._running
        if running is not None:
            store, thread = running
            store.interrupt(thread)

    def _answered(self, generation: int, query: str, answer: tuple[list, list] | None) -> None:
        if answer is not None and generation == self._generation:
            self.finished.emit(generation, query, *answer)

    def _snippets_made(self, generation: int, query: str, answer: tuple[list, list] | None) -> None:
        if answer is not None and generation == self._generation:
            self.snippetsMade.emit(generation, query, answer[0])

    def _failed(self, generation: int, query: str, exc: BaseException) -> None:
        if generation != self._generation or is_interrupt(exc):
            return  # overtaken: the newer query answers
        self.failed.emit(generation, query, report(exc, "search"))

    def _snippets_failed(self, generation: int, exc: BaseException) -> None:
        # The answer on show stays: its rows lack only the snippets not yet made. Logged, not shown as a
        # failed search (which would empty the list); the next answer asks again.
        if self._making == generation:
            self._making = 0
        if not is_interrupt(exc):
            report(exc, "making the rest of the snippets")

    def stop(self) -> None:
        """Interrupt a running query; with a helper of its own, also join its worker."""
        self._generation += 1
        self._interrupt()
        if self._own_tasks:
            self._tasks.shutdown()

"""The one way to run work off the GUI thread: a result or an error, delivered on the GUI thread.

On the lines of Picard's `run_task`: `Tasks.run(fn, on_result, on_error)` runs
`fn` on a worker of a named lane and calls back on the GUI thread with either
its result or the exception it raised. Each lane has one worker, so work in a
lane runs in the order asked (the search lane never runs two queries at once,
the store lane never two builds). Errors follow one policy: logged under
`almanac.tasks` (with the traceback when `ALMANAC_DEBUG=1`, else one line),
handed to `on_error` when the caller gave one, else announced through
`failed(str)` as one line for the status bar. Known SQLite errors are told
apart from bugs by their error code, never by matching message text.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from desktop.core.debug import DEBUG_ENV, debugging
from desktop.core.store import IndexMissing, StoreError

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger("almanac.tasks")

# SQLite primary result codes (the low byte of sqlite_errorcode) that come from the world, not from a bug.
_SQLITE_KNOWN = {
    5: "the index is busy (locked by another process)",  # SQLITE_BUSY
    6: "the index is locked",  # SQLITE_LOCKED
    7: "out of memory",  # SQLITE_NOMEM
    8: "the index is read-only",  # SQLITE_READONLY
    9: "interrupted",  # SQLITE_INTERRUPT
    10: "disk I/O error",  # SQLITE_IOERR
    11: "the index file is damaged",  # SQLITE_CORRUPT
    13: "the disk is full",  # SQLITE_FULL
    14: "the index file could not be opened",  # SQLITE_CANTOPEN
    26: "the index file is not a database",  # SQLITE_NOTADB
}
SQLITE_INTERRUPT = 9


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of `exc`, or None when it carries none."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_interrupt(exc: BaseException) -> bool:
    """Whether `exc` is SQLite saying a query was interrupted (by a newer one, or at shutdown)."""
    return isinstance(exc, sqlite3.Error) and sqlite_code(exc) == SQLITE_INTERRUPT


def is_known(exc: BaseException) -> bool:
    """Whether `exc` comes from the world (files, disk, locks) rather than from a bug."""
    if isinstance(exc, sqlite3.Error):
        return sqlite_code(exc) in _SQLITE_KNOWN
    return isinstance(exc, (OSError, StoreError))


def describe(exc: BaseException) -> str:
    """One line for a person: what went wrong, without a traceback."""
    if isinstance(exc, sqlite3.Error) and (code := sqlite_code(exc)) in _SQLITE_KNOWN:
        return _SQLITE_KNOWN[code]
    if isinstance(exc, StoreError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def report(exc: BaseException, what: str) -> str:
    """Log `exc` by the one policy and return the one line to show."""
    line = f"{what}: {describe(exc)}"
    if debugging() or not is_known(exc):
        # A bug: its traceback is what a report needs. Known failures get it only when debugging.
        log.error(line, exc_info=(type(exc), exc, exc.__traceback__) if debugging() else None)
        if not debugging():
            log.error("(set %s=1 for the full traceback)", DEBUG_ENV)
    else:
        log.warning(line)
    return line


class Task:
    """A handle on one piece of work: `cancel()` drops its answer (the work itself may still run)."""

    __slots__ = ("cancelled", "what")

    def __init__(self, what: str) -> None:
        self.what = what
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Tasks(QObject):
    """Runs functions on worker lanes and calls back on the GUI thread.

    Signals: failed(str) — one line, for a task that failed and had no on_error of its own;
    indexMissing() — a task found the index deleted under it: the store's owner reopens it.
    """

    failed = Signal(str)
    indexMissing = Signal()
    _delivered = Signal(object)  # from a worker thread to the GUI thread: (task, call, drop)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lanes: dict[str, ThreadPoolExecutor] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._delivered.connect(self._deliver)

    def run(
        self,
        fn: Callable[[], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        on_dropped: Callable[[Any], None] | None = None,
        lane: str = "work",
        what: str = "background work",
    ) -> Task:
        """Run `fn()` on `lane`; then, on the GUI thread, `on_result(value)` or the error policy.

        A value nobody will receive (the task was cancelled, or the helper shut down, first) goes to
        `on_dropped` on the worker, so that what it holds (an open store) can be let go of.
        """
        task = Task(what)
        with self._lock:
            if self._closed:
                task.cancel()
                return task
            pool = self._lanes.get(lane)
            if pool is None:
                # Imported with the first lane: a window whose first paint runs no work does without it.
                from concurrent.futures import ThreadPoolExecutor

                pool = self._lanes[lane] = ThreadPoolExecutor(1, thread_name_prefix=f"almanac-{lane}")
            pool.submit(self._work, task, fn, on_result, on_error, on_dropped)
        return task

    def _work(
        self,
        task: Task,
        fn: Callable[[], Any],
        on_result: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_dropped: Callable[[Any], None] | None,
    ) -> None:
        if task.cancelled:
            return
        try:
            value = fn()
        except BaseException as exc:  # every failure reaches the GUI thread; none kills the lane
            error = exc  # `exc` is unbound when the except block ends, before the callback runs
            self._post(task, lambda: self._fail(task, error, on_error), None)
            return
        drop = (lambda: self._drop(task, on_dropped, value)) if on_dropped is not None else None
        self._post(task, (lambda: on_result(value)) if on_result is not None else None, drop)

    def _post(self, task: Task, call: Callable[[], None] | None, drop: Callable[[], None] | None) -> None:
        """Hand `call` to the GUI thread; when nobody will take it, `drop` lets go of what it holds."""
        if call is not None and not (task.cancelled or self._closed):
            try:
                self._delivered.emit((task, call, drop))
                return
            except RuntimeError:  # the Tasks object was deleted while the work ran: nobody to tell
                pass
        if drop is not None:
            drop()

    @staticmethod
    def _drop(task: Task, on_dropped: Callable[[Any], None], value: Any) -> None:
        try:
            on_dropped(value)
        except Exception as exc:
            log.warning("%s: letting go of a result nobody took: %s", task.what, describe(exc))

    @Slot(object)
    def _deliver(self, item: tuple[Task, Callable[[], None], Callable[[], None] | None]) -> None:
        task, call, drop = item
        if task.cancelled or self._closed:
            if drop is not None:
                drop()  # cancelled, or shut down, after it was posted
            return
        try:
            call()
        except Exception as exc:  # a callback's own bug is reported like a task's (slots it signals report their own)
            self.failed.emit(report(exc, f"{task.what} (while showing its result)"))

    def _fail(self, task: Task, exc: BaseException, on_error: Callable[[BaseException], None] | None) -> None:
        if isinstance(exc, IndexMissing):
            self.indexMissing.emit()  # whoever asked, the cure is the same: reopen the data
        if on_error is not None:
            on_error(exc)
            return
        self.failed.emit(report(exc, task.what))

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking work, drop every answer not yet delivered, and (by default) join the workers."""
        with self._lock:
            self._closed = True
            pools = list(self._lanes.values())
        for pool in pools:
            pool.shutdown(wait=wait, cancel_futures=True)

    @property
    def closed(self) -> bool:
        return self._closed

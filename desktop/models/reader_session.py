"""The window's one owner of the reader's own data (core/reader_data.py): bookmarks, notes, history, tabs.

Every call goes through here so that a failure (a read-only folder, a full disk) becomes one line
on the status bar, never a traceback, and the window goes on without the feature rather than
stopping. Another window (or process) writing the same file is noticed by polling the file's
data version, which costs one cheap pragma: `changed` then tells the bookmarks menu, the panel and
the notes pane to read again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop.core.reader_data import (
    HOME,
    BookmarkItem,
    ImportSummary,
    NoteHit,
    ReaderData,
    ReaderDataError,
    TabState,
    Visit,
)

log = logging.getLogger("almanac.reader")
T = TypeVar("T")
POLL_MS = 2000  # how often another window's writes are looked for


class ReaderSession(QObject):
    """Signals: changed() when bookmarks, notes or history changed (here or in another window);
    message(text) for the status bar."""

    changed = Signal()
    message = Signal(str)

    def __init__(self, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data: ReaderData | None = None
        self.problem = ""  # why there is no reader data, when there is none
        try:
            self.data = ReaderData(path)
        except ReaderDataError as exc:
            self.problem = f"Bookmarks, notes and history are off: {exc}"
            log.warning("%s", self.problem)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.look_for_changes)
        if self.data is not None:
            self._poll.start()

    @property
    def notice(self) -> str:
        """What the reader must be told at start: a damaged file set aside, a newer file read-only, or
        no reader data at all."""
        return self.problem or (self.data.notice if self.data is not None else "")

    @property
    def writable(self) -> bool:
        return self.data is not None and not self.data.read_only

    def close(self) -> None:
        self._poll.stop()
        if self.data is not None:
            self.data.close()
            self.data = None

    @Slot()
    def look_for_changes(self) -> None:
        if self._call(lambda d: d.changed(), False):
            self.changed.emit()

    def _call(self, fn: Callable[[ReaderData], T], default: T, wrote: bool = False) -> T:
        """`fn(data)`, or `default` (and the reason on the status bar) when it cannot be done."""
        if self.data is None:
            return default
        try:
            result = fn(self.data)
        except ReaderDataError as exc:
            self.message.emit(str(exc))
            return default
        if wrote:
            self.changed.emit()
        return result

    def _act(self, fn: Callable[[ReaderData], None]) -> bool:
        """A write that returns nothing: True once done, False when it could not be."""

        def done(data: ReaderData) -> bool:
            fn(data)
            return True

        return self._call(done, False, wrote=True)

    # -- bookmarks ----------------------------------------------------------------------

    def bookmarks(self) -> tuple[BookmarkItem, ...]:
        return self._call(lambda d: d.bookmarks(), ())

    def is_bookmarked(self, entity_id: str) -> bool:
        return self._call(lambda d: d.is_bookmarked(entity_id), False)

    def toggle_bookmark(self, entity_id: str, title: str) -> bool | None:
        """True: now bookmarked; False: no longer; None: could not be done (the status bar says why)."""
        return self._call(lambda d: d.toggle_bookmark(entity_id, title), None, wrote=True)

    def add_bookmark(self, entity_id: str, title: str, folder: int | None = None) -> int | None:
        return self._call(lambda d: d.add_bookmark(entity_id, title, folder), None, wrote=True)

    def add_folder(self, title: str, parent: int | None = None) -> int | None:
        return self._call(lambda d: d.add_folder(title, parent), None, wrote=True)

    def rename(self, item_id: int, title: str) -> bool:
        return self._act(lambda d: d.rename(item_id, title))

    def move(self, item_id: int, folder: int | None, position: int) -> bool:
        return self._act(lambda d: d.move(item_id, folder, position))

    def remove(self, item_id: int) -> bool:
        return self._call(lambda d: d.remove(item_id), False, wrote=True)

    def export_bookmarks(self) -> str | None:
        return self._call(lambda d: d.export_bookmarks(), None)

    def import_bookmarks(self, text: str | bytes) -> ImportSummary | None:
        return self._call(lambda d: d.import_bookmarks(text), None, wrote=True)

    # -- notes --------------------------------------------------------------------------

    def note(self, entity_id: str) -> str:
        return self._call(lambda d: d.note(entity_id), "")

    def set_note(self, entity_id: str, text: str) -> bool:
        return self._act(lambda d: d.set_note(entity_id, text))

    def search_notes(self, query: str, limit: int = 20) -> list[NoteHit]:
        return self._call(lambda d: d.search_notes(query, limit), [])

    def notes_markdown(self, names: Mapping[str, str] | Callable[[str], str | None]) -> str | None:
        return self._call(lambda d: d.notes_markdown(names), None)

    # -- history and tabs ---------------------------------------------------------------

    def record_visit(self, target: str | None, title: str) -> None:
        self._call(lambda d: d.record_visit(target or HOME, title or "Home"), None)

    def history(self, limit: int = 100) -> list[Visit]:
        return self._call(lambda d: d.history(limit), [])

    def clear_history(self) -> bool:
        return self._act(lambda d: d.clear_history())

    def save_tabs(self, tabs: Sequence[tuple[list[str | None], int]], current: int) -> None:
        states = [TabState(tuple(t or HOME for t in items), max(position, 0)) for items, position in tabs if items]
        if states:
            self._call(lambda d: d.save_tabs(states, max(0, min(current, len(states) - 1))), None)

    def tabs(self) -> tuple[list[tuple[list[str | None], int]], int]:
        """The tabs of the last run, each as its pages (None for Home) and the index of the one shown."""
        nothing: tuple[list[TabState], int] = ([], 0)
        states, current = self._call(lambda d: d.tabs(), nothing)
        return [([None if t == HOME else t for t in s.targets], s.position) for s in states], current

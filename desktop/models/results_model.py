"""The ranked search results shown in place of the tree while a query is typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Signal

from desktop.core.search import SNIPPET_LATER
from desktop.core.views import HIGHLIGHT_END, HIGHLIGHT_START, Hit
from desktop.models.roles import (
    ACCESSIBLE_DESCRIPTION_ROLE,
    ACCESSIBLE_TEXT_ROLE,
    DECORATION_ROLE,
    DISPLAY_ROLE,
    TOOLTIP_ROLE,
    Role,
)

Index = QModelIndex | QPersistentModelIndex


NOTE_PHASE = "notes"  # a hit in the reader's own notes, not in the data (Hit.phase)
NOTE_LABEL = "Your note"


def snippet_html(snippet: str) -> str:
    """The snippet escaped for HTML, with the store's match marks turned into <b>."""
    import html  # not before the first results: its table of entities is a cost at start-up

    return html.escape(snippet).replace(HIGHLIGHT_START, "<b>").replace(HIGHLIGHT_END, "</b>")


def tooltip_html(text: str) -> str:
    """Plain text as a rich-text tooltip: Qt renders a tooltip that looks like markup as HTML,
    so data must be escaped, and then marked as rich text so the escapes are not shown."""
    import html  # not before the first tooltip: its table of entities is a cost at start-up

    return "<qt>" + html.escape(text, quote=False).replace("\n", "<br>") + "</qt>"


def snippet_runs(snippet: str) -> list[tuple[str, bool]]:
    """The snippet split at the store's match marks: (text, is_match) in order."""
    runs: list[tuple[str, bool]] = []
    for i, part in enumerate(snippet.split(HIGHLIGHT_START)):
        if i == 0:
            runs.append((part, False))
            continue
        match, _, rest = part.partition(HIGHLIGHT_END)
        runs += [(match, True), (rest, False)]
    return [(text, bold) for text, bold in runs if text]


def _left_out(hit: Hit) -> bool:
    return hit.phase == "text" and hit.snippet == SNIPPET_LATER


class SearchResultsModel(QAbstractListModel):
    """Hits for the current query, best first.

    Signal: snippetsWanted() — a row whose snippet the answer left out is being shown (see
    search_runner): once an answer, until fill_snippets brings them.
    """

    snippetsWanted = Signal()

    def __init__(
        self,
        icon_for: Callable[[str], Any] | None = None,
        kind_labels: dict[str, str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._icon_for = icon_for or (lambda kind: None)
        self._kind_labels = kind_labels or {}
        self._hits: list[Hit] = []
        self._later: set[int] = set()  # rows whose full-text snippet is still to come
        self._wanted = False
        self.query = ""

    def set_kind_labels(self, labels: dict[str, str]) -> None:
        self._kind_labels = labels

    def set_hits(self, query: str, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.query = query
        self._hits = list(hits)
        self._later = {row for row, hit in enumerate(self._hits) if _left_out(hit)}
        self._wanted = False
        self.endResetModel()

    def snippet_later(self, row: int) -> bool:
        """Whether the row's snippet is still to come."""
        return row in self._later

    def want_snippets(self) -> None:
        """A row whose snippet is to come is on show: ask for them (once an answer)."""
        if self._later and not self._wanted:
            self._wanted = True
            self.snippetsWanted.emit()

    def fill_snippets(self, query: str, hits: list[Hit]) -> None:
        """Give the rows whose snippets were to come those of `hits` (the same answer, every snippet made)."""
        if query != self.query or not self._later:
            return
        made = {hit.id: hit for hit in hits if not _left_out(hit)}
        filled = [row for row in sorted(self._later) if self._hits[row].id in made]
        for row in filled:
            self._hits[row] = made[self._hits[row].id]
        self._later.difference_update(filled)
        if filled:
            self.dataChanged.emit(self.index(filled[0], 0), self.index(filled[-1], 0))

    def clear(self) -> None:
        self.set_hits("", [])

    def hit(self, row: int) -> Hit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def row_text(self, row: int) -> tuple[str, str, str, str] | None:
        """(name, kind, kind label, marked snippet) of a row in one call, for the delegate.

        The result list is repainted after every keystroke: reading a row through four
        data() calls, each a trip from C++ into Python, was a fifth of drawing it.
        """
        if not 0 <= row < len(self._hits):
            return None
        hit = self._hits[row]
        return hit.name, hit.kind, self.label_of(hit), hit.snippet

    def label_of(self, hit: Hit) -> str:
        """What a row says it is: the entity's kind, or the reader's own note on it."""
        return NOTE_LABEL if hit.phase == NOTE_PHASE else self._kind_labels.get(hit.kind, hit.kind)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == DISPLAY_ROLE:
            return hit.name
        if role == DECORATION_ROLE:
            return self._icon_for(hit.kind)
        if role == TOOLTIP_ROLE:
            return tooltip_html(hit.marked("", ""))
        if role == ACCESSIBLE_DESCRIPTION_ROLE:
            return hit.marked("", "")
        if role == ACCESSIBLE_TEXT_ROLE:
            return f"{hit.name}, {self.label_of(hit)}"
        if role == Role.ENTITY_ID:
            return hit.id
        if role == Role.KIND:
            return hit.kind
        if role == Role.KIND_LABEL:
            return self.label_of(hit)
        if role == Role.SNIPPET:
            return snippet_html(hit.snippet)
        if role == Role.SNIPPET_RUNS:
            return snippet_runs(hit.snippet)
        if role == Role.SCORE:
            return hit.score
        return None

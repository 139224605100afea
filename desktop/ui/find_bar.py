"""Find in page: a small bar under the detail pane (Ctrl+F, Enter/F3 next, Shift+Enter previous, Esc closes).

Every match on the page is found at once and highlighted; the bar says which one is current ("3 of
12"), a toggle makes the search case-sensitive, and the current match is scrolled towards the middle
of the pane, where the eye looks, rather than to its bottom edge.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QTextBrowser, QTextEdit, QToolButton, QWidget

MAX_MATCHES = 5000  # past this the bar says "5,000+": a page that long needs a narrower word, not more yellow
_ALL = QColor(255, 226, 84, 150)  # every match: a light marker yellow, readable in both themes
_CURRENT = QColor(255, 150, 30, 220)  # the current one, stronger


class FindBar(QWidget):
    def __init__(self, view: QTextBrowser, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self._view = view
        self._matches: list[tuple[int, int]] = []  # (start, end) of each match, in page order
        self._current = -1  # index into _matches; -1: none chosen yet
        self._stale = True  # the matches are for other words, another page or another case setting
        self.field = QLineEdit(self)
        self.field.setObjectName("findField")
        self.field.setAccessibleName("Find in page")
        self.field.setPlaceholderText("Find in page")
        self.field.setClearButtonEnabled(True)
        self.case = QCheckBox("Match case", self)
        self.case.setObjectName("findCase")
        self.case.setAccessibleName("Match case")
        self.status = QLabel(self)
        self.status.setObjectName("findStatus")
        prev_button = QToolButton(self)
        prev_button.setText("Previous")
        prev_button.setAccessibleName("Previous match")
        next_button = QToolButton(self)
        next_button.setText("Next")
        next_button.setAccessibleName("Next match")
        close_button = QToolButton(self)
        close_button.setText("Close")
        close_button.setAccessibleName("Close find bar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for w in (self.field, prev_button, next_button, self.case, self.status):
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addWidget(close_button)
        self.field.textEdited.connect(self._incremental)
        # Enter and Shift+Enter are handled in keyPressEvent (the field passes them on): returnPressed
        # fires for Shift+Enter too, which would find the next match before going back to the previous.
        next_button.clicked.connect(self.find_next)
        prev_button.clicked.connect(self.find_previous)
        close_button.clicked.connect(self.close_bar)
        self.case.toggled.connect(self._case_toggled)
        view.textChanged.connect(self._page_changed)
        self.hide()

    def set_view(self, view: QTextBrowser) -> None:
        """Search another page (the tab now on show): its matches are found afresh."""
        if view is self._view:
            return
        self._view.setExtraSelections([])
        self._view.textChanged.disconnect(self._page_changed)
        self._view = view
        view.textChanged.connect(self._page_changed)
        self._page_changed()

    # -- opening and closing ------------------------------------------------------------

    def open_bar(self) -> None:
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()
        if self.field.text():
            self._refresh(keep_place=True)

    @Slot()
    def close_bar(self) -> None:
        self.hide()
        self._view.setExtraSelections([])
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- finding ------------------------------------------------------------------------

    @property
    def matches(self) -> list[tuple[int, int]]:
        """Where each match is on the page, (start, end) in document positions."""
        return list(self._matches)

    @property
    def current(self) -> int:
        """The index of the current match in `matches`; -1 when there is none."""
        return self._current

    @Slot(str)
    def _incremental(self, text: str) -> None:
        """Each key typed: the first match at or after where the last one began."""
        self._refresh(keep_place=True)

    @Slot(bool)
    def _case_toggled(self, _: bool) -> None:
        self._refresh(keep_place=True)

    @Slot()
    def _page_changed(self) -> None:
        """A new page: its matches are found afresh, none chosen yet (Enter goes to the first)."""
        self._stale = True
        if self.isVisible() and self.field.text():
            self._refresh(keep_place=False)

    @Slot()
    def find_next(self) -> bool:
        return self._step(+1)

    @Slot()
    def find_previous(self) -> bool:
        return self._step(-1)

    def _step(self, by: int) -> bool:
        if self._stale:
            self._collect()
        if not self._matches:
            self._show_status()
            return False
        if self._current < 0:
            self._go(0 if by > 0 else len(self._matches) - 1)
        else:  # wrapping around at either end
            self._go((self._current + by) % len(self._matches))
        return True

    def _refresh(self, keep_place: bool) -> None:
        """Find every match again; go to the first at or after the current selection, if `keep_place`."""
        start = self._view.textCursor().selectionStart()
        self._collect()
        if keep_place and self._matches:
            later = [n for n, (at, _) in enumerate(self._matches) if at >= start]
            self._go(later[0] if later else 0)
        else:
            self._paint()
            self._show_status()

    def _collect(self) -> None:
        text = self.field.text()
        self._matches, self._current, self._stale = [], -1, False
        if not text:
            return
        flags = QTextDocument.FindFlag.FindCaseSensitively if self.case.isChecked() else QTextDocument.FindFlag(0)
        document = self._view.document()
        cursor = document.find(text, 0, flags)
        while not cursor.isNull() and len(self._matches) < MAX_MATCHES:
            self._matches.append((cursor.selectionStart(), cursor.selectionEnd()))
            cursor = document.find(text, cursor, flags)

    def _go(self, index: int) -> None:
        self._current = index
        start, end = self._matches[index]
        cursor = QTextCursor(self._view.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self._view.setTextCursor(cursor)
        self._centre(cursor)
        self._paint()
        self._show_status()

    def _centre(self, cursor: QTextCursor) -> None:
        """Scroll so that the match sits in the middle of the pane (as far as the page allows)."""
        rect = self._view.cursorRect(cursor)
        bar = self._view.verticalScrollBar()
        bar.setValue(bar.value() + rect.center().y() - self._view.viewport().height() // 2)

    def _paint(self) -> None:
        """Mark every match, the current one stronger."""
        document = self._view.document()
        selections = []
        for n, (start, end) in enumerate(self._matches):
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(document)
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            marked = QTextCharFormat()
            marked.setBackground(_CURRENT if n == self._current else _ALL)
            marked.setForeground(QColor("black"))  # dark on yellow in the dark theme too
            selection.format = marked
            selections.append(selection)
        self._view.setExtraSelections(selections)

    def _show_status(self) -> None:
        count = len(self._matches)
        if not self.field.text():
            text = ""
        elif not count:
            text = "Not found"
        else:
            total = f"{count:,}+" if count >= MAX_MATCHES else f"{count:,}"
            if self._current < 0:
                text = f"{total} match{'es' if count != 1 else ''}"
            else:
                text = f"{self._current + 1:,} of {total}"
        self.status.setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
        elif event.matches(QKeySequence.StandardKey.FindPrevious) or (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.find_previous()
        elif event.matches(QKeySequence.StandardKey.FindNext) or event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.find_next()
        else:
            super().keyPressEvent(event)

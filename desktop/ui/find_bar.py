"""Find in page: a small bar under the detail pane (Ctrl+F, Enter/F3 next, Shift+Enter previous, Esc closes)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextBrowser, QToolButton, QWidget


class FindBar(QWidget):
    def __init__(self, view: QTextBrowser, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self._view = view
        self.field = QLineEdit(self)
        self.field.setObjectName("findField")
        self.field.setAccessibleName("Find in page")
        self.field.setPlaceholderText("Find in page")
        self.field.setClearButtonEnabled(True)
        self.status = QLabel(self)
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
        for w in (self.field, prev_button, next_button, self.status):
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addWidget(close_button)
        self.field.textEdited.connect(self._incremental)
        # Enter and Shift+Enter are handled in keyPressEvent (the field passes them on): returnPressed
        # fires for Shift+Enter too, which would find the next match before going back to the previous.
        next_button.clicked.connect(self.find_next)
        prev_button.clicked.connect(self.find_previous)
        close_button.clicked.connect(self.close_bar)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    @Slot()
    def close_bar(self) -> None:
        self.hide()
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(str)
    def _incremental(self, text: str) -> None:
        cursor = self._view.textCursor()
        cursor.setPosition(cursor.selectionStart())
        self._view.setTextCursor(cursor)
        self._find(QTextDocument.FindFlag(0))

    @Slot()
    def find_next(self) -> bool:
        return self._find(QTextDocument.FindFlag(0))

    @Slot()
    def find_previous(self) -> bool:
        return self._find(QTextDocument.FindFlag.FindBackward)

    def _find(self, flags: QTextDocument.FindFlag) -> bool:
        text = self.field.text()
        if not text:
            self.status.clear()
            return False
        found = self._view.find(text, flags)
        if not found:  # wrap around once
            cursor = self._view.textCursor()
            cursor.movePosition(
                cursor.MoveOperation.End if flags & QTextDocument.FindFlag.FindBackward else cursor.MoveOperation.Start
            )
            self._view.setTextCursor(cursor)
            found = self._view.find(text, flags)
        self.status.setText("" if found else "Not found")
        return found

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

"""The reader's note on the page on show: a pane under the page that saves as you type.

A note is written to the reader's store half a second after the typing stops, and at once when
another page is shown, the window closes or the pane loses focus, so that nothing typed is lost to
a crash more than a moment old. A note another window saved is shown here when this window has
nothing unsaved of its own for that page (what the reader is typing is never replaced).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

# `Qt` only as `QtCore.Qt`, in code that runs after the first paint: see qt_enums.py.
from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from desktop.models.reader_session import ReaderSession

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent

SAVE_AFTER_MS = 500


class NotesPane(QWidget):
    """Signals: saved(entity id) after a note was written (the page shows notes, so it is drawn again)."""

    saved = Signal(str)
    appeared = Signal()  # shown again (it hides on Home): the window gives it its height

    def __init__(self, reader: ReaderSession, name_of: Callable[[str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notesPane")
        self.reader = reader
        self._name_of = name_of
        self._entity: str | None = None
        self._dirty = False
        self._wanted = True  # View → Notes is ticked: the pane shows whenever an entity's page does
        self.title = QLabel(self)
        self.title.setObjectName("notesTitle")
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("notesEdit")
        self.edit.setAccessibleName("Your note")
        self.edit.installEventFilter(self)
        self.status = QLabel(self)
        self.status.setObjectName("notesStatus")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_AFTER_MS)
        self._timer.timeout.connect(self.save)
        self.edit.textChanged.connect(self._typed)
        reader.changed.connect(self._changed_elsewhere)
        self.show_entity("")

    @property
    def entity(self) -> str | None:
        return self._entity

    @Slot(str)
    def show_entity(self, entity_id: str) -> None:
        """The note of the page now on show (Home has none); what was typed on the last page is saved first."""
        if entity_id == (self._entity or ""):
            return
        self.save()
        self._entity = entity_id or None
        self.setVisible(self._wanted and bool(entity_id))  # Home has no note: the page takes the room
        usable = bool(entity_id) and self.reader.writable
        self.edit.setEnabled(usable)
        if not entity_id:
            self.title.setText("Your note")
            self.edit.setPlaceholderText("Open an entity to write a note on it.")
        else:
            self.title.setText(f"Your note on {self._name_of(entity_id)}")
            self.edit.setPlaceholderText(
                "Write a note on this page: it is saved as you type, kept apart from the data, and found by search."
                if usable
                else "Notes are off: " + (self.reader.notice or "the reader's file cannot be written.")
            )
        self._load()

    def _load(self) -> None:
        text = self.reader.note(self._entity) if self._entity else ""
        self.edit.blockSignals(True)
        try:
            self.edit.setPlainText(text)
            if text:  # (an empty note's cursor is at its end already)
                from PySide6.QtGui import QTextCursor

                self.edit.moveCursor(QTextCursor.MoveOperation.End)  # typing goes on where the note ends
        finally:
            self.edit.blockSignals(False)
        self._dirty = False
        self.status.setText("")

    @Slot()
    def _typed(self) -> None:
        if self._entity is None:
            return
        self._dirty = True
        self.status.setText("Editing…")
        self._timer.start()

    @Slot()
    def save(self) -> bool:
        """Write the note now, if anything is unsaved; False when it could not be written (the status bar
        says why, and it stays unsaved here to be tried again)."""
        self._timer.stop()
        if not self._dirty or self._entity is None:
            return True
        entity = self._entity
        # Marked saved before the write: what the write sets off (the page drawn again, which tells this
        # pane what it shows) must find nothing left to save.
        self._dirty = False
        if not self.reader.set_note(entity, self.edit.toPlainText()):
            self._dirty = True
            self.status.setText("Not saved")
            return False
        self.status.setText("Saved")
        self.saved.emit(entity)
        return True

    @Slot()
    def _changed_elsewhere(self) -> None:
        if self._entity is not None and not self._dirty:
            stored = self.reader.note(self._entity)
            if stored != self.edit.toPlainText():
                self._load()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.FocusOut:
            self.save()
        return False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.appeared.emit()

    def set_wanted(self, wanted: bool) -> None:
        """View → Notes ticked or not; the pane shows only with an entity's page."""
        if not wanted:
            self.save()
        self._wanted = wanted
        self.setVisible(wanted and self._entity is not None)

    def focus(self) -> None:
        self.edit.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)

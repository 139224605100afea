"""The toolbar's "As of" control: Latest, a year from the list, or any date typed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from desktop.core.asof import parse_as_of
from desktop.core.dates import DateError

if TYPE_CHECKING:
    from PySide6.QtGui import QDragEnterEvent, QFocusEvent

    from desktop.core.dates import FuzzyDate

LATEST = "Latest"
# Any date the data may hold ("2019-01-15", "1990s", "early 1960s") and "Latest": short, and only
# letters, digits, spaces and hyphens; the date parser says what is wrong with the rest.
TYPED = r"^[A-Za-z0-9 \-]{0,24}$"


class _AsOfEdit(QLineEdit):
    """The box's line edit, which takes its validator when text can first come in (focus, or a drop):
    the validator's classes and enums are not a cost of the window's start, and nothing is typed or
    dropped before either."""

    def _arm(self) -> None:
        if self.validator() is None:
            from PySide6.QtCore import QRegularExpression
            from PySide6.QtGui import QRegularExpressionValidator

            self.setValidator(QRegularExpressionValidator(QRegularExpression(TYPED), self))

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._arm()
        super().focusInEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._arm()
        super().dragEnterEvent(event)


class AsOfControl(QComboBox):
    """Signals: asOfChanged(FuzzyDate or None for latest), rejected(reason) for text that is not a date."""

    asOfChanged = Signal(object)
    rejected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("asOfControl")
        self.setAccessibleName("As of")
        self.setToolTip(
            "Show the page as it stood at a date: a year (2015), a month (2019-01), a day, or a span such as "
            "1990s or early 1960s. Latest shows all."
        )
        self.setEditable(True)
        edit = _AsOfEdit(self)
        self.setLineEdit(edit)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(9)
        edit.setPlaceholderText(LATEST)
        self.value: FuzzyDate | None = None
        self.set_years(None, None)
        self.activated.connect(self._on_activated)
        edit.editingFinished.connect(self._commit_text)

    def set_years(self, first: int | None, last: int | None) -> None:
        """Offer Latest and every year from `last` back to `first` (the years the data covers)."""
        self.blockSignals(True)
        self.clear()
        self.addItem(LATEST)
        if first is not None and last is not None:
            for year in range(last, first - 1, -1):
                self.addItem(str(year))
        self.setEditText(self.value.text if self.value else LATEST)
        self.blockSignals(False)

    @Slot(int)
    def _on_activated(self, index: int) -> None:
        self.set_text(self.itemText(index))

    @Slot()
    def _commit_text(self) -> None:
        self.set_text(self.currentText())

    def set_text(self, text: str) -> bool:
        """Apply a date typed or chosen; False (and the previous value kept) when it is not one."""
        text = text.strip()
        if not text or text.lower() == LATEST.lower():
            return self._apply(None)
        try:
            when = parse_as_of(text)
        except DateError as exc:
            self.setEditText(self.value.text if self.value else LATEST)
            self.rejected.emit(str(exc))
            return False
        return self._apply(when)

    def _apply(self, when: FuzzyDate | None) -> bool:
        self.setEditText(when.text if when else LATEST)
        if when != self.value:
            self.value = when
            self.asOfChanged.emit(when)
        return True

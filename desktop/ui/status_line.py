"""The window's status bar: entity and fact counts, the data-problems button, and passing messages."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton

from desktop.core.store import Store

MESSAGE_MS = 8000


class StatusLine(QObject):
    """Signals: problemsRequested() when the problems button is clicked."""

    problemsRequested = Signal()

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.bar = bar
        self.counts_label = QLabel(bar)
        self.counts_label.setObjectName("countsLabel")
        self.problems_button = QToolButton(bar)
        self.problems_button.setObjectName("problemsButton")
        self.problems_button.setAccessibleName("Show data problems")
        self.problems_button.setAutoRaise(True)
        self.problems_button.setToolTip(
            "The data had problems; everything valid is loaded. Click to list them (View → Problems)."
        )
        self.problems_button.clicked.connect(self.problemsRequested)
        bar.addPermanentWidget(self.problems_button)
        bar.addPermanentWidget(self.counts_label)

    @Slot(object)
    def show_store(self, store: Store) -> None:
        counts = store.counts()
        self.counts_label.setText(f"{counts.entities:,} entities · {counts.facts:,} facts")
        problems = len(store.problems())
        self.problems_button.setText(f"⚠ {problems} data problem{'s' if problems != 1 else ''}")
        self.problems_button.setVisible(bool(problems))
        if store.notice:
            self.show_message(store.notice, 15000)

    @Slot(str)
    def show_message(self, text: str, timeout: int = MESSAGE_MS) -> None:
        self.bar.showMessage(text, timeout)

    @Slot(str)
    def show_busy(self, text: str) -> None:
        """A status that stays while an index is built ("" clears it)."""
        if text:
            self.bar.showMessage(text)
        else:
            self.bar.clearMessage()

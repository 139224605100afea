"""The lists behind Back and Forward (a held or arrow-clicked button drops down the pages it leads to,
as a browser's does) and Go → History: the pages viewed recently, across runs, which can be cleared."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from desktop.core.reader_data import HOME

HISTORY_SHOWN = 25  # pages in Go → History


class HistoryMenus(QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.back_menu = QMenu("Back", window)
        self.back_menu.setObjectName("backMenu")
        self.forward_menu = QMenu("Forward", window)
        self.forward_menu.setObjectName("forwardMenu")
        self.back_menu.aboutToShow.connect(lambda: self._fill(self.back_menu, forward=False))
        self.forward_menu.aboutToShow.connect(lambda: self._fill(self.forward_menu, forward=True))
        self.history_menu = QMenu("&History", window)
        self.history_menu.setObjectName("historyMenu")
        self.history_menu.aboutToShow.connect(self.fill_history)

    def attach(self, toolbar: Any, go_menu: QMenu, back: QAction, forward: QAction) -> None:
        """Give the toolbar's Back and Forward buttons their lists, and the Go menu its History."""
        for action, menu in ((back, self.back_menu), (forward, self.forward_menu)):
            button = toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setMenu(menu)
                button.setPopupMode(QToolButton.ToolButtonPopupMode.DelayedPopup)  # a click still goes back
        go_menu.addSeparator()
        go_menu.addMenu(self.history_menu)

    def _name(self, target: str | None) -> str:
        if target is None or target == HOME:
            return "Home"
        ref = self.window.store.ref(target)
        return ref.name if ref is not None else target

    def _fill(self, menu: QMenu, forward: bool) -> None:
        menu.clear()
        pages = self.window.pages
        items = pages.history.forward_items() if forward else pages.history.back_items()
        for index, target in items:
            action = menu.addAction(self._name(target))
            action.triggered.connect(lambda *_, i=index, p=pages: p.go_to(i))

    @Slot()
    def fill_history(self) -> None:
        """Recently viewed pages, newest first, each once; then Clear history."""
        menu = self.history_menu
        menu.clear()
        seen: set[str] = set()
        for visit in self.window.reader.history(HISTORY_SHOWN * 4):
            if visit.target in seen:
                continue
            seen.add(visit.target)
            action = menu.addAction(f"{visit.title}    {visit.visited.astimezone():%d %b %H:%M}")
            action.setData(visit.target)
            action.triggered.connect(lambda *_, t=visit.target: self._open(t))
            if len(seen) == HISTORY_SHOWN:
                break
        if not seen:
            menu.addAction("No pages viewed yet").setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("&Clear history…")
        clear.setObjectName("actionClearHistory")
        clear.setEnabled(bool(seen))
        clear.triggered.connect(self.clear_history)

    def _open(self, target: str) -> None:
        if target == HOME:
            self.window.show_home()
        else:
            self.window.show_entity(target)

    @Slot()
    def clear_history(self, ask: bool = True) -> bool:
        """Forget the pages viewed, across runs (each tab's Back and Forward stay as they are)."""
        parent: QWidget = self.window
        if ask:
            from PySide6.QtWidgets import QMessageBox  # dialogs load when first asked for

            answer = QMessageBox.question(
                parent, "Clear history", "Forget every page viewed? Bookmarks and notes are kept."
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        return bool(self.window.reader.clear_history())

"""View → Sources: a dock listing the documents the facts come from, with the details of one.

A click on a note mark in a page (`cite:<source>?<locator>`) opens the dock at that source, with
the paragraph cited; "Open in browser" opens the source's web address (only an http(s) one, and
only when clicked). The list follows the store: new data, new sources.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# `Qt` only as `QtCore.Qt`, in code that runs after the first paint: see qt_enums.py.
from PySide6 import QtCore
from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.store import Store
from desktop.core.views import SourceInfo
from desktop.models.roles import USER_ROLE
from desktop.models.store_session import StoreSession
from desktop.ui.page_html import esc, safe_url
from desktop.ui.qt_enums import ELIDE_RIGHT, SCROLL_BAR_ALWAYS_OFF, VERTICAL, set_enum_property

SOURCE_ID = USER_ROLE
DOCK_WIDTH = 340  # pixels, when the dock first opens at a side of the window


class SourcesPane(QDockWidget):
    """The Sources dock. Signals: message(text) for the status bar."""

    message = Signal(str)

    def __init__(
        self, window: QMainWindow, session: StoreSession, open_url: Callable[[QUrl], Any] | None = None
    ) -> None:
        super().__init__("Sources", window)
        self.setObjectName("sourcesDock")
        self.setAccessibleName("Sources")
        self._open_url = open_url or QDesktopServices.openUrl
        self._sources: dict[str, SourceInfo] = {}
        self._locator = ""  # the paragraph cited by the note mark that opened the pane ("" when none)
        self._shown_once = False
        self._window = window

        self.view = QListWidget(self)
        self.view.setObjectName("sourcesView")
        self.view.setAccessibleName("Sources")
        self.view.currentItemChanged.connect(self._on_current)
        # Long titles ("Public Law 87-195, 75 Stat. 424, approved …") end in "…"; the tooltip and the
        # details below give them whole.
        # (Set as properties, and the dock docked when first shown: the calls that name the enums would
        # build the `Qt` namespace before the window's first paint; see qt_enums.py.)
        set_enum_property(self.view, "textElideMode", ELIDE_RIGHT)
        set_enum_property(self.view, "horizontalScrollBarPolicy", SCROLL_BAR_ALWAYS_OFF)
        self.details = QTextBrowser(self)
        self.details.setObjectName("sourcesDetails")
        self.details.setAccessibleName("Source details")
        self.details.setOpenLinks(False)  # its one link is the same as the button: nothing opens by itself
        self.details.anchorClicked.connect(lambda _url: self.open_current())
        self.open_button = QPushButton("Open in browser", self)
        self.open_button.setObjectName("sourcesOpen")
        self.open_button.setToolTip("Open the source's web page in the system browser")
        self.open_button.clicked.connect(self.open_current)

        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        split = QSplitter()  # its parent comes with the layout
        set_enum_property(split, "orientation", VERTICAL)
        split.addWidget(self.view)
        split.addWidget(self.details)
        split.setSizes([200, 160])
        layout.addWidget(split, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        layout.addLayout(buttons)
        self.setWidget(body)

        self.action_sources = QAction("&Sources", window, checkable=True)
        self.action_sources.setObjectName("actionSourcesPane")  # its keys come from the actions table
        self.action_sources.toggled.connect(self.set_visible)
        self.visibilityChanged.connect(self._on_visibility)
        self.hide()
        self.set_store(session.store)
        session.storeChanged.connect(self.set_store)

    # -- what it lists ---------------------------------------------------------------------

    @Slot(object)
    def set_store(self, store: Store) -> None:
        """List the store's sources, keeping the one selected if it is still there."""
        current = self.current_source()
        self._sources = dict(store.sources())
        self.view.blockSignals(True)
        try:
            self.view.clear()
            for source in sorted(self._sources.values(), key=lambda s: (s.title.casefold(), s.id)):
                item = QListWidgetItem(source.title)
                item.setData(SOURCE_ID, source.id)
                # Rich text, escaped: a tooltip would take a title with markup in it for markup.
                item.setToolTip("<p>" + esc(", ".join(x for x in (source.title, source.publisher) if x)) + "</p>")
                self.view.addItem(item)
        finally:
            self.view.blockSignals(False)
        self.select(current.id if current else None, self._locator)

    def current_source(self) -> SourceInfo | None:
        item = self.view.currentItem()
        return self._sources.get(item.data(SOURCE_ID)) if item is not None else None

    def select(self, source_id: str | None, locator: str = "") -> bool:
        """Select a source (None: none) and show its details, with `locator` as the place cited."""
        row = next((i for i in range(self.view.count()) if self.view.item(i).data(SOURCE_ID) == source_id), -1)
        self.view.blockSignals(True)  # not a pick from the list: the locator stays
        try:
            self.view.setCurrentRow(row)
        finally:
            self.view.blockSignals(False)
        self._locator = locator
        self._show_details()
        return row >= 0

    @Slot(str, str)
    def show_source(self, source_id: str, locator: str = "") -> None:
        """A note mark was clicked: open the pane at its source and the paragraph it cites."""
        self.set_visible(True)
        if not self.select(source_id, locator):
            self.message.emit(f"No source “{source_id}” in the data.")

    @Slot()
    def _on_current(self) -> None:
        self._locator = ""  # a source picked from the list was not cited from a page
        self._show_details()

    def _show_details(self) -> None:
        source = self.current_source()
        url = safe_url(source.url) if source else None
        self.open_button.setEnabled(url is not None)
        if source is None:
            self.details.setHtml("<p>Pick a source, or click a note mark such as [1 ¶2] in a page.</p>")
            return
        rows = [
            ("Publisher", esc(source.publisher) or "not given"),
            ("Date", "not given in the data"),
            ("Licence", esc(source.license) or "not given"),
            ("Address", f'<a href="{esc(url)}">{esc(url)}</a>' if url else esc(source.url) or "none"),
        ]
        if self._locator:
            rows.append(("Cited at", f"<b>{esc(self._locator)}</b>"))
        table = "".join(f"<tr><th align=left valign=top>{k}</th><td>{v}</td></tr>" for k, v in rows)
        self.details.setHtml(f"<p><b>{esc(source.title)}</b></p><table cellpadding=2>{table}</table>")

    # -- opening and showing ---------------------------------------------------------------

    @Slot()
    def open_current(self) -> bool:
        """Open the selected source's web address in the browser (nothing but http(s) is opened)."""
        source = self.current_source()
        url = safe_url(source.url) if source else None
        if url is None:
            self.message.emit("This source has no web address to open.")
            return False
        self._open_url(QUrl(url))
        return True

    @Slot(bool)
    def set_visible(self, visible: bool) -> None:
        """View → Sources."""
        first = visible and not self._shown_once
        if first:
            self._window.addDockWidget(QtCore.Qt.DockWidgetArea.RightDockWidgetArea, self)
        self.setVisible(visible)
        if visible:
            self.raise_()
            self._shown_once = True
        window = self._window
        sides = (QtCore.Qt.DockWidgetArea.LeftDockWidgetArea, QtCore.Qt.DockWidgetArea.RightDockWidgetArea)
        if first and window.dockWidgetArea(self) in sides:
            # A dock at the side starts as wide as a source's title wants, not as narrow as it may be.
            window.resizeDocks([self], [DOCK_WIDTH], QtCore.Qt.Orientation.Horizontal)

    @Slot(bool)
    def _on_visibility(self, _visible: bool) -> None:
        # The dock's own close button hides it too: the menu's tick follows.
        if self.action_sources.isChecked() != (not self.isHidden()):
            self.action_sources.setChecked(not self.isHidden())

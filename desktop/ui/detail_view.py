"""The detail pane: a QTextBrowser that routes links itself and never loads anything."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QMouseEvent
from PySide6.QtWidgets import QApplication, QTextBrowser

from desktop.ui.page_html import safe_url

ZOOM_MIN, ZOOM_MAX = -6, 12
# HTML this long rarely fits the pane (a bundled page that fills it is about 5,000 characters).
LONG_PAGE_CHARS = 10_000


class DetailView(QTextBrowser):
    """Signals: entityRequested(id), backRequested(), forwardRequested(), linkRefused(url), paletteChanged(),
    zoomChanged(step)."""

    entityRequested = Signal(str)
    entityInNewTab = Signal(str)  # a link middle-clicked or Ctrl+clicked
    fullPageRequested = Signal(str)  # "show all" on a long page
    claimsToggled = Signal(str)  # "sources disagree": open or close the claims a page does not show
    backRequested = Signal()
    forwardRequested = Signal()
    linkRefused = Signal(str)
    paletteChanged = Signal()
    zoomChanged = Signal(int)  # the zoom step, after it changed

    def __init__(self, open_url: Callable[[QUrl], Any] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailView")
        self.setAccessibleName("Entity details")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self._open_url = open_url or QDesktopServices.openUrl
        self.zoom = 0
        self.anchorClicked.connect(self._route)

    @Slot(QUrl)
    def _route(self, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme == "entity":
            if QApplication.keyboardModifiers() & Qt.KeyboardModifier.ControlModifier:
                self.entityInNewTab.emit(url.path())
            else:
                self.entityRequested.emit(url.path())
        elif scheme == "entity-all":
            self.fullPageRequested.emit(url.path())
        elif scheme == "claims":
            self.claimsToggled.emit(url.path())
        elif scheme in ("http", "https") and safe_url(url.toString()):
            self._open_url(url)
        else:
            self.linkRefused.emit(url.toString())

    def setHtml(self, text: str) -> None:
        # A page taller than the pane is laid out at the width left beside the scroll bar. Set
        # while no bar shows (after a short page), it would be laid out at the full width, then
        # again when the bar appears: for a long page's tables that second layout is some 40% of
        # the time to show it. So for a long page the bar comes first, and goes again if the page
        # fits after all (laid out again then, but a page that fits is quick to lay out). Short
        # pages, most of them, go in as they are: the bar would only cost them a second layout.
        if len(text) < LONG_PAGE_CHARS or self.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAsNeeded:
            super().setHtml(text)
            return
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        try:
            super().setHtml(text)
        finally:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        # Pages carry no images or style sheets of their own: nothing is fetched, from disk or anywhere.
        return None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton:
            url = QUrl(self.anchorAt(event.position().toPoint()))
            if url.scheme().lower() == "entity":
                self.entityInNewTab.emit(url.path())
                return
        super().mouseReleaseEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.BackButton:
            self.backRequested.emit()
        elif event.button() == Qt.MouseButton.ForwardButton:
            self.forwardRequested.emit()
        else:
            super().mousePressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The page is drawn in this view's palette colours: it must be drawn again when they change.
        if event.type() == QEvent.Type.PaletteChange:
            self.paletteChanged.emit()

    def set_zoom(self, level: int) -> None:
        level = max(ZOOM_MIN, min(ZOOM_MAX, level))
        step = level - self.zoom
        if step > 0:
            self.zoomIn(step)
        elif step < 0:
            self.zoomOut(-step)
        self.zoom = level
        self.zoomChanged.emit(level)

    @Slot()
    def zoom_in(self) -> None:
        self.set_zoom(self.zoom + 1)

    @Slot()
    def zoom_out(self) -> None:
        self.set_zoom(self.zoom - 1)

    @Slot()
    def zoom_reset(self) -> None:
        self.set_zoom(0)

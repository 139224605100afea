"""The detail pane: a QTextBrowser that routes links itself and never loads anything.

The text runs in a column of about COLUMN_CHARS average characters, centred in a wide pane: the
view's margins (not the document's) make room on either side, so the page is laid out once at
the column's width whatever the window's. The one picture a page has, its timeline strip, is
drawn here (page_strip.py) at the column's width, and drawn again when that width changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

# `Qt` only as `QtCore.Qt`, in code that runs after the first paint: see qt_enums.py.
from PySide6 import QtCore
from PySide6.QtCore import QEvent, QPoint, QPointF, QUrl, Signal, Slot
from PySide6.QtGui import QColor, QFontMetricsF, QHelpEvent, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QTextBrowser

from desktop.ui.page_html import STRIP_SRC, Strip, esc, safe_url
from desktop.ui.qt_enums import SCROLL_BAR_ALWAYS_ON, SCROLL_BAR_AS_NEEDED, set_enum_property

if TYPE_CHECKING:
    from PySide6.QtGui import QContextMenuEvent, QImage, QMouseEvent, QResizeEvent

    from desktop.ui.page_strip import StripLayout

ZOOM_MIN, ZOOM_MAX = -6, 12
# HTML this long rarely fits the pane (a bundled page that fills it is about 5,000 characters).
LONG_PAGE_CHARS = 10_000
# The text column's width in average characters of the page's font: lines much longer than this
# are hard to follow from one line's end to the next one's start.
COLUMN_CHARS = 90
STRIP_TIP_LINES = 6  # facts a tooltip over the timeline strip names before it says how many more
IMAGE = QTextDocument.ResourceType.ImageResource.value  # as loadResource is handed it: a plain int


def _open_in_system(url: QUrl) -> bool:
    from PySide6.QtGui import QDesktopServices  # only when a web link is clicked

    return QDesktopServices.openUrl(url)


class DetailView(QTextBrowser):
    """Signals: entityRequested(id), entityInNewTab(id), fullPageRequested(id), claimsToggled(id),
    citationClicked(source id, locator), kindRequested(kind id), randomRequested(), searchRequested(),
    bookmarkToggled(id), backRequested(), forwardRequested(), linkRefused(url), paletteChanged(),
    zoomChanged(step)."""

    entityRequested = Signal(str)
    entityInNewTab = Signal(str)  # a link middle-clicked or Ctrl+clicked
    entityMenuRequested = Signal(str, QPoint)  # a right click on a link to an entity, at a global point
    fullPageRequested = Signal(str)  # "show all" on a long page
    claimsToggled = Signal(str)  # "sources disagree": open or close the claims a page does not show
    citationClicked = Signal(str, str)  # a note mark: the source's id and the locator cited ("¶2")
    kindRequested = Signal(str)  # a kind on Home (or a page's kind): its group in the navigator
    randomRequested = Signal()  # Home's "random entity"
    searchRequested = Signal()  # Home's "Search": the search box
    bookmarkToggled = Signal(str)  # the star in a page's header
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
        # The margins beside the column are the view's, not the viewport's: painted as the page is.
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self._open_url = open_url or _open_in_system
        self.zoom = 0
        self._strip: Strip | None = None
        self._strip_layout: StripLayout | None = None  # the strip as drawn into the document, at its width
        self._bar_forced = False  # setHtml keeps the scroll bar on while a long page goes in
        self._bar_policy_set = False  # someone else set the scroll bar's policy: setHtml leaves it be
        self.anchorClicked.connect(self._route)

    @Slot(QUrl)
    def _route(self, url: QUrl) -> None:
        scheme = url.scheme().lower()
        if scheme == "entity":
            if QApplication.keyboardModifiers() & QtCore.Qt.KeyboardModifier.ControlModifier:
                self.entityInNewTab.emit(url.path())
            else:
                self.entityRequested.emit(url.path())
        elif scheme == "entity-all":
            self.fullPageRequested.emit(url.path())
        elif scheme == "claims":
            self.claimsToggled.emit(url.path())
        elif scheme == "cite":
            # Read back as page_html.cite_href wrote it: the id, "?", the locator, each percent-encoded.
            encoded = url.toString(QUrl.ComponentFormattingOption.FullyEncoded).split(":", 1)[1]
            source, _, locator = encoded.partition("?")
            self.citationClicked.emit(unquote(source), unquote(locator))
        elif scheme == "kind":
            self.kindRequested.emit(url.path())
        elif scheme == "random":
            self.randomRequested.emit()
        elif scheme == "search":
            self.searchRequested.emit()
        elif scheme == "bookmark":
            self.bookmarkToggled.emit(url.path())
        elif not scheme and url.hasFragment() and not url.path():
            self.scrollToAnchor(url.fragment())  # the page's own list of its sections
        elif scheme in ("http", "https") and safe_url(url.toString()):
            self._open_url(url)
        else:
            self.linkRefused.emit(url.toString())

    def setHtml(self, text: str) -> None:
        self._strip_layout = None  # a new page: its strip, if any, is drawn when the document asks for it
        # A strip put in by resizeEvent would outlive the page (a document keeps what addResource gave it
        # through setHtml): taken out, so that the new page asks loadResource for its own.
        self.document().addResource(IMAGE, QUrl(STRIP_SRC), None)
        # A page taller than the pane is laid out at the width left beside the scroll bar. Set
        # while no bar shows (after a short page), it would be laid out at the full width, then
        # again when the bar appears: for a long page's tables that second layout is some 40% of
        # the time to show it. So for a long page the bar comes first, and goes again if the page
        # fits after all (laid out again then, but a page that fits is quick to lay out). Short
        # pages, most of them, go in as they are: the bar would only cost them a second layout.
        # (The policy is set as a property, and known by flags of this view's rather than read back:
        # the enum calls would build the `Qt` namespace before the first paint; see qt_enums.py.)
        if len(text) < LONG_PAGE_CHARS or self._bar_forced or self._bar_policy_set:
            super().setHtml(text)
            return
        set_enum_property(self, "verticalScrollBarPolicy", SCROLL_BAR_ALWAYS_ON)
        self._bar_forced = True
        try:
            super().setHtml(text)
        finally:
            self._bar_forced = False
            set_enum_property(self, "verticalScrollBarPolicy", SCROLL_BAR_AS_NEEDED)

    def setVerticalScrollBarPolicy(self, policy: QtCore.Qt.ScrollBarPolicy) -> None:
        self._bar_policy_set = policy != QtCore.Qt.ScrollBarPolicy.ScrollBarAsNeeded  # see setHtml
        super().setVerticalScrollBarPolicy(policy)

    def set_strip(self, strip: Strip | None) -> None:
        """The timeline strip of the page about to be set (page_html.page_strip), or None."""
        self._strip = strip

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        # Pages carry no images or style sheets of their own: nothing is fetched, from disk or anywhere.
        # The one image is the strip this view draws itself.
        url = name if isinstance(name, QUrl) else QUrl(name)
        if kind in (QTextDocument.ResourceType.ImageResource, IMAGE) and url.toString() == STRIP_SRC:
            return self._strip_image()
        return None

    def _strip_image(self) -> QImage | None:
        if self._strip is None:
            return None
        from desktop.ui.page_strip import StripColors, draw_strip, lay_out  # only for a page with a strip

        font = self.document().defaultFont()
        self._strip_layout = layout = lay_out(self._strip, self._strip_width_now(), font)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        # What others say of the entity, in a grey between the text and the page: quieter than its own.
        other = QColor(
            (text.red() + base.red()) // 2, (text.green() + base.green()) // 2, (text.blue() + base.blue()) // 2
        )
        link, rule = palette.color(QPalette.ColorRole.Link), palette.color(QPalette.ColorRole.Mid)
        colors = StripColors(link, other, text, rule)
        return draw_strip(self._strip, layout, font, colors, self.devicePixelRatioF())

    def _strip_width_now(self) -> int:
        # The width the text has: the viewport's, less the document's margin on either side.
        return max(120, int(self.viewport().width() - 2 * self.document().documentMargin()) - 2)

    # -- the column ----------------------------------------------------------------------

    def column_width(self) -> int:
        """The text column's widest, in pixels, at the page's font (the zoom included)."""
        chars = QFontMetricsF(self.font()).averageCharWidth() * COLUMN_CHARS
        return round(chars + 2 * self.document().documentMargin())

    def _fit_column(self) -> None:
        # The scroll bar's room is kept whether it shows or not, so the column's edges stay put
        # when a page long enough to need it comes in (the page then takes the room back).
        frame = 2 * self.frameWidth()
        bar = self.verticalScrollBar().sizeHint().width()
        room = self.width() - frame - bar
        spare = max(0, room - self.column_width())
        left = spare // 2
        margins = self.viewportMargins()
        if (margins.left(), margins.right()) != (left, spare - left):
            self.setViewportMargins(left, 0, spare - left, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Called for the view's own resizes and for its viewport's (QAbstractScrollArea sends both here).
        self._fit_column()
        drawn = self._strip_layout
        if self._strip is not None and drawn is not None and drawn.width != self._strip_width_now():
            # The strip is drawn for the column's width: put a new one in before the page is laid out again.
            image = self._strip_image()
            self.document().addResource(IMAGE, QUrl(STRIP_SRC), image)
        super().resizeEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            # QTextEdit shows a link's `title` itself, but looks for it as far off as the view's left
            # margin (the column's centring) is wide: so the view finds it, where the pointer is.
            from PySide6.QtWidgets import QToolTip  # (what is only used once pointed at comes then)

            tip = self.tooltip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tooltip_at(self, pos: QPoint) -> str:
        """The tooltip at `pos` in the viewport: a note mark's source and paragraph, the facts of the marks
        of the timeline strip there, or ""."""
        bar_x, bar_y = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        layout = self.document().documentLayout()
        at = layout.hitTest(QPointF(pos.x() + bar_x, pos.y() + bar_y), QtCore.Qt.HitTestAccuracy.ExactHit)
        if at < 0:
            return ""
        from PySide6.QtGui import QTextCursor

        cursor = QTextCursor(self.document())
        cursor.setPosition(at + 1)  # a cursor's format is that of the character before it
        form = cursor.charFormat()
        if form.isImageFormat() and form.toImageFormat().name() == STRIP_SRC:
            return self._strip_tip(pos, at)
        return form.toolTip()

    def _strip_tip(self, pos: QPoint, at: int) -> str:
        strip, drawn = self._strip, self._strip_layout
        if strip is None or drawn is None:
            return ""
        from PySide6.QtGui import QTextCursor

        cursor = QTextCursor(self.document())
        cursor.setPosition(at)
        corner = self.cursorRect(cursor).topLeft()  # the image's top left, in the viewport
        found = [esc(strip.marks[i].text) for i in drawn.marks_at(QPointF(pos - corner))]
        if not found:
            return ""
        more = len(found) - STRIP_TIP_LINES
        # Rich text, its words escaped: a tooltip takes text that looks like markup for markup, and a
        # name from the data must never become an image or a link there.
        return "<p>" + "<br>".join(found[:STRIP_TIP_LINES] + ([f"… and {more} more"] if more > 0 else [])) + "</p>"

    def event(self, event: QEvent) -> bool:
        # A wheel turned over the margins beside the column reaches the view, not its viewport, and a
        # scroll area leaves such events to its parent: scroll the page as if over the text.
        if event.type() == QEvent.Type.Wheel and not self.viewport().underMouse():
            self.wheelEvent(event)  # type: ignore[arg-type]
            return True
        return super().event(event)

    # -- the mouse, colours and zoom -------------------------------------------------------

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """On a link to an entity, that entity's menu (the window's one entity menu); elsewhere Qt's own."""
        url = QUrl(self.anchorAt(event.pos()))
        if url.scheme().lower() == "entity" and url.path():
            self.entityMenuRequested.emit(url.path(), event.globalPos())
            return
        super().contextMenuEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == QtCore.Qt.MouseButton.MiddleButton:
            url = QUrl(self.anchorAt(event.position().toPoint()))
            if url.scheme().lower() == "entity":
                self.entityInNewTab.emit(url.path())
                return
        super().mouseReleaseEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == QtCore.Qt.MouseButton.BackButton:
            self.backRequested.emit()
        elif event.button() == QtCore.Qt.MouseButton.ForwardButton:
            self.forwardRequested.emit()
        else:
            super().mousePressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The page is drawn in this view's palette colours: it must be drawn again when they change.
        if event.type() == QEvent.Type.PaletteChange:
            self.paletteChanged.emit()
        elif event.type() == QEvent.Type.FontChange:  # zoomed: the column is so many characters wide
            self._fit_column()

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

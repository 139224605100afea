"""The detail pane on its own: how a page goes in (widgets, offscreen)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QTextBrowser

from desktop.ui.detail_view import LONG_PAGE_CHARS, DetailView

SHORT = "<h1>Short</h1><p>One line.</p>"
LONG = (
    "<h1>Long</h1><table cellspacing=0 cellpadding=3>"
    + "".join(f"<tr><th valign=top>Label {n}</th><td>Row {n} (1999) <sup>[1 ¶{n}]</sup></td></tr>" for n in range(300))
    + "</table>"
)


class PageAtResize(QObject):
    """Records how long the document was each time the view's viewport changed size."""

    def __init__(self, view: QTextBrowser) -> None:
        super().__init__(view)
        self.view = view
        self.lengths: list[int] = []
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.lengths.append(self.view.document().characterCount())
        return False


def shown_view(qtbot) -> DetailView:
    view = DetailView()
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_a_long_page_is_laid_out_once_at_the_width_beside_the_scroll_bar(qtbot) -> None:
    assert len(SHORT) < LONG_PAGE_CHARS <= len(LONG)
    view = shown_view(qtbot)
    view.setHtml(SHORT)
    bar = view.verticalScrollBar()
    assert not bar.isVisible()
    resizes = PageAtResize(view)
    view.setHtml(LONG)
    long_length = view.document().characterCount()
    # The scroll bar came before the page: the viewport never narrowed under the long page,
    # which Qt would have had to lay out again.
    assert long_length not in resizes.lengths
    assert bar.isVisible() and bar.maximum() > 0
    assert view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    assert view.document().textWidth() == view.viewport().width()


def test_a_short_page_after_a_long_one_gets_the_full_width_back(qtbot) -> None:
    view = shown_view(qtbot)
    view.setHtml(LONG)
    full = view.width() - 2 * view.frameWidth()
    view.setHtml(SHORT)
    assert not view.verticalScrollBar().isVisible()
    assert view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    assert view.viewport().width() == full
    assert view.document().textWidth() == full


def test_a_short_page_goes_in_without_moving_the_scroll_bar(qtbot) -> None:
    view = shown_view(qtbot)
    view.setHtml(SHORT)
    resizes = PageAtResize(view)
    view.setHtml(SHORT.replace("Short", "Another"))
    assert resizes.lengths == []
    assert view.toPlainText().startswith("Another")


def test_a_policy_set_by_someone_else_is_left_alone(qtbot) -> None:
    view = shown_view(qtbot)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setHtml(LONG)
    assert view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert "Row 299" in view.toPlainText()


def test_the_page_stays_selectable_and_copyable(qtbot) -> None:
    view = shown_view(qtbot)
    view.setHtml(LONG)
    assert view.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    view.selectAll()
    selected = view.textCursor().selectedText()
    assert "Label 0" in selected and "Row 299 (1999) [1 ¶299]" in selected

"""The entity page in its widget: links routed, note marks' tooltips, the column, the timeline strip (offscreen)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QFontMetricsF, QHelpEvent, QPalette, QTextCursor, QTextDocument, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip

from desktop.core.dates import parse_date
from desktop.core.store import Store
from desktop.ui.detail_view import COLUMN_CHARS, DetailView
from desktop.ui.page_html import STRIP_SRC, page_strip, render_page


def shown_view(qtbot, width: int = 900, height: int = 600) -> DetailView:
    view = DetailView()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    return view


def show_page(view: DetailView, store: Store, ident: str, **kw) -> None:
    page = store.page(ident)
    view.set_strip(page_strip(page, kw.get("as_of")))
    view.setHtml(render_page(page, strip=True, **kw))


def anchor_point(view: DetailView, prefix: str) -> tuple[QPoint, str]:
    """A point in the viewport over the first link whose href starts with `prefix`, and that href."""
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            href = fragment.charFormat().anchorHref()
            if href.startswith(prefix):
                # Well inside the link: a tooltip is the format of the character just left of the point.
                cursor = QTextCursor(view.document())
                cursor.setPosition(fragment.position() + 2)
                view.setTextCursor(cursor)
                view.ensureCursorVisible()
                rect = view.cursorRect(cursor)
                return QPoint(rect.left(), rect.center().y()), href
            it += 1
        block = block.next()
    raise AssertionError(f"no link starting {prefix}")


# -- links --------------------------------------------------------------------------------


def test_each_kind_of_link_reaches_its_own_signal(qtbot) -> None:
    view = shown_view(qtbot)
    got: list[tuple] = []
    view.citationClicked.connect(lambda s, loc: got.append(("cite", s, loc)))
    view.kindRequested.connect(lambda k: got.append(("kind", k)))
    view.randomRequested.connect(lambda: got.append(("random",)))
    view.searchRequested.connect(lambda: got.append(("search",)))
    view.bookmarkToggled.connect(lambda i: got.append(("bookmark", i)))
    view.linkRefused.connect(lambda u: got.append(("refused", u)))
    for link in (
        "cite:international-military-education-and-training?%C2%B610",
        "cite:statutes?75%20Stat.%20424",
        "cite:a%20b?%C2%B61%3Fx%3D2%26y",
        "kind:armed-force",
        "random:",
        "search:",
        "bookmark:imet",
        "file:///etc/passwd",
    ):
        view.anchorClicked.emit(QUrl(link))
    assert got == [
        ("cite", "international-military-education-and-training", "¶10"),
        ("cite", "statutes", "75 Stat. 424"),
        ("cite", "a b", "¶1?x=2&y"),
        ("kind", "armed-force"),
        ("random",),
        ("search",),
        ("bookmark", "imet"),
        ("refused", "file:///etc/passwd"),
    ]


def test_the_list_of_sections_scrolls_to_each(qtbot, bundled_store: Store) -> None:
    view = shown_view(qtbot, 900, 400)
    show_page(view, bundled_store, "imet")
    assert "On this page:" in view.toPlainText()
    bar = view.verticalScrollBar()
    refused: list[str] = []
    view.linkRefused.connect(refused.append)
    tops = []
    for anchor in ("key-facts", "facts", "timeline", "referenced-by", "sources"):
        bar.setValue(0)
        view.anchorClicked.emit(QUrl(f"#{anchor}"))
        tops.append(bar.value())
    assert refused == [] and tops == sorted(tops) and tops[0] > 0 and len(set(tops)) == len(tops)


# -- note marks ----------------------------------------------------------------------------


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # a real tooltip window, offscreen
def test_hovering_a_note_mark_shows_its_source_and_paragraph(qtbot, bundled_store: Store) -> None:
    view = shown_view(qtbot)
    show_page(view, bundled_store, "pakistan")
    point, href = anchor_point(view, "cite:")
    assert view.anchorAt(point) == href
    source_id, locator = href.removeprefix("cite:").split("?")
    source = bundled_store.sources()[source_id]
    QToolTip.hideText()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)))
    qtbot.waitUntil(QToolTip.isVisible)
    tip = QToolTip.text()
    QToolTip.hideText()
    assert source.title in tip and source.publisher in tip and QUrl.fromPercentEncoding(locator.encode()) in tip
    # Only over the mark itself: QTextEdit, left to itself, looked for it a margin's width to the left.
    assert view.viewportMargins().left() > 100
    assert view.tooltip_at(point) == tip and view.tooltip_at(point + QPoint(view.viewportMargins().left(), 0)) == ""


def test_a_note_mark_never_breaks_across_lines(qtbot, bundled_store: Store) -> None:
    view = shown_view(qtbot, 330, 600)  # narrow: many lines break
    show_page(view, bundled_store, "imet")
    groups = 0
    block = view.document().begin()
    while block.isValid():
        layout = block.layout()
        for match in re.finditer(r"\[[^\]]*¶[^\]]*\]", block.text()):
            first = layout.lineForTextPosition(match.start()).lineNumber()
            last = layout.lineForTextPosition(match.end() - 1).lineNumber()
            assert first == last, match.group()
            groups += 1
        block = block.next()
    assert groups > 40


# -- the column ----------------------------------------------------------------------------


def _lines_and_widest(view: DetailView) -> tuple[int, float]:
    count, widest = 0, 0.0
    block = view.document().begin()
    while block.isValid():
        layout = block.layout()
        for n in range(layout.lineCount()):
            count += 1
            widest = max(widest, layout.lineAt(n).naturalTextWidth())
        block = block.next()
    return count, widest


def test_at_1920_pixels_the_text_is_a_centred_column_of_about_90_characters(qtbot, bundled_store: Store) -> None:
    view = shown_view(qtbot, 1920, 1000)
    show_page(view, bundled_store, "imet")
    average = QFontMetricsF(view.font()).averageCharWidth()
    lines, widest = _lines_and_widest(view)
    assert lines > 100 and widest <= 95 * average
    assert widest >= 75 * average  # the summary's lines fill the column
    # Centred: as much room on either side (the scroll bar's on the right).
    column = view.viewport().geometry()
    left = column.left()
    right = view.width() - column.right() - 1
    assert left > 400 and abs(left - right) <= view.verticalScrollBar().sizeHint().width() + 2 * view.frameWidth()
    assert view.document().textWidth() == column.width()


def test_a_narrow_pane_gets_the_whole_width_and_zoom_widens_the_column(qtbot, bundled_store: Store) -> None:
    view = shown_view(qtbot, 500, 600)
    show_page(view, bundled_store, "imet")
    margins = view.viewportMargins()
    assert (margins.left(), margins.right()) == (0, 0)
    view.resize(1920, 600)
    before = view.viewport().width()
    view.set_zoom(3)
    assert view.viewport().width() > before
    assert view.column_width() == pytest.approx(
        QFontMetricsF(view.font()).averageCharWidth() * COLUMN_CHARS + 2 * view.document().documentMargin(), abs=1
    )


def test_the_wheel_over_the_margins_scrolls_the_page(qtbot, bundled_store: Store) -> None:
    view = shown_view(qtbot, 1920, 500)
    show_page(view, bundled_store, "imet")
    bar = view.verticalScrollBar()
    assert bar.value() == 0 and bar.maximum() > 0
    at = QPointF(20, 200)  # left of the column, over the view's own margin
    assert view.childAt(at.toPoint()) is None
    wheel = QWheelEvent(
        at, view.mapToGlobal(at), QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(view, wheel)
    assert bar.value() > 0


# -- the timeline strip ----------------------------------------------------------------------


def _strip(view: DetailView):
    return view.document().resource(QTextDocument.ResourceType.ImageResource.value, QUrl(STRIP_SRC))


def test_the_strip_is_drawn_at_the_columns_width_in_the_pages_colours(qtbot, bundled_store: Store) -> None:
    view = shown_view(qtbot, 1200, 600)
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Link, QColor("#c01c28"))
    view.setPalette(palette)
    show_page(view, bundled_store, "imet")
    image = _strip(view)
    assert image is not None and not image.isNull()
    text_width = view.viewport().width() - 2 * view.document().documentMargin()
    assert text_width - 4 <= image.width() / image.devicePixelRatio() <= text_width
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}
    assert "#c01c28" in colours  # IMET's own periods, in the link colour
    # A narrower pane: drawn again to fit.
    view.resize(500, 600)
    narrow = _strip(view)
    assert narrow.width() / narrow.devicePixelRatio() <= view.viewport().width()
    assert narrow.width() < image.width()


def test_the_strip_marks_the_as_of_date(qtbot, bundled_store: Store) -> None:
    view = shown_view(qtbot, 1200, 600)
    show_page(view, bundled_store, "pakistan")
    plain = _strip(view)
    show_page(view, bundled_store, "pakistan", as_of=parse_date("2015"))
    dated = _strip(view)
    assert dated.height() == plain.height() or dated.height() < plain.height()  # later facts left out
    text = view.palette().color(QPalette.ColorRole.Text)

    def near_text(x: int) -> bool:
        # The line is a 1.5-pixel antialiased dash: where it falls between pixels, none is exactly the colour.
        c = dated.pixelColor(x, 1)
        return c.alpha() > 100 and sum(abs(a - b) for a, b in zip(c.getRgb()[:3], text.getRgb()[:3], strict=True)) < 90

    assert [x for x in range(dated.width()) if near_text(x)]  # the as-of line, from the top


def test_a_page_without_dated_facts_has_no_strip(qtbot, bundled_store: Store) -> None:
    undated = next(
        ref.id for ref in bundled_store.entities() if (p := bundled_store.page(ref.id)).facts and page_strip(p) is None
    )
    view = shown_view(qtbot)
    show_page(view, bundled_store, undated)
    assert "\ufffc" not in view.toPlainText() and "Timeline" not in view.toPlainText()


def test_hovering_a_mark_of_the_strip_names_its_fact(qtbot, bundled_store: Store) -> None:
    view = shown_view(qtbot, 1200, 700)
    show_page(view, bundled_store, "pakistan")
    view.scrollToAnchor("timeline")
    strip, drawn = view._strip, view._strip_layout
    assert strip is not None and drawn is not None
    found = view.document().find("\ufffc")  # the strip: the page's one image
    assert not found.isNull()
    corner = view.cursorRect(_at(view, found)).topLeft()
    texts = []
    for box, i in drawn.boxes:
        point = (QPointF(corner) + box.center()).toPoint()
        tip = view.tooltip_at(point)
        assert tip.startswith("<p>") and tip.endswith("</p>")
        assert strip.marks[i].text in tip[3:-4].split("<br>"), (strip.marks[i].text, tip)
        texts.append(strip.marks[i].text)
    assert "Pakistan: Suspended from International Military Education and Training (since August 2018)" in texts
    below = QPoint(corner.x() + drawn.width // 2, corner.y() + int(drawn.axis) + 2)  # the row of years
    assert view.tooltip_at(below) == ""


def _at(view: DetailView, found: QTextCursor) -> QTextCursor:
    cursor = QTextCursor(view.document())
    cursor.setPosition(found.selectionStart())
    return cursor


@pytest.mark.parametrize("width", [320, 700, 1100, 1920])
def test_no_page_scrolls_sideways(qtbot, bundled_store: Store, width: int) -> None:
    from desktop.ui.page_html import render_home

    view = shown_view(qtbot, width, 600)
    view.setHtml(render_home(bundled_store.counts(), bundled_store.most_linked(12), []))
    assert not view.horizontalScrollBar().isVisible()
    for ident in ("imet", "pakistan", "foreign-assistance-act-of-1961"):
        show_page(view, bundled_store, ident)
        assert view.document().size().width() <= view.document().textWidth() + 0.5, ident
        assert not view.horizontalScrollBar().isVisible(), ident


def test_each_page_gets_its_own_strip_after_a_resize(qtbot, bundled_store: Store) -> None:
    view = shown_view(qtbot, 1200, 600)
    show_page(view, bundled_store, "imet")
    view.resize(400, 600)  # narrower than the column: the strip drawn again and put in the document
    show_page(view, bundled_store, "pakistan")
    strip, drawn = view._strip, view._strip_layout
    assert drawn is not None and drawn.width <= view.viewport().width()
    assert all(m.text.startswith("Pakistan: ") for m in strip.marks)
    image = _strip(view)
    assert (image.width(), image.height()) == (round(drawn.width * image.devicePixelRatio()), drawn.height)


def test_a_marks_tooltip_shows_markup_in_the_data_as_text(qtbot) -> None:
    from test_page_html import EVIL, fact, page

    from desktop.core.dates import day_number

    day = day_number("2001-05-01")
    evil = fact("Enacted", date="2001-05-01", when="May 2001", earliest="2001-05-01", latest="2001-05-31",
                days=(day, day + 30, day, day + 30))  # fmt: skip
    hostile = page(name=f"Name {EVIL}", facts=(evil,))
    view = shown_view(qtbot)
    view.set_strip(page_strip(hostile))
    view.setHtml(render_page(hostile, strip=True))
    found = view.document().find("\ufffc")
    corner = view.cursorRect(_at(view, found)).topLeft()
    ((box, _i),) = view._strip_layout.boxes
    tip = view.tooltip_at((QPointF(corner) + box.center()).toPoint())
    assert "<script" not in tip and "<img" not in tip and "&lt;img src=x&gt;" in tip
    assert plain_text(tip) == f"Name {EVIL}: Enacted"  # the fact's phrase, as the test's fact gives it


def plain_text(rich: str) -> str:
    from PySide6.QtGui import QTextDocumentFragment

    return QTextDocumentFragment.fromHtml(rich).toPlainText()

"""Draws a search result: icon and name, then its kind and up to two lines of snippet with the match in bold.

Every row has the same height (the view is told so), so the view lays out
200 results without measuring each one: only the rows on screen are ever
drawn, and the list is repainted after every keystroke's results arrive.

That repaint runs on the GUI thread, and every row drawn is a trip from C++
into Python that must take the interpreter lock, so a row costs little: its
text is read in one call, drawn once into a pixmap (the snippet as one
QTextLayout, wrapped in C++ with the matches as bold formats, not measured
and drawn word by word) and later repaints of the same row (the next
keystroke's results share most rows with the last's, hover, scrolling) only
copy that pixmap. Drawing every row afresh took about 1 ms a row, 10–15 ms a
screen, on every keystroke.

A new row still costs 0.4–0.7 ms (more on a busy machine), so the rows new
to one repaint are drawn against a time budget: once a repaint has spent
ROW_BUDGET_S on them, the rest show their name only and are drawn in full a
frame later, so that a screenful of new results never holds the GUI thread
for more than about one frame.
"""

from __future__ import annotations

import contextlib
import time
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPixmap,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.core.views import HIGHLIGHT_END, HIGHLIGHT_START
from desktop.models.results_model import snippet_runs
from desktop.models.roles import Role

PAD = 4
ICON = 16
SMALL = 0.85  # the snippet's and the kind's font, relative to the list's
SNIPPET_LINES = 2
ELLIPSIS = "…"
CACHED_ROWS = 64  # rows kept drawn: a few screens (a row is some 80 KB at 1×)
ROW_BUDGET_S = 0.005  # new rows drawn in one repaint: a third of a frame, the rest for the page, the list, the box
FRAME_MS = 16  # rows left out of a repaint are drawn this much later
# Qt's enums are Python enums here, and combining or looking them up costs on every row drawn.
_ITEM = QStyle.ControlElement.CE_ItemViewItem
_SELECTED = QStyle.StateFlag.State_Selected
_ACTIVE = QPalette.ColorGroup.Active
_TEXT = QPalette.ColorRole.Text
_SELECTED_TEXT = QPalette.ColorRole.HighlightedText
_LEFT_CENTRED = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class _Fonts:
    """The fonts and metrics a row is drawn with, derived once per list font."""

    def __init__(self, base: QFont) -> None:
        self.bold = QFont(base)
        self.bold.setBold(True)
        self.small = QFont(base)
        self.small.setPointSizeF(self.small.pointSizeF() * SMALL)
        self.bold_metrics = QFontMetrics(self.bold)
        self.small_metrics = QFontMetrics(self.small)
        self.line = QFontMetrics(base).lineSpacing()
        self.small_line = self.small_metrics.lineSpacing()
        self.ellipsis_width = self.small_metrics.horizontalAdvance(ELLIPSIS)
        self.match_format = QTextCharFormat()
        self.match_format.setFontWeight(QFont.Weight.Bold)
        self.kind_format = QTextCharFormat()
        self.kind_format.setFontItalic(True)
        self.wrap = QTextOption()
        self.wrap.setWrapMode(QTextOption.WrapMode.WordWrap)


def snippet_text(runs: list[tuple[str, bool]]) -> tuple[str, list[tuple[int, int]]]:
    """The runs as one line of text, and the (start, length) of each match in it."""
    parts, matches, at = [], [], 0
    for text, bold in runs:
        text = text.replace("\n", " ")
        if bold and text:
            matches.append((at, len(text)))
        parts.append(text)
        at += len(text)
    return "".join(parts), matches


def layout_snippet(
    runs: list[tuple[str, bool]], fonts: _Fonts, width: int, lines: int = SNIPPET_LINES, lead: str = ""
) -> tuple[QTextLayout, float | None]:
    """The snippet wrapped at word boundaries into at most `lines` lines of `width`, matches in bold,
    after `lead` (the entity's kind) in italics.

    Returns the layout (lines placed from 0,0) and, when the text did not fit, the x at which
    an ellipsis goes after the last line (else None).
    """
    text, matches = snippet_text([(lead, False), *runs] if lead else runs)
    layout = QTextLayout(text, fonts.small)
    layout.setTextOption(fonts.wrap)
    ranges = []
    if lead:
        kind = QTextLayout.FormatRange()
        kind.start, kind.length, kind.format = 0, len(lead), fonts.kind_format
        ranges.append(kind)
    for start, length in matches:
        match = QTextLayout.FormatRange()
        match.start, match.length, match.format = start, length, fonts.match_format
        ranges.append(match)
    layout.setFormats(ranges)
    ellipsis_at = None
    layout.beginLayout()
    for n in range(lines):
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, n * fonts.small_line))
        if n == lines - 1 and line.textStart() + line.textLength() < len(text):
            # More than fits: the last line makes room for the ellipsis drawn after it.
            line.setLineWidth(max(1, width - fonts.ellipsis_width))
            ellipsis_at = line.naturalTextWidth()
    layout.endLayout()
    return layout, ellipsis_at


def name_line(name: str, fonts: _Fonts, width: int) -> str:
    """The name as the first line shows it: whole where it fits the row, else cut with an ellipsis."""
    return fonts.bold_metrics.elidedText(name, Qt.TextElideMode.ElideRight, width)


def text_width(option_width: int) -> int:
    """How wide a row's text may run in a row `option_width` pixels wide (after the icon and padding)."""
    return option_width - 1 - (ICON + 2 * PAD) - PAD


RowText = tuple[str, str, str, str]  # name, kind, kind label, snippet with match marks


def row_text(index: QModelIndex | QPersistentModelIndex) -> RowText:
    """What a row shows: from the results model in one call, else through the item roles."""
    model = index.model()
    read = getattr(model, "row_text", None)
    found = read(index.row()) if read is not None else None
    if found is not None:
        return found
    runs = index.data(Role.SNIPPET_RUNS) or []
    snippet = "".join(f"{HIGHLIGHT_START}{text}{HIGHLIGHT_END}" if bold else text for text, bold in runs)
    return (
        index.data(Qt.ItemDataRole.DisplayRole) or "",
        index.data(Role.KIND) or "",
        index.data(Role.KIND_LABEL) or "",
        snippet,
    )


class ResultDelegate(QStyledItemDelegate):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._fonts: tuple[QFont, _Fonts] | None = None
        self._rows: OrderedDict[tuple, QPixmap] = OrderedDict()
        self.rows_drawn = 0  # rows drawn afresh rather than copied from the cache (for tests)
        self.rows_deferred = 0  # rows left to the next frame for want of time (for tests)
        # Seconds a repaint may spend drawing new rows; None: no limit. Spent is reset once the event
        # loop runs again, which is where one repaint ends and the next begins.
        self.row_budget: float | None = ROW_BUDGET_S
        self._spent = 0.0
        self._pass_open = False
        self._later: QRect | None = None  # where rows were left out: repainted a frame later

    def prepare(self, font: QFont) -> None:
        """Make ready what the first row drawn needs (the fonts, their metrics and glyphs) ahead of it."""
        fonts = self._fonts_for(font)
        size = QSize(300, fonts.line + SNIPPET_LINES * fonts.small_line + 2 * PAD)
        sample = ("Ready", "", "Kind", f"a {HIGHLIGHT_START}row{HIGHLIGHT_END}")
        self._draw_row(sample, None, fonts, size, QColor(), 1.0)
        self.rows_drawn -= 1  # a row of no result

    def _fonts_for(self, font: QFont) -> _Fonts:
        if self._fonts is None or self._fonts[0] != font:
            self._fonts = (QFont(font), _Fonts(font))
            self._rows.clear()
        return self._fonts[1]

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        widget = option.widget
        style = widget.style() if widget else QApplication.style()
        # The row's background, selection and focus frame: the option carries no text or icon.
        style.drawControl(_ITEM, option, painter, widget)
        rect = option.rect
        fonts = self._fonts_for(option.font)
        color = option.palette.color(_ACTIVE, _SELECTED_TEXT if option.state & _SELECTED else _TEXT)
        ratio = painter.device().devicePixelRatioF()
        text = row_text(index)
        later = getattr(index.model(), "snippet_later", None)
        if later is not None and later(index.row()):
            index.model().want_snippets()  # type: ignore[attr-defined]  # its kind alone until the snippet comes
        key = (text, rect.width(), rect.height(), color.rgba(), ratio)
        pixmap = self._rows.get(key)
        if pixmap is None:
            if not self._may_draw(widget, rect):
                self._draw_name(painter, text[0], fonts, rect, color)
                return
            started = time.perf_counter()
            icon = index.data(Qt.ItemDataRole.DecorationRole)
            pixmap = self._rows[key] = self._draw_row(text, icon, fonts, rect.size(), color, ratio)
            self._spent += time.perf_counter() - started
            if len(self._rows) > CACHED_ROWS:
                self._rows.popitem(last=False)
        else:
            self._rows.move_to_end(key)
        painter.drawPixmap(rect.topLeft(), pixmap)

    def _may_draw(self, widget: Any, rect: QRect) -> bool:
        """Whether this repaint has time left for a new row; if not, the row is drawn a frame later."""
        if not self._pass_open:
            self._pass_open = True
            self._spent = 0.0
            QTimer.singleShot(0, self, self._end_pass)  # runs once this repaint is over
        # The first new row of a repaint is always drawn, so that every repaint gets somewhere.
        if self.row_budget is None or self._spent == 0.0 or self._spent < self.row_budget or widget is None:
            return True
        self.rows_deferred += 1
        if self._later is None:
            viewport = widget.viewport() if hasattr(widget, "viewport") else widget
            QTimer.singleShot(FRAME_MS, self, lambda: self._draw_later(viewport))
            self._later = QRect(rect)
        else:
            self._later = self._later.united(rect)
        return False

    def _end_pass(self) -> None:
        self._pass_open = False

    def _draw_later(self, viewport: Any) -> None:
        rect, self._later = self._later, None
        if rect is not None:
            with contextlib.suppress(RuntimeError):  # the list went away meanwhile
                viewport.update(rect)

    @staticmethod
    def _draw_name(painter: QPainter, name: str, fonts: _Fonts, rect: QRect, color: QColor) -> None:
        """A row's name alone, in its place: what a row left to the next frame shows until then."""
        width = text_width(rect.width())
        painter.save()
        painter.setPen(color)
        painter.setFont(fonts.bold)
        left = rect.left() + ICON + 2 * PAD
        painter.drawText(QRect(left, rect.top() + PAD, width, fonts.line), _LEFT_CENTRED, name_line(name, fonts, width))
        painter.restore()

    def _draw_row(self, text: RowText, icon: Any, fonts: _Fonts, size: QSize, color: QColor, ratio: float) -> QPixmap:
        """The row's icon and text on a transparent pixmap of the row's size."""
        self.rows_drawn += 1
        name, _kind, kind_label, snippet = text
        pixmap = QPixmap(max(1, round(size.width() * ratio)), max(1, round(size.height() * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        try:
            if icon is not None and hasattr(icon, "paint"):
                icon.paint(painter, QRect(PAD, PAD, ICON, ICON))
            left = ICON + 2 * PAD
            width = text_width(size.width())
            # First line: the name in bold, the whole width its own (the icon says the kind), cut
            # with an ellipsis only where the list is narrower than the name.
            shown = name_line(name, fonts, width)
            painter.setPen(color)
            painter.setFont(fonts.bold)
            painter.drawText(QRect(left, PAD, width, fonts.line), _LEFT_CENTRED, shown)
            # Then the kind in italics and the snippet, wrapped into two lines, matches in bold.
            runs = snippet_runs(snippet)
            lead = f"{kind_label} · " if runs else kind_label
            if lead:
                top = PAD + fonts.line
                painter.setClipRect(QRect(left, top, width, size.height() - 1 - top))
                layout, ellipsis_at = layout_snippet(runs, fonts, width, lead=lead)
                layout.draw(painter, QPointF(left, top))
                if ellipsis_at is not None:
                    baseline = top + (layout.lineCount() - 1) * fonts.small_line + fonts.small_metrics.ascent()
                    painter.setFont(fonts.small)
                    painter.drawText(QPointF(left + ellipsis_at, baseline), ELLIPSIS)
        finally:
            painter.end()
        return pixmap

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        # A name line and two snippet lines in a smaller font, whatever the text: rows stay uniform.
        fonts = self._fonts_for(option.font)
        return QSize(200, fonts.line + SNIPPET_LINES * fonts.small_line + 2 * PAD)

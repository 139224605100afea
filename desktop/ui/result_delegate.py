"""Draws a search result: icon, name and kind, then up to two lines of snippet with the match in bold.

Every row has the same height (the view is told so), so the view lays out
200 results without measuring each one: only the rows on screen are ever
laid out as rich text, when they are painted.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.models.roles import Role

PAD = 4
ICON = 16
SMALL = 0.85  # the snippet's and the kind's font, relative to the list's


class ResultDelegate(QStyledItemDelegate):
    @staticmethod
    def _draw_runs(
        painter: QPainter, runs: list[tuple[str, bool]], fonts: tuple[QFont, QFont], origin: QRect, lines: int
    ) -> None:
        """Word-wrap the snippet's runs into `lines` lines at `origin`, matches in bold, the last line elided.

        Plain drawing, not a rich-text document per row: a result list is repainted on every
        keystroke, and laying out documents there stalled the GUI thread.
        """
        metrics = (QFontMetrics(fonts[0]), QFontMetrics(fonts[1]))
        height = metrics[0].lineSpacing()
        x, line = 0, 0
        # Words with whether a space comes before them: a match run can end mid-word ("IMET's").
        words: list[tuple[str, bool, bool]] = []
        spaced = False
        for text, bold in runs:
            for j, part in enumerate(text.replace("\n", " ").split(" ")):
                spaced = spaced or j > 0
                if part:
                    words.append((part, bold, spaced and bool(words)))
                    spaced = False
        for n, (word, bold, space) in enumerate(words):
            fm = metrics[bold]
            piece = " " + word if space and x else word
            width = fm.horizontalAdvance(piece)
            if x and space and x + width > origin.width():
                line += 1
                x, piece = 0, word
                width = fm.horizontalAdvance(piece)
                if line == lines:
                    return
            last_line = line == lines - 1
            if last_line and (x + width > origin.width() or (n + 1 < len(words) and x + width > origin.width() - 12)):
                piece = fm.elidedText(piece, Qt.TextElideMode.ElideRight, origin.width() - x)
                width = fm.horizontalAdvance(piece)
            painter.setFont(fonts[bold])
            painter.drawText(origin.left() + x, origin.top() + line * height + fm.ascent(), piece)
            x += width

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else QApplication.style()
        opt.text = ""
        opt.icon = opt.icon.__class__()  # the icon is drawn below, beside the first line
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = option.rect
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if icon is not None and hasattr(icon, "paint"):
            icon.paint(painter, QRect(rect.left() + PAD, rect.top() + PAD, ICON, ICON))
        selected = option.state & QStyle.StateFlag.State_Selected
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        color = option.palette.color(QPalette.ColorGroup.Active, role)
        left = rect.left() + ICON + 2 * PAD
        width = rect.right() - left - PAD
        # First line: the name in bold and the kind, cut with an ellipsis rather than wrapped.
        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(small.pointSizeF() * SMALL)
        kind = f"  · {index.data(Role.KIND_LABEL) or ''}"
        kind_width = min(QFontMetrics(small).horizontalAdvance(kind), width // 2)
        name = QFontMetrics(bold).elidedText(
            index.data(Qt.ItemDataRole.DisplayRole) or "", Qt.TextElideMode.ElideRight, width - kind_width
        )
        line = option.fontMetrics.lineSpacing()
        painter.save()
        painter.setPen(color)
        painter.setFont(bold)
        name_rect = QRect(left, rect.top() + PAD, width, line)
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        used = QFontMetrics(bold).horizontalAdvance(name)
        painter.setFont(small)
        kind_rect = QRect(left + used, rect.top() + PAD, width - used, line)
        painter.drawText(kind_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, kind)
        # Then the snippet, wrapped into two lines, matches in bold.
        small_bold = QFont(small)
        small_bold.setBold(True)
        area = QRect(left, rect.top() + PAD + line, width, rect.bottom() - (rect.top() + PAD + line))
        painter.setClipRect(area)
        self._draw_runs(painter, index.data(Role.SNIPPET_RUNS) or [], (small, small_bold), area, 2)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        # A name line and two snippet lines in a smaller font, whatever the text: rows stay uniform.
        small = QFont(option.font)
        small.setPointSizeF(small.pointSizeF() * SMALL)
        return QSize(200, option.fontMetrics.lineSpacing() + 2 * QFontMetrics(small).lineSpacing() + 2 * PAD)

"""Draws a search result: icon, name and kind, then up to two lines of snippet with the match in bold.

Every row has the same height (the view is told so), so the view lays out
200 results without measuring each one: only the rows on screen are ever
laid out as rich text, when they are painted.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QFontMetrics, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.models.roles import Role

PAD = 4
ICON = 16
SMALL = 0.85  # the snippet's and the kind's font, relative to the list's


class ResultDelegate(QStyledItemDelegate):
    def _snippet(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex, color: str
    ) -> QTextDocument:
        doc = QTextDocument()
        font = QFont(option.font)
        font.setPointSizeF(font.pointSizeF() * SMALL)
        doc.setDefaultFont(font)
        doc.setDocumentMargin(0)
        doc.setHtml(f'<div style="color:{color}">{index.data(Role.SNIPPET) or ""}</div>')
        doc.setTextWidth(max(option.rect.width() - ICON - 3 * PAD, 60))
        return doc

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
        # Then the snippet, wrapped, clipped to the row.
        painter.translate(left, rect.top() + PAD + line)
        painter.setClipRect(0, 0, width, rect.bottom() - (rect.top() + PAD + line))
        snippet = self._snippet(option, index, color.name())  # held: the layout dies with its document
        snippet.documentLayout().draw(painter, QAbstractTextDocumentLayout.PaintContext())
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        # A name line and two snippet lines in a smaller font, whatever the text: rows stay uniform.
        small = QFont(option.font)
        small.setPointSizeF(small.pointSizeF() * SMALL)
        return QSize(200, option.fontMetrics.lineSpacing() + 2 * QFontMetrics(small).lineSpacing() + 2 * PAD)

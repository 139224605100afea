"""Draws a search result as two lines: icon, name and kind; then the snippet with the match in bold."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.models.roles import Role
from desktop.ui.page_html import esc

PAD = 4
ICON = 16


class ResultDelegate(QStyledItemDelegate):
    def _document(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        name = esc(index.data(Qt.ItemDataRole.DisplayRole) or "")
        kind = esc(index.data(Role.KIND_LABEL) or "")
        snippet = index.data(Role.SNIPPET) or ""
        selected = option.state & QStyle.StateFlag.State_Selected
        group = QPalette.ColorGroup.Active
        text = option.palette.color(group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        doc.setHtml(
            f'<div style="color:{text.name()}"><b>{name}</b> <span style="font-size:small">· {kind}</span><br>'
            f'<span style="font-size:small">{snippet}</span></div>'
        )
        # sizeHint gets no usable rect: lay the text out to the view's width instead.
        view = option.widget
        full = view.viewport().width() if view is not None and hasattr(view, "viewport") else option.rect.width()
        width = full - ICON - 3 * PAD
        doc.setTextWidth(max(width, 120))
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
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        rect = option.rect
        if icon is not None and hasattr(icon, "paint"):
            icon.paint(painter, QRect(rect.left() + PAD, rect.top() + PAD + 1, ICON, ICON))
        doc = self._document(option, index)
        painter.save()
        painter.translate(rect.left() + ICON + 2 * PAD, rect.top() + PAD // 2)
        painter.setClipRect(0, 0, rect.width() - ICON - 2 * PAD, rect.height())
        context = QAbstractTextDocumentLayout.PaintContext()
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        doc = self._document(option, index)
        return QSize(int(doc.textWidth()) + ICON + 3 * PAD, int(doc.size().height()) + PAD)

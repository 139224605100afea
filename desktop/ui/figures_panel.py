"""The official figures pane: switches above, the chart and, beside it, a sortable table of the same numbers.

It is given the figures of one page (Store.figures) and works out everything else itself: the
types present (obligations chosen when there are any), whether constant dollars exist for the
type chosen, the years a ranking may be asked for. The chart and the table always show the same
type; the chart shows the dollars chosen, the table both (the chosen column in bold). Choosing a
year ranks that year's figures, largest first.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Sequence

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QFont, QFontMetrics, QResizeEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.dates import FuzzyDate
from desktop.core.figures import type_label
from desktop.core.views import FigureView
from desktop.models.figures_series import (
    by_type,
    chart_data,
    default_type,
    has_constant,
    money,
    ordered_types,
    other_end,
    perspective,
    table_rows,
    years_of,
)
from desktop.models.figures_table import CONSTANT, CURRENT, LOCATOR, OTHER, SOURCE, TYPE, YEAR, FiguresTableModel
from desktop.ui.figures_chart import FiguresChart


class FiguresPanel(QWidget):
    """Signals: entityActivated(id) when a series or a table row's entity is asked for;
    exportChartRequested() and exportTableRequested() from the context menus."""

    entityActivated = Signal(str)
    exportChartRequested = Signal()
    exportTableRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figuresPanel")
        self.ident: str | None = None
        self.name = ""
        self.by = "country"
        self.figures: list[FigureView] = []
        self._of_type: dict[str, list[FigureView]] = {}  # the figures split by type: each switch reads one

        self.title_label = QLabel(self)
        self.title_label.setObjectName("figuresTitle")
        self.type_box = self._combo("figuresType", "Transaction type")
        self.dollars_box = self._combo("figuresDollars", "Dollars")
        self.dollars_box.addItem("Current US$", "current")
        self.dollars_box.addItem("Constant US$", "constant")
        self.year_box = self._combo("figuresYear", "Rank the figures of one fiscal year")
        self.note_label = QLabel(self)
        self.note_label.setObjectName("figuresNote")
        self.note_label.setEnabled(False)  # drawn muted

        self.chart = FiguresChart(self)
        self.chart.seriesActivated.connect(self.entityActivated)
        self.chart.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.chart.customContextMenuRequested.connect(lambda pos: self._popup(self.chart_menu(), self.chart, pos))
        self.model = FiguresTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("figuresTable")
        self.table.setAccessibleName("Official figures table")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().hide()
        # The table shows one transaction type, the one the Type switch names: its column would repeat
        # it on every row and push the amounts out of sight. The CSV export keeps it.
        self.table.setColumnHidden(TYPE, True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open_row)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(lambda pos: self._popup(self.table_menu(), self.table, pos))

        switches = QHBoxLayout()
        switches.setContentsMargins(0, 0, 0, 0)
        switches.addWidget(self.title_label)
        switches.addSpacing(12)
        for label, box in (("&Type", self.type_box), ("&Dollars", self.dollars_box), ("&Year", self.year_box)):
            caption = QLabel(label, self)
            caption.setBuddy(box)
            switches.addWidget(caption)
            switches.addWidget(box)
        switches.addWidget(self.note_label, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("figuresSplitter")
        self.splitter.addWidget(self.chart)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self._split = False  # the chart and the table shared out once the pane first has a width
        content = QWidget(self)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(switches)
        inner.addWidget(self.splitter, 1)
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("figuresEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.addWidget(self.stack)

        self.type_box.currentIndexChanged.connect(self._on_type)
        self.dollars_box.currentIndexChanged.connect(self._refresh)
        self.year_box.currentIndexChanged.connect(self._on_year)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = self.splitter.width()
        if not self._split and width > 400:
            self._split = True
            self.splitter.setSizes([round(width * 0.58), width - round(width * 0.58)])

    def _combo(self, name: str, accessible: str) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        box.setAccessibleName(accessible)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return box

    # -- what it shows -------------------------------------------------------------------------

    @property
    def has_figures(self) -> bool:
        return bool(self.figures)

    def set_figures(self, ident: str, name: str, figures: Sequence[FigureView]) -> None:
        """Show the figures of entity `ident` (its name is `name`): a new page starts on its default type."""
        self.ident, self.name, self.figures = ident, name, list(figures)
        self.by = perspective(ident, self.figures)
        self._of_type = by_type(self.figures)
        ends = (f.program.id for f in self.figures) if self.by == "country" else (f.country.id for f in self.figures)
        others = len(set(ends))
        what = "program" if self.by == "country" else "recipient"
        self.title_label.setText(
            f"<b>{_escape(name)}</b>: {len(self.figures):,} figure{'s' if len(self.figures) != 1 else ''}, "
            f"{others:,} {what}{'s' if others != 1 else ''}"
        )
        types = ordered_types(self._of_type)
        with _quiet(self.type_box, self.dollars_box, self.year_box):
            self.type_box.clear()
            for kind in types:
                self.type_box.addItem(type_label(kind), kind)
            self.type_box.setCurrentIndex(max(self.type_box.findData(default_type(types)), 0))
            self.dollars_box.setCurrentIndex(0)
        # A new page starts in year order. Sorting sorts the rows the model holds: the last page's go first.
        self.model.set_rows([], self.by)
        self.table.sortByColumn(YEAR, Qt.SortOrder.AscendingOrder)
        self._fill_years()
        self._refresh()
        self.stack.setCurrentIndex(1)

    def clear(self, message: str) -> None:
        """Show `message` in place of the chart and the table, which let go of their figures."""
        self.ident, self.figures, self._of_type = None, [], {}
        self.model.set_rows([], self.by)
        self.chart.set_data(chart_data([], self.by, ""))
        self.empty_label.setText(message)
        self.stack.setCurrentIndex(0)

    def set_as_of(self, when: FuzzyDate | None) -> None:
        self.chart.set_as_of(when)

    @property
    def kind(self) -> str:
        return str(self.type_box.currentData() or "")

    @property
    def dollars(self) -> str:
        return str(self.dollars_box.currentData() or "current")

    @property
    def year(self) -> int | None:
        year = self.year_box.currentData()
        return int(year) if year is not None else None

    # -- the switches --------------------------------------------------------------------------

    def _fill_years(self) -> None:
        chosen = self.year
        with _quiet(self.year_box):
            self.year_box.clear()
            self.year_box.addItem("All years", None)
            for year in years_of(self._shown_type(), self.kind):
                self.year_box.addItem(f"FY{year} ranking", year)
            self.year_box.setCurrentIndex(max(self.year_box.findData(chosen), 0))

    def _fill_dollars(self) -> None:
        """Constant dollars greyed out for a type no figure gives them for (current chosen instead)."""
        constant = has_constant(self._shown_type(), self.kind)
        model = self.dollars_box.model()
        assert isinstance(model, QStandardItemModel)  # a QComboBox's own model
        item = model.item(self.dollars_box.findData("constant"))
        item.setEnabled(constant)
        item.setToolTip("" if constant else "The source gives no constant dollars for this type")
        if not constant and self.dollars == "constant":
            with _quiet(self.dollars_box):
                self.dollars_box.setCurrentIndex(self.dollars_box.findData("current"))

    def _shown_type(self) -> list[FigureView]:
        """The figures of the type the Type switch names."""
        return self._of_type.get(self.kind, [])

    @Slot()
    def _on_type(self) -> None:
        self._fill_years()
        self._refresh()

    @Slot()
    def _on_year(self) -> None:
        self._refresh()
        if self.year is None:  # back from a ranking: year order again
            self.table.sortByColumn(YEAR, Qt.SortOrder.AscendingOrder)

    @Slot()
    def _refresh(self) -> None:
        if not self.figures:
            return
        self._fill_dollars()
        kind, dollars, year = self.kind, self.dollars, self.year
        shown = self._shown_type()
        data = chart_data(shown, self.by, kind, dollars)
        self.chart.set_data(data)
        self.chart.set_selected_year(year)
        self.model.set_dollars(dollars)
        self.model.set_rows(table_rows(shown, kind, year), self.by)
        self.table.verticalHeader().setVisible(year is not None)  # the row numbers are the ranks
        if year is not None:  # a ranking: largest first, in the dollars chosen
            column = CONSTANT if dollars == "constant" else CURRENT
            self.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
        notes = []
        if data.left_out:
            noun = "figure" if data.left_out == 1 else "figures"
            notes.append(f"{data.left_out} {noun} without constant dollars left out of the chart")
        self.note_label.setText("; ".join(notes))
        self._size_columns()

    def _size_columns(self) -> None:
        """Each column as wide as its widest text. Measured over the distinct texts only: the view's own
        resizeColumnsToContents asks for every cell's data and size hint, a third of a second for 2,000 rows."""
        model, header = self.model, self.table.horizontalHeader()
        metrics, bold = self.table.fontMetrics(), QFont(self.table.font())
        bold.setBold(True)
        strong = QFontMetrics(bold)
        rows = model.figures
        ends = (f.program for f in rows) if self.by == "country" else (f.country for f in rows)
        texts: dict[int, Collection[str]] = {
            YEAR: ("8888",),
            OTHER: {end.name for end in ends},
            TYPE: {type_label(kind) for kind in {f.type for f in rows}},
            CURRENT: {money(f.current) for f in rows},
            CONSTANT: {money(f.constant) for f in rows},
            SOURCE: {f.source.title for f in rows},
            LOCATOR: {f.locator for f in rows},
        }
        padding = 2 * self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 12
        for column, title in enumerate(model.titles()):
            # Thousands of amounts or locators: digits are as wide as one another, so the longest few
            # texts are the widest (names are few, and measured all).
            found = texts[column]
            measured = heapq.nlargest(8, found, key=len) if len(found) > 64 else found
            cap = 180 if column in (OTHER, SOURCE) else 260  # long names are elided; the amounts stay in sight
            widest = 0
            for text in sorted(measured, key=len, reverse=True):
                widest = max(widest, strong.horizontalAdvance(text))
                if widest + padding >= cap:
                    break  # the column is as wide as it gets: the other texts cannot change it
            heading = strong.horizontalAdvance(title) + 30  # room for the sort arrow
            header.resizeSection(column, min(max(widest, metrics.horizontalAdvance(title), heading) + padding, cap))

    # -- menus and rows -------------------------------------------------------------------------

    def chart_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction("Export chart as PNG or SVG…", self.exportChartRequested.emit)
        menu.addAction("Export table as CSV…", self.exportTableRequested.emit)
        return menu

    def table_menu(self) -> QMenu:
        menu = QMenu(self)
        index = self.table.currentIndex()
        if index.isValid():
            entity = other_end(self.model.figure(index.row()), self.by)
            opened = QAction(f"Open {entity.name}", menu)
            opened.triggered.connect(lambda: self.entityActivated.emit(entity.id))
            menu.addAction(opened)
            menu.addSeparator()
        menu.addAction("Export table as CSV…", self.exportTableRequested.emit)
        menu.addAction("Export chart as PNG or SVG…", self.exportChartRequested.emit)
        return menu

    def _popup(self, menu: QMenu, widget: QWidget, pos: QPoint) -> None:
        menu.exec(widget.mapToGlobal(pos))
        menu.deleteLater()

    @Slot(QModelIndex)
    def _open_row(self, index: QModelIndex) -> None:
        if index.isValid():
            self.entityActivated.emit(other_end(self.model.figure(index.row()), self.by).id)


class FiguresDock(QDockWidget):
    """Signals: closed() when the reader closes it (its own button), not when the window hides it."""

    closed = Signal()

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _quiet:
    """Blocks the widgets' signals while the panel fills them, so each change is not taken for a choice."""

    def __init__(self, *widgets: QWidget) -> None:
        self.widgets = widgets

    def __enter__(self) -> None:
        self.before = [w.blockSignals(True) for w in self.widgets]

    def __exit__(self, *exc: object) -> None:
        for widget, before in zip(self.widgets, self.before, strict=True):
            widget.blockSignals(before)

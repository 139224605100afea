"""The figures table's model: one row per figure, numbers kept as numbers and shown with separators.

DisplayRole is what a person reads ("2,500,000.50", "—" for no amount); SORT_ROLE (UserRole) is the
value itself (an int year, a float amount, None for none), which sorting and the tests use. The model
sorts itself (a view's header click calls `sort`): rows without an amount go last whatever the order.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import Any, TextIO

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from desktop.core.figures import fiscal_year_bounds, type_label
from desktop.core.views import FigureView
from desktop.models.figures_series import money, other_end

SORT_ROLE = Qt.ItemDataRole.UserRole
# The roles the cells answer, as plain ints (the view passes ints): a view asks for seven roles of
# every cell it paints, and those it leaves to the style (colours, decoration, check state) get None
# before anything else is looked at.
DISPLAY, ALIGNMENT, FONT, TOOLTIP, SORT = (
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ToolTipRole,
        SORT_ROLE,
    )
)
ANSWERED = frozenset((DISPLAY, ALIGNMENT, FONT, TOOLTIP, SORT))
YEAR, OTHER, TYPE, CURRENT, CONSTANT, SOURCE, LOCATOR = range(7)
NUMERIC = (YEAR, CURRENT, CONSTANT)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTER = int(Qt.AlignmentFlag.AlignCenter)
Index = QModelIndex | QPersistentModelIndex


def plain(value: float | None) -> str:
    """An amount for a CSV file: dollars and cents, no separators ("" for none)."""
    return "" if value is None else f"{value:.2f}"


class FiguresTableModel(QAbstractTableModel):
    """The figures of a page, of one type (and, for a ranking, one year)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[FigureView] = []
        self._by = "country"  # the page's end: the table names the other
        self._dollars = "current"  # the chart's dollars: their column is the one in bold
        self._sorted: tuple[int, Qt.SortOrder] | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    # -- what it holds ---------------------------------------------------------------------

    def set_rows(self, rows: Sequence[FigureView], by: str) -> None:
        """Show `rows` (then sorted as last asked), naming their program, or country when `by` is "program"."""
        self.beginResetModel()
        self._rows = list(rows)
        self._by = by
        if self._sorted is not None:
            self._rows = [self._rows[n] for n in self._order(list(range(len(self._rows))), *self._sorted)]
        self.endResetModel()

    def set_dollars(self, dollars: str) -> None:
        if dollars != self._dollars:
            self._dollars = dollars
            if self._rows:
                for column in (CURRENT, CONSTANT):
                    self.dataChanged.emit(
                        self.index(0, column), self.index(len(self._rows) - 1, column), [Qt.ItemDataRole.FontRole]
                    )

    def figure(self, row: int) -> FigureView:
        return self._rows[row]

    @property
    def figures(self) -> list[FigureView]:
        return list(self._rows)

    def titles(self) -> list[str]:
        other = "Country" if self._by == "program" else "Program"
        return ["Fiscal year", other, "Type", "Amount (current US$)", "Amount (constant US$)", "Source", "Locator"]

    # -- the model ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else 7

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < 7:
            if role == DISPLAY:
                return self.titles()[section]
            if role == ALIGNMENT and section in NUMERIC:
                return CENTER  # right-aligned, a title would run under the sort arrow
            return None
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if role not in ANSWERED or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if row >= len(self._rows) or not 0 <= column < 7:
            return None
        figure = self._rows[row]
        if role == DISPLAY:
            return self._text(figure, column)
        if role == SORT:
            return self._value(figure, column)
        if role == ALIGNMENT:
            return RIGHT if column in NUMERIC else None
        if role == FONT:
            return self._bold if column == (CONSTANT if self._dollars == "constant" else CURRENT) else None
        return self._tooltip(figure, column)

    def _text(self, figure: FigureView, column: int) -> str:
        if column == YEAR:
            return str(figure.fiscal_year)
        if column == OTHER:
            return other_end(figure, self._by).name
        if column == TYPE:
            return type_label(figure.type)
        if column == CURRENT:
            return money(figure.current)
        if column == CONSTANT:
            return money(figure.constant)
        if column == SOURCE:
            return figure.source.title
        return figure.locator

    def _value(self, figure: FigureView, column: int) -> Any:
        if column == YEAR:
            return figure.fiscal_year
        if column == CURRENT:
            return figure.current
        if column == CONSTANT:
            return figure.constant
        return self._text(figure, column)

    def _tooltip(self, figure: FigureView, column: int) -> str | None:
        if column == YEAR:
            first, last = fiscal_year_bounds(figure.fiscal_year)
            return f"FY{figure.fiscal_year}: {first} to {last}"
        if column == SOURCE:
            source = figure.source
            return "\n".join(part for part in (source.title, source.publisher, source.url, source.license) if part)
        if column == OTHER:
            return f"Double-click to open {other_end(figure, self._by).name}"
        return None

    # -- sorting -----------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < 7:
            return
        self._sorted = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        places = self._order(list(range(len(self._rows))), column, order)
        self._rows = [self._rows[n] for n in places]
        moved = {old: new for new, old in enumerate(places)}
        self.changePersistentIndexList(before, [self.index(moved[i.row()], i.column()) for i in before])
        self.layoutChanged.emit()

    def _order(self, rows: list[int], column: int, order: Qt.SortOrder) -> list[int]:
        """`rows` (indexes into the rows) sorted by `column`: ties by year and name; no amount last either way.

        Each row's keys are worked out once, not once per comparison: a page sorts a thousand rows or more."""
        figures, by = self._rows, self._by

        def value(figure: FigureView) -> Any:
            found = self._value(figure, column)
            return found.casefold() if isinstance(found, str) else found

        ties = {n: (figures[n].fiscal_year, other_end(figures[n], by).name.casefold()) for n in rows}
        values = {n: value(figures[n]) for n in rows}
        rows = sorted(rows, key=ties.__getitem__)
        known = [n for n in rows if values[n] is not None]
        # A stable sort keeps the ties in year and name order, reversed or not.
        known.sort(key=values.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        return known + [n for n in rows if values[n] is None]

    # -- export ------------------------------------------------------------------------------

    def write_csv(self, out: TextIO) -> None:
        """The rows in their shown order, with the table's titles; amounts as plain numbers."""
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.titles())
        for f in self._rows:
            writer.writerow(
                [
                    f.fiscal_year,
                    other_end(f, self._by).name,
                    type_label(f.type),
                    plain(f.current),
                    plain(f.constant),
                    f.source.title,
                    f.locator,
                ]
            )

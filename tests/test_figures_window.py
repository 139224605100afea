"""Official figures in the window: the dock that follows the page, its chart and its table.

A small data folder carries a figures table written by hand (as in test_figures.py): Freedonia has
seven programs' obligations (five series and "Other"), a de-obligation, disbursements, and a budget
type with no constant dollars; the Drill Program has three recipients in FY2015.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from datafiles import entity, write
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QTableView, QWidget
from ui_support import ThemeGuard, fake_tooltips, open_window

from desktop.core.dates import parse_date
from desktop.core.figures import COLUMNS
from desktop.ui import actions
from desktop.ui.main_window import MainWindow

SOURCE = "test-dataset"
SOURCE_TITLE = "A test dataset"
LEFT = Qt.MouseButton.LeftButton

PROGRAMS = {
    "drill": "Drill Program",
    "grant": "Grant Program",
    "cadet": "Cadet Program",
    "radar": "Radar Program",
    "patrol": "Patrol Program",
    "signal": "Signal Program",
    "medic": "Medic Program",
}

# country, program, fiscal year, type, current, constant, locator
ROWS = [
    ("freedonia", "grant", 2014, "obligations", "7000000.00", "7100000.00", "row 2"),
    ("freedonia", "grant", 2015, "obligations", "8000000.00", "8200000.00", "row 3"),
    ("freedonia", "grant", 2016, "obligations", "6500000.00", "6600000.00", "row 4"),
    ("freedonia", "drill", 2014, "obligations", "1000000.00", "1100000.00", "row 5"),
    ("freedonia", "drill", 2015, "obligations", "2500000.50", "2600000.00", "row 6"),
    ("freedonia", "drill", 2016, "obligations", "-500000.50", "", "row 7"),  # a de-obligation, no constant
    ("freedonia", "cadet", 2015, "obligations", "900000.00", "950000.00", "row 8"),
    ("freedonia", "radar", 2015, "obligations", "800000.00", "820000.00", "row 9"),
    ("freedonia", "patrol", 2016, "obligations", "700000.00", "710000.00", "row 10"),
    ("freedonia", "signal", 2016, "obligations", "50000.00", "51000.00", "row 11"),
    ("freedonia", "medic", 2014, "obligations", "20000.00", "21000.00", "row 12"),
    ("freedonia", "drill", 2015, "disbursements", "900000.00", "950000.00", "row 13"),
    ("freedonia", "grant", 2015, "disbursements", "5000000.00", "5100000.00", "row 14"),
    ("freedonia", "grant", 2016, "budget-requests", "9000000.00", "", "row 15"),
    ("sylvania", "drill", 2015, "obligations", "300.00", "310.00", "rows 16, 17"),
    ("world", "drill", 2015, "obligations", "99.00", "", "row 18"),
]


@pytest.fixture
def folder(data_dir: Path) -> Path:
    with (data_dir / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write(f"  - id: {SOURCE}\n    title: {SOURCE_TITLE}\n    publisher: Tests\n    license: CC0\n")
    write(data_dir, "countries/freedonia.yaml", entity("freedonia", kind="country"))
    write(data_dir, "countries/sylvania.yaml", entity("sylvania", kind="country"))
    write(data_dir, "countries/ruritania.yaml", entity("ruritania", kind="country"))  # no figures
    write(data_dir, "regions/world.yaml", entity("world", kind="region"))
    for ident, name in PROGRAMS.items():
        write(data_dir, f"programs/{ident}.yaml", entity(ident, name=name))
    table = io.StringIO()
    out = csv.writer(table, lineterminator="\n")
    out.writerow(COLUMNS)
    out.writerows(ROWS)
    (data_dir / "figures").mkdir()
    (data_dir / "figures" / f"{SOURCE}.csv").write_text(table.getvalue(), encoding="utf-8")
    return data_dir


@pytest.fixture
def window(qtbot, folder: Path, tmp_path: Path) -> MainWindow:
    window = open_window(qtbot, ["--no-bundled", "--data", str(folder), "--cache-dir", str(tmp_path / "cache")])
    assert window.store.problems() == []
    window.resize(1300, 900)
    return window


def show(qtbot, window: MainWindow, ident: str) -> None:
    """Show `ident` and wait until the figures dock has what it asked for."""
    assert window.show_entity(ident)
    qtbot.waitUntil(lambda: not window.figures.busy(), timeout=5000)


def chart(window: MainWindow):
    found = window.findChild(QWidget, "figuresChart")
    assert found is not None
    return found


def table(window: MainWindow) -> QTableView:
    found = window.findChild(QTableView, "figuresTable")
    assert found is not None
    return found


def column(view: QTableView, title: str) -> int:
    model = view.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return titles.index(title)


def cells(view: QTableView, title: str, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> list:
    model, c = view.model(), column(view, title)
    return [model.data(model.index(r, c), role) for r in range(model.rowCount())]


def expected(country: str | None = None, program: str | None = None, kind: str = "obligations") -> list[tuple]:
    """The rows of the file the table shows, in its first order: by fiscal year, then by the other end's name."""
    rows = [
        r
        for r in ROWS
        if r[3] == kind and (country is None or r[0] == country) and (program is None or r[1] == program)
    ]
    return sorted(rows, key=lambda r: (r[2], PROGRAMS[r[1]] if country else r[0]))


def number(text: str) -> float | None:
    return float(text) if text else None


# -- a country page -----------------------------------------------------------------------------------------------


def test_a_country_page_shows_a_chart_and_a_table_of_its_figures(qtbot, window: MainWindow):
    show(qtbot, window, "freedonia")
    view, drawn = table(window), chart(window)
    assert window.figures.dock.isVisible() and drawn.isVisible() and view.isVisible()
    assert view.isSortingEnabled()
    rows = expected("freedonia")
    assert cells(view, "Fiscal year", Qt.ItemDataRole.UserRole) == [r[2] for r in rows]
    assert cells(view, "Program") == [PROGRAMS[r[1]] for r in rows]
    assert set(cells(view, "Type")) == {"Obligations"}
    assert cells(view, "Amount (current US$)", Qt.ItemDataRole.UserRole) == [float(r[4]) for r in rows]
    assert cells(view, "Amount (constant US$)", Qt.ItemDataRole.UserRole) == [number(r[5]) for r in rows]
    assert cells(view, "Source") == [SOURCE_TITLE] * len(rows)
    assert cells(view, "Locator") == [r[6] for r in rows]
    # Numbers as numbers for sorting, shown with thousands separators.
    shown = cells(view, "Amount (current US$)")
    assert "2,500,000.50" in shown and "7,000,000" in shown and "−500,000.50" in shown
    assert cells(view, "Amount (constant US$)")[rows.index(ROWS[5])] == "—"
    # The chart: the five largest programs and the rest as "Other", stacked by fiscal year.
    data = drawn.data
    assert [s.name for s in data.series] == [
        *(PROGRAMS[p] for p in ("grant", "drill", "cadet", "radar", "patrol")),
        "Other",
    ]
    assert data.years == (2014, 2015, 2016)
    assert drawn.amount(2016, "Other") == 50000.0 and drawn.amount(2014, "Other") == 20000.0
    assert drawn.amount(2015, "drill") == 2500000.5


def test_the_type_and_dollars_switches_change_the_chart_and_the_table(qtbot, window: MainWindow):
    show(qtbot, window, "freedonia")
    panel, view, drawn = window.figures.panel, table(window), chart(window)
    types = [panel.type_box.itemData(i) for i in range(panel.type_box.count())]
    assert types == ["obligations", "disbursements", "budget-requests"]
    assert panel.type_box.currentData() == "obligations"  # by default when present
    panel.type_box.setCurrentIndex(types.index("disbursements"))
    rows = expected("freedonia", kind="disbursements")
    assert cells(view, "Amount (current US$)", Qt.ItemDataRole.UserRole) == [float(r[4]) for r in rows]
    assert set(cells(view, "Type")) == {"Disbursements"}
    assert drawn.amount(2015, "grant") == 5e6 and drawn.data.type == "disbursements"
    # Constant dollars: the chart's amounts change; the table's constant column is the one in bold.
    panel.dollars_box.setCurrentIndex(panel.dollars_box.findData("constant"))
    assert drawn.amount(2015, "grant") == 5.1e6 and drawn.amount(2015, "drill") == 950000.0
    constant = column(view, "Amount (constant US$)")
    assert view.model().index(0, constant).data(Qt.ItemDataRole.FontRole).bold()
    assert cells(view, "Amount (constant US$)", Qt.ItemDataRole.UserRole) == [float(r[5]) for r in rows]
    # A type with no constant dollars: constant is greyed out and the chart goes back to current.
    panel.type_box.setCurrentIndex(types.index("budget-requests"))
    model = panel.dollars_box.model()
    assert not model.item(panel.dollars_box.findData("constant")).isEnabled()
    assert panel.dollars_box.currentData() == "current" and drawn.amount(2016, "grant") == 9e6
    assert cells(view, "Amount (current US$)", Qt.ItemDataRole.UserRole) == [9e6]
    # Back to obligations in constant dollars: a figure without them is left out of the chart, and said so.
    panel.type_box.setCurrentIndex(types.index("obligations"))
    panel.dollars_box.setCurrentIndex(panel.dollars_box.findData("constant"))
    assert drawn.amount(2016, "drill") is None and drawn.amount(2015, "drill") == 2.6e6
    assert "1 figure without constant dollars" in panel.note_label.text()


def test_clicking_a_header_sorts_the_table_by_number(qtbot, window: MainWindow):
    show(qtbot, window, "freedonia")
    view = table(window)
    header = view.horizontalHeader()
    c = column(view, "Amount (current US$)")
    x = header.sectionViewportPosition(c) + header.sectionSize(c) // 2
    qtbot.mouseClick(header.viewport(), LEFT, pos=QPoint(x, header.height() // 2))
    amounts = cells(view, "Amount (current US$)", Qt.ItemDataRole.UserRole)
    assert amounts in (sorted(amounts), sorted(amounts, reverse=True))
    qtbot.mouseClick(header.viewport(), LEFT, pos=QPoint(x, header.height() // 2))
    again = cells(view, "Amount (current US$)", Qt.ItemDataRole.UserRole)
    assert again == list(reversed(amounts)) and again[0] != again[-1]
    # A figure without constant dollars goes last, whichever the order, not among the numbers.
    c = column(view, "Amount (constant US$)")
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        view.sortByColumn(c, order)
        constant = cells(view, "Amount (constant US$)", Qt.ItemDataRole.UserRole)
        assert constant[-1] is None and None not in constant[:-1]
        assert constant[:-1] == sorted(constant[:-1], reverse=order == Qt.SortOrder.DescendingOrder)


def test_a_negative_amount_is_drawn_below_the_axis(qtbot, window: MainWindow):
    show(qtbot, window, "freedonia")
    drawn = chart(window)
    zero = drawn.zero_y()
    below, above = drawn.bar_rect(2016, "drill"), drawn.bar_rect(2016, "grant")
    assert below is not None and above is not None
    assert below.top() >= zero - 0.5 and below.height() > 0
    assert above.bottom() <= zero + 0.5 and above.height() > 0
    assert drawn.bar_rect(2014, "cadet") is None  # no figure that year


def test_hovering_a_bar_shows_the_exact_figure_and_its_source(qtbot, window: MainWindow, monkeypatch):
    from desktop.ui import figures_chart

    shown = fake_tooltips(monkeypatch, figures_chart)
    show(qtbot, window, "freedonia")
    drawn = chart(window)
    for pos in (drawn.bar_rect(2015, "drill").center().toPoint(), QPoint(1, 1)):
        QApplication.sendEvent(drawn, QHelpEvent(QEvent.Type.ToolTip, pos, drawn.mapToGlobal(pos)))
    assert len(shown) == 2 and shown[1] == ""
    tip = shown[0]
    for part in ("Drill Program", "FY2015", "$2,500,000.50", "current US$", "Obligations", SOURCE_TITLE, "row 6"):
        assert part in tip, part
    # "Other" names what it gathers.
    other = drawn.tooltip_at(drawn.bar_rect(2016, "Other").center().toPoint())
    assert "Other" in other and "Signal Program" in other and "$50,000" in other and "row 11" in other


def test_clicking_a_series_opens_its_program_and_the_dock_follows(qtbot, window: MainWindow):
    show(qtbot, window, "freedonia")
    drawn = chart(window)
    qtbot.mouseClick(drawn, LEFT, pos=drawn.bar_rect(2015, "drill").center().toPoint())
    qtbot.waitUntil(lambda: window.current_entity == "drill" and not window.figures.busy())
    # The program's page: its recipients over time.
    assert [s.name for s in chart(window).data.series] == ["Freedonia", "Sylvania", "World"]
    assert cells(table(window), "Country")[:1] == ["Freedonia"]
    # A legend entry opens its series too; "Other" opens nothing.
    window.show_entity("freedonia")
    qtbot.waitUntil(lambda: not window.figures.busy() and chart(window).data.series[0].key == "grant")
    drawn = chart(window)
    qtbot.mouseClick(drawn, LEFT, pos=drawn.legend_rect("Other").center().toPoint())
    assert window.current_entity == "freedonia"
    qtbot.mouseClick(drawn, LEFT, pos=drawn.legend_rect("grant").center().toPoint())
    assert window.current_entity == "grant"


def test_a_program_page_ranks_its_recipients_for_a_chosen_year(qtbot, window: MainWindow):
    show(qtbot, window, "drill")
    panel, view = window.figures.panel, table(window)
    years = [panel.year_box.itemData(i) for i in range(panel.year_box.count())]
    assert years == [None, 2016, 2015, 2014]  # all years, then the latest first
    panel.year_box.setCurrentIndex(years.index(2015))
    assert cells(view, "Country") == ["Freedonia", "Sylvania", "World"]
    assert cells(view, "Amount (current US$)", Qt.ItemDataRole.UserRole) == [2500000.5, 300.0, 99.0]
    assert set(cells(view, "Fiscal year", Qt.ItemDataRole.UserRole)) == {2015}
    assert chart(window).selected_year == 2015
    # Ranked by the dollars chosen: World has no constant figure, so it goes last.
    panel.dollars_box.setCurrentIndex(panel.dollars_box.findData("constant"))
    assert cells(view, "Country") == ["Freedonia", "Sylvania", "World"]
    panel.year_box.setCurrentIndex(0)
    assert len(cells(view, "Country")) == len(expected(program="drill"))


# -- export -------------------------------------------------------------------------------------------------------


def test_the_chart_exports_as_png_and_svg_and_the_table_as_csv(qtbot, window: MainWindow, tmp_path: Path):
    show(qtbot, window, "freedonia")
    controls = window.figures
    file_menu = window.menuBar().actions()[0].menu()
    assert controls.action_export_chart in file_menu.actions() and controls.action_export_table in file_menu.actions()
    assert controls.action_export_chart.isEnabled() and controls.action_export_table.isEnabled()
    assert controls.export_chart(tmp_path / "chart.png")
    image = QImage(str(tmp_path / "chart.png"))
    assert not image.isNull() and image.width() > 100
    assert len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}) > 8
    assert controls.export_chart(tmp_path / "chart.svg")
    assert ET.parse(tmp_path / "chart.svg").getroot().tag == "{http://www.w3.org/2000/svg}svg"
    assert "Grant Program</text>" in (tmp_path / "chart.svg").read_text(encoding="utf-8")  # text stays text
    assert controls.export_table(tmp_path / "table.csv")
    with (tmp_path / "table.csv").open(encoding="utf-8", newline="") as f:
        written = list(csv.reader(f))
    assert written[0] == [
        "Fiscal year", "Program", "Type", "Amount (current US$)", "Amount (constant US$)", "Source", "Locator",
    ]  # fmt: skip
    rows = expected("freedonia")
    assert written[1:] == [[str(r[2]), PROGRAMS[r[1]], "Obligations", r[4], r[5], SOURCE_TITLE, r[6]] for r in rows]


def test_a_write_error_is_a_message_not_a_traceback(qtbot, window: MainWindow, tmp_path: Path):
    show(qtbot, window, "freedonia")
    messages: list[str] = []
    window.figures.message.connect(messages.append)
    missing = tmp_path / "no such folder"
    assert not window.figures.export_chart(missing / "chart.png")
    assert not window.figures.export_chart(missing / "chart.svg")
    assert not window.figures.export_table(missing / "table.csv")
    assert len(messages) == 3 and all(m.startswith("Could not write") for m in messages)
    assert not missing.exists()
    assert window.statusBar().currentMessage().startswith("Could not write")


def test_the_file_dialog_exports_with_the_suffix_the_filter_names(qtbot, window: MainWindow, tmp_path, monkeypatch):
    from desktop.ui import figures_dock

    show(qtbot, window, "freedonia")
    chosen = iter([(str(tmp_path / "a"), "SVG image (*.svg)"), (str(tmp_path / "b"), "CSV file (*.csv)"), ("", "")])
    monkeypatch.setattr(figures_dock.QFileDialog, "getSaveFileName", lambda *a, **k: next(chosen))
    window.figures.action_export_chart.trigger()
    window.figures.action_export_table.trigger()
    window.figures.action_export_table.trigger()  # cancelled: nothing happens
    assert (tmp_path / "a.svg").is_file() and (tmp_path / "b.csv").is_file()


def test_context_menus_offer_the_exports(qtbot, window: MainWindow):
    show(qtbot, window, "freedonia")
    panel = window.figures.panel
    assert [a.text() for a in panel.chart_menu().actions()][:1] == ["Export chart as PNG or SVG…"]
    assert "Export table as CSV…" in [a.text() for a in panel.table_menu().actions()]


# -- as of ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "years"),
    [
        ("2015-01", (2015,)),
        ("2014-10-01", (2015,)),  # the first day of FY2015
        ("2014-09-30", (2014,)),
        ("2014", (2014, 2015)),  # January to December 2014 spans two fiscal years
        ("1990s", tuple(range(1990, 2001))),
    ],
)
def test_the_as_of_date_marks_its_fiscal_years(qtbot, window: MainWindow, when: str, years: tuple[int, ...]):
    show(qtbot, window, "freedonia")
    window.set_as_of(parse_date(when))
    assert window.figures.panel.chart.marked_years == years
    window.set_as_of(None)
    assert window.figures.panel.chart.marked_years == ()


def test_the_as_of_marker_is_drawn(qtbot, window: MainWindow, tmp_path: Path):
    show(qtbot, window, "freedonia")
    drawn = chart(window)
    before = drawn.grab().toImage()
    window.set_as_of(parse_date("2015-01"))
    after = drawn.grab().toImage()
    assert before != after
    band = drawn.year_band(2015)
    accent = window.palette().color(window.palette().ColorRole.Highlight)
    x = round(drawn.as_of_x())
    assert band.left() <= x <= band.right()
    column_pixels = {QColor(after.pixel(x, y)).name() for y in range(int(band.top()), int(band.bottom()))}
    assert accent.name() in column_pixels


# -- following the page ---------------------------------------------------------------------------------------------


def test_the_dock_is_laid_out_before_it_is_first_painted(qtbot, window: MainWindow):
    # Shown, filled and resized in one go: the first paint of the chart and the table is at their final size,
    # not at the dock's first height and then again.
    sizes: dict[str, list[tuple[int, int]]] = {"chart": [], "table": []}

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                name = "chart" if watched.objectName() == "figuresChart" else "table"
                sizes[name].append((watched.width(), watched.height()))
            return False

    painted = Painted()

    def watch(_ident: str) -> None:
        panel = window.figures.panel
        if panel is not None and not sizes["chart"]:
            panel.chart.installEventFilter(painted)
            panel.table.viewport().installEventFilter(painted)

    window.figures.loaded.connect(watch)
    show(qtbot, window, "freedonia")
    qtbot.waitUntil(lambda: bool(sizes["chart"] and sizes["table"]))
    QApplication.processEvents()
    drawn, view = chart(window), table(window).viewport()
    assert sizes["chart"][0] == (drawn.width(), drawn.height())
    assert sizes["table"][0] == (view.width(), view.height())
    assert window.figures.dock.height() > 300  # the dock at the share of the window it is given, not its first


def test_the_dock_is_hidden_for_a_page_without_figures(qtbot, window: MainWindow):
    show(qtbot, window, "freedonia")
    assert window.figures.dock.isVisible()
    show(qtbot, window, "ruritania")
    assert not window.figures.dock.isVisible()
    assert not window.figures.action_export_chart.isEnabled()
    window.show_home()
    assert not window.figures.dock.isVisible()
    show(qtbot, window, "world")  # a region has figures as a country does
    assert window.figures.dock.isVisible() and [s.key for s in chart(window).data.series] == ["drill"]


def test_view_menu_toggles_the_dock(qtbot, window: MainWindow):
    action = window.figures.action_figures
    view_menu = window.menuBar().actions()[2].menu()
    assert action in view_menu.actions() and action.isChecked()
    assert action.shortcut().toString() == "Ctrl+Shift+F"
    show(qtbot, window, "freedonia")
    action.trigger()
    assert not action.isChecked() and not window.figures.dock.isVisible()
    show(qtbot, window, "grant")  # unticked: the dock stays hidden
    assert not window.figures.dock.isVisible()
    action.trigger()
    qtbot.waitUntil(lambda: not window.figures.busy())
    assert window.figures.dock.isVisible() and chart(window).data.series[0].key == "freedonia"
    # Asked for on a page without figures, the dock says so rather than staying away.
    show(qtbot, window, "ruritania")
    action.trigger()
    action.trigger()
    qtbot.waitUntil(lambda: not window.figures.busy())
    assert window.figures.dock.isVisible() and "No official figures" in window.figures.panel.empty_label.text()
    # Unticked, the dock holds nothing a later page could be taken for.
    show(qtbot, window, "freedonia")
    action.trigger()
    assert not window.figures.action_export_chart.isEnabled() and not window.figures.panel.has_figures
    action.trigger()
    qtbot.waitUntil(lambda: not window.figures.busy())
    assert window.figures.action_export_chart.isEnabled()
    # The dock's own close button unticks the menu entry.
    window.figures.dock.close()
    assert not action.isChecked()


def test_the_screenshot_command_shows_a_countrys_chart(qapp, folder: Path, tmp_path: Path):
    from desktop import cli

    guard = ThemeGuard(qapp)  # the command applies its theme to the whole application
    out, stdout, stderr = tmp_path / "shot.png", io.StringIO(), io.StringIO()
    try:
        argv = ["screenshot", str(out), "--no-bundled", "--data", str(folder), "--cache-dir", str(tmp_path / "c")]
        code = cli.main([*argv, "--show", "freedonia", "--size", "1200x900"], out=stdout, err=stderr)
    finally:
        guard.restore()
    assert (code, stderr.getvalue()) == (0, "")
    image = QImage(str(out))
    found = {QColor(image.pixel(x, y)).name() for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)}
    assert {"#3b7dd8", "#c8700a"} <= found  # the first two series' bars: the dock was drawn before the picture


def test_an_index_deleted_under_the_window_still_gives_the_figures(qtbot, window: MainWindow):
    # The figures' worker has no connection yet: its first one finds the file gone. The window carries on
    # through the GUI thread's connection, as its pages do, and asks for no reopen of its own.
    reloads: list[int] = []
    window.tasks.indexMissing.connect(lambda: reloads.append(1))
    window.store.path.unlink()
    show(qtbot, window, "freedonia")
    assert window.figures.dock.isVisible() and chart(window).amount(2015, "drill") == 2500000.5
    assert reloads == []


def test_a_failed_read_is_a_message(qtbot, window: MainWindow, monkeypatch):
    import sqlite3

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    messages: list[str] = []
    window.figures.message.connect(messages.append)
    monkeypatch.setattr(window.store, "figures", broken)
    show(qtbot, window, "freedonia")
    assert len(messages) == 1 and messages[0].startswith("Reading the official figures: ")


def test_new_data_reaches_the_dock(qtbot, window: MainWindow, folder: Path):
    show(qtbot, window, "freedonia")
    path = folder / "figures" / f"{SOURCE}.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write("freedonia,drill,2017,obligations,123.00,,row 19\n")
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        window.session.reload()
    qtbot.waitUntil(lambda: not window.figures.busy() and chart(window).data.years[-1] == 2017)
    assert chart(window).amount(2017, "drill") == 123.0


def test_a_window_without_figures_never_builds_the_panel(qtbot, window: MainWindow):
    show(qtbot, window, "ruritania")
    assert window.figures.panel is None and window.findChild(QWidget, "figuresChart") is None


# -- models, themes, actions ----------------------------------------------------------------------------------------


def test_the_table_model_passes_the_model_tester(qtbot, qtmodeltester, window: MainWindow):
    show(qtbot, window, "freedonia")
    qtmodeltester.check(window.figures.panel.model)


def test_series_colours_read_on_light_and_dark_backgrounds(qtbot, window: MainWindow):
    from desktop.ui.figures_chart import OTHER_COLOR, SERIES_COLORS

    def luminance(color: QColor) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())

    def contrast(a: QColor, b: QColor) -> float:
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    for name in [*SERIES_COLORS, OTHER_COLOR]:
        for base in ("#ffffff", "#1f1f22"):  # the light and dark themes' Base
            assert contrast(QColor(name), QColor(base)) >= 3.0, (name, base)


def test_the_chart_follows_the_dark_theme(qtbot, window: MainWindow, tmp_path: Path):
    guard = ThemeGuard(QApplication.instance())
    try:
        show(qtbot, window, "freedonia")
        window.set_theme("dark")
        qtbot.waitUntil(
            lambda: chart(window).palette().color(chart(window).palette().ColorRole.Base).name() == "#1f1f22"
        )
        image = chart(window).grab().toImage()
        assert QColor(image.pixel(2, image.height() - 2)).name() == "#1f1f22"
    finally:
        guard.restore()


def test_the_actions_table_has_the_figures_actions():
    names = [spec.name for spec in actions.ACTIONS]
    assert {"actionFigures", "actionExportFiguresChart", "actionExportFiguresTable"} <= set(names)
    assert ("Official figures", "Ctrl+Shift+F") in actions.shortcut_rows()

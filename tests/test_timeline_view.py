"""The timeline: marks at their dates, zoom and pan, hover and click, filters, lanes, export, and as-of.

The panel reads the store off the GUI thread: a test waits for it (`settle`) before looking.
"""

from __future__ import annotations

import io
import itertools
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from datafiles import SRC, entity, write
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QWheelEvent
from PySide6.QtWidgets import QApplication, QDockWidget
from ui_support import ThemeGuard, bundled_args, fake_tooltips, open_window

from desktop import cli
from desktop.core.dates import parse_date
from desktop.core.store import Store
from desktop.ui import timeline_view
from desktop.ui.main_window import MainWindow
from desktop.ui.timeline_panel import TimelinePanel
from desktop.ui.timeline_scene import EMPHASIS, FADE_DAYS, KIND_COLORS, day_x
from desktop.ui.timeline_view import TimelineView, tick_label, tick_steps

CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton


def fact(prop: str, when: str, target: str | None = None, text: str | None = None, note: str | None = None) -> str:
    body = f"  - property: {prop}\n" + (f"    entity: {target}\n" if target else "")
    body += f'    text: "{text}"\n' if text else ""
    body += f'    note: "{note}"\n' if note else ""
    body += "".join(f"    {part.strip()}\n" for part in when.split(";") if part.strip())
    return body + f'    sources:\n      - {{source: {SRC}, locator: "¶3"}}\n'


@pytest.fixture
def store(data_dir: Path, tmp_path: Path) -> Store:
    write(
        data_dir,
        "programs/alpha.yaml",
        entity("alpha", "program", "Alpha")
        + "facts:\n"
        + fact("note", 'date: "1976-06-30"', text="Founded")
        + fact("note", 'start: "2010-11"; end: "2015"', text="Second term")
        + fact("suspended", 'date: "1990s"', "ruritania", note="briefly")
        + fact("participant", 'start: "early 1960s"; end: "1990s"', "ruritania")
        + fact("suspended", 'start: "2018-08"', "ruritania")
        + fact("note", 'end: "2009-01"', text="Old arrangement"),
    )
    write(
        data_dir,
        "countries/ruritania.yaml",
        entity("ruritania", "country", "Ruritania")
        + "facts:\n"
        + fact("note", 'date: "2001-09-11"', text="<b>Bold</b> & <script>x</script>"),
    )
    write(data_dir, "countries/freedonia.yaml", entity("freedonia", "country", "Freedonia"))
    return Store.open([data_dir], cache_dir=tmp_path / "cache")


def settle(qtbot, panel: TimelinePanel) -> None:
    """Wait until the panel has what it asked the store for: its layout, and the words of the marks in view."""
    qtbot.waitUntil(lambda: not panel.busy(), timeout=10_000)


@pytest.fixture
def panel(qtbot, store: Store) -> TimelinePanel:
    panel = TimelinePanel(store)
    qtbot.addWidget(panel)
    panel.resize(1000, 420)
    with qtbot.waitExposed(panel):
        panel.show()
    settle(qtbot, panel)
    panel.view.fit_all()
    settle(qtbot, panel)
    return panel


@pytest.fixture
def window(qtbot, bundled_store: Store) -> MainWindow:
    window = open_window(qtbot, bundled_args(bundled_store))
    window.resize(1200, 900)
    window.time.set_timeline_visible(True)
    return window


def mark_by_text(panel: TimelinePanel, needle: str):
    return next(m for m in panel.scene.marks if m.item is not None and needle in m.item.phrase)


def viewport_x(view: TimelineView, scene_x: float) -> float:
    return view.viewportTransform().map(QPointF(scene_x, 0)).x()


# -- marks at their dates ------------------------------------------------------------------


def test_the_date_to_x_function_is_linear_in_days(panel: TimelinePanel) -> None:
    view = panel.view
    for zoom in (1.0, 6.0):
        view.zoom_by(zoom)
        ppd = view.pixels_per_day
        a, b = view.x_for_date("1976-06-30"), view.x_for_date("2010-11-01")
        days = (date(2010, 11, 1) - date(1976, 6, 30)).days
        assert b - a == pytest.approx(days * ppd)
        assert view.date_at(a + ppd / 2) == date(1976, 6, 30)


def test_marks_sit_at_their_dates_at_two_zoom_levels(panel: TimelinePanel) -> None:
    view = panel.view
    point = mark_by_text(panel, "Founded")
    term = mark_by_text(panel, "Second term")
    first_zoom = view.pixels_per_day
    for step in range(2):
        ppd = view.pixels_per_day
        # A day-precision point: the diamond in the middle of its day.
        assert view.mark_pos(point).x() == round(view.x_for_date("1976-06-30") + ppd / 2)
        # A period from November 2010 to the end of 2015: its bar spans exactly that.
        assert viewport_x(view, term.x0) == pytest.approx(view.x_for_date("2010-11-01"), abs=1e-6)
        assert viewport_x(view, term.x1) == pytest.approx(view.x_for_date("2016-01-01"), abs=1e-6)
        if step == 0:
            anchor = view.x_for_date("1976-06-30")
            view.zoom_by(8, anchor_x=anchor)
            assert view.pixels_per_day == pytest.approx(first_zoom * 8)
            assert view.x_for_date("1976-06-30") == pytest.approx(anchor, abs=1.0)  # the date under the anchor stays


def test_a_mark_is_drawn_where_its_date_maps(panel: TimelinePanel) -> None:
    view = panel.view
    point = mark_by_text(panel, "Founded")
    for factor in (1.0, 5.0):
        view.zoom_by(factor, anchor_x=view.x_for_date("1976-06-30"))
        image = view.viewport().grab().toImage()
        colour = QColor(image.pixel(view.mark_pos(point)))
        expected = QColor(KIND_COLORS[0])  # programs come first in the vocabulary
        assert abs(colour.red() - expected.red()) + abs(colour.blue() - expected.blue()) < 40


def test_reduced_precision_dates_span_what_they_stand_for(panel: TimelinePanel) -> None:
    decade = mark_by_text(panel, "(1990s)")
    assert (decade.x0, decade.x1) == (day_x("1990-01-01"), day_x("2000-01-01"))
    assert decade.anchor == pytest.approx((day_x("1990-01-01") + day_x("2000-01-01")) / 2)
    period = mark_by_text(panel, "early 1960s")
    assert period.x0 == day_x("1960-01-01")  # may have begun from 1960 …
    assert period.s0 == day_x("1964-01-01")  # … surely by 1964
    assert period.s1 == day_x("1990-01-01")  # surely until 1990 …
    assert period.x1 == day_x("2000-01-01")  # … and at most to the end of 1999


def bar_colour(view: TimelineView, mark, scene_x: float) -> QColor:
    """The colour drawn in the middle of `mark`'s bar at scene x."""
    image = view.viewport().grab().toImage()
    y = view.viewportTransform().map(QPointF(0, mark.y + 3 + 4.5)).y()
    return QColor(image.pixel(round(viewport_x(view, scene_x)), round(y)))


def test_open_ends_fade_out_and_open_starts_fade_in(panel: TimelinePanel) -> None:
    view = panel.view
    background = view.palette().color(view.palette().ColorRole.Base)

    def distance(a: QColor, b: QColor) -> int:
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())

    view.set_pixels_per_day(0.4)  # a fade of four years is some 600 pixels wide
    ongoing = mark_by_text(panel, "since August 2018")
    assert ongoing.open_end and ongoing.x1 == ongoing.s1 + FADE_DAYS
    view.centerOn(QPointF((ongoing.s1 + ongoing.x1) / 2, ongoing.y))
    solid, faded = bar_colour(view, ongoing, ongoing.s1 + 10), bar_colour(view, ongoing, ongoing.x1 - 30)
    assert distance(solid, background) > 3 * distance(faded, background)  # clear, then fading to nothing
    until = mark_by_text(panel, "until January 2009")
    assert until.open_start and until.x0 == day_x("2009-01-01") - FADE_DAYS
    view.centerOn(QPointF((until.x0 + until.s0) / 2, until.y))
    solid, faded = bar_colour(view, until, until.s0 - 10), bar_colour(view, until, until.x0 + 30)
    assert distance(solid, background) > 3 * distance(faded, background)


def test_axis_ticks_follow_the_zoom() -> None:
    assert tick_steps(0.005)[0] >= 120  # a century on screen: decades or more
    assert tick_steps(0.2)[0] == 12  # years
    assert tick_steps(5.0)[0] == 1  # months
    assert tick_label(2019 * 12, 12) == "2019"
    assert tick_label(2019 * 12 + 2, 1) == "Mar"
    assert tick_label(2019 * 12, 1) == "2019"


# -- labels -------------------------------------------------------------------------------------


def label_boxes(panel: TimelinePanel) -> list[tuple[float, float, float]]:
    """Every label that shows at this zoom, on screen or not (all facts' words are read in a timeline this small)."""
    shown = panel.scene.visible_labels(panel.scene.sceneRect(), panel.view.viewportTransform())
    return [(box.top(), box.left(), box.right()) for _, box in shown]


@pytest.mark.parametrize("zoom", [0.3, 1.0, 20.0])
def test_labels_never_overlap(qtbot, panel: TimelinePanel, zoom: float) -> None:
    panel.view.zoom_by(zoom)
    settle(qtbot, panel)
    boxes = sorted(label_boxes(panel))
    assert boxes
    for (y1, _, right), (y2, left, _) in itertools.pairwise(boxes):
        assert y1 != y2 or left >= right


def test_thousands_of_marks_keep_only_labels_that_fit(qtbot, data_dir: Path, tmp_path: Path) -> None:
    facts = "".join(fact("note", f'date: "{1950 + n % 70}"', text=f"fact {n}") for n in range(2000))
    write(data_dir, "programs/p.yaml", entity("p", "program", "P") + "facts:\n" + facts)
    panel = TimelinePanel(Store.open([data_dir], cache_dir=tmp_path / "cache"))
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    with qtbot.waitExposed(panel):
        panel.show()
    settle(qtbot, panel)
    shown = panel.view.visible_labels()
    assert len(panel.scene.marks) == 2000
    assert 0 < len(shown) < len(panel.scene.marks) / 4  # the rest would overlap: left out
    boxes = sorted((box.top(), box.left(), box.right()) for _, box in shown)
    assert all(y1 != y2 or left >= right for (y1, _, right), (y2, left, _) in itertools.pairwise(boxes))
    assert panel.scene.items() == []  # painted from plain data: no graphics item per mark, or per label


# -- hover and click ---------------------------------------------------------------------------


def test_hovering_a_mark_shows_the_fact_with_its_date_and_source(panel: TimelinePanel) -> None:
    view = panel.view
    mark = mark_by_text(panel, "(1990s)")
    text = view.tooltip_at(view.mark_pos(mark))
    assert "<b>Alpha</b>: Suspended Ruritania (1990s)" in text
    assert "<i>briefly</i>" in text
    assert "Date: 1990s" in text and "1990-01-01 – 1999-12-31" in text
    assert "Source: International Military Education and Training ¶3" in text
    assert view.tooltip_at(QPoint(2, 2)) == ""  # on the axis: nothing


def test_a_tooltip_escapes_the_data(panel: TimelinePanel) -> None:
    mark = mark_by_text(panel, "Bold")
    text = panel.view.tooltip_at(panel.view.mark_pos(mark))
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;" in text
    assert "<script>" not in text


def test_clicking_a_mark_opens_its_entity(qtbot, panel: TimelinePanel) -> None:
    view = panel.view
    mark = mark_by_text(panel, "Bold")
    with qtbot.waitSignal(panel.entityActivated) as got:
        qtbot.mouseClick(view.viewport(), LEFT, pos=view.mark_pos(mark))
    assert got.args == ["ruritania"]
    # When the subject is already on show, a click goes to the fact's other end.
    panel.set_current_entity("alpha")
    with qtbot.waitSignal(panel.entityActivated) as got:
        qtbot.mouseClick(view.viewport(), LEFT, pos=view.mark_pos(mark_by_text(panel, "since August 2018")))
    assert got.args == ["ruritania"]


def test_a_drag_pans_and_does_not_open_anything(qtbot, panel: TimelinePanel) -> None:
    view = panel.view
    view.zoom_by(6)
    start = view.mark_pos(mark_by_text(panel, "Founded"))
    before = view.horizontalScrollBar().value()
    opened = []
    panel.entityActivated.connect(opened.append)
    qtbot.mousePress(view.viewport(), LEFT, pos=start)
    qtbot.mouseMove(view.viewport(), start + QPoint(-150, 0))
    qtbot.mouseRelease(view.viewport(), LEFT, pos=start + QPoint(-150, 0))
    assert view.horizontalScrollBar().value() > before
    assert opened == []


def test_clicking_a_mark_in_the_window_shows_the_entity(qtbot, window: MainWindow) -> None:
    panel = window.time.panel
    view, scene = panel.view, panel.scene
    view.reveal(scene.lanes[scene.layout.lane_of("slovenia")])  # scrolled to: its marks are read
    settle(qtbot, panel)
    mark = next(m for m in scene.marks if m.subject == "slovenia")
    with qtbot.waitSignal(window.pageShown, check_params_cb=lambda ident: ident == "slovenia"):
        qtbot.mouseClick(view.viewport(), LEFT, pos=view.mark_pos(mark))
    assert window.current_entity == "slovenia"


def emphasis_pixels(view: TimelineView) -> int:
    image = view.viewport().grab().toImage()
    return sum(
        image.pixel(x, y) == EMPHASIS.rgb() for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
    )


def test_the_current_entitys_marks_stand_out(window: MainWindow) -> None:
    scene, view = window.time.panel.scene, window.time.panel.view
    window.show_entity("pakistan")
    ours = scene.marks_for("pakistan")
    assert ours and all(m.emphasis for m in ours)
    assert all(not m.emphasis for m in scene.marks if m not in ours)
    assert all("pakistan" in (m.subject, m.other) for m in ours)
    assert emphasis_pixels(view) > 0  # drawn in the emphasis colour, in view
    window.show_entity("slovenia")
    assert not any(m.emphasis for m in ours)
    window.show_home()
    assert emphasis_pixels(view) == 0


# -- zoom and pan from the keyboard and the wheel ----------------------------------------------


def test_keys_zoom_pan_and_fit_while_the_timeline_has_focus(qtbot, window: MainWindow) -> None:
    view = window.time.panel.view
    view.setFocus()
    assert QApplication.focusWidget() is view
    fitted = view.pixels_per_day
    page_zoom = window.detail.zoom
    qtbot.keyClick(view, Qt.Key.Key_Equal, CTRL)
    assert view.pixels_per_day == pytest.approx(fitted * 1.25)
    qtbot.keyClick(view, Qt.Key.Key_Equal, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Minus, CTRL)
    assert view.pixels_per_day == pytest.approx(fitted * 1.25)
    assert window.detail.zoom == page_zoom  # the page's own Ctrl+= did not fire
    view.centerOn(QPointF(day_x("1980-01-01"), 0))  # room to pan either way
    before = view.horizontalScrollBar().value()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.horizontalScrollBar().value() > before
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.horizontalScrollBar().value() == before
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_0, CTRL)
    assert view.pixels_per_day == pytest.approx(fitted)
    # Elsewhere Ctrl+= still zooms the page.
    window.detail.setFocus()
    qtbot.keyClick(window.detail, Qt.Key.Key_Equal, CTRL)
    assert window.detail.zoom == page_zoom + 1


def test_the_wheel_zooms_around_the_pointer(panel: TimelinePanel) -> None:
    view = panel.view
    before = view.pixels_per_day
    at = QPointF(view.x_for_date("1976-06-30"), 100)
    event = QWheelEvent(
        at, view.viewport().mapToGlobal(at), QPoint(0, 0), QPoint(0, 240),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(view.viewport(), event)
    assert view.pixels_per_day == pytest.approx(before * 1.25**2)
    assert view.x_for_date("1976-06-30") == pytest.approx(at.x(), abs=1.0)


# -- filters and lanes ---------------------------------------------------------------------------


def subjects(panel: TimelinePanel) -> set[str]:
    return {m.subject for m in panel.scene.marks}


def test_filter_by_kind(qtbot, panel: TimelinePanel) -> None:
    assert subjects(panel) == {"alpha", "ruritania"}
    with qtbot.waitSignal(panel.reloaded):
        panel.kind_box.setCurrentIndex(panel.kind_box.findData("country"))
    assert subjects(panel) == {"ruritania"}
    assert panel.count_label.text() == "1 dated fact"
    with qtbot.waitSignal(panel.reloaded):
        panel.kind_box.setCurrentIndex(0)
    assert subjects(panel) == {"alpha", "ruritania"}


def test_filter_by_text(qtbot, panel: TimelinePanel) -> None:
    with qtbot.waitSignal(panel.reloaded) as got:
        qtbot.keyClicks(panel.text_box, "term")
    assert got.args == [1]
    settle(qtbot, panel)
    assert [m.item.phrase for m in panel.scene.marks] == ["Note: Second term (November 2010 – 2015)"]


def test_this_entity_and_what_it_links_to_follows_the_page(qtbot, window: MainWindow, bundled_store: Store) -> None:
    panel = window.time.panel
    window.show_entity("pakistan")
    with qtbot.waitSignal(panel.reloaded):
        panel.follow_box.setChecked(True)
    settle(qtbot, panel)  # a few lanes: all of them in view, and read
    pakistan = bundled_store.timeline(entity="pakistan")
    assert sorted(m.fact for m in panel.scene.marks) == sorted(i.fact for i in pakistan)
    with qtbot.waitSignal(panel.reloaded):
        window.show_entity("slovenia")
    settle(qtbot, panel)
    assert {m.fact for m in panel.scene.marks} == {i.fact for i in bundled_store.timeline(entity="slovenia")}
    with qtbot.waitSignal(panel.reloaded):
        panel.follow_box.setChecked(False)
    assert panel.scene.count == len(bundled_store.timeline())


def test_lanes_by_entity_or_by_kind(qtbot, panel: TimelinePanel) -> None:
    assert [lane.name for lane in panel.scene.lanes] == ["Alpha", "Ruritania"]
    with qtbot.waitSignal(panel.reloaded):
        panel.lanes_box.setCurrentIndex(panel.lanes_box.findData("kind"))
    assert [lane.name for lane in panel.scene.lanes] == ["Programs", "Countries"]
    tops = [lane.top for lane in panel.scene.lanes]
    assert tops == sorted(tops)
    assert all(m.y >= m.lane.top for m in panel.scene.marks)


# -- export ---------------------------------------------------------------------------------------


def test_export_png_is_what_is_shown(panel: TimelinePanel, tmp_path: Path) -> None:
    out = tmp_path / "timeline.png"
    assert panel.view.export(out)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (panel.view.viewport().width(), panel.view.viewport().height())
    colours = {image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)}
    assert len(colours) > 20  # marks, labels, axis: not blank


def test_export_svg_is_valid_svg(panel: TimelinePanel, tmp_path: Path) -> None:
    out = tmp_path / "timeline.svg"
    assert panel.view.export(out)
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = out.read_text(encoding="utf-8")
    assert "Note: Founded (30 June 1976)</text>" in text  # labels stay text, not pictures of text
    assert "&lt;b&gt;Bold" in text and "<b>Bold" not in text


def test_file_menu_exports_the_timeline(window: MainWindow, tmp_path: Path) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    assert window.time.action_export in file_menu.actions()
    assert window.time.export(tmp_path / "t.svg") and window.time.export(tmp_path / "t.png")
    assert not QImage(str(tmp_path / "t.png")).isNull()


# -- the window: View → Timeline and As of -----------------------------------------------------------


def test_view_timeline_and_ctrl_shift_l_toggle_the_dock(qtbot, bundled_store: Store) -> None:
    window = open_window(qtbot, bundled_args(bundled_store))
    view_menu = window.menuBar().actions()[2].menu()
    assert window.time.action_timeline in view_menu.actions()
    assert window.time.action_timeline.shortcut().toString() == "Ctrl+Shift+L"  # Ctrl+T opens a tab
    assert window.time.panel is None  # not built until first opened
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dock = window.findChild(QDockWidget, "timelineDock")
    assert dock is not None and dock.isVisible()
    assert window.findChild(TimelineView, "timelineView") is window.time.panel.view
    assert window.centralWidget() is window.splitter  # the layout is intact
    window.time.action_timeline.trigger()
    assert not dock.isVisible()
    dock.show()
    dock.close()  # its own close button
    assert not window.time.action_timeline.isChecked()


def test_as_of_control_shows_the_page_as_it_stood(qtbot, window: MainWindow) -> None:
    control = window.time.as_of_control
    assert control.objectName() == "asOfControl"
    assert control.currentText() == "Latest"
    assert control.findText("1947") > 0 and control.findText("2022") > 0
    window.show_entity("pakistan")
    control.lineEdit().setText("2019-01")
    with qtbot.waitSignal(control.asOfChanged):
        control.lineEdit().editingFinished.emit()
    assert window.as_of == parse_date("2019-01")
    text = window.detail.toPlainText()
    assert "as of January 2019" in text
    assert "Resumption approved" not in text and "[past]" in text
    assert window.time.panel.view.as_of == parse_date("2019-01")
    window.show_entity("imet")  # stays as of that date while navigating
    assert "as of January 2019" in window.detail.toPlainText()
    control.set_text("Latest")
    assert window.as_of is None and "as of January 2019" not in window.detail.toPlainText()
    assert window.time.panel.view.as_of is None


def test_as_of_control_refuses_what_is_not_a_date(qtbot, window: MainWindow) -> None:
    control = window.time.as_of_control
    control.set_text("2015")
    with qtbot.waitSignal(control.rejected) as got:
        assert not control.set_text("2015-13")
    assert "month 13" in got.args[0]
    assert window.as_of == parse_date("2015") and control.currentText() == "2015"
    assert "month 13" in window.statusBar().currentMessage()
    index = control.findText("2010")
    control.setCurrentIndex(index)
    control.activated.emit(index)
    assert window.as_of == parse_date("2010")


def test_the_timeline_draws_the_as_of_cursor(window: MainWindow) -> None:
    view = window.time.panel.view
    before = view.viewport().grab().toImage()
    window.set_as_of(parse_date("2000"))
    after = view.viewport().grab().toImage()
    x = round((view.x_for_date("2000-01-01") + view.x_for_date("2001-01-01")) / 2)
    y = view.viewport().height() - 5
    assert before.pixel(x, y) != after.pixel(x, y)
    accent = window.palette().color(window.palette().ColorRole.Highlight)
    assert QColor(after.pixel(round(view.x_for_date("2000-01-01")), y)).blue() >= accent.blue() - 60


# -- the screenshot, and the PySide6 reference guard -----------------------------------------------


def test_screenshot_with_the_timeline(qapp, bundled_store: Store, tmp_path: Path) -> None:
    guard = ThemeGuard(qapp)  # the command applies its theme to the whole application
    try:
        out, err = io.StringIO(), io.StringIO()
        argv = ["screenshot", str(tmp_path / "t.png"), "--timeline", "--show", "pakistan", "--as-of", "2019-01"]
        code = cli.main([*argv, "--size", "1000x800", *bundled_args(bundled_store)], out=out, err=err)
    finally:
        guard.restore()
    assert (code, err.getvalue()) == (0, "")
    image = QImage(str(tmp_path / "t.png"))
    assert (image.width(), image.height()) == (1000, 800)
    lower = {image.pixel(x, y) for x in range(0, 1000, 6) for y in range(520, 790, 6)}
    assert QColor(KIND_COLORS[0]).rgb() in lower or len(lower) > 40  # the timeline's marks, not an empty dock
    code = cli.main(["screenshot", str(tmp_path / "x.png"), "--as-of", "2019-13"], out=out, err=err)
    assert code == 2 and "month 13" in err.getvalue()


def test_the_viewport_shows_the_tooltip_on_a_help_event(panel: TimelinePanel, monkeypatch) -> None:
    shown = fake_tooltips(monkeypatch, timeline_view)
    view = panel.view
    for pos in (view.mark_pos(mark_by_text(panel, "(1990s)")), QPoint(2, 2)):
        QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))
    assert len(shown) == 2 and "Suspended Ruritania (1990s)" in shown[0] and shown[1] == ""


def test_the_lanes_scroll_to_the_entity_shown(window: MainWindow) -> None:
    view, scene = window.time.panel.view, window.time.panel.scene
    window.show_entity("slovenia")
    lane = scene.lanes[scene.layout.lane_of("slovenia")]
    shown = view.visible_scene_rect()
    assert shown.top() <= lane.top <= shown.bottom()


def test_an_empty_timeline_and_one_in_year_zero(qtbot, data_dir: Path, tmp_path: Path) -> None:
    panel = TimelinePanel(Store.open([data_dir], cache_dir=tmp_path / "empty"))
    qtbot.addWidget(panel)
    panel.resize(800, 300)
    with qtbot.waitExposed(panel):
        panel.show()
    settle(qtbot, panel)
    assert panel.count_label.text() == "0 dated facts"
    panel.view.viewport().repaint()
    # "0000s" is a decade the data may name: its days come before any Python can draw an axis for.
    write(
        data_dir,
        "programs/old.yaml",
        entity("old", "program", "Old")
        + "facts:\n"
        + fact("note", 'date: "0000s"', text="Ancient")
        + fact("note", 'start: "early 0000s"', text="Later"),
    )
    panel.set_store(Store.open([data_dir], cache_dir=tmp_path / "old"))
    settle(qtbot, panel)
    assert panel.count_label.text() == "2 dated facts"
    panel.view.zoom_by(30)
    settle(qtbot, panel)
    assert panel.view.export(tmp_path / "t.svg") and panel.view.export(tmp_path / "t.png")


def test_the_as_of_box_takes_every_date_the_data_may_hold(qtbot, window: MainWindow) -> None:
    control = window.time.as_of_control
    window.show_entity("pakistan")
    for text in ("1990s", "early 1960s", "2019-01-15"):
        assert control.set_text(text), text
        assert window.as_of == parse_date(text)
        assert f"as of {parse_date(text).display()}" in window.detail.toPlainText()

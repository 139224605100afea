"""The main window: search box, navigation, links, home page, escaping, problems list and PDF export."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from unittest import mock

import pytest
from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QAction, QImage, QKeySequence, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QTableView, QWidget
from ui_support import CITE, bundled_args, open_window, write_yaml

from desktop.app import build_main_window
from desktop.core.loader import load
from desktop.core.store import Store
from desktop.models.roles import Role
from desktop.ui.exports import PAPER_STRIP_WIDTH
from desktop.ui.main_window import MainWindow
from desktop.ui.page_html import STRIP_SRC
from desktop.ui.search_pane import RESULTS_PAGE, TREE_PAGE

# A query with no hits in the bundled data whose closest names are Pakistan and the Pakistan Army.
NO_HITS = "Pakistaan Armyyy Forcez"


@pytest.fixture
def window(qtbot, bundled_store: Store) -> MainWindow:
    return open_window(qtbot, bundled_args(bundled_store))


def wait_for_search(qtbot, window: MainWindow, text: str) -> None:
    """Put `text` in the search box and wait until its own results are shown."""
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == text, timeout=5000):
        window.search_box.setText(text)


def result_ids(window: MainWindow) -> list[str]:
    model = window.results_model
    return [model.index(r, 0).data(Role.ENTITY_ID) for r in range(model.rowCount())]


def tree_current(window: MainWindow) -> QModelIndex:
    return window.navigator.currentIndex()


# -- the search box ----------------------------------------------------------


def test_first_run_opens_on_home_with_the_tree(window: MainWindow) -> None:
    assert window.current_entity is None
    assert window.left_stack.currentIndex() == TREE_PAGE
    assert window.navigator.isVisible()
    assert not window.results.isVisible()
    assert "Security Assistance Almanac" in window.detail.toPlainText()


def test_typing_replaces_the_tree_with_results_updated_on_every_keystroke(
    qtbot, window: MainWindow, bundled_store: Store
) -> None:
    window.search_box.setFocus()
    shown: dict[str, list[str]] = {}
    for typed in ("i", "im", "ime", "imet"):
        with qtbot.waitSignal(window.searchFinished, timeout=5000) as blocker:
            qtbot.keyClick(window.search_box, typed[-1])
        assert blocker.args == [typed]
        assert window.search_box.text() == typed
        assert window.results_model.query == typed
        shown[typed] = result_ids(window)
        assert shown[typed] == [h.id for h in bundled_store.search(typed, limit=200)]
    assert window.left_stack.currentIndex() == RESULTS_PAGE
    assert window.findChild(QWidget, "searchResults").isVisible()
    assert not window.navigator.isVisible()
    assert shown["imet"][0] == "imet"
    assert shown["i"] != shown["imet"]  # the list followed the typing
    count = len(shown["imet"])
    assert window.search_status.text() == f"{count} result{'s' if count != 1 else ''}"


def test_key_clicks_show_the_answer_to_the_whole_query(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == "pakistan", timeout=5000):
        qtbot.keyClicks(window.search_box, "pakistan")
    assert result_ids(window)[0] == "pakistan"
    assert window.results_model.query == "pakistan"


def test_down_moves_into_the_results_and_enter_opens_the_selected_one(qtbot, window: MainWindow) -> None:
    window.search_box.setFocus()
    wait_for_search(qtbot, window, "imet")
    ids = result_ids(window)
    assert len(ids) > 2
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is window.results
    assert window.results.currentIndex().row() == 0
    qtbot.keyClick(window.results, Qt.Key.Key_Down)
    assert window.results.currentIndex().row() == 1
    with qtbot.waitSignal(window.pageShown, check_params_cb=lambda i: i == ids[1]):
        qtbot.keyClick(window.results, Qt.Key.Key_Return)
    assert window.current_entity == ids[1]
    # Up from the first row goes back to the box.
    qtbot.keyClick(window.results, Qt.Key.Key_Up)
    assert window.results.currentIndex().row() == 0
    qtbot.keyClick(window.results, Qt.Key.Key_Up)
    assert QApplication.focusWidget() is window.search_box


def test_enter_in_the_box_opens_the_first_result(qtbot, window: MainWindow) -> None:
    window.search_box.setFocus()
    wait_for_search(qtbot, window, "imet")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.current_entity == "imet"
    assert window.detail.toPlainText().startswith("International Military Education and Training")


def test_enter_before_the_answer_arrives_opens_the_best_hit_when_it_arrives(qtbot, window: MainWindow) -> None:
    gui_thread = threading.get_ident()
    searched_on: list[int] = []
    store_type = type(window.store)
    real_search = store_type.search

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        searched_on.append(threading.get_ident())
        return real_search(self, *args, **kwargs)

    window.search_box.setFocus()
    opened = qtbot.waitSignal(window.pageShown, check_params_cb=lambda i: i == "defense-security-cooperation-agency")
    with mock.patch.object(store_type, "search", spy), opened:
        window.search_box.setText("dsca")
        qtbot.keyClick(window.search_box, Qt.Key.Key_Enter)  # no event loop ran: the answer is not in yet
        assert window.current_entity is None
    assert result_ids(window)[0] == "defense-security-cooperation-agency"
    assert searched_on and gui_thread not in searched_on  # never a search on the GUI thread
    assert len(result_ids(window)) <= window.search_runner.limit


def test_escape_clears_the_query_and_brings_the_tree_back(qtbot, window: MainWindow) -> None:
    window.search_box.setFocus()
    wait_for_search(qtbot, window, "imet")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert window.search_box.text() == ""
    assert window.left_stack.currentIndex() == TREE_PAGE
    assert window.navigator.isVisible() and not window.results.isVisible()
    assert window.results_model.rowCount() == 0
    # From inside the results list too.
    wait_for_search(qtbot, window, "imet")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    qtbot.keyClick(window.results, Qt.Key.Key_Escape)
    assert window.search_box.text() == ""
    assert window.left_stack.currentIndex() == TREE_PAGE
    assert QApplication.focusWidget() is window.search_box


def test_no_hits_says_so_and_offers_the_closest_names(qtbot, window: MainWindow, bundled_store: Store) -> None:
    assert bundled_store.search(NO_HITS, limit=200) == []
    closest = bundled_store.closest(NO_HITS)
    assert {"pakistan", "pakistan-army"} <= {r.id for r in closest}
    wait_for_search(qtbot, window, NO_HITS)
    assert window.results_model.rowCount() == 0
    status = window.findChild(QWidget, "searchStatus")
    assert status.isVisible()
    assert "No results" in status.text() and NO_HITS in status.text()
    for ref in closest:
        assert f'<a href="entity:{ref.id}">{ref.name}</a>' in status.text()
    # A suggestion is a link that opens the entity.
    status.linkActivated.emit("entity:pakistan-army")
    assert window.current_entity == "pakistan-army"


def test_no_hits_for_text_with_no_near_names(qtbot, window: MainWindow) -> None:
    wait_for_search(qtbot, window, "zzzzqqq")
    assert window.results_model.rowCount() == 0
    assert window.search_status.text() == "No results for “zzzzqqq”."


def test_the_query_in_the_status_line_is_escaped(qtbot, window: MainWindow) -> None:
    wait_for_search(qtbot, window, "<b>qqqzzz</b>")
    assert "&lt;b&gt;qqqzzz&lt;/b&gt;" in window.search_status.text()


def test_stale_answers_are_dropped(qtbot, window: MainWindow, bundled_store: Store) -> None:
    seen: list[str] = []
    window.searchFinished.connect(seen.append)
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == "pakistan", timeout=5000):
        window.search_box.setText("imet")
        window.search_box.setText("pakistan")
    # Answers arrive in the order asked: an answer to "imet" would have come first.
    assert seen == ["pakistan"]
    expected = [h.id for h in bundled_store.search("pakistan", limit=200)]
    assert result_ids(window) == expected
    # A late answer to an older query changes nothing.
    runner = window.search_runner
    runner.finished.emit(runner.generation - 1, "imet", bundled_store.search("imet"), [])
    runner.finished.emit(runner.generation, "imet", bundled_store.search("imet"), [])
    assert result_ids(window) == expected
    assert seen == ["pakistan"]


# -- links, the navigator and history ------------------------------------------


def test_an_entity_link_navigates_and_selects_the_entity_in_the_tree(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.pageShown, check_params_cb=lambda i: i == "department-of-defense"):
        window.detail.anchorClicked.emit(QUrl("entity:department-of-defense"))
    assert window.current_entity == "department-of-defense"
    assert window.detail.toPlainText().startswith("United States Department of Defense")
    current = tree_current(window)
    assert current.data(Role.ENTITY_ID) == "department-of-defense"
    assert window.navigator.isExpanded(current.parent())
    assert current.parent().data(Role.KIND) == "agency"
    assert window.navigator.selectionModel().isSelected(current)

    # A nested entity: every ancestor is expanded.
    window.detail.anchorClicked.emit(QUrl("entity:defense-security-cooperation-agency"))
    current = tree_current(window)
    assert current.data(Role.ENTITY_ID) == "defense-security-cooperation-agency"
    assert current.parent().data(Role.ENTITY_ID) == "department-of-defense"
    assert window.navigator.isExpanded(current.parent())
    assert window.navigator.isExpanded(current.parent().parent())
    rect = window.navigator.visualRect(current)
    assert window.navigator.viewport().rect().intersects(rect)  # scrolled into view


def test_a_real_click_on_a_link_in_the_page_navigates(qtbot, window: MainWindow) -> None:
    window.show_entity("defense-security-cooperation-agency")
    cursor = window.detail.document().find("United States Department of Defense")
    assert cursor.charFormat().anchorHref() == "entity:department-of-defense"
    inside = QTextCursor(cursor)
    inside.setPosition(cursor.selectionStart() + 3)
    point = window.detail.cursorRect(inside).center()
    with qtbot.waitSignal(window.pageShown, check_params_cb=lambda i: i == "department-of-defense"):
        qtbot.mouseClick(window.detail.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.current_entity == "department-of-defense"


def test_choosing_in_the_tree_shows_the_entity(qtbot, window: MainWindow) -> None:
    index = window.nav_model.index_for_id("imet")
    with qtbot.waitSignal(window.pageShown, check_params_cb=lambda i: i == "imet"):
        window.navigator.setCurrentIndex(index)
    assert window.current_entity == "imet"


def test_unknown_entity_link_keeps_the_page(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    window.detail.anchorClicked.emit(QUrl("entity:no-such-thing"))
    assert window.current_entity == "imet"
    assert "no-such-thing" in window.statusBar().currentMessage()


def test_back_and_forward(qtbot, window: MainWindow) -> None:
    assert not window.action_back.isEnabled() and not window.action_forward.isEnabled()
    window.detail.anchorClicked.emit(QUrl("entity:department-of-defense"))
    window.detail.anchorClicked.emit(QUrl("entity:defense-security-cooperation-agency"))
    assert window.action_back.isEnabled() and not window.action_forward.isEnabled()

    window.action_back.trigger()
    assert window.current_entity == "department-of-defense"
    assert tree_current(window).data(Role.ENTITY_ID) == "department-of-defense"
    window.action_back.trigger()
    assert window.current_entity is None  # home
    assert not window.action_back.isEnabled()
    window.action_forward.trigger()
    window.action_forward.trigger()
    assert window.current_entity == "defense-security-cooperation-agency"
    assert not window.action_forward.isEnabled()

    # The mouse's back and forward buttons over the page.
    qtbot.mouseClick(window.detail.viewport(), Qt.MouseButton.BackButton)
    assert window.current_entity == "department-of-defense"
    qtbot.mouseClick(window.detail.viewport(), Qt.MouseButton.ForwardButton)
    assert window.current_entity == "defense-security-cooperation-agency"

    # Alt+Left / Alt+Right, from the page and from the search box.
    window.detail.setFocus()
    qtbot.keyClick(window.detail, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current_entity == "department-of-defense"
    window.search_box.setFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.current_entity == "defense-security-cooperation-agency"

    # A new page drops what was ahead, as in a browser.
    window.action_back.trigger()
    window.detail.anchorClicked.emit(QUrl("entity:imet"))
    assert not window.action_forward.isEnabled()
    window.action_back.trigger()
    assert window.current_entity == "department-of-defense"


def test_navigation_actions_have_their_names_and_keys(window: MainWindow) -> None:
    def keys(action: QAction) -> set[str]:
        return {k.toString() for k in action.shortcuts()}

    back = window.findChild(QAction, "actionBack")
    forward = window.findChild(QAction, "actionForward")
    home = window.findChild(QAction, "actionHome")
    assert back is window.action_back and forward is window.action_forward and home is window.action_home
    assert "Alt+Left" in keys(back)
    assert "Alt+Right" in keys(forward)
    # The platform's first binding for Back/Forward (Alt+Left/Alt+Right here).
    assert QKeySequence(QKeySequence.StandardKey.Back).toString() in keys(back)
    assert QKeySequence(QKeySequence.StandardKey.Forward).toString() in keys(forward)
    assert "Alt+Home" in keys(home)


def test_home_page(qtbot, window: MainWindow, bundled_store: Store) -> None:
    window.show_entity("imet")
    window.show_entity("pakistan")
    with qtbot.waitSignal(window.pageShown, check_params_cb=lambda i: i == ""):
        qtbot.keyClick(window, Qt.Key.Key_Home, Qt.KeyboardModifier.AltModifier)
    assert window.current_entity is None
    text = window.detail.toPlainText()
    lines = text.splitlines()
    counts = bundled_store.counts()
    assert f"{counts.entities:,} entities · {counts.facts:,} facts" in text
    html = window.detail.toHtml()
    for kind in counts.kinds:  # a tile each, its count over its name, both linked to the kind's group
        shown = f"{kind.count:,}\u2029{kind.plural}" in text or f"{kind.count:,}\n{kind.plural}" in text
        assert shown == bool(kind.count), kind.plural  # a kind with nothing in it yet is left out
        assert html.count(f'href="kind:{kind.id}"') == (2 if kind.count else 0), kind.id
    assert "Starting points" in text
    for ref in bundled_store.most_linked(12):
        assert f'href="entity:{ref.id}"' in html
    recent = text.split("Recently viewed", 1)[1].split("Starting points", 1)[0]
    assert recent.index("Pakistan") < recent.index("International Military Education and Training")
    # The sources are under Help → Sources and licence, no longer on Home.
    assert "Sources and licence" in text and "CC BY-SA 4.0" not in text
    assert not any(source.title in lines for source in bundled_store.sources().values())
    # A starting point is a link that navigates.
    window.detail.anchorClicked.emit(QUrl(f"entity:{bundled_store.most_linked(1)[0].id}"))
    assert window.current_entity == bundled_store.most_linked(1)[0].id
    window.action_home.trigger()
    assert window.current_entity is None


def test_entity_page_sections(window: MainWindow, bundled_store: Store) -> None:
    window.show_entity("imet")
    text = window.detail.toPlainText()
    page = bundled_store.page("imet")
    assert text.startswith(page.name)
    for heading in ("Key facts", "More facts", "Timeline", "Referenced by", "Sources"):
        assert f"\n{heading}\n" in text, heading
    for alias in page.aliases:
        assert alias in text
    # The timeline is a picture (one image character in the text), with a line on what it shows.
    timeline = text.split("\nTimeline\n", 1)[1].split("\nReferenced by\n", 1)[0]
    assert timeline.startswith("\ufffc\n") and re.match(r"\d+ dated facts, \d{4}–\d{4};", timeline[2:])
    # Each group of facts runs oldest first, its dates inline.
    checked = 0
    for label in {f.label for f in page.other_facts()}:
        group = [f for f in page.other_facts() if f.label == label and f.entity and f.earliest]
        if len(group) > 1:
            at = [text.index(f"{f.entity.name} ({f.when})") for f in sorted(group, key=lambda f: f.earliest)]
            assert at == sorted(at), label
            checked += 1
    assert checked
    assert window.windowTitle() == "International Military Education and Training — Security Assistance Almanac"


# -- escaping of data ---------------------------------------------------------------

HOSTILE = ["<script>alert(1)</script>", "<img src=x>", '<a href="file:///etc/passwd">x</a>']


def test_markup_in_data_is_shown_as_text(qtbot, data_dir: Path) -> None:
    evil = " ".join(HOSTILE)
    write_yaml(
        data_dir,
        "programs/evil.yaml",
        {
            "id": "evil",
            "kind": "program",
            "name": f"Evil {evil}",
            "aliases": [f"alias {evil}"],
            "summary": f"Summary {evil}",
            "summary_sources": CITE,
            "facts": [
                {"property": "purpose", "text": f"text {evil}", "note": f"note {evil}", "sources": CITE},
                {"property": "administered_by", "entity": "other", "sources": CITE},
            ],
        },
    )
    write_yaml(data_dir, "agencies/other.yaml", {"id": "other", "kind": "agency", "name": f"Other {evil}"})
    window = open_window(qtbot, ["--no-bundled", "--data", str(data_dir)])
    assert window.store.problems() == []
    for page in ("evil", "other"):
        assert window.show_entity(page)
        text = window.detail.toPlainText()
        for fragment in HOSTILE:
            assert fragment in text
        html = window.detail.toHtml()
        assert "<script" not in html
        assert "<img" not in html
        assert 'href="file:' not in html
        hrefs = re.findall(r'href="([^"]*)"', html)
        assert hrefs and all(h.startswith(("entity:", "https:", "cite:", "bookmark:", "#")) for h in hrefs), hrefs
    window.show_entity("evil")
    text = window.detail.toPlainText()
    for label in ("Evil ", "alias ", "Summary ", "text ", "note ", "Other "):
        assert f"{label}{evil}" in text
    # The navigator and the results show the names as they are too.
    index = window.nav_model.index_for_id("evil")
    assert index.data(Qt.ItemDataRole.DisplayRole) == f"Evil {evil}"
    assert window.windowTitle().startswith(f"Evil {evil}")


# -- web links ------------------------------------------------------------------------


@pytest.fixture
def stub_window(qtbot, bundled_store: Store, tmp_path: Path) -> tuple[MainWindow, list[QUrl]]:
    opened: list[QUrl] = []
    window = build_main_window(bundled_args(bundled_store), open_url=opened.append)
    qtbot.addWidget(window)
    return window, opened


def test_setting_a_page_opens_nothing(stub_window) -> None:
    window, opened = stub_window
    window.show_entity("imet")
    assert 'href="https://' in window.detail.toHtml()
    window.detail.setHtml('<a href="https://example.org/">x</a><img src="https://example.org/i.png">')
    window.show_home()
    assert opened == []


@pytest.mark.parametrize("url", ["https://example.org/page?q=1", "http://example.org/", "HTTPS://EXAMPLE.ORG/"])
def test_a_clicked_web_link_opens_in_the_browser_once(qtbot, stub_window, url: str) -> None:
    window, opened = stub_window
    window.show_entity("imet")
    with qtbot.assertNotEmitted(window.detail.linkRefused):
        window.detail.anchorClicked.emit(QUrl(url))
    assert [u.toString() for u in opened] == [QUrl(url).toString()]
    assert window.current_entity == "imet"


def test_a_real_click_on_a_source_link_opens_it(qtbot, stub_window, bundled_store: Store) -> None:
    window, opened = stub_window
    with qtbot.waitExposed(window):
        window.show()
    window.show_entity("imet")
    source = bundled_store.page("imet").sources[0]
    doc = window.detail.document()
    end = QTextCursor(doc)
    end.movePosition(QTextCursor.MoveOperation.End)
    cursor = doc.find(source.title, end, doc.FindFlag.FindBackward)  # in the numbered sources at the end
    assert cursor.charFormat().anchorHref() == source.url
    inside = QTextCursor(cursor)
    inside.setPosition(cursor.selectionStart() + 2)
    window.detail.setTextCursor(inside)
    window.detail.ensureCursorVisible()
    point = window.detail.cursorRect(inside).center()
    qtbot.mouseClick(window.detail.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert [u.toString() for u in opened] == [source.url]


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "javascript:alert(1)", "ftp://x", "data:text/html,<b>x</b>", "mailto:a@b.c", "relative/x"],
)
def test_other_schemes_are_refused(qtbot, stub_window, url: str) -> None:
    window, opened = stub_window
    window.show_entity("imet")
    with qtbot.waitSignal(window.detail.linkRefused) as blocker:
        window.detail.anchorClicked.emit(QUrl(url))
    assert blocker.args == [QUrl(url).toString()]
    assert opened == []
    assert window.current_entity == "imet"
    assert "Link not opened" in window.statusBar().currentMessage()


# -- problems in the data -------------------------------------------------------------


def test_a_bad_data_folder_lists_its_problems_and_keeps_the_rest(qtbot, data_dir: Path) -> None:
    write_yaml(
        data_dir,
        "programs/good-program.yaml",
        {
            "id": "good-program",
            "kind": "program",
            "name": "Goodly Program",
            "summary": "It works.",
            "summary_sources": CITE,
            "facts": [{"property": "purpose", "text": "Training", "sources": CITE}],
        },
    )
    (data_dir / "programs" / "broken.yaml").write_text("id: broken\nkind: program\nname: [unclosed\n", "utf-8")
    write_yaml(
        data_dir,
        "programs/odd.yaml",
        {
            "id": "odd",
            "kind": "program",
            "name": "Odd",
            "facts": [{"property": "frobnicates", "text": "x", "sources": CITE}],
        },
    )
    expected = [str(p) for p in load([data_dir.resolve()]).problems]
    assert len(expected) == 2
    assert any("broken.yaml:" in p for p in expected) and any("frobnicates" in p for p in expected)

    window = open_window(qtbot, ["--no-bundled", "--data", str(data_dir)])
    button = window.findChild(QWidget, "problemsButton")
    assert button.isVisible()
    assert "2 data problems" in button.text()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    table = window.findChild(QTableView, "problemsView")
    assert table is not None and table.isVisible()
    panel = window.problems.panel
    assert panel is not None
    listed = [str(panel.problem_at(table.model().index(r, 0))) for r in range(table.model().rowCount())]
    assert listed == expected
    assert all(re.match(r"^.+\.yaml:\d+(:\d+)?: ", line) for line in listed)

    # Everything valid is usable.
    wait_for_search(qtbot, window, "goodly")
    assert result_ids(window)[0] == "good-program"
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.current_entity == "good-program"
    assert "Training" in window.detail.toPlainText()
    assert window.show_entity("odd")


def test_clean_data_shows_no_problems_button(qtbot, window: MainWindow) -> None:
    assert window.store.problems() == []
    assert not window.problems_button.isVisible()
    assert window.counts_label.text() == (
        f"{window.store.counts().entities:,} entities · {window.store.counts().facts:,} facts"
    )


# -- export -------------------------------------------------------------------------------


def test_export_as_pdf(window: MainWindow, tmp_path: Path) -> None:
    window.show_entity("imet")
    out = tmp_path / "imet.pdf"
    window.export_pdf(out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert data.rstrip().endswith(b"%%EOF")
    assert len(data) > 2000


def test_build_main_window_takes_data_options_after_open(qtbot, data_dir: Path) -> None:
    write_yaml(data_dir, "programs/solo.yaml", {"id": "solo", "kind": "program", "name": "Solo Program"})
    for args in (
        ["--no-bundled", "--data", str(data_dir), "open", "solo"],
        ["open", "solo", "--no-bundled", "--data", str(data_dir)],
    ):
        window = open_window(qtbot, args)
        assert window.current_entity == "solo", args
        assert window.store.ref("imet") is None  # --no-bundled was honoured
        window.close()


def test_show_all_on_a_long_page_renders_every_fact_in_place(qtbot, data_dir: Path) -> None:
    from ui_support import open_window, write_yaml

    from desktop.ui.page_html import PAGE_ROWS

    cite = [{"source": "arms-industry", "locator": "¶1"}]
    people = [{"id": f"p-{n:03d}", "kind": "person", "name": f"Person {n:03d}"} for n in range(PAGE_ROWS + 20)]
    hub = {
        "id": "hub",
        "kind": "agency",
        "name": "Hub Office",
        "facts": [{"property": "employer", "entity": p["id"], "sources": cite} for p in people],
    }
    write_yaml(data_dir, "pack.yaml", [hub, *people])
    window = open_window(qtbot, ["--no-bundled", "--data", str(data_dir)])
    window.show_entity("hub")
    last = f"Person {PAGE_ROWS + 19:03d}"
    assert "Show all" in window.detail.toPlainText() and last not in window.detail.toPlainText()
    with qtbot.waitSignal(window.pageShown, check_params_cb=lambda i: i == "hub"):
        window.detail.anchorClicked.emit(QUrl("entity-all:hub"))
    assert last in window.detail.toPlainText()
    assert window.current_entity == "hub"
    window.go_back()  # showing all is the same page, not a new visit: one step back leaves it
    assert window.current_entity != "hub"


def test_a_pdf_links_notes_to_their_sources_and_entities_to_the_program(window: MainWindow, tmp_path: Path) -> None:
    # In a PDF no window follows cite: or entity: links: each note goes to its source's address instead,
    # and each entity to its almanac:// link; the window's own actions are not links there.
    window.show_entity("imet")
    page = window.store.page("imet")
    out = tmp_path / "imet.pdf"
    window.export_pdf(out)
    uris = set(re.findall(rb"/URI \((.*?)\)", out.read_bytes()))
    addresses = {s.url.encode() for s in page.sources if s.url.startswith("https://")}
    assert addresses and addresses <= uris  # every source cited on the page, from its notes and the list
    assert b"almanac://entity/united-states-congress" in uris
    assert not [u for u in uris if re.match(rb"(cite|entity|entity-all|kind|claims|bookmark):", u)], uris


def test_print_and_pdf_show_the_timeline_strip(window: MainWindow, tmp_path: Path) -> None:
    window.show_entity("imet")  # dated facts: the page has a strip
    doc = window.exports.printable_document()
    try:
        image = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(STRIP_SRC))
        assert isinstance(image, QImage) and image.width() >= 3 * PAPER_STRIP_WIDTH  # drawn at print's resolution
        text = doc.toPlainText()
        assert "dated facts" in text and "Point at a mark" not in text  # paper has no pointer
    finally:
        doc.deleteLater()
    out = tmp_path / "imet.pdf"
    window.export_pdf(out)
    assert b"/Subtype /Image" in out.read_bytes()

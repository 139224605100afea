"""The reader's notes: a pane under the page that saves as you type, survives a window closed mid-edit,
is shared by two windows, is found by the search box, and exports as Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit
from ui_support import bundled_args, open_window

from desktop.core.store import Store
from desktop.ui import notes_pane
from desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, bundled_store: Store) -> MainWindow:
    window = open_window(qtbot, bundled_args(bundled_store))
    window.resize(1280, 800)
    return window


def editor(window: MainWindow) -> QPlainTextEdit:
    found = window.findChild(QPlainTextEdit, "notesEdit")
    assert found is not None and found.isVisible()
    return found


def test_a_note_saves_as_you_type(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    edit = editor(window)
    assert edit.isEnabled() and edit.toPlainText() == ""
    assert "International Military Education and Training" in window.notes.title.text()
    qtbot.keyClicks(edit, "Ask about the 1990s suspension")
    assert window.reader.note("imet") == ""  # not on every key
    qtbot.waitUntil(lambda: window.reader.note("imet") == "Ask about the 1990s suspension", timeout=3000)
    assert window.notes.status.text() == "Saved"
    assert notes_pane.SAVE_AFTER_MS <= 1000


def test_a_new_page_saves_the_last_at_once_and_shows_its_own(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    edit = editor(window)
    qtbot.keyClicks(edit, "first note")
    window.show_entity("pakistan")  # before the pause has passed
    assert window.reader.note("imet") == "first note"
    assert edit.toPlainText() == ""
    qtbot.keyClicks(edit, "second")
    window.go_back()
    assert edit.toPlainText() == "first note" and window.reader.note("pakistan") == "second"
    window.show_home()
    assert not edit.isEnabled() and not window.notes.isVisible()  # Home has no note: the page takes the room
    window.show_entity("imet")
    assert window.notes.isVisible()


def test_closing_mid_edit_loses_nothing(qtbot, bundled_store: Store) -> None:
    first = open_window(qtbot, bundled_args(bundled_store))
    first.show_entity("imet")
    qtbot.keyClicks(editor(first), "typed just before closing")
    first.close()
    second = open_window(qtbot, bundled_args(bundled_store))
    assert second.current_entity == "imet"
    assert editor(second).toPlainText() == "typed just before closing"
    second.close()


def test_two_windows_share_notes_and_neither_loses_a_write(qtbot, bundled_store: Store) -> None:
    first = open_window(qtbot, bundled_args(bundled_store))
    second = open_window(qtbot, bundled_args(bundled_store))
    first.show_entity("imet")
    second.show_entity("imet")
    qtbot.keyClicks(editor(first), "from the first window")
    first.notes.save()
    second.reader.look_for_changes()
    assert editor(second).toPlainText() == "from the first window"
    # What the second window is typing is never replaced by the first's saves.
    qtbot.keyClicks(editor(second), "; and the second")
    first.show_entity("pakistan")
    qtbot.keyClicks(editor(first), "pakistan note")
    first.notes.save()
    second.reader.look_for_changes()
    assert editor(second).toPlainText() == "from the first window; and the second"
    second.notes.save()
    assert first.reader.note("imet") == "from the first window; and the second"
    assert first.reader.note("pakistan") == "pakistan note"


def test_notes_are_found_by_the_search_box_as_a_phase_of_their_own(qtbot, window: MainWindow) -> None:
    window.show_entity("senegal")
    qtbot.keyClicks(editor(window), "Ask the embassy about zebrafinch courses")
    window.notes.save()
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        window.search_box.setText("zebrafinch")
    model = window.results_model
    hits = [model.hit(r) for r in range(model.rowCount())]
    assert [(h.id, h.phase) for h in hits] == [("senegal", "notes")]
    assert "[zebrafinch]" in hits[0].marked()
    assert model.row_text(0)[2] == "Your note"  # what the row says it is
    assert "1 result" in window.search_status.text() or "note" in window.search_status.text()
    window.open_result(0)
    assert window.current_entity == "senegal"


def test_all_notes_export_as_markdown(qtbot, window: MainWindow, tmp_path: Path) -> None:
    window.reader.set_note("imet", "Line one\n\n- a list item")
    window.reader.set_note("pakistan", "Another")
    out = tmp_path / "notes.md"
    assert window.export_notes_to(out)
    text = out.read_text(encoding="utf-8")
    assert "## International Military Education and Training" in text and "## Pakistan" in text
    assert "Line one\n\n- a list item" in text and "imet" in text


def test_view_notes_hides_the_pane_and_is_remembered(qtbot, bundled_store: Store) -> None:
    first = open_window(qtbot, bundled_args(bundled_store))
    first.show_entity("imet")
    assert first.action_notes.isChecked() and first.notes.isVisible()
    qtbot.keyClick(first, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not first.notes.isVisible() and not first.action_notes.isChecked()
    first.close()
    second = open_window(qtbot, bundled_args(bundled_store))
    assert second.current_entity == "imet" and not second.notes.isVisible()
    second.action_notes.trigger()
    assert second.notes.isVisible()


def test_the_page_shows_the_note_where_the_reader_was(qtbot, window: MainWindow) -> None:
    window.show_entity("imet")
    bar = window.detail.verticalScrollBar()
    assert bar.maximum() > 100
    bar.setValue(bar.maximum() // 2)
    at = bar.value()
    qtbot.keyClicks(editor(window), "Remember: ask about E-IMET")
    window.notes.save()
    qtbot.waitUntil(lambda: "Remember: ask about E-IMET" in window.detail.toPlainText())
    assert "Your note" in window.detail.toPlainText()
    assert abs(bar.value() - at) <= 40  # drawn again where the reader was reading, not at the top


def test_a_screenshot_shows_the_readers_note_and_bookmark_and_writes_nothing_of_theirs(
    qapp, bundled_store: Store, tmp_path: Path
) -> None:
    import io

    from PySide6.QtGui import QImage

    from desktop import cli
    from desktop.core.reader_data import ReaderData

    with ReaderData() as data:
        data.set_note("imet", "A note for the picture")
        data.toggle_bookmark("imet", "International Military Education and Training")
    out, err = io.StringIO(), io.StringIO()
    shot = tmp_path / "page.png"
    argv = ["screenshot", str(shot), "--show", "imet", "--size", "1280x800", *bundled_args(bundled_store)]
    assert cli.main(argv, out, err) == 0, err.getvalue()
    assert not QImage(str(shot)).isNull()
    with ReaderData() as data:
        assert data.tabs() == ([], 0) and data.history() == []  # the picture's window saved nothing here
        assert data.note("imet") == "A note for the picture" and data.is_bookmarked("imet")


def test_a_note_on_an_entity_gone_from_the_data_is_found_and_shown(qtbot, window: MainWindow) -> None:
    # Its file removed or its id changed: the entity is gone, the reader's note on it is not.
    window.reader.set_note("retired-program", "Compare with the zebrafinch initiative")
    with qtbot.waitSignal(window.searchFinished, timeout=5000):
        window.search_box.setText("zebrafinch")
    model = window.results_model
    hits = [model.hit(r) for r in range(model.rowCount())]
    assert [(h.id, h.name, h.phase) for h in hits] == [
        ("retired-program", "retired-program (no longer in the data)", "notes")
    ]
    assert model.row_text(0)[2] == "Your note"
    window.open_result(0)
    shown = window.pages.view.toPlainText()
    assert "no longer in the data" in shown and "Compare with the zebrafinch initiative" in shown
    assert window.current_entity is None  # nothing of the data is shown
    window.show_entity("imet")
    window.go_back()  # the gone page is a step of the history like any other
    assert "Compare with the zebrafinch initiative" in window.pages.view.toPlainText()
    assert not window.show_entity("never-was")  # no note, no entity: nothing to show

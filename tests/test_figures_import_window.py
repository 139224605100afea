"""File → Import official figures…: the import runs off the GUI thread with a progress dialog that
can cancel it, and the pack it writes is added as a data folder, its figures on the bundled pages."""

from __future__ import annotations

from pathlib import Path

import figures_gen
import pytest
from PySide6.QtWidgets import QMessageBox
from ui_support import bundled_args, open_window

from desktop.ui import figures_import
from desktop.ui.figures_import import progress_text


@pytest.fixture
def window(qtbot, bundled_store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(figures_import.DATA_DIR_ENV, str(tmp_path / "user-data"))
    return open_window(qtbot, bundled_args(bundled_store))


def test_an_import_adds_its_pack_and_the_figures_reach_the_page(qtbot, window, tmp_path: Path):
    source = tmp_path / "us_foreign_aid_funding.csv"
    figures_gen.write_funding(source)
    importer = window.figures_import
    with qtbot.waitSignal(importer.imported, timeout=60_000) as imported:
        assert importer.start(source)
        assert importer.running and window.findChild(object, "importProgress") is not None
    pack = tmp_path / "user-data" / "packs" / "us_foreign_aid_funding"
    assert imported.args == [pack] and (pack / "figures" / "foreignassistance-gov-funding.csv").is_file()
    assert not importer.running
    qtbot.waitUntil(lambda: pack in window.session.extra_folders, timeout=60_000)
    page = window.session.store.page("egypt")
    assert {s.other.id for s in page.series} >= {"imet", "foreign-military-financing"}
    assert "Imported" in window.statusBar().currentMessage() or window.session.store.figures("egypt")


def test_a_cancelled_import_writes_nothing(qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    source = tmp_path / "us_foreign_aid_funding.csv"
    figures_gen.write_funding(source)
    importer = window.figures_import
    messages: list[str] = []
    importer.message.connect(messages.append)
    out = tmp_path / "pack"
    importer.start(source, out)
    importer.cancel()  # before the worker has read a row: it stops at its first look
    qtbot.waitUntil(lambda: not importer.running, timeout=60_000)
    assert messages == ["Import cancelled: nothing was written."]
    assert not out.exists()


def test_a_file_of_neither_layout_says_why_in_a_dialog(qtbot, window, tmp_path: Path, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    source = tmp_path / "notes.csv"
    source.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    importer = window.figures_import
    importer.start(source, tmp_path / "pack")
    qtbot.waitUntil(lambda: not importer.running, timeout=60_000)
    assert len(shown) == 1 and "The figures could not be imported." in shown[0]
    assert "Country" in shown[0]  # the message names columns the file lacks
    assert not (tmp_path / "pack").exists()


def test_the_progress_line_gives_rows_rate_and_time_left():
    assert progress_text(1_234_000, 50_000_000, 100_000_000, 2.0) == "1,234,000 rows · 25.0 MB/s · about 2 s left"
    assert progress_text(10, 0, 100, 0.0) == "10 rows"
    assert progress_text(5, 10_000_000, 4_000_000_000, 1.0).endswith("about 7 min left")

"""Where the window's parts meet: the store session, the background helper, the search, exports and dialogs."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest
from datafiles import entity, note_fact, write
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeySequence, QTextDocument
from PySide6.QtWidgets import QDialog
from ui_support import bundled_args, open_window

from desktop import APP_TITLE
from desktop.app import build_main_window
from desktop.core.store import Store
from desktop.models import data_watcher
from desktop.models.roles import Role
from desktop.models.tasks import Tasks
from desktop.ui import actions
from desktop.ui.main_window import MainWindow
from desktop.ui.page_html import PAGE_ROWS
from desktop.ui.settings import AppSettings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def folder(data_dir: Path) -> Path:
    write(data_dir, "programs/alpha.yaml", entity("alpha", name="Alpha Program", body="facts:\n" + note_fact("first")))
    write(data_dir, "countries/beta.yaml", entity("beta", kind="country", name="Beta Land"))
    return data_dir.resolve()


def data_args(folder: Path, cache_dir: Path) -> list[str]:
    return ["--no-bundled", "--data", str(folder), "--cache-dir", str(cache_dir)]


def result_ids(window: MainWindow) -> list[str]:
    model = window.results_model
    return [model.index(r, 0).data(Role.ENTITY_ID) for r in range(model.rowCount())]


def bump(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


# -- 1. a store reopened without a build is still the newer data -------------------------------------


def test_an_index_another_process_brought_up_to_date_replaces_the_one_shown(qtbot, folder: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    window = open_window(qtbot, data_args(folder, cache))
    assert window.show_entity("alpha")
    alpha = write(folder, "programs/alpha.yaml", entity("alpha", name="Alpha Renamed", body="facts:\n"))
    bump(alpha)
    # `almanac show alpha` in a terminal, before the window's watcher fires: it brings the index up to date,
    # so the window's own reopen finds nothing to build.
    Store.open([folder], cache_dir=cache).close()
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        pass
    assert window.windowTitle().startswith("Alpha Renamed — ")
    assert window.store.ref("alpha").name == "Alpha Renamed"


def test_a_reopen_that_finds_the_same_index_changes_nothing(qtbot, bundled_store: Store):
    window = open_window(qtbot, bundled_args(bundled_store))
    shown = window.store
    reloaded: list[object] = []
    window.storeReloaded.connect(lambda: reloaded.append(1))
    window.session.reload()
    qtbot.waitUntil(lambda: window.session.generation == 1 and not _busy(window))
    assert window.store is shown and reloaded == []


def _busy(window: MainWindow) -> bool:
    return bool(window.statusBar().currentMessage().startswith("Reading"))


# -- 2. the search never dies, and a failure is said ------------------------------------------------------


def test_a_search_that_raises_is_reported_and_the_next_one_answers(qtbot, bundled_store: Store, monkeypatch):
    window = open_window(qtbot, bundled_args(bundled_store))
    store_type = type(window.store)
    real = store_type.search
    calls = {"n": 0}

    def flaky(self, query, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if query == "boom":
            raise ValueError("a bug in the search")
        if query == "busy":
            raise sqlite3.OperationalError("database is locked")
        return real(self, query, *args, **kwargs)

    monkeypatch.setattr(store_type, "search", flaky)
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == "imet", timeout=5000):
        window.search_box.setText("imet")
    assert result_ids(window)
    for bad in ("boom", "busy"):
        with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q, b=bad: q == b, timeout=5000):
            window.search_box.setText(bad)
        assert "Search failed" in window.search_status.text()
        assert result_ids(window) == []  # the older query's hits are not left standing
    with qtbot.waitSignal(window.searchFinished, check_params_cb=lambda q: q == "pakistan", timeout=5000):
        window.search_box.setText("pakistan")
    assert result_ids(window)[0] == "pakistan"


# -- 6. adding a folder (tests/test_ui_settings.py has the rest) ------------------------------------------


def test_adding_a_folder_builds_off_the_gui_thread(qtbot, bundled_store: Store, folder: Path):
    window = open_window(qtbot, bundled_args(bundled_store))
    gui = threading.get_ident()
    opened_on: list[int] = []
    real = window.session._opener

    def spy(extra: list[Path]) -> Store:
        opened_on.append(threading.get_ident())
        return real(extra)

    window.session._opener = spy
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        assert window.add_data_folder(folder)
        assert "building the index" in window.statusBar().currentMessage()
    assert opened_on and gui not in opened_on
    assert window.store.ref("alpha") is not None


# -- 7. a page whose entity left the data ------------------------------------------------------------------


def test_a_deleted_entity_does_not_leave_its_page_up(qtbot, folder: Path, tmp_path: Path):
    window = open_window(qtbot, data_args(folder, tmp_path / "cache"))
    assert window.show_entity("alpha")
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        (folder / "programs" / "alpha.yaml").unlink()
    assert window.current_entity is None
    assert window.windowTitle() == APP_TITLE
    assert "no longer in the data" in window.detail.toPlainText()
    assert "first" not in window.detail.toPlainText()
    assert window.copy_citation() == ""


# -- 8. a PDF that could not be written -----------------------------------------------------------------


def test_export_pdf_to_an_unwritable_path_says_so(qtbot, bundled_store: Store, tmp_path: Path):
    window = open_window(qtbot, bundled_args(bundled_store))
    window.show_entity("imet")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    target = blocker / "imet.pdf"  # its "folder" is a file: nothing can be written there, even as root
    assert window.export_pdf(target) is False
    assert not target.exists()
    message = window.statusBar().currentMessage()
    assert "Could not write" in message and "Saved" not in message
    good = tmp_path / "imet.pdf"
    assert window.export_pdf(good) is True
    assert good.read_bytes().startswith(b"%PDF")
    assert window.statusBar().currentMessage() == f"Saved {good}"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".almanac-")] == []


# -- 9. the reload's lifetime; what is watched ------------------------------------------------------------


def test_closing_the_window_mid_reload_joins_the_work_and_drops_the_answer(qtbot, folder: Path, tmp_path: Path):
    window = open_window(qtbot, data_args(folder, tmp_path / "cache"))
    release = threading.Event()
    started = threading.Event()
    real = window.session._opener

    def slow(extra: list[Path]) -> Store:
        started.set()
        release.wait(10)
        return real(extra)

    window.session._opener = slow
    window.session.reload()
    assert started.wait(5)
    timer = threading.Timer(0.05, release.set)
    timer.start()
    window.close()  # returns once the worker has finished
    assert release.is_set()
    QCoreApplication.sendPostedEvents()
    QCoreApplication.processEvents()
    assert window.session.closed


def test_symlinked_subfolders_are_watched(tmp_path: Path):
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "gamma.yaml").write_text("id: gamma\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / "linked").symlink_to(outside, target_is_directory=True)
    (data / "loop").symlink_to(data, target_is_directory=True)  # a loop is walked once
    paths = data_watcher.watch_paths([data])
    assert str(data / "linked" / "deep" / "gamma.yaml") in paths
    assert str(data / "linked" / "deep") in paths
    assert len(paths) == len(set(paths))


def test_a_reload_walks_the_folders_once_and_off_the_gui_thread(qtbot, folder: Path, tmp_path: Path, monkeypatch):
    walks: list[int] = []
    real = data_watcher.watch_paths

    def spy(folders: list[Path], *args: object) -> list[str]:
        walks.append(threading.get_ident())
        return real(folders)

    monkeypatch.setattr(data_watcher, "watch_paths", spy)
    window = open_window(qtbot, data_args(folder, tmp_path / "cache"))
    qtbot.waitUntil(lambda: len(walks) == 1 and str(folder / "countries") in window.watcher.watched())
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        write(folder, "countries/gamma.yaml", entity("gamma", kind="country", name="Gamma Land"))
    qtbot.waitUntil(lambda: len(walks) == 2)
    qtbot.wait(50)
    assert len(walks) == 2
    assert threading.get_ident() not in walks
    qtbot.waitUntil(lambda: str(folder / "countries" / "gamma.yaml") in window.watcher.watched())


# -- 10. leaks --------------------------------------------------------------------------------------------


def test_printing_leaves_no_document_behind(qtbot, bundled_store: Store, tmp_path: Path):
    window = open_window(qtbot, bundled_args(bundled_store))
    window.show_entity("imet")
    before = len(window.findChildren(QTextDocument))
    for n in range(3):
        assert window.export_pdf(tmp_path / f"{n}.pdf")
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(window.findChildren(QTextDocument)) == before


@pytest.mark.parametrize("show", ["show_data_folders", "show_shortcuts", "show_sources"])
def test_dialogs_do_not_pile_up(qtbot, bundled_store: Store, show: str):
    window = open_window(qtbot, bundled_args(bundled_store))
    first = getattr(window.dialogs, show)()
    second = getattr(window.dialogs, show)()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    alive = [d for d in window.findChildren(QDialog) if d.objectName() == second.objectName()]
    assert alive == [second] and first is not second
    second.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert [d for d in window.findChildren(QDialog) if d.objectName() == second.objectName()] == []


# -- 13. keys, and the one table of actions -----------------------------------------------------------------


def test_quit_has_ctrl_q_even_where_the_platform_binding_is_empty(qtbot, bundled_store: Store):
    window = open_window(qtbot, bundled_args(bundled_store))
    keys = {k.toString() for k in window.action_quit.shortcuts()}
    assert "Ctrl+Q" in keys
    assert QKeySequence(QKeySequence.StandardKey.Quit).isEmpty() or len(keys) >= 1


def test_menus_and_the_readme_come_from_the_actions_table(qtbot, bundled_store: Store):
    window = open_window(qtbot, bundled_args(bundled_store))
    in_menus = [a.objectName() for top in window.menuBar().actions() for a in top.menu().actions() if a.objectName()]
    assert [s.name for s in actions.ACTIONS] == [n for n in in_menus if not n.startswith("actionTheme")]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert actions.readme_table() in readme, "README's shortcut table: regenerate with python -m desktop.ui.actions"


# -- the background helper -------------------------------------------------------------------------------------


def test_tasks_deliver_results_and_errors_on_the_gui_thread(qtbot):
    tasks = Tasks()
    gui = threading.get_ident()
    got: list[tuple[str, object, int]] = []
    tasks.run(lambda: 42, lambda v: got.append(("result", v, threading.get_ident())))
    tasks.run(lambda: 1 / 0, on_error=lambda e: got.append(("error", type(e).__name__, threading.get_ident())))
    with qtbot.waitSignal(tasks.failed, timeout=5000) as failed:
        tasks.run(lambda: {}["missing"], what="looking something up")
    qtbot.waitUntil(lambda: len(got) == 2)
    assert got == [("result", 42, gui), ("error", "ZeroDivisionError", gui)]
    assert failed.args == ["looking something up: KeyError: 'missing'"]
    tasks.run(lambda: 7, lambda v: got.append(("after", v, 0)))  # the lane lives on after errors
    qtbot.waitUntil(lambda: len(got) == 3)
    tasks.shutdown()
    tasks.run(lambda: 8, lambda v: got.append(("closed", v, 0)))
    qtbot.wait(20)
    assert len(got) == 3


def test_an_index_deleted_under_the_window_is_rebuilt_off_the_gui_thread(qtbot, folder: Path, tmp_path: Path):
    window = open_window(qtbot, data_args(folder, tmp_path / "cache"))
    path = window.store.path
    assert path is not None
    path.unlink()  # the index is a cache: someone cleared it, before the search thread ever opened it
    answers: list[list[str]] = []
    window.searchFinished.connect(lambda q: answers.append(result_ids(window)))
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        window.search_box.setText("alpha")
    qtbot.waitUntil(lambda: bool(answers) and answers[-1] == ["alpha"])
    assert path.exists()
    assert window.store.ref("alpha") is not None


def test_the_wired_window_opens_an_id_whatever_its_case(qtbot, bundled_store: Store):
    window = open_window(qtbot, ["open", "PAKISTAN", *bundled_args(bundled_store)])
    assert window.current_entity == "pakistan"


# -- what a review of the parts found ------------------------------------------------------------------


def _folder(base: Path, name: str, ident: str) -> Path:
    folder = base / name
    write(folder, f"programs/{ident}.yaml", entity(ident, name=ident.title()))
    return folder.resolve()


def test_two_folders_added_one_after_the_other_are_both_kept(qtbot, bundled_store: Store, tmp_path: Path):
    window = open_window(qtbot, bundled_args(bundled_store))
    a, b = _folder(tmp_path, "a", "alpha-one"), _folder(tmp_path, "b", "beta-two")
    window.add_data_folder(a)
    window.add_data_folder(b)  # picked while the first is still being built
    qtbot.waitUntil(lambda: window.session.extra_folders == [a, b], timeout=20_000)
    assert window.store.ref("alpha-one") is not None and window.store.ref("beta-two") is not None
    assert window.settings.data_folders == [a, b]


def test_a_reload_while_a_folder_is_being_added_keeps_the_folder(qtbot, bundled_store: Store, tmp_path: Path):
    window = open_window(qtbot, bundled_args(bundled_store))
    a = _folder(tmp_path, "a", "alpha-one")
    real = window.session._opener
    gate = threading.Event()

    def slow(extra: list[Path]) -> Store:
        gate.wait(5)
        return real(extra)

    window.session._opener = slow
    window.add_data_folder(a)
    window.session.reload()  # the watcher fired, or an index went missing, meanwhile
    gate.set()
    qtbot.waitUntil(lambda: window.session.extra_folders == [a], timeout=20_000)
    assert window.store.ref("alpha-one") is not None


def test_overtaken_reloads_are_not_opened(qtbot, bundled_store: Store):
    window = open_window(qtbot, bundled_args(bundled_store))
    real = window.session._opener
    calls: list[int] = []
    gate = threading.Event()

    def opener(extra: list[Path]) -> Store:
        calls.append(1)
        gate.wait(5)
        return real(extra)

    window.session._opener = opener
    reopened: list[object] = []
    window.session.reopened.connect(reopened.append)
    for _ in range(4):
        window.session.reload()  # an editor saving again and again during a long build
    gate.set()
    qtbot.waitUntil(lambda: bool(reopened), timeout=10_000)
    assert len(calls) <= 2  # the one running when the others came, and the newest


def test_a_file_saved_into_a_new_subfolder_is_noticed(qtbot, folder: Path, tmp_path: Path):
    window = open_window(qtbot, data_args(folder, tmp_path / "cache"))
    reopened: list[object] = []
    window.session.reopened.connect(reopened.append)
    (folder / "agencies").mkdir()  # a new, empty folder: the data itself has not changed
    qtbot.waitUntil(lambda: bool(reopened) and str(folder / "agencies") in window.watcher.watched(), timeout=10_000)
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        write(folder, "agencies/gamma.yaml", entity("gamma", kind="agency", name="Gamma Agency"))
    assert window.store.ref("gamma") is not None


def test_an_index_deleted_under_the_timeline_is_reopened(qtbot, folder: Path, tmp_path: Path):
    window = open_window(qtbot, data_args(folder, tmp_path / "cache"))
    path = window.store.path
    assert path is not None
    path.unlink()
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        window.time.set_timeline_visible(True)
    assert path.exists()


def test_a_window_closed_before_it_was_shown_keeps_the_saved_state(qtbot, bundled_store: Store):
    window = build_main_window(bundled_args(bundled_store))
    window.settings.last_entity = "pakistan"
    window.settings.sync()
    remembered = AppSettings().geometry
    window.close()  # `almanac open no-such-thing`: the window is made, then closed unseen
    assert AppSettings().last_entity == "pakistan"
    assert AppSettings().geometry == remembered


def test_a_store_opened_while_the_window_closes_is_closed(qtbot, folder: Path, tmp_path: Path):
    window = open_window(qtbot, data_args(folder, tmp_path / "cache"))
    release, started = threading.Event(), threading.Event()
    real = window.session._opener
    made: list[Store] = []

    def slow(extra: list[Path]) -> Store:
        started.set()
        release.wait(10)
        store = real(extra)
        made.append(store)
        return store

    window.session._opener = slow
    window.session.reload()
    assert started.wait(5)
    threading.Timer(0.05, release.set).start()
    window.close()
    assert made and made[0].closed


def test_show_all_lasts_through_a_redraw(qtbot, folder: Path, tmp_path: Path):
    notes = "".join(note_fact(f"remark number {n}") for n in range(PAGE_ROWS + 20))
    write(folder, "programs/alpha.yaml", entity("alpha", name="Alpha Program", body="facts:\n" + notes))
    window = open_window(qtbot, data_args(folder, tmp_path / "cache"))
    window.show_entity("alpha")
    last = f"remark number {PAGE_ROWS + 19}"
    assert last not in window.detail.toPlainText()
    window.detail.fullPageRequested.emit("alpha")  # "Show all"
    assert last in window.detail.toPlainText()
    window.pages.rerender()  # a theme change, new data, an As of date
    assert last in window.detail.toPlainText()
    window.show_entity("beta")
    window.go_back()  # another visit is a fresh page
    assert last not in window.detail.toPlainText()


def test_a_result_posted_but_not_yet_taken_at_shutdown_is_let_go_of(qtbot):
    tasks = Tasks()
    posted = threading.Event()
    tasks._delivered.connect(lambda item: posted.set(), Qt.ConnectionType.DirectConnection)  # on the worker
    got: list[object] = []
    dropped: list[object] = []
    tasks.run(lambda: "store", got.append, on_dropped=dropped.append)
    assert posted.wait(5)
    tasks.shutdown()  # the answer is posted, and the event loop has not run since
    QCoreApplication.processEvents()
    assert got == [] and dropped == ["store"]

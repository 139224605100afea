"""What the window remembers between runs, and the colour themes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QDockWidget
from ui_support import CITE, ThemeGuard, bundled_args, open_window, write_yaml

from desktop.core.store import Store
from desktop.ui.main_window import MainWindow
from desktop.ui.settings import AppSettings, settings_path

DARK_TEXT = "#e6e6e6"  # the dark palette's text colour (desktop/ui/theme.py)
DARK_BASE = "#1f1f22"


@pytest.fixture
def theme_guard(qapp):
    """Themes change the whole application's palette and style: put them back after the test."""
    guard = ThemeGuard(qapp)
    yield guard
    guard.restore()


def test_settings_live_in_the_config_folder_of_the_test(tmp_path: Path) -> None:
    import os

    assert settings_path() == Path(os.environ["ALMANAC_CONFIG_DIR"]) / "settings.ini"


def test_first_run_opens_on_home(qtbot, bundled_store: Store) -> None:
    window = open_window(qtbot, bundled_args(bundled_store))
    assert window.current_entity is None
    assert window.detail.zoom == 0
    assert window.theme_actions["system"].isChecked()
    assert window.windowTitle() == "Security Assistance Almanac"


def test_settings_survive_a_new_window(qtbot, bundled_store: Store, theme_guard, qapp) -> None:
    first = open_window(qtbot, bundled_args(bundled_store))
    screen = first.screen().availableGeometry()
    size = (screen.width() - 123, screen.height() - 77)  # a size that fits: restoring keeps it on screen
    first.resize(*size)
    first.splitter.setSizes([250, 650])
    splitter_sizes = first.splitter.sizes()
    first.set_zoom(3)
    first.set_theme("dark")
    first.show_entity("pakistan")
    first.show_entity("imet")
    first.close()

    second = open_window(qtbot, bundled_args(bundled_store))
    assert second.current_entity == "imet"
    assert "International Military Education and Training" in second.windowTitle()
    assert second.detail.zoom == 3
    assert second.theme_actions["dark"].isChecked()
    assert qapp.palette().color(QPalette.ColorRole.Base).name() == DARK_BASE
    assert (second.width(), second.height()) == size
    assert second.splitter.sizes() == splitter_sizes
    # The tab comes back with its own history, as a browser's does.
    assert second.action_back.isEnabled()
    second.go_back()
    assert second.current_entity == "pakistan"

    # Back to the system theme and home: that is remembered too.
    second.set_theme("system")
    second.show_home()
    second.close()
    third = open_window(qtbot, bundled_args(bundled_store))
    assert third.current_entity is None
    assert third.theme_actions["system"].isChecked()


def test_open_with_an_id_wins_over_the_last_entity(qtbot, bundled_store: Store) -> None:
    from desktop.app import build_main_window

    first = open_window(qtbot, bundled_args(bundled_store))
    first.show_entity("imet")
    first.close()
    second = build_main_window(["open", "pakistan", *bundled_args(bundled_store)])
    qtbot.addWidget(second)
    assert second.current_entity == "pakistan"


def test_a_last_entity_that_is_gone_opens_home(qtbot, bundled_store: Store) -> None:
    settings = AppSettings()
    settings.last_entity = "no-longer-there"
    settings.sync()
    window = open_window(qtbot, bundled_args(bundled_store))
    assert window.current_entity is None


def test_added_data_folders_are_remembered(qtbot, bundled_store: Store, data_dir: Path) -> None:
    write_yaml(
        data_dir,
        "programs/extra-program.yaml",
        {
            "id": "extra-program",
            "kind": "program",
            "name": "Extraordinary Program",
            "facts": [{"property": "administered_by", "entity": "department-of-defense", "sources": CITE}],
        },
    )
    first = open_window(qtbot, bundled_args(bundled_store))
    assert first.store.ref("extra-program") is None
    first.show_entity("imet")
    with qtbot.waitSignal(first.storeReloaded, timeout=10_000):
        assert first.add_data_folder(data_dir)  # built in the background
    assert first.store.ref("extra-program") is not None
    assert first.settings.data_folders == [data_dir.resolve()]
    assert first.current_entity == "imet"  # the page shown stays
    assert first.nav_model.index_for_id("extra-program").isValid()
    first.show_entity("department-of-defense")
    assert "Extraordinary Program" in first.detail.toPlainText()  # linked both ways
    first.close()

    second = open_window(qtbot, bundled_args(bundled_store))
    assert second.store.ref("extra-program") is not None
    assert second.store.ref("imet") is not None  # the bundled data is still there


def test_theme_actions_switch_and_the_page_follows_the_palette(qtbot, bundled_store: Store, theme_guard) -> None:
    window = open_window(qtbot, bundled_args(bundled_store))
    window.show_entity("imet")
    assert DARK_TEXT not in window.detail.toHtml()
    window.theme_actions["dark"].trigger()
    assert window.settings.theme == "dark"
    # Palettes reach the widgets through the event loop; the page is drawn again in the new colours.
    qtbot.waitUntil(lambda: DARK_TEXT in window.detail.toHtml())
    assert f'bgcolor="{DARK_BASE}"' in window.detail.toHtml()
    assert window.current_entity == "imet"
    window.theme_actions["light"].trigger()
    assert window.settings.theme == "light"
    qtbot.waitUntil(lambda: DARK_TEXT not in window.detail.toHtml())
    assert 'bgcolor="#ffffff"' in window.detail.toHtml()


def test_a_folder_whose_index_cannot_be_built_is_not_remembered(qtbot, bundled_store: Store, data_dir: Path) -> None:
    window = open_window(qtbot, bundled_args(bundled_store))
    shown = window.store

    def broken(extra: list[Path]) -> Store:
        raise OSError(28, "No space left on device")

    window.session._opener = broken
    with qtbot.waitSignal(window.session.failed, timeout=10_000) as failed:
        assert window.add_data_folder(data_dir)
        assert window.settings.data_folders == []  # not before the build succeeds
    assert "No space left on device" in failed.args[0]
    assert window.settings.data_folders == []
    assert window.store is shown
    assert "No space left on device" in window.statusBar().currentMessage()


def test_a_reload_overtaken_by_an_added_folder_does_not_swap_the_old_folders_back(
    qtbot, bundled_store: Store, data_dir: Path
) -> None:
    write_yaml(data_dir, "programs/extra-program.yaml", {"id": "extra-program", "kind": "program", "name": "Extra"})
    window = open_window(qtbot, bundled_args(bundled_store))
    session = window.session
    real = session._opener
    release = threading.Event()
    order: list[list[Path]] = []

    def slow_first(extra: list[Path]) -> Store:
        order.append(list(extra))
        if not extra:
            release.wait(10)  # the reload of the old folder set finishes last
        return real(extra)

    session._opener = slow_first
    stale = session.reload()
    with qtbot.waitSignal(window.storeReloaded, timeout=10_000):
        window.add_data_folder(data_dir)
        release.set()
    assert session.generation > stale
    assert window.store.ref("extra-program") is not None
    qtbot.wait(50)  # nothing further arrives to undo it
    assert window.store.ref("extra-program") is not None
    assert window.settings.data_folders == [data_dir.resolve()]


def test_unticking_official_figures_is_remembered(qtbot, bundled_store: Store) -> None:
    first = open_window(qtbot, bundled_args(bundled_store))
    assert first.figures.action_figures.isChecked()  # ticked on a first run
    first.figures.action_figures.setChecked(False)
    first.close()
    second = open_window(qtbot, bundled_args(bundled_store))
    assert not second.figures.action_figures.isChecked()
    second.figures.action_figures.setChecked(True)
    second.close()
    assert open_window(qtbot, bundled_args(bundled_store)).figures.action_figures.isChecked()


@pytest.mark.parametrize(
    ("action", "dock_name"),
    [("sources.action_sources", "sourcesDock"), ("bookmarks.action_panel", "bookmarksDock")],
)
def test_an_open_sources_or_bookmarks_panel_is_remembered(
    qtbot, bundled_store: Store, action: str, dock_name: str
) -> None:
    def toggle(window: MainWindow) -> QAction:
        owner, name = action.split(".")
        return getattr(getattr(window, owner), name)

    def shown(window: MainWindow) -> bool:
        dock = window.findChild(QDockWidget, dock_name)
        return dock is not None and dock.isVisible()

    first = open_window(qtbot, bundled_args(bundled_store))
    assert not toggle(first).isChecked() and not shown(first)  # hidden on a first run
    toggle(first).trigger()  # as the menu or its keys do
    assert shown(first)
    first.close()

    second = open_window(qtbot, bundled_args(bundled_store))
    assert toggle(second).isChecked() and shown(second)
    second.findChild(QDockWidget, dock_name).close()  # its own close button
    assert not toggle(second).isChecked()
    second.close()

    third = open_window(qtbot, bundled_args(bundled_store))
    assert not toggle(third).isChecked() and not shown(third)

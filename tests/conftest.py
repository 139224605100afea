"""Shared fixtures. Qt runs offscreen; every test gets its own cache and settings."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop.core.bundle import bundled_data_dir
from desktop.core.store import Store

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = bundled_data_dir()


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's real cache, settings or data (bookmarks, notes, tabs)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ALMANAC_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("ALMANAC_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("ALMANAC_DATA_DIR", str(home / "data"))  # bookmarks, notes, tabs, imported packs


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The bundled data, indexed once for the whole session (read-only use only)."""
    return Store.open([BUNDLED], cache_dir=tmp_path_factory.mktemp("bundled-cache"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data folder with the bundled vocabulary, sources and schema: tests add entity files."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("vocabulary.yaml", "sources.yaml"):
        shutil.copy(BUNDLED / name, folder / name)
    shutil.copytree(BUNDLED / "schema", folder / "schema")
    return folder


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
    from hostile import summary

    line = summary()
    if line and exitstatus == 0:
        terminalreporter.write_sep("-", "robustness")
        terminalreporter.write_line(line)

"""What the window remembers between runs, in an INI file in the platform's config folder."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

CONFIG_ENV = "ALMANAC_CONFIG_DIR"


def settings_path() -> Path:
    """$ALMANAC_CONFIG_DIR/settings.ini, else the platform's config folder (XDG_CONFIG_HOME on Linux)."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override) / "settings.ini"
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    return Path(base) / "sa-almanac" / "settings.ini"


class AppSettings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self._s = QSettings(str(self.path), QSettings.Format.IniFormat)
        self._closed = False

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._set("window/geometry", value)

    @property
    def splitter(self) -> QByteArray | None:
        return self._bytes("window/splitter")

    @splitter.setter
    def splitter(self, value: QByteArray) -> None:
        self._set("window/splitter", value)

    @property
    def page_splitter(self) -> QByteArray | None:
        """The split between the page and the notes pane under it."""
        return self._bytes("window/page_splitter")

    @page_splitter.setter
    def page_splitter(self, value: QByteArray) -> None:
        self._set("window/page_splitter", value)

    def flag(self, key: str, default: bool) -> bool:
        """A ticked-or-not choice (QSettings keeps booleans as text)."""
        value = str(self._s.value(key, "true" if default else "false")).lower()
        return value not in ("false", "0")

    def set_flag(self, key: str, value: bool) -> None:
        self._set(key, "true" if value else "false")

    @property
    def notes_shown(self) -> bool:
        """View → Notes: shown unless the reader hid it."""
        return self.flag("view/notes", True)

    @notes_shown.setter
    def notes_shown(self, value: bool) -> None:
        self.set_flag("view/notes", value)

    @property
    def sources_shown(self) -> bool:
        """View → Sources: hidden unless the reader left it open."""
        return self.flag("view/sources", False)

    @sources_shown.setter
    def sources_shown(self, value: bool) -> None:
        self.set_flag("view/sources", value)

    @property
    def bookmarks_shown(self) -> bool:
        """Bookmarks → Show all bookmarks: hidden unless the reader left the panel open."""
        return self.flag("view/bookmarks", False)

    @bookmarks_shown.setter
    def bookmarks_shown(self, value: bool) -> None:
        self.set_flag("view/bookmarks", value)

    @property
    def last_entity(self) -> str | None:
        value = self._s.value("view/last_entity", "")
        return str(value) or None

    @last_entity.setter
    def last_entity(self, value: str | None) -> None:
        self._set("view/last_entity", value or "")

    @property
    def zoom(self) -> int:
        value = self._s.value("view/zoom", 0)
        try:
            return int(value) if isinstance(value, (int, str, float)) else 0
        except ValueError:
            return 0

    @zoom.setter
    def zoom(self, value: int) -> None:
        self._set("view/zoom", int(value))

    @property
    def figures_shown(self) -> bool:
        """View → Official figures: ticked unless the reader unticked it."""
        return self.flag("view/figures", True)

    @figures_shown.setter
    def figures_shown(self, value: bool) -> None:
        self.set_flag("view/figures", value)

    @property
    def problems_shown(self) -> bool:
        """View → Problems: hidden unless the reader showed it (QSettings keeps booleans as text)."""
        return str(self._s.value("view/problems", "false")).lower() in ("true", "1")

    @problems_shown.setter
    def problems_shown(self, value: bool) -> None:
        self.set_flag("view/problems", value)

    @property
    def theme(self) -> str:
        return str(self._s.value("view/theme", "system"))

    @theme.setter
    def theme(self, value: str) -> None:
        self._set("view/theme", value)

    @property
    def data_folders(self) -> list[Path]:
        value = self._s.value("data/folders", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            return []  # a settings file edited by hand into something else: no extra folders
        return [Path(v) for v in value if isinstance(v, str) and v]

    @data_folders.setter
    def data_folders(self, folders: list[Path]) -> None:
        self._set("data/folders", [str(f) for f in folders])

    def _set(self, key: str, value: object) -> None:
        if not self._closed:
            self._s.setValue(key, value)

    def close(self) -> None:
        """Write what is pending; later changes (a window tearing down) are not saved."""
        self._s.sync()
        self._closed = True

    def sync(self) -> None:
        self._s.sync()

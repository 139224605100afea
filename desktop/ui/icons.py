"""Kind icons from resources/icons, loaded once per window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

from desktop.core.bundle import resources_dir


class KindIcons:
    def __init__(self, icon_names: dict[str, str], folder: Path | None = None) -> None:
        self._folder = folder or resources_dir() / "icons"
        self._names = icon_names
        self._cache: dict[str, QIcon] = {}

    def set_names(self, icon_names: dict[str, str]) -> None:
        self._names = icon_names
        self._cache.clear()

    def __call__(self, kind: str) -> QIcon:
        icon = self._cache.get(kind)
        if icon is None:
            path = self._folder / (self._names.get(kind) or "group.svg")
            icon = QIcon(str(path)) if path.is_file() else QIcon(str(self._folder / "group.svg"))
            self._cache[kind] = icon
        return icon

    def app_icon(self) -> QIcon:
        return QIcon(str(self._folder / "almanac.svg"))

"""Where the bundled data and resources are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _find(name: str, marker: str) -> Path:
    # Installed from a wheel they sit inside the package; in a checkout, beside it.
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if (candidate / marker).exists():
            return candidate
    return _PACKAGE.parent / name


def bundled_data_dir() -> Path:
    return _find("data", "vocabulary.yaml")


def resources_dir() -> Path:
    return _find("resources", "icons")

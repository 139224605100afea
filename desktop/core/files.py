"""Which files make up a data folder.

Kept apart from the loader so that checking whether the index is current
(a walk and a stat per file) does not import the YAML and schema machinery.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from desktop.core.bundle import bundled_data_dir

VOCABULARY_FILE = "vocabulary.yaml"
SOURCES_FILE = "sources.yaml"
SCHEMA_FILE = Path("schema") / "entity.schema.json"
SETUP_FILES: tuple[str | Path, ...] = (VOCABULARY_FILE, SOURCES_FILE, SCHEMA_FILE)
# Official figures (an imported dataset's numbers) live as CSV beside the entities: a country's
# thousands of yearly amounts would be slow to read, and to check, as YAML facts.
FIGURES_FOLDER = "figures"


def borrowed_setup_files(folders: Iterable[Path]) -> list[Path]:
    """The bundled data's setup files that stand in for those no folder brings.

    A folder of entities alone (`--no-bundled --data DIR`) is read with the bundled
    vocabulary, sources and schema; a folder that brings one of them is read with
    its own instead. The loader reads these, and the index's fingerprint should
    count them, like any setup file.
    """
    folders = [f for f in folders if f.is_dir()]
    borrowed = []
    for name in SETUP_FILES:
        if not any((folder / name).is_file() for folder in folders):
            path = bundled_data_dir() / name
            if path.is_file():
                borrowed.append(path)
    return borrowed


def walk(folder: Path) -> Iterator[tuple[str, list[str]]]:
    """(folder, its file names) for `folder` and every folder under it, in a stable order.

    Symlinked folders are followed, each real folder once (a symlink back up the tree is
    skipped), and hidden folders are left out: what the index reads, and the window watches.
    """
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        try:
            st = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:  # a symlink back up the tree
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield root, sorted(files)


def data_files(folder: Path) -> Iterator[Path]:
    """The entity files under a data folder, in a stable order, symlink loops skipped."""
    for root, files in walk(folder):
        top = Path(root) == folder
        for name in files:
            if name.startswith(".") or not name.endswith((".yaml", ".yml")):
                continue
            if top and name in (VOCABULARY_FILE, SOURCES_FILE):
                continue
            yield Path(root) / name


def figure_files(folder: Path) -> list[Path]:
    """The figure tables of a data folder (`figures/*.csv`), in a stable order."""
    try:
        return sorted(p for p in (folder / FIGURES_FOLDER).glob("*.csv") if p.is_file() and not p.name.startswith("."))
    except OSError:
        return []

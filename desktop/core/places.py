"""Where a value is written in a data file, looked up only when a problem needs it.

Entities and facts remember where they sit in their file as a path of keys and
list positions, not as line numbers: finding lines means building YAML's node
tree, which costs several times the parse itself, and only the rare value with
a problem needs one.
"""

from __future__ import annotations

from pathlib import Path

from desktop.core.yamlfile import Document, YamlFileError, read_yaml

Where = tuple[int | str, ...]


class Places:
    """Looks places up, reading each file at most once per instance."""

    def __init__(self, known: dict[str, Document] | None = None) -> None:
        self._docs: dict[str, Document | None] = dict(known or {})

    def _doc(self, path: str) -> Document | None:
        if path not in self._docs:
            try:
                self._docs[path] = read_yaml(Path(path))
            except YamlFileError:
                self._docs[path] = None  # changed or gone since it was read: no place to give
        return self._docs[path]

    def place(self, path: str, where: Where) -> tuple[int, int]:
        """(line, column) of the value at `where`, or (0, 0) when the file no longer has it."""
        doc = self._doc(path)
        return doc.place(where) if doc is not None else (0, 0)

    def line(self, path: str, where: Where) -> int:
        return self.place(path, where)[0]

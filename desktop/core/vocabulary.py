"""The vocabulary (kinds and properties) and the list of source documents.

Both come from YAML files in the data folder; the code knows no kind,
property or source by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.problems import Problem
from desktop.core.yamlfile import YamlFileError, read_yaml

TAKES = ("entity", "quantity", "text", "date")


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    plural: str
    folder: str
    icon: str
    order: int


@dataclass(frozen=True)
class Property:
    id: str
    label: str
    inverse: str
    takes: str
    range: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str = ""
    url: str = ""
    license: str = ""
    paragraphs: int = 0  # 0 when unknown: locators are then not range-checked


@dataclass
class Vocabulary:
    kinds: dict[str, Kind] = field(default_factory=dict)
    properties: dict[str, Property] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)

    def kind_by_folder(self, folder: str) -> Kind | None:
        return next((k for k in self.kinds.values() if k.folder == folder), None)


def _str(entry: dict, key: str, default: str | None = None) -> str:
    value = entry.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"`{key}` must be a non-empty string")
    return value


def _entries(path: Path, key: str, problems: list[Problem]) -> list[tuple[dict, int]]:
    """The list under `key` in a YAML file, each entry with its line."""
    try:
        doc = read_yaml(path)
    except YamlFileError as exc:
        problems.append(Problem(str(path), exc.line, exc.column, exc.message))
        return []
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get(key), list):
        problems.append(Problem(str(path), 1, 1, f"expected a mapping with a list under `{key}:`"))
        return []
    out = []
    for i, entry in enumerate(doc.data[key]):
        line, column = doc.place((key, i))
        if not isinstance(entry, dict):
            problems.append(Problem(str(path), line, column, f"each entry under `{key}:` must be a mapping"))
            continue
        out.append((entry, line))
    return out


def load_vocabulary_file(path: Path, vocab: Vocabulary, problems: list[Problem]) -> None:
    """Add the kinds and properties declared in `path` (later folders may add more)."""
    for key in ("kinds", "properties"):
        for entry, line in _entries(path, key, problems):
            try:
                ident = _str(entry, "id")
                if key == "kinds":
                    vocab.kinds[ident] = Kind(
                        id=ident,
                        label=_str(entry, "label"),
                        plural=_str(entry, "plural", entry.get("label")),
                        folder=_str(entry, "folder", ident),
                        icon=str(entry.get("icon") or ""),
                        order=len(vocab.kinds) if ident not in vocab.kinds else vocab.kinds[ident].order,
                    )
                else:
                    takes = entry.get("takes", "entity")
                    if takes not in TAKES:
                        raise ValueError(f"`takes` must be one of {', '.join(TAKES)}")
                    vocab.properties[ident] = Property(
                        id=ident,
                        label=_str(entry, "label"),
                        inverse=_str(entry, "inverse", entry.get("label")),
                        takes=takes,
                        range=tuple(entry.get("range") or ()),
                    )
            except ValueError as exc:
                problems.append(Problem(str(path), line, 0, f"{key[:-1]}: {exc}"))


def load_sources_file(path: Path, vocab: Vocabulary, problems: list[Problem]) -> None:
    for entry, line in _entries(path, "sources", problems):
        try:
            ident = _str(entry, "id")
            paragraphs = entry.get("paragraphs", 0)
            vocab.sources[ident] = Source(
                id=ident,
                title=_str(entry, "title"),
                publisher=str(entry.get("publisher") or ""),
                url=str(entry.get("url") or ""),
                license=str(entry.get("license") or ""),
                paragraphs=paragraphs if isinstance(paragraphs, int) else 0,
            )
        except ValueError as exc:
            problems.append(Problem(str(path), line, 0, f"source: {exc}"))

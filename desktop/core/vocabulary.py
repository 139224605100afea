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
# What a fact's dates mean, per property: `event` happens at its date, `state` holds over its span,
# `timeless` is not about time at all. The as-of view reads an undated event or state as "date not
# known", never as in force; a property that does not say is taken as a state, the cautious reading.
TIMES = ("event", "state", "timeless")
# How a kind's entities sort in the tree: by name, or (people) by family name.
SORTS = ("name", "family-name")


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    plural: str
    folder: str
    icon: str
    order: int
    sort_by: str = "name"
    # The properties whose facts define an entity of this kind: its page leads with them, in this order.
    key_facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Property:
    id: str
    label: str
    inverse: str
    takes: str
    range: tuple[str, ...] = ()  # the kinds a linked entity may be; () for any
    domain: tuple[str, ...] = ()  # the kinds the subject may be; () for any
    time: str = "state"


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


def _choice(entry: dict, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
    value = entry.get(key, default or choices[0])
    if value not in choices:
        raise ValueError(f"`{key}` must be one of {', '.join(choices)}")
    return str(value)


def _kinds(entry: dict, key: str) -> tuple[str, ...]:
    value = entry.get(key) or ()
    if not isinstance(value, list | tuple) or not all(isinstance(k, str) for k in value):
        raise ValueError(f"`{key}` must be a list of kind ids")
    return tuple(value)


def _ids(entry: dict, key: str) -> tuple[str, ...]:
    value = entry.get(key) or ()
    if not isinstance(value, list | tuple) or not all(isinstance(k, str) for k in value):
        raise ValueError(f"`{key}` must be a list of property ids")
    return tuple(value)


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


_ONE = {"kinds": "kind", "properties": "property"}


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
                        sort_by=_choice(entry, "sort_by", SORTS),
                        key_facts=_ids(entry, "key_facts"),
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
                        range=_kinds(entry, "range"),
                        domain=_kinds(entry, "domain"),
                        time=_choice(entry, "time", TIMES, default="state"),
                    )
            except ValueError as exc:
                problems.append(Problem(str(path), line, 0, f"{_ONE[key]}: {exc}"))


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

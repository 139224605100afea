"""The entities and facts that the loader produces and the index stores."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.core.dates import When


@dataclass(frozen=True)
class Citation:
    source: str
    locator: str


@dataclass
class Fact:
    property: str
    sources: list[Citation]
    entity: str | None = None
    value: int | float | None = None
    unit: str | None = None
    text: str | None = None
    unknown: bool = False
    when: When = field(default_factory=When)
    note: str | None = None
    line: int = 0
    link_place: tuple[int, int] = (0, 0)  # (line, column) of the `entity:` value, for link problems
    # the id a link named when no such entity exists: the fact is kept, unlinked
    missing_entity: str | None = None


@dataclass
class Entity:
    id: str
    kind: str
    name: str
    path: str
    line: int = 0
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    summary: str = ""
    parent_place: tuple[int, int] = (0, 0)  # (line, column) of the `parent:` value, when given
    facts: list[Fact] = field(default_factory=list)

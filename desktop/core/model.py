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
    # the id a link named when no such entity exists: the fact is kept, unlinked
    missing_entity: str | None = None


@dataclass
class Entity:
    id: str
    kind: str
    name: str
    path: str
    # where the entity is in its file: () for a file of its own, (n,) for the n-th of a pack;
    # its facts are at (*where, "facts", position). `places.Places` turns these into lines.
    where: tuple[int | str, ...] = ()
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    summary: str = ""
    facts: list[Fact] = field(default_factory=list)
    # `parent` as the file gives it; `parent` itself loses a missing parent or one that closes a cycle
    written_parent: str | None = None

    def __post_init__(self) -> None:
        if self.written_parent is None:
            self.written_parent = self.parent

"""The entities and facts that the loader produces and the index stores."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.core.dates import When


@dataclass(frozen=True)
class Citation:
    source: str
    locator: str


# A claim's rank, in the manner of Wikidata's statement ranks: the page shows the best-ranked claim.
PREFERRED, NORMAL, DEPRECATED = "preferred", "normal", "deprecated"
RANKS = (PREFERRED, NORMAL, DEPRECATED)


@dataclass(kw_only=True)
class Claim:
    """What a source says a fact's value is: a fact holds several when its sources disagree."""

    sources: list[Citation]
    entity: str | None = None
    value: int | float | None = None
    unit: str | None = None
    text: str | None = None
    unknown: bool = False
    when: When = field(default_factory=When)
    note: str | None = None
    rank: str = NORMAL


@dataclass(kw_only=True)
class Fact(Claim):
    """A fact: its property and the claim it stands by (the fields it has of `Claim`)."""

    property: str
    # the id a link named when no such entity exists: the fact is kept, unlinked
    missing_entity: str | None = None
    # When sources disagree: every claim, in the order written, the one above among them. Empty
    # for the usual fact, whose one claim is itself.
    claims: list[Claim] = field(default_factory=list)

    @staticmethod
    def standing_by(prop: str, claims: list[Claim]) -> Fact:
        """The fact that shows the best-ranked of `claims` (the first preferred, else the first normal,
        else the first) and keeps them all when there is more than one."""
        best = claims[0] if len(claims) == 1 else min(claims, key=lambda c: RANKS.index(c.rank))
        # A plain dataclass keeps its fields in __dict__: a copy is what fields() would give, for
        # a tenth of the time (this runs once for every fact of every build).
        return Fact(property=prop, claims=claims if len(claims) > 1 else [], **best.__dict__)


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
    parent_sources: list[Citation] = field(default_factory=list)  # where the parent link is said
    summary_sources: list[Citation] = field(default_factory=list)  # where the summary's statements come from
    sort_as: str | None = None  # how the tree sorts it when not by its name ("Horowitz, Michael C.")
    ambiguous_aliases: list[str] = field(default_factory=list)  # aliases knowingly shared with another entity
    # `parent` as the file gives it; `parent` itself loses a missing parent or one that closes a cycle
    written_parent: str | None = None
    # a hash of everything the file says of it (see loader.entity_digest): equal means a refresh may skip it
    digest: str = ""

    def __post_init__(self) -> None:
        if self.written_parent is None:
            self.written_parent = self.parent

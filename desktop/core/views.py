"""Read-only views of indexed data, as the store hands them to the window and the CLI."""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator
from typing import NamedTuple

from desktop.core.records import FrozenRecord, Record, lazy_dataclass

_set = object.__setattr__  # a frozen record's fields are set as a frozen dataclass sets them


# KindInfo, EntityRef, SourceInfo and Counts are written out (records.FrozenRecord, Record): Home's
# first paint makes each of them, where the dataclasses below wait for their first use.


class KindInfo(FrozenRecord):
    __match_args__ = ("id", "label", "plural", "icon", "count")
    __slots__ = __match_args__
    id: str
    label: str
    plural: str
    icon: str
    count: int

    def __init__(self, id: str, label: str, plural: str, icon: str, count: int) -> None:
        _set(self, "id", id)
        _set(self, "label", label)
        _set(self, "plural", plural)
        _set(self, "icon", icon)
        _set(self, "count", count)


class EntityRef(FrozenRecord):
    __match_args__ = ("id", "kind", "name")
    __slots__ = __match_args__
    id: str
    kind: str
    name: str

    def __init__(self, id: str, kind: str, name: str) -> None:
        _set(self, "id", id)
        _set(self, "kind", kind)
        _set(self, "name", name)


class TreeRow(NamedTuple):
    """One navigator row, straight from the index row: a tree batch is hundreds of these per
    scroll, so they are plain tuples and the aliases are decoded only when a tooltip asks."""

    id: str
    kind: str
    name: str
    sort_name: str
    aliases_json: str
    child_count: int

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(json.loads(self.aliases_json))


class SourceInfo(FrozenRecord):
    __match_args__ = ("id", "title", "publisher", "url", "license")
    __slots__ = __match_args__
    id: str
    title: str
    publisher: str
    url: str
    license: str

    def __init__(self, id: str, title: str, publisher: str, url: str, license: str) -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "publisher", publisher)
        _set(self, "url", url)
        _set(self, "license", license)


class CitationView(FrozenRecord):
    """Written out (records.FrozenRecord): every fact and every page has some."""

    __match_args__ = ("source", "locator")
    __slots__ = __match_args__
    source: SourceInfo
    locator: str

    def __init__(self, source: SourceInfo, locator: str) -> None:
        _set(self, "source", source)
        _set(self, "locator", locator)


@lazy_dataclass(frozen=True, kw_only=True)
class Said:
    """What a fact, or one claim of it, says: its value, its time, its note and its sources."""

    entity: EntityRef | None  # the entity at the other end
    missing: str | None = None  # a link to an id that does not exist
    value: int | float | None
    unit: str | None
    text: str | None
    unknown: bool
    date: str | None
    start: str | None
    end: str | None
    when: str  # the date or period as a person reads it
    note: str | None
    sources: tuple[CitationView, ...]
    phrase: str


@lazy_dataclass(frozen=True, kw_only=True)
class ClaimView(Said):
    """One of the claims of a fact whose sources disagree, with its rank."""

    rank: str  # preferred | normal | deprecated
    shown: bool  # the claim the fact stands by: what the page shows


@lazy_dataclass(frozen=True, kw_only=True)
class FactView(Said):
    """One fact as seen from an entity page; `inbound` when it points at that entity."""

    property: str
    label: str  # the property's label, or its inverse label for an inbound fact
    earliest: str | None
    latest: str | None
    inbound: bool = False
    # The days its start and its end may fall on (start_min, start_max, end_min, end_max), as the index
    # keeps them: None for an open start or end, all None for an undated fact. Read, never re-parsed.
    days: tuple[int | None, int | None, int | None, int | None] = (None, None, None, None)
    time: str = "state"  # what its dates mean: event, state or timeless (the property's, from the vocabulary)
    # Every claim, the shown one among them, when its sources disagree; () for the usual fact.
    claims: tuple[ClaimView, ...] = ()

    @builtins.property
    def disputed(self) -> bool:
        return bool(self.claims)

    @builtins.property
    def rank(self) -> str:
        """The rank of the claim shown: "normal" for a fact whose sources agree."""
        return next((c.rank for c in self.claims if c.shown), "normal")

    def all_sources(self) -> tuple[CitationView, ...]:
        """Its citations, then those of the claims it does not show."""
        return (*self.sources, *(s for c in self.claims if not c.shown for s in c.sources))


@lazy_dataclass(frozen=True)
class FigureView:
    """One official figure: what a source gives for a country and a program in one fiscal year."""

    fiscal_year: int
    country: EntityRef
    program: EntityRef
    type: str  # obligations | disbursements | another transaction type, as a slug
    current: float  # US dollars of the day
    constant: float | None  # inflation-adjusted US dollars, when the source gives them
    source: SourceInfo
    locator: str


@lazy_dataclass(frozen=True)
class SeriesView:
    """A run of figures as a page sums it up: one line for a program (or country) and a type."""

    other: EntityRef  # the program on a country's page; the country on a program's page
    type: str
    first_year: int
    last_year: int
    years: int  # how many fiscal years have a figure
    total: float  # current dollars, all years
    peak_year: int
    peak: float
    sources: tuple[SourceInfo, ...]


@lazy_dataclass(frozen=True)
class Page:
    """Everything the entity page and `almanac show` need, in one read."""

    id: str
    kind: str
    kind_label: str
    name: str
    aliases: tuple[str, ...]
    summary: str
    parent: EntityRef | None
    children: tuple[EntityRef, ...]
    facts: tuple[FactView, ...]
    inbound: tuple[FactView, ...]
    path: str  # the file the entity is written in
    summary_sources: tuple[CitationView, ...] = ()  # where the summary's statements come from
    parent_sources: tuple[CitationView, ...] = ()  # where the parent link is said
    series: tuple[SeriesView, ...] = ()  # official figures, a line per program (or country) and type
    # The properties whose facts define an entity of this kind (the vocabulary's `key_facts`), most telling first.
    key_properties: tuple[str, ...] = ()
    # The parent's own parents, top first, then the parent: the page's breadcrumb. () without a parent.
    ancestors: tuple[EntityRef, ...] = ()

    def is_key(self, fact: FactView) -> bool:
        """Whether `fact` is one of the page's key facts: said by the entity, of a key property."""
        return not fact.inbound and fact.property in self.key_properties

    def key_facts(self) -> tuple[FactView, ...]:
        """The facts that define the entity, in the vocabulary's order of their properties (each
        property's facts in the order written)."""
        rank = {prop: n for n, prop in enumerate(self.key_properties)}
        return tuple(sorted((f for f in self.facts if f.property in rank), key=lambda f: rank[f.property]))

    def other_facts(self) -> tuple[FactView, ...]:
        """The entity's facts that are not key facts, in the order written."""
        return tuple(f for f in self.facts if f.property not in self.key_properties)

    def citations(self) -> Iterator[CitationView]:
        """Every citation on the page, in the order the page shows them: summary, parent, facts."""
        yield from self.summary_sources
        yield from self.parent_sources
        for fact in (*self.facts, *self.inbound):
            yield from fact.all_sources()

    @builtins.property
    def sources(self) -> tuple[SourceInfo, ...]:
        """The distinct sources the page cites, in order of first citation."""
        seen: dict[str, SourceInfo] = {}
        for cite in self.citations():
            seen.setdefault(cite.source.id, cite.source)
        for series in self.series:
            for source in series.sources:
                seen.setdefault(source.id, source)
        return tuple(seen.values())


@lazy_dataclass(frozen=True)
class TimelineItem:
    """One dated fact on the timeline of the whole store, read from its subject's side."""

    fact: int  # the fact's row id in the index: stable for one index
    subject: EntityRef
    other: EntityRef | None  # the linked entity, if the fact links to one that exists
    property: str
    label: str  # the property's label
    phrase: str  # e.g. "Suspended Pakistan (since August 2018)"
    when: str  # the date or period as a person reads it
    earliest: str | None  # None: open start (a period known only by its end)
    latest: str | None  # None: open end (ongoing)
    precision: str
    date: str | None
    start: str | None
    end: str | None
    note: str | None
    sources: tuple[CitationView, ...]
    # The four bounds as day numbers (dates.day_number), None where open: the days the start may
    # fall on, then those the end may fall on; a point starts and ends on its one date.
    start_min: int | None = None
    start_max: int | None = None
    end_min: int | None = None
    end_max: int | None = None
    # A series of official figures (timeline_series) rather than a fact: its amount in each fiscal
    # year, for the strip its mark is painted as, of one transaction type.
    amounts: tuple[tuple[int, float], ...] = ()
    amounts_type: str | None = None

    @builtins.property  # plain `property` is a field's name in this class
    def sentence(self) -> str:
        """The fact as a sentence that names its subject."""
        return f"{self.subject.name}: {self.phrase}" + (f" — {self.note}" if self.note else "")


@lazy_dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    name: str
    score: float
    snippet: str  # the match marked with \x01 … \x02 (see `marked`)
    phase: str  # exact | prefix | text | fuzzy

    def marked(self, before: str = "[", after: str = "]") -> str:
        return self.snippet.replace(HIGHLIGHT_START, before).replace(HIGHLIGHT_END, after)


# Control characters cannot occur in YAML text, so they mark a match unambiguously.
HIGHLIGHT_START = "\x01"
HIGHLIGHT_END = "\x02"


class Counts(Record):
    __match_args__ = ("entities", "facts", "kinds")
    __slots__ = __match_args__
    entities: int
    facts: int
    kinds: list[KindInfo]

    def __init__(self, entities: int = 0, facts: int = 0, kinds: list[KindInfo] | None = None) -> None:
        self.entities = entities
        self.facts = facts
        self.kinds = [] if kinds is None else kinds  # a list of its own for each, as a default factory gives

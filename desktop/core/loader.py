"""Loading data folders into entities, with every problem reported and skipped.

One bad file, entity or fact never hides the rest: each problem becomes a
`Problem` with the file and line, and whatever is still valid is kept. The
same pass serves `almanac validate` and every other command.
"""

from __future__ import annotations

import hashlib
import marshal
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop.core.dates import DateError, When, parse_date, parse_when
from desktop.core.figures import Figure, read_figures
from desktop.core.files import (
    SCHEMA_FILE,
    SOURCES_FILE,
    VOCABULARY_FILE,
    borrowed_setup_files,
    data_files,
    figure_files,
)
from desktop.core.model import DEPRECATED, NORMAL, PREFERRED, Citation, Claim, Entity, Fact
from desktop.core.places import Places, Where
from desktop.core.problems import Problem
from desktop.core.schema import check_entity, passes
from desktop.core.text import family_name_first, name_key
from desktop.core.vocabulary import Kind, Property, Vocabulary, load_sources_file, load_vocabulary_file
from desktop.core.yamlfile import Document, YamlFileError, read_yaml

# What a fact gives of its own unless its sources disagree, when each claim gives them.
_CLAIM_KEYS = ("entity", "value", "unit", "text", "unknown", "date", "start", "end", "note", "sources")
_PARAGRAPH = re.compile(r"^¶\s*(\d+)(?:\s*[-–]\s*(\d+))?$")
# The key a value of each kind of property is given under (a date property takes a date or a span).
_NEEDS = {"entity": "entity", "quantity": "value", "text": "text"}
# A fact as the index keeps it: property, the entity it links to, value, unit, text, unknown, when, note,
# citations, and its claims (each fact whose sources disagree; none for the rest).
PlainFact = tuple[
    str, str | None, int | float | None, str | None, str | None, bool, When, str | None, list[Citation], Sequence[Claim]
]


@dataclass
class LoadResult:
    vocabulary: Vocabulary
    entities: dict[str, Entity] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    @property
    def fact_count(self) -> int:
        return sum(len(e.facts) for e in self.entities.values())


def find_schema(folders: list[Path]) -> Path | None:
    for folder in folders:
        if (folder / SCHEMA_FILE).is_file():
            return folder / SCHEMA_FILE
    return next((p for p in borrowed_setup_files(folders) if p.name == SCHEMA_FILE.name), None)


class Memo:
    """What reading one file after another with the same vocabulary need not work out twice.

    Citations: a large folder cites a few hundred (source, locator) pairs a hundred thousand
    times, and each is looked up, range-checked and made once.
    """

    def __init__(self) -> None:
        # (source, locator as written) -> the Citation, or (where under the citation, message) when it is bad
        self.citations: dict[tuple[Any, Any], Citation | tuple[str, str]] = {}


class FileReader:
    """Turns the mappings of one parsed file into entities."""

    def __init__(
        self, result: LoadResult, schema: Path, path: Path, doc: Document, folder: Path, memo: Memo | None = None
    ) -> None:
        self.result = result
        self.vocab = result.vocabulary
        self.schema = schema
        self.path = path
        self.shown = str(path)
        self.doc = doc
        self.folder = folder
        self.memo = memo or Memo()

    def problem(self, where: tuple[int | str, ...], message: str, key: bool = False) -> None:
        line, column = self.doc.key_place(where) if key else self.doc.place(where)
        self.result.problems.append(Problem(self.shown, line, column, message))

    def load(self) -> Iterator[Entity]:
        for prefix, item in self.items():
            entity = self.entity(prefix, item, single=not prefix)
            if entity is not None:
                yield entity

    def items(self) -> Iterator[tuple[tuple[int | str, ...], dict]]:
        """Each mapping of the file that may describe an entity, with where it is; whatever cannot, reported."""
        data = self.doc.data
        if isinstance(data, dict):
            items: list[tuple[tuple[int | str, ...], Any]] = [((), data)]
        elif isinstance(data, list):
            items = [((i,), item) for i, item in enumerate(data)]
            if not items:
                self.problem((), "an empty list: a pack holds one or more entities")
        else:
            self.problem((), "not an entity: expected a mapping (one entity) or a list of mappings (a pack)")
            return
        for prefix, item in items:
            if not isinstance(item, dict):
                self.problem(prefix, "not an entity: each item of a pack must be a mapping with id, kind and name")
                continue
            yield prefix, item

    def plain(self, at: tuple[int | str, ...], item: dict) -> tuple[Entity, list[PlainFact]] | None:
        """The entity `item` describes and its facts as `PlainFact`s, when `entity` would find nothing wrong
        with it and give the same; None otherwise (`entity` then says what is wrong, and what is kept).

        A full build reads every entity of every file: nearly all are like this, and their facts
        go straight into the index's rows without a Fact made of each on the way. Each check below
        is one that `entity`, `fact` and `claim` make, with a problem found turned into None.
        """
        if not passes(self.schema, item):
            return None
        kind = self.vocab.kinds.get(item["kind"])
        if kind is None or (not at and self.path.stem != item["id"]) or item.get("ambiguous_aliases"):
            return None
        properties, kind_id = self.vocab.properties, kind.id
        facts: list[PlainFact] = []
        for raw in item.get("facts") or ():
            prop = properties.get(raw["property"])
            if prop is None or "claims" in raw or (prop.domain and kind_id not in prop.domain):
                return None
            get = raw.get
            date, start, end, unknown = get("date"), get("start"), get("end"), bool(get("unknown"))
            takes = prop.takes
            if takes == "date":
                if not (date or start or end):
                    return None
            else:
                needs = _NEEDS.get(takes)
                if needs and needs not in raw and not unknown:
                    return None
            try:
                when = parse_when(date, start, end)
            except DateError:
                return None
            citations = self.plain_citations(raw["sources"])
            if citations is None:
                return None
            text, note = get("text"), get("note")
            facts.append(
                (
                    prop.id, get("entity"), get("value"), get("unit"), " ".join(text.split()) if text else None,
                    unknown, when, " ".join(note.split()) if note else None, citations, (),
                )
            )  # fmt: skip
        cited = {}
        for said, key in (("parent", "parent_sources"), ("summary", "summary_sources")):
            if bool(item.get(said)) != (key in item):
                return None  # a statement not cited, or citations of nothing
            found = self.plain_citations(item[key]) if key in item else []
            if found is None:
                return None
            cited[key] = found
        name = item["name"].strip()
        sort_as = item.get("sort_as") or None
        if sort_as:
            sort_as = sort_as.strip()
        elif kind.sort_by == "family-name":
            sort_as = family_name_first(name)
        entity = Entity(
            id=item["id"],
            kind=kind_id,
            name=name,
            path=self.shown,
            where=at,
            aliases=[a.strip() for a in item.get("aliases") or ()],
            parent=item.get("parent") or None,
            summary=" ".join((item.get("summary") or "").split()),
            parent_sources=cited["parent_sources"],
            summary_sources=cited["summary_sources"],
            sort_as=sort_as,
            digest=entity_digest(self.shown, at, item),
        )
        return entity, facts

    def plain_citations(self, sources: list[dict]) -> list[Citation] | None:
        """The citations of a list the schema passed, as `citations` makes them; None when one is not valid."""
        known = self.memo.citations
        citations = []
        for cite in sources:
            said = (cite["source"], cite.get("locator"))
            checked = known.get(said)
            if checked is None:
                checked = known[said] = self._check_citation(cite)
            if type(checked) is not Citation:
                return None
            citations.append(checked)
        return citations

    def entity(self, at: tuple[int | str, ...], item: dict, single: bool) -> Entity | None:
        """The entity `item` describes, or None; every problem with it reported, not just the first.

        An entity that cannot be kept (a bad id, kind or name) still has its facts
        checked, so that one run of `almanac validate` lists everything to fix.
        """
        bad_fields: set[str] = set()  # top-level keys whose values break the schema
        bad_facts: dict[int, set[tuple[int | str, ...]]] = {}  # fact position -> where in it the schema broke
        keep = True
        for error in check_entity(self.schema, item):
            self.problem((*at, *error.path), error.message, key=error.key_problem)
            if error.key_problem:
                continue
            head = error.path[:1]
            if not head or head[0] in ("id", "kind", "name"):
                keep = False
                bad_fields.update(str(h) for h in head)
            elif head[0] == "facts" and len(error.path) > 1 and isinstance(error.path[1], int):
                bad_facts.setdefault(error.path[1], set()).add(tuple(error.path[2:]))
            else:
                bad_fields.add(str(head[0]))
        kind = None
        if "kind" not in bad_fields and isinstance(item.get("kind"), str):
            kind = self.vocab.kinds.get(item["kind"])
            if kind is None:
                self.problem((*at, "kind"), f"unknown kind `{item['kind']}` (kinds: {', '.join(self.vocab.kinds)})")
        ident = item.get("id") if "id" not in bad_fields else None
        if single and isinstance(ident, str) and self.path.stem != ident:
            # Left out: the file name is how an entity is found again (by an editor, by a refresh).
            self.problem((*at, "id"), f"id `{ident}` does not match the file name `{self.path.name}`")
            keep = False
        facts = []
        raw_facts = item.get("facts") if "facts" not in bad_fields else None
        for k, raw in enumerate(raw_facts if isinstance(raw_facts, list) else []):
            if not isinstance(raw, dict):
                continue  # the schema said so
            fact = self.fact((*at, "facts", k), raw, bad_facts.get(k, set()), kind)
            if fact is not None:
                facts.append(fact)

        def kept(key: str, default: Any = None) -> Any:
            """item[key], or `default` when missing, empty, or found wrong by the schema."""
            return default if key in bad_fields else item.get(key) or default

        aliases = [a.strip() for a in kept("aliases", [])]
        ambiguous = [a.strip() for a in kept("ambiguous_aliases", [])]
        listed = {name_key(a) for a in aliases} if ambiguous else set()
        for i, alias in enumerate(ambiguous):
            if name_key(alias) not in listed:
                self.problem((*at, "ambiguous_aliases", i), f"`{alias}` is not one of the aliases: list it there too")
        # A parent and a summary are statements like any fact: each says where it is said.
        parent_sources = self.citations(at, kept("parent_sources"), set(), key="parent_sources")
        summary_sources = self.citations(at, kept("summary_sources"), set(), key="summary_sources")
        for said, key in (("parent", "parent_sources"), ("summary", "summary_sources")):
            if kept(said) and key not in item:
                self.problem((*at, said), f"the {said} is not cited: give `{key}` (the paragraphs it comes from)")
            elif key in item and not kept(said):
                self.problem((*at, key), f"`{key}` cites a {said} the entity does not have")
        if not keep or kind is None:
            return None
        name = item["name"].strip()
        sort_as = kept("sort_as")
        if sort_as:
            sort_as = sort_as.strip()
        elif kind.sort_by == "family-name":
            sort_as = family_name_first(name)
        return Entity(
            id=item["id"],
            kind=kind.id,
            name=name,
            path=self.shown,
            where=at,
            aliases=aliases,
            parent=kept("parent"),
            summary=" ".join(kept("summary", "").split()),
            facts=facts,
            parent_sources=parent_sources,
            summary_sources=summary_sources,
            sort_as=sort_as,
            ambiguous_aliases=ambiguous,
            digest=entity_digest(self.shown, at, item),
        )

    def fact(
        self, at: tuple[int | str, ...], raw: dict, broken: set[tuple[int | str, ...]], kind: Kind | None
    ) -> Fact | None:
        """The fact `raw` describes, or None; every problem with it reported.

        `broken` holds where in the fact the schema found something wrong (`()` for the fact
        as a whole, `("date",)`, `("sources", 0, "locator")`…): such a fact is left out, but
        the rest of it is still checked against the vocabulary, the sources and the calendar,
        and nothing the schema said is said twice. A fact whose sources disagree holds
        `claims`, each checked as a fact's value is; a broken claim is left out on its own.
        """
        name = None if ("property",) in broken else raw.get("property")
        prop = self.vocab.properties.get(name) if isinstance(name, str) else None
        if isinstance(name, str) and prop is None:
            self.problem((*at, "property"), f"unknown property `{name}`")
        if prop is not None and kind is not None and prop.domain and kind.id not in prop.domain:
            # Kept, as a link to the wrong kind is: the subject's kind may be what is wrong.
            self.problem(
                (*at, "property"),
                f"`{prop.id}` is not said of {_a(kind.id)}: its subject is {' or '.join(map(_a, prop.domain))}",
            )
        if "claims" not in raw:
            said = self.claim(at, raw, prop, broken)
            # The usual fact, one claim that is the fact itself: what Fact.standing_by(prop, [claim]) gives.
            return None if said is None or prop is None else Fact(property=prop.id, **said)
        stray = [key for key in _CLAIM_KEYS if key in raw]
        for key in stray:
            self.problem((*at, key), f"a fact with `claims` gives `{key}` in each claim, not beside them")
        raw_claims = raw["claims"] if isinstance(raw["claims"], list) and ("claims",) not in broken else []
        claims = []
        for i, raw_claim in enumerate(raw_claims):
            if isinstance(raw_claim, dict):
                mine = {where[2:] for where in broken if where[:2] == ("claims", i)}
                said = self.claim((*at, "claims", i), raw_claim, prop, mine)
                if said is not None:
                    claims.append(Claim(**said))
        preferred = [i for i, c in enumerate(raw_claims) if isinstance(c, dict) and c.get("rank") == PREFERRED]
        if len(preferred) > 1:
            self.problem((*at, "claims", preferred[1], "rank"), "only one claim of a fact can be preferred")
            return None
        if stray or prop is None or () in broken or not claims:
            return None
        if all(c.rank == DEPRECATED for c in claims):
            self.problem((*at, "claims"), "fact left out: every claim it still has is deprecated")
            return None
        return Fact.standing_by(prop.id, claims)

    def claim(
        self, at: tuple[int | str, ...], raw: dict, prop: Property | None, broken: set[tuple[int | str, ...]]
    ) -> dict[str, Any] | None:
        """The value, dates, note and sources of a fact (or of one of its claims) as Claim's fields, or None."""
        ok = not broken
        unknown = bool(raw.get("unknown"))
        if prop is not None and ok:
            takes = prop.takes
            if takes == "date":
                if not (raw.get("date") or raw.get("start") or raw.get("end")):
                    self.problem(at, f"`{prop.id}` is a date: give `date` or `start`/`end`")
                    ok = False
            else:
                needs = _NEEDS.get(takes)
                if needs and needs not in raw and not unknown:
                    self.problem(
                        at, f"`{prop.id}` takes {'an' if needs == 'entity' else 'a'} `{needs}:` (or `unknown: true`)"
                    )
                    ok = False
        when = None
        if broken:
            self.dates_alone(at, raw, broken)
        else:
            try:  # one parse of each date for the valid facts, nearly all of them
                when = parse_when(raw.get("date"), raw.get("start"), raw.get("end"))
            except DateError as exc:
                if self.dates_alone(at, raw, broken):  # each is good: it is how they go together
                    self.problem((*at, "end" if "end" in raw else "start"), str(exc))
        ok = ok and when is not None
        # raw["sources"] unless the schema found that value itself wrong
        citations = self.citations(at, None if ("sources",) in broken else raw.get("sources"), broken)
        if not ok or not citations or when is None:
            return None
        text, note = raw.get("text"), raw.get("note")
        return {
            "sources": citations,
            "entity": raw.get("entity"),
            "value": raw.get("value"),
            "unit": raw.get("unit"),
            "text": " ".join(text.split()) if text else None,
            "unknown": unknown,
            "when": when,
            "note": " ".join(note.split()) if note else None,
            "rank": raw.get("rank") or NORMAL,
        }

    def dates_alone(self, at: tuple[int | str, ...], raw: dict, broken: set[tuple[int | str, ...]]) -> bool:
        """Report each of a fact's dates that is no date (not just the first); True when none is bad."""
        good = True
        for key in ("date", "start", "end"):
            value = raw.get(key)
            if (key,) in broken or not isinstance(value, str):
                continue  # missing, or the schema said what is wrong with it
            try:
                parse_date(value)
            except DateError as exc:
                self.problem((*at, key), f"bad {key}: {exc}")
                good = False
        return good

    def citations(
        self, at: tuple[int | str, ...], sources: Any, broken: set[tuple[int | str, ...]], key: str = "sources"
    ) -> list[Citation]:
        """The valid citations of a fact's `sources` (or of the list under `key`), each invalid one reported."""
        known = self.memo.citations
        if not broken and type(sources) is list and len(sources) == 1 and type(sources[0]) is dict:
            # Nearly every fact cites one source, checked already for another fact: the loop below, short.
            checked = known.get((sources[0]["source"], sources[0].get("locator")))
            if type(checked) is Citation:
                return [checked]
        citations: list[Citation] = []
        for j, cite in enumerate(sources if isinstance(sources, list) else []):
            if (broken and any(where[:2] == (key, j) for where in broken)) or not isinstance(cite, dict):
                continue  # the schema said what is wrong with it
            said = (cite["source"], cite.get("locator"))
            checked = known.get(said)
            if checked is None:
                checked = known[said] = self._check_citation(cite)
            if isinstance(checked, Citation):
                citations.append(checked)
            else:
                self.problem((*at, key, j, checked[0]), checked[1])
        if not citations and sources and not broken:
            left_out = "fact left out" if key == "sources" else f"`{key}`"
            self.problem((*at, key), f"{left_out}: none of its sources is valid")
        return citations

    def _check_citation(self, cite: dict) -> Citation | tuple[str, str]:
        """A citation the schema let through, as kept, or (where under it, message) when it is not valid."""
        source = self.vocab.sources.get(cite["source"])
        if source is None:
            return "source", f"unknown source `{cite['source']}` (not in sources.yaml)"
        locator = cite["locator"].strip() if isinstance(cite.get("locator"), str) else ""
        if (m := _PARAGRAPH.match(locator)) and source.paragraphs:
            last = int(m.group(2) or m.group(1))
            if not 1 <= int(m.group(1)) <= last <= source.paragraphs:
                return (
                    "locator",
                    f"locator {locator} is outside `{source.id}`, which has {source.paragraphs} paragraph(s)",
                )
        return Citation(source.id, locator)


def entity_digest(path: str, where: tuple[int | str, ...], item: dict) -> str:
    """A hash of everything the file says of an entity, and where: equal means a refresh may skip it.

    Taken from the mapping as read rather than from the entity made of it: the entity follows from
    the mapping, its place and the setup files (whose change means a full build), and hashing the
    mapping costs a tenth of hashing the entity. marshal's version 2 writes equal plain values the
    same way whatever objects hold them (later versions refer back to an object seen before); a date,
    which only PyYAML builds and marshal cannot write, goes by its repr. A digest that differs
    without a change (a YAML set, whose order varies between runs) only costs the refresh a write.
    """
    state = (path, where, item)
    try:
        said = marshal.dumps(state, 2)
    except ValueError:
        said = repr(state).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(said, digest_size=16).hexdigest()


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


@dataclass(frozen=True)
class Node:
    """What the cross-file rules need of one entity."""

    kind: str
    parent: str | None  # as written
    path: str
    where: Where


@dataclass(frozen=True)
class Link:
    """What the cross-file rules need of one fact that names another entity."""

    key: tuple[str, int]  # (subject id, position of the fact)
    path: str
    property: str
    target: str  # as written
    where: Where  # of the fact in its file


@dataclass
class CrossCheck:
    missing: set[tuple[str, int]]  # keys of links whose target does not exist
    parents: dict[str, str | None]  # every entity's parent once missing ones and cycles are cut
    problems: list[Problem]


def cross_check(nodes: dict[str, Node], links: Iterable[Link], vocab: Vocabulary, places: Places) -> CrossCheck:
    """The rules across files: links and parents must name entities that exist; no parent cycles.

    It reads only ids, kinds and where things are written, so the loader and an
    index refreshed in place (which keeps those in its tables) apply the very
    same rules. Parents are checked for every node; links only for `links`
    (a refresh passes those a change can affect). `places` finds the lines of
    the few values with a problem.
    """
    problems: list[Problem] = []
    missing: set[tuple[str, int]] = set()

    def report(path: str, where: Where, message: str, about: tuple[str, int | None]) -> None:
        problems.append(Problem(path, *places.place(path, where), message, "link", about=about))

    for link in links:
        target = nodes.get(link.target)
        if target is None:
            message = f"`{link.property}` links to `{link.target}`, which does not exist"
            report(link.path, (*link.where, "entity"), message, link.key)
            missing.add(link.key)
            continue
        prop = vocab.properties[link.property]
        if prop.range and target.kind not in prop.range:
            report(
                link.path,
                (*link.where, "entity"),
                f"`{link.property}` links to `{link.target}`, a {target.kind}; it takes {' or '.join(prop.range)}",
                link.key,
            )
    parents: dict[str, str | None] = {}
    for ident, node in nodes.items():
        parents[ident] = node.parent
        if node.parent is not None and node.parent not in nodes:
            report(node.path, (*node.where, "parent"), f"parent `{node.parent}` does not exist", (ident, None))
            parents[ident] = None
    # A cycle of parents would make the tree endless: cut it at its smallest id.
    state: dict[str, int] = {}
    for start in sorted(nodes):
        trail: list[str] = []
        at: str | None = start
        while at is not None and at not in state:
            state[at] = 1
            trail.append(at)
            at = parents[at]
        if at is not None and state.get(at) == 1 and at in trail:
            cycle = trail[trail.index(at) :]
            cut = min(cycle)
            victim = nodes[cut]
            report(
                victim.path,
                (*victim.where, "parent"),
                f"parents form a cycle ({' → '.join([*cycle, at])}); `{cut}` shown at the top",
                (cut, None),
            )
            parents[cut] = None
        for done in trail:
            state[done] = 2
    return CrossCheck(missing, parents, problems)


@dataclass(frozen=True)
class Name:
    """One name an entity answers to, as the alias rule needs it."""

    entity: str
    norm: str  # text.name_key of the name
    alias: int | None  # its position among the entity's aliases; None for the entity's own name
    ambiguous: bool  # listed under `ambiguous_aliases`
    path: str
    where: Where  # of the entity in its file


def alias_clashes(names: Iterable[Name], places: Places) -> list[Problem]:
    """An alias another entity also answers to (by name or alias) sends a search to the wrong place
    unless the entity says it knows: each such alias not listed as ambiguous is a problem.

    Like `cross_check`, it reads only what the index keeps, so a build and a refresh agree.
    """
    by_norm: dict[str, list[Name]] = {}
    for name in names:
        by_norm.setdefault(name.norm, []).append(name)
    problems = []
    for group in by_norm.values():
        owners = {n.entity for n in group}
        if len(owners) < 2:
            continue
        for name in group:
            if name.alias is None or name.ambiguous:
                continue
            others = ", ".join(f"`{o}`" for o in sorted(owners - {name.entity}))
            line, column = places.place(name.path, (*name.where, "aliases", name.alias))
            message = (
                f"alias {name.norm!r} also names {others}: remove it, or list it under `ambiguous_aliases` "
                "if both really go by it"
            )
            problems.append(Problem(name.path, line, column, message, "alias", about=(name.entity, None)))
    return problems


def entity_names(entity: Entity, keys: list[str] | None = None) -> Iterator[Name]:
    """The name and aliases of `entity` (not its id), each once, as the alias rule reads them.

    `keys`: text.name_key of its name and of each alias, in order, when worked out already
    (index.name_keys, which has its id's after them).
    """
    ambiguous = {name_key(a) for a in entity.ambiguous_aliases} if entity.ambiguous_aliases else set()
    seen: set[str] = set()
    if keys is None:
        keys = [name_key(entity.name), *map(name_key, entity.aliases)]
    for position, norm in zip((None, *range(len(entity.aliases))), keys, strict=False):  # `keys` may go on to the id
        if norm and norm not in seen:
            seen.add(norm)
            yield Name(entity.id, norm, position, norm in ambiguous, entity.path, entity.where)


def _link_check(result: LoadResult, places: Places) -> None:
    """Apply `cross_check` to loaded entities: unlink what is missing, cut what must be cut."""
    entities = result.entities
    nodes = {e.id: Node(e.kind, e.parent, e.path, e.where) for e in entities.values()}
    links = (
        Link((e.id, k), e.path, f.property, f.entity, (*e.where, "facts", k))
        for e in entities.values()
        for k, f in enumerate(e.facts)
        if f.entity is not None
    )
    check = cross_check(nodes, links, result.vocabulary, places)
    for ident, position in check.missing:
        fact = entities[ident].facts[position]
        fact.missing_entity, fact.entity = fact.entity, None
    for entity in entities.values():
        entity.parent = check.parents[entity.id]
    result.problems.extend(check.problems)
    result.problems.extend(alias_clashes((n for e in entities.values() for n in entity_names(e)), places))


def load_setup(folders: list[Path]) -> tuple[LoadResult, Path | None]:
    """The vocabulary and sources of `folders`, and the schema that entity files are checked against."""
    result = LoadResult(Vocabulary())
    for folder in folders:
        if not folder.is_dir():
            result.problems.append(Problem(str(folder), 0, 0, "data folder does not exist or is not a folder", "setup"))
    folders = [f for f in folders if f.is_dir()]
    readers = {VOCABULARY_FILE: load_vocabulary_file, SOURCES_FILE: load_sources_file}
    # Each setup file comes from the folders that have one, in order (a later one extends an
    # earlier one); when none has it, from the bundled data, so that a folder of entities alone
    # is usable without the bundled entities.
    setup = [(folder / name, reader) for folder in folders for name, reader in readers.items()]
    setup += [(path, readers[path.name]) for path in borrowed_setup_files(folders) if path.name in readers]
    for path, reader in setup:
        if not path.is_file():
            continue
        result.files.append(path)
        found: list[Problem] = []
        reader(path, result.vocabulary, found)
        result.problems.extend(replace(p, origin="setup") for p in found)
    _check_vocabulary(result)
    schema = find_schema(folders)
    if schema is None:
        result.problems.append(
            Problem(str(folders[0] if folders else "."), 0, 0, f"no {SCHEMA_FILE} in any data folder", "setup")
        )
    else:
        result.files.append(schema)
    return result, schema


def _check_vocabulary(result: LoadResult) -> None:
    """Every kind a property's domain or range names must exist: a misspelt one would reject every fact.
    Every property a kind's key facts name must exist too: a misspelt one would quietly lead no page."""
    vocab = result.vocabulary
    where = next((str(p) for p in result.files if p.name == VOCABULARY_FILE), VOCABULARY_FILE)
    for declared in vocab.kinds.values():
        for ident in declared.key_facts:
            if ident not in vocab.properties:
                message = f"kind `{declared.id}`: `key_facts` names an unknown property `{ident}`"
                result.problems.append(Problem(where, 0, 0, message, "setup"))
    for prop in vocab.properties.values():
        for key, kinds in (("domain", prop.domain), ("range", prop.range)):
            for kind in kinds:
                if kind not in vocab.kinds:
                    message = f"property `{prop.id}`: `{key}` names an unknown kind `{kind}`"
                    result.problems.append(Problem(where, 0, 0, message, "setup"))


def load_file(
    vocab: Vocabulary, schema: Path, path: Path, folder: Path, memo: Memo | None = None
) -> tuple[list[Entity], list[Problem]]:
    """The entities of one data file, read alone, and the problems found in it.

    `memo` carries what one file's checks found to the next file read with the same vocabulary.
    """
    reader, problems = open_file(vocab, schema, path, folder, memo)
    return ([] if reader is None else list(reader.load())), problems


def open_file(
    vocab: Vocabulary, schema: Path, path: Path, folder: Path, memo: Memo | None = None
) -> tuple[FileReader | None, list[Problem]]:
    """One data file parsed, for its entities to be read (`FileReader.items`, `.entity`, `.plain`), and the
    list its problems go into; no reader when the file cannot be parsed."""
    scratch = LoadResult(vocab)
    try:
        doc = read_yaml(path)
    except YamlFileError as exc:
        return None, [Problem(str(path), exc.line, exc.column, exc.message)]
    return FileReader(scratch, schema, path, doc, folder, memo), scratch.problems


def load(folders: list[Path]) -> LoadResult:
    """Load the vocabulary, sources and entities of the given data folders, in order."""
    result, schema = load_setup(folders)
    if schema is None:
        result.problems.sort()
        return result
    first_seen: dict[str, Entity] = {}
    places = Places()
    memo = Memo()
    for folder in [f for f in folders if f.is_dir()]:
        for path in data_files(folder):
            result.files.append(path)
            entities, problems = load_file(result.vocabulary, schema, path, folder, memo)
            result.problems.extend(problems)
            for entity in entities:
                if entity.id in first_seen:
                    other = first_seen[entity.id]
                    other_line = places.line(other.path, other.where)
                    result.problems.append(
                        Problem(
                            entity.path,
                            places.line(entity.path, entity.where),
                            0,
                            f"duplicate id `{entity.id}`: also in {other.path}:{other_line} (that one is kept)",
                            "duplicate",
                            other.path,
                        )
                    )
                    continue
                first_seen[entity.id] = entity
    result.entities = first_seen
    _link_check(result, places)
    kinds = {ident: e.kind for ident, e in first_seen.items()}
    for folder in [f for f in folders if f.is_dir()]:
        for path in figure_files(folder):
            result.files.append(path)
            result.figures.extend(read_figures(path, kinds, result.vocabulary.sources, result.problems))
    # By file and line, whatever order they were found in: a refreshed index finds them in another.
    result.problems.sort()
    return result

"""Which entity a dataset's country, funding account or agency is: a bundled one, or a new one for the pack.

Countries match by ISO 3166-1 alpha-3 code first (the bundled countries carry it as the fact
`iso_3166_alpha3`), then by name or alias; regions and aggregates ("World", "South and Central
Asia Region") never match a country. Accounts match programs, and agencies agencies, by name or
alias, ignoring case, accents and punctuation (`desktop.core.text.name_key`), and also without
the words that official names add ("… Program", "U.S. …"). What matches nothing becomes a new
entity whose id is the slug of its name, with `-fa` added when an entity already has that id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.text import fold, name_key

COUNTRY, REGION, PROGRAM, AGENCY = "country", "region", "program", "agency"
CODE_PROPERTY = "iso_3166_alpha3"

# Codes the dataset gives its regional and world aggregates. Any code that is not three letters
# is one too, and so is a row whose name says it is (below) or is its own region's name.
AGGREGATE_CODES = frozenset({"WLD", "EES", "AFR", "EAP", "SCA", "WHA", "LAC", "NEA", "SSA"})
_AGGREGATE_WORDS = re.compile(
    r"\b(regions?|regional|world|worldwide|global|total|multi[- ]?country|multi[- ]?regional)\b", re.IGNORECASE
)
_COUNTRY_CODE = re.compile(r"[A-Z]{3}")
# Words official names add around a program's or an agency's own name.
_PROGRAM_TAIL = re.compile(r" (program|programs|account|fund account)$")
_US_HEAD = re.compile(r"^(u s|us|united states) ")


def is_aggregate(code: str, name: str, region: str) -> bool:
    """Whether a row's "country" is a region, a world total or another aggregate, not a country."""
    if code in AGGREGATE_CODES or not _COUNTRY_CODE.fullmatch(code):
        return True
    if _AGGREGATE_WORDS.search(name):
        return True
    return bool(region) and name_key(name) == name_key(region)


def slug(text: str) -> str:
    """An id from a name: `Côte d'Ivoire` → `cote-d-ivoire`, `U.S. Department` → `us-department`."""
    folded = fold(text)
    folded = re.sub(r"(\w)['’]s\b", r"\1s", folded)  # a possessive keeps its s: "president's" → "presidents"
    folded = folded.replace(".", "")  # "u.s." → "us"
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:100].strip("-")


def _program_keys(name: str) -> list[str]:
    key = name_key(name)
    short = _PROGRAM_TAIL.sub("", key)
    return [key] if short == key else [key, short]


def _agency_keys(name: str) -> list[str]:
    key = name_key(name)
    bare = _US_HEAD.sub("", key)
    return list(dict.fromkeys([key, bare, f"united states {bare}"]))


@dataclass
class Known:
    """What the loaded data folders already hold, as matching needs it."""

    ids: set[str] = field(default_factory=set)
    by_code: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, code) -> id
    by_name: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, name key) -> id
    names: set[str] = field(default_factory=set)  # name keys of every name and alias
    kinds: dict[str, str] = field(default_factory=dict)  # id -> kind
    folders: dict[str, str] = field(default_factory=dict)  # kind -> the folder its entities go in

    def add(self, ident: str, kind: str, names: Iterable[str], codes: Iterable[str] = ()) -> None:
        self.ids.add(ident)
        self.kinds[ident] = kind
        for code in codes:
            self.by_code.setdefault((kind, code.strip().upper()), ident)
        for name in names:
            self.names.add(name_key(name))
            keys = {PROGRAM: _program_keys, AGENCY: _agency_keys}.get(kind, lambda n: [name_key(n)])(name)
            for key in keys:
                self.by_name.setdefault((kind, key), ident)


def known_entities(folders: Sequence[Path]) -> Known:
    """The entities of `folders` (the bundled data first), read with the loader.

    File by file, as the loader's `load` reads them (the first of two entities with one id is
    kept), but without the figure tables, which matching does not need: the folders of other
    imports hold 100,000 figures each, and this runs while the import waits.
    """
    # The YAML and schema machinery, only when importing.
    from desktop.core.files import data_files
    from desktop.core.loader import load_file, load_setup

    known = Known()
    setup, schema = load_setup(list(folders))
    known.folders = {k.id: k.folder for k in setup.vocabulary.kinds.values()}
    if schema is None:  # the loader then loads no entity either
        return known
    for folder in [f for f in folders if f.is_dir()]:
        for path in data_files(folder):
            entities, _ = load_file(setup.vocabulary, schema, path, folder)
            for entity in entities:
                if entity.id in known.ids:
                    continue
                codes = [f.text for f in entity.facts if f.property == CODE_PROPERTY and f.text]
                known.add(entity.id, entity.kind, [entity.name, *entity.aliases], codes)
    return known


@dataclass
class NewEntity:
    id: str
    kind: str
    name: str
    codes: list[str] = field(default_factory=list)  # countries and regions: the dataset's codes for it
    acronym: str | None = None  # agencies: the dataset's acronym
    agencies: list[str] = field(default_factory=list)  # programs: the ids of their funding agencies
    aliases: list[str] = field(default_factory=list)


class Matcher:
    """Resolves the dataset's names to entity ids, making new entities where nothing matches.

    Ask in a stable order (sorted), and the same file gives the same ids every time.
    """

    def __init__(self, known: Known) -> None:
        self.known = known
        self.new: dict[str, NewEntity] = {}
        self._made: dict[tuple[str, str], str] = {}  # (kind, key) -> id of a new entity

    def _new(self, kind: str, key: str, name: str, fallback: str) -> NewEntity:
        base = slug(name) or slug(fallback) or kind
        ident = base if base not in self.known.ids else f"{base}-fa"
        n = 2
        while ident in self.known.ids or ident in self.new:  # two names with one slug: number the later
            ident = f"{base}-fa-{n}" if base in self.known.ids else f"{base}-{n}"
            n += 1
        entity = NewEntity(ident, kind, name)
        self.new[ident] = entity
        self._made[(kind, key)] = ident
        return entity

    def place(self, code: str, name: str, region: str) -> str:
        """The id of the country or region a row's code and name stand for."""
        for kind in (COUNTRY, REGION):
            if (kind, code) in self.known.by_code:
                return self.known.by_code[(kind, code)]
        kind = REGION if is_aggregate(code, name, region) else COUNTRY
        by_name = (kind, "name:" + name_key(name))
        matched = self._made.get((kind, code)) or self.known.by_name.get((kind, name_key(name)))
        matched = matched or self._made.get(by_name)  # two codes under one name are one place
        if matched is not None:
            if matched in self.new and code not in self.new[matched].codes:
                self.new[matched].codes.append(code)
            self._made[(kind, code)] = matched
            return matched
        entity = self._new(kind, code, name, code)
        entity.codes.append(code)
        self._made[by_name] = entity.id
        return entity.id

    def program(self, account_name: str, account_id: str, agencies: Sequence[tuple[str, str]]) -> str:
        """The id of the program a funding account is, new ones linked to their funding agencies."""
        keys = _program_keys(account_name)
        for key in keys:
            matched = self.known.by_name.get((PROGRAM, key)) or self._made.get((PROGRAM, key))
            if matched is not None:
                return matched
        entity = self._new(PROGRAM, keys[0], account_name, account_id)
        for key in keys[1:]:
            self._made.setdefault((PROGRAM, key), entity.id)
        entity.agencies = sorted({self.agency(name, acronym) for name, acronym in agencies if name})
        return entity.id

    def agency(self, name: str, acronym: str) -> str:
        keys = _agency_keys(name) + ([name_key(acronym)] if acronym else [])
        for key in keys:
            matched = self.known.by_name.get((AGENCY, key)) or self._made.get((AGENCY, key))
            if matched is not None:
                return matched
        entity = self._new(AGENCY, keys[0], name, acronym)
        entity.acronym = acronym or None
        for key in keys[1:]:
            self._made.setdefault((AGENCY, key), entity.id)
        return entity.id

    def finish(self) -> list[NewEntity]:
        """The new entities, sorted by id, each agency with its acronym as an alias where that is safe.

        An alias that any other entity also answers to would send a search astray (and
        `almanac validate` would say so), so such an acronym is left out.
        """
        names = set(self.known.names) | {name_key(e.name) for e in self.new.values()}
        acronyms: dict[str, int] = {}
        for entity in self.new.values():
            if entity.acronym:
                acronyms[name_key(entity.acronym)] = acronyms.get(name_key(entity.acronym), 0) + 1
        for entity in self.new.values():
            key = name_key(entity.acronym) if entity.acronym else ""
            if key and key not in names and acronyms[key] == 1:
                entity.aliases = [entity.acronym or ""]
        return [self.new[k] for k in sorted(self.new)]

"""A data folder with a bit of every kind of problem, spread over many files, beside clean data.

Used to check that every way of building the index (in one process, across a pool of processes,
refreshed in place) says the same of the same files: problems with their files and lines, the
entities and facts kept, and their full text. `python tests/messy_data.py DIR` writes one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from datafiles import CITED, SRC, cited_parent, cited_summary, entity, link_fact, note_fact, write, write_bytes


def _fact(fields: str, locator: str = "¶1", source: str = SRC) -> str:
    """A list item under `facts:` with `fields` (one per line, `key: value`) and one citation."""
    lines = fields.strip().split("\n")
    body = f"  - {lines[0]}\n" + "".join(f"    {line}\n" for line in lines[1:])
    return body + f'    sources:\n      - {{source: {source}, locator: "{locator}"}}\n'


def _pack_entity(ident: str, kind: str, name: str, body: str) -> str:
    """An item of a pack: the entity's lines indented under `- `."""
    lines = entity(ident, kind, name, body).rstrip("\n").split("\n")
    return "- " + lines[0] + "\n" + "".join(f"  {line}\n" for line in lines[1:])


def write_messy(folder: Path, packs: int = 6) -> None:
    """Write the folder: clean entities in `packs` packs and single files, and files with problems."""
    clean_packs(folder, packs)
    singles(folder)
    broken(folder)
    figures(folder)


def clean_packs(folder: Path, packs: int) -> None:
    """Packs whose entities link across packs, with claims, quantities, dates of every kind."""
    dates = ["1976-06-30", "2018-08", "2016", "1960s", "early 1960s", "late 2019", "mid 1990s"]
    for p in range(packs):
        items = []
        for i in range(12):
            ident = f"pk{p}-e{i}"
            kind = ("program", "agency", "law", "person")[i % 4]
            name = f"Pack {p} Entity {i}" if kind != "person" else f"Given{i} Middle Family{p}"
            facts = [_fact(f'property: note\ntext: "note {p} {i}"\ndate: "{dates[(p + i) % len(dates)]}"')]
            if kind == "program":
                target = f"pk{(p + 1) % packs}-e{(i + 1) % 12}"  # an agency in the next pack
                facts.append(_fact(f'property: administered_by\nentity: {target}\nstart: "1990"\nend: "2001-05"'))
                facts.append(_fact('property: spending\nvalue: 1250000.5\nunit: USD\ndate: "2019"'))
                facts.append(_fact('property: spending\nvalue: 7\nunit: percent\ndate: "2018"\nnote: a share'))
                facts.append(
                    "  - property: purpose\n    claims:\n"
                    f'      - text: "one view"\n        rank: preferred\n        sources: [{{source: {SRC}, '
                    'locator: "¶2"}]\n'
                    f'      - text: "another view"\n        sources: [{{source: {SRC}, locator: "¶3"}}]\n'
                )
            if kind == "agency":
                facts.append(_fact(f"property: part_of\nentity: pk{p}-e{(i + 4) % 12}\nunknown: true"))
                facts.append(_fact('property: purpose\nunknown: true\nstart: "2001"'))
            if kind == "law":
                facts.append(_fact(f"property: sponsored_by\nentity: pk{(p + 2) % packs}-e{(i + 1) % 12}"))
                facts.append(_fact('property: enacted\ndate: "1961-09-04"'))
            body = f'aliases: ["PK{p}E{i}", "Shared Alias"]\nambiguous_aliases: ["Shared Alias"]\n'
            body += cited_summary(f"Entity {i} of pack {p}, one of many.")
            if i >= 4 and kind == "agency":
                body += cited_parent(f"pk{p}-e{i - 4}")
            body += "facts:\n" + "".join(facts)
            items.append(_pack_entity(ident, kind, name, body))
        write(folder, f"packs/pack-{p:02d}.yaml", "# a pack\n" + "".join(items))


def singles(folder: Path) -> None:
    """Entities in files of their own, clean ones and ones with problems of their own."""
    write(folder, "programs/alpha.yaml", entity("alpha", name="Alpha Program", body="facts:\n" + note_fact()))
    write(folder, "agencies/beta.yaml", entity("beta", kind="agency", name="Beta Office", body="aliases: [BO]\n"))
    write(folder, "people/gamma.yaml", entity("gamma", kind="person", name="Martin Luther Gamma Jr."))
    write(
        folder,
        "people/delta.yaml",
        entity("delta", kind="person", name="Delta Person", body='sort_as: "Person, Delta"\n'),
    )
    # The same alias as another entity's name, not listed as ambiguous: an alias problem.
    write(folder, "programs/clash.yaml", entity("clash", name="Clash Program", body='aliases: ["Alpha Program"]\n'))
    # An ambiguous alias that is not an alias; a parent without its sources; sources without a summary.
    write(
        folder,
        "programs/ambiguous.yaml",
        entity(
            "ambiguous",
            body=f'aliases: [AMB]\nambiguous_aliases: ["Other"]\nparent: alpha\nsummary_sources: {CITED}\n',
        ),
    )
    write(folder, "programs/misnamed.yaml", entity("not-the-file-name"))
    write(folder, "programs/missing-parent.yaml", entity("missing-parent", body=cited_parent("nobody-here")))
    write(folder, "programs/linker.yaml", entity("linker", body="facts:\n" + link_fact("administered_by", "nowhere")))
    # A link to an entity of the wrong kind, and a property said of the wrong kind.
    write(folder, "programs/wrong-range.yaml", entity("wrong-range", body="facts:\n" + link_fact("part_of", "gamma")))
    write(
        folder,
        "people/wrong-domain.yaml",
        entity("wrong-domain", kind="person", body="facts:\n" + link_fact("administered_by", "beta")),
    )
    for ident, parent in (("cyc-a", "cyc-b"), ("cyc-b", "cyc-c"), ("cyc-c", "cyc-a")):
        write(folder, f"agencies/{ident}.yaml", entity(ident, kind="agency", body=cited_parent(parent)))
    write(folder, "countries/twin.yaml", entity("twin", kind="country", name="First Twin"))
    write(folder, "programs/twin.yaml", entity("twin", name="Second Twin"))


def broken(folder: Path) -> None:
    """Files and facts that break the schema, the calendar, the vocabulary or YAML itself."""
    write(folder, "bad/syntax.yaml", "id: syntax\nkind: [program\nname: Bad\n")
    write_bytes(folder / "bad" / "empty.yaml", b"")
    write(folder, "bad/comments.yaml", "# id: bad\n# nothing else\n")
    write(folder, "bad/scalar.yaml", "just a string\n")
    write(folder, "bad/empty-pack.yaml", "[]\n")
    write(folder, "bad/list-item.yaml", "- [id, kind, name]\n- 7\n")
    write_bytes(folder / "bad" / "utf16.yaml", entity("utf16").encode("utf-16"))
    write_bytes(folder / "bad" / "latin1.yaml", entity("latin1", name="Côte").encode("latin-1"))
    write(folder, "bad/tag.yaml", "id: tag\nkind: program\nname: !!python/name:os.system\n")
    write(folder, "bad/anchor.yaml", "id: anchor\nkind: program\nname: &n Anchor\naliases: [*n]\n")
    write(folder, "bad/deep.yaml", "id: deep\nkind: program\nname: " + "[" * 100 + "]" * 100 + "\n")
    write(
        folder,
        "bad/keys.yaml",
        entity("keys", body="colour: red\nfacts:\n" + _fact("property: note\ntext: hi\nmood: happy")),
    )
    write(folder, "bad/types.yaml", entity("types", body="aliases: [1, true]\nsummary: [a, b]\nparent: 7\n"))
    write(folder, "bad/name-type.yaml", "id: name-type\nkind: program\nname: 5\n")
    write(folder, "bad/no-id.yaml", "kind: program\nname: No Id\n")
    write(folder, "bad/no-kind.yaml", "id: no-kind\nname: No Kind\n")
    write(folder, "bad/slug.yaml", 'id: "Not A Slug!"\nkind: program\nname: Bad\n')
    write(folder, "bad/kind.yaml", entity("kind", kind="spaceship"))
    facts = [
        _fact("property: flies_to\ntext: moon"),  # unknown property
        _fact("property: note\ntext: hi", source="no-such-article"),  # unknown source
        _fact("property: note\ntext: far", locator="¶99"),  # outside the source's paragraphs
        _fact('property: note\ntext: both\ndate: "2001"\nstart: "2002"'),  # date and start
        _fact('property: note\ntext: month\ndate: "2019-13-45"'),
        _fact('property: note\ntext: backwards\nstart: "2020"\nend: "2002"'),
        _fact('property: note\ntext: year zero\ndate: "0000"'),
        _fact("property: note\ntext: unquoted\ndate: 2019"),
        _fact("property: spending\nvalue: 5"),  # a value without its unit
        _fact("property: enacted\ntext: no date"),  # a date property without a date
        _fact("property: administered_by\ntext: no entity"),
        _fact("property: spending\nunit: USD"),
        _fact("property: note\ntext: hi\nsources: []"),
        "  - property: purpose\n    text: beside\n    claims:\n"
        f'      - {{text: a, sources: [{{source: {SRC}, locator: "¶1"}}]}}\n'
        f'      - {{text: b, sources: [{{source: {SRC}, locator: "¶1"}}]}}\n',
        "  - property: purpose\n    claims:\n"
        f'      - {{text: a, rank: preferred, sources: [{{source: {SRC}, locator: "¶1"}}]}}\n'
        f'      - {{text: b, rank: preferred, sources: [{{source: {SRC}, locator: "¶1"}}]}}\n',
        "  - property: purpose\n    claims:\n"
        f'      - {{text: a, rank: deprecated, sources: [{{source: {SRC}, locator: "¶1"}}]}}\n'
        f'      - {{text: b, rank: deprecated, sources: [{{source: {SRC}, locator: "¶1"}}]}}\n',
        f'  - property: purpose\n    claims:\n      - {{text: a, sources: [{{source: {SRC}, locator: "¶1"}}]}}\n',
        "  - property: purpose\n    claims:\n"
        f'      - {{text: a, date: "2019-02-30", sources: [{{source: {SRC}, locator: "¶1"}}]}}\n'
        f'      - {{text: b, sources: [{{source: nowhere, locator: "¶1"}}]}}\n'
        f'      - {{text: c, start: "2001", sources: [{{source: {SRC}, locator: "¶2"}}]}}\n',
        "  - [note, some text]\n",
        "  - property: note\n    text: no sources\n",
    ]
    write(folder, "bad/facts.yaml", entity("facts", body="facts:\n" + "".join(facts)))
    pack = [
        _pack_entity(
            "in-pack", "program", "In Pack", "facts:\n" + _fact('property: note\ntext: x\ndate: "late 1970s"')
        ),
        _pack_entity("in-pack", "agency", "In Pack Again", ""),
        _pack_entity("pack-bad-kind", "starship", "Starship", ""),
        "- id: pack-no-name\n  kind: program\n",
        "- 12\n",
    ]
    write(folder, "bad/pack.yaml", "".join(pack))


def figures(folder: Path) -> None:
    """A figures table with good rows and bad ones."""
    rows = [
        "country,program,fiscal_year,type,current_usd,constant_usd,locator",
        "pk0-e1,pk0-e0,2015,obligations,100.5,,row 2",
        "twin,alpha,2016,obligations,200,210,row 3",
        "nowhere,alpha,2016,obligations,1,,row 4",
        "twin,alpha,2016,obligations,3,,row 5",
        "twin,alpha,1800,obligations,1,,row 6",
    ]
    write(folder, f"figures/{SRC}.csv", "\n".join(rows) + "\n")


if __name__ == "__main__":
    write_messy(Path(sys.argv[1]))

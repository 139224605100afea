"""Entity pages and the home page as HTML for the detail pane.

Every string that comes from the data passes through `esc` on its way in: a
data file cannot add markup, images or links of its own. Links are built
here only: `entity:<id>` for entities and http(s) URLs for sources.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote, urlsplit

from desktop.core.asof import PAST, STATUS_WORDS, UNCERTAIN, UNDATED, annotate
from desktop.core.citation import note_mark
from desktop.core.dates import FuzzyDate
from desktop.core.figures import type_label
from desktop.core.phrases import format_quantity
from desktop.core.views import CitationView, ClaimView, Counts, EntityRef, FactView, Page, Said, SourceInfo


@dataclass(frozen=True)
class Colors:
    """The palette colours a page is drawn with (CSS colour strings)."""

    text: str = "#1b1b1b"
    base: str = "#ffffff"
    link: str = "#1a5fb4"
    muted: str = "#5e5e5e"
    rule: str = "#d0d0d0"
    band: str = "#f3f3f3"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def entity_href(entity_id: str) -> str:
    return "entity:" + quote(entity_id, safe="-")


def entity_link(ref: EntityRef) -> str:
    return f'<a href="{entity_href(ref.id)}">{esc(ref.name)}</a>'


def safe_url(url: str) -> str | None:
    """The URL if it is http(s), else None: nothing else becomes a link."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _style(c: Colors) -> str:
    return f"""<style>
body {{ color: {c.text}; background-color: {c.base}; }}
a {{ color: {c.link}; text-decoration: none; }}
h1 {{ font-size: x-large; margin-bottom: 2px; }}
h2 {{ font-size: large; margin-top: 18px; margin-bottom: 4px; }}
.meta {{ color: {c.muted}; }}
.when {{ color: {c.muted}; white-space: nowrap; }}
.note {{ color: {c.muted}; font-style: italic; }}
.status {{ color: {c.muted}; font-size: small; font-weight: bold; }}
.dispute {{ color: {c.link}; font-size: small; font-weight: bold; }}
.claims {{ color: {c.muted}; }}
sup {{ color: {c.muted}; }}
th {{ text-align: left; font-weight: normal; color: {c.muted}; padding-right: 12px; }}
td {{ padding-right: 12px; }}
</style>"""


def _notes(citations: Iterable[CitationView], numbers: dict[str, int]) -> str:
    """Source notes: note number and paragraph, e.g. [1 ¶2]."""
    marks = "; ".join(note_mark(numbers[c.source.id], c.locator) for c in citations)
    return f"<sup>[{esc(marks)}]</sup>" if marks else ""


def claims_href(entity_id: str) -> str:
    return "claims:" + quote(entity_id, safe="-")


def _disagreement(fact: FactView, page: Page, numbers: dict[str, int], open_claims: bool) -> str:
    """The "sources disagree" mark of a fact with several claims, and, opened, the claims not shown."""
    if not fact.disputed:
        return ""
    mark = f' <a class=dispute href="{claims_href(page.id)}">sources disagree {"▾" if open_claims else "▸"}</a>'
    if not open_claims:
        return mark
    rows = "".join(f"<br>{_claim_line(c, numbers)}" for c in fact.claims if not c.shown)
    return f"{mark}<span class=claims>{rows}</span>"


def _claim_line(claim: ClaimView, numbers: dict[str, int]) -> str:
    note = f" <span class=note>— {esc(claim.note)}</span>" if claim.note else ""
    return f"<span class=status>{esc(claim.rank)}:</span> {_value_when(claim)}{note} {_notes(claim.sources, numbers)}"


def _value_when(said: Said) -> str:
    """A fact's (or a claim's) value, then its date or period unless the value is that date."""
    value = _value(said)
    return value + (f" <span class=when>({esc(said.when)})</span>" if said.when and value != esc(said.when) else "")


def _value(fact: Said) -> str:
    """A fact's value cell: a link, a quantity, a text, or the date for a date-only fact."""
    parts = []
    if fact.entity:
        parts.append(entity_link(fact.entity))
    elif fact.missing:
        parts.append(f"{esc(fact.missing)} <span class=note>(not in the data)</span>")
    quantity = format_quantity(fact.value, fact.unit)
    if quantity:
        parts.append(esc(quantity))
    if fact.text:
        parts.append(esc(fact.text))
    if fact.unknown and not parts:
        parts.append("<span class=note>unknown</span>")
    if not parts and fact.when:
        return esc(fact.when)
    return "; ".join(parts)


def _fact_sentence(fact: FactView) -> str:
    """A fact as a phrase with its linked entity as a link, for the timeline."""
    if fact.entity:
        detail = [format_quantity(fact.value, fact.unit), fact.text or ""]
        extra = "; ".join(d for d in detail if d)
        return f"{esc(fact.label)} {entity_link(fact.entity)}" + (f": {esc(extra)}" if extra else "")
    value = _value(fact)
    if value == esc(fact.when):
        return esc(fact.label)
    return f"{esc(fact.label)}: {value}"


# Rows per section before a page offers "show all". Qt parses and lays out a rich-text table
# row in a quarter to half a millisecond (a whole 1,000-fact page takes half a second or more):
# 50 rows fill more than the first screen and keep such a page, from the store to the pane
# painted, under 100 ms.
PAGE_ROWS = 50


def full_page_href(entity_id: str) -> str:
    return "entity-all:" + quote(entity_id, safe="-")


# Once the Related budget is spent, each further label still shows this many links, not just "… N more".
RELATED_FLOOR = 3


def _more(shown: int, total: int, page: Page) -> str:
    if shown >= total:
        return ""
    return f'<p class=meta>Showing {shown:,} of {total:,}. <a href="{full_page_href(page.id)}">Show all</a></p>'


def render_page(
    page: Page,
    colors: Colors = Colors(),
    as_of: FuzzyDate | None = None,
    limit: int | None = PAGE_ROWS,
    open_claims: bool = False,
) -> str:
    """The entity page; with `as_of`, as it stood then: later facts left out, ended, vague and
    undated ones marked.

    Each long section shows its first `limit` rows and a link to the whole page (None: everything).
    A fact whose sources disagree shows the claim it stands by and a mark; with `open_claims`,
    the other claims too, each with its rank, note and sources.
    """
    marks: dict[int, str] = {}
    later = 0
    if as_of is not None:
        view = annotate(page, as_of)
        later = view.hidden_count()
        page = replace(page, facts=tuple(f.fact for f in view.shown()), inbound=tuple(f.fact for f in view.shown(True)))
        words = {status: STATUS_WORDS[status] for status in (PAST, UNCERTAIN, UNDATED)}
        marks = {
            id(f.fact): f" <span class=status>[{words[f.status]}]</span>"
            for f in (*view.facts, *view.inbound)
            if f.status in words
        }
    sources = page.sources  # a property that walks every fact: read once
    numbers = {s.id: n for n, s in enumerate(sources, start=1)}
    out = [f"<html><head>{_style(colors)}</head><body>"]
    out.append(f"<h1>{esc(page.name)}</h1>")
    meta = [esc(page.kind_label)]
    if page.parent:
        meta.append(f"part of {entity_link(page.parent)} {_notes(page.parent_sources, numbers)}".rstrip())
    if as_of is not None:
        meta.append(f"<b>as of {esc(as_of.display())}</b>")
    out.append(f"<p class=meta>{' · '.join(meta)}</p>")
    if later and as_of is not None:
        out.append(
            f"<p class=note>{later} fact{'s' if later != 1 else ''} from after {esc(as_of.display())} not shown.</p>"
        )
    if page.aliases:
        out.append(f"<p><span class=meta>Also known as:</span> {esc(', '.join(page.aliases))}</p>")
    if page.summary:
        out.append(f"<p>{esc(page.summary)} {_notes(page.summary_sources, numbers)}</p>")

    if page.facts:
        out.append("<h2>Key facts</h2><table cellspacing=0 cellpadding=3>")
        previous = None
        for fact in page.facts[:limit]:
            note = f" <span class=note>— {esc(fact.note)}</span>" if fact.note else ""
            # A run of facts with one label reads as a list under that label.
            label = esc(fact.label) if fact.label != previous else ""
            previous = fact.label
            out.append(
                f"<tr><th valign=top>{label}</th><td>{_value_when(fact)}{note}{marks.get(id(fact), '')} "
                f"{_notes(fact.sources, numbers)}{_disagreement(fact, page, numbers, open_claims)}</td></tr>"
            )
        out.append("</table>")
        out.append(_more(len(page.facts[:limit]), len(page.facts), page))

    if page.series:
        out.append(_series_section(page, numbers))

    dated = sorted((f for f in (*page.facts, *page.inbound) if f.earliest), key=lambda f: (f.earliest, f.latest or ""))
    if dated:
        out.append("<h2>Timeline</h2><table cellspacing=0 cellpadding=3>")
        for fact in dated[:limit]:
            if fact.inbound and fact.entity:
                sentence = f"{esc(fact.label)} {entity_link(fact.entity)}"
            else:
                sentence = _fact_sentence(fact)
            out.append(
                f"<tr><td valign=top class=when>{esc(fact.when)}</td>"
                f"<td>{sentence}{marks.get(id(fact), '')} {_notes(fact.sources, numbers)}</td></tr>"
            )
        out.append("</table>")
        out.append(_more(len(dated[:limit]), len(dated), page))

    related: dict[str, list[tuple[EntityRef, FactView]]] = {}
    for fact in (*page.facts, *page.inbound):
        if fact.entity:
            related.setdefault(fact.label, []).append((fact.entity, fact))
    if related or page.children:
        out.append("<h2>Related</h2><table cellspacing=0 cellpadding=3>")
        budget = limit  # links shown across all labels: the section, not each label, is what is long
        for label, pairs in related.items():
            seen: dict[str, str] = {}
            live = {ref.id for ref, fact in pairs if id(fact) not in marks}  # a link still in force is not marked
            for ref, fact in pairs:
                mark = "" if ref.id in live else marks.get(id(fact), "")
                if budget is None or len(seen) < max(budget, RELATED_FLOOR):
                    seen.setdefault(ref.id, f"{entity_link(ref)}{mark} {_notes(fact.sources, numbers)}")
            if budget is not None:
                budget = max(0, budget - len(seen))
            rest = len({ref.id for ref, _ in pairs}) - len(seen)
            more = f' … <a href="{full_page_href(page.id)}">{rest:,} more</a>' if rest > 0 else ""
            out.append(f"<tr><th valign=top>{esc(label)}</th><td>{', '.join(seen.values())}{more}</td></tr>")
        if page.children:
            children = ", ".join(entity_link(c) for c in page.children)
            out.append(f"<tr><th valign=top>Includes</th><td>{children}</td></tr>")
        out.append("</table>")

    if sources:
        cited: dict[str, set[str]] = {}  # source id: the locators cited from it, in one pass over the page
        for c in page.citations():
            cited.setdefault(c.source.id, set()).add(c.locator)
        out.append("<h2>Sources</h2><ol>")
        for source in sources:
            locators = sorted(cited.get(source.id, ()), key=lambda s: (len(s), s))
            out.append(f"<li>{_source_line(source)} <span class=meta>({esc(', '.join(locators))})</span></li>")
        out.append("</ol>")
    out.append("</body></html>")
    return "".join(out)


def _series_section(page: Page, numbers: dict[str, int]) -> str:
    """Official figures as one line per program (or country) and type: years, total, peak, source."""
    rows = []
    for series in page.series:
        years = f"FY{series.first_year}" + (f"–FY{series.last_year}" if series.last_year != series.first_year else "")
        notes = "; ".join(str(numbers[s.id]) for s in series.sources if s.id in numbers)
        rows.append(
            f"<tr><th valign=top>{esc(type_label(series.type))}</th><td>{entity_link(series.other)}</td>"
            f"<td class=when>{esc(years)}</td><td align=right>{esc(format_quantity(series.total, 'USD'))}</td>"
            f"<td class=meta>peak FY{series.peak_year}: {esc(format_quantity(series.peak, 'USD'))}</td>"
            f"<td>{f'<sup>[{esc(notes)}]</sup>' if notes else ''}</td></tr>"
        )
    other = "Recipient" if page.kind == "program" else "Program"
    head = f"<tr><th></th><th class=meta>{other}</th><th class=meta>Years</th><th class=meta>Total</th></tr>"
    return f"<h2>Official figures</h2><table cellspacing=0 cellpadding=3>{head}{''.join(rows)}</table>"


def _source_line(source: SourceInfo) -> str:
    url = safe_url(source.url)
    title = f'<a href="{esc(url)}">{esc(source.title)}</a>' if url else esc(source.title)
    extra = ", ".join(esc(x) for x in (source.publisher, source.license) if x)
    return f"{title}{' — ' + extra if extra else ''}"


def render_home(
    counts: Counts,
    starting_points: Sequence[EntityRef],
    recent: Iterable[EntityRef],
    sources: Iterable[SourceInfo],
    colors: Colors = Colors(),
) -> str:
    out = [f"<html><head>{_style(colors)}</head><body>"]
    out.append("<h1>Security Assistance Almanac</h1>")
    out.append(
        "<p>An offline reference to US security assistance: the programs that train and equip foreign "
        "forces, the agencies that run them, the laws behind them, and the countries, institutions, "
        "people and events around them. Every fact carries its date where known and its source.</p>"
    )
    out.append(f"<p class=meta>{counts.entities:,} entities · {counts.facts:,} facts</p>")
    out.append("<h2>What it covers</h2><table cellspacing=0 cellpadding=3>")
    for kind in (k for k in counts.kinds if k.count):  # a kind nothing is of yet says nothing
        out.append(f"<tr><th>{esc(kind.plural)}</th><td align=right>{kind.count:,}</td></tr>")
    out.append("</table>")
    if starting_points:
        out.append("<h2>Starting points</h2><p>" + " · ".join(entity_link(r) for r in starting_points) + "</p>")
    recent = list(recent)
    if recent:
        out.append("<h2>Recently viewed</h2><p>" + " · ".join(entity_link(r) for r in recent) + "</p>")
    sources = list(sources)
    if sources:
        out.append("<h2>Sources and licence</h2><ol>")
        out.extend(f"<li>{_source_line(s)}</li>" for s in sources)
        out.append("</ol>")
    out.append(
        "<p class=meta>Type in the search box (Ctrl+K) to find anything; "
        "Help → Keyboard shortcuts lists every key.</p></body></html>"
    )
    return "".join(out)


def render_gone(name: str, colors: Colors = Colors()) -> str:
    """What a page shows when the entity it showed has left the data (its file removed or its id changed)."""
    return (
        f"<html><head>{_style(colors)}</head><body><h1>{esc(name)}</h1>"
        "<p>This entity is no longer in the data: its file was removed, or its id changed. "
        "Search for it by name, or go back.</p>"
        '<p><a href="entity:">Home</a></p></body></html>'
    )

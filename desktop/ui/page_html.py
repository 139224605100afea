"""Entity pages and the home page as HTML for the detail pane.

Every string that comes from the data passes through `esc` on its way in: a
data file cannot add markup, images or links of its own. Links are built
here only: `entity:<id>` for entities, http(s) URLs for sources, and the
page's own actions (`cite:`, `kind:`, `claims:`, `entity-all:`, `bookmark:`,
`random:`, `search:`, `#section`), which the view routes (detail_view.py).

An entity page shows each fact once: the key facts (the kind's `key_facts` in
the vocabulary), then the others grouped by property, then a strip picturing
the dated ones (drawn by the view, page_strip.py: no text of a fact twice),
what points at the entity, and the sources.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from urllib.parse import quote, unquote, urlsplit

from desktop.core.asof import PAST, STATUS_WORDS, UNCERTAIN, UNDATED, annotate
from desktop.core.citation import note_mark
from desktop.core.dates import FuzzyDate, day_number
from desktop.core.figures import type_label
from desktop.core.phrases import format_quantity
from desktop.core.records import FrozenRecord
from desktop.core.views import CitationView, ClaimView, Counts, EntityRef, FactView, Page, Said, SourceInfo


class Colors(FrozenRecord):
    """The palette colours a page is drawn with (CSS colour strings).

    Written out (records.FrozenRecord), not a dataclass: the defaults below make one as this module loads."""

    __match_args__ = ("text", "base", "link", "muted", "rule", "band")
    __slots__ = __match_args__
    text: str
    base: str
    link: str
    muted: str
    rule: str
    band: str

    def __init__(
        self,
        text: str = "#1b1b1b",
        base: str = "#ffffff",
        link: str = "#1a5fb4",
        muted: str = "#5e5e5e",
        rule: str = "#d0d0d0",
        band: str = "#f3f3f3",
    ) -> None:
        for name, value in zip(self.__match_args__, (text, base, link, muted, rule, band), strict=True):
            object.__setattr__(self, name, value)


def esc(text: object) -> str:
    """`html.escape(str(text), quote=True)`, the same replacements in the same order: the html package
    would bring its table of entities (some 3 ms) into the window's start for the sake of five of them."""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace('"', "&quot;").replace("'", "&#x27;")


def entity_href(entity_id: str) -> str:
    return "entity:" + quote(entity_id, safe="-")


def entity_link(ref: EntityRef) -> str:
    return f'<a href="{entity_href(ref.id)}">{esc(ref.name)}</a>'


def kind_href(kind_id: str) -> str:
    return "kind:" + quote(kind_id, safe="-")


def cite_href(source_id: str, locator: str) -> str:
    """`cite:<source id>?<locator>`, both percent-encoded: the view reads them back apart (detail_view)."""
    return "cite:" + quote(source_id, safe="-") + "?" + quote(locator, safe="")


# The page's own links, which only the window can follow: `scheme:rest` inside an href this module wrote.
_WINDOW_HREF = re.compile(r'href="(cite|entity-all|entity|kind|claims|bookmark|search|random):([^"]*)"')


def for_paper(html: str, sources: Iterable[SourceInfo]) -> str:
    """The page's HTML with links that still lead somewhere on paper and in a PDF, where no window
    follows `cite:` or `entity:`: a source note goes to its source's web address (a source without
    one keeps its mark, unlinked), an entity to its `almanac://entity/ID` link, which opens the page
    in the program; the window's own actions (claims, bookmark, whole page, kind, search) lose their
    link and keep their words; what the page says of pointing and menus is left out."""
    from desktop.core.links import entity_link as almanac_link  # only printing needs it

    addresses = {source.id: safe_url(source.url) for source in sources}

    def paper_href(match: re.Match[str]) -> str:
        scheme, rest = match.group(1), match.group(2)  # percent-encoded, so esc() left it as it was
        target: str | None = None
        if scheme == "cite":
            target = addresses.get(unquote(rest.split("?", 1)[0]))
        elif scheme in ("entity", "entity-all"):
            target = almanac_link(unquote(rest))
        return f'href="{esc(target)}"' if target else 'name=""'

    return _HINT.sub("", _WINDOW_HREF.sub(paper_href, html))


# What the page says of the window's own ways (pointing, menus), which paper has none of.
_HINT = re.compile(r"<span class=hint>[^<]*</span>")


def bookmark_href(entity_id: str) -> str:
    return "bookmark:" + quote(entity_id, safe="-")


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
.toc {{ color: {c.muted}; margin-top: 10px; }}
.when {{ color: {c.muted}; white-space: nowrap; }}
.note {{ color: {c.muted}; font-style: italic; }}
.status {{ color: {c.muted}; font-size: small; font-weight: bold; }}
.dispute {{ color: {c.link}; font-size: small; font-weight: bold; }}
.claims {{ color: {c.muted}; }}
.star {{ font-weight: normal; }}
.count {{ font-size: x-large; font-weight: bold; }}
sup {{ color: {c.muted}; }}
th {{ text-align: left; font-weight: normal; color: {c.muted}; padding-right: 12px; }}
td {{ padding-right: 12px; }}
</style>"""


def _nowrap(text: str) -> str:
    """Escaped `text` whose spaces do not break: a note mark stays on one line."""
    return esc(text).replace(" ", "&nbsp;")


def _cite_tip(citation: CitationView) -> str:
    """The tooltip of a note mark: the source's title, its publisher and the paragraph cited.

    Written as rich text on purpose, its words escaped: a tooltip guesses whether its text is
    markup, and a title with a `<` in it must not be taken for some.
    """
    source = citation.source
    lines = [f"<b>{esc(source.title)}</b>"]
    if source.publisher:
        lines.append(esc(source.publisher))
    lines.append(f"Cited: {esc(citation.locator)}")
    return "<br>".join(lines)


def _notes(citations: Iterable[CitationView], numbers: dict[str, int]) -> str:
    """Source notes: note number and paragraph, e.g. [1 ¶2; 1 ¶5], each a `cite:` link with a tooltip.

    The spaces inside the brackets do not break, so a note never splits across lines.
    """
    marks = [
        f'<a href="{esc(cite_href(c.source.id, c.locator))}" title="{esc(_cite_tip(c))}">'
        f"{_nowrap(note_mark(numbers[c.source.id], c.locator))}</a>"
        for c in citations
    ]
    return f"<sup>[{';&nbsp;'.join(marks)}]</sup>" if marks else ""


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


# Rows per section before a page offers "show all". Qt parses and lays out a rich-text table
# row in a quarter to half a millisecond (a whole 1,000-fact page takes half a second or more):
# 50 rows fill more than the first screen and keep such a page, from the store to the pane
# painted, under 100 ms.
PAGE_ROWS = 50


def full_page_href(entity_id: str) -> str:
    return "entity-all:" + quote(entity_id, safe="-")


# Once the "Referenced by" budget is spent, each further label still shows this many facts, not just "… N more".
RELATED_FLOOR = 3
# A page with more sections than this opens with a line of links to them.
TOC_AFTER = 3


def _more(shown: int, total: int, page: Page) -> str:
    if shown >= total:
        return ""
    return f'<p class=meta>Showing {shown:,} of {total:,}. <a href="{full_page_href(page.id)}">Show all</a></p>'


def _by_date(facts: Iterable[FactView]) -> list[FactView]:
    """Oldest first; a period known only by its end by that end; the undated after, as written."""
    return sorted(facts, key=lambda f: (0, f.earliest) if f.earliest else (0, f.latest) if f.latest else (1, ""))


def _grouped(facts: Iterable[FactView]) -> list[list[FactView]]:
    """Facts by label, the labels in the order first met, each group oldest first."""
    groups: dict[str, list[FactView]] = {}
    for fact in facts:
        groups.setdefault(fact.label, []).append(fact)
    return [_by_date(group) for group in groups.values()]


class StripMark(FrozenRecord):
    """One dated fact as the timeline strip draws it (page_strip.py): where it falls, not what it says.

    StripMark and Strip are written out (records.FrozenRecord): every entity page with dated facts
    makes them, a start on one among them."""

    __match_args__ = ("days", "point", "faded", "inbound", "text")
    __slots__ = __match_args__
    days: tuple[int | None, int | None, int | None, int | None]  # as FactView.days: None where open
    point: bool  # a dated event or state ("1976"), not a period
    faded: bool  # over by the page's as-of date, or not known to hold then
    inbound: bool  # said by another entity about this one
    text: str  # the fact as a phrase, for a tooltip over its mark (the picture itself has no words)

    def __init__(
        self,
        days: tuple[int | None, int | None, int | None, int | None],
        point: bool,
        faded: bool,
        inbound: bool,
        text: str = "",
    ) -> None:
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "point", point)
        object.__setattr__(self, "faded", faded)
        object.__setattr__(self, "inbound", inbound)
        object.__setattr__(self, "text", text)


class Strip(FrozenRecord):
    """The dated facts of a page, for the strip: the marks and the days the strip spans."""

    __match_args__ = ("marks", "first", "last", "cursor")
    __slots__ = __match_args__
    marks: tuple[StripMark, ...]
    first: int  # day numbers (dates.day_number) of the strip's two ends
    last: int
    cursor: int | None  # the as-of date's first day, drawn as a line

    def __init__(self, marks: tuple[StripMark, ...], first: int, last: int, cursor: int | None = None) -> None:
        object.__setattr__(self, "marks", marks)
        object.__setattr__(self, "first", first)
        object.__setattr__(self, "last", last)
        object.__setattr__(self, "cursor", cursor)


def _shown(page: Page, as_of: FuzzyDate | None) -> tuple[Page, dict[int, str], int]:
    """The page as the reader sees it as of a date: its facts then (later ones left out), the status
    word of each fact that needs one, by id(), and how many were left out."""
    if as_of is None:
        return page, {}, 0
    view = annotate(page, as_of)
    page = replace(page, facts=tuple(f.fact for f in view.shown()), inbound=tuple(f.fact for f in view.shown(True)))
    words = {status: STATUS_WORDS[status] for status in (PAST, UNCERTAIN, UNDATED)}
    marks = {id(f.fact): words[f.status] for f in (*view.facts, *view.inbound) if f.status in words}
    return page, marks, view.hidden_count()


def _dated(page: Page) -> list[FactView]:
    return [f for f in (*page.facts, *page.inbound) if f.earliest or f.latest]


def _tip_text(fact: FactView, page: Page) -> str:
    """A mark's tooltip: the fact as read from the page's entity (an inbound one by its inverse label),
    the entity named: "Pakistan: Suspended from International Military Education and Training (1990s)"."""
    return f"{page.name}: {fact.phrase}"


def page_strip(page: Page, as_of: FuzzyDate | None = None, today: datetime.date | None = None) -> Strip | None:
    """The timeline strip of a page as of a date (None: latest): one mark per dated fact shown, or
    None when no fact is dated. An ongoing fact runs to `today` (to the as-of date, given one)."""
    page, words, _ = _shown(page, as_of)
    dated = _dated(page)
    if not dated:
        return None
    marks = tuple(
        StripMark(f.days, f.date is not None, id(f) in words, f.inbound, _tip_text(f, page))
        for f in dated
        if any(d is not None for d in f.days)
    )
    known = [d for m in marks for d in m.days if d is not None]
    if not known:
        return None
    first, last = min(known), max(known)
    cursor = as_of.first_day if as_of is not None else None
    if as_of is not None:
        first, last = min(first, as_of.first_day), max(last, as_of.last_day)
    elif any(m.days[2] is None and not m.point for m in marks):  # ongoing: up to now
        last = max(last, day_number((today or datetime.date.today()).isoformat()))
    if last - first < 365:  # a single date or a short span: a year around it, so it reads as a date
        first, last = first - 183, last + 183
    return Strip(marks, first, last, cursor)


STRIP_SRC = "strip:page"  # the image name the view answers with the strip it was given


def render_page(
    page: Page,
    colors: Colors = Colors(),
    as_of: FuzzyDate | None = None,
    limit: int | None = PAGE_ROWS,
    open_claims: bool = False,
    *,
    note: str = "",
    bookmarked: bool | None = None,
    strip: bool = False,
) -> str:
    """The entity page; with `as_of`, as it stood then: later facts left out, ended, vague and
    undated ones marked.

    Each long section shows its first `limit` rows and a link to the whole page (None: everything).
    A fact whose sources disagree shows the claim it stands by and a mark; with `open_claims`,
    the other claims too, each with its rank, note and sources. `note` is the reader's own note
    on the entity; `bookmarked` puts a star in the header (None: none). With `strip`, the dated
    facts are pictured as an image named STRIP_SRC, which the view draws (and print, its own).
    """
    page, words, later = _shown(page, as_of)
    marks = {key: f" <span class=status>[{word}]</span>" for key, word in words.items()}
    sources = page.sources  # a property that walks every fact: read once
    numbers = {s.id: n for n, s in enumerate(sources, start=1)}
    key_facts = page.key_facts()
    other = _grouped(page.other_facts())
    dated = _dated(page)
    related = _grouped(page.inbound)

    sections: list[tuple[str, str, str]] = []  # (anchor, heading, body)
    if note:
        sections.append(("note", "Your note", f"<p>{esc(note).replace(chr(10), '<br>')}</p>"))
    if key_facts:
        # Capped like the other sections: a key property with hundreds of values (a hub's "part of") would
        # otherwise lay out hundreds of rows before the reader sees anything else.
        key_table = _fact_table(_grouped(key_facts), page, numbers, marks, open_claims, limit)
        sections.append(("key-facts", "Key facts", key_table))
    if other:
        body = _fact_table(other, page, numbers, marks, open_claims, limit)
        sections.append(("facts", "More facts" if key_facts else "Facts", body))
    if page.series:
        sections.append(("figures", "Official figures", _series_section(page, numbers)))
    if dated and strip:
        sections.append(("timeline", "Timeline", _strip_section(dated)))
    if related or page.children:
        sections.append(("referenced-by", "Referenced by", _related_section(related, page, numbers, marks, limit)))
    if sources:
        sections.append(("sources", "Sources", _sources_section(page, sources)))

    out = [f"<html><head>{_style(colors)}</head><body>", _header(page, numbers, as_of, bookmarked)]
    if later and as_of is not None:
        out.append(
            f"<p class=note>{later} fact{'s' if later != 1 else ''} from after {esc(as_of.display())} not shown.</p>"
        )
    if page.aliases:
        out.append(f"<p><span class=meta>Also known as:</span> {esc(', '.join(page.aliases))}</p>")
    if page.summary:
        out.append(f"<p>{esc(page.summary)} {_notes(page.summary_sources, numbers)}</p>")
    if len(sections) > TOC_AFTER:
        links = " · ".join(f'<a href="#{anchor}">{esc(heading)}</a>' for anchor, heading, _ in sections)
        out.append(f"<p class=toc>On this page: {links}</p>")
    for anchor, heading, body in sections:
        out.append(f'<h2 id="{anchor}">{esc(heading)}</h2>{body}')
    out.append("</body></html>")
    return "".join(out)


def _header(page: Page, numbers: dict[str, int], as_of: FuzzyDate | None, bookmarked: bool | None) -> str:
    """The name (and the bookmark star), then the kind, the parents as a breadcrumb and the as-of date."""
    star = ""
    if bookmarked is not None:
        tip = "Remove the bookmark" if bookmarked else "Bookmark this page"
        star = f' <a class=star href="{bookmark_href(page.id)}" title="{tip}">{"★" if bookmarked else "☆"}</a>'
    meta = [esc(page.kind_label)]
    chain = page.ancestors or ((page.parent,) if page.parent else ())
    if chain:
        crumbs = " › ".join(entity_link(ref) for ref in chain)
        meta.append(f"within {crumbs} {_notes(page.parent_sources, numbers)}".rstrip())
    if as_of is not None:
        meta.append(f"<b>as of {esc(as_of.display())}</b>")
    return f"<h1>{esc(page.name)}{star}</h1><p class=meta>{' · '.join(meta)}</p>"


# The label column's share of a facts table: every table of a page then lines its values up, and a
# long label ("Often cited as having greatly benefited") wraps instead of squeezing the values.
LABEL_WIDTH = "27%"


def _fact_row(
    fact: FactView, label: str, page: Page, numbers: dict[str, int], marks: dict[int, str], open_claims: bool
) -> str:
    note = f" <span class=note>— {esc(fact.note)}</span>" if fact.note else ""
    return (
        f"<tr><th valign=top>{label}</th><td>{_value_when(fact)}{note}{marks.get(id(fact), '')} "
        f"{_notes(fact.sources, numbers)}{_disagreement(fact, page, numbers, open_claims)}</td></tr>"
    )


def _table(rows: list[str]) -> str:
    """A label-and-value table; its first row sets the label column's width (LABEL_WIDTH)."""
    if rows:
        rows[0] = rows[0].replace("<th ", f"<th width={LABEL_WIDTH} ", 1)
    return f"<table cellspacing=0 cellpadding=3 width=100%>{''.join(rows)}</table>"


def _fact_table(
    groups: list[list[FactView]],
    page: Page,
    numbers: dict[str, int],
    marks: dict[int, str],
    open_claims: bool,
    limit: int | None = None,
) -> str:
    """Facts as label and value rows: a group's label on its first row only, so it reads as a list."""
    rows: list[str] = []
    total = sum(len(g) for g in groups)
    for group in groups:
        for n, fact in enumerate(group):
            if limit is not None and len(rows) >= limit:
                break
            rows.append(_fact_row(fact, esc(fact.label) if n == 0 else "", page, numbers, marks, open_claims))
    return _table(rows) + _more(len(rows), total, page)


def _related_section(
    groups: list[list[FactView]], page: Page, numbers: dict[str, int], marks: dict[int, str], limit: int | None
) -> str:
    """The facts that point at the entity, by their inverse label; then the entities whose parent it is.

    Past the budget of `limit` rows, each further label still shows RELATED_FLOOR of its facts and
    links to the whole page for the rest: a long first label does not hide the others.
    """
    rows: list[str] = []
    budget = limit
    for group in groups:
        keep = len(group) if budget is None else min(len(group), max(budget, RELATED_FLOOR))
        for n, fact in enumerate(group[:keep]):
            rows.append(_fact_row(fact, esc(fact.label) if n == 0 else "", page, numbers, marks, False))
        if keep < len(group):
            more = f'… <a href="{full_page_href(page.id)}">{len(group) - keep:,} more</a>'
            rows.append(f"<tr><th valign=top></th><td>{more}</td></tr>")
        if budget is not None:
            budget = max(0, budget - keep)
    if page.children:
        children = ", ".join(entity_link(c) for c in page.children)
        rows.append(f"<tr><th valign=top>Includes</th><td>{children}</td></tr>")
    return _table(rows)


def _strip_section(dated: list[FactView]) -> str:
    """The strip's image and a line saying what it pictures: how many facts and over which years."""
    years = sorted(int(d[:4]) for f in dated for d in (f.earliest, f.latest) if d)
    span = f"{years[0]}" if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
    count = f"{len(dated):,} dated fact{'s' if len(dated) != 1 else ''}"
    return (
        f'<p><img src="{STRIP_SRC}"></p>'
        f"<p class=meta>{count}, {span}; in grey those others state.<span class=hint> Point at a mark for its "
        "fact; View → Timeline (Ctrl+Shift+L) shows them at length.</span></p>"
    )


def _sources_section(page: Page, sources: Sequence[SourceInfo]) -> str:
    cited: dict[str, set[str]] = {}  # source id: the locators cited from it, in one pass over the page
    for c in page.citations():
        cited.setdefault(c.source.id, set()).add(c.locator)
    out = ["<ol>"]
    for source in sources:
        locators = sorted(cited.get(source.id, ()), key=lambda s: (len(s), s))
        out.append(f"<li>{_source_line(source)} <span class=meta>({esc(', '.join(locators))})</span></li>")
    out.append("</ol>")
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
    return f"<table cellspacing=0 cellpadding=3>{head}{''.join(rows)}</table>"


def _source_line(source: SourceInfo) -> str:
    url = safe_url(source.url)
    title = f'<a href="{esc(url)}">{esc(source.title)}</a>' if url else esc(source.title)
    extra = ", ".join(esc(x) for x in (source.publisher, source.license) if x)
    return f"{title}{' — ' + extra if extra else ''}"


# Kinds per row of Home's tiles.
TILES_PER_ROW = 4  # each a quarter of the row (width=25% below)


def render_home(
    counts: Counts,
    starting_points: Sequence[EntityRef],
    recent: Iterable[EntityRef],
    colors: Colors = Colors(),
    *,
    bookmarks: Sequence[EntityRef] = (),
) -> str:
    """Home: where to start. A search prompt, the kinds as tiles that open their group in the
    navigator (`kind:`), the reader's bookmarks and recent pages, well-linked starting points and a
    random entity (`random:`). The sources are under Help → Sources and licence."""
    out = [f"<html><head>{_style(colors)}</head><body>"]
    out.append("<h1>Security Assistance Almanac</h1>")
    out.append(
        "<p>An offline reference to US security assistance: the programs that train and equip foreign "
        "forces, the agencies that run them, the laws behind them, and the countries, institutions, "
        "people and events around them. Every fact carries its date where known and its source.</p>"
    )
    out.append(
        '<p><a href="search:">Search</a> names, acronyms and facts: <b>Ctrl+K</b>. '
        'Or open a <a href="random:">random entity</a>.</p>'
    )
    out.append(f"<p class=meta>{counts.entities:,} entities · {counts.facts:,} facts</p>")
    kinds = [k for k in counts.kinds if k.count]  # a kind nothing is of yet says nothing
    if kinds:
        # 98%: a table of the full width comes out a pixel wider than the column, and the page scrolls sideways.
        out.append("<table cellspacing=6 cellpadding=8 width=98%>")
        for start in range(0, len(kinds), TILES_PER_ROW):
            out.append("<tr>")
            for kind in kinds[start : start + TILES_PER_ROW]:
                href = kind_href(kind.id)
                out.append(
                    f'<td bgcolor="{esc(colors.band)}" width=25% valign=top><a href="{href}">'
                    f'<span class=count>{kind.count:,}</span></a><br><a href="{href}">{esc(kind.plural)}</a></td>'
                )
            out.append("</tr>")
        out.append("</table>")
    lists = (("Bookmarks", list(bookmarks)), ("Recently viewed", list(recent)), ("Starting points", starting_points))
    for heading, refs in lists:
        if refs:
            out.append(f"<h2>{heading}</h2><p>{_link_list(refs)}</p>")
    out.append(
        "<p class=meta>Help → Sources and licence lists the documents the facts come from; "
        "Help → Keyboard shortcuts lists every key.</p></body></html>"
    )
    return "".join(out)


def _link_list(refs: Iterable[EntityRef]) -> str:
    # The dot keeps to the name before it, so no line of the list starts with one.
    return "&nbsp;· ".join(entity_link(r) for r in refs)


def render_gone(name: str, colors: Colors = Colors(), note: str = "") -> str:
    """What a page shows when the entity it showed has left the data (its file removed or its id changed),
    with the reader's note on it, which is kept (File → Export notes as Markdown writes it out too)."""
    kept = ""
    if note:
        kept = (
            '<h2 id="note">Your note</h2>'
            f"<p>{esc(note).replace(chr(10), '<br>')}</p>"
            "<p class=meta>Kept with your notes: File → Export notes as Markdown writes it out with the others.</p>"
        )
    return (
        f"<html><head>{_style(colors)}</head><body><h1>{esc(name)}</h1>"
        "<p>This entity is no longer in the data: its file was removed, or its id changed. "
        "Search for it by name, or go back.</p>"
        f'<p><a href="entity:">Home</a></p>{kept}</body></html>'
    )

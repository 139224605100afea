"""The HTML of entity pages and the home page (no widgets needed)."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from desktop.core.store import Store
from desktop.core.views import CitationView, Counts, EntityRef, FactView, KindInfo, Page, SourceInfo
from desktop.ui.page_html import PAGE_ROWS, RELATED_FLOOR, Colors, entity_href, esc, render_home, render_page, safe_url

HOSTILE = ["<script>alert(1)</script>", "<img src=x>", '<a href="file:///etc/passwd">x</a>']
EVIL = " ".join(HOSTILE)

WIKI = SourceInfo("wiki", "Wiki article", "Wikipedia", "https://en.wikipedia.org/wiki/X", "CC BY-SA 4.0")
OTHER = SourceInfo("other", "Other article", "Press", "https://example.org/other", "CC BY 4.0")
EVIL_SOURCE = SourceInfo("evil", f"Title {EVIL}", f"Publisher {EVIL}", "javascript:alert(1)", f"Licence {EVIL}")


def fact(label: str, **kw) -> FactView:
    values = {
        "property": label.lower().replace(" ", "_"),
        "label": label,
        "entity": None,
        "value": None,
        "unit": None,
        "text": None,
        "unknown": False,
        "date": None,
        "start": None,
        "end": None,
        "earliest": None,
        "latest": None,
        "when": "",
        "note": None,
        "sources": (CitationView(WIKI, "¶2"),),
        "phrase": label,
    }
    values.update(kw)
    return FactView(**values)


def page(**kw) -> Page:
    values = {
        "id": "thing",
        "kind": "program",
        "kind_label": "Program",
        "name": "Thing Program",
        "aliases": ("TP",),
        "summary": "A program.",
        "parent": None,
        "children": (),
        "facts": (),
        "inbound": (),
        "path": "data/programs/thing.yaml",
    }
    values.update(kw)
    return Page(**values)


class Tags(HTMLParser):
    """Every start tag and its attributes, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if not self._in_style:
            self.text.append(data)


def parse(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser


ALLOWED_TAGS = {
    "html",
    "head",
    "style",
    "body",
    "h1",
    "h2",
    "p",
    "span",
    "table",
    "tr",
    "th",
    "td",
    "a",
    "sup",
    "ol",
    "li",
}


def assert_safe(html: str) -> Tags:
    tags = parse(html)
    assert {t for t, _ in tags.tags} <= ALLOWED_TAGS
    assert [t for t, _ in tags.tags].count("style") == 1
    for tag, attrs in tags.tags:
        if tag == "a":
            assert set(attrs) == {"href"}
            assert attrs["href"].startswith(("entity:", "https://", "http://")), attrs
        else:
            assert not {"href", "src", "onclick", "onerror"} & set(attrs), (tag, attrs)
    for fragment in ("<script", "<img", 'href="file:', 'href="javascript:'):
        assert fragment not in html
    return tags


def test_markup_in_every_field_of_a_page_is_escaped() -> None:
    other = EntityRef("other", "agency", f"Other {EVIL}")
    evil_cite = (CitationView(EVIL_SOURCE, f"¶1 {EVIL}"),)
    hostile = page(
        name=f"Name {EVIL}",
        kind_label=f"Kind {EVIL}",
        aliases=(f"Alias {EVIL}",),
        summary=f"Summary {EVIL}",
        parent=EntityRef("parent", "agency", f"Parent {EVIL}"),
        children=(EntityRef("child", "agency", f"Child {EVIL}"),),
        facts=(
            fact(f"Label {EVIL}", text=f"Text {EVIL}", note=f"Note {EVIL}", when=f"1999 {EVIL}", earliest="1999"),
            fact("Spending", value=5, unit=f"Unit {EVIL}", sources=evil_cite),
            fact("Linked", entity=other, text=f"Extra {EVIL}", earliest="2001", when="2001"),
            fact("Gone", missing=f"missing-{EVIL}"),
        ),
        inbound=(fact(f"Inverse {EVIL}", entity=other, inbound=True, earliest="1990", when="1990"),),
    )
    html = render_page(hostile)
    tags = assert_safe(html)
    text = "".join(tags.text)
    for label in ("Name", "Kind", "Alias", "Summary", "Parent", "Child", "Label", "Text", "Note", "Other", "Extra"):
        assert f"{label} {EVIL}" in text, label
    for label in ("Unit", "Title", "Publisher", "Licence", "Inverse"):
        assert f"{label} {EVIL}" in text, label
    # The hostile source's URL is not a link; the entity links are.
    hrefs = [a["href"] for t, a in tags.tags if t == "a"]
    assert "javascript:alert(1)" not in hrefs
    assert {"entity:other", "entity:parent", "entity:child"} <= set(hrefs)


def test_entity_href_and_safe_url() -> None:
    assert entity_href("department-of-defense") == "entity:department-of-defense"
    assert entity_href('a"b<c>') == "entity:a%22b%3Cc%3E"
    assert safe_url("https://x.org/a") == "https://x.org/a"
    assert safe_url("HTTP://x.org/") == "HTTP://x.org/"
    for bad in ("file:///etc/passwd", "javascript:alert(1)", "ftp://x", "data:,x", "x", "", "http://[::1"):
        assert safe_url(bad) is None, bad
    assert esc('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"


def test_page_sections_in_order() -> None:
    other = EntityRef("dod", "agency", "Department of Defense")
    p = page(
        facts=(
            fact("Administered by", entity=other, when="2019", earliest="2019", latest="2019"),
            fact("Enacted", when="1961-09-04", earliest="1961-09-04", latest="1961-09-04"),
            fact("Purpose", text="Training", sources=(CitationView(OTHER, "¶3"),)),
            fact("Spending", value=111_000_000, unit="USD", when="1976", earliest="1976", latest="1976"),
        ),
        inbound=(fact("Advises", entity=EntityRef("board", "agency", "Advisory Board"), inbound=True),),
        children=(EntityRef("sub", "program", "Sub Program"),),
    )
    html = render_page(p)
    text = "".join(parse(html).text)
    positions = [
        text.index(h)
        for h in ("Thing Program", "Also known as", "A program.", "Key facts", "Timeline", "Related", "Sources")
    ]
    assert positions == sorted(positions)
    # The timeline is oldest first.
    timeline = text[text.index("Timeline") : text.index("Related")]
    assert timeline.index("1961") < timeline.index("1976") < timeline.index("2019")
    # Related, both ways, grouped by label; the inverse label for incoming facts; children.
    related = text[text.index("Related") : text.index("Sources")]
    assert "Administered by" in related and "Department of Defense" in related
    assert "Advises" in related and "Advisory Board" in related
    assert "Includes" in related and "Sub Program" in related
    # Numbered source notes: the first cited source is 1, the second 2; each fact carries its note.
    assert "[1 ¶2]" in text and "[2 ¶3]" in text
    sources = text[text.index("Sources") :]
    assert sources.index("Wiki article") < sources.index("Other article")
    assert "CC BY-SA 4.0" in sources and "(¶2)" in sources
    assert '<a href="https://en.wikipedia.org/wiki/X">Wiki article</a>' in html
    assert '<a href="entity:dod">Department of Defense</a>' in html


def test_page_without_facts_has_no_empty_sections() -> None:
    text = "".join(parse(render_page(page(aliases=(), summary=""))).text)
    for heading in ("Key facts", "Timeline", "Related", "Sources", "Also known as"):
        assert heading not in text


def test_a_bundled_page(bundled_store: Store) -> None:
    p = bundled_store.page("imet")
    html = render_page(p)
    assert_safe(html)
    text = "".join(parse(html).text)
    assert text.startswith("International Military Education and Training")
    for source in p.sources:
        assert source.title in text


COUNTS = Counts(
    entities=12,
    facts=34,
    kinds=[
        KindInfo("program", "Program", "Programs", "program.svg", 5),
        KindInfo("country", "Country", "Countries", "c.svg", 7),
    ],
)


def test_home_page() -> None:
    starting = [EntityRef("imet", "program", "IMET"), EntityRef("fmf", "program", "FMF")]
    recent = [EntityRef("pakistan", "country", "Pakistan")]
    html = render_home(COUNTS, starting, recent, [WIKI, OTHER])
    tags = assert_safe(html)
    text = "".join(tags.text)
    assert "12 entities · 34 facts" in text
    assert re.search(r"Programs\s*5", text) and re.search(r"Countries\s*7", text)
    assert "Starting points" in text and "Recently viewed" in text
    assert text.index("IMET") < text.index("FMF") < text.index("Recently viewed") < text.index("Pakistan")
    assert '<a href="entity:pakistan">Pakistan</a>' in html
    assert "Sources and licence" in text
    assert "Wiki article — Wikipedia, CC BY-SA 4.0" in text
    assert "Other article — Press, CC BY 4.0" in text


def test_home_page_without_history_or_sources() -> None:
    text = "".join(parse(render_home(COUNTS, [], [], [])).text)
    assert "Recently viewed" not in text and "Starting points" not in text and "Sources and licence" not in text
    assert "12 entities" in text


def test_home_page_escapes_everything() -> None:
    kinds = [KindInfo("k", "K", f"Plural {EVIL}", "k.svg", 1)]
    html = render_home(
        Counts(1, 0, kinds),
        [EntityRef("a", "k", f"Start {EVIL}")],
        [EntityRef("b", "k", f"Recent {EVIL}")],
        [EVIL_SOURCE],
    )
    text = "".join(assert_safe(html).text)
    for label in ("Plural", "Start", "Recent", "Title", "Publisher", "Licence"):
        assert f"{label} {EVIL}" in text, label


@pytest.mark.parametrize("colors", [Colors(), Colors(text="#e6e6e6", base="#1f1f22", link="#8ab4f8")])
def test_pages_use_the_colours_given(colors: Colors) -> None:
    for html in (render_page(page(), colors), render_home(COUNTS, [], [], [], colors)):
        assert f"color: {colors.text}; background-color: {colors.base};" in html
        for value in (colors.link, colors.muted):
            assert value in html


def _long_facts(n: int) -> tuple[FactView, ...]:
    people = [EntityRef(f"p-{i:04d}", "person", f"Person {i:04d}") for i in range(n)]
    return tuple(
        fact("Employs", entity=ref, date=f"{1900 + i % 100}", earliest=f"{1900 + i % 100}-01-01",
             latest=f"{1900 + i % 100}-12-31", when=f"{1900 + i % 100}",
             sources=(CitationView(WIKI if i % 2 else OTHER, f"¶{i}"),))
        for i, ref in enumerate(people)
    )  # fmt: skip


def _sections(html: str) -> dict[str, str]:
    """Each <h2> section's HTML, by its heading."""
    parts = re.split(r"<h2>(.*?)</h2>", html)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_a_long_page_shows_its_first_rows_and_offers_the_rest() -> None:
    facts = _long_facts(400)
    short = render_page(page(facts=facts))
    tags = parse(short)
    shown = {a["href"] for t, a in tags.tags if t == "a" and a["href"].startswith("entity:p-")}
    assert f"entity:p-{PAGE_ROWS - 1:04d}" in shown and "entity:p-0399" not in shown
    assert short.count('href="entity-all:thing"') == 3  # key facts, timeline, related
    assert f"Showing {PAGE_ROWS} of 400." in "".join(tags.text)
    full = render_page(page(facts=facts), limit=None)
    assert "entity-all:" not in full
    assert 'href="entity:p-0399"' in full
    for tag, attrs in tags.tags:  # the only new kind of link is the page's own "show all"
        if tag == "a":
            assert attrs["href"].startswith(("entity:", "entity-all:thing", "https://")), attrs


def test_a_long_page_opens_on_a_short_first_screen() -> None:
    # Each table row costs Qt about half a millisecond to parse and lay out: a 1,000-fact page
    # must stay near one screenful of rows per section to be painted within 100 ms.
    assert 30 <= PAGE_ROWS <= 50
    sections = _sections(render_page(page(facts=_long_facts(1000))))
    assert sections["Key facts"].count("<tr>") == PAGE_ROWS
    assert sections["Timeline"].count("<tr>") == PAGE_ROWS
    assert sections["Related"].count('href="entity:p-') == PAGE_ROWS  # links, across all its labels


@pytest.mark.parametrize("limit", [PAGE_ROWS, None])
def test_every_row_of_a_long_page_keeps_its_date_and_citation(limit: int | None) -> None:
    facts = _long_facts(400)
    html = render_page(page(facts=facts), limit=limit)
    sections = _sections(html)
    rows = {name: re.findall(r"<tr>.*?</tr>", sections[name]) for name in ("Key facts", "Timeline")}
    expected = facts[: limit or len(facts)]
    assert len(rows["Key facts"]) == len(rows["Timeline"]) == len(expected)
    for row, f in zip(rows["Key facts"], expected, strict=True):
        assert f'href="entity:{f.entity.id}"' in row and f"({f.when})" in row, row
        number = 2 if f.sources[0].source is WIKI else 1  # OTHER is cited first (by p-0000)
        assert f"<sup>[{number} {f.sources[0].locator}]</sup>" in row, row
    for row in rows["Timeline"]:
        assert re.search(r"<td[^>]*>\d{4}</td>", row) and re.search(r"<sup>\[[12] ¶\d+\]</sup>", row), row
    assert len(re.findall(r"<sup>\[[12] ¶\d+\]</sup>", sections["Related"])) == (limit or len(facts))
    if limit is None:
        assert "Show all" not in html
    else:
        assert html.count("Show all") == 2 and "350 more" in html


def test_every_related_label_shows_some_links_after_the_budget_is_spent() -> None:
    base = _long_facts(PAGE_ROWS + 40)
    labels = ["Employs", "Advises", "Funds", "Trains"]
    # The first label alone fills the budget; the three after it still show RELATED_FLOOR links each.
    facts = tuple(replace(f, label=labels[0] if i < PAGE_ROWS else labels[1 + i % 3]) for i, f in enumerate(base))
    related = _sections(render_page(page(facts=facts)))["Related"]
    rows = re.findall(r"<tr><th valign=top>(.*?)</th><td>(.*?)</td></tr>", related)
    counts = {label: body.count('href="entity:p-') for label, body in rows}
    assert counts == {"Employs": PAGE_ROWS, "Advises": RELATED_FLOOR, "Funds": RELATED_FLOOR, "Trains": RELATED_FLOOR}
    assert all("more</a>" in body for label, body in rows if label != "Employs")

"""The HTML of entity pages and the home page (no widgets needed)."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from desktop.core.store import Store
from desktop.core.views import CitationView, Counts, EntityRef, FactView, KindInfo, Page, SourceInfo
from desktop.ui.page_html import (
    PAGE_ROWS,
    RELATED_FLOOR,
    STRIP_SRC,
    Colors,
    cite_href,
    entity_href,
    esc,
    page_strip,
    render_home,
    render_page,
    safe_url,
)

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
    "b",
    "br",
    "img",
}
# The links a page makes: entities, web pages, and its own actions (routed by the view).
LINKS = (
    "entity:",
    "https://",
    "http://",
    "cite:",
    "entity-all:",
    "claims:",
    "kind:",
    "random:",
    "search:",
    "bookmark:",
)


def assert_safe(html: str) -> Tags:
    tags = parse(html)
    assert {t for t, _ in tags.tags} <= ALLOWED_TAGS
    assert [t for t, _ in tags.tags].count("style") == 1
    for tag, attrs in tags.tags:
        if tag == "a":
            assert "href" in attrs and set(attrs) <= {"href", "title", "class"}, attrs
            assert attrs["href"].startswith(LINKS) or attrs["href"].startswith("#"), attrs
            if "title" in attrs:  # a tooltip, written as rich text: only bold and line breaks in it
                tip = parse(attrs["title"])
                assert {t for t, _ in tip.tags} <= {"b", "br"}, attrs["title"]
        elif tag == "img":
            assert attrs == {"src": STRIP_SRC}, attrs  # the one picture, which the view draws itself
        else:
            assert not {"href", "src", "onclick", "onerror", "title"} & set(attrs), (tag, attrs)
    for fragment in ("<script", "<img src=x", 'href="file:', 'href="javascript:'):
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
        ancestors=(EntityRef("top", "agency", f"Top {EVIL}"), EntityRef("parent", "agency", f"Parent {EVIL}")),
        children=(EntityRef("child", "agency", f"Child {EVIL}"),),
        facts=(
            fact(f"Label {EVIL}", text=f"Text {EVIL}", note=f"Note {EVIL}", when=f"1999 {EVIL}", earliest="1999"),
            fact("Spending", value=5, unit=f"Unit {EVIL}", sources=evil_cite),
            fact("Linked", entity=other, text=f"Extra {EVIL}", earliest="2001", when="2001"),
            fact("Gone", missing=f"missing-{EVIL}"),
        ),
        inbound=(fact(f"Inverse {EVIL}", entity=other, inbound=True, earliest="1990", when="1990"),),
        key_properties=("spending",),
    )
    html = render_page(hostile, note=f"Mine {EVIL}\nline two", bookmarked=True, strip=True)
    tags = assert_safe(html)
    text = "".join(tags.text)
    for label in ("Name", "Kind", "Alias", "Summary", "Top", "Parent", "Child", "Label", "Text", "Note", "Other"):
        assert f"{label} {EVIL}" in text, label
    for label in ("Extra", "Unit", "Title", "Publisher", "Licence", "Inverse", "Mine"):
        assert f"{label} {EVIL}" in text, label
    # The hostile source's URL is not a link; the entity links are.
    hrefs = [a["href"] for t, a in tags.tags if t == "a"]
    assert "javascript:alert(1)" not in hrefs
    assert {"entity:other", "entity:parent", "entity:top", "entity:child"} <= set(hrefs)
    # The note mark's tooltip names the hostile source and paragraph as text, never as markup.
    (tip,) = {a["title"] for t, a in tags.tags if t == "a" and a["href"].startswith("cite:evil?")}
    assert f"Title {EVIL}" in "".join(parse(tip).text) and f"¶1 {EVIL}" in "".join(parse(tip).text)


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
        key_properties=("purpose", "administered_by"),
    )
    html = render_page(p, strip=True)
    text = "".join(parse(html).text)
    headings = ("Thing Program", "Also known as", "A program.", "On this page", "Key facts", "More facts")
    headings += ("Timeline", "Referenced by", "Sources")
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    # The key facts, in the vocabulary's order of their properties, not the order written.
    key = _section_text(html, "key-facts")
    assert key.index("Purpose") < key.index("Training") < key.index("Administered by") < key.index("Department")
    # The others by property, the date beside each.
    more = _section_text(html, "facts")
    assert "Enacted4 September 1961" not in more and "Enacted1961-09-04" in more.replace(" ", "")
    assert "$111,000,000 (1976)" in more
    # The timeline is a picture: its section says how many facts and which years, and no fact's words.
    timeline = _section_text(html, "timeline")
    assert f'<img src="{STRIP_SRC}">' in html and "3 dated facts, 1961–2019" in timeline
    assert not {"Administered", "Defense", "Enacted", "Spending", "111"} & set(re.findall(r"\w+", timeline))
    # Referenced by: the facts that point here, by their inverse label; then the parts.
    related = _section_text(html, "referenced-by")
    assert "Advises" in related and "Advisory Board" in related
    assert "Includes" in related and "Sub Program" in related
    assert "Department of Defense" not in related  # said by this entity: a key fact, not a reference
    # Numbered source notes: the first cited source is 1, the second 2; each fact carries its note.
    assert "[1 ¶2]" in text.replace("\xa0", " ") and "[2 ¶3]" in text.replace("\xa0", " ")
    sources = _section_text(html, "sources")
    assert sources.index("Wiki article") < sources.index("Other article")
    assert "CC BY-SA 4.0" in sources and "(¶2)" in sources
    assert '<a href="https://en.wikipedia.org/wiki/X">Wiki article</a>' in html
    assert '<a href="entity:dod">Department of Defense</a>' in html
    # The list of sections links to each, by the anchor its heading carries.
    toc = re.search(r"<p class=toc>(.*?)</p>", html).group(1)
    anchors = re.findall(r'href="#([\w-]+)"', toc)
    assert anchors == ["key-facts", "facts", "timeline", "referenced-by", "sources"]
    assert all(f'<h2 id="{a}">' in html for a in anchors)


def _section_text(html: str, anchor: str) -> str:
    """The words of the section whose heading carries `anchor`, its heading included."""
    section = html.split(f'<h2 id="{anchor}">', 1)[1].split("<h2 ", 1)[0]
    return "".join(parse(section).text)


def test_each_property_group_runs_oldest_first_with_the_undated_last() -> None:
    facts = tuple(
        fact("Participant", entity=EntityRef(f"c{n}", "country", f"Country {n}"), when=when, earliest=first)
        for n, (when, first) in enumerate([("2001", "2001-01-01"), ("", None), ("1962", "1962-01-01")])
    )
    ended = fact("Participant", entity=EntityRef("c9", "country", "Country 9"), when="until 1950", latest="1950-12-31")
    text = "".join(parse(render_page(page(facts=(*facts, ended)))).text)
    order = [text.index(f"Country {n}") for n in (9, 2, 0, 1)]
    assert order == sorted(order)
    assert text.count("Participant") == 1  # the label once, for the whole group


def test_page_without_facts_has_no_empty_sections() -> None:
    text = "".join(parse(render_page(page(aliases=(), summary=""), strip=True)).text)
    for heading in ("Key facts", "Facts", "Timeline", "Referenced by", "Sources", "Also known as", "On this page"):
        assert heading not in text


def test_a_short_page_has_no_list_of_sections() -> None:
    html = render_page(page(facts=(fact("Purpose", text="Training"),)))
    assert "On this page" not in html and "<h2 id=" in html


def test_a_bundled_page(bundled_store: Store) -> None:
    p = bundled_store.page("imet")
    html = render_page(p, strip=True)
    assert_safe(html)
    text = "".join(parse(html).text)
    assert text.startswith("International Military Education and Training")
    for source in p.sources:
        assert source.title in text
    # IMET's key facts, as its kind lists them in the vocabulary.
    key = _section_text(html, "key-facts")
    for label in ("Established by", "Administered by", "Policy directed by"):
        assert label in key
    assert "Trains students at" not in key and "Trains students at" in text


def _visible(html: str) -> str:
    """The page's words without its note marks, up to its list of sources."""
    body = re.sub(r"<sup>.*?</sup>", "", html.split('<h2 id="sources">')[0])
    return " ".join("".join(parse(body).text).replace("\xa0", " ").split())


def _links(html: str) -> list[str]:
    return [a["href"] for t, a in parse(html).tags if t == "a" and "href" in a]


@pytest.mark.parametrize("as_of", [None, "2015", "1995"])
def test_no_fact_is_shown_twice_on_any_bundled_page(bundled_store: Store, as_of: str | None) -> None:
    from desktop.core.asof import annotate, parse_as_of

    when = parse_as_of(as_of) if as_of else None
    for ref in bundled_store.entities():
        p = bundled_store.page(ref.id)
        html = render_page(p, as_of=when, limit=None, strip=True)
        shown = [*p.facts, *p.inbound]
        if when is not None:
            view = annotate(p, when)
            shown = [f.fact for f in (*view.shown(), *view.shown(True))]
        # Each citation once: a fact shown twice would bring its note marks twice.
        cited = [*p.summary_sources, *(p.parent_sources if p.parent else ()), *(c for f in shown for c in f.sources)]
        marks = [h for h in _links(html) if h.startswith("cite:")]
        assert sorted(marks) == sorted(cite_href(c.source.id, c.locator) for c in cited), ref.id
        # Each link to an entity once per fact that names it (and per parent, part and figure line).
        named = [f.entity.id for f in shown if f.entity]
        named += [a.id for a in p.ancestors] + [c.id for c in p.children] + [s.other.id for s in p.series]
        links = [h.removeprefix("entity:") for h in _links(html) if h.startswith("entity:")]
        assert sorted(links) == sorted(named), ref.id
        # Each fact's words once (as many times as facts say them), and none in the timeline's section.
        words = _visible(html)
        texts = [f.text for f in shown if f.text]
        others = [p.summary, *p.aliases, *(f.note or "" for f in shown), *(f.entity.name for f in shown if f.entity)]
        for text in set(texts):
            expected = texts.count(text) + sum(o.count(text) for o in others)
            assert words.count(" ".join(text.split())) == expected, (ref.id, text)
        if '<h2 id="timeline">' in html:
            strip_words = _visible(html.split('<h2 id="timeline">')[1].split("<h2")[0])
            for f in shown:
                for said in (f.text, f.note, f.entity.name if f.entity else None):
                    assert not said or said not in strip_words, (ref.id, said)


def test_a_note_mark_is_a_link_with_a_tooltip_that_never_breaks() -> None:
    statute = SourceInfo("statutes", "Public Law 87-195", "Statutes at Large", "", "")
    f = fact(
        "Enacted", sources=(CitationView(WIKI, "¶10"), CitationView(WIKI, "¶11"), CitationView(statute, "75 Stat. 424"))
    )
    html = render_page(page(facts=(f,)))
    (sup,) = re.findall(r"<sup>\[.*?\]</sup>", html)
    assert " " not in re.sub(r"<[^>]+>", "", sup)  # spaces inside the brackets are all non-breaking
    marks = re.findall(r'<a href="([^"]+)" title="([^"]+)">([^<]+)</a>', sup)
    assert [(href, text) for href, _tip, text in marks] == [
        ("cite:wiki?%C2%B610", "1&nbsp;¶10"),
        ("cite:wiki?%C2%B611", "1&nbsp;¶11"),
        ("cite:statutes?75%20Stat.%20424", "2,&nbsp;75&nbsp;Stat.&nbsp;424"),
    ]
    tip = html.unescape(marks[0][1]) if False else parse(f"<a title={marks[2][1]!r}>").tags[0][1]["title"]
    assert tip == "<b>Public Law 87-195</b><br>Statutes at Large<br>Cited: 75 Stat. 424"
    assert cite_href("a b", "¶1?x=2&y") == "cite:a%20b?%C2%B61%3Fx%3D2%26y"


def test_the_readers_note_and_the_bookmark_star() -> None:
    plain = render_page(page())
    assert "Your note" not in plain and "bookmark:" not in plain and "★" not in plain and "☆" not in plain
    noted = render_page(page(), note="First line <b>\nsecond & last", bookmarked=False)
    text = "".join(parse(noted).text)
    assert "Your note" in text and "First line <b>" in text and "second & last" in text
    assert "First line &lt;b&gt;<br>second &amp; last" in noted  # escaped, its line breaks kept
    assert '<a class=star href="bookmark:thing" title="Bookmark this page">☆</a>' in noted
    assert text.startswith("Thing Program ☆")
    starred = render_page(page(), bookmarked=True)
    assert '<a class=star href="bookmark:thing" title="Remove the bookmark">★</a>' in starred


def test_the_header_shows_the_parents_as_a_breadcrumb() -> None:
    top, mid = EntityRef("state", "agency", "Department of State"), EntityRef("pm", "agency", "Bureau PM")
    p = page(parent=mid, ancestors=(top, mid), parent_sources=(CitationView(OTHER, "¶4"),))
    meta = re.search(r"<p class=meta>(.*?)</p>", render_page(p)).group(1)
    assert meta.startswith("Program · within ")
    assert meta.index("entity:state") < meta.index("›") < meta.index("entity:pm") < meta.index("cite:other")


def test_the_timeline_strip_pictures_the_dated_facts_shown() -> None:
    from desktop.core.dates import day_number, parse_date

    def days(first: str | None, last: str | None, end_first: str | None, end_last: str | None):
        return tuple(day_number(d) if d else None for d in (first, last, end_first, end_last))

    point = fact(
        "Enacted",
        date="1976-06-30",
        when="30 June 1976",
        earliest="1976-06-30",
        latest="1976-06-30",
        days=days("1976-06-30", "1976-06-30", "1976-06-30", "1976-06-30"),
    )
    ongoing = fact(
        "Participant",
        start="2001",
        when="since 2001",
        earliest="2001-01-01",
        days=days("2001-01-01", "2001-12-31", None, None),
    )
    inbound = fact(
        "Suspended from",
        start="1990s",
        end="2001",
        when="1990s – 2001",
        earliest="1990-01-01",
        latest="2001-12-31",
        inbound=True,
        days=days("1990-01-01", "1999-12-31", "2001-01-01", "2001-12-31"),
    )
    undated = fact("Purpose", text="Training")
    p = page(facts=(point, ongoing, undated), inbound=(inbound,))
    strip = page_strip(p, today=__import__("datetime").date(2020, 1, 1))
    assert [(m.point, m.inbound, m.faded) for m in strip.marks] == [
        (True, False, False),
        (False, False, False),
        (False, True, False),
    ]
    assert strip.first == day_number("1976-06-30") and strip.last == day_number("2020-01-01")  # ongoing: to today
    assert strip.cursor is None
    # As of 1995: the fact from 2001 is left out, those over (or not sure) by then faint, the date a line.
    then = page_strip(p, parse_date("1995"))
    assert [(m.point, m.faded) for m in then.marks] == [(True, True), (False, True)]
    assert then.cursor == day_number("1995-01-01") and then.last == day_number("2001-12-31")  # not to today
    assert page_strip(page(facts=(undated,))) is None
    assert "Timeline" not in render_page(page(facts=(undated,)), strip=True)
    assert "<img" not in render_page(p)  # print and PDF, which cannot draw it, leave it out


COUNTS = Counts(
    entities=12,
    facts=34,
    kinds=[
        KindInfo("program", "Program", "Programs", "program.svg", 5),
        KindInfo("country", "Country", "Countries", "c.svg", 7),
        KindInfo("region", "Region", "Regions", "r.svg", 0),
    ],
)


def test_home_page() -> None:
    starting = [EntityRef("imet", "program", "IMET"), EntityRef("fmf", "program", "FMF")]
    recent = [EntityRef("pakistan", "country", "Pakistan")]
    marked = [EntityRef("dsca", "agency", "DSCA")]
    html = render_home(COUNTS, starting, recent, bookmarks=marked)
    tags = assert_safe(html)
    text = "".join(tags.text)
    assert "12 entities · 34 facts" in text
    # The kinds as tiles: the count and the name, each a link to the kind's group; an empty kind is left out.
    hrefs = _links(html)
    assert hrefs.count("kind:program") == 2 and hrefs.count("kind:country") == 2 and "kind:region" not in hrefs
    assert re.search(r"5\s*Programs", text) and re.search(r"7\s*Countries", text) and "Regions" not in text
    assert "search:" in hrefs and "random:" in hrefs and "Ctrl+K" in text
    order = ["Bookmarks", "DSCA", "Recently viewed", "Pakistan", "Starting points", "IMET", "FMF"]
    assert [text.index(w) for w in order] == sorted(text.index(w) for w in order)
    assert '<a href="entity:pakistan">Pakistan</a>' in html and '<a href="entity:dsca">DSCA</a>' in html
    # The sources are under Help now: Home names where, and lists none.
    assert "Sources and licence" in text and "Wiki article" not in text and "https://" not in html


def test_home_page_without_history_or_bookmarks() -> None:
    text = "".join(parse(render_home(COUNTS, [], [])).text)
    for heading in ("Recently viewed", "Starting points", "Bookmarks"):
        assert heading not in text
    assert "12 entities" in text


def test_home_page_escapes_everything() -> None:
    kinds = [KindInfo("k", "K", f"Plural {EVIL}", "k.svg", 1)]
    html = render_home(
        Counts(1, 0, kinds),
        [EntityRef("a", "k", f"Start {EVIL}")],
        [EntityRef("b", "k", f"Recent {EVIL}")],
        bookmarks=[EntityRef("c", "k", f"Marked {EVIL}")],
    )
    text = "".join(assert_safe(html).text)
    for label in ("Plural", "Start", "Recent", "Marked"):
        assert f"{label} {EVIL}" in text, label


@pytest.mark.parametrize("colors", [Colors(), Colors(text="#e6e6e6", base="#1f1f22", link="#8ab4f8")])
def test_pages_use_the_colours_given(colors: Colors) -> None:
    for html in (render_page(page(), colors), render_home(COUNTS, [], [], colors)):
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
    parts = re.split(r'<h2 id="[\w-]+">(.*?)</h2>', html)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _inbound(facts: tuple[FactView, ...]) -> tuple[FactView, ...]:
    return tuple(replace(f, inbound=True, label="Employed by") for f in facts)


def test_a_long_page_shows_its_first_rows_and_offers_the_rest() -> None:
    facts = _long_facts(400)
    short = render_page(page(facts=facts, inbound=_inbound(facts)))
    tags = parse(short)
    shown = [a["href"] for t, a in tags.tags if t == "a" and a["href"].startswith("entity:p-")]
    by_date = sorted(facts, key=lambda f: f.earliest)  # each group runs oldest first
    assert shown.count(f"entity:{by_date[PAGE_ROWS - 1].entity.id}") == 2 and "entity:p-0399" not in shown
    assert f"entity:{by_date[PAGE_ROWS].entity.id}" not in shown
    assert short.count('href="entity-all:thing"') == 2  # the facts, and what refers to the entity
    assert f"Showing {PAGE_ROWS} of 400." in "".join(tags.text) and "350 more" in "".join(tags.text)
    full = render_page(page(facts=facts, inbound=_inbound(facts)), limit=None)
    assert "entity-all:" not in full
    assert full.count('href="entity:p-0399"') == 2
    for tag, attrs in tags.tags:  # the only new kind of link is the page's own "show all"
        if tag == "a":
            assert attrs["href"].startswith(("entity:", "entity-all:thing", "https://", "cite:", "#")), attrs


def test_a_long_page_opens_on_a_short_first_screen() -> None:
    # Each table row costs Qt about half a millisecond to parse and lay out: a 1,000-fact page
    # must stay near one screenful of rows per section to be painted within 100 ms.
    assert 30 <= PAGE_ROWS <= 50
    facts = _long_facts(1000)
    sections = _sections(render_page(page(facts=facts, inbound=_inbound(facts)), strip=True))
    assert sections["Facts"].count("<tr>") == PAGE_ROWS
    assert sections["Referenced by"].count("<tr>") == PAGE_ROWS + 1  # and a row that says how many more
    assert sections["Timeline"].count("<img") == 1 and "<tr>" not in sections["Timeline"]  # one picture


def test_key_facts_are_capped_like_the_rest() -> None:
    """A key property with a thousand values (a hub's "part of") shows a screenful and offers the rest."""
    facts = _long_facts(1000)
    key = page(facts=facts, key_properties=(facts[0].property,))
    sections = _sections(render_page(key))
    assert sections["Key facts"].count("<tr>") == PAGE_ROWS
    assert "Showing 50 of 1,000." in sections["Key facts"] and 'href="entity-all:thing"' in sections["Key facts"]
    assert _sections(render_page(key, limit=None))["Key facts"].count("<tr>") == 1000


@pytest.mark.parametrize("limit", [PAGE_ROWS, None])
def test_every_row_of_a_long_page_keeps_its_date_and_citation(limit: int | None) -> None:
    facts = _long_facts(400)
    html = render_page(page(facts=facts, inbound=_inbound(facts)), limit=limit)
    sections = _sections(html)
    expected = sorted(facts, key=lambda f: f.earliest)[: limit or len(facts)]  # oldest first
    for name in ("Facts", "Referenced by"):
        rows = re.findall(r"<tr>.*?</tr>", sections[name])
        rows = [r for r in rows if "more</a>" not in r]
        assert len(rows) == len(expected), name
        for row, f in zip(rows, expected, strict=True):
            assert f'href="entity:{f.entity.id}"' in row and f"({f.when})" in row, row
            number = 2 if f.sources[0].source is WIKI else 1  # OTHER is cited first (by p-0000)
            locator = quote(f.sources[0].locator, safe="")
            assert f'<sup>[<a href="cite:{f.sources[0].source.id}?{locator}"' in row, row
            assert f">{number}&nbsp;{f.sources[0].locator}</a>]</sup>" in row, row
    if limit is None:
        assert "Show all" not in html and "more</a>" not in html
    else:
        assert html.count("Show all") == 1 and "350 more" in html


def test_every_referring_label_shows_some_facts_after_the_budget_is_spent() -> None:
    base = _inbound(_long_facts(PAGE_ROWS + 40))
    labels = ["Employs", "Advises", "Funds", "Trains"]
    # The first label alone fills the budget; the three after it still show RELATED_FLOOR facts each.
    facts = tuple(replace(f, label=labels[0] if i < PAGE_ROWS else labels[1 + i % 3]) for i, f in enumerate(base))
    related = _sections(render_page(page(inbound=facts)))["Referenced by"]
    counts: dict[str, int] = {}
    label = ""
    for head, body in re.findall(r"<tr><th[^>]*>(.*?)</th><td>(.*?)</td></tr>", related):
        label = head or label
        counts[label] = counts.get(label, 0) + body.count('href="entity:p-')
    assert counts == {"Employs": PAGE_ROWS, "Advises": RELATED_FLOOR, "Funds": RELATED_FLOOR, "Trains": RELATED_FLOOR}
    assert related.count("more</a>") == 3

"""The entity page as of a date: later facts left out, ended and vague ones marked, the date in the header."""

from __future__ import annotations

import re
from pathlib import Path

from datafiles import SRC, entity, write

from desktop.core.dates import parse_date
from desktop.core.store import Store
from desktop.ui.page_html import Colors, render_page

IMET = "International Military Education and Training"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_pakistan_as_of_january_2019(bundled_store: Store) -> None:
    html = render_page(bundled_store.page("pakistan"), Colors(), parse_date("2019-01"))
    text = text_of(html)
    assert "Country · as of January 2019" in text
    assert "1 fact from after January 2019 not shown." in text
    assert "Resumption approved" not in text
    assert f"since August 2018 Suspended from {IMET} [2 ¶11]" in text  # in force: no mark
    assert f"2001 – August 2018 Takes part in {IMET} [past]" in text
    assert f"September 2017 Suspension announced from {IMET} [past]" in text


def test_pakistan_as_of_2015(bundled_store: Store) -> None:
    text = text_of(render_page(bundled_store.page("pakistan"), Colors(), parse_date("2015")))
    assert f"2001 – August 2018 Takes part in {IMET} [2" in text  # current: unmarked
    assert "since August 2018" not in text and "September 2017" not in text
    assert "3 facts from after 2015 not shown." in text


def test_uncertain_facts_are_marked(bundled_store: Store) -> None:
    text = text_of(render_page(bundled_store.page("pakistan"), Colors(), parse_date("1995")))
    assert f"1990s Suspended from {IMET} [uncertain]" in text


def test_a_related_link_is_marked_only_when_none_of_its_facts_is_in_force(bundled_store: Store) -> None:
    related = render_page(bundled_store.page("pakistan"), Colors(), parse_date("2019-01")).split("<h2>Related")[1]
    suspended = re.search(r"Suspended from</th><td>(.*?)</td>", related)
    takes_part = re.search(r"Takes part in</th><td>(.*?)</td>", related)
    assert suspended and "[past]" not in suspended.group(1)  # since August 2018: still in force
    assert takes_part and "[past]" in takes_part.group(1)


def test_without_a_date_the_page_is_unchanged(bundled_store: Store) -> None:
    page = bundled_store.page("pakistan")
    html = render_page(page, Colors())
    assert html == render_page(page, Colors(), None)
    assert "[past]" not in html and "as of" not in html and "Resumption approved" in text_of(html)


def test_the_page_as_of_a_date_still_escapes_the_data(data_dir: Path, tmp_path: Path) -> None:
    write(
        data_dir,
        "programs/x.yaml",
        entity("x", "program", "<b>X</b>")
        + "facts:\n"
        + '  - property: note\n    text: "<img src=x>"\n    start: "2001"\n    end: "2002"\n'
        + f'    note: "<a href=evil:1>n</a>"\n    sources:\n      - {{source: {SRC}, locator: "¶1"}}\n',
    )
    store = Store.open([data_dir], cache_dir=tmp_path / "cache")
    html = render_page(store.page("x"), Colors(), parse_date("2010"))
    assert "<img" not in html and "<b>X" not in html and "evil:1>" not in html
    assert "&lt;img src=x&gt;" in html and "[past]" in html

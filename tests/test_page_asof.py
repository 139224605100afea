"""The entity page as of a date: later facts left out, ended and vague ones marked, the date in the header."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

from datafiles import SRC, entity, write

from desktop.core.dates import parse_date
from desktop.core.store import Store
from desktop.ui.page_html import Colors, render_page

IMET = "International Military Education and Training"


def text_of(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def said(text: str, start: str, mark: str) -> bool:
    """Whether a fact reads `start`, then (past its note) the status `mark` before its note mark."""
    return re.search(re.escape(start) + r"[^\[]*" + re.escape(mark), text) is not None


def test_pakistan_as_of_january_2019(bundled_store: Store) -> None:
    html = render_page(bundled_store.page("pakistan"), Colors(), parse_date("2019-01"))
    text = text_of(html)
    assert "Country · as of January 2019" in text
    assert "1 fact from after January 2019 not shown." in text
    assert "Resumption approved" not in text
    assert said(text, f"{IMET} (since August 2018)", "restored [ 2 ¶11 ]")  # in force: no mark
    assert said(text, f"{IMET} (2001 – August 2018)", "[past]")
    assert said(text, f"Suspension announced from {IMET} (September 2017)", "[past]")


def test_pakistan_as_of_2015(bundled_store: Store) -> None:
    text = text_of(render_page(bundled_store.page("pakistan"), Colors(), parse_date("2015")))
    assert said(text, f"{IMET} (2001 – August 2018)", "August 2018 [ 2 ¶10")  # current: unmarked
    assert "since August 2018" not in text and "September 2017" not in text
    assert "3 facts from after 2015 not shown." in text


def test_uncertain_facts_are_marked(bundled_store: Store) -> None:
    text = text_of(render_page(bundled_store.page("pakistan"), Colors(), parse_date("1995")))
    assert said(text, f"Suspended from {IMET} (1990s)", "briefly [uncertain]")


def test_each_fact_pointing_at_the_page_is_marked_by_its_own_time(bundled_store: Store) -> None:
    html = render_page(bundled_store.page("pakistan"), Colors(), parse_date("2019-01"))
    related = text_of(html.split('<h2 id="referenced-by">')[1].split('<h2 id="sources">')[0])
    # One row a fact, each with its dates and its status: the suspension of the 1990s is over, the one
    # since August 2018 still in force; both spells of taking part are over.
    assert said(related, f"Suspended from {IMET} (1990s)", "briefly [past]")
    assert said(related, f"{IMET} (since August 2018)", "restored [ 2 ¶11 ]")
    assert said(related, f"Takes part in {IMET} (early 1960s – 1990s)", "[past]")
    assert said(related, f"{IMET} (2001 – August 2018)", "[past]")


def test_without_a_date_the_page_is_unchanged(bundled_store: Store) -> None:
    page = bundled_store.page("pakistan")
    html = render_page(page, Colors())
    assert html == render_page(page, Colors(), None)
    assert "[past]" not in html and "<b>as of" not in html and "Resumption approved" in text_of(html)


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

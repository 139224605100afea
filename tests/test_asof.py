"""The as-of rules (desktop/core/asof.py): a fact's bounds, and whether it is current, past, future or uncertain."""

from __future__ import annotations

import pytest

from desktop.core.asof import (
    CURRENT,
    FUTURE,
    PAST,
    TIMELESS,
    UNCERTAIN,
    UNDATED,
    annotate,
    bounds,
    fact_status,
    status,
)
from desktop.core.dates import DateError, day_number, parse_date
from desktop.core.store import Store


def point(date: str, query: str) -> str:
    return status(bounds(date, None, None), parse_date(query))


def period(start: str | None, end: str | None, query: str) -> str:
    return status(bounds(None, start, end), parse_date(query))


def days(*isos: str | None) -> tuple[int | None, ...]:
    return tuple(day_number(i) if i else None for i in isos)


# -- bounds -----------------------------------------------------------------------------------


def test_a_point_is_a_period_that_starts_and_ends_on_its_one_date() -> None:
    assert bounds("2018-08", None, None) == days("2018-08-01", "2018-08-31", "2018-08-01", "2018-08-31")
    assert bounds("early 1960s", None, None) == days("1960-01-01", "1963-12-31", "1960-01-01", "1963-12-31")


def test_a_period_takes_the_range_of_each_end() -> None:
    assert bounds(None, "2010-11", "2015") == days("2010-11-01", "2010-11-30", "2015-01-01", "2015-12-31")


def test_open_ends_are_none() -> None:
    assert bounds(None, "1947", None) == days("1947-01-01", "1947-12-31", None, None)
    assert bounds(None, None, "2009-01") == days(None, None, "2009-01-01", "2009-01-31")


def test_an_undated_event_or_state_is_never_current_and_a_timeless_fact_is_timeless() -> None:
    assert bounds(None, None, None) is None
    for query in ("1900", "2019-01", "2050-12-31", "early 1960s", "1990s"):
        when = parse_date(query)
        assert status(None, when, "state") == UNDATED
        assert status(None, when, "event") == UNDATED
        assert status(None, when) == UNDATED  # a property that does not say is read as a state
        assert status(None, when, "timeless") == TIMELESS


def test_bad_dates_raise() -> None:
    with pytest.raises(DateError):
        bounds("someday", None, None)


# -- the query date -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2019", "2019-01-01", "2019-12-31"),
        ("2019-01", "2019-01-01", "2019-01-31"),
        ("2020-02", "2020-02-01", "2020-02-29"),
        ("2019-01-15", "2019-01-15", "2019-01-15"),
        (" 2015 ", "2015-01-01", "2015-12-31"),
    ],
)
def test_a_query_date_stands_for_its_whole_span(text: str, earliest: str, latest: str) -> None:
    when = parse_date(text)
    assert (when.earliest, when.latest) == (earliest, latest)


# -- points ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "query", "expected"),
    [
        # day
        ("1976-06-30", "1976-06-29", FUTURE),
        ("1976-06-30", "1976-06-30", CURRENT),
        ("1976-06-30", "1976-06", CURRENT),  # it happens within the month asked about
        ("1976-06-30", "1976", CURRENT),
        ("1976-06-30", "1976-07", PAST),
        ("1976-06-30", "1977", PAST),
        ("1976-06-30", "1975", FUTURE),
        # month
        ("2019-12", "2019-11", FUTURE),
        ("2019-12", "2019-12", CURRENT),
        ("2019-12", "2019", CURRENT),
        ("2019-12", "2020-01", PAST),
        ("2019-12", "2019-12-15", UNCERTAIN),  # a day inside the month: before or after it, who knows
        # year
        ("2016", "2015", FUTURE),
        ("2016", "2016", CURRENT),
        ("2016", "2016-06", UNCERTAIN),
        ("2016", "2017-01", PAST),
        # decade
        ("1990s", "1989", FUTURE),
        ("1990s", "1995", UNCERTAIN),
        ("1990s", "1999-12", UNCERTAIN),
        ("1990s", "2000", PAST),
        # part of a decade
        ("early 1970s", "1969-12", FUTURE),
        ("early 1970s", "1972", UNCERTAIN),
        ("early 1970s", "1974", PAST),
        # part of a year
        ("late 2019", "2019-08", FUTURE),
        ("late 2019", "2019-10", UNCERTAIN),
        ("late 2019", "2019", CURRENT),  # Sept–Dec lies wholly inside 2019
        ("late 2019", "2020", PAST),
    ],
)
def test_points(date: str, query: str, expected: str) -> None:
    assert point(date, query) == expected


# -- periods --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "query", "expected"),
    [
        # closed, month to year
        ("2010-11", "2015", "2010-10", FUTURE),
        ("2010-11", "2015", "2010-11", CURRENT),  # it begins during the month
        ("2010-11", "2015", "2010", CURRENT),
        ("2010-11", "2015", "2013-05-02", CURRENT),
        ("2010-11", "2015", "2015", CURRENT),  # it held on the first day of 2015 at least
        ("2010-11", "2015", "2015-06", UNCERTAIN),  # it ended some time in 2015
        ("2010-11", "2015", "2016", PAST),
        # day bounds
        ("1991-06-25", "1991-07-04", "1991-06-24", FUTURE),
        ("1991-06-25", "1991-07-04", "1991-06-25", CURRENT),
        ("1991-06-25", "1991-07-04", "1991-07-04", CURRENT),
        ("1991-06-25", "1991-07-04", "1991-07-05", PAST),
        # a vague start: part of a decade
        ("early 1960s", "1990s", "1959", FUTURE),
        ("early 1960s", "1990s", "1962", UNCERTAIN),
        ("early 1960s", "1990s", "1964", CURRENT),
        ("early 1960s", "1990s", "1989-12", CURRENT),
        ("early 1960s", "1990s", "1995", UNCERTAIN),
        ("early 1960s", "1990s", "2000-01", PAST),
        # part of a year at the end
        ("2018", "early 2019", "2019-02", UNCERTAIN),
        ("2018", "early 2019", "2019-05", PAST),
        # a short period inside a vague span: never sure, so never plainly current
        ("1990s", "1990s", "1995", UNCERTAIN),
        ("1990s", "1990s", "1985", FUTURE),
        ("1990s", "1990s", "2001", PAST),
    ],
)
def test_periods(start: str, end: str, query: str, expected: str) -> None:
    assert period(start, end, query) == expected


@pytest.mark.parametrize(
    ("start", "query", "expected"),
    [
        ("2018-08", "2018-07", FUTURE),
        ("2018-08", "2018-08", CURRENT),
        ("2018-08", "2018-08-10", UNCERTAIN),
        ("2018-08", "2019-01", CURRENT),
        ("2018-08", "2999", CURRENT),  # an open end is ongoing
        ("1947", "1946", FUTURE),
        ("1947", "1947-03", UNCERTAIN),
        ("1947", "2015", CURRENT),
        ("early 1970s", "1971", UNCERTAIN),
        ("early 1970s", "1980", CURRENT),
    ],
)
def test_an_open_end_is_ongoing(start: str, query: str, expected: str) -> None:
    assert period(start, None, query) == expected


@pytest.mark.parametrize(
    ("end", "query", "expected"),
    [
        # Known only by its end: nothing says when it began, so it is never taken as in force.
        ("2009-01", "1900", UNCERTAIN),
        ("2009-01", "2008", UNCERTAIN),
        ("2009-01", "2009", UNCERTAIN),
        ("2009-01", "2009-01-20", UNCERTAIN),
        ("2009-01", "2009-02", PAST),
        ("1990s", "1995", UNCERTAIN),
        ("1990s", "2000", PAST),
    ],
)
def test_an_open_start_is_uncertain_until_its_end(end: str, query: str, expected: str) -> None:
    assert period(None, end, query) == expected


# -- pages ----------------------------------------------------------------------------------


def by_phrase(facts) -> dict[str, str]:
    return {f.fact.phrase: f.status for f in facts}


def test_pakistan_in_january_2019_was_suspended_from_imet(bundled_store: Store) -> None:
    view = annotate(bundled_store.page("pakistan"), parse_date("2019-01"))
    inbound = by_phrase(view.inbound)
    imet = "International Military Education and Training"
    assert inbound[f"Suspended from {imet} (since August 2018)"] == CURRENT
    assert inbound[f"Takes part in {imet} (2001 – August 2018)"] == PAST
    assert inbound[f"Takes part in {imet} (early 1960s – 1990s)"] == PAST
    assert inbound[f"Suspension announced from {imet} (September 2017)"] == PAST
    assert inbound[f"Resumption approved in {imet} (December 2019)"] == FUTURE
    assert view.hidden_count() == 1
    assert f"Resumption approved in {imet} (December 2019)" not in by_phrase(view.shown(inbound=True))


def test_pakistan_in_2015_took_part_in_imet(bundled_store: Store) -> None:
    view = annotate(bundled_store.page("pakistan"), parse_date("2015"))
    inbound = by_phrase(view.inbound)
    imet = "International Military Education and Training"
    assert inbound[f"Takes part in {imet} (2001 – August 2018)"] == CURRENT
    assert inbound[f"Suspended from {imet} (since August 2018)"] == FUTURE
    assert inbound[f"Suspended from {imet} (1990s)"] == PAST
    assert by_phrase(view.facts)["Relations with United States (since 1947)"] == CURRENT


def test_annotate_keeps_the_page_order(bundled_store: Store) -> None:
    page = bundled_store.page("imet")
    view = annotate(page, parse_date("2000"))
    assert [f.fact for f in view.facts] == list(page.facts)
    assert [f.fact for f in view.inbound] == list(page.inbound)


def test_a_page_reads_the_bounds_the_index_keeps_and_parses_nothing(bundled_store: Store, monkeypatch) -> None:
    queries = [parse_date(t) for t in ("1950", "1962", "1990s", "early 1990s", "2001-06", "2018-08", "2019", "2025")]
    facts = [f for ref in bundled_store.entities() for f in bundled_store.page(ref.id).facts]
    assert sum(f.date is not None or f.start is not None or f.end is not None for f in facts) > 40
    # The index's day numbers give what parsing the text would give, for every fact and query.
    expected = {
        (i, q.text): status(bounds(f.date, f.start, f.end), q, f.time) for i, f in enumerate(facts) for q in queries
    }

    def no_parsing(text: str) -> None:
        raise AssertionError(f"parsed {text!r} while drawing a page")

    monkeypatch.setattr("desktop.core.asof.parse_date", no_parsing)
    got = {(i, q.text): fact_status(f, q) for i, f in enumerate(facts) for q in queries}
    assert got == expected

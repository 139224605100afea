"""Dates of reduced precision: every accepted form, its bounds and display; bad dates; periods."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from desktop.core.dates import DateError, FuzzyDate, When, day_number, parse_date, parse_when

DESKTOP = Path(__file__).resolve().parent.parent / "desktop"


def day(y: int, m: int, d: int) -> int:
    return date(y, m, d).toordinal()


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision", "display"),
    [
        ("1976-06-30", "1976-06-30", "1976-06-30", "day", "30 June 1976"),
        ("2020-02-29", "2020-02-29", "2020-02-29", "day", "29 February 2020"),
        ("2018-08", "2018-08-01", "2018-08-31", "month", "August 2018"),
        ("2019-02", "2019-02-01", "2019-02-28", "month", "February 2019"),
        ("2020-02", "2020-02-01", "2020-02-29", "month", "February 2020"),
        ("2016", "2016-01-01", "2016-12-31", "year", "2016"),
        ("1960s", "1960-01-01", "1969-12-31", "decade", "1960s"),
        ("early 1960s", "1960-01-01", "1963-12-31", "part-decade", "early 1960s"),
        ("mid 1990s", "1993-01-01", "1996-12-31", "part-decade", "mid 1990s"),
        ("late 1960s", "1967-01-01", "1969-12-31", "part-decade", "late 1960s"),
        ("early 2019", "2019-01-01", "2019-04-30", "part-year", "early 2019"),
        ("mid 2019", "2019-05-01", "2019-08-31", "part-year", "mid 2019"),
        ("late 2019", "2019-09-01", "2019-12-31", "part-year", "late 2019"),
    ],
)
def test_every_form_has_bounds_precision_and_display(text, earliest, latest, precision, display):
    date = parse_date(text)
    assert date == FuzzyDate(text, earliest, latest, precision)
    assert date.display() == display


def test_surrounding_spaces_are_ignored():
    assert parse_date("  2016 ").earliest == "2016-01-01"


def test_bounds_sort_as_text_in_time_order():
    ordered = ["1960s", "early 1960s", "1976-06-30", "mid 1990s", "2016", "2018-08", "late 2019"]
    earliest = [parse_date(t).earliest for t in ordered]
    assert earliest == sorted(earliest)
    for text in ordered:
        d = parse_date(text)
        assert d.earliest <= d.latest


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2019-13-45", "month 13 is not between 1 and 12"),
        ("2019-00", "month 0 is not between 1 and 12"),
        ("2019-02-30", "day 30 is not in February 2019"),
        ("2019-02-29", "day 29 is not in February 2019"),
        ("0000", "year 0 does not exist"),
        ("abc", "is not a date"),
        ("", "is not a date"),
        ("19600s", "is not a date"),
        ("1961s", "is not a date"),
        ("very early 1960s", "is not a date"),
        ("2019/01/01", "is not a date"),
    ],
)
def test_bad_dates_raise_a_clear_date_error(text, reason):
    with pytest.raises(DateError) as info:
        parse_date(text)
    assert reason in str(info.value)
    assert repr(text.strip()) in str(info.value)


def test_not_a_date_lists_the_accepted_forms():
    with pytest.raises(DateError, match=r"YYYY-MM-DD, YYYY-MM, YYYY, a decade such as 1960s"):
        parse_date("abc")


@pytest.mark.parametrize("value", [2019, 2019.5, None, ["2019"]])
def test_an_unquoted_value_is_asked_for_as_a_quoted_string(value):
    with pytest.raises(DateError, match="must be a quoted string"):
        parse_date(value)


def test_date_error_is_a_value_error():
    assert issubclass(DateError, ValueError)


# -- parse_when ---------------------------------------------------------------


def test_a_point():
    when = parse_when("2016", None, None)
    assert (when.earliest, when.latest, when.precision) == ("2016-01-01", "2016-12-31", "year")
    assert when.display() == "2016"
    assert when


def test_a_period():
    when = parse_when(None, "2002", "2020")
    assert (when.earliest, when.latest, when.precision) == ("2002-01-01", "2020-12-31", "year")
    assert when.display() == "2002 – 2020"


def test_a_period_with_an_open_end():
    when = parse_when(None, "early 1960s", None)
    assert (when.earliest, when.latest) == ("1960-01-01", None)
    assert when.precision == "part-decade"
    assert when.display() == "since early 1960s"


def test_a_period_with_an_open_start():
    when = parse_when(None, None, "2019-12")
    assert (when.earliest, when.latest) == (None, "2019-12-31")
    assert when.display() == "until December 2019"


def test_a_period_within_one_year_is_allowed():
    when = parse_when(None, "2019-05", "2019")
    assert (when.earliest, when.latest) == ("2019-05-01", "2019-12-31")


def test_no_date_at_all_is_an_empty_when():
    when = parse_when(None, None, None)
    assert not when
    assert when == When()
    assert (when.earliest, when.latest, when.precision, when.display()) == (None, None, None, "")


def test_end_before_start_is_refused():
    with pytest.raises(DateError, match=r"end '2002' is before start '2020'"):
        parse_when(None, "2020", "2002")


def test_end_overlapping_start_is_not_before_it():
    # "1960s" ends in 1969, after "mid 1960s" begins: not an error.
    parse_when(None, "mid 1960s", "1960s")


def test_date_and_start_together_are_refused():
    with pytest.raises(DateError, match="either `date` or `start`/`end`, not both"):
        parse_when("2016", "2002", None)


def test_date_and_end_together_are_refused():
    with pytest.raises(DateError, match="not both"):
        parse_when("2016", None, "2020")


@pytest.mark.parametrize(
    ("args", "field"),
    [(("2019-02-30", None, None), "date"), ((None, "abc", None), "start"), ((None, "2002", "2020-13"), "end")],
)
def test_a_bad_field_is_named_in_the_error(args, field):
    with pytest.raises(DateError) as info:
        parse_when(*args)
    assert str(info.value).startswith(f"{field}: ")


# -- day numbers: the four bounds the index keeps ---------------------------------------------


@pytest.mark.parametrize("iso", ["0001-01-01", "1582-10-10", "1900-03-01", "1976-06-30", "2000-02-29", "9999-12-31"])
def test_a_day_number_counts_days_as_python_does(iso):
    assert day_number(iso) == date.fromisoformat(iso).toordinal()


def test_day_numbers_reach_back_into_year_zero():
    # "0000s" is a decade the data may name; its first days come before Python's first date.
    assert day_number("0000-12-31") == 0
    assert day_number("0000-01-01") == -365  # year 0 is a leap year in the proleptic calendar
    assert parse_date("0000s").first_day == -365


def test_a_date_knows_its_first_and_last_day():
    decade = parse_date("1990s")
    assert (decade.first_day, decade.last_day) == (day(1990, 1, 1), day(1999, 12, 31))
    assert parse_date("2019-01").last_day == day(2019, 1, 31)


def test_the_four_bounds_as_day_numbers():
    assert parse_when("2016", None, None).days == (
        day(2016, 1, 1),
        day(2016, 12, 31),
        day(2016, 1, 1),
        day(2016, 12, 31),
    )
    assert parse_when(None, "early 1960s", "1990s").days == (
        day(1960, 1, 1), day(1963, 12, 31), day(1990, 1, 1), day(1999, 12, 31),
    )  # fmt: skip
    assert parse_when(None, "2018-08", None).days == (day(2018, 8, 1), day(2018, 8, 31), None, None)
    assert parse_when(None, None, "2009-01").days == (None, None, day(2009, 1, 1), day(2009, 1, 31))
    assert parse_when(None, None, None).days == (None, None, None, None)


PARSERS = {"parse_date", "parse_when", "bounds", "fromisoformat", "strptime"}


def test_nothing_above_core_parses_date_text():
    """Dates are parsed once, at load: the window reads the bounds the index keeps."""
    found = []
    for folder in ("ui", "models"):
        for path in sorted((DESKTOP / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.ImportFrom):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.Attribute):
                    names = [node.attr]
                elif isinstance(node, ast.Name):
                    names = [node.id]
                found += [f"{folder}/{path.name}:{node.lineno} {n}" for n in names if n in PARSERS]
    assert found == []

"""`almanac show ID --as-of DATE` and `almanac timeline`: text, JSON and exit codes."""

from __future__ import annotations

import io
import json

import pytest
from json_shapes import FACT_KEYS, ITEM_KEYS

from desktop import cli

IMET = "International Military Education and Training"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# -- show --as-of -------------------------------------------------------------------------------


def test_pakistan_in_january_2019_was_suspended_from_imet() -> None:
    code, out, err = run("show", "pakistan", "--as-of", "2019-01")
    assert (code, err) == (0, "")
    assert "As of January 2019:" in out
    assert f"[current] Suspended from {IMET} (since August 2018)" in out
    assert f"[past] Takes part in {IMET} (2001 – August 2018)" in " ".join(out.split())
    assert f"[past] Suspension announced from {IMET} (September 2017)" in " ".join(out.split())
    assert "Resumption approved" not in out  # December 2019 was still to come
    assert "1 fact from after January 2019 not shown." in out


def test_pakistan_in_2015_took_part_in_imet() -> None:
    code, out, _ = run("show", "pakistan", "--as-of", "2015")
    flat = " ".join(out.split())
    assert code == 0
    assert f"[current] Takes part in {IMET} (2001 – August 2018)" in flat
    assert f"[past] Suspended from {IMET} (1990s)" in flat
    assert "since August 2018" not in flat and "Suspension announced" not in flat
    assert "[current] Relations with United States (since 1947)" in flat


def test_a_vague_date_across_the_query_is_uncertain() -> None:
    flat = " ".join(run("show", "pakistan", "--as-of", "1995")[1].split())
    assert f"[uncertain] Suspended from {IMET} (1990s)" in flat
    assert f"[uncertain] Takes part in {IMET} (early 1960s – 1990s)" in flat


def test_show_as_of_json_adds_status_and_as_of_only() -> None:
    code, out, _ = run("show", "pakistan", "--as-of", "2019-01", "--json")
    assert code == 0
    page = json.loads(out)
    assert page["as_of"] == "2019-01"
    for fact in [*page["facts"], *page["inbound"]]:
        assert set(fact) == FACT_KEYS | {"status"}
        assert fact["status"] in ("current", "past", "future", "uncertain", "undated", "timeless")
    statuses = {(f["text"], f["status"]) for f in page["inbound"]}
    assert (f"Suspended from {IMET} (since August 2018)", "current") in statuses
    assert (f"Resumption approved in {IMET} (December 2019)", "future") in statuses  # kept in JSON


def test_show_without_as_of_keeps_its_json_keys() -> None:
    page = json.loads(run("show", "pakistan", "--json")[1])
    assert "as_of" not in page
    assert all(set(f) == FACT_KEYS for f in [*page["facts"], *page["inbound"]])


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("2019-13", "month 13 is not between 1 and 12"),
        ("next year", "is not a date"),
        ("", "is not a date"),
    ],
)
def test_show_as_of_a_bad_date_is_a_usage_error(date: str, reason: str) -> None:
    code, out, err = run("show", "pakistan", "--as-of", date)
    assert (code, out) == (2, "")
    assert err.startswith("almanac: error: argument --as-of:")
    assert reason in err
    assert err.count("\n") == 1


def test_show_help_mentions_as_of(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("show", "--help")[0] == 0
    assert "--as-of DATE" in capsys.readouterr().out


# -- timeline ----------------------------------------------------------------------------------


def test_timeline_text_lists_dated_facts_oldest_first_with_bounds_and_sources() -> None:
    code, out, err = run("timeline", "--entity", "pakistan")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    firsts = [line[:10] for line in lines if line[:4].isdigit()]
    assert firsts == sorted(firsts) and firsts[0] == "1947-01-01"
    assert lines[0].startswith("1947-01-01 – …")
    assert "Pakistan: Relations with United States (since 1947)" in lines[0]
    assert "Pakistan–United States military relations ¶1" in out
    flat = " ".join(out.split())
    assert f"2018-08-01 – … {IMET}: Suspended Pakistan (since August 2018)" in flat
    assert f"2001-01-01 – 2018-08-31 {IMET}: Participant Pakistan (2001 – August 2018)" in flat


def test_timeline_json_shape() -> None:
    code, out, _ = run("timeline", "--entity", "pakistan", "--json")
    assert code == 0
    items = json.loads(out)
    assert items and all(set(i) == ITEM_KEYS for i in items)
    suspended = next(i for i in items if i["text"] == "Suspended Pakistan (since August 2018)")
    assert suspended["subject"] == {"id": "imet", "kind": "program", "name": IMET}
    assert suspended["entity"] == {"id": "pakistan", "kind": "country", "name": "Pakistan"}
    assert (suspended["start"], suspended["end"], suspended["date"]) == ("2018-08", None, None)
    assert (suspended["earliest"], suspended["latest"], suspended["precision"]) == ("2018-08-01", None, "month")
    assert suspended["sources"] == [
        {
            "id": "international-military-education-and-training",
            "title": IMET,
            "url": "https://en.wikipedia.org/wiki/International_Military_Education_and_Training",
            "locator": "¶11",
        }
    ]
    keys = [(i["earliest"] or i["latest"], i["latest"] or "") for i in items]
    assert keys == sorted(keys)


def test_timeline_filters_combine() -> None:
    items = json.loads(run("timeline", "--kind", "person", "--from", "2010", "--to", "2016", "--json")[1])
    # Mussomeli's post, 2010-11 to 2015; Horowitz at Penn until April 2022, from a start not given.
    assert {i["subject"]["id"] for i in items} == {"joseph-a-mussomeli", "michael-c-horowitz"}
    everything = json.loads(run("timeline", "--json")[1])
    assert len(json.loads(run("timeline", "--limit", "3", "--json")[1])) == 3
    assert len(everything) > 40
    texts = json.loads(run("timeline", "--text", "resumption approved", "--json")[1])
    assert [i["text"] for i in texts] == ["Resumption approved for Pakistan (December 2019)"]
    texts = json.loads(run("timeline", "--text", "resumption", "--kind", "agency", "--json")[1])
    assert [i["subject"]["id"] for i in texts] == ["department-of-state"]  # it announced it


def test_timeline_with_nothing_to_show() -> None:
    code, out, _ = run("timeline", "--text", "zzqqxx")
    assert (code, out) == (0, "No dated facts match.\n")
    assert json.loads(run("timeline", "--text", "zzqqxx", "--json")[1]) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2019-02-30"], "argument --from: '2019-02-30': day 30 is not in February 2019"),
        (["--to", "soon"], "argument --to: 'soon' is not a date"),
        (["--from", "2020", "--to", "2019"], "--from 2020 is after --to 2019"),
        (["--kind", "spaceship"], "unknown kind 'spaceship'"),
        (["--limit", "0"], "argument --limit: must be 1 or more"),
    ],
)
def test_timeline_usage_errors_exit_2_in_one_line(argv: list[str], message: str) -> None:
    code, out, err = run("timeline", *argv)
    assert (code, out) == (2, "")
    assert err.startswith("almanac: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_timeline_of_an_unknown_entity_exits_1_with_a_hint() -> None:
    code, out, err = run("timeline", "--entity", "pakistn")
    assert (code, out) == (1, "")
    assert err.startswith("almanac: no entity with id 'pakistn'. Did you mean: pakistan")


def test_timeline_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("timeline", "--help")[0] == 0
    text = capsys.readouterr().out
    for option in ("--entity ID", "--kind K", "--from DATE", "--to DATE", "--json"):
        assert option in text

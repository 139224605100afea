"""The `almanac` command line: text and JSON output, exit codes, usage errors, and no tracebacks."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from datafiles import SRC, entity, note_fact, write
from json_shapes import CITATION_KEYS, FACT_KEYS, HIT_KEYS, PAGE_KEYS, REF_KEYS

from desktop import cli, options
from desktop.core.bundle import bundled_data_dir
from desktop.core.loader import load
from desktop.core.store import Store

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = bundled_data_dir()
SUBCOMMANDS = ["search", "show", "list", "validate", "index", "open", "screenshot"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def run_json(*argv: str):
    code, out, err = run(*argv, "--json")
    assert code == 0, err
    return json.loads(out)


def python_m_desktop(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def bundled():
    return load([BUNDLED])


# -- search -------------------------------------------------------------------------------


def test_search_text_output(bundled):
    code, out, err = run("search", "imet")
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "International Military Education and Training  (program: imet)"
    assert lines[1].startswith("    [IMET] — ")
    assert "\x01" not in out and "\x1b" not in out


def test_search_json_is_a_list_of_hits():
    hits = run_json("search", "imet")
    assert isinstance(hits, list) and len(hits) > 1
    for hit in hits:
        assert set(hit) == HIT_KEYS
        assert isinstance(hit["score"], (int, float))
        assert all(isinstance(hit[k], str) for k in ("id", "kind", "name", "snippet"))
    assert hits[0]["id"] == "imet"
    assert hits[0]["snippet"].startswith("[IMET]")
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_search_joins_several_words_into_one_query():
    assert run_json("search", "foreign", "military", "financing")[0]["id"] == "foreign-military-financing"


def test_search_kind_and_limit():
    hits = run_json("search", "imet", "--kind", "country", "--limit", "3")
    assert 0 < len(hits) <= 3
    assert {h["kind"] for h in hits} == {"country"}


def test_search_with_no_match():
    assert run_json("search", "zzqqxxyy") == []
    code, out, _ = run("search", "zzqqxxyy")
    assert code == 0
    assert out.startswith("No matches for 'zzqqxxyy'.")


def test_search_with_no_match_suggests_close_names():
    code, out, _ = run("search", "Pakistann Armyy Forcees")
    assert code == 0
    first, second = out.splitlines()
    assert first == "No matches for 'Pakistann Armyy Forcees'."
    assert second.startswith("Closest names: ")
    assert "Pakistan Army (pakistan-army)" in second


def test_search_with_an_unknown_kind_is_a_usage_error():
    code, out, err = run("search", "imet", "--kind", "spaceship")
    assert (code, out) == (2, "")
    assert err.startswith("almanac: error: unknown kind 'spaceship'")


# -- show ----------------------------------------------------------------------------------


def test_show_text_output():
    code, out, err = run("show", "imet")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:3] == ["International Military Education and Training", "Program · imet", "Also known as: IMET"]
    assert "Facts" in lines
    assert any(line.startswith("  Administered by United States Department of Defense") for line in lines)
    assert "Sources" in lines
    assert any(line.startswith("  [1] International Military Education and Training — Wikipedia") for line in lines)


def test_show_text_has_inbound_facts_parent_and_children():
    code, out, _ = run("show", "department-of-defense")
    assert code == 0
    assert "\nReferenced by\n" in out
    assert "  Administers International Military Education and Training" in out
    assert "\nIncludes\n" in out
    assert "  Defense Security Cooperation Agency (defense-security-cooperation-agency)" in out
    code, out, _ = run("show", "defense-security-cooperation-agency")
    assert "Part of: United States Department of Defense (department-of-defense)" in out


def check_fact(fact: dict) -> None:
    assert set(fact) == FACT_KEYS
    assert fact["entity"] is None or set(fact["entity"]) == REF_KEYS
    assert isinstance(fact["text"], str) and fact["text"]
    assert fact["sources"], fact
    for cite in fact["sources"]:
        assert set(cite) == CITATION_KEYS


def test_show_json_has_the_documented_shape(bundled):
    page = run_json("show", "imet")
    assert set(page) == PAGE_KEYS
    assert (page["id"], page["kind"], page["name"]) == (
        "imet",
        "program",
        "International Military Education and Training",
    )
    assert page["aliases"] == ["IMET"]
    assert page["summary"] == bundled.entities["imet"].summary
    assert page["parent"] is None
    assert page["children"] == []
    assert len(page["facts"]) == len(bundled.entities["imet"].facts)
    for fact in page["facts"] + page["inbound"]:
        check_fact(fact)
    for source in page["sources"]:
        assert {"id", "title", "url"} <= set(source)
    administered = next(f for f in page["facts"] if f["property"] == "administered_by")
    assert administered == {
        "property": "administered_by",
        "label": "Administered by",
        "time": "state",
        "entity": {"id": "department-of-defense", "kind": "agency", "name": "United States Department of Defense"},
        "value": None,
        "unit": None,
        "text": "Administered by United States Department of Defense",
        "date": None,
        "start": None,
        "end": None,
        "note": "the program's constituent projects",
        "sources": [
            {
                "id": SRC,
                "title": "International Military Education and Training",
                "url": "https://en.wikipedia.org/wiki/International_Military_Education_and_Training",
                "locator": "¶2",
            }
        ],
        "rank": "normal",
        "sources_disagree": False,
        "claims": [],
    }
    egypt = next(f for f in page["facts"] if f["property"] == "allocated_to")
    assert (egypt["value"], egypt["unit"], egypt["date"]) == (1800000, "USD", "2016")
    spending = next(f for f in page["facts"] if f["property"] == "spending")
    assert (spending["start"], spending["end"]) == ("2002", "2020")


def test_show_json_inbound_parent_and_children():
    dod = run_json("show", "department-of-defense")
    administers = next(f for f in dod["inbound"] if f["property"] == "administered_by")
    assert administers["label"] == "Administers"
    assert administers["text"] == "Administers International Military Education and Training"
    assert administers["entity"] == {
        "id": "imet",
        "kind": "program",
        "name": "International Military Education and Training",
    }
    assert {
        "id": "defense-security-cooperation-agency",
        "kind": "agency",
        "name": "Defense Security Cooperation Agency",
    } in dod["children"]
    dsca = run_json("show", "defense-security-cooperation-agency")
    assert dsca["parent"] == {
        "id": "department-of-defense",
        "kind": "agency",
        "name": "United States Department of Defense",
    }


def test_show_json_is_utf8_not_escaped():
    code, out, _ = run("show", "imet", "--json")
    assert code == 0
    assert "¶2" in out
    assert "\\u00b6" not in out


def test_show_an_unknown_id_suggests_the_closest():
    code, out, err = run("show", "imett")
    assert (code, out) == (1, "")
    assert err == "almanac: no entity with id 'imett'. Did you mean: imet?\n"


def test_show_an_unknown_id_without_anything_close():
    code, _, err = run("show", "q")
    assert code == 1
    assert err.startswith("almanac: no entity with id 'q'.")


# -- list --------------------------------------------------------------------------------


def test_list_every_entity(bundled):
    code, out, err = run("list")
    assert (code, err) == (0, "")
    rows = [line.split()[:2] for line in out.splitlines()]
    assert sorted(r[0] for r in rows) == sorted(bundled.entities)
    assert all(bundled.entities[i].kind == k for i, k in rows)


def test_list_one_kind(bundled):
    code, out, _ = run("list", "--kind", "program")
    assert code == 0
    assert sorted(line.split()[0] for line in out.splitlines()) == sorted(
        i for i, e in bundled.entities.items() if e.kind == "program"
    )


def test_list_json(bundled):
    rows = run_json("list", "--kind", "country")
    assert all(set(r) == REF_KEYS and r["kind"] == "country" for r in rows)
    assert len(rows) == sum(e.kind == "country" for e in bundled.entities.values())
    assert len(run_json("list")) == len(bundled.entities)


def test_list_kinds(bundled):
    kinds = run_json("list", "--kinds")
    assert [k["id"] for k in kinds] == list(bundled.vocabulary.kinds)
    assert sum(k["count"] for k in kinds) == len(bundled.entities)
    code, out, _ = run("list", "--kinds")
    assert code == 0
    assert out.splitlines()[0].split()[0] == "program"


def test_list_an_unknown_kind_is_a_usage_error():
    code, _, err = run("list", "--kind", "spaceship")
    assert code == 2
    assert "unknown kind 'spaceship'" in err


# -- validate and index ----------------------------------------------------------------------


def test_validate_exit_codes(data_dir: Path):
    assert run("validate")[0] == 0
    bad = write(data_dir, "programs/bad.yaml", "id: bad\nkind: program\nname: Bad\nfacts: 5\n")
    code, out, err = run("validate", "--data", str(data_dir))
    assert code == 1
    assert out.startswith(f"{bad}:4:8: ")
    assert "1 problem(s)" in err


def test_index_rebuild_prints_counts(bundled, tmp_path: Path):
    code, out, err = run("index", "--rebuild", "--cache-dir", str(tmp_path / "c"))
    assert (code, err) == (0, "")
    first = out.splitlines()[0]
    match = re.fullmatch(r"Built (\d+) entities, (\d+) facts in \d+\.\d\d s", first)
    assert match, first
    assert (int(match[1]), int(match[2])) == (len(bundled.entities), bundled.fact_count)
    for kind in bundled.vocabulary.kinds.values():
        count = sum(e.kind == kind.id for e in bundled.entities.values())
        assert re.search(rf"^  {re.escape(kind.plural)} +{count}$", out, re.M), kind.plural
    assert re.search(rf"^Index: {re.escape(str(tmp_path / 'c'))}/index-\w+\.sqlite \(\d+ KiB\)$", out, re.M)
    code, out, _ = run("index", "--cache-dir", str(tmp_path / "c"))
    assert out.startswith(f"Up to date: {len(bundled.entities)} entities")


def test_cache_dir_option_places_the_index(tmp_path: Path):
    assert run("list", "--cache-dir", str(tmp_path / "here"))[0] == 0
    assert [p.suffix for p in (tmp_path / "here").iterdir()] == [".sqlite"]


# -- data folders ----------------------------------------------------------------------------


@pytest.fixture
def extra(data_dir: Path) -> Path:
    write(data_dir, "programs/extra-program.yaml", entity("extra-program", body="facts:\n" + note_fact()))
    return data_dir


@pytest.mark.parametrize("where", ["before", "after"])
def test_data_adds_a_folder_to_the_bundled_one(extra: Path, where: str):
    args = ["--data", str(extra), "list"] if where == "before" else ["list", "--data", str(extra)]
    code, out, _ = run(*args)
    ids = [line.split()[0] for line in out.splitlines()]
    assert code == 0
    assert "extra-program" in ids and "imet" in ids


@pytest.mark.parametrize("where", ["before", "after"])
def test_no_bundled_uses_only_the_data_folders(extra: Path, where: str):
    args = (
        ["--no-bundled", "--data", str(extra), "list"]
        if where == "before"
        else ["list", "--no-bundled", "--data", str(extra)]
    )
    code, out, _ = run(*args)
    assert (code, out.split()[0:1]) == (0, ["extra-program"])
    assert len(out.splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "data", "no_bundled", "cache_dir"),
    [
        (["open", "imet", "--cache-dir", "c", "--data", "d"], ["d"], False, "c"),
        (["--cache-dir", "c", "--data", "d", "open", "imet"], ["d"], False, "c"),
        (["--data", "a", "--no-bundled", "list", "--data", "b"], ["a", "b"], True, None),
        (["--cache-dir", "top", "list", "--cache-dir", "sub"], [], False, "sub"),
        (["--cache-dir", "c"], [], False, "c"),
        ([], [], False, None),
    ],
)
def test_the_parser_merges_data_options_given_before_and_after_the_command(argv, data, no_bundled, cache_dir):
    # The window (desktop/app.py) parses its arguments with the same parser, from desktop.options.
    args = options.build_parser().parse_args(argv)
    assert args.data == [Path(d) for d in data]
    assert args.no_bundled is no_bundled
    assert args.cache_dir == (Path(cache_dir) if cache_dir else None)
    assert not any(name.startswith("sub_") for name in vars(args))


@pytest.mark.parametrize("argv", [["--no-bundled", "list"], ["list", "--no-bundled"], ["search", "x", "--no-bundled"]])
def test_no_bundled_without_data_is_a_usage_error(argv: list[str]):
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert err == "almanac: error: --no-bundled needs at least one --data DIR\n"


@pytest.mark.parametrize("where", ["before", "after"])
def test_data_pointing_at_a_file_is_a_usage_error(tmp_path: Path, where: str):
    a_file = tmp_path / "file.yaml"
    a_file.write_text("id: x\n")
    args = ["--data", str(a_file), "list"] if where == "before" else ["list", "--data", str(a_file)]
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err == f"almanac: error: {a_file} is a file; --data takes a folder\n"


@pytest.mark.parametrize("command", [["list"], ["search", "imet"], ["show", "imet"], ["index"], ["validate"]])
def test_data_pointing_at_a_missing_folder_is_a_usage_error(tmp_path: Path, command: list[str]):
    code, out, err = run(*command, "--data", str(tmp_path / "missing"))
    assert (code, out) == (2, "")
    assert err == f"almanac: error: data folder {tmp_path / 'missing'} does not exist\n"


# -- usage errors and help ---------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["-1", "0", "x", "1.5"])
def test_a_bad_limit_is_one_line_and_exit_2(limit: str, capsys: pytest.CaptureFixture[str]):
    code, out, err = run("search", "imet", "--limit", limit)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("almanac: error: argument --limit: ")
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["search", "imet", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["--frobnicate", "list"], "unrecognized arguments: --frobnicate"),
        (["search"], "the following arguments are required: QUERY"),
        (["show"], "the following arguments are required: ID"),
        (["list", "--kind"], "expected one argument"),
    ],
)
def test_usage_errors_exit_2_with_one_line(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]):
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith("almanac: error: ")
    assert expected in err
    assert "--help" in err
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_on_every_subcommand_exits_0(command: str, capsys: pytest.CaptureFixture[str]):
    code, _, err = run(command, "--help")
    assert (code, err) == (0, "")
    help_text = capsys.readouterr().out
    assert help_text.startswith(f"usage: almanac {command}")
    assert "--data DIR" in help_text
    assert "--no-bundled" in help_text


def test_top_level_help_and_version(capsys: pytest.CaptureFixture[str]):
    assert run("--help")[0] == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith("usage: almanac")
    for command in SUBCOMMANDS:
        assert command in help_text
    assert run("--version")[0] == 0
    assert re.fullmatch(r"almanac \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


def test_an_unexpected_error_is_one_line_and_exit_70(monkeypatch: pytest.MonkeyPatch):
    def explode(self, ident):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(Store, "page", explode)
    code, out, err = run("show", "imet")
    assert (code, out) == (70, "")
    assert err == "almanac: internal error: RuntimeError: kaboom (ALMANAC_DEBUG=1 shows the traceback)\n"


def test_a_bad_data_folder_reports_its_problems_on_stderr_and_goes_on(data_dir: Path):
    write(data_dir, "programs/bad.yaml", "id: bad\nkind: [program\n")
    code, out, err = run("show", "imet", "--data", str(data_dir))
    assert code == 0
    assert out.startswith("International Military Education and Training\n")
    assert f"{data_dir / 'programs' / 'bad.yaml'}:3:1: YAML syntax error" in err


# -- real processes: no traceback ever reaches the terminal ---------------------------------------


def test_python_m_desktop_search_json(tmp_path: Path):
    proc = python_m_desktop("search", "imet", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    hits = json.loads(proc.stdout)
    assert hits[0]["id"] == "imet"
    assert all(set(h) == HIT_KEYS for h in hits)


def test_python_m_desktop_show_json(tmp_path: Path):
    proc = python_m_desktop("show", "department-of-defense", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    page = json.loads(proc.stdout)
    assert set(page) == PAGE_KEYS
    assert "Administers International Military Education and Training" in [f["text"] for f in page["inbound"]]


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["show", "imett"], 1),
        (["search", "imet", "--limit", "-1"], 2),
        (["search", "imet", "--limit", "0"], 2),
        (["frobnicate"], 2),
        (["list", "--data", "/nonexistent/almanac/data"], 2),
        (["--no-bundled", "list"], 2),
    ],
)
def test_python_m_desktop_errors_are_one_line(tmp_path: Path, argv: list[str], code: int):
    proc = python_m_desktop(*argv, cwd=tmp_path)
    assert proc.returncode == code
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr


@pytest.mark.parametrize("argv", [["list"], ["show", "imet"], ["search", "military", "--json"]])
def test_a_closed_output_pipe_gives_no_traceback(tmp_path: Path, argv: list[str]):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop", *argv], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()  # the reader is gone before the program writes a byte
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in stderr
    assert "Error" not in stderr
    assert stderr == ""


def test_a_closed_pipe_in_a_shell_pipeline_gives_no_traceback(tmp_path: Path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        f"{shlex.quote(sys.executable)} -m desktop list | head -1",
        shell=True,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 1
    assert proc.stderr == ""

"""The yaml_rs fast path of yamlfile: a text reads exactly as PyYAML reads it, or PyYAML reads it.

PyYAML (`yamlfile._careful`) is the reference: for every text, `parse_yaml` gives the
same data (types included: True is not 1, 1.0 is not 1) or the same error, message
and place. The fast path must also really be taken for ordinary data files, or the
speedup silently disappears.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings, target
from hypothesis import strategies as st

from desktop.core import yamlfile
from desktop.core.bundle import bundled_data_dir
from desktop.core.loader import data_files, load
from desktop.core.yamlfile import parse_yaml, read_yaml

ROOT = Path(__file__).resolve().parent.parent
needs_rs = pytest.mark.skipif(yamlfile.yaml_rs is None, reason="yaml_rs is not installed")


def same(a: Any, b: Any) -> bool:
    """Equal, with equal types all the way down (and NaN equal to NaN, -0.0 not equal to 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            same(ka, kb) and same(va, vb) for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return repr(a) == repr(b)
    return bool(a == b)


def outcome(read: Any, arg: Any) -> tuple:
    try:
        doc = read(arg)
    except yamlfile.YamlFileError as exc:
        return ("error", exc.message, exc.line, exc.column)
    return ("ok", doc.data)


def agree(raw: bytes) -> yamlfile.Document | None:
    """Assert that `parse_yaml` reads `raw` as the careful path alone does; the document, if any."""
    text = raw.decode("utf-8-sig")
    careful = outcome(yamlfile._careful, text)
    got = outcome(parse_yaml, raw)
    if careful[0] == "error" or got[0] == "error":
        assert got == careful, (raw, got, careful)
        return None
    assert same(got[1], careful[1]), (raw, got[1], careful[1])
    return parse_yaml(raw)


def takes_fast_path(raw: bytes) -> bool:
    start = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    return yamlfile._fast(raw, start, raw.decode("utf-8-sig")) is not None


# -- the property: generated texts full of the forms where YAML 1.1 and 1.2 differ ------------

NUMBERS = st.builds(
    lambda sign, head, frac, exp, colon, tail: sign + head + frac + exp + colon + tail,
    st.sampled_from(["", "", "-", "+"]),
    st.one_of(
        st.from_regex(r"[0-9_]{0,4}", fullmatch=True),
        st.from_regex(r"0[xXoObB][0-9a-fA-F_]{0,3}", fullmatch=True),
        st.sampled_from(["0", "1978", "2010", "12", "1"]),
    ),
    st.sampled_from(["", "", ".", ".5", ".25", "._5", ".0"]),
    st.sampled_from(["", "", "", "e3", "e+3", "E-2", "e"]),
    st.sampled_from(["", "", "", ":20", ":5", ":20:30", "-01-05", "-1-5 1:2:3", "-01-05T10:00:00Z"]),
    st.sampled_from(["", "", "", "s", ".", " x", "%", "-3", "-2020", "_", "'"]),
)
WORDS = st.sampled_from(
    [
        *("yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "n"),
        *("true", "True", "TRUE", "false", "FALSE", "tRue", "null", "Null", "NULL", "nULL", "~", "=", "<<"),
        *(".inf", "-.inf", "+.INF", ".NaN", ".nan", "inf", "nan"),
        *("x", "a-b", "syn-000123", "¶1", "Côte", "foo-bar", "http://x", "a:b", "a#b", "-a", "?a", ":a", "x>y"),
        *("", "late 1970s", "in 2010.", "Pub. L. 87-195", "2002-2020", "a | b", "x > y", "a: b", "a #b"),
        *("12:30", "1,000"),
    ]
)
PLAIN = st.one_of(NUMBERS, WORDS, st.text(alphabet="ab01 :-#,[]{}!&*|>?.%@`'\"\\", max_size=5))
ESCAPES = st.sampled_from(["", "", "\\n", "\\t", '\\"', "\\\\", "\\x41", "\\u00e9", "\\U0001F600", "\\ud83d\\ude00"])


def single_quoted(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def double_quoted(s: str, escape: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + escape + '"'


BLOCK_SCALARS = st.tuples(
    st.just("block"),
    st.sampled_from([">-", "|-", ">-", "|", ">", "|+", ">2", "|-  # c", "> b"]),
    st.lists(st.sampled_from(["x", "y z", "", " more", "1978", "- a", "#x"]), max_size=3),
    st.sampled_from(["", "", "  ", "\n"]),
)
SCALARS = st.one_of(PLAIN, PLAIN, PLAIN.map(single_quoted), st.builds(double_quoted, PLAIN, ESCAPES), BLOCK_SCALARS)
KEYS = st.one_of(
    st.sampled_from(["id", "kind", "name", "facts", "a", "b", "x y", "on", "1", "<<", "null", "? k", "[k]"]),
    PLAIN,
    PLAIN.map(single_quoted),
)
TREES = st.recursive(
    SCALARS,
    lambda kids: st.one_of(
        st.tuples(st.just("seq"), st.lists(kids, max_size=4), st.booleans()),
        st.tuples(st.just("map"), st.lists(st.tuples(KEYS, kids), max_size=4), st.booleans()),
    ),
    max_leaves=12,
)
SEPARATORS = st.sampled_from([": ", ": ", ":", " : ", ":  "])


def render(node: Any, indent: int, in_flow: bool, sep: str) -> str:
    """YAML source for a generated tree; invalid YAML now and then is fine (both must refuse it)."""
    if isinstance(node, str):
        return node
    pad = " " * indent
    if node[0] == "block":
        _, header, lines, end = node
        return header + "".join("\n" + (pad + line if line else "") for line in lines) + end
    kind, items, flow = node
    if in_flow or flow or not items:
        if kind == "seq":
            return "[" + ", ".join(render(item, indent, True, sep) for item in items) + "]"
        return "{" + ", ".join(f"{k}{sep}{render(v, indent, True, sep)}" for k, v in items) + "}"
    out = []
    for item in items:
        head, between, value = ("-", " ", item) if kind == "seq" else (f"{item[0]}{sep.rstrip()}", sep[1:], item[1])
        if value and value[0] in ("seq", "map") and value[1] and not value[2]:
            out.append(pad + head + "\n" + render(value, indent + 2, False, sep))
        else:
            out.append(pad + head + (between or " ") + render(value, indent + 2, False, sep))
    return "\n".join(out)


SNIPPETS = st.sampled_from(
    [
        *["\t", "\r", "\r\n", "\x85", "\u2028", "\ufeff", "\x01", "\\\n", "  ", "\n", "#", " #c\n"],
        *["---\n", "...\n", "%YAML 1.1\n", "&x ", "*x", "!!str ", "!foo ", "? ", ": ", "- ", "[", "]", "{", "}"],
        *[",", ":", "?", "|", ">", "-", "0", "1e3", "010", "_", ".", "yes", "'", '"'],
    ]
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    text = render(draw(TREES), 0, False, draw(SEPARATORS))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(SNIPPETS) + text[at:]
    return text + draw(st.sampled_from(["\n", "\n", "", "\n\n", "\n# end"]))


@needs_rs
@settings(
    max_examples=int(os.environ.get("YAML_FAST_EXAMPLES", "400")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(documents())
def test_parse_yaml_reads_every_text_as_the_careful_path_does(text: str):
    raw = text.encode()
    fast = takes_fast_path(raw)
    event("fast path" if fast else "careful path")
    target(float(fast))
    agree(raw)


# -- every guard sends its case to PyYAML ------------------------------------------------------

# Each of these reads otherwise with yaml_rs alone (or yaml_rs accepts what PyYAML refuses, or
# crashes): the scan of the bytes must stop it before yaml_rs runs.
SCAN_REFUSES = {
    "tag": "a: !!str 5\n",
    "custom tag": "a: !foo 1\n",
    "python tag": "a: !!python/object/apply:os.system [echo]\n",
    "anchor": "a: &x 1\n",
    "alias": "a: [1]\nb: *x\n",
    "merge key": "a: {x: 1}\nb:\n  <<: *a\n",
    "document start": "---\na: 1\n",
    "second document": "a: 1\n---\nb: 2\n",
    "document end": "a: 1\n...\n",
    "directive": "%YAML 1.1\n---\na: 1\n",
    "deep block line": " " * 100 + "- a\n",
    "deep compact line": "- " * 60 + "a\n",
    "octal": "a: 010\n",
    "leading zero": "a: 09\n",
    "yaml 1.2 octal": "a: 0o17\n",
    "hex": "a: 0x1F\n",
    "binary": "a: 0b101\n",
    "underscores": "a: 1_000\n",
    "underscore first": "a: _1\n",
    "exponent": "a: 1e3\n",
    "exponent without a sign": "a: 1.0e3\n",
    "dot first": "a: .5\n",
    "signed dot first": "a: -.5\n",
    "infinity": "a: .inf\n",
    "not a number": "a: .NaN\n",
    "sexagesimal": "a: 1:20\n",
    "sexagesimal float": "a: 1:20.5\n",
    "date": "a: 2019-01-05\n",
    "timestamp": "a: 2001-12-14t21:59:43.10-05:00\n",
    "float with underscores": "a: 1_0.5\n",
    "number in a flow sequence": "a: [1, 010]\n",
    "number after a json key": '{"a":010}\n',
    "number at the start": "010\n",
    "tab": "a:\tb\n",
    "control character": "a: b\x01\n",
    "NEL": "a: b\x85c\n",
    "line separator": "a: b\u2028c\n",
    "byte-order mark inside": "a: b\n\ufeffc: d\n",
    "non-character": "a: b\ufffe\n",
    "lone CR": "a: b\rc: d\n",
    "escaped line break": '{"a\\\nb": 1}\n',
    "surrogate pair escape": 'a: "\\ud83d\\ude00"\n',
    "flow key with its colon on the next line": "{a\n: 1}\n",
    "colon before a flow indicator": "[a:]\n",
    "colon before a comma": "{a:,b: c}\n",
    "question mark in flow": "[?a]\n",
    "lone question mark in flow": "[a, ?]\n",
    "colon starting a flow scalar": "{a: :b}\n",
    "literal block scalar": "a: |\n  x\n",
    "folded block scalar": "a: >\n  x\n",
    "keep chomping": "a: |+\n  x\n\n",
    "indentation indicator": "a: >2\n   x\n",
    "empty literal at the end": "a: |\n",
    "block header at the end": "a: >-",
}

# The scan lets these through and yaml_rs reads them; the walk over the result must stop them.
WALK_REFUSES = {
    "yes": "a: yes\n",
    "No": "a: No\n",
    "ON": "a: [ON]\n",
    "off as a key": "off: 1\n",
    "quoted yes (conservative)": "a: 'yes'\n",
    "equals": "a: =\n",
    "int key": "1: a\n",
    "null key": "null: a\n",
    "bool key": "true: a\n",
    "multi-line flow key": "{'a\n b': 1}\n",
    "flow sequence key": "{[a]: b}\n",
    "block header in flow": "[|-\n  x]\n",
    "bar in flow": "[| b]\n",
    "nested deeper than the limit": "[" * 65 + "]" * 65,
    "string over the limit": "a: " + "x" * (yamlfile.MAX_STRING + 1) + "\n",
    "empty": "",
    "comments only": "# nothing\n",
    "scalar root": "hello\n",
}

# yaml_rs refuses these itself (and PyYAML reads them, or refuses them with a place).
YAML_RS_REFUSES = {
    "duplicate key": "a: 1\na: 2\n",
    "comment right after a quoted scalar": 'a: "b"#c\n',
    "flow continuation indented less": "- [a,\nb]\n",
    "lone surrogate escape": 'a: "\\ud800"\n',
    "syntax error": "id: a\nkind: [program\nname: A\n",
}


@needs_rs
@pytest.mark.parametrize("text", SCAN_REFUSES.values(), ids=SCAN_REFUSES.keys())
def test_the_scan_sends_these_to_pyyaml(text: str):
    raw = text.encode()
    assert yamlfile._scan(raw, 0) is None
    assert not takes_fast_path(raw)
    agree(raw)


@needs_rs
@pytest.mark.parametrize("text", WALK_REFUSES.values(), ids=WALK_REFUSES.keys())
def test_the_walk_sends_these_to_pyyaml(text: str):
    raw = text.encode()
    assert yamlfile._scan(raw, 0) is not None
    assert not takes_fast_path(raw)
    agree(raw)


@needs_rs
@pytest.mark.parametrize("text", YAML_RS_REFUSES.values(), ids=YAML_RS_REFUSES.keys())
def test_what_yaml_rs_refuses_goes_to_pyyaml(text: str):
    raw = text.encode()
    with pytest.raises(Exception):  # noqa: B017 - whatever it raises, PyYAML explains
        yamlfile.yaml_rs.loads(text, parse_datetime=False)
    assert not takes_fast_path(raw)
    agree(raw)


def test_over_the_node_limit_goes_to_pyyaml(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(yamlfile, "MAX_NODES", 10)
    raw = b"a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
    assert not takes_fast_path(raw)
    assert "more than 10 values" in outcome(parse_yaml, raw)[1]


# the forms of ordinary data that must take the fast path
FAST = {
    "entity": "id: x\nkind: program\nname: X\naliases: [IMET, Other]\nfacts:\n  - property: note\n    text: hi\n",
    "pack": "- {id: a, kind: program, name: A}\n- id: b\n  kind: law\n  name: B\n",
    "folded summary": "summary: >-\n  Foreign Military Financing is the US program of grants and\n  loans.\n",
    "quoted dates and years": 'date: "2011-09-04"\nstart: "1978"\nend: "late 1970s"\n',
    "years in prose": 'note: "in 2010. Later, in 1991 and 2002-2020; Pub. L. 87-195"\n',
    "plain numbers": "value: 1978\nshare: 0.25\nneg: -5\nplus: +7\nzero: 0\nwhole: 2010.\n",
    "true false null": "a: true\nb: False\nc: null\nd: ~\ne:\n",
    "flow mappings": '- {source: imet, locator: "¶1"}\n- {source: fms, locator: "¶12"}\n',
    "prose with indicators": "a: 'x > y, a | b, why?'\nb: x > y\n",
    "CRLF": "id: x\r\nname: X\r\n",
    "byte-order mark": "\ufeffid: x\n",
    "accents and symbols": "name: Côte d'Ivoire — € ✓ ¶3\n",
    "comments": "# a comment: yes, no\nid: x  # trailing\n",
    "block sequence in a mapping at the same indent": "a:\n- b\n- c\n",
}


@needs_rs
@pytest.mark.parametrize("text", FAST.values(), ids=FAST.keys())
def test_ordinary_data_takes_the_fast_path(text: str):
    raw = text.encode()
    assert takes_fast_path(raw)
    doc = agree(raw)
    assert doc is not None and doc.fast


@needs_rs
def test_every_bundled_file_takes_the_fast_path_and_reads_the_same():
    files = [bundled_data_dir() / "vocabulary.yaml", bundled_data_dir() / "sources.yaml"]
    files += list(data_files(bundled_data_dir()))
    assert len(files) > 70
    slow = [path for path in files if not takes_fast_path(Path(path).read_bytes())]
    assert slow == []
    for path in files:
        agree(Path(path).read_bytes())


def _make_synthetic() -> Any:
    spec = importlib.util.spec_from_file_location("make_synthetic", ROOT / "tests" / "benchmarks" / "make_synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    _make_synthetic().make(50, folder)
    return folder


@needs_rs
def test_a_synthetic_pack_takes_the_fast_path_and_reads_the_same(synthetic: Path):
    files = [synthetic / "vocabulary.yaml", synthetic / "sources.yaml", *data_files(synthetic)]
    assert any("pack" in Path(p).name for p in files)
    for path in files:
        raw = Path(path).read_bytes()
        assert takes_fast_path(raw), path
        assert read_yaml(Path(path)).fast
        agree(raw)


def test_without_yaml_rs_everything_takes_the_careful_path(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(yamlfile, "yaml_rs", None)
    doc = parse_yaml(FAST["entity"].encode())
    assert not doc.fast
    assert doc.data["aliases"] == ["IMET", "Other"]
    assert doc.place(("facts", 0, "text")) == (7, 11)


# -- places after a fast read ------------------------------------------------------------------


@needs_rs
def test_places_are_composed_only_when_asked_and_match_the_careful_path():
    raw = FAST["entity"].encode()
    doc = parse_yaml(raw)
    assert doc.fast and doc._root is None  # nothing composed for a clean file
    careful = yamlfile._careful(raw.decode())
    for path in [(), ("id",), ("aliases", 1), ("facts", 0), ("facts", 0, "text"), ("facts", 0, "nothing")]:
        assert doc.place(path) == careful.place(path), path
        assert doc.key_place(path) == careful.key_place(path), path
    assert doc.place(("facts", 0, "text")) == (7, 11)


@needs_rs
def test_a_bad_kind_deep_in_a_fast_read_pack_has_its_line_and_column(
    synthetic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(synthetic, folder)
    pack = next(p for p in data_files(folder) if "pack" in Path(p).name)
    lines = Path(pack).read_text(encoding="utf-8").split("\n")
    kinds = [i for i, line in enumerate(lines) if line.startswith("  kind: ")]
    at = kinds[40]  # the 41st entity of the pack
    lines[at] = "  kind: no-such-kind"
    Path(pack).write_text("\n".join(lines), encoding="utf-8")
    assert read_yaml(Path(pack)).fast

    fast = [p for p in load([folder]).problems if "no-such-kind" in p.message]
    monkeypatch.setattr(yamlfile, "yaml_rs", None)
    careful = [p for p in load([folder]).problems if "no-such-kind" in p.message]
    assert fast == careful
    assert [(p.line, p.column) for p in fast] == [(at + 1, 9)]


# -- deep nesting: checked before yaml_rs runs, which would crash the interpreter ----------------

# yaml_rs alone overflows the stack (a segmentation fault) on the first three; the flow ones
# it refuses itself at about 255 levels.
DEEP = {
    "block sequences": "''.join(' ' * i + '- \\n' for i in range(12_000))",
    "compact sequences": "'- ' * 20_000 + 'a\\n'",
    "block mappings": "''.join(' ' * i + 'a:\\n' for i in range(12_000))",
    "flow sequences": "'[' * 100_000 + ']' * 100_000",
    "flow mappings": "'{a: ' * 100_000 + '1' + '}' * 100_000",
    "block then flow": "''.join(' ' * i + '- \\n' for i in range(99)) + ' ' * 99 + '[' * 254 + ']' * 254 + '\\n'",
}


@needs_rs
@pytest.mark.parametrize("expression", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_refused_as_before_without_crashing(expression: str):
    code = textwrap.dedent(
        f"""
        from desktop.core import yamlfile
        text = {expression}
        def said(read, arg):
            try:
                read(arg)
            except yamlfile.YamlFileError as exc:
                return (exc.message, exc.line)
            return None
        print(repr(said(yamlfile.parse_yaml, text.encode())))
        print(repr(said(yamlfile._careful, text)))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    got, careful = done.stdout.splitlines()
    assert got == careful
    assert f"nested more than {yamlfile.MAX_DEPTH} levels deep" in got

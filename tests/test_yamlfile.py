"""Reading one YAML file safely: places, encodings, refused tags and aliases, limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from datafiles import write_bytes

from desktop.core import yamlfile
from desktop.core.loader import load
from desktop.core.yamlfile import YamlFileError, parse_yaml, read_yaml

ENTITY = b"""\
id: x
kind: program
name: X
aliases: [IMET, Other]
facts:
  - property: note
    text: hi
"""


def error_of(raw: bytes) -> YamlFileError:
    with pytest.raises(YamlFileError) as info:
        parse_yaml(raw)
    return info.value


# -- places -------------------------------------------------------------------


def test_values_keep_their_line_and_column():
    doc = parse_yaml(ENTITY)
    assert doc.data["facts"][0]["text"] == "hi"
    assert doc.place(()) == (1, 1)
    assert doc.place(("id",)) == (1, 5)
    assert doc.place(("name",)) == (3, 7)
    assert doc.place(("aliases", 1)) == (4, 17)
    assert doc.place(("facts", 0)) == (6, 5)
    assert doc.place(("facts", 0, "property")) == (6, 15)
    assert doc.place(("facts", 0, "text")) == (7, 11)


def test_keys_keep_their_own_place():
    doc = parse_yaml(ENTITY)
    assert doc.key_place(("facts", 0, "text")) == (7, 5)
    assert doc.key_place(("aliases",)) == (4, 1)
    # a block value starts on a later line than its key
    assert doc.place(("facts",)) == (6, 3)
    assert doc.key_place(("facts",)) == (5, 1)


def test_a_missing_path_falls_back_to_its_deepest_existing_node():
    doc = parse_yaml(ENTITY)
    assert doc.place(("facts", 0, "sources", 2)) == (6, 5)
    assert doc.place(("nothing",)) == (1, 1)


def test_a_pack_has_a_place_for_every_item():
    doc = parse_yaml(b"- id: a\n  name: A\n- id: b\n  name: B\n")
    assert doc.place((1,)) == (3, 3)
    assert doc.place((1, "name")) == (4, 9)


# -- empty and encodings -------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"# only\n# comments\n", b"\n\n   \n"])
def test_an_empty_file_is_an_error(raw):
    assert "empty" in error_of(raw).message


def test_a_byte_order_mark_is_accepted():
    doc = parse_yaml(b"\xef\xbb\xbf" + ENTITY)
    assert doc.data["id"] == "x"
    assert doc.place(("id",)) == (1, 5)


def test_crlf_line_ends_are_accepted_and_lines_counted_right():
    doc = parse_yaml(ENTITY.replace(b"\n", b"\r\n"))
    assert doc.data["name"] == "X"
    assert doc.data["facts"][0]["text"] == "hi"
    assert doc.place(("facts", 0, "text")) == (7, 11)


def test_latin1_bytes_are_refused_naming_the_encoding():
    error = error_of(b"id: x\nname: C\xf4te d'Ivoire\n")
    assert "UTF-8" in error.message
    assert "Latin-1" in error.message
    assert error.line == 2


def test_utf16_is_named_as_such():
    error = error_of("id: x\n".encode("utf-16"))
    assert "UTF-16" in error.message


def test_utf8_text_with_diacritics_is_read():
    assert parse_yaml("name: Côte d'Ivoire\n".encode()).data == {"name": "Côte d'Ivoire"}


# -- tags that build Python objects are refused, never run ------------------------


def test_os_system_tag_is_refused_and_never_runs(tmp_path: Path):
    marker = tmp_path / "ran"
    raw = f'x: !!python/object/apply:os.system ["touch {marker}"]\n'.encode()
    error = error_of(raw)
    assert "python/object/apply:os.system" in error.message
    assert "not allowed" in error.message
    assert (error.line, error.column) == (1, 4)
    assert not marker.exists()


def test_os_system_tag_in_a_data_folder_is_reported_and_never_runs(data_dir: Path, tmp_path: Path):
    marker = tmp_path / "ran-from-loader"
    bad = write_bytes(
        data_dir / "programs" / "bad.yaml",
        f"id: bad\nkind: program\nname: !!python/object/apply:os.system ['touch {marker}']\n".encode(),
    )
    write_bytes(data_dir / "programs" / "good.yaml", b"id: good\nkind: program\nname: Good\n")
    result = load([data_dir])
    assert [(p.path, p.line, p.column) for p in result.problems] == [(str(bad), 3, 7)]
    assert "not allowed" in result.problems[0].message
    assert list(result.entities) == ["good"]
    assert not marker.exists()


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/tuple [1, 2]",
        "!!python/object:collections.OrderedDict {}",
        "!!python/object/new:os.system [echo]",
        "!!python/str abc",
        "!<tag:yaml.org,2002:python/object/apply:os.getcwd> []",
        "!custom value",
    ],
)
def test_any_python_or_custom_tag_is_refused(tagged):
    error = error_of(f"a: 1\nb: {tagged}\n".encode())
    assert "is not allowed" in error.message
    assert error.line == 2


def test_plain_yaml_tags_are_still_allowed():
    assert parse_yaml(b"a: !!str 5\nb: !!int '7'\n").data == {"a": "5", "b": 7}


# -- aliases, nesting and size limits -------------------------------------------------


def test_an_alias_is_refused():
    error = error_of(b"a: &x [1, 2]\nb: *x\n")
    assert "aliases" in error.message
    assert (error.line, error.column) == (2, 4)


def test_an_alias_bomb_is_refused():
    raw = b'a: &a ["lol", "lol"]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c]\n'
    assert "aliases" in error_of(raw).message


def test_an_anchor_without_alias_is_harmless():
    assert parse_yaml(b"a: &x 1\n").data == {"a": 1}


@pytest.mark.parametrize(
    "raw",
    [b"[" * 10_000 + b"]" * 10_000, b"{a: " * 10_000 + b"1" + b"}" * 10_000],
    ids=["sequences", "mappings"],
)
def test_nesting_ten_thousand_deep_is_a_clear_error(raw):
    error = error_of(raw)
    assert f"nested more than {yamlfile.MAX_DEPTH} levels deep" in error.message
    assert error.line == 1


def test_nesting_up_to_the_limit_is_fine():
    depth = yamlfile.MAX_DEPTH
    doc = parse_yaml(b"[" * depth + b"]" * depth)
    assert isinstance(doc.data, list)
    assert "nested" in error_of(b"[" * (depth + 1) + b"]" * (depth + 1)).message


def test_a_string_over_the_limit_is_refused():
    error = error_of(b"a: ok\nb: " + b"x" * (yamlfile.MAX_STRING + 1) + b"\n")
    assert "longer than" in error.message
    assert error.line == 2


def test_a_string_at_the_limit_is_accepted():
    assert len(parse_yaml(b"b: " + b"x" * yamlfile.MAX_STRING).data["b"]) == yamlfile.MAX_STRING


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(yamlfile, "MAX_FILE_BYTES", 100)
    path = write_bytes(tmp_path / "big.yaml", b"a: " + b"x" * 200)
    with pytest.raises(YamlFileError, match="the limit is 100"):
        read_yaml(path)


def test_more_than_one_document_is_refused():
    error = error_of(b"a: 1\n---\nb: 2\n")
    assert "one YAML document" in error.message
    assert error.line == 2


def test_a_single_explicit_document_is_fine():
    assert parse_yaml(b"---\na: 1\n...\n").data == {"a": 1}


def test_a_complex_mapping_key_is_refused():
    assert "mapping key" in error_of(b"? [a, b]\n: 1\n").message


# -- syntax errors and unreadable files ---------------------------------------------


def test_a_syntax_error_has_its_line_and_column():
    error = error_of(b"id: a\nkind: [program\nname: A\n")
    assert error.message.startswith("YAML syntax error:")
    assert (error.line, error.column) == (3, 5)


def test_bad_indentation_has_its_line():
    error = error_of(b"a: 1\n  b: 2\n")
    assert error.message.startswith("YAML syntax error:")
    assert error.line == 2


def test_a_folder_is_not_readable_as_a_file(tmp_path: Path):
    with pytest.raises(YamlFileError, match="cannot read"):
        read_yaml(tmp_path)


def test_a_missing_file_is_a_yaml_file_error(tmp_path: Path):
    with pytest.raises(YamlFileError, match="cannot read"):
        read_yaml(tmp_path / "missing.yaml")


def test_an_unquoted_date_is_read_as_a_date_for_the_schema_to_refuse():
    import datetime as dt

    assert parse_yaml(b"d: 2019-01-01\n").data == {"d": dt.date(2019, 1, 1)}


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("d: 2019-13-45\n", {"d": "2019-13-45"}),
        ("a: 0b_\n", {"a": "0b_"}),
        ("x: 1\na: [0x_]\n", {"x": 1, "a": ["0x_"]}),
    ],
)
def test_a_value_shaped_like_a_date_or_number_that_is_not_one_stays_text(text, data):
    # PyYAML itself raises on these, which would lose the whole file; as text only its fact is lost.
    assert parse_yaml(text.encode()).data == data

"""libyaml's composer (fast, used with libyaml >= 0.2.6) and ours (no recursion) must agree."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from desktop.core import yamlfile
from desktop.core.bundle import bundled_data_dir
from desktop.core.loader import data_files

SAMPLES = [
    b"id: a\nkind: program\nname: A\naliases: [x, y]\nfacts:\n  - property: note\n    text: t\n",
    b"- {id: a, kind: program, name: A}\n- id: b\n  kind: law\n  name: B\n",
    b"a: !!python/object/apply:os.system [echo]\n",
    b"a: &x [1]\nb: *x\n",
    b"[" * 70 + b"]" * 70,
    b"a: " + b"x" * (yamlfile.MAX_STRING + 1) + b"\n",
    b"? [k]\n: v\n",
    b"a: 1\n---\nb: 2\n",
]


def _parse(raw: bytes, c_composer: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(yamlfile, "_C_COMPOSER_SAFE", c_composer)
    try:
        doc = yamlfile.parse_yaml(raw)
    except yamlfile.YamlFileError as exc:
        return ("error", exc.message, exc.line, exc.column)
    return ("ok", doc.data, _all_places(doc))


def _all_places(doc: yamlfile.Document) -> dict:
    places = {}
    stack: list[tuple] = [((), doc.data)]
    while stack:
        path, value = stack.pop()
        places[path] = (doc.place(path), doc.key_place(path))
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
    return places


needs_c = pytest.mark.skipif(yaml.__with_libyaml__ is False, reason="PyYAML built without libyaml")


@needs_c
@pytest.mark.parametrize("raw", SAMPLES)
def test_both_composers_agree_on_data_places_and_errors(raw: bytes, monkeypatch: pytest.MonkeyPatch):
    ours = _parse(raw, False, monkeypatch)
    theirs = _parse(raw, True, monkeypatch)
    assert ours == theirs


@needs_c
def test_both_composers_agree_on_every_bundled_file(monkeypatch: pytest.MonkeyPatch):
    files = list(data_files(bundled_data_dir()))
    assert len(files) > 70
    for path in files:
        raw = Path(path).read_bytes()
        assert _parse(raw, False, monkeypatch) == _parse(raw, True, monkeypatch), path

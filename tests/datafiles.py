"""Helpers for tests that write small data folders (used with the `data_dir` fixture)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

# A source in the bundled sources.yaml with 15 paragraphs (¶1–¶15).
SRC = "international-military-education-and-training"
SRC_PARAGRAPHS = 15


# A citation list in flow YAML, for `parent_sources:` and `summary_sources:` (a parent and a summary
# are cited like any fact).
CITED = f'[{{source: {SRC}, locator: "¶1"}}]'


def cited_parent(ident: str) -> str:
    """`parent:` with its citation, as entity body lines."""
    return f"parent: {ident}\nparent_sources: {CITED}\n"


def cited_summary(text: str) -> str:
    """`summary:` with its citation, as entity body lines."""
    return f"summary: {text}\nsummary_sources: {CITED}\n"


def write(folder: Path, relative: str, text: str) -> Path:
    """Write `text` (dedented) to folder/relative, creating folders; return the path."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def write_bytes(path: Path, raw: bytes) -> Path:
    """Write raw bytes to `path`, creating folders; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return path


def entity(ident: str, kind: str = "program", name: str | None = None, body: str = "") -> str:
    """An entity file's text: id, kind, name on lines 1–3, then `body` (already indented YAML)."""
    return f"id: {ident}\nkind: {kind}\nname: {name or ident.replace('-', ' ').title()}\n" + textwrap.dedent(body)


def note_fact(text: str = "a note", locator: str = "¶1") -> str:
    """One valid `note` fact as list-item YAML under `facts:` (4 lines)."""
    return f'  - property: note\n    text: "{text}"\n    sources:\n      - {{source: {SRC}, locator: "{locator}"}}\n'


def link_fact(prop: str, target: str, locator: str = "¶1") -> str:
    """One fact linking to `target` as list-item YAML under `facts:` (4 lines)."""
    return (
        f'  - property: {prop}\n    entity: {target}\n    sources:\n      - {{source: {SRC}, locator: "{locator}"}}\n'
    )


def touch_later(path: Path) -> None:
    """Make sure a rewrite is seen even on a file system with coarse modification times."""
    st_ = path.stat()
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 2_000_000_000))

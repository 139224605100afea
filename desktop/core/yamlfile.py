"""Reading one YAML data file safely, keeping the line of every value.

Only the plain YAML types are built (`safe_load` semantics, with libyaml's C
parser when it is installed); a tag that would construct a Python object is
refused with a message and never run. Files and nodes are bounded so that a
hostile file (an alias bomb, deep nesting, a huge string) costs little.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml is several times faster; fall back to pure Python when absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# Limits on a single data file. A bulk pack of 100,000 entities is about 60 MB.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_STRING = 100_000
MAX_NODES = 20_000_000

Path_ = tuple[int | str, ...]


class YamlFileError(Exception):
    """A file that cannot be read as data; carries the place when known."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class Document:
    data: Any
    # (line, column), 1-based, of every node by its path from the root
    places: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    # (line, column) of the key of every mapping entry, by the entry's path
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def place(self, path: Path_) -> tuple[int, int]:
        """The place of the deepest node on `path` that the file has."""
        path = tuple(path)
        while path not in self.places and path:
            path = path[:-1]
        return self.places.get(path, (1, 1))

    def key_place(self, path: Path_) -> tuple[int, int]:
        """The place of the key of the mapping entry at `path` (for problems with the key itself)."""
        return self.keys.get(tuple(path)) or self.place(path)


_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:binary",
    "tag:yaml.org,2002:omap",
    "tag:yaml.org,2002:set",
}


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _compose(loader: Any, doc: Document) -> yaml.Node | None:
    """Build the node tree from parser events without recursion.

    libyaml's own composer recurses once per nesting level and crashes the
    interpreter on a file nested a few hundred thousand levels deep, so the
    tree is built here, with the limits checked as it grows.
    """
    loader.get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        return None
    loader.get_event()  # document start
    stack: list[tuple[yaml.Node, Path_, list[Any]]] = []  # open collections
    root: yaml.Node | None = None
    pending_key: list[yaml.Node | None] = []
    count = 0

    def attach(node: yaml.Node) -> Path_:
        nonlocal root
        if not stack:
            root = node
            return ()
        parent, path, items = stack[-1]
        if isinstance(parent, yaml.SequenceNode):
            items.append(node)
            return (*path, len(items) - 1)
        key = pending_key[-1]
        if key is None:
            if not isinstance(node, yaml.ScalarNode):
                raise YamlFileError("a mapping key must be a plain value", *_mark(node))
            pending_key[-1] = node
            return (*path, "\0key")
        items.append((key, node))
        pending_key[-1] = None
        doc.keys.setdefault((*path, key.value), _mark(key))
        return (*path, key.value)

    while not loader.check_event(yaml.DocumentEndEvent):
        event = loader.get_event()
        count += 1
        if count > MAX_NODES:
            raise YamlFileError(f"more than {MAX_NODES:,} values in one file", *_event_mark(event))
        if isinstance(event, yaml.AliasEvent):
            raise YamlFileError("YAML aliases (*name) are not allowed in data files", *_event_mark(event))
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            node, _, items = stack.pop()
            node.value = items
            if isinstance(node, yaml.MappingNode):
                pending_key.pop()
            continue
        tag = event.tag
        if isinstance(event, yaml.ScalarEvent):
            if tag is None or tag == "!":
                tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            if len(event.value) > MAX_STRING:
                raise YamlFileError(f"a value longer than {MAX_STRING:,} characters", *_event_mark(event))
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        elif isinstance(event, yaml.SequenceStartEvent):
            if tag is None or tag == "!":
                tag = loader.resolve(yaml.SequenceNode, None, event.implicit)
            node = yaml.SequenceNode(tag, [], event.start_mark, None, event.flow_style)
        else:
            if tag is None or tag == "!":
                tag = loader.resolve(yaml.MappingNode, None, event.implicit)
            node = yaml.MappingNode(tag, [], event.start_mark, None, event.flow_style)
        if tag not in _SAFE_TAGS:
            raise YamlFileError(f"the tag {tag!r} is not allowed (data files hold plain values only)", *_mark(node))
        path = attach(node)
        if path[-1:] != ("\0key",):
            doc.places[path] = _mark(node)
        if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
            if len(stack) >= MAX_DEPTH:
                raise YamlFileError(f"nested more than {MAX_DEPTH} levels deep", *_mark(node))
            stack.append((node, path, []))
            if isinstance(node, yaml.MappingNode):
                pending_key.append(None)
    loader.get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        raise YamlFileError(
            "a data file holds one YAML document; found a second (---)", *_event_mark(loader.peek_event())
        )
    return root


def _event_mark(event: yaml.Event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def read_yaml(path: Path) -> Document:
    """Read and parse one file; raise YamlFileError with a clear message."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlFileError(f"cannot read: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise YamlFileError(f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlFileError(f"cannot read: {exc.strerror or exc}") from None
    return parse_yaml(raw)


def parse_yaml(raw: bytes) -> Document:
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark is harmless
    except UnicodeDecodeError as exc:
        guess = "UTF-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "another encoding (Latin-1 or Windows-1252?)"
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlFileError(
            f"not UTF-8 text: byte {exc.start} looks like {guess}; save the file as UTF-8", line
        ) from None
    loader = _Loader(text)
    try:
        doc = Document(None)
        root = _compose(loader, doc)
        if root is None:
            raise YamlFileError("the file is empty (or holds only comments)")
        doc.data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        if "nesting depth" in reason:
            # Newer libyaml builds stop deep flow nesting while scanning ahead, before our own check.
            raise YamlFileError(f"nested more than {MAX_DEPTH} levels deep", line, column) from None
        raise YamlFileError(f"YAML syntax error: {reason}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlFileError(f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlFileError(f"nested too deeply (the limit is {MAX_DEPTH} levels)") from None
    finally:
        loader.dispose()
    return doc

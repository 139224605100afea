"""Reading one YAML data file safely, keeping the line of every value.

Only the plain YAML types are built (`safe_load` semantics, with libyaml's C
parser when it is installed); a tag that would construct a Python object is
refused with a message and never run. Files and nodes are bounded so that a
hostile file (an alias bomb, deep nesting, a huge string) costs little.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml is several times faster; fall back to pure Python when absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


def _libyaml_version() -> tuple[int, ...]:
    try:
        from yaml import _yaml

        return tuple(int(p) for p in _yaml.get_version_string().split(".")[:3])
    except (ImportError, AttributeError, ValueError):
        return (0,)


# libyaml composes far faster than Python, but it recurses once per nesting level:
# from 0.2.6 it stops at 1,000 levels itself; before that a file nested a few
# hundred thousand deep crashes the interpreter, so older builds use `_compose`.
_C_COMPOSER_SAFE = _Loader is not yaml.SafeLoader and _libyaml_version() >= (0, 2, 6)

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


class Document:
    """A parsed file: its data, and its node tree for finding where a value is written.

    Places are looked up only when a problem needs one, by walking the node
    tree along the path, so a clean file costs nothing for them.
    """

    def __init__(self, data: Any, root: yaml.Node | None = None) -> None:
        self.data = data
        self.root = root

    def _walk(self, path: Path_) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The deepest node on `path` and, when the last step was a mapping key, that key's node."""
        node, key_node = self.root, None
        for step in path:
            key_node = None
            if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                node = node.value[step]
            elif isinstance(node, yaml.MappingNode):
                found = next(((k, v) for k, v in node.value if k.value == step), None)
                if found is None:
                    break
                key_node, node = found
            else:
                break
        return node, key_node

    def place(self, path: Path_) -> tuple[int, int]:
        """The place of the deepest node on `path` that the file has."""
        node, _ = self._walk(tuple(path))
        return _mark(node) if node is not None else (1, 1)

    def key_place(self, path: Path_) -> tuple[int, int]:
        """The place of the key of the mapping entry at `path` (for problems with the key itself)."""
        _, key = self._walk(tuple(path))
        return _mark(key) if key is not None else self.place(path)


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


def _compose(loader: Any) -> yaml.Node | None:
    """Build the node tree from parser events without recursion.

    libyaml's own composer recurses once per nesting level and crashes the
    interpreter on a file nested a few hundred thousand levels deep, so the
    tree is built here, with the limits checked as it grows.
    """
    loader.get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        return None
    loader.get_event()  # document start
    stack: list[tuple[yaml.Node, list[Any]]] = []  # open collections
    root: yaml.Node | None = None
    pending_key: list[yaml.Node | None] = []
    count = 0

    def attach(node: yaml.Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent, items = stack[-1]
        if isinstance(parent, yaml.SequenceNode):
            items.append(node)
            return
        key = pending_key[-1]
        if key is None:
            if not isinstance(node, yaml.ScalarNode):
                raise YamlFileError("a mapping key must be a plain value", *_mark(node))
            pending_key[-1] = node
            return
        items.append((key, node))
        pending_key[-1] = None

    while not loader.check_event(yaml.DocumentEndEvent):
        event = loader.get_event()
        count += 1
        if count > MAX_NODES:
            raise YamlFileError(f"more than {MAX_NODES:,} values in one file", *_event_mark(event))
        if isinstance(event, yaml.AliasEvent):
            raise YamlFileError("YAML aliases (*name) are not allowed in data files", *_event_mark(event))
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            node, items = stack.pop()
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
            raise YamlFileError(_tag_message(tag), *_mark(node))
        attach(node)
        if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
            if len(stack) >= MAX_DEPTH:
                raise YamlFileError(f"nested more than {MAX_DEPTH} levels deep", *_mark(node))
            stack.append((node, []))
            if isinstance(node, yaml.MappingNode):
                pending_key.append(None)
    loader.get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        raise YamlFileError(
            "a data file holds one YAML document; found a second (---)", *_event_mark(loader.peek_event())
        )
    return root


def _check_nodes(root: yaml.Node) -> None:
    """The limits of `_compose`, checked on a tree that libyaml composed itself."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise YamlFileError(f"more than {MAX_NODES:,} values in one file", *_mark(node))
        if id(node) in seen:  # the same node twice: an alias
            raise YamlFileError("YAML aliases (*name) are not allowed in data files", *_mark(node))
        seen.add(id(node))
        if node.tag not in _SAFE_TAGS:
            raise YamlFileError(
                f"the tag {node.tag!r} is not allowed (data files hold plain values only)", *_mark(node)
            )
        if isinstance(node, yaml.ScalarNode):
            if len(node.value) > MAX_STRING:
                raise YamlFileError(f"a value longer than {MAX_STRING:,} characters", *_mark(node))
            continue
        if depth >= MAX_DEPTH:
            raise YamlFileError(f"nested more than {MAX_DEPTH} levels deep", *_mark(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
        else:
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise YamlFileError("a mapping key must be a plain value", *_mark(key))
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))


def _tag_message(tag: str) -> str:
    return f"the tag {tag!r} is not allowed (data files hold plain values only)"


def _event_mark(event: yaml.Event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def read_yaml(path: Path) -> Document:
    """Read and parse one file; raise YamlFileError with a clear message."""
    try:
        st = path.stat()
    except OSError as exc:
        raise YamlFileError(f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        # Reading a FIFO blocks until someone writes to it, and a device such as /dev/zero never ends.
        raise YamlFileError("cannot read: not a regular file")
    size = st.st_size
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
    if _C_COMPOSER_SAFE:
        try:
            return _parse(text, fast=True)
        except YamlFileError:
            pass  # problems are rare: say them exactly as the careful path does
    return _parse(text, fast=False)


def _parse(text: str, fast: bool) -> Document:
    loader = _Loader(text)
    try:
        if fast:
            root = loader.get_single_node()
            if root is not None:
                _check_nodes(root)
        else:
            root = _compose(loader)
        if root is None:
            raise YamlFileError("the file is empty (or holds only comments)")
        return Document(loader.construct_document(root), root)
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

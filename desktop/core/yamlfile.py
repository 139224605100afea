"""Reading one YAML data file safely, keeping the line of every value.

Only the plain YAML types are built (`safe_load` semantics, with libyaml's C
parser when it is installed); a tag that would construct a Python object is
refused with a message and never run. Files and nodes are bounded so that a
hostile file (an alias bomb, deep nesting, a huge string) costs little.

PyYAML is the reference for what a file means. When the optional `yaml_rs`
(a YAML 1.2 parser in Rust, many times faster) is installed, a file that
provably reads the same under both is parsed by it instead; anything else,
and every problem, goes through PyYAML (see `_fast`).
"""

from __future__ import annotations

import codecs
import importlib
import logging
import re
import stat
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from desktop.core.collector import collector_paused


def _import_yaml_rs() -> Any:
    """yaml_rs (optional: without it every file takes the PyYAML path), imported on a thread that never ends.

    yaml_rs 0.1.6 crashes the interpreter (SIGSEGV) when it is called on a thread after the thread
    that imported it has ended. This module is often first imported on a worker thread (the window
    opens its store on one), which ends when its lane shuts down, and other threads read files
    later: so unless this is the main thread, which lasts as long as the process, the import is
    made on a thread of its own that then waits, idle, until the process exits.
    """
    if threading.current_thread() is threading.main_thread():
        return _import_or_none()
    found: list[Any] = []
    imported = threading.Event()

    def hold() -> None:
        try:
            found.append(_import_or_none())
        finally:  # whatever the import did, the importing thread (which holds this module's import) goes on
            imported.set()
        threading.Event().wait()  # never set: the thread outlives every call

    try:
        threading.Thread(target=hold, name="almanac-yaml-rs", daemon=True).start()
    except RuntimeError:  # no thread to be had (the interpreter is shutting down): PyYAML reads everything
        return None
    imported.wait()
    return found[0] if found else None


def _import_or_none() -> Any:
    try:
        return importlib.import_module("yaml_rs")
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # installed but broken (a panic in its Rust code is a BaseException)
        logging.getLogger("almanac.build").warning(
            "yaml_rs could not be loaded (%s: %s); PyYAML reads every file", type(exc).__name__, exc
        )
        return None


yaml_rs: Any = _import_yaml_rs()

try:  # libyaml is several times faster; fall back to pure Python when absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader


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


class _DataLoader(_Loader):
    """`safe_load`, except that a plain value shaped like a date or number that is not one stays text.

    PyYAML raises on `2019-13-45` or `0x_`, which would lose the whole file; as
    text, the schema and the date parser say what is wrong with it, where, and
    only the fact that holds it is left out.
    """


def _lenient(construct: Any) -> Any:
    def build(loader: Any, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)

    return build


for _tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
    _DataLoader.add_constructor(_tag, _lenient(_Loader.yaml_constructors[_tag]))

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
    tree along the path, so a clean file costs nothing for them. A file read
    by the fast path (`fast` is true) keeps its text instead of a node tree,
    and PyYAML composes the tree from it when the first place is asked for.
    """

    def __init__(self, data: Any, root: yaml.Node | None = None, text: str | None = None) -> None:
        self.data = data
        self._root = root
        self._text = text
        self.fast = text is not None

    @property
    def root(self) -> yaml.Node | None:
        if self._text is not None:
            self._root, self._text = _compose_text(self._text), None
        return self._root

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
    start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    doc = _fast(raw, start, text)
    return doc if doc is not None else _careful(text)


def _careful(text: str) -> Document:
    """Read `text` with PyYAML only: the reference for what a file means, and the only reporter of problems."""
    if _C_COMPOSER_SAFE:
        try:
            return _parse(text, fast=True)
        except YamlFileError:
            pass  # problems are rare: say them exactly as the careful path does
    return _parse(text, fast=False)


def _compose_text(text: str) -> yaml.Node | None:
    """The node tree of a text the fast path read, for places (only when a problem needs one)."""
    loader = _DataLoader(text)
    try:
        return loader.get_single_node() if _C_COMPOSER_SAFE else _compose(loader)
    except (yaml.YAMLError, YamlFileError):  # pragma: no cover - the fast path reads only texts PyYAML accepts
        return None
    finally:
        loader.dispose()


def _parse(text: str, fast: bool) -> Document:
    loader = _DataLoader(text)
    try:
        if fast:
            root = loader.get_single_node()
            if root is not None:
                _check_nodes(root)
        else:
            root = _compose(loader)
        if root is None:
            raise YamlFileError("the file is empty (or holds only comments)")
        with collector_paused():
            return Document(loader.construct_document(root), root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "invalid YAML"
        if _unclosed_quote(exc):
            # The scanner notices only at the end of the file (or at the next `---`); the
            # mistake is where the quote opened, which the context mark keeps.
            mark, reason = exc.context_mark, "this quote is never closed"
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


def _unclosed_quote(exc: yaml.MarkedYAMLError) -> bool:
    """Whether PyYAML (either parser) ran out of text, or into a document marker, inside a quoted scalar."""
    return (
        exc.context_mark is not None
        and "quoted scalar" in (exc.context or "")
        and any(end in (exc.problem or "") for end in ("end of stream", "document separator", "document indicator"))
    )


# -- the fast path ------------------------------------------------------------------
#
# yaml_rs reads YAML 1.2 and PyYAML reads YAML 1.1, and the two also differ in what
# they refuse. `_fast` hands a text to yaml_rs only when a scan of its bytes and a
# walk over the result show that PyYAML would build exactly the same data and raise
# nothing; otherwise it returns None and the text goes to `_careful`, which also
# says every problem with its line and column. A false alarm costs only speed. The
# rules come from the two specifications and from comparing the two parsers on
# generated texts, exhaustively for short ones (tests/test_yaml_fast_path.py).
#
# The scan reads the raw UTF-8 bytes (every check is about ASCII characters, and
# the bytes of a multi-byte character are all >= 0x80), mostly with bytes.translate
# and bytes.find at C speed: a Python regular expression trying every position of
# an 11 MB file costs more than yaml_rs itself. It refuses:
#
# - characters that libyaml refuses or reads otherwise and yaml_rs accepts: C0 and
#   C1 controls, DEL, NEL (U+0085), U+2028 and U+2029 (line breaks in YAML 1.1
#   only), a byte-order mark after the start, U+FFFE and U+FFFF; any tab (the two
#   disagree on tabs as separators); a CR that is not part of CR LF;
# - an escaped line break in a double-quoted scalar (a multi-line key whose folded
#   value has no space: libyaml refuses it), and a \u or \U escape of a surrogate
#   (yaml_rs joins a pair, libyaml refuses it);
# - at the start of a line: a document marker (---, ...) or a directive (%), so the
#   text is one document; a `:` after nothing but spaces (a flow key whose `:` is
#   on a later line: libyaml refuses it, yaml_rs accepts it); and 100 characters
#   or more of spaces, `-`, `?` and `:`. yaml_rs recurses once per block level and
#   crashes the interpreter (a stack overflow) some thousands of levels deep, so
#   depth is bounded before it runs: a deeper block level is either indented
#   further or opened on the same line by a compact `- `, `? ` or `: `, and a
#   sequence may share its parent mapping's indentation, so block depth is at most
#   about twice the run a line starts with. Flow nesting (`[[[`) yaml_rs stops
#   itself, with an error, at about 255 levels;
# - in flow context the two split plain scalars differently: a `:` right before a
#   flow indicator or `?` ([a:], {a:,b}), and a `?` or `:` at a token start with no
#   space after it ([?a], {a: :b});
# - at a token start (the start of the text, or after a space, line break, `[`,
#   `{`, `,` or `:`: every plain scalar, tag, anchor and alias starts at one):
#   a tag, anchor or alias (! & *; yaml_rs refuses the reserved @ and ` there, as
#   libyaml does, and a % that does not start a line); a `|` or `>` unless
#   it is a block scalar header `|-` or `>-` (with the default and the keep
#   chomping yaml_rs keeps trailing empty lines that libyaml drops) or is followed
#   by a space and text (an error in block context in both, and prose in a
#   string); and anything that starts like a number ([-+]? then a digit, `.` or
#   `_`) unless it is a plain decimal,
#   [-+]?(0|[1-9][0-9]*)(\.[0-9]*)?, followed by a character that cannot go on
#   with a number, a date or a time: not a digit or one of _ e E x X o O b B, not a
#   `:` and a digit (1:20 is 80 to PyYAML), and no date (YYYY-M-) from the start.
#   Such a decimal is the same int or float in both when it is the whole scalar,
#   and a string in both when more follows. Everything else that yaml_rs could read
#   as a number (010, 0o17, 0x_1, 1e3, 1_0, _1, .5, .inf) or PyYAML as something
#   other than a string (1:20, 2019-01-05, 1_0.5) is refused. A year inside a
#   quoted string ("1978", "late 1970s", "in 2010.") follows a quote or a letter,
#   or is followed by a letter, a quote or a `.`, so it passes.
#
# The walk over the result refuses a key that is not a string, or has white space
# in it (a multi-line flow key, which libyaml refuses); a string that PyYAML reads
# as another type when it is written plain and yaml_rs does not (yes/no/on/off, =,
# <<), wherever it comes from; when a `|` or `>` starts a token, a string starting
# with one (in flow context yaml_rs reads it as the start of a plain string, libyaml
# refuses it); and anything over the limits (depth, string length, number of
# values). Empty texts and scalar roots, duplicate keys (yaml_rs refuses them,
# PyYAML keeps the last one) and anything else yaml_rs raises go to PyYAML.

_TABLE = bytearray(b"x" * 256)  # a translate table: the kind of each byte for the scan
for _b in [*range(0x00, 0x0A), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]:
    _TABLE[_b] = ord("X")  # controls, tab, DEL: refused wherever they are
for _b in range(0x80, 0xA0):
    _TABLE[_b] = ord("c")  # after 0xC2: U+0080..U+009F (C1 controls, NEL)
_TABLE[0xC2] = ord("C")
_TABLE[0xE2] = ord("E")  # E c L: U+2028, U+2029 (and a few harmless neighbours)
_TABLE[0xA8] = _TABLE[0xA9] = ord("L")
_TABLE[0xEF] = ord("F")  # F G G: U+FEFF, U+FFFE, U+FFFF (and a few harmless neighbours)
_TABLE[0xBB] = _TABLE[0xBE] = _TABLE[0xBF] = ord("G")
for _b in b" \n\r[{,:":
    _TABLE[_b] = ord(" ")  # a token may start after these
for _b in b"0123456789._!&*|>":
    _TABLE[_b] = ord("0")  # what may start a risky token: a number, a tag, an anchor, an alias, a block scalar
for _b in b"-+":
    _TABLE[_b] = ord("-")
_TABLE[ord("\\")] = ord("\\")
_CLASSES = bytes(_TABLE)
del _b, _TABLE

_BAD_ESCAPE = re.compile(rb"\\(?:\r?\n|[uU]0*[dD][89a-fA-F])")
_LINE_START = rb"(?:---|\.\.\.|%| *:|[ ?:\-]{100})"
_BAD_FIRST_LINE = re.compile(_LINE_START)
_BAD_LINE = re.compile(rb"\n" + _LINE_START)
_BAD_QUESTION = re.compile(rb"\?(?<=[ \n\r\[{,:]\?)(?![ \r\n]|\Z)")
_BAD_COLON = re.compile(rb":(?:[,\[\]{}?]|(?<=[ \n\r\[{,:]:)(?![ \r\n]|\Z))")
# `|-` or `>-` then the end of the line or a space: a block scalar with strip chomping; `|` or `>`
# then spaces and something other than a comment: an error in block context (in both)
_HEADER = re.compile(rb"[|>](?:-[ \r\n]| +[^ #\r\n])")
_SAME_NUMBER = re.compile(rb"(?![0-9]{4}-[0-9][0-9]?-)(?>[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?![0-9_eExXoObB]|:[0-9])")
_YAML11_WORDS = frozenset(
    {w for word in ("yes", "no", "on", "off") for w in (word, word.capitalize(), word.upper())}
    | {"=", "<<", "!", "&", "*"}
)
_LONGEST_WORD = max(map(len, _YAML11_WORDS))
_HEADERS = ("|", ">")
_SPACE = re.compile(r"\s")
_SCALARS = frozenset({int, float, bool, type(None)})


def _token(raw: bytes, at: int) -> bool | None:
    """The token at `at`, which starts with a digit, `.`, `_`, a sign or an indicator.

    None when it may read otherwise, True for a `|` or `>` that may pass, else False.
    """
    c = raw[at]
    if c in b"|>":
        return True if _HEADER.match(raw, at) else None
    if c in b"!&*" or _SAME_NUMBER.match(raw, at) is None:
        return None
    return False


def _scan(raw: bytes, start: int) -> bool | None:
    """The scan of the bytes, before yaml_rs sees them (see above); `start` skips a byte-order mark.

    None when the text may read otherwise; else whether a `|` or `>` starts a token: yaml_rs
    reads one in flow context as the start of a plain string (libyaml refuses it), so the
    walk then has to look for strings that start with one.
    """
    classes = raw.translate(_CLASSES)
    if classes.find(b"X", start) >= 0:
        return None
    for lead, sequence in ((b"C", b"Cc"), (b"E", b"EcL"), (b"F", b"FGG")):  # one byte is found far faster
        if lead in classes and classes.find(sequence, start) >= 0:
            return None
    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):
        return None
    if b"\\" in classes and _BAD_ESCAPE.search(raw, start):
        return None
    if _BAD_FIRST_LINE.match(raw, start) or _BAD_LINE.search(raw, start) or _BAD_COLON.search(raw, start):
        return None
    if b"?" in raw and (raw[start : start + 1] == b"?" or _BAD_QUESTION.search(raw, start)):
        return None
    # in _CLASSES terms: a token start, then a digit, `.`, `_` or an indicator (after a sign: a number)
    headers = False
    first = classes[start : start + 2]
    if first[:1] == b"0" or first == b"-0":
        kind = _token(raw, start)
        if kind is None:
            return None
        headers = kind
    find, same_number, indicators = classes.find, _SAME_NUMBER.match, b"!&*|>"
    at = find(b" 0", start)
    while at >= 0:
        if raw[at + 1] in indicators:
            kind = _token(raw, at + 1)
            if kind is None:
                return None
            headers |= kind
        elif same_number(raw, at + 1) is None:
            return None
        at = find(b" 0", at + 2)
    at = find(b" -0", start)
    while at >= 0:
        if same_number(raw, at + 1) is None:
            return None
        at = find(b" -0", at + 3)
    return headers


def _plain_data(data: Any, headers: bool) -> bool:
    """Whether yaml_rs's `data` is what PyYAML builds from the same text, within the limits.

    One pass, level by level, without recursion; each value is looked at once. With
    `headers` (see `_scan`), a string that starts with `|` or `>` is refused too.
    """
    if type(data) is not dict and type(data) is not list:
        return False  # empty text (None) or a scalar root: rare, left to PyYAML
    words, longest, scalars, space = _YAML11_WORDS, _LONGEST_WORD, _SCALARS, _SPACE.search
    good_keys: set[str] = set()
    level, depth, count = [data], 0, 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            return False
        below: list[Any] = []
        push = below.append
        for node in level:
            if type(node) is dict:
                count += 2 + 2 * len(node)
                if not good_keys.issuperset(node):
                    for key in node:
                        if type(key) is not str or key in words or len(key) > MAX_STRING or space(key):
                            return False
                        if headers and key.startswith(_HEADERS):  # see the str values below
                            return False
                        good_keys.add(key)
                values: Iterable[Any] = node.values()
            else:
                count += 2 + len(node)
                values = node
            for value in values:
                kind = type(value)
                if kind is str:
                    size = len(value)
                    if size <= longest:
                        if value in words:
                            return False
                    elif size > MAX_STRING:
                        return False
                    if headers and value.startswith(_HEADERS):
                        return False
                elif kind is dict or kind is list:
                    push(value)
                elif kind not in scalars:
                    return False
        if count > MAX_NODES:
            return False
        level = below
    return True


def _fast(raw: bytes, start: int, text: str) -> Document | None:
    """`text` read by yaml_rs when that provably gives what `_careful` gives; None otherwise."""
    headers = None if yaml_rs is None else _scan(raw, start)
    if headers is None:
        return None
    try:
        with collector_paused():
            data = yaml_rs.loads(text, parse_datetime=False)
            plain = _plain_data(data, headers)
    except Exception:  # any refusal or oddity (even a UnicodeEncodeError) is PyYAML's to explain
        return None
    except BaseException as exc:  # a Rust panic arrives as pyo3's PanicException, a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return None
    return Document(data, text=text) if plain else None

"""The `almanac` command line's options, and what they name: data folders, dates, entities, images.

Both the command line (desktop/cli.py) and the window (desktop/app.py) read
these, so they live here, apart from both: the window must not import the
command line that opens it. Nothing here imports Qt.

A plain window start (`almanac`, `almanac open ID`, with the data options) is read by
`window_args` without building the parser of every command: that parser, and what its
options' types import (the date parser, the figures command), is built only for the rest.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from desktop import __version__
from desktop.core.bundle import bundled_data_dir
from desktop.core.links import entity_from_link

if TYPE_CHECKING:
    import re

    from desktop.core.dates import FuzzyDate
    from desktop.core.store import Store


class UsageError(Exception):
    """A mistake in how the command was called: exit 2."""


class NotFound(Exception):
    """An id that names no entity: exit 1. The message carries the "Did you mean" hint."""


# The image formats a screenshot can be written in, by the output file's suffix.
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".bmp": "BMP", ".webp": "WEBP"}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return min(value, 2**63 - 1)  # SQLite's largest integer: more results than there can be


def _date(text: str) -> FuzzyDate:
    from desktop.core.dates import DateError, parse_date

    try:
        return parse_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# Any date the data may hold is a span of days, and "as of" works on spans: so `show --as-of`
# takes every form the data does ("1990s", "early 1990s"), as --from and --to do.
_as_of = _date


def _fiscal_year(text: str) -> int:
    try:
        year = int(text.strip().upper().removeprefix("FY"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fiscal year (a year such as 2015)") from None
    if not 1900 <= year <= 2099:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fiscal year between 1900 and 2099")
    return year


def _regex(text: str) -> re.Pattern[str]:
    import re

    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a regular expression: {exc}") from None


# The datasets `almanac import` reads, with what each expects.
DATASETS = {
    "foreignassistance": "a CSV file from ForeignAssistance.gov: us_foreign_aid_funding.csv or "
    "us_foreign_aid_complete.csv, recognised by its header",
}


def _image_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() not in IMAGE_FORMATS:
        known = ", ".join(IMAGE_FORMATS)
        said = f"{path.suffix!r}" if path.suffix else "no suffix"
        raise argparse.ArgumentTypeError(f"{text!r} has {said}; the image format comes from it: {known}")
    return path


def image_format(path: Path) -> str:
    """The Qt image format name for the output file `path` (its suffix was checked when parsed)."""
    return IMAGE_FORMATS[path.suffix.lower()]


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one line (via UsageError), not a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")

    def parse_known_args(  # type: ignore[override]  # one signature for argparse's overloads
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        return _merge_data_options(parsed), extras


# The data options are accepted before and after the subcommand. argparse copies a
# subcommand's defaults over whatever was given before it (`almanac --no-bundled list`
# would lose --no-bundled), so the subcommands store theirs under these names and
# `_merge_data_options` combines the two.
_SUB = "sub_"


def _common(dest_prefix: str = "") -> _Parser:
    from desktop.core.cache import CACHE_ENV

    common = _Parser(add_help=False)  # only ever a parent: its options are copied, it parses nothing
    group = common.add_argument_group("data")
    group.add_argument(
        "--data",
        dest=f"{dest_prefix}data",
        metavar="DIR",
        action="append",
        default=[],
        type=Path,
        help="add a data folder to the bundled data (repeatable)",
    )
    group.add_argument(
        "--no-bundled",
        dest=f"{dest_prefix}no_bundled",
        action="store_true",
        help="use only the --data folders, not the bundled data (their vocabulary, sources and schema "
        "are still used unless the folders bring their own)",
    )
    group.add_argument(
        "--cache-dir",
        dest=f"{dest_prefix}cache_dir",
        metavar="DIR",
        type=Path,
        help=f"where the index is kept (default: ${CACHE_ENV}, else the platform's cache folder)",
    )
    return common


def _merge_data_options(args: argparse.Namespace) -> argparse.Namespace:
    if not hasattr(args, "data"):  # a subcommand's own parse: the top level merges
        return args
    args.data = [*args.data, *getattr(args, f"{_SUB}data", [])]
    args.no_bundled = args.no_bundled or getattr(args, f"{_SUB}no_bundled", False)
    args.cache_dir = getattr(args, f"{_SUB}cache_dir", None) or args.cache_dir
    for name in ("data", "no_bundled", "cache_dir"):
        if hasattr(args, _SUB + name):
            delattr(args, _SUB + name)
    return args


_DATE_FORMS = "2019, 2019-01, 2019-01-15, 1990s, early 1990s or late 2019"


def build_parser() -> argparse.ArgumentParser:
    from desktop import cli_figures

    parser = _Parser(
        prog="almanac",
        description="Security Assistance Almanac: an offline reference for US security assistance. "
        "With no command, opens the window.",
        parents=[_common()],
        epilog="Exit codes: 0 done, 1 not found or invalid data, 2 usage error, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = _common(_SUB)

    p = sub.add_parser(
        "search",
        parents=[common],
        help="search names, aliases and facts",
        description="Search names, aliases, summaries and facts; best matches first.",
    )
    p.add_argument("query", metavar="QUERY", nargs="+", help="what to look for (several words are one query)")
    p.add_argument("--kind", metavar="K", help="only entities of this kind (see `almanac list --kinds`)")
    p.add_argument("--limit", metavar="N", type=_positive, default=20, help="at most N results (default 20)")
    p.add_argument("--json", action="store_true", help="print JSON (see the README for its shape)")

    p = sub.add_parser(
        "show",
        parents=[common],
        help="show one entity with its facts and sources",
        description="Show an entity: its facts both ways, parent, children and sources.",
    )
    p.add_argument("id", metavar="ID", help="the entity's id, e.g. imet (case does not matter)")
    p.add_argument(
        "--as-of",
        metavar="DATE",
        type=_as_of,
        help=f"the entity as it stood at DATE ({_DATE_FORMS}): each fact marked current, past "
        "or uncertain, facts not yet true left out (kept in --json with status future)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (see the README for its shape)")

    p = sub.add_parser(
        "timeline",
        parents=[common],
        help="list dated facts, oldest first",
        description="List every dated fact, oldest first, with its bounds and sources; "
        "the options narrow the list and combine.",
    )
    p.add_argument("--entity", metavar="ID", help="only the facts of this entity and the facts pointing at it")
    p.add_argument("--kind", metavar="K", help="only facts whose subject is of this kind")
    p.add_argument("--from", dest="start", metavar="DATE", type=_date, help="only facts still true on or after DATE")
    p.add_argument("--to", dest="end", metavar="DATE", type=_date, help="only facts already true by DATE")
    p.add_argument("--text", metavar="TEXT", help="only facts that mention TEXT")
    p.add_argument("--limit", metavar="N", type=_positive, help="at most N facts")
    p.add_argument("--json", action="store_true", help="print JSON (see the README for its shape)")

    cli_figures.add_parser(sub, common)

    p = sub.add_parser("list", parents=[common], help="list entities", description="List entities by kind and name.")
    p.add_argument("--kind", metavar="K", help="only entities of this kind")
    p.add_argument("--kinds", action="store_true", help="list the kinds instead, with their counts")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser(
        "validate",
        parents=[common],
        help="check data folders and report every problem",
        description="Check the data and print one line per problem as path:line:column: message. "
        "Exit 0 when clean, 1 when not.",
    )
    p.add_argument(
        "dirs",
        metavar="DIR",
        nargs="*",
        type=Path,
        help="data folders to check with the bundled data (default: the bundled data and --data)",
    )

    p = sub.add_parser(
        "index",
        parents=[common],
        help="build or refresh the search index",
        description="Build the index if the data changed (or always with --rebuild) and print counts.",
    )
    p.add_argument("--rebuild", action="store_true", help="rebuild even if the index is up to date")

    p = sub.add_parser(
        "open",
        parents=[common],
        help="open the window at an entity",
        description="Open the window showing the entity ID.",
    )
    p.add_argument(
        "id", metavar="ID", help="the entity's id (case does not matter), or a link such as almanac://entity/imet"
    )

    p = sub.add_parser(
        "screenshot",
        parents=[common],
        help="render the window into an image file",
        description="Render the real window offscreen (no display needed) into an image; "
        "the format comes from the file's suffix: .png, .jpg/.jpeg, .bmp or .webp.",
    )
    p.add_argument("out", metavar="OUT.png", type=_image_path, help="the image file to write")
    p.add_argument("--show", metavar="ID", help="show this entity")
    p.add_argument("--search", metavar="TEXT", help="type this into the search box")
    p.add_argument("--size", metavar="WxH", default="1280x800", help="window size (default 1280x800)")
    p.add_argument("--theme", choices=("light", "dark"), default="light", help="colour theme (default light)")
    p.add_argument("--timeline", action="store_true", help="open the timeline under the page")
    p.add_argument(
        "--as-of",
        metavar="DATE",
        type=_as_of,
        help="show the page (and the timeline's cursor) as of DATE, as the window's As-of box does: "
        "a year (2019), a month (2019-01), a day (2019-01-15) or a span (1990s, early 1960s)",
    )

    p = sub.add_parser(
        "import",
        parents=[common],
        help="import official figures into a data pack",
        description="Import a dataset's figures into the data pack folder DIR (load it with --data DIR). "
        "Countries, programs and agencies are matched to the bundled data and the --data folders; "
        "the pack is built beside DIR and replaces it whole. Ends with one summary line; rows "
        "skipped as bad are named on stderr. Exit 0 done, 1 the file or DIR cannot be used (nothing "
        "written), 2 usage error.",
    )
    p.add_argument(
        "dataset",
        metavar="DATASET",
        choices=list(DATASETS),
        help="; ".join(f"{name}: {about}" for name, about in DATASETS.items()),
    )
    p.add_argument("file", metavar="FILE", type=Path, help="the downloaded CSV file")
    p.add_argument("--out", metavar="DIR", type=Path, required=True, help="the pack folder to write (replaced whole)")
    p.add_argument(
        "--accounts",
        metavar="REGEX",
        type=_regex,
        help="only funding accounts whose name or id this regular expression matches (case ignored)",
    )
    p.add_argument("--from", dest="first_year", metavar="FY", type=_fiscal_year, help="only fiscal years from FY on")
    p.add_argument("--to", dest="last_year", metavar="FY", type=_fiscal_year, help="only fiscal years up to FY")
    return parser


_VALUED = {"--data": "data", "--cache-dir": "cache_dir"}


def window_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The options of a plain window start, read without building the parser of every command.

    Takes `[--data DIR]... [--no-bundled] [--cache-dir DIR] [open ID [the same options]]`, each option
    spelt out whole (`--data DIR` or `--data=DIR`), and gives what `build_parser().parse_args` would;
    None for anything else (help, a mistake, an abbreviation, another command), which the full parser
    then reads, words the errors of and prints the help for. Building that parser is some 6 ms and
    imports what its option types need; a window start needs none of it.
    """
    data: list[Path] = []
    no_bundled = False
    cache_dirs: list[Path | None] = [None, None]  # before `open`, after it: the one after wins
    entity: str | None = None
    opened = False
    tokens = list(argv)
    position = 0
    while position < len(tokens):
        token = tokens[position]
        position += 1
        name, equals, value = token.partition("=")
        if name in _VALUED:
            if not equals:  # the value is the next word, which must not look like an option
                if position == len(tokens) or tokens[position].startswith("-"):
                    return None
                value = tokens[position]
                position += 1
            if _VALUED[name] == "data":
                data.append(Path(value))
            else:
                cache_dirs[opened] = Path(value)
        elif token == "--no-bundled":
            no_bundled = True
        elif token.startswith("-"):
            return None  # --help, --version, an abbreviation, "--", or a mistake
        elif not opened and token == "open":
            opened = True
        elif opened and entity is None:
            entity = token
        else:
            return None  # another command, or one word too many
    if opened and entity is None:
        return None  # `open` without its ID: the parser says what is missing
    args = argparse.Namespace(data=data, no_bundled=no_bundled, cache_dir=cache_dirs[1] or cache_dirs[0])
    args.command = "open" if opened else None
    if opened:
        args.id = entity
    return args


def data_folders(args: argparse.Namespace, extra: Sequence[Path] = ()) -> list[Path]:
    folders = [] if args.no_bundled else [bundled_data_dir()]
    folders += [*args.data, *extra]
    if not folders:
        raise UsageError("--no-bundled needs at least one --data DIR")
    for folder in [*args.data, *extra]:
        if not folder.exists():
            raise UsageError(f"data folder {folder} does not exist")
        if not folder.is_dir():
            raise UsageError(f"{folder} is a file; --data takes a folder")
    return folders


def resolve_entity(store: Store, ident: str) -> str:
    """The id of the entity `ident` names, whatever its case; NotFound, with the closest ids, when none.

    Every command that takes an id goes through here, so that one mistake gets one answer.
    Ids are lowercase slugs (the schema says so), so `IMET` and ` Pakistan ` are read as
    `imet` and `pakistan`.
    """
    linked = entity_from_link(ident)  # a link "Copy link" made: almanac://entity/ID
    if linked is not None:
        ident = linked
    for candidate in (ident, ident.strip().lower()):
        ref = store.ref(candidate)
        if ref is not None:
            return ref.id
    near = store.closest(ident)
    hint = f" Did you mean: {', '.join(r.id for r in near)}?" if near else ""
    raise NotFound(f"no entity with id {ident!r}.{hint}")

"""The `almanac` command line: search, show, list, timeline, validate and index from a terminal.

With no subcommand it opens the window. Exit codes: 0 done, 1 not found or
invalid data, 2 usage error, 70 an unexpected internal error (one line, no
traceback), 130 interrupted, 141 output pipe closed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn, TextIO

from desktop import __version__
from desktop.core.asof import PageAsOf, annotate, parse_as_of
from desktop.core.bundle import bundled_data_dir
from desktop.core.cache import CACHE_ENV
from desktop.core.dates import DateError, FuzzyDate, parse_date
from desktop.core.store import Store
from desktop.core.views import FactView, Page, TimelineItem

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70
MAX_PROBLEMS_SHOWN = 20


class UsageError(Exception):
    """A mistake in how the command was called: exit 2."""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return min(value, 2**63 - 1)  # SQLite's largest integer: more results than there can be


def _as_of(text: str) -> FuzzyDate:
    try:
        return parse_as_of(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _date(text: str) -> FuzzyDate:
    try:
        return parse_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one line (via UsageError), not a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")

    def parse_known_args(
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        return _merge_data_options(parsed), extras


# The data options are accepted before and after the subcommand. argparse copies a
# subcommand's defaults over whatever was given before it (`almanac --no-bundled list`
# would lose --no-bundled), so the subcommands store theirs under these names and
# `_merge_data_options` combines the two.
_SUB = "sub_"


def _common(dest_prefix: str = "") -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
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
        help="use only the --data folders, not the bundled data",
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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="almanac",
        description="Security Assistance Almanac: an offline reference for US security assistance. "
        "With no command, opens the window.",
        parents=[_common()],
        epilog="Exit codes: 0 done, 1 not found or invalid data, 2 usage error.",
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
    p.add_argument("id", metavar="ID", help="the entity's id, e.g. imet")
    p.add_argument(
        "--as-of",
        metavar="DATE",
        type=_as_of,
        help="the entity as it stood at DATE (2019, 2019-01 or 2019-01-15): each fact marked current, past "
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
    p.add_argument("id", metavar="ID", help="the entity's id")

    p = sub.add_parser(
        "screenshot",
        parents=[common],
        help="render the window into a PNG file",
        description="Render the real window offscreen into a PNG image.",
    )
    p.add_argument("out", metavar="OUT.png", type=Path, help="the PNG file to write")
    p.add_argument("--show", metavar="ID", help="show this entity")
    p.add_argument("--search", metavar="TEXT", help="type this into the search box")
    p.add_argument("--size", metavar="WxH", default="1280x800", help="window size (default 1280x800)")
    p.add_argument("--theme", choices=("light", "dark"), default="light", help="colour theme (default light)")
    p.add_argument("--timeline", action="store_true", help="open the timeline under the page")
    p.add_argument("--as-of", metavar="DATE", type=_as_of, help="show the page (and the timeline's cursor) as of DATE")
    return parser


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


def open_store(args: argparse.Namespace, err: TextIO, rebuild: bool = False) -> Store:
    store = Store.open(data_folders(args), cache_dir=args.cache_dir, rebuild=rebuild)
    if store.notice:
        print(f"almanac: note: {store.notice}", file=err)
    problems = store.problems()
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        print(problem, file=err)
    if len(problems) > MAX_PROBLEMS_SHOWN:
        print(f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more problems: run `almanac validate`", file=err)
    return store


# -- output helpers ---------------------------------------------------------


def _width(out: TextIO) -> int:
    return min(shutil.get_terminal_size((100, 24)).columns, 110) if out.isatty() else 100


def _wrap(text: str, indent: str, out: TextIO) -> str:
    return textwrap.fill(text, _width(out), initial_indent=indent, subsequent_indent=indent)


def _ref_json(ref: Any) -> dict | None:
    return {"id": ref.id, "kind": ref.kind, "name": ref.name} if ref else None


def fact_json(fact: FactView) -> dict:
    return {
        "property": fact.property,
        "label": fact.label,
        "entity": _ref_json(fact.entity),
        "value": fact.value,
        "unit": fact.unit,
        "text": fact.phrase,
        "date": fact.date,
        "start": fact.start,
        "end": fact.end,
        "note": fact.note,
        "sources": [
            {"id": c.source.id, "title": c.source.title, "url": c.source.url, "locator": c.locator}
            for c in fact.sources
        ],
    }


def page_json(page: Page) -> dict:
    return {
        "id": page.id,
        "kind": page.kind,
        "name": page.name,
        "aliases": list(page.aliases),
        "summary": page.summary,
        "parent": _ref_json(page.parent),
        "children": [_ref_json(c) for c in page.children],
        "facts": [fact_json(f) for f in page.facts],
        "inbound": [fact_json(f) for f in page.inbound],
        "sources": [
            {"id": s.id, "title": s.title, "publisher": s.publisher, "url": s.url, "license": s.license}
            for s in page.sources
        ],
    }


def page_as_of_json(view: PageAsOf) -> dict:
    """page_json with each fact's status as of the date, and that date as "as_of"."""
    data = page_json(view.page)
    data["as_of"] = view.as_of.text
    for key, annotated in (("facts", view.facts), ("inbound", view.inbound)):
        for fact, item in zip(data[key], annotated, strict=True):
            fact["status"] = item.status
    return data


def print_page(page: Page, out: TextIO, as_of: PageAsOf | None = None) -> None:
    marks: dict[int, str] = {}
    if as_of is not None:
        # As it stood then: facts not yet true are left out, so are sources only they cite.
        shown, shown_inbound = (tuple(f.fact for f in as_of.shown(inbound)) for inbound in (False, True))
        page = replace(page, facts=shown, inbound=shown_inbound)
        marks = {id(f.fact): f"[{f.status}] " for f in (*as_of.facts, *as_of.inbound)}
    numbers = {s.id: n for n, s in enumerate(page.sources, start=1)}

    def notes(fact: FactView) -> str:
        return " ".join(f"[{numbers[c.source.id]} {c.locator}]" for c in fact.sources)

    print(page.name, file=out)
    print(f"{page.kind_label} · {page.id}", file=out)
    if page.aliases:
        print(f"Also known as: {', '.join(page.aliases)}", file=out)
    if page.parent:
        print(f"Part of: {page.parent.name} ({page.parent.id})", file=out)
    if as_of is not None:
        print(f"As of {as_of.as_of.display()}: [current] facts in force then, [past] facts over by then, "
              "[uncertain] facts whose dates are too vague to tell", file=out)  # fmt: skip
    if page.summary:
        print(file=out)
        print(_wrap(page.summary, "", out), file=out)
    for title, facts in (("Facts", page.facts), ("Referenced by", page.inbound)):
        if facts:
            print(f"\n{title}", file=out)
            for fact in facts:
                line = marks.get(id(fact), "") + fact.phrase
                if fact.note:
                    line += f" — {fact.note}"
                print(_wrap(f"{line} {notes(fact)}", "  ", out), file=out)
    if page.children:
        print("\nIncludes", file=out)
        for child in page.children:
            print(f"  {child.name} ({child.id})", file=out)
    if page.sources:
        print("\nSources", file=out)
        for source, n in numbers.items():
            info = next(s for s in page.sources if s.id == source)
            print(f"  [{n}] {info.title} — {info.publisher}, {info.license}. {info.url}", file=out)
    if as_of is not None and (later := as_of.hidden_count()):
        print(f"\n{later} fact{'s' if later != 1 else ''} from after {as_of.as_of.display()} not shown.", file=out)


def timeline_json(item: TimelineItem) -> dict:
    return {
        "subject": _ref_json(item.subject),
        "entity": _ref_json(item.other),
        "property": item.property,
        "label": item.label,
        "text": item.phrase,
        "note": item.note,
        "date": item.date,
        "start": item.start,
        "end": item.end,
        "earliest": item.earliest,
        "latest": item.latest,
        "precision": item.precision,
        "sources": [
            {"id": c.source.id, "title": c.source.title, "url": c.source.url, "locator": c.locator}
            for c in item.sources
        ],
    }


def print_timeline(items: list[TimelineItem], out: TextIO) -> None:
    """One fact a line, its bounds first ("…" for an open start or end), its sources below it."""
    for item in items:
        bounds = f"{item.earliest or '…'} – {item.latest or '…'}"
        print(textwrap.fill(f"{bounds:<25} {item.sentence}", _width(out), subsequent_indent=" " * 26), file=out)
        cited = "; ".join(f"{c.source.title} {c.locator}" for c in item.sources)
        print(_wrap(cited, " " * 26, out), file=out)


# -- commands ---------------------------------------------------------------


def check_kind(store: Store, kind: str | None) -> None:
    """A --kind the vocabulary does not have is a usage error that lists the kinds it does."""
    known = [k.id for k in store.kinds()]
    if kind and kind not in known:
        raise UsageError(f"unknown kind {kind!r} (kinds: {', '.join(known)})")


def cmd_search(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    store = open_store(args, err)
    check_kind(store, args.kind)
    hits = store.search(" ".join(args.query), kind=args.kind, limit=args.limit)
    if args.json:
        json.dump(
            [{"id": h.id, "kind": h.kind, "name": h.name, "score": h.score, "snippet": h.marked()} for h in hits],
            out,
            ensure_ascii=False,
            indent=2,
        )
        print(file=out)
        return EXIT_OK
    if not hits:
        print(f"No matches for {' '.join(args.query)!r}.", file=out)
        near = store.closest(" ".join(args.query))
        if near:
            print("Closest names: " + ", ".join(f"{r.name} ({r.id})" for r in near), file=out)
        return EXIT_OK
    bold, plain = ("\033[1m", "\033[0m") if out.isatty() else ("[", "]")
    for hit in hits:
        print(f"{hit.name}  ({hit.kind}: {hit.id})", file=out)
        print(_wrap(hit.marked(bold, plain), "    ", out), file=out)
    return EXIT_OK


def cmd_show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    store = open_store(args, err)
    page = store.page(args.id)
    if page is None:
        near = store.closest(args.id)
        hint = f" Did you mean: {', '.join(r.id for r in near)}?" if near else ""
        print(f"almanac: no entity with id {args.id!r}.{hint}", file=err)
        return EXIT_NOT_FOUND
    as_of = annotate(page, args.as_of) if args.as_of else None
    if args.json:
        json.dump(page_as_of_json(as_of) if as_of else page_json(page), out, ensure_ascii=False, indent=2)
        print(file=out)
    else:
        print_page(page, out, as_of)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.start and args.end and args.start.earliest > args.end.latest:
        raise UsageError(f"--from {args.start.text} is after --to {args.end.text}")
    store = open_store(args, err)
    check_kind(store, args.kind)
    if args.entity and store.ref(args.entity) is None:
        near = store.closest(args.entity)
        hint = f" Did you mean: {', '.join(r.id for r in near)}?" if near else ""
        print(f"almanac: no entity with id {args.entity!r}.{hint}", file=err)
        return EXIT_NOT_FOUND
    items = store.timeline(
        entity=args.entity,
        kind=args.kind,
        start=args.start.text if args.start else None,
        end=args.end.text if args.end else None,
        text=args.text,
        limit=args.limit,
    )
    if args.json:
        json.dump([timeline_json(i) for i in items], out, ensure_ascii=False, indent=2)
        print(file=out)
    elif items:
        print_timeline(items, out)
    else:
        print("No dated facts match.", file=out)
    return EXIT_OK


def cmd_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    store = open_store(args, err)
    kinds = store.kinds()
    check_kind(store, args.kind)
    if args.kinds:
        if args.json:
            json.dump([{"id": k.id, "label": k.plural, "count": k.count} for k in kinds], out, indent=2)
            print(file=out)
        else:
            for k in kinds:
                print(f"{k.id:<14} {k.count:>7}  {k.plural}", file=out)
        return EXIT_OK
    refs = store.entities(args.kind)
    if args.json:
        json.dump([_ref_json(r) for r in refs], out, ensure_ascii=False, indent=2)
        print(file=out)
        return EXIT_OK
    for ref in refs:
        print(f"{ref.id:<48} {ref.kind:<12} {ref.name}", file=out)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    folders = data_folders(args, args.dirs)
    from desktop.core.loader import load  # the YAML and schema machinery, only for this command

    result = load(folders)
    for problem in result.problems:
        print(problem, file=out)
    files = len(result.files)
    if result.problems:
        print(f"{len(result.problems)} problem(s) in {files} files; everything else is usable.", file=err)
        return EXIT_NOT_FOUND
    print(f"ok: {len(result.entities)} entities, {result.fact_count} facts in {files} files.", file=err)
    return EXIT_OK


def cmd_index(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    started = time.perf_counter()
    store = open_store(args, err, rebuild=args.rebuild)
    elapsed = time.perf_counter() - started
    counts = store.counts()
    what = "Built" if store.built else "Up to date:"
    print(f"{what} {counts.entities} entities, {counts.facts} facts in {elapsed:.2f} s", file=out)
    for kind in counts.kinds:
        print(f"  {kind.plural:<26} {kind.count:>7}", file=out)
    if store.path is not None:
        print(f"Index: {store.path} ({store.path.stat().st_size / 1024:.0f} KiB)", file=out)
    else:
        print("Index: in memory for this run only", file=out)
    return EXIT_OK


def cmd_window(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    data_folders(args)  # usage errors before any window appears
    from desktop.app import run

    argv = [a for a in sys.argv[1:]] if args.command is None else []
    return run(args, argv)


def cmd_screenshot(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    data_folders(args)
    try:
        width, height = (int(n) for n in args.size.lower().split("x"))
        if not (100 <= width <= 8000 and 100 <= height <= 8000):
            raise ValueError
    except ValueError:
        raise UsageError(f"--size wants WIDTHxHEIGHT between 100 and 8000, e.g. 1280x800, not {args.size!r}") from None
    from desktop.app import screenshot

    return screenshot(args, (width, height), out, err)


COMMANDS: dict[str | None, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
    "search": cmd_search,
    "show": cmd_show,
    "list": cmd_list,
    "timeline": cmd_timeline,
    "validate": cmd_validate,
    "index": cmd_index,
    "open": cmd_window,
    "screenshot": cmd_screenshot,
    None: cmd_window,
}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"almanac: error: {exc}", file=err)
        return EXIT_USAGE
    except SystemExit as exc:  # argparse: --help and --version exit 0
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args, out, err)
    except UsageError as exc:
        print(f"almanac: error: {exc}", file=err)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`almanac list | head -1`): stop quietly, as cat does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print("almanac: interrupted", file=err)
        return 130
    except Exception as exc:
        print(f"almanac: internal error: {type(exc).__name__}: {exc}", file=err)
        return EXIT_INTERNAL


def main_exit() -> None:
    """The console script's entry point."""
    sys.exit(main())

"""The `almanac` command line: search, show, list, timeline, validate, index and import from a terminal.

With no subcommand it opens the window. Exit codes: 0 done, 1 not found or
invalid data, 2 usage error, 70 an unexpected internal error (one line, no
traceback), 130 interrupted, 141 output pipe closed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from desktop.core.debug import DEBUG_ENV, configure_logging, debugging
from desktop.options import NotFound, UsageError, build_parser, data_folders, resolve_entity, window_args

if TYPE_CHECKING:
    from desktop.core.asof import PageAsOf
    from desktop.core.store import Store
    from desktop.core.views import CitationView, ClaimView, FactView, Page, TimelineItem

# What the commands print with (json, textwrap, the store, the views, the as-of reading) is imported
# by the commands themselves: opening the window, the commonest use, needs none of it, and its start
# is measured against a bare window (README, Performance).

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70
MAX_PROBLEMS_SHOWN = 20


def open_store(args: argparse.Namespace, err: TextIO, rebuild: bool = False) -> Store:
    from desktop.core.store import Store

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
    import shutil

    return min(shutil.get_terminal_size((100, 24)).columns, 110) if out.isatty() else 100


def _wrap(text: str, indent: str, out: TextIO) -> str:
    import textwrap

    return textwrap.fill(text, _width(out), initial_indent=indent, subsequent_indent=indent)


def _ref_json(ref: Any) -> dict | None:
    return {"id": ref.id, "kind": ref.kind, "name": ref.name} if ref else None


def _cites_json(citations: Iterable[CitationView]) -> list[dict]:
    return [{"id": c.source.id, "title": c.source.title, "url": c.source.url, "locator": c.locator} for c in citations]


def _claim_json(claim: ClaimView) -> dict:
    return {
        "rank": claim.rank,
        "shown": claim.shown,
        "entity": _ref_json(claim.entity),
        "value": claim.value,
        "unit": claim.unit,
        "text": claim.phrase,
        "date": claim.date,
        "start": claim.start,
        "end": claim.end,
        "note": claim.note,
        "sources": _cites_json(claim.sources),
    }


def fact_json(fact: FactView) -> dict:
    """A fact as `--json` gives it: the claim it stands by, and every claim when its sources disagree."""
    return {
        "property": fact.property,
        "label": fact.label,
        "time": fact.time,
        "entity": _ref_json(fact.entity),
        "value": fact.value,
        "unit": fact.unit,
        "text": fact.phrase,
        "date": fact.date,
        "start": fact.start,
        "end": fact.end,
        "note": fact.note,
        "sources": _cites_json(fact.sources),
        "rank": fact.rank,
        "sources_disagree": fact.disputed,
        "claims": [_claim_json(c) for c in fact.claims],
    }


def page_json(page: Page) -> dict:
    return {
        "id": page.id,
        "kind": page.kind,
        "name": page.name,
        "aliases": list(page.aliases),
        "summary": page.summary,
        "summary_sources": _cites_json(page.summary_sources),
        "parent": _ref_json(page.parent),
        "parent_sources": _cites_json(page.parent_sources),
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
    from dataclasses import replace

    from desktop.core.asof import STATUS_WORDS
    from desktop.core.citation import note_mark

    marks: dict[int, str] = {}
    if as_of is not None:
        # As it stood then: facts not yet true are left out, so are sources only they cite.
        shown, shown_inbound = (tuple(f.fact for f in as_of.shown(inbound)) for inbound in (False, True))
        page = replace(page, facts=shown, inbound=shown_inbound)
        marks = {id(f.fact): f"[{STATUS_WORDS[f.status]}] " for f in (*as_of.facts, *as_of.inbound)}
    numbers = {s.id: n for n, s in enumerate(page.sources, start=1)}

    def notes(citations: Iterable[CitationView]) -> str:
        return " ".join(f"[{note_mark(numbers[c.source.id], c.locator)}]" for c in citations)

    print(page.name, file=out)
    print(f"{page.kind_label} · {page.id}", file=out)
    if page.aliases:
        print(f"Also known as: {', '.join(page.aliases)}", file=out)
    if page.parent:
        print(f"Part of: {page.parent.name} ({page.parent.id}) {notes(page.parent_sources)}".rstrip(), file=out)
    if as_of is not None:
        print(f"As of {as_of.as_of.display()}: [current] facts in force then, [past] facts over by then, "
              "[uncertain] facts whose dates are too vague to tell, [date not known] events and states "
              "the data has no date for, [timeless] facts not about time", file=out)  # fmt: skip
    if page.summary:
        print(file=out)
        print(_wrap(f"{page.summary} {notes(page.summary_sources)}".rstrip(), "", out), file=out)
    for title, facts in (("Facts", page.facts), ("Referenced by", page.inbound)):
        if facts:
            print(f"\n{title}", file=out)
            for fact in facts:
                line = marks.get(id(fact), "") + fact.phrase
                if fact.note:
                    line += f" — {fact.note}"
                if fact.disputed:
                    line += " (sources disagree)"
                print(_wrap(f"{line} {notes(fact.sources)}", "  ", out), file=out)
                for claim in fact.claims:
                    if not claim.shown:
                        other = f"{claim.rank}: {claim.phrase}" + (f" — {claim.note}" if claim.note else "")
                        print(_wrap(f"{other} {notes(claim.sources)}", "      ", out), file=out)
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
        "sources": _cites_json(item.sources),
    }


def print_timeline(items: list[TimelineItem], out: TextIO) -> None:
    """One fact a line, its bounds first ("…" for an open start or end), its sources below it."""
    import textwrap

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
    import json

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
    import json

    from desktop.cli_figures import figure_fact_json
    from desktop.core.asof import annotate

    store = open_store(args, err)
    page = store.page(resolve_entity(store, args.id))
    if page is None:  # the index changed under us between the two lookups
        raise NotFound(f"no entity with id {args.id!r}.")
    as_of = annotate(page, args.as_of) if args.as_of else None
    if args.json:
        data = page_as_of_json(as_of) if as_of else page_json(page)
        # Official figures, each as a FACT: thousands for a country, so apart from its facts.
        data["figures"] = [figure_fact_json(f, page.id, args.as_of) for f in store.figures(page.id)]
        json.dump(data, out, ensure_ascii=False, indent=2)
        print(file=out)
    else:
        print_page(page, out, as_of)
    return EXIT_OK


def cmd_figures(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import json

    from desktop.cli_figures import figure_json, print_figures, write_csv

    store = open_store(args, err)
    ident = resolve_entity(store, args.id)
    other = resolve_entity(store, args.program) if args.program else None
    figures = store.figures(ident, other=other, kind=args.type)
    if args.json:
        json.dump([figure_json(f, args.dollars) for f in figures], out, ensure_ascii=False, indent=2)
        print(file=out)
    elif args.csv:
        write_csv(figures, args.dollars, out)
    elif figures:
        print_figures(figures, ident, args.dollars, out)
    else:
        ref = store.ref(ident)
        print(
            f"No official figures for {ref.name if ref else ident} (import a dataset: almanac import --help).", file=err
        )
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import json

    if args.start and args.end and args.start.earliest > args.end.latest:
        raise UsageError(f"--from {args.start.text} is after --to {args.end.text}")
    store = open_store(args, err)
    check_kind(store, args.kind)
    entity = resolve_entity(store, args.entity) if args.entity else None
    items = store.timeline(
        entity=entity,
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
    import json

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
    figures = f", {len(result.figures):,} figures" if result.figures else ""
    print(f"ok: {len(result.entities)} entities, {result.fact_count} facts{figures} in {files} files.", file=err)
    return EXIT_OK


def cmd_index(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import time

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
    import gc

    # Opening the window allocates a great deal (modules, Qt's classes, the widgets) and frees next to
    # nothing, and some 60 collections meanwhile find nothing to free: the collector waits for the
    # first paint (as around other such work: core/collector.py), and is back however this ends.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from desktop.app import run

        argv = [a for a in sys.argv[1:]] if args.command is None else []
        return run(args, argv, started=_collect_again if collecting else None)
    finally:
        if collecting:
            gc.enable()


def _collect_again() -> None:
    """After the window's first paint: what was made to open it lives as long as the window, so it is kept
    out of the collector's way (frozen), and the collector is back."""
    import gc

    gc.freeze()
    gc.enable()


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


class ProgressLine:
    """The import's progress on one terminal line (rows, MB/s, time left), redrawn at most four times a second."""

    def __init__(self, err: TextIO, name: str) -> None:
        import time

        self.err = err
        self.name = name
        self.started = time.monotonic()
        self.drawn = 0.0
        self.shown = False

    def __call__(self, rows: int, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if now - self.drawn < 0.25:
            return
        self.drawn = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = f"{_duration((total - done) / rate)} left" if rate > 0 and done else "time left unknown"
        percent = 100 * done / total if total else 100.0
        line = (
            f"{self.name}: {percent:3.0f}% · ~{rows:,} rows · {done / 1e6:,.0f} of {total / 1e6:,.0f} MB · "
            f"{rate / 1e6:,.1f} MB/s · {left}"
        )
        self.err.write("\r" + line[: _width(self.err) - 1] + "\033[K")
        self.err.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.err.write("\r\033[K")
            self.err.flush()


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.first_year and args.last_year and args.first_year > args.last_year:
        raise UsageError(f"--from {args.first_year} is after --to {args.last_year}")
    if not args.file.exists():
        raise UsageError(f"{args.file} does not exist")
    if args.file.is_dir():
        raise UsageError(f"{args.file} is a folder; give the CSV file")
    data_folders(args)  # the --data folders are checked like every command's
    # Only now: the importer brings its CSV engine, which nothing else needs.
    from desktop.importers.foreignassistance import ImportFailed, run_import

    progress = ProgressLine(err, args.file.name) if err.isatty() else None
    try:
        report = run_import(
            args.file,
            args.out,
            accounts=args.accounts,
            first_year=args.first_year,
            last_year=args.last_year,
            data_folders=args.data,
            progress=progress,
        )
    except ImportFailed as exc:
        print(f"almanac: {exc}", file=err)
        return EXIT_NOT_FOUND
    finally:
        if progress is not None:
            progress.clear()
    shown: dict[str, int] = {}
    for row, reason, value in report.bad_rows:
        shown[reason] = shown.get(reason, 0) + 1
        print(f"almanac: {args.file.name}: row {row}: {reason} {value!r}, skipped", file=err)
    for reason, count in shown.items():
        if report.skipped.get(reason, 0) > count:
            print(
                f"almanac: {args.file.name}: … and {report.skipped[reason] - count:,} more rows with {reason}", file=err
            )
    print(report.summary(), file=out)
    return EXIT_OK


COMMANDS: dict[str | None, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
    "search": cmd_search,
    "show": cmd_show,
    "list": cmd_list,
    "timeline": cmd_timeline,
    "figures": cmd_figures,
    "validate": cmd_validate,
    "index": cmd_index,
    "open": cmd_window,
    "screenshot": cmd_screenshot,
    "import": cmd_import,
    None: cmd_window,
}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        # A plain window start is read without building every command's parser.
        args = window_args(sys.argv[1:] if argv is None else argv) or build_parser().parse_args(argv)
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
    except NotFound as exc:
        print(f"almanac: {exc}", file=err)
        return EXIT_NOT_FOUND
    except BrokenPipeError:
        # The reader went away (`almanac list | head -1`): stop quietly, as cat does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print("almanac: interrupted", file=err)
        return 130
    except Exception as exc:
        if debugging():
            import traceback

            traceback.print_exc(file=err)
        hint = "" if debugging() else f" ({DEBUG_ENV}=1 shows the traceback)"
        print(f"almanac: internal error: {type(exc).__name__}: {exc}{hint}", file=err)
        return EXIT_INTERNAL


def main_exit() -> None:
    """The console script's entry point."""
    configure_logging(sys.stderr)
    sys.exit(main())

"""Reading a full build's data files into batches of index rows, on every core when that pays.

Each data file is read alone: parsed, checked against the schema, the vocabulary and the
calendar, and turned into the rows the index keeps of its entities. A build splits its files
into jobs of consecutive files; when there is enough to share (POOL_MIN_BYTES), worker processes
(one a core) read them while this process writes the index, and the batches come out in the
order the files are listed, exactly as reading them one after another gives them.

A batch carries its rows as a small SQLite database of its own (`SCRATCH`), which the build
attaches and copies into the index with INSERT … SELECT: no row passes through Python on the
way in, and handing Python objects between processes (pickling every entity and fact) would
cost more than the reading saves. Beside the rows, a `Brief` of each entity holds what the rules
across files and the full text need of it, which only the whole data can settle.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sqlite3
import threading
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from desktop.core import index
from desktop.core.collector import collector_paused
from desktop.core.loader import Memo, PlainFact, entity_names, open_file
from desktop.core.phrases import joined_phrase, phrase_detail
from desktop.core.problems import Problem

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future, ProcessPoolExecutor

    from desktop.core.model import Entity, Fact
    from desktop.core.vocabulary import Vocabulary

log = logging.getLogger("almanac.build")

# A pool is used only when at least this much YAML lies outside the largest job (one file can only
# be read by one process): below it, starting the workers (a fork server importing the loader, then
# a fork each) costs about what they save. Measured, each build in a fresh process: two files of
# 0.75 MB, 0.28 s with a pool against 0.26 without; of 1.2 MB, 0.39 against 0.43; of 1.8 MB, 0.54
# against 0.64; ten of 2.4 MB, 3.3 s against 5.3.
POOL_MIN_BYTES = 1024 * 1024
# A job is this share of the data (or more, never past JOB_MAX_BYTES unless one file is larger):
# small enough that the cores finish together, large enough that each job's fixed costs are small.
JOBS_PER_CORE = 8
JOB_MIN_BYTES = 256 * 1024
JOB_MAX_BYTES = 8 * 1024 * 1024
# A pool of more than this many workers would wait on the one process that writes the index.
MAX_WORKERS = 4

# The rows of a batch, as the index's tables have them (index.DDL) but numbered within the batch:
# `k` is an entity's place in it, and the build fills `keep` with the rid each kept entity gets and
# the rid of its first fact (an entity whose id an earlier file has is left out, as in one process).
_ENTITY_COLUMNS = (
    "id, kind, name, sort_name, aliases, parent, tree_parent, summary, path, place, child_count, link_count, "
    "fact_count, written_parent, digest, parent_sources, summary_sources"
)
_WHEN_COLUMNS = 'date, start, "end", earliest, latest, precision, display_date, start_min, start_max, end_min, end_max'
SCRATCH = f"""
CREATE TABLE {{0}}entities(k INTEGER PRIMARY KEY, {_ENTITY_COLUMNS});
CREATE TABLE {{0}}facts(k INTEGER NOT NULL, position INTEGER NOT NULL, property, object, value, unit, text, unknown,
                       note, claims, w INTEGER NOT NULL);
CREATE TABLE {{0}}whens(w INTEGER PRIMARY KEY, {_WHEN_COLUMNS});
CREATE TABLE {{0}}citations(k INTEGER NOT NULL, position INTEGER NOT NULL, j INTEGER NOT NULL, source, locator);
CREATE TABLE {{0}}names(k INTEGER NOT NULL, norm, name, is_primary, alias, ambiguous);
CREATE TABLE {{0}}keep(k INTEGER PRIMARY KEY, rid INTEGER NOT NULL, fact_base INTEGER NOT NULL);
"""
_TABLES = ("entities", "facts", "whens", "citations", "names")
# CROSS JOIN keeps the batch's table as the outer loop, read in the order written, each row finding
# its entity's numbers (and a fact its dates) by primary key; `names` takes its rids in that order.
# A fact's dates are kept once for all the facts that have the same (a few thousand in a large folder).
_COPY = (
    f"INSERT INTO main.entities SELECT keep.rid, {', '.join('e.' + c.strip() for c in _ENTITY_COLUMNS.split(','))} "
    "FROM scratch.entities AS e CROSS JOIN scratch.keep AS keep ON keep.k = e.k",
    # in the order of index.fact_row; `missing` is for the rules across files to say, later
    "INSERT INTO main.facts SELECT keep.fact_base + f.position, e.id, f.position, f.property, f.object, NULL, "
    'f.value, f.unit, f.text, f.unknown, w.date, w.start, w."end", w.earliest, w.latest, w.precision, '
    "w.display_date, f.note, w.start_min, w.start_max, w.end_min, w.end_max, f.claims "
    "FROM scratch.facts AS f CROSS JOIN scratch.keep AS keep ON keep.k = f.k "
    "CROSS JOIN scratch.entities AS e ON e.k = f.k CROSS JOIN scratch.whens AS w ON w.w = f.w",
    "INSERT INTO main.citations SELECT keep.fact_base + c.position, c.j, c.source, c.locator "
    "FROM scratch.citations AS c CROSS JOIN scratch.keep AS keep ON keep.k = c.k",
    "INSERT INTO main.names(norm, entity, name, is_primary, alias, ambiguous) "
    "SELECT n.norm, keep.rid, n.name, n.is_primary, n.alias, n.ambiguous "
    "FROM scratch.names AS n CROSS JOIN scratch.keep AS keep ON keep.k = n.k ORDER BY n.rowid",
)

Where = tuple[int | str, ...]


class Brief(NamedTuple):
    """What the build needs of one entity besides its rows: for the rules across files and the full text."""

    k: int  # its place in its batch
    id: str
    kind: str
    name: str
    parent: str | None  # as written
    path: str
    where: Where
    facts: int  # how many
    names: tuple[tuple[str, int | None, bool], ...]  # for the alias rule: (norm, alias position, ambiguous)
    links: tuple[tuple[int, str, str], ...]  # (fact position, property, the id it names)
    aliases: str  # as the full text has them
    summary: str
    # Its own facts' phrases and notes, in order; the phrase of a fact that links to another entity is
    # made once all are read, from `linked`, since it names that entity (or the id, if it does not exist).
    said: tuple[str, ...]
    linked: tuple[tuple[int, str, str, str, bool], ...]  # (its place in `said`, label, linked id, detail, unknown)
    said_of: tuple[tuple[str, int, str], ...]  # (id it links to, fact position, the phrase seen from there)


@dataclass
class FileRead:
    problems: list[Problem]
    entities: list[Brief]


@dataclass
class Batch:
    """Consecutive files read: what each said, and the rows of their entities (`SCRATCH`, serialized)."""

    files: list[FileRead]
    rows: bytes | dict[str, list[tuple]]  # the database, or its rows where sqlite3 cannot serialize


@dataclass
class Context:
    """What reading needs besides the files; a worker process gets its own copy once."""

    vocab: Vocabulary
    schema: Path
    memo: Memo = field(default_factory=Memo)


def read_batch(files: Sequence[tuple[Path, Path]], context: Context) -> Batch:
    """Read `files` ((data file, its folder), in order) into a batch."""
    # Reading allocates a great deal and frees little until the batch is made: collections would find
    # nothing, and cost the reading about an eighth of its time (0.04 s of 0.33 a file of 10,000 facts).
    with collector_paused():
        return _read_batch(files, context)


def _read_batch(files: Sequence[tuple[Path, Path]], context: Context) -> Batch:
    rows: dict[str, list[tuple]] = {table: [] for table in _TABLES}
    entity_rows, fact_rows, when_rows, citation_rows, name_rows = (rows[table] for table in _TABLES)
    whens: dict[tuple, int] = {}  # When.columns -> its row
    labels = {p.id: (p.label, p.inverse) for p in context.vocab.properties.values()}
    read: list[FileRead] = []
    k = 0
    for path, folder in files:
        reader, problems = open_file(context.vocab, context.schema, path, folder, context.memo)
        briefs: list[Brief] = []
        read.append(FileRead(problems, briefs))
        if reader is None:
            continue
        for at, item in reader.items():
            # Nearly every entity has nothing wrong with it, and its facts go straight into rows (`plain`);
            # the others are read as `load_file` reads them, every problem said.
            plain = reader.plain(at, item)
            if plain is not None:
                entity, facts = plain
            else:
                found = reader.entity(at, item, single=not at)
                if found is None:
                    continue
                entity, facts = found, [_plain(fact) for fact in found.facts]
            keys = index.name_keys(entity)
            entity_rows.append((k, *index.entity_row(entity, len(facts))))
            name_rows.extend((k, *row) for row in index.names_of(entity, keys))
            briefs.append(_read_facts(k, entity, facts, keys, labels, whens, fact_rows, when_rows, citation_rows))
            k += 1
    return Batch(read, _pack(rows))


def _plain(fact: Fact) -> PlainFact:
    return (
        fact.property, fact.entity, fact.value, fact.unit, fact.text, fact.unknown, fact.when, fact.note,
        fact.sources, fact.claims,
    )  # fmt: skip


def _read_facts(
    k: int,
    entity: Entity,
    facts: list[PlainFact],
    keys: list[str],
    labels: dict[str, tuple[str, str]],
    whens: dict[tuple, int],
    fact_rows: list[tuple],
    when_rows: list[tuple],
    citation_rows: list[tuple],
) -> Brief:
    """The rows of an entity's facts, and its brief: one pass over the facts, which a build makes for every one."""
    said: list[str] = []
    linked: list[tuple[int, str, str, str, bool]] = []
    said_of: list[tuple[str, int, str]] = []
    links: list[tuple[int, str, str]] = []
    name = entity.name
    for position, (prop, target, value, unit, text, unknown, when_, note, sources, claims) in enumerate(facts):
        when = when_.columns
        w = whens.get(when)
        if w is None:
            w = whens[when] = len(whens)
            when_rows.append((w, *when))
        cases = index.claims_json(claims) if claims else None
        fact_rows.append((k, position, prop, target, value, unit, text, int(unknown), note, cases, w))
        for j, cite in enumerate(sources):
            citation_rows.append((k, position, j, cite.source, cite.locator))
        label, inverse = labels[prop]
        detail = (text or "") if value is None else phrase_detail(value, unit, text)
        if target is None:
            said.append(joined_phrase(label, None, detail, unknown))
        else:
            links.append((position, prop, target))
            linked.append((len(said), label, target, detail, unknown))
            said.append(label)  # in its place until the phrase is made
            said_of.append((target, position, joined_phrase(inverse, name, detail, unknown)))
        if note:
            said.append(note)
    names = tuple((n.norm, n.alias, n.ambiguous) for n in entity_names(entity, keys))
    return Brief(
        k, entity.id, entity.kind, name, entity.parent, entity.path, entity.where, len(facts), names,
        tuple(links), index.FTS_JOIN.join(entity.aliases), entity.summary, tuple(said), tuple(linked),
        tuple(said_of),
    )  # fmt: skip


def _pack(rows: dict[str, list[tuple]]) -> bytes | dict[str, list[tuple]]:
    db = sqlite3.connect(":memory:")
    if not hasattr(db, "serialize"):  # an SQLite built without it: the rows travel as they are
        db.close()
        return rows
    try:
        db.executescript(SCRATCH.format(""))
        for table, found in rows.items():
            if found:
                db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(found[0]))})", found)
        db.commit()
        return db.serialize()
    finally:
        db.close()


def attach_scratch(conn: sqlite3.Connection) -> None:
    """Make room beside the index for one batch's rows at a time (see `copy_batch`)."""
    conn.execute("ATTACH DATABASE ':memory:' AS scratch")
    if not hasattr(conn, "deserialize"):
        conn.executescript(SCRATCH.format("scratch."))


def copy_batch(conn: sqlite3.Connection, batch: Batch, keep: list[tuple[int, int, int]]) -> None:
    """Copy a batch's rows into the index: `keep` gives (k, rid, rid of its first fact) of each entity kept."""
    if isinstance(batch.rows, bytes):
        conn.deserialize(batch.rows, name="scratch")
    else:
        for table in (*_TABLES, "keep"):
            conn.execute(f"DELETE FROM scratch.{table}")
        for table, found in batch.rows.items():
            if found:
                conn.executemany(f"INSERT INTO scratch.{table} VALUES ({','.join('?' * len(found[0]))})", found)
    conn.executemany("INSERT INTO scratch.keep VALUES (?,?,?)", keep)
    (names_before,) = conn.execute("SELECT coalesce(max(rid), 0) FROM main.names").fetchone()
    for sql in _COPY:
        conn.execute(sql)
    index.spell_names(conn, names_before)


def detach_scratch(conn: sqlite3.Connection) -> None:
    conn.commit()  # SQLite detaches no database inside a transaction
    conn.execute("DETACH DATABASE scratch")


# -- jobs and the pool -------------------------------------------------------------------------


def jobs_of(files: Sequence[tuple[Path, Path, int]], cores: int) -> list[list[tuple[Path, Path]]]:
    """`files` ((data file, folder, size), in order) as runs of consecutive files about equal in size."""
    total = sum(size for _, _, size in files)
    target = min(max(total // max(1, cores * JOBS_PER_CORE), JOB_MIN_BYTES), JOB_MAX_BYTES)
    jobs: list[list[tuple[Path, Path]]] = []
    job: list[tuple[Path, Path]] = []
    size = 0
    for path, folder, bytes_ in files:
        job.append((path, folder))
        size += bytes_
        if size >= target:
            jobs.append(job)
            job, size = [], 0
    if job:
        jobs.append(job)
    return jobs


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on every platform
        return os.cpu_count() or 1


def read_batches(files: Sequence[tuple[Path, Path, int]], context: Context) -> Generator[Batch, None, None]:
    """Every file read, as batches in the order of `files`; across processes when the data is large."""
    available = cores()
    jobs = jobs_of(files, available)
    workers = min(available, len(jobs), MAX_WORKERS)
    sizes = {path: size for path, _, size in files}
    shared = sum(sizes.values()) - max((sum(sizes[path] for path, _ in job) for job in jobs), default=0)
    if available < 2 or len(jobs) < 2 or shared < POOL_MIN_BYTES:
        for job in jobs:
            yield read_batch(job, context)
        return
    yield from _pooled(jobs, context, workers)


def _pooled(jobs: list[list[tuple[Path, Path]]], context: Context, workers: int) -> Generator[Batch, None, None]:
    """The batches of `jobs` in order, read by `workers` processes.

    This process reads jobs too until the first worker has one done (a worker takes a few tenths of
    a second to start); from then on it only copies batches into the index, each as soon as the ones
    before it are in, so that little is left to copy when the last file is read.
    """
    from concurrent.futures import FIRST_COMPLETED, wait  # only a build that uses a pool needs these

    pending = deque(range(len(jobs)))  # not handed out yet
    futures: dict[int, Future[Batch]] = {}  # handed out, not collected
    done: dict[int, Batch] = {}
    out = 0
    started = False  # a worker has finished a job
    pool = _start(workers, context)
    clean = False
    try:
        while out < len(jobs):
            while pool is not None and pending and len(futures) < 2 * workers:
                try:
                    futures[pending[0]] = pool.submit(_read_in_worker, jobs[pending[0]])
                except RuntimeError as exc:  # the pool broke (BrokenProcessPool) or is shut down
                    _failed(pool, futures, pending, exc)
                    pool = None
                    break
                pending.popleft()
            for job, future in list(futures.items()):
                if not future.done():
                    continue
                del futures[job]
                started = True
                try:
                    done[job] = future.result()
                except Exception as exc:  # a worker that died or failed: its jobs are read here again
                    _failed(pool, futures, pending, exc)
                    pool = None
                    pending = deque(sorted({*pending, job}))
                    break
            if out in done:
                yield done.pop(out)
                out += 1
                continue
            if pending and pool is None:
                job = pending.popleft()
                done[job] = read_batch(jobs[job], context)
                continue
            if pending and not started:
                # From the back: a job of its own from the front would hold up copying the workers' batches.
                job = pending.pop()
                done[job] = read_batch(jobs[job], context)
                continue
            wait(list(futures.values()), return_when=FIRST_COMPLETED)
        clean = True
    finally:
        # Interrupted (Ctrl+C) or failed: the workers are stopped rather than waited for.
        _stop(pool, at_once=not clean)


def _failed(
    pool: ProcessPoolExecutor | None, futures: dict[int, Future[Batch]], pending: deque[int], exc: Exception
) -> None:
    """Stop the pool, and give the jobs it had back to this process, in order."""
    log.debug("a build worker failed (%s: %s); reading its files in this process", type(exc).__name__, exc)
    _stop(pool, at_once=True)
    pending.extendleft(sorted(futures, reverse=True))
    futures.clear()


def _start(workers: int, context: Context) -> ProcessPoolExecutor | None:
    """A pool of `workers` fresh processes, or None (and a note in the log) when none can be started."""
    from concurrent.futures import ProcessPoolExecutor

    pool = None
    try:
        with _interrupts_ignored():
            pool = ProcessPoolExecutor(workers, _process_context(), _init_worker, (context.vocab, context.schema))
            # The pool starts a worker per job handed out until it has them all: start them all now, while
            # Ctrl+C is ignored, so that they start ignoring it (it is this process's to answer).
            for _ in range(workers):
                pool.submit(int)
        return pool
    except (OSError, ImportError, NotImplementedError, RuntimeError) as exc:
        log.debug("no build workers (%s: %s); reading in this process", type(exc).__name__, exc)
        _stop(pool, at_once=True)
        return None


def _process_context() -> multiprocessing.context.BaseContext:
    """How workers are started: never as a fork of this process, whose other threads (the window's) may
    hold locks that a forked child would wait on forever, and never by importing `__main__` again.

    A "spawn" worker imports the program's main script again, which a script without an
    `if __name__ == "__main__"` guard would run whole; a "forkserver" worker is forked from a clean
    process started once, which imports only what reading needs. Windows has only "spawn".
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _stop(pool: ProcessPoolExecutor | None, at_once: bool) -> None:
    if pool is None:
        return
    if at_once:
        terminate = getattr(pool, "terminate_workers", None)  # Python 3.14 has it; before, only this way
        if callable(terminate):
            terminate()
        else:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """SIGINT ignored meanwhile, so that processes started now inherit it ignored (main thread only)."""
    before = signal.getsignal(signal.SIGINT) if threading.current_thread() is threading.main_thread() else None
    if before is None:  # not the main thread, or a handler Python did not install and could not put back
        yield
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


_worker_context: Context | None = None


def _init_worker(vocab: Vocabulary, schema: Path) -> None:
    global _worker_context
    with contextlib.suppress(ValueError, OSError, AttributeError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build's process answers Ctrl+C and stops the workers
    _worker_context = Context(vocab, schema)


def _read_in_worker(job: list[tuple[Path, Path]]) -> Batch:
    assert _worker_context is not None, "the worker was not initialised"
    return read_batch(job, _worker_context)

"""Where the index lives, how it is keyed, and how it is (re)built safely."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

# CPython's own SHA-256, the same digest as hashlib's: hashlib loads OpenSSL's library first, some
# 2 ms of every start, for the two short hashes a start makes (the index's name and fingerprint).
try:
    from _sha256 import sha256  # type: ignore[import-not-found]  # Python 3.11
except ImportError:
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]  # Python 3.12 and later
    except ImportError:  # a Python built without them
        from hashlib import sha256

from desktop import __version__
from desktop.core import index
from desktop.core.files import SCHEMA_FILE, SOURCES_FILE, VOCABULARY_FILE, data_files, figure_files
from desktop.core.index import FileStat
from desktop.core.records import lazy_dataclass

CACHE_ENV = "ALMANAC_CACHE_DIR"
APP_NAME = "sa-almanac"


def default_cache_dir() -> Path:
    """$ALMANAC_CACHE_DIR, else the platform's cache folder (XDG_CACHE_HOME on Linux)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    import platformdirs  # here: a start given its cache folder (--cache-dir, ALMANAC_CACHE_DIR) needs none of it

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def scan(folders: list[Path]) -> list[FileStat]:
    """Every file the data folders are made of, with its size and modification time.

    Stat data rather than contents: it is cheap at 100,000 files and any
    editor's save changes it.
    """
    found: list[FileStat] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        setup = [folder / VOCABULARY_FILE, folder / SOURCES_FILE, folder / SCHEMA_FILE]
        files = [
            *((p, "setup") for p in setup),
            *((p, "data") for p in data_files(folder)),
            *((p, "figures") for p in figure_files(folder)),
        ]
        for path, role in files:
            try:
                st = path.stat()
            except OSError:
                continue
            found.append(FileStat(str(path), st.st_size, st.st_mtime_ns, role))
    return found


def fingerprint(folders: list[Path], stats: list[FileStat] | None = None) -> str:
    """A hash of the folders, of every file's `scan` entry, and of the code's versions."""
    digest = sha256(f"{index.SCHEMA_VERSION}|{__version__}".encode())
    for folder in folders:
        digest.update(f"\0folder\0{folder}".encode())
    for stat in scan(folders) if stats is None else stats:
        digest.update(f"\0{stat.path}\0{stat.size}\0{stat.mtime_ns}".encode())
    return digest.hexdigest()


def index_path(cache_dir: Path, folders: list[Path]) -> Path:
    """One index per set of data folders, so switching `--data` does not thrash a single file."""
    key = sha256("\0".join(str(f) for f in folders).encode()).hexdigest()[:16]
    return cache_dir / f"index-{key}.sqlite"


def read_meta(path: Path) -> dict[str, str] | None:
    """The meta table of an index file, or None when it is missing or not a usable database."""
    return inspect(path)[1]


def inspect(path: Path) -> tuple[str, dict[str, str] | None]:
    """("ok", meta) for a readable index, else ("missing" | "locked" | "damaged", None)."""
    if not path.is_file():
        return "missing", None
    try:
        with contextlib.closing(sqlite3.connect(file_uri(path), uri=True, timeout=0.2)) as conn:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            conn.execute("SELECT rid FROM entities LIMIT 1").fetchall()
            return "ok", meta
    except sqlite3.OperationalError as exc:
        # By SQLite's own error code, not its message: SQLITE_BUSY (5) and SQLITE_LOCKED (6).
        code = getattr(exc, "sqlite_errorcode", None)
        return ("locked" if isinstance(code, int) and code & 0xFF in (5, 6) else "damaged"), None
    except (sqlite3.Error, OSError, ValueError):
        return "damaged", None


@lazy_dataclass
class BuildReport:
    path: Path | None  # None when the index could only be kept in memory
    uri: str  # what readers pass to sqlite3.connect(uri=True)
    notice: str = ""  # a one-line explanation when the cache could not be used as usual
    keeper: sqlite3.Connection | None = None  # holds an in-memory index alive


def file_uri(path: Path) -> str:
    """The read-only SQLite URI of an index file: the one place it is made, for every reader.

    The path is percent-quoted: a `#`, `?` or `%` in a folder name would otherwise end the
    path or be decoded, and the index would be missed (and rebuilt) on every start.
    """
    return f"file:{quote(str(path))}?mode=ro"


def build_index(
    folders: list[Path], target: Path, known_fingerprint: str | None = None, stats: list[FileStat] | None = None
) -> BuildReport:
    """Load the data and write a new index at `target` via a temporary file and an atomic rename.

    When the cache folder cannot be written (read-only, full, not a folder), the
    index goes to the temporary folder, and failing that into memory: the
    program runs either way and the notice says why.
    """
    from desktop.core.builder import plan_build  # YAML and schema machinery: only when building

    stats = scan(folders) if stats is None else stats
    fp = known_fingerprint or fingerprint(folders, stats)
    plan = plan_build(folders)

    def fill(conn: sqlite3.Connection) -> None:
        index.build(plan, conn, fp, stats)

    reasons = []
    fallback = Path(tempfile.gettempdir()) / APP_NAME / target.name
    for place in (target, fallback):
        try:
            place.parent.mkdir(parents=True, exist_ok=True)
            path = _write(place, fill)
        except (OSError, sqlite3.Error) as exc:
            reasons.append(f"{place.parent}: {getattr(exc, 'strerror', None) or exc}")
            continue
        notice = f"cache folder not usable ({reasons[0]}); index kept in {place.parent}" if reasons else ""
        return BuildReport(path, file_uri(path), notice)
    import uuid  # with the platform module it brings: only when building

    uri = f"file:almanac-{uuid.uuid4().hex}?mode=memory&cache=shared"
    keeper = sqlite3.connect(uri, uri=True, check_same_thread=False)
    with keeper:
        fill(keeper)
    notice = f"no folder could hold the index ({'; '.join(reasons)}); it is kept in memory for this run"
    return BuildReport(None, uri, notice, keeper)


def refresh_index(folders: list[Path], target: Path, stats: list[FileStat], fp: str) -> BuildReport | None:
    """Bring the index at `target` up to date by re-reading only the files that changed.

    The current index is copied and the copy updated, then renamed into place,
    so readers never see a half-updated index. None when the change needs a
    full build instead (see `refresh.refresh`) or the copy cannot be made.
    """
    from desktop.core.refresh import NeedsFullBuild, refresh

    try:
        path = _write(target, lambda conn: refresh(conn, folders, stats, fp), seed=target)
    except NeedsFullBuild:
        return None
    except (OSError, sqlite3.Error):
        return None  # the full build that follows says what is wrong with the cache folder
    return BuildReport(path, file_uri(path))


_TEMP = re.compile(r"^\.index-[0-9a-f]+-(\d+)-.*\.tmp$")


def sweep_temporaries(folder: Path) -> int:
    """Delete temporary files left by builds that were killed; returns how many went.

    A temporary file names the process that writes it; one whose process is
    gone is debris, whatever its age.
    """
    removed = 0
    try:
        entries = list(folder.iterdir())
    except OSError:
        return 0
    for entry in entries:
        match = _TEMP.match(entry.name)
        if not match or _alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            entry.unlink()
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, alive
    return True


def _write(target: Path, fill: Callable[[sqlite3.Connection], object], seed: Path | None = None) -> Path:
    """Write an index with `fill` into a temporary file beside `target` (a copy of `seed`, if given), then rename it."""
    sweep_temporaries(target.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-{os.getpid()}-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if seed is not None:
            shutil.copyfile(seed, tmp)
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            with conn:
                fill(conn)
        finally:
            conn.close()
        # Readers that opened the old file keep reading it; new readers see only the complete new one.
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return target

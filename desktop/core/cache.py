"""Where the index lives, how it is keyed, and how it is (re)built safely."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from desktop import __version__
from desktop.core import index
from desktop.core.loader import SCHEMA_FILE, SOURCES_FILE, VOCABULARY_FILE, LoadResult, data_files, load

CACHE_ENV = "ALMANAC_CACHE_DIR"
APP_NAME = "sa-almanac"


def default_cache_dir() -> Path:
    """$ALMANAC_CACHE_DIR, else the platform's cache folder (XDG_CACHE_HOME on Linux)."""
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def fingerprint(folders: list[Path]) -> str:
    """A hash of every data file's path, size and modification time, and of the code's versions.

    Stat data rather than contents: it is cheap at 100,000 files and any
    editor's save changes it.
    """
    digest = hashlib.sha256(f"{index.SCHEMA_VERSION}|{__version__}".encode())
    for folder in folders:
        digest.update(f"\0folder\0{folder}".encode())
        extra = [folder / VOCABULARY_FILE, folder / SOURCES_FILE, folder / SCHEMA_FILE]
        for path in [*extra, *data_files(folder)] if folder.is_dir() else []:
            try:
                st = path.stat()
            except OSError:
                continue
            digest.update(f"\0{path}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return digest.hexdigest()


def index_path(cache_dir: Path, folders: list[Path]) -> Path:
    """One index per set of data folders, so switching `--data` does not thrash a single file."""
    key = hashlib.sha256("\0".join(str(f) for f in folders).encode()).hexdigest()[:16]
    return cache_dir / f"index-{key}.sqlite"


def read_meta(path: Path) -> dict[str, str] | None:
    """The meta table of an index file, or None when it is missing or not a usable database."""
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            conn.execute("SELECT rid FROM entities LIMIT 1").fetchall()
            return meta
    except sqlite3.Error:
        return None


@dataclass
class BuildReport:
    path: Path
    result: LoadResult
    notice: str = ""  # a one-line explanation when the cache could not be used as usual


def build_index(folders: list[Path], target: Path, known_fingerprint: str | None = None) -> BuildReport:
    """Load the data and write a new index at `target` via a temporary file and an atomic rename."""
    fp = known_fingerprint or fingerprint(folders)
    result = load(folders)
    notice = ""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        path = _write(result, target, fp)
    except OSError as exc:
        # An unwritable or full cache folder must not stop the program.
        fallback = Path(tempfile.gettempdir()) / APP_NAME / target.name
        notice = f"cache folder {target.parent} is not usable ({exc.strerror or exc}); index kept in {fallback.parent}"
        fallback.parent.mkdir(parents=True, exist_ok=True)
        path = _write(result, fallback, fp)
    return BuildReport(path, result, notice)


def _write(result: LoadResult, target: Path, fp: str) -> Path:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            with conn:
                index.build(result, conn, fp)
        finally:
            conn.close()
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return target

"""A pack folder replaced as a whole: built beside the old one, then renamed into its place.

The new pack is written into `DIR.tmp-<random>` in DIR's parent and swapped in by rename (on
Linux one atomic exchange of the two folders; elsewhere the old one is renamed aside first), so
an import killed at any moment leaves either the old pack or the new one at DIR, never a mix.
Whatever a killed import leaves beside DIR is cleaned by the next one, which tells a folder
still being built (its builder holds a lock on the marker file inside) from a stale one.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

log = logging.getLogger("almanac.importers")

MARKER = ".almanac-import"  # hidden: the loader and the data watcher skip it
SPILL = ".spill"  # the CSV engine's scratch space while it reads
STALE_AFTER = 24 * 3600  # without file locks, a temporary folder this old is taken as abandoned


class PackError(Exception):
    """The output folder cannot be used: its one-line message says why."""


def is_pack(folder: Path, source_prefix: str) -> bool:
    """Whether `folder` holds a pack an importer wrote: a sources.yaml with a `source_prefix…` source."""
    try:
        with (folder / "sources.yaml").open(encoding="utf-8", errors="replace") as f:
            head = f.read(1 << 20)
    except OSError:
        return False
    return re.search(rf"^\s*-\s*id:\s*{re.escape(source_prefix)}", head, re.MULTILINE) is not None


def check_out(out: Path, source_prefix: str) -> None:
    """Refuse an output folder that is a file, or a folder of something other than such a pack."""
    if out.exists() and not out.is_dir():
        raise PackError(f"{out} is a file; --out takes a folder")
    if out.is_dir() and any(out.iterdir()) and not is_pack(out, source_prefix):
        raise PackError(
            f"{out} is not empty and is not a pack this importer wrote (no sources.yaml with a "
            f"{source_prefix}* source): give another --out, or empty the folder"
        )


def _lock(handle: IO[bytes]) -> bool:
    """Take the lock on an open marker file; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows: an open file cannot be deleted there anyway
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _abandoned(folder: Path, source_prefix: str) -> bool:
    """Whether a temporary folder beside the pack was left by an import that is no longer running."""
    marker = folder / MARKER
    if marker.is_file():
        if not _has_fcntl():
            return time.time() - marker.stat().st_mtime > STALE_AFTER
        try:
            with marker.open("rb") as handle:
                return _lock(handle)  # closing the handle lets the lock go again
        except OSError:
            return False
    # No marker: an old pack swapped out, or an empty folder that stood at DIR before.
    return is_pack(folder, source_prefix) or not any(folder.iterdir())


def _has_fcntl() -> bool:
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return False
    return True


def _leftovers(out: Path) -> Iterator[Path]:
    for path in sorted(out.parent.glob(f"{glob_escape(out.name)}.*-*")):
        if path.is_dir() and re.fullmatch(rf"{re.escape(out.name)}\.(tmp|old)-[A-Za-z0-9_]+", path.name):
            yield path


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def clean_leftovers(out: Path, source_prefix: str) -> None:
    """Put back a pack a killed swap left aside, and delete what killed imports left half-built."""
    for path in _leftovers(out):
        if path.name.startswith(f"{out.name}.old-") and not out.exists() and is_pack(path, source_prefix):
            os.rename(path, out)  # killed between the two renames: the old pack goes back
            log.info("put back the pack %s left aside by an interrupted import", out)
            continue
        if _abandoned(path, source_prefix):
            shutil.rmtree(path, ignore_errors=True)
            log.info("removed %s, left by an interrupted import", path)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0  # EINVAL or ENOSYS (an old kernel, a file system without it): the fallback


class PackBuilder:
    """A temporary folder to build a pack in; `commit()` puts it at `out`, anything else deletes it.

    with PackBuilder(out, "foreignassistance-gov-") as build:
        (build.folder / "sources.yaml").write_text(...)
        build.commit()
    """

    def __init__(self, out: Path, source_prefix: str) -> None:
        self.out = Path(os.path.abspath(out))
        self.prefix = source_prefix
        self.folder = self.out  # set on entry
        self._marker: IO[bytes] | None = None
        self._done = False

    def __enter__(self) -> PackBuilder:
        parent = self.out.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            clean_leftovers(self.out, self.prefix)
            check_out(self.out, self.prefix)
            self.folder = Path(tempfile.mkdtemp(prefix=f"{self.out.name}.tmp-", dir=parent))
            self._marker = (self.folder / MARKER).open("wb")
            _lock(self._marker)
        except OSError as exc:
            self._release()
            raise PackError(f"cannot write beside {self.out}: {exc.strerror or exc}") from None
        return self

    @property
    def spill(self) -> Path:
        return self.folder / SPILL

    def commit(self) -> None:
        shutil.rmtree(self.spill, ignore_errors=True)
        try:
            if self.out.is_dir():
                if _exchange(self.folder, self.out):
                    shutil.rmtree(self.folder, ignore_errors=True)  # now the old pack
                else:
                    # Killed between these two renames, DIR is missing for a moment: the next
                    # import puts the old pack back (clean_leftovers).
                    aside = self.out.parent / f"{self.out.name}.old-{secrets.token_hex(4)}"
                    os.rename(self.out, aside)
                    os.rename(self.folder, self.out)
                    shutil.rmtree(aside, ignore_errors=True)
            else:
                os.rename(self.folder, self.out)
        except OSError as exc:
            raise PackError(f"cannot put the new pack at {self.out}: {exc.strerror or exc}") from None
        self._done = True
        with contextlib.suppress(OSError):
            (self.out / MARKER).unlink()

    def _release(self) -> None:
        if self._marker is not None:
            self._marker.close()
            self._marker = None

    def __exit__(self, *exc: object) -> None:
        self._release()
        if not self._done and self.folder != self.out:
            shutil.rmtree(self.folder, ignore_errors=True)

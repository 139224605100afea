"""A guard against a PySide6 build that drops references to None, True and False.

PySide6 6.12.0 on Python 3.11 loses one reference to None on every void Qt
method called from Python, and one to True on every signal emit. From Python
3.12 those objects are immortal and nothing happens; on 3.11 a count that
reaches zero aborts the interpreter ("Fatal Python error: none_dealloc"). A
window starts with about 13,000 references to None and 3,000 to True, and the
timeline alone makes a few hundred void calls a frame while it is dragged, so
without this the program dies within seconds of panning (tests/benchmarks/bench.py
measures the loss as `pyside6_refs_lost_per_call`).

`shield()` checks whether this build loses references and, only if it does,
gives the three objects so many spare ones that no session can use them up:
what 3.12's immortal objects do. It changes nothing on a sound build.
"""

from __future__ import annotations

import ctypes
import sys

SPARE = 1 << 40  # a million calls a second would take twelve days to spend this
PROBE_CALLS = 64
_shielded = False


def _count(obj: object) -> ctypes.c_ssize_t:
    # CPython keeps the reference count in the object's first word (release builds, 3.11).
    return ctypes.c_ssize_t.from_address(id(obj))


def loses_references() -> bool:
    """Whether void Qt calls from Python drop references to None in this PySide6."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(PROBE_CALLS):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= PROBE_CALLS // 2


def shield() -> bool:
    """Give None, True and False spare references if this PySide6 loses them; True when it did."""
    global _shielded
    if _shielded or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    # Only where the count sits where this module expects it (not a Py_TRACE_REFS build).
    if any(abs(_count(obj).value - sys.getrefcount(obj)) > 2 for obj in (None, True, False)):
        return False
    if not loses_references():
        return False
    for obj in (None, True, False):
        _count(obj).value += SPARE
    _shielded = True
    return True

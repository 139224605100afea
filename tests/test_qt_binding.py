"""The Qt binding must keep its references: PySide6 6.12.0 on Python 3.11 does not.

That build loses a reference to None on every void Qt method called from
Python and one to True on every signal emit; a long session then aborts the
interpreter ("Fatal Python error: none_dealloc"). pyproject.toml keeps it out;
this test fails if an upgrade brings such a build back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

CALLS = 500


class _Emitter(QObject):
    fired = Signal(int)


def test_void_qt_calls_keep_their_references_to_none() -> None:
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        probe.setObjectName("probe")
    assert before - sys.getrefcount(None) < CALLS // 10


def test_signal_emits_keep_their_references_to_true() -> None:
    emitter = _Emitter()
    received: list[int] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True)
    for n in range(CALLS):
        emitter.fired.emit(n)
    assert len(received) == CALLS
    assert before - sys.getrefcount(True) < CALLS // 10

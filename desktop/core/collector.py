"""Pausing Python's garbage collector around work that allocates a great deal and frees nothing.

Such work (parsing a data file, reading a timeline's marks) sets off full
collections that walk the whole heap while holding the interpreter lock: they
cost the work a third or more, and, on a worker thread, stall the GUI thread
for as long (10-15 ms with 10,000 entities in the window). Nothing the work
makes is garbage until it is done, so collecting meanwhile finds nothing.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

# The collector is the process's, and blocks overlap on several threads (a build on a worker while the
# GUI thread reads a timeline): it is back on when the last block still open ends, not the first.
_lock = threading.Lock()
_open = 0  # blocks open now, on every thread
_was_enabled = False  # whether it was on when the first of them began


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection inside the block; the collector is back as it was once every block open,
    on any thread, has ended (nesting is fine)."""
    global _open, _was_enabled
    with _lock:
        if _open == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _open += 1
    try:
        yield
    finally:
        with _lock:
            _open -= 1
            if _open == 0 and _was_enabled:
                gc.enable()

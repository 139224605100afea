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
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection inside the block; the collector is back as it was after it (nesting is fine)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()

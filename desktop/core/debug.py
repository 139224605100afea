"""How much the program says when something goes wrong: one line, or (ALMANAC_DEBUG=1) the traceback.

One switch for the whole program, read here so that every layer, the fact
store included, can ask it without importing anything above itself.
"""

from __future__ import annotations

import logging
import os
from typing import TextIO

DEBUG_ENV = "ALMANAC_DEBUG"


def debugging() -> bool:
    """Whether full tracebacks are wanted (ALMANAC_DEBUG set to anything but "" or "0")."""
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def configure_logging(stream: TextIO) -> None:
    """Send the program's log (`almanac.*`) to `stream`: warnings and errors, or everything when debugging."""
    logger = logging.getLogger("almanac")
    if any(getattr(h, "almanac", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(stream)
    handler.almanac = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("almanac: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debugging() else logging.WARNING)
    logger.propagate = False

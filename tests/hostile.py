"""A tally of the hostile inputs the suite throws at the program, printed at the end of the run.

Tests call `tally(area, n)` after feeding `n` hostile inputs to one part of the
program and checking that it neither raised nor lost anything; a failure fails
the test, so what is tallied is what was survived.
"""

from __future__ import annotations

from collections import Counter

TRIED: Counter[str] = Counter()


def tally(area: str, count: int = 1) -> None:
    TRIED[area] += count


def summary() -> str | None:
    if not TRIED:
        return None
    parts = ", ".join(f"{area}: {n:,}" for area, n in sorted(TRIED.items()))
    return f"Hostile inputs tried: {sum(TRIED.values()):,} ({parts}); none raised, none lost data."

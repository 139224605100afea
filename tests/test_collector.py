"""collector_paused: no garbage collection inside the blocks, and the collector back as it was once the
last block open, on any thread, has ended."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from desktop.core.collector import collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_nested_blocks_leave_it_off_until_the_outer_one_ends() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_puts_it_back() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("inside")
    assert gc.isenabled()


def test_a_collector_off_before_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_blocks_overlapping_on_two_threads_keep_it_off_until_both_end() -> None:
    # One thread's block begins, a build's block begins on a worker, the first block ends while the
    # build goes on: its end must not turn the collector back on under the build.
    inside, first_done, release = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def build() -> None:
        with collector_paused():
            inside.set()
            first_done.wait(10)
            seen.append(gc.isenabled())
            release.wait(10)

    worker = threading.Thread(target=build)
    with collector_paused():
        worker.start()
        assert inside.wait(10)
    first_done.set()
    release.set()
    worker.join(10)
    assert seen == [False]
    assert gc.isenabled()

"""yaml_rs 0.1.6 takes the process down (SIGSEGV) when it is called on a thread after the thread
that imported it has ended. The window opens and refreshes its store on worker threads, which may
be the first to import the YAML machinery and which end when their lane shuts down: reading must
survive that.

Each case runs in a fresh process, since the first import is what matters, and a crash would
take the test run with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop.core import yamlfile

needs_rs = pytest.mark.skipif(yamlfile.yaml_rs is None, reason="yaml_rs is not installed")
ROOT = Path(__file__).resolve().parents[1]


def _run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


@needs_rs
def test_a_file_read_on_a_thread_after_the_importing_thread_ended():
    done = _run(
        """
        import threading

        def first():
            from desktop.core import yamlfile  # the first import of the YAML machinery, off the main thread
            assert yamlfile.parse_yaml(b"a: 1\\n").fast

        def later():
            from desktop.core import yamlfile
            doc = yamlfile.parse_yaml(b"- id: x\\n  kind: country\\n  name: X\\n")
            assert doc.fast and doc.data == [{"id": "x", "kind": "country", "name": "X"}]

        for target in (first, later, later):
            thread = threading.Thread(target=target)
            thread.start()
            thread.join()
        later()
        print("read")
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["read"]


@needs_rs
def test_a_build_on_a_thread_after_an_earlier_lane_ended(tmp_path: Path):
    """As the window does it: the store opened on one worker thread, whose lane ends; refreshed on another."""
    done = _run(
        f"""
        import threading
        from concurrent.futures import ThreadPoolExecutor
        from pathlib import Path

        def build():
            from desktop.core.bundle import bundled_data_dir
            from desktop.core.store import Store

            store = Store.open([bundled_data_dir()], cache_dir=Path({str(tmp_path)!r}), rebuild=True)
            count = store.counts().entities
            store.close()
            return count

        counts = []
        for _ in range(2):
            with ThreadPoolExecutor(1) as lane:  # a lane, shut down before the next starts
                counts.append(lane.submit(build).result())
        print(counts[0] == counts[1] > 0)
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True"]


def test_a_yaml_rs_that_fails_to_load_on_a_worker_thread_leaves_pyyaml_reading(tmp_path: Path):
    # Installed but broken: its import raises something other than ImportError. The thread that imports
    # the YAML machinery must not wait for it for ever (it holds that module's import, and so would
    # every thread after it).
    (tmp_path / "yaml_rs.py").write_text("raise RuntimeError('a broken build')\n", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import threading

                def first():
                    from desktop.core import yamlfile
                    assert yamlfile.yaml_rs is None
                    doc = yamlfile.parse_yaml(b"- id: x\\n  kind: country\\n")
                    assert not doc.fast and doc.data == [{"id": "x", "kind": "country"}]
                    print("read")

                thread = threading.Thread(target=first)
                thread.start()
                thread.join(60)
                assert not thread.is_alive(), "the importing thread is stuck"
                """
            ),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["read"]
    assert "yaml_rs could not be loaded (RuntimeError: a broken build)" in done.stderr

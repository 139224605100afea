"""Starting the window from a terminal: Ctrl+C, no display, and a display without Qt's X11 libraries.

These run `python -m desktop` as a child process, the way a person starts it,
with its own cache, settings and (where it matters) no display at all.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from desktop import display_check
from desktop.display_check import XCB_LIBRARIES, missing_libraries, problem, will_use_xcb

ROOT = Path(__file__).resolve().parent.parent
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def child_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The test's environment for a child: its own cache and settings, no display unless given one."""
    env = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARIABLES}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONIOENCODING="utf-8",
        ALMANAC_CACHE_DIR=str(tmp_path / "cache"),
        ALMANAC_CONFIG_DIR=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "xdg-cache"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        XDG_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    (tmp_path / "runtime").mkdir(mode=0o700, exist_ok=True)
    env.update(overrides)
    return env


# -- Ctrl+C ---------------------------------------------------------------------------------------------

# Starts the real `almanac` window; a timer queued before the event loop runs says when it is up.
_WINDOW_UP = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desktop import cli
app = QApplication(sys.argv[:1])
QTimer.singleShot(0, lambda: print("window up", flush=True))
sys.exit(cli.main(sys.argv[1:]))
"""


def test_ctrl_c_closes_the_window_and_exits_130(tmp_path: Path) -> None:
    env = child_env(tmp_path, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, "-c", _WINDOW_UP, "open", "imet"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "window up\n"  # blocks until the event loop runs
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        code = child.wait(timeout=10)
        took = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    err = child.stderr.read() if child.stderr else ""
    assert code == 130, err
    assert took < 5
    # The last line; before it, only what the offscreen platform itself may say.
    assert err.splitlines()[-1] == "almanac: interrupted"
    assert "Traceback" not in err
    # Closed as a window is closed: the last page shown is remembered for the next run.
    assert "imet" in (tmp_path / "config" / "settings.ini").read_text(encoding="utf-8")


# Reports the title of the window `almanac` opened, once its event loop runs, and quits.
_WINDOW_TITLE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desktop import cli
from desktop.ui.main_window import MainWindow
app = QApplication(sys.argv[:1])
def report():
    print([w.windowTitle() for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()], flush=True)
    app.quit()
QTimer.singleShot(0, report)
sys.exit(cli.main(sys.argv[1:]))
"""


def test_open_matches_an_id_whatever_its_case(tmp_path: Path) -> None:
    # In a child: an event loop run and quit inside the test process would upset the tests after it.
    proc = subprocess.run(
        [sys.executable, "-c", _WINDOW_TITLE, "open", "PAKISTAN"],
        cwd=tmp_path,
        env=child_env(tmp_path, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "['Pakistan — Security Assistance Almanac']\n"


# -- a screenshot needs no display ---------------------------------------------------------------------------


def test_screenshot_renders_offscreen_without_a_display(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    proc = subprocess.run(
        [sys.executable, "-m", "desktop", "screenshot", str(out), "--show", "imet", "--size", "640x480"],
        cwd=tmp_path,
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == f"Wrote {out} (640x480)\n"
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


# -- a display without the libraries Qt's xcb plugin needs --------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "system", "expected"),
    [
        ({"DISPLAY": ":0"}, "linux", True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": ""}, "linux", True),
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, "linux", False),
        ({}, "linux", False),
        ({"DISPLAY": ""}, "linux", False),
        ({"DISPLAY": ":0"}, "darwin", False),
        ({"DISPLAY": ":0"}, "win32", False),
    ],
)
def test_the_check_applies_only_where_qt_will_use_xcb(env: Mapping[str, str], system: str, expected: bool) -> None:
    assert will_use_xcb(env, system) is expected


def loader_without(*absent: str) -> Callable[[str], object]:
    def load(name: str) -> object:
        if name in absent:
            raise OSError(f"{name}: cannot open shared object file: No such file or directory")
        return object()

    return load


def test_nothing_missing_means_no_problem() -> None:
    assert missing_libraries(loader_without()) == []
    assert problem({"DISPLAY": ":0"}, "linux", loader_without()) is None


def test_missing_libraries_are_named_with_the_packages_that_bring_them() -> None:
    load = loader_without("libxcb-cursor.so.0", "libxcb-icccm.so.4")
    assert missing_libraries(load) == ["libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    message = problem({"DISPLAY": ":0"}, "linux", load)
    assert message is not None and "\n" not in message
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4" in message
    assert message.endswith("sudo apt install libxcb-cursor0 libxcb-icccm4")


def test_no_check_where_xcb_is_not_used() -> None:
    everything_missing = loader_without(*XCB_LIBRARIES)
    assert problem({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", everything_missing) is None
    assert problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", everything_missing) is None
    assert problem({}, "darwin", everything_missing) is None


@pytest.mark.parametrize("env", [{}, {"DISPLAY": ""}, {"QT_QPA_PLATFORM": "xcb"}])
def test_no_display_at_all_is_said_in_one_line(env: dict[str, str]) -> None:
    message = problem(env, "linux", loader_without())
    assert message is not None and "\n" not in message
    assert message.startswith("no display to open the window on")
    assert "almanac screenshot" in message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display variables are Linux's")
def test_the_window_without_any_display_exits_1_in_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "desktop", "open", "imet"],
        cwd=tmp_path,
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.startswith("almanac: error: no display to open the window on")
    assert proc.stderr.count("\n") == 1


def test_every_library_has_a_debian_package() -> None:
    assert set(XCB_LIBRARIES) >= {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    assert all(package for package in XCB_LIBRARIES.values())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt uses xcb on Linux only")
def test_the_list_covers_what_the_installed_xcb_plugin_links(tmp_path: Path) -> None:
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.is_file():
        pytest.skip("this PySide6 has no xcb plugin")
    needed = _needed(plugin) | _needed(plugin.parent.parent.parent / "lib" / "libQt6XcbQpa.so.6")
    x11 = {n for n in needed if n.startswith(("libxcb", "libX11", "libxkbcommon"))}
    assert x11 and x11 <= set(XCB_LIBRARIES)


def _needed(library: Path) -> set[str]:
    """The NEEDED entries of an ELF shared library, read with readelf when it is installed."""
    try:
        proc = subprocess.run(["readelf", "-d", str(library)], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        pytest.skip("readelf is not installed")
    return {line.split("[", 1)[1].rstrip("]") for line in proc.stdout.splitlines() if "(NEEDED)" in line}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt uses xcb on Linux only")
def test_a_display_without_the_libraries_gets_one_line_and_exit_1(tmp_path: Path) -> None:
    if not missing_libraries(display_check.try_load):
        pytest.skip("every library the xcb plugin needs is installed here")
    proc = subprocess.run(
        [sys.executable, "-m", "desktop"],
        cwd=tmp_path,
        env=child_env(tmp_path, DISPLAY=":99"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("almanac: error: ")
    assert "sudo apt install libxcb-" in proc.stderr

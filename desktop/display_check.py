"""Whether Qt can open a window here on Linux, asked before Qt tries.

When there is no display at all, or a library its X11 (xcb) plugin links
against is missing, Qt prints a page of text and aborts the interpreter
(exit 134). Checking first (the display variables, then the libraries, by
loading them with ctypes) lets the program say in one line what is wrong and
how to fix it. No Qt is imported here: the check runs before the
QApplication exists.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

# The X11 libraries that PySide6's libqxcb.so and libQt6XcbQpa.so.6 name as NEEDED
# (checked with readelf on PySide6 6.11; tests/test_cli_window.py compares this list
# with the installed plugin), each with the Debian/Ubuntu package that brings it.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}


def will_use_xcb(env: Mapping[str, str] = os.environ, system: str = sys.platform) -> bool:
    """Whether Qt will pick its xcb plugin: Linux with an X display and no Wayland, or xcb asked for."""
    if not system.startswith("linux") or not env.get("DISPLAY"):
        return False
    asked = env.get("QT_QPA_PLATFORM", "")
    if asked:
        return asked.split(":", 1)[0] == "xcb"  # "xcb:option=value" still means xcb
    return not env.get("WAYLAND_DISPLAY")


def no_display(env: Mapping[str, str] = os.environ, system: str = sys.platform) -> bool:
    """Whether Qt would look for a display (X11, or Wayland when not told xcb) and find none."""
    if not system.startswith("linux"):
        return False
    asked = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0]
    if asked == "xcb":
        return not env.get("DISPLAY")
    if asked:  # offscreen, wayland, vnc…: whatever was asked for knows what it needs
        return False
    return not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY")


def try_load(name: str) -> object:
    """Load a shared library by its soname the way the dynamic linker will; OSError when it cannot."""
    import ctypes  # only where Qt will use xcb: not a cost of every start

    return ctypes.CDLL(name)


def missing_libraries(load: Callable[[str], object] = try_load) -> list[str]:
    """The libraries of XCB_LIBRARIES that `load` cannot load, in the list's order."""
    missing = []
    for name in XCB_LIBRARIES:
        try:
            load(name)
        except OSError:
            missing.append(name)
    return missing


def problem(
    env: Mapping[str, str] = os.environ, system: str = sys.platform, load: Callable[[str], object] = try_load
) -> str | None:
    """One line saying what the window lacks here (a display, libraries) and what to do; None when all is well."""
    if no_display(env, system):
        return (
            "no display to open the window on (DISPLAY is not set); "
            "`almanac screenshot OUT.png` draws the window without one"
        )
    if not will_use_xcb(env, system):
        return None
    missing = missing_libraries(load)
    if not missing:
        return None
    packages = " ".join(XCB_LIBRARIES[name] for name in missing)
    return (
        f"the window needs X11 libraries that are not installed: {', '.join(missing)}; "
        f"on Debian or Ubuntu: sudo apt install {packages}"
    )

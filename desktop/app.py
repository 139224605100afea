"""Assembling the application: QApplication, store, settings and the main window."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop import __version__
from desktop.cli import UsageError, build_parser, data_folders
from desktop.core.store import Store
from desktop.ui.main_window import APP_TITLE, MainWindow
from desktop.ui.settings import AppSettings
from desktop.ui.theme import apply_theme


def _application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or [sys.argv[0]])
    QCoreApplication.setOrganizationName("sa-almanac")
    QCoreApplication.setApplicationName(APP_TITLE)
    QCoreApplication.setApplicationVersion(__version__)
    if hasattr(app, "setDesktopFileName"):
        app.setDesktopFileName("sa-almanac")
    return app  # type: ignore[return-value]


def _window_for(args: argparse.Namespace, settings: AppSettings | None = None) -> MainWindow:
    _application()
    settings = settings or AppSettings()
    base = data_folders(args)
    cache_dir = args.cache_dir

    def open_store(extra: list[Path]) -> Store:
        # Folders added from the window are remembered; ones since deleted are skipped, not fatal.
        usable = [f for f in extra if f.is_dir() and f not in base]
        return Store.open([*base, *usable], cache_dir=cache_dir)

    store = open_store(settings.data_folders)
    return MainWindow(store, settings, open_store=open_store)


def build_main_window(args: list[str] | None = None) -> MainWindow:
    """The wired main window for command-line style `args`, not shown and with no event loop."""
    parsed = build_parser().parse_args(args or [])
    window = _window_for(parsed)
    window.open_initial(getattr(parsed, "id", None))
    return window


def run(args: argparse.Namespace, argv: list[str]) -> int:
    """Open the window and run until it is closed."""
    app = _application([sys.argv[0], *argv])
    window = _window_for(args)
    entity = getattr(args, "id", None)
    if entity and window.store.ref(entity) is None:
        near = window.store.closest(entity)
        hint = f" Did you mean: {', '.join(r.id for r in near)}?" if near else ""
        print(f"almanac: no entity with id {entity!r}.{hint}", file=sys.stderr)
        return 1
    window.open_initial(entity)
    window.show()
    if os.environ.get("ALMANAC_EXIT_AFTER_PAINT") == "1":  # for tests/benchmarks/bench.py: startup time and memory
        import json
        import resource

        from PySide6.QtCore import QEvent, QObject

        class _FirstPaint(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    watched.removeEventFilter(self)
                    QTimer.singleShot(0, app.quit)  # once this paint pass is done
                return False

        first_paint = _FirstPaint(window)
        window.detail.viewport().installEventFilter(first_paint)
        status = app.exec()
        try:  # VmHWM: after fork+exec, ru_maxrss also counts the peak of the process that spawned this one
            with open("/proc/self/status", encoding="ascii") as proc_status:
                peak = next(int(line.split()[1]) for line in proc_status if line.startswith("VmHWM:"))
        except (OSError, StopIteration, ValueError):
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({"first_paint": True, "peak_rss_kib": peak}), flush=True)
        return status
    return app.exec()


def _wait_for(signal: object, timeout_ms: int) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def screenshot(args: argparse.Namespace, size: tuple[int, int], out: TextIO, err: TextIO) -> int:
    """Render the real window offscreen into args.out as PNG."""
    app = _application()
    apply_theme(app, args.theme)
    with tempfile.TemporaryDirectory(prefix="almanac-screenshot-") as scratch:
        # Fresh settings: not the user's theme, zoom, size or added folders, and nothing saved over theirs.
        window = _window_for(args, AppSettings(Path(scratch) / "settings.ini"))
        if args.show and window.store.ref(args.show) is None:
            window.close()
            raise UsageError(f"no entity with id {args.show!r}")
        if getattr(args, "as_of", None):
            window.set_as_of(args.as_of)
        if args.show:
            window.show_entity(args.show)
        else:
            window.show_home()
        window.resize(*size)
        window.show()
        if getattr(args, "timeline", False):
            window.time.set_timeline_visible(True)
            app.processEvents()
            window.time.timeline().view.fit_all()  # fitted to the dock's final width
        if args.search:
            window.search_box.setText(args.search)
            _wait_for(window.searchFinished, 5000)
        app.processEvents()
        image = window.grab().toImage()
        window.close()
    if not image.save(str(args.out), "PNG"):
        print(f"almanac: error: could not write {args.out}", file=err)
        return 1
    print(f"Wrote {args.out} ({image.width()}x{image.height()})", file=out)
    return 0

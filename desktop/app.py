"""Assembling the application: QApplication, store, settings and the main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from desktop import APP_TITLE, __version__, display_check
from desktop.core.reader_data import default_path as reader_default_path
from desktop.core.store import Store
from desktop.models.reader_session import ReaderSession
from desktop.models.store_session import StoreSession
from desktop.models.tasks import Tasks
from desktop.options import NotFound, UsageError, build_parser, data_folders, image_format, resolve_entity, window_args
from desktop.ui.main_window import MainWindow
from desktop.ui.settings import AppSettings

if TYPE_CHECKING:
    import argparse

    from PySide6.QtCore import QUrl

# What only the screenshot, the Ctrl+C handling or the benchmark's first-paint exit use is imported
# where they begin: the window's start is measured against a bare window (README, Performance).


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


def copy_reader_data(folder: Path) -> Path:
    """A consistent copy of the reader's file (SQLite's backup, which reads the WAL too) in `folder`;
    the path of an empty one when the reader has none or it cannot be read."""
    import contextlib
    import sqlite3

    target = folder / "reader.sqlite3"
    source = reader_default_path()
    if source.is_file():
        try:
            with (
                contextlib.closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as src,
                contextlib.closing(sqlite3.connect(target)) as dst,
            ):
                src.backup(dst)
        except sqlite3.Error:
            target.unlink(missing_ok=True)  # a damaged file is the window's to report, not the picture's
    return target


def _window_for(
    args: argparse.Namespace,
    settings: AppSettings | None = None,
    open_url: Callable[[QUrl], Any] | None = None,
    reader: ReaderSession | None = None,
) -> MainWindow:
    """The window and the parts it is made of: the background helper, the store session, the settings."""
    _application()
    settings = settings or AppSettings()
    base = data_folders(args)
    cache_dir = args.cache_dir

    def open_store(extra: list[Path]) -> Store:
        # Folders added from the window are remembered; ones since deleted are skipped, not fatal.
        usable = [f for f in extra if f.is_dir() and f not in base]
        # An index deleted under the window is reported (IndexMissing), not rebuilt on whichever
        # thread asked, which could be the GUI thread: the session reopens it in the background.
        return Store.open([*base, *usable], cache_dir=cache_dir, rebuild_missing=False)

    extra = settings.data_folders
    store = open_store(extra)
    tasks = Tasks()
    session = StoreSession(store, open_store, tasks, extra=extra)
    window = MainWindow(session, settings, tasks, open_url=open_url, reader=reader)
    tasks.setParent(window)
    session.setParent(window)
    return window


def build_main_window(args: list[str] | None = None, open_url: Callable[[QUrl], Any] | None = None) -> MainWindow:
    """The wired main window for command-line style `args`, not shown and with no event loop.

    `open_url` stands in for the system browser (tests pass a list's append).
    """
    parsed = window_args(args or []) or build_parser().parse_args(args or [])
    window = _window_for(parsed, open_url=open_url)
    window.open_initial(_entity_or_close(window, getattr(parsed, "id", None)))
    return window


def _entity_or_close(window: MainWindow, ident: str | None) -> str | None:
    """The id `ident` names, whatever its case (None for None); when it names nothing, the window is
    closed (unseen, so nothing of the user's is saved over) and NotFound says so, with the closest ids."""
    if not ident:
        return None
    try:
        return resolve_entity(window.store, ident)
    except NotFound:
        window.close()
        raise


def run(args: argparse.Namespace, argv: list[str], started: Callable[[], None] | None = None) -> int:
    """Open the window and run until it is closed; Ctrl+C in the terminal closes it (KeyboardInterrupt).

    `started` is called once the window has been painted for the first time."""
    if QApplication.instance() is None and (lacking := display_check.problem()):
        # Qt would abort the interpreter with a page of text; say it in one line instead.
        print(f"almanac: error: {lacking}", file=sys.stderr)
        return 1
    app = _application([sys.argv[0], *argv])
    window = _window_for(args)
    entity = _entity_or_close(window, getattr(args, "id", None))
    if started is not None:
        window.after_first_paint(started)
    window.show()
    # The first page goes in once the window is shown and laid out, before anything is painted (that
    # waits for the event loop): put in before, it was laid out again at each size the page took on
    # the way (the tabs place their page only once shown), some 8 ms of a start. Its figures are read
    # once it has been painted.
    window.figures.hold_until_first_paint()
    window.open_initial(entity)
    if os.environ.get("ALMANAC_EXIT_AFTER_PAINT") == "1":  # for tests/benchmarks/bench.py: startup time and memory
        return _exit_after_first_paint(app, window)
    import signal

    # Ctrl+C in the terminal closes the window, its state saved as on any close. Python runs a
    # signal handler only between bytecodes and Qt's event loop runs in C++, so a timer hands
    # control back to Python every 200 ms while the loop runs.
    interrupted: list[int] = []

    def on_sigint(signum: int, _frame: object) -> None:
        interrupted.append(signum)
        # Not from inside the handler: it can run in the middle of any slot of the GUI thread.
        QTimer.singleShot(0, window.close)
        QTimer.singleShot(0, lambda: app.exit(130))

    previous = signal.signal(signal.SIGINT, on_sigint)
    tick = QTimer()
    tick.timeout.connect(lambda: None)  # nothing to do: returning to Python runs the pending handler
    tick.start(200)
    try:
        status = app.exec()
    finally:
        tick.stop()
        signal.signal(signal.SIGINT, previous)
    if interrupted:
        raise KeyboardInterrupt  # the command line's one way of saying "interrupted": exit 130
    return status


def _exit_after_first_paint(app: QApplication, window: MainWindow) -> int:
    """Run until the page's first paint is done, then quit, and print one line of JSON: the peak memory,
    and what had been loaded by that paint (the modules, the Qt classes made so far, whether the `Qt`
    namespace was built) and whether the settings had been written, which tests/test_startup.py
    holds to its lists."""
    from PySide6 import QtCore, QtGui, QtWidgets
    from PySide6.QtCore import QEvent, QObject

    loaded: dict[str, list[str] | bool] = {}

    class _FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                loaded["modules"] = sorted(sys.modules)
                # PySide6 makes a class (and its enums) when it is first used: what is in a module's
                # namespace now is what the start-up has used.
                loaded["qt_classes"] = sorted(
                    f"{module.__name__.split('.')[-1]}.{name}"
                    for module in (QtCore, QtGui, QtWidgets)
                    for name in list(vars(module))
                    if name.startswith("Q") or name == "Qt"
                )
                # Whether the settings file had been written by then (a first run has none before).
                loaded["settings_written"] = window.settings.path.exists()
                QTimer.singleShot(0, app.quit)  # once this paint pass is done
            return False

    first_paint = _FirstPaint(window)
    window.detail.viewport().installEventFilter(first_paint)
    status = app.exec()
    import json
    import resource

    try:  # VmHWM: after fork+exec, ru_maxrss also counts the peak of the process that spawned this one
        with open("/proc/self/status", encoding="ascii") as proc_status:
            peak = next(int(line.split()[1]) for line in proc_status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"first_paint": True, "peak_rss_kib": peak, **loaded}), flush=True)
    return status


def _wait_for(signal: object, timeout_ms: int) -> None:
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def screenshot(args: argparse.Namespace, size: tuple[int, int], out: TextIO, err: TextIO) -> int:
    """Render the real window offscreen into args.out, in the format its suffix names."""
    import contextlib
    import logging
    import tempfile

    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
    from PySide6.QtGui import QImageWriter

    from desktop.ui.theme import apply_theme

    with contextlib.ExitStack() as restore:
        if QApplication.instance() is None:
            # Offscreen whatever the session: a screenshot needs no display, and must not fail for want of one.
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
            noise = "This plugin does not support propagateSizeHints()"  # said of every window shown offscreen

            def quiet(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
                if message != noise:
                    level = logging.DEBUG if mode == QtMsgType.QtDebugMsg else logging.WARNING
                    logging.getLogger("desktop.qt").log(level, "%s", message)

            restore.callback(qInstallMessageHandler, qInstallMessageHandler(quiet))
        app = _application()
        fmt = image_format(args.out)
        if fmt.lower().encode() not in {bytes(f.data()).lower() for f in QImageWriter.supportedImageFormats()}:
            raise UsageError(f"this Qt cannot write {fmt} images; use .png, .jpg or .bmp")
        apply_theme(app, args.theme)
        with tempfile.TemporaryDirectory(prefix="almanac-screenshot-") as scratch:
            # Fresh settings: not the user's theme, zoom, size or added folders, and nothing saved over theirs.
            # A copy of the reader's bookmarks and notes, so that the picture shows them and the window
            # writes its tabs and history into the copy, not over the reader's own.
            reader = ReaderSession(copy_reader_data(Path(scratch)))
            window = _window_for(args, AppSettings(Path(scratch) / "settings.ini"), reader=reader)
            shown = _entity_or_close(window, args.show)
            if getattr(args, "as_of", None):
                window.set_as_of(args.as_of)
            if shown:
                window.show_entity(shown)
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
            if shown and not args.search:
                # The tree was scrolled to the entity before the window had its final size: scroll it
                # again now that it has, or where the row sits would depend on the order of events.
                window.search.sync_tree(shown)
                app.processEvents()
            image = window.grab().toImage()
            window.close()
        # PySide6's stubs say bytes; at run time it takes only a str (6.11).
        if not image.save(str(args.out), fmt):  # type: ignore[call-overload]
            print(f"almanac: error: could not write {args.out}", file=err)
            return 1
        print(f"Wrote {args.out} ({image.width()}x{image.height()})", file=out)
        return 0

"""Helpers for the window tests: small data folders, opening windows, restoring the app's theme."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from PySide6.QtCore import QUrl
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from desktop.app import build_main_window
from desktop.core.store import Store
from desktop.ui.main_window import MainWindow
from desktop.ui.theme import apply_theme

# A source in the bundled sources.yaml (15 paragraphs), for facts that need a citation.
SOURCE = "international-military-education-and-training"
CITE = [{"source": SOURCE, "locator": "¶2"}]


class _PlainDumper(yaml.SafeDumper):
    """No anchors and aliases for repeated objects: data files may not use them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_yaml(folder: Path, relative: str, data: Any) -> Path:
    """Dump `data` as YAML to folder/relative (folders created); return the path."""
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def bundled_args(store: Store) -> list[str]:
    """Command-line arguments for a window on the bundled data that reuses the session's index."""
    return ["--cache-dir", str(store.path.parent)]


def open_window(qtbot: Any, args: list[str] | None = None, open_url: Callable[[QUrl], Any] | None = None) -> MainWindow:
    """build_main_window(args), registered with qtbot (closed after the test), shown and active.

    `open_url` stands in for the system's opener (browser, editor, file manager): tests pass a list's append.
    """
    window = build_main_window(args, open_url=open_url)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
    # The folders are walked for watching in the background: an edit a test makes before that walk
    # has come back would go unnoticed (as would a person's, in the first milliseconds of a run).
    qtbot.waitUntil(lambda: window.watcher.settled)
    return window


class ThemeGuard:
    """Remembers the application's style and palette, and puts them back (themes change both)."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.style = app.style().name()
        self.palette = QPalette(app.palette())

    def restore(self) -> None:
        apply_theme(self.app, "system")
        style = QStyleFactory.create(self.style)
        if style is not None:
            self.app.setStyle(style)
        self.app.setPalette(self.palette)


def fake_tooltips(monkeypatch: Any, module: Any) -> list[str]:
    """Stand in for QToolTip in `module` (the offscreen platform warns when a real tooltip window is
    raised); returns the texts shown, "" for each time one is hidden."""
    shown: list[str] = []

    class FakeToolTip:
        @staticmethod
        def showText(pos: Any, text: str, widget: Any = None) -> None:
            shown.append(text)

        @staticmethod
        def hideText() -> None:
            shown.append("")

    monkeypatch.setattr(module, "QToolTip", FakeToolTip)
    return shown


def link_pos(view: Any, text: str) -> Any:
    """Where a link whose text is `text` sits in a page view's viewport (scrolled into view), as a QPoint."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QTextCursor, QTextDocument

    case = QTextDocument.FindFlag.FindCaseSensitively
    cursor = view.document().find(text, 0, case)
    while not cursor.isNull():
        view.setTextCursor(cursor)
        view.ensureCursorVisible()
        inside = QTextCursor(cursor)
        inside.setPosition(cursor.selectionStart() + 1)
        pos = view.cursorRect(inside).center() + QPoint(2, 0)
        if view.anchorAt(pos):
            return pos
        cursor = view.document().find(text, cursor, case)
    raise AssertionError(f"no link reads {text!r}")

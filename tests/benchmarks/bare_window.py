"""The baseline window for bench.py: a bare PySide6 process of the almanac's shape.

usage: QT_QPA_PLATFORM=offscreen python tests/benchmarks/bare_window.py

A QMainWindow holding a QSplitter with a search box above a QTreeView on the
left and a QTextBrowser with some text on the right, the size of the real
window. It is shown, and the process quits as soon as the first paint of the
browser has happened, then prints {"first_paint": true, "peak_rss_kib": N}
(VmHWM from /proc/self/status, else ru_maxrss: see peak_rss_kib) on stdout: the same line the almanac prints
with ALMANAC_EXIT_AFTER_PAINT=1, so the two are measured the same way.
"""

from __future__ import annotations

import json
import resource
import sys

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

TEXT = """<h1>International Military Education and Training</h1>
<p><i>Program</i> · also known as IMET</p>
<p>A United States program that brings officers and officials of partner countries to American
military schools, and sends mobile teams abroad, to build professional ties and teach respect for
civilian control and human rights.</p>
<h2>Key facts</h2>
<ul><li>Administered by the Department of Defense</li><li>Established by the Foreign Assistance Act
(1961)</li><li>Foreign students: 5,181 (2019)</li></ul>
"""


class _QuitAfterFirstPaint(QObject):
    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self._app = app

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._app.quit)  # once this paint pass is done
        return False


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Bare window")

    search = QLineEdit()
    search.setPlaceholderText("Search")
    model = QStandardItemModel()
    for label in ("Programs", "Agencies and offices", "Laws and orders", "Countries", "People"):
        group = QStandardItem(label)
        group.appendRow(QStandardItem(f"One of the {label.lower()}"))
        model.appendRow(group)
    tree = QTreeView()
    tree.setHeaderHidden(True)
    tree.setModel(model)
    left = QWidget()
    layout = QVBoxLayout(left)
    layout.addWidget(search)
    layout.addWidget(tree, 1)

    browser = QTextBrowser()
    browser.setHtml(TEXT)

    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(left)
    splitter.addWidget(browser)
    splitter.setSizes([330, 870])
    window.setCentralWidget(splitter)
    window.resize(1200, 780)

    watcher = _QuitAfterFirstPaint(app)
    browser.viewport().installEventFilter(watcher)
    window.show()
    status = app.exec()
    print(json.dumps({"first_paint": True, "peak_rss_kib": peak_rss_kib()}), flush=True)
    return status


def peak_rss_kib() -> int:
    """This process's peak RSS in KiB: VmHWM where /proc has it, else ru_maxrss.

    After fork+exec Linux reports in ru_maxrss the larger of this program's peak and the
    spawning process's RSS at the fork, so a big parent (bench.py after building an index)
    would inflate it; VmHWM counts only this program.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    sys.exit(main())

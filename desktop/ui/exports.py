"""What leaves the window: printing, PDF export, and copying to the clipboard.

Paper gets the whole page in light colours whatever the theme, and every
fact (the screen shows long sections in part). The document printed is made
for the job and freed after it. A PDF is reported saved only once the file
is really there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QMarginsF, QObject, QRectF, QSize, QUrl, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QWidget

from desktop import APP_TITLE
from desktop.core.citation import citation_text
from desktop.ui.page_html import STRIP_SRC, Colors, for_paper, page_strip, render_page
from desktop.ui.page_tabs import PageTabs

log = logging.getLogger("almanac.exports")


@contextlib.contextmanager
def written_beside(path: Path, suffix: str) -> Iterator[Path]:
    """A temporary file beside `path` to write into; it takes `path`'s place once the block is done,
    if it holds anything, and goes if the block raises: a failed export leaves no broken file, nor harms
    one that was there. Writers that fail silently (QPdfWriter, QSvgGenerator) are caught by the
    empty-file check."""
    fd, temp_name = tempfile.mkstemp(prefix=".almanac-", suffix=suffix, dir=path.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        yield temp
        if temp.stat().st_size == 0:
            raise OSError(f"nothing was written to {temp}")
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def save_text(path: Path, text: str, suffix: str) -> tuple[bool, str]:
    """Write `text` (UTF-8) to `path` through written_beside; whether it was written, and the status line
    to show: "Saved PATH", or why not."""
    try:
        with written_beside(path, suffix) as temp:
            temp.write_text(text, encoding="utf-8")
    except OSError as exc:
        return False, f"Could not write {path}: {exc.strerror or exc}"
    return True, f"Saved {path}"


def write_picture(
    path: Path,
    size: QSize,
    paint: Callable[[QPainter], None],
    *,
    title: str,
    background: QColor,
    ratio: float = 1.0,
) -> None:
    """Write what `paint` draws on a canvas of `size` (in pixels) to `path`: SVG when it ends in .svg
    (text stays text), else PNG at `ratio` device pixels per pixel. Written beside the target and moved
    into place once whole (`written_beside`): a write that fails raises OSError.
    """
    svg = path.suffix.lower() == ".svg"
    with written_beside(path, ".svg" if svg else ".png") as temp:
        if svg:
            from PySide6.QtSvg import QSvgGenerator  # only when an SVG is written: not a cost at startup

            generator = QSvgGenerator()
            generator.setFileName(str(temp))
            generator.setSize(size)
            generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
            generator.setTitle(title)
            painter = QPainter(generator)
            paint(painter)
            painter.end()
            del generator  # the file is complete once the generator is gone
        else:
            image = QImage(size * ratio, QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(ratio)
            image.fill(background)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            paint(painter)
            painter.end()
            if not image.save(str(temp), "PNG"):  # type: ignore[call-overload]  # the stubs say bytes; Qt takes str
                raise OSError(f"the image could not be written to {temp}")


# The timeline strip's width on paper, in the page's logical pixels: about the text's width on A4.
PAPER_STRIP_WIDTH = 600


class Exports(QObject):
    """Signals: message(text) for the status bar."""

    message = Signal(str)

    def __init__(self, pages: PageTabs, window: QWidget) -> None:
        super().__init__(window)
        self.pages = pages
        self.window = window

    def printable_document(self) -> QTextDocument:
        """A document of the page as it goes on paper; the caller owns it (it has no parent)."""
        doc = QTextDocument()
        doc.setDefaultFont(self.pages.view.document().defaultFont())
        page = self.pages.current_page()
        if page is not None:
            strip = page_strip(page, self.pages.as_of)
            if strip is not None:
                # The strip is an image the view draws for itself; a document of its own needs it given.
                from desktop.ui.page_strip import paper_strip  # only for printing a page with dated facts

                image = paper_strip(strip, doc.defaultFont(), PAPER_STRIP_WIDTH)
                doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(STRIP_SRC), image)
            # Paper gets every fact, and links a PDF reader can follow.
            html = render_page(page, Colors(), self.pages.as_of, limit=None, strip=strip is not None)
            doc.setHtml(for_paper(html, page.sources))
        else:
            doc.setHtml(self.pages.view.toHtml())
        return doc

    def _print_to(self, device: QPagedPaintDevice) -> None:
        doc = self.printable_document()
        try:
            doc.print_(device)
        finally:
            doc.deleteLater()

    def export_pdf(self, path: Path) -> bool:
        """Write the page to `path` as PDF; False (and a message) when it could not be written.

        QPdfWriter fails silently on a path it cannot write, so the PDF goes to a temporary file
        beside the target, is checked, and only then takes the target's place: a failed export
        neither says "Saved" nor leaves a broken file over one that was there.
        """
        try:
            with written_beside(path, ".pdf") as temp:
                writer = QPdfWriter(str(temp))
                writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
                writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
                writer.setTitle(self.window.windowTitle())
                writer.setCreator(APP_TITLE)
                self._print_to(writer)
                del writer  # the file is complete once the writer is gone
        except OSError as exc:
            self.message.emit(f"Could not write {path}: {exc.strerror or exc}")
            return False
        self.message.emit(f"Saved {path}")
        return True

    @Slot()
    def choose_pdf(self) -> None:
        name = (self.window.windowTitle().split(" — ")[0] or "almanac").replace("/", "-")
        path, _ = QFileDialog.getSaveFileName(self.window, "Export as PDF", f"{name}.pdf", "PDF files (*.pdf)")
        if path:
            self.export_pdf(Path(path))

    @Slot()
    def print_page(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter  # only when printing

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self.window)
        dialog.setWindowTitle("Print page")
        try:
            if dialog.exec() == QPrintDialog.DialogCode.Accepted:
                self._print_to(printer)
        finally:
            dialog.deleteLater()

    @Slot()
    def copy(self) -> None:
        """Edit → Copy: the selection where the focus is, else the page's selection, else the entity's name."""
        focused = QApplication.focusWidget()
        if isinstance(focused, QLineEdit):
            focused.copy()
        elif self.pages.view.textCursor().hasSelection():
            self.pages.view.copy()
        elif page := self.pages.current_page():
            QGuiApplication.clipboard().setText(page.name)

    @Slot()
    def copy_citation(self) -> str:
        page = self.pages.current_page()
        if page is None:
            self.message.emit("Open an entity to copy its citation.")
            return ""
        text = citation_text(page)
        QGuiApplication.clipboard().setText(text)
        self.message.emit("Citation copied.")
        return text

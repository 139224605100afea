"""The timeline: a QGraphicsView over TimelineScene with a date axis that follows the zoom.

Zoom with the wheel or Ctrl+= / Ctrl+- (while the timeline has focus), fit
everything with Ctrl+0, pan by dragging or with the arrow keys. Each frame
paints the lane bands and grid, then the marks of the rows and days in view
(the scene holds no item per mark), then the lane names, the as-of cursor and
the axis on top, so a frame costs what is on screen whatever the number of facts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QGraphicsView, QToolTip, QWidget

from desktop import APP_TITLE
from desktop.ui.exports import write_picture
from desktop.ui.timeline_scene import (
    AXIS_H,
    LANE_HEADER,
    MAX_LABEL_PX,
    ROW_H,
    Lane,
    Mark,
    TimelineScene,
    day_x,
    tooltip_html,
    x_date,
)

if TYPE_CHECKING:
    from desktop.core.dates import FuzzyDate

ZOOM_STEP = 1.25
MAX_PIXELS_PER_DAY = 40.0
MIN_TICK_PX = 70  # labelled ticks at least this far apart
MIN_MINOR_PX = 7
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# Tick steps in months, finest first; the view takes the finest whose ticks fit.
_STEPS = [1, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000]
_ZOOM_KEYS = {
    (Qt.Key.Key_Equal, True): ZOOM_STEP,
    (Qt.Key.Key_Plus, True): ZOOM_STEP,
    (Qt.Key.Key_Minus, True): 1 / ZOOM_STEP,
}


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_x(index: int) -> float:
    year, month = divmod(index, 12)
    return float(date(min(max(year, 1), 9999), month + 1, 1).toordinal())


def tick_steps(pixels_per_day: float) -> tuple[int, int | None]:
    """(labelled step, minor step or None) in months for this zoom."""
    month_px = pixels_per_day * 30.44
    major = next((s for s in _STEPS if s * month_px >= MIN_TICK_PX), _STEPS[-1])
    finer = [s for s in _STEPS if s < major and major % s == 0 and s * month_px >= MIN_MINOR_PX]
    return major, (finer[-1] if finer else None)


def tick_label(index: int, step: int) -> str:
    year, month = divmod(index, 12)
    if step >= 12 or month == 0:
        return str(year)
    return _MONTHS[month]


class TimelineView(QGraphicsView):
    """Signals: entityActivated(id) when a mark is clicked, zoomChanged(pixels per day), shownChanged() when
    what is in view changed (scrolled, zoomed, resized), unreadShown() when what is in view could not all
    be painted (a lane's marks, or a mark's words, not read yet)."""

    entityActivated = Signal(str)
    zoomChanged = Signal(float)
    shownChanged = Signal()
    unreadShown = Signal()

    def __init__(self, scene: TimelineScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setObjectName("timelineView")
        self.setAccessibleName("Timeline")
        self.setAccessibleDescription("Dated facts on a time axis. Wheel or Ctrl+= and Ctrl+- zoom, arrows pan.")
        self.timeline = scene
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        # The axis and lane names stay put while the scene scrolls under them: repaint whole frames.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.as_of: FuzzyDate | None = None
        self._press: QPoint | None = None
        self.timeline.set_text_color(self.palette().color(QPalette.ColorRole.Text))
        self._fitted = False
        self.horizontalScrollBar().valueChanged.connect(self.shownChanged)
        self.verticalScrollBar().valueChanged.connect(self.shownChanged)
        self.zoomChanged.connect(self.shownChanged)

    # -- dates and positions ---------------------------------------------------

    @property
    def pixels_per_day(self) -> float:
        return self.transform().m11()

    def x_for_date(self, iso: str) -> float:
        """The viewport x where the ISO day `iso` begins."""
        return self.viewportTransform().map(QPointF(day_x(iso), 0)).x()

    def date_at(self, x: float) -> date:
        """The day at viewport x."""
        inverse, _ = self.viewportTransform().inverted()
        return x_date(inverse.map(QPointF(x, 0)).x())

    def visible_scene_rect(self) -> QRectF:
        inverse, _ = self.viewportTransform().inverted()
        return inverse.mapRect(QRectF(self.viewport().rect()))

    def mark_at(self, pos: QPoint) -> Mark | None:
        """The mark under viewport position `pos`, if any (a point, a bar or a label)."""
        return self.timeline.mark_at(pos.x(), pos.y(), self.viewportTransform())

    def visible_labels(self) -> list[tuple[Mark, QRectF]]:
        """The labels on screen at this zoom, each with its box in viewport pixels."""
        shown = self.visible_scene_rect()
        shown.adjust(-MAX_LABEL_PX / max(self.pixels_per_day, 1e-9), 0, 0, 0)
        viewport = QRectF(self.viewport().rect())
        return [
            (m, box)
            for m, box in self.timeline.visible_labels(shown, self.viewportTransform())
            if box.intersects(viewport)
        ]

    def tooltip_at(self, pos: QPoint) -> str:
        mark = self.mark_at(pos)
        item = mark.item if mark else None
        return tooltip_html(item) if item else ""

    def mark_pos(self, mark: Mark) -> QPoint:
        """A viewport point on `mark` (its diamond, or the middle of what shows of its bar)."""
        y = mark.y + 3 + 4.5
        if mark.point:
            x = mark.anchor
        else:
            shown = self.visible_scene_rect()
            x = (max(mark.s0, shown.left()) + min(max(mark.s1, mark.s0 + 1), shown.right())) / 2
        return self.viewportTransform().map(QPointF(x, y)).toPoint()

    # -- zoom and pan -------------------------------------------------------------

    def _min_pixels_per_day(self) -> float:
        width = self.timeline.sceneRect().width() or 1.0
        return max(self.viewport().width(), 50) / width / 2

    def set_pixels_per_day(self, value: float, anchor_x: float | None = None) -> None:
        """Zoom so that a day is `value` pixels wide, keeping the date under viewport x `anchor_x` in place."""
        value = min(max(value, self._min_pixels_per_day()), MAX_PIXELS_PER_DAY)
        ax = self.viewport().width() / 2 if anchor_x is None else anchor_x
        inverse, _ = self.viewportTransform().inverted()
        keep = inverse.map(QPointF(ax, 0)).x()
        top = self.verticalScrollBar().value()
        self.setTransform(QTransform.fromScale(value, 1))
        # The scroll bar counts pixels of the scaled scene: put `keep` back under the anchor.
        scroll = self.horizontalScrollBar()
        scroll.setValue(round(keep * value - ax - self._scene_left_px()))
        self.verticalScrollBar().setValue(top)
        self.viewport().update()
        self.zoomChanged.emit(value)

    def _scene_left_px(self) -> float:
        return self.timeline.sceneRect().left() * self.pixels_per_day - self.horizontalScrollBar().minimum()

    def zoom_by(self, factor: float, anchor_x: float | None = None) -> None:
        self.set_pixels_per_day(self.pixels_per_day * factor, anchor_x)

    def fit_all(self) -> None:
        """Every mark across the width; the first lanes at the top, or the lane of the entity on show."""
        scene = self.timeline
        margin = 24.0
        span = max(scene.last - scene.first, 30.0)
        # A fifth of the width is kept on the right for the labels of the latest marks.
        value = min(max(self.viewport().width() - 2 * margin, 50) / (span * 1.2), MAX_PIXELS_PER_DAY)
        self.setTransform(QTransform.fromScale(value, 1))
        left = scene.first - margin / value
        self.centerOn(QPointF(left + self.viewport().width() / 2 / value, self.visible_scene_rect().center().y()))
        self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())
        ours = self.timeline.lane_of_entity(self.timeline.current)
        if ours is not None:  # the entity on show stays in sight
            self.reveal(ours)
        self._fitted = True
        self.viewport().update()
        self.zoomChanged.emit(self.pixels_per_day)

    def reveal(self, lane: Lane) -> None:
        """Scroll the lanes (not the dates) so that `lane` shows, if it is out of sight."""
        shown = self.visible_scene_rect()
        if shown.top() + AXIS_H <= lane.top and lane.top + LANE_HEADER + ROW_H <= shown.bottom():
            return
        self.verticalScrollBar().setValue(round(lane.top - AXIS_H - 4))

    def pan_by(self, dx: int, dy: int = 0) -> None:
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + dx)
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + dy)

    def set_as_of(self, when: FuzzyDate | None) -> None:
        self.as_of = when
        self.viewport().update()

    # -- events ---------------------------------------------------------------

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if not self._fitted and self.viewport().width() > 50:
            self.fit_all()
        self.shownChanged.emit()

    def event(self, event: QEvent) -> bool:
        # Ctrl+=, Ctrl+- and Ctrl+0 zoom the window's page too: while the timeline has focus they are its own.
        overriding = event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
        if overriding and (self._zoom_key(event) is not None or self._is_fit_key(event)):  # type: ignore[arg-type]
            event.accept()
            return True
        return super().event(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            pos = event.pos()  # type: ignore[attr-defined]
            text = self.tooltip_at(pos)
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        if event.type() == QEvent.Type.PaletteChange:
            self.timeline.set_text_color(self.palette().color(QPalette.ColorRole.Text))
        return super().viewportEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.timeline.set_text_color(self.palette().color(QPalette.ColorRole.Text))

    @staticmethod
    def _zoom_key(event: QKeyEvent) -> float | None:
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        return _ZOOM_KEYS.get((Qt.Key(event.key()), ctrl))

    @staticmethod
    def _is_fit_key(event: QKeyEvent) -> bool:
        return event.key() == Qt.Key.Key_0 and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        factor = self._zoom_key(event)
        step_x = max(self.viewport().width() // 8, 20)
        pans = {
            Qt.Key.Key_Left: (-step_x, 0),
            Qt.Key.Key_Right: (step_x, 0),
            Qt.Key.Key_Up: (0, -ROW_H),
            Qt.Key.Key_Down: (0, ROW_H),
        }
        if factor is not None:
            self.zoom_by(factor)
        elif self._is_fit_key(event):
            self.fit_all()
        elif event.key() in pans and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.pan_by(*pans[Qt.Key(event.key())])
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            super().wheelEvent(event)  # Shift+wheel scrolls the lanes
            return
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps, event.position().x())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint() if event.button() == Qt.MouseButton.LeftButton else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if (event.position().toPoint() - press).manhattanLength() > QApplication.startDragDistance():
            return  # a drag to pan, not a click
        mark = self.mark_at(press)
        if mark is not None:
            self.entityActivated.emit(mark.target(self.timeline.current))

    # -- painting -------------------------------------------------------------

    def drawBackground(self, painter: QPainter, exposed: QRectF | QRect) -> None:
        rect = QRectF(exposed)
        palette = self.palette()
        painter.fillRect(rect, palette.color(QPalette.ColorRole.Base))
        band = palette.color(QPalette.ColorRole.AlternateBase)
        for lane in self.timeline.lanes_between(rect.top(), rect.bottom()):
            if lane.index % 2:
                painter.fillRect(QRectF(rect.left(), lane.top, rect.width(), lane.bottom - lane.top), band)
        grid = QPen(palette.color(QPalette.ColorRole.Mid), 0)
        grid.setCosmetic(True)
        painter.setPen(grid)
        major, minor = tick_steps(self.pixels_per_day)
        for index in self._ticks(rect, minor or major):
            if index % major == 0:
                grid.setStyle(Qt.PenStyle.SolidLine)
            else:
                grid.setStyle(Qt.PenStyle.DotLine)
            painter.setPen(grid)
            x = _month_x(index)
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        self._draw_marks(painter, rect)

    def _draw_marks(self, painter: QPainter, rect: QRectF) -> None:
        # In viewport pixels whatever the painter paints into (the screen, a PNG or an SVG): points and
        # labels keep their size in pixels while bars stretch with the zoom.
        scene_to_device = painter.worldTransform()
        view_to_scene, _ = self.viewportTransform().inverted()
        painter.save()
        painter.setWorldTransform(view_to_scene * scene_to_device)
        # A label starts at its mark and runs right: marks a label's width left of the rect still show.
        shown = rect.adjusted(-MAX_LABEL_PX / max(self.pixels_per_day, 1e-9), 0, 0, 0)
        complete = self.timeline.paint(painter, shown, self.viewportTransform())
        painter.restore()
        if not complete:
            self.unreadShown.emit()

    def _ticks(self, rect: QRectF, step: int) -> range:
        first = _month_index(x_date(rect.left()))
        last = _month_index(x_date(rect.right())) + 1
        return range(first - first % step, last + step, step)

    def drawForeground(self, painter: QPainter, exposed: QRectF | QRect) -> None:
        # Drawn in viewport pixels whatever the painter is painting into (the screen, a PNG or an SVG).
        scene_to_device = painter.worldTransform()
        view_to_scene, _ = self.viewportTransform().inverted()
        painter.save()
        painter.setWorldTransform(view_to_scene * scene_to_device)
        palette = self.palette()
        width = self.viewport().width()
        shown = self.visible_scene_rect()
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.85, 7.0))
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        self._draw_lane_names(painter, shown, palette, metrics)
        self._draw_as_of(painter, palette, metrics)
        # The date axis, on top of everything.
        painter.fillRect(QRectF(0, 0, width, AXIS_H), palette.color(QPalette.ColorRole.Window))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 0))
        painter.drawLine(QPointF(0, AXIS_H), QPointF(width, AXIS_H))
        major, minor = tick_steps(self.pixels_per_day)
        text = palette.color(QPalette.ColorRole.WindowText)
        for index in self._ticks(shown, minor or major):
            x = self.viewportTransform().map(QPointF(_month_x(index), 0)).x()
            if index % major == 0:
                painter.setPen(QPen(text, 0))
                painter.drawLine(QPointF(x, AXIS_H - 7), QPointF(x, AXIS_H))
                painter.drawText(QPointF(x + 3, AXIS_H - 8), tick_label(index, major))
            else:
                painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 0))
                painter.drawLine(QPointF(x, AXIS_H - 4), QPointF(x, AXIS_H))
        painter.restore()

    def _draw_lane_names(self, painter: QPainter, shown: QRectF, palette: QPalette, metrics: QFontMetricsF) -> None:
        mapping = self.viewportTransform()
        regular = painter.font()
        bold = QFont(regular)
        bold.setBold(True)
        painter.setFont(bold)
        text = palette.color(QPalette.ColorRole.Text)
        backdrop = QColor(palette.color(QPalette.ColorRole.AlternateBase))
        backdrop.setAlpha(220)
        for lane in self.timeline.lanes_between(shown.top(), shown.bottom()):
            y = mapping.map(QPointF(0, lane.top)).y()
            label = metrics.elidedText(lane.name, Qt.TextElideMode.ElideRight, 360)
            box = QRectF(4, y + 1, QFontMetricsF(bold).horizontalAdvance(label) + 8, LANE_HEADER - 2)
            painter.fillRect(box, backdrop)
            painter.setPen(text)
            painter.drawText(box.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, label)
        painter.setFont(regular)

    def _draw_as_of(self, painter: QPainter, palette: QPalette, metrics: QFontMetricsF) -> None:
        if self.as_of is None:
            return
        mapping = self.viewportTransform()
        left = mapping.map(QPointF(self.as_of.first_day, 0)).x()
        right = mapping.map(QPointF(self.as_of.last_day + 1, 0)).x()
        height = self.viewport().height()
        accent = QColor(palette.color(QPalette.ColorRole.Highlight))
        shade = QColor(accent)
        shade.setAlpha(45)
        painter.fillRect(QRectF(left, AXIS_H, max(right - left, 0), height), shade)
        pen = QPen(accent, 2)
        pen.setCosmetic(True)
        painter.setPen(pen)
        middle = (left + right) / 2 if right - left < 3 else left
        painter.drawLine(QPointF(middle, AXIS_H), QPointF(middle, height))
        label = f"as of {self.as_of.display()}"
        width = metrics.horizontalAdvance(label) + 8
        x = middle + 4 if middle + 4 + width <= self.viewport().width() else middle - 4 - width  # flip at the edge
        box = QRectF(x, AXIS_H + 3, width, metrics.height() + 2)
        painter.fillRect(box, accent)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)

    # -- export ---------------------------------------------------------------

    def export(self, path: Path) -> bool:
        """Write what the view shows to `path`: SVG when it ends in .svg, else PNG; False when it could not."""
        size = self.viewport().size()
        source = self.viewport().rect()
        target = QRectF(0, 0, size.width(), size.height())
        try:
            write_picture(
                path,
                size,
                lambda painter: self.render(painter, target, source),
                title=f"{APP_TITLE} — timeline",
                background=self.palette().color(QPalette.ColorRole.Base),
                ratio=self.devicePixelRatioF(),
            )
        except OSError:
            return False
        return True

    def sizeHint(self) -> QSize:
        return QSize(800, 260)

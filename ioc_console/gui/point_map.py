"""A small map of the province for a form: its outline, its districts' names and its wards and
communes as dots, and the point picked on it. Drawn by Qt itself from the pack and the map's outlines
(no web page, no basemap): it opens at once inside a dialog and follows the palette (light or dark).

A click emits :attr:`PointMap.point_clicked` with the point's latitude and longitude; the form decides
what to do with it (:meth:`set_point` shows it).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ioc_console.domain.jurisdiction import Jurisdiction

from ioc_console.gui.map.outlines import province_outline
from ioc_console.gui.theme import palette_is_dark

#: Space around the province, in pixels.
MARGIN = 8


class PointMap(QWidget):
    """Signals:
    point_clicked(float, float): the operator clicked this point (latitude, longitude).
    """

    point_clicked = Signal(float, float)

    def __init__(self, jurisdiction: Jurisdiction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jurisdiction = jurisdiction
        self._point: tuple[float, float] | None = None
        south, west, north, east = jurisdiction.bbox
        self._box = (south, west, north, east)
        # Longitudes are narrower than latitudes away from the equator (equirectangular, scaled).
        self._kx = math.cos(math.radians((south + north) / 2))
        units = list(jurisdiction.units.values())
        places = [(u.lat, u.lon) for u in units if u.lat is not None and u.lon is not None]
        self._outline = province_outline(self._box, places)
        root = jurisdiction.root()
        self._districts = [u for u in units if u.parent == root.code and u.lat is not None]
        self._places = [(u.lat, u.lon) for u in jurisdiction.leaf_units() if u.lat is not None]
        self.setMinimumSize(220, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName(self.tr("Bản đồ chọn vị trí"))
        self.setToolTip(self.tr("Nhấp vào bản đồ để đánh dấu vị trí phản ánh"))

    def sizeHint(self) -> QSize:
        return QSize(320, 260)

    # -- the point -----------------------------------------------------------------------------------

    def set_point(self, point: tuple[float, float] | None) -> None:
        self._point = point
        self.update()

    def point(self) -> tuple[float, float] | None:
        return self._point

    # -- projection ----------------------------------------------------------------------------------

    def _frame(self) -> tuple[float, float, float]:
        """(scale in pixels per degree of latitude, left, top) that fit the box in the widget."""
        south, west, north, east = self._box
        width = max(self.width() - 2 * MARGIN, 1)
        height = max(self.height() - 2 * MARGIN, 1)
        scale = min(width / ((east - west) * self._kx), height / (north - south))
        left = MARGIN + (width - (east - west) * self._kx * scale) / 2
        top = MARGIN + (height - (north - south) * scale) / 2
        return scale, left, top

    def position_of(self, lat: float, lon: float) -> QPointF:
        """Where a point lies on the widget."""
        scale, left, top = self._frame()
        _south, west, north, _east = self._box
        return QPointF(left + (lon - west) * self._kx * scale, top + (north - lat) * scale)

    def point_at(self, position: QPointF) -> tuple[float, float]:
        """The (latitude, longitude) under a position of the widget."""
        scale, left, top = self._frame()
        _south, west, north, _east = self._box
        return north - (position.y() - top) / scale, west + (position.x() - left) / (self._kx * scale)

    # -- events --------------------------------------------------------------------------------------

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            lat, lon = self.point_at(event.position())
            self.point_clicked.emit(lat, lon)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        palette = self.palette()
        dark = palette_is_dark(palette)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#1d2b36") if dark else QColor("#dcecf5"))  # the sea
        land = QPainterPath()
        for polygon in self._outline:
            for ring in polygon:
                if not ring:
                    continue
                land.moveTo(self.position_of(ring[0][1], ring[0][0]))
                for lon, lat in ring[1:]:
                    land.lineTo(self.position_of(lat, lon))
                land.closeSubpath()
        land.setFillRule(Qt.FillRule.OddEvenFill)
        painter.setPen(QPen(QColor("#8a8f7a") if dark else QColor("#9a8f6a"), 1.2))
        painter.setBrush(QBrush(QColor("#2f3a2e") if dark else QColor("#f3efe2")))
        painter.drawPath(land)
        dot = QColor("#7f8c8d") if dark else QColor("#95a5a6")
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(dot)
        for lat, lon in self._places:
            painter.drawEllipse(self.position_of(lat, lon), 1.6, 1.6)
        text = palette.color(QPalette.ColorRole.WindowText)
        font = painter.font()
        font.setPointSizeF(max(font.pointSizeF() * 0.78, 6.5))
        painter.setFont(font)
        painter.setPen(text)
        metrics = painter.fontMetrics()
        for unit in self._districts:
            assert unit.lat is not None and unit.lon is not None
            where = self.position_of(unit.lat, unit.lon)
            name = unit.name
            width = metrics.horizontalAdvance(name)
            painter.drawText(QRectF(where.x() - width / 2, where.y() - 14, width + 2, 14), name)
        if self._point is not None:
            where = self.position_of(*self._point)
            painter.setPen(QPen(QColor("#ffffff"), 2))
            painter.setBrush(QColor("#d62728"))
            painter.drawEllipse(where, 6, 6)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()


__all__ = ["PointMap"]

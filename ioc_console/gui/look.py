"""How deadline states look: a colour, a drawn icon and a word — never the colour alone.

Overdue is a red disc with an exclamation mark; due soon is an amber clock face. The shapes differ
so that the two stay apart for people who do not tell red from amber, and the deadline column
always spells the state out as well ("Quá hạn", "Sắp đến hạn").
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap

from ioc_console.domain.deadlines import DeadlineState

ICON_SIZE = 16

_BACKGROUND = {
    DeadlineState.OVERDUE: QColor("#fbe0de"),
    DeadlineState.DUE_SOON: QColor("#fff1cc"),
}
_FOREGROUND = {
    DeadlineState.OVERDUE: QColor("#a11a12"),
    DeadlineState.DUE_SOON: QColor("#7a4b00"),
}
MUTED = QColor("#6b6b6b")


class DeadlineLook:
    """Brushes and icons per deadline state, built once after the QGuiApplication exists."""

    def __init__(self) -> None:
        self._backgrounds = {state: QBrush(colour) for state, colour in _BACKGROUND.items()}
        self._foregrounds = {state: QBrush(colour) for state, colour in _FOREGROUND.items()}
        self._muted = QBrush(MUTED)
        self._icons = {
            DeadlineState.OVERDUE: _overdue_icon(),
            DeadlineState.DUE_SOON: _due_soon_icon(),
        }
        self._blank = _blank_icon()
        self.bold = QFont()
        self.bold.setBold(True)

    def background(self, state: DeadlineState | None) -> QBrush | None:
        return self._backgrounds.get(state) if state is not None else None

    def foreground(self, state: DeadlineState | None) -> QBrush | None:
        if state is None or state is DeadlineState.NONE:
            return self._muted
        return self._foregrounds.get(state)

    def icon(self, state: DeadlineState | None) -> QIcon:
        """The state's icon; a transparent one otherwise, so that the column's text stays aligned."""
        if state is None:
            return self._blank
        return self._icons.get(state, self._blank)

    def is_flagged(self, state: DeadlineState | None) -> bool:
        return state in self._icons


def _canvas(scale: int) -> tuple[QPixmap, QPainter]:
    pixmap = QPixmap(ICON_SIZE * scale, ICON_SIZE * scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale, scale)
    return pixmap, painter


def _icon(draw: object) -> QIcon:
    icon = QIcon()
    for scale in (1, 2):
        pixmap, painter = _canvas(scale)
        draw(painter)  # type: ignore[operator]
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def _overdue_icon() -> QIcon:
    def draw(p: QPainter) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#c62828"))
        p.drawEllipse(QRectF(1, 1, 14, 14))
        p.setBrush(QColor("white"))
        p.drawRoundedRect(QRectF(7, 3.5, 2, 6.5), 1, 1)
        p.drawEllipse(QRectF(7, 11, 2, 2))

    return _icon(draw)


def _due_soon_icon() -> QIcon:
    def draw(p: QPainter) -> None:
        p.setPen(QPen(QColor("#8a5a00"), 1.2))
        p.setBrush(QColor("#f5b400"))
        p.drawEllipse(QRectF(1.5, 1.5, 13, 13))
        pen = QPen(QColor("#3d2800"), 1.6)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        centre = QPointF(8, 8)
        p.drawLine(centre, QPointF(8, 4))
        p.drawLine(centre, QPointF(11, 9.5))

    return _icon(draw)


def _blank_icon() -> QIcon:
    return _icon(lambda p: None)

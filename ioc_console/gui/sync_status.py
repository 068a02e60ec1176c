"""What the status bar shows of syncing, and how a refused action is told to the operator.

:class:`SyncStatusWidget` shows the engine's :class:`~ioc_console.sync.status.SyncStatus` at all
times: a drawn mark (its shape differs per state, so colour is never the only cue) and a line of
words (``Ngoại tuyến · Mất kết nối từ 09:15 · 3 thao tác chờ gửi``); the tooltip holds the last
problem. :func:`refusal_box` is the message for a refused action (who did what, when; the draft).

Wiring (the composition root)::

    widget = SyncStatusWidget(lang)
    window.statusBar().addPermanentWidget(widget)
    engine.on_status(widget.show_status)
    engine.on_refused(lambda refused: refusal_box(window, refused, lang).show())

Signals:
    details_requested(): the user clicked the status (to show the outbox or sign in again).
"""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QWidget

from ioc_console.sync.engine import RefusedAction
from ioc_console.sync.status import DEFAULT_TZ, SyncState, SyncStatus

MARK_SIZE = 14

_COLOURS = {
    SyncState.CONNECTING: "#6b6b6b",
    SyncState.ONLINE: "#1e7b34",
    SyncState.SYNCING: "#1f5fa8",
    SyncState.OFFLINE: "#a15c00",
    SyncState.SIGNED_OUT: "#a11a12",
    SyncState.STOPPED: "#6b6b6b",
}


def state_mark(state: SyncState, size: int = MARK_SIZE, ratio: float = 1.0) -> QPixmap:
    """A small mark per state: a filled disc (online), a ring with a gap (syncing, connecting),
    a hollow square (offline), a disc with a bar (signed out), a grey dash (stopped)."""
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(_COLOURS[state])
    pen = QPen(colour, 2)
    box = QRectF(2, 2, size - 4, size - 4)
    if state is SyncState.ONLINE:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(colour))
        painter.drawEllipse(box)
    elif state in (SyncState.SYNCING, SyncState.CONNECTING):
        painter.setPen(pen)
        painter.drawArc(box, 30 * 16, 300 * 16)
    elif state is SyncState.OFFLINE:
        painter.setPen(pen)
        painter.drawRect(box.adjusted(1, 1, -1, -1))
    elif state is SyncState.SIGNED_OUT:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(colour))
        painter.drawEllipse(box)
        painter.setPen(QPen(QColor("white"), 2))
        painter.drawLine(QPointF(5, size / 2), QPointF(size - 5, size / 2))
    else:
        painter.setPen(pen)
        painter.drawLine(QPointF(3, size / 2), QPointF(size - 3, size / 2))
    painter.end()
    return pixmap


class SyncStatusWidget(QWidget):
    details_requested = Signal()

    def __init__(self, lang: str = "vi", tz: tzinfo = DEFAULT_TZ, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_status")
        self._lang = lang
        self._tz = tz
        self.status = SyncStatus()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(6)
        self.mark = QLabel(self)
        self.mark.setFixedSize(QSize(MARK_SIZE, MARK_SIZE))
        self.text = QLabel(self)
        self.text.setObjectName("sync_status_text")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.mark)
        layout.addWidget(self.text)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.show_status(self.status)

    @Slot(object)
    def show_status(self, status: SyncStatus) -> None:
        """Show a status snapshot (connect to :meth:`SyncEngine.on_status`)."""
        self.status = status
        self.mark.setPixmap(state_mark(status.state, MARK_SIZE, self.devicePixelRatioF()))
        line = status.describe(self._lang, self._tz)
        self.text.setText(line)
        tip = [line]
        if status.live:
            tip.append(self.tr("Đang nhận cập nhật trực tiếp từ máy chủ."))
        error = status.error(self._lang)
        if error:
            tip.append(error)
        self.setToolTip("\n".join(tip))
        self.setAccessibleName(line)
        colour = _COLOURS[status.state]
        urgent = status.state in (SyncState.OFFLINE, SyncState.SIGNED_OUT)
        self.text.setStyleSheet(f"color: {colour};" + (" font-weight: bold;" if urgent else ""))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.details_requested.emit()
        super().mouseReleaseEvent(event)


def refusal_box(parent: QWidget | None, refused: RefusedAction, lang: str = "vi") -> QMessageBox:
    """A non-modal message for a refused action: the reason in words (who did what, when), and
    that the local copy shows the hub's version and the operator's text is kept as a draft."""
    box = QMessageBox(parent)
    box.setObjectName("refusal_box")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("SyncStatusWidget", "Thao tác không được thực hiện"))
    box.setText(
        QCoreApplication.translate(
            "SyncStatusWidget", "Phản ánh %s: thao tác của bạn không được máy chủ chấp nhận."
        )
        % refused.entry.report_number
    )
    box.setInformativeText(refused.message(lang))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box


__all__ = ["SyncStatusWidget", "refusal_box", "state_mark"]

"""The undo bar: "Đã chuyển 3 phản ánh cho Sở Xây dựng — Hoàn tác (8 s)", for the last action taken.

It follows an :class:`~ioc_console.gui.actions.ActionService`: each offer replaces the previous one
on screen and counts down until the service releases the action. Hoàn tác (or Ctrl+Z anywhere in
the window while the bar is up) takes it back; the bar then says what was put back, and what could
not be because it had already gone to the hub.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from ioc_console.domain.lifecycle import Action

from ioc_console.gui.actions import ActionService, UndoOffer, UndoResult
from ioc_console.gui.present import Names

#: How long the outcome of an undo stays on the bar.
RESULT_MS = 6000
_TICK_MS = 250


class UndoBar(QFrame):
    """The offer to take back the last action, with its countdown (hidden when there is none)."""

    def __init__(
        self,
        service: ActionService,
        names: Names,
        parent: QWidget | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("undo_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        self._service = service
        self._names = names
        self._monotonic = monotonic
        self._offer: UndoOffer | None = None
        self._ends_at = 0.0
        self._waiting_token = 0

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel(self)
        self.label.setObjectName("undo_text")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.countdown = QLabel(self)
        self.countdown.setObjectName("undo_countdown")
        self.countdown.setTextFormat(Qt.TextFormat.PlainText)
        self.button = QPushButton(self.tr("&Hoàn tác"), self)
        self.button.setObjectName("undo_button")
        self.button.setToolTip(self.tr("Hoàn tác thao tác vừa rồi (Ctrl+Z)"))
        self.button.clicked.connect(self.undo)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.countdown)
        layout.addWidget(self.button)

        self.undo_action = QAction(self.tr("Hoàn tác"), self)
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.undo_action.triggered.connect(self.undo)
        self.addAction(self.undo_action)

        self._ticker = QTimer(self)
        self._ticker.setInterval(_TICK_MS)
        self._ticker.timeout.connect(self._tick)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self._end)

        service.undo_offered.connect(self._on_service_undo_offered)
        service.undo_finished.connect(self._on_service_undo_finished)
        self.setVisible(False)

    @property
    def offer(self) -> UndoOffer | None:
        return self._offer

    def describe(self, offer: UndoOffer) -> str:
        """What was done, in words: "Đã chuyển 3 phản ánh cho Sở Xây dựng"."""
        count = len(offer.numbers)
        if offer.action is Action.FORWARD:
            agency = self._names.agency(str(offer.payload.get("agency", "")))
            return self.tr("Đã chuyển %n phản ánh cho %1", "", count).replace("%1", agency)
        what = offer.action.label(self._names.lang)
        return self.tr("Đã %1: %n phản ánh", "", count).replace("%1", what)

    @Slot(object)
    def _on_service_undo_offered(self, offer: UndoOffer) -> None:
        self._offer = offer
        self._ends_at = self._monotonic() + offer.seconds
        self._hide_timer.stop()
        self.label.setText(self.describe(offer))
        self.button.setVisible(True)
        self.button.setEnabled(True)
        self.undo_action.setEnabled(True)
        self.countdown.setVisible(True)
        self._tick()
        self._ticker.start()
        self.setVisible(True)

    @Slot()
    def _tick(self) -> None:
        if self._offer is None:
            return
        left = self._ends_at - self._monotonic()
        if left <= 0 or not self._service.can_undo(self._offer.token):
            self._end()
            return
        self.countdown.setText(self.tr("%1 giây").replace("%1", str(math.ceil(left))))

    @Slot()
    def undo(self) -> None:
        offer = self._offer
        if offer is None or not self.isVisible():
            return
        self._ticker.stop()
        self.button.setEnabled(False)
        self.undo_action.setEnabled(False)
        self.countdown.setVisible(False)
        if self._service.undo(offer.token):
            self._waiting_token = offer.token
            self.label.setText(self.tr("Đang hoàn tác…"))
        else:
            self._offer = None
            self._show_result(self.tr("Đã hết thời gian hoàn tác."))

    @Slot(object)
    def _on_service_undo_finished(self, result: UndoResult) -> None:
        if result.token != self._waiting_token:
            return
        self._waiting_token = 0
        self._offer = None
        parts = []
        if result.restored:
            parts.append(self.tr("Đã hoàn tác: %n phản ánh trở lại như trước.", "", len(result.restored)))
        if result.kept:
            parts.append(
                self.tr(
                    "Không hoàn tác được %n phản ánh vì thao tác đã được gửi đi hoặc phản ánh đã thay đổi: %1.",
                    "",
                    len(result.kept),
                ).replace("%1", ", ".join(result.kept[:5]) + ("…" if len(result.kept) > 5 else ""))
            )
        self._show_result(" ".join(parts))

    def _show_result(self, text: str) -> None:
        self.label.setText(text)
        self.button.setVisible(False)
        self.countdown.setVisible(False)
        self.setVisible(True)
        self._hide_timer.start(RESULT_MS)

    @Slot()
    def _end(self) -> None:
        self._ticker.stop()
        self._hide_timer.stop()
        self._offer = None
        self.setVisible(False)


__all__ = ["RESULT_MS", "UndoBar"]

"""Closing with actions not yet sent from a session-only local copy.

Without a usable keyring the local copy is encrypted with a key kept in memory only: the next start
cannot read it, so actions still waiting in its outbox would be lost when the console closes. The
window then does not close silently: the waiting actions are sent first (a few seconds at most, on
the loop), and if some still wait (the hub cannot be reached) the user is asked, "wait" being the
default. A copy the keyring keeps (or a demo's plain copy) survives, and closing stays as it is.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox

if TYPE_CHECKING:
    from ioc_console.gui.connection import HubSession

log = logging.getLogger(__name__)

# How long closing waits for the waiting actions to be sent before asking.
SEND_SECONDS = 5.0


class UnsentGuard(QObject):
    """The window's close guard (:attr:`MainWindow.close_guard`) for a hub session.

    ``session`` gives the running session (None once signed out: its copy is gone anyway);
    ``restore_holds`` puts the undo windows back after the user chose to wait (sending on close
    ends them, as closing would)."""

    def __init__(
        self,
        window: QMainWindow,
        session: Callable[[], HubSession | None],
        restore_holds: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self._restore_holds = restore_holds
        self._may_close = False
        self._task: asyncio.Future[None] | None = None
        self.box: QMessageBox | None = None

    def _at_risk(self) -> int:
        """The actions that closing now would lose (0: nothing at risk)."""
        session = self._session()
        if session is None or not session.session_only:
            return 0
        return max(0, session.status.waiting)

    def allow_close(self) -> bool:
        """Whether the window may close now; if not, sending (then asking) has begun."""
        if self._may_close or not self._at_risk():
            return True
        if self.box is not None:
            self.box.raise_()
        elif self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._send_then_ask())
        return False

    async def _send_then_ask(self) -> None:
        session = self._session()
        if session is None:
            return
        self._window.statusBar().showMessage(self.tr("Đang gửi các thao tác chưa gửi lên máy chủ…"))
        session.engine.hold_with(None)  # closing ends every undo offer: send what they held
        try:
            await asyncio.wait_for(session.engine.push(), SEND_SECONDS)
        except Exception as error:  # unreachable hub, timeout: the user decides below
            log.info("the waiting actions could not be sent before closing: %r", error)
        self._window.statusBar().clearMessage()
        waiting = self._at_risk()
        if not waiting:
            self.close_anyway()
            return
        self._ask(waiting)

    def _ask(self, waiting: int) -> None:
        text = self.tr(
            "Còn %s thao tác chưa gửi lên máy chủ. Máy này không có kho mật khẩu nên bản dữ liệu trên "
            "máy chỉ dùng được trong phiên này: nếu đóng bây giờ, các thao tác đó sẽ mất."
        ) % QLocale().toString(waiting)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Thao tác chưa gửi"), text, parent=self._window)
        box.setObjectName("unsent_box")
        wait = box.addButton(self.tr("Chờ gửi"), QMessageBox.ButtonRole.RejectRole)
        wait.setObjectName("unsent_wait")
        close = box.addButton(self.tr("Vẫn đóng"), QMessageBox.ButtonRole.DestructiveRole)
        close.setObjectName("unsent_close")
        box.setDefaultButton(wait)
        box.setEscapeButton(wait)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered() -> None:
            self.box = None
            if box.clickedButton() is close:
                log.warning("closed with %d actions unsent from a session-only copy", waiting)
                self.close_anyway()
            else:
                self._restore_holds()
                session = self._session()
                if session is not None:
                    session.request_push()  # keep trying while the user waits

        box.finished.connect(answered)
        self.box = box
        box.open()

    def close_anyway(self) -> None:
        self._may_close = True
        self._window.close()

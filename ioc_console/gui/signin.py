"""The sign-in dialog: the hub's address, the user's name and password, an optional CA bundle.

The form is ``ui/signin.ui`` (compiled to ``gui/forms/ui_signin.py``). Signing in runs on the
application's asyncio loop (qasync): the dialog stays responsive, shows that it is working, and can
be cancelled. The token goes to the credentials store it is given (the system keyring); when the
machine has no usable keyring the user is signed in for this session only (the token is kept in
memory), and the dialog says so in plain words before they sign in. Why the keyring cannot be used
(a backend's class name, a D-Bus error) goes to the log, never to the user.

Signals:
    signed_in(object): a :class:`~ioc_console.sync.session.SignedIn` (the dialog then closes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QWidget

from ioc_console.store import LocalStore
from ioc_console.sync.client import check_hub_url
from ioc_console.sync.credentials import Credentials
from ioc_console.sync.errors import SyncError
from ioc_console.sync.session import HubAddress, SignedIn, sign_in

from ioc_console.gui.forms.ui_signin import Ui_SignInDialog

log = logging.getLogger(__name__)

SignInFunction = Callable[..., Awaitable[SignedIn]]

ERROR_STYLE = "color: #a11a12;"
NOTICE_STYLE = "color: #7a4b00;"


class SignInDialog(QDialog):
    signed_in = Signal(object)

    def __init__(
        self,
        credentials: Credentials,
        *,
        keyring_problem: str | None = None,
        lang: str = "vi",
        console_id: str = "",
        store: LocalStore | None = None,
        hub_url: str = "",
        user: str = "",
        ca_bundle: Path | None = None,
        sign_in_with: SignInFunction = sign_in,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_SignInDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        self._credentials = credentials
        self._keyring_problem = keyring_problem
        self._lang = lang
        self._console_id = console_id
        self._store = store
        self._sign_in = sign_in_with
        self._task: asyncio.Task[Any] | None = None
        self.result_session: SignedIn | None = None

        ui = self.ui
        ui.hub_edit.setText(hub_url)
        ui.user_edit.setText(user)
        ui.ca_edit.setText(str(ca_bundle) if ca_bundle else "")
        ok = ui.button_box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Đăng nhập"))
        cancel = ui.button_box.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Hủy"))
        ui.error_label.setStyleSheet(ERROR_STYLE)
        ui.error_label.setVisible(False)
        ui.busy_bar.setVisible(False)
        ui.keyring_label.setStyleSheet(NOTICE_STYLE)
        if keyring_problem:
            log.info("no usable keyring, the sign-in lasts for this session: %s", keyring_problem)
            ui.keyring_label.setText(
                self.tr(
                    "Máy này không có nơi cất mật khẩu an toàn, nên bạn sẽ đăng nhập cho phiên làm việc "
                    "này: khi mở lại chương trình, bạn cần đăng nhập lại. Mật khẩu và phiên đăng nhập "
                    "không bao giờ được ghi ra tệp."
                )
            )
        ui.keyring_label.setVisible(bool(keyring_problem))
        ui.button_box.accepted.connect(self._on_button_box_accepted)
        ui.button_box.rejected.connect(self.reject)
        ui.ca_button.clicked.connect(self._on_ca_button_clicked)
        for edit in (ui.hub_edit, ui.user_edit, ui.password_edit):
            edit.textEdited.connect(self._on_field_edited)
        self._update_ok()
        first_empty = next(
            (e for e in (ui.hub_edit, ui.user_edit, ui.password_edit) if not e.text()), ui.password_edit
        )
        first_empty.setFocus()

    # -- state --------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def _update_ok(self) -> None:
        ok = self.ui.button_box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not self.busy)

    def _set_busy(self, busy: bool) -> None:
        ui = self.ui
        for widget in (ui.hub_edit, ui.user_edit, ui.password_edit, ui.ca_edit, ui.ca_button):
            widget.setEnabled(not busy)
        ui.busy_bar.setVisible(busy)
        self._update_ok()

    def show_error(self, text: str) -> None:
        self.ui.error_label.setText(text)
        self.ui.error_label.setVisible(bool(text))

    def _check_fields(self) -> tuple[HubAddress, str, str] | None:
        """The fields as a sign-in request, or None after saying what is wrong."""
        ui = self.ui
        url = ui.hub_edit.text().strip()
        user = ui.user_edit.text().strip()
        password = ui.password_edit.text()
        try:
            check_hub_url(url)
        except ValueError:
            if url.startswith("http://"):
                self.show_error(
                    self.tr("Máy chủ phải được kết nối qua HTTPS (địa chỉ bắt đầu bằng https://).")
                )
            else:
                self.show_error(self.tr("Địa chỉ máy chủ không hợp lệ, ví dụ: https://ioc.ninhthuan.gov.vn"))
            ui.hub_edit.setFocus()
            return None
        if not user or not password:
            self.show_error(self.tr("Cần nhập tên đăng nhập và mật khẩu."))
            (ui.user_edit if not user else ui.password_edit).setFocus()
            return None
        ca_text = ui.ca_edit.text().strip()
        ca = Path(ca_text).expanduser() if ca_text else None
        if ca is not None and not ca.is_file():
            self.show_error(self.tr("Không tìm thấy tệp chứng chỉ %s.") % ca_text)
            ui.ca_edit.setFocus()
            return None
        return HubAddress(url, ca), user, password

    # -- slots --------------------------------------------------------------------------------------

    @Slot(str)
    def _on_field_edited(self, _text: str) -> None:
        if self.ui.error_label.isVisible():
            self.show_error("")

    @Slot()
    def _on_ca_button_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Chọn tệp chứng chỉ (CA) của cơ quan"),
            self.ui.ca_edit.text(),
            self.tr("Chứng chỉ (*.pem *.crt *.cer);;Mọi tệp (*)"),
        )
        if path:
            self.ui.ca_edit.setText(path)

    @Slot()
    def _on_button_box_accepted(self) -> None:
        if self.busy:
            return
        request = self._check_fields()
        if request is None:
            return
        self.show_error("")
        self._task = asyncio.get_running_loop().create_task(self._attempt(*request))
        self._set_busy(True)

    async def _attempt(self, address: HubAddress, user: str, password: str) -> None:
        try:
            result = await self._sign_in(
                address, user, password, self._credentials, console=self._console_id, store=self._store
            )
        except asyncio.CancelledError:
            raise
        except SyncError as error:
            self.show_error(error.message(self._lang))
            self.ui.password_edit.selectAll()
            self.ui.password_edit.setFocus()
            return
        except (ValueError, OSError) as error:
            self.show_error(str(error))
            return
        except Exception as error:  # shown, not swallowed: the user must know it did not work
            log.exception("sign-in failed")
            self.show_error(self.tr("Đã xảy ra lỗi không mong đợi: %s") % error)
            return
        finally:
            self._task_finished()
        self.ui.password_edit.clear()
        self.result_session = result
        self.signed_in.emit(result)
        self.accept()

    def _task_finished(self) -> None:
        # Called from the task itself: it counts as done from here on.
        self._task = None
        self._set_busy(False)

    def reject(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
        self.ui.password_edit.clear()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        with contextlib.suppress(RuntimeError):
            if self._task is not None:
                self._task.cancel()
        super().closeEvent(event)


__all__ = ["SignInDialog"]

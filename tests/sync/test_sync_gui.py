"""The sign-in dialog, the sync status in the status bar and the refusal message, on a qasync loop
with a real hub; screenshots of each are written when ``IOC_SCREENSHOTS`` names a folder."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sync_support import AGENCY_A, AGENCY_B, PASSWORD, ThreadHub, make_console, pack

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QWidget,
)
from qasync import QEventLoop

from ioc_console.domain.lifecycle import Action, Actor, Role
from ioc_console.sync.credentials import MemoryCredentials
from ioc_console.sync.engine import RefusedAction
from ioc_console.sync.status import SyncState, SyncStatus

from ioc_console.gui.liaison import LiaisonWorkspace
from ioc_console.gui.operations import DatabaseExecutor
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.qt_compat import GuiThreadCollector, protect_bool_singletons
from ioc_console.gui.signin import SignInDialog
from ioc_console.gui.sync_status import SyncStatusWidget, refusal_box

protect_bool_singletons()

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread() -> Iterator[None]:
    """As in the console: Qt objects in garbage are collected on the GUI thread, never by a worker."""
    collector = GuiThreadCollector()
    yield
    collector.stop()
    collector.deleteLater()


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[QEventLoop]:
    """The application's asyncio loop, as the console runs it (qasync over Qt's event loop); as in
    the console, closing the last window does not quit (it would end the loop under the test)."""
    quits = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    event_loop = QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    try:
        yield event_loop
    finally:
        event_loop.close()
        asyncio.set_event_loop(None)
        qapp.setQuitOnLastWindowClosed(quits)


def _shoot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("IOC_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for _ in range(3):  # let layouts follow the texts just set
            QApplication.processEvents()
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def test_signing_in_through_the_dialog(qtbot, loop: QEventLoop, hub: ThreadHub) -> None:  # type: ignore[no-untyped-def]
    credentials = MemoryCredentials()
    dialog = SignInDialog(credentials, hub_url=hub.url, user="lan.nt")
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.ui.button_box.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "Đăng nhập" and ok.isEnabled()
    assert not dialog.ui.keyring_label.isVisible()

    async def scenario() -> None:
        dialog.ui.password_edit.setText("sai mật khẩu")
        ok.click()
        assert dialog.busy and dialog.ui.busy_bar.isVisible() and not ok.isEnabled()
        while dialog.busy:
            await asyncio.sleep(0.02)
        assert dialog.ui.error_label.text() == "Tên đăng nhập hoặc mật khẩu không đúng."
        _shoot(dialog, "signin-wrong-password")
        assert dialog.isVisible() and credentials.get_token(hub.url, "lan.nt") is None

        dialog.ui.password_edit.setText(PASSWORD)
        emitted: list[object] = []
        dialog.signed_in.connect(emitted.append)
        ok.click()
        while dialog.busy:
            await asyncio.sleep(0.02)
        assert len(emitted) == 1
        signed = emitted[0]
        assert signed.user.display_name == "Nguyễn Thị Lan"
        assert credentials.get_token(hub.url, "lan.nt") == signed.client.token
        assert dialog.ui.password_edit.text() == ""
        assert not dialog.isVisible()
        await signed.client.aclose()

    loop.run_until_complete(scenario())


def test_repeated_wrong_passwords_are_answered_with_the_wait_in_words(  # type: ignore[no-untyped-def]
    qtbot, loop: QEventLoop, hub: ThreadHub
) -> None:
    dialog = SignInDialog(MemoryCredentials(), hub_url=hub.url, user="sup")
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.ui.button_box.button(QDialogButtonBox.StandardButton.Ok)
    shown: list[str] = []

    async def scenario() -> None:
        for _ in range(6):
            dialog.ui.password_edit.setText("đoán bừa")
            ok.click()
            while dialog.busy:
                await asyncio.sleep(0.02)
            shown.append(dialog.ui.error_label.text())

    loop.run_until_complete(scenario())
    assert shown[:5] == ["Tên đăng nhập hoặc mật khẩu không đúng."] * 5
    assert shown[5].startswith("Đăng nhập sai quá nhiều lần. Hãy đợi ") and shown[5].endswith(" rồi thử lại.")
    assert dialog.isVisible()
    _shoot(dialog, "signin-throttled")


def test_without_a_keyring_the_user_signs_in_for_the_session_and_is_told_so(
    qtbot, loop: QEventLoop, hub: ThreadHub
) -> None:  # type: ignore[no-untyped-def]
    credentials, problem = _no_keyring()
    assert problem is not None and "keyring.backends.fail.Keyring" in problem  # for the log
    dialog = SignInDialog(credentials, keyring_problem=problem, hub_url=hub.url, user="lan.nt")
    qtbot.addWidget(dialog)
    dialog.show()
    ui = dialog.ui
    ok = ui.button_box.button(QDialogButtonBox.StandardButton.Ok)
    words = ui.keyring_label.text()
    assert ui.keyring_label.isVisible() and "đăng nhập cho phiên làm việc này" in words
    assert "keyring" not in words.lower()
    shown = " ".join(w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton))
    assert "keyring" not in shown.lower() and "Keyring" not in shown and "backends" not in shown
    ui.password_edit.setText(PASSWORD)
    assert ok.isEnabled()  # nothing else to tick: every field filled is enough
    _shoot(dialog, "signin-no-keyring-session")

    async def scenario() -> None:
        emitted: list[object] = []
        dialog.signed_in.connect(emitted.append)
        QTest.keyClick(ui.password_edit, Qt.Key.Key_Return)  # Enter signs in
        assert dialog.busy
        while dialog.busy:
            await asyncio.sleep(0.02)
        assert len(emitted) == 1 and not dialog.isVisible()
        signed = emitted[0]
        assert not signed.remembered  # kept in memory for this session only
        assert credentials.get_token(hub.url, "lan.nt") == signed.client.token
        await signed.client.aclose()

    loop.run_until_complete(scenario())


def _no_keyring():  # type: ignore[no-untyped-def]
    """What the console gets on a machine without a keyring."""
    import keyring
    import keyring.backends.fail

    from ioc_console.sync.credentials import system_credentials

    original = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        return system_credentials()
    finally:
        keyring.set_keyring(original)


def test_the_dialog_checks_its_fields(qtbot, loop: QEventLoop) -> None:  # type: ignore[no-untyped-def]
    dialog = SignInDialog(MemoryCredentials(), keyring_problem="no keyring backend (fail.Keyring)")
    qtbot.addWidget(dialog)
    dialog.show()
    ui = dialog.ui
    ok = ui.button_box.button(QDialogButtonBox.StandardButton.Ok)

    async def scenario() -> None:
        ui.hub_edit.setText("http://ioc.ninhthuan.gov.vn")
        ok.click()
        assert "HTTPS" in ui.error_label.text() and not dialog.busy
        ui.hub_edit.setText("ioc ninh thuận")
        ok.click()
        assert "không hợp lệ" in ui.error_label.text()
        ui.hub_edit.setText("https://ioc.ninhthuan.gov.vn")
        ok.click()
        assert ui.error_label.text() == "Cần nhập tên đăng nhập và mật khẩu."
        ui.user_edit.setText("lan.nt")
        ui.password_edit.setText("x")
        ui.ca_edit.setText("/không/có/tệp.pem")
        ok.click()
        assert "Không tìm thấy tệp chứng chỉ" in ui.error_label.text()
        _shoot(dialog, "signin-no-keyring")

    loop.run_until_complete(scenario())


def test_the_status_bar_shows_online_offline_and_waiting(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = QMainWindow()
    qtbot.addWidget(window)
    widget = SyncStatusWidget("vi")
    window.statusBar().addPermanentWidget(widget)
    window.resize(900, 200)
    window.show()
    widget.show_status(SyncStatus(SyncState.ONLINE, live=True))
    assert widget.text.text() == "Trực tuyến"
    assert "trực tiếp" in widget.toolTip()
    _shoot(window, "status-online")
    since = datetime.now(UTC) - timedelta(minutes=5)
    widget.show_status(
        SyncStatus(
            SyncState.OFFLINE,
            waiting=3,
            offline_since=since,
            last_error="Không kết nối được máy chủ https://ioc.ninhthuan.gov.vn (network cut).",
        )
    )
    line = widget.text.text()
    assert line.startswith("Ngoại tuyến · Mất kết nối từ ") and line.endswith("· 3 thao tác chờ gửi"), line
    assert "Không kết nối được" in widget.toolTip()
    _shoot(window, "status-offline")
    english = SyncStatusWidget("en")
    english.show_status(SyncStatus(SyncState.SIGNED_OUT, waiting=1))
    assert english.text.text() == "Sign-in needed · 1 actions waiting"


def test_a_conflict_is_told_in_words(qtbot, loop: QEventLoop, hub: ThreadHub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    number = hub.submit("Cột điện nghiêng sắp đổ trên đường Ngô Gia Tự")
    refusals: list[RefusedAction] = []

    async def scenario() -> None:
        lan = make_console(hub, tmp_path, "lan.nt", "lan-gui")
        hung = make_console(hub, tmp_path, "hung.tv", "hung-gui")
        try:
            for console in (lan, hung):
                await console.engine.pull()
            lan.engine.on_refused(refusals.append)
            await hung.engine.act(number, Action.FORWARD, {"agency": AGENCY_B})
            await lan.engine.act(number, Action.FORWARD, {"agency": AGENCY_A})
            await hung.engine.push()
            await lan.engine.push()
        finally:
            await lan.close()
            await hung.close()

    loop.run_until_complete(scenario())
    assert len(refusals) == 1
    box = refusal_box(None, refusals[0], "vi")
    qtbot.addWidget(box)
    box.show()
    assert box.windowTitle() == "Thao tác không được thực hiện"
    assert number in box.text()
    words = box.informativeText()
    assert "đã được chuyển cho Sở Xây dựng tỉnh Ninh Thuận bởi Trần Văn Hùng lúc" in words, words
    assert "Bản trên máy đã được cập nhật theo máy chủ." in words
    _shoot(box, "conflict-message")


def test_a_liaison_reads_the_citizens_contact_from_the_hub_when_calling(  # type: ignore[no-untyped-def]
    qtbot, loop: QEventLoop, hub: ThreadHub, tmp_path: Path
) -> None:
    number = hub.submit(
        "Cống thoát nước bị tắc trước nhà số 17 đường Lê Hồng Phong",
        first_name="Văn Tâm",
        last_name="Lê",
        phone="0903 222 333",
    )
    hub.act("lan.nt", number, "forward", {"agency": AGENCY_A})
    console = make_console(hub, tmp_path, "lia.a", "lia-gui")
    executor = DatabaseExecutor()
    jurisdiction = pack()
    workspace = LiaisonWorkspace(
        console.store,
        jurisdiction,
        Names(jurisdiction, "vi"),
        DeadlineClock(jurisdiction),
        executor,
        Actor("lia.a", Role.LIAISON, AGENCY_A),
        contact_reader=console.client.contact,
    )
    qtbot.addWidget(workspace)
    workspace.resize(1366, 768)
    workspace.show()
    try:
        loop.run_until_complete(console.engine.pull())
        # The local copy holds the report without the citizen's contact.
        kept = console.store.get_report(number)
        assert kept is not None and kept.contact.phone == "" and kept.contact.name == ""
        workspace.refresh()
        qtbot.waitUntil(lambda: workspace.select(number), timeout=10_000)
        button = workspace.contact_button
        assert button.isEnabled() and button.text() == "&Gọi người phản ánh…"
        assert not workspace.contact_label.isVisible()

        async def call() -> None:
            button.click()
            while not workspace.contact_button.isEnabled():
                await asyncio.sleep(0.02)

        loop.run_until_complete(call())
        shown = workspace.contact_label.text()
        assert workspace.contact_label.isVisible()
        assert "Người phản ánh: " in shown and "Tâm" in shown
        assert "Điện thoại: 0903222333" in shown.replace(" 0903 222 333", " 0903222333")
        _shoot(workspace, "liaison-contact-on-demand")
        # Shown, never kept: the local copy still has no contact, and the hub logged the read.
        kept = console.store.get_report(number)
        assert kept is not None and kept.contact.phone == ""
        with httpx.Client(base_url=hub.url, timeout=30, trust_env=False) as c:
            log = c.get(
                "/api/v1/audit",
                params={"limit": 5000},
                headers={"Authorization": f"Bearer {hub.token('admin')}"},
            ).json()
        reads = [e for e in log if e["action"] == "contact.read" and e["target"] == number]
        assert [(e["user"], e["console"]) for e in reads] == [("lia.a", "lia-gui")]
    finally:
        loop.run_until_complete(console.close())
        executor.shutdown()

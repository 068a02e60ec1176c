"""Closing a console whose local copy lasts this session only (no usable keyring) while actions
still wait to be sent: they are sent first, and when the hub cannot be reached the user is asked
before they are lost ("wait" keeps the console open). With nothing waiting it closes at once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from ioc_console.demo.embedded import EmbeddedHub
from ioc_console.domain.lifecycle import Action
from ioc_console.store import ReportQuery
from ioc_console.sync import credentials as credentials_module
from ioc_console.sync.credentials import MemoryCredentials
from tests.gui.test_console_hub import _sign_in_through_dialog, _until

from ioc_console.gui.app import HUB, Console, Options


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine has no usable keyring: the sign-in, and the local copy's key, last this session."""
    monkeypatch.setattr(
        credentials_module,
        "system_credentials",
        lambda: (MemoryCredentials(), "no keyring backend (fail.Keyring)"),
    )


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[EmbeddedHub]:
    hub = EmbeddedHub(tmp_path / "hub", count=5).start()
    yield hub
    hub.stop()


def _console(qapp, tmp_path: Path, hub: EmbeddedHub) -> Console:  # type: ignore[no-untyped-def]
    console = Console(
        qapp, Options(data_dir=tmp_path / "console", lang="vi", env={}, source=HUB, hub_url=hub.url)
    )
    console.window.with_map = False
    return console


async def _signed_in(console: Console, hub: EmbeddedHub):  # type: ignore[no-untyped-def]
    """The console signed in on a session-only copy, and the number of a report synced into it."""
    console.start()
    await _sign_in_through_dialog(console.window, hub.operator_name, hub.operator_password)
    session = await _until(lambda: console.session, 30, "signing in")
    await _until(lambda: console.workspace is not None, 30, "the workspace")
    assert session.session_only  # no keyring: the copy's key is this session's only
    found = await _until(lambda: session.store.query(ReportQuery(limit=1)), 30, "the hub's reports synced")
    return session, str(found[0].number)


def _call_back(session, number: str):  # type: ignore[no-untyped-def]
    return session.engine.act(number, Action.LOG_CALL, {"outcome": "Đã gọi lại người dân"})


async def _unsent_box(console: Console) -> QMessageBox:
    box = await _until(lambda: console.window.findChild(QMessageBox, "unsent_box"), 15, "the question")
    assert isinstance(box, QMessageBox)
    return box


def test_closing_with_an_unsent_action_on_a_session_only_copy_asks_first(
    qtbot: Any, qapp: QApplication, tmp_path: Path, hub: EmbeddedHub, no_keyring: None, run_console: Any
) -> None:
    console = _console(qapp, tmp_path, hub)
    window = console.window

    async def steps() -> None:
        session, number = await _signed_in(console, hub)
        await asyncio.to_thread(hub.stop)  # the hub cannot be reached any more
        await _call_back(session, number)
        await _until(lambda: session.status.waiting == 1, 10, "the action waiting in the outbox")

        window.close()  # Ctrl+Q, the window's close button: the same close event
        box = await _unsent_box(console)
        assert "Còn 1 thao tác chưa gửi lên máy chủ" in box.text()
        assert "sẽ mất" in box.text()
        wait = box.findChild(QPushButton, "unsent_wait")
        assert box.defaultButton() is wait and wait.text() == "Chờ gửi"
        wait.click()
        await asyncio.sleep(0.3)
        assert window.isVisible() and not console._closed.is_set()
        assert session.status.waiting == 1  # still there, still to be sent

        window.close()
        box = await _unsent_box(console)
        close = box.findChild(QPushButton, "unsent_close")
        assert close is not None
        assert close.text() == "Vẫn đóng"
        close.click()
        await _until(console._closed.is_set, 10, "the console to close")
        assert not window.isVisible()

    run_console(console, steps)


def test_closing_a_session_only_copy_with_nothing_waiting_closes_at_once(
    qtbot: Any, qapp: QApplication, tmp_path: Path, hub: EmbeddedHub, no_keyring: None, run_console: Any
) -> None:
    console = _console(qapp, tmp_path, hub)
    window = console.window

    async def steps() -> None:
        session, number = await _signed_in(console, hub)
        await _call_back(session, number)  # sent while the hub answers: nothing is left to lose
        await _until(lambda: session.status.waiting == 0, 30, "the outbox to empty")
        window.close()
        assert console._closed.is_set() and not window.isVisible()
        assert window.findChild(QMessageBox, "unsent_box") is None

    run_console(console, steps)

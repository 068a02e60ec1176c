"""Fixtures of the GUI tests: the demo pack, a database worker, and reports built by the domain."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from PySide6.QtWidgets import QApplication
from qasync import QEventLoop

from ioc_console.demo.generator import generate
from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import apply_action, compute_deadlines
from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.domain.lifecycle import Action, Actor, Channel, Role
from ioc_console.domain.report import Contact, Location, Report
from ioc_console.resources import default_pack_path
from ioc_console.store import LocalStore

from ioc_console.gui.datasource import DEMO_STORE_NAME, build_demo_store
from ioc_console.gui.operations import DatabaseExecutor
from ioc_console.gui.present import DeadlineClock
from ioc_console.gui.qt_compat import GuiThreadCollector, protect_bool_singletons

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Before any signal is emitted: see ioc_console.gui.qt_compat.
protect_bool_singletons()


#: The offscreen platform says these when a top-level window is shown, raised (a dialog brought
#: forward) or given the keyboard (a drag, a popup); they are not our warnings.
OFFSCREEN_NOISE = (
    r"This plugin does not support propagateSizeHints\(\)",
    r"This plugin does not support raise\(\)",
    r"This plugin does not support grabbing the keyboard",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in item.nodeid:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(qapp):
    """Garbage from one test is collected on the GUI thread, never by the database worker of the next."""
    collector = GuiThreadCollector()
    yield
    collector.stop()
    collector.deleteLater()


@pytest.fixture(scope="session")
def jurisdiction() -> Jurisdiction:
    return load_pack(default_pack_path())


#: The demo history of the GUI tests is generated as it stood at this instant.
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=TZ)


@pytest.fixture(scope="session")
def demo_store_file(tmp_path_factory: pytest.TempPathFactory, jurisdiction: Jurisdiction) -> Path:
    """A store filled with a year of demo history (built once per test session; open it read-only)."""
    path = tmp_path_factory.mktemp("demo") / DEMO_STORE_NAME
    build_demo_store(path, jurisdiction, lambda j: generate(j, now=NOW), lambda *_: None)
    return path


@pytest.fixture
def demo_data_dir(tmp_path: Path, demo_store_file: Path) -> Path:
    """A data folder holding its own copy of the demo store, as a later run finds it."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copyfile(demo_store_file, data_dir / DEMO_STORE_NAME)
    return data_dir


@pytest.fixture
def store(demo_store_file: Path):
    store = LocalStore.open(demo_store_file)
    yield store
    store.close()


@pytest.fixture
def clock(jurisdiction: Jurisdiction) -> DeadlineClock:
    return DeadlineClock(jurisdiction, lambda: NOW)


@pytest.fixture
def executor():
    executor = DatabaseExecutor()
    yield executor
    executor.shutdown()


@pytest.fixture
def make_report(jurisdiction: Jurisdiction):
    """``make_report(number=..., description=...)``: a report handled up to "in progress"."""
    return lambda **kw: handled_report(jurisdiction, **kw)


@pytest.fixture
def tz() -> ZoneInfo:
    return TZ


def handled_report(j: Jurisdiction, number: str = "PA-TEST-1", description: str = "Đèn đường hỏng") -> Report:
    """A report taken through receipt, classification, forwarding and acceptance by the domain."""
    calendar = WorkingCalendar.for_jurisdiction(j)
    policy = j.policy
    received = datetime(2026, 3, 9, 8, 15, tzinfo=TZ)
    report = Report(
        number=number,
        channel=Channel.ZALO,
        category="environment",
        description=description,
        location=Location(11.5761, 108.9843, "12 Nguyễn Trãi", "22747"),
        received_at=received,
        contact=Contact("Nguyễn Văn An", "0905123456"),
    )
    report.due_at, report.stage_due_at = compute_deadlines(report, calendar, policy)
    operator = Actor("Trần Thị Bình", Role.OPERATOR)
    agency = j.route("urban-infrastructure", "22747")
    assert agency is not None
    liaison = Actor("Lê Văn Cường", Role.LIAISON, agency.code)
    steps = [
        (Action.CLASSIFY, operator, {"category": "urban-infrastructure"}, 9),
        (Action.FORWARD, operator, {"agency": agency.code}, 10),
        (Action.ACCEPT, liaison, {}, 14),
        (Action.NOTE_PROGRESS, liaison, {"note": "Đã cử tổ kiểm tra hiện trường"}, 16),
    ]
    for action, actor, payload, hour in steps:
        apply_action(report, action, actor, payload, received.replace(hour=hour), calendar, policy)
    return report


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[QEventLoop]:
    """A qasync event loop on the Qt application, for tests that run the console's coroutines."""
    quits = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    collector = GuiThreadCollector()
    event_loop = QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    try:
        yield event_loop
    finally:
        event_loop.close()
        asyncio.set_event_loop(None)
        collector.stop()
        collector.deleteLater()
        qapp.setQuitOnLastWindowClosed(quits)


@pytest.fixture
def run_console(loop: QEventLoop) -> Callable[[Any, Callable[[], Awaitable[None]]], None]:
    """Run a started console's scenario (a coroutine function) on the loop, then close it all."""

    def run(console: Any, steps: Callable[[], Awaitable[None]]) -> None:
        async def scenario() -> None:
            try:
                await steps()
            finally:
                console.window.close()
                await console._close_hub()

        try:
            loop.run_until_complete(scenario())
        finally:
            console.shutdown()
            console.window.deleteLater()

    return run

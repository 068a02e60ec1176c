"""Flags that find the operator: the overdue flip when the clock passes a deadline, batched
notifications, the window title with the counts."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from PySide6.QtWidgets import QWidget

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import DeadlineState, compute_deadlines
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Action, Actor, Channel, Role, Status
from ioc_console.domain.report import Contact, Event, Location, Report
from ioc_console.store import LocalStore, ReportQuery

from ioc_console.gui.actions import ActionService
from ioc_console.gui.agency_panel import AgencyPanel
from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.look import DeadlineLook
from ioc_console.gui.notifier import (
    FlagChange,
    FlagWatcher,
    Notifier,
    TrayPresenter,
    app_icon,
    compose_message,
    compose_title,
)
from ioc_console.gui.operations import DatabaseExecutor
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.queue_source import QueueFilter
from ioc_console.gui.store_source import StoreQueueSource

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TIMEOUT = 10_000


class FakeClock:
    """The time the console believes it is; moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def new_report(j: Jurisdiction, number: str, received: datetime) -> Report:
    place = j.units["22747"]
    report = Report(
        number=number,
        channel=Channel.WEB,
        category="traffic-safety",
        description="Đèn tín hiệu giao thông không hoạt động",
        location=Location(place.lat, place.lon, "Ngã tư Thống Nhất", "22747"),
        received_at=received,
        contact=Contact("Võ Văn Em", "0934567890"),
        stage_started_at=received,
        updated_at=received,
    )
    report.history.append(
        Event(1, received, "Cổng thông tin", Role.CHANNEL, Action.SUBMIT, None, Status.NEW, {})
    )
    report.due_at, report.stage_due_at = compute_deadlines(
        report, WorkingCalendar.for_jurisdiction(j), j.policy
    )
    return report


@pytest.fixture
def data_store(demo_data_dir: Path, jurisdiction: Jurisdiction):
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    store.upsert_reports([new_report(jurisdiction, "PA-F-1", NOW - timedelta(hours=1))])
    yield store
    store.close()


@pytest.fixture
def worker(data_store):
    executor = DatabaseExecutor()
    yield executor
    executor.shutdown()


# -- words -------------------------------------------------------------------------------------------------


def test_the_words_of_a_notification_and_of_the_title(qapp) -> None:
    assert compose_message(5, 2) == "5 phản ánh mới, 2 phản ánh vừa quá hạn"
    assert compose_message(1, 0) == "1 phản ánh mới"
    assert compose_message(0, 3) == "3 phản ánh vừa quá hạn"
    assert compose_message(0, 0) == ""
    assert compose_title(12, 5) == "12 quá hạn · 5 sắp đến hạn — IOC Console"
    assert compose_title(0, 5, "IOC Console — Phản ánh hiện trường") == (
        "5 sắp đến hạn — IOC Console — Phản ánh hiện trường"
    )
    assert compose_title(0, 0) == "IOC Console"


# -- batching ----------------------------------------------------------------------------------------------


def test_notifications_are_batched_and_never_flood(qtbot) -> None:
    shown: list[tuple[str, str]] = []
    notifier = Notifier(lambda title, text: shown.append((title, text)), min_interval=0.5)
    notifier.add(FlagChange(new=("PA-1", "PA-2")))
    assert shown == [("IOC Console", "2 phản ánh mới")]  # the first one at once

    started = time.monotonic()
    for i in range(30):  # a burst: thirty changes within the interval
        notifier.add(FlagChange(new=(f"PA-N-{i}",), overdue=("PA-O-1",) if i % 2 else ()))
    notifier.add(FlagChange(new=("PA-N-0",), overdue=("PA-O-2",)))  # PA-N-0 again: counted once
    assert len(shown) == 1
    assert notifier.waiting == (30, 2)
    with qtbot.waitSignal(notifier.notified, timeout=TIMEOUT) as batch:
        pass
    assert time.monotonic() - started >= 0.4
    assert batch.args == ["IOC Console", "30 phản ánh mới, 2 phản ánh vừa quá hạn"]
    assert shown[-1] == ("IOC Console", "30 phản ánh mới, 2 phản ánh vừa quá hạn")
    qtbot.wait(700)
    assert len(shown) == 2  # nothing more to say: no empty notification
    notifier.add(FlagChange())
    assert len(shown) == 2


def test_a_change_after_a_quiet_interval_is_shown_at_once(qtbot) -> None:
    ticks = [100.0]
    shown: list[str] = []
    notifier = Notifier(lambda _t, text: shown.append(text), min_interval=60, monotonic=lambda: ticks[0])
    notifier.add(FlagChange(overdue=("PA-1",)))
    ticks[0] += 30
    notifier.add(FlagChange(overdue=("PA-2",)))
    assert shown == ["1 phản ánh vừa quá hạn"]
    ticks[0] += 31  # the interval is over: the next change (with the one waiting) goes at once
    notifier.add(FlagChange(new=("PA-3",)))
    assert shown == ["1 phản ánh vừa quá hạn", "1 phản ánh mới, 1 phản ánh vừa quá hạn"]


# -- the overdue flip --------------------------------------------------------------------------------------


def test_the_overdue_flag_appears_when_the_clock_passes_the_deadline(
    qtbot, data_store, jurisdiction, worker, tmp_path
) -> None:
    report = data_store.get_report("PA-F-1")
    due = report.due_at.astimezone(NOW.tzinfo)
    assert due > NOW
    fake = FakeClock(due - timedelta(minutes=1))
    clock = DeadlineClock(jurisdiction, fake)
    names = Names(jurisdiction, "vi")
    look = DeadlineLook()

    # The report is forwarded, so that the agency panel carries the flag too.
    operator = Actor("Trần Thị Bình", Role.OPERATOR)
    service = ActionService(data_store, jurisdiction, worker, operator, clock, names, undo_seconds=0)
    # Forwarded an hour before the reply is due, so that the agency's acceptance deadline (the
    # stage's, counted from the forwarding) comes after it: the reply deadline is the one passed.
    fake.now = due - timedelta(hours=1)
    with qtbot.waitSignal(service.request_finished, timeout=TIMEOUT):
        service.perform(["PA-F-1"], Action.FORWARD, {"agency": "so-gtvt"})
    assert data_store.get_report("PA-F-1").due_at == report.due_at  # the reply deadline holds
    fake.now = due - timedelta(minutes=1)

    host = QWidget()
    qtbot.addWidget(host)
    panel = AgencyPanel(service, names, clock, look, host)
    shown: list[str] = []
    notifier = Notifier(lambda _t, text: shown.append(text), min_interval=60)
    watcher = FlagWatcher(data_store, clock, worker, interval_ms=3_600_000)
    watcher.flags_raised.connect(notifier.add)
    titles: list[str] = []
    watcher.snapshot_taken.connect(lambda s: titles.append(compose_title(s.overdue_count, s.due_soon_count)))
    source = StoreQueueSource(data_store, names, clock)

    def state_in_queue() -> DeadlineState | None:
        rows = source.first_page(QueueFilter(text="PA-F-1"), 5).rows
        return rows[0].deadline_state

    with qtbot.waitSignal(watcher.snapshot_taken, timeout=TIMEOUT):
        watcher.start()
    with qtbot.waitSignal(panel.counts_refreshed, timeout=TIMEOUT):
        panel.refresh()
    assert state_in_queue() is DeadlineState.DUE_SOON
    baseline = watcher.last
    assert "PA-F-1" not in baseline.overdue
    overdue_before = panel.model.counts("so-gtvt").overdue
    assert shown == []  # what was there when the console opened raises nothing

    fake.now = due + timedelta(minutes=1)  # the clock passes the deadline
    with qtbot.waitSignal(watcher.flags_raised, timeout=TIMEOUT) as raised:
        watcher.check()
    assert "PA-F-1" in raised.args[0].overdue
    assert state_in_queue() is DeadlineState.OVERDUE
    assert len(shown) == 1 and shown[0].endswith("phản ánh vừa quá hạn")
    assert watcher.last.overdue_count >= baseline.overdue_count + 1
    assert titles[-1].startswith(f"{watcher.last.overdue_count} quá hạn")
    with qtbot.waitSignal(panel.counts_refreshed, timeout=TIMEOUT):
        panel.refresh()
    assert panel.model.counts("so-gtvt").overdue == overdue_before + 1

    fake.now = due + timedelta(minutes=2)  # nothing new: no second notification
    with qtbot.waitSignal(watcher.snapshot_taken, timeout=TIMEOUT):
        watcher.check()
    qtbot.wait(50)
    assert len(shown) == 1
    watcher.stop()


def test_a_new_report_arriving_raises_a_flag(qtbot, data_store, jurisdiction, worker) -> None:
    clock = DeadlineClock(jurisdiction, lambda: NOW)
    watcher = FlagWatcher(data_store, clock, worker)
    raised: list[FlagChange] = []
    watcher.flags_raised.connect(raised.append)
    with qtbot.waitSignal(watcher.snapshot_taken, timeout=TIMEOUT):
        watcher.check()
    assert "PA-F-1" in watcher.last.new
    data_store.upsert_reports([new_report(jurisdiction, "PA-F-2", NOW - timedelta(minutes=5))])
    with qtbot.waitSignal(watcher.flags_raised, timeout=TIMEOUT):
        watcher.check()
    assert raised == [FlagChange(new=("PA-F-2",))]
    # Overdue by the nearer of the stage's and the reply's deadlines, as the queue counts them.
    assert watcher.last.overdue_count == data_store.count(
        ReportQuery(
            deadline_states={DeadlineState.OVERDUE}, now=NOW, boundary=clock.now_and_boundary()[1], stage=True
        )
    )


def test_without_a_tray_the_window_is_flagged_without_a_warning(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    presenter = TrayPresenter(window)
    presenter("IOC Console", "1 phản ánh mới")  # offscreen: no tray; no warning either
    assert presenter.tray is None
    assert not app_icon().isNull()
    presenter.hide()

"""A hotline call typed in at the console reaches the hub's intake: the report takes the hub's number
everywhere in the local copy, what was queued on it follows under that number exactly once (network
cut, answers lost, the hub killed), and a call the hub will not take keeps the operator's text.
Also: entries the operator may still take back are not sent."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from faults import FaultyTransport
from sync_support import (
    INSIDE,
    USERS,
    Console,
    HubAccess,
    ProcessHub,
    ThreadHub,
    history_count,
    make_console,
    open_store,
    pack,
)

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.lifecycle import Action, Actor, Role
from ioc_console.domain.report import Report
from ioc_console.store import OutboxState, ReportQuery, is_provisional
from ioc_console.sync import apply
from ioc_console.sync.engine import Changes, RefusedAction
from ioc_console.sync.status import SyncState

from ioc_console.gui.intake import HotlineCall, build_hotline_report, save_hotline_report
from ioc_console.gui.sync_status import refusal_box


class LosingIntake(FaultyTransport):
    """Also drops the answers of the next ``n`` intake requests after the hub took them in."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(latency)
        self.lose_intake = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        is_intake = request.method == "POST" and request.url.path.endswith("/api/v1/reports")
        if is_intake and self.lose_intake > 0 and not self.is_cut:
            self.lose_intake -= 1
            self.lost += 1
            response = await self.inner.handle_async_request(request)
            await response.aread()
            await response.aclose()
            raise httpx.ReadError("answer lost by the test", request=request)
        return await super().handle_async_request(request)


def hotline_report(description: str, category: str = "environment", caller: str = "Trần Thị Bích") -> Report:
    """A call as the intake form builds it (provisional number, hotline, receipt event, deadlines)."""
    j = pack()
    call = HotlineCall(
        caller=caller,
        phone="0905 123 456",
        category=category,
        description=description,
        lat=INSIDE[0],
        lon=INSIDE[1],
        address="12 Thống Nhất",
    )
    return build_hotline_report(
        call,
        j,
        Actor("lan.nt", Role.OPERATOR),
        datetime.now(UTC),
        WorkingCalendar.for_jurisdiction(j),
        j.policy,
    )


async def take_call(console: Console, description: str, **fields: str) -> str:
    """Save a call the way the intake dialog does (on a worker thread); its provisional number."""
    report = hotline_report(description, **fields)
    await asyncio.to_thread(save_hotline_report, console.store, report)
    console.engine.request_push()
    assert is_provisional(report.number)
    return report.number


def hub_numbers_with(hub: HubAccess, description: str) -> list[str]:
    """Numbers of the hub's reports with this description (read from the hub's SQLite file)."""
    url = hub.db_url if isinstance(hub, ProcessHub) else hub.server.settings.database_url  # type: ignore[attr-defined]
    with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
        rows = conn.execute("SELECT number, doc FROM reports").fetchall()
    return [n for n, doc in rows if json.loads(doc)["description"] == description]


def test_a_call_typed_in_offline_gets_the_hubs_number_and_what_followed_goes_under_it(
    hub: ThreadHub, tmp_path: Path
) -> None:
    description = "Cống thoát nước bị tắc, nước thải tràn ra đường Thống Nhất gần chợ"
    outcome = "Đã gọi lại cho người dân, hẹn kiểm tra trong ngày"

    async def scenario() -> None:
        transport = FaultyTransport()
        console = make_console(hub, tmp_path, "lan.nt", "offline-call", transport=transport)
        changes: list[Changes] = []
        console.engine.on_changes(changes.append)
        try:
            await console.engine.start()
            await console.engine.wait_for(lambda s: s.state is SyncState.ONLINE and s.live, timeout=10)
            transport.cut()
            await console.engine.wait_for(lambda s: s.state is SyncState.OFFLINE, timeout=10)

            taken_at = datetime.now(UTC)
            provisional = await take_call(console, description)
            await console.engine.act(provisional, Action.LOG_CALL, {"outcome": outcome})
            await console.engine.wait_for(lambda s: s.waiting == 2, timeout=10)
            shown = console.store.query(ReportQuery(text=provisional, limit=None))
            assert [(r.number, r.pending) for r in shown] == [(provisional, True)]
            await asyncio.sleep(0.5)  # a while offline (the call waits, with failed attempts)

            transport.restore()
            await console.engine.wait_for(
                lambda s: s.state is SyncState.ONLINE and s.waiting == 0, timeout=20
            )
            renames = [r for c in changes for r in c.renamed]
            assert len(renames) == 1 and renames[0][0] == provisional
            number = renames[0][1]
            assert not is_provisional(number)
            ack = next(c for c in changes if c.renamed)
            assert ack.upserted == (number,) and ack.removed == (provisional,)

            # The local copy knows the report by the hub's number only, in search too.
            assert console.store.get_report(provisional) is None
            assert console.store.count(ReportQuery(text=provisional)) == 0
            local = console.store.get_report(number)
            assert local is not None and local.description == description
            assert [r.number for r in console.store.query(ReportQuery(text=number, limit=None))] == [number]
            entries = [console.store.outbox_entry(i) for i in (1, 2)]
            assert [(e.action, e.report_number, e.state) for e in entries if e is not None] == [
                (Action.SUBMIT, number, OutboxState.ACKNOWLEDGED),
                (Action.LOG_CALL, number, OutboxState.ACKNOWLEDGED),
            ]

            # The hub has the call once, received when it was taken, with the call logged after it.
            doc = hub.report(number)
            assert doc["channel"] == "hotline" and doc["description"] == description
            received = datetime.fromisoformat(doc["received_at"])
            assert abs(received - taken_at) < timedelta(seconds=2)
            assert history_count(doc, "submit") == 1
            assert history_count(doc, "log_call", outcome=outcome) == 1
            assert doc["history"][0]["data"]["actor_name"] == USERS["lan.nt"][2]
            assert hub_numbers_with(hub, description) == [number]

            def caught_up() -> bool:
                r = console.store.get_report(number)
                return r is not None and r.version == doc["version"] and len(r.history) == 2

            deadline = asyncio.get_running_loop().time() + 10
            while not caught_up():
                assert asyncio.get_running_loop().time() < deadline, "the local copy caught up"
                await asyncio.sleep(0.05)
        finally:
            await console.close()

    asyncio.run(scenario())
    with contextlib.closing(sqlite3.connect(tmp_path / "offline-call.sqlite3")) as db:
        db.execute("INSERT INTO report_search(report_search, rank) VALUES ('integrity-check', 1)")
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_lost_answer_to_a_call_makes_no_second_report(hub: ThreadHub, tmp_path: Path) -> None:
    description = "Đèn chiếu sáng công cộng tắt cả dãy trên đường 21 Tháng 8"

    async def scenario() -> str:
        transport = LosingIntake()
        console = make_console(hub, tmp_path, "hung.tv", "lost-call", transport=transport)
        try:
            transport.lose_intake = 2
            provisional = await take_call(console, description)
            await console.engine.act(provisional, Action.LOG_CALL, {"outcome": "Báo điện lực"})
            await console.engine.start()
            await console.engine.wait_for(
                lambda s: s.waiting == 0 and s.state is SyncState.ONLINE, timeout=20
            )
            assert transport.lost == 2
            entry = console.store.outbox_entry(1)
            assert entry is not None and entry.attempts == 2 and entry.state is OutboxState.ACKNOWLEDGED
            assert console.store.get_report(provisional) is None
            return entry.report_number
        finally:
            await console.close()

    number = asyncio.run(scenario())
    doc = hub.report(number)
    assert history_count(doc, "log_call", outcome="Báo điện lực") == 1
    assert hub_numbers_with(hub, description) == [number]


@pytest.fixture
def process_hub(tmp_path: Path) -> Iterator[ProcessHub]:
    hub = ProcessHub(tmp_path).start()
    try:
        yield hub
    finally:
        hub.stop()


def test_calls_queued_offline_reach_a_hub_killed_mid_flush_exactly_once(
    process_hub: ProcessHub, tmp_path: Path
) -> None:
    hub = process_hub
    count = 6
    texts = [
        f"Cuộc gọi đường dây nóng số {i}: rác thải ùn ứ ở hẻm {i} đường Ngô Gia Tự" for i in range(count)
    ]

    async def scenario() -> None:
        transport = FaultyTransport(latency=0.05)
        console = make_console(hub, tmp_path, "lan.nt", "killed-flush", transport=transport)
        acks = 0

        def on_change(change: Changes) -> None:
            nonlocal acks
            acks += change.source == "ack"

        console.engine.on_changes(on_change)
        try:
            for i, text in enumerate(texts):
                provisional = await take_call(console, text)
                await console.engine.act(provisional, Action.LOG_CALL, {"outcome": f"Gọi lại lần {i}"})
            await console.engine.start()
            while acks < 3:
                await asyncio.sleep(0.01)
            hub.kill()
            await console.engine.wait_for(lambda s: s.state is SyncState.OFFLINE, timeout=10)
            assert 0 < console.engine.status.waiting < 2 * count
            await asyncio.sleep(0.5)
            await asyncio.to_thread(hub.start)
            await console.engine.wait_for(
                lambda s: s.state is SyncState.ONLINE and s.waiting == 0, timeout=30
            )
            entries = [console.store.outbox_entry(i) for i in range(1, 2 * count + 1)]
            assert all(e is not None and e.state is OutboxState.ACKNOWLEDGED for e in entries)
            assert not any(e is not None and is_provisional(e.report_number) for e in entries)
            assert console.store.count(ReportQuery(text="TAM")) == 0
        finally:
            await console.close()

    asyncio.run(scenario())
    for i, text in enumerate(texts):
        numbers = hub_numbers_with(hub, text)
        assert len(numbers) == 1, (text, numbers)
        assert history_count(hub.report(numbers[0]), "log_call", outcome=f"Gọi lại lần {i}") == 1


@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
def test_a_call_the_hub_refuses_keeps_the_operators_text(qtbot, hub: ThreadHub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    description = "Người dân phản ánh bãi đất trống bị đổ xà bần trái phép ở khu phố 5"
    outcome = "Đã hướng dẫn người dân chụp ảnh gửi qua Zalo"
    seen: list[RefusedAction] = []

    async def scenario() -> None:
        console = make_console(hub, tmp_path, "lan.nt", "refused-call")
        console.engine.on_refused(seen.append)
        try:
            # A category the hub does not know (the console's pack was older than the hub's).
            provisional = await take_call(console, description, category="khong-con-dung")
            await console.engine.act(provisional, Action.LOG_CALL, {"outcome": outcome})
            await console.engine.push()

            assert [r.entry.action for r in seen] == [Action.SUBMIT, Action.LOG_CALL]
            text = seen[0].message("vi")
            assert f"Máy chủ không tiếp nhận phản ánh mới {provisional}" in text, text
            assert "giữ lại làm bản nháp" in text, text
            assert "not take in the new report" in seen[0].message("en")
            assert "chưa được máy chủ tiếp nhận" in seen[1].message("vi")

            # Nothing typed is lost: the call and the logged call are drafts, the entries say why.
            kept = {d.action: d for d in apply.drafts(console.store, provisional)}
            assert kept[Action.SUBMIT].payload["description"] == description
            assert kept[Action.SUBMIT].payload["contact"]["name"] == "Trần Thị Bích"
            assert kept[Action.LOG_CALL].payload["outcome"] == outcome
            first = console.store.outbox_entry(1)
            assert first is not None and first.state is OutboxState.REJECTED and first.last_error == text
            assert first.payload["description"] == description
            assert console.store.pending_actions() == []
            # The report the hub never had is not shown as if it were in the system.
            assert console.store.get_report(provisional) is None
            assert console.engine.status.waiting == 0
        finally:
            await console.close()

    asyncio.run(scenario())
    assert hub_numbers_with(hub, description) == []

    # The operator is told in words, with the provisional number the call went by.
    box = refusal_box(None, seen[0], "vi")
    qtbot.addWidget(box)
    box.show()
    assert seen[0].entry.report_number in box.text()
    assert "giữ lại làm bản nháp" in box.informativeText()
    folder = os.environ.get("IOC_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        box.grab().save(str(Path(folder) / "refused-call.png"))


def test_entries_the_operator_may_still_take_back_are_not_sent(hub: ThreadHub, tmp_path: Path) -> None:
    number = hub.submit("Cây xanh gãy cành nguy hiểm trên đường Lê Hồng Phong")

    async def scenario() -> None:
        console = make_console(hub, tmp_path, "lan.nt", "held")
        held: set[int] = set()
        console.engine.hold_with(lambda: held)
        try:
            await console.engine.start()
            await console.engine.wait_for(lambda s: s.state is SyncState.ONLINE, timeout=10)
            while console.store.get_report(number) is None:
                await asyncio.sleep(0.05)
            first = await console.engine.act(number, Action.LOG_CALL, {"outcome": "Lần một"})
            held.add(first.id)
            second = await console.engine.act(number, Action.LOG_CALL, {"outcome": "Lần hai"})
            await asyncio.sleep(1.5)  # the engine looks again meanwhile (no release told)
            doc = hub.report(number)
            assert history_count(doc, "log_call") == 0, "the held entry and the one after it wait"
            assert console.engine.status.waiting == 2

            held.discard(first.id)
            console.engine.release([number])
            await console.engine.wait_for(lambda s: s.waiting == 0, timeout=10)
            doc = hub.report(number)
            outcomes = [e["data"]["outcome"] for e in doc["history"] if e["action"] == "log_call"]
            assert outcomes == ["Lần một", "Lần hai"]
            for entry in (first, second):
                done = console.store.outbox_entry(entry.id)
                assert done is not None and done.state is OutboxState.ACKNOWLEDGED
        finally:
            await console.close()

    asyncio.run(scenario())


@pytest.mark.parametrize("pulled_first", [False, True], ids=["renamed", "already-pulled"])
def test_the_hubs_number_replaces_the_provisional_one_everywhere_in_one_go(
    tmp_path: Path, pulled_first: bool
) -> None:
    store = open_store(tmp_path / "rename.sqlite3")
    try:
        call = hotline_report("Nắp hố ga bị vỡ giữa đường Trần Quang Diệu, xe máy dễ sụp")
        other = hotline_report("Hố ga thứ hai cùng đoạn đường, người dân gọi báo lại")
        other = replace(other, number="PA-2025-000007")
        store.upsert_reports([other])
        submit = save_hotline_report(store, call)
        logged = store.enqueue_action(call.number, Action.LOG_CALL, {"outcome": "Gọi lại"}, 1)
        duplicate = store.enqueue_action(other.number, Action.MARK_DUPLICATE, {"original": call.number}, 1)
        store.set_drafts({call.number: {"note_progress": {"payload": {"note": "nháp"}}}})
        hub_copy = replace(call, number="PA-2025-000042", history=list(call.history))
        if pulled_first:
            store.upsert_reports([hub_copy])

        assert store.resolve_provisional(submit.id, hub_copy) == call.number

        assert store.get_report(call.number) is None
        renamed = store.get_report("PA-2025-000042")
        assert renamed is not None and [e.action for e in renamed.history] == [Action.SUBMIT]
        assert renamed.description == call.description
        assert store.count(ReportQuery(text="Trần Quang Diệu")) == 1
        assert [r.number for r in store.query(ReportQuery(text="PA-2025-000042", limit=None))] == ["PA-2025-000042"]
        entries = {
            e.id: e for e in (store.outbox_entry(i) for i in (submit.id, logged.id, duplicate.id)) if e
        }
        assert entries[submit.id].state is OutboxState.ACKNOWLEDGED
        assert entries[submit.id].report_number == entries[logged.id].report_number == "PA-2025-000042"
        assert entries[logged.id].state is OutboxState.PENDING
        assert entries[duplicate.id].payload == {"original": "PA-2025-000042"}
        assert set(store.drafts()) == {"PA-2025-000042"}
        rows = {r.number: r for r in store.query(ReportQuery(limit=None))}
        assert rows["PA-2025-000042"].pending  # the call logged after it still waits
    finally:
        store.close()
    with contextlib.closing(sqlite3.connect(tmp_path / "rename.sqlite3")) as db:
        db.execute("INSERT INTO report_search(report_search, rank) VALUES ('integrity-check', 1)")
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []

"""A console on a bad network: cut for a while, answers lost after the hub acted, a revoked session.
The console keeps working on its local copy, says so, and catches up without doing anything twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx
from faults import FaultyTransport
from sync_support import AGENCY_A, ThreadHub, eventually, history_count, make_console

from ioc_console.domain.lifecycle import Action, Priority, Status
from ioc_console.store import OutboxState, ReportQuery
from ioc_console.sync.errors import HubUnavailable
from ioc_console.sync.status import SyncState


def test_a_network_cut_queues_actions_says_offline_since_when_and_catches_up(
    hub: ThreadHub, tmp_path: Path
) -> None:
    mine = hub.submit("Ngập nước sau mưa ở khu phố 3 Đô Vinh")
    theirs = hub.submit("Đường ống nước vỡ trên đường Lê Duẩn")

    async def scenario() -> None:
        transport = FaultyTransport()
        console = make_console(hub, tmp_path, "lan.nt", "cut", transport=transport)
        try:
            await console.engine.start()
            await console.engine.wait_for(lambda s: s.live and s.state is SyncState.ONLINE, timeout=10)
            await eventually(lambda: console.store.get_report(theirs), what="the first sync")

            before_cut = datetime.now(UTC)
            transport.cut()
            status = await console.engine.wait_for(lambda s: s.state is SyncState.OFFLINE, timeout=10)
            assert status.offline_since is not None and status.offline_since >= before_cut
            assert not status.live

            # The operator keeps working: both actions are kept locally and shown as waiting.
            await console.engine.act(mine, Action.LOG_CALL, {"outcome": "Đã gọi lại, người dân xác nhận"})
            await console.engine.act(mine, Action.SET_PRIORITY, {"priority": Priority.HIGH.value})
            status = await console.engine.wait_for(lambda s: s.waiting == 2, timeout=10)
            assert status.state is SyncState.OFFLINE
            line = status.describe("vi")
            assert "Ngoại tuyến" in line and "Mất kết nối từ" in line and "2 thao tác chờ gửi" in line, line
            assert "Offline since" in status.describe("en")
            assert status.error("vi") is not None and "Không kết nối được" in status.error("vi")  # type: ignore[operator]
            rows = console.store.query(ReportQuery(limit=None))
            assert next(r for r in rows if r.number == mine).pending
            await eventually(
                lambda: any(e.attempts > 0 for e in console.store.pending_actions()),
                what="a failed attempt to be counted",
            )

            # Meanwhile a colleague forwards another report on the hub.
            hub.act("hung.tv", theirs, "forward", {"agency": AGENCY_A})
            await asyncio.sleep(0.5)
            stale = console.store.get_report(theirs)
            assert stale is not None and stale.status is Status.NEW

            transport.restore()
            status = await console.engine.wait_for(
                lambda s: s.state is SyncState.ONLINE and s.waiting == 0 and s.live, timeout=20
            )
            assert status.offline_since is None and status.last_error is None

            def caught_up() -> bool:
                r = console.store.get_report(theirs)
                return r is not None and r.status is Status.FORWARDED

            await eventually(caught_up, what="the colleague's forward")
            doc = hub.report(mine)
            assert history_count(doc, "log_call", outcome="Đã gọi lại, người dân xác nhận") == 1
            assert history_count(doc, "set_priority") == 1
            assert doc["priority"] == "high"
            local = console.store.get_report(mine)
            assert local is not None and local.version == doc["version"] and local.priority is Priority.HIGH
            rows = console.store.query(ReportQuery(limit=None))
            assert not next(r for r in rows if r.number == mine).pending
        finally:
            await console.close()

    asyncio.run(scenario())


def test_answers_lost_after_the_hub_acted_are_retried_without_doing_anything_twice(
    hub: ThreadHub, tmp_path: Path
) -> None:
    number = hub.submit("Bảng hiệu quảng cáo sắp đổ ở ngã tư Phủ Hà")

    async def scenario() -> None:
        transport = FaultyTransport()
        console = make_console(hub, tmp_path, "lan.nt", "lost", transport=transport)
        try:
            await console.engine.pull()
            transport.lose_answers(2)
            notes = [f"Cuộc gọi {i}: người dân bổ sung ảnh" for i in range(3)]
            entries = [await console.engine.act(number, Action.LOG_CALL, {"outcome": n}) for n in notes]
            failures = 0
            while True:
                try:
                    await console.engine.push()
                    break
                except HubUnavailable:
                    failures += 1
                    assert failures <= 2, "only the two lost answers fail"
            assert failures == 2
            assert transport.lost == 2
            doc = hub.report(number)
            for note in notes:
                assert history_count(doc, "log_call", outcome=note) == 1, note
            for entry in entries:
                done = console.store.outbox_entry(entry.id)
                assert done is not None and done.state is OutboxState.ACKNOWLEDGED
            assert console.store.outbox_entry(entries[0].id).attempts >= 1  # type: ignore[union-attr]
            local = console.store.get_report(number)
            assert local is not None and local.version == doc["version"]
        finally:
            await console.close()

    asyncio.run(scenario())


def test_a_revoked_session_stops_sending_until_signed_in_again(hub: ThreadHub, tmp_path: Path) -> None:
    number = hub.submit("Chó thả rông trong công viên Thống Nhất")

    async def scenario() -> None:
        console = make_console(hub, tmp_path, "lan.nt", "revoked")
        try:
            await console.engine.start()
            await console.engine.wait_for(lambda s: s.state is SyncState.ONLINE, timeout=10)
            await eventually(lambda: console.store.get_report(number), what="the first sync")
            old = console.client.token
            async with httpx.AsyncClient(base_url=hub.url, trust_env=False) as other:
                r = await other.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {old}"})
                assert r.status_code == 200
            await console.engine.act(number, Action.LOG_CALL, {"outcome": "Gọi lúc phiên đã hết hạn"})
            status = await console.engine.wait_for(lambda s: s.state is SyncState.SIGNED_OUT, timeout=10)
            assert status.waiting == 1
            assert "đăng nhập lại" in (status.last_error or "")
            assert console.store.pending_actions()[0].state is OutboxState.PENDING

            console.engine.set_token(hub.login("lan.nt", "revoked"))
            await console.engine.wait_for(
                lambda s: s.state is SyncState.ONLINE and s.waiting == 0, timeout=15
            )
            assert history_count(hub.report(number), "log_call", outcome="Gọi lúc phiên đã hết hạn") == 1
        finally:
            await console.close()

    asyncio.run(scenario())

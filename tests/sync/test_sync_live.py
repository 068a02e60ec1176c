"""Two consoles and a real hub on loopback: what one operator does reaches the other's local copy;
concurrent changes to one report end with exactly one winner and a loser who is told who won."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

from sync_support import (
    AGENCY_A,
    AGENCY_B,
    FAST,
    USERS,
    ThreadHub,
    eventually,
    history_count,
    make_console,
    open_store,
)

from ioc_console.domain.lifecycle import Action, Status
from ioc_console.store import OutboxState, ReportQuery
from ioc_console.sync import apply
from ioc_console.sync.engine import RefusedAction
from ioc_console.sync.status import SyncState


def test_first_sync_brings_every_report_and_the_cursor(hub: ThreadHub, tmp_path: Path) -> None:
    numbers = {hub.submit(f"Đèn đường hỏng số {i} trên đường 16/4") for i in range(7)}

    async def scenario() -> None:
        console = make_console(hub, tmp_path, "lan.nt", "first")
        try:
            applied = await console.engine.pull()
            assert applied >= len(numbers)
            stored = {row.number for row in console.store.query(ReportQuery(limit=None))}
            assert numbers <= stored
            for number in numbers:
                local = console.store.get_report(number)
                remote = hub.report(number)
                assert local is not None
                assert local.version == remote["version"]
                assert local.status is Status(remote["status"])
                assert [e.action.value for e in local.history] == [e["action"] for e in remote["history"]]
            cursor = apply.read_cursor(console.store)
            assert cursor > 0
            # Nothing new: a second pull applies nothing and keeps the cursor.
            assert await console.engine.pull() == 0
            assert apply.read_cursor(console.store) == cursor
        finally:
            await console.close()

    asyncio.run(scenario())


def test_an_action_in_one_console_reaches_the_others_store(hub: ThreadHub, tmp_path: Path) -> None:
    number = hub.submit("Nước thải tràn ra đường Ngô Gia Tự")

    async def scenario() -> None:
        one = make_console(hub, tmp_path, "lan.nt", "one")
        two = make_console(hub, tmp_path, "hung.tv", "two")
        try:
            for console in (one, two):
                await console.engine.start()
                await console.engine.wait_for(lambda s: s.live, timeout=10)
            await eventually(lambda: two.store.get_report(number), what="the report in console two")

            base = one.store.get_report(number)
            assert base is not None
            entry = await one.engine.act(number, Action.FORWARD, {"agency": AGENCY_A})
            assert entry.base_version == base.version

            def forwarded() -> bool:
                r = two.store.get_report(number)
                return r is not None and r.status is Status.FORWARDED and r.agency == AGENCY_A

            await eventually(forwarded, what="the forward in console two")
            await one.engine.wait_for(lambda s: s.waiting == 0 and s.state is SyncState.ONLINE, timeout=10)
            mine = one.store.get_report(number)
            assert mine is not None and mine.version == base.version + 1
            assert one.store.outbox_entry(entry.id).state is OutboxState.ACKNOWLEDGED  # type: ignore[union-attr]
            assert history_count(hub.report(number), "forward", agency=AGENCY_A) == 1
        finally:
            await one.close()
            await two.close()

    asyncio.run(scenario())


def test_the_same_report_forwarded_by_both_at_once_has_one_winner(hub: ThreadHub, tmp_path: Path) -> None:
    number = hub.submit("Cây xanh đổ chắn ngang đường Yên Ninh")

    async def scenario() -> None:
        lan = make_console(hub, tmp_path, "lan.nt", "lan")
        hung = make_console(hub, tmp_path, "hung.tv", "hung")
        refusals: list[tuple[str, RefusedAction]] = []
        try:
            for console in (lan, hung):
                await console.engine.pull()
                console.engine.on_refused(lambda r, name=console.name: refusals.append((name, r)))
            # Both queue their forward on the same version before either is sent, then both send.
            await asyncio.gather(
                lan.engine.act(number, Action.FORWARD, {"agency": AGENCY_A}),
                hung.engine.act(number, Action.FORWARD, {"agency": AGENCY_B}),
            )
            await asyncio.gather(lan.engine.push(), hung.engine.push())

            doc = hub.report(number)
            forwards = [e for e in doc["history"] if e["action"] == "forward"]
            assert len(forwards) == 1, "exactly one forward is applied"
            winner_agency = forwards[0]["data"]["agency"]
            winner, loser = (lan, hung) if winner_agency == AGENCY_A else (hung, lan)
            winner_user = "lan.nt" if winner is lan else "hung.tv"

            assert [name for name, _ in refusals] == [loser.name]
            refusal = refusals[0][1]
            text = refusal.message("vi")
            # The colleague by their full name, the agency by its name.
            assert f"bởi {USERS[winner_user][2]} lúc" in text, text
            assert "đã được chuyển cho" in text, text
            assert "Sở" in text or "Ban" in text or "Công ty" in text, text  # the agency by name
            assert refusal.hub_report is not None and refusal.hub_report.agency == winner_agency

            # The loser's copy is the hub's truth again; its entry is refused with the words kept.
            local = loser.store.get_report(number)
            assert local is not None
            assert local.agency == winner_agency and local.version == doc["version"]
            entry = loser.store.outbox_entry(refusal.entry.id)
            assert entry is not None and entry.state is OutboxState.REJECTED
            assert entry.last_error == text
            assert loser.store.query(ReportQuery(limit=None))  # still readable
            assert loser.store.pending_actions() == []
            # The winner heard nothing bad.
            assert winner.store.pending_actions() == []
        finally:
            await lan.close()
            await hung.close()

    asyncio.run(scenario())


def test_a_refused_reply_stays_as_a_draft(hub: ThreadHub, tmp_path: Path) -> None:
    number = hub.submit("Ổ gà lớn trước chợ Phan Rang")
    reply = "Kính gửi ông/bà, Sở đã cử tổ công tác kiểm tra và sửa chữa ổ gà trong ngày."

    async def scenario() -> None:
        console = make_console(hub, tmp_path, "lan.nt", "drafts")
        seen: list[RefusedAction] = []
        console.engine.on_refused(seen.append)
        try:
            await console.engine.pull()
            # Publishing a reply is not possible before the agency resolved the report.
            await console.engine.act(number, Action.PUBLISH_REPLY, {"reply": reply})
            await console.engine.push()
            assert len(seen) == 1
            assert "bản nháp" in seen[0].message("vi")
            kept = apply.drafts(console.store, number)
            assert [(d.action, d.payload["reply"]) for d in kept] == [(Action.PUBLISH_REPLY, reply)]
            assert "Mới tiếp nhận" in kept[0].reason or "trạng thái" in kept[0].reason
            # The draft survives a restart of the console (it is in the store's file).
            path = console.store.path
            console.store.close()
            console.store = open_store(path)
            assert [d.payload["reply"] for d in apply.drafts(console.store, number)] == [reply]
            assert apply.discard_draft(console.store, number, Action.PUBLISH_REPLY)
            assert apply.drafts(console.store) == []
        finally:
            await console.client.aclose()
            await console.engine.close()
            console.store.close()

    asyncio.run(scenario())


def test_a_forbidden_action_is_explained_and_undone_locally(hub: ThreadHub, tmp_path: Path) -> None:
    number = hub.submit("Lấn chiếm vỉa hè đường Trần Phú")

    async def scenario() -> None:
        console = make_console(hub, tmp_path, "lan.nt", "forbidden")
        seen: list[RefusedAction] = []
        console.engine.on_refused(seen.append)
        try:
            await console.engine.pull()
            before = console.store.get_report(number)
            assert before is not None
            # An operator shows the report as accepted at once, but only a liaison may accept.
            optimistic = before
            optimistic.status = Status.IN_PROGRESS
            optimistic.version += 1
            await console.engine.act(number, Action.ACCEPT, {}, report_after=optimistic)
            shown = console.store.get_report(number)
            assert shown is not None and shown.status is Status.IN_PROGRESS
            await console.engine.push()
            assert len(seen) == 1
            text = seen[0].message("vi")
            assert "không được phép" in text, text
            assert seen[0].draft is None
            back = console.store.get_report(number)
            assert (
                back is not None
                and back.status is Status.NEW
                and back.version == hub.report(number)["version"]
            )
            rows = console.store.query(ReportQuery(limit=None))
            assert not next(r for r in rows if r.number == number).pending
        finally:
            await console.close()

    asyncio.run(scenario())


def test_a_report_leaving_the_liaisons_agency_leaves_their_store(hub: ThreadHub, tmp_path: Path) -> None:
    number = hub.submit("Mùi hôi từ bãi rác Nhơn Hải")
    hub.act("lan.nt", number, "forward", {"agency": AGENCY_A})

    async def scenario() -> None:
        liaison = make_console(hub, tmp_path, "lia.a", "liaison")
        try:
            await liaison.engine.start()
            await eventually(lambda: liaison.store.get_report(number), what="the forwarded report")
            hub.act("sup", number, "forward", {"agency": AGENCY_B})
            await eventually(
                lambda: liaison.store.get_report(number) is None, what="the report to leave the store"
            )
            assert liaison.store.count(ReportQuery(text="Nhơn Hải")) == 0  # gone from search too
        finally:
            await liaison.close()

    asyncio.run(scenario())
    # The full-text index agrees with the reports left (a stale entry fails this check).
    with contextlib.closing(sqlite3.connect(tmp_path / "liaison.sqlite3")) as db:
        db.execute("INSERT INTO report_search(report_search, rank) VALUES ('integrity-check', 1)")


def test_an_action_on_a_report_gone_to_another_agency_is_refused_and_the_copy_dropped(
    hub: ThreadHub, tmp_path: Path
) -> None:
    number = hub.submit("Nắp cống bị mất trên đường Lê Hồng Phong")
    hub.act("lan.nt", number, "forward", {"agency": AGENCY_A})

    async def scenario() -> None:
        liaison = make_console(hub, tmp_path, "lia.a", "gone")
        seen: list[RefusedAction] = []
        liaison.engine.on_refused(seen.append)
        try:
            await liaison.engine.pull()
            assert liaison.store.get_report(number) is not None
            hub.act("sup", number, "forward", {"agency": AGENCY_B})  # not pulled yet
            await liaison.engine.act(number, Action.NOTE_PROGRESS, {"note": "Đã cử người kiểm tra"})
            await liaison.engine.push()
            assert len(seen) == 1 and seen[0].hub_report is None
            assert "không còn trong phạm vi bạn được xem" in seen[0].message("vi")
            assert liaison.store.get_report(number) is None
            assert [d.payload["note"] for d in apply.drafts(liaison.store, number)] == [
                "Đã cử người kiểm tra"
            ]
        finally:
            await liaison.close()

    asyncio.run(scenario())


def test_actions_wait_out_the_undo_window_unless_released(hub: ThreadHub, tmp_path: Path) -> None:
    number = hub.submit("Biển báo giao thông bị che khuất ở ngã ba Tháp Chàm")

    async def scenario() -> None:
        console = make_console(hub, tmp_path, "lan.nt", "hold", settings=replace(FAST, hold_seconds=1.5))
        try:
            await console.engine.start()
            await console.engine.wait_for(lambda s: s.state is SyncState.ONLINE, timeout=10)
            await eventually(lambda: console.store.get_report(number), what="the first sync")

            queued = time.monotonic()
            await console.engine.act(number, Action.LOG_CALL, {"outcome": "Chờ hết thời gian hoàn tác"})
            await asyncio.sleep(0.8)
            assert history_count(hub.report(number), "log_call") == 0, "held while it can be taken back"
            assert console.engine.status.waiting == 1
            await eventually(lambda: history_count(hub.report(number), "log_call") == 1, what="the send")
            assert time.monotonic() - queued >= 1.4

            queued = time.monotonic()
            await console.engine.act(number, Action.LOG_CALL, {"outcome": "Đã chốt, gửi ngay"})
            console.engine.release([number])
            await eventually(lambda: history_count(hub.report(number), "log_call") == 2, what="the release")
            assert time.monotonic() - queued < 1.4
        finally:
            await console.close()

    asyncio.run(scenario())

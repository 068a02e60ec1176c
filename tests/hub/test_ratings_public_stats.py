"""Citizens' ratings from the hub to the consoles: an unsatisfied rating reopens the report, the
reopening reaches the operators' and the agency liaison's local stores through the change feed, and
the consoles' statistics, the hub's own statistics and the public per-agency statistics all move
with the ratings and agree with each other (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import openpyxl
from hub_support import AGENCY_A, AGENCY_B, PASSWORD, Hub

from ioc_console import exports
from ioc_console.domain.jurisdiction import load_pack
from ioc_console.domain.lifecycle import Action, Role, Status
from ioc_console.resources import default_pack_path
from ioc_console.store import LocalStore, ReportQuery
from ioc_console.store import statistics as st
from ioc_console.sync.client import HubClient
from ioc_console.sync.engine import SyncEngine

PUBLIC = "/open311/v2/stats/agencies.json"
FIELDS = ("received", "handled", "on_time", "late", "overdue", "rated", "satisfied")
NAME = ("Võ", "Thị Hạnh")
PHONE = "0983 456 123"
EMAIL = "hanh.vo@example.vn"
DESCRIPTION = "Cống thoát nước trước chợ Phan Rang bị tắc, nước tràn vào nhà dân"
COMMENT = "Cống vẫn tắc sau mưa"


def closed_report(hub: Hub, agency: str) -> str:
    number = hub.submit(
        first_name=NAME[0], last_name=NAME[1], phone=PHONE, email=EMAIL, description=DESCRIPTION
    )
    liaison = "lia_a" if agency == AGENCY_A else "lia_b"
    hub.ok("op", number, "forward", {"agency": agency})
    hub.ok(liaison, number, "accept")
    hub.ok(liaison, number, "resolve", {"result": "Đã nạo vét cống"})
    hub.ok("op", number, "publish_reply", {"reply": "Cống đã được nạo vét."})
    return number


def rate(hub: Hub, number: str, satisfied: bool, comment: str = "") -> dict[str, Any]:
    r = hub.client().post(
        f"/open311/v2/requests/{number}/rating.json",
        data={"api_key": hub.api_key, "satisfied": "true" if satisfied else "false", "comment": comment},
    )
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()[0]
    return answer


def public(hub: Hub) -> dict[str, Any]:
    with httpx.Client(base_url=hub.url, timeout=30) as anyone:  # no sign-in
        r = anyone.get(PUBLIC)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def public_counts(hub: Hub, agency: str) -> tuple[int, ...]:
    for entry in public(hub)["agencies"]:
        if entry["agency_code"] == agency:
            return tuple(int(entry[f]) for f in FIELDS)
    return (0,) * len(FIELDS)


def console_counts(f: st.Figures) -> tuple[int, ...]:
    return tuple(getattr(f, name) for name in FIELDS)


class Console:
    """A console's local store kept in step with the hub by the real sync engine (pulled on demand)."""

    def __init__(self, hub: Hub, folder: Path, user: str) -> None:
        self.store = LocalStore.open(folder / f"{user}.sqlite3")
        self.store.load_jurisdiction(load_pack(default_pack_path()))
        with httpx.Client(base_url=hub.url, timeout=30) as c:
            r = c.post(
                "/api/v1/auth/login",
                json={"username": user, "password": PASSWORD},
                headers={"X-Console-Id": f"ratings-{user}"},
            )
        assert r.status_code == 200, r.text
        self.client = HubClient(
            hub.url, token=r.json()["token"], console_id=f"ratings-{user}", trust_env=False
        )
        self.engine = SyncEngine(self.client, self.store)

    async def close(self) -> None:
        await self.engine.close()
        await self.client.aclose()
        self.store.close()


def test_an_unsatisfied_rating_reaches_the_consoles_and_every_figure_moves(hub: Hub, tmp_path: Path) -> None:
    happy = closed_report(hub, AGENCY_B)
    unhappy = closed_report(hub, AGENCY_B)
    elsewhere = closed_report(hub, AGENCY_A)
    year = st.Period(hub.clock.now - timedelta(days=300), hub.clock.now + timedelta(days=1))
    only_b = st.Filters(agencies={AGENCY_B})

    async def scenario() -> None:
        op = Console(hub, tmp_path, "op")
        liaison = Console(hub, tmp_path, "lia_b")
        try:
            for console in (op, liaison):
                await console.engine.pull()
            before = st.figures(op.store, year, hub.clock.now, only_b)
            assert console_counts(before) == public_counts(hub, AGENCY_B)
            assert st.unsatisfied(op.store) == []

            assert rate(hub, happy, True, "Cảm ơn")["status"] == "closed"
            assert rate(hub, unhappy, False, COMMENT)["status"] == "open"  # before the IOC again
            for console in (op, liaison):
                assert await console.engine.pull() >= 2

            # The reopening, in the operator's local copy, with the citizen's reason.
            local = op.store.get_report(unhappy)
            assert local is not None
            assert local.status is Status.REOPENED
            assert local.satisfied is False and local.rating_comment == COMMENT
            rated, reopened = local.history[-2:]
            assert (rated.action, reopened.action) == (Action.RATE, Action.REOPEN)
            assert reopened.role is Role.SYSTEM and reopened.data["rating"] == "unsatisfied"
            assert COMMENT in reopened.data["reason"]
            assert local.due_at is not None and local.due_at > reopened.at  # a new reply deadline
            # The IOC finds it: in the unsatisfied list, and among the reopened reports.
            assert [i.number for i in st.unsatisfied(op.store)] == [unhappy]
            assert unhappy in op.store.numbers(ReportQuery(statuses={Status.REOPENED}))
            # The agency still holds it (the report stays theirs), and only its own reports.
            assert [i.number for i in st.unsatisfied(liaison.store)] == [unhappy]
            assert elsewhere not in liaison.store.numbers(ReportQuery())
            happy_local = op.store.get_report(happy)
            assert happy_local is not None and happy_local.status is Status.CLOSED and happy_local.satisfied

            # The consoles' figures moved: two more ratings, one satisfied; the reopened one is no
            # longer handled. They equal the public figures, and the liaison's own.
            after = st.figures(op.store, year, hub.clock.now, only_b)
            assert (after.rated, after.satisfied) == (before.rated + 2, before.satisfied + 1)
            assert after.handled == before.handled - 1 and after.open == before.open + 1
            assert console_counts(after) == public_counts(hub, AGENCY_B)
            assert console_counts(st.figures(liaison.store, year, hub.clock.now)) == console_counts(after)
            (row,) = [r for r in st.league(op.store, year, hub.clock.now) if r.agency == AGENCY_B]
            assert row.figures == after
            assert row.figures.satisfaction_rate == after.satisfied / after.rated
        finally:
            for console in (op, liaison):
                await console.close()

    asyncio.run(scenario())

    # The hub's own statistics count the satisfaction per agency too.
    stats = hub.client("sup").get("/api/v1/stats").json()["satisfaction"]
    public_b = public(hub)["agencies"]
    (entry,) = [a for a in public_b if a["agency_code"] == AGENCY_B]
    assert stats["by_agency"][AGENCY_B] == {"rated": entry["rated"], "satisfied": entry["satisfied"]}
    assert stats["rated"] == sum(v["rated"] for v in stats["by_agency"].values())


def test_a_liaisons_exports_hold_only_their_agencys_reports(hub: Hub, tmp_path: Path) -> None:
    ours = [closed_report(hub, AGENCY_B) for _ in range(2)]
    theirs = closed_report(hub, AGENCY_A)
    rate(hub, ours[0], True)
    pack = load_pack(default_pack_path())
    now = hub.clock.now
    local = now.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))

    async def scenario() -> None:
        liaison = Console(hub, tmp_path, "lia_b")
        try:
            await liaison.engine.pull()
            book = exports.monthly_report(
                tmp_path / "thang.xlsx", liaison.store, local.year, local.month, now
            )
            listing = exports.export_reports(
                tmp_path / "danh-sach.xlsx",
                liaison.store.query(ReportQuery(limit=None)),
                st.names(liaison.store),
            )
            csv_listing = exports.export_reports(
                tmp_path / "danh-sach.csv",
                liaison.store.query(ReportQuery(limit=None)),
                st.names(liaison.store),
            )
        finally:
            await liaison.close()
        workbook = openpyxl.load_workbook(book)
        cells = [c for ws in workbook for r in ws.iter_rows(values_only=True) for c in r if c is not None]
        text = " ".join(str(c) for c in cells)
        sheet = openpyxl.load_workbook(listing).active
        assert sheet is not None
        numbers = {str(c) for c in next(sheet.iter_cols(values_only=True))}  # the first column
        assert set(ours) <= numbers and theirs not in numbers
        assert theirs not in csv_listing.read_text(encoding="utf-8-sig")
        assert pack.agencies[AGENCY_A].name not in text
        # The league holds the liaison's agency alone, with the month's public figures.
        league = workbook["Xếp hạng đơn vị"]
        rows = [r for r in league.iter_rows(values_only=True) if r and r[1] in (AGENCY_A, AGENCY_B)]
        assert [r[1] for r in rows] == [AGENCY_B]
        (month,) = [
            m
            for a in public(hub)["agencies"]
            if a["agency_code"] == AGENCY_B
            for m in a["months"]
            if m["month"] == f"{local:%Y-%m}"
        ]
        # Rank, code, name, then received, handled, handled rate, on time, late, overdue (see the sheet).
        assert (rows[0][3], rows[0][4], rows[0][6], rows[0][7], rows[0][8]) == (
            month["received"],
            month["handled"],
            month["on_time"],
            month["late"],
            month["overdue"],
        )
        for secret in (*NAME, PHONE, EMAIL):
            assert secret not in text

    asyncio.run(scenario())


def test_the_public_figures_hold_nothing_personal_in_any_format(hub: Hub) -> None:
    number = closed_report(hub, AGENCY_A)
    rate(hub, number, False, f"{COMMENT}, gọi {PHONE}")
    with httpx.Client(base_url=hub.url, timeout=30) as anyone:
        answers = [anyone.get(PUBLIC).text, anyone.get(PUBLIC.replace(".json", ".xml")).text]
    for text in answers:
        for secret in (
            *NAME,
            PHONE,
            PHONE.replace(" ", ""),
            EMAIL,
            DESCRIPTION,
            "chợ Phan Rang",
            COMMENT,
            number,
        ):
            assert secret not in text
    body = public(hub)
    allowed = {
        "agency_code",
        "agency_name",
        "agency_short_name",
        "months",
        "on_time_rate",
        "satisfaction_rate",
        *FIELDS,
    }
    for entry in body["agencies"]:
        assert set(entry) <= allowed, set(entry) - allowed
        for month in entry["months"]:
            assert set(month) <= allowed | {"month"}, set(month) - allowed

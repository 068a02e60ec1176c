"""The same reports give the same figures everywhere: the console's statistics (its local copy) and
the hub's public statistics (its own tables) count handled, on time, late and overdue by the one
definition in ``domain/figures.py``, per agency and month, on SQLite and PostgreSQL.

Before, the hub took a resolved report's last update as the time it was handled, so a rating or a
note after the deadline turned an on-time report late in the public figures only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hub_support import new_database

from ioc_console.demo import generate
from ioc_console.domain.figures import Judgement, judgement
from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.domain.lifecycle import Status
from ioc_console.domain.report import Report
from ioc_console.hub.db import Database
from ioc_console.hub.jurisdiction_store import PackHolder, install_pack
from ioc_console.hub.public_stats import agency_statistics
from ioc_console.hub.service import HubService
from ioc_console.hub.settings import HubSettings
from ioc_console.resources import default_pack_path
from ioc_console.store import LocalStore
from ioc_console.store import statistics as st

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
FIELDS = ("received", "handled", "on_time", "late", "overdue")


def _reports(pack: Jurisdiction) -> list[Report]:
    reports = list(generate(pack, count=400, start=NOW - timedelta(days=150), now=NOW, seed=11))
    # Resolved reports whose last update came long after they were resolved (a progress note, a
    # rating): their handling time is when they were resolved, not their last update.
    touched = 0
    for report in reports:
        if report.status is Status.RESOLVED and report.stage_started_at is not None and report.due_at:
            report.updated_at = max(report.due_at, report.stage_started_at) + timedelta(days=3)
            touched += 1
    assert touched >= 3
    return reports


@pytest.fixture(scope="module")
def pack() -> Jurisdiction:
    return load_pack(default_pack_path())


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hub_figures(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_session: list[str],
    pack: Jurisdiction,
) -> Iterator[dict[str, object]]:
    url = new_database(request.param, tmp_path_factory.mktemp("figures"), pg_session)
    db = Database(url, pool_size=2)
    try:
        db.migrate()
        install_pack(db, default_pack_path(), by="tests", at=NOW)
        packs = PackHolder()
        with db.read() as conn:
            packs.load(conn)
        service = HubService(HubSettings(database_url=url, clock=lambda: NOW), db, packs)
        service.load_history(_reports(pack), by="tests")
        yield agency_statistics(service, months=6)
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory, pack: Jurisdiction) -> Iterator[LocalStore]:
    store = LocalStore.open(tmp_path_factory.mktemp("console") / "c.sqlite3")
    store.load_jurisdiction(pack)
    store.upsert_reports(_reports(pack))
    yield store
    store.close()


def test_the_console_and_the_hub_count_every_agency_and_month_alike(
    hub_figures: dict[str, object], console: LocalStore, pack: Jurisdiction
) -> None:
    compared = 0
    for entry in hub_figures["agencies"]:  # type: ignore[attr-defined]
        for month in entry["months"]:
            year, number = (int(part) for part in month["month"].split("-"))
            period = st.Period.month(year, number, TZ)
            mine = st.figures(console, period, NOW, st.Filters(agencies={entry["agency_code"]}))
            assert {f: getattr(mine, f) for f in FIELDS} == {f: month[f] for f in FIELDS}, (
                entry["agency_code"],
                month["month"],
            )
            compared += mine.received
    assert compared > 300, hub_figures["total"]


def test_the_figures_follow_the_domain_definition_report_by_report(
    hub_figures: dict[str, object], pack: Jurisdiction
) -> None:
    counted = dict.fromkeys(Judgement, 0)
    for report in _reports(pack):  # every one was received within the hub's six months
        counted[judgement(report, NOW)] += 1
    total = hub_figures["total"]  # type: ignore[index]
    assert (total["on_time"], total["late"], total["overdue"]) == (  # type: ignore[index]
        counted[Judgement.ON_TIME],
        counted[Judgement.LATE],
        counted[Judgement.OVERDUE],
    )
    assert counted[Judgement.LATE] > 0 and counted[Judgement.ON_TIME] > counted[Judgement.LATE]

"""The hub's own record of imported requests: (source, external id) on the report, unique in the
database (SQLite and PostgreSQL), requests received at the source's time, and reports imported
before the columns existed found again by the migration."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.config import Config
from hub_support import new_database, prepare_database
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ioc_console.domain.lifecycle import Actor, Channel, Role
from ioc_console.domain.report import Location
from ioc_console.hub import schema
from ioc_console.hub.db import MIGRATIONS, Database
from ioc_console.hub.importer.parse import parse_requests
from ioc_console.hub.importer.sink import ExternalFields, HubImportSink, marker
from ioc_console.hub.importer.state import ImportState
from ioc_console.hub.jurisdiction_store import PackHolder
from ioc_console.hub.service import HubService, Intake
from ioc_console.hub.settings import HubSettings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_importer_parse import sample

LA = ZoneInfo("America/Los_Angeles")
SOURCE = "bloomington"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def service(request: pytest.FixtureRequest, tmp_path: Path, pg_session: list[str]) -> Iterator[HubService]:
    url = new_database(request.param, tmp_path, pg_session)
    _key, clock = prepare_database(url)
    db = Database(url, pool_size=2)
    packs = PackHolder()
    with db.read() as conn:
        packs.load(conn)
    try:
        yield HubService(HubSettings(database_url=url, clock=clock), db, packs)
    finally:
        db.dispose()


def count(service: HubService) -> int:
    with service.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.reports)).scalar_one())


def intake(description: str, received_at: datetime | None = None) -> Intake:
    return Intake(
        channel=Channel.WEB,
        category="environment",
        description=description,
        location=Location(None, None, "", None),
        received_at=received_at,
    )


ACTOR = Actor("Open311 bloomington", Role.CHANNEL)


def test_a_request_is_one_report_however_often_it_is_taken_in(service: HubService) -> None:
    first, created = service.upsert_external(
        SOURCE, "1001", intake("Ổ gà trên đường số 1"), ACTOR, via=marker(SOURCE, "1001")
    )
    assert created
    again, created_again = service.upsert_external(
        SOURCE, "1001", intake("Ổ gà trên đường số 1 (lần hai)"), ACTOR, via=marker(SOURCE, "1001")
    )
    assert not created_again and again.number == first.number
    other, created_other = service.upsert_external(
        "chicago", "1001", intake("Cùng mã nhưng nguồn khác"), ACTOR, via=marker("chicago", "1001")
    )
    assert created_other and other.number != first.number
    assert count(service) == 2
    assert service.external_report(SOURCE, "1001") == first
    assert set(service.external_reports(SOURCE)) == {"1001"}
    # The database itself refuses a second report for the pair (two importers at once).
    with pytest.raises(IntegrityError), service.db.write() as conn:
        conn.execute(
            update(schema.reports)
            .where(schema.reports.c.number == other.number)
            .values(external_source=SOURCE, external_id="1001")
        )
    # Reports from other channels have no pair, and any number of them may exist.
    for n in range(2):
        service.create_report(intake(f"Phản ánh qua web số {n}"), ACTOR, via="open311")
    assert count(service) == 4


def test_imported_requests_keep_their_requested_time(service: HubService, tmp_path: Path) -> None:
    parsed = parse_requests(sample("bloomington_2012_get_requests.json"), "json", source=SOURCE, zone=LA)
    requests = [r for r in parsed.items if r.requested_datetime is not None][:5]
    assert requests
    state = ImportState(tmp_path / "import.sqlite3")
    try:
        sink = HubImportSink(service, state)
        for request in requests:
            number = sink.upsert_external(
                SOURCE, request.service_request_id, ExternalFields.of(request, "environment")
            )
            report = service.external_report(SOURCE, request.service_request_id)
            assert report is not None and report.number == number
            assert report.received_at == request.requested_datetime
            assert report.history[0].at == request.requested_datetime
            assert report.due_at is not None and report.due_at > report.received_at
        # A time ahead of the hub's clock (a source's clock running fast) is taken as now.
        ahead = service.now() + timedelta(days=3)
        fields = ExternalFields(category="environment", description="Đèn đường hỏng", requested_at=ahead)
        number = sink.upsert_external(SOURCE, "tuong-lai", fields)
        report = service.external_report(SOURCE, "tuong-lai")
        assert report is not None and report.number == number
        assert report.received_at <= service.now() < ahead - timedelta(days=2)
    finally:
        state.close()


def test_the_migration_finds_reports_imported_before_by_their_marker(
    service: HubService, tmp_path: Path
) -> None:
    old, _ = service.upsert_external(
        SOURCE, "ab:12", intake("Nhập trước đây"), ACTOR, via=marker(SOURCE, "ab:12")
    )
    plain, _ = service.create_report(intake("Không phải nhập"), ACTOR, via="open311")

    def migrate(to: str) -> None:
        with service.db.writer.connect() as conn:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = conn
            if to == "0001":
                command.downgrade(config, to)
            else:
                command.upgrade(config, to)
            conn.commit()

    migrate("0001")
    migrate("head")
    found = service.external_reports(SOURCE)
    assert {k: r.number for k, r in found.items()} == {"ab:12": old.number}
    assert service.external_reports("open311") == {}
    with service.db.read() as conn:
        pair = conn.execute(
            select(schema.reports.c.external_source, schema.reports.c.external_id).where(
                schema.reports.c.number == plain.number
            )
        ).one()
    assert tuple(pair) == (None, None)
    assert found["ab:12"].history[0].data["via"] == marker(SOURCE, "ab:12")

"""Setting the hub up: ``ioc-hub init | user add | channel add | serve``, the migrations, the stored
pack, and the staff wire format."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hub_support import new_database

from ioc_console.domain.lifecycle import Action, Channel, Priority, Role, Status
from ioc_console.domain.report import Attachment, Contact, Event, Location, Report
from ioc_console.hub import cli
from ioc_console.hub.db import Database, DatabaseError, head_revision
from ioc_console.hub.schema import metadata
from ioc_console.hub.server import free_port
from ioc_console.hub.settings import default_database_url
from ioc_console.hub.wire import report_from_wire, report_to_wire, uncarried_fields


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, pg_session: list[str]) -> str:
    return new_database(request.param, tmp_path, pg_session)


def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = cli.main(list(args))
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def test_init_user_channel_and_serve(db_url: str, tmp_path: Path) -> None:
    # Serving an uninitialised database is refused with a hint.
    code, _, err = run("serve", "--db", db_url)
    assert code == 1 and "ioc-hub init" in err
    code, out, _ = run("init", "--db", db_url)
    assert code == 0 and "Tỉnh Ninh Thuận" in out
    # A second init is harmless (migrations are idempotent; the same pack is not stored twice).
    assert run("init", "--db", db_url)[0] == 0
    code, out, err = run(
        "user",
        "add",
        "hoa",
        "--role",
        "liaison",
        "--agency",
        "so-xd",
        "--db",
        db_url,
        "--password-stdin",
        stdin="mật khẩu dài\n",
    )
    assert code == 0, err
    code, _, err = run(
        "user", "add", "hoa", "--role", "operator", "--db", db_url, "--password-stdin", stdin="x" * 9
    )
    assert code == 1 and "hoa" in err
    code, _, err = run(
        "user", "add", "lan", "--role", "liaison", "--db", db_url, "--password-stdin", stdin="x" * 9
    )
    assert code == 1 and "đơn vị xử lý" in err
    code, out, err = run("channel", "add", "zalo", "--db", db_url)
    assert code == 0
    key = out.strip()
    assert key.startswith("ch_") and "một lần" in err
    # The real command in its own process serves what was set up.
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ioc_console.hub.cli",
            "serve",
            "--db",
            db_url,
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if httpx.get(f"{url}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        r = httpx.post(f"{url}/api/v1/auth/login", json={"username": "hoa", "password": "mật khẩu dài"})
        assert r.status_code == 200 and r.json()["user"]["agency"] == "so-xd"
        r = httpx.post(
            f"{url}/open311/v2/requests.xml",
            data={
                "api_key": key,
                "service_code": "construction",
                "address_string": "Phường Đô Vinh",
                "description": "Xây dựng lấn chiếm vỉa hè",
            },
        )
        assert r.status_code == 201, r.text
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode(errors="replace")
    assert "Traceback" not in output, output


def test_init_refuses_a_broken_pack(db_url: str, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.json").write_text('{"format": 1, "id": "x"', encoding="utf-8")
    code, _, err = run("init", "--db", db_url, "--pack", str(pack))
    assert code == 1 and "pack.json" in err


def test_migrations_create_exactly_the_declared_schema(db_url: str) -> None:
    db = Database(db_url, pool_size=1)
    try:
        with pytest.raises(DatabaseError, match="ioc-hub init"):
            db.check_schema()
        db.migrate()
        db.check_schema()
        assert db.current_revision() == head_revision()
        with db.writer.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        assert diff == []
        db.migrate()  # again: nothing to do
        with db.write() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(DatabaseError, match="newer hub"):
            db.migrate()
    finally:
        db.dispose()


def test_default_database_is_a_file_in_the_users_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_database_url() == f"sqlite:///{tmp_path / 'ioc-console' / 'hub.sqlite3'}"


def test_the_wire_format_carries_every_field_of_a_report() -> None:
    assert uncarried_fields() == set()
    at = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
    report = Report(
        number="2025-000001",
        channel=Channel.ZALO,
        category="environment",
        description="Rác",
        location=Location(11.5, 108.9, "Đường 16/4", "22747"),
        received_at=at,
        status=Status.IN_PROGRESS,
        contact=Contact("An", "0905123456", "an@example.vn"),
        agency="so-xd",
        priority=Priority.HIGH,
        title="t",
        reply="r",
        result="kq",
        satisfied=True,
        rating_comment="tốt",
        duplicate_of="2025-000000",
        version=4,
        updated_at=at,
        stage_started_at=at,
        due_at=at,
        stage_due_at=at,
        paused_since=at,
        paused_seconds=12.5,
        closed_at=at,
        first_contact_at=at,
        forwarded_at=at,
        attachments=[Attachment("a1", "photo", "image/png", 10, "/x", at, "result")],
        history=[
            Event(
                1, at, "op", Role.OPERATOR, Action.FORWARD, Status.NEW, Status.FORWARDED, {"agency": "so-xd"}
            )
        ],
    )
    again = report_from_wire(report_to_wire(report))
    assert dataclasses.asdict(again) == dataclasses.asdict(report)

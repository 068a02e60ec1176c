"""``ioc-hub report handover | monthly``: the printed reports made from the hub's database, on SQLite
and PostgreSQL, hold what a console computes from the same reports."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hub_support import new_database
from pypdf import PdfReader

from ioc_console.demo import generate
from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.hub.db import Database
from ioc_console.hub.jurisdiction_store import PackHolder, install_pack
from ioc_console.hub.service import HubService
from ioc_console.hub.settings import HubSettings
from ioc_console.reporting import cli
from ioc_console.resources import default_pack_path
from ioc_console.store import LocalStore
from ioc_console.store import statistics as st

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = cli.main(list(args))
    finally:
        sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def pack() -> Jurisdiction:
    return load_pack(default_pack_path())


@pytest.fixture(scope="module")
def now() -> datetime:
    # The command reports at the real time: the demo's history runs up to a minute ago.
    return datetime.now(TZ).replace(second=0, microsecond=0) - timedelta(minutes=1)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hub_db(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_session: list[str],
    pack: Jurisdiction,
    now: datetime,
) -> Iterator[str]:
    """A hub's database holding a demo of 300 reports over two months."""
    url = new_database(request.param, tmp_path_factory.mktemp("report"), pg_session)
    db = Database(url, pool_size=2)
    try:
        db.migrate()
        install_pack(db, default_pack_path(), by="tests", at=now)
        packs = PackHolder()
        with db.read() as conn:
            packs.load(conn)
        service = HubService(HubSettings(database_url=url), db, packs)
        service.load_history(demo_reports(pack, now), by="tests")
    finally:
        db.dispose()
    yield url


def demo_reports(pack: Jurisdiction, now: datetime):  # type: ignore[no-untyped-def]
    return generate(pack, count=300, start=now - timedelta(days=60), now=now, seed=5)


@pytest.fixture(scope="module")
def console(
    tmp_path_factory: pytest.TempPathFactory, pack: Jurisdiction, now: datetime
) -> Iterator[LocalStore]:
    """A console's store holding the same reports."""
    store = LocalStore.open(tmp_path_factory.mktemp("console") / "c.sqlite3")
    store.load_jurisdiction(pack)
    store.upsert_reports(demo_reports(pack, now))
    yield store
    store.close()


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_handover_from_the_hubs_database(
    hub_db: str, console: LocalStore, now: datetime, tmp_path: Path
) -> None:
    start = now - timedelta(days=2)
    code, out, err = run(
        "report", "handover", "--from", f"{start:%Y-%m-%dT%H:%M}", "--to", f"{now:%Y-%m-%dT%H:%M}",
        "--out", str(tmp_path), "--db", hub_db,
    )  # fmt: skip
    assert code == 0, err
    path = tmp_path / f"giao-ca-{start:%Y-%m-%d-%H%M}-{now:%Y-%m-%d-%H%M}.pdf"
    assert str(path) in out and path.exists()
    expected = st.handover(console, st.Period(start, now), now, late_limit=None)
    assert expected.came_in and expected.late and expected.actions
    text = text_of(path)
    assert "Tỉnh Ninh Thuận" in text and "BÁO CÁO GIAO CA" in text
    for number in {i.number for i in expected.came_in + expected.late} | {a.number for a in expected.actions}:
        assert number in text
    assert f"Phản ánh tiếp nhận trong ca {len(expected.came_in)}" in text

    code, _, err = run(
        "report", "handover", "--from", f"{start:%Y-%m-%dT%H:%M}", "--to", f"{now:%Y-%m-%dT%H:%M}",
        "--out", str(tmp_path / "ca.xlsx"), "--db", hub_db,
    )  # fmt: skip
    assert code == 0, err
    book = openpyxl.load_workbook(tmp_path / "ca.xlsx")
    came = [row[0] for row in book["Tiếp nhận trong ca"].iter_rows(values_only=True)]
    assert came[came.index("Số phản ánh") + 1 :] == [i.number for i in expected.came_in]


def test_the_monthly_report_from_the_hubs_database(
    hub_db: str, console: LocalStore, now: datetime, tmp_path: Path
) -> None:
    last = (now.replace(day=1) - timedelta(days=1)).replace(day=1)
    month = f"{last:%Y-%m}"
    code, _, err = run("report", "monthly", "--month", month, "--out", str(tmp_path), "--db", hub_db)
    assert code == 0, err
    path = tmp_path / f"bao-cao-thang-{month}.pdf"
    assert path.exists()
    period = st.Period.month(last.year, last.month)
    summary = st.summary(console, period, now)
    assert summary.figures.received > 50
    text = text_of(path)
    assert f"BÁO CÁO THÁNG {last:%m/%Y}" in text
    assert f"Tiếp nhận trong kỳ {summary.figures.received}" in text
    assert f"Đã xử lý {summary.figures.handled}" in text
    for row in st.league(console, period, now):
        assert row.agency in text

    code, _, err = run(
        "report", "monthly", "--month", month, "--out", str(tmp_path / "t.xlsx"), "--db", hub_db
    )
    assert code == 0, err
    first = openpyxl.load_workbook(tmp_path / "t.xlsx").worksheets[0]
    values = {row[0]: row[1] for row in first.iter_rows(values_only=True) if row and row[0]}
    assert values["Tiếp nhận trong kỳ"] == summary.figures.received


def test_wrong_arguments_and_databases_are_told_in_both_languages(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    code, _, err = run("report", "monthly", "--month", "2026-13", "--db", db)
    assert code == 2 and "không phải là một tháng" in err and "is not a month" in err
    code, _, err = run("report", "handover", "--from", "hôm qua", "--db", db)
    assert code == 2 and "ISO 8601" in err
    code, _, err = run(
        "report", "handover", "--from", "2026-12-05T17:00", "--to", "2026-12-05T09:00", "--db", db
    )
    assert code == 2 and "phải sau" in err
    code, _, err = run(
        "report", "monthly", "--month", "2026-11", "--out", str(tmp_path / "a.docx"), "--db", db
    )
    assert code == 2 and ".pdf, .xlsx" in err
    code, _, err = run("report", "monthly", "--month", "2026-11", "--out", str(tmp_path), "--db", db)
    assert code == 1 and "ioc-hub init" in err and "Không đọc được cơ sở dữ liệu" in err
    assert not list(tmp_path.glob("*.pdf"))


def test_the_installed_command_has_the_report_commands() -> None:
    import subprocess

    command = Path(sys.executable).parent / "ioc-hub"
    done = subprocess.run(
        [str(command), "report", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0 and "handover" in done.stdout and "monthly" in done.stdout
    done = subprocess.run(
        [str(command), "calendar", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0

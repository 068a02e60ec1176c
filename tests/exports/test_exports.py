"""Exports opened the way a user's spreadsheet program would (openpyxl, csv): the numbers are those of
the statistics, dates are real dates, citizens' text stays text, and a refusing folder is said in words."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from ioc_console import exports
from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.domain.lifecycle import TERMINAL, Action, Channel, Role, Status
from ioc_console.domain.report import Contact, Event, Location, Report
from ioc_console.exports.excel import header_row
from ioc_console.exports.tables import handover_sheets, statistics_sheet
from ioc_console.resources import default_pack_path
from ioc_console.store import LocalStore, ReportQuery
from ioc_console.store import statistics as st

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 4, 3, 10, 0, tzinfo=TZ)
CATEGORIES = ("construction", "environment", "urban-infrastructure", "traffic-safety")
AGENCIES = ("so-xd", "so-tnmt", "so-gtvt", "moi-truong-do-thi", None)
UNITS = ("22738", "22852", "582", None)
PHONE = "0905 777 888"
NAME = "Trần Thị Bình"
FORMULA = '=HYPERLINK("http://evil.example","bấm vào")'


def made(i: int) -> Report:
    statuses = list(Status)
    status = statuses[i % len(statuses)]
    received = datetime(2025, 3, 1, 6, 0, tzinfo=TZ) + timedelta(hours=5 * i + i % 7)
    due = None if i % 11 == 3 else received + timedelta(days=6)
    handled_at = received + timedelta(days=(i * 7) % 10, hours=i % 5)
    r = Report(
        number=f"PA-2025-{i:06d}",
        channel=list(Channel)[i % len(Channel)],
        category=CATEGORIES[i % len(CATEGORIES)],
        description=FORMULA if i == 7 else f"Phản ánh {i}; liên hệ {NAME} {PHONE}",
        location=Location(11.56, 108.99, f"{i} Thống Nhất", UNITS[i % len(UNITS)]),
        received_at=received,
        status=status,
        contact=Contact(NAME, PHONE, "binh@example.vn"),
        agency=AGENCIES[(i // 3) % len(AGENCIES)],
        title=f"Tiêu đề {i}",
        due_at=due,
        satisfied=None if i % 4 else (i % 8 == 0),
        updated_at=received + timedelta(hours=2),
        stage_started_at=handled_at,
        closed_at=handled_at if status in TERMINAL else None,
        first_contact_at=received + timedelta(minutes=20 + 13 * i) if i % 3 else None,
        forwarded_at=received + timedelta(minutes=50 + 29 * i) if i % 2 else None,
    )
    r.history = [
        Event(1, received, "kenh.web", Role.CHANNEL, Action.SUBMIT, None, Status.NEW, {}),
        Event(
            2,
            received + timedelta(hours=1),
            "ioc.lan",
            Role.OPERATOR,
            Action.FORWARD,
            Status.NEW,
            Status.FORWARDED,
            {},
        ),
    ]
    return r


@pytest.fixture(scope="module")
def pack() -> Jurisdiction:
    return load_pack(default_pack_path())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, pack: Jurisdiction) -> Iterator[LocalStore]:
    opened = LocalStore.open(tmp_path_factory.mktemp("store") / "console.sqlite3")
    opened.load_jurisdiction(pack)
    opened.upsert_reports([made(i) for i in range(250)])
    yield opened
    opened.close()


MARCH = st.Period.month(2025, 3)


def table(ws: Any, first: int) -> tuple[list[str], list[list[Any]]]:
    rows = [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]
    return [str(h) for h in rows[0]], rows[1:]


def figures_of(record: dict[str, Any]) -> list[Any]:
    return [
        record["Tiếp nhận"],
        record["Đã xử lý"],
        record["Đúng hạn"],
        record["Trễ hạn"],
        record["Quá hạn chưa xử lý"],
        record["Đang mở"],
        record["Lượt đánh giá"],
        record["Hài lòng"],
    ]


def values(f: st.Figures) -> list[int]:
    return [f.received, f.handled, f.on_time, f.late, f.overdue, f.open, f.rated, f.satisfied]


@pytest.mark.parametrize("by", list(st.GroupBy))
def test_a_statistics_table_in_excel_holds_the_statistics(
    store: LocalStore, tmp_path: Path, by: st.GroupBy
) -> None:
    rows = st.grouped(store, MARCH, by, NOW)
    path = exports.export_statistics(tmp_path / "thong-ke.xlsx", rows, by, period=MARCH)
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.cell(1, 1).value == f"Thống kê phản ánh theo {st.GROUP_LABELS[by][0].lower()}"
    headers, body = table(ws, header_row(statistics_sheet(rows, by, period=MARCH)))
    assert headers[0] == st.GROUP_LABELS[by][0]
    assert "Tỷ lệ đúng hạn" in headers and "Tỷ lệ hài lòng" in headers
    records = [dict(zip(headers, r, strict=True)) for r in body]
    *groups, total = records
    assert [figures_of(r) for r in groups] == [values(g.figures) for g in rows]
    assert total[headers[0]] == "Tổng cộng"
    assert figures_of(total) == values(st.figures(store, MARCH, NOW))
    for record, group in zip(groups, rows, strict=True):
        rate = group.figures.on_time_rate
        assert record["Tỷ lệ đúng hạn"] == (None if rate is None else pytest.approx(rate))
    if by is st.GroupBy.DAY:
        first = ws.cell(header_row(statistics_sheet(rows, by, period=MARCH)) + 1, 1)
        assert first.is_date and first.value == datetime(2025, 3, 1) and first.number_format == "dd/mm/yyyy"
    else:
        assert [r[headers[0]] for r in groups] == [g.label for g in rows]


def test_a_statistics_table_in_csv_holds_the_statistics(store: LocalStore, tmp_path: Path) -> None:
    rows = st.grouped(store, MARCH, st.GroupBy.AGENCY, NOW)
    path = exports.export_statistics(tmp_path / "thong-ke.csv", rows, "agency")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the Vietnamese right
    with path.open(encoding="utf-8-sig", newline="") as stream:
        records = list(csv.DictReader(stream))
    assert list(records[0])[:3] == ["Đơn vị xử lý", "Tiếp nhận", "Đã xử lý"]
    *groups, total = records
    assert [[int(v) for v in figures_of(r)] for r in groups] == [values(g.figures) for g in rows]
    assert [r["Đơn vị xử lý"] for r in groups] == [g.label for g in rows]
    assert total["Đơn vị xử lý"] == "Tổng cộng"
    for record, group in zip(groups, rows, strict=True):
        rate = group.figures.satisfaction_rate
        shown = record["Tỷ lệ hài lòng (%)"]
        assert shown == ("" if rate is None else f"{rate * 100:.1f}")


def test_a_report_list_has_real_dates_no_contact_and_no_formulas(store: LocalStore, tmp_path: Path) -> None:
    rows = store.query(ReportQuery(sort="received_at", descending=False))
    names = st.names(store)
    path = exports.export_reports(tmp_path / "danh-sach.xlsx", rows, names)
    ws = openpyxl.load_workbook(path).worksheets[0]
    headers, body = table(ws, 1)
    assert headers[:4] == ["Số phản ánh", "Thời điểm tiếp nhận", "Lĩnh vực", "Địa bàn"]
    assert len(body) == 250
    received = ws.cell(2, 2)
    assert received.is_date and received.value == datetime(2025, 3, 1, 6, 0)  # Vietnam's wall clock
    assert received.number_format == "dd/mm/yyyy hh:mm"
    seven = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "PA-2025-000007")
    description = seven[headers.index("Nội dung")]
    assert description.value == FORMULA and description.data_type == "s"
    everything = " ".join(str(c) for r in ws.iter_rows(values_only=True) for c in r if c is not None)
    assert "binh@example.vn" not in everything
    # The queue's row carries no contact; the description is the citizen's own words.
    assert "Trần Thị Bình" in everything
    with_names = exports.export_reports(tmp_path / "danh-sach.csv", rows, names)
    with with_names.open(encoding="utf-8-sig", newline="") as stream:
        records = list(csv.DictReader(stream))
    assert records[0]["Thời điểm tiếp nhận"] == "2025-03-01 06:00"
    assert next(r for r in records if r["Số phản ánh"] == "PA-2025-000007")["Nội dung"] == "'" + FORMULA


def test_the_monthly_report(store: LocalStore, tmp_path: Path) -> None:
    path = exports.monthly_report(tmp_path / "bao-cao-thang-03-2025.xlsx", store, 2025, 3, NOW)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Tổng hợp",
        "Xếp hạng đơn vị",
        "Theo lĩnh vực",
        "Theo huyện thành phố",
        "Theo kênh tiếp nhận",
        "Theo ngày",
    ]
    summary = st.summary(store, MARCH, NOW)
    ws = wb["Tổng hợp"]
    assert ws.cell(1, 1).value == "Báo cáo tình hình tiếp nhận, xử lý phản ánh tháng 03/2025"
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=6, values_only=True)}
    f = summary.figures
    assert rows["Tiếp nhận trong kỳ"][0] == f.received
    assert rows["Đã xử lý"] == (f.handled, pytest.approx(f.handled_rate))
    assert rows["Xử lý đúng hạn"] == (f.on_time, pytest.approx(f.on_time_rate))
    assert rows["Xử lý trễ hạn"][0] == f.late
    assert rows["Quá hạn, chưa xử lý"][0] == f.overdue
    assert rows["Hài lòng"] == (f.satisfied, pytest.approx(f.satisfaction_rate))
    assert rows["Quá hạn hiện tại (mọi kỳ)"][0] == summary.overdue_now
    assert summary.median_first_contact_s is not None
    assert rows["Thời gian đến lần liên hệ đầu tiên (giờ, trung vị)"][0] == pytest.approx(
        summary.median_first_contact_s / 3600, abs=0.01
    )
    ranking = wb["Xếp hạng đơn vị"]
    headers, body = table(ranking, 4)
    league = st.league(store, MARCH, NOW)
    assert [(r[0], r[1]) for r in body] == [(row.rank, row.agency) for row in league]
    assert [r[headers.index("Tỷ lệ đúng hạn")] for r in body] == [
        pytest.approx(row.figures.on_time_rate) if row.figures.on_time_rate is not None else None
        for row in league
    ]
    assert [r[headers.index("Tỷ lệ hài lòng")] for r in body] == [
        pytest.approx(row.figures.satisfaction_rate) if row.figures.satisfaction_rate is not None else None
        for row in league
    ]
    days = wb["Theo ngày"]
    _, body = table(days, 4)
    assert sum(r[1] for r in body[:-1]) == f.received == body[-1][1]
    assert body[0][0] == datetime(2025, 3, 1)


def test_the_handover_as_a_spreadsheet(store: LocalStore, tmp_path: Path) -> None:
    shift = st.Period(datetime(2025, 3, 5, 7, 0, tzinfo=TZ), datetime(2025, 3, 5, 19, 0, tzinfo=TZ))
    handover = st.handover(store, shift, NOW)
    assert handover.came_in and handover.changes and handover.late
    path = exports.export_handover(tmp_path / "ban-giao-ca.xlsx", handover)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Tổng hợp ca",
        "Tiếp nhận trong ca",
        "Thay đổi trạng thái",
        "Quá hạn",
        "Thao tác trong ca",
    ]
    counts = {r[0]: r[1] for r in wb["Tổng hợp ca"].iter_rows(min_row=6, values_only=True)}
    assert counts["Phản ánh tiếp nhận trong ca"] == len(handover.came_in)
    assert counts["Lượt chuyển trạng thái trong ca"] == len(handover.changes)
    assert counts["Phản ánh quá hạn hiện tại"] == len(handover.late)
    sheets = handover_sheets(handover)
    _, came = table(wb["Tiếp nhận trong ca"], header_row(sheets[1]))
    assert [r[0] for r in came] == [i.number for i in handover.came_in]
    _, changes = table(wb["Thay đổi trạng thái"], header_row(sheets[2]))
    assert [(r[0], r[3], r[5]) for r in changes] == [
        (c.number, "chuyển xử lý", "Đã chuyển xử lý") for c in handover.changes
    ]
    # What staff did in the shift, by whom (the channel's submissions are the citizens' own).
    assert counts["Thao tác của cán bộ trong ca"] == len(handover.actions) == len(handover.changes)
    assert counts["  ioc.lan"] == len(handover.actions)
    _, done = table(wb["Thao tác trong ca"], header_row(sheets[4]))
    assert [(r[0], r[2], r[3], r[4]) for r in done] == [
        (c.number, "ioc.lan", "Điều phối viên IOC", "chuyển xử lý") for c in handover.actions
    ]
    everything = " ".join(
        str(c) for ws in wb for r in ws.iter_rows(values_only=True) for c in r if c is not None
    )
    for secret in (NAME, "0905", "777 888", "binh@example.vn"):
        assert secret not in everything
    csv_path = exports.export_handover(tmp_path / "ban-giao-ca.csv", handover)
    with csv_path.open(encoding="utf-8-sig", newline="") as stream:
        assert [r["Số phản ánh"] for r in csv.DictReader(stream)] == [i.number for i in handover.came_in]


def test_an_unwritable_place_is_said_in_both_languages(store: LocalStore, tmp_path: Path) -> None:
    rows = st.grouped(store, MARCH, "category", NOW)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    for name in ("thong-ke.xlsx", "thong-ke.csv"):
        with pytest.raises(exports.ExportError) as caught:
            exports.export_statistics(blocker / name, rows, "category")
        assert caught.value.message("vi").startswith(f"Không ghi được tệp {blocker / name}")
        assert caught.value.message("en").startswith(f"Could not write the file {blocker / name}")
    # A target that cannot be replaced (a folder of that name): nothing half-written is left beside it.
    (tmp_path / "bao-cao.xlsx").mkdir()
    with pytest.raises(exports.ExportError):
        exports.monthly_report(tmp_path / "bao-cao.xlsx", store, 2025, 3, NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao-cao.xlsx", "not-a-folder"]
    with pytest.raises(exports.ExportError) as caught:
        exports.export_statistics(tmp_path / "thong-ke.pdf", rows, "category")
    assert "«.pdf»" in caught.value.message("vi") and "“.pdf”" in caught.value.message("en")


def test_a_new_export_replaces_the_old_file_whole(store: LocalStore, tmp_path: Path) -> None:
    path = tmp_path / "thong-ke.xlsx"
    path.write_bytes(b"old")
    os.chmod(path, 0o644)
    exports.export_statistics(path, st.grouped(store, MARCH, "channel", NOW), "channel")
    assert openpyxl.load_workbook(path).worksheets[0].cell(1, 1).value == "Kênh tiếp nhận"
    assert [p.name for p in tmp_path.iterdir()] == ["thong-ke.xlsx"]


@pytest.mark.parametrize(
    "text",
    [
        'Ngập; =HYPERLINK("http://evil.example","bấm vào")',
        "Ngập;=1+1",
        'Ngập; "@SUM(A1:A9)',
        "Ngập;\n-2+3",
        "Ngập;+cmd|' /C calc'!A0",
    ],
)
def test_a_formula_after_a_semicolon_is_not_run_where_it_separates_cells(tmp_path: Path, text: str) -> None:
    """A spreadsheet set to a locale whose list separator is ';' cuts the cell there."""
    from ioc_console.exports.delimited import write_csv
    from ioc_console.exports.tables import Column, Kind, Sheet

    path = write_csv(tmp_path / "x.csv", Sheet("x", [Column("Nội dung", Kind.UNTRUSTED)], [[text]]))
    raw = path.read_bytes().decode("utf-8-sig")
    for piece in raw.split("\r\n", 1)[1].split(";")[1:]:
        assert not piece.lstrip(' "\n').startswith(("=", "+", "-", "@")), raw
    # Nothing else is lost: the words around it are all there.
    with path.open(encoding="utf-8-sig", newline="") as stream:
        (cell,) = next(iter(csv.DictReader(stream))).values()
    assert cell.replace("'", "") == text.replace("'", "")

"""The tables an export holds, independent of the file format: titles in Vietnamese, typed columns.

A :class:`Sheet` is a title, columns (a Vietnamese header, a kind and a width) and rows of plain
values; :mod:`ioc_console.exports.excel` and :mod:`ioc_console.exports.delimited` write it. Instants
are shown in the jurisdiction's time (:data:`ioc_console.store.statistics.TZ`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ioc_console.domain.lifecycle import Action, Role, Status
from ioc_console.store.queries import ReportRow
from ioc_console.store.statistics import (
    GROUP_LABELS,
    TZ,
    Figures,
    GroupBy,
    GroupRow,
    Handover,
    HandoverItem,
    LeagueRow,
    Names,
    Period,
    Summary,
)


class Kind(StrEnum):
    TEXT = "text"
    #: Citizen's or staff's text: never read as a formula.
    UNTRUSTED = "untrusted"
    INT = "int"
    NUMBER = "number"
    PERCENT = "percent"
    DATETIME = "datetime"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = Kind.TEXT
    width: int = 14


@dataclass(frozen=True)
class Cell:
    """A value whose kind differs from its column's (a summary sheet mixes counts and rates)."""

    value: Any
    kind: Kind


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    #: Lines above the table (the report's title, its period...).
    heading: list[str] = field(default_factory=list)


def local(value: datetime | None) -> datetime | None:
    """An instant as the jurisdiction's wall-clock time, without a zone (what a spreadsheet keeps)."""
    if value is None:
        return None
    return value.astimezone(TZ).replace(tzinfo=None)


def period_line(period: Period) -> str:
    start = period.start.astimezone(TZ)
    end = period.end.astimezone(TZ)
    return f"Từ {start:%H:%M %d/%m/%Y} đến trước {end:%H:%M %d/%m/%Y} (giờ Việt Nam)"


FIGURE_COLUMNS: tuple[Column, ...] = (
    Column("Tiếp nhận", Kind.INT, 11),
    Column("Đã xử lý", Kind.INT, 11),
    Column("Tỷ lệ đã xử lý", Kind.PERCENT, 13),
    Column("Đúng hạn", Kind.INT, 11),
    Column("Trễ hạn", Kind.INT, 11),
    Column("Quá hạn chưa xử lý", Kind.INT, 14),
    Column("Tỷ lệ đúng hạn", Kind.PERCENT, 13),
    Column("Đang mở", Kind.INT, 11),
    Column("Lượt đánh giá", Kind.INT, 12),
    Column("Hài lòng", Kind.INT, 11),
    Column("Tỷ lệ hài lòng", Kind.PERCENT, 13),
)


def figure_values(f: Figures) -> list[Any]:
    return [
        f.received,
        f.handled,
        f.handled_rate,
        f.on_time,
        f.late,
        f.overdue,
        f.on_time_rate,
        f.open,
        f.rated,
        f.satisfied,
        f.satisfaction_rate,
    ]


def total(rows: Iterable[GroupRow]) -> Figures:
    sums = [0] * 8
    for row in rows:
        f = row.figures
        for i, v in enumerate(
            (f.received, f.handled, f.on_time, f.late, f.overdue, f.open, f.rated, f.satisfied)
        ):
            sums[i] += v
    return Figures(*sums)


def statistics_sheet(
    rows: Sequence[GroupRow], by: GroupBy | str, *, title: str = "", period: Period | None = None
) -> Sheet:
    """A statistics table: one row per group and a total row."""
    by = GroupBy(by)
    first = Column(
        GROUP_LABELS[by][0],
        Kind.DATE if by is GroupBy.DAY else Kind.UNTRUSTED,
        12 if by is GroupBy.DAY else 36,
    )
    sheet = Sheet(title or f"Theo {GROUP_LABELS[by][0].lower()}", [first, *FIGURE_COLUMNS])
    if period is not None:
        sheet.heading = [f"Thống kê phản ánh theo {GROUP_LABELS[by][0].lower()}", period_line(period)]
    for row in rows:
        key = row.key if isinstance(row.key, date) else row.label
        sheet.rows.append([key, *figure_values(row.figures)])
    sheet.rows.append([Cell("Tổng cộng", Kind.TEXT), *figure_values(total(rows))])
    return sheet


LEAGUE_COLUMNS: tuple[Column, ...] = (
    Column("Hạng", Kind.INT, 7),
    Column("Mã đơn vị", Kind.TEXT, 12),
    Column("Đơn vị xử lý", Kind.UNTRUSTED, 40),
    *FIGURE_COLUMNS,
    Column("Quá hạn hiện tại", Kind.INT, 13),
)


def league_sheet(rows: Sequence[LeagueRow], *, period: Period | None = None) -> Sheet:
    """The agencies ranked by their on-time rate, then satisfaction."""
    sheet = Sheet("Xếp hạng đơn vị", list(LEAGUE_COLUMNS))
    if period is not None:
        sheet.heading = ["Xếp hạng đơn vị xử lý theo tỷ lệ đúng hạn và mức độ hài lòng", period_line(period)]
    for row in rows:
        sheet.rows.append([row.rank, row.agency, row.name, *figure_values(row.figures), row.overdue_now])
    return sheet


def _hours(seconds: float | None) -> Any:
    return None if seconds is None else Cell(round(seconds / 3600.0, 2), Kind.NUMBER)


def summary_sheet(s: Summary, *, title: str = "Tổng hợp", heading: str = "Tổng hợp phản ánh") -> Sheet:
    f = s.figures
    sheet = Sheet(
        title,
        [
            Column("Chỉ tiêu", Kind.TEXT, 46),
            Column("Số lượng", Kind.INT, 14),
            Column("Tỷ lệ", Kind.PERCENT, 12),
        ],
        heading=[heading, period_line(s.period), f"Số liệu tại thời điểm {local(s.now):%H:%M %d/%m/%Y}"],
    )
    sheet.rows = [
        ["Tiếp nhận trong kỳ", f.received, None],
        ["Đã xử lý", f.handled, f.handled_rate],
        ["Xử lý đúng hạn", f.on_time, f.on_time_rate],
        ["Xử lý trễ hạn", f.late, None],
        ["Quá hạn, chưa xử lý", f.overdue, None],
        ["Đang mở", f.open, None],
        ["Lượt đánh giá của người dân", f.rated, None],
        ["Hài lòng", f.satisfied, f.satisfaction_rate],
        ["Đang mở hiện tại (mọi kỳ)", s.open_now, None],
        ["Quá hạn hiện tại (mọi kỳ)", s.overdue_now, None],
        ["Thời gian đến lần liên hệ đầu tiên (giờ, trung vị)", _hours(s.median_first_contact_s), None],
        ["Thời gian đến khi chuyển xử lý (giờ, trung vị)", _hours(s.median_forwarding_s), None],
    ]
    return sheet


REPORT_COLUMNS: tuple[Column, ...] = (
    Column("Số phản ánh", Kind.TEXT, 17),
    Column("Thời điểm tiếp nhận", Kind.DATETIME, 17),
    Column("Lĩnh vực", Kind.UNTRUSTED, 24),
    Column("Địa bàn", Kind.UNTRUSTED, 24),
    Column("Kênh tiếp nhận", Kind.TEXT, 16),
    Column("Trạng thái", Kind.TEXT, 16),
    Column("Đơn vị xử lý", Kind.UNTRUSTED, 30),
    Column("Mức ưu tiên", Kind.TEXT, 12),
    Column("Hạn trả lời", Kind.DATETIME, 17),
    Column("Cập nhật lúc", Kind.DATETIME, 17),
    Column("Tiêu đề", Kind.UNTRUSTED, 30),
    Column("Nội dung", Kind.UNTRUSTED, 60),
    Column("Địa chỉ", Kind.UNTRUSTED, 30),
)


def reports_sheet(rows: Iterable[ReportRow], names: Names, *, title: str = "Danh sách phản ánh") -> Sheet:
    """A list of reports (as the queue shows them; no citizen's contact)."""
    sheet = Sheet(title, list(REPORT_COLUMNS))
    for r in rows:
        sheet.rows.append(
            [
                r.number,
                local(r.received_at),
                names.category(r.category),
                names.unit(r.unit_code) if r.unit_code else "",
                r.channel.label("vi"),
                r.status.label("vi"),
                names.agency(r.agency) if r.agency else "",
                r.priority.label("vi"),
                local(r.due_at),
                local(r.updated_at),
                r.title,
                r.description,
                r.address,
            ]
        )
    return sheet


ITEM_COLUMNS: tuple[Column, ...] = (
    Column("Số phản ánh", Kind.TEXT, 17),
    Column("Thời điểm tiếp nhận", Kind.DATETIME, 17),
    Column("Lĩnh vực", Kind.UNTRUSTED, 24),
    Column("Địa bàn", Kind.UNTRUSTED, 24),
    Column("Đơn vị xử lý", Kind.UNTRUSTED, 30),
    Column("Trạng thái", Kind.TEXT, 16),
    Column("Hạn trả lời", Kind.DATETIME, 17),
    Column("Nội dung (tóm tắt)", Kind.UNTRUSTED, 60),
)


def _item(i: HandoverItem) -> list[Any]:
    return [
        i.number,
        local(i.received_at),
        i.category_name,
        i.unit_name,
        i.agency_name,
        i.status.label("vi"),
        local(i.due_at),
        i.text,
    ]


def _status(value: Status | None) -> str:
    return "" if value is None else value.label("vi")


def _action(value: str) -> str:
    try:
        return Action(value).label("vi")
    except ValueError:
        return value


def handover_sheets(h: Handover) -> list[Sheet]:
    """The shift handover: a summary, what came in, the status changes, what is late now, and every
    action staff took in the shift (by whom)."""
    line = period_line(h.period)
    at = f"Số liệu tại thời điểm {local(h.now):%H:%M %d/%m/%Y}"
    summary = Sheet(
        "Tổng hợp ca",
        [Column("Nội dung", Kind.TEXT, 44), Column("Số lượng", Kind.INT, 12)],
        heading=["Báo cáo bàn giao ca trực", line, at],
    )
    summary.rows = [
        ["Phản ánh tiếp nhận trong ca", len(h.came_in)],
        ["Lượt chuyển trạng thái trong ca", len(h.changes)],
        *[
            [f"  Chuyển sang «{s.label('vi')}»", n]
            for s, n in sorted(h.changed_to.items(), key=lambda x: list(Status).index(x[0]))
        ],
        ["Phản ánh quá hạn hiện tại", max(h.late_total, len(h.late))],
        ["Thao tác của cán bộ trong ca", len(h.actions)],
        *[[f"  {person}", n] for person, n in h.by_actor.items()],
    ]
    came = Sheet(
        "Tiếp nhận trong ca",
        list(ITEM_COLUMNS),
        [_item(i) for i in h.came_in],
        [f"Phản ánh tiếp nhận trong ca — {line}"],
    )
    changes = Sheet(
        "Thay đổi trạng thái",
        [
            Column("Số phản ánh", Kind.TEXT, 17),
            Column("Thời điểm", Kind.DATETIME, 17),
            Column("Người thực hiện", Kind.UNTRUSTED, 20),
            Column("Thao tác", Kind.TEXT, 24),
            Column("Từ trạng thái", Kind.TEXT, 18),
            Column("Sang trạng thái", Kind.TEXT, 18),
        ],
        [
            [
                c.number,
                local(c.at),
                c.actor_name or c.actor,
                _action(c.action),
                _status(c.from_status),
                _status(c.to_status),
            ]
            for c in h.changes
        ],
        [f"Thay đổi trạng thái trong ca — {line}"],
    )
    late = Sheet(
        "Quá hạn", list(ITEM_COLUMNS), [_item(i) for i in h.late], [f"Phản ánh quá hạn trả lời — {at}"]
    )
    done = Sheet(
        "Thao tác trong ca",
        [
            Column("Số phản ánh", Kind.TEXT, 17),
            Column("Thời điểm", Kind.DATETIME, 17),
            Column("Người thực hiện", Kind.UNTRUSTED, 24),
            Column("Vai trò", Kind.TEXT, 20),
            Column("Thao tác", Kind.TEXT, 26),
            Column("Trạng thái sau đó", Kind.TEXT, 18),
        ],
        [
            [
                c.number,
                local(c.at),
                c.actor_name or c.actor,
                _role(c.role),
                _action(c.action),
                _status(c.to_status),
            ]
            for c in h.actions
        ],
        [f"Thao tác của cán bộ trong ca — {line}"],
    )
    return [summary, came, changes, late, done]


def _role(value: str) -> str:
    try:
        return Role(value).label("vi")
    except ValueError:
        return value

"""The printed reports: the shift handover and the monthly report as documents, and their file names.

Both hold the same tables as their workbooks (:mod:`ioc_console.exports.tables`); this module adds
what paper needs: a title, the lines under it, the running head of every page (the province and the
shift or month) and a default file name that says which shift or month it is, so that one shift's
file does not overwrite the last.
"""

from __future__ import annotations

from datetime import datetime

from ioc_console.exports.pdf import PrintedReport
from ioc_console.exports.tables import Sheet, handover_sheets, local, period_line
from ioc_console.store.statistics import TZ, Handover, Period


def _at(value: datetime) -> str:
    moment = local(value)
    assert moment is not None
    return f"{moment:%d/%m/%Y %H:%M}"


def shift_words(period: Period) -> str:
    """ "05/12/2026 17:41 – 06/12/2026 01:41" (the jurisdiction's time)."""
    return f"{_at(period.start)} – {_at(period.end)}"


def handover_document(handover: Handover, province: str) -> PrintedReport:
    """The handover on paper: the workbook's tables, the shift and the province on every page."""
    sheets = handover_sheets(handover)
    summary = sheets[0]
    # The summary's heading lines are the document's own (title, shift, made at).
    body = [Sheet(summary.title, summary.columns, summary.rows, ["Tổng hợp ca"]), *sheets[1:]]
    place = f"{province} · " if province else ""
    return PrintedReport(
        title="BÁO CÁO GIAO CA",
        running_head=f"{place}Báo cáo giao ca · Ca {shift_words(handover.period)}",
        sheets=body,
        lines=[
            *([province] if province else []),
            f"Ca từ {_at(handover.period.start)} đến {_at(handover.period.end)} (giờ Việt Nam)",
            f"Lập lúc {_at(handover.now)}",
        ],
    )


def monthly_document(
    sheets: list[Sheet], year: int, month: int, now: datetime, province: str
) -> PrintedReport:
    """The monthly report on paper (the sheets of :func:`ioc_console.exports.monthly_sheets`)."""
    place = f"{province} · " if province else ""
    period = Period.month(year, month)
    first = sheets[0] if sheets else None
    if first is not None and first.heading:
        # The summary's heading lines are the document's own (title, period, made at).
        sheets = [Sheet(first.title, first.columns, first.rows, ["Tổng hợp"]), *sheets[1:]]
    return PrintedReport(
        title=f"BÁO CÁO THÁNG {month:02d}/{year}",
        running_head=f"{place}Báo cáo tình hình tiếp nhận, xử lý phản ánh tháng {month:02d}/{year}",
        sheets=sheets,
        lines=[
            *([province] if province else []),
            period_line(period),
            f"Số liệu tại thời điểm {_at(now)}",
        ],
    )


def handover_file_name(period: Period, suffix: str = ".pdf") -> str:
    """ "giao-ca-2026-12-05-1741-0141.pdf": the shift's first day and its hours (local time)."""
    start, end = period.start.astimezone(TZ), period.end.astimezone(TZ)
    name = f"giao-ca-{start:%Y-%m-%d-%H%M}-{end:%H%M}"
    if end.date() != start.date() and (end - start).days >= 1:
        name = f"giao-ca-{start:%Y-%m-%d-%H%M}-{end:%Y-%m-%d-%H%M}"
    return name + suffix


def monthly_file_name(year: int, month: int, suffix: str = ".pdf") -> str:
    return f"bao-cao-thang-{year}-{month:02d}{suffix}"


__all__ = [
    "handover_document",
    "handover_file_name",
    "monthly_document",
    "monthly_file_name",
    "shift_words",
]

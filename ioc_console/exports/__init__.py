"""Exports of statistics, report lists, the monthly report and the shift handover: Excel, CSV, PDF.

Pure Python (openpyxl, csv, fpdf2): no Qt, no hub. Every file is written atomically (a temporary file beside
it, renamed over it) and a folder that refuses the file raises :class:`ExportError` with a Vietnamese
and an English message. The format follows the file's suffix: ``.xlsx``, ``.csv`` or (the monthly report and the
handover) ``.pdf``, printed for A4 paper by :mod:`ioc_console.exports.pdf`.

* :func:`export_statistics` — a table of :func:`ioc_console.store.statistics.grouped` rows.
* :func:`export_league` — the agencies' league.
* :func:`export_reports` — a list of the queue's :class:`~ioc_console.store.ReportRow`.
* :func:`monthly_report` — one month: summary, agencies ranked, by category, by district, by
  channel and by day (``.xlsx`` or ``.pdf``).
* :func:`export_handover` — the shift handover: a workbook of five sheets, the same as a PDF, or CSV
  of what came in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from ioc_console.exports.delimited import write_csv
from ioc_console.exports.errors import ExportError
from ioc_console.exports.excel import write_xlsx
from ioc_console.exports.pdf import PrintedReport, write_pdf
from ioc_console.exports.printed import (
    handover_document,
    handover_file_name,
    monthly_document,
    monthly_file_name,
)
from ioc_console.exports.tables import (
    Sheet,
    handover_sheets,
    league_sheet,
    reports_sheet,
    statistics_sheet,
    summary_sheet,
)
from ioc_console.store.local import LocalStore
from ioc_console.store.queries import ReportRow
from ioc_console.store.statistics import (
    GroupBy,
    GroupRow,
    Handover,
    LeagueRow,
    Names,
    Period,
    grouped,
    league,
    summary,
)

SUFFIXES = (".xlsx", ".csv")


def _write(path: Path | str, sheets: Sequence[Sheet]) -> Path:
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        return write_xlsx(target, sheets)
    if suffix == ".csv":
        return write_csv(target, sheets[0])
    raise ExportError(target, suffix or target.name, code="export.format")


def export_statistics(
    path: Path | str, rows: Sequence[GroupRow], by: GroupBy | str, *, period: Period | None = None
) -> Path:
    return _write(path, [statistics_sheet(rows, by, period=period)])


def export_league(path: Path | str, rows: Sequence[LeagueRow], *, period: Period | None = None) -> Path:
    return _write(path, [league_sheet(rows, period=period)])


def export_reports(path: Path | str, rows: Iterable[ReportRow], names: Names) -> Path:
    return _write(path, [reports_sheet(rows, names)])


def monthly_sheets(store: LocalStore, year: int, month: int, now: datetime) -> list[Sheet]:
    period = Period.month(year, month)
    title = f"Báo cáo tình hình tiếp nhận, xử lý phản ánh tháng {month:02d}/{year}"
    sheets = [summary_sheet(summary(store, period, now), heading=title)]
    sheets.append(league_sheet(league(store, period, now), period=period))
    for by in (GroupBy.CATEGORY, GroupBy.DISTRICT, GroupBy.CHANNEL, GroupBy.DAY):
        sheets.append(statistics_sheet(grouped(store, period, by, now), by, period=period))
    return sheets


def monthly_report(
    path: Path | str, store: LocalStore, year: int, month: int, now: datetime, *, province: str = ""
) -> Path:
    """The month's report (received, handled, on time, late, agencies ranked...) as a workbook or a
    PDF (``province`` is printed on every page)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".pdf":
        sheets = monthly_sheets(store, year, month, now)
        return write_pdf(target, monthly_document(sheets, year, month, now, province))
    if suffix != ".xlsx":
        raise ExportError(target, target.suffix or target.name, code="export.format_report")
    return write_xlsx(target, monthly_sheets(store, year, month, now))


def export_handover(path: Path | str, handover: Handover, *, province: str = "") -> Path:
    """The handover as a workbook (summary, came in, changes, late, actions), the same printed as a
    PDF (``province`` on every page), or, as CSV, what came in."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        return write_pdf(path, handover_document(handover, province))
    sheets = handover_sheets(handover)
    if suffix == ".csv":
        return write_csv(path, sheets[1])
    return _write(path, sheets)


__all__ = [
    "SUFFIXES",
    "ExportError",
    "PrintedReport",
    "Sheet",
    "export_handover",
    "export_league",
    "export_reports",
    "export_statistics",
    "handover_file_name",
    "monthly_file_name",
    "monthly_report",
    "monthly_sheets",
    "write_csv",
    "write_pdf",
    "write_xlsx",
]

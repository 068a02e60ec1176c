"""Sheets to an Excel workbook (openpyxl): bold headers, real dates, percentages, frozen header row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ioc_console.exports.errors import ExportError
from ioc_console.exports.files import atomic_path
from ioc_console.exports.tables import Cell, Kind, Sheet

FORMATS = {
    Kind.INT: "#,##0",
    Kind.NUMBER: "#,##0.00",
    Kind.PERCENT: "0.0%",
    Kind.DATETIME: "dd/mm/yyyy hh:mm",
    Kind.DATE: "dd/mm/yyyy",
}
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_BAD = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_title(title: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\), unique in the workbook."""
    base = " ".join(title.translate(_BAD).split())[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _put(ws: Any, row: int, column: int, value: Any, kind: Kind) -> None:
    if isinstance(value, Cell):
        value, kind = value.value, value.kind
    if value is None:
        return
    cell = ws.cell(row=row, column=column)
    if kind in (Kind.TEXT, Kind.UNTRUSTED) or isinstance(value, str):
        text = str(value)
        cell.value = text
        # openpyxl reads a string starting with "=" as a formula: citizens' text never is one.
        cell.data_type = "s"
        if kind is Kind.UNTRUSTED:
            cell.alignment = Alignment(wrap_text=False, vertical="top")
        return
    if isinstance(value, datetime) and value.tzinfo is not None:
        raise ValueError("spreadsheet datetimes are local wall-clock times: convert with tables.local()")
    cell.value = value
    fmt = FORMATS.get(kind)
    if fmt is None and isinstance(value, datetime):
        fmt = FORMATS[Kind.DATETIME]
    elif fmt is None and isinstance(value, date):
        fmt = FORMATS[Kind.DATE]
    if fmt is not None:
        cell.number_format = fmt


def add_sheet(wb: Any, sheet: Sheet, taken: set[str]) -> Any:
    ws = wb.create_sheet(sheet_title(sheet.title, taken))
    row = 1
    for i, line in enumerate(sheet.heading):
        cell = ws.cell(row=row, column=1, value=line)
        cell.data_type = "s"
        cell.font = Font(bold=i == 0, size=14 if i == 0 else 11)
        row += 1
    if sheet.heading:
        row += 1
    header_row = row
    for c, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=row, column=c, value=column.title)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = column.width
    for values in sheet.rows:
        row += 1
        for c, (column, value) in enumerate(zip(sheet.columns, values, strict=False), start=1):
            _put(ws, row, c, value, column.kind)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if sheet.rows:
        last = get_column_letter(len(sheet.columns))
        ws.auto_filter.ref = f"A{header_row}:{last}{row}"
    return ws


def header_row(sheet: Sheet) -> int:
    """The row (1-based) of the sheet's column headers in the workbook written from it."""
    return len(sheet.heading) + 2 if sheet.heading else 1


def write_xlsx(path: Path | str, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` as one workbook at ``path``, atomically; :class:`ExportError` if it cannot."""
    target = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for sheet in sheets:
        add_sheet(wb, sheet, taken)
    if not sheets:
        wb.create_sheet("Trống")
    with atomic_path(target) as temporary:
        try:
            wb.save(temporary)
        except OSError as error:
            raise ExportError(target, error.strerror or type(error).__name__) from error
    return target

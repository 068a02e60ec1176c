"""Sheets to CSV: UTF-8 with a byte-order mark (Excel then reads Vietnamese right), comma-separated.

Dates as ``YYYY-MM-DD HH:MM`` in Vietnam's time, percentages as numbers from 0 to 100 with one decimal;
text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``...) is prefixed with ``'``, at
the cell's start and after every ``;`` in it (a spreadsheet set to a locale whose list separator is
``;`` splits the cell there, and would run what follows).
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from ioc_console.exports.files import write_text
from ioc_console.exports.tables import Cell, Kind, Sheet

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A formula starting after a ``;`` (spaces, quotes or a line break between them too).
_FORMULA_AFTER_SEPARATOR = re.compile(r"(;[\s\"']*)(?=[=+\-@\t\r])")


def csv_value(value: Any, kind: Kind) -> str:
    if isinstance(value, Cell):
        value, kind = value.value, value.kind
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if kind is Kind.PERCENT and isinstance(value, (int, float)):
        return f"{value * 100:.1f}"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if ";" in text:
        text = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", text)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def header(column_title: str, kind: Kind) -> str:
    return f"{column_title} (%)" if kind is Kind.PERCENT else column_title


def write_csv(path: Path | str, sheet: Sheet) -> Path:
    """Write one sheet's table (its header and rows, not its heading lines) as CSV, atomically."""

    def write(stream: IO[str]) -> None:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow([header(c.title, c.kind) for c in sheet.columns])
        for values in sheet.rows:
            writer.writerow([csv_value(v, c.kind) for c, v in zip(sheet.columns, values, strict=False)])

    return write_text(path, write)

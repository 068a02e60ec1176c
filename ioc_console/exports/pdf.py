"""Sheets printed to an A4 PDF (fpdf2, no Qt): what a supervisor files or hands to the next shift.

The same :class:`~ioc_console.exports.tables.Sheet` tables as the workbooks, laid out to be read on
paper: A4, portrait unless a table is too wide for it (then landscape), text of 9 pt or more,
long cells wrapped inside their column, each table's header row repeated on every page it runs
onto, and on every page a running head (the province and what the report covers) and the page's
number ("Trang 2/5"). The fonts are embedded (DejaVu Sans Condensed, shipped in ``resources/fonts``)
so that Vietnamese prints the same on any machine. Text from reports is printed as plain text
(never read as markup); characters the font has no glyph for are printed as "?".
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from ioc_console.exports.errors import ExportError
from ioc_console.exports.files import atomic_path
from ioc_console.exports.tables import Cell, Kind, Sheet
from ioc_console.resources import resource_path

FAMILY = "DejaVuCondensed"
_FONT_FILES = {"": "DejaVuSansCondensed.ttf", "B": "DejaVuSansCondensed-Bold.ttf"}
#: Sizes in points: nothing in a printed report is smaller than :data:`BODY_PT`.
BODY_PT = 9.0
HEADING_PT = 11.0
TITLE_PT = 14.0
MARGIN_MM = 12.0
#: About how wide one unit of a column's (spreadsheet) width prints at :data:`BODY_PT`.
_MM_PER_UNIT = 1.75
#: A table wider than this part of the portrait page's width turns the document landscape.
_PORTRAIT_SLACK = 1.2
_HEADER_FILL = (221, 230, 240)
_RIGHT = frozenset({Kind.INT, Kind.NUMBER, Kind.PERCENT})


@dataclass
class PrintedReport:
    """A document: a title, lines under it, tables, and the running head printed on every page."""

    title: str
    #: Printed at the top of every page: the province and what the report covers (the shift, the month).
    running_head: str
    sheets: Sequence[Sheet]
    lines: list[str] = field(default_factory=list)
    #: None: landscape only when a table does not fit the portrait page.
    landscape: bool | None = None
    lang: str = "vi"


@functools.cache
def _font_path(style: str) -> Path:
    return resource_path("fonts", _FONT_FILES[style])


@functools.cache
def _glyphs() -> frozenset[int]:
    """The code points the regular font can print."""
    probe = FPDF()
    try:
        probe.add_font(FAMILY, "", str(_font_path("")))
        font = probe.fonts[FAMILY.lower()]
        return frozenset(getattr(font, "cmap", ()))
    finally:
        _close_fonts(probe)


def _close_fonts(pdf: FPDF) -> None:
    """fpdf2 reads its fonts lazily from their files, and leaves them open."""
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is not None:
            ttfont.close()


def printable(text: str) -> str:
    """``text`` composed (NFC), on one line per paragraph, with characters the font lacks as "?"."""
    known = _glyphs()
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in "\n\t":
            out.append(" " if ch == "\t" else ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(ch if ord(ch) in known else "?")
    return "".join(out)


def _number(value: float, decimals: int, lang: str) -> str:
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_value(value: Any, kind: Kind, lang: str = "vi") -> str:
    """A cell as printed: Vietnamese (or English) numbers, percentages and dates."""
    if isinstance(value, Cell):
        value, kind = value.value, value.kind
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if kind is Kind.PERCENT and isinstance(value, int | float):
        return _number(value * 100.0, 1, lang) + " %"
    if kind is Kind.INT and isinstance(value, int | float):
        return _number(value, 0, lang)
    if kind is Kind.NUMBER and isinstance(value, int | float):
        return _number(value, 2, lang)
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return printable(str(value))


def _natural_width(sheet: Sheet) -> float:
    return sum(c.width for c in sheet.columns) * _MM_PER_UNIT


class _Document(FPDF):
    def __init__(self, report: PrintedReport, landscape: bool, pages: int) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.report = report
        #: The document's page count, known from a first layout (no alias that a report's text
        #: could contain is replaced in the written file).
        self.page_total = pages
        self.str_alias_nb_pages = ""  # fpdf2 would put the page count for "{nb}" anywhere
        for style, _name in _FONT_FILES.items():
            self.add_font(FAMILY, style, str(_font_path(style)))
        self.set_margins(MARGIN_MM, MARGIN_MM + 8, MARGIN_MM)
        self.set_auto_page_break(True, margin=MARGIN_MM + 6)
        self.set_title(printable(report.title))
        self.set_creator("IOC Console")
        self.set_lang("vi" if report.lang == "vi" else "en")

    def header(self) -> None:
        self.set_font(FAMILY, "", BODY_PT)
        self.set_text_color(60, 60, 60)
        self.set_xy(MARGIN_MM, MARGIN_MM)
        self.cell(self.epw, 5, printable(self.report.running_head), align="L")
        self.set_draw_color(150, 150, 150)
        self.line(MARGIN_MM, MARGIN_MM + 5.5, self.w - MARGIN_MM, MARGIN_MM + 5.5)
        self.set_text_color(0, 0, 0)
        self.set_xy(MARGIN_MM, MARGIN_MM + 8)

    def footer(self) -> None:
        self.set_y(-(MARGIN_MM + 2))
        self.set_font(FAMILY, "", BODY_PT)
        self.set_text_color(60, 60, 60)
        words = "Trang" if self.report.lang == "vi" else "Page"
        self.cell(self.epw, 5, f"{words} {self.page_no()}/{self.page_total}", align="C")
        self.set_text_color(0, 0, 0)


_PAD_X = 1.2
#: A column's header up to this wide (mm) is kept on one line.
_ONE_LINE_HEADER = 16.0
#: Kinds whose values are never broken across lines (numbers, counts, dates, codes and labels).
_WRAPPED = frozenset({Kind.UNTRUSTED})


def column_widths(pdf: FPDF, sheet: Sheet, lang: str, available: float) -> tuple[float, ...]:
    """Widths (mm) of a table's columns: a column of numbers, dates or codes as wide as its widest
    value (so that a report number or a time is never broken), the columns of free text sharing the
    rest in proportion to their nominal widths; all in proportion when even that does not fit."""
    pdf.set_font(FAMILY, "", BODY_PT)
    natural = [c.width * _MM_PER_UNIT for c in sheet.columns]
    needed: list[float] = []
    for i, column in enumerate(sheet.columns):
        # Headers in bold: a short one on one line, a long one broken between its words.
        title = printable(column.title)
        pdf.set_font(FAMILY, "B", BODY_PT)
        widest = max(pdf.get_string_width(w) for w in title.split() or [""])
        if pdf.get_string_width(title) <= _ONE_LINE_HEADER:
            widest = pdf.get_string_width(title)
        pdf.set_font(FAMILY, "", BODY_PT)
        if column.kind not in _WRAPPED:
            for values in sheet.rows:
                value = values[i] if i < len(values) else None
                widest = max(widest, pdf.get_string_width(format_value(value, column.kind, lang)))
        needed.append(widest + 2 * _PAD_X + 0.6)
    fixed = [
        max(need, 13.0 if c.kind in _RIGHT else 10.0) if c.kind not in _WRAPPED else 0.0
        for c, need in zip(sheet.columns, needed, strict=True)
    ]
    free = [n if c.kind in _WRAPPED else 0.0 for c, n in zip(sheet.columns, natural, strict=True)]
    rest = min(available, sum(fixed) + sum(free)) - sum(fixed)
    wrapped = sum(1 for f in free if f)
    if rest >= 20.0 * wrapped and (wrapped or rest >= 0):
        return tuple(f if not n else rest * n / sum(free) for f, n in zip(fixed, free, strict=True))
    scale = available / sum(natural)
    return tuple(n * scale for n in natural)


def _table(pdf: _Document, sheet: Sheet, lang: str) -> None:
    widths = column_widths(pdf, sheet, lang, pdf.epw)
    width = sum(widths)
    align = tuple("RIGHT" if c.kind in _RIGHT else "LEFT" for c in sheet.columns)
    pdf.set_font(FAMILY, "", BODY_PT)
    with pdf.table(
        col_widths=widths,
        width=width,
        align="LEFT",
        text_align=align,
        line_height=BODY_PT * 0.3528 * 1.25,
        padding=(0.8, _PAD_X),
        v_align="TOP",
        headings_style=FontFace(emphasis="B", fill_color=_HEADER_FILL),
        repeat_headings=1,
    ) as table:
        head = table.row()
        for column in sheet.columns:
            head.cell(printable(column.title), align="LEFT")
        for values in sheet.rows:
            row = table.row()
            for i, column in enumerate(sheet.columns):
                value = values[i] if i < len(values) else None
                row.cell(format_value(value, column.kind, lang))


def _none(lang: str) -> str:
    return "Không có." if lang == "vi" else "None."


def render(report: PrintedReport) -> bytes:
    """The document's PDF bytes."""
    portrait_width = 210.0 - 2 * MARGIN_MM
    landscape = report.landscape
    if landscape is None:
        widest = max((_natural_width(s) for s in report.sheets), default=0.0)
        landscape = widest > portrait_width * _PORTRAIT_SLACK
    pages = 0
    for _layout in range(2):  # the first layout counts the pages, the second numbers them
        pdf = _Document(report, landscape, pages)
        try:
            data = _lay_out(pdf, report)
        finally:
            _close_fonts(pdf)
        pages = pdf.pages_count
    return data


def _lay_out(pdf: _Document, report: PrintedReport) -> bytes:
    pdf.add_page()
    pdf.set_font(FAMILY, "B", TITLE_PT)
    pdf.multi_cell(pdf.epw, TITLE_PT * 0.3528 * 1.3, printable(report.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", BODY_PT + 1)
    for line in report.lines:
        pdf.multi_cell(pdf.epw, (BODY_PT + 1) * 0.3528 * 1.35, printable(line), new_x="LMARGIN", new_y="NEXT")
    for sheet in report.sheets:
        pdf.ln(3)
        headings = sheet.heading or [sheet.title]
        # A heading is not left alone at the foot of a page.
        if pdf.will_page_break(50):
            pdf.add_page()
        pdf.set_font(FAMILY, "B", HEADING_PT)
        pdf.multi_cell(
            pdf.epw, HEADING_PT * 0.3528 * 1.35, printable(headings[0]), new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font(FAMILY, "", BODY_PT)
        for line in headings[1:]:
            pdf.multi_cell(pdf.epw, BODY_PT * 0.3528 * 1.35, printable(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        if sheet.rows:
            _table(pdf, sheet, report.lang)
        else:
            pdf.multi_cell(
                pdf.epw, BODY_PT * 0.3528 * 1.35, _none(report.lang), new_x="LMARGIN", new_y="NEXT"
            )
    return bytes(pdf.output())


def write_pdf(path: Path | str, report: PrintedReport) -> Path:
    """Write ``report`` as a PDF at ``path``, atomically; :class:`ExportError` if it cannot."""
    target = Path(path)
    data = render(report)
    with atomic_path(target) as temporary:
        try:
            temporary.write_bytes(data)
        except OSError as error:
            raise ExportError(target, error.strerror or type(error).__name__) from error
    return target


__all__ = ["BODY_PT", "PrintedReport", "format_value", "printable", "render", "write_pdf"]

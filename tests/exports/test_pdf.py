"""The printed handover and monthly report, read back as a reader of the PDF gets them (pypdf): A4,
nothing smaller than 9 pt, every report number whole, the province and the shift on every page,
numbered pages, more pages for more content."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from ioc_console import exports
from ioc_console.demo import generate
from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.exports.pdf import BODY_PT, PrintedReport, printable, render
from ioc_console.exports.tables import Column, Kind, Sheet
from ioc_console.resources import default_pack_path
from ioc_console.store import LocalStore
from ioc_console.store import statistics as st

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 27, 17, 30, tzinfo=TZ)
PROVINCE = "Tỉnh Ninh Thuận"
#: A4 in points, either way round.
A4 = {(595, 842), (842, 595)}


@pytest.fixture(scope="module")
def pack() -> Jurisdiction:
    return load_pack(default_pack_path())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, pack: Jurisdiction) -> Iterator[LocalStore]:
    """A store holding a demo of a few hundred reports (about two months of a busy province)."""
    store = LocalStore.open(tmp_path_factory.mktemp("pdf") / "demo.sqlite3")
    store.load_jurisdiction(pack)
    store.upsert_reports(generate(pack, count=400, start=NOW - timedelta(days=60), now=NOW, seed=11))
    yield store
    store.close()


def pages(path: Path) -> list[tuple[tuple[int, int], str, list[float]]]:
    """Each page's size (points), its text, and the size of every piece of text on it (points)."""
    out = []
    for page in PdfReader(path).pages:
        sizes: list[float] = []

        def seen(
            text: str,
            cm: list[float],
            tm: list[float],
            _font: object,
            size: float,
            sizes: list[float] = sizes,
        ) -> None:
            if text.strip():
                sizes.append(size * abs(tm[0] or tm[1]) * abs(cm[0] or cm[1]))

        text = page.extract_text(visitor_text=seen)
        box = page.mediabox
        out.append(((round(float(box.width)), round(float(box.height))), text, sizes))
    return out


def test_the_handover_prints_readably_on_a4(demo: LocalStore, tmp_path: Path) -> None:
    shift = st.Period(NOW - timedelta(days=2), NOW)
    handover = st.handover(demo, shift, NOW)
    assert len(handover.came_in) >= 10 and len(handover.late) >= 10 and handover.actions
    path = exports.export_handover(tmp_path / "giao-ca.pdf", handover, province=PROVINCE)

    printed = pages(path)
    assert len(printed) >= 2
    head = "Ca 25/11/2026 17:30 – 27/11/2026 17:30"
    for number, (size, text, sizes) in enumerate(printed, start=1):
        assert size in A4
        assert min(sizes) >= BODY_PT  # the old print shrank it all to about 1 pt
        assert PROVINCE in text and head in text  # the province and the shift on every page
        assert f"Trang {number}/{len(printed)}" in text
    whole = "\n".join(text for _, text, _ in printed)
    numbers = {i.number for i in handover.came_in + handover.late} | {a.number for a in handover.actions}
    for report in numbers:
        assert report in whole  # never broken over two lines
    assert "Lập lúc 27/11/2026 17:30" in whole
    # A table that runs onto the next page repeats its header row there.
    continued = [t for _, t, _ in printed[1:] if "Số phản ánh" in t]
    assert continued


def test_more_content_takes_more_pages(demo: LocalStore, tmp_path: Path) -> None:
    short = st.handover(demo, st.Period(NOW - timedelta(hours=8), NOW), NOW, late_limit=20)
    long = st.handover(demo, st.Period(NOW - timedelta(days=20), NOW), NOW)
    assert len(long.came_in) > 3 * len(short.came_in)
    few = len(PdfReader(exports.export_handover(tmp_path / "a.pdf", short, province=PROVINCE)).pages)
    many = len(PdfReader(exports.export_handover(tmp_path / "b.pdf", long, province=PROVINCE)).pages)
    assert many > few


def test_a_handover_is_never_made_before_its_shift_ends(demo: LocalStore, tmp_path: Path) -> None:
    # The shift asked for ends a minute after now: it is reported up to now, and says so.
    asked = st.Period(NOW - timedelta(hours=8), NOW + timedelta(minutes=1))
    handover = st.handover(demo, asked, NOW)
    assert handover.period.end == NOW
    text = "\n".join(t for _, t, _ in pages(exports.export_handover(tmp_path / "h.pdf", handover)))
    assert "đến 27/11/2026 17:30" in text and "Lập lúc 27/11/2026 17:30" in text


def test_the_monthly_report_prints_readably_on_a4(
    demo: LocalStore, pack: Jurisdiction, tmp_path: Path
) -> None:
    path = exports.monthly_report(tmp_path / "thang.pdf", demo, 2026, 11, NOW, province=PROVINCE)
    printed = pages(path)
    assert len(printed) >= 2
    for number, (size, text, sizes) in enumerate(printed, start=1):
        assert size in A4 and min(sizes) >= BODY_PT
        assert PROVINCE in text and "tháng 11/2026" in text
        assert f"Trang {number}/{len(printed)}" in text
    whole = re.sub(r"\s+", " ", "\n".join(t for _, t, _ in printed))
    league = st.league(demo, st.Period.month(2026, 11), NOW)
    assert league
    for row in league:
        assert row.agency in whole  # every agency of the month, by its code
    summary = st.summary(demo, st.Period.month(2026, 11), NOW)
    assert f"Tiếp nhận trong kỳ {summary.figures.received}" in whole
    # The default names say which shift or month a file is.
    assert exports.monthly_file_name(2026, 11) == "bao-cao-thang-2026-11.pdf"
    assert (
        exports.handover_file_name(st.Period(NOW - timedelta(hours=8), NOW))
        == "giao-ca-2026-11-27-0930-1730.pdf"
    )
    assert exports.handover_file_name(
        st.Period(datetime(2026, 11, 27, 22, 0, tzinfo=TZ), datetime(2026, 11, 28, 6, 0, tzinfo=TZ)), ".xlsx"
    ) == ("giao-ca-2026-11-27-2200-0600.xlsx")


def test_cells_are_printed_as_text_and_long_ones_wrap(tmp_path: Path) -> None:
    tricky = "<b>Rác</b> & {nb} **đậm** " + "rất dài " * 60 + "😀\x07\u200b"
    sheet = Sheet("Thử", [Column("Số phản ánh", Kind.TEXT, 17), Column("Nội dung", Kind.UNTRUSTED, 40)])
    sheet.rows = [["PA-2026-000001", tricky]]
    data = render(PrintedReport("THỬ", "Tỉnh Ninh Thuận", [sheet]))
    path = tmp_path / "t.pdf"
    path.write_bytes(data)
    ((_, text, _),) = pages(path)
    assert "<b>Rác</b> & {nb} **đậm**" in text  # no markup, no page-count alias in citizens' text
    assert "\x07" not in text and "\u200b" not in text
    assert len([line for line in text.splitlines() if "rất dài" in line]) > 3  # wrapped in its column
    assert printable("Cafe\u0301") == "Café"  # composed: one glyph, not a letter and a floating accent


def test_an_unknown_format_is_refused_in_words(demo: LocalStore, tmp_path: Path) -> None:
    with pytest.raises(exports.ExportError) as refused:
        exports.monthly_report(tmp_path / "thang.docx", demo, 2026, 11, NOW)
    assert ".pdf hoặc .xlsx" in refused.value.message("vi")

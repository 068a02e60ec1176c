"""The statistics view over a real demo store: the table holds what the statistics say, the
exported spreadsheet and CSV hold the numbers on screen, and a liaison's view stays in their agency."""

from __future__ import annotations

import csv
import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from ioc_console.store import LocalStore
from ioc_console.store import statistics as st

from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.statistics_view import StatisticsView

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TIMEOUT = 15_000


@pytest.fixture
def view_for(qtbot, store: LocalStore, jurisdiction, executor):
    def make(**options) -> StatisticsView:
        view = StatisticsView(
            store,
            jurisdiction,
            Names(jurisdiction, "vi"),
            DeadlineClock(jurisdiction, lambda: NOW),
            executor,
            **options,
        )
        qtbot.addWidget(view)
        view.resize(1366, 800)
        with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
            view.show()
        return view

    return make


def table(view: StatisticsView) -> list[list[str]]:
    m = view.model
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_the_table_holds_the_statistics(qtbot, view_for, store):
    view = view_for()
    expected = st.grouped(store, view.current_period(), st.GroupBy.AGENCY, NOW)
    assert [row[0] for row in table(view)] == [g.label for g in expected]
    assert [int(row[1]) for row in table(view)] == [g.figures.received for g in expected]
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.by_box.setCurrentIndex(view.by_box.findData("channel"))
    assert view.model.headerData(0, Qt.Orientation.Horizontal) == "Kênh tiếp nhận"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_exported_numbers_equal_the_shown_ones(qtbot, view_for, tmp_path, suffix):
    view = view_for()
    path = tmp_path / f"thong-ke{suffix}"
    with qtbot.waitSignal(view.exported, timeout=TIMEOUT):
        view.export_to(path)
    shown = {row[0]: [int(v) for v in row[1:6]] for row in table(view)}
    if suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path).active
        lines = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    else:
        with path.open(encoding="utf-8-sig", newline="") as f:
            lines = list(csv.reader(f))
    # the same columns by their titles, whatever the file's order
    titles = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(1, 6)]
    head = next(line for line in lines if line and "Tiếp nhận" in line)
    where = [list(head).index(t) for t in titles]
    found = {}
    for line in lines:
        if line and line[0] in shown:
            found[line[0]] = [int(line[i]) for i in where]
    assert found == shown
    # the totals above the chart are the file's total line
    totals = view.totals
    total_line = next(line for line in lines if line and line[0] == "Tổng cộng")
    expected = [totals.received, totals.handled, totals.on_time, totals.late, totals.overdue]
    assert [int(total_line[i]) for i in where] == expected
    assert expected[0] == sum(row[0] for row in shown.values())
    summary = view.summary.text()
    assert f"Tiếp nhận: {totals.received}" in summary and f"Đã xử lý: {totals.handled}" in summary
    assert f"Quá hạn chưa xử lý (nhận trong kỳ): {totals.overdue}" in summary


def test_a_liaisons_view_stays_in_their_agency(qtbot, view_for, store):
    agency = "cap-nuoc"
    view = view_for(agency_scope=agency)
    assert not view.agency_box.isEnabled()
    assert [row[0] for row in table(view)] == [
        Names(view.names.jurisdiction, "vi").agency_full(agency)
    ] or all(row[0] for row in table(view))
    expected = st.figures(store, view.current_period(), NOW, st.Filters(agencies=(agency,)))
    assert sum(int(row[1]) for row in table(view)) == expected.received
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.by_box.setCurrentIndex(view.by_box.findData("category"))
    assert sum(int(row[1]) for row in table(view)) == expected.received


def test_screenshot(qtbot, view_for, tmp_path):
    view = view_for()
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.period_box.setCurrentIndex(view.period_box.findData("30d"))
    path = tmp_path / "statistics.png"
    qtbot.wait(200)  # the chart lays its new bars out on the next turns of the event loop
    assert view.grab().save(str(path))
    extra = os.environ.get("IOC_CONSOLE_SHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(extra) / "statistics-vi-1366x800.png")


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("quarter", datetime(2026, 10, 1), datetime(2027, 1, 1)),
        ("last_quarter", datetime(2026, 7, 1), datetime(2026, 10, 1)),
        ("this_year", datetime(2026, 1, 1), datetime(2027, 1, 1)),
        ("last_year", datetime(2025, 1, 1), datetime(2026, 1, 1)),
    ],
)
def test_quarters_and_years(qtbot, view_for, store, code, start, end):
    view = view_for()
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.period_box.setCurrentIndex(view.period_box.findData(code))
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    period = st.Period(start.replace(tzinfo=tz), end.replace(tzinfo=tz))
    assert view.period == period and not view.from_edit.isVisible()
    expected = st.grouped(store, period, st.GroupBy.AGENCY, NOW)
    assert [int(row[1]) for row in table(view)] == [g.figures.received for g in expected]


def test_a_range_of_days_of_ones_own(qtbot, view_for, store):
    from PySide6.QtCore import QDate

    view = view_for()
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.period_box.setCurrentIndex(view.period_box.findData("custom"))
    assert view.from_edit.isVisible() and view.to_edit.isVisible()
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.from_edit.setDate(QDate(2026, 8, 15))
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.to_edit.setDate(QDate(2026, 9, 14))
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    period = st.Period(datetime(2026, 8, 15, tzinfo=tz), datetime(2026, 9, 15, tzinfo=tz))  # both days in
    assert view.period == period
    assert view.caption.text().startswith("Từ 15/08/2026 đến 14/09/2026")
    expected = st.grouped(store, period, st.GroupBy.AGENCY, NOW)
    assert [int(row[1]) for row in table(view)] == [g.figures.received for g in expected]


def test_chart_names_are_whole_and_unforwarded_reports_say_so(qtbot, view_for):
    view = view_for()
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.period_box.setCurrentIndex(view.period_box.findData("year"))
    for by in ("district", "category", "agency"):
        with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
            view.by_box.setCurrentIndex(view.by_box.findData(by))
        (axis,) = [a for a in view.chart.axes() if hasattr(a, "categories")]
        labels = axis.categories()
        assert labels and not any("…" in label or "..." in label for label in labels)
        assert not axis.truncateLabels()
    names = [row[0] for row in table(view)]
    assert "Chưa chuyển" in names and "(Chưa xác định)" not in names
    # The two overdue counts: this one says it counts the period's reports; the status bar's all.
    assert "Quá hạn chưa xử lý (nhận trong kỳ)" in view.summary.text()
    assert "thanh trạng thái" in view.summary.toolTip()


def test_english_writes_numbers_the_english_way(qtbot, store, jurisdiction, executor):
    view = StatisticsView(
        store, jurisdiction, Names(jurisdiction, "en"), DeadlineClock(jurisdiction, lambda: NOW), executor
    )
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=TIMEOUT):
        view.show()
    rates = [row[6] for row in table(view) if row[6] != "—"]
    assert rates and all("," not in r and r.endswith(" %") for r in rates)


def test_esc_and_ctrl_w_close_the_statistics_window(qtbot, view_for):
    from PySide6.QtTest import QTest

    for key, modifier in (
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    ):
        view = view_for()
        assert view.isWindow() and view.isVisible()
        QTest.keyClick(view, key, modifier)
        qtbot.waitUntil(lambda view=view: not view.isVisible(), timeout=5000)


def test_the_monthly_report_from_the_statistics(qtbot, view_for, store, tmp_path):
    from pypdf import PdfReader

    from ioc_console.gui.files import documents_dir

    view = view_for()
    assert view.monthly_button.isVisible() and view.chosen_month() == (2026, 11)
    offered: list[str] = []
    original = QFileDialog.getSaveFileName
    QFileDialog.getSaveFileName = staticmethod(lambda _p, _c, where, _f: (offered.append(where), ("", ""))[1])  # type: ignore[method-assign]
    try:
        view.monthly_button.click()
    finally:
        QFileDialog.getSaveFileName = original  # type: ignore[method-assign]
    assert offered == [str(documents_dir() / "bao-cao-thang-2026-11.pdf")]
    with qtbot.waitSignal(view.exported, timeout=TIMEOUT) as done:
        view.save_monthly(tmp_path / "thang.pdf", 2026, 11)
    text = "\n".join(page.extract_text() for page in PdfReader(done.args[0]).pages)
    summary = st.summary(store, st.Period.month(2026, 11), NOW)
    assert "BÁO CÁO THÁNG 11/2026" in text and f"Tiếp nhận trong kỳ {summary.figures.received}" in text
    liaison_view = view_for(agency_scope=next(iter(view.names.jurisdiction.agencies)))
    assert not liaison_view.monthly_button.isVisible()  # the province's report is the IOC's

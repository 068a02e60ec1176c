"""The detail pane: a report's facts, deadlines and full history; citizen text stays text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit

from ioc_console.domain.deadlines import DeadlineState

from ioc_console.gui.detail_pane import ReportDetailPane
from ioc_console.gui.history_model import HistoryModel
from ioc_console.gui.look import DeadlineLook
from ioc_console.gui.present import DeadlineClock, Names

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

HOSTILE = "<b>x</b><img src=x onerror=alert(1)>"


def _pane(qtbot, jurisdiction, now: datetime, lang: str = "vi") -> ReportDetailPane:
    pane = ReportDetailPane(
        Names(jurisdiction, lang), DeadlineClock(jurisdiction, lambda: now), DeadlineLook()
    )
    qtbot.addWidget(pane)
    pane.resize(600, 900)
    pane.show()
    return pane


def test_the_history_lists_every_event_in_order(qtbot, jurisdiction, make_report) -> None:
    report = make_report()
    pane = _pane(qtbot, jurisdiction, datetime(2026, 3, 10, 9, 0, tzinfo=TZ))
    pane.show_report(report)
    model = pane.history_model
    assert model.rowCount() == len(report.history) == 4
    rows = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert rows[0][0] == "09/03/2026 09:15"
    assert rows[0][1] == "Trần Thị Bình (Điều phối viên IOC)"
    assert rows[0][2] == "Phân loại"
    assert "Hạ tầng đô thị" in rows[0][4]
    assert rows[1][3] == "Mới tiếp nhận → Đã chuyển xử lý"
    assert rows[1][4].startswith("Chuyển đến: ")
    assert rows[2][3] == "Đã chuyển xử lý → Đang xử lý"
    assert rows[3][4] == "Đã cử tổ kiểm tra hiện trường"
    assert pane.status.text() == "Đang xử lý"
    assert pane.contact.text() == "Nguyễn Văn An · 0905123456"
    assert pane.unit.text().startswith("Phường Phủ Hà, Thành phố Phan Rang–Tháp Chàm")


def test_the_history_model_passes_the_model_tester(qtmodeltester, jurisdiction, make_report) -> None:
    model = HistoryModel()
    model.set_events(make_report().history, Names(jurisdiction, "vi"))
    qtmodeltester.check(model)


def test_citizen_markup_is_shown_literally(qtbot, jurisdiction, make_report) -> None:
    report = make_report(description=HOSTILE)
    report.contact = report.contact.__class__(HOSTILE, "0905123456")
    pane = _pane(qtbot, jurisdiction, datetime(2026, 3, 10, 9, 0, tzinfo=TZ))
    pane.show_report(report)
    assert pane.description.toPlainText() == HOSTILE
    assert isinstance(pane.description, QPlainTextEdit)
    assert pane.contact.text().startswith(HOSTILE)
    for label in pane.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    # Tooltips are rich text: a note's markup must arrive escaped.
    pane.history_model.set_events(
        [
            report.history[-1].__class__(
                **{**report.history[-1].__dict__, "data": {"note": HOSTILE}},
            )
        ],
        Names(jurisdiction, "vi"),
    )
    tooltip = pane.history_model.index(0, 4).data(Qt.ItemDataRole.ToolTipRole)
    assert "<b>" not in tooltip and "&lt;b&gt;x&lt;/b&gt;" in tooltip


def test_deadline_states_are_spelled_out(qtbot, jurisdiction, make_report) -> None:
    report = make_report()
    assert report.due_at is not None
    late = report.due_at.replace(year=report.due_at.year + 1)
    pane = _pane(qtbot, jurisdiction, late)
    pane.show_report(report)
    assert pane.reply_deadline.text.text().endswith(DeadlineState.OVERDUE.label("vi"))
    assert "Quá hạn" in pane.reply_deadline.text.text()


def test_english_labels_come_from_the_domain(qtbot, jurisdiction, make_report) -> None:
    pane = _pane(qtbot, jurisdiction, datetime(2026, 3, 10, 9, 0, tzinfo=TZ), lang="en")
    pane.show_report(make_report())
    assert pane.status.text() == "In progress"
    assert pane.category.text() == "Urban infrastructure"
    assert pane.channel.text() == "Zalo OA"

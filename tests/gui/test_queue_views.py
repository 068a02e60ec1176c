"""The queue shows what needs action (and may sound): it opens on the reports whose next step is the IOC's and the
overdue, nearest deadline first; the deadline is the stage's when it comes first (a report due for
triage within the hour is due soon, and counted so); priority and content are columns; new
untriaged reports stand out; views are saved under a name and kept between runs."""

from __future__ import annotations

import io
import wave
from datetime import timedelta
from pathlib import Path

import pytest
from test_workspace import NOW, Integrated, new_report, shot

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import IOC_TURN, Priority, Status
from ioc_console.store import LocalStore, ReportQuery

from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.notifier import chime_wav
from ioc_console.gui.queue_model import DeadlineStateRole, NumberRole
from ioc_console.gui.queue_source import COLUMNS

TIMEOUT = 15_000
DEADLINE, PRIORITY, SUMMARY, STATUS = (
    COLUMNS.index(c) for c in ("deadline", "priority", "summary", "status")
)


@pytest.fixture
def data_dir(demo_data_dir: Path, jurisdiction: Jurisdiction) -> Path:
    """The demo store with a new report due for triage within the hour, and an urgent one."""
    soon = new_report(
        jurisdiction, "PA-Q-1", "traffic-safety", "22810", 20, "Cột đèn đổ chắn ngang đường Thống Nhất"
    )
    soon.stage_due_at = NOW + timedelta(hours=1)
    urgent = new_report(jurisdiction, "PA-Q-2", "environment", "22747", 10, "Rác thải ùn ứ ở chợ")
    urgent.priority = Priority.URGENT
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    store.upsert_reports([soon, urgent])
    store.close()
    return demo_data_dir


@pytest.fixture
def opened(qtbot, data_dir: Path, jurisdiction: Jurisdiction):
    windows: list[Integrated] = []

    def open_window() -> Integrated:
        w = Integrated(qtbot, data_dir, jurisdiction, [NOW])
        windows.append(w)
        return w

    yield open_window
    for w in windows:
        w.close()


def numbers(w: Integrated) -> list[str]:
    model = w.window.queue_model
    return [model.index(r, 0).data(NumberRole) for r in range(model.rowCount())]


def test_the_queue_opens_on_what_needs_action_nearest_deadline_first(qtbot, opened, tmp_path) -> None:
    w = opened()
    model = w.window.queue_model
    assert w.window.filter_bar.view.currentText() == "Cần xử lý"
    now, boundary = w.clock.now_and_boundary()
    expected = w.store.numbers(
        ReportQuery(
            needs_action=True, stage=True, now=now, boundary=boundary, sort="due_at", descending=False
        )
    )
    assert numbers(w) == expected
    everything = w.store.count(ReportQuery())
    assert 0 < len(expected) < everything / 4  # most of the demo's reports are answered long ago
    # Each is the IOC's to act on, or past a deadline wherever it is.
    for row in range(model.rowCount()):
        status = model.index(row, STATUS).data()
        state = model.index(row, DEADLINE).data(DeadlineStateRole)
        assert status in {s.label("vi") for s in IOC_TURN} or state is DeadlineState.OVERDUE, row
    # The report due for triage within the hour reads due soon, with both deadlines in the tooltip.
    row = model.row_of("PA-Q-1")
    assert row is not None
    cell = model.index(row, DEADLINE)
    assert cell.data() == "27/11/2026 11:30 · Sắp đến hạn"
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "Hạn phân loại tại IOC: 27/11/2026 11:30 · Sắp đến hạn" in tip
    assert "Hạn trả lời công dân: " in tip and "· Trong hạn" in tip
    # ... and is counted so in the status bar.
    due_soon = w.store.deadline_counts(ReportQuery(stage=True), now, boundary)
    soon = due_soon[DeadlineState.DUE_SOON]
    qtbot.waitUntil(lambda: w.window.due_soon_button.text() == f"Sắp đến hạn: {soon}", timeout=TIMEOUT)
    reply_only = w.store.deadline_counts(ReportQuery(), now, boundary)[DeadlineState.DUE_SOON]
    assert soon > reply_only
    shot(w.window, tmp_path, "queue-needs-action-1366.png")


def test_priority_and_content_columns_and_new_reports_stand_out(qtbot, opened) -> None:
    w = opened()
    model = w.window.queue_model
    urgent = model.row_of("PA-Q-2")
    assert urgent is not None
    assert model.index(urgent, PRIORITY).data() == "Khẩn"
    assert model.index(urgent, PRIORITY).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(urgent, SUMMARY).data() == "Rác thải ùn ứ ở chợ"
    # New and untriaged: bold in every column, with a mark by the number.
    for column in (0, SUMMARY, STATUS):
        font = model.index(urgent, column).data(Qt.ItemDataRole.FontRole)
        assert font is not None and font.bold()
    assert model.index(urgent, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    assert "Mới, chưa phân loại" in model.index(urgent, 0).data(Qt.ItemDataRole.ToolTipRole)
    # A report already forwarded is not marked.
    with qtbot.waitSignal(w.window.queue_ready, timeout=TIMEOUT):
        w.window.filter_bar.choose_view("all")
    forwarded = next(r for r in range(200) if model.index(r, STATUS).data() == Status.FORWARDED.label("vi"))
    assert model.index(forwarded, 0).data(Qt.ItemDataRole.DecorationRole) is None
    font = model.index(forwarded, SUMMARY).data(Qt.ItemDataRole.FontRole)
    assert font is None or not font.bold()


def test_a_view_is_saved_under_a_name_and_kept_for_the_next_run(qtbot, opened) -> None:
    w = opened()
    bar, model = w.window.filter_bar, w.window.queue_model
    with qtbot.waitSignal(w.window.queue_ready, timeout=TIMEOUT):
        bar.choose_view("all")
    with qtbot.waitSignal(w.window.queue_ready, timeout=TIMEOUT):
        bar.category.setCurrentIndex(bar.category.findData("traffic-safety"))
    with qtbot.waitSignal(w.window.queue_ready, timeout=TIMEOUT):
        w.window.queue_view.horizontalHeader().setSortIndicator(DEADLINE, Qt.SortOrder.AscendingOrder)
    wanted = model.filter
    assert wanted.category == "traffic-safety" and wanted.sort == "deadline" and not wanted.needs_action
    traffic = numbers(w)
    bar.save_view("Giao thông, hạn gần nhất", bar.current_filter())
    assert bar.view.currentText() == "Giao thông, hạn gần nhất"
    w.close()

    again = opened()
    bar, model = again.window.filter_bar, again.window.queue_model
    assert bar.view.currentText() == "Cần xử lý"  # every run opens on what needs action
    assert "Giao thông, hạn gần nhất" in [bar.view.itemText(i) for i in range(bar.view.count())]
    with qtbot.waitSignal(again.window.queue_ready, timeout=TIMEOUT):
        bar.choose_view("saved:Giao thông, hạn gần nhất")
    assert model.filter == wanted
    assert numbers(again) == traffic
    assert bar.category.currentData() == "traffic-safety"
    header = again.window.queue_view.horizontalHeader()
    assert header.sortIndicatorSection() == DEADLINE
    # Deleted, it is gone for good.
    bar.delete_button.click()
    assert "Giao thông, hạn gần nhất" not in [bar.view.itemText(i) for i in range(bar.view.count())]


def test_a_new_report_sounds_when_the_operator_wants_it_without_any_tray(qtbot, opened, jurisdiction) -> None:
    w = opened()
    played: list[str] = []
    w.ws.sound.played.connect(played.append)
    action = w.window.sound_action
    assert not action.isChecked()  # off until turned on
    with qtbot.waitSignal(w.ws.watcher.snapshot_taken, timeout=TIMEOUT):
        w.ws.watcher.check()

    w.store.upsert_reports([new_report(jurisdiction, "PA-Q-3", "environment", "22747", 1)])
    with qtbot.waitSignal(w.ws.watcher.flags_raised, timeout=TIMEOUT):
        w.ws.watcher.check()
    assert played == []

    action.trigger()  # Xem › Âm báo phản ánh mới và vừa quá hạn
    w.store.upsert_reports([new_report(jurisdiction, "PA-Q-4", "environment", "22747", 1)])
    with qtbot.waitSignal(w.ws.watcher.flags_raised, timeout=TIMEOUT):
        w.ws.watcher.check()
    # A chime where Qt Multimedia has an audio output, the system bell otherwise: never the tray.
    assert played in (["chime"], ["beep"])
    w.close()
    assert opened().window.sound_action.isChecked()  # kept for the next run


def test_the_chime_is_a_playable_wave() -> None:
    with wave.open(io.BytesIO(chime_wav())) as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        assert 0.2 < wav.getnframes() / wav.getframerate() < 0.5


def test_filters_take_several_values_ticked_in_an_open_list(qtbot, opened) -> None:
    w = opened()
    bar, model = w.window.filter_bar, w.window.queue_model
    with qtbot.waitSignal(w.window.queue_ready, timeout=TIMEOUT):
        bar.choose_view("all")
    combo = bar.category
    combo.showPopup()
    popup = combo.view()
    wanted = ("traffic-safety", "environment")
    for code in wanted:
        rect = popup.visualRect(combo.model().index(combo.findData(code), 0))
        with qtbot.waitSignal(w.window.queue_ready, timeout=TIMEOUT):
            QTest.mouseClick(
                popup.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center()
            )
        assert popup.isVisible()  # the list stays open for the next tick
    combo.hidePopup()
    assert model.filter.category == frozenset(wanted)
    both = w.store.count(ReportQuery(categories=set(wanted)))
    one = w.store.count(ReportQuery(categories={"traffic-safety"}))
    assert model.total == both > one > 0
    text = combo.currentText()
    assert text.startswith("Lĩnh vực: ") and all(w.names.category(c) in text for c in wanted)
    # Kept with a view, several values and all.
    bar.save_view("Hai lĩnh vực", bar.current_filter())
    with qtbot.waitSignal(w.window.queue_ready, timeout=TIMEOUT):
        bar.choose_view("all")
    assert model.filter.category is None and combo.currentText() == "Lĩnh vực: tất cả"
    with qtbot.waitSignal(w.window.queue_ready, timeout=TIMEOUT):
        bar.choose_view("saved:Hai lĩnh vực")
    assert model.filter.category == frozenset(wanted) and model.total == both
    assert all(w.names.category(c) in combo.currentText() for c in wanted)

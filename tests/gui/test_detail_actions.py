"""The detail pane's actions: forwarding from a button, reminding the agency (đôn đốc) recorded and
counted, the next and previous report from the keyboard, each report read from its top, and at
1366×768 every action on screen (none behind a "»" menu)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from test_workspace import NOW, TIMEOUT, integrated, new_report, shot  # noqa: F401 (the fixture)

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Action, Actor, Role, Status
from ioc_console.domain.report import Event, Report, reminders
from ioc_console.store import LocalStore

from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.liaison import LiaisonWorkspace
from ioc_console.gui.triage import RemindDialog

AGENCY = "so-gtvt"


def forwarded(j: Jurisdiction, number: str, minutes: int) -> Report:
    report = new_report(j, number, "traffic-safety", "22747", minutes, "Đèn tín hiệu ngã tư bị hỏng")
    at = report.received_at + timedelta(minutes=5)
    report.history.append(
        Event(
            2, at, "ioc.binh", Role.OPERATOR, Action.FORWARD, Status.NEW, Status.FORWARDED, {"agency": AGENCY}
        )
    )
    report.status, report.agency, report.forwarded_at, report.version = Status.FORWARDED, AGENCY, at, 2
    return report


@pytest.fixture
def with_forwarded(demo_data_dir: Path, jurisdiction: Jurisdiction) -> None:
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    store.upsert_reports([forwarded(jurisdiction, "PA-F-1", 90), forwarded(jurisdiction, "PA-F-2", 80)])
    store.close()


def _show(qtbot, w, number: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(w.window.report_shown, timeout=TIMEOUT):
        w.select(qtbot, [number])
    assert w.ws.workbench.report.number == number


def test_the_forward_button_opens_forwarding_for_the_report_shown(qtbot, integrated) -> None:  # noqa: F811
    w = integrated()
    w.show_queue(qtbot, text="PA-T", sort="number", descending=True)
    _show(qtbot, w, "PA-T-2")
    bar = w.ws.workbench.bar
    button = next(b for b in bar.buttons if b.defaultAction() is bar.forward_tool)
    assert button.text() == "Chuyển xử lý" and button.isEnabled() and button.font().bold()
    with qtbot.waitSignal(w.ws.assign.dialog_opened, timeout=TIMEOUT) as opened:
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    assert dialog.chosen() == AGENCY  # the routing rules' suggestion for a traffic light
    with qtbot.waitSignal(w.ws.service.request_finished, timeout=TIMEOUT) as finished:
        dialog.accept()
    assert finished.args[0].numbers == ("PA-T-2",)


def test_reminding_the_agency_is_recorded_counted_and_shown_to_its_liaison(
    qtbot,
    integrated,  # noqa: F811
    with_forwarded: None,
    jurisdiction: Jurisdiction,
    tmp_path: Path,
) -> None:
    w = integrated()
    w.show_queue(qtbot, text="PA-T", sort="number", descending=True)
    _show(qtbot, w, "PA-T-1")
    remind = w.ws.workbench.bar.tools[Action.REMIND]
    assert not remind.isEnabled()  # at the IOC: nobody to remind
    assert "Không thể đôn đốc đơn vị xử lý" in remind.toolTip()
    w.show_queue(qtbot, text="PA-F", sort="number", descending=True)
    _show(qtbot, w, "PA-F-1")
    assert remind.isEnabled()
    detail = w.window.detail
    for count in (1, 2):
        remind.trigger()
        dialog = w.ws.triage.dialog
        assert isinstance(dialog, RemindDialog)
        assert dialog.choice_combo.currentData() == "accept"  # forwarded, not yet accepted
        assert "chưa tiếp nhận" in dialog.text_edit.toPlainText()
        if count == 1:
            shot(dialog, tmp_path, "remind-dialog.png")
        with qtbot.waitSignal(w.ws.service.request_finished, timeout=TIMEOUT):
            dialog.ok_button.click()
        qtbot.waitUntil(lambda c=count: len(reminders(w.store.get_report("PA-F-1"))) == c, timeout=TIMEOUT)
        qtbot.waitUntil(
            lambda c=count: detail.reminders.text().startswith(f"{c} lần, lần cuối"), timeout=TIMEOUT
        )
    report = w.store.get_report("PA-F-1")
    assert report.status is Status.FORWARDED  # a reminder moves nothing
    [last] = [e for e in report.history if e.action is Action.REMIND][-1:]
    assert last.data["note"].startswith("Đơn vị chưa tiếp nhận phản ánh")
    entries = [e for e in w.store.pending_actions() if e.report_number == "PA-F-1"]
    assert [e.action for e in entries] == [Action.REMIND, Action.REMIND]  # both go to the hub
    shot(w.window, tmp_path, "detail-reminded-1366x768.png")

    # The agency's liaison sees it on the report, with the IOC's words.
    liaison = LiaisonWorkspace(
        w.store, jurisdiction, w.names, w.clock, w.executor, Actor("lien.gtvt", Role.LIAISON, AGENCY)
    )
    qtbot.addWidget(liaison)
    liaison.resize(1366, 768)
    liaison.show()
    qtbot.waitUntil(lambda: "PA-F-1" in liaison.numbers(), timeout=TIMEOUT)
    assert liaison.select("PA-F-1")
    qtbot.waitUntil(lambda: "IOC đã đôn đốc 2 lần" in liaison.details.toPlainText(), timeout=TIMEOUT)
    assert "Đơn vị chưa tiếp nhận phản ánh" in liaison.details.toPlainText()


def test_the_keyboard_moves_to_the_next_and_previous_report_each_read_from_its_top(
    qtbot,
    integrated,  # noqa: F811
) -> None:
    w = integrated()
    w.show_queue(qtbot, text="PA-T", sort="number", descending=True)
    _show(qtbot, w, "PA-T-3")
    detail = w.window.detail
    scroll = detail._scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0, timeout=TIMEOUT)
    scroll.setValue(scroll.maximum())  # read down to the history
    w.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w.window, timeout=TIMEOUT)
    detail.setFocus()
    with qtbot.waitSignal(w.window.report_shown, timeout=TIMEOUT) as shown:
        QTest.keyClick(detail, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert shown.args[0] == "PA-T-2" and detail.report.number == "PA-T-2"
    assert scroll.value() == 0  # the next report from its number and title, not half scrolled away
    with qtbot.waitSignal(w.window.report_shown, timeout=TIMEOUT) as shown:
        QTest.keyClick(detail, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert shown.args[0] == "PA-T-1"
    with qtbot.waitSignal(w.window.report_shown, timeout=TIMEOUT) as shown:
        QTest.keyClick(detail, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert shown.args[0] == "PA-T-2"
    assert w.window.queue_view.selectionModel().selectedRows()[0].row() == w.row_of("PA-T-2")
    # In the queue too; but in a filter's list Alt+Down still opens the list, not another report.
    w.window.queue_view.setFocus()
    with qtbot.waitSignal(w.window.report_shown, timeout=TIMEOUT) as shown:
        QTest.keyClick(w.window.queue_view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert shown.args[0] == "PA-T-1"
    combo = w.window.filter_bar.findChild(QComboBox)
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    QApplication.processEvents()
    assert detail.report.number == "PA-T-1"
    combo.hidePopup()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_no_action_hides_behind_an_overflow_menu(
    qtbot,
    integrated,  # noqa: F811
    with_forwarded: None,
    size: tuple[int, int],
    tmp_path: Path,
) -> None:
    w = integrated(size=size)
    w.show_queue(qtbot, text="PA-F", sort="number", descending=True)
    _show(qtbot, w, "PA-F-1")
    bar = w.ws.workbench.bar
    qtbot.waitUntil(lambda: bar.height() > 0 and bar.isVisible(), timeout=TIMEOUT)
    QApplication.processEvents()
    assert bar.hidden_actions() == []
    assert len(bar.buttons) == 1 + 8 and all(b.isVisible() for b in bar.buttons)
    # Every button lies within the details' side of the window.
    side = w.window.detail_side.rect()
    for b in bar.buttons:
        assert side.contains(b.mapTo(w.window.detail_side, b.rect().bottomRight())), b.text()
    shot(w.window, tmp_path, f"detail-actions-{size[0]}x{size[1]}.png")

"""The supervisor's desk over a real demo store: re-route a report an agency is handling to another
agency (reason required) and escalate it (urgent, note required), both pending in the outbox; an
operator gets them disabled with the lifecycle's reason."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from test_wall import citizen_report

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from ioc_console.domain.lifecycle import AT_IOC, Action, Actor, Priority, Role, Status
from ioc_console.store import LocalStore, OutboxState, ReportQuery

from ioc_console.gui.actions import ActionService, Reach, agency_reach
from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.supervisor import SupervisorDesk

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TIMEOUT = 15_000


@pytest.fixture
def own_store(demo_data_dir: Path):
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    yield store
    store.close()


def make_desk(qtbot, store, jurisdiction, executor, actor: Actor) -> SupervisorDesk:
    names = Names(jurisdiction, "vi")
    clock = DeadlineClock(jurisdiction, lambda: NOW)
    parent = QWidget()
    qtbot.addWidget(parent)
    service = ActionService(store, jurisdiction, executor, actor, clock, names, undo_seconds=0, parent=parent)
    return SupervisorDesk(service, names, parent)


def in_progress(store: LocalStore):
    row = next(
        r
        for r in store.query(ReportQuery(statuses={Status.IN_PROGRESS}))
        if r.priority is not Priority.URGENT
    )
    return store.get_report(row.number)


def ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_reroute_needs_an_agency_and_a_reason(qtbot, own_store, jurisdiction, executor):
    desk = make_desk(qtbot, own_store, jurisdiction, executor, Actor("truong.ca", Role.SUPERVISOR))
    report = in_progress(own_store)
    desk.set_report(report)
    assert desk.reroute_action.isEnabled()
    dialog = desk.reroute_dialog()
    dialog.show()
    codes = [dialog.agency_combo.itemData(i) for i in range(dialog.agency_combo.count())]
    assert report.agency not in codes  # "another" agency
    ok(dialog)
    assert dialog.isVisible() and dialog.error.text() == "Vui lòng chọn đơn vị nhận phản ánh."
    target = next(
        c for c in codes[1:] if agency_reach(jurisdiction, c, report.location.unit_code) is Reach.SERVES
    )
    dialog.agency_combo.setCurrentIndex(codes.index(target))
    dialog.editor.setPlainText("   ")
    ok(dialog)
    assert dialog.isVisible() and dialog.error.text() == "Vui lòng nhập lý do chuyển sang đơn vị khác."
    assert not [e for e in own_store.pending_actions() if e.report_number == report.number]

    dialog.editor.setPlainText("Thuộc thẩm quyền của đơn vị khác theo quy chế phối hợp")
    ok(dialog)
    assert not dialog.isVisible()
    with qtbot.waitSignal(desk.acted, timeout=TIMEOUT) as taken:
        desk.take(Action.FORWARD, dialog.payload())
    assert taken.args == [report.number, Action.FORWARD]
    entry = next(e for e in own_store.pending_actions() if e.report_number == report.number)
    assert entry.action is Action.FORWARD and entry.state is OutboxState.PENDING
    assert entry.payload == {
        "agency": target,
        "reason": "Thuộc thẩm quyền của đơn vị khác theo quy chế phối hợp",
    }
    after = own_store.get_report(report.number)
    assert after.status is Status.FORWARDED and after.agency == target


def test_escalate_sets_urgent_with_a_note(qtbot, own_store, jurisdiction, executor):
    desk = make_desk(qtbot, own_store, jurisdiction, executor, Actor("truong.ca", Role.SUPERVISOR))
    report = in_progress(own_store)
    desk.set_report(report)
    dialog = desk.escalate_dialog()
    dialog.show()
    ok(dialog)
    assert dialog.isVisible() and dialog.error.text() == "Vui lòng nhập ghi chú báo khẩn."
    dialog.editor.setPlainText("Sạt lở đe dọa nhà dân, cần xử lý trong ngày")
    ok(dialog)
    with qtbot.waitSignal(desk.acted, timeout=TIMEOUT):
        desk.take(Action.SET_PRIORITY, dialog.payload())
    entry = next(e for e in own_store.pending_actions() if e.report_number == report.number)
    assert entry.action is Action.SET_PRIORITY
    assert entry.payload == {"priority": "urgent", "note": "Sạt lở đe dọa nhà dân, cần xử lý trong ngày"}
    after = own_store.get_report(report.number)
    assert after.priority is Priority.URGENT and after.status is Status.IN_PROGRESS
    desk.set_report(after)
    assert not desk.escalate_action.isEnabled()
    assert "Phản ánh đã ở mức ưu tiên Khẩn." in desk.escalate_action.toolTip()


def test_an_operator_cannot_take_back_from_an_agency(qtbot, own_store, jurisdiction, executor):
    desk = make_desk(qtbot, own_store, jurisdiction, executor, Actor("ioc.binh", Role.OPERATOR))
    desk.set_report(in_progress(own_store))
    assert not desk.reroute_action.isEnabled()
    assert desk.reroute_dialog() is None
    assert desk.escalate_action.isEnabled()  # any IOC staff may raise the priority
    at_ioc = citizen_report(jurisdiction, "PA-S-NEW", minutes=5)
    assert at_ioc.status in AT_IOC
    supervisor = make_desk(qtbot, own_store, jurisdiction, executor, Actor("truong.ca", Role.SUPERVISOR))
    supervisor.set_report(at_ioc)
    assert not supervisor.reroute_action.isEnabled()  # at the IOC it is a plain forward (F6)
    assert "đang ở IOC" in supervisor.reroute_action.toolTip()
    supervisor.set_report(None)
    assert not supervisor.reroute_action.isEnabled() and not supervisor.escalate_action.isEnabled()


class FakeWindow(QObject):
    """The two places of the main window the desk uses."""

    report_displayed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.actions: list[object] = []

    def add_report_action(self, action) -> None:
        self.actions.append(action)


def test_install_follows_the_report_on_show(qtbot, own_store, jurisdiction, executor):
    desk = make_desk(qtbot, own_store, jurisdiction, executor, Actor("truong.ca", Role.SUPERVISOR))
    window = FakeWindow()
    desk.install(window)
    assert window.actions == [desk.reroute_action, desk.escalate_action]
    assert [a.text() for a in window.actions] == ["Chuyển sang đơn vị khác…", "Báo khẩn…"]
    report = in_progress(own_store)
    window.report_displayed.emit(report)
    assert desk.report is report and desk.reroute_action.isEnabled()

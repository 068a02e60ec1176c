"""Hotline intake: each field's validation in words, a call typed in from the keyboard alone becoming a
pending report with its submit entry, nothing typed lost, and suggested duplicates as one types."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import compute_deadlines
from ioc_console.domain.lifecycle import Action, Actor, Channel, Priority, Role, Status
from ioc_console.domain.report import Contact, Location, Report
from ioc_console.store import LocalStore, OutboxState, ReportQuery

from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.duplicates import DuplicateFinder
from ioc_console.gui.intake import (
    HotlineCall,
    IntakeDialog,
    build_hotline_report,
    call_problems,
    is_provisional,
    submit_payload,
    vn_phone,
)
from ioc_console.gui.present import DeadlineClock, Names

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=TZ)  # a Friday morning, in office hours
OPERATOR = Actor("ioc.nhung", Role.OPERATOR)
TIMEOUT = 15_000
MY_DONG = "22771"  # Phường Mỹ Đông, Phan Rang–Tháp Chàm
POINT = (11.5729, 109.0041)  # in Mỹ Đông


@pytest.fixture(scope="module", autouse=True)
def _application(qapp):
    """The application exists before the folder's per-test helpers start their timers."""
    return qapp


def shoot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("IOC_CONSOLE_SHOTS")
    if not folder:
        return
    for _ in range(3):
        QApplication.processEvents()
    Path(folder).mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(Path(folder) / f"{name}.png"))


def type_text(widget: QWidget, text: str) -> None:
    """Type key by key (QTest's own typing is ASCII only; Vietnamese letters carry their text)."""
    for ch in text:
        if ch.isascii():
            QTest.keyClick(widget, ch)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
            )


def focused() -> QWidget:
    """Where a key goes, as the window system delivers it: an open popup first, else the focus."""
    widget = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert widget is not None
    return widget


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(), key, modifier)


def type_here(text: str) -> None:
    type_text(focused(), text)


# -- the rules, without the form -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "national"),
    [
        ("0905123456", "0905123456"),
        ("0905 123 456", "0905123456"),
        ("090.512.3456", "0905123456"),
        ("+84 905 123 456", "0905123456"),
        ("84905123456", "0905123456"),
        ("(0259) 3822 123", "02593822123"),  # a Phan Rang landline
        ("0359-876-543", "0359876543"),
        ("090512345", None),  # a digit short
        ("09051234567", None),  # a digit too many for a mobile
        ("0105123456", None),  # no such mobile prefix
        ("1022", None),  # a hotline, not a caller's number
        ("0905abc456", None),
        ("", None),
    ],
)
def test_vietnamese_phone_numbers(typed: str, national: str | None) -> None:
    assert vn_phone(typed) == national


def good_call(**changes) -> HotlineCall:
    fields = {
        "caller": "Trần Văn Hùng",
        "phone": "0905 123 456",
        "category": "urban-infrastructure",
        "description": "Cột đèn trước nhà số 211 đường 16 Tháng 4 không sáng ba đêm nay",
        "unit_code": MY_DONG,
        "address": "211 đường 16 Tháng 4",
    }
    fields.update(changes)
    return HotlineCall(**fields)


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({}, {}),
        ({"caller": "", "phone": ""}, {}),  # a caller may stay anonymous
        ({"caller": "x" * 101}, {"caller": "too_long"}),
        ({"caller": "<b>Hùng</b>"}, {}),  # kept as written: escaped wherever it is shown
        ({"caller": "Hùng\x07"}, {"caller": "control"}),
        ({"phone": "123"}, {"phone": "invalid"}),
        ({"category": ""}, {"category": "required"}),
        ({"category": "covid-prevention"}, {"category": "inactive"}),
        ({"category": "no-such"}, {"category": "invalid"}),
        ({"description": "   "}, {"description": "required"}),
        ({"description": "Đèn hỏng"}, {"description": "too_short"}),
        ({"description": "x" * 4001}, {"description": "too_long"}),
        ({"description": "Đèn hỏng ở <gần chợ Phan Rang> <img src=x onerror=alert(1)>"}, {}),
        ({"description": "Đèn hỏng ở gần chợ\x00 Phan Rang"}, {"description": "control"}),
        ({"unit_code": None}, {"location": "required"}),
        ({"unit_code": None, "unit_text": "Phường Không Có"}, {"unit": "unknown"}),
        ({"unit_code": None, "lat": POINT[0], "lon": POINT[1]}, {}),  # a point on the map is enough
        ({"lat": 10.77, "lon": 106.70}, {"location": "outside"}),  # Saigon
        ({"address": "x" * 301}, {"address": "too_long"}),
    ],
)
def test_each_field_is_checked(jurisdiction, changes, problems) -> None:
    assert call_problems(good_call(**changes), jurisdiction) == problems


def test_a_call_becomes_a_new_hotline_report_with_a_provisional_number(jurisdiction) -> None:
    calendar = WorkingCalendar.for_jurisdiction(jurisdiction)
    call = good_call(unit_code=None, lat=POINT[0], lon=POINT[1], priority=Priority.HIGH)
    report = build_hotline_report(call, jurisdiction, OPERATOR, NOW, calendar, jurisdiction.policy)
    assert is_provisional(report.number) and len(report.number) == len("TAM-") + 8
    assert (report.channel, report.status, report.priority) == (Channel.HOTLINE, Status.NEW, Priority.HIGH)
    assert report.contact == Contact("Trần Văn Hùng", "0905123456")
    assert report.location == Location(POINT[0], POINT[1], "211 đường 16 Tháng 4", MY_DONG)
    [event] = report.history
    assert (event.action, event.actor, event.role, event.to_status) == (
        Action.SUBMIT,
        "ioc.nhung",
        Role.OPERATOR,
        Status.NEW,
    )
    assert event.data == {"channel": "hotline", "via": "staff"}
    assert (report.due_at, report.stage_due_at) == compute_deadlines(report, calendar, jurisdiction.policy)
    assert report.due_at is not None and report.due_at > NOW
    # The outbox carries what the hub's intake takes.
    assert submit_payload(report) == {
        "received_at": NOW.astimezone(UTC).isoformat(),  # the call's start: the hub's receipt, even if sent later
        "channel": "hotline",
        "category": "urban-infrastructure",
        "description": call.description,
        "title": "",
        "priority": "high",
        "location": {
            "lat": POINT[0],
            "lon": POINT[1],
            "address": "211 đường 16 Tháng 4",
            "unit_code": MY_DONG,
        },
        "contact": {"name": "Trần Văn Hùng", "phone": "0905123456", "email": ""},
    }
    assert (
        build_hotline_report(call, jurisdiction, OPERATOR, NOW, calendar, jurisdiction.policy).number
        != report.number
    )


# -- the form --------------------------------------------------------------------------------------


@pytest.fixture
def writable_store(demo_data_dir):
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    yield store
    store.close()


@pytest.fixture
def names(jurisdiction) -> Names:
    return Names(jurisdiction, "vi")


@pytest.fixture
def clock(jurisdiction) -> DeadlineClock:
    return DeadlineClock(jurisdiction, lambda: NOW)


@pytest.fixture
def open_form(qtbot, names, clock, writable_store, executor, jurisdiction):
    def open_(*, with_finder: bool = False, size: tuple[int, int] = (1100, 700)) -> IntakeDialog:
        finder = (
            DuplicateFinder(writable_store, jurisdiction, executor, debounce_ms=50) if with_finder else None
        )
        form = IntakeDialog(names, clock, OPERATOR, writable_store, executor, finder=finder)
        if finder is not None:
            finder.setParent(form)
        qtbot.addWidget(form)
        form.resize(*size)
        form.show()
        form.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
        return form

    return open_


def test_a_call_typed_from_the_keyboard_alone_is_saved_as_a_pending_report(
    qtbot, qtlog, open_form, writable_store, jurisdiction
) -> None:
    form = open_form()
    ui = form.ui
    assert focused() is ui.caller_edit  # the cursor waits in the first field
    type_here("Trần Văn Hùng")
    press(Qt.Key.Key_Tab)
    assert focused() is ui.phone_edit
    type_here("+84 905 123 456")
    press(Qt.Key.Key_Tab)
    assert ui.phone_edit.text() == "0905123456"  # shown as it will be stored
    assert focused() is ui.category_combo
    type_here("An")  # a closed combo box finds an item by its first letters (a space would open it)
    assert ui.category_combo.currentData() == "traffic-safety"
    press(Qt.Key.Key_Tab)
    assert focused() is ui.description_edit
    type_here("Đèn tín hiệu giao thông ở ngã tư chợ Mỹ Đông bị tắt từ sáng, xe cộ đi lộn xộn.")
    press(Qt.Key.Key_Tab)  # Tab leaves the description instead of typing a tab into it
    assert focused() in (ui.unit_combo, ui.unit_combo.lineEdit())
    # The offscreen platform warns that it cannot raise the completer's popup nor grab the keyboard.
    with qtlog.disabled():
        type_here("my dong")  # no diacritics needed
        assert form.unit_picker.matches("my dong") != []
        press(Qt.Key.Key_Tab)
    assert form.unit_picker.unit_code() == MY_DONG
    assert ui.unit_combo.currentText() == "Phường Mỹ Đông – Phan Rang–Tháp Chàm"
    assert focused() is ui.address_edit
    type_here("Ngã tư Ngô Gia Tự – Yên Ninh")
    press(Qt.Key.Key_Tab)
    assert focused() is ui.priority_combo  # "Xóa điểm" is skipped: there is no point to clear
    press(Qt.Key.Key_End)
    assert ui.priority_combo.currentData() == "urgent"
    shoot(form, "intake-typed")
    with qtbot.waitSignal(form.report_saved, timeout=TIMEOUT) as saved:
        press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    number = saved.args[0]
    assert is_provisional(number)
    assert form.result() == QDialog.DialogCode.Accepted and not form.isVisible()

    report = writable_store.get_report(number)
    assert (report.channel, report.status, report.category, report.priority) == (
        Channel.HOTLINE,
        Status.NEW,
        "traffic-safety",
        Priority.URGENT,
    )
    assert report.contact.phone == "0905123456" and report.contact.name == "Trần Văn Hùng"
    assert report.location.unit_code == MY_DONG and report.location.address == "Ngã tư Ngô Gia Tự – Yên Ninh"
    assert report.description.startswith("Đèn tín hiệu giao thông ở ngã tư chợ Mỹ Đông")
    # Received when the call began, and the call itself logged with its length after it.
    assert [e.action for e in report.history] == [Action.SUBMIT, Action.LOG_CALL]
    assert report.history[1].data["outcome"].startswith("Cuộc gọi đến đường dây nóng lúc 10:30:00, dài ")
    entry, logged = [e for e in writable_store.pending_actions() if e.report_number == number]
    assert (entry.action, entry.state, entry.base_version) == (Action.SUBMIT, OutboxState.PENDING, None)
    assert logged.action is Action.LOG_CALL
    assert entry.payload == submit_payload(report)
    rows = writable_store.query(ReportQuery(text=number))
    assert [(r.number, r.pending) for r in rows] == [(number, True)]  # in the queue, shown as pending


def test_alt_and_the_underlined_letter_jump_to_each_field(qtbot, open_form) -> None:
    form = open_form()
    ui = form.ui
    jumps = {
        Qt.Key.Key_S: (ui.phone_edit,),
        Qt.Key.Key_L: (ui.category_combo,),
        Qt.Key.Key_N: (ui.description_edit,),
        Qt.Key.Key_B: (ui.unit_combo, ui.unit_combo.lineEdit()),
        Qt.Key.Key_A: (ui.address_edit,),
        Qt.Key.Key_T: (ui.priority_combo,),
        Qt.Key.Key_H: (ui.caller_edit,),
    }
    for key, targets in jumps.items():
        press(key, Qt.KeyboardModifier.AltModifier)
        assert focused() in targets, key
    labels = [ui.caller_label, ui.phone_label, ui.category_label, ui.description_label]
    labels += [ui.unit_label, ui.address_label, ui.priority_label]
    assert all("&" in label.text() for label in labels)


def test_validation_messages_in_words_and_nothing_typed_is_lost(qtbot, open_form, writable_store) -> None:
    form = open_form(size=(1100, 720))
    ui = form.ui
    ui.caller_edit.setText("Lê Thị Mai")
    ui.phone_edit.setText("0905 12")
    ui.description_edit.setPlainText("Rác")
    form.unit_picker.combo.setEditText("Phường Không Có")
    ui.address_edit.setText("Hẻm 5")
    form.save()
    messages = {
        field: label.text()
        for field, label in {
            "caller": ui.caller_error,
            "phone": ui.phone_error,
            "category": ui.category_error,
            "description": ui.description_error,
            "unit": ui.unit_error,
            "location": ui.location_error,
        }.items()
    }
    assert messages == {
        "caller": "",
        "phone": "Số điện thoại không đúng: di động 10 số bắt đầu bằng 03, 05, 07, 08, 09; "
        "cố định 11 số bắt đầu bằng 02 (ví dụ 0259 3822 123).",
        "category": "Cần chọn lĩnh vực.",
        "description": "Nội dung phản ánh quá ngắn: cần ít nhất 10 ký tự.",
        "unit": "Không có xã, phường nào tên «Phường Không Có»; chọn trong danh sách gợi ý.",
        "location": "",
    }
    assert ui.phone_error.isVisible() and not ui.caller_error.isVisible()
    assert focused() is ui.phone_edit  # the first field to fix
    assert ui.phone_edit.accessibleDescription() == messages["phone"]
    shoot(form, "intake-errors")
    # Everything typed is still there.
    assert (ui.caller_edit.text(), ui.phone_edit.text(), ui.description_edit.toPlainText()) == (
        "Lê Thị Mai",
        "0905 12",
        "Rác",
    )
    assert (ui.unit_combo.currentText(), ui.address_edit.text()) == ("Phường Không Có", "Hẻm 5")
    assert form.isVisible() and writable_store.pending_actions() == []

    # A message goes away as soon as the field is right.
    ui.phone_edit.setFocus()
    type_text(ui.phone_edit, "3456")
    assert ui.phone_error.text() == ""
    ui.description_edit.setPlainText("Rác thải đổ trộm đầu hẻm 5 từ hôm qua")
    assert ui.description_error.text() == ""
    ui.category_combo.setCurrentIndex(ui.category_combo.findData("environment"))
    assert ui.category_error.text() == ""
    form.unit_picker.set_unit_code(MY_DONG)
    with qtbot.waitSignal(form.report_saved, timeout=TIMEOUT):
        form.save()


def test_a_point_on_the_map_sets_the_ward_and_a_point_outside_is_refused(
    qtbot, open_form, jurisdiction
) -> None:
    form = open_form()
    form.set_point(10.77, 106.70)
    assert form.ui.location_error.text() == "Điểm đã chọn nằm ngoài địa bàn tỉnh."
    assert form.point() is None
    form.set_point(*POINT)
    assert form.ui.location_error.text() == ""
    assert form.point() == POINT
    assert form.unit_picker.unit_code() == jurisdiction.nearest_unit(*POINT).code == MY_DONG
    assert (
        form.ui.point_value.text() == f"{POINT[0]:.5f}, {POINT[1]:.5f} (Phường Mỹ Đông – Phan Rang–Tháp Chàm)"
    )
    assert form.ui.clear_point_button.isEnabled()
    # Another ward typed in: the point, now in the wrong place, is dropped.
    other = next(u.code for u in jurisdiction.leaf_units() if u.code != MY_DONG)
    form.unit_picker.set_unit_code(other)
    assert form.point() is None and not form.ui.clear_point_button.isEnabled()


def test_escape_asks_before_dropping_a_typed_call(qtbot, open_form) -> None:
    empty = open_form()
    press(Qt.Key.Key_Escape)
    assert empty.result() == QDialog.DialogCode.Rejected and not empty.isVisible()

    form = open_form()
    type_here("Phạm Văn Lộc")
    press(Qt.Key.Key_Escape)
    box = form.confirm_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text() == "Nội dung đã nhập sẽ không được lưu. Nhấn Enter để bỏ, Esc để tiếp tục nhập."
    QTest.keyClick(box, Qt.Key.Key_Escape)  # back to the form, nothing lost
    qtbot.waitUntil(lambda: form.confirm_box is None)
    assert form.isVisible() and form.ui.caller_edit.text() == "Phạm Văn Lộc"
    press(Qt.Key.Key_Escape)
    box = form.confirm_box
    QTest.keyClick(box, Qt.Key.Key_Return)  # Enter: drop it
    qtbot.waitUntil(lambda: not form.isVisible())
    assert form.result() == QDialog.DialogCode.Rejected


def _stored(j, number: str, description: str, point, *, days_ago: float, category="traffic-safety") -> Report:
    report = Report(
        number=number,
        channel=Channel.ZALO,
        category=category,
        description=description,
        location=Location(point[0], point[1], "", j.nearest_unit(*point).code),
        received_at=NOW - timedelta(days=days_ago),
    )
    report.due_at, report.stage_due_at = compute_deadlines(
        report, WorkingCalendar.for_jurisdiction(j), j.policy
    )
    return report


def test_suggested_duplicates_appear_as_the_call_is_typed(
    qtbot, open_form, writable_store, jurisdiction
) -> None:
    north = (POINT[0] + 0.0006, POINT[1])  # about 67 m
    far = (POINT[0] + 0.004, POINT[1])  # about 445 m: too far
    writable_store.upsert_reports(
        [
            _stored(
                jurisdiction,
                "PA-2026-990001",
                "Đèn tín hiệu ngã tư chợ Mỹ Đông bị tắt, rất nguy hiểm",
                north,
                days_ago=1,
            ),
            _stored(
                jurisdiction,
                "PA-2026-990002",
                "Ngã tư chợ Mỹ Đông đèn tín hiệu không hoạt động",
                POINT,
                days_ago=5,
            ),
            _stored(
                jurisdiction, "PA-2026-990003", "Đèn tín hiệu ngã tư chợ Mỹ Đông bị tắt", far, days_ago=1
            ),
            _stored(
                jurisdiction, "PA-2026-990004", "Đèn tín hiệu ngã tư chợ Mỹ Đông bị tắt", north, days_ago=9
            ),
            _stored(
                jurisdiction,
                "PA-2026-990005",
                "Hát karaoke ồn ào đến nửa đêm",
                north,
                days_ago=1,
                category="social-order",
            ),
        ]
    )
    form = open_form(with_finder=True)
    panel = form.duplicates
    assert panel.status_label.text().startswith("Chọn lĩnh vực và địa bàn")
    form.ui.description_edit.setPlainText("Đèn tín hiệu ở ngã tư chợ Mỹ Đông tắt từ sáng")
    form.ui.category_combo.setCurrentIndex(form.ui.category_combo.findData("traffic-safety"))
    assert panel.model.rowCount() == 0  # no place yet: nothing is searched
    with qtbot.waitSignal(form._finder.suggestions_found, timeout=TIMEOUT):
        form.set_point(*POINT)
    numbers = [s.number for s in panel.model.suggestions()]
    assert numbers == ["PA-2026-990001", "PA-2026-990002"]  # too far, too old and unrelated left out
    first = panel.model.index(0, 0).data().splitlines()
    assert first[0].startswith("PA-2026-990001 · cách 67 m · 26/11/2026 10:30 · Mới tiếp nhận")
    assert first[1] == "Đèn tín hiệu ngã tư chợ Mỹ Đông bị tắt, rất nguy hiểm"
    shoot(form, "intake-duplicates")
    with qtbot.waitSignal(form.open_report_requested) as asked:
        panel.open_button.click()
    assert asked.args == ["PA-2026-990001"]
    # Typing on narrows or widens the list (debounced); clearing the place clears it.
    with qtbot.waitSignal(form._finder.suggestions_found, timeout=TIMEOUT):
        form.ui.description_edit.setPlainText("Hát karaoke ồn ào đến nửa đêm")
    assert [s.number for s in panel.model.suggestions()] == ["PA-2026-990005"]
    # Filed under another category, it is still shown, with that category named.
    assert panel.model.index(0, 0).data().splitlines()[0].endswith("· Trật tự xã hội")
    form.clear_point()
    form.unit_picker.set_unit_code(None)
    assert panel.model.rowCount() == 0 and panel.status_label.text().startswith("Chọn lĩnh vực và địa bàn")

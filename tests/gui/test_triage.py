"""Triage dialogs: each builds its action's payload, refuses what the domain refuses (in words, with
what was typed kept), and goes through the action service to a pending local change."""

from __future__ import annotations

import copy
import json
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QVBoxLayout, QWidget

from ioc_console.demo import demo_photo_for
from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import apply_action, compute_deadlines
from ioc_console.domain.duplicates import Candidate
from ioc_console.domain.lifecycle import Action, Actor, Channel, Priority, Role, Status
from ioc_console.domain.replies import (
    OUTCOMES,
    PLACEHOLDERS,
    TemplateError,
    fill_template,
    placeholders_in,
    unfilled,
)
from ioc_console.domain.report import Attachment, Contact, Location, Report
from ioc_console.store import LocalStore, OutboxState

from ioc_console.gui.actions import ActionService
from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.duplicates import DuplicateFinder, DuplicatePanel
from ioc_console.gui.operations import Op
from ioc_console.gui.photos import PhotoCache, PhotoLoader
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.triage import (
    CategoryDialog,
    LogCallDialog,
    MergeDialog,
    PriorityDialog,
    RejectDialog,
    RelocateDialog,
    ReplyDialog,
    ReportWorkbench,
    RequestInfoDialog,
    TriageBar,
    TriageContext,
    TriageController,
    load_reply_templates,
    reply_values,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=TZ)
OPERATOR = Actor("ioc.lan", Role.OPERATOR)
TIMEOUT = 15_000
PHU_HA = "22747"  # Phường Phủ Hà, Phan Rang–Tháp Chàm
POINT = (11.5761, 108.9843)


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


@pytest.fixture
def ctx(jurisdiction) -> TriageContext:
    return TriageContext(Names(jurisdiction, "vi"), DeadlineClock(jurisdiction, lambda: NOW), OPERATOR)


def new_report(
    j,
    number: str = "PA-2026-900001",
    *,
    description: str = "Ổ gà lớn giữa đường Nguyễn Trãi, xe máy đi qua rất nguy hiểm",
    received: datetime = NOW - timedelta(hours=2),
    point: tuple[float, float] | None = POINT,
    category: str = "urban-infrastructure",
) -> Report:
    lat, lon = point if point is not None else (None, None)
    report = Report(
        number=number,
        channel=Channel.ZALO,
        category=category,
        description=description,
        location=Location(lat, lon, "trước số 12 Nguyễn Trãi", PHU_HA),
        received_at=received,
        contact=Contact("Nguyễn Văn An", "0905123456"),
    )
    report.due_at, report.stage_due_at = compute_deadlines(
        report, WorkingCalendar.for_jurisdiction(j), j.policy
    )
    return report


def resolved_report(j, make_report) -> Report:
    report = make_report(number="PA-2026-900009")
    agency = report.agency
    liaison = Actor("ubnd.an", Role.LIAISON, agency)
    at = report.history[-1].at + timedelta(hours=1)
    result = "UBND phường đã thay bóng đèn và kiểm tra lại hệ thống chiếu sáng trên tuyến"
    apply_action(
        report, Action.RESOLVE, liaison, {"result": result}, at, WorkingCalendar.for_jurisdiction(j), j.policy
    )
    return report


def dialog(qtbot, cls, *args):
    d = cls(*args)
    qtbot.addWidget(d)
    d.show()
    d.activateWindow()  # shortcuts such as Ctrl+Enter work in the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is d)
    return d


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key (QTest's own typing is ASCII only; Vietnamese letters carry their text)."""
    for ch in text:
        if ch.isascii():
            QTest.keyClick(widget, ch)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
            )


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key as the window system delivers it: to an open popup first, else to the focus widget."""
    target = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert target is not None
    QTest.keyClick(target, key, modifier)


def ctrl_enter(widget: QWidget) -> None:
    QTest.keyClick(widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


# -- each dialog's payload and refusals ------------------------------------------------------------


def test_category_dialog_classifies_and_names_the_routed_agency(qtbot, ctx, jurisdiction) -> None:
    report = new_report(jurisdiction)
    d = dialog(qtbot, CategoryDialog, report, ctx)
    combo = d.category_combo
    assert combo.currentData() == "urban-infrastructure"
    QTest.keyClick(combo, Qt.Key.Key_Enter, Qt.KeyboardModifier.NoModifier)  # nothing changes yet
    d.ok_button.click()
    assert d.error_label.text() == "Phản ánh đang thuộc lĩnh vực này; hãy chọn lĩnh vực khác."
    assert d.result() != QDialog.DialogCode.Accepted
    combo.setCurrentIndex(combo.findData("environment"))
    routed = jurisdiction.route("environment", PHU_HA)
    assert d.route_label.text() == f"Theo quy tắc phân công, chuyển cho: {routed.name}"
    shoot(d, "triage-category")
    ctrl_enter(combo)
    assert d.chosen_payload == {"category": "environment"}
    assert d.result() == QDialog.DialogCode.Accepted
    # Inactive categories are not offered (the hub takes no new reports in them).
    assert combo.findData("covid-prevention") == -1


def test_a_dialog_refuses_what_the_lifecycle_refuses(qtbot, ctx, jurisdiction, make_report) -> None:
    in_progress = make_report()
    d = dialog(qtbot, CategoryDialog, in_progress, ctx)
    d.category_combo.setCurrentIndex(d.category_combo.findData("environment"))
    d.ok_button.click()
    assert d.error_label.text() == "Không thể phân loại khi phản ánh đang ở trạng thái «Đang xử lý»."
    assert d.chosen_payload is None and d.isVisible()
    # A liaison may not log a call: the role is refused, in words.
    liaison_ctx = TriageContext(ctx.names, ctx.clock, Actor("ubnd.an", Role.LIAISON, in_progress.agency))
    call = dialog(qtbot, LogCallDialog, in_progress, liaison_ctx)
    call.result_combo.setCurrentIndex(call.result_combo.findData("no_answer"))
    call.ok_button.click()
    assert call.error_label.text() == "Vai trò «Cán bộ đầu mối đơn vị» không được phép ghi nhận cuộc gọi."


def test_priority_dialog(qtbot, ctx, jurisdiction) -> None:
    d = dialog(qtbot, PriorityDialog, new_report(jurisdiction), ctx)
    d.ok_button.click()
    assert d.error_label.text() == "Phản ánh đang ở mức ưu tiên này."
    d.priority_combo.setFocus()
    QTest.keyClick(d.priority_combo, Qt.Key.Key_End)  # keyboard: the last, most urgent level
    assert d.priority_combo.currentText() == "Khẩn"
    ctrl_enter(d.priority_combo)
    assert d.chosen_payload == {"priority": "urgent"}
    assert Priority(d.chosen_payload["priority"]) is Priority.URGENT


def test_relocate_by_unit_and_address_typed_without_diacritics(qtbot, qtlog, ctx, jurisdiction) -> None:
    report = new_report(jurisdiction, point=None)
    d = dialog(qtbot, RelocateDialog, report, ctx)
    assert not d.isModal()  # the map stays clickable while it is open
    d.unit_combo.lineEdit().clear()
    d.unit_combo.lineEdit().setFocus()
    # The offscreen platform warns that it cannot raise the completer's popup nor grab the keyboard.
    with qtlog.disabled():
        qtbot.keyClicks(d.unit_combo.lineEdit(), "my dong")
        press(Qt.Key.Key_Tab)
    my_dong = d.unit_picker.unit_code()
    assert my_dong is not None and jurisdiction.unit(my_dong).name == "Phường Mỹ Đông"
    d.address_edit.setText("  211 đường 16 Tháng 4  ")
    shoot(d, "triage-relocate")
    d.ok_button.click()
    assert d.chosen_payload == {
        "location": {"lat": None, "lon": None, "address": "211 đường 16 Tháng 4", "unit_code": my_dong}
    }


def test_relocate_by_a_point_on_the_map(qtbot, ctx, jurisdiction) -> None:
    report = new_report(jurisdiction)
    d = dialog(qtbot, RelocateDialog, report, ctx)
    d.ok_button.click()
    assert d.error_label.text() == "Vị trí chưa thay đổi."
    d.set_point(10.0, 106.7)  # Ho Chi Minh City
    assert d.error_label.text() == "Điểm vừa chọn nằm ngoài địa bàn tỉnh."
    assert d.point() == POINT
    lat, lon = 11.6713, 109.0353  # near Ninh Hải's Khánh Hải
    d.set_point(lat, lon)
    nearest = jurisdiction.nearest_unit(lat, lon)
    assert d.unit_picker.unit_code() == nearest.code
    assert d.point_value.text() == f"{lat:.5f}, {lon:.5f}"
    d.ok_button.click()
    assert d.chosen_payload["location"] == {
        "lat": lat,
        "lon": lon,
        "address": "trước số 12 Nguyễn Trãi",
        "unit_code": nearest.code,
    }


def test_picking_another_ward_drops_a_point_that_lies_outside_it(qtbot, ctx, jurisdiction) -> None:
    d = dialog(qtbot, RelocateDialog, new_report(jurisdiction), ctx)
    assert d.point() == POINT
    far = next(u for u in jurisdiction.leaf_units() if u.code != jurisdiction.nearest_unit(*POINT).code)
    d.unit_picker.set_unit_code(far.code)
    assert d.point() is None
    assert d.note_label.text() == "Điểm cũ trên bản đồ không thuộc xã, phường vừa chọn nên đã được bỏ."
    d.unit_combo.setEditText("không có xã này")
    d.ok_button.click()
    assert d.error_label.text() == "Không có xã, phường nào tên «không có xã này»."
    assert d.unit_combo.currentText() == "không có xã này"  # kept as typed


def test_log_call_outcome_in_words(qtbot, ctx, jurisdiction) -> None:
    d = dialog(qtbot, LogCallDialog, new_report(jurisdiction), ctx)
    assert d.result_combo.currentData() == "answered"
    d.ok_button.click()
    assert d.error_label.text() == "Cần ghi nội dung đã trao đổi với người phản ánh."
    assert d.focusWidget() is d.notes_edit
    type_text(d.notes_edit, "Công dân gọi lại hỏi địa chỉ; đã xác nhận trước số 12 Nguyễn Trãi.")
    d.direction_combo.setCurrentIndex(d.direction_combo.findData("incoming"))
    shoot(d, "triage-log-call")
    ctrl_enter(d.notes_edit)
    assert d.chosen_payload == {
        "outcome": "Người phản ánh gọi đến — đã trao đổi: "
        "Công dân gọi lại hỏi địa chỉ; đã xác nhận trước số 12 Nguyễn Trãi.",
        "direction": "incoming",
        "call_result": "answered",
    }
    unanswered = dialog(qtbot, LogCallDialog, new_report(jurisdiction), ctx)
    unanswered.result_combo.setCurrentIndex(unanswered.result_combo.findData("no_answer"))
    unanswered.ok_button.click()
    assert unanswered.chosen_payload["outcome"] == "Gọi điện cho người phản ánh — không nghe máy."


def test_request_info_starts_from_a_question_and_keeps_what_is_written(qtbot, ctx, jurisdiction) -> None:
    report = new_report(jurisdiction)
    d = dialog(qtbot, RequestInfoDialog, report, ctx)
    assert d.text_edit.toPlainText().startswith("Đề nghị ông/bà Nguyễn Văn An cho biết địa chỉ cụ thể")
    d.choice_combo.setCurrentIndex(d.choice_combo.findData("photo"))
    assert "hình ảnh hiện trường" in d.text_edit.toPlainText()
    d.text_edit.setPlainText("Đề nghị ông An cho biết ổ gà nằm bên trái hay bên phải đường.")
    d.choice_combo.setCurrentIndex(d.choice_combo.findData("time"))
    assert d.text_edit.toPlainText() == "Đề nghị ông An cho biết ổ gà nằm bên trái hay bên phải đường."
    shoot(d, "triage-request-info")
    d.ok_button.click()
    assert d.chosen_payload == {"question": "Đề nghị ông An cho biết ổ gà nằm bên trái hay bên phải đường."}
    waiting = copy.deepcopy(report)
    waiting.status = Status.NEEDS_INFO
    again = dialog(qtbot, RequestInfoDialog, waiting, ctx)
    again.ok_button.click()
    assert again.error_label.text() == (
        "Không thể yêu cầu bổ sung thông tin khi phản ánh đang ở trạng thái «Chờ bổ sung»."
    )


def test_reject_needs_a_real_reason(qtbot, ctx, jurisdiction, make_report) -> None:
    d = dialog(qtbot, RejectDialog, new_report(jurisdiction), ctx)
    d.choice_combo.setCurrentIndex(d.choice_combo.findData(""))  # "write my own"
    assert d.text_edit.toPlainText() == ""
    type_text(d.text_edit, "spam")
    d.ok_button.click()
    assert d.error_label.text() == "Cần ghi lý do từ chối (ít nhất 10 ký tự)."
    assert d.text_edit.toPlainText() == "spam"
    d.text_edit.setPlainText("Tin nhắn quảng cáo \x1b[31m")
    d.ok_button.click()
    assert d.error_label.text() == "Nội dung chứa ký tự điều khiển không hợp lệ."
    d.text_edit.setPlainText("Tin nhắn quảng cáo <img src=x onerror=alert(1)>")
    d.choice_combo.setCurrentIndex(d.choice_combo.findData("scope"))  # edited text is kept...
    assert "quảng cáo" in d.text_edit.toPlainText()
    d.text_edit.clear()
    d.choice_combo.setCurrentIndex(d.choice_combo.findData("spam"))  # ...an emptied one is refilled
    shoot(d, "triage-reject")
    d.ok_button.click()
    assert d.chosen_payload == {
        "reason": "Nội dung không phải phản ánh hiện trường (quảng cáo, tin nhắn rác hoặc không rõ nội dung)."
    }
    late = dialog(qtbot, RejectDialog, make_report(), ctx)
    late.ok_button.click()
    assert late.error_label.text() == "Không thể từ chối khi phản ánh đang ở trạng thái «Đang xử lý»."


def test_merge_keeps_the_first_report_and_refuses_a_direction_the_lifecycle_forbids(
    qtbot, ctx, jurisdiction, make_report
) -> None:
    first = new_report(jurisdiction, "PA-2026-900001", received=NOW - timedelta(days=2))
    second = new_report(jurisdiction, "PA-2026-900002", received=NOW - timedelta(hours=1))
    d = dialog(qtbot, MergeDialog, second, first, ctx)
    duplicate, original = d.chosen()
    assert (duplicate.number, original.number) == ("PA-2026-900002", "PA-2026-900001")
    assert d.direction_buttons[0].isChecked()
    assert (
        d.direction_buttons[0].text() == "PA-2026-900002 là bản trùng của PA-2026-900001 (giữ PA-2026-900001)"
    )
    shoot(d, "triage-merge")
    d.ok_button.click()
    assert d.chosen_payload == {"original": "PA-2026-900001"}
    assert d.target().number == "PA-2026-900002"

    # The earlier report is already with an agency: only the later one can become the duplicate...
    handled = make_report(number="PA-2026-900003")  # received in March, in progress
    fresh = new_report(jurisdiction, "PA-2026-900004", received=handled.received_at + timedelta(days=1))
    turned = dialog(qtbot, MergeDialog, handled, fresh, ctx)
    assert turned.direction_buttons[0].isEnabled()
    assert turned.chosen()[0].number == "PA-2026-900004"
    # ...and when the lifecycle forbids both, the dialog says why rather than merging.
    other = make_report(number="PA-2026-900005")
    both = dialog(qtbot, MergeDialog, handled, other, ctx)
    assert not any(b.isEnabled() for b in both.direction_buttons)
    both.ok_button.click()
    assert both.error_label.text().startswith("Không thể đánh dấu trùng lặp khi phản ánh đang ở trạng thái")


# -- the reply composer and its templates ----------------------------------------------------------


def test_every_shipped_template_is_well_formed(jurisdiction) -> None:
    templates = load_reply_templates()
    assert len(templates) >= 15
    for category in jurisdiction.active_categories():
        offered = templates.for_category(category.code)
        assert [t.outcome for t in offered] == list(OUTCOMES)  # every outcome, own or default
        assert offered[0].category == category.code  # each category words its own "resolved"
        for t in offered:
            assert set(placeholders_in(t.text)) <= set(PLACEHOLDERS)
            assert "{agency}" in t.text and "{number}" in t.text


def test_reply_values_fill_a_template(jurisdiction, make_report) -> None:
    report = resolved_report(jurisdiction, make_report)
    names = Names(jurisdiction, "vi")
    values = reply_values(report, names)
    assert values["citizen"] == "ông/bà Nguyễn Văn An"
    assert values["received"] == "09/03/2026"
    assert values["province"] == "tỉnh Ninh Thuận"
    assert values["result"].endswith("trên tuyến.")  # a sentence
    text = fill_template("{number}: {agency} — {result} ({citizen}, {unknown})", values)
    assert text.startswith("PA-2026-900009: ")
    assert "{" not in text.replace("{unknown}", "")
    assert unfilled("Kết quả: {result} {agency} {x}") == ["result", "agency"]
    no_result = copy.deepcopy(report)
    no_result.result = ""
    assert "{result}" in fill_template("{result}", reply_values(no_result, names))


def test_a_malformed_template_file_is_named(tmp_path: Path) -> None:
    shutil.copyfile(
        Path(__file__).resolve().parents[2] / "resources" / "reply_templates" / "default.json",
        tmp_path / "default.json",
    )
    assert len(load_reply_templates(tmp_path)) == 5
    (tmp_path / "roads.json").write_text(
        json.dumps(
            {
                "format": 1,
                "category": "x",
                "templates": [{"outcome": "resolved", "title": "t", "text": "{agnecy}"}],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(TemplateError, match=r"roads\.json, template 1: unknown placeholder \{agnecy\}"):
        load_reply_templates(tmp_path)
    (tmp_path / "roads.json").write_text('{"format": 1, "category": "x", "templates": [{"outcome": "won"}]}')
    with pytest.raises(TemplateError, match="unknown outcome 'won'"):
        load_reply_templates(tmp_path)


def test_reply_composer_fills_edits_and_publishes(qtbot, ctx, jurisdiction, make_report) -> None:
    report = resolved_report(jurisdiction, make_report)
    d = dialog(qtbot, ReplyDialog, report, ctx, load_reply_templates())
    d.resize(760, 640)
    text = d.reply_edit.toPlainText()
    assert d.outcome_combo.currentData() == "resolved"
    # The letter names the citizen; the public reply, filled from the same template, does not.
    assert d.letter_edit.toPlainText().startswith(
        "Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Ninh Thuận trả lời phản ánh số "
        "PA-2026-900009 của ông/bà Nguyễn Văn An gửi ngày 09/03/2026 về hạ tầng đô thị"
    )
    assert text.startswith(
        "Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Ninh Thuận trả lời phản ánh số "
        "PA-2026-900009 của người phản ánh gửi ngày 09/03/2026 về hạ tầng đô thị"
    )
    assert "Nguyễn Văn An" not in text and "12 Nguyễn Trãi" in text  # a street is no person
    assert jurisdiction.agency(report.agency).name in text
    assert "đã thay bóng đèn" in text and unfilled(text) == []
    d.outcome_combo.setCurrentIndex(d.outcome_combo.findData("in_plan"))
    assert "kế hoạch duy tu" in d.reply_edit.toPlainText()  # untouched text follows the template
    d.reply_edit.appendPlainText("Đường dây nóng: 1022.")
    d.outcome_combo.setCurrentIndex(d.outcome_combo.findData("resolved"))
    assert d.reply_edit.toPlainText().endswith("Đường dây nóng: 1022.")  # an edited reply is kept
    shoot(d, "triage-reply")
    ctrl_enter(d.reply_edit)
    assert d.chosen_payload == {
        "reply": d.reply_edit.toPlainText().strip(),
        "letter": d.letter_edit.toPlainText().strip(),
    }
    assert "ông/bà Nguyễn Văn An" in d.chosen_payload["letter"]

    # An operator who names the citizen in the public reply is told it will be blanked.
    named = dialog(qtbot, ReplyDialog, report, ctx, load_reply_templates())
    named.reply_edit.setPlainText("Đã trả lời ông Nguyễn Văn An qua số 0905 123 456.")
    assert "sẽ được che" in named.count_label.text()

    # A blank left in the text is refused before anything is published.
    blank = dialog(qtbot, ReplyDialog, report, ctx, load_reply_templates())
    blank.reply_edit.setPlainText("Kết quả: {result}. Trân trọng.")
    blank.ok_button.click()
    assert blank.error_label.text() == "Còn chỗ trống chưa điền trong nội dung trả lời: {result}"
    # Before the agency has resolved it, there is nothing to publish.
    early = dialog(qtbot, ReplyDialog, make_report(), ctx, load_reply_templates())
    early.ok_button.click()
    assert (
        early.error_label.text() == "Không thể công khai trả lời khi phản ánh đang ở trạng thái «Đang xử lý»."
    )


# -- through the action service to the local store -------------------------------------------------


@pytest.fixture
def writable_store(demo_data_dir):
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    yield store
    store.close()


@pytest.fixture
def service(qtbot, writable_store, jurisdiction, executor, ctx):
    svc = ActionService(
        writable_store, jurisdiction, executor, OPERATOR, ctx.clock, ctx.names, undo_seconds=0
    )
    yield svc


def _controller(service, ctx, store, executor) -> TriageController:
    def load(number, callback):
        Op(lambda: store.get_report(number)).on_success(callback).run(executor)

    return TriageController(service, ctx, load_report=load)


def test_a_dialog_acts_through_the_service_and_the_report_is_pending(
    qtbot, ctx, jurisdiction, service, writable_store, executor
) -> None:
    report = new_report(jurisdiction)
    writable_store.upsert_reports([report])
    controller = _controller(service, ctx, writable_store, executor)
    d = controller.open(Action.SET_PRIORITY, report)
    qtbot.addWidget(d)
    d.priority_combo.setCurrentIndex(d.priority_combo.findData("high"))
    with qtbot.waitSignal(controller.acted, timeout=TIMEOUT) as acted:
        d.ok_button.click()
    assert acted.args == [Action.SET_PRIORITY, [report.number]]
    qtbot.waitUntil(lambda: not d.isVisible(), timeout=TIMEOUT)
    assert d.result() == QDialog.DialogCode.Accepted
    stored = writable_store.get_report(report.number)
    assert stored.priority is Priority.HIGH
    assert stored.history[-1].action is Action.SET_PRIORITY
    entries = [e for e in writable_store.pending_actions() if e.report_number == report.number]
    assert [(e.action, e.payload, e.state) for e in entries] == [
        (Action.SET_PRIORITY, {"priority": "high"}, OutboxState.PENDING)
    ]


def test_a_refusal_from_the_service_keeps_the_dialog_open_with_the_reason(
    qtbot, ctx, jurisdiction, service, writable_store, executor
) -> None:
    report = new_report(jurisdiction)
    writable_store.upsert_reports([report])
    controller = _controller(service, ctx, writable_store, executor)
    d = controller.open(Action.REJECT, report)  # opened on the copy the operator is looking at
    qtbot.addWidget(d)
    # Meanwhile the report was forwarded (another operator, synced in): the store's copy has moved on.
    moved = copy.deepcopy(report)
    apply_action(
        moved, Action.FORWARD, OPERATOR, {"agency": "so-xd"}, NOW, ctx.clock.calendar, ctx.clock.policy
    )
    writable_store.upsert_reports([moved], force=True)
    with qtbot.waitSignal(service.request_finished, timeout=TIMEOUT):
        d.ok_button.click()
    assert d.isVisible()
    assert d.error_label.text() == "Không thể từ chối khi phản ánh đang ở trạng thái «Đã chuyển xử lý»."
    assert d.ok_button.isEnabled()
    assert writable_store.get_report(report.number).status is Status.FORWARDED
    assert [e for e in writable_store.pending_actions() if e.report_number == report.number] == []


def test_the_bar_offers_only_what_the_lifecycle_allows(
    qtbot, ctx, jurisdiction, make_report, service
) -> None:
    controller = TriageController(service, ctx)
    bar = TriageBar(controller)
    qtbot.addWidget(bar)
    assert not any(t.isEnabled() for t in bar.tools.values())
    bar.set_report(new_report(jurisdiction))
    enabled = {a for a, t in bar.tools.items() if t.isEnabled()}
    assert enabled == {
        Action.CLASSIFY,
        Action.SET_PRIORITY,
        Action.RELOCATE,
        Action.LOG_CALL,
        Action.REQUEST_INFO,
        Action.REJECT,
    }
    bar.set_report(make_report())
    reject = bar.tools[Action.REJECT]
    assert not reject.isEnabled()
    assert (
        reject.toolTip() == "Từ chối phản ánh\nKhông thể từ chối khi phản ánh đang ở trạng thái «Đang xử lý»."
    )
    refused = []
    controller.refused.connect(refused.append)
    assert controller.open(Action.REJECT, make_report()) is None
    assert refused == ["Không thể từ chối khi phản ánh đang ở trạng thái «Đang xử lý»."]


def test_map_clicks_reach_an_open_relocate_dialog(qtbot, ctx, jurisdiction, service) -> None:
    controller = TriageController(service, ctx)
    opened = []
    controller.relocating.connect(opened.append)
    d = controller.open(Action.RELOCATE, new_report(jurisdiction))
    qtbot.addWidget(d)
    assert opened == [d]
    controller.set_point(11.6713, 109.0353)
    assert d.point() == (11.6713, 109.0353)
    d.reject()
    assert opened == [d, None]
    controller.set_point(11.6, 109.0)  # nothing open: ignored


def test_suggested_duplicates_when_a_report_opens_and_the_merge(
    qtbot, ctx, jurisdiction, service, writable_store, executor
) -> None:
    first = new_report(jurisdiction, "PA-2026-900011", received=NOW - timedelta(days=3))
    near = (POINT[0] + 0.0009, POINT[1])  # 100 m north
    second = new_report(
        jurisdiction,
        "PA-2026-900012",
        description="Đường Nguyễn Trãi có ổ gà rất lớn, nguy hiểm cho xe máy",
        point=near,
    )
    unrelated = new_report(jurisdiction, "PA-2026-900013", description="Karaoke hát to quá khuya", point=near)
    writable_store.upsert_reports([first, second, unrelated])
    finder = DuplicateFinder(writable_store, jurisdiction, executor)
    panel = DuplicatePanel(ctx.names)
    qtbot.addWidget(panel)
    panel.resize(420, 300)
    panel.show()
    finder.suggestions_found.connect(lambda _key, found: panel.show_suggestions(found))
    with qtbot.waitSignal(finder.suggestions_found, timeout=TIMEOUT) as found:
        finder.find_now(Candidate.of(second), second.number)
    numbers = [s.number for s in found.args[1]]
    assert numbers[0] == "PA-2026-900011"
    assert "PA-2026-900013" not in numbers and "PA-2026-900012" not in numbers
    assert panel.status_label.text().endswith("phản ánh gần đó trong 7 ngày có nội dung tương tự:")
    headline = panel.model.index(0, 0).data().splitlines()[0]
    assert headline.startswith("PA-2026-900011 · cách 100 m · ")
    shoot(panel, "triage-duplicates")

    controller = _controller(service, ctx, writable_store, executor)
    with qtbot.waitSignal(panel.merge_requested) as asked:
        panel.merge_button.click()
    controller.merge(second, asked.args[0])
    qtbot.waitUntil(lambda: isinstance(controller.dialog, MergeDialog), timeout=TIMEOUT)
    merge = controller.dialog
    qtbot.addWidget(merge)
    with qtbot.waitSignal(controller.acted, timeout=TIMEOUT):
        merge.ok_button.click()
    duplicate = writable_store.get_report("PA-2026-900012")
    original = writable_store.get_report("PA-2026-900011")
    assert duplicate.status is Status.DUPLICATE and duplicate.duplicate_of == "PA-2026-900011"
    # Both histories are kept: the duplicate's own steps and the original untouched.
    assert [e.action for e in duplicate.history] == [Action.MARK_DUPLICATE]
    assert original.status is Status.NEW and original.version == first.version


def test_the_workbench_follows_the_report_shown(
    qtbot, ctx, jurisdiction, service, writable_store, executor, make_report, tmp_path
) -> None:
    first = new_report(jurisdiction, "PA-2026-900021", received=NOW - timedelta(days=1))
    second = new_report(jurisdiction, "PA-2026-900022", point=(POINT[0] + 0.0003, POINT[1]))
    second.attachments = [
        Attachment(f"PA-2026-900022-{n}", "photo", "image/png", 100, added_at=NOW) for n in (1, 2)
    ]
    writable_store.upsert_reports([first, second])
    photos = PhotoLoader(demo_photo_for, PhotoCache(tmp_path / "photos"))
    finder = DuplicateFinder(writable_store, jurisdiction, executor)
    bench = ReportWorkbench(_controller(service, ctx, writable_store, executor), finder, photos)
    side = QWidget()
    qtbot.addWidget(side)
    box = QVBoxLayout(side)
    box.addWidget(bench.bar)
    box.addWidget(bench.extras)
    side.resize(520, 560)
    side.show()
    with qtbot.waitSignal(finder.suggestions_found, timeout=TIMEOUT):
        bench.show_report(second)
    assert (
        bench.bar.tools[Action.REJECT].isEnabled() and not bench.bar.tools[Action.PUBLISH_REPLY].isEnabled()
    )
    assert bench.photo_box.isVisible()
    qtbot.waitUntil(lambda: bench.photos.photo_model.is_loaded("PA-2026-900022-2"), timeout=TIMEOUT)
    assert bench.duplicates_box.isVisible()
    assert [s.number for s in bench.duplicates.model.suggestions()] == ["PA-2026-900021"]
    shoot(side, "triage-workbench")
    with qtbot.waitSignal(bench.open_requested) as opened:
        bench.duplicates.open_button.click()
    assert opened.args == ["PA-2026-900021"]
    # Once with an agency: no merging offered, no photos to show, the reply not yet possible.
    bench.show_report(make_report())
    assert not bench.duplicates_box.isVisible() and not bench.photo_box.isVisible()
    assert not bench.bar.tools[Action.REJECT].isEnabled()
    photos.shutdown()

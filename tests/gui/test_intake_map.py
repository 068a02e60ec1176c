"""The hotline form's own map, the question when a point and the ward typed disagree, the call's start
and length, and the "gọi lại lúc…" reminder that comes when it is due."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from test_intake import MY_DONG, NOW, OPERATOR, POINT, TIMEOUT, shoot, writable_store  # noqa: F401
from test_workspace import integrated  # noqa: F401 (the fixture)

from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Action
from ioc_console.store import LocalStore

from ioc_console.gui.callbacks import CallbackReminders
from ioc_console.gui.intake import IntakeDialog
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.theme import dark_palette


@pytest.fixture
def moments() -> list:  # type: ignore[type-arg]
    return [NOW]


@pytest.fixture
def form(qtbot, jurisdiction, writable_store, executor, moments):  # type: ignore[no-untyped-def]  # noqa: F811
    clock = DeadlineClock(jurisdiction, lambda: moments[0])
    dialog = IntakeDialog(Names(jurisdiction, "vi"), clock, OPERATOR, writable_store, executor)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _click_map(form: IntakeDialog, lat: float, lon: float) -> None:
    spot = form.map.position_of(lat, lon)
    QTest.mouseClick(form.map, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot.toPoint())


def _fill(form: IntakeDialog) -> None:
    ui = form.ui
    ui.caller_edit.setText("Trần Văn Hùng")
    ui.phone_edit.setText("0905 123 456")
    ui.category_combo.setCurrentIndex(ui.category_combo.findData("urban-infrastructure"))
    ui.description_edit.setPlainText("Đèn đường hỏng cả dãy trước số 211 đường 16 Tháng 4, tối om")


def test_the_form_has_its_own_map_and_a_click_on_it_places_the_report(
    qtbot, form: IntakeDialog, jurisdiction: Jurisdiction, tmp_path: Path
) -> None:
    assert form.map.isVisible() and form.isAncestorOf(form.map)
    assert form.map.width() >= 220 and form.map.height() >= 180

    # The map and the form share the dialog: the map is beside the fields, not under them.
    def where(widget):  # type: ignore[no-untyped-def]
        return QRect(widget.mapTo(form, QPoint(0, 0)), widget.size())

    assert not where(form.map).intersects(where(form.ui.description_edit))
    assert form.rect().contains(where(form.map))
    _click_map(form, *POINT)
    lat, lon = form.point()  # type: ignore[misc]
    assert abs(lat - POINT[0]) < 0.01 and abs(lon - POINT[1]) < 0.01
    assert form.unit_picker.unit_code() == MY_DONG  # nothing typed yet: the map says the ward
    assert form.map.point() == form.point()
    shoot(form, "intake-own-map")
    form.setPalette(dark_palette())  # the small map follows the palette
    shoot(form, "intake-own-map-dark")


def test_a_click_in_another_ward_than_the_one_typed_asks_which_is_right(
    qtbot, form: IntakeDialog, jurisdiction: Jurisdiction
) -> None:
    form.unit_picker.set_unit_code(MY_DONG)
    elsewhere = next(u for u in jurisdiction.leaf_units() if u.code != MY_DONG and u.lat is not None)
    assert jurisdiction.nearest_unit(elsewhere.lat, elsewhere.lon).code == elsewhere.code  # type: ignore[arg-type]
    # From the form's map: asked, and nothing is replaced until the operator answers.
    _click_map(form, elsewhere.lat, elsewhere.lon)  # type: ignore[arg-type]
    box = form.point_question
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert elsewhere.name in box.text() and "Mỹ Đông" in box.text()
    assert form.unit_picker.unit_code() == MY_DONG and form.point() is None
    _use_point, keep_ward = form.point_choices
    assert box.defaultButton() is keep_ward  # Enter keeps what was typed
    keep_ward.click()
    assert form.unit_picker.unit_code() == MY_DONG and form.point() is None
    # From the main map (the workspace hands its clicks to set_point): asked the same way.
    form.set_point(elsewhere.lat, elsewhere.lon)  # type: ignore[arg-type]
    assert form.point_question is not None and form.unit_picker.unit_code() == MY_DONG
    form.point_choices[0].click()  # the map is right
    assert form.unit_picker.unit_code() == elsewhere.code
    assert form.point() == (elsewhere.lat, elsewhere.lon)
    # A click within the ward typed asks nothing.
    form.set_point(elsewhere.lat + 0.0001, elsewhere.lon)  # type: ignore[operator]
    assert form.point_question is None and form.point()[0] == pytest.approx(elsewhere.lat + 0.0001)  # type: ignore[index,operator]


def test_the_call_shows_its_start_and_length_and_is_logged_with_them(
    qtbot,
    form: IntakeDialog,
    writable_store: LocalStore,  # noqa: F811 (the fixture)
    moments: list,  # type: ignore[type-arg]
) -> None:
    assert form.ui.call_value.text() == "bắt đầu 10:30:00 · đã 00:00"
    moments[0] = NOW + timedelta(minutes=2, seconds=13)
    qtbot.waitUntil(lambda: form.ui.call_value.text() == "bắt đầu 10:30:00 · đã 02:13", timeout=3000)
    _fill(form)
    form.unit_picker.set_unit_code(MY_DONG)
    with qtbot.waitSignal(form.report_saved, timeout=TIMEOUT) as saved:
        form.save()
    report = writable_store.get_report(saved.args[0])
    assert report.received_at == NOW  # received when the phone was picked up, not when saved
    assert [e.action for e in report.history] == [Action.SUBMIT, Action.LOG_CALL]
    assert report.history[1].data["outcome"] == "Cuộc gọi đến đường dây nóng lúc 10:30:00, dài 2 phút 13 giây"
    submit, logged = [e for e in writable_store.pending_actions() if e.report_number == report.number]
    assert submit.payload["received_at"] == "2026-11-27T03:30:00+00:00"
    assert logged.payload == {"outcome": report.history[1].data["outcome"]}


def test_a_callback_time_surfaces_when_it_is_due(qtbot, integrated) -> None:  # noqa: F811
    w = integrated()
    with qtbot.waitSignal(w.ws.intake_opened, timeout=TIMEOUT) as opened:
        w.ws.intake_action.trigger()
    form = opened.args[0]
    _fill(form)
    form.unit_picker.set_unit_code(MY_DONG)
    shoot(form, "intake-in-workspace")
    ui = form.ui
    assert not ui.callback_edit.isEnabled()
    ui.callback_check.setChecked(True)
    assert ui.callback_edit.isEnabled()
    ui.callback_edit.setDateTime(ui.callback_edit.dateTime().addSecs(30 * 60 - 3600))  # in 30 minutes
    with qtbot.waitSignal(form.report_saved, timeout=TIMEOUT) as saved:
        form.save()
    number = saved.args[0]
    assert list(w.ws.callbacks.pending) == [number]
    w.ws.callbacks.check()
    assert w.ws.callback_box is None  # not yet
    # Kept in the settings (number and time only), for a console started again meanwhile.
    again = CallbackReminders(QSettings(w.settings.fileName(), QSettings.Format.IniFormat), lambda: w.now[0])
    assert list(again.pending) == [number]
    again.stop()
    assert "0905" not in Path(w.settings.fileName()).read_text(encoding="utf-8")
    # The hub numbers the call meanwhile: the reminder follows it.
    w.ws.report_numbered(number, "PA-2026-000777")
    assert list(w.ws.callbacks.pending) == ["PA-2026-000777"]
    w.ws.report_numbered("PA-2026-000777", number)  # (the local copy still knows it as before)
    w.now[0] = NOW + timedelta(minutes=31)
    w.show_queue(qtbot, text="PA-T", sort="number", descending=True)  # the operator is elsewhere
    with qtbot.waitSignal(w.window.report_shown, timeout=TIMEOUT):
        w.select(qtbot, ["PA-T-1"])
    said = []
    w.ws.callbacks.due.connect(lambda n, _at: said.append(n))
    w.ws.callbacks.check()
    assert said == [number]
    qtbot.waitUntil(lambda: w.ws.callback_box is not None, timeout=TIMEOUT)
    box = w.ws.callback_box
    assert box.isVisible() and "Trần Văn Hùng — 0905123456" in box.text() and "11:00" in box.text()
    assert "Đến giờ gọi lại" in w.window.statusBar().currentMessage()
    assert w.ws.callbacks.pending == {}  # said once
    opened_button = next(b for b in box.buttons() if "Mở phản ánh" in b.text())
    with qtbot.waitSignal(w.window.report_shown, timeout=TIMEOUT) as shown:
        opened_button.click()
    assert shown.args[0] == number

"""Hotline intake: a phone call typed in as a new report, fast from the keyboard alone.

The form is ``ui/intake.ui`` (compiled to ``gui/forms/ui_intake.py``): caller, phone, category,
description, the place (a ward or commune typed by name with or without diacritics, and an address;
or a point clicked on the form's own small map, or on the main map, through
:meth:`IntakeDialog.set_point`) and the priority. A point in another ward than the one typed is
never taken silently: the form asks which is right. The call's start and how long it has lasted
show as it goes; the start is the report's time of receipt and the call is logged with its length
when saved. "Gọi lại lúc…" sets a time to call the citizen back (the workspace reminds the operator
when it comes: :class:`~ioc_console.gui.callbacks.CallbackReminders`). Tab moves
through the fields in order, Alt with the underlined letter jumps to one, Ctrl+Enter saves, Esc
cancels (after asking, when something was typed). A field that is wrong says so in words under it
and keeps what was typed.

The console cannot number a report: the hub does. A saved call is a :class:`Report` with a
provisional number (``TAM-`` and eight hex digits), the hotline channel, status "new", its receipt
event and deadlines, written to the local store with a ``submit`` outbox entry in one transaction
(:func:`save_hotline_report`). It shows at once as pending; the sync sends it to the hub's intake,
which gives it its real number (the jurisdiction's scheme, :mod:`ioc_console.domain.numbering`). The
provisional number is never shown as the report's: the workspace says the number will come from the
hub, and shows it once it has (:meth:`Workspace.report_numbered`).

While the operator types, once the category and the place are known, reports near in place and
time with similar words are listed beside the form (:class:`~ioc_console.gui.duplicates.DuplicateFinder`).

Signals of :class:`IntakeDialog`:
    report_saved(str): the provisional number of the report just written (pending).
    callback_wanted(str, object): the operator set a time to call back about this report (its
        provisional number, an aware datetime).
    open_report_requested(str): the operator wants to see a suggested duplicate.
"""

from __future__ import annotations

import copy
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QWidget

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import apply_action, compute_deadlines
from ioc_console.domain.duplicates import Candidate
from ioc_console.domain.jurisdiction import DeadlinePolicy, Jurisdiction
from ioc_console.domain.lifecycle import Action, Actor, Channel, Priority, Status
from ioc_console.domain.report import Contact, Event, Location, Report
from ioc_console.domain.text import has_control_characters, normalize_phone
from ioc_console.store import PROVISIONAL_PREFIX, LocalStore, OutboxEntry, is_provisional

from ioc_console.gui.duplicates import DuplicateFinder, DuplicatePanel, WrappedHeights, fit_wrapped
from ioc_console.gui.forms.ui_intake import Ui_IntakeDialog
from ioc_console.gui.operations import DatabaseExecutor, Op
from ioc_console.gui.point_map import PointMap
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.triage import ERROR_STYLE, UnitPicker, compact

log = logging.getLogger(__name__)

#: Limits of the hub's intake (``hub/validate.py``), checked here first so nothing is refused later.
MAX_NAME = 100
MAX_DESCRIPTION = 4000
MAX_ADDRESS = 300
MIN_DESCRIPTION = 10
#: "Gọi lại lúc…" starts this long after the form opens.
CALLBACK_DEFAULT = timedelta(hours=1)

#: Vietnamese numbers in national form: mobiles (03, 05, 07, 08, 09 + 8 digits) and landlines
#: (02 + area code + subscriber: 11 digits in all).
_MOBILE = re.compile(r"0[35789]\d{8}")
_LANDLINE = re.compile(r"02\d{9}")
#: What a typed phone number may hold besides digits.
_PHONE_CHARS = re.compile(r"[\d\s.\-()+]*")


def vn_phone(text: str) -> str | None:
    """``text`` as a Vietnamese number in national form (``0905123456``), or None if it is not one.

    Spaces, dots, dashes, brackets and a ``+84``/``84`` prefix are accepted as people type them.
    """
    text = text.strip()
    if not text or not _PHONE_CHARS.fullmatch(text):
        return None
    national = normalize_phone(text)
    if _MOBILE.fullmatch(national) or _LANDLINE.fullmatch(national):
        return national
    return None


def provisional_number() -> str:
    """A number the report goes by until the hub gives it its own."""
    return PROVISIONAL_PREFIX + uuid.uuid4().hex[:8].upper()


@dataclass(frozen=True)
class HotlineCall:
    """What the operator typed in (texts as typed; :func:`call_problems` says what is wrong)."""

    caller: str = ""
    phone: str = ""
    category: str = ""
    description: str = ""
    unit_code: str | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    priority: Priority = Priority.NORMAL
    #: The text typed in the unit field when it names no unit (for the message).
    unit_text: str = ""


def call_problems(call: HotlineCall, j: Jurisdiction) -> dict[str, str]:
    """Field -> problem code, for every field that is wrong (empty when the call can be saved).

    Fields: ``caller``, ``phone``, ``category``, ``description``, ``unit``, ``address``,
    ``location``. Codes: ``too_long``, ``invalid``, ``required``, ``inactive``, ``too_short``,
    ``control``, ``unknown``, ``outside``.
    """
    problems: dict[str, str] = {}
    caller = call.caller.strip()
    if len(caller) > MAX_NAME:
        problems["caller"] = "too_long"
    elif has_control_characters(caller):
        problems["caller"] = "control"
    if call.phone.strip() and vn_phone(call.phone) is None:
        problems["phone"] = "invalid"
    if not call.category:
        problems["category"] = "required"
    elif call.category not in j.categories:
        problems["category"] = "invalid"
    elif not j.categories[call.category].active:
        problems["category"] = "inactive"
    description = call.description.strip()
    if not description:
        problems["description"] = "required"
    elif len(description) < MIN_DESCRIPTION:
        problems["description"] = "too_short"
    elif len(description) > MAX_DESCRIPTION:
        problems["description"] = "too_long"
    elif has_control_characters(description):
        problems["description"] = "control"
    if (call.unit_code is None and call.unit_text.strip()) or (
        call.unit_code is not None and call.unit_code not in j.units
    ):
        problems["unit"] = "unknown"
    address = call.address.strip()
    if len(address) > MAX_ADDRESS:
        problems["address"] = "too_long"
    elif has_control_characters(address):
        problems["address"] = "control"
    has_point = call.lat is not None and call.lon is not None
    if has_point and not j.contains(call.lat, call.lon):  # type: ignore[arg-type]
        problems["location"] = "outside"
    elif call.unit_code is None and not has_point and "unit" not in problems:
        problems["location"] = "required"
    return problems


def _location(call: HotlineCall, j: Jurisdiction) -> Location:
    unit = call.unit_code
    if unit is None and call.lat is not None and call.lon is not None:
        unit = j.nearest_unit(call.lat, call.lon).code
    return Location(call.lat, call.lon, " ".join(call.address.split()), unit)


def build_hotline_report(
    call: HotlineCall,
    j: Jurisdiction,
    actor: Actor,
    now: datetime,
    calendar: WorkingCalendar,
    policy: DeadlinePolicy,
    number: str | None = None,
) -> Report:
    """The new report of a call (checked with :func:`call_problems` first): status new, the
    receipt event as the hub writes it, deadlines from the calendar."""
    if now.tzinfo is None:
        raise ValueError("the time of receipt must be timezone-aware")
    phone = vn_phone(call.phone) or ""
    report = Report(
        number=number or provisional_number(),
        channel=Channel.HOTLINE,
        category=call.category,
        description=call.description.strip(),
        location=_location(call, j),
        received_at=now,
        status=Status.NEW,
        contact=Contact(name=" ".join(call.caller.split()), phone=phone),
        priority=call.priority,
        updated_at=now,
        stage_started_at=now,
    )
    report.history.append(
        Event(
            seq=1,
            at=now,
            actor=actor.name,
            role=actor.role,
            action=Action.SUBMIT,
            from_status=None,
            to_status=Status.NEW,
            data={"channel": Channel.HOTLINE.value, "via": "staff"},
        )
    )
    report.due_at, report.stage_due_at = compute_deadlines(report, calendar, policy)
    return report


def submit_payload(report: Report) -> dict[str, Any]:
    """The outbox payload of a new report: the fields of the hub's intake (``POST /reports``), the
    time the call began included (the report's receipt)."""
    loc = report.location
    return {
        "received_at": report.received_at.astimezone(UTC).isoformat(),
        "channel": report.channel.value,
        "category": report.category,
        "description": report.description,
        "title": report.title,
        "priority": report.priority.value,
        "location": {"lat": loc.lat, "lon": loc.lon, "address": loc.address, "unit_code": loc.unit_code},
        "contact": {
            "name": report.contact.name,
            "phone": report.contact.phone,
            "email": report.contact.email,
        },
    }


def save_hotline_report(
    store: LocalStore,
    report: Report,
    call_log: tuple[str, Actor, datetime, WorkingCalendar, DeadlinePolicy] | None = None,
) -> OutboxEntry:
    """On the worker: write the new report and its ``submit`` entry in one transaction (pending);
    with ``call_log`` (outcome, actor, time, calendar, policy), then the call itself, logged with
    its length (a ``log_call`` entry, sent after the report)."""
    entry = store.enqueue_action(report.number, Action.SUBMIT, submit_payload(report), None, report=report)
    if call_log is not None:
        outcome, actor, at, calendar, policy = call_log
        payload = {"outcome": outcome}
        logged = copy.deepcopy(report)
        apply_action(logged, Action.LOG_CALL, actor, payload, at, calendar, policy)
        store.enqueue_action(report.number, Action.LOG_CALL, payload, report.version, report=logged)
    return entry


def call_log_text(started: datetime, ended: datetime, tz: Any) -> str:
    """The stored outcome of a hotline call (Vietnamese: the report's record): when it began and
    how long it lasted, ``Cuộc gọi đến đường dây nóng lúc 09:41:05, dài 2 phút 13 giây``."""
    seconds = max(0, round((ended - started).total_seconds()))
    length = f"{seconds // 60} phút {seconds % 60} giây" if seconds >= 60 else f"{seconds} giây"
    return f"Cuộc gọi đến đường dây nóng lúc {started.astimezone(tz):%H:%M:%S}, dài {length}"


class IntakeDialog(QDialog):
    """The hotline intake form (see the module's notes). Non-modal: the map stays clickable."""

    report_saved = Signal(str)
    open_report_requested = Signal(str)
    callback_wanted = Signal(str, object)

    FIELDS = ("caller", "phone", "category", "description", "unit", "address", "location")

    def __init__(
        self,
        names: Names,
        clock: DeadlineClock,
        actor: Actor,
        store: LocalStore,
        executor: DatabaseExecutor,
        *,
        finder: DuplicateFinder | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_IntakeDialog()
        self.ui.setupUi(self)  # type: ignore[no-untyped-call]
        self._names = names
        self._clock = clock
        self._actor = actor
        self._store = store
        self._executor = executor
        self._point: tuple[float, float] | None = None
        #: When the call began (the form opens as the phone is picked up): the report's receipt.
        self.call_started = clock.now()
        #: The question "the point or the ward typed?" while it is open.
        self.point_question: QMessageBox | None = None
        self._saving = False
        self._tried = False
        self.saved_number: str | None = None
        #: The "discard the call?" question while it is open.
        self.confirm_box: QMessageBox | None = None
        j = names.jurisdiction
        ui = self.ui
        self.setWindowFlag(Qt.WindowType.Window, True)

        for category in j.active_categories():
            ui.category_combo.addItem(names.category(category.code), category.code)
        ui.category_combo.setCurrentIndex(-1)
        for priority in Priority:
            ui.priority_combo.addItem(priority.label(names.lang), priority.value)
        ui.priority_combo.setCurrentIndex(ui.priority_combo.findData(Priority.NORMAL.value))
        self.unit_picker = UnitPicker(ui.unit_combo, names, self)
        for combo in (ui.category_combo, ui.unit_combo, ui.priority_combo):
            compact(combo)
        ui.description_edit.setMinimumHeight(ui.description_edit.fontMetrics().lineSpacing() * 5 + 12)

        self._errors: dict[str, QLabel] = {
            "caller": ui.caller_error,
            "phone": ui.phone_error,
            "category": ui.category_error,
            "description": ui.description_error,
            "unit": ui.unit_error,
            "address": ui.address_error,
            "location": ui.location_error,
        }
        self._heights = WrappedHeights(self)
        for label in self.findChildren(QLabel):
            if label.wordWrap():
                label.installEventFilter(self._heights)
        for label in (*self._errors.values(), ui.save_error):
            label.setStyleSheet(ERROR_STYLE)
            self._set_error_visible(label, False)
        ui.keys_hint.setEnabled(False)
        save = ui.button_box.button(QDialogButtonBox.StandardButton.Save)
        save.setText(self.tr("&Ghi nhận phản ánh"))
        save.setToolTip(self.tr("Ctrl+Enter"))
        self.save_button = save
        cancel = ui.button_box.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Hủy"))
        cancel.setToolTip(self.tr("Esc"))
        ui.button_box.accepted.connect(self.save)
        ui.button_box.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.save)

        ui.caller_edit.editingFinished.connect(lambda: self._check_field("caller"))
        ui.phone_edit.editingFinished.connect(self._on_phone_edit_editing_finished)
        ui.address_edit.editingFinished.connect(lambda: self._check_field("address"))
        ui.caller_edit.textEdited.connect(lambda _t: self._recheck("caller"))
        ui.phone_edit.textEdited.connect(lambda _t: self._recheck("phone"))
        ui.address_edit.textEdited.connect(self._on_place_edited)
        ui.category_combo.currentIndexChanged.connect(self._on_category_combo_current_index_changed)
        ui.description_edit.textChanged.connect(self._on_description_edit_text_changed)
        self.unit_picker.unit_changed.connect(self._on_unit_picker_unit_changed)
        ui.clear_point_button.clicked.connect(self.clear_point)

        self.duplicates = DuplicatePanel(names, can_merge=False, parent=ui.duplicates_box)
        self.duplicates.show_idle(
            self.tr("Chọn lĩnh vực và địa bàn (hoặc một điểm trên bản đồ) để xem phản ánh trùng.")
        )
        ui.duplicates_layout.addWidget(self.duplicates)
        self.duplicates.open_requested.connect(self.open_report_requested)
        self._finder = finder
        if finder is not None:
            finder.search_started.connect(self.duplicates.show_searching)
            finder.suggestions_found.connect(self._on_finder_suggestions_found)
        else:
            ui.duplicates_box.setVisible(False)

        # The form's own small map (the main one may lie under the form on a small screen).
        self.map = PointMap(j, ui.map_box)
        self.map.setObjectName("intake_map")
        ui.map_layout.setContentsMargins(4, 4, 4, 4)
        ui.map_layout.addWidget(self.map)
        self.map.point_clicked.connect(self.set_point)

        # The call: its start and length as it goes, and a time to call back.
        self._call_timer = QTimer(self)
        self._call_timer.setInterval(1000)
        self._call_timer.timeout.connect(self._show_call)
        self._call_timer.start()
        ui.callback_edit.setDateTime(clock.now().astimezone(self._tz) + CALLBACK_DEFAULT)
        ui.callback_check.toggled.connect(ui.callback_edit.setEnabled)
        ui.callback_check.setToolTip(self.tr("Nhắc gọi lại cho người phản ánh vào lúc này"))

        self._show_point()
        self._show_call()
        self._on_description_edit_text_changed()
        ui.caller_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def _tz(self) -> ZoneInfo:
        return ZoneInfo(self._names.jurisdiction.timezone)

    def call_seconds(self) -> int:
        return max(0, int((self._clock.now() - self.call_started).total_seconds()))

    def _show_call(self) -> None:
        seconds = self.call_seconds()
        length = f"{seconds // 60:02d}:{seconds % 60:02d}"
        self.ui.call_value.setText(
            self.tr("bắt đầu %1 · đã %2")
            .replace("%1", self.call_started.astimezone(self._tz).strftime("%H:%M:%S"))
            .replace("%2", length)
        )

    def callback_at(self) -> datetime | None:
        """The time to call back (aware), or None when none is set."""
        if not self.ui.callback_check.isChecked():
            return None
        chosen = self.ui.callback_edit.dateTime().toPython()
        return chosen.replace(tzinfo=self._tz) if chosen.tzinfo is None else chosen

    # -- the call as typed ---------------------------------------------------------------------------

    def call(self) -> HotlineCall:
        ui = self.ui
        lat, lon = self._point if self._point is not None else (None, None)
        code = self.unit_picker.unit_code()
        return HotlineCall(
            caller=ui.caller_edit.text(),
            phone=ui.phone_edit.text(),
            category=str(ui.category_combo.currentData() or ""),
            description=ui.description_edit.toPlainText(),
            unit_code=code,
            address=ui.address_edit.text(),
            lat=lat,
            lon=lon,
            priority=Priority(ui.priority_combo.currentData() or Priority.NORMAL.value),
            unit_text="" if code else self.unit_picker.typed_text(),
        )

    def has_content(self) -> bool:
        c = self.call()
        return any(
            (
                c.caller.strip(),
                c.phone.strip(),
                c.category,
                c.description.strip(),
                c.unit_code,
                c.unit_text,
                c.address.strip(),
                self._point,
            )
        )

    def message(self, field: str, code: str) -> str:
        """The words of a problem under its field."""
        tr = self.tr
        messages = {
            ("caller", "too_long"): tr("Họ tên dài quá %s ký tự.") % MAX_NAME,
            ("phone", "invalid"): tr(
                "Số điện thoại không đúng: di động 10 số bắt đầu bằng 03, 05, 07, 08, 09; "
                "cố định 11 số bắt đầu bằng 02 (ví dụ 0259 3822 123)."
            ),
            ("category", "required"): tr("Cần chọn lĩnh vực."),
            ("category", "invalid"): tr("Lĩnh vực không có trong danh mục."),
            ("category", "inactive"): tr("Lĩnh vực này không còn tiếp nhận phản ánh."),
            ("description", "required"): tr("Cần ghi nội dung phản ánh."),
            ("description", "too_short"): tr("Nội dung phản ánh quá ngắn: cần ít nhất %s ký tự.")
            % MIN_DESCRIPTION,
            ("description", "too_long"): tr("Nội dung phản ánh dài quá %s ký tự.") % MAX_DESCRIPTION,
            ("unit", "unknown"): tr("Không có xã, phường nào tên «%s»; chọn trong danh sách gợi ý.")
            % self.unit_picker.typed_text(),
            ("address", "too_long"): tr("Địa chỉ dài quá %s ký tự.") % MAX_ADDRESS,
            ("location", "required"): tr("Cần chọn xã, phường hoặc nhấp một điểm trên bản đồ."),
            ("location", "outside"): tr("Điểm đã chọn nằm ngoài địa bàn tỉnh."),
        }
        if code == "control":
            return tr("Không được chứa ký tự điều khiển.")
        return messages.get((field, code), code)

    def _field_widget(self, field: str) -> QWidget:
        ui = self.ui
        return {
            "caller": ui.caller_edit,
            "phone": ui.phone_edit,
            "category": ui.category_combo,
            "description": ui.description_edit,
            "unit": ui.unit_combo,
            "address": ui.address_edit,
            "location": ui.unit_combo,
        }[field]

    def _show_problem(self, field: str, code: str | None) -> None:
        label = self._errors[field]
        text = "" if code is None else self.message(field, code)
        label.setText(text)
        self._set_error_visible(label, bool(text))
        fit_wrapped(label)
        self._field_widget(field).setAccessibleDescription(text)

    def _set_error_visible(self, label: QLabel, visible: bool) -> None:
        # A hidden row of a form layout still takes its spacing: hide the whole row.
        row, _role = self.ui.form_layout.getWidgetPosition(label)
        if row >= 0:
            self.ui.form_layout.setRowVisible(row, visible)
        else:
            label.setVisible(visible)

    def problems(self) -> dict[str, str]:
        return call_problems(self.call(), self._names.jurisdiction)

    def _check_field(self, field: str) -> None:
        """After the operator leaves a field: say at once if it is wrong (empty is said on saving)."""
        code = self.problems().get(field)
        if code == "required" and not self._tried:
            code = None
        self._show_problem(field, code)

    def _recheck(self, field: str) -> None:
        """While typing: a message shown under the field goes away as soon as it is right."""
        if self._errors[field].text():
            self._show_problem(field, self.problems().get(field))

    # -- the place -----------------------------------------------------------------------------------

    @Slot(float, float)
    def set_point(self, lat: float, lon: float) -> None:
        """A point picked on a map (the form's own, or the main map's ``map_clicked``): it also sets
        the ward. When the ward typed is another one, the operator is asked which is right
        (:attr:`point_question`): the typed ward is never replaced silently."""
        j = self._names.jurisdiction
        if not j.contains(lat, lon):
            self._show_problem("location", "outside")
            return
        typed = self.unit_picker.unit_code()
        clicked = j.nearest_unit(lat, lon).code
        if typed and typed != clicked:
            self._ask_point_or_ward(lat, lon, typed, clicked)
            return
        self._take_point(lat, lon)

    def _ask_point_or_ward(self, lat: float, lon: float, typed: str, clicked: str) -> None:
        if self.point_question is not None:
            self.point_question.close()
        names = self._names
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Điểm và xã, phường không khớp"),
            self.tr("Điểm vừa chọn trên bản đồ thuộc «%1», khác với «%2» đã nhập. Bên nào đúng?")
            .replace("%1", names.unit(clicked))
            .replace("%2", names.unit(typed)),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("point_question")
        box.setTextFormat(Qt.TextFormat.PlainText)
        use_point = box.addButton(
            self.tr("Theo &bản đồ: %s") % names.unit(clicked), QMessageBox.ButtonRole.AcceptRole
        )
        keep_ward = box.addButton(self.tr("&Giữ %s") % names.unit(typed), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep_ward)
        box.setEscapeButton(keep_ward)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.point_question = box
        self.point_choices = (use_point, keep_ward)

        def chosen(button: Any) -> None:
            self.point_question = None
            if button is use_point:
                self._take_point(lat, lon)

        box.buttonClicked.connect(chosen)
        box.open()

    def _take_point(self, lat: float, lon: float) -> None:
        j = self._names.jurisdiction
        self._point = (lat, lon)
        self._show_problem("location", None)
        self.unit_picker.set_unit_code(j.nearest_unit(lat, lon).code)
        self._show_problem("unit", None)
        self._show_point()
        self._find_duplicates()

    @Slot()
    def clear_point(self) -> None:
        self._point = None
        self._show_point()
        self._find_duplicates()

    def point(self) -> tuple[float, float] | None:
        return self._point

    def _show_point(self) -> None:
        ui = self.ui
        if hasattr(self, "map"):
            self.map.set_point(self._point)
        if self._point is None:
            ui.point_value.setText(self.tr("Chưa chọn — nhấp vào bản đồ để đánh dấu vị trí"))
        else:
            lat, lon = self._point
            unit = self._names.unit(self._names.jurisdiction.nearest_unit(lat, lon).code)
            ui.point_value.setText(f"{lat:.5f}, {lon:.5f} ({unit})")
        fit_wrapped(ui.point_value)
        ui.clear_point_button.setEnabled(self._point is not None)

    @Slot(str)
    def _on_unit_picker_unit_changed(self, code: str) -> None:
        point = self._point
        if code and point is not None and self._names.jurisdiction.nearest_unit(*point).code != code:
            self._point = None  # the point lies in another ward: it would place the report wrongly
            self._show_point()
        if code:
            self._show_problem("unit", None)
            self._show_problem("location", None)
        self._find_duplicates()

    @Slot(str)
    def _on_place_edited(self, _text: str) -> None:
        self._recheck("address")
        self._find_duplicates()

    # -- other fields --------------------------------------------------------------------------------

    @Slot()
    def _on_phone_edit_editing_finished(self) -> None:
        self._check_field("phone")
        national = vn_phone(self.ui.phone_edit.text())
        if national is not None and national != self.ui.phone_edit.text():
            self.ui.phone_edit.setText(national)  # shown as it will be stored

    @Slot(int)
    def _on_category_combo_current_index_changed(self, _index: int) -> None:
        if self.ui.category_combo.currentIndex() >= 0:
            self._show_problem("category", None)
        self._find_duplicates()

    @Slot()
    def _on_description_edit_text_changed(self) -> None:
        n = len(self.ui.description_edit.toPlainText().strip())
        self.ui.description_count.setText(
            self.tr("%1 / %2 ký tự").replace("%1", str(n)).replace("%2", str(MAX_DESCRIPTION))
        )
        self._recheck("description")
        self._find_duplicates()

    # -- duplicates ----------------------------------------------------------------------------------

    def probe(self) -> Candidate | None:
        """The call as a candidate for the duplicate search, once category and place are known."""
        c = self.call()
        if not c.category or (c.unit_code is None and self._point is None):
            return None
        lat, lon = self._point if self._point is not None else (None, None)
        return Candidate(
            number="",
            category=c.category,
            text=c.description,
            received_at=self._clock.now(),
            lat=lat,
            lon=lon,
            unit_code=c.unit_code,
            address=c.address,
        )

    def _find_duplicates(self) -> None:
        if self._finder is None:
            return
        probe = self.probe()
        if probe is None:
            self._finder.cancel()
            self.duplicates.show_idle(
                self.tr("Chọn lĩnh vực và địa bàn (hoặc một điểm trên bản đồ) để xem phản ánh trùng.")
            )
            return
        self._finder.find(probe, "intake")

    @Slot(str, list)
    def _on_finder_suggestions_found(self, key: str, suggestions: list[Any]) -> None:
        if key == "intake" and self.probe() is not None:
            self.duplicates.show_suggestions(suggestions)

    # -- saving and leaving --------------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        """Check every field; if all is right, write the report (pending) and close."""
        if self._saving:
            return
        self._tried = True
        self.unit_picker.resolve()
        problems = self.problems()
        for field in self.FIELDS:
            self._show_problem(field, problems.get(field))
        self.ui.save_error.setVisible(False)
        if problems:
            first = next(f for f in self.FIELDS if f in problems)
            self._field_widget(first).setFocus(Qt.FocusReason.OtherFocusReason)
            return
        call = self.call()
        j = self._names.jurisdiction
        clock = self._clock
        now = clock.now()
        report = build_hotline_report(
            call, j, self._actor, min(self.call_started, now), clock.calendar, clock.policy
        )
        call_log = (
            call_log_text(self.call_started, now, self._tz),
            self._actor,
            now,
            clock.calendar,
            clock.policy,
        )
        callback = self.callback_at()
        self._set_saving(True)
        store = self._store
        Op(lambda: save_hotline_report(store, report, call_log), self).on_success(
            lambda _entry: self._on_saved(report.number, callback)
        ).on_failure(self._on_save_failed).run(self._executor)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(not saving)
        self.setCursor(Qt.CursorShape.BusyCursor if saving else Qt.CursorShape.ArrowCursor)

    def _on_saved(self, number: str, callback: datetime | None = None) -> None:
        self._set_saving(False)
        self._call_timer.stop()
        self.saved_number = number
        self.report_saved.emit(number)
        if callback is not None:
            self.callback_wanted.emit(number, callback)
        self.done(QDialog.DialogCode.Accepted)

    def _on_save_failed(self, error: BaseException) -> None:
        log.error("saving a hotline report failed", exc_info=error)
        self._set_saving(False)
        words = error.message("vi") if hasattr(error, "message") else str(error)
        self.ui.save_error.setText(self.tr("Chưa ghi được phản ánh, nội dung vẫn còn nguyên: %s") % words)
        self.ui.save_error.setVisible(True)

    def reject(self) -> None:
        """Esc or Cancel: leave, after asking when something typed would be lost.

        The question is a window-modal box (no nested event loop): Enter leaves, Esc goes back
        to the form with everything as it was.
        """
        if self._saving or self.confirm_box is not None:
            return
        if self.has_content():
            self._ask_discard()
            return
        self._leave()

    def _leave(self) -> None:
        if self._finder is not None:
            self._finder.cancel()
        super().reject()

    def _ask_discard(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Bỏ cuộc gọi đang nhập?"),
            self.tr("Nội dung đã nhập sẽ không được lưu. Nhấn Enter để bỏ, Esc để tiếp tục nhập."),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        discard = box.addButton(self.tr("&Bỏ cuộc gọi"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("&Tiếp tục nhập"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(discard)
        box.setEscapeButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.confirm_box = box

        def chosen(button: Any) -> None:
            self.confirm_box = None
            if button is discard:
                self._leave()

        box.buttonClicked.connect(chosen)
        box.open()


__all__ = [
    "MAX_DESCRIPTION",
    "MIN_DESCRIPTION",
    "PROVISIONAL_PREFIX",
    "HotlineCall",
    "IntakeDialog",
    "build_hotline_report",
    "call_problems",
    "is_provisional",
    "provisional_number",
    "save_hotline_report",
    "submit_payload",
    "vn_phone",
]

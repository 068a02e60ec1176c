"""Triage: the operator's dialogs for one report, and the controller that takes their actions.

Each dialog asks for what one action of the lifecycle needs and builds its payload:

* :class:`CategoryDialog` (``classify``), :class:`PriorityDialog` (``set_priority``),
  :class:`RelocateDialog` (``relocate``: a unit and address, or a point picked on the map);
* :class:`LogCallDialog` (``log_call``: a call to or from the citizen and what came of it);
* :class:`RequestInfoDialog` (``request_info``), :class:`RejectDialog` (``reject``);
* :class:`RemindDialog` (``remind``: the IOC reminds the agency holding the report to act — đôn đốc);
* :class:`MergeDialog` (``mark_duplicate``: one of two reports becomes the duplicate of the other;
  both keep their whole history);
* :class:`ReplyDialog` (``publish_reply``: a reply composed from the templates of the report's
  category and the outcome of its handling).

Before a dialog lets go, the domain takes the action on a copy of the report
(:func:`refusal_of`), so whatever the lifecycle refuses is refused in the dialog, in words, with
what was typed kept. :class:`TriageController` opens the dialogs and hands their actions to the
:class:`~ioc_console.gui.actions.ActionService` (checked again there, written with the outbox entry
on the database worker); the dialog stays open until the service has answered, and shows its
refusal if there is one. :class:`TriageBar` is the buttons above the detail pane, forwarding first;
they wrap onto a second row on a narrow pane rather than hide behind a "»" menu.

Reply templates are data: ``resources/reply_templates/*.json``, one file per category plus
``default.json`` (see :func:`load_reply_templates`). Stored texts (call outcomes) are written in
Vietnamese whatever the interface language: they are the report's record.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ioc_console.domain.deadlines import apply_action
from ioc_console.domain.duplicates import Candidate, original_of
from ioc_console.domain.errors import DomainError
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import AT_IOC, MAX_TEXT, Action, Actor, Priority, Status, check
from ioc_console.domain.replies import (
    ReplyTemplate,
    ReplyTemplates,
    TemplateError,
    citizen_words,
    fill_both,
    parse_templates,
    public_reply,
    unfilled,
)
from ioc_console.domain.report import Report, reminders
from ioc_console.domain.text import fold, has_control_characters
from ioc_console.resources import resource_path

from ioc_console.gui.duplicates import DuplicateFinder, DuplicatePanel, WrappedHeights, fit_wrapped
from ioc_console.gui.flow_layout import FlowLayout
from ioc_console.gui.photos import PhotoLoader, PhotoStrip
from ioc_console.gui.present import DeadlineClock, Names

log = logging.getLogger(__name__)

ERROR_STYLE = "color: #a11a12;"
NOTE_STYLE = "color: #5b5b5b;"
#: Shortest text accepted where a person must explain (a reason, a question).
MIN_EXPLANATION = 10


# The base dialog's own strings are translated in the "TriageDialog" context, spelled out at each
# call: PySide's self.tr() would look them up under each subclass's name, where lupdate never puts
# them, and lupdate only finds literal QCoreApplication.translate() calls.


def control_refused() -> str:
    """Text with a control character is refused here first (the hub refuses it too), so that the
    operator can fix it while it is still in front of them. Markup-like text is kept as written:
    it is escaped wherever it is shown."""
    return QCoreApplication.translate("TriageDialog", "Nội dung chứa ký tự điều khiển không hợp lệ.")


# -- the context of the dialogs --------------------------------------------------------------------


@dataclass(frozen=True)
class TriageContext:
    """What the dialogs need: the jurisdiction's names, the clock and calendar, who acts."""

    names: Names
    clock: DeadlineClock
    actor: Actor

    @property
    def jurisdiction(self) -> Jurisdiction:
        return self.names.jurisdiction

    @property
    def lang(self) -> str:
        return self.names.lang


def not_allowed(report: Report, action: Action, actor: Actor, lang: str = "vi") -> str | None:
    """Why ``actor`` may not take ``action`` on ``report`` now (status, role), or None if they may."""
    try:
        check(action, report.status, actor, report.agency, None, report_id=report.number)
    except DomainError as error:
        return error.message(lang)
    return None


def refusal_of(
    report: Report,
    action: Action,
    payload: Mapping[str, Any],
    ctx: TriageContext,
    *,
    report_exists: Callable[[str], bool] | None = None,
) -> str | None:
    """What the domain says to ``action`` with ``payload`` on (a copy of) ``report``: None if it agrees."""
    trial = copy.deepcopy(report)
    try:
        apply_action(
            trial,
            action,
            ctx.actor,
            payload,
            ctx.clock.now(),
            ctx.clock.calendar,
            ctx.clock.policy,
            report_exists=report_exists,
        )
    except DomainError as error:
        return error.message(ctx.lang)
    return None


# -- reply templates (no Qt) -----------------------------------------------------------------------


def load_reply_templates(folder: Path | None = None) -> ReplyTemplates:
    """Read every ``*.json`` of ``folder`` (default: the shipped ``resources/reply_templates``).

    A file is ``{"format": 1, "category": code | "*", "templates": [{"outcome", "title", "text"}]}``.
    Raises :class:`TemplateError` on an unknown outcome or placeholder, or a malformed file.
    """
    folder = folder or resource_path("reply_templates")
    templates: list[ReplyTemplate] = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise TemplateError(f"{path.name}: {error}") from None
        templates.extend(parse_templates(path.name, data))
    return ReplyTemplates(templates)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    if text and text[-1] not in ".!?…":
        text += "."
    return text


def reply_values(report: Report, names: Names) -> dict[str, str]:
    """The values of the placeholders for ``report``; an unknown value is left out (stays visible)."""
    j = names.jurisdiction
    province = j.root().name
    values = {
        "citizen": citizen_words(report.contact.name, public=False),
        "number": report.number,
        "received": report.received_at.astimezone(names.tz).strftime("%d/%m/%Y"),
        "category": names.category(report.category).lower() if report.category else "",
        "address": report.location.address.strip() or names.unit_path(report.location.unit_code),
        "agency": names.agency_full(report.agency),
        "result": _sentence(report.result),
        "province": province[:1].lower() + province[1:],
    }
    return {key: value for key, value in values.items() if value}


# -- stored words of calls, questions and reasons (Vietnamese: the report's record) ---------------

CALL_DIRECTIONS: dict[str, str] = {
    "outgoing": "Gọi điện cho người phản ánh",
    "incoming": "Người phản ánh gọi đến",
}
CALL_RESULTS: dict[str, str] = {
    "answered": "đã trao đổi",
    "no_answer": "không nghe máy",
    "busy": "máy bận, hẹn gọi lại",
    "wrong_number": "sai số điện thoại",
}


def call_outcome(direction: str, result: str, notes: str) -> str:
    """The stored outcome of a call: ``"Gọi điện cho người phản ánh — đã trao đổi: ..."``."""
    text = f"{CALL_DIRECTIONS[direction]} — {CALL_RESULTS[result]}"
    notes = notes.strip()
    return f"{text}: {notes}" if notes else f"{text}."


# -- a unit picked by typing its name, diacritics or not -------------------------------------------


class _FoldedFilter(QSortFilterProxyModel):
    """Keeps the rows whose folded name holds every folded word typed."""

    def __init__(self, folded: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folded = list(folded)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._words or not 0 <= source_row < len(self._folded):
            return True
        name = self._folded[source_row]
        return all(word in name for word in self._words)


class UnitPicker(QObject):
    """Turns an editable combo box into a picker of the jurisdiction's wards, communes and townships.

    Typing filters the list by folded words ("phu ha", "Phủ Hà" and "PHU HA" find the same ward,
    and so does "phan rang" for every ward of the city); Enter or a click picks; leaving the field
    with exactly one match picks it.

    Signals:
        unit_changed(str): the unit picked (its code), or "" when none is.
    """

    unit_changed = Signal(str)

    def __init__(self, combo: QComboBox, names: Names, parent: QObject | None = None) -> None:
        super().__init__(parent or combo)
        self.combo = combo
        self._names = names
        units = names.jurisdiction.leaf_units()
        labels = [names.unit(u.code) for u in units]
        combo.clear()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for unit, label in zip(units, labels, strict=True):
            combo.addItem(label, unit.code)
            combo.setItemData(combo.count() - 1, names.unit_path(unit.code), Qt.ItemDataRole.ToolTipRole)
        folded = [fold(names.unit_path(u.code)) for u in units]
        self._proxy = _FoldedFilter(folded, self)
        self._proxy.setSourceModel(combo.model())
        self._completer = QCompleter(self._proxy, combo)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setMaxVisibleItems(10)
        combo.setCompleter(self._completer)
        self._completer.activated[QModelIndex].connect(self._on_completer_activated)  # type: ignore[index]
        line = combo.lineEdit()
        line.setPlaceholderText(self.tr("Gõ tên xã, phường (có dấu hoặc không)…"))
        line.textEdited.connect(self._on_line_text_edited)
        line.editingFinished.connect(self._on_line_editing_finished)
        self._last = ""
        combo.currentIndexChanged.connect(self._on_combo_current_index_changed)
        combo.setCurrentIndex(-1)

    def unit_code(self) -> str | None:
        """The unit picked, or None when the text does not name one."""
        index = self.combo.currentIndex()
        if index < 0 or self.combo.currentText() != self.combo.itemText(index):
            return None
        code = self.combo.itemData(index)
        return str(code) if code else None

    def typed_text(self) -> str:
        return self.combo.currentText().strip()

    def set_unit_code(self, code: str | None) -> None:
        index = self.combo.findData(code) if code else -1
        self.combo.setCurrentIndex(index)
        if index < 0:
            self.combo.setEditText("")
        self._notify()

    def matches(self, text: str) -> list[int]:
        """Rows of the combo whose name holds every folded word of ``text``."""
        self._proxy.set_text(text)
        return [self._proxy.mapToSource(self._proxy.index(r, 0)).row() for r in range(self._proxy.rowCount())]

    def resolve(self) -> str | None:
        """Pick the unit the text names (exactly, or as the only match); the unit picked or None."""
        code = self.unit_code()
        if code is not None:
            return code
        text = self.typed_text()
        if not text:
            return None
        wanted = fold(text)
        rows = [r for r in range(self.combo.count()) if fold(self.combo.itemText(r)) == wanted]
        if len(rows) != 1:
            rows = self.matches(text)
        if len(rows) == 1:
            self.combo.setCurrentIndex(rows[0])
            self.combo.setEditText(self.combo.itemText(rows[0]))
            self._notify()
            return self.unit_code()
        return None

    def _notify(self) -> None:
        code = self.unit_code() or ""
        if code != self._last:
            self._last = code
            self.unit_changed.emit(code)

    @Slot(str)
    def _on_line_text_edited(self, text: str) -> None:
        self._proxy.set_text(text)
        self._notify()

    @Slot(QModelIndex)
    def _on_completer_activated(self, index: QModelIndex) -> None:
        row = self._proxy.mapToSource(index).row() if index.model() is self._proxy else index.row()
        if row >= 0:
            self.combo.setCurrentIndex(row)
            self.combo.setEditText(self.combo.itemText(row))
        self._notify()

    @Slot()
    def _on_line_editing_finished(self) -> None:
        self.resolve()
        self._notify()

    @Slot(int)
    def _on_combo_current_index_changed(self, _index: int) -> None:
        self._notify()


# -- the dialogs -----------------------------------------------------------------------------------


def compact(combo: QComboBox, chars: int = 24) -> None:
    """Let a combo box be narrower than its longest item (a long category name would crowd out
    its label); the list that drops down is as wide as it needs."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)


def _plain(text: str = "", parent: QWidget | None = None, *, wrap: bool = True) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setText(text)
    return label


def _text_edit(parent: QWidget, lines: int = 5) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * lines + 12)
    return edit


class TriageDialog(QDialog):
    """The frame of a triage dialog: which report, the form, an error line, OK and Cancel.

    A subclass builds its fields in :meth:`build` and returns the action's payload from
    :meth:`payload` (or None after saying what is wrong). Ctrl+Enter is OK, Esc is Cancel.

    Signals:
        action_chosen(object, dict): the action and its payload, accepted by the domain.
    """

    action_chosen = Signal(object, dict)

    action: Action = Action.LOG_CALL

    def __init__(self, report: Report, ctx: TriageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.ctx = ctx
        #: Set by the controller: the dialog then stays open until the service answers.
        self.waits_for_service = False
        self.chosen_payload: dict[str, Any] | None = None
        self.setObjectName(f"triage_{self.action.value}")
        self.setWindowTitle(self.title())
        layout = QVBoxLayout(self)
        self.heading = _plain(self._heading(), self)
        self.heading.setObjectName("triage_heading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.summary = _plain(self._summary(), self)
        self.summary.setStyleSheet(NOTE_STYLE)
        layout.addWidget(self.summary)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        self.build()
        self.error_label = _plain("", self)
        self.error_label.setObjectName("triage_error")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setVisible(False)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.ok_label())
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            QCoreApplication.translate("TriageDialog", "Hủy")
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._heights = WrappedHeights(self)
        for label in self.findChildren(QLabel):
            if label.wordWrap():
                label.installEventFilter(self._heights)
        for combo in self.findChildren(QComboBox):
            compact(combo)
            combo.currentIndexChanged.connect(self._on_field_edited)
        for edit in self.findChildren(QLineEdit):
            edit.textEdited.connect(self._on_field_edited)
        for text in self.findChildren(QPlainTextEdit):
            if not text.isReadOnly():
                text.textChanged.connect(self._on_field_edited)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self._on_buttons_accepted)
        self.setMinimumWidth(520)

    # -- for subclasses --------------------------------------------------------------------------

    def title(self) -> str:
        return self.ctx.names.jurisdiction.name

    def ok_label(self) -> str:
        return QCoreApplication.translate("TriageDialog", "OK")

    def build(self) -> None:
        raise NotImplementedError

    def payload(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def target(self) -> Report:
        """The report the action is taken on (the duplicate, for a merge)."""
        return self.report

    def report_exists(self) -> Callable[[str], bool] | None:
        return None

    # -- shared ---------------------------------------------------------------------------------

    def _heading(self) -> str:
        r = self.report
        names = self.ctx.names
        parts = [r.number, r.status.label(self.ctx.lang), names.category(r.category)]
        return " · ".join(p for p in parts if p)

    def _summary(self) -> str:
        text = " ".join(self.report.description.split())
        return text if len(text) <= 220 else text[:219] + "…"

    @Slot()
    def _on_field_edited(self, *_args: object) -> None:
        # Something was changed: the message about the previous attempt no longer holds.
        if self.error_label.text():
            self.show_error("")

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        fit_wrapped(self.error_label)

    def set_busy(self, busy: bool) -> None:
        self.ok_button.setEnabled(not busy)
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def fail(self, text: str, widget: QWidget | None = None) -> None:
        """Say what is wrong and put the cursor where it can be fixed (nothing typed is lost)."""
        self.show_error(text)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _text_required(self, edit: QPlainTextEdit | QLineEdit, what: str, limit: int) -> str | None:
        text = edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
        text = text.strip()
        if has_control_characters(text):
            self.fail(control_refused(), edit)
            return None
        if len(text) < MIN_EXPLANATION:
            words = QCoreApplication.translate("TriageDialog", "Cần ghi %1 (ít nhất %2 ký tự).").replace(
                "%1", what
            )
            self.fail(words.replace("%2", str(MIN_EXPLANATION)), edit)
            return None
        if len(text) > limit:
            words = QCoreApplication.translate("TriageDialog", "%1 dài quá %2 ký tự.").replace(
                "%1", what[:1].upper() + what[1:]
            )
            self.fail(words.replace("%2", str(limit)), edit)
            return None
        return text

    @Slot()
    def _on_buttons_accepted(self) -> None:
        if not self.ok_button.isEnabled():
            return
        self.show_error("")
        # What the lifecycle forbids whatever is typed is said first: no point fixing the text.
        forbidden = not_allowed(self.target(), self.action, self.ctx.actor, self.ctx.lang)
        if forbidden is not None:
            self.show_error(forbidden)
            return
        payload = self.payload()
        if payload is None:
            return
        refusal = refusal_of(
            self.target(), self.action, payload, self.ctx, report_exists=self.report_exists()
        )
        if refusal is not None:
            self.show_error(refusal)
            return
        self.chosen_payload = payload
        self.action_chosen.emit(self.action, payload)
        if not self.waits_for_service:
            self.accept()


class CategoryDialog(TriageDialog):
    action = Action.CLASSIFY

    def title(self) -> str:
        return self.tr("Đổi lĩnh vực phản ánh")

    def ok_label(self) -> str:
        return self.tr("Đổi &lĩnh vực")

    def build(self) -> None:
        names = self.ctx.names
        self.category_combo = QComboBox(self)
        self.category_combo.setObjectName("category_combo")
        for category in self.ctx.jurisdiction.active_categories():
            self.category_combo.addItem(names.category(category.code), category.code)
        index = self.category_combo.findData(self.report.category)
        self.category_combo.setCurrentIndex(max(index, 0))
        label = QLabel(self.tr("&Lĩnh vực mới:"), self)
        label.setBuddy(self.category_combo)
        self.form.addRow(label, self.category_combo)
        self.route_label = _plain("", self)
        self.route_label.setStyleSheet(NOTE_STYLE)
        self.form.addRow("", self.route_label)
        self.category_combo.currentIndexChanged.connect(self._on_category_combo_current_index_changed)
        self._on_category_combo_current_index_changed(self.category_combo.currentIndex())

    @Slot(int)
    def _on_category_combo_current_index_changed(self, _index: int) -> None:
        code = self.category_combo.currentData()
        unit = self.report.location.unit_code
        agency = None
        if code and unit and unit in self.ctx.jurisdiction.units:
            agency = self.ctx.jurisdiction.route(str(code), unit)
        if agency is None:
            self.route_label.setText(self.tr("Chưa có quy tắc phân công cho lĩnh vực và địa bàn này."))
        else:
            self.route_label.setText(self.tr("Theo quy tắc phân công, chuyển cho: %s") % agency.name)
        fit_wrapped(self.route_label)

    def payload(self) -> dict[str, Any] | None:
        code = self.category_combo.currentData()
        if not code:
            self.fail(self.tr("Cần chọn lĩnh vực."), self.category_combo)
            return None
        if code == self.report.category:
            self.fail(
                self.tr("Phản ánh đang thuộc lĩnh vực này; hãy chọn lĩnh vực khác."), self.category_combo
            )
            return None
        return {"category": str(code)}


class PriorityDialog(TriageDialog):
    action = Action.SET_PRIORITY

    def title(self) -> str:
        return self.tr("Đặt mức ưu tiên")

    def ok_label(self) -> str:
        return self.tr("Đặt &mức ưu tiên")

    def build(self) -> None:
        self.priority_combo = QComboBox(self)
        self.priority_combo.setObjectName("priority_combo")
        for priority in Priority:
            self.priority_combo.addItem(priority.label(self.ctx.lang), priority.value)
        self.priority_combo.setCurrentIndex(self.priority_combo.findData(self.report.priority.value))
        label = QLabel(self.tr("&Mức ưu tiên:"), self)
        label.setBuddy(self.priority_combo)
        self.form.addRow(label, self.priority_combo)

    def payload(self) -> dict[str, Any] | None:
        value = str(self.priority_combo.currentData())
        if value == self.report.priority.value:
            self.fail(self.tr("Phản ánh đang ở mức ưu tiên này."), self.priority_combo)
            return None
        return {"priority": value}


class RelocateDialog(TriageDialog):
    """Change the location: a unit and an address typed in, or a point clicked on the map.

    Non-modal, so that the map stays clickable: connect the map's ``map_clicked(lat, lon)`` to
    :meth:`set_point` while it is open.
    """

    action = Action.RELOCATE

    def title(self) -> str:
        return self.tr("Sửa vị trí phản ánh")

    def ok_label(self) -> str:
        return self.tr("Lưu &vị trí")

    def build(self) -> None:
        location = self.report.location
        self._point: tuple[float, float] | None = (
            (location.lat, location.lon) if location.lat is not None and location.lon is not None else None
        )
        self.unit_combo = QComboBox(self)
        self.unit_combo.setObjectName("unit_combo")
        self.unit_picker = UnitPicker(self.unit_combo, self.ctx.names, self)
        self.unit_picker.set_unit_code(location.unit_code)
        unit_label = QLabel(self.tr("Địa &bàn (xã, phường):"), self)
        unit_label.setBuddy(self.unit_combo)
        self.form.addRow(unit_label, self.unit_combo)
        self.address_edit = QLineEdit(location.address, self)
        self.address_edit.setObjectName("address_edit")
        self.address_edit.setMaxLength(300)
        address_label = QLabel(self.tr("Đị&a chỉ cụ thể:"), self)
        address_label.setBuddy(self.address_edit)
        self.form.addRow(address_label, self.address_edit)
        point_row = QHBoxLayout()
        self.point_value = _plain("", self)
        self.point_value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.clear_point_button = QPushButton(self.tr("&Xóa điểm"), self)
        self.clear_point_button.setAutoDefault(False)
        self.clear_point_button.clicked.connect(self.clear_point)
        point_row.addWidget(self.point_value, 1)
        point_row.addWidget(self.clear_point_button)
        self.form.addRow(self.tr("Vị trí trên bản đồ:"), point_row)
        self.note_label = _plain("", self)
        self.note_label.setStyleSheet(NOTE_STYLE)
        self.note_label.setVisible(False)
        self.form.addRow("", self.note_label)
        self.unit_picker.unit_changed.connect(self._on_unit_picker_unit_changed)
        self._show_point()
        self.setModal(False)

    def _show_point(self) -> None:
        if self._point is None:
            self.point_value.setText(self.tr("Chưa chọn — nhấp vào bản đồ để đánh dấu vị trí"))
        else:
            self.point_value.setText("{:.5f}, {:.5f}".format(*self._point))
        self.clear_point_button.setEnabled(self._point is not None)
        fit_wrapped(self.point_value)

    @Slot(float, float)
    def set_point(self, lat: float, lon: float) -> None:
        """A point picked on the map: it sets the unit too (the nearest ward or commune)."""
        j = self.ctx.jurisdiction
        if not j.contains(lat, lon):
            self.show_error(self.tr("Điểm vừa chọn nằm ngoài địa bàn tỉnh."))
            return
        self.show_error("")
        self._point = (lat, lon)
        self.unit_picker.set_unit_code(j.nearest_unit(lat, lon).code)
        self.note_label.setVisible(False)
        self._show_point()

    @Slot()
    def clear_point(self) -> None:
        self._point = None
        self._show_point()

    def point(self) -> tuple[float, float] | None:
        return self._point

    @Slot(str)
    def _on_unit_picker_unit_changed(self, code: str) -> None:
        if not code or self._point is None:
            return
        j = self.ctx.jurisdiction
        if j.nearest_unit(*self._point).code != code:
            # The old point lies in another ward: keeping it would place the report wrongly.
            self._point = None
            self._show_point()
            self.note_label.setText(
                self.tr("Điểm cũ trên bản đồ không thuộc xã, phường vừa chọn nên đã được bỏ.")
            )
            self.note_label.setVisible(True)
            fit_wrapped(self.note_label)

    def payload(self) -> dict[str, Any] | None:
        unit = self.unit_picker.resolve()
        if unit is None and self.unit_picker.typed_text():
            self.fail(
                self.tr("Không có xã, phường nào tên «%s».") % self.unit_picker.typed_text(), self.unit_combo
            )
            return None
        address = " ".join(self.address_edit.text().split())
        if has_control_characters(address):
            self.fail(
                control_refused(),
                self.address_edit,
            )
            return None
        if unit is None and self._point is None:
            self.fail(self.tr("Cần chọn xã, phường hoặc một điểm trên bản đồ."), self.unit_combo)
            return None
        lat, lon = self._point if self._point is not None else (None, None)
        old = self.report.location
        if (lat, lon, address, unit) == (old.lat, old.lon, old.address, old.unit_code):
            self.fail(self.tr("Vị trí chưa thay đổi."), self.unit_combo)
            return None
        return {"location": {"lat": lat, "lon": lon, "address": address, "unit_code": unit}}


class LogCallDialog(TriageDialog):
    """A call to or from the citizen, and what came of it (the source's "they called to ask the address")."""

    action = Action.LOG_CALL

    def title(self) -> str:
        return self.tr("Ghi nhận cuộc gọi")

    def ok_label(self) -> str:
        return self.tr("&Ghi nhận cuộc gọi")

    def build(self) -> None:
        contact = self.report.contact
        who = " · ".join(p for p in (contact.name, contact.phone) if p) or self.tr("(không để lại liên hệ)")
        self.form.addRow(self.tr("Người phản ánh:"), _plain(who, self))
        self.direction_combo = QComboBox(self)
        self.direction_combo.setObjectName("direction_combo")
        self.direction_combo.addItem(self.tr("Gọi điện cho người phản ánh"), "outgoing")
        self.direction_combo.addItem(self.tr("Người phản ánh gọi đến"), "incoming")
        direction_label = QLabel(self.tr("&Cuộc gọi:"), self)
        direction_label.setBuddy(self.direction_combo)
        self.form.addRow(direction_label, self.direction_combo)
        self.result_combo = QComboBox(self)
        self.result_combo.setObjectName("result_combo")
        self.result_combo.addItem(self.tr("Đã trao đổi"), "answered")
        self.result_combo.addItem(self.tr("Không nghe máy"), "no_answer")
        self.result_combo.addItem(self.tr("Máy bận, hẹn gọi lại"), "busy")
        self.result_combo.addItem(self.tr("Sai số điện thoại"), "wrong_number")
        result_label = QLabel(self.tr("&Kết quả:"), self)
        result_label.setBuddy(self.result_combo)
        self.form.addRow(result_label, self.result_combo)
        self.notes_edit = _text_edit(self, 4)
        self.notes_edit.setObjectName("notes_edit")
        self.notes_edit.setPlaceholderText(
            self.tr("Nội dung trao đổi, ví dụ: công dân xác nhận vị trí trước số 25 Ngô Gia Tự.")
        )
        notes_label = QLabel(self.tr("&Nội dung:"), self)
        notes_label.setBuddy(self.notes_edit)
        self.form.addRow(notes_label, self.notes_edit)

    def payload(self) -> dict[str, Any] | None:
        direction = str(self.direction_combo.currentData())
        result = str(self.result_combo.currentData())
        notes = self.notes_edit.toPlainText().strip()
        if has_control_characters(notes):
            self.fail(
                control_refused(),
                self.notes_edit,
            )
            return None
        if result == "answered" and not notes:
            self.fail(self.tr("Cần ghi nội dung đã trao đổi với người phản ánh."), self.notes_edit)
            return None
        outcome = call_outcome(direction, result, notes)
        if len(outcome) > MAX_TEXT["outcome"]:
            self.fail(self.tr("Nội dung cuộc gọi quá dài."), self.notes_edit)
            return None
        return {"outcome": outcome, "direction": direction, "call_result": result}


#: Questions an operator often asks, by key (Vietnamese: stored as asked).
QUESTIONS: dict[str, str] = {
    "address": "Đề nghị {you} cho biết địa chỉ cụ thể (số nhà, tên đường, thôn, khu phố) nơi xảy ra sự việc.",
    "photo": "Đề nghị {you} gửi bổ sung hình ảnh hiện trường để có cơ sở chuyển đơn vị xử lý.",
    "time": "Đề nghị {you} cho biết sự việc xảy ra vào thời gian nào (ngày, giờ) và có thường xuyên không.",
    "detail": "Đề nghị {you} mô tả rõ hơn sự việc (mức độ, phạm vi ảnh hưởng) để Trung tâm chuyển đúng đơn vị.",
}

#: Reasons for rejecting a report, by key (Vietnamese: stored as given).
REJECT_REASONS: dict[str, str] = {
    "spam": "Nội dung không phải phản ánh hiện trường (quảng cáo, tin nhắn rác hoặc không rõ nội dung).",
    "scope": (
        "Nội dung thuộc lĩnh vực khiếu nại, tố cáo hoặc tranh chấp dân sự, không thuộc phạm vi tiếp nhận "
        "phản ánh hiện trường. Đề nghị công dân liên hệ Ban Tiếp công dân tỉnh để được hướng dẫn."
    ),
    "no_info": "Công dân không bổ sung thông tin theo đề nghị, không đủ cơ sở chuyển đơn vị xử lý.",
    "outside": "Sự việc xảy ra ngoài địa bàn tỉnh; đề nghị công dân phản ánh đến địa phương nơi xảy ra sự việc.",
}


def _you(report: Report) -> str:
    name = report.contact.name.strip()
    return f"ông/bà {name}" if name else "công dân"


class _TextChoiceDialog(TriageDialog):
    """A text with ready-made wordings to start from (a question, a reason)."""

    choices: Mapping[str, str] = {}
    field = "question"

    def choice_labels(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def choice_caption(self) -> str:
        raise NotImplementedError

    def text_caption(self) -> str:
        raise NotImplementedError

    def what(self) -> str:
        raise NotImplementedError

    def build(self) -> None:
        self.choice_combo = QComboBox(self)
        self.choice_combo.setObjectName("choice_combo")
        for key, label in self.choice_labels():
            self.choice_combo.addItem(label, key)
        self.choice_combo.addItem(QCoreApplication.translate("TriageDialog", "Tự soạn"), "")
        choice_label = QLabel(self.choice_caption(), self)
        choice_label.setBuddy(self.choice_combo)
        self.form.addRow(choice_label, self.choice_combo)
        self.text_edit = _text_edit(self, 5)
        self.text_edit.setObjectName("text_edit")
        text_label = QLabel(self.text_caption(), self)
        text_label.setBuddy(self.text_edit)
        self.form.addRow(text_label, self.text_edit)
        self.choice_combo.currentIndexChanged.connect(self._on_choice_combo_current_index_changed)
        self._filled = ""
        self._on_choice_combo_current_index_changed(0)

    @Slot(int)
    def _on_choice_combo_current_index_changed(self, _index: int) -> None:
        key = self.choice_combo.currentData()
        current = self.text_edit.toPlainText()
        if current.strip() and current != self._filled:
            return  # the operator has written something of their own: never overwrite it
        text = self.choices.get(str(key), "").replace("{you}", _you(self.report)) if key else ""
        self._filled = text
        self.text_edit.setPlainText(text)

    def payload(self) -> dict[str, Any] | None:
        text = self._text_required(self.text_edit, self.what(), MAX_TEXT[self.field])
        return None if text is None else {self.field: text}


class RequestInfoDialog(_TextChoiceDialog):
    action = Action.REQUEST_INFO
    choices = QUESTIONS
    field = "question"

    def title(self) -> str:
        return self.tr("Yêu cầu công dân bổ sung thông tin")

    def ok_label(self) -> str:
        return self.tr("&Gửi yêu cầu")

    def choice_labels(self) -> list[tuple[str, str]]:
        return [
            ("address", self.tr("Địa chỉ cụ thể")),
            ("photo", self.tr("Hình ảnh hiện trường")),
            ("time", self.tr("Thời gian xảy ra")),
            ("detail", self.tr("Mô tả rõ hơn")),
        ]

    def choice_caption(self) -> str:
        return self.tr("Cần &bổ sung:")

    def text_caption(self) -> str:
        return self.tr("&Nội dung yêu cầu:")

    def what(self) -> str:
        return self.tr("nội dung yêu cầu")

    def build(self) -> None:
        super().build()
        note = _plain(self.tr("Hạn trả lời tạm dừng trong khi chờ công dân bổ sung thông tin."), self)
        note.setStyleSheet(NOTE_STYLE)
        self.form.addRow("", note)


class RejectDialog(_TextChoiceDialog):
    action = Action.REJECT
    choices = REJECT_REASONS
    field = "reason"

    def title(self) -> str:
        return self.tr("Từ chối phản ánh")

    def ok_label(self) -> str:
        return self.tr("&Từ chối phản ánh")

    def choice_labels(self) -> list[tuple[str, str]]:
        return [
            ("spam", self.tr("Không phải phản ánh")),
            ("scope", self.tr("Không thuộc phạm vi tiếp nhận")),
            ("no_info", self.tr("Không bổ sung thông tin")),
            ("outside", self.tr("Ngoài địa bàn tỉnh")),
        ]

    def choice_caption(self) -> str:
        return self.tr("&Lý do:")

    def text_caption(self) -> str:
        return self.tr("&Nội dung gửi công dân:")

    def what(self) -> str:
        return self.tr("lý do từ chối")


#: Wordings of a reminder to the agency, by key (Vietnamese: stored as given).
REMINDERS: dict[str, str] = {
    "overdue": "Phản ánh đã quá hạn xử lý. Đề nghị đơn vị khẩn trương xử lý và báo cáo kết quả ngay.",
    "due_soon": "Phản ánh sắp đến hạn xử lý. Đề nghị đơn vị xử lý và báo cáo kết quả trong hạn.",
    "accept": "Đơn vị chưa tiếp nhận phản ánh. Đề nghị đơn vị tiếp nhận và phân công xử lý.",
    "citizen": "Công dân tiếp tục liên hệ đường dây nóng. Đề nghị đơn vị cập nhật tiến độ xử lý.",
}


class RemindDialog(_TextChoiceDialog):
    """Đôn đốc: remind the agency holding the report to act on it (recorded in the history, counted,
    and shown to the agency's liaison)."""

    action = Action.REMIND
    choices = REMINDERS
    field = "note"

    def title(self) -> str:
        return self.tr("Đôn đốc đơn vị xử lý")

    def ok_label(self) -> str:
        return self.tr("&Gửi đôn đốc")

    def choice_labels(self) -> list[tuple[str, str]]:
        return [
            ("overdue", self.tr("Đã quá hạn")),
            ("due_soon", self.tr("Sắp đến hạn")),
            ("accept", self.tr("Chưa tiếp nhận")),
            ("citizen", self.tr("Công dân hỏi lại")),
        ]

    def choice_caption(self) -> str:
        return self.tr("&Lý do:")

    def text_caption(self) -> str:
        return self.tr("&Nội dung gửi đơn vị:")

    def what(self) -> str:
        return self.tr("nội dung đôn đốc")

    def build(self) -> None:
        super().build()
        report = self.report
        agency = self.ctx.names.agency_full(report.agency) if report.agency else ""
        count = len(reminders(report))
        text = self.tr("Gửi đến: %s") % agency
        if count:
            text += " · " + self.tr("đã đôn đốc %s lần") % count
        note = _plain(text, self)
        note.setStyleSheet(NOTE_STYLE)
        self.form.insertRow(0, "", note)
        # The likeliest wording first: not accepted yet, else overdue or not (by the stage's deadline).
        if report.status is Status.FORWARDED:
            self.choice_combo.setCurrentIndex(2)
        elif report.stage_due_at is not None and report.stage_due_at > self.ctx.clock.now():
            self.choice_combo.setCurrentIndex(1)


class MergeDialog(TriageDialog):
    """Merge two reports of the same thing: one becomes the duplicate of the other.

    Nothing is deleted: the duplicate keeps its history and points to the original, which keeps its
    own. By default the report received first is kept as the original; the operator may turn that
    round (when the later one is already further along, for instance) if the lifecycle allows it.
    """

    action = Action.MARK_DUPLICATE

    def __init__(
        self, report: Report, other: Report, ctx: TriageContext, parent: QWidget | None = None
    ) -> None:
        self.other = other
        super().__init__(report, ctx, parent)

    def title(self) -> str:
        return self.tr("Gộp phản ánh trùng")

    def ok_label(self) -> str:
        return self.tr("&Gộp phản ánh")

    def _heading(self) -> str:
        return self.tr("Gộp %1 và %2").replace("%1", self.report.number).replace("%2", self.other.number)

    def _summary(self) -> str:
        return self.tr(
            "Phản ánh trùng được đóng và trỏ đến phản ánh gốc; lịch sử của cả hai được giữ nguyên."
        )

    def _side(self, report: Report) -> QGroupBox:
        names = self.ctx.names
        box = QGroupBox(report.number, self)
        form = QFormLayout(box)
        form.addRow(self.tr("Tiếp nhận:"), _plain(names.when(report.received_at), box))
        form.addRow(self.tr("Trạng thái:"), _plain(report.status.label(self.ctx.lang), box))
        form.addRow(self.tr("Lĩnh vực:"), _plain(names.category(report.category), box))
        where = report.location.address or names.unit_path(report.location.unit_code)
        form.addRow(self.tr("Địa điểm:"), _plain(where, box))
        text = QPlainTextEdit(box)
        text.setReadOnly(True)
        text.setTabChangesFocus(True)
        text.setPlainText(report.description)
        text.setMaximumHeight(text.fontMetrics().lineSpacing() * 6 + 12)
        form.addRow(self.tr("Nội dung:"), text)
        form.addRow(self.tr("Lịch sử:"), _plain(self.tr("%s bước xử lý") % len(report.history), box))
        return box

    def build(self) -> None:
        sides = QHBoxLayout()
        sides.addWidget(self._side(self.report))
        sides.addWidget(self._side(self.other))
        self.form.addRow(sides)
        original, duplicate = original_of(Candidate.of(self.report), Candidate.of(self.other))
        by_number = {self.report.number: self.report, self.other.number: self.other}
        self._choices: list[tuple[Report, Report]] = [
            (by_number[duplicate.number], by_number[original.number]),
            (by_number[original.number], by_number[duplicate.number]),
        ]
        self.direction_group = QButtonGroup(self)
        self.direction_buttons: list[QRadioButton] = []
        box = QVBoxLayout()
        for n, (dup, orig) in enumerate(self._choices):
            button = QRadioButton(
                self.tr("%1 là bản trùng của %2 (giữ %2)")
                .replace("%1", dup.number)
                .replace("%2", orig.number),
                self,
            )
            button.setObjectName(f"merge_direction_{n}")
            reason = not_allowed(dup, self.action, self.ctx.actor, self.ctx.lang)
            if reason is not None:
                button.setEnabled(False)
                button.setToolTip(reason)
                button.setText(button.text() + " — " + reason)
            self.direction_group.addButton(button, n)
            self.direction_buttons.append(button)
            box.addWidget(button)
        self.form.addRow(self.tr("Gộp thế nào:"), box)
        enabled = [b for b in self.direction_buttons if b.isEnabled()]
        (enabled[0] if enabled else self.direction_buttons[0]).setChecked(True)
        self.setMinimumWidth(760)

    def chosen(self) -> tuple[Report, Report]:
        """``(duplicate, original)`` as chosen."""
        return self._choices[max(self.direction_group.checkedId(), 0)]

    def target(self) -> Report:
        return self.chosen()[0]

    def report_exists(self) -> Callable[[str], bool] | None:
        known = {self.report.number, self.other.number}
        return lambda number: number in known

    def payload(self) -> dict[str, Any] | None:
        _duplicate, original = self.chosen()
        return {"original": original.number}


class ReplyDialog(TriageDialog):
    """The reply to the citizen, from a template of the category and outcome: the letter sent to
    them (it names them; kept with the report for staff) and the public reply (it never does; the
    hub blanks any contact data left in it), each edited, then published together."""

    action = Action.PUBLISH_REPLY

    def __init__(
        self,
        report: Report,
        ctx: TriageContext,
        templates: ReplyTemplates,
        parent: QWidget | None = None,
    ) -> None:
        self.templates = templates
        super().__init__(report, ctx, parent)

    def title(self) -> str:
        return self.tr("Trả lời công dân")

    def ok_label(self) -> str:
        return self.tr("&Công khai trả lời")

    def build(self) -> None:
        names = self.ctx.names
        self.form.addRow(self.tr("Đơn vị xử lý:"), _plain(names.agency_full(self.report.agency) or "—", self))
        result = QPlainTextEdit(self)
        result.setObjectName("result_view")
        result.setReadOnly(True)
        result.setTabChangesFocus(True)
        result.setPlainText(self.report.result or self.tr("(đơn vị chưa báo cáo kết quả)"))
        result.setMaximumHeight(result.fontMetrics().lineSpacing() * 5 + 12)
        self.form.addRow(self.tr("Kết quả xử lý:"), result)
        self.outcome_combo = QComboBox(self)
        self.outcome_combo.setObjectName("outcome_combo")
        for template in self.templates.for_category(self.report.category):
            self.outcome_combo.addItem(template.title, template.outcome)
        outcome_label = QLabel(self.tr("&Mẫu trả lời:"), self)
        outcome_label.setBuddy(self.outcome_combo)
        refill = QToolButton(self)
        refill.setText(self.tr("Điền &lại theo mẫu"))
        refill.clicked.connect(self.refill)
        row = QHBoxLayout()
        row.addWidget(self.outcome_combo, 1)
        row.addWidget(refill)
        self.form.addRow(outcome_label, row)
        self.letter_edit = _text_edit(self, 6)
        self.letter_edit.setObjectName("letter_edit")
        letter_label = QLabel(self.tr("&Thư gửi công dân:"), self)
        letter_label.setBuddy(self.letter_edit)
        letter_label.setToolTip(self.tr("Gửi riêng cho người phản ánh và lưu trong hồ sơ; không công khai."))
        self.form.addRow(letter_label, self.letter_edit)
        self.reply_edit = _text_edit(self, 6)
        self.reply_edit.setObjectName("reply_edit")
        reply_label = QLabel(self.tr("&Nội dung công khai:"), self)
        reply_label.setBuddy(self.reply_edit)
        reply_label.setToolTip(self.tr("Đăng công khai; họ tên, số điện thoại, thư điện tử sẽ được che."))
        self.form.addRow(reply_label, self.reply_edit)
        self.count_label = _plain("", self)
        self.count_label.setStyleSheet(NOTE_STYLE)
        self.form.addRow("", self.count_label)
        self.reply_edit.textChanged.connect(self._on_reply_edit_text_changed)
        self.letter_edit.textChanged.connect(self._on_reply_edit_text_changed)
        self.outcome_combo.currentIndexChanged.connect(self._on_outcome_combo_current_index_changed)
        self._filled = ("", "")
        self.refill()
        self.setMinimumWidth(720)

    def composed(self, outcome: str | None = None) -> tuple[str, str]:
        """The letter and the public reply of the template for ``outcome`` (the chosen one)."""
        outcome = outcome or str(self.outcome_combo.currentData() or "")
        template = self.templates.get(self.report.category, outcome)
        if template is None:
            return "", ""
        return fill_both(template.text, reply_values(self.report, self.ctx.names), self.report.contact)

    @Slot()
    def refill(self) -> None:
        self._filled = self.composed()
        self.letter_edit.setPlainText(self._filled[0])
        self.reply_edit.setPlainText(self._filled[1])

    @Slot(int)
    def _on_outcome_combo_current_index_changed(self, _index: int) -> None:
        current = (self.letter_edit.toPlainText(), self.reply_edit.toPlainText())
        if not "".join(current).strip() or current == self._filled:
            self.refill()  # an edited reply is never replaced without the operator asking

    @Slot()
    def _on_reply_edit_text_changed(self) -> None:
        text = self.reply_edit.toPlainText()
        left = unfilled(text + "\n" + self.letter_edit.toPlainText())
        words = self.tr("%1 / %2 ký tự").replace("%1", str(len(text))).replace("%2", str(MAX_TEXT["reply"]))
        if left:
            words += " · " + self.tr("còn chỗ trống: %s") % ", ".join(
                "{" + n + "}" for n in dict.fromkeys(left)
            )
        if public_reply(text, self.report.contact) != text:
            words += " · " + self.tr("thông tin cá nhân trong nội dung công khai sẽ được che")
        self.count_label.setText(words)

    def payload(self) -> dict[str, Any] | None:
        for edit in (self.letter_edit, self.reply_edit):
            left = unfilled(edit.toPlainText())
            if left:
                self.fail(
                    self.tr("Còn chỗ trống chưa điền trong nội dung trả lời: %s")
                    % ", ".join("{" + n + "}" for n in left),
                    edit,
                )
                return None
        letter: str | None = ""
        if self.letter_edit.toPlainText().strip():
            letter = self._text_required(self.letter_edit, self.tr("thư gửi công dân"), MAX_TEXT["letter"])
            if letter is None:
                return None
        text = self._text_required(self.reply_edit, self.tr("nội dung công khai"), MAX_TEXT["reply"])
        if text is None:
            return None
        return {"reply": text, "letter": letter} if letter else {"reply": text}


# -- the controller --------------------------------------------------------------------------------

#: The dialogs of the actions a :class:`TriageBar` offers, in its order.
BAR_ACTIONS = (
    Action.CLASSIFY,
    Action.SET_PRIORITY,
    Action.RELOCATE,
    Action.LOG_CALL,
    Action.REQUEST_INFO,
    Action.REMIND,
    Action.REJECT,
    Action.PUBLISH_REPLY,
)


class TriageController(QObject):
    """Opens the triage dialogs and takes their actions through the action service.

    Signals:
        acted(object, list): an action was taken (written locally, pending) on these reports.
        refused(str): an action could not be taken; the words say why.
        relocating(object): a :class:`RelocateDialog` opened (connect the map's clicks to it), or None
            when it closed.
    """

    acted = Signal(object, list)
    refused = Signal(str)
    relocating = Signal(object)

    def __init__(
        self,
        service: Any,
        ctx: TriageContext,
        *,
        templates: ReplyTemplates | None = None,
        load_report: Callable[[str, Callable[[Report | None], None]], None] | None = None,
        parent_widget: QWidget | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``service`` is an :class:`~ioc_console.gui.actions.ActionService` (or anything with its
        ``perform`` and ``request_finished``); ``load_report(number, callback)`` reads a report on the
        worker (for a merge)."""
        super().__init__(parent)
        self.service = service
        self.ctx = ctx
        self.templates = templates if templates is not None else load_reply_templates()
        self._load_report = load_report
        self._parent_widget = parent_widget
        self._waiting: dict[int, TriageDialog] = {}
        self.dialog: TriageDialog | None = None
        service.request_finished.connect(self._on_service_request_finished)

    def can(self, report: Report, action: Action) -> str | None:
        """Why the action cannot be taken on ``report`` now, or None if it can."""
        return not_allowed(report, action, self.ctx.actor, self.ctx.lang)

    def make_dialog(self, action: Action, report: Report) -> TriageDialog:
        parent = self._parent_widget
        kinds: dict[Action, type[TriageDialog]] = {
            Action.CLASSIFY: CategoryDialog,
            Action.SET_PRIORITY: PriorityDialog,
            Action.RELOCATE: RelocateDialog,
            Action.LOG_CALL: LogCallDialog,
            Action.REQUEST_INFO: RequestInfoDialog,
            Action.REJECT: RejectDialog,
            Action.REMIND: RemindDialog,
        }
        if action is Action.PUBLISH_REPLY:
            return ReplyDialog(report, self.ctx, self.templates, parent)
        return kinds[action](report, self.ctx, parent)

    def open(self, action: Action, report: Report) -> TriageDialog | None:
        """Open the dialog of ``action`` for ``report``; None (and :attr:`refused`) if not allowed."""
        reason = self.can(report, action)
        if reason is not None:
            self.refused.emit(reason)
            return None
        return self._show(self.make_dialog(action, report))

    def merge(self, report: Report, other_number: str) -> None:
        """Open the merge dialog for ``report`` and the report numbered ``other_number``."""
        if other_number == report.number:
            self.refused.emit(DomainError("duplicate.self").message(self.ctx.lang))
            return
        if self._load_report is None:
            raise RuntimeError("merging needs a way to load the other report")

        def loaded(other: Report | None) -> None:
            if other is None:
                self.refused.emit(
                    DomainError("duplicate.unknown_original", original=other_number).message(self.ctx.lang)
                )
                return
            self._show(MergeDialog(report, other, self.ctx, self._parent_widget))

        self._load_report(other_number, loaded)

    def _show(self, dialog: TriageDialog) -> TriageDialog:
        if self.dialog is not None:
            self.dialog.reject()
        self.dialog = dialog
        dialog.waits_for_service = True
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.action_chosen.connect(lambda action, payload, d=dialog: self._perform(d, action, payload))
        dialog.finished.connect(lambda _result, d=dialog: self._on_dialog_finished(d))
        if isinstance(dialog, RelocateDialog):
            dialog.show()  # non-modal: the map stays clickable
            self.relocating.emit(dialog)
        else:
            dialog.open()
        return dialog

    def _perform(self, dialog: TriageDialog, action: Action, payload: dict[str, Any]) -> None:
        dialog.set_busy(True)
        request = self.service.perform([dialog.target().number], action, payload, self.ctx.actor)
        self._waiting[request] = dialog

    @Slot(object)
    def _on_service_request_finished(self, result: Any) -> None:
        dialog = self._waiting.pop(result.request, None)
        if result.numbers:
            self.acted.emit(result.action, list(result.numbers))
        if dialog is None:
            return
        try:
            dialog.set_busy(False)
        except RuntimeError:  # closed meanwhile
            return
        if result.numbers:
            dialog.accept()
        else:
            words = "\n".join(r.message for r in result.refusals) or self.tr("Không thực hiện được thao tác.")
            dialog.show_error(words)

    def _on_dialog_finished(self, dialog: TriageDialog) -> None:
        for request, waiting in list(self._waiting.items()):
            if waiting is dialog:
                del self._waiting[request]
        if self.dialog is dialog:
            self.dialog = None
        if isinstance(dialog, RelocateDialog):
            self.relocating.emit(None)

    @Slot(float, float)
    def set_point(self, lat: float, lon: float) -> None:
        """The map was clicked: the open relocate dialog takes the point (else nothing happens)."""
        if isinstance(self.dialog, RelocateDialog):
            self.dialog.set_point(lat, lon)


class TriageBar(QWidget):
    """The actions on the report shown, each enabled only when the lifecycle allows it: forwarding
    first (it opens the forwarding dialog: :attr:`forward_requested`), then the triage dialogs.

    A disabled action's tooltip says why (the lifecycle's words). The buttons wrap onto another
    row when the pane is narrow: none is ever hidden behind an overflow menu.

    Signals:
        forward_requested(str): the operator wants to forward the report shown (its number).
    """

    forward_requested = Signal(str)

    def __init__(self, controller: TriageController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.report: Report | None = None
        self.setAccessibleName(self.tr("Xử lý phản ánh"))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout = FlowLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        texts = {
            Action.CLASSIFY: (self.tr("Lĩnh vực…"), self.tr("Đổi lĩnh vực phản ánh")),
            Action.SET_PRIORITY: (self.tr("Ưu tiên…"), self.tr("Đặt mức ưu tiên")),
            Action.RELOCATE: (
                self.tr("Vị trí…"),
                self.tr("Sửa vị trí: xã, phường và địa chỉ, hoặc một điểm trên bản đồ"),
            ),
            Action.LOG_CALL: (self.tr("Cuộc gọi…"), self.tr("Ghi nhận cuộc gọi với người phản ánh")),
            Action.REQUEST_INFO: (self.tr("Bổ sung…"), self.tr("Yêu cầu công dân bổ sung thông tin")),
            Action.REMIND: (
                self.tr("Đôn đốc…"),
                self.tr("Nhắc đơn vị đang giữ phản ánh khẩn trương xử lý (ghi vào lịch sử, đơn vị thấy ngay)"),
            ),
            Action.REJECT: (self.tr("Từ chối…"), self.tr("Từ chối phản ánh")),
            Action.PUBLISH_REPLY: (self.tr("Trả lời…"), self.tr("Soạn và công khai trả lời công dân")),
        }
        #: Forwarding: the dialog of the forwarding controller (F6), for the report shown.
        self.forward_tool = QAction(self.tr("Chuyển xử lý…"), self)
        self.forward_tool.setObjectName("triage_forward")
        self.forward_tool.triggered.connect(self._on_forward_tool_triggered)
        self._forward_title = self.tr("Chuyển phản ánh cho một đơn vị xử lý (F6)")
        self.buttons: list[QToolButton] = [self._button(self.forward_tool, primary=True)]
        #: The bar's action for each lifecycle action, in the bar's order.
        self.tools: dict[Action, QAction] = {}
        self._titles: dict[Action, str] = {}
        for action in BAR_ACTIONS:
            text, title = texts[action]
            tool = QAction(text, self)
            tool.setObjectName(f"triage_{action.value}")
            tool.triggered.connect(lambda _checked=False, a=action: self._on_tool_triggered(a))
            self.tools[action] = tool
            self._titles[action] = title
            self.buttons.append(self._button(tool))
        for button in self.buttons:
            layout.addWidget(button)
        self.set_report(None)

    def _button(self, action: QAction, *, primary: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setObjectName(action.objectName() + "_button")
        if primary:
            font = button.font()
            font.setBold(True)
            button.setFont(font)
        return button

    def set_report(self, report: Report | None) -> None:
        self.report = report
        forward = None if report is None else self.controller.can(report, Action.FORWARD)
        self.forward_tool.setEnabled(report is not None and forward is None)
        self.forward_tool.setToolTip(f"{self._forward_title}\n{forward}" if forward else self._forward_title)
        for action, tool in self.tools.items():
            reason = None if report is None else self.controller.can(report, action)
            tool.setEnabled(report is not None and reason is None)
            title = self._titles[action]
            tool.setToolTip(f"{title}\n{reason}" if reason else title)

    def hidden_actions(self) -> list[QAction]:
        """Actions whose button is not (wholly) inside the bar: none, whatever its width."""
        inside = self.rect()
        return [
            b.defaultAction() for b in self.buttons if not inside.contains(b.geometry()) or not b.isVisible()
        ]

    def _on_forward_tool_triggered(self) -> None:
        if self.report is not None:
            self.forward_requested.emit(self.report.number)

    def _on_tool_triggered(self, action: Action) -> None:
        if self.report is not None:
            self.controller.open(action, self.report)


class ReportWorkbench(QObject):
    """What goes with the report on show: the triage buttons, its photos, its suggested duplicates.

    ``bar`` sits above the report's details and ``extras`` below them (:meth:`MainWindow.attach_triage`
    places both); :meth:`show_report` follows the report shown. Duplicates are looked for while the
    report is at the IOC (new, waiting for information, returned, reopened): once forwarded, merging
    is no longer offered.

    Signals:
        open_requested(str): the operator wants to see a suggested duplicate.
    """

    open_requested = Signal(str)

    def __init__(
        self,
        controller: TriageController,
        finder: DuplicateFinder | None,
        photos: PhotoLoader | None,
        parent: QObject | None = None,
    ) -> None:
        """``finder`` is a :class:`DuplicateFinder` of its own (not the intake's); ``photos`` the
        console's :class:`PhotoLoader`; either may be None. ``bar`` and ``extras`` are made without
        a parent: the window that places them owns them."""
        super().__init__(parent)
        self.controller = controller
        self.finder = finder
        self.report: Report | None = None
        names = controller.ctx.names
        self.bar = TriageBar(controller)
        self.bar.setObjectName("triage_bar")
        self.extras = QWidget()
        self.extras.setObjectName("report_extras")
        layout = QVBoxLayout(self.extras)
        layout.setContentsMargins(6, 0, 6, 6)
        self.photo_box = QGroupBox(self.tr("Ảnh hiện trường"), self.extras)
        self.photo_box.setObjectName("photo_box")
        photo_layout = QVBoxLayout(self.photo_box)
        photo_layout.setContentsMargins(4, 4, 4, 4)
        self.photos = PhotoStrip(photos, names, self.photo_box) if photos is not None else None
        if self.photos is not None:
            photo_layout.addWidget(self.photos)
        self.photo_box.setVisible(False)
        layout.addWidget(self.photo_box)
        self.duplicates_box = QGroupBox(self.tr("Phản ánh có thể trùng"), self.extras)
        self.duplicates_box.setObjectName("duplicates_box")
        dup_layout = QVBoxLayout(self.duplicates_box)
        dup_layout.setContentsMargins(4, 4, 4, 4)
        self.duplicates = DuplicatePanel(names, parent=self.duplicates_box)
        # Three suggestions of two lines each; the list scrolls for more.
        self.duplicates.view.setMaximumHeight(self.duplicates.fontMetrics().lineSpacing() * 6 + 12)
        dup_layout.addWidget(self.duplicates)
        self.duplicates_box.setVisible(False)
        layout.addWidget(self.duplicates_box)
        layout.addStretch(1)
        self.duplicates.open_requested.connect(self.open_requested)
        self.duplicates.merge_requested.connect(self._on_duplicates_merge_requested)
        if finder is not None:
            finder.suggestions_found.connect(self._on_finder_suggestions_found)

    def show_report(self, report: Report | None) -> None:
        self.report = report
        self.bar.set_report(report)
        attachments = report.attachments if report is not None else []
        if self.photos is not None:
            self.photos.set_attachments(attachments)
            self.photo_box.setVisible(self.photos.has_photos())
        at_ioc = report is not None and report.status in AT_IOC
        if self.finder is None or not at_ioc:
            if self.finder is not None:
                self.finder.cancel()
            self.duplicates_box.setVisible(False)
            return
        assert report is not None
        self.duplicates.show_searching()
        self.finder.find_now(Candidate.of(report), report.number)

    @Slot(str, list)
    def _on_finder_suggestions_found(self, key: str, found: list[Any]) -> None:
        if self.report is None or key != self.report.number:
            return
        self.duplicates.show_suggestions(found)
        self.duplicates_box.setVisible(bool(found))

    @Slot(str)
    def _on_duplicates_merge_requested(self, number: str) -> None:
        if self.report is not None:
            self.controller.merge(self.report, number)


__all__ = [
    "BAR_ACTIONS",
    "CALL_DIRECTIONS",
    "CALL_RESULTS",
    "QUESTIONS",
    "REJECT_REASONS",
    "CategoryDialog",
    "LogCallDialog",
    "MergeDialog",
    "PriorityDialog",
    "RejectDialog",
    "RelocateDialog",
    "ReplyDialog",
    "ReportWorkbench",
    "RequestInfoDialog",
    "TriageBar",
    "TriageContext",
    "TriageController",
    "TriageDialog",
    "UnitPicker",
    "call_outcome",
    "compact",
    "load_reply_templates",
    "not_allowed",
    "refusal_of",
    "reply_values",
]

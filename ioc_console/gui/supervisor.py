"""The shift supervisor's desk: re-route a report to another agency, escalate it.

* Re-route (``forward`` to another agency): a report already at an agency (forwarded, or accepted
  and in progress: only a supervisor may take that one back) goes to another agency, with the
  reason required; the reason stays in the report's history.
* Escalate (``set_priority`` to urgent with a note): the priority becomes "Khẩn" and the note,
  required, says why; both are one action in the history.

Both go through the :class:`~ioc_console.gui.actions.ActionService` (outbox, pending until the hub
has them, with the workspace's undo) and are checked by the lifecycle first: an operator gets the
menu entries disabled with the reason in the tooltip. :class:`SupervisorDesk` holds the two menu
actions; :meth:`SupervisorDesk.install` puts them in the main window's Reports menu and follows
the report on show.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ioc_console.domain.errors import DomainError
from ioc_console.domain.lifecycle import AT_AGENCY, MAX_TEXT, Action, Priority, check
from ioc_console.domain.report import Report

from ioc_console.gui.actions import ActionService, PerformResult
from ioc_console.gui.present import Names

#: The priority an escalation sets.
ESCALATED = Priority.URGENT


class _DeskDialog(QDialog):
    """A form with a required text (a reason, a note) and the Vietnamese message when it is empty."""

    def __init__(self, title: str, prompt: str, missing: str, limit: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.missing = missing
        self.limit = limit
        self.form = QFormLayout()
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("desk_text")
        self.editor.setTabChangesFocus(True)
        self.error = QLabel(self)
        self.error.setObjectName("desk_error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            QCoreApplication.translate("SupervisorDesk", "Thực hiện")
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            QCoreApplication.translate("SupervisorDesk", "Hủy")
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        prompt_label = QLabel(prompt, self)
        prompt_label.setBuddy(self.editor)
        layout.addWidget(prompt_label)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(540, 340)

    def text(self) -> str:
        return self.editor.toPlainText().strip()

    def problem(self) -> str | None:
        text = self.text()
        if not text:
            return self.missing
        if len(text) > self.limit:
            return QCoreApplication.translate("SupervisorDesk", "Nội dung quá dài: tối đa %1 ký tự.").replace(
                "%1", str(self.limit)
            )
        return None

    def accept(self) -> None:
        problem = self.problem()
        if problem is None:
            super().accept()
            return
        self.error.setText(problem)
        self.error.show()
        self.editor.setFocus()

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError


class RerouteDialog(_DeskDialog):
    """Another agency for a report already at one, and why (both required)."""

    def __init__(self, report: Report, names: Names, parent: QWidget | None = None) -> None:
        super().__init__(
            QCoreApplication.translate("RerouteDialog", "Chuyển phản ánh %1 sang đơn vị khác").replace(
                "%1", report.number
            ),
            QCoreApplication.translate(
                "RerouteDialog", "Lý do chuyển (bắt buộc, đơn vị mới và nhật ký phản ánh đều thấy):"
            ),
            QCoreApplication.translate("RerouteDialog", "Vui lòng nhập lý do chuyển sang đơn vị khác."),
            MAX_TEXT["reason"],
            parent,
        )
        self.setObjectName("reroute_dialog")
        self.current = report.agency
        current = QLabel(names.agency_full(report.agency) if report.agency else "—", self)
        current.setTextFormat(Qt.TextFormat.PlainText)
        current.setWordWrap(True)
        self.form.addRow(self.tr("Đơn vị đang xử lý:"), current)
        self.agency_combo = QComboBox(self)
        self.agency_combo.setObjectName("agency_combo")
        self.agency_combo.addItem(self.tr("— Chọn đơn vị —"), None)
        agencies = names.jurisdiction.agencies
        for code in sorted(agencies, key=lambda c: names.agency_full(c)):
            if code != report.agency:
                self.agency_combo.addItem(names.agency_full(code), code)
        self.form.addRow(self.tr("Chuyển đến:"), self.agency_combo)

    def agency(self) -> str | None:
        code = self.agency_combo.currentData()
        return str(code) if code else None

    def problem(self) -> str | None:
        if self.agency() is None:
            return self.tr("Vui lòng chọn đơn vị nhận phản ánh.")
        return super().problem()

    def payload(self) -> dict[str, Any]:
        return {"agency": self.agency(), "reason": self.text()}


class EscalateDialog(_DeskDialog):
    """Escalation: the priority becomes urgent; the note (required) says why."""

    def __init__(self, report: Report, names: Names, parent: QWidget | None = None) -> None:
        super().__init__(
            QCoreApplication.translate("EscalateDialog", "Báo khẩn phản ánh %1").replace("%1", report.number),
            QCoreApplication.translate("EscalateDialog", "Ghi chú báo khẩn (bắt buộc: vì sao, cần làm gì):"),
            QCoreApplication.translate("EscalateDialog", "Vui lòng nhập ghi chú báo khẩn."),
            MAX_TEXT["note"],
            parent,
        )
        self.setObjectName("escalate_dialog")
        now = QLabel(report.priority.label(names.lang), self)
        self.form.addRow(self.tr("Mức ưu tiên hiện nay:"), now)
        after = QLabel("⚠ " + ESCALATED.label(names.lang), self)
        after.setStyleSheet("font-weight: bold;")
        self.form.addRow(self.tr("Mức ưu tiên mới:"), after)

    def payload(self) -> dict[str, Any]:
        return {"priority": ESCALATED.value, "note": self.text()}


class SupervisorDesk(QObject):
    """The supervisor's actions on the report on show: re-route and escalate.

    Signals:
        acted(str, object): an action (:class:`Action`) was taken on this report (pending).
        refused(str): the action was refused; the words say why.
    """

    acted = Signal(str, object)
    refused = Signal(str)

    def __init__(self, service: ActionService, names: Names, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.names = names
        self.widget_parent = parent
        self.report: Report | None = None
        self._requests: dict[int, tuple[str, Action]] = {}
        self.reroute_action = QAction(self.tr("Chuyển sang đơn vị khác…"), self)
        self.reroute_action.setObjectName("desk_reroute")
        self.reroute_action.triggered.connect(self.ask_reroute)
        self.escalate_action = QAction(self.tr("Báo khẩn…"), self)
        self.escalate_action.setObjectName("desk_escalate")
        self.escalate_action.triggered.connect(self.ask_escalate)
        service.request_finished.connect(self._on_service_request_finished)
        self.set_report(None)

    def install(self, window: Any) -> None:
        """Into the main window's Reports menu, following the report its details show."""
        window.add_report_action(self.reroute_action)
        window.add_report_action(self.escalate_action)
        window.report_displayed.connect(self.set_report)

    # -- what may be done ------------------------------------------------------------------------------

    def why_not(self, report: Report | None, action: Action) -> str | None:
        """Why ``action`` cannot be taken on ``report`` now (the lifecycle's words), or None."""
        if report is None:
            return self.tr("Chưa chọn phản ánh.")
        if action is Action.FORWARD and report.status not in AT_AGENCY:
            return self.tr("Chỉ chuyển được phản ánh đang ở một đơn vị xử lý; phản ánh này đang ở IOC.")
        if action is Action.SET_PRIORITY and report.priority is ESCALATED:
            return self.tr("Phản ánh đã ở mức ưu tiên Khẩn.")
        try:  # the inputs are the dialog's: only the status, the role and the agency are checked here
            check(action, report.status, self.service.actor, report.agency, None, report_id=report.number)
        except DomainError as error:
            return error.message(self.names.lang)
        return None

    def set_report(self, report: Report | None) -> None:
        self.report = report
        for action, tool, title in (
            (Action.FORWARD, self.reroute_action, self.tr("Chuyển phản ánh sang đơn vị khác, kèm lý do")),
            (Action.SET_PRIORITY, self.escalate_action, self.tr("Nâng mức ưu tiên lên Khẩn, kèm ghi chú")),
        ):
            reason = self.why_not(report, action)
            tool.setEnabled(reason is None)
            tool.setToolTip(f"{title}\n{reason}" if reason else title)

    # -- acting ----------------------------------------------------------------------------------------

    def reroute_dialog(self) -> RerouteDialog | None:
        if self.report is None or self.why_not(self.report, Action.FORWARD):
            return None
        return RerouteDialog(self.report, self.names, self.widget_parent)

    def escalate_dialog(self) -> EscalateDialog | None:
        if self.report is None or self.why_not(self.report, Action.SET_PRIORITY):
            return None
        return EscalateDialog(self.report, self.names, self.widget_parent)

    def ask_reroute(self) -> None:
        self._ask(self.reroute_dialog(), Action.FORWARD)

    def ask_escalate(self) -> None:
        self._ask(self.escalate_dialog(), Action.SET_PRIORITY)

    def _ask(self, dialog: _DeskDialog | None, action: Action) -> None:
        if dialog is None:
            return
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.take(action, dialog.payload()))
        dialog.open()

    def take(self, action: Action, payload: dict[str, Any]) -> int | None:
        """Take ``action`` with the dialog's ``payload`` on the report on show (the outbox, pending)."""
        report = self.report
        if report is None:
            return None
        request = self.service.perform([report.number], action, payload)
        self._requests[request] = (report.number, action)
        return request

    def _on_service_request_finished(self, result: PerformResult) -> None:
        taken = self._requests.pop(result.request, None)
        if taken is None:
            return
        number, action = taken
        if result.refusals:
            self.refused.emit("; ".join(r.message for r in result.refusals))
        elif result.numbers:
            self.acted.emit(number, action)


__all__ = ["ESCALATED", "EscalateDialog", "RerouteDialog", "SupervisorDesk"]

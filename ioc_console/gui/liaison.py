"""The agency liaison's workspace: their agency's reports only, an inbox ordered by deadline.

The liaison accepts a forwarded report, returns it to the IOC with a reason, notes progress and
reports the result; every action goes through :class:`~ioc_console.gui.actions.ActionService`
(checked by the lifecycle, written locally with its outbox entry, pending until the hub has it).
The hub sends a liaison only their agency's reports; the inbox filters by agency again all the same.
Deadlines stay in view: the agency's stage deadline and the citizen's reply deadline are columns,
with the deadline state as a word and an icon. :attr:`LiaisonWorkspace.report_forwarded` tells
when something new has been forwarded to the agency since the last read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ioc_console.domain.deadlines import DeadlineState, deadline_state
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import AT_AGENCY, MAX_TEXT, Action, Actor, Status
from ioc_console.domain.report import Report
from ioc_console.store import LocalStore, ReportQuery, ReportRow

from ioc_console.gui.actions import ActionService
from ioc_console.gui.look import DeadlineLook
from ioc_console.gui.operations import DatabaseExecutor, Op
from ioc_console.gui.present import DeadlineClock, Names

log = logging.getLogger(__name__)

#: The most reports the inbox holds (an agency's open reports are far fewer).
INBOX_LIMIT = 5000


@dataclass(frozen=True)
class InboxRow:
    row: ReportRow
    stage_state: DeadlineState
    reply_state: DeadlineState


def read_inbox(store: LocalStore, agency: str, clock: DeadlineClock) -> list[InboxRow]:
    """On the worker: the agency's reports at the agency, the nearest deadline first."""
    now, boundary = clock.now_and_boundary()
    rows = store.query(
        ReportQuery(agencies={agency}, statuses=AT_AGENCY, sort="due_at", descending=False, limit=INBOX_LIMIT)
    )
    mine = [r for r in rows if r.agency == agency]  # the hub filters too; never show another's
    far = datetime.max.replace(tzinfo=now.tzinfo)

    def key(r: ReportRow) -> tuple[datetime, datetime, str]:
        return (r.stage_due_at or r.due_at or far, r.due_at or far, r.number)

    mine.sort(key=key)
    return [
        InboxRow(
            r,
            deadline_state(r.stage_due_at, now, boundary, r.closed),
            deadline_state(r.due_at, now, boundary, r.closed),
        )
        for r in mine
    ]


class InboxModel(QAbstractTableModel):
    """The inbox's rows (few: a plain list model)."""

    HEADERS = ("stage_due", "due", "number", "category", "unit", "status")

    def __init__(self, names: Names, look: DeadlineLook, parent: Any = None) -> None:
        super().__init__(parent)
        self.names = names
        self.look = look
        self.rows: list[InboxRow] = []
        self.titles = (
            self.tr("Hạn xử lý của đơn vị"),
            self.tr("Hạn trả lời công dân"),
            self.tr("Số phản ánh"),
            self.tr("Lĩnh vực"),
            self.tr("Địa bàn"),
            self.tr("Trạng thái"),
        )

    def set_rows(self, rows: list[InboxRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.titles[section]
        return None

    def _state_word(self, state: DeadlineState) -> str:
        if state is DeadlineState.OVERDUE:
            return self.tr("Quá hạn")
        if state is DeadlineState.DUE_SOON:
            return self.tr("Sắp đến hạn")
        return ""

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        item = self.rows[index.row()]
        r = item.row
        column = self.HEADERS[index.column()]
        state = item.stage_state if column == "stage_due" else item.reply_state if column == "due" else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column in ("stage_due", "due"):
                when = self.names.when(r.stage_due_at if column == "stage_due" else r.due_at)
                word = self._state_word(state) if state is not None else ""
                return f"{when} · {word}" if word else when
            if column == "number":
                return r.number
            if column == "category":
                return self.names.category(r.category)
            if column == "unit":
                return self.names.unit(r.unit_code)
            status = r.status.label(self.names.lang)
            return status + self.tr(" · chờ gửi") if r.pending else status
        if role == Qt.ItemDataRole.DecorationRole and state is not None:
            return self.look.icon(state)
        if role == Qt.ItemDataRole.ForegroundRole and state is not None and self.look.is_flagged(state):
            return self.look.foreground(state)
        if role == Qt.ItemDataRole.BackgroundRole and state is not None and self.look.is_flagged(state):
            return self.look.background(state)
        if role == Qt.ItemDataRole.UserRole:
            return r.number
        return None


class TextActionDialog(QDialog):
    """Asks for the text an action requires (a reason, a note, a result); refuses it empty."""

    def __init__(
        self, title: str, prompt: str, missing: str, limit: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.missing = missing
        self.limit = limit
        self.prompt = QLabel(prompt, self)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("action_text")
        self.error = QLabel(self)
        self.error.setObjectName("action_error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Gửi"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Hủy"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.editor)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, 300)

    def text(self) -> str:
        return self.editor.toPlainText().strip()

    def accept(self) -> None:
        text = self.text()
        if not text:
            self.error.setText(self.missing)
        elif len(text) > self.limit:
            self.error.setText(self.tr("Nội dung quá dài: tối đa %1 ký tự.").replace("%1", str(self.limit)))
        else:
            super().accept()
            return
        self.error.show()
        self.editor.setFocus()


class LiaisonWorkspace(QWidget):
    """The liaison's inbox, the selected report and the actions on it.

    Signals:
        report_forwarded(list): numbers newly forwarded to the agency since the last read.
        inbox_loaded(int): the inbox was read (how many reports).
    """

    report_forwarded = Signal(list)
    inbox_loaded = Signal(int)

    def __init__(
        self,
        store: LocalStore,
        jurisdiction: Jurisdiction,
        names: Names,
        clock: DeadlineClock,
        executor: DatabaseExecutor,
        actor: Actor,
        *,
        actions: ActionService | None = None,
        look: DeadlineLook | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("liaison_workspace")
        self.store = store
        self.names = names
        self.clock = clock
        self.executor = executor
        self.actor = actor
        self.agency = actor.agency
        self.actions = actions or ActionService(
            store, jurisdiction, executor, actor, clock, names, parent=self
        )
        self.actions.reports_changed.connect(self.refresh)
        self.actions.action_refused.connect(self._on_actions_action_refused)
        self.actions.failed.connect(self._show_problem)
        self._known: set[str] | None = None
        self._busy = False
        self._again = False
        self._report: Report | None = None

        agency_name = names.agency_full(self.agency) if self.agency else ""
        self.title = QLabel(self)
        self.title.setObjectName("liaison_title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setText(
            self.tr("Phản ánh chuyển đến %1").replace("%1", agency_name)
            if self.agency
            else self.tr("Tài khoản chưa gắn với đơn vị xử lý nào.")
        )
        self.counts = QLabel(self)
        self.counts.setObjectName("liaison_counts")
        self.model = InboxModel(names, look or DeadlineLook(), self)
        self.view = QTableView(self)
        self.view.setObjectName("liaison_inbox")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The place takes the room that is left (and is shortened), so the status stays in view.
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)

        self.details = QPlainTextEdit(self)
        self.details.setObjectName("liaison_details")
        self.details.setReadOnly(True)
        self.problem = QLabel(self)
        self.problem.setObjectName("liaison_problem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.problem.hide()
        self.accept_button = QPushButton(self.tr("&Tiếp nhận xử lý"), self)
        self.return_button = QPushButton(self.tr("T&rả lại IOC…"), self)
        self.note_button = QPushButton(self.tr("Cập nhật &tiến độ…"), self)
        self.resolve_button = QPushButton(self.tr("Báo cáo &kết quả…"), self)
        for name, button in (
            ("accept_button", self.accept_button),
            ("return_button", self.return_button),
            ("note_button", self.note_button),
            ("resolve_button", self.resolve_button),
        ):
            button.setObjectName(name)
        self.accept_button.clicked.connect(self.accept_selected)
        self.return_button.clicked.connect(lambda: self.ask(Action.RETURN))
        self.note_button.clicked.connect(lambda: self.ask(Action.NOTE_PROGRESS))
        self.resolve_button.clicked.connect(lambda: self.ask(Action.RESOLVE))

        buttons = QHBoxLayout()
        for button in (self.accept_button, self.return_button, self.note_button, self.resolve_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        right = QWidget(self)
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addLayout(buttons)
        side.addWidget(self.problem)
        side.addWidget(self.details, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.view)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([900, 460])
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.counts)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self.dialog: TextActionDialog | None = None
        self._enable_actions()
        self.refresh()

    # -- reading -----------------------------------------------------------------------------------------

    def refresh(self, _changed: object = None) -> None:
        """Read the inbox again (after an action, or when sync applied changes)."""
        if self.agency is None or self.executor.closed:
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        store, agency, clock = self.store, self.agency, self.clock
        Op(lambda: read_inbox(store, agency, clock), self).on_success(self._on_inbox_read).on_failure(
            self._on_inbox_failed
        ).run(self.executor)

    def _on_inbox_read(self, rows: list[InboxRow]) -> None:
        self._busy = False
        selected = self.selected_number()
        forwarded = {i.row.number for i in rows if i.row.status is Status.FORWARDED}
        if self._known is not None:
            new = sorted(forwarded - self._known)
            if new:
                self.report_forwarded.emit(new)
        self._known = (self._known or set()) | forwarded
        self.model.set_rows(rows)
        overdue = sum(1 for i in rows if i.stage_state is DeadlineState.OVERDUE)
        waiting = len(forwarded)
        self.counts.setText(
            self.tr("%1 phản ánh · %2 chờ tiếp nhận · %3 quá hạn")
            .replace("%1", str(len(rows)))
            .replace("%2", str(waiting))
            .replace("%3", str(overdue))
        )
        if selected is not None:
            self.select(selected)
        self._enable_actions()
        self.inbox_loaded.emit(len(rows))
        if self._again:
            self._again = False
            self.refresh()

    def _on_inbox_failed(self, error: BaseException) -> None:
        self._busy = False
        log.error("the liaison's inbox could not be read", exc_info=error)
        self._show_problem(self.tr("Không đọc được danh sách phản ánh."))

    def numbers(self) -> list[str]:
        return [i.row.number for i in self.model.rows]

    def select(self, number: str) -> bool:
        for row, item in enumerate(self.model.rows):
            if item.row.number == number:
                self.view.selectRow(row)
                return True
        return False

    def selected_row(self) -> InboxRow | None:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()]

    def selected_number(self) -> str | None:
        row = self.selected_row()
        return row.row.number if row is not None else None

    def _on_view_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.problem.hide()
        self._enable_actions()
        number = self.selected_number()
        if number is None:
            self.details.clear()
            return
        store = self.store
        Op(lambda: store.get_report(number), self).on_success(self._show_report).run(self.executor)

    def _show_report(self, report: Report | None) -> None:
        if report is None or report.number != self.selected_number() or report.agency != self.agency:
            return
        self._report = report
        n = self.names
        lines = [
            f"{report.number} — {n.category(report.category)}",
            self.tr("Địa bàn: %1").replace("%1", n.unit_path(report.location.unit_code)),
            self.tr("Địa chỉ: %1").replace("%1", report.location.address),
            self.tr("Tiếp nhận: %1").replace("%1", n.when(report.received_at)),
            self.tr("Hạn xử lý của đơn vị: %1").replace("%1", n.when(report.stage_due_at)),
            self.tr("Hạn trả lời công dân: %1").replace("%1", n.when(report.due_at)),
            "",
            report.description,
        ]
        if report.history:
            lines += ["", self.tr("Diễn biến:")]
            for event in report.history[-8:]:
                lines.append(f"{n.when(event.at)} · {event.action.label(n.lang)}")
        self.details.setPlainText("\n".join(lines))  # the citizen's words stay plain text

    def _enable_actions(self) -> None:
        item = self.selected_row()
        status = item.row.status if item is not None else None
        pending = item is not None and item.row.pending
        self.accept_button.setEnabled(status is Status.FORWARDED and not pending)
        self.return_button.setEnabled(status in AT_AGENCY and not pending)
        self.note_button.setEnabled(status is Status.IN_PROGRESS and not pending)
        self.resolve_button.setEnabled(status is Status.IN_PROGRESS and not pending)

    # -- acting --------------------------------------------------------------------------------------------

    def accept_selected(self) -> None:
        number = self.selected_number()
        if number is not None:
            self.problem.hide()
            self.actions.perform([number], Action.ACCEPT, {})

    def ask(self, action: Action) -> TextActionDialog | None:
        """Open the dialog for an action that needs text; it is taken when the dialog is accepted."""
        number = self.selected_number()
        if number is None:
            return None
        texts = {
            Action.RETURN: (
                self.tr("Trả lại phản ánh %1 cho IOC"),
                self.tr("Lý do trả lại (bắt buộc):"),
                self.tr("Vui lòng nhập lý do trả lại."),
                "reason",
            ),
            Action.NOTE_PROGRESS: (
                self.tr("Cập nhật tiến độ phản ánh %1"),
                self.tr("Nội dung tiến độ (bắt buộc):"),
                self.tr("Vui lòng nhập nội dung tiến độ."),
                "note",
            ),
            Action.RESOLVE: (
                self.tr("Báo cáo kết quả xử lý phản ánh %1"),
                self.tr("Kết quả xử lý (bắt buộc):"),
                self.tr("Vui lòng nhập kết quả xử lý."),
                "result",
            ),
        }
        title, prompt, missing, key = texts[action]
        dialog = TextActionDialog(title.replace("%1", number), prompt, missing, MAX_TEXT[key], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._take(number, action, {key: dialog.text()}))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _take(self, number: str, action: Action, payload: dict[str, Any]) -> None:
        self.problem.hide()
        self.actions.perform([number], action, payload)

    def _on_actions_action_refused(self, _number: str, message: str) -> None:
        self._show_problem(message)

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()


__all__ = ["InboxModel", "InboxRow", "LiaisonWorkspace", "TextActionDialog", "read_inbox"]

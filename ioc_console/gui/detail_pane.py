"""The selected report in full: facts, texts, deadlines with their states, and its whole history.

Citizen text is untrusted. Every value is shown in a plain-text ``QLabel`` or a read-only
``QPlainTextEdit``; nothing a citizen typed is ever interpreted as rich text.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ioc_console.domain.deadlines import DeadlineState, deadline_state
from ioc_console.domain.report import Report, reminders
from ioc_console.store import is_provisional

from ioc_console.gui.history_model import HistoryModel
from ioc_console.gui.history_view import HistoryView
from ioc_console.gui.look import ICON_SIZE, DeadlineLook
from ioc_console.gui.present import DeadlineClock, Names


def _plain_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return label


class _PlainText(QPlainTextEdit):
    """A read-only text block that grows with its content up to a few lines, then scrolls."""

    def __init__(self, max_lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTabChangesFocus(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._max_lines = max_lines
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.textChanged.connect(self._fit)

    def _fit(self) -> None:
        line = self.fontMetrics().lineSpacing()
        width = max(self.viewport().width(), 200)
        text_height = (
            self.fontMetrics()
            .boundingRect(0, 0, width - 8, 100000, Qt.TextFlag.TextWordWrap, self.toPlainText() or " ")
            .height()
        )
        lines = max(1, min(self._max_lines, round(text_height / line)))
        self.setFixedHeight(lines * line + 2 * self.frameWidth() + 10)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self._fit()


class _Deadline(QWidget):
    """A deadline: icon, date and the state in words."""

    def __init__(self, look: DeadlineLook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._look = look
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.icon = QLabel(self)
        self.icon.setTextFormat(Qt.TextFormat.PlainText)
        self.icon.setFixedSize(ICON_SIZE, ICON_SIZE)
        self.text = _plain_label(self)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)

    def show_deadline(self, text: str, state: DeadlineState | None) -> None:
        flagged = self._look.is_flagged(state)
        self.icon.setVisible(flagged)
        if flagged:
            self.icon.setPixmap(self._look.icon(state).pixmap(ICON_SIZE, ICON_SIZE))
        self.text.setText(text)
        brush = self._look.foreground(state) if flagged else None
        style = f"color: {brush.color().name()}; font-weight: bold;" if brush is not None else ""
        self.text.setStyleSheet(style)


class ReportDetailPane(QWidget):
    """Shows one report (``show_report``) or a hint when nothing is selected."""

    def __init__(self, names: Names, clock: DeadlineClock, look: DeadlineLook, parent: QWidget | None = None):
        super().__init__(parent)
        self._names = names
        self._clock = clock
        self._look = look
        self._report: Report | None = None

        self._stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

        self._hint = QLabel(self.tr("Chọn một phản ánh trong danh sách để xem chi tiết."), self)
        self._hint.setTextFormat(Qt.TextFormat.PlainText)
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._hint.setWordWrap(True)
        self._hint.setEnabled(False)
        self._stack.addWidget(self._hint)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(scroll)
        scroll.setWidget(body)
        self._stack.addWidget(scroll)
        self._scroll = scroll
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 8, 10, 8)

        self.number = _plain_label(body)
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.number.setFont(font)
        self.number.setObjectName("detail_number")
        layout.addWidget(self.number)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.status = _plain_label(body)
        self.category = _plain_label(body)
        self.channel = _plain_label(body)
        self.priority = _plain_label(body)
        self.received = _plain_label(body)
        self.reply_deadline = _Deadline(look, body)
        self.stage_deadline = _Deadline(look, body)
        self.unit = _plain_label(body)
        self.address = _plain_label(body)
        self.coordinates = _plain_label(body)
        self.contact = _plain_label(body)
        self.agency = _plain_label(body)
        self.reminders = _plain_label(body)
        self.reminders.setObjectName("detail_reminders")
        self.duplicate_of = _plain_label(body)
        self.rating = _plain_label(body)
        self._rows: dict[QWidget, QLabel] = {}
        for title, widget in (
            (self.tr("Trạng thái"), self.status),
            (self.tr("Lĩnh vực"), self.category),
            (self.tr("Kênh tiếp nhận"), self.channel),
            (self.tr("Mức ưu tiên"), self.priority),
            (self.tr("Thời điểm tiếp nhận"), self.received),
            (self.tr("Hạn trả lời công dân"), self.reply_deadline),
            (self.tr("Hạn giai đoạn hiện tại"), self.stage_deadline),
            (self.tr("Địa bàn"), self.unit),
            (self.tr("Địa chỉ"), self.address),
            (self.tr("Tọa độ"), self.coordinates),
            (self.tr("Người phản ánh"), self.contact),
            (self.tr("Đơn vị xử lý"), self.agency),
            (self.tr("Đôn đốc"), self.reminders),
            (self.tr("Trùng với"), self.duplicate_of),
            (self.tr("Đánh giá của công dân"), self.rating),
        ):
            caption = QLabel(title + ":", body)
            caption.setTextFormat(Qt.TextFormat.PlainText)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
            self._rows[widget] = caption
        self._form = form
        layout.addLayout(form)

        self.description = _PlainText(10, body)
        self.description.setObjectName("detail_description")
        self.result = _PlainText(6, body)
        self.reply = _PlainText(6, body)
        self._boxes: dict[QPlainTextEdit, QGroupBox] = {}
        for title, edit in (
            (self.tr("Nội dung phản ánh"), self.description),
            (self.tr("Kết quả xử lý của đơn vị"), self.result),
            (self.tr("Trả lời công dân"), self.reply),
        ):
            box = QGroupBox(title, body)
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(6, 6, 6, 6)
            box_layout.addWidget(edit)
            layout.addWidget(box)
            self._boxes[edit] = box

        self._body_layout = layout
        history_box = QGroupBox(self.tr("Lịch sử xử lý"), body)
        self._history_box = history_box
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(6, 6, 6, 6)
        self.history_model = HistoryModel(self)
        self.history = HistoryView(history_box)
        self.history.setObjectName("detail_history")
        self.history.setModel(self.history_model)
        history_layout.addWidget(self.history)
        layout.addWidget(history_box)
        layout.addStretch(1)

    def add_section(self, widget: QWidget) -> None:
        """Show ``widget`` with the report, after its texts and before its history (photos, duplicates)."""
        widget.setParent(self._history_box.parentWidget())
        self._body_layout.insertWidget(self._body_layout.indexOf(self._history_box), widget)

    @property
    def report(self) -> Report | None:
        return self._report

    def clear(self) -> None:
        self._report = None
        self.history_model.clear()
        self._stack.setCurrentIndex(0)

    def show_report(self, report: Report) -> None:
        names, lang = self._names, self._names.lang
        if self._report is None or self._report.number != report.number:
            self._scroll.verticalScrollBar().setValue(0)  # another report: from its top
        self._report = report
        # A call typed in here goes by a provisional number until the hub numbers it: that one is
        # never shown as if it were the report's number (an operator could read it to a caller).
        number = self.tr("(chờ máy chủ IOC cấp số)") if is_provisional(report.number) else report.number
        self.number.setText(
            self.tr("Phản ánh %s") % number if not report.title else f"{number} · {report.title}"
        )
        self.status.setText(report.status.label(lang))
        self.category.setText(names.category(report.category))
        self.channel.setText(report.channel.label(lang))
        self.priority.setText(report.priority.label(lang))
        self.received.setText(names.when(report.received_at))

        now, boundary = self._clock.now_and_boundary()
        closed = report.status.is_terminal
        self._show_deadline(self.reply_deadline, report.due_at, now, boundary, closed, report.paused_since)
        self._set_visible(self.stage_deadline, report.stage_due_at is not None)
        if report.stage_due_at is not None:
            self._show_deadline(self.stage_deadline, report.stage_due_at, now, boundary, closed, None)

        location = report.location
        self.unit.setText(names.unit_path(location.unit_code) or self.tr("(chưa xác định)"))
        self._set_text(self.address, location.address)
        coords = (
            "" if location.lat is None or location.lon is None else f"{location.lat:.5f}, {location.lon:.5f}"
        )
        self._set_text(self.coordinates, coords)
        contact = " · ".join(
            p for p in (report.contact.name, report.contact.phone, report.contact.email) if p
        )
        self.contact.setText(contact or self.tr("(không để lại liên hệ)"))
        self.agency.setText(names.agency_full(report.agency) or self.tr("(chưa chuyển)"))
        self._set_text(self.reminders, self.reminders_text(report))
        self._set_text(self.duplicate_of, report.duplicate_of or "")
        rating = ""
        if report.satisfied is not None:
            rating = self.tr("Hài lòng") if report.satisfied else self.tr("Không hài lòng")
            if report.rating_comment:
                rating = f"{rating} — {report.rating_comment}"
        self._set_text(self.rating, rating)

        self.description.setPlainText(report.description)
        self._set_block(self.result, report.result)
        self._set_block(self.reply, report.reply)
        self.history_model.set_events(report.history, names)
        self._stack.setCurrentIndex(1)

    def reminders_text(self, report: Report) -> str:
        """``2 lần, lần cuối 05/12/2026 20:10`` for the reminders sent to the agency holding it."""
        sent = reminders(report)
        if not sent:
            return ""
        return self.tr("%1 lần, lần cuối %2").replace("%1", str(len(sent))).replace(
            "%2", self._names.when(sent[-1].at)
        )

    def _show_deadline(
        self,
        widget: _Deadline,
        due: datetime | None,
        now: datetime,
        boundary: datetime,
        closed: bool,
        paused_since: datetime | None,
    ) -> None:
        lang = self._names.lang
        if due is None:
            if paused_since is not None:
                text = self.tr("Tạm dừng từ %s (chờ công dân bổ sung)") % self._names.when(paused_since)
            else:
                text = self.tr("(không có)")
            widget.show_deadline(text, None)
            return
        state = deadline_state(due, now, boundary, closed)
        text = self._names.when(due)
        if state is not DeadlineState.NONE:
            text = f"{text} — {state.label(lang)}"
        widget.show_deadline(text, state)

    def _set_visible(self, widget: QWidget, visible: bool) -> None:
        self._form.setRowVisible(widget, visible)

    def _set_text(self, label: QLabel, text: str) -> None:
        label.setText(text)
        self._set_visible(label, bool(text))

    def _set_block(self, edit: QPlainTextEdit, text: str) -> None:
        edit.setPlainText(text)
        self._boxes[edit].setVisible(bool(text.strip()))

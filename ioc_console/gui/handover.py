"""The shift handover report: what came in during the shift, what was done, what is late now.

A supervisor opens it at the end of a shift (View › Shift handover): the shift is the last eight
hours by default, or any start and end (up to now). The report is read on the database worker
(:func:`ioc_console.store.statistics.handover`), shown as a preview, and saved as an A4 PDF or as a
spreadsheet by :mod:`ioc_console.exports` (the same files as ``ioc-hub report handover`` makes),
named after the shift (``giao-ca-2026-12-05-1741-0141.pdf``) in the user's Documents folder. Nothing of a
citizen's identity is in it, and every text from a report is escaped before it is put in the
document's HTML.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ioc_console.domain.lifecycle import Action, Status
from ioc_console.store import LocalStore
from ioc_console.store import statistics as st

from ioc_console.gui.files import ask_save_path
from ioc_console.gui.operations import DatabaseExecutor, Op
from ioc_console.gui.present import DeadlineClock, Names

log = logging.getLogger(__name__)

#: A shift, by default.
SHIFT = timedelta(hours=8)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


class HandoverDialog(QDialog):
    """Signals:
    report_ready(object): the handover read for the chosen shift (a :class:`statistics.Handover`).
    saved(str): the PDF or the spreadsheet was written (its path).
    save_failed(str): it could not be written (the words are for the user).
    """

    report_ready = Signal(object)
    saved = Signal(str)
    save_failed = Signal(str)

    def __init__(
        self,
        store: LocalStore,
        names: Names,
        clock: DeadlineClock,
        executor: DatabaseExecutor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("handover_dialog")
        self.setWindowTitle(self.tr("Báo cáo giao ca"))
        self.store = store
        self.names = names
        self.clock = clock
        self.executor = executor
        self.handover: st.Handover | None = None
        self.document = QTextDocument(self)

        now = clock.now()
        self.start_edit = QDateTimeEdit(self._qt(now - SHIFT), self)
        # The edits hold whole minutes: the shift ends at the next one, so nothing of now is left out.
        self.end_edit = QDateTimeEdit(self._qt(now + timedelta(minutes=1)), self)
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("dd/MM/yyyy HH:mm")
            edit.setCalendarPopup(True)
        self.read_button = QPushButton(self.tr("&Lập báo cáo"), self)
        self.pdf_button = QPushButton(self.tr("Lưu &PDF…"), self)
        self.sheet_button = QPushButton(self.tr("Xuất &bảng tính…"), self)
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("handover_preview")
        self.preview.setOpenLinks(False)
        self.preview.setDocument(self.document)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Ca từ"), self))
        top.addWidget(self.start_edit)
        top.addWidget(QLabel(self.tr("đến"), self))
        top.addWidget(self.end_edit)
        top.addWidget(self.read_button)
        top.addStretch(1)
        top.addWidget(self.pdf_button)
        top.addWidget(self.sheet_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.message)

        self.read_button.clicked.connect(self.read)
        self.pdf_button.clicked.connect(self._ask_pdf)
        self.sheet_button.clicked.connect(self._ask_sheet)
        self._set_ready(False)
        self.resize(1000, 720)

    # -- reading ------------------------------------------------------------------------------------

    def _qt(self, when: datetime) -> QDateTime:
        """The wall-clock time of the jurisdiction, whatever this machine's own zone is."""
        local = when.astimezone(self.names.tz)
        return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))

    def _aware(self, edit: QDateTimeEdit) -> datetime:
        chosen = edit.dateTime()
        d, t = chosen.date(), chosen.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=self.names.tz)

    def _chosen(self) -> st.Period | None:
        start, end = self._aware(self.start_edit), self._aware(self.end_edit)
        if end <= start:
            self.message.setText(self.tr("Thời điểm kết thúc ca phải sau thời điểm bắt đầu."))
            return None
        return st.Period(start, end)

    def _set_ready(self, ready: bool) -> None:
        self.pdf_button.setEnabled(ready)
        self.sheet_button.setEnabled(ready)

    def read(self) -> None:
        """Read the handover of the chosen shift (on the worker) and show it."""
        period = self._chosen()
        if period is None:
            return
        store, now = self.store, self.clock.now()
        self.message.setText(self.tr("Đang lập báo cáo…"))
        self.read_button.setEnabled(False)
        Op(lambda: st.handover(store, period, now), self).on_success(self._on_read).on_failure(
            self._on_failed
        ).run(self.executor)

    def _on_read(self, handover: st.Handover) -> None:
        self.handover = handover
        self.document.setHtml(self.render_html(handover))
        self.read_button.setEnabled(True)
        self._set_ready(True)
        self.message.setText("")
        self.report_ready.emit(handover)

    def _on_failed(self, error: BaseException) -> None:
        log.error("the handover could not be read", exc_info=error)
        self.read_button.setEnabled(True)
        self.message.setText(self.tr("Không đọc được số liệu của ca: %s") % error)

    # -- the document -------------------------------------------------------------------------------

    def _when(self, at: datetime | None) -> str:
        return self.names.when(at) if at is not None else "—"

    def _status(self, status: Status | None) -> str:
        return status.label(self.names.lang) if status is not None else "—"

    def _action(self, code: str) -> str:
        try:
            label = Action(code).label(self.names.lang)
        except ValueError:
            return code
        return label[:1].upper() + label[1:]

    def _items(self, items: Iterable[st.HandoverItem], with_due: bool) -> str:
        head = [self.tr("Số phản ánh"), self.tr("Tiếp nhận"), self.tr("Lĩnh vực"), self.tr("Địa bàn")]
        head += [self.tr("Đơn vị xử lý"), self.tr("Trạng thái")]
        if with_due:
            head.append(self.tr("Hạn trả lời"))
        rows = []
        for item in items:
            cells = [
                item.number,
                self._when(item.received_at),
                item.category_name,
                item.unit_name,
                item.agency_name or "—",
                self._status(item.status),
            ]
            if with_due:
                cells.append(self._when(item.due_at))
            rows.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
        if not rows:
            return self._none()
        header = "<tr>" + "".join(f"<th align='left'>{_e(h)}</th>" for h in head) + "</tr>"
        return (
            f"<table border='1' cellspacing='0' cellpadding='3' width='100%'>{header}{''.join(rows)}</table>"
        )

    def render_html(self, h: st.Handover) -> str:
        """The report as HTML; every text taken from reports is escaped."""
        title = self.tr("BÁO CÁO GIAO CA — %s") % self.names.jurisdiction.name
        shift = self.tr("Ca từ %1 đến %2; lập lúc %3").replace("%1", self._when(h.period.start))
        shift = shift.replace("%2", self._when(h.period.end)).replace("%3", self._when(h.now))
        summary = self.tr("Tiếp nhận trong ca: %1 · Thao tác trong ca: %2 · Quá hạn hiện nay: %3")
        summary = (
            summary.replace("%1", str(len(h.came_in)))
            .replace("%2", str(len(h.actions or h.changes)))
            .replace("%3", str(h.late_total or len(h.late)))
        )
        changes = []
        for c in h.actions or h.changes:  # every staff action of the shift, calls and notes too
            if c.changes_status:
                what = f"{self._status(c.from_status)} → {self._status(c.to_status)}"
            else:
                what = self._action(c.action)
            cells = [self._when(c.at), c.number, c.actor_name or c.actor, what]
            changes.append("<tr>" + "".join(f"<td>{_e(x)}</td>" for x in cells) + "</tr>")
        change_head = [
            self.tr("Lúc"),
            self.tr("Số phản ánh"),
            self.tr("Người thực hiện"),
            self.tr("Việc làm"),
        ]
        if changes:
            changes_html = (
                "<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>"
                + "".join(f"<th align='left'>{_e(x)}</th>" for x in change_head)
                + "</tr>"
                + "".join(changes)
                + "</table>"
            )
        else:
            changes_html = self._none()
        people = ""
        if h.by_actor:
            who = ", ".join(f"{name} ({count})" for name, count in list(h.by_actor.items())[:12])
            line = self.tr("Người thực hiện (số thao tác): %s") % who
            people = f"<p>{_e(line)}</p>"
        came = self.tr("1. Phản ánh tiếp nhận trong ca")
        done = self.tr("2. Việc đã làm trong ca")
        late = self.tr("3. Phản ánh đang quá hạn")
        return (
            f"<h2>{_e(title)}</h2><p>{_e(shift)}</p><p><b>{_e(summary)}</b></p>"
            f"<h3>{_e(came)}</h3>{self._items(h.came_in, False)}"
            f"<h3>{_e(done)}</h3>{people}{changes_html}"
            f"<h3>{_e(late)}</h3>{self._items(h.late, True)}"
        )

    def _none(self) -> str:
        return "<p><i>" + _e(self.tr("Không có.")) + "</i></p>"

    # -- saving -------------------------------------------------------------------------------------

    def save_pdf(self, path: Path | str) -> None:
        """Print the report to an A4 PDF at ``path``, on the worker: :attr:`saved` or :attr:`save_failed`."""
        self._export(Path(path).with_suffix(".pdf") if Path(path).suffix.lower() != ".pdf" else Path(path))

    def save_sheet(self, path: Path | str) -> None:
        """The spreadsheet (.xlsx, or .csv of what came in) at ``path``, on the worker."""
        self._export(Path(path))

    def _export(self, path: Path) -> None:
        from ioc_console.exports import export_handover

        handover = self.handover
        assert handover is not None
        province = self.names.jurisdiction.name
        self._save(lambda: export_handover(path, handover, province=province))

    def default_name(self, suffix: str) -> str:
        """The file name offered: the shift's date and hours (one shift does not overwrite another)."""
        from ioc_console.exports import handover_file_name

        assert self.handover is not None
        return handover_file_name(self.handover.period, suffix)

    def _save(self, write: Callable[[], Path]) -> None:
        self.message.setText(self.tr("Đang lưu…"))
        self._set_ready(False)
        Op(write, self).on_success(self._on_saved).on_failure(self._on_save_failed).run(self.executor)

    def _on_saved(self, path: Path) -> None:
        self._set_ready(True)
        self.message.setText(self.tr("Đã lưu: %s") % path)
        self.saved.emit(str(path))

    def _on_save_failed(self, error: BaseException) -> None:
        self._set_ready(True)
        message = getattr(error, "message", None)
        if callable(message):
            text = message(self.names.lang)
        elif isinstance(error, OSError):
            text = (
                self.tr("Không ghi được tệp %1: %2")
                .replace("%1", str(error.filename or ""))
                .replace("%2", error.strerror or str(error))
            )
        else:
            text = str(error)
        log.warning("the handover could not be saved: %s", error)
        self.message.setText("")
        self.save_failed.emit(text)
        QMessageBox.warning(self, self.tr("Không lưu được tệp"), text)

    def _ask_pdf(self) -> None:
        chosen = ask_save_path(
            self, self.tr("Lưu báo cáo giao ca"), self.default_name(".pdf"), self.tr("Tệp PDF (*.pdf)")
        )
        if chosen:
            self.save_pdf(chosen)

    def _ask_sheet(self) -> None:
        chosen = ask_save_path(
            self,
            self.tr("Xuất báo cáo giao ca"),
            self.default_name(".xlsx"),
            self.tr("Bảng tính Excel (*.xlsx);;CSV (*.csv)"),
        )
        if chosen:
            self.save_sheet(chosen)


__all__ = ["SHIFT", "HandoverDialog"]

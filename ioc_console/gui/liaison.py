"""The agency liaison's workspace: their agency's reports only, an inbox ordered by deadline.

The liaison accepts a forwarded report, returns it to the IOC with a reason, notes progress and
reports the result; every action goes through :class:`~ioc_console.gui.actions.ActionService`
(checked by the lifecycle, written locally with its outbox entry, pending until the hub has it).
The hub sends a liaison only their agency's reports; the inbox filters by agency again all the same.
Deadlines stay in view: the agency's stage deadline and the citizen's reply deadline are columns,
with the deadline state as a word and an icon. :attr:`LiaisonWorkspace.report_forwarded` tells
when something new has been forwarded to the agency since the last read.

The liaison sees the scene: the selected report's photos (from the hub, as the operator does), can
search their reports (number, words, place) and switch to the list of what the agency has already
handled ("Đã xử lý"). Every action taken is confirmed in words: written on this machine, being sent,
received by the hub, or waiting in the outbox while the console is offline (it goes by itself once
the hub answers again).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ioc_console.demo.photos import demo_photo_for
from ioc_console.domain.deadlines import DeadlineState, deadline_state
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import AT_AGENCY, MAX_TEXT, Action, Actor, Priority, Status
from ioc_console.domain.report import Contact, Report, reminders
from ioc_console.store import LocalStore, ReportQuery, ReportRow
from ioc_console.store.photos import (
    EXTENSIONS,
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    PHOTOS,
    PhotoProblem,
    check_photo,
    discard,
    spool_photos,
)
from ioc_console.sync.errors import SyncError
from ioc_console.sync.status import SyncState, SyncStatus

from ioc_console.gui.actions import ActionService, PerformResult
from ioc_console.gui.files import ask_open_paths, ask_save_path
from ioc_console.gui.look import DeadlineLook
from ioc_console.gui.operations import DatabaseExecutor, Op, words_of
from ioc_console.gui.photos import PhotoCache, PhotoLoader, PhotoSource, PhotoStrip
from ioc_console.gui.present import DeadlineClock, Names

log = logging.getLogger(__name__)

#: The most reports the inbox holds (an agency's open reports are far fewer).
INBOX_LIMIT = 5000
# The actions that take photos, and the stage the photos are filed under.
_PHOTO_STAGE = {Action.NOTE_PROGRESS: "progress", Action.RESOLVE: "result"}
# The words an action's entry in the history may carry, shown after it in the details.
_SAID = ("reason", "note", "result", "question")


@dataclass(frozen=True)
class InboxRow:
    row: ReportRow
    stage_state: DeadlineState
    reply_state: DeadlineState


#: What the agency has handled: resolved (awaiting the IOC's reply) or closed with the reply.
HANDLED_BY_AGENCY = frozenset({Status.RESOLVED, Status.CLOSED})


def read_inbox(
    store: LocalStore, agency: str, clock: DeadlineClock, *, handled: bool = False, text: str = ""
) -> list[InboxRow]:
    """On the worker: the agency's reports at the agency, the nearest deadline first; with
    ``handled``, those it has handled, the latest first; ``text`` searches them (number, words,
    address, place)."""
    now, boundary = clock.now_and_boundary()
    rows = store.query(
        ReportQuery(
            agencies={agency},
            statuses=HANDLED_BY_AGENCY if handled else AT_AGENCY,
            sort="due_at",
            descending=False,
            limit=INBOX_LIMIT,
            text=text.strip(),
        )
    )
    mine = [r for r in rows if r.agency == agency]  # the hub filters too; never show another's
    far = datetime.max.replace(tzinfo=now.tzinfo)

    def key(r: ReportRow) -> tuple[datetime, datetime, str]:
        return (r.stage_due_at or r.due_at or far, r.due_at or far, r.number)

    if handled:
        mine.sort(key=lambda r: (r.updated_at or r.received_at, r.number), reverse=True)
    else:
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
                if r.priority.rank >= Priority.HIGH.rank:  # an escalated report says so in words
                    mark = " ⚠ " if r.priority is Priority.URGENT else " · "
                    return f"{r.number}{mark}{r.priority.label(self.names.lang)}"
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
        if role == Qt.ItemDataRole.FontRole and column == "number" and r.priority is Priority.URGENT:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return r.number
        return None


class TextActionDialog(QDialog):
    """Asks for the text an action requires (a reason, a note, a result); refuses it empty.

    With ``executor`` (a progress note, a result) it also takes up to :data:`MAX_PHOTOS` photos
    (JPEG, PNG or WebP of at most 10 MB each, checked on the worker): :meth:`photos` after OK."""

    def __init__(
        self,
        title: str,
        prompt: str,
        missing: str,
        limit: int,
        parent: QWidget | None = None,
        *,
        executor: DatabaseExecutor | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.missing = missing
        self.limit = limit
        self.executor = executor
        self._checking = 0
        self.prompt = QLabel(prompt, self)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("action_text")
        self.error = QLabel(self)
        self.error.setObjectName("action_error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.error.setWordWrap(True)
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
        self.photo_list: QListWidget | None = None
        if executor is not None:
            self.attach_button = QPushButton(self.tr("Đính kèm ảnh…"), self)
            self.attach_button.setObjectName("attach_photos")
            self.attach_button.clicked.connect(self.choose_photos)
            self.remove_button = QPushButton(self.tr("Bỏ ảnh đã chọn"), self)
            self.remove_button.setObjectName("remove_photo")
            self.remove_button.clicked.connect(self.remove_selected_photo)
            self.remove_button.setEnabled(False)
            self.photo_list = QListWidget(self)
            self.photo_list.setObjectName("photo_list")
            self.photo_list.setMaximumHeight(96)
            self.photo_list.hide()
            self.photo_list.currentRowChanged.connect(lambda row: self.remove_button.setEnabled(row >= 0))
            row = QHBoxLayout()
            row.addWidget(self.attach_button)
            row.addWidget(self.remove_button)
            row.addStretch(1)
            layout.addLayout(row)
            layout.addWidget(self.photo_list)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, 340 if executor is not None else 300)

    # -- photos --------------------------------------------------------------------------------------

    def photos(self) -> list[Path]:
        """The photos chosen, in order."""
        if self.photo_list is None:
            return []
        return [
            Path(self.photo_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.photo_list.count())
        ]

    def choose_photos(self) -> None:
        patterns = " ".join(f"*{e}" for e in EXTENSIONS)
        names = ask_open_paths(
            self, self.tr("Chọn ảnh đính kèm"), self.tr("Ảnh (%1)").replace("%1", patterns)
        )
        if names:
            self.add_photos(names)

    def add_photos(self, paths: list[Path]) -> None:
        """Add chosen files: the name is checked at once, the size and the bytes on the worker."""
        if self.photo_list is None or self.executor is None:
            return
        self.error.hide()
        chosen = {str(p) for p in self.photos()}
        fresh = [p for p in dict.fromkeys(paths) if str(p) not in chosen]
        for path in fresh:
            if path.suffix.lower() not in EXTENSIONS:
                self._photo_problem(path, PhotoProblem.NOT_IMAGE)
                return
        if len(chosen) + len(fresh) > MAX_PHOTOS:
            self._show_error(self.tr("Chỉ đính kèm được tối đa %1 ảnh.").replace("%1", str(MAX_PHOTOS)))
            return
        if not fresh:
            return
        self._checking += 1
        Op(lambda: [(p, check_photo(p)[1]) for p in fresh], self).on_success(
            self._on_photos_checked
        ).on_failure(self._on_photos_failed).run(self.executor)

    def _on_photos_checked(self, checked: list[tuple[Path, PhotoProblem | None]]) -> None:
        self._checking -= 1
        assert self.photo_list is not None
        for path, problem in checked:
            if problem is not None:
                self._photo_problem(path, problem)
                return
        if self.photo_list.count() + len(checked) > MAX_PHOTOS:
            self._show_error(self.tr("Chỉ đính kèm được tối đa %1 ảnh.").replace("%1", str(MAX_PHOTOS)))
            return
        for path, _ in checked:
            item = QListWidgetItem(path.name, self.photo_list)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
        self.photo_list.setVisible(self.photo_list.count() > 0)

    def _on_photos_failed(self, error: BaseException) -> None:
        self._checking -= 1
        log.error("chosen photos could not be checked", exc_info=error)
        self._show_error(self.tr("Không đọc được ảnh đã chọn."))

    def _photo_problem(self, path: Path, problem: PhotoProblem) -> None:
        if problem is PhotoProblem.NOT_IMAGE:
            text = self.tr("Tệp %1 không phải là ảnh: chỉ đính kèm được ảnh JPG, PNG hoặc WebP.")
        elif problem is PhotoProblem.TOO_LARGE:
            text = self.tr("Ảnh %1 lớn hơn %2 MB, không đính kèm được.").replace(
                "%2", str(MAX_PHOTO_BYTES // 1_000_000)
            )
        else:
            text = self.tr("Không đọc được tệp %1.")
        self._show_error(text.replace("%1", path.name))

    def remove_selected_photo(self) -> None:
        if self.photo_list is None:
            return
        row = self.photo_list.currentRow()
        if row >= 0:
            self.photo_list.takeItem(row)
        self.photo_list.setVisible(self.photo_list.count() > 0)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def text(self) -> str:
        return self.editor.toPlainText().strip()

    def accept(self) -> None:
        text = self.text()
        if self._checking:
            self.error.setText(self.tr("Đang kiểm tra ảnh đã chọn, vui lòng đợi."))
        elif not text:
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
        exported(str): the inbox was written to a spreadsheet (its path).
        export_failed(str): it could not be written (the words are for the user).
    """

    report_forwarded = Signal(list)
    inbox_loaded = Signal(int)
    exported = Signal(str)
    export_failed = Signal(str)

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
        contact_reader: Callable[[str], Awaitable[Contact]] | None = None,
        photo_source: PhotoSource | None = None,
        photo_cache: Path | None = None,
        map_config: Any = None,
        with_map: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("liaison_workspace")
        # Reads a report's citizen contact from the hub when the liaison chooses to call (the hub
        # audits the read); the local copy holds no contact. None: not connected to a hub.
        self.contact_reader = contact_reader
        self.store = store
        self.jurisdiction = jurisdiction
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
        self.actions.request_finished.connect(self._on_actions_request_finished)
        self.actions.request_finished.connect(self._confirm)
        # Photos spooled for an action request not finished yet (removed if it is refused).
        self._spooled: dict[int, list[dict[str, Any]]] = {}
        self._known: set[str] | None = None
        self._busy = False
        self._again = False
        self._report: Report | None = None
        self._contact_task: asyncio.Future[None] | None = None
        #: The last action taken here, until the hub has it: (its words, the report's number).
        self._sent: tuple[str, str] | None = None
        self._sent_where = ""
        #: The sync engine's last word (None: no hub, the action waits in the outbox).
        self._sync: SyncStatus | None = None

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
        # The agency's open reports, or those it has handled; a search over either.
        self.list_box = QComboBox(self)
        self.list_box.setObjectName("liaison_list")
        self.list_box.addItem(self.tr("Đang xử lý"), False)
        self.list_box.addItem(self.tr("Đã xử lý"), True)
        self.list_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search = QLineEdit(self)
        self.search.setObjectName("liaison_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Tìm: số phản ánh, nội dung, địa chỉ, địa bàn…"))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        # What happened to the last action taken here, in words.
        self.sent_label = QLabel(self)
        self.sent_label.setObjectName("liaison_sent")
        self.sent_label.setTextFormat(Qt.TextFormat.PlainText)
        self.sent_label.setWordWrap(True)
        self.sent_label.setStyleSheet("color: #1b5e20; font-weight: bold;")
        self.sent_label.hide()
        self.photo_loader = PhotoLoader(
            photo_source or demo_photo_for,
            PhotoCache(photo_cache) if photo_cache is not None else None,
            parent=self,
        )
        self.photos = PhotoStrip(self.photo_loader, names, self)
        self.photos.hide()
        # The list, or a map of the same reports (made the first time it is shown).
        self.map: Any = None
        self.map_config = map_config
        self._map_rows: list[InboxRow] = []
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("liaison_tabs")
        self._map_holder = QWidget(self)
        QVBoxLayout(self._map_holder).setContentsMargins(0, 0, 0, 0)
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
        self.view.setWordWrap(False)  # one line a report: a long place is shortened, not wrapped
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
        self.contact_button = QPushButton(self.tr("&Gọi người phản ánh…"), self)
        self.contact_button.setObjectName("contact_button")
        self.contact_button.setToolTip(
            self.tr("Lấy họ tên và số điện thoại của người phản ánh từ máy chủ. Việc xem được ghi lại.")
        )
        self.contact_button.clicked.connect(self.read_contact)
        self.contact_label = QLabel(self)
        self.contact_label.setObjectName("contact_label")
        self.contact_label.setTextFormat(Qt.TextFormat.PlainText)
        self.contact_label.setWordWrap(True)
        self.contact_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.contact_label.hide()
        self.export_button = QPushButton(self.tr("&Xuất danh sách…"), self)
        self.export_button.setObjectName("export_button")
        self.export_button.setToolTip(self.tr("Xuất các phản ánh trong danh sách ra tệp Excel hoặc CSV"))
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.accept_button.clicked.connect(self.accept_selected)
        self.return_button.clicked.connect(lambda: self.ask(Action.RETURN))
        self.note_button.clicked.connect(lambda: self.ask(Action.NOTE_PROGRESS))
        self.resolve_button.clicked.connect(lambda: self.ask(Action.RESOLVE))

        # Two rows of two: the details stay narrow, and the inbox keeps the room for the place.
        buttons = QGridLayout()
        for i, button in enumerate(
            (self.accept_button, self.return_button, self.note_button, self.resolve_button)
        ):
            buttons.addWidget(button, i // 2, i % 2)
        right = QWidget(self)
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addLayout(buttons)
        side.addWidget(self.contact_button)
        side.addWidget(self.contact_label)
        side.addWidget(self.problem)
        side.addWidget(self.sent_label)
        side.addWidget(self.photos)
        side.addWidget(self.details, 1)
        self.tabs.addTab(self.view, self.tr("Danh sách"))
        if with_map:
            self.tabs.addTab(self._map_holder, self.tr("Bản đồ"))
            self.tabs.currentChanged.connect(self._on_tab_changed)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.tabs)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1000, 360])
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.counts)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        finder = QHBoxLayout()
        finder.addWidget(self.list_box)
        finder.addWidget(self.search, 1)
        layout.addLayout(finder)
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
        handled, text = self.showing_handled(), self.search.text()
        Op(lambda: read_inbox(store, agency, clock, handled=handled, text=text), self).on_success(
            self._on_inbox_read
        ).on_failure(self._on_inbox_failed).run(self.executor)

    def showing_handled(self) -> bool:
        """The list shows what the agency has handled ("Đã xử lý"), not its open reports."""
        return bool(self.list_box.currentData())

    def _on_inbox_read(self, rows: list[InboxRow]) -> None:
        self._busy = False
        selected = self.selected_number()
        forwarded = {i.row.number for i in rows if i.row.status is Status.FORWARDED}
        # News of a forward is told from the whole inbox only (not a search, not the handled list).
        whole = not (self.showing_handled() or self.search.text().strip())
        if whole and self._known is not None:
            new = sorted(forwarded - self._known)
            if new:
                self.report_forwarded.emit(new)
        if whole:
            self._known = (self._known or set()) | forwarded
        self.model.set_rows(rows)
        self._map_rows = rows
        self._show_on_map()
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
        self.contact_label.clear()  # a contact read for one report is not kept on screen for another
        self.contact_label.hide()
        self._enable_actions()
        number = self.selected_number()
        if self.map is not None and self.map.is_ready():
            self.map.select(number)
        if number is None:
            self.details.clear()
            self.photos.set_attachments([])
            self.photos.hide()
            return
        store = self.store
        Op(lambda: store.get_report(number), self).on_success(self._show_report).run(self.executor)

    def _show_report(self, report: Report | None) -> None:
        if report is None or report.number != self.selected_number() or report.agency != self.agency:
            return
        self._report = report
        # The scene: the citizen's photos, and the agency's own of its progress and result.
        self.photos.set_attachments(report.attachments)
        self.photos.setVisible(self.photos.has_photos())
        n = self.names
        lines = [
            f"{report.number} — {n.category(report.category)}",
            self.tr("Địa bàn: %1").replace("%1", n.unit_path(report.location.unit_code)),
            self.tr("Địa chỉ: %1").replace("%1", report.location.address),
            self.tr("Mức ưu tiên: %1").replace("%1", report.priority.label(n.lang)),
            self.tr("Tiếp nhận: %1").replace("%1", n.when(report.received_at)),
            self.tr("Hạn xử lý của đơn vị: %1").replace("%1", n.when(report.stage_due_at)),
            self.tr("Hạn trả lời công dân: %1").replace("%1", n.when(report.due_at)),
        ]
        sent = reminders(report)
        if sent:  # the IOC asked this agency to hurry: said first, with its words
            last = sent[-1]
            line = self.tr("IOC đã đôn đốc %1 lần, lần cuối %2").replace("%1", str(len(sent)))
            lines.append(
                "⚠ " + line.replace("%2", n.when(last.at)) + f": {(last.data or {}).get('note', '')}"
            )
        lines += ["", report.description]
        if report.history:
            lines += ["", self.tr("Diễn biến:")]
            for event in report.history[-8:]:
                line = f"{n.when(event.at)} · {event.action.label(n.lang)}"
                data = event.data or {}
                said = next((str(data[k]).strip() for k in _SAID if data.get(k)), "")
                if said:  # the IOC's reason for a re-route, a supervisor's note on an escalation...
                    line += f": {said}"
                lines.append(line)
        self.details.setPlainText("\n".join(lines))  # the citizen's words stay plain text

    def _enable_actions(self) -> None:
        item = self.selected_row()
        status = item.row.status if item is not None else None
        pending = item is not None and item.row.pending
        self.accept_button.setEnabled(status is Status.FORWARDED and not pending)
        self.return_button.setEnabled(status in AT_AGENCY and not pending)
        self.note_button.setEnabled(status is Status.IN_PROGRESS and not pending)
        self.resolve_button.setEnabled(status is Status.IN_PROGRESS and not pending)
        self.contact_button.setEnabled(item is not None and self.contact_reader is not None)
        if self.contact_reader is None:
            self.contact_button.setToolTip(
                self.tr("Cần kết nối máy chủ IOC để lấy số điện thoại người phản ánh.")
            )

    # -- the citizen's contact, on demand ---------------------------------------------------------------

    def read_contact(self) -> None:
        """Ask the hub for the selected report's citizen contact (on the event loop) and show it."""
        number = self.selected_number()
        if number is None or self.contact_reader is None:
            return
        self.contact_button.setEnabled(False)
        self.contact_label.setText(self.tr("Đang lấy thông tin liên hệ…"))
        self.contact_label.show()
        self._contact_task = asyncio.ensure_future(self._read_contact(number))

    async def _read_contact(self, number: str) -> None:
        assert self.contact_reader is not None
        try:
            contact = await self.contact_reader(number)
        except SyncError as error:
            if number == self.selected_number():
                self.contact_label.hide()
                self._show_problem(error.message(self.names.lang))
            return
        finally:
            self._enable_actions()
        if number != self.selected_number():
            return  # another report was chosen meanwhile: this one's contact is not shown
        self.contact_label.setText(self.contact_words(contact))

    def contact_words(self, contact: Contact) -> str:
        parts = []
        if contact.name:
            parts.append(self.tr("Người phản ánh: %1").replace("%1", contact.name))
        if contact.phone:
            parts.append(self.tr("Điện thoại: %1").replace("%1", contact.phone))
        if contact.email:
            parts.append(self.tr("Thư điện tử: %1").replace("%1", contact.email))
        return "\n".join(parts) or self.tr("Người phản ánh không để lại thông tin liên hệ.")

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
        stage = _PHOTO_STAGE.get(action)
        dialog = TextActionDialog(
            title.replace("%1", number),
            prompt,
            missing,
            MAX_TEXT[key],
            self,
            executor=self.executor if stage is not None else None,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self._take_with_photos(number, action, {key: dialog.text()}, dialog.photos(), stage)
        )
        self.dialog = dialog
        dialog.open()
        return dialog

    def _take(self, number: str, action: Action, payload: dict[str, Any]) -> None:
        self.problem.hide()
        self.actions.perform([number], action, payload)

    def _take_with_photos(
        self, number: str, action: Action, payload: dict[str, Any], chosen: list[Path], stage: str | None
    ) -> None:
        """Copy the chosen photos into the store's spool on the worker, then take the action with
        them listed in its payload (the sync engine uploads them before sending it)."""
        if not chosen or stage is None:
            self._take(number, action, payload)
            return
        self.problem.hide()
        where = self.store.path

        def spooled(photos: list[dict[str, Any]]) -> None:
            request = self.actions.perform([number], action, {**payload, PHOTOS: photos})
            self._spooled[request] = photos

        Op(lambda: spool_photos(where, chosen, stage), self).on_success(spooled).on_failure(
            self._on_spool_failed
        ).run(self.executor)

    def _on_spool_failed(self, error: BaseException) -> None:
        log.error("the chosen photos could not be copied", exc_info=error)
        self._show_problem(
            self.tr("Không lưu được ảnh đính kèm trên máy này, chưa gửi gì: %1").replace("%1", str(error))
        )

    def _on_actions_request_finished(self, result: PerformResult) -> None:
        photos = self._spooled.pop(result.request, None)
        if photos and not result.numbers and not self.executor.closed:
            Op(lambda: discard(photos), self).run(self.executor)  # refused: nothing waits for them

    def shutdown(self) -> None:
        """Stop the photos' worker and the map (the console is closing)."""
        self.photo_loader.shutdown()
        if self.map is not None:
            self.map.dispose()

    # -- the map of the agency's reports --------------------------------------------------------------

    def show_map(self) -> Any:
        """The map tab, its map made on first use (QtWebEngine starts only when it is wanted)."""
        self.tabs.setCurrentWidget(self._map_holder)
        return self.map

    def _on_tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is not self._map_holder or self.map is not None:
            return
        from ioc_console.gui.map import MapWidget

        self.map = MapWidget(self.map_config, lang=self.names.lang, when=self.names.when, parent=self)
        self.map.setObjectName("liaison_map")
        self._map_holder.layout().addWidget(self.map)
        self.map.set_units(self.jurisdiction)
        self.map.ready.connect(self._show_on_map)
        self.map.report_clicked.connect(self.select)

    def _show_on_map(self) -> None:
        if self.map is None or not self.map.is_ready():
            return
        from ioc_console.gui.map.data import map_reports

        now, boundary = self.clock.now_and_boundary()
        self.map.set_reports(map_reports([i.row for i in self._map_rows], now, boundary))
        number = self.selected_number()
        if number is not None:
            self.map.select(number)

    # -- saying what became of an action --------------------------------------------------------------

    def _confirm(self, result: PerformResult) -> None:
        """An action was taken (written here with its outbox entry): say so, and where it went."""
        if not result.numbers:
            return  # refused: the problem line says why
        words = result.action.label(self.names.lang)
        words = words[:1].upper() + words[1:]
        number = ", ".join(result.numbers)
        self._sent = (words, number)
        where = ""
        if result.action is Action.RESOLVE:
            where = " " + self.tr("Phản ánh chuyển sang danh sách «Đã xử lý».")
        elif result.action is Action.RETURN:
            where = " " + self.tr("Phản ánh đã trả về IOC.")
        self._sent_where = where
        self._say_sent()

    def show_sync_status(self, status: SyncStatus) -> None:
        """The sync engine's news: the last action's confirmation follows it (sent, received, waiting)."""
        self._sync = status
        if self._sent is not None:
            self._say_sent()

    def _say_sent(self) -> None:
        assert self._sent is not None
        words, number = self._sent
        done = self.tr("✔ Đã ghi «%1» cho %2.").replace("%1", words).replace("%2", number)
        status = self._sync
        if status is None:
            state = self.tr("Đang chờ gửi lên máy chủ.")
        elif status.state is SyncState.OFFLINE or status.offline_since is not None:
            state = self.tr(
                "Đang mất kết nối: %1 thao tác chờ gửi trên máy này, sẽ tự gửi khi có kết nối lại."
            ).replace("%1", str(max(1, status.waiting)))
        elif status.waiting:
            state = self.tr("Đang gửi lên máy chủ…")
        else:
            done = self.tr("✔ Máy chủ đã nhận «%1» cho %2.").replace("%1", words).replace("%2", number)
            state = ""
        text = " ".join(part for part in (done, state) if part) + self._sent_where
        self.sent_label.setText(text)
        self.sent_label.show()

    # -- export ----------------------------------------------------------------------------------------

    def _on_export_button_clicked(self) -> None:
        path = ask_save_path(
            self,
            self.tr("Xuất danh sách phản ánh"),
            "phan-anh-don-vi.xlsx",
            self.tr("Bảng tính Excel (*.xlsx);;CSV (*.csv)"),
        )
        if path:
            self.export_to(path)

    def export_to(self, path: Path) -> None:
        """The inbox's reports (this agency's only: the rows on screen) to ``path``, on the worker;
        no contact of the citizen is written."""
        from ioc_console import exports
        from ioc_console.store import statistics as st

        agency = self.agency
        rows = [i.row for i in self.model.rows if i.row.agency == agency]
        store, lang = self.store, self.names.lang

        def write() -> Path:
            return exports.export_reports(path, rows, st.names(store, lang))

        def failed(error: BaseException) -> None:
            text = words_of(error, lang)
            self._show_problem(text)
            self.export_failed.emit(text)

        Op(write, self).on_success(lambda p: self.exported.emit(str(p))).on_failure(failed).run(self.executor)

    def _on_actions_action_refused(self, _number: str, message: str) -> None:
        self._show_problem(message)

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()


__all__ = ["InboxModel", "InboxRow", "LiaisonWorkspace", "TextActionDialog", "read_inbox"]

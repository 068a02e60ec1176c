"""The agency panel: the pack's agencies with their live counts, and the drop target of drag-to-assign.

Reports are dragged from the queue as a list of numbers (:data:`REPORT_NUMBERS_MIME`, JSON). While
they are over the panel, the agency the routing rules suggest for them is highlighted; dropping
them on an agency asks for an optional note and forwards them through the
:class:`~ioc_console.gui.actions.ActionService`. A drop the lifecycle or the jurisdiction forbids is
refused with the reason, in the panel's message line, and changes nothing.

The queue becomes a drag source with two lines in the window (see :class:`DraggableQueueModel` and
:func:`enable_report_drag`); nothing in the queue's own model or view has to change.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QEvent,
    QLocale,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QMouseEvent,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.jurisdiction import AGENCY_KINDS, Jurisdiction
from ioc_console.domain.lifecycle import Action, Status
from ioc_console.store import LocalStore, ReportQuery

from ioc_console.gui.actions import ActionService, PerformResult, ReportBrief, Verdict, suggested_agencies
from ioc_console.gui.assign_dialog import (
    ForwardNoteDialog,
    MessageLine,
    agency_words,
    matches,
    suggestion_icon,
)
from ioc_console.gui.look import ICON_SIZE, DeadlineLook
from ioc_console.gui.operations import Op
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.queue_model import NumberRole, ReportQueueModel
from ioc_console.gui.undo_bar import UndoBar

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex

#: The drag format of report numbers: ``{"numbers": ["PA-...", ...]}`` in UTF-8 JSON.
REPORT_NUMBERS_MIME = "application/x-ioc-report-numbers"
#: The most numbers a drag may carry (more is refused as malformed).
MAX_DRAGGED = 5000
_MAX_NUMBER_LENGTH = 64

#: The groups of the panel, in order; an agency kind not listed falls in the last one.
GROUP_KINDS = ("department", "district_committee", "commune_committee", "police", "utility", "other")
assert set(GROUP_KINDS) == set(AGENCY_KINDS)

#: Refresh the counts this often, so that overdue counts move on without anyone asking.
REFRESH_MS = 60_000

#: Custom roles of :class:`AgencyTreeModel`.
AgencyCodeRole = Qt.ItemDataRole.UserRole + 1
SuggestedRole = Qt.ItemDataRole.UserRole + 2
CountsRole = Qt.ItemDataRole.UserRole + 3

COLUMNS = ("name", "forwarded", "in_progress", "overdue")
NAME, FORWARDED, IN_PROGRESS, OVERDUE = range(len(COLUMNS))

_SUGGESTED_BACKGROUND = QColor("#dcebfb")
_SUGGESTED_FOREGROUND = QColor("#0d3c78")


# -- the drag format -------------------------------------------------------------------------------


def report_numbers_mime(numbers: Sequence[str]) -> QMimeData:
    """Mime data carrying report numbers: the console's JSON, and plain text for other programs."""
    mime = QMimeData()
    body = json.dumps({"numbers": list(numbers)}, ensure_ascii=False).encode("utf-8")
    mime.setData(REPORT_NUMBERS_MIME, QByteArray(body))
    mime.setText("\n".join(numbers))
    return mime


def numbers_from_mime(mime: QMimeData | None) -> list[str] | None:
    """The report numbers a drag carries, or None when it carries none (or something malformed)."""
    if mime is None or not mime.hasFormat(REPORT_NUMBERS_MIME):
        return None
    raw = bytes(mime.data(REPORT_NUMBERS_MIME).data())
    if len(raw) > MAX_DRAGGED * (_MAX_NUMBER_LENGTH + 4) + 64:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    numbers = data.get("numbers") if isinstance(data, dict) else None
    if not isinstance(numbers, list) or not numbers or len(numbers) > MAX_DRAGGED:
        return None
    if not all(isinstance(n, str) and 0 < len(n) <= _MAX_NUMBER_LENGTH for n in numbers):
        return None
    return list(dict.fromkeys(numbers))


class ReportDragMixin:
    """Makes a model of reports (rows answering :data:`NumberRole`) a drag source of their numbers."""

    def flags(self, index: Index) -> Qt.ItemFlag:
        found = super().flags(index)  # type: ignore[misc]
        if index.isValid():
            found |= Qt.ItemFlag.ItemIsDragEnabled
        return found

    def mimeTypes(self) -> list[str]:
        return [REPORT_NUMBERS_MIME, "text/plain"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        numbers: list[str] = []
        for row in rows:
            number = self.data(self.index(row, 0), NumberRole)  # type: ignore[attr-defined]
            if number:
                numbers.append(str(number))
        return report_numbers_mime(numbers) if numbers else None

    def supportedDragActions(self) -> Qt.DropAction:
        # Copy only: a move would let the view delete the dragged rows once the drop is accepted.
        return Qt.DropAction.CopyAction


class DraggableQueueModel(ReportDragMixin, ReportQueueModel):
    """The report queue, whose selected rows can be dragged onto an agency."""


def selected_report_numbers(view: QAbstractItemView) -> list[str]:
    """The numbers of the reports selected in ``view``, top to bottom (rows not loaded left out)."""
    model, selection = view.model(), view.selectionModel()
    if model is None or selection is None:
        return []
    rows = sorted({index.row() for index in selection.selectedIndexes()})
    numbers = [model.index(row, 0).data(NumberRole) for row in rows]
    return [str(number) for number in numbers if number]


def report_drag_mime(view: QAbstractItemView) -> QMimeData | None:
    """What a drag from ``view`` carries: its model's mime data when the model is a report drag
    source (:class:`ReportDragMixin`), else the numbers of the selected rows."""
    model = view.model()
    if isinstance(model, ReportDragMixin):
        return model.mimeData(view.selectionModel().selectedIndexes())
    numbers = selected_report_numbers(view)
    return report_numbers_mime(numbers) if numbers else None


class ReportDragStarter(QObject):
    """Starts the drag of a view's selected reports when the mouse moves on a selected row.

    Installed on the view's viewport by :func:`enable_report_drag`, so that any view of reports
    (whatever its model) becomes a drag source, with a small badge ("3 phản ánh") under the cursor
    rather than a picture of wide table rows.
    """

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self._pressed: QPoint | None = None
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            assert isinstance(event, QMouseEvent)
            pressed = event.button() == Qt.MouseButton.LeftButton
            self._pressed = event.position().toPoint() if pressed else None
        elif kind == QEvent.Type.MouseButtonRelease:
            self._pressed = None
        elif kind == QEvent.Type.MouseMove and self._pressed is not None:
            assert isinstance(event, QMouseEvent)
            if not event.buttons() & Qt.MouseButton.LeftButton:
                self._pressed = None
                return False
            moved = (event.position().toPoint() - self._pressed).manhattanLength()
            if moved < QApplication.startDragDistance():
                return False
            index = self._view.indexAt(self._pressed)
            self._pressed = None
            if index.isValid() and self._view.selectionModel().isSelected(index):
                mime = report_drag_mime(self._view)
                if mime is not None:
                    self.start_drag(mime)
                    return True
        return False

    def start_drag(self, mime: QMimeData) -> Qt.DropAction:
        count = len(numbers_from_mime(mime) or ())
        drag = QDrag(self._view)
        drag.setMimeData(mime)
        drag.setPixmap(_drag_badge(self._view, self.tr("%n phản ánh", "", count)))
        try:
            return self.exec_drag(drag)
        finally:
            # As the view does after its own drags: the release went to the drag, so the view must
            # not go on selecting (nor apply a click's selection on the next release).
            self._view.setState(QAbstractItemView.State.NoState)

    def exec_drag(self, drag: QDrag) -> Qt.DropAction:
        """Run the drag (its own event loop until the drop, as Qt's drags do)."""
        return drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)


def _drag_badge(widget: QWidget, text: str) -> QPixmap:
    metrics = widget.fontMetrics()
    ratio = widget.devicePixelRatioF()
    width, height = metrics.horizontalAdvance(text) + 20, metrics.height() + 10
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#1565c0"))
    painter.drawRoundedRect(QRectF(0, 0, width, height), height / 2, height / 2)
    painter.setPen(QColor("white"))
    painter.setFont(widget.font())
    painter.drawText(QRectF(0, 0, width, height), int(Qt.AlignmentFlag.AlignCenter), text)
    painter.end()
    return pixmap


def enable_report_drag(view: QAbstractItemView) -> ReportDragStarter:
    """Make ``view`` a drag source of its selected reports, several at once (one line in a window)."""
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    # Drag enabled: a press on a selected row keeps the selection (for the drag) until release.
    view.setDragEnabled(True)
    view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
    view.setDefaultDropAction(Qt.DropAction.CopyAction)
    return ReportDragStarter(view)


# -- counts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyCounts:
    """Reports an agency holds: waiting for its acceptance, in progress, and of those overdue."""

    forwarded: int = 0
    in_progress: int = 0
    overdue: int = 0
    due_soon: int = 0

    def __add__(self, other: AgencyCounts) -> AgencyCounts:
        return AgencyCounts(
            self.forwarded + other.forwarded,
            self.in_progress + other.in_progress,
            self.overdue + other.overdue,
            self.due_soon + other.due_soon,
        )


def count_by_agency(store: LocalStore, now: datetime, boundary: datetime) -> dict[str, AgencyCounts]:
    """On the worker: each agency's reports by status, and overdue or due soon by the reply deadline.

    A store that counts them itself in one grouped query (``agency_counts(now, boundary)`` giving
    ``{agency: (forwarded, in_progress, overdue, due_soon)}``) is asked for that: about 20 times
    faster at 200,000 reports. Otherwise the reports at agencies (a small part of the store: the
    rest is at the IOC or closed) are read and counted here.
    """
    grouped = getattr(store, "agency_counts", None)
    if grouped is not None:
        return {code: AgencyCounts(*values) for code, values in grouped(now, boundary).items() if code}
    counts: dict[str, list[int]] = {}
    rows = store.query(ReportQuery(statuses={Status.FORWARDED, Status.IN_PROGRESS}))
    for row in rows:
        if row.agency is None:
            continue
        entry = counts.setdefault(row.agency, [0, 0, 0, 0])
        entry[0 if row.status is Status.FORWARDED else 1] += 1
        if row.due_at is not None and not row.closed:
            if row.due_at < now:
                entry[2] += 1
            elif row.due_at <= boundary:
                entry[3] += 1
    return {code: AgencyCounts(*values) for code, values in counts.items()}


# -- the model ---------------------------------------------------------------------------------------


_COMMITTEE_PREFIX = "UBND "


def _within_group(name: str, kind: str) -> str:
    """``"UBND huyện Ninh Sơn"`` → ``"Huyện Ninh Sơn"`` under a committees' heading."""
    if kind in ("district_committee", "commune_committee") and name.startswith(_COMMITTEE_PREFIX):
        rest = name[len(_COMMITTEE_PREFIX) :]
        if rest:
            return rest[0].upper() + rest[1:]
    return name


def _alignment(column: int) -> int:
    # Counts to the right; the overdue count to the left, beside its icon (an icon is drawn on the
    # left of a cell, and a number far from its icon reads as belonging to the next column).
    if column in (NAME, OVERDUE):
        return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class _Group:
    kind: str
    title: str
    codes: tuple[str, ...]


class AgencyTreeModel(QAbstractItemModel):
    """The agencies in their groups (top-level rows) with their counts (model only, no widgets).

    A group row's counts are the sums of its agencies'. An agency row answers
    :data:`AgencyCodeRole` with its code; rows suggested by the routing rules answer
    :data:`SuggestedRole` with the number of dragged reports routed to them.
    """

    def __init__(
        self, jurisdiction: Jurisdiction, names: Names, look: DeadlineLook, parent: QObject | None = None
    ):
        super().__init__(parent)
        self._names = names
        self._look = look
        self._suggestion_icon = suggestion_icon()
        self._bold = QFont()
        self._bold.setBold(True)
        self._suggested_brush = QBrush(_SUGGESTED_BACKGROUND)
        self._suggested_text = QBrush(_SUGGESTED_FOREGROUND)
        titles = {
            "department": self.tr("Sở/ngành tỉnh"),
            "district_committee": self.tr("UBND huyện/thành phố"),
            "commune_committee": self.tr("UBND xã/phường/thị trấn"),
            "police": self.tr("Công an"),
            "utility": self.tr("Doanh nghiệp dịch vụ"),
            "other": self.tr("Đơn vị khác"),
        }
        by_kind: dict[str, list[str]] = {kind: [] for kind in GROUP_KINDS}
        for agency in jurisdiction.agencies.values():
            by_kind.get(agency.kind, by_kind["other"]).append(agency.code)
        self._groups = tuple(
            _Group(kind, titles[kind], tuple(codes)) for kind, codes in by_kind.items() if codes
        )
        self._where = {
            code: (g, r) for g, group in enumerate(self._groups) for r, code in enumerate(group.codes)
        }
        # Under a committees' heading ("UBND huyện/thành phố") the rows drop the "UBND" their
        # heading already says, so that a narrow panel still shows which district each one is.
        self._short = {
            code: _within_group(names.agency(code), agency.kind)
            for code, agency in jurisdiction.agencies.items()
        }
        self._counts: dict[str, AgencyCounts] = {}
        self._totals: list[AgencyCounts] = [AgencyCounts() for _ in self._groups]
        self._suggested: dict[str, int] = {}
        self._headers = (
            self.tr("Đơn vị xử lý"),
            self.tr("Đã chuyển"),
            self.tr("Đang xử lý"),
            self.tr("Quá hạn"),
        )
        self._header_tips = (
            "",
            self.tr("Phản ánh đã chuyển, đơn vị chưa tiếp nhận"),
            self.tr("Phản ánh đơn vị đang xử lý"),
            self.tr("Phản ánh ở đơn vị đã quá hạn trả lời"),
        )

    # -- content -------------------------------------------------------------------------------------

    @property
    def groups(self) -> tuple[_Group, ...]:
        return self._groups

    def counts(self, code: str) -> AgencyCounts:
        return self._counts.get(code, AgencyCounts())

    def set_counts(self, counts: Mapping[str, AgencyCounts]) -> None:
        """New counts for every agency (those not named hold nothing)."""
        self._counts = dict(counts)
        self._totals = [sum((self.counts(c) for c in g.codes), AgencyCounts()) for g in self._groups]
        last = len(COLUMNS) - 1
        for g, group in enumerate(self._groups):
            self.dataChanged.emit(self.index(g, FORWARDED), self.index(g, last))
            if group.codes:
                parent = self.index(g, 0)
                self.dataChanged.emit(
                    self.index(0, FORWARDED, parent), self.index(len(group.codes) - 1, last, parent)
                )

    def set_suggested(self, suggested: Mapping[str, int]) -> None:
        """Highlight these agencies (code -> how many of the dragged reports route to it)."""
        changed = set(self._suggested) | set(suggested)
        self._suggested = {code: n for code, n in suggested.items() if code in self._where}
        for code in changed:
            index = self.index_of(code)
            if index.isValid():
                self.dataChanged.emit(index, index.siblingAtColumn(len(COLUMNS) - 1))

    @property
    def suggested(self) -> dict[str, int]:
        return dict(self._suggested)

    def index_of(self, code: str, column: int = 0) -> QModelIndex:
        where = self._where.get(code)
        if where is None:
            return QModelIndex()
        g, r = where
        return self.index(r, column, self.index(g, 0))

    def code_at(self, index: Index) -> str | None:
        """The agency code of an agency row (any column), None for a group row or no row."""
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._groups[index.internalId() - 1].codes[index.row()]

    # -- QAbstractItemModel ----------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(COLUMNS) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self._groups):
                return QModelIndex()
            return self.createIndex(row, column, 0)
        if parent.internalId() != 0 or parent.column() != 0:
            return QModelIndex()
        group = parent.row()
        if row >= len(self._groups[group].codes):
            return QModelIndex()
        return self.createIndex(row, column, group + 1)

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()].codes)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == 0:
            return Qt.ItemFlag.ItemIsEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDropEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def mimeTypes(self) -> list[str]:
        return [REPORT_NUMBERS_MIME]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips[section] or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        code = self.code_at(index)
        if code is None:
            group = self._groups[index.row()]
            counts = self._totals[index.row()]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole) and column == NAME:
                return group.title
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        else:
            group = None
            counts = self.counts(code)
            suggested = self._suggested.get(code)
            if column == NAME:
                if role == Qt.ItemDataRole.DisplayRole:
                    return self._short[code]
                if role == Qt.ItemDataRole.AccessibleTextRole:
                    text = self._names.agency_full(code)
                    if suggested:
                        text += ", " + self.tr("được gợi ý")
                    return text
                if role == Qt.ItemDataRole.ToolTipRole:
                    return self._tooltip(code, counts, suggested)
                if role == Qt.ItemDataRole.DecorationRole and suggested:
                    return self._suggestion_icon
            if role == Qt.ItemDataRole.BackgroundRole and suggested:
                return self._suggested_brush
            if role == Qt.ItemDataRole.FontRole and suggested and column == NAME:
                return self._bold
            if role == Qt.ItemDataRole.ForegroundRole and suggested and column == NAME:
                return self._suggested_text
            if role == AgencyCodeRole:
                return code
            if role == SuggestedRole:
                return suggested or 0
        if role == CountsRole:
            return counts
        if column == NAME:
            return None
        value = (counts.forwarded, counts.in_progress, counts.overdue)[column - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return QLocale().toString(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        if column == OVERDUE:
            flagged = value > 0
            if role == Qt.ItemDataRole.DecorationRole:
                return self._look.icon(DeadlineState.OVERDUE if flagged else None)
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._look.foreground(DeadlineState.OVERDUE if flagged else DeadlineState.NONE)
            if role == Qt.ItemDataRole.FontRole and flagged:
                return self._look.bold
            if role == Qt.ItemDataRole.BackgroundRole and flagged and group is None:
                return self._look.background(DeadlineState.OVERDUE)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            words = (
                self.tr("%n phản ánh đã chuyển", "", value),
                self.tr("%n phản ánh đang xử lý", "", value),
                self.tr("%n phản ánh quá hạn", "", value),
            )
            return words[column - 1]
        if role == Qt.ItemDataRole.ToolTipRole and column == OVERDUE and counts.due_soon:
            return self.tr("%n phản ánh sắp đến hạn", "", counts.due_soon)
        return None

    def _tooltip(self, code: str, counts: AgencyCounts, suggested: int | None) -> str:
        lines = [self._names.agency_full(code)]
        if suggested:
            lines.append(self.tr("Gợi ý theo quy tắc phân công cho %n phản ánh đang kéo", "", suggested))
        if counts.due_soon:
            lines.append(self.tr("%n phản ánh sắp đến hạn", "", counts.due_soon))
        # Pack names only (no citizen text); still escaped, since tooltips are rich text.
        return "<br>".join(escape(line) for line in lines)


# -- the view ----------------------------------------------------------------------------------------


class AgencyTreeView(QTreeView):
    """The agency tree as a drop target of report numbers.

    Signals:
        drag_entered(list): a drag of these report numbers came over the panel.
        drop_target_changed(str): the agency under a drag changed ("" over no agency).
        drag_left(): the drag left the panel (or ended in a drop).
        reports_dropped(list, str): these report numbers were dropped on this agency.
    """

    drag_entered = Signal(list)
    drop_target_changed = Signal(str)
    drag_left = Signal()
    reports_dropped = Signal(list, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._target = ""
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setDropIndicatorShown(False)
        # Nothing moves while a drag is over the tree: no scrolling by itself near its edges, no
        # group opening under a held drag (the rows below it would slide away from the pointer).
        self.setAutoScroll(False)
        self.setAutoExpandDelay(-1)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.setAlternatingRowColors(False)

    def _agency_at(self, event: QDropEvent) -> str | None:
        model = self.model()
        if not isinstance(model, AgencyTreeModel):
            return None
        return model.code_at(self.indexAt(event.position().toPoint()))

    def _set_target(self, code: str) -> None:
        if code != self._target:
            self._target = code
            self.drop_target_changed.emit(code)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        numbers = numbers_from_mime(event.mimeData())
        if numbers is None:
            event.ignore()
            return
        super().dragEnterEvent(event)  # the view's dragging state (auto-expand, auto-scroll)
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self._target = ""
        self.drag_entered.emit(numbers)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if numbers_from_mime(event.mimeData()) is None:
            event.ignore()
            return
        super().dragMoveEvent(event)  # auto-scroll, and auto-expand of a group held under the drag
        code = self._agency_at(event)
        if code is None:
            self._set_target("")
            event.ignore()
            return
        index = self.indexAt(event.position().toPoint())
        if self.currentIndex().row() != index.row() or self.currentIndex().parent() != index.parent():
            self.setCurrentIndex(index.siblingAtColumn(0))
        self._set_target(code)
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        super().dragLeaveEvent(event)
        self._set_target("")
        self.clearSelection()  # the row under the drag was only pointed at
        self.drag_left.emit()

    @property
    def drop_target(self) -> str:
        """The agency highlighted under the drag ("" when none): where a drop goes."""
        return self._target

    def dropEvent(self, event: QDropEvent) -> None:
        numbers = numbers_from_mime(event.mimeData())
        # The highlighted row is the target (the row a move last pointed at); a drop with no move
        # before it goes to the row under it.
        code = self._target or self._agency_at(event)
        # What the view's own drop does besides asking the model to take the data.
        self.stopAutoScroll()
        self.setState(QAbstractItemView.State.NoState)
        self.viewport().update()
        self._set_target("")
        self.drag_left.emit()
        if numbers is None or code is None:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.reports_dropped.emit(numbers, code)


# -- the panel ---------------------------------------------------------------------------------------


class AgencyPanel(QWidget):
    """The agencies with their counts, the drop target for forwarding, its messages and undo bar.

    Signals:
        agency_activated(str): the user opened an agency (double click or Enter): show its reports.
        counts_refreshed(): new counts are on screen.
        suggestion_shown(object): the suggested agencies for the reports being dragged (code -> n).
        forward_requested(int): a drop passed the checks and its note was confirmed: the id of the
            :class:`~ioc_console.gui.actions.ActionService` request that forwards the reports.
    """

    agency_activated = Signal(str)
    counts_refreshed = Signal()
    suggestion_shown = Signal(object)
    forward_requested = Signal(int)

    #: How long a refusal stays in the message line.
    REFUSAL_MS = 20_000

    def __init__(
        self,
        service: ActionService,
        names: Names,
        clock: DeadlineClock,
        look: DeadlineLook,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("agency_panel")
        self._service = service
        self._names = names
        self._clock = clock
        self._dragged: list[str] = []
        self._target = ""
        self._briefs: dict[str, ReportBrief] = {}
        self._dialog: ForwardNoteDialog | None = None
        self._counting = False
        self._count_again = False
        self._requests: set[int] = set()

        self.model = AgencyTreeModel(service.jurisdiction, names, look, self)
        self.view = AgencyTreeView(self)
        self.view.setObjectName("agency_tree")
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("Đơn vị xử lý"))
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        metrics = self.view.fontMetrics()
        for column in (FORWARDED, IN_PROGRESS, OVERDUE):
            digits = metrics.horizontalAdvance("0000")
            if column == OVERDUE:
                digits += ICON_SIZE + 6
            width = max(header.sectionSizeFromContents(column).width(), digits + 12)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        header.setMinimumSectionSize(24)
        counts_width = sum(header.sectionSize(c) for c in (FORWARDED, IN_PROGRESS, OVERDUE))
        # Room for the counts and a readable name ("Huyện Ninh Phước" with its indentation).
        name_width = self.view.indentation() + ICON_SIZE + metrics.horizontalAdvance("Huyện Ninh Phước") + 16
        frame = 2 * self.view.frameWidth() + self.view.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(counts_width + name_width + frame)
        self._preferred_width = counts_width + name_width + frame + metrics.horizontalAdvance("Thuận")
        # Every agency is in reach: all groups open (the filter narrows them; a drag opens none).
        self.view.expandAll()

        self.filter = QLineEdit(self)
        self.filter.setObjectName("agency_filter")
        self.filter.setPlaceholderText(self.tr("Lọc đơn vị (gõ không dấu cũng được)…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(self.tr("Lọc đơn vị xử lý"))
        self.filter.textChanged.connect(self._on_filter_text_changed)
        self._words = {code: agency_words(agency) for code, agency in service.jurisdiction.agencies.items()}

        # The lines around the tree keep their height whatever they say, so that the tree never
        # moves under a drag: the hint (or the suggestion) above, the messages below.
        lines = metrics.lineSpacing()
        hint_row = QWidget(self)
        hint_layout = QHBoxLayout(hint_row)
        hint_layout.setContentsMargins(6, 4, 6, 4)
        self._hint_icon = QLabel(hint_row)
        self._hint_icon.setFixedSize(ICON_SIZE, ICON_SIZE)
        self._suggestion_pixmap = suggestion_icon().pixmap(ICON_SIZE, ICON_SIZE)
        self.hint = QLabel(hint_row)
        self.hint.setObjectName("agency_hint")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        hint_layout.addWidget(self._hint_icon, 0, Qt.AlignmentFlag.AlignTop)
        hint_layout.addWidget(self.hint, 1)
        hint_row.setFixedHeight(2 * lines + 8)
        self._show_hint()
        message_slot = QWidget(self)
        message_slot.setObjectName("agency_message_slot")
        slot_layout = QVBoxLayout(message_slot)
        slot_layout.setContentsMargins(0, 0, 0, 0)
        self.message = MessageLine(message_slot)
        self.message.setObjectName("agency_message")
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        slot_layout.addWidget(self.message)
        message_slot.setFixedHeight(3 * lines + 8)
        self.undo_bar = UndoBar(service, names, self)
        self.undo_bar.setObjectName("agency_undo_bar")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filter)
        layout.addWidget(hint_row)
        layout.addWidget(self.view, 1)
        layout.addWidget(message_slot)
        layout.addWidget(self.undo_bar)

        self.view.drag_entered.connect(self._on_view_drag_entered)
        self.view.drop_target_changed.connect(self._on_view_drop_target_changed)
        self.view.drag_left.connect(self._on_view_drag_left)
        self.view.reports_dropped.connect(self._on_view_reports_dropped)
        self.view.activated.connect(self._on_view_activated)
        service.reports_changed.connect(self._on_service_reports_changed)
        service.request_finished.connect(self._on_service_request_finished)
        service.failed.connect(self._on_service_failed)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def sizeHint(self) -> QSize:
        return QSize(self._preferred_width, super().sizeHint().height())

    # -- counts --------------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Count again (on the worker); counts arrive with :attr:`counts_refreshed`."""
        executor = self._service.executor
        if executor.closed:
            return
        if self._counting:
            self._count_again = True
            return
        self._counting = True
        store, clock = self._service.store, self._clock

        def work() -> dict[str, AgencyCounts]:
            now, boundary = clock.now_and_boundary()
            return count_by_agency(store, now, boundary)

        Op(work, self).on_success(self._on_counted).on_failure(self._on_count_failed).run(executor)

    def _on_counted(self, counts: dict[str, AgencyCounts]) -> None:
        self._counting = False
        self.model.set_counts(counts)
        self.counts_refreshed.emit()
        if self._count_again:
            self._count_again = False
            self.refresh()

    def _on_count_failed(self, error: BaseException) -> None:
        self._counting = False
        log.error("counting the agencies' reports failed", exc_info=error)

    # -- dragging ------------------------------------------------------------------------------------

    @Slot(list)
    def _on_view_drag_entered(self, numbers: list[str]) -> None:
        # Read afresh for every drag: the reports may have changed since the last one.
        self._dragged = list(numbers)
        self._briefs = {}
        self.message.clear()
        self._service.fetch_briefs(numbers, lambda briefs: self._on_briefs(numbers, briefs), self)

    def _on_briefs(self, numbers: list[str], briefs: list[ReportBrief]) -> None:
        for brief in briefs:
            self._briefs[brief.number] = brief
        if numbers == self._dragged:
            self._show_suggestion()

    def _dragged_briefs(self, numbers: Sequence[str]) -> list[ReportBrief] | None:
        found = [self._briefs.get(n) for n in numbers]
        if any(b is None for b in found):
            return None
        return [b for b in found if b is not None]

    def _show_suggestion(self) -> None:
        briefs = self._dragged_briefs(self._dragged)
        if briefs is None:
            return
        routes = suggested_agencies(self._service.jurisdiction, briefs)
        suggested = {code: len(numbers) for code, numbers in routes.items()}
        self.model.set_suggested(suggested)
        best = max(suggested, key=lambda c: suggested[c], default=None)
        if best is not None:
            # Named and highlighted, never scrolled to: the tree stays where the pointer found it.
            names = ", ".join(self._names.agency(c) for c in sorted(suggested, key=lambda c: -suggested[c]))
            self._show_hint(self.tr("Gợi ý: %1").replace("%1", names), suggestion=True)
        else:
            self._show_hint(self.tr("Không có gợi ý đơn vị cho các phản ánh đang kéo."), suggestion=False)
        self.suggestion_shown.emit(suggested)
        if self._target:
            self._on_view_drop_target_changed(self._target)  # over an agency before the reports were read

    @Slot(str)
    def _on_view_drop_target_changed(self, code: str) -> None:
        self._target = code
        if not code or not self._dragged:
            return
        briefs = self._dragged_briefs(self._dragged)
        if briefs is None:
            return
        verdict = self._service.check(briefs, Action.FORWARD, {"agency": code})
        agency = self._names.agency(code)
        if not verdict.allowed:
            self.message.show_message(MessageLine.ERROR, self._refusal_text(verdict, agency))
        elif verdict.warnings:
            self.message.show_message(MessageLine.WARNING, " ".join(verdict.warnings))
        else:
            text = self.tr("Thả để chuyển %n phản ánh cho %1.", "", len(briefs)).replace("%1", agency)
            self.message.show_message(MessageLine.INFO, text)

    @Slot()
    def _on_view_drag_left(self) -> None:
        if self.message.kind in (MessageLine.INFO, MessageLine.WARNING):
            self.message.clear()
        self.model.set_suggested({})
        self._show_hint()

    def _show_hint(self, text: str = "", *, suggestion: bool = False) -> None:
        """The line above the tree: how to use the panel, or, during a drag, the suggestion."""
        if not text:
            text = self.tr("Kéo phản ánh từ danh sách và thả vào một đơn vị để chuyển xử lý.")
            self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            font = self.hint.font()
            font.setBold(False)
        else:
            self.hint.setForegroundRole(QPalette.ColorRole.WindowText)
            font = self.hint.font()
            font.setBold(suggestion)
        self.hint.setFont(font)
        self.hint.setText(text)
        self.hint.setToolTip(text)
        self._hint_icon.setPixmap(self._suggestion_pixmap if suggestion else QPixmap())

    # -- the filter ----------------------------------------------------------------------------------

    @Slot(str)
    def _on_filter_text_changed(self, text: str) -> None:
        """Only the agencies whose names begin with the typed words (marks and case aside)."""
        view, model = self.view, self.model
        for g, group in enumerate(model.groups):
            parent = model.index(g, 0)
            shown = 0
            for r, code in enumerate(group.codes):
                hit = matches(text, self._words.get(code, ()))
                view.setRowHidden(r, parent, not hit)
                shown += hit
            view.setRowHidden(g, QModelIndex(), shown == 0)
            if shown and text.strip():
                view.expand(parent)

    def visible_agencies(self) -> list[str]:
        """The agencies the tree shows now (filter applied), top to bottom."""
        found: list[str] = []
        for g, group in enumerate(self.model.groups):
            parent = self.model.index(g, 0)
            if self.view.isRowHidden(g, QModelIndex()) or not self.view.isExpanded(parent):
                continue
            found.extend(c for r, c in enumerate(group.codes) if not self.view.isRowHidden(r, parent))
        return found

    def _refusal_text(self, verdict: Verdict, agency: str) -> str:
        lines = [self.tr("Không thể chuyển cho %1:").replace("%1", agency)]
        for refusal in verdict.refusals[:5]:
            lines.append(f"{refusal.number}: {refusal.message}")
        if len(verdict.refusals) > 5:
            lines.append(self.tr("… và %n phản ánh khác.", "", len(verdict.refusals) - 5))
        return "\n".join(lines)

    # -- dropping ------------------------------------------------------------------------------------

    @Slot(list, str)
    def _on_view_reports_dropped(self, numbers: list[str], code: str) -> None:
        self._dragged = []
        briefs = self._dragged_briefs(numbers)
        if briefs is None:
            # Dropped before the reports were read (a very fast drag): read them, then go on.
            self._service.fetch_briefs(
                numbers, lambda found: self._on_drop_briefs(numbers, code, found), self
            )
            return
        self._forward_after_checks(numbers, code, briefs)

    def _on_drop_briefs(self, numbers: list[str], code: str, briefs: list[ReportBrief]) -> None:
        for brief in briefs:
            self._briefs[brief.number] = brief
        self._forward_after_checks(numbers, code, briefs)

    def _forward_after_checks(self, numbers: list[str], code: str, briefs: list[ReportBrief]) -> None:
        agency = self._names.agency(code)
        verdict = self._service.check(briefs, Action.FORWARD, {"agency": code})
        # Reports the store does not hold are refused by the service itself, in its words.
        if not verdict.allowed:
            self.message.show_message(MessageLine.ERROR, self._refusal_text(verdict, agency), self.REFUSAL_MS)
            return
        self.message.clear()
        if self._dialog is not None:
            self._dialog.reject()
        dialog = ForwardNoteDialog(
            len(numbers), self._names.agency_full(code), verdict.warnings, self.window()
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._on_note_confirmed(numbers, code, dialog.note()))
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self._dialog = dialog
        # Not exec(): no nested event loop inside the drop.
        dialog.open()

    def _forget_dialog(self, dialog: ForwardNoteDialog) -> None:
        if self._dialog is dialog:
            self._dialog = None

    @property
    def note_dialog(self) -> ForwardNoteDialog | None:
        """The note dialog of the last drop while it is open."""
        return self._dialog

    def _on_note_confirmed(self, numbers: list[str], code: str, note: str) -> None:
        payload: dict[str, Any] = {"agency": code}
        if note:
            payload["note"] = note
        request = self._service.perform(numbers, Action.FORWARD, payload)
        self._requests.add(request)
        self.forward_requested.emit(request)

    @Slot(object)
    def _on_service_request_finished(self, result: PerformResult) -> None:
        mine = result.request in self._requests
        self._requests.discard(result.request)
        for number in (*result.numbers, *(r.number for r in result.refusals)):
            self._briefs.pop(number, None)  # changed, or known to be different from what was read
        if result.refusals and mine:
            agency = self._names.agency(str(result.payload.get("agency", "")))
            verdict = Verdict(result.refusals, result.warnings)
            self.message.show_message(MessageLine.ERROR, self._refusal_text(verdict, agency), self.REFUSAL_MS)

    @Slot(list)
    def _on_service_reports_changed(self, numbers: list[str]) -> None:
        for number in numbers:
            self._briefs.pop(number, None)
        self.refresh()

    @Slot(str)
    def _on_service_failed(self, text: str) -> None:
        self.message.show_message(MessageLine.ERROR, text, self.REFUSAL_MS)

    @Slot(QModelIndex)
    def _on_view_activated(self, index: QModelIndex) -> None:
        code = self.model.code_at(index)
        if code is not None:
            self.agency_activated.emit(code)


__all__ = [
    "REPORT_NUMBERS_MIME",
    "AgencyCounts",
    "AgencyPanel",
    "AgencyTreeModel",
    "AgencyTreeView",
    "DraggableQueueModel",
    "ReportDragMixin",
    "ReportDragStarter",
    "count_by_agency",
    "enable_report_drag",
    "numbers_from_mime",
    "report_drag_mime",
    "report_numbers_mime",
    "selected_report_numbers",
]

"""The report queue as a table model over the local store.

The model never holds the whole queue. It knows the current filter, the total count, and a few
pages of display-ready rows fetched from the store by (filter, offset, limit) on the database
worker. ``rowCount()`` is the true total, so the scroll bar is honest and End jumps to the last
report; a row whose page is not loaded yet shows a placeholder and asks for its page, which then
arrives through ``dataChanged``. Sorting re-queries the store with ``ORDER BY``; nothing is sorted
or filtered in Python.

Rows never move under the reader because reports arrive: the model shows the reports the store
held when its filter was applied (its *horizon*); those that arrive later are only counted
(:attr:`ReportQueueModel.fresh`, :attr:`~ReportQueueModel.arrivals_changed`) until the user asks
for them (:meth:`ReportQueueModel.show_arrivals`). A list still empty takes them at once.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from ioc_console.domain.deadlines import DeadlineState

from ioc_console.gui.look import ICON_SIZE, DeadlineLook
from ioc_console.gui.operations import DatabaseExecutor, Op
from ioc_console.gui.queue_source import (
    COLUMNS,
    DEADLINE_COLUMN,
    PRIORITY_COLUMN,
    SORTABLE,
    QueueFilter,
    QueuePage,
    QueueRow,
    QueueSource,
)

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex

#: Custom roles: the report number of a row, and its deadline state (a DeadlineState or None).
NumberRole = Qt.ItemDataRole.UserRole + 1
DeadlineStateRole = Qt.ItemDataRole.UserRole + 2


def _untriaged_icon() -> QIcon:
    """The mark of a new report not triaged yet: a small filled blue disc."""
    icon = QIcon()
    for scale in (1, 2):
        size = ICON_SIZE * scale
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#1565c0"))
        margin = size * 0.28
        painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        icon.addPixmap(pixmap)
    return icon


class ReportQueueModel(QAbstractTableModel):
    """Rows of the report queue, paged from the store.

    Signals:
        count_changed(int): the number of reports matching the filter is known.
        loading_started(): a new filter is being queried (its first page arrives with reset_done).
        query_failed(str): the store could not answer; the text is for the user.
        reset_done(): the model was reset to a new filter's first page.
        refreshed(): the same filter was queried again and the rows updated in place.
        arrivals_changed(int): how many reports matching the filter arrived since the rows were
            read and wait to be shown (0 once shown).
    """

    count_changed = Signal(int)
    loading_started = Signal()
    query_failed = Signal(str)
    reset_done = Signal()
    refreshed = Signal()
    arrivals_changed = Signal(int)

    PAGE_SIZE = 200
    MAX_PAGES = 40

    def __init__(
        self,
        source: QueueSource,
        executor: DatabaseExecutor,
        look: DeadlineLook,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._executor = executor
        self._look = look
        self._filter = QueueFilter()
        self._generation = 0
        self._total = 0
        self._pages: OrderedDict[int, list[QueueRow]] = OrderedDict()
        self._requested: set[int] = set()
        self._loaded_once = False
        self._horizon: int | None = None
        self._fresh = 0
        self._revealing = False
        #: Pages a soft refresh reads with the first (those in view), set by the view's owner.
        self.pages_in_view: Callable[[], tuple[int, ...]] = tuple
        titles = {
            "number": self.tr("Số"),
            "received": self.tr("Tiếp nhận"),
            "category": self.tr("Lĩnh vực"),
            "unit": self.tr("Địa bàn"),
            "channel": self.tr("Kênh"),
            "status": self.tr("Trạng thái"),
            "priority": self.tr("Ưu tiên"),
            "summary": self.tr("Nội dung"),
            "agency": self.tr("Đơn vị xử lý"),
            "deadline": self.tr("Hạn gần nhất"),
        }
        self._header_tips = {
            "deadline": self.tr(
                "Hạn đến sớm nhất của phản ánh: hạn của giai đoạn hiện tại (phân loại tại IOC, tiếp nhận "
                "hoặc xử lý của đơn vị) hoặc hạn trả lời công dân"
            ),
        }
        self._untriaged_tip = self.tr("Mới, chưa phân loại")
        self._untriaged_icon = _untriaged_icon()
        self._headers = tuple(titles[key] for key in COLUMNS)

    # -- the query -------------------------------------------------------------------------------

    @property
    def filter(self) -> QueueFilter:
        return self._filter

    @property
    def total(self) -> int:
        return self._total

    @property
    def loaded_once(self) -> bool:
        return self._loaded_once

    @property
    def fresh(self) -> int:
        """Reports matching the filter that arrived since the rows were read (not shown yet)."""
        return self._fresh

    def set_filter(self, new: QueueFilter) -> None:
        """Query the store for ``new``; the rows are replaced when its first page arrives."""
        self._query(new, soft=False)

    def refresh(self) -> None:
        """Query the current filter again (new data, or deadline states moved on).

        Reports that arrived since the rows were read are counted, not shown (see the module's
        notes). When the number of the other matching reports has not changed, the rows are
        updated in place, so the selection and the scroll position stay where the user left them.
        """
        self._query(self._filter, soft=True)

    def show_arrivals(self) -> None:
        """Show the reports that arrived since the rows were read (the list is read again)."""
        self._query(self._filter, soft=True, reveal=True)

    def _query(self, new: QueueFilter, soft: bool, reveal: bool = False) -> None:
        self._filter = new
        self._generation += 1
        generation = self._generation
        if not soft:
            self.loading_started.emit()
        # A query that replaces one showing the arrivals shows them too.
        self._revealing = reveal = reveal or self._revealing
        # A list still empty has nothing to move: it takes what arrived at once.
        horizon = self._horizon if soft and not reveal and self._total else None
        pages = self.pages_in_view() if soft else ()
        source, size = self._source, self.PAGE_SIZE
        if horizon is not None:
            # First the cheap count of what arrived (a range of row ids), so that the new-reports
            # bar says so before the rows are read again.
            Op(lambda: source.fresh(new, horizon), self).on_success(
                lambda fresh: self._on_fresh(generation, fresh)
            ).on_failure(lambda error: self._on_failed(generation, error)).run(self._executor)
        Op(lambda: source.first_page(new, size, horizon, pages), self).on_success(
            lambda page: self._on_first_page(generation, page, soft)
        ).on_failure(lambda error: self._on_failed(generation, error)).run(self._executor)

    def _on_first_page(self, generation: int, page: QueuePage, soft: bool = False) -> None:
        if generation != self._generation:
            return
        self._revealing = False
        self._horizon = page.horizon
        pages: OrderedDict[int, list[QueueRow]] = OrderedDict({0: page.rows}) if page.rows else OrderedDict()
        pages.update(page.more)
        if soft and page.total == self._total:
            self._pages = pages
            self._requested = set()
            if self._total:
                self.dataChanged.emit(self.index(0, 0), self.index(self._total - 1, len(COLUMNS) - 1))
            self._set_fresh(page.fresh)
            self.refreshed.emit()
            return
        self.beginResetModel()
        self._total = page.total
        self._pages = pages
        self._requested = set()
        self.endResetModel()
        self._loaded_once = True
        self._set_fresh(page.fresh)
        self.count_changed.emit(self._total)
        self.reset_done.emit()

    def _on_fresh(self, generation: int, fresh: int) -> None:
        if generation == self._generation:
            self._set_fresh(fresh)

    def _set_fresh(self, fresh: int) -> None:
        if fresh != self._fresh:
            self._fresh = fresh
            self.arrivals_changed.emit(fresh)

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        log.error("queue query failed", exc_info=error)
        self.query_failed.emit(self.tr("Không đọc được danh sách phản ánh: %s") % error)

    def _request_page(self, page_no: int) -> None:
        if page_no in self._requested or self._executor.closed:
            return
        self._requested.add(page_no)
        generation, current, horizon = self._generation, self._filter, self._horizon
        source, size = self._source, self.PAGE_SIZE
        Op(lambda: source.fetch(current, page_no * size, size, horizon), self).on_success(
            lambda rows: self._on_page(generation, page_no, rows)
        ).on_failure(lambda error: self._on_page_failed(generation, page_no, error)).run(self._executor)

    def _on_page(self, generation: int, page_no: int, rows: list[QueueRow]) -> None:
        if generation != self._generation:
            return
        self._requested.discard(page_no)
        first = page_no * self.PAGE_SIZE
        if first >= self._total:
            return
        # The store may have changed under us; never show more rows than the model announced.
        rows = rows[: min(self.PAGE_SIZE, self._total - first)]
        self._pages[page_no] = rows
        self._pages.move_to_end(page_no)
        while len(self._pages) > self.MAX_PAGES:
            self._pages.popitem(last=False)
        if rows:
            last = first + len(rows) - 1
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def _on_page_failed(self, generation: int, page_no: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._requested.discard(page_no)
        log.error("loading queue page %d failed", page_no, exc_info=error)

    def row_at(self, row: int) -> QueueRow | None:
        """The loaded row at ``row``, or None while its page is on its way."""
        page = self._pages.get(row // self.PAGE_SIZE)
        if page is None:
            return None
        offset = row % self.PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def row_of(self, number: str) -> int | None:
        """The row showing report ``number`` among the loaded pages."""
        for page_no, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row.number == number:
                    return page_no * self.PAGE_SIZE + offset
        return None

    # -- QAbstractItemModel ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self._headers[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._header_tips.get(COLUMNS[section])
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        elif orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._total:
            return None
        row = self.row_at(index.row())
        column = index.column()
        if row is None:
            self._request_page(index.row() // self.PAGE_SIZE)
            if role == Qt.ItemDataRole.DisplayRole:
                return "…" if column == 0 else ""
            return None
        state = row.deadline_state
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            # Pack names, computed text, and citizens' words escaped (tooltips are rich text).
            if column == 0 and row.untriaged:
                return "<br>".join(t for t in (self._untriaged_tip, row.tooltips[0]) if t)
            return row.tooltips[column] or None
        if role == Qt.ItemDataRole.DecorationRole:
            if column == DEADLINE_COLUMN:
                return self._look.icon(state)
            if column == 0 and row.untriaged:
                return self._untriaged_icon
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._look.background(state)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == DEADLINE_COLUMN:
                return self._look.foreground(state)
            if column == PRIORITY_COLUMN and row.urgent:
                return self._look.foreground(DeadlineState.OVERDUE)
            return None
        if role == Qt.ItemDataRole.FontRole:
            # New reports not triaged yet stand out in bold, as do flagged deadlines and urgency.
            if row.untriaged or (column == DEADLINE_COLUMN and self._look.is_flagged(state)):
                return self._look.bold
            if column == PRIORITY_COLUMN and row.urgent:
                return self._look.bold
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return row.cells[column]
        if role == NumberRole:
            return row.number
        if role == DeadlineStateRole:
            return state
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column] not in SORTABLE:
            return
        wanted = replace(self._filter, sort=COLUMNS[column], descending=order == Qt.SortOrder.DescendingOrder)
        if wanted != self._filter:
            self.set_filter(wanted)

"""Rows that never move under the reader: the new-reports bar and the queue's anchor.

Reports arriving from the hub are not slipped into the list an operator is reading (the queue
model keeps its rows to what the store held when they were read, see
:mod:`ioc_console.gui.queue_model`). :class:`ArrivalsBar` says how many wait ("3 phản ánh mới —
hiện") and shows them on a click. When the list is read again for other reasons (a report left or
entered the filter), :class:`QueueAnchor` keeps the selection and puts the row that was under the
pointer (else the selected row in view, else the top row) back at the same height.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QObject, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QPushButton, QSizePolicy, QTableView, QWidget

from ioc_console.gui.queue_model import NumberRole, ReportQueueModel


class ArrivalsBar(QPushButton):
    """ "3 phản ánh mới — hiện" above the queue while reports wait to be shown; a click shows them.

    Signals:
        shown(): the user asked for the waiting reports.
    """

    shown = Signal()

    def __init__(self, model: ReportQueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("arrivals_bar")
        self._model = model
        self.setFlat(False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self.setToolTip(self.tr("Phản ánh mới không tự chen vào danh sách đang xem; bấm để hiện chúng"))
        # Its place is kept while it is hidden: the queue below must not move when it appears.
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.setVisible(False)
        model.arrivals_changed.connect(self._on_model_arrivals_changed)
        self.clicked.connect(self._on_clicked)

    @Slot(int)
    def _on_model_arrivals_changed(self, count: int) -> None:
        if count:
            self.setText(self.tr("▲ %n phản ánh mới — hiện", "", count))
            self.setAccessibleName(self.text())
        self.setVisible(count > 0)

    @Slot()
    def _on_clicked(self) -> None:
        self._model.show_arrivals()
        self.shown.emit()


@dataclass(frozen=True)
class _Anchor:
    number: str
    row: int
    scroll: int


class QueueAnchor(QObject):
    """Keeps the queue's selection and the row under the pointer in place when its model resets."""

    def __init__(self, view: QTableView, model: ReportQueueModel) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        self._pointer: QPoint | None = None
        self._selected: list[str] = []
        self._current: str | None = None
        self._anchor: _Anchor | None = None
        self._to_top = False
        view.viewport().installEventFilter(self)
        view.viewport().setMouseTracking(True)
        model.pages_in_view = self.pages_in_view
        model.modelAboutToBeReset.connect(self._remember)
        model.reset_done.connect(self._restore)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseMove, QEvent.Type.MouseButtonPress):
            assert isinstance(event, QMouseEvent)
            self._pointer = event.position().toPoint()
        elif kind == QEvent.Type.Leave:
            self._pointer = None
        return False

    def show_top_next(self) -> None:
        """The next reset shows the top of the list (the user asked for the new reports)."""
        self._to_top = True

    def pages_in_view(self) -> tuple[int, ...]:
        """The model's pages holding the rows on screen (read again with the first page)."""
        view, size = self._view, self._model.PAGE_SIZE
        top = view.rowAt(0)
        if top < 0:
            return ()
        bottom = view.rowAt(view.viewport().height() - 1)
        bottom = self._model.rowCount() - 1 if bottom < 0 else bottom
        return tuple(range(top // size, bottom // size + 1))

    def _number(self, row: int) -> str | None:
        value = self._model.index(row, 0).data(NumberRole) if row >= 0 else None
        return str(value) if value else None

    @Slot()
    def _remember(self) -> None:
        view = self._view
        selection = view.selectionModel()
        rows = sorted({index.row() for index in selection.selectedIndexes()}) if selection else []
        self._selected = [n for n in (self._number(r) for r in rows) if n]
        current = selection.currentIndex() if selection else None
        self._current = self._number(current.row()) if current is not None and current.isValid() else None
        self._anchor = None
        candidates: list[int] = []
        if self._pointer is not None and view.viewport().rect().contains(self._pointer):
            candidates.append(view.rowAt(self._pointer.y()))
        top, bottom = view.rowAt(0), view.rowAt(view.viewport().height() - 1)
        candidates.extend(r for r in rows if top <= r and (bottom < 0 or r <= bottom))
        candidates.append(top)
        for row in candidates:
            number = self._number(row)
            if number is not None:
                self._anchor = _Anchor(number, row, view.verticalScrollBar().value())
                return

    @Slot()
    def _restore(self) -> None:
        view, model = self._view, self._model
        selection = view.selectionModel()
        if selection is None:
            return
        if self._selected:
            found = QItemSelection()
            for number in self._selected:
                row = model.row_of(number)
                if row is not None:
                    found.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
            # Quietly: the same reports stay selected, nothing new to show.
            selection.blockSignals(True)
            selection.select(found, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            current = model.row_of(self._current) if self._current else None
            if current is not None:
                selection.setCurrentIndex(model.index(current, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            selection.blockSignals(False)
            view.viewport().update()
        anchor, self._anchor = self._anchor, None
        view.doItemsLayout()  # the scroll range of the new rows (else laid out later)
        if self._to_top:
            self._to_top = False
            view.scrollToTop()
            return
        if anchor is None:
            return
        row = model.row_of(anchor.number)
        if row is None:
            return
        moved = row - anchor.row
        if view.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel:
            moved *= view.verticalHeader().defaultSectionSize()
        view.verticalScrollBar().setValue(anchor.scroll + moved)


__all__ = ["ArrivalsBar", "QueueAnchor"]

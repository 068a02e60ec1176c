"""A report's history drawn as a timeline: one entry per event, its note wrapped below.

The view is a ``QListView`` over :class:`~ioc_console.gui.history_model.HistoryModel`; the delegate
reads the row's columns (time, who, action, status change, note) and draws them as plain text, so
a note's markup is never interpreted.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ioc_console.gui.history_model import HistoryModel

Index = QModelIndex | QPersistentModelIndex

PAD = 6
GAP = 2


class HistoryDelegate(QStyledItemDelegate):
    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def _texts(self, index: Index) -> tuple[str, str, str]:
        def cell(column: int) -> str:
            return str(index.siblingAtColumn(column).data(Qt.ItemDataRole.DisplayRole) or "")

        heading = f"{cell(0)}  ·  {cell(2)}"
        detail = f"{cell(1)}  ·  {cell(3)}"
        return heading, detail, cell(4)

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        return bold, option.font

    def _layout(
        self, option: QStyleOptionViewItem, index: Index, width: int
    ) -> list[tuple[QRect, QFont, str, bool]]:
        heading, detail, note = self._texts(index)
        bold, normal = self._fonts(option)
        flags = int(Qt.TextFlag.TextWordWrap)
        inner = max(width - 2 * PAD, 50)
        parts: list[tuple[QRect, QFont, str, bool]] = []
        y = PAD
        for text, font, muted in ((heading, bold, False), (detail, normal, True), (note, normal, False)):
            if not text:
                continue
            rect = QFontMetrics(font).boundingRect(QRect(0, 0, inner, 100000), flags, text)
            parts.append((QRect(PAD, y, inner, rect.height()), font, text, muted))
            y += rect.height() + GAP
        return parts

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        width = self._view.viewport().width()
        parts = self._layout(option, index, width)
        height = (parts[-1][0].bottom() if parts else 0) + PAD + 1
        return QSize(width, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        painter.save()
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            background = QStyleOptionViewItem(option)
            background.text = ""
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, background, painter, option.widget
            )
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        muted_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        origin = option.rect.topLeft()
        for rect, font, text, muted in self._layout(option, index, option.rect.width()):
            painter.setFont(font)
            painter.setPen(palette.color(muted_role if muted else text_role))
            painter.drawText(rect.translated(origin), int(Qt.TextFlag.TextWordWrap), text)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        bottom = option.rect.bottom()
        painter.drawLine(option.rect.left() + PAD, bottom, option.rect.right() - PAD, bottom)
        painter.restore()


class HistoryView(QListView):
    """The timeline of one report; as tall as its entries, so the detail pane scrolls as a whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(HistoryDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def setModel(self, model: HistoryModel) -> None:  # type: ignore[override]
        super().setModel(model)
        model.modelReset.connect(self.fit)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        model = self.model()
        delegate = self.itemDelegate()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        height = 2 * self.frameWidth()
        for row in range(model.rowCount() if model is not None else 0):
            height += delegate.sizeHint(option, model.index(row, 0)).height()
        self.setFixedHeight(max(height, 2 * self.frameWidth() + 4))
        self.scheduleDelayedItemsLayout()

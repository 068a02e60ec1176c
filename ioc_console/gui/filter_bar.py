"""Filters and search above the queue, and the count of matching reports.

Choices come from the jurisdiction pack (categories, agencies, units) and the domain's enums; the
search text is applied 250 ms after the last keystroke so that typing does not query the store on
every letter.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.lifecycle import TERMINAL, Channel, Status

from ioc_console.gui.present import Names, short_unit_name
from ioc_console.gui.queue_source import QueueFilter

_OPEN = frozenset(Status) - TERMINAL


class QueueFilterBar(QWidget):
    """Signals:
    filter_edited(): a choice changed, or the search text settled; read it with ``apply_to``.
    """

    filter_edited = Signal()

    SEARCH_DELAY_MS = 250

    def __init__(self, names: Names, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names = names
        lang = names.lang
        j = names.jurisdiction

        self.search = QLineEdit(self)
        self.search.setObjectName("queue_search")
        self.search.setPlaceholderText(self.tr("Tìm theo số phản ánh, địa chỉ, nội dung, số điện thoại…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.filter_edited)
        self.search.textChanged.connect(self._on_search_text_changed)

        self.status = self._combo("filter_status", self.tr("Trạng thái: tất cả"))
        self.status.addItem(self.tr("Chưa đóng"), frozenset(_OPEN))
        for status in Status:
            self.status.addItem(status.label(lang), frozenset({status}))

        self.category = self._combo("filter_category", self.tr("Lĩnh vực: tất cả"))
        categories = sorted(j.categories.values(), key=lambda c: (not c.active, names.category(c.code)))
        for category in categories:
            text = names.category(category.code)
            if not category.active:
                text = self.tr("%s (ngừng tiếp nhận)") % text
            self.category.addItem(text, category.code)

        self.agency = self._combo("filter_agency", self.tr("Đơn vị xử lý: tất cả"))
        for agency in sorted(j.agencies.values(), key=lambda a: (a.kind, a.name)):
            self.agency.addItem(agency.short_name or agency.name, agency.code)
            self.agency.setItemData(self.agency.count() - 1, agency.name, Qt.ItemDataRole.ToolTipRole)

        self.unit = self._combo("filter_unit", self.tr("Địa bàn: tất cả"))
        children: dict[str | None, list[Any]] = {}
        for unit in j.units.values():
            children.setdefault(unit.parent, []).append(unit)
        roots = [u for u in j.units.values() if u.kind == "province"]
        for root in roots:
            for district in sorted(children.get(root.code, []), key=lambda u: (u.kind != "city", u.name)):
                self.unit.addItem(district.name, district.code)
                for ward in sorted(children.get(district.code, []), key=lambda u: u.name):
                    self.unit.addItem(f"    {ward.name}", ward.code)
                    self.unit.setItemData(
                        self.unit.count() - 1,
                        f"{ward.name}, {short_unit_name(district)}",
                        Qt.ItemDataRole.ToolTipRole,
                    )

        self.channel = self._combo("filter_channel", self.tr("Kênh: tất cả"))
        for channel in Channel:
            self.channel.addItem(channel.label(lang), channel)

        self.deadline = self._combo("filter_deadline", self.tr("Hạn: tất cả"))
        for state in (DeadlineState.OVERDUE, DeadlineState.DUE_SOON, DeadlineState.ON_TRACK):
            self.deadline.addItem(state.label(lang), state)

        self.period = self._combo("filter_period", self.tr("Thời gian: tất cả"), "all")
        for key, text in (
            ("today", self.tr("Hôm nay")),
            ("7d", self.tr("7 ngày qua")),
            ("30d", self.tr("30 ngày qua")),
            ("month", self.tr("Tháng này")),
            ("year", self.tr("Năm nay")),
        ):
            self.period.addItem(text, key)

        self.reset = QPushButton(self.tr("Bỏ lọc"), self)
        self.reset.setObjectName("filter_reset")
        self.reset.setToolTip(self.tr("Bỏ mọi bộ lọc và nội dung tìm kiếm"))
        self.reset.clicked.connect(self._on_reset_clicked)

        self.count = QLabel(self)
        self.count.setObjectName("queue_count")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        font = self.count.font()
        font.setBold(True)
        self.count.setFont(font)
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance("200.000 phản ánh") + 8)

        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 2)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        grid.addWidget(self.search, 0, 0, 1, 3)
        grid.addWidget(self.deadline, 0, 3)
        grid.addWidget(self.period, 0, 4)
        grid.addWidget(self.reset, 0, 5)
        grid.addWidget(self.count, 0, 6)
        grid.addWidget(self.status, 1, 0)
        grid.addWidget(self.category, 1, 1)
        grid.addWidget(self.agency, 1, 2)
        grid.addWidget(self.unit, 1, 3)
        grid.addWidget(self.channel, 1, 4, 1, 2)
        for column in range(5):
            grid.setColumnStretch(column, 1)
        self.set_count(None)

    def _combo(self, name: str, everything: str, value: Any = None) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.addItem(everything, value)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        combo.setMaxVisibleItems(24)
        combo.currentIndexChanged.connect(self._on_choice_changed)
        return combo

    def _combos(self) -> tuple[QComboBox, ...]:
        return (self.status, self.category, self.agency, self.unit, self.channel, self.deadline, self.period)

    def apply_to(self, base: QueueFilter) -> QueueFilter:
        """``base`` (keeping its sort order) with this bar's choices and search text."""
        return replace(
            base,
            statuses=self.status.currentData() or frozenset(),
            category=self.category.currentData(),
            agency=self.agency.currentData(),
            unit=self.unit.currentData(),
            channel=self.channel.currentData(),
            deadline=self.deadline.currentData(),
            period=self.period.currentData() or "all",
            text=self.search.text().strip(),
        )

    def set_count(self, count: int | None) -> None:
        if count is None:
            self.count.setText(self.tr("Đang đếm…"))
        else:
            self.count.setText(self.tr("%Ln phản ánh", "", count))

    @Slot(str)
    def _on_search_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    @Slot(int)
    def _on_choice_changed(self, _index: int) -> None:
        self.filter_edited.emit()

    @Slot()
    def _on_reset_clicked(self) -> None:
        for combo in self._combos():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._search_timer.stop()
        self.filter_edited.emit()

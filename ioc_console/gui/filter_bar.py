"""Filters and search above the queue, the views, and the count of matching reports.

Choices come from the jurisdiction pack (categories, agencies, units) and the domain's enums; the
search text is applied 250 ms after the last keystroke so that typing does not query the store on
every letter.

A *view* is a whole filter with its order: "Cần xử lý" (the reports whose next step is the IOC's,
and every report past a deadline, nearest deadline first; the list the console opens on), "Tất cả
phản ánh", and the views the operator saved under a name (:meth:`QueueFilterBar.save_view`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, fields, replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.lifecycle import TERMINAL, Channel, Status

from ioc_console.gui.present import Names, short_unit_name
from ioc_console.gui.queue_source import COLUMNS, QueueFilter

_OPEN = frozenset(Status) - TERMINAL


#: The built-in views.
NEEDS_ACTION_VIEW = QueueFilter(needs_action=True, sort="deadline", descending=False)
ALL_VIEW = QueueFilter()
_SAVED = "saved:"


def filter_to_data(f: QueueFilter) -> dict[str, Any]:
    """A filter as plain data (JSON), to be kept in the settings."""
    data = asdict(f)
    data["statuses"] = sorted(s.value for s in f.statuses)
    data["channel"] = f.channel.value if f.channel else None
    data["deadline"] = f.deadline.value if f.deadline else None
    return data


def filter_from_data(data: Any) -> QueueFilter | None:
    """The filter kept as ``data``, or None when it is not one (edited by hand, or older)."""
    if not isinstance(data, dict):
        return None
    try:
        values = dict(data)
        values["statuses"] = frozenset(Status(v) for v in values.get("statuses", ()))
        values["channel"] = Channel(values["channel"]) if values.get("channel") else None
        values["deadline"] = DeadlineState(values["deadline"]) if values.get("deadline") else None
        known = {f.name for f in fields(QueueFilter)}
        found = QueueFilter(**{k: v for k, v in values.items() if k in known})
    except (TypeError, ValueError):
        return None
    return found if found.sort in COLUMNS else None


class QueueFilterBar(QWidget):
    """Signals:
    filter_edited(): a choice changed, or the search text settled; read it with ``apply_to``.
    view_chosen(object): the user chose a view: the whole :class:`QueueFilter` to show.
    views_changed(object): the saved views changed (name -> QueueFilter), to be kept.
    """

    filter_edited = Signal()
    view_chosen = Signal(object)
    views_changed = Signal(object)

    SEARCH_DELAY_MS = 250

    def __init__(self, names: Names, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names = names
        lang = names.lang
        j = names.jurisdiction

        self._saved: dict[str, QueueFilter] = {}
        self.view = QComboBox(self)
        self.view.setObjectName("filter_view")
        self.view.setToolTip(self.tr("Danh sách đang xem; lưu bộ lọc hiện tại thành một danh sách có tên"))
        self.view.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.view.setMinimumContentsLength(10)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fill_views("needs_action")
        self.view.activated.connect(self._on_view_activated)
        self.save_button = QToolButton(self)
        self.save_button.setObjectName("filter_save_view")
        self.save_button.setText(self.tr("Lưu…"))
        self.save_button.setToolTip(self.tr("Lưu bộ lọc và thứ tự hiện tại thành một danh sách có tên"))
        self.save_button.clicked.connect(self._on_save_clicked)
        self.delete_button = QToolButton(self)
        self.delete_button.setObjectName("filter_delete_view")
        self.delete_button.setText(self.tr("Xóa"))
        self.delete_button.setToolTip(self.tr("Xóa danh sách đã lưu đang chọn"))
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.delete_button.setEnabled(False)
        #: The queue's whole filter now (set by the window), kept by "Lưu…".
        self.current_filter: Callable[[], QueueFilter] = lambda: NEEDS_ACTION_VIEW

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
        views = QWidget(self)
        views_layout = QHBoxLayout(views)
        views_layout.setContentsMargins(0, 0, 0, 0)
        views_layout.setSpacing(2)
        views_layout.addWidget(self.view, 1)
        views_layout.addWidget(self.save_button)
        views_layout.addWidget(self.delete_button)
        grid.addWidget(views, 0, 0)
        grid.addWidget(self.search, 0, 1, 1, 2)
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

    # -- views ----------------------------------------------------------------------------------------

    def _fill_views(self, current: str) -> None:
        combo = self.view
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("Cần xử lý"), "needs_action")
        combo.setItemData(
            0,
            self.tr("Phản ánh đang chờ IOC và mọi phản ánh quá hạn, hạn gần nhất trước"),
            Qt.ItemDataRole.ToolTipRole,
        )
        combo.addItem(self.tr("Tất cả phản ánh"), "all")
        for name in sorted(self._saved, key=str.casefold):
            combo.addItem(name, _SAVED + name)
        index = combo.findData(current)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        if hasattr(self, "delete_button"):
            self.delete_button.setEnabled(str(combo.currentData()).startswith(_SAVED))

    @property
    def saved_views(self) -> dict[str, QueueFilter]:
        return dict(self._saved)

    def set_saved_views(self, views: dict[str, QueueFilter]) -> None:
        """The views kept from earlier runs (name -> filter)."""
        self._saved = dict(views)
        self._fill_views(str(self.view.currentData()))

    def view_filter(self, key: str) -> QueueFilter | None:
        if key == "needs_action":
            return NEEDS_ACTION_VIEW
        if key == "all":
            return ALL_VIEW
        if key.startswith(_SAVED):
            return self._saved.get(key[len(_SAVED) :])
        return None

    def choose_view(self, key: str) -> None:
        """Show the view ``key`` ("needs_action", "all" or "saved:<name>")."""
        index = self.view.findData(key)
        if index >= 0:
            self.view.setCurrentIndex(index)
            self._on_view_activated(index)

    def save_view(self, name: str, current: QueueFilter) -> None:
        """Keep ``current`` (with its order) as the view ``name`` and show it as the chosen one."""
        name = " ".join(name.split())
        if not name:
            return
        self._saved[name] = current
        self._fill_views(_SAVED + name)
        self.views_changed.emit(dict(self._saved))

    def show_filter(self, f: QueueFilter) -> None:
        """Set the choices and search text to ``f``'s, quietly (the view's filter is applied by
        whoever chose it)."""
        pairs = (
            (self.status, f.statuses or None),
            (self.category, f.category),
            (self.agency, f.agency),
            (self.unit, f.unit),
            (self.channel, f.channel),
            (self.deadline, f.deadline),
            (self.period, f.period if f.period != "all" else "all"),
        )
        for combo, value in pairs:
            combo.blockSignals(True)
            found = [i for i in range(combo.count()) if combo.itemData(i) == value]
            combo.setCurrentIndex(found[0] if found and value is not None else 0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.setText(f.text)
        self.search.blockSignals(False)
        self._search_timer.stop()

    @Slot(int)
    def _on_view_activated(self, _index: int) -> None:
        key = str(self.view.currentData())
        self.delete_button.setEnabled(key.startswith(_SAVED))
        chosen = self.view_filter(key)
        if chosen is None:
            return
        self.show_filter(chosen)
        self.view_chosen.emit(chosen)

    @Slot()
    def _on_save_clicked(self) -> None:
        dialog = QInputDialog(self)
        dialog.setObjectName("save_view_dialog")
        dialog.setWindowTitle(self.tr("Lưu danh sách"))
        dialog.setLabelText(self.tr("Tên danh sách (bộ lọc và thứ tự hiện tại):"))
        dialog.setOkButtonText(self.tr("Lưu"))
        dialog.setCancelButtonText(self.tr("Hủy"))
        current = self.view.currentText() if str(self.view.currentData()).startswith(_SAVED) else ""
        dialog.setTextValue(current)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(lambda name: self.save_view(name, self._pending_save()))
        dialog.open()

    def _pending_save(self) -> QueueFilter:
        return self.current_filter()

    @Slot()
    def _on_delete_clicked(self) -> None:
        key = str(self.view.currentData())
        if not key.startswith(_SAVED):
            return
        self._saved.pop(key[len(_SAVED) :], None)
        self._fill_views("all")
        self.views_changed.emit(dict(self._saved))

    def apply_to(self, base: QueueFilter) -> QueueFilter:
        """``base`` (keeping its view and sort order) with this bar's choices and search text."""
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

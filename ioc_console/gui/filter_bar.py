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

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QMouseEvent, QStandardItem, QStandardItemModel
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
from ioc_console.gui.queue_source import COLUMNS, QueueFilter, values_of

_OPEN = frozenset(Status) - TERMINAL


def merged(values: list[Any]) -> Any:
    """The value of several choices: None for none, the value itself for one, else a frozenset
    (the union, when the choices are sets themselves, as the statuses' are)."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    if all(isinstance(v, frozenset) for v in values):
        return frozenset().union(*values)
    return frozenset(values)


class MultiChoice(QComboBox):
    """A filter that takes several values: its list's items are ticked on and off, the list stays
    open meanwhile, and the line shows what is chosen ("Lĩnh vực: Giao thông, Môi trường").

    Item 0 is "all" and stands for the choice: ``currentData()`` is the chosen value (None, one
    value, or a frozenset of them, see :func:`merged`), and ``currentIndex()`` stays 0. Choosing
    another item by ``setCurrentIndex`` (code, the keyboard) chooses that one alone.

    Signals:
        choice_changed(): the chosen values changed.
    """

    choice_changed = Signal()

    def __init__(self, everything: str, prefix: str, value: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._everything = everything
        self._prefix = prefix
        self._none = value
        self._model = QStandardItemModel(self)
        self.setModel(self._model)
        first = QStandardItem(everything)
        first.setData(value, Qt.ItemDataRole.UserRole)
        self._model.appendRow(first)
        self.view().viewport().installEventFilter(self)
        self.currentIndexChanged.connect(self._on_current_index_changed)

    def addItem(self, text: str, userData: Any = None) -> None:  # type: ignore[override]
        item = QStandardItem(text)
        item.setData(userData, Qt.ItemDataRole.UserRole)
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
        )
        item.setData(Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
        self._model.appendRow(item)

    def checked(self) -> list[Any]:
        """The chosen items' values, in the list's order."""
        return [
            self._model.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(1, self._model.rowCount())
            if self._model.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, wanted: Any) -> None:
        """Tick the items whose values make up ``wanted`` (None: none), quietly."""
        if wanted is None or wanted == self._none:
            chosen: set[int] = set()
        else:
            datas = [
                (row, self._model.item(row).data(Qt.ItemDataRole.UserRole)) for row in range(1, self.count())
            ]
            exact = {row for row, data in datas if data == wanted}
            if exact:
                chosen = {min(exact)}
            elif isinstance(wanted, frozenset):
                chosen = {
                    row
                    for row, data in datas
                    if data in wanted or (isinstance(data, frozenset) and len(data) == 1 and data <= wanted)
                }
            else:
                chosen = set()
        for row in range(1, self._model.rowCount()):
            state = Qt.CheckState.Checked if row in chosen else Qt.CheckState.Unchecked
            self._model.item(row).setData(state, Qt.ItemDataRole.CheckStateRole)
        self._show_choice()

    def _show_choice(self) -> None:
        values = self.checked()
        first = self._model.item(0)
        names = [
            self._model.item(row).text()
            for row in range(1, self._model.rowCount())
            if self._model.item(row).checkState() == Qt.CheckState.Checked
        ]
        if not names:
            text = self._everything
        elif len(names) <= 2:
            text = self._prefix + ", ".join(n.strip() for n in names)
        else:
            text = self._prefix + self.tr("%n mục", "", len(names))
        first.setText(text)
        first.setData(merged(values) if values else self._none, Qt.ItemDataRole.UserRole)
        first.setToolTip("\n".join(n.strip() for n in names))
        if self.currentIndex() != 0:
            self.blockSignals(True)
            self.setCurrentIndex(0)
            self.blockSignals(False)
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            index = self.view().indexAt(event.position().toPoint())
            if index.isValid():
                self._toggle(index.row())
                return True  # the list stays open for more
        return super().eventFilter(watched, event)

    def _toggle(self, row: int) -> None:
        if row == 0:
            for other in range(1, self._model.rowCount()):
                self._model.item(other).setData(Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
        else:
            item = self._model.item(row)
            on = item.checkState() != Qt.CheckState.Checked
            item.setData(
                Qt.CheckState.Checked if on else Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole
            )
        self._show_choice()
        self.choice_changed.emit()

    @Slot(int)
    def _on_current_index_changed(self, index: int) -> None:
        if index <= 0:
            return
        # Chosen by code or the keyboard: that one alone.
        for row in range(1, self._model.rowCount()):
            state = Qt.CheckState.Checked if row == index else Qt.CheckState.Unchecked
            self._model.item(row).setData(state, Qt.ItemDataRole.CheckStateRole)
        self._show_choice()
        self.choice_changed.emit()


#: The built-in views.
NEEDS_ACTION_VIEW = QueueFilter(needs_action=True, sort="deadline", descending=False)
ALL_VIEW = QueueFilter()
_SAVED = "saved:"


def filter_to_data(f: QueueFilter) -> dict[str, Any]:
    """A filter as plain data (JSON), to be kept in the settings."""
    data = asdict(f)
    data["statuses"] = sorted(s.value for s in f.statuses)
    for key in ("category", "agency", "unit", "channel", "deadline"):
        values = sorted(str(getattr(v, "value", v)) for v in values_of(getattr(f, key)))
        data[key] = values or None
    return data


def filter_from_data(data: Any) -> QueueFilter | None:
    """The filter kept as ``data``, or None when it is not one (edited by hand, or older)."""
    if not isinstance(data, dict):
        return None
    try:
        values = dict(data)
        values["statuses"] = frozenset(Status(v) for v in values.get("statuses", ()))
        kinds: dict[str, Callable[[Any], Any]] = {
            "category": str,
            "agency": str,
            "unit": str,
            "channel": Channel,
            "deadline": DeadlineState,
        }
        for key, kind in kinds.items():
            kept = values.get(key)
            kept = [kind(v) for v in kept] if isinstance(kept, list) else ([kind(kept)] if kept else [])
            values[key] = merged(kept)
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

        self.status = self._multi("filter_status", self.tr("Trạng thái: tất cả"), self.tr("Trạng thái: "))
        self.status.addItem(self.tr("Chưa đóng"), frozenset(_OPEN))
        for status in Status:
            self.status.addItem(status.label(lang), frozenset({status}))

        self.category = self._multi("filter_category", self.tr("Lĩnh vực: tất cả"), self.tr("Lĩnh vực: "))
        categories = sorted(j.categories.values(), key=lambda c: (not c.active, names.category(c.code)))
        for category in categories:
            text = names.category(category.code)
            if not category.active:
                text = self.tr("%s (ngừng tiếp nhận)") % text
            self.category.addItem(text, category.code)

        self.agency = self._multi("filter_agency", self.tr("Đơn vị xử lý: tất cả"), self.tr("Đơn vị: "))
        for agency in sorted(j.agencies.values(), key=lambda a: (a.kind, a.name)):
            self.agency.addItem(agency.short_name or agency.name, agency.code)
            self.agency.setItemData(self.agency.count() - 1, agency.name, Qt.ItemDataRole.ToolTipRole)

        self.unit = self._multi("filter_unit", self.tr("Địa bàn: tất cả"), self.tr("Địa bàn: "))
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

        self.channel = self._multi("filter_channel", self.tr("Kênh: tất cả"), self.tr("Kênh: "))
        for channel in Channel:
            self.channel.addItem(channel.label(lang), channel)

        self.deadline = self._multi("filter_deadline", self.tr("Hạn: tất cả"), self.tr("Hạn: "))
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

    def _multi(self, name: str, everything: str, prefix: str) -> MultiChoice:
        combo = MultiChoice(everything, prefix, None, self)
        combo.setObjectName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        combo.setMaxVisibleItems(24)
        combo.choice_changed.connect(self.filter_edited)
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
            if isinstance(combo, MultiChoice):
                combo.set_checked(value)
                continue
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
            if isinstance(combo, MultiChoice):
                combo.set_checked(None)
                continue
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._search_timer.stop()
        self.filter_edited.emit()

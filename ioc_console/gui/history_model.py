"""A report's history as a table: time, who (and in which role), action, status change, note."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from ioc_console.domain.lifecycle import Action, Priority
from ioc_console.domain.report import Event

from ioc_console.gui.present import Names

Index = QModelIndex | QPersistentModelIndex

_TEXT_KEYS = ("reason", "question", "info", "outcome", "note", "result", "reply", "letter", "comment")


class HistoryModel(QAbstractTableModel):
    """The events of one report, oldest first. Notes are citizen or staff text: shown as plain text."""

    COLUMNS = 5

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str, str]] = []
        self._headers = (
            self.tr("Thời gian"),
            self.tr("Người thực hiện"),
            self.tr("Thao tác"),
            self.tr("Trạng thái"),
            self.tr("Ghi chú"),
        )

    def set_events(self, events: Sequence[Event], names: Names) -> None:
        self.beginResetModel()
        self._rows = [self._row(event, names) for event in events]
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self.endResetModel()

    def _row(self, event: Event, names: Names) -> tuple[str, str, str, str, str]:
        lang = names.lang
        who = f"{event.actor} ({event.role.label(lang)})" if event.actor else event.role.label(lang)
        if event.from_status is None or event.from_status == event.to_status:
            change = event.to_status.label(lang)
        else:
            change = f"{event.from_status.label(lang)} → {event.to_status.label(lang)}"
        label = event.action.label(lang)
        return (names.when(event.at), who, label[:1].upper() + label[1:], change, self._note(event, names))

    def _note(self, event: Event, names: Names) -> str:
        data: Mapping[str, Any] = event.data or {}
        parts: list[str] = []
        action = event.action
        if action is Action.CLASSIFY and data.get("category"):
            parts.append(self.tr("Lĩnh vực: %s") % names.category(str(data["category"])))
        if action is Action.FORWARD and data.get("agency"):
            parts.append(self.tr("Chuyển đến: %s") % names.agency_full(str(data["agency"])))
        if action is Action.RETURN and data.get("agency"):
            parts.append(self.tr("Đơn vị trả lại: %s") % names.agency_full(str(data["agency"])))
        if action is Action.RELOCATE and isinstance(data.get("location"), Mapping):
            location = data["location"]
            where = location.get("address") or names.unit(location.get("unit_code"))
            if where:
                parts.append(self.tr("Vị trí mới: %s") % where)
        if action is Action.SET_PRIORITY and data.get("priority"):
            with contextlib.suppress(ValueError):
                parts.append(self.tr("Mức ưu tiên: %s") % Priority(data["priority"]).label(names.lang))
        if action is Action.MARK_DUPLICATE and data.get("original"):
            parts.append(self.tr("Trùng với phản ánh %s") % data["original"])
        if action is Action.RATE and isinstance(data.get("satisfied"), bool):
            parts.append(self.tr("Hài lòng") if data["satisfied"] else self.tr("Không hài lòng"))
        parts.extend(str(data[key]).strip() for key in _TEXT_KEYS if data.get(key))
        return " — ".join(p for p in parts if p)

    # -- QAbstractItemModel ----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < self.COLUMNS:
            return self._headers[section]
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        text = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        if role == Qt.ItemDataRole.ToolTipRole and text:
            # Tooltips render rich text; escaping keeps a note's markup literal.
            return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
        return None

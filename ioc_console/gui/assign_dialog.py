"""Forwarding from the keyboard: the assign dialog with its agency search, and the drop's note dialog.

:class:`AssignController` owns the "Chuyển xử lý…" action (F6): it reads the selected reports,
opens :class:`AssignDialog` with the agency the routing rules suggest already chosen, and forwards
through the :class:`~ioc_console.gui.actions.ActionService` on Enter. The search folds Vietnamese
("so xay" finds "Sở Xây dựng"; every word typed starts a word of the agency's name or short name).

Why F6: a single key is fastest for work done all day, and it does not clash with the Vietnamese
input methods, which toggle on Ctrl+Shift.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ioc_console.domain.jurisdiction import Agency, Jurisdiction
from ioc_console.domain.lifecycle import MAX_TEXT, Action
from ioc_console.domain.text import fold

from ioc_console.gui.actions import ActionService, ReportBrief, Verdict, suggested_agencies
from ioc_console.gui.look import ICON_SIZE, MUTED
from ioc_console.gui.present import Names

Index = QModelIndex | QPersistentModelIndex

#: The keyboard's way to forward the selected reports.
ASSIGN_SHORTCUT = QKeySequence(Qt.Key.Key_F6)
#: Order of agency kinds in lists (as in the agency panel).
KIND_ORDER = ("department", "district_committee", "commune_committee", "police", "utility", "other")
NOTE_LIMIT = MAX_TEXT["note"]

AgencyCodeRole = Qt.ItemDataRole.UserRole + 1
SuggestedRole = Qt.ItemDataRole.UserRole + 2


# -- search ------------------------------------------------------------------------------------------


def agency_words(agency: Agency) -> tuple[str, ...]:
    """The folded words an agency is found by: its name, short name and code."""
    words: list[str] = []
    for text in (agency.short_name, agency.name, agency.code.replace("-", " ")):
        words.extend(fold(text).split())
    return tuple(dict.fromkeys(words))


def matches(query: str, words: Sequence[str]) -> bool:
    """Every folded word of ``query`` begins one of ``words`` (an empty query matches everything)."""
    return all(any(w.startswith(part) for w in words) for part in fold(query).split())


def search_agencies(j: Jurisdiction, query: str, first: Iterable[str] = ()) -> list[str]:
    """Codes of the agencies matching ``query``: those in ``first`` (suggested) ahead, then by kind."""
    leading = [c for c in first if c in j.agencies]
    rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
    rest = sorted(
        (a for a in j.agencies.values() if a.code not in leading),
        key=lambda a: rank.get(a.kind, len(KIND_ORDER)),
    )
    ordered = [j.agencies[c] for c in leading] + rest
    return [a.code for a in ordered if matches(query, agency_words(a))]


# -- icons -------------------------------------------------------------------------------------------


def suggestion_icon() -> QIcon:
    """The mark of the agency the routing rules suggest: a blue disc with a white arrow."""
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(ICON_SIZE * scale, ICON_SIZE * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(scale, scale)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#1565c0"))
        painter.drawEllipse(QRectF(1, 1, 14, 14))
        arrow = QPainterPath(QPointF(4, 6.5))
        for x, y in ((8, 6.5), (8, 4), (12.5, 8), (8, 12), (8, 9.5), (4, 9.5)):
            arrow.lineTo(x, y)
        arrow.closeSubpath()
        painter.setBrush(QColor("white"))
        painter.drawPath(arrow)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


# -- a line of words ---------------------------------------------------------------------------------


#: Background and text colours of the message kinds that stand out.
_MESSAGE_COLOURS = {"error": ("#fbe0de", "#5f0f0a"), "warning": ("#fff1cc", "#4d3000")}


class MessageLine(QWidget):
    """One line of plain words with an icon: information, a warning, or why something was refused."""

    INFO, WARNING, ERROR = "info", "warning", "error"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self._icon = QLabel(self)
        self._text = QLabel(self)
        self._text.setObjectName("message_text")
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self._text, 1)
        self._clear_timer = QTimer(self)
        self._clear_timer.setSingleShot(True)
        self._clear_timer.timeout.connect(self.clear)
        self.setVisible(False)

    @property
    def text(self) -> str:
        return self._text.text()

    def show_message(self, kind: str, text: str, timeout_ms: int = 0) -> None:
        icons = {
            self.INFO: QStyle.StandardPixmap.SP_MessageBoxInformation,
            self.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
            self.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
        }
        self.kind = kind
        colours = _MESSAGE_COLOURS.get(kind)
        self.setAutoFillBackground(colours is not None)
        palette = self.parentWidget().palette() if self.parentWidget() else self.palette()
        if colours is not None:
            # Fixed light tints with dark text: readable on light and dark palettes alike.
            palette.setColor(QPalette.ColorRole.Window, QColor(colours[0]))
            palette.setColor(QPalette.ColorRole.WindowText, QColor(colours[1]))
        self.setPalette(palette)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self._icon.setPixmap(self.style().standardIcon(icons[kind]).pixmap(size, size))
        self._text.setText(text)
        self.setAccessibleDescription(text)
        self.setVisible(True)
        if timeout_ms > 0:
            self._clear_timer.start(timeout_ms)
        else:
            self._clear_timer.stop()

    @Slot()
    def clear(self) -> None:
        self.kind = ""
        self._text.clear()
        self.setVisible(False)


# -- the agency list ---------------------------------------------------------------------------------


class AgencyListModel(QAbstractTableModel):
    """The agencies matching a search, suggested ones first (the pack's data: a few hundred rows).

    Two columns: the agency (its short name; "gợi ý" after a suggested one) and its group.
    """

    def __init__(self, jurisdiction: Jurisdiction, names: Names, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._j = jurisdiction
        self._names = names
        self._suggested: dict[str, int] = {}
        self._query = ""
        self._codes: list[str] = search_agencies(jurisdiction, "")
        self._bold = QFont()
        self._bold.setBold(True)
        self._muted = QBrush(MUTED)
        self._suggestion_icon = suggestion_icon()
        self._headers = (self.tr("Đơn vị"), self.tr("Nhóm"))
        self._kinds = {
            "department": self.tr("Sở/ngành tỉnh"),
            "district_committee": self.tr("UBND huyện/thành phố"),
            "commune_committee": self.tr("UBND xã/phường/thị trấn"),
            "police": self.tr("Công an"),
            "utility": self.tr("Doanh nghiệp dịch vụ"),
            "other": self.tr("Đơn vị khác"),
        }

    @property
    def codes(self) -> list[str]:
        return list(self._codes)

    def set_suggested(self, suggested: Mapping[str, int]) -> None:
        self._suggested = dict(suggested)
        self.set_query(self._query, force=True)

    def set_query(self, query: str, force: bool = False) -> None:
        if query == self._query and not force:
            return
        self._query = query
        order = sorted(self._suggested, key=lambda c: -self._suggested[c])
        codes = search_agencies(self._j, query, order)
        if codes != self._codes:
            self.beginResetModel()
            self._codes = codes
            self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._codes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < 2
        ):
            return self._headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._codes):
            return None
        code = self._codes[index.row()]
        agency = self._j.agencies[code]
        suggested = self._suggested.get(code, 0)
        kind = self._kinds.get(agency.kind, self._kinds["other"])
        if index.column() == 1:
            if role == Qt.ItemDataRole.DisplayRole:
                return kind
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._muted
            if role == AgencyCodeRole:
                return code
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._names.agency(code)
            if suggested:
                text += "  · " + self.tr("gợi ý")
            return text
        if role == Qt.ItemDataRole.DecorationRole and suggested:
            return self._suggestion_icon
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = f"{agency.name}, {kind}"
            return text + (", " + self.tr("được gợi ý") if suggested else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return escape(agency.name)
        if role == Qt.ItemDataRole.FontRole and suggested:
            return self._bold
        if role == AgencyCodeRole:
            return code
        if role == SuggestedRole:
            return suggested
        return None


# -- the dialogs -------------------------------------------------------------------------------------


def _note_edit(parent: QWidget, placeholder: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName("note_edit")
    edit.setMaxLength(NOTE_LIMIT)
    edit.setClearButtonEnabled(True)
    edit.setPlaceholderText(placeholder)
    return edit


class ForwardNoteDialog(QDialog):
    """After a drop: the optional note for the agency, and any warning. Enter forwards."""

    def __init__(
        self, count: int, agency_name: str, warnings: Sequence[str] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("forward_note_dialog")
        self.setWindowTitle(self.tr("Chuyển xử lý"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        question = QLabel(self.tr("Chuyển %n phản ánh cho %1?", "", count).replace("%1", agency_name), self)
        question.setObjectName("question")
        question.setTextFormat(Qt.TextFormat.PlainText)
        question.setWordWrap(True)
        layout.addWidget(question)
        self.warning = MessageLine(self)
        if warnings:
            self.warning.show_message(MessageLine.WARNING, " ".join(warnings))
        layout.addWidget(self.warning)
        label = QLabel(self.tr("&Ghi chú:"), self)
        self.note_edit = _note_edit(self, self.tr("Ghi chú cho đơn vị (không bắt buộc)"))
        label.setBuddy(self.note_edit)
        layout.addWidget(label)
        layout.addWidget(self.note_edit)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton(self.tr("Chuyển xử lý"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.note_edit.setFocus()

    def note(self) -> str:
        return self.note_edit.text().strip()


class AssignDialog(QDialog):
    """Choose the agency for the selected reports by typing part of its name; Enter forwards.

    The suggested agency (by the routing rules) is chosen when the dialog opens. A choice the
    lifecycle or the jurisdiction forbids says why and cannot be confirmed.
    """

    def __init__(
        self,
        service: ActionService,
        briefs: Sequence[ReportBrief],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("assign_dialog")
        self._service = service
        self._briefs = list(briefs)
        names = service.names
        self.setWindowTitle(self.tr("Chuyển xử lý"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)

        numbers = [b.number for b in self._briefs]
        shown = ", ".join(numbers[:4]) + ("…" if len(numbers) > 4 else "")
        heading = QLabel(self.tr("Chuyển %n phản ánh: %1", "", len(numbers)).replace("%1", shown), self)
        heading.setObjectName("heading")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        layout.addWidget(heading)

        search_label = QLabel(self.tr("&Tìm đơn vị:"), self)
        self.search = QLineEdit(self)
        self.search.setObjectName("agency_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Gõ tên đơn vị, có dấu hoặc không dấu (vd. so xay dung)"))
        search_label.setBuddy(self.search)
        layout.addWidget(search_label)
        layout.addWidget(self.search)

        self.model = AgencyListModel(service.jurisdiction, names, self)
        self.list = QTreeView(self)
        self.list.setObjectName("agency_list")
        self.list.setModel(self.model)
        self.list.setRootIsDecorated(False)
        self.list.setItemsExpandable(False)
        self.list.setAllColumnsShowFocus(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setUniformRowHeights(True)
        self.list.header().setStretchLastSection(True)
        self.list.header().resizeSection(0, 300)
        self.list.setAccessibleName(self.tr("Đơn vị xử lý"))
        layout.addWidget(self.list, 1)

        self.verdict_line = MessageLine(self)
        self.verdict_line.setObjectName("verdict_line")
        layout.addWidget(self.verdict_line)

        note_label = QLabel(self.tr("&Ghi chú:"), self)
        self.note_edit = _note_edit(self, self.tr("Ghi chú cho đơn vị (không bắt buộc)"))
        note_label.setBuddy(self.note_edit)
        layout.addWidget(note_label)
        layout.addWidget(self.note_edit)

        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton(self.tr("Chuyển xử lý"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("Hủy"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        routes = suggested_agencies(service.jurisdiction, self._briefs)
        self.suggested = {code: len(found) for code, found in routes.items()}
        self.model.set_suggested(self.suggested)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.list.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self.list.doubleClicked.connect(lambda _index: self.accept())
        self.search.installEventFilter(self)
        self._select_row(0)
        self.resize(520, 480)
        self.search.setFocus()

    # -- choice --------------------------------------------------------------------------------------

    def chosen(self) -> str | None:
        """The code of the agency chosen, or None."""
        index = self.list.currentIndex()
        if not index.isValid():
            return None
        code = self.model.data(index, AgencyCodeRole)
        return str(code) if code else None

    def note(self) -> str:
        return self.note_edit.text().strip()

    def verdict(self) -> Verdict | None:
        code = self.chosen()
        if code is None:
            return None
        return self._service.check(self._briefs, Action.FORWARD, {"agency": code})

    def _select_row(self, row: int) -> None:
        count = self.model.rowCount()
        if count == 0:
            self.list.setCurrentIndex(QModelIndex())
            self._show_verdict()
            return
        row = max(0, min(row, count - 1))
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.list.selectionModel().setCurrentIndex(index, flags)
        self.list.scrollTo(index)
        self._show_verdict()

    def _show_verdict(self) -> None:
        verdict = self.verdict()
        names = self._service.names
        if verdict is None:
            self.ok_button.setEnabled(False)
            self.verdict_line.show_message(
                MessageLine.INFO, self.tr("Không có đơn vị nào khớp với từ đã gõ.")
            )
            return
        code = self.chosen() or ""
        self.ok_button.setEnabled(verdict.allowed)
        if not verdict.allowed:
            lines = [f"{r.number}: {r.message}" for r in verdict.refusals[:4]]
            if len(verdict.refusals) > 4:
                lines.append(self.tr("… và %n phản ánh khác.", "", len(verdict.refusals) - 4))
            self.verdict_line.show_message(MessageLine.ERROR, "\n".join(lines))
        elif verdict.warnings:
            self.verdict_line.show_message(MessageLine.WARNING, " ".join(verdict.warnings))
        else:
            text = self.tr("Sẽ chuyển cho %1.").replace("%1", names.agency_full(code))
            self.verdict_line.show_message(MessageLine.INFO, text)

    def accept(self) -> None:
        verdict = self.verdict()
        if verdict is None or not verdict.allowed:
            return
        super().accept()

    # -- keyboard ------------------------------------------------------------------------------------

    @Slot(str)
    def _on_search_text_changed(self, text: str) -> None:
        self.model.set_query(text)
        self._select_row(0)

    @Slot(QModelIndex, QModelIndex)
    def _on_list_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_verdict()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up, Down, Page Up and Page Down in the search field move through the list.
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            steps = {
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_Up: -1,
                Qt.Key.Key_PageDown: 8,
                Qt.Key.Key_PageUp: -8,
            }
            step = steps.get(Qt.Key(event.key()))
            if step is not None:
                self._select_row(max(self.list.currentIndex().row(), 0) + step)
                return True
        return super().eventFilter(watched, event)


class AssignController(QObject):
    """The "Chuyển xử lý…" action: forwards the selected reports through the assign dialog.

    Signals:
        hint(str): words for the status bar (e.g. nothing is selected).
        dialog_opened(object): the :class:`AssignDialog` just opened (tests and screenshots).
        forward_requested(int): the :class:`ActionService` request that forwards the reports.
    """

    hint = Signal(str)
    dialog_opened = Signal(object)
    forward_requested = Signal(int)

    def __init__(
        self,
        service: ActionService,
        selected_numbers: Callable[[], list[str]],
        parent_widget: QWidget,
    ) -> None:
        super().__init__(parent_widget)
        self._service = service
        self._selected = selected_numbers
        self._widget = parent_widget
        self.dialog: AssignDialog | None = None
        self.action = QAction(self.tr("C&huyển xử lý…"), parent_widget)
        self.action.setObjectName("assign_action")
        self.action.setShortcut(ASSIGN_SHORTCUT)
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.setToolTip(self.tr("Chuyển các phản ánh đang chọn cho một đơn vị xử lý (F6)"))
        self.action.triggered.connect(self.start)

    @Slot()
    def start(self) -> None:
        numbers = self._selected()
        if not numbers:
            self.hint.emit(self.tr("Hãy chọn phản ánh trong danh sách trước khi chuyển xử lý."))
            return
        self._service.fetch_briefs(numbers, self._open, self)

    def _open(self, briefs: list[ReportBrief]) -> None:
        if not briefs:
            self.hint.emit(self.tr("Không tìm thấy các phản ánh đã chọn trên máy này."))
            return
        if self.dialog is not None:
            self.dialog.reject()
        dialog = AssignDialog(self._service, briefs, self._widget.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        numbers = [b.number for b in briefs]
        dialog.accepted.connect(lambda: self._on_dialog_accepted(numbers, dialog))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _forget(self, dialog: AssignDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _on_dialog_accepted(self, numbers: list[str], dialog: AssignDialog) -> None:
        code = dialog.chosen()
        if code is None:
            return
        payload: dict[str, Any] = {"agency": code}
        note = dialog.note()
        if note:
            payload["note"] = note
        self.forward_requested.emit(self._service.perform(numbers, Action.FORWARD, payload))


__all__ = [
    "ASSIGN_SHORTCUT",
    "AgencyListModel",
    "AssignController",
    "AssignDialog",
    "ForwardNoteDialog",
    "MessageLine",
    "agency_words",
    "matches",
    "search_agencies",
]

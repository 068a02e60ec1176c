"""Suggested duplicates on screen: found on the database worker, listed in a small panel.

:class:`DuplicateFinder` reads the reports received within a week of the probe in the probe's
district from the local store, and ranks them with :func:`ioc_console.domain.duplicates.suggest`
(all on the worker). Requests are debounced (typing in the intake form asks often) and only the
latest request's answer is delivered. :class:`DuplicatePanel` shows the suggestions as plain text,
with buttons to open one or to merge.

The store is asked by district, not by distance (it has no spatial index): a report a few metres
away across a district boundary is not found. Districts are large next to the 300 m radius, so
that is rare.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ioc_console.domain.duplicates import Candidate, DuplicatePolicy, Suggestion, suggest
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.store import LocalStore, ReportQuery, ReportRow

from ioc_console.gui.operations import DatabaseExecutor, Op
from ioc_console.gui.present import Names

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex

#: The report number of a suggestion (``str``).
NumberRole = Qt.ItemDataRole.UserRole + 1
#: The :class:`~ioc_console.domain.duplicates.Suggestion` itself.
SuggestionRole = Qt.ItemDataRole.UserRole + 2

#: Kinds of unit that bound the store's search (the district a ward or commune lies in).
_AREA_KINDS = frozenset({"district", "city", "town"})
#: The most reports read for one search (a week of one district is far fewer).
MAX_CANDIDATES = 5000
#: Characters of a suggestion's text shown in the list (the tooltip has the rest).
SHOWN_CHARS = 160


class WrappedHeights(QObject):
    """Keeps word-wrapped labels as tall as their text needs at their actual width.

    A form layout sizes a wrapped label for its narrow size hint (twice as many lines as needed,
    or too few when it is squeezed), which leaves gaps or cuts lines; fixing the height on every
    resize closes the gap. Install it as an event filter on the labels.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show) and isinstance(watched, QLabel):
            fit_wrapped(watched)
        return False


def fit_wrapped(label: QLabel) -> None:
    """Fix ``label``'s height to what its text needs at its width (see :class:`WrappedHeights`)."""
    text = label.text()
    if not text:
        return
    inner = label.contentsRect()
    width = max(1, inner.width() - 2 * label.margin())
    flags = int(label.alignment()) | int(Qt.TextFlag.TextWordWrap)
    needed = label.fontMetrics().boundingRect(0, 0, width, 1_000_000, flags, text).height()
    wanted = needed + 2 * label.margin() + (label.height() - inner.height())
    if wanted != label.height() or label.minimumHeight() != label.maximumHeight():
        label.setFixedHeight(wanted)


def search_area(j: Jurisdiction, probe: Candidate) -> str | None:
    """The unit whose reports are compared with ``probe``: its district; None (the whole province)
    when it has no place yet."""
    unit = probe.unit_code
    if (not unit or unit not in j.units) and probe.has_point:
        assert probe.lat is not None and probe.lon is not None
        unit = j.nearest_unit(probe.lat, probe.lon).code
    if not unit or unit not in j.units:
        return None
    for ancestor in j.ancestors(unit):
        if ancestor.kind in _AREA_KINDS:
            return ancestor.code
    return unit


def candidate_of_row(row: ReportRow) -> Candidate:
    return Candidate(
        number=row.number,
        category=row.category,
        text=f"{row.title} {row.description}".strip(),
        received_at=row.received_at,
        lat=row.lat,
        lon=row.lon,
        unit_code=row.unit_code,
        address=row.address,
        status=row.status,
    )


def find_duplicates(
    store: LocalStore, j: Jurisdiction, probe: Candidate, policy: DuplicatePolicy
) -> list[Suggestion]:
    """On the worker: the suggestions for ``probe`` among the stored reports (best first)."""
    area = search_area(j, probe)
    window = timedelta(days=policy.max_days)
    query = ReportQuery(
        units=frozenset() if area is None else frozenset({area}),
        received_from=probe.received_at - window,
        received_to=probe.received_at + window + timedelta(seconds=1),
        limit=MAX_CANDIDATES,
    )
    rows = store.query(query)
    return suggest(probe, (candidate_of_row(r) for r in rows), policy)


class DuplicateFinder(QObject):
    """Finds suggested duplicates on the database worker; the latest request wins.

    Signals:
        search_started(): a search was sent to the worker.
        suggestions_found(str, list): the key given with the request and its suggestions.
    """

    search_started = Signal()
    suggestions_found = Signal(str, list)

    def __init__(
        self,
        store: LocalStore,
        jurisdiction: Jurisdiction,
        executor: DatabaseExecutor,
        *,
        policy: DuplicatePolicy | None = None,
        debounce_ms: int = 350,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._jurisdiction = jurisdiction
        self._executor = executor
        self.policy = policy or DuplicatePolicy()
        self._generation = 0
        self._waiting: tuple[str, Candidate] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def find(self, probe: Candidate, key: str = "") -> None:
        """Search for ``probe`` once the requests stop coming for a moment (typing)."""
        self._waiting = (key, probe)
        self._generation += 1  # an answer to an older request is now stale
        self._timer.start()

    def find_now(self, probe: Candidate, key: str = "") -> None:
        self._timer.stop()
        self._waiting = None
        self._run(key, probe)

    def cancel(self) -> None:
        self._timer.stop()
        self._waiting = None
        self._generation += 1

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._waiting is not None:
            key, probe = self._waiting
            self._waiting = None
            self._run(key, probe)

    def _run(self, key: str, probe: Candidate) -> None:
        if self._executor.closed:
            return
        self._generation += 1
        generation = self._generation
        store, j, policy = self._store, self._jurisdiction, self.policy
        self.search_started.emit()
        Op(lambda: find_duplicates(store, j, probe, policy), self).on_success(
            lambda found: self._deliver(generation, key, found)
        ).on_failure(lambda error: log.error("searching duplicates failed", exc_info=error)).run(
            self._executor
        )

    def _deliver(self, generation: int, key: str, found: list[Suggestion]) -> None:
        if generation == self._generation:
            self.suggestions_found.emit(key, found)


class DuplicateListModel(QAbstractListModel):
    """Suggestions as two plain-text lines each: number, distance, time, status; then the text."""

    def __init__(self, names: Names, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names = names
        self._items: list[Suggestion] = []

    def set_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        self.beginResetModel()
        self._items = list(suggestions)
        self.endResetModel()

    def suggestions(self) -> list[Suggestion]:
        return list(self._items)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def where(self, s: Suggestion) -> str:
        if not s.placed:
            return self.tr("chưa rõ vị trí")
        if s.distance_m is None:
            return self.tr("cùng xã, phường")
        if s.distance_m < 10:
            return self.tr("cùng vị trí")
        return self.tr("cách %s m") % round(s.distance_m)

    def headline(self, s: Suggestion) -> str:
        c = s.candidate
        parts = [c.number, self.where(s), self._names.when(c.received_at), c.status.label(self._names.lang)]
        if not s.same_category:
            parts.append(self._names.category(c.category))
        return " · ".join(parts)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        s = self._items[index.row()]
        c = s.candidate
        if role == Qt.ItemDataRole.DisplayRole:
            text = " ".join(c.text.split())
            if len(text) > SHOWN_CHARS:
                text = text[: SHOWN_CHARS - 1] + "…"
            return f"{self.headline(s)}\n{text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            # A tooltip is rich text when it looks like markup: keep citizen text plain.
            lines = [self.headline(s), c.address, c.text]
            return "\n".join(line for line in lines if line).replace("<", "‹").replace(">", "›")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.headline(s)}. {c.text}"
        if role == NumberRole:
            return c.number
        if role == SuggestionRole:
            return s
        return None


class DuplicatePanel(QWidget):
    """The suggested duplicates of a report or a call being typed, with open and merge buttons.

    Signals:
        open_requested(str): the user wants to see this report.
        merge_requested(str): the user wants to merge with this report (see :class:`MergeDialog`).
    """

    open_requested = Signal(str)
    merge_requested = Signal(str)

    def __init__(self, names: Names, *, can_merge: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DuplicateListModel(names, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("duplicates_status")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self._heights = WrappedHeights(self)
        self.status_label.installEventFilter(self._heights)
        layout.addWidget(self.status_label)
        self.view = QListView(self)
        self.view.setObjectName("duplicates_view")
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setAccessibleName(self.tr("Phản ánh có thể trùng"))
        self.view.activated.connect(self._on_view_activated)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(self.tr("&Mở phản ánh"), self)
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.merge_button = QPushButton(self.tr("&Gộp phản ánh…"), self)
        self.merge_button.setAutoDefault(False)
        self.merge_button.setToolTip(
            self.tr("Đánh dấu một trong hai phản ánh là trùng; lịch sử của cả hai được giữ nguyên.")
        )
        self.merge_button.clicked.connect(self._on_merge_button_clicked)
        self.merge_button.setVisible(can_merge)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.merge_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.show_idle(self.tr("Chưa đủ thông tin để tìm phản ánh trùng."))

    # -- states ------------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.status_label.setText(text)
        fit_wrapped(self.status_label)

    def show_idle(self, text: str) -> None:
        self.model.set_suggestions([])
        self._say(text)
        self._update_buttons()

    def show_searching(self) -> None:
        self._say(self.tr("Đang tìm phản ánh tương tự…"))

    def show_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        self.model.set_suggestions(suggestions)
        if suggestions:
            self._say(self.tr("%s phản ánh gần đó trong 7 ngày có nội dung tương tự:") % len(suggestions))
            self.view.setCurrentIndex(self.model.index(0, 0))
        else:
            self._say(self.tr("Không có phản ánh tương tự gần đó trong 7 ngày."))
        self._update_buttons()

    def current_number(self) -> str | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        number = self.model.data(index, NumberRole)
        return str(number) if number else None

    def _update_buttons(self, *_args: object) -> None:
        has = self.current_number() is not None
        self.open_button.setEnabled(has)
        self.merge_button.setEnabled(has)

    # -- slots -------------------------------------------------------------------------------------

    @Slot(QModelIndex)
    def _on_view_activated(self, index: QModelIndex) -> None:
        number = self.model.data(index, NumberRole)
        if number:
            self.open_requested.emit(str(number))

    @Slot()
    def _on_open_button_clicked(self) -> None:
        number = self.current_number()
        if number:
            self.open_requested.emit(number)

    @Slot()
    def _on_merge_button_clicked(self) -> None:
        number = self.current_number()
        if number:
            self.merge_requested.emit(number)


__all__ = [
    "MAX_CANDIDATES",
    "DuplicateFinder",
    "DuplicateListModel",
    "DuplicatePanel",
    "NumberRole",
    "SuggestionRole",
    "WrappedHeights",
    "candidate_of_row",
    "find_duplicates",
    "fit_wrapped",
    "search_area",
]

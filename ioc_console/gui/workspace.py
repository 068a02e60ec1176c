"""The operator's workspace, put together in the main window.

:class:`Workspace` takes the window (queue, filters, details), the local store and the
jurisdiction, and adds the parts an IOC operator works with all day:

* the live **map**, docked beside the queue (:class:`~ioc_console.gui.map.MapWidget`): it shows the
  reports the queue's filter shows, selecting in one selects in the other, and it follows changes
  to the store report by report (:meth:`Workspace.follow`), never by reloading the page;
* the **agency panel** dock with its live counts, the drop target of the queue's rows (one or
  several, dragged through the views' own drag path), and the **undo bar** under the queue;
* **forwarding from the keyboard** (F6, :class:`~ioc_console.gui.assign_dialog.AssignController`);
* **triage** above the details (:class:`~ioc_console.gui.triage.ReportWorkbench`: the actions'
  toolbar, the photos and the suggested duplicates of the report shown);
* **hotline intake** (Phản ánh › Tiếp nhận cuộc gọi…, Ctrl+N), the map picking the place;
* **flags**: overdue and due-soon counts in the window title, a batched desktop notification for
  new reports and for reports that just turned overdue, and the queue, map and counts restyled
  when the clock passes a deadline.

Every action is written locally with its outbox entry (pending until the hub acknowledges it) and
shows at once as pending: the queue's status column says so, the map marks it.

What the composition root connects (see :func:`build_workspace`): ``on_enqueued()`` is called
whenever an action or a typed-in call was written to the outbox (the sync should push now), and
``on_released(numbers)`` when the undo offer for those reports is over (their held actions may be
sent). Changes the sync applied to the store are given to :meth:`Workspace.follow`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMessageBox, QVBoxLayout, QWidget

from ioc_console.domain.deadlines import deadline_state
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Actor
from ioc_console.domain.report import Report
from ioc_console.store import LocalStore, ReportRow, is_provisional

from ioc_console.gui.actions import UNDO_SECONDS, ActionService
from ioc_console.gui.agency_panel import AgencyPanel, enable_report_drag, selected_report_numbers
from ioc_console.gui.assign_dialog import AssignController
from ioc_console.gui.callbacks import CallbackReminders
from ioc_console.gui.duplicates import DuplicateFinder
from ioc_console.gui.intake import IntakeDialog
from ioc_console.gui.notifier import (
    WATCH_MS,
    FlagChange,
    FlagSnapshot,
    FlagWatcher,
    Notifier,
    SoundAlert,
    TrayPresenter,
)
from ioc_console.gui.operations import DatabaseExecutor, Op
from ioc_console.gui.photos import PhotoCache, PhotoLoader, PhotoSource
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.queue_model import NumberRole
from ioc_console.gui.queue_source import COLUMNS, QueueFilter, QueueRow
from ioc_console.gui.store_source import QueueWords, StoreQueueSource
from ioc_console.gui.theme import ThemedLook
from ioc_console.gui.triage import RelocateDialog, ReportWorkbench, TriageContext, TriageController

if TYPE_CHECKING:
    from ioc_console.gui.main_window import MainWindow
    from ioc_console.gui.map import MapConfig, MapWidget
    from ioc_console.gui.map.config import HubBasemap

log = logging.getLogger(__name__)

#: More changed reports than this at once are shown by reading the whole set again.
FOLLOW_LIMIT = 2_000
#: The agency counts are taken again this long after the last of a run of changes.
RECOUNT_MS = 1_500
#: The hotline intake's shortcut.
INTAKE_SHORTCUT = QKeySequence("Ctrl+N")

_STATUS = COLUMNS.index("status")


# -- the queue's rows, pending marked ----------------------------------------------------------------


class PendingQueueSource(StoreQueueSource):
    """The queue's source, saying in the status column when an action waits for the hub."""

    def __init__(
        self,
        store: LocalStore,
        names: Names,
        clock: DeadlineClock,
        words: QueueWords | None = None,
        *,
        pending: str = "chờ gửi",
        pending_tip: str = "",
    ) -> None:
        super().__init__(store, names, clock, words)
        self._pending = pending
        self._pending_tip = pending_tip

    def _row(self, r: ReportRow, now: datetime, boundary: datetime) -> QueueRow:
        row = super()._row(r, now, boundary)
        if not r.pending:
            return row
        cells = list(row.cells)
        cells[_STATUS] = f"{cells[_STATUS]} · {self._pending}"
        tips = list(row.tooltips)
        tips[_STATUS] = self._pending_tip
        return replace(row, cells=tuple(cells), tooltips=tuple(tips))


# -- what the map is given ------------------------------------------------------------------------------


#: Reports read per worker job when the map's full set is read: the page takes each part while the
#: next is read, and the queue's own queries slip in between the parts.
MAP_PART = 40_000


def read_map_rows(store: LocalStore, clock: DeadlineClock) -> list[Any]:
    """On the worker: every report with a position, as the map draws it (its columns only; the
    map asks for a report's text when it opens its popup, see :func:`read_map_details`)."""
    now, boundary = clock.now_and_boundary()
    return list(store.map_points(now, boundary))


def read_map_part(store: LocalStore, clock: DeadlineClock, after: int, limit: int = MAP_PART) -> list[Any]:
    """On the worker: the next part of :func:`read_map_rows`, the reports stored after row ``after``."""
    now, boundary = clock.now_and_boundary()
    return list(store.map_points(now, boundary, after=after, limit=limit))


def read_map_details(store: LocalStore, clock: DeadlineClock, number: str) -> Any:
    """On the worker: one report with its text, as the map's popup shows it (None if it is gone)."""
    report = store.get_report(number)
    if report is None:
        return None
    now, boundary = clock.now_and_boundary()
    pending = any(entry.report_number == number for entry in store.pending_actions())
    return map_row_of(report, now, boundary, pending)


def map_row_of(report: Report, now: datetime, boundary: datetime, pending: bool) -> Any:
    """One report, read in full, as the map shows it."""
    from ioc_console.gui.map.data import MapReport

    location = report.location
    return MapReport(
        number=report.number,
        lat=location.lat,
        lon=location.lon,
        status=report.status,
        deadline_state=deadline_state(report.due_at, now, boundary, report.status.is_terminal),
        category=report.category,
        description=report.description,
        title=report.title,
        address=location.address,
        pending=pending,
    )


def read_changed_rows(
    store: LocalStore, clock: DeadlineClock, numbers: Sequence[str]
) -> tuple[list[Any], list[str]]:
    """On the worker: the map rows of ``numbers`` as the store holds them now, and those gone."""
    now, boundary = clock.now_and_boundary()
    waiting = {entry.report_number for entry in store.pending_actions()}
    found: list[Any] = []
    gone: list[str] = []
    for number in dict.fromkeys(numbers):
        report = store.get_report(number)
        if report is None:
            gone.append(number)
        else:
            found.append(map_row_of(report, now, boundary, number in waiting))
    return found, gone


def is_unfiltered(f: QueueFilter) -> bool:
    """Whether the queue's filter shows every report (its order aside)."""
    plain = QueueFilter()
    return replace(f, sort=plain.sort, descending=plain.descending) == plain


# -- the workspace ---------------------------------------------------------------------------------------


class Workspace(QObject):
    """The operator's workspace in the main window (see the module's notes).

    Signals:
        map_loaded(int): the map has drawn its full set of reports (how many).
        map_followed(int): the map was given the changes of a :meth:`follow` (its sequence number).
        enqueued(): an action or a typed-in call was written to the outbox.
        intake_opened(object): the hotline intake form just opened.
    """

    map_loaded = Signal(int)
    map_followed = Signal(int)
    enqueued = Signal()
    intake_opened = Signal(object)

    def __init__(
        self,
        window: MainWindow,
        store: LocalStore,
        jurisdiction: Jurisdiction,
        names: Names,
        clock: DeadlineClock,
        executor: DatabaseExecutor,
        actor: Actor,
        *,
        source_text: str = "",
        words: QueueWords | None = None,
        on_enqueued: Callable[[], object] | None = None,
        on_released: Callable[[list[str]], object] | None = None,
        with_map: bool | None = None,
        map_config: MapConfig | None = None,
        cache_dir: Path | None = None,
        photo_source: PhotoSource | None = None,
        notify: Callable[[str, str], None] | None = None,
        watch_ms: int = WATCH_MS,
        undo_seconds: float = UNDO_SECONDS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.jurisdiction = jurisdiction
        self.names = names
        self.clock = clock
        self.executor = executor
        self.actor = actor
        self._on_enqueued = on_enqueued
        self._on_released = on_released
        self._cache_dir = cache_dir
        self._map_config = map_config
        self._closed = False
        self._map_generation = 0
        self._filter_generation = 0
        self._map_wanted = window.with_map if with_map is None else with_map
        self.map: MapWidget | None = None
        self.intake: IntakeDialog | None = None
        #: Whether the hub answers now (None: no hub, the demo on this machine alone); said when a
        #: call is saved, since its number comes from the hub.
        self.hub_reachable: bool | None = None
        #: Provisional numbers of calls typed in here that the hub has not numbered yet.
        self._awaiting_numbers: set[str] = set()

        # 1. The queue and the details, over a source that marks pending actions.
        themes = window.themes
        self.look = ThemedLook(dark=themes.is_dark() if themes is not None else False)
        self.source = PendingQueueSource(
            store,
            names,
            clock,
            words,
            pending=self.tr("chờ gửi"),
            pending_tip=self.tr("Thao tác đang chờ gửi lên máy chủ"),
        )
        window.show_workspace(self.source, names, clock, self.look, source_text)
        view = window.queue_view
        assert view is not None and window.queue_model is not None
        view.setAccessibleName(self.tr("Danh sách phản ánh"))

        # 2. Actions, taken locally and pending until the hub has them; drag from the queue.
        self.service = ActionService(
            store, jurisdiction, executor, actor, clock, names, undo_seconds=undo_seconds, parent=self
        )
        self.drag_starter = enable_report_drag(view)

        # 3. The agency panel, the drop target; its undo bar goes under the queue, for every action.
        self.panel = AgencyPanel(self.service, names, clock, self.look)
        self.undo_bar = self.panel.undo_bar
        window.add_footer(self.undo_bar)

        # 4. The map dock (the page itself is made once the queue is on screen).
        self.map_dock = None
        if self._map_wanted:
            holder = QWidget()
            holder.setObjectName("map_holder")
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._map_placeholder = QLabel(self.tr("Đang mở bản đồ…"), holder)
            self._map_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            holder.layout().addWidget(self._map_placeholder)
            self.map_dock = window.add_dock("map_dock", self.tr("Bản đồ phản ánh"), holder)
        self.agency_dock = window.add_dock("agency_dock", self.tr("Đơn vị xử lý"), self.panel)
        if self.map_dock is not None:
            window.splitDockWidget(self.map_dock, self.agency_dock, Qt.Orientation.Vertical)
        self._size_docks()
        window.restore_layout()

        # 5. Forwarding from the keyboard (F6) and the hotline intake (Ctrl+N).
        self.assign = AssignController(self.service, lambda: selected_report_numbers(view), window)
        window.add_report_action(self.assign.action)
        self.intake_action = QAction(self.tr("&Tiếp nhận cuộc gọi đường dây nóng…"), window)
        self.intake_action.setObjectName("intake_action")
        self.intake_action.setShortcut(INTAKE_SHORTCUT)
        self.intake_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.intake_action.setToolTip(self.tr("Ghi một cuộc gọi của người dân thành phản ánh mới (Ctrl+N)"))
        self.intake_action.triggered.connect(self.open_intake)
        window.add_report_action(self.intake_action)

        # 6. Triage around the details: the actions' toolbar, photos, suggested duplicates.
        self.triage = TriageController(
            self.service,
            TriageContext(names, clock, actor),
            load_report=self._load_report,
            parent_widget=window,
            parent=self,
        )
        self.photos = PhotoLoader(
            photo_source or _demo_photos(),
            PhotoCache(cache_dir / "photos") if cache_dir is not None else None,
            parent=self,
        )
        self.finder = DuplicateFinder(store, jurisdiction, executor, parent=self)
        self.workbench = ReportWorkbench(self.triage, self.finder, self.photos, self)
        window.attach_triage(self.workbench.bar, self.workbench.extras)
        self.workbench.bar.forward_requested.connect(self._on_bar_forward_requested)

        # 7. Flags: the title's counts, notifications, restyling when deadlines pass.
        self.watcher = FlagWatcher(store, clock, executor, watch_ms, self)
        self.notifier = Notifier(notify if notify is not None else TrayPresenter(window), parent=self)
        self.sound = SoundAlert(cache_dir / "sounds" if cache_dir is not None else None, parent=self)

        # 8. The wiring.
        window.report_displayed.connect(self.workbench.show_report)
        window.default_layout_wanted.connect(self._size_docks)
        window.report_selected.connect(self._on_window_report_selected)
        window.queue_ready.connect(self._on_window_queue_ready)
        window.theme_applied.connect(self._on_window_theme_applied)
        window.closing.connect(self.close)
        window.queue_model.loading_started.connect(self._on_queue_loading_started)
        self.workbench.open_requested.connect(window.show_number)
        self.service.reports_changed.connect(self._on_service_reports_changed)
        self.service.actions_performed.connect(self._on_service_actions_performed)
        self.service.actions_released.connect(self._on_service_actions_released)
        self.service.action_refused.connect(self._on_service_action_refused)
        self.service.failed.connect(self._on_service_failed)
        self.assign.hint.connect(self._show_status)
        self.triage.refused.connect(self._show_status)
        self.triage.relocating.connect(self._on_triage_relocating)
        self.panel.agency_activated.connect(self._on_panel_agency_activated)
        self.watcher.snapshot_taken.connect(self._on_watcher_snapshot_taken)
        self.watcher.flags_raised.connect(self._on_watcher_flags_raised)

        # 9. Times to call citizens back, set in the hotline intake.
        self.callbacks = CallbackReminders(window.settings, clock.now, parent=self)
        self.callbacks.due.connect(self._on_callback_due)
        self.callback_box: QMessageBox | None = None

        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(RECOUNT_MS)
        self._recount.timeout.connect(self.panel.refresh)
        self.panel.refresh()
        self.watcher.start()

    # -- layout ----------------------------------------------------------------------------------------

    def _size_docks(self) -> None:
        window = self.window
        width = max(window.width(), 1000)
        share = (0.34 if width >= 1600 else 0.31) if self.map_dock is not None else 0.25
        side = max(self.panel.sizeHint().width(), int(width * share))
        window.resizeDocks([self.agency_dock], [side], Qt.Orientation.Horizontal)
        if self.map_dock is not None:
            height = max(window.height(), 600)
            window.resizeDocks(
                [self.map_dock, self.agency_dock],
                [int(height * 0.58), int(height * 0.42)],
                Qt.Orientation.Vertical,
            )

    # -- the map -----------------------------------------------------------------------------------------

    @Slot()
    def _on_window_queue_ready(self) -> None:
        self.window.queue_ready.disconnect(self._on_window_queue_ready)
        if self._map_wanted and self.map is None and not self._closed:
            # After the queue's first paint: building the page and reading every report take a while.
            QTimer.singleShot(0, self, self._create_map)

    def _create_map(self) -> None:
        if self._closed or self.map_dock is None:
            return
        from ioc_console.gui.map import MapConfig, MapWidget

        config = self._map_config
        if config is None:
            cache = self._cache_dir / "map" if self._cache_dir is not None else None
            config = MapConfig(cache_dir=cache)
        holder = self.map_dock.widget()
        widget = MapWidget(config, lang=self.names.lang, when=self.names.when, parent=holder)
        widget.setObjectName("map")
        widget.setAccessibleName(self.tr("Bản đồ phản ánh"))
        self._map_placeholder.hide()
        holder.layout().addWidget(widget)
        self.map = widget
        widget.set_units(self.jurisdiction)
        widget.report_clicked.connect(self._on_map_report_clicked)
        widget.map_clicked.connect(self._on_map_clicked)
        widget.marker_moved.connect(self._on_map_marker_moved)
        widget.reports_loaded.connect(self.map_loaded)
        widget.details_wanted.connect(self._on_map_details_wanted)
        self.reload_map()
        self._on_queue_loading_started()

    def use_basemap(self, basemap: HubBasemap) -> None:
        """Show the hub's basemap: the map is made with it (made again if it is already shown)."""
        from ioc_console.gui.map import MapConfig

        config = self._map_config
        if config is None:
            cache = self._cache_dir / "map" if self._cache_dir is not None else None
            config = MapConfig(cache_dir=cache)
        self._map_config = replace(config, hub_basemap=basemap)
        old = self.map
        if old is None or self._closed:
            return
        self.map = None
        old.dispose()
        old.setParent(None)
        old.deleteLater()
        self._create_map()

    def reload_map(self) -> None:
        """Read every report and give the map its full set (at start; after a very large change)."""
        if self.map is None or self.executor.closed:
            return
        self._map_generation += 1
        self._read_map_part(self._map_generation, 0)

    def _read_map_part(self, generation: int, after: int) -> None:
        # The map's columns only, in parts: the page takes one while the worker reads the next.
        if self._closed or self.executor.closed or generation != self._map_generation:
            return
        store, clock, limit = self.store, self.clock, MAP_PART
        Op(lambda: read_map_part(store, clock, after, limit), self).on_success(
            lambda rows: self._on_map_part(generation, after, rows)
        ).on_failure(lambda error: log.error("reading the map's reports failed", exc_info=error)).run(
            self.executor
        )

    def _on_map_part(self, generation: int, after: int, rows: list[Any]) -> None:
        if self.map is None or generation != self._map_generation:
            return
        if after == 0:
            self.map.begin_reports()
        more = len(rows) >= MAP_PART
        if more:  # the worker reads the next part while this one is encoded and sent
            self._read_map_part(generation, rows[-1].row)
        self.map.add_reports(rows)
        if not more:
            self.map.end_reports()
            self._reselect_on_map()

    @Slot(str)
    def _on_map_details_wanted(self, number: str) -> None:
        if self._closed or self.executor.closed:
            return
        store, clock = self.store, self.clock

        def give(row: Any) -> None:
            if row is not None and self.map is not None:
                self.map.give_details(row)

        Op(lambda: read_map_details(store, clock, number), self).on_success(give).on_failure(
            lambda error: log.error("reading a report's text for the map failed", exc_info=error)
        ).run(self.executor)

    def _reselect_on_map(self) -> None:
        if self.map is None:
            return
        current = self.window.queue_view.selectionModel().selectedRows() if self.window.queue_view else []
        if current:
            number = self.window.queue_model.data(current[0], NumberRole)
            if number:
                self.map.select(str(number), pan=False)

    @Slot(list)
    def follow(self, numbers: list[str]) -> None:
        """These reports changed in the store (the sync, an action): show them as they are now.

        The map is told report by report (no reload), the agency counts are counted again; the
        queue is refreshed by whoever changed the store (the console after a sync, or here after an
        action).
        """
        if self._closed or not numbers:
            return
        if self.map is not None and not self.executor.closed:
            if len(numbers) > FOLLOW_LIMIT:
                self.reload_map()
            else:
                store, clock, wanted = self.store, self.clock, list(numbers)
                Op(lambda: read_changed_rows(store, clock, wanted), self).on_success(
                    self._on_changed_rows
                ).on_failure(
                    lambda error: log.error("reading changed reports for the map failed", exc_info=error)
                ).run(self.executor)
        # Counting every agency's reports takes the worker a second at 200,000: once the changes
        # settle, so that the next change's map read is not queued behind a count.
        self._recount.start()

    def _on_changed_rows(self, result: tuple[list[Any], list[str]]) -> None:
        if self.map is None:
            return
        found, gone = result
        seq = 0
        if found:
            seq = self.map.update_reports(found)
        if gone:
            seq = self.map.remove_reports(gone)
        if seq:
            self.map_followed.emit(seq)

    @Slot()
    def _on_queue_loading_started(self) -> None:
        """The queue's filter changed: the map shows the same reports."""
        if self.map is None or self.window.queue_model is None:
            return
        wanted = self.window.queue_model.filter
        self._filter_generation += 1
        generation = self._filter_generation
        if is_unfiltered(wanted):
            self.map.set_visible(None)
            return
        source, clock, store = self.source, self.clock, self.store

        def numbers() -> list[str]:
            now, boundary = clock.now_and_boundary()
            return store.numbers(source.query_for(wanted, now, boundary))

        Op(numbers, self).on_success(lambda found: self._on_filter_numbers(generation, found)).on_failure(
            lambda error: log.error("filtering the map failed", exc_info=error)
        ).run(self.executor)

    def _on_filter_numbers(self, generation: int, numbers: list[str]) -> None:
        if self.map is not None and generation == self._filter_generation:
            self.map.set_visible(numbers)

    @Slot(str)
    def _on_window_report_selected(self, number: str) -> None:
        if self.map is not None:
            self.map.select(number)

    @Slot(str)
    def _on_map_report_clicked(self, number: str) -> None:
        self.window.show_number(number)

    @Slot(float, float)
    def _on_map_clicked(self, lat: float, lon: float) -> None:
        if self.intake is not None:
            self.intake.set_point(lat, lon)
            if self.map is not None:
                self.map.show_pin(lat, lon)
        self.triage.set_point(lat, lon)

    @Slot(str, float, float)
    def _on_map_marker_moved(self, _number: str, lat: float, lon: float) -> None:
        self.triage.set_point(lat, lon)

    @Slot(object)
    def _on_triage_relocating(self, dialog: object) -> None:
        if self.map is None:
            return
        if isinstance(dialog, RelocateDialog):
            self.map.set_pick_mode(True)
            self.map.begin_move(dialog.target().number)
            self.map_dock.raise_()
        else:
            self.map.end_move()
            self.map.set_pick_mode(self.intake is not None)

    # -- actions -------------------------------------------------------------------------------------------

    def _load_report(self, number: str, callback: Callable[[Report | None], None]) -> None:
        store = self.store
        Op(lambda: store.get_report(number), self).on_success(callback).on_failure(
            lambda error: log.error("reading report %s failed", number, exc_info=error)
        ).run(self.executor)

    @Slot(list)
    def _on_service_reports_changed(self, numbers: list[str]) -> None:
        self.window.refresh()
        self.follow(numbers)

    @Slot(list)
    def _on_service_actions_performed(self, _numbers: list[str]) -> None:
        self._enqueued()

    def _enqueued(self) -> None:
        self.enqueued.emit()
        if self._on_enqueued is not None:
            try:
                self._on_enqueued()
            except Exception:
                log.exception("asking the sync to send failed")

    @Slot(list)
    def _on_service_actions_released(self, numbers: list[str]) -> None:
        if self._on_released is not None:
            try:
                self._on_released(list(numbers))
            except Exception:
                log.exception("releasing held actions failed")

    @Slot(str, str)
    def _on_service_action_refused(self, number: str, text: str) -> None:
        self._show_status(f"{number}: {text}")

    @Slot(str)
    def _on_service_failed(self, text: str) -> None:
        self.window.show_warning(self.tr("Không ghi được thao tác"), text)

    @Slot(str)
    def _show_status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15_000)

    @Slot(str)
    def _on_panel_agency_activated(self, code: str) -> None:
        bar = self.window.filter_bar
        if bar is not None:
            index = bar.agency.findData(code)
            if index >= 0:
                bar.agency.setCurrentIndex(index)

    # -- hotline intake ------------------------------------------------------------------------------------

    @Slot()
    def open_intake(self) -> IntakeDialog:
        """The intake form (one at a time; a second Ctrl+N brings the open one forward)."""
        if self.intake is not None:
            self.intake.raise_()
            self.intake.activateWindow()
            return self.intake
        finder = DuplicateFinder(self.store, self.jurisdiction, self.executor)
        dialog = IntakeDialog(
            self.names, self.clock, self.actor, self.store, self.executor, finder=finder, parent=self.window
        )
        finder.setParent(dialog)
        dialog.setObjectName("intake_dialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.report_saved.connect(self._on_intake_report_saved)
        dialog.callback_wanted.connect(self.callbacks.add)
        dialog.open_report_requested.connect(self.window.show_number)
        dialog.finished.connect(lambda _result, d=dialog: self._on_intake_finished(d))
        self.intake = dialog
        if self.map is not None:
            self.map.set_pick_mode(True)
        dialog.show()
        self.intake_opened.emit(dialog)
        return dialog

    @Slot(str)
    def _on_bar_forward_requested(self, number: str) -> None:
        # The report shown is the one selected in the queue: the forwarding dialog takes the selection.
        if selected_report_numbers(self.window.queue_view) != [number]:  # type: ignore[arg-type]
            self.window.show_number(number)
        self.assign.start()

    @Slot(str)
    def _on_intake_report_saved(self, number: str) -> None:
        self._enqueued()
        self.window.show_arrivals()  # typed in here: shown at once, not behind the new-reports bar
        self.window.refresh()
        self.follow([number])
        self.window.select_report(number)
        if self.map is not None:
            self.map.select(number)
        # The number read to the caller is the hub's; until it comes, say so (never the provisional one).
        self._awaiting_numbers.add(number)
        if self.hub_reachable:
            text = self.tr("Đã ghi nhận cuộc gọi; đang chờ máy chủ IOC cấp số phản ánh…")
        else:
            text = self.tr(
                "Đã ghi nhận cuộc gọi khi chưa kết nối được máy chủ IOC: số phản ánh sẽ có khi kết nối lại, "
                "và sẽ hiện ở đây."
            )
        self.window.statusBar().showMessage(text)

    def report_numbered(self, provisional: str, number: str) -> None:
        """The hub took in a report typed in here and gave it ``number``: tell the operator, who may
        still have the caller on the line or call them back with it."""
        self.callbacks.rename(provisional, number)
        if provisional not in self._awaiting_numbers:
            return
        self._awaiting_numbers.discard(provisional)
        self.window.statusBar().showMessage(
            self.tr("Cuộc gọi đã có số phản ánh: %1 (đọc số này cho người gọi).").replace("%1", number)
        )

    @Slot(str, object)
    def _on_callback_due(self, number: str, at: object) -> None:
        """Time to call a citizen back: say who, at which number, about which report."""
        self._load_report(number, lambda report: self._show_callback(number, at, report))

    def _show_callback(self, number: str, at: object, report: Report | None) -> None:
        if self._closed:
            return
        who = ""
        if report is not None:
            who = " — ".join(p for p in (report.contact.name, report.contact.phone) if p)
        shown = self.tr("(chờ máy chủ IOC cấp số)") if is_provisional(number) else number
        when = self.names.when(at) if isinstance(at, datetime) else ""
        text = (
            self.tr("Đến giờ gọi lại cho người phản ánh %1 về phản ánh %2 (hẹn lúc %3).")
            .replace("%1", who or self.tr("(không để lại liên hệ)"))
            .replace("%2", shown)
            .replace("%3", when)
        )
        if self.callback_box is not None:
            self.callback_box.close()
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Đến giờ gọi lại"), text, parent=self.window)
        box.setObjectName("callback_box")
        box.setTextFormat(Qt.TextFormat.PlainText)  # the citizen's name is theirs: plain text
        open_button = box.addButton(self.tr("&Mở phản ánh"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Đó&ng"), QMessageBox.ButtonRole.RejectRole)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen(button: object) -> None:
            self.callback_box = None
            if button is open_button:
                self.window.show_number(number)

        box.buttonClicked.connect(chosen)
        self.callback_box = box
        box.show()
        self.window.statusBar().showMessage(text, 60_000)

    def _on_intake_finished(self, dialog: IntakeDialog) -> None:
        if self.intake is dialog:
            self.intake = None
        if self.map is not None and not self._closed:
            self.map.show_pin(None, None)
            self.map.set_pick_mode(False)

    # -- flags ---------------------------------------------------------------------------------------------

    @Slot(object)
    def _on_watcher_snapshot_taken(self, snapshot: FlagSnapshot) -> None:
        self.window.set_title_counts(snapshot.overdue_count, snapshot.due_soon_count)

    @Slot(object)
    def _on_watcher_flags_raised(self, change: FlagChange) -> None:
        self.notifier.add(change)
        if self.window.sound_action.isChecked():
            self.sound.play()
        if change.overdue:
            # The clock passed their deadlines: the queue, the map and the counts say so now.
            self.window.refresh()
            self.follow(list(change.overdue))

    # -- looks and end -------------------------------------------------------------------------------------

    @Slot(str, bool)
    def _on_window_theme_applied(self, _theme: str, dark: bool) -> None:
        self.look.dark = dark
        for widget in (self.window.queue_view, self.panel.view):
            if widget is not None:
                widget.viewport().update()
        if self.window.detail is not None and self.window.detail.report is not None:
            self.window.detail.show_report(self.window.detail.report)

    @Slot()
    def close(self) -> None:
        """The window is closing: end the undo offers (their actions may go), stop the watchers."""
        if self._closed:
            return
        self._closed = True
        self.watcher.stop()
        self.callbacks.stop()
        self.service.release_all()
        self.photos.shutdown()
        if self.intake is not None:
            self.intake.done(0)
        if self.map is not None:
            self.map.dispose()


def _demo_photos() -> PhotoSource:
    from ioc_console.demo.photos import demo_photo_for

    return demo_photo_for


def build_workspace(
    window: MainWindow,
    store: LocalStore,
    jurisdiction: Jurisdiction,
    names: Names,
    clock: DeadlineClock,
    executor: DatabaseExecutor,
    *,
    actor: Actor,
    on_enqueued: Callable[[], object] | None = None,
    on_released: Callable[[list[str]], object] | None = None,
    **options: Any,
) -> Workspace:
    """Show the data in ``window`` with the whole workspace (see :class:`Workspace` for ``options``)."""
    return Workspace(
        window,
        store,
        jurisdiction,
        names,
        clock,
        executor,
        actor,
        on_enqueued=on_enqueued,
        on_released=on_released,
        **options,
    )


__all__ = [
    "INTAKE_SHORTCUT",
    "PendingQueueSource",
    "Workspace",
    "build_workspace",
    "is_unfiltered",
    "map_row_of",
    "read_changed_rows",
    "read_map_details",
    "read_map_part",
    "read_map_rows",
]

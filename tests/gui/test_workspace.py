"""The operator's workspace in the real main window: drag to forward, refusals, undo, F6, hotline
intake, overdue flags, palettes and the layout kept between runs (the map's own tests, with a real
QtWebEngine page, are in test_workspace_map.py)."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QWidget

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import DeadlineState, compute_deadlines
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Action, Actor, Channel, Role, Status
from ioc_console.domain.report import Contact, Event, Location, Report
from ioc_console.store import LocalStore, ReportQuery

from ioc_console.gui.agency_panel import numbers_from_mime
from ioc_console.gui.app import SETTINGS_FILE
from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.main_window import MainWindow
from ioc_console.gui.operations import DatabaseExecutor
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.queue_model import NumberRole
from ioc_console.gui.queue_source import COLUMNS, QueueFilter
from ioc_console.gui.theme import palette_is_dark
from ioc_console.gui.workspace import Workspace

#: The conftest's instant (the demo history is generated as it stood then).
NOW = datetime(2026, 11, 27, 10, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

OPERATOR = Actor("ioc.binh", Role.OPERATOR)
TIMEOUT = 15_000
TRAFFIC = ("PA-T-1", "PA-T-2", "PA-T-3")
STATUS = COLUMNS.index("status")
DEADLINE = COLUMNS.index("deadline")


def new_report(
    j: Jurisdiction, number: str, category: str, unit: str, minutes: int, text: str = ""
) -> Report:
    received = NOW - timedelta(minutes=minutes)
    place = j.units[unit]
    report = Report(
        number=number,
        channel=Channel.ZALO,
        category=category,
        description=text or "Mô tả của người dân",
        location=Location(place.lat, place.lon, "Đường Thống Nhất", unit),
        received_at=received,
        contact=Contact("Phạm Thị Dung", "0912345678"),
        stage_started_at=received,
        updated_at=received,
    )
    report.history.append(Event(1, received, "Zalo OA", Role.CHANNEL, Action.SUBMIT, None, Status.NEW, {}))
    report.due_at, report.stage_due_at = compute_deadlines(
        report, WorkingCalendar.for_jurisdiction(j), j.policy
    )
    return report


def shot(widget: QWidget, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    assert widget.grab().save(str(path))
    extra = os.environ.get("IOC_CONSOLE_SHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(extra) / name)
    return path


class Integrated:
    """The main window with its whole workspace over a copy of the demo store, as the console
    builds it; the clock is the test's to move."""

    def __init__(self, qtbot, data_dir: Path, jurisdiction: Jurisdiction, now: list, **options) -> None:
        self.data_dir = data_dir
        self.jurisdiction = jurisdiction
        self.now = now
        self.settings = QSettings(str(data_dir / SETTINGS_FILE), QSettings.Format.IniFormat)
        self.executor = DatabaseExecutor()
        self.store = LocalStore.open(data_dir / DEMO_STORE_NAME)
        self.names = Names(jurisdiction, "vi")
        self.clock = DeadlineClock(jurisdiction, lambda: self.now[0])
        self.notes: list[tuple[str, str]] = []
        self.enqueued: list[int] = []
        self.released: list[list[str]] = []
        self.drags: list[QDrag] = []
        self.window = MainWindow(self.settings, self.executor, "vi", with_map=options.pop("with_map", False))
        self.window.resize(*options.pop("size", (1366, 768)))
        self.window.show()
        with qtbot.waitSignal(self.window.queue_ready, timeout=TIMEOUT):
            self.ws = Workspace(
                self.window,
                self.store,
                jurisdiction,
                self.names,
                self.clock,
                self.executor,
                OPERATOR,
                cache_dir=data_dir / "cache",
                notify=lambda title, text: self.notes.append((title, text)),
                on_enqueued=lambda: self.enqueued.append(1),
                on_released=self.released.append,
                undo_seconds=30,
                **options,
            )
        # QDrag.exec runs its own loop until a real mouse lets go: the test takes the drag the
        # queue started and delivers it to the agency panel as the drop target would receive it.
        self.ws.drag_starter.exec_drag = self._capture_drag
        self._closed = False

    def _capture_drag(self, drag: QDrag) -> Qt.DropAction:
        self.drags.append(drag)
        return Qt.DropAction.IgnoreAction

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.window.close()
        self.executor.shutdown()
        self.store.close()
        self.window.deleteLater()

    # -- the queue --------------------------------------------------------------------------------------

    def show_queue(self, qtbot, **choices) -> list[str]:
        model = self.window.queue_model
        with qtbot.waitSignal(self.window.queue_ready, timeout=TIMEOUT):
            model.set_filter(QueueFilter(**choices))
        return [model.index(r, 0).data(NumberRole) for r in range(model.rowCount())]

    def row_of(self, number: str) -> int:
        row = self.window.queue_model.row_of(number)
        assert row is not None, number
        return row

    def select(self, qtbot, numbers: list[str]) -> None:
        """Click the first, Ctrl+click the others: a real multiple selection in the view."""
        view = self.window.queue_view
        for i, number in enumerate(numbers):
            rect = view.visualRect(self.window.queue_model.index(self.row_of(number), 1))
            modifier = Qt.KeyboardModifier.ControlModifier if i else Qt.KeyboardModifier.NoModifier
            QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
        qtbot.wait(20)

    def cell(self, number: str, column: int) -> str:
        return self.window.queue_model.index(self.row_of(number), column).data()

    def drag_from_queue(self, number: str):
        """Press on a selected row and move: the drag the view itself starts."""
        view = self.window.queue_view
        viewport = view.viewport()
        start = view.visualRect(self.window.queue_model.index(self.row_of(number), 1)).center()
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        before = len(self.drags)
        step = 1
        while len(self.drags) == before and step < 40:
            QTest.mouseMove(viewport, start + QPoint(0, step))
            step += 1
        assert len(self.drags) == before + 1, "moving on a selected row starts one drag"
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        return self.drags[-1].mimeData()

    # -- the agency panel ---------------------------------------------------------------------------------

    def point_of(self, code: str) -> QPointF:
        panel = self.ws.panel
        index = panel.model.index_of(code)
        panel.view.expand(index.parent())
        panel.view.scrollTo(index)
        return QPointF(panel.view.visualRect(index).center())

    def drop_on(self, qtbot, mime, code: str) -> QDropEvent:
        viewport = self.ws.panel.view.viewport()
        point = self.point_of(code)
        buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        with qtbot.waitSignal(self.ws.panel.suggestion_shown, timeout=TIMEOUT):
            QApplication.sendEvent(
                viewport, QDragEnterEvent(point.toPoint(), Qt.DropAction.CopyAction, mime, buttons, keys)
            )
        QApplication.sendEvent(
            viewport, QDragMoveEvent(point.toPoint(), Qt.DropAction.CopyAction, mime, buttons, keys)
        )
        drop = QDropEvent(point, Qt.DropAction.CopyAction, mime, buttons, keys)
        QApplication.sendEvent(viewport, drop)
        return drop


@pytest.fixture
def integrated(qtbot, demo_data_dir: Path, jurisdiction: Jurisdiction):
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    store.upsert_reports(
        [
            new_report(jurisdiction, "PA-T-1", "traffic-safety", "22747", 50),
            new_report(jurisdiction, "PA-T-2", "traffic-safety", "22810", 40),
            new_report(jurisdiction, "PA-T-3", "traffic-safety", "22873", 30),
            new_report(jurisdiction, "PA-C-1", "construction", "22747", 20),
        ]
    )
    store.close()
    opened: list[Integrated] = []

    def open_window(**options) -> Integrated:
        window = Integrated(qtbot, demo_data_dir, jurisdiction, [NOW], **options)
        opened.append(window)
        return window

    yield open_window
    for window in opened:
        window.close()


def test_dragging_several_rows_onto_an_agency_forwards_them_as_pending(qtbot, integrated, tmp_path) -> None:
    w = integrated()
    numbers = w.show_queue(qtbot, statuses=frozenset({Status.NEW}), sort="number", descending=False)
    assert set(TRAFFIC) <= set(numbers)
    w.select(qtbot, list(TRAFFIC))
    mime = w.drag_from_queue("PA-T-2")
    assert numbers_from_mime(mime) == list(TRAFFIC)

    w.drop_on(qtbot, mime, "so-gtvt")
    dialog = w.ws.panel.note_dialog
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(w.ws.service.request_finished, timeout=TIMEOUT) as finished:
        QTest.keyClick(dialog.note_edit, Qt.Key.Key_Return)
    assert finished.args[0].numbers == TRAFFIC

    # Written locally with its outbox entry, pending until the hub has it, and the sync was told.
    outbox = w.store.pending_actions()
    assert [(e.report_number, e.action, e.payload["agency"]) for e in outbox] == [
        (n, Action.FORWARD, "so-gtvt") for n in TRAFFIC
    ]
    assert w.enqueued
    # The queue says so: the reports left the "new" filter; shown with every status they read pending.
    qtbot.waitUntil(lambda: w.window.queue_model.row_of("PA-T-1") is None, timeout=TIMEOUT)
    w.show_queue(qtbot, text="PA-T", sort="number", descending=True)
    for number in TRAFFIC:
        assert w.cell(number, STATUS) == "Đã chuyển xử lý · chờ gửi"
    assert w.cell("PA-C-1", STATUS) == "Mới tiếp nhận"
    # The undo is offered under the queue, whichever dock is open.
    bar = w.ws.undo_bar
    assert bar.isVisible() and bar.parentWidget() is not w.ws.panel
    assert bar.label.text() == "Đã chuyển 3 phản ánh cho Sở GTVT"
    qtbot.waitUntil(lambda: w.ws.panel.model.counts("so-gtvt").forwarded >= 3, timeout=TIMEOUT)
    shot(w.window, tmp_path, "workspace-after-drop.png")


def test_a_refused_drop_says_why_and_changes_nothing(qtbot, integrated) -> None:
    w = integrated()
    closed = w.store.numbers(ReportQuery(statuses={Status.CLOSED}, limit=1))[0]
    before = w.store.get_report(closed)
    assert w.show_queue(qtbot, text=closed) == [closed]
    w.select(qtbot, [closed])
    mime = w.drag_from_queue(closed)
    w.drop_on(qtbot, mime, "so-xd")
    assert w.ws.panel.note_dialog is None
    message = w.ws.panel.message
    assert message.isVisible() and message.kind == "error"
    assert message.text == (
        f"Không thể chuyển cho Sở Xây dựng:\n{closed}: "
        "Không thể chuyển xử lý khi phản ánh đang ở trạng thái «Đã phản hồi»."
    )
    qtbot.wait(100)
    assert w.store.get_report(closed) == before
    assert w.store.pending_actions() == [] and not w.enqueued


def test_ctrl_z_takes_the_forward_back(qtbot, integrated) -> None:
    w = integrated()
    w.show_queue(qtbot, text="PA-T", sort="number", descending=True)
    before = {n: w.store.get_report(n) for n in TRAFFIC}
    w.select(qtbot, list(TRAFFIC))
    w.drop_on(qtbot, w.drag_from_queue("PA-T-1"), "so-gtvt")
    with qtbot.waitSignal(w.ws.service.request_finished, timeout=TIMEOUT):
        QTest.keyClick(w.ws.panel.note_dialog.note_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.cell("PA-T-1", STATUS).endswith("chờ gửi"), timeout=TIMEOUT)
    w.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w.window, timeout=TIMEOUT)
    w.window.queue_view.setFocus()
    with qtbot.waitSignal(w.ws.service.undo_finished, timeout=TIMEOUT):
        QTest.keyClick(w.window.queue_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.ws.undo_bar.label.text() == "Đã hoàn tác: 3 phản ánh trở lại như trước."
    for number in TRAFFIC:
        assert w.store.get_report(number) == before[number]
    assert w.store.pending_actions() == []
    qtbot.waitUntil(lambda: w.cell("PA-T-1", STATUS) == "Mới tiếp nhận", timeout=TIMEOUT)
    assert not w.released  # taken back, so never released to the sync


def test_f6_forwards_the_selection_from_the_keyboard(qtbot, integrated) -> None:
    w = integrated()
    w.show_queue(qtbot, text="PA-T", sort="number", descending=True)
    w.select(qtbot, ["PA-T-1", "PA-T-3"])
    w.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w.window, timeout=TIMEOUT)
    w.window.queue_view.setFocus()
    with qtbot.waitSignal(w.ws.assign.dialog_opened, timeout=TIMEOUT) as opened:
        QTest.keyClick(w.window.queue_view, Qt.Key.Key_F6)
    dialog = opened.args[0]
    assert dialog.chosen() == "so-gtvt"  # the routing rules' suggestion, already chosen
    with qtbot.waitSignal(w.ws.service.request_finished, timeout=TIMEOUT) as finished:
        dialog.accept()
    assert finished.args[0].numbers == ("PA-T-3", "PA-T-1")  # top to bottom
    qtbot.waitUntil(lambda: w.cell("PA-T-3", STATUS) == "Đã chuyển xử lý · chờ gửi", timeout=TIMEOUT)
    assert w.cell("PA-T-2", STATUS) == "Mới tiếp nhận"


def test_the_overdue_flag_appears_when_the_clock_passes_a_deadline(qtbot, integrated, jurisdiction) -> None:
    w = integrated()
    due = w.store.get_report("PA-T-1").due_at
    assert due is not None and due > NOW
    qtbot.waitUntil(lambda: w.ws.watcher.last is not None, timeout=TIMEOUT)
    overdue_before = w.ws.watcher.last.overdue_count
    assert w.window.windowTitle().startswith(f"{overdue_before} quá hạn")
    w.show_queue(qtbot, text="PA-T-1")
    assert "Quá hạn" not in w.cell("PA-T-1", DEADLINE)

    w.now[0] = due + timedelta(minutes=1)
    with qtbot.waitSignal(w.ws.watcher.flags_raised, timeout=TIMEOUT) as raised:
        w.ws.watcher.check()
    assert "PA-T-1" in raised.args[0].overdue
    now, boundary = w.clock.now_and_boundary()
    overdue = w.store.deadline_counts(ReportQuery(), now, boundary)[DeadlineState.OVERDUE]
    assert overdue > overdue_before
    # In the title (counts first, for the taskbar), in the queue, in a notification.
    assert w.window.windowTitle().startswith(f"{overdue} quá hạn")
    assert w.window.windowTitle().endswith("Phản ánh hiện trường — IOC Console")
    qtbot.waitUntil(lambda: w.cell("PA-T-1", DEADLINE).endswith("Quá hạn"), timeout=TIMEOUT)
    assert w.notes and "vừa quá hạn" in w.notes[-1][1]


def test_hotline_intake_from_the_menu_becomes_a_pending_report(qtbot, integrated) -> None:
    w = integrated()
    assert w.ws.intake_action in w.window.report_menu.actions()
    assert w.ws.intake_action.shortcut().toString() == "Ctrl+N"
    with qtbot.waitSignal(w.ws.intake_opened, timeout=TIMEOUT) as opened:
        w.ws.intake_action.trigger()
    form = opened.args[0]
    ui = form.ui
    ui.caller_edit.setText("Lê Thị Mai")
    ui.phone_edit.setText("0905 123 456")
    ui.category_combo.setCurrentIndex(ui.category_combo.findData("environment"))
    ui.description_edit.setPlainText("Rác thải đổ trộm đầu hẻm 5 từ hôm qua")
    form.unit_picker.set_unit_code("22771")
    ui.address_edit.setText("Hẻm 5 Ngô Gia Tự")
    with qtbot.waitSignal(w.window.report_shown, timeout=TIMEOUT) as shown:
        form.save()
    number = shown.args[0]
    assert number.startswith("TAM-") and w.enqueued
    # The report, then the call logged on it with its length.
    assert [(e.report_number, e.action) for e in w.store.pending_actions()] == [
        (number, Action.SUBMIT),
        (number, Action.LOG_CALL),
    ]
    w.show_queue(qtbot, text=number)
    assert w.cell(number, STATUS) == "Mới tiếp nhận · chờ gửi"
    assert w.ws.intake is None


def test_the_triage_bar_photos_and_duplicates_sit_with_the_details(qtbot, integrated) -> None:
    w = integrated()
    w.show_queue(qtbot, text="PA-T", sort="number", descending=True)
    with qtbot.waitSignal(w.window.report_shown, timeout=TIMEOUT):
        w.select(qtbot, ["PA-T-2"])
    bench = w.ws.workbench
    assert bench.report.number == "PA-T-2"
    assert bench.bar.isVisible() and bench.bar.tools[Action.REJECT].isEnabled()
    assert bench.extras.isVisibleTo(w.window.detail)
    # The bar is above the details, the extras among them (before the history).
    assert bench.bar.parentWidget() is w.window.detail_side
    assert w.window.detail.isAncestorOf(bench.extras)
    for label in w.window.detail.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_the_layout_is_restored_after_re_creating_the_window(qtbot, integrated) -> None:
    first = integrated(size=(1000, 560))
    window = first.window
    window.removeDockWidget(first.ws.agency_dock)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, first.ws.agency_dock)
    first.ws.agency_dock.show()
    window.resizeDocks([first.ws.agency_dock], [330], Qt.Orientation.Horizontal)
    window.splitter.setSizes([380, 260])
    header = window.queue_view.horizontalHeader()
    header.resizeSection(0, 170)
    qtbot.wait(50)
    area = window.dockWidgetArea(first.ws.agency_dock)
    width = first.ws.agency_dock.width()
    sizes = window.splitter.sizes()
    first.close()

    second = integrated(size=(1000, 560))
    assert second.window.layout_restored
    dock = second.window.findChild(QDockWidget, "agency_dock")
    assert area == Qt.DockWidgetArea.LeftDockWidgetArea
    assert second.window.dockWidgetArea(dock) == area
    assert abs(dock.width() - width) <= 2
    assert second.window.splitter.sizes() == sizes
    assert second.window.queue_view.horizontalHeader().sectionSize(0) == 170


def test_the_dark_palette_is_chosen_in_the_view_menu_and_remembered(qtbot, integrated, tmp_path) -> None:
    app = QApplication.instance()
    first = integrated()
    try:
        assert first.window.theme_actions["system"].isChecked()
        first.window.theme_actions["dark"].trigger()
        assert palette_is_dark(app.palette())
        assert first.ws.look.dark
        overdue = first.ws.look.background(DeadlineState.OVERDUE).color()
        text = app.palette().color(QPalette.ColorRole.Text)
        assert overdue.lightness() < 110 < text.lightness()  # light words stay readable on the tint
        shot(first.window, tmp_path, "workspace-dark.png")
        first.close()
        second = integrated()
        assert second.window.theme_actions["dark"].isChecked()
        assert palette_is_dark(app.palette()) and second.ws.look.dark
        second.window.theme_actions["system"].trigger()
        assert second.settings.value("ui/theme") == "system"
    finally:
        for window in (first, locals().get("second")):
            if window is not None and not window._closed and window.window.themes is not None:
                window.window.themes.apply("system")
    assert not palette_is_dark(app.palette())

"""Drag-to-assign: the agency panel as a drop target of the queue, its counts, the assign dialog."""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QHBoxLayout, QTableView, QWidget

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import DeadlineState, compute_deadlines
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Action, Actor, Channel, Role, Status
from ioc_console.domain.report import Contact, Event, Location, Report
from ioc_console.store import LocalStore, ReportQuery

from ioc_console.gui.actions import ActionService
from ioc_console.gui.agency_panel import (
    FORWARDED,
    IN_PROGRESS,
    NAME,
    OVERDUE,
    REPORT_NUMBERS_MIME,
    AgencyCodeRole,
    AgencyPanel,
    DraggableQueueModel,
    SuggestedRole,
    count_by_agency,
    enable_report_drag,
    numbers_from_mime,
    report_drag_mime,
    report_numbers_mime,
    selected_report_numbers,
)
from ioc_console.gui.assign_dialog import ASSIGN_SHORTCUT, AssignController, AssignDialog, matches
from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.look import DeadlineLook
from ioc_console.gui.operations import DatabaseExecutor
from ioc_console.gui.present import Names
from ioc_console.gui.queue_model import NumberRole, ReportQueueModel
from ioc_console.gui.queue_source import QueueFilter
from ioc_console.gui.store_source import StoreQueueSource

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
OPERATOR = Actor("Trần Thị Bình", Role.OPERATOR)
TIMEOUT = 10_000
TRAFFIC = ("PA-T-1", "PA-T-2", "PA-T-3")


def new_report(j: Jurisdiction, number: str, category: str, unit: str, minutes: int) -> Report:
    received = NOW - timedelta(minutes=minutes)
    place = j.units[unit]
    report = Report(
        number=number,
        channel=Channel.ZALO,
        category=category,
        description="Mô tả của người dân",
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


@pytest.fixture
def data_store(demo_data_dir: Path, jurisdiction: Jurisdiction):
    """The demo store with new reports: three on traffic (to Sở GTVT by the rules), one on
    construction in Phủ Hà, one on the environment in Tân Sơn (Ninh Sơn district)."""
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    store.upsert_reports(
        [
            new_report(jurisdiction, "PA-T-1", "traffic-safety", "22747", 50),
            new_report(jurisdiction, "PA-T-2", "traffic-safety", "22810", 40),
            new_report(jurisdiction, "PA-T-3", "traffic-safety", "22873", 30),
            new_report(jurisdiction, "PA-C-1", "construction", "22747", 20),
            new_report(jurisdiction, "PA-E-1", "environment", "22810", 10),
        ]
    )
    yield store
    store.close()


@pytest.fixture
def worker(data_store):
    executor = DatabaseExecutor()
    yield executor
    executor.shutdown()


class Workspace:
    """The queue (a real table view over the store) beside the agency panel, as in the window."""

    def __init__(self, qtbot, store, jurisdiction, worker, clock) -> None:
        self.store = store
        self.names = Names(jurisdiction, "vi")
        look = DeadlineLook()
        self.service = ActionService(
            store, jurisdiction, worker, OPERATOR, clock, self.names, undo_seconds=30
        )
        self.host = QWidget()
        self.host.setWindowTitle("IOC Console")
        layout = QHBoxLayout(self.host)
        source = StoreQueueSource(store, self.names, clock)
        self.queue = DraggableQueueModel(source, worker, look, self.host)
        self.view = QTableView(self.host)
        self.view.setModel(self.queue)
        self.starter = enable_report_drag(self.view)
        self.drags: list[QDrag] = []
        # QDrag.exec runs its own loop until a real mouse lets go; here the drag is handed over to
        # the test, which delivers its data to the panel as the drop target would receive it.
        self.starter.exec_drag = self._capture_drag
        self.panel = AgencyPanel(self.service, self.names, clock, look, self.host)
        self.service.reports_changed.connect(lambda _numbers: self.queue.refresh())  # as the window does
        layout.addWidget(self.view, 3)
        layout.addWidget(self.panel, 2)
        qtbot.addWidget(self.host)
        self.host.resize(1200, 720)
        self.host.show()
        qtbot.waitExposed(self.host)
        with qtbot.waitSignal(self.panel.counts_refreshed, timeout=TIMEOUT):
            self.panel.refresh()

    def show_queue(self, qtbot, query: QueueFilter) -> None:
        with qtbot.waitSignal(self.queue.reset_done, timeout=TIMEOUT):
            self.queue.set_filter(query)

    def select_rows(self, rows: list[int]) -> None:
        selection = QItemSelection()
        for row in rows:
            selection.select(self.queue.index(row, 0), self.queue.index(row, self.queue.columnCount() - 1))
        self.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _capture_drag(self, drag: QDrag) -> Qt.DropAction:
        self.drags.append(drag)
        return Qt.DropAction.IgnoreAction

    def dragged(self) -> QMimeData:
        """Press on a selected row of the queue and move: the drag the view starts, and its data."""
        selected = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})
        assert selected
        viewport = self.view.viewport()
        start = self.view.visualRect(self.queue.index(selected[-1], 1)).center()
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        before = len(self.drags)
        step = 1
        while len(self.drags) == before and step < 40:  # a drag starts past the start distance
            QTest.mouseMove(viewport, start + QPoint(0, step))
            step += 1
        assert len(self.drags) == before + 1, "moving on a selected row starts one drag"
        assert step - 1 >= QApplication.startDragDistance()
        # The press on a selected row kept the whole selection for the drag.
        assert sorted({i.row() for i in self.view.selectionModel().selectedIndexes()}) == selected
        mime = self.drags[-1].mimeData()
        indexes = self.view.selectionModel().selectedIndexes()
        expected = self.view.model().mimeData(indexes)  # the model's own mime data of the selection
        assert bytes(mime.data(REPORT_NUMBERS_MIME).data()) == bytes(
            expected.data(REPORT_NUMBERS_MIME).data()
        )
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        return mime

    def point_of(self, code: str) -> QPointF:
        view = self.panel.view
        index = self.panel.model.index_of(code)
        view.expand(index.parent())
        view.scrollTo(index)
        return QPointF(view.visualRect(index).center())

    def enter(self, qtbot, mime: QMimeData, code: str) -> tuple[QPointF, QDragEnterEvent]:
        point = self.point_of(code)
        event = QDragEnterEvent(
            point.toPoint(),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        with qtbot.waitSignal(self.panel.suggestion_shown, timeout=TIMEOUT):
            QApplication.sendEvent(self.panel.view.viewport(), event)
        return point, event

    def move(self, mime: QMimeData, code: str) -> QDragMoveEvent:
        event = QDragMoveEvent(
            self.point_of(code).toPoint(),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(self.panel.view.viewport(), event)
        return event

    def drop(self, mime: QMimeData, code: str) -> QDropEvent:
        event = QDropEvent(
            self.point_of(code),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(self.panel.view.viewport(), event)
        return event


@pytest.fixture
def workspace(qtbot, data_store, jurisdiction, worker, clock) -> Workspace:
    return Workspace(qtbot, data_store, jurisdiction, worker, clock)


def shot(widget: QWidget, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    assert widget.grab().save(str(path))
    extra = os.environ.get("IOC_CONSOLE_SHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(extra) / name)
    return path


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key, Vietnamese letters too (QTest.keyClicks takes Latin-1 only)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def new_reports_in_queue(qtbot, ws: Workspace) -> list[str]:
    ws.show_queue(qtbot, QueueFilter(statuses=frozenset({Status.NEW}), sort="number", descending=False))
    return [ws.queue.index(r, 0).data(NumberRole) for r in range(ws.queue.rowCount())]


# -- the drag format ----------------------------------------------------------------------------------


def test_the_drag_format_carries_numbers_and_refuses_anything_else(qapp) -> None:
    mime = report_numbers_mime(["PA-1", "PA-2", "PA-1"])
    assert mime.formats()[:1] == [REPORT_NUMBERS_MIME] and mime.text() == "PA-1\nPA-2\nPA-1"
    assert numbers_from_mime(mime) == ["PA-1", "PA-2"]
    for body in (b"", b"not json", b'{"numbers": "PA-1"}', b'{"numbers": [1]}', b'{"numbers": []}', b"[1]"):
        bad = QMimeData()
        bad.setData(REPORT_NUMBERS_MIME, body)
        assert numbers_from_mime(bad) is None, body
    plain = QMimeData()
    plain.setText("PA-1")
    assert numbers_from_mime(plain) is None


# -- the panel's model and counts -------------------------------------------------------------------------


def test_the_agencies_are_grouped_and_pass_the_model_tester(qtmodeltester, workspace) -> None:
    model = workspace.panel.model
    qtmodeltester.check(model)
    titles = [model.index(g, NAME).data() for g in range(model.rowCount())]
    assert titles == [
        "Sở/ngành tỉnh",
        "UBND huyện/thành phố",
        "UBND xã/phường/thị trấn",
        "Công an",
        "Doanh nghiệp dịch vụ",
    ]
    sizes = [model.rowCount(model.index(g, 0)) for g in range(model.rowCount())]
    assert sizes == [11, 7, 19, 1, 3]
    first = model.index(0, NAME, model.index(0, 0))
    assert (first.data(), first.data(AgencyCodeRole)) == ("Sở Xây dựng", "so-xd")
    # Under a committees' heading the rows leave out the "UBND" it says; the full name is read out.
    district = model.index_of("ubnd-585")
    assert district.data() == "Huyện Ninh Sơn"
    assert district.data(Qt.ItemDataRole.AccessibleTextRole) == "Ủy ban nhân dân huyện Ninh Sơn"
    assert model.index_of("ubnd-582").data() == "TP Phan Rang–Tháp Chàm"
    assert model.index_of("ubnd-22834").data() == "Thị trấn Khánh Hải"
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["Đơn vị xử lý", "Đã chuyển", "Đang xử lý", "Quá hạn"]


def test_counts_agree_with_the_store(workspace, data_store, clock) -> None:
    now, boundary = clock.now_and_boundary()
    counts = count_by_agency(data_store, now, boundary)
    model = workspace.panel.model
    at_agencies = ReportQuery(statuses={Status.FORWARDED, Status.IN_PROGRESS})
    assert sum(c.forwarded + c.in_progress for c in counts.values()) == data_store.count(at_agencies)
    for code in workspace.service.jurisdiction.agencies:
        got = model.counts(code)
        assert got.forwarded == data_store.count(ReportQuery(agencies={code}, statuses={Status.FORWARDED}))
        assert got.in_progress == data_store.count(
            ReportQuery(agencies={code}, statuses={Status.IN_PROGRESS})
        )
        overdue = ReportQuery(
            agencies={code},
            statuses={Status.FORWARDED, Status.IN_PROGRESS},
            deadline_states={DeadlineState.OVERDUE},
            now=now,
            boundary=boundary,
        )
        assert got.overdue == data_store.count(overdue)
    flagged = [code for code in counts if counts[code].overdue]
    assert flagged, "the demo has reports overdue at agencies"
    # Overdue is told by colour, icon and words; the group row sums its agencies.
    index = model.index_of(flagged[0], OVERDUE)
    assert index.data() == str(counts[flagged[0]].overdue)
    assert index.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#a11a12"
    assert not index.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert index.data(Qt.ItemDataRole.AccessibleTextRole) == f"{counts[flagged[0]].overdue} phản ánh quá hạn"
    group = index.parent()
    codes = [model.index(r, 0, group).data(AgencyCodeRole) for r in range(model.rowCount(group))]
    total = sum(counts[c].overdue for c in codes if c in counts)
    assert group.siblingAtColumn(OVERDUE).data() == str(total)
    calm = model.index_of("so-xd", OVERDUE)
    if not model.counts("so-xd").overdue:
        assert calm.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#6b6b6b"


# -- drag and drop --------------------------------------------------------------------------------------


def test_dragging_several_reports_onto_an_agency_forwards_them(
    qtbot, workspace, data_store, tmp_path
) -> None:
    ws = workspace
    numbers = new_reports_in_queue(qtbot, ws)
    assert numbers == ["PA-C-1", "PA-E-1", *TRAFFIC]
    before = ws.panel.model.counts("so-gtvt")
    ws.select_rows([2, 3, 4])
    assert ws.queue.flags(ws.queue.index(2, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert ws.queue.supportedDragActions() == Qt.DropAction.CopyAction  # never a move: rows stay
    mime = ws.dragged()
    assert numbers_from_mime(mime) == list(TRAFFIC)

    _point, enter = ws.enter(qtbot, mime, "so-gtvt")
    assert enter.isAccepted()
    # While dragging, the agency the routing rules suggest is highlighted.
    suggested = ws.panel.model.index_of("so-gtvt")
    assert suggested.data(SuggestedRole) == 3
    assert ws.panel.model.suggested == {"so-gtvt": 3}
    assert ws.panel.hint.text() == "Gợi ý: Sở GTVT"
    ws.move(mime, "so-xd")  # over another agency: the suggestion stays marked
    assert ws.panel.view.currentIndex().data(AgencyCodeRole) == "so-xd"
    assert suggested.data(SuggestedRole) == 3
    assert ws.panel.message.text == "Thả để chuyển 3 phản ánh cho Sở Xây dựng."
    shot(ws.panel, tmp_path, "agency_panel_dragging_suggestion.png")
    move = ws.move(mime, "so-gtvt")
    assert move.isAccepted()
    assert ws.panel.view.currentIndex().data(AgencyCodeRole) == "so-gtvt"
    assert ws.panel.message.text == "Thả để chuyển 3 phản ánh cho Sở GTVT."
    shot(ws.panel, tmp_path, "agency_panel_dragging.png")

    drop = ws.drop(mime, "so-gtvt")
    assert drop.isAccepted() and drop.dropAction() == Qt.DropAction.CopyAction
    assert ws.panel.model.suggested == {}
    dialog = ws.panel.note_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.findChild(QWidget, "question").text() == (
        "Chuyển 3 phản ánh cho Sở Giao thông vận tải tỉnh Ninh Thuận?"
    )
    type_text(dialog.note_edit, "Đề nghị kiểm tra, xử lý trong tuần")
    shot(dialog, tmp_path, "agency_panel_note_dialog.png")
    with (
        qtbot.waitSignal(ws.panel.counts_refreshed, timeout=TIMEOUT),
        qtbot.waitSignal(ws.service.request_finished, timeout=TIMEOUT) as finished,
    ):
        QTest.keyClick(dialog.note_edit, Qt.Key.Key_Return)  # Enter confirms
    assert finished.args[0].numbers == TRAFFIC

    for number in TRAFFIC:
        report = data_store.get_report(number)
        assert (report.status, report.agency) == (Status.FORWARDED, "so-gtvt")
        assert report.history[-1].data == {"agency": "so-gtvt", "note": "Đề nghị kiểm tra, xử lý trong tuần"}
    rows = {r.number: r for r in data_store.query(ReportQuery(agencies={"so-gtvt"}))}
    assert all(rows[n].pending for n in TRAFFIC)
    outbox = data_store.pending_actions()
    assert [(e.report_number, e.action, e.payload["agency"]) for e in outbox] == [
        (n, Action.FORWARD, "so-gtvt") for n in TRAFFIC
    ]
    # The queue (showing new reports) lets them go; the counts follow at once; the undo is offered.
    qtbot.waitUntil(lambda: ws.queue.rowCount() == 2, timeout=TIMEOUT)
    assert ws.panel.model.counts("so-gtvt").forwarded == before.forwarded + 3
    bar = ws.panel.undo_bar
    assert bar.isVisible()
    assert bar.label.text() == "Đã chuyển 3 phản ánh cho Sở GTVT"
    assert bar.countdown.text() in {"30 giây", "29 giây"}
    shot(ws.panel, tmp_path, "agency_panel_after_drop.png")
    shot(ws.host, tmp_path, "agency_panel_with_queue.png")


def test_a_drop_the_lifecycle_forbids_is_refused_with_the_reason(
    qtbot, workspace, data_store, tmp_path
) -> None:
    ws = workspace
    closed = data_store.numbers(ReportQuery(statuses={Status.CLOSED}, limit=1))[0]
    before = data_store.get_report(closed)
    ws.show_queue(qtbot, QueueFilter(text=closed))
    ws.select_rows([0])
    mime = ws.dragged()
    ws.enter(qtbot, mime, "so-xd")
    ws.move(mime, "so-xd")
    reason = (
        f"Không thể chuyển cho Sở Xây dựng:\n{closed}: "
        "Không thể chuyển xử lý khi phản ánh đang ở trạng thái «Đã phản hồi»."
    )
    assert ws.panel.message.kind == "error" and ws.panel.message.text == reason  # said before the drop
    drop = ws.drop(mime, "so-xd")
    assert ws.panel.note_dialog is None  # no note asked for what cannot be done
    assert ws.panel.message.isVisible() and ws.panel.message.text == reason
    qtbot.wait(100)
    assert data_store.get_report(closed) == before
    assert data_store.pending_actions() == []
    assert drop.isAccepted()  # taken, so that the reason can be shown, but nothing happens
    shot(ws.panel, tmp_path, "agency_panel_refused.png")


def test_a_commune_committee_refuses_reports_outside_its_ward(qtbot, workspace, data_store) -> None:
    ws = workspace
    new_reports_in_queue(qtbot, ws)
    ws.select_rows([0, 1])  # construction in Phủ Hà, environment in Tân Sơn
    mime = ws.dragged()
    ws.enter(qtbot, mime, "ubnd-22747")
    ws.drop(mime, "ubnd-22747")
    assert ws.panel.note_dialog is None
    assert ws.panel.message.text == (
        "Không thể chuyển cho UBND phường Phủ Hà:\nPA-E-1: UBND phường Phủ Hà chỉ xử lý phản ánh trên "
        "địa bàn của mình; phản ánh này ở Thị trấn Tân Sơn, Huyện Ninh Sơn, Tỉnh Ninh Thuận."
    )
    assert data_store.pending_actions() == []


def test_a_company_outside_its_area_is_allowed_with_a_warning(qtbot, workspace, data_store, tmp_path) -> None:
    ws = workspace
    new_reports_in_queue(qtbot, ws)
    ws.select_rows([1])  # the environment in Tân Sơn: the city's sanitation company does not serve it
    mime = ws.dragged()
    ws.enter(qtbot, mime, "moi-truong-do-thi")
    assert ws.panel.model.suggested == {"ubnd-585": 1}
    ws.move(mime, "moi-truong-do-thi")
    warning = "Theo danh mục, Môi trường đô thị không phụ trách địa bàn Thị trấn Tân Sơn – Ninh Sơn."
    assert ws.panel.message.kind == "warning" and ws.panel.message.text == warning
    ws.drop(mime, "moi-truong-do-thi")
    dialog = ws.panel.note_dialog
    assert dialog is not None and dialog.warning.text == warning
    shot(dialog, tmp_path, "agency_panel_note_warning.png")
    with qtbot.waitSignal(ws.service.request_finished, timeout=TIMEOUT):
        QTest.keyClick(dialog.note_edit, Qt.Key.Key_Return)
    assert data_store.get_report("PA-E-1").agency == "moi-truong-do-thi"


def test_a_drop_before_the_reports_are_read_still_checks_them(qtbot, workspace, data_store) -> None:
    ws = workspace
    new_reports_in_queue(qtbot, ws)
    ws.select_rows([1])  # the environment in Tân Sơn
    mime = ws.dragged()
    point = ws.point_of("ubnd-22747")
    for event in (
        QDragEnterEvent(
            point.toPoint(),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        ),
        QDropEvent(
            point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        ),
    ):
        QApplication.sendEvent(ws.panel.view.viewport(), event)  # no wait in between
    qtbot.waitUntil(lambda: ws.panel.message.kind == "error", timeout=TIMEOUT)
    assert "PA-E-1: UBND phường Phủ Hà chỉ xử lý phản ánh" in ws.panel.message.text
    assert ws.panel.note_dialog is None
    assert data_store.pending_actions() == []


def test_cancelling_the_note_changes_nothing(qtbot, workspace, data_store) -> None:
    ws = workspace
    new_reports_in_queue(qtbot, ws)
    ws.select_rows([2])
    mime = ws.dragged()
    ws.enter(qtbot, mime, "so-gtvt")
    ws.drop(mime, "so-gtvt")
    dialog = ws.panel.note_dialog
    QTest.keyClick(dialog.note_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: ws.panel.note_dialog is None, timeout=TIMEOUT)
    qtbot.wait(100)
    assert data_store.get_report("PA-T-1").status is Status.NEW
    assert data_store.pending_actions() == []


def test_leaving_without_a_drop_clears_the_highlight(qtbot, workspace) -> None:
    ws = workspace
    new_reports_in_queue(qtbot, ws)
    ws.select_rows([2])
    mime = ws.dragged()
    ws.enter(qtbot, mime, "so-gtvt")
    assert ws.panel.model.suggested == {"so-gtvt": 1}
    QApplication.sendEvent(ws.panel.view.viewport(), QDragLeaveEvent())
    assert ws.panel.model.suggested == {}
    assert not ws.panel.message.isVisible()


def test_other_drags_are_not_taken(qtbot, workspace) -> None:
    mime = QMimeData()
    mime.setText("PA-T-1")
    point = workspace.point_of("so-gtvt")
    event = QDragEnterEvent(
        point.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(workspace.panel.view.viewport(), event)
    assert not event.isAccepted()


def test_the_undo_bar_takes_the_forward_back(qtbot, workspace, data_store, tmp_path) -> None:
    ws = workspace
    new_reports_in_queue(qtbot, ws)
    before = {n: data_store.get_report(n) for n in TRAFFIC}
    forwarded = ws.panel.model.counts("so-gtvt").forwarded
    ws.select_rows([2, 3, 4])
    mime = ws.dragged()
    ws.enter(qtbot, mime, "so-gtvt")
    ws.drop(mime, "so-gtvt")
    with qtbot.waitSignal(ws.service.request_finished, timeout=TIMEOUT):
        QTest.keyClick(ws.panel.note_dialog.note_edit, Qt.Key.Key_Return)
    bar = ws.panel.undo_bar
    assert bar.isVisible()
    with qtbot.waitSignal(ws.service.undo_finished, timeout=TIMEOUT):
        QTest.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    assert bar.label.text() == "Đã hoàn tác: 3 phản ánh trở lại như trước."
    assert not bar.button.isVisible()
    for number in TRAFFIC:
        assert data_store.get_report(number) == before[number]
    assert data_store.pending_actions() == []
    # The counts follow the undo.
    qtbot.waitUntil(lambda: ws.panel.model.counts("so-gtvt").forwarded == forwarded, timeout=TIMEOUT)
    shot(ws.panel, tmp_path, "agency_panel_undone.png")


# -- the assign dialog -------------------------------------------------------------------------------------


def test_the_search_folds_vietnamese(qapp) -> None:
    words = ("so", "xay", "dung", "tinh", "ninh", "thuan", "xd")
    assert matches("so xay", words)
    assert matches("Sở Xây", words)
    assert matches("xây dựng", words)
    assert matches("", words)
    assert not matches("so giao", words)


def open_assign(qtbot, ws: Workspace, numbers: list[str]) -> AssignDialog:
    controller = AssignController(ws.service, lambda: numbers, ws.host)
    ws.host.addAction(controller.action)
    assert controller.action.shortcut() == ASSIGN_SHORTCUT
    assert controller.action.text() == "C&huyển xử lý…"
    with qtbot.waitSignal(controller.dialog_opened, timeout=TIMEOUT) as opened:
        controller.action.trigger()
    ws.controller = controller
    return opened.args[0]


def test_the_assign_dialog_preselects_the_suggestion_and_enter_forwards(
    qtbot, workspace, data_store, tmp_path
) -> None:
    ws = workspace
    dialog = open_assign(qtbot, ws, list(TRAFFIC))
    assert dialog.chosen() == "so-gtvt"
    assert dialog.list.currentIndex().data() == "Sở GTVT  · gợi ý"
    assert dialog.list.currentIndex().siblingAtColumn(1).data() == "Sở/ngành tỉnh"
    assert dialog.ok_button.isEnabled()
    assert dialog.search.hasFocus() or not dialog.isActiveWindow()
    shot(dialog, tmp_path, "agency_panel_assign_dialog.png")
    type_text(dialog.note_edit, "Chuyển từ bàn phím")
    with (
        qtbot.waitSignal(ws.controller.forward_requested, timeout=TIMEOUT),
        qtbot.waitSignal(ws.service.request_finished, timeout=TIMEOUT),
    ):
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    for number in TRAFFIC:
        report = data_store.get_report(number)
        assert (report.status, report.agency) == (Status.FORWARDED, "so-gtvt")
        assert report.history[-1].data["note"] == "Chuyển từ bàn phím"
    assert ws.panel.undo_bar.label.text() == "Đã chuyển 3 phản ánh cho Sở GTVT"


def test_typing_without_marks_finds_the_agency(qtbot, workspace, data_store, tmp_path) -> None:
    ws = workspace
    dialog = open_assign(qtbot, ws, ["PA-C-1"])
    assert dialog.chosen() == "ubnd-582"  # construction in the city goes to its committee
    QTest.keyClicks(dialog.search, "so xay")
    assert dialog.model.codes == ["so-xd"]
    assert dialog.chosen() == "so-xd"
    assert dialog.verdict_line.text == "Sẽ chuyển cho Sở Xây dựng tỉnh Ninh Thuận."
    shot(dialog, tmp_path, "agency_panel_assign_search.png")
    dialog.search.clear()
    QTest.keyClicks(dialog.search, "ubnd phuong")
    found = dialog.model.codes
    assert found and all(code.startswith("ubnd-22") for code in found)
    QTest.keyClick(dialog.search, Qt.Key.Key_Down)  # the arrows move through the list from the field
    assert dialog.chosen() == found[1]
    with qtbot.waitSignal(ws.service.request_finished, timeout=TIMEOUT):
        dialog.search.clear()
        type_text(dialog.search, "Sở Xây")
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    assert data_store.get_report("PA-C-1").agency == "so-xd"


def test_the_assign_dialog_will_not_confirm_a_forbidden_choice(qtbot, workspace, data_store) -> None:
    ws = workspace
    dialog = open_assign(qtbot, ws, ["PA-E-1"])
    QTest.keyClicks(dialog.search, "ubnd phu ha")
    assert dialog.chosen() == "ubnd-22747"
    assert not dialog.ok_button.isEnabled()
    assert dialog.verdict_line.kind == "error"
    assert "chỉ xử lý phản ánh trên địa bàn của mình" in dialog.verdict_line.text
    QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    qtbot.wait(100)
    assert dialog.isVisible()
    assert data_store.pending_actions() == []
    QTest.keyClicks(dialog.search, "x")  # nothing matches
    assert dialog.model.rowCount() == 0 and not dialog.ok_button.isEnabled()
    assert dialog.verdict_line.text == "Không có đơn vị nào khớp với từ đã gõ."
    dialog.reject()


def test_the_assign_action_needs_a_selection(qtbot, workspace) -> None:
    controller = AssignController(workspace.service, lambda: [], workspace.host)
    with qtbot.waitSignal(controller.hint, timeout=TIMEOUT) as hint:
        controller.action.trigger()
    assert hint.args[0] == "Hãy chọn phản ánh trong danh sách trước khi chuyển xử lý."
    assert controller.dialog is None


def test_the_assign_list_passes_the_model_tester(qtbot, qtmodeltester, workspace) -> None:
    dialog = open_assign(qtbot, workspace, list(TRAFFIC))
    qtmodeltester.check(dialog.model)
    dialog.reject()


def test_the_panel_columns_fit_a_narrow_dock(qtbot, workspace, tmp_path) -> None:
    panel = workspace.panel
    panel.setParent(None)
    qtbot.addWidget(panel)
    panel.resize(380, 720)
    panel.show()
    qtbot.waitExposed(panel)
    header = panel.view.header()
    name_width = header.sectionSize(NAME)
    assert name_width >= 150
    total = sum(header.sectionSize(c) for c in (NAME, FORWARDED, IN_PROGRESS, OVERDUE))
    assert total <= panel.view.viewport().width() + 1
    for column in (FORWARDED, IN_PROGRESS, OVERDUE):
        title = str(panel.model.headerData(column, Qt.Orientation.Horizontal))
        assert header.sectionSize(column) >= panel.view.fontMetrics().horizontalAdvance(title)
    shot(panel, tmp_path, "agency_panel_narrow.png")


def test_any_queue_view_becomes_a_drag_source_and_clicks_still_select(
    qtbot, workspace, worker, clock
) -> None:
    ws = workspace
    new_reports_in_queue(qtbot, ws)
    # A click on one of several selected rows selects just that row, as before.
    ws.select_rows([2, 3, 4])
    viewport = ws.view.viewport()
    QTest.mouseClick(
        viewport, Qt.MouseButton.LeftButton, pos=ws.view.visualRect(ws.queue.index(3, 1)).center()
    )
    assert sorted({i.row() for i in ws.view.selectionModel().selectedIndexes()}) == [3]
    # A view over the queue's plain model (not a drag source itself) drags the same numbers.
    plain = ReportQueueModel(StoreQueueSource(ws.store, ws.names, clock), worker, DeadlineLook(), ws.host)
    with qtbot.waitSignal(plain.reset_done, timeout=TIMEOUT):
        plain.set_filter(QueueFilter(statuses=frozenset({Status.NEW}), sort="number", descending=False))
    ws.view.setModel(plain)
    ws.queue = plain
    ws.select_rows([2, 4])
    assert not plain.flags(plain.index(2, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    mime = report_drag_mime(ws.view)
    assert numbers_from_mime(mime) == ["PA-T-1", "PA-T-3"]
    assert selected_report_numbers(ws.view) == ["PA-T-1", "PA-T-3"]


class GroupedCounts:
    """A store that counts reports at agencies in one grouped query (the query proposed for
    ``LocalStore.agency_counts``, run read-only on the store's file)."""

    SQL = (
        "SELECT agency, sum(status = 'forwarded'), sum(status = 'in_progress'), sum(due_at < ?),"
        " sum(due_at >= ? AND due_at <= ?) FROM reports"
        " WHERE status IN ('forwarded', 'in_progress') AND agency IS NOT NULL GROUP BY agency"
    )

    def __init__(self, path: Path) -> None:
        self.path = path

    def agency_counts(self, now: datetime, boundary: datetime) -> dict[str, tuple[int, int, int, int]]:
        micros = [round(t.timestamp() * 1_000_000) for t in (now, now, boundary)]
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as connection:
            return {row[0]: tuple(row[1:]) for row in connection.execute(self.SQL, micros)}

    def query(self, _query):
        raise AssertionError("the grouped count is asked first")


def test_a_store_that_counts_by_agency_itself_is_asked_first(data_store, clock, qapp) -> None:
    now, boundary = clock.now_and_boundary()
    read = count_by_agency(data_store, now, boundary)
    grouped = count_by_agency(GroupedCounts(data_store.path), now, boundary)
    assert grouped == read
    assert sum(c.overdue for c in grouped.values()) > 0

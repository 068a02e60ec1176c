"""The agency liaison's workspace over a real demo store: only their agency, the nearest deadline
first, accept, return and resolve with required text (Vietnamese messages), pending shown, and a
signal when something new is forwarded."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from test_wall import citizen_report

from PySide6.QtWidgets import QDialogButtonBox

from ioc_console.domain.deadlines import apply_action
from ioc_console.domain.lifecycle import AT_AGENCY, Action, Actor, Role, Status
from ioc_console.store import LocalStore, OutboxState, ReportQuery

from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.liaison import LiaisonWorkspace
from ioc_console.gui.present import DeadlineClock, Names

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TIMEOUT = 15_000


@pytest.fixture
def own_store(demo_data_dir: Path):
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    yield store
    store.close()


def busiest_agency(store: LocalStore) -> str:
    rows = store.query(ReportQuery(statuses=AT_AGENCY))
    counts = Counter((r.agency, r.status) for r in rows)
    agencies = {r.agency for r in rows if r.agency}
    return max(agencies, key=lambda a: min(counts[a, Status.FORWARDED], counts[a, Status.IN_PROGRESS]))


@pytest.fixture
def liaison(qtbot, own_store, jurisdiction, executor):
    agency = busiest_agency(own_store)
    actor = Actor("lien.lac", Role.LIAISON, agency)
    names = Names(jurisdiction, "vi")
    clock = DeadlineClock(jurisdiction, lambda: NOW)
    ws = LiaisonWorkspace(own_store, jurisdiction, names, clock, executor, actor)
    ws.actions.undo_seconds = 0
    qtbot.addWidget(ws)
    ws.resize(1366, 768)
    ws.show()
    qtbot.waitUntil(lambda: ws.model.rowCount() > 0, timeout=TIMEOUT)
    return ws


def first_with(ws: LiaisonWorkspace, status: Status) -> str:
    return next(i.row.number for i in ws.model.rows if i.row.status is status and not i.row.pending)


def test_only_their_agency_nearest_deadline_first(liaison, own_store):
    agency = liaison.agency
    everyone = own_store.query(ReportQuery(statuses=AT_AGENCY))
    theirs = {r.number for r in everyone if r.agency == agency}
    others = {r.number for r in everyone if r.agency != agency}
    assert others, "the demo has other agencies' reports at their agencies"
    assert set(liaison.numbers()) == theirs
    assert not set(liaison.numbers()) & others
    dues = [i.row.stage_due_at or i.row.due_at for i in liaison.model.rows]
    assert dues == sorted(dues)
    # the deadlines are in view, with the state in words
    shown = [liaison.model.index(r, 0).data() for r in range(liaison.model.rowCount())]
    assert all(text for text in shown)
    assert liaison.model.headerData(0, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal) == (
        "Hạn xử lý của đơn vị"
    )


def test_accept_is_pending_then_in_the_outbox(qtbot, liaison, own_store):
    number = first_with(liaison, Status.FORWARDED)
    assert liaison.select(number)
    assert liaison.accept_button.isEnabled()
    with qtbot.waitSignal(liaison.inbox_loaded, timeout=TIMEOUT):
        liaison.accept_button.click()
    row = next(i for i in liaison.model.rows if i.row.number == number)
    assert row.row.status is Status.IN_PROGRESS
    assert liaison.model.index(liaison.model.rows.index(row), 5).data().endswith("· chờ gửi")
    assert not liaison.accept_button.isEnabled()  # pending: nothing more until the hub has it
    entries = [e for e in own_store.pending_actions() if e.report_number == number]
    assert [e.action for e in entries] == [Action.ACCEPT]
    assert entries[0].state is OutboxState.PENDING


def test_return_needs_a_reason(qtbot, liaison, own_store):
    number = first_with(liaison, Status.FORWARDED)
    liaison.select(number)
    dialog = liaison.ask(Action.RETURN)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.isVisible()
    assert dialog.error.text() == "Vui lòng nhập lý do trả lại."
    assert not [e for e in own_store.pending_actions() if e.report_number == number]
    dialog.editor.setPlainText("Không thuộc thẩm quyền của đơn vị")
    with qtbot.waitSignal(liaison.inbox_loaded, timeout=TIMEOUT):
        ok.click()
    assert number not in liaison.numbers()  # back at the IOC
    entry = next(e for e in own_store.pending_actions() if e.report_number == number)
    assert entry.action is Action.RETURN
    assert entry.payload["reason"] == "Không thuộc thẩm quyền của đơn vị"


def test_progress_and_result_are_required(qtbot, liaison, own_store):
    number = first_with(liaison, Status.IN_PROGRESS)
    liaison.select(number)
    assert liaison.note_button.isEnabled() and liaison.resolve_button.isEnabled()
    note = liaison.ask(Action.NOTE_PROGRESS)
    note.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert note.error.text() == "Vui lòng nhập nội dung tiến độ."
    note.reject()
    result = liaison.ask(Action.RESOLVE)
    result.editor.setPlainText("   ")
    result.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert result.error.text() == "Vui lòng nhập kết quả xử lý."
    result.editor.setPlainText("Đã thu gom rác, vệ sinh khu vực")
    with qtbot.waitSignal(liaison.inbox_loaded, timeout=TIMEOUT):
        result.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert number not in liaison.numbers()
    report = own_store.get_report(number)
    assert report.status is Status.RESOLVED and report.result == "Đã thu gom rác, vệ sinh khu vực"


def test_a_new_forward_is_announced(qtbot, liaison, own_store, jurisdiction):
    # a report at the IOC, forwarded to this agency by the IOC (as sync would apply it)
    report = citizen_report(jurisdiction, "PA-L-NEW", minutes=5)
    from ioc_console.domain.calendar import WorkingCalendar

    apply_action(
        report,
        Action.FORWARD,
        Actor("ioc.binh", Role.OPERATOR),
        {"agency": liaison.agency},
        NOW,
        WorkingCalendar.for_jurisdiction(jurisdiction),
        jurisdiction.policy,
    )
    own_store.upsert_reports([report], force=True)
    with qtbot.waitSignal(liaison.report_forwarded, timeout=TIMEOUT) as news:
        liaison.refresh()
    assert news.args[0] == [report.number]
    assert report.number in liaison.numbers()


def test_another_agencys_report_never_shows(qtbot, liaison, own_store):
    other = next(
        r for r in own_store.query(ReportQuery(statuses=AT_AGENCY)) if r.agency and r.agency != liaison.agency
    )
    assert not liaison.select(other.number)
    liaison._show_report(own_store.get_report(other.number))
    assert other.number not in liaison.details.toPlainText()


def test_screenshot(qtbot, liaison, own_store, tmp_path):
    with_photos = [i.row.number for i in liaison.model.rows if own_store.get_report(i.row.number).attachments]
    liaison.select(with_photos[0] if with_photos else first_with(liaison, Status.FORWARDED))
    qtbot.waitUntil(lambda: bool(liaison.details.toPlainText()), timeout=TIMEOUT)
    qtbot.wait(300)  # the thumbnails arrive from the photos' worker
    path = tmp_path / "liaison.png"
    assert liaison.grab().save(str(path))
    extra = os.environ.get("IOC_CONSOLE_SHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(extra) / "liaison-vi-1366x768.png")


def tiny_png() -> bytes:
    """A valid 1×1 PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\x10\x80\x30")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_file_that_is_not_a_photo_is_refused(qtbot, liaison, tmp_path):
    liaison.select(first_with(liaison, Status.IN_PROGRESS))
    dialog = liaison.ask(Action.NOTE_PROGRESS)
    assert dialog.attach_button.text() == "Đính kèm ảnh…"
    text = tmp_path / "bien-ban.txt"
    text.write_text("không phải ảnh", encoding="utf-8")
    dialog.add_photos([text])
    assert dialog.error.isVisible()
    assert dialog.error.text() == (
        "Tệp bien-ban.txt không phải là ảnh: chỉ đính kèm được ảnh JPG, PNG hoặc WebP."
    )
    # a renamed file is found out by its bytes, on the worker
    fake = tmp_path / "hien-truong.jpg"
    fake.write_text("văn bản đổi tên thành ảnh", encoding="utf-8")
    dialog.add_photos([fake])
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=TIMEOUT)
    assert dialog.error.text().startswith("Tệp hien-truong.jpg không phải là ảnh")
    assert dialog.photos() == []
    dialog.reject()
    # the return has no photos to attach
    liaison.select(first_with(liaison, Status.FORWARDED))
    assert liaison.ask(Action.RETURN).photo_list is None


def test_a_progress_note_carries_its_photo_spooled_beside_the_store(qtbot, liaison, own_store, tmp_path):
    number = first_with(liaison, Status.IN_PROGRESS)
    liaison.select(number)
    dialog = liaison.ask(Action.NOTE_PROGRESS)
    photo = tmp_path / "hien-truong.png"
    photo.write_bytes(tiny_png())
    dialog.add_photos([photo])
    qtbot.waitUntil(lambda: dialog.photos() == [photo], timeout=TIMEOUT)
    assert dialog.photo_list.item(0).text() == "hien-truong.png"
    dialog.editor.setPlainText("Đã khoanh vùng, chờ xe chuyên dụng")
    with qtbot.waitSignal(liaison.inbox_loaded, timeout=TIMEOUT):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(
        lambda: any(e.report_number == number for e in own_store.pending_actions()), timeout=TIMEOUT
    )
    entry = next(e for e in own_store.pending_actions() if e.report_number == number)
    assert entry.action is Action.NOTE_PROGRESS
    assert entry.payload["note"] == "Đã khoanh vùng, chờ xe chuyên dụng"
    [spooled] = entry.payload["photos"]
    assert spooled["stage"] == "progress" and spooled["content_type"] == "image/png"
    copy = Path(spooled["path"])
    assert copy.parent == own_store.path.parent / "outbox-photos"
    assert copy.read_bytes() == photo.read_bytes()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_export_holds_only_their_agencys_reports(qtbot, liaison, own_store, tmp_path, suffix):
    import csv

    import openpyxl

    path = tmp_path / f"don-vi{suffix}"
    with qtbot.waitSignal(liaison.exported, timeout=TIMEOUT):
        liaison.export_to(path)
    if suffix == ".xlsx":
        cells = [
            str(v)
            for ws in openpyxl.load_workbook(path).worksheets
            for r in ws.iter_rows(values_only=True)
            for v in r
            if v
        ]
    else:
        with path.open(encoding="utf-8-sig", newline="") as f:
            cells = [v for line in csv.reader(f) for v in line if v]
    numbers = {c for c in cells if c.startswith("PA-")}
    assert numbers == set(liaison.numbers())
    others = {
        r.number for r in own_store.query(ReportQuery(statuses=AT_AGENCY)) if r.agency != liaison.agency
    }
    assert not numbers & others
    for number in numbers:  # no contact column (the citizen's own words may still hold a number)
        contact = own_store.get_report(number).contact
        for value in (contact.name, contact.phone, contact.email) if contact else ():
            assert not value or value not in cells


def test_an_escalation_reads_as_urgent_with_its_note(qtbot, liaison, own_store, jurisdiction):
    from ioc_console.domain.calendar import WorkingCalendar

    number = first_with(liaison, Status.IN_PROGRESS)
    report = own_store.get_report(number)
    apply_action(
        report,
        Action.SET_PRIORITY,
        Actor("truong.ca", Role.SUPERVISOR),
        {"priority": "urgent", "note": "Cần xử lý trong ngày"},
        NOW,
        WorkingCalendar.for_jurisdiction(jurisdiction),
        jurisdiction.policy,
    )
    own_store.upsert_reports([report], force=True)
    with qtbot.waitSignal(liaison.inbox_loaded, timeout=TIMEOUT):
        liaison.refresh()
    row = liaison.numbers().index(number)
    assert liaison.model.index(row, 2).data() == f"{number} ⚠ Khẩn"
    liaison.view.clearSelection()
    liaison.select(number)
    qtbot.waitUntil(lambda: "Cần xử lý trong ngày" in liaison.details.toPlainText(), timeout=TIMEOUT)
    assert "Mức ưu tiên: Khẩn" in liaison.details.toPlainText()


def test_the_liaison_sees_the_photos_of_the_scene(qtbot, liaison, own_store):
    with_photos = [i.row.number for i in liaison.model.rows if own_store.get_report(i.row.number).attachments]
    assert with_photos, "the demo has photos on the agency's reports"
    number = with_photos[0]
    report = own_store.get_report(number)
    with qtbot.waitSignal(liaison.photo_loader.photo_loaded, timeout=TIMEOUT) as loaded:
        liaison.select(number)
        qtbot.waitUntil(lambda: liaison.photos.isVisible(), timeout=TIMEOUT)
    assert liaison.photos.photo_model.rowCount() == len([a for a in report.attachments if a.kind == "photo"])
    photo = loaded.args[0]
    assert photo.attachment_id in {a.id for a in report.attachments} and not photo.error
    without = [i.row.number for i in liaison.model.rows if not own_store.get_report(i.row.number).attachments]
    if without:
        liaison.select(without[0])
        qtbot.waitUntil(lambda: not liaison.photos.isVisible(), timeout=TIMEOUT)


def test_search_and_the_handled_list(qtbot, liaison, own_store):
    agency = liaison.agency
    number = first_with(liaison, Status.IN_PROGRESS)
    with qtbot.waitSignal(liaison.inbox_loaded, timeout=TIMEOUT):
        liaison.search.setText(number)
    assert liaison.numbers() == [number]
    with qtbot.waitSignal(liaison.inbox_loaded, timeout=TIMEOUT):
        liaison.search.clear()
    assert len(liaison.numbers()) > 1
    # What the agency has handled: resolved or replied, its own only, the latest first.
    with qtbot.waitSignal(liaison.inbox_loaded, timeout=TIMEOUT):
        liaison.list_box.setCurrentIndex(liaison.list_box.findData(True))
    handled = own_store.query(ReportQuery(statuses=frozenset({Status.RESOLVED, Status.CLOSED})))
    assert set(liaison.numbers()) == {r.number for r in handled if r.agency == agency}
    assert liaison.numbers()
    # A result reported moves the report there, and the liaison is told so.
    with qtbot.waitSignal(liaison.inbox_loaded, timeout=TIMEOUT):
        liaison.list_box.setCurrentIndex(liaison.list_box.findData(False))
    liaison.select(number)
    dialog = liaison.ask(Action.RESOLVE)
    dialog.editor.setPlainText("Đã nạo vét cống, thông dòng chảy")
    with qtbot.waitSignal(liaison.inbox_loaded, timeout=TIMEOUT):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert number not in liaison.numbers()
    assert "«Đã xử lý»" in liaison.sent_label.text() and number in liaison.sent_label.text()
    with qtbot.waitSignal(liaison.inbox_loaded, timeout=TIMEOUT):
        liaison.list_box.setCurrentIndex(liaison.list_box.findData(True))
    assert liaison.numbers()[0] == number  # the latest first


def test_every_action_sent_is_confirmed_and_the_outbox_while_offline(qtbot, liaison):
    from ioc_console.sync.status import SyncState, SyncStatus

    assert not liaison.sent_label.isVisible()
    number = first_with(liaison, Status.FORWARDED)
    liaison.select(number)
    liaison.show_sync_status(SyncStatus(SyncState.OFFLINE, offline_since=NOW, waiting=0))
    with qtbot.waitSignal(liaison.inbox_loaded, timeout=TIMEOUT):
        liaison.accept_button.click()
    words = liaison.sent_label.text()
    assert liaison.sent_label.isVisible()
    assert words.startswith(f"✔ Đã ghi «Tiếp nhận xử lý» cho {number}.")
    assert "mất kết nối" in words and "sẽ tự gửi khi có kết nối lại" in words
    liaison.show_sync_status(SyncStatus(SyncState.SYNCING, waiting=1))
    assert liaison.sent_label.text().endswith("Đang gửi lên máy chủ…")
    liaison.show_sync_status(SyncStatus(SyncState.ONLINE, waiting=0))
    assert liaison.sent_label.text() == f"✔ Máy chủ đã nhận «Tiếp nhận xử lý» cho {number}."


@pytest.mark.webengine
@pytest.mark.qt_log_ignore(
    r"QRhiGles2: Failed to create (temporary )?context",
    r"Failed to create RHI for backend",
    r"This plugin does not support createPlatformVulkanInstance",
    r"QVulkanInstance: Failed to initialize Vulkan",
    r"GBM is not supported",
    r"GPUInfo not initialized",
    r"This plugin does not support propagateSizeHints\(\)",
)
def test_a_map_of_the_agencys_reports(qtbot, own_store, jurisdiction, executor, tmp_path):
    from ioc_console.gui.map import MapConfig

    agency = busiest_agency(own_store)
    ws = LiaisonWorkspace(
        own_store,
        jurisdiction,
        Names(jurisdiction, "vi"),
        DeadlineClock(jurisdiction, lambda: NOW),
        executor,
        Actor("lien.lac", Role.LIAISON, agency),
        map_config=MapConfig(tiles=(), cache_dir=tmp_path / "map"),
    )
    qtbot.addWidget(ws)
    ws.resize(1366, 768)
    ws.show()
    qtbot.waitUntil(lambda: ws.model.rowCount() > 0, timeout=TIMEOUT)
    assert ws.map is None  # no QtWebEngine until the map is wanted
    ws.show_map()
    with qtbot.waitSignal(ws.map.reports_loaded, timeout=60_000) as loaded:
        pass
    placed = [i.row for i in ws.model.rows if i.row.lat is not None and i.row.lon is not None]
    assert loaded.args[0] == ws.map.report_count() == len(placed) > 0
    assert all(own_store.get_report(n).agency == agency for n in ws.numbers())
    # A report clicked on the map is the one shown beside it.
    number = placed[-1].number
    ws.map.report_clicked.emit(number)
    assert ws.selected_number() == number
    qtbot.waitUntil(lambda: ws.details.toPlainText().startswith(number), timeout=TIMEOUT)
    shots = os.environ.get("IOC_CONSOLE_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        qtbot.wait(1500)
        ws.grab().save(str(Path(shots) / "liaison-map-vi-1366x768.png"))
    ws.shutdown()

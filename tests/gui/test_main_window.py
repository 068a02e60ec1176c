"""The console as a user meets it: opened by the composition root on the demo data."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QMessageBox
from qasync import QEventLoop

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.store import LocalStore, ReportQuery

from ioc_console.gui.app import SETTINGS_FILE, Console, Options
from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.present import DeadlineClock
from ioc_console.gui.queue_source import COLUMNS

HOSTILE = "<b>x</b><img src=x onerror=alert(1)>"
TIMEOUT = 20_000


class Running:
    """A console opened on a data folder; closed and shut down at the end of the test."""

    def __init__(
        self, qtbot, qapp, data_dir: Path, lang: str | None = "vi", env: dict[str, str] | None = None
    ):
        self.console = Console(qapp, Options(data_dir=data_dir, lang=lang, env=env or {}))
        self.window = self.console.window
        # Without the map: QtWebEngine runs in the webengine tests' own process (test_workspace_map.py).
        self.window.with_map = False
        self._closed = False

    def open(self, qtbot, size: tuple[int, int] = (1366, 768), timeout: int = TIMEOUT) -> Running:
        self.window.resize(*size)
        with qtbot.waitSignal(self.window.queue_ready, timeout=timeout):
            self.console.start()
        return self

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.window.close()
            self.console.shutdown()
            self.window.deleteLater()


@pytest.fixture
def running(qtbot, qapp):
    opened: list[Running] = []

    def start(data_dir: Path, **kw) -> Running:
        console = Running(qtbot, qapp, data_dir, **kw)
        opened.append(console)
        return console

    yield start
    for console in opened:
        console.close()


def _shot(widget, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    assert widget.grab().save(str(path))
    extra = os.environ.get("IOC_CONSOLE_SHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(extra) / name)
    return path


def _select_row(qtbot, window, row: int) -> str:
    view = window.queue_view
    index = view.model().index(row, 0)
    view.scrollTo(index)
    rect = view.visualRect(index)
    with qtbot.waitSignal(window.report_shown, timeout=TIMEOUT) as shown:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    return shown.args[0]


def test_the_window_opens_on_the_demo_with_rows(
    qtbot, running, demo_data_dir, tmp_path, store, jurisdiction
) -> None:
    console = running(demo_data_dir).open(qtbot)
    window = console.window
    # The flags' counts come first in the title once they are known.
    assert window.windowTitle().endswith("Phản ánh hiện trường — IOC Console")
    # It opens on what needs action: the reports whose next step is the IOC's, and the overdue.
    assert window.filter_bar.view.currentText() == "Cần xử lý"
    now, boundary = DeadlineClock(jurisdiction).now_and_boundary()
    total = store.count(ReportQuery(needs_action=True, stage=True, now=now, boundary=boundary))
    assert window.queue_model.rowCount() == total > 0
    assert window.filter_bar.count.text() == f"{total} phản ánh"
    headers = [window.queue_model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))]
    assert headers == [
        "Số",
        "Tiếp nhận",
        "Hạn gần nhất",
        "Trạng thái",
        "Ưu tiên",
        "Nội dung",
        "Lĩnh vực",
        "Địa bàn",
        "Đơn vị xử lý",
        "Kênh",
    ]
    _select_row(qtbot, window, 2)
    qtbot.wait(50)

    image = QImage(str(_shot(window, tmp_path, "main-window-vi-1366x768.png")))
    assert (image.width(), image.height()) == (1366, 768)
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 100  # text, rows, icons and highlights, not a blank or single-colour window
    # The queue's first rows are painted with their numbers.
    first = window.queue_model.index(0, 0).data()
    assert first.startswith("PA-")


def test_a_wide_screen_shows_the_key_columns_beside_the_docks(
    qtbot, running, demo_data_dir, tmp_path
) -> None:
    window = running(demo_data_dir).open(qtbot, size=(1920, 1080)).window
    _select_row(qtbot, window, 0)
    view = window.queue_view
    header = view.horizontalHeader()
    # The queue shares the screen with the details and the docks: number to priority in full,
    # the content begun, the rest a scroll away.
    priority = COLUMNS.index("priority")
    right = header.sectionViewportPosition(priority) + header.sectionSize(priority)
    assert right <= view.viewport().width() - 100
    _shot(window, tmp_path, "main-window-vi-1920x1080.png")


def test_selecting_a_report_shows_its_full_history(qtbot, running, demo_data_dir, store) -> None:
    window = running(demo_data_dir).open(qtbot).window
    number = _select_row(qtbot, window, 5)
    report = store.get_report(number)
    detail = window.detail
    assert detail.number.text().startswith(number)
    assert detail.status.text() == report.status.label("vi")
    assert detail.history_model.rowCount() == len(report.history) >= 1
    assert detail.history_model.index(0, 2).data() == "Tiếp nhận phản ánh"
    assert detail.description.toPlainText() == report.description


def test_citizen_markup_stays_text_in_the_window(
    qtbot, running, demo_data_dir, make_report, tmp_path
) -> None:
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    try:
        store.upsert_reports([make_report(number="PA-2026-999999", description=HOSTILE)])
    finally:
        store.close()
    window = running(demo_data_dir).open(qtbot).window
    with qtbot.waitSignal(window.queue_ready, timeout=TIMEOUT):
        QTest.keyClicks(window.filter_bar.search, "PA-2026-999999")
    assert window.queue_model.rowCount() == 1
    assert _select_row(qtbot, window, 0) == "PA-2026-999999"
    assert window.detail.description.toPlainText() == HOSTILE
    for label in window.detail.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText
    _shot(window, tmp_path, "hostile-description.png")


def test_typing_a_search_queries_once_it_settles(qtbot, running, demo_data_dir, store) -> None:
    window = running(demo_data_dir).open(qtbot).window
    with qtbot.waitSignal(window.queue_ready, timeout=TIMEOUT):
        window.filter_bar.choose_view("all")
    queries: list[str] = []
    window.queue_model.loading_started.connect(lambda: queries.append(window.queue_model.filter.text))
    with qtbot.waitSignal(window.queue_ready, timeout=TIMEOUT):
        QTest.keyClicks(window.filter_bar.search, "ngap nuoc")
    assert queries == ["ngap nuoc"]
    expected = store.count(ReportQuery(text="ngập nước"))
    assert window.queue_model.rowCount() == expected
    assert window.filter_bar.count.text() == f"{expected} phản ánh"


def test_filter_choices_and_clearing_them(qtbot, running, demo_data_dir, store) -> None:
    window = running(demo_data_dir).open(qtbot).window
    bar = window.filter_bar
    with qtbot.waitSignal(window.queue_ready, timeout=TIMEOUT):
        bar.choose_view("all")
    total = window.queue_model.rowCount()
    with qtbot.waitSignal(window.queue_ready, timeout=TIMEOUT):
        bar.status.setCurrentIndex(bar.status.findText("Từ chối"))
    rejected = window.queue_model.rowCount()
    assert 0 < rejected < total
    with qtbot.waitSignal(window.queue_ready, timeout=TIMEOUT):
        bar.category.setCurrentIndex(bar.category.findData("traffic-safety"))
    assert window.queue_model.rowCount() < rejected
    with qtbot.waitSignal(window.queue_ready, timeout=TIMEOUT):
        QTest.mouseClick(bar.reset, Qt.MouseButton.LeftButton)
    assert window.queue_model.rowCount() == total
    assert bar.status.currentIndex() == 0 and bar.category.currentIndex() == 0


def test_the_status_bar_counts_overdue_and_due_soon(
    qtbot, running, demo_data_dir, store, jurisdiction
) -> None:
    window = running(demo_data_dir).open(qtbot).window
    now, boundary = DeadlineClock(jurisdiction).now_and_boundary()
    counts = store.deadline_counts(ReportQuery(), now, boundary)
    qtbot.waitUntil(lambda: window.overdue_button.text() != "", timeout=TIMEOUT)
    assert window.overdue_button.text() == f"Quá hạn: {counts[DeadlineState.OVERDUE]}"
    assert window.due_soon_button.text() == f"Sắp đến hạn: {counts[DeadlineState.DUE_SOON]}"
    with qtbot.waitSignal(window.queue_ready, timeout=TIMEOUT):
        QTest.mouseClick(window.overdue_button, Qt.MouseButton.LeftButton)
    assert window.queue_model.rowCount() == counts[DeadlineState.OVERDUE]


def test_geometry_and_splitter_are_remembered(qtbot, running, demo_data_dir) -> None:
    # Within the offscreen platform's 800×600 screen, which restoring a geometry respects.
    first = running(demo_data_dir).open(qtbot, size=(760, 540))
    first.window.splitter.setSizes([400, 360])
    sizes = first.window.splitter.sizes()
    size = (first.window.width(), first.window.height())
    assert size == (760, 540)
    first.close()
    second = running(demo_data_dir, lang="vi")
    assert (second.window.width(), second.window.height()) == size
    second.window.show()
    with qtbot.waitSignal(second.window.queue_ready, timeout=TIMEOUT):
        second.console.start()
    assert second.window.splitter.sizes() == sizes
    saved = QSettings(str(demo_data_dir / SETTINGS_FILE), QSettings.Format.IniFormat)
    assert set(saved.allKeys()) <= {
        "main_window/geometry",
        "main_window/splitter",
        "main_window/queue_header",
        "main_window/queue_columns",
        "main_window/state",
    }


def test_english_is_chosen_from_the_menu_for_the_next_start(qtbot, running, demo_data_dir) -> None:
    first = running(demo_data_dir, lang=None).open(qtbot)
    assert first.console.lang == "vi"
    first.window.language_actions["en"].trigger()
    first.close()
    second = running(demo_data_dir, lang=None).open(qtbot)
    assert second.console.lang == "en"
    window = second.window
    assert window.windowTitle().endswith("Field reports — IOC Console")
    assert window.queue_model.headerData(0, Qt.Orientation.Horizontal) == "Number"
    assert window.filter_bar.count.text().endswith(" reports")
    status = window.queue_model.index(0, COLUMNS.index("status")).data()
    assert status in {
        "New",
        "Forwarded",
        "In progress",
        "Closed (replied)",
        "Rejected",
        "Duplicate",
        "Resolved",
        "Returned",
        "Needs information",
        "Reopened",
    }
    second.close()
    # The command line wins over the saved choice.
    third = running(demo_data_dir, lang="vi").open(qtbot)
    assert third.window.windowTitle().endswith("Phản ánh hiện trường — IOC Console")


def test_the_first_run_builds_the_demo_store(qtbot, running, tmp_path) -> None:
    data_dir = tmp_path / "fresh"
    console = running(data_dir)
    progress: list[str] = []
    console.window.loading_label.destroyed.connect(lambda: None)
    original = console.window.show_progress
    console.window.show_progress = lambda text: (progress.append(text), original(text))
    console.window.resize(1366, 768)
    with qtbot.waitSignal(console.window.queue_ready, timeout=120_000):
        console.console.start()
        qtbot.waitUntil(lambda: any("dữ liệu mẫu" in text for text in progress), timeout=TIMEOUT)
        _shot(console.window, tmp_path, "first-run-loading.png")
    assert (data_dir / DEMO_STORE_NAME).exists()
    assert not list(data_dir.glob("*.partial*"))
    with qtbot.waitSignal(console.window.queue_ready, timeout=TIMEOUT):
        console.window.filter_bar.choose_view("all")
    assert console.window.queue_model.rowCount() > 300


def test_a_corrupt_store_is_reported_and_left_as_it_is(qtbot, running, tmp_path) -> None:
    data_dir = tmp_path / "broken"
    data_dir.mkdir()
    path = data_dir / DEMO_STORE_NAME
    garbage = b"SQLite format 3\x00" + bytes(range(256)) * 40
    path.write_bytes(garbage)
    console = running(data_dir)
    console.console.start()
    qtbot.waitUntil(lambda: console.window.findChild(QLabel, "error_text") is not None, timeout=TIMEOUT)
    text = console.window.findChild(QLabel, "error_text").text()
    assert "hỏng" in text
    assert str(path) in text
    assert path.read_bytes() == garbage
    _shot(console.window, tmp_path, "corrupt-store.png")


def test_the_qasync_loop_runs_until_the_window_closes(qtbot, qapp, demo_data_dir) -> None:
    console = Console(qapp, Options(data_dir=demo_data_dir, lang="vi", env={}))
    console.window.with_map = False
    console.window.queue_ready.connect(console.window.close)
    with asyncio.Runner(loop_factory=lambda: QEventLoop(qapp)) as runner:
        assert runner.run(asyncio.wait_for(console.main(), 60)) == 0
    assert console.executor.closed
    assert console.timings["queue shown: interactive"] > 0
    console.window.deleteLater()


def test_a_pseudo_locale_stretches_every_string(qtbot, running, demo_data_dir) -> None:
    window = running(demo_data_dir, env={"IOC_CONSOLE_TRANS_SCALE": "1.5"}).open(qtbot).window
    title = window.windowTitle()
    assert "Phản ánh hiện trường — IOC Console" in title
    assert len(title) >= 1.4 * len("Phản ánh hiện trường — IOC Console")


def test_the_data_folder_holds_only_the_store_and_the_window_settings(demo_data_dir, qtbot, running) -> None:
    running(demo_data_dir).open(qtbot).close()
    assert sorted(p.name for p in demo_data_dir.iterdir()) == sorted([SETTINGS_FILE, DEMO_STORE_NAME])


def test_the_window_fits_a_small_screen(qtbot, running, demo_data_dir) -> None:
    window = running(demo_data_dir).open(qtbot).window
    hint = window.minimumSizeHint()
    assert hint.width() <= 800 and hint.height() <= 600, hint


def test_position_helper_is_inside_the_view(qtbot, running, demo_data_dir) -> None:
    window = running(demo_data_dir).open(qtbot).window
    rect = window.queue_view.visualRect(window.queue_model.index(0, 0))
    assert window.queue_view.viewport().rect().contains(QPoint(rect.center()))


def test_a_damaged_page_is_found_after_the_queue_is_shown(qtbot, running, demo_data_dir) -> None:
    path = demo_data_dir / DEMO_STORE_NAME
    data = bytearray(path.read_bytes())
    page = 4096
    # Scribble over pages near the end (report rows and indexes), leaving the header and schema.
    for offset in range(len(data) - 6 * page, len(data) - 2 * page, page):
        data[offset : offset + page] = bytes([0x5A]) * page
    path.write_bytes(bytes(data))
    damaged = path.read_bytes()
    console = running(demo_data_dir)
    console.window.resize(1366, 768)
    with qtbot.waitSignal(console.console.checked, timeout=TIMEOUT):
        console.console.start()
    box = console.window.findChild(QMessageBox, "warning_box")
    assert box is not None and box.isVisible()
    assert "hỏng" in box.text()
    assert path.read_bytes() == damaged
    box.close()


def test_a_sound_store_passes_its_check_quietly(qtbot, running, demo_data_dir) -> None:
    console = running(demo_data_dir)
    with qtbot.waitSignal(console.console.checked, timeout=TIMEOUT):
        console.console.start()
    assert console.window.findChild(QMessageBox, "warning_box") is None
    assert "store checked" in console.console.timings

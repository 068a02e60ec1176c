"""The wall display over a real demo store: the figures the statistics give, no personal data in the
ticker, pages that turn, type that follows the screen, refreshes that pick up new reports, and the
map with the open reports (in a real page, ``webengine``)."""

from __future__ import annotations

import argparse
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

# Before the application exists: QtWebEngine and the map's URL scheme (for the map's test).
from ioc_console.gui.map import MapConfig  # isort: skip

from PySide6.QtCore import QLocale, Qt

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import compute_deadlines
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import TERMINAL, Action, Channel, Role, Status
from ioc_console.domain.report import Contact, Event, Location, Report
from ioc_console.store import LocalStore, ReportQuery
from ioc_console.store import statistics as st

from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.wall import (
    BoardRow,
    Column,
    RotatingBoard,
    WallFigures,
    WallWindow,
    add_wall_arguments,
    choose_screen,
    statistics_reader,
    wall_agency_name,
)

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
TIMEOUT = 20_000
CITIZEN = "Phạm Thị Dung"
PHONE = "0912345678"
PHONE_LIKE = re.compile(r"(?:\+?84|0)(?:[\s.-]?\d){8,10}")


def citizen_report(j: Jurisdiction, number: str, minutes: int) -> Report:
    received = NOW - timedelta(minutes=minutes)
    unit = "22747"
    place = j.units[unit]
    report = Report(
        number=number,
        channel=Channel.ZALO,
        category="environment",
        title=f"{CITIZEN} báo rác",
        description=f"Tôi là {CITIZEN}, số {PHONE}, rác ở đầu hẻm; gọi 0905 123 456 nếu cần.",
        location=Location(place.lat, place.lon, f"Nhà {CITIZEN}", unit),
        received_at=received,
        contact=Contact(CITIZEN, PHONE),
        stage_started_at=received,
        updated_at=received,
    )
    report.history.append(Event(1, received, CITIZEN, Role.CHANNEL, Action.SUBMIT, None, Status.NEW, {}))
    report.due_at, report.stage_due_at = compute_deadlines(
        report, WorkingCalendar.for_jurisdiction(j), j.policy
    )
    return report


@pytest.fixture
def own_store(demo_data_dir: Path):
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    yield store
    store.close()


@pytest.fixture
def names(jurisdiction: Jurisdiction) -> Names:
    return Names(jurisdiction, "vi")


@pytest.fixture
def wall_for(qtbot, executor, names, jurisdiction):
    made: list[WallWindow] = []

    def make(store: LocalStore, size=(1920, 1080), **options) -> WallWindow:
        clock = DeadlineClock(jurisdiction, lambda: NOW)
        wall = WallWindow(statistics_reader(store, clock), executor, names, **options)
        qtbot.addWidget(wall)
        wall.resize(*size)
        wall.show()
        made.append(wall)
        return wall

    yield make
    for wall in made:
        wall.stop()


def shown(qtbot, wall: WallWindow) -> WallFigures:
    with qtbot.waitSignal(wall.figures_shown, timeout=TIMEOUT) as blocker:
        wall.refresh()
    return blocker.args[0]


def test_the_wall_shows_what_the_statistics_say(qtbot, wall_for, own_store, jurisdiction):
    wall = wall_for(own_store)
    figures = shown(qtbot, wall)
    # The period of the statistics view's default, this month, and the wall says which.
    window = st.Period.month(2026, 11)
    assert figures.period == window
    summary = st.summary(own_store, window, NOW)
    today = st.figures(own_store, st.Period.today(NOW), NOW)
    week = st.figures(own_store, st.Period.this_week(NOW), NOW)
    locale = QLocale(QLocale.Language.Vietnamese)

    assert wall.tiles["received_today"].value == locale.toString(today.received)
    assert figures.received_week == week.received
    assert wall.tiles["open_now"].value == locale.toString(summary.open_now)
    assert wall.tiles["overdue_now"].value == locale.toString(summary.overdue_now)
    assert figures.overdue_now == summary.overdue_now > 0
    # overdue is said in shape and words, not only in red
    assert wall.tiles["overdue_now"].alert
    assert wall.tiles["overdue_now"].note == "cần xử lý ngay"
    assert wall.tiles["on_time"].value.endswith(" %")
    assert (
        wall.tiles["on_time"].value
        == QLocale(QLocale.Language.Vietnamese).toString(summary.figures.on_time_rate * 100, "f", 1) + " %"
    )
    texts = wall.texts()
    assert any("Số liệu tháng 11/2026" in t for t in texts)
    assert wall.league.title == "Đơn vị xử lý, từ thấp nhất · tháng 11/2026"
    # The league: the agencies of the statistics' league, those that need attention first.
    league = st.league(own_store, window, NOW)
    assert sorted(line.agency for line in figures.league) == sorted(r.agency for r in league)
    rates = [line.on_time_pct for line in figures.league if line.on_time_pct is not None]
    assert rates == sorted(rates) and len(set(rates)) > 1, "the lowest on-time share comes first"
    judged = [line.on_time_pct is not None for line in figures.league]
    assert judged == sorted(judged, reverse=True), "agencies with nothing judged yet come last"
    by_name = {r.agency: r for r in league}
    for first, second in zip(figures.league, figures.league[1:], strict=False):
        if first.on_time_pct == second.on_time_pct:
            assert first.overdue >= second.overdue
    assert [row.cells[0] for row in wall.league.rows] == [
        wall_agency_name(Names(jurisdiction, "vi").agency(line.agency)) for line in figures.league
    ]
    assert by_name[figures.league[0].agency].figures.on_time_rate == min(
        r.figures.on_time_rate for r in league if r.figures.on_time_rate is not None
    )
    # The supervisor's backlog: reports waiting for the IOC (to triage, or to answer).
    waiting = own_store.count(
        ReportQuery(statuses=frozenset({Status.NEW, Status.RETURNED, Status.REOPENED, Status.RESOLVED}))
    )
    assert waiting > 0 and wall.tiles["waiting_ioc"].value == locale.toString(waiting)
    assert len(wall.ticker.rows) == len(figures.ticker) > 0
    assert "Phản ánh mới nhất" in wall.texts()


def test_the_ticker_has_no_names_or_phone_numbers(qtbot, wall_for, own_store, jurisdiction):
    own_store.upsert_reports([citizen_report(jurisdiction, f"PA-W-{i}", minutes=i) for i in range(1, 4)])
    wall = wall_for(own_store)
    figures = shown(qtbot, wall)
    assert {t.number for t in figures.ticker} >= {"PA-W-1", "PA-W-2", "PA-W-3"}
    words = "\n".join(wall.texts())
    assert CITIZEN not in words
    assert PHONE not in words and "0905 123 456" not in words
    assert not PHONE_LIKE.search(words)
    assert "rác ở đầu hẻm" not in words  # the citizen's own words stay off the wall
    newest = wall.ticker.rows[0]
    assert newest.cells[1] == "Vệ sinh môi trường" or newest.cells[1]  # the category's name
    assert "Zalo" in newest.subline or "·" not in newest.subline


def test_the_ticker_says_the_day_of_an_older_report(qtbot, wall_for, own_store, jurisdiction):
    own_store.upsert_reports(
        [
            citizen_report(jurisdiction, "PA-W-TODAY", minutes=20),
            citizen_report(jurisdiction, "PA-W-OLD", minutes=3 * 24 * 60),
        ]
    )
    wall = wall_for(own_store)
    figures = shown(qtbot, wall)
    cells = {t.number: row.cells[0] for t, row in zip(figures.ticker, wall.ticker.rows, strict=True)}
    assert cells["PA-W-TODAY"] == "10:10"  # today's by the time
    assert cells["PA-W-OLD"] == "24/11"  # an older one by its day, never a time that passes for today
    row = wall.ticker.rows[[t.number for t in figures.ticker].index("PA-W-TODAY")]
    assert row.subline.startswith("Mới tiếp nhận · ")  # the status in words, then the place and channel


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (3840, 2160)])
def test_column_heads_never_run_together(qtbot, wall_for, own_store, size):
    from PySide6.QtGui import QFontMetricsF

    wall = wall_for(own_store, size=size)
    shown(qtbot, wall)
    for board in (wall.league, wall.ticker):
        u = board.unit
        _lefts, widths = board._columns_x(0, board.width() - u * 88)
        metrics = QFontMetricsF(board._head_font(widths))
        for column, width in zip(board.columns, widths, strict=True):
            assert metrics.horizontalAdvance(column.title) <= width - u * 10, (
                board.objectName(),
                column.title,
            )


def test_a_refresh_picks_up_a_new_report_and_runs_coalesce(qtbot, wall_for, own_store, jurisdiction):
    wall = wall_for(own_store)
    before = shown(qtbot, wall)
    own_store.upsert_reports([citizen_report(jurisdiction, "PA-W-NEW", minutes=1)])
    seen: list[WallFigures] = []
    wall.figures_shown.connect(seen.append)
    wall.refresh()
    wall.refresh()  # while the first read runs: one more read after it, not two
    wall.refresh()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=TIMEOUT)
    qtbot.wait(300)
    assert len(seen) == 2
    assert seen[-1].received_today == before.received_today + 1
    assert seen[-1].ticker[0].number == "PA-W-NEW"


def test_the_timer_refreshes_without_being_asked(qtbot, wall_for, own_store):
    wall = wall_for(own_store, refresh_ms=200)
    with qtbot.waitSignal(wall.figures_shown, timeout=TIMEOUT):
        wall.start()
    with qtbot.waitSignal(wall.figures_shown, timeout=TIMEOUT):
        pass


def test_type_follows_the_screen_height(qtbot, wall_for, own_store):
    wall = wall_for(own_store)
    shown(qtbot, wall)
    tile = wall.tiles["open_now"]
    small = (tile.height(), wall.league.rows_per_page())
    wall.resize(3840, 2160)
    # the same rows at 4K, twice as large
    qtbot.waitUntil(lambda: (tile.height(), wall.league.rows_per_page()) == (2 * small[0], small[1]))
    assert tile.unit == wall.unit() == 2.0


def test_pages_turn_when_more_rows_than_fit(qtbot, names):
    board = RotatingBoard("b", "Bảng", [Column("A", 1), Column("B", 1)])
    qtbot.addWidget(board)
    board.resize(800, 400)
    board.show()
    per = board.rows_per_page()
    board.set_rows([BoardRow((f"dòng {i}", str(i))) for i in range(per * 2 + 1)])
    assert board.page_count() == 3
    first = board.visible_rows()
    board.advance()
    assert board.visible_rows()[0].cells[0] == f"dòng {per}"
    board.advance()
    assert len(board.visible_rows()) == 1
    board.advance()
    assert board.visible_rows() == first
    board.set_rows([BoardRow(("một", "1"))])
    board.advance()
    assert board.page == 0 and board.page_count() == 1


def test_wall_rotates_its_panels_on_a_timer(qtbot, wall_for, own_store):
    wall = wall_for(own_store, size=(1280, 720), rotate_ms=100)
    shown(qtbot, wall)
    assert wall.ticker.page_count() > 1
    wall.start()
    qtbot.waitUntil(lambda: wall.ticker.page == 1, timeout=TIMEOUT)


def test_wall_arguments_and_screen():
    parser = argparse.ArgumentParser()
    add_wall_arguments(parser)
    args = parser.parse_args(["--wall", "--screen", "1"])
    assert args.wall and args.screen == 1
    assert not parser.parse_args([]).wall
    assert choose_screen(1) is not None
    assert choose_screen(99) is choose_screen(None)


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
def test_the_wall_map_holds_the_open_reports(qtbot, wall_for, own_store, tmp_path):
    wall = wall_for(own_store, with_map=True, map_config=MapConfig(tiles=(), cache_dir=tmp_path / "map"))
    with qtbot.waitSignal(wall.map.ready, timeout=60_000):
        pass
    with qtbot.waitSignal(wall.map.reports_loaded, timeout=60_000) as loaded:
        wall.refresh()
    open_count = own_store.count(ReportQuery(statuses=frozenset(Status) - TERMINAL))
    assert loaded.args[0] == open_count == wall.map.report_count()
    assert wall.map.view().zoomFactor() == pytest.approx(1.0)
    _look_at_the_map(qtbot, wall, 1080)
    wall.resize(3840, 2160)
    assert wall.map.view().zoomFactor() == pytest.approx(2.0)  # the map scales with the wall's type
    _look_at_the_map(qtbot, wall, 2160)
    # The map and the ticker take turns in the right-hand panel: the map first, for two turns,
    # then each page of the ticker, then the map again.
    assert wall.showing_map()
    wall.rotate_side()
    assert wall.showing_map()
    wall.rotate_side()
    assert wall.side.currentWidget() is wall.ticker and wall.ticker.page == 0
    for page in range(1, wall.ticker.page_count()):
        wall.rotate_side()
        assert wall.ticker.page == page and not wall.showing_map()
    wall.rotate_side()
    assert wall.showing_map()
    wall.close()
    wall.map.dispose()


def _look_at_the_map(qtbot, wall: WallWindow, height: int) -> None:
    """From five metres: district names at least 2 % of the screen's height, no zoom buttons and no
    legend to fold on a screen nobody touches; a picture of the wall when asked for."""
    import json
    import os

    from PySide6.QtWebEngineCore import QWebEngineScript

    def js(code: str):  # type: ignore[no-untyped-def]
        results: list[object] = []
        wall.map.page().runJavaScript(code, QWebEngineScript.ScriptWorldId.ApplicationWorld, results.append)
        qtbot.waitUntil(lambda: bool(results), timeout=20_000)
        return results[0]

    qtbot.waitUntil(
        lambda: any(label["shown"] for label in json.loads(js("iocMap.labels()"))), timeout=20_000
    )
    zoom = wall.map.view().zoomFactor()
    districts = [label for label in json.loads(js("iocMap.labels()")) if label["major"] and label["shown"]]
    assert districts
    assert min(label["font"] for label in districts) * zoom >= 0.02 * height
    state = json.loads(js("iocMap.state()"))
    assert not state["zoomControl"] and not state["legend"]
    shots = os.environ.get("IOC_CONSOLE_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        qtbot.wait(1500)
        wall.grab().save(str(Path(shots) / f"wall-{wall.width()}x{wall.height()}.png"))


def test_committees_are_named_short_enough_for_the_wall() -> None:
    assert wall_agency_name("UBND huyện Thuận Bắc") == "H. Thuận Bắc"
    assert wall_agency_name("UBND thành phố Phan Rang–Tháp Chàm") == "TP Phan Rang–Tháp Chàm"
    assert wall_agency_name("UBND phường Mỹ Hương") == "P. Mỹ Hương"
    assert wall_agency_name("Công an tỉnh") == "Công an tỉnh"
    assert (
        wall_agency_name("Phường Thanh Sơn – Thành phố Phan Rang–Tháp Chàm")
        == "P. Thanh Sơn – TP Phan Rang–Tháp Chàm"
    )


def test_esc_and_ctrl_q_leave_the_wall(qtbot, wall_for, own_store):
    from PySide6.QtTest import QTest

    for keys in (
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
    ):
        wall = wall_for(own_store)
        wall.activateWindow()
        qtbot.waitUntil(wall.isVisible)
        QTest.keyClick(wall, keys[0], keys[1])
        qtbot.waitUntil(lambda wall=wall: not wall.isVisible(), timeout=5000)

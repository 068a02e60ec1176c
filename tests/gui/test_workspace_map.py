"""The workspace's map in a real QtWebEngine page, docked in the real window: selection both ways,
the queue's filter, live changes, and citizen text shown as text in the popup and the details."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

# Before the application exists: QtWebEngine and the map's URL scheme.
from ioc_console.gui.map import MapConfig  # isort: skip

from test_workspace import NOW, STATUS, Integrated, new_report, shot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import QWebEngineScript
from PySide6.QtWidgets import QLabel

from ioc_console.domain.jurisdiction import Jurisdiction, Unit
from ioc_console.domain.lifecycle import Action, Status
from ioc_console.store import LocalStore, ReportQuery

from ioc_console.gui.datasource import DEMO_STORE_NAME
from ioc_console.gui.map.data import decode_style

pytestmark = [pytest.mark.gui, pytest.mark.webengine]

engine_noise = pytest.mark.qt_log_ignore(
    r"QRhiGles2: Failed to create (temporary )?context",
    r"Failed to create RHI for backend",
    r"This plugin does not support createPlatformVulkanInstance",
    r"QVulkanInstance: Failed to initialize Vulkan",
    r"GBM is not supported",
    r"GPUInfo not initialized",
    r"This plugin does not support propagateSizeHints\(\)",
    r"This plugin does not support raise\(\)",
    r"This plugin does not support grabbing the keyboard",
)

XSS = "<img src=x onerror=\"document.title='pwned'\">\n</script><script>document.title='pwned'</script>"
WORDS = "Kiểm thử bản đồ"
WAIT = 30_000


def spread_units(j: Jurisdiction, n: int) -> list[Unit]:
    """``n`` communes as far from each other as can be."""
    units = sorted(j.leaf_units(), key=lambda u: u.code)
    chosen = [units[0]]
    while len(chosen) < n:
        chosen.append(
            max(units, key=lambda u: min((u.lat - c.lat) ** 2 + (u.lon - c.lon) ** 2 for c in chosen))
        )
    return chosen


def run_js(qtbot, widget, code: str, world=QWebEngineScript.ScriptWorldId.ApplicationWorld) -> Any:
    results: list[Any] = []
    widget.page().runJavaScript(code, world, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT)
    return results[0]


def state(qtbot, widget) -> dict[str, Any]:
    return json.loads(run_js(qtbot, widget, "iocMap.state()"))


def drawn(qtbot, widget) -> dict[str, dict[str, Any]]:
    return {p["n"]: p for p in json.loads(run_js(qtbot, widget, "iocMap.drawn()"))}


def click(widget, point: dict[str, Any]) -> None:
    QTest.mouseClick(
        widget.view().focusProxy(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(round(point["x"]), round(point["y"])),
    )


@pytest.fixture
def with_map(qtbot, demo_data_dir: Path, jurisdiction: Jurisdiction, tmp_path: Path):
    places = spread_units(jurisdiction, 4)
    store = LocalStore.open(demo_data_dir / DEMO_STORE_NAME)
    reports = [
        new_report(jurisdiction, f"PA-M-{i}", "environment", u.code, 30 + i, f"{WORDS} số {i}")
        for i, u in enumerate(places[:3])
    ]
    hostile = new_report(jurisdiction, "PA-X-1", "environment", places[3].code, 10, XSS)
    hostile.title = "</script><b>tiêu đề</b>"
    store.upsert_reports([*reports, hostile])
    store.close()
    opened: list[Integrated] = []

    def open_window(**options) -> Integrated:
        window = Integrated(
            qtbot,
            demo_data_dir,
            jurisdiction,
            [NOW],
            with_map=True,
            map_config=MapConfig(tiles=(), cache_dir=tmp_path / "map"),
            **options,
        )
        opened.append(window)
        window.map_loads = []
        window.ws.map_loaded.connect(window.map_loads.append)
        qtbot.waitUntil(lambda: window.ws.map is not None and window.ws.map.is_ready(), timeout=WAIT)
        qtbot.waitUntil(lambda: bool(window.map_loads), timeout=WAIT)
        return window

    yield open_window
    for window in opened:
        page = window.ws.map.page() if window.ws.map is not None else None
        errors = list(page.console_errors) if page is not None else []
        window.close()
        assert errors == []


def wait_map_shows(qtbot, w: Integrated, count: int) -> None:
    widget = w.ws.map
    qtbot.waitUntil(
        lambda: widget.report_count() > 0 and state(qtbot, widget)["visible"] == count, timeout=WAIT
    )
    qtbot.waitUntil(lambda: len(drawn(qtbot, widget)) == count, timeout=WAIT)


@engine_noise
def test_selection_round_trips_between_the_queue_and_the_map(qtbot, with_map, tmp_path) -> None:
    w = with_map()
    widget = w.ws.map
    assert w.window.docks["map_dock"].widget().isAncestorOf(widget)
    # Every located report is drawn from the store (the map reads only those with a place).
    located = [r for r in w.store.query(ReportQuery()) if r.lat is not None and r.lon is not None]
    assert len(located) < w.store.count(ReportQuery())
    assert w.map_loads == [len(located)] and widget.report_count() == len(located)
    # The queue's filter applies to the map: only the three test reports are drawn.
    numbers = w.show_queue(qtbot, text=WORDS, sort="number", descending=False)
    assert numbers == ["PA-M-0", "PA-M-1", "PA-M-2"]
    wait_map_shows(qtbot, w, 3)

    # Queue → map.
    w.select(qtbot, ["PA-M-1"])
    qtbot.waitUntil(lambda: state(qtbot, widget)["selected"] == "PA-M-1", timeout=WAIT)

    # Map → queue: a real click on another report's marker selects its row and shows it.
    target = drawn(qtbot, widget)["PA-M-2"]
    with qtbot.waitSignal(w.window.report_shown, timeout=WAIT) as shown:
        click(widget, target)
    assert shown.args == ["PA-M-2"]
    rows = w.window.queue_view.selectionModel().selectedRows()
    assert [r.row() for r in rows] == [w.row_of("PA-M-2")]
    assert w.window.detail.report.number == "PA-M-2"
    shot(w.window, tmp_path, "workspace-map-selection.png")

    # A live change reaches the map without reloading the page: forward it, it shows as pending.
    loads = widget.loads()
    with qtbot.waitSignal(w.ws.map_followed, timeout=WAIT):
        w.ws.service.perform(["PA-M-2"], Action.FORWARD, {"agency": "so-tnmt"})
    qtbot.waitUntil(lambda: w.cell("PA-M-2", STATUS).endswith("chờ gửi"), timeout=WAIT)
    qtbot.waitUntil(
        lambda: decode_style(drawn(qtbot, widget)["PA-M-2"]["s"])[0] is Status.FORWARDED, timeout=WAIT
    )
    assert widget.loads() == loads  # the same page, never reloaded
    assert w.store.get_report("PA-M-2").status is Status.FORWARDED


@engine_noise
def test_citizen_markup_is_text_in_the_map_popup_and_the_details(qtbot, with_map, tmp_path) -> None:
    w = with_map()
    widget = w.ws.map
    main = QWebEngineScript.ScriptWorldId.MainWorld
    assert w.show_queue(qtbot, text="PA-X-1") == ["PA-X-1"]
    wait_map_shows(qtbot, w, 1)
    title_before = run_js(qtbot, widget, "document.title", main)

    with qtbot.waitSignal(w.window.report_shown, timeout=WAIT):
        click(widget, drawn(qtbot, widget)["PA-X-1"])
    qtbot.waitUntil(
        lambda: run_js(qtbot, widget, "document.querySelectorAll('.ioc-popup-description').length") == 1,
        timeout=WAIT,
    )
    assert run_js(qtbot, widget, "document.querySelector('.ioc-popup-description').textContent") == XSS
    assert (
        run_js(qtbot, widget, "document.querySelector('.ioc-popup-title').textContent")
        == "</script><b>tiêu đề</b>"
    )
    assert (
        run_js(qtbot, widget, "document.querySelectorAll('.leaflet-popup img, .leaflet-popup b').length") == 0
    )
    assert run_js(qtbot, widget, "document.querySelectorAll('img[src=\"x\"], body script').length", main) == 0
    assert run_js(qtbot, widget, "document.title", main) == title_before != "pwned"

    # The details show the same words as plain text.
    detail = w.window.detail
    assert detail.report.number == "PA-X-1"
    assert detail.description.toPlainText() == XSS
    assert detail.number.text() == "PA-X-1 · </script><b>tiêu đề</b>"
    for label in detail.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText
    if os.environ.get("IOC_CONSOLE_SHOTS"):
        shot(w.window, tmp_path, "workspace-map-hostile.png")


@engine_noise
def test_the_map_reads_its_reports_in_parts_and_draws_them_all(qtbot, with_map, monkeypatch) -> None:
    from ioc_console.gui import workspace

    parts: list[int] = []
    read_part = workspace.read_map_part

    def counted(store, clock, after, limit=workspace.MAP_PART):  # type: ignore[no-untyped-def]
        found = read_part(store, clock, after, limit)
        parts.append(len(found))
        return found

    monkeypatch.setattr(workspace, "MAP_PART", 120)
    monkeypatch.setattr(workspace, "read_map_part", counted)
    w = with_map()
    located = [r for r in w.store.query(ReportQuery()) if r.lat is not None and r.lon is not None]
    assert len(parts) == len(located) // 120 + 1 and sum(parts) == len(located)
    assert w.map_loads == [len(located)] and w.ws.map.report_count() == len(located)
    assert state(qtbot, w.ws.map)["count"] == len(located)

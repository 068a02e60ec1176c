"""The map in a real QtWebEngine page: bridge, selection, citizen text, isolation, requests, updates."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import (
    QWebEngineScript,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.jurisdiction import Jurisdiction, Unit
from ioc_console.domain.lifecycle import Status

from ioc_console.gui.map import MapConfig, MapReport, MapWidget, TileSource
from ioc_console.gui.map.mbtiles import scheme_registered

pytestmark = [pytest.mark.gui, pytest.mark.webengine]

#: QtWebEngine looking for a GPU on a machine without one, and the offscreen platform's own line:
#: the environment's messages, not ours. (A test's own marker replaces the folder's, hence all here.)
engine_noise = pytest.mark.qt_log_ignore(
    r"QRhiGles2: Failed to create (temporary )?context",
    r"Failed to create RHI for backend",
    r"This plugin does not support createPlatformVulkanInstance",
    r"QVulkanInstance: Failed to initialize Vulkan",
    r"GBM is not supported",
    r"GPUInfo not initialized",
    r"This plugin does not support propagateSizeHints\(\)",
)

XSS_IMG = "<img src=x onerror=\"document.title='pwned'\">"
XSS_SCRIPT = "</script><script>document.title='pwned'</script>"
WAIT = 20_000


class RequestRecorder(QWebEngineUrlRequestInterceptor):
    """Records every request the page makes; blocks any that is not a local file or Qt resource."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.remote: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        self.urls.append(url.toString())
        if url.scheme() not in ("file", "qrc"):
            self.remote.append(url.toString())
            info.block(True)


def run_js(qtbot, widget: MapWidget, code: str, world=QWebEngineScript.ScriptWorldId.ApplicationWorld) -> Any:
    results: list[Any] = []
    widget.page().runJavaScript(code, world, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT)
    return results[0]


def state(qtbot, widget: MapWidget) -> dict[str, Any]:
    return json.loads(run_js(qtbot, widget, "iocMap.state()"))


def drawn(qtbot, widget: MapWidget) -> dict[str, dict[str, Any]]:
    return {p["n"]: p for p in json.loads(run_js(qtbot, widget, "iocMap.drawn()"))}


def click(widget: MapWidget, x: float, y: float) -> None:
    target = widget.view().focusProxy()
    QTest.mouseClick(
        target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(round(x), round(y))
    )


def spread_units(j: Jurisdiction, n: int) -> list[Unit]:
    """``n`` communes as far from each other as can be (farthest-point sampling)."""
    units = sorted(j.leaf_units(), key=lambda u: u.code)
    chosen = [units[0]]
    while len(chosen) < n:
        chosen.append(
            max(units, key=lambda u: min((u.lat - c.lat) ** 2 + (u.lon - c.lon) ** 2 for c in chosen))
        )
    return chosen


def spread_reports(j: Jurisdiction, n: int = 8, **overrides: Any) -> list[MapReport]:
    """One report at each of ``n`` communes' centroids: far enough apart not to cluster."""
    units = spread_units(j, n)
    return [
        MapReport(
            number=f"PA-2026-{i:05d}",
            lat=u.lat,
            lon=u.lon,
            status=Status.IN_PROGRESS,
            deadline_state=DeadlineState.ON_TRACK,
            category="environment",
            description=f"Mô tả {i}",
            title=f"Tiêu đề {i}",
            address=u.name,
            **overrides,
        )
        for i, u in enumerate(units)
    ]


@pytest.fixture
def recorder() -> RequestRecorder:
    return RequestRecorder()


@pytest.fixture
def make_map(qtbot, tmp_path: Path, recorder: RequestRecorder):
    widgets: list[MapWidget] = []

    def make(
        config: MapConfig | None = None, interceptor: QWebEngineUrlRequestInterceptor | None = None
    ) -> MapWidget:
        widget = MapWidget(
            config or MapConfig(tiles=(), cache_dir=tmp_path), interceptor=interceptor or recorder
        )
        widget.resize(1200, 900)
        widget.show()
        widgets.append(widget)
        return widget

    yield make
    for widget in widgets:
        errors = widget.page().console_errors
        widget.dispose()
        widget.close()
        widget.deleteLater()
        assert errors == []  # nothing the page said was a script error


@pytest.fixture
def loaded_map(qtbot, make_map, jurisdiction: Jurisdiction):
    def load(rows: list[MapReport], config: MapConfig | None = None, **kw: Any) -> MapWidget:
        widget = make_map(config, **kw)
        widget.set_units(jurisdiction)
        with qtbot.waitSignal(widget.reports_loaded, timeout=WAIT) as loaded:
            widget.set_reports(rows)
        assert loaded.args == [len(rows)]
        if 0 < len(rows) <= 12:
            # Once the view has its size, spread reports are each drawn on their own.
            qtbot.waitUntil(lambda: len(drawn(qtbot, widget)) == len(rows), timeout=WAIT)
        return widget

    return load


@engine_noise
def test_selection_round_trips_between_python_and_the_page(qtbot, loaded_map, jurisdiction):
    rows = spread_reports(jurisdiction)
    widget = loaded_map(rows)
    wanted = rows[3].number

    widget.select(wanted)
    qtbot.waitUntil(lambda: state(qtbot, widget)["selected"] == wanted, timeout=WAIT)
    assert state(qtbot, widget)["selectionShown"]  # the ring is in the page
    point = json.loads(run_js(qtbot, widget, "iocMap.selectedPoint()"))
    assert abs(point["x"] - drawn(qtbot, widget)[wanted]["x"]) < 1  # drawn where the ring is

    # A real click on another report's marker comes back as report_clicked and a selection.
    other = drawn(qtbot, widget)[rows[6].number]
    with (
        qtbot.waitSignal(widget.report_clicked, timeout=WAIT) as clicked,
        qtbot.waitSignal(widget.selection_changed, timeout=WAIT) as changed,
    ):
        click(widget, other["x"], other["y"])
    assert clicked.args == [rows[6].number]
    assert changed.args == [rows[6].number]
    assert state(qtbot, widget)["selected"] == rows[6].number
    assert widget.selected() == rows[6].number

    # And clicking where the first one is drawn (the popup may have panned the map) reports it.
    qtbot.wait(600)  # not a double click
    point = drawn(qtbot, widget)[wanted]
    with qtbot.waitSignal(widget.report_clicked, timeout=WAIT) as clicked:
        click(widget, point["x"], point["y"])
    assert clicked.args == [wanted]


@engine_noise
def test_citizen_text_shows_as_text_in_popup_and_tooltip(qtbot, loaded_map, jurisdiction):
    rows = spread_reports(jurisdiction, n=4)
    place = spread_units(jurisdiction, 5)[4]  # apart from the other four
    evil = MapReport(
        number="PA-2026-66666",
        lat=place.lat,
        lon=place.lon,
        status=Status.NEW,
        deadline_state=DeadlineState.OVERDUE,
        category="environment",
        description=XSS_IMG + "\n" + XSS_SCRIPT,
        title=XSS_SCRIPT,
        address=XSS_IMG,
    )
    widget = loaded_map([*rows, evil])
    main = QWebEngineScript.ScriptWorldId.MainWorld
    title_before = run_js(qtbot, widget, "document.title", main)

    target = drawn(qtbot, widget)[evil.number]
    click(widget, target["x"], target["y"])
    qtbot.waitUntil(
        lambda: run_js(qtbot, widget, "document.querySelectorAll('.ioc-popup-description').length") == 1,
        timeout=WAIT,
    )
    assert (
        run_js(qtbot, widget, "document.querySelector('.ioc-popup-description').textContent")
        == evil.description
    )
    assert run_js(qtbot, widget, "document.querySelector('.ioc-popup-title').textContent") == XSS_SCRIPT
    assert run_js(qtbot, widget, "document.querySelector('.ioc-popup-address').textContent") == XSS_IMG
    # Nothing became markup, nothing ran.
    assert (
        run_js(qtbot, widget, "document.querySelectorAll('.leaflet-popup img, .leaflet-popup script').length")
        == 0
    )
    assert run_js(qtbot, widget, "document.querySelectorAll('img[src=\"x\"], body script').length", main) == 0
    assert run_js(qtbot, widget, "document.title", main) == title_before != "pwned"

    # The tooltip, once the text is known, shows it as text too.
    QTest.mouseMove(widget.view().focusProxy(), QPoint(10, 10))
    QTest.mouseMove(widget.view().focusProxy(), QPoint(round(target["x"]), round(target["y"])))
    qtbot.waitUntil(
        lambda: run_js(qtbot, widget, "document.querySelectorAll('.ioc-tip-text').length") == 1, timeout=WAIT
    )
    assert run_js(qtbot, widget, "document.querySelector('.ioc-tip-text').textContent") == XSS_SCRIPT
    qtbot.wait(200)
    assert run_js(qtbot, widget, "document.title", main) == title_before


@engine_noise
def test_the_bridge_is_unreachable_from_page_content(qtbot, loaded_map, jurisdiction):
    widget = loaded_map(spread_reports(jurisdiction, n=3))
    main = QWebEngineScript.ScriptWorldId.MainWorld
    app = QWebEngineScript.ScriptWorldId.ApplicationWorld
    # Our world has the channel, Leaflet and the map...
    assert run_js(
        qtbot, widget, "typeof qt + ' ' + typeof QWebChannel + ' ' + typeof L + ' ' + typeof iocMap", app
    ) == ("object function object object")
    # ...the page's own world has none of them, and no global holding the map.
    assert run_js(
        qtbot, widget, "typeof qt + ' ' + typeof QWebChannel + ' ' + typeof L + ' ' + typeof iocMap", main
    ) == ("undefined undefined undefined undefined")
    assert run_js(qtbot, widget, "Object.keys(window).filter(k => k.startsWith('map_')).length", main) == 0
    # And the document itself holds no script element at all.
    assert run_js(qtbot, widget, "document.scripts.length", main) == 0


@engine_noise
def test_the_page_makes_no_network_request(qtbot, loaded_map, jurisdiction, recorder):
    widget = loaded_map(spread_reports(jurisdiction))
    first = drawn(qtbot, widget)[spread_reports(jurisdiction)[0].number]
    click(widget, first["x"], first["y"])
    qtbot.waitUntil(lambda: state(qtbot, widget)["popup"] is not None, timeout=WAIT)
    widget.fit_bounds(11.5, 108.9, 11.6, 109.0)
    qtbot.wait(300)
    assert any(url.startswith("file:") and url.endswith("leaflet.css") for url in recorder.urls)
    assert recorder.remote == []


@engine_noise
def test_an_online_base_layer_requests_only_its_tiles(qtbot, loaded_map, jurisdiction, recorder, tmp_path):
    tiles = TileSource("https://tiles.example.invalid/{z}/{x}/{y}.png", "© Example", name="Example")
    widget = loaded_map(spread_reports(jurisdiction), MapConfig(tiles=(tiles,), cache_dir=tmp_path))
    qtbot.waitUntil(lambda: len(recorder.remote) > 0, timeout=WAIT)
    assert all(url.startswith("https://tiles.example.invalid/") for url in recorder.remote)
    # No tile arrives (they are blocked): the map says so in words, and credits no tile server.
    qtbot.waitUntil(lambda: state(qtbot, widget)["basemap"] == "missing", timeout=WAIT)
    found = state(qtbot, widget)
    assert found["notice"].startswith("Không tải được bản đồ nền")
    assert "© Example" not in found["attribution"]
    assert found["baseShown"]  # the outlines stand in for it


@engine_noise
def test_the_province_is_drawn_from_the_pack_without_tiles(qtbot, loaded_map, jurisdiction):
    widget = loaded_map([])
    names = json.loads(
        run_js(
            qtbot,
            widget,
            "JSON.stringify(Array.from(document.querySelectorAll('.ioc-unit-body'))"
            ".filter(e => e.title).map(e => [e.title, e.querySelector('.ioc-unit-name').textContent]))",
        )
    )
    expected = sorted(u.name for u in jurisdiction.units.values() if u.kind != "province")
    # Every unit is named (its full name on hover), districts written short as maps do.
    assert sorted(full for full, _ in names) == expected
    shown = dict(names)
    assert shown["Huyện Ninh Phước"] == "Ninh Phước"
    assert shown["Thành phố Phan Rang–Tháp Chàm"] == "TP. Phan Rang–Tháp Chàm"
    assert shown["Phường Đô Vinh"] == "Phường Đô Vinh"
    assert (
        run_js(qtbot, widget, "document.querySelector('.ioc-region-name').textContent") == jurisdiction.name
    )
    assert state(qtbot, widget)["units"] == 2 + len(expected)  # the frame, its name, the units
    # The view was fitted to the province's frame.
    lat, lon = state(qtbot, widget)["center"]
    south, west, north, east = jurisdiction.bbox
    assert south < lat < north and west < lon < east
    # And it is painted: the land, the frame and the names, not a blank view.
    qtbot.waitUntil(lambda: len(_colours(widget)) > 5, timeout=WAIT)


@engine_noise
def test_live_changes_reach_the_map_without_reloading(qtbot, loaded_map, jurisdiction):
    rows = spread_reports(jurisdiction)
    widget = loaded_map(rows)
    before = drawn(qtbot, widget)[rows[2].number]

    changed = MapReport(**{**_fields(rows[2]), "deadline_state": DeadlineState.OVERDUE})
    with qtbot.waitSignal(widget.acknowledged, timeout=WAIT) as ack:
        seq = widget.update_report(changed)
    assert ack.args == [seq]
    after = drawn(qtbot, widget)[rows[2].number]
    assert after["s"] != before["s"]

    added = MapReport(**{**_fields(rows[2]), "number": "PA-2026-99999", "lat": rows[2].lat + 0.08})
    with qtbot.waitSignal(widget.acknowledged, timeout=WAIT):
        widget.update_report(added)
    assert "PA-2026-99999" in drawn(qtbot, widget)
    assert state(qtbot, widget)["count"] == len(rows) + 1

    with qtbot.waitSignal(widget.acknowledged, timeout=WAIT):
        widget.remove_report(rows[5].number)
    assert rows[5].number not in drawn(qtbot, widget)
    # Later the index is rebuilt with the changes folded in; still the same page.
    qtbot.waitUntil(lambda: state(qtbot, widget)["dirty"] == 0, timeout=WAIT)
    assert state(qtbot, widget)["indexed"] == len(rows)
    assert widget.loads() == (1, 1)


@engine_noise
def test_a_filter_applies_to_the_map(qtbot, loaded_map, jurisdiction):
    rows = spread_reports(jurisdiction)
    widget = loaded_map(rows)
    keep = [rows[1].number, rows[4].number]
    with qtbot.waitSignal(widget.acknowledged, timeout=WAIT):
        widget.set_visible(keep)
    assert sorted(drawn(qtbot, widget)) == sorted(keep)
    with qtbot.waitSignal(widget.acknowledged, timeout=WAIT):
        widget.set_visible(None)
    assert len(drawn(qtbot, widget)) == len(rows)


@engine_noise
def test_clusters_count_reports_and_overdue_ones(qtbot, loaded_map, jurisdiction):
    unit = jurisdiction.leaf_units()[0]
    rows = [
        MapReport(
            number=f"PA-C-{i}",
            lat=unit.lat + i * 1e-4,
            lon=unit.lon,
            status=Status.IN_PROGRESS,
            deadline_state=DeadlineState.OVERDUE if i < 7 else DeadlineState.ON_TRACK,
        )
        for i in range(30)
    ]
    widget = loaded_map(rows)
    clusters = json.loads(run_js(qtbot, widget, "iocMap.clusters()"))
    assert [(c["count"], c["overdue"]) for c in clusters] == [(30, 7)]
    assert drawn(qtbot, widget) == {}
    # It is painted: the overdue badge's red is on screen.
    qtbot.waitUntil(lambda: _has_colour(widget, QColor("#c62828"), step=2), timeout=WAIT)
    # Hovering over it says how many; clicking it zooms in until its reports are drawn one by one.
    x, y = round(clusters[0]["x"]), round(clusters[0]["y"])
    QTest.mouseMove(widget.view().focusProxy(), QPoint(x - 60, y - 60))
    QTest.mouseMove(widget.view().focusProxy(), QPoint(x, y))
    qtbot.waitUntil(
        lambda: (
            "30" in (run_js(qtbot, widget, "(document.querySelector('.ioc-tip') || {}).textContent") or "")
        ),
        timeout=WAIT,
    )
    zoom = state(qtbot, widget)["zoom"]
    click(widget, x, y)
    qtbot.waitUntil(lambda: state(qtbot, widget)["zoom"] > zoom, timeout=WAIT)

    def split() -> bool:
        parts = json.loads(run_js(qtbot, widget, "iocMap.clusters()"))
        singles = drawn(qtbot, widget)
        return len(parts) + len(singles) >= 2 and sum(c["count"] for c in parts) + len(singles) == 30

    qtbot.waitUntil(split, timeout=WAIT)
    # Close enough, every report is drawn on its own.
    widget.fit_bounds(unit.lat - 0.0002, unit.lon - 0.0002, unit.lat + 0.0032, unit.lon + 0.0002)
    qtbot.waitUntil(lambda: len(drawn(qtbot, widget)) == 30, timeout=WAIT)


@engine_noise
def test_move_mode_reports_where_the_marker_was_dropped(qtbot, loaded_map, jurisdiction):
    rows = spread_reports(jurisdiction)
    widget = loaded_map(rows)
    number = rows[4].number
    widget.begin_move(number)
    qtbot.waitUntil(lambda: run_js(qtbot, widget, "iocMap.movingPoint()") is not None, timeout=WAIT)
    start = json.loads(run_js(qtbot, widget, "iocMap.movingPoint()"))
    target = widget.view().focusProxy()
    grab = QPoint(round(start["x"]), round(start["y"]) - 14)  # the pin's body sits above its tip
    with qtbot.waitSignal(widget.marker_moved, timeout=WAIT) as moved:
        QTest.mousePress(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, grab)
        for step in range(1, 11):
            QTest.mouseMove(target, grab + QPoint(6 * step, 4 * step))
            qtbot.wait(16)
        QTest.mouseRelease(
            target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, grab + QPoint(60, 40)
        )
    moved_number, lat, lon = moved.args
    assert moved_number == number
    assert lat < rows[4].lat and lon > rows[4].lon  # dropped down and to the right
    widget.end_move()
    qtbot.waitUntil(lambda: state(qtbot, widget)["moving"] is None, timeout=WAIT)


@engine_noise
def test_a_click_on_the_map_gives_its_coordinates(qtbot, loaded_map, jurisdiction):
    widget = loaded_map(spread_reports(jurisdiction, n=2))
    widget.set_pick_mode(True)
    qtbot.waitUntil(lambda: state(qtbot, widget)["pick"], timeout=WAIT)
    with qtbot.waitSignal(widget.map_clicked, timeout=WAIT) as clicked:
        click(widget, 600, 450)
    lat, lon = clicked.args
    assert jurisdiction.contains(lat, lon)
    widget.show_pin(lat, lon)
    qtbot.waitUntil(
        lambda: run_js(qtbot, widget, "document.querySelectorAll('.ioc-pin').length") == 1, timeout=WAIT
    )


@engine_noise
def test_messages_sent_before_the_page_is_ready_arrive_in_order(qtbot, make_map, jurisdiction):
    widget = make_map()
    assert not widget.is_ready()
    rows = spread_reports(jurisdiction)
    widget.set_units(jurisdiction)
    widget.set_reports(rows)
    widget.select(rows[2].number)
    with qtbot.waitSignal(widget.reports_loaded, timeout=WAIT):
        pass
    qtbot.waitUntil(lambda: state(qtbot, widget)["selected"] == rows[2].number, timeout=WAIT)
    assert state(qtbot, widget)["count"] == len(rows)


@engine_noise
def test_the_map_recovers_from_a_renderer_crash(qtbot, loaded_map, jurisdiction):
    rows = spread_reports(jurisdiction)
    widget = loaded_map(rows)
    widget.select(rows[1].number)
    qtbot.waitUntil(lambda: state(qtbot, widget)["selected"] == rows[1].number, timeout=WAIT)
    pid = widget.page().renderProcessPid()
    assert pid > 0
    with qtbot.waitSignal(widget.reports_loaded, timeout=WAIT) as loaded:
        os.kill(pid, signal.SIGKILL)
    assert loaded.args == [len(rows)]
    assert state(qtbot, widget)["selected"] == rows[1].number
    assert state(qtbot, widget)["units"] > 0


@engine_noise
def test_nothing_is_handled_after_teardown(qtbot, loaded_map, jurisdiction):
    rows = spread_reports(jurisdiction)
    widget = loaded_map(rows)
    widget.shutdown()
    sent = widget.bridge().sent
    widget.select(rows[0].number)
    widget.update_report(rows[0])
    assert widget.bridge().sent == sent
    with qtbot.assertNotEmitted(widget.report_clicked, wait=300):
        widget.bridge().receive(json.dumps({"t": "clicked", "n": rows[0].number}))


@engine_noise
@pytest.mark.skipif(not scheme_registered(), reason="the mbtiles: scheme was registered too late")
def test_a_local_mbtiles_file_is_the_basemap(qtbot, loaded_map, jurisdiction, recorder, tmp_path):
    path = tmp_path / "basemap.mbtiles"
    write_mbtiles(path, attribution="Bản đồ nền © Sở TN&MT")
    config = MapConfig(tiles=(), mbtiles=path, cache_dir=tmp_path)

    class AllowTiles(RequestRecorder):
        def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
            url = info.requestUrl()
            self.urls.append(url.toString())
            if url.scheme() not in ("file", "qrc", "mbtiles"):
                self.remote.append(url.toString())
                info.block(True)

    guard = AllowTiles()
    widget = loaded_map(spread_reports(jurisdiction, n=2), config, interceptor=guard)
    qtbot.waitUntil(
        lambda: widget._tiles_handler is not None and widget._tiles_handler.served > 0, timeout=WAIT
    )
    assert guard.remote == []
    assert any(url.startswith("mbtiles://basemap/") for url in guard.urls)
    qtbot.waitUntil(lambda: state(qtbot, widget)["basemap"] == "shown", timeout=WAIT)
    found = state(qtbot, widget)
    assert "Sở TN&MT" in found["attribution"]
    # Tiles shown: no notice, and the land is the tiles' (the outlines' fill is not drawn over them).
    assert found["notice"] is None and not found["baseShown"]
    # The tile is on screen: its colour shows up in the view.
    qtbot.waitUntil(lambda: _has_colour(widget, QColor(200, 40, 160)), timeout=WAIT)


def _colours(widget: MapWidget) -> set[str]:
    image = widget.grab().toImage()
    return {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 13)
        for y in range(0, image.height(), 13)
    }


def _has_colour(widget: MapWidget, colour: QColor, step: int = 9) -> bool:
    image = widget.grab().toImage()
    return any(
        image.pixelColor(x, y) == colour
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    )


def write_mbtiles(path: Path, attribution: str) -> None:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 40, 160))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    png = bytes(data.data())
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
    )
    db.executemany(
        "INSERT INTO metadata VALUES (?, ?)",
        [
            ("name", "Test"),
            ("format", "png"),
            ("minzoom", "0"),
            ("maxzoom", "12"),
            ("attribution", attribution),
        ],
    )
    rows = []
    for z in range(0, 13):
        # Every tile over the province at this zoom (a 3×3 block around its centre is plenty).
        import math

        lat, lon = 11.7, 108.9
        n = 1 << z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        for dx in range(-3, 4):
            for dy in range(-3, 4):
                tx, ty = x + dx, y + dy
                if 0 <= tx < n and 0 <= ty < n:
                    rows.append((z, tx, n - 1 - ty, png))
    db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", rows)
    db.commit()
    db.close()


def _fields(row: MapReport) -> dict[str, Any]:
    return {name: getattr(row, name) for name in MapReport.__dataclass_fields__}


@engine_noise
def test_reports_without_a_position_are_kept_but_not_drawn(qtbot, loaded_map, jurisdiction):
    rows = spread_reports(jurisdiction, n=3)
    nowhere = MapReport("PA-NOWHERE", None, None, Status.NEW, DeadlineState.ON_TRACK)
    widget = loaded_map(rows)
    with qtbot.waitSignal(widget.acknowledged, timeout=WAIT):
        widget.update_report(nowhere)
    assert widget.report_count() == len(rows) + 1
    assert "PA-NOWHERE" not in drawn(qtbot, widget)
    assert state(qtbot, widget)["count"] == len(rows)
    assert QUrl(widget.page_url()).isLocalFile()


@engine_noise
def test_markup_slipped_into_the_page_still_could_not_run(qtbot, loaded_map, jurisdiction):
    """The safety net under textContent: the page's Content-Security-Policy forbids inline script."""
    widget = loaded_map(spread_reports(jurisdiction, n=2))
    main = QWebEngineScript.ScriptWorldId.MainWorld
    run_js(
        qtbot,
        widget,
        "document.body.insertAdjacentHTML('beforeend', "
        '\'<img src="x.png" onerror="document.title=1"><div id="x" onclick="document.title=2"></div>\')',
        main,
    )
    run_js(qtbot, widget, "document.getElementById('x').click()", main)
    qtbot.waitUntil(lambda: len(widget.page().console_errors) >= 2, timeout=WAIT)
    assert all("Content Security Policy" in error for error in widget.page().console_errors)
    assert run_js(qtbot, widget, "document.title", main) == ""
    widget.page().console_errors.clear()


@engine_noise
def test_changes_made_while_a_full_set_is_arriving_are_kept_once(qtbot, make_map, jurisdiction, monkeypatch):
    monkeypatch.setattr("ioc_console.gui.map.widget.CHUNK", 3)
    widget = make_map()
    qtbot.waitUntil(widget.is_ready, timeout=WAIT)
    widget.set_units(jurisdiction)
    rows = spread_reports(jurisdiction, n=10)
    changed = MapReport(**{**_fields(rows[1]), "deadline_state": DeadlineState.OVERDUE})
    late = MapReport(**{**_fields(rows[8]), "deadline_state": DeadlineState.DUE_SOON})
    sent = widget.bridge().sent
    with qtbot.waitSignal(widget.reports_loaded, timeout=WAIT) as loaded:
        widget.set_reports(rows)
        widget.update_report(changed)  # before any chunk has gone
        qtbot.waitUntil(lambda: widget.bridge().sent >= sent + 3, timeout=WAIT)  # begin, change, a chunk
        widget.update_report(late)  # its chunk is still to come
    assert loaded.args == [len(rows)]
    qtbot.waitUntil(lambda: len(drawn(qtbot, widget)) == len(rows), timeout=WAIT)
    assert state(qtbot, widget)["count"] == len(rows)
    points = drawn(qtbot, widget)
    style = points[rows[0].number]["s"]
    assert points[rows[1].number]["s"] == style + 2  # on track (1) → overdue (3)
    assert points[rows[8].number]["s"] == style + 1  # on track (1) → due soon (2)


def crowd(j: Jurisdiction, count: int, seed: int = 5) -> list[MapReport]:
    """Reports crowded around a few communes, a quarter of them overdue."""
    import random

    rnd = random.Random(seed)
    units = j.leaf_units()[:6]
    states = [DeadlineState.ON_TRACK, DeadlineState.DUE_SOON, DeadlineState.OVERDUE, DeadlineState.OVERDUE]
    return [
        MapReport(
            number=f"PA-K-{i:05d}",
            lat=(u := rnd.choice(units)).lat + rnd.gauss(0, 0.01),
            lon=u.lon + rnd.gauss(0, 0.01),
            status=rnd.choice([Status.NEW, Status.IN_PROGRESS, Status.CLOSED]),
            deadline_state=rnd.choice(states),
        )
        for i in range(count)
    ]


def cluster_check(qtbot, widget: MapWidget) -> dict[str, Any]:
    return json.loads(run_js(qtbot, widget, "iocMap.checkClusterCounts()"))


@engine_noise
def test_cluster_counts_match_their_reports_through_changes_and_filters(qtbot, loaded_map, jurisdiction):
    rows = crowd(jurisdiction, 3000)
    widget = loaded_map(rows)
    check = cluster_check(qtbot, widget)
    assert check["checked"] > 100 and check["wrongCount"] == 0, check

    # State changes where the reports are: counts corrected at once, no rebuild needed.
    flipped = [
        MapReport(
            **{**_fields(r), "deadline_state": DeadlineState.OVERDUE if i % 2 else DeadlineState.ON_TRACK}
        )
        for i, r in enumerate(rows[:400])
    ]
    with qtbot.waitSignal(widget.acknowledged, timeout=WAIT):
        widget.update_reports(flipped)
    assert state(qtbot, widget)["dirty"] == 0
    check = cluster_check(qtbot, widget)
    assert check["wrongCount"] == 0, check

    # Under a filter, and changes of reports inside and outside it.
    keep = [r.number for r in rows[::3]]
    with qtbot.waitSignal(widget.acknowledged, timeout=WAIT):
        widget.set_visible(keep)
    closed = [MapReport(**{**_fields(r), "status": Status.CLOSED}) for r in rows[:90]]
    with qtbot.waitSignal(widget.acknowledged, timeout=WAIT):
        widget.update_reports(closed)
    assert state(qtbot, widget)["dirty"] == 0
    check = cluster_check(qtbot, widget)
    assert check["checked"] > 50 and check["wrongCount"] == 0, check

    # A move needs a rebuild; after it the counts are right again.
    moved = MapReport(**{**_fields(rows[3]), "lat": rows[3].lat + 0.2})
    with qtbot.waitSignal(widget.acknowledged, timeout=WAIT):
        widget.update_report(moved)
    assert state(qtbot, widget)["dirty"] == 1
    qtbot.waitUntil(lambda: state(qtbot, widget)["dirty"] == 0, timeout=WAIT)
    check = cluster_check(qtbot, widget)
    assert check["wrongCount"] == 0, check


# -- the map without tiles: outlines, fit, names, dark palette, notice, wall options ---------------------


def at_district_names(j: Jurisdiction, per_district: int = 40, overdue_every: int = 4) -> list[MapReport]:
    """Reports piled on each district's own point, where its name is: clusters sit right on the names."""
    rows = []
    districts = [u for u in j.units.values() if u.kind in ("city", "district", "town")]
    for d in districts:
        for i in range(per_district):
            rows.append(
                MapReport(
                    number=f"PA-{d.code}-{i:04d}",
                    lat=d.lat + (i % 5 - 2) * 0.002,
                    lon=d.lon + (i // 5 - 4) * 0.002,
                    status=Status.IN_PROGRESS,
                    deadline_state=DeadlineState.OVERDUE
                    if i % overdue_every == 0
                    else DeadlineState.ON_TRACK,
                    category="environment",
                )
            )
    return rows


def labels_of(qtbot, widget: MapWidget) -> list[dict[str, Any]]:
    return json.loads(run_js(qtbot, widget, "iocMap.labels()"))


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    h = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
    return w * h if w > 0 and h > 0 else 0.0


def cluster_boxes(qtbot, widget: MapWidget) -> list[dict[str, float]]:
    """Each drawn cluster's disc, with its overdue badge above and to the right."""
    out = []
    for c in json.loads(run_js(qtbot, widget, "iocMap.clusters()")):
        x, y, r = c["x"], c["y"], c["r"]
        out.append({"x0": x - r, "y0": y - r - 2, "x1": max(x + r, x + r * 0.55 + c["badge"]), "y1": y + r})
    return out


@engine_noise
@pytest.mark.parametrize("size", [(1200, 1000), (560, 620)])
def test_the_province_outline_is_drawn_and_fills_the_view(qtbot, loaded_map, jurisdiction, size):
    widget = loaded_map([])
    widget.resize(*size)
    widget.fit_province()

    def fitted() -> bool:
        found = state(qtbot, widget)
        return found["size"] == list(size) and found["provinceBounds"] is not None

    qtbot.waitUntil(fitted, timeout=WAIT)
    qtbot.wait(300)
    found = state(qtbot, widget)
    # Natural Earth's countries, borders and coast, and the province's outline, all drawn.
    assert found["outlines"] >= 3 and found["baseShown"] and found["province"]
    assert found["outlines"] <= 12  # a few countries around the province, not the whole world
    # The whole province is in view, and fills it (most of its height or its width).
    south, west, north, east = found["bounds"]
    ps, pw, pn, pe = found["provinceBounds"]
    assert south <= ps and west <= pw and north >= pn and east >= pe
    assert max((pn - ps) / (north - south), (pe - pw) / (east - west)) > 0.8
    # The land is painted in several colours (sea, land, province, lines), not one beige.
    assert len(_colours(widget)) > 8


@engine_noise
@pytest.mark.parametrize("size", [(1200, 1000), (683, 700)])
def test_district_names_are_not_covered_by_clusters_or_the_legend(qtbot, loaded_map, jurisdiction, size):
    rows = at_district_names(jurisdiction)
    widget = loaded_map(rows)
    widget.resize(*size)
    widget.fit_province()
    qtbot.waitUntil(lambda: state(qtbot, widget)["size"] == list(size), timeout=WAIT)
    qtbot.wait(500)
    clusters = cluster_boxes(qtbot, widget)
    assert len(clusters) >= 7  # a cluster on each district's name
    controls = json.loads(run_js(qtbot, widget, "iocMap.controls()"))
    legend = [c for c in controls if "ioc-legend" in c["cls"]]
    assert legend  # the legend is there (open on the large map, folded on the small one)
    everything = labels_of(qtbot, widget)
    districts = [label for label in everything if label["major"]]
    assert {n["name"] for n in districts} == {
        u.name for u in jurisdiction.units.values() if u.kind in ("city", "district")
    }
    assert all(n["shown"] and n["font"] >= 12.5 for n in districts), districts
    # Each stays by its district's own point (a name moved far would name the wrong place)...
    for n in districts:
        cx, cy = (n["x0"] + n["x1"]) / 2, (n["y0"] + n["y1"]) / 2
        assert abs(cy - n["py"]) <= 60 and abs(cx - n["px"]) <= 60, n
    # ...and sits on no other district's point.
    for n in districts:
        for other in districts:
            if other is not n:
                assert not (n["x0"] <= other["px"] <= n["x1"] and n["y0"] <= other["py"] <= n["y1"]), (
                    n,
                    other,
                )
    names = [label for label in everything if label["shown"]]
    for name in names:
        for c in clusters:
            assert overlap(name, c) == 0, (name, c)
        for c in controls:
            assert overlap(name, c) == 0, (name, c)
        assert name["x0"] >= 0 and name["y0"] >= 0 and name["x1"] <= size[0] and name["y1"] <= size[1]
    for a in names:
        for b in names:
            if a is not b:
                assert overlap(a, b) == 0, (a, b)


def _lightness(widget: MapWidget) -> float:
    image = widget.grab().toImage()
    values = [
        image.pixelColor(x, y).lightnessF()
        for x in range(0, image.width(), 11)
        for y in range(0, image.height(), 11)
    ]
    return sum(values) / len(values)


@engine_noise
def test_the_map_darkens_with_the_dark_palette(qtbot, loaded_map, jurisdiction):
    from PySide6.QtWidgets import QApplication

    from ioc_console.gui.theme import dark_palette

    widget = loaded_map(at_district_names(jurisdiction, per_district=5))
    qtbot.wait(300)
    light = state(qtbot, widget)
    assert not light["dark"]
    light_lightness = _lightness(widget)
    app = QApplication.instance()
    before = app.palette()
    try:
        app.setPalette(dark_palette())
        qtbot.waitUntil(lambda: state(qtbot, widget)["dark"], timeout=WAIT)
        assert widget.is_dark()
        qtbot.wait(300)
        found = state(qtbot, widget)
        r, g, b = (int(v) for v in found["background"][4:-1].split(",")[:3])
        assert max(r, g, b) < 60  # the sea is dark
        names = labels_of(qtbot, widget)
        colour = names[1]["colour"]
        assert colour.startswith("rgb(") and min(int(v) for v in colour[4:-1].split(",")) > 180
        legend_bg = run_js(
            qtbot, widget, "getComputedStyle(document.querySelector('.ioc-legend')).backgroundColor"
        )
        assert max(int(float(v)) for v in legend_bg[legend_bg.index("(") + 1 : -1].split(",")[:3]) < 80
        qtbot.waitUntil(lambda: _lightness(widget) < light_lightness - 0.3, timeout=WAIT)
    finally:
        app.setPalette(before)
    qtbot.waitUntil(lambda: not state(qtbot, widget)["dark"], timeout=WAIT)


@engine_noise
def test_without_tiles_the_map_says_its_basemap_is_missing(qtbot, loaded_map, jurisdiction):
    widget = loaded_map(spread_reports(jurisdiction))
    qtbot.waitUntil(lambda: state(qtbot, widget)["notice"] is not None, timeout=WAIT)
    found = state(qtbot, widget)
    assert found["basemap"] == "missing"
    assert "Không tải được bản đồ nền" in found["notice"]
    assert "OpenStreetMap" not in found["attribution"]
    notice = [c for c in json.loads(run_js(qtbot, widget, "iocMap.controls()")) if "ioc-notice" in c["cls"]]
    assert notice and notice[0]["x1"] - notice[0]["x0"] > 100  # visible, not an empty box


@engine_noise
def test_a_wall_map_has_no_controls_and_large_names(qtbot, loaded_map, jurisdiction, tmp_path):
    config = MapConfig(tiles=(), cache_dir=tmp_path, controls=False, label_scale=2.0)
    widget = loaded_map(spread_reports(jurisdiction), config)
    found = state(qtbot, widget)
    assert not found["zoomControl"] and not found["legend"]
    names = [n for n in labels_of(qtbot, widget) if n["major"] and n["shown"]]
    assert names and all(n["font"] >= 25 for n in names)


# -- the hub's basemap on the console's map -------------------------------------------------------------


@engine_noise
def test_the_console_map_shows_the_basemap_its_hub_serves(qtbot, qapp, run_console, tmp_path):
    """The demo hub serves the MBTiles file installed in its folder; the console signed in to it
    fetches the tiles through its own connection: the tiles are drawn, credited, no notice."""
    import asyncio
    import time

    from ioc_console.demo.embedded import BASEMAP_NAME

    from ioc_console.gui.app import EMBEDDED_DEMO, Console, Options

    write_mbtiles(tmp_path / BASEMAP_NAME, attribution="Bản đồ nền của tỉnh")
    options = Options(data_dir=tmp_path, lang="vi", env={}, source=EMBEDDED_DEMO, feed_rate=0, demo_count=20)
    console = Console(qapp, options)
    window = console.window
    window.resize(1366, 768)

    async def until(check, timeout: float = 60.0):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not check():
            assert time.monotonic() < deadline, "timed out"
            await asyncio.sleep(0.1)

    async def map_state() -> dict[str, Any]:
        # (not qtbot.waitUntil: a nested event loop inside the running task would re-enter it)
        answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        console.workspace.map.run_in_map_world("iocMap.state()", answer.set_result)
        return json.loads(await answer)

    async def until_state(key: str, value: object) -> None:
        deadline = time.monotonic() + 60
        while (await map_state())[key] != value:
            assert time.monotonic() < deadline, f"timed out waiting for {key} = {value!r}"
            await asyncio.sleep(0.2)

    async def steps() -> None:
        console.start()
        await until(lambda: console.workspace is not None and console.workspace.map is not None)
        await until(lambda: console.workspace.map._config.hub_basemap is not None)
        widget = console.workspace.map
        await until(lambda: widget.is_ready())
        await until_state("basemap", "shown")
        found = await map_state()
        assert found["notice"] is None and not found["baseShown"]
        assert "Bản đồ nền của tỉnh" in found["attribution"]
        await until(lambda: _has_colour(widget, QColor(200, 40, 160)), 20)

    run_console(console, steps)


@engine_noise
def test_clusters_of_overdue_reports_only_are_red(qtbot, loaded_map, jurisdiction):
    rows = at_district_names(jurisdiction, per_district=12, overdue_every=3)
    widget = loaded_map(rows)
    qtbot.wait(300)

    def colours() -> list[tuple[int, int, int, bool]]:
        found = json.loads(run_js(qtbot, widget, "iocMap.clusters()"))
        assert found
        return [(*c["rgb"], c["overdue"] == c["count"]) for c in found]

    # Mixed clusters are blue (with their red overdue badge).
    assert all(b > r and not late for r, _g, b, late in colours())
    late = [row.number for row in rows if row.deadline_state is DeadlineState.OVERDUE]
    with qtbot.waitSignal(widget.acknowledged, timeout=WAIT):
        widget.set_visible(late)  # the queue's overdue filter
    assert all(r > 150 and b < 100 and every for r, _g, b, every in colours())


@engine_noise
def test_a_full_set_given_in_parts_is_drawn_whole(qtbot, make_map, jurisdiction):
    """As the workspace reads them: parts sent while the next is read, a live change in between."""
    rows = at_district_names(jurisdiction, per_district=30)
    widget = make_map()
    widget.set_units(jurisdiction)
    with qtbot.waitSignal(widget.reports_loaded, timeout=WAIT) as loaded:
        widget.begin_reports()
        widget.add_reports(rows[:100])
        changed = replace(rows[5], deadline_state=DeadlineState.OVERDUE, status=Status.NEW)
        widget.update_report(changed)
        widget.add_reports(rows[100:])
        widget.end_reports()
    assert loaded.args == [len(rows)]
    assert widget.report_count() == len(rows)
    found = state(qtbot, widget)
    assert found["count"] == found["indexed"] == len(rows)
    checked = json.loads(run_js(qtbot, widget, "iocMap.checkClusterCounts()"))
    assert checked["checked"] > 0 and checked["wrongCount"] == 0
    overdue = sum(1 for r in rows if r.deadline_state is DeadlineState.OVERDUE) + (
        rows[5].deadline_state is not DeadlineState.OVERDUE
    )
    clusters = json.loads(run_js(qtbot, widget, "iocMap.clusters()"))
    assert sum(c["overdue"] for c in clusters) == overdue

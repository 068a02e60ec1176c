"""The map's parts without a web page: message encoding, the bridge's queue, the page's build."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from PySide6.QtCore import QUrl

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.lifecycle import Status

from ioc_console.gui.map import MapConfig, MapReport, TileSource, map_reports
from ioc_console.gui.map.bridge import PROTOCOL, MapBridge
from ioc_console.gui.map.data import (
    DEADLINE_ORDER,
    STATUS_GROUPS,
    STATUS_ORDER,
    decode_columns,
    decode_style,
    details,
    encode_rows,
    style_code,
)
from ioc_console.gui.map.mbtiles import MBTilesError, MBTilesFile, parse_tile_url
from ioc_console.gui.map.page import MapPageError, _check_local, build_page, render_page
from ioc_console.gui.map.webpage import MapRequestGuard

# The folder's fixtures start Qt timers: an application must exist (session-scoped, so it comes first).
pytestmark = pytest.mark.usefixtures("qapp")


def report(number: str, lat: float | None = 11.5, lon: float | None = 109.0, **kw) -> MapReport:
    kw.setdefault("status", Status.NEW)
    kw.setdefault("deadline_state", DeadlineState.ON_TRACK)
    return MapReport(number, lat, lon, **kw)


# -- encoding ------------------------------------------------------------------------------------------


def test_every_status_and_deadline_state_has_its_own_style_code():
    codes = {style_code(s, d): (s, d) for s in Status for d in DEADLINE_ORDER}
    assert len(codes) == len(Status) * len(DEADLINE_ORDER)
    for code, pair in codes.items():
        assert decode_style(code) == pair
    assert style_code(Status.NEW, None) == style_code(Status.NEW, DeadlineState.NONE)
    assert set(STATUS_GROUPS) == set(STATUS_ORDER)


def test_rows_become_columns_and_unplaceable_ones_are_left_out():
    rows = [
        report("A", 11.1234567891, 108.9876543219, category="environment"),
        report("B", None, 109.0),
        report("C", math.nan, 109.0),
        report("D", 95.0, 109.0),
        report("E", 11.2, 109.1, category="traffic", status=Status.CLOSED, pending=True),
        report("F", 11.3, 109.2, category="environment", deadline_state=DeadlineState.OVERDUE),
    ]
    message = encode_rows(rows)
    columns = decode_columns(message)
    assert columns["n"] == ["A", "E", "F"]
    assert columns["lat"] == [11.12346, 11.2, 11.3]
    assert columns["lon"] == [108.98765, 109.1, 109.2]
    assert columns["category"] == ["environment", "traffic", "environment"]
    assert [decode_style(s) for s in columns["s"]] == [
        (Status.NEW, DeadlineState.ON_TRACK),
        (Status.CLOSED, DeadlineState.ON_TRACK),
        (Status.NEW, DeadlineState.OVERDUE),
    ]
    assert columns["p"] == ["E"]
    columns = message
    # No citizen text in the bulk columns.
    assert "description" not in json.dumps(columns)


def test_statuses_given_as_their_values_are_understood():
    row = report("A", status="closed", deadline_state="overdue")  # type: ignore[arg-type]
    assert decode_style(decode_columns(encode_rows([row]))["s"][0]) == (Status.CLOSED, DeadlineState.OVERDUE)


def test_numbers_holding_a_newline_travel_as_a_list():
    message = encode_rows([report("A\nB"), report("C")])
    assert message["n"] == ["A\nB", "C"]
    assert decode_columns(message)["n"] == ["A\nB", "C"]
    assert decode_columns(encode_rows([]))["n"] == []


def test_details_carry_the_citizens_text_untouched():
    text = "<img src=x onerror=\"document.title='pwned'\"></script>"
    row = report("A", description=text, title=text, address="12 <b>Lê Lợi</b>")
    assert details(row) == {
        "n": "A",
        "title": text,
        "description": text,
        "address": "12 <b>Lê Lợi</b>",
        "received": "",
    }


@dataclass
class StoreRow:
    number: str
    lat: float | None
    lon: float | None
    status: Status
    due_at: datetime | None
    closed: bool
    category: str = "environment"
    description: str = ""
    title: str = ""
    address: str = ""
    pending: bool = False


def test_store_rows_get_their_deadline_state_at_the_given_time():
    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    boundary = now + timedelta(days=1)
    rows = [
        StoreRow("late", 11.5, 109.0, Status.IN_PROGRESS, now - timedelta(hours=1), False),
        StoreRow("soon", 11.5, 109.0, Status.IN_PROGRESS, now + timedelta(hours=5), False),
        StoreRow("fine", 11.5, 109.0, Status.IN_PROGRESS, now + timedelta(days=4), False),
        StoreRow("done", 11.5, 109.0, Status.CLOSED, now - timedelta(days=4), True),
    ]
    states = {r.number: r.deadline_state for r in map_reports(rows, now, boundary)}
    assert states == {
        "late": DeadlineState.OVERDUE,
        "soon": DeadlineState.DUE_SOON,
        "fine": DeadlineState.ON_TRACK,
        "done": DeadlineState.NONE,
    }


# -- the bridge -----------------------------------------------------------------------------------------


class Handler:
    def __init__(self) -> None:
        self.messages: list[dict] = []

    def __call__(self, message: dict) -> None:
        self.messages.append(message)


def posted(bridge: MapBridge) -> list[dict]:
    out: list[dict] = []
    bridge.message_posted.connect(lambda text: out.append(json.loads(text)))
    return out


def test_messages_wait_for_ready_then_go_in_order(qapp):
    handler = Handler()
    bridge = MapBridge(handler)
    out = posted(bridge)
    bridge.send({"t": "one"})
    bridge.send({"t": "two"})
    assert out == [] and bridge.queued() == 2
    bridge.receive(json.dumps({"t": "clicked", "n": "X"}))  # nothing counts before ready
    assert handler.messages == []

    bridge.receive(json.dumps({"t": "ready", "v": PROTOCOL}))
    assert [m["t"] for m in out] == ["one", "two"]
    assert handler.messages == [{"t": "ready", "v": PROTOCOL}]
    bridge.send({"t": "three"})
    assert out[-1] == {"t": "three"}
    bridge.receive(json.dumps({"t": "clicked", "n": "X"}))
    assert handler.messages[-1] == {"t": "clicked", "n": "X"}


def test_a_page_speaking_another_protocol_is_not_ready(qapp):
    bridge = MapBridge(Handler())
    out = posted(bridge)
    bridge.send({"t": "one"})
    bridge.receive(json.dumps({"t": "ready", "v": PROTOCOL + 1}))
    assert not bridge.is_ready() and out == []


def test_malformed_messages_are_ignored(qapp):
    handler = Handler()
    bridge = MapBridge(handler)
    bridge.receive(json.dumps({"t": "ready", "v": PROTOCOL}))
    for text in ("not json", "[1, 2]", '{"n": "X"}', '{"t": 5}', "null"):
        bridge.receive(text)
    assert [m["t"] for m in handler.messages] == ["ready"]


def test_after_close_nothing_goes_either_way(qapp):
    handler = Handler()
    bridge = MapBridge(handler)
    out = posted(bridge)
    bridge.send({"t": "queued"})
    bridge.close()
    bridge.receive(json.dumps({"t": "ready", "v": PROTOCOL}))
    bridge.send({"t": "late"})
    assert out == [] and handler.messages == [] and bridge.queued() == 0


def test_reset_forgets_the_old_page(qapp):
    bridge = MapBridge(Handler())
    out = posted(bridge)
    bridge.receive(json.dumps({"t": "ready", "v": PROTOCOL}))
    bridge.reset()
    bridge.send({"t": "for the new page"})
    assert out == [] and bridge.queued() == 1
    bridge.receive(json.dumps({"t": "ready", "v": PROTOCOL}))
    assert out == [{"t": "for the new page"}]


def test_the_bridge_exposes_one_signal_and_one_slot_of_its_own(qapp):
    meta = MapBridge(Handler()).metaObject()
    own = [meta.method(i) for i in range(meta.methodOffset(), meta.methodCount())]
    assert sorted(bytes(m.name().data()).decode() for m in own) == ["message_posted", "receive"]


# -- the page -------------------------------------------------------------------------------------------


def test_the_page_holds_no_script_and_only_local_links(tmp_path: Path):
    tiles = TileSource("https://{s}.tiles.example.org/{z}/{x}/{y}.png", "© Example", name="Ví dụ")
    document, init = render_page(MapConfig(tiles=(tiles,), cache_dir=tmp_path))
    assert "<script" not in document.lower()
    links = re.findall(r"""(?:src|href)=["']([^"']+)""", document)
    assert links and all(link.startswith("file:") for link in links)
    assert all(Path(QUrl(link).toLocalFile()).is_file() for link in links)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', document).group(1)
    assert "script-src &#x27;none&#x27;" in policy
    assert "https://a.tiles.example.org" in policy and "https://c.tiles.example.org" in policy
    # folium wrote the map, its base layer and controls; that script runs elsewhere.
    assert "L.map(" in init and "tiles.example.org" in init and "L.control.layers" not in init
    assert "cdn" not in (document + init).lower()


def test_several_base_layers_get_a_layer_switcher(tmp_path: Path):
    a = TileSource("https://a.example.org/{z}/{x}/{y}.png", "A", name="A")
    b = TileSource("https://b.example.org/{z}/{x}/{y}.png", "B", name="B")
    _, init = render_page(MapConfig(tiles=(a, b), cache_dir=tmp_path))
    assert "L.control.layers" in init


def test_a_non_local_link_fails_the_build():
    with pytest.raises(MapPageError):
        _check_local('<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/leaflet/dist/leaflet.css"/>')
    with pytest.raises(MapPageError):
        _check_local("<script>alert(1)</script>")


def test_the_page_is_written_once_per_content(tmp_path: Path):
    config = MapConfig(tiles=(), cache_dir=tmp_path)
    first = build_page(config)
    stamp = first.html_path.stat().st_mtime_ns
    second = build_page(config)
    assert second.html_path == first.html_path and second.html_path.stat().st_mtime_ns == stamp
    other = build_page(MapConfig(tiles=(), cache_dir=tmp_path, initial_zoom=9))
    assert other.html_path != first.html_path


def test_the_request_guard_lets_through_local_files_and_tile_servers_only():
    tiles = TileSource("https://{s}.tile.example.org/{z}/{x}/{y}.png", "©", subdomains="ab")
    guard = MapRequestGuard([*tiles.origins(), "mbtiles:"])
    allowed = [
        "file:///x/leaflet.css",
        "qrc:///qtwebchannel/qwebchannel.js",
        "https://a.tile.example.org/1/2/3.png",
    ]
    allowed.append("mbtiles://basemap/1/2/3")
    refused = [
        "https://c.tile.example.org/1/2/3.png",
        "https://cdn.jsdelivr.net/leaflet.js",
        "http://a.tile.example.org/1",
    ]
    assert all(guard.allows(QUrl(u)) for u in allowed)
    assert not any(guard.allows(QUrl(u)) for u in refused)


# -- MBTiles --------------------------------------------------------------------------------------------


def test_tile_urls_are_parsed_strictly():
    assert parse_tile_url(QUrl("mbtiles://basemap/3/4/5")) == (3, 4, 5)
    assert parse_tile_url(QUrl("mbtiles://basemap/3/4/5.png")) == (3, 4, 5)
    for bad in (
        "mbtiles://other/3/4/5",
        "mbtiles://basemap/3/4",
        "mbtiles://basemap/a/4/5",
        "https://basemap/3/4/5",
    ):
        assert parse_tile_url(QUrl(bad)) is None


def test_mbtiles_rows_are_counted_from_the_south(tmp_path: Path):
    import sqlite3

    path = tmp_path / "t.mbtiles"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
        "INSERT INTO metadata VALUES ('format', 'png'), ('attribution', '© Sở TN&MT'), ('maxzoom', '14');"
        "INSERT INTO tiles VALUES (2, 1, 3, x'89504e47');"  # TMS row 3 at zoom 2 is XYZ row 0
    )
    db.commit()
    db.close()
    tiles = MBTilesFile(path)
    assert tiles.tile(2, 1, 0) == b"\x89PNG"
    assert tiles.tile(2, 1, 3) is None
    assert tiles.tile(2, 9, 0) is None
    assert tiles.info.attribution == "© Sở TN&MT" and tiles.info.max_zoom == 14
    tiles.close()


def test_vector_or_broken_mbtiles_are_refused(tmp_path: Path):
    import sqlite3

    vector = tmp_path / "v.mbtiles"
    db = sqlite3.connect(vector)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT); INSERT INTO metadata VALUES ('format', 'pbf');"
    )
    db.commit()
    db.close()
    with pytest.raises(MBTilesError, match="pbf"):
        MBTilesFile(vector)
    junk = tmp_path / "junk.mbtiles"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(MBTilesError):
        MBTilesFile(junk)
    with pytest.raises(MBTilesError):
        MBTilesFile(tmp_path / "missing.mbtiles")


# -- the outlines: Natural Earth's countries around the province, the province from its pack ---------


def test_the_outlines_file_holds_natural_earth_around_the_province() -> None:
    from ioc_console.gui.map.outlines import contains, load_outlines, outlines_path

    assert outlines_path().stat().st_size < 150_000  # small enough to ship and to send to the page
    data = load_outlines()
    assert "Natural Earth" in data["source"]
    countries = {f["properties"]["name"]: f for f in data["features"] if f["properties"]["kind"] == "country"}
    assert "Vietnam" in countries
    kinds = {f["properties"]["kind"] for f in data["features"]}
    assert kinds == {"country", "border", "coast"}
    vietnam = countries["Vietnam"]["geometry"]["coordinates"]
    # Phan Rang is on land in Vietnam; a point 25 km out at sea is not; Phnom Penh is not in Vietnam.
    assert any(contains(p, 108.99, 11.57) for p in vietnam)
    assert not any(contains(p, 109.25, 11.45) for p in vietnam)
    assert not any(contains(p, 104.92, 11.56) for p in vietnam)


def test_the_province_outline_is_its_frame_cut_by_the_coast(jurisdiction) -> None:
    from ioc_console.gui.map.outlines import bounds_of, contains, province_outline

    places = [(u.lat, u.lon) for u in jurisdiction.units.values()]
    outline = province_outline(jurisdiction.bbox, places)
    south, west, north, east = jurisdiction.bbox
    bounds = bounds_of(outline)
    assert bounds is not None
    assert south <= bounds[0] and west <= bounds[1] and bounds[2] <= north and bounds[3] <= east
    # Every district's point is inside; the sea off Phan Rang, inside the frame, is not.
    for u in jurisdiction.units.values():
        if u.kind in ("city", "district"):
            assert any(contains(p, u.lon, u.lat) for p in outline), u.name
    assert not any(contains(p, 109.25, 11.45) for p in outline)
    # Far more points than a rectangle: the coast is drawn as it runs.
    assert sum(len(p[0]) for p in outline) > 50


def test_a_province_beyond_the_outlines_gets_its_frame() -> None:
    from ioc_console.gui.map.outlines import province_outline

    box = (40.0, 10.0, 41.0, 11.0)
    assert province_outline(box, [(40.5, 10.5)]) == [
        [[(10.0, 40.0), (11.0, 40.0), (11.0, 41.0), (10.0, 41.0), (10.0, 40.0)]]
    ]


def test_clipping_keeps_what_is_inside_the_box() -> None:
    from ioc_console.gui.map.outlines import clip_line, clip_ring

    square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]
    clipped = clip_ring(square, (1.0, 1.0, 2.0, 3.0))  # south, west, north, east
    assert sorted(set(clipped)) == [(1.0, 1.0), (1.0, 2.0), (3.0, 1.0), (3.0, 2.0)]
    assert clip_ring(square, (10.0, 10.0, 11.0, 11.0)) == []
    assert clip_line([(0.0, 0.5), (2.0, 0.5), (2.0, 3.0)], (0.0, 1.0, 1.0, 3.0)) == [
        [(1.0, 0.5), (2.0, 0.5), (2.0, 1.0)]
    ]

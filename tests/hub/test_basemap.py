"""The basemap the hub serves: one MBTiles file its administrator names in the settings, its tiles
to signed-in consoles only; none (or an unusable file) is a clear 404 the consoles show as such."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_support import Hub, new_database, start_hub

#: Distinct bytes per tile, so a tile served from the wrong row would show.
TILES = {(z, x, y): f"tile {z}/{x}/{y}".encode() for z, x, y in [(0, 0, 0), (10, 821, 481), (12, 3286, 1926)]}


def mbtiles(path: Path, fmt: str = "png") -> Path:
    """A small MBTiles file: rows counted from the south, as the format has them."""
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
    )
    meta = {
        "name": "Ninh Thuận",
        "format": fmt,
        "minzoom": "0",
        "maxzoom": "12",
        "attribution": "© Sở TN&MT",
        "bounds": "108.5,11.2,109.4,12.3",
    }
    db.executemany("INSERT INTO metadata VALUES (?, ?)", list(meta.items()))
    db.executemany(
        "INSERT INTO tiles VALUES (?, ?, ?, ?)",
        [(z, x, (1 << z) - 1 - y, data) for (z, x, y), data in TILES.items()],
    )
    db.commit()
    db.close()
    return path


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    folder = tmp_path_factory.mktemp("basemap")
    running = start_hub(
        new_database("sqlite", folder, []), "sqlite", basemap_path=mbtiles(folder / "map.mbtiles")
    )
    try:
        yield running
    finally:
        running.close()
        running.server.stop()


def test_a_signed_in_console_reads_the_basemap_and_its_tiles(hub: Hub) -> None:
    client = hub.client("op")
    r = client.get("/api/v1/basemap")
    assert r.status_code == 200
    assert r.json() == {
        "name": "Ninh Thuận",
        "attribution": "© Sở TN&MT",
        "format": "png",
        "minzoom": 0,
        "maxzoom": 12,
        "bounds": [108.5, 11.2, 109.4, 12.3],
    }
    for (z, x, y), data in TILES.items():
        r = client.get(f"/api/v1/basemap/{z}/{x}/{y}")
        assert r.status_code == 200 and r.content == data
        assert r.headers["content-type"] == "image/png"
        assert "max-age" in r.headers["cache-control"]
    r = client.get("/api/v1/basemap/10/822/481")
    assert r.status_code == 404 and r.json()["error"] == "basemap.tile_not_found"
    assert client.get("/api/v1/basemap/40/1/1").status_code == 404


def test_without_a_session_nothing_is_served(hub: Hub) -> None:
    client = hub.client(None)
    assert client.get("/api/v1/basemap").status_code == 401
    assert client.get("/api/v1/basemap/0/0/0").status_code == 401


@pytest.mark.parametrize("problem", ["none", "vector", "missing"])
def test_a_hub_without_a_usable_basemap_says_so(tmp_path: Path, caplog, problem: str) -> None:
    settings = {}
    if problem == "vector":
        settings["basemap_path"] = mbtiles(tmp_path / "vector.mbtiles", fmt="pbf")
    elif problem == "missing":
        settings["basemap_path"] = tmp_path / "nowhere.mbtiles"
    with caplog.at_level(logging.ERROR, logger="ioc_console.hub.basemap"):
        running = start_hub(new_database("sqlite", tmp_path, []), "sqlite", **settings)
    try:
        client = running.client("op")
        r = client.get("/api/v1/basemap")
        assert r.status_code == 404 and r.json()["error"] == "basemap.none"
        assert "bản đồ nền" in r.json()["message"]["vi"].lower()
        assert client.get("/api/v1/basemap/0/0/0").status_code == 404
        if problem != "none":
            assert any("basemap is not served" in rec.getMessage() for rec in caplog.records)
    finally:
        running.close()
        running.server.stop()

"""Read access to an MBTiles file of raster tiles (PNG, JPEG or WebP): no Qt, no network.

MBTiles is a SQLite file of map tiles (``tiles(zoom_level, tile_column, tile_row, tile_data)``, rows
counted from the south as in TMS) with a ``metadata`` table. Vector tiles (``pbf``) are refused when
the file is opened, since the map cannot draw them. The console reads a local file through it
(:mod:`ioc_console.gui.map.mbtiles`), and the hub the basemap it serves to its consoles
(:mod:`ioc_console.hub.basemap`).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

MIME_TYPES = {"png": b"image/png", "jpg": b"image/jpeg", "jpeg": b"image/jpeg", "webp": b"image/webp"}


class MBTilesError(Exception):
    """The file is not a usable raster MBTiles file; the message says why."""


@dataclass(frozen=True)
class MBTilesInfo:
    name: str
    attribution: str
    format: str
    min_zoom: int | None
    max_zoom: int | None
    #: (west, south, east, north) when the file says.
    bounds: tuple[float, float, float, float] | None = None


class MBTilesFile:
    """Read access to one MBTiles file (thread-safe: one connection, used under a lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise MBTilesError(f"no MBTiles file at {path}")
        try:
            self._db = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            rows = self._db.execute("SELECT name, value FROM metadata").fetchall()
        except sqlite3.Error as exc:
            raise MBTilesError(f"{path} is not an MBTiles file ({exc})") from exc
        self._lock = threading.Lock()
        meta = {str(k): str(v) for k, v in rows}
        fmt = meta.get("format", "png").lower()
        if fmt not in MIME_TYPES:
            self._db.close()
            raise MBTilesError(
                f"{path} holds {fmt!r} tiles; only PNG, JPEG and WebP raster tiles can be shown"
            )
        self.info = MBTilesInfo(
            name=meta.get("name", path.stem),
            attribution=meta.get("attribution", ""),
            format=fmt,
            min_zoom=_int_or_none(meta.get("minzoom")),
            max_zoom=_int_or_none(meta.get("maxzoom")),
            bounds=_bounds_or_none(meta.get("bounds")),
        )
        self.mime = MIME_TYPES[fmt]

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ coordinates (as Leaflet asks), or None when the file has none there."""
        if z < 0 or z > 30 or not (0 <= x < (1 << z)) or not (0 <= y < (1 << z)):
            return None
        row = (1 << z) - 1 - y
        with self._lock:
            found = self._db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (z, x, row),
            ).fetchone()
        return bytes(found[0]) if found is not None and found[0] is not None else None

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _bounds_or_none(value: str | None) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(v) for v in (value or "").split(","))
    except ValueError:
        return None
    return (west, south, east, north)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


__all__ = ["MIME_TYPES", "MBTilesError", "MBTilesFile", "MBTilesInfo"]

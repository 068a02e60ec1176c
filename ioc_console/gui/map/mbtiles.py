"""A local MBTiles file as the map's basemap, served to the page through the ``mbtiles:`` URL scheme.

MBTiles is a SQLite file of map tiles (``tiles(zoom_level, tile_column, tile_row, tile_data)``, rows
counted from the south as in TMS) with a ``metadata`` table. Raster tiles (PNG, JPEG, WebP) are
served; vector tiles (``pbf``) are refused when the file is opened, since Leaflet cannot draw them.

The scheme must be registered before QtWebEngine starts: :func:`register_map_schemes` runs when
``ioc_console.gui.map`` is imported, which the console does before it creates the application.
Tiles are read on a worker thread (SQLite does not run on the GUI thread) and handed back to the
request on the GUI thread; a request the page has cancelled meanwhile is simply dropped.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QObject, QUrl, Signal, Slot
from PySide6.QtWebEngineCore import QWebEngineUrlRequestJob, QWebEngineUrlScheme, QWebEngineUrlSchemeHandler

from ioc_console.gui.map.config import MBTILES_HOST, MBTILES_SCHEME

log = logging.getLogger(__name__)

_MIME = {"png": b"image/png", "jpg": b"image/jpeg", "jpeg": b"image/jpeg", "webp": b"image/webp"}


class MBTilesError(Exception):
    """The file is not a usable raster MBTiles file; the message says why."""


def register_map_schemes() -> bool:
    """Register ``mbtiles:`` with QtWebEngine; True when it is (or already was) registered."""
    name = MBTILES_SCHEME.encode()
    if QWebEngineUrlScheme.schemeByName(name).name() == QByteArray(name):
        return True
    if QCoreApplication.instance() is not None:
        # Too late to be sure QtWebEngine has not started; registering then only prints a warning.
        log.warning("the %s: scheme was not registered before the application started", MBTILES_SCHEME)
        return False
    scheme = QWebEngineUrlScheme(name)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    # Local: only local pages (our file:// page) may load from it. Secure: no mixed-content warnings.
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme | QWebEngineUrlScheme.Flag.LocalScheme)
    QWebEngineUrlScheme.registerScheme(scheme)
    return True


def scheme_registered() -> bool:
    name = MBTILES_SCHEME.encode()
    return QWebEngineUrlScheme.schemeByName(name).name() == QByteArray(name)


@dataclass(frozen=True)
class MBTilesInfo:
    name: str
    attribution: str
    format: str
    min_zoom: int | None
    max_zoom: int | None


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
        if fmt not in _MIME:
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
        )
        self.mime = _MIME[fmt]

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


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def parse_tile_url(url: QUrl) -> tuple[int, int, int] | None:
    """``mbtiles://basemap/z/x/y`` (an extension on y is allowed) → (z, x, y)."""
    if url.scheme() != MBTILES_SCHEME or url.host() != MBTILES_HOST:
        return None
    parts = url.path().strip("/").split("/")
    if len(parts) != 3:
        return None
    parts[2] = parts[2].split(".", 1)[0]
    try:
        z, x, y = (int(p) for p in parts)
    except ValueError:
        return None
    return z, x, y


class MBTilesSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``mbtiles://basemap/{z}/{x}/{y}`` from an :class:`MBTilesFile`.

    Signals:
        _tile_read(object, object, object): internal, worker → GUI thread (job, bytes or None, mime).
    """

    _tile_read = Signal(object, object, object)

    def __init__(self, tiles: MBTilesFile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tiles = tiles
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mbtiles")
        self._tile_read.connect(self._on_tile_read)
        self.served = 0

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        coords = parse_tile_url(job.requestUrl())
        if coords is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlInvalid)
            return
        if job.requestMethod() != QByteArray(b"GET"):
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        future = self._executor.submit(self._tiles.tile, *coords)
        future.add_done_callback(lambda done, job=job: self._emit(job, done))

    def _emit(self, job: QWebEngineUrlRequestJob, done: Future[bytes | None]) -> None:
        try:
            data: bytes | None = done.result()
        except sqlite3.Error as exc:
            log.error("cannot read a tile from %s: %s", self._tiles.path, exc)
            data = None
        self._tile_read.emit(job, data, self._tiles.mime)

    @Slot(object, object, object)
    def _on_tile_read(self, job: QWebEngineUrlRequestJob, data: bytes | None, mime: bytes) -> None:
        if not shiboken6.isValid(job):
            return  # the page no longer wants it
        if data is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        buffer.open(QBuffer.OpenModeFlag.ReadOnly)
        job.reply(QByteArray(mime), buffer)
        self.served += 1

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._tiles.close()

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
from concurrent.futures import Future, ThreadPoolExecutor

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QObject, QUrl, Signal, Slot
from PySide6.QtWebEngineCore import QWebEngineUrlRequestJob, QWebEngineUrlScheme, QWebEngineUrlSchemeHandler

from ioc_console.mbtiles import MBTilesError, MBTilesFile, MBTilesInfo

from ioc_console.gui.map.config import MBTILES_HOST, MBTILES_SCHEME, TileFetch

log = logging.getLogger(__name__)

__all__ = [
    "HubTilesSchemeHandler",
    "MBTilesError",
    "MBTilesFile",
    "MBTilesInfo",
    "MBTilesSchemeHandler",
    "TileSchemeHandler",
    "parse_tile_url",
    "register_map_schemes",
    "scheme_registered",
]


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


class TileSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``mbtiles://basemap/{z}/{x}/{y}``; subclasses say where a tile comes from (:meth:`fetch`).

    Signals:
        _tile_read(object, object, object): internal, worker → GUI thread (job, bytes or None, mime).
    """

    _tile_read = Signal(object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
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
        self.fetch(job, *coords)

    def fetch(self, job: QWebEngineUrlRequestJob, z: int, x: int, y: int) -> None:
        """Start reading the tile; emit :attr:`_tile_read` (from any thread) when it is read."""
        raise NotImplementedError

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
        """Stop reading tiles (teardown)."""


class MBTilesSchemeHandler(TileSchemeHandler):
    """Tiles from a local :class:`MBTilesFile`, read on a worker thread."""

    def __init__(self, tiles: MBTilesFile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tiles = tiles
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mbtiles")

    def fetch(self, job: QWebEngineUrlRequestJob, z: int, x: int, y: int) -> None:
        future = self._executor.submit(self._tiles.tile, z, x, y)
        future.add_done_callback(lambda done, job=job: self._emit(job, done))

    def _emit(self, job: QWebEngineUrlRequestJob, done: Future[bytes | None]) -> None:
        try:
            data: bytes | None = done.result()
        except sqlite3.Error as exc:
            log.error("cannot read a tile from %s: %s", self._tiles.path, exc)
            data = None
        self._tile_read.emit(job, data, self._tiles.mime)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._tiles.close()


class HubTilesSchemeHandler(TileSchemeHandler):
    """Tiles of the hub's basemap, fetched by the console's own connection (``fetch`` of a
    :class:`~ioc_console.gui.map.config.HubBasemap`), never blocking the GUI thread."""

    def __init__(self, fetch: TileFetch, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._closed = False

    def fetch(self, job: QWebEngineUrlRequestJob, z: int, x: int, y: int) -> None:
        def reply(data: bytes | None, media: str, job: QWebEngineUrlRequestJob = job) -> None:
            if not self._closed:
                self._tile_read.emit(job, data, media.encode("ascii", "replace") or b"image/png")

        try:
            self._fetch(z, x, y, reply)
        except Exception as error:  # a fetcher that fails at once: no tile, said in the log
            log.error("cannot ask the hub for a basemap tile: %s", error)
            reply(None, "")

    def shutdown(self) -> None:
        self._closed = True

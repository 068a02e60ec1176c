"""The basemap the hub serves to its consoles: one MBTiles file its administrator installs.

``basemap_path`` in the hub's settings names the file (raster tiles: PNG, JPEG or WebP). Signed-in
consoles read its description at ``GET /api/v1/basemap`` and its tiles at
``GET /api/v1/basemap/{z}/{x}/{y}`` (XYZ numbering, as the map asks; the file's rows count from the
south, which :class:`~ioc_console.mbtiles.MBTilesFile` turns round). Without a file, or with one
that cannot be read (said in the log at start), both answer 404 ``basemap.none`` and the consoles
show their notice that no basemap could be loaded.
"""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from ioc_console.hub.api import Auth
from ioc_console.hub.errors import HubError
from ioc_console.hub.settings import HubSettings
from ioc_console.mbtiles import MBTilesError, MBTilesFile

log = logging.getLogger(__name__)

#: Tiles do not change while the hub runs: consoles may keep them for a day.
TILE_CACHE = "private, max-age=86400"


def open_basemap(settings: HubSettings) -> MBTilesFile | None:
    """The configured basemap, or None (none configured, or not usable: logged)."""
    if settings.basemap_path is None:
        return None
    try:
        tiles = MBTilesFile(settings.basemap_path)
    except MBTilesError as error:
        log.error("the basemap is not served: %s", error)
        return None
    info = tiles.info
    log.info(
        "serving the basemap %s (%s, zoom %s-%s)",
        settings.basemap_path,
        info.format,
        info.min_zoom,
        info.max_zoom,
    )
    return tiles


def _answer(body: dict[str, object]) -> Response:
    return Response(json.dumps(body, ensure_ascii=False).encode("utf-8"), media_type="application/json")


def build_router(settings: HubSettings) -> tuple[APIRouter, MBTilesFile | None]:
    """The basemap's routes, and the open file (for the application to close at shutdown)."""
    router = APIRouter(prefix="/api/v1")
    tiles = open_basemap(settings)

    @router.get("/basemap")
    def describe(principal: Auth) -> Response:
        if tiles is None:
            raise HubError(404, "basemap.none")
        info = tiles.info
        return _answer(
            {
                "name": info.name,
                "attribution": info.attribution,
                "format": info.format,
                "minzoom": info.min_zoom,
                "maxzoom": info.max_zoom,
                "bounds": list(info.bounds) if info.bounds is not None else None,
            }
        )

    @router.get("/basemap/{z}/{x}/{y}")
    async def tile(principal: Auth, z: int, x: int, y: int) -> Response:
        if tiles is None:
            raise HubError(404, "basemap.none")
        data = await run_in_threadpool(tiles.tile, z, x, y)
        if data is None:
            raise HubError(404, "basemap.tile_not_found", z=z, x=x, y=y)
        return Response(
            data,
            media_type=tiles.mime.decode("ascii"),
            headers={"Cache-Control": TILE_CACHE, "X-Content-Type-Options": "nosniff"},
        )

    return router, tiles

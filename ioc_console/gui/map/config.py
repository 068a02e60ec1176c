"""What the map is configured with: base layers (tile URL templates with attribution), an optional
local MBTiles basemap, and where the generated page is cached."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

#: The host name under which the configured MBTiles file is served (``mbtiles://basemap/...``).
MBTILES_SCHEME = "mbtiles"
MBTILES_HOST = "basemap"
MBTILES_TEMPLATE = f"{MBTILES_SCHEME}://{MBTILES_HOST}/{{z}}/{{x}}/{{y}}"

OSM_TEMPLATE = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


@dataclass(frozen=True)
class TileSource:
    """One base layer: a Leaflet URL template (``{z}``, ``{x}``, ``{y}``, optionally ``{s}``).

    ``attribution`` is shown in the map's corner; it may hold a link (it comes from the
    configuration, never from a citizen).
    """

    url: str
    attribution: str
    name: str = ""
    max_zoom: int = 19
    max_native_zoom: int | None = None
    subdomains: str = "abc"

    def origins(self) -> tuple[str, ...]:
        """The origins tiles come from, for the page's Content-Security-Policy."""
        parts = urlsplit(self.url)
        if parts.scheme == MBTILES_SCHEME:
            return (f"{MBTILES_SCHEME}:",)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return ()
        host = parts.hostname
        if "{s}" in host:
            return tuple(f"{parts.scheme}://{host.replace('{s}', s)}" for s in self.subdomains)
        port = f":{parts.port}" if parts.port else ""
        return (f"{parts.scheme}://{host}{port}",)


OPENSTREETMAP = TileSource(OSM_TEMPLATE, OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=19)


#: How a tile of the hub's basemap is fetched: ``fetch(z, x, y, reply)`` starts the request and
#: later calls ``reply(data, media_type)``, or ``reply(None, "")`` when there is no such tile or the
#: hub cannot be reached. It must not block (the map calls it on the GUI thread).
TileFetch = Callable[[int, int, int, Callable[[bytes | None, str], None]], None]


@dataclass(frozen=True)
class HubBasemap:
    """The basemap the hub serves (``/api/v1/basemap``), as the map shows it."""

    fetch: TileFetch
    name: str = ""
    attribution: str = ""
    max_zoom: int | None = None


@dataclass(frozen=True)
class MapConfig:
    """How the map page is built.

    ``tiles``: online (or intranet) base layers, first one shown; may be empty for a closed network.
    ``mbtiles``: a local MBTiles file (raster tiles: PNG, JPEG or WebP) served as a base layer
    through the ``mbtiles:`` URL scheme; it comes first when given.
    ``cache_dir``: where the generated page is written (a temporary folder when None).
    """

    tiles: tuple[TileSource, ...] = (OPENSTREETMAP,)
    mbtiles: Path | None = None
    #: The hub's basemap; it comes first, before a local file, when given.
    hub_basemap: HubBasemap | None = None
    mbtiles_name: str = ""
    mbtiles_attribution: str = ""
    cache_dir: Path | None = None
    #: Cluster radius on screen, in pixels.
    cluster_radius: int = 60
    #: The last zoom level with clusters: closer than that, every report is drawn on its own.
    cluster_max_zoom: int = 16
    initial_center: tuple[float, float] = (16.0, 107.5)
    initial_zoom: int = 6
    #: Zoom buttons, legend and scale; a wall display nobody touches goes without them.
    controls: bool = True
    #: Names of districts and communes this many times their usual size (a wall seen from afar).
    label_scale: float = 1.0

    def offline(self) -> bool:
        """No base layer needs the network."""
        return not self.tiles

"""The map page: built once with folium, written to a file, its scripts kept out of the page.

folium lays out the document (the map's ``<div>``, its styles, the CSS links) and writes the
JavaScript that creates the Leaflet map with its base layers and controls. That JavaScript is not
left in the page: it is returned separately and run, with Leaflet, supercluster, ``qwebchannel.js``
and our own ``ioc-map.js``, as one user script in Qt's ApplicationWorld (see :mod:`.widget`).
The document itself holds no script at all, loads only local files, and carries a
Content-Security-Policy that forbids scripts and any origin but the tile servers', so that even
text that somehow became markup could not run or call out.

Every CDN reference folium would add is replaced by the copies in ``resources/map/vendor``; the
build fails loudly (:class:`MapPageError`) if anything non-local is left.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import folium
from branca.element import Element

from ioc_console.resources import resource_path

from ioc_console.gui.map.config import MBTILES_TEMPLATE, MapConfig, TileSource

#: Bumped when the page's layout or the way it is built changes, so cached pages are rebuilt.
PAGE_VERSION = 2

_SCRIPT_ELEMENT = re.compile(r"<script\b[^>]*>.*?</script>", re.IGNORECASE | re.DOTALL)
_LINKS = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


class MapPageError(RuntimeError):
    """The generated page would load something that is not a local file."""


def map_resource(*parts: str) -> Path:
    return resource_path("map", *parts)


def vendor_scripts() -> list[Path]:
    """The third-party scripts run before the map's own, in order."""
    return [
        map_resource("vendor", "leaflet", "leaflet.js"),
        map_resource("vendor", "supercluster", "supercluster.min.js"),
    ]


def map_script() -> Path:
    return map_resource("ioc-map.js")


@dataclass(frozen=True)
class MapPage:
    """The page file and the script folium wrote for it (run in the ApplicationWorld)."""

    html_path: Path
    init_script: str


def _content_security_policy(config: MapConfig, tiles: list[TileSource]) -> str:
    origins = sorted({origin for tile in tiles for origin in tile.origins()})
    images = " ".join(["file:", "data:", *origins])
    return (
        "default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; "
        "form-action 'none'; frame-src 'none'; connect-src 'none'; font-src file:; "
        f"style-src file: 'unsafe-inline'; img-src {images}"
    )


def _tile_layers(config: MapConfig, mbtiles_name: str, mbtiles_attribution: str) -> list[TileSource]:
    layers: list[TileSource] = []
    if config.mbtiles is not None or config.hub_basemap is not None:
        layers.append(
            TileSource(
                MBTILES_TEMPLATE,
                mbtiles_attribution or config.mbtiles_attribution or mbtiles_name,
                name=mbtiles_name,
                max_zoom=19,
            )
        )
    layers.extend(config.tiles)
    return layers


def render_page(
    config: MapConfig,
    *,
    lang: str = "vi",
    mbtiles_name: str = "",
    mbtiles_attribution: str = "",
    mbtiles_max_zoom: int | None = None,
) -> tuple[str, str]:
    """The page's HTML and the map's initialisation script, as folium writes them."""
    tiles = _tile_layers(config, mbtiles_name, mbtiles_attribution)
    fmap = folium.Map(
        location=list(config.initial_center),
        zoom_start=config.initial_zoom,
        tiles=None,
        control_scale=False,  # ioc-map.js adds a metric-only scale
        prefer_canvas=True,
        max_zoom=19,
        world_copy_jump=False,
        zoom_control=config.controls,
    )
    # Local copies instead of folium's CDN links; no script in the document (they run elsewhere).
    fmap.default_js = []
    fmap.default_css = [
        ("leaflet_css", map_resource("vendor", "leaflet", "leaflet.css").as_uri()),
        ("ioc_map_css", map_resource("ioc-map.css").as_uri()),
    ]
    for i, tile in enumerate(tiles):
        native = tile.max_native_zoom
        if i == 0 and (config.mbtiles or config.hub_basemap) is not None and mbtiles_max_zoom is not None:
            native = mbtiles_max_zoom
        folium.TileLayer(
            tiles=tile.url,
            attr=tile.attribution,
            name=tile.name or tile.url,
            max_zoom=tile.max_zoom,
            max_native_zoom=native if native is not None else tile.max_zoom,
            subdomains=tile.subdomains,
            overlay=False,
            control=True,
            show=i == 0,
        ).add_to(fmap)
    if len(tiles) > 1:
        folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    figure = fmap.get_root()
    _stable_names(figure)
    figure.render()
    header = _SCRIPT_ELEMENT.sub("", figure.header.render())
    body = figure.html.render()
    init_script = figure.script.render()
    policy = _content_security_policy(config, tiles)
    document = (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang)}">\n<head>\n'
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">\n'
        f"{header}\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    _check_local(document)
    return document, init_script


def _stable_names(element: Element) -> None:
    """Number folium's elements instead of its random ids, so the same map gives the same page."""
    counter = 0
    stack = [element]
    while stack:
        current = stack.pop()
        current._id = f"{counter:04d}"
        counter += 1
        stack.extend(reversed(list(current._children.values())))


def _check_local(document: str) -> None:
    if _SCRIPT_ELEMENT.search(document) or "<script" in document.lower():
        raise MapPageError("the map page must not hold a script element")
    for link in _LINKS.findall(document):
        if not link.startswith("file:"):
            raise MapPageError(f"the map page refers to a non-local resource: {link}")


def build_page(
    config: MapConfig,
    *,
    lang: str = "vi",
    mbtiles_name: str = "",
    mbtiles_attribution: str = "",
    mbtiles_max_zoom: int | None = None,
) -> MapPage:
    """Write the page into the cache folder (once per distinct content) and return it."""
    document, init_script = render_page(
        config,
        lang=lang,
        mbtiles_name=mbtiles_name,
        mbtiles_attribution=mbtiles_attribution,
        mbtiles_max_zoom=mbtiles_max_zoom,
    )
    digest = hashlib.sha256(f"{PAGE_VERSION}\n{document}\n{init_script}".encode()).hexdigest()[:16]
    folder = config.cache_dir or Path(tempfile.gettempdir()) / "ioc-console-map"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"map-{digest}.html"
    if not path.exists() or path.read_text(encoding="utf-8") != document:
        partial = folder / f".map-{digest}.{os.getpid()}.partial"
        partial.write_text(document, encoding="utf-8")
        os.replace(partial, path)
    return MapPage(html_path=path, init_script=init_script)

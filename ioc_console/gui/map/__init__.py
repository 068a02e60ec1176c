"""The live map of reports (Leaflet in QtWebEngine, fed through a QWebChannel bridge).

Importing this package registers the ``mbtiles:`` URL scheme with QtWebEngine, which Qt accepts
only before the application (and the web engine) starts: import it before creating the
QApplication. It also imports QtWebEngineWidgets, which Qt wants imported before the application
exists as well.
"""

from __future__ import annotations

from ioc_console.gui.map.mbtiles import register_map_schemes

register_map_schemes()

from ioc_console.gui.map.config import OPENSTREETMAP, MapConfig, TileSource  # noqa: E402
from ioc_console.gui.map.data import MapReport, MapRow, map_reports  # noqa: E402
from ioc_console.gui.map.widget import MapWidget  # noqa: E402

__all__ = [
    "OPENSTREETMAP",
    "MapConfig",
    "MapReport",
    "MapRow",
    "MapWidget",
    "TileSource",
    "map_reports",
    "register_map_schemes",
]

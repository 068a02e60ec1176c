"""The map widget: a QWebEngineView showing the folium page, fed through :class:`MapBridge`.

How it fits together:

* the page (:mod:`.page`) is built once with folium and loaded from its file;
* Leaflet, supercluster, ``qwebchannel.js``, folium's map set-up and ``ioc-map.js`` run as one user
  script in the ApplicationWorld, where the bridge is registered — the page's own world has no way
  to it;
* the widget keeps the reports it was given (``number → row``); the page gets compact columns in
  chunks and asks for a report's text only when it opens its popup;
* if the page's renderer dies it is reloaded and given everything again.

Typical use (the main window docks it)::

    map_widget = MapWidget(MapConfig(cache_dir=cache), lang="vi")
    map_widget.set_units(jurisdiction)
    map_widget.set_reports(rows)              # rows: MapRow-shaped objects (see data.py)
    map_widget.report_clicked.connect(queue.select_number)
    queue.report_selected.connect(map_widget.select)
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QFile, QIODevice, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Status

from ioc_console.gui.map import data
from ioc_console.gui.map.bridge import MapBridge, Message
from ioc_console.gui.map.config import MBTILES_SCHEME, MapConfig
from ioc_console.gui.map.mbtiles import (
    HubTilesSchemeHandler,
    MBTilesError,
    MBTilesFile,
    MBTilesInfo,
    MBTilesSchemeHandler,
    TileSchemeHandler,
    scheme_registered,
)
from ioc_console.gui.map.outlines import bounds_of, outlines_path, province_outline
from ioc_console.gui.map.page import MapPage, build_page, map_script, vendor_scripts
from ioc_console.gui.map.webpage import MapRequestGuard, MapWebPage
from ioc_console.gui.present import Names
from ioc_console.gui.theme import palette_is_dark

log = logging.getLogger(__name__)

#: Reports per message when a full set is sent.
CHUNK = 25_000


def _read_qt_resource(path: str) -> str:
    file = QFile(path)
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError(f"cannot read Qt resource {path}")
    try:
        return bytes(file.readAll().data()).decode("utf-8")
    finally:
        file.close()


def application_script(page: MapPage) -> QWebEngineScript:
    """Everything the map runs, as one script in the ApplicationWorld (one script keeps the order)."""
    parts = [path.read_text(encoding="utf-8") for path in vendor_scripts()]
    parts.append(_read_qt_resource(":/qtwebchannel/qwebchannel.js"))
    parts.append(page.init_script)
    # Natural Earth's outlines around the province (GeoJSON is a JavaScript expression as it is).
    try:
        outlines = outlines_path().read_text(encoding="utf-8").strip() or "null"
    except OSError as exc:
        log.error("the map's outlines cannot be read: %s", exc)
        outlines = "null"
    parts.append(f"globalThis.IOC_OUTLINES = {outlines};")
    parts.append(map_script().read_text(encoding="utf-8"))
    script = QWebEngineScript()
    script.setName("ioc-map")
    script.setSourceCode("\n;\n".join(parts))
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentReady)
    script.setWorldId(QWebEngineScript.ScriptWorldId.ApplicationWorld)
    script.setRunsOnSubFrames(False)
    return script


#: The kind of unit a name begins with, as the map writes it: districts by their name alone (as maps
#: of Vietnam do), cities and towns abbreviated, so that names fit between the reports.
_LABEL_PREFIXES = (
    ("Thành phố ", "TP. "),
    ("Thị xã ", "TX. "),
    ("Huyện ", ""),
    ("Quận ", "Q. "),
)


def map_label(name: str) -> str:
    """A unit's name as the map writes it (``Huyện Ninh Phước`` → ``Ninh Phước``)."""
    for prefix, short in _LABEL_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return short + name[len(prefix) :]
    return name


def _finite(value: object, low: float, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        return None
    return number


class MapWidget(QWidget):
    """The live map of reports.

    Signals:
        ready(): the page is loaded and listening (again, after a reload).
        report_clicked(str): the user clicked a report's marker (its number).
        selection_changed(str): the user changed the selection in the map ("" when cleared).
        marker_moved(str, float, float): in move mode, the report's marker was dropped at (lat, lon).
        map_clicked(float, float): the user clicked the map away from any report (lat, lon).
        reports_loaded(int): a full set from :meth:`set_reports` is indexed and drawn (how many).
        acknowledged(int): the page has drawn the change with this sequence number.
        details_wanted(str): the page wants the text of a report given without it (a store
            ``MapPoint``); answer with :meth:`give_details`.
    """

    ready = Signal()
    report_clicked = Signal(str)
    selection_changed = Signal(str)
    marker_moved = Signal(str, float, float)
    map_clicked = Signal(float, float)
    reports_loaded = Signal(int)
    acknowledged = Signal(int)
    details_wanted = Signal(str)

    def __init__(
        self,
        config: MapConfig | None = None,
        *,
        lang: str = "vi",
        when: Callable[[datetime | None], str] | None = None,
        interceptor: QWebEngineUrlRequestInterceptor | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._config = config or MapConfig()
        self._lang = lang
        self._when = when
        self._rows: dict[str, data.MapRow] = {}
        self._units: Message | None = None
        self._visible: list[str] | None = None
        self._selected: str | None = None
        self._moving: str | None = None
        self._pin: tuple[float, float] | None = None
        self._pick = False
        self._load_id = 0
        self._load_numbers: list[str] = []
        #: A full set is arriving in parts (begin_reports ... end_reports).
        self._streaming = False
        self._load_pos = 0
        self._seq = 0
        self._loads_started = 0
        self._loads_finished = 0
        self._closed = False
        self._dark = False
        #: The page's own timing of the last full load, in ms: index build, total (first chunk to
        #: drawn), putting rows into columns, parsing, first chunk to last.
        self.last_load_timing: dict[str, float] = {}

        self._view = QWebEngineView(self)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        # Our own profile, off the record (nothing written to disk). It becomes the page's child
        # below: a page must be gone before its profile, and a parent's destructor runs before
        # its children are deleted, so this order holds however the widget is torn down.
        self._profile = QWebEngineProfile()
        self._tiles_handler: TileSchemeHandler | None = None
        mbtiles = self._open_basemap()
        page = build_page(
            self._config,
            lang=lang,
            mbtiles_name=self.tr("Bản đồ nền ngoại tuyến") if mbtiles else "",
            mbtiles_attribution=mbtiles.attribution if mbtiles else "",
            mbtiles_max_zoom=mbtiles.max_zoom if mbtiles else None,
        )
        if interceptor is None:
            origins = [origin for tile in self._config.tiles for origin in tile.origins()]
            if mbtiles is not None:
                origins.append(f"{MBTILES_SCHEME}:")
            interceptor = MapRequestGuard(origins)
        self._interceptor = interceptor
        interceptor.setParent(self._profile)
        self._profile.setUrlRequestInterceptor(interceptor)

        self._page = MapWebPage(self._profile, self._view, remote_tiles=bool(self._config.tiles))
        self._profile.setParent(self._page)
        self._bridge = MapBridge(self._on_page_message, self)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject("bridge", self._bridge)
        self._page.setWebChannel(self._channel, QWebEngineScript.ScriptWorldId.ApplicationWorld)
        self._page.scripts().insert(application_script(page))
        self._page.loadStarted.connect(self._on_load_started)
        self._page.loadFinished.connect(self._on_load_finished)
        self._page.renderProcessTerminated.connect(self._on_render_process_terminated)
        self._view.setPage(self._page)

        self._pump_timer = QTimer(self)
        self._pump_timer.setSingleShot(True)
        self._pump_timer.setInterval(0)
        self._pump_timer.timeout.connect(self._pump)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)
        self.setFocusProxy(self._view)

        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._on_about_to_quit)

        self._page_url = QUrl.fromLocalFile(str(page.html_path))
        self._page.set_home(self._page_url)
        self._bridge.send(self._labels())
        self.set_dark(palette_is_dark(self.palette()))
        self._page.load(self._page_url)

    # -- accessors -----------------------------------------------------------------------------------

    def view(self) -> QWebEngineView | None:
        """The web view (None after :meth:`dispose`)."""
        return self._view

    def page(self) -> MapWebPage | None:
        """The page (None after :meth:`dispose`)."""
        return self._page

    def profile(self) -> QWebEngineProfile | None:
        """The page's own off-the-record profile (None after :meth:`dispose`)."""
        return self._profile

    def bridge(self) -> MapBridge:
        return self._bridge

    def is_ready(self) -> bool:
        return self._bridge.is_ready()

    def page_url(self) -> QUrl:
        return self._page_url

    def loads(self) -> tuple[int, int]:
        """How many times the page started and finished loading (1, 1 in a healthy life)."""
        return self._loads_started, self._loads_finished

    def report_count(self) -> int:
        return len(self._rows)

    def selected(self) -> str | None:
        return self._selected

    # -- what is shown -------------------------------------------------------------------------------

    def set_reports(self, rows: Iterable[data.MapRow]) -> int:
        """Show exactly these reports (replacing any others); returns the load's id.

        Reports without a position are kept (for :meth:`update_report`) but not drawn. The page
        gets them in chunks; :attr:`reports_loaded` says when all are indexed and drawn.
        """
        self._streaming = False
        self._rows = {row.number: row for row in rows}
        return self._start_load()

    def begin_reports(self) -> int:
        """Replace the reports with a set given in parts: :meth:`add_reports` each part as it is
        read, then :meth:`end_reports`. The page takes each part while the next is being read;
        :attr:`reports_loaded` says when all are drawn. Returns the load's id."""
        self._pump_timer.stop()
        self._rows = {}
        self._load_id += 1
        self._load_numbers = []
        self._load_pos = 0
        self._streaming = True
        self._bridge.send({"t": "begin", "load": self._load_id, "total": 0})
        return self._load_id

    def add_reports(self, rows: Iterable[data.MapRow]) -> None:
        """A part of the set begun with :meth:`begin_reports` (sent to the page at once)."""
        part = list(rows)
        if not self._streaming:
            self.update_reports(part)
            return
        known = self._rows
        for row in part:
            known[row.number] = row
        for start in range(0, len(part), CHUNK):
            message: Message = {"t": "chunk", "load": self._load_id}
            message.update(data.encode_rows(part[start : start + CHUNK]))
            self._bridge.send(message)

    def end_reports(self) -> None:
        """The set begun with :meth:`begin_reports` is complete: the page indexes and draws it."""
        if self._streaming:
            self._streaming = False
            if not self._load_numbers:  # (a reload meanwhile sends its own end)
                self._bridge.send({"t": "end", "load": self._load_id})

    def update_report(self, row: data.MapRow) -> int:
        """Add or change one report; returns the sequence number :attr:`acknowledged` will carry."""
        return self.update_reports([row])

    def update_reports(self, rows: Iterable[data.MapRow]) -> int:
        """Add or change several reports at once; one sequence number for all of them."""
        latest = {row.number: row for row in rows}
        self._rows.update(latest)
        placed = [row for row in latest.values() if data.has_position(row)]
        unplaced = [number for number, row in latest.items() if not data.has_position(row)]
        if unplaced:
            self._bridge.send({"t": "remove", "n": unplaced})
        self._seq += 1
        message: Message = {"t": "upsert", "seq": self._seq}
        message.update(data.encode_rows(placed))
        self._bridge.send(message)
        return self._seq

    def remove_report(self, number: str) -> int:
        return self.remove_reports([number])

    def remove_reports(self, numbers: Iterable[str]) -> int:
        gone = [n for n in numbers if self._rows.pop(n, None) is not None]
        if self._selected in gone:
            self._selected = None
        if self._moving in gone:
            self._moving = None
        self._seq += 1
        self._bridge.send({"t": "remove", "n": gone, "seq": self._seq})
        return self._seq

    @Slot(str)
    def select(self, number: str | None, pan: bool = True) -> None:
        """Highlight this report (None or "" clears); pans to it when it is out of view."""
        self._selected = number or None
        self._bridge.send({"t": "select", "n": self._selected, "pan": pan})

    def set_visible(self, numbers: Iterable[str] | None) -> int:
        """Show only these reports (a filter), or all of them with None."""
        self._visible = None if numbers is None else list(dict.fromkeys(numbers))
        self._seq += 1
        self._bridge.send({"t": "visible", "n": self._visible, "seq": self._seq})
        return self._seq

    def set_units(self, jurisdiction: Jurisdiction, fit: bool = True) -> None:
        """Draw the jurisdiction: its outline (its pack's frame cut by Natural Earth's coast), its
        districts' and communes' names; the view fitted to it (works offline)."""
        names = Names(jurisdiction, self._lang)
        places = [(u.lat, u.lon) for u in jurisdiction.units.values()]
        outline = province_outline(jurisdiction.bbox, places)
        self._units = {
            "t": "units",
            "name": jurisdiction.name,
            "bbox": list(jurisdiction.bbox),
            "outline": [[[list(p) for p in ring] for ring in polygon] for polygon in outline],
            "fit_bbox": list(bounds_of(outline) or jurisdiction.bbox),
            "units": [
                {
                    "code": u.code,
                    "name": u.name,
                    "label": map_label(u.name),
                    "kind": u.kind,
                    "lat": u.lat,
                    "lon": u.lon,
                }
                for u in jurisdiction.units.values()
            ],
            "categories": {code: names.category(code) for code in jurisdiction.categories},
            "fit": fit,
        }
        self._bridge.send(self._units)

    def fit_bounds(self, south: float, west: float, north: float, east: float) -> None:
        self._bridge.send({"t": "fit", "bbox": [south, west, north, east]})

    def fit_province(self) -> None:
        """Fit the view to the province given by :meth:`set_units` again."""
        self._bridge.send({"t": "fit", "province": True})

    def set_dark(self, dark: bool) -> None:
        """Draw the map for a dark palette (or a light one). The widget follows its own palette by
        itself; this is for a page that must differ from it."""
        self._dark = dark
        self._bridge.send({"t": "theme", "dark": dark})

    def is_dark(self) -> bool:
        return self._dark

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            dark = palette_is_dark(self.palette())
            if dark != self._dark and not self._closed:
                self.set_dark(dark)
        super().changeEvent(event)

    def begin_move(self, number: str) -> None:
        """Move mode: the report's marker becomes draggable; each drop emits :attr:`marker_moved`."""
        self._moving = number
        self._bridge.send({"t": "move", "n": number})

    def end_move(self) -> None:
        self._moving = None
        self._bridge.send({"t": "move", "n": None})

    def set_pick_mode(self, on: bool) -> None:
        """A crosshair cursor, and clicks on reports count as clicks on the map (hotline intake)."""
        self._pick = on
        self._bridge.send({"t": "pick", "on": on})

    def show_pin(self, lat: float | None, lon: float | None) -> None:
        """Mark a chosen location (or remove the mark with None)."""
        self._pin = None if lat is None or lon is None else (lat, lon)
        self._bridge.send({"t": "pin", "lat": lat, "lon": lon})

    def give_details(self, row: data.MapRow) -> None:
        """The text of a report the page asked for (after :attr:`details_wanted`), read elsewhere."""
        if row.number in self._rows:
            self._bridge.send({"t": "details", **data.details(row, self._when)})

    def ping(self) -> int:
        """Ask the page for an :attr:`acknowledged` after its next frame; returns the sequence number."""
        self._seq += 1
        self._bridge.send({"t": "ping", "seq": self._seq})
        return self._seq

    # -- teardown ------------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop talking to the page: nothing is sent or handled afterwards."""
        if self._closed:
            return
        self._closed = True
        self._pump_timer.stop()
        self._bridge.close()
        if self._tiles_handler is not None:
            self._tiles_handler.shutdown()

    def dispose(self) -> None:
        """:meth:`shutdown`, then delete the web view with its page and profile right away.

        Runs by itself when the application is about to quit: QtWebEngine releases its profiles
        when the application ends and warns about any page still alive then. The view goes too:
        a view left without its page would make itself a new one on the default profile.
        """
        self.shutdown()
        view = self._view
        if view is None:
            return
        self._view = None
        self._page = None
        self._profile = None
        if shiboken6.isValid(view):
            shiboken6.delete(view)

    @Slot()
    def _on_about_to_quit(self) -> None:
        self.dispose()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    # -- internals: loading --------------------------------------------------------------------------

    def _open_basemap(self) -> MBTilesInfo | None:
        """The hub's basemap, or else a local MBTiles file, served to the page as ``mbtiles:``."""
        hub = self._config.hub_basemap
        path: Path | None = self._config.mbtiles
        if hub is None and path is None:
            return None
        if not scheme_registered():
            log.error(
                "the MBTiles basemap needs the %s: scheme, registered before the application", MBTILES_SCHEME
            )
            return None
        if hub is not None:
            self._tiles_handler = HubTilesSchemeHandler(hub.fetch, self._profile)
            self._profile.installUrlSchemeHandler(MBTILES_SCHEME.encode(), self._tiles_handler)
            return MBTilesInfo(hub.name, hub.attribution, "png", None, hub.max_zoom)
        assert path is not None
        try:
            tiles = MBTilesFile(path)
        except MBTilesError as exc:
            log.error("MBTiles basemap not used: %s", exc)
            return None
        self._tiles_handler = MBTilesSchemeHandler(tiles, self._profile)
        self._profile.installUrlSchemeHandler(MBTILES_SCHEME.encode(), self._tiles_handler)
        return tiles.info

    def _start_load(self) -> int:
        self._load_id += 1
        self._load_numbers = list(self._rows)
        self._load_pos = 0
        self._bridge.send({"t": "begin", "load": self._load_id, "total": len(self._load_numbers)})
        self._pump_timer.start()
        return self._load_id

    @Slot()
    def _pump(self) -> None:
        """Send the next chunk of the current load (one per event-loop turn, so the GUI stays live)."""
        if self._closed:
            return
        start, end = self._load_pos, min(self._load_pos + CHUNK, len(self._load_numbers))
        rows = self._rows
        chunk = [rows[n] for n in self._load_numbers[start:end] if n in rows]
        message: Message = {"t": "chunk", "load": self._load_id}
        message.update(data.encode_rows(chunk))
        self._bridge.send(message)
        self._load_pos = end
        if end < len(self._load_numbers):
            self._pump_timer.start()
        else:
            self._load_numbers = []
            if not self._streaming:  # a set still arriving in parts ends with end_reports
                self._bridge.send({"t": "end", "load": self._load_id})

    def _labels(self) -> Message:
        lang = self._lang
        statuses = [{"label": s.label(lang), "group": data.STATUS_GROUPS[s]} for s in data.STATUS_ORDER]

        def code(status: Status, state: DeadlineState) -> int:
            return data.style_code(status, state)

        legend = [
            {
                "code": code(Status.IN_PROGRESS, DeadlineState.OVERDUE),
                "label": DeadlineState.OVERDUE.label(lang),
            },
            {
                "code": code(Status.IN_PROGRESS, DeadlineState.DUE_SOON),
                "label": DeadlineState.DUE_SOON.label(lang),
            },
            {
                "code": code(Status.IN_PROGRESS, DeadlineState.ON_TRACK),
                "label": DeadlineState.ON_TRACK.label(lang),
            },
            {
                "code": code(Status.NEW, DeadlineState.ON_TRACK),
                "label": self.tr("Chờ IOC xử lý (chấm trắng)"),
            },
            {
                "code": code(Status.NEEDS_INFO, DeadlineState.NONE),
                "label": self.tr("Chờ người dân bổ sung (rỗng)"),
            },
            {
                "code": code(Status.RESOLVED, DeadlineState.ON_TRACK),
                "label": self.tr("Đã xử lý, chờ trả lời (viền xanh lá)"),
            },
            {"code": code(Status.CLOSED, DeadlineState.NONE), "label": self.tr("Đã kết thúc")},
            {"cluster": True, "code": 0, "label": self.tr("Nhóm phản ánh (số đỏ: quá hạn; cả nhóm đỏ: đều quá hạn)")},
        ]
        return {
            "t": "labels",
            "locale": "vi-VN" if lang == "vi" else "en-GB",
            "statuses": statuses,
            "deadlines": [state.label(lang) for state in data.DEADLINE_ORDER],
            "legend": {"title": self.tr("Chú giải"), "entries": legend},
            "text": {
                "cluster": self.tr("{count} phản ánh"),
                "cluster_overdue": self.tr("{overdue} quá hạn"),
                "loading": self.tr("Đang tải…"),
                "pending": self.tr("Thao tác đang chờ gửi lên máy chủ"),
                "move_hint": self.tr("Kéo để dời vị trí phản ánh"),
                "no_basemap": self.tr("Không tải được bản đồ nền"),
                "no_basemap_detail": self.tr(
                    "Bản đồ chỉ có bờ biển, biên giới (Natural Earth) và khung tỉnh (gần đúng)."
                ),
            },
            "controls": self._config.controls,
            "label_scale": self._config.label_scale,
            "cluster_radius": self._config.cluster_radius,
            "cluster_max_zoom": self._config.cluster_max_zoom,
        }

    def _replay(self) -> None:
        """A fresh page knows nothing: tell it everything the widget shows."""
        self._bridge.send(self._labels())
        self._bridge.send({"t": "theme", "dark": self._dark})
        if self._units is not None:
            self._bridge.send({**self._units, "fit": False})
        self._start_load()
        if self._visible is not None:
            self._bridge.send({"t": "visible", "n": self._visible})
        if self._selected is not None:
            self._bridge.send({"t": "select", "n": self._selected, "pan": False})
        if self._moving is not None:
            self._bridge.send({"t": "move", "n": self._moving})
        if self._pin is not None:
            self._bridge.send({"t": "pin", "lat": self._pin[0], "lon": self._pin[1]})
        if self._pick:
            self._bridge.send({"t": "pick", "on": True})

    @Slot()
    def _on_load_started(self) -> None:
        self._loads_started += 1
        if self._loads_started > 1 and not self._closed:
            # A reload (after a crash, or by Qt): the old page's state is gone.
            self._bridge.reset()
            self._replay()

    @Slot(bool)
    def _on_load_finished(self, ok: bool) -> None:
        self._loads_finished += 1
        if not ok:
            log.error("the map page %s did not load", self._page_url.toDisplayString())

    @Slot(QWebEnginePage.RenderProcessTerminationStatus, int)
    def _on_render_process_terminated(
        self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int
    ) -> None:
        if self._closed:
            return
        log.error("the map's renderer ended (%s, code %d); reloading", status, code)
        QTimer.singleShot(0, self, self._reload)

    @Slot()
    def _reload(self) -> None:
        if not self._closed and self._page is not None:
            self._page.load(self._page_url)

    # -- internals: messages from the page -----------------------------------------------------------

    def _on_page_message(self, message: Message) -> None:
        kind = message["t"]
        if kind == "ready":
            self.ready.emit()
        elif kind == "clicked":
            number = message.get("n")
            if isinstance(number, str) and number in self._rows:
                self._selected = number
                self.report_clicked.emit(number)
        elif kind == "selected":
            number = message.get("n")
            if number is None or (isinstance(number, str) and number in self._rows):
                self._selected = number
                self.selection_changed.emit(number or "")
        elif kind == "moved":
            number = message.get("n")
            lat = _finite(message.get("lat"), -90.0, 90.0)
            lon = _finite(message.get("lon"), -180.0, 180.0)
            if isinstance(number, str) and number in self._rows and lat is not None and lon is not None:
                self.marker_moved.emit(number, lat, lon)
        elif kind == "map_clicked":
            lat = _finite(message.get("lat"), -90.0, 90.0)
            lon = _finite(message.get("lon"), -180.0, 180.0)
            if lat is not None and lon is not None:
                self.map_clicked.emit(lat, lon)
        elif kind == "details":
            number = message.get("n")
            row = self._rows.get(number) if isinstance(number, str) else None
            if row is not None and data.has_text(row):
                self._bridge.send({"t": "details", **data.details(row, self._when)})
            elif row is not None:
                self.details_wanted.emit(row.number)
        elif kind == "loaded":
            count = message.get("count")
            if message.get("load") == self._load_id and isinstance(count, int):
                self.last_load_timing = {
                    key: float(message.get(key, 0) or 0)
                    for key in ("index_ms", "total_ms", "put_ms", "parse_ms", "chunks_ms")
                }
                log.debug(
                    "map: %d reports indexed in %.0f ms, shown %.0f ms after the first chunk",
                    count,
                    message.get("index_ms", 0),
                    message.get("total_ms", 0),
                )
                self.reports_loaded.emit(count)
        elif kind == "ack":
            seq = message.get("seq")
            if isinstance(seq, int):
                self.acknowledged.emit(seq)
        elif kind == "error":
            text = str(message.get("message", ""))[:2000]
            if self._page is not None:
                self._page.console_errors.append(text)
            log.error("map page script error: %s", text)
        else:
            log.debug("map page sent an unknown message: %s", kind)

    # -- for tests and benchmarks --------------------------------------------------------------------

    def run_in_map_world(self, code: str, callback: Callable[[Any], None]) -> None:
        """Run a constant expression of the map's own script world (``iocMap.state()``...)."""
        if self._page is None:
            return
        self._page.runJavaScript(code, QWebEngineScript.ScriptWorldId.ApplicationWorld, callback)

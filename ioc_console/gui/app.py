"""The composition root: builds the console in numbered, logged steps and runs it on one qasync loop.

Every part gets what it needs through its constructor; nothing is looked up from a global registry.
Why qasync: the hub client (httpx, async) will run on the same loop as Qt, so the console has one
event loop from the start. Blocking work (SQLite) never runs on that loop's thread: it goes to the
single database worker (:class:`~ioc_console.gui.operations.DatabaseExecutor`), whose results come
back as queued Qt signals.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLocale,
    QObject,
    QSettings,
    QStandardPaths,
    Qt,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from qasync import QEventLoop

from ioc_console.aio import settle
from ioc_console.domain.errors import DomainError
from ioc_console.domain.lifecycle import Actor, Role
from ioc_console.private_files import private_folder

from ioc_console.gui import i18n
from ioc_console.gui.look import DeadlineLook
from ioc_console.gui.main_window import LANGUAGE_KEY, MainWindow
from ioc_console.gui.operations import DatabaseExecutor, Op
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.qt_compat import GuiThreadCollector, protect_bool_singletons

if TYPE_CHECKING:
    from ioc_console.demo.embedded import EmbeddedHub
    from ioc_console.demo.simulator import CitizenFeed
    from ioc_console.site_file import Site, SiteFileError
    from ioc_console.sync.credentials import Credentials
    from ioc_console.sync.session import SignedIn
    from ioc_console.sync.wire import UserInfo

    from ioc_console.gui.connection import HubSession
    from ioc_console.gui.datasource import DemoData
    from ioc_console.gui.map import MapConfig
    from ioc_console.gui.supervisor import SupervisorDesk
    from ioc_console.gui.workspace import Workspace

log = logging.getLogger("ioc_console.app")

APP_NAME = "ioc-console"
SETTINGS_FILE = "console.ini"
#: Changes applied by sync are shown together when they come this close (a first sync brings thousands).
CHANGES_BATCH_MS = 150


def changes_delay_ms(last_shown: float | None, now: float) -> int:
    """How long changes the sync just applied wait before they are shown: none after a quiet
    spell (a citizen's new report reaches the queue at once), else until the batch interval since
    the last showing has passed (``last_shown`` and ``now`` in seconds, monotonic)."""
    if last_shown is None:
        return 0
    waited = (now - last_shown) * 1000
    return 0 if waited >= CHANGES_BATCH_MS else max(1, round(CHANGES_BATCH_MS - waited))


#: Where the console's data comes from (:attr:`Options.source`).
LOCAL_DEMO = "local"  # a generated store on this machine, no hub (tests, benchmarks, --offline-demo)
EMBEDDED_DEMO = "embedded"  # a demo hub in this process, with the citizen-feed simulator (--demo)
HUB = "hub"  # a real hub: sign in, then sync (--hub URL, or the last hub used)
AUTO = "auto"  # the last hub used if there is one, else the embedded demo

HUB_URL_KEY = "hub/url"
HUB_USER_KEY = "hub/user"


@dataclass(frozen=True)
class Options:
    demo: bool = True
    lang: str | None = None
    data_dir: Path | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    source: str = LOCAL_DEMO
    hub_url: str | None = None
    ca_bundle: Path | None = None
    #: New citizens' reports per minute from the embedded demo's simulator (0: none).
    feed_rate: float | None = None
    #: Reports of history in a newly built embedded demo hub (None: the demo's year).
    demo_count: int | None = None
    #: The full-screen wall display for supervisors, on screen ``screen`` (counted from 1).
    wall: bool = False
    screen: int | None = None
    #: The organisation's site file (hub, CA bundle, language, basemap), read when none is chosen,
    #: and the reason one was found but not used (shown once the window is up).
    site: Site | None = None
    site_problem: SiteFileError | None = None


def default_data_dir() -> Path:
    """The user's data folder for the console (needs the application's name to be set)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) if location else Path.home() / f".{APP_NAME}"


class _ProgressRelay(QObject):
    """Carries progress from the database worker to the GUI thread (queued signal)."""

    progressed = Signal(str, int)


class _CloseWatcher(QObject):
    """Calls ``then`` when ``widget`` is closed (the wall display's close ends the console)."""

    def __init__(self, widget: QWidget, then: Callable[[], object]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            QTimer.singleShot(0, self._then)
        return False


class Console(QObject):
    """The running console: the parts, wired together, and the loop that drives them.

    Signals:
        checked(): the integrity check of the opened store has finished (a problem is shown).
    """

    checked = Signal()
    #: Reports the hub changed in the local copy (batched), for the parts that follow them live.
    hub_changes = Signal(list)

    def __init__(self, app: QApplication, options: Options, started: float | None = None) -> None:
        super().__init__()
        self.app = app
        self.options = options
        self.started = started if started is not None else time.perf_counter()
        self.timings: dict[str, float] = {}
        self.data: DemoData | None = None
        self._step = 0
        self._closed = asyncio.Event()
        self._translators: list[QTranslator] = []
        self._opened: list[DemoData] = []
        self._hub_task: asyncio.Future[None] | None = None
        self._basemap_task: asyncio.Future[None] | None = None
        self.session: HubSession | None = None
        self.embedded: EmbeddedHub | None = None
        self.simulator: CitizenFeed | None = None
        self.sync_status: QWidget | None = None
        self._changed: set[str] = set()
        self._changes_shown: float | None = None
        self._credentials: Credentials | None = None
        self._kept_user: UserInfo | None = None
        self.workspace: Workspace | None = None
        self.wall: QWidget | None = None
        self.desk: SupervisorDesk | None = None
        self.liaison: QWidget | None = None
        self.statistics: QWidget | None = None

        self._log_step("application")
        if protect_bool_singletons():
            log.info("worked around PySide6's lost references to True (see gui/qt_compat.py)")
        app.setApplicationName(APP_NAME)
        app.setApplicationDisplayName("IOC Console")
        app.setOrganizationName("")
        app.setQuitOnLastWindowClosed(False)

        self._log_step("data folder and settings")
        self.data_dir = (options.data_dir or default_data_dir()).expanduser().resolve()
        private_folder(self.data_dir)  # local copies, photos and settings: this user's alone
        self.settings = QSettings(str(self.data_dir / SETTINGS_FILE), QSettings.Format.IniFormat)

        self._log_step("language")
        site = options.site
        saved = self.settings.value(LANGUAGE_KEY) or (site.language if site is not None else None)
        wanted = i18n.resolve_language(options.lang, options.env, saved)
        self.lang, self._translators = i18n.install_translators(app, wanted)
        stretching = i18n.install_stretching(app, options.env, self._translators)
        if stretching is not None:
            self._translators.append(stretching)
        log.info("interface language: %s", self.lang)

        self._log_step("database worker, garbage collection on the GUI thread")
        self.collector = GuiThreadCollector()
        self.executor = DatabaseExecutor()
        self._progress = _ProgressRelay()
        self._progress.progressed.connect(self._on_progress)

        self._log_step("main window")
        self.window = MainWindow(self.settings, self.executor, self.lang)
        self.window.closing.connect(self._closed.set)
        self.look = DeadlineLook()

    def _log_step(self, what: str) -> None:
        self._step += 1
        elapsed = (time.perf_counter() - self.started) * 1000
        self.timings[what] = elapsed
        log.info("[%d] %s (%.0f ms since start)", self._step, what, elapsed)

    def start(self) -> None:
        """Show the window in its loading state and open the data (on the worker, or through a hub)."""
        self.window.open_on_screen()
        site = self.options.site
        if self.options.site_problem is not None:
            title = QCoreApplication.translate("Console", "Tệp cấu hình của cơ quan có lỗi")
            self.window.show_warning(title, self.options.site_problem.message(self.lang))
        if self.options.source == AUTO:
            # The last hub used, else the one the installer's site file names, else the demo.
            known = bool(self.settings.value(HUB_URL_KEY)) or (site is not None and site.hub is not None)
            self.options = replace(self.options, source=HUB if known else EMBEDDED_DEMO)
        if site is not None and self.options.ca_bundle is None and site.ca_bundle is not None:
            self.options = replace(self.options, ca_bundle=site.ca_bundle)
        if self.options.source != LOCAL_DEMO:
            self._log_step("window shown, connecting to the hub")
            self._hub_task = asyncio.ensure_future(self._start_hub())
            return
        self._log_step("window shown, opening the demo data")
        relay = self._progress
        data_dir = self.data_dir
        opened = self._opened

        def open_data() -> DemoData:
            # The store (SQLAlchemy, Alembic) is imported here, on the worker, so that the window
            # is up in its loading state without waiting for those imports.
            from ioc_console.gui.datasource import open_demo

            data = open_demo(data_dir, relay.progressed.emit)
            opened.append(data)  # closed at shutdown even if the window is gone by now
            return data

        Op(open_data, self.window).on_success(self._on_data_opened).on_failure(self._on_data_failed).run(
            self.executor
        )

    async def _start_hub(self) -> None:
        """Sign in (or start the embedded demo hub and sign its operator in), then open the local
        copy and start syncing; the workspace opens on the local copy at once."""
        from ioc_console.gui import connection
        from ioc_console.gui.datasource import DemoData

        kept = None
        try:
            if self.options.source == EMBEDDED_DEMO:
                from ioc_console.demo.embedded import OPERATOR

                identity: str | None = f"{OPERATOR[0]}@embedded-demo"
                # Offline first: the copy kept by the last run is on screen while the hub starts.
                kept = await connection.open_kept_copy(self.data_dir, str(identity), OPERATOR[0])
                if kept is not None:
                    self._log_step("kept local copy open")
                    self._kept_user = kept.user
                    early = DemoData(
                        store=kept.store, jurisdiction=kept.jurisdiction, path=kept.path, created=False
                    )
                    self._opened.append(early)
                    self._on_data_opened(early)
                signed, identity = await self._start_embedded_hub()
            else:
                signed, identity = await self._sign_in(), None
                if signed is None:  # the user cancelled the sign-in
                    self.window.close()
                    return
            self._log_step("signed in as " + signed.user.name)
            session = await connection.connect(
                self.data_dir,
                signed,
                identity=identity,
                progress=lambda step: self._on_progress(step, 0),
                kept=kept,
                hold_seconds=0.0,  # held by the workspace's undo offers instead (_hold_for_undo)
                # A real hub's copy is encrypted, its key in the keyring (the demo's is made up).
                credentials=None if identity is not None else self._credentials,
            )
        except Exception as error:
            if kept is None:
                self._on_data_failed(error)
            else:  # the kept copy stays on screen; the user is told the hub could not start
                log.error("the demo hub could not be started", exc_info=error)
                title, text = describe_open_error(error, self.lang)
                self.window.show_warning(title, text)
            return
        self.session = session
        self._attach_session(session)
        self._hold_for_undo()
        if session.session_only:  # closing would lose what its outbox holds: send it, else ask
            from ioc_console.gui.unsent import UnsentGuard

            self.window.close_guard = UnsentGuard(
                self.window, lambda: self.session, self._hold_for_undo
            ).allow_close
        self._basemap_task = asyncio.ensure_future(self._use_hub_basemap(session))
        if kept is None:
            data = DemoData(
                store=session.store, jurisdiction=session.jurisdiction, path=session.path, created=False
            )
            self._opened.append(data)
            self._on_data_opened(data)
        if self.simulator is not None:
            self.simulator.start()

    async def _use_hub_basemap(self, session: HubSession) -> None:
        """The basemap the hub serves, on the map of the workspace (opened meanwhile, or later)."""
        from ioc_console.gui.connection import hub_basemap

        basemap = await hub_basemap(session.signed_in.client)
        if basemap is None:
            return
        while self.workspace is None and self.session is session:
            await asyncio.sleep(0.1)
        if self.workspace is not None and self.session is session:
            self._log_step("the hub's basemap used")
            self.workspace.use_basemap(basemap)

    async def _start_embedded_hub(self) -> tuple[SignedIn, str]:
        from ioc_console.demo.embedded import EmbeddedHub
        from ioc_console.demo.simulator import CitizenFeed
        from ioc_console.sync.credentials import MemoryCredentials
        from ioc_console.sync.session import HubAddress, sign_in

        self.window.show_progress(
            QCoreApplication.translate("Console", "Đang khởi động máy chủ mẫu của tỉnh Ninh Thuận…")
        )
        hub = EmbeddedHub(self.data_dir, count=self.options.demo_count)
        self.embedded = hub
        await asyncio.to_thread(hub.start)
        self._log_step("embedded demo hub at " + hub.url)
        signed = await sign_in(
            HubAddress(hub.url), hub.operator_name, hub.operator_password, MemoryCredentials()
        )
        rate = self.options.feed_rate
        self.simulator = CitizenFeed.for_hub(hub, rate_per_minute=rate) if rate is None or rate > 0 else None
        return signed, f"{hub.operator_name}@embedded-demo"

    async def _sign_in(self) -> SignedIn | None:
        """A kept session of the last user of this hub, or the sign-in dialog's."""
        from ioc_console.sync.credentials import system_credentials
        from ioc_console.sync.errors import SyncError
        from ioc_console.sync.session import HubAddress, resume

        from ioc_console.gui.signin import SignInDialog

        credentials, problem = await asyncio.to_thread(system_credentials)
        self._credentials = credentials
        site_hub = self.options.site.hub if self.options.site is not None else None
        url = self.options.hub_url or str(self.settings.value(HUB_URL_KEY) or "") or site_hub or ""
        user = str(self.settings.value(HUB_USER_KEY) or "")
        ca = self.options.ca_bundle
        if url and user and not problem:
            try:
                kept = await resume(HubAddress(url, ca), user, credentials)
            except (SyncError, ValueError) as error:
                log.info("the kept session could not be resumed: %s", error)
                kept = None
            if kept is not None:
                return kept
        self.window.show_progress(QCoreApplication.translate("Console", "Đăng nhập vào máy chủ IOC…"))
        dialog = SignInDialog(
            credentials,
            keyring_problem=problem,
            lang=self.lang,
            hub_url=url,
            user=user,
            ca_bundle=ca,
            parent=self.window,
        )
        answer: asyncio.Future[SignedIn | None] = asyncio.get_running_loop().create_future()

        def signed_in(result: object) -> None:
            if not answer.done():
                answer.set_result(result)  # type: ignore[arg-type]

        def cancelled() -> None:
            if not answer.done():
                answer.set_result(None)

        dialog.signed_in.connect(signed_in)
        dialog.rejected.connect(cancelled)
        dialog.open()
        signed = await answer
        dialog.deleteLater()
        if signed is not None:
            self.settings.setValue(HUB_URL_KEY, signed.client.base_url)
            self.settings.setValue(HUB_USER_KEY, signed.user.name)
        return signed

    def _attach_session(self, session: HubSession) -> None:
        """The sync status in the status bar, refusals as messages, applied changes refresh the
        queue (batched: a first sync applies thousands)."""
        from ioc_console.gui.sync_status import SyncStatusWidget, refusal_box

        status = SyncStatusWidget(self.lang)
        status.setObjectName("sync_status")
        self.window.statusBar().addPermanentWidget(status)
        status.show_status(session.status)
        session.status_changed.connect(status.show_status)
        session.status_changed.connect(self._tell_workspace_reachable)
        self.sync_status = status

        def refused(what: object) -> None:
            refusal_box(self.window, what, self.lang).open()  # type: ignore[arg-type]

        session.action_refused.connect(refused)
        if self.options.source == HUB:
            menu = self.window.menuBar().addMenu(QCoreApplication.translate("Console", "&Tài khoản"))
            who = session.user.display_name or session.user.name
            menu.addAction(QCoreApplication.translate("Console", "Đang đăng nhập: %s") % who).setEnabled(
                False
            )
            sign_out = menu.addAction(QCoreApplication.translate("Console", "Đăng &xuất…"))
            sign_out.setObjectName("sign_out_action")
            sign_out.triggered.connect(self._ask_sign_out)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(CHANGES_BATCH_MS)
        self._refresh_timer.timeout.connect(self._on_hub_changes)
        session.changes_applied.connect(self._on_changes_applied)

    def _tell_workspace_reachable(self, status: object = None) -> None:
        session, workspace = self.session, self.workspace
        if session is not None and workspace is not None:
            from ioc_console.sync.status import SyncState

            workspace.hub_reachable = session.status.state in (SyncState.ONLINE, SyncState.SYNCING)

    def _on_changes_applied(self, changes: object) -> None:
        for old, new in getattr(changes, "renamed", ()):
            # A call typed in offline got its real number from the hub: keep showing it.
            if self.window.wanted_report == old:
                self.window.select_report(new)
            if self.workspace is not None:
                self.workspace.report_numbered(old, new)
        self._changed.update(getattr(changes, "upserted", ()) + getattr(changes, "removed", ()))
        if not self._refresh_timer.isActive():
            self._refresh_timer.start(changes_delay_ms(self._changes_shown, time.monotonic()))

    def _on_hub_changes(self) -> None:
        self._changes_shown = time.monotonic()
        numbers, self._changed = self._changed, set()
        if self.data is None or self.executor.closed:
            return  # (changes that arrived while the console was closing)
        self.window.refresh()
        self.hub_changes.emit(sorted(numbers))

    def _ask_sign_out(self) -> None:
        session = self.session
        if session is None:
            return
        text = QCoreApplication.translate(
            "Console", "Đăng xuất sẽ xoá bản dữ liệu trên máy này của bạn; lần sau cần đăng nhập lại."
        )
        waiting = session.status.waiting
        if waiting:
            text += "\n\n" + QCoreApplication.translate(
                "Console", "Số thao tác chưa gửi được lên máy chủ, sẽ bị bỏ: %s."
            ) % QLocale().toString(waiting)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            QCoreApplication.translate("Console", "Đăng xuất"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.button(QMessageBox.StandardButton.Yes).setText(QCoreApplication.translate("Console", "Đăng xuất"))
        box.button(QMessageBox.StandardButton.Cancel).setText(QCoreApplication.translate("Console", "Hủy"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: asyncio.ensure_future(self.sign_out()))
        box.open()

    async def sign_out(self) -> None:
        """End the session on the hub, forget the token and this user's local copy, and close."""
        from ioc_console.sync.credentials import MemoryCredentials
        from ioc_console.sync.session import sign_out

        session, self.session = self.session, None
        if session is None:
            return
        credentials = self._credentials or MemoryCredentials()
        await session.close()
        # The downloaded photos go too: they are citizens' (the cache is the data folder's, not the user's).
        await sign_out(
            session.signed_in, credentials, session.store, caches=[self.data_dir / "cache" / "photos"]
        )
        self.settings.remove(HUB_USER_KEY)
        log.info("signed out; the local copy is forgotten")
        self.window.close()

    async def _close_hub(self) -> None:
        await settle(tuple(task for task in (self._hub_task, self._basemap_task) if task is not None))
        if self.simulator is not None:
            with contextlib.suppress(Exception):
                await self.simulator.stop()
        if self.session is not None:
            await self.session.close()
        if self.embedded is not None:
            await asyncio.to_thread(self.embedded.stop)

    def _on_progress(self, step: str, count: int) -> None:
        texts = {
            "pack": QCoreApplication.translate("Console", "Đang đọc danh mục địa bàn, đơn vị, lĩnh vực…"),
            "generate": QCoreApplication.translate(
                "Console", "Lần chạy đầu tiên: đang tạo dữ liệu mẫu của tỉnh Ninh Thuận…"
            ),
            "write": QCoreApplication.translate("Console", "Đang ghi %s phản ánh mẫu vào kho dữ liệu…")
            % QLocale().toString(count),
            "open": QCoreApplication.translate("Console", "Đang mở kho dữ liệu…"),
            "done": QCoreApplication.translate("Console", "Đang tải danh sách phản ánh…"),
        }
        self.window.show_progress(texts.get(step, step))

    def _on_data_opened(self, data: DemoData) -> None:
        self.data = data
        self._log_step("demo data open" + (" (built on this first run)" if data.created else ""))
        names = Names(data.jurisdiction, self.lang)
        clock = DeadlineClock(data.jurisdiction)
        from ioc_console.gui.store_source import QueueWords
        from ioc_console.gui.workspace import build_workspace

        words = QueueWords(
            paused=QCoreApplication.translate("Console", "Tạm dừng (chờ bổ sung)"),
            triage=QCoreApplication.translate("Console", "Hạn phân loại tại IOC"),
            acceptance=QCoreApplication.translate("Console", "Hạn tiếp nhận của đơn vị"),
            resolution=QCoreApplication.translate("Console", "Hạn xử lý của đơn vị"),
            reply=QCoreApplication.translate("Console", "Hạn trả lời công dân"),
        )
        self.window.queue_ready.connect(self._on_first_queue_ready)
        session = self.session
        user = session.user if session is not None else self._kept_user
        if user is not None:
            actor = Actor(user.name, user.role, user.agency)
            source_text = QCoreApplication.translate("Console", "Máy chủ IOC: %s") % data.jurisdiction.name
        else:
            actor = Actor("ioc.may-nay", Role.OPERATOR)  # the demo's operator on this machine
            source_text = (
                QCoreApplication.translate("Console", "Dữ liệu mẫu trên máy: %s") % data.jurisdiction.name
            )
        self._add_statistics_action(data, names, clock, actor)
        if self.options.wall:
            self._open_wall(data, names, clock)
            return
        if actor.role is Role.LIAISON:
            self._open_liaison(data, names, clock, actor, source_text)
            return
        extra: dict[str, object] = {}
        if session is not None and self.options.source == HUB:
            from ioc_console.gui.connection import hub_photo_source

            session.ca_bundle = self.options.ca_bundle
            extra["photo_source"] = hub_photo_source(session)  # the demo draws its own photos
        map_config = self.map_config()
        if map_config is not None:
            extra["map_config"] = map_config
        self.workspace = build_workspace(
            self.window,
            data.store,
            data.jurisdiction,
            names,
            clock,
            self.executor,
            actor=actor,
            source_text=source_text,
            words=words,
            cache_dir=self.data_dir / "cache",
            # The sync sends what was queued at once, and a held action once its undo is over.
            on_enqueued=self._request_push if self.options.source != LOCAL_DEMO else None,
            on_released=self._release if self.options.source != LOCAL_DEMO else None,
            **extra,
        )
        self.hub_changes.connect(self.workspace.follow)
        self._tell_workspace_reachable()
        if actor.role in (Role.SUPERVISOR, Role.ADMIN):
            self._open_desk(names)
        self._hold_for_undo()

    def map_config(self) -> MapConfig | None:
        """The site file's basemap (tiles from an address, or a local MBTiles file); None: the default."""
        site = self.options.site
        if site is None or site.basemap is None:
            return None
        from ioc_console.gui.map import MapConfig, TileSource

        cache = self.data_dir / "cache" / "map"
        attribution = site.basemap_attribution
        if site.mbtiles is not None:
            return MapConfig(tiles=(), mbtiles=site.mbtiles, mbtiles_attribution=attribution, cache_dir=cache)
        name = QCoreApplication.translate("Console", "Bản đồ nền của cơ quan")
        return MapConfig(tiles=(TileSource(site.basemap, attribution, name=name),), cache_dir=cache)

    def _open_desk(self, names: Names) -> None:
        """The supervisor's desk in the Reports menu: re-route and escalate the report on show."""
        from ioc_console.gui.supervisor import SupervisorDesk

        assert self.workspace is not None
        desk = SupervisorDesk(self.workspace.service, names, self.window)
        desk.install(self.window)
        desk.refused.connect(lambda words: self.window.statusBar().showMessage(words, 10_000))
        self.desk = desk

    def _open_wall(self, data: DemoData, names: Names, clock: DeadlineClock) -> None:
        """The wall display instead of the operator's window; closing it ends the console."""
        from ioc_console.gui.map import MapConfig
        from ioc_console.gui.wall import WallWindow, choose_screen, statistics_reader

        wall = WallWindow(
            statistics_reader(data.store, clock),
            self.executor,
            names,
            with_map=self.window.with_map,  # tests without QtWebEngine turn the map off
            map_config=self.map_config() or MapConfig(cache_dir=self.data_dir / "cache" / "map"),
        )
        self.wall = wall
        self.hub_changes.connect(wall.refresh)
        self._wall_closed = _CloseWatcher(wall, self.window.close)
        self.window.hide()
        wall.show_on(choose_screen(self.options.screen))
        self._log_step("wall display shown")

    def _open_liaison(
        self, data: DemoData, names: Names, clock: DeadlineClock, actor: Actor, source_text: str
    ) -> None:
        """An agency liaison's workspace: their agency's inbox by deadline, and its actions."""
        from ioc_console.gui.liaison import LiaisonWorkspace

        session = self.session
        reader = session.signed_in.client.contact if session is not None else None
        photos: dict[str, object] = {"photo_cache": self.data_dir / "cache" / "photos"}
        if session is not None and self.options.source == HUB:
            from ioc_console.gui.connection import hub_photo_source

            session.ca_bundle = self.options.ca_bundle
            photos["photo_source"] = hub_photo_source(session)  # the demo draws its own photos
        from ioc_console.gui.map import MapConfig

        liaison = LiaisonWorkspace(
            data.store,
            data.jurisdiction,
            names,
            clock,
            self.executor,
            actor,
            contact_reader=reader,
            map_config=MapConfig(cache_dir=self.data_dir / "cache" / "map"),
            with_map=self.window.with_map,  # tests without QtWebEngine turn the map off
            **photos,
        )
        self.liaison = liaison
        if session is not None:
            session.status_changed.connect(liaison.show_sync_status)
        self.hub_changes.connect(liaison.refresh)
        liaison.actions.actions_performed.connect(lambda _n: self._request_push())
        liaison.actions.actions_released.connect(self._release)

        def forwarded(numbers: list[str]) -> None:
            text = QCoreApplication.translate(
                "Console", "Phản ánh mới được chuyển đến đơn vị: %s"
            ) % ", ".join(numbers[:5])
            self.window.statusBar().showMessage(text, 30_000)
            QApplication.alert(self.window)

        liaison.report_forwarded.connect(forwarded)
        self.window.show_page(liaison, source_text)
        if self.session is not None:
            self.session.engine.hold_with(liaison.actions.held_entries)
        self._log_step("queue shown: interactive")

    def _add_statistics_action(
        self, data: DemoData, names: Names, clock: DeadlineClock, actor: Actor
    ) -> None:
        """View › Statistics: figures by period, category, agency, unit and channel, exportable."""
        from PySide6.QtGui import QAction, QKeySequence

        action = QAction(QCoreApplication.translate("Console", "&Thống kê…"), self.window)
        action.setObjectName("statistics_action")
        action.setShortcut(QKeySequence("Ctrl+Shift+T"))

        def show() -> None:
            from ioc_console.gui.statistics_view import StatisticsView

            if self.statistics is None:
                scope = actor.agency if actor.role is Role.LIAISON else None
                view = StatisticsView(
                    data.store, data.jurisdiction, names, clock, self.executor, agency_scope=scope
                )
                view.setWindowFlag(Qt.WindowType.Window, True)
                view.setParent(self.window, Qt.WindowType.Window)
                view.setWindowTitle(QCoreApplication.translate("Console", "Thống kê — IOC Console"))
                view.resize(1100, 700)
                self.hub_changes.connect(lambda _n: view.reload())
                self.statistics = view
            self.statistics.show()
            self.statistics.raise_()
            self.statistics.activateWindow()

        action.triggered.connect(show)
        self.window.view_menu.addSeparator()
        self.window.view_menu.addAction(action)
        self.statistics_action = action
        if actor.role is Role.LIAISON:
            return
        handover = QAction(QCoreApplication.translate("Console", "Báo cáo &giao ca…"), self.window)
        handover.setObjectName("handover_action")

        def show_handover() -> None:
            from ioc_console.gui.handover import HandoverDialog

            dialog = HandoverDialog(data.store, names, clock, self.executor, self.window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.show()
            dialog.read()

        handover.triggered.connect(show_handover)
        self.window.view_menu.addAction(handover)
        self.handover_action = handover

    def _hold_for_undo(self) -> None:
        """The engine holds exactly the actions the operator can still take back (a hotline call
        or anything without an undo offer goes at once)."""
        if self.session is not None and self.workspace is not None:
            self.session.engine.hold_with(self.workspace.service.held_entries)

    def _request_push(self) -> None:
        # The workspace may be up on the kept copy before the session exists: the engine sends
        # whatever waits in the outbox when it starts.
        if self.session is not None:
            self.session.request_push()

    def _release(self, numbers: Iterable[str]) -> None:
        if self.session is not None:
            self.session.engine.release(numbers)

    def _on_first_queue_ready(self) -> None:
        self.window.queue_ready.disconnect(self._on_first_queue_ready)
        self._log_step("queue shown: interactive")
        data = self.data
        if data is not None:
            # Every page of the file, read once the user can already work (see datasource.py).
            Op(data.store.check, self.window).on_success(self._on_store_checked).on_failure(
                self._on_store_check_failed
            ).run(self.executor)

    def _on_store_checked(self, _result: object) -> None:
        self._log_step("store checked")
        self.checked.emit()

    def _on_store_check_failed(self, error: BaseException) -> None:
        log.error("the local store failed its integrity check", exc_info=error)
        title, text = describe_open_error(error, self.lang)
        self.window.show_warning(title, text)
        self.checked.emit()

    def _on_data_failed(self, error: BaseException) -> None:
        log.error("could not open the demo data", exc_info=error)
        title, text = describe_open_error(error, self.lang)
        self.window.show_error(title, text)

    def shutdown(self) -> None:
        log.info("closing")
        if self.liaison is not None:
            self.liaison.shutdown()
        opened = self._opened
        timer = getattr(self, "_refresh_timer", None)
        if timer is not None:
            timer.stop()

        def close_stores() -> None:
            for data in opened:
                data.store.close()

        self.executor.shutdown(final=close_stores)
        self.collector.stop()
        for translator in self._translators:
            self.app.removeTranslator(translator)
            translator.deleteLater()

    async def main(self) -> int:
        """Run until the window is closed; then stop syncing and close the store on its own thread."""
        self.start()
        await self._closed.wait()
        await self._close_hub()
        self.shutdown()
        return 0


def describe_open_error(error: BaseException, lang: str) -> tuple[str, str]:
    """A title and words a user can act on, for an error while opening the data."""
    from ioc_console.store import StoreError

    title = QCoreApplication.translate("Console", "Không mở được dữ liệu")
    if isinstance(error, StoreError):
        # The store says what happened to which file, and that the file was left as it was.
        return title, error.message(lang)
    if isinstance(error, DomainError):
        text = QCoreApplication.translate("Console", "Danh mục địa bàn, đơn vị, lĩnh vực có lỗi.")
        return title, f"{text}\n\n{error.message(lang)}"
    from ioc_console.sync.errors import SyncError

    if isinstance(error, SyncError):
        text = QCoreApplication.translate(
            "Console",
            "Không kết nối được máy chủ IOC và trên máy chưa có bản dữ liệu nào để làm việc ngoại tuyến.",
        )
        return title, f"{text}\n\n{error.message(lang)}"
    message = getattr(error, "message", None)
    if callable(message):  # the embedded demo hub's errors speak both languages
        try:
            said = message(lang)
        except TypeError:
            said = None
        if isinstance(said, str):
            return title, said
    if isinstance(error, OSError):
        text = QCoreApplication.translate("Console", "Không đọc hoặc ghi được thư mục dữ liệu.")
    else:
        text = QCoreApplication.translate("Console", "Đã xảy ra lỗi không mong đợi.")
    return title, f"{text}\n\n{error}"


def run(options: Options, argv: list[str] | None = None, started: float | None = None) -> int:
    """Build the console and run it until its window is closed; the process's exit code."""
    started = time.perf_counter() if started is None else started
    # QtWebEngine (the map) must be loaded, and its URL schemes registered, before the application.
    import ioc_console.gui.map  # noqa: F401

    if QApplication.instance() is None:
        QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    console = Console(app, options, started)
    # One run of the loop, not closed afterwards: the end of a qasync run emits aboutToQuit, on which
    # QtWebEngine tears itself down, and a second run (asyncio.Runner's clean-up, which cancels what
    # is left and closes async generators) crashed the process in it, after every close of the
    # window. Console.main() has stopped everything of its own by the time it returns; closing the
    # loop (which does not run it) ends the threads of its executor, which Qt would otherwise abort
    # on as the process ends.
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(console.main())
    finally:
        loop.close()

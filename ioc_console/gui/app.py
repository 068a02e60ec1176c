"""The composition root: builds the console in numbered, logged steps and runs it on one qasync loop.

Every part gets what it needs through its constructor; nothing is looked up from a global registry.
Why qasync: the hub client (httpx, async) will run on the same loop as Qt, so the console has one
event loop from the start. Blocking work (SQLite) never runs on that loop's thread: it goes to the
single database worker (:class:`~ioc_console.gui.operations.DatabaseExecutor`), whose results come
back as queued Qt signals.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QSettings, QStandardPaths, QTranslator, Signal
from PySide6.QtWidgets import QApplication
from qasync import QEventLoop

from ioc_console.domain.errors import DomainError

from ioc_console.gui import i18n
from ioc_console.gui.look import DeadlineLook
from ioc_console.gui.main_window import LANGUAGE_KEY, MainWindow
from ioc_console.gui.operations import DatabaseExecutor, Op
from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.qt_compat import GuiThreadCollector, protect_bool_singletons

if TYPE_CHECKING:
    from ioc_console.gui.datasource import DemoData

log = logging.getLogger("ioc_console.app")

APP_NAME = "ioc-console"
SETTINGS_FILE = "console.ini"


@dataclass(frozen=True)
class Options:
    demo: bool = True
    lang: str | None = None
    data_dir: Path | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def default_data_dir() -> Path:
    """The user's data folder for the console (needs the application's name to be set)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) if location else Path.home() / f".{APP_NAME}"


class _ProgressRelay(QObject):
    """Carries progress from the database worker to the GUI thread (queued signal)."""

    progressed = Signal(str, int)


class Console(QObject):
    """The running console: the parts, wired together, and the loop that drives them.

    Signals:
        checked(): the integrity check of the opened store has finished (a problem is shown).
    """

    checked = Signal()

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

        self._log_step("application")
        if protect_bool_singletons():
            log.info("worked around PySide6's lost references to True (see gui/qt_compat.py)")
        app.setApplicationName(APP_NAME)
        app.setApplicationDisplayName("IOC Console")
        app.setOrganizationName("")
        app.setQuitOnLastWindowClosed(False)

        self._log_step("data folder and settings")
        self.data_dir = (options.data_dir or default_data_dir()).expanduser().resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings = QSettings(str(self.data_dir / SETTINGS_FILE), QSettings.Format.IniFormat)

        self._log_step("language")
        wanted = i18n.resolve_language(options.lang, options.env, self.settings.value(LANGUAGE_KEY))
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
        """Show the window in its loading state and open the data on the worker."""
        self.window.show()
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
        from ioc_console.gui.store_source import QueueWords, StoreQueueSource

        words = QueueWords(paused=QCoreApplication.translate("Console", "Tạm dừng (chờ bổ sung)"))
        source = StoreQueueSource(data.store, names, clock, words)
        self.window.queue_ready.connect(self._on_first_queue_ready)
        source_text = (
            QCoreApplication.translate("Console", "Dữ liệu mẫu trên máy: %s") % data.jurisdiction.name
        )
        self.window.show_workspace(source, names, clock, self.look, source_text)

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
        opened = self._opened

        def close_stores() -> None:
            for data in opened:
                data.store.close()

        self.executor.shutdown(final=close_stores)
        self.collector.stop()
        for translator in self._translators:
            self.app.removeTranslator(translator)
            translator.deleteLater()

    async def main(self) -> int:
        """Run until the window is closed; then close the store on its own thread."""
        self.start()
        await self._closed.wait()
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
    if isinstance(error, OSError):
        text = QCoreApplication.translate("Console", "Không đọc hoặc ghi được thư mục dữ liệu.")
    else:
        text = QCoreApplication.translate("Console", "Đã xảy ra lỗi không mong đợi.")
    return title, f"{text}\n\n{error}"


def run(options: Options, argv: list[str] | None = None, started: float | None = None) -> int:
    """Build the console and run it until its window is closed; the process's exit code."""
    started = time.perf_counter() if started is None else started
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    console = Console(app, options, started)
    with asyncio.Runner(loop_factory=lambda: QEventLoop(app)) as runner:
        return runner.run(console.main())

"""``ioc-console --self-test``: does this install work? Checked the way a user would see it.

Offscreen, in a fresh temporary data folder: the embedded demo hub starts with a short history, the
demo operator signs in and syncs, the queue shows, the map (QtWebEngine) draws every report, then one
citizen's report is posted to the hub and must reach the queue and the map live. Each step is printed
with its time; the exit code is 0 only when every step passed. The installers' build runs it on the
frozen console, where missing QtWebEngine resources, a missing QtWebEngineProcess or a module left
out by the freezer would fail it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Reports of history in the self-test's demo hub (few: the test is of the install, not of scale).
HISTORY = 40
#: Longest wait for any one step, in seconds (a cold start of QtWebEngine on a slow disk included).
STEP_TIMEOUT = 120.0


class SelfTestFailed(Exception):
    pass


def _say(started: float, text: str) -> None:
    if sys.stdout is not None:  # (a windowed Windows build has none; its exit code still tells)
        print(f"self-test: {time.perf_counter() - started:6.1f} s  {text}", flush=True)


#: Errors the console showed the user while the self-test waited (the data or the hub failed).
_shown: list[BaseException] = []


async def _until(check: Callable[[], Any], what: str, timeout: float = STEP_TIMEOUT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        if _shown:
            raise SelfTestFailed(f"while waiting for {what}: {_shown[0]}")
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SelfTestFailed(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


async def _scenario(console: Any, started: float, screenshot: Path | None) -> None:
    import httpx

    from ioc_console.demo.simulator import CitizenFeed

    window = console.window
    shown = console._on_data_failed

    def failed(error: BaseException) -> None:
        _shown.append(error)
        shown(error)

    console._on_data_failed = failed
    opened = console._on_data_opened
    drawn: list[int] = []

    def data_opened(data: Any) -> None:
        opened(data)  # builds the workspace; its map comes after the queue's first paint
        if console.workspace is not None:
            console.workspace.map_loaded.connect(lambda count: drawn.append(count))

    console._on_data_opened = data_opened
    console.start()
    await _until(lambda: console.session is not None, "the embedded demo hub and the sign-in")
    _say(started, f"demo hub up at {console.embedded.url}, signed in as {console.session.user.name}")
    # (the queue opens on the reports that need action: part of the history)
    await _until(lambda: window.queue_model.total > 0, "the demo history in the queue")
    _say(started, f"queue shows {window.queue_model.total} reports")
    workspace = await _until(lambda: console.workspace, "the workspace")
    await _until(lambda: drawn, "the map (QtWebEngine) to draw its first set of reports")
    if drawn[-1] < HISTORY:
        # The map read the local copy before the first sync had written it; the sync's reports
        # reached it one change at a time. Draw the whole set again, as at a start on a synced copy.
        await _until(lambda: workspace.map.report_count() >= HISTORY, "the synced reports on the map")
        workspace.reload_map()
        await _until(lambda: drawn[-1] >= HISTORY, "the map (QtWebEngine) to draw every report")
    _say(started, f"map drawn: {drawn[-1]} reports")

    before = workspace.map.report_count()
    acknowledged: list[int] = []
    workspace.map.acknowledged.connect(acknowledged.append)
    feed = CitizenFeed.for_hub(console.embedded, rate_per_minute=1, seed=7)
    async with httpx.AsyncClient(base_url=console.embedded.url, trust_env=False, timeout=30) as client:
        number = await feed.post_one(client)
    _say(started, f"citizen report {number} posted to the hub")
    # New rows wait behind the "new reports" bar until the user asks for them (rows never move
    # under the pointer): it must announce this one, and show it when clicked.
    await _until(lambda: window.queue_model.fresh > 0, f"report {number} announced above the queue")
    window.show_arrivals()
    await _until(lambda: window.queue_model.row_of(number) is not None, f"report {number} in the queue")
    await _until(
        lambda: workspace.map.report_count() > before and acknowledged, f"report {number} on the map"
    )
    _say(started, f"report {number} arrived live in the queue and on the map")
    if screenshot is not None:
        window.grab().save(str(screenshot))
        _say(started, f"window saved to {screenshot}")


def run_self_test(
    data_dir: Path | None = None, lang: str | None = None, screenshot: Path | None = None
) -> int:
    """Run the self-test; the process's exit code (0: the install works)."""
    started = time.perf_counter()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if (
        hasattr(os, "geteuid")
        and os.geteuid() == 0
        and "--no-sandbox" not in os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    ):
        # Chromium refuses to run its sandbox as root (a CI container, an administrator's check).
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (
            os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "") + " --no-sandbox"
        ).strip()
    from ioc_console import __version__

    _say(started, f"IOC Console {__version__}, Python {sys.version.split()[0]}, {sys.platform}")
    temporary = data_dir is None
    folder = Path(tempfile.mkdtemp(prefix="ioc-self-test-")) if data_dir is None else data_dir
    try:
        return _run(folder, lang, started, screenshot)
    except Exception as error:  # (the console could not even be built: a data folder, a library)
        _say(started, f"FAILED: {type(error).__name__}: {error}")
        return 1
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)


def _run(folder: Path, lang: str | None, started: float, screenshot: Path | None) -> int:
    from PySide6.QtWidgets import QApplication
    from qasync import QEventLoop

    import ioc_console.gui.map  # noqa: F401  (QtWebEngine before the application, as run() does)
    from ioc_console.gui.app import EMBEDDED_DEMO, Console, Options

    app = QApplication.instance() or QApplication([sys.argv[0]])
    options = Options(
        data_dir=folder, lang=lang or "vi", source=EMBEDDED_DEMO, feed_rate=0, demo_count=HISTORY
    )
    console = Console(app, options, started)
    console.window.resize(1366, 768)
    _say(started, "window created")

    async def main() -> int:
        try:
            await _scenario(console, started, screenshot)
        except Exception as error:
            _say(started, f"FAILED: {type(error).__name__}: {error}")
            return 1
        finally:
            console.window.close()
            await console._close_hub()
            console.shutdown()
        _say(started, "passed")
        return 0

    # One run of the loop, not closed afterwards: the end of a qasync run emits aboutToQuit, on
    # which QtWebEngine tears itself down, and a second run (asyncio.Runner's clean-up) would crash
    # in it. The caller ends the process (os._exit) once the verdict is printed.
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    return loop.run_until_complete(main())

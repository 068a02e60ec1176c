"""Open the console on the demo data on a screen of a given size and say how its window came out.

Run as a script by ``test_window_on_screen.py``, in a process of its own: the offscreen platform's
screen is set when the application starts (``QT_QPA_PLATFORM=offscreen:configfile=…``), and the
map (QtWebEngine) runs here. Prints one JSON object; saves screenshots into ``shots``.

    python screen_probe.py DATA_DIR SHOTS light|dark
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QPoint, QTimer
from PySide6.QtWidgets import QApplication

import ioc_console.gui.map  # noqa: F401  (QtWebEngine before the application)
from ioc_console.gui.app import Console, Options


def wait(signal: Any, timeout_ms: int) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def settle(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def panes(console: Console) -> dict[str, Any]:
    window = console.window
    ws = console.workspace
    assert ws is not None and window.detail_side is not None and window.queue_view is not None
    bar = window.statusBar()
    bottom = bar.mapToGlobal(QPoint(0, bar.height())).y()
    title = window.windowTitle()
    shown = (
        title
        if title.endswith(QApplication.applicationDisplayName())
        else (
            f"{title} — {QApplication.applicationDisplayName()}"  # as the platform completes it
        )
    )
    return {
        "window": [window.width(), window.height()],
        "maximized": window.isMaximized(),
        "status_bar_bottom": bottom,
        "title": shown,
        "queue": window.queue_view.width(),
        "detail": window.detail_side.width(),
        "map": ws.map_dock.width() if ws.map_dock is not None else 0,
        "agency": ws.agency_dock.width(),
    }


def main() -> int:
    data_dir, shots, theme = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    app = QApplication(sys.argv[:1])
    screen = app.primaryScreen().availableGeometry()
    name = f"{screen.width()}x{screen.height()}-{theme}"
    console = Console(app, Options(data_dir=data_dir, lang="vi", env={}))
    window = console.window
    result: dict[str, Any] = {"screen": [screen.width(), screen.height()]}
    console.start()
    wait(window.queue_ready, 30_000)
    ws = console.workspace
    assert ws is not None
    if theme == "dark" and window.themes is not None:
        window.themes.apply("dark")
    wait(ws.map_loaded, 30_000)
    settle()
    result["opened"] = panes(console)
    if not window.isMaximized():  # the operator maximises a window opened smaller than the screen
        window.showMaximized()
        settle()
        result["maximised"] = panes(console)
    shots.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(shots / f"window-empty-{name}.png"))
    first = window.queue_model.index(0, 0).data() if window.queue_model is not None else None
    if first:
        window.select_report(first)
        wait(window.report_shown, 10_000)
        settle(800)
        window.grab().save(str(shots / f"window-report-{name}.png"))
    print(json.dumps(result))
    window.close()
    console.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

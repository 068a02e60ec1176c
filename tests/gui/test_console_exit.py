"""Closing the console's window ends the process cleanly, map (QtWebEngine) and all.

The console used to run its asyncio loop a second time after the window closed (the clean-up of
``asyncio.Runner``); QtWebEngine had torn itself down when the first run ended, and the process
crashed (SIGSEGV) on every close. The console is run as a program of its own here, as a user runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import ioc_console.gui.map  # QtWebEngine before the application, as the console's entry does
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from ioc_console.gui.app import EMBEDDED_DEMO, Options, run

    app = QApplication(sys.argv[:1])

    def close_the_window():
        for window in QApplication.topLevelWidgets():
            if window.isVisible():
                window.close()

    QTimer.singleShot(int(sys.argv[2]) * 1000, close_the_window)
    options = Options(data_dir=Path(sys.argv[1]), source=EMBEDDED_DEMO, feed_rate=0, demo_count=40)
    print("exit code", run(options), flush=True)
    """
)


def test_closing_the_window_ends_the_console_with_exit_code_0(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "data"), "12"],
        env=env,
        capture_output=True,
        text=True,
        timeout=150,
    )
    out = result.stdout + result.stderr
    assert "exit code 0" in result.stdout, out[-3000:]
    assert "Fatal Python error" not in out, out[-3000:]
    assert result.returncode == 0, out[-3000:]

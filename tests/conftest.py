"""Test-wide settings: Qt runs offscreen on a 1920×1080 screen, QtWebEngine without the sandbox when run as root."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

pytest_plugins = ["timeouts"]

# A 1920×1080 screen (the offscreen platform's own is 800×800): windows keep the sizes tests give
# them, and a window is maximised only where a test asks for a small screen of its own.
_SCREEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "offscreen-screen.json")
# A plain "offscreen" set in the shell (as many a CI does) gets the same screen; another platform
# or offscreen options of one's own are kept.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
os.environ.setdefault("IOC_CONSOLE_LANG", "vi")


# Python's automatic cycle collector runs on whichever thread happens to allocate: a hub's or a
# store's worker thread. A cycle holding a QObject (a qasync loop's timer, a session's signals) left
# by an earlier test and collected there destroys the QObject off its own thread, which makes Qt
# warn or crash. As the console does (its GUI thread collects every few seconds), the tests turn
# the automatic collector off and collect on the main thread, between tests.
_COLLECT_FULLY_EVERY = 25
_tests_run = 0


@pytest.fixture(scope="session", autouse=True)
def _collector_off() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture(autouse=True)
def _collect_on_the_main_thread() -> Iterator[None]:
    global _tests_run
    yield
    _tests_run += 1
    gc.collect(2 if _tests_run % _COLLECT_FULLY_EVERY == 0 else 1)

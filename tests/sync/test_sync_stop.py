"""Closing a console always ends: its sync engine stops at once whatever the live stream is doing,
and a stream that will not let go cannot hold the console's close for more than a few seconds.

(The cause of a hang of the sync tests: a network fault injector that awaited its helper task inside
``suppress(CancelledError)`` swallowed the console's own cancellation, and the engine's stream loop
then read on forever while ``close()`` waited for it.)"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from faults import FaultyTransport
from sync_support import FAST, ThreadHub, make_console

from ioc_console.sync.status import SyncState


def test_a_console_closed_at_any_moment_of_its_live_stream_stops_at_once(
    hub: ThreadHub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(20261205)
    longest: list[float] = []

    async def scenario() -> None:
        for i in range(15):
            console = make_console(hub, tmp_path, "lan.nt", f"close-{i}", transport=FaultyTransport())
            await console.engine.start()
            await asyncio.sleep(rng.uniform(0.0, 0.25))
            started = time.monotonic()
            await asyncio.wait_for(console.close(), 20)
            longest.append(time.monotonic() - started)
            assert console.engine.status.state is SyncState.STOPPED

    with caplog.at_level(logging.ERROR, logger="ioc_console"):
        asyncio.run(scenario())
    assert max(longest) < 3.0, longest
    assert "did not end" not in caplog.text


class _Stubborn(httpx.AsyncByteStream):
    """An event stream that ignores being cancelled until the test lets it go."""

    def __init__(self, release: asyncio.Event) -> None:
        self.release = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b": hello\n\n"
        while not self.release.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(3600)


class StubbornEvents(httpx.AsyncBaseTransport):
    """The real hub for everything but the live stream, whose body will not end when cancelled."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/events"):
            return httpx.Response(
                200, headers={"Content-Type": "text/event-stream"}, stream=_Stubborn(self.release)
            )
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_a_stream_that_will_not_let_go_holds_the_close_only_for_the_stop_timeout(
    hub: ThreadHub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def scenario() -> float:
        transport = StubbornEvents()
        settings = replace(FAST, stop_timeout=1.0)
        console = make_console(hub, tmp_path, "lan.nt", "stubborn", transport=transport, settings=settings)
        await console.engine.start()
        await asyncio.sleep(0.3)  # the stream is open and its body is waiting
        started = time.monotonic()
        try:
            await asyncio.wait_for(console.engine.stop(), 20)
            return time.monotonic() - started
        finally:
            transport.release.set()
            await asyncio.sleep(0.05)
            for task in asyncio.all_tasks():
                if task.get_name() == "ioc-sync-stream":
                    task.cancel()
            await console.close()

    with caplog.at_level(logging.ERROR, logger="ioc_console.aio"):
        took = asyncio.run(scenario())
    assert 0.9 < took < 3.0, took
    assert "ioc-sync-stream" in caplog.text and "did not end within 1.0 s" in caplog.text

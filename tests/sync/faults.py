"""A fault-injecting httpx transport: the real network to a real hub, with cuts and lost answers.

It wraps httpx's own transport and only adds faults: ``cut()`` makes every new request fail to
connect and breaks the streams in progress at once (as a pulled cable would); ``lose_answers(n)``
lets the next ``n`` action requests reach the hub and then drops their answers (the hub applied the
action, the console never heard); ``latency`` delays each action request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx

from ioc_console.aio import settle


class FaultyTransport(httpx.AsyncBaseTransport):
    def __init__(self, latency: float = 0.0) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.latency = latency
        self._cut = asyncio.Event()
        self._lose = 0
        self.sent = 0
        self.refused = 0
        self.lost = 0

    @property
    def is_cut(self) -> bool:
        return self._cut.is_set()

    def cut(self) -> None:
        self._cut.set()

    def restore(self) -> None:
        self._cut.clear()

    def lose_answers(self, count: int) -> None:
        self._lose = count

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.is_cut:
            self.refused += 1
            raise httpx.ConnectError("network cut by the test", request=request)
        is_action = request.method == "POST" and "/actions/" in request.url.path
        if is_action and self.latency:
            await asyncio.sleep(self.latency)
        self.sent += 1
        response = await self.inner.handle_async_request(request)
        if is_action and self._lose > 0:
            self._lose -= 1
            self.lost += 1
            await response.aread()
            await response.aclose()
            raise httpx.ReadError("answer lost by the test", request=request)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_Guarded(response.stream, self._cut, request),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


class _Guarded(httpx.AsyncByteStream):
    """A response body that breaks as soon as the network is cut, even while waiting for data."""

    def __init__(self, inner: httpx.AsyncByteStream, cut: asyncio.Event, request: httpx.Request) -> None:
        self.inner = inner
        self.cut = cut
        self.request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        # The helper futures are ended with ``settle`` (asyncio.wait), never awaited inside a
        # ``suppress(CancelledError)``: that would swallow a cancellation of the reader itself (a
        # console being closed), which then read on forever and could never be stopped.
        chunks = self.inner.__aiter__()
        cutting = asyncio.ensure_future(self.cut.wait())
        following: asyncio.Future[bytes] | None = None
        try:
            while True:
                if self.cut.is_set():
                    raise httpx.ReadError("network cut by the test", request=self.request)
                following = asyncio.ensure_future(chunks.__anext__())
                await asyncio.wait({following, cutting}, return_when=asyncio.FIRST_COMPLETED)
                if not following.done():
                    raise httpx.ReadError("network cut by the test", request=self.request)
                try:
                    chunk = following.result()
                except StopAsyncIteration:
                    return
                following = None
                yield chunk
        finally:
            await settle([f for f in (following, cutting) if f is not None])

    async def aclose(self) -> None:
        await self.inner.aclose()

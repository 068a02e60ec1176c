"""A console away from the hub asks for compressed feed pages and stores what a console next to it
stores; a console on the hub's machine does not ask (compressing would only cost time there); a
compressed page damaged on the way is refused with a message, and nothing of it is applied."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from sync_support import FAST, ThreadHub, make_console, store_content

from ioc_console.store import ReportQuery
from ioc_console.sync import apply
from ioc_console.sync.client import on_this_machine
from ioc_console.sync.errors import MalformedAnswer


@dataclass
class Received:
    encoding: str
    #: Bytes that came over the network, and the page they decoded to.
    wire: int
    page: int


class Recording(httpx.AsyncBaseTransport):
    """The real network to the hub, noting how each feed page came over it; ``damage`` flips bytes
    in the middle of the compressed pages after the first (as a faulty link or proxy could)."""

    def __init__(self, *, damage: bool = False) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.damage = damage
        self.feed: list[Received] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
        await response.aclose()
        encoding = response.headers.get("content-encoding", "")
        if request.url.path.endswith("/feed"):
            page = gzip.decompress(raw) if encoding == "gzip" else raw
            self.feed.append(Received(encoding, len(raw), len(page)))
            if self.damage and encoding == "gzip" and len(self.feed) > 1:
                middle = len(raw) // 2
                raw = raw[:middle] + bytes(b ^ 0xFF for b in raw[middle : middle + 16]) + raw[middle + 16 :]
        return httpx.Response(response.status_code, headers=response.headers, content=raw)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadHub]:
    # (every page compressed, however short, for a client that asks)
    running = ThreadHub(tmp_path_factory.mktemp("hub"), feed_gzip_min_bytes=1)
    try:
        for i in range(10):
            running.submit(f"Đèn chiếu sáng đường Nguyễn Văn Cừ hỏng, cột số {i}, tối om nguy hiểm")
        yield running
    finally:
        running.stop()


SMALL_PAGES = replace(FAST, page_size=4, first_sync_page_size=4)


def test_a_console_away_from_the_hub_gets_compressed_pages_and_stores_the_same(
    hub: ThreadHub, tmp_path: Path
) -> None:
    near, far = Recording(), Recording()

    async def scenario() -> None:
        for name, transport, compress in (("near", near, None), ("far", far, True)):
            console = make_console(
                hub, tmp_path, "lan.nt", name, transport=transport, settings=SMALL_PAGES, compress=compress
            )
            try:
                await console.engine.pull()
                assert console.store.count(ReportQuery(text="den chieu sang")) == 10
            finally:
                await console.close()

    asyncio.run(scenario())
    assert store_content(tmp_path / "far.sqlite3") == store_content(tmp_path / "near.sqlite3")
    # The hub is on this machine: the console next to it asks for the pages as they are.
    assert len(near.feed) >= 3
    assert all(r.encoding == "" and r.wire == r.page for r in near.feed)
    # The console told to compress gets every page gzip-compressed, less than half as long.
    assert [r.page for r in far.feed] == [r.page for r in near.feed]
    assert all(r.encoding == "gzip" and r.wire * 2 < r.page for r in far.feed)


def test_a_damaged_compressed_page_is_refused_and_nothing_of_it_applied(
    hub: ThreadHub, tmp_path: Path
) -> None:
    damaging = Recording(damage=True)

    async def scenario() -> None:
        console = make_console(
            hub, tmp_path, "lan.nt", "damaged", transport=damaging, settings=SMALL_PAGES, compress=True
        )
        try:
            with pytest.raises(MalformedAnswer) as raised:
                await console.engine.pull()
            message = raised.value.message("vi")
            assert message.startswith("Máy chủ trả về dữ liệu không đúng định dạng")
            assert "không được áp dụng" in message
            # The first page stays, with its cursor: the next pull takes up from there.
            assert console.store.count(ReportQuery()) == 4
            assert apply.read_cursor(console.store) > 0
            # The status the user sees says so in words; the hub was reached, so not offline.
            assert console.engine.status.last_error == message
            assert console.engine.status.offline_since is None
        finally:
            await console.close()

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("url", "here"),
    [
        ("http://127.0.0.1:8080", True),
        ("http://127.0.0.2:8080", True),
        ("http://localhost:8080", True),
        ("http://[::1]:8080", True),
        ("https://hub.ioc.ninhthuan.gov.vn", False),
        ("https://10.0.0.5", False),
    ],
)
def test_only_a_hub_on_another_machine_is_asked_for_compressed_answers(url: str, here: bool) -> None:
    assert on_this_machine(url) is here

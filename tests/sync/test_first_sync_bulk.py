"""A first sync into an empty store goes the bulk way (indexes built at its end, the full-text index
kept page by page); the store it leaves holds exactly what page-by-page writes leave, and its search
folds đ."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sqlite3
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from sync_support import FAST, ThreadHub, make_console, open_store, pack, store_content

from ioc_console.store import ReportQuery
from ioc_console.sync import apply, fastfeed
from ioc_console.sync import engine as engine_module
from ioc_console.sync.errors import MalformedAnswer
from ioc_console.sync.status import SyncState, SyncStatus
from ioc_console.sync.wire import decode_feed_page


def test_a_first_sync_in_bulk_leaves_what_page_by_page_writes_leave(hub: ThreadHub, tmp_path: Path) -> None:
    numbers = [hub.submit(f"Đường Lê Duẩn ngập nước sau mưa, lần {i}") for i in range(7)]
    hub.act("lan.nt", numbers[2], "forward", {"agency": "so-xd"})

    async def scenario() -> None:
        # Small pages: the bulk load spans several transactions.
        console = make_console(
            hub, tmp_path, "lan.nt", "bulk", settings=replace(FAST, page_size=3, first_sync_page_size=3)
        )
        during: list[tuple[bool, int]] = []

        def on_changes(_changes: object) -> None:
            # What a search finds while the first sync is still under way.
            found = console.store.count(ReportQuery(text="duong le duan"))
            during.append((console.store.bulk_loading, found))

        console.engine.on_changes(on_changes)
        try:
            await console.engine.pull()
            assert len(during) > 1 and all(bulk for bulk, _found in during)  # several pages, in bulk
            # The full-text index is kept up to date page by page: the reports written so far are found.
            assert [found for _bulk, found in during] == [3, 6, 7][: len(during)]
            assert not console.store.bulk_loading
            assert console.store.count(ReportQuery(text="duong le duan")) == len(numbers)
            assert console.store.count(ReportQuery(text="Đường ngập")) == len(numbers)
            back = console.store.get_report(numbers[2])
            assert back is not None and back.agency == "so-xd"
            # Page by page, into a store that already holds a report (no bulk load).
            body = await console.client.feed_bytes(0, 3)
            store = open_store(tmp_path / "pages.sqlite3")
            try:
                first = decode_feed_page(body)
                apply.apply_feed_page(store, first.reports[:1], [], 0)
                assert not store.begin_bulk_load()
                cursor = 0
                while True:
                    page = decode_feed_page(await console.client.feed_bytes(cursor, 3))
                    apply.apply_feed_page(store, page.reports, page.removed, page.cursor)
                    cursor = page.cursor
                    if not page.more:
                        break
            finally:
                store.close()
        finally:
            await console.close()

    asyncio.run(scenario())
    assert store_content(tmp_path / "bulk.sqlite3") == store_content(tmp_path / "pages.sqlite3")


def _wait_for_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine uses its decoding process once that has started (a fresh interpreter: about a
    second); here every page waits for it, so that the process does decode them."""
    ready = engine_module._Preparer.ready

    def waiting(self: engine_module._Preparer) -> bool:
        with contextlib.suppress(Exception):
            self._warm.result(timeout=60)
        return ready(self)

    monkeypatch.setattr(engine_module._Preparer, "ready", waiting)


def _pages_by_hand(tmp_path: Path, name: str, bodies: list[bytes]) -> None:
    """The pages written one by one into a store that already holds a report (no bulk load)."""
    store = open_store(tmp_path / name)
    try:
        first = decode_feed_page(bodies[0])
        apply.apply_feed_page(store, first.reports[:1], [], 0)
        for body in bodies:
            page = decode_feed_page(body)
            apply.apply_feed_page(store, page.reports, page.removed, page.cursor)
    finally:
        store.close()


def test_a_long_first_sync_is_decoded_in_a_process_of_its_own(hub: ThreadHub, tmp_path: Path) -> None:
    numbers = [hub.submit(f"Cống thoát nước bị tắc ở khu phố {i}, mùi hôi") for i in range(9)]
    hub.act("lan.nt", numbers[4], "forward", {"agency": "so-xd"})
    hub.act("lan.nt", numbers[5], "reject", {"reason": "Trùng nội dung với phản ánh khác"})
    bodies: list[bytes] = []

    async def scenario() -> None:
        console = make_console(
            hub, tmp_path, "lan.nt", "process", settings=replace(FAST, page_size=4, first_sync_page_size=4)
        )
        try:
            await console.engine.pull()
            cursor = 0
            while True:
                bodies.append(await console.client.feed_bytes(cursor, 4))
                page = decode_feed_page(bodies[-1])
                cursor = page.cursor
                if not page.more:
                    break
            # The process starts when the first page says more follow, and that page waits for it
            # (a fraction of a second) rather than hold up the event loop while decoded here.
            assert console.engine.pages_prepared == len(bodies) >= 3
            assert console.store.count(ReportQuery(text="cong thoat nuoc")) == len(numbers)
            rejected = console.store.get_report(numbers[5])
            assert rejected is not None and [e.action.value for e in rejected.history][-1] == "reject"
        finally:
            await console.close()

    asyncio.run(scenario())
    _pages_by_hand(tmp_path, "pages.sqlite3", bodies)
    assert store_content(tmp_path / "process.sqlite3") == store_content(tmp_path / "pages.sqlite3")


def test_pages_do_not_wait_longer_than_set_for_the_process_to_start(hub: ThreadHub, tmp_path: Path) -> None:
    numbers = [hub.submit(f"Cây xanh ngã chắn lối đi, cây số {i}") for i in range(9)]

    async def scenario() -> None:
        settings = replace(FAST, page_size=4, first_sync_page_size=4, first_sync_process_wait=0.0)
        console = make_console(hub, tmp_path, "lan.nt", "impatient", settings=settings)
        try:
            await console.engine.pull()
            # The first page could not wait at all: decoded on the engine's thread, as is any
            # page that comes before the process has started.
            assert console.engine.pages_prepared < 3
            assert console.store.count(ReportQuery(text="cay xanh nga")) == len(numbers)
            assert not console.store.bulk_loading
        finally:
            await console.close()

    asyncio.run(scenario())


@pytest.mark.parametrize("fault", ["killed", "failing"])
def test_when_the_decoding_process_dies_or_fails_the_first_sync_goes_on_without_it(
    monkeypatch: pytest.MonkeyPatch, hub: ThreadHub, tmp_path: Path, fault: str
) -> None:
    numbers = [hub.submit(f"Đèn đường hỏng trên đường 16 tháng 4, đoạn {i}") for i in range(9)]
    _wait_for_the_process(monkeypatch)
    submit = engine_module._Preparer.submit

    def faulty_submit(self: engine_module._Preparer, body: bytes, reference: object) -> object:
        if fault == "failing":
            failed: Future[object] = Future()
            failed.set_exception(MemoryError())
            return failed
        for process in list(self._pool._processes.values()):  # type: ignore[union-attr]
            process.kill()
            process.join(30)
        return submit(self, body, reference)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_module._Preparer, "submit", faulty_submit)

    async def scenario() -> None:
        console = make_console(
            hub, tmp_path, "lan.nt", fault, settings=replace(FAST, page_size=4, first_sync_page_size=4)
        )
        try:
            await console.engine.pull()
            assert console.engine.pages_prepared == 0
            assert console.store.count(ReportQuery(text="den duong hong")) >= len(numbers)
            assert not console.store.bulk_loading
        finally:
            await console.close()

    asyncio.run(scenario())


class _SpoiledPage(httpx.AsyncBaseTransport):
    """The hub's answers, but its feed pages after the first carry a status nobody knows."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        if request.url.path.endswith("/feed") and request.url.params.get("after", "0") != "0":
            body = body.replace(b'"status":"new"', b'"status":"lost-in-transit"')
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
        return httpx.Response(response.status_code, headers=headers, content=body)

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_a_malformed_page_decoded_in_the_process_is_refused_and_nothing_of_it_applied(
    monkeypatch: pytest.MonkeyPatch, hub: ThreadHub, tmp_path: Path
) -> None:
    for i in range(9):
        hub.submit(f"Lấn chiếm vỉa hè bán hàng, điểm {i}")
    _wait_for_the_process(monkeypatch)
    decode = engine_module.SyncEngine._decode
    decoded: list[int] = []

    async def first_one_late(self: engine_module.SyncEngine, *args: Any) -> Any:
        page = await decode(self, *args)
        decoded.append(1)
        if len(decoded) == 1:
            # The second page arrives, and is found bad, before the first is handed on to be written.
            await asyncio.sleep(1.0)
        return page

    monkeypatch.setattr(engine_module.SyncEngine, "_decode", first_one_late)

    async def scenario() -> None:
        console = make_console(
            hub,
            tmp_path,
            "lan.nt",
            "spoiled",
            transport=_SpoiledPage(),
            settings=replace(FAST, page_size=4, first_sync_page_size=4),
        )
        try:
            with pytest.raises(MalformedAnswer) as raised:
                await console.engine.pull()
            assert "lost-in-transit" in str(raised.value)
            assert console.engine.pages_prepared == 1  # the first page; the process refused the second
            assert console.store.count(ReportQuery()) == 4  # the first page only
            assert (
                apply.read_cursor(console.store)
                == decode_feed_page(await console.client.feed_bytes(0, 4)).cursor
            )
            assert not console.store.bulk_loading
        finally:
            await console.close()

    asyncio.run(scenario())


def test_rows_prepared_before_the_jurisdiction_changed_take_the_new_ranks(
    hub: ThreadHub, tmp_path: Path
) -> None:
    for i in range(3):
        hub.submit(f"Rác thải đổ trộm bên đường, chỗ {i}")
    store = open_store(tmp_path / "ranks.sqlite3")
    try:

        async def first_page() -> bytes:
            console = make_console(hub, tmp_path, "lan.nt", "reader")
            try:
                return await console.client.feed_bytes(0, 10)
            finally:
                await console.close()

        body = asyncio.run(first_page())
        before = store.row_reference
        page = fastfeed.prepare_feed_page(body, before)
        # The categories in reverse order: every category's rank changes.
        shipped = pack()
        reordered = dataclasses.replace(shipped, categories=dict(reversed(list(shipped.categories.items()))))
        store.load_jurisdiction(reordered)
        assert store.row_reference is not before
        apply.apply_feed_page(store, page.reports, page.removed, page.cursor, prepared_with=before)
        with sqlite3.connect(store.path) as conn:
            ranks = conn.execute(
                "SELECT r.category_rank, c.rank FROM reports AS r JOIN categories AS c ON c.code = r.category"
            ).fetchall()
        assert len(ranks) == len(page.reports) >= 3
        assert all(mine == stored for mine, stored in ranks)
        assert before.category_rank["environment"] != store.row_reference.category_rank["environment"]
    finally:
        store.close()


def test_the_status_tells_how_far_a_first_sync_has_come(hub: ThreadHub, tmp_path: Path) -> None:
    for i in range(5):
        hub.submit(f"Nắp hố ga bị vỡ trên đường 16 Tháng 4, đoạn {i}")
    lines: list[tuple[int | None, str, str]] = []

    async def scenario() -> None:
        console = make_console(
            hub, tmp_path, "lan.nt", "progress", settings=replace(FAST, page_size=4, first_sync_page_size=4)
        )
        console.engine.on_status(
            lambda s: lines.append((s.first_sync_received, s.describe("vi"), s.describe("en")))
        )
        try:
            await console.engine.pull()
            held = console.store.count(ReportQuery())
            counts = [count for count, _vi, _en in lines if count is not None]
            # From nothing, page by page, to every report the store now holds; then the line is gone.
            assert counts[0] == 0 and counts[-1] == held >= 9
            assert counts == sorted(counts) and len(set(counts)) >= 4
            assert lines[-1][0] is None and "lần đầu" not in lines[-1][1]
            # (the engine is not started here: its state reads "stopped"; the count follows it)
            assert (
                f" · đã nhận {held} phản ánh (lần đầu)",
                f" · {held} reports received (first sync)",
            ) in [(vi[vi.index(" · ") :], en[en.index(" · ") :]) for count, vi, en in lines if count]
            # The pulls after it are not first syncs.
            lines.clear()
            hub.submit("Cây xanh ngã đổ chắn ngang đường Thống Nhất")
            await console.engine.pull()
            assert console.store.count(ReportQuery()) == held + 1
            assert all(count is None for count, _vi, _en in lines)
        finally:
            await console.close()

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("vi", "Đang đồng bộ · đã nhận 200.040 phản ánh (lần đầu)"),
        ("en", "Syncing · 200,040 reports received (first sync)"),
    ],
)
def test_a_first_sync_s_count_is_grouped_by_thousands_as_each_language_writes_them(
    lang: str, line: str
) -> None:
    status = SyncStatus(state=SyncState.SYNCING, first_sync_received=200_040)
    assert status.describe(lang) == line

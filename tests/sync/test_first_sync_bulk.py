"""A first sync into an empty store goes the bulk way (indexes built at its end, the full-text index
kept page by page); the store it leaves holds exactly what page-by-page writes leave, and its search
folds đ."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from pathlib import Path

from sync_support import FAST, ThreadHub, make_console, open_store

from ioc_console.store import ReportQuery
from ioc_console.sync import apply
from ioc_console.sync.wire import decode_feed_page


def _content(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    with sqlite3.connect(path) as conn:
        reports = conn.execute("SELECT * FROM reports ORDER BY number").fetchall()
        texts = conn.execute(
            "SELECT r.number, t.* FROM report_texts AS t JOIN reports AS r ON r.id = t.id ORDER BY r.number"
        ).fetchall()
        meta = conn.execute("SELECT key, value FROM meta WHERE key = ?", (apply.CURSOR_KEY,)).fetchall()
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        ).fetchall()
        conn.execute("INSERT INTO report_search(report_search) VALUES ('integrity-check')")
    return [r[1:] for r in reports], [(t[0], *t[2:]) for t in texts], meta, indexes


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
    assert _content(tmp_path / "bulk.sqlite3") == _content(tmp_path / "pages.sqlite3")

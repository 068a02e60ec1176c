"""Sync benchmarks against a real hub on loopback (its own process), printed as a table.

1. **First sync**: 200,000 reports (whole histories) from the hub's change feed into a fresh console
   store, with the sync engine. Target ≤ 10 s. Compared with the in-process floor: decoding the same
   feed pages and writing them to a fresh store without any network (the page bytes fetched first),
   and with the hub's own time to serve the pages (fetched and thrown away). The event loop (the
   console's GUI thread) ticks every 10 ms meanwhile; its longest wait for a tick is printed, and
   the same first sync with the pages decoded on a thread rather than in the engine's process.
2. **Delta**: 100 reports changed on the hub, then one pull. Target ≤ 300 ms.
3. **Latency**: a report POSTed to the hub (Open311) until it is in another console's store, with
   that console's engine running on the live event stream. Target p95 ≤ 1 s.

    .venv/bin/python benchmarks/bench_sync.py [--count 200000] [--cache DIR] [--latency-samples 60]

The hub's database is seeded directly (a few thousand realistic demo reports, cloned under new
numbers, as the change feed would list them); ``--cache`` keeps it between runs.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# A first sync's decoding process is a fresh interpreter that runs the script that started the
# program again (as "__mp_main__") before it decodes anything. The console's entry point imports
# next to nothing; so does this script there, so that the process starts as fast as in the console.
if __name__ != "__mp_main__":
    import httpx
    import orjson
    from sqlalchemy import insert, update

    from ioc_console.demo import generate
    from ioc_console.domain.jurisdiction import load_pack
    from ioc_console.domain.lifecycle import Channel, Role
    from ioc_console.hub import schema
    from ioc_console.hub.db import Database
    from ioc_console.hub.jurisdiction_store import PackHolder, install_pack
    from ioc_console.hub.server import free_port
    from ioc_console.hub.service import HubService
    from ioc_console.hub.settings import HubSettings, utc_now
    from ioc_console.hub.wire import report_to_wire
    from ioc_console.resources import default_pack_path
    from ioc_console.store import LocalStore, ReportQuery
    from ioc_console.sync import apply, fastfeed
    from ioc_console.sync.client import HubClient
    from ioc_console.sync.engine import Changes, SyncEngine, SyncSettings

PASSWORD = "benchmark-password-1"
NOW = datetime(2025, 11, 28, 3, 0, tzinfo=UTC)
PAGE = 5000  # the engine's page for a first sync (SyncSettings.first_sync_page_size)
_TAIL = re.compile(rb'"cursor":"(\d+)","more":(true|false)}\s*$')


def say(text: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {text}...", flush=True)


def print_table(title: str, rows: list[tuple[str, str, str]]) -> None:
    """The figures: a name, a value and a note on each line."""
    width = max(len(r[0]) for r in rows)
    print()
    print(title)
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>12}  {note}")


# -- the hub ----------------------------------------------------------------------------------------


def seed_hub(url: str, count: int, templates: int) -> str:
    """A hub database with ``count`` reports; returns the Open311 channel's API key."""
    db = Database(url, pool_size=2)
    try:
        db.migrate()
        install_pack(db, default_pack_path(), by="bench", at=utc_now())
        packs = PackHolder()
        with db.read() as conn:
            packs.load(conn)
        service = HubService(HubSettings(database_url=url), db, packs)
        service.add_user("bench.op", Role.OPERATOR, None, PASSWORD, display_name="Điều phối viên")
        service.add_user("bench.two", Role.OPERATOR, None, PASSWORD, display_name="Điều phối viên 2")
        key = str(service.add_channel("bench-zalo", Channel.ZALO)["api_key"])
        started = time.perf_counter()
        pool = list(generate(packs.current.jurisdiction, count=templates, seed=11, now=NOW))
        docs = [report_to_wire(r) for r in pool]
        print(f"  {len(pool)} demo reports generated in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        rows: list[dict[str, Any]] = []
        for i in range(count):
            r, doc = pool[i % len(pool)], dict(docs[i % len(pool)])
            number = f"2024-{i + 1:06d}"
            doc["number"] = number
            rows.append(
                {
                    "number": number,
                    "token": secrets.token_hex(12),
                    "seq": i + 1,
                    "version": r.version,
                    "status": r.status.value,
                    "category": r.category,
                    "agency": r.agency,
                    "visible_agency": r.agency,
                    "channel": r.channel.value,
                    "priority": r.priority.value,
                    "unit_code": r.location.unit_code,
                    "lat": r.location.lat,
                    "lon": r.location.lon,
                    "received_at": r.received_at,
                    "updated_at": r.updated_at or r.received_at,
                    "due_at": r.due_at,
                    "closed_at": r.closed_at,
                    "satisfied": r.satisfied,
                    "last_actor": r.history[-1].actor if r.history else "bench",
                    "last_role": r.history[-1].role.value if r.history else "system",
                    "doc": json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
                }
            )
            if len(rows) == 5000:
                with db.write() as conn:
                    conn.execute(insert(schema.reports), rows)
                rows = []
        with db.write() as conn:
            if rows:
                conn.execute(insert(schema.reports), rows)
            done = conn.execute(
                update(schema.counters).where(schema.counters.c.name == schema.SEQ).values(value=count)
            ).rowcount
            if not done:
                conn.execute(insert(schema.counters).values(name=schema.SEQ, value=count))
        print(f"  {count} reports written to the hub in {time.perf_counter() - started:.1f} s", flush=True)
        return key
    finally:
        db.dispose()


class HubProcess:
    def __init__(self, url: str, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "ioc_console.hub.cli", "serve", "--db", url]
        command += ["--port", str(self.port), "--log-level", "warning"]
        self.log = log.open("ab")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1, trust_env=False).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not start; see {log}")
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(20)
        self.log.close()


# -- measurements ---------------------------------------------------------------------------------


def fresh_store(folder: Path, name: str) -> LocalStore:
    path = folder / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = LocalStore.open(path)
    store.load_jurisdiction(load_pack(default_pack_path()))
    return store


async def login(url: str, user: str) -> str:
    async with HubClient(url, trust_env=False) as client:
        return (await client.login(user, PASSWORD)).token


async def raw_pages(url: str, token: str, *, compress: bool = False) -> tuple[list[bytes], float, int]:
    """Every page of the feed as bytes, the time the hub took to serve them, and the bytes that
    came over the network: as a console on the hub's machine asks for them (not compressed) or,
    with ``compress``, as a console away from it does (gzip; decompressed here)."""
    pages: list[bytes] = []
    wire = 0
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip" if compress else "identity"}
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60, trust_env=False) as http:
        after = 0
        while True:
            r = await http.get("/api/v1/feed", params={"after": after, "limit": PAGE})
            r.raise_for_status()
            pages.append(r.content)
            wire += r.num_bytes_downloaded
            # The cursor is at the end of the page: read it there (parsing is measured separately).
            tail = _TAIL.search(r.content[-200:])
            if tail is None:
                raise RuntimeError("a feed page without its cursor")
            after = int(tail.group(1))
            if tail.group(2) == b"false":
                break
    return pages, time.perf_counter() - started, wire


class Collector:
    """Python's cycle collector as the console runs it: automatic collection off, and every 2 s
    whatever generations are due collected on the GUI thread, what survived the first full
    collection frozen (``gui.qt_compat.GuiThreadCollector``);
    ``auto`` leaves Python's default (collections triggered by allocations, in any thread)."""

    INTERVAL = 2.0

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self._last = time.monotonic()

    def __enter__(self) -> Collector:
        if self.mode == "console":
            gc.disable()
        return self

    def __exit__(self, *exc: object) -> None:
        gc.unfreeze()
        gc.enable()
        gc.collect()

    def tick(self) -> None:
        """The console's timer: collect what is due when 2 s have passed."""
        if self.mode != "console" or time.monotonic() - self._last < self.INTERVAL:
            return
        self._last = time.monotonic()
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return
        generation = 2 if counts[2] > thresholds[2] else 1 if counts[1] > thresholds[1] else 0
        gc.collect(generation)
        if generation == 2 and not gc.get_freeze_count():
            gc.freeze()  # (what survived the first full collection; see GuiThreadCollector)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            self.tick()


def in_process(pages: list[bytes], store: LocalStore, collector: Collector) -> tuple[float, float, float]:
    """Page by page: parse and check (decoded as the engine does, msgspec against typed structures,
    histories and attachments straight to the store's compact texts), write with its cursor (a bulk
    load, as the engine's first sync); the time of each step summed over the pages: (parse s,
    write s). (A parse into dictionaries alone, with orjson, is timed beside it for comparison.)"""
    parse_time = decode_time = write_time = 0.0
    with collector:
        started = time.perf_counter()
        store.begin_bulk_load()  # as the engine does into an empty store
        write_time += time.perf_counter() - started
        for body in pages:
            started = time.perf_counter()
            doc = orjson.loads(body)
            parsed = time.perf_counter()
            del doc
            started_decode = time.perf_counter()
            page = fastfeed.decode_feed_page(body)
            decoded = time.perf_counter()
            apply.apply_feed_page(store, page.reports, page.removed, page.cursor, kept=page.kept)
            written = time.perf_counter()
            parse_time += parsed - started
            decode_time += decoded - started_decode
            write_time += written - decoded
            del page
            collector.tick()
        started = time.perf_counter()
        store.end_bulk_load()
        write_time += time.perf_counter() - started
    return parse_time, decode_time, write_time


@dataclass
class FirstSync:
    seconds: float
    #: Pages the engine's decoding process turned into rows.
    prepared: int
    #: The event loop's (the GUI thread's, in the console) longest wait past a 10 ms tick, and the
    #: 99th percentile of those waits: how long a click or a repaint could have waited.
    stall_max: float
    stall_p99: float


async def _ticks(lags: list[float], period: float = 0.01) -> None:
    while True:
        due = time.perf_counter() + period
        await asyncio.sleep(period)
        lags.append(max(0.0, time.perf_counter() - due))


async def first_sync(
    url: str,
    token: str,
    store: LocalStore,
    collector: Collector,
    *,
    process: bool = True,
    compress: bool | None = None,
) -> FirstSync:
    client = HubClient(url, token=token, console_id="bench-first", trust_env=False, compress=compress)
    settings = SyncSettings(page_size=PAGE, first_sync_process=process)
    engine = SyncEngine(client, store, settings=settings)
    timer = asyncio.ensure_future(collector.run())
    lags: list[float] = []
    ticker = asyncio.ensure_future(_ticks(lags))
    try:
        with collector:
            started = time.perf_counter()
            await engine.pull()
            seconds = time.perf_counter() - started
        p99 = statistics.quantiles(lags, n=100)[-1] if len(lags) >= 2 else max(lags, default=0.0)
        return FirstSync(seconds, engine.pages_prepared, max(lags, default=0.0), p99)
    finally:
        ticker.cancel()
        timer.cancel()
        await engine.close()
        await client.aclose()


async def delta(
    url: str, token: str, other_token: str, store: LocalStore, count: int, total: int
) -> tuple[float, int]:
    """``count`` reports changed on the hub (by another user), then one pull: (seconds, applied)."""
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {other_token}"}, timeout=60, trust_env=False
    ) as http:
        step = max(1, total // max(count, 1))
        for i in range(count):
            number = f"2024-{1 + (i * step) % total:06d}"
            doc = (await http.get(f"/api/v1/reports/{number}")).json()
            r = await http.post(
                f"/api/v1/reports/{number}/actions/log_call",
                json={
                    "idempotency_key": secrets.token_hex(8),
                    "base_version": doc["version"],
                    "payload": {"outcome": f"Đã gọi lại lần {i}"},
                },
            )
            r.raise_for_status()
    client = HubClient(url, token=token, console_id="bench-delta", trust_env=False)
    engine = SyncEngine(client, store, settings=SyncSettings(page_size=PAGE))
    try:
        started = time.perf_counter()
        applied = await engine.pull()
        return time.perf_counter() - started, applied
    finally:
        await engine.close()
        await client.aclose()


async def latency(url: str, token: str, api_key: str, store: LocalStore, samples: int) -> list[float]:
    """Seconds from the start of each Open311 POST until the report is in the console's store."""
    client = HubClient(url, token=token, console_id="bench-live", trust_env=False)
    engine = SyncEngine(client, store, settings=SyncSettings(page_size=PAGE))
    arrived: dict[str, float] = {}

    def on_changes(changes: Changes) -> None:
        now = time.perf_counter()
        for number in changes.upserted:
            arrived.setdefault(number, now)

    engine.on_changes(on_changes)
    waits: list[float] = []
    try:
        await engine.start()
        await engine.wait_for(lambda s: s.live and s.state.value == "online", timeout=60)
        async with httpx.AsyncClient(base_url=url, timeout=30, trust_env=False) as http:
            for i in range(samples):
                started = time.perf_counter()
                r = await http.post(
                    "/open311/v2/requests.json",
                    data={
                        "api_key": api_key,
                        "service_code": "environment",
                        "lat": "11.58",
                        "long": "108.99",
                        "description": f"Rác thải đổ trộm ven đường, lần {i}",
                    },
                )
                r.raise_for_status()
                number = r.json()[0]["service_request_id"]
                deadline = time.perf_counter() + 10
                while number not in arrived and time.perf_counter() < deadline:
                    await asyncio.sleep(0.002)
                if number not in arrived:
                    raise RuntimeError(f"{number} did not arrive within 10 s")
                waits.append(arrived[number] - started)
                await asyncio.sleep(0.1)
    finally:
        await engine.close()
        await client.aclose()
    return waits


def temp_folder(cache: str | None) -> Iterator[Path]:
    if cache:
        folder = Path(cache)
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="ioc-bench-sync-") as name:
        yield Path(name)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--templates", type=int, default=3000)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--latency-samples", type=int, default=60)
    parser.add_argument(
        "--collector",
        choices=["console", "auto"],
        default="console",
        help="cycle collection as the console runs it (default) or Python's automatic one",
    )
    parser.add_argument("--cache", help="keep the seeded hub database in this folder between runs")
    args = parser.parse_args()

    for folder in temp_folder(args.cache):
        hub_db = folder / f"hub-{args.count}.sqlite3"
        key_file = folder / f"hub-{args.count}.key"
        url = f"sqlite:///{hub_db}"
        if not hub_db.exists() or not key_file.exists():
            print(f"Seeding the hub with {args.count} reports...", flush=True)
            for suffix in ("", "-wal", "-shm"):
                Path(str(hub_db) + suffix).unlink(missing_ok=True)
            key_file.write_text(seed_hub(url, args.count, args.templates))
        api_key = key_file.read_text().strip()
        hub = HubProcess(url, folder / "hub.log")
        try:
            token = asyncio.run(login(hub.url, "bench.op"))
            other = asyncio.run(login(hub.url, "bench.two"))

            say("fetching the feed's pages (the hub's serving time)")
            pages, serve_time, _wire = asyncio.run(raw_pages(hub.url, token))
            size = sum(len(p) for p in pages)
            page_count = len(pages)
            say("the same pages compressed, as to a console away from the hub")
            _pages, gzip_time, gzip_wire = asyncio.run(raw_pages(hub.url, token, compress=True))
            del _pages
            baseline_store = fresh_store(folder, "baseline")
            try:
                say("in-process floor: parse, convert and write the same pages")
                parse_time, decode_time, write_time = in_process(
                    pages, baseline_store, Collector(args.collector)
                )
            finally:
                baseline_store.close()
            del pages

            threaded_store = fresh_store(folder, "threaded")
            try:
                say("first sync with the engine, decoding on a thread")
                threaded = asyncio.run(
                    first_sync(hub.url, token, threaded_store, Collector(args.collector), process=False)
                )
            finally:
                threaded_store.close()

            store = fresh_store(folder, "console")
            try:
                say("first sync with the engine")
                synced = asyncio.run(first_sync(hub.url, token, store, Collector(args.collector)))
                sync_time = synced.seconds
                held = store.count(ReportQuery())
                say(f"delta of {args.changes} changes")
                delta_time, applied = asyncio.run(
                    delta(hub.url, token, other, store, args.changes, args.count)
                )
                # The same console, now up to date, with its engine on the live stream.
                say(f"latency, {args.latency_samples} reports")
                waits = asyncio.run(latency(hub.url, token, api_key, store, args.latency_samples))
            finally:
                store.close()
        finally:
            hub.stop()

        floor = decode_time + write_time
        p95 = statistics.quantiles(waits, n=20)[-1] if len(waits) >= 2 else waits[0]
        rows = [
            ("first sync: reports in the console store", f"{held:,}", ""),
            ("first sync: feed pages", f"{size / 1e6:,.0f} MB", f"{page_count} pages of {PAGE}"),
            ("first sync with the engine", f"{sync_time:.2f} s", "target ≤ 10 s"),
            ("  pages decoded in the engine's process", f"{synced.prepared}", f"of {page_count}"),
            (
                "  event loop's longest stall",
                f"{synced.stall_max * 1000:.0f} ms",
                f"p99 {synced.stall_p99 * 1000:.0f} ms",
            ),
            ("  the same, decoding on a thread", f"{threaded.seconds:.2f} s", "first_sync_process off"),
            (
                "    event loop's longest stall",
                f"{threaded.stall_max * 1000:.0f} ms",
                f"p99 {threaded.stall_p99 * 1000:.0f} ms",
            ),
            ("  hub serving the pages (fetch only)", f"{serve_time:.2f} s", ""),
            (
                "  the same pages gzip-compressed",
                f"{gzip_wire / 1e6:,.0f} MB",
                f"{size / gzip_wire:.1f}x smaller; served and decompressed in {gzip_time:.2f} s",
            ),
            ("  in-process: parse and check the pages", f"{decode_time:.2f} s", "msgspec, typed"),
            ("    (orjson's parse alone, for comparison)", f"{parse_time:.2f} s", "into dictionaries"),
            ("  in-process: write them (page + cursor)", f"{write_time:.2f} s", ""),
            ("  ratio engine / in-process floor", f"{sync_time / floor:.2f}", "parse and check + write"),
            (f"delta of {args.changes} changes", f"{delta_time * 1000:.0f} ms", "target ≤ 300 ms"),
            ("  changes applied", f"{applied}", ""),
            ("POST → other console's store, p50", f"{statistics.median(waits) * 1000:.0f} ms", ""),
            ("POST → other console's store, p95", f"{p95 * 1000:.0f} ms", "target ≤ 1000 ms"),
            ("POST → other console's store, max", f"{max(waits) * 1000:.0f} ms", f"{len(waits)} samples"),
        ]
        print_table(
            f"Sync benchmark ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
            f"cycle collector: {args.collector})",
            rows,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

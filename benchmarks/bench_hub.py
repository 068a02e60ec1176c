"""The hub's speed on SQLite, against a real ``ioc-hub serve`` process on loopback, printed as a table.

1. **Open311 intake**: POST requests (form-encoded, a channel's API key) from 8 concurrent clients;
   requests per second over ``--posts`` requests. Target ≥ 200/s on 2 cores.
2. **First sync**: a fresh console pulls the whole change feed of ``--reports`` reports (200,000 by
   default) in pages of 2,000: full pass time, pages, bytes.
3. **Deltas**: ``--pollers`` consoles (50) each poll the feed for what changed after their cursor while
   a writer takes actions on the hub; poll latency (p50, p95, max), polls per second, and how long a
   change takes to reach all of them.

    .venv/bin/python benchmarks/bench_hub.py [--reports 200000] [--posts 2000] [--pollers 50] [--cache DIR]

The database of part 2 is filled through the hub's own intake code (numbering, deadlines, history,
audit), many reports per transaction, and kept in ``--cache`` for the next run. The client runs in
this process; the server in its own, so both share the machine's cores as they would on one box.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ioc_console.domain.lifecycle import Actor, Channel, Role
from ioc_console.domain.report import Contact
from ioc_console.hub import schema
from ioc_console.hub.db import Database
from ioc_console.hub.jurisdiction_store import PackHolder, install_pack
from ioc_console.hub.server import free_port
from ioc_console.hub.service import HubService, Intake
from ioc_console.hub.settings import HubSettings, utc_now
from ioc_console.hub.validate import resolve_location
from ioc_console.resources import default_pack_path

PASSWORD = "benchmark-password-1"
PAGE = 2000


class RawHTTP:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: a few microseconds of CPU a request,
    so that on a shared 2-core machine the measurement is of the server, not of the client library."""

    def __init__(self, url: str) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self.host, self.port = host, int(port)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(body)}",
        ]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


def prepare(url: str, reports: int) -> str:
    """Initialise the database (users, a channel) and fill it to ``reports`` reports; returns the API key."""
    db = Database(url, pool_size=2)
    try:
        db.migrate()
        with db.read() as conn:
            from ioc_console.hub.db import latest_pack

            has_pack = latest_pack(conn) is not None
        if not has_pack:
            install_pack(db, default_pack_path(), by="bench", at=utc_now())
        packs = PackHolder()
        with db.read() as conn:
            packs.load(conn)
        service = HubService(HubSettings(database_url=url), db, packs)
        from sqlalchemy import func, select

        key = str(service.add_channel(f"bench-{uuid.uuid4().hex[:8]}", Channel.WEB)["api_key"])
        with db.read() as conn:
            users = {r.name for r in conn.execute(select(schema.users.c.name))}
            have = conn.execute(select(func.count()).select_from(schema.reports)).scalar_one()
        if "bench-op" not in users:
            service.add_user("bench-op", Role.OPERATOR, None, PASSWORD)
        if have < reports:
            fill(service, reports - have)
        return key
    finally:
        db.dispose()


def fill(service: HubService, count: int) -> None:
    j = service.pack.jurisdiction
    leaves = j.leaf_units()
    categories = j.active_categories()
    actor = Actor("bench-channel", Role.CHANNEL)
    started = time.perf_counter()
    done = 0
    while done < count:
        batch = min(2000, count - done)
        with service.db.write() as conn:
            for i in range(batch):
                n = done + i
                unit = leaves[n % len(leaves)]
                location = resolve_location(
                    j, lat=unit.lat, lon=unit.lon, address=f"Số {n % 300} đường {n % 40}", unit_code=unit.code
                )
                intake = Intake(
                    channel=Channel.WEB,
                    category=categories[n % len(categories)].code,
                    description=f"Phản ánh số {n}: rác thải, nước ngập sau mưa, đèn đường không sáng.",
                    location=location,
                    contact=Contact(name=f"Người dân {n}", phone=f"09{n % 100000000:08d}"),
                )
                report = service._new_report(intake, actor, "bench")
                service._insert_report(
                    conn,
                    report,
                    actor,
                    token=uuid.uuid4().hex,
                    channel_id=None,
                    account_id=None,
                    console_id="",
                    via="bench",
                )
        done += batch
        rate = done / (time.perf_counter() - started)
        print(f"  filled {done}/{count} reports ({rate:.0f}/s)", end="\r", flush=True)
    print(f"  filled {count} reports in {time.perf_counter() - started:.0f} s" + " " * 20, flush=True)


def wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Return once a hub process started on ``url`` answers its health check (a minute at most)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the hub did not start; see {log}")
        time.sleep(0.1)


class HubProcess:
    def __init__(self, url: str, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab")
        command = [
            sys.executable,
            "-m",
            "ioc_console.hub.cli",
            "serve",
            "--db",
            url,
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(
            [*command, "--log-level", "warning"], stdout=self.log, stderr=self.log
        )
        wait_until_ready(self.url, self.process, log)

    def cpu_seconds(self) -> float | None:
        """CPU time the server process has used so far (Linux), to tell its cost from the machine's load."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(20)
        self.log.close()


async def bench_posts(url: str, key: str, total: int, concurrency: int = 8) -> dict[str, Any]:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    async def worker() -> None:
        http = RawHTTP(url)
        try:
            while True:
                try:
                    n = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                body = urlencode(
                    {
                        "api_key": key,
                        "service_code": "environment",
                        "lat": f"{11.55 + (n % 50) * 0.001:.4f}",
                        "long": f"{108.97 + (n % 40) * 0.001:.4f}",
                        "description": f"Rác thải tồn đọng lâu ngày, số {n}",
                        "phone": "0905123456",
                        "first_name": "Minh",
                    }
                ).encode()
                t = time.perf_counter()
                status, answer = await http.request("POST", "/open311/v2/requests.json", body, form)
                latencies.append(time.perf_counter() - t)
                if status != 201:
                    raise RuntimeError(answer.decode(errors="replace"))
        finally:
            await http.close()

    for n in range(min(total, 100)):  # warm up: connections, caches
        queue.put_nowait(n)
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    for n in range(total):
        queue.put_nowait(n)
    latencies.clear()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": total,
        "wall_s": wall,
        "per_s": total / wall,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
    }


async def token(url: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=url, timeout=60, trust_env=False) as client:
        r = await client.post("/api/v1/auth/login", json={"username": "bench-op", "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['token']}"}


_TAIL = re.compile(rb'"cursor":"(\d+)","more":(true|false)}$')


def _tail(body: bytes) -> tuple[str, bool]:
    found = _TAIL.search(body[-100:])
    assert found is not None, body[-200:]
    return found.group(1).decode(), found.group(2) == b"true"


async def bench_first_sync(url: str) -> dict[str, Any]:
    """A fresh console's full pass over the feed (pages fetched back to back; JSON decoded to count)."""
    headers = await token(url)
    http = RawHTTP(url)
    try:
        started = time.perf_counter()
        cursor, pages, size, changes = "0", 0, 0, 0
        more = True
        while more:
            status, body = await http.request(
                "GET", f"/api/v1/feed?after={cursor}&limit={PAGE}", headers=headers
            )
            assert status == 200, body[:300]
            pages += 1
            size += len(body)
            changes += len(json.loads(body)["changes"])
            cursor, more = _tail(body)
        wall = time.perf_counter() - started
    finally:
        await http.close()
    return {
        "changes": changes,
        "pages": pages,
        "megabytes": size / 1e6,
        "wall_s": wall,
        "per_s": changes / wall,
    }


async def bench_deltas(url: str, key: str, pollers: int, seconds: float) -> dict[str, Any]:
    """``pollers`` consoles ask for what changed after their cursor every 0.5 s while reports arrive."""
    headers = await token(url)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    latencies: list[float] = []
    arrivals: dict[str, list[float]] = {}
    written: dict[str, float] = {}
    stop = asyncio.Event()
    head_http = RawHTTP(url)
    cursor, more = "0", True
    while more:  # the head, as a console that has just finished its first sync knows it
        _, body = await head_http.request("GET", f"/api/v1/feed?after={cursor}&limit=100000", headers=headers)
        cursor, more = _tail(body)
    await head_http.close()

    async def poller(start: str, offset: float) -> int:
        http = RawHTTP(url)
        polls = 0
        mine = start
        await asyncio.sleep(offset)
        try:
            while not stop.is_set():
                t = time.perf_counter()
                status, body = await http.request(
                    "GET", f"/api/v1/feed?after={mine}&limit=500", headers=headers
                )
                now = time.perf_counter()
                assert status == 200
                latencies.append(now - t)
                polls += 1
                for change in json.loads(body)["changes"]:
                    arrivals.setdefault(change["number"], []).append(now)
                mine, _ = _tail(body)
                await asyncio.sleep(0.5)
        finally:
            await http.close()
        return polls

    async def writer() -> None:
        http = RawHTTP(url)
        n = 0
        try:
            while not stop.is_set():
                body = urlencode(
                    {
                        "api_key": key,
                        "service_code": "construction",
                        "lat": "11.58",
                        "long": "108.99",
                        "description": f"Xây dựng lấn chiếm {n}",
                    }
                ).encode()
                t = time.perf_counter()
                status, answer = await http.request("POST", "/open311/v2/requests.json", body, form)
                assert status == 201
                written[json.loads(answer)[0]["service_request_id"]] = t
                n += 1
                await asyncio.sleep(0.1)
        finally:
            await http.close()

    tasks = [asyncio.create_task(poller(cursor, i * 0.5 / pollers)) for i in range(pollers)]
    write_task = asyncio.create_task(writer())
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    stop.set()
    await write_task
    polls = sum(await asyncio.gather(*tasks))
    wall = time.perf_counter() - started
    spread = []
    for number, t in written.items():
        seen = arrivals.get(number, [])
        if len(seen) >= pollers:
            spread.append(sorted(seen)[pollers - 1] - t)
    latencies.sort()
    spread.sort()
    return {
        "pollers": pollers,
        "polls_per_s": polls / wall,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
        "max_ms": latencies[-1] * 1000,
        "changes_written": len(written),
        "reached_all": len(spread),
        "to_all_p50_s": spread[len(spread) // 2] if spread else float("nan"),
        "to_all_p95_s": spread[int(len(spread) * 0.95)] if spread else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--pollers", type=int, default=50)
    parser.add_argument("--delta-seconds", type=float, default=20.0)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ioc-bench-hub")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"IOC hub benchmark on {os.cpu_count()} cores (load average {load:.1f}), cache {args.cache}",
        flush=True,
    )

    # 1. Open311 intake on an empty database.
    intake_db = args.cache / "intake.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(intake_db) + suffix).unlink(missing_ok=True)
    key = prepare(f"sqlite:///{intake_db}", 0)
    hub = HubProcess(f"sqlite:///{intake_db}", args.cache / "intake.log")
    try:
        before = hub.cpu_seconds()
        posts = asyncio.run(bench_posts(hub.url, key, args.posts))
        after = hub.cpu_seconds()
    finally:
        hub.stop()
    warmup = min(args.posts, 100)
    server_ms = None if before is None or after is None else (after - before) / (args.posts + warmup) * 1000

    # 2 and 3. The feed of many reports, then deltas.
    feed_url = f"sqlite:///{args.cache / f'feed-{args.reports}.sqlite3'}"
    key = prepare(feed_url, args.reports)
    hub = HubProcess(feed_url, args.cache / "feed.log")
    try:
        first = asyncio.run(bench_first_sync(hub.url))
        deltas = asyncio.run(bench_deltas(hub.url, key, args.pollers, args.delta_seconds))
    finally:
        hub.stop()

    print()
    print("| measurement | figure |")
    print("| --- | --- |")
    print(
        f"| Open311 POST requests.json, 8 clients | **{posts['per_s']:.0f}/s** ({posts['requests']} in "
        f"{posts['wall_s']:.1f} s; p50 {posts['p50_ms']:.0f} ms, p95 {posts['p95_ms']:.0f} ms) |"
    )
    if server_ms is not None:
        print(f"| server CPU per Open311 POST | {server_ms:.1f} ms (one core: {1000 / server_ms:.0f}/s) |")
    print(
        f"| change feed, full pass by a fresh client | **{first['wall_s']:.1f} s** for {first['changes']} reports "
        f"({first['per_s']:.0f}/s, {first['pages']} pages, {first['megabytes']:.0f} MB) |"
    )
    print(
        f"| {deltas['pollers']} clients polling for deltas (every 0.5 s) | {deltas['polls_per_s']:.0f} polls/s; "
        f"latency p50 {deltas['p50_ms']:.0f} ms, p95 {deltas['p95_ms']:.0f} ms, max {deltas['max_ms']:.0f} ms |"
    )
    print(
        f"| a new report reaching all {deltas['pollers']} pollers | p50 {deltas['to_all_p50_s']:.2f} s, "
        f"p95 {deltas['to_all_p95_s']:.2f} s "
        f"({deltas['reached_all']}/{deltas['changes_written']} changes seen by all) |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

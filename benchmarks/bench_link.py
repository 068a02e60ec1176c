"""A first sync over a slow link: a console away from the hub (an agency's office, a district's
supervisor) with the feed's pages compressed, as such a console asks for them, and not compressed.

The hub runs in its own process; the console reaches it through a proxy on loopback that carries
the hub's answers at a set rate (50 Mbit/s by default), so the figures include the network's time.

    .venv/bin/python benchmarks/bench_link.py [--count 20000] [--mbps 50] [--cache DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from pathlib import Path

# (see bench_sync: a first sync's decoding process runs this script again, and imports nothing)
if __name__ != "__mp_main__":
    from bench_sync import (
        Collector,
        HubProcess,
        first_sync,
        fresh_store,
        login,
        print_table,
        say,
        seed_hub,
        temp_folder,
    )

    from ioc_console.hub.server import free_port
    from ioc_console.store import ReportQuery


class SlowLink:
    """A TCP proxy on loopback to ``target_port`` whose answers go at ``rate`` bytes a second."""

    def __init__(self, target_port: int, rate: float) -> None:
        self.target_port = target_port
        self.rate = rate
        self.port = free_port()
        self.carried = 0
        self._loop = asyncio.new_event_loop()
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), daemon=True)
        self._thread.start()
        started.wait(10)

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", self.port))
        started.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(
            self._pipe(reader, up_writer, None),
            self._pipe(up_reader, writer, self.rate),
            return_exceptions=True,
        )
        for w in (writer, up_writer):
            w.close()

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, rate: float | None
    ) -> None:
        due = time.monotonic()
        while chunk := await source.read(65536):
            if rate is not None:
                # Each chunk leaves when the link would have carried it.
                due = max(due, time.monotonic()) + len(chunk) / rate
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                self.carried += len(chunk)
            sink.write(chunk)
            await sink.drain()
        sink.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--mbps", type=float, default=50.0, help="the link's rate, in Mbit/s")
    parser.add_argument("--cache", help="keep the seeded hub database in this folder between runs")
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    for folder in temp_folder(args.cache):
        hub_db = folder / f"hub-{args.count}.sqlite3"
        key_file = folder / f"hub-{args.count}.key"
        url = f"sqlite:///{hub_db}"
        if not hub_db.exists() or not key_file.exists():
            say(f"seeding the hub with {args.count} reports")
            for suffix in ("", "-wal", "-shm"):
                Path(str(hub_db) + suffix).unlink(missing_ok=True)
            key_file.write_text(seed_hub(url, args.count, 3000))
        hub = HubProcess(url, folder / "hub.log")
        link = SlowLink(hub.port, args.mbps * 1e6 / 8)
        try:
            token = asyncio.run(login(hub.url, "bench.op"))
            for compress in (True, False):
                store = fresh_store(folder, f"link-{compress}")
                try:
                    say(f"first sync over {args.mbps:g} Mbit/s, pages {'' if compress else 'not '}compressed")
                    before = link.carried
                    synced = asyncio.run(
                        first_sync(link.url, token, store, Collector("console"), compress=compress)
                    )
                    held = store.count(ReportQuery())
                finally:
                    store.close()
                label = "compressed (gzip)" if compress else "not compressed"
                rows.append((f"first sync, {label}", f"{synced.seconds:.1f} s", f"{held:,} reports"))
                rows.append(("  carried over the link", f"{(link.carried - before) / 1e6:,.1f} MB", ""))
        finally:
            link.stop()
            hub.stop()
    print_table(
        f"First sync over a {args.mbps:g} Mbit/s link ({os.cpu_count()} CPUs, {args.count:,} reports on the hub)",
        rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

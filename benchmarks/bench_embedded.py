"""The embedded demo hub of ``ioc-console --demo`` and its citizen feed, timed as a new user meets them.

1. **First run**: ``EmbeddedHub.start()`` on an empty data folder: the database built (schema, pack,
   a year of demo history, staff, channels), renamed into place, served on loopback.
2. **Later start**: ``start()`` again on the same folder (the database checked and served).
3. **Sign-in**: the demo operator's sign-in through the staff API.
4. **First live report**: the citizen feed started at its default rate until its first report is in
   the staff's change feed (polled every 50 ms); several seeds, since the first one is drawn to come
   within a few seconds.
5. **Stop**: ``stop()`` with a console listening on the live event stream.

    .venv/bin/python benchmarks/bench_embedded.py [--count N] [--samples 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ioc_console.demo.embedded import EmbeddedHub
from ioc_console.demo.simulator import CitizenFeed


def _timed(fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - started


def _sign_in(hub: EmbeddedHub) -> str:
    with httpx.Client(base_url=hub.url, trust_env=False, timeout=30) as c:
        r = c.post(
            "/api/v1/auth/login", json={"username": hub.operator_name, "password": hub.operator_password}
        )
        r.raise_for_status()
        return str(r.json()["token"])


async def _first_report(hub: EmbeddedHub, token: str, seed: int) -> float:
    """Seconds from the feed's start until its first report is in the change feed."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=hub.url, trust_env=False, timeout=30, headers=headers) as c:
        cursor = (await c.get("/api/v1/feed", params={"after": 0, "limit": 1})).json()["cursor"]
        head = (await c.get("/api/v1/feed", params={"after": cursor, "limit": 5000})).json()["cursor"]
        feed = CitizenFeed.for_hub(hub, seed=seed)
        started = time.perf_counter()
        feed.start()
        try:
            while True:
                page = (await c.get("/api/v1/feed", params={"after": head, "limit": 100})).json()
                if any(ch["kind"] == "upsert" for ch in page["changes"]):
                    return time.perf_counter() - started
                if time.perf_counter() - started > 120:
                    raise RuntimeError("no report in two minutes")
                await asyncio.sleep(0.05)
        finally:
            await feed.stop()


def _stop_while_listening(hub: EmbeddedHub, token: str) -> float:
    listening = threading.Event()

    def listen() -> None:
        with (
            httpx.Client(base_url=hub.url, trust_env=False, timeout=30) as c,
            c.stream("GET", "/api/v1/events", headers={"Authorization": f"Bearer {token}"}) as r,
        ):
            for _ in r.iter_lines():
                listening.set()

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    listening.wait(10)
    took = _timed(hub.stop)
    listener.join(10)
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--count", type=int, default=None, help="reports of history (default: a year's)")
    parser.add_argument("--samples", type=int, default=5, help="seeds for the first live report")
    args = parser.parse_args()

    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-embedded-") as folder:
        data = Path(folder)
        hub = EmbeddedHub(data, count=args.count)
        first = _timed(hub.start)
        token = _sign_in(hub)
        with httpx.Client(base_url=hub.url, trust_env=False, timeout=30) as c:
            page = c.get(
                "/api/v1/feed",
                params={"after": 0, "limit": 5000},
                headers={"Authorization": f"Bearer {token}"},
            ).json()
        reports = sum(1 for ch in page["changes"] if ch["kind"] == "upsert")
        size = (data / "demo-hub.sqlite3").stat().st_size
        rows.append(
            ("first run: build and serve", f"{first:.2f} s", f"{reports} reports, {size / 1e6:.1f} MB")
        )
        hub.stop()

        again = EmbeddedHub(data, count=args.count)
        later = _timed(again.start)
        rows.append(("later start", f"{later:.2f} s", "database checked, served"))
        sign_in = _timed(lambda: _sign_in(again))
        rows.append(("demo operator's sign-in", f"{sign_in * 1000:.0f} ms", "staff API"))
        token = _sign_in(again)
        waits = [asyncio.run(_first_report(again, token, seed)) for seed in range(args.samples)]
        rows.append(
            (
                "first live report in the feed",
                f"{statistics.median(waits):.1f} s",
                f"median of {len(waits)} seeds; max {max(waits):.1f} s (default rate)",
            )
        )
        stop = _stop_while_listening(again, token)
        rows.append(("stop, a console listening", f"{stop * 1000:.0f} ms", "live stream ended, port freed"))

    width = max(len(r[0]) for r in rows)
    print()
    print(f"  {'embedded demo hub':<{width}}  {'time':>10}  note")
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>10}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A burst of concurrent bogus sign-ins against a real hub process: its peak memory and how long a
public page takes meanwhile, printed as a table.

``--clients`` clients (48) send sign-ins with wrong passwords, each as soon as the last was answered,
for ``--seconds`` seconds, while one more client reads the public ``services.json`` every 50 ms. Run
three times, each on a fresh hub process (SQLite):

1. **as shipped**: the sign-in throttle and at most 2 password checks at once;
2. **throttle off** (its limits raised out of reach, as for attackers spread over many addresses: all
   the burst comes from 127.0.0.1 here): only the cap on password checks holds;
3. **no cap** (48 password checks at once, throttle off): what the cap is for.

    .venv/bin/python benchmarks/bench_signin.py [--clients 48] [--seconds 15]

Peak memory is the server process's VmHWM (Linux); the idle figure is its VmRSS before the burst.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_hub import RawHTTP, prepare, wait_until_ready

from ioc_console.hub.server import free_port

_OUT_OF_REACH = ("1000000/second",)
RUNS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("as shipped (throttle, 2 checks)", {}),
    (
        "throttle off, 2 checks",
        {"signin_account_limits": _OUT_OF_REACH, "signin_address_limits": _OUT_OF_REACH},
    ),
    (
        "throttle off, no cap (48 checks)",
        {
            "signin_account_limits": _OUT_OF_REACH,
            "signin_address_limits": _OUT_OF_REACH,
            "max_password_checks": 48,
        },
    ),
)

_SERVE = """
import json, sys
from ioc_console.hub.server import serve
from ioc_console.hub.settings import HubSettings
options = json.loads(sys.argv[3])
for name in ("signin_account_limits", "signin_address_limits"):
    if name in options:
        options[name] = tuple(options[name])
serve(HubSettings(database_url=sys.argv[1], log_level="warning", **options), port=int(sys.argv[2]))
"""


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


class Served:
    def __init__(self, db_url: str, options: dict[str, Any], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SERVE, db_url, str(self.port), json.dumps(options)],
            stdout=self.log,
            stderr=self.log,
        )
        wait_until_ready(self.url, self.process, log)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(20)
        self.log.close()


async def public_page(url: str, stop: asyncio.Event, latencies: list[float]) -> None:
    http = RawHTTP(url)
    try:
        while not stop.is_set():
            started = time.perf_counter()
            status, _ = await http.request("GET", "/open311/v2/services.json")
            assert status == 200, status
            latencies.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.05)
    finally:
        await http.close()


async def bogus_sign_ins(url: str, n: int, until: float, answers: dict[int, int]) -> None:
    http = RawHTTP(url)
    body = json.dumps({"username": f"guess-{n}", "password": "not-the-password"}).encode()
    headers = {"Content-Type": "application/json"}
    try:
        while time.monotonic() < until:
            status, _ = await http.request("POST", "/api/v1/auth/login", body, headers)
            answers[status] = answers.get(status, 0) + 1
    finally:
        await http.close()


async def burst(url: str, clients: int, seconds: float) -> tuple[list[float], dict[int, int]]:
    latencies: list[float] = []
    answers: dict[int, int] = {}
    stop = asyncio.Event()
    reader = asyncio.create_task(public_page(url, stop, latencies))
    until = time.monotonic() + seconds
    await asyncio.gather(*(bogus_sign_ins(url, n, until, answers) for n in range(clients)))
    stop.set()
    await reader
    return latencies, answers


async def idle_latency(url: str, count: int = 40) -> list[float]:
    latencies: list[float] = []
    stop = asyncio.Event()
    task = asyncio.create_task(public_page(url, stop, latencies))
    while len(latencies) < count:
        await asyncio.sleep(0.05)
    stop.set()
    await task
    return latencies


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=48)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="ioc-bench-signin-") as tmp:
        for i, (label, options) in enumerate(RUNS):
            db_url = f"sqlite:///{Path(tmp) / f'hub-{i}.sqlite3'}"
            prepare(db_url, 200)
            served = Served(db_url, options, Path(tmp) / "hub.log")
            try:
                idle = asyncio.run(idle_latency(served.url))
                rss = memory_kib(served.process.pid, "VmRSS")
                latencies, answers = asyncio.run(burst(served.url, args.clients, args.seconds))
                peak = memory_kib(served.process.pid, "VmHWM")
            finally:
                served.stop()
            rows.append((label, rss, peak, idle, latencies, answers))
            print(f"  {label}: done", flush=True)
    print()
    print(
        f"{args.clients} concurrent bogus sign-ins for {args.seconds:.0f} s, public services.json every 50 ms"
    )
    print()
    print(
        "| hub | memory idle | peak memory | public page idle p50 | during burst p50 / p95 / max | answers |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for label, rss, peak, idle, latencies, answers in rows:
        told = ", ".join(f"{n}×{status}" for status, n in sorted(answers.items()))
        print(
            f"| {label} | {rss / 1024:.0f} MB | {peak / 1024:.0f} MB | {statistics.median(idle):.1f} ms"
            f" | {statistics.median(latencies):.1f} / {pct(latencies, 0.95):.1f} / {max(latencies):.0f} ms"
            f" | {told} |"
        )


if __name__ == "__main__":
    main()

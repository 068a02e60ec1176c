"""Load on the hub (locust, loopback only, bounded in time): ``--consoles`` consoles (50) hold live
event streams and poll the change feed for deltas every ~2 s while citizen channels POST Open311
reports at rising rates, against one ``ioc-hub serve`` process and against two, each on PostgreSQL
behind HAProxy (``apt-get install haproxy``). For each rate: the POSTs' p50/p95, the rate achieved,
failures, the feed polls' p95, and how long a report takes from its POST to every console's stream
(p50/p95/max over all deliveries, and p95 of those crossing from one process to the other). The
sustained rate is the highest whose POST p95 stays within 500 ms and that was kept up. "in hub" is
the hubs' own view from ``/metrics``: the bucket bound (5, 10, 25, 50, 100, 250, 500 ms, 1 s, …) below
which 95 % of the POSTs were answered inside the hub processes, without HAProxy, the network and
locust.

    .venv/bin/python benchmarks/bench_load.py [--rates 5,10,20,40] [--duration 20] [--consoles 50]
        [--processes 1,2]

Needs the PostgreSQL server at 127.0.0.1:5432 (user postgres, trust) and ``haproxy``; the hubs,
HAProxy and locust all share this machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "sync"))

import httpx  # noqa: E402
from cluster_support import HubCluster, pg_database  # noqa: E402
from sqlalchemy import create_engine, insert, select  # noqa: E402
from sync_support import prepare_hub_database  # noqa: E402

from ioc_console.hub import schema  # noqa: E402
from ioc_console.hub.security import new_secret, secret_hash  # noqa: E402
from ioc_console.hub.settings import utc_now  # noqa: E402


def make_tokens(db_url: str, count: int, user: str = "lan.nt") -> list[str]:
    """Sign-in tokens for ``count`` consoles, written straight into the database (the sign-in
    throttle would rightly slow 50 sign-ins from one address)."""
    tokens = [new_secret("ioc") for _ in range(count)]
    engine = create_engine(db_url)
    now = utc_now()
    try:
        with engine.begin() as conn:
            user_id = conn.execute(select(schema.users.c.id).where(schema.users.c.name == user)).scalar_one()
            conn.execute(
                insert(schema.tokens),
                [
                    {
                        "token_hash": secret_hash(t),
                        "user_id": user_id,
                        "created_at": now,
                        "expires_at": now + timedelta(days=1),
                        "console_id": f"bench-{i}",
                    }
                    for i, t in enumerate(tokens)
                ],
            )
    finally:
        engine.dispose()
    return tokens


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


POST_ROUTE = {"route": "/open311/v2/requests.{fmt}", "method": "POST"}


def post_buckets(urls: list[str]) -> dict[float, float]:
    """The hubs' own histogram of POST times (cumulative count by upper bound), over every process."""
    from prometheus_client.parser import text_string_to_metric_families

    total: dict[float, float] = {}
    for url in urls:
        text = httpx.get(f"{url}/metrics", timeout=30, trust_env=False).text
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                if s.name == "ioc_hub_request_duration_seconds_bucket" and all(
                    s.labels.get(k) == v for k, v in POST_ROUTE.items()
                ):
                    bound = float(s.labels["le"])
                    total[bound] = total.get(bound, 0.0) + s.value
    return total


def bucket_p95(before: dict[float, float], after: dict[float, float]) -> float:
    """The upper bound of the bucket holding the 95th percentile of the POSTs between two scrapes."""
    counts = sorted((bound, after.get(bound, 0.0) - before.get(bound, 0.0)) for bound in after)
    if not counts or counts[-1][1] <= 0:
        return float("nan")
    for bound, count in counts:
        if count >= 0.95 * counts[-1][1]:
            return bound
    return float("inf")


def run_step(url: str, key: str, tokens: list[str], rate: int, duration: int, tmp: Path) -> dict[str, Any]:
    out = tmp / f"locust-{rate}.json"
    env = os.environ | {
        "BENCH_TOKENS": ",".join(tokens),
        "BENCH_API_KEY": key,
        "BENCH_OUT": str(out),
        "BENCH_CHANNELS": str(rate),
    }
    users = len(tokens) + rate
    with (tmp / f"locust-{rate}.log").open("wb") as log:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(HERE / "locust_hub.py"),
                "--headless",
                "-H",
                url,
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{duration}s",
                "--stop-timeout",
                "2",
                "--only-summary",
                "--exit-code-on-error",
                "0",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=duration + 120,
        )
    result: dict[str, Any] = json.loads(out.read_text("utf-8"))
    result["locust_busy"] = "CPU usage" in (tmp / f"locust-{rate}.log").read_text("utf-8", errors="replace")
    posted: dict[str, list[Any]] = result["posted"]
    span = (result["last"] - result["first"]) if result["first"] is not None else 0
    achieved = (len(posted) - 1) / span if span > 0 else 0.0
    # Deliveries are counted for the POSTs of the middle of the run: every stream is open by then,
    # and still open well after.
    posted = {n: v for n, v in posted.items() if result["first"] + 3 <= v[0] <= result["last"] - 3}
    delays, crossing = [], []
    for number, at, server in result["arrivals"]:
        if number in posted:
            sent, by = posted[number]
            delays.append(at - sent)
            if server and by and server != by:
                crossing.append(at - sent)
    expected = len(posted) * len(tokens)
    return {
        "rate": rate,
        "achieved": achieved,
        "posts": result["posts"],
        "failures": result["failures"],
        "post_p50": result["post_p50"],
        "post_p95": result["post_p95"],
        "feed_p95": result["feed_p95"],
        "delivered": len(delays) / expected if expected else float("nan"),
        "deliver_p50": statistics.median(delays) if delays else float("nan"),
        "deliver_p95": pct(delays, 0.95),
        "deliver_max": max(delays, default=float("nan")),
        "cross_p95": pct(crossing, 0.95),
        "crossing": len(crossing),
        "errors": result.get("errors", []),
        "locust_busy": result["locust_busy"],
    }


async def _probe(stream_url: str, post_url: str, token: str, key: str, count: int) -> list[float]:
    """Seconds from sending a POST to ``post_url`` until the stream on ``stream_url`` announces it."""
    sent: dict[str, float] = {}
    arrived: dict[str, float] = {}
    ready = asyncio.Event()

    async def listen() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            httpx.AsyncClient(timeout=60, trust_env=False) as c,
            c.stream("GET", f"{stream_url}/api/v1/events", headers=headers) as r,
        ):
            async for line in r.aiter_lines():
                if line.startswith("event: hello"):
                    ready.set()
                elif line.startswith("data: ") and '"number"' in line:
                    # Often before the POST's own answer is read: matched afterwards.
                    arrived.setdefault(json.loads(line[6:])["number"], time.monotonic())

    listener = asyncio.create_task(listen())
    await asyncio.wait_for(ready.wait(), 30)
    async with httpx.AsyncClient(base_url=post_url, timeout=30, trust_env=False) as c:
        for _ in range(count):
            start = time.monotonic()
            r = await c.post(
                "/open311/v2/requests.json",
                data={
                    "api_key": key,
                    "service_code": "environment",
                    "lat": 11.58,
                    "long": 108.99,
                    "description": "Đo thời gian tới luồng sự kiện",
                },
            )
            sent[r.json()[0]["service_request_id"]] = start
            await asyncio.sleep(0.3)
    await asyncio.sleep(2)
    listener.cancel()
    return [arrived[n] - t for n, t in sent.items() if n in arrived]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="5,10,20,40", help="POSTs per second to try, rising")
    parser.add_argument("--duration", type=int, default=20, help="seconds per rate")
    parser.add_argument("--consoles", type=int, default=50)
    parser.add_argument("--processes", default="1,2")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    head = (
        f"{'procs':>5} {'rate/s':>6} {'done/s':>6} {'posts':>6} {'fail':>4} {'POST p50':>8} {'POST p95':>8} {'in hub':>6} "
        f"{'feed p95':>8} {'deliv%':>6} {'→stream p50':>11} {'p95':>6} {'max':>6} {'cross p95':>9}"
    )
    print(f"{args.consoles} consoles streaming and polling deltas every ~2 s; {args.duration} s per rate")
    print(head)
    sustained: dict[int, int] = {}
    for processes in [int(p) for p in args.processes.split(",")]:
        with tempfile.TemporaryDirectory(prefix="ioc-load-") as tmpdir, pg_database() as db_url:
            tmp = Path(tmpdir)
            key = prepare_hub_database(db_url)
            tokens = make_tokens(db_url, args.consoles)
            with HubCluster(db_url, tmp, processes) as cluster:
                if processes > 1:
                    token = make_tokens(db_url, 1, "sup")[0]
                    delays = asyncio.run(_probe(cluster.urls[0], cluster.urls[1], token, key, 40))
                    print(
                        f"  one POST every 0.3 s to process 2, its arrival on a stream held by process 1 "
                        f"(no other load): p50 {statistics.median(delays) * 1000:.0f} ms, "
                        f"p95 {pct(delays, 0.95) * 1000:.0f} ms, max {max(delays) * 1000:.0f} ms, "
                        f"{len(delays)}/40 arrived",
                        flush=True,
                    )
                for rate in rates:
                    before = post_buckets(cluster.urls)
                    row = run_step(cluster.url, key, tokens, rate, args.duration, tmp)
                    row["hub_p95"] = bucket_p95(before, post_buckets(cluster.urls))
                    ok = row["post_p95"] <= 0.5 and row["achieved"] >= 0.9 * rate and not row["failures"]
                    if ok:
                        sustained[processes] = max(rate, sustained.get(processes, 0))
                    print(
                        f"{processes:>5} {rate:>6} {row['achieved']:>6.1f} {row['posts']:>6} {row['failures']:>4} "
                        f"{row['post_p50'] * 1000:>6.0f}ms {row['post_p95'] * 1000:>6.0f}ms ≤{row['hub_p95'] * 1000:>4.0f}ms "
                        f"{(row['feed_p95'] or 0) * 1000:>6.0f}ms {row['delivered'] * 100:>5.0f}% "
                        f"{row['deliver_p50'] * 1000:>9.0f}ms {row['deliver_p95'] * 1000:>4.0f}ms "
                        f"{row['deliver_max'] * 1000:>4.0f}ms {row['cross_p95'] * 1000:>7.0f}ms",
                        flush=True,
                    )
                    if row["locust_busy"]:
                        print("        (locust itself was short of CPU: its timings include waiting for it)")
                    for error in row["errors"][:2]:
                        print(f"        failed {error[1]}×: {error[0]}")
                    if row["post_p95"] > 2.0 or row["failures"] > 0.05 * max(row["posts"], 1):
                        break  # far past it: higher rates would only say the same
    for processes, rate in sustained.items():
        print(f"sustained with POST p95 ≤ 500 ms, {processes} process(es): {rate} POST/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

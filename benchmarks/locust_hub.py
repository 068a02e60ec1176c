"""Locust users for ``bench_load.py`` (run by it; not on its own): consoles that hold a live event
stream and poll the change feed for deltas, and citizen channels that POST Open311 reports at a set
rate. Settings come from the environment the benchmark sets:

``BENCH_TOKENS`` (comma-separated staff tokens, one per console), ``BENCH_API_KEY``, ``BENCH_OUT``
(a JSON file written at the end: the POSTs' latencies and each report's arrival on each stream).
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

import gevent
import requests
from locust import HttpUser, between, constant_throughput, events, task

TOKENS = [t for t in os.environ.get("BENCH_TOKENS", "").split(",") if t]
API_KEY = os.environ.get("BENCH_API_KEY", "")
OUT = os.environ.get("BENCH_OUT", "")
INSIDE = (11.58, 108.99)

_lock = threading.Lock()
_next_token = 0
#: number -> (time the POST was sent, process that took it)
posted: dict[str, tuple[float, str]] = {}
#: (number, arrival time, process holding the stream)
arrivals: list[tuple[str, float, str]] = []
post_times: list[tuple[float, float, int]] = []


class Console(HttpUser):
    """A console: its live stream open all the time, a feed delta every 2 s or so."""

    fixed_count = len(TOKENS)
    wait_time = between(1.5, 2.5)

    def on_start(self) -> None:
        global _next_token
        with _lock:
            self.token = TOKENS[_next_token % len(TOKENS)]
            _next_token += 1
        self.headers = {"Authorization": f"Bearer {self.token}", "X-Console-Id": f"bench-{id(self)}"}
        self.cursor = "0"
        r = self.client.get(
            "/api/v1/feed",
            params={"after": "0", "limit": 1},
            headers=self.headers,
            name="/api/v1/feed (first)",
        )
        self.cursor = r.json()["cursor"] if r.ok else "0"
        self.stream = gevent.spawn(self._listen)

    def on_stop(self) -> None:
        self.stream.kill(block=False)

    def _listen(self) -> None:
        while True:
            try:
                with requests.get(
                    f"{self.host}/api/v1/events", headers=self.headers, stream=True, timeout=(5, 60)
                ) as r:
                    server = r.headers.get("X-Hub-Server", "")
                    for line in r.iter_lines(decode_unicode=True):
                        if line and line.startswith("data: ") and '"number"' in line:
                            number = json.loads(line[6:])["number"]
                            arrivals.append((number, time.time(), server))
            except Exception:
                gevent.sleep(0.2)

    @task
    def delta(self) -> None:
        r = self.client.get(
            "/api/v1/feed",
            params={"after": self.cursor, "limit": 500},
            headers=self.headers,
            name="/api/v1/feed",
        )
        if r.ok:
            self.cursor = r.json()["cursor"]


class Channel(HttpUser):
    """A citizen channel posting one report a second (the benchmark sets how many channels)."""

    fixed_count = int(os.environ.get("BENCH_CHANNELS", "1"))
    wait_time = constant_throughput(1.0)

    @task
    def post(self) -> None:
        sent = time.time()
        with self.client.post(
            "/open311/v2/requests.json",
            data={
                "api_key": API_KEY,
                "service_code": "environment",
                "lat": INSIDE[0],
                "long": INSIDE[1],
                "description": "Rác thải đổ trộm ven đường (tải thử)",
            },
            name="POST /open311/v2/requests.json",
            catch_response=True,
        ) as r:
            if r.status_code != 201:
                r.failure(f"{r.status_code}: {r.text[:100]}")
                return
            number = r.json()[0]["service_request_id"]
            posted[number] = (sent, r.headers.get("X-Hub-Server", ""))
            post_times.append((sent, time.time() - sent, 201))


@events.quitting.add_listener
def _write(environment: Any, **_: Any) -> None:
    if not OUT:
        return
    stats = environment.stats.get("POST /open311/v2/requests.json", "POST")
    feed = environment.stats.get("/api/v1/feed", "GET")
    result = {
        "posts": stats.num_requests,
        "failures": stats.num_failures,
        "post_p50": stats.get_response_time_percentile(0.5) / 1000,
        "post_p95": stats.get_response_time_percentile(0.95) / 1000,
        "feed_polls": feed.num_requests,
        "feed_p95": feed.get_response_time_percentile(0.95) / 1000 if feed.num_requests else None,
        "first": min((t for t, _, _ in post_times), default=None),
        "last": max((t for t, _, _ in post_times), default=None),
        "errors": sorted(
            ([str(e.error)[:120], e.occurrences] for e in environment.stats.errors.values()),
            key=lambda x: -x[1],
        ),
        "posted": posted,
        "arrivals": arrivals,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(result, f)

"""``/metrics``: the hub's counters in the Prometheus text format, for the province's monitoring.

Only counts and durations, never a citizen's data: requests by route template (``/api/v1/reports/
{number}``, never the number itself) and status, Open311 POSTs by channel name, failed sign-ins,
how far this process's live events are behind the change sequence, and the open and overdue reports.
Counters belong to one process (scrape each ``ioc-hub serve`` process on its own port); the report
counts are read from the database and are the same in every process.

With ``metrics_token`` set, ``/metrics`` answers only ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ioc_console.domain.lifecycle import TERMINAL
from ioc_console.hub import schema
from ioc_console.hub.errors import HubError

if TYPE_CHECKING:
    from ioc_console.hub.events import Broadcaster
    from ioc_console.hub.service import HubService

SIGN_IN = "/api/v1/auth/login"


class HubMetrics:
    """The metrics of one hub application (a registry of its own: tests run several in a process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "ioc_hub_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "ioc_hub_request_duration_seconds",
            "Time until the answer's first byte, by route template and method.",
            ["route", "method"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=self.registry,
        )
        self.open311_posts = Counter(
            "ioc_hub_open311_posts",
            "Open311 POST requests (new reports and channel steps), by channel name and status.",
            ["channel", "status"],
            registry=self.registry,
        )
        self.sign_in_failures = Counter(
            "ioc_hub_sign_in_failures",
            "Staff sign-ins refused: a wrong name or password, or too many attempts.",
            ["reason"],
            registry=self.registry,
        )

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        method = scope["method"]
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)
        if method == "POST" and route.startswith("/open311/"):
            channel = (scope.get("state") or {}).get("channel") or "unknown"
            self.open311_posts.labels(channel, str(status)).inc()
        if route == SIGN_IN and status in (401, 429):
            self.sign_in_failures.labels("password" if status == 401 else "throttled").inc()


class RequestMetrics:
    """Counts every HTTP answer (outermost, so that refusals by other middleware count too)."""

    def __init__(self, app: ASGIApp, metrics: HubMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        seen = False

        async def counted(message: Message) -> None:
            nonlocal seen
            if message["type"] == "http.response.start" and not seen:
                seen = True
                self.metrics.observe(scope, int(message["status"]), time.perf_counter() - start)
            await send(message)

        try:
            await self.app(scope, receive, counted)
        except BaseException:
            if not seen:
                self.metrics.observe(scope, 500, time.perf_counter() - start)
            raise


class _StateCollector(Collector):
    """Read at each scrape: live event streams and their lag, open and overdue reports."""

    def __init__(self, service: HubService, broadcaster: Broadcaster) -> None:
        self.service = service
        self.broadcaster = broadcaster

    def collect(self) -> Iterator[GaugeMetricFamily]:
        r = schema.reports
        terminal = [s.value for s in TERMINAL]
        with self.service.db.read() as conn:
            head = self.service.db.counter(conn, schema.SEQ)
            by_status: dict[str, int] = dict(
                conn.execute(
                    select(r.c.status, func.count()).where(r.c.status.not_in(terminal)).group_by(r.c.status)
                ).all()
            )
            overdue = conn.execute(
                select(func.count()).where(r.c.status.not_in(terminal), r.c.due_at < self.service.now())
            ).scalar()
        b = self.broadcaster
        streams = len(b.subscribers)
        yield GaugeMetricFamily("ioc_hub_live_streams", "Live event streams open on this process.", streams)
        lag = GaugeMetricFamily(
            "ioc_hub_feed_lag_changes",
            "Changes committed but not yet announced on this process's live event streams.",
            max(0, head - b.last) if streams else 0,
        )
        yield lag
        yield GaugeMetricFamily("ioc_hub_feed_head", "The newest change sequence number.", head)
        open_ = GaugeMetricFamily("ioc_hub_reports_open", "Reports not closed, by status.", labels=["status"])
        for status, count in sorted(by_status.items()):
            open_.add_metric([str(status)], int(count))
        yield open_
        yield GaugeMetricFamily(
            "ioc_hub_reports_overdue", "Reports not closed whose reply is past due.", int(overdue or 0)
        )


def build_router(token: str, metrics: HubMetrics, service: HubService, broadcaster: Broadcaster) -> APIRouter:
    metrics.registry.register(_StateCollector(service, broadcaster))
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def scrape(request: Request) -> Response:
        if token:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                raise HubError(401, "auth.required")
        body = await run_in_threadpool(generate_latest, metrics.registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return router

"""The hub's ASGI application: :func:`create_app` is its one composition root."""

from __future__ import annotations

import asyncio
import errno
import logging
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote_plus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ioc_console.domain.versions import CONSOLE_HEADER, OLDEST_HEADER, is_served
from ioc_console.hub import api, open311, public_stats
from ioc_console.hub import basemap as hub_basemap
from ioc_console.hub import metrics as hub_metrics
from ioc_console.hub.db import Database
from ioc_console.hub.errors import HubError
from ioc_console.hub.events import Broadcaster
from ioc_console.hub.jurisdiction_store import PackHolder, install_pack
from ioc_console.hub.metrics import HubMetrics, RequestMetrics
from ioc_console.hub.service import HubService
from ioc_console.hub.settings import HubSettings

log = logging.getLogger(__name__)

VERSION = "1"


class BodyTooLarge(StarletteHTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"body larger than {limit} bytes")
        self.limit = limit


def _is_upload(method: str, path: str) -> bool:
    return method == "POST" and path.startswith("/api/v1/reports/") and path.endswith("/attachments")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SlowClient(StarletteHTTPException):
    def __init__(self, seconds: float) -> None:
        super().__init__(408, f"no part of the body came for {seconds:g} s")
        self.seconds = seconds


class BodyLimit:
    """Refuses bodies over the limit (413) by their Content-Length or while they stream in, bodies
    that stall (408: a client that sends a byte a minute would hold a worker for good), and
    addresses whose path or query carries control characters (400: NUL cannot even be stored)."""

    def __init__(self, app: ASGIApp, default: int, upload: int, read_timeout: float = 30.0) -> None:
        self.app = app
        self.default = default
        self.upload = upload
        self.read_timeout = read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = unquote_plus(scope.get("query_string", b"").decode("latin-1"))
        if _CONTROL.search(scope["path"]) or _CONTROL.search(query):
            hub = HubError(400, "body.malformed", detail="control characters in the address")
            await _hub_response(scope["path"], hub)(scope, receive, send)
            return
        limit = self.upload if _is_upload(scope["method"], scope["path"]) else self.default
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > limit:
                    response = _error_for(scope["path"], BodyTooLarge(limit) if declared >= 0 else None)
                    await response(scope, receive, send)
                    return
        seen = 0
        complete = False

        async def limited() -> Message:
            nonlocal seen, complete
            if complete:
                return await receive()  # after the body: waiting for the client to leave (streams)
            try:
                message = await asyncio.wait_for(receive(), timeout=self.read_timeout)
            except TimeoutError:
                raise SlowClient(self.read_timeout) from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
                complete = not message.get("more_body", False)
            return message

        await self.app(scope, limited, send)


class ConsoleVersions:
    """The staff API states the oldest console version it serves in every answer, and refuses the
    requests of a console that says it is older (426, ``console.outdated``, in words)."""

    def __init__(self, app: ASGIApp, oldest: str) -> None:
        self.app = app
        self.oldest = oldest.strip()
        self.header = (OLDEST_HEADER.lower().encode(), self.oldest.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.oldest or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        wanted = CONSOLE_HEADER.lower().encode()
        version = next((v.decode("latin-1") for k, v in scope["headers"] if k == wanted), None)
        if version is not None and not is_served(version, self.oldest):
            hub = HubError(426, "console.outdated", version=version[:40], oldest=self.oldest)
            response = JSONResponse(
                hub.body(), status_code=426, headers={OLDEST_HEADER: self.oldest, "Upgrade": "ioc-console"}
            )
            await response(scope, receive, send)
            return

        async def stated(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), self.header]}
            await send(message)

        await self.app(scope, receive, stated)


def _error_for(path: str, error: StarletteHTTPException | None) -> Response:
    if error is None:
        hub = HubError(400, "body.malformed", detail="Content-Length")
    elif isinstance(error, BodyTooLarge):
        hub = HubError(413, "body.too_large", limit=error.limit)
    elif isinstance(error, SlowClient):
        hub = HubError(408, "body.slow", seconds=f"{error.seconds:g}")
    elif error.status_code == 404:
        hub = HubError(404, "not_found")
    elif error.status_code == 405:
        hub = HubError(405, "method.not_allowed")
    else:
        hub = HubError(error.status_code, "body.malformed", detail=str(error.detail)[:200])
    return _hub_response(path, hub)


def _allowed_methods(app: Any, scope: Mapping[str, Any]) -> str:
    """The methods the address of ``scope`` takes, asked of the router method by method (its own
    405 names the methods of the first route at the address only)."""
    allowed = [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in app.router.routes)
    ]
    return ", ".join(allowed)


def _hub_response(path: str, error: HubError) -> Response:
    if path.startswith("/open311"):
        status = error.status if error.status in (400, 403, 404, 405, 408, 413, 507) else 400
        return open311.error_response(open311.fmt_of(path), status, open311.describe(error))
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else {}
    if "retry_after" in error.extra:
        headers["Retry-After"] = str(error.extra["retry_after"])
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


def disk_full(error: BaseException) -> bool:
    """Whether a database or file error says the disk (or the database's room) is full."""
    cause = getattr(error, "orig", None) or error
    if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
        return True
    if getattr(cause, "sqlstate", None) == "53100":  # PostgreSQL: disk_full
        return True
    text = str(cause).lower()
    return "database or disk is full" in text or "no space left on device" in text


def _validation_field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def create_app(settings: HubSettings) -> FastAPI:
    """Build the hub: database, jurisdiction, services, live events and both APIs."""
    db = Database(settings.database_url, pool_size=settings.pool_size)
    packs = PackHolder()
    service = HubService(settings, db, packs)
    broadcaster = Broadcaster(
        service, settings.poll_interval, listen_url=None if db.is_sqlite else db.libpq_url
    )
    service.notify = broadcaster.poke

    def start() -> None:
        if settings.auto_init:
            db.migrate()
            if settings.pack_path is not None:
                with db.read() as conn:
                    from ioc_console.hub.db import latest_pack

                    stored = latest_pack(conn)
                if stored is None:
                    install_pack(db, settings.pack_path, by="auto-init", at=settings.clock())
        db.check_schema()
        with db.read() as conn:
            packs.load(conn)

    basemap_router, basemap_tiles = hub_basemap.build_router(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(start)
        await broadcaster.start()
        log.info("hub ready on %s (%s)", db.safe_url, packs.current.jurisdiction.name)
        try:
            yield
        finally:
            await broadcaster.stop()
            db.dispose()
            if basemap_tiles is not None:
                basemap_tiles.close()

    app = FastAPI(
        title="IOC hub",
        version=VERSION,
        description="Open311 GeoReport v2 and the staff API of the IOC Console hub.",
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.broadcaster = broadcaster
    app.add_middleware(
        BodyLimit,
        default=settings.max_body_bytes,
        upload=settings.max_attachment_bytes,
        read_timeout=settings.client_read_timeout,
    )
    metrics = HubMetrics()
    app.add_middleware(RequestMetrics, metrics=metrics)
    app.add_middleware(ConsoleVersions, oldest=settings.oldest_console)

    @app.exception_handler(HubError)
    async def on_hub_error(request: Request, error: HubError) -> Response:
        return _hub_response(request.url.path, error)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> Response:
        problems = error.errors()
        first = problems[0] if problems else {"loc": ("body",), "type": "", "msg": ""}
        field = _validation_field(first.get("loc", ()))
        if first.get("type") == "json_invalid":
            hub = HubError(400, "body.malformed", detail=str(first.get("msg", ""))[:200])
        else:
            detail = f"{first.get('msg', '')}".strip()[:200]
            hub = HubError(422, "field.invalid", field=field, detail=detail)
        return _hub_response(request.url.path, hub)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> Response:
        response = _error_for(request.url.path, error)
        if error.status_code == 405:
            # Every method the address takes (the router's own header names one route's only).
            response.headers["Allow"] = _allowed_methods(request.app, request.scope)
        return response

    async def on_storage_error(request: Request, error: Exception) -> Response:
        if not disk_full(error):
            raise error
        # Said once per refusal, without the statement's text or parameters (citizens' words).
        log.error("storage full: %s refused (%s)", request.url.path, type(error).__name__)
        return _hub_response(request.url.path, HubError(507, "storage.full"))

    app.add_exception_handler(DBAPIError, on_storage_error)
    app.add_exception_handler(OSError, on_storage_error)

    @app.exception_handler(open311.Open311Error)
    async def on_open311(request: Request, error: open311.Open311Error) -> Response:
        return open311.error_response(open311.fmt_of(request.url.path), error.status, error.description)

    app.include_router(open311.build_router(service))
    app.include_router(public_stats.build_router(service))
    app.include_router(api.build_router(service, broadcaster))
    app.include_router(basemap_router)
    app.include_router(hub_metrics.build_router(settings.metrics_token, metrics, service, broadcaster))
    return app

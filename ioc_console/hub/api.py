"""The staff API under ``/api/v1``: sign-in, the change feed, reports and their actions, attachments,
statistics, live events and administration. Bodies are JSON; errors are
``{"error": code, "field": name|null, "message": {"vi": ..., "en": ...}, ...}``.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import re
import struct
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

import imagesize
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ioc_console.domain.errors import DomainError
from ioc_console.domain.lifecycle import Channel, Priority, Role
from ioc_console.domain.report import Contact
from ioc_console.hub.errors import HubError, Wait, from_domain, invalid
from ioc_console.hub.events import REVOKED, Broadcaster, sse
from ioc_console.hub.jurisdiction_store import load_files
from ioc_console.hub.security import secret_hash
from ioc_console.hub.service import RECEIVED_AT_PAST, STAFF_ROLES, HubService, Intake, Principal
from ioc_console.hub.validate import MAX_DESCRIPTION, MAX_NAME, MAX_TITLE, plain_text, resolve_location

JSON = "application/json"
#: Sniffed types of accepted photos: magic bytes at the start of the file.
MAGIC: tuple[tuple[str, Any], ...] = (
    ("image/jpeg", lambda b: b[:3] == b"\xff\xd8\xff"),
    ("image/png", lambda b: b[:8] == b"\x89PNG\r\n\x1a\n"),
    ("image/webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP"),
)


def sniff(data: bytes) -> str | None:
    for content_type, test in MAGIC:
        if test(data):
            return content_type
    return None


def check_pixels(data: bytes, budget: int) -> None:
    """Refuse a photo whose header claims more pixels than ``budget`` (or no size at all): a few
    kilobytes of PNG can unpack to gigabytes in whoever decodes it, a console's thumbnails first."""
    try:
        width, height = imagesize.get(io.BytesIO(data), exif_rotation=False)
    except (ValueError, OSError, struct.error):
        width = height = -1
    if width <= 0 or height <= 0:
        raise HubError(422, "attachment.unreadable", field="attachments")
    if width * height > budget:
        raise HubError(
            413,
            "attachment.too_big",
            field="attachments",
            width=width,
            height=height,
            limit=budget // 1_000_000,
        )


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: A string without control characters (NUL above all: PostgreSQL cannot store it).
Str = Annotated[str, AfterValidator(_no_control)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LoginIn(_Strict):
    username: Str = Field(min_length=1, max_length=100)
    password: Str = Field(min_length=1, max_length=1024)


class ActionIn(_Strict):
    idempotency_key: Str = Field(min_length=1, max_length=200)
    base_version: int = Field(ge=1, le=2**31 - 1)
    payload: dict[str, Any] = Field(default_factory=dict)


class IntakeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    idempotency_key: Str = Field(min_length=1, max_length=200, strict=True)
    category: Str = Field(max_length=64, strict=True)
    description: Str = Field(max_length=MAX_DESCRIPTION * 2, strict=True)
    channel: Str = Field(default="hotline", max_length=20, strict=True)
    title: Str = Field(default="", max_length=MAX_TITLE * 2, strict=True)
    priority: Str = Field(default="normal", max_length=20, strict=True)
    location: dict[str, Any] = Field(default_factory=dict)
    contact: dict[str, Any] = Field(default_factory=dict)
    #: When the call was taken (ISO 8601 with its offset), if the console sends it later.
    received_at: Str | None = Field(default=None, max_length=40, strict=True)


def received_time(value: str | None, now: datetime) -> datetime | None:
    """The time a call was taken, as a console that was offline sends it: with a zone, within
    :data:`RECEIVED_AT_PAST`; a time ahead of the hub's clock (a console's clock running fast) is now."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise invalid("received_at", value[:40]) from None
    if moment.tzinfo is None or moment < now - RECEIVED_AT_PAST:
        raise invalid("received_at", value[:40])
    return min(moment, now)


class UserIn(_Strict):
    name: Str = Field(min_length=1, max_length=100)
    role: Str = Field(max_length=20)
    password: Str = Field(min_length=8, max_length=1024)
    agency: Str | None = Field(default=None, max_length=64)
    display_name: Str = Field(default="", max_length=MAX_NAME)


class UserPatch(_Strict):
    role: Str | None = Field(default=None, max_length=20)
    agency: Str | None = Field(default=None, max_length=64)
    active: bool | None = None
    password: Str | None = Field(default=None, min_length=8, max_length=1024)
    display_name: Str | None = Field(default=None, max_length=MAX_NAME)


class ChannelIn(_Strict):
    name: Str = Field(min_length=1, max_length=100)
    kind: Str = Field(max_length=20)


class PackIn(_Strict):
    files: dict[Str, Str]


def _json(body: Any, status: int = 200) -> Response:
    """A JSON answer: ``body`` as JSON text or UTF-8 bytes (sent as they are), or a value to encode."""
    if not isinstance(body, str | bytes):
        body = json.dumps(body, ensure_ascii=False)
    return Response(body, status_code=status, media_type=JSON)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header takes gzip: named (or ``*``) with a weight above 0, and
    not refused by name."""
    wanted: dict[str, bool] = {}
    for item in (accept_encoding or "").split(","):
        coding, _, params = item.strip().lower().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        wanted[coding.strip()] = weight > 0
    return wanted.get("gzip", wanted.get("*", False))


def feed_answer(body: bytes, accept_encoding: str | None, smallest: int | None) -> Response:
    """A feed page, gzip-compressed when it is long and the client takes gzip. Level 1: a page of
    18 MB shrinks about sixfold in a tenth of a second (higher levels gain little and cost twice)."""
    headers = {"Vary": "Accept-Encoding"}
    if smallest is not None and len(body) >= smallest and accepts_gzip(accept_encoding):
        body = gzip.compress(body, compresslevel=1, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=JSON, headers=headers)


def console_of(value: str | None) -> str:
    return (value or "").strip()[:100]


def bearer(authorization: str | None) -> str:
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    return ""


def current(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_console_id: Annotated[str | None, Header()] = None,
) -> Principal:
    """The signed-in user (``Authorization: Bearer``) and their console (``X-Console-Id``)."""
    service: HubService = request.app.state.service
    token = bearer(authorization)
    principal = service.authenticate(token, console_of(x_console_id)) if token else None
    if principal is None:
        raise HubError(401, "auth.required")
    return principal


Auth = Annotated[Principal, Depends(current)]


def admin(principal: Auth) -> Principal:
    principal.require(Role.ADMIN)
    return principal


Admin = Annotated[Principal, Depends(admin)]


def build_router(service: HubService, broadcaster: Broadcaster) -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    settings = service.settings

    # -- session --------------------------------------------------------------------------------------

    #: Password checks at once (Argon2id takes 64 MiB and a core for a while): sign-ins beyond it
    #: wait here, on the event loop, without holding a worker thread that other requests need.
    password_checks = asyncio.Semaphore(settings.max_password_checks)

    @router.post("/auth/login")
    async def login(
        request: Request, body: LoginIn, x_console_id: Annotated[str | None, Header()] = None
    ) -> Response:
        address = request.client.host if request.client else ""
        console = console_of(x_console_id)
        # Refused at once when throttled, before waiting for a password check; checked again inside.
        await run_in_threadpool(service.check_signin, body.username, address, console)
        try:
            await asyncio.wait_for(password_checks.acquire(), settings.password_check_wait)
        except TimeoutError:
            wait = max(1, round(settings.password_check_wait))
            raise HubError(503, "auth.busy", extra={"retry_after": wait}, wait=Wait(wait)) from None
        try:
            answer = await run_in_threadpool(service.login, body.username, body.password, console, address)
        finally:
            password_checks.release()
        return _json(answer)

    @router.post("/auth/logout")
    def logout(principal: Auth, authorization: Annotated[str | None, Header()] = None) -> Response:
        service.logout(bearer(authorization))
        broadcaster.revoke(token_hash=secret_hash(bearer(authorization)))
        return _json({"ok": True})

    @router.get("/auth/me")
    def me(principal: Auth) -> Response:
        return _json({"name": principal.name, "role": principal.role.value, "agency": principal.agency})

    @router.get("/health")
    def health() -> Response:
        return _json({"status": "ok"})

    @router.get("/jurisdiction")
    def jurisdiction(principal: Auth) -> Response:
        pack = service.pack
        return _json({"revision": pack.revision, "sha256": pack.sha256, "files": pack.files})

    # -- reports ------------------------------------------------------------------------------------

    @router.get("/feed")
    def feed(
        principal: Auth,
        after: Annotated[str, Query(max_length=20)] = "0",
        limit: Annotated[int, Query(ge=1, le=100_000)] = 500,
        accept_encoding: Annotated[str | None, Header()] = None,
    ) -> Response:
        try:
            cursor = int(after or "0")
        except ValueError:
            raise invalid("after", after) from None
        if not 0 <= cursor < 2**62:
            raise invalid("after", after)
        # (compressed here, on the worker thread that built the page: zlib lets go of the GIL)
        page = service.feed(principal, cursor, limit)
        return feed_answer(page, accept_encoding, settings.feed_gzip_min_bytes)

    @router.get("/reports/{number}")
    def report(principal: Auth, number: str) -> Response:
        return _json(service.report_json(principal, number))

    @router.get("/reports/{number}/contact")
    def contact(principal: Auth, number: str) -> Response:
        """The citizen's contact, for a call: read on purpose, audited, never cached."""
        response = _json(service.contact(principal, number))
        response.headers["Cache-Control"] = "no-store"
        return response

    @router.post("/reports")
    def intake(principal: Auth, body: IntakeIn) -> Response:
        principal.require(Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)
        j = service.pack.jurisdiction
        try:
            try:
                channel = Channel(body.channel)
            except ValueError:
                raise invalid("channel", body.channel) from None
            try:
                priority = Priority(body.priority)
            except ValueError:
                raise invalid("priority", body.priority) from None
            category = service.check_category(body.category)
            description = plain_text("description", body.description, limit=MAX_DESCRIPTION, required=True)
            title = plain_text("title", body.title, limit=MAX_TITLE)
            loc = body.location
            location = resolve_location(
                j,
                lat=loc.get("lat"),
                lon=loc.get("lon"),
                address=loc.get("address"),
                unit_code=loc.get("unit_code"),
            )
            c = body.contact
            unknown = set(c) - {"name", "phone", "email"}
            if unknown:
                raise invalid("contact", f"unknown field {sorted(unknown)[0][:30]}")
            contact = Contact(
                name=plain_text("name", c.get("name"), limit=MAX_NAME),
                phone=plain_text("phone", c.get("phone"), limit=40),
                email=plain_text("email", c.get("email"), limit=254),
            )
            received_at = received_time(body.received_at, service.now())
        except DomainError as error:
            raise from_domain(error) from None
        fingerprint = HubService.fingerprint("", "intake", body.model_dump())
        answer = service.intake(
            principal,
            body.idempotency_key,
            fingerprint,
            Intake(
                channel=channel,
                category=category,
                description=description,
                location=location,
                contact=contact,
                title=title,
                priority=priority,
                received_at=received_at,
            ),
        )
        response = _json(answer.body, answer.status)
        if answer.replayed:
            response.headers["Idempotent-Replay"] = "true"
        return response

    @router.post("/reports/{number}/actions/{action}")
    def act(principal: Auth, number: str, action: str, body: ActionIn) -> Response:
        try:
            answer = service.act(
                principal,
                number,
                action,
                key=body.idempotency_key,
                base_version=body.base_version,
                payload=body.payload,
            )
        except HubError as error:
            if error.status in (403, 409, 422):
                service.audit_refusal(principal, action[:64], number[:100], error)
            raise
        response = _json(answer.body, answer.status)
        if answer.replayed:
            response.headers["Idempotent-Replay"] = "true"
        return response

    # -- attachments ----------------------------------------------------------------------------------

    @router.post("/reports/{number}/attachments")
    async def upload(
        request: Request,
        number: str,
        principal: Auth,
        stage: Annotated[str, Query(max_length=20)] = "report",
    ) -> Response:
        data = await request.body()
        if not data:
            raise invalid("attachments", "empty body")
        content_type = sniff(data)
        if content_type is None or content_type not in settings.allowed_attachment_types:
            raise HubError(415, "attachment.type", field="attachments")
        check_pixels(data, settings.max_photo_pixels)
        result = await run_in_threadpool(service.add_attachment, principal, number, stage, data, content_type)
        return _json(result, 201)

    @router.get("/attachments/{ident}")
    def download(principal: Auth, ident: str) -> Response:
        content_type, data = service.attachment(principal, ident)
        return Response(
            data,
            media_type=content_type,
            headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"},
        )

    # -- statistics and events ----------------------------------------------------------------------

    @router.get("/stats")
    def stats(principal: Auth) -> Response:
        return _json(service.stats(principal))

    @router.get("/events")
    async def events(
        request: Request,
        authorization: Annotated[str | None, Header()] = None,
        x_console_id: Annotated[str | None, Header()] = None,
    ) -> Response:
        principal = await run_in_threadpool(current, request, authorization, x_console_id)
        token = bearer(authorization)
        expires = await run_in_threadpool(service.token_expires_at, token)
        sub = await broadcaster.subscribe_fresh(principal, secret_hash(token))
        head = broadcaster.last
        heartbeat = settings.heartbeat_interval

        async def stream() -> AsyncIterator[str]:
            # The stream ends at once when its token is revoked here (sign-out, the user disabled)
            # or expires; a revocation by another hub process is noticed at the next heartbeat,
            # which comes even while changes keep flowing.
            loop = asyncio.get_running_loop()
            checked = loop.time()
            bye = sse("bye", {"reason": "auth.required"})
            try:
                yield sse("hello", {"seq": head, "role": principal.role.value, "agency": principal.agency})
                while True:
                    left = heartbeat if expires is None else (expires - service.now()).total_seconds()
                    if left <= 0:
                        yield bye
                        return
                    try:
                        item = await asyncio.wait_for(sub.queue.get(), timeout=min(heartbeat, left))
                    except TimeoutError:
                        item = ""
                    if item is None:
                        return
                    if item == REVOKED:
                        yield bye
                        return
                    if not item or loop.time() - checked >= heartbeat:
                        still = await run_in_threadpool(service.authenticate, token, principal.console_id)
                        checked = loop.time()
                        if still is None:
                            yield bye
                            return
                    yield item or ": keep-alive\n\n"
            finally:
                broadcaster.unsubscribe(sub)

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    # -- administration ----------------------------------------------------------------------------

    @router.get("/admin/users")
    def users(principal: Admin) -> Response:
        return _json(service.list_users())

    @router.post("/admin/users")
    def add_user(principal: Admin, body: UserIn) -> Response:
        try:
            role = Role(body.role)
        except ValueError:
            raise invalid("role", body.role) from None
        if role not in STAFF_ROLES:
            raise invalid("role", body.role)
        try:
            user = service.add_user(
                body.name, role, body.agency, body.password, display_name=body.display_name, by=principal
            )
        except DomainError as error:
            raise from_domain(error) from None
        return _json(user, 201)

    @router.patch("/admin/users/{name}")
    def update_user(principal: Admin, name: str, body: UserPatch) -> Response:
        try:
            answer = _json(service.update_user(principal, name, body.model_dump(exclude_unset=True)))
        except DomainError as error:
            raise from_domain(error) from None
        if body.model_dump(exclude_unset=True).get("active") is False:
            broadcaster.revoke(user=name)  # a disabled user's streams end now
        return answer

    @router.get("/admin/channels")
    def channels(principal: Admin) -> Response:
        return _json(service.list_channels())

    @router.post("/admin/channels")
    def add_channel(principal: Admin, body: ChannelIn) -> Response:
        try:
            kind = Channel(body.kind)
        except ValueError:
            raise invalid("channel", body.kind) from None
        try:
            return _json(service.add_channel(body.name, kind, by=principal), 201)
        except DomainError as error:
            raise from_domain(error) from None

    @router.post("/admin/channels/{name}/disable")
    def disable_channel(principal: Admin, name: str) -> Response:
        return _json(service.set_channel_active(principal, name, False))

    @router.post("/admin/channels/{name}/enable")
    def enable_channel(principal: Admin, name: str) -> Response:
        return _json(service.set_channel_active(principal, name, True))

    @router.put("/admin/pack")
    def put_pack(principal: Admin, body: PackIn) -> Response:
        from ioc_console.domain.jurisdiction import PackError
        from ioc_console.hub.db import DatabaseError, store_pack

        try:
            j = load_files(body.files)
        except PackError as error:
            raise HubError(422, "pack.invalid", field="files", detail=error.message("en")) from None
        except DatabaseError as error:
            raise HubError(422, "pack.invalid", field="files", detail=str(error)) from None
        with service.db.write() as conn:
            revision = store_pack(
                conn, body.files, jurisdiction_id=j.id, name=j.name, by=principal.name, at=service.now()
            )
            service.audit(
                conn,
                who=principal.name,
                role=principal.role,
                console=principal.console_id,
                action="pack.load",
                target=j.id,
                outcome=200,
                detail={"revision": revision},
            )
        service.refresh_pack()
        return _json({"revision": revision, "id": j.id, "name": j.name})

    @router.get("/audit")
    def audit(
        principal: Auth,
        after: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> Response:
        principal.require(Role.ADMIN, Role.SUPERVISOR)
        return _json(service.audit_log(after, limit))

    return router

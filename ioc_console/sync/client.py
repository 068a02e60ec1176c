"""The hub's staff API as async calls (httpx): sign-in, the change feed, reports, actions, live events.

Every call either returns typed, checked data (:mod:`ioc_console.sync.wire`) or raises one of the
errors of :mod:`ioc_console.sync.errors`; no httpx exception leaves this module. TLS certificates are
always verified, against the system's trust store or an organisation's own CA bundle; plain HTTP is
accepted only for a hub on this machine (the embedded demo hub and the tests).

    client = HubClient("https://hub.example.vn", console_id=console_id, ca_bundle=path)
    session = await client.login("lan.nt", password)   # client.token is set
    page = await client.feed(after=cursor)
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import ssl
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import quote

import httpx

from ioc_console import __version__
from ioc_console.domain.lifecycle import Action
from ioc_console.domain.report import Contact, Report
from ioc_console.domain.versions import CONSOLE_HEADER
from ioc_console.sync.errors import (
    CertificateError,
    HubBusy,
    HubRefused,
    HubUnavailable,
    MalformedAnswer,
    NotFound,
    refused,
)
from ioc_console.sync.wire import (
    ActionResult,
    FeedPage,
    ServerEvent,
    Session,
    UserInfo,
    WireError,
    decode_action_result,
    decode_contact,
    decode_event_data,
    decode_feed_page,
    decode_refusal,
    decode_report,
    decode_session,
    decode_user,
)

API: Final = "/api/v1"
#: Pages larger than this are parsed on a worker thread, so the event loop (the GUI's) stays free.
_THREAD_PARSE_BYTES: Final = 64 * 1024
_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

T = TypeVar("T")


def tls_context(ca_bundle: Path | str | None = None) -> ssl.SSLContext:
    """A verifying TLS context: the system's trust store, or only ``ca_bundle`` when given."""
    if ca_bundle is None:
        return ssl.create_default_context()
    path = Path(ca_bundle)
    if not path.is_file():
        raise FileNotFoundError(f"CA bundle not found: {path}")
    return ssl.create_default_context(cafile=str(path))


def check_hub_url(url: str, *, allow_insecure: bool = False) -> str:
    """The hub's base URL, normalised (no trailing slash); HTTPS unless the hub is on this machine."""
    parsed = httpx.URL(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"not an http(s) address: {url!r}")
    if parsed.scheme == "http" and parsed.host not in _LOOPBACK and not allow_insecure:
        raise ValueError(f"the hub must be reached over HTTPS: {url!r}")
    return str(parsed).rstrip("/")


def on_this_machine(url: str) -> bool:
    """Whether the hub at ``url`` runs on this machine (a loopback address or ``localhost``)."""
    host = httpx.URL(url).host
    if host in _LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _retry_after(value: str | None) -> int | None:
    """A ``Retry-After`` header given in seconds (the hub's form), or None."""
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _is_certificate_problem(error: BaseException) -> str | None:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return current.verify_message or str(current)
        if isinstance(current, ssl.SSLError):
            return str(current)
        current = current.__cause__ or current.__context__
    return None


#: The media types of basemap tiles the console shows.
BASEMAP_MEDIA: Final = frozenset({"image/png", "image/jpeg", "image/webp"})


@dataclass(frozen=True)
class BasemapInfo:
    """What the hub says of the basemap it serves (its tiles: :meth:`HubClient.basemap_tile`)."""

    name: str
    attribution: str
    format: str
    min_zoom: int | None
    max_zoom: int | None


def _zoom(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 30:
        raise ValueError(f"zoom {value!r}")
    return value


class HubClient:
    """One signed-in console's connection to the hub.

    ``transport`` replaces httpx's own (the tests inject faults with it); when it is given, TLS is
    the transport's business. ``token`` may be set later (:meth:`login` sets it). ``compress``:
    whether to ask the hub for compressed answers (gzip); by default only when it is not on this
    machine. Over a network a first sync's pages arrive about six times smaller; on this machine
    compressing and decompressing them would only cost the time of both.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        console_id: str = "",
        ca_bundle: Path | str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 20.0,
        stream_timeout: float = 45.0,
        allow_insecure: bool = False,
        trust_env: bool = True,
        compress: bool | None = None,
    ) -> None:
        self.base_url = check_hub_url(base_url, allow_insecure=allow_insecure)
        self.token = token
        self.console_id = console_id
        self.stream_timeout = stream_timeout
        if compress is None:
            compress = not on_this_machine(self.base_url)
        headers = {
            "Accept": "application/json",
            "Accept-Encoding": "gzip" if compress else "identity",
            "User-Agent": f"ioc-console/{__version__}",
            CONSOLE_HEADER: __version__,
        }
        if console_id:
            headers["X-Console-Id"] = console_id
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            verify=tls_context(ca_bundle),
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            trust_env=trust_env,
            follow_redirects=False,
        )

    # -- plumbing -----------------------------------------------------------------------------------

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def _unavailable(self, error: BaseException) -> HubUnavailable:
        problem = _is_certificate_problem(error)
        if problem is not None:
            return CertificateError(self.base_url, problem)
        detail = str(error) or type(error).__name__
        return HubUnavailable(self.base_url, detail[:200])

    async def _request(self, method: str, path: str, **options: Any) -> httpx.Response:
        headers = {**self._auth(), **options.pop("headers", {})}
        try:
            response = await self._http.request(method, API + path, headers=headers, **options)
        except httpx.DecodingError as error:
            # (a compressed answer that does not decompress: damaged on the way, or not the hub's)
            raise MalformedAnswer(WireError("body", f"cannot decompress the answer: {error}")) from error
        except httpx.HTTPError as error:
            raise self._unavailable(error) from error
        except ssl.SSLError as error:
            raise self._unavailable(error) from error
        self._check(response)
        return response

    def _check(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 300:
            return
        if status in (429, 503):
            try:
                busy = decode_refusal(status, response.content)
            except WireError:
                busy = None
            if busy is not None and (busy.message_vi or busy.message_en):
                raise HubBusy(self.base_url, busy, _retry_after(response.headers.get("retry-after")))
        if status >= 500 or status in (408, 429) or status < 400:
            raise HubUnavailable(self.base_url, f"HTTP {status}", status=status)
        try:
            refusal = decode_refusal(status, response.content)
        except WireError as error:
            raise MalformedAnswer(error) from error
        raise refused(refusal)

    @staticmethod
    async def _decode(read: Any, body: bytes, *args: Any) -> Any:
        try:
            if len(body) > _THREAD_PARSE_BYTES:
                return await asyncio.to_thread(read, body, *args)
            return read(body, *args)
        except WireError as error:
            raise MalformedAnswer(error) from error

    # -- session ------------------------------------------------------------------------------------

    async def login(self, username: str, password: str) -> Session:
        """Sign in; the token is kept for the following calls. Wrong credentials: :class:`Unauthorized`."""
        response = await self._request(
            "POST", "/auth/login", json={"username": username, "password": password}, headers={}
        )
        session: Session = await self._decode(decode_session, response.content)
        self.token = session.token
        return session

    async def logout(self) -> None:
        """End the session on the hub (the token stops working). Best effort when offline."""
        if not self.token:
            return
        try:
            await self._request("POST", "/auth/logout")
        finally:
            self.token = None

    async def me(self) -> UserInfo:
        response = await self._request("GET", "/auth/me")
        user: UserInfo = await self._decode(decode_user, response.content)
        return user

    async def contact(self, number: str) -> Contact:
        """A report's citizen contact, for a call. The hub keeps who read it and when; the console
        shows it and keeps it nowhere."""
        response = await self._request("GET", f"/reports/{quote(number, safe='')}/contact")
        contact: Contact = await self._decode(decode_contact, response.content)
        return contact

    async def basemap(self) -> BasemapInfo | None:
        """The basemap the hub serves its consoles, or None when it has none."""
        try:
            response = await self._request("GET", "/basemap")
        except NotFound:
            return None
        try:
            body = json.loads(response.content)
            fmt = str(body["format"])
            if fmt not in ("png", "jpg", "jpeg", "webp"):
                raise ValueError(f"format {fmt!r}")
            return BasemapInfo(
                name=str(body.get("name") or ""),
                attribution=str(body.get("attribution") or ""),
                format=fmt,
                min_zoom=_zoom(body.get("minzoom")),
                max_zoom=_zoom(body.get("maxzoom")),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise MalformedAnswer(WireError("basemap", str(error))) from error

    async def basemap_tile(self, z: int, x: int, y: int) -> tuple[bytes, str] | None:
        """One tile of the hub's basemap (XYZ numbering) and its media type; None where it has none."""
        try:
            response = await self._request("GET", f"/basemap/{int(z)}/{int(x)}/{int(y)}")
        except NotFound:
            return None
        media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media not in BASEMAP_MEDIA:
            raise MalformedAnswer(WireError("basemap tile", f"not an image ({media or 'no type'})"))
        return response.content, media

    async def jurisdiction(self) -> tuple[int, str, dict[str, str]]:
        """The hub's jurisdiction pack: (revision, sha256, {file name: text})."""
        response = await self._request("GET", "/jurisdiction")
        try:
            body = json.loads(response.content)
            files = body["files"]
            if not isinstance(files, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in files.items()
            ):
                raise TypeError("files")
            return int(body["revision"]), str(body["sha256"]), files
        except (ValueError, KeyError, TypeError) as error:
            raise MalformedAnswer(WireError("jurisdiction", str(error))) from error

    # -- reports --------------------------------------------------------------------------------------

    async def feed(self, after: int, limit: int = 2000) -> FeedPage:
        """The changes after ``after`` (at most ``limit``; the hub may give fewer)."""
        response = await self._request("GET", "/feed", params={"after": str(after), "limit": str(limit)})
        page: FeedPage = await self._decode(decode_feed_page, response.content)
        if page.cursor < after:
            raise MalformedAnswer(WireError("cursor", f"cursor {page.cursor} went back from {after}"))
        return page

    async def feed_bytes(self, after: int, limit: int = 2000) -> bytes:
        """A feed page as the hub sent it (status checked, not parsed): for a caller that parses it
        on its own worker thread (:func:`~ioc_console.sync.wire.decode_feed_page`)."""
        response = await self._request("GET", "/feed", params={"after": str(after), "limit": str(limit)})
        return response.content

    async def report(self, number: str) -> Report:
        response = await self._request("GET", f"/reports/{quote(number, safe='')}")
        report: Report = await self._decode(decode_report_body, response.content)
        return report

    async def act(
        self,
        number: str,
        action: Action,
        *,
        key: str,
        base_version: int,
        payload: Mapping[str, Any],
    ) -> ActionResult:
        """Take one action. A replay of ``key`` returns the hub's first answer (``replayed``)."""
        response = await self._request(
            "POST",
            f"/reports/{quote(number, safe='')}/actions/{action.value}",
            json={"idempotency_key": key, "base_version": base_version, "payload": dict(payload)},
        )
        replayed = response.headers.get("Idempotent-Replay", "").lower() == "true"
        result: ActionResult = await self._decode(decode_action_result, response.content, replayed)
        return result

    async def upload_attachment(self, number: str, data: bytes, content_type: str, stage: str) -> str:
        """Upload a photo for report ``number`` (``stage``: report, progress or result); the hub's id
        for it, to list under ``attachments`` in the action that attaches it."""
        response = await self._request(
            "POST",
            f"/reports/{quote(number, safe='')}/attachments",
            params={"stage": stage},
            content=data,
            headers={"Content-Type": content_type},
        )
        try:
            ident = json.loads(response.content)["id"]
            if not isinstance(ident, str) or not ident:
                raise TypeError("id")
        except (ValueError, KeyError, TypeError) as error:
            raise MalformedAnswer(WireError("attachment", str(error))) from error
        return ident

    async def intake(self, *, key: str, payload: Mapping[str, Any]) -> ActionResult:
        """Hand a new report typed in at the console (a hotline call) to the hub's staff intake; the
        answer holds it with the number the hub gave it. A replay of ``key`` returns the first
        answer: the same report, never a second one."""
        body = {**dict(payload), "idempotency_key": key}
        response = await self._request("POST", "/reports", json=body)
        replayed = response.headers.get("Idempotent-Replay", "").lower() == "true"
        result: ActionResult = await self._decode(decode_action_result, response.content, replayed)
        return result

    # -- live events ----------------------------------------------------------------------------------

    async def events(self) -> AsyncIterator[ServerEvent]:
        """The hub's live event stream, message by message, until it ends or fails.

        Ends normally when the hub closes the stream; raises :class:`HubUnavailable` when the
        connection breaks or stays silent longer than ``stream_timeout`` (the hub sends a comment
        every 15 s), :class:`Unauthorized` when the session is gone.
        """
        timeout = httpx.Timeout(self.stream_timeout, connect=10.0)
        headers = {**self._auth(), "Accept": "text/event-stream", "Cache-Control": "no-cache"}
        try:
            async with self._http.stream(
                "GET", API + "/events", headers=headers, timeout=timeout
            ) as response:
                if response.status_code >= 300:
                    await response.aread()
                    self._check(response)
                async for event in _sse(response.aiter_lines()):
                    yield event
        except httpx.HTTPError as error:
            raise self._unavailable(error) from error
        except ssl.SSLError as error:
            raise self._unavailable(error) from error

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> HubClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def decode_report_body(body: bytes | str) -> Report:
    try:
        doc = json.loads(body)
    except ValueError:
        raise WireError("", "the report is not JSON") from None
    return decode_report(doc, "")


async def _sse(lines: AsyncIterator[str]) -> AsyncIterator[ServerEvent]:
    """Server-sent events from a stream of lines (the ``text/event-stream`` format)."""
    event = ""
    data: list[str] = []
    ident: str | None = None
    async for line in lines:
        if not line:
            if data or event:
                try:
                    yield decode_event_data(event or "message", "\n".join(data), ident)
                except WireError as error:
                    raise MalformedAnswer(error) from error
            event, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        elif name == "id":
            ident = value


__all__ = ["API", "HubClient", "HubRefused", "check_hub_url", "tls_context"]

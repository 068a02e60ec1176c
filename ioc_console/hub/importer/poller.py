"""Asking another Open311 server for its requests, and handing them to a sink.

One poll of a source (:meth:`Poller.poll_once`) reads from the source's cursor (kept in
:class:`.state.ImportState`) up to now:

* ``mode="window"`` (the specification): ``start_date``/``end_date`` windows of at most 90 days (the
  specification's cap), oldest first; the cursor moves to the end of each window once all its pages
  are in. Each poll starts ``overlap`` before the cursor, so requests a server files late are not
  missed (requests read twice are recognised and left alone).
* ``mode="updated"`` (the ``updated_after`` extension of FixMyStreet and others): everything
  updated after the cursor; the cursor becomes the newest ``updated_datetime`` seen.

Pages use the ``page``/``page_size`` extension; reading stops at a short page, or at a page that
repeats the previous one (a server that ignores ``page``). Failed requests (network errors, 429 and
5xx answers) are retried with exponential backoff and jitter, honouring ``Retry-After``. A body that
cannot be read, or an error answer, stops the poll with :class:`ImportFailed` naming the source, the
address and the position; what was stored before stays, and the cursor stays at the last complete
window, so the next poll resumes there.

The cursor never moves past a request that was read but not stored (a code the service map does not
know, a record that cannot be read, a request the hub refused): the next poll reads it again, and
what was stored meanwhile is recognised and left alone. A first run without a service map, which
only lists the codes a source uses, therefore leaves the cursor where it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import httpx

from ioc_console.hub.importer.mapping import ServiceMap
from ioc_console.hub.importer.parse import (
    FORMATS,
    Format,
    Parsed,
    ParseError,
    RemoteError,
    ServiceRequest,
    parse_error_body,
    parse_requests,
)
from ioc_console.hub.importer.rules import Tolerated
from ioc_console.hub.importer.sink import ExternalFields, ImportRefused, ImportSink, SinkNote, summarise
from ioc_console.hub.importer.state import ImportState

Mode = Literal["window", "updated"]
#: The specification: "start_date and end_date ... may not span more than 90 days".
SPEC_WINDOW = timedelta(days=90)
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
USER_AGENT = "ioc-hub-open311-import/1"


@dataclass(frozen=True)
class Source:
    """One external GeoReport v2 server and how to read it."""

    #: The key of its cursor and links (keep it stable).
    name: str
    #: Base address of the endpoint, ending with "/": ``{endpoint}requests.{fmt}`` is asked.
    endpoint: str
    fmt: Format = "json"
    jurisdiction_id: str | None = None
    #: The zone of the source's times written without one.
    zone: tzinfo = UTC
    mode: Mode = "window"
    #: None: no paging parameters are sent (one answer per window).
    page_size: int | None = 100
    window: timedelta = SPEC_WINDOW
    overlap: timedelta = timedelta(days=1)
    #: How far back the first poll goes when no start is given.
    first_span: timedelta = SPEC_WINDOW
    max_pages: int = 1000
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_body_bytes: int = 20_000_000
    params: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ValueError(f"format {self.fmt!r}: use json or xml")
        if self.mode not in ("window", "updated"):
            raise ValueError(f"mode {self.mode!r}: use window or updated")
        if not timedelta(0) < self.window <= SPEC_WINDOW:
            raise ValueError("the window must be longer than 0 and at most 90 days")
        if self.page_size is not None and self.page_size < 1:
            raise ValueError("page_size must be at least 1")
        if not self.endpoint.endswith("/"):
            raise ValueError("the endpoint must end with /")


def source_from_url(
    url: str, *, name: str | None = None, fmt: Format | None = None, **options: object
) -> Source:
    """A source from a server's address: its endpoint (``https://city.example/open311/v2``) or its
    requests address (``https://city.example/open311/v2/requests.xml``, which also gives the format)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) address")
    path = parts.path
    tail = path.rsplit("/", 1)[-1]
    for suffix in FORMATS:
        if tail == f"requests.{suffix}":
            path = path[: -len(tail)]
            fmt = fmt or suffix
    if not path.endswith("/"):
        path += "/"
    endpoint = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    default_name = f"{parts.netloc}{path.rstrip('/')}"
    return Source(name=name or default_name, endpoint=endpoint, fmt=fmt or "json", **options)  # type: ignore[arg-type]


def w3c(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class ImportReport:
    """What one poll did, for the administrator."""

    source: str
    cursor_before: datetime | None = None
    cursor_after: datetime | None = None
    windows: int = 0
    pages: int = 0
    retries: int = 0
    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Requests of codes the map does not know that were left out: code → (service name, count).
    unmapped: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: Requests of codes the map does not know that took the map's ``unmapped`` category.
    defaulted: dict[str, tuple[str, int]] = field(default_factory=dict)
    record_errors: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    notes: list[SinkNote] = field(default_factory=list)
    stops: list[str] = field(default_factory=list)
    tolerated: Tolerated = field(default_factory=Tolerated)

    @property
    def left_out(self) -> int:
        """Requests read but not stored: of unmapped codes, unreadable, or refused by the hub."""
        return sum(n for _, n in self.unmapped.values()) + len(self.record_errors) + len(self.refused)

    @staticmethod
    def _count(table: dict[str, tuple[str, int]], code: str, name: str) -> None:
        _, n = table.get(code, (name, 0))
        table[code] = (name, n + 1)

    def lines(self) -> list[str]:
        """The report in words, Vietnamese first."""
        out = [
            f"Nguồn / source {self.source}: "
            f"nhận / received {self.received}, thêm mới / created {self.created}, "
            f"cập nhật / updated {self.updated}, không đổi / unchanged {self.unchanged}, "
            f"bỏ qua / left out {self.left_out}",
            f"  {self.windows} khoảng thời gian / windows, {self.pages} trang / pages, "
            f"{self.retries} lần thử lại / retries; con trỏ / cursor "
            f"{self.cursor_before.isoformat() if self.cursor_before else '-'} → "
            f"{self.cursor_after.isoformat() if self.cursor_after else '-'}",
        ]
        for title, table in (
            ("Mã dịch vụ chưa ánh xạ, bỏ qua / unmapped service codes, left out", self.unmapped),
            (
                "Mã dịch vụ chưa ánh xạ, đưa vào lĩnh vực mặc định / unmapped, given the default category",
                self.defaulted,
            ),
        ):
            if table:
                out.append(f"  {title}:")
                out += [f"    {code} ({name}): {n}" for code, (name, n) in sorted(table.items())]
        if self.record_errors:
            out.append("  Bản ghi không đọc được / records that could not be read:")
            out += [f"    {line}" for line in self.record_errors]
        if self.refused:
            out.append("  Bản ghi bị từ chối / records the hub refused:")
            out += [f"    {line}" for line in self.refused]
        if self.notes:
            out.append("  Ghi chú / notes:")
            out += [f"    {line}" for line in summarise(self.notes)]
        if self.stops:
            out += [f"  {line}" for line in self.stops]
        if self.tolerated.counts:
            out.append("  Sai lệch đã chấp nhận (quy tắc) / tolerated defects (rules):")
            out += [f"    {line}" for line in self.tolerated.lines()]
        return out


class ImportFailed(Exception):
    """A poll stopped: the source, the address asked and the cause (with its position when known)."""

    def __init__(self, source: str, url: str, cause: str | Exception, report: ImportReport) -> None:
        self.source = source
        self.url = url
        self.cause = cause
        self.report = report
        super().__init__(str(self))

    def __str__(self) -> str:
        cause = str(self.cause)
        if isinstance(self.cause, ParseError | RemoteError):
            return f"{self.source}: {cause}"
        return f"{self.source}: GET {self.url}: {cause}"


class _Retryable(Exception):
    def __init__(self, problem: str, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class Poller:
    """Polls one source into a sink."""

    def __init__(
        self,
        source: Source,
        sink: ImportSink,
        state: ImportState,
        service_map: ServiceMap,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.source = source
        self.sink = sink
        self.state = state
        self.map = service_map
        self.transport = transport
        self.clock = clock
        self.sleep = sleep
        self.jitter = jitter

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self.transport,
            timeout=self.source.timeout,
            follow_redirects=True,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "application/json" if self.source.fmt == "json" else "text/xml",
            },
        )

    # -- one poll ------------------------------------------------------------------------------------------

    async def poll_once(self, since: datetime | None = None) -> ImportReport:
        """Read the source from ``since`` (or its cursor) up to now into the sink."""
        src = self.source
        report = ImportReport(src.name)
        now = self.clock()
        cursor = self.state.cursor(src.name)
        report.cursor_before = cursor
        if since is not None:
            start = since if since.tzinfo is not None else since.replace(tzinfo=src.zone)
        elif cursor is not None:
            start = cursor - src.overlap
        else:
            start = now - src.first_span
        async with self._client() as client:
            if src.mode == "window":
                # In UTC: 90 days in a zone with summer time can be 90 days and an hour.
                window_start = start.astimezone(UTC)
                while window_start < now:
                    window_end = min(window_start + src.window, now)
                    await self._pages(
                        client, {"start_date": w3c(window_start), "end_date": w3c(window_end)}, report
                    )
                    if not report.left_out:
                        self.state.set_cursor(src.name, window_end)
                    report.windows += 1
                    window_start = window_end
            else:
                newest = await self._pages(client, {"updated_after": w3c(start)}, report)
                report.windows += 1
                if report.left_out:
                    pass  # read again next time, from where the cursor stands
                elif newest is not None:
                    self.state.set_cursor(src.name, max(newest, cursor) if cursor else newest)
                elif cursor is None:
                    self.state.set_cursor(src.name, start)
        report.cursor_after = self.state.cursor(src.name)
        return report

    async def _pages(
        self, client: httpx.AsyncClient, base: dict[str, str], report: ImportReport
    ) -> datetime | None:
        """Every page of one query; returns the newest update time seen."""
        src = self.source
        size = src.page_size
        previous: tuple[str, ...] | None = None
        newest: datetime | None = None
        page = 1
        while True:
            params = {**src.params, **base}
            if src.jurisdiction_id:
                params["jurisdiction_id"] = src.jurisdiction_id
            if size is not None:
                params.update(page=str(page), page_size=str(size))
            body, url = await self._fetch(client, "requests", params, report)
            try:
                parsed: Parsed[ServiceRequest] = await asyncio.to_thread(
                    parse_requests, body, src.fmt, source=url, zone=src.zone
                )
            except (ParseError, RemoteError) as error:
                raise ImportFailed(src.name, url, error, report) from error
            report.pages += 1
            report.tolerated.merge(parsed.tolerated)
            report.record_errors += [str(e) for e in parsed.errors]
            ids = tuple(item.service_request_id for item in parsed.items)
            if previous is not None and ids and ids == previous:
                report.stops.append(
                    f"page {page} repeats page {page - 1}: the server does not page; stopped ({url})"
                )
                break
            await asyncio.to_thread(self._take, parsed.items, report)
            for item in parsed.items:
                moment = item.updated_datetime or item.requested_datetime
                if moment is not None and (newest is None or moment > newest):
                    newest = moment
            if size is None or parsed.records < size:
                break
            if page >= src.max_pages:
                report.stops.append(f"stopped after {page} pages (max_pages) at {url}")
                break
            previous = ids
            page += 1
        return newest

    def _take(self, items: Sequence[ServiceRequest], report: ImportReport) -> None:
        """Hand each request to the sink (on a worker thread: the sink writes to a database)."""
        src = self.source
        for item in items:
            report.received += 1
            code = item.service_code or ""
            category, by_default = self.map.category(item.service_code, item.service_name)
            name = item.service_name or ""
            if category is None:
                report._count(report.unmapped, code, name)
                continue
            if by_default:
                report._count(report.defaulted, code, name)
            fields = ExternalFields.of(item, category)
            known = self.sink.known(src.name, item.service_request_id)
            if known == fields.fingerprint():
                report.unchanged += 1
                continue
            try:
                self.sink.upsert_external(src.name, item.service_request_id, fields)
            except ImportRefused as error:
                report.refused.append(f"{item.service_request_id} ({item.where}): {error}")
                continue
            finally:
                report.notes += self.sink.drain_notes()
            if known is None:
                report.created += 1
            else:
                report.updated += 1

    # -- HTTP ------------------------------------------------------------------------------------------------

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        src = self.source
        if retry_after is not None:
            return min(src.max_backoff, retry_after)
        base = min(src.max_backoff, src.backoff * (2**attempt))
        return float(base * (0.5 + self.jitter() / 2))

    async def _fetch(
        self, client: httpx.AsyncClient, what: str, params: dict[str, str], report: ImportReport
    ) -> tuple[bytes, str]:
        src = self.source
        url = f"{src.endpoint}{what}.{src.fmt}"
        shown = str(httpx.URL(url, params=params))
        attempt = 0
        while True:
            try:
                return await self._get_once(client, url, params), shown
            except _Retryable as problem:
                if attempt >= src.retries:
                    raise ImportFailed(
                        src.name, shown, f"{problem} (after {attempt + 1} attempts)", report
                    ) from None
                delay = self._delay(attempt, problem.retry_after)
                report.retries += 1
                attempt += 1
                await self.sleep(delay)
            except (RemoteError, ValueError) as error:
                raise ImportFailed(src.name, shown, error, report) from error

    async def _get_once(self, client: httpx.AsyncClient, url: str, params: dict[str, str]) -> bytes:
        src = self.source
        try:
            async with client.stream("GET", url, params=params) as response:
                declared = response.headers.get("content-length")
                if declared is not None and declared.isdigit() and int(declared) > src.max_body_bytes:
                    raise ValueError(f"the answer is larger than {src.max_body_bytes} bytes")
                chunks: list[bytes] = []
                total = 0
                async for chunk in response.aiter_bytes():
                    total += len(chunk)
                    if total > src.max_body_bytes:
                        raise ValueError(f"the answer is larger than {src.max_body_bytes} bytes")
                    chunks.append(chunk)
                body = b"".join(chunks)
        except httpx.TransportError as error:
            raise _Retryable(f"{type(error).__name__}: {error or 'no answer'}") from None
        if response.status_code == 200:
            return body
        if response.status_code in RETRY_STATUSES:
            raise _Retryable(
                f"HTTP {response.status_code}", _retry_after(response.headers.get("retry-after"))
            )
        raise parse_error_body(body, src.fmt, source=str(response.url), status=response.status_code)

    # -- polling for ever ----------------------------------------------------------------------------------

    async def run(
        self,
        interval: float,
        on_report: Callable[[ImportReport | ImportFailed], None],
        stop: asyncio.Event,
        since: datetime | None = None,
    ) -> None:
        """Poll every ``interval`` seconds until ``stop`` is set; a failed poll is reported and retried
        at the next interval (from the cursor, which a failure does not move past what was stored)."""
        while not stop.is_set():
            try:
                report = await self.poll_once(since)
            except ImportFailed as failed:
                on_report(failed)  # ``since`` holds until a poll gets through
            else:
                since = None
                on_report(report)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)


__all__ = [
    "SPEC_WINDOW",
    "ImportFailed",
    "ImportReport",
    "Poller",
    "Source",
    "source_from_url",
    "w3c",
]

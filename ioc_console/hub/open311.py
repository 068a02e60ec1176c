"""Open311 GeoReport v2 under ``/open311/v2/``, in JSON and XML, shaped like the specification's examples.

What is published: the category (``service_code``/``service_name``), the description with the
citizen's contact details and anything that looks like a phone number or an e-mail address blanked
out, the place, the status (``open``/``closed``, with the lifecycle's own status in
``extended_attributes``), the agency responsible, the citizen's reply deadline as
``expected_datetime`` and the public reply as ``status_notes`` (blanked like the description; the
letter to the citizen is never published). Never the citizen's name, phone
or e-mail, nor staff notes.

Extensions: ``page``/``page_size`` and ``updated_after``/``updated_before`` on GET requests (as
FixMyStreet and others do), ``extended_attributes`` on requests, FixMyStreet's GET
``servicerequestupdates``, ``address_id`` taking an administrative unit code, and two POSTs a
channel makes for its citizen: ``requests/{id}/rating`` (``satisfied``, ``comment``) and
``requests/{id}/info`` (``info``, when the IOC asked for more), on a request the channel sent
itself, or one whose ``token`` (from the POST's answer) it passes along; each reply is rated once.

Retrying a POST: a channel that timed out sends the request again with the same idempotency key,
in the ``Idempotency-Key`` header or the ``idempotency_key`` form parameter, and gets the first
answer (marked ``Idempotent-Replay: true``) instead of a second report. The same key with a
different request is refused (422).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Select, or_, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from ioc_console.domain.errors import DomainError
from ioc_console.domain.lifecycle import TERMINAL, Action, Status
from ioc_console.domain.redact import redact
from ioc_console.domain.replies import public_reply
from ioc_console.domain.report import Contact, Report
from ioc_console.domain.text import fold, normalize_phone
from ioc_console.hub import schema
from ioc_console.hub.errors import HubError, from_domain
from ioc_console.hub.service import HubService, Intake
from ioc_console.hub.validate import (
    MAX_DESCRIPTION,
    MAX_NAME,
    media_url,
    plain_text,
    resolve_location,
)

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
#: XML element names of list items, by the name of the list.
_ITEM = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "service_requests_updates": "request_update",
}
#: FixMyStreet's update statuses for the lifecycle's statuses.
FMS_STATUS = {
    Status.NEW: "open",
    Status.NEEDS_INFO: "investigating",
    Status.FORWARDED: "action_scheduled",
    Status.IN_PROGRESS: "in_progress",
    Status.RETURNED: "internal_referral",
    Status.RESOLVED: "fixed",
    Status.CLOSED: "closed",
    Status.REJECTED: "no_further_action",
    Status.DUPLICATE: "duplicate",
    Status.REOPENED: "open",
}
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")
_BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
MAX_FIELDS = 200
#: Discovery's ``changeset``: when these endpoints last changed (what clients compare to know whether
#: to read the discovery again). Change it with the endpoints.
ENDPOINTS_CHANGED = "2026-12-05 00:00"


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def describe(error: HubError) -> str:
    vi, en = error.message("vi"), error.message("en")
    text = vi if vi == en else f"{vi} / {en}"
    return f"{error.field}: {text}" if error.field else text


def _bad(error: DomainError | HubError, status: int = 400) -> Open311Error:
    hub = error if isinstance(error, HubError) else from_domain(error)
    return Open311Error(status, describe(hub))


# -- rendering ---------------------------------------------------------------------------------------


#: Characters XML 1.0 cannot carry (controls, lone surrogates, U+FFFE/U+FFFF): one of them in a
#: citizen's text would make the whole document unreadable for every client.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _xml_value(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _xml_value(element, str(key), item)
    elif isinstance(value, list | tuple):
        child = _ITEM.get(name, "item")
        for item in value:
            _xml_value(element, child, item)
    elif value is None:
        pass
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = xml_text(str(value))


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    if isinstance(value, list):
        child = _ITEM.get(root, "item")
        for item in value:
            _xml_value(element, child, item)
    else:
        for key, item in value.items():
            _xml_value(element, str(key), item)
    ET.indent(element)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode").encode()


def render(fmt: str, root: str, value: Any, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(to_xml(root, value), status_code=status, media_type=FORMATS["xml"])
    body = json.dumps(value, ensure_ascii=False).encode()
    return Response(body, status_code=status, media_type=FORMATS["json"])


def error_response(fmt: str, status: int, description: str) -> Response:
    return render(fmt, "errors", [{"code": status, "description": description}], status)


def fmt_of(path: str) -> str:
    return "xml" if path.endswith(".xml") else "json"


# -- public view of a report ----------------------------------------------------------------------


def contact_of(doc: str) -> dict[str, Any]:
    """The citizen's contact in a stored report document (to blank it out of public text)."""
    return dict(json.loads(doc).get("contact") or {})


def _public_update(status: Status, updated_at: datetime, closed_at: datetime | None) -> datetime:
    """The last change the public can see: a closed request's rating, which the public does not see
    change anything, does not move it past the closing."""
    if status in TERMINAL and closed_at is not None and updated_at > closed_at:
        return closed_at
    return updated_at


class View:
    """Renders reports for the public with the current jurisdiction."""

    def __init__(self, service: HubService) -> None:
        pack = service.pack
        self.j = pack.jurisdiction
        self.tz = ZoneInfo(self.j.timezone)

    def time(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        return value.astimezone(self.tz).isoformat(timespec="seconds")

    def request(self, row: Any) -> dict[str, Any]:
        doc = json.loads(row.doc)
        status = Status(row.status)
        category = self.j.categories.get(row.category)
        agency = self.j.agencies.get(row.agency) if row.agency else None
        notes: str | None = None
        if status is Status.CLOSED and doc.get("reply"):
            notes = public_reply(str(doc["reply"]), doc.get("contact") or {})
        elif status is Status.DUPLICATE:
            notes = f"{status.label('vi')}: {doc.get('duplicate_of') or ''}".strip()
        elif status is Status.REJECTED:
            notes = status.label("vi")
        photos = [a for a in doc.get("attachments") or [] if a.get("url", "").startswith("http")]
        location = doc.get("location") or {}
        due = row.due_at if status not in (Status.REJECTED, Status.DUPLICATE) else None
        return {
            "service_request_id": row.number,
            "status": status.open311,
            "status_notes": notes,
            "service_name": category.name if category else row.category,
            "service_code": row.category,
            "description": redact(str(doc.get("description") or ""), doc.get("contact") or {}) or None,
            "agency_responsible": agency.name if agency else None,
            "service_notice": None,
            "requested_datetime": self.time(row.received_at),
            "updated_datetime": self.time(_public_update(status, row.updated_at, row.closed_at)),
            "expected_datetime": self.time(due),
            "address": redact(str(location.get("address") or ""), doc.get("contact") or {}) or None,
            "address_id": row.unit_code,
            "zipcode": None,
            "lat": row.lat,
            "long": row.lon,
            "media_url": photos[0]["url"] if photos else None,
            "extended_attributes": {
                "status": status.extended,
                "status_label": status.label("vi"),
                "channel": row.channel,
                "unit_name": self.j.units[row.unit_code].name if row.unit_code in self.j.units else None,
            },
        }


def service_definition_of(category: Any) -> dict[str, Any]:
    """A category's Open311 service definition; its attributes when the pack gives it some."""
    attributes = []
    for order, attribute in enumerate(getattr(category, "attributes", ()) or (), start=1):
        attributes.append(
            {
                "variable": bool(getattr(attribute, "variable", True)),
                "code": getattr(attribute, "code", ""),
                "datatype": getattr(attribute, "datatype", "string"),
                "required": bool(getattr(attribute, "required", False)),
                "datatype_description": getattr(attribute, "datatype_description", None),
                "order": getattr(attribute, "order", order),
                "description": getattr(attribute, "description", ""),
                "values": [{"key": k, "name": n} for k, n in getattr(attribute, "values", ())],
            }
        )
    return {"service_code": category.code, "attributes": attributes}


# -- parameters --------------------------------------------------------------------------------------


def _param(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, UploadFile):
        raise Open311Error(400, f"{name}: a file is not accepted here")
    value = str(value)
    if "\x00" in value:
        raise Open311Error(400, f"{name}: invalid characters")
    return value.strip() or None


def parse_time(name: str, raw: str, tz: ZoneInfo, *, end: bool = False) -> datetime:
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            moment = datetime.combine(day, time.max if end else time.min)
        else:
            moment = datetime.fromisoformat(raw.replace(" ", "T", 1) if "T" not in raw else raw)
    except ValueError:
        raise Open311Error(400, f"{name}: not an ISO 8601 date or time: {raw[:40]!r}") from None
    if not 1900 <= moment.year <= 9000:
        raise Open311Error(400, f"{name}: the year must be between 1900 and 9000")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def _int(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Open311Error(400, f"{name}: not a whole number: {raw[:20]!r}") from None
    if not low <= value <= high:
        raise Open311Error(400, f"{name}: must be between {low} and {high}")
    return value


def _listed(params: Mapping[str, Any], name: str) -> str | None:
    """A list parameter's values, comma-separated or repeated (``status=open&status=closed``)."""
    getlist = getattr(params, "getlist", None)
    if getlist is None:
        return _param(params, name)
    values = [_param({name: v}, name) for v in getlist(name)]
    joined = ",".join(v for v in values if v)
    return joined or None


def _codes(raw: str | None, limit: int = 200) -> list[str]:
    if raw is None:
        return []
    items = [part.strip() for part in raw.split(",") if part.strip()]
    if len(items) > limit:
        raise Open311Error(400, f"at most {limit} values in one list")
    return items


# -- the router ---------------------------------------------------------------------------------------


def build_router(service: HubService) -> APIRouter:
    settings = service.settings
    router = APIRouter(prefix="/open311")

    def check_fmt(fmt: str) -> str:
        if fmt not in FORMATS:
            raise Open311Error(404, f"unknown format {fmt[:10]!r}: use json or xml")
        return fmt

    def check_jurisdiction(params: Mapping[str, Any]) -> None:
        wanted = _param(params, "jurisdiction_id")
        if wanted is not None and wanted != service.pack.jurisdiction.id:
            raise Open311Error(404, f"jurisdiction_id {wanted[:40]!r} is not served here")

    def base_url(request: Request) -> str:
        if settings.public_url:
            return settings.public_url.rstrip("/")
        return str(request.base_url).rstrip("/")

    def discovery(request: Request, fmt: str) -> Response:
        check_fmt(fmt)
        stamp = ENDPOINTS_CHANGED
        body = {
            "changeset": stamp,
            "contact": settings.contact or service.pack.jurisdiction.name,
            "key_service": "API keys are issued by the administrator of the hub (ioc-hub channel add).",
            "endpoints": [
                {
                    "specification": SPEC_URL,
                    "url": base_url(request) + "/open311/v2",
                    "changeset": stamp,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }
        return render(fmt, "discovery", body)

    @router.get("/discovery.{fmt}", include_in_schema=True)
    async def discovery_root(request: Request, fmt: str) -> Response:
        return discovery(request, fmt)

    @router.get("/v2/discovery.{fmt}")
    async def discovery_v2(request: Request, fmt: str) -> Response:
        return discovery(request, fmt)

    @router.get("/v2/services.{fmt}")
    async def services(request: Request, fmt: str) -> Response:
        check_fmt(fmt)
        check_jurisdiction(request.query_params)
        items = []
        for category in service.pack.jurisdiction.active_categories():
            attributes = getattr(category, "attributes", ()) or ()
            items.append(
                {
                    "service_code": category.code,
                    "service_name": category.name,
                    "description": category.description or category.name_en,
                    "metadata": bool(attributes),
                    "type": "realtime",
                    "keywords": ", ".join(k for k in (category.name_en, fold(category.name)) if k),
                    "group": category.group,
                }
            )
        return render(fmt, "services", items)

    @router.get("/v2/services/{code}.{fmt}")
    async def service_definition(request: Request, code: str, fmt: str) -> Response:
        check_fmt(fmt)
        check_jurisdiction(request.query_params)
        category = service.pack.jurisdiction.categories.get(code)
        if category is None or not category.active:
            raise Open311Error(404, f"service_code {code[:40]!r} not found")
        return render(fmt, "service_definition", service_definition_of(category))

    @router.post("/v2/requests.{fmt}")
    async def post_request(request: Request, fmt: str) -> Response:
        check_fmt(fmt)
        try:
            form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_DESCRIPTION * 4)
        except StarletteHTTPException:
            raise  # the body is too large (413)
        except Exception as error:  # a malformed multipart or urlencoded body
            raise Open311Error(400, f"the request body cannot be read: {str(error)[:100]}") from None
        # Some clients send the key in the query string rather than the form.
        key = _param(form, "api_key") or _param(request.query_params, "api_key")
        if key is None:
            raise Open311Error(403, "api_key is required")
        check_jurisdiction(form)

        # A channel that timed out may send the same request again: with the same idempotency key
        # (the Idempotency-Key header, or the idempotency_key parameter) it gets the first answer.
        once = request.headers.get("idempotency-key") or _param(form, "idempotency_key")

        def create() -> tuple[Report, str, str | None, bool]:
            # One trip to the worker threads: the key, the checks and the write.
            channel = service.channel_for_key(key)
            if channel is None:
                raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
            request.state.channel = channel.name  # counted by channel in /metrics
            intake = _intake(service, form, channel.kind)
            try:
                return service.create_channel_report(intake, channel, (once or "").strip() or None)
            except HubError as error:
                raise _bad(error, 422 if error.status == 422 else 400) from None

        report, token, account, replayed = await run_in_threadpool(create)
        due = View(service).time(report.due_at)
        notice = (
            f"Đã tiếp nhận phản ánh số {report.number}; hạn trả lời: {due}. "
            f"Report {report.number} received; reply due by {due}."
        )
        answer = render(
            fmt,
            "service_requests",
            [
                {
                    "service_request_id": report.number,
                    "token": token,
                    "service_notice": notice,
                    "account_id": account,
                }
            ],
            201,
        )
        if replayed:
            answer.headers["Idempotent-Replay"] = "true"
        return answer

    async def channel_step(request: Request, number: str, fmt: str, action: Action) -> Response:
        check_fmt(fmt)
        try:
            form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_DESCRIPTION * 4)
        except StarletteHTTPException:
            raise
        except Exception as error:
            raise Open311Error(400, f"the request body cannot be read: {str(error)[:100]}") from None
        key = _param(form, "api_key")
        channel = await run_in_threadpool(service.channel_for_key, key or "")
        if channel is None:
            raise Open311Error(403, "Invalid api_key received -- can't proceed.")
        request.state.channel = channel.name
        if action is Action.RATE:
            raw = (_param(form, "satisfied") or "").lower()
            if raw not in _BOOLEANS:
                raise Open311Error(400, "satisfied: use true or false / Cần cho biết có hài lòng không")
            payload: dict[str, Any] = {"satisfied": _BOOLEANS[raw], "comment": _param(form, "comment") or ""}
        else:
            payload = {"info": _param(form, "info") or ""}
        presented = _param(form, "token")
        try:
            await run_in_threadpool(
                lambda: service.channel_act(channel, number, action, payload, token=presented)
            )
        except DomainError as error:
            raise _bad(error) from None
        except HubError as error:
            raise _bad(error, error.status if error.status in (403, 404) else 400) from None
        query = select(schema.reports).where(schema.reports.c.number == number)
        rows = await run_in_threadpool(_fetch, service, query)
        return render(fmt, "service_requests", [View(service).request(rows[0])])

    @router.post("/v2/requests/{number}/rating.{fmt}")
    async def post_rating(request: Request, number: str, fmt: str) -> Response:
        """Extension: the citizen's satisfaction with a closed request (``satisfied``, ``comment``)."""
        return await channel_step(request, number, fmt, Action.RATE)

    @router.post("/v2/requests/{number}/info.{fmt}")
    async def post_info(request: Request, number: str, fmt: str) -> Response:
        """Extension: information the citizen supplies when the IOC asked for it (``info``)."""
        return await channel_step(request, number, fmt, Action.PROVIDE_INFO)

    @router.get("/v2/requests.{fmt}")
    async def get_requests(request: Request, fmt: str) -> Response:
        check_fmt(fmt)
        params = request.query_params
        check_jurisdiction(params)
        view = View(service)
        query, size = _requests_query(service, params, view.tz)
        rows = await run_in_threadpool(_fetch, service, query)
        response = render(fmt, "service_requests", [view.request(r) for r in rows[:size]])
        if len(rows) > size:
            # The list was cut: say where the rest is (RFC 8288), as the spec's format has no field.
            page = _int("page", _param(params, "page"), 1, 1, 1_000_000)
            following = request.url.include_query_params(page=page + 1, page_size=size)
            response.headers["Link"] = f'<{following}>; rel="next"'
        return response

    @router.get("/v2/requests/{number}.{fmt}")
    async def get_request(request: Request, number: str, fmt: str) -> Response:
        check_fmt(fmt)
        check_jurisdiction(request.query_params)
        query = select(schema.reports).where(schema.reports.c.number == number)
        rows = await run_in_threadpool(_fetch, service, query)
        if not rows:
            raise Open311Error(404, f"service_request_id {number[:40]!r} not found")
        view = View(service)
        return render(fmt, "service_requests", [view.request(rows[0])])

    @router.get("/v2/tokens/{token}.{fmt}")
    async def get_token(request: Request, token: str, fmt: str) -> Response:
        check_fmt(fmt)
        check_jurisdiction(request.query_params)
        query = select(schema.reports.c.number).where(schema.reports.c.token == token)
        rows = await run_in_threadpool(_fetch, service, query)
        if not rows:
            raise Open311Error(404, f"token {token[:40]!r} not found")
        return render(fmt, "service_requests", [{"service_request_id": rows[0].number, "token": token}])

    @router.get("/v2/servicerequestupdates.{fmt}")
    async def get_updates(request: Request, fmt: str) -> Response:
        check_fmt(fmt)
        params = request.query_params
        check_jurisdiction(params)
        view = View(service)
        query = _updates_query(service, params, view.tz)
        rows = await run_in_threadpool(_fetch, service, query)
        items = []
        for row in rows:
            status = Status(row.to_status)
            items.append(
                {
                    "update_id": str(row.id),
                    "service_request_id": row.number,
                    "status": FMS_STATUS[status],
                    "description": public_reply(row.public_note, contact_of(row.doc)) or status.label("vi"),
                    "updated_datetime": view.time(row.at),
                    "external_status_code": status.extended,
                    "media_url": None,
                }
            )
        return render(fmt, "service_requests_updates", items)

    return router


def _fetch(service: HubService, query: Select[Any]) -> list[Any]:
    with service.db.read() as conn:
        return list(conn.execute(query))


def _window(
    params: Mapping[str, Any], tz: ZoneInfo, default_days: int, *, start_name: str, end_name: str
) -> tuple[datetime | None, datetime | None]:
    start_raw = _param(params, start_name)
    end_raw = _param(params, end_name)
    start = parse_time(start_name, start_raw, tz) if start_raw else None
    end = parse_time(end_name, end_raw, tz, end=True) if end_raw else None
    if start is not None and end is not None:
        if end < start:
            raise Open311Error(400, f"{end_name} is before {start_name}")
        if end - start > timedelta(days=default_days, seconds=1):
            raise Open311Error(400, f"{start_name} to {end_name} may not span more than {default_days} days")
    return start, end


def _requests_query(
    service: HubService, params: Mapping[str, Any], tz: ZoneInfo
) -> tuple[Select[Any], int]:
    """The query of a request list and its page size (it asks for one row more, to tell a cut list)."""
    settings = service.settings
    r = schema.reports
    query = select(r)
    ids = _codes(_listed(params, "service_request_id"))
    if ids:
        # The specification: with service_request_id, every other parameter is ignored.
        return query.where(r.c.number.in_(ids)).order_by(r.c.received_at.desc(), r.c.id.desc()), len(ids)
    days = settings.open311_default_days
    start, end = _window(params, tz, days, start_name="start_date", end_name="end_date")
    after_raw = _param(params, "updated_after")
    before_raw = _param(params, "updated_before")
    updated_after = parse_time("updated_after", after_raw, tz) if after_raw else None
    updated_before = parse_time("updated_before", before_raw, tz, end=True) if before_raw else None
    if start is None and end is None and updated_after is None and updated_before is None:
        end = service.now()
        start = end - timedelta(days=days)
    elif start is not None and end is None:
        end = start + timedelta(days=days)
    elif end is not None and start is None:
        start = end - timedelta(days=days)
    if start is not None:
        query = query.where(r.c.received_at >= start)
    if end is not None:
        query = query.where(r.c.received_at <= end)
    if updated_after is not None:
        query = query.where(r.c.updated_at > updated_after)
    if updated_before is not None:
        query = query.where(r.c.updated_at < updated_before)
    codes = _codes(_listed(params, "service_code"))
    if codes:
        query = query.where(r.c.category.in_(codes))
    statuses = _codes(_listed(params, "status"))
    if statuses:
        wanted: set[str] = set()
        for value in statuses:
            lowered = value.lower()
            if lowered == "open":
                wanted.update(s.value for s in Status if s.open311 == "open")
            elif lowered == "closed":
                wanted.update(s.value for s in Status if s.open311 == "closed")
            elif lowered in {s.value for s in Status}:
                wanted.add(lowered)
            else:
                raise Open311Error(400, f"status {value[:30]!r}: use open, closed or a lifecycle status")
        query = query.where(r.c.status.in_(sorted(wanted)))
    agency = _param(params, "agency_responsible")
    if agency is not None:
        query = query.where(r.c.agency == agency)
    page = _int("page", _param(params, "page"), 1, 1, 1_000_000)
    size = _int(
        "page_size",
        _param(params, "page_size"),
        settings.open311_default_page_size,
        1,
        settings.open311_max_page_size,
    )
    ordered = query.order_by(r.c.received_at.desc(), r.c.id.desc())
    return ordered.limit(size + 1).offset((page - 1) * size), size


#: History steps that the public may follow (status changes and the published reply).
_PUBLIC_ACTIONS = {a.value for a in Action} - {
    Action.LOG_CALL.value,
    Action.SET_PRIORITY.value,
    Action.CLASSIFY.value,
    Action.RELOCATE.value,
    Action.NOTE_PROGRESS.value,
    Action.RATE.value,
    Action.REMIND.value,
}


def _updates_query(service: HubService, params: Mapping[str, Any], tz: ZoneInfo) -> Select[Any]:
    settings = service.settings
    e = schema.events
    r = schema.reports
    start, end = _window(
        params, tz, settings.open311_default_days, start_name="start_date", end_name="end_date"
    )
    if start is None and end is None:
        end = service.now()
        start = end - timedelta(days=settings.open311_default_days)
    elif end is None:
        assert start is not None
        end = start + timedelta(days=settings.open311_default_days)
    elif start is None:
        start = end - timedelta(days=settings.open311_default_days)
    query = (
        select(e.c.id, e.c.at, e.c.to_status, e.c.public_note, r.c.number, r.c.doc)
        .select_from(e.join(r, e.c.report_id == r.c.id))
        .where(e.c.at >= start, e.c.at <= end)
        .where(or_(e.c.action.in_(sorted(_PUBLIC_ACTIONS)), e.c.from_status != e.c.to_status))
    )
    ids = _codes(_listed(params, "service_request_id"))
    if ids:
        query = query.where(r.c.number.in_(ids))
    agency = _param(params, "agency_responsible")
    if agency is not None:
        query = query.where(r.c.agency == agency)
    page = _int("page", _param(params, "page"), 1, 1, 1_000_000)
    size = _int(
        "page_size",
        _param(params, "page_size"),
        settings.open311_default_page_size,
        1,
        settings.open311_max_page_size,
    )
    return query.order_by(e.c.at, e.c.id).limit(size).offset((page - 1) * size)


def _intake(service: HubService, form: FormData, kind: Any) -> Intake:
    j = service.pack.jurisdiction
    try:
        code = _param(form, "service_code")
        if code is None:
            raise Open311Error(400, "service_code is required / Cần mã lĩnh vực (service_code)")
        category = j.categories.get(code)
        if category is None or not category.active:
            # The specification: 404 "service_code ... was not found" (an inactive one is not offered).
            raise Open311Error(404, f"service_code {code[:40]!r} not found")
        service.check_category(code)
        description = plain_text("description", _param(form, "description"), limit=MAX_DESCRIPTION)
        photo = media_url(_param(form, "media_url"), allow_demo=service.settings.demo_media)
        if not description and not photo:
            raise Open311Error(400, "description or media_url is required / Cần nội dung phản ánh")
        location = resolve_location(
            j,
            lat=_param(form, "lat"),
            lon=_param(form, "long"),
            address=_param(form, "address_string"),
            unit_code=_param(form, "address_id"),
            lat_field="lat",
            lon_field="long",
        )
        first = plain_text("name", _param(form, "first_name"), limit=MAX_NAME)
        last = plain_text("name", _param(form, "last_name"), limit=MAX_NAME)
        email = plain_text("email", _param(form, "email"), limit=254)
        if email and not _EMAIL.match(email):
            raise Open311Error(400, f"email {email[:60]!r} is not an e-mail address")
        phone_raw = plain_text("phone", _param(form, "phone"), limit=40)
        phone = normalize_phone(phone_raw)
        if phone_raw and not 8 <= len(phone) <= 15:
            raise Open311Error(400, f"phone {phone_raw!r} is not a phone number")
        account = plain_text("account_id", _param(form, "account_id"), limit=100) or None
        plain_text("device_id", _param(form, "device_id"), limit=100)
        for name in form:
            if name.startswith("attribute["):
                plain_text(name[:60], _param(form, name), limit=1000)
    except DomainError as error:
        raise _bad(error) from None
    except HubError as error:
        raise _bad(error, error.status if error.status in (400, 403, 404) else 400) from None
    return Intake(
        channel=kind,
        category=code,
        description=description,
        location=location,
        contact=Contact(name=" ".join(p for p in (first, last) if p), phone=phone, email=email),
        media_urls=(photo,) if photo else (),
        account_id=account,
    )


__all__ = [
    "FMS_STATUS",
    "Open311Error",
    "View",
    "build_router",
    "describe",
    "error_response",
    "fmt_of",
    "render",
    "service_definition_of",
    "to_xml",
]

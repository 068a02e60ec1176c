"""The staff wire format of a report: plain JSON, the same in the feed, the action answers and intake.

Enums travel as their values, times as ISO 8601 with an offset (UTC), nested records as objects::

    {"number": "2025-000042", "version": 3, "status": "forwarded", "channel": "zalo",
     "category": "env", "description": "...", "title": "", "priority": "normal",
     "location": {"lat": 11.56, "lon": 108.98, "address": "...", "unit_code": "PRT-01"},
     "contact": {"name": "...", "phone": "...", "email": ""},
     "agency": "TNMT", "reply": "", "result": "", "satisfied": null, "rating_comment": "",
     "duplicate_of": null, "received_at": "...", "updated_at": "...", "stage_started_at": "...",
     "due_at": "...", "stage_due_at": "...", "paused_since": null, "paused_seconds": 0.0,
     "closed_at": null, "first_contact_at": null, "forwarded_at": "...",
     "attachments": [{"id", "kind", "content_type", "size", "url", "added_at", "stage"}],
     "history": [{"seq", "at", "actor", "role", "action", "from_status", "to_status", "data"}]}
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from ioc_console.domain.lifecycle import Action, Channel, Priority, Role, Status
from ioc_console.domain.report import Attachment, Contact, Event, Location, Report

WIRE_VERSION = 1


def dt_out(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def dt_in(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError(f"time without an offset: {value!r}")
    return parsed


def _plain(value: Any) -> Any:
    """JSON-safe copy of event data (enums to values, times to ISO strings)."""
    if isinstance(value, Status | Action | Role | Priority | Channel):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Location):
        return location_to_wire(value)
    return value


def location_to_wire(loc: Location) -> dict[str, Any]:
    return {"lat": loc.lat, "lon": loc.lon, "address": loc.address, "unit_code": loc.unit_code}


def location_from_wire(d: dict[str, Any]) -> Location:
    lat = d.get("lat")
    lon = d.get("lon")
    return Location(
        lat=None if lat is None else float(lat),
        lon=None if lon is None else float(lon),
        address=str(d.get("address") or ""),
        unit_code=d.get("unit_code") or None,
    )


def attachment_to_wire(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.id,
        "kind": a.kind,
        "content_type": a.content_type,
        "size": a.size,
        "url": a.url,
        "added_at": dt_out(a.added_at),
        "stage": a.stage,
    }


def attachment_from_wire(d: dict[str, Any]) -> Attachment:
    return Attachment(
        id=str(d["id"]),
        kind=str(d.get("kind") or "photo"),
        content_type=str(d.get("content_type") or ""),
        size=int(d.get("size") or 0),
        url=str(d.get("url") or ""),
        added_at=dt_in(d.get("added_at")),
        stage=str(d.get("stage") or "report"),
    )


def event_to_wire(e: Event) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "role": e.role.value,
        "action": e.action.value,
        "from_status": None if e.from_status is None else e.from_status.value,
        "to_status": e.to_status.value,
        "data": _plain(e.data),
    }


def event_from_wire(d: dict[str, Any]) -> Event:
    at = dt_in(d["at"])
    assert at is not None
    return Event(
        seq=int(d["seq"]),
        at=at,
        actor=str(d["actor"]),
        role=Role(d["role"]),
        action=Action(d["action"]),
        from_status=None if d.get("from_status") is None else Status(d["from_status"]),
        to_status=Status(d["to_status"]),
        data=dict(d.get("data") or {}),
    )


_TIMES = (
    "received_at",
    "updated_at",
    "stage_started_at",
    "due_at",
    "stage_due_at",
    "paused_since",
    "closed_at",
    "first_contact_at",
    "forwarded_at",
)
_TEXTS = ("category", "description", "title", "reply", "result", "rating_comment")


def report_to_wire(r: Report) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": r.number,
        "version": r.version,
        "status": r.status.value,
        "channel": r.channel.value,
        "priority": r.priority.value,
        "agency": r.agency,
        "satisfied": r.satisfied,
        "duplicate_of": r.duplicate_of,
        "paused_seconds": r.paused_seconds,
        "location": location_to_wire(r.location),
        "contact": {"name": r.contact.name, "phone": r.contact.phone, "email": r.contact.email},
    }
    for name in _TEXTS:
        out[name] = getattr(r, name)
    for name in _TIMES:
        out[name] = dt_out(getattr(r, name))
    out["attachments"] = [attachment_to_wire(a) for a in r.attachments]
    out["history"] = [event_to_wire(e) for e in r.history]
    return out


def report_from_wire(d: dict[str, Any]) -> Report:
    contact = d.get("contact") or {}
    received = dt_in(d["received_at"])
    assert received is not None
    report = Report(
        number=str(d["number"]),
        channel=Channel(d["channel"]),
        category=str(d.get("category") or ""),
        description=str(d.get("description") or ""),
        location=location_from_wire(d.get("location") or {}),
        received_at=received,
        status=Status(d["status"]),
        contact=Contact(
            name=str(contact.get("name") or ""),
            phone=str(contact.get("phone") or ""),
            email=str(contact.get("email") or ""),
        ),
        agency=d.get("agency"),
        priority=Priority(d.get("priority") or "normal"),
        version=int(d.get("version") or 1),
        satisfied=d.get("satisfied"),
        duplicate_of=d.get("duplicate_of"),
        paused_seconds=float(d.get("paused_seconds") or 0.0),
        attachments=[attachment_from_wire(a) for a in d.get("attachments") or []],
        history=[event_from_wire(e) for e in d.get("history") or []],
    )
    for name in _TEXTS:
        if name in d and name != "category" and name != "description":
            setattr(report, name, str(d.get(name) or ""))
    for name in _TIMES:
        if name != "received_at":
            setattr(report, name, dt_in(d.get(name)))
    return report


def uncarried_fields() -> set[str]:
    """Fields of :class:`Report` this format does not carry (a test keeps it empty)."""
    carried = {
        "number",
        "version",
        "status",
        "channel",
        "priority",
        "agency",
        "satisfied",
        "duplicate_of",
        "paused_seconds",
        "location",
        "contact",
        "attachments",
        "history",
        *_TEXTS,
        *_TIMES,
    }
    return {f.name for f in fields(Report)} - carried

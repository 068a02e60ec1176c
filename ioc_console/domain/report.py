"""A citizen's field report and the events of its history.

Times are timezone-aware; the jurisdiction's zone (Asia/Ho_Chi_Minh for the demo) is used for
deadlines and for display. ``number`` is the public identifier (Open311's ``service_request_id``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ioc_console.domain.lifecycle import Action, Channel, Priority, Role, Status


@dataclass(frozen=True)
class Location:
    lat: float | None
    lon: float | None
    address: str = ""
    unit_code: str | None = None


@dataclass(frozen=True)
class Contact:
    """The citizen's contact: private, seen by staff only, never in public output."""

    name: str = ""
    phone: str = ""
    email: str = ""


#: A photo's pixel budget (width × height), read from its header before it is decoded: the hub
#: refuses larger uploads, the console refuses to decode larger files (a few kilobytes of PNG can
#: claim a canvas that takes gigabytes to unpack). 50 megapixels hold any phone's photo.
MAX_PHOTO_PIXELS = 50_000_000


@dataclass(frozen=True)
class Attachment:
    id: str
    kind: str  # "photo" for now
    content_type: str
    size: int
    url: str = ""
    added_at: datetime | None = None
    stage: str = "report"  # report, progress, result


@dataclass(frozen=True)
class Event:
    """One entry of a report's history: who did what, when, from which status to which."""

    seq: int
    at: datetime
    actor: str
    role: Role
    action: Action
    from_status: Status | None
    to_status: Status
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    number: str
    channel: Channel
    category: str
    description: str
    location: Location
    received_at: datetime
    status: Status = Status.NEW
    contact: Contact = field(default_factory=Contact)
    agency: str | None = None
    priority: Priority = Priority.NORMAL
    title: str = ""
    reply: str = ""
    result: str = ""
    satisfied: bool | None = None
    rating_comment: str = ""
    duplicate_of: str | None = None
    version: int = 1
    updated_at: datetime | None = None
    #: When the current stage began (received, forwarded, accepted...), for the stage deadline.
    stage_started_at: datetime | None = None
    #: Citizen's reply deadline and the current stage's deadline, computed by the calendar.
    due_at: datetime | None = None
    stage_due_at: datetime | None = None
    #: While waiting for the citizen's information: since when (the clock is paused).
    paused_since: datetime | None = None
    #: Working seconds already spent waiting for information (not counted towards the deadline).
    paused_seconds: float = 0.0
    closed_at: datetime | None = None
    first_contact_at: datetime | None = None
    forwarded_at: datetime | None = None
    attachments: list[Attachment] = field(default_factory=list)
    history: list[Event] = field(default_factory=list)


def reminders(report: Report) -> list[Event]:
    """The reminders (đôn đốc) the IOC sent to the agency holding ``report`` since it was last
    forwarded there, oldest first: how many, and when the last one went, are shown to both ends."""
    found: list[Event] = []
    for event in report.history:
        if event.action is Action.FORWARD:
            found = []
        elif event.action is Action.REMIND:
            found.append(event)
    return found

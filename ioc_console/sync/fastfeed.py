"""A feed page decoded the fast way: msgspec parses and checks it in one pass, in C.

A first sync reads hundreds of thousands of reports; parsing them into dictionaries (orjson) and
then checking each field in Python cost four times what msgspec costs to do both against typed
structures. The structures below say what :mod:`ioc_console.sync.wire` checks, field by field, and
are never more lenient: whatever they refuse (or anything the checks after them find wrong) is
decoded again by :func:`ioc_console.sync.wire.decode_feed_page`, whose error names where and what
was wrong, or which takes a page these structures were stricter about (a time in another ISO 8601
form, say). So a page is accepted here only if the strict decoder would accept it too.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any, Final, Literal, cast

import msgspec

from ioc_console.domain.lifecycle import Action, Channel, Priority, Role, Status
from ioc_console.domain.report import Contact, Location, Report
from ioc_console.store import compact
from ioc_console.store.rows import PreparedReport, RowReference
from ioc_console.sync import wire

#: An ISO 8601 time with its offset (a time without one is refused, as the strict decoder does).
Time = Annotated[datetime, msgspec.Meta(tz=True)]


class _Event(msgspec.Struct):
    seq: int
    at: Time
    actor: str
    role: Role
    action: Action
    to_status: Status
    from_status: Status | None = None
    data: dict[str, Any] | None = None


class _Attachment(msgspec.Struct):
    id: str
    kind: str = "photo"
    content_type: str = ""
    size: Annotated[int, msgspec.Meta(ge=0)] = 0
    url: str = ""
    added_at: Time | None = None
    stage: str = "report"


class _Location(msgspec.Struct):
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    unit_code: str | None = None


class _Contact(msgspec.Struct):
    name: str = ""
    phone: str = ""
    email: str = ""


class _Report(msgspec.Struct):
    number: Annotated[str, msgspec.Meta(min_length=1)]
    version: Annotated[int, msgspec.Meta(ge=1)]
    channel: Channel
    category: str
    description: str
    location: _Location
    received_at: Time
    status: Status
    contact: _Contact | None = None
    agency: str | None = None
    priority: Priority = Priority.NORMAL
    title: str = ""
    reply: str = ""
    result: str = ""
    satisfied: bool | None = None
    rating_comment: str = ""
    duplicate_of: str | None = None
    updated_at: Time | None = None
    stage_started_at: Time | None = None
    due_at: Time | None = None
    stage_due_at: Time | None = None
    paused_since: Time | None = None
    paused_seconds: float = 0.0
    closed_at: Time | None = None
    first_contact_at: Time | None = None
    forwarded_at: Time | None = None
    attachments: list[_Attachment] | None = None
    history: list[_Event] | None = None


class _Change(msgspec.Struct):
    seq: int
    kind: Literal["upsert", "remove"]
    number: str
    report: _Report | None = None


class _Page(msgspec.Struct):
    changes: list[_Change]
    cursor: Annotated[str, msgspec.Meta(pattern="^[0-9]+$")]
    more: bool


_DECODER: Final = msgspec.json.Decoder(_Page)


class _Stricter(Exception):
    """Something the structures let through that the strict decoder refuses."""


def _report(r: _Report) -> Report:
    loc = r.location
    c = r.contact
    return Report(
        number=r.number,
        channel=r.channel,
        category=r.category,
        description=r.description,
        location=Location(lat=loc.lat, lon=loc.lon, address=loc.address, unit_code=loc.unit_code),
        received_at=r.received_at,
        status=r.status,
        contact=Contact() if c is None else Contact(name=c.name, phone=c.phone, email=c.email),
        agency=r.agency,
        priority=r.priority,
        title=r.title,
        reply=r.reply,
        result=r.result,
        satisfied=r.satisfied,
        rating_comment=r.rating_comment,
        duplicate_of=r.duplicate_of,
        version=r.version,
        updated_at=r.updated_at,
        stage_started_at=r.stage_started_at,
        due_at=r.due_at,
        stage_due_at=r.stage_due_at,
        paused_since=r.paused_since,
        paused_seconds=r.paused_seconds,
        closed_at=r.closed_at,
        first_contact_at=r.first_contact_at,
        forwarded_at=r.forwarded_at,
        attachments=[],
        history=[],
    )


#: Built rows read a report's contact; a report sent without one has none of its fields.
_NO_CONTACT: Final = _Contact()


def _page(body: bytes, reference: RowReference | None = None) -> wire.FeedPage:
    """The page, its reports as domain reports (their histories and attachments in ``kept``) or,
    given ``reference``, as the store's rows."""
    page = _DECODER.decode(body)
    cursor = int(page.cursor)
    latest: dict[str, tuple[int, Report | PreparedReport | None]] = {}
    kept: dict[str, tuple[str, str]] = {}
    last_seq = 0
    for change in page.changes:
        seq = change.seq
        if seq <= last_seq:
            raise _Stricter
        last_seq = seq
        number = change.number
        if change.kind == "upsert":
            r = change.report
            if r is None or r.number != number:
                raise _Stricter
            history = compact.history_text(r.history or ())
            attachments = compact.attachments_text(r.attachments or ())
            if reference is None:
                latest[number] = (seq, _report(r))
                kept[number] = (history, attachments)
            else:
                if r.contact is None:
                    r.contact = _NO_CONTACT
                # The structure has a report's fields, of the same types, under the same names:
                # its rows are built from it without making a domain report first.
                latest[number] = (seq, reference.prepare(cast(Report, r), history, attachments))
        else:
            latest[number] = (seq, None)
    if last_seq > cursor:
        raise _Stricter
    reports = [r for _seq, r in latest.values() if r is not None]
    removed = [number for number, (_seq, r) in latest.items() if r is None]
    return wire.FeedPage(reports, removed, cursor, page.more, last_seq, len(page.changes), kept)


def decode_feed_page(body: bytes) -> wire.FeedPage:
    """A feed page as :func:`ioc_console.sync.wire.decode_feed_page` decodes it with ``compact``
    (the same page, or the same :class:`~ioc_console.sync.wire.WireError`), faster."""
    try:
        return _page(body)
    except (msgspec.ValidationError, msgspec.DecodeError, _Stricter):
        return wire.decode_feed_page(body, compact=True)


def prepare_feed_page(body: bytes, reference: RowReference) -> wire.FeedPage:
    """:func:`decode_feed_page`, the reports turned into the store's rows (:class:`PreparedReport`)
    with ``reference``: a first sync does this in another process, where it does not hold up the
    console's threads (decoding a page of 5,000 reports takes a quarter of a second of Python)."""
    try:
        return _page(body, reference)
    except (msgspec.ValidationError, msgspec.DecodeError, _Stricter):
        pass
    page = wire.decode_feed_page(body, compact=True)  # (every report's history is in ``kept``)
    prepared: list[PreparedReport] = []
    for r in page.reports:
        assert isinstance(r, Report)
        prepared.append(reference.prepare(r, *page.kept[r.number]))
    return replace(page, reports=prepared, kept={})


def start_decoding_process() -> None:
    """The first step of a first sync's decoding process (see ``SyncEngine``): it turns the
    automatic cycle collector off, as the console does. The objects of a decoded page are freed as
    soon as its rows are built; collecting while hundreds of thousands are alive cost a third of
    the decoding time. (This module imports only what decoding needs: the process is ready in a
    fraction of a second.)"""
    gc.disable()


def ready() -> None:
    """A task that ends once the decoding process has started."""


__all__ = ["decode_feed_page", "prepare_feed_page", "ready", "start_decoding_process"]

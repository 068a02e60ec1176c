"""Where imported requests go: the :class:`ImportSink` interface and the hub's implementation.

:class:`HubImportSink` stores an external request as a hub report through the hub's service layer
(:meth:`HubService.upsert_external`, keyed in the hub's database by (source, external id), and
:meth:`HubService.act` for later changes):

* the first time, a new report received at the source's ``requested_datetime``: the actor is the
  source (role ``channel``), and the ``submit`` event of its history carries the marker
  ``via = "open311-import:<source>:<external id>"``;
* later, when the source's fields changed: the category and the location are brought up to date
  (``classify``/``relocate`` by the configured staff account) as long as the report is still with
  the IOC and staff have not changed them meanwhile; a change made by staff is kept;
* a request open at the source whose ``agency_responsible`` names an agency of the pack (by folded
  code, name or short name) is forwarded to it by the configured staff account, once, while the
  report is still new;
* unchanged fields: nothing is written.

The link (source, external id) → number and what was last applied also lives in the importer's
state (:mod:`.state`); before a report is created an intent is written there. The hub holds the pair
itself and takes in each pair once, so an intent found on the next run (a crash between the two
writes) or a lost state file is resolved from the hub, never by a second report.

What the hub has no place for (the source's status, status notes, agency, expected time) is kept
in the link only; a request first seen closed at the source is listed in the run's notes
(``closed_at_source``, with its status notes) for staff to close.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select

from ioc_console.domain.errors import DomainError, ValidationError
from ioc_console.domain.lifecycle import RULES, Action, Actor, Channel, Role, Status
from ioc_console.domain.report import Location
from ioc_console.domain.text import fold
from ioc_console.hub import schema
from ioc_console.hub.errors import HubError
from ioc_console.hub.importer.parse import ServiceRequest
from ioc_console.hub.importer.state import ImportState, Link
from ioc_console.hub.service import HubService, Intake, Principal
from ioc_console.hub.validate import (
    MAX_ADDRESS,
    MAX_DESCRIPTION,
    MAX_TITLE,
    media_url,
    plain_text,
    resolve_location,
)

#: Longest external id accepted (it becomes part of the marker and of idempotency keys).
MAX_EXTERNAL_ID = 200
MARKER = "open311-import"
#: The console id recorded in the audit log for the importer's actions.
CONSOLE_ID = "open311-import"


@dataclass(frozen=True)
class ExternalFields:
    """What the importer hands to a sink for one external request (category already mapped)."""

    category: str
    description: str = ""
    service_code: str | None = None
    service_name: str | None = None
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    media_url: str | None = None
    status: str = "open"
    status_notes: str | None = None
    agency_responsible: str | None = None
    requested_at: datetime | None = None
    updated_at: datetime | None = None
    expected_at: datetime | None = None

    @classmethod
    def of(cls, request: ServiceRequest, category: str) -> ExternalFields:
        return cls(
            category=category,
            description=request.description or "",
            service_code=request.service_code,
            service_name=request.service_name,
            lat=request.lat,
            lon=request.long,
            address=request.address or "",
            media_url=request.media_url,
            status=request.status,
            status_notes=request.status_notes,
            agency_responsible=request.agency_responsible,
            requested_at=request.requested_datetime,
            updated_at=request.updated_datetime,
            expected_at=request.expected_datetime,
        )

    def fingerprint(self) -> str:
        data = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(self).items()}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class SinkNote:
    """Something a sink could not do as asked, or did differently (reported, not an error)."""

    kind: str
    external_id: str
    detail: str


class ImportRefused(Exception):
    """The hub will not take this request (text with markup, a bad id...); the others go on."""


class ImportSink(Protocol):
    def known(self, source: str, external_id: str) -> str | None:
        """The fingerprint of the fields last stored for this request, or None if never stored."""
        ...

    def upsert_external(self, source: str, external_id: str, fields: ExternalFields) -> str:
        """Store the request (create it, or update the one stored before); returns its number."""
        ...

    def drain_notes(self) -> list[SinkNote]:
        """Notes since the last call."""
        ...


def marker(source: str, external_id: str) -> str:
    return f"{MARKER}:{source}:{external_id}"


@dataclass
class _Applied:
    category: str | None
    location: dict[str, Any] | None


def _location_json(loc: Location) -> dict[str, Any]:
    return {"lat": loc.lat, "lon": loc.lon, "address": loc.address}


class HubImportSink:
    """An :class:`ImportSink` over the hub's public service layer."""

    def __init__(
        self,
        service: HubService,
        state: ImportState,
        *,
        channel: Channel = Channel.WEB,
        editor: str | None = None,
    ) -> None:
        self.service = service
        self.state = state
        self.channel = channel
        self.editor = self._resolve_editor(editor) if editor else None
        self._notes: list[SinkNote] = []
        self._checked: set[str] = set()
        # Reads the report documents (every staff role but a liaison sees the whole province).
        self._viewer = Principal(0, CONSOLE_ID, Role.ADMIN, None, CONSOLE_ID)

    def _resolve_editor(self, name: str) -> Principal:
        users = schema.users
        with self.service.db.read() as conn:
            row = conn.execute(
                select(users.c.id, users.c.name, users.c.role, users.c.agency).where(
                    users.c.name == name, users.c.active.is_(True)
                )
            ).first()
        if row is None:
            raise ValueError(f"there is no active hub user {name!r}")
        role = Role(row.role)
        if role not in (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN):
            raise ValueError(
                f"the user {name!r} is a {role.value}: an IOC operator, supervisor or admin is needed"
            )
        return Principal(int(row.id), row.name, role, row.agency, CONSOLE_ID)

    # -- ImportSink ---------------------------------------------------------------------------------------

    def known(self, source: str, external_id: str) -> str | None:
        self._rebuild_once(source)
        link = self.state.link(source, external_id)
        if link is None or link.number is None:
            return None
        return link.fingerprint

    def drain_notes(self) -> list[SinkNote]:
        notes, self._notes = self._notes, []
        return notes

    def upsert_external(self, source: str, external_id: str, fields: ExternalFields) -> str:
        if not external_id or len(external_id) > MAX_EXTERNAL_ID:
            raise ImportRefused(f"the external id must have 1 to {MAX_EXTERNAL_ID} characters")
        self._rebuild_once(source)
        link = self.state.link(source, external_id)
        if link is not None and link.number is None:
            # An intent left by a run that stopped between creating the report and linking it.
            found = self.service.external_report(source, external_id)
            link = None if found is None else Link(source, external_id, found.number, "", None, None, None)
        if link is None or link.number is None:
            return self._create(source, external_id, fields)
        return self._update(link, fields)

    # -- creating ------------------------------------------------------------------------------------------

    def _note(self, kind: str, external_id: str, detail: str) -> None:
        self._notes.append(SinkNote(kind, external_id, detail))

    def _text(self, external_id: str, name: str, value: str, limit: int) -> str:
        if len(value) > limit:
            self._note("truncated", external_id, f"{name} cut to {limit} characters")
            value = value[: limit - 1].rstrip() + "…"
        try:
            return plain_text(name, value, limit=limit)
        except ValidationError as error:
            raise ImportRefused(f"{error.message('vi')} / {error.message('en')}") from None

    def _location(self, external_id: str, fields: ExternalFields, *, quiet: bool = False) -> Location:
        """The checked location; coordinates outside the jurisdiction are dropped (and noted)."""
        jurisdiction = self.service.pack.jurisdiction
        address = self._text(external_id, "address", fields.address, MAX_ADDRESS)
        try:
            return resolve_location(
                jurisdiction, lat=fields.lat, lon=fields.lon, address=address, unit_code=None, required=False
            )
        except ValidationError as error:
            if error.code != "location.outside":
                raise ImportRefused(f"{error.message('vi')} / {error.message('en')}") from None
        if not quiet:
            self._note(
                "outside",
                external_id,
                f"coordinates {fields.lat}, {fields.lon} are outside {jurisdiction.name}: not kept",
            )
        return resolve_location(
            jurisdiction, lat=None, lon=None, address=address, unit_code=None, required=False
        )

    def _media(self, external_id: str, fields: ExternalFields) -> tuple[str, ...]:
        if not fields.media_url:
            return ()
        try:
            url = media_url(fields.media_url)
        except ValidationError:
            self._note(
                "media", external_id, f"media_url {fields.media_url[:80]!r} is not a web address: not kept"
            )
            return ()
        return (url,) if url else ()

    def _create(self, source: str, external_id: str, fields: ExternalFields) -> str:
        try:
            category = self.service.check_category(fields.category)
        except ValidationError as error:
            raise ImportRefused(f"{error.message('vi')} / {error.message('en')}") from None
        intake = Intake(
            channel=self.channel,
            category=category,
            description=self._text(external_id, "description", fields.description, MAX_DESCRIPTION),
            location=self._location(external_id, fields),
            title=self._text(external_id, "title", fields.service_name or "", MAX_TITLE),
            media_urls=self._media(external_id, fields),
            received_at=self._received(fields),
        )
        fingerprint = fields.fingerprint()
        self.state.save_link(Link(source, external_id, None, fingerprint))
        actor = Actor(f"Open311 {source}"[:100], Role.CHANNEL)
        report, created = self.service.upsert_external(
            source, external_id, intake, actor, via=marker(source, external_id)
        )
        if not created:
            # The hub had it already (its link was lost): measured against it, as an update.
            location = json.dumps(_location_json(report.location), sort_keys=True)
            return self._update(
                Link(source, external_id, report.number, "", report.category, location), fields
            )
        applied = _Applied(category, _location_json(intake.location))
        self._save(source, external_id, report.number, fingerprint, applied, fields)
        self._route(report.number, external_id, fields)
        self._closed_at_source(report.number, external_id, fields, None)
        return report.number

    def _save(
        self,
        source: str,
        external_id: str,
        number: str,
        fingerprint: str,
        applied: _Applied,
        fields: ExternalFields,
    ) -> None:
        self.state.save_link(
            Link(
                source,
                external_id,
                number,
                fingerprint,
                applied.category,
                None if applied.location is None else json.dumps(applied.location, sort_keys=True),
                fields.status,
            )
        )

    def _received(self, fields: ExternalFields) -> datetime | None:
        """The source's time of the request, if it has one with a zone and it is not ahead of now."""
        at = fields.requested_at
        if at is None or at.tzinfo is None:
            return None
        return min(at, self.service.now())

    def _rebuild_once(self, source: str) -> None:
        """When the state has no link for ``source`` (a new or lost state file) but the hub has reports
        imported from it, link them again from their markers (one pass over the creation events)."""
        if source in self._checked:
            return
        self._checked.add(source)
        if self.state.count(source):
            return
        rows = self.service.external_reports(source)
        for external_id, report in rows.items():
            applied = _location_json(report.location)
            # The fields last stored are unknown: the next sight of the request is taken as an update,
            # measured against the report as it is now.
            self.state.save_link(
                Link(
                    source,
                    external_id,
                    report.number,
                    "",
                    report.category,
                    json.dumps(applied, sort_keys=True),
                )
            )
        if rows:
            self._note(
                "relinked", source, f"{len(rows)} reports imported before were linked again from the hub"
            )

    # -- updating ------------------------------------------------------------------------------------------

    def _doc(self, number: str) -> dict[str, Any]:
        doc = json.loads(self.service.report_json(self._viewer, number))
        assert isinstance(doc, dict)
        return doc

    def _update(self, link: Link, fields: ExternalFields) -> str:
        assert link.number is not None
        number, ext = link.number, link.external_id
        try:
            doc = self._doc(number)
        except HubError as error:
            if error.status != 404:
                raise
            self._note("missing", ext, f"report {number} is no longer in the hub: created again")
            return self._create(link.source, ext, fields)
        last_location = json.loads(link.location) if link.location else None
        applied = _Applied(link.category, last_location)
        if fields.category != link.category:
            try:
                category = self.service.check_category(fields.category, for_new_report=False)
            except ValidationError as error:
                self._note("category", ext, f"{error.message('en')}: category not changed")
            else:
                if self._change(
                    doc, ext, Action.CLASSIFY, {"category": category}, doc["category"] == link.category
                ):
                    applied.category = category
                    doc = self._doc(number)
        location = self._location(ext, fields, quiet=True)
        wanted = _location_json(location)
        if wanted != last_location:
            self._location(ext, fields)  # notes dropped coordinates, now that they matter
            current = doc.get("location") or {}
            untouched = last_location is None or all(current.get(k) == last_location.get(k) for k in wanted)
            payload = {"location": {**wanted, "unit_code": location.unit_code}}
            if self._change(doc, ext, Action.RELOCATE, payload, untouched):
                applied.location = wanted
        self._save(link.source, ext, number, fields.fingerprint(), applied, fields)
        self._route(number, ext, fields)
        self._closed_at_source(number, ext, fields, link.external_status)
        return number

    def _closed_at_source(self, number: str, ext: str, fields: ExternalFields, before: str | None) -> None:
        """A request closed at the source is listed in the run's report when it is first seen closed
        (the lifecycle has no step by which the IOC closes a report itself; staff close it)."""
        if _closed(fields.status) and not _closed(before):
            notes = f": {fields.status_notes[:200]}" if fields.status_notes else ""
            self._note("closed_at_source", ext, f"{number} is closed at the source{notes}")

    def _agency_of(self, name: str | None) -> str | None:
        """The pack's agency named ``agency_responsible`` (its code, name or short name, folded)."""
        wanted = fold(name)
        if not wanted:
            return None
        for code, agency in self.service.pack.jurisdiction.agencies.items():
            if wanted in (fold(code), fold(agency.name), fold(agency.short_name)):
                return code
        return None

    def _route(self, number: str, ext: str, fields: ExternalFields) -> None:
        """A request still open at the source and held there by an agency of the pack is forwarded to
        it by the importing account, once: only while the report is new (staff have not acted on it),
        and with a key made of the report, the action and the agency, so a rerun adds no event."""
        if fields.status.strip().lower() != "open" or not fields.agency_responsible:
            return
        # An agency of the source's own (most sources name theirs) is no reason to note anything.
        agency = self._agency_of(fields.agency_responsible)
        if agency is None:
            return
        doc = self._doc(number)
        if Status(doc["status"]) is not Status.NEW or doc.get("agency") == agency:
            return
        self._change(doc, ext, Action.FORWARD, {"agency": agency}, True)

    def _change(
        self, doc: dict[str, Any], ext: str, action: Action, payload: dict[str, Any], untouched: bool
    ) -> bool:
        """Take ``action`` on the report if staff have not changed that field and it is still allowed."""
        what = action.label("en")
        if not untouched:
            self._note(
                "kept", ext, f"{doc['number']}: changed by staff since the import; not to {what} again"
            )
            return False
        if Status(doc["status"]) not in RULES[action].sources:
            self._note("late", ext, f"{doc['number']} is {doc['status']}: too late to {what}")
            return False
        if self.editor is None:
            self._note("no_editor", ext, f"{doc['number']}: no staff account given to {what} with")
            return False
        key = hashlib.sha256(
            json.dumps([MARKER, doc["number"], action.value, payload], sort_keys=True).encode()
        )
        try:
            self.service.act(
                self.editor,
                doc["number"],
                action.value,
                key=f"{MARKER}:{key.hexdigest()}",
                base_version=int(doc["version"]),
                payload=payload,
            )
        except (DomainError, HubError) as error:
            self._note("refused", ext, f"{doc['number']}: {what}: {error.message('en')}")
            return False
        return True


def _closed(status: str | None) -> bool:
    return (status or "").strip().lower() == "closed"


def summarise(notes: Sequence[SinkNote], examples: int = 3) -> list[str]:
    """One line per kind of note, with a count and the first few."""
    kinds: dict[str, list[SinkNote]] = {}
    for note in notes:
        kinds.setdefault(note.kind, []).append(note)
    return [
        f"{kind} ×{len(items)}: " + "; ".join(f"{n.external_id}: {n.detail}" for n in items[:examples])
        for kind, items in sorted(kinds.items())
    ]


__all__ = [
    "ExternalFields",
    "HubImportSink",
    "ImportRefused",
    "ImportSink",
    "SinkNote",
    "marker",
    "summarise",
]

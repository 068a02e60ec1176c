"""What the hub does, independent of HTTP: intake, actions, the change feed, attachments, statistics.

Every rule of the lifecycle and the deadlines comes from the domain (:func:`apply_action`,
:func:`compute_deadlines`); this module adds what only a server can know: who may see which report,
what the database holds, idempotency, optimistic versions and the change sequence.

Write transactions follow one order on every path: lock the report row (if any), do the work, then
take the change sequence number (the ``hub_counters`` row lock) as the last step before COMMIT, so
that numbers become visible in order (see :mod:`ioc_console.hub.schema`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    LargeBinary,
    RowMapping,
    Select,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from ioc_console.domain.deadlines import (
    DeadlineState,
    apply_action,
    compute_deadlines,
    deadline_state,
    due_soon_boundary,
)
from ioc_console.domain.errors import DomainError, TransitionError, ValidationError
from ioc_console.domain.figures import handled_at
from ioc_console.domain.lifecycle import (
    LOCAL_KEYS,
    MAX_TEXT,
    RULES,
    TERMINAL,
    Action,
    Actor,
    Channel,
    Priority,
    Role,
    Status,
)
from ioc_console.domain.replies import public_reply
from ioc_console.domain.report import Attachment, Contact, Event, Location, Report
from ioc_console.hub import schema
from ioc_console.hub.db import Database
from ioc_console.hub.errors import HubError, Wait, from_domain, invalid
from ioc_console.hub.jurisdiction_store import LoadedPack, PackHolder
from ioc_console.hub.security import hash_password, new_secret, secret_hash, verify_password
from ioc_console.hub.settings import HubSettings
from ioc_console.hub.throttle import FailureLog, SignInThrottle
from ioc_console.hub.validate import (
    DEMO_MEDIA,
    MAX_NAME,
    check_payload_text,
    plain_text,
    resolve_location,
)
from ioc_console.hub.wire import event_to_wire, report_from_wire, report_to_wire

#: Key of a history entry's data that names the acting staff member in words (their display name).
ACTOR_NAME = "actor_name"
#: How far back a staff intake may date a call (one typed in while the console was offline).
RECEIVED_AT_PAST = timedelta(days=7)
#: How long the first answer to an idempotency key is kept for replays.
IDEMPOTENCY_KEPT = timedelta(days=30)
#: How long an API key's channel is remembered (see :meth:`HubService.channel_for_key`).
CHANNEL_CACHE_SECONDS = 5.0
STAFF_ROLES = (Role.OPERATOR, Role.SUPERVISOR, Role.LIAISON, Role.ADMIN)
#: Actions with an endpoint of their own in the staff API (rating comes from citizens' channels).
STAFF_ACTIONS = tuple(a for a in RULES if a is not Action.RATE)
#: Where photos added by an action belong.
_ATTACHMENT_STAGE = {Action.NOTE_PROGRESS: "progress", Action.RESOLVE: "result"}
ATTACHMENT_STAGES = ("report", "progress", "result")


# Statements of the hot paths, built once: building one costs more than running it on SQLite.
_AUTHENTICATE = (
    select(
        schema.users.c.id,
        schema.users.c.name,
        schema.users.c.role,
        schema.users.c.agency,
        schema.users.c.display_name,
    )
    .select_from(schema.tokens.join(schema.users))
    .where(
        schema.tokens.c.token_hash == bindparam("b_hash"),
        schema.tokens.c.expires_at > bindparam("b_now", type_=schema.UtcDateTime()),
        schema.users.c.active.is_(True),
    )
)
_CHANNEL_FOR_KEY = select(schema.channels.c.id, schema.channels.c.name, schema.channels.c.kind).where(
    schema.channels.c.key_hash == bindparam("b_hash"), schema.channels.c.active.is_(True)
)
_STORED_ANSWER = select(schema.idempotency).where(
    schema.idempotency.c.user_id == bindparam("b_user"), schema.idempotency.c.key == bindparam("b_key")
)
_INSERT_ANSWER = insert(schema.idempotency)
_LOCK_REPORT = (
    select(schema.reports)
    .where(schema.reports.c.number == bindparam("b_number"))
    .with_for_update(key_share=True)
)
_INSERT_AUDIT = insert(schema.audit)
_INSERT_REPORT = insert(schema.reports).returning(schema.reports.c.id)
_INSERT_EVENT = insert(schema.events)
_UPDATE_REPORT = update(schema.reports).where(schema.reports.c.id == bindparam("b_rid"))


def _feed_query(doc_as_bytes: bool, liaison: bool) -> Select[int, str, Any]:
    """A page of the change feed's reports: ``(seq, number, doc)`` after ``b_after``, at most
    ``b_limit`` rows, only agency ``b_agency``'s when ``liaison``.

    With ``doc_as_bytes`` (a UTF-8 SQLite file) each document is read as the bytes it is stored as
    (``CAST(doc AS BLOB)``): a feed page splices the documents in as they are, so decoding each into
    a Python string only to encode it again would be most of the time a page takes. PostgreSQL has
    no such cast (``doc::bytea`` reads backslashes as escapes, and ``convert_to`` sends bytea as hex
    text, slower than the text itself), so there the text is read and each document encoded.
    """
    r = schema.reports
    doc = cast(r.c.doc, LargeBinary) if doc_as_bytes else r.c.doc
    query = select(r.c.seq, r.c.number, doc).where(r.c.seq > bindparam("b_after"))
    if liaison:
        query = query.where(r.c.visible_agency == bindparam("b_agency"))
    return query.order_by(r.c.seq).limit(bindparam("b_limit"))


#: ``_FEED[doc_as_bytes][liaison]``.
_FEED = {
    as_bytes: {liaison: _feed_query(as_bytes, liaison) for liaison in (False, True)}
    for as_bytes in (False, True)
}
_FEED_REMOVALS = (
    select(schema.removals.c.seq, schema.reports.c.number)
    .select_from(schema.removals.join(schema.reports, schema.removals.c.report_id == schema.reports.c.id))
    .where(schema.removals.c.agency == bindparam("b_agency"), schema.removals.c.seq > bindparam("b_after"))
    .order_by(schema.removals.c.seq)
    .limit(bindparam("b_limit"))
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_NO_CONTACT = {"name": "", "phone": "", "email": ""}


def without_contact(doc: dict[str, Any]) -> dict[str, Any]:
    """A report document as an agency's liaison gets it: the citizen's contact withheld. The agency
    reads it when it chooses to call (:meth:`HubService.contact`), and that read is audited."""
    return {**doc, "contact": dict(_NO_CONTACT)} if doc.get("contact") else doc


@dataclass(frozen=True)
class Principal:
    """The signed-in user of a request."""

    user_id: int
    name: str
    role: Role
    agency: str | None
    console_id: str = ""
    #: The user's full name, as colleagues know them (empty when none was given).
    display_name: str = ""

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role, self.agency)

    @property
    def sees_province(self) -> bool:
        return self.role in (Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)

    def may_see(self, visible_agency: str | None) -> bool:
        if self.sees_province:
            return True
        return self.role is Role.LIAISON and self.agency is not None and visible_agency == self.agency

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            raise HubError(403, "auth.forbidden", role=self.role)


@dataclass(frozen=True)
class ChannelInfo:
    id: int
    name: str
    kind: Channel


@dataclass
class Intake:
    """A new report as received (from Open311 or an operator's hotline form), already checked."""

    channel: Channel
    category: str
    description: str
    location: Location
    contact: Contact = field(default_factory=Contact)
    title: str = ""
    priority: Priority = Priority.NORMAL
    media_urls: Sequence[str] = ()
    account_id: str | None = None
    #: When the request was received, if not now (an import keeps the source's time, a call typed
    #: in offline the time it was taken); aware.
    received_at: datetime | None = None


@dataclass(frozen=True)
class Answer:
    """An HTTP answer prepared by the service: status and JSON text (stored for idempotent replays)."""

    status: int
    body: str
    replayed: bool = False


#: The ``external_source`` of a report a channel sent with an idempotency key (then its
#: ``external_id``), followed by the channel's id.
CHANNEL_KEYS = "channel-key#"


def _same_request(report: Report, intake: Intake) -> bool:
    """Whether ``intake`` asks for what ``report`` was made from (an idempotency key's replay)."""
    return (
        report.category == intake.category
        and report.description == intake.description
        and report.contact == intake.contact
        and report.location.address == intake.location.address
        and report.location.lat == intake.location.lat
        and report.location.lon == intake.location.lon
    )


def visible_agency(report: Report) -> str | None:
    """The agency whose liaisons see the report: the one it is forwarded to (the domain clears
    ``Report.agency`` when the agency returns it, and changes it when it is forwarded elsewhere)."""
    return report.agency


class HubService:
    def __init__(
        self,
        settings: HubSettings,
        db: Database,
        packs: PackHolder,
        notify: Callable[[], None] = lambda: None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.packs = packs
        self.notify = notify
        self._channels: dict[str, tuple[ChannelInfo | None, float]] = {}
        #: Whether the feed may read report documents as stored bytes (a UTF-8 SQLite file; known
        #: at the first page).
        self._docs_as_bytes: bool | None = None
        self.throttle = SignInThrottle(
            db, settings.clock, settings.signin_account_limits, settings.signin_address_limits
        )
        self.failures = FailureLog(db, settings.clock, settings.signin_burst_quiet, self.audit)

    # -- helpers -----------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.settings.clock()

    def refresh_pack(self) -> bool:
        with self.db.read() as conn:
            return self.packs.refresh(conn)

    @property
    def pack(self) -> LoadedPack:
        return self.packs.current

    def check_category(self, code: Any, *, for_new_report: bool = True) -> str:
        if not isinstance(code, str) or not code:
            raise ValidationError("field.required", field="category")
        category = self.pack.jurisdiction.categories.get(code)
        if category is None:
            raise ValidationError("category.unknown", field="category", category=code[:64])
        if for_new_report and not category.active:
            raise ValidationError("category.inactive", field="category", category=category.name)
        return code

    def _row_values(self, report: Report, actor: Actor) -> dict[str, Any]:
        return {
            "number": report.number,
            "version": report.version,
            "status": report.status.value,
            "category": report.category,
            "agency": report.agency,
            "visible_agency": visible_agency(report),
            "channel": report.channel.value,
            "priority": report.priority.value,
            "unit_code": report.location.unit_code,
            "lat": report.location.lat,
            "lon": report.location.lon,
            "received_at": report.received_at,
            "updated_at": report.updated_at or report.received_at,
            "due_at": report.due_at,
            "closed_at": report.closed_at,
            "handled_at": handled_at(report.status, report.closed_at, report.stage_started_at),
            "satisfied": report.satisfied,
            "last_actor": actor.name,
            "last_role": actor.role.value,
            "doc": _dumps(report_to_wire(report)),
        }

    def _draw_demo_photos(self, report: Report) -> list[tuple[Attachment, bytes]]:
        """On the demo hub: the pictures behind ``report``'s photos that carry no upload (the demo
        history's, and the demo citizens' ``demo://`` links), drawn now to be stored like uploads
        and served at ``/api/v1/attachments/<id>`` as they are (their links are kept)."""
        draw = self.settings.demo_photos
        if draw is None:
            return []
        drawn: list[tuple[Attachment, bytes]] = []
        kept: list[Attachment] = []
        for a in report.attachments:
            if a.kind == "photo" and (not a.url or DEMO_MEDIA.fullmatch(a.url)):
                data = draw(a.id)
                a = replace(a, content_type="image/png", size=len(data))
                drawn.append((a, data))
            kept.append(a)
        report.attachments = kept
        return drawn

    def _store_photos(
        self, conn: Connection, report_id: int, photos: Sequence[tuple[Attachment, bytes]], by: str
    ) -> None:
        if not photos:
            return
        conn.execute(
            insert(schema.attachments),
            [
                {
                    "id": a.id,
                    "report_id": report_id,
                    "attached": True,
                    "stage": a.stage,
                    "content_type": a.content_type,
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "data": data,
                    "uploaded_by": by,
                    "uploaded_at": a.added_at or self.now(),
                }
                for a, data in photos
            ],
        )

    @staticmethod
    def _event_values(report_id: int, event: Event, contact: Contact) -> dict[str, Any]:
        public = ""
        if event.action is Action.PUBLISH_REPLY:
            # Stored as the public may read it (the letter to the citizen stays in ``data``).
            public = public_reply(str(event.data.get("reply") or ""), contact)
        return {
            "report_id": report_id,
            "n": event.seq,
            "at": event.at,
            "actor": event.actor,
            "role": event.role.value,
            "action": event.action.value,
            "from_status": None if event.from_status is None else event.from_status.value,
            "to_status": event.to_status.value,
            "public_note": public,
            "data": _dumps(event_to_wire(event)["data"]),
        }

    def audit(
        self,
        conn: Connection,
        *,
        who: str,
        role: Role | str,
        console: str,
        action: str,
        target: str,
        outcome: int,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        conn.execute(
            _INSERT_AUDIT,
            {
                "at": self.now(),
                "user_name": who[:100],
                "role": role.value if isinstance(role, Role) else role,
                "console_id": console[:100],
                "action": action[:64],
                "target": target[:100],
                "outcome": outcome,
                "detail": _dumps(dict(detail or {})),
            },
        )

    def audit_refusal(self, principal: Principal, action: str, target: str, error: HubError) -> None:
        with self.db.write() as conn:
            self.audit(
                conn,
                who=principal.name,
                role=principal.role,
                console=principal.console_id,
                action=action,
                target=target,
                outcome=error.status,
                detail={"error": error.code, "field": error.field},
            )

    # -- authentication ------------------------------------------------------------------------------

    def check_signin(self, name: str, address: str, console_id: str) -> None:
        """Refuse (429, with the wait) a sign-in that the throttle does not let through now; the
        refusal is tallied in the burst of failures, not audited on its own."""
        self.failures.close_quiet()
        refusal = self.throttle.refusal(name, address)
        if refusal is None:
            return
        with self.db.write() as conn:
            self.failures.record(
                conn, name=name, address=address, console=console_id, scope=refusal.scope, refused=True
            )
        raise HubError(
            429, "auth.throttled", extra={"retry_after": refusal.seconds}, wait=Wait(refusal.seconds)
        )

    def login(self, name: str, password: str, console_id: str, address: str = "") -> dict[str, Any]:
        self.check_signin(name, address, console_id)
        with self.db.read() as conn:
            user = conn.execute(
                select(schema.users).where(schema.users.c.name == name, schema.users.c.active.is_(True))
            ).first()
        if not verify_password(None if user is None else user.password_hash, password) or user is None:
            self.throttle.failed(name, address)
            with self.db.write() as conn:
                self.failures.record(
                    conn, name=name, address=address, console=console_id, scope="account", refused=False
                )
            raise HubError(401, "auth.failed")
        self.throttle.succeeded(name)
        token = new_secret("ioc")
        now = self.now()
        expires = now + self.settings.token_ttl
        with self.db.write() as conn:
            conn.execute(
                insert(schema.tokens).values(
                    token_hash=secret_hash(token),
                    user_id=user.id,
                    created_at=now,
                    expires_at=expires,
                    console_id=console_id[:100],
                )
            )
            conn.execute(delete(schema.tokens).where(schema.tokens.c.expires_at < now))
            # Answers kept for replays are forgotten after a while (a console's outbox is long empty).
            conn.execute(
                delete(schema.idempotency).where(schema.idempotency.c.created_at < now - IDEMPOTENCY_KEPT)
            )
            self.failures.close_account(conn, name)
            self.audit(
                conn, who=name, role=user.role, console=console_id, action="login", target=name, outcome=200
            )
        return {
            "token": token,
            "token_type": "bearer",
            "expires_at": expires.isoformat(),
            "user": self._user_json(user._mapping),
        }

    @staticmethod
    def _user_json(user: RowMapping) -> dict[str, Any]:
        return {
            "name": user["name"],
            "display_name": user["display_name"],
            "role": user["role"],
            "agency": user["agency"],
            "active": bool(user["active"]),
        }

    def authenticate(self, token: str, console_id: str) -> Principal | None:
        if not token or len(token) > 200:
            return None
        with self.db.read() as conn:
            row = conn.execute(_AUTHENTICATE, {"b_hash": secret_hash(token), "b_now": self.now()}).first()
        if row is None:
            return None
        return Principal(
            int(row.id), row.name, Role(row.role), row.agency, console_id, str(row.display_name or "")
        )

    def token_expires_at(self, token: str) -> datetime | None:
        """When a session token expires (None: unknown token)."""
        if not token or len(token) > 200:
            return None
        with self.db.read() as conn:
            value: datetime | None = conn.execute(
                select(schema.tokens.c.expires_at).where(schema.tokens.c.token_hash == secret_hash(token))
            ).scalar_one_or_none()
        return value

    def logout(self, token: str) -> None:
        with self.db.write() as conn:
            conn.execute(delete(schema.tokens).where(schema.tokens.c.token_hash == secret_hash(token)))

    def channel_for_key(self, api_key: str) -> ChannelInfo | None:
        """The active channel of an API key. Answers are kept for a few seconds (every Open311 POST
        asks); disabling a channel takes effect at once in this process, within
        ``CHANNEL_CACHE_SECONDS`` in the others."""
        if not api_key or len(api_key) > 200:
            return None
        hashed = secret_hash(api_key)
        cached = self._channels.get(hashed)
        now = time.monotonic()
        if cached is not None and cached[1] > now:
            return cached[0]
        with self.db.read() as conn:
            row = conn.execute(_CHANNEL_FOR_KEY, {"b_hash": hashed}).first()
        channel = None if row is None else ChannelInfo(int(row.id), row.name, Channel(row.kind))
        if len(self._channels) > 1000:
            self._channels.clear()
        self._channels[hashed] = (channel, now + CHANNEL_CACHE_SECONDS)
        return channel

    # -- intake --------------------------------------------------------------------------------------

    def _new_report(self, intake: Intake, actor: Actor, via: str, display_name: str = "") -> Report:
        pack = self.pack
        now = self.now()
        received = intake.received_at if intake.received_at is not None else now
        if received.tzinfo is None:
            raise ValueError("received_at must be timezone-aware")
        report = Report(
            number="",
            channel=intake.channel,
            category=intake.category,
            description=intake.description,
            location=intake.location,
            received_at=received,
            contact=intake.contact,
            priority=intake.priority,
            title=intake.title,
            updated_at=now,
            stage_started_at=received,
        )
        for url in intake.media_urls:
            report.attachments.append(
                Attachment(
                    id=secrets.token_hex(8),
                    kind="photo",
                    content_type="",
                    size=0,
                    url=url,
                    added_at=now,
                    stage="report",
                )
            )
        data: dict[str, Any] = {"channel": intake.channel.value, "via": via}
        if display_name:
            data[ACTOR_NAME] = display_name
        report.history.append(
            Event(
                seq=1,
                at=received,
                actor=actor.name,
                role=actor.role,
                action=Action.SUBMIT,
                from_status=None,
                to_status=Status.NEW,
                data=data,
            )
        )
        report.due_at, report.stage_due_at = compute_deadlines(
            report, pack.calendar, pack.jurisdiction.policy
        )
        return report

    def _insert_report(
        self,
        conn: Connection,
        report: Report,
        actor: Actor,
        *,
        token: str,
        channel_id: int | None,
        account_id: str | None,
        console_id: str,
        via: str,
        external: tuple[str, str] | None = None,
    ) -> int:
        """Number and store a new report; the counters are taken last (see the module docstring)."""
        # Numbered by the year it is stored in (an imported request may be years old).
        jurisdiction = self.pack.jurisdiction
        year = self.now().astimezone(ZoneInfo(jurisdiction.timezone)).year
        report.number = Database.take_report_number(conn, jurisdiction.numbers, year)
        photos = self._draw_demo_photos(report)
        seq = Database.next_value(conn, schema.SEQ)
        values = self._row_values(report, actor)
        source, external_id = external if external is not None else (None, None)
        report_id = conn.execute(
            _INSERT_REPORT,
            {
                **values,
                "seq": seq,
                "token": token,
                "channel_id": channel_id,
                "account_id": account_id,
                "external_source": source,
                "external_id": external_id,
            },
        ).scalar_one()
        conn.execute(_INSERT_EVENT, self._event_values(report_id, report.history[0], report.contact))
        self._store_photos(conn, report_id, photos, actor.name)
        self.audit(
            conn,
            who=actor.name,
            role=actor.role,
            console=console_id,
            action="submit",
            target=report.number,
            outcome=201,
            detail={"via": via, "seq": seq},
        )
        return seq

    def create_report(
        self,
        intake: Intake,
        actor: Actor,
        *,
        channel_id: int | None = None,
        console_id: str = "",
        via: str,
    ) -> tuple[Report, str]:
        """Store a new report from a channel; returns it with its Open311 token."""
        report = self._new_report(intake, actor, via)
        token = secrets.token_urlsafe(16)
        with self.db.write() as conn:
            self._insert_report(
                conn,
                report,
                actor,
                token=token,
                channel_id=channel_id,
                account_id=intake.account_id,
                console_id=console_id,
                via=via,
            )
        self.notify()
        return report, token

    def create_channel_report(
        self, intake: Intake, channel: ChannelInfo, key: str | None
    ) -> tuple[Report, str, str | None, bool]:
        """A report a channel sends (Open311 POST): the report, its token, the citizen's account and
        whether this is a replay. With an idempotency ``key`` a channel that timed out and sends
        the request again gets the report made the first time, never a second one; the key used
        for a different request is refused. Keys are kept with the report (unique per channel)."""
        actor = Actor(channel.name, Role.CHANNEL)
        if not key:
            report, token = self.create_report(intake, actor, channel_id=channel.id, via="open311")
            return report, token, intake.account_id, False
        if len(key) > 200 or not key.isprintable():
            raise invalid("idempotency_key", key[:40])
        source = f"{CHANNEL_KEYS}{channel.id}"
        r = schema.reports
        for attempt in (1, 2):
            with self.db.read() as conn:
                found = conn.execute(
                    select(r.c.doc, r.c.token, r.c.account_id).where(
                        r.c.external_source == source, r.c.external_id == key
                    )
                ).first()
            if found is not None:
                first = report_from_wire(json.loads(found.doc))
                if not _same_request(first, intake):
                    raise HubError(422, "idempotency.reused", field="idempotency_key", key=key[:60])
                return first, str(found.token), found.account_id, True
            report = self._new_report(intake, actor, "open311")
            token = secrets.token_urlsafe(16)
            try:
                with self.db.write() as conn:
                    self._insert_report(
                        conn,
                        report,
                        actor,
                        token=token,
                        channel_id=channel.id,
                        account_id=intake.account_id,
                        console_id="",
                        via="open311",
                        external=(source, key),
                    )
            except IntegrityError:
                if attempt == 2:
                    raise
                continue  # the same request, retried at once, was stored meanwhile: answer with it
            self.notify()
            return report, token, intake.account_id, False
        raise AssertionError("unreachable")

    def upsert_external(
        self, source: str, external_id: str, intake: Intake, actor: Actor, *, via: str
    ) -> tuple[Report, bool]:
        """The report of a request taken in from another Open311 server: the one stored before for
        (``source``, ``external_id``), or a new one made from ``intake`` (its ``received_at`` the
        source's time). Returns it and whether it is new. The pair is unique in the database, so
        a run that stopped half-way, or two importers at once, never make a second report."""
        if not source or not external_id or len(source) > 100 or len(external_id) > 200:
            raise invalid("external_id", f"{source[:40]}:{external_id[:40]}")
        for attempt in (1, 2):
            found = self.external_report(source, external_id)
            if found is not None:
                return found, False
            report = self._new_report(intake, actor, via)
            try:
                with self.db.write() as conn:
                    self._insert_report(
                        conn,
                        report,
                        actor,
                        token=secrets.token_urlsafe(16),
                        channel_id=None,
                        account_id=intake.account_id,
                        console_id="",
                        via=via,
                        external=(source, external_id),
                    )
            except IntegrityError:
                if attempt == 2:
                    raise
                continue  # stored by another importer meanwhile: read it
            self.notify()
            return report, True
        raise AssertionError("unreachable")

    def external_report(self, source: str, external_id: str) -> Report | None:
        """The report taken in for (``source``, ``external_id``), or None."""
        r = schema.reports
        with self.db.read() as conn:
            doc = conn.execute(
                select(r.c.doc).where(r.c.external_source == source, r.c.external_id == external_id)
            ).scalar_one_or_none()
        return None if doc is None else report_from_wire(json.loads(doc))

    def external_reports(self, source: str) -> dict[str, Report]:
        """Every report taken in from ``source``, by the source's id."""
        r = schema.reports
        with self.db.read() as conn:
            rows = conn.execute(select(r.c.external_id, r.c.doc).where(r.c.external_source == source)).all()
        return {str(ext): report_from_wire(json.loads(doc)) for ext, doc in rows}

    def intake(self, principal: Principal, key: str, fingerprint: str, intake: Intake) -> Answer:
        """A report typed in by IOC staff (a hotline call); a replayed key returns the first answer."""
        principal.require(Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)
        report = self._new_report(intake, principal.actor, "staff", principal.display_name)
        for attempt in (1, 2):
            try:
                with self.db.write() as conn:
                    stored = self._stored_answer(conn, principal, key, fingerprint)
                    if stored is not None:
                        return stored
                    seq = self._insert_report(
                        conn,
                        report,
                        principal.actor,
                        token=secrets.token_urlsafe(16),
                        channel_id=None,
                        account_id=None,
                        console_id=principal.console_id,
                        via="staff",
                    )
                    body = _dumps({"report": report_to_wire(report), "seq": seq})
                    self._store_answer(conn, principal, key, fingerprint, 201, body)
                self.notify()
                return Answer(201, body)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _stored_answer(
        self, conn: Connection, principal: Principal, key: str, fingerprint: str
    ) -> Answer | None:
        stored = conn.execute(_STORED_ANSWER, {"b_user": principal.user_id, "b_key": key}).first()
        if stored is None:
            return None
        if stored.fingerprint != fingerprint:
            raise HubError(422, "idempotency.reused", field="idempotency_key", key=key[:60])
        return Answer(int(stored.status_code), str(stored.body), replayed=True)

    def _store_answer(
        self, conn: Connection, principal: Principal, key: str, fingerprint: str, status: int, body: str
    ) -> None:
        conn.execute(
            _INSERT_ANSWER,
            {
                "user_id": principal.user_id,
                "key": key,
                "fingerprint": fingerprint,
                "status_code": status,
                "body": body,
                "created_at": self.now(),
            },
        )

    # -- reading ---------------------------------------------------------------------------------------

    def _visible_row(self, conn: Connection, principal: Principal, number: str, *, lock: bool = False) -> Any:
        query = select(schema.reports).where(schema.reports.c.number == number)
        if lock:
            query = query.with_for_update(key_share=True)
        row = conn.execute(query).first()
        if row is None or not principal.may_see(row.visible_agency):
            # The same answer whether it does not exist or is another agency's: nothing leaks.
            raise HubError(404, "report.not_found", number=number[:40])
        return row

    def report_json(self, principal: Principal, number: str) -> str:
        with self.db.read() as conn:
            row = self._visible_row(conn, principal, number)
        if not principal.sees_province:
            return _dumps(without_contact(json.loads(row.doc)))
        return str(row.doc)

    def contact(self, principal: Principal, number: str) -> dict[str, str]:
        """A report's citizen contact, read on purpose (a liaison about to call): the audit log keeps
        who read it and when."""
        with self.db.read() as conn:
            row = self._visible_row(conn, principal, number)
        contact = json.loads(row.doc).get("contact") or {}
        answer = {k: str(contact.get(k) or "") for k in ("name", "phone", "email")}
        with self.db.write() as conn:
            self.audit(
                conn,
                who=principal.name,
                role=principal.role,
                console=principal.console_id,
                action="contact.read",
                target=number,
                outcome=200,
                detail={"fields": [k for k, v in answer.items() if v]},
            )
        return {"number": number, **answer}

    # -- actions ---------------------------------------------------------------------------------------

    def _prepare_payload(self, action: Action, payload: dict[str, Any]) -> dict[str, Any]:
        """Hub-level checks of an action's inputs (types, plain text, codes of the jurisdiction)."""
        rule = RULES.get(action)
        for name in payload:
            if name in LOCAL_KEYS or rule is None or name not in rule.keys:
                # Named, whatever it is: "actor_name" is the hub's to write, not a client's.
                raise ValidationError("field.unknown", field=str(name)[:64], action=action)
        limits = {**MAX_TEXT, "comment": 2000, "original": 40}
        check_payload_text(payload, limits)
        data = dict(payload)
        jurisdiction = self.pack.jurisdiction
        if action is Action.CLASSIFY and data.get("category") not in (None, ""):
            self.check_category(data["category"], for_new_report=True)
        if action is Action.FORWARD and data.get("agency") not in (None, ""):
            agency = data["agency"]
            if not isinstance(agency, str) or agency not in jurisdiction.agencies:
                raise ValidationError("forward.unknown_agency", field="agency", agency=str(agency)[:64])
        if action is Action.RELOCATE and data.get("location") is not None:
            raw = data["location"]
            if not isinstance(raw, dict):
                raise invalid("location", "expected an object with lat, lon, address, unit_code")
            try:
                loc = resolve_location(
                    jurisdiction,
                    lat=raw.get("lat"),
                    lon=raw.get("lon"),
                    address=raw.get("address"),
                    unit_code=raw.get("unit_code"),
                )
            except ValidationError as error:
                # Named after the payload's field, whichever part of it was wrong.
                raise ValidationError(error.code, field="location", **dict(error.params)) from None
            data["location"] = {
                "lat": loc.lat,
                "lon": loc.lon,
                "address": loc.address,
                "unit_code": loc.unit_code,
            }
        if "attachments" in data:
            ids = data["attachments"]
            if not isinstance(ids, list) or not all(isinstance(i, str) and 0 < len(i) <= 32 for i in ids):
                raise invalid("attachments", "expected a list of attachment ids")
            if len(set(ids)) != len(ids):
                raise invalid("attachments", "an attachment is listed twice")
        for name in (*MAX_TEXT, "comment", "category", "agency", "priority", "original"):
            if name in data and data[name] is not None and not isinstance(data[name], str):
                raise invalid(name, type(data[name]).__name__)
        return data

    @staticmethod
    def fingerprint(number: str, action: str, payload: Mapping[str, Any]) -> str:
        """What an idempotency key stands for. The base version is left out on purpose: a client that
        lost the answer and retries on top of the version it now sees must get the first answer."""
        text = json.dumps([number, action, payload], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def act(
        self,
        principal: Principal,
        number: str,
        action_name: str,
        *,
        key: str,
        base_version: int,
        payload: dict[str, Any],
    ) -> Answer:
        """Take one action; a replayed key returns the stored first answer."""
        try:
            action = Action(action_name)
        except ValueError:
            raise HubError(404, "not_found") from None
        if action not in STAFF_ACTIONS:
            raise HubError(404, "not_found")
        fp = self.fingerprint(number, action.value, payload)
        try:
            data = self._prepare_payload(action, payload)
        except DomainError as error:
            raise from_domain(error) from None
        for attempt in (1, 2):
            try:
                return self._act_once(principal, number, action, key, base_version, data, fp)
            except IntegrityError:
                # Another request stored the same idempotency key meanwhile: answer as a replay.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _act_once(
        self,
        principal: Principal,
        number: str,
        action: Action,
        key: str,
        base_version: int,
        data: dict[str, Any],
        fp: str,
    ) -> Answer:
        pack = self.pack
        now = self.now()
        with self.db.write() as conn:
            locked = conn.execute(_LOCK_REPORT, {"b_number": number}).first()
            stored = self._stored_answer(conn, principal, key, fp)
            if stored is not None:
                return stored
            if locked is None or not principal.may_see(locked.visible_agency):
                raise HubError(404, "report.not_found", number=number[:40])
            row = locked
            doc = json.loads(row.doc)
            last = (doc.get("history") or [{}])[-1]
            current = {
                "report": doc if principal.sees_province else without_contact(doc),
                "changed_by": {
                    "name": row.last_actor,
                    "display_name": str((last.get("data") or {}).get(ACTOR_NAME) or ""),
                    "role": row.last_role,
                    "at": row.updated_at.isoformat(),
                },
            }
            if row.version != base_version:
                raise HubError(
                    409,
                    "version.stale",
                    field="base_version",
                    extra=current,
                    actor=row.last_actor,
                    at=row.updated_at.astimezone(ZoneInfo(pack.jurisdiction.timezone)).strftime(
                        "%H:%M %d/%m/%Y"
                    ),
                    version=row.version,
                )
            report, event, seq = self._apply_locked(
                conn, row, principal.actor, action, data, now, current, principal.display_name
            )
            wire = report_to_wire(report)
            body = _dumps(
                {
                    "report": wire if principal.sees_province else without_contact(wire),
                    "event": event_to_wire(event),
                    "seq": seq,
                }
            )
            self._store_answer(conn, principal, key, fp, 200, body)
            self.audit(
                conn,
                who=principal.name,
                role=principal.role,
                console=principal.console_id,
                action=action.value,
                target=number,
                outcome=200,
                detail={"version": report.version, "seq": seq, "to": report.status.value},
            )
        self.notify()
        return Answer(200, body)

    def _apply_locked(
        self,
        conn: Connection,
        row: Any,
        actor: Actor,
        action: Action,
        data: dict[str, Any],
        now: datetime,
        current: dict[str, Any],
        display_name: str = "",
    ) -> tuple[Report, Event, int]:
        """Apply a checked action to the locked report row and write the change (new seq last);
        the history entry names the person (``display_name``) beside their account."""
        pack = self.pack
        report = report_from_wire(json.loads(row.doc))
        attach_ids: list[str] = list(data.get("attachments") or [])
        blobs: list[Any] = []
        if attach_ids:
            blobs = list(
                conn.execute(
                    select(
                        schema.attachments.c.id,
                        schema.attachments.c.content_type,
                        schema.attachments.c.size,
                        schema.attachments.c.uploaded_at,
                    ).where(
                        schema.attachments.c.id.in_(attach_ids),
                        schema.attachments.c.report_id == row.id,
                        schema.attachments.c.attached.is_(False),
                    )
                )
            )
            found = {b.id for b in blobs}
            missing = [i for i in attach_ids if i not in found]
            if missing:
                raise HubError(422, "attachment.unusable", field="attachments", id=missing[0])

        def exists(original: str) -> bool:
            return (
                conn.execute(select(schema.reports.c.id).where(schema.reports.c.number == original)).first()
                is not None
            )

        try:
            if action is Action.FORWARD and data.get("agency"):
                # A committee takes only reports in its own area, whichever client forwards.
                pack.jurisdiction.check_reach(str(data["agency"]), report.location.unit_code)
            event = apply_action(
                report,
                action,
                actor,
                data,
                now,
                pack.calendar,
                pack.jurisdiction.policy,
                report_exists=exists,
            )
        except DomainError as error:
            raise from_domain(error, extra=current if isinstance(error, TransitionError) else None) from None
        if display_name:
            event.data[ACTOR_NAME] = display_name
        stage = _ATTACHMENT_STAGE.get(action, "report")
        order = {i: n for n, i in enumerate(attach_ids)}
        for blob in sorted(blobs, key=lambda b: order[b.id]):
            report.attachments.append(
                Attachment(
                    id=blob.id,
                    kind="photo",
                    content_type=blob.content_type,
                    size=int(blob.size),
                    url=f"/api/v1/attachments/{blob.id}",
                    added_at=now,
                    stage=stage,
                )
            )
        if attach_ids:
            conn.execute(
                update(schema.attachments)
                .where(schema.attachments.c.id.in_(attach_ids))
                .values(attached=True, stage=stage)
            )
        before = row.visible_agency
        after = visible_agency(report)
        seq = Database.next_value(conn, schema.SEQ)
        conn.execute(_UPDATE_REPORT, {**self._row_values(report, actor), "seq": seq, "b_rid": row.id})
        conn.execute(_INSERT_EVENT, self._event_values(row.id, event, report.contact))
        if before is not None and before != after:
            self._tombstone(conn, before, row.id, seq)
        if after is not None and before != after:
            conn.execute(
                delete(schema.removals).where(
                    schema.removals.c.agency == after, schema.removals.c.report_id == row.id
                )
            )
        return report, event, seq

    def channel_act(
        self,
        channel: ChannelInfo,
        number: str,
        action: Action,
        payload: dict[str, Any],
        *,
        token: str | None = None,
    ) -> Report:
        """An action a citizen takes through a channel (rating, supplying information), on a report
        sent through that channel, or one whose Open311 ``token`` the channel presents."""
        try:
            data = self._prepare_payload(action, payload)
        except DomainError as error:
            raise from_domain(error) from None
        actor = Actor(channel.name, Role.CHANNEL)
        with self.db.write() as conn:
            row = conn.execute(_LOCK_REPORT, {"b_number": number}).first()
            if row is None:
                raise HubError(404, "report.not_found", number=number[:40])
            own = row.channel_id is not None and int(row.channel_id) == channel.id
            if not own and not (token and hmac.compare_digest(token.encode(), str(row.token).encode())):
                raise HubError(403, "report.other_channel", number=number[:40])
            report, _event, seq = self._apply_locked(conn, row, actor, action, data, self.now(), {})
            if action is Action.RATE and data.get("satisfied") is False:
                # An unsatisfied citizen puts the report back before the IOC: the hub reopens it
                # (a new triage stage and reply deadline); the rating stays on it for the figures.
                row = conn.execute(_LOCK_REPORT, {"b_number": number}).first()
                reason = "Người dân không hài lòng với kết quả xử lý"
                comment = str(data.get("comment") or "").strip()[:1500]
                reopen = {"reason": f"{reason}: {comment}" if comment else reason, "rating": "unsatisfied"}
                report, _event, seq = self._apply_locked(
                    conn, row, Actor(channel.name, Role.SYSTEM), Action.REOPEN, reopen, self.now(), {}
                )
            self.audit(
                conn,
                who=channel.name,
                role=Role.CHANNEL,
                console="",
                action=action.value,
                target=number,
                outcome=200,
                detail={"version": report.version, "seq": seq},
            )
        self.notify()
        return report

    def _tombstone(self, conn: Connection, agency: str, report_id: int, seq: int) -> None:
        exists = conn.execute(
            select(schema.removals.c.seq).where(
                schema.removals.c.agency == agency, schema.removals.c.report_id == report_id
            )
        ).first()
        if exists is None:
            conn.execute(insert(schema.removals).values(agency=agency, report_id=report_id, seq=seq))
        else:
            conn.execute(
                update(schema.removals)
                .where(schema.removals.c.agency == agency, schema.removals.c.report_id == report_id)
                .values(seq=seq)
            )

    # -- the change feed ------------------------------------------------------------------------------

    def feed(self, principal: Principal, after: int, limit: int) -> bytes:
        """Changes after ``after`` in sequence order, as JSON (UTF-8) with the report documents spliced
        in as stored.

        ``{"changes": [{"seq", "kind": "upsert", "number", "report"} | {"seq", "kind": "remove",
        "number"}], "cursor": "<seq>", "more": bool}``, the cursor last (consoles read it off the end
        of a page before parsing it). A liaison gets their agency's reports and a ``remove`` for each
        report that left their agency.
        """
        limit = max(1, min(limit, self.settings.max_feed_limit))
        liaison = not principal.sees_province
        params = {"b_after": after, "b_limit": limit + 1, "b_agency": principal.agency or ""}
        with self.db.read() as conn:
            # Read the counter first: every change numbered up to it is committed, so when this page
            # is the last one the cursor may jump to it without skipping anything.
            head = Database.counter(conn, schema.SEQ)
            if self._docs_as_bytes is None:
                # A SQLite file keeps its text in one encoding for good: CAST(doc AS BLOB) gives
                # UTF-8 unless the file was made UTF-16 (never by the hub, but it could be handed one).
                self._docs_as_bytes = (
                    self.db.is_sqlite and conn.exec_driver_sql("PRAGMA encoding").scalar() == "UTF-8"
                )
            # The driver's rows as they come (none of these columns has a result processor): making
            # SQLAlchemy rows of them costs a fifth of the time the rows take to read.
            result = conn.execute(_FEED[self._docs_as_bytes][liaison], params)
            rows: list[tuple[int, str, Any]] = list(result.cursor.fetchall())
            result.close()
            if liaison and principal.agency:
                rows.extend((s, n, None) for s, n in conn.execute(_FEED_REMOVALS, params))
                rows.sort(key=lambda item: item[0])
        more = len(rows) > limit
        del rows[limit:]
        cursor = int(rows[-1][0]) if rows else after
        if not more:
            cursor = max(cursor, head)
        # One join of the pieces: every document is copied once, into the body.
        pieces = [b'{"changes":[']
        separator = b""
        for seq, number, doc in rows:
            quoted = json.dumps(number).encode()
            if doc is None:
                pieces.append(b'%s{"seq":%d,"kind":"remove","number":%s}' % (separator, seq, quoted))
            else:
                if liaison:  # the contact withheld (an agency's pages are small: decoding costs little)
                    doc = _dumps(without_contact(json.loads(doc)))
                pieces.append(b'%s{"seq":%d,"kind":"upsert","number":%s,"report":' % (separator, seq, quoted))
                pieces.append(doc if isinstance(doc, bytes) else doc.encode())
                pieces.append(b"}")
            separator = b","
        pieces.append(b'],"cursor":"%d","more":%s}' % (cursor, b"true" if more else b"false"))
        return b"".join(pieces)

    def changes_since(
        self, after: int, window: int = 5000
    ) -> tuple[int, int, list[tuple[int, str, str | None, str]]]:
        """For live events: ``(upto, head, [(seq, number, agency, kind)])``: the changes numbered in
        ``(after, upto]``, where ``upto`` is at most ``window`` past ``after`` and at most ``head``."""
        r = schema.reports
        with self.db.read() as conn:
            head = Database.counter(conn, schema.SEQ)
            if head <= after:
                return head, head, []
            upto = min(head, after + window)
            out: list[tuple[int, str, str | None, str]] = [
                (int(s), n, a, "upsert")
                for s, n, a in conn.execute(
                    select(r.c.seq, r.c.number, r.c.visible_agency)
                    .where(r.c.seq > after, r.c.seq <= upto)
                    .order_by(r.c.seq)
                )
            ]
            out.extend(
                (int(s), n, a, "remove")
                for s, n, a in conn.execute(
                    select(schema.removals.c.seq, r.c.number, schema.removals.c.agency)
                    .select_from(schema.removals.join(r, schema.removals.c.report_id == r.c.id))
                    .where(schema.removals.c.seq > after, schema.removals.c.seq <= upto)
                )
            )
        out.sort(key=lambda item: item[0])
        return upto, head, out

    def head(self) -> int:
        with self.db.read() as conn:
            return Database.counter(conn, schema.SEQ)

    # -- attachments ------------------------------------------------------------------------------

    def add_attachment(
        self, principal: Principal, number: str, stage: str, data: bytes, content_type: str
    ) -> dict[str, Any]:
        if stage not in ATTACHMENT_STAGES:
            raise invalid("stage", stage[:20])
        digest = hashlib.sha256(data).hexdigest()
        ident = secrets.token_hex(12)
        now = self.now()
        with self.db.write() as conn:
            row = self._visible_row(conn, principal, number)
            count = conn.execute(
                select(func.count())
                .select_from(schema.attachments)
                .where(schema.attachments.c.report_id == row.id)
            ).scalar_one()
            if count >= self.settings.max_attachments_per_report:
                raise HubError(
                    422,
                    "attachment.too_many",
                    field="attachments",
                    limit=self.settings.max_attachments_per_report,
                )
            conn.execute(
                insert(schema.attachments).values(
                    id=ident,
                    report_id=row.id,
                    attached=False,
                    stage=stage,
                    content_type=content_type,
                    size=len(data),
                    sha256=digest,
                    data=data,
                    uploaded_by=principal.name,
                    uploaded_at=now,
                )
            )
            self.audit(
                conn,
                who=principal.name,
                role=principal.role,
                console=principal.console_id,
                action="upload",
                target=number,
                outcome=201,
                detail={"attachment": ident, "size": len(data), "type": content_type},
            )
        return {
            "id": ident,
            "report": number,
            "stage": stage,
            "content_type": content_type,
            "size": len(data),
            "sha256": digest,
            "url": f"/api/v1/attachments/{ident}",
        }

    def attachment(self, principal: Principal, ident: str) -> tuple[str, bytes]:
        a = schema.attachments
        with self.db.read() as conn:
            row = conn.execute(
                select(a.c.content_type, a.c.data, schema.reports.c.visible_agency)
                .select_from(a.join(schema.reports))
                .where(a.c.id == ident)
            ).first()
        if row is None or not principal.may_see(row.visible_agency):
            raise HubError(404, "attachment.not_found", id=ident[:40])
        return str(row.content_type), bytes(row.data)

    # -- statistics ---------------------------------------------------------------------------------

    def stats(self, principal: Principal) -> dict[str, Any]:
        r = schema.reports
        pack = self.pack
        now = self.now()
        scope: list[Any] = []
        if not principal.sees_province:
            scope.append(r.c.visible_agency == (principal.agency or ""))
        tz = ZoneInfo(pack.jurisdiction.timezone)
        today = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
        terminal = [s.value for s in TERMINAL]

        def grouped(conn: Connection, column: Any, *extra: Any) -> dict[str, int]:
            rows = conn.execute(select(column, func.count()).where(*scope, *extra).group_by(column))
            return {str(k) if k is not None else "": int(n) for k, n in rows}

        with self.db.read() as conn:
            total = conn.execute(select(func.count()).select_from(r).where(*scope)).scalar_one()
            by_status = grouped(conn, r.c.status)
            by_category = grouped(conn, r.c.category)
            by_agency = grouped(conn, r.c.agency, r.c.agency.is_not(None))
            open_by_agency = grouped(conn, r.c.agency, r.c.agency.is_not(None), r.c.status.not_in(terminal))
            received_today = conn.execute(
                select(func.count()).select_from(r).where(*scope, r.c.received_at >= today)
            ).scalar_one()
            open_rows = conn.execute(
                select(r.c.due_at, r.c.agency).where(*scope, r.c.status.not_in(terminal))
            ).all()
            rated = conn.execute(
                select(r.c.agency, r.c.satisfied, func.count())
                .where(*scope, r.c.satisfied.is_not(None))
                .group_by(r.c.agency, r.c.satisfied)
            ).all()
        boundary = due_soon_boundary(now, pack.calendar, pack.jurisdiction.policy)
        states = {s.value: 0 for s in DeadlineState}
        overdue_by_agency: dict[str, int] = {}
        for due, agency in open_rows:
            state = deadline_state(due, now, boundary, False)
            states[state.value] += 1
            if state is DeadlineState.OVERDUE and agency is not None:
                overdue_by_agency[agency] = overdue_by_agency.get(agency, 0) + 1
        sat_total = sum(int(n) for _, s, n in rated)
        sat_yes = sum(int(n) for _, s, n in rated if s)
        per_agency: dict[str, dict[str, int]] = {}
        for agency, s, n in rated:
            if agency is None:
                continue
            entry = per_agency.setdefault(agency, {"rated": 0, "satisfied": 0})
            entry["rated"] += int(n)
            if s:
                entry["satisfied"] += int(n)
        return {
            "scope": "province" if principal.sees_province else principal.agency,
            "at": now.isoformat(),
            "total": int(total),
            "received_today": int(received_today),
            "by_status": by_status,
            "by_category": by_category,
            "by_agency": by_agency,
            "open_by_agency": open_by_agency,
            "overdue_by_agency": overdue_by_agency,
            "by_deadline_state": states,
            "satisfaction": {
                "rated": sat_total,
                "satisfied": sat_yes,
                "rate": (sat_yes / sat_total) if sat_total else None,
                "by_agency": per_agency,
            },
        }

    # -- administration ---------------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        role: Role,
        agency: str | None,
        password: str,
        *,
        display_name: str = "",
        by: Principal | None = None,
    ) -> dict[str, Any]:
        name = plain_text("username", name, limit=100, required=True)
        display_name = plain_text("name", display_name, limit=MAX_NAME)
        if role not in STAFF_ROLES:
            raise invalid("role", str(role))
        if role is Role.LIAISON:
            if not agency:
                raise ValidationError("field.required", field="agency")
            if agency not in self.pack.jurisdiction.agencies:
                raise ValidationError("forward.unknown_agency", field="agency", agency=agency[:64])
        elif agency and agency not in self.pack.jurisdiction.agencies:
            raise ValidationError("forward.unknown_agency", field="agency", agency=agency[:64])
        if len(password) < 8:
            raise invalid("password", "at least 8 characters")
        hashed = hash_password(password)
        try:
            with self.db.write() as conn:
                conn.execute(
                    insert(schema.users).values(
                        name=name,
                        display_name=display_name,
                        role=role.value,
                        agency=agency or None,
                        password_hash=hashed,
                        active=True,
                        created_at=self.now(),
                    )
                )
                if by is not None:
                    self.audit(
                        conn,
                        who=by.name,
                        role=by.role,
                        console=by.console_id,
                        action="user.add",
                        target=name,
                        outcome=201,
                        detail={"role": role.value, "agency": agency},
                    )
        except IntegrityError:
            raise HubError(409, "user.exists", field="username", name=name) from None
        return {
            "name": name,
            "display_name": display_name,
            "role": role.value,
            "agency": agency or None,
            "active": True,
        }

    def list_users(self) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            rows = conn.execute(select(schema.users).order_by(schema.users.c.name)).all()
        return [self._user_json(r._mapping) for r in rows]

    def update_user(self, by: Principal, name: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if "role" in changes and changes["role"] is not None:
            try:
                role = Role(changes["role"])
            except ValueError:
                raise invalid("role", str(changes["role"])[:20]) from None
            if role not in STAFF_ROLES:
                raise invalid("role", role.value)
            values["role"] = role.value
        if "agency" in changes:
            agency = changes["agency"]
            if agency is not None and agency not in self.pack.jurisdiction.agencies:
                raise ValidationError("forward.unknown_agency", field="agency", agency=str(agency)[:64])
            values["agency"] = agency
        if changes.get("active") is not None:
            values["active"] = bool(changes["active"])
        if changes.get("password") is not None:
            password = str(changes["password"])
            if len(password) < 8:
                raise invalid("password", "at least 8 characters")
            values["password_hash"] = hash_password(password)
        if changes.get("display_name") is not None:
            values["display_name"] = plain_text("name", changes["display_name"], limit=MAX_NAME)
        with self.db.write() as conn:
            user = conn.execute(select(schema.users).where(schema.users.c.name == name)).first()
            if user is None:
                raise HubError(404, "user.not_found", name=name[:100])
            role_after = values.get("role", user.role)
            agency_after = values.get("agency", user.agency)
            if role_after == Role.LIAISON.value and not agency_after:
                raise ValidationError("field.required", field="agency")
            if values:
                conn.execute(update(schema.users).where(schema.users.c.id == user.id).values(**values))
            if (
                values.get("active") is False
                or "password_hash" in values
                or "role" in values
                or "agency" in values
            ):
                conn.execute(delete(schema.tokens).where(schema.tokens.c.user_id == user.id))
            self.audit(
                conn,
                who=by.name,
                role=by.role,
                console=by.console_id,
                action="user.update",
                target=name,
                outcome=200,
                detail={k: v for k, v in values.items() if k != "password_hash"},
            )
            row = conn.execute(select(schema.users).where(schema.users.c.id == user.id)).one()
        return self._user_json(row._mapping)

    def add_channel(self, name: str, kind: Channel, *, by: Principal | None = None) -> dict[str, Any]:
        name = plain_text("name", name, limit=100, required=True)
        key = new_secret("ch")
        try:
            with self.db.write() as conn:
                conn.execute(
                    insert(schema.channels).values(
                        name=name,
                        kind=kind.value,
                        key_hash=secret_hash(key),
                        active=True,
                        created_at=self.now(),
                    )
                )
                if by is not None:
                    self.audit(
                        conn,
                        who=by.name,
                        role=by.role,
                        console=by.console_id,
                        action="channel.add",
                        target=name,
                        outcome=201,
                        detail={"kind": kind.value},
                    )
        except IntegrityError:
            raise HubError(409, "channel.exists", field="name", name=name) from None
        return {"name": name, "kind": kind.value, "active": True, "api_key": key}

    def list_channels(self) -> list[dict[str, Any]]:
        c = schema.channels
        with self.db.read() as conn:
            rows = conn.execute(
                select(c.c.name, c.c.kind, c.c.active, c.c.created_at).order_by(c.c.name)
            ).all()
        return [
            {"name": r.name, "kind": r.kind, "active": bool(r.active), "created_at": r.created_at.isoformat()}
            for r in rows
        ]

    def set_channel_active(self, by: Principal, name: str, active: bool) -> dict[str, Any]:
        c = schema.channels
        with self.db.write() as conn:
            done = conn.execute(update(c).where(c.c.name == name).values(active=active)).rowcount
            self._channels.clear()
            if not done:
                raise HubError(404, "channel.not_found", name=name[:100])
            self.audit(
                conn,
                who=by.name,
                role=by.role,
                console=by.console_id,
                action="channel.enable" if active else "channel.disable",
                target=name,
                outcome=200,
            )
            row = conn.execute(select(c.c.name, c.c.kind, c.c.active).where(c.c.name == name)).one()
        return {"name": row.name, "kind": row.kind, "active": bool(row.active)}

    def load_history(self, reports: Iterable[Report], *, by: str, batch: int = 500) -> int:
        """Store whole reports with their histories as they are (numbers, versions, events): the
        demo hub's first run (with the pictures of their photos, see :meth:`_draw_demo_photos`).
        Each report takes the next change number, so consoles get them in the feed; nothing is audited per report (one audit line says who loaded how many)."""
        count = 0
        rows: list[tuple[Report, dict[str, Any], list[tuple[Attachment, bytes]]]] = []

        scheme = self.pack.jurisdiction.numbers

        def flush(conn: Connection) -> None:
            highest: dict[int, int] = {}
            for report, values, photos in rows:
                values["seq"] = Database.next_value(conn, schema.SEQ)
                report_id = conn.execute(_INSERT_REPORT, values).scalar_one()
                if report.history:
                    conn.execute(
                        _INSERT_EVENT,
                        [self._event_values(report_id, e, report.contact) for e in report.history],
                    )
                self._store_photos(conn, report_id, photos, by)
                parsed = scheme.parse(report.number)
                if parsed is not None and parsed[1] > highest.get(parsed[0], 0):
                    highest[parsed[0]] = parsed[1]
            # New reports are numbered after these, whenever their counter was started.
            for year, serial in highest.items():
                Database.raise_report_counter(conn, scheme, year, serial)
            rows.clear()

        for report in reports:
            photos = self._draw_demo_photos(report)
            last = report.history[-1] if report.history else None
            actor = Actor(last.actor, last.role) if last is not None else Actor(by, Role.SYSTEM)
            values = {
                **self._row_values(report, actor),
                "token": secrets.token_hex(12),
                "channel_id": None,
                "account_id": None,
                "external_source": None,
                "external_id": None,
            }
            rows.append((report, values, photos))
            count += 1
            if len(rows) >= batch:
                with self.db.write() as conn:
                    flush(conn)
        with self.db.write() as conn:
            flush(conn)
            self.audit(
                conn,
                who=by,
                role=Role.SYSTEM,
                console="",
                action="load_history",
                target=str(count),
                outcome=200,
            )
        return count

    def store_missing_demo_photos(self, *, by: str, batch: int = 500) -> int:
        """On the demo hub: draw and store the photos of reports that have none stored (a demo hub
        built before the hub stored them); how many were stored. Nothing to do once any is stored."""
        if self.settings.demo_photos is None:
            return 0
        r, a = schema.reports, schema.attachments
        with self.db.read() as conn:
            if conn.execute(select(a.c.id).limit(1)).first() is not None:
                return 0
        stored, after = 0, 0
        while True:
            with self.db.read() as conn:
                rows = conn.execute(
                    select(r.c.id, r.c.doc).where(r.c.id > after).order_by(r.c.id).limit(batch)
                ).all()
            with self.db.write() as conn:
                for report_id, doc in rows:
                    report = report_from_wire(json.loads(doc))
                    photos = self._draw_demo_photos(report)
                    self._store_photos(conn, int(report_id), photos, by)
                    stored += len(photos)
            if len(rows) < batch:
                return stored
            after = int(rows[-1][0])

    def audit_log(self, after: int, limit: int) -> list[dict[str, Any]]:
        a = schema.audit
        with self.db.read() as conn:
            rows = conn.execute(select(a).where(a.c.id > after).order_by(a.c.id).limit(limit)).all()
        return [
            {
                "id": int(r.id),
                "at": r.at.isoformat(),
                "user": r.user_name,
                "role": r.role,
                "console": r.console_id,
                "action": r.action,
                "target": r.target,
                "outcome": int(r.outcome),
                "detail": json.loads(r.detail),
            }
            for r in rows
        ]


def actions_for(role: Role) -> Iterable[Action]:
    return (a for a in STAFF_ACTIONS if role in RULES[a].roles or role is Role.ADMIN)


__all__ = [
    "ATTACHMENT_STAGES",
    "STAFF_ACTIONS",
    "Answer",
    "ChannelInfo",
    "HubService",
    "Intake",
    "Principal",
]

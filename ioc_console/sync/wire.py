"""The hub's staff wire format as the console reads it: strict, typed, with located errors.

Everything the hub sends is checked before it reaches the local store: each field has the JSON type
the format promises (an integer is not a string of digits, a boolean is not a number), enum values
are known ones, times are ISO 8601 with an offset. Keys a newer hub may add are ignored. A document
that breaks the format raises :class:`WireError` naming where (``changes[12].report.history[3].at``)
and what was expected, so a malformed page is refused whole and never half-applied.

The decoders are written for speed as much as for strictness: a first sync reads hundreds of
thousands of reports, so the happy path does dictionary lookups and ``isinstance`` checks only, and
error locations are assembled only when something is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NoReturn

import orjson

from ioc_console.domain.lifecycle import Action, Channel, Priority, Role, Status
from ioc_console.domain.report import Attachment, Contact, Event, Location, Report
from ioc_console.store import compact
from ioc_console.store.rows import PreparedReport

_STATUS: Final = {s.value: s for s in Status}
_CHANNEL: Final = {c.value: c for c in Channel}
_PRIORITY: Final = {p.value: p for p in Priority}
_ROLE: Final = {r.value: r for r in Role}
_ACTION: Final = {a.value: a for a in Action}
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_TICK: Final = timedelta(microseconds=1)


class WireError(ValueError):
    """A document from the hub does not follow the wire format. ``where`` locates the value."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where or 'document'}: {problem}")

    def __reduce__(self) -> tuple[type[WireError], tuple[str, str]]:
        # (raised in a first sync's decoding process, it is pickled back whole)
        return (WireError, (self.where, self.problem))


class _Bad(Exception):
    """Raised inside the decoders; turned into :class:`WireError` with the full location."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string" if len(value) <= 40 else "a long string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _fail(where: str, expected: str, value: object) -> NoReturn:
    shown = f" {value!r}" if isinstance(value, str) and len(value) <= 40 else ""
    raise _Bad(where, f"expected {expected}, got {_kind(value)}{shown}")


def _join(prefix: str, where: str) -> str:
    if not where:
        return prefix
    if not prefix:
        return where
    return f"{prefix}{where}" if where.startswith("[") else f"{prefix}.{where}"


def _relocate(prefix: str, error: _Bad) -> _Bad:
    return _Bad(_join(prefix, error.where), error.problem)


# -- scalar readers -------------------------------------------------------------------------------


def _obj(value: object, where: str) -> dict[str, Any]:
    if type(value) is not dict:
        _fail(where, "an object", value)
    return value


def _list(value: object, where: str) -> list[Any]:
    if type(value) is not list:
        _fail(where, "a list", value)
    return value


def _str(d: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = d.get(key, default)
    if type(value) is str:
        return value
    if value is None and key not in d:
        raise _Bad(key, "missing")
    _fail(key, "a string", value)


def _opt_str(d: Mapping[str, Any], key: str) -> str | None:
    value = d.get(key)
    if value is None or type(value) is str:
        return value
    _fail(key, "a string or null", value)


def _int(d: Mapping[str, Any], key: str, default: int | None = None) -> int:
    value = d.get(key, default)
    if type(value) is int:
        return value
    if value is None and key not in d:
        raise _Bad(key, "missing")
    _fail(key, "an integer", value)


def _number(value: object, where: str) -> float:
    kind = type(value)
    if kind is float:
        return value  # type: ignore[return-value]
    if kind is int:
        return float(value)  # type: ignore[arg-type]
    _fail(where, "a number", value)


def _opt_number(d: Mapping[str, Any], key: str) -> float | None:
    value = d.get(key)
    if value is None:
        return None
    return _number(value, key)


def _opt_bool(d: Mapping[str, Any], key: str) -> bool | None:
    value = d.get(key)
    if value is None or type(value) is bool:
        return value
    _fail(key, "true, false or null", value)


def _time(value: object, where: str) -> datetime:
    if type(value) is not str:
        _fail(where, "an ISO 8601 time", value)
    try:
        parsed = datetime.fromisoformat(value)  # type: ignore[arg-type]
    except ValueError:
        _fail(where, "an ISO 8601 time", value)
    if parsed.tzinfo is None:
        raise _Bad(where, f"time without an offset {value!r}")
    return parsed


def _opt_time(d: Mapping[str, Any], key: str) -> datetime | None:
    value = d.get(key)
    if value is None:
        return None
    return _time(value, key)


def _enum(table: Mapping[str, Any], value: object, where: str, what: str) -> Any:
    if type(value) is not str:
        _fail(where, f"{what} (a string)", value)
    member = table.get(value)  # type: ignore[call-overload]
    if member is None:
        raise _Bad(where, f"unknown {what} {str(value)[:40]!r}")
    return member


# -- records --------------------------------------------------------------------------------------


def _location(value: object) -> Location:
    d = _obj(value, "location")
    try:
        return Location(
            lat=_opt_number(d, "lat"),
            lon=_opt_number(d, "lon"),
            address=_str(d, "address", ""),
            unit_code=_opt_str(d, "unit_code"),
        )
    except _Bad as error:
        raise _relocate("location", error) from None


def _contact(value: object) -> Contact:
    if value is None:
        return Contact()
    d = _obj(value, "contact")
    try:
        return Contact(name=_str(d, "name", ""), phone=_str(d, "phone", ""), email=_str(d, "email", ""))
    except _Bad as error:
        raise _relocate("contact", error) from None


def _attachment(value: object) -> Attachment:
    d = _obj(value, "")
    size = _int(d, "size", 0)
    if size < 0:
        raise _Bad("size", f"negative size {size}")
    return Attachment(
        id=_str(d, "id"),
        kind=_str(d, "kind", "photo"),
        content_type=_str(d, "content_type", ""),
        size=size,
        url=_str(d, "url", ""),
        added_at=_opt_time(d, "added_at"),
        stage=_str(d, "stage", "report"),
    )


def _event(value: object) -> Event:
    d = _obj(value, "")
    data = d.get("data")
    if data is None:
        data = {}
    elif type(data) is not dict:
        _fail("data", "an object", data)
    source = d.get("from_status")
    return Event(
        seq=_int(d, "seq"),
        at=_time(d.get("at"), "at"),
        actor=_str(d, "actor"),
        role=_enum(_ROLE, d.get("role"), "role", "role"),
        action=_enum(_ACTION, d.get("action"), "action", "action"),
        from_status=None if source is None else _enum(_STATUS, source, "from_status", "status"),
        to_status=_enum(_STATUS, d.get("to_status"), "to_status", "status"),
        data=data,
    )


def _event_entry(value: object) -> list[Any]:
    """:func:`_event`'s checks, giving the local store's compact entry (:mod:`ioc_console.store.compact`)
    instead of an :class:`Event`: what a first sync writes, without objects made only to be taken
    apart again."""
    d = _obj(value, "")
    data = d.get("data")
    if data is None:
        data = {}
    elif type(data) is not dict:
        _fail("data", "an object", data)
    source = d.get("from_status")
    return [
        _int(d, "seq"),
        (_time(d.get("at"), "at") - _EPOCH) // _TICK,
        _str(d, "actor"),
        _enum(_ROLE, d.get("role"), "role", "role")._value_,
        _enum(_ACTION, d.get("action"), "action", "action")._value_,
        None if source is None else _enum(_STATUS, source, "from_status", "status")._value_,
        _enum(_STATUS, d.get("to_status"), "to_status", "status")._value_,
        data,
    ]


def _attachment_entry(value: object) -> list[Any]:
    """:func:`_attachment`'s checks, giving the store's compact entry."""
    d = _obj(value, "")
    size = _int(d, "size", 0)
    if size < 0:
        raise _Bad("size", f"negative size {size}")
    ident = _str(d, "id")
    kind = _str(d, "kind", "photo")
    content_type = _str(d, "content_type", "")
    url = _str(d, "url", "")
    added = _opt_time(d, "added_at")
    return [
        ident,
        kind,
        content_type,
        size,
        url,
        None if added is None else (added - _EPOCH) // _TICK,
        _str(d, "stage", "report"),
    ]


def _compact_items(value: object, key: str, read: Any) -> str:
    """A report's history or attachments as the store's compact JSON text."""
    entries = _items(value, key, read)
    return compact.dumps(entries) if entries else compact.EMPTY


def _items(value: object, key: str, read: Any) -> list[Any]:
    if value is None:
        return []
    items = _list(value, key)
    out = []
    for n, item in enumerate(items):
        try:
            out.append(read(item))
        except _Bad as error:
            raise _relocate(f"{key}[{n}]", error) from None
    return out


def _report(value: object, kept: dict[str, tuple[str, str]] | None = None) -> Report:
    """The report of a document. With ``kept``, its history and attachments are not made objects
    of: they go into ``kept[number]`` as the store's compact texts, and the report has none."""
    d = _obj(value, "")
    number = _str(d, "number")
    if not number:
        raise _Bad("number", "empty report number")
    version = _int(d, "version")
    if version < 1:
        raise _Bad("version", f"version {version} below 1")
    paused = d.get("paused_seconds", 0.0)
    report = Report(
        number=number,
        channel=_enum(_CHANNEL, d.get("channel"), "channel", "channel"),
        category=_str(d, "category"),
        description=_str(d, "description"),
        location=_location(d.get("location")),
        received_at=_time(d.get("received_at"), "received_at"),
        status=_enum(_STATUS, d.get("status"), "status", "status"),
        contact=_contact(d.get("contact")),
        agency=_opt_str(d, "agency"),
        priority=_enum(_PRIORITY, d.get("priority", "normal"), "priority", "priority"),
        title=_str(d, "title", ""),
        reply=_str(d, "reply", ""),
        result=_str(d, "result", ""),
        satisfied=_opt_bool(d, "satisfied"),
        rating_comment=_str(d, "rating_comment", ""),
        duplicate_of=_opt_str(d, "duplicate_of"),
        version=version,
        updated_at=_opt_time(d, "updated_at"),
        stage_started_at=_opt_time(d, "stage_started_at"),
        due_at=_opt_time(d, "due_at"),
        stage_due_at=_opt_time(d, "stage_due_at"),
        paused_since=_opt_time(d, "paused_since"),
        paused_seconds=_number(paused, "paused_seconds"),
        closed_at=_opt_time(d, "closed_at"),
        first_contact_at=_opt_time(d, "first_contact_at"),
        forwarded_at=_opt_time(d, "forwarded_at"),
        attachments=[] if kept is not None else _items(d.get("attachments"), "attachments", _attachment),
        history=[] if kept is not None else _items(d.get("history"), "history", _event),
    )
    if kept is not None:
        attachments = _compact_items(d.get("attachments"), "attachments", _attachment_entry)
        kept[number] = (_compact_items(d.get("history"), "history", _event_entry), attachments)
    return report


def decode_report(value: object, where: str = "report") -> Report:
    """A report document (already parsed from JSON) as a domain :class:`Report`."""
    try:
        return _report(value)
    except _Bad as error:
        raise WireError(_join(where, error.where), error.problem) from None


def _parse(body: bytes | str, what: str) -> Any:
    try:
        return orjson.loads(body)  # several times faster than json on a feed page of megabytes
    except (ValueError, UnicodeDecodeError) as error:
        raise WireError("", f"{what} is not JSON ({str(error)[:80]})") from None


# -- the change feed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedPage:
    """One page of the change feed, ready to apply.

    ``reports`` and ``removed`` hold each report number at most once: when a page names a report
    twice, its later change (by sequence number) wins. ``cursor`` is what to ask for next.
    """

    #: Reports as decoded or, decoded by :func:`ioc_console.sync.fastfeed.prepare_feed_page`, as
    #: the store's rows.
    reports: Sequence[Report | PreparedReport]
    removed: list[str]
    cursor: int
    more: bool
    #: Sequence number of the last change in the page (0 for an empty page).
    last_seq: int = 0
    changes: int = field(default=0)
    #: Decoded ``compact``: each report's history and attachments as the local store keeps them
    #: (``(history, attachments)`` compact JSON texts by number); the reports themselves have none.
    kept: dict[str, tuple[str, str]] = field(default_factory=dict)


def decode_feed_page(body: bytes | str, *, compact: bool = False) -> FeedPage:
    """Parse and check a page of ``GET /api/v1/feed``; raises :class:`WireError` when malformed.

    ``compact`` (the sync engine's way): histories and attachments are checked as strictly but
    kept as the store's compact texts in :attr:`FeedPage.kept` rather than made objects of.
    """
    return feed_page_from(_parse(body, "the feed page"), compact=compact)


_FEED_TAIL: Final = re.compile(rb'"cursor":"([0-9]{1,18})","more":(true|false)\}\s*$')


def feed_page_tail(body: bytes) -> tuple[int, bool] | None:
    """``(cursor, more)`` read off the last bytes of a feed page, where the hub writes them, without
    parsing the page (so the next page can be asked for while this one is parsed); None when they
    are not there. A guess until the page is parsed and checked."""
    found = _FEED_TAIL.search(body, max(0, len(body) - 96))
    if found is None:
        return None
    return int(found.group(1)), found.group(2) == b"true"


def feed_page_from(doc: object, *, compact: bool = False) -> FeedPage:
    try:
        top = _obj(doc, "")
        raw_changes = _list(top.get("changes"), "changes")
        cursor_text = top.get("cursor")
        if type(cursor_text) is not str or not cursor_text.isascii() or not cursor_text.isdigit():
            _fail("cursor", "a string of digits", cursor_text)
        cursor = int(cursor_text)
        more = top.get("more")
        if type(more) is not bool:
            _fail("more", "true or false", more)
    except _Bad as error:
        raise WireError(error.where, error.problem) from None
    latest: dict[str, tuple[int, Report | None]] = {}
    kept: dict[str, tuple[str, str]] | None = {} if compact else None
    last_seq = 0
    for n, change in enumerate(raw_changes):
        try:
            c = _obj(change, "")
            seq = _int(c, "seq")
            if seq <= last_seq:
                raise _Bad("seq", f"sequence {seq} out of order (after {last_seq})")
            last_seq = seq
            kind = c.get("kind")
            number = _str(c, "number")
            if kind == "upsert":
                try:
                    report = _report(c.get("report"), kept)
                except _Bad as error:
                    raise _relocate("report", error) from None
                if report.number != number:
                    raise _Bad("report.number", f"{report.number!r} differs from the change's {number!r}")
                latest[number] = (seq, report)
            elif kind == "remove":
                latest[number] = (seq, None)
            else:
                _fail("kind", "'upsert' or 'remove'", kind)
        except _Bad as error:
            raise WireError(_join(f"changes[{n}]", error.where), error.problem) from None
    if last_seq > cursor:
        raise WireError("cursor", f"cursor {cursor} is behind the page's last change {last_seq}")
    reports = [r for _seq, r in latest.values() if r is not None]
    removed = [number for number, (_seq, r) in latest.items() if r is None]
    return FeedPage(reports, removed, cursor, more, last_seq, len(raw_changes), kept or {})


# -- other answers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: Role
    agency: str | None
    display_name: str = ""


@dataclass(frozen=True)
class Session:
    """A signed-in session: the bearer token (secret), its expiry and the user."""

    token: str
    expires_at: datetime
    user: UserInfo

    def __repr__(self) -> str:  # the token never reaches a log
        return f"Session(user={self.user.name!r}, expires_at={self.expires_at.isoformat()})"


def _user(value: object) -> UserInfo:
    d = _obj(value, "user")
    try:
        return UserInfo(
            name=_str(d, "name"),
            role=_enum(_ROLE, d.get("role"), "role", "role"),
            agency=_opt_str(d, "agency"),
            display_name=_str(d, "display_name", ""),
        )
    except _Bad as error:
        raise _relocate("user", error) from None


def decode_session(body: bytes | str) -> Session:
    doc = _parse(body, "the sign-in answer")
    try:
        d = _obj(doc, "")
        token = _str(d, "token")
        if not token:
            raise _Bad("token", "empty token")
        return Session(
            token=token, expires_at=_time(d.get("expires_at"), "expires_at"), user=_user(d.get("user"))
        )
    except _Bad as error:
        raise WireError(error.where, error.problem) from None


def decode_contact(body: bytes | str) -> Contact:
    """The citizen's contact of a report, as the hub answers a liaison's deliberate read."""
    doc = _parse(body, "the contact answer")
    try:
        return _contact(_obj(doc, ""))
    except _Bad as error:
        raise WireError(error.where, error.problem) from None


def decode_user(body: bytes | str) -> UserInfo:
    doc = _parse(body, "the user answer")
    try:
        return _user(doc)
    except _Bad as error:
        raise WireError(error.where, error.problem) from None


@dataclass(frozen=True)
class ActionResult:
    """The hub applied an action: the report as it is now, the new history entry, its sequence."""

    report: Report
    event: Event | None
    seq: int
    #: The hub had already applied this idempotency key and answered with its first answer.
    replayed: bool = False


def decode_action_result(body: bytes | str, replayed: bool = False) -> ActionResult:
    doc = _parse(body, "the action answer")
    try:
        d = _obj(doc, "")
        try:
            report = _report(d.get("report"))
        except _Bad as error:
            raise _relocate("report", error) from None
        event = None
        if d.get("event") is not None:
            try:
                event = _event(d.get("event"))
            except _Bad as error:
                raise _relocate("event", error) from None
        return ActionResult(report=report, event=event, seq=_int(d, "seq", 0), replayed=replayed)
    except _Bad as error:
        raise WireError(error.where, error.problem) from None


@dataclass(frozen=True)
class ChangedBy:
    """Who last changed a report on the hub, and when (from a refusal's answer)."""

    name: str
    role: Role | None
    at: datetime | None


@dataclass(frozen=True)
class Refusal:
    """The body of a 4xx answer: a stable code, the field, the hub's words, and for a conflict the
    report as the hub holds it and who changed it last."""

    status: int
    code: str
    field: str | None
    message_vi: str
    message_en: str
    current: Report | None = None
    changed_by: ChangedBy | None = None

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


def decode_refusal(status: int, body: bytes | str) -> Refusal:
    """A refusal's body. Unreadable bodies (a proxy's HTML page) give a refusal with only the status;
    a readable one with a malformed ``report`` raises :class:`WireError`."""
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return Refusal(status, f"http.{status}", None, "", "")
    if type(doc) is not dict:
        return Refusal(status, f"http.{status}", None, "", "")
    code = doc.get("error")
    field_name = doc.get("field")
    messages = doc.get("message")
    vi = en = ""
    if type(messages) is dict:
        vi_text, en_text = messages.get("vi"), messages.get("en")
        vi = vi_text if isinstance(vi_text, str) else ""
        en = en_text if isinstance(en_text, str) else ""
    current = None
    if doc.get("report") is not None:
        current = decode_report(doc["report"], "report")
    changed_by = None
    who = doc.get("changed_by")
    if type(who) is dict:
        try:
            role_value = who.get("role")
            changed_by = ChangedBy(
                name=_str(who, "name", ""),
                role=_ROLE.get(role_value) if type(role_value) is str else None,
                at=_opt_time(who, "at"),
            )
        except _Bad as error:
            raise WireError(_join("changed_by", error.where), error.problem) from None
    return Refusal(
        status=status,
        code=code if type(code) is str else f"http.{status}",
        field=field_name if type(field_name) is str else None,
        message_vi=vi,
        message_en=en,
        current=current,
        changed_by=changed_by,
    )


# -- live events ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerEvent:
    """One message of the hub's event stream (``hello``, ``change``, ``resync``, ``bye``)."""

    event: str
    data: dict[str, Any]
    id: str | None = None


def decode_event_data(event: str, data: str, ident: str | None) -> ServerEvent:
    try:
        doc = json.loads(data) if data else {}
    except ValueError:
        raise WireError(f"event {event!r}", "data is not JSON") from None
    if type(doc) is not dict:
        raise WireError(f"event {event!r}", f"expected an object, got {_kind(doc)}")
    return ServerEvent(event, doc, ident)


__all__ = [
    "ActionResult",
    "ChangedBy",
    "FeedPage",
    "Refusal",
    "ServerEvent",
    "Session",
    "UserInfo",
    "WireError",
    "decode_action_result",
    "decode_contact",
    "decode_event_data",
    "decode_feed_page",
    "decode_refusal",
    "decode_report",
    "decode_session",
    "decode_user",
    "feed_page_from",
    "feed_page_tail",
]

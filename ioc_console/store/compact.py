"""A report's history and attachments as the store keeps them: one compact JSON list each.

A history entry is ``[seq, at, actor, role, action, from_status, to_status, data]`` and an
attachment ``[id, kind, content_type, size, url, added_at, stage]``, instants as integer
microseconds since the epoch (:mod:`ioc_console.store.convert`), codes as their values, ``None``
as ``null``. Both are written by the store's write path (from domain objects) and by a first sync's
bulk path (from the hub's checked documents); both give the same text for the same report.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Protocol

import orjson

from ioc_console.domain.lifecycle import Action, Role, Status
from ioc_console.domain.report import Attachment, Event
from ioc_console.store.convert import _json_default

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_TICK: Final = timedelta(microseconds=1)
_STATUS: Final = {s.value: s for s in Status}
_ROLE: Final = {r.value: r for r in Role}
_ACTION: Final = {a.value: a for a in Action}
EMPTY: Final = "[]"


class EventLike(Protocol):
    """What :func:`history_text` reads of an event: a domain :class:`Event`, or the sync's decoded
    structure of one."""

    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def action(self) -> Action: ...
    @property
    def from_status(self) -> Status | None: ...
    @property
    def to_status(self) -> Status: ...
    @property
    def data(self) -> dict[str, Any] | None: ...


class AttachmentLike(Protocol):
    """What :func:`attachments_text` reads of an attachment."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def content_type(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def url(self) -> str: ...
    @property
    def added_at(self) -> datetime | None: ...
    @property
    def stage(self) -> str: ...


def dumps(value: Any) -> str:
    """Compact JSON text (UTF-8, no spaces); enums as values, datetimes in ISO 8601."""
    return orjson.dumps(value, default=_json_default).decode()


def _micros(value: datetime) -> int:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: the store keeps instants, give a time zone")
    return (value - _EPOCH) // _TICK


def history_text(events: Iterable[EventLike]) -> str:
    entries = [
        [
            e.seq,
            _micros(e.at),
            e.actor,
            e.role._value_,
            e.action._value_,
            None if e.from_status is None else e.from_status._value_,
            e.to_status._value_,
            e.data or {},
        ]
        for e in events
    ]
    return dumps(entries) if entries else EMPTY


def attachments_text(attachments: Iterable[AttachmentLike]) -> str:
    entries = [
        [
            a.id,
            a.kind,
            a.content_type,
            a.size,
            a.url,
            None if a.added_at is None else _micros(a.added_at),
            a.stage,
        ]
        for a in attachments
    ]
    return dumps(entries) if entries else EMPTY


def history_from(text: str) -> list[Event]:
    epoch, tick = _EPOCH, _TICK
    return [
        Event(
            seq=seq,
            at=epoch + at * tick,
            actor=actor,
            role=_ROLE[role],
            action=_ACTION[action],
            from_status=None if source is None else _STATUS[source],
            to_status=_STATUS[target],
            data=data,
        )
        for seq, at, actor, role, action, source, target, data in orjson.loads(text)
    ]


def attachments_from(text: str) -> list[Attachment]:
    epoch, tick = _EPOCH, _TICK
    return [
        Attachment(
            id=ident,
            kind=kind,
            content_type=content_type,
            size=size,
            url=url,
            added_at=None if added is None else epoch + added * tick,
            stage=stage,
        )
        for ident, kind, content_type, size, url, added, stage in orjson.loads(text)
    ]

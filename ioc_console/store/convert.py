"""Between domain objects and the store's rows: instants as integers, enums as their values.

Instants are stored as integer microseconds since the Unix epoch in UTC and come back as aware
``datetime`` objects in UTC (equal, as instants, to what was stored in whatever zone it had).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from ioc_console.domain.lifecycle import TERMINAL, Priority, Status

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

#: Sort ranks of the lifecycle's statuses (declaration order) and of priorities (low to urgent).
STATUS_RANK: dict[Status, int] = {status: rank for rank, status in enumerate(Status)}
PRIORITY_RANK: dict[Priority, int] = {priority: rank for rank, priority in enumerate(Priority)}
TERMINAL_VALUES = frozenset(status.value for status in TERMINAL)


def to_micros(value: datetime) -> int:
    """Microseconds since the epoch of an aware ``datetime`` (a naive one is a programming error)."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: the store keeps instants, give a time zone")
    return (value - _EPOCH) // _MICROSECOND


def to_micros_or_none(value: datetime | None) -> int | None:
    return None if value is None else to_micros(value)


def from_micros(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


def from_micros_or_none(value: int | None) -> datetime | None:
    return None if value is None else _EPOCH + timedelta(microseconds=value)


def _json_default(value: object) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot store {type(value).__name__} in JSON")


def dump_json(value: Any) -> str:
    """Compact JSON, Vietnamese kept readable; enums as values, datetimes in ISO 8601."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def load_json(text: str) -> Any:
    return json.loads(text)

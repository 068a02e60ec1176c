"""Deadlines of a report and the lifecycle applied to it.

Two deadlines run on every open report:

* the citizen's **reply deadline** (``Report.due_at``): ``policy.reply_working_days`` working days
  counted by :meth:`WorkingCalendar.reply_deadline` from the day of receipt, pushed back by the
  working time the report spent waiting for the citizen's information when
  ``policy.pause_while_waiting_info`` is set. While the report is waiting, that clock is stopped:
  ``due_at`` is ``None`` (no deadline is running) until the information arrives;
* the **stage deadline** (``Report.stage_due_at``), in office hours from the start of the current
  stage: triage by the IOC (new, returned, reopened), acceptance by the agency (forwarded),
  resolution by the agency (in progress). Waiting for information, a resolved report awaiting the
  IOC's published reply (bound by the reply deadline itself) and terminal statuses have none.

Decisions worth knowing:

* **Reopening** starts over: the reply deadline is counted afresh from the time of the reopening
  (the latest ``reopen`` event in the history), the time paused before it is forgotten, and a new
  triage stage begins. A citizen who was not satisfied is owed a new answer within the same
  number of working days, not a deadline that has already passed.
* A closed report keeps its reply deadline (whether it was answered in time stays visible); its
  deadline *state* is "none".
* ``forwarded_at`` is the time of the latest forwarding (the current agency's clock);
  ``first_contact_at`` is the first time the IOC called the citizen, asked for information or
  forwarded the report.
* A return by the agency clears ``Report.agency`` (the report is no longer theirs); the returning
  agency is kept in the event's data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.errors import TransitionError, ValidationError
from ioc_console.domain.jurisdiction import DeadlinePolicy
from ioc_console.domain.lifecycle import (
    Action,
    Actor,
    Priority,
    Status,
    check,
)
from ioc_console.domain.messages import Labelled
from ioc_console.domain.report import Event, Location, Report


class DeadlineState(Labelled):
    NONE = "none"
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @staticmethod
    def _labels() -> Mapping[str, tuple[str, str]]:
        return _STATE_LABELS


_STATE_LABELS: dict[str, tuple[str, str]] = {
    "none": ("—", "—"),
    "on_track": ("Trong hạn", "On track"),
    "due_soon": ("Sắp đến hạn", "Due soon"),
    "overdue": ("Quá hạn", "Overdue"),
}

#: Statuses whose stage is the IOC's triage.
_TRIAGE = frozenset({Status.NEW, Status.RETURNED, Status.REOPENED})

MAX_COMMENT = 2000


def due_soon_boundary(now: datetime, calendar: WorkingCalendar, policy: DeadlinePolicy) -> datetime:
    """The instant T such that a deadline at or before T is due soon (and before ``now``, overdue).

    T is ``now`` plus ``policy.due_soon_working_days`` working days of office time: on a Saturday,
    with the default of one day, T is the close of the next working day.
    """
    hours = policy.due_soon_working_days * calendar.day_seconds / 3600.0
    return calendar.add_working_hours(now, hours)


def deadline_state(
    due: datetime | None, now: datetime, boundary: datetime, closed: bool = False
) -> DeadlineState:
    """The state of one deadline at ``now``; compute ``boundary`` once with :func:`due_soon_boundary`."""
    if closed or due is None:
        return DeadlineState.NONE
    if due < now:
        return DeadlineState.OVERDUE
    if due <= boundary:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TRACK


def _reply_clock_start(report: Report) -> datetime:
    for event in reversed(report.history):
        if event.action is Action.REOPEN:
            return event.at
    return report.received_at


def compute_deadlines(
    report: Report, calendar: WorkingCalendar, policy: DeadlinePolicy
) -> tuple[datetime | None, datetime | None]:
    """``(due_at, stage_due_at)`` of ``report`` as it stands (see the module's notes)."""
    pausing = policy.pause_while_waiting_info
    if pausing and report.paused_since is not None:
        due: datetime | None = None
    else:
        due = calendar.reply_deadline(_reply_clock_start(report), policy.reply_working_days)
        if pausing and report.paused_seconds > 0:
            due = calendar.add_working_hours(due, report.paused_seconds / 3600.0)
    status = report.status
    if status in _TRIAGE:
        hours: float | None = policy.triage_working_hours
    elif status is Status.FORWARDED:
        hours = policy.acceptance_working_hours
    elif status is Status.IN_PROGRESS:
        hours = policy.resolution_working_hours
    else:
        hours = None
    stage_due = None
    if hours is not None:
        started = report.stage_started_at or report.received_at
        stage_due = calendar.add_working_hours(started, hours)
    return due, stage_due


def _jsonable(value: Any) -> Any:
    if isinstance(value, Location):
        return {
            "lat": value.lat,
            "lon": value.lon,
            "address": value.address,
            "unit_code": value.unit_code,
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _coordinate(raw: Any, low: float, high: float) -> float | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    number = float(raw)
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(raw)
    return number


def _location(raw: Any, current: Location) -> Location:
    """The new location of a ``relocate``: a :class:`Location` or a mapping of lat/lon/address/unit_code."""
    if isinstance(raw, Location):
        raw = _jsonable(raw)
    if not isinstance(raw, Mapping):
        raise ValidationError("field.invalid", field="location", detail=str(raw))
    try:
        lat = _coordinate(raw.get("lat"), -90.0, 90.0)
        lon = _coordinate(raw.get("lon"), -180.0, 180.0)
    except (TypeError, ValueError):
        detail = f"{raw.get('lat')}, {raw.get('lon')}"
        raise ValidationError("field.invalid", field="location", detail=detail) from None
    if (lat is None) != (lon is None):
        detail = f"{raw.get('lat')}, {raw.get('lon')}"
        raise ValidationError("field.invalid", field="location", detail=detail)
    address = raw.get("address", current.address)
    unit = raw.get("unit_code", current.unit_code)
    return Location(lat, lon, str(address or ""), str(unit) if unit else None)


def rated_since_closing(report: Report) -> bool:
    """Whether the citizen has rated the report since it was last closed (one rating per reply)."""
    for event in reversed(report.history):
        if event.action is Action.RATE:
            return True
        if event.to_status is Status.CLOSED and event.from_status is not Status.CLOSED:
            return False
    return False


def apply_action(
    report: Report,
    action: Action,
    actor: Actor,
    payload: Mapping[str, Any] | None,
    at: datetime,
    calendar: WorkingCalendar,
    policy: DeadlinePolicy,
    *,
    report_exists: Callable[[str], bool] | None = None,
) -> Event:
    """Take ``action`` on ``report`` at ``at``: check it, change the report, record and return the event.

    Raises the :class:`DomainError` of :func:`lifecycle.check` (and leaves the report untouched)
    when the action is not allowed or an input is missing or invalid. ``report_exists`` checks the
    original of a ``mark_duplicate``.
    """
    if at.tzinfo is None:
        raise ValueError("the time of an action must be timezone-aware")
    data = dict(payload or {})
    old = report.status
    new = check(action, old, actor, report.agency, data, report_id=report.number)

    # Inputs the lifecycle's generic check does not know the shape of.
    location: Location | None = None
    if action is Action.RELOCATE:
        location = _location(data["location"], report.location)
    if action is Action.MARK_DUPLICATE and report_exists is not None:
        original = str(data["original"])
        if not report_exists(original):
            raise ValidationError("duplicate.unknown_original", field="original", original=original)
    if action is Action.RATE:
        if not isinstance(data["satisfied"], bool):
            raise ValidationError("field.invalid", field="satisfied", detail=str(data["satisfied"]))
        comment = data.get("comment") or ""
        if not isinstance(comment, str):
            raise ValidationError("field.invalid", field="comment", detail=str(comment))
        if len(comment) > MAX_COMMENT:
            raise ValidationError("field.too_long", field="comment", limit=MAX_COMMENT)
        if rated_since_closing(report):
            raise TransitionError("rating.repeated", number=report.number)

    # From here on nothing raises: the report changes as a whole.
    if action is Action.CLASSIFY:
        report.category = str(data["category"])
    elif action is Action.RELOCATE and location is not None:
        report.location = location
        data["location"] = location
    elif action is Action.SET_PRIORITY:
        report.priority = Priority(data["priority"])
    elif action is Action.LOG_CALL:
        if report.first_contact_at is None:
            report.first_contact_at = at
    elif action is Action.REQUEST_INFO:
        if report.first_contact_at is None:
            report.first_contact_at = at
        report.paused_since = at
    elif action is Action.FORWARD:
        if report.agency is not None and report.agency != data["agency"]:
            data.setdefault("previous_agency", report.agency)
        report.agency = str(data["agency"])
        report.forwarded_at = at
        if report.first_contact_at is None:
            report.first_contact_at = at
    elif action is Action.RETURN:
        data.setdefault("agency", report.agency)
        report.agency = None
    elif action is Action.RESOLVE:
        report.result = str(data["result"])
    elif action is Action.PUBLISH_REPLY:
        report.reply = str(data["reply"])
        report.closed_at = at
    elif action in (Action.REJECT, Action.MARK_DUPLICATE):
        if action is Action.MARK_DUPLICATE:
            report.duplicate_of = str(data["original"])
        report.closed_at = at
    elif action is Action.REOPEN:
        report.closed_at = None
        report.duplicate_of = None
        report.paused_since = None
        report.paused_seconds = 0.0
    elif action is Action.RATE:
        report.satisfied = bool(data["satisfied"])
        report.rating_comment = str(data.get("comment") or "")

    if report.paused_since is not None and new is not Status.NEEDS_INFO:
        # The wait for information ends (information supplied, or the report forwarded, rejected
        # or merged meanwhile): its working time does not count towards the reply deadline.
        report.paused_seconds += calendar.working_seconds_between(report.paused_since, at)
        report.paused_since = None
    if new is not old or action in (Action.FORWARD, Action.REOPEN):
        report.stage_started_at = at
    report.status = new
    report.version += 1
    report.updated_at = at
    seq = report.history[-1].seq + 1 if report.history else 1
    event = Event(
        seq=seq,
        at=at,
        actor=actor.name,
        role=actor.role,
        action=action,
        from_status=old,
        to_status=new,
        data=_jsonable(data),
    )
    report.history.append(event)
    report.due_at, report.stage_due_at = compute_deadlines(report, calendar, policy)
    return event


__all__ = [
    "DeadlineState",
    "apply_action",
    "compute_deadlines",
    "deadline_state",
    "due_soon_boundary",
]

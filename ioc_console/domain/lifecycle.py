"""The report lifecycle as an explicit state machine.

Every action is declared once in :data:`RULES`: from which statuses it may be taken, the status it
leads to (``None`` keeps the current one), which roles may take it, and which inputs it requires.
:func:`check` is the only gate; the hub and the console both call it, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ioc_console.domain.errors import PermissionDenied, TransitionError, ValidationError
from ioc_console.domain.messages import Labelled


class Status(Labelled):
    NEW = "new"
    NEEDS_INFO = "needs_info"
    FORWARDED = "forwarded"
    IN_PROGRESS = "in_progress"
    RETURNED = "returned"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    REOPENED = "reopened"

    @staticmethod
    def _labels() -> Mapping[str, tuple[str, str]]:
        return _STATUS_LABELS

    @property
    def open311(self) -> str:
        """Open311's two-valued status."""
        return "closed" if self in TERMINAL else "open"

    @property
    def extended(self) -> str:
        """The extended status name published next to Open311's open/closed."""
        return self.value

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL


_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "new": ("Mới tiếp nhận", "New"),
    "needs_info": ("Chờ bổ sung", "Needs information"),
    "forwarded": ("Đã chuyển xử lý", "Forwarded"),
    "in_progress": ("Đang xử lý", "In progress"),
    "returned": ("Trả lại", "Returned"),
    "resolved": ("Đã xử lý", "Resolved"),
    "closed": ("Đã phản hồi", "Closed (replied)"),
    "rejected": ("Từ chối", "Rejected"),
    "duplicate": ("Trùng lặp", "Duplicate"),
    "reopened": ("Mở lại", "Reopened"),
}

TERMINAL = frozenset({Status.CLOSED, Status.REJECTED, Status.DUPLICATE})
#: Statuses in which the IOC holds the report (triage stage).
AT_IOC = frozenset({Status.NEW, Status.NEEDS_INFO, Status.RETURNED, Status.REOPENED})
#: Statuses in which an agency holds the report.
AT_AGENCY = frozenset({Status.FORWARDED, Status.IN_PROGRESS})
#: Statuses in which the next step is the IOC's: triage (or waiting for the citizen's information)
#: and the published reply to a resolved report. The operator's "needs action" list holds these,
#: and every open report past a deadline wherever it is.
IOC_TURN = AT_IOC | {Status.RESOLVED}


class Role(Labelled):
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    LIAISON = "liaison"
    ADMIN = "admin"
    CHANNEL = "channel"  # a citizen-facing channel adapter acting for the citizen
    SYSTEM = "system"

    @staticmethod
    def _labels() -> Mapping[str, tuple[str, str]]:
        return _ROLE_LABELS


_ROLE_LABELS: dict[str, tuple[str, str]] = {
    "operator": ("Điều phối viên IOC", "IOC operator"),
    "supervisor": ("Trưởng ca", "Shift supervisor"),
    "liaison": ("Cán bộ đầu mối đơn vị", "Agency liaison"),
    "admin": ("Quản trị viên", "Administrator"),
    "channel": ("Kênh tiếp nhận", "Intake channel"),
    "system": ("Hệ thống", "System"),
}


class Action(Labelled):
    SUBMIT = "submit"
    CLASSIFY = "classify"
    RELOCATE = "relocate"
    SET_PRIORITY = "set_priority"
    LOG_CALL = "log_call"
    REQUEST_INFO = "request_info"
    PROVIDE_INFO = "provide_info"
    FORWARD = "forward"
    ACCEPT = "accept"
    RETURN = "return"
    NOTE_PROGRESS = "note_progress"
    RESOLVE = "resolve"
    PUBLISH_REPLY = "publish_reply"
    REJECT = "reject"
    MARK_DUPLICATE = "mark_duplicate"
    REOPEN = "reopen"
    RATE = "rate"
    #: The IOC reminds the agency holding a report to act on it (đôn đốc); the status stays.
    REMIND = "remind"

    @staticmethod
    def _labels() -> Mapping[str, tuple[str, str]]:
        return _ACTION_LABELS


_ACTION_LABELS: dict[str, tuple[str, str]] = {
    "submit": ("tiếp nhận phản ánh", "receive the report"),
    "classify": ("phân loại", "classify"),
    "relocate": ("sửa vị trí", "change the location"),
    "set_priority": ("đặt mức ưu tiên", "set the priority"),
    "log_call": ("ghi nhận cuộc gọi", "log a call"),
    "request_info": ("yêu cầu bổ sung thông tin", "ask for information"),
    "provide_info": ("bổ sung thông tin", "supply information"),
    "forward": ("chuyển xử lý", "forward"),
    "accept": ("tiếp nhận xử lý", "accept"),
    "return": ("trả lại", "return"),
    "note_progress": ("cập nhật tiến độ", "note progress"),
    "resolve": ("báo cáo kết quả xử lý", "resolve"),
    "publish_reply": ("công khai trả lời", "publish the reply"),
    "reject": ("từ chối", "reject"),
    "mark_duplicate": ("đánh dấu trùng lặp", "mark as duplicate"),
    "reopen": ("mở lại", "reopen"),
    "rate": ("đánh giá", "rate"),
    "remind": ("đôn đốc đơn vị xử lý", "remind the agency"),
}


class Priority(Labelled):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @staticmethod
    def _labels() -> Mapping[str, tuple[str, str]]:
        return {
            "low": ("Thấp", "Low"),
            "normal": ("Bình thường", "Normal"),
            "high": ("Cao", "High"),
            "urgent": ("Khẩn", "Urgent"),
        }

    @property
    def rank(self) -> int:
        return ("low", "normal", "high", "urgent").index(self.value)


class Channel(Labelled):
    WEB = "web"
    APP = "app"
    FACEBOOK = "facebook"
    ZALO = "zalo"
    HOTLINE = "hotline"

    @staticmethod
    def _labels() -> Mapping[str, tuple[str, str]]:
        return {
            "web": ("Cổng thông tin", "Web portal"),
            "app": ("Ứng dụng di động", "Mobile app"),
            "facebook": ("Facebook", "Facebook"),
            "zalo": ("Zalo OA", "Zalo OA"),
            "hotline": ("Đường dây nóng 1022", "Hotline 1022"),
        }


_IOC_STAFF = frozenset({Role.OPERATOR, Role.SUPERVISOR})
_ANY_OPEN = frozenset(Status) - TERMINAL


@dataclass(frozen=True)
class Rule:
    """One action of the lifecycle."""

    action: Action
    sources: frozenset[Status]
    target: Status | None
    roles: frozenset[Role]
    requires: tuple[str, ...] = ()
    #: A liaison may act only on reports forwarded to their own agency.
    own_agency_only: bool = False
    #: Inputs the action may carry besides those it requires; any other key is refused, so that a
    #: client cannot write into the history what the hub records itself (who acted, by what name).
    optional: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        """Every key the action's payload may hold."""
        return frozenset((*self.requires, *self.optional, *COMMON_KEYS))


def _rule(
    action: Action,
    sources: frozenset[Status] | set[Status],
    target: Status | None,
    roles: set[Role] | frozenset[Role],
    requires: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
) -> Rule:
    return Rule(
        action,
        frozenset(sources),
        target,
        frozenset(roles),
        requires,
        own_agency_only=Role.LIAISON in roles,
        optional=optional,
    )


#: Keys any action's payload may hold: the ids of photos uploaded for it, and (in a console's own
#: copy only, until they are uploaded) the photos spooled for it.
COMMON_KEYS = ("attachments", "photos")
#: Keys only a console keeps: the hub refuses them.
LOCAL_KEYS = frozenset({"photos"})
#: The key of an event's data under which the hub records the acting person's full name.
ACTOR_NAME = "actor_name"
#: Keys of an event's data that the lifecycle records itself (never taken from a payload).
RECORDED_KEYS: dict[Action, tuple[str, ...]] = {
    Action.FORWARD: ("previous_agency",),
    Action.RETURN: ("agency",),
}


def payload_of(action: Action, data: Mapping[str, Any]) -> dict[str, Any]:
    """The payload an event was taken with: its data without what the lifecycle and the hub
    recorded beside it (to take a stored history through :func:`check` again)."""
    recorded = {ACTOR_NAME, *RECORDED_KEYS.get(action, ())}
    return {key: value for key, value in data.items() if key not in recorded}


RULES: dict[Action, Rule] = {
    r.action: r
    for r in (
        _rule(Action.CLASSIFY, AT_IOC | {Status.FORWARDED}, None, _IOC_STAFF, ("category",), ("note",)),
        _rule(Action.RELOCATE, AT_IOC | {Status.FORWARDED}, None, _IOC_STAFF, ("location",), ("note",)),
        _rule(Action.SET_PRIORITY, _ANY_OPEN, None, _IOC_STAFF, ("priority",), ("note",)),
        _rule(
            Action.LOG_CALL, frozenset(Status), None, _IOC_STAFF, ("outcome",), ("direction", "call_result")
        ),
        _rule(
            Action.REQUEST_INFO, AT_IOC - {Status.NEEDS_INFO}, Status.NEEDS_INFO, _IOC_STAFF, ("question",)
        ),
        _rule(Action.PROVIDE_INFO, {Status.NEEDS_INFO}, Status.NEW, _IOC_STAFF | {Role.CHANNEL}, ("info",)),
        _rule(
            Action.FORWARD,
            AT_IOC | {Status.FORWARDED},
            Status.FORWARDED,
            _IOC_STAFF,
            ("agency",),
            ("note", "reason"),
        ),
        _rule(Action.ACCEPT, {Status.FORWARDED}, Status.IN_PROGRESS, {Role.LIAISON}, (), ("note",)),
        _rule(Action.RETURN, AT_AGENCY, Status.RETURNED, {Role.LIAISON}, ("reason",)),
        _rule(Action.NOTE_PROGRESS, {Status.IN_PROGRESS}, None, {Role.LIAISON}, ("note",)),
        _rule(Action.RESOLVE, {Status.IN_PROGRESS}, Status.RESOLVED, {Role.LIAISON}, ("result",)),
        _rule(Action.PUBLISH_REPLY, {Status.RESOLVED}, Status.CLOSED, _IOC_STAFF, ("reply",), ("letter",)),
        _rule(Action.REJECT, AT_IOC, Status.REJECTED, _IOC_STAFF, ("reason",)),
        _rule(Action.MARK_DUPLICATE, AT_IOC, Status.DUPLICATE, _IOC_STAFF, ("original",), ("note",)),
        _rule(
            Action.REOPEN,
            {Status.CLOSED, Status.REJECTED, Status.DUPLICATE, Status.RESOLVED},
            Status.REOPENED,
            _IOC_STAFF,
            ("reason",),
            ("rating",),
        ),
        _rule(Action.RATE, {Status.CLOSED}, None, {Role.CHANNEL}, ("satisfied",), ("comment",)),
        _rule(Action.REMIND, AT_AGENCY, None, _IOC_STAFF, ("note",)),
    )
}

#: A supervisor may take a report back from an agency that has accepted it (re-route, escalate).
SUPERVISOR_REROUTE_FROM = frozenset({Status.IN_PROGRESS})

MAX_TEXT = {
    "reason": 2000,
    "result": 8000,
    "reply": 8000,
    "letter": 8000,
    "note": 4000,
    "outcome": 2000,
    "question": 2000,
    "info": 8000,
}


@dataclass(frozen=True)
class Actor:
    """Who acts: a user name, a role and, for a liaison, their agency."""

    name: str
    role: Role
    agency: str | None = None


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def allowed_actions(status: Status, actor: Actor, report_agency: str | None) -> list[Action]:
    """Actions the actor may take on a report in ``status`` (for menus and drop targets)."""
    result = []
    for action in RULES:
        try:
            check(action, status, actor, report_agency, None)
        except (TransitionError, PermissionDenied):
            continue
        except ValidationError:
            pass
        result.append(action)
    return result


def check(
    action: Action,
    status: Status,
    actor: Actor,
    report_agency: str | None,
    payload: Mapping[str, Any] | None,
    *,
    report_id: str | None = None,
) -> Status:
    """Return the status after ``action`` or raise a :class:`DomainError` a user can read.

    ``payload`` of ``None`` skips input validation (used to list what is possible).
    """
    rule = RULES.get(action)
    if rule is None:
        raise TransitionError("transition.not_allowed", action=action, status=status)
    if actor.role is Role.ADMIN or actor.role is Role.SYSTEM:
        pass  # administrators and the system may take any action the lifecycle allows
    elif actor.role not in rule.roles and not (action is Action.FORWARD and actor.role is Role.SUPERVISOR):
        raise PermissionDenied("transition.role_forbidden", role=actor.role, action=action)
    if (
        rule.own_agency_only
        and actor.role is Role.LIAISON
        and (actor.agency is None or actor.agency != report_agency)
    ):
        raise PermissionDenied("transition.wrong_agency")
    sources = rule.sources
    if action is Action.FORWARD and actor.role in (Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM):
        sources = sources | SUPERVISOR_REROUTE_FROM
    if status not in sources:
        raise TransitionError("transition.not_allowed", action=action, status=status)
    if payload is not None:
        keys = rule.keys
        for name in payload:
            if name not in keys:
                raise ValidationError("field.unknown", field=str(name)[:64], action=action)
        for name in rule.requires:
            if not _present(payload.get(name)):
                raise ValidationError("field.required", field=name)
        for name in (*rule.requires, *rule.optional):
            value = payload.get(name)
            limit = MAX_TEXT.get(name)
            if limit is not None and isinstance(value, str) and len(value) > limit:
                raise ValidationError("field.too_long", field=name, limit=limit)
        if action is Action.MARK_DUPLICATE and report_id is not None and payload.get("original") == report_id:
            raise ValidationError("duplicate.self", field="original")
        if action is Action.FORWARD and status is Status.FORWARDED and payload.get("agency") == report_agency:
            raise ValidationError("forward.same_agency", field="agency")
        if action is Action.SET_PRIORITY:
            try:
                Priority(payload.get("priority"))
            except ValueError:
                raise ValidationError(
                    "field.invalid", field="priority", detail=str(payload.get("priority"))
                ) from None
    return rule.target if rule.target is not None else status


def is_open(status: Status) -> bool:
    return status not in TERMINAL


__all__ = [
    "ACTOR_NAME",
    "AT_AGENCY",
    "AT_IOC",
    "COMMON_KEYS",
    "IOC_TURN",
    "LOCAL_KEYS",
    "RECORDED_KEYS",
    "RULES",
    "TERMINAL",
    "Action",
    "Actor",
    "Channel",
    "Priority",
    "Role",
    "Rule",
    "Status",
    "allowed_actions",
    "check",
    "is_open",
    "payload_of",
]

"""The lifecycle's state machine: every legal transition, every illegal one, roles, inputs, agencies."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import apply_action
from ioc_console.domain.errors import PermissionDenied, TransitionError, ValidationError
from ioc_console.domain.jurisdiction import DeadlinePolicy
from ioc_console.domain.lifecycle import (
    MAX_TEXT,
    RULES,
    SUPERVISOR_REROUTE_FROM,
    TERMINAL,
    Action,
    Actor,
    Channel,
    Role,
    Status,
    allowed_actions,
    check,
)
from ioc_console.domain.report import Location, Report

VN = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCY = "SXD"
OTHER_AGENCY = "CA-TP"

#: A valid payload for each action (its required inputs).
PAYLOADS: dict[Action, dict[str, Any]] = {
    Action.CLASSIFY: {"category": "ve_sinh_moi_truong"},
    Action.RELOCATE: {"location": {"lat": 11.56, "lon": 108.99, "address": "Đường 16 Tháng 4"}},
    Action.SET_PRIORITY: {"priority": "urgent"},
    Action.LOG_CALL: {"outcome": "Công dân xác nhận vị trí"},
    Action.REQUEST_INFO: {"question": "Xin gửi thêm ảnh"},
    Action.PROVIDE_INFO: {"info": "Ảnh đã gửi qua Zalo"},
    Action.FORWARD: {"agency": "UBND-PR"},
    Action.ACCEPT: {},
    Action.RETURN: {"reason": "Không thuộc thẩm quyền"},
    Action.NOTE_PROGRESS: {"note": "Đã khảo sát hiện trường"},
    Action.RESOLVE: {"result": "Đã khắc phục"},
    Action.PUBLISH_REPLY: {"reply": "Cơ quan chức năng đã xử lý"},
    Action.REJECT: {"reason": "Nội dung quảng cáo"},
    Action.MARK_DUPLICATE: {"original": "PA-2025-000001"},
    Action.REOPEN: {"reason": "Công dân chưa hài lòng"},
    Action.RATE: {"satisfied": True},
    Action.REMIND: {"note": "Đề nghị đơn vị khẩn trương xử lý"},
}

WORKING_ROLES = (Role.OPERATOR, Role.SUPERVISOR, Role.LIAISON, Role.CHANNEL)


def test_every_action_has_a_payload_here() -> None:
    assert set(PAYLOADS) == set(RULES)


def actor_for(role: Role) -> Actor:
    return Actor(f"{role.value}-1", role, agency=AGENCY if role is Role.LIAISON else None)


def permitted_actor(action: Action) -> Actor:
    return actor_for(min(RULES[action].roles, key=lambda r: r.value))


def legal_cases() -> list[tuple[Action, Status, Role]]:
    cases = []
    for action, rule in RULES.items():
        for status in sorted(rule.sources, key=lambda s: s.value):
            for role in sorted(rule.roles, key=lambda r: r.value):
                cases.append((action, status, role))
    cases += [(Action.FORWARD, s, Role.SUPERVISOR) for s in SUPERVISOR_REROUTE_FROM]
    return cases


def illegal_cases() -> list[tuple[Action, Status]]:
    return [
        (action, status) for action, rule in RULES.items() for status in Status if status not in rule.sources
    ]


@pytest.mark.parametrize(("action", "status", "role"), legal_cases())
def test_every_legal_transition(action: Action, status: Status, role: Role) -> None:
    rule = RULES[action]
    new = check(action, status, actor_for(role), AGENCY, PAYLOADS[action], report_id="PA-2025-000777")
    assert new is (rule.target if rule.target is not None else status)


@pytest.mark.parametrize(("action", "status", "role"), legal_cases())
def test_every_legal_transition_applies_to_a_report(action: Action, status: Status, role: Role) -> None:
    report = Report(
        number="PA-2025-000777",
        channel=Channel.WEB,
        category="ve_sinh_moi_truong",
        description="Đèn đường hỏng",
        location=Location(11.56, 108.99),
        received_at=datetime(2025, 3, 10, 9, 0, tzinfo=VN),
        status=status,
        agency=AGENCY,
    )
    event = apply_action(
        report,
        action,
        actor_for(role),
        PAYLOADS[action],
        datetime(2025, 3, 11, 9, 0, tzinfo=VN),
        WorkingCalendar(),
        DeadlinePolicy(),
    )
    rule = RULES[action]
    expected = rule.target if rule.target is not None else status
    assert report.status is expected
    assert (event.from_status, event.to_status) == (status, expected)
    assert report.version == 2
    assert report.history == [event]


@pytest.mark.parametrize(("action", "status"), illegal_cases())
def test_every_illegal_transition_is_refused_in_words(action: Action, status: Status) -> None:
    if action is Action.FORWARD and status in SUPERVISOR_REROUTE_FROM:
        actor = Actor("op", Role.OPERATOR)  # an operator may not take it back from the agency
    else:
        actor = permitted_actor(action)
    with pytest.raises(TransitionError) as caught:
        check(action, status, actor, AGENCY, PAYLOADS[action])
    error = caught.value
    assert error.code == "transition.not_allowed"
    assert error.message("vi") == (
        f"Không thể {action.label('vi')} khi phản ánh đang ở trạng thái «{status.label('vi')}»."
    )
    assert error.message("en") == f"Cannot {action.label('en')} while the report is “{status.label('en')}”."


def test_a_concrete_refusal_reads_well() -> None:
    with pytest.raises(TransitionError) as caught:
        check(Action.RESOLVE, Status.FORWARDED, actor_for(Role.LIAISON), AGENCY, {"result": "x"})
    assert caught.value.message("vi") == (
        "Không thể báo cáo kết quả xử lý khi phản ánh đang ở trạng thái «Đã chuyển xử lý»."
    )
    assert caught.value.message("en") == "Cannot resolve while the report is “Forwarded”."


def test_unknown_action_is_refused() -> None:
    with pytest.raises(TransitionError):
        check(Action.SUBMIT, Status.NEW, Actor("op", Role.OPERATOR), None, {})


def forbidden_roles() -> list[tuple[Action, Role]]:
    cases = []
    for action, rule in RULES.items():
        for role in WORKING_ROLES:
            if role in rule.roles:
                continue
            cases.append((action, role))
    return cases


@pytest.mark.parametrize(("action", "role"), forbidden_roles())
def test_roles_forbidden(action: Action, role: Role) -> None:
    status = min(RULES[action].sources, key=lambda s: s.value)
    with pytest.raises(PermissionDenied) as caught:
        check(action, status, actor_for(role), AGENCY, PAYLOADS[action])
    assert caught.value.code == "transition.role_forbidden"
    assert caught.value.message("vi") == f"Vai trò «{role.label('vi')}» không được phép {action.label('vi')}."
    assert caught.value.message("en") == f"The role “{role.label('en')}” may not {action.label('en')}."


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SYSTEM])
@pytest.mark.parametrize("action", list(RULES))
def test_administrators_and_the_system_may_take_any_legal_action(role: Role, action: Action) -> None:
    status = min(RULES[action].sources, key=lambda s: s.value)
    check(action, status, Actor("root", role), AGENCY, PAYLOADS[action])


def required_inputs() -> list[tuple[Action, str]]:
    return [(action, name) for action, rule in RULES.items() for name in rule.requires]


@pytest.mark.parametrize(("action", "name"), required_inputs())
@pytest.mark.parametrize("blank", ["missing", "", "   ", None])
def test_missing_required_inputs(action: Action, name: str, blank: str | None) -> None:
    payload = dict(PAYLOADS[action])
    if blank == "missing":
        del payload[name]
    else:
        payload[name] = blank
    status = min(RULES[action].sources, key=lambda s: s.value)
    with pytest.raises(ValidationError) as caught:
        check(action, status, permitted_actor(action), AGENCY, payload)
    assert caught.value.field == name
    assert caught.value.message("vi").startswith("Cần nhập «")
    assert caught.value.message("en").endswith("” is required.")


def test_missing_reason_reads_well() -> None:
    with pytest.raises(ValidationError) as caught:
        check(Action.RETURN, Status.FORWARDED, actor_for(Role.LIAISON), AGENCY, {})
    assert caught.value.message("vi") == "Cần nhập «lý do»."
    assert caught.value.message("en") == "“reason” is required."
    with pytest.raises(ValidationError) as caught:
        check(Action.MARK_DUPLICATE, Status.NEW, actor_for(Role.OPERATOR), None, {"original": " "})
    assert caught.value.message("vi") == "Cần nhập «phản ánh gốc»."
    assert caught.value.message("en") == "“original report” is required."


@pytest.mark.parametrize(("name", "limit"), sorted(MAX_TEXT.items()))
def test_texts_have_a_limit(name: str, limit: int) -> None:
    action = next(a for a, r in RULES.items() if name in r.requires or name in r.optional)
    status = min(RULES[action].sources, key=lambda s: s.value)
    payload = dict(PAYLOADS[action])
    payload[name] = "x" * limit
    check(action, status, permitted_actor(action), AGENCY, payload)
    payload[name] = "x" * (limit + 1)
    with pytest.raises(ValidationError) as caught:
        check(action, status, permitted_actor(action), AGENCY, payload)
    assert caught.value.code == "field.too_long"
    assert str(limit) in caught.value.message("vi")


def liaison_actions() -> list[tuple[Action, Status]]:
    return [
        (action, status)
        for action, rule in RULES.items()
        if Role.LIAISON in rule.roles
        for status in sorted(rule.sources, key=lambda s: s.value)
    ]


@pytest.mark.parametrize(("action", "status"), liaison_actions())
@pytest.mark.parametrize("liaison_agency", [OTHER_AGENCY, None])
def test_liaison_of_another_agency_is_refused(
    action: Action, status: Status, liaison_agency: str | None
) -> None:
    liaison = Actor("other", Role.LIAISON, agency=liaison_agency)
    with pytest.raises(PermissionDenied) as caught:
        check(action, status, liaison, AGENCY, PAYLOADS[action])
    assert caught.value.code == "transition.wrong_agency"
    assert "đơn vị khác" in caught.value.message("vi")
    assert "another agency" in caught.value.message("en")


def test_liaison_cannot_act_on_a_report_not_forwarded() -> None:
    with pytest.raises(PermissionDenied):
        check(Action.ACCEPT, Status.FORWARDED, actor_for(Role.LIAISON), None, {})


def test_inputs_checked_beyond_presence() -> None:
    operator = actor_for(Role.OPERATOR)
    with pytest.raises(ValidationError) as caught:
        check(Action.MARK_DUPLICATE, Status.NEW, operator, None, {"original": "PA-1"}, report_id="PA-1")
    assert caught.value.message("vi") == "Một phản ánh không thể trùng với chính nó."
    with pytest.raises(ValidationError) as caught:
        check(Action.FORWARD, Status.FORWARDED, operator, AGENCY, {"agency": AGENCY})
    assert caught.value.message("en") == "The report is already forwarded to this agency."
    with pytest.raises(ValidationError) as caught:
        check(Action.SET_PRIORITY, Status.NEW, operator, None, {"priority": "asap"})
    assert caught.value.message("vi") == "«mức ưu tiên» không hợp lệ: asap"


def test_allowed_actions_for_menus() -> None:
    liaison = actor_for(Role.LIAISON)
    assert allowed_actions(Status.FORWARDED, liaison, AGENCY) == [Action.ACCEPT, Action.RETURN]
    assert allowed_actions(Status.IN_PROGRESS, liaison, AGENCY) == [
        Action.RETURN,
        Action.NOTE_PROGRESS,
        Action.RESOLVE,
    ]
    assert allowed_actions(Status.FORWARDED, liaison, OTHER_AGENCY) == []
    operator = actor_for(Role.OPERATOR)
    assert allowed_actions(Status.CLOSED, operator, AGENCY) == [Action.LOG_CALL, Action.REOPEN]
    assert Action.FORWARD in allowed_actions(Status.IN_PROGRESS, actor_for(Role.SUPERVISOR), AGENCY)
    assert Action.FORWARD not in allowed_actions(Status.IN_PROGRESS, operator, AGENCY)
    assert allowed_actions(Status.CLOSED, actor_for(Role.CHANNEL), AGENCY) == [Action.RATE]


def test_statuses_map_to_open311() -> None:
    assert {s for s in Status if s.open311 == "closed"} == set(TERMINAL)
    assert {s.open311 for s in Status} == {"open", "closed"}
    assert Status.NEEDS_INFO.extended == "needs_info"
    assert Status.CLOSED.label("vi") == "Đã phản hồi"
    assert Status.NEW.label("en") == "New"


def test_reminders_count_since_the_report_reached_its_agency() -> None:
    from datetime import UTC, datetime

    from ioc_console.domain.report import Event, Location, Report, reminders

    at = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    report = Report("PA-2026-000001", Channel.WEB, "c", "d", Location(None, None), at)

    def add(action: Action, **data: Any) -> None:
        report.history.append(
            Event(len(report.history) + 1, at, "ioc", Role.OPERATOR, action, Status.NEW, Status.NEW, data)
        )

    add(Action.FORWARD, agency="a")
    add(Action.REMIND, note="một")
    add(Action.REMIND, note="hai")
    assert [e.data["note"] for e in reminders(report)] == ["một", "hai"]
    add(Action.FORWARD, agency="b")  # another agency: its own count
    assert reminders(report) == []
    add(Action.REMIND, note="ba")
    assert len(reminders(report)) == 1
    with pytest.raises(TransitionError):
        check(Action.REMIND, Status.NEW, actor_for(Role.OPERATOR), None, {"note": "x"})
    with pytest.raises(PermissionDenied):
        check(Action.REMIND, Status.FORWARDED, Actor("l", Role.LIAISON, "a"), "a", {"note": "x"})
    assert (
        check(Action.REMIND, Status.IN_PROGRESS, actor_for(Role.SUPERVISOR), "a", {"note": "x"})
        is Status.IN_PROGRESS
    )


@pytest.mark.parametrize("action", list(RULES))
def test_a_payload_holds_only_the_actions_own_keys(action: Action) -> None:
    status = next(iter(RULES[action].sources))
    actor = Actor("admin", Role.ADMIN)
    with pytest.raises(ValidationError) as caught:
        check(action, status, actor, AGENCY, {**PAYLOADS[action], "actor_name": "Giám đốc Sở"})
    assert caught.value.field == "actor_name" and caught.value.code == "field.unknown"
    assert "actor_name" in caught.value.message("vi") and "actor_name" in caught.value.message("en")
    # The keys it defines are taken, required or not.
    full = {**PAYLOADS[action], **dict.fromkeys(RULES[action].optional, "x"), "attachments": []}
    assert check(action, status, actor, AGENCY, full) is not None

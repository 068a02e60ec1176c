"""Deadline states and the lifecycle applied to a report (fields, history, pauses, deadlines).

Expected instants are counted by hand (office hours 07:30–17:00, the default policy: 6 working
days to reply, triage 4 h, acceptance 8 h, resolution 32 h, due soon at one working day); the
comment by each says how.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import (
    DeadlineState,
    apply_action,
    compute_deadlines,
    deadline_state,
    due_soon_boundary,
)
from ioc_console.domain.errors import PermissionDenied, TransitionError, ValidationError
from ioc_console.domain.jurisdiction import DeadlinePolicy
from ioc_console.domain.lifecycle import Action, Actor, Channel, Priority, Role, Status
from ioc_console.domain.report import Location, Report

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = DeadlinePolicy()
OPERATOR = Actor("lan.nguyen", Role.OPERATOR)
SUPERVISOR = Actor("hung.tran", Role.SUPERVISOR)
LIAISON = Actor("minh.le", Role.LIAISON, agency="SXD")
CHANNEL = Actor("zalo-oa", Role.CHANNEL)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


def new_report(received: str = "2025-03-10T09:00", cal: WorkingCalendar | None = None) -> Report:
    report = Report(
        number="PA-2025-000123",
        channel=Channel.ZALO,
        category="ve_sinh_moi_truong",
        description="Rác thải đổ bừa bãi ở đầu hẻm 12 đường Ngô Gia Tự",
        location=Location(11.5646, 108.9886, "Hẻm 12 Ngô Gia Tự", "22738"),
        received_at=at(received),
    )
    report.due_at, report.stage_due_at = compute_deadlines(report, cal or WorkingCalendar(), POLICY)
    return report


# -- states ------------------------------------------------------------------------------------


def test_state_labels_read_in_both_languages() -> None:
    assert DeadlineState.ON_TRACK.label("vi") == "Trong hạn"
    assert DeadlineState.DUE_SOON.label("vi") == "Sắp đến hạn"
    assert DeadlineState.OVERDUE.label("vi") == "Quá hạn"
    assert DeadlineState.OVERDUE.label("en") == "Overdue"
    assert DeadlineState.DUE_SOON.label("en") == "Due soon"
    assert DeadlineState.NONE.label("vi") == "—"


@pytest.mark.parametrize(
    ("now", "boundary"),
    [
        # Mon 10 Mar 10:00 + 9.5 office hours: 7 h Monday, 2.5 h Tuesday.
        ("2025-03-10T10:00", "2025-03-11T10:00"),
        # Saturday noon: nothing counts until Monday's opening, then a whole day.
        ("2025-03-15T12:00", "2025-03-17T17:00"),
        # Monday after closing: Tuesday's whole day.
        ("2025-03-10T18:00", "2025-03-11T17:00"),
        # Fri 25 Apr 2025 16:00: 1 h Friday, 8.5 h on the working Saturday 26 April.
        ("2025-04-25T16:00", "2025-04-26T16:00"),
        # Tue 29 Apr 2025 16:00: 1 h Tuesday, then 30 Apr – 4 May off, 8.5 h Monday 5 May.
        ("2025-04-29T16:00", "2025-05-05T16:00"),
    ],
)
def test_due_soon_boundary(cal: WorkingCalendar, now: str, boundary: str) -> None:
    assert due_soon_boundary(at(now), cal, POLICY) == at(boundary)


def test_due_soon_boundary_follows_the_policy(cal: WorkingCalendar) -> None:
    # Half a day: 4.75 h from Mon 10:00 → 14:45.
    policy = replace(POLICY, due_soon_working_days=0.5)
    assert due_soon_boundary(at("2025-03-10T10:00"), cal, policy) == at("2025-03-10T14:45")
    # Two days: 7 h Mon + 9.5 h Tue + 2.5 h Wed → Wed 10:00.
    policy = replace(POLICY, due_soon_working_days=2)
    assert due_soon_boundary(at("2025-03-10T10:00"), cal, policy) == at("2025-03-12T10:00")


@pytest.mark.parametrize(
    ("due", "state"),
    [
        ("2025-03-10T09:59:59", DeadlineState.OVERDUE),  # a second ago
        ("2025-03-10T10:00", DeadlineState.DUE_SOON),  # due right now: not yet overdue
        ("2025-03-10T17:00", DeadlineState.DUE_SOON),  # today's close
        ("2025-03-11T10:00", DeadlineState.DUE_SOON),  # exactly one working day left
        ("2025-03-11T10:00:01", DeadlineState.ON_TRACK),  # a second more than one day
        ("2025-03-18T17:00", DeadlineState.ON_TRACK),
    ],
)
def test_deadline_state_around_the_boundaries(cal: WorkingCalendar, due: str, state: DeadlineState) -> None:
    now = at("2025-03-10T10:00")
    boundary = due_soon_boundary(now, cal, POLICY)
    assert deadline_state(at(due), now, boundary) is state


def test_deadline_state_of_closed_or_no_deadline(cal: WorkingCalendar) -> None:
    now = at("2025-03-10T10:00")
    boundary = due_soon_boundary(now, cal, POLICY)
    assert deadline_state(at("2025-03-01T10:00"), now, boundary, closed=True) is DeadlineState.NONE
    assert deadline_state(None, now, boundary) is DeadlineState.NONE


def test_friday_evening_deadline_is_due_soon_over_the_weekend(cal: WorkingCalendar) -> None:
    # Saturday 15 Mar: a deadline on Monday 17 at 17:00 has one working day left.
    now = at("2025-03-15T09:00")
    boundary = due_soon_boundary(now, cal, POLICY)
    assert deadline_state(at("2025-03-17T17:00"), now, boundary) is DeadlineState.DUE_SOON
    assert deadline_state(at("2025-03-18T08:00"), now, boundary) is DeadlineState.ON_TRACK


# -- deadlines of a report -----------------------------------------------------------------------


def test_new_report_deadlines(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    # Reply: 1 Tue 11 … 6 Tue 18 Mar. Triage: 09:00 + 4 h.
    assert report.due_at == at("2025-03-18T17:00")
    assert report.stage_due_at == at("2025-03-10T13:00")


def test_stage_deadlines_follow_the_stage(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    apply_action(report, Action.FORWARD, OPERATOR, {"agency": "SXD"}, at("2025-03-10T11:00"), cal, POLICY)
    # Acceptance 8 h from Mon 11:00: 6 h Monday, 2 h Tuesday → Tue 09:30.
    assert report.stage_due_at == at("2025-03-11T09:30")
    apply_action(report, Action.ACCEPT, LIAISON, {}, at("2025-03-11T09:00"), cal, POLICY)
    # Resolution 32 h from Tue 09:00: 8 + 9.5 + 9.5 = 27 by Thu's close, 5 h Fri → Fri 12:30.
    assert report.stage_due_at == at("2025-03-14T12:30")
    apply_action(
        report, Action.RESOLVE, LIAISON, {"result": "Đã thu gom"}, at("2025-03-13T15:00"), cal, POLICY
    )
    assert report.stage_due_at is None  # the reply deadline governs the publication
    assert report.due_at == at("2025-03-18T17:00")  # unchanged through the stages


def test_wait_for_information_extends_the_deadline_by_the_working_time_waited(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    apply_action(
        report,
        Action.REQUEST_INFO,
        OPERATOR,
        {"question": "Số nhà cụ thể?"},
        at("2025-03-10T10:00"),
        cal,
        POLICY,
    )
    assert report.status is Status.NEEDS_INFO
    assert report.paused_since == at("2025-03-10T10:00")
    assert report.due_at is None  # the clock is stopped
    assert report.stage_due_at is None
    apply_action(
        report, Action.PROVIDE_INFO, CHANNEL, {"info": "Trước nhà số 12"}, at("2025-03-12T12:00"), cal, POLICY
    )
    # Waited: Mon 10:00–17:00 (7 h) + Tue (9.5 h) + Wed 07:30–12:00 (4.5 h) = 21 h.
    assert report.paused_since is None
    assert report.paused_seconds == pytest.approx(21 * 3600)
    # 21 working hours after Tue 18 Mar 17:00: Wed 19 (9.5), Thu 20 (19), 2 h Fri 21 → 09:30.
    assert report.due_at == at("2025-03-21T09:30")
    assert report.status is Status.NEW
    # A new triage stage from the information's arrival: Wed 12:00 + 4 h.
    assert report.stage_due_at == at("2025-03-12T16:00")


def test_a_wait_over_a_weekend_counts_only_office_time(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    apply_action(
        report, Action.REQUEST_INFO, OPERATOR, {"question": "Ảnh?"}, at("2025-03-14T16:00"), cal, POLICY
    )
    apply_action(
        report, Action.PROVIDE_INFO, OPERATOR, {"info": "Đã gửi"}, at("2025-03-17T08:30"), cal, POLICY
    )
    # 1 h Friday + 1 h Monday = 2 h: Tue 18 17:00 + 2 h → Wed 19 09:30.
    assert report.paused_seconds == pytest.approx(2 * 3600)
    assert report.due_at == at("2025-03-19T09:30")


def test_waits_add_up(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    apply_action(
        report, Action.REQUEST_INFO, OPERATOR, {"question": "?"}, at("2025-03-10T10:00"), cal, POLICY
    )
    apply_action(report, Action.PROVIDE_INFO, OPERATOR, {"info": "!"}, at("2025-03-10T12:00"), cal, POLICY)
    apply_action(
        report, Action.REQUEST_INFO, OPERATOR, {"question": "?"}, at("2025-03-11T14:00"), cal, POLICY
    )
    apply_action(report, Action.PROVIDE_INFO, OPERATOR, {"info": "!"}, at("2025-03-11T17:30"), cal, POLICY)
    # 2 h + 3 h (14:00 to the 17:00 close) = 5 h: Tue 18 17:00 + 5 h → Wed 19 12:30.
    assert report.paused_seconds == pytest.approx(5 * 3600)
    assert report.due_at == at("2025-03-19T12:30")


def test_without_the_pause_policy_the_wait_counts(cal: WorkingCalendar) -> None:
    policy = replace(POLICY, pause_while_waiting_info=False)
    report = new_report("2025-03-10T09:00", cal)
    apply_action(
        report, Action.REQUEST_INFO, OPERATOR, {"question": "?"}, at("2025-03-10T10:00"), cal, policy
    )
    assert report.due_at == at("2025-03-18T17:00")
    apply_action(report, Action.PROVIDE_INFO, OPERATOR, {"info": "!"}, at("2025-03-12T12:00"), cal, policy)
    assert report.due_at == at("2025-03-18T17:00")


def test_forwarding_while_waiting_ends_the_wait(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    apply_action(
        report, Action.REQUEST_INFO, OPERATOR, {"question": "?"}, at("2025-03-10T10:00"), cal, POLICY
    )
    apply_action(report, Action.FORWARD, OPERATOR, {"agency": "SXD"}, at("2025-03-10T15:00"), cal, POLICY)
    # 5 h waited: Tue 18 17:00 + 5 h → Wed 19 12:30.
    assert report.paused_since is None
    assert report.due_at == at("2025-03-19T12:30")


def test_deadline_across_tet_2026_and_the_working_saturday(cal: WorkingCalendar) -> None:
    # Fri 13 Feb 2026: 1 Mon 23 … 6 Mon 2 Mar. Triage 4 h from 15:00: 2 h Fri, 2 h Mon 23 → 09:30.
    report = new_report("2026-02-13T15:00", cal)
    assert report.due_at == at("2026-03-02T17:00")
    assert report.stage_due_at == at("2026-02-23T09:30")
    # Fri 25 Apr 2025 16:30: triage 0.5 h Fri, 3.5 h on the working Saturday → Sat 11:00.
    report = new_report("2025-04-25T16:30", cal)
    assert report.due_at == at("2025-05-07T17:00")
    assert report.stage_due_at == at("2025-04-26T11:00")


# -- the lifecycle applied -----------------------------------------------------------------------


def test_a_report_from_receipt_to_rating(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    steps: list[tuple[Action, Actor, dict[str, object], str]] = [
        (Action.CLASSIFY, OPERATOR, {"category": "trat_tu_xay_dung"}, "2025-03-10T09:10"),
        (
            Action.RELOCATE,
            OPERATOR,
            {"location": {"lat": 11.57, "lon": 108.99, "address": "12 Ngô Gia Tự", "unit_code": "22741"}},
            "2025-03-10T09:12",
        ),
        (Action.SET_PRIORITY, SUPERVISOR, {"priority": "high"}, "2025-03-10T09:13"),
        (Action.LOG_CALL, OPERATOR, {"outcome": "Đã xác nhận địa chỉ"}, "2025-03-10T09:15"),
        (Action.FORWARD, OPERATOR, {"agency": "SXD"}, "2025-03-10T09:20"),
        (Action.ACCEPT, LIAISON, {}, "2025-03-10T14:00"),
        (Action.NOTE_PROGRESS, LIAISON, {"note": "Đã cử đoàn kiểm tra"}, "2025-03-11T10:00"),
        (Action.RESOLVE, LIAISON, {"result": "Đã lập biên bản, đình chỉ thi công"}, "2025-03-13T16:00"),
        (Action.PUBLISH_REPLY, OPERATOR, {"reply": "Sở Xây dựng đã xử lý."}, "2025-03-14T08:00"),
        (Action.RATE, CHANNEL, {"satisfied": True, "comment": "Cảm ơn"}, "2025-03-14T20:00"),
    ]
    statuses = []
    for action, actor, payload, when in steps:
        event = apply_action(report, action, actor, payload, at(when), cal, POLICY)
        statuses.append(event.to_status)
        assert event.action is action
        assert event.actor == actor.name
        assert event.role is actor.role
        assert event.at == at(when)
    assert statuses == [
        Status.NEW,
        Status.NEW,
        Status.NEW,
        Status.NEW,
        Status.FORWARDED,
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
        Status.RESOLVED,
        Status.CLOSED,
        Status.CLOSED,
    ]
    assert [e.seq for e in report.history] == list(range(1, 11))
    assert report.version == 11
    assert report.updated_at == at("2025-03-14T20:00")
    assert report.category == "trat_tu_xay_dung"
    assert report.location == Location(11.57, 108.99, "12 Ngô Gia Tự", "22741")
    assert report.history[1].data["location"]["unit_code"] == "22741"
    assert report.priority is Priority.HIGH
    assert report.first_contact_at == at("2025-03-10T09:15")  # the call came before forwarding
    assert report.agency == "SXD"
    assert report.forwarded_at == at("2025-03-10T09:20")
    assert report.result == "Đã lập biên bản, đình chỉ thi công"
    assert report.reply == "Sở Xây dựng đã xử lý."
    assert report.closed_at == at("2025-03-14T08:00")
    assert report.satisfied is True
    assert report.rating_comment == "Cảm ơn"
    assert report.status is Status.CLOSED
    assert report.stage_due_at is None
    assert report.due_at == at("2025-03-18T17:00")  # kept: it was answered in time
    assert report.history[4].from_status is Status.NEW
    assert report.history[4].data == {"agency": "SXD"}


def test_reopen_gives_a_fresh_reply_deadline(cal: WorkingCalendar) -> None:
    report = new_report("2025-04-10T09:00", cal)
    report.status = Status.CLOSED
    report.closed_at = at("2025-04-17T10:00")
    report.paused_seconds = 3600.0
    apply_action(
        report,
        Action.REOPEN,
        SUPERVISOR,
        {"reason": "Công dân chưa hài lòng"},
        at("2025-04-24T15:00"),
        cal,
        POLICY,
    )
    assert report.status is Status.REOPENED
    assert report.closed_at is None
    assert report.paused_seconds == 0
    # Counted from Thu 24 Apr: 1 Fri 25, 2 Sat 26 (worked), 3 Mon 28, 4 Tue 29, 5 Mon 5 May,
    # 6 Tue 6 May.
    assert report.due_at == at("2025-05-06T17:00")
    # A new triage stage: 2 h Thu, 2 h Fri → Fri 25 09:30.
    assert report.stage_started_at == at("2025-04-24T15:00")
    assert report.stage_due_at == at("2025-04-25T09:30")
    # Forwarding the reopened report keeps the fresh reply deadline.
    apply_action(report, Action.FORWARD, OPERATOR, {"agency": "SXD"}, at("2025-04-25T08:00"), cal, POLICY)
    assert report.due_at == at("2025-05-06T17:00")


def test_return_clears_the_agency_and_records_it(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    apply_action(report, Action.FORWARD, OPERATOR, {"agency": "SXD"}, at("2025-03-10T09:20"), cal, POLICY)
    event = apply_action(
        report,
        Action.RETURN,
        LIAISON,
        {"reason": "Không thuộc thẩm quyền"},
        at("2025-03-10T10:00"),
        cal,
        POLICY,
    )
    assert report.status is Status.RETURNED
    assert report.agency is None
    assert event.data == {"reason": "Không thuộc thẩm quyền", "agency": "SXD"}
    # Back at the IOC: triage 4 h from 10:00.
    assert report.stage_due_at == at("2025-03-10T14:00")


def test_supervisor_reroutes_an_accepted_report(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    apply_action(report, Action.FORWARD, OPERATOR, {"agency": "SXD"}, at("2025-03-10T09:20"), cal, POLICY)
    apply_action(report, Action.ACCEPT, LIAISON, {}, at("2025-03-10T10:00"), cal, POLICY)
    with pytest.raises(TransitionError):
        apply_action(report, Action.FORWARD, OPERATOR, {"agency": "CA"}, at("2025-03-10T11:00"), cal, POLICY)
    event = apply_action(
        report, Action.FORWARD, SUPERVISOR, {"agency": "CA"}, at("2025-03-10T11:00"), cal, POLICY
    )
    assert event.data == {"agency": "CA", "previous_agency": "SXD"}
    assert report.agency == "CA"
    assert report.status is Status.FORWARDED
    # A new acceptance stage: 6 h Monday + 2 h Tuesday → Tue 09:30.
    assert report.stage_due_at == at("2025-03-11T09:30")


def test_duplicate_needs_an_existing_original(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    known = {"PA-2025-000100"}
    with pytest.raises(ValidationError) as caught:
        apply_action(
            report,
            Action.MARK_DUPLICATE,
            OPERATOR,
            {"original": "PA-2025-999999"},
            at("2025-03-10T09:30"),
            cal,
            POLICY,
            report_exists=known.__contains__,
        )
    assert caught.value.message("vi") == "Không tìm thấy phản ánh gốc số «PA-2025-999999»."
    assert caught.value.message("en") == "There is no original report numbered “PA-2025-999999”."
    apply_action(
        report,
        Action.MARK_DUPLICATE,
        OPERATOR,
        {"original": "PA-2025-000100"},
        at("2025-03-10T09:30"),
        cal,
        POLICY,
        report_exists=known.__contains__,
    )
    assert report.status is Status.DUPLICATE
    assert report.duplicate_of == "PA-2025-000100"
    assert report.closed_at == at("2025-03-10T09:30")


def test_reject_closes(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    apply_action(
        report, Action.REJECT, OPERATOR, {"reason": "Quảng cáo"}, at("2025-03-10T09:05"), cal, POLICY
    )
    assert report.status is Status.REJECTED
    assert report.closed_at == at("2025-03-10T09:05")
    assert report.stage_due_at is None


@pytest.mark.parametrize(
    ("action", "actor", "payload", "field"),
    [
        (Action.RELOCATE, OPERATOR, {"location": {"lat": 200, "lon": 108.9}}, "location"),
        (Action.RELOCATE, OPERATOR, {"location": {"lat": "abc", "lon": 108.9}}, "location"),
        (Action.RELOCATE, OPERATOR, {"location": {"lat": 11.5}}, "location"),
        (Action.RELOCATE, OPERATOR, {"location": "somewhere"}, "location"),
        (Action.SET_PRIORITY, OPERATOR, {"priority": "very"}, "priority"),
        (Action.FORWARD, OPERATOR, {"agency": "  "}, "agency"),
    ],
)
def test_invalid_input_leaves_the_report_untouched(
    cal: WorkingCalendar, action: Action, actor: Actor, payload: dict[str, object], field: str
) -> None:
    report = new_report("2025-03-10T09:00", cal)
    before = replace(report, history=list(report.history))
    with pytest.raises(ValidationError) as caught:
        apply_action(report, action, actor, payload, at("2025-03-10T10:00"), cal, POLICY)
    assert caught.value.field == field
    assert report == before


def test_rating_must_say_yes_or_no(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    report.status = Status.CLOSED
    with pytest.raises(ValidationError) as caught:
        apply_action(report, Action.RATE, CHANNEL, {"satisfied": "có"}, at("2025-03-14T10:00"), cal, POLICY)
    assert caught.value.message("vi") == "«mức độ hài lòng» không hợp lệ: có"
    with pytest.raises(ValidationError) as caught:
        apply_action(
            report,
            Action.RATE,
            CHANNEL,
            {"satisfied": False, "comment": "x" * 2001},
            at("2025-03-14T10:00"),
            cal,
            POLICY,
        )
    assert caught.value.message("en") == "“comment” is longer than 2000 characters."
    apply_action(report, Action.RATE, CHANNEL, {"satisfied": False}, at("2025-03-14T10:00"), cal, POLICY)
    assert report.satisfied is False


def test_refused_actions_change_nothing(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    before = replace(report, history=list(report.history))
    with pytest.raises(PermissionDenied):
        apply_action(report, Action.ACCEPT, LIAISON, {}, at("2025-03-10T10:00"), cal, POLICY)
    with pytest.raises(TransitionError):
        apply_action(
            report, Action.PUBLISH_REPLY, OPERATOR, {"reply": "x"}, at("2025-03-10T10:00"), cal, POLICY
        )
    assert report == before


def test_time_of_an_action_must_be_aware(cal: WorkingCalendar) -> None:
    report = new_report("2025-03-10T09:00", cal)
    with pytest.raises(ValueError):
        apply_action(
            report, Action.LOG_CALL, OPERATOR, {"outcome": "x"}, datetime(2025, 3, 10, 10), cal, POLICY
        )

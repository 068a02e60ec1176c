"""The generated history: deterministic, legal through the lifecycle, realistic in its shares."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta

import pytest
from demo_support import NOW, TZ

from ioc_console.demo import generate
from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Action, Actor, Channel, Role, Status, check, payload_of
from ioc_console.domain.report import Report


def fingerprint(report: Report) -> tuple[object, ...]:
    return (
        report.number,
        report.received_at,
        report.channel,
        report.category,
        report.description,
        report.contact,
        report.location,
        report.status,
        tuple((e.at, e.actor, e.action, e.to_status, repr(e.data)) for e in report.history),
    )


def replay(report: Report) -> Status:
    """Take the report's events again through lifecycle.check, from NEW; return the final status."""
    first, *rest = report.history
    assert first.action is Action.SUBMIT
    assert first.from_status is None and first.to_status is Status.NEW
    assert first.at == report.received_at
    status = Status.NEW
    agency: str | None = None
    previous = first
    for event in rest:
        assert event.seq == previous.seq + 1
        assert event.at >= previous.at, report.number
        assert event.from_status is status, (report.number, event)
        actor = Actor(event.actor, event.role, agency if event.role is Role.LIAISON else None)
        payload = payload_of(event.action, event.data)
        after = check(event.action, status, actor, agency, payload, report_id=report.number)
        assert after is event.to_status, (report.number, event)
        if event.action is Action.FORWARD:
            agency = event.data["agency"]
        elif event.action is Action.RETURN:
            agency = None
        status = after
        previous = event
    assert agency == report.agency
    return status


def test_default_is_a_year_of_about_600_reports(year: list[Report]) -> None:
    assert len(year) == 600
    assert year[0].received_at >= NOW - timedelta(days=365)
    assert year[-1].received_at <= NOW
    assert [r.received_at for r in year] == sorted(r.received_at for r in year)


def test_same_seed_same_reports(ninh_thuan: Jurisdiction, year: list[Report]) -> None:
    again = list(generate(ninh_thuan, now=NOW))
    assert [fingerprint(r) for r in again] == [fingerprint(r) for r in year]
    other = list(generate(ninh_thuan, now=NOW, seed=2021))
    assert [r.description for r in other] != [r.description for r in year]


def test_a_later_now_only_lets_histories_go_further(ninh_thuan: Jurisdiction) -> None:
    start, end = NOW - timedelta(days=60), NOW
    earlier = list(generate(ninh_thuan, start=start, end=end, now=NOW, count=200))
    later = list(generate(ninh_thuan, start=start, end=end, now=NOW + timedelta(days=30), count=200))
    assert [(r.number, r.description) for r in earlier] == [(r.number, r.description) for r in later]
    grew = 0
    for before, after in zip(earlier, later, strict=True):
        n = len(before.history)
        assert [(e.at, e.action) for e in after.history[:n]] == [(e.at, e.action) for e in before.history]
        grew += len(after.history) > n
    assert grew > 10


def test_every_history_is_legal(year: list[Report], big: list[Report]) -> None:
    for report in (*year, *big):
        assert replay(report) is report.status
        assert report.version == len(report.history)
        assert report.history[-1].at <= NOW


def test_staff_work_in_office_hours_of_working_days(ninh_thuan: Jurisdiction, year: list[Report]) -> None:
    calendar = WorkingCalendar.for_jurisdiction(ninh_thuan)
    hours = ninh_thuan.office_hours
    for report in year:
        for event in report.history[1:]:
            if event.role in (Role.OPERATOR, Role.SUPERVISOR, Role.LIAISON):
                local = event.at.astimezone(TZ)
                assert calendar.is_working_day(local.date()), (report.number, event)
                assert hours.start <= local.time() <= hours.end, (report.number, event)


def test_numbers_are_unique_and_numbered_per_year(year: list[Report], big: list[Report]) -> None:
    for reports in (year, big):
        numbers = [r.number for r in reports]
        assert len(set(numbers)) == len(numbers)
        per_year: dict[str, list[int]] = {}
        for report in reports:
            match = re.fullmatch(r"PA-(\d{4})-(\d{6})", report.number)
            assert match, report.number
            assert int(match.group(1)) == report.received_at.year
            per_year.setdefault(match.group(1), []).append(int(match.group(2)))
        for sequence in per_year.values():
            assert sequence == list(range(1, len(sequence) + 1))


def test_about_80_percent_handled(year: list[Report], big: list[Report]) -> None:
    for reports in (year, big):
        closed = [r for r in reports if r.status is Status.CLOSED]
        assert 0.72 <= len(closed) / len(reports) <= 0.88
        assert all(r.reply and r.result and r.closed_at is not None for r in closed)


def test_some_overdue_closed_late_and_still_open(year: list[Report], big: list[Report]) -> None:
    for reports in (year, big):
        closed = [r for r in reports if r.status is Status.CLOSED]
        late = [
            r for r in closed if r.due_at is not None and r.closed_at is not None and r.closed_at > r.due_at
        ]
        assert 0.04 <= len(late) / len(closed) <= 0.25
        open_overdue = [
            r for r in reports if not r.status.is_terminal and r.due_at is not None and r.due_at < NOW
        ]
        assert 0.01 <= len(open_overdue) / len(reports) <= 0.12
    # Reports received in the last days are mostly still being handled.
    recent = [r for r in year if r.received_at > NOW - timedelta(days=2)]
    assert recent
    assert sum(not r.status.is_terminal for r in recent) >= len(recent) // 2


def test_returned_needing_information_rejected_duplicates_reopened(big: list[Report]) -> None:
    def with_action(action: Action) -> list[Report]:
        return [r for r in big if any(e.action is action for e in r.history)]

    returned = with_action(Action.RETURN)
    assert 0.03 <= len(returned) / len(big) <= 0.12
    for report in returned:
        actions = [e.action for e in report.history]
        after = actions.index(Action.RETURN)
        assert Action.FORWARD in actions[after:] or report.status is Status.RETURNED
    asked = with_action(Action.REQUEST_INFO)
    assert 0.04 <= len(asked) / len(big) <= 0.14
    assert with_action(Action.PROVIDE_INFO)
    rejected = [r for r in big if r.status is Status.REJECTED]
    assert 0.03 <= len(rejected) / len(big) <= 0.1
    numbers = {r.number: r for r in big}
    duplicates = [r for r in big if r.status is Status.DUPLICATE]
    assert 0.02 <= len(duplicates) / len(big) <= 0.07
    for report in duplicates:
        original = numbers[report.duplicate_of or ""]
        assert original.received_at <= report.received_at
        assert original.location.unit_code in (report.location.unit_code, None) or report.location.lat is None
    assert with_action(Action.REOPEN)
    escalations = [
        e
        for r in big
        for e in r.history
        if e.role is Role.SUPERVISOR and e.action is Action.FORWARD and e.from_status is Status.IN_PROGRESS
    ]
    assert 0.003 * len(big) <= len(escalations) <= 0.03 * len(big)
    assert all(e.data["previous_agency"] != e.data["agency"] for e in escalations)
    rated = with_action(Action.RATE)
    assert {r.satisfied for r in rated} == {True, False}


def test_every_channel_and_every_active_category(ninh_thuan: Jurisdiction, year: list[Report]) -> None:
    channels = Counter(r.channel for r in year)
    assert set(channels) == set(Channel)
    assert all(n >= 0.08 * len(year) for n in channels.values())
    active = {c.code for c in ninh_thuan.active_categories()}
    used = Counter(r.category for r in year)
    assert set(used) == active
    assert used.most_common(1)[0][1] < 0.3 * len(year)


def test_places_inside_the_province_and_near_their_unit(ninh_thuan: Jurisdiction, year: list[Report]) -> None:
    located = [r for r in year if r.location.lat is not None]
    assert len(located) >= 0.9 * len(year)
    for report in located:
        lat, lon = report.location.lat, report.location.lon
        assert lat is not None and lon is not None
        assert ninh_thuan.contains(lat, lon)
        assert ninh_thuan.nearest_unit(lat, lon).code == report.location.unit_code
        assert report.location.address
    units = Counter(r.location.unit_code for r in located)
    assert len(units) >= 45  # most of the 65 wards and communes
    city = {u.code for u in ninh_thuan.descendants("582")}
    in_city = sum(n for code, n in units.items() if code in city)
    assert 0.4 <= in_city / len(located) <= 0.75  # the city is a third of the people but reports more


def test_received_mostly_by_day_some_at_night_and_on_weekends(big: list[Report]) -> None:
    hours = Counter(r.received_at.astimezone(TZ).hour for r in big)
    night = sum(hours[h] for h in (22, 23, 0, 1, 2, 3, 4, 5))
    assert 0.02 <= night / len(big) <= 0.1
    assert sum(hours[h] for h in range(7, 18)) > 0.55 * len(big)
    weekend = sum(r.received_at.weekday() >= 5 for r in big)
    assert 0.12 <= weekend / len(big) <= 0.28


def test_contacts_private_realistic_and_sometimes_missing(year: list[Report]) -> None:
    phones = [r.contact.phone for r in year if r.contact.phone]
    assert len(phones) > 0.7 * len(year)
    assert all(re.fullmatch(r"0[35789]\d{8}", p) for p in phones)
    anonymous = [r for r in year if not r.contact.name and not r.contact.phone]
    assert 0.01 <= len(anonymous) / len(year) <= 0.15
    names = [r.contact.name for r in year if r.contact.name]
    assert sum(n.split()[0] in ("Nguyễn", "Trần", "Lê", "Phạm") for n in names) > 0.25 * len(names)


def test_photos_on_reports_and_on_results(year: list[Report]) -> None:
    with_photos = [r for r in year if any(a.stage == "report" for a in r.attachments)]
    assert 0.3 <= len(with_photos) / len(year) <= 0.8
    assert any(a.stage == "result" for r in year for a in r.attachments)
    ids = [a.id for r in year for a in r.attachments]
    assert len(ids) == len(set(ids))
    for report in year:
        for attachment in report.attachments:
            assert attachment.id.startswith(report.number + "-")
            assert attachment.content_type == "image/png" and attachment.size > 1000
            assert attachment.added_at is not None and attachment.added_at <= NOW


def test_count_and_period_scale(ninh_thuan: Jurisdiction) -> None:
    start = datetime(2020, 1, 1, tzinfo=TZ)
    end = datetime(2020, 3, 1, tzinfo=TZ)
    reports = list(generate(ninh_thuan, count=3000, start=start, end=end, now=NOW))
    assert len(reports) == 3000
    assert all(start <= r.received_at <= end for r in reports)
    # Tết 2020 (24–29 January) sees fewer reports a day than ordinary weekdays.
    per_day = Counter(r.received_at.date() for r in reports)
    tet = [per_day[datetime(2020, 1, d).date()] for d in (27, 28, 29)]
    ordinary = [per_day[datetime(2020, 2, d).date()] for d in (11, 12, 13, 18, 19, 20)]
    assert sum(tet) / 3 < sum(ordinary) / 6


def test_bad_periods_are_refused(ninh_thuan: Jurisdiction) -> None:
    with pytest.raises(ValueError):
        generate(ninh_thuan, now=NOW, end=NOW + timedelta(hours=1))
    with pytest.raises(ValueError):
        generate(ninh_thuan, now=NOW, start=NOW, end=NOW - timedelta(days=1))
    with pytest.raises(ValueError):
        generate(ninh_thuan, now=NOW, count=-1)
    assert list(generate(ninh_thuan, now=NOW, count=0)) == []

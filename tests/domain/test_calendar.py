"""The public-sector working calendar: days off, swapped days, office hours, reply deadlines.

Every expected date below was counted by hand on a printed calendar; the comment next to each
case lists the working days counted (day 1, day 2, ...). Office hours are 07:30–17:00 unless said.
"""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from ioc_console.domain.calendar import WorkingCalendar, weekday_name
from ioc_console.domain.jurisdiction import CalendarOverride, Jurisdiction, OfficeHours

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime:
    """A local time in Vietnam, written as ISO 8601 without an offset."""
    return datetime.fromisoformat(text).replace(tzinfo=VN)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# -- which days are worked ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 4, 26), True),  # Saturday decreed a working day (swapped with Fri 2 May)
        (date(2025, 5, 2), False),  # Friday off in exchange
        (date(2025, 5, 3), False),  # an ordinary Saturday
        (date(2025, 4, 30), False),  # Reunification Day
        (date(2025, 5, 1), False),  # Labour Day
        (date(2025, 1, 24), True),  # Friday before Tết 2025
        (date(2025, 1, 27), False),  # Tết 2025 (25 Jan – 2 Feb): weekdays 27–31 Jan off
        (date(2025, 1, 31), False),
        (date(2025, 2, 3), True),  # first working day after Tết 2025
        (date(2026, 2, 13), True),  # Friday before Tết 2026 (14–22 Feb)
        (date(2026, 2, 16), False),
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),
        (date(2025, 9, 1), False),  # National Day: two days (Labour Code 2019): 1–2 Sep 2025
        (date(2025, 9, 2), False),
        (date(2025, 9, 3), True),
        (date(2026, 8, 31), False),  # 2026: Mon 31 Aug off, swapped with Sat 22 Aug
        (date(2026, 9, 1), False),  # 2026: National Day on Tue 1 and Wed 2 Sep
        (date(2026, 9, 2), False),
        (date(2026, 8, 22), True),
        (date(2026, 9, 3), True),
        (date(2025, 3, 12), True),  # an ordinary Wednesday
    ],
)
def test_working_days_of_the_public_sector(cal: WorkingCalendar, day: date, working: bool) -> None:
    assert cal.is_working_day(day) is working


def test_non_working_weekdays_of_2025(cal: WorkingCalendar) -> None:
    days = [d for d, _ in cal.non_working_weekdays(2025)]
    assert days == [
        date(2025, 1, 1),
        date(2025, 1, 27),
        date(2025, 1, 28),
        date(2025, 1, 29),
        date(2025, 1, 30),
        date(2025, 1, 31),
        date(2025, 4, 7),  # Hùng Kings (10th of the 3rd lunar month)
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),
        date(2025, 9, 1),
        date(2025, 9, 2),
    ]
    names = dict(cal.non_working_weekdays(2025))
    assert names[date(2025, 1, 29)] == "Tết Nguyên Đán"
    assert names[date(2025, 9, 2)] == "Quốc khánh"
    english = dict(cal.non_working_weekdays(2025, "en"))
    assert english[date(2025, 9, 1)] == "National Day"


def test_working_weekend_days_name_the_day_they_stand_for(cal: WorkingCalendar) -> None:
    assert cal.working_weekend_days(2025) == [(date(2025, 4, 26), "Làm việc bù cho ngày nghỉ 02/05/2025")]
    assert cal.working_weekend_days(2026, "en") == [
        (date(2026, 8, 22), "Working day in exchange for the day off of 2026-08-31")
    ]
    assert cal.working_weekend_days(2027) == []
    # A swap across the new year: Mon 31 Dec 2018 off, Sat 5 Jan 2019 worked.
    assert cal.working_weekend_days(2019)[0] == (date(2019, 1, 5), "Làm việc bù cho ngày nghỉ 31/12/2018")


def test_weekday_names() -> None:
    assert weekday_name(date(2025, 4, 26)) == "Thứ Bảy"
    assert weekday_name(date(2025, 4, 27), "en") == "Sunday"


# -- reply deadlines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Tết 2025. Fri 24 Jan: Sat 25 – Sun 2 Feb off; 1 Mon 3, 2 Tue 4, 3 Wed 5, 4 Thu 6,
        # 5 Fri 7, 6 Mon 10 Feb.
        ("2025-01-24T10:00", 6, "2025-02-10T17:00"),
        # Thu 23 Jan: 1 Fri 24, then 2 Mon 3 … 6 Fri 7 Feb.
        ("2025-01-23T15:00", 6, "2025-02-07T17:00"),
        # Received on a Tết holiday (Wed 29 Jan): counting starts Mon 3 Feb, as above.
        ("2025-01-29T09:00", 6, "2025-02-10T17:00"),
        # Tết 2026. Fri 13 Feb: Sat 14 – Sun 22 off; 1 Mon 23, 2 Tue 24, 3 Wed 25, 4 Thu 26,
        # 5 Fri 27, 6 Mon 2 Mar.
        ("2026-02-13T10:00", 6, "2026-03-02T17:00"),
        # Thu 12 Feb: 1 Fri 13, then 2 Mon 23 … 6 Fri 27 Feb.
        ("2026-02-12T10:00", 6, "2026-02-27T17:00"),
        # Received on Lunar New Year's Day 2026 (Tue 17 Feb): same as Fri 13.
        ("2026-02-17T11:00", 6, "2026-03-02T17:00"),
        # The working Saturday. Fri 25 Apr 2025: 1 Sat 26 (worked), 2 Mon 28, 3 Tue 29,
        # (Wed 30, Thu 1, Fri 2 off, weekend), 4 Mon 5, 5 Tue 6, 6 Wed 7 May.
        ("2025-04-25T10:00", 6, "2025-05-07T17:00"),
        ("2025-04-25T10:00", 1, "2025-04-26T17:00"),
        # Received on the working Saturday itself: 1 Mon 28, 2 Tue 29, 3 Mon 5, 4 Tue 6,
        # 5 Wed 7, 6 Thu 8 May.
        ("2025-04-26T10:00", 6, "2025-05-08T17:00"),
        # The day off of Fri 2 May 2025. Tue 29 Apr: 1 Mon 5, 2 Tue 6, 3 Wed 7, 4 Thu 8,
        # 5 Fri 9, 6 Mon 12 May.
        ("2025-04-29T10:00", 6, "2025-05-12T17:00"),
        # National Day 2025 (Mon 1, Tue 2 Sep). Fri 29 Aug: 1 Wed 3, 2 Thu 4, 3 Fri 5, 4 Mon 8,
        # 5 Tue 9, 6 Wed 10 Sep.
        ("2025-08-29T10:00", 6, "2025-09-10T17:00"),
        # Received on the first National Day (Mon 1 Sep 2025): day 1 is Wed 3.
        ("2025-09-01T08:00", 1, "2025-09-03T17:00"),
        # National Day 2026 (Mon 31 Aug swapped, Tue 1, Wed 2 Sep). Fri 28 Aug: 1 Thu 3,
        # 2 Fri 4, 3 Mon 7, 4 Tue 8, 5 Wed 9, 6 Thu 10 Sep.
        ("2026-08-28T10:00", 6, "2026-09-10T17:00"),
        # The 2026 working Saturday: Fri 21 Aug, day 1 is Sat 22 Aug.
        ("2026-08-21T10:00", 1, "2026-08-22T17:00"),
        # Received during office hours on a working day: still counts from the next day.
        # Mon 10 Mar 2025: 1 Tue 11, 2 Wed 12, 3 Thu 13, 4 Fri 14, 5 Mon 17, 6 Tue 18.
        ("2025-03-10T09:00", 6, "2025-03-18T17:00"),
        # At night on that Monday: the same.
        ("2025-03-10T23:00", 6, "2025-03-18T17:00"),
        # In the small hours of Tuesday 11 (the receipt day is Tuesday): 1 Wed 12 … 6 Wed 19.
        ("2025-03-11T02:00", 6, "2025-03-19T17:00"),
        # On a weekend: Sat 15 and Sun 16 Mar: 1 Mon 17, 2 Tue 18, 3 Wed 19, 4 Thu 20,
        # 5 Fri 21, 6 Mon 24.
        ("2025-03-15T10:00", 6, "2025-03-24T17:00"),
        ("2025-03-16T20:00", 6, "2025-03-24T17:00"),
        # Across the new year: Wed 31 Dec 2025, Thu 1 Jan off: 1 Fri 2, 2 Mon 5, 3 Tue 6,
        # 4 Wed 7, 5 Thu 8, 6 Fri 9 Jan 2026.
        ("2025-12-31T10:00", 6, "2026-01-09T17:00"),
    ],
)
def test_reply_deadline(cal: WorkingCalendar, received: str, days: int, due: str) -> None:
    result = cal.reply_deadline(at(received), days)
    assert result == at(due)
    assert result.utcoffset() == timedelta(hours=7)


def test_reply_deadline_reads_receipt_in_the_local_zone(cal: WorkingCalendar) -> None:
    # 17:30 UTC on Mon 10 Mar is 00:30 on Tue 11 in Vietnam: the receipt day is Tuesday, so the
    # count runs Wed 12 … Wed 19 (as for 02:00 on Tuesday above).
    received = datetime(2025, 3, 10, 17, 30, tzinfo=UTC)
    assert cal.reply_deadline(received, 6) == at("2025-03-19T17:00")
    # A naive time is local time.
    assert cal.reply_deadline(datetime(2025, 3, 10, 23, 0), 6) == at("2025-03-18T17:00")


def test_reply_deadline_needs_a_working_day(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        cal.reply_deadline(at("2025-03-10T09:00"), 0)


def test_long_deadline_crosses_into_a_year_not_yet_loaded() -> None:
    cal = WorkingCalendar()
    # Mon 22 Dec 2025 + 20 working days: Dec 23,24,25,26 (4), 29,30,31 (7), Jan 1 off,
    # Jan 2 (8), 5–9 (13), 12–16 (18), 19 (19), 20 (20) → Tue 20 Jan 2026.
    assert cal.reply_deadline(at("2025-12-22T10:00"), 20) == at("2026-01-20T17:00")


# -- overrides from the jurisdiction pack ------------------------------------------------------


def test_overrides_win_over_the_package() -> None:
    cal = WorkingCalendar(
        overrides=(
            CalendarOverride(date(2025, 3, 14), False, "Lễ hội Katê"),
            CalendarOverride(date(2025, 3, 22), True, ""),
            CalendarOverride(date(2025, 5, 2), True, "Làm việc bình thường"),
        )
    )
    assert not cal.is_working_day(date(2025, 3, 14))
    assert cal.is_working_day(date(2025, 3, 22))
    assert cal.is_working_day(date(2025, 5, 2))
    # Mon 10 Mar: 1 Tue 11, 2 Wed 12, 3 Thu 13, (Fri 14 off), 4 Mon 17, 5 Tue 18, 6 Wed 19.
    assert cal.reply_deadline(at("2025-03-10T09:00"), 6) == at("2025-03-19T17:00")
    # Thu 20 Mar: 1 Fri 21, 2 Sat 22 (worked by local decision).
    assert cal.reply_deadline(at("2025-03-20T09:00"), 2) == at("2025-03-22T17:00")
    off = dict(cal.non_working_weekdays(2025))
    assert off[date(2025, 3, 14)] == "Lễ hội Katê"
    assert date(2025, 5, 2) not in off
    worked = dict(cal.working_weekend_days(2025))
    assert worked[date(2025, 3, 22)] == "Ngày làm việc theo quyết định của địa phương"
    assert date(2025, 4, 26) in worked


def test_for_jurisdiction_uses_zone_hours_and_overrides() -> None:
    jurisdiction = Jurisdiction(
        id="test",
        name="Tỉnh thử",
        timezone="Asia/Bangkok",
        bbox=(10.0, 100.0, 12.0, 110.0),
        units={},
        agencies={},
        categories={},
        routing=(),
        office_hours=OfficeHours(time(8, 0), time(16, 30)),
        overrides=(CalendarOverride(date(2025, 3, 11), False, "Nghỉ"),),
    )
    cal = WorkingCalendar.for_jurisdiction(jurisdiction)
    # Mon 10 Mar, Tue 11 off: day 1 is Wed 12, closing at 16:30 Bangkok time.
    due = cal.reply_deadline(datetime(2025, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok")), 1)
    assert due == datetime(2025, 3, 12, 16, 30, tzinfo=ZoneInfo("Asia/Bangkok"))
    assert cal.day_seconds == 8.5 * 3600


# -- working hours -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "end"),
    [
        ("2025-03-10T09:00", 2, "2025-03-10T11:00"),
        # Before opening: counts from 07:30.
        ("2025-03-10T06:00", 1, "2025-03-10T08:30"),
        # After closing: counts from the next opening.
        ("2025-03-10T18:00", 1, "2025-03-11T08:30"),
        # A weekend start: Monday's opening.
        ("2025-03-15T12:00", 2, "2025-03-17T09:30"),
        # Exactly one office day ends at that day's close, two at the next day's.
        ("2025-03-10T07:30", 9.5, "2025-03-10T17:00"),
        ("2025-03-10T07:30", 19, "2025-03-11T17:00"),
        # Fri 25 Apr 2025 16:00 + 4 h: 1 h Friday, 3 h on the working Saturday.
        ("2025-04-25T16:00", 4, "2025-04-26T10:30"),
        # Tue 29 Apr 16:00 + 4 h: 1 h Tuesday, then Wed 30 – Sun 4 May off, 3 h Monday.
        ("2025-04-29T16:00", 4, "2025-05-05T10:30"),
        # Fri 13 Feb 2026 15:00 + 8 h: 2 h Friday, Tết, 6 h on Mon 23 Feb.
        ("2026-02-13T15:00", 8, "2026-02-23T13:30"),
        # 32 h from Tue 11 Mar 09:00: 8 (Tue) + 9.5 (Wed) + 9.5 (Thu) + 5 → Fri 14 12:30.
        ("2025-03-11T09:00", 32, "2025-03-14T12:30"),
    ],
)
def test_add_working_hours(cal: WorkingCalendar, start: str, hours: float, end: str) -> None:
    assert cal.add_working_hours(at(start), hours) == at(end)


def test_add_zero_hours_is_the_start_and_negative_is_refused(cal: WorkingCalendar) -> None:
    start = at("2025-03-15T12:00")
    assert cal.add_working_hours(start, 0) == start
    with pytest.raises(ValueError):
        cal.add_working_hours(start, -1)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        ("2025-03-10T09:00", "2025-03-10T11:00", 2),
        # Fri 25 Apr 16:00 → Mon 28 09:00: 1 h + 9.5 h (working Saturday) + 1.5 h.
        ("2025-04-25T16:00", "2025-04-28T09:00", 12),
        # Tue 29 Apr 16:00 → Mon 5 May 08:30: 1 h + 1 h, the holidays between count nothing.
        ("2025-04-29T16:00", "2025-05-05T08:30", 2),
        # Night to night within a weekend: nothing.
        ("2025-03-15T01:00", "2025-03-16T23:00", 0),
        # Across Tết 2026: Thu 12 Feb 17:00 → Mon 23 Feb 07:30 = Fri 13 only.
        ("2026-02-12T17:00", "2026-02-23T07:30", 9.5),
        # Later than earlier: zero.
        ("2025-03-11T09:00", "2025-03-10T09:00", 0),
    ],
)
def test_working_seconds_between(cal: WorkingCalendar, start: str, end: str, hours: float) -> None:
    assert cal.working_seconds_between(at(start), at(end)) == pytest.approx(hours * 3600)


def test_working_seconds_undo_added_hours(cal: WorkingCalendar) -> None:
    start = at("2025-01-20T08:15")
    for tenth in range(0, 2000, 37):
        hours = tenth / 10
        end = cal.add_working_hours(start, hours)
        assert cal.working_seconds_between(start, end) == pytest.approx(hours * 3600)


def test_years_outside_the_range_are_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        cal.is_working_day(date(1990, 1, 2))


def test_deadlines_are_fast() -> None:
    cal = WorkingCalendar()
    start = at("2025-01-01T00:00")
    received = [start + timedelta(minutes=17 * i) for i in range(50_000)]  # about 1.6 years
    begin = clock.perf_counter()
    for moment in received:
        cal.reply_deadline(moment, 6)
    elapsed = clock.perf_counter() - begin
    # About 0.07 s here; 200,000 take about 0.3 s.
    assert elapsed < 1.0

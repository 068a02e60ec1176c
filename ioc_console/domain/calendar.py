"""Vietnam's public-sector working calendar: which days count, and deadlines in working time.

What comes from where
---------------------
The ``holidays`` package (``holidays.country_holidays("VN")``, category ``public``, the only one it
offers for Vietnam) supplies, for every year it knows:

* the statutory public holidays: New Year's Day, the Tết days (the eve and the first days of the
  lunar year, moved off weekends the way the public sector does it), Hùng Kings' day, 30 April,
  1 May, National Day — two days since 2021 (2 September and its neighbour, e.g. 1–2 September
  2025 and 2026), and Vietnam Culture Day (24 November) from 2026;
* the days off given in lieu when a holiday falls on a weekend (``observed``);
* the government's swapped days off *and* the Saturdays decreed working days in exchange
  (``weekend_workdays``): e.g. Friday 2 May 2025 off against Saturday 26 April 2025 worked, and
  Monday 31 August 2026 off against Saturday 22 August 2026 worked.

Checked against the government's announcements for 2019–2026, the package knows every day the
public sector had off or worked on a weekend: among them Tết 2025 (25 January – 2 February:
weekdays 27–31 January off), Tết 2026 (14–22 February: weekdays 16–20 February off), the 2025
swap above, National Day 2025 (1–2 September) and 2026 (31 August swapped, 1–2 September), and
the 2019 and 2024 swaps (Saturdays 5 January 2019, 4 May 2019 and 4 May 2024 worked). Nothing had
to be added for those years.

The jurisdiction pack's ``CalendarOverride(day, working, note)`` entries are applied on top and
always win: a province's own decision (a day off for a local event, or a decree the installed
``holidays`` release does not know yet) goes there, without a code change. Saturdays and Sundays
are off unless the package or an override makes them working days.

Counting rules
--------------
* A reply deadline of N working days is counted from the first working day *after the calendar
  day of receipt* (in the jurisdiction's zone), whatever the hour of receipt; it falls at the
  close of office hours of the N-th such day. A report received at 23:00 on a Monday counts
  from Tuesday; one received at 02:00 on a Tuesday (that day's date) counts from Wednesday; one
  received on a weekend or holiday counts from the next working day.
* Working hours are office hours of working days; time outside them does not count.
* A naive ``datetime`` is taken as local time in the calendar's zone.

Speed: per-year tables (working-day ordinals as sorted arrays) are built once per year and
searched with :mod:`bisect`, so a deadline costs a few microseconds.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from ioc_console.domain.jurisdiction import CalendarOverride, Jurisdiction, OfficeHours

#: Years the calendar answers for. Vietnam's public sector has had two-day weekends since 1999;
#: the ``holidays`` package's lunar tables end in 2100.
MIN_YEAR = 2000
MAX_YEAR = 2100

_SAT = 5
_LANG = {"vi": "vi", "en": "en_US"}


@dataclass(frozen=True)
class _PackageYear:
    """What the ``holidays`` package says about one year, in one language."""

    holidays: dict[date, str]
    #: Weekend days decreed working days, with the day off they were swapped for (if known).
    weekend_workdays: dict[date, date | None]


@lru_cache(maxsize=512)
def _package_year(year: int, lang: str) -> _PackageYear:
    language = _LANG.get(lang, "vi")
    # A swap can straddle the new year (Friday 2 January 2015 off against Saturday 27 December 2014;
    # Monday 31 December 2018 against Saturday 5 January 2019): populate the neighbouring years too.
    table = holidays.country_holidays("VN", years=(year - 1, year, year + 1), language=language)
    days = {d: str(name) for d, name in table.items() if d.year == year}
    swapped_for: dict[date, date | None] = {}
    for worked in sorted(table.weekend_workdays):
        if worked.year != year:
            continue
        swapped_for[worked] = _find_swapped_day_off(table, worked)
    return _PackageYear(days, swapped_for)


def _find_swapped_day_off(table: holidays.HolidayBase, worked: date) -> date | None:
    """The day off granted against ``worked``: the package names it "… (substituted from <day>)"."""
    stamp = worked.strftime(table.tr(getattr(table, "substituted_date_format", "%d/%m/%Y")))
    for day, name in table.items():
        if stamp in str(name) and day != worked:
            return day
    return None


_WEEKDAYS = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def weekday_name(day: date, lang: str = "vi") -> str:
    """The day of the week in Vietnamese (``"Thứ Bảy"``) or English."""
    return _WEEKDAYS["en" if lang == "en" else "vi"][day.weekday()]


def _worked_name(swapped: date | None, lang: str) -> str:
    if lang == "en":
        if swapped is None:
            return "Working day in exchange for a day off"
        return f"Working day in exchange for the day off of {swapped.isoformat()}"
    if swapped is None:
        return "Ngày làm việc bù"
    return f"Làm việc bù cho ngày nghỉ {swapped:%d/%m/%Y}"


def _override_name(override: CalendarOverride, lang: str) -> str:
    if override.note:
        return override.note
    if override.working:
        return (
            "Working day by local decision"
            if lang == "en"
            else "Ngày làm việc theo quyết định của địa phương"
        )
    return "Day off by local decision" if lang == "en" else "Ngày nghỉ theo quyết định của địa phương"


class WorkingCalendar:
    """Working days and office hours of a jurisdiction's public sector.

    ``overrides`` come from the jurisdiction pack and win over the ``holidays`` package;
    ``tz`` is an IANA zone name or a ``tzinfo``. Instances are immutable and safe to share.
    """

    def __init__(
        self,
        overrides: Iterable[CalendarOverride] = (),
        office_hours: OfficeHours | None = None,
        tz: str | tzinfo = "Asia/Ho_Chi_Minh",
    ) -> None:
        self.office_hours = office_hours if office_hours is not None else OfficeHours()
        self.tz: tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.overrides: dict[date, CalendarOverride] = {o.day: o for o in overrides}
        opening = self.office_hours.start
        closing = self.office_hours.end
        self._open_s = opening.hour * 3600 + opening.minute * 60 + opening.second
        self._close_s = closing.hour * 3600 + closing.minute * 60 + closing.second
        if self._close_s <= self._open_s:
            raise ValueError("office hours must end after they start")
        #: Length of one working day in seconds (office hours).
        self.day_seconds: float = float(self._close_s - self._open_s)
        self._years: dict[int, frozenset[int]] = {}
        # (first year, last year, sorted ordinals of their working days), replaced as a whole when
        # it grows so that a reader in another thread always sees a consistent triple.
        self._span: tuple[int, int, list[int]] = (0, -1, [])
        # Close of office hours of working days already asked for (a deadline is one of them).
        self._closes: dict[int, datetime] = {}
        self._midnights: dict[int, datetime] = {}

    @classmethod
    def for_jurisdiction(cls, jurisdiction: Jurisdiction) -> WorkingCalendar:
        return cls(jurisdiction.overrides, jurisdiction.office_hours, jurisdiction.timezone)

    # -- days -----------------------------------------------------------------------------------

    def _working_set(self, year: int) -> frozenset[int]:
        found = self._years.get(year)
        if found is None:
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise ValueError(f"year {year} is outside the calendar's range {MIN_YEAR}–{MAX_YEAR}")
            package = _package_year(year, "vi")
            working: set[int] = set()
            day = date(year, 1, 1)
            step = timedelta(days=1)
            while day.year == year:
                override = self.overrides.get(day)
                if override is not None:
                    is_working = override.working
                elif day.weekday() >= _SAT:
                    is_working = day in package.weekend_workdays
                else:
                    is_working = day not in package.holidays
                if is_working:
                    working.add(day.toordinal())
                day += step
            found = frozenset(working)
            self._years[year] = found
        return found

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day of the public sector (a ``datetime`` counts by its date)."""
        if isinstance(day, datetime):
            day = self._local(day).date()
        return day.toordinal() in self._working_set(day.year)

    def _cover(self, first_year: int, last_year: int) -> tuple[int, int, list[int]]:
        """The sorted working-day array, grown if needed to cover [first_year, last_year]."""
        span = self._span
        lo, hi, _ = span
        if lo <= first_year and last_year <= hi:
            return span
        if hi < lo:
            lo, hi = first_year - 1, last_year + 1
        else:
            lo, hi = min(lo, first_year - 1), max(hi, last_year + 1)
        lo, hi = max(lo, MIN_YEAR), min(hi, MAX_YEAR)
        if not (lo <= first_year and last_year <= hi):
            raise ValueError(f"date outside the calendar's range {MIN_YEAR}–{MAX_YEAR}")
        ordinals: list[int] = []
        for year in range(lo, hi + 1):
            ordinals.extend(sorted(self._working_set(year)))
        span = (lo, hi, ordinals)
        self._span = span
        return span

    def _nth_working_after(self, ordinal: int, n: int) -> int:
        """Ordinal of the n-th working day (n >= 1) strictly after the day ``ordinal``."""
        _, hi, ordinals = self._span
        if ordinals and ordinals[0] <= ordinal:
            index = bisect_right(ordinals, ordinal) + n - 1
            if index < len(ordinals):
                return ordinals[index]
        year = date.fromordinal(ordinal).year
        _, hi, ordinals = self._cover(year, year)
        while True:
            index = bisect_right(ordinals, ordinal) + n - 1
            if index < len(ordinals):
                return ordinals[index]
            _, hi, ordinals = self._cover(year, hi + 1)

    # -- instants -------------------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    def _at(self, ordinal: int, seconds: float) -> datetime:
        midnight = self._midnights.get(ordinal)
        if midnight is None:
            midnight = datetime.combine(date.fromordinal(ordinal), time(0), tzinfo=self.tz)
            self._midnights[ordinal] = midnight
        return midnight + timedelta(seconds=seconds)

    def _close(self, ordinal: int) -> datetime:
        found = self._closes.get(ordinal)
        if found is None:
            found = self._at(ordinal, self._close_s)
            self._closes[ordinal] = found
        return found

    def close_of(self, day: date) -> datetime:
        """The close of office hours on ``day`` (an aware datetime in the calendar's zone)."""
        return self._close(day.toordinal())

    def reply_deadline(self, received: datetime, working_days: int) -> datetime:
        """Close of office hours of the ``working_days``-th working day after the day of receipt."""
        if working_days < 1:
            raise ValueError("a reply deadline needs at least one working day")
        ordinal = self._local(received).toordinal()
        return self._close(self._nth_working_after(ordinal, working_days))

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """``start`` plus ``hours`` of office time on working days.

        A start outside office hours counts from the next opening; an amount that ends exactly at
        closing time gives the close of that day (not the next opening). Zero hours gives ``start``.
        """
        if not math.isfinite(hours) or hours < 0:
            raise ValueError("hours must be a finite number, zero or more")
        if hours == 0:
            return start
        local = self._local(start)
        ordinal = local.toordinal()
        seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        year = local.year
        if ordinal in self._working_set(year) and seconds < self._close_s:
            seconds = max(seconds, float(self._open_s))
        else:
            ordinal = self._nth_working_after(ordinal, 1)
            seconds = float(self._open_s)
        remaining = hours * 3600.0
        available = self._close_s - seconds
        if remaining <= available:
            return self._at(ordinal, seconds + remaining)
        remaining -= available
        whole, rest = divmod(remaining, self.day_seconds)
        if rest == 0:
            whole, rest = whole - 1, self.day_seconds
        target = self._nth_working_after(ordinal, int(whole) + 1)
        return self._at(target, self._open_s + rest)

    def _working_position(self, moment: datetime, ordinals: list[int]) -> tuple[int, float]:
        """(working days in ``ordinals`` before ``moment``'s day, office seconds elapsed that day)."""
        local = self._local(moment)
        ordinal = local.toordinal()
        seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        elapsed = 0.0
        if ordinal in self._working_set(local.year):
            elapsed = min(max(seconds - self._open_s, 0.0), self.day_seconds)
        return bisect_left(ordinals, ordinal), elapsed

    def working_seconds_between(self, start: datetime, end: datetime) -> float:
        """Office seconds on working days from ``start`` to ``end`` (0 when ``end`` is not later)."""
        if end <= start:
            return 0.0
        _, _, ordinals = self._cover(self._local(start).year, self._local(end).year)
        days_a, secs_a = self._working_position(start, ordinals)
        days_b, secs_b = self._working_position(end, ordinals)
        return (days_b - days_a) * self.day_seconds + secs_b - secs_a

    # -- listings -------------------------------------------------------------------------------

    def non_working_weekdays(self, year: int, lang: str = "vi") -> list[tuple[date, str]]:
        """Monday-to-Friday days of ``year`` that are not worked, with their names."""
        working = self._working_set(year)
        package = _package_year(year, lang)
        result: list[tuple[date, str]] = []
        day = date(year, 1, 1)
        while day.year == year:
            if day.weekday() < _SAT and day.toordinal() not in working:
                override = self.overrides.get(day)
                if override is not None:
                    name = _override_name(override, lang)
                else:
                    name = package.holidays.get(day, "")
                result.append((day, name))
            day += timedelta(days=1)
        return result

    def working_weekend_days(self, year: int, lang: str = "vi") -> list[tuple[date, str]]:
        """Saturdays and Sundays of ``year`` that are working days, with the reason."""
        working = self._working_set(year)
        package = _package_year(year, lang)
        result: list[tuple[date, str]] = []
        day = date(year, 1, 1)
        while day.year == year:
            if day.weekday() >= _SAT and day.toordinal() in working:
                override = self.overrides.get(day)
                if override is not None:
                    name = _override_name(override, lang)
                else:
                    name = _worked_name(package.weekend_workdays.get(day), lang)
                result.append((day, name))
            day += timedelta(days=1)
        return result


__all__ = ["MAX_YEAR", "MIN_YEAR", "WorkingCalendar", "weekday_name"]

"""Turning domain values into the words the console shows (no Qt: it also runs on the worker).

Names come from the jurisdiction pack, labels from the domain's catalog (``.label(lang)``); times
are shown in the jurisdiction's zone as ``dd/MM/yyyy HH:mm``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import due_soon_boundary
from ioc_console.domain.jurisdiction import Jurisdiction, Unit

_KIND_PREFIXES = ("Thành phố ", "Thị xã ", "Huyện ", "Quận ", "Tỉnh ")


def short_unit_name(unit: Unit) -> str:
    """``"Huyện Ninh Hải"`` → ``"Ninh Hải"``: the district part of a compact unit label."""
    for prefix in _KIND_PREFIXES:
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


@dataclass(frozen=True)
class Names:
    """Names and labels of a jurisdiction in one language, looked up fast."""

    jurisdiction: Jurisdiction
    lang: str

    @property
    def tz(self) -> tzinfo:
        return ZoneInfo(self.jurisdiction.timezone)

    def when(self, moment: datetime | None) -> str:
        if moment is None:
            return ""
        if moment.tzinfo is not None:
            moment = moment.astimezone(self.tz)
        return moment.strftime("%d/%m/%Y %H:%M")

    def category(self, code: str | None) -> str:
        if not code:
            return ""
        category = self.jurisdiction.categories.get(code)
        if category is None:
            return code
        return category.name if self.lang == "vi" or not category.name_en else category.name_en

    def agency(self, code: str | None) -> str:
        if not code:
            return ""
        agency = self.jurisdiction.agencies.get(code)
        return code if agency is None else agency.short_name or agency.name

    def agency_full(self, code: str | None) -> str:
        if not code:
            return ""
        agency = self.jurisdiction.agencies.get(code)
        return code if agency is None else agency.name

    def unit(self, code: str | None) -> str:
        """A compact label: the commune or ward and, for one below a district, the district."""
        if not code:
            return ""
        units = self.jurisdiction.units
        unit = units.get(code)
        if unit is None:
            return code
        parent = units.get(unit.parent) if unit.parent else None
        if parent is None or parent.kind == "province":
            return unit.name
        return f"{unit.name} – {short_unit_name(parent)}"

    def unit_path(self, code: str | None) -> str:
        """The unit and all units above it: ``"Phường Phủ Hà, Thành phố Phan Rang–Tháp Chàm, Tỉnh ..."``."""
        if not code:
            return ""
        units = self.jurisdiction.units
        names: list[str] = []
        seen: set[str] = set()
        current = units.get(code)
        while current is not None and current.code not in seen:
            seen.add(current.code)
            names.append(current.name)
            current = units.get(current.parent) if current.parent else None
        return ", ".join(names) if names else code


class DeadlineClock:
    """The current time and the due-soon boundary of the jurisdiction's calendar and policy."""

    def __init__(self, jurisdiction: Jurisdiction, now: Callable[[], datetime] | None = None) -> None:
        self.calendar = WorkingCalendar.for_jurisdiction(jurisdiction)
        self.policy = jurisdiction.policy
        zone = ZoneInfo(jurisdiction.timezone)
        self._now = now or (lambda: datetime.now(zone))

    def now(self) -> datetime:
        return self._now()

    def now_and_boundary(self) -> tuple[datetime, datetime]:
        now = self._now()
        return now, due_soon_boundary(now, self.calendar, self.policy)

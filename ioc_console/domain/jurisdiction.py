"""The jurisdiction as data: units, agencies, categories, routing rules, deadline policy, calendar.

A pack is a folder of JSON files loaded by :func:`load_pack`, validated with errors that name the file,
the entry and the field (:class:`PackError`). Nothing about a particular province lives in code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time


@dataclass(frozen=True)
class Unit:
    """An administrative unit: the province, a city or district, a ward, commune or township."""

    code: str
    name: str
    kind: str  # province, city, district, ward, commune, township
    parent: str | None
    lat: float
    lon: float


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    short_name: str
    kind: str  # department, district_committee, commune_committee, police, utility, other
    units: tuple[str, ...]  # unit codes it serves (a unit covers its descendants)
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Category:
    code: str
    name: str  # Vietnamese
    name_en: str
    active: bool = True
    description: str = ""
    group: str = ""


@dataclass(frozen=True)
class RoutingRule:
    category: str  # category code or "*"
    unit: str  # unit code (covers descendants) or "*"
    agency: str


@dataclass(frozen=True)
class DeadlinePolicy:
    #: The citizen's reply deadline, in working days, counted from the first working day after receipt.
    reply_working_days: int = 6
    #: Stage targets in working hours, counted in office hours from the stage's start.
    triage_working_hours: float = 4.0
    acceptance_working_hours: float = 8.0
    resolution_working_hours: float = 32.0
    #: "Due soon" when this many working days or fewer are left.
    due_soon_working_days: float = 1.0
    #: Time spent waiting for the citizen's information does not count towards deadlines.
    pause_while_waiting_info: bool = True


@dataclass(frozen=True)
class OfficeHours:
    start: time = time(7, 30)
    end: time = time(17, 0)


@dataclass(frozen=True)
class CalendarOverride:
    day: date
    working: bool
    note: str = ""


@dataclass(frozen=True)
class Jurisdiction:
    id: str
    name: str
    timezone: str
    #: south, west, north, east
    bbox: tuple[float, float, float, float]
    units: dict[str, Unit]
    agencies: dict[str, Agency]
    categories: dict[str, Category]
    routing: tuple[RoutingRule, ...]
    policy: DeadlinePolicy = field(default_factory=DeadlinePolicy)
    office_hours: OfficeHours = field(default_factory=OfficeHours)
    overrides: tuple[CalendarOverride, ...] = ()

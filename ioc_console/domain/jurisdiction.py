"""The jurisdiction as data: units, agencies, categories, routing rules, deadline policy, calendar.

A pack is a folder of JSON files loaded by :func:`load_pack`, validated with errors that name the file,
the entry and the field (:class:`PackError`). Nothing about a particular province lives in code.

Pack layout (format 1)::

    pack.json        {"format": 1, "id", "name", "timezone", "bbox": [south, west, north, east],
                      "deadline_policy": {...}, "office_hours": {"start": "07:30", "end": "17:00"},
                      "calendar_overrides": [{"day": "2025-05-02", "working": false, "note": ""}],
                      "report_numbers": {"prefix": "PA", "digits": 6},
                      "source": "free text: where the data comes from"}
    units.json       [{"code", "name", "kind", "parent": code | null, "lat", "lon"}, ...]
    agencies.json    [{"code", "name", "short_name", "kind", "units": [codes], "phone", "email"}, ...]
    categories.json  [{"code", "name", "name_en", "active", "group", "description"}, ...]
    routing.json     [{"category": code | "*", "unit": code | "*", "agency": code}, ...]

A unit code in ``agencies.json`` or ``routing.json`` covers that unit and all its descendants.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from ioc_console.domain.errors import DomainError
from ioc_console.domain.numbering import MAX_DIGITS, MIN_DIGITS, PREFIX_PATTERN, NumberScheme

#: The newest pack format this version reads.
PACK_FORMAT = 1
#: The files every pack folder holds.
PACK_FILES = ("pack.json", "units.json", "agencies.json", "categories.json", "routing.json")
#: In a routing rule, matches any category or any unit.
ANY = "*"
UNIT_KINDS = ("province", "city", "town", "district", "ward", "commune", "township")
AGENCY_KINDS = ("department", "district_committee", "commune_committee", "police", "utility", "other")


@dataclass(frozen=True)
class Unit:
    """An administrative unit: the province, a city or district, a ward, commune or township."""

    code: str
    name: str
    kind: str  # province, city, district, ward, commune, township
    parent: str | None
    lat: float
    lon: float


#: Agency kinds that act only within the units they serve (a district's or commune's committee).
LOCAL_KINDS = frozenset({"district_committee", "commune_committee"})


class Reach(Enum):
    """Where a report lies for an agency, by the units the pack says it serves."""

    SERVES = "serves"
    #: Outside the agency's units; allowed with a warning.
    OUTSIDE_WARN = "outside_warn"
    #: Outside a committee's units: refused.
    OUTSIDE_REFUSED = "outside_refused"
    #: The report has no known unit, so the agency's area cannot be checked; allowed with a warning.
    UNKNOWN_UNIT = "unknown_unit"


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
    """One province (or city) as loaded from a pack.

    The query methods build their indexes on first use and keep them on the instance
    (``functools.cached_property`` writes to the instance ``__dict__``, which a frozen dataclass
    without slots still has). The mappings must not be mutated after construction.
    """

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
    #: How report numbers are written (:mod:`ioc_console.domain.numbering`).
    numbers: NumberScheme = field(default_factory=NumberScheme)

    # -- indexes -------------------------------------------------------------------------------------

    @cached_property
    def _children(self) -> dict[str | None, tuple[str, ...]]:
        children: dict[str | None, list[str]] = {}
        for unit in self.units.values():
            children.setdefault(unit.parent, []).append(unit.code)
        return {parent: tuple(codes) for parent, codes in children.items()}

    @cached_property
    def _chains(self) -> dict[str, tuple[str, ...]]:
        """Each unit's code followed by its ancestors' codes, nearest first."""
        chains: dict[str, tuple[str, ...]] = {}
        for code in self.units:
            chain = [code]
            parent = self.units[code].parent
            while parent is not None and parent in self.units and parent not in chain:
                chain.append(parent)
                parent = self.units[parent].parent
            chains[code] = tuple(chain)
        return chains

    @cached_property
    def _rules(self) -> dict[tuple[str, str], str]:
        rules: dict[tuple[str, str], str] = {}
        for rule in self.routing:
            rules.setdefault((rule.category, rule.unit), rule.agency)
        return rules

    @cached_property
    def _leaves(self) -> tuple[Unit, ...]:
        return tuple(unit for unit in self.units.values() if unit.code not in self._children)

    def _chain(self, code: str) -> tuple[str, ...]:
        try:
            return self._chains[code]
        except KeyError:
            raise DomainError("unit.unknown", field="unit", unit=code) from None

    # -- units ---------------------------------------------------------------------------------------

    def unit(self, code: str) -> Unit:
        """The unit with this code; raises ``DomainError("unit.unknown")`` if there is none."""
        try:
            return self.units[code]
        except KeyError:
            raise DomainError("unit.unknown", field="unit", unit=code) from None

    def ancestors(self, code: str) -> list[Unit]:
        """The unit itself, then its parent, and so on up to the top-level unit."""
        return [self.units[c] for c in self._chain(code)]

    def children(self, code: str) -> list[Unit]:
        """The units whose parent is this one, in pack order."""
        self.unit(code)
        return [self.units[c] for c in self._children.get(code, ())]

    def descendants(self, code: str) -> list[Unit]:
        """All units below this one (not itself), depth first in pack order: a district, its wards, ..."""
        self.unit(code)
        found: list[Unit] = []
        stack = list(reversed(self._children.get(code, ())))
        while stack:
            current = stack.pop()
            found.append(self.units[current])
            stack.extend(reversed(self._children.get(current, ())))
        return found

    def leaf_units(self) -> list[Unit]:
        """The units with no unit below them (wards, communes, townships), in pack order."""
        return list(self._leaves)

    def root(self) -> Unit:
        """The top-level unit (the province)."""
        for unit in self.units.values():
            if unit.parent is None:
                return unit
        raise DomainError("unit.unknown", field="unit", unit="")

    # -- geography -----------------------------------------------------------------------------------

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point lies inside the pack's bounding box (edges included)."""
        south, west, north, east = self.bbox
        return south <= lat <= north and west <= lon <= east

    def nearest_unit(self, lat: float, lon: float) -> Unit:
        """The leaf unit whose centroid is nearest to the point (a linear scan: packs are small)."""
        scale = math.cos(math.radians(lat))
        best: Unit | None = None
        best_distance = math.inf
        for unit in self._leaves:
            dy = unit.lat - lat
            dx = (unit.lon - lon) * scale
            distance = dx * dx + dy * dy
            if distance < best_distance:
                best, best_distance = unit, distance
        if best is None:
            raise DomainError("unit.unknown", field="unit", unit="")
        return best

    # -- categories and agencies ---------------------------------------------------------------------

    def category(self, code: str) -> Category:
        """The category with this code; raises ``DomainError("category.unknown")`` if there is none."""
        try:
            return self.categories[code]
        except KeyError:
            raise DomainError("category.unknown", field="category", category=code) from None

    def active_categories(self) -> list[Category]:
        """The categories that take new reports, in pack order."""
        return [category for category in self.categories.values() if category.active]

    def agency(self, code: str) -> Agency:
        """The agency with this code; raises ``DomainError("forward.unknown_agency")`` if there is none."""
        try:
            return self.agencies[code]
        except KeyError:
            raise DomainError("forward.unknown_agency", field="agency", agency=code) from None

    def agencies_for_unit(self, unit_code: str) -> list[Agency]:
        """The agencies that serve this unit (directly or through an ancestor), nearest first.

        A ward's committee comes before its city's committee, which comes before the provincial
        departments; agencies at the same level keep their pack order.
        """
        chain = self._chain(unit_code)
        depth = {code: i for i, code in enumerate(chain)}
        ranked: list[tuple[int, int, Agency]] = []
        for order, agency in enumerate(self.agencies.values()):
            levels = [depth[code] for code in agency.units if code in depth]
            if levels:
                ranked.append((min(levels), order, agency))
        ranked.sort(key=lambda item: (item[0], item[1]))
        return [agency for _, _, agency in ranked]

    def unit_path(self, code: str) -> str:
        """The unit and every unit above it: ``"Xã Phước Hữu, Huyện Ninh Phước, Tỉnh Ninh Thuận"``."""
        names: list[str] = []
        seen: set[str] = set()
        current = self.units.get(code)
        while current is not None and current.code not in seen:
            seen.add(current.code)
            names.append(current.name)
            current = self.units.get(current.parent) if current.parent else None
        return ", ".join(names) if names else code

    def reach(self, agency_code: str, unit_code: str | None) -> Reach:
        """Whether ``agency_code`` may take a report located in ``unit_code``: a committee acts only
        within the units it serves; any other agency may be sent a report from outside them (a
        province-wide company, say), which the console warns about."""
        agency = self.agency(agency_code)
        if not unit_code or unit_code not in self.units:
            return Reach.UNKNOWN_UNIT
        if any(a.code == agency.code for a in self.agencies_for_unit(unit_code)):
            return Reach.SERVES
        return Reach.OUTSIDE_REFUSED if agency.kind in LOCAL_KINDS else Reach.OUTSIDE_WARN

    def check_reach(self, agency_code: str, unit_code: str | None) -> None:
        """Raise ``DomainError("forward.outside_area")`` when the agency may not take a report from
        ``unit_code`` (a committee outside its own area). The hub applies it to every forward, the
        console before it asks the hub."""
        if self.reach(agency_code, unit_code) is Reach.OUTSIDE_REFUSED:
            raise DomainError(
                "forward.outside_area",
                field="agency",
                agency=self.agencies[agency_code].name,
                unit=self.unit_path(str(unit_code)),
            )

    # -- routing -------------------------------------------------------------------------------------

    def route(self, category: str, unit_code: str) -> Agency | None:
        """The agency a report of ``category`` in ``unit_code`` goes to, or None when no rule applies.

        The most specific rule wins, in this order:

        1. a rule naming the category beats any rule whose category is ``"*"``;
        2. between rules of the same category (or both ``"*"``), the one on the nearer unit wins:
           the unit itself, then its parent, and so on up to the province, and a rule whose unit is
           ``"*"`` comes last.

        So with the rules (environment, city), (``*``, ward) and (environment, ``*``), an environment
        report in the ward follows (environment, city), and any other report there follows
        (``*``, ward). Rule order in the file does not matter (the loader refuses duplicates).
        Inactive categories still route, so that old reports can be handled.
        """
        self.category(category)
        chain = self._chain(unit_code)
        for wanted in (category, ANY):
            for unit in (*chain, ANY):
                agency = self._rules.get((wanted, unit))
                if agency is not None:
                    return self.agencies.get(agency)
        return None

    def unrouted(self) -> list[tuple[Category, Unit]]:
        """Every (active category, leaf unit) pair that no rule routes: empty for a complete pack."""
        return [
            (category, unit)
            for category in self.active_categories()
            for unit in self._leaves
            if self.route(category.code, unit.code) is None
        ]


# -- errors --------------------------------------------------------------------------------------------

_PACK_MESSAGES: dict[str, tuple[str, str]] = {
    "pack.not_found": (
        "không tìm thấy thư mục gói dữ liệu địa bàn",
        "the jurisdiction pack folder does not exist",
    ),
    "pack.missing_file": (
        "thư mục gói dữ liệu «{folder}» không có tệp này",
        'the pack folder "{folder}" has no such file',
    ),
    "pack.unreadable": ("không đọc được tệp ({detail})", "cannot read the file ({detail})"),
    "pack.encoding": ("tệp không phải văn bản UTF-8", "the file is not UTF-8 text"),
    "pack.json_syntax": ("lỗi cú pháp JSON ({detail})", "JSON syntax error ({detail})"),
    "pack.duplicate_key": (
        "khóa «{key}» xuất hiện hai lần trong cùng một đối tượng",
        'the key "{key}" appears twice in one object',
    ),
    "pack.format": (
        "gói dùng định dạng {value}, phiên bản này chỉ đọc được đến định dạng {limit}",
        "the pack uses format {value}; this version reads formats up to {limit}",
    ),
    "pack.required": ("thiếu trường bắt buộc", "required field is missing"),
    "pack.unknown_field": ("trường không được hỗ trợ (gõ sai tên?)", "unknown field (misspelt?)"),
    "pack.type": ("phải là {expected}", "must be {expected}"),
    "pack.bad_number_prefix": (
        "tiền tố số phản ánh «{value}» không hợp lệ: 1 đến 8 chữ in hoa không dấu hoặc chữ số, bắt đầu bằng chữ",
        'invalid report number prefix "{value}": 1 to 8 capital ASCII letters or digits, starting with a letter',
    ),
    "pack.number_digits": (
        "số chữ số của số phản ánh phải từ {low} đến {high}, không phải {value}",
        "report number digits must be between {low} and {high}, not {value}",
    ),
    "pack.empty": ("không được để trống", "must not be empty"),
    "pack.bad_code": (
        "mã «{value}» không hợp lệ: chỉ dùng chữ không dấu, chữ số, dấu chấm, gạch ngang và gạch dưới",
        'invalid code "{value}": use ASCII letters, digits, ".", "-" and "_" only',
    ),
    "pack.duplicate": (
        "mã «{value}» bị trùng với mục có chỉ số {first}",
        'duplicate code "{value}" (first at index {first})',
    ),
    "pack.duplicate_rule": (
        "đã có quy tắc cho lĩnh vực «{category}» tại đơn vị «{unit}» (mục có chỉ số {first})",
        'a rule for category "{category}" in unit "{unit}" already exists (index {first})',
    ),
    "pack.duplicate_day": (
        "ngày {value} đã được khai báo ở mục có chỉ số {first}",
        "the day {value} is already listed at index {first}",
    ),
    "pack.bad_choice": (
        "giá trị «{value}» không hợp lệ; dùng một trong: {allowed}",
        'invalid value "{value}"; use one of: {allowed}',
    ),
    "pack.unknown_unit": ("không có đơn vị hành chính «{value}»", 'unknown unit "{value}"'),
    "pack.unknown_category": ("không có lĩnh vực «{value}»", 'unknown category "{value}"'),
    "pack.unknown_agency": ("không có đơn vị xử lý «{value}»", 'unknown agency "{value}"'),
    "pack.parent_cycle": ("vòng lặp đơn vị cấp trên: {chain}", "parent cycle: {chain}"),
    "pack.many_roots": (
        "chỉ được có một đơn vị cấp cao nhất, đã có «{value}»",
        'only one top-level unit is allowed; "{value}" is one already',
    ),
    "pack.bad_bbox": (
        "khung địa bàn phải là [nam, tây, bắc, đông] với -90 ≤ nam < bắc ≤ 90 và -180 ≤ tây < đông ≤ 180",
        "bbox must be [south, west, north, east] with -90 ≤ south < north ≤ 90 and -180 ≤ west < east ≤ 180",
    ),
    "pack.outside_bbox": (
        "tọa độ ({lat}, {lon}) nằm ngoài khung địa bàn {bbox} khai báo trong pack.json",
        "coordinates ({lat}, {lon}) lie outside the bbox {bbox} given in pack.json",
    ),
    "pack.bad_timezone": ("không có múi giờ «{value}»", 'unknown time zone "{value}"'),
    "pack.bad_time": (
        "giờ «{value}» không hợp lệ (cần dạng HH:MM)",
        'invalid time "{value}" (expected HH:MM)',
    ),
    "pack.bad_date": (
        "ngày «{value}» không hợp lệ (cần dạng YYYY-MM-DD)",
        'invalid date "{value}" (expected YYYY-MM-DD)',
    ),
    "pack.time_order": (
        "giờ bắt đầu {start} phải trước giờ kết thúc {end}",
        "the start {start} must be before the end {end}",
    ),
    "pack.too_small": ("giá trị {value} phải từ {limit} trở lên", "{value} must be at least {limit}"),
    "pack.not_positive": ("giá trị {value} phải lớn hơn 0", "{value} must be greater than 0"),
    "pack.due_soon_too_long": (
        "ngưỡng «sắp đến hạn» ({value} ngày làm việc) phải ngắn hơn hạn trả lời ({limit} ngày làm việc)",
        "the due-soon threshold ({value} working days) must be shorter than the reply deadline"
        " ({limit} working days)",
    ),
    "pack.stages_exceed_reply": (
        "tổng chỉ tiêu các bước là {value} giờ làm việc, vượt hạn trả lời {days} ngày làm việc ({limit} giờ)",
        "the stage targets add up to {value} working hours, more than the {days}-working-day reply"
        " deadline ({limit} hours)",
    ),
    "pack.agency_not_serving": (
        "đơn vị xử lý «{agency}» không phụ trách địa bàn «{value}»",
        'the agency "{agency}" does not serve the unit "{value}"',
    ),
}

_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "string": ("chuỗi ký tự", "a string"),
    "string_or_null": ("chuỗi ký tự hoặc null", "a string or null"),
    "number": ("số", "a number"),
    "integer": ("số nguyên", "an integer"),
    "boolean": ("true hoặc false", "true or false"),
    "list": ("danh sách", "a list"),
    "object": ("đối tượng JSON", "a JSON object"),
    "bbox": ("danh sách 4 số", "a list of 4 numbers"),
}


class PackError(DomainError):
    """A pack that cannot be loaded: names the file, the entry (code and/or index) and the field.

    ``message("vi")`` (the default) and ``message("en")`` read like
    ``units.json, entry "22768" (index 3), field "parent": unknown unit "xxx"``.
    ``str(error)`` is the English message. JSON syntax errors also carry ``line`` and ``column``.
    """

    def __init__(
        self,
        code: str,
        /,
        *,
        file: str,
        entry: str | None = None,
        index: int | None = None,
        field: str | None = None,
        line: int | None = None,
        column: int | None = None,
        path: Path | None = None,
        **params: Any,
    ) -> None:
        self.file = file
        self.entry = entry
        self.index = index
        self.line = line
        self.column = column
        self.path = path
        super().__init__(code, field=field, **params)

    def location(self, lang: str = "vi") -> str:
        """Where the problem is: file, entry, field (and line/column for syntax errors)."""
        vi = lang != "en"
        parts = [self.file]
        if self.entry is not None:
            text = f"mục «{self.entry}»" if vi else f'entry "{self.entry}"'
            if self.index is not None:
                text += f" (chỉ số {self.index})" if vi else f" (index {self.index})"
            parts.append(text)
        elif self.index is not None:
            parts.append(f"mục có chỉ số {self.index}" if vi else f"entry at index {self.index}")
        if self.field is not None:
            parts.append(f"trường «{self.field}»" if vi else f'field "{self.field}"')
        if self.line is not None:
            parts.append(
                f"dòng {self.line}, cột {self.column}" if vi else f"line {self.line}, column {self.column}"
            )
        return ", ".join(parts)

    def detail(self, lang: str = "vi") -> str:
        """What is wrong, without the location."""
        vi, en = _PACK_MESSAGES.get(self.code, (self.code, self.code))
        values = dict(self.params)
        expected = values.get("expected")
        if isinstance(expected, str) and expected in _TYPE_NAMES:
            values["expected"] = _TYPE_NAMES[expected][0 if lang != "en" else 1]
        template = en if lang == "en" else vi
        try:
            return template.format(**values)
        except (KeyError, IndexError):
            return template

    def message(self, lang: str = "vi") -> str:
        return f"{self.location(lang)}: {self.detail(lang)}"


# -- loading -------------------------------------------------------------------------------------------

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_TIME = re.compile(r"^\d{2}:\d{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class _Where:
    """The place in the pack being read, to build errors from."""

    file: str
    entry: str | None = None
    index: int | None = None
    prefix: str = ""

    def at(self, entry: str) -> _Where:
        return _Where(self.file, entry, self.index, self.prefix)

    def fail(self, code: str, key: str | None = None, **params: Any) -> PackError:
        name = f"{self.prefix}{key}" if key is not None else (self.prefix.rstrip(".") or None)
        return PackError(code, file=self.file, entry=self.entry, index=self.index, field=name, **params)


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _object(where: _Where, value: object, key: str | None = None) -> dict[str, object]:
    if not isinstance(value, dict):
        raise where.fail("pack.type", key, expected="object")
    return value


def _list(where: _Where, value: object, key: str | None = None) -> list[object]:
    if not isinstance(value, list):
        raise where.fail("pack.type", key, expected="list")
    return value


def _keys(
    where: _Where, obj: Mapping[str, object], required: Iterable[str], optional: Iterable[str] = ()
) -> None:
    required = tuple(required)
    for key in required:
        if key not in obj:
            raise where.fail("pack.required", key)
    allowed = set(required) | set(optional)
    for key in obj:
        if key not in allowed:
            raise where.fail("pack.unknown_field", key)


def _str(where: _Where, obj: Mapping[str, object], key: str, default: str | None = None) -> str:
    """A string field; required and non-blank unless ``default`` is given."""
    if key not in obj and default is not None:
        return default
    value = obj.get(key)
    if not isinstance(value, str):
        raise where.fail("pack.type", key, expected="string")
    if default is None and not value.strip():
        raise where.fail("pack.empty", key)
    return value


def _code(where: _Where, obj: Mapping[str, object], key: str, *, wildcard: bool = False) -> str:
    value = _str(where, obj, key)
    if wildcard and value == ANY:
        return value
    if not _CODE.match(value):
        raise where.fail("pack.bad_code", key, value=value)
    return value


def _number(where: _Where, obj: Mapping[str, object], key: str, default: float | None = None) -> float:
    if key not in obj and default is not None:
        return default
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise where.fail("pack.type", key, expected="number")
    return float(value)


def _integer(where: _Where, obj: Mapping[str, object], key: str, default: int | None = None) -> int:
    if key not in obj and default is not None:
        return default
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.fail("pack.type", key, expected="integer")
    return value


def _boolean(where: _Where, obj: Mapping[str, object], key: str, default: bool | None = None) -> bool:
    if key not in obj and default is not None:
        return default
    value = obj.get(key)
    if not isinstance(value, bool):
        raise where.fail("pack.type", key, expected="boolean")
    return value


def _choice(where: _Where, obj: Mapping[str, object], key: str, allowed: Iterable[str]) -> str:
    value = _str(where, obj, key)
    allowed = tuple(allowed)
    if value not in allowed:
        raise where.fail("pack.bad_choice", key, value=value, allowed=", ".join(allowed))
    return value


def _time(where: _Where, obj: Mapping[str, object], key: str) -> time:
    text = _str(where, obj, key)
    try:
        if not _TIME.match(text):
            raise ValueError(text)
        return time.fromisoformat(text)
    except ValueError:
        raise where.fail("pack.bad_time", key, value=text) from None


def _date(where: _Where, obj: Mapping[str, object], key: str) -> date:
    text = _str(where, obj, key)
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise where.fail("pack.bad_date", key, value=text) from None


def _entries(where: _Where, data: object) -> list[tuple[_Where, dict[str, object]]]:
    """A file's top-level list of objects, each with its own place for errors."""
    items = _list(where, data)
    if not items:
        raise where.fail("pack.empty")
    result = []
    for index, item in enumerate(items):
        place = _Where(where.file, None, index)
        result.append((place, _object(place, item)))
    return result


def _named(where: _Where, obj: Mapping[str, object], *keys: str) -> _Where:
    """Name the entry by its code (or codes) as early as possible, so that every error can say which."""
    values = [obj.get(key) for key in keys]
    if all(isinstance(v, str) and (_CODE.match(v) or v == ANY) for v in values):
        return where.at(" / ".join(str(v) for v in values))
    return where


def _timezone_exists(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # Without any time zone database (a bare Windows Python) nothing can be checked here.
        return not available_timezones()
    return True


@dataclass(frozen=True)
class _Meta:
    id: str
    name: str
    timezone: str
    bbox: tuple[float, float, float, float]
    policy: DeadlinePolicy
    office_hours: OfficeHours
    overrides: tuple[CalendarOverride, ...]
    numbers: NumberScheme


class _PackReader:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, name: str) -> object:
        path = self.folder / name
        if not path.is_file():
            raise PackError("pack.missing_file", file=name, path=path, folder=str(self.folder))
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise PackError("pack.encoding", file=name, path=path) from None
        except OSError as exc:
            raise PackError("pack.unreadable", file=name, path=path, detail=exc.strerror or exc) from None
        try:
            return json.loads(text, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as exc:
            raise PackError(
                "pack.json_syntax", file=name, line=exc.lineno, column=exc.colno, path=path, detail=exc.msg
            ) from None
        except _DuplicateKey as exc:
            raise PackError("pack.duplicate_key", file=name, path=path, key=exc.key) from None

    def load(self) -> Jurisdiction:
        meta = self._meta(self.read("pack.json"))
        units = self._units(self.read("units.json"), meta.bbox)
        categories = self._categories(self.read("categories.json"))
        agencies = self._agencies(self.read("agencies.json"), units)
        routing = self._routing(self.read("routing.json"), units, categories, agencies)
        return Jurisdiction(
            id=meta.id,
            name=meta.name,
            timezone=meta.timezone,
            bbox=meta.bbox,
            units=units,
            agencies=agencies,
            categories=categories,
            routing=routing,
            policy=meta.policy,
            office_hours=meta.office_hours,
            overrides=meta.overrides,
            numbers=meta.numbers,
        )

    # pack.json ------------------------------------------------------------------------------------

    def _meta(self, data: object) -> _Meta:
        where = _Where("pack.json")
        obj = _object(where, data)
        _keys(
            where,
            obj,
            ("id", "name", "timezone", "bbox", "deadline_policy", "office_hours"),
            ("format", "source", "calendar_overrides", "report_numbers"),
        )
        pack_format = _integer(where, obj, "format", PACK_FORMAT)
        if pack_format < 1 or pack_format > PACK_FORMAT:
            raise where.fail("pack.format", "format", value=pack_format, limit=PACK_FORMAT)
        pack_id = _code(where, obj, "id")
        name = _str(where, obj, "name")
        _str(where, obj, "source", "")
        timezone = _str(where, obj, "timezone")
        if not _timezone_exists(timezone):
            raise where.fail("pack.bad_timezone", "timezone", value=timezone)
        bbox = self._bbox(where, obj.get("bbox"))
        hours = self._office_hours(_Where("pack.json", prefix="office_hours."), obj["office_hours"])
        policy = self._policy(_Where("pack.json", prefix="deadline_policy."), obj["deadline_policy"], hours)
        overrides = self._overrides(obj.get("calendar_overrides", []))
        numbers = self._numbers(_Where("pack.json", prefix="report_numbers."), obj.get("report_numbers", {}))
        return _Meta(pack_id, name, timezone, bbox, policy, hours, overrides, numbers)

    @staticmethod
    def _numbers(where: _Where, value: object) -> NumberScheme:
        obj = _object(where, value)
        _keys(where, obj, (), ("prefix", "digits"))
        defaults = NumberScheme()
        prefix = _str(where, obj, "prefix", defaults.prefix)
        if not PREFIX_PATTERN.fullmatch(prefix):
            raise where.fail("pack.bad_number_prefix", "prefix", value=prefix)
        digits = _integer(where, obj, "digits", defaults.digits)
        if not MIN_DIGITS <= digits <= MAX_DIGITS:
            raise where.fail("pack.number_digits", "digits", value=digits, low=MIN_DIGITS, high=MAX_DIGITS)
        return NumberScheme(prefix, digits)

    @staticmethod
    def _bbox(where: _Where, value: object) -> tuple[float, float, float, float]:
        if (
            not isinstance(value, list)
            or len(value) != 4
            or any(
                isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) for v in value
            )
        ):
            raise where.fail("pack.type", "bbox", expected="bbox")
        south, west, north, east = (float(v) for v in value)
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            raise where.fail("pack.bad_bbox", "bbox")
        return south, west, north, east

    @staticmethod
    def _office_hours(where: _Where, value: object) -> OfficeHours:
        obj = _object(where, value)
        _keys(where, obj, ("start", "end"))
        start = _time(where, obj, "start")
        end = _time(where, obj, "end")
        if start >= end:
            raise where.fail(
                "pack.time_order", "end", start=start.strftime("%H:%M"), end=end.strftime("%H:%M")
            )
        return OfficeHours(start, end)

    @staticmethod
    def _policy(where: _Where, value: object, hours: OfficeHours) -> DeadlinePolicy:
        obj = _object(where, value)
        defaults = DeadlinePolicy()
        _keys(
            where,
            obj,
            ("reply_working_days",),
            (
                "triage_working_hours",
                "acceptance_working_hours",
                "resolution_working_hours",
                "due_soon_working_days",
                "pause_while_waiting_info",
            ),
        )
        reply = _integer(where, obj, "reply_working_days")
        if reply < 1:
            raise where.fail("pack.too_small", "reply_working_days", value=reply, limit=1)
        stages = {}
        for key in ("triage_working_hours", "acceptance_working_hours", "resolution_working_hours"):
            stages[key] = _number(where, obj, key, getattr(defaults, key))
            if stages[key] <= 0:
                raise where.fail("pack.not_positive", key, value=_plain(stages[key]))
        due_soon = _number(where, obj, "due_soon_working_days", defaults.due_soon_working_days)
        if due_soon < 0:
            raise where.fail("pack.too_small", "due_soon_working_days", value=_plain(due_soon), limit=0)
        if due_soon >= reply:
            raise where.fail(
                "pack.due_soon_too_long", "due_soon_working_days", value=_plain(due_soon), limit=reply
            )
        day_hours = (hours.end.hour * 60 + hours.end.minute - hours.start.hour * 60 - hours.start.minute) / 60
        total = sum(stages.values())
        if total > reply * day_hours:
            raise where.fail(
                "pack.stages_exceed_reply",
                "resolution_working_hours",
                value=_plain(total),
                days=reply,
                limit=_plain(reply * day_hours),
            )
        pause = _boolean(where, obj, "pause_while_waiting_info", defaults.pause_while_waiting_info)
        return DeadlinePolicy(
            reply_working_days=reply,
            triage_working_hours=stages["triage_working_hours"],
            acceptance_working_hours=stages["acceptance_working_hours"],
            resolution_working_hours=stages["resolution_working_hours"],
            due_soon_working_days=due_soon,
            pause_while_waiting_info=pause,
        )

    @staticmethod
    def _overrides(value: object) -> tuple[CalendarOverride, ...]:
        items = _list(_Where("pack.json"), value, "calendar_overrides")
        overrides: list[CalendarOverride] = []
        first_index: dict[date, int] = {}
        for index, item in enumerate(items):
            where = _Where("pack.json", None, index, "calendar_overrides.")
            obj = _object(where, item)
            where = _named(where, obj, "day")
            _keys(where, obj, ("day", "working"), ("note",))
            day = _date(where, obj, "day")
            where = where.at(day.isoformat())
            if day in first_index:
                raise where.fail("pack.duplicate_day", "day", value=day.isoformat(), first=first_index[day])
            first_index[day] = index
            working = _boolean(where, obj, "working")
            note = _str(where, obj, "note", "")
            overrides.append(CalendarOverride(day, working, note))
        return tuple(overrides)

    # units.json -----------------------------------------------------------------------------------

    def _units(self, data: object, bbox: tuple[float, float, float, float]) -> dict[str, Unit]:
        south, west, north, east = bbox
        units: dict[str, Unit] = {}
        places: dict[str, tuple[_Where, int]] = {}
        for where, obj in _entries(_Where("units.json"), data):
            where = _named(where, obj, "code")
            _keys(where, obj, ("code", "name", "kind", "lat", "lon"), ("parent",))
            code = _code(where, obj, "code")
            where = where.at(code)
            if code in places:
                raise where.fail("pack.duplicate", "code", value=code, first=places[code][1])
            places[code] = (where, where.index or 0)
            name = _str(where, obj, "name")
            kind = _choice(where, obj, "kind", UNIT_KINDS)
            parent = obj.get("parent")
            if parent is not None and not isinstance(parent, str):
                raise where.fail("pack.type", "parent", expected="string_or_null")
            lat = _number(where, obj, "lat")
            lon = _number(where, obj, "lon")
            if not (south <= lat <= north and west <= lon <= east):
                raise where.fail(
                    "pack.outside_bbox",
                    "lat" if not south <= lat <= north else "lon",
                    lat=lat,
                    lon=lon,
                    bbox=[south, west, north, east],
                )
            units[code] = Unit(code, name, kind, parent, lat, lon)

        for unit in units.values():
            if unit.parent is not None and unit.parent not in units:
                raise places[unit.code][0].fail("pack.unknown_unit", "parent", value=unit.parent)

        settled: set[str] = set()
        for unit in units.values():
            path = [unit.code]
            parent = unit.parent
            while parent is not None and parent not in settled:
                if parent in path:
                    cycle = [*path[path.index(parent) :], parent]
                    raise places[unit.code][0].fail("pack.parent_cycle", "parent", chain=" → ".join(cycle))
                path.append(parent)
                parent = units[parent].parent
            settled.update(path)

        root: str | None = None
        for unit in units.values():
            if unit.parent is None:
                if root is not None:
                    raise places[unit.code][0].fail("pack.many_roots", "parent", value=root)
                root = unit.code
        return units

    # categories.json --------------------------------------------------------------------------------

    def _categories(self, data: object) -> dict[str, Category]:
        categories: dict[str, Category] = {}
        first: dict[str, int] = {}
        for where, obj in _entries(_Where("categories.json"), data):
            where = _named(where, obj, "code")
            _keys(where, obj, ("code", "name", "name_en"), ("active", "description", "group"))
            code = _code(where, obj, "code")
            where = where.at(code)
            if code in first:
                raise where.fail("pack.duplicate", "code", value=code, first=first[code])
            first[code] = where.index or 0
            categories[code] = Category(
                code=code,
                name=_str(where, obj, "name"),
                name_en=_str(where, obj, "name_en"),
                active=_boolean(where, obj, "active", True),
                description=_str(where, obj, "description", ""),
                group=_str(where, obj, "group", ""),
            )
        return categories

    # agencies.json ----------------------------------------------------------------------------------

    def _agencies(self, data: object, units: Mapping[str, Unit]) -> dict[str, Agency]:
        agencies: dict[str, Agency] = {}
        first: dict[str, int] = {}
        for where, obj in _entries(_Where("agencies.json"), data):
            where = _named(where, obj, "code")
            _keys(where, obj, ("code", "name", "kind", "units"), ("short_name", "phone", "email"))
            code = _code(where, obj, "code")
            where = where.at(code)
            if code in first:
                raise where.fail("pack.duplicate", "code", value=code, first=first[code])
            first[code] = where.index or 0
            name = _str(where, obj, "name")
            short_name = _str(where, obj, "short_name", name) or name
            kind = _choice(where, obj, "kind", AGENCY_KINDS)
            served = _list(where, obj["units"], "units")
            if not served:
                raise where.fail("pack.empty", "units")
            for unit_code in served:
                if not isinstance(unit_code, str):
                    raise where.fail("pack.type", "units", expected="string")
                if unit_code not in units:
                    raise where.fail("pack.unknown_unit", "units", value=unit_code)
            agencies[code] = Agency(
                code=code,
                name=name,
                short_name=short_name,
                kind=kind,
                units=tuple(dict.fromkeys(str(u) for u in served)),
                phone=_str(where, obj, "phone", ""),
                email=_str(where, obj, "email", ""),
            )
        return agencies

    # routing.json -----------------------------------------------------------------------------------

    def _routing(
        self,
        data: object,
        units: Mapping[str, Unit],
        categories: Mapping[str, Category],
        agencies: Mapping[str, Agency],
    ) -> tuple[RoutingRule, ...]:
        root = next(unit.code for unit in units.values() if unit.parent is None)
        rules: list[RoutingRule] = []
        first: dict[tuple[str, str], int] = {}
        for where, obj in _entries(_Where("routing.json"), data):
            where = _named(where, obj, "category", "unit")
            _keys(where, obj, ("category", "unit", "agency"))
            category = _code(where, obj, "category", wildcard=True)
            unit = _code(where, obj, "unit", wildcard=True)
            agency = _code(where, obj, "agency")
            where = where.at(f"{category} / {unit}")
            if category != ANY and category not in categories:
                raise where.fail("pack.unknown_category", "category", value=category)
            if unit != ANY and unit not in units:
                raise where.fail("pack.unknown_unit", "unit", value=unit)
            if agency not in agencies:
                raise where.fail("pack.unknown_agency", "agency", value=agency)
            if (category, unit) in first:
                raise where.fail(
                    "pack.duplicate_rule", "unit", category=category, unit=unit, first=first[(category, unit)]
                )
            first[(category, unit)] = where.index or 0
            chain = _chain_of(units, root if unit == ANY else unit)
            if not any(code in chain for code in agencies[agency].units):
                raise where.fail("pack.agency_not_serving", "agency", agency=agency, value=unit)
            rules.append(RoutingRule(category, unit, agency))
        return tuple(rules)


def _chain_of(units: Mapping[str, Unit], code: str) -> set[str]:
    chain: set[str] = set()
    current: str | None = code
    while current is not None and current not in chain:
        chain.add(current)
        current = units[current].parent
    return chain


def _plain(value: float) -> int | float:
    """Numbers in messages without a needless ".0"."""
    return int(value) if float(value).is_integer() else value


def load_pack(path: Path) -> Jurisdiction:
    """Load and validate the pack in folder ``path`` (or the folder of ``path`` if it names pack.json).

    Raises :class:`PackError` at the first problem found, naming the file, the entry and the field.
    """
    folder = Path(path)
    if folder.is_file() and folder.name == "pack.json":
        folder = folder.parent
    if not folder.is_dir():
        raise PackError("pack.not_found", file=str(folder), path=folder)
    return _PackReader(folder).load()

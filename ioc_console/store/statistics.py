"""Figures over the local store: what came in, what was handled, on time or late, and satisfaction.

Every figure is an SQL aggregate over the ``reports`` table's columns (no history rows), read in one
short read transaction on the store's own connection, so a worker thread may call any of these.

What the figures mean (all for the reports **received** in the period ``[start, end)``, as they stand
now in the store, unless the name ends in ``_now``):

* ``received``: reports received in the period.
* ``handled``: of those, the ones that are resolved, closed (replied), rejected or merged as a
  duplicate. The time a report was handled is ``closed_at`` (closed, rejected, duplicate) or, for a
  resolved report still awaiting the IOC's published reply, the start of its current stage
  (``stage_started_at``, the time of the resolution).
* ``on_time`` / ``late``: handled reports handled at or before / after their reply deadline
  ``due_at`` (a report with no deadline running counts as on time).
* ``overdue``: reports of the period **not handled** whose reply deadline has passed at ``now``;
  they count against the on-time rate: ``on_time_rate = on_time / (on_time + late + overdue)``.
* ``open``: reports of the period not in a terminal status (closed, rejected, duplicate).
* ``rated`` / ``satisfied``: reports with a citizen's rating / a satisfied one;
  ``satisfaction_rate = satisfied / rated``.
* ``open_now`` / ``overdue_now`` (summary and league only): **every** report matching the filters
  whatever its receipt time that is not terminal / not terminal and past its reply deadline at
  ``now``: the same count as the workspace's "overdue" deadline state.
* Median times to first contact and to forwarding: ``first_contact_at - received_at`` and
  ``forwarded_at - received_at`` over the period's reports that have them, in seconds. ``forwarded_at``
  is the latest forwarding, so a re-routed report counts its last one.

Days and weeks are the jurisdiction's (:data:`TZ`, Asia/Ho_Chi_Minh by default: UTC+7 all year, no
summer time, which the day grouping relies on: it takes the zone's offset at the period's start).

Nothing here returns a citizen's name, phone or e-mail: the ticker also blanks phone numbers,
e-mail addresses and the citizen's own name out of the shortened description.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any, Final
from zoneinfo import ZoneInfo

import orjson

from ioc_console.domain.figures import HANDLED
from ioc_console.domain.lifecycle import TERMINAL, Channel, Role, Status
from ioc_console.domain.redact import redact as redact_contact
from ioc_console.domain.report import Contact
from ioc_console.store.convert import STATUS_RANK
from ioc_console.store.local import LocalStore

TZ: Final = ZoneInfo("Asia/Ho_Chi_Minh")
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_DAY_US: Final = 86_400_000_000
#: Periods longer than this are answered by reading the whole table.
_SCAN_AFTER: Final = timedelta(days=62)

#: Counts are packed into a few integer sums (SQLite evaluates one CASE per report instead of one
#: per figure: seven times faster over a whole year): each field takes :data:`_BITS` bits.
_BITS: Final = 21
_FIELD: Final = 1 << _BITS
#: The most reports one figure (a period, a group) may count.
MAX_COUNT: Final = _FIELD - 1
_RESOLVED_RANK: Final = STATUS_RANK[Status.RESOLVED]
#: One report's packed contributions: on time/late/overdue (``_JUDGED``), rated/satisfied/open
#: (``_OTHER``). Handled, and when, as ``domain.figures`` defines them: terminal (``closed``) or
#: resolved; handled at ``closed_at`` or, resolved, ``stage_started_at`` (a missing time: on time).
_JUDGED: Final = f"""CASE
        WHEN closed OR status_rank = {_RESOLVED_RANK} THEN
            CASE WHEN due_at IS NULL OR COALESCE(iif(closed, closed_at, stage_started_at), 0) <= due_at
            THEN 1 ELSE {_FIELD} END
        WHEN due_at < :now THEN {_FIELD * _FIELD}
        ELSE 0 END"""
_OTHER: Final = f"""(CASE satisfied WHEN 1 THEN {1 + _FIELD} WHEN 0 THEN 1 ELSE 0 END
        + iif(closed, 0, {_FIELD * _FIELD}))"""
#: The figures' aggregates: the count, on time/late/overdue packed, and rated/satisfied/open packed.
_FIGURES_SQL: Final = f"COUNT(*), COALESCE(SUM({_JUDGED}), 0), COALESCE(SUM({_OTHER}), 0)"
#: Groups are summed into this table of the connection's temporary database, one row per group
#: (an upsert per report), instead of ``GROUP BY``, which sorts every report first: twice as fast
#: over a year of reports. Its rows live only inside one read of the statistics.
_GROUPS: Final = "temp.ioc_statistics_sums"
_GROUPS_DDL: Final = (
    f"CREATE TABLE IF NOT EXISTS {_GROUPS} "
    "(k PRIMARY KEY NOT NULL, n INTEGER, j INTEGER, o INTEGER, x INTEGER) WITHOUT ROWID"
)
#: A report open and past its reply deadline at ``now`` (a condition, and a value of 0 or 1).
_OVERDUE: Final = "(closed = 0 AND due_at < :now)"
_OVERDUE_VALUE: Final = f"IFNULL({_OVERDUE}, 0)"
#: The key that stands for "no value" in that table (a primary key cannot be NULL).
_NO_KEY: Final = ""


def to_us(value: datetime) -> int:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: give a time zone")
    return (value - _EPOCH) // timedelta(microseconds=1)


def from_us(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


# -- periods and filters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """``[start, end)``, aware datetimes."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period needs aware datetimes")
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    @classmethod
    def day(cls, day: date, tz: tzinfo = TZ) -> Period:
        start = datetime(day.year, day.month, day.day, tzinfo=tz)
        return cls(start, datetime.combine(day + timedelta(days=1), datetime.min.time(), tz))

    @classmethod
    def today(cls, now: datetime, tz: tzinfo = TZ) -> Period:
        """The calendar day of ``now`` in ``tz``."""
        return cls.day(now.astimezone(tz).date(), tz)

    @classmethod
    def this_week(cls, now: datetime, tz: tzinfo = TZ) -> Period:
        """Monday 00:00 to next Monday 00:00 in ``tz``, around ``now``."""
        local = now.astimezone(tz).date()
        monday = local - timedelta(days=local.weekday())
        return cls(
            datetime.combine(monday, datetime.min.time(), tz),
            datetime.combine(monday + timedelta(days=7), datetime.min.time(), tz),
        )

    @classmethod
    def month(cls, year: int, month: int, tz: tzinfo = TZ) -> Period:
        start = datetime(year, month, 1, tzinfo=tz)
        nxt = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
        return cls(start, nxt)

    @classmethod
    def quarter(cls, year: int, quarter: int, tz: tzinfo = TZ) -> Period:
        """Quarter ``quarter`` (1-4) of ``year``: its first month's start to the next quarter's."""
        if not 1 <= quarter <= 4:
            raise ValueError(f"no quarter {quarter}")
        first = cls.month(year, 3 * quarter - 2, tz)
        last = cls.month(year, 3 * quarter, tz)
        return cls(first.start, last.end)

    @classmethod
    def year(cls, year: int, tz: tzinfo = TZ) -> Period:
        return cls(datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz))

    @classmethod
    def days(cls, first: date, last: date, tz: tzinfo = TZ) -> Period:
        """The calendar days ``first`` to ``last``, both included."""
        if last < first:
            raise ValueError("a period cannot end before it starts")
        return cls(cls.day(first, tz).start, cls.day(last, tz).end)


def _frozen(values: Iterable[Any] | str | None) -> frozenset[str]:
    if values is None:
        return frozenset()
    if isinstance(values, str):
        values = (values,)
    return frozenset(v.value if isinstance(v, Channel) else str(v) for v in values)


@dataclass(frozen=True)
class Filters:
    """Optional filters; empty sets do not filter. A unit covers every unit below it."""

    categories: AbstractSet[str] = frozenset()
    agencies: AbstractSet[str] = frozenset()
    units: AbstractSet[str] = frozenset()
    #: Channel values (a :class:`Channel` is one).
    channels: AbstractSet[str | Channel] = frozenset()

    def __post_init__(self) -> None:
        for name in ("categories", "agencies", "units", "channels"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))


NO_FILTERS: Final = Filters()


class _Where:
    """A WHERE clause with named parameters."""

    def __init__(self, filters: Filters, period: Period | None = None) -> None:
        self.terms: list[str] = []
        self.params: dict[str, Any] = {}
        if period is not None:
            # A long period covers most reports: reading the table beats the receipt index.
            column = "+received_at" if period.end - period.start > _SCAN_AFTER else "received_at"
            self.terms.append(f"{column} >= :start AND {column} < :end")
            self.params["start"] = to_us(period.start)
            self.params["end"] = to_us(period.end)
        self._in("category", "c", filters.categories)
        self._in("agency", "a", filters.agencies)
        self._in("channel", "ch", filters.channels)
        if filters.units:
            names = self._names("u", filters.units)
            self.terms.append(
                f"(unit_code IN ({names}) OR unit_code IN "
                f"(SELECT unit_code FROM unit_ancestors WHERE ancestor_code IN ({names})))"
            )

    def _names(self, prefix: str, values: Iterable[str]) -> str:
        names = []
        for i, value in enumerate(sorted(values)):
            key = f"{prefix}{i}"
            self.params[key] = value
            names.append(f":{key}")
        return ",".join(names)

    def _in(self, column: str, prefix: str, values: AbstractSet[Any]) -> None:
        if values:
            self.terms.append(f"{column} IN ({self._names(prefix, values)})")

    def add(self, term: str, **params: Any) -> _Where:
        self.terms.append(term)
        self.params.update(params)
        return self

    def sql(self) -> str:
        return " AND ".join(self.terms) if self.terms else "1"


@contextmanager
def _reading(store: LocalStore) -> Iterator[Any]:
    """The store's connection (a raw ``sqlite3.Connection``) inside one read transaction."""
    with store._transaction(write=False) as conn:
        yield store._driver(conn)


def _upsert_groups(
    raw: Any,
    key: str,
    where: str,
    params: Mapping[str, Any],
    values: tuple[str, str, str, str] = ("1", _JUDGED, _OTHER, "0"),
) -> list[tuple[Any, int, int, int, int]]:
    """Sums of the four SQL ``values`` (by default the count, the two packed figures and nothing)
    per value of the SQL expression ``key`` (None for no value) over the reports ``where`` matches
    (``params``: its parameters and ``now``), summed in :data:`_GROUPS`."""
    raw.execute(_GROUPS_DDL)
    raw.execute(f"DELETE FROM {_GROUPS}")
    try:
        raw.execute(
            f"INSERT INTO {_GROUPS} (k, n, j, o, x) "
            f"SELECT IFNULL({key}, '{_NO_KEY}'), {', '.join(values)} FROM reports WHERE {where} "
            "ON CONFLICT (k) DO UPDATE SET "
            "n = n + excluded.n, j = j + excluded.j, o = o + excluded.o, x = x + excluded.x",
            params,
        )
        rows = raw.execute(f"SELECT k, n, j, o, x FROM {_GROUPS}").fetchall()
    finally:
        raw.execute(f"DELETE FROM {_GROUPS}")
    return [(None if k == _NO_KEY else k, int(n), int(j), int(o), int(x)) for k, n, j, o, x in rows]


def _sum_groups(raw: Any, key: str, where: _Where, params: Mapping[str, Any]) -> list[tuple[Any, Figures]]:
    """The figures per value of the SQL expression ``key`` (see :func:`_upsert_groups`)."""
    return [(k, Figures.of((n, j, o))) for k, n, j, o, _x in _upsert_groups(raw, key, where.sql(), params)]


def _mostly_overdue(raw: Any, now_us: int) -> bool:
    """Whether over a quarter of the store is open and past its deadline (a count through the
    deadline index and the highest id tell)."""
    (overdue,) = raw.execute(
        "SELECT COUNT(*) FROM reports WHERE closed = 0 AND due_at < :now", {"now": now_us}
    ).fetchone()
    (highest,) = raw.execute("SELECT IFNULL(MAX(id), 0) FROM reports").fetchone()
    return int(overdue) * 4 > int(highest)


# -- figures ----------------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Figures:
    """The counts of one period (and group); see the module's notes for each."""

    received: int = 0
    handled: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    open: int = 0
    rated: int = 0
    satisfied: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """On time over everything judged: handled on time, handled late, overdue and not handled."""
        return _rate(self.on_time, self.on_time + self.late + self.overdue)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.rated)

    @property
    def handled_rate(self) -> float | None:
        return _rate(self.handled, self.received)

    @classmethod
    def of(cls, row: Iterable[Any]) -> Figures:
        """From the three values of the packed aggregates (see ``_FIGURES_SQL``)."""
        count, judged, other = (int(v or 0) for v in row)
        if count > MAX_COUNT:
            raise ValueError(f"more than {MAX_COUNT} reports in one figure: choose a shorter period")
        mask = MAX_COUNT
        on_time, late, overdue = judged & mask, (judged >> _BITS) & mask, judged >> (2 * _BITS)
        rated, satisfied, open_ = other & mask, (other >> _BITS) & mask, other >> (2 * _BITS)
        return cls(count, on_time + late, on_time, late, overdue, open_, rated, satisfied)


@dataclass(frozen=True)
class Summary:
    period: Period
    now: datetime
    figures: Figures
    open_now: int
    overdue_now: int
    #: Median seconds from receipt to the first contact / to forwarding; None without any.
    median_first_contact_s: float | None
    median_forwarding_s: float | None


def figures(store: LocalStore, period: Period, now: datetime, filters: Filters = NO_FILTERS) -> Figures:
    where = _Where(filters, period)
    with _reading(store) as raw:
        row = raw.execute(
            f"SELECT {_FIGURES_SQL} FROM reports WHERE {where.sql()}", {**where.params, "now": to_us(now)}
        ).fetchone()
    return Figures.of(row)


def _median(raw: Any, expression: str, where: _Where) -> float | None:
    """The median of ``expression`` (microseconds) over the matching reports that have it, in seconds;
    sorted and picked inside SQLite (only the middle one or two values come back)."""
    matching = f"FROM reports WHERE {where.sql()} AND {expression} IS NOT NULL"
    (n,) = raw.execute(f"SELECT COUNT(*) {matching}", where.params).fetchone()
    if not n:
        return None
    rows = raw.execute(
        f"SELECT {expression} AS d {matching} ORDER BY d LIMIT :take OFFSET :skip",
        {**where.params, "take": 1 if n % 2 else 2, "skip": (n - 1) // 2},
    ).fetchall()
    return float(sum(r[0] for r in rows)) / len(rows) / 1e6


_TO_CONTACT: Final = "first_contact_at - received_at"
_TO_FORWARD: Final = "forwarded_at - received_at"
#: How many reports a median's sample looks at (spread evenly over the store's ids), and the fewest
#: of them in the period for the sample to be worth it (fewer: the period is small, sort it all).
_SAMPLE: Final = 8000
_SAMPLE_ENOUGH: Final = 150
#: Periods of at most this many reports return every value for their medians.
_TAKE_ALL: Final = 50_000


def _medians(
    raw: Any,
    expressions: Sequence[str],
    where: _Where,
    extra: str = "",
    params: Mapping[str, Any] | None = None,
) -> tuple[list[float | None], tuple[Any, ...]]:
    """The exact medians of ``expressions`` (microseconds) over the matching reports that have them,
    in seconds, in one read of the period and without sorting it in SQLite: the values come back as
    JSON and are sorted here. A period of many reports returns only the values near each median: a
    sample of the store bounds the median between two values, the read counts the values below
    that window and returns those inside it (a few percent of them). Should the median fall outside
    its window (a sample far from typical), it is sorted and picked inside SQLite.

    ``extra``: more aggregates (with their ``params``) computed in the same read; their values come
    back second."""
    params = {**where.params, **(params or {})}
    windows = _median_windows(raw, expressions, where)
    columns = []
    for i, (expression, window) in enumerate(zip(expressions, windows, strict=True)):
        if window is None:  # every value
            columns.append(
                f"COUNT({expression}), 0, json_group_array({expression}) FILTER (WHERE {expression} NOT NULL)"
            )
            continue
        params[f"lo{i}"], params[f"hi{i}"] = window
        columns.append(
            f"COUNT({expression}), COUNT(*) FILTER (WHERE {expression} < :lo{i}), "
            f"json_group_array({expression}) FILTER (WHERE {expression} BETWEEN :lo{i} AND :hi{i})"
        )
    if extra:
        columns.append(extra)
    row = raw.execute(f"SELECT {', '.join(columns)} FROM reports WHERE {where.sql()}", params).fetchone()
    result: list[float | None] = []
    for i, expression in enumerate(expressions):
        count, below, inside = int(row[3 * i]), int(row[3 * i + 1]), row[3 * i + 2]
        if not count:
            result.append(None)
            continue
        values = sorted(orjson.loads(inside)) if inside else []
        low, high = (count - 1) // 2 - below, count // 2 - below
        if low >= 0 and high < len(values):
            result.append((values[low] + values[high]) / 2 / 1e6)
        else:
            result.append(_median(raw, expression, where))
    return result, tuple(row[3 * len(expressions) :])


def _median_windows(raw: Any, expressions: Sequence[str], where: _Where) -> list[tuple[int, int] | None]:
    """Per expression, values between which its median very probably lies, from a sample of the
    store; None (take every value) when the period holds few reports (counted through the receipt
    index) or the sample holds too few of its values to tell (then they are few too)."""
    none: list[tuple[int, int] | None] = [None] * len(expressions)
    if "start" in where.params:
        (received,) = raw.execute(
            "SELECT COUNT(*) FROM reports WHERE received_at >= :start AND received_at < :end",
            {"start": where.params["start"], "end": where.params["end"]},
        ).fetchone()
        if int(received) <= _TAKE_ALL:
            return none
    # Two subqueries: each is one step down the table's b-tree (together, MIN and MAX scan it).
    first, last = raw.execute(
        "SELECT (SELECT MIN(id) FROM reports), (SELECT MAX(id) FROM reports)"
    ).fetchone()
    if first is None:
        return none
    step = max(1, (int(last) - int(first)) // _SAMPLE)
    picked = ", ".join(expressions)
    rows = raw.execute(
        "WITH RECURSIVE ids(i) AS (SELECT :first UNION ALL SELECT i + :step FROM ids WHERE i + :step <= :last) "
        f"SELECT {picked} FROM ids CROSS JOIN reports ON reports.id = ids.i WHERE {where.sql()}",
        {**where.params, "first": int(first), "last": int(last), "step": step},
    ).fetchall()
    windows: list[tuple[int, int] | None] = []
    for i in range(len(expressions)):
        sample = sorted(r[i] for r in rows if r[i] is not None)
        m = len(sample)
        if m < _SAMPLE_ENOUGH:
            windows.append(None)
            continue
        # Four standard errors of the sample's median (0.5 / sqrt(m)) each side.
        spread = 2.0 / m**0.5 + 0.005
        lo = sample[max(0, int((0.5 - spread) * (m - 1)))]
        hi = sample[min(m - 1, int((0.5 + spread) * (m - 1)) + 1)]
        windows.append((int(lo), int(hi)))
    return windows


def summary(store: LocalStore, period: Period, now: datetime, filters: Filters = NO_FILTERS) -> Summary:
    """The period's figures, the backlog now and the median times (see the module's notes)."""
    where = _Where(filters, period)
    backlog = _Where(filters).add("closed = 0")
    now_us = to_us(now)
    with _reading(store) as raw:
        open_now, overdue_now = raw.execute(
            f"SELECT COUNT(*), COALESCE(SUM(due_at < :now), 0) FROM reports WHERE {backlog.sql()}",
            {**backlog.params, "now": now_us},
        ).fetchone()
        (contact, forwarding), row = _medians(
            raw, (_TO_CONTACT, _TO_FORWARD), where, _FIGURES_SQL, {"now": now_us}
        )
    return Summary(period, now, Figures.of(row), int(open_now), int(overdue_now or 0), contact, forwarding)


# -- groups -----------------------------------------------------------------------------------------


class GroupBy(StrEnum):
    CATEGORY = "category"
    AGENCY = "agency"
    UNIT = "unit"
    DISTRICT = "district"
    CHANNEL = "channel"
    DAY = "day"


GROUP_LABELS: Final[Mapping[GroupBy, tuple[str, str]]] = {
    GroupBy.CATEGORY: ("Lĩnh vực", "Category"),
    GroupBy.AGENCY: ("Đơn vị xử lý", "Agency"),
    GroupBy.UNIT: ("Địa bàn", "Administrative unit"),
    GroupBy.DISTRICT: ("Huyện/thành phố", "District"),
    GroupBy.CHANNEL: ("Kênh tiếp nhận", "Channel"),
    GroupBy.DAY: ("Ngày", "Day"),
}
#: What a group without a value is called: a report not yet forwarded has no agency, one not yet
#: classified no category, one without a known place no unit.
NO_AGENCY_LABEL: Final = ("Chưa chuyển", "Not yet forwarded")
NO_CATEGORY_LABEL: Final = ("Chưa phân loại", "Not classified")
NO_UNIT_LABEL: Final = ("Chưa rõ địa bàn", "Place not known")


@dataclass(frozen=True)
class GroupRow:
    """One group: its key (a code, a :class:`date` for days, None for reports without one)."""

    key: str | date | None
    label: str
    figures: Figures


@dataclass(frozen=True)
class Names:
    """The jurisdiction's names of codes, as the store holds them."""

    categories: Mapping[str, str] = field(default_factory=dict)
    agencies: Mapping[str, str] = field(default_factory=dict)
    agency_short: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    category_rank: Mapping[str, int] = field(default_factory=dict)
    agency_rank: Mapping[str, int] = field(default_factory=dict)
    unit_rank: Mapping[str, int] = field(default_factory=dict)

    def category(self, code: str | None, lang: str = "vi") -> str:
        return self.categories.get(code, code) if code else _none(NO_CATEGORY_LABEL, lang)

    def agency(self, code: str | None, lang: str = "vi") -> str:
        return self.agencies.get(code, code) if code else _none(NO_AGENCY_LABEL, lang)

    def unit(self, code: str | None, lang: str = "vi") -> str:
        return self.units.get(code, code) if code else _none(NO_UNIT_LABEL, lang)


def _none(label: tuple[str, str], lang: str) -> str:
    return label[0] if lang == "vi" else label[1]


def _names(raw: Any, lang: str = "vi") -> Names:
    categories: dict[str, str] = {}
    category_rank: dict[str, int] = {}
    for code, name, name_en, rank in raw.execute("SELECT code, name, name_en, rank FROM categories"):
        categories[code] = name_en if lang == "en" and name_en else name
        category_rank[code] = rank
    agencies: dict[str, str] = {}
    short: dict[str, str] = {}
    agency_rank: dict[str, int] = {}
    for code, name, short_name, rank in raw.execute("SELECT code, name, short_name, rank FROM agencies"):
        agencies[code] = name
        short[code] = short_name or name
        agency_rank[code] = rank
    units: dict[str, str] = {}
    unit_rank: dict[str, int] = {}
    for code, name, rank in raw.execute("SELECT code, name, rank FROM units"):
        units[code] = name
        unit_rank[code] = rank
    return Names(categories, agencies, short, units, category_rank, agency_rank, unit_rank)


def names(store: LocalStore, lang: str = "vi") -> Names:
    with _reading(store) as raw:
        return _names(raw, lang)


def _day_offset_us(period: Period) -> int:
    offset = period.start.utcoffset() or timedelta(0)
    return offset // timedelta(microseconds=1)


def grouped(
    store: LocalStore,
    period: Period,
    by: GroupBy | str,
    now: datetime,
    filters: Filters = NO_FILTERS,
    *,
    lang: str = "vi",
) -> list[GroupRow]:
    """The period's figures per group, in the jurisdiction's order (days in calendar order)."""
    by = GroupBy(by)
    where = _Where(filters, period)
    params: dict[str, Any] = {**where.params, "now": to_us(now)}
    if by is GroupBy.DAY:
        key = "(received_at + :offset) / :day"
        params["offset"] = _day_offset_us(period)
        params["day"] = _DAY_US
    else:
        key = {
            GroupBy.CATEGORY: "category",
            GroupBy.AGENCY: "agency",
            GroupBy.UNIT: "unit_code",
            GroupBy.DISTRICT: "district_code",
            GroupBy.CHANNEL: "channel",
        }[by]
    with _reading(store) as raw:
        known = _names(raw, lang)
        rows = _sum_groups(raw, key, where, params)
    result: list[GroupRow] = []
    for code, counts in rows:
        if by is GroupBy.DAY:
            day = date(1970, 1, 1) + timedelta(days=int(code))
            result.append(GroupRow(day, day.strftime("%d/%m/%Y"), counts))
        elif by is GroupBy.CATEGORY:
            result.append(GroupRow(code, known.category(code, lang), counts))
        elif by is GroupBy.AGENCY:
            result.append(GroupRow(code, known.agency(code, lang), counts))
        elif by in (GroupBy.UNIT, GroupBy.DISTRICT):
            result.append(GroupRow(code, known.unit(code, lang), counts))
        else:
            label = Channel(code).label(lang) if code in Channel._value2member_map_ else str(code)
            result.append(GroupRow(code, label, counts))
    rank: Mapping[str, int] = {
        GroupBy.CATEGORY: known.category_rank,
        GroupBy.AGENCY: known.agency_rank,
        GroupBy.UNIT: known.unit_rank,
        GroupBy.DISTRICT: known.unit_rank,
        GroupBy.CHANNEL: {c.value: i for i, c in enumerate(Channel)},
    }.get(by, {})

    def order(g: GroupRow) -> tuple[int, Any, str]:
        if isinstance(g.key, date):
            return (0, g.key.toordinal(), "")
        if g.key is None:
            return (2, 0, "")
        return (0 if g.key in rank else 1, rank.get(g.key, 0), g.key)

    result.sort(key=order)
    return result


# -- agencies' league -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeagueRow:
    rank: int
    agency: str
    name: str
    short_name: str
    figures: Figures
    #: The agency's reports (any receipt time) open and past their reply deadline now.
    overdue_now: int


def league(
    store: LocalStore, period: Period, now: datetime, filters: Filters = NO_FILTERS
) -> list[LeagueRow]:
    """Agencies with reports in the period, best first: on-time rate, then satisfaction, then fewest
    overdue now; agencies with nothing judged yet come last."""
    now_us = to_us(now)
    long = period.end - period.start > _SCAN_AFTER
    with _reading(store) as raw:
        known = _names(raw)
        if long:
            # One read of the whole table: the period's figures and every overdue report.
            where = _Where(filters).add("agency IS NOT NULL")
            params = {**where.params, "now": now_us, "start": to_us(period.start), "end": to_us(period.end)}
            inside = "received_at >= :start AND received_at < :end"
            rows = _upsert_groups(
                raw,
                "agency",
                where.sql(),
                params,
                (inside, f"iif({inside}, {_JUDGED}, 0)", f"iif({inside}, {_OTHER}, 0)", _OVERDUE_VALUE),
            )
        else:
            # Through the indexes: the period's reports by receipt, the overdue ones by deadline.
            where = _Where(filters, period).add("agency IS NOT NULL")
            rows = _upsert_groups(raw, "agency", where.sql(), {**where.params, "now": now_us})
            # Overdue reports through the deadline index, or by reading the table when they are a
            # large part of it (fetching most rows one by one costs more than reading them all).
            overdue = _OVERDUE if not _mostly_overdue(raw, now_us) else "(+closed = 0 AND +due_at < :now)"
            backlog = _Where(filters).add(f"{overdue} AND agency IS NOT NULL", now=now_us)
            late = _upsert_groups(raw, "agency", backlog.sql(), backlog.params, ("0", "0", "0", "1"))
            rows += late
        entries: list[tuple[str, Figures]] = []
        overdue_now: dict[str, int] = {}
        for code, n, j, o, x in rows:
            if code is None:
                continue
            overdue_now[code] = overdue_now.get(code, 0) + x
            if n:
                entries.append((str(code), Figures.of((n, j, o))))

    def order(entry: tuple[str, Figures]) -> tuple[Any, ...]:
        code, f = entry
        on_time, satisfaction = f.on_time_rate, f.satisfaction_rate
        return (
            on_time is None,
            -(on_time or 0.0),
            satisfaction is None,
            -(satisfaction or 0.0),
            int(overdue_now.get(code, 0)),
            known.agency_rank.get(code, 1 << 30),
            code,
        )

    entries.sort(key=order)
    return [
        LeagueRow(
            i + 1,
            code,
            known.agency(code),
            known.agency_short.get(code, code),
            f,
            int(overdue_now.get(code, 0)),
        )
        for i, (code, f) in enumerate(entries)
    ]


# -- ticker -----------------------------------------------------------------------------------------

REDACTED: Final = "•••"
TICKER_CHARS: Final = 90


def redact(text: str, name: str = "") -> str:
    """``text`` without phone numbers, e-mail addresses or ``name`` (the citizen's), on one line."""
    return " ".join(redact_contact(text, Contact(name=name), mark=REDACTED).split())


def shorten(text: str, limit: int = TICKER_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


@dataclass(frozen=True)
class TickerItem:
    """A report as the wall's ticker shows it: no name, no phone, a short redacted description."""

    number: str
    category: str
    category_name: str
    unit_code: str | None
    unit_name: str
    received_at: datetime
    status: Status
    text: str
    channel: Channel | None = None
    #: The citizen's reply deadline (UTC), None when none runs.
    due_at: datetime | None = None

    def overdue(self, now: datetime) -> bool:
        """Still open and past its reply deadline at ``now``."""
        return self.status not in TERMINAL and self.due_at is not None and self.due_at < now


def ticker(
    store: LocalStore,
    limit: int = 20,
    filters: Filters = NO_FILTERS,
    *,
    chars: int = TICKER_CHARS,
    lang: str = "vi",
) -> list[TickerItem]:
    """The newest ``limit`` reports, newest first."""
    where = _Where(filters)
    with _reading(store) as raw:
        known = _names(raw, lang)
        rows = raw.execute(
            f"SELECT r.number, r.category, r.unit_code, r.received_at, r.status, t.description, "
            f"t.title, t.contact_name, r.channel, r.due_at "
            f"FROM reports AS r JOIN report_texts AS t ON t.id = r.id "
            f"WHERE {where.sql()} ORDER BY r.received_at DESC, r.id DESC LIMIT :limit",
            {**where.params, "limit": int(limit)},
        ).fetchall()
    return [
        TickerItem(
            number=number,
            category=category,
            category_name=known.category(category, lang),
            unit_code=unit,
            unit_name=known.unit(unit, lang) if unit else "",
            received_at=from_us(received),
            status=Status(status),
            text=shorten(redact(description or title or "", contact_name or ""), chars),
            channel=_channel(channel),
            due_at=None if due is None else from_us(due),
        )
        for number, category, unit, received, status, description, title, contact_name, channel, due in rows
    ]


def _channel(value: str | None) -> Channel | None:
    return Channel(value) if value in Channel._value2member_map_ else None


# -- shift handover ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoverItem:
    """A report in the handover: no citizen's details."""

    number: str
    category: str
    category_name: str
    unit_name: str
    agency: str | None
    agency_name: str
    status: Status
    received_at: datetime
    due_at: datetime | None
    text: str


@dataclass(frozen=True)
class StatusChange:
    """One action in a report's history (a status change, or a call, a note... that keeps it)."""

    number: str
    at: datetime
    actor: str
    action: str
    from_status: Status | None
    to_status: Status
    #: The person in words as the hub names them (their display name), else the account name.
    actor_name: str = ""
    role: str = ""

    @property
    def changes_status(self) -> bool:
        return self.from_status is not None and self.from_status != self.to_status


@dataclass(frozen=True)
class Handover:
    period: Period
    now: datetime
    came_in: list[HandoverItem]
    changes: list[StatusChange]
    #: Reports (any receipt time) open and past their reply deadline at ``now``, most overdue first
    #: (at most the handover's ``late_limit``; ``late_total`` counts them all).
    late: list[HandoverItem]
    #: Of the shift's changes, how many ended in each status.
    changed_to: Mapping[Status, int]
    late_total: int = 0
    #: Every action staff took in the shift (status changes, calls, notes, ...), by time; the
    #: citizens' own submissions and ratings are not among them.
    actions: list[StatusChange] = field(default_factory=list)
    #: How many of those actions each person took (by :attr:`StatusChange.actor_name`), most first.
    by_actor: Mapping[str, int] = field(default_factory=dict)


#: The roles of people at work (the IOC, the agencies); a channel acts for the citizen.
_STAFF: Final = frozenset(r.value for r in (Role.OPERATOR, Role.SUPERVISOR, Role.LIAISON, Role.ADMIN))
#: Key of a history entry's data naming the acting person in words (set by the hub).
_ACTOR_NAME: Final = "actor_name"

_ITEM_SQL: Final = (
    "SELECT r.number, r.category, r.unit_code, r.agency, r.status, r.received_at, r.due_at, "
    "t.description, t.title, t.contact_name FROM reports AS r JOIN report_texts AS t ON t.id = r.id"
)


def _items(raw: Any, sql: str, params: Mapping[str, Any], known: Names) -> list[HandoverItem]:
    return [
        HandoverItem(
            number=number,
            category=category,
            category_name=known.category(category),
            unit_name=known.unit(unit) if unit else "",
            agency=agency,
            agency_name=known.agency(agency) if agency else "",
            status=Status(status),
            received_at=from_us(received),
            due_at=None if due is None else from_us(due),
            text=shorten(redact(description or title or "", contact_name or ""), 160),
        )
        for number, category, unit, agency, status, received, due, description, title, contact_name in raw.execute(
            sql, params
        )
    ]


def handover(
    store: LocalStore,
    period: Period,
    now: datetime,
    filters: Filters = NO_FILTERS,
    *,
    late_limit: int | None = 500,
) -> Handover:
    """What came in during the shift ``[start, end)``, which status changes happened in it (from the
    reports' histories, for the reports updated since its start) and what is late at ``now`` (the
    ``late_limit`` most overdue, ``None`` for all; ``late_total`` counts them all).

    A shift cannot be reported past the moment the report is made: an end after ``now`` is taken as
    ``now`` (the report's period says so), so that a report is never "made" before its shift ends."""
    if period.end > now:
        period = Period(period.start, max(period.start, now))
    came = _Where(filters, period)
    late = _Where(filters).add("closed = 0 AND due_at < :now", now=to_us(now))
    touched = _Where(filters).add("updated_at >= :start", start=to_us(period.start))
    start_us, end_us = to_us(period.start), to_us(period.end)
    actions: list[StatusChange] = []
    with _reading(store) as raw:
        known = _names(raw)
        came_in = _items(
            raw, f"{_ITEM_SQL} WHERE {came.sql()} ORDER BY r.received_at, r.id", came.params, known
        )
        late_sql = f"{_ITEM_SQL} WHERE {late.sql()} ORDER BY r.due_at, r.id"
        late_params = dict(late.params)
        if late_limit is not None:
            late_sql += " LIMIT :late_limit"
            late_params["late_limit"] = int(late_limit)
        late_items = _items(raw, late_sql, late_params, known)
        (late_total,) = raw.execute(
            f"SELECT COUNT(*) FROM reports WHERE {late.sql()}", late.params
        ).fetchone()
        for number, history in raw.execute(
            f"SELECT r.number, t.history FROM reports AS r JOIN report_texts AS t ON t.id = r.id "
            f"WHERE {touched.sql()}",
            touched.params,
        ):
            for _seq, at, actor, role, action, source, target, data in orjson.loads(history):
                if not start_us <= at < end_us:
                    continue
                changed = source is not None and source != target
                if not changed and role not in _STAFF:
                    continue
                shown = data.get(_ACTOR_NAME) if isinstance(data, dict) else None
                actions.append(
                    StatusChange(
                        number,
                        from_us(at),
                        actor,
                        action,
                        None if source is None else Status(source),
                        Status(target),
                        shown.strip() if isinstance(shown, str) and shown.strip() else actor,
                        role,
                    )
                )
    actions.sort(key=lambda c: (c.at, c.number))
    changes = [c for c in actions if c.changes_status]
    counted: dict[Status, int] = {}
    for change in changes:
        counted[change.to_status] = counted.get(change.to_status, 0) + 1
    staff = [c for c in actions if c.role in _STAFF]
    people: dict[str, int] = {}
    for entry in staff:
        people[entry.actor_name] = people.get(entry.actor_name, 0) + 1
    by_actor = dict(sorted(people.items(), key=lambda x: (-x[1], x[0])))
    return Handover(period, now, came_in, changes, late_items, counted, int(late_total), staff, by_actor)


# -- citizens' unsatisfied ratings -------------------------------------------------------------------


def unsatisfied(
    store: LocalStore, filters: Filters = NO_FILTERS, *, limit: int | None = 200
) -> list[HandoverItem]:
    """Reports whose citizen rated the result as unsatisfying and that are open again: the hub reopens
    such a report before the IOC (a ``reopen`` by the system with ``data.rating == "unsatisfied"``
    and the citizen's comment in its reason, right after the ``rate`` event); they stay here until
    the IOC closes them again. Most recently changed first; ``limit=None`` for all."""
    # Read by a pass over the table (a few milliseconds), then sorted: through an index (the open
    # reports', the update times'), a store with many open reports would fetch each of them.
    where = _Where(filters).add("+r.closed = 0 AND r.satisfied = 0")
    sql = f"{_ITEM_SQL} WHERE {where.sql()} ORDER BY +r.updated_at DESC, r.id DESC"
    params = dict(where.params)
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = int(limit)
    with _reading(store) as raw:
        return _items(raw, sql, params, _names(raw))


__all__ = [
    "GROUP_LABELS",
    "HANDLED",
    "NO_FILTERS",
    "TZ",
    "Figures",
    "Filters",
    "GroupBy",
    "GroupRow",
    "Handover",
    "HandoverItem",
    "LeagueRow",
    "Names",
    "Period",
    "StatusChange",
    "Summary",
    "TickerItem",
    "figures",
    "grouped",
    "handover",
    "league",
    "names",
    "redact",
    "shorten",
    "summary",
    "ticker",
    "unsatisfied",
]

"""What the queue asks of the store (:class:`ReportQuery`) and what it gets back (:class:`ReportRow`).

Every filter, sort and page is done in SQL. Each sort key reads an index in either direction with
ties broken by receipt time and then by row id, so paging is stable and never needs a sort of the
whole table (a test checks the query plans).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal, NamedTuple, Protocol, get_args

from sqlalchemy import ColumnElement, Select, and_, false, func, literal_column, or_, select, table
from sqlalchemy import text as sql_text
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.lifecycle import IOC_TURN, Channel, Priority, Status
from ioc_console.domain.numbering import NumberScheme
from ioc_console.domain.text import digits, normalize_phone
from ioc_console.store.convert import STATUS_RANK, to_micros
from ioc_console.store.folding import match_expression
from ioc_console.store.models import FTS_TABLE, ReportRecord, ReportTextRecord

SortKey = Literal[
    "number",
    "received_at",
    "category",
    "unit",
    "channel",
    "status",
    "agency",
    "due_at",
    "priority",
    "updated_at",
]
SORT_KEYS: tuple[SortKey, ...] = get_args(SortKey)

#: Characters a typed phone number may contain besides digits.
_PHONE_CHARS = frozenset("0123456789 +.-()")
#: Digits needed before the search also looks at phone numbers.
MIN_PHONE_DIGITS = 3
#: Characters of the description a row carries.
DESCRIPTION_CHARS = 200


def _frozen(values: Iterable[Any] | None, kind: Any = None) -> frozenset[Any]:
    if values is None:
        return frozenset()
    if isinstance(values, str):
        values = (values,)
    if kind is None:
        return frozenset(values)
    return frozenset(None if v is None else kind(v) for v in values)


@dataclass(frozen=True)
class ReportQuery:
    """A filter, a search, an order and a page of reports. Empty sets do not filter.

    * ``statuses``, ``categories``, ``channels``: any of these values.
    * ``agencies``: any of these agency codes; ``None`` among them matches reports with no agency.
    * ``units``: a unit code matches reports in that unit and in every unit below it (a district
      finds its wards and communes) once the jurisdiction is loaded; unknown codes match exactly.
    * ``deadline_states``: by the citizen's reply deadline ``due_at``, at ``now`` with the due-soon
      ``boundary`` (both required with this filter; see
      :func:`ioc_console.domain.deadlines.deadline_state`): overdue = open and ``due_at < now``, due
      soon = open and ``now <= due_at <= boundary``, on track = open and ``due_at > boundary``, none
      = closed or no deadline running.
    * ``received_from`` (inclusive) and ``received_to`` (exclusive): aware datetimes.
    * ``text``: folded full-text search (every word, the last one as a prefix) over number, title,
      description, address, the unit's names and the category's name; or a report number (exact or
      prefix); or, with ``search_phone``, the citizen's phone in any formatting.
    * ``sort``: one of :data:`SORT_KEYS`; ties by receipt time, then by arrival in the store.
      Codes sort in a meaningful order, not alphabetically: statuses along the lifecycle,
      priority from low to urgent, categories, agencies and units in the jurisdiction's order.
      ``due_at`` sorts reports without a deadline first (SQLite's NULL order).
    * ``offset``, ``limit``: the page; ``limit=None`` is everything from ``offset`` on.
    * ``number_after``: only reports numbered after this one (with ``sort="number"``, ascending:
      the next page after a known last number, in constant time however deep the page).
    * ``stage``: deadline states (and the ``due_at`` sort) by the nearer of the stage deadline
      and the reply deadline (the deadline the report meets first), not by the reply deadline
      alone: a report due for triage within the hour is due soon.
    * ``needs_action``: only reports whose next step is the IOC's (:data:`IOC_TURN`) or that are
      open and past either deadline at ``now`` (required with this filter).
    * ``arrived_by``: only reports the store held when :meth:`LocalStore.last_arrival` said this
      (their row id is at most this); ``arrived_after``: only those that arrived since. A list
      that must not move under its reader keeps its rows to the first, and counts the second.
    """

    statuses: AbstractSet[Status] = frozenset()
    categories: AbstractSet[str] = frozenset()
    agencies: AbstractSet[str | None] = frozenset()
    units: AbstractSet[str] = frozenset()
    channels: AbstractSet[Channel] = frozenset()
    deadline_states: AbstractSet[DeadlineState] = frozenset()
    now: datetime | None = None
    boundary: datetime | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    text: str = ""
    search_phone: bool = True
    sort: SortKey = "received_at"
    descending: bool = True
    offset: int = 0
    limit: int | None = None
    number_after: str | None = None
    arrived_by: int | None = None
    arrived_after: int | None = None
    stage: bool = False
    needs_action: bool = False

    def __post_init__(self) -> None:
        # Stored as frozensets (the query is hashable). Accept any iterable (lists, sets, a single string) and values as enums or their strings.
        object.__setattr__(self, "statuses", _frozen(self.statuses, Status))
        object.__setattr__(self, "categories", _frozen(self.categories))
        object.__setattr__(self, "agencies", _frozen(self.agencies))
        object.__setattr__(self, "units", _frozen(self.units))
        object.__setattr__(self, "channels", _frozen(self.channels, Channel))
        object.__setattr__(self, "deadline_states", _frozen(self.deadline_states, DeadlineState))
        if self.sort not in SORT_KEYS:
            raise ValueError(f"unknown sort key {self.sort!r}; expected one of {', '.join(SORT_KEYS)}")
        if self.offset < 0 or (self.limit is not None and self.limit < 0):
            raise ValueError("offset and limit cannot be negative")
        if self.deadline_states and (self.now is None or self.boundary is None):
            raise ValueError("a deadline filter needs now and boundary")
        if self.needs_action and self.now is None:
            raise ValueError("the needs-action filter needs now")


@dataclass(frozen=True, slots=True)
class ReportRow:
    """What the queue shows of a report. Instants are aware datetimes in UTC."""

    number: str
    received_at: datetime
    category: str
    unit_code: str | None
    district_code: str | None
    channel: Channel
    status: Status
    agency: str | None
    priority: Priority
    due_at: datetime | None
    stage_due_at: datetime | None
    updated_at: datetime | None
    #: The status is terminal (closed, rejected, duplicate).
    closed: bool
    #: A local action is waiting for the hub's acknowledgement.
    pending: bool
    title: str
    #: The first :data:`DESCRIPTION_CHARS` characters.
    description: str
    address: str
    lat: float | None
    lon: float | None


class MapPoint(NamedTuple):
    """What the map draws of a report with a position: no text (the map asks for a report's text
    when it opens its popup). ``deadline_state`` is the reply deadline's state when it was read.

    A named tuple, not a dataclass: 200,000 of them are made at once, and a tuple is made fastest.
    """

    number: str
    lat: float
    lon: float
    status: Status
    deadline_state: DeadlineState
    category: str
    pending: bool
    #: Where the report is stored (for reading the next part: ``map_points(after=row)``).
    row: int = 0


R = ReportRecord
T = ReportTextRecord

#: The columns of a page's rows read from ``reports`` (with the id, to fetch the texts).
ROW_COLUMNS = (
    R.id,
    R.number,
    R.received_at,
    R.category,
    R.unit_code,
    R.district_code,
    R.channel,
    R.status,
    R.agency,
    R.priority,
    R.due_at,
    R.stage_due_at,
    R.updated_at,
    R.closed,
    R.pending,
    R.lat,
    R.lon,
)
#: The columns read from ``report_texts`` for a page, once its rows are known.
TEXT_ROW_COLUMNS = (
    T.id,
    T.title,
    func.substr(T.description, 1, DESCRIPTION_CHARS).label("description"),
    T.address,
)

_SORT_COLUMNS: dict[str, tuple[Any, ...]] = {
    "number": (R.number,),
    "received_at": (R.received_at, R.id),
    "category": (R.category_rank, R.received_at, R.id),
    "unit": (R.unit_rank, R.received_at, R.id),
    "channel": (R.channel, R.received_at, R.id),
    "status": (R.status_rank, R.received_at, R.id),
    "agency": (R.agency_rank, R.received_at, R.id),
    "due_at": (R.due_at, R.id),
    "priority": (R.priority_rank, R.received_at, R.id),
    "updated_at": (R.updated_at, R.id),
}


def next_due(col: Callable[[Any], Any] | None = None) -> Any:
    """The nearer of the stage deadline and the reply deadline (NULL when neither runs)."""
    col = col or _plain
    stage, due = col(R.stage_due_at), col(R.due_at)
    return func.min(func.coalesce(stage, due), func.coalesce(due, stage))


def order_by(sort: str, descending: bool, stage: bool = False) -> list[UnaryExpression[Any]]:
    columns = (next_due(), R.id) if stage and sort == "due_at" else _SORT_COLUMNS[sort]
    return [column.desc() if descending else column.asc() for column in columns]


class Ranks(Protocol):
    """The jurisdiction's codes as the store ranks them (see :mod:`ioc_console.store.models`)."""

    @property
    def category_rank(self) -> Mapping[str, int]: ...
    @property
    def agency_rank(self) -> Mapping[str, int]: ...
    @property
    def unit_rank(self) -> Mapping[str, int]: ...
    @property
    def below(self) -> Mapping[str, frozenset[str]]:
        """Each unit code with itself and every unit below it."""
        ...

    @property
    def numbers(self) -> NumberScheme: ...


def _plain(column: Any) -> Any:
    return column


def unindexed(column: Any) -> Any:
    """SQLite's unary ``+``: the same value, but no index may be used to look it up."""
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


def deadline_condition(
    state: DeadlineState, now: int, boundary: int, col: Callable[[Any], Any] = _plain, stage: bool = False
) -> ColumnElement[bool]:
    """``state`` of the reply deadline (with ``stage``, of the nearer deadline, see
    :func:`next_due`) in SQL, with ``now`` and ``boundary`` in microseconds."""
    closed, due = col(R.closed), next_due(col) if stage else col(R.due_at)
    if state is DeadlineState.NONE:
        return or_(closed.is_(True), due.is_(None))
    open_ = closed.is_(False)
    if state is DeadlineState.OVERDUE:
        return and_(open_, due < now)
    if state is DeadlineState.DUE_SOON:
        return and_(open_, due >= now, due <= boundary)
    return and_(open_, due > boundary)


def _prefix_range(column: Any, prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``, as a range an index can answer (not LIKE)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(column >= prefix, column < upper)


def phone_prefix(text: str) -> str | None:
    """The national-form digits of a typed phone number, or None if ``text`` is not one."""
    stripped = text.strip()
    if not stripped or not set(stripped) <= _PHONE_CHARS:
        return None
    found = digits(stripped)
    # "+84 9..." is a national "09..." however few digits follow; normalize_phone needs them all.
    found = "0" + found[2:] if stripped.startswith("+") and found.startswith("84") else normalize_phone(found)
    return found if len(found) >= MIN_PHONE_DIGITS else None


def fts_matches(expression: str) -> Select[Any]:
    """The ids of the reports whose folded text matches an FTS5 ``expression``."""
    return (
        select(literal_column("rowid"))
        .select_from(table(FTS_TABLE))
        .where(sql_text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=expression))
    )


@dataclass(frozen=True)
class Search:
    """What a search text asks for: folded words, a number prefix, a phone prefix (any may be None);
    or one whole report number (``exact``), which then is all it asks for."""

    expression: str | None
    number: str | None
    phone: str | None
    exact: str | None = None

    @classmethod
    def of(cls, text: str, search_phone: bool, numbers: NumberScheme | None = None) -> Search | None:
        """None when there is nothing to search for yet (blank, or a single letter being typed).

        A whole report number as the jurisdiction writes it, typed with or without its prefix
        (:meth:`NumberScheme.read`), finds that report and no other."""
        if not text.strip():
            return None
        whole = (numbers if numbers is not None else NumberScheme()).read(text)
        if whole is not None:
            return cls(None, None, None, whole)
        expression = match_expression(text)
        compact = "".join(text.split()).upper()
        number = compact if any(ch.isdigit() for ch in compact) else None
        phone = phone_prefix(text) if search_phone else None
        if expression is None and number is None and phone is None and len(compact) <= 1:
            return None
        return cls(expression, number, phone)

    def condition(self, col: Callable[[Any], Any] = _plain) -> ColumnElement[bool]:
        if self.exact is not None:
            return R.number == self.exact  # (always by the number's index)
        alternatives: list[ColumnElement[bool]] = []
        if self.expression is not None:
            alternatives.append(col(R.id).in_(fts_matches(self.expression).scalar_subquery()))
        if self.number is not None:
            alternatives.append(_prefix_range(col(R.number), self.number))
        if self.phone is not None:
            alternatives.append(_prefix_range(col(R.phone_digits), self.phone))
        return or_(*alternatives) if alternatives else false()


def _coded(
    column: Any, ranked: Any, codes: Iterable[str], ranks: Mapping[str, int]
) -> list[ColumnElement[bool]]:
    """Codes the jurisdiction ranks are matched by rank (an index holds it), the others by code."""
    known = sorted({ranks[c] for c in codes if c in ranks})
    unknown = sorted(c for c in codes if c not in ranks)
    either: list[ColumnElement[bool]] = []
    if known:
        either.append(ranked.in_(known))
    if unknown:
        either.append(column.in_(unknown))
    return either


def conditions(
    q: ReportQuery,
    ranks: Ranks,
    *,
    with_deadline: bool = True,
    scan: bool = False,
    expression: str | None = None,
) -> list[ColumnElement[bool]]:
    """The WHERE terms of ``q`` (its deadline filter left out when ``with_deadline`` is false).

    Every filter can be answered from an index. With ``scan``, no index may be used for filtering,
    so that SQLite reads the rows in the order of the sort's index and stops at the page's end:
    the fast plan unless the filters are very selective (see :meth:`LocalStore.query`).
    """
    col = unindexed if scan else _plain
    terms: list[ColumnElement[bool]] = []
    if q.statuses:
        terms.append(col(R.status_rank).in_(sorted(STATUS_RANK[s] for s in q.statuses)))
    if q.categories:
        terms.append(or_(*_coded(col(R.category), col(R.category_rank), q.categories, ranks.category_rank)))
    if q.agencies:
        named = [a for a in q.agencies if a is not None]
        either = _coded(col(R.agency), col(R.agency_rank), named, ranks.agency_rank)
        if None in q.agencies:
            either.append(col(R.agency).is_(None))
        terms.append(or_(*either))
    if q.units:
        covered: set[str] = set()
        for code in q.units:
            covered |= ranks.below.get(code, frozenset({code}))
        terms.append(or_(*_coded(col(R.unit_code), col(R.unit_rank), covered, ranks.unit_rank)))
    if q.channels:
        terms.append(col(R.channel).in_(sorted(c.value for c in q.channels)))
    if with_deadline and q.deadline_states:
        assert q.now is not None and q.boundary is not None
        now, boundary = to_micros(q.now), to_micros(q.boundary)
        states = sorted(q.deadline_states, key=_order)
        terms.append(or_(*(deadline_condition(s, now, boundary, col, q.stage) for s in states)))
    if q.needs_action:
        assert q.now is not None
        turn = sorted(STATUS_RANK[s] for s in IOC_TURN)
        late = deadline_condition(DeadlineState.OVERDUE, to_micros(q.now), to_micros(q.now), col, stage=True)
        terms.append(or_(col(R.status_rank).in_(turn), late))
    if q.received_from is not None:
        terms.append(col(R.received_at) >= to_micros(q.received_from))
    if q.received_to is not None:
        terms.append(col(R.received_at) < to_micros(q.received_to))
    if q.number_after is not None:
        terms.append(R.number > q.number_after)  # the number's index walks from there
    if q.arrived_by is not None:
        # Nearly every report passes: never the index to look them up by (the sort's index reads).
        terms.append(unindexed(R.id) <= q.arrived_by)
    if q.arrived_after is not None:
        terms.append(R.id > q.arrived_after)  # a few: the row ids' own range
    search = Search.of(q.text, q.search_phone, ranks.numbers)
    if search is not None:
        if expression is not None and search.expression is not None:
            search = replace(search, expression=expression)  # (the same matches, found faster)
        terms.append(search.condition(col))
    return terms


def has_filters(q: ReportQuery) -> bool:
    """Whether ``q`` filters on anything but its search text."""
    return bool(
        q.statuses
        or q.categories
        or q.agencies
        or q.units
        or q.channels
        or q.deadline_states
        or q.received_from is not None
        or q.received_to is not None
        or q.arrived_after is not None
        or q.needs_action
    )


def _order(state: DeadlineState) -> int:
    return list(DeadlineState).index(state)

"""What the queue asks of the store, and the display-ready rows it gets back (no Qt).

:class:`QueueSource` runs on the database worker: it turns the console's :class:`QueueFilter` into
the store's query, and each row the store returns into a :class:`QueueRow` whose cells are already
the words the table shows, so that painting a row costs a tuple lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from ioc_console.domain.deadlines import DeadlineState
from ioc_console.domain.lifecycle import Channel, Status
from ioc_console.domain.report import Report

T = TypeVar("T")

#: The queue's columns, left to right. The deadline (the nearer of the stage's and the reply's)
#: comes early so that its state (icon and words) stays in sight on a narrow screen; the columns
#: after it may scroll.
COLUMNS = (
    "number",
    "received",
    "deadline",
    "status",
    "priority",
    "summary",
    "category",
    "unit",
    "agency",
    "channel",
)
DEADLINE_COLUMN = COLUMNS.index("deadline")
PRIORITY_COLUMN = COLUMNS.index("priority")
#: Columns the queue can be sorted by (the store has an order for each).
SORTABLE = frozenset(COLUMNS) - {"summary"}
#: Characters of a report's content the summary column shows.
SUMMARY_CHARS = 90

#: Periods of receipt the queue can be limited to.
PERIODS = ("all", "today", "7d", "30d", "month", "year")


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filter, search text and sort order.

    ``needs_action``: only the reports whose next step is the IOC's, and those past a deadline
    wherever they are (the operator's default list).
    """

    needs_action: bool = False
    statuses: frozenset[Status] = frozenset()
    # Each filter takes one value or several (a frozenset of them); None does not filter.
    category: str | frozenset[str] | None = None
    agency: str | frozenset[str] | None = None
    unit: str | frozenset[str] | None = None
    channel: Channel | frozenset[Channel] | None = None
    deadline: DeadlineState | frozenset[DeadlineState] | None = None
    period: str = "all"
    text: str = ""
    sort: str = "received"
    descending: bool = True


def values_of(choice: T | frozenset[T] | None) -> frozenset[T]:
    """A filter's values as a set (empty: it does not filter)."""
    if choice is None:
        return frozenset()
    if isinstance(choice, frozenset):
        return choice
    return frozenset({choice})


@dataclass(frozen=True, slots=True)
class QueueRow:
    number: str
    cells: tuple[str, ...]
    tooltips: tuple[str, ...]
    deadline_state: DeadlineState | None
    #: New and not yet triaged by the IOC (shown bold, with a mark).
    untriaged: bool = False
    urgent: bool = False


@dataclass(frozen=True)
class QueuePage:
    """The first page of a query, and what keeps the list still while reports arrive.

    ``horizon`` bounds the rows to the reports the store held when the list was read (see
    :attr:`ioc_console.store.ReportQuery.arrived_by`); ``fresh`` counts those matching the filter
    that arrived since, shown only when the user asks. ``more`` holds further pages asked for
    with the first (page number -> rows), so that a list read again keeps the rows in view.
    """

    total: int
    rows: list[QueueRow] = field(default_factory=list)
    horizon: int | None = None
    fresh: int = 0
    more: dict[int, list[QueueRow]] = field(default_factory=dict)


def period_start(period: str, now: datetime) -> datetime | None:
    """The earliest receipt time of ``period`` (local midnight based), or None for all time."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "today":
        return midnight
    if period == "7d":
        return midnight - timedelta(days=6)
    if period == "30d":
        return midnight - timedelta(days=29)
    if period == "month":
        return midnight.replace(day=1)
    if period == "year":
        return midnight.replace(month=1, day=1)
    return None


class QueueSource(Protocol):
    """What the queue and the detail pane ask of the data; every method runs on the worker."""

    def first_page(
        self, query: QueueFilter, limit: int, horizon: int | None = None, pages: tuple[int, ...] = ()
    ) -> QueuePage:
        """The number of reports matching ``query`` and the first ``limit`` of them, among those
        that arrived by ``horizon`` (None: by now), with the pages numbered ``pages`` too."""
        ...

    def fetch(
        self, query: QueueFilter, offset: int, limit: int, horizon: int | None = None
    ) -> list[QueueRow]: ...

    def fresh(self, query: QueueFilter, horizon: int) -> int:
        """How many reports matching ``query`` arrived after ``horizon``."""
        ...

    def counters(self) -> tuple[int, int]:
        """Open reports overdue, and due soon, by the nearer of their stage and reply deadlines."""
        ...

    def report(self, number: str) -> Report | None: ...

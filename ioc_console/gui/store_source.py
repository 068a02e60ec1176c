"""The queue's data from the local store: :class:`QueueFilter` in, display-ready rows out (no Qt).

Runs on the database worker. The store does the filtering, searching, sorting and paging in SQL;
this class only translates the console's filter into a :class:`~ioc_console.store.ReportQuery` and
each :class:`~ioc_console.store.ReportRow` into the words of the table.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from datetime import datetime

from ioc_console.domain.deadlines import DeadlineState, deadline_state
from ioc_console.domain.report import Report
from ioc_console.store import LocalStore, ReportQuery, ReportRow, SortKey

from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.queue_source import COLUMNS, QueueFilter, QueuePage, QueueRow, period_start

#: The store's sort key for each of the queue's columns.
SORT_KEYS: dict[str, SortKey] = {
    "number": "number",
    "received": "received_at",
    "category": "category",
    "unit": "unit",
    "channel": "channel",
    "status": "status",
    "agency": "agency",
    "deadline": "due_at",
}


@dataclass(frozen=True)
class QueueWords:
    """Words of the queue that are the GUI's own (translated on the GUI thread, used here)."""

    paused: str = "Tạm dừng (chờ bổ sung)"


class StoreQueueSource:
    """A :class:`~ioc_console.gui.queue_source.QueueSource` over a :class:`LocalStore`."""

    def __init__(
        self, store: LocalStore, names: Names, clock: DeadlineClock, words: QueueWords | None = None
    ):
        self._store = store
        self._names = names
        self._clock = clock
        self._words = words or QueueWords()

    def query_for(self, f: QueueFilter, now: datetime, boundary: datetime) -> ReportQuery:
        start = period_start(f.period, now)
        return ReportQuery(
            statuses=f.statuses,
            categories=frozenset({f.category}) if f.category else frozenset(),
            agencies=frozenset({f.agency}) if f.agency else frozenset(),
            units=frozenset({f.unit}) if f.unit else frozenset(),
            channels=frozenset({f.channel}) if f.channel else frozenset(),
            deadline_states=frozenset({f.deadline}) if f.deadline else frozenset(),
            now=now,
            boundary=boundary,
            received_from=start,
            text=f.text,
            sort=SORT_KEYS[f.sort],
            descending=f.descending,
        )

    def first_page(
        self, query: QueueFilter, limit: int, horizon: int | None = None, pages: tuple[int, ...] = ()
    ) -> QueuePage:
        now, boundary = self._clock.now_and_boundary()
        q = self.query_for(query, now, boundary)
        fresh = 0
        if horizon is None:
            horizon = self._store.last_arrival()
        else:
            fresh = self._store.count(replace(q, arrived_after=horizon))
        q = replace(q, arrived_by=horizon)
        total = self._store.count(q)
        rows = self._store.query(_page(q, 0, limit)) if total else []
        more = {
            n: [self._row(r, now, boundary) for r in self._store.query(_page(q, n * limit, limit))]
            for n in pages
            if n > 0 and n * limit < total
        }
        return QueuePage(
            total=total,
            rows=[self._row(r, now, boundary) for r in rows],
            horizon=horizon,
            fresh=fresh,
            more=more,
        )

    def fetch(
        self, query: QueueFilter, offset: int, limit: int, horizon: int | None = None
    ) -> list[QueueRow]:
        now, boundary = self._clock.now_and_boundary()
        q = replace(self.query_for(query, now, boundary), arrived_by=horizon)
        return [self._row(r, now, boundary) for r in self._store.query(_page(q, offset, limit))]

    def counters(self) -> tuple[int, int]:
        now, boundary = self._clock.now_and_boundary()
        counts = self._store.deadline_counts(ReportQuery(), now, boundary)
        return counts[DeadlineState.OVERDUE], counts[DeadlineState.DUE_SOON]

    def report(self, number: str) -> Report | None:
        return self._store.get_report(number)

    def _row(self, r: ReportRow, now: datetime, boundary: datetime) -> QueueRow:
        names, lang = self._names, self._names.lang
        state = deadline_state(r.due_at, now, boundary, r.closed)
        if r.due_at is None:
            deadline = "" if r.closed else self._words.paused
        elif state is DeadlineState.NONE:
            deadline = names.when(r.due_at)
        else:
            deadline = f"{names.when(r.due_at)} · {state.label(lang)}"
        cells = {
            "number": r.number,
            "received": names.when(r.received_at),
            "deadline": deadline,
            "status": r.status.label(lang),
            "category": names.category(r.category),
            "unit": names.unit(r.unit_code),
            "agency": names.agency(r.agency),
            "channel": r.channel.label(lang),
        }
        # Tooltips are rich text: the citizen's title is escaped, the rest are names from the pack.
        tooltips = {
            "number": f"<p>{html.escape(r.title)}</p>" if r.title else "",
            "unit": names.unit_path(r.unit_code),
            "agency": names.agency_full(r.agency),
        }
        return QueueRow(
            number=r.number,
            cells=tuple(cells[key] for key in COLUMNS),
            tooltips=tuple(tooltips.get(key, "") for key in COLUMNS),
            deadline_state=state,
        )


def _page(q: ReportQuery, offset: int, limit: int) -> ReportQuery:
    return replace(q, offset=offset, limit=limit)

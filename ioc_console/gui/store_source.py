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
from ioc_console.domain.lifecycle import TERMINAL, Priority, Status
from ioc_console.domain.report import Report
from ioc_console.store import LocalStore, ReportQuery, ReportRow, SortKey

from ioc_console.gui.present import DeadlineClock, Names
from ioc_console.gui.queue_source import (
    COLUMNS,
    SUMMARY_CHARS,
    QueueFilter,
    QueuePage,
    QueueRow,
    period_start,
    values_of,
)

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
    "priority": "priority",
}

#: Statuses of an open report (a deadline may run).
OPEN_STATUSES = frozenset(Status) - TERMINAL
#: Statuses of a report the IOC has not triaged yet.
UNTRIAGED = frozenset({Status.NEW, Status.REOPENED, Status.RETURNED})


@dataclass(frozen=True)
class QueueWords:
    """Words of the queue that are the GUI's own (translated on the GUI thread, used here)."""

    paused: str = "Tạm dừng (chờ bổ sung)"
    #: Tooltip lines of the deadline column: the stage's deadline, by stage, and the reply's.
    triage: str = "Hạn phân loại tại IOC"
    acceptance: str = "Hạn tiếp nhận của đơn vị"
    resolution: str = "Hạn xử lý của đơn vị"
    reply: str = "Hạn trả lời công dân"


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
            stage=True,
            needs_action=f.needs_action,
            statuses=f.statuses,
            categories=values_of(f.category),
            agencies=values_of(f.agency),
            units=values_of(f.unit),
            channels=values_of(f.channel),
            deadline_states=values_of(f.deadline),
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
            fresh = self.fresh(query, horizon)
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

    def fresh(self, query: QueueFilter, horizon: int) -> int:
        now, boundary = self._clock.now_and_boundary()
        return self._store.count(replace(self.query_for(query, now, boundary), arrived_after=horizon))

    def fetch(
        self, query: QueueFilter, offset: int, limit: int, horizon: int | None = None
    ) -> list[QueueRow]:
        now, boundary = self._clock.now_and_boundary()
        q = replace(self.query_for(query, now, boundary), arrived_by=horizon)
        return [self._row(r, now, boundary) for r in self._store.query(_page(q, offset, limit))]

    def counters(self) -> tuple[int, int]:
        now, boundary = self._clock.now_and_boundary()
        # Open reports only (closed ones have no deadline running): the status index finds them,
        # instead of a pass over every report (13 against 73 ms at 200,000).
        counts = self._store.deadline_counts(ReportQuery(stage=True, statuses=OPEN_STATUSES), now, boundary)
        return counts[DeadlineState.OVERDUE], counts[DeadlineState.DUE_SOON]

    def report(self, number: str) -> Report | None:
        return self._store.get_report(number)

    def _stage_word(self, status: Status) -> str:
        words = self._words
        if status in UNTRIAGED:
            return words.triage
        if status is Status.FORWARDED:
            return words.acceptance
        return words.resolution

    def _row(self, r: ReportRow, now: datetime, boundary: datetime) -> QueueRow:
        names, lang = self._names, self._names.lang
        # The deadline the report meets first: the stage's (triage by the IOC, acceptance or
        # resolution by the agency) or the citizen's reply.
        due = r.due_at
        if r.stage_due_at is not None and not r.closed and (due is None or r.stage_due_at < due):
            due = r.stage_due_at
        state = deadline_state(due, now, boundary, r.closed)
        if due is None:
            deadline = "" if r.closed else self._words.paused
        elif state is DeadlineState.NONE:
            deadline = names.when(due)
        else:
            deadline = f"{names.when(due)} · {state.label(lang)}"
        due_lines = []
        if r.stage_due_at is not None and not r.closed:
            stage_state = deadline_state(r.stage_due_at, now, boundary)
            due_lines.append(
                f"{self._stage_word(r.status)}: {names.when(r.stage_due_at)} · {stage_state.label(lang)}"
            )
        if r.due_at is not None:
            reply_state = deadline_state(r.due_at, now, boundary, r.closed)
            reply = f"{self._words.reply}: {names.when(r.due_at)}"
            due_lines.append(
                reply if reply_state is DeadlineState.NONE else f"{reply} · {reply_state.label(lang)}"
            )
        summary = " ".join((r.title or r.description).split())
        if len(summary) > SUMMARY_CHARS:
            summary = summary[: SUMMARY_CHARS - 1].rstrip() + "…"
        cells = {
            "number": r.number,
            "received": names.when(r.received_at),
            "deadline": deadline,
            "status": r.status.label(lang),
            "priority": r.priority.label(lang),
            "summary": summary,
            "category": names.category(r.category),
            "unit": names.unit(r.unit_code),
            "agency": names.agency(r.agency),
            "channel": r.channel.label(lang),
        }
        # Tooltips are rich text: the citizen's words are escaped, the rest are names from the pack.
        tooltips = {
            "number": f"<p>{html.escape(r.title)}</p>" if r.title else "",
            "deadline": "<br>".join(html.escape(line) for line in due_lines),
            "summary": f"<p>{html.escape(r.description)}</p>" if r.description else "",
            "unit": names.unit_path(r.unit_code),
            "agency": names.agency_full(r.agency),
        }
        return QueueRow(
            number=r.number,
            cells=tuple(cells[key] for key in COLUMNS),
            tooltips=tuple(tooltips.get(key, "") for key in COLUMNS),
            deadline_state=state,
            untriaged=r.status in UNTRIAGED,
            urgent=r.priority is Priority.URGENT,
        )


def _page(q: ReportQuery, offset: int, limit: int) -> ReportQuery:
    return replace(q, offset=offset, limit=limit)

"""What the figures mean, once: a handled report, when it was handled, and whether on time.

The console's statistics (SQL over its local copy, ``store/statistics.py``) and the hub's public
statistics (SQL over its own tables, ``hub/public_stats.py``) both count by these definitions; their
SQL mirrors :func:`handled_at` and :func:`judgement`, and a conformance test runs the same reports
through both and requires the same figures.

* **Handled**: resolved by the agency, or ended (replied and closed, rejected, merged as a duplicate).
* **Handled at**: the moment it ended (``closed_at``) or, resolved and waiting for the IOC's reply,
  the moment it was resolved (the start of its current stage). Later events (a rating, a note) do
  not move it.
* **On time / late**: handled at or before / after the citizen's reply deadline (no deadline, or no
  known time of handling, counts as on time). **Overdue**: not handled and past the deadline now.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from ioc_console.domain.lifecycle import TERMINAL, Status
from ioc_console.domain.report import Report

#: Statuses that count as handled.
HANDLED = frozenset({Status.RESOLVED, *TERMINAL})


class Judgement(Enum):
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    RUNNING = "running"


def handled_at(
    status: Status, closed_at: datetime | None, stage_started_at: datetime | None
) -> datetime | None:
    """When a report in ``status`` was handled (None while it is not)."""
    if status in TERMINAL:
        return closed_at
    if status is Status.RESOLVED:
        return stage_started_at
    return None


def judgement(report: Report, now: datetime) -> Judgement:
    """Where ``report`` stands against its reply deadline at ``now``."""
    if report.status in HANDLED:
        at = handled_at(report.status, report.closed_at, report.stage_started_at)
        if report.due_at is None or at is None or at <= report.due_at:
            return Judgement.ON_TIME
        return Judgement.LATE
    if report.due_at is not None and report.due_at < now:
        return Judgement.OVERDUE
    return Judgement.RUNNING


__all__ = ["HANDLED", "Judgement", "handled_at", "judgement"]

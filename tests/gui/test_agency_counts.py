"""The agency panel's counts from the store's grouped query equal those counted report by report."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ioc_console.store import LocalStore

from ioc_console.gui.agency_panel import count_by_agency


class _OnlyQueries:
    """The store without its grouped count: the panel counts the reports itself."""

    def __init__(self, store: LocalStore) -> None:
        self.query = store.query


def test_grouped_counts_equal_the_counted_ones(store: LocalStore) -> None:
    now = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    boundary = now + timedelta(days=1)
    grouped = count_by_agency(store, now, boundary)
    counted = count_by_agency(_OnlyQueries(store), now, boundary)  # type: ignore[arg-type]
    assert grouped == counted
    assert sum(c.overdue for c in grouped.values()) > 0 and sum(c.forwarded for c in grouped.values()) > 0

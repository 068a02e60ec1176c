"""Keyset pages (``number_after``): every report once, in number order, whatever the depth."""

from __future__ import annotations

from store_support import make_report

from ioc_console.store import LocalStore, ReportQuery


def test_pages_after_a_number_walk_every_report_once_in_order(store: LocalStore) -> None:
    store.upsert_reports([make_report(i) for i in range(1, 53)])
    everything = [r.number for r in store.query(ReportQuery(sort="number", descending=False))]
    walked: list[str] = []
    after: str | None = None
    while True:
        page = store.query(ReportQuery(sort="number", descending=False, number_after=after, limit=10))
        walked.extend(r.number for r in page)
        if len(page) < 10:
            break
        after = page[-1].number
    assert walked == everything and len(walked) == 52
    assert store.query(ReportQuery(number_after=everything[-1])) == []

"""A search for a report number finds that report and no other, typed with or without its prefix,
also in a store reopened without the pack."""

from __future__ import annotations

from pathlib import Path

from store_support import make_report

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.store import LocalStore, ReportQuery


def _numbers(store: LocalStore, text: str) -> list[str]:
    return sorted(r.number for r in store.query(ReportQuery(text=text, limit=None)))


def test_a_whole_number_finds_that_report_only(store_path: Path, pack: Jurisdiction) -> None:
    store = LocalStore.open(store_path)
    try:
        store.load_jurisdiction(pack)
        wanted = make_report(1, number="PA-2026-000006")
        others = [
            make_report(2, number="PA-2026-000060"),
            make_report(3, number="PA-2026-000061"),
            # Another report whose text holds the same figures.
            make_report(4, number="PA-2026-000007", description="Giống phản ánh 2026 000006 hôm qua"),
            make_report(5, number="PA-2025-000006"),
        ]
        store.upsert_reports([wanted, *others])
        for typed in ("PA-2026-000006", "pa-2026-000006", "2026-000006", "PA 2026 6"):
            assert _numbers(store, typed) == ["PA-2026-000006"], typed
            assert store.count(ReportQuery(text=typed)) == 1, typed
        # A number still being typed finds every number it starts.
        assert _numbers(store, "PA-2026-00006") == ["PA-2026-000060", "PA-2026-000061"]
    finally:
        store.close()
    reopened = LocalStore.open(store_path)
    try:
        assert _numbers(reopened, "2026-000006") == ["PA-2026-000006"]
    finally:
        reopened.close()

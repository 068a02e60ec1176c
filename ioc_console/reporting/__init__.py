"""Reports printed from the hub's database, without a console: ``ioc-hub report``.

The shift handover and the monthly report are computed exactly as a console computes them
(:mod:`ioc_console.store.statistics`, the same definitions as the statistics view and the wall),
over a temporary store filled from the hub's database with the reports that can count in the
period (:func:`ioc_console.hub.reading.reports_for_period`), and written by
:mod:`ioc_console.exports` (PDF or workbook). The temporary store is in a private temporary folder
and is deleted when the report is written.

This package stands between the hub and the console's store: it may import both (the hub itself
imports neither, see the import contracts in ``pyproject.toml``), and nothing imports it but the
``ioc-hub`` command.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.exports import export_handover, monthly_report
from ioc_console.hub.db import Database
from ioc_console.hub.reading import reports_for_period, stored_jurisdiction
from ioc_console.store.local import LocalStore
from ioc_console.store.statistics import Period, handover


@dataclass(frozen=True)
class Written:
    path: Path
    #: Reports read from the hub's database to compute it.
    reports: int


@contextmanager
def hub_store(url: str, since: datetime) -> Iterator[tuple[LocalStore, Jurisdiction, int]]:
    """A temporary store holding the hub's reports that can count from ``since`` on, its
    jurisdiction, and how many reports it holds."""
    db = Database(url, pool_size=1)
    try:
        db.check_schema()
        jurisdiction = stored_jurisdiction(db)
        with tempfile.TemporaryDirectory(prefix="ioc-report-") as folder:
            store = LocalStore.open(Path(folder) / "report.sqlite3")
            try:
                store.load_jurisdiction(jurisdiction)
                count = store.upsert_reports(reports_for_period(db, since))
                yield store, jurisdiction, count
            finally:
                store.close()
    finally:
        db.dispose()


def handover_from_hub(url: str, period: Period, now: datetime, out: Path) -> Written:
    """The shift handover of ``period`` at ``out`` (.pdf, .xlsx or .csv)."""
    with hub_store(url, period.start) as (store, jurisdiction, count):
        made = handover(store, period, now, late_limit=None)
        return Written(export_handover(out, made, province=jurisdiction.name), count)


def monthly_from_hub(url: str, year: int, month: int, now: datetime, out: Path) -> Written:
    """The monthly report of ``year``-``month`` at ``out`` (.pdf or .xlsx)."""
    with hub_store(url, Period.month(year, month).start) as (store, jurisdiction, count):
        return Written(monthly_report(out, store, year, month, now, province=jurisdiction.name), count)


__all__ = ["Written", "handover_from_hub", "hub_store", "monthly_from_hub"]

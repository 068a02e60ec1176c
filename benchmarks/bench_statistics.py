"""Speed of the statistics over the local store at scale (what the wall display and the statistics
screen ask every few seconds).

    python benchmarks/bench_statistics.py [--n 200000] [--repeat 5] [--dir DIR]

Reports are made here (a year of them, spread over the pack's categories, agencies, units and
channels, every status, deadlines, ratings, first contacts, forwarding, a three-event history), loaded
into a fresh store in a temporary folder with a bulk load, then each statistic is timed: the median of
``--repeat`` runs, the first run included, in milliseconds; the target is 200 ms each.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.domain.lifecycle import TERMINAL, Action, Channel, Role, Status
from ioc_console.domain.report import Contact, Event, Location, Report
from ioc_console.resources import default_pack_path
from ioc_console.store import LocalStore
from ioc_console.store import statistics as st

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=TZ)
TARGET_MS = 200.0


def make_reports(pack: Jurisdiction, n: int, seed: int) -> list[Report]:
    rng = random.Random(seed)
    categories = list(pack.categories)
    agencies = list(pack.agencies)
    units = list(pack.units)
    statuses = list(Status)
    channels = list(Channel)
    start = NOW - timedelta(days=365)
    span = (NOW - start).total_seconds()
    reports = []
    for i in range(n):
        received = start + timedelta(seconds=span * (i / n) + rng.random() * 60)
        status = rng.choice(statuses)
        due = received + timedelta(days=rng.choice((5, 7, 10)))
        handled_at = received + timedelta(hours=rng.uniform(2, 400))
        events = [
            Event(1, received, "kenh", Role.CHANNEL, Action.SUBMIT, None, Status.NEW, {}),
            Event(
                2,
                received + timedelta(hours=1),
                "ioc",
                Role.OPERATOR,
                Action.FORWARD,
                Status.NEW,
                Status.FORWARDED,
                {},
            ),
            Event(3, handled_at, "ioc", Role.OPERATOR, Action.CLASSIFY, Status.FORWARDED, status, {}),
        ]
        reports.append(
            Report(
                number=f"PA-{received:%Y}-{i:07d}",
                channel=rng.choice(channels),
                category=rng.choice(categories),
                description=f"Phản ánh số {i} của người dân về hiện trạng tại khu vực, gọi 0905 {i % 1000:03d} 111",
                location=Location(11.5, 108.9, "", rng.choice(units)),
                received_at=received,
                status=status,
                contact=Contact("Người dân", "0905111222", ""),
                agency=rng.choice(agencies) if rng.random() < 0.85 else None,
                due_at=due,
                updated_at=handled_at,
                stage_started_at=handled_at,
                closed_at=handled_at if status in TERMINAL else None,
                satisfied=(rng.random() < 0.8) if status is Status.CLOSED and rng.random() < 0.5 else None,
                first_contact_at=received + timedelta(minutes=rng.uniform(5, 600))
                if rng.random() < 0.9
                else None,
                forwarded_at=received + timedelta(minutes=rng.uniform(30, 2000))
                if rng.random() < 0.8
                else None,
                history=events,
            )
        )
    return reports


def median_ms(action: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args(argv)
    pack = load_pack(default_pack_path())
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        store = LocalStore.open(Path(folder) / "console.sqlite3")
        store.load_jurisdiction(pack)
        began = time.perf_counter()
        reports = make_reports(pack, args.n, args.seed)
        made = time.perf_counter() - began
        began = time.perf_counter()
        store.begin_bulk_load()
        for k in range(0, len(reports), 5000):
            store.upsert_reports(reports[k : k + 5000])
        store.end_bulk_load()
        loaded = time.perf_counter() - began
        del reports
        today = st.Period.today(NOW)
        week = st.Period.this_week(NOW)
        month = st.Period.month(NOW.year, NOW.month)
        year = st.Period(NOW - timedelta(days=366), NOW)
        shift = st.Period(NOW - timedelta(hours=8), NOW)
        window = st.Period(NOW - timedelta(days=30), NOW)

        def wall_refresh() -> None:
            """What the wall display reads every 30 s (its 30-day window)."""
            st.summary(store, window, NOW)
            st.figures(store, today, NOW)
            st.figures(store, week, NOW)
            st.league(store, window, NOW)
            st.ticker(store, 30)

        cases: list[tuple[str, Callable[[], Any]]] = [
            ("summary, today", lambda: st.summary(store, today, NOW)),
            ("summary, this week", lambda: st.summary(store, week, NOW)),
            ("summary, this month", lambda: st.summary(store, month, NOW)),
            ("summary, whole year (every report)", lambda: st.summary(store, year, NOW)),
            (
                "summary, year, one agency",
                lambda: st.summary(store, year, NOW, st.Filters(agencies={next(iter(pack.agencies))})),
            ),
            ("figures only, whole year", lambda: st.figures(store, year, NOW)),
            ("grouped by category, whole year", lambda: st.grouped(store, year, "category", NOW)),
            ("grouped by unit, whole year", lambda: st.grouped(store, year, "unit", NOW)),
            ("grouped by day, this month", lambda: st.grouped(store, month, "day", NOW)),
            ("grouped by day, whole year", lambda: st.grouped(store, year, "day", NOW)),
            ("agency league, this month", lambda: st.league(store, month, NOW)),
            ("agency league, whole year", lambda: st.league(store, year, NOW)),
            ("summary, last 30 days", lambda: st.summary(store, window, NOW)),
            ("agency league, last 30 days", lambda: st.league(store, window, NOW)),
            ("ticker, newest 30", lambda: st.ticker(store, 30)),
            ("handover, 8-hour shift", lambda: st.handover(store, shift, NOW)),
            ("unsatisfied and reopened, 200", lambda: st.unsatisfied(store)),
            ("wall refresh (5 statistics)", wall_refresh),
        ]
        print(f"{args.n:,} reports: made in {made:.1f} s, bulk-loaded in {loaded:.1f} s")
        print("load average before: {:.2f} {:.2f} {:.2f} ({} CPUs)".format(*os.getloadavg(), os.cpu_count()))
        print(f"{'statistic':<40} {'median ms':>10}  {'target':>7}")
        failed = 0
        for name, action in cases:
            ms = median_ms(action, args.repeat)
            ok = ms <= TARGET_MS
            failed += not ok
            print(f"{name:<40} {ms:>10.1f}  {'ok' if ok else 'SLOW':>7}")
        print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        handover = st.handover(store, shift, NOW)
        print(
            f"(handover: {len(handover.came_in)} came in, {len(handover.changes)} changes, {len(handover.late)} late)"
        )
        store.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

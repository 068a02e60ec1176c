"""Speed of the console's local store at scale: loading, searching, filtering and sorting, deadlines.

    python benchmarks/bench_store.py [--n 200000] [--seed 7] [--cache reports.pickle] [--dir DIR] [--encrypted]

Reports come from the demo generator (``ioc_console.demo``) for the shipped Ninh Thuận pack;
generating 200,000 takes minutes, so ``--cache`` keeps them in a pickle file between runs (written
the first time, read afterwards; only for this tool's own use). Timings are the median of
``--repeat`` runs (the first run of each query included), in a fresh store in a temporary folder.

Printed: loading N reports with ``LocalStore.upsert_reports`` next to a raw ``sqlite3`` executemany
upsert of the same rows into the same tables (the ratio is the store's price for building rows,
folding text and indexing it), the load with histories and attachments, opening the store, a folded
text search returning the first 200, a filter plus a sort on each column (first page of 200), and
the deadline states of all reports. ``--encrypted`` runs the same on an encrypted store (SQLCipher, as
a console signed in to a hub keeps its copy); the raw ``sqlite3`` line stays plain, for comparison.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ioc_console.demo.generator import generate
from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.deadlines import DeadlineState, due_soon_boundary
from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.domain.lifecycle import TERMINAL, Channel, Status
from ioc_console.domain.report import Report
from ioc_console.resources import default_pack_path
from ioc_console.store import SORT_KEYS, LocalStore, ReportQuery
from ioc_console.store import local as store_local
from ioc_console.store.cipher import new_key
from ioc_console.store.rows import RowReference

NOW = datetime(2026, 6, 1, 10, 0)

SEARCHES = (
    "duong",
    "ngap nuoc",
    "phan rang",
    "rac thai",
    "den duong hu",
    "karaoke",
    "ng",
    "lan chiem via he",
    "PA-2025-0001",
    "0905",
    "xyzzy",
)


@dataclass
class Row:
    what: str
    figure: str
    target: str = ""
    ok: bool | None = None


def median_ms(action: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000.0


def reports_for(pack: Jurisdiction, n: int, seed: int, cache: Path | None) -> list[Report]:
    if cache is not None and cache.exists():
        with cache.open("rb") as handle:
            cached: list[Report] = pickle.load(handle)
        if len(cached) >= n:
            print(f"reports: {n:,} from {cache}", flush=True)
            return cached[:n]
    print(f"reports: generating {n:,} with the demo generator (seed {seed})...", flush=True)
    start = time.perf_counter()
    made = list(generate(pack, count=n, seed=seed, now=NOW))
    print(f"reports: generated in {time.perf_counter() - start:.0f} s", flush=True)
    if cache is not None:
        with cache.open("wb") as handle:
            pickle.dump(made, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return made


#: The key of the stores measured (``--encrypted``), None for plain ones.
KEY: bytes | None = None


def fresh(folder: Path, name: str, pack: Jurisdiction, *, plain: bool = False) -> LocalStore:
    path = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = LocalStore.open(path, key=None if plain else KEY)
    store.load_jurisdiction(pack)
    return store


def cipher_version() -> str:
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(":memory:")
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
        return f"{row[0]} (SQLite {conn.execute('SELECT sqlite_version()').fetchone()[0]})"
    finally:
        conn.close()


def raw_upsert(folder: Path, pack: Jurisdiction, reports: list[Report]) -> float:
    """Seconds for sqlite3 alone to upsert the store's rows of ``reports`` (rows built beforehand)."""
    fresh(folder, "raw.sqlite3", pack, plain=True).close()
    reference = RowReference.of(pack)
    rows = [reference.row(i + 1, r) for i, r in enumerate(reports)]
    hot = [row for row, _ in rows]
    texts = [text for _, text in rows]
    conn = sqlite3.connect(folder / "raw.sqlite3", isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "cache_size = -65536", "foreign_keys = ON"):
        conn.execute(f"PRAGMA {pragma}")
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(store_local._UPSERT_REPORT, hot)
    conn.executemany(store_local._UPSERT_TEXT, texts)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=200_000, help="reports (default 200,000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timed query (median)")
    parser.add_argument("--cache", type=Path, help="pickle file keeping the generated reports")
    parser.add_argument("--dir", type=Path, help="folder for the stores (default: a temporary one)")
    parser.add_argument("--encrypted", action="store_true", help="encrypted stores (SQLCipher)")
    args = parser.parse_args(argv)
    global KEY
    KEY = new_key() if args.encrypted else None

    pack = load_pack(default_pack_path())
    reports = reports_for(pack, args.n, args.seed, args.cache)
    n = len(reports)
    table: list[Row] = []
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)

        print("loading...", flush=True)
        raw_seconds = raw_upsert(folder, pack, reports)
        raw_rate = n / raw_seconds
        table.append(
            Row("raw sqlite3 executemany upsert (same rows, same tables)", f"{raw_rate:,.0f} reports/s")
        )

        store = fresh(folder, "reports.sqlite3", pack)
        start = time.perf_counter()
        store.upsert_reports(reports, with_history=False)
        rate = n / (time.perf_counter() - start)
        store.close()
        table.append(
            Row(
                "LocalStore.upsert_reports, reports (folded text + FTS5 index included)",
                f"{rate:,.0f} reports/s ({rate / raw_rate:.2f} × raw)",
                "≥ 100,000/s",
                rate >= 100_000,
            )
        )

        store = fresh(folder, "full.sqlite3", pack)
        events = sum(len(r.history) for r in reports)
        start = time.perf_counter()
        store.upsert_reports(reports, with_history=True)
        elapsed = time.perf_counter() - start
        store.close()
        table.append(
            Row(
                "LocalStore.upsert_reports with histories and attachments",
                f"{n / elapsed:,.0f} reports/s ({events / elapsed:,.0f} events/s)",
            )
        )
        size = (folder / "full.sqlite3").stat().st_size
        table.append(Row("file size", f"{size / 1e6:,.0f} MB ({size / n / 1024:.1f} KB a report)"))

        path = folder / "full.sqlite3"
        start = time.perf_counter()
        store = LocalStore.open(path, check=False, key=KEY)
        opened = (time.perf_counter() - start) * 1000
        table.append(Row("open, without the full integrity check", f"{opened:.0f} ms"))
        start = time.perf_counter()
        store.check()
        table.append(
            Row("full integrity check (quick_check)", f"{(time.perf_counter() - start) * 1000:.0f} ms")
        )
        store.load_jurisdiction(pack)  # the same pack again: nothing to do

        first = median_ms(
            lambda: (store.count(ReportQuery()), store.query(ReportQuery(limit=200))), args.repeat
        )
        table.append(Row("first page: count + 200 newest", f"{first:.1f} ms"))

        worst_search = 0.0
        for text in SEARCHES:
            query = ReportQuery(text=text, limit=200)
            ms = median_ms(partial(store.query, query), args.repeat)
            count_ms = median_ms(partial(store.count, query), args.repeat)
            matches = store.count(query)
            worst_search = max(worst_search, ms)
            table.append(
                Row(f"  search {text!r}: first 200 of {matches:,}", f"{ms:.1f} ms (count {count_ms:.1f} ms)")
            )
        table.append(
            Row(
                "folded text search, first 200 (worst)",
                f"{worst_search:.1f} ms",
                "≤ 50 ms",
                worst_search <= 50,
            )
        )

        now = NOW.replace(tzinfo=ZoneInfo(pack.timezone))
        calendar = WorkingCalendar.for_jurisdiction(pack)
        boundary = due_soon_boundary(now, calendar, pack.policy)
        district = next(u.code for u in pack.units.values() if u.parent == pack.root().code)
        agency = Counter(r.agency for r in reports if r.agency is not None).most_common(1)[0][0]
        category = Counter(r.category for r in reports).most_common(1)[0][0]
        filters = {
            "open statuses": ReportQuery(statuses=frozenset(Status) - TERMINAL),
            "one category": ReportQuery(categories={category}),
            "a district": ReportQuery(units={district}),
            "hotline": ReportQuery(channels={Channel.HOTLINE}),
            "one agency": ReportQuery(agencies={agency}),
            "overdue": ReportQuery(deadline_states={DeadlineState.OVERDUE}, now=now, boundary=boundary),
            "last 30 days": ReportQuery(received_from=now - timedelta(days=30)),
            "reopened + text": ReportQuery(statuses={Status.REOPENED}, text="duong"),
        }
        worst_sort = 0.0
        for name, base in filters.items():
            worst_here, worst_key = 0.0, ""
            for sort in SORT_KEYS:
                for descending in (False, True):
                    query = replace(base, sort=sort, descending=descending, limit=200)
                    ms = median_ms(partial(store.query, query), args.repeat)
                    if ms > worst_here:
                        worst_here, worst_key = ms, f"{sort} {'desc' if descending else 'asc'}"
            count_ms = median_ms(partial(store.count, base), args.repeat)
            matches = store.count(base)
            worst_sort = max(worst_sort, worst_here)
            table.append(
                Row(
                    f"  {name} ({matches:,}): 20 sorts, worst {worst_key}",
                    f"{worst_here:.1f} ms (count {count_ms:.1f} ms)",
                )
            )
        table.append(
            Row(
                "filter + sort on each column, first 200 (worst)",
                f"{worst_sort:.1f} ms",
                "≤ 200 ms",
                worst_sort <= 200,
            )
        )

        counts: dict[DeadlineState, int] = {}

        def all_states() -> None:
            counts.update(store.deadline_counts(ReportQuery(), now, boundary))

        ms = median_ms(all_states, args.repeat)
        spread = ", ".join(f"{state.value} {counts[state]:,}" for state in DeadlineState)
        table.append(Row(f"deadline state of all reports ({spread})", f"{ms:.1f} ms", "≤ 1 s", ms <= 1000))
        store.close()

    width = max(len(row.what) for row in table)
    figure_width = max(len(row.figure) for row in table)
    print()
    engine = f"SQLCipher {cipher_version()}, encrypted" if KEY else f"SQLite {sqlite3.sqlite_version}, plain"
    print(f"Local store, {n:,} reports — Python {sys.version.split()[0]}, {engine}, {os.cpu_count()} CPUs")
    print(f"{'measure':<{width}}  {'figure':<{figure_width}}  target")
    print("-" * (width + figure_width + 16))
    for row in table:
        verdict = "" if row.ok is None else ("ok" if row.ok else "MISSED")
        print(f"{row.what:<{width}}  {row.figure:<{figure_width}}  {row.target} {verdict}".rstrip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

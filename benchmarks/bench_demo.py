"""How fast the demo generator makes reports with their histories, and where the time goes.

Run from the repository root::

    .venv/bin/python benchmarks/bench_demo.py                # 600 (a year) and 20,000 reports
    .venv/bin/python benchmarks/bench_demo.py --count 200000 # the benchmark scale

Prints a table: reports, events, wall seconds, CPU seconds, reports per second (wall and CPU), and the
share of CPU time spent inside the domain's ``apply_action`` (the lifecycle check, the recorded event
and the deadlines of every step). CPU time is the fairer figure on a shared machine.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ioc_console.demo import demo_photo, generate, generator, new_report
from ioc_console.domain.jurisdiction import load_pack
from ioc_console.resources import default_pack_path

NOW = datetime(2025, 6, 30, 16, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


class _Timed:
    """Wraps a function and adds up the CPU time spent in it."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.cpu = 0.0
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.cpu += time.process_time() - start
            self.calls += 1


def run(count: int, *, measure_domain: bool) -> dict[str, float]:
    jurisdiction = load_pack(default_pack_path())
    list(generate(jurisdiction, now=NOW, count=50))  # warm the calendar's tables and the caches
    timed = _Timed(generator.apply_action)
    if measure_domain:
        generator.apply_action = timed  # type: ignore[assignment]
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        events = 0
        made = 0
        for report in generate(jurisdiction, now=NOW, count=count):
            events += len(report.history)
            made += 1
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        generator.apply_action = timed.fn  # type: ignore[assignment]
    return {
        "reports": made,
        "events": events,
        "wall": wall,
        "cpu": cpu,
        "domain": timed.cpu / cpu if measure_domain and cpu else float("nan"),
        "domain_calls": timed.calls,
    }


def feed_rate(n: int = 5000) -> float:
    jurisdiction = load_pack(default_pack_path())
    rng = random.Random(1)
    start = time.process_time()
    for i in range(n):
        new_report(jurisdiction, rng, NOW)
        del i
    return n / (time.process_time() - start)


def photo_time(n: int = 50) -> float:
    start = time.process_time()
    for seed in range(n):
        demo_photo(seed)
    return (time.process_time() - start) / n * 1000.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, action="append", help="reports to generate (repeatable)")
    parser.add_argument(
        "--no-domain-share", action="store_true", help="do not time apply_action (its timer costs a little)"
    )
    args = parser.parse_args(argv)
    counts = args.count or [600, 20_000]
    print("Demo generator (Ninh Thuận pack, seed 2020)")
    print(
        f"{'reports':>9} {'events':>9} {'wall s':>8} {'CPU s':>8} {'rep/s wall':>11} {'rep/s CPU':>10} {'in apply_action':>16}"
    )
    for count in counts:
        row = run(count, measure_domain=not args.no_domain_share)
        share = row["domain"]
        shown = "-" if share != share else f"{share:.0%}"
        print(
            f"{row['reports']:>9,} {row['events']:>9,} {row['wall']:>8.2f} {row['cpu']:>8.2f}"
            f" {row['reports'] / row['wall']:>11,.0f} {row['reports'] / row['cpu']:>10,.0f} {shown:>16}"
        )
        if not args.no_domain_share and row["domain_calls"]:
            per_call = share * row["cpu"] / row["domain_calls"] * 1e6
            print(
                f"{'':>9} apply_action: {row['domain_calls']:,} calls, {per_call:.1f} µs each (CPU, timer included)"
            )
    print(f"feed simulator (new_report): {feed_rate():,.0f} posts/s CPU")
    print(f"demo_photo: {photo_time():.1f} ms per picture")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

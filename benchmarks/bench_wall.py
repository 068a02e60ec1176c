"""The wall display over an hour of live feed, compressed in time: does its memory stay flat?

The demo history is written into a fresh store; then, for each simulated minute, new citizens'
reports are written (the feed's default rate), the clock moves on a minute, and the wall refreshes
twice (its 30-second timer, or the sync), turns its pages and redraws at 1920×1080. Every ten minutes the process's resident
memory is printed; the last column compares it with the memory after the first ten minutes, once
every cache has been filled.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_wall.py [--minutes 60] [--per-minute 2] [--refreshes 2] [--map]

``--map`` adds the wall's map (QtWebEngine; its renderer's memory is in processes of its own and
not counted here).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=60)
    parser.add_argument("--per-minute", type=float, default=2.0)
    parser.add_argument("--map", action="store_true")
    parser.add_argument(
        "--refreshes", type=int, default=2, help="refreshes a simulated minute (the wall's timer: every 30 s)"
    )
    args = parser.parse_args(argv)

    if args.map:
        import ioc_console.gui.map  # noqa: F401  (QtWebEngine before the application)
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from ioc_console.demo import generate
    from ioc_console.domain.jurisdiction import load_pack
    from ioc_console.resources import default_pack_path
    from ioc_console.store import LocalStore

    from ioc_console.gui.operations import DatabaseExecutor
    from ioc_console.gui.present import DeadlineClock, Names
    from ioc_console.gui.wall import WallWindow, statistics_reader

    app = QApplication.instance() or QApplication(sys.argv[:1])
    jurisdiction = load_pack(default_pack_path())
    folder = Path(tempfile.mkdtemp(prefix="ioc-bench-wall-"))
    store = LocalStore.open(folder / "wall.sqlite3")
    store.load_jurisdiction(jurisdiction)
    start = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    store.upsert_reports(generate(jurisdiction, now=start))
    pool = list(generate(jurisdiction, now=start, count=2000, seed=99))
    rng = random.Random(5)
    moment = [start]
    clock = DeadlineClock(jurisdiction, lambda: moment[0])
    executor = DatabaseExecutor()
    wall = WallWindow(statistics_reader(store, clock), executor, Names(jurisdiction, "vi"), with_map=args.map)
    wall.resize(1920, 1080)
    wall.show()
    wall.start()
    wall.refresh_timer.stop()  # the benchmark drives the refreshes

    def settle(ms: int = 30) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def refreshed() -> None:
        loop = QEventLoop()
        wall.figures_shown.connect(loop.quit)
        QTimer.singleShot(10_000, loop.quit)
        wall.refresh(["new"])
        loop.exec()
        wall.figures_shown.disconnect(loop.quit)
        wall.grab()  # a full redraw, as a screen would

    print(f"{'minute':>6} {'reports':>8} {'RSS MB':>8} {'vs min 10':>10} {'refresh ms':>11}", flush=True)
    baseline: float | None = None
    made = 0
    for minute in range(1, args.minutes + 1):
        moment[0] = start + timedelta(minutes=minute)
        new = []
        for _ in range(round(rng.expovariate(1 / args.per_minute)) if args.per_minute > 0 else 0):
            template = pool[made % len(pool)]
            made += 1
            new.append(
                type(template)(
                    **{
                        **template.__dict__,
                        "number": f"SIM-{made:06d}",
                        "received_at": moment[0],
                        "history": [],
                        "attachments": [],
                    }
                )
            )
        if new:
            store.upsert_reports(new)
        began = time.perf_counter()
        for _ in range(max(1, args.refreshes)):
            refreshed()
            wall.rotate_timer.timeout.emit()  # pages turn, the map and the ticker take turns
        took = (time.perf_counter() - began) * 1000 / max(1, args.refreshes)
        settle()
        if minute % 10 == 0 or minute == 1:
            now_mb = rss_mb()
            if minute == 10:
                baseline = now_mb
            grown = f"{now_mb - baseline:+.1f}" if baseline is not None else ""
            print(f"{minute:>6} {made:>8} {now_mb:>8.1f} {grown:>10} {took:>11.0f}", flush=True)
    wall.close()
    executor.shutdown(final=store.close)
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Start-up of the console to an interactive window: the frozen build beside the same from source.

Run from the repository root, after ``python3 run.py package`` (or ``--no-deb``)::

    .venv/bin/python benchmarks/bench_startup.py                       # both, 3 runs each
    .venv/bin/python benchmarks/bench_startup.py --runs 5 --frozen dist/ioc-console/ioc-console

Each variant first runs once to build its embedded demo (a year of history) in a data folder of its
own, then starts ``--demo --feed-rate 0`` on it ``--runs`` times, offscreen. Timed from the moment the
process is started (wall clock, so the interpreter's and the frozen loader's own start count) to the
console's log lines "window shown" and "queue shown: interactive" (the queue painted, the user can
work); the process is then ended. Prints the median and the best of the runs, and the machine's load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKS = {"window": "window shown", "interactive": "queue shown: interactive"}


def one_start(command: list[str], data_dir: Path, timeout: float = 300) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    args = [*command, "--demo", "--feed-rate", "0", "--lang", "vi", "--data-dir", str(data_dir)]
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen: dict[str, float] = {}
    try:
        assert process.stderr is not None
        for line in process.stderr:
            for key, mark in MARKS.items():
                if mark in line and key not in seen:
                    seen[key] = time.perf_counter() - started
            if len(seen) == len(MARKS) or time.perf_counter() - started > timeout:
                break
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if len(seen) != len(MARKS):
        raise SystemExit(f"{' '.join(command)}: no interactive window within {timeout:.0f} s")
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--frozen", type=Path, default=ROOT / "dist" / "ioc-console" / "ioc-console")
    args = parser.parse_args()
    variants = {"from source": [sys.executable, "-m", "ioc_console"]}
    if args.frozen.exists():
        variants["frozen (PyInstaller)"] = [str(args.frozen)]
    else:
        print(f"(no frozen build at {args.frozen}: python3 run.py package --no-deb)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="ioc-bench-startup-") as tmp:
        for name, command in variants.items():
            data_dir = Path(tmp) / name.split()[0]
            one_start(command, data_dir)  # builds the demo hub and the local copy
            runs = [one_start(command, data_dir) for _ in range(args.runs)]
            rows.append((name, runs))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nstart-up to an interactive window, {args.runs} runs each, offscreen, load {load:.1f}")
    print(f"{'variant':<22} {'window shown (median / best)':>30} {'queue interactive (median / best)':>36}")
    for name, runs in rows:
        cells = []
        for key in MARKS:
            times = [run[key] for run in runs]
            cells.append(f"{statistics.median(times):6.2f} s / {min(times):5.2f} s")
        print(f"{name:<22} {cells[0]:>30} {cells[1]:>36}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

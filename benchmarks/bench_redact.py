"""How long the public redaction takes for a page of Open311 requests.

Run from the repository root::

    .venv/bin/python benchmarks/bench_redact.py              # 1000 demo reports (one full page)

Every public request carries its description, address and reply through
:func:`ioc_console.domain.redact.redact` with the citizen's contact. Prints a table: texts, characters,
wall and CPU milliseconds for the page, and CPU microseconds per text (CPU time is the fairer figure
on a shared machine).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ioc_console.demo import generate
from ioc_console.domain.jurisdiction import load_pack
from ioc_console.domain.redact import redact
from ioc_console.resources import default_pack_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    jurisdiction = load_pack(default_pack_path())
    reports = list(generate(jurisdiction, now=datetime(2025, 6, 1, tzinfo=UTC), count=args.count, seed=1))
    texts = [(t, r.contact) for r in reports for t in (r.description, r.location.address, r.reply)]
    print(f"{'texts':>8} {'chars':>9} {'wall ms':>9} {'CPU ms':>9} {'CPU µs/text':>12}")
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        for text, contact in texts:
            redact(text, contact)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        chars = sum(len(t) for t, _ in texts)
        print(
            f"{len(texts):>8} {chars:>9} {wall * 1000:>9.0f} {cpu * 1000:>9.0f} {cpu / len(texts) * 1e6:>12.0f}"
        )


if __name__ == "__main__":
    main()

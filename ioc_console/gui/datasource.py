"""The demo's local data: the jurisdiction pack and a store filled with generated history (no Qt).

Until the hub exists, ``ioc-console --demo`` opens its own SQLite store in the data folder. The
first run builds it: the pack is loaded, a year of history generated and written, all into a file
beside the final one that is renamed into place only when complete, so an interrupted first run
never leaves a half-filled store behind. An existing store is opened as it is; when it is locked,
from a newer version or corrupt, the store's error says so and nothing is overwritten. The quick
check of every page is left out of opening (it reads the whole file) and run once the queue is on
screen (:meth:`LocalStore.check`).

All of this runs on the database worker.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.domain.report import Report
from ioc_console.resources import default_pack_path
from ioc_console.store import LocalStore

log = logging.getLogger(__name__)

DEMO_STORE_NAME = "demo-console.sqlite3"

#: Progress of opening, reported to the GUI as (step, count): "pack", "open", "generate", "write", "done".
Progress = Callable[[str, int], None]


@dataclass
class DemoData:
    store: LocalStore
    jurisdiction: Jurisdiction
    path: Path
    created: bool


def demo_store_path(data_dir: Path) -> Path:
    return data_dir / DEMO_STORE_NAME


def _remove_partial(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            candidate.unlink()


def build_demo_store(
    path: Path,
    jurisdiction: Jurisdiction,
    generate_reports: Callable[[Jurisdiction], Iterable[Report]],
    progress: Progress,
) -> None:
    """Create the demo store at ``path`` (which must not exist) from generated history."""
    partial = path.with_name(path.name + ".partial")
    _remove_partial(partial)
    progress("generate", 0)
    reports = list(generate_reports(jurisdiction))
    progress("write", len(reports))
    store = LocalStore.open(partial)
    try:
        store.load_jurisdiction(jurisdiction)
        store.upsert_reports(reports)
    finally:
        store.close()
    for suffix in ("-wal", "-shm"):
        leftover = partial.with_name(partial.name + suffix)
        if leftover.exists():
            leftover.unlink()
    os.replace(partial, path)


def open_demo(
    data_dir: Path,
    progress: Progress,
    generate_reports: Callable[[Jurisdiction], Iterable[Report]] | None = None,
    pack: Path | None = None,
) -> DemoData:
    """Open the demo store in ``data_dir``, building it on the first run."""
    progress("pack", 0)
    jurisdiction = load_pack(pack or default_pack_path())
    data_dir.mkdir(parents=True, exist_ok=True)
    path = demo_store_path(data_dir)
    created = False
    if not path.exists():
        if generate_reports is None:
            from ioc_console.demo.generator import generate

            def generate_reports(j: Jurisdiction) -> Iterable[Report]:
                return generate(j)

        log.info("first run: building the demo store at %s", path)
        build_demo_store(path, jurisdiction, generate_reports, progress)
        created = True
    progress("open", 0)
    # The whole-file integrity check (seconds at 200,000 reports) runs after the queue is shown.
    store = LocalStore.open(path, check=False)
    progress("done", 0)
    return DemoData(store=store, jurisdiction=jurisdiction, path=path, created=created)

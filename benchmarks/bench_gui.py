"""The console's speed with a large cache: the queue's first paint and start-up to an interactive window.

    .venv/bin/python benchmarks/bench_gui.py [--count 200000] [--cache DIR] [--repeat 5]

The store is built once with the demo generator (``--count`` reports over a year, a few minutes at
200,000) into ``--cache`` and reused. Qt runs offscreen. Prints a table of:

* **queue first paint**: from handing the queue model (its first page already fetched, as the window
  does it) to a table view until that view has painted its rows. Target ≤ 150 ms.
* **start-up to interactive**: from launching a fresh process that runs the real composition root
  (as ``ioc-console --demo`` does) until the queue's first page is painted in the window, with
  Python's bytecode caches in place as after a first run. Target ≤ 2 s.
* **sort / search / filter to repaint**: from the user's click or settled search to the view painted
  with the new rows (the SQL query, the model reset and the paint together).
"""

from __future__ import annotations

import time

LAUNCHED = time.time()  # the child's own import time counts towards its start-up

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEFAULT_CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "ioc-console-bench-gui"


def build_store(count: int, cache: Path) -> Path:
    """A data folder whose demo store holds ``count`` reports (built once, then reused)."""
    from ioc_console.demo.generator import generate
    from ioc_console.domain.jurisdiction import load_pack
    from ioc_console.resources import default_pack_path
    from ioc_console.store import LocalStore, ReportQuery

    from ioc_console.gui.datasource import DEMO_STORE_NAME, build_demo_store

    data_dir = cache / f"{count}"
    path = data_dir / DEMO_STORE_NAME
    if path.exists():
        store = LocalStore.open(path, check=False)
        try:
            if store.count(ReportQuery()) == count:
                return data_dir
        finally:
            store.close()
        path.unlink()
    data_dir.mkdir(parents=True, exist_ok=True)
    jurisdiction = load_pack(default_pack_path())
    started = time.perf_counter()
    print(f"building a store of {count:,} demo reports in {path} …", flush=True)
    build_demo_store(path, jurisdiction, lambda j: generate(j, count=count), lambda *_: None)
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    return data_dir


def _paint_probe():  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QTableView

    class PaintProbe(QTableView):
        """A table view that notes when it has painted rows."""

        def __init__(self) -> None:
            super().__init__()
            self.painted_at: float | None = None

        def paintEvent(self, event):  # type: ignore[no-untyped-def]
            super().paintEvent(event)
            model = self.model()
            if self.painted_at is None and model is not None and model.rowCount() > 0:
                self.painted_at = time.perf_counter()

    return PaintProbe


def _wait(app, condition: Callable[[], bool], timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the console did not get there in time")
        app.processEvents()
        time.sleep(0.0005)


def measure_in_process(data_dir: Path, repeat: int) -> dict[str, list[float]]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QHeaderView

    from ioc_console.domain.jurisdiction import load_pack
    from ioc_console.resources import default_pack_path
    from ioc_console.store import LocalStore

    from ioc_console.gui.datasource import DEMO_STORE_NAME
    from ioc_console.gui.look import DeadlineLook
    from ioc_console.gui.operations import DatabaseExecutor, Op
    from ioc_console.gui.present import DeadlineClock, Names
    from ioc_console.gui.qt_compat import GuiThreadCollector, protect_bool_singletons
    from ioc_console.gui.queue_model import ReportQueueModel
    from ioc_console.gui.queue_source import COLUMNS, QueueFilter
    from ioc_console.gui.store_source import StoreQueueSource

    app = QApplication.instance() or QApplication([])
    protect_bool_singletons()
    collector = GuiThreadCollector()
    executor = DatabaseExecutor()
    jurisdiction = load_pack(default_pack_path())
    opened: list[LocalStore] = []
    Op(lambda: LocalStore.open(data_dir / DEMO_STORE_NAME)).on_success(opened.append).run(executor)
    _wait(app, lambda: bool(opened))
    store = opened[0]
    source = StoreQueueSource(store, Names(jurisdiction, "vi"), DeadlineClock(jurisdiction))
    look = DeadlineLook()
    PaintProbe = _paint_probe()
    results: dict[str, list[float]] = {"first_paint": [], "sort": [], "search": [], "filter": []}

    def one_run(model: ReportQueueModel) -> dict[str, float]:
        done: list[int] = []
        model.reset_done.connect(lambda: done.append(1))
        model.set_filter(QueueFilter())
        _wait(app, lambda: bool(done))
        view = PaintProbe()
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.resize(1366, 700)
        started = time.perf_counter()
        view.setModel(model)
        view.show()
        _wait(app, lambda: view.painted_at is not None)
        figures = {"first_paint": (view.painted_at - started) * 1000}

        def repaint_after(action: Callable[[], None]) -> float:
            marker: list[int] = []
            model.reset_done.connect(lambda: marker.append(1))
            view.painted_at = None
            begun = time.perf_counter()
            action()
            _wait(app, lambda: bool(marker) and view.painted_at is not None)
            return (view.painted_at - begun) * 1000

        figures["sort"] = repaint_after(
            lambda: model.sort(COLUMNS.index("category"), Qt.SortOrder.AscendingOrder)
        )
        figures["search"] = repaint_after(lambda: model.set_filter(QueueFilter(text="ngap nuoc")))
        figures["filter"] = repaint_after(
            lambda: model.set_filter(QueueFilter(category="traffic-safety", sort="deadline"))
        )
        view.close()
        view.deleteLater()
        model.deleteLater()
        app.processEvents()
        return figures

    # The window has painted before the queue arrives (fonts, styles): so does this, once, unmeasured.
    one_run(ReportQueueModel(source, executor, look))
    for _ in range(repeat):
        for key, value in one_run(ReportQueueModel(source, executor, look)).items():
            results[key].append(value)

    executor.shutdown(final=store.close)
    collector.stop()
    return results


def child_startup(data_dir: Path) -> None:
    """Run the real composition root until the queue is painted; print when that happened."""
    from PySide6.QtWidgets import QApplication

    from ioc_console.gui.app import Console, Options

    app = QApplication([sys.argv[0]])
    console = Console(app, Options(data_dir=data_dir, lang="vi", env={}))
    window = console.window
    window.resize(1366, 768)
    ready: list[float] = []

    def on_ready() -> None:
        if ready:
            return
        view = window.queue_view
        view.viewport().repaint()  # the first paint of the rows, synchronously
        ready.append(time.time())
        cpu.append(time.process_time())

    cpu: list[float] = []
    window.queue_ready.connect(on_ready)
    console.start()
    _wait(app, lambda: bool(ready))
    print(json.dumps({"interactive_at": ready[0], "cpu": cpu[0], "timings": console.timings}))
    window.close()
    console.shutdown()


def measure_startup(
    data_dir: Path, repeat: int, pycache: Path
) -> tuple[list[float], list[float], dict[str, float]]:
    """Start-up in fresh processes, with compiled bytecode as an installed console has it.

    Python writes its bytecode caches at the first import of an installed package; where the
    environment forbids that (``PYTHONDONTWRITEBYTECODE``), every start would compile every module
    anew. The child processes therefore keep their caches under ``pycache``, and one unmeasured
    start fills it.
    """
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=str(pycache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    figures: list[float] = []
    cpu: list[float] = []
    steps: dict[str, float] = {}
    for run in range(repeat + 1):
        launched = time.time()
        out = subprocess.run(
            [sys.executable, __file__, "--child-startup", str(data_dir)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        if run == 0:
            continue
        line = json.loads([x for x in out.stdout.splitlines() if x.startswith("{")][-1])
        figures.append((line["interactive_at"] - launched) * 1000)
        cpu.append(line["cpu"] * 1000)
        steps = line["timings"]
    return figures, cpu, steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child-startup", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_startup is not None:
        child_startup(args.child_startup)
        return 0

    data_dir = build_store(args.count, args.cache)
    startup, startup_cpu, steps = measure_startup(data_dir, args.repeat, args.cache / "pycache")
    paints = measure_in_process(data_dir, args.repeat)
    rows = [
        ("queue first paint (model set → rows painted)", paints["first_paint"], "≤ 150"),
        ("start-up to interactive window (launch → queue painted)", startup, "≤ 2000"),
        ("  the same, CPU time of the console process", startup_cpu, ""),
        ("sort by category (click → repainted)", paints["sort"], ""),
        ("folded search 'ngap nuoc' (settled → repainted)", paints["search"], ""),
        ("filter category + sort by deadline (→ repainted)", paints["filter"], ""),
    ]
    print()
    print(f"GUI with {args.count:,} reports cached (offscreen, {args.repeat} runs each)")
    print(f"{'measure':<58} {'median ms':>10} {'max ms':>9} {'target ms':>10}")
    for name, values, target in rows:
        print(f"{name:<58} {statistics.median(values):>10.1f} {max(values):>9.1f} {target:>10}")
    print()
    print("steps of the last start-up, ms after the composition root began (imports before it not counted):")
    for step, at in steps.items():
        print(f"  {at:>8.0f}  {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

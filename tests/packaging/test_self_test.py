"""``ioc-console --version`` and ``--self-test``, run as a user (or the package build) runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ioc_console import __version__

ROOT = Path(__file__).resolve().parents[2]


def _console(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # it must go offscreen itself
    return subprocess.run(
        [sys.executable, "-m", "ioc_console", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_version_is_the_packages_and_answers_without_qt() -> None:
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    result = _console("--version", timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"IOC Console {__version__}" and __version__ == declared


def test_the_self_test_opens_the_demo_draws_the_map_takes_a_live_report_and_exits_0() -> None:
    result = _console("--self-test")

    lines = [line for line in result.stdout.splitlines() if line.startswith("self-test:")]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    said = "\n".join(lines)
    assert "queue shows" in said
    assert "map drawn: 40 reports" in said  # QtWebEngine drew every report
    assert "arrived live in the queue and on the map" in said
    assert lines[-1].endswith("passed")


def test_a_self_test_that_cannot_start_says_so_and_exits_1(tmp_path: Path) -> None:
    occupied = tmp_path / "not-a-folder"
    occupied.write_text("x", encoding="utf-8")

    result = _console("--self-test", "--data-dir", str(occupied), timeout=120)

    assert result.returncode == 1
    assert "FAILED" in result.stdout

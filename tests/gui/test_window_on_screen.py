"""The window on a real screen size: maximised on 1366×768 (the status bar, with the overdue counts and
the online state, on screen), the product's name once in the title, and on 1920×1080 the map gets the
room instead of an empty details pane. Each screen runs the console in a process of its own (the
screen is the offscreen platform's, set at start), map included; screenshots in light and dark."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.webengine

PROBE = Path(__file__).with_name("screen_probe.py")


def _probe(tmp_path: Path, data_dir: Path, width: int, height: int, theme: str) -> dict[str, Any]:
    config = tmp_path / f"screen-{width}x{height}.json"
    config.write_text(
        json.dumps({"screens": [{"name": "probe", "x": 0, "y": 0, "width": width, "height": height}]}),
        encoding="utf-8",
    )
    shots = Path(os.environ.get("IOC_CONSOLE_SHOTS") or tmp_path / "shots")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, str(PROBE), str(data_dir), str(shots), theme],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert (shots / f"window-report-{width}x{height}-{theme}.png").is_file()
    return result


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_small_screen_opens_maximised_with_the_status_bar_on_it(
    tmp_path: Path, demo_data_dir: Path, theme: str
) -> None:
    result = _probe(tmp_path, demo_data_dir, 1366, 768, theme)
    opened = result["opened"]
    assert opened["maximized"] and opened["window"][0] >= 1366 - 8 and opened["window"][1] >= 768 - 8
    assert opened["status_bar_bottom"] <= 768
    assert opened["title"].count("IOC Console") == 1, opened["title"]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_wide_screen_gives_the_map_the_room_not_an_empty_details_pane(
    tmp_path: Path, demo_data_dir: Path, theme: str
) -> None:
    result = _probe(tmp_path, demo_data_dir, 1920, 1080, theme)
    assert not result["opened"]["maximized"]  # 1366×768 fits: the window keeps its size
    wide = result["maximised"]
    assert wide["maximized"] and wide["window"][0] >= 1920 - 8
    # Shared out for the new width: the map beside the queue is wider than the details.
    assert wide["map"] >= 0.3 * 1920 > wide["detail"], wide
    assert wide["queue"] >= 0.4 * 1920, wide
    assert wide["title"].count("IOC Console") == 1, wide["title"]

"""``ioc-hub calendar``: holidays of a year and a reply deadline, from the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ioc_console.hub.cli import main
from ioc_console.resources import default_pack_path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_holidays_of_2025(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["calendar", "holidays", "2025"], capsys)
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    # Vietnamese heading first, English after it; then the non-working weekdays in date order.
    assert lines[0].startswith("Ngày nghỉ rơi vào ngày thường")
    assert "Non-working weekdays in 2025: 12" in lines[0]
    weekdays = [line.split()[0] for line in lines[1:13]]
    assert weekdays == [
        "2025-01-01",
        "2025-01-27",
        "2025-01-28",
        "2025-01-29",
        "2025-01-30",
        "2025-01-31",
        "2025-04-07",
        "2025-04-30",
        "2025-05-01",
        "2025-05-02",
        "2025-09-01",
        "2025-09-02",
    ]
    assert "Thứ Sáu (Fri)" in lines[10] and "2025-05-02" in lines[10]
    assert "Quốc khánh — National Day" in lines[11]
    assert lines[13] == ""
    assert lines[14].startswith("Ngày làm việc rơi vào cuối tuần")
    assert "Working weekend days in 2025: 1" in lines[14]
    assert lines[15].split()[:3] == ["2025-04-26", "Thứ", "Bảy"]
    assert "Làm việc bù cho ngày nghỉ 02/05/2025" in lines[15]
    assert len(lines) == 16


def test_holidays_of_2026_show_the_national_day_swap(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["calendar", "holidays", "2026"], capsys)
    assert code == 0
    dates = [line.split()[0] for line in out.splitlines() if line.startswith("  20")]
    for day in ("2026-02-16", "2026-02-20", "2026-08-31", "2026-09-01", "2026-09-02", "2026-08-22"):
        assert day in dates
    assert "2026-02-13" not in dates


@pytest.mark.parametrize(
    ("argv", "due"),
    [
        # Fri 25 Apr 2025: 1 Sat 26 (worked), 2 Mon 28, 3 Tue 29, 4 Mon 5, 5 Tue 6, 6 Wed 7 May.
        (["2025-04-25T10:00"], "2025-05-07T17:00:00+07:00"),
        (["2025-04-25T10:00", "--working-days", "1"], "2025-04-26T17:00:00+07:00"),
        # 03:00 UTC on Fri 24 Jan is 10:00 in Vietnam: Tết, then 1 Mon 3 … 6 Mon 10 Feb.
        (["2025-01-24T03:00:00Z"], "2025-02-10T17:00:00+07:00"),
        # Fri 13 Feb 2026 at night: Tết 2026, then 1 Mon 23 Feb … 6 Mon 2 Mar.
        (["2026-02-13T22:15", "-n", "6"], "2026-03-02T17:00:00+07:00"),
        # A date alone is the start of that day: Fri 29 Aug 2025, National Day 1–2 Sep,
        # 1 Wed 3 … 6 Wed 10 Sep.
        (["2025-08-29"], "2025-09-10T17:00:00+07:00"),
    ],
)
def test_deadline(argv: list[str], due: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["calendar", "deadline", *argv], capsys)
    assert (code, out, err) == (0, due + "\n", "")


def copy_pack(tmp_path: Path, **changes: object) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(default_pack_path(), folder)
    meta = json.loads((folder / "pack.json").read_text(encoding="utf-8"))
    meta.update(changes)
    (folder / "pack.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return folder


def test_deadline_reads_the_packs_policy_and_overrides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meta = json.loads((default_pack_path() / "pack.json").read_text(encoding="utf-8"))
    policy = dict(meta["deadline_policy"], reply_working_days=5)
    pack = copy_pack(
        tmp_path,
        deadline_policy=policy,
        office_hours={"start": "07:00", "end": "16:30"},
        calendar_overrides=[{"day": "2025-03-12", "working": False, "note": "Nghỉ theo quyết định của tỉnh"}],
    )
    # Mon 10 Mar 2025, 5 days: 1 Tue 11, (Wed 12 off by the pack), 2 Thu 13, 3 Fri 14, 4 Mon 17,
    # 5 Tue 18, at the pack's closing time 16:30.
    code, out, _ = run(["calendar", "deadline", "2025-03-10T09:00", "--pack", str(pack)], capsys)
    assert (code, out) == (0, "2025-03-18T16:30:00+07:00\n")
    code, out, _ = run(["calendar", "holidays", "2025", "--pack", str(pack)], capsys)
    assert code == 0
    assert "2025-03-12  Thứ Tư (Wed)     Nghỉ theo quyết định của tỉnh" in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["deadline", "2025-13-45"], "«2025-13-45» không phải là thời điểm ISO 8601"),
        (["deadline", "hôm qua"], "“hôm qua” is not an ISO 8601 date-time"),
        (["deadline", "2025-03-10", "--working-days", "0"], "Số ngày làm việc phải từ 1 trở lên"),
        (["deadline", "1850-03-10"], "outside the supported range"),
        (["holidays", "năm nay"], "«năm nay» không phải là một năm."),
        (["holidays", "1990"], "Năm 1990 nằm ngoài khoảng lịch hỗ trợ (2000–2100)."),
        (["holidays", "2025", "--pack", "/no/such/pack"], "Không đọc được gói dữ liệu «/no/such/pack»"),
    ],
)
def test_bad_input_gets_a_clear_message_and_code_2(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["calendar", *argv], capsys)
    assert code == 2
    assert out == ""
    assert words in err
    assert err.startswith("Lỗi: ")  # Vietnamese first
    assert "\nError: " in err
    assert "Traceback" not in err


def test_broken_pack_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = copy_pack(tmp_path, timezone="Mars/Olympus_Mons")
    code, _, err = run(["calendar", "deadline", "2025-03-10T09:00", "--pack", str(pack)], capsys)
    assert code == 2
    assert "pack.json" in err and "timezone" in err and "Mars/Olympus_Mons" in err


def test_argparse_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["calendar", "deadline", "2025-03-10", "--working-days", "two"])
    assert caught.value.code == 2
    assert "không phải là số nguyên" in capsys.readouterr().err


def test_installed_command() -> None:
    command = Path(sys.executable).parent / "ioc-hub"
    done = subprocess.run(
        [str(command), "calendar", "deadline", "2026-08-28T10:00"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    # Fri 28 Aug 2026: 29–30 weekend, 31 Aug swapped, 1–2 Sep National Day; 1 Thu 3, 2 Fri 4,
    # 3 Mon 7, 4 Tue 8, 5 Wed 9, 6 Thu 10 Sep.
    assert (done.returncode, done.stdout, done.stderr) == (0, "2026-09-10T17:00:00+07:00\n", "")
    bad = subprocess.run(
        [str(command), "calendar", "deadline", "not-a-date"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert "not-a-date" in bad.stderr

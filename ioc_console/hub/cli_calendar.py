"""``ioc-hub calendar``: check the working calendar and deadlines from the command line.

``ioc-hub calendar holidays YEAR`` lists the weekdays that are not worked and the weekend days that
are; ``ioc-hub calendar deadline RECEIVED [--working-days N]`` prints the reply deadline of a report
received at RECEIVED. Both read the jurisdiction pack (``--pack``, the demo pack by default) for
its time zone, office hours, calendar overrides and deadline policy.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from ioc_console.domain.calendar import MAX_YEAR, MIN_YEAR, WorkingCalendar, weekday_name
from ioc_console.domain.jurisdiction import DeadlinePolicy, PackError, load_pack
from ioc_console.resources import default_pack_path

EXIT_USAGE = 2


class _CliError(Exception):
    """A problem with the user's input, reported in both languages with exit code 2."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi = vi
        self.en = en


def _load(pack: str | None) -> tuple[WorkingCalendar, DeadlinePolicy]:
    """The calendar and deadline policy of the pack at ``pack`` (the demo pack by default)."""
    path = Path(pack) if pack is not None else default_pack_path()
    try:
        jurisdiction = load_pack(path)
    except PackError as error:
        raise _CliError(
            f"Không đọc được gói dữ liệu «{path}»: {error.message('vi')}",
            f"Cannot read the pack “{path}”: {error.message('en')}",
        ) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise _CliError(
            f"Không đọc được gói dữ liệu «{path}»: {reason}",
            f"Cannot read the pack “{path}”: {reason}",
        ) from None
    return WorkingCalendar.for_jurisdiction(jurisdiction), jurisdiction.policy


def _fail(error: _CliError, err: TextIO) -> int:
    print(f"Lỗi: {error.vi}", file=err)
    print(f"Error: {error.en}", file=err)
    return EXIT_USAGE


def _parse_year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise _CliError(f"«{text}» không phải là một năm.", f"“{text}” is not a year.") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _CliError(
            f"Năm {year} nằm ngoài khoảng lịch hỗ trợ ({MIN_YEAR}–{MAX_YEAR}).",
            f"The year {year} is outside the supported range ({MIN_YEAR}–{MAX_YEAR}).",
        )
    return year


def _parse_received(text: str, calendar: WorkingCalendar) -> datetime:
    try:
        received = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _CliError(
            f"«{text}» không phải là thời điểm ISO 8601 (ví dụ 2025-04-25T10:30 hoặc 2025-04-25T10:30+07:00).",
            f"“{text}” is not an ISO 8601 date-time (e.g. 2025-04-25T10:30 or 2025-04-25T10:30+07:00).",
        ) from None
    if received.tzinfo is None:
        received = received.replace(tzinfo=calendar.tz)
    local_year = received.astimezone(calendar.tz).year
    if not MIN_YEAR <= local_year <= MAX_YEAR - 1:
        raise _CliError(
            f"Năm {local_year} nằm ngoài khoảng lịch hỗ trợ ({MIN_YEAR}–{MAX_YEAR - 1}).",
            f"The year {local_year} is outside the supported range ({MIN_YEAR}–{MAX_YEAR - 1}).",
        )
    return received


def _cmd_holidays(args: argparse.Namespace) -> int:
    out: TextIO = sys.stdout
    try:
        year = _parse_year(args.year)
        calendar, _ = _load(args.pack)
    except _CliError as error:
        return _fail(error, sys.stderr)
    sections = (
        (
            f"Ngày nghỉ rơi vào ngày thường (thứ Hai – thứ Sáu) năm {year}",
            f"Non-working weekdays in {year}",
            calendar.non_working_weekdays(year, "vi"),
            calendar.non_working_weekdays(year, "en"),
        ),
        (
            f"Ngày làm việc rơi vào cuối tuần (thứ Bảy, Chủ Nhật) năm {year}",
            f"Working weekend days in {year}",
            calendar.working_weekend_days(year, "vi"),
            calendar.working_weekend_days(year, "en"),
        ),
    )
    first = True
    for heading_vi, heading_en, rows_vi, rows_en in sections:
        if not first:
            print(file=out)
        first = False
        print(f"{heading_vi} / {heading_en}: {len(rows_vi)}", file=out)
        if not rows_vi:
            print("  (không có / none)", file=out)
        for (day, name_vi), (_, name_en) in zip(rows_vi, rows_en, strict=True):
            weekday = f"{weekday_name(day, 'vi')} ({weekday_name(day, 'en')[:3]})"
            name = name_vi if name_vi == name_en or not name_en else f"{name_vi} — {name_en}"
            print(f"  {day.isoformat()}  {weekday:<16} {name}", file=out)
    return 0


def _cmd_deadline(args: argparse.Namespace) -> int:
    try:
        calendar, policy = _load(args.pack)
        received = _parse_received(args.received, calendar)
        days = policy.reply_working_days if args.working_days is None else args.working_days
        if days < 1:
            raise _CliError(
                f"Số ngày làm việc phải từ 1 trở lên (đã cho {days}).",
                f"The number of working days must be 1 or more (got {days}).",
            )
    except _CliError as error:
        return _fail(error, sys.stderr)
    due = calendar.reply_deadline(received, days)
    print(due.isoformat(), file=sys.stdout)
    return 0


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"«{text}» không phải là số nguyên / “{text}” is not a whole number"
        ) from None


def register(subparsers: Any) -> None:
    """Add ``calendar holidays`` and ``calendar deadline`` to the ``ioc-hub`` parser."""
    calendar = subparsers.add_parser(
        "calendar",
        help="lịch làm việc và thời hạn / working calendar and deadlines",
        description="Lịch làm việc của cơ quan nhà nước và thời hạn trả lời / "
        "The public sector's working calendar and reply deadlines",
    )
    commands = calendar.add_subparsers(dest="calendar_command", required=True)

    holidays = commands.add_parser(
        "holidays",
        help="ngày nghỉ và ngày làm bù trong năm / days off and working weekend days of a year",
    )
    holidays.add_argument("year", metavar="YEAR", help="năm, ví dụ 2025 / the year, e.g. 2025")
    holidays.add_argument("--pack", metavar="PATH", help="thư mục gói dữ liệu / jurisdiction pack folder")
    holidays.set_defaults(handler=_cmd_holidays)

    deadline = commands.add_parser(
        "deadline",
        help="hạn trả lời cho một thời điểm tiếp nhận / reply deadline for a receipt time",
    )
    deadline.add_argument(
        "received",
        metavar="RECEIVED",
        help="thời điểm tiếp nhận ISO 8601; không ghi múi giờ thì theo giờ địa phương / "
        "receipt time in ISO 8601; without an offset it is local time",
    )
    deadline.add_argument(
        "--working-days",
        "-n",
        type=_whole_number,
        metavar="N",
        help="số ngày làm việc (mặc định theo chính sách của gói) / working days (default: the pack's policy)",
    )
    deadline.add_argument("--pack", metavar="PATH", help="thư mục gói dữ liệu / jurisdiction pack folder")
    deadline.set_defaults(handler=_cmd_deadline)

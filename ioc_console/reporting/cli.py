"""``ioc-hub``, with ``ioc-hub report handover | monthly``: printed reports from the hub's database.

``ioc-hub report handover --from 2026-12-05T17:30 --to 2026-12-06T01:30 --out giao-ca.pdf`` and
``ioc-hub report monthly --month 2026-11 --out bao-cao.xlsx`` need no console and no display: for a
scheduled run on the hub's machine. Times without an offset are the jurisdiction's (Vietnam) time.
Without ``--out`` (or with a folder) the file is named after its shift or month
(``giao-ca-2026-12-05-1730-0130.pdf``, ``bao-cao-thang-2026-11.pdf``). Every refusal is said in
Vietnamese and English; the exit code is 2 for a wrong argument and 1 for a database or a file that
cannot be used.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ioc_console.exports import ExportError, handover_file_name, monthly_file_name
from ioc_console.hub import cli as hub_cli
from ioc_console.hub.cli_server import add_db_option, db_url_of
from ioc_console.hub.db import DatabaseError
from ioc_console.hub.settings import utc_now
from ioc_console.reporting import Written, handover_from_hub, monthly_from_hub
from ioc_console.store.statistics import TZ, Period

EXIT_USAGE = 2
#: The default shift: the eight hours before ``--to``.
SHIFT = timedelta(hours=8)
_SUFFIXES = {"handover": (".pdf", ".xlsx", ".csv"), "monthly": (".pdf", ".xlsx")}


class _Refused(Exception):
    def __init__(self, vi: str, en: str, code: int = EXIT_USAGE) -> None:
        super().__init__(en)
        self.vi, self.en, self.code = vi, en, code


def _moment(text: str, what: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _Refused(
            f"{what} «{text}» không phải là thời điểm ISO 8601 (ví dụ 2026-12-05T17:30).",
            f"{what} “{text}” is not an ISO 8601 date-time (e.g. 2026-12-05T17:30).",
        ) from None
    return value.replace(tzinfo=TZ) if value.tzinfo is None else value


def _month(text: str) -> tuple[int, int]:
    found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise _Refused(
            f"«{text}» không phải là một tháng dạng NĂM-THÁNG (ví dụ 2026-11).",
            f"“{text}” is not a month as YEAR-MONTH (e.g. 2026-11).",
        )
    return int(found.group(1)), int(found.group(2))


def _target(out: str | None, default_name: str, kind: str) -> Path:
    path = Path(out) if out else Path(default_name)
    if out and path.is_dir():
        path = path / default_name
    if path.suffix.lower() not in _SUFFIXES[kind]:
        allowed = ", ".join(_SUFFIXES[kind])
        raise _Refused(
            f"Không hỗ trợ định dạng «{path.suffix or path.name}»; hãy đặt tên tệp đuôi {allowed}.",
            f"The format “{path.suffix or path.name}” is not supported; name the file {allowed}.",
        )
    return path


def _run(make: Callable[[], Written]) -> int:
    try:
        written = make()
    except ExportError as error:
        raise _Refused(error.message("vi"), error.message("en"), 1) from None
    except (DatabaseError, SQLAlchemyError, OSError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise _Refused(
            f"Không đọc được cơ sở dữ liệu của máy chủ: {detail}",
            f"Cannot read the hub's database: {detail}",
            1,
        ) from None
    print(f"{written.path} ({written.reports} phản ánh / reports)")
    return 0


def _handover(args: argparse.Namespace) -> int:
    now = utc_now()
    end = _moment(args.to, "--to") if args.to else now
    start = _moment(args.start, "--from") if args.start else end - SHIFT
    if end <= start:
        raise _Refused(
            "Thời điểm kết thúc ca (--to) phải sau thời điểm bắt đầu (--from).",
            "The shift's end (--to) must be after its start (--from).",
        )
    # A shift is reported up to now at most (the report says so): never "made" before its end.
    period = Period(start, min(end, max(start, now)))
    out = _target(args.out, handover_file_name(period, ".pdf"), "handover")
    url = db_url_of(args)
    return _run(lambda: handover_from_hub(url, period, now, out))


def _monthly(args: argparse.Namespace) -> int:
    year, month = _month(args.month)
    out = _target(args.out, monthly_file_name(year, month, ".pdf"), "monthly")
    url, now = db_url_of(args), utc_now()
    return _run(lambda: monthly_from_hub(url, year, month, now, out))


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except _Refused as refused:
            print(f"Lỗi: {refused.vi}", file=sys.stderr)
            print(f"Error: {refused.en}", file=sys.stderr)
            return refused.code

    return run


def register(subparsers: Any) -> None:
    """Add ``report handover`` and ``report monthly`` to the ``ioc-hub`` parser."""
    report = subparsers.add_parser(
        "report",
        help="báo cáo in từ cơ sở dữ liệu của máy chủ / printed reports from the hub's database",
        description="Báo cáo giao ca và báo cáo tháng (PDF hoặc Excel) / "
        "The shift handover and the monthly report (PDF or Excel)",
    )
    commands = report.add_subparsers(dest="report_command", required=True)
    handover = commands.add_parser(
        "handover",
        help="báo cáo giao ca / the shift handover",
        description="Báo cáo giao ca: phản ánh tiếp nhận, việc đã làm, phản ánh quá hạn / "
        "The shift handover: what came in, what was done, what is late",
    )
    handover.add_argument(
        "--from",
        dest="start",
        metavar="TIME",
        help="đầu ca, ISO 8601, giờ Việt Nam nếu không ghi múi giờ (mặc định: 8 giờ trước --to) / "
        "the shift's start (default: 8 hours before --to)",
    )
    handover.add_argument(
        "--to", metavar="TIME", help="cuối ca (mặc định: bây giờ) / the shift's end (default: now)"
    )
    handover.add_argument(
        "--out",
        metavar="FILE",
        help="tệp .pdf, .xlsx hoặc .csv, hoặc một thư mục / a .pdf, .xlsx or .csv file, or a folder",
    )
    add_db_option(handover)
    handover.set_defaults(handler=_guarded(_handover))
    monthly = commands.add_parser(
        "monthly",
        help="báo cáo tháng / the monthly report",
        description="Báo cáo tình hình tiếp nhận, xử lý phản ánh trong tháng / The month's report",
    )
    monthly.add_argument("--month", required=True, metavar="YYYY-MM", help="tháng / the month, e.g. 2026-11")
    monthly.add_argument(
        "--out",
        metavar="FILE",
        help="tệp .pdf hoặc .xlsx, hoặc một thư mục / a .pdf or .xlsx file, or a folder",
    )
    add_db_option(monthly)
    monthly.set_defaults(handler=_guarded(_monthly))


def main(argv: Sequence[str] | None = None) -> int:
    """``ioc-hub``: the hub's commands and ``report``."""
    return hub_cli.main(argv, extra=(register,))


if __name__ == "__main__":
    sys.exit(main())

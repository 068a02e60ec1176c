"""``ioc-console``: the console's entry point (``python -m ioc_console``).

Parses the command line and hands over to the composition root in :mod:`ioc_console.gui.app`;
Qt is imported only after the arguments are read, so ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="ioc-console",
        description="IOC Console — Phản ánh hiện trường (field reports console).",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="mở dữ liệu mẫu của tỉnh Ninh Thuận / open the demo province's data",
    )
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        default=None,
        help="ngôn ngữ giao diện / interface language (mặc định/default: vi; env IOC_CONSOLE_LANG)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="thư mục dữ liệu / data folder (default: the user's application data folder)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="ghi nhật ký chi tiết / verbose log")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.demo:
        # Until the hub exists, the demo's local store is the only data the console can open.
        logging.getLogger("ioc_console").info("no hub configured yet: opening the demo data")

    from ioc_console.gui.app import Options, run

    return run(Options(demo=True, lang=args.lang, data_dir=args.data_dir), [sys.argv[0]], started=STARTED)


if __name__ == "__main__":
    sys.exit(main())

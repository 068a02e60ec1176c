"""``ioc-console``: the console's entry point (``python -m ioc_console``).

Parses the command line and hands over to the composition root in :mod:`ioc_console.gui.app`;
Qt is imported only after the arguments are read, so ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
import time
from pathlib import Path

from ioc_console import __version__

STARTED = time.perf_counter()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="ioc-console",
        description="IOC Console — Phản ánh hiện trường (field reports console).",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--demo",
        action="store_true",
        help=(
            "máy chủ mẫu của tỉnh Ninh Thuận chạy ngay trong chương trình, có phản ánh mới đến trực tiếp / "
            "run the demo province's hub in-process, with citizens' reports arriving live"
        ),
    )
    where.add_argument(
        "--hub",
        metavar="URL",
        default=None,
        help="địa chỉ máy chủ IOC / the IOC hub's address (https://…); default: the last hub used",
    )
    where.add_argument(
        "--offline-demo",
        action="store_true",
        help="dữ liệu mẫu trên máy, không có máy chủ / the demo data on this machine, without a hub",
    )
    parser.add_argument(
        "--ca-bundle",
        type=Path,
        default=None,
        help="tệp chứng chỉ gốc của tổ chức / the organisation's CA bundle (PEM) for the hub's TLS",
    )
    parser.add_argument(
        "--feed-rate",
        type=float,
        default=None,
        metavar="PER_MINUTE",
        help="số phản ánh mới mỗi phút của máy chủ mẫu (0: tắt) / new reports a minute in the demo (0: off)",
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
    parser.add_argument(
        "--wall",
        action="store_true",
        help="màn hình tổng hợp toàn màn hình cho trưởng ca / the full-screen wall display for supervisors",
    )
    parser.add_argument(
        "--screen",
        type=int,
        default=None,
        metavar="N",
        help="màn hình thứ N (đếm từ 1) cho --wall / the screen (counted from 1) for --wall",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="ghi nhật ký chi tiết / verbose log")
    parser.add_argument("--version", action="version", version=f"IOC Console {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=(
            "tự kiểm tra rồi thoát: mở máy chủ mẫu không cần màn hình, vẽ bản đồ, nhận một phản ánh mới / "
            "check this install and exit: the embedded demo offscreen, the map drawn, one live report"
        ),
    )
    return parser.parse_args(argv)


def _ca_bundle_problem(path: Path) -> str | None:
    """Why ``--ca-bundle`` cannot be used, in both languages (None when it can): a file that is not
    PEM certificates is refused here, before any window or connection is made of it."""
    import ssl

    from ioc_console.sync.client import tls_context

    try:
        tls_context(path)
    except (ssl.SSLError, OSError) as error:
        return (
            f"tệp chứng chỉ {path} không dùng được ({error}) / "
            f"the CA bundle {path} cannot be used ({error})"
        )
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.ca_bundle is not None:
        problem = _ca_bundle_problem(args.ca_bundle)
        if problem is not None:
            print(f"ioc-console: {problem}", file=sys.stderr)
            return 2
    if args.self_test:
        from ioc_console.gui.self_test import run_self_test

        code = run_self_test(data_dir=args.data_dir, lang=args.lang)
        # The verdict is in: end here, before the interpreter's own teardown of Qt and QtWebEngine
        # (which can crash a frozen build after everything was checked).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    from ioc_console import site_file

    site, site_problem = None, None
    if not (args.demo or args.offline_demo):
        try:
            site = site_file.find()
        except site_file.SiteFileError as error:
            site_problem = error
            logging.getLogger("ioc_console").warning("%s", error.message("en"))
    from ioc_console.gui.app import AUTO, EMBEDDED_DEMO, HUB, LOCAL_DEMO, Options, run

    if args.offline_demo:
        source = LOCAL_DEMO
    elif args.demo:
        source = EMBEDDED_DEMO
    elif args.hub:
        source = HUB
    else:
        source = AUTO  # the last hub used, or the embedded demo on a first start
    options = Options(
        demo=source != HUB,
        lang=args.lang,
        data_dir=args.data_dir,
        source=source,
        hub_url=args.hub,
        ca_bundle=args.ca_bundle,
        feed_rate=args.feed_rate,
        wall=args.wall,
        screen=args.screen,
        site=site,
        site_problem=site_problem,
    )
    return run(options, [sys.argv[0]], started=STARTED)


if __name__ == "__main__":
    # A frozen build starts its first sync's decoding process (a fresh interpreter) through this
    # same executable: freeze_support() makes that start run the process's work, not the console.
    multiprocessing.freeze_support()
    sys.exit(main())

"""``python -m ioc_console.demo``: the embedded demo hub and its citizen feed without a console.

For a second console on the same demo (``ioc-console --hub URL``), or a look at the hub's APIs. The
hub is the one ``ioc-console --demo`` builds in its data folder (the same files, built on the first
run), served on loopback until interrupted (Ctrl+C). It names its demo accounts (operator,
supervisor, agency liaisons), which share one password. The demo staff's password is in
``demo-hub.json`` beside the database, readable by the user only; it is not printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path

from ioc_console.demo.embedded import OPERATOR, SUPERVISOR, DemoHubError, EmbeddedHub
from ioc_console.demo.simulator import DEFAULT_RATE, CitizenFeed


async def _serve(hub: EmbeddedHub, rate: float) -> None:
    feed = CitizenFeed.for_hub(hub, rate_per_minute=rate) if rate > 0 else None
    if feed is not None:
        feed.start()
    try:
        await asyncio.Event().wait()  # until interrupted
    finally:
        if feed is not None:
            await feed.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ioc_console.demo",
        description="Máy chủ mẫu và luồng phản ánh mô phỏng / the demo hub and its simulated citizen feed",
    )
    parser.add_argument("--data-dir", type=Path, required=True, help="thư mục dữ liệu / data folder")
    parser.add_argument("--port", type=int, default=None, help="cổng trên 127.0.0.1 / loopback port")
    parser.add_argument(
        "--feed-rate",
        type=float,
        default=DEFAULT_RATE,
        help="phản ánh mới mỗi phút, 0: không có / new reports a minute, 0 for none",
    )
    parser.add_argument("--count", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    args = parser.parse_args(argv)
    hub = EmbeddedHub(args.data_dir, count=args.count, port=args.port)
    try:
        hub.start()
    except DemoHubError as error:
        print(f"ioc-demo: {error.message(args.lang)}", file=sys.stderr)
        return 2
    try:
        print(f"Máy chủ mẫu / demo hub: {hub.url}", flush=True)
        print(
            f"Người trực / operator: {OPERATOR[0]} (mật khẩu / password: {hub.secrets_path})",
            flush=True,
        )
        print(f"Trưởng ca / supervisor: {SUPERVISOR[0]}", flush=True)
        for user, agency in sorted(hub.secrets.liaisons.items()):
            print(f"Liên lạc đơn vị / agency liaison: {user} ({agency})", flush=True)
        print("Mọi tài khoản mẫu dùng chung mật khẩu đó / every demo account has that password", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve(hub, args.feed_rate))
    finally:
        hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

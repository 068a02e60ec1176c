"""``ioc-hub``: the hub's command line. Each command group registers itself on the parser."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    from ioc_console.hub import cli_backup, cli_calendar, cli_import, cli_server

    parser = argparse.ArgumentParser(prog="ioc-hub", description="IOC hub: server and administration")
    commands = parser.add_subparsers(dest="command", required=True)
    cli_calendar.register(commands)
    cli_server.register(commands)
    cli_import.register(commands)
    cli_backup.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from ioc_console.hub.settings import SettingsError

    handler = args.handler
    try:
        result: int = handler(args)
    except SettingsError as error:
        print(f"ioc-hub: cấu hình sai / bad setting: {error}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())

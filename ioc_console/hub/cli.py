"""``ioc-hub``: the hub's command line. Each command group registers itself on the parser."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    from ioc_console.hub import cli_calendar, cli_import, cli_server

    parser = argparse.ArgumentParser(prog="ioc-hub", description="IOC hub: server and administration")
    commands = parser.add_subparsers(dest="command", required=True)
    cli_calendar.register(commands)
    cli_server.register(commands)
    cli_import.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())

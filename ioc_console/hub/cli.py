"""``ioc-hub``: the hub's command line. Each command group registers itself on the parser.

Command groups that need more than the hub (``ioc-hub report``, which computes with the console's
store) register from outside it: the ``ioc-hub`` entry point passes them as ``extra``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

#: Registers a command group on the ``ioc-hub`` subparsers.
Registrar = Callable[[Any], None]


def build_parser(extra: Sequence[Registrar] = ()) -> argparse.ArgumentParser:
    from ioc_console.hub import cli_backup, cli_calendar, cli_import, cli_server

    parser = argparse.ArgumentParser(prog="ioc-hub", description="IOC hub: server and administration")
    commands = parser.add_subparsers(dest="command", required=True)
    cli_calendar.register(commands)
    cli_server.register(commands)
    cli_import.register(commands)
    cli_backup.register(commands)
    for register in extra:
        register(commands)
    return parser


def main(argv: Sequence[str] | None = None, *, extra: Sequence[Registrar] = ()) -> int:
    parser = build_parser(extra)
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

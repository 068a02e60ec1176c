"""``ioc-hub init | serve | user add | channel add``: setting up and running the hub."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from ioc_console.domain.errors import DomainError
from ioc_console.domain.jurisdiction import PackError
from ioc_console.domain.lifecycle import Channel, Role
from ioc_console.hub.db import Database, DatabaseError
from ioc_console.hub.errors import HubError
from ioc_console.hub.jurisdiction_store import PackHolder, install_pack
from ioc_console.hub.service import STAFF_ROLES, HubService
from ioc_console.hub.settings import (
    LOG_FORMATS,
    LOG_LEVELS,
    HubSettings,
    SettingsError,
    load_settings,
    utc_now,
)
from ioc_console.resources import default_pack_path


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=None,
        help="database URL: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB "
        "(default: database_url of the settings, else hub.sqlite3 in the user's data folder)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="TOML settings file (default: $IOC_HUB_CONFIG); $IOC_HUB_<SETTING> variables override it",
    )


def hub_settings(args: argparse.Namespace, **overrides: Any) -> HubSettings:
    """The settings of a command: its file and the environment, then its options (see ``docs/``)."""
    return load_settings(getattr(args, "config", None), database_url=getattr(args, "db", None), **overrides)


def db_url_of(args: argparse.Namespace) -> str:
    return hub_settings(args).database_url


def fail(message: str) -> int:
    print(f"ioc-hub: {message}", file=sys.stderr)
    return 1


def _service(url: str) -> HubService:
    db = Database(url, pool_size=2)
    try:
        db.check_schema()
        packs = PackHolder()
        with db.read() as conn:
            packs.load(conn)
    except BaseException:
        db.dispose()
        raise
    return HubService(HubSettings(database_url=url), db, packs)


def cmd_init(args: argparse.Namespace) -> int:
    url = db_url_of(args)
    db = Database(url, pool_size=2)
    try:
        db.migrate()
        from ioc_console.hub.db import latest_pack

        with db.read() as conn:
            stored = latest_pack(conn)
        pack = Path(args.pack) if args.pack else (None if stored is not None else default_pack_path())
        if pack is not None:
            j = install_pack(db, pack, by=getpass.getuser(), at=utc_now())
            print(f"Đã nạp địa bàn / jurisdiction loaded: {j.name} ({j.id})")
        print(f"Cơ sở dữ liệu sẵn sàng / database ready: {db.safe_url}")
    except PackError as error:
        return fail(error.message("vi") + "\n" + error.message("en"))
    except DatabaseError as error:
        return fail(str(error))
    finally:
        db.dispose()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ioc_console.hub.server import serve

    try:
        settings = hub_settings(
            args,
            host=args.host,
            port=args.port,
            public_url=args.public_url,
            log_level=args.log_level,
            log_format=args.log_format,
            access_log=args.access_log or None,
        )
    except SettingsError as error:
        return fail(str(error))
    url = settings.database_url
    db = Database(url, pool_size=1)
    try:
        db.check_schema()
    except DatabaseError as error:
        return fail(str(error))
    finally:
        db.dispose()
    print(
        f"IOC hub: http://{settings.host}:{settings.port}/open311/v2/discovery.json ({db.safe_url})",
        flush=True,
    )
    serve(settings)
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu / password: ")
    second = getpass.getpass("Nhập lại / again: ")
    if first != second:
        raise ValueError("the two passwords differ")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    service: HubService | None = None
    try:
        service = _service(db_url_of(args))
        password = _read_password(args)
        user = service.add_user(
            args.name, Role(args.role), args.agency, password, display_name=args.display_name
        )
    except (DatabaseError, ValueError) as error:
        return fail(str(error))
    except (DomainError, HubError) as error:
        return fail(error.message("vi") + " / " + error.message("en"))
    finally:
        if service is not None:
            service.db.dispose()
    print(
        f"Đã tạo người dùng / user created: {user['name']} ({user['role']}{', ' + user['agency'] if user['agency'] else ''})"
    )
    return 0


def cmd_channel_add(args: argparse.Namespace) -> int:
    service: HubService | None = None
    try:
        service = _service(db_url_of(args))
        kind = (
            Channel(args.kind)
            if args.kind
            else (Channel(args.name) if args.name in {c.value for c in Channel} else Channel.WEB)
        )
        channel = service.add_channel(args.name, kind)
    except (DatabaseError, ValueError) as error:
        return fail(str(error))
    except (DomainError, HubError) as error:
        return fail(error.message("vi") + " / " + error.message("en"))
    finally:
        if service is not None:
            service.db.dispose()
    print(f"Đã tạo kênh / channel created: {channel['name']} ({channel['kind']})", file=sys.stderr)
    print("Khóa API chỉ hiện một lần / the API key is shown only once:", file=sys.stderr)
    print(channel["api_key"])
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = subparsers.add_parser("init", help="create or upgrade the database and load a jurisdiction pack")
    add_db_option(init)
    init.add_argument("--pack", help="jurisdiction pack folder (default on a new database: the demo pack)")
    init.set_defaults(handler=cmd_init)

    serve = subparsers.add_parser("serve", help="run the hub (Open311, staff API, live events)")
    add_db_option(serve)
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8311)")
    serve.add_argument("--public-url", help="base URL announced in the Open311 discovery document")
    serve.add_argument("--log-level", choices=LOG_LEVELS, help="default info")
    serve.add_argument("--log-format", choices=LOG_FORMATS, help="text (default) or json: one object a line")
    serve.add_argument("--access-log", action="store_true", help="log every request")
    serve.set_defaults(handler=cmd_serve)

    user = subparsers.add_parser("user", help="manage staff users")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="create a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in STAFF_ROLES])
    add.add_argument("--agency", help="agency code (required for a liaison)")
    add.add_argument("--display-name", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add_db_option(add)
    add.set_defaults(handler=cmd_user_add)

    channel = subparsers.add_parser("channel", help="manage citizen channel adapters (Open311 API keys)")
    channel_commands = channel.add_subparsers(dest="channel_command", required=True)
    cadd = channel_commands.add_parser("add", help="create a channel and print its API key once")
    cadd.add_argument("name")
    cadd.add_argument("--kind", choices=[c.value for c in Channel if c is not Channel.HOTLINE])
    add_db_option(cadd)
    cadd.set_defaults(handler=cmd_channel_add)

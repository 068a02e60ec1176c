"""``ioc-hub import open311 URL``: take in the requests of another Open311 GeoReport v2 server.

Examples::

    ioc-hub import open311 https://city.example/open311/v2/requests.xml --db sqlite:///hub.sqlite3 \\
        --service-map sf-map.json --timezone America/Los_Angeles --since 2024-01-01 --once
    ioc-hub import open311 https://city.example/open311/v2 --format json --mode updated --interval 300

Without a service map (and without ``--unmapped``) nothing is stored, but the report lists every
service code seen with its count: a first run that shows what the map must say.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ioc_console.domain.lifecycle import Channel
from ioc_console.hub.db import Database, DatabaseError
from ioc_console.hub.importer.mapping import MapError, ServiceMap
from ioc_console.hub.importer.poller import ImportFailed, ImportReport, Poller, source_from_url
from ioc_console.hub.importer.sink import HubImportSink
from ioc_console.hub.importer.state import ImportState, StateError, default_state_path
from ioc_console.hub.jurisdiction_store import PackHolder
from ioc_console.hub.service import HubService
from ioc_console.hub.settings import HubSettings, default_data_dir, load_settings

#: The exit status of a run that read records it could not store (unreadable, or refused by the hub):
#: they are listed, and read again on the next run.
LEFT_OUT_EXIT = 3


def _fail(message: str) -> int:
    print(f"ioc-hub import: {message}", file=sys.stderr)
    return 1


def _since(raw: str | None, zone: ZoneInfo) -> datetime | None:
    if not raw:
        return None
    try:
        if len(raw) == 10:
            return datetime.combine(date.fromisoformat(raw), time.min, tzinfo=zone)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"--since {raw!r} is not an ISO 8601 date or date and time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _params(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--param {item!r}: use NAME=VALUE")
        out[key] = value
    return out


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


def _print_report(result: ImportReport | ImportFailed) -> None:
    if isinstance(result, ImportFailed):
        for line in result.report.lines():
            print(line)
        print(f"ioc-hub import: dừng / stopped: {result}", file=sys.stderr)
    else:
        for line in result.lines():
            print(line)
    sys.stdout.flush()


def cmd_import_open311(args: argparse.Namespace) -> int:
    try:
        zone = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return _fail(f"--timezone {args.timezone!r} is not a time zone name (e.g. Asia/Ho_Chi_Minh)")
    try:
        since = _since(args.since, zone)
        service_map = ServiceMap.load(Path(args.service_map)) if args.service_map else ServiceMap()
        if args.unmapped is not None:
            service_map = service_map.with_unmapped(None if args.unmapped == "skip" else args.unmapped)
        source = source_from_url(
            args.url,
            name=args.source,
            fmt=args.format,
            jurisdiction_id=args.jurisdiction_id,
            zone=zone,
            mode=args.mode,
            page_size=args.page_size or None,
            params=_params(args.param),
            retries=args.retries,
        )
    except (ValueError, MapError) as error:
        return _fail(str(error))
    db_url = load_settings(database_url=args.db).database_url
    try:
        service = _service(db_url)
    except DatabaseError as error:
        return _fail(str(error))
    state: ImportState | None = None
    try:
        problems = service_map.problems(service.pack.jurisdiction.categories)
        if problems:
            return _fail(
                "the service map names categories this jurisdiction does not have:\n  "
                + "\n  ".join(problems)
            )
        if not service_map.codes and not service_map.names and service_map.unmapped is None:
            print(
                "Chưa có bảng ánh xạ mã dịch vụ: không lưu phản ánh nào, chỉ liệt kê mã / "
                "no service map: nothing is stored, the codes seen are listed",
                file=sys.stderr,
            )
        state_path = Path(args.state) if args.state else default_state_path(db_url, default_data_dir())
        state = ImportState(state_path)
        sink = HubImportSink(service, state, channel=Channel(args.channel), editor=args.as_user)
        poller = Poller(source, sink, state, service_map)
        if args.interval is None:
            try:
                report = asyncio.run(poller.poll_once(since))
            except ImportFailed as failed:
                _print_report(failed)
                return 1
            _print_report(report)
            if report.record_errors or report.refused:
                # A scheduler must notice: these are read again on the next run.
                return LEFT_OUT_EXIT
            return 0
        asyncio.run(_forever(poller, args.interval, since))
        return 0
    except (StateError, ValueError) as error:
        return _fail(str(error))
    finally:
        if state is not None:
            state.close()
        service.db.dispose()


async def _forever(poller: Poller, interval: float, since: datetime | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await poller.run(interval, _print_report, stop, since)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = subparsers.add_parser("import", help="take in reports from another system")
    kinds = imp.add_subparsers(dest="import_kind", required=True)
    o = kinds.add_parser(
        "open311",
        help="poll an Open311 GeoReport v2 server and take its requests in",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    o.add_argument("url", help="the server's endpoint or its requests address (…/requests.json or .xml)")
    o.add_argument("--db", help="the hub's database URL (default: $IOC_HUB_DB or the user's data folder)")
    o.add_argument("--jurisdiction-id", help="jurisdiction_id sent to the server")
    o.add_argument("--since", help="read from this date or time (ISO 8601) instead of the stored cursor")
    o.add_argument("--format", choices=["json", "xml"], help="default: from the URL, else json")
    o.add_argument("--service-map", help="JSON file mapping the server's service codes to categories")
    o.add_argument("--unmapped", help="category for requests the map does not cover, or 'skip'")
    when = o.add_mutually_exclusive_group()
    when.add_argument("--once", action="store_true", help="poll once and exit (the default)")
    when.add_argument("--interval", type=float, metavar="S", help="poll every S seconds until stopped")
    o.add_argument("--source", help="name of the source (its cursor and links); default: host and path")
    o.add_argument("--timezone", default="UTC", help="zone of the server's times written without one")
    o.add_argument(
        "--mode", choices=["window", "updated"], default="window", help="date windows or updated_after"
    )
    o.add_argument("--page-size", type=int, default=100, help="page_size sent to the server; 0: no paging")
    o.add_argument("--retries", type=int, default=4, help="retries of a failed request")
    o.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="extra query parameter")
    o.add_argument("--state", help="the importer's state file (default: beside a SQLite hub database)")
    o.add_argument(
        "--as-user", help="hub staff account that updates category and location of imported reports"
    )
    o.add_argument(
        "--channel",
        default=Channel.WEB.value,
        choices=[c.value for c in Channel if c is not Channel.HOTLINE],
        help="channel recorded on the imported reports",
    )
    o.set_defaults(handler=cmd_import_open311)

"""``ioc-hub backup | restore``: the hub's database saved to one file and brought back from it."""

from __future__ import annotations

import argparse
from pathlib import Path

from ioc_console.hub.backup import BackupError, Summary, backup, restore
from ioc_console.hub.cli_server import add_db_option, db_url_of, fail
from ioc_console.hub.db import DatabaseError

_METHODS = {
    "sqlite-online-backup": "bản sao SQLite (sao lưu trực tuyến) / SQLite online backup",
    "logical-dump": "bản kết xuất logic các bảng của hub / logical dump of the hub's tables",
    "rows": "nạp lại từng dòng / rows loaded",
}


def _print(summary: Summary) -> None:
    print(f"{_METHODS[summary.method]} (schema {summary.revision})")
    for name in ("users", "reports", "events", "attachments", "audit"):
        print(f"  {name}: {summary.rows.get(name, 0)}")


def cmd_backup(args: argparse.Namespace) -> int:
    url = db_url_of(args)
    try:
        summary = backup(url, Path(args.out))
    except (BackupError, DatabaseError, OSError) as error:
        return fail(f"sao lưu không được / backup failed: {error}")
    except Exception as error:  # the database refused (unreachable, no permission)
        return fail(f"sao lưu không được / backup failed: {str(error).splitlines()[0][:300]}")
    print(f"Đã sao lưu / backed up: {args.out}")
    _print(summary)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    url = db_url_of(args)
    try:
        summary = restore(Path(args.file), url)
    except (BackupError, DatabaseError, OSError) as error:
        return fail(f"khôi phục không được / restore failed: {error}")
    except Exception as error:
        return fail(f"khôi phục không được / restore failed: {str(error).splitlines()[0][:300]}")
    print(f"Đã khôi phục / restored into {url.split('@')[-1]}")
    _print(summary)
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b = subparsers.add_parser(
        "backup",
        help="save the database to one file while the hub runs (SQLite: online backup; PostgreSQL: "
        "a logical dump of the hub's tables)",
    )
    b.add_argument("--out", required=True, help="the backup file to write")
    add_db_option(b)
    b.set_defaults(handler=cmd_backup)
    r = subparsers.add_parser("restore", help="restore a backup into a new, empty database")
    r.add_argument("file", help="a file made by `ioc-hub backup`")
    add_db_option(r)
    r.set_defaults(handler=cmd_restore)

"""The hub's settings: one frozen object handed to :func:`ioc_console.hub.app.create_app`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path


def utc_now() -> datetime:
    return datetime.now(UTC)


def default_data_dir() -> Path:
    """The current user's data folder for IOC Console (the hub's SQLite file lives there)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "IOCConsole"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "IOCConsole"
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "ioc-console"


def default_database_url() -> str:
    return "sqlite:///" + str(default_data_dir() / "hub.sqlite3")


@dataclass(frozen=True)
class HubSettings:
    database_url: str = field(default_factory=default_database_url)
    #: A jurisdiction pack to load into an empty database at start (``ioc-hub init`` is the usual way).
    pack_path: Path | None = None
    token_ttl: timedelta = timedelta(hours=12)
    #: Largest request body accepted anywhere except attachment uploads.
    max_body_bytes: int = 1_000_000
    #: Largest attachment (photo) accepted.
    max_attachment_bytes: int = 10_000_000
    max_attachments_per_report: int = 30
    allowed_attachment_types: tuple[str, ...] = ("image/jpeg", "image/png", "image/webp")
    #: The clock (tests inject a controllable one).
    clock: Callable[[], datetime] = utc_now
    #: How often each process looks for changes committed by any process (live events).
    poll_interval: float = 0.25
    #: A comment line is sent on idle event streams this often, so proxies keep them open.
    heartbeat_interval: float = 15.0
    #: Longest page of the change feed (a console's first sync asks for pages of 5000).
    max_feed_limit: int = 5000
    #: A feed page at least this long is sent gzip-compressed to a client that asks for it (a console
    #: reaching the hub over a network does: a first sync's pages shrink about sixfold); None never.
    feed_gzip_min_bytes: int | None = 64 * 1024
    #: Open311's default window for GET requests without dates (the spec suggests 90 days).
    open311_default_days: int = 90
    open311_max_page_size: int = 1000
    open311_default_page_size: int = 200
    #: The demo hub takes the demo's own photo links (``demo://photo/<seed>.png``) as media URLs.
    demo_media: bool = False
    #: Public base URL used in the discovery document (empty: taken from the request).
    public_url: str = ""
    contact: str = ""
    #: Create or upgrade the schema and load ``pack_path`` (when no pack is stored) at start-up;
    #: the embedded hub of ``ioc-console --demo`` does this, a served hub relies on ``ioc-hub init``.
    auto_init: bool = False
    #: Database connection pool size (PostgreSQL).
    pool_size: int = 10

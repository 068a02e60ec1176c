"""The hub's settings: one frozen object handed to :func:`ioc_console.hub.app.create_app`."""

from __future__ import annotations

import dataclasses
import os
import sys
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from limits import parse

from ioc_console.domain.report import MAX_PHOTO_PIXELS
from ioc_console.domain.versions import parse_version


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
    #: Seconds a client may pause while sending a request's body before it is answered 408.
    client_read_timeout: float = 30.0
    #: A photo's pixel budget (width × height, read from its header before anything decodes it).
    max_photo_pixels: int = MAX_PHOTO_PIXELS
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
    open311_default_page_size: int = 1000
    #: The demo hub takes the demo's own photo links (``demo://photo/<seed>.png``) as media URLs.
    demo_media: bool = False
    #: The demo hub draws the picture behind each of its photos (by attachment id) to store it as an
    #: upload, so that it serves them as any hub serves photos (None: a real hub).
    demo_photos: Callable[[str], bytes] | None = None
    #: Public base URL used in the discovery document (empty: taken from the request).
    public_url: str = ""
    contact: str = ""
    #: Create or upgrade the schema and load ``pack_path`` (when no pack is stored) at start-up;
    #: the embedded hub of ``ioc-console --demo`` does this, a served hub relies on ``ioc-hub init``.
    auto_init: bool = False
    #: Database connection pool size (PostgreSQL).
    pool_size: int = 10
    #: Failed sign-ins allowed per account and per source address (``limits`` notation, e.g.
    #: "5/minute"): each longer window makes a longer wait (see :mod:`ioc_console.hub.throttle`).
    signin_account_limits: tuple[str, ...] = ("5/minute", "10/15 minutes", "30/day")
    signin_address_limits: tuple[str, ...] = ("20/minute", "100/hour", "300/day")
    #: Password checks (Argon2id, 64 MiB and a core each) run at once, at most: well below the
    #: worker threads, so that a burst of sign-ins neither fills the memory nor holds up other requests.
    max_password_checks: int = 2
    #: How long a sign-in waits for a password check before it is told to come back later (seconds).
    password_check_wait: float = 10.0
    #: A burst of failed sign-ins is written to the audit log as one entry once it has been quiet this long.
    signin_burst_quiet: timedelta = timedelta(minutes=10)
    #: The oldest console version served (``0.2.0``); older consoles are told to update. Empty: any.
    oldest_console: str = ""
    #: Where ``ioc-hub serve`` listens.
    host: str = "127.0.0.1"
    port: int = 8311
    #: critical, error, warning, info or debug.
    log_level: str = "info"
    #: ``text`` (for a person at a terminal) or ``json`` (one JSON object a line, for a log collector).
    log_format: str = "text"
    #: Log every request (method, route, status, time; never a body).
    access_log: bool = False
    #: An MBTiles file of raster tiles (PNG, JPEG or WebP) the administrator installs: served to
    #: signed-in consoles (``/api/v1/basemap``) as the basemap of their map, so that every console of
    #: the province has the same map without the internet and without copying files.
    basemap_path: Path | None = None
    #: ``/metrics`` (Prometheus) answers only ``Authorization: Bearer <token>`` when set; when empty it
    #: answers everyone (it carries counts only, no citizen data).
    metrics_token: str = ""


#: Environment variables are named after the field: ``IOC_HUB_`` + its name in capitals.
ENV_PREFIX = "IOC_HUB_"
#: The environment variable naming a TOML settings file (``--config`` wins over it).
CONFIG_ENV = "IOC_HUB_CONFIG"
#: Older name of ``IOC_HUB_DATABASE_URL``, still read.
LEGACY_DB_ENV = "IOC_HUB_DB"
#: Fields that only code sets (tests inject a clock).
NOT_CONFIGURABLE = frozenset({"clock", "demo_photos"})
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
LOG_FORMATS = ("text", "json")


class SettingsError(ValueError):
    """A setting that cannot be used; the message names where it came from."""


def configurable_fields() -> dict[str, Any]:
    """``{name: type}`` of every field a settings file or the environment may set."""
    hints = typing.get_type_hints(HubSettings)
    return {f.name: hints[f.name] for f in dataclasses.fields(HubSettings) if f.name not in NOT_CONFIGURABLE}


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _convert(kind: Any, value: Any, from_text: bool) -> Any:
    """``value`` (a TOML value, or the text of an environment variable) as a value of ``kind``."""
    args = typing.get_args(kind)
    if typing.get_origin(kind) in (typing.Union, types.UnionType) and type(None) in args:
        if value is None or (from_text and str(value).strip().lower() in ("", "none")):
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value, from_text)
    if kind is bool:
        if isinstance(value, bool):
            return value
        if from_text and str(value).strip().lower() in _TRUE | _FALSE:
            return str(value).strip().lower() in _TRUE
        raise SettingsError("expected true or false")
    if kind is int or kind is float:
        if isinstance(value, bool):
            raise SettingsError("expected a number")
        if isinstance(value, int | float) and not from_text:
            if kind is int and not float(value).is_integer():
                raise SettingsError("expected a whole number")
            return kind(value)
        try:
            return kind(str(value).strip())
        except ValueError:
            raise SettingsError("expected a number") from None
    if kind is timedelta:
        seconds = _convert(float, value, from_text)
        if seconds <= 0:
            raise SettingsError("expected a number of seconds above 0")
        return timedelta(seconds=seconds)
    if kind is Path:
        if not isinstance(value, str) or not value.strip():
            raise SettingsError("expected a path")
        return Path(value.strip()).expanduser()
    if typing.get_origin(kind) is tuple:
        items = [v.strip() for v in value.split(",")] if from_text and isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(v, str) for v in items):
            raise SettingsError("expected a list of texts")
        return tuple(v for v in items if v)
    if kind is str:
        if not isinstance(value, str):
            raise SettingsError("expected a text")
        return value
    raise SettingsError(f"cannot be set ({kind})")  # pragma: no cover - a new field of a new type


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("log_level", "info") not in LOG_LEVELS:
        raise SettingsError(f"log_level: expected one of {', '.join(LOG_LEVELS)}")
    if values.get("log_format", "text") not in LOG_FORMATS:
        raise SettingsError(f"log_format: expected one of {', '.join(LOG_FORMATS)}")
    oldest = values.get("oldest_console", "")
    if oldest:
        try:
            parse_version(oldest)
        except ValueError:
            raise SettingsError("oldest_console: expected a version number such as 0.2.0") from None
    for name in (
        "port",
        "pool_size",
        "max_body_bytes",
        "max_attachment_bytes",
        "max_photo_pixels",
        "client_read_timeout",
        "max_feed_limit",
        "max_password_checks",
    ):
        if name in values and values[name] <= 0:
            raise SettingsError(f"{name}: expected a number above 0")
    for name in ("signin_account_limits", "signin_address_limits"):
        for text in values.get(name, ()):
            try:
                parse(text)
            except ValueError:
                raise SettingsError(f"{name}: {text!r} is not a limit such as '5/minute'") from None
    return values


def read_config_file(path: Path) -> dict[str, Any]:
    """The settings of a TOML file: field names as keys, at the top level or under ``[hub]``."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as error:
        raise SettingsError(f"{path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not valid TOML: {error}") from None
    table = data.get("hub", data) if isinstance(data.get("hub"), dict) else data
    known = configurable_fields()
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise SettingsError(f"{path}: unknown setting {key!r}")
        try:
            out[key] = _convert(known[key], value, from_text=False)
        except SettingsError as error:
            raise SettingsError(f"{path}: {key}: {error}") from None
    return out


def read_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings given as ``IOC_HUB_<NAME>`` environment variables."""
    out: dict[str, Any] = {}
    if environ.get(LEGACY_DB_ENV):
        out["database_url"] = environ[LEGACY_DB_ENV]
    for key, kind in configurable_fields().items():
        name = ENV_PREFIX + key.upper()
        if name in environ:
            try:
                out[key] = _convert(kind, environ[name], from_text=True)
            except SettingsError as error:
                raise SettingsError(f"${name}: {error}") from None
    return out


def load_settings(
    config: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> HubSettings:
    """The hub's settings: the defaults, then the TOML file (``config``, or ``$IOC_HUB_CONFIG``), then
    the environment, then ``overrides`` (the command line's options; None means not given)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config or (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    if path is not None:
        values.update(read_config_file(path))
    values.update(read_environment(env))
    values.update({k: v for k, v in overrides.items() if v is not None})
    return HubSettings(**_checked(values))

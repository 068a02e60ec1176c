"""The embedded default: a demo hub served in the console's own process, on loopback.

``ioc-console --demo`` needs no server of its own: :class:`EmbeddedHub` keeps a hub database in
the user's data folder (``demo-hub.sqlite3``) and serves it with uvicorn on a thread of the
console's process, on ``127.0.0.1`` and a free port. The first run builds the database: the schema
(the hub's migrations), the demo jurisdiction pack, a year of generated history with the pictures
of its photos (stored and served as any hub stores uploads), the demo staff (an
operator, a shift supervisor, a few agency liaisons and a switchboard operator for hotline calls)
and one channel adapter per citizen channel. It is built in a file beside the final one and renamed
into place only when complete, so an interrupted first run leaves nothing half-made. The staff's
password and the channels' API keys are kept beside it (``demo-hub.json``, readable by the user
only): it is a demo on loopback, but its secrets are still not printed or logged.

A database that cannot be opened (corrupt, or from a newer version) is left as it is, and the
error says so in the user's language; nothing is ever overwritten.

``start()`` and ``stop()`` block (building the first run takes seconds): call them on a worker
thread, never on the GUI thread.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import socket
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ioc_console.demo.generator import demo_staff, generate
from ioc_console.demo.photos import demo_photo_for
from ioc_console.domain.lifecycle import Channel, Role
from ioc_console.domain.messages import render
from ioc_console.hub.db import Database, DatabaseError
from ioc_console.hub.jurisdiction_store import PackHolder, install_pack
from ioc_console.hub.server import BackgroundHub
from ioc_console.hub.service import HubService
from ioc_console.hub.settings import HubSettings, utc_now
from ioc_console.resources import default_pack_path

log = logging.getLogger(__name__)

DB_NAME = "demo-hub.sqlite3"
SECRETS_NAME = "demo-hub.json"
#: Held while the database is built or checked, so that two consoles starting at once on the same
#: folder do not both build it.
LOCK_NAME = "demo-hub.lock"
#: Citizen channels with an Open311 adapter (the hotline is typed in by staff).
OPEN311_CHANNELS = (Channel.WEB, Channel.APP, Channel.FACEBOOK, Channel.ZALO)
#: The demo's staff, by role (user name, display name); liaisons are added per agency.
OPERATOR = ("ioc.nhung", "Trần Thị Hồng Nhung")
SUPERVISOR = ("ioc.truongca.minh", "Lê Văn Minh")
SWITCHBOARD = ("ioc.tongdai", "Tổng đài 1022")
LIAISON_NAMES = ("Nguyễn Văn An", "Phạm Thị Bình", "Đặng Quốc Chí")
#: How many agencies get a demo liaison (the first ones by code).
LIAISONS = 3


class DemoHubError(Exception):
    """The demo hub could not be prepared or opened; :meth:`message` says why, for the user."""

    def __init__(self, code: str, path: Path | str, detail: str) -> None:
        self.code = code
        self.path = path
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        return render(self.code, lang, {"path": str(self.path), "detail": self.detail})


@dataclass(frozen=True)
class DemoSecrets:
    """What the demo console and the simulator need to reach the demo hub."""

    password: str
    #: Open311 API key of each citizen channel (by channel value).
    channel_keys: dict[str, str]
    #: Demo liaisons: user name → agency code.
    liaisons: dict[str, str]

    def to_json(self) -> str:
        return json.dumps(
            {"password": self.password, "channel_keys": self.channel_keys, "liaisons": self.liaisons},
            ensure_ascii=False,
            indent=1,
        )

    @staticmethod
    def from_json(text: str) -> DemoSecrets:
        d = json.loads(text)
        keys = {str(k): str(v) for k, v in dict(d["channel_keys"]).items()}
        liaisons = {str(k): str(v) for k, v in dict(d.get("liaisons") or {}).items()}
        return DemoSecrets(str(d["password"]), keys, liaisons)


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            candidate.unlink()


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the user only, replacing it in one step."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(partial, path)


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder``'s demo hub, between processes (released when the process dies)."""
    with open(folder / LOCK_NAME, "a+b") as f:
        if sys.platform == "win32":
            import msvcrt

            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                f.seek(0)
                msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def build_demo_hub(
    path: Path,
    secrets_path: Path,
    *,
    seed: int = 7,
    count: int | None = None,
    now: datetime | None = None,
) -> DemoSecrets:
    """Create the demo hub's database at ``path`` (which must not exist) and its secrets file."""
    partial = path.with_name(path.name + ".partial")
    _remove(partial)
    try:
        made = _build(partial, seed=seed, count=count, now=now)
        _write_private(secrets_path, made.to_json())
        os.replace(partial, path)
    except BaseException:
        _remove(partial)  # an interrupted build leaves nothing behind
        raise
    return made


def _build(partial: Path, *, seed: int, count: int | None, now: datetime | None) -> DemoSecrets:
    url = _sqlite_url(partial)
    db = Database(url, pool_size=2)
    try:
        db.migrate()
        jurisdiction = install_pack(db, default_pack_path(), by="demo", at=utc_now())
        packs = PackHolder()
        with db.read() as conn:
            packs.load(conn)
        service = HubService(HubSettings(database_url=url, demo_photos=demo_photo_for), db, packs)
        password = secrets.token_urlsafe(12)
        service.add_user(OPERATOR[0], Role.OPERATOR, None, password, display_name=OPERATOR[1])
        service.add_user(SUPERVISOR[0], Role.SUPERVISOR, None, password, display_name=SUPERVISOR[1])
        service.add_user(SWITCHBOARD[0], Role.OPERATOR, None, password, display_name=SWITCHBOARD[1])
        staff = demo_staff(jurisdiction)
        liaisons: dict[str, str] = {}
        for name, code in zip(LIAISON_NAMES, sorted(staff.liaisons)[:LIAISONS], strict=False):
            user = staff.liaisons[code].name
            service.add_user(user, Role.LIAISON, code, password, display_name=name)
            liaisons[user] = code
        keys = {
            channel.value: str(service.add_channel(f"demo-{channel.value}", channel)["api_key"])
            for channel in OPEN311_CHANNELS
        }
        started = time.perf_counter()
        loaded = service.load_history(generate(jurisdiction, seed=seed, count=count, now=now), by="demo")
        log.info("demo hub: %d reports of history loaded in %.1f s", loaded, time.perf_counter() - started)
    finally:
        db.dispose()
    # Everything into the database file itself before it is renamed: the last connection to close
    # after a full checkpoint removes the write-ahead log.
    with contextlib.closing(sqlite3.connect(partial)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if partial.with_name(partial.name + "-wal").exists():
        raise OSError(f"{partial.name}: the write-ahead log was not folded in")
    return DemoSecrets(password, keys, liaisons)


#: The demo hub's basemap, when one is installed in its folder.
BASEMAP_NAME = "basemap.mbtiles"


class EmbeddedHub:
    """The demo hub in this process. ``start()`` (blocking) builds it on the first run and returns
    once it answers on loopback; ``stop()`` shuts it down."""

    def __init__(
        self,
        data_dir: Path,
        *,
        seed: int = 7,
        count: int | None = None,
        now: datetime | None = None,
        port: int | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        #: The loopback port to serve on (None: a free one).
        self.port = port
        self.path = self.data_dir / DB_NAME
        self.secrets_path = self.data_dir / SECRETS_NAME
        #: A basemap put here (an MBTiles file of raster tiles) is served to the consoles.
        self.basemap_path = self.data_dir / BASEMAP_NAME
        self._seed = seed
        self._count = count
        self._now = now
        self._server: BackgroundHub | None = None
        self._secrets: DemoSecrets | None = None
        self._lock = threading.Lock()
        #: True when this start built the database.
        self.created = False

    # -- what the console and the simulator need ---------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the demo hub is not running")
        return self._server.url

    @property
    def secrets(self) -> DemoSecrets:
        if self._secrets is None:
            raise RuntimeError("the demo hub is not prepared")
        return self._secrets

    @property
    def operator_name(self) -> str:
        return OPERATOR[0]

    @property
    def operator_password(self) -> str:
        return self.secrets.password

    @property
    def switchboard_name(self) -> str:
        return SWITCHBOARD[0]

    # -- life -------------------------------------------------------------------------------------

    def prepare(self) -> bool:
        """Build the database on the first run, or check the existing one; True when built now."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            # A probe of its own (two consoles of one process may start at once).
            fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=self.data_dir)
            os.close(fd)
            os.unlink(probe)
        except OSError as error:
            raise DemoHubError("demo_hub.unwritable", self.data_dir, error.strerror or str(error)) from error
        with _folder_lock(self.data_dir):
            return self._prepare_locked()

    def _prepare_locked(self) -> bool:
        if self.path.exists() and self.secrets_path.exists():
            self._secrets = self._read_secrets()
            self._check_existing()
            return False
        if self.path.exists():  # a database without its secrets cannot be signed in to
            raise DemoHubError("demo_hub.unreadable", self.path, f"{SECRETS_NAME} is missing")
        try:
            self._secrets = build_demo_hub(
                self.path, self.secrets_path, seed=self._seed, count=self._count, now=self._now
            )
        except OSError as error:
            raise DemoHubError("demo_hub.unwritable", self.data_dir, error.strerror or str(error)) from error
        return True

    def _read_secrets(self) -> DemoSecrets:
        try:
            return DemoSecrets.from_json(self.secrets_path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise DemoHubError("demo_hub.unreadable", self.secrets_path, str(error)) from error

    def _check_existing(self) -> None:
        url = _sqlite_url(self.path)
        db = Database(url, pool_size=1)
        try:
            db.migrate()  # a demo hub of an earlier version is upgraded; a newer one is refused
            # One built before the hub stored its photos gets them now, once.
            packs = PackHolder()
            with db.read() as conn:
                packs.load(conn)
            service = HubService(HubSettings(database_url=url, demo_photos=demo_photo_for), db, packs)
            added = service.store_missing_demo_photos(by="demo")
            if added:
                log.info("demo hub: %d photos stored", added)
        except (DatabaseError, sqlite3.DatabaseError) as error:
            raise DemoHubError("demo_hub.unreadable", self.path, str(error)) from error
        except Exception as error:  # a corrupt file fails in SQLAlchemy's own words
            raise DemoHubError("demo_hub.unreadable", self.path, str(error).splitlines()[0]) from error
        finally:
            db.dispose()

    def start(self, timeout: float = 30.0) -> EmbeddedHub:
        with self._lock:
            if self._server is not None:
                return self
            self.created = self.prepare()
            server = BackgroundHub(
                HubSettings(
                    database_url=_sqlite_url(self.path),
                    demo_media=True,
                    demo_photos=demo_photo_for,
                    basemap_path=self.basemap_path if self.basemap_path.is_file() else None,
                ),
                port=self.port,
            )
            where = f"127.0.0.1:{server.port}"
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                    probe.bind(("127.0.0.1", server.port))
            except OSError as error:  # a port asked for that something else holds
                raise DemoHubError("demo_hub.not_served", where, error.strerror or str(error)) from error
            try:
                server.start(timeout)
            except RuntimeError as error:
                raise DemoHubError("demo_hub.not_served", where, str(error)) from error
            self._server = server
            log.info("demo hub serving %s at %s", self.path, server.url)
            return self

    def stop(self) -> None:
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.stop(timeout=5.0)

    def __enter__(self) -> EmbeddedHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["DemoHubError", "DemoSecrets", "EmbeddedHub", "build_demo_hub"]

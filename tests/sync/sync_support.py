"""Helpers of the sync tests: a real hub on loopback (a thread of this process, or a process of its
own that a test may SIGKILL), consoles with their own local stores, and a few waiting tools.

The hub's database is prepared the way ``ioc-hub init`` and ``ioc-hub user add`` do it (the demo
jurisdiction, staff users, one citizen channel), and runs on the real clock.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import keyring.backend
import keyring.errors

from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.domain.lifecycle import Channel, Role
from ioc_console.hub.db import Database
from ioc_console.hub.jurisdiction_store import PackHolder, install_pack
from ioc_console.hub.server import BackgroundHub, free_port
from ioc_console.hub.service import HubService
from ioc_console.hub.settings import HubSettings, utc_now
from ioc_console.resources import default_pack_path
from ioc_console.store import LocalStore
from ioc_console.sync import apply
from ioc_console.sync.client import HubClient
from ioc_console.sync.engine import SyncEngine, SyncSettings

HERE = Path(__file__).resolve().parent
PASSWORD = "mật-khẩu-đồng-bộ-1"
#: Agencies of the demo pack.
AGENCY_A = "moi-truong-do-thi"
AGENCY_B = "so-xd"
#: A point in Phan Rang–Tháp Chàm.
INSIDE = (11.58, 108.99)

USERS: dict[str, tuple[Role, str | None, str]] = {
    "admin": (Role.ADMIN, None, "Quản trị"),
    "lan.nt": (Role.OPERATOR, None, "Nguyễn Thị Lan"),
    "hung.tv": (Role.OPERATOR, None, "Trần Văn Hùng"),
    "sup": (Role.SUPERVISOR, None, "Trưởng ca"),
    "lia.a": (Role.LIAISON, AGENCY_A, "Đầu mối môi trường"),
}

#: Short delays for the engines under test (the defaults are for people, in seconds to minutes).
FAST = SyncSettings(
    page_size=500,
    poll_interval=1.0,
    backoff_base=0.05,
    backoff_cap=0.5,
    stream_backoff_base=0.05,
    stream_backoff_cap=0.5,
)

T = TypeVar("T")

_PACK: Jurisdiction | None = None


def pack() -> Jurisdiction:
    global _PACK
    if _PACK is None:
        _PACK = load_pack(default_pack_path())
    return _PACK


def prepare_hub_database(url: str) -> str:
    """Schema, demo jurisdiction, the users and a Zalo channel; returns the channel's API key."""
    db = Database(url, pool_size=2)
    try:
        db.migrate()
        install_pack(db, default_pack_path(), by="tests", at=utc_now())
        packs = PackHolder()
        with db.read() as conn:
            packs.load(conn)
        service = HubService(HubSettings(database_url=url), db, packs)
        for name, (role, agency, display) in USERS.items():
            service.add_user(name, role, agency, PASSWORD, display_name=display)
        return str(service.add_channel("zalo-oa", Channel.ZALO)["api_key"])
    finally:
        db.dispose()


@dataclass
class HubAccess:
    """What the tests need of a running hub, whichever way it runs."""

    url: str
    api_key: str
    _tokens: dict[str, str] = field(default_factory=dict)

    def login(self, user: str, console: str = "tests") -> str:
        with httpx.Client(base_url=self.url, timeout=30, trust_env=False) as c:
            r = c.post(
                "/api/v1/auth/login",
                json={"username": user, "password": PASSWORD},
                headers={"X-Console-Id": console},
            )
            assert r.status_code == 200, r.text
            token: str = r.json()["token"]
            return token

    def token(self, user: str) -> str:
        if user not in self._tokens:
            self._tokens[user] = self.login(user)
        return self._tokens[user]

    def submit(self, description: str = "Rác thải đổ trộm ven đường Thống Nhất", **fields: Any) -> str:
        """A citizen's report through Open311 (the Zalo channel); returns its number."""
        data: dict[str, Any] = {
            "api_key": self.api_key,
            "service_code": "environment",
            "lat": INSIDE[0],
            "long": INSIDE[1],
            "description": description,
        }
        data.update(fields)
        with httpx.Client(base_url=self.url, timeout=30, trust_env=False) as c:
            r = c.post("/open311/v2/requests.json", data=data)
        assert r.status_code == 201, r.text
        number: str = r.json()[0]["service_request_id"]
        return number

    def report(self, number: str, user: str = "admin") -> dict[str, Any]:
        with httpx.Client(base_url=self.url, timeout=30, trust_env=False) as c:
            r = c.get(f"/api/v1/reports/{number}", headers={"Authorization": f"Bearer {self.token(user)}"})
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result

    def act(self, user: str, number: str, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        version = self.report(number)["version"]
        with httpx.Client(base_url=self.url, timeout=30, trust_env=False) as c:
            r = c.post(
                f"/api/v1/reports/{number}/actions/{action}",
                json={"idempotency_key": os.urandom(8).hex(), "base_version": version, "payload": payload},
                headers={"Authorization": f"Bearer {self.token(user)}"},
            )
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result


class ThreadHub(HubAccess):
    """A hub served by uvicorn on a thread of the test process."""

    def __init__(self, tmp: Path, **settings: Any) -> None:
        db_url = f"sqlite:///{tmp / 'hub.sqlite3'}"
        key = prepare_hub_database(db_url)
        self.server = BackgroundHub(HubSettings(database_url=db_url, **settings)).start()
        super().__init__(self.server.url, key)

    def stop(self) -> None:
        self.server.stop()


class ProcessHub(HubAccess):
    """A hub in a process of its own (``hub_main.py``) on a fixed port: it can be SIGKILLed and
    started again on the same database and port."""

    def __init__(self, tmp: Path) -> None:
        self.db_url = f"sqlite:///{tmp / 'hub.sqlite3'}"
        key = prepare_hub_database(self.db_url)
        self.port = free_port()
        self.log = tmp / "hub.log"
        self.process: subprocess.Popen[bytes] | None = None
        super().__init__(f"http://127.0.0.1:{self.port}", key)

    def start(self, timeout: float = 30.0) -> ProcessHub:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(HERE / "hub_main.py"), self.db_url, str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                with httpx.Client(timeout=1, trust_env=False) as c:
                    if c.get(f"{self.url}/api/v1/health").status_code == 200:
                        return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the hub did not start in time")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, connections cut mid-answer."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


class DictKeyring(keyring.backend.KeyringBackend):
    """A usable keyring backend that keeps passwords in a dictionary (stands for the OS store)."""

    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.secrets:
            raise keyring.errors.PasswordDeleteError(username)
        del self.secrets[(service, username)]


def open_store(path: Path) -> LocalStore:
    store = LocalStore.open(path)
    store.load_jurisdiction(pack())
    return store


@dataclass
class Console:
    """One console: its local store, its client and its engine (not started)."""

    name: str
    store: LocalStore
    client: HubClient
    engine: SyncEngine

    async def close(self) -> None:
        await self.engine.close()
        await self.client.aclose()
        self.store.close()


def make_console(
    hub: HubAccess,
    tmp: Path,
    user: str,
    name: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    settings: SyncSettings = FAST,
    compress: bool | None = None,
) -> Console:
    store = open_store(tmp / f"{name}.sqlite3")
    client = HubClient(
        hub.url,
        token=hub.login(user, name),
        console_id=name,
        transport=transport,
        trust_env=False,
        compress=compress,
    )
    engine = SyncEngine(client, store, settings=settings)
    return Console(name, store, client, engine)


async def eventually(
    check: Callable[[], Awaitable[T | None]] | Callable[[], T | None],
    timeout: float = 15.0,
    interval: float = 0.05,
    what: str = "the condition",
) -> T:
    """Poll ``check`` until it returns something truthy; its value. Fails with ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(interval)


def history_count(doc: dict[str, Any], action: str, **data: Any) -> int:
    """How many events of ``action`` (with these data values) a hub report document holds."""
    return sum(
        1
        for e in doc["history"]
        if e["action"] == action and all(e["data"].get(k) == v for k, v in data.items())
    )


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def store_content(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    """A console store's reports, texts, cursor and indexes, by number (ids left out), after a
    check of its full-text index: equal for two stores that hold the same."""
    with sqlite3.connect(path) as conn:
        reports = conn.execute("SELECT * FROM reports ORDER BY number").fetchall()
        texts = conn.execute(
            "SELECT r.number, t.* FROM report_texts AS t JOIN reports AS r ON r.id = t.id ORDER BY r.number"
        ).fetchall()
        meta = conn.execute("SELECT key, value FROM meta WHERE key = ?", (apply.CURSOR_KEY,)).fetchall()
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        ).fetchall()
        conn.execute("INSERT INTO report_search(report_search) VALUES ('integrity-check')")
    return [r[1:] for r in reports], [(t[0], *t[2:]) for t in texts], meta, indexes

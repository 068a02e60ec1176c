"""Helpers of the hub's tests: a real hub on loopback, on SQLite and on PostgreSQL.

``hub`` is module-scoped and parametrised by backend: each test module gets a fresh database
(a temporary SQLite file, or a new PostgreSQL database on 127.0.0.1:5432 dropped afterwards), the
demo jurisdiction, a set of users and a channel, and a uvicorn server on a free port in a
background thread. PostgreSQL tests carry the ``postgres`` mark; they are skipped when the server
does not answer, unless ``IOC_REQUIRE_POSTGRES=1`` (CI), in which case they fail.
"""

from __future__ import annotations

import itertools
import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from ioc_console.domain.lifecycle import Channel, Role
from ioc_console.hub.db import Database
from ioc_console.hub.jurisdiction_store import PackHolder, install_pack
from ioc_console.hub.server import BackgroundHub
from ioc_console.hub.service import HubService
from ioc_console.hub.settings import HubSettings
from ioc_console.resources import default_pack_path

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "open311-samples"
PASSWORD = "mật-khẩu-thử-1"

#: Agencies of the demo pack used by the tests.
AGENCY_A = "moi-truong-do-thi"
AGENCY_B = "so-xd"
#: A point in Phan Rang–Tháp Chàm (inside the province) and one in Hà Nội (outside).
INSIDE = (11.58, 108.99)
OUTSIDE = (21.03, 105.85)

_counter = itertools.count(1)


class Clock:
    """The hub's clock in tests: starts at a fixed working day, moves only when told (plus 1 ms a call,
    so that times stay distinct and ordered)."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self._now += timedelta(milliseconds=1)
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta

    @property
    def now(self) -> datetime:
        return self._now


def postgres_problem() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except Exception as error:
        return str(error)
    return None


def require_postgres() -> None:
    problem = postgres_problem()
    if problem is None:
        return
    message = f"PostgreSQL at 127.0.0.1:5432 is not available: {problem}"
    if os.environ.get("IOC_REQUIRE_POSTGRES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def new_database(backend: str, tmp: Path, pg_made: list[str]) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / f'hub-{next(_counter)}.sqlite3'}"
    require_postgres()
    import psycopg

    name = f"ioc_hub_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    pg_made.append(name)
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


@dataclass
class Hub:
    """A running hub and what the tests need to talk to it."""

    url: str
    db_url: str
    backend: str
    clock: Clock
    api_key: str
    users: dict[str, tuple[Role, str | None]]
    server: BackgroundHub
    _tokens: dict[str, str] = field(default_factory=dict)
    _clients: dict[tuple[str | None, str], httpx.Client] = field(default_factory=dict)

    def client(self, user: str | None = None, console: str = "test-console") -> httpx.Client:
        """A client signed in as ``user`` (kept for the module: connections are reused)."""
        key = (user, console)
        if key not in self._clients:
            headers = {"X-Console-Id": console}
            if user is not None:
                headers["Authorization"] = f"Bearer {self.token(user)}"
            self._clients[key] = httpx.Client(base_url=self.url, headers=headers, timeout=30)
        return self._clients[key]

    def token(self, user: str) -> str:
        if user not in self._tokens:
            with httpx.Client(base_url=self.url, timeout=30) as c:
                r = c.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
                assert r.status_code == 200, r.text
                self._tokens[user] = r.json()["token"]
        return self._tokens[user]

    def submit(self, **fields: Any) -> str:
        """POST an Open311 request; returns its number."""
        data: dict[str, Any] = {
            "api_key": self.api_key,
            "service_code": "environment",
            "lat": INSIDE[0],
            "long": INSIDE[1],
            "description": "Rác thải đổ trộm ven đường",
        }
        data.update(fields)
        data = {k: v for k, v in data.items() if v is not None}
        r = self.client().post("/open311/v2/requests.json", data=data)
        assert r.status_code == 201, r.text
        number: str = r.json()[0]["service_request_id"]
        return number

    def report(self, number: str, user: str = "op") -> dict[str, Any]:
        r = self.client(user).get(f"/api/v1/reports/{number}")
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result

    def act(
        self, user: str, number: str, action: str, payload: dict[str, Any] | None = None, **extra: Any
    ) -> httpx.Response:
        version = extra.pop("base_version", None)
        if version is None:
            version = self.report(number)["version"]
        body = {
            "idempotency_key": extra.pop("key", uuid.uuid4().hex),
            "base_version": version,
            "payload": payload or {},
        }
        return self.client(user).post(f"/api/v1/reports/{number}/actions/{action}", json=body)

    def ok(
        self, user: str, number: str, action: str, payload: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        r = self.act(user, number, action, payload)
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result

    def close(self) -> None:
        for c in self._clients.values():
            c.close()


USERS: dict[str, tuple[Role, str | None]] = {
    "admin": (Role.ADMIN, None),
    "op": (Role.OPERATOR, None),
    "sup": (Role.SUPERVISOR, None),
    "lia_a": (Role.LIAISON, AGENCY_A),
    "lia_a2": (Role.LIAISON, AGENCY_A),
    "lia_b": (Role.LIAISON, AGENCY_B),
}

#: Monday 10 March 2025, 09:00 in Ninh Thuận: a working day.
START = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


def prepare_database(url: str) -> tuple[str, Clock]:
    """``ioc-hub init`` and the users and channel of the tests; returns the channel's API key."""
    db = Database(url, pool_size=2)
    clock = Clock(START)
    try:
        db.migrate()
        install_pack(db, default_pack_path(), by="tests", at=clock())
        packs = PackHolder()
        with db.read() as conn:
            packs.load(conn)
        service = HubService(HubSettings(database_url=url, clock=clock), db, packs)
        for name, (role, agency) in USERS.items():
            service.add_user(name, role, agency, PASSWORD)
        key = str(service.add_channel("zalo-oa", Channel.ZALO)["api_key"])
    finally:
        db.dispose()
    return key, clock


def start_hub(url: str, backend: str, **settings: Any) -> Hub:
    key, clock = prepare_database(url)
    server = BackgroundHub(HubSettings(database_url=url, clock=clock, **settings)).start()
    return Hub(
        url=server.url, db_url=url, backend=backend, clock=clock, api_key=key, users=USERS, server=server
    )


def in_state(hub: Hub, state: str, agency: str = AGENCY_A) -> str:
    """A new report brought to ``state`` through the API (forwarded to ``agency`` when that applies)."""
    number = hub.submit()
    if state == "new":
        return number
    if state == "needs_info":
        hub.ok("op", number, "request_info", {"question": "Xin cho biết địa chỉ cụ thể"})
        return number
    liaison = "lia_a" if agency == AGENCY_A else "lia_b"
    hub.ok("op", number, "forward", {"agency": agency})
    if state == "forwarded":
        return number
    hub.ok(liaison, number, "accept")
    if state == "in_progress":
        return number
    hub.ok(liaison, number, "resolve", {"result": "Đã xử lý tại hiện trường"})
    if state == "resolved":
        return number
    hub.ok("op", number, "publish_reply", {"reply": "Phản ánh đã được xử lý."})
    if state == "closed":
        return number
    raise ValueError(state)

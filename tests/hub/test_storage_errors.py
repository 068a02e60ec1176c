"""Storage trouble: a full disk is said in words (and sign-in still works); database errors never
carry the citizen's words that were their parameters."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from hub_support import INSIDE, PASSWORD, Hub, prepare_database

from ioc_console.hub.db import Database
from ioc_console.hub.server import BackgroundHub
from ioc_console.hub.settings import HubSettings

SECRET = "Lê Văn Tâm 0903123456"


def test_database_errors_never_carry_their_parameters(hub: Hub, caplog: pytest.LogCaptureFixture) -> None:
    db = Database(hub.db_url, pool_size=1)
    try:
        with pytest.raises(sa.exc.DBAPIError) as caught, db.write() as conn:
            conn.execute(sa.text("INSERT INTO no_such_table (description) VALUES (:d)"), {"d": SECRET})
    finally:
        db.dispose()
    assert "no_such_table" in str(caught.value)  # the statement is there to debug with
    assert "0903123456" not in str(caught.value) and "Tâm" not in str(caught.value)
    assert "0903123456" not in caplog.text


@pytest.fixture
def small_hub(tmp_path: Path) -> Iterator[tuple[BackgroundHub, str, str]]:
    url = f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    key, _clock = prepare_database(url)
    server = BackgroundHub(HubSettings(database_url=url)).start()
    try:
        yield server, url, key
    finally:
        server.stop()


def fill_up(server: BackgroundHub, path: Path) -> None:
    """Let the hub's database grow by no more than a few pages from now on: the fault SQLite
    reports on a full disk (SQLITE_FULL, "database or disk is full")."""
    with sqlite3.connect(path) as raw:
        pages = raw.execute("PRAGMA page_count").fetchone()[0]
    engine: sa.Engine = server.server.config.app.state.service.db.writer  # type: ignore[attr-defined]

    @sa.event.listens_for(engine, "connect")
    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    engine.dispose()


def test_a_full_disk_is_said_in_words_and_sign_in_still_works(
    small_hub: tuple[BackgroundHub, str, str], caplog: pytest.LogCaptureFixture
) -> None:
    server, url, key = small_hub
    fill_up(server, Path(url.removeprefix("sqlite:///")))
    big = f"{SECRET} " + "Nước ngập sâu kéo dài nhiều ngày. " * 110  # needs overflow pages
    data = {"api_key": key, "service_code": "environment", "lat": INSIDE[0], "long": INSIDE[1]}
    with httpx.Client(base_url=server.url, timeout=30) as c:
        for _ in range(4):  # the few pages left go; then the disk is full
            r = c.post("/open311/v2/requests.json", data={**data, "description": big})
            if r.status_code != 201:
                break
        assert r.status_code == 507, r.text
        assert (
            "hết chỗ lưu trữ" in r.json()[0]["description"]
            and "storage is full" in r.json()[0]["description"]
        )
        r = c.post("/open311/v2/requests.xml", data={**data, "description": big})
        assert r.status_code == 507 and b"<errors>" in r.content
        # A sign-in still works, and so does reading; the staff API says the same in JSON.
        login = c.post("/api/v1/auth/login", json={"username": "op", "password": PASSWORD})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        assert c.get("/api/v1/feed", headers=headers).status_code == 200
        body = {
            "idempotency_key": uuid.uuid4().hex,
            "category": "environment",
            "description": big,
            "location": {"lat": INSIDE[0], "lon": INSIDE[1]},
        }
        r = c.post("/api/v1/reports", json=body, headers=headers)
        assert r.status_code == 507, r.text
        assert r.json()["error"] == "storage.full" and r.json()["message"]["vi"]
    assert "0903123456" not in caplog.text


def test_a_client_that_stalls_mid_body_is_answered_and_let_go(tmp_path: Path) -> None:
    import socket
    import time

    url = f"sqlite:///{tmp_path / 'slow.sqlite3'}"
    key, _clock = prepare_database(url)
    server = BackgroundHub(HubSettings(database_url=url, client_read_timeout=1.0)).start()
    try:
        with socket.create_connection((server.host, server.port), timeout=10) as slow:
            slow.sendall(
                b"POST /open311/v2/requests.json HTTP/1.1\r\nHost: hub\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\n"
                + f"api_key={key}&description=".encode()
            )
            started = time.monotonic()
            # Meanwhile everyone else is served.
            assert httpx.get(f"{server.url}/open311/v2/services.json").status_code == 200
            answer = b""
            while chunk := slow.recv(65536):  # the hub answers, then closes the connection
                answer += chunk
            waited = time.monotonic() - started
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert "ngừng quá 1 giây".encode() in answer and b"stalled" in answer
        assert waited < 15
    finally:
        server.stop()

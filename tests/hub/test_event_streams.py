"""A live event stream ends as soon as its session does: signed out, the user disabled, or expired."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from hub_support import PASSWORD, new_database, prepare_database

from ioc_console.hub.server import BackgroundHub
from ioc_console.hub.settings import HubSettings

TTL = 4.0
#: Far longer than any wait below: an end that comes is not the heartbeat's re-check.
HEARTBEAT = 120.0


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hub_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_session: list[str]
) -> Iterator[str]:
    url = new_database(request.param, tmp_path_factory.mktemp("hub"), pg_session)
    prepare_database(url)
    settings = HubSettings(database_url=url, token_ttl=timedelta(seconds=TTL), heartbeat_interval=HEARTBEAT)
    server = BackgroundHub(settings).start()
    try:
        yield server.url
    finally:
        server.stop()


def sign_in(url: str, user: str) -> str:
    r = httpx.post(f"{url}/api/v1/auth/login", json={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


async def stream_until_bye(url: str, token: str, then: object = None) -> tuple[float, str]:
    """Open the stream, call ``then()`` (in a thread) once it says hello; the seconds from then to
    its end, and the reason given."""
    async with (
        httpx.AsyncClient(base_url=url, timeout=None) as client,
        client.stream("GET", "/api/v1/events", headers={"Authorization": f"Bearer {token}"}) as response,
    ):
        assert response.status_code == 200
        name, started, reason = "", time.monotonic(), ""
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name == "hello":
                started = time.monotonic()
                if callable(then):
                    await asyncio.to_thread(then)
            elif line.startswith("data: ") and name == "bye":
                reason = json.loads(line[6:])["reason"]
        return time.monotonic() - started, reason


def run(coro: object) -> tuple[float, str]:
    return asyncio.run(asyncio.wait_for(coro, 30))  # type: ignore[arg-type]


def test_signing_out_ends_the_stream_at_once(hub_url: str) -> None:
    token = sign_in(hub_url, "op")

    def sign_out() -> None:
        r = httpx.post(f"{hub_url}/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200

    took, reason = run(stream_until_bye(hub_url, token, sign_out))
    assert reason == "auth.required" and took < 10.0


def test_disabling_a_user_ends_their_stream_at_once(hub_url: str) -> None:
    token = sign_in(hub_url, "lia_b")
    admin = sign_in(hub_url, "admin")

    def disable() -> None:
        headers = {"Authorization": f"Bearer {admin}"}
        r = httpx.patch(f"{hub_url}/api/v1/admin/users/lia_b", json={"active": False}, headers=headers)
        assert r.status_code == 200, r.text

    took, reason = run(stream_until_bye(hub_url, token, disable))
    assert reason == "auth.required" and took < 10.0


def test_a_stream_ends_when_its_token_expires(hub_url: str) -> None:
    signed_in = time.monotonic()
    token = sign_in(hub_url, "sup")
    _took, reason = run(stream_until_bye(hub_url, token))
    assert reason == "auth.required"
    assert time.monotonic() - signed_in < TTL + 10.0

"""Sign-in throttling on a real hub (SQLite and PostgreSQL): wrong passwords get 429 with a wait in
words, the wait grows, the right password works again after it, a burst of failures is one audit
entry, the limits hold across hub processes sharing the database, and password checks are capped."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from hub_support import PASSWORD, Hub, start_hub

from ioc_console.hub.server import BackgroundHub
from ioc_console.hub.settings import HubSettings
from ioc_console.sync.client import HubClient
from ioc_console.sync.errors import HubBusy

WRONG = "không-phải-mật-khẩu"


def login(url: str, user: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=url, timeout=30) as c:
        return c.post("/api/v1/auth/login", json={"username": user, "password": password})


def new_user(hub: Hub) -> str:
    name = f"nv-{uuid.uuid4().hex[:8]}"
    r = hub.client("admin").post(
        "/api/v1/admin/users", json={"name": name, "role": "operator", "password": PASSWORD}
    )
    assert r.status_code == 201, r.text
    return name


def fail_until_refused(url: str, user: str, tries: int = 12) -> tuple[list[int], httpx.Response]:
    statuses: list[int] = []
    for _ in range(tries):
        r = login(url, user, WRONG)
        statuses.append(r.status_code)
        if r.status_code != 401:
            break
    return statuses, r


def sign_in_entries(hub: Hub, target: str) -> list[dict[str, Any]]:
    r = hub.client("admin").get("/api/v1/audit", params={"limit": 5000})
    assert r.status_code == 200, r.text
    return [e for e in r.json() if e["action"] == "login" and e["target"] == target]


@pytest.fixture(autouse=True)
def fresh_windows(hub: Hub) -> None:
    """Each test starts past the minute windows the tests before it filled (the module's failures
    from its one address stay well below the address's hourly and daily limits)."""
    hub.clock.advance(timedelta(minutes=2))


def test_wrong_passwords_get_429_and_the_right_one_works_after_the_wait(hub: Hub) -> None:
    user = new_user(hub)
    statuses, refused = fail_until_refused(hub.url, user)
    assert statuses == [401] * 5 + [429]
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    body = refused.json()
    assert body["error"] == "auth.throttled"
    assert body["message"]["vi"].startswith("Đăng nhập sai quá nhiều lần. Hãy đợi ")
    assert "giây" in body["message"]["vi"] or "phút" in body["message"]["vi"]
    assert "Too many failed sign-ins" in body["message"]["en"]
    # During the wait even the right password is refused: guessing faster gains nothing.
    assert login(hub.url, user, PASSWORD).status_code == 429
    hub.clock.advance(timedelta(seconds=wait + 1))
    assert login(hub.url, user, PASSWORD).status_code == 200


def test_the_wait_grows_with_the_failures(hub: Hub) -> None:
    user = new_user(hub)
    _, first = fail_until_refused(hub.url, user)
    first_wait = int(first.headers["Retry-After"])
    hub.clock.advance(timedelta(seconds=first_wait + 1))
    statuses, second = fail_until_refused(hub.url, user)
    assert statuses == [401] * 5 + [429]
    second_wait = int(second.headers["Retry-After"])
    assert 60 < second_wait <= 15 * 60
    assert "phút" in second.json()["message"]["vi"]
    hub.clock.advance(timedelta(seconds=second_wait + 1))
    assert login(hub.url, user, PASSWORD).status_code == 200


def test_a_burst_of_failures_is_one_audit_entry(hub: Hub) -> None:
    user = new_user(hub)
    statuses, refused = fail_until_refused(hub.url, user)
    assert statuses == [401] * 5 + [429]
    for _ in range(4):
        assert login(hub.url, user, WRONG).status_code == 429
    assert sign_in_entries(hub, user) == []  # nothing yet, not a row per attempt
    hub.clock.advance(timedelta(seconds=int(refused.headers["Retry-After"]) + 1))
    assert login(hub.url, user, PASSWORD).status_code == 200
    entries = sign_in_entries(hub, user)
    assert [e["outcome"] for e in entries] == [401, 200]
    burst = entries[0]["detail"]
    assert (burst["failures"], burst["refused"]) == (5, 5)
    assert burst["addresses"] == ["127.0.0.1"]
    assert burst["first"] < burst["last"]


def test_a_burst_that_goes_quiet_is_written_without_a_successful_sign_in(hub: Hub) -> None:
    user = new_user(hub)
    for _ in range(3):
        assert login(hub.url, user, WRONG).status_code == 401
    hub.clock.advance(timedelta(minutes=11))
    assert login(hub.url, "op", PASSWORD).status_code == 200  # any later sign-in closes quiet bursts
    (entry,) = sign_in_entries(hub, user)
    assert entry["outcome"] == 401 and entry["detail"]["failures"] == 3


def test_many_accounts_tried_from_one_address_are_throttled_by_the_address(hub: Hub) -> None:
    statuses = [login(hub.url, f"khong-co-{i}", WRONG).status_code for i in range(21)]
    assert statuses == [401] * 20 + [429]
    refused = login(hub.url, "op", PASSWORD)  # a real account from that address waits too
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 60
    hub.clock.advance(timedelta(seconds=61))
    assert login(hub.url, "op", PASSWORD).status_code == 200


def test_several_hub_processes_on_one_database_count_the_same_attempts(hub: Hub) -> None:
    user = new_user(hub)
    other = BackgroundHub(HubSettings(database_url=hub.db_url, clock=hub.clock)).start()
    try:
        for url in (hub.url, other.url, hub.url, other.url, hub.url):
            assert login(url, user, WRONG).status_code == 401
        assert login(other.url, user, WRONG).status_code == 429
        assert login(hub.url, user, WRONG).status_code == 429
    finally:
        other.stop()


def test_the_console_tells_the_wait_in_words(hub: Hub) -> None:
    user = new_user(hub)
    fail_until_refused(hub.url, user)

    async def attempt() -> HubBusy:
        client = HubClient(hub.url)
        try:
            with pytest.raises(HubBusy) as caught:
                await client.login(user, PASSWORD)
        finally:
            await client.aclose()
        return caught.value

    busy = asyncio.run(attempt())
    assert busy.retry_after is not None and 1 <= busy.retry_after <= 60
    assert busy.message("vi").startswith("Đăng nhập sai quá nhiều lần")
    assert busy.message("en").startswith("Too many failed sign-ins")


def test_password_checks_beyond_the_cap_wait_and_are_then_told_to_come_back(
    hub: Hub, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if hub.backend != "sqlite":
        pytest.skip("the cap is the same code on both backends")
    capped = start_hub(
        f"sqlite:///{tmp_path_factory.mktemp('capped') / 'hub.sqlite3'}",
        "sqlite",
        max_password_checks=1,
        password_check_wait=0.02,
    )
    try:
        barrier = threading.Barrier(8)
        answers: list[httpx.Response] = []

        def sign_in() -> None:
            barrier.wait()
            answers.append(login(capped.url, "op", PASSWORD))

        threads = [threading.Thread(target=sign_in) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(r.status_code for r in answers)
        assert 200 in codes and 503 in codes and set(codes) == {200, 503}
        busy = next(r for r in answers if r.status_code == 503)
        assert busy.json()["error"] == "auth.busy" and int(busy.headers["Retry-After"]) >= 1
        assert "đang bận" in busy.json()["message"]["vi"]
    finally:
        capped.close()
        capped.server.stop()

"""The embedded demo hub: built once in the data folder, reopened as it is, signed in to by the demo
staff, and fed live by the citizen-feed simulator from every channel; bad folders and files give
the user a clear message and lose nothing."""

from __future__ import annotations

import asyncio
import json
import socket
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ioc_console.demo.embedded import DB_NAME, SECRETS_NAME, DemoHubError, EmbeddedHub
from ioc_console.demo.simulator import CitizenFeed
from ioc_console.domain.lifecycle import Channel

COUNT = 40


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedHub]:
    hub = EmbeddedHub(tmp_path_factory.mktemp("data"), count=COUNT)
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()


def _login(url: str, user: str, password: str) -> str:
    with httpx.Client(base_url=url, trust_env=False, timeout=30) as c:
        r = c.post("/api/v1/auth/login", json={"username": user, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


def _feed(url: str, token: str, after: int = 0) -> dict[str, Any]:
    with httpx.Client(base_url=url, trust_env=False, timeout=30) as c:
        r = c.get(
            "/api/v1/feed",
            params={"after": after, "limit": 5000},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _reports(page: dict[str, Any]) -> list[dict[str, Any]]:
    return [c["report"] for c in page["changes"] if c["kind"] == "upsert"]


def test_the_first_run_builds_the_demo_hub_and_its_operator_signs_in(running: EmbeddedHub) -> None:
    assert running.created
    assert (running.data_dir / DB_NAME).is_file()
    assert not (running.data_dir / (DB_NAME + ".partial")).exists()
    secrets_file = running.data_dir / SECRETS_NAME
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600  # readable by the user only
    token = _login(running.url, running.operator_name, running.operator_password)
    assert len(_reports(_feed(running.url, token))) == COUNT
    with httpx.Client(base_url=running.url, trust_env=False, timeout=30) as c:
        me = c.post(
            "/api/v1/auth/login",
            json={"username": running.operator_name, "password": running.operator_password},
        ).json()["user"]
    assert me["role"] == "operator" and me["display_name"] == "Trần Thị Hồng Nhung"
    for user, agency in running.secrets.liaisons.items():
        liaison = _login(running.url, user, running.operator_password)
        seen = _reports(_feed(running.url, liaison))
        assert all(r["agency"] == agency for r in seen)  # the hub keeps each agency to its own


def test_a_second_start_opens_the_same_hub_without_building_it(running: EmbeddedHub) -> None:
    before = (running.data_dir / DB_NAME).stat().st_mtime_ns
    again = EmbeddedHub(running.data_dir, count=COUNT)
    # the same database, served a second time beside the first (a second console on the same folder)
    again.start()
    try:
        assert not again.created
        assert again.operator_password == running.operator_password
        token = _login(again.url, again.operator_name, again.operator_password)
        assert len(_reports(_feed(again.url, token))) >= COUNT
    finally:
        again.stop()
    assert (running.data_dir / DB_NAME).stat().st_mtime_ns >= before


def test_the_simulator_posts_from_every_channel_and_reports_reach_the_feed(running: EmbeddedHub) -> None:
    token = _login(running.url, running.operator_name, running.operator_password)
    cursor = _feed(running.url, token)["cursor"]
    feed = CitizenFeed.for_hub(running, seed=3)

    async def post(n: int) -> None:
        async with httpx.AsyncClient(base_url=running.url, trust_env=False, timeout=30) as client:
            for _ in range(n):
                await feed.post_one(client)

    asyncio.run(post(40))
    assert set(feed.posted) == {c.value for c in Channel}, feed.posted
    new = _reports(_feed(running.url, token, cursor))
    assert {r["number"] for r in new} == set(feed.numbers)
    assert {r["channel"] for r in new} == {c.value for c in Channel}
    assert any(r["attachments"] for r in new), "some citizens send a photo"
    text = " ".join(r["description"] for r in new)
    assert any(ch in text for ch in "ăâđêôơưạảấầẩẫậắằẳẵặ"), "the texts are Vietnamese"


def test_the_running_feed_delivers_the_first_report_within_seconds(running: EmbeddedHub) -> None:
    token = _login(running.url, running.operator_name, running.operator_password)
    cursor = _feed(running.url, token)["cursor"]

    async def scenario() -> list[str]:
        feed = CitizenFeed.for_hub(running, rate_per_minute=120, seed=5)
        feed.start()
        try:
            for _ in range(200):
                if len(feed.numbers) >= 2:
                    break
                await asyncio.sleep(0.1)
        finally:
            await feed.stop()
        return list(feed.numbers)

    numbers = asyncio.run(scenario())
    assert len(numbers) >= 2
    assert {r["number"] for r in _reports(_feed(running.url, token, cursor))} >= set(numbers)


def test_a_stopped_hub_frees_its_port(tmp_path: Path) -> None:
    hub = EmbeddedHub(tmp_path, count=5).start()
    port = int(hub.url.rsplit(":", 1)[1])
    hub.stop()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_an_unusable_data_folder_is_told_in_words(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(DemoHubError) as caught:
        EmbeddedHub(blocker / "data").start()
    assert caught.value.message("vi").startswith("Không tạo được máy chủ mẫu trong thư mục")
    assert "Could not create the demo hub" in caught.value.message("en")


def test_a_broken_demo_database_is_left_as_it_is(tmp_path: Path) -> None:
    broken = tmp_path / DB_NAME
    broken.write_bytes(b"this is not a database" * 100)
    (tmp_path / SECRETS_NAME).write_text(
        json.dumps({"password": "p", "channel_keys": {}, "liaisons": {}}), encoding="utf-8"
    )
    with pytest.raises(DemoHubError) as caught:
        EmbeddedHub(tmp_path).start()
    assert "Tệp được giữ nguyên" in caught.value.message("vi")
    assert broken.read_bytes() == b"this is not a database" * 100


def test_only_a_demo_hub_takes_the_demos_photo_links() -> None:
    from ioc_console.domain.errors import ValidationError
    from ioc_console.hub.validate import media_url

    assert media_url("demo://photo/12.png", allow_demo=True) == "demo://photo/12.png"
    for bad in ("demo://photo/12.png", "file:///etc/passwd"):
        with pytest.raises(ValidationError):
            media_url(bad)
    with pytest.raises(ValidationError):
        media_url("demo://photo/../../x.png", allow_demo=True)

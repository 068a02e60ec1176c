"""The citizen-feed simulator against the real embedded demo hub on loopback: reports from every
channel reach the staff's change feed with Vietnamese texts, real places and some photos; the same
seed gives the same feed; a hub that fails or is gone does not stop it; it stops at once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ioc_console.demo.embedded import EmbeddedHub
from ioc_console.demo.simulator import DEFAULT_RATE, FIRST_WITHIN, CitizenFeed
from ioc_console.domain.jurisdiction import load_pack
from ioc_console.domain.lifecycle import Channel
from ioc_console.hub.server import free_port
from ioc_console.resources import default_pack_path

VIETNAMESE = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỷỹỵ")


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedHub]:
    running = EmbeddedHub(tmp_path_factory.mktemp("data"), count=10).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def token(hub: EmbeddedHub) -> str:
    with httpx.Client(base_url=hub.url, trust_env=False, timeout=30) as c:
        r = c.post(
            "/api/v1/auth/login", json={"username": hub.operator_name, "password": hub.operator_password}
        )
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


def _cursor(hub: EmbeddedHub, token: str) -> int:
    return int(_page(hub, token, 0)["cursor"])


def _page(hub: EmbeddedHub, token: str, after: int) -> dict[str, Any]:
    with httpx.Client(base_url=hub.url, trust_env=False, timeout=30) as c:
        r = c.get(
            "/api/v1/feed",
            params={"after": after, "limit": 5000},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert r.status_code == 200, r.text
    page: dict[str, Any] = r.json()
    return page


def _new_reports(hub: EmbeddedHub, token: str, after: int) -> dict[str, dict[str, Any]]:
    page = _page(hub, token, after)
    return {c["report"]["number"]: c["report"] for c in page["changes"] if c["kind"] == "upsert"}


def _post(feed: CitizenFeed, n: int) -> list[str]:
    async def run() -> list[str]:
        async with httpx.AsyncClient(base_url=feed.url, trust_env=False, timeout=30) as client:
            return [await feed.post_one(client) for _ in range(n)]

    return asyncio.run(run())


def _until(feed: CitizenFeed, done: Any, *, within: float = 30.0) -> None:
    """Run ``feed`` until ``done(feed)`` holds (or ``within`` seconds pass), then stop it."""

    async def run() -> None:
        feed.start()
        try:
            for _ in range(int(within / 0.05)):
                if done(feed):
                    break
                await asyncio.sleep(0.05)
            assert feed.running, "the feed never stops on its own"
        finally:
            await asyncio.wait_for(feed.stop(), 5)
        assert not feed.running

    asyncio.run(run())


def test_reports_from_every_channel_reach_the_staffs_feed(hub: EmbeddedHub, token: str) -> None:
    after = _cursor(hub, token)
    feed = CitizenFeed.for_hub(hub, seed=3)
    numbers = _post(feed, 40)
    assert set(feed.posted) == {c.value for c in Channel}, feed.posted
    new = _new_reports(hub, token, after)
    assert set(new) == set(numbers)
    assert {r["channel"] for r in new.values()} == {c.value for c in Channel}
    south, west, north, east = load_pack(default_pack_path()).bbox
    accented = [r for r in new.values() if VIETNAMESE & set(r["description"].lower())]
    assert len(accented) >= 0.8 * len(new), "Vietnamese texts (a few typed without diacritics)"
    for report in new.values():
        assert report["status"] == "new" and report["description"]
        assert report["location"]["address"]
        if report["location"]["lat"] is not None:
            assert south <= report["location"]["lat"] <= north
            assert west <= report["location"]["lon"] <= east
    with_photo = [r for r in new.values() if r["attachments"]]
    assert with_photo, "some citizens send a photo"
    assert all(r["channel"] != Channel.HOTLINE.value for r in with_photo), "a phone call has no photo"
    assert any(r["contact"]["name"] for r in new.values())
    assert any(r["contact"]["phone"] for r in new.values())
    # Each channel's reports come in through that channel's own adapter (or the switchboard).
    for report in new.values():
        actor = report["history"][0]["actor"]
        expected = "ioc.tongdai" if report["channel"] == "hotline" else f"demo-{report['channel']}"
        assert actor == expected, (report["channel"], actor)


def test_the_same_seed_gives_the_same_reports(hub: EmbeddedHub, token: str) -> None:
    def sample(seed: int) -> list[tuple[Any, ...]]:
        after = _cursor(hub, token)
        numbers = _post(CitizenFeed.for_hub(hub, seed=seed), 12)
        new = _new_reports(hub, token, after)
        return [
            (
                new[n]["channel"],
                new[n]["category"],
                new[n]["description"],
                new[n]["location"]["lat"],
                [a["url"] for a in new[n]["attachments"]],
            )
            for n in numbers
        ]

    first = sample(21)
    assert sample(21) == first
    assert sample(22) != first
    gaps = CitizenFeed.for_hub(hub, seed=21)
    again = CitizenFeed.for_hub(hub, seed=21)
    assert [gaps.gap() for _ in range(20)] == [again.gap() for _ in range(20)]


def test_the_default_rate_brings_one_report_every_20_to_40_seconds() -> None:
    feed = CitizenFeed("http://127.0.0.1:1", {"web": "key"}, seed=1)
    assert feed.rate == DEFAULT_RATE
    gaps = [feed.gap() for _ in range(2000)]
    assert min(gaps) >= 20.0 and max(gaps) <= 40.0
    assert 29.0 < sum(gaps) / len(gaps) < 31.0
    assert FIRST_WITHIN <= 10.0, "a new user sees the first report within seconds"
    with pytest.raises(ValueError):
        CitizenFeed("http://127.0.0.1:1", {"web": "key"}, rate_per_minute=0)
    fast = CitizenFeed("http://127.0.0.1:1", {"web": "key"}, rate_per_minute=60, seed=1)
    assert all(0.66 <= fast.gap() <= 1.34 for _ in range(200))


def test_the_running_feed_delivers_its_first_reports_within_seconds(hub: EmbeddedHub, token: str) -> None:
    after = _cursor(hub, token)
    feed = CitizenFeed.for_hub(hub, rate_per_minute=120, seed=5)
    _until(feed, lambda f: len(f.numbers) >= 2)
    assert len(feed.numbers) >= 2 and feed.failures == 0
    assert set(_new_reports(hub, token, after)) >= set(feed.numbers)


class FaultyTransport(httpx.AsyncBaseTransport):
    """The real transport, except that the first requests meet the faults listed."""

    def __init__(self, faults: list[str]) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.faults = list(faults)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.faults:
            fault = self.faults.pop(0)
            if fault == "refused":
                raise httpx.ConnectError("connection refused", request=request)
            if fault == "timeout":
                raise httpx.ReadTimeout("no answer", request=request)
            if fault == "garbage":
                return httpx.Response(201, text="<html>proxy error</html>")
            return httpx.Response(int(fault), text="Service Unavailable")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_hub_errors_are_logged_and_the_feed_goes_on(
    hub: EmbeddedHub, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    after = _cursor(hub, token)
    faults = ["refused", "503", "garbage", "timeout", "500"]
    feed = CitizenFeed(
        hub.url,
        hub.secrets.channel_keys,
        switchboard=(hub.switchboard_name, hub.operator_password),
        rate_per_minute=600,
        seed=8,
        first_within=0.05,
        retry=(0.05, 0.2),
        transport=FaultyTransport(faults),
    )
    with caplog.at_level(logging.WARNING, logger="ioc_console.demo.simulator"):
        _until(feed, lambda f: len(f.numbers) >= 3)
    assert feed.failures == len(faults)
    assert len(feed.numbers) >= 3
    assert set(_new_reports(hub, token, after)) >= set(feed.numbers)
    warned = [r.getMessage() for r in caplog.records if "did not take a report" in r.getMessage()]
    assert len(warned) == len(faults)


def test_a_hub_that_is_gone_does_not_end_the_feed(tmp_path: Path) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    feed = CitizenFeed(nobody, {"zalo": "key"}, seed=2, first_within=0.05, retry=(0.05, 0.1))
    _until(feed, lambda f: f.failures >= 4)
    assert feed.failures >= 4 and not feed.numbers


def test_stop_ends_a_feed_waiting_for_its_next_report(hub: EmbeddedHub) -> None:
    feed = CitizenFeed.for_hub(hub, rate_per_minute=0.01, seed=4)  # the next one in an hour or more
    feed.first_within = 0.05
    _until(feed, lambda f: len(f.numbers) >= 1)
    assert len(feed.numbers) == 1

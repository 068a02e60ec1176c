"""The hub's jurisdiction pack reaches a console, is kept for offline starts, and a broken one is
refused without losing the kept one."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from faults import FaultyTransport
from sync_support import ThreadHub

from ioc_console.domain.jurisdiction import PackError
from ioc_console.sync.client import HubClient
from ioc_console.sync.errors import HubUnavailable, MalformedAnswer
from ioc_console.sync.reference import keep_pack, kept_pack, refresh_pack


def test_the_hubs_pack_is_fetched_and_kept_for_an_offline_start(hub: ThreadHub, tmp_path: Path) -> None:
    folder = tmp_path / "pack"

    async def scenario() -> None:
        async with HubClient(hub.url, token=hub.token("lan.nt"), trust_env=False) as client:
            j = await refresh_pack(client, folder)
        assert j.name and "so-xd" in j.agencies
        assert kept_pack(folder) is not None

        cut = FaultyTransport()
        cut.cut()
        async with HubClient(hub.url, token=hub.token("lan.nt"), transport=cut, trust_env=False) as offline:
            again = await refresh_pack(offline, folder)
        assert again.name == j.name

        async with HubClient(hub.url, token=hub.token("lan.nt"), transport=cut, trust_env=False) as offline:
            with pytest.raises(HubUnavailable):
                await refresh_pack(offline, tmp_path / "never-fetched")

    asyncio.run(scenario())


def test_a_broken_pack_from_the_hub_leaves_the_kept_one(hub: ThreadHub, tmp_path: Path) -> None:
    folder = tmp_path / "pack"

    async def scenario() -> dict[str, str]:
        async with HubClient(hub.url, token=hub.token("lan.nt"), trust_env=False) as client:
            await refresh_pack(client, folder)
            _, _, files = await client.jurisdiction()
        return files

    files = asyncio.run(scenario())
    before = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}
    broken = dict(files)
    broken["agencies.json"] = "{ not json"
    with pytest.raises(PackError):
        keep_pack(folder, 99, "x", broken)
    with pytest.raises(MalformedAnswer):
        keep_pack(folder, 99, "x", {**files, "../evil.json": "{}"})
    assert {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()} == before


def test_a_garbled_jurisdiction_answer_is_a_malformed_answer(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"revision": 1, "sha256": "x", "files": ["not", "a", "dict"]})

    async def scenario() -> None:
        async with HubClient("http://127.0.0.1:9", token="t", transport=httpx.MockTransport(handler)) as c:
            with pytest.raises(MalformedAnswer):
                await refresh_pack(c, tmp_path / "pack")

    asyncio.run(scenario())

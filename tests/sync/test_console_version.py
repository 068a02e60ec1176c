"""The hub states the oldest console version it serves; an older console is told, in words, to update."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sync_support import PASSWORD, ThreadHub

from ioc_console import __version__
from ioc_console.domain.versions import OLDEST_HEADER, is_served, parse_version
from ioc_console.hub.settings import SettingsError, load_settings, read_environment
from ioc_console.sync.credentials import MemoryCredentials
from ioc_console.sync.errors import Outdated
from ioc_console.sync.session import HubAddress, sign_in


@pytest.fixture
def strict_hub(tmp_path: Path):  # type: ignore[no-untyped-def]
    running = ThreadHub(tmp_path, oldest_console="99.1")
    try:
        yield running
    finally:
        running.stop()


def test_an_older_console_is_refused_and_told_to_update_vietnamese_first(strict_hub: ThreadHub) -> None:
    async def scenario() -> None:
        with pytest.raises(Outdated) as caught:
            await sign_in(HubAddress(strict_hub.url), "lan.nt", PASSWORD, MemoryCredentials())
        vi, en = caught.value.message("vi"), caught.value.message("en")
        assert "đã cũ" in vi and "Hãy cập nhật IOC Console" in vi and "99.1" in vi and __version__ in vi
        assert "Update IOC Console" in en and "99.1" in en

    asyncio.run(scenario())


def test_the_hub_states_its_oldest_console_and_serves_newer_ones_and_other_clients(tmp_path: Path) -> None:
    hub = ThreadHub(tmp_path, oldest_console=__version__)
    try:

        async def scenario() -> None:
            signed = await sign_in(HubAddress(hub.url), "lan.nt", PASSWORD, MemoryCredentials())
            assert signed.user.name == "lan.nt"
            await signed.client.aclose()

        asyncio.run(scenario())
        with httpx.Client(base_url=hub.url, trust_env=False) as client:
            # A script that does not say what it is, and a console a version behind.
            plain = client.post("/api/v1/auth/login", json={"username": "lan.nt", "password": PASSWORD})
            older = client.post(
                "/api/v1/auth/login",
                json={"username": "lan.nt", "password": PASSWORD},
                headers={"X-IOC-Console-Version": "0.0.9"},
            )
        assert plain.status_code == 200 and plain.headers[OLDEST_HEADER] == __version__
        assert older.status_code == 426 and older.json()["error"] == "console.outdated"
        assert older.json()["message"]["vi"].startswith("Phiên bản IOC Console này (0.0.9) đã cũ")
    finally:
        hub.stop()


def test_versions_compare_as_numbers() -> None:
    assert parse_version("0.10.0") > parse_version("0.9.3")
    assert parse_version("1.2") == parse_version("1.2.0") == parse_version("v1.2.0rc1")
    assert is_served("0.10.0", "0.9") and not is_served("0.1.0", "0.2.0") and is_served("0.1.0", "")
    assert not is_served("bản thử", "0.1.0")
    with pytest.raises(ValueError):
        parse_version("mới nhất")


def test_a_hub_setting_that_is_not_a_version_is_refused_at_start() -> None:
    assert read_environment({"IOC_HUB_OLDEST_CONSOLE": "0.2.0"}) == {"oldest_console": "0.2.0"}
    with pytest.raises(SettingsError, match="oldest_console"):
        load_settings(environ={"IOC_HUB_OLDEST_CONSOLE": "mới nhất"})

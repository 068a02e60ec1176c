"""Report numbers: the hub numbers every new report by the jurisdiction pack's scheme, after the
highest number it already holds (a loaded history included), and never hands out one twice, even
when many reports arrive at once, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from hub_support import INSIDE, START, Hub, new_database, prepare_database

from ioc_console.demo.generator import generate
from ioc_console.domain.jurisdiction import load_pack
from ioc_console.domain.numbering import NumberScheme
from ioc_console.hub.db import Database
from ioc_console.hub.jurisdiction_store import PackHolder
from ioc_console.hub.server import BackgroundHub
from ioc_console.hub.service import HubService
from ioc_console.hub.settings import HubSettings
from ioc_console.resources import default_pack_path

SCHEME = load_pack(default_pack_path()).numbers


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def history_hub(request: pytest.FixtureRequest, tmp_path: Path, pg_session: list[str]) -> Iterator[Hub]:
    """A hub holding a history of 40 reports numbered as the demo numbers them (``PA-2025-…``)."""
    url = new_database(request.param, tmp_path, pg_session)
    key, clock = prepare_database(url)
    db = Database(url, pool_size=2)
    try:
        packs = PackHolder()
        with db.read() as conn:
            jurisdiction = packs.load(conn).jurisdiction
        service = HubService(HubSettings(database_url=url, clock=clock), db, packs)
        history = list(
            generate(
                jurisdiction,
                count=40,
                start=START - timedelta(days=60),
                end=START - timedelta(hours=1),
                now=START,
            )
        )
        assert service.load_history(history, by="tests") == 40
    finally:
        db.dispose()
    server = BackgroundHub(HubSettings(database_url=url, clock=clock)).start()
    hub = Hub(
        url=server.url, db_url=url, backend=request.param, clock=clock, api_key=key, users={}, server=server
    )
    hub.history = [r.number for r in history]  # type: ignore[attr-defined]
    try:
        yield hub
    finally:
        hub.close()
        server.stop()


def _post(url: str, key: str) -> str:
    with httpx.Client(base_url=url, timeout=60) as client:
        r = client.post(
            "/open311/v2/requests.json",
            data={
                "api_key": key,
                "service_code": "environment",
                "lat": INSIDE[0],
                "long": INSIDE[1],
                "description": "Rác thải đổ trộm ven đường",
            },
        )
    assert r.status_code == 201, r.text
    return str(r.json()[0]["service_request_id"])


def test_the_pack_sets_the_scheme() -> None:
    assert NumberScheme("PA", 6) == SCHEME


def test_new_reports_continue_after_the_history_in_its_scheme(history_hub: Hub) -> None:
    history: list[str] = history_hub.history  # type: ignore[attr-defined]
    of_2025 = sorted(SCHEME.parse(n)[1] for n in history if n.startswith("PA-2025-"))  # type: ignore[index]
    assert of_2025, history
    first = history_hub.submit()
    second = history_hub.submit()
    assert first == SCHEME.format(2025, of_2025[-1] + 1)
    assert second == SCHEME.format(2025, of_2025[-1] + 2)
    assert first not in history and second not in history


def test_reports_arriving_at_once_get_distinct_numbers_in_sequence(history_hub: Hub) -> None:
    """20 requests at once, the first of them racing to start the year's counter."""
    history: list[str] = history_hub.history  # type: ignore[attr-defined]
    highest = max(SCHEME.parse(n)[1] for n in history if n.startswith("PA-2025-"))  # type: ignore[index]
    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(lambda _i: _post(history_hub.url, history_hub.api_key), range(20)))
    assert sorted(numbers) == [SCHEME.format(2025, highest + i) for i in range(1, 21)]


def test_a_new_year_starts_at_one(history_hub: Hub) -> None:
    history_hub.clock.set(START.replace(year=2026, month=1, day=5))
    assert history_hub.submit() == "PA-2026-000001"
    assert history_hub.submit() == "PA-2026-000002"

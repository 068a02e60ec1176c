"""Two ``ioc-hub serve`` processes on one PostgreSQL behind HAProxy, consoles streaming through it:
a change committed through one process is announced by the other at once (PostgreSQL NOTIFY, not
polling: the processes here would poll only once a minute), and when one process is killed while
consoles act, every action reaches the hub exactly once and every console catches up."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cluster_support import HubCluster, pg_database, postgres_problem
from prometheus_client.parser import text_string_to_metric_families
from sync_support import USERS, HubAccess, eventually, history_count, make_console, prepare_hub_database

from ioc_console.domain.lifecycle import Action
from ioc_console.sync import apply

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HubCluster, str]]:
    """One cluster for the module: the test that kills a process runs last."""
    has_haproxy = shutil.which("haproxy") or os.path.exists("/usr/sbin/haproxy")
    missing = postgres_problem() or (
        None if has_haproxy else "haproxy is not installed (apt-get install haproxy)"
    )
    if missing:
        if os.environ.get("IOC_REQUIRE_POSTGRES") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    with pg_database() as db_url:
        key = prepare_hub_database(db_url)
        with HubCluster(db_url, tmp_path_factory.mktemp("cluster"), 2, IOC_HUB_POLL_INTERVAL="60") as running:
            yield running, key


def test_a_change_through_one_process_is_announced_by_the_other_at_once(
    cluster: tuple[HubCluster, str],
) -> None:
    hubs, key = cluster
    one, other = HubAccess(hubs.urls[0], key), HubAccess(hubs.urls[1], key)

    async def scenario() -> None:
        for _ in range(3):
            ready: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            number_box: dict[str, str] = {}

            async def listen(ready: asyncio.Future[float] = ready, box: dict[str, str] = number_box) -> float:
                async with (
                    httpx.AsyncClient(timeout=30, trust_env=False) as c,
                    c.stream(
                        "GET",
                        f"{one.url}/api/v1/events",
                        headers={"Authorization": f"Bearer {one.token('sup')}"},
                    ) as r,
                ):
                    async for line in r.aiter_lines():
                        if line.startswith("event: hello") and not ready.done():
                            ready.set_result(0.0)
                        if "number" in box and box["number"] in line:
                            return time.monotonic()
                raise AssertionError("the stream ended")

            heard = asyncio.create_task(listen())
            await asyncio.wait_for(ready, 10)
            number_box["number"] = await asyncio.to_thread(other.submit, "Cây đổ chắn ngang đường")
            posted = time.monotonic()
            arrived = await asyncio.wait_for(heard, 10)
            # Within a second on a quiet machine (benchmarks/bench_load.py); a shared CI machine may be
            # slower, but polling would take a minute.
            assert arrived - posted < 3.0

    asyncio.run(scenario())


def test_a_process_whose_notification_connection_was_cut_listens_again(
    cluster: tuple[HubCluster, str],
) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    hubs, key = cluster
    one, other = HubAccess(hubs.urls[0], key), HubAccess(hubs.urls[1], key)
    database = make_url(hubs.db_url).database
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        cut = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND query LIKE 'LISTEN%%'",
            (database,),
        ).fetchall()
    assert len(cut) == 2  # one LISTEN connection per process

    async def scenario() -> None:
        ready = asyncio.Event()
        box: dict[str, str] = {}

        async def listen() -> None:
            headers = {"Authorization": f"Bearer {one.token('sup')}"}
            async with (
                httpx.AsyncClient(timeout=30, trust_env=False) as c,
                c.stream("GET", f"{one.url}/api/v1/events", headers=headers) as r,
            ):
                async for line in r.aiter_lines():
                    if line.startswith("event: hello"):
                        ready.set()
                    if "number" in box and box["number"] in line:
                        return

        heard = asyncio.create_task(listen())
        await asyncio.wait_for(ready.wait(), 10)
        box["number"] = await asyncio.to_thread(other.submit, "Sau khi mất kết nối thông báo")
        # Heard within seconds although the processes would poll only once a minute.
        await asyncio.wait_for(heard, 10)

    asyncio.run(scenario())


def test_consoles_through_haproxy_lose_nothing_when_a_hub_process_dies(
    cluster: tuple[HubCluster, str], tmp_path: Path
) -> None:
    hubs, key = cluster
    proxy = HubAccess(hubs.url, key)
    users = [u for u, (role, _, _) in USERS.items() if role.value in ("operator", "supervisor")]
    numbers = [proxy.submit(f"Phản ánh {i}: ổ gà trên đường 21/8") for i in range(6)]

    async def scenario() -> None:
        consoles = [make_console(proxy, tmp_path, users[i % len(users)], f"console-{i}") for i in range(4)]
        try:
            for console in consoles:
                await console.engine.start()
            for console in consoles:
                await console.engine.wait_for(lambda s: s.live, timeout=20)
            for console in consoles:
                await eventually(
                    lambda c=console: all(c.store.get_report(n) for n in numbers), what="the first reports"
                )
            outcomes: list[tuple[str, str]] = []

            async def act_round(tag: str) -> None:
                for i, console in enumerate(consoles):
                    for number in numbers[i :: len(consoles)]:  # none acts on another's
                        outcome = f"{tag}: {console.name} gọi về {number}"
                        await console.engine.act(number, Action.LOG_CALL, {"outcome": outcome})
                        outcomes.append((number, outcome))

            await act_round("trước")
            # The process that dies is the one holding more of the consoles' live streams.
            streams = [await asyncio.to_thread(_live_streams, url) for url in hubs.urls]
            assert sum(streams) >= len(consoles) and max(streams) > 0
            victim = streams.index(max(streams))
            # One process dies while actions are on their way; citizens keep reporting.
            acting = asyncio.create_task(act_round("trong lúc"))
            await asyncio.sleep(0.05)
            hubs.kill(victim)
            await acting
            numbers.extend([await asyncio.to_thread(proxy.submit, f"Sau sự cố {i}") for i in range(3)])
            for console in consoles:
                await eventually(
                    lambda c=console: all(c.store.get_report(n) for n in numbers),
                    timeout=30,
                    what=f"the reports made after the failure in {console.name}",
                )
            await act_round("sau")

            for console in consoles:
                await console.engine.wait_for(lambda s: s.waiting == 0, timeout=30)
            # Every action reached the hub exactly once.
            for number, outcome in outcomes:
                doc = await asyncio.to_thread(proxy.report, number)
                assert history_count(doc, "log_call", outcome=outcome) == 1, (number, outcome)
            head = int(await asyncio.to_thread(_feed_cursor, proxy))

            # Every console caught up: all reports, every action once, the cursor at the hub's head,
            # and its live stream back (now on the process that is left).
            for console in consoles:
                await eventually(
                    lambda c=console: apply.read_cursor(c.store) >= head,
                    timeout=30,
                    what=f"{console.name} at the hub's head",
                )
                await console.engine.wait_for(lambda s: s.live and s.waiting == 0, timeout=20)
                for number, outcome in outcomes:
                    local = console.store.get_report(number)
                    assert local is not None
                    found = [e for e in local.history if e.data.get("outcome") == outcome]
                    assert len(found) == 1, (console.name, number, outcome)
                assert all(console.store.get_report(n) for n in numbers)
        finally:
            for console in consoles:
                await console.close()

    asyncio.run(scenario())


def _feed_cursor(hub: HubAccess) -> str:
    with httpx.Client(base_url=hub.url, timeout=30, trust_env=False) as c:
        r = c.get(
            "/api/v1/feed",
            params={"after": "0", "limit": 5000},
            headers={"Authorization": f"Bearer {hub.token('admin')}"},
        )
    assert r.status_code == 200, r.text
    cursor: str = r.json()["cursor"]
    return cursor


def _live_streams(url: str) -> int:
    text = httpx.get(f"{url}/metrics", timeout=10).text
    return int(
        float(
            next(
                s.value
                for f in text_string_to_metric_families(text)
                for s in f.samples
                if s.name == "ioc_hub_live_streams"
            )
        )
    )

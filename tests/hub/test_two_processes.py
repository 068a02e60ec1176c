"""Two ``ioc-hub serve`` processes on one database behave as one hub: concurrent actions on the same
report through both lose none and apply none twice, the change feed skips nothing committed late,
and a change made through one process is announced by the other."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hub_support import INSIDE, PASSWORD, new_database, prepare_database
from test_feed_events import listen

from ioc_console.hub.server import free_port


@dataclass
class Cluster:
    urls: list[str]
    api_key: str
    tokens: dict[str, str]

    def client(self, i: int, user: str | None = "op") -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        return httpx.Client(base_url=self.urls[i % len(self.urls)], headers=headers, timeout=60)


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ioc-hub serve exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"ioc-hub serve did not answer: {log.read_text(errors='replace')}")


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def cluster(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_session: list[str]
) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("cluster")
    url = new_database(request.param, tmp, pg_session)
    api_key, _clock = prepare_database(url)
    processes: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    try:
        for n in range(2):
            port = free_port()
            log = tmp / f"serve-{n}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "ioc_console.hub.cli",
                        "serve",
                        "--db",
                        url,
                        "--port",
                        str(port),
                        "--log-level",
                        "warning",
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
            processes.append(process)
            urls.append(f"http://127.0.0.1:{port}")
            _wait_ready(urls[-1], process, log)
        tokens = {}
        for user in ("op", "sup"):
            r = httpx.post(f"{urls[0]}/api/v1/auth/login", json={"username": user, "password": PASSWORD})
            tokens[user] = r.json()["token"]
        yield Cluster(urls, api_key, tokens)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def _submit(cluster: Cluster, i: int, text: str) -> str:
    with cluster.client(i, None) as c:
        r = c.post(
            "/open311/v2/requests.json",
            data={
                "api_key": cluster.api_key,
                "service_code": "environment",
                "lat": INSIDE[0],
                "long": INSIDE[1],
                "description": text,
            },
        )
    assert r.status_code == 201, r.text
    number: str = r.json()[0]["service_request_id"]
    return number


def test_concurrent_actions_on_one_report_lose_none_and_apply_none_twice(cluster: Cluster) -> None:
    number = _submit(cluster, 0, "Ngập nước sau mưa lớn")
    workers, per_worker = 8, 5
    answers: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()

    def work(w: int) -> int:
        conflicts = 0
        with cluster.client(w, "op") as mine, cluster.client(w + 1, "op") as other:
            for i in range(per_worker):
                key = f"w{w}-a{i}-{uuid.uuid4().hex[:6]}"
                payload = {"outcome": f"Cuộc gọi {w}/{i}"}
                version = mine.get(f"/api/v1/reports/{number}").json()["version"]
                while True:
                    body = {"idempotency_key": key, "base_version": version, "payload": payload}
                    r = mine.post(f"/api/v1/reports/{number}/actions/log_call", json=body)
                    if r.status_code == 409:
                        assert r.json()["error"] == "version.stale"
                        conflicts += 1
                        version = r.json()["report"]["version"]
                        continue
                    assert r.status_code == 200, r.text
                    break
                # Delivered again, to the other process, as after a lost answer: the first answer.
                again = other.post(f"/api/v1/reports/{number}/actions/log_call", json=body)
                assert again.status_code == 200 and again.json() == r.json()
                with lock:
                    answers[key] = r.json()
        return conflicts

    with ThreadPoolExecutor(workers) as pool:
        conflicts = sum(pool.map(work, range(workers)))
    with cluster.client(0) as c:
        report = c.get(f"/api/v1/reports/{number}").json()
    calls = [e for e in report["history"] if e["action"] == "log_call"]
    assert len(calls) == workers * per_worker
    assert len({e["data"]["outcome"] for e in calls}) == workers * per_worker
    assert report["version"] == 1 + workers * per_worker
    assert [e["seq"] for e in report["history"]] == list(range(1, len(report["history"]) + 1))
    assert sorted(a["report"]["version"] for a in answers.values()) == list(
        range(2, 2 + workers * per_worker)
    )
    assert conflicts > 0  # they did collide, and the versions told them


def test_the_same_action_sent_to_both_processes_at_once_is_applied_once(cluster: Cluster) -> None:
    number = _submit(cluster, 1, "Đèn đường tắt")
    for round_ in range(10):
        with cluster.client(0) as c:
            version = c.get(f"/api/v1/reports/{number}").json()["version"]
        body = {
            "idempotency_key": f"same-{round_}-{uuid.uuid4().hex[:6]}",
            "base_version": version,
            "payload": {"outcome": f"lần {round_}"},
        }
        barrier = threading.Barrier(2)

        def send(i: int, body: dict[str, Any] = body, barrier: threading.Barrier = barrier) -> httpx.Response:
            with cluster.client(i) as c:
                barrier.wait()
                return c.post(f"/api/v1/reports/{number}/actions/log_call", json=body)

        with ThreadPoolExecutor(2) as pool:
            first, second = pool.map(send, (0, 1))
        assert first.status_code == second.status_code == 200, (first.text, second.text)
        assert first.json() == second.json()
    with cluster.client(1) as c:
        report = c.get(f"/api/v1/reports/{number}").json()
    assert report["version"] == 11
    assert len([e for e in report["history"] if e["action"] == "log_call"]) == 10


def test_the_feed_skips_nothing_while_both_processes_write(cluster: Cluster) -> None:
    with cluster.client(0) as c:
        cursor = c.get("/api/v1/feed", params={"after": "0", "limit": 100_000}).json()["cursor"]
    created: list[str] = []
    seen: dict[str, int] = {}
    done = threading.Event()
    errors: list[str] = []

    def follow() -> None:
        nonlocal cursor
        with cluster.client(0) as c:
            while True:
                finished = done.is_set()
                page = c.get("/api/v1/feed", params={"after": cursor, "limit": 7}).json()
                for change in page["changes"]:
                    if int(change["seq"]) <= int(cursor):
                        errors.append(f"seq {change['seq']} after cursor {cursor}")
                    seen[change["number"]] = change["seq"]
                if int(page["cursor"]) < int(cursor):
                    errors.append("cursor went back")
                cursor = page["cursor"]
                if finished and not page["more"]:
                    return

    def write(i: int) -> list[str]:
        return [_submit(cluster, i, f"Phản ánh {i}-{n}") for n in range(15)]

    follower = threading.Thread(target=follow)
    follower.start()
    try:
        with ThreadPoolExecutor(6) as pool:
            for numbers in pool.map(write, range(6)):
                created.extend(numbers)
    finally:
        done.set()
        follower.join(60)
    assert not errors, errors
    assert set(created) <= set(seen), sorted(set(created) - set(seen))
    assert len(created) == 90


def test_a_change_through_one_process_is_announced_by_the_other(cluster: Cluster) -> None:
    number = _submit(cluster, 0, "Cây đổ")

    async def scenario() -> None:
        async with listen(cluster.urls[0], cluster.tokens["sup"]) as events:
            started = time.monotonic()
            with cluster.client(1) as c:
                r = await asyncio.to_thread(
                    c.post,
                    f"/api/v1/reports/{number}/actions/set_priority",
                    json={
                        "idempotency_key": uuid.uuid4().hex,
                        "base_version": 1,
                        "payload": {"priority": "high"},
                    },
                )
            assert r.status_code == 200
            at, data = await events.next()
            while data["number"] != number:
                at, data = await events.next()
            assert at - started < 1.0

    asyncio.run(scenario())

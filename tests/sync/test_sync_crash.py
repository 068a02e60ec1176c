"""Crashes: the hub SIGKILLed while a console flushes its outbox, and a console SIGKILLed with
actions waiting. Every action reaches the hub exactly once (idempotency keys), none is lost."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults import FaultyTransport
from sync_support import HERE, ProcessHub, history_count, make_console, open_store

from ioc_console.domain.lifecycle import Action
from ioc_console.store import OutboxState
from ioc_console.sync.status import SyncState


@pytest.fixture
def process_hub(tmp_path: Path) -> Iterator[ProcessHub]:
    hub = ProcessHub(tmp_path).start()
    try:
        yield hub
    finally:
        hub.stop()


def _outcomes(hub: ProcessHub, numbers: list[str], count: int) -> list[int]:
    """How many times each ``Cuộc gọi số i`` call is in the hub's histories."""
    docs = [hub.report(n) for n in numbers]
    return [sum(history_count(d, "log_call", outcome=f"Cuộc gọi số {i}") for d in docs) for i in range(count)]


def test_the_hub_killed_while_the_outbox_flushes_applies_every_action_once(
    process_hub: ProcessHub, tmp_path: Path
) -> None:
    hub = process_hub
    numbers = [hub.submit(f"Rác tồn đọng ở hẻm {i} đường Thống Nhất") for i in range(4)]
    count = 30

    async def scenario() -> None:
        transport = FaultyTransport(latency=0.03)
        console = make_console(hub, tmp_path, "lan.nt", "flush", transport=transport)
        acks = 0

        def on_change(change: object) -> None:
            nonlocal acks
            if getattr(change, "source", "") == "ack":
                acks += 1

        console.engine.on_changes(on_change)
        try:
            await console.engine.pull()
            for i in range(count):
                await console.engine.act(numbers[i % 4], Action.LOG_CALL, {"outcome": f"Cuộc gọi số {i}"})
            await console.engine.start()
            while acks < 5:
                await asyncio.sleep(0.01)
            hub.kill()
            killed_at = acks
            status = await console.engine.wait_for(lambda s: s.state is SyncState.OFFLINE, timeout=10)
            assert 0 < status.waiting < count
            await asyncio.sleep(1.0)  # the console retries against a dead hub meanwhile
            assert acks <= killed_at + 1
            await asyncio.to_thread(hub.start)
            await console.engine.wait_for(
                lambda s: s.state is SyncState.ONLINE and s.waiting == 0, timeout=30
            )
            entries = [console.store.outbox_entry(i) for i in range(1, count + 1)]
            assert all(e is not None and e.state is OutboxState.ACKNOWLEDGED for e in entries)
            assert any(e is not None and e.attempts > 0 for e in entries), "some sends failed meanwhile"
        finally:
            await console.close()

    asyncio.run(scenario())
    assert _outcomes(hub, numbers, count) == [1] * count


def _console(store: Path, hub: ProcessHub, token: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HERE / "console_main.py"), str(store), hub.url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "IOC_TEST_TOKEN": token},
    )


def test_a_console_killed_with_actions_waiting_delivers_them_all_after_restart(
    process_hub: ProcessHub, tmp_path: Path
) -> None:
    hub = process_hub
    numbers = [hub.submit(f"Đèn tín hiệu giao thông hỏng ở nút {i}") for i in range(3)]
    count = 40
    path = tmp_path / "killed.sqlite3"
    token = hub.login("hung.tv", "killed")

    first = _console(path, hub, token, "act", str(count), *numbers)
    try:
        assert first.stdout is not None
        assert first.stdout.readline().strip() == "queued"
        acks = 0
        while acks < 3:
            line = first.stdout.readline()
            assert line, f"the console ended early: {first.stderr.read() if first.stderr else ''}"
            acks += line.strip() == "ack"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
        for stream in (first.stdout, first.stderr):
            if stream is not None:
                stream.close()

    store = open_store(path)
    try:
        waiting = len(store.pending_actions())
    finally:
        store.close()
    assert 0 < waiting < count, "killed with actions still waiting"

    second = _console(path, hub, token, "resume")
    out, err = second.communicate(timeout=90)
    assert second.returncode == 0, err
    assert out.strip().endswith("done")

    store = open_store(path)
    try:
        assert store.pending_actions() == []
        states = {store.outbox_entry(i).state for i in range(1, count + 1)}  # type: ignore[union-attr]
        assert states == {OutboxState.ACKNOWLEDGED}
    finally:
        store.close()
    assert _outcomes(hub, numbers, count) == [1] * count

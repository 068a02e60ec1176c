"""``settle`` ends tasks without ever swallowing a cancellation of the task that waits for them."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from ioc_console.aio import settle


async def _slow_to_stop(stopped: list[str]) -> None:
    """A task that takes a moment to end once cancelled (it closes a connection, say)."""
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        await asyncio.sleep(0.2)
        stopped.append("slow")
        raise


async def _the_old_way(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def test_a_cancelled_waiter_stays_cancelled_where_the_old_way_lost_it() -> None:
    async def scenario(stop: object) -> str:
        stopped: list[str] = []
        slow = asyncio.create_task(_slow_to_stop(stopped))
        await asyncio.sleep(0)
        waiter = asyncio.create_task(stop(slow))  # type: ignore[operator]
        await asyncio.sleep(0.05)
        waiter.cancel()  # the console closes while it waits
        try:
            await waiter
        except asyncio.CancelledError:
            return "cancelled"
        return "carried on"

    assert asyncio.run(scenario(_the_old_way)) == "carried on"  # the trap this module avoids
    assert asyncio.run(scenario(lambda task: settle((task,)))) == "cancelled"


def test_settle_ends_tasks_takes_their_errors_and_names_one_that_will_not_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def failing() -> None:
        raise ValueError("lost")

    async def stubborn(release: asyncio.Event) -> None:
        while not release.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(3600)

    async def scenario() -> tuple[int, bool, bool]:
        stopped: list[str] = []
        release = asyncio.Event()
        slow = asyncio.create_task(_slow_to_stop(stopped))
        broken = asyncio.create_task(failing())
        holdout = asyncio.create_task(stubborn(release), name="holdout")
        await asyncio.sleep(0)
        left = await settle((slow, broken, holdout), timeout=0.5)
        release.set()
        holdout.cancel()
        await asyncio.wait({holdout})
        return len(left), stopped == ["slow"], slow.cancelled()

    with caplog.at_level(logging.ERROR, logger="ioc_console.aio"):
        left, slow_ended, slow_cancelled = asyncio.run(scenario())
    assert (left, slow_ended, slow_cancelled) == (1, True, True)
    assert "holdout" in caplog.text and "did not end within 0.5 s" in caplog.text
    assert "in stubborn" in caplog.text

"""A hung test fails within its limit and says where it waited: every thread's stack and, for a
test running an asyncio loop, the chain of awaits of each pending task; a hang the handler cannot
reach ends the process with the stacks instead of running into CI's limit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _run_pytest(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_hangs.py").write_text(textwrap.dedent(source), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(TESTS))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "timeouts", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_hung_async_test_fails_and_names_the_await_it_was_stuck_in(tmp_path: Path) -> None:
    result = _run_pytest(
        tmp_path,
        """
        import asyncio, threading
        import pytest

        async def wait_for_a_wake_up_that_never_comes(event):
            await event.wait()
            yield 1

        async def read(event):
            async for _ in wait_for_a_wake_up_that_never_comes(event):
                pass

        @pytest.mark.timeout(2)
        def test_hangs():
            async def scenario():
                event = asyncio.Event()
                task = asyncio.create_task(read(event), name="stuck-waiter")
                await task
            asyncio.run(scenario())

        def test_after_it_still_runs():
            assert True
        """,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "1 failed, 1 passed" in out
    assert "ran past its limit of 2 s" in out
    assert "--- thread MainThread" in out
    assert "task stuck-waiter" in out
    assert "in read" in out
    assert "in wait_for_a_wake_up_that_never_comes" in out  # inside the async generator it drives


def test_a_hang_the_handler_cannot_reach_ends_the_process_with_every_stack(tmp_path: Path) -> None:
    result = _run_pytest(
        tmp_path,
        """
        import signal, threading, time
        import pytest
        import timeouts

        timeouts.BACKSTOP = 1.0

        @pytest.mark.timeout(1)
        def test_blocks_signals():
            # A wait in C that Python's signal handler never interrupts (as Qt's event loop can be).
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            threading.Event().wait(30)
        """,
    )
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "Timeout (0:00:02)!" in out
    assert "test_blocks_signals" in out

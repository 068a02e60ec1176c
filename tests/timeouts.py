"""A per-test time limit that says where a hung test was waiting.

pytest-timeout decides how long each test may take (the ``timeout`` ini setting, or a test's
``@pytest.mark.timeout(N)``); this module decides what happens when the limit is reached. From
the main thread (SIGALRM) it prints every thread's stack, names included, and, when the test was
running an asyncio loop there, every pending task with the chain of awaits it is stuck in; then the
test fails and the run goes on. A test can also hang where Python never gets to run that handler (a
Qt event loop waiting in C, or a teardown that waits again on what hung), so a second alarm, in C,
prints every thread and ends the process ``BACKSTOP`` seconds later: a hang can make a run fail, but
never make it run into CI's time limit.
"""

from __future__ import annotations

import asyncio
import faulthandler
import gc
import inspect
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from types import FrameType
from typing import Any, TextIO

import pytest

#: Seconds after a test's own limit at which the whole process is stopped, stacks printed.
BACKSTOP = 60.0

#: The terminal's stderr, taken before pytest captures the tests' output (the backstop writes here).
_stderr: TextIO | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _stderr
    if _stderr is None:
        _stderr = os.fdopen(os.dup(sys.__stderr__.fileno()), "w")


def pytest_unconfigure(config: pytest.Config) -> None:
    global _stderr
    faulthandler.cancel_dump_traceback_later()
    if _stderr is not None:
        _stderr.close()
        _stderr = None


def _frame_of(awaitable: Any) -> FrameType | None:
    for name in ("cr_frame", "ag_frame", "gi_frame"):
        frame = getattr(awaitable, name, None)
        if frame is not None:
            return frame  # type: ignore[no-any-return]
    return None


def _awaited_by(awaitable: Any) -> Any:
    for name in ("cr_await", "ag_await", "gi_yieldfrom"):
        inner = getattr(awaitable, name, None)
        if inner is not None:
            return inner
    if _frame_of(awaitable) is None:
        # ``async for`` awaits an ``async_generator_asend``, which names no frame: the generator it
        # drives is among the objects it refers to.
        for referent in gc.get_referents(awaitable):
            if inspect.isasyncgen(referent):
                return referent
    return None


def describe_tasks(loop: asyncio.AbstractEventLoop, out: TextIO) -> int:
    """Write each pending task of ``loop`` with the chain of coroutines it waits in; their count."""
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        out.write(f"--- task {task.get_name()}: {task!r}\n")
        awaitable: Any = task.get_coro()
        depth = 0
        while awaitable is not None and depth < 64:
            frame = _frame_of(awaitable)
            if frame is not None:
                code = frame.f_code
                out.write(f"    {code.co_filename}:{frame.f_lineno} in {code.co_name}\n")
            else:
                out.write(f"    awaiting {awaitable!r}\n")
            awaitable = _awaited_by(awaitable)
            depth += 1
    return len(tasks)


def describe_threads(out: TextIO) -> None:
    """Write every thread's stack, with its name."""
    names = {t.ident: t.name for t in threading.enumerate()}
    for ident, frame in sys._current_frames().items():
        out.write(f"--- thread {names.get(ident, '?')} ({ident})\n")
        out.write("".join(traceback.format_stack(frame)))


def _on_timeout(item: pytest.Item, seconds: float) -> None:
    out = sys.stderr
    out.write(f"\n{'+' * 30} {item.nodeid} ran past its limit of {seconds:g} s {'+' * 30}\n")
    describe_threads(out)
    loop = asyncio._get_running_loop()
    if loop is not None:
        out.write(f"{'~' * 20} pending asyncio tasks of the main thread's loop {'~' * 20}\n")
        describe_tasks(loop, out)
    out.flush()
    pytest.fail(f"Timeout: the test ran past its limit of {seconds:g} s (stacks and tasks above)")


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    seconds = float(settings.timeout or 0)
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        return None  # pytest-timeout's own way

    def handler(signum: int, frame: FrameType | None) -> None:
        __tracebackhide__ = True
        _on_timeout(item, seconds)

    def cancel() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        faulthandler.cancel_dump_traceback_later()

    item.cancel_timeout = cancel  # type: ignore[attr-defined]
    signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    faulthandler.dump_traceback_later(seconds + BACKSTOP, exit=True, file=_stderr or sys.__stderr__)
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_cancel_timer(item: pytest.Item) -> bool | None:
    cancel: Callable[[], None] | None = getattr(item, "cancel_timeout", None)
    if cancel is None:
        return None
    cancel()
    return True

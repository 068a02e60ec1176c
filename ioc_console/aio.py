"""Ending asyncio tasks without losing a cancellation: one small helper every layer uses.

``task.cancel()`` followed by ``with suppress(CancelledError): await task`` has a trap: if the
*waiting* task is itself cancelled while it waits, the ``suppress`` swallows that cancellation too,
and the waiting task carries on as if nobody had asked it to stop. A loop written that way can
never be stopped, and whoever waits for it waits forever. :func:`settle` waits with
:func:`asyncio.wait`, which never raises a task's own outcome and always raises the waiter's
cancellation; with a ``timeout`` it gives up on a task that will not end, and says which.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from typing import Any

log = logging.getLogger(__name__)


async def settle(
    futures: Collection[asyncio.Future[Any]], *, cancel: bool = True, timeout: float | None = None
) -> set[asyncio.Future[Any]]:
    """Cancel (unless ``cancel`` is false) each of ``futures`` still running and wait until they
    have ended, or ``timeout`` seconds; the ones still running then (logged with their stacks).

    Their results and errors are taken (so none is reported as never retrieved) but not raised: the
    caller asked them to stop. A cancellation of the caller is raised, never swallowed."""
    running = [f for f in futures if not f.done()]
    if cancel:
        for future in running:
            future.cancel()
    pending: set[asyncio.Future[Any]] = set()
    if running:
        _, pending = await asyncio.wait(running, timeout=timeout)
    for future in futures:
        if future.done() and not future.cancelled():
            future.exception()
    for future in pending:
        log.error("%r did not end within %s s of being asked to", future, timeout)
        if isinstance(future, asyncio.Task):
            for frame in future.get_stack():
                log.error("  at %s:%s in %s", frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)
    return pending


__all__ = ["settle"]

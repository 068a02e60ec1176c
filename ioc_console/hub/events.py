"""Live events: every committed change announced to every connected console that may see it.

Each hub process runs one poller that reads the change sequence counter every ``poll_interval``
(250 ms by default): a change committed by any process sharing the database is found within that
time, so several processes on one PostgreSQL announce the same changes. A write in this process also
wakes the poller at once. Each console's stream gets only the changes its user may see: a liaison
hears of their agency's reports and of reports that left their agency (``remove``), nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field

from anyio import to_thread

from ioc_console.domain.lifecycle import Role
from ioc_console.hub.service import HubService, Principal

log = logging.getLogger(__name__)

#: Changes read per poll; a larger backlog is read in several rounds.
BATCH = 5000
#: More events than this for one subscriber in one round are sent as a single ``resync``.
COALESCE = 200
QUEUE_SIZE = 1000
#: After a local write wakes the poller, it waits this long for others to batch them.
COALESCE_SECONDS = 0.02
#: Every this many rounds (about 5 s) the process checks whether another one stored a newer pack.
PACK_CHECK_ROUNDS = 20


@dataclass(eq=False)
class Subscriber:
    principal: Principal
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    overflowed: bool = False

    def wants(self, agency: str | None, kind: str) -> bool:
        if kind == "remove":
            p = self.principal
            return p.role is Role.LIAISON and p.agency is not None and p.agency == agency
        return self.principal.may_see(agency)

    def offer(self, message: str) -> None:
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.overflowed = True


def sse(event: str, data: object, ident: int | None = None) -> str:
    head = f"id: {ident}\n" if ident is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


class Broadcaster:
    def __init__(self, service: HubService, interval: float) -> None:
        self.service = service
        self.interval = interval
        self._rounds = 0
        self._stale = False
        self.subscribers: set[Subscriber] = set()
        self.last = 0
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.last = await to_thread.run_sync(self.service.head)
        self._task = asyncio.create_task(self._run(), name="ioc-hub-events")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for sub in list(self.subscribers):
            with contextlib.suppress(asyncio.QueueFull):
                sub.queue.put_nowait(None)

    def poke(self) -> None:
        """Wake the poller (callable from any thread): a change was committed in this process."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake.set)

    async def subscribe_fresh(self, principal: Principal) -> Subscriber:
        """Subscribe, first catching up with the head if nobody was listening (see :meth:`round`)."""
        if self._stale:
            head = await to_thread.run_sync(self.service.head)
            if self._stale:
                self.last = max(self.last, head)
                self._stale = False
        return self.subscribe(principal)

    def subscribe(self, principal: Principal) -> Subscriber:
        sub = Subscriber(principal)
        self.subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
                # Woken by a write here: let a burst of writes finish, then read them in one go.
                await asyncio.sleep(COALESCE_SECONDS)
            self._wake.clear()
            try:
                await self.round()
                self._rounds += 1
                if self._rounds % PACK_CHECK_ROUNDS == 0:
                    await to_thread.run_sync(self.service.refresh_pack)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be briefly unreachable: keep polling
                log.exception("live events: polling the change sequence failed")

    async def round(self) -> None:
        if not self.subscribers:
            # Nobody listens: nothing to read. The next listener starts from the head (a console
            # pulls the feed from its own cursor when its stream opens, so it misses nothing).
            self._stale = True
            return
        if self._stale:
            self.last = await to_thread.run_sync(self.service.head)
            self._stale = False
            return
        while True:
            upto, head, changes = await to_thread.run_sync(self.service.changes_since, self.last, BATCH)
            if changes:
                self._dispatch(changes)
            self.last = max(self.last, upto)
            if upto >= head:
                return

    def _dispatch(self, changes: list[tuple[int, str, str | None, str]]) -> None:
        for sub in list(self.subscribers):
            mine = [c for c in changes if sub.wants(c[2], c[3])]
            if not mine:
                continue
            if len(mine) > COALESCE or sub.overflowed:
                sub.overflowed = False
                sub.offer(sse("resync", {"seq": mine[-1][0]}, mine[-1][0]))
                continue
            for seq, number, _agency, kind in mine:
                sub.offer(sse("change", {"seq": seq, "number": number, "kind": kind}, seq))

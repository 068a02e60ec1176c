"""Live events: every committed change announced to every connected console that may see it.

Each hub process runs one reader of the change sequence. On PostgreSQL every write queues a
``NOTIFY`` (see :meth:`ioc_console.hub.db.Database.next_value`) that PostgreSQL delivers to every
listening process when the write commits: each process ``LISTEN``s on a connection of its own and
reads the new changes when told, so several processes behind a load balancer announce every change
at once without polling (a safety round every 30 s covers a lost connection; after reconnecting a
process catches up at once). On SQLite, which has no notifications, each process reads the counter
every ``poll_interval`` (250 ms by default) instead. A write in this process always wakes the reader
at once. What each stream announces is read from the database, never from another process's
memory, so a console reconnecting to another process misses nothing. Each console's stream gets only the changes its user may see: a liaison
hears of their agency's reports and of reports that left their agency (``remove``), nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass, field

from anyio import to_thread

from ioc_console.aio import settle
from ioc_console.domain.lifecycle import Role
from ioc_console.hub.db import NOTIFY_CHANNEL
from ioc_console.hub.schema import PACK_REVISION
from ioc_console.hub.service import HubService, Principal

log = logging.getLogger(__name__)

#: Changes read per poll; a larger backlog is read in several rounds.
BATCH = 5000
#: More events than this for one subscriber in one round are sent as a single ``resync``.
COALESCE = 200
QUEUE_SIZE = 1000
#: After a local write wakes the poller, it waits this long for others to batch them.
COALESCE_SECONDS = 0.02
#: Without notifications, the process checks this often whether another one stored a newer pack.
PACK_CHECK_SECONDS = 5.0
#: With notifications, the process still reads the sequence this often (a lost notification).
SAFETY_INTERVAL = 30.0
#: Wait before listening again after the notification connection failed (doubling while it fails).
RELISTEN_SECONDS = 1.0


#: Put in a subscriber's queue when its token is revoked (sign-out, the user disabled).
REVOKED = "\x00revoked"


@dataclass(eq=False)
class Subscriber:
    principal: Principal
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    overflowed: bool = False
    #: The hash of the token the stream was opened with (see :meth:`Broadcaster.revoke`).
    token_hash: str = ""

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
    def __init__(self, service: HubService, interval: float, listen_url: str | None = None) -> None:
        self.service = service
        self.interval = interval
        #: A PostgreSQL (libpq) URL to LISTEN on; None polls every ``interval`` (SQLite).
        self.listen_url = listen_url
        #: True while notifications arrive (the LISTEN connection is up).
        self.listening = False
        self._pack_due = False
        self._pack_checked = 0.0
        self._listener: asyncio.Task[None] | None = None
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
        if self.listen_url is not None:
            self._listener = asyncio.create_task(self._listen(self.listen_url), name="ioc-hub-listen")

    async def stop(self) -> None:
        await settle([task for task in (self._listener, self._task) if task is not None])
        self._listener = self._task = None
        for sub in list(self.subscribers):
            with contextlib.suppress(asyncio.QueueFull):
                sub.queue.put_nowait(None)

    def poke(self) -> None:
        """Wake the poller (callable from any thread): a change was committed in this process."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake.set)

    async def subscribe_fresh(self, principal: Principal, token_hash: str = "") -> Subscriber:
        """Subscribe, first catching up with the head if nobody was listening (see :meth:`round`)."""
        if self._stale:
            head = await to_thread.run_sync(self.service.head)
            if self._stale:
                self.last = max(self.last, head)
                self._stale = False
        return self.subscribe(principal, token_hash)

    def subscribe(self, principal: Principal, token_hash: str = "") -> Subscriber:
        sub = Subscriber(principal, token_hash=token_hash)
        self.subscribers.add(sub)
        return sub

    def revoke(self, *, token_hash: str | None = None, user: str | None = None) -> None:
        """End at once the streams opened with a token (signed out) or by a user (disabled);
        callable from any thread. Other processes notice at their next check (a heartbeat)."""

        def end() -> None:
            for sub in list(self.subscribers):
                if (token_hash and sub.token_hash == token_hash) or (user and sub.principal.name == user):
                    # Room is made: the end must get through even to a subscriber that lags behind.
                    with contextlib.suppress(asyncio.QueueEmpty):
                        while sub.queue.full():
                            sub.queue.get_nowait()
                    sub.queue.put_nowait(REVOKED)

        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            end()
        else:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(end)

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)

    async def _listen(self, url: str) -> None:
        """Hold a LISTEN connection; each notification wakes the reader (a pack's, a pack check)."""
        import psycopg

        failures = 0
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.listening = True
                    failures = 0
                    self._pack_due = True
                    self._wake.set()  # catch up with what was committed while nobody listened
                    async for note in conn.notifies():
                        if note.payload == PACK_REVISION:
                            self._pack_due = True
                        self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database restarted or the network failed: listen again
                if failures == 0:
                    log.warning("live events: no notifications (%s); polling until they are back", error)
                failures += 1
            self.listening = False
            self._wake.set()
            # Sooner after a connection that worked; up to 30 s apart where LISTEN never works (a
            # connection pooler in transaction mode), polling meanwhile.
            await asyncio.sleep(min(RELISTEN_SECONDS * 2 ** min(failures, 5), 30.0))

    async def _run(self) -> None:
        while True:
            timeout = SAFETY_INTERVAL if self.listening else self.interval
            woken = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=timeout)
                woken = True
                # Let a burst of writes finish, then read them in one go.
                await asyncio.sleep(COALESCE_SECONDS)
            self._wake.clear()
            try:
                await self.round()
                now = time.monotonic()
                due = self._pack_due or (not woken and self.listening)
                if due or (not self.listening and now - self._pack_checked >= PACK_CHECK_SECONDS):
                    self._pack_due = False
                    self._pack_checked = now
                    await to_thread.run_sync(self.service.refresh_pack)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be briefly unreachable: keep going
                log.exception("live events: reading the change sequence failed")

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

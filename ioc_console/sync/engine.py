"""The sync engine: the console's local copy and the hub agree, and nothing an operator does is lost.

:class:`SyncEngine` runs three small loops on the event loop it is started on (asyncio; the GUI's is
qasync's, the tests' a plain one):

* **pull**: reads the change feed from the stored cursor and applies each page in one local
  transaction together with the new cursor (:func:`~ioc_console.sync.apply.apply_feed_page`); the
  next page is fetched while the previous one is written. It runs on every live event, and every
  ``poll_interval`` seconds while the live stream is down.
* **push**: sends the outbox in order, each action with its idempotency key and base version. A
  network failure keeps the entry and retries with exponential backoff and jitter (sooner if the hub
  is heard from again); a refusal (409, 403, 404, 422) marks the entry refused with the reason in
  words, brings the report back to the hub's state and keeps the operator's text as a draft. A new
  report typed in at the console (``submit``, under a provisional number ``TAM-…``) goes to the
  hub's staff intake; the hub's number then replaces the provisional one in the local copy and in
  every entry queued after it, in one transaction (:meth:`LocalStore.resolve_provisional`). Entries
  the operator may still take back wait (:meth:`SyncEngine.hold_with`, ``hold_seconds``).
* **stream**: listens to the hub's live events and reconnects by itself, with backoff.

Every call into the store (blocking SQLite) runs on one worker thread, so the event loop never waits
on the disk. Observers get :class:`~ioc_console.sync.status.SyncStatus` snapshots, the report numbers
each step changed (:class:`Changes`) and each refused action (:class:`RefusedAction`); callbacks run
on the event loop's thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import random
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from ioc_console.aio import settle
from ioc_console.domain.lifecycle import Action
from ioc_console.domain.report import Report
from ioc_console.store import LocalStore, OutboxEntry, is_provisional
from ioc_console.store.photos import PHOTOS, discard, sweep
from ioc_console.store.rows import RowReference
from ioc_console.sync import apply, fastfeed, wire
from ioc_console.sync.client import HubClient
from ioc_console.sync.errors import (
    Conflict,
    Forbidden,
    HubRefused,
    HubUnavailable,
    MalformedAnswer,
    NotFound,
    Outdated,
    SyncError,
    Unauthorized,
)
from ioc_console.sync.messages import render
from ioc_console.sync.status import DEFAULT_TZ, SyncState, SyncStatus, full_time

log = logging.getLogger(__name__)

T = TypeVar("T")
#: A feed page decoded, and the reference data its rows were built with (see ``SyncEngine._decode``).
_Decoded = tuple[wire.FeedPage, RowReference | None]

#: Seconds between two looks at an entry held by the console (see :meth:`SyncEngine.hold_with`)
#: should its release not be told.
HELD_RECHECK = 1.0
#: Key of a history entry's data naming the acting person in words (the hub's display name).
ACTOR_NAME = "actor_name"
#: Code of the refusal the engine itself gives an action on a report the hub never took in.
NOT_SUBMITTED = "report.not_submitted"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SyncSettings:
    #: Changes asked for per feed request (the hub caps it, at 5000 by default).
    page_size: int = 2000
    #: The same for a first sync into an empty store (fewer, larger pages; the hub caps it).
    first_sync_page_size: int = 5000
    #: Seconds between pulls while the live stream is down.
    poll_interval: float = 30.0
    #: First retry delay after a failure, doubled on each further failure up to the cap.
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    #: The same for reconnecting the live stream.
    stream_backoff_base: float = 0.5
    stream_backoff_cap: float = 30.0
    #: An action is held this long after it was queued before it is sent, so that the operator
    #: can still take it back (the console's undo); :meth:`SyncEngine.release` ends the hold.
    hold_seconds: float = 0.0
    #: A first sync of more than one page turns pages into the store's rows in a process of its
    #: own, so that decoding does not hold up the console (its threads share one interpreter lock).
    first_sync_process: bool = True
    #: Seconds a page waits for that process to start (about 0.2 s) before it is decoded on a
    #: thread instead: decoding a page there holds up the console's event loop for a tenth of a
    #: second or more (the parser keeps the interpreter lock for the whole page).
    first_sync_process_wait: float = 5.0
    #: Seconds :meth:`SyncEngine.stop` waits for its loops to end once asked to.
    stop_timeout: float = 10.0
    #: Seconds :meth:`SyncEngine.wait_for` waits when no timeout is given.
    wait_timeout: float = 60.0


class _Preparer:
    """A process of its own that turns a first sync's feed pages into the store's rows
    (:func:`ioc_console.sync.fastfeed.prepare_feed_page`). It is started (a fresh interpreter,
    not a fork of the console's) when a first sync turns out to have more than one page; pages
    wait for it to have imported what it needs (see ``SyncSettings.first_sync_process_wait``).
    If it cannot start in that time, or dies, pages are decoded on the engine's thread."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self._pool = pool
        self._warm: Future[None] = pool.submit(fastfeed.ready)
        self.broken = False

    @classmethod
    def start(cls) -> _Preparer | None:
        try:
            context = multiprocessing.get_context("spawn")
            return cls(
                ProcessPoolExecutor(1, mp_context=context, initializer=fastfeed.start_decoding_process)
            )
        except (OSError, RuntimeError):
            log.warning("no process for the first sync's decoding; decoding it here", exc_info=True)
            return None

    def ready(self) -> bool:
        if self.broken or not self._warm.done():
            return False
        return not self._warm.cancelled() and self._warm.exception() is None

    async def wait_ready(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the process to have started; whether it is ready."""
        if not self.broken and not self._warm.done():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(self._warm)), timeout)
        return self.ready()

    def submit(self, body: bytes, reference: RowReference) -> Future[wire.FeedPage]:
        return self._pool.submit(fastfeed.prepare_feed_page, body, reference)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class Changes:
    """Reports a sync step wrote (``upserted``) or deleted (``removed``) in the local store."""

    upserted: tuple[str, ...]
    removed: tuple[str, ...]
    #: feed (a page of the change feed), ack (the hub's answer to an action), refusal, local (queued)
    source: str
    cursor: int | None = None
    #: (provisional number, the hub's number) of new reports the hub took in and numbered: the
    #: provisional number is in ``removed``, the hub's in ``upserted`` (a view showing the first
    #: should show the second).
    renamed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RefusedAction:
    """An outbox entry the hub refused, with the reason in words (both languages)."""

    entry: OutboxEntry
    error: HubRefused
    message_vi: str
    message_en: str
    #: The report as the hub holds it now (None when the user may no longer see it).
    hub_report: Report | None
    draft: apply.Draft | None

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


def _forget_done(futures: list[asyncio.Future[Any]]) -> None:
    """Drop the futures that have succeeded (their results, pages of thousands of reports, are
    let go); failed and cancelled ones stay, to be awaited."""
    futures[:] = [f for f in futures if not f.done() or f.cancelled() or f.exception() is not None]


def backoff_delay(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds to wait after the ``failures``-th failure in a row: exponential backoff with jitter,
    between half and all of ``base * 2**(failures - 1)``, that ceiling capped at ``cap`` (so that
    consoles cut off together do not all come back at the same instant)."""
    ceiling = min(cap, base * float(2 ** min(max(failures - 1, 0), 30)))
    return ceiling * (0.5 + rng.random() / 2)


class ForeignLocalCopy(SyncError):
    """The local store belongs to another user or hub; it must be forgotten before this one syncs."""

    def __init__(self, owner: str, wanted: str) -> None:
        self.owner = owner
        self.wanted = wanted
        super().__init__(f"the local copy belongs to {owner}, not {wanted}")


class _Observers(Generic[T]):
    def __init__(self) -> None:
        self._callbacks: list[Callable[[T], None]] = []

    def add(self, callback: Callable[[T], None]) -> Callable[[], None]:
        self._callbacks.append(callback)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._callbacks.remove(callback)

        return remove

    def emit(self, value: T) -> None:
        for callback in list(self._callbacks):
            try:
                callback(value)
            except Exception:  # an observer's bug must not stop syncing
                log.exception("sync observer %r failed", callback)


class SyncEngine:
    """Keeps ``store`` in step with the hub behind ``client``. ``await start()``, ``await stop()``."""

    def __init__(
        self,
        client: HubClient,
        store: LocalStore,
        clock: Callable[[], datetime] = utc_now,
        *,
        settings: SyncSettings | None = None,
        executor: Executor | None = None,
        rng: random.Random | None = None,
        identity: str | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.clock = clock
        self.settings = settings or SyncSettings()
        self.identity = identity
        self._own_executor = executor is None
        self._executor: Executor = executor or ThreadPoolExecutor(1, thread_name_prefix="ioc-sync-db")
        self._decoder = ThreadPoolExecutor(1, thread_name_prefix="ioc-sync-decode")
        #: Feed pages turned into rows in a process of their own (see ``first_sync_process``).
        self.pages_prepared = 0
        self._rng = rng or random.Random()
        self._status = SyncStatus()
        self.status_changed: _Observers[SyncStatus] = _Observers()
        self.changed: _Observers[Changes] = _Observers()
        self.refused: _Observers[RefusedAction] = _Observers()
        self._status_event: asyncio.Condition | None = None
        # internal state behind the status
        self._running = False
        self._busy = 0
        self._heard = False
        self._signed_out = False
        self._tz: tzinfo = DEFAULT_TZ
        self._agencies: dict[str, str] = {}
        self._reference_loaded = False
        # loop-bound primitives, made by start()
        self._pull_wanted: asyncio.Event | None = None
        self._push_wanted: asyncio.Event | None = None
        self._reachable: asyncio.Event | None = None
        self._token_ready: asyncio.Event | None = None
        self._pull_lock: asyncio.Lock | None = None
        self._push_lock: asyncio.Lock | None = None
        self._tasks: list[asyncio.Task[None]] = []
        #: Reports whose actions queued up to the given instant are released from the hold.
        self._released: dict[str, datetime] = {}
        #: Outbox entries the console may still take back (its undo window), asked before each send.
        self._held: Callable[[], Collection[int]] | None = None
        self._push_timer: asyncio.TimerHandle | None = None

    # -- observing ----------------------------------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        return self._status

    def on_status(self, callback: Callable[[SyncStatus], None]) -> Callable[[], None]:
        """Call ``callback`` with each new status; returns a function that stops it."""
        return self.status_changed.add(callback)

    def on_changes(self, callback: Callable[[Changes], None]) -> Callable[[], None]:
        return self.changed.add(callback)

    def on_refused(self, callback: Callable[[RefusedAction], None]) -> Callable[[], None]:
        return self.refused.add(callback)

    async def wait_for(
        self, predicate: Callable[[SyncStatus], bool], timeout: float | None = None
    ) -> SyncStatus:
        """Wait until the status satisfies ``predicate``; raises ``TimeoutError`` after ``timeout``
        seconds (``SyncSettings.wait_timeout`` when not given: a wait is never unbounded)."""
        if timeout is None:
            timeout = self.settings.wait_timeout
        condition = self._condition()

        async def wait() -> SyncStatus:
            async with condition:
                await condition.wait_for(lambda: predicate(self._status))
                return self._status

        return await asyncio.wait_for(wait(), timeout)

    def _condition(self) -> asyncio.Condition:
        if self._status_event is None:
            self._status_event = asyncio.Condition()
        return self._status_event

    def _publish(self, **changes: Any) -> None:
        status = replace(self._status, **changes)
        status = replace(status, state=self._state(status))
        if status == self._status:
            return
        self._status = status
        self.status_changed.emit(status)
        condition = self._status_event
        if condition is not None:

            async def notify() -> None:
                async with condition:
                    condition.notify_all()

            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().create_task(notify())

    def _state(self, status: SyncStatus) -> SyncState:
        if not self._running:
            return SyncState.STOPPED
        if self._signed_out:
            return SyncState.SIGNED_OUT
        if status.offline_since is not None:
            return SyncState.OFFLINE
        if self._busy:
            return SyncState.SYNCING
        return SyncState.ONLINE if self._heard else SyncState.CONNECTING

    def _went_well(self) -> None:
        """The hub answered: clear the offline mark and the last error."""
        self._heard = True
        if self._reachable is not None:
            self._reachable.set()
        self._publish(offline_since=None, last_error=None, last_error_en=None)

    def _went_wrong(self, error: SyncError) -> None:
        if self._reachable is not None:
            self._reachable.clear()
        changes: dict[str, Any] = {"last_error": error.message("vi"), "last_error_en": error.message("en")}
        if isinstance(error, HubUnavailable) and self._status.offline_since is None:
            changes["offline_since"] = self.clock()
        if isinstance(error, Unauthorized):
            self._signed_out = True
            if self._token_ready is not None:
                self._token_ready.clear()
        self._publish(**changes)

    # -- the worker thread --------------------------------------------------------------------------

    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    async def _decode(self, body: bytes, after: int, preparer: _Preparer | None = None) -> _Decoded:
        """Parse and check a feed page on the engine's decoding thread (not the store's) or, when
        ``preparer``'s process is (or gets) ready, turn it into the store's rows there; the page, and the
        reference data its rows were built with (None when decoded here)."""
        loop = asyncio.get_running_loop()
        if preparer is not None and await preparer.wait_ready(self.settings.first_sync_process_wait):
            reference = self.store.row_reference
            try:
                page = await asyncio.wrap_future(preparer.submit(body, reference))
            except wire.WireError as error:
                raise MalformedAnswer(error) from error
            except BrokenProcessPool:
                log.warning("the first sync's decoding process stopped; decoding goes on here")
                preparer.broken = True
            except Exception:
                # (not the page's fault, which would be a WireError: the process's; the page is
                # decoded here, where a fault of the page is found again)
                log.exception("the first sync's decoding process failed; decoding goes on here")
                preparer.broken = True
            else:
                self._check_cursor(page, after)
                return page, reference
        return await loop.run_in_executor(self._decoder, self._decode_page, body, after), None

    async def _count_waiting(self) -> None:
        self._publish(waiting=await self._db(apply.count_pending, self.store))

    # -- life -----------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Check the local copy's owner, read what the messages need, and start the three loops."""
        if self._running:
            return
        if self.identity is not None:
            owner = await self._db(apply.claim, self.store, self.identity)
            if owner != self.identity:
                raise ForeignLocalCopy(owner or "", self.identity)
        await self._load_reference()
        try:
            await self._db(sweep, self.store)
        except Exception:  # housekeeping only: it never stops the start
            log.warning("the photo spool could not be swept", exc_info=True)
        self._pull_wanted = asyncio.Event()
        self._push_wanted = asyncio.Event()
        self._reachable = asyncio.Event()
        self._token_ready = asyncio.Event()
        if self.client.token:
            self._token_ready.set()
        else:
            self._signed_out = True
        self._pull_lock = asyncio.Lock()
        self._push_lock = asyncio.Lock()
        self._running = True
        await self._count_waiting()
        self._publish()
        self._pull_wanted.set()
        self._push_wanted.set()
        self._tasks = [
            asyncio.create_task(self._pull_loop(), name="ioc-sync-pull"),
            asyncio.create_task(self._push_loop(), name="ioc-sync-push"),
            asyncio.create_task(self._stream_loop(), name="ioc-sync-stream"),
        ]

    async def _load_reference(self) -> None:
        """Agency names and the time zone for the words of refusals (read once)."""
        if self._reference_loaded:
            return
        self._agencies = await self._db(apply.agency_names, self.store)
        zone = await self._db(self.store.get_meta, "jurisdiction.timezone")
        if zone:
            with contextlib.suppress(Exception):
                self._tz = ZoneInfo(zone)
        self._reference_loaded = True

    async def stop(self) -> None:
        """Stop the loops (an action being sent may or may not have reached the hub: its key makes
        the next attempt safe). Actions may still be queued (:meth:`act`); :meth:`start` resumes."""
        tasks, self._tasks = self._tasks, []
        if self._push_timer is not None:
            self._push_timer.cancel()
            self._push_timer = None
        # (a loop that does not end when asked is logged with its stack and left behind: closing
        # the console must not wait for it forever)
        await settle(tasks, timeout=self.settings.stop_timeout)
        self._running = False
        self._publish(live=False)

    async def close(self) -> None:
        """Stop, and release the worker thread if the engine made it (the engine is done)."""
        await self.stop()
        await asyncio.to_thread(self._decoder.shutdown, True)
        if self._own_executor:
            await asyncio.to_thread(self._executor.shutdown, True)

    def set_token(self, token: str) -> None:
        """A new session after the old one expired: resume syncing with it."""
        self.client.token = token
        self._signed_out = False
        if self._token_ready is not None:
            self._token_ready.set()
        self.request_pull()
        self.request_push()
        self._publish(last_error=None, last_error_en=None)

    def request_pull(self) -> None:
        if self._pull_wanted is not None:
            self._pull_wanted.set()

    def request_push(self) -> None:
        if self._push_wanted is not None:
            self._push_wanted.set()

    def _delay(self, failures: int, base: float, cap: float) -> float:
        return backoff_delay(failures, base, cap, self._rng)

    async def _until_token(self) -> None:
        assert self._token_ready is not None
        await self._token_ready.wait()

    # -- local actions ------------------------------------------------------------------------------

    async def act(
        self,
        number: str,
        action: Action,
        payload: Mapping[str, Any],
        *,
        report_after: Report | None = None,
        base_version: int | None = None,
    ) -> OutboxEntry:
        """Queue an operator's action (written with its outbox entry in one transaction) and send it.

        ``report_after`` is the report as the action leaves it, shown at once; ``base_version`` is
        the hub version the action is based on: by default the last waiting action's on this report
        plus one, or the local copy's version.
        """

        def enqueue() -> OutboxEntry:
            base = base_version
            if base is None:
                base = apply.pending_base_version(self.store, number)
            if base is None:
                local = self.store.get_report(number)
                if local is None:
                    raise KeyError(number)
                base = local.version
            return self.store.enqueue_action(
                number, action, payload, base, report=report_after, at=self.clock()
            )

        entry = await self._db(enqueue)
        self.changed.emit(Changes((number,), (), "local"))
        if self._running:
            await self._count_waiting()
        self.request_push()
        return entry

    # -- pull -----------------------------------------------------------------------------------------

    async def pull(self) -> int:
        """Read the change feed to its end; the number of changes applied. Raises :class:`SyncError`."""
        lock = self._pull_lock or asyncio.Lock()
        async with lock:
            self._busy += 1
            self._publish()
            pending: list[asyncio.Future[Any]] = []
            bulk = False
            preparer: _Preparer | None = None
            #: The page being written, and its write, until the views have been told of it.
            writing: asyncio.Future[Any] | None = None
            written: wire.FeedPage | None = None
            try:
                size = self.settings.page_size
                cursor = await self._db(apply.read_cursor, self.store)
                if cursor == 0:
                    # A first sync into an empty store: a bulk load, its indexes built at the end.
                    bulk = await self._db(self.store.begin_bulk_load, live_search=True)
                    if bulk:
                        size = max(size, self.settings.first_sync_page_size)
                        self._publish(first_sync_received=0)
                body = await self.client.feed_bytes(cursor, size)
                total = 0
                ahead = wire.feed_page_tail(body)
                if bulk and ahead is not None and ahead[1] and self.settings.first_sync_process:
                    preparer = _Preparer.start()  # (a first sync of more than one page)
                decoding: asyncio.Future[_Decoded] = asyncio.ensure_future(
                    self._decode(body, cursor, preparer)
                )
                pending.append(decoding)

                async def fetch_and_decode(after: int) -> tuple[bytes, asyncio.Future[_Decoded]]:
                    # The next page is handed to the decoder as soon as it arrives, so that the
                    # decoder goes from one page to the next without waiting for this loop.
                    following = await self.client.feed_bytes(after, size)
                    started = asyncio.ensure_future(self._decode(following, after, preparer))
                    pending.append(started)
                    return following, started

                while True:
                    # A pipeline: while page n is written (the store's worker; SQLite lets go of the
                    # GIL while it writes), page n+1 is parsed and checked (a second thread or, in
                    # a long first sync, a process) and page n+2 fetched: its cursor is read off
                    # the last bytes of page n+1 (the hub puts it there) without waiting for the
                    # parse, then checked against it, and it is queued for decoding on arrival.
                    ahead = wire.feed_page_tail(body)
                    fetching: asyncio.Future[tuple[bytes, asyncio.Future[_Decoded]]] | None = None
                    if ahead is not None and ahead[1]:
                        fetching = asyncio.ensure_future(fetch_and_decode(ahead[0]))
                        pending.append(fetching)
                    page, prepared_with = await decoding
                    if prepared_with is not None:
                        self.pages_prepared += 1
                    if writing is not None and written is not None:
                        await writing
                        total += self._page_written(written)
                    writing = asyncio.ensure_future(self._db(self._write_page, page, cursor, prepared_with))
                    written = page
                    pending.append(writing)
                    _forget_done(pending)
                    if not page.more:
                        await writing
                        total += self._page_written(page)
                        written = None
                        break
                    if fetching is not None and ahead is not None and ahead[0] == page.cursor:
                        body, decoding = await fetching
                    else:
                        if fetching is not None:
                            await settle((fetching,))
                            if not fetching.cancelled() and fetching.exception() is None:
                                fetching.result()[1].cancel()
                        body = await self.client.feed_bytes(page.cursor, size)
                        decoding = asyncio.ensure_future(self._decode(body, page.cursor, preparer))
                        pending.append(decoding)
                    cursor = page.cursor
                self._went_well()
                self._publish(last_pull_at=self.clock())
                return total
            except SyncError as error:
                self._went_wrong(error)
                raise
            finally:
                try:
                    if writing is not None and written is not None:
                        # The pull ends early (a bad page, a failed fetch): the page before is
                        # finished rather than dropped, and stays applied with its cursor.
                        await settle((writing,), cancel=False)
                        if not writing.cancelled() and writing.exception() is None:
                            self._page_written(written)
                    await settle(pending)
                    if preparer is not None:
                        await asyncio.to_thread(preparer.close)
                    if bulk or self.store.bulk_loading:
                        # Also when the sync stopped half-way: what arrived is searchable and indexed.
                        try:
                            await self._db(self.store.end_bulk_load)
                        except Exception:
                            log.exception("building the local indexes after a first sync failed")
                finally:
                    self._busy -= 1
                    self._publish(first_sync_received=None)

    def _page_written(self, page: wire.FeedPage) -> int:
        """A page is in the store: tell the views (and, in a first sync, the status how far it has
        come); the number of its changes."""
        if page.reports or page.removed:
            numbers = tuple(r.number for r in page.reports)
            self.changed.emit(Changes(numbers, tuple(page.removed), "feed", page.cursor))
        received = self._status.first_sync_received
        if received is not None:
            self._publish(first_sync_received=received + len(page.reports))
        return page.changes

    @classmethod
    def _decode_page(cls, body: bytes, after: int) -> wire.FeedPage:
        """On a worker thread: parse and check a feed page."""
        try:
            page = fastfeed.decode_feed_page(body)
        except wire.WireError as error:
            raise MalformedAnswer(error) from error
        cls._check_cursor(page, after)
        return page

    @staticmethod
    def _check_cursor(page: wire.FeedPage, after: int) -> None:
        if page.cursor < after:
            raise MalformedAnswer(wire.WireError("cursor", f"cursor {page.cursor} went back from {after}"))

    def _write_page(self, page: wire.FeedPage, after: int, prepared_with: RowReference | None = None) -> None:
        """On the store's worker: the page and its cursor, in one transaction."""
        if page.reports or page.removed or page.cursor != after:
            apply.apply_feed_page(
                self.store,
                page.reports,
                page.removed,
                page.cursor,
                kept=page.kept,
                prepared_with=prepared_with,
            )

    async def _pull_loop(self) -> None:
        assert self._pull_wanted is not None
        failures = 0
        while True:
            if self._signed_out:
                await self._until_token()
            timeout = None if self._status.live else self.settings.poll_interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._pull_wanted.wait(), timeout)
            self._pull_wanted.clear()
            if self._signed_out:
                continue
            try:
                await self.pull()
                failures = 0
            except Unauthorized:
                continue
            except SyncError:
                failures += 1
                await asyncio.sleep(
                    self._delay(failures, self.settings.backoff_base, self.settings.backoff_cap)
                )
                self._pull_wanted.set()
            except Exception:
                log.exception("pulling the change feed failed")
                failures += 1
                await asyncio.sleep(
                    self._delay(failures, self.settings.backoff_base, self.settings.backoff_cap)
                )

    # -- push -----------------------------------------------------------------------------------------

    async def push(self) -> None:
        """Send every waiting action, oldest first, until none waits. Raises :class:`HubUnavailable`
        (the entry stays, its attempt counted), :class:`Unauthorized` or :class:`MalformedAnswer`."""
        lock = self._push_lock or asyncio.Lock()
        async with lock:
            while True:
                entries = await self._db(self.store.pending_actions)
                if not entries:
                    await self._count_waiting()
                    return
                self._busy += 1
                self._publish(waiting=len(entries))
                try:
                    held = frozenset(self._held()) if self._held is not None else frozenset()
                    for entry in entries:
                        wait = HELD_RECHECK if entry.id in held else self._held_for(entry)
                        if wait > 0:
                            # Still in the operator's undo window: it and what follows wait.
                            self._wake_push_in(wait)
                            return
                        if await self._send(entry):
                            break  # numbers changed: read the queue again
                finally:
                    self._busy -= 1
                    self._publish()

    def _held_for(self, entry: OutboxEntry) -> float:
        """Seconds ``entry`` must still wait before it may be sent (0: send it now)."""
        hold = self.settings.hold_seconds
        if hold <= 0:
            return 0.0
        released = self._released.get(entry.report_number)
        if released is not None and entry.created_at <= released:
            return 0.0
        return max(0.0, hold - (self.clock() - entry.created_at).total_seconds())

    def hold_with(self, held: Callable[[], Collection[int]] | None) -> None:
        """Ask ``held`` for the outbox entries still in the operator's undo window before each send
        (the console's :meth:`ActionService.held_entries`): such an entry, and every one after it,
        waits until :meth:`release` (or :data:`HELD_RECHECK` seconds). Called on the loop's thread."""
        self._held = held

    def _wake_push_in(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        if self._push_timer is not None:
            self._push_timer.cancel()
        self._push_timer = loop.call_later(seconds + 0.01, self.request_push)

    def release(self, numbers: Iterable[str]) -> None:
        """The actions queued so far on these reports can no longer be taken back: send them now."""
        now = self.clock()
        for number in numbers:
            self._released[number] = now
        self.request_push()

    async def _send(self, entry: OutboxEntry) -> bool:
        """Send one entry and record the outcome; True when report numbers changed (a new report
        numbered by the hub), so that the caller reads the queue again."""
        if entry.action is Action.SUBMIT:
            return await self._submit(entry)
        if is_provisional(entry.report_number):
            # Its report never reached the hub (its submit was refused): nothing to send it to.
            await self._refused(entry, _not_submitted())
            return False
        base = entry.base_version
        if base is None:
            local = await self._db(self.store.get_report, entry.report_number)
            base = local.version if local is not None else 1
        payload: Mapping[str, Any] = entry.payload
        if entry.payload.get(PHOTOS):
            uploaded = await self._upload_photos(entry)
            if uploaded is None:
                return False  # refused and recorded
            payload = uploaded
        result = await self._for_entry(
            entry,
            self.client.act(
                entry.report_number, entry.action, key=entry.key, base_version=base, payload=payload
            ),
        )
        if result is None:
            return False  # refused and recorded
        await self._db(self.store.acknowledge, entry.id, result.report)
        if entry.payload.get(PHOTOS):
            await self._db(discard, entry.payload[PHOTOS])
        self._went_well()
        self._publish(waiting=max(0, self._status.waiting - 1))
        self.changed.emit(Changes((entry.report_number,), (), "ack"))
        return False

    async def _for_entry(self, entry: OutboxEntry, call: Awaitable[T]) -> T | None:
        """The hub's answer to ``call``, made for outbox ``entry``; None when the hub refused it
        (recorded as the entry's refusal). A lapsed session is raised; so is an unreachable hub or a
        malformed answer, recorded on the entry as its last error."""
        try:
            return await call
        except HubRefused as error:
            if isinstance(error, Unauthorized | Outdated):  # (kept for after sign-in, or the update)
                self._went_wrong(error)
                raise
            await self._refused(entry, error)
            return None
        except (HubUnavailable, MalformedAnswer) as error:
            await self._db(self.store.mark_failed, entry.id, error.message("vi"))
            self._went_wrong(error)
            raise

    async def _upload_photos(self, entry: OutboxEntry) -> dict[str, Any] | None:
        """Upload the entry's spooled photos not uploaded yet (each file read on a worker thread),
        keeping each id in the entry as it comes, so that a retry does not upload it again; the
        payload to send, with ``attachments`` in place of the photos. None when the hub refused a
        photo (recorded as the action's refusal). A spooled file gone missing is left out."""
        listed = [dict(p) for p in entry.payload[PHOTOS] if isinstance(p, dict)]
        loop = asyncio.get_running_loop()
        for photo in listed:
            if photo.get("id"):
                continue
            path = Path(str(photo.get("path", "")))
            try:
                data = await loop.run_in_executor(self._decoder, path.read_bytes)
            except OSError as error:
                log.warning("a spooled photo of outbox entry %s is unreadable: %s", entry.id, error)
                continue
            ident = await self._for_entry(
                entry,
                self.client.upload_attachment(
                    entry.report_number,
                    data,
                    str(photo.get("content_type") or "image/jpeg"),
                    str(photo.get("stage") or "report"),
                ),
            )
            if ident is None:
                return None  # refused and recorded
            photo["id"] = ident
            await self._db(self.store.set_outbox_payload, entry.id, {**entry.payload, PHOTOS: listed})
        sent = {k: v for k, v in entry.payload.items() if k != PHOTOS}
        ids = [str(p["id"]) for p in listed if p.get("id")]
        if ids:
            sent["attachments"] = [*(sent.get("attachments") or []), *ids]
        return sent

    async def _submit(self, entry: OutboxEntry) -> bool:
        """A report created at the console: through the hub's staff intake with the entry's key (a
        replay gets the first answer), then renamed locally to the hub's number with everything
        queued on it (:meth:`LocalStore.resolve_provisional`, one transaction)."""
        payload = dict(entry.payload)
        # The call was taken when it was queued, however late it reaches the hub.
        payload.setdefault("received_at", entry.created_at.isoformat())
        try:
            result = await self.client.intake(key=entry.key, payload=payload)
        except HubRefused as error:
            if isinstance(error, Unauthorized | Outdated):  # (kept for after sign-in, or the update)
                self._went_wrong(error)
                raise
            await self._refused(entry, error)
            return False
        except (HubUnavailable, MalformedAnswer) as error:
            await self._db(self.store.mark_failed, entry.id, error.message("vi"))
            self._went_wrong(error)
            raise
        number = result.report.number
        old = await self._db(self.store.resolve_provisional, entry.id, result.report)
        if old in self._released:
            self._released[number] = self._released.pop(old)
        self._went_well()
        self._publish(waiting=max(0, self._status.waiting - 1))
        renamed = ((old, number),) if old != number else ()
        self.changed.emit(Changes((number,), (old,) if renamed else (), "ack", renamed=renamed))
        return bool(renamed)

    async def _refused(self, entry: OutboxEntry, error: HubRefused) -> None:
        """Record a refusal once the hub's truth about the report is known (else retry later)."""
        hub_report: Report | None = None
        gone = False
        if entry.action is Action.SUBMIT or is_provisional(entry.report_number):
            gone = True  # the hub never had it: the local copy goes, the operator's input stays
        elif isinstance(error, NotFound) and error.code == "report.not_found":
            gone = True  # (another 404, e.g. an action this hub does not know, says nothing of it)
        elif isinstance(error, Conflict) and error.current is not None:
            hub_report = error.current
        else:
            try:
                hub_report = await self.client.report(entry.report_number)
            except NotFound:
                gone = True
            except (HubUnavailable, MalformedAnswer) as failure:
                await self._db(self.store.mark_failed, entry.id, failure.message("vi"))
                self._went_wrong(failure)
                raise
        await self._load_reference()
        now = self.clock()
        draft = None
        if apply.has_text(entry.payload) or entry.action is Action.SUBMIT:
            draft = apply.Draft(entry.report_number, entry.action, dict(entry.payload), "", now, entry.key)
        vi = self.describe_refusal(entry, error, hub_report, draft is not None, "vi")
        en = self.describe_refusal(entry, error, hub_report, draft is not None, "en")
        if draft is not None:
            draft = replace(draft, reason=vi)
        await self._db(
            self.store.record_refusal,
            entry.id,
            vi,
            hub_report=hub_report,
            gone=gone,
            draft=None if draft is None else draft.to_json(),
        )
        self._went_well()
        await self._count_waiting()
        self.changed.emit(
            Changes(() if gone else (entry.report_number,), (entry.report_number,) if gone else (), "refusal")
        )
        self.refused.emit(RefusedAction(entry, error, vi, en, hub_report, draft))

    def describe_refusal(
        self, entry: OutboxEntry, error: HubRefused, hub_report: Report | None, kept: bool, lang: str
    ) -> str:
        """The refusal in words: who did what when (a conflict), or the hub's reason."""
        action = entry.action.label(lang)
        number = entry.report_number
        text: str
        if entry.action is Action.SUBMIT:
            text = render("refused.submit", lang, number=number, reason=error.message(lang))
            if kept:
                text += " " + render("refused.call_kept", lang)
            return text
        if error.code == NOT_SUBMITTED:
            text = render("refused.not_submitted", lang, action=action, number=number)
            if kept:
                text += " " + render("refused.draft_kept", lang)
            return text
        if isinstance(error, Conflict):
            # Someone changed the report since the action's base version: say who, what and when.
            # Otherwise the state itself forbids the action: give the hub's reason.
            last = hub_report.history[-1] if hub_report is not None and hub_report.history else None
            base = entry.base_version
            changed = hub_report is not None and base is not None and hub_report.version > base
            if changed and last is not None and last.actor:
                # The hub names the person (their full name); the account name when it has none.
                shown = last.data.get(ACTOR_NAME)
                who = shown.strip() if isinstance(shown, str) and shown.strip() else last.actor
                when = full_time(last.at, self._tz)
                if last.action is Action.FORWARD and hub_report is not None and hub_report.agency:
                    agency = self._agencies.get(hub_report.agency, hub_report.agency)
                    text = render(
                        "refused.forwarded_by",
                        lang,
                        action=action,
                        number=number,
                        agency=agency,
                        who=who,
                        when=when,
                    )
                else:
                    text = render(
                        "refused.changed_by",
                        lang,
                        action=action,
                        number=number,
                        who=who,
                        what=last.action.label(lang),
                        when=when,
                    )
            else:
                text = render(
                    "refused.conflict", lang, action=action, number=number, reason=error.message(lang)
                )
        elif isinstance(error, Forbidden):
            text = render("refused.forbidden", lang, action=action, number=number, reason=error.message(lang))
        elif isinstance(error, NotFound) and hub_report is None:
            text = render("refused.not_found", lang, action=action, number=number)
        else:
            text = render("refused.invalid", lang, action=action, number=number, reason=error.message(lang))
        if hub_report is not None:
            text += " " + render("refused.restored", lang)
        if kept:
            text += " " + render("refused.draft_kept", lang)
        return text

    async def _push_loop(self) -> None:
        assert self._push_wanted is not None and self._reachable is not None
        while True:
            await self._push_wanted.wait()
            self._push_wanted.clear()
            failures = 0
            while True:
                if self._signed_out:
                    await self._until_token()
                try:
                    await self.push()
                    break
                except Unauthorized:
                    continue
                except SyncError:
                    failures += 1
                except Exception:
                    log.exception("sending the outbox failed")
                    failures += 1
                delay = self._delay(failures, self.settings.backoff_base, self.settings.backoff_cap)
                # Wait out the delay, but go at once when the hub is heard from again.
                self._reachable.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._reachable.wait(), delay)

    # -- the live stream ------------------------------------------------------------------------------

    async def _stream_loop(self) -> None:
        failures = 0
        while True:
            if self._signed_out:
                await self._until_token()
            try:
                async for event in self.client.events():
                    if not self._status.live:
                        failures = 0
                        self._went_well()
                        self._publish(live=True)
                        self.request_push()
                    if event.event == "bye":
                        self._went_wrong(_signed_out_by_hub())
                        break
                    if event.event in ("hello", "change", "resync"):
                        self.request_pull()
            except SyncError as error:
                self._went_wrong(error)
            except Exception:
                log.exception("the live event stream failed")
            if self._status.live:
                self._publish(live=False)
                self.request_pull()  # the pull loop falls back to polling
            failures += 1
            if self._signed_out:
                continue
            await asyncio.sleep(
                self._delay(failures, self.settings.stream_backoff_base, self.settings.stream_backoff_cap)
            )


def _signed_out_by_hub() -> Unauthorized:
    from ioc_console.sync.wire import Refusal

    return Unauthorized(Refusal(401, "auth.required", None, "", ""))


def _not_submitted() -> NotFound:
    """The refusal, decided here, of an action on a report whose submit the hub refused."""
    from ioc_console.sync.wire import Refusal

    return NotFound(Refusal(404, NOT_SUBMITTED, None, "", ""))


async def sync_once(engine: SyncEngine) -> None:
    """Pull, push, pull: one round trip without the loops (tools and tests)."""
    await engine.pull()
    await engine.push()
    await engine.pull()


__all__ = [
    "Changes",
    "ForeignLocalCopy",
    "RefusedAction",
    "SyncEngine",
    "SyncSettings",
    "backoff_delay",
    "sync_once",
    "utc_now",
]

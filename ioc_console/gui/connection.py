"""A console connected to a hub: the signed-in session, its local copy, and the sync engine.

:func:`connect` takes a signed-in session (from the sign-in dialog, a kept session, or the
embedded demo hub's operator) and opens that user's local copy in the data folder (one file per
user and hub, so two people sharing a machine never see each other's copy), brings in the hub's
jurisdiction pack (kept for offline starts), and starts the sync engine. What the engine reports
(its status, the changes it applied, refused actions) is re-emitted as Qt signals for the window.

Everything here runs on the qasync loop (the GUI thread); blocking work goes to worker threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from PySide6.QtCore import QObject, Signal

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Role
from ioc_console.private_files import SQLITE_SIDECARS, private_folder
from ioc_console.store import LocalStore, StoreCorrupt
from ioc_console.sync import apply
from ioc_console.sync.client import HubClient, tls_context
from ioc_console.sync.credentials import Credentials, local_copy_key
from ioc_console.sync.engine import Changes, RefusedAction, SyncEngine, SyncSettings
from ioc_console.sync.errors import SyncError
from ioc_console.sync.reference import kept_pack, refresh_pack
from ioc_console.sync.session import SignedIn, remember_user, remembered_user
from ioc_console.sync.status import SyncStatus
from ioc_console.sync.wire import UserInfo

from ioc_console.gui.actions import UNDO_SECONDS

if TYPE_CHECKING:
    from ioc_console.gui.map.config import HubBasemap

log = logging.getLogger(__name__)

#: Inside the data folder: one folder per (user, hub) with the local copy and the hub's pack.
HUBS_FOLDER = "hubs"
STORE_NAME = "console.sqlite3"
PACK_FOLDER = "pack"


def copy_folder(data_dir: Path, identity: str) -> Path:
    """The folder of one user's local copy of one hub (a name safe on every file system)."""
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]
    return data_dir / HUBS_FOLDER / digest


def hub_photo_source(session: HubSession, timeout: float = 30.0) -> Callable[[str], bytes]:
    """Photos downloaded from the hub (on the photo worker thread; the token of the moment)."""
    client = session.signed_in.client
    base = client.base_url
    verify = tls_context(session.ca_bundle)

    def fetch(attachment_id: str) -> bytes:
        token = client.token or ""
        with httpx.Client(base_url=base, verify=verify, timeout=timeout, trust_env=False) as http:
            response = http.get(
                f"/api/v1/attachments/{quote(attachment_id, safe='')}",
                headers={"Authorization": f"Bearer {token}"},
            )
        response.raise_for_status()
        return response.content

    return fetch


class HubSession(QObject):
    """A running connection: ``store`` and ``jurisdiction`` for the workspace, the engine's news as
    signals.

    Signals:
        status_changed(SyncStatus): online, syncing, offline since, actions waiting.
        changes_applied(Changes): reports changed in the local copy (by the feed, an ack, or locally).
        action_refused(RefusedAction): the hub refused an action (the local copy is back to its truth).
    """

    status_changed = Signal(object)
    changes_applied = Signal(object)
    action_refused = Signal(object)

    def __init__(
        self,
        signed_in: SignedIn,
        store: LocalStore,
        engine: SyncEngine,
        jurisdiction: Jurisdiction,
        path: Path,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.signed_in = signed_in
        self.store = store
        self.engine = engine
        self.jurisdiction = jurisdiction
        self.path = path
        self.ca_bundle: Path | None = None
        #: The local copy is encrypted with a key of this session only (no usable keyring): the next
        #: start cannot read it, and what waits in its outbox is lost when the console closes.
        self.session_only = False
        self._unsubscribe: list[Callable[[], None]] = [
            engine.on_status(self._relay_status),
            engine.on_changes(self._relay_changes),
            engine.on_refused(self._relay_refused),
        ]

    @property
    def user(self) -> Any:
        return self.signed_in.user

    @property
    def status(self) -> SyncStatus:
        return self.engine.status

    def _relay_status(self, status: SyncStatus) -> None:
        self.status_changed.emit(status)

    def _relay_changes(self, changes: Changes) -> None:
        self.changes_applied.emit(changes)

    def _relay_refused(self, refused: RefusedAction) -> None:
        self.action_refused.emit(refused)

    def request_push(self) -> None:
        """An action was queued in the outbox by the workspace: send it now."""
        self.engine.request_push()

    async def close(self) -> None:
        """Stop syncing and close the client (the local copy is closed by its owner)."""
        for stop in self._unsubscribe:
            stop()
        self._unsubscribe.clear()
        with contextlib.suppress(Exception):
            await self.engine.close()
        with contextlib.suppress(Exception):
            await self.signed_in.client.aclose()


@dataclass
class KeptCopy:
    """A local copy from an earlier run, opened before the hub answers (offline-first start)."""

    store: LocalStore
    jurisdiction: Jurisdiction
    path: Path
    user: UserInfo


def _open_kept(folder: Path, user: str) -> KeptCopy | None:
    path = folder / STORE_NAME
    pack = folder / PACK_FOLDER
    if not path.exists() or kept_pack(pack) is None:
        return None
    store = LocalStore.open(path, check=False)
    try:
        known = remembered_user(store, user)
        jurisdiction = kept_pack(pack)
        if known is None or jurisdiction is None:
            store.close()
            return None
        return KeptCopy(store, jurisdiction, path, known)
    except BaseException:
        store.close()
        raise


def _open_copy(path: Path, key: bytes | None) -> LocalStore:
    try:
        return LocalStore.open(path, check=False, key=key)
    except StoreCorrupt:
        if key is None or not path.exists():
            raise
    # An encrypted copy whose key is gone (a session-only copy, a keyring emptied): nothing in it can
    # be read again. It is set aside, not deleted, and the hub fills a new one.
    aside = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
    log.warning("the local copy %s cannot be opened with its key; set aside as %s", path, aside.name)
    path.rename(aside)
    for suffix in SQLITE_SIDECARS:
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
    return LocalStore.open(path, check=False, key=key)


async def open_kept_copy(data_dir: Path, identity: str, user: str) -> KeptCopy | None:
    """The local copy and pack kept for ``identity`` by an earlier run, or None (first run).

    The console shows it at once and connects behind it; :func:`connect` takes its store over."""
    return await asyncio.to_thread(_open_kept, copy_folder(data_dir, identity), user)


async def connect(
    data_dir: Path,
    signed_in: SignedIn,
    *,
    identity: str | None = None,
    progress: Callable[[str], None] | None = None,
    kept: KeptCopy | None = None,
    hold_seconds: float = UNDO_SECONDS,
    credentials: Credentials | None = None,
) -> HubSession:
    """Open the user's local copy, bring in the hub's pack, and start syncing.

    ``identity`` names the local copy's owner (default: user@hub address); the embedded demo hub,
    whose port changes from run to run, gives a fixed one. Raises what opening the store or the
    pack raises (:class:`~ioc_console.store.StoreError`, ``PackError``, ``HubUnavailable`` when
    the hub cannot be reached and no pack is kept); the client is then closed.

    With ``credentials`` the local copy is encrypted (SQLCipher) with a key kept there (the system
    keyring); without a keyring the key, and so the copy, last this session only. A copy that its key
    no longer opens (a previous session's) is set aside, unreadable as it is, and a new one made.
    """
    say = progress or (lambda _step: None)
    who = identity or apply.identity(signed_in.user.name, signed_in.client.base_url)
    folder = copy_folder(data_dir, who)
    store: LocalStore | None = kept.store if kept is not None else None
    path = folder / STORE_NAME
    key: bytes | None = None
    kept_key = True
    try:
        if store is None:
            await asyncio.to_thread(private_folder, folder)
            say("open")
            if credentials is not None:
                key, kept_key = await asyncio.to_thread(local_copy_key, credentials, who)
                if not kept_key:
                    log.warning("no keyring: the local copy is encrypted for this session only")
            store = await asyncio.to_thread(_open_copy, path, key)
        say("pack")
        jurisdiction = await refresh_pack(signed_in.client, folder / PACK_FOLDER)
        await asyncio.to_thread(store.load_jurisdiction, jurisdiction)
        await asyncio.to_thread(remember_user, store, signed_in.user)
        if signed_in.user.role is Role.LIAISON and await asyncio.to_thread(
            apply.resync_without_contacts, store
        ):
            log.info("the liaison's local copy held citizens' contacts: synced again without them")
        # Actions wait out the operator's undo window before they are sent (the workspace releases
        # them early when the undo offer closes).
        engine = SyncEngine(
            signed_in.client, store, identity=who, settings=SyncSettings(hold_seconds=hold_seconds)
        )
        await engine.start()
    except BaseException:
        if store is not None and kept is None:  # a kept copy stays open: the workspace shows it
            await asyncio.to_thread(store.close)
        with contextlib.suppress(Exception):
            await signed_in.client.aclose()
        raise
    log.info("connected to %s as %s; local copy %s", signed_in.client.base_url, signed_in.user.name, path)
    session = HubSession(signed_in, store, engine, jurisdiction, path)
    session.session_only = key is not None and not kept_key
    return session


__all__ = ["HubSession", "KeptCopy", "connect", "copy_folder", "hub_photo_source", "open_kept_copy"]


async def hub_basemap(client: HubClient) -> HubBasemap | None:
    """The basemap the hub serves, as the map takes it (its tiles fetched by this client on the
    event loop), or None when the hub has none or cannot say now (the map then shows its notice)."""
    from ioc_console.gui.map.config import HubBasemap

    try:
        info = await client.basemap()
    except SyncError as error:
        log.info("the hub's basemap is not used: %s", error)
        return None
    if info is None:
        return None
    tasks: set[asyncio.Task[Any]] = set()

    def fetch(z: int, x: int, y: int, reply: Callable[[bytes | None, str], None]) -> None:
        task = asyncio.ensure_future(client.basemap_tile(z, x, y))
        tasks.add(task)

        def done(finished: asyncio.Future[Any]) -> None:
            tasks.discard(task)
            if finished.cancelled():
                reply(None, "")
                return
            error = finished.exception()
            if error is not None:
                log.debug("basemap tile %d/%d/%d not fetched: %s", z, x, y, error)
                reply(None, "")
                return
            result = finished.result()
            reply(*(result if result is not None else (None, "")))

        task.add_done_callback(done)

    return HubBasemap(fetch=fetch, name=info.name, attribution=info.attribution, max_zoom=info.max_zoom)

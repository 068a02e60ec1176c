"""Signing in, resuming a kept session, working offline from a kept session, signing out."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from faults import FaultyTransport
from sync_support import PASSWORD, DictKeyring, ThreadHub, eventually, open_store

from ioc_console.domain.lifecycle import Action, Role
from ioc_console.store import LocalStore, ReportQuery
from ioc_console.sync import apply
from ioc_console.sync.client import HubClient
from ioc_console.sync.credentials import KeyringCredentials, MemoryCredentials
from ioc_console.sync.engine import ForeignLocalCopy, SyncEngine
from ioc_console.sync.errors import HubUnavailable, Unauthorized
from ioc_console.sync.session import HubAddress, console_id, resume, sign_in, sign_out
from ioc_console.sync.status import SyncState


def test_signing_in_keeps_the_token_in_the_keyring_and_resumes_with_it(hub: ThreadHub) -> None:
    backend = DictKeyring()
    credentials = KeyringCredentials(backend)
    address = HubAddress(hub.url + "/")

    async def scenario() -> None:
        signed = await sign_in(address, "lia.a", PASSWORD, credentials)
        assert signed.remembered and signed.keyring_problem is None
        assert signed.user.role is Role.LIAISON and signed.user.agency == "moi-truong-do-thi"
        assert list(backend.secrets.values()) == [signed.client.token]
        await signed.client.aclose()

        again = await resume(address, "lia.a", credentials)
        assert again is not None and not again.unverified and again.user.name == "lia.a"
        await again.client.aclose()
        assert await resume(address, "lan.nt", credentials) is None  # nobody kept for this user

        with pytest.raises(Unauthorized):
            await sign_in(address, "lia.a", "sai mật khẩu", credentials)

    asyncio.run(scenario())


def test_a_session_ended_elsewhere_is_not_resumed_and_its_token_forgotten(hub: ThreadHub) -> None:
    credentials = MemoryCredentials()
    address = HubAddress(hub.url)

    async def scenario() -> None:
        signed = await sign_in(address, "lan.nt", PASSWORD, credentials)
        assert not signed.remembered  # memory only: a session-only sign-in
        await signed.client.logout()
        await signed.client.aclose()
        assert credentials.get_token(hub.url, "lan.nt") is not None
        assert await resume(address, "lan.nt", credentials) is None
        assert credentials.get_token(hub.url, "lan.nt") is None

    asyncio.run(scenario())


def test_an_unreachable_hub_resumes_offline_with_the_role_remembered(hub: ThreadHub, tmp_path: Path) -> None:
    credentials = MemoryCredentials()
    address = HubAddress(hub.url)
    store = open_store(tmp_path / "offline.sqlite3")

    async def scenario() -> None:
        signed = await sign_in(address, "lia.a", PASSWORD, credentials, store=store)
        await signed.client.aclose()
        cut = FaultyTransport()
        cut.cut()
        with pytest.raises(HubUnavailable):
            await resume(address, "lia.a", credentials, transport=cut)  # no store: role unknown
        offline = await resume(address, "lia.a", credentials, store=store, transport=cut)
        assert offline is not None and offline.unverified
        assert offline.user.role is Role.LIAISON and offline.user.agency == "moi-truong-do-thi"
        await offline.client.aclose()

    try:
        asyncio.run(scenario())
    finally:
        store.close()


def test_signing_out_forgets_the_token_the_session_and_the_local_copy(hub: ThreadHub, tmp_path: Path) -> None:
    number = hub.submit("Xe tải chở cát làm rơi vãi trên đường 21/8")
    credentials = MemoryCredentials()
    address = HubAddress(hub.url)
    store = open_store(tmp_path / "signout.sqlite3")
    ident = console_id(store)
    assert ident == console_id(store) and ident.startswith("console-")

    async def scenario() -> None:
        signed = await sign_in(address, "lan.nt", PASSWORD, credentials, console=ident, store=store)
        engine = SyncEngine(signed.client, store, identity=signed.identity)
        await engine.start()
        await eventually(lambda: store.get_report(number), what="the first sync")
        await engine.stop()
        # Offline meanwhile: one action still waits when the user signs out.
        await engine.act(number, Action.LOG_CALL, {"outcome": "Chưa gửi được"})
        token = signed.client.token
        await engine.close()
        dropped = await sign_out(signed, credentials, store)
        assert dropped == 1
        assert credentials.get_token(hub.url, "lan.nt") is None
        assert store.count(ReportQuery()) == 0 and store.pending_actions() == []
        assert apply.read_cursor(store) == 0 and apply.drafts(store) == []
        assert store.count(ReportQuery(text="cát")) == 0
        async with HubClient(hub.url, token=token, trust_env=False) as stale:
            with pytest.raises(Unauthorized):
                await stale.me()

        # Another user may now use this console; a copy owned by someone else is refused.
        other = await sign_in(address, "hung.tv", PASSWORD, credentials, console=ident)
        assert apply.claim(store, other.identity) == other.identity
        stranger = SyncEngine(other.client, store, identity=apply.identity("lan.nt", hub.url))
        with pytest.raises(ForeignLocalCopy):
            await stranger.start()
        engine = SyncEngine(other.client, store, identity=other.identity)
        await engine.start()
        await engine.wait_for(lambda s: s.state is SyncState.ONLINE, timeout=10)
        await eventually(lambda: store.get_report(number), what="the second user's first sync")
        await engine.close()
        await other.client.aclose()
        await stranger.close()

    try:
        asyncio.run(scenario())
    finally:
        store.close()


def _files_holding(folder: Path, needles: list[bytes]) -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits = [n for n in needles if n in data]
            if hits:
                found[path.name] = hits
    return found


def test_signing_out_leaves_no_citizen_data_in_the_files(hub: ThreadHub, tmp_path: Path) -> None:
    description = "Cống thoát nước hẻm 42 vỡ, nước tràn ra đường"
    # Enough reports that deleting them frees whole pages (a lone row is rewritten in place anyway).
    for n in range(40):
        hub.submit(f"Đèn đường số {n} ở khu phố 3 không sáng, cả đoạn đường tối om vào ban đêm")
    number = hub.submit(
        description,
        first_name="Quýnh",
        last_name="Hoàng Khắc",
        phone="0912 468 357",
        email="quynh.hk@example.vn",
    )
    needles = ["Quýnh".encode(), b"0912468357", b"quynh.hk@example.vn", description.encode()]
    path = tmp_path / "copy" / "console.sqlite3"
    photos = tmp_path / "cache" / "photos"
    (photos / "ab").mkdir(parents=True)
    (photos / "ab" / "ab12.img").write_bytes(b"\xff\xd8\xff a citizen's photo")
    credentials = MemoryCredentials()
    stores = [open_store(path)]

    async def scenario() -> None:
        signed = await sign_in(HubAddress(hub.url), "lan.nt", PASSWORD, credentials, store=stores[0])
        engine = SyncEngine(signed.client, stores[0], identity=signed.identity)
        await engine.start()
        report = await eventually(lambda: stores[0].get_report(number), what="the first sync")
        assert "Quýnh" in (report.contact.name or "")
        await engine.close()
        stores[0].close()  # (the WAL is written into the file, as after a day's work)
        # The citizen is in the database file now: what this test looks for can be found...
        assert set(_files_holding(path.parent, needles)) == {path.name}
        stores[0] = LocalStore.open(path)
        await sign_out(signed, credentials, stores[0], caches=[photos])

    try:
        asyncio.run(scenario())
    finally:
        stores[0].close()
    # ... and after signing out, not a byte of them is left, and the downloaded photos are gone.
    assert _files_holding(path.parent, needles) == {}
    assert not photos.exists()

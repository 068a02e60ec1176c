"""A console connecting to a real hub: its own local copy per user and hub, the hub's pack, the
feed applied, the engine's news as Qt signals, an offline restart on the kept copy."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from faults import FaultyTransport
from sync_support import AGENCY_A, PASSWORD, DictKeyring, ThreadHub, eventually

from ioc_console.domain.report import Contact
from ioc_console.store import ReportQuery
from ioc_console.sync.credentials import LOCAL_COPY_KEYS, KeyringCredentials, MemoryCredentials
from ioc_console.sync.engine import Changes
from ioc_console.sync.session import HubAddress, sign_in

from ioc_console.gui.connection import HubSession, connect, copy_folder


def test_a_signed_in_console_syncs_into_its_own_copy(qapp, hub: ThreadHub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = hub.submit("Ống nước vỡ trước chợ Phan Rang, nước tràn ra đường")

    async def scenario() -> None:
        signed = await sign_in(HubAddress(hub.url), "lan.nt", PASSWORD, MemoryCredentials())
        session = await connect(tmp_path, signed)
        seen: list[Changes] = []
        session.changes_applied.connect(seen.append)
        try:
            assert session.path.parent == copy_folder(tmp_path, f"lan.nt@{hub.url}")
            assert "so-xd" in session.jurisdiction.agencies
            await eventually(lambda: session.store.get_report(before), what="the first pull")
            after = hub.submit("Đèn đường hỏng cả đoạn, tối om")
            await eventually(lambda: session.store.get_report(after), what="the live change")
            # ... and the window is told (the signal follows the page's write)
            await eventually(lambda: any(after in c.upserted for c in seen), what="the change signal")
        finally:
            await session.close()
            session.store.close()

        other = await sign_in(HubAddress(hub.url), "lia.a", PASSWORD, MemoryCredentials())
        theirs = await connect(tmp_path, other)
        try:
            assert theirs.path != session.path  # nobody sees another user's copy
        finally:
            await theirs.close()
            theirs.store.close()

        network = FaultyTransport()
        offline = await sign_in(
            HubAddress(hub.url), "lan.nt", PASSWORD, MemoryCredentials(), transport=network
        )
        network.cut()  # the network goes down after signing in
        again = await connect(tmp_path, offline)
        try:
            rows = again.store.query(ReportQuery(text="đèn đường"))
            assert [r.number for r in rows] == [after]  # the kept copy and the kept pack
        finally:
            await again.close()
            again.store.close()

    asyncio.run(scenario())


def test_a_hubs_copy_is_encrypted_with_its_key_in_the_keyring(qapp, hub: ThreadHub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    number = hub.submit(
        "Cây xanh ngã đè lên mái nhà số 9 hẻm Yên Ninh", first_name="Bảo", last_name="Từ", phone="0977135246"
    )
    system = DictKeyring()
    keyring = KeyringCredentials(system)
    needles = [b"0977135246", "hẻm Yên Ninh".encode(), b"SQLite format 3"]

    def files_holding() -> list[bytes]:
        folder = copy_folder(tmp_path, f"lan.nt@{hub.url}")
        found: list[bytes] = []
        for path in folder.iterdir():
            if path.is_file():
                found += [n for n in needles if n in path.read_bytes()]
        return found

    async def scenario() -> None:
        signed = await sign_in(HubAddress(hub.url), "lan.nt", PASSWORD, keyring)
        session = await connect(tmp_path, signed, credentials=keyring)
        try:
            assert session.store.encrypted
            await eventually(lambda: session.store.get_report(number), what="the first pull")
            assert files_holding() == []  # neither the file nor its WAL shows the citizen
        finally:
            await session.close()
            session.store.close()
        assert files_holding() == []
        kept = keyring.get_token(LOCAL_COPY_KEYS, f"lan.nt@{hub.url}")
        assert kept is not None and len(bytes.fromhex(kept)) == 32  # in the keyring, not in a file

        # The next start opens the same copy with the key from the keyring (offline: from disk).
        network = FaultyTransport()
        offline = await sign_in(HubAddress(hub.url), "lan.nt", PASSWORD, keyring, transport=network)
        network.cut()
        again = await connect(tmp_path, offline, credentials=keyring)
        try:
            assert again.store.get_report(number) is not None
        finally:
            await again.close()
            again.store.close()

        # Without a keyring the key lives in memory: a later session cannot read that copy; it is
        # set aside unread and the new session's copy is filled again from the hub.
        session_only = MemoryCredentials()
        fresh = await sign_in(HubAddress(hub.url), "lan.nt", PASSWORD, session_only)
        renewed = await connect(tmp_path, fresh, credentials=session_only)
        try:
            await eventually(lambda: renewed.store.get_report(number), what="the new copy's first pull")
            aside = list(renewed.path.parent.glob("console.sqlite3.unreadable-*"))
            assert len(aside) == 1 and b"0977135246" not in aside[0].read_bytes()
        finally:
            await renewed.close()
            renewed.store.close()

    asyncio.run(scenario())


def test_a_liaisons_copy_that_holds_contacts_is_synced_again_without_them(  # type: ignore[no-untyped-def]
    qapp, hub: ThreadHub, tmp_path: Path
) -> None:
    number = hub.submit("Rác ùn ứ trước trường tiểu học Đô Vinh", first_name="Khoa", phone="0966 808 707")
    hub.act("lan.nt", number, "forward", {"agency": AGENCY_A})

    async def open_copy() -> HubSession:
        signed = await sign_in(HubAddress(hub.url), "lia.a", PASSWORD, MemoryCredentials())
        return await connect(tmp_path, signed)

    async def scenario() -> None:
        session = await open_copy()
        try:
            report = await eventually(lambda: session.store.get_report(number), what="the first pull")
            assert report.contact.phone == ""  # the hub withholds it from a liaison
            # As a copy synced before the hub withheld contacts: the report with its contact.
            session.store.upsert_reports([replace(report, contact=Contact("Khoa", "0966808707", ""))])
            assert session.store.count(ReportQuery(text="0966808707")) == 1
        finally:
            await session.close()
            session.store.close()
        again = await open_copy()
        try:
            await eventually(
                lambda: (r := again.store.get_report(number)) is not None and r.contact.phone == "",
                what="the report rewritten without its contact",
            )
            assert again.store.count(ReportQuery(text="0966808707")) == 0
        finally:
            await again.close()
            again.store.close()

    asyncio.run(scenario())

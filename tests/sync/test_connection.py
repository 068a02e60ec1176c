"""A console connecting to a real hub: its own local copy per user and hub, the hub's pack, the
feed applied, the engine's news as Qt signals, an offline restart on the kept copy."""

from __future__ import annotations

import asyncio
from pathlib import Path

from faults import FaultyTransport
from sync_support import PASSWORD, ThreadHub, eventually

from ioc_console.store import ReportQuery
from ioc_console.sync.credentials import MemoryCredentials
from ioc_console.sync.engine import Changes
from ioc_console.sync.session import HubAddress, sign_in

from ioc_console.gui.connection import connect, copy_folder


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

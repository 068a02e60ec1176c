"""A liaison's progress note with a photo, queued while the network is down, reaches the hub with the
photo attached at the progress stage, uploaded once even when the action's answer is lost, and the
spooled copy is removed once the hub has it."""

from __future__ import annotations

import asyncio
import os
import struct
import time
import zlib
from pathlib import Path

import httpx
import pytest
from faults import FaultyTransport
from sync_support import AGENCY_A, ThreadHub, make_console

from ioc_console.domain.lifecycle import Action
from ioc_console.store import OutboxState
from ioc_console.store.photos import PHOTOS, spool_photos
from ioc_console.sync.errors import HubUnavailable


def tiny_png(seed: int) -> bytes:
    """A valid 2×2 PNG whose pixels depend on ``seed``."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + bytes([seed % 256, 40, 90] * 2) for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class CountingUploads(FaultyTransport):
    """Counts the photo uploads that reached the hub."""

    def __init__(self) -> None:
        super().__init__()
        self.uploads = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method == "POST" and request.url.path.endswith("/attachments"):
            self.uploads += 1
        return response


def test_a_progress_note_with_a_photo_queued_offline_arrives_with_its_photo(
    hub: ThreadHub, tmp_path: Path
) -> None:
    number = hub.submit("Cây xanh ngã chắn lối đi trên đường Yên Ninh")
    hub.act("lan.nt", number, "forward", {"agency": AGENCY_A})
    hub.act("lia.a", number, "accept", {})
    original = tmp_path / "hien-truong.png"
    original.write_bytes(tiny_png(7))
    transport = CountingUploads()

    async def scenario() -> None:
        liaison = make_console(hub, tmp_path, "lia.a", "photos", transport=transport)
        try:
            await liaison.engine.pull()
            transport.cut()
            spooled = spool_photos(liaison.store.path, [original], "progress")
            spool = Path(spooled[0]["path"])
            assert spool.read_bytes() == original.read_bytes()
            assert spool.parent == tmp_path / "outbox-photos"
            entry = await liaison.engine.act(
                number, Action.NOTE_PROGRESS, {"note": "Đã cưa cây, đang dọn", PHOTOS: spooled}
            )
            with pytest.raises(HubUnavailable):
                await liaison.engine.push()
            assert spool.exists(), "the photo waits while the network is down"
            assert transport.uploads == 0

            # Back online; the action's answer is lost once after the photo went up: the retry
            # sends the same photo id, it is not uploaded again.
            transport.restore()
            transport.lose_answers(1)
            with pytest.raises(HubUnavailable):
                await liaison.engine.push()
            waiting = liaison.store.outbox_entry(entry.id)
            assert waiting is not None and waiting.state is OutboxState.PENDING
            assert waiting.payload[PHOTOS][0]["id"]
            assert spool.exists()
            await liaison.engine.push()
            done = liaison.store.outbox_entry(entry.id)
            assert done is not None and done.state is OutboxState.ACKNOWLEDGED
            assert transport.uploads == 1
            assert not spool.exists(), "the spooled copy goes once the hub has the note"
        finally:
            await liaison.close()

    asyncio.run(scenario())
    doc = hub.report(number)
    attached = doc["attachments"]
    assert [a["stage"] for a in attached] == ["progress"]
    assert sum(1 for e in doc["history"] if e["action"] == "note_progress") == 1
    with httpx.Client(base_url=hub.url, timeout=30, trust_env=False) as c:
        r = c.get(attached[0]["url"], headers={"Authorization": f"Bearer {hub.token('admin')}"})
    assert r.status_code == 200
    assert r.content == original.read_bytes()


def test_a_spooled_photo_nothing_waits_for_is_swept_at_start(hub: ThreadHub, tmp_path: Path) -> None:
    number = hub.submit("Đường ống nước vỡ trên đường 21/8")
    hub.act("lan.nt", number, "forward", {"agency": AGENCY_A})
    hub.act("lia.a", number, "accept", {})
    original = tmp_path / "ong-vo.png"
    original.write_bytes(tiny_png(3))
    transport = FaultyTransport()

    async def scenario() -> None:
        liaison = make_console(hub, tmp_path, "lia.a", "sweep", transport=transport)
        try:
            await liaison.engine.pull()
            # one copy left by an action taken back, one of an action still waiting (offline)
            [orphan] = spool_photos(liaison.store.path, [original], "progress")
            waiting = spool_photos(liaison.store.path, [original], "result")
            transport.cut()
            await liaison.engine.act(number, Action.NOTE_PROGRESS, {"note": "Đã khóa van", PHOTOS: waiting})
            hour_ago = time.time() - 7200
            for path in (orphan["path"], waiting[0]["path"]):
                os.utime(path, (hour_ago, hour_ago))
            await liaison.engine.start()
            assert not Path(orphan["path"]).exists()
            assert Path(waiting[0]["path"]).exists()
        finally:
            await liaison.close()

    asyncio.run(scenario())

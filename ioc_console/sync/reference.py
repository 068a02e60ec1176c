"""The hub's jurisdiction pack, kept in the console's data folder.

A console signed in to a hub works with the hub's pack (units, agencies, categories, routing,
deadline policy), not with one of its own: :func:`refresh_pack` fetches it, checks it with the
domain's loader and keeps the files in a folder, replaced as a whole only once the new pack is
valid. When the hub cannot be reached the kept pack is used, so a console starts offline on its
local copy. Blocking work (files, loading) runs on a worker thread.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.sync.client import HubClient
from ioc_console.sync.errors import HubUnavailable, MalformedAnswer
from ioc_console.sync.wire import WireError

#: Beside the pack's files: the hub's revision and digest of the kept pack.
STAMP = "hub-pack.json"


def _safe_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".") and name != STAMP


def keep_pack(folder: Path, revision: int, sha256: str, files: dict[str, str]) -> Jurisdiction:
    """Check ``files`` as a pack and make them the pack in ``folder`` (the old one stays on error)."""
    bad = [name for name in files if not _safe_name(name)]
    if bad:
        raise MalformedAnswer(WireError("jurisdiction.files", f"bad file name {bad[0]!r}"))
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name, text in files.items():
        (partial / name).write_text(text, encoding="utf-8")
    jurisdiction = load_pack(partial)  # raises PackError naming the file, entry and field
    (partial / STAMP).write_text(json.dumps({"revision": revision, "sha256": sha256}), encoding="utf-8")
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(partial, folder)
    shutil.rmtree(old, ignore_errors=True)
    return jurisdiction


def kept_stamp(folder: Path) -> str | None:
    try:
        return str(json.loads((folder / STAMP).read_text(encoding="utf-8"))["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def kept_pack(folder: Path) -> Jurisdiction | None:
    """The pack kept in ``folder`` by an earlier run, or None."""
    if kept_stamp(folder) is None:
        return None
    return load_pack(folder)


async def refresh_pack(client: HubClient, folder: Path) -> Jurisdiction:
    """The hub's pack, fetched and kept in ``folder``; offline, the kept one.

    Raises :class:`HubUnavailable` when the hub cannot be reached and nothing is kept,
    :class:`MalformedAnswer` for a broken answer, and the domain's ``PackError`` for an invalid pack.
    """
    try:
        revision, sha256, files = await client.jurisdiction()
    except HubUnavailable:
        kept = await asyncio.to_thread(kept_pack, folder)
        if kept is None:
            raise
        return kept
    if await asyncio.to_thread(kept_stamp, folder) == sha256:
        kept = await asyncio.to_thread(kept_pack, folder)
        if kept is not None:
            return kept
    return await asyncio.to_thread(keep_pack, folder, revision, sha256, files)


__all__ = ["keep_pack", "kept_pack", "refresh_pack"]

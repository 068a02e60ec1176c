"""The jurisdiction every hub process uses: the pack stored in the database, loaded by the domain.

The pack's files live in the ``packs`` table, so that several processes (and the consoles, through
``GET /api/v1/jurisdiction``) always agree on one pack. Each process loads the newest stored pack
with :func:`ioc_console.domain.jurisdiction.load_pack` and reloads it when the ``pack`` counter moves.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from ioc_console.domain.calendar import WorkingCalendar
from ioc_console.domain.jurisdiction import Jurisdiction, PackError, load_pack
from ioc_console.hub import schema
from ioc_console.hub.db import (
    Database,
    DatabaseError,
    StoredPack,
    latest_pack,
    read_pack_folder,
    store_pack,
    write_pack_folder,
)


@dataclass(frozen=True)
class LoadedPack:
    revision: int
    jurisdiction: Jurisdiction
    calendar: WorkingCalendar
    files: dict[str, str]
    sha256: str


def load_files(files: dict[str, str]) -> Jurisdiction:
    """Validate pack files with the domain's loader (raises :class:`PackError`)."""
    with tempfile.TemporaryDirectory(prefix="ioc-pack-") as tmp:
        folder = Path(tmp)
        write_pack_folder(files, folder)
        return load_pack(folder)


def _loaded(stored: StoredPack) -> LoadedPack:
    jurisdiction = load_files(stored.files)
    calendar = WorkingCalendar.for_jurisdiction(jurisdiction)
    # Build this year's and next year's working-day tables now rather than in the first request.
    today = datetime.now(ZoneInfo(jurisdiction.timezone)).date()
    for year in (today.year - 1, today.year, today.year + 1):
        calendar.is_working_day(date(year, 6, 1))
    return LoadedPack(
        revision=stored.revision,
        jurisdiction=jurisdiction,
        calendar=calendar,
        files=stored.files,
        sha256=stored.sha256,
    )


def install_pack(db: Database, folder: Path, *, by: str, at: datetime) -> Jurisdiction:
    """Validate the pack folder and store it as the newest pack (``ioc-hub init --pack``)."""
    files = read_pack_folder(folder)
    jurisdiction = load_files(files)
    with db.write() as conn:
        current = latest_pack(conn)
        if current is None or current.files != files:
            store_pack(conn, files, jurisdiction_id=jurisdiction.id, name=jurisdiction.name, by=by, at=at)
    return jurisdiction


class PackHolder:
    """The current pack of this process, reloaded when another process stores a newer one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pack: LoadedPack | None = None

    def load(self, conn: Connection) -> LoadedPack:
        stored = latest_pack(conn)
        if stored is None:
            raise DatabaseError("no jurisdiction pack is loaded: run `ioc-hub init --pack PACK`")
        try:
            loaded = _loaded(stored)
        except PackError as error:
            raise DatabaseError(f"the stored jurisdiction pack is not valid: {error}") from error
        with self._lock:
            self._pack = loaded
        return loaded

    @property
    def current(self) -> LoadedPack:
        pack = self._pack
        if pack is None:
            raise DatabaseError("the jurisdiction is not loaded")
        return pack

    def refresh(self, conn: Connection) -> bool:
        """Reload if the stored pack changed; True when it did."""
        revision = Database.counter(conn, schema.PACK_REVISION)
        pack = self._pack
        if pack is not None and pack.revision == revision:
            return False
        self.load(conn)
        return True

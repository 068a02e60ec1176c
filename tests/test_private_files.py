"""Files holding citizens' data are their user's alone (0600 files, 0700 folders): the console's local
copy with its WAL and its spooled photos, and the hub's SQLite file (in a folder made 0700 when the
hub creates it; an existing folder, such as a shared one, is left as it is)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from ioc_console.hub.db import Database
from ioc_console.store import LocalStore
from ioc_console.store.photos import spool_folder, spool_photos

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """Files would be made readable by everyone (0644) under the usual umask, unless made private."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_the_local_copy_and_its_wal_are_the_users_alone(tmp_path: Path) -> None:
    folder = tmp_path / "hubs" / "3f2a"
    store = LocalStore.open(folder / "console.sqlite3")
    try:
        store.set_meta("console.id", "console-1")  # a write: the WAL and its index exist now
        assert mode(folder) == 0o700
        for name in ("console.sqlite3", "console.sqlite3-wal", "console.sqlite3-shm"):
            assert mode(folder / name) == 0o600, name
    finally:
        store.close()


def test_a_copy_left_readable_by_an_older_version_is_narrowed_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "console.sqlite3"
    LocalStore.open(path).close()
    path.chmod(0o644)
    store = LocalStore.open(path)
    try:
        assert mode(path) == 0o600
    finally:
        store.close()


def test_photos_spooled_for_the_outbox_are_in_a_private_folder(tmp_path: Path) -> None:
    photo = tmp_path / "anh.png"
    photo.write_bytes(PNG)
    store_path = tmp_path / "copy" / "console.sqlite3"
    store_path.parent.mkdir()
    spool_photos(store_path, [photo], "progress")
    assert mode(spool_folder(store_path)) == 0o700


def test_the_hubs_sqlite_file_is_its_users_alone(tmp_path: Path) -> None:
    folder = tmp_path / "ioc-hub"
    db = Database(f"sqlite:///{folder / 'hub.sqlite3'}", pool_size=1)
    try:
        db.migrate()
        assert mode(folder) == 0o700
        for name in ("hub.sqlite3", "hub.sqlite3-wal", "hub.sqlite3-shm"):
            assert mode(folder / name) == 0o600, name
    finally:
        db.dispose()


def test_an_existing_folder_that_is_not_the_hubs_is_left_as_it_is(tmp_path: Path) -> None:
    shared = tmp_path / "srv"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    db = Database(f"sqlite:///{shared / 'hub.sqlite3'}", pool_size=1)
    try:
        db.migrate()
        assert mode(shared) == 0o755 and mode(shared / "hub.sqlite3") == 0o600
    finally:
        db.dispose()

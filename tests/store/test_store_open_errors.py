"""A file that is locked, from a newer version or damaged: a clear error, and the file untouched."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest
from store_support import make_report, with_history

from ioc_console.store import LocalStore, StoreCorrupt, StoreError, StoreLocked, StoreTooNew


def filled_store(path: Path, count: int = 300) -> None:
    with LocalStore.open(path) as store:
        store.upsert_reports([with_history(make_report(i)) for i in range(count)])


def test_locked_by_another_program_holding_the_write_lock(store_path: Path) -> None:
    filled_store(store_path)
    other = sqlite3.connect(store_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    before = store_path.read_bytes()
    try:
        with pytest.raises(StoreLocked) as caught:
            LocalStore.open(store_path, timeout=0.2)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store_path.read_bytes() == before
    message = caught.value.message("vi")
    assert "chương trình khác" in message and str(store_path) in message
    assert "another program" in caught.value.message("en")
    LocalStore.open(store_path).close()  # once released, it opens


def test_locked_database_of_another_program_in_rollback_mode(store_path: Path) -> None:
    """A file in the classic journal mode held exclusively: even reading it waits, then gives up."""
    other = sqlite3.connect(store_path, isolation_level=None)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO t VALUES (1)")
    before = store_path.read_bytes()
    try:
        with pytest.raises(StoreLocked):
            LocalStore.open(store_path, timeout=0.2)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store_path.read_bytes() == before


def test_a_newer_schema_is_never_downgraded(store_path: Path) -> None:
    filled_store(store_path)
    with sqlite3.connect(store_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    before = store_path.read_bytes()
    with pytest.raises(StoreTooNew) as caught:
        LocalStore.open(store_path)
    assert caught.value.revision == "0099_from_the_future"
    assert store_path.read_bytes() == before
    assert "phiên bản IOC Console mới hơn" in caught.value.message("vi")
    assert "0099_from_the_future" in caught.value.message("en")


def test_random_bytes_are_not_a_database(store_path: Path) -> None:
    store_path.write_bytes(random.Random(1).randbytes(8192))
    before = store_path.read_bytes()
    with pytest.raises(StoreCorrupt) as caught:
        LocalStore.open(store_path)
    assert store_path.read_bytes() == before
    assert "bị hỏng" in caught.value.message("vi")
    assert not Path(f"{store_path}-wal").exists()


def test_a_few_bytes_are_not_a_database(store_path: Path) -> None:
    store_path.write_bytes(b"SQLite format 3\x00")
    with pytest.raises(StoreCorrupt):
        LocalStore.open(store_path)
    assert store_path.read_bytes() == b"SQLite format 3\x00"


def test_a_truncated_file_is_damaged(store_path: Path) -> None:
    filled_store(store_path, 2000)
    size = store_path.stat().st_size
    with store_path.open("r+b") as handle:
        handle.truncate(size // 2)
    before = store_path.read_bytes()
    with pytest.raises(StoreCorrupt):
        LocalStore.open(store_path)
    assert store_path.read_bytes() == before


def test_damaged_pages_fail_the_integrity_check(store_path: Path) -> None:
    filled_store(store_path, 2000)
    data = bytearray(store_path.read_bytes())
    page = 4096
    noise = random.Random(2)
    for number in range(3, len(data) // page, 5):  # scribble over every fifth page, header kept
        start = number * page
        data[start : start + page] = noise.randbytes(page)
    store_path.write_bytes(bytes(data))
    with pytest.raises(StoreCorrupt):
        LocalStore.open(store_path)
    assert store_path.read_bytes() == bytes(data)


def test_damage_found_after_a_fast_open(store_path: Path) -> None:
    """Opened without the full check, the damage is reported by check() (or by the open)."""
    filled_store(store_path, 2000)
    data = bytearray(store_path.read_bytes())
    middle = (len(data) // 4096 // 2) * 4096
    data[middle : middle + 4096 * 3] = random.Random(3).randbytes(4096 * 3)
    store_path.write_bytes(bytes(data))
    with pytest.raises(StoreCorrupt):
        store = LocalStore.open(store_path, check=False)
        try:
            store.check()
        finally:
            store.close()
    assert store_path.read_bytes() == bytes(data)


def test_a_sound_store_passes_the_check(store_path: Path) -> None:
    filled_store(store_path, 50)
    with LocalStore.open(store_path, check=False) as store:
        store.check()


def test_another_programs_database_is_not_taken_over(store_path: Path) -> None:
    with sqlite3.connect(store_path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.close()
    before = store_path.read_bytes()
    with pytest.raises(StoreCorrupt) as caught:
        LocalStore.open(store_path)
    assert caught.value.foreign
    assert "không phải dữ liệu của IOC Console" in caught.value.message("vi")
    assert store_path.read_bytes() == before


def test_a_folder_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        LocalStore.open(tmp_path)


def test_store_errors_name_the_file_in_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    for error in (StoreLocked(path), StoreTooNew(path, "r9"), StoreCorrupt(path, "detail")):
        assert str(path) in error.message("vi")
        assert str(path) in error.message("en")
        assert error.message("vi") != error.message("en")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores file permissions")
def test_an_unwritable_folder_is_an_io_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError):
            LocalStore.open(folder / "console.sqlite3")
    finally:
        folder.chmod(0o700)

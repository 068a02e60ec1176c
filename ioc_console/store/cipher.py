"""The local copy encrypted at rest: SQLCipher 4 (through ``sqlcipher3``, which carries its own SQLite
with FTS5) under a random 256-bit key.

The key is given raw (``x'…'``), so opening costs no key derivation: it is a random key kept in the
system keyring (see :mod:`ioc_console.sync.credentials`), not a password. Pages are 8 KiB, as the
plain store's. A plain copy made by an earlier version is encrypted in place the first time it is
opened with a key (its rows, outbox included, are kept).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from pathlib import Path
from typing import Any, Final, cast

from sqlcipher3 import dbapi2 as sqlcipher

from ioc_console.private_files import SQLITE_SIDECARS, private_file

KEY_BYTES: Final = 32
PAGE_SIZE: Final = 8192
_PLAIN_HEADER: Final = b"SQLite format 3\x00"

#: What either driver raises (the plain store's ``sqlite3``, the encrypted one's ``sqlcipher3``).
ERRORS: Final[tuple[type[Exception], ...]] = (sqlite3.Error, sqlcipher.Error)
DATABASE_ERRORS: Final[tuple[type[Exception], ...]] = (sqlite3.DatabaseError, sqlcipher.DatabaseError)
CONNECTIONS: Final[tuple[type[Any], ...]] = (sqlite3.Connection, sqlcipher.Connection)
#: The DB-API module of encrypted connections (SQLAlchemy wraps its errors).
MODULE: Final = sqlcipher


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def _key_sql(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError(f"a local copy's key has {KEY_BYTES} bytes")
    return f"\"x'{key.hex()}'\""


def connect(path: Path, key: bytes, timeout: float) -> sqlite3.Connection:
    """An SQLCipher connection to ``path`` keyed with ``key`` (typed as the plain driver's: the same
    DB-API calls work on both)."""
    raw = sqlcipher.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        raw.execute(f"PRAGMA key = {_key_sql(key)}")
        raw.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
    except BaseException:
        raw.close()
        raise
    return cast(sqlite3.Connection, raw)


def is_plain(path: Path) -> bool:
    """Whether ``path`` is a plain (unencrypted) SQLite database with something in it."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(_PLAIN_HEADER)) == _PLAIN_HEADER
    except FileNotFoundError:
        return False


def encrypt_in_place(path: Path, key: bytes) -> None:
    """Rewrite the plain database at ``path`` encrypted with ``key`` (``sqlcipher_export``), then put
    it in the plain file's place; the plain file and its WAL are removed."""
    encrypted = path.with_name(path.name + ".encrypting")
    with contextlib.suppress(FileNotFoundError):
        encrypted.unlink()
    private_file(encrypted)
    raw = sqlcipher.connect(str(path), isolation_level=None)
    try:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.execute(f"ATTACH DATABASE ? AS encrypted KEY {_key_sql(key)}", (str(encrypted),))
        raw.execute(f"PRAGMA encrypted.cipher_page_size = {PAGE_SIZE}")
        raw.execute("SELECT sqlcipher_export('encrypted')")
        raw.execute("DETACH DATABASE encrypted")
    finally:
        raw.close()
    os.replace(encrypted, path)
    for suffix in SQLITE_SIDECARS:
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()

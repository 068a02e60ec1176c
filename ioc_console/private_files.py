"""Files that hold citizens' data are their user's alone: folders 0700, files 0600.

The console's local copy, its photo cache and the hub's SQLite file carry names, phone numbers and
addresses; no other local account may read them. SQLite makes a database's ``-wal`` and ``-shm``
files with the database file's own permissions, so a store file made private keeps them private too.
On Windows the user's profile folder is private already and POSIX modes mean little; nothing is done.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
#: What SQLite keeps beside a database file.
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")


def _posix() -> bool:
    return os.name == "posix"


def private_folder(path: Path, *, ours: bool = True) -> Path:
    """Make ``path`` (and missing parents) a folder only its user may enter. An existing folder is
    narrowed only when it is ``ours`` (a folder of the program's own), never one such as ``/tmp``."""
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if _posix() and (ours or not existed):
        path.chmod(FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty if it is missing, and make it and its SQLite sidecars owner-only."""
    if not _posix():
        return path
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE)
        os.close(fd)
    for each in (path, *(Path(f"{path}{suffix}") for suffix in SQLITE_SIDECARS)):
        with contextlib.suppress(FileNotFoundError):
            each.chmod(FILE_MODE)
    return path

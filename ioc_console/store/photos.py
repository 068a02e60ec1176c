"""Photos attached to a queued action (a progress note, a result), kept beside the local store.

A chosen photo is copied into the store's spool folder (``<store folder>/outbox-photos``) before its
action is queued, written under a temporary name and renamed, so that a crash or a dead network loses
nothing; the outbox payload names it under :data:`PHOTOS` (path, stage, content type). The sync engine
uploads each photo, sends the action with the hub's ids and removes the spooled files once the hub
acknowledged it.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ioc_console.private_files import private_folder

if TYPE_CHECKING:
    from ioc_console.store.local import LocalStore

#: The payload key listing a queued action's photos.
PHOTOS: Final = "photos"
#: The most photos one action carries.
MAX_PHOTOS: Final = 5
#: The largest photo accepted, in bytes (the hub's limit).
MAX_PHOTO_BYTES: Final = 10_000_000
#: The spool folder's name, beside the store's file.
SPOOL_DIR: Final = "outbox-photos"
#: File name extensions of accepted photos and the content type each stands for.
EXTENSIONS: Final = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
_SUFFIX: Final = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


class PhotoProblem(StrEnum):
    """Why a chosen file cannot be attached."""

    NOT_IMAGE = "not_image"
    TOO_LARGE = "too_large"
    UNREADABLE = "unreadable"


def sniff(head: bytes) -> str | None:
    """The image type of a file from its first bytes (JPEG, PNG or WebP), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photo(path: Path) -> tuple[str | None, PhotoProblem | None]:
    """(content type, None) for a file that may be attached, else (None, the problem).

    The name must end like an image and the bytes must be one (a renamed file is refused)."""
    if path.suffix.lower() not in EXTENSIONS:
        return None, PhotoProblem.NOT_IMAGE
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(16)
    except OSError:
        return None, PhotoProblem.UNREADABLE
    if size > MAX_PHOTO_BYTES:
        return None, PhotoProblem.TOO_LARGE
    kind = sniff(head)
    if kind is None:
        return None, PhotoProblem.NOT_IMAGE
    return kind, None


def spool_folder(store_path: Path) -> Path:
    return Path(store_path).parent / SPOOL_DIR


def spool_photos(store_path: Path, sources: Iterable[Path], stage: str) -> list[dict[str, Any]]:
    """Copy ``sources`` into the spool (each written, flushed to disk, then renamed); the payload's
    :data:`PHOTOS` list. Raises :class:`ValueError` for a file that is not an acceptable photo and
    :class:`OSError` when copying fails; either way nothing is left behind."""
    folder = private_folder(spool_folder(store_path))
    done: list[dict[str, Any]] = []
    try:
        for source in sources:
            kind, problem = check_photo(source)
            if kind is None:
                raise ValueError(f"{source.name}: {problem}")
            target = folder / f"{uuid.uuid4().hex}{_SUFFIX[kind]}"
            partial = target.with_name(target.name + ".part")
            data = source.read_bytes()
            if len(data) > MAX_PHOTO_BYTES:
                raise ValueError(f"{source.name}: {PhotoProblem.TOO_LARGE}")
            with partial.open("wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            partial.replace(target)
            done.append({"path": str(target), "stage": stage, "content_type": kind})
    except BaseException:
        discard(done)
        raise
    return done


def discard(photos: Iterable[Mapping[str, Any]]) -> None:
    """Remove spooled photos (those already gone are fine)."""
    for photo in photos:
        path = photo.get("path")
        if isinstance(path, str):
            with contextlib.suppress(OSError):
                Path(path).unlink(missing_ok=True)


def sweep(store: LocalStore, *, older_than: float = 3600.0) -> int:
    """Remove spooled photos no waiting action nor kept draft names (an action taken back, a crash
    between the copy and the queueing), once older than ``older_than`` seconds (a photo copied for an
    action being queued right now is younger). How many went. Blocking: call it on a worker."""
    folder = spool_folder(store.path)
    if not folder.is_dir():
        return 0
    named = json.dumps([e.payload.get(PHOTOS) for e in store.pending_actions()], ensure_ascii=False)
    named += json.dumps(store.drafts(), ensure_ascii=False)
    limit = time.time() - older_than
    gone = 0
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit and json.dumps(str(path), ensure_ascii=False) not in named:
                path.unlink()
                gone += 1
        except OSError:
            continue
    return gone


__all__ = [
    "EXTENSIONS",
    "MAX_PHOTOS",
    "MAX_PHOTO_BYTES",
    "PHOTOS",
    "SPOOL_DIR",
    "PhotoProblem",
    "check_photo",
    "discard",
    "sniff",
    "spool_folder",
    "spool_photos",
    "sweep",
]

"""Writing a file all at once: into a temporary file beside it, then renamed over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ioc_console.exports.errors import ExportError


def _detail(error: OSError) -> str:
    return error.strerror or type(error).__name__


@contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """A temporary path in ``path``'s folder to write to; renamed to ``path`` when the block ends
    without an error, removed otherwise. The folder's refusals become :class:`ExportError`."""
    target = Path(path)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(handle)
    except OSError as error:
        raise ExportError(target, _detail(error)) from error
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    except OSError as error:
        raise ExportError(target, _detail(error)) from error
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def write_text(path: Path | str, write: Callable[[IO[str]], None], *, encoding: str = "utf-8-sig") -> Path:
    """Write a text file atomically; ``write`` gets the open file (``newline=""`` for csv)."""
    target = Path(path)
    with atomic_path(target) as temporary:
        try:
            with temporary.open("w", encoding=encoding, newline="") as stream:
                write(stream)
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as error:
            raise ExportError(target, _detail(error)) from error
    return target

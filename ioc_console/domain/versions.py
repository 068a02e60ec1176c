"""Which console versions a hub serves: the rule both sides apply.

The hub states the oldest console version it serves in every staff answer (:data:`OLDEST_HEADER`);
a console states its own in every request (:data:`CONSOLE_HEADER`). The hub refuses an older
console's requests (426, ``console.outdated``), and the console tells its user, in words, to update.
"""

from __future__ import annotations

import re

CONSOLE_HEADER = "X-IOC-Console-Version"
OLDEST_HEADER = "X-IOC-Oldest-Console"

_VERSION = re.compile(r"^\s*v?(\d+(?:\.\d+){0,3})(?:[.+-]?[0-9A-Za-z.+-]*)?\s*$")


def parse_version(text: str) -> tuple[int, ...]:
    """``"1.2.3"`` as ``(1, 2, 3)``; a suffix (``1.2.0rc1``, ``1.2+local``) is ignored. ValueError
    if it does not begin with a version number."""
    match = _VERSION.match(text)
    if match is None:
        raise ValueError(f"not a version number: {text!r}")
    parts = [int(p) for p in match.group(1).split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()  # 1.2 == 1.2.0
    return tuple(parts)


def is_served(console: str, oldest: str) -> bool:
    """Whether a console of version ``console`` is served by a hub whose oldest is ``oldest``
    (empty: every version). A console whose version cannot be read is not served."""
    if not oldest.strip():
        return True
    try:
        return parse_version(console) >= parse_version(oldest)
    except ValueError:
        return False

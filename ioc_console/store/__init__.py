"""The console's local store: an SQLite cache of reports and reference data, and the outbox.

See :class:`LocalStore`. Only the domain is imported from the rest of the package.

The store itself (and SQLAlchemy with it) is imported when first used: a first sync's decoding
process needs only the light modules of this package (:mod:`ioc_console.store.compact` and
:mod:`ioc_console.store.rows`), and starts faster without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ioc_console.store.errors import (
    StoreClosed,
    StoreCorrupt,
    StoreError,
    StoreIOError,
    StoreLocked,
    StoreTooNew,
)

if TYPE_CHECKING:
    from ioc_console.store.local import (
        DRAFTS_META,
        PROVISIONAL_PREFIX,
        LocalStore,
        OutboxEntry,
        OutboxState,
        is_provisional,
    )
    from ioc_console.store.queries import SORT_KEYS, MapPoint, ReportQuery, ReportRow, SortKey

#: Names this package gives, by the module that defines them (imported when first asked for).
_LAZY = {
    "DRAFTS_META": "local",
    "PROVISIONAL_PREFIX": "local",
    "LocalStore": "local",
    "OutboxEntry": "local",
    "OutboxState": "local",
    "is_provisional": "local",
    "SORT_KEYS": "queries",
    "MapPoint": "queries",
    "ReportQuery": "queries",
    "ReportRow": "queries",
    "SortKey": "queries",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DRAFTS_META",
    "PROVISIONAL_PREFIX",
    "SORT_KEYS",
    "LocalStore",
    "MapPoint",
    "OutboxEntry",
    "OutboxState",
    "ReportQuery",
    "ReportRow",
    "SortKey",
    "StoreClosed",
    "StoreCorrupt",
    "StoreError",
    "StoreIOError",
    "StoreLocked",
    "StoreTooNew",
    "is_provisional",
]

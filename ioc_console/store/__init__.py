"""The console's local store: an SQLite cache of reports and reference data, and the outbox.

See :class:`LocalStore`. Only the domain is imported from the rest of the package.
"""

from ioc_console.store.errors import (
    StoreClosed,
    StoreCorrupt,
    StoreError,
    StoreIOError,
    StoreLocked,
    StoreTooNew,
)
from ioc_console.store.local import (
    DRAFTS_META,
    PROVISIONAL_PREFIX,
    LocalStore,
    OutboxEntry,
    OutboxState,
    is_provisional,
)
from ioc_console.store.queries import SORT_KEYS, ReportQuery, ReportRow, SortKey

__all__ = [
    "DRAFTS_META",
    "PROVISIONAL_PREFIX",
    "SORT_KEYS",
    "LocalStore",
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

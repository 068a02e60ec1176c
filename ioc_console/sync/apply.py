"""Writes of the sync engine into the local store, each in ONE transaction.

* :func:`apply_feed_page`: a page of the change feed (reports upserted, tombstones deleted) together
  with the new cursor: after a crash the store holds either the whole page and its cursor or neither.
* :func:`acknowledge`: the hub applied an outbox entry: the entry leaves the queue and the report
  takes the hub's answer.
* :func:`refuse`: the hub refused an entry: it is marked refused with the reason in words, the report
  goes back to the hub's truth (or away, if the user may no longer see it), and the operator's text
  is kept as a draft.
* :func:`forget_local_copy`: sign-out: the user's reports, outbox, drafts and cursor are deleted.

The outbox's writes are the store's own (:meth:`LocalStore.acknowledge`, :meth:`LocalStore.record_refusal`,
:meth:`LocalStore.resolve_provisional`); the others still need more than its public methods give
(several writes in one transaction), so they use its transaction and bulk-write helpers.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection

from ioc_console.domain.lifecycle import Action
from ioc_console.domain.report import Report
from ioc_console.store import LocalStore, OutboxState
from ioc_console.store.local import index_search
from ioc_console.store.models import FTS_TABLE
from ioc_console.store.photos import spool_folder
from ioc_console.store.rows import PreparedReport, RowReference

#: The change feed's cursor (the last sequence number applied) in the store's meta table.
CURSOR_KEY: Final = "sync.cursor"
#: Which hub and user the local copy belongs to (``user@url``).
IDENTITY_KEY: Final = "sync.identity"
#: The last signed-in user (name, role, agency; nothing secret), for an offline start.
USER_KEY: Final = "sync.user"
#: Refused actions' payloads kept for the operator, as JSON.
DRAFTS_KEY: Final = "sync.drafts"
#: Payload fields that hold an operator's own words (kept as a draft when an action is refused).
TEXT_FIELDS: Final = frozenset(
    {"reply", "letter", "result", "note", "reason", "question", "outcome", "info", "comment"}
)

_LOOKUP: Final = 500
_PENDING = OutboxState.PENDING.value


@dataclass(frozen=True)
class Draft:
    """An operator's input of a refused action, kept so that nothing typed is lost."""

    number: str
    action: Action
    payload: dict[str, Any]
    reason: str
    at: datetime
    #: The idempotency key of the refused outbox entry (a new action needs a new key).
    key: str

    def to_json(self) -> dict[str, Any]:
        return {
            "payload": self.payload,
            "reason": self.reason,
            "at": self.at.isoformat(),
            "key": self.key,
        }

    @classmethod
    def from_json(cls, number: str, action: str, d: Mapping[str, Any]) -> Draft:
        return cls(
            number=number,
            action=Action(action),
            payload=dict(d.get("payload") or {}),
            reason=str(d.get("reason") or ""),
            at=datetime.fromisoformat(str(d["at"])),
            key=str(d.get("key") or ""),
        )


def has_text(payload: Mapping[str, Any]) -> bool:
    """Whether the payload carries words an operator typed."""
    return any(isinstance(payload.get(name), str) and payload[name].strip() for name in TEXT_FIELDS)


# -- small helpers on an open transaction ------------------------------------------------------------


def _raw(store: LocalStore, conn: Connection) -> Any:
    return store._driver(conn)


def _delete_reports(raw: Any, numbers: Sequence[str], deferred: bool = False) -> int:
    """Delete reports with their search entries; their history, attachments and texts go with them
    (the store's foreign keys cascade). Returns the number deleted."""
    deleted = 0
    for start in range(0, len(numbers), _LOOKUP):
        part = list(numbers[start : start + _LOOKUP])
        marks = ",".join("?" * len(part))
        found = [row[0] for row in raw.execute(f"SELECT id FROM reports WHERE number IN ({marks})", part)]
        if not found:
            continue
        if not deferred:  # (a bulk load rebuilds the full-text index at its end)
            index_search(raw, found, remove=True)
        raw.execute(f"DELETE FROM reports WHERE number IN ({marks})", part)
        deleted += len(found)
    return deleted


def _refresh_pending(raw: Any, number: str) -> None:
    raw.execute(
        "UPDATE reports SET pending = EXISTS (SELECT 1 FROM outbox WHERE report_number = ? AND state = ?) "
        "WHERE number = ?",
        (number, _PENDING, number),
    )


def _load_drafts(store: LocalStore, conn: Connection) -> dict[str, dict[str, Any]]:
    text = store._get_meta(conn, DRAFTS_KEY)
    if not text:
        return {}
    loaded = json.loads(text)
    return loaded if isinstance(loaded, dict) else {}


def _save_drafts(store: LocalStore, conn: Connection, drafts: Mapping[str, Any]) -> None:
    store._set_meta(
        conn, DRAFTS_KEY, json.dumps(drafts, ensure_ascii=False, separators=(",", ":")) if drafts else None
    )


# -- the engine's transactions ---------------------------------------------------------------------


def apply_feed_page(
    store: LocalStore,
    reports: Sequence[Report | PreparedReport],
    removed: Sequence[str],
    cursor: int,
    *,
    cursor_key: str = CURSOR_KEY,
    kept: Mapping[str, tuple[str, str]] | None = None,
    prepared_with: RowReference | None = None,
) -> int:
    """Upsert ``reports`` (history included; an older version than the stored one is skipped),
    delete ``removed``, and store ``cursor``: one transaction. Returns the reports written or deleted.
    ``kept``: histories and attachments already in the store's compact form, by number (a feed
    page decoded ``compact``), for reports that carry none themselves. ``prepared_with``: the
    reference data the prepared reports' rows were built with; if the jurisdiction has changed
    since, their ranks are taken again from the stored one.
    """
    with store._transaction(write=True) as conn:
        raw = _raw(store, conn)
        written = store._upsert(raw, reports, True, False, kept) if reports else 0
        if prepared_with is not None and prepared_with is not store.row_reference:
            store._rerank(conn, [r.number for r in reports])
        deleted = _delete_reports(raw, removed, store.search_deferred) if removed else 0
        store._set_meta(conn, cursor_key, str(cursor))
    return written + deleted


def resync_without_contacts(store: LocalStore) -> bool:
    """A liaison's copy synced before the hub withheld citizens' contacts from liaisons still holds
    them: its cursor goes back to the start, so that the next sync rewrites every report as the hub
    sends it now (the old texts are overwritten, and zeroed in the file). Whether it had any."""
    with store._transaction(write=True) as conn:
        raw = _raw(store, conn)
        held = raw.execute(
            "SELECT 1 FROM report_texts WHERE contact_name != '' OR contact_phone != ''"
            " OR contact_email != '' LIMIT 1"
        ).fetchone()
        if held is None:
            return False
        store._set_meta(conn, CURSOR_KEY, "0")
    return True


def read_cursor(store: LocalStore, cursor_key: str = CURSOR_KEY) -> int:
    text = store.get_meta(cursor_key)
    if text is None:
        return 0
    try:
        return max(0, int(text))
    except ValueError:
        return 0


def acknowledge(store: LocalStore, entry_id: int, report: Report | None) -> None:
    """The hub applied entry ``entry_id``: mark it so and store the hub's answer, together."""
    store.acknowledge(entry_id, report)


def refuse(
    store: LocalStore,
    entry_id: int,
    reason: str,
    *,
    hub_report: Report | None,
    gone: bool,
    draft: Draft | None,
) -> None:
    """The hub refused entry ``entry_id`` for good: keep ``reason``, put back the hub's copy of the
    report (``hub_report``; or delete the local copy when ``gone``), keep ``draft``; one transaction."""
    store.record_refusal(
        entry_id,
        reason,
        hub_report=hub_report,
        gone=gone,
        draft=None if draft is None else draft.to_json(),
    )


def count_pending(store: LocalStore) -> int:
    with store._transaction(write=False) as conn:
        row = _raw(store, conn).execute("SELECT count(*) FROM outbox WHERE state = ?", (_PENDING,)).fetchone()
        return int(row[0])


def pending_base_version(store: LocalStore, number: str) -> int | None:
    """The version the next action on ``number`` is based on when earlier ones still wait: the last
    waiting entry's base version plus one (each action the hub applies adds one); None if none waits."""
    with store._transaction(write=False) as conn:
        row = (
            _raw(store, conn)
            .execute(
                "SELECT base_version FROM outbox WHERE report_number = ? AND state = ? ORDER BY id DESC LIMIT 1",
                (number, _PENDING),
            )
            .fetchone()
        )
    if row is None or row[0] is None:
        return None
    return int(row[0]) + 1


# -- drafts ------------------------------------------------------------------------------------------


def drafts(store: LocalStore, number: str | None = None) -> list[Draft]:
    """Kept drafts (of one report, or all), oldest first."""
    with store._transaction(write=False) as conn:
        stored = _load_drafts(store, conn)
    out = [
        Draft.from_json(n, action, d)
        for n, by_action in stored.items()
        if number is None or n == number
        for action, d in by_action.items()
    ]
    out.sort(key=lambda d: d.at)
    return out


def discard_draft(store: LocalStore, number: str, action: Action) -> bool:
    """Forget a draft (the operator sent it again or threw it away); whether there was one."""
    with store._transaction(write=True) as conn:
        stored = _load_drafts(store, conn)
        by_action = stored.get(number, {})
        if action.value not in by_action:
            return False
        del by_action[action.value]
        if not by_action:
            stored.pop(number, None)
        _save_drafts(store, conn, stored)
        return True


# -- identity and sign-out ------------------------------------------------------------------------


def identity(user: str, hub_url: str) -> str:
    return f"{user}@{hub_url.rstrip('/')}"


def claim(store: LocalStore, who: str) -> str | None:
    """Bind an unowned local copy to ``who``; the current owner (``who`` or another) is returned."""
    with store._transaction(write=True) as conn:
        owner = store._get_meta(conn, IDENTITY_KEY)
        if owner is None:
            store._set_meta(conn, IDENTITY_KEY, who)
            return who
        return owner


def forget_local_copy(store: LocalStore) -> int:
    """Delete the signed-in user's local copy: reports, outbox, drafts, cursor and owner (the
    jurisdiction's reference data stays), with nothing of them left in the files (the deleted pages
    are zeroed, the database rebuilt and its WAL emptied) and the photos spooled for the outbox.
    Returns how many actions were still waiting."""
    with store._transaction(write=True) as conn:
        raw = _raw(store, conn)
        waiting = int(raw.execute("SELECT count(*) FROM outbox WHERE state = ?", (_PENDING,)).fetchone()[0])
        raw.execute("DELETE FROM reports")  # history, attachments and texts cascade
        raw.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
        raw.execute("DELETE FROM outbox")
        for key in (CURSOR_KEY, IDENTITY_KEY, DRAFTS_KEY, USER_KEY):
            store._set_meta(conn, key, None)
    store.scrub()
    shutil.rmtree(spool_folder(store.path), ignore_errors=True)
    return waiting


# -- reference data the messages use ---------------------------------------------------------------


def agency_names(store: LocalStore) -> dict[str, str]:
    with store._transaction(write=False) as conn:
        rows = _raw(store, conn).execute("SELECT code, name FROM agencies").fetchall()
    return {str(code): str(name) for code, name in rows}


__all__ = [
    "CURSOR_KEY",
    "DRAFTS_KEY",
    "IDENTITY_KEY",
    "TEXT_FIELDS",
    "Draft",
    "acknowledge",
    "agency_names",
    "apply_feed_page",
    "claim",
    "count_pending",
    "discard_draft",
    "drafts",
    "forget_local_copy",
    "has_text",
    "identity",
    "pending_base_version",
    "read_cursor",
    "refuse",
    "resync_without_contacts",
]

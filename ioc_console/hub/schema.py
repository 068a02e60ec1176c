"""The hub's tables (SQLAlchemy Core). Alembic migrations in ``migrations/`` create exactly these.

The change feed rests on one rule: every write that changes what a console may see takes the next
value of the ``seq`` counter row (``UPDATE hub_counters ... RETURNING``) as its last statement before
COMMIT. The row lock that UPDATE takes is held until the transaction ends, so a second writer waits
for the first to commit before it can draw a number: sequence numbers become visible strictly in
order and a reader that has seen ``seq = n`` can never later find a committed ``seq < n``. (A
BIGSERIAL column or a PostgreSQL sequence would hand out numbers without that ordering: a slow
transaction holding 10 could commit after one holding 11 and the feed would skip it.) On SQLite
writers are serialised by the database lock anyway; the same statement works there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

metadata = MetaData()

#: BIGINT on PostgreSQL, INTEGER on SQLite (so that it is SQLite's rowid alias and autoincrements).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes stored in UTC on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


counters = Table(
    "hub_counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

packs = Table(
    "packs",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("jurisdiction_id", String(100), nullable=False),
    Column("name", String(200), nullable=False),
    #: JSON object {file name: file text} of the pack folder, so that every process loads the same one.
    Column("files", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("loaded_at", UtcDateTime, nullable=False),
    Column("loaded_by", String(100), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False, server_default=""),
    Column("role", String(20), nullable=False),
    Column("agency", String(64), nullable=True),
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", UtcDateTime, nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", BigId, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("console_id", String(100), nullable=False, server_default=""),
)

channels = Table(
    "channels",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", UtcDateTime, nullable=False),
)

reports = Table(
    "reports",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("number", String(32), nullable=False, unique=True),
    #: Open311 token of a request (GET tokens/{token}).
    Column("token", String(64), nullable=False, unique=True),
    #: The change sequence number of the last change (see the module docstring).
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("version", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("category", String(64), nullable=False),
    Column("agency", String(64), nullable=True),
    #: The agency whose liaisons see the report (set once it has been forwarded there).
    Column("visible_agency", String(64), nullable=True),
    Column("channel", String(20), nullable=False),
    Column("channel_id", BigId, ForeignKey("channels.id"), nullable=True),
    Column("priority", String(20), nullable=False),
    Column("unit_code", String(64), nullable=True),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("received_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    #: When it was handled (domain.figures.handled_at), for the statistics.
    Column("handled_at", UtcDateTime, nullable=True),
    Column("satisfied", Boolean, nullable=True),
    Column("last_actor", String(100), nullable=False),
    Column("last_role", String(20), nullable=False),
    Column("account_id", String(100), nullable=True),
    #: The whole report as the staff wire format (JSON), history and attachments included.
    Column("doc", Text, nullable=False),
    #: For a request taken in from another Open311 server: the source's name and its own id (one
    #: report per pair; both null otherwise).
    Column("external_source", String(100), nullable=True),
    Column("external_id", String(200), nullable=True),
    Index("ix_reports_visible_seq", "visible_agency", "seq"),
    Index("uq_reports_external", "external_source", "external_id", unique=True),
    Index("ix_reports_received", "received_at"),
    Index("ix_reports_updated", "updated_at"),
    Index("ix_reports_status", "status"),
)

#: A report that left an agency: that agency's consoles must drop it (a tombstone in their feed).
removals = Table(
    "removals",
    metadata,
    Column("agency", String(64), primary_key=True),
    Column("report_id", BigId, ForeignKey("reports.id"), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Index("ix_removals_agency_seq", "agency", "seq"),
)

events = Table(
    "events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("report_id", BigId, ForeignKey("reports.id"), nullable=False),
    Column("n", Integer, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("action", String(32), nullable=False),
    Column("from_status", String(20), nullable=True),
    Column("to_status", String(20), nullable=False),
    #: Text the public may read about this step (the published reply), empty otherwise.
    Column("public_note", Text, nullable=False, server_default=""),
    Column("data", Text, nullable=False),
    Index("ix_events_at", "at"),
    Index("ix_events_report", "report_id", "n", unique=True),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("report_id", BigId, ForeignKey("reports.id"), nullable=False),
    #: False while uploaded but not yet part of the report (an action's ``attachments`` adds it).
    Column("attached", Boolean, nullable=False),
    Column("stage", String(20), nullable=False),
    Column("content_type", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("uploaded_by", String(100), nullable=False),
    Column("uploaded_at", UtcDateTime, nullable=False),
    Index("ix_attachments_report", "report_id"),
)

idempotency = Table(
    "idempotency",
    metadata,
    Column("user_id", BigId, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(200), primary_key=True),
    #: What the key was used for, so that a reuse for another request is refused.
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

#: Append-only (triggers refuse UPDATE and DELETE): who did what, when, from which console.
audit = Table(
    "audit",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("user_name", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("console_id", String(100), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(100), nullable=False),
    #: HTTP status of the answer (200 applied, 4xx refused).
    Column("outcome", Integer, nullable=False),
    Column("detail", Text, nullable=False),
    Index("ix_audit_at", "at"),
)

#: Counters of the sign-in throttle (the ``limits`` library's fixed windows), shared by every hub
#: process on the database: a key, its count, and when its window ends (seconds since the epoch).
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("expires_at", Float, nullable=False),
)

#: Failed sign-ins being tallied, one row per account (or per source address, for attempts refused
#: by the address's limit); written to the audit log as one entry once the burst has gone quiet.
signin_bursts = Table(
    "signin_bursts",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("user_name", String(100), nullable=False),
    Column("address", String(64), nullable=False),
    Column("console_id", String(100), nullable=False),
    Column("first_at", UtcDateTime, nullable=False),
    Column("last_at", UtcDateTime, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("refused", Integer, nullable=False),
    #: The distinct source addresses seen (JSON list, at most a few).
    Column("addresses", Text, nullable=False),
    Index("ix_signin_bursts_last", "last_at"),
)

SEQ = "seq"
PACK_REVISION = "pack"

"""The console's cache as SQLAlchemy models (the schema's single source; Alembic migrates to it).

Conventions:

* **Instants** are ``INTEGER`` microseconds since 1970-01-01 UTC (see :mod:`ioc_console.store.convert`):
  they sort and index as plain integers, compare without parsing, and keep every microsecond a
  report's times carry.
* **Codes** (status, channel, priority, category, unit, agency) are stored as their text values for
  filtering; the queue's sort orders use ``*_rank`` integers next to them: the lifecycle's order of
  statuses, priority from low to urgent, and the jurisdiction pack's order of categories, agencies
  and units (units depth first: a district, then its wards and communes). Ranks of jurisdiction codes
  are NULL until :meth:`LocalStore.load_jurisdiction` has run or for codes the pack does not know.
* The FTS5 table :data:`FTS_TABLE` indexes the view :data:`SEARCH_SOURCE` (external content,
  maintained by the store's write path: SQLite triggers that feed FTS5 made bulk loads four times
  slower). The view joins a report's number and texts with its place's and category's names, đ
  replaced by d; the tokenizer folds case and the other diacritics (migration 0003).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: The FTS5 table over :data:`SEARCH_SOURCE` (and the prefix of its shadow tables).
FTS_TABLE = "report_search"
#: The view of ``(id, search_text)`` that the full-text index is built from.
SEARCH_SOURCE = "report_search_source"

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ReportRecord(Base):
    """One report as the console last saw it: the columns the queue filters, sorts and counts on.

    The report's texts live in :class:`ReportTextRecord` (one row each, same id): they are most of
    a report's bytes (a description, the reply, the result...), and keeping them out of this table
    keeps the scans behind counts and deadline states ten times smaller.
    """

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String, unique=True)
    received_at: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String)
    category_rank: Mapped[int | None] = mapped_column(Integer)
    unit_code: Mapped[str | None] = mapped_column(String)
    unit_rank: Mapped[int | None] = mapped_column(Integer)
    #: The unit's district-level ancestor (a child of the top-level unit), or the unit itself.
    district_code: Mapped[str | None] = mapped_column(String)
    channel: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String)
    status_rank: Mapped[int] = mapped_column(Integer)
    #: The status is terminal (closed, rejected, duplicate): no deadline runs.
    closed: Mapped[bool] = mapped_column(Boolean)
    agency: Mapped[str | None] = mapped_column(String)
    agency_rank: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[str] = mapped_column(String)
    priority_rank: Mapped[int] = mapped_column(Integer)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    #: The citizen's phone in its national form, digits only (``+84 905.123.456`` → ``0905123456``);
    #: NULL without one.
    phone_digits: Mapped[str | None] = mapped_column(String)
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    duplicate_of: Mapped[str | None] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[int | None] = mapped_column(Integer)
    stage_started_at: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[int | None] = mapped_column(Integer)
    stage_due_at: Mapped[int | None] = mapped_column(Integer)
    paused_since: Mapped[int | None] = mapped_column(Integer)
    paused_seconds: Mapped[float] = mapped_column(Float)
    closed_at: Mapped[int | None] = mapped_column(Integer)
    first_contact_at: Mapped[int | None] = mapped_column(Integer)
    forwarded_at: Mapped[int | None] = mapped_column(Integer)
    #: A local action on this report is waiting in the outbox for the hub's acknowledgement.
    pending: Mapped[bool] = mapped_column(Boolean, server_default=text("0"))

    __table_args__ = (
        # One index per sort key; SQLite appends the rowid to every index entry, so ORDER BY
        # <key>, received_at, id is read straight from these in either direction.
        Index(None, "received_at"),
        Index(None, "status_rank", "received_at"),
        Index(None, "category_rank", "received_at"),
        Index(None, "unit_rank", "received_at"),
        Index(None, "channel", "received_at"),
        Index(None, "agency_rank", "received_at"),
        Index(None, "priority_rank", "received_at"),
        Index(None, "due_at"),
        Index(None, "updated_at"),
        # Deadline filters: open reports by due date.
        Index(None, "closed", "due_at"),
        # Small partial indexes: only the reports that have the value.
        Index(None, "phone_digits", sqlite_where=text("phone_digits IS NOT NULL")),
        Index(None, "duplicate_of", sqlite_where=text("duplicate_of IS NOT NULL")),
        Index(None, "pending", sqlite_where=text("pending")),
    )


class ReportTextRecord(Base):
    """A report's texts, the citizen's contact, its history and attachments, beside its
    :class:`ReportRecord` (same id)."""

    __tablename__ = "report_texts"

    id: Mapped[int] = mapped_column(Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(String)
    contact_phone: Mapped[str] = mapped_column(String)
    contact_email: Mapped[str] = mapped_column(String)
    reply: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text)
    rating_comment: Mapped[str] = mapped_column(Text)
    #: The report's history as one compact JSON list (see :mod:`ioc_console.store.compact`): it is
    #: only ever read whole, for one report, so rows of its own cost a bulk load without helping.
    history: Mapped[str] = mapped_column(Text, server_default=text("'[]'"))
    #: Its attachments' metadata, the same way (the files stay on the hub).
    attachments: Mapped[str] = mapped_column(Text, server_default=text("'[]'"))


class UnitRecord(Base):
    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String)
    parent: Mapped[str | None] = mapped_column(String)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    #: Depth-first position in the pack: a district, then its wards and communes.
    rank: Mapped[int] = mapped_column(Integer)
    district_code: Mapped[str | None] = mapped_column(String)
    #: The unit's name and the names of the units above it (the top-level unit left out): what a
    #: search finds a report by its place with (see :data:`SEARCH_SOURCE`).
    place_names: Mapped[str] = mapped_column(Text, server_default=text("''"))


class UnitAncestorRecord(Base):
    """Each unit with itself (depth 0) and every unit above it: a unit filter covers descendants."""

    __tablename__ = "unit_ancestors"

    unit_code: Mapped[str] = mapped_column(String, primary_key=True)
    ancestor_code: Mapped[str] = mapped_column(String, primary_key=True)
    depth: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index(None, "ancestor_code", "unit_code"),
        {"sqlite_with_rowid": False},
    )


class AgencyRecord(Base):
    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    short_name: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String)
    #: The unit codes it serves, as a JSON list.
    units: Mapped[str] = mapped_column(Text)
    phone: Mapped[str] = mapped_column(String)
    email: Mapped[str] = mapped_column(String)
    rank: Mapped[int] = mapped_column(Integer)


class CategoryRecord(Base):
    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    name_en: Mapped[str] = mapped_column(String)
    active: Mapped[bool] = mapped_column(Boolean)
    description: Mapped[str] = mapped_column(Text)
    group_name: Mapped[str] = mapped_column(String)
    rank: Mapped[int] = mapped_column(Integer)


class MetaRecord(Base):
    """Key/value settings of the cache: the sync cursor, the loaded jurisdiction's fingerprint..."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class OutboxRecord(Base):
    """A local action not yet acknowledged by the hub (or its final outcome)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The idempotency key sent with the action (a UUID): the hub applies it at most once.
    key: Mapped[str] = mapped_column(String, unique=True)
    report_number: Mapped[str] = mapped_column(String)
    action: Mapped[str] = mapped_column(String)
    #: The action's payload as JSON.
    payload: Mapped[str] = mapped_column(Text)
    base_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    #: pending, acknowledged, rejected
    state: Mapped[str] = mapped_column(String, server_default=text("'pending'"))

    __table_args__ = (
        Index(None, "state", "id"),
        Index(None, "report_number"),
        {"sqlite_autoincrement": True},
    )


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's filter: the FTS5 table and its shadow tables are managed by hand, not by the models."""
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE))

"""The hub's first schema: reports and their change sequence, users, tokens, channels, audit.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ioc_console.hub.schema import BigId, UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "hub_counters",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(
        sa.table("hub_counters", sa.column("name", sa.String), sa.column("value", sa.BigInteger)),
        [{"name": "seq", "value": 0}, {"name": "pack", "value": 0}],
    )
    op.create_table(
        "packs",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("jurisdiction_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("loaded_at", UtcDateTime, nullable=False),
        sa.Column("loaded_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("agency", sa.String(64), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", BigId, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("console_id", sa.String(100), nullable=False, server_default=""),
    )
    op.create_table(
        "channels",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "reports",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(32), nullable=False, unique=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("seq", sa.BigInteger, nullable=False, unique=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("agency", sa.String(64), nullable=True),
        sa.Column("visible_agency", sa.String(64), nullable=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("channel_id", BigId, sa.ForeignKey("channels.id"), nullable=True),
        sa.Column("priority", sa.String(20), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=True),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("received_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("due_at", UtcDateTime, nullable=True),
        sa.Column("closed_at", UtcDateTime, nullable=True),
        sa.Column("satisfied", sa.Boolean, nullable=True),
        sa.Column("last_actor", sa.String(100), nullable=False),
        sa.Column("last_role", sa.String(20), nullable=False),
        sa.Column("account_id", sa.String(100), nullable=True),
        sa.Column("doc", sa.Text, nullable=False),
    )
    op.create_index("ix_reports_visible_seq", "reports", ["visible_agency", "seq"])
    op.create_index("ix_reports_received", "reports", ["received_at"])
    op.create_index("ix_reports_updated", "reports", ["updated_at"])
    op.create_index("ix_reports_status", "reports", ["status"])
    op.create_table(
        "removals",
        sa.Column("agency", sa.String(64), primary_key=True),
        sa.Column("report_id", BigId, sa.ForeignKey("reports.id"), primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_removals_agency_seq", "removals", ["agency", "seq"])
    op.create_table(
        "events",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("report_id", BigId, sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("public_note", sa.Text, nullable=False, server_default=""),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_events_at", "events", ["at"])
    op.create_index("ix_events_report", "events", ["report_id", "n"], unique=True)
    op.create_table(
        "attachments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("report_id", BigId, sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("attached", sa.Boolean, nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_attachments_report", "attachments", ["report_id"])
    op.create_table(
        "idempotency",
        sa.Column("user_id", BigId, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("console_id", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("outcome", sa.Integer, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    _audit_append_only()


def _audit_append_only() -> None:
    """The audit log refuses UPDATE and DELETE at the database, not only in the application."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only';
            END;
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit "
            "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_no_{verb.lower()} BEFORE {verb} ON audit "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_append_only ON audit")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    for table in (
        "audit",
        "idempotency",
        "attachments",
        "events",
        "removals",
        "reports",
        "channels",
        "tokens",
        "users",
        "packs",
        "hub_counters",
    ):
        op.drop_table(table)

"""Histories and attachments as one compact JSON list per report (in report_texts).

A report's history is only ever read whole, for one report; its own rows (with a foreign key each)
made a bulk load several times slower. Existing rows are carried over.

Revision ID: 0002_compact_history
Revises: 0001_local_cache
Create Date: 2026-02-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_compact_history"
down_revision: str | None = "0001_local_cache"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report_texts", recreate="never") as batch:
        batch.add_column(sa.Column("history", sa.Text(), server_default=sa.text("'[]'"), nullable=False))
        batch.add_column(
            sa.Column("attachments", sa.Text(), server_default=sa.text("'[]'"), nullable=False)
        )
    # [seq, at, actor, role, action, from_status, to_status, data] and
    # [id, kind, content_type, size, url, added_at, stage], in order (see ioc_console.store.compact).
    op.execute(
        "UPDATE report_texts SET history = coalesce(("
        " SELECT json_group_array(json_array(e.seq, e.at, e.actor, e.role, e.action, e.from_status,"
        "  e.to_status, json(e.data)))"
        " FROM (SELECT * FROM report_events AS e JOIN reports AS r ON r.number = e.report_number"
        "  WHERE r.id = report_texts.id ORDER BY e.seq) AS e), '[]')"
    )
    op.execute(
        "UPDATE report_texts SET attachments = coalesce(("
        " SELECT json_group_array(json_array(a.id, a.kind, a.content_type, a.size, a.url, a.added_at,"
        "  a.stage))"
        " FROM (SELECT a.* FROM report_attachments AS a JOIN reports AS r ON r.number = a.report_number"
        "  WHERE r.id = report_texts.id ORDER BY a.position) AS a), '[]')"
    )
    op.drop_table("report_attachments")
    op.drop_table("report_events")


def downgrade() -> None:
    op.create_table(
        "report_events",
        sa.Column("report_number", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("from_status", sa.String(), nullable=True),
        sa.Column("to_status", sa.String(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_number"],
            ["reports.number"],
            name=op.f("fk_report_events_report_number_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_number", "seq", name=op.f("pk_report_events")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "report_attachments",
        sa.Column("report_number", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("content_type", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("added_at", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_number"],
            ["reports.number"],
            name=op.f("fk_report_attachments_report_number_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_number", "id", name=op.f("pk_report_attachments")),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO report_events (report_number, seq, at, actor, role, action, from_status, to_status, data)"
        " SELECT r.number, e.value ->> 0, e.value ->> 1, e.value ->> 2, e.value ->> 3, e.value ->> 4,"
        "  e.value ->> 5, e.value ->> 6, json(e.value -> 7)"
        " FROM reports AS r JOIN report_texts AS t ON t.id = r.id, json_each(t.history) AS e"
    )
    op.execute(
        "INSERT INTO report_attachments (report_number, id, position, kind, content_type, size, url,"
        " added_at, stage)"
        " SELECT r.number, a.value ->> 0, a.key, a.value ->> 1, a.value ->> 2, a.value ->> 3,"
        "  a.value ->> 4, a.value ->> 5, a.value ->> 6"
        " FROM reports AS r JOIN report_texts AS t ON t.id = r.id, json_each(t.attachments) AS a"
    )
    with op.batch_alter_table("report_texts", recreate="never") as batch:
        batch.drop_column("attachments")
        batch.drop_column("history")

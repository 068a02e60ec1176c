"""The first schema of the local store.

Revision ID: 0001_local_cache
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_local_cache"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("received_at", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("category_rank", sa.Integer(), nullable=True),
        sa.Column("unit_code", sa.String(), nullable=True),
        sa.Column("unit_rank", sa.Integer(), nullable=True),
        sa.Column("district_code", sa.String(), nullable=True),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("status_rank", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("agency", sa.String(), nullable=True),
        sa.Column("agency_rank", sa.Integer(), nullable=True),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("priority_rank", sa.Integer(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("phone_digits", sa.String(), nullable=True),
        sa.Column("satisfied", sa.Boolean(), nullable=True),
        sa.Column("duplicate_of", sa.String(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Integer(), nullable=True),
        sa.Column("stage_started_at", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.Integer(), nullable=True),
        sa.Column("stage_due_at", sa.Integer(), nullable=True),
        sa.Column("paused_since", sa.Integer(), nullable=True),
        sa.Column("paused_seconds", sa.Float(), nullable=False),
        sa.Column("closed_at", sa.Integer(), nullable=True),
        sa.Column("first_contact_at", sa.Integer(), nullable=True),
        sa.Column("forwarded_at", sa.Integer(), nullable=True),
        sa.Column("pending", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("number", name=op.f("uq_reports_number")),
    )
    for name, columns in (
        ("ix_reports_received_at", ["received_at"]),
        ("ix_reports_status_rank_received_at", ["status_rank", "received_at"]),
        ("ix_reports_category_rank_received_at", ["category_rank", "received_at"]),
        ("ix_reports_unit_rank_received_at", ["unit_rank", "received_at"]),
        ("ix_reports_channel_received_at", ["channel", "received_at"]),
        ("ix_reports_agency_rank_received_at", ["agency_rank", "received_at"]),
        ("ix_reports_priority_rank_received_at", ["priority_rank", "received_at"]),
        ("ix_reports_due_at", ["due_at"]),
        ("ix_reports_updated_at", ["updated_at"]),
        ("ix_reports_closed_due_at", ["closed", "due_at"]),
    ):
        op.create_index(op.f(name), "reports", columns)
    op.create_index(
        op.f("ix_reports_phone_digits"),
        "reports",
        ["phone_digits"],
        sqlite_where=sa.text("phone_digits IS NOT NULL"),
    )
    op.create_index(
        op.f("ix_reports_duplicate_of"),
        "reports",
        ["duplicate_of"],
        sqlite_where=sa.text("duplicate_of IS NOT NULL"),
    )
    op.create_index(op.f("ix_reports_pending"), "reports", ["pending"], sqlite_where=sa.text("pending"))
    op.create_table(
        "report_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(), nullable=False),
        sa.Column("contact_phone", sa.String(), nullable=False),
        sa.Column("contact_email", sa.String(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("rating_comment", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["id"], ["reports.id"], name=op.f("fk_report_texts_id_reports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_texts")),
    )
    # Full-text index over the folded search text: external content (the text lives in
    # report_texts), kept up to date by the store's write path. ASCII tokens only (the text is
    # folded), no positions (queries are sets of words and prefixes), no per-row sizes (no ranking),
    # and ready-made lists for 2- and 3-letter prefixes (the user typing "ng", "ngu"...).
    op.execute(
        "CREATE VIRTUAL TABLE report_search USING fts5(search_text, content='report_texts', "
        "content_rowid='id', detail=none, columnsize=0, tokenize='ascii', prefix='2 3')"
    )

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
    op.create_table(
        "units",
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("parent", sa.String(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_units")),
    )
    op.create_table(
        "unit_ancestors",
        sa.Column("unit_code", sa.String(), nullable=False),
        sa.Column("ancestor_code", sa.String(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit_code", "ancestor_code", name=op.f("pk_unit_ancestors")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        op.f("ix_unit_ancestors_ancestor_code_unit_code"), "unit_ancestors", ["ancestor_code", "unit_code"]
    )
    op.create_table(
        "agencies",
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("short_name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("units", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_agencies")),
    )
    op.create_table(
        "categories",
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("group_name", sa.String(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_categories")),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("report_number", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("state", sa.String(), server_default=sa.text("'pending'"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_key")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_outbox_state_id"), "outbox", ["state", "id"])
    op.create_index(op.f("ix_outbox_report_number"), "outbox", ["report_number"])


def downgrade() -> None:
    for name in ("outbox", "meta", "categories", "agencies", "unit_ancestors", "units"):
        op.drop_table(name)
    op.drop_table("report_attachments")
    op.drop_table("report_events")
    op.execute("DROP TABLE report_search")
    op.drop_table("report_texts")
    op.drop_table("reports")

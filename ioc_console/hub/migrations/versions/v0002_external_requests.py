"""Requests taken in from other Open311 servers: the source and its id on the report, one report each.

Reports imported before this revision carry the pair only in the marker of their ``submit`` event
(``via = "open311-import:<source>:<external id>"``); it is copied into the new columns.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_MARKER = "open311-import:"


def upgrade() -> None:
    op.add_column("reports", sa.Column("external_source", sa.String(100), nullable=True))
    op.add_column("reports", sa.Column("external_id", sa.String(200), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT e.report_id, e.data FROM events AS e WHERE e.n = 1 AND e.action = 'submit'"
            " AND e.data LIKE :pattern"
        ),
        {"pattern": f'%"via":"{_MARKER}%'},
    ).all()
    seen: set[tuple[str, str]] = set()
    for report_id, data in rows:
        via = json.loads(data).get("via")
        if not isinstance(via, str) or not via.startswith(_MARKER):
            continue
        source, sep, external_id = via[len(_MARKER) :].partition(":")
        if not sep or not source or not external_id or (source, external_id) in seen:
            continue
        seen.add((source, external_id))
        conn.execute(
            sa.text("UPDATE reports SET external_source = :source, external_id = :ext WHERE id = :id"),
            {"source": source[:100], "ext": external_id[:200], "id": report_id},
        )
    op.create_index("uq_reports_external", "reports", ["external_source", "external_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_reports_external", table_name="reports")
    # Plain ALTER TABLE (SQLite 3.35 or newer): a copy of the table would break the references to it.
    op.drop_column("reports", "external_id")
    op.drop_column("reports", "external_source")

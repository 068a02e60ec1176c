"""Reports keep the moment they were handled (the domain's ``handled_at``) in a column of their own,
for the public statistics: a resolved report's last update is not when it was handled.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op

from ioc_console.domain.figures import handled_at
from ioc_console.domain.lifecycle import Status
from ioc_console.hub.schema import UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def upgrade() -> None:
    op.add_column("reports", sa.Column("handled_at", UtcDateTime, nullable=True))
    reports = sa.table(
        "reports",
        sa.column("id", sa.BigInteger),
        sa.column("doc", sa.Text),
        sa.column("handled_at", UtcDateTime),
    )
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.select(reports.c.id, reports.c.doc)
            .where(reports.c.id > last)
            .order_by(reports.c.id)
            .limit(2000)
        ).all()
        if not rows:
            break
        for ident, doc in rows:
            d = json.loads(doc)
            at = handled_at(Status(d["status"]), _when(d.get("closed_at")), _when(d.get("stage_started_at")))
            if at is not None:
                conn.execute(sa.update(reports).where(reports.c.id == ident).values(handled_at=at))
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_column("reports", "handled_at")

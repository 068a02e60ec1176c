"""Sign-in throttling: the limiter's counters and the tallies of failed sign-ins, in the database so
that every hub process sharing it counts the same attempts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from ioc_console.hub.schema import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "signin_bursts",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("console_id", sa.String(100), nullable=False),
        sa.Column("first_at", UtcDateTime, nullable=False),
        sa.Column("last_at", UtcDateTime, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("refused", sa.Integer, nullable=False),
        sa.Column("addresses", sa.Text, nullable=False),
    )
    op.create_index("ix_signin_bursts_last", "signin_bursts", ["last_at"])


def downgrade() -> None:
    op.drop_index("ix_signin_bursts_last", table_name="signin_bursts")
    op.drop_table("signin_bursts")
    op.drop_table("rate_limits")

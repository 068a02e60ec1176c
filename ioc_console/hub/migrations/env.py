"""Alembic environment: the connection is handed in by :func:`ioc_console.hub.db.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from ioc_console.hub.schema import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run the hub's migrations through ioc_console.hub.db.migrate()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

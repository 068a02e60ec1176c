"""Alembic environment of the local store.

The store runs migrations itself: it opens the connection, begins the write transaction and passes
the connection in ``config.attributes["connection"]``, so that checking the revision, migrating and
stamping happen in one transaction. Without a connection (a developer's ``alembic`` command with
``script_location`` pointing here), ``sqlalchemy.url`` names the database.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from ioc_console.store.models import Base, include_object

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection given and no sqlalchemy.url set")
    engine = create_engine(url)
    with engine.connect() as connection:
        _run(connection)
        connection.commit()
    engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("the local store's migrations run online only")
run()

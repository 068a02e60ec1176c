"""Alembic migrations of the hub's database, run programmatically by :mod:`ioc_console.hub.db`."""

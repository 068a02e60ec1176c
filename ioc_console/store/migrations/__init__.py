"""Alembic migrations of the local store, run by :meth:`LocalStore.open` (no alembic.ini needed)."""

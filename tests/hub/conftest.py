"""Fixtures of the hub's tests (see ``hub_support``): a running hub per test module and backend."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hub_support import PG_ADMIN, Hub, new_database, postgres_problem, start_hub


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _drop_orphans() -> None:
    """Drop test databases left by a session that was killed before it could clean up."""
    if postgres_problem() is not None:
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        names = [
            r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'ioc_hub_test_%'")
        ]
        for name in names:
            parts = name.split("_")
            if len(parts) == 5 and parts[3].isdigit() and not _alive(int(parts[3])):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_session() -> Iterator[list[str]]:
    """Names of the PostgreSQL databases made during the session, dropped at its end."""
    made: list[str] = []
    _drop_orphans()
    yield made
    if made and postgres_problem() is None:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            for name in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def hub(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_session: list[str]
) -> Iterator[Hub]:
    url = new_database(request.param, tmp_path_factory.mktemp("hub"), pg_session)
    running = start_hub(url, request.param)
    try:
        yield running
    finally:
        running.close()
        running.server.stop()

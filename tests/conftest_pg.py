"""Session fixtures for a real PostgreSQL server (tests of the pg state backend).

Imported by tests/conftest.py; kept apart so that only the sessions that use the server start one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pg_server import PgServer, PgUnavailable


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server on 127.0.0.1 for the whole session, stopped at its end."""
    try:
        server = PgServer()
    except PgUnavailable as exc:
        pytest.fail(f"no PostgreSQL server for the pg backend tests: {exc}", pytrace=False)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_conn_str(pg_server: PgServer) -> str:
    """``postgres://postgres@127.0.0.1:<port>/cluster_state?sslmode=disable``, an empty database."""
    return pg_server.create_database("cluster_state")

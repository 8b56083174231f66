"""Fixtures of the ledger tests: the made-up library and data of :mod:`ledgers`, and ledgers in
SQLite and PostgreSQL (each PostgreSQL test gets a schema of its own, dropped afterwards).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from ledgers import MARCH, POSTGRES_VARIABLE, Library, aggregates, postgres_url


@pytest.fixture
def library(tmp_path: Path) -> Library:
    made = Library(tmp_path / "agreements")
    made.write()
    return made


@pytest.fixture
def data(tmp_path: Path) -> str:
    return aggregates(tmp_path, MARCH)


@pytest.fixture
def postgres() -> Iterator[str]:
    """A PostgreSQL ledger URL: a schema of its own on the test server."""
    url = postgres_url()
    from sqlalchemy import create_engine, text

    schema = f"ledger_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # the server named is not there: say so, in CI too
        admin.dispose()
        pytest.fail(f"cannot use the PostgreSQL server of {POSTGRES_VARIABLE}: {exc}")
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema}_m CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new ledger, in an SQLite file and in PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "ledger.sqlite")
    url: str = request.getfixturevalue("postgres")
    return url

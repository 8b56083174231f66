"""Alembic's environment for the ledger: migrations run on the connection the store hands over
(``config.attributes["connection"]``), inside its transaction."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from agreement_engine.ledger.tables import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):  # pragma: no cover  (only the store runs these)
    raise RuntimeError("the ledger's migrations run through agreement_engine.ledger.store")
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()

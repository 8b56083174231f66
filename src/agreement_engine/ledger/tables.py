"""The ledger's tables, in SQLAlchemy Core: one definition for SQLite and PostgreSQL.

- ``ledger_events``: the history, one row per event (a draft, an adjustment, an invoice, a
  credit or debit note), never updated or deleted. ``seq`` runs 1, 2, 3 … without a gap; each row
  carries the SHA-256 of the one before (``previous_hash``) and its own (``hash``, over the
  previous hash and its own canonical content: see :mod:`.records`). What a line rests on is in
  ``body``, canonical JSON. Amounts are exact decimal text (``51578``, ``-1234.50``), never float.
- ``ledger_blobs``: texts stored once by their SHA-256: the agreement files a run loaded, and the
  list of them (the library manifest) that each event names.
- ``ledger_state``: one row, the head of the chain and the last document number. It is the lock
  every writing action takes first, so writers queue up, and numbers are handed out in the same
  transaction as the documents that use them: no number used twice, none skipped.
- ``alembic_version``: Alembic's own, the schema's revision.

Triggers refuse UPDATE and DELETE on events and blobs (:data:`APPEND_ONLY`). A new ledger is made
from these definitions and stamped with the newest revision; an older one is migrated by the
scripts in ``migrations/``.
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
)

REVISIONS = ("0001", "0002")
"""Every schema revision, oldest first, as the scripts in ``migrations/versions`` name them."""
HEAD = REVISIONS[-1]
GENESIS = "0" * 64
"""The previous hash of the first event."""

metadata = MetaData()

events = Table(
    "ledger_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(16), nullable=False),
    Column("municipality", String(200), nullable=False),
    Column("month", String(7), nullable=False),
    Column("number", Integer, nullable=True, unique=True),
    Column("refers_to", Integer, nullable=True),
    Column("amount", String(64), nullable=True),
    Column("status", String(16), nullable=False),
    Column("action", Integer, nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("reason", Text, nullable=True),
    Column("body", Text, nullable=False),
    Column("previous_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ledger_events_line", "month", "municipality", "seq"),
)

blobs = Table(
    "ledger_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("text", Text, nullable=False),
)

state = Table(
    "ledger_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
    Column("last_number", Integer, nullable=False),
)

alembic_version = Table(
    "alembic_version",
    metadata,
    Column("version_num", String(32), primary_key=True),
)

_SQLITE = [
    f"""CREATE TRIGGER {table}_append_only_{op.lower()} BEFORE {op} ON {table}
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: {op} on {table} refused'); END"""
    for table in ("ledger_events", "ledger_blobs")
    for op in ("UPDATE", "DELETE")
]
_POSTGRESQL = [
    """CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME; END $$""",
    *(
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"""
        for table in ("ledger_events", "ledger_blobs")
    ),
    *(
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()"""
        for table in ("ledger_events", "ledger_blobs")
    ),
]
APPEND_ONLY = {"sqlite": tuple(_SQLITE), "postgresql": tuple(_POSTGRESQL)}
"""The statements that make events and blobs append-only, by dialect (revision 0002)."""
DROP_APPEND_ONLY = {
    "sqlite": tuple(
        f"DROP TRIGGER {table}_append_only_{op.lower()}"
        for table in ("ledger_events", "ledger_blobs")
        for op in ("UPDATE", "DELETE")
    ),
    "postgresql": ("DROP FUNCTION ledger_refuse_change() CASCADE",),
}

for _dialect, _statements in APPEND_ONLY.items():
    for _statement in _statements:
        # The blobs table is made after the events table: the triggers follow it.
        made = DDL(_statement.replace("%", "%%"))  # type: ignore[no-untyped-call]
        event.listen(blobs, "after_create", made.execute_if(dialect=_dialect))

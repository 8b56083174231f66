"""Events and blobs append-only: triggers refuse UPDATE and DELETE (and TRUNCATE).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

from agreement_engine.ledger.tables import APPEND_ONLY, DROP_APPEND_ONLY

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)

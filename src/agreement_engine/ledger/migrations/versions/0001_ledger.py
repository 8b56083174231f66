"""The ledger: events, blobs and the head of the chain.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("municipality", sa.String(200), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("number", sa.Integer, nullable=True, unique=True),
        sa.Column("refers_to", sa.Integer, nullable=True),
        sa.Column("amount", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("action", sa.Integer, nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ledger_events_line", "ledger_events", ["month", "municipality", "seq"])
    op.create_table(
        "ledger_blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "ledger_state",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("last_number", sa.Integer, nullable=False),
    )
    op.execute(
        "INSERT INTO ledger_state (id, last_seq, last_hash, last_number) "
        f"VALUES (1, 0, '{'0' * 64}', 0)"
    )


def downgrade() -> None:
    op.drop_table("ledger_state")
    op.drop_table("ledger_blobs")
    op.drop_index("ledger_events_line", "ledger_events")
    op.drop_table("ledger_events")

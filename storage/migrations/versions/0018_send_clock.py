"""send_clock replaces send_budget: the sending budget is a clock per bot account, not a counter per 200 ms slot

Messages are booked one interval apart instead of granted in slots of six, so the budget sends at 85 % of the
configured rate instead of 75 %, and a reply waits behind at most one broadcast message.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "send_clock",
        sa.Column("account", sa.String(length=40), nullable=False),
        sa.Column("tat", sa.Double(), nullable=False),
        sa.Column("granted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account"),
    )
    op.drop_table("send_budget")


def downgrade() -> None:
    op.create_table(
        "send_budget",
        sa.Column("account", sa.String(length=40), nullable=False),
        sa.Column("slot", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("account", "slot"),
    )
    op.drop_table("send_clock")

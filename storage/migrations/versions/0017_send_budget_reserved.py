"""send_budget.reserved: tokens of a slot held for replies that were refused the slot before

A reply process that finds a slot full holds tokens of the next one; every process's broadcast leaves them alone
(in the slot and in its six-slot window), so replies come first across processes, not only within one.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("send_budget", sa.Column("reserved", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("send_budget") as batch:
        batch.drop_column("reserved")

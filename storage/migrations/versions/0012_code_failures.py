"""code_failure: wrong one-time codes per account, outside the conversation state

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "code_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["identity_id"], ["identity.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_code_failure_identity_id", "code_failure", ["identity_id"])
    op.create_index("ix_code_failure_at", "code_failure", ["at"])


def downgrade() -> None:
    op.drop_table("code_failure")

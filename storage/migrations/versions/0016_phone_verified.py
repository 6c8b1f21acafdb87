"""person.phone_verified: the phone was proven by its owner (a Telegram contact shared from that account)

A phone typed at registration is contact data only; matching a co-author named in an application to a person
needs a phone someone vouches for: a seeded record's (the unit's list) or one proven this way.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("person", sa.Column("phone_verified", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("phone_verified")

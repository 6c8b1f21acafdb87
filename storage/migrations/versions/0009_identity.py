"""who someone is: records that were seeded or pre-registered are marked, so only they can be claimed

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild on SQLite: other tables' foreign keys point at person).
    op.add_column("person", sa.Column("seeded", sa.Boolean(), server_default=sa.false(), nullable=False))
    # Existing rows: a record nobody is linked to yet was loaded by the seed or an admin; so was one holding a
    # role above staff. Links already made stay as they are: nobody is locked out by the upgrade.
    op.execute(
        "UPDATE person SET seeded = TRUE WHERE id NOT IN "
        "(SELECT person_id FROM identity WHERE person_id IS NOT NULL) "
        "OR id IN (SELECT person_id FROM role_grant WHERE role <> 'staff')"
    )


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("seeded")

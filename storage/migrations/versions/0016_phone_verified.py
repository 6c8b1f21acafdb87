"""person.phone_verified and person.seed_key: what a record's owner types is never proof

- phone_verified: the phone is vouched for, by the seed file (the unit's list) or by its owner sharing their own
  Telegram contact. Only such a phone matches a co-author named in an application; a typed one is contact data.
- seed_key: the seed entry that made the record (its phone, else its name within its unit). Reloading the seed
  finds a record by it, not by the phone or name its owner may have typed since.

Existing seeded records: their phone and key are taken as they are now.

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
    op.add_column("person", sa.Column("seed_key", sa.String(length=240), nullable=True))
    op.create_index("ix_person_seed_key", "person", ["seed_key"], unique=False)
    op.execute("UPDATE person SET phone_verified = TRUE WHERE seeded AND phone IS NOT NULL")
    op.execute("UPDATE person SET seed_key = 'phone:' || phone WHERE seeded AND phone IS NOT NULL")
    op.execute(
        "UPDATE person SET seed_key = 'name:' || full_name || '|' || coalesce(CAST(unit_id AS VARCHAR), 'None') "
        "WHERE seeded AND phone IS NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_person_seed_key", table_name="person")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("seed_key")
        batch.drop_column("phone_verified")

"""body: recognising bodies (a province's departments, communes, schools) and the province itself

Every unit, campaign, role, initiative and suggestion belongs to a body. An existing single-body database
becomes one body («Cơ quan công nhận sáng kiến», code CQ) holding everything it had.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite's unique constraints from 0001 have no names; this convention names them so batch mode can drop them.
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
DEFAULT_BODY = {"id": 1, "code": "CQ", "name": "Cơ quan công nhận sáng kiến", "level": "base"}


def _unique_name(table: str, pg_name: str, column: str) -> str:
    return pg_name if op.get_context().dialect.name == "postgresql" else f"uq_{table}_{column}"


def upgrade() -> None:
    op.create_table(
        "body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False, server_default="base"),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["body.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    body = sa.table(
        "body",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("level", sa.String),
    )
    op.bulk_insert(body, [DEFAULT_BODY])
    if op.get_context().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('body', 'id'), 1)")

    for table in ("unit", "initiative", "suggestion"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(f"fk_{table}_body_id", "body", ["body_id"], ["id"])
            batch.create_index(f"ix_{table}_body_id", ["body_id"])
        op.execute(f"UPDATE {table} SET body_id = 1")
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("acting_body_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_person_acting_body_id", "body", ["acting_body_id"], ["id"])

    with op.batch_alter_table("campaign", naming_convention=SQLITE_NAMES) as batch:
        batch.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
        batch.drop_constraint(_unique_name("campaign", "campaign_year_key", "year"), type_="unique")
        batch.create_foreign_key("fk_campaign_body_id", "body", ["body_id"], ["id"])
        batch.create_unique_constraint("uq_campaign_body_year", ["body_id", "year"])
    op.execute("UPDATE campaign SET body_id = 1")

    with op.batch_alter_table("role_grant", naming_convention=SQLITE_NAMES) as batch:
        batch.add_column(sa.Column("body_id", sa.Integer(), nullable=True))
        batch.drop_constraint(_unique_name("role_grant", "role_grant_person_id_role_key", "person_id"), type_="unique")
        batch.create_foreign_key("fk_role_grant_body_id", "body", ["body_id"], ["id"])
        batch.create_unique_constraint("uq_role_grant_person_role_body", ["person_id", "role", "body_id"])
    op.execute("UPDATE role_grant SET body_id = 1")

    op.create_table(
        "provincial_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiative.id"]),
        sa.ForeignKeyConstraint(["dossier_id"], ["initiative.id"]),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
        sa.ForeignKeyConstraint(["proposed_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("initiative_id"),
    )
    op.create_table(
        "body_report",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("filed_by", sa.Integer(), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
        sa.ForeignKeyConstraint(["filed_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("body_id", "year", "kind"),
    )


def downgrade() -> None:
    op.drop_table("body_report")
    op.drop_table("provincial_proposal")
    with op.batch_alter_table("role_grant", naming_convention=SQLITE_NAMES) as batch:
        batch.drop_constraint("uq_role_grant_person_role_body", type_="unique")
        batch.drop_constraint("fk_role_grant_body_id", type_="foreignkey")
        batch.drop_column("body_id")
        batch.create_unique_constraint(
            _unique_name("role_grant", "role_grant_person_id_role_key", "person_id"), ["person_id", "role"]
        )
    with op.batch_alter_table("campaign", naming_convention=SQLITE_NAMES) as batch:
        batch.drop_constraint("uq_campaign_body_year", type_="unique")
        batch.drop_constraint("fk_campaign_body_id", type_="foreignkey")
        batch.drop_column("body_id")
        batch.create_unique_constraint(_unique_name("campaign", "campaign_year_key", "year"), ["year"])
    with op.batch_alter_table("person") as batch:
        batch.drop_constraint("fk_person_acting_body_id", type_="foreignkey")
        batch.drop_column("acting_body_id")
    for table in ("unit", "initiative", "suggestion"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_body_id")
            batch.drop_constraint(f"fk_{table}_body_id", type_="foreignkey")
            batch.drop_column("body_id")
    op.drop_table("body")

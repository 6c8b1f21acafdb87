"""indexes a province needs: what bench/bench_province.py's profile showed scanning at 300 bodies

- role_grant (body_id, role): a body's secretariat, council or unit heads (people_with_role) scanned every grant;
- initiative (body_id, status): a body's drafts and open work (initiatives_in) intersected two single-column
  indexes, the status one holding the whole province;
- notice (kind): the planner's per-body pass wipes settled notices of a kind, a scan of every notice ever queued;
- person (unit_id): people of a unit (seed matching at every start, suggestions sent to a unit) scanned everyone.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_role_grant_body_id_role", "role_grant", ["body_id", "role"]),
    ("ix_initiative_body_id_status", "initiative", ["body_id", "status"]),
    ("ix_notice_kind", "notice", ["kind"]),
    ("ix_person_unit_id", "person", ["unit_id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)

"""review, scoring, results

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_rules",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
        ),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    op.create_table(
        "council_seat",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
        ),
        sa.PrimaryKeyConstraint("round_id", "person_id"),
    )
    op.create_table(
        "round_review",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("scoring_closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["published_by"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
        ),
        sa.PrimaryKeyConstraint("round_id"),
    )
    op.create_table(
        "review_assignment",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("initiative_id", "person_id"),
    )
    with op.batch_alter_table("review_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_assignment_person_id"), ["person_id"], unique=False)

    op.create_table(
        "review_result",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("mean", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("criterion_means", sa.JSON(), nullable=False),
        sa.Column("grade", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("prize", sa.BigInteger(), nullable=False),
        sa.Column("recognised", sa.Boolean(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
        ),
        sa.PrimaryKeyConstraint("initiative_id"),
    )
    with op.batch_alter_table("review_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_result_round_id"), ["round_id"], unique=False)

    op.create_table(
        "score_sheet",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("initiative_id", "person_id"),
    )
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_sheet_person_id"), ["person_id"], unique=False)

    op.create_table(
        "submission_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("initiative_id", "version"),
    )
    with op.batch_alter_table("submission_snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_snapshot_initiative_id"), ["initiative_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("submission_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submission_snapshot_initiative_id"))

    op.drop_table("submission_snapshot")
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_sheet_person_id"))

    op.drop_table("score_sheet")
    with op.batch_alter_table("review_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_result_round_id"))

    op.drop_table("review_result")
    with op.batch_alter_table("review_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_assignment_person_id"))

    op.drop_table("review_assignment")
    op.drop_table("round_review")
    op.drop_table("council_seat")
    op.drop_table("review_rules")

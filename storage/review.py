"""Review tables (rules, council seats, assignments, scoresheets, rounds' review state, submission snapshots,
published results) and SqlStore's part for them (handlers.review.store.ReviewStore)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, UniqueConstraint, delete, func, select, update
from sqlmodel import Field, SQLModel

from handlers.domain import Initiative, Status, StatusChange
from handlers.results import Rules, rules_from_json, rules_to_json
from handlers.review.store import Assignment, PublishedResult, RoundReview, ScoreSheet, Seat, Snapshot
from storage.models import CampaignRow, InitiativeRow, RoundRow, StatusChangeRow
from storage.rows import initiative_of_row

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def _ts(**kwargs: Any) -> Any:
    return Field(sa_column=Column(DateTime(timezone=True), **kwargs))


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class ReviewRulesRow(SQLModel, table=True):
    """A campaign's rubric and classes, as the JSON of handlers.results.rules_to_json."""

    __tablename__ = "review_rules"
    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    rules: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _ts(nullable=False)


class CouncilSeatRow(SQLModel, table=True):
    __tablename__ = "council_seat"
    round_id: int = Field(foreign_key="round.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class ReviewAssignmentRow(SQLModel, table=True):
    __tablename__ = "review_assignment"
    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)
    assigned_at: datetime = _ts(nullable=False)


class ScoreSheetRow(SQLModel, table=True):
    __tablename__ = "score_sheet"
    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)
    # criterion code → points as a decimal string ("25.5")
    scores: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    comment: str = Field(default="")
    submitted_at: datetime = _ts(nullable=False)
    revision: int = Field(default=1)


class RoundReviewRow(SQLModel, table=True):
    __tablename__ = "round_review"
    round_id: int = Field(foreign_key="round.id", primary_key=True)
    scoring_closed_at: datetime | None = _ts(nullable=True)
    published_at: datetime | None = _ts(nullable=True)
    published_by: int | None = Field(default=None, foreign_key="person.id")


class SubmissionSnapshotRow(SQLModel, table=True):
    """The application exactly as submitted, once per (re)submission: amendments never overwrite history."""

    __tablename__ = "submission_snapshot"
    __table_args__ = (UniqueConstraint("initiative_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True)
    version: int
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = _ts(nullable=False)


class ReviewResultRow(SQLModel, table=True):
    __tablename__ = "review_result"
    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    rank: int
    mean: str = Field(max_length=20)
    criterion_means: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    grade: str = Field(default="", max_length=10)
    prize: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    recognised: bool
    members: int = Field(default=0)
    published_at: datetime = _ts(nullable=False)


class ReviewQueries:
    """Mixed into SqlStore; relies on its session and helpers."""

    session: AsyncSession
    body_id: int | None

    if TYPE_CHECKING:  # provided by SqlStore

        def _insert(self, table: Any) -> Any: ...

    @staticmethod
    def _initiative_row(row: InitiativeRow) -> Initiative:
        return initiative_of_row(row)

    async def _campaign_id(self, year: int) -> int | None:
        """The campaign of ``year`` of the body in scope (the first body's when none is)."""
        stmt = select(CampaignRow.id).where(CampaignRow.year == year).order_by(CampaignRow.body_id).limit(1)
        if self.body_id is not None:
            stmt = stmt.where(CampaignRow.body_id == self.body_id)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    # --- rules ------------------------------------------------------------------------------------------
    async def review_rules(self, year: int) -> Rules | None:
        campaign_id = await self._campaign_id(year)
        if campaign_id is None:
            return None
        row = await self.session.get(ReviewRulesRow, campaign_id, populate_existing=True)
        return rules_from_json(row.rules) if row else None

    async def set_review_rules(self, year: int, rules: Rules) -> None:
        campaign_id = await self._campaign_id(year)
        if campaign_id is None:
            raise LookupError(f"no campaign for {year}")
        now = datetime.now(UTC)
        stmt = self._insert(ReviewRulesRow).values(campaign_id=campaign_id, rules=rules_to_json(rules), updated_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=[ReviewRulesRow.campaign_id], set_={"rules": rules_to_json(rules), "updated_at": now}
        )
        await self.session.execute(stmt)

    # --- initiatives and their history --------------------------------------------------------------------
    async def initiative_by_receipt(self, receipt_no: str) -> Initiative | None:
        row = (
            await self.session.execute(select(InitiativeRow).where(InitiativeRow.receipt_no == receipt_no.upper()))
        ).scalar_one_or_none()
        return self._initiative_row(row) if row else None

    async def round_initiatives(self, round_id: int, statuses: Collection[Status]) -> Sequence[Initiative]:
        rows = (
            await self.session.execute(
                select(InitiativeRow)
                .where(InitiativeRow.round_id == round_id, InitiativeRow.status.in_([s.value for s in statuses]))
                .order_by(InitiativeRow.submitted_at, InitiativeRow.id)
            )
        ).scalars()
        return [self._initiative_row(r) for r in rows]

    async def status_history(self, initiative_id: int) -> Sequence[StatusChange]:
        rows = (
            await self.session.execute(
                select(StatusChangeRow)
                .where(StatusChangeRow.initiative_id == initiative_id)
                .order_by(StatusChangeRow.at, StatusChangeRow.id)
            )
        ).scalars()
        return [
            StatusChange(
                initiative_id=r.initiative_id,
                old=Status(r.old_status) if r.old_status else None,
                new=Status(r.new_status),
                at=_aware(r.at),  # type: ignore[arg-type]
                by_person_id=r.by_person_id,
                reason=r.reason,
            )
            for r in rows
        ]

    async def snapshots(self, initiative_id: int) -> Sequence[Snapshot]:
        rows = (
            await self.session.execute(
                select(SubmissionSnapshotRow)
                .where(SubmissionSnapshotRow.initiative_id == initiative_id)
                .order_by(SubmissionSnapshotRow.version)
            )
        ).scalars()
        return [Snapshot(r.initiative_id, r.version, dict(r.data), _aware(r.at)) for r in rows]  # type: ignore[arg-type]

    async def _snapshot_submission(self, initiative_id: int, data: dict[str, Any], now: datetime) -> None:
        """Called by SqlStore.change_status on every move to SUBMITTED."""
        last = (
            await self.session.execute(
                select(func.max(SubmissionSnapshotRow.version)).where(
                    SubmissionSnapshotRow.initiative_id == initiative_id
                )
            )
        ).scalar_one_or_none()
        self.session.add(
            SubmissionSnapshotRow(initiative_id=initiative_id, version=(last or 0) + 1, data=dict(data), at=now)
        )

    # --- council ------------------------------------------------------------------------------------------
    async def seats(self, round_id: int) -> Sequence[Seat]:
        rows = (
            await self.session.execute(
                select(CouncilSeatRow).where(CouncilSeatRow.round_id == round_id).order_by(CouncilSeatRow.person_id)
            )
        ).scalars()
        return [Seat(r.round_id, r.person_id, tuple(r.fields or ())) for r in rows]

    async def seat_member(self, round_id: int, person_id: int, fields: Sequence[str]) -> None:
        stmt = self._insert(CouncilSeatRow).values(round_id=round_id, person_id=person_id, fields=list(fields))
        stmt = stmt.on_conflict_do_update(
            index_elements=[CouncilSeatRow.round_id, CouncilSeatRow.person_id], set_={"fields": list(fields)}
        )
        await self.session.execute(stmt)

    async def unseat_member(self, round_id: int, person_id: int) -> bool:
        result = await self.session.execute(
            delete(CouncilSeatRow).where(CouncilSeatRow.round_id == round_id, CouncilSeatRow.person_id == person_id)
        )
        return bool(result.rowcount)

    async def assignments(
        self, *, initiative_ids: Collection[int] | None = None, person_id: int | None = None
    ) -> Sequence[Assignment]:
        stmt = select(ReviewAssignmentRow).order_by(ReviewAssignmentRow.initiative_id, ReviewAssignmentRow.assigned_at)
        if initiative_ids is not None:
            stmt = stmt.where(ReviewAssignmentRow.initiative_id.in_(list(initiative_ids)))
        if person_id is not None:
            stmt = stmt.where(ReviewAssignmentRow.person_id == person_id)
        rows = (await self.session.execute(stmt)).scalars()
        return [Assignment(r.initiative_id, r.person_id, _aware(r.assigned_at)) for r in rows]  # type: ignore[arg-type]

    async def assign(self, initiative_id: int, person_id: int, now: datetime) -> bool:
        stmt = (
            self._insert(ReviewAssignmentRow)
            .values(initiative_id=initiative_id, person_id=person_id, assigned_at=now)
            .on_conflict_do_nothing()
        )
        return bool((await self.session.execute(stmt)).rowcount)

    async def unassign(self, initiative_id: int, person_id: int) -> bool:
        result = await self.session.execute(
            delete(ReviewAssignmentRow).where(
                ReviewAssignmentRow.initiative_id == initiative_id, ReviewAssignmentRow.person_id == person_id
            )
        )
        return bool(result.rowcount)

    # --- scores -------------------------------------------------------------------------------------------
    async def score_sheets(self, initiative_ids: Collection[int]) -> Sequence[ScoreSheet]:
        if not initiative_ids:
            return []
        rows = (
            await self.session.execute(
                select(ScoreSheetRow)
                .where(ScoreSheetRow.initiative_id.in_(list(initiative_ids)))
                .order_by(ScoreSheetRow.initiative_id, ScoreSheetRow.submitted_at, ScoreSheetRow.person_id)
            )
        ).scalars()
        return [
            ScoreSheet(
                initiative_id=r.initiative_id,
                person_id=r.person_id,
                scores={k: Decimal(v) for k, v in r.scores.items()},
                comment=r.comment,
                submitted_at=_aware(r.submitted_at),  # type: ignore[arg-type]
                revision=r.revision,
            )
            for r in rows
        ]

    async def save_score_sheet(self, sheet: ScoreSheet) -> ScoreSheet:
        scores = {k: str(v) for k, v in sheet.scores.items()}
        stmt = self._insert(ScoreSheetRow).values(
            initiative_id=sheet.initiative_id,
            person_id=sheet.person_id,
            scores=scores,
            comment=sheet.comment,
            submitted_at=sheet.submitted_at,
            revision=1,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[ScoreSheetRow.initiative_id, ScoreSheetRow.person_id],
            set_={
                "scores": scores,
                "comment": sheet.comment,
                "submitted_at": sheet.submitted_at,
                "revision": ScoreSheetRow.revision + 1,
            },
        ).returning(ScoreSheetRow.revision)
        revision = (await self.session.execute(stmt)).scalar_one()
        return ScoreSheet(
            sheet.initiative_id, sheet.person_id, dict(sheet.scores), sheet.comment, sheet.submitted_at, revision
        )

    async def has_scores(self, year: int) -> bool:
        found = (
            await self.session.execute(
                select(ScoreSheetRow.initiative_id)
                .join(InitiativeRow, InitiativeRow.id == ScoreSheetRow.initiative_id)
                .join(RoundRow, RoundRow.id == InitiativeRow.round_id)
                .join(CampaignRow, CampaignRow.id == RoundRow.campaign_id)
                .where(CampaignRow.year == year)
                .limit(1)
            )
        ).first()
        return found is not None

    # --- rounds -------------------------------------------------------------------------------------------
    async def round_review(self, round_id: int) -> RoundReview:
        row = await self.session.get(RoundReviewRow, round_id, populate_existing=True)
        if row is None:
            return RoundReview(round_id)
        return RoundReview(round_id, _aware(row.scoring_closed_at), _aware(row.published_at))

    async def set_scoring_closed(self, round_id: int, closed_at: datetime | None) -> None:
        stmt = self._insert(RoundReviewRow).values(round_id=round_id, scoring_closed_at=closed_at)
        stmt = stmt.on_conflict_do_update(
            index_elements=[RoundReviewRow.round_id], set_={"scoring_closed_at": closed_at}
        )
        await self.session.execute(stmt)

    async def mark_published(self, round_id: int, now: datetime, by_person_id: int) -> bool:
        await self.session.execute(self._insert(RoundReviewRow).values(round_id=round_id).on_conflict_do_nothing())
        result = await self.session.execute(
            update(RoundReviewRow)
            .where(RoundReviewRow.round_id == round_id, RoundReviewRow.published_at.is_(None))
            .values(published_at=now, published_by=by_person_id)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)

    # --- results ------------------------------------------------------------------------------------------
    async def save_result(self, result: PublishedResult) -> None:
        self.session.add(
            ReviewResultRow(
                initiative_id=result.initiative_id,
                round_id=result.round_id,
                rank=result.rank,
                mean=str(result.mean),
                criterion_means={k: str(v) for k, v in result.criterion_means.items()},
                grade=result.grade,
                prize=result.prize,
                recognised=result.recognised,
                members=result.members,
                published_at=result.published_at,
            )
        )
        await self.session.flush()

    async def published_results(
        self, *, year: int | None = None, round_id: int | None = None
    ) -> Sequence[PublishedResult]:
        stmt = (
            select(ReviewResultRow, CampaignRow.year)
            .join(RoundRow, RoundRow.id == ReviewResultRow.round_id)
            .join(CampaignRow, CampaignRow.id == RoundRow.campaign_id)
            .order_by(CampaignRow.year.desc(), RoundRow.number, ReviewResultRow.rank)
        )
        if year is not None:
            stmt = stmt.where(CampaignRow.year == year)
        if round_id is not None:
            stmt = stmt.where(ReviewResultRow.round_id == round_id)
        rows = (await self.session.execute(stmt)).all()
        return [
            PublishedResult(
                initiative_id=r.initiative_id,
                round_id=r.round_id,
                year=row_year,
                rank=r.rank,
                mean=Decimal(r.mean),
                criterion_means={k: Decimal(v) for k, v in r.criterion_means.items()},
                grade=r.grade,
                prize=r.prize,
                recognised=r.recognised,
                published_at=_aware(r.published_at),  # type: ignore[arg-type]
                members=r.members,
            )
            for r, row_year in rows
        ]

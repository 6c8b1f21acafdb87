"""SqlStore's part for body reports and the province overview (handlers.reports.store.ReportStore).

Everything is a few grouped queries over every body at once: the overview of a province of hundreds of bodies
and tens of thousands of initiatives costs the same handful of round trips as that of one body."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select

from handlers.campaign import COUNTED
from handlers.domain import Person, Status
from handlers.reports.store import BodyTally, FiledReport, RecognisedEntry, ReportKind, TransferEntry
from storage.duplicates import SimilarityFlagRow
from storage.models import (
    BodyReportRow,
    CampaignRow,
    InitiativeRow,
    PersonRow,
    RecognitionDecisionRow,
    RoundRow,
    TransferRow,
    UnitRow,
)
from storage.review import ReviewResultRow

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

_COUNTED = [s.value for s in COUNTED]
_WAITING = {Status.SUBMITTED.value, Status.AMEND_REQUESTED.value}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _names(author: Any, coauthors: Any) -> tuple[str, ...]:
    names = [str(author or "")]
    if isinstance(coauthors, list):
        names += [str(c.get("full_name") or "") for c in coauthors if isinstance(c, dict)]
    return tuple(n for n in names if n)


class ReportQueries:
    """Mixed into SqlStore; relies on its session."""

    session: AsyncSession

    if TYPE_CHECKING:  # provided by SqlStore

        async def _person(self, row: PersonRow) -> Person: ...

    @staticmethod
    def _filed_in(year: int) -> Any:
        """initiative ⋈ round ⋈ campaign of ``year``: the campaign's body is the body an initiative is filed with."""
        return (
            select()
            .select_from(InitiativeRow)
            .join(RoundRow, RoundRow.id == InitiativeRow.round_id)
            .join(CampaignRow, CampaignRow.id == RoundRow.campaign_id)
            .where(CampaignRow.year == year)
        )

    # --- a body's yearly list ---------------------------------------------------------------------------------
    async def recognised_entries(self, body_id: int, year: int) -> Sequence[RecognisedEntry]:
        data = InitiativeRow.data
        stmt = (
            self._filed_in(year)
            .add_columns(
                InitiativeRow.id,
                InitiativeRow.receipt_no,
                data["title"].as_string(),
                data[("author", "full_name")].as_string(),
                data["coauthors"],
                data["field"].as_string(),
                data[("author", "workplace")].as_string(),
                UnitRow.name,
                ReviewResultRow.grade,
                RecognitionDecisionRow.number,
                RecognitionDecisionRow.signed_on,
            )
            .outerjoin(PersonRow, PersonRow.id == InitiativeRow.person_id)
            .outerjoin(UnitRow, UnitRow.id == PersonRow.unit_id)
            .outerjoin(ReviewResultRow, ReviewResultRow.initiative_id == InitiativeRow.id)
            .outerjoin(RecognitionDecisionRow, RecognitionDecisionRow.round_id == InitiativeRow.round_id)
            .where(CampaignRow.body_id == body_id, InitiativeRow.status == Status.RECOGNISED.value)
        )
        found = [
            RecognisedEntry(
                initiative_id=row[0],
                receipt_no=row[1] or "",
                title=row[2] or "",
                authors=_names(row[3], row[4]),
                unit=row[7] or row[6] or "",
                field=row[5] or "",
                grade=row[8] or "",
                decision_number=row[9] or "",
                decision_date=row[10],
            )
            for row in (await self.session.execute(stmt)).all()
        ]
        return sorted(found, key=lambda e: (e.unit, len(e.receipt_no), e.receipt_no))

    async def transfer_entries(self, body_id: int, year: int) -> Sequence[TransferEntry]:
        data = InitiativeRow.data
        stmt = (
            select(
                InitiativeRow.id,
                InitiativeRow.receipt_no,
                data["title"].as_string(),
                data[("author", "full_name")].as_string(),
                data["coauthors"],
                data[("author", "workplace")].as_string(),
                UnitRow.name,
                TransferRow.recipient,
                TransferRow.transferred_on,
                TransferRow.agreement,
            )
            .select_from(TransferRow)
            .join(InitiativeRow, InitiativeRow.id == TransferRow.initiative_id)
            .join(RoundRow, RoundRow.id == InitiativeRow.round_id)
            .join(CampaignRow, CampaignRow.id == RoundRow.campaign_id)
            .outerjoin(PersonRow, PersonRow.id == InitiativeRow.person_id)
            .outerjoin(UnitRow, UnitRow.id == PersonRow.unit_id)
            .where(
                CampaignRow.body_id == body_id,
                TransferRow.transferred_on >= date(year, 1, 1),
                TransferRow.transferred_on <= date(year, 12, 31),
            )
            .order_by(TransferRow.transferred_on, TransferRow.id)
        )
        return [
            TransferEntry(
                initiative_id=row[0],
                receipt_no=row[1] or "",
                title=row[2] or "",
                authors=_names(row[3], row[4]),
                unit=row[6] or row[5] or "",
                recipient=row[7],
                on=row[8],
                agreement=row[9],
            )
            for row in (await self.session.execute(stmt)).all()
        ]

    # --- every body's numbers ---------------------------------------------------------------------------------
    async def body_tallies(self, year: int, body_id: int | None = None) -> Sequence[BodyTally]:
        only = [] if body_id is None else [CampaignRow.body_id == body_id]
        body = CampaignRow.body_id
        field = InitiativeRow.data["field"].as_string()
        counts: dict[int, dict[str, Any]] = defaultdict(
            lambda: {
                "filed": 0,
                "recognised": 0,
                "under_review": 0,
                "waiting": 0,
                "by_grade": defaultdict(int),
                "by_field": defaultdict(int),
                "recognised_by_field": defaultdict(int),
                "units_met": 0,
                "duplicates": 0,
                "transfers": 0,
            }
        )
        # 1. statuses and fields
        stmt = (
            self._filed_in(year)
            .add_columns(body, InitiativeRow.status, field, func.count())
            .where(InitiativeRow.status.in_(_COUNTED), *only)  # type: ignore[attr-defined]
            .group_by(body, InitiativeRow.status, field)
        )
        for owner, status, code, n in (await self.session.execute(stmt)).all():
            tally = counts[owner]
            tally["filed"] += n
            tally["by_field"][code or ""] += n
            if status == Status.RECOGNISED.value:
                tally["recognised"] += n
                tally["recognised_by_field"][code or ""] += n
            elif status == Status.ACCEPTED.value:
                tally["under_review"] += n
            elif status in _WAITING:
                tally["waiting"] += n
        # 2. classes of the recognised
        stmt = (
            self._filed_in(year)
            .add_columns(body, ReviewResultRow.grade, func.count())
            .join(ReviewResultRow, ReviewResultRow.initiative_id == InitiativeRow.id, isouter=True)
            .where(InitiativeRow.status == Status.RECOGNISED.value, *only)
            .group_by(body, ReviewResultRow.grade)
        )
        for owner, grade, n in (await self.session.execute(stmt)).all():
            counts[owner]["by_grade"][grade or ""] += n
        # 3. quotas: the campaign's quota per unit against what each unit of the body filed
        quotas: dict[int, int] = {
            owner: quota
            for owner, quota in (
                await self.session.execute(
                    select(CampaignRow.body_id, CampaignRow.unit_quota).where(CampaignRow.year == year, *only)
                )
            ).all()
            if owner is not None
        }
        unit_count_stmt = select(UnitRow.body_id, func.count()).group_by(UnitRow.body_id)
        if body_id is not None:
            unit_count_stmt = unit_count_stmt.where(UnitRow.body_id == body_id)
        units = {owner: n for owner, n in (await self.session.execute(unit_count_stmt)).all() if owner is not None}
        stmt = (
            self._filed_in(year)
            .add_columns(body, func.count())
            .join(PersonRow, PersonRow.id == InitiativeRow.person_id)
            .join(UnitRow, and_(UnitRow.id == PersonRow.unit_id, UnitRow.body_id == body))
            .where(InitiativeRow.status.in_(_COUNTED), *only)  # type: ignore[attr-defined]
            .group_by(body, UnitRow.id)
        )
        for owner, n in (await self.session.execute(stmt)).all():
            if n >= quotas.get(owner, 1):
                counts[owner]["units_met"] += 1
        # 4. duplicates flagged
        stmt = (
            self._filed_in(year)
            .add_columns(body, func.count(func.distinct(SimilarityFlagRow.initiative_id)))
            .join(SimilarityFlagRow, SimilarityFlagRow.initiative_id == InitiativeRow.id)
            .where(InitiativeRow.status.in_(_COUNTED), *only)  # type: ignore[attr-defined]
            .group_by(body)
        )
        for owner, n in (await self.session.execute(stmt)).all():
            counts[owner]["duplicates"] = n
        # 5. transfers during the year
        stmt = (
            select(body, func.count())
            .select_from(TransferRow)
            .join(InitiativeRow, InitiativeRow.id == TransferRow.initiative_id)
            .join(RoundRow, RoundRow.id == InitiativeRow.round_id)
            .join(CampaignRow, CampaignRow.id == RoundRow.campaign_id)
            .where(TransferRow.transferred_on >= date(year, 1, 1), TransferRow.transferred_on <= date(year, 12, 31))
            .where(*only)
            .group_by(body)
        )
        for owner, n in (await self.session.execute(stmt)).all():
            counts[owner]["transfers"] = n
        owners = set(counts) | set(quotas) | ({body_id} if body_id is not None else set(units))
        result = []
        for owner in sorted(o for o in owners if o is not None):
            tally = counts[owner]
            quota = quotas.get(owner, 1)
            unit_total = units.get(owner, 0)
            met = unit_total if quota <= 0 else tally["units_met"]
            result.append(
                BodyTally(
                    body_id=owner,
                    filed=tally["filed"],
                    recognised=tally["recognised"],
                    under_review=tally["under_review"],
                    waiting=tally["waiting"],
                    by_grade=dict(tally["by_grade"]),
                    by_field=dict(tally["by_field"]),
                    recognised_by_field=dict(tally["recognised_by_field"]),
                    units=unit_total,
                    units_met=met,
                    quota=quota,
                    duplicates=tally["duplicates"],
                    transfers=tally["transfers"],
                )
            )
        return result

    # --- filed reports ----------------------------------------------------------------------------------------
    async def body_reports(self, year: int, body_id: int | None = None) -> Sequence[FiledReport]:
        stmt = (
            select(BodyReportRow, PersonRow.full_name)
            .outerjoin(PersonRow, PersonRow.id == BodyReportRow.filed_by)
            .where(BodyReportRow.year == year)
            .order_by(BodyReportRow.body_id, BodyReportRow.kind)
        )
        if body_id is not None:
            stmt = stmt.where(BodyReportRow.body_id == body_id)
        return [_report(row, name) for row, name in (await self.session.execute(stmt)).all()]

    async def file_body_report(
        self, body_id: int, year: int, kind: ReportKind, content: Mapping[str, Any], by_person_id: int, now: datetime
    ) -> FiledReport | None:
        row = await self.session.get(BodyReportRow, (body_id, year, kind.value), populate_existing=True)
        previous = None
        if row is None:
            row = BodyReportRow(body_id=body_id, year=year, kind=kind.value)
            self.session.add(row)
        else:
            name = await self.session.get(PersonRow, row.filed_by) if row.filed_by else None
            previous = _report(row, name.full_name if name else None)
        # SQLite keeps the wall time without its offset: always store UTC.
        row.content, row.filed_by, row.filed_at = dict(content), by_person_id, now.astimezone(UTC)
        await self.session.flush()
        return previous


def _report(row: BodyReportRow, name: str | None) -> FiledReport:
    return FiledReport(
        body_id=row.body_id,
        year=row.year,
        kind=ReportKind(row.kind),
        content=dict(row.content),
        filed_by=row.filed_by,
        filed_by_name=name or "",
        filed_at=_aware(row.filed_at),
    )

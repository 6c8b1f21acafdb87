"""SqlStore's part for campaigns, reminders and notices (handlers.campaign.CampaignStore)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update

from handlers.campaign import Campaign, NoticeSpec, format_days, parse_days
from handlers.domain import Initiative, Person, Role, Round, Status
from storage.models import (
    CampaignRow,
    ChannelUsageRow,
    InitiativeRow,
    NoticePlanRow,
    NoticeRow,
    PersonRow,
    RoleGrantRow,
    RoundRow,
)
from storage.rows import initiative_of_row

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def _time(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes or 0))


def _campaign(row: CampaignRow, rounds: Sequence[Round]) -> Campaign:
    assert row.id is not None
    return Campaign(
        id=row.id,
        year=row.year,
        rounds=tuple(sorted(rounds, key=lambda r: (r.deadline, r.number))),
        reminder_days=parse_days(row.reminder_days),
        send_time=_time(row.send_time),
        list_due=row.list_due,
        unit_quota=row.unit_quota,
        admin_reform_target=row.admin_reform_target,
        body_id=row.body_id,
    )


class CampaignQueries:
    """Mixed into SqlStore; relies on its session and helpers."""

    session: AsyncSession

    if TYPE_CHECKING:  # provided by SqlStore

        def _insert(self, table: Any) -> Any: ...
        async def _person(self, row: PersonRow) -> Person: ...
        async def _persons(self, rows: Sequence[PersonRow]) -> list[Person]: ...
        async def rounds(self, *, every_body: bool = False) -> Sequence[Round]: ...
        async def default_body_id(self) -> int: ...

        body_id: int | None

    @staticmethod
    def _initiative_of(row: InitiativeRow) -> Initiative:
        return initiative_of_row(row)

    async def campaigns(self) -> Sequence[Campaign]:
        stmt = select(CampaignRow).order_by(CampaignRow.year, CampaignRow.body_id)
        if self.body_id is not None:
            stmt = stmt.where(CampaignRow.body_id == self.body_id)
        rows = (await self.session.execute(stmt)).scalars().all()
        rounds = await self.rounds()
        return [_campaign(row, [r for r in rounds if r.year == row.year and r.body_id == row.body_id]) for row in rows]

    async def create_campaign(self, template: Campaign) -> bool:
        body = await self.default_body_id()
        stmt = (
            self._insert(CampaignRow)
            .values(
                body_id=body,
                year=template.year,
                reminder_days=format_days(template.reminder_days),
                send_time=template.send_time.strftime("%H:%M"),
                list_due=template.list_due,
                unit_quota=template.unit_quota,
                admin_reform_target=template.admin_reform_target,
            )
            .on_conflict_do_nothing()
        )
        if not (await self.session.execute(stmt)).rowcount:
            return False
        campaign_id = (
            await self.session.execute(
                select(CampaignRow.id).where(CampaignRow.year == template.year, CampaignRow.body_id == body)
            )
        ).scalar_one()
        for r in template.rounds:
            self.session.add(
                RoundRow(
                    campaign_id=campaign_id,
                    number=r.number,
                    name=r.name,
                    deadline=r.deadline,
                    sectors=",".join(sorted(s.value for s in r.sectors)),
                    closed=r.closed,
                )
            )
        await self.session.flush()
        return True

    async def update_campaign_settings(
        self,
        year: int,
        *,
        reminder_days: Sequence[int] | None = None,
        send_time: time | None = None,
        list_due: date | None = None,
        unit_quota: int | None = None,
        admin_reform_target: int | None = None,
    ) -> None:
        values: dict[str, Any] = {}
        if unit_quota is not None:
            values["unit_quota"] = unit_quota
        if admin_reform_target is not None:
            values["admin_reform_target"] = admin_reform_target
        if reminder_days is not None:
            values["reminder_days"] = format_days(reminder_days)
        if send_time is not None:
            values["send_time"] = send_time.strftime("%H:%M")
        if list_due is not None:
            values["list_due"] = list_due
        if values:
            body = await self.default_body_id()
            await self.session.execute(
                update(CampaignRow).where(CampaignRow.year == year, CampaignRow.body_id == body).values(**values)
            )

    async def set_round_deadline(self, round_id: int, deadline: date) -> None:
        await self.session.execute(update(RoundRow).where(RoundRow.id == round_id).values(deadline=deadline))

    async def set_round_closed(self, round_id: int, closed: bool) -> None:
        await self.session.execute(update(RoundRow).where(RoundRow.id == round_id).values(closed=closed))

    async def people_with_role(self, role: Role) -> Sequence[Person]:
        rows = (
            await self.session.execute(
                select(PersonRow)
                .join(RoleGrantRow, RoleGrantRow.person_id == PersonRow.id)
                .where(RoleGrantRow.role == role.value, *self._grant_scope())
                .order_by(PersonRow.id)
                .distinct()
            )
        ).scalars()
        return await self._persons(rows.all())

    def _initiative_scope(self) -> list[Any]:
        return [] if self.body_id is None else [InitiativeRow.body_id == self.body_id]

    def _grant_scope(self) -> list[Any]:
        return [] if self.body_id is None else [RoleGrantRow.body_id == self.body_id]

    async def people(self, ids: Collection[int]) -> dict[int, Person]:
        if not ids:
            return {}
        rows = (await self.session.execute(select(PersonRow).where(PersonRow.id.in_(list(ids))))).scalars()
        return {p.id: p for p in await self._persons(rows.all())}

    async def initiatives_in(self, statuses: Collection[Status]) -> Sequence[Initiative]:
        rows = (
            await self.session.execute(
                select(InitiativeRow)
                .where(InitiativeRow.status.in_([s.value for s in statuses]), *self._initiative_scope())
                .order_by(InitiativeRow.id)
            )
        ).scalars()
        return [self._initiative_of(r) for r in rows]

    async def year_initiatives(self, year: int) -> Sequence[Initiative]:
        rows = (
            await self.session.execute(
                select(InitiativeRow)
                .join(RoundRow, RoundRow.id == InitiativeRow.round_id)
                .join(CampaignRow, CampaignRow.id == RoundRow.campaign_id)
                .where(
                    CampaignRow.year == year,
                    InitiativeRow.status != Status.DRAFT.value,
                    *([] if self.body_id is None else [CampaignRow.body_id == self.body_id]),
                )
                .order_by(InitiativeRow.submitted_at, InitiativeRow.id)
            )
        ).scalars()
        return [self._initiative_of(r) for r in rows]

    async def set_notices_muted(self, person_id: int, muted: bool) -> None:
        await self.session.execute(update(PersonRow).where(PersonRow.id == person_id).values(notices_muted=muted))

    async def notices_muted(self, person_id: int) -> bool:
        value = (
            await self.session.execute(select(PersonRow.notices_muted).where(PersonRow.id == person_id))
        ).scalar_one_or_none()
        return bool(value)

    async def enqueue(self, notice: NoticeSpec) -> bool:
        stmt = self._insert(NoticeRow).values(
            key=notice.key[:300],
            kind=notice.kind[:50],
            text=notice.text,
            due_at=notice.due_at.astimezone(UTC),
            person_id=notice.person_id,
            identity_id=notice.identity_id,
            expires_at=notice.expires_at.astimezone(UTC) if notice.expires_at else None,
            essential=notice.essential,
            status="pending",
            subject=notice.subject[:100],
            subject_version=notice.subject_version[:50],
            attempts=0,
            last_error="",
        )
        # A notice cancelled because its deadline moved comes back when the deadline moves back.
        stmt = stmt.on_conflict_do_update(
            index_elements=[NoticeRow.key],
            set_={"status": "pending", "due_at": notice.due_at.astimezone(UTC), "attempts": 0, "claimed_by": None},
            where=NoticeRow.status == "cancelled",
        )
        return bool((await self.session.execute(stmt)).rowcount)

    async def mark_planned(self, key: str, now: datetime) -> bool:
        stmt = (
            self._insert(NoticePlanRow).values(key=key[:200], planned_at=now.astimezone(UTC)).on_conflict_do_nothing()
        )
        return bool((await self.session.execute(stmt)).rowcount)

    async def forget_plans(self, prefix: str, keep_prefix: str | None) -> None:
        """Planned moments under ``prefix`` (but not ``keep_prefix``) are forgotten, so they can be planned again."""
        stmt = delete(NoticePlanRow).where(NoticePlanRow.key.startswith(prefix, autoescape=True))
        if keep_prefix is not None:
            stmt = stmt.where(~NoticePlanRow.key.startswith(keep_prefix, autoescape=True))
        await self.session.execute(stmt.execution_options(synchronize_session=False))

    async def cancel_stale_notices(self, subject: str, keep_version: str | None) -> int:
        stmt = update(NoticeRow).where(NoticeRow.subject == subject, NoticeRow.status == "pending")
        if keep_version is not None:
            stmt = stmt.where(NoticeRow.subject_version != keep_version)
        result = await self.session.execute(
            stmt.values(status="cancelled").execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)

    async def channel_usage(self, channel: str) -> Sequence[tuple[str, int]]:
        rows = await self.session.execute(
            select(ChannelUsageRow.month, ChannelUsageRow.sent)
            .where(ChannelUsageRow.channel == channel)
            .order_by(ChannelUsageRow.month.desc())
        )
        return [(month, sent) for month, sent in rows.all()]

"""SqlStore's part for provincial-scope recognition (handlers.province.store.ProvinceStore): the proposals a
base body makes to the province and the dossiers filed there."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from handlers.domain import Person, Role, Status
from handlers.province.store import Proposal
from storage.models import InitiativeRow, PersonRow, ProvincialProposalRow, RoleGrantRow
from storage.rows import aware

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def _proposal(row: ProvincialProposalRow, status: str | None, receipt: str | None) -> Proposal:
    return Proposal(
        initiative_id=row.initiative_id,
        body_id=row.body_id,
        proposed_at=aware(row.proposed_at),  # type: ignore[arg-type]
        dossier_id=row.dossier_id,
        decision=row.decision,
        proposed_by=row.proposed_by,
        dossier_status=Status(status) if status else None,
        dossier_receipt=receipt,
    )


class ProvinceQueries:
    """Mixed into SqlStore; relies on its session and helpers."""

    session: AsyncSession

    if TYPE_CHECKING:  # provided by SqlStore

        def _insert(self, table: Any) -> Any: ...
        async def _person(self, row: PersonRow) -> Person: ...

    def _proposals_with_dossier(self) -> Any:
        dossier = aliased(InitiativeRow)
        return select(ProvincialProposalRow, dossier.status, dossier.receipt_no).outerjoin(
            dossier, dossier.id == ProvincialProposalRow.dossier_id
        )

    async def claim_proposal(self, proposal: Proposal) -> bool:
        stmt = (
            self._insert(ProvincialProposalRow)
            .values(
                initiative_id=proposal.initiative_id,
                body_id=proposal.body_id,
                decision=proposal.decision[:200],
                proposed_by=proposal.proposed_by,
                proposed_at=proposal.proposed_at,
            )
            .on_conflict_do_nothing()
        )
        return bool((await self.session.execute(stmt)).rowcount)

    async def attach_dossier(self, initiative_id: int, dossier_id: int) -> None:
        await self.session.execute(
            update(ProvincialProposalRow)
            .where(ProvincialProposalRow.initiative_id == initiative_id)
            .values(dossier_id=dossier_id)
        )

    async def proposals(self, initiative_ids: Collection[int]) -> Mapping[int, Proposal]:
        if not initiative_ids:
            return {}
        stmt = self._proposals_with_dossier().where(ProvincialProposalRow.initiative_id.in_(list(initiative_ids)))
        rows = (await self.session.execute(stmt)).all()
        return {row.initiative_id: _proposal(row, status, receipt) for row, status, receipt in rows}

    async def proposal_of_dossier(self, dossier_id: int) -> Proposal | None:
        stmt = self._proposals_with_dossier().where(ProvincialProposalRow.dossier_id == dossier_id)
        found = (await self.session.execute(stmt)).first()
        return _proposal(*found) if found else None

    async def people_with_role_in(self, role: Role, body_id: int) -> Sequence[Person]:
        rows = (
            await self.session.execute(
                select(PersonRow)
                .join(RoleGrantRow, RoleGrantRow.person_id == PersonRow.id)
                .where(RoleGrantRow.role == role.value, RoleGrantRow.body_id == body_id)
                .order_by(PersonRow.id)
                .distinct()
            )
        ).scalars()
        return [await self._person(row) for row in rows]

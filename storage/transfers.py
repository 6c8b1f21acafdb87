"""SqlStore's part for transfers and recognition decisions (handlers.review.transfer_store.TransferStore)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from handlers.review.transfer_store import Decision, Transfer
from storage.models import RecognitionDecisionRow, TransferRow

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class TransferQueries:
    """Mixed into SqlStore; relies on its session."""

    session: AsyncSession

    async def add_transfer(self, transfer: Transfer, by_person_id: int) -> None:
        self.session.add(
            TransferRow(
                initiative_id=transfer.initiative_id,
                recipient=transfer.recipient,
                transferred_on=transfer.on,
                agreement=transfer.agreement,
                recorded_by=by_person_id,
                recorded_at=transfer.recorded_at,
            )
        )
        await self.session.flush()

    async def transfers(self, initiative_ids: Collection[int] | None = None) -> Sequence[Transfer]:
        stmt: Any = select(TransferRow).order_by(TransferRow.transferred_on, TransferRow.id)
        if initiative_ids is not None:
            stmt = stmt.where(TransferRow.initiative_id.in_(list(initiative_ids)))  # type: ignore[attr-defined]
        rows = (await self.session.execute(stmt)).scalars().all()
        return [
            Transfer(r.initiative_id, r.recipient, r.transferred_on, r.agreement, _aware(r.recorded_at)) for r in rows
        ]

    async def set_decision(self, decision: Decision, by_person_id: int, now: datetime) -> None:
        row = await self.session.get(RecognitionDecisionRow, decision.round_id)
        if row is None:
            row = RecognitionDecisionRow(round_id=decision.round_id, number="", signed_on=decision.signed_on)
            self.session.add(row)
        row.number, row.signed_on, row.recorded_by, row.recorded_at = (
            decision.number,
            decision.signed_on,
            by_person_id,
            now,
        )
        await self.session.flush()

    async def decisions(self) -> Mapping[int, Decision]:
        rows = (await self.session.execute(select(RecognitionDecisionRow))).scalars().all()
        return {r.round_id: Decision(r.round_id, r.number, r.signed_on) for r in rows}

"""Which person records may be claimed: seeded ones nobody is linked to yet (see handlers/identity/flow.py)."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import IdentityRow, PersonRow


def _unclaimed() -> object:
    return ~exists(select(IdentityRow.id).where(IdentityRow.person_id == PersonRow.id))


class IdentityQueries:
    session: AsyncSession

    async def claimable_by_phone(self, phone: str) -> int | None:
        """The seeded record with this phone that no account is linked to yet (the oldest, if several)."""
        return (
            await self.session.execute(
                select(PersonRow.id)
                .where(PersonRow.phone == phone, PersonRow.seeded.is_(True), _unclaimed())  # type: ignore[attr-defined]
                .order_by(PersonRow.id)
                .limit(1)
            )
        ).scalar_one_or_none()

    async def is_claimed(self, person_id: int) -> bool:
        found = await self.session.execute(select(IdentityRow.id).where(IdentityRow.person_id == person_id).limit(1))
        return found.scalar_one_or_none() is not None

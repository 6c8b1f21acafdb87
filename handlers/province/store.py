"""What provincial-scope recognition needs from storage (storage/province.py implements it), and its record."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from handlers.domain import Person, Role, Status


@dataclass(frozen=True)
class Proposal:
    """A base body's recognised initiative proposed to the province; ``dossier_id`` is the copy filed there."""

    initiative_id: int
    body_id: int
    proposed_at: datetime
    dossier_id: int | None = None
    decision: str = ""
    proposed_by: int | None = None
    # The dossier's status and receipt number (None until it is filed).
    dossier_status: Status | None = None
    dossier_receipt: str | None = None


class ProvinceStore(Protocol):
    async def claim_proposal(self, proposal: Proposal) -> bool:
        """Record the proposal; False when the initiative was proposed already (by anyone)."""
        ...

    async def attach_dossier(self, initiative_id: int, dossier_id: int) -> None: ...
    async def proposals(self, initiative_ids: Collection[int]) -> Mapping[int, Proposal]:
        """The proposals of these initiatives, by the proposed (origin) initiative's id."""
        ...

    async def proposal_of_dossier(self, dossier_id: int) -> Proposal | None: ...
    async def people_with_role_in(self, role: Role, body_id: int) -> Sequence[Person]:
        """Who holds ``role`` in ``body_id``, whatever body this unit of work is scoped to."""
        ...

"""What the duplicate check needs from storage (storage/duplicates.py implements it), and its records.

Index ids: the duplicate index (``similarity``) keys every document by one integer. A filed initiative is
indexed under its own id (always positive); an older initiative imported from a list (``scripts/bot
import-old``) under its ``legacy_initiative`` id negated, so the two can never collide and a flag's
``match_id`` says by its sign which table it points into."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from similarity import Match


def legacy_doc_id(legacy_id: int) -> int:
    return -legacy_id


def legacy_id_of(doc_id: int) -> int | None:
    """The imported initiative's id when ``doc_id`` names one, else None (it is an initiative id)."""
    return -doc_id if doc_id < 0 else None


@dataclass(frozen=True)
class LegacyInitiative:
    """An initiative from before the bot, imported from a spreadsheet so new ones are checked against it."""

    id: int
    year: int
    unit: str
    title: str
    description: str
    code: str = ""


@dataclass(frozen=True)
class SimilarityFlag:
    """A near match found when ``initiative_id`` was (re)submitted: ``match_id`` is an index id (see above)."""

    initiative_id: int
    match_id: int
    score: float
    checked_at: datetime


class DuplicateStore(Protocol):
    async def similar(
        self, title: str, text: str, *, exclude: int | None, threshold: float, top_k: int
    ) -> Sequence[Match]:
        """Filed and imported initiatives most like this title and description, best first (one round trip)."""
        ...

    async def index_initiative(self, initiative_id: int, title: str, text: str) -> None:
        """Index a filed initiative, replacing what was indexed for it before (a resubmission)."""
        ...

    async def replace_similarity_flags(self, initiative_id: int, matches: Sequence[Match], now: datetime) -> None: ...

    async def similarity_flags(self, initiative_ids: Collection[int]) -> Sequence[SimilarityFlag]:
        """Flags raised on these initiatives, and flags other initiatives raised against them."""
        ...

    async def round_similarity_flags(self, round_id: int) -> Sequence[SimilarityFlag]:
        """Every flag with an initiative of the round on either side."""
        ...

    async def legacy_initiatives(self, ids: Collection[int]) -> Mapping[int, LegacyInitiative]: ...
    async def legacy_by_code(self, code: str) -> LegacyInitiative | None: ...

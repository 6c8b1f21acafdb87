"""What the review flows need from storage (storage/review.py implements it), and its records."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from handlers.domain import Initiative, Status, StatusChange
from handlers.results import Rules


@dataclass(frozen=True)
class Seat:
    """A council member of a round, with the fields of application they cover (empty: any field)."""

    round_id: int
    person_id: int
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assignment:
    initiative_id: int
    person_id: int
    assigned_at: datetime


@dataclass(frozen=True)
class ScoreSheet:
    """One member's scores for one initiative (criterion code → points), submitted and revisable."""

    initiative_id: int
    person_id: int
    scores: dict[str, Decimal]
    comment: str
    submitted_at: datetime
    revision: int = 1


@dataclass(frozen=True)
class RoundReview:
    round_id: int
    scoring_closed_at: datetime | None = None
    published_at: datetime | None = None

    @property
    def scoring_open(self) -> bool:
        return self.scoring_closed_at is None and self.published_at is None


@dataclass(frozen=True)
class Snapshot:
    """The data of an initiative exactly as it was submitted, once per (re)submission."""

    initiative_id: int
    version: int
    data: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class PublishedResult:
    initiative_id: int
    round_id: int
    year: int
    rank: int
    mean: Decimal
    criterion_means: dict[str, Decimal]
    grade: str
    prize: int
    recognised: bool
    published_at: datetime
    members: int = 0


class ReviewStore(Protocol):
    async def review_rules(self, year: int) -> Rules | None:
        """The campaign year's rules, or None when it uses the defaults."""
        ...

    async def set_review_rules(self, year: int, rules: Rules) -> None: ...
    async def initiative_by_receipt(self, receipt_no: str) -> Initiative | None: ...
    async def round_initiatives(self, round_id: int, statuses: Collection[Status]) -> Sequence[Initiative]: ...
    async def status_history(self, initiative_id: int) -> Sequence[StatusChange]: ...
    async def snapshots(self, initiative_id: int) -> Sequence[Snapshot]: ...

    async def seats(self, round_id: int) -> Sequence[Seat]: ...
    async def seat_member(self, round_id: int, person_id: int, fields: Sequence[str]) -> None: ...
    async def unseat_member(self, round_id: int, person_id: int) -> bool: ...
    async def assignments(
        self, *, initiative_ids: Collection[int] | None = None, person_id: int | None = None
    ) -> Sequence[Assignment]: ...
    async def assign(self, initiative_id: int, person_id: int, now: datetime) -> bool:
        """False when the member was assigned already."""
        ...

    async def unassign(self, initiative_id: int, person_id: int) -> bool: ...
    async def score_sheets(self, initiative_ids: Collection[int]) -> Sequence[ScoreSheet]: ...
    async def save_score_sheet(self, sheet: ScoreSheet) -> ScoreSheet:
        """Insert or revise the member's sheet; the stored revision number is returned."""
        ...

    async def has_scores(self, year: int) -> bool: ...
    async def round_review(self, round_id: int) -> RoundReview: ...
    async def set_scoring_closed(self, round_id: int, closed_at: datetime | None) -> None: ...
    async def mark_published(self, round_id: int, now: datetime, by_person_id: int) -> bool:
        """Record the publication; False when the round was published already (by someone else)."""
        ...

    async def save_result(self, result: PublishedResult) -> None: ...
    async def published_results(
        self, *, year: int | None = None, round_id: int | None = None
    ) -> Sequence[PublishedResult]: ...

"""What the suggestion flows need from storage (storage/suggestion_repository.py implements it; flows reach
it as ``ctx.store.suggestions``, inside the same unit of work as everything else)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from handlers.domain import Person, Role
from handlers.suggestions.rules import (
    NewSuggestion,
    SealedSender,
    Suggestion,
    SuggestionEvent,
    SuggestionStatus,
)


class SuggestionStore(Protocol):
    async def next_seq(self, year: int) -> int:
        """Atomic per-year counter for tracking codes: concurrent senders never share one."""
        ...

    async def create(self, new: NewSuggestion, sender: SealedSender | None, event: SuggestionEvent) -> Suggestion: ...
    async def get(self, suggestion_id: int) -> Suggestion | None: ...
    async def by_code(self, code: str) -> Suggestion | None: ...
    async def many(self, ids: Collection[int]) -> Sequence[Suggestion]: ...
    async def of_person(self, person_id: int) -> Sequence[Suggestion]:
        """The suggestions a person sent under their name (anonymous ones are found through the seals)."""
        ...

    async def count_named_since(self, person_id: int, since: datetime) -> int: ...
    async def sealed_senders(self, created_since: datetime | None = None) -> Sequence[tuple[int, SealedSender]]:
        """(suggestion id, seal) of every anonymous suggestion, optionally only those created since a time."""
        ...

    async def sealed_sender(self, suggestion_id: int) -> SealedSender | None: ...
    async def in_statuses(
        self, statuses: Collection[SuggestionStatus], unit_id: int | None = None
    ) -> Sequence[Suggestion]: ...
    async def recent(self, limit: int) -> Sequence[Suggestion]: ...
    async def published(self) -> Sequence[Suggestion]:
        """Answered suggestions whose sender agreed to publication and that are not hidden, newest first."""
        ...

    async def save(self, suggestion: Suggestion, event: SuggestionEvent) -> Suggestion:
        """Write the changed suggestion and its history line; StaleSuggestion if someone saved it meanwhile."""
        ...

    async def events(self, suggestion_id: int) -> Sequence[SuggestionEvent]: ...
    async def people_with_role(self, role: Role, unit_id: int | None = None) -> Sequence[Person]:
        """People granted exactly this role (optionally in one unit)."""
        ...

    async def attachment_file(self, attachment_id: int) -> tuple[str, str, str] | None:
        """(file name, MIME type, file store key)."""
        ...

    async def rename_attachment(self, attachment_id: int, file_name: str) -> None: ...
    async def scrub_delivered_notices(self, kind: str) -> int:
        """Forget the recipient and text of notices of this kind once they were sent or dropped."""
        ...

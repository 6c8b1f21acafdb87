"""The repository the flows speak to, as a protocol. One instance is one unit of work: everything a
single inbound event changes is committed together or not at all (storage/ implements it)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from handlers.campaign import CampaignStore
from handlers.domain import (
    Body,
    BodyLevel,
    Conversation,
    Identity,
    Initiative,
    Person,
    Role,
    Round,
    Sector,
    Status,
    Unit,
)
from handlers.province.store import ProvinceStore
from handlers.reports.store import ReportStore
from handlers.review.duplicate_store import DuplicateStore
from handlers.review.store import ReviewStore
from handlers.review.transfer_store import TransferStore
from handlers.suggestions.store import SuggestionStore


class StaleConversation(Exception):
    """Another writer saved this conversation first; the event is replayed on fresh state."""


class Store(CampaignStore, ReviewStore, DuplicateStore, TransferStore, ProvinceStore, ReportStore, Protocol):
    # recognising bodies: one unit of work sees one body (``body_id``), or every body when None
    body_id: int | None

    def scope_to(self, body_id: int | None) -> None: ...
    async def bodies(self) -> Sequence[Body]: ...
    async def body(self, body_id: int) -> Body | None: ...
    async def body_by_code(self, code: str) -> Body | None: ...
    async def province(self) -> Body | None: ...
    async def upsert_body(self, code: str, name: str, level: BodyLevel, parent_id: int | None) -> Body: ...
    async def set_acting_body(self, person_id: int, body_id: int | None) -> None: ...
    async def role_bodies(self, person_id: int) -> Sequence[tuple[Body, frozenset[Role]]]: ...
    async def default_body_id(self) -> int: ...

    # events and identities
    async def claim_event(self, channel: str, event_id: str) -> bool: ...
    async def identity(self, channel: str, external_id: str) -> Identity: ...
    async def load_actor(self, channel: str, external_id: str) -> tuple[Identity, Person | None, Conversation]: ...
    async def link_identity(self, identity_id: int, person_id: int) -> None: ...
    async def create_link_code(self, code_hash: str, person_id: int, expires_at: datetime) -> None: ...
    async def consume_link_code(self, code_hash: str, now: datetime) -> int | None: ...
    async def code_failures(self, identity_id: int, since: datetime) -> tuple[int, int]: ...
    async def record_code_failure(self, identity_id: int, at: datetime) -> None: ...
    async def claimable_by_phone(self, phone: str) -> int | None: ...
    async def is_claimed(self, person_id: int) -> bool: ...
    async def identities_of(self, person_id: int) -> Sequence[Identity]: ...

    # conversation state
    async def load_conversation(self, identity_id: int) -> Conversation: ...
    async def save_conversation(self, conversation: Conversation) -> None: ...

    # units and people
    async def units(self, *, every_body: bool = False) -> Sequence[Unit]: ...
    async def unit(self, unit_id: int) -> Unit | None: ...
    async def person(self, person_id: int) -> Person | None: ...
    async def vouched_person_by_phone(self, phone: str) -> Person | None:
        """The person with this phone when someone vouches for it: the seed file's (the unit's list) or one its
        owner proved (``verify_phone``, ``phone_proven``); a phone only typed, even on a seeded record, is not."""
        ...

    async def create_person(
        self, full_name: str, unit_id: int, position: str, phone: str | None, *, phone_proven: bool = False
    ) -> Person: ...
    async def update_person(
        self,
        person_id: int,
        *,
        full_name: str,
        unit_id: int,
        position: str,
        phone: str | None,
        phone_proven: bool = False,
    ) -> Person:
        """A changed phone is unproven again unless ``phone_proven``."""
        ...

    async def people_named_or_phoned(self, names: Collection[str], phones: Collection[str]) -> Sequence[int]:
        """Ids of the people whose name is one of ``names`` (as written) or whose phone one of ``phones``."""
        ...

    async def verify_phone(self, person_id: int, phone: str) -> bool:
        """Mark the person's phone proven when it is ``phone``; False when it is another."""
        ...

    async def grant_role(self, person_id: int, role: Role, body_id: int | None = None) -> None: ...
    async def revoke_role(self, person_id: int, role: Role, body_id: int | None = None) -> bool:
        """The role in ``body_id`` (default: the body in scope) — admin, which holds in every body, everywhere.
        False when the person did not hold it there."""
        ...

    # campaign
    async def rounds(self, *, every_body: bool = False) -> Sequence[Round]: ...
    async def ensure_campaign(self, year: int, rounds: Sequence[tuple[int, str, date, frozenset[Sector]]]) -> None: ...

    # initiatives
    async def create_initiative(
        self, person_id: int, data: dict[str, Any], now: datetime, body_id: int | None = None
    ) -> Initiative: ...
    async def initiative(self, initiative_id: int) -> Initiative | None: ...
    async def save_initiative_data(self, initiative_id: int, data: dict[str, Any], now: datetime) -> None: ...
    async def initiatives_of(self, person_id: int) -> Sequence[Initiative]: ...
    async def delete_draft(self, initiative_id: int) -> None: ...
    async def next_receipt_seq(self, year: int) -> int: ...
    async def change_status(
        self,
        initiative: Initiative,
        new: Status,
        *,
        now: datetime,
        by_person_id: int | None,
        reason: str = "",
        receipt_no: str | None = None,
        round_id: int | None = None,
    ) -> Initiative: ...

    # notices (reminders and notifications), sent exactly once by the scheduler's sweeper
    async def enqueue_notice(
        self,
        key: str,
        *,
        kind: str,
        text: str,
        due_at: datetime,
        person_id: int | None = None,
        identity_id: int | None = None,
        expires_at: datetime | None = None,
        essential: bool = False,
    ) -> bool:
        """Queue a message; False when a notice with this key already exists (nothing changes)."""
        ...

    # attachments
    async def add_attachment(
        self, owner_person_id: int, file_name: str, mime_type: str, size: int, storage_key: str, now: datetime
    ) -> int: ...

    # suggestions (hiến kế), in the same unit of work
    @property
    def suggestions(self) -> SuggestionStore: ...


class FileStore(Protocol):
    async def put(self, content: bytes) -> str: ...
    async def get(self, key: str) -> bytes: ...

"""What the sweeper needs from the outside: a Sender per channel (bot/senders.py adapts each channel) and
the notice queue in the database (storage/notices.py)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from handlers.reminders import Missed
from handlers.types import Reply


class SendError(Exception):
    """Base of the neutral errors a Sender raises."""


class Unreachable(SendError):
    """The user cannot be reached on this channel (blocked the bot, never started it): do not retry."""


class RetryLater(SendError):
    """The platform asks to slow down or is unavailable; try again after ``after_seconds``. With ``backoff`` (the
    call failed on the way, and the network may be back any moment), an answer someone is waiting for is tried
    again sooner: after 2, 4, 8, … s by attempt, up to ``after_seconds``."""

    def __init__(self, after_seconds: float, message: str = "", *, backoff: bool = False) -> None:
        super().__init__(message or f"retry after {after_seconds:g} s")
        self.after_seconds = after_seconds
        self.backoff = backoff

    def wait(self, attempt: int) -> float:
        """Seconds before trying an answer again after its ``attempt``-th try (1 for the first)."""
        return min(self.after_seconds, 2.0 ** max(attempt, 1)) if self.backoff else self.after_seconds


class Rejected(SendError):
    """The platform refused this message for good (malformed, too long, ...): do not retry."""


class Sender(Protocol):
    """Sends one reply to one user of one channel; raises the errors above, nothing platform-specific."""

    @property
    def channels(self) -> frozenset[str]: ...

    async def send(self, channel: str, user_id: str, reply: Reply) -> None: ...


@dataclass(frozen=True)
class Address:
    identity_id: int
    channel: str
    user_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.user_id}"


@dataclass(frozen=True)
class ClaimedNotice:
    id: int
    key: str
    kind: str
    text: str
    person_id: int | None
    essential: bool
    attempts: int
    subject: str
    expires_at: datetime | None
    # Where it can go: reachable identities, most recently active first.
    addresses: tuple[Address, ...] = ()
    muted: bool = False


class NoticeQueue(Protocol):
    async def claim(self, worker: str, now: datetime, limit: int, lease: timedelta) -> list[ClaimedNotice]:
        """Atomically take up to ``limit`` due notices (and ones whose lease ran out); expired ones are dropped."""
        ...

    async def finish(
        self, notice_id: int, worker: str, status: str, now: datetime, *, sent_to: str | None = None, error: str = ""
    ) -> bool:
        """Settle a claimed notice (sent, unreachable, muted, failed); False if the lease was lost meanwhile."""
        ...

    async def retry(self, notice_id: int, worker: str, at: datetime, error: str, *, counts: bool = True) -> None:
        """Back to pending until ``at``; a wait that ``counts`` not (a flood wait, a busy chat) gives back the
        attempt its claim took, so waiting never uses up the tries a real failure has."""
        ...

    async def mark_unreachable(self, identity_id: int, now: datetime) -> None: ...
    async def in_conversation(self, address: Address, now: datetime, quiet: timedelta) -> bool:
        """Whether the bot is answering this chat right now: a reply not yet sent, or one sent within ``quiet``."""
        ...

    async def missed(
        self, kinds: Collection[str], now: datetime, since: datetime, reported_prefix: str
    ) -> list[Missed]:
        """Notices of ``kinds`` that expired unsent and are not reported yet (see storage.notices)."""
        ...

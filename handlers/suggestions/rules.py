"""Suggestions (hiến kế): the records, their settings, the one table of allowed status changes, and the
pure date arithmetic of due dates and reminders. No I/O here; ``FlowConfig.suggestions`` carries the settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_TOPICS: tuple[str, ...] = (
    "Cải cách hành chính",
    "Chuyển đổi số",
    "Điều kiện làm việc",
    "Khác",
)


@dataclass(frozen=True)
class SuggestionConfig:
    # Key material that seals the link from an anonymous suggestion to its sender. It must stay the same
    # across restarts and must never be stored in the database; the default suits a single test process.
    secret: bytes = field(default_factory=lambda: os.urandom(32), repr=False)
    topics: tuple[str, ...] = DEFAULT_TOPICS
    due_days: int = 15
    clarification_due_days: int = 7
    remind_days_before: tuple[int, ...] = (3, 1)
    overdue_repeat_days: int = 7
    remind_at: time = time(8, 0)
    daily_limit: int = 5
    min_length: int = 20
    max_length: int = 3000
    answer_max_length: int = 3000
    max_files: int = 5


class SuggestionStatus(StrEnum):
    NEW = "new"  # waiting for the secretariat
    FORWARDED = "forwarded"  # with a unit, whose head answers
    ANSWERED = "answered"
    CLARIFY = "clarify"  # the sender asked (once) for clarification of the answer
    CLOSED = "closed"  # closed with a reason, without an answer


OPEN: frozenset[SuggestionStatus] = frozenset(
    {SuggestionStatus.NEW, SuggestionStatus.FORWARDED, SuggestionStatus.CLARIFY}
)

# Every allowed status change of a suggestion; nothing else may move one between states.
TRANSITIONS: dict[SuggestionStatus, frozenset[SuggestionStatus]] = {
    SuggestionStatus.NEW: frozenset({SuggestionStatus.FORWARDED, SuggestionStatus.ANSWERED, SuggestionStatus.CLOSED}),
    SuggestionStatus.FORWARDED: frozenset(
        {SuggestionStatus.FORWARDED, SuggestionStatus.NEW, SuggestionStatus.ANSWERED, SuggestionStatus.CLOSED}
    ),
    SuggestionStatus.ANSWERED: frozenset({SuggestionStatus.CLARIFY}),
    SuggestionStatus.CLARIFY: frozenset({SuggestionStatus.ANSWERED, SuggestionStatus.CLOSED}),
    SuggestionStatus.CLOSED: frozenset(),
}


class InvalidSuggestionTransition(Exception):
    def __init__(self, current: SuggestionStatus, new: SuggestionStatus) -> None:
        super().__init__(f"{current} -> {new} is not allowed")


class StaleSuggestion(Exception):
    """Someone else changed the suggestion since it was read; nothing was written."""


def check_transition(current: SuggestionStatus, new: SuggestionStatus) -> None:
    if new not in TRANSITIONS[current]:
        raise InvalidSuggestionTransition(current, new)


@dataclass
class Suggestion:
    id: int
    code: str
    topic: str
    content: str
    anonymous: bool
    publishable: bool
    # None for an anonymous suggestion: its sender is known only through the sealed link.
    person_id: int | None
    status: SuggestionStatus
    created_at: datetime
    due_on: date
    # Since when the current handler (secretariat or a unit) has had it: no reminder for moments before.
    handler_since: datetime
    attachments: list[dict[str, Any]] = field(default_factory=list)
    assigned_unit_id: int | None = None
    answer: str = ""
    answered_at: datetime | None = None
    answered_by_person_id: int | None = None
    answered_by_unit_id: int | None = None
    clarification: str = ""
    clarification_answer: str = ""
    close_reason: str = ""
    hidden: bool = False
    hidden_reason: str = ""
    rating: int | None = None
    initiative_id: int | None = None
    version: int = 0
    # The recognising body it was sent to (the sender's acting body): only that body's desk handles it.
    body_id: int | None = None

    @property
    def headline(self) -> str:
        return headline(self.content)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def can_clarify(self) -> bool:
        return self.status == SuggestionStatus.ANSWERED and not self.clarification

    @property
    def can_rate(self) -> bool:
        return self.status == SuggestionStatus.ANSWERED and self.rating is None


@dataclass(frozen=True)
class NewSuggestion:
    code: str
    topic: str
    content: str
    attachments: list[dict[str, Any]]
    anonymous: bool
    publishable: bool
    person_id: int | None
    created_at: datetime
    due_on: date


@dataclass(frozen=True)
class SealedSender:
    """What the database holds of an anonymous suggestion's sender: nothing readable without the key."""

    nonce: str
    tag: str
    seal: str


@dataclass(frozen=True)
class SuggestionEvent:
    action: str
    at: datetime
    by_person_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class PublicSuggestion:
    """One entry of the idea bank, as anyone may see it: never who sent it."""

    code: str
    topic: str
    content: str
    answer: str
    answered_by: str
    answered_on: date | None
    clarification: str = ""
    clarification_answer: str = ""


def suggestion_code(year: int, seq: int) -> str:
    return f"HK-{year}-{seq:04d}"


def headline(content: str, limit: int = 60) -> str:
    first = content.strip().split("\n", 1)[0].strip()
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def start_of_local_day(moment: datetime, tz: ZoneInfo) -> datetime:
    """The sender's own actions on an anonymous suggestion are stored at this precision only, so their
    time cannot be matched against the moments the sender was active in the bot."""
    local = moment.astimezone(tz)
    return datetime.combine(local.date(), time(0, 0), tzinfo=tz).astimezone(UTC)


def due_date(start: datetime, days: int, tz: ZoneInfo) -> date:
    return start.astimezone(tz).date() + timedelta(days=days)


def overdue_from(due_on: date, tz: ZoneInfo) -> datetime:
    """A suggestion due on 18/03 is overdue from 00:00 on 19/03, local time."""
    return datetime.combine(due_on + timedelta(days=1), time(0, 0), tzinfo=tz)


def before_due_moment(due_on: date, days: tuple[int, ...], at: time, now: datetime, tz: ZoneInfo) -> int | None:
    """Of the reminders ``days`` before the due date (at ``at`` local), the latest that has come by ``now``
    while the suggestion is not yet overdue; None if none has. After downtime only the latest is sent."""
    if now >= overdue_from(due_on, tz):
        return None
    come = [d for d in days if datetime.combine(due_on - timedelta(days=d), at, tzinfo=tz) <= now]
    return min(come) if come else None


def moment_of(due_on: date, days_before: int, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(due_on - timedelta(days=days_before), at, tzinfo=tz)


def overdue_round(due_on: date, repeat_days: int, at: time, now: datetime, tz: ZoneInfo) -> int | None:
    """Which overdue reminder is the latest to have come: 0 on the morning after the due date, then one
    every ``repeat_days``; None while not yet overdue."""
    first = datetime.combine(due_on + timedelta(days=1), at, tzinfo=tz)
    if now < first:
        return None
    return (now - first).days // max(repeat_days, 1)

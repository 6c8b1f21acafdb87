"""Domain records and rules shared by flows and storage: roles, sectors, statuses and the one place
that decides which status changes are allowed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Sector(StrEnum):
    EDUCATION = "education"
    OTHER = "other"


class Role(StrEnum):
    STAFF = "staff"
    UNIT_HEAD = "unit_head"
    SECRETARIAT = "secretariat"
    COUNCIL = "council"
    # The head of a recognising body: confirms the body's reports to the province.
    BODY_HEAD = "body_head"
    # The Department of Science and Technology: the province overview of every body.
    PROVINCE_OFFICE = "province_office"
    ADMIN = "admin"


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    AMEND_REQUESTED = "amend_requested"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    RECOGNISED = "recognised"
    NOT_RECOGNISED = "not_recognised"


# Every allowed status change. Nothing else in the code base may move an initiative between states.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset({Status.ACCEPTED, Status.AMEND_REQUESTED, Status.REFUSED, Status.WITHDRAWN}),
    Status.AMEND_REQUESTED: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.ACCEPTED: frozenset({Status.RECOGNISED, Status.NOT_RECOGNISED}),
    Status.REFUSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.RECOGNISED: frozenset(),
    Status.NOT_RECOGNISED: frozenset(),
}


class InvalidTransition(Exception):
    def __init__(self, current: Status, new: Status) -> None:
        super().__init__(f"{current} -> {new} is not allowed")
        self.current = current
        self.new = new


def check_transition(current: Status, new: Status) -> None:
    if new not in TRANSITIONS[current]:
        raise InvalidTransition(current, new)


def can_withdraw(status: Status) -> bool:
    return Status.WITHDRAWN in TRANSITIONS[status]


class LatePolicy(StrEnum):
    REFUSE = "refuse"
    NEXT_ROUND = "next_round"


class BodyLevel(StrEnum):
    BASE = "base"  # recognises initiatives of its own units (cấp cơ sở)
    PROVINCE = "province"  # recognises initiatives of provincial scope (cấp tỉnh)


@dataclass(frozen=True)
class Body:
    """A recognising body: its units, secretariat, council, campaigns, rubric and public list are its own."""

    id: int
    code: str
    name: str
    level: BodyLevel = BodyLevel.BASE
    parent_id: int | None = None

    @property
    def provincial(self) -> bool:
        return self.level == BodyLevel.PROVINCE


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    name: str
    sector: Sector
    body_id: int | None = None


@dataclass(frozen=True)
class Person:
    id: int
    full_name: str
    unit_id: int | None
    position: str
    phone: str | None
    # Roles held in ``body_id``: the body this person acts in (their unit's, or one chosen with /coquan).
    roles: frozenset[Role] = frozenset()
    body_id: int | None = None
    home_body_id: int | None = None

    def has(self, role: Role) -> bool:
        return role in self.roles or Role.ADMIN in self.roles


@dataclass(frozen=True)
class Identity:
    id: int
    channel: str
    external_id: str
    person_id: int | None


@dataclass
class Conversation:
    """Which flow a user is in and where; ``version`` guards against two writers at once."""

    identity_id: int
    flow: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    version: int = 0


@dataclass(frozen=True)
class Round:
    id: int
    year: int
    number: int
    name: str
    deadline: date
    sectors: frozenset[Sector]
    closed: bool = False
    body_id: int | None = None

    def accepts(self, sector: Sector) -> bool:
        return sector in self.sectors


# In a provincial-scope dossier's data: {"initiative_id", "receipt", "body_id", "body", "decision"} of its origin.
ORIGIN_KEY = "provincial_origin"


def origin_of(data: dict[str, Any]) -> int | None:
    origin = data.get(ORIGIN_KEY)
    return int(origin["initiative_id"]) if isinstance(origin, dict) and origin.get("initiative_id") else None


# In an initiative's data: the people who bore an author's or co-author's name or phone when it was filed. They
# stay unfit to score it (handlers.review.rules.conflict) whatever name or phone they type later.
CONFLICTED_PEOPLE = "conflicted_person_ids"


@dataclass
class Initiative:
    id: int
    person_id: int
    status: Status
    data: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    receipt_no: str | None = None
    round_id: int | None = None
    submitted_at: datetime | None = None
    body_id: int | None = None

    @property
    def title(self) -> str:
        return str(self.data.get("title") or "")

    @property
    def origin_id(self) -> int | None:
        """For a provincial-scope dossier (handlers/province): the base body's initiative it was copied from."""
        return origin_of(self.data)


@dataclass(frozen=True)
class StatusChange:
    initiative_id: int
    old: Status | None
    new: Status
    at: datetime
    by_person_id: int | None
    reason: str = ""


def receipt_number(year: int, seq: int) -> str:
    return f"SK-{year}-{seq:04d}"

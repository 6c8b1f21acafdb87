"""Campaigns as data (rounds, reminder plan, quotas), the notices the scheduler sends, what the store
offers for them, and the pure arithmetic of reminder moments."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from handlers.domain import Initiative, Person, Role, Round, Sector, Status

DEFAULT_REMINDER_DAYS: tuple[int, ...] = (14, 7, 3, 1, 0)
DEFAULT_SEND_TIME = time(8, 0)
ADMIN_REFORM_FIELD = "admin_reform"
# What counts towards a unit's yearly quota: everything filed except what was refused or withdrawn.
COUNTED: frozenset[Status] = frozenset(
    {Status.SUBMITTED, Status.ACCEPTED, Status.AMEND_REQUESTED, Status.RECOGNISED, Status.NOT_RECOGNISED}
)


@dataclass(frozen=True)
class Campaign:
    id: int
    year: int
    rounds: tuple[Round, ...] = ()
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS
    send_time: time = DEFAULT_SEND_TIME
    list_due: date | None = None
    unit_quota: int = 1
    admin_reform_target: int = 5
    body_id: int | None = None

    @property
    def list_deadline(self) -> date:
        """The yearly list of recognised initiatives goes to the province by this day."""
        return self.list_due or date(self.year, 12, 31)

    @property
    def list_subject(self) -> str:
        """What the yearly-list reminders are about. The first body keeps the key it had before bodies
        existed, so an upgraded deployment never plans the same reminder twice."""
        return f"list:{self.year}" if self.body_id in (None, 1) else f"list:{self.year}:b{self.body_id}"


@dataclass(frozen=True)
class NoticeSpec:
    """One message to one person, as the planner or a status change wants it queued.

    ``key`` is unique (recipient, subject, kind, due time): queuing the same notice twice keeps one row.
    ``subject``/``subject_version`` ("round:3", its deadline) let stale pending notices be cancelled."""

    key: str
    kind: str
    text: str
    due_at: datetime
    person_id: int | None = None
    identity_id: int | None = None
    expires_at: datetime | None = None
    essential: bool = False
    subject: str = ""
    subject_version: str = ""


@dataclass(frozen=True)
class UnitTally:
    """A unit's initiatives filed in one campaign year."""

    unit_id: int
    counted: int = 0
    admin_reform: int = 0
    recognised: int = 0
    initiatives: tuple[Initiative, ...] = field(default=(), compare=False)


class CampaignStore(Protocol):
    """Store methods for campaigns, reminders and notices (storage/campaigns.py implements them)."""

    async def campaigns(self) -> Sequence[Campaign]: ...
    async def create_campaign(self, template: Campaign) -> bool:
        """Create the campaign and its rounds from ``template`` (ids ignored); False if the year exists."""
        ...

    async def update_campaign_settings(
        self,
        year: int,
        *,
        reminder_days: Sequence[int] | None = None,
        send_time: time | None = None,
        list_due: date | None = None,
        unit_quota: int | None = None,
        admin_reform_target: int | None = None,
    ) -> None: ...
    async def set_round_deadline(self, round_id: int, deadline: date) -> None: ...
    async def set_round_closed(self, round_id: int, closed: bool) -> None: ...
    async def people_with_role(self, role: Role) -> Sequence[Person]:
        """People granted exactly this role (admins are not included unless granted it)."""
        ...

    async def people(self, ids: Collection[int]) -> dict[int, Person]: ...
    async def initiatives_in(self, statuses: Collection[Status]) -> Sequence[Initiative]: ...
    async def year_initiatives(self, year: int) -> Sequence[Initiative]:
        """Every initiative filed into a round of this campaign year (any status but draft)."""
        ...

    async def set_notices_muted(self, person_id: int, muted: bool) -> None: ...
    async def notices_muted(self, person_id: int) -> bool: ...
    async def enqueue(self, notice: NoticeSpec) -> bool:
        """Queue a notice; False when one with this key exists already (nothing changes)."""
        ...

    async def mark_planned(self, key: str, now: datetime) -> bool:
        """Record that a reminder moment was planned; False when it had been already."""
        ...

    async def forget_plans(self, prefix: str, keep_prefix: str | None) -> None:
        """Forget planned moments under ``prefix`` except those under ``keep_prefix``."""
        ...

    async def cancel_stale_notices(self, subject: str, keep_version: str | None) -> int:
        """Cancel pending notices of ``subject`` planned for another version (all of them when None)."""
        ...

    async def channel_usage(self, channel: str) -> Sequence[tuple[str, int]]:
        """(month "YYYY-MM", messages sent), newest month first."""
        ...


# --- reminder arithmetic ----------------------------------------------------------------------------------


def parse_days(text: str) -> tuple[int, ...]:
    """ "14,7,3,1,0" → (14, 7, 3, 1, 0); duplicates removed, largest first. ValueError on anything odd."""
    days = {int(part) for part in text.replace(";", ",").replace(" ", ",").split(",") if part.strip()}
    if not days or any(d < 0 or d > 366 for d in days):
        raise ValueError(text)
    return tuple(sorted(days, reverse=True))


def format_days(days: Iterable[int]) -> str:
    return ",".join(str(d) for d in sorted(set(days), reverse=True))


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz)


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The first instant after ``day`` in local time: a deadline "20/4" is open until then."""
    return start_of_day(day + timedelta(days=1), tz)


def reminder_moments(deadline: date, days: Iterable[int], at: time, tz: ZoneInfo) -> list[tuple[int, datetime]]:
    """(days before, local moment) for each reminder before ``deadline``, earliest first."""
    moments = {(d, datetime.combine(deadline - timedelta(days=d), at, tzinfo=tz)) for d in days}
    return sorted(moments, key=lambda m: m[1])


def latest_due(moments: Sequence[tuple[int, datetime]], now: datetime) -> tuple[int, datetime] | None:
    """The most recent moment at or before ``now``: after downtime only the latest missed one is sent."""
    due = [m for m in moments if m[1] <= now]
    return due[-1] if due else None


def days_left(deadline: date, today: date) -> int:
    return (deadline - today).days


def next_round(rounds: Iterable[Round], sector: Sector, today: date) -> Round | None:
    """The open round a submission of this sector would be filed into today."""
    candidates = [r for r in rounds if r.accepts(sector) and not r.closed and r.deadline >= today]
    return min(candidates, key=lambda r: (r.deadline, r.number), default=None)


def tally(initiatives: Iterable[Initiative], authors: dict[int, Person]) -> dict[int, UnitTally]:
    """Counts per unit (of the author's current unit) of filed initiatives of one campaign year."""
    result: dict[int, list[Initiative]] = {}
    for initiative in initiatives:
        author = authors.get(initiative.person_id)
        if author is None or author.unit_id is None or initiative.status not in COUNTED:
            continue
        result.setdefault(author.unit_id, []).append(initiative)
    return {
        unit_id: UnitTally(
            unit_id=unit_id,
            counted=len(items),
            admin_reform=sum(1 for i in items if i.data.get("field") == ADMIN_REFORM_FIELD),
            recognised=sum(1 for i in items if i.status == Status.RECOGNISED),
            initiatives=tuple(items),
        )
        for unit_id, items in result.items()
    }

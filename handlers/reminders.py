"""The reminder planner: campaign data + the state of every initiative → notice rows with unique keys.

Each round has reminder moments (``Campaign.reminder_days`` before its deadline, at ``send_time`` local).
A planning pass looks only at the latest moment that has come (so a bot that was down sends the latest
missed reminder once, not every missed one), plans it once (``mark_planned`` in the same transaction as
the notices), and gives every notice ``expires_at`` = the end of the deadline day: what could not be sent
before the deadline is dropped, never sent late, and the secretariat is told once per deadline who was not
reminded (``report_missed``, run by the sweeper). Pending notices of a round whose deadline moved or that
was closed are cancelled first, so reminders follow the data.

Other features add reminders through ``ReminderSource`` (e.g. council members with scoring still due)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from handlers.campaign import (
    Campaign,
    NoticeSpec,
    UnitTally,
    days_left,
    end_of_day,
    latest_due,
    next_round,
    reminder_moments,
    tally,
)
from handlers.context import FlowConfig
from handlers.domain import Initiative, Person, Role, Round, Sector, Status, Unit
from handlers.parsing import format_date
from handlers.store import Store
from handlers.texts import admin as A
from handlers.texts import common as C
from handlers.texts import reminders as T

AUTHOR = "remind:author"
HEAD = "remind:unit_head"
SECRETARIAT = "remind:secretariat"
LIST_HEAD = "remind:list:unit_head"
LIST_SECRETARIAT = "remind:list:secretariat"


@dataclass(frozen=True)
class Moment:
    """One reminder moment being planned."""

    subject: str
    version: str
    deadline: date
    days_before: int
    at: datetime
    expires_at: datetime
    today: date

    def key(self, kind: str, person_id: int, extra: str = "") -> str:
        # Days before the deadline, not the clock time: moving the send hour does not repeat a reminder.
        return f"{kind}|p{person_id}|{self.subject}{extra}|{self.version}|d{self.days_before}"

    def notice(self, kind: str, person_id: int, text: str, *, essential: bool = False, extra: str = "") -> NoticeSpec:
        return NoticeSpec(
            key=self.key(kind, person_id, extra),
            kind=kind,
            text=text,
            due_at=self.at,
            person_id=person_id,
            expires_at=self.expires_at,
            essential=essential,
            subject=self.subject,
            subject_version=self.version,
        )

    @property
    def left(self) -> str:
        n = days_left(self.deadline, self.today)
        return T.LEFT_TODAY if n <= 0 else T.LEFT_DAYS.format(n=n)


class ReminderSource(Protocol):
    """A hook for reminders owned by another feature (council scoring due, dossiers to assign, ...).

    Called on every planning pass; return notices with stable keys (queuing one twice keeps one row) and an
    ``expires_at`` so that nothing is sent after it stops being true."""

    async def notices(self, store: Store, config: FlowConfig, now: datetime) -> Sequence[NoticeSpec]: ...


async def of_body(store: Store, body_id: int | None) -> str:
    """« của <body>» when the deployment has several recognising bodies, else nothing (T.OF_BODY)."""
    if body_id is None or len(await store.bodies()) < 2:
        return ""
    body = await store.body(body_id)
    return T.OF_BODY.format(body=body.name) if body else ""


async def retire_stale(store: Store, subject: str, keep: str | None) -> None:
    """Pending reminders of ``subject`` planned for another deadline than ``keep`` (all, when None: the round
    closed) are cancelled; the other versions' moments may be planned again should the deadline move back,
    and their cancelled notices then come back. Run by every planning pass and at once when a deadline moves."""
    if await store.cancel_stale_notices(subject, keep):
        await store.forget_plans(f"plan|p0|{subject}|", None if keep is None else f"plan|p0|{subject}|{keep}|")


def round_subject(round_id: int) -> str:
    return f"round:{round_id}"


class Planner:
    def __init__(self, config: FlowConfig, sources: Sequence[ReminderSource] = ()) -> None:
        self.config = config
        self.sources = list(sources)

    async def plan(self, store: Store, now: datetime) -> int:
        """One planning pass over every recognising body; returns how many notices were queued."""
        queued = 0
        for body in await store.bodies():
            store.scope_to(body.id)
            queued += await self._plan_body(store, now)
        store.scope_to(None)
        return queued

    async def _plan_body(self, store: Store, now: datetime) -> int:
        queued = 0
        campaigns = await store.campaigns()
        all_rounds = [r for c in campaigns for r in c.rounds]
        for campaign in campaigns:
            for rnd in campaign.rounds:
                queued += await self._plan_round(store, campaign, rnd, all_rounds, now)
            queued += await self._plan_list(store, campaign, now)
        for source in self.sources:
            for notice in await source.notices(store, self.config, now):
                queued += await store.enqueue(notice)
        return queued

    def _moment(self, campaign: Campaign, subject: str, deadline: date, now: datetime) -> Moment | None:
        tz = self.config.timezone
        due = latest_due(reminder_moments(deadline, campaign.reminder_days, campaign.send_time, tz), now)
        if due is None:
            return None
        return Moment(
            subject=subject,
            version=deadline.isoformat(),
            deadline=deadline,
            days_before=due[0],
            at=due[1],
            expires_at=end_of_day(deadline, tz),
            today=now.astimezone(tz).date(),
        )

    async def _claim_moment(
        self, store: Store, campaign: Campaign, subject: str, deadline: date, closed: bool, now: datetime
    ) -> Moment | None:
        if now >= end_of_day(deadline, self.config.timezone):
            return None  # whatever is still pending expires unsent
        keep = None if closed else deadline.isoformat()
        await retire_stale(store, subject, keep)
        moment = None if closed else self._moment(campaign, subject, deadline, now)
        if moment is None or not await store.mark_planned(moment.key("plan", 0), now):
            return None
        return moment

    # --- rounds -----------------------------------------------------------------------------------
    async def _plan_round(
        self, store: Store, campaign: Campaign, rnd: Round, all_rounds: list[Round], now: datetime
    ) -> int:
        moment = await self._claim_moment(store, campaign, round_subject(rnd.id), rnd.deadline, rnd.closed, now)
        if moment is None:
            return 0
        units = {u.id: u for u in await store.units()}
        notices = await self._author_notices(store, rnd, all_rounds, units, moment)
        filed = await store.year_initiatives(campaign.year)
        authors = await store.people({i.person_id for i in filed})
        tallies = tally(filed, authors)
        round_units = [u for u in units.values() if u.sector in rnd.sectors]
        notices += await self._head_notices(store, campaign, rnd, round_units, tallies, moment)
        notices += await self._secretariat_notices(store, campaign, rnd, round_units, tallies, filed, moment)
        return sum([await store.enqueue(n) for n in notices])

    async def _author_notices(
        self, store: Store, rnd: Round, all_rounds: list[Round], units: dict[int, Unit], moment: Moment
    ) -> list[NoticeSpec]:
        open_work = await store.initiatives_in((Status.DRAFT, Status.AMEND_REQUESTED))
        people = await store.people({i.person_id for i in open_work})
        sector_round: dict[Sector, Round | None] = {s: next_round(all_rounds, s, moment.today) for s in Sector}
        mine: dict[int, list[Initiative]] = defaultdict(list)
        for initiative in open_work:
            person = people.get(initiative.person_id)
            # Work touched after the moment is being done right now; the next moment will catch it if not.
            if person is None or initiative.updated_at >= moment.at:
                continue
            if initiative.status == Status.DRAFT:
                unit = units.get(person.unit_id) if person.unit_id else None
                sector = unit.sector if unit else Sector.OTHER
                target = sector_round[sector]
                if target is None or target.id != rnd.id:
                    continue
            elif initiative.round_id != rnd.id:
                continue
            mine[person.id].append(initiative)
        notices = []
        for person_id, items in mine.items():
            lines = [
                T.AUTHOR_ITEM_DRAFT.format(title=i.title or C.UNTITLED)
                if i.status == Status.DRAFT
                else T.AUTHOR_ITEM_AMEND.format(receipt=i.receipt_no, title=i.title or C.UNTITLED)
                for i in items
            ]
            text = T.AUTHOR_REMINDER.format(
                round=rnd.name,
                year=rnd.year,
                deadline=format_date(rnd.deadline),
                left=moment.left,
                items="\n".join(lines),
            )
            notices.append(moment.notice(AUTHOR, person_id, text, essential=True))
        return notices

    async def _head_notices(
        self,
        store: Store,
        campaign: Campaign,
        rnd: Round,
        units: list[Unit],
        tallies: dict[int, UnitTally],
        moment: Moment,
    ) -> list[NoticeSpec]:
        heads = await store.people_with_role(Role.UNIT_HEAD)
        notices = []
        for unit in units:
            count = tallies[unit.id].counted if unit.id in tallies else 0
            if count >= campaign.unit_quota:
                continue
            text = T.HEAD_REMINDER.format(
                unit=unit.name,
                count=count,
                quota=campaign.unit_quota,
                year=campaign.year,
                round=rnd.name,
                deadline=format_date(rnd.deadline),
                left=moment.left,
            )
            notices += [moment.notice(HEAD, h.id, text, extra=f":u{unit.id}") for h in heads if h.unit_id == unit.id]
        return notices

    async def _secretariat_notices(
        self,
        store: Store,
        campaign: Campaign,
        rnd: Round,
        units: list[Unit],
        tallies: dict[int, UnitTally],
        filed: Sequence[Initiative],
        moment: Moment,
    ) -> list[NoticeSpec]:
        secretariat = await store.people_with_role(Role.SECRETARIAT)
        if not secretariat:
            return []

        def count(unit: Unit) -> int:
            return tallies[unit.id].counted if unit.id in tallies else 0

        zero = [u.name for u in units if count(u) == 0]
        reform = sum(t.admin_reform for t in tallies.values())
        text = T.SECRETARIAT_REMINDER.format(
            round=rnd.name,
            year=campaign.year,
            body=await of_body(store, campaign.body_id),
            deadline=format_date(rnd.deadline),
            left=moment.left,
            quota=campaign.unit_quota,
            units="\n".join(T.UNIT_LINE.format(unit=u.name, count=count(u)) for u in units) or T.NO_UNITS,
            zero_count=len(zero),
            zero=", ".join(zero) or T.NO_UNITS,
            reform=reform,
            reform_target=campaign.admin_reform_target,
            reform_mark=T.TARGET_MET if reform >= campaign.admin_reform_target else T.TARGET_NOT_MET,
            waiting=sum(1 for i in filed if i.status == Status.SUBMITTED),
        )
        return [moment.notice(SECRETARIAT, p.id, text) for p in secretariat]

    # --- the yearly list of recognised initiatives ------------------------------------------------
    async def _plan_list(self, store: Store, campaign: Campaign, now: datetime) -> int:
        deadline = campaign.list_deadline
        moment = await self._claim_moment(store, campaign, campaign.list_subject, deadline, False, now)
        if moment is None:
            return 0
        filed = await store.year_initiatives(campaign.year)
        authors = await store.people({i.person_id for i in filed})
        tallies = tally(filed, authors)
        units = {u.id: u for u in await store.units()}
        notices: list[NoticeSpec] = []
        for head in await store.people_with_role(Role.UNIT_HEAD):
            unit = units.get(head.unit_id) if head.unit_id else None
            if unit is None:
                continue
            counts = tallies.get(unit.id, UnitTally(unit.id))
            text = T.LIST_DUE_HEAD.format(
                year=campaign.year,
                deadline=format_date(deadline),
                left=moment.left,
                unit=unit.name,
                recognised=counts.recognised,
                counted=counts.counted,
            )
            notices.append(moment.notice(LIST_HEAD, head.id, text))
        text = T.LIST_DUE_SECRETARIAT.format(
            year=campaign.year,
            body=await of_body(store, campaign.body_id),
            deadline=format_date(deadline),
            left=moment.left,
            recognised=sum(1 for i in filed if i.status == Status.RECOGNISED),
            accepted=sum(1 for i in filed if i.status == Status.ACCEPTED),
            waiting=sum(1 for i in filed if i.status == Status.SUBMITTED),
        )
        notices += [moment.notice(LIST_SECRETARIAT, p.id, text) for p in await store.people_with_role(Role.SECRETARIAT)]
        return sum([await store.enqueue(n) for n in notices])


UNIT_HEAD_KINDS = frozenset({HEAD, LIST_HEAD})
# Reminders of a deadline: what expires of these unsent is reported to the secretariat (report_missed).
DEADLINE_KINDS = frozenset({AUTHOR, HEAD, SECRETARIAT, LIST_HEAD, LIST_SECRETARIAT})
REPORT_UNREACHABLE = "report:unreachable"
REPORT_MISSED = "report:missed"
# The notice_plan key marking a subject's missed reminders as reported (once, whichever process sees it first).
MISSED_PLAN = "missed|"
MISSED_NAMES_SHOWN = 20


async def report_unreachable(store: Store, person_id: int, kind: str, subject: str, now: datetime) -> int:
    """A unit head's reminder could not be delivered: tell the secretariat (once per head and subject)."""
    if kind not in UNIT_HEAD_KINDS:
        return 0
    head = await store.person(person_id)
    if head is None:
        return 0
    unit = await store.unit(head.unit_id) if head.unit_id else None
    text = T.HEAD_UNREACHABLE.format(name=head.full_name, unit=unit.name if unit else "")
    queued = 0
    for person in await store.people_with_role(Role.SECRETARIAT):
        if person.id == head.id:
            continue
        queued += await store.enqueue(
            NoticeSpec(
                key=f"{REPORT_UNREACHABLE}|p{person.id}|person:{head.id}|{subject}",
                kind=REPORT_UNREACHABLE,
                text=text,
                due_at=now,
                person_id=person.id,
            )
        )
    return queued


@dataclass(frozen=True)
class Missed:
    """A deadline reminder that expired unsent (storage.notices lists them once nothing of its subject is open)."""

    subject: str
    version: str
    kind: str
    person_id: int


def _missed_role(kind: str, person: Person, units: dict[int, Unit]) -> str:
    if kind in UNIT_HEAD_KINDS:
        unit = units.get(person.unit_id) if person.unit_id else None
        return T.MISSED_ROLE_HEAD.format(unit=unit.name) if unit else T.MISSED_ROLE_HEAD_NO_UNIT
    if kind in (SECRETARIAT, LIST_SECRETARIAT):
        return T.MISSED_ROLE_SECRETARIAT
    return T.MISSED_ROLE_AUTHOR


async def report_missed(store: Store, missed: Sequence[Missed], now: datetime) -> int:
    """Deadline reminders that could not go out before they expired: one summary per subject (a round's
    deadline, the yearly list) to every member of the secretariat, naming who was not reminded. Once per
    subject and deadline, however many processes see it (``mark_planned`` in the same transaction)."""
    groups: dict[tuple[str, str], list[Missed]] = defaultdict(list)
    for item in missed:
        groups[(item.subject, item.version)].append(item)
    if not groups:
        return 0
    rounds = {round_subject(r.id): r for r in await store.rounds(every_body=True)}
    units = {u.id: u for u in await store.units(every_body=True)}
    people = await store.people({m.person_id for m in missed})
    secretariats: dict[int | None, Sequence[Person]] = {}
    queued = 0
    for (subject, version), items in groups.items():
        if not await store.mark_planned(f"{MISSED_PLAN}{subject}|{version}", now):
            continue  # reported already (by this process or another)
        try:
            deadline = format_date(date.fromisoformat(version))
        except ValueError:
            deadline = version
        roles: dict[int, str] = {}
        for item in items:
            person = people.get(item.person_id)
            if person is not None and item.person_id not in roles:
                roles[item.person_id] = _missed_role(item.kind, person, units)
        names = [
            T.MISSED_LINE.format(name=people[pid].full_name, role=role)
            for pid, role in list(roles.items())[:MISSED_NAMES_SHOWN]
        ]
        more = T.MISSED_MORE.format(n=len(roles) - MISSED_NAMES_SHOWN) if len(roles) > MISSED_NAMES_SHOWN else ""
        rnd = rounds.get(subject)
        body_id: int | None = None
        if rnd is not None:
            body_id = rnd.body_id
            what = T.MISSED_WHAT_ROUND.format(round=rnd.name, year=rnd.year, body=await of_body(store, body_id))
        elif subject.startswith("list:"):
            year, _, body = subject.removeprefix("list:").partition(":b")
            body_id = int(body) if body.isdigit() else await store.default_body_id()
            what = T.MISSED_WHAT_LIST.format(year=year, body=await of_body(store, body_id))
        else:
            what = T.MISSED_WHAT_OTHER
        if body_id not in secretariats:  # the secretariat of the body whose deadline it was
            store.scope_to(body_id)
            secretariats[body_id] = await store.people_with_role(Role.SECRETARIAT)
            store.scope_to(None)
        secretariat = secretariats[body_id]
        text = T.MISSED_REPORT.format(
            count=len(items), what=what, deadline=deadline, people=len(roles), names="\n".join(names), more=more
        )
        for person in secretariat:
            queued += await store.enqueue(
                NoticeSpec(
                    key=f"{REPORT_MISSED}|p{person.id}|{subject}|{version}",
                    kind=REPORT_MISSED,
                    text=text,
                    due_at=now,
                    person_id=person.id,
                    subject=f"missed:{subject}",
                )
            )
    return queued


CHANNEL_ALERT = "channel_alert"


async def alert_admins(store: Store, channel: str, reason: str, now: datetime) -> int:
    """A channel stopped by itself (e.g. its token was refused): tell every admin, on whatever channel works."""
    queued = 0
    for person in await store.people_with_role(Role.ADMIN):
        queued += await store.enqueue(
            NoticeSpec(
                key=f"{CHANNEL_ALERT}|p{person.id}|{channel}|{now.isoformat(timespec='minutes')}",
                kind=CHANNEL_ALERT,
                text=A.CHANNEL_STOPPED.format(channel=channel.capitalize(), reason=reason),
                due_at=now,
                person_id=person.id,
                essential=True,
            )
        )
    return queued

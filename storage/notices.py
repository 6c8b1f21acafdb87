"""The notice outbox as a queue: atomic claims with a lease, settling, and per-month channel usage.

Claiming is one statement, ``UPDATE notice … WHERE id IN (SELECT … LIMIT n) RETURNING``: on PostgreSQL the
inner select takes ``FOR UPDATE SKIP LOCKED`` so two sweepers never take the same row and never wait on
each other; on SQLite ``BEGIN IMMEDIATE`` (storage.database) already serialises writers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, literal, or_, select, update
from sqlalchemy.orm import aliased

from handlers.reminders import Missed
from scheduler.ports import Address, ClaimedNotice
from storage.database import Database
from storage.intake import PENDING as OUTBOX_PENDING
from storage.intake import SENDING as OUTBOX_SENDING
from storage.models import (
    ChannelUsageRow,
    ConversationRow,
    IdentityRow,
    NoticePlanRow,
    NoticeRow,
    PersonRow,
    ReplyOutboxRow,
    WorkerHeartbeatRow,
)

PENDING = "pending"
CLAIMED = "claimed"
SENT = "sent"
EXPIRED = "expired"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class SqlNoticeQueue:
    """``stale_after``: a claim held by a worker whose heartbeat (storage.intake) is older than this is taken
    over at once; a worker that never beat (a standalone sweeper) keeps its claims for the sweep's lease."""

    def __init__(self, database: Database, stale_after: timedelta = timedelta(seconds=15)) -> None:
        self.database = database
        self.stale_after = stale_after

    async def claim(self, worker: str, now: datetime, limit: int, lease: timedelta) -> list[ClaimedNotice]:
        now = _utc(now)
        async with self.database.transaction() as session:
            postgres = session.bind.dialect.name == "postgresql"
            dead = select(WorkerHeartbeatRow.worker).where(WorkerHeartbeatRow.beat_at <= now - self.stale_after)
            live = select(WorkerHeartbeatRow.worker).where(WorkerHeartbeatRow.beat_at > now - self.stale_after)
            takeable = or_(
                NoticeRow.status == PENDING,
                and_(NoticeRow.status == CLAIMED, NoticeRow.claimed_by.in_(dead)),
                and_(
                    NoticeRow.status == CLAIMED,
                    NoticeRow.claimed_at <= now - lease,
                    NoticeRow.claimed_by.not_in(live),
                ),
            )
            await session.execute(
                update(NoticeRow)
                .where(takeable, NoticeRow.expires_at.is_not(None), NoticeRow.expires_at <= now)
                .values(status=EXPIRED, claimed_by=None)
                .execution_options(synchronize_session=False)
            )
            candidates = (
                select(NoticeRow.id)
                .where(takeable, NoticeRow.due_at <= now)
                .order_by(NoticeRow.due_at, NoticeRow.id)
                .limit(limit)
            )
            if postgres:
                candidates = candidates.with_for_update(skip_locked=True)
            result = await session.execute(
                update(NoticeRow)
                .where(NoticeRow.id.in_(candidates.scalar_subquery()))
                .values(status=CLAIMED, claimed_by=worker, claimed_at=now, attempts=NoticeRow.attempts + 1)
                .returning(
                    NoticeRow.id,
                    NoticeRow.key,
                    NoticeRow.kind,
                    NoticeRow.text,
                    NoticeRow.person_id,
                    NoticeRow.identity_id,
                    NoticeRow.essential,
                    NoticeRow.attempts,
                    NoticeRow.subject,
                    NoticeRow.expires_at,
                    NoticeRow.due_at,
                )
                .execution_options(synchronize_session=False)
            )
            rows = sorted(result.all(), key=lambda r: (r.due_at, r.id))
            person_ids = {r.person_id for r in rows if r.person_id is not None}
            identity_ids = {r.identity_id for r in rows if r.identity_id is not None}
            identities = await session.execute(
                select(IdentityRow, ConversationRow.updated_at)
                .outerjoin(ConversationRow, ConversationRow.identity_id == IdentityRow.id)
                .where(or_(IdentityRow.person_id.in_(person_ids), IdentityRow.id.in_(identity_ids)))
            )
            by_person: dict[int, list[tuple[IdentityRow, datetime | None]]] = defaultdict(list)
            by_id: dict[int, IdentityRow] = {}
            for identity, active in identities.all():
                by_id[identity.id] = identity
                if identity.person_id is not None:
                    by_person[identity.person_id].append((identity, active))
            muted = set(
                (
                    await session.execute(
                        select(PersonRow.id).where(PersonRow.id.in_(person_ids), PersonRow.notices_muted.is_(True))
                    )
                ).scalars()
            )
        claimed = []
        for r in rows:
            if r.identity_id is not None:
                chosen = [by_id[r.identity_id]] if r.identity_id in by_id else []
            else:
                # Most recently active first: the channel the person actually uses.
                ranked = sorted(
                    by_person.get(r.person_id, []),
                    key=lambda pair: (pair[1] is not None, pair[1] or datetime.min, -(pair[0].id or 0)),
                    reverse=True,
                )
                chosen = [identity for identity, _ in ranked]
            reachable = tuple(Address(i.id or 0, i.channel, i.external_id) for i in chosen if i.unreachable_at is None)
            claimed.append(
                ClaimedNotice(
                    id=r.id,
                    key=r.key,
                    kind=r.kind,
                    text=r.text,
                    person_id=r.person_id,
                    essential=r.essential,
                    attempts=r.attempts,
                    subject=r.subject,
                    expires_at=_aware(r.expires_at),
                    addresses=reachable,
                    muted=r.person_id in muted,
                )
            )
        return claimed

    async def finish(
        self, notice_id: int, worker: str, status: str, now: datetime, *, sent_to: str | None = None, error: str = ""
    ) -> bool:
        async with self.database.transaction() as session:
            result = await session.execute(
                update(NoticeRow)
                .where(NoticeRow.id == notice_id, NoticeRow.status == CLAIMED, NoticeRow.claimed_by == worker)
                .values(
                    status=status,
                    sent_at=_utc(now) if status == SENT else None,
                    sent_to=sent_to,
                    last_error=error[:500],
                )
                .execution_options(synchronize_session=False)
            )
            return bool(result.rowcount)

    async def retry(self, notice_id: int, worker: str, at: datetime, error: str, *, counts: bool = True) -> None:
        attempts = NoticeRow.attempts if counts else NoticeRow.attempts - 1
        async with self.database.transaction() as session:
            await session.execute(
                update(NoticeRow)
                .where(NoticeRow.id == notice_id, NoticeRow.status == CLAIMED, NoticeRow.claimed_by == worker)
                .values(
                    status=PENDING,
                    due_at=_utc(at),
                    claimed_by=None,
                    claimed_at=None,
                    last_error=error[:500],
                    attempts=attempts,
                )
                .execution_options(synchronize_session=False)
            )

    async def missed(
        self, kinds: Collection[str], now: datetime, since: datetime, reported_prefix: str
    ) -> list[Missed]:
        """Notices of ``kinds`` that expired unsent (expiry after ``since``), of subjects with nothing of those
        kinds still open up to ``now`` and not yet reported (no ``notice_plan`` row ``reported_prefix`` +
        "subject|version"). Non-essential notices of people who silenced notices are left out."""
        now, since = _utc(now), _utc(since)
        other = aliased(NoticeRow)
        still_open = (
            select(other.id)
            .where(
                other.subject == NoticeRow.subject,
                other.subject_version == NoticeRow.subject_version,
                other.kind.in_(list(kinds)),
                other.status.in_([PENDING, CLAIMED]),
                other.expires_at <= now,
            )
            .exists()
        )
        reported = (
            select(NoticePlanRow.key)
            .where(NoticePlanRow.key == literal(reported_prefix) + NoticeRow.subject + "|" + NoticeRow.subject_version)
            .exists()
        )
        stmt = (
            select(NoticeRow.subject, NoticeRow.subject_version, NoticeRow.kind, NoticeRow.person_id)
            .join(PersonRow, PersonRow.id == NoticeRow.person_id)
            .where(
                NoticeRow.status == EXPIRED,
                NoticeRow.kind.in_(list(kinds)),
                NoticeRow.expires_at > since,
                NoticeRow.expires_at <= now,
                or_(NoticeRow.essential.is_(True), PersonRow.notices_muted.is_not(True)),
                ~still_open,
                ~reported,
            )
            .order_by(NoticeRow.subject, NoticeRow.subject_version, NoticeRow.id)
        )
        async with self.database.transaction() as session:
            rows = (await session.execute(stmt)).all()
        return [Missed(r.subject, r.subject_version, r.kind, r.person_id) for r in rows]

    async def in_conversation(self, address: Address, now: datetime, quiet: timedelta) -> bool:
        reply = ReplyOutboxRow.__table__.c
        answering = (
            select(reply.id)
            .where(reply.channel == address.channel, reply.chat == address.user_id)
            .where(or_(reply.status.in_((OUTBOX_PENDING, OUTBOX_SENDING)), reply.sent_at > _utc(now) - quiet))
            .limit(1)
        )
        async with self.database.transaction() as session:
            return (await session.execute(answering)).first() is not None

    async def mark_unreachable(self, identity_id: int, now: datetime) -> None:
        async with self.database.transaction() as session:
            await session.execute(
                update(IdentityRow).where(IdentityRow.id == identity_id).values(unreachable_at=_utc(now))
            )


def usage_counter(
    database: Database, channel: str, clock: Callable[[], datetime], timezone: ZoneInfo
) -> Callable[[int], Awaitable[None]]:
    """A callback counting messages sent on ``channel`` per local calendar month (ZaloChannel's on_sent)."""

    async def count(n: int) -> None:
        month = clock().astimezone(timezone).strftime("%Y-%m")
        async with database.unit_of_work() as store:
            stmt = store._insert(ChannelUsageRow).values(channel=channel, month=month, sent=n)
            stmt = stmt.on_conflict_do_update(
                index_elements=[ChannelUsageRow.channel, ChannelUsageRow.month],
                set_={"sent": ChannelUsageRow.sent + n},
            )
            await store.session.execute(stmt)

    return count

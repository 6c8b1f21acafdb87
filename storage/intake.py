"""The durable intake: platform events stored before they are acknowledged, and the replies the bot
committed to, stored in the same transaction as the event's effect and settled once sent.

Both tables are worked per sender (per chat for replies), oldest row first: a worker claims the oldest row
that is not done, and only when no other live worker holds an earlier one, so one user's events are handled
and answered in the order they arrived while different users proceed in parallel. A claim belongs to a worker
whose heartbeat is fresh; a dead worker's claims are taken over once its beat is stale.

The common case costs no claim of its own: a new event of a sender with nothing else open is stored already
claimed by the worker that stored it, and a reply to the chat whose event is being handled is written already
claimed when that chat has nothing older unsent. Such rows are *handed* to the caller in memory (``Stored``,
``add_replies``) and, until the caller lets go of them, this worker's own claims never take them a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    DateTime,
    String,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import Database
from storage.driver import SessionWrites, Writes, lock_key
from storage.group_commit import GroupCommit
from storage.models import InboxEventRow, NoticeRow, ReplyOutboxRow, WorkerHeartbeatRow

INBOX = "inbox_event"
OUTBOX = "reply_outbox"

PENDING = "pending"
CLAIMED = "claimed"
DONE = "done"
FAILED = "failed"
SENDING = "sending"
SENT = "sent"
UNREACHABLE = "unreachable"

# Rows nothing will take again: events handled (or set aside), replies sent or given up on. Only these expire.
HANDLED = (DONE, FAILED)
SETTLED = (SENT, FAILED, UNREACHABLE)
# Rows deleted by one statement (one short transaction) when expired rows are pruned.
PRUNE_BATCH = 1000

_inbox = InboxEventRow.__table__
_outbox = ReplyOutboxRow.__table__


def _open_row(table: Any, owner: Any, claimed_status: str) -> Any:
    """Whether a sender (a chat) has anything open: built once, on the path of every message. The statuses are
    written into the SQL (our own constants), as the driver path (``storage.driver``) takes no list parameter."""
    return (
        select(table.c.id)
        .where(table.c.channel == bindparam("channel"), owner == bindparam("owner"))
        .where(table.c.status.in_([literal_column(f"'{status}'") for status in (PENDING, claimed_status)]))
        .limit(1)
    )


# Writes on the path of every message, on the tables (not the ORM classes): no unit of work, no session sync.
_FINISH_EVENT = (
    update(_inbox)
    .where(_inbox.c.id == bindparam("b_id"), _inbox.c.claimed_by == bindparam("b_worker"))
    .values(status=bindparam("status"), handled_at=bindparam("at"))
)
_SETTLE_REPLY = (
    update(_outbox)
    .where(_outbox.c.id == bindparam("b_id"), _outbox.c.claimed_by == bindparam("b_worker"))
    .values(status=bindparam("status"), sent_at=bindparam("at"), error=bindparam("error"))
)
_INSERT_REPLY = (
    insert(_outbox)
    .values(
        {
            column: bindparam(column)
            for column in (
                "channel",
                "chat",
                "payload",
                "status",
                "claimed_by",
                "claimed_at",
                "attempts",
                "due_at",
                "created_at",
                "error",
            )
        }
    )
    .returning(_outbox.c.id)
)
_LOCK = text("SELECT pg_advisory_xact_lock(CAST(:key AS BIGINT))")


def _claim_cases(busy: Any, claimed_status: str, worker: Any, at: Any) -> tuple[Any, Any, Any, Any]:
    """status, claimed_by, claimed_at and attempts of a row stored claimed by ``worker`` at ``at`` unless ``busy``
    (its owner has something open, asked in the same statement under the owner's lock), else pending."""
    return (
        case((busy, PENDING), else_=claimed_status),
        case((busy, null()), else_=worker),
        case((busy, null()), else_=at),
        case((busy, 0), else_=1),
    )


def _store_event(insert: Any) -> Any:
    """An event stored claimed unless its sender has anything open (``_claim_cases``), and not at all when its key
    is already stored. The key is looked up in the statement's own snapshot before inserting: left to ON CONFLICT
    alone, a redelivery of the event being handled would wait for the handling transaction's lock on that row
    while holding the sender's lock, which that transaction asks for next (a deadlock on PostgreSQL). ON CONFLICT
    stays for a key stored meanwhile by a replica; the sender's lock makes that one wait first."""
    c = _inbox.c
    known = (
        select(c.id)
        .where(c.channel == bindparam("channel"), c.sender == bindparam("owner"), c.event_key == bindparam("event_key"))
        .exists()
    )
    busy = _open_row(_inbox, c.sender, CLAIMED).exists()
    at = bindparam("at", type_=c.received_at.type)
    row = select(
        bindparam("channel", type_=c.channel.type),
        bindparam("owner", type_=c.sender.type),
        bindparam("event_key", type_=c.event_key.type),
        bindparam("payload", type_=c.payload.type),
        *_claim_cases(busy, CLAIMED, bindparam("worker", type_=c.claimed_by.type), at),
        at,
    ).where(~known)
    columns = [c.channel, c.sender, c.event_key, c.payload, c.status, c.claimed_by, c.claimed_at, c.attempts]
    statement = insert(_inbox).from_select([*columns, c.received_at], row)
    return statement.on_conflict_do_nothing().returning(c.id, c.status)


def _first_reply() -> Any:
    """A chat's first reply of a transaction, written sending (handed to this worker) unless the chat has an older
    one open (``_claim_cases``)."""
    busy = _open_row(_outbox, _outbox.c.chat, SENDING).exists()
    at = bindparam("at", type_=DateTime(timezone=True))
    status, claimed_by, claimed_at, attempts = _claim_cases(busy, SENDING, bindparam("worker", type_=String), at)
    return (
        insert(_outbox)
        .values(
            channel=bindparam("channel"),
            chat=bindparam("owner"),
            payload=bindparam("payload"),
            status=status,
            claimed_by=claimed_by,
            claimed_at=claimed_at,
            attempts=attempts,
            due_at=bindparam("at"),
            created_at=bindparam("at"),
            error="",
        )
        .returning(_outbox.c.id, _outbox.c.status)
    )


_STORE_EVENT = {"sqlite": _store_event(sqlite_insert), "postgresql": _store_event(pg_insert)}
_INSERT_FIRST_REPLY = _first_reply()


def _expired(table: Any, settled_at: Any, statuses: tuple[str, ...], batch: int) -> Any:
    """A DELETE of up to ``batch`` rows in ``statuses`` settled before ``:before`` (an index range on the settled
    time). The rows are locked SKIP LOCKED first (PostgreSQL; SQLite has one writer): a replica pruning at the same
    moment takes other rows instead of waiting for these, so a prune never waits for a row lock and cannot be part
    of a deadlock."""
    rows = (
        select(table.c.id)
        .where(table.c.status.in_(statuses), settled_at < bindparam("before", type_=settled_at.type))
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    return delete(table).where(table.c.id.in_(rows))


@dataclass(frozen=True)
class Pruned:
    events: int
    replies: int


class LeaseLost(Exception):
    """Another worker took this row over (this one was presumed dead): the transaction must roll back."""


@dataclass(frozen=True)
class InboxItem:
    id: int
    channel: str
    sender: str
    payload: str
    attempts: int


@dataclass(frozen=True)
class OutboxItem:
    id: int
    channel: str
    chat: str
    payload: str
    attempts: int


@dataclass(frozen=True)
class Wait:
    """Nothing to take now; the chat's next reply is due at ``until``."""

    until: datetime


class Busy:
    """This sender's (chat's) oldest open row is held by another live worker, or handed by this one to a caller
    that has not taken it up yet: try again shortly."""


BUSY = Busy()


@dataclass(frozen=True)
class Stored:
    """A newly stored event: ``item`` when it was stored claimed for this worker (nothing of the sender was
    open), to be handled without claiming; None when it waits behind an earlier open event."""

    sender: str
    item: InboxItem | None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class SqlIntake:
    def __init__(self, database: Database, worker: str, *, stale_after: timedelta = timedelta(seconds=15)) -> None:
        self.database = database
        self.worker = worker
        self.stale_after = stale_after
        # (table, id) of rows claimed at insert and handed to a caller in memory: not to be claimed again here.
        self._handed: set[tuple[str, int]] = set()
        self._settle = GroupCommit(self._settle_many)

    def let_go(self, table: str, row_id: int) -> None:
        """The caller is done with a handed row (or gives it back): claims may take it again if still open."""
        self._handed.discard((table, row_id))

    def _insert(self, session: AsyncSession, table: Any) -> Any:
        return pg_insert(table) if session.bind.dialect.name == "postgresql" else sqlite_insert(table)

    def _live_workers(self, now: datetime) -> Any:
        return select(WorkerHeartbeatRow.worker).where(WorkerHeartbeatRow.beat_at > now - self.stale_after)

    # --- heartbeats ------------------------------------------------------------------------------------
    async def beat(self, now: datetime) -> None:
        now = _utc(now)
        async with self.database.transaction() as session:
            stmt = self._insert(session, WorkerHeartbeatRow).values(worker=self.worker, beat_at=now)
            await session.execute(stmt.on_conflict_do_update(index_elements=["worker"], set_={"beat_at": now}))

    async def claim_alone(self, now: datetime) -> None:
        """On SQLite only one bot process may use the file, so any other worker on record is dead: forget them,
        and their claims become takeable at once instead of after the heartbeat goes stale. Notices they had
        claimed go back to pending too (a claim without a heartbeat row would otherwise wait for the lease)."""
        if self.database.engine.dialect.name != "sqlite":
            return
        async with self.database.transaction() as session:
            await session.execute(delete(WorkerHeartbeatRow).where(WorkerHeartbeatRow.worker != self.worker))
            await session.execute(
                update(NoticeRow)
                .where(NoticeRow.status == CLAIMED, NoticeRow.claimed_by != self.worker)
                .values(status=PENDING, claimed_by=None, claimed_at=None)
                .execution_options(synchronize_session=False)
            )

    async def retire(self) -> None:
        """A clean stop: give back what this worker holds, so others need not wait for the beat to go stale."""
        async with self.database.transaction() as session:
            await session.execute(
                update(InboxEventRow)
                .where(InboxEventRow.claimed_by == self.worker, InboxEventRow.status == CLAIMED)
                .values(status=PENDING, claimed_by=None)
            )
            await session.execute(
                update(ReplyOutboxRow)
                .where(ReplyOutboxRow.claimed_by == self.worker, ReplyOutboxRow.status == SENDING)
                .values(status=PENDING, claimed_by=None)
            )
            await session.execute(
                update(NoticeRow)
                .where(NoticeRow.claimed_by == self.worker, NoticeRow.status == CLAIMED)
                .values(status=PENDING, claimed_by=None, claimed_at=None)
                .execution_options(synchronize_session=False)
            )
            await session.execute(delete(WorkerHeartbeatRow).where(WorkerHeartbeatRow.worker == self.worker))

    async def _serialise(self, session: AsyncSession, key: str, writes: Writes | None = None) -> None:
        # Two replicas claiming for the same sender at once would each see the other's row as free.
        if session.bind.dialect.name == "postgresql":
            await (writes or SessionWrites(session)).rows(_LOCK, {"key": lock_key(key)})

    # --- inbox -----------------------------------------------------------------------------------------
    async def store(self, channel: str, events: list[tuple[str, str, str]], now: datetime) -> list[Stored]:
        """Store (sender, event key, payload) triples in one transaction; returns the new events (a platform's
        redelivery of an event already stored is dropped here). A sender's event is stored claimed by this worker
        when nothing of that sender is open, so that handling it needs no claim of its own."""
        if not events:
            return []
        now = _utc(now)
        fresh: list[Stored] = []
        # Every sender's lock first, in one order: two batches naming the same senders cannot deadlock.
        locks = [f"inbox:{channel}:{sender}" for sender in sorted({sender for sender, _, _ in events})]
        async with self.database.quick.transaction(locks) as writes:
            statement = _STORE_EVENT[self.database.engine.dialect.name]
            for sender, key, payload in events:
                values = {
                    "channel": channel,
                    "owner": sender,
                    "event_key": key,
                    "payload": payload,
                    "worker": self.worker,
                    "at": now,
                }
                rows = await writes.rows(statement, values)
                if not rows:  # a redelivery
                    continue
                row_id, status = rows[0]
                item = InboxItem(row_id, channel, sender, payload, 1) if status == CLAIMED else None
                if item is not None:
                    self._handed.add((INBOX, row_id))
                fresh.append(Stored(sender, item))
        return fresh

    def _takeable(self, table: Any, claimed_status: str, now: datetime) -> Any:
        return or_(
            table.status == PENDING,
            and_(table.status == claimed_status, table.claimed_by.not_in(self._live_workers(now))),
            and_(table.status == claimed_status, table.claimed_by == self.worker),
        )

    async def _oldest_open(
        self, session: AsyncSession, table: Any, owner: Any, claimed_status: str, now: datetime
    ) -> Any | Busy | None:
        """The oldest row of ``owner`` (a sender's events, a chat's replies) not yet done, when it is free for this
        worker: None when there is none, BUSY when another live worker holds it or it is handed to a caller of
        this one (the owner's order is kept)."""
        row = (
            await session.execute(
                select(table).where(owner, table.status.in_((PENDING, claimed_status))).order_by(table.id).limit(1)
            )
        ).scalar_one_or_none()
        if row is None or row.id is None:
            return None
        if (
            row.status == claimed_status
            and row.claimed_by == self.worker
            and (table.__tablename__, row.id) in self._handed
        ):
            # Handed to a caller of this worker that has not taken it up yet (its transaction's commit is visible
            # before the call returns): busy, so that the asker looks again rather than conclude nothing is left.
            return BUSY
        if row.status == claimed_status and row.claimed_by != self.worker:
            live = (
                await session.execute(self._live_workers(now).where(WorkerHeartbeatRow.worker == row.claimed_by))
            ).first()
            if live is not None:
                return BUSY
        return row

    async def _claim(self, session: AsyncSession, table: Any, row_id: int, claimed_status: str, now: datetime) -> None:
        await session.execute(
            update(table)
            .where(table.id == row_id)
            .values(status=claimed_status, claimed_by=self.worker, claimed_at=now, attempts=table.attempts + 1)
        )

    async def claim_event(self, channel: str, sender: str, now: datetime) -> InboxItem | Busy | None:
        """The sender's oldest unhandled event, claimed for this worker; None when there is none, BUSY when another
        live worker is handling this sender."""
        async with self.database.transaction() as session:
            return await self.claim_next_event(session, channel, sender, now)

    async def claim_next_event(
        self, session: AsyncSession, channel: str, sender: str, now: datetime
    ) -> InboxItem | Busy | None:
        """``claim_event`` inside a transaction already open: the one that handled the sender's previous event
        claims the next at once, instead of a transaction of its own finding it (or finding nothing)."""
        now = _utc(now)
        await self._serialise(session, f"inbox:{channel}:{sender}")
        owner = and_(InboxEventRow.channel == channel, InboxEventRow.sender == sender)
        row = await self._oldest_open(session, InboxEventRow, owner, CLAIMED, now)
        if row is None or isinstance(row, Busy):
            return row
        # Read before the UPDATE: it also bumps the attempts of the loaded row (synchronize_session).
        item = InboxItem(row.id, row.channel, row.sender, row.payload, row.attempts + 1)
        await self._claim(session, InboxEventRow, row.id, CLAIMED, now)
        return item

    async def finish_event(self, session: AsyncSession, event_id: int, now: datetime, status: str = DONE) -> None:
        """Mark a claimed event handled, inside the transaction that applied its effect."""
        writes = await self.database.quick.within(session)
        changed = await writes.run(
            _FINISH_EVENT, {"b_id": event_id, "b_worker": self.worker, "status": status, "at": _utc(now)}
        )
        if not changed:
            raise LeaseLost(f"inbox event {event_id}")

    async def pending_senders(self, now: datetime) -> list[tuple[str, str]]:
        """Senders with events nobody live is handling (after a crash, or received by a replica that died)."""
        return await self._open_owners(InboxEventRow, InboxEventRow.sender, CLAIMED, now)

    async def _open_owners(self, table: Any, owner: Any, claimed_status: str, now: datetime) -> list[tuple[str, str]]:
        """(channel, owner) pairs with rows this worker may take, the oldest first."""
        now = _utc(now)
        async with self.database.transaction() as session:
            rows = await session.execute(
                select(table.channel, owner)
                .where(self._takeable(table, claimed_status, now))
                .group_by(table.channel, owner)
                .order_by(func.min(table.id))
            )
            return [(channel, who) for channel, who in rows]

    # --- reply outbox ----------------------------------------------------------------------------------
    async def add_replies(
        self,
        session: AsyncSession,
        replies: list[tuple[str, str, str]],
        now: datetime,
        *,
        claim_chat: tuple[str, str] | None = None,
    ) -> list[OutboxItem]:
        """(channel, chat, payload) rows, inside the transaction that decided them. The rows for ``claim_chat``
        (the chat whose event is being handled) are written claimed for this worker when that chat has nothing
        older unsent, and returned, handed: the caller sends them without claiming them."""
        now = _utc(now)
        mine: bool | None = None  # whether the claimed chat's rows are taken: its first row's insert decides
        writes = await self.database.quick.within(session)
        if claim_chat is not None and any((c, chat) == claim_chat for c, chat, _ in replies):
            await self._serialise(session, f"outbox:{claim_chat[0]}:{claim_chat[1]}", writes)
        handed: list[OutboxItem] = []
        for channel, chat, payload in replies:
            if mine is None and (channel, chat) == claim_chat:
                first = {"channel": channel, "owner": chat, "payload": payload, "worker": self.worker, "at": now}
                row_id, status = (await writes.rows(_INSERT_FIRST_REPLY, first))[0]
                mine = status == SENDING
                if mine:
                    handed.append(OutboxItem(row_id, channel, chat, payload, 1))
                    self._handed.add((OUTBOX, row_id))
                continue
            take = bool(mine) and (channel, chat) == claim_chat
            values = {
                "channel": channel,
                "chat": chat,
                "payload": payload,
                "status": SENDING if take else PENDING,
                "claimed_by": self.worker if take else None,
                "claimed_at": now if take else None,
                "attempts": 1 if take else 0,
                "due_at": now,
                "created_at": now,
                "error": "",
            }
            row_id = (await writes.rows(_INSERT_REPLY, values))[0][0]
            if take:
                handed.append(OutboxItem(row_id, channel, chat, payload, 1))
                self._handed.add((OUTBOX, row_id))
        return handed

    async def claim_reply(self, channel: str, chat: str, now: datetime) -> OutboxItem | Wait | Busy | None:
        """The chat's oldest unsent reply, claimed for this worker; Wait when it is postponed (a flood wait), BUSY
        when another live worker is sending to this chat."""
        now = _utc(now)
        async with self.database.transaction() as session:
            await self._serialise(session, f"outbox:{channel}:{chat}")
            owner = and_(ReplyOutboxRow.channel == channel, ReplyOutboxRow.chat == chat)
            row = await self._oldest_open(session, ReplyOutboxRow, owner, SENDING, now)
            if row is None or isinstance(row, Busy):
                return row
            if _aware(row.due_at) > now:
                return Wait(_aware(row.due_at))
            item = OutboxItem(row.id, row.channel, row.chat, row.payload, row.attempts + 1)
            await self._claim(session, ReplyOutboxRow, row.id, SENDING, now)
            return item

    async def settle_reply(self, reply_id: int, status: str, now: datetime, error: str = "") -> None:
        """Mark a claimed reply sent (or failed, unreachable); replies settled at the same moment share a commit."""
        await self._settle(
            {"b_id": reply_id, "b_worker": self.worker, "status": status, "at": _utc(now), "error": error[:500]}
        )

    async def _settle_many(self, rows: list[dict[str, Any]]) -> None:
        await self.database.quick.run_many(_SETTLE_REPLY, rows)

    async def postpone_reply(self, reply_id: int, until: datetime, error: str) -> None:
        async with self.database.transaction() as session:
            await session.execute(
                update(ReplyOutboxRow)
                .where(ReplyOutboxRow.id == reply_id, ReplyOutboxRow.claimed_by == self.worker)
                .values(status=PENDING, claimed_by=None, due_at=_utc(until), error=error[:500])
            )

    async def pending_chats(self, now: datetime) -> list[tuple[str, str]]:
        """Chats with replies nobody live is sending."""
        return await self._open_owners(ReplyOutboxRow, ReplyOutboxRow.chat, SENDING, now)

    # --- retention -------------------------------------------------------------------------------------
    async def prune(self, before: datetime, batch: int = PRUNE_BATCH) -> Pruned:
        """Delete the events handled and the replies settled before ``before``: they hold what people typed and
        said, and once settled nothing reads them but a redelivery's key lookup (``store``) and the quiet-chat
        check (replies of the last seconds), both far shorter than the retention period. Open rows (pending,
        claimed, sending, a postponed reply) are never touched. Each batch is a transaction of its own, repeated
        until one deletes fewer than ``batch`` rows. A reply's settled time is its ``sent_at``, which
        ``settle_reply`` stamps whatever the outcome (sent, failed, unreachable)."""
        before = _utc(before)
        events = await self._prune(_expired(_inbox, _inbox.c.handled_at, HANDLED, batch), before, batch)
        replies = await self._prune(_expired(_outbox, _outbox.c.sent_at, SETTLED, batch), before, batch)
        return Pruned(events, replies)

    async def _prune(self, statement: Any, before: datetime, batch: int) -> int:
        total = 0
        while True:
            async with self.database.transaction() as session:
                result = cast(CursorResult[Any], await session.execute(statement, {"before": before}))
                deleted = result.rowcount
            total += deleted
            if deleted < batch:
                return total

    async def counts(self) -> dict[str, int]:
        """Rows by table and status, for tests and the operator."""
        async with self.database.transaction() as session:
            out: dict[str, int] = {}
            for table, name in ((InboxEventRow, "inbox"), (ReplyOutboxRow, "outbox")):
                for status, n in await session.execute(select(table.status, func.count()).group_by(table.status)):
                    out[f"{name}.{status}"] = n
            return out

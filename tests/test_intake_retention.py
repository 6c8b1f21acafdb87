"""Retention of the intake: received updates (``inbox_event``) and sent replies (``reply_outbox``) hold what people
typed (phone numbers, confidential parts of an initiative) and grow with every message, so the dispatcher's
maintenance loop deletes the rows handled or settled more than INTAKE_RETENTION_DAYS ago, about once an hour,
in batches. Nothing still open is touched, and an update the platform delivers again within the period is still
recognised by its stored key."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import delete, insert, select, update

from bot.app import App
from bot.intake.dispatcher import Dispatcher, IncomingEvent
from bot.intake.sending import ReplySender
from bot.runner import Channels, Runtime
from bot.senders import Senders
from bot.settings import Settings
from handlers.store import Store
from handlers.types import Inbound, Result
from storage.database import Database
from storage.intake import (
    CLAIMED,
    DONE,
    FAILED,
    INBOX,
    OUTBOX,
    PENDING,
    SENDING,
    SENT,
    SETTLED,
    UNREACHABLE,
    Pruned,
    SqlIntake,
)
from storage.models import InboxEventRow, ReplyOutboxRow, WorkerHeartbeatRow
from tests.intake_support import eventually
from tests.support import Clock

CH = "test"
T0 = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def _db(database_url: tuple[str, dict]) -> Database:
    url, kwargs = database_url
    return Database(url, **kwargs)


def _is_pg(database_url: tuple[str, dict]) -> bool:
    return not database_url[0].startswith("sqlite")


async def _events(database: Database) -> dict[str, str]:
    """event key → status of every stored event."""
    async with database.transaction() as session:
        rows = await session.execute(select(InboxEventRow.event_key, InboxEventRow.status))
        return {key: status for key, status in rows}


async def _replies(database: Database) -> dict[str, str]:
    """payload → status of every stored reply."""
    async with database.transaction() as session:
        rows = await session.execute(select(ReplyOutboxRow.payload, ReplyOutboxRow.status))
        return {payload: status for payload, status in rows}


async def _handled_event(intake: SqlIntake, key: str, at: datetime, status: str = DONE) -> None:
    """An event of its own sender, stored and handled (or set aside as failed) at ``at``."""
    (stored,) = await intake.store(CH, [(f"user-{key}", key, f'{{"text": "{key}"}}')], at)
    assert stored.item is not None
    async with intake.database.transaction() as session:
        await intake.finish_event(session, stored.item.id, at, status)
    intake.let_go(INBOX, stored.item.id)


async def _settled_reply(intake: SqlIntake, text: str, at: datetime, status: str = SENT) -> None:
    """A reply to a chat of its own, written and settled (sent, refused for good, unreachable) at ``at``."""
    chat = (CH, f"chat-{text}")
    async with intake.database.transaction() as session:
        (item,) = await intake.add_replies(session, [(*chat, text)], at, claim_chat=chat)
    await intake.settle_reply(item.id, status, at)
    intake.let_go(OUTBOX, item.id)


async def _open_rows(intake: SqlIntake, at: datetime, now: datetime) -> None:
    """Rows written long ago and still open: an event being handled and one waiting behind it (its handler died),
    replies being sent, one waiting for the chat, and one postponed by a flood wait until after ``now``."""
    stored = await intake.store(CH, [("stuck", "open-claimed", "{}"), ("stuck", "open-pending", "{}")], at)
    assert [s.item is not None for s in stored] == [True, False]
    chat = (CH, "busy-chat")
    async with intake.database.transaction() as session:
        sending, postponed = await intake.add_replies(
            session, [(*chat, "open-sending"), (*chat, "open-postponed")], at, claim_chat=chat
        )
        await intake.add_replies(session, [(CH, "waiting-chat", "open-pending")], at)
    await intake.postpone_reply(postponed.id, now + timedelta(hours=1), "429: retry after")
    intake.let_go(OUTBOX, sending.id)
    # Settled once and open again, its old settled time kept: no code path does this today (an operator's "send
    # the failed replies again" would); the status decides what may go, not the time.
    await _handled_event(intake, "open-again", at, FAILED)
    await _settled_reply(intake, "open-again", at, FAILED)
    async with intake.database.transaction() as session:
        reopen = {"status": PENDING, "claimed_by": None}
        await session.execute(update(InboxEventRow).where(InboxEventRow.event_key == "open-again").values(reopen))
        await session.execute(update(ReplyOutboxRow).where(ReplyOutboxRow.payload == "open-again").values(reopen))


OPEN_EVENTS = {"open-claimed": CLAIMED, "open-pending": PENDING, "open-again": PENDING}
OPEN_REPLIES = {"open-sending": SENDING, "open-postponed": PENDING, "open-pending": PENDING, "open-again": PENDING}


async def _no_handling(inbound: Inbound, on_commit: Callable[[Store, Result], Awaitable[None]]) -> Result:
    raise AssertionError("no event is handled in these tests")


def _dispatcher(
    intake: SqlIntake, clock: Clock, *, retention: timedelta | None = None, prune_seconds: float = 3600
) -> Dispatcher:
    """The bot's dispatcher over ``intake``, with no channel to handle or send on."""
    replies = ReplySender(intake, Senders(), clock)
    return Dispatcher(intake, _no_handling, replies, clock, retention=retention, prune_seconds=prune_seconds)


# --- what a maintenance pass deletes ----------------------------------------------------------------------------


async def test_a_maintenance_pass_deletes_what_was_settled_before_the_period_and_keeps_the_rest(database_url) -> None:
    database = _db(database_url)
    clock = Clock(T0 + timedelta(days=30))
    intake = SqlIntake(database, "w-a")
    try:
        old, recent = clock.now - WEEK - timedelta(minutes=1), clock.now - WEEK + timedelta(minutes=1)
        await _handled_event(intake, "old-done", old)
        await _handled_event(intake, "old-failed", old, FAILED)
        await _handled_event(intake, "recent-done", recent)
        await _handled_event(intake, "recent-failed", recent, FAILED)
        for status in SETTLED:
            await _settled_reply(intake, f"old-{status}", old, status)
            await _settled_reply(intake, f"recent-{status}", recent, status)
        await _open_rows(intake, T0, clock.now)  # open for a month: older than any settled row
        dispatcher = _dispatcher(intake, clock, retention=WEEK)

        task = await dispatcher.maintain()
        assert task is not None
        assert await task == Pruned(events=2, replies=3)

        assert await _events(database) == {"recent-done": DONE, "recent-failed": FAILED, **OPEN_EVENTS}
        assert await _replies(database) == {f"recent-{s}": s for s in SETTLED} | OPEN_REPLIES
    finally:
        await database.dispose()


async def test_a_redelivered_update_within_the_period_is_still_a_duplicate(database_url) -> None:
    """Telegram delivers an update again for up to a day (a webhook retried, an offset not confirmed): a pass of
    the prune in between must leave its key, or the message would be handled twice."""
    database = _db(database_url)
    clock = Clock(T0)
    intake = SqlIntake(database, "w-a")
    try:
        dispatcher = _dispatcher(intake, clock, retention=WEEK)
        await _handled_event(intake, "last-month", T0 - timedelta(days=30))
        await _handled_event(intake, "41", T0)
        clock.advance(days=6, hours=23)

        task = await dispatcher.maintain()
        assert task is not None and await task == Pruned(events=1, replies=0)
        assert await dispatcher.receive(CH, [IncomingEvent("user-41", "41", {"text": "again"})]) == 0
        assert await _events(database) == {"41": DONE}

        # A week and more later its key goes too (no platform redelivers that late).
        clock.advance(hours=2)
        dispatcher.prune_seconds = 0
        task = await dispatcher.maintain()
        assert task is not None and await task == Pruned(events=1, replies=0)
        assert await _events(database) == {}
    finally:
        await database.dispose()


def test_the_retention_cannot_be_set_below_the_platforms_redelivery_window() -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, intake_retention_days=0)
    assert Settings(_env_file=None).intake_retention_days == 7


# --- batches, replicas, how often -------------------------------------------------------------------------------


async def _bulk(database: Database, events: int, replies: int, at: datetime) -> None:
    """Rows as the intake leaves them once handled and sent, written at once (thousands through the API would
    take most of a minute)."""
    async with database.transaction() as session:
        if events:
            await session.execute(
                insert(InboxEventRow.__table__),  # type: ignore[attr-defined]
                [
                    {"channel": CH, "sender": f"u{n % 97}", "event_key": str(n), "payload": "{}", "status": DONE,
                     "claimed_by": "w-gone", "claimed_at": at, "attempts": 1, "received_at": at, "handled_at": at}
                    for n in range(events)
                ],
            )  # fmt: skip
        if replies:
            await session.execute(
                insert(ReplyOutboxRow.__table__),  # type: ignore[attr-defined]
                [
                    {"channel": CH, "chat": f"u{n % 97}", "payload": "{}", "status": SENT, "claimed_by": "w-gone",
                     "claimed_at": at, "attempts": 1, "due_at": at, "created_at": at, "sent_at": at, "error": ""}
                    for n in range(replies)
                ],
            )  # fmt: skip


async def test_more_rows_than_one_batch_are_all_deleted(database_url) -> None:
    """The default batch is 1,000 rows a statement: 2,000 events (an exact multiple) and 2,345 replies."""
    database = _db(database_url)
    clock = Clock(T0 + timedelta(days=30))
    intake = SqlIntake(database, "w-a")
    try:
        await _bulk(database, 2000, 2345, T0)
        await _handled_event(intake, "kept", clock.now - timedelta(days=1))
        dispatcher = _dispatcher(intake, clock, retention=WEEK)

        task = await dispatcher.maintain()
        assert task is not None and await task == Pruned(events=2000, replies=2345)
        assert await _events(database) == {"kept": DONE}
        assert await _replies(database) == {}
    finally:
        await database.dispose()


async def test_small_batches_repeat_until_nothing_is_left(database_url) -> None:
    database = _db(database_url)
    intake = SqlIntake(database, "w-a")
    try:
        for n in range(23):
            await _handled_event(intake, f"e{n}", T0, FAILED if n % 5 == 0 else DONE)
            await _settled_reply(intake, f"r{n}", T0, (SENT, FAILED, UNREACHABLE)[n % 3])
        await _open_rows(intake, T0, T0)

        assert await intake.prune(T0 + timedelta(seconds=1), batch=5) == Pruned(events=23, replies=23)
        assert await _events(database) == OPEN_EVENTS
        assert await _replies(database) == OPEN_REPLIES
    finally:
        await database.dispose()


async def test_replicas_pruning_at_once_delete_every_row_once_and_neither_fails(database_url) -> None:
    """Several replicas run the same hourly prune, possibly at the same moment: on PostgreSQL each takes rows the
    others have not locked, so none waits for another, deadlocks or counts a row another deleted."""
    # Each replica with its own pool on PostgreSQL; one process serves an SQLite file.
    databases = [_db(database_url) for _ in range(3 if _is_pg(database_url) else 1)]
    intakes = [SqlIntake(databases[i % len(databases)], f"w{i}") for i in range(3)]
    try:
        await _bulk(databases[0], 3000, 3000, T0)
        results = await asyncio.gather(*(i.prune(T0 + timedelta(seconds=1), batch=50) for i in intakes))
        assert sum(r.events for r in results) == 3000
        assert sum(r.replies for r in results) == 3000
        assert await _events(databases[0]) == {}
        assert await _replies(databases[0]) == {}
    finally:
        for database in databases:
            await database.dispose()


async def test_a_prune_does_not_wait_for_rows_another_replicas_prune_is_deleting(database_url) -> None:
    """PostgreSQL: while one replica's batch holds its rows (deleted, not yet committed), another replica's prune
    takes the other rows and returns instead of waiting for that transaction."""
    if not _is_pg(database_url):
        pytest.skip("row locks: one process serves an SQLite file, its transactions one at a time")
    first, second = _db(database_url), _db(database_url)
    try:
        await _bulk(first, 300, 0, T0)
        async with first.transaction() as session:
            in_flight = await session.execute(
                select(InboxEventRow.id).order_by(InboxEventRow.id).limit(100).with_for_update()
            )
            ids = list(in_flight.scalars())
            await session.execute(delete(InboxEventRow).where(InboxEventRow.id.in_(ids)))
            pruned = await asyncio.wait_for(SqlIntake(second, "w-b").prune(T0 + timedelta(seconds=1), batch=50), 10)
            assert pruned == Pruned(events=200, replies=0)
        assert await _events(first) == {}
    finally:
        await first.dispose()
        await second.dispose()


async def test_the_prune_runs_at_most_once_per_interval_and_from_the_loop(database_url) -> None:
    database = _db(database_url)
    clock = Clock(T0)
    intake = SqlIntake(database, "w-a")
    try:
        await _handled_event(intake, "first", T0 - timedelta(days=8))
        dispatcher = _dispatcher(intake, clock, retention=WEEK)  # every hour
        task = await dispatcher.maintain()
        assert task is not None and await task == Pruned(events=1, replies=0)

        await _handled_event(intake, "second", T0 - timedelta(days=8))
        clock.advance(minutes=59)  # (the interval is the process's own, not the clock's: this changes nothing)
        assert await dispatcher.maintain() is None  # within the hour: the next beats do not prune
        assert await _events(database) == {"second": DONE}

        # The maintenance loop itself prunes once the interval has passed (here a fifth of a second).
        dispatcher.prune_seconds = 0.2
        dispatcher.heartbeat_seconds = 0.02
        await dispatcher.start()
        try:
            await eventually(lambda: dispatcher._pruning not in (task, None), "a prune started by the loop")
            assert dispatcher._pruning is not None
            await dispatcher._pruning
            assert await _events(database) == {}
        finally:
            await dispatcher.stop()
    finally:
        await database.dispose()


class SlowPrune(SqlIntake):
    """A first prune on months of rows: it lasts until released."""

    def __init__(self, database: Database, worker: str) -> None:
        super().__init__(database, worker)
        self.release = asyncio.Event()
        self.prunes = 0

    async def prune(self, before: datetime, batch: int = 1000) -> Pruned:
        self.prunes += 1
        await self.release.wait()
        return await super().prune(before, batch)


async def test_a_long_prune_never_delays_the_heartbeat(database_url) -> None:
    """A beat late by INTAKE_STALE_SECONDS hands this process's work to another replica (sent twice): the loop
    keeps beating while a prune runs, and starts no second prune beside it."""
    database = _db(database_url)
    clock = Clock(T0)
    intake = SlowPrune(database, "w-a")
    try:
        await _handled_event(intake, "old", T0 - timedelta(days=8))
        dispatcher = _dispatcher(intake, clock, retention=WEEK, prune_seconds=0)
        task = await asyncio.wait_for(dispatcher.maintain(), 5)
        assert task is not None and not task.done()
        clock.advance(seconds=5)
        assert await asyncio.wait_for(dispatcher.maintain(), 5) is None
        async with database.transaction() as session:
            beat = await session.scalar(select(WorkerHeartbeatRow.beat_at).where(WorkerHeartbeatRow.worker == "w-a"))
        assert beat is not None and beat.replace(tzinfo=UTC) == clock.now
        assert intake.prunes == 1
        intake.release.set()
        assert await task == Pruned(events=1, replies=0)
    finally:
        await database.dispose()


async def test_without_a_retention_nothing_is_deleted(database_url) -> None:
    database = _db(database_url)
    intake = SqlIntake(database, "w-a")
    try:
        await _handled_event(intake, "old", T0 - timedelta(days=300))
        dispatcher = _dispatcher(intake, Clock(T0))
        assert await dispatcher.maintain() is None
        assert await _events(database) == {"old": DONE}
    finally:
        await database.dispose()


# --- the setting, from the environment to the running dispatcher ------------------------------------------------


async def test_intake_retention_days_from_the_environment_reaches_the_bots_dispatcher(
    database_url, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTAKE_RETENTION_DAYS", "3")
    settings = Settings(
        _env_file=None, database_url=database_url[0], file_store_dir=tmp_path / "files", channels="console"
    )
    clock = Clock(T0)
    app = App(settings, clock=clock, engine_kwargs=database_url[1])
    try:
        channels = Channels(app, Runtime())  # what `python -m bot run` builds
        await _handled_event(channels.intake, "four-days", T0 - timedelta(days=4))
        await _handled_event(channels.intake, "two-days", T0 - timedelta(days=2))
        await _settled_reply(channels.intake, "four-days", T0 - timedelta(days=4))
        await _settled_reply(channels.intake, "two-days", T0 - timedelta(days=2))

        task = await channels.dispatcher.maintain()
        assert task is not None and await task == Pruned(events=1, replies=1)
        assert await _events(app.database) == {"two-days": DONE}
        assert await _replies(app.database) == {"two-days": SENT}
        assert channels.dispatcher.prune_seconds == 3600
    finally:
        await app.close()

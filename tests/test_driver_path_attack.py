"""Attacks on the driver path (storage.driver) on PostgreSQL: where it first behaved worse than the SQLAlchemy
session path it replaced. Each test asserts what the session path did (checked against 486b50c where the API
existed); each failed until its fix."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, func, insert, select, text

from storage import hot_queries as hot
from storage.database import Database
from storage.intake import SqlIntake
from storage.models import ChannelUsageRow, ConversationRow
from tests.conftest import PG_URL, _pg_test_database

NOW = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)

_usage = ChannelUsageRow.__table__  # type: ignore[attr-defined]
_ADD = insert(_usage).values(channel=bindparam("account"), month=bindparam("slot"), sent=bindparam("used"))
_COUNT = select(func.count()).select_from(_usage).where(_usage.c.channel == bindparam("account"))


@pytest.fixture
async def pg_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    if not PG_URL:
        pytest.skip("PostgreSQL only")
    async with _pg_test_database(request.getfixturevalue("migrated_postgres")) as url:
        yield url


@pytest.fixture
async def pg_database(pg_url: str) -> AsyncIterator[Database]:
    db = Database(pg_url)
    try:
        yield db
    finally:
        await db.dispose()


async def test_a_store_cancelled_while_it_waits_for_a_senders_lock_does_not_break_the_next_store(
    pg_url: str,
) -> None:
    """A webhook's store waits for the sender's lock (another replica is claiming that sender's next event) and is
    cancelled (a shutdown, a request timeout). The next update, from someone else, must still be stored."""
    database = Database(pg_url)
    replica = Database(pg_url)
    intake = SqlIntake(database, "worker-a")
    other = SqlIntake(replica, "worker-b")
    holding, release = asyncio.Event(), asyncio.Event()

    async def claim_on_the_other_replica() -> None:
        async with replica.transaction() as session:
            await other.claim_next_event(session, "telegram", "42", NOW)  # takes the sender's lock
            holding.set()
            await release.wait()

    held = asyncio.create_task(claim_on_the_other_replica())
    try:
        await holding.wait()
        waiting = asyncio.create_task(intake.store("telegram", [("42", "update-1", "{}")], NOW))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        # The next update comes at once, from someone else (the other replica still holds "42").
        stored = await intake.store("telegram", [("7", "update-2", "{}")], NOW)
        assert [s.sender for s in stored] == ["7"]
        async with database.unit_of_work() as store:  # and a message's own transaction works too
            assert await store.session.scalar(text("SELECT 1")) == 1
    finally:
        release.set()
        await held
        await database.dispose()
        await replica.dispose()


async def test_after_a_column_change_only_one_message_fails_not_one_per_pooled_connection(pg_url: str) -> None:
    """A migration applied while the bot runs (a rolling deploy) widens a column the actor's query returns. The
    session path lost one message's transaction per process to the stale prepared statement; the driver path loses
    one per pooled connection (up to 20), and an event whose three attempts land on three stale connections is set
    aside (dispatcher.MAX_EVENT_ATTEMPTS)."""
    database = Database(pg_url, pool_size=3, max_overflow=0)
    try:

        async def three_units(gate: Callable[[int], Awaitable[None]]) -> list[str]:
            outcomes: list[str] = []

            async def one(i: int) -> None:
                try:
                    async with database.unit_of_work() as store:
                        await store.session.execute(text("SELECT 1"))  # each holds a connection of its own
                        await gate(i)
                        await store.load_actor("telegram", f"user-{i}")
                    outcomes.append("ok")
                except Exception as error:
                    outcomes.append(type(error).__name__)

            await asyncio.gather(*(one(i) for i in range(3)))
            return outcomes

        together = asyncio.Barrier(3)

        async def at_once(_i: int) -> None:
            await together.wait()

        assert await three_units(at_once) == ["ok"] * 3  # every connection has the statement prepared

        admin = Database(pg_url)
        try:
            async with admin.transaction() as session:
                await session.execute(text("ALTER TABLE person ALTER COLUMN position TYPE VARCHAR(300)"))
        finally:
            await admin.dispose()

        holding = asyncio.Barrier(3)
        turns = [asyncio.Event() for _ in range(4)]
        turns[0].set()

        async def one_after_another(i: int) -> None:  # three connections, used one after another
            await holding.wait()
            await turns[i].wait()
            asyncio.get_running_loop().call_later(0.2, turns[i + 1].set)

        outcomes = await three_units(one_after_another)
        assert outcomes.count("ok") >= 2, outcomes
    finally:
        await database.dispose()


async def test_writes_within_a_session_that_committed_and_goes_on_belong_to_its_new_transaction(
    pg_database: Database,
) -> None:
    async with pg_database.sessions() as session:  # a session without begin(): autobegin
        writes = await pg_database.quick.within(session)
        await writes.run(_ADD, {"account": "first", "slot": "1", "used": 1})
        await session.commit()
        writes = await pg_database.quick.within(session)
        await writes.run(_ADD, {"account": "second", "slot": "1", "used": 1})
        await session.rollback()
    assert (await pg_database.quick.rows(_COUNT, {"account": "first"}))[0][0] == 1
    assert (await pg_database.quick.rows(_COUNT, {"account": "second"}))[0][0] == 0, "a rolled-back write stayed"


async def test_a_statement_missing_a_parameter_fails_instead_of_writing_null(pg_database: Database) -> None:
    async with pg_database.unit_of_work() as store:
        identity, _, conversation = await store.load_actor("telegram", "55")
        conversation.flow = "submission"
        await store.save_conversation(conversation)  # version 1, flow "submission"
    params = {"b_identity_id": identity.id, "b_version": 1, "state": {}, "new_version": 2, "updated_at": NOW}
    with pytest.raises(Exception, match="flow"):  # "flow" left out by mistake
        async with pg_database.transaction() as session:
            writes = await pg_database.quick.within(session)
            await writes.run(hot.SAVE_CONVERSATION, params)
    async with pg_database.transaction() as session:
        row = await session.get(ConversationRow, identity.id)
        assert row is not None
        assert row.flow == "submission"

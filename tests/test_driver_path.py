"""The intake's short writes on the driver (``storage.driver``): the same statements and the same outcome on both
backends, a failed transaction leaves nothing behind, the locks serialise, and a connection the server ended while
it waited in the pool is replaced before use (there is no pre-ping any more)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import bindparam, func, insert, select, text

from storage.database import Database, create_engine
from storage.driver import lock_key
from storage.models import ChannelUsageRow
from tests.conftest import PG_URL, _pg_test_database

_usage = ChannelUsageRow.__table__
_ADD = insert(_usage).values(channel=bindparam("account"), month=bindparam("slot"), sent=bindparam("used"))
_COUNT = select(func.count()).select_from(_usage).where(_usage.c.channel == bindparam("account"))
_SUM = select(func.coalesce(func.sum(_usage.c.sent), 0)).where(_usage.c.channel == bindparam("account"))


@pytest.fixture
async def database(database_url: tuple[str, dict]) -> AsyncIterator[Database]:
    db = Database(database_url[0], **database_url[1])
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def pg_database(request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    if not PG_URL:
        pytest.skip("PostgreSQL only")
    async with _pg_test_database(request.getfixturevalue("migrated_postgres")) as url:
        db = Database(url)
        try:
            yield db
        finally:
            await db.dispose()


async def _count(database: Database, account: str) -> int:
    return int((await database.quick.rows(_COUNT, {"account": account}))[0][0])


async def test_rows_written_in_a_transaction_are_there_after_it_and_gone_when_it_failed(database: Database) -> None:
    async with database.quick.transaction(["a lock"]) as writes:
        await writes.run_many(_ADD, [{"account": "kept", "slot": str(s), "used": 1} for s in range(3)])
        assert (await writes.rows(_COUNT, {"account": "kept"}))[0][0] == 3
    with pytest.raises(RuntimeError):
        async with database.quick.transaction(["a lock"]) as writes:
            await writes.run_many(_ADD, [{"account": "dropped", "slot": "1", "used": 1}])
            raise RuntimeError("the caller failed after writing")
    assert await _count(database, "kept") == 3
    assert await _count(database, "dropped") == 0
    # The connection that saw the failure went back to the pool usable.
    await database.quick.run_many(_ADD, [{"account": "after", "slot": "1", "used": 1}])
    assert await _count(database, "after") == 1


async def test_a_batch_that_breaks_a_constraint_writes_none_of_its_rows(database: Database) -> None:
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        await database.quick.run_many(_ADD, [{"account": "twice", "slot": "1", "used": 1}] * 2)
    assert await _count(database, "twice") == 0


async def test_transactions_holding_the_same_lock_take_turns(pg_database: Database) -> None:
    inside: list[str] = []

    async def hold(name: str) -> None:
        async with pg_database.quick.transaction(["inbox:telegram:42"]) as writes:
            inside.append(f"{name} in")
            await writes.rows(text("SELECT pg_sleep(0.2)"), {})
            inside.append(f"{name} out")

    await asyncio.gather(hold("a"), hold("b"))
    assert inside in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])


async def test_the_driver_path_and_a_session_take_the_same_lock_for_the_same_name(pg_database: Database) -> None:
    async with pg_database.transaction() as session:
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key("outbox:telegram:7")})
        waiting = asyncio.create_task(_take_on_driver(pg_database, "outbox:telegram:7"))
        await asyncio.sleep(0.3)
        assert not waiting.done(), "the driver path took a lock a session holds"
    await asyncio.wait_for(waiting, 5)


async def _take_on_driver(database: Database, name: str) -> None:
    async with database.quick.transaction([name]):
        pass


async def test_connections_the_server_ended_in_the_pool_are_replaced_before_use(pg_database: Database) -> None:
    """What a restart or a failover does to a quiet bot: every idle connection in its pool ends. The next messages
    find fresh connections, on the session path and on the driver path, without one failing first."""

    async def busy(n: int) -> None:
        barrier = asyncio.Barrier(n)

        async def one(i: int) -> None:
            async with pg_database.transaction() as session:
                await session.execute(text("SELECT 1"))
                await barrier.wait()
            await pg_database.quick.run_many(_ADD, [{"account": f"before {i}", "slot": str(i), "used": 1}])

        await asyncio.gather(*(one(i) for i in range(n)))

    await busy(4)
    assert await _end_connections(str(pg_database.engine.url.database)) >= 4
    await asyncio.sleep(0.2)  # the ends reach the bot's event loop, as they would while it waits for messages
    for i in range(4):
        async with pg_database.transaction() as session:
            assert await session.scalar(text("SELECT 1")) == 1
        assert (await pg_database.quick.rows(_SUM, {"account": f"before {i}"}))[0][0] == 1


async def _end_connections(name: str) -> int:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            ended = await connection.scalar(
                text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name},
            )
            return int(ended or 0)
    finally:
        await admin.dispose()


async def test_hot_statements_inside_a_session_stand_or_fall_with_its_transaction(database: Database) -> None:
    """Inside the transaction that handles a message, the hot statements run on the session's own connection: a
    statement the session has not run yet (its transaction not begun), a row the session holds unwritten, and the
    session's rollback undoing both."""
    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            writes = await database.quick.within(session)
            await writes.run(_ADD, {"account": "first", "slot": "1", "used": 1})  # before any statement of the session
            session.add(ChannelUsageRow(channel="held", month="1", sent=1))
            assert (await writes.rows(_COUNT, {"account": "held"}))[0][0] == 1, "the held row was not flushed first"
            raise RuntimeError("handling the message failed")
    assert await _count(database, "first") == 0
    assert await _count(database, "held") == 0
    async with database.transaction() as session:
        writes = await database.quick.within(session)
        assert await writes.run(_ADD, {"account": "first", "slot": "1", "used": 1}) == 1
        session.add(ChannelUsageRow(channel="held", month="1", sent=1))
        rows = await writes.rows(_COUNT, {"account": "held"})
        assert rows[0][0] == 1
    assert await _count(database, "first") == 1
    assert await _count(database, "held") == 1


async def test_a_transaction_cancelled_mid_statement_leaves_nothing_and_no_open_transaction(
    pg_database: Database,
) -> None:
    """A worker cancelled while its transaction waits (a shutdown, a timeout), and again while it rolls back: what
    it wrote is gone, and the one connection of the pool is not handed to the next caller inside that
    transaction."""
    database = Database(pg_database.url, pool_size=1, max_overflow=0)
    try:

        async def slow_write() -> None:
            async with database.quick.transaction(["a lock"]) as writes:
                await writes.run(_ADD, {"account": "cancelled", "slot": "1", "used": 1})
                await writes.rows(text("SELECT pg_sleep(5)"), {})

        task = asyncio.create_task(slow_write())
        await asyncio.sleep(0.5)
        task.cancel()
        await asyncio.sleep(0)
        task.cancel()  # again, while it rolls back
        with pytest.raises(asyncio.CancelledError):
            await task
        async with database.transaction() as session:
            assert await session.scalar(text("SELECT 1")) == 1
        await database.quick.run_many(_ADD, [{"account": "next", "slot": "1", "used": 1}])
        assert await _count(database, "cancelled") == 0
        assert await _count(database, "next") == 1
    finally:
        await database.dispose()

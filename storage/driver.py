"""Statements on the path of every message run on the database driver itself rather than through SQLAlchemy's
session: the writes of the intake's own (an update stored, a reply settled, a sending token taken) and, inside
the transaction that handles a message, the hot statements (the actor, the conversation, the draft, the event
marked handled, the reply written).

On PostgreSQL each round trip costs the bot a socket write and a wake-up, and a session adds its own work per
transaction and per statement: a one-statement transaction through a session cost about 570 µs of CPU here,
the same on asyncpg alone about 170 µs; a statement inside a transaction about 160 µs through a session and
50 µs on asyncpg. So on PostgreSQL the intake's writes take a connection from the engine's pool, open the
transaction and take its advisory locks in one round trip, and a write that is one statement runs alone,
committed by itself (one round trip, no BEGIN or COMMIT); inside a session's transaction the hot statements run
on the session's own connection (``within``), after the session has flushed what it holds. The statements stay
SQLAlchemy statements, written once: they are compiled once for the engine's dialect and their SQL is handed to
asyncpg. On SQLite, where a statement is a function call, the same statements run through a session as before.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import namedtuple
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from asyncpg.exceptions import InvalidCachedStatementError, OutdatedSchemaCacheError, PostgresError
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.sql import Executable
from sqlalchemy.util import greenlet_spawn

Params = dict[str, Any]
_WITHIN = "storage.driver.within"  # session.info: the driver writes of the session's current transaction


def lock_key(name: str) -> int:
    """The advisory lock key of a name: the same in every process and on every path (a signed 64-bit integer)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


class Writes(Protocol):
    """Statements inside one transaction. Rows are tuples whose values are also attributes, as SQLAlchemy's."""

    on_driver: bool

    async def rows(self, statement: Executable, params: Params) -> Sequence[Any]: ...

    async def run(self, statement: Executable, params: Params) -> int:
        """The number of rows the statement changed."""
        ...

    async def run_many(self, statement: Executable, params: list[Params]) -> None: ...


class QuickWrites(Protocol):
    def transaction(self, locks: Iterable[str] = ()) -> AbstractAsyncContextManager[Writes]:
        """A transaction that first takes the advisory locks of ``locks``, in the order given."""
        ...

    async def rows(self, statement: Executable, params: Params) -> Sequence[Any]:
        """One statement committed by itself."""
        ...

    async def run_many(self, statement: Executable, params: list[Params]) -> None:
        """One statement for each set of parameters, committed together."""
        ...

    async def within(self, session: AsyncSession) -> Writes:
        """Statements inside the transaction a session has begun, on its own connection."""
        ...


class _Compiled:
    def __init__(self, statement: Executable, engine: AsyncEngine) -> None:
        compiled = statement.compile(dialect=engine.dialect)
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("a statement on the driver path cannot expand a list of values at execution")
        self.sql = compiled.string
        self.names = list(compiled.positiontup or ())
        self.defaults = compiled.construct_params(_check=False)
        self.required = {name for name in self.names if compiled.binds[name].required}
        self.processors = dict(compiled._bind_processors)
        self.row: Any = None  # a named tuple of the statement's columns, made from its first row

    def args(self, params: Params) -> list[Any]:
        out = []
        for name in self.names:
            if name in params:
                value = params[name]
            elif name in self.required:  # as SQLAlchemy would: never a silent NULL
                raise InvalidRequestError(f"A value is required for bind parameter {name!r}")
            else:
                value = self.defaults[name]
            processor = self.processors.get(name)
            out.append(processor(value) if processor is not None else value)
        return out


class _AsyncpgWrites:
    on_driver = True

    def __init__(self, connection: Any, owner: AsyncpgQuickWrites) -> None:
        self.connection = connection
        self.owner = owner

    async def rows(self, statement: Executable, params: Params) -> Sequence[Any]:
        compiled = self.owner.compile(statement)
        records = await self._call(self.connection.fetch, compiled.sql, *compiled.args(params))
        if records and compiled.row is None:
            compiled.row = namedtuple("Row", list(records[0].keys()), rename=True)  # type: ignore[misc]
        return [compiled.row._make(record.values()) for record in records]

    async def run(self, statement: Executable, params: Params) -> int:
        compiled = self.owner.compile(statement)
        status: str = await self._call(self.connection.execute, compiled.sql, *compiled.args(params))
        return int(status.rsplit(" ", 1)[-1]) if status[-1:].isdigit() else 0

    async def run_many(self, statement: Executable, params: list[Params]) -> None:
        compiled = self.owner.compile(statement)
        if len(params) == 1:
            await self._call(self.connection.execute, compiled.sql, *compiled.args(params[0]))
        else:  # asyncpg sends them in one pipeline, atomically
            await self._call(self.connection.executemany, compiled.sql, [compiled.args(p) for p in params])

    async def _call(self, method: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        try:
            return await method(*args)
        except (InvalidCachedStatementError, OutdatedSchemaCacheError):
            self.owner.schema_changed()
            raise


class _FlushFirst:
    """Driver statements inside a session's transaction: what the session holds unwritten (objects added or
    changed) is flushed first, as the session would before a statement of its own."""

    on_driver = True

    def __init__(self, session: AsyncSession, writes: _AsyncpgWrites) -> None:
        self.session = session
        self.writes = writes

    async def _flush(self) -> None:
        if self.session.new or self.session.dirty or self.session.deleted:
            await self.session.flush()

    async def rows(self, statement: Executable, params: Params) -> Sequence[Any]:
        await self._flush()
        return await self.writes.rows(statement, params)

    async def run(self, statement: Executable, params: Params) -> int:
        await self._flush()
        return await self.writes.run(statement, params)

    async def run_many(self, statement: Executable, params: list[Params]) -> None:
        await self._flush()
        await self.writes.run_many(statement, params)


class AsyncpgQuickWrites:
    """PostgreSQL: the statements' SQL on the asyncpg connection under the engine's pooled connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._compiled: dict[int, tuple[Executable, _Compiled]] = {}
        self._schema_generation = 0
        self._schema_seen: WeakKeyDictionary[Any, int] = WeakKeyDictionary()

    def compile(self, statement: Executable) -> _Compiled:
        held = self._compiled.get(id(statement))
        if held is None or held[0] is not statement:
            held = (statement, _Compiled(statement, self.engine))
            self._compiled[id(statement)] = held
        return held[1]

    def schema_changed(self) -> None:
        """A prepared statement no longer matches its tables (a migration ran while the bot was up): every
        connection forgets its prepared statements before its next use, so one message fails, not one per pooled
        connection, and SQLAlchemy's own cache is told as its own failure would."""
        self._schema_generation += 1
        invalidate = getattr(self.engine.dialect, "_invalidate_schema_cache", None)
        if invalidate is not None:
            invalidate()

    async def _current(self, driver: Any) -> None:
        if self._schema_seen.get(driver, 0) != self._schema_generation:
            await driver.reload_schema_state()
            self._schema_seen[driver] = self._schema_generation

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        pooled = await greenlet_spawn(self.engine.sync_engine.pool.connect)
        driver = pooled.driver_connection
        reusable = False
        try:
            await self._current(driver)
            yield driver
            reusable = True
        except PostgresError:  # the server refused a statement; the connection itself is sound
            reusable = True
            raise
        finally:
            if not reusable or driver.is_closed() or driver.is_in_transaction():
                # Closed under us, or left by a cancellation or a lost connection with a query or a transaction
                # perhaps still open: not for the next caller.
                pooled.invalidate()
            await greenlet_spawn(pooled.close)

    @asynccontextmanager
    async def transaction(self, locks: Iterable[str] = ()) -> AsyncIterator[Writes]:
        begin = "BEGIN" + "".join(f"; SELECT pg_advisory_xact_lock({lock_key(name)})" for name in locks)
        async with self._connection() as connection:
            try:
                await connection.execute(begin)  # one round trip: a simple query may hold several statements
                yield _AsyncpgWrites(connection, self)
            except BaseException:
                if not connection.is_closed():
                    # The caller sees why it failed, not a failed ROLLBACK; a connection it leaves open is dropped.
                    with contextlib.suppress(Exception):
                        await connection.execute("ROLLBACK")
                raise
            await connection.execute("COMMIT")

    async def rows(self, statement: Executable, params: Params) -> Sequence[Any]:
        async with self._connection() as connection:
            return await _AsyncpgWrites(connection, self).rows(statement, params)

    async def run_many(self, statement: Executable, params: list[Params]) -> None:
        async with self._connection() as connection:
            await _AsyncpgWrites(connection, self).run_many(statement, params)

    async def within(self, session: AsyncSession) -> Writes:
        held = session.info.get(_WITHIN)
        transaction = session.get_transaction()
        if held is not None and transaction is not None and held[0] is transaction:
            return held[1]  # type: ignore[no-any-return]
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        adapted, driver = raw.dbapi_connection, raw.driver_connection
        if driver is None:
            return SessionWrites(session)
        if not driver.is_in_transaction():
            # SQLAlchemy's asyncpg adapter opens the driver's transaction at its first statement; opened here
            # instead (its own method), the session then commits or rolls back the transaction as its own.
            start = getattr(adapted, "_start_transaction", None)
            if start is None or getattr(adapted, "_transaction", True) is not None:
                return SessionWrites(session)
            await self._current(driver)
            await start()
            if not driver.is_in_transaction():
                return SessionWrites(session)
        else:
            await self._current(driver)
        writes = _FlushFirst(session, _AsyncpgWrites(driver, self))
        # Kept for the transaction the session is in now (read after it began): a later one looks again.
        session.info[_WITHIN] = (session.get_transaction(), writes)
        return writes


class SessionWrites:
    """The statements through a session, as any other (SQLite, or before a session's transaction has begun)."""

    on_driver = False

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rows(self, statement: Executable, params: Params) -> Sequence[Any]:
        return list(await self.session.execute(statement, params))

    async def run(self, statement: Executable, params: Params) -> int:
        result: Any = await self.session.execute(statement, params)
        return int(result.rowcount)

    async def run_many(self, statement: Executable, params: list[Params]) -> None:
        connection = await self.session.connection()
        await connection.execute(statement, params)


class SessionQuickWrites:
    """SQLite: the same statements through a session (one writer at a time: no advisory locks to take)."""

    def __init__(self, transaction: Callable[[], AbstractAsyncContextManager[AsyncSession]]) -> None:
        self._transaction = transaction

    @asynccontextmanager
    async def transaction(self, locks: Iterable[str] = ()) -> AsyncIterator[Writes]:
        async with self._transaction() as session:
            yield SessionWrites(session)

    async def rows(self, statement: Executable, params: Params) -> Sequence[Any]:
        return await self._alone(lambda writes: writes.rows(statement, params))

    async def run_many(self, statement: Executable, params: list[Params]) -> None:
        await self._alone(lambda writes: writes.run_many(statement, params))

    async def within(self, session: AsyncSession) -> Writes:
        return SessionWrites(session)

    async def _alone(self, work: Callable[[Writes], Awaitable[Any]]) -> Any:
        async with self.transaction() as writes:
            return await work(writes)

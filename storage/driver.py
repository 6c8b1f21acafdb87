"""Short writes on the intake's own path (an update stored, a reply settled, a sending token taken) run on the
database driver itself rather than through a SQLAlchemy session.

On PostgreSQL each round trip costs the bot a socket write and a wake-up, and a session adds its own work per
transaction and per statement: a one-statement transaction through a session cost about 570 µs of CPU here,
the same on asyncpg alone about 170 µs, and one statement alone, committed by itself, about 50 µs. So on
PostgreSQL these writes take a connection from the engine's pool, open the transaction and take its advisory
locks in one round trip, and a write that is one statement runs alone, committed by itself (one round trip, no
BEGIN or COMMIT). The statements stay SQLAlchemy statements, written once: they are compiled once for the
engine's dialect and their SQL is handed to asyncpg. On SQLite, where a statement is a function call, the same
statements run through a session as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.sql import Executable
from sqlalchemy.util import greenlet_spawn

Params = dict[str, Any]


def lock_key(name: str) -> int:
    """The advisory lock key of a name: the same in every process and on every path (a signed 64-bit integer)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


class Writes(Protocol):
    """Statements inside one transaction."""

    async def rows(self, statement: Executable, params: Params) -> Sequence[Sequence[Any]]: ...

    async def run_many(self, statement: Executable, params: list[Params]) -> None: ...


class QuickWrites(Protocol):
    def transaction(self, locks: Iterable[str] = ()) -> AbstractAsyncContextManager[Writes]:
        """A transaction that first takes the advisory locks of ``locks``, in the order given."""
        ...

    async def rows(self, statement: Executable, params: Params) -> Sequence[Sequence[Any]]:
        """One statement committed by itself."""
        ...

    async def run_many(self, statement: Executable, params: list[Params]) -> None:
        """One statement for each set of parameters, committed together."""
        ...


class _Compiled:
    def __init__(self, statement: Executable, engine: AsyncEngine) -> None:
        compiled = statement.compile(dialect=engine.dialect)
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("a statement on the driver path cannot expand a list of values at execution")
        self.sql = compiled.string
        self.names = list(compiled.positiontup or ())
        self.defaults = compiled.construct_params(_check=False)
        self.processors = dict(compiled._bind_processors)

    def args(self, params: Params) -> list[Any]:
        out = []
        for name in self.names:
            value = params[name] if name in params else self.defaults[name]
            processor = self.processors.get(name)
            out.append(processor(value) if processor is not None else value)
        return out


class _AsyncpgWrites:
    def __init__(self, connection: Any, compile: Callable[[Executable], _Compiled]) -> None:
        self.connection = connection
        self.compile = compile

    async def rows(self, statement: Executable, params: Params) -> Sequence[Sequence[Any]]:
        compiled = self.compile(statement)
        result: Sequence[Sequence[Any]] = await self.connection.fetch(compiled.sql, *compiled.args(params))
        return result

    async def run_many(self, statement: Executable, params: list[Params]) -> None:
        compiled = self.compile(statement)
        if len(params) == 1:
            await self.connection.execute(compiled.sql, *compiled.args(params[0]))
        else:  # asyncpg sends them in one pipeline, atomically
            await self.connection.executemany(compiled.sql, [compiled.args(p) for p in params])


class AsyncpgQuickWrites:
    """PostgreSQL: the statements' SQL on the asyncpg connection under the engine's pooled connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._compiled: dict[int, tuple[Executable, _Compiled]] = {}

    def compile(self, statement: Executable) -> _Compiled:
        held = self._compiled.get(id(statement))
        if held is None or held[0] is not statement:
            held = (statement, _Compiled(statement, self.engine))
            self._compiled[id(statement)] = held
        return held[1]

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        pooled = await greenlet_spawn(self.engine.sync_engine.pool.connect)
        driver = pooled.driver_connection
        try:
            yield driver
        except BaseException as error:
            if driver.is_closed():
                pooled.invalidate(error if isinstance(error, Exception) else None)
            raise
        finally:
            await greenlet_spawn(pooled.close)

    @asynccontextmanager
    async def transaction(self, locks: Iterable[str] = ()) -> AsyncIterator[Writes]:
        begin = "BEGIN" + "".join(f"; SELECT pg_advisory_xact_lock({lock_key(name)})" for name in locks)
        async with self._connection() as connection:
            await connection.execute(begin)  # one round trip: a simple query may hold several statements
            try:
                yield _AsyncpgWrites(connection, self.compile)
            except BaseException:
                if not connection.is_closed():
                    await connection.execute("ROLLBACK")
                raise
            await connection.execute("COMMIT")

    async def rows(self, statement: Executable, params: Params) -> Sequence[Sequence[Any]]:
        async with self._connection() as connection:
            return await _AsyncpgWrites(connection, self.compile).rows(statement, params)

    async def run_many(self, statement: Executable, params: list[Params]) -> None:
        async with self._connection() as connection:
            await _AsyncpgWrites(connection, self.compile).run_many(statement, params)


class _SessionWrites:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rows(self, statement: Executable, params: Params) -> Sequence[Sequence[Any]]:
        connection = await self.session.connection()
        return list(await connection.execute(statement, params))

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
            yield _SessionWrites(session)

    async def rows(self, statement: Executable, params: Params) -> Sequence[Sequence[Any]]:
        return await self._alone(lambda writes: writes.rows(statement, params))

    async def run_many(self, statement: Executable, params: list[Params]) -> None:
        await self._alone(lambda writes: writes.run_many(statement, params))

    async def _alone(self, work: Callable[[Writes], Awaitable[Any]]) -> Any:
        async with self.transaction() as writes:
            return await work(writes)

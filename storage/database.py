"""Engine creation, per-event units of work, and applying the shipped Alembic migrations."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage.driver import AsyncpgQuickWrites, QuickWrites, SessionQuickWrites
from storage.repository import SqlStore
from storage.sqlite_inline import inline_creator

MIGRATIONS = Path(__file__).parent / "migrations"


def create_engine(url: str, *, pool_size: int = 20, **kwargs: Any) -> AsyncEngine:
    """``pool_size``: PostgreSQL connections a process keeps open. Beyond them up to 10 more are opened when
    needed but closed again on return, and a connection costs more to open than a whole message to handle."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        creator = inline_creator(database or ":memory:", timeout=30)
        engine = create_async_engine(url, async_creator=creator, **kwargs)
        _configure_sqlite(engine)
        return engine
    if "poolclass" not in kwargs:
        kwargs["pool_size"] = pool_size
        kwargs.setdefault("pool_use_lifo", True)
    engine = create_async_engine(url, **kwargs)
    _check_on_checkout(engine)
    return engine


def _check_on_checkout(engine: AsyncEngine) -> None:
    """A pooled connection the server has closed (a restart, a failover, an idle timeout) is replaced before it is
    used. asyncpg reads every connection on the event loop, so it has already seen the server's goodbye: asking it
    costs no round trip, where SQLAlchemy's pre-ping costs three (BEGIN, a query, ROLLBACK) on every checkout, a
    quarter of the bot's round trips. A connection cut without a word (no FIN) fails its first statement instead,
    and the unit of work is retried as after any failure."""

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(_dbapi_connection: Any, _record: Any, proxy: Any) -> None:
        driver = proxy.driver_connection
        if driver is None or driver.is_closed():
            raise DisconnectionError("the server closed this connection")
        if driver.is_in_transaction():  # never handed on inside someone else's transaction
            raise DisconnectionError("a connection came back inside a transaction")


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL for concurrent readers; BEGIN IMMEDIATE so writers queue instead of failing on lock upgrade."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """Owns the engine; hands out one SqlStore per inbound event, committed together or not at all."""

    def __init__(self, url: str, *, pool_size: int = 20, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, pool_size=pool_size, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, class_=AsyncSession)
        # SQLite runs inline on the event loop (storage.sqlite_inline): one transaction at a time in-process.
        self._gate: asyncio.Lock | None = asyncio.Lock() if self.engine.dialect.name == "sqlite" else None
        self.quick: QuickWrites = (
            AsyncpgQuickWrites(self.engine)
            if self.engine.dialect.driver == "asyncpg"
            else SessionQuickWrites(self.transaction)
        )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        async with self._gated(), self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[SqlStore]:
        async with self.transaction() as session:
            yield SqlStore(session, quick=self.quick)

    def _gated(self) -> AbstractAsyncContextManager[Any]:
        return self._gate if self._gate is not None else nullcontext()

    async def migrate(self) -> None:
        if self.engine.dialect.name != "sqlite":
            async with self.engine.begin() as connection:
                await connection.run_sync(_upgrade)
            return
        # SQLite rebuilds a table to change its constraints; with foreign keys enforced, dropping the old copy
        # of a referenced table would fail. SQLite's own procedure: keys off outside the transaction, rebuild,
        # check every key before committing, keys back on.
        async with self._gated(), self.engine.connect() as connection:
            await connection.run_sync(_foreign_keys, False)
            try:
                await connection.run_sync(_upgrade)
                broken = await connection.exec_driver_sql("PRAGMA foreign_key_check")
                if rows := broken.all():
                    raise RuntimeError(f"migration left {len(rows)} broken references, e.g. {rows[0]}")
                await connection.commit()
            except BaseException:
                await connection.rollback()
                raise
            finally:
                await connection.run_sync(_foreign_keys, True)

    async def dispose(self) -> None:
        await self.engine.dispose()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _foreign_keys(connection: Any, on: bool) -> None:
    cursor = connection.connection.dbapi_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    cursor.close()


def _upgrade(connection: Any) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")

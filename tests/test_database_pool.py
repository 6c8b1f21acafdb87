"""A busy moment on PostgreSQL: the connections a bot process opened for users handled at once stay open for the
next messages, instead of being closed on return and opened again (opening one cost more than a whole message)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import text

from bot.app import App
from bot.settings import Settings
from storage.database import Database
from tests.conftest import PG_URL, _pg_test_database

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite has no server connections to keep")


async def _backends(database: Database) -> int:
    async with database.transaction() as session:
        count = await session.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        )
    return int(count or 0)


async def _busy_moment(database: Database, users: int) -> None:
    """``users`` transactions open at the same time, as when that many people's messages are handled at once."""
    all_in = asyncio.Barrier(users)

    async def one() -> None:
        async with database.transaction() as session:
            await session.execute(text("SELECT 1"))
            await all_in.wait()

    await asyncio.gather(*(one() for _ in range(users)))


@asynccontextmanager
async def _bot_database(**settings: Any) -> AsyncIterator[Database]:
    """The database of a bot process configured with ``settings``, on a PostgreSQL database of its own."""
    async with _pg_test_database(None) as url:
        database = App(Settings(_env_file=None, database_url=url, **settings)).database
        try:
            yield database
        finally:
            await database.dispose()


async def test_connections_opened_for_twelve_users_at_once_stay_open_for_the_next_messages() -> None:
    async with _bot_database() as database:
        await _busy_moment(database, 12)
        # 12 kept, less the one now counting them.
        assert await _backends(database) == 11


async def test_the_pool_size_is_a_setting_and_beyond_it_connections_are_closed_on_return() -> None:
    async with _bot_database(database_pool_size=4) as database:
        await _busy_moment(database, 12)
        assert await _backends(database) == 3

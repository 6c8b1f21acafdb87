"""The durable intake around a stand-in for the core, for adapter tests: events are stored in a real database,
handled by ``handle`` and answered from the reply outbox, exactly as the running bot does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.intake.dispatcher import Decoder, Dispatcher
from bot.intake.sending import ReplySender
from bot.senders import Senders
from handlers.store import Store
from handlers.types import Inbound, Result
from scheduler.sweeper import worker_id
from storage.database import Database
from storage.intake import SqlIntake

HandleFn = Callable[[Inbound], Awaitable[Result]]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Pipeline:
    """Database + intake + reply sender + dispatcher; register channels, then ``await start()``."""

    def __init__(self, database: Database, handle: HandleFn, clock: Callable[[], datetime] = utc_now) -> None:
        self.database = database
        self.handle = handle
        self.intake = SqlIntake(database, worker_id())
        self.senders = Senders()
        self.replies = ReplySender(self.intake, self.senders, clock)
        self.dispatcher = Dispatcher(self.intake, self._handle_with_commit, self.replies, clock)

    @classmethod
    async def on_sqlite(cls, folder: Path, handle: HandleFn) -> Pipeline:
        database = Database(f"sqlite+aiosqlite:///{folder / 'intake.sqlite3'}")
        await database.migrate()
        return cls(database, handle)

    async def _handle_with_commit(
        self, inbound: Inbound, on_commit: Callable[[Store, Result], Awaitable[None]]
    ) -> Result:
        async with self.database.unit_of_work() as store:
            result = await self.handle(inbound)
            await on_commit(store, result)
        return result

    def add(self, channel: str, decoder: Decoder) -> None:
        self.dispatcher.add_channel(channel, decoder)

    async def start(self) -> None:
        await self.dispatcher.start()

    async def idle(self) -> None:
        await self.dispatcher.idle()

    async def close(self) -> None:
        await self.dispatcher.stop()
        await self.database.dispose()

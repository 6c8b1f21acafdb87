"""The durable intake around a stand-in for the core, for adapter tests: events are stored in a real database,
handled by ``handle`` and answered from the reply outbox, exactly as the running bot does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.intake.dispatcher import Decoder, Dispatcher
from bot.intake.sending import ReplySender
from bot.senders import Senders
from bot.telegram_channel import TelegramChannel
from handlers.store import Store
from handlers.types import Inbound, Result
from scheduler.sweeper import worker_id
from storage.database import Database
from storage.intake import SqlIntake
from storage.models import InboxEventRow, ReplyOutboxRow

if TYPE_CHECKING:
    from bot.app import App
    from tests.fakes.telegram_api import FakeTelegram

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


async def telegram_for_app(app: App, fake: FakeTelegram, **kwargs: Any) -> tuple[TelegramChannel, Dispatcher]:
    """The real Telegram adapter on the app's core, through the app's own intake, polling the fake.
    Stop with ``await channel.stop(); await dispatcher.stop()``."""
    intake = SqlIntake(app.database, worker_id())
    senders = Senders()
    dispatcher = Dispatcher(intake, app.core.handle_stored, ReplySender(intake, senders, app.clock), app.clock)
    channel = TelegramChannel(
        fake.token,
        dispatcher.receive,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        poll_timeout=1,
        **kwargs,
    )
    senders.telegram(channel)
    dispatcher.add_channel("telegram", channel.decode)
    await dispatcher.start()
    await channel.start_polling()
    return channel, dispatcher


async def eventually(condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def inbox_rows(pipeline: Pipeline) -> list[InboxEventRow]:
    async with pipeline.database.transaction() as session:
        return list((await session.execute(select(InboxEventRow).order_by(InboxEventRow.id))).scalars())


async def outbox_rows(pipeline: Pipeline) -> list[ReplyOutboxRow]:
    async with pipeline.database.transaction() as session:
        return list((await session.execute(select(ReplyOutboxRow).order_by(ReplyOutboxRow.id))).scalars())

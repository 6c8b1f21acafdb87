"""Channels fail alone: a refused token stops that channel with its real cause, the other keeps serving,
and the admins are told; a document is downloaded only when the current step takes files."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.app import App
from bot.runner import Runtime, run_channels
from bot.settings import Settings
from handlers.domain import Role
from storage.models import NoticeRow
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo
from tests.intake_support import eventually
from tests.support import Clock
from tests.test_channels_e2e import both_channels

ADMIN = 424242


async def test_a_refused_zalo_token_stops_zalo_alone_and_tells_the_admins(
    settings: Settings, clock: Clock, database_url: tuple[str, dict], caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeTelegram() as telegram, FakeZalo("the-real-zalo-token") as zalo:
        configured = both_channels(settings, telegram, zalo, "a-refused-zalo-token-123")
        app = App(configured, clock=clock, engine_kwargs=database_url[1])
        await app.prepare()
        async with app.database.unit_of_work() as store:
            unit = (await store.units())[0]
            admin = await store.create_person("Quản Trị Viên", unit.id, "Chuyên viên", None)
            await store.grant_role(admin.id, Role.ADMIN)
            identity = await store.identity("telegram", str(ADMIN))
            await store.link_identity(identity.id, admin.id)
        runtime = Runtime()
        task = asyncio.create_task(run_channels(app, ["telegram", "zalo"], runtime))
        try:
            await eventually(lambda: "Zalo channel stopped" in caplog.text, "Zalo to give up", timeout=15)
            assert "refused ZALO_BOT_TOKEN (401)" in caplog.text
            # Telegram still answers.
            await telegram.user_sends_text(7001, "/start")
            await eventually(lambda: bool(telegram.sent_to(7001)), "Telegram to answer")
            assert not task.done()
            async with app.database.transaction() as session:
                alerts = (await session.execute(select(NoticeRow).where(NoticeRow.kind == "channel_alert"))).scalars()
                texts = [n.text for n in alerts]
            assert len(texts) == 1 and "Zalo" in texts[0] and "ngừng" in texts[0]
        finally:
            runtime.stop.set()
            await asyncio.wait_for(task, 15)
            await app.close()
    assert "a-refused-zalo-token-123" not in caplog.text


async def test_a_file_is_downloaded_only_when_the_step_takes_files(app: App) -> None:
    from tests.intake_support import telegram_for_app

    user = 5151
    async with FakeTelegram() as fake:
        channel, dispatcher = await telegram_for_app(app, fake)
        try:
            await fake.user_sends_text(user, "/start")
            await eventually(lambda: bool(fake.sent_to(user)), "the welcome")
            # The name question does not take files: the file is refused without being fetched.
            count = len(fake.sent_to(user))
            await fake.user_sends_document(user, "ho-so.pdf", b"%PDF-1.4 " + b"x" * 500, "application/pdf")
            await eventually(lambda: len(fake.sent_to(user)) > count, "an answer to the file")
            assert fake.file_requests == []
        finally:
            await channel.stop()
            await dispatcher.stop()

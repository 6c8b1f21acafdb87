"""The real core behind the real adapters, over HTTP to platform fakes on loopback: Telegram and Zalo,
polling and webhooks, both served by one process."""

from __future__ import annotations

import asyncio
import hashlib
import socket
from collections.abc import Awaitable, Callable
from functools import partial

import aiohttp
import pytest
from sqlalchemy import select

from bot.app import App
from bot.runner import ConfigurationError, Runtime, run_channels
from bot.settings import Settings
from handlers.commands import EVERYONE
from storage.models import IdentityRow, InitiativeRow
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo
from tests.intake_support import eventually
from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT, Clock, wizard_script

ZALO_TOKEN = "zalo-test-token-1234567890"
TG_SECRET = "telegram-webhook-secret"
ZALO_SECRET = "zalo-webhook-secret"


async def play(
    send: Callable[[str], Awaitable[object]], received: Callable[[], list[str]], script: list[tuple[str, str]]
) -> None:
    for text, expected in script:
        seen = len(received())
        await send(text)
        await eventually(partial(_arrived, received, seen, expected), f"a reply containing {expected!r} after {text!r}")


def _arrived(received: Callable[[], list[str]], seen: int, expected: str) -> bool:
    return any(expected in m for m in received()[seen:])


def configure(settings: Settings, update: dict) -> Settings:
    return Settings(_env_file=None, **{**settings.model_dump(), **update})


def both_channels(settings: Settings, telegram: FakeTelegram, zalo: FakeZalo, zalo_token: str) -> Settings:
    """Settings for Telegram and Zalo at once, each against its fake."""
    return configure(
        settings,
        {
            "telegram_bot_token": telegram.token,
            "telegram_api_base_url": telegram.base_url,
            "telegram_file_base_url": telegram.base_file_url,
            "zalo_bot_token": zalo_token,
            "zalo_api_base_url": zalo.base_url,
        },
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def start(
    app_settings: Settings, clock: Clock, channels: list[str], engine_kwargs: dict
) -> tuple[App, Runtime, asyncio.Task]:
    app = App(app_settings, clock=clock, engine_kwargs=engine_kwargs)
    await app.prepare()
    runtime = Runtime()
    task = asyncio.create_task(run_channels(app, channels, runtime))
    return app, runtime, task


async def stop(app: App, runtime: Runtime, task: asyncio.Task) -> None:
    runtime.stop.set()
    await asyncio.wait_for(task, timeout=15)
    await app.close()


async def submitted(app: App) -> list[InitiativeRow]:
    async with app.database.unit_of_work() as store:
        rows = (await store.session.execute(select(InitiativeRow))).scalars().all()
    return [r for r in rows if r.status == "submitted"]


async def test_telegram_and_zalo_users_served_together_by_one_process(
    settings: Settings, clock: Clock, database_url: tuple[str, dict]
) -> None:
    async with FakeTelegram() as telegram, FakeZalo(ZALO_TOKEN) as zalo:
        configured = both_channels(settings, telegram, zalo, ZALO_TOKEN)
        app, runtime, task = await start(configured, clock, ["telegram", "zalo"], database_url[1])
        try:
            tg_user, zalo_user = 5001, "zalo-user-42"

            def tg_texts() -> list[str]:
                return [m.text or m.caption or "" for m in telegram.sent_to(tg_user)]

            await asyncio.gather(
                play(lambda t: telegram.user_sends_text(tg_user, t), tg_texts, REGISTRATION_SCRIPT + WIZARD_SCRIPT),
                play(
                    lambda t: zalo.user_sends_text(zalo_user, t),
                    lambda: zalo.sent_to(zalo_user),
                    REGISTRATION_SCRIPT + wizard_script(1),  # another initiative: not a copy of the first
                ),
            )
            rows = await submitted(app)
            assert len(rows) == 2
            assert {r.receipt_no for r in rows} == {"SK-2026-0001", "SK-2026-0002"}
            assert all(len(m) <= 2000 for m in zalo.sent_to(zalo_user))
            async with app.database.unit_of_work() as store:
                identities = (await store.session.execute(select(IdentityRow))).scalars().all()
            assert {(i.channel, i.external_id) for i in identities} == {("telegram", str(tg_user)), ("zalo", zalo_user)}
            # The command menu: everyone's commands for chats set by nobody (at start), and the same for the
            # newly registered staff member's own chat; Zalo has no menu, so no empty message stands for one.
            everyone = {name for name, _ in app.core.commands.menu(EVERYONE)}
            assert {c["command"] for c in telegram.commands["default:"]} == everyone
            assert {c["command"] for c in telegram.commands[f"chat:{tg_user}:"]} == everyone
            assert "hoso" not in everyone and all(m.strip() for m in zalo.sent_to(zalo_user))
        finally:
            await stop(app, runtime, task)


async def test_telegram_buttons_and_document_upload(
    settings: Settings, clock: Clock, database_url: tuple[str, dict]
) -> None:
    async with FakeTelegram() as telegram:
        configured = configure(
            settings,
            {
                "telegram_bot_token": telegram.token,
                "telegram_api_base_url": telegram.base_url,
                "telegram_file_base_url": telegram.base_file_url,
            },
        )
        app, runtime, task = await start(configured, clock, ["telegram"], database_url[1])
        user = 6001
        try:

            def texts() -> list[str]:
                return [m.text or "" for m in telegram.sent_to(user)]

            # Everything up to the attachments step, typed; then buttons and a real upload.
            script = REGISTRATION_SCRIPT + WIZARD_SCRIPT[:20]
            await play(lambda t: telegram.user_sends_text(user, t), texts, script)
            last = telegram.sent_to(user)[-1]
            assert "Tài liệu đính kèm" in (last.text or "")
            assert [label for label, _ in last.buttons] == ["Xong, không gửi thêm"]
            seen = len(texts())
            await telegram.user_sends_document(user, "bien-ban.pdf", b"%PDF-1.4 bien ban", "application/pdf")
            await eventually(lambda: any("bien-ban.pdf" in m for m in texts()[seen:]), "the file receipt")
            done = telegram.sent_to(user)[-1]
            seen = len(texts())
            await telegram.user_presses_button(user, done.message_id, done.buttons[0][1])
            await eventually(lambda: any("cam đoan" in m for m in texts()[seen:]), "the declaration")
            declare = telegram.sent_to(user)[-1]
            assert declare.buttons[0][0] == "Tôi xin cam đoan"
            seen = len(texts())
            await telegram.user_presses_button(user, declare.message_id, declare.buttons[0][1])
            await eventually(lambda: any("BẢN TÓM TẮT" in m for m in texts()[seen:]), "the summary")
            summary = telegram.sent_to(user)[-1]
            submit = next(data for label, data in summary.buttons if label == "Nộp đơn")
            seen = len(texts())
            await telegram.user_presses_button(user, summary.message_id, submit)
            await eventually(lambda: any("SK-2026-0001" in m for m in texts()[seen:]), "the receipt")
            # Each press was answered by its one message: no keyboard was taken away or edited.
            assert telegram.edits == []
            assert [a.text for a in telegram.callback_answers] == [None, None, None]  # the spinner stopped, no toast
            # The old keyboards stay, but their buttons answer only the question they came with: pressing «Nộp
            # đơn» again (a double tap), or the declaration under an older message, files nothing twice.
            for message, data in ((summary, submit), (declare, declare.buttons[0][1])):
                seen = len(texts())
                await telegram.user_presses_button(user, message.message_id, data)
                await eventually(partial(_arrived, texts, seen, "câu hỏi cũ"), "the stale-button answer")
            assert len(await submitted(app)) == 1
            rows = await submitted(app)
            assert rows[0].data["attachments"][0]["name"] == "bien-ban.pdf"
            key = hashlib.sha256(b"%PDF-1.4 bien ban").hexdigest()
            assert await app.files.get(key) == b"%PDF-1.4 bien ban"
        finally:
            await stop(app, runtime, task)


async def test_webhooks_for_both_platforms_on_one_server(
    settings: Settings, clock: Clock, database_url: tuple[str, dict]
) -> None:
    port = free_port()
    async with FakeTelegram() as telegram, FakeZalo(ZALO_TOKEN) as zalo:
        configured = configure(
            settings,
            {
                "telegram_bot_token": telegram.token,
                "telegram_api_base_url": telegram.base_url,
                "telegram_file_base_url": telegram.base_file_url,
                "telegram_mode": "webhook",
                "telegram_webhook_secret": TG_SECRET,
                "zalo_bot_token": ZALO_TOKEN,
                "zalo_api_base_url": zalo.base_url,
                "zalo_mode": "webhook",
                "zalo_webhook_secret": ZALO_SECRET,
                "http_host": "127.0.0.1",
                "http_port": port,
                "public_base_url": f"http://127.0.0.1:{port}",
            },
        )
        app, runtime, task = await start(configured, clock, ["telegram", "zalo"], database_url[1])
        try:
            await eventually(lambda: telegram.webhook_url is not None and zalo.webhook_url is not None, "webhooks")
            assert telegram.webhook_url.endswith("/telegram/webhook")
            assert zalo.webhook_url.endswith("/zalo/webhook")
            # Forged or missing secrets are refused and change nothing.
            forged = telegram.make_text_update(7001, "/start")
            assert await telegram.post_to_webhook(forged, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 403
            assert await telegram.post_to_webhook(forged, headers={}) == 403
            body = {
                "event_name": "message.text.received",
                "message": {
                    "message_id": "m1",
                    "date": 0,
                    "chat": {"id": "z1", "chat_type": "PRIVATE"},
                    "from": {"id": "z1", "display_name": "X", "is_bot": False},
                    "text": "/start",
                },
            }
            assert await zalo.post_webhook(body, secret="forged-secret") == 403
            assert await zalo.post_webhook(body, secret=None) == 403
            async with (
                aiohttp.ClientSession() as http,
                http.post(
                    f"http://127.0.0.1:{port}/telegram/webhook",
                    data=b"{not json",
                    headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
                ) as response,
            ):
                assert response.status == 400
            assert telegram.sent_to(7001) == [] and zalo.sent_to("z1") == []

            await asyncio.gather(
                play(
                    lambda t: telegram.user_sends_text(7002, t),
                    lambda: [m.text or "" for m in telegram.sent_to(7002)],
                    REGISTRATION_SCRIPT + WIZARD_SCRIPT,
                ),
                play(
                    lambda t: zalo.user_sends_text("z2", t),
                    lambda: zalo.sent_to("z2"),
                    REGISTRATION_SCRIPT + wizard_script(1),
                ),
            )
            assert len(await submitted(app)) == 2
        finally:
            await stop(app, runtime, task)


async def test_a_refused_telegram_token_stops_with_a_clear_error(
    settings: Settings, clock: Clock, database_url: tuple[str, dict], caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeTelegram() as telegram:
        configured = configure(
            settings,
            {
                "telegram_bot_token": "999:not-the-right-token",
                "telegram_api_base_url": telegram.base_url,
                "telegram_file_base_url": telegram.base_file_url,
            },
        )
        app = App(configured, clock=clock, engine_kwargs=database_url[1])
        await app.prepare()
        try:
            with pytest.raises(ConfigurationError, match="refused TELEGRAM_BOT_TOKEN") as caught:
                await run_channels(app, ["telegram"], Runtime())
        finally:
            await app.close()
    assert "not-the-right-token" not in str(caught.value) and "not-the-right-token" not in caplog.text


async def test_a_refused_zalo_token_stops_the_bot_with_a_clear_error(
    settings: Settings, clock: Clock, database_url: tuple[str, dict], caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeZalo("the-real-zalo-token") as zalo:
        configured = configure(settings, {"zalo_bot_token": ZALO_TOKEN, "zalo_api_base_url": zalo.base_url})
        app = App(configured, clock=clock, engine_kwargs=database_url[1])
        await app.prepare()
        try:
            with pytest.raises(ConfigurationError, match="refused ZALO_BOT_TOKEN"):
                await asyncio.wait_for(run_channels(app, ["zalo"], Runtime()), timeout=15)
        finally:
            await app.close()
    assert ZALO_TOKEN not in caplog.text


async def test_a_user_typing_fast_is_answered_at_telegrams_pace_in_one_chat(
    settings: Settings, clock: Clock, database_url: tuple[str, dict]
) -> None:
    """Telegram's limit in one chat (about one message a second after a short burst): the fake answers a fourth
    message within a second with 429. Six messages typed at once are all answered, none drawing a 429."""
    async with FakeTelegram(per_chat_rate=3) as telegram:
        configured = configure(
            settings,
            {
                "telegram_bot_token": telegram.token,
                "telegram_api_base_url": telegram.base_url,
                "telegram_file_base_url": telegram.base_file_url,
                "telegram_chat_messages_per_second": 1.0,
            },
        )
        app, runtime, task = await start(configured, clock, ["telegram"], database_url[1])
        user = 8001
        try:
            for n in range(6):
                await telegram.user_sends_text(user, f"xin chào {n}")
            await eventually(lambda: len(telegram.sent_to(user)) >= 6, "an answer to each message", timeout=30)
        finally:
            await stop(app, runtime, task)
    assert telegram.rejected == []
    times = [e.at for e in telegram.log if e.chat_id == user]
    assert times[-1] - times[0] >= 2.5  # three at once, then one a second

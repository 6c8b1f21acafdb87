"""ZaloChannel end to end against the fake Zalo API, with an echo flow defined here."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.render import render_plain
from bot.zalo.channel import APOLOGY, ZaloChannel, webhook_handler
from bot.zalo.client import ZaloClient
from bot.zalo.updates import split_text
from handlers.types import AttachmentKind, Document, Inbound, Option, Outgoing, Reply, Result
from tests.fakes.zalo_api import FakeZalo

TOKEN = "2718281828:Zq9-AnOtHeRsEcReT-do-not-leak"
SECRET = "webhook-secret-42"


class Echo:
    """A flow stand-in: answers ``echo: <text>``; ``next_result`` overrides the answer for the next event."""

    def __init__(self) -> None:
        self.calls: list[Inbound] = []
        self.next_result: Result | None = None
        self.fail_next = False

    async def __call__(self, inbound: Inbound) -> Result:
        self.calls.append(inbound)
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("flow exploded")
        if self.next_result is not None:
            result, self.next_result = self.next_result, None
            return result
        kind = inbound.attachment.kind if inbound.attachment else "text"
        return Result(replies=[Reply(f"echo: {inbound.text or kind}")])


async def no_sleep(delay: float) -> None:
    await asyncio.sleep(0)


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(TOKEN) as server:
        yield server


@pytest.fixture
async def client(fake: FakeZalo) -> AsyncIterator[ZaloClient]:
    async with ZaloClient(TOKEN, base_url=fake.base_url, sleep=no_sleep) as zalo:
        yield zalo


@pytest.fixture
def echo() -> Echo:
    return Echo()


@pytest.fixture
def sent_count() -> list[int]:
    return []


@pytest.fixture
def channel(client: ZaloClient, echo: Echo, sent_count: list[int]) -> ZaloChannel:
    async def on_sent(n: int) -> None:
        sent_count.append(n)

    return ZaloChannel(client, echo, on_sent=on_sent, error_backoff=0.01)


@contextlib.asynccontextmanager
async def polling(channel: ZaloChannel) -> AsyncIterator[asyncio.Task[None]]:
    stop = asyncio.Event()
    task = asyncio.create_task(channel.poll_forever(stop))
    try:
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, 2)


@contextlib.asynccontextmanager
async def webhook_server(channel: ZaloChannel) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/zalo", webhook_handler(channel, SECRET))
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/zalo"
    finally:
        await runner.cleanup()


def long_reply() -> Reply:
    lines = [f"{i}. Sáng kiến về cải cách thủ tục hành chính tại bộ phận một cửa, đợt {i}" for i in range(80)]
    return Reply("\n".join(lines))


# --- polling ---------------------------------------------------------------------------------------------


async def test_polling_round_trip(fake: FakeZalo, channel: ZaloChannel, echo: Echo, sent_count: list[int]) -> None:
    await fake._api_setWebhook({"url": "https://old.example/hook", "secret_token": SECRET})
    async with polling(channel):
        await fake.wait_for_call("deleteWebhook")
        await fake.user_sends_text("u1", "Xin chào", display_name="Lê Văn C")
        assert await fake.wait_for_messages("u1", 1) == ["echo: Xin chào"]
    assert fake.calls[0].method == "deleteWebhook"
    assert fake.webhook_url is None
    assert echo.calls[0].channel == "zalo" and echo.calls[0].display_name == "Lê Văn C"
    assert sent_count == [1]


async def test_polling_image_sticker_and_unsupported(fake: FakeZalo, channel: ZaloChannel, echo: Echo) -> None:
    async with polling(channel):
        await fake.user_sends_image("u1", "https://photo.example/1.jpg")
        await fake.user_sends_sticker("u1")
        await fake.user_sends_unsupported("u1")
        await fake.wait_for_messages("u1", 3)
    assert [c.attachment.kind for c in echo.calls if c.attachment] == [
        AttachmentKind.PHOTO,
        AttachmentKind.STICKER,
        AttachmentKind.OTHER,
    ]
    assert echo.calls[0].attachment is not None and echo.calls[0].attachment.url == "https://photo.example/1.jpg"


async def test_idle_polling_uses_almost_no_cpu(fake: FakeZalo, client: ZaloClient, echo: Echo) -> None:
    channel = ZaloChannel(client, echo, poll_timeout=1)  # so the idle period includes a 408 and a new poll
    async with polling(channel):
        await asyncio.sleep(0.2)
        started = time.process_time()
        await asyncio.sleep(1.5)
        used = time.process_time() - started
    assert used < 0.2
    assert [c.status for c in fake.calls_to("getUpdates")][:1] == [408]


async def test_redelivered_message_reaches_the_flow_once(fake: FakeZalo, channel: ZaloChannel, echo: Echo) -> None:
    async with polling(channel):
        first = await fake.user_sends_text("u1", "một")
        await fake.wait_for_messages("u1", 1)
        await fake.redeliver(first)
        await fake.user_sends_text("u1", "hai")
        await fake.wait_for_messages("u1", 2)
    assert [c.text for c in echo.calls] == ["một", "hai"]
    assert fake.sent_to("u1") == ["echo: một", "echo: hai"]


async def test_a_failing_flow_gets_an_apology_and_polling_goes_on(
    fake: FakeZalo, channel: ZaloChannel, echo: Echo, caplog: pytest.LogCaptureFixture
) -> None:
    echo.fail_next = True
    async with polling(channel):
        await fake.user_sends_text("u1", "một")
        await fake.user_sends_text("u1", "hai")
        assert await fake.wait_for_messages("u1", 2) == [APOLOGY, "echo: hai"]
    assert any("flow exploded" in (r.exc_text or "") for r in caplog.records)


async def test_server_errors_while_polling_back_off_and_recover(fake: FakeZalo, echo: Echo) -> None:
    fake.fail_next = [500, 503, 500]
    async with ZaloClient(TOKEN, base_url=fake.base_url, sleep=no_sleep, max_retries=1) as client:
        channel = ZaloChannel(client, echo, error_backoff=0.01)
        async with polling(channel):
            await fake.user_sends_text("u1", "còn đó không?")
            assert await fake.wait_for_messages("u1", 1) == ["echo: còn đó không?"]


def assert_clean_401_log(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("401" in r.getMessage() and "ZALO_BOT_TOKEN" in r.getMessage() for r in errors)
    assert TOKEN not in caplog.text
    assert all(TOKEN not in r.getMessage() and TOKEN not in (r.exc_text or "") for r in caplog.records)


async def test_401_at_start_stops_polling_with_a_clean_log_line(
    fake: FakeZalo, echo: Echo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.token = "a-different-token"
    async with ZaloClient(TOKEN, base_url=fake.base_url, sleep=no_sleep) as client:
        channel = ZaloChannel(client, echo)
        await asyncio.wait_for(channel.poll_forever(asyncio.Event()), 2)
    assert_clean_401_log(caplog)
    assert [c.method for c in fake.calls] == ["deleteWebhook"]


async def test_token_revoked_while_polling_stops_the_loop(
    fake: FakeZalo, client: ZaloClient, echo: Echo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    channel = ZaloChannel(client, echo, poll_timeout=1)
    task = asyncio.create_task(channel.poll_forever(asyncio.Event()))
    await fake.user_sends_text("u1", "trước")
    await fake.wait_for_messages("u1", 1)
    fake.token = "the-token-was-revoked"
    await asyncio.wait_for(task, 3)  # returns by itself: no stop event was set
    assert fake.calls[-1].method == "getUpdates" and fake.calls[-1].status == 401
    assert_clean_401_log(caplog)


async def test_an_instant_idle_answer_does_not_spin(fake: FakeZalo, client: ZaloClient, echo: Echo) -> None:
    # poll_timeout=0: the fake answers 408 at once, as a misbehaving server or proxy might.
    channel = ZaloChannel(client, echo, poll_timeout=0, min_poll_interval=0.5)
    async with polling(channel):
        await asyncio.sleep(1.2)
    assert 2 <= len(fake.calls_to("getUpdates")) <= 4


# --- sending ---------------------------------------------------------------------------------------------


async def test_long_reply_arrives_in_several_messages(
    fake: FakeZalo, channel: ZaloChannel, echo: Echo, sent_count: list[int]
) -> None:
    reply = long_reply()
    expected = split_text(render_plain(reply))
    assert len(reply.text) > 5000 and len(expected) >= 3
    echo.next_result = Result(replies=[reply])
    async with polling(channel):
        await fake.user_sends_text("u1", "danh sách")
        got = await fake.wait_for_messages("u1", len(expected))
    assert got == expected
    assert all(len(m) <= 2000 for m in got)
    assert "\n".join(got) == reply.text
    assert sent_count == [1] * len(expected)


async def test_options_document_and_outgoing(fake: FakeZalo, channel: ZaloChannel, echo: Echo) -> None:
    reply = Reply(
        "Chọn lĩnh vực:",
        options=(Option("a", "Hành chính"), Option("b", "Kỹ thuật")),
        document=Document("phieu-dang-ky.docx", b"..."),
    )
    notice = Outgoing("zalo", "u2", Reply("Anh/Chị được thêm làm đồng tác giả."))
    elsewhere = Outgoing("telegram", "t9", Reply("not for Zalo"))
    await channel.send("u1", reply)
    (text,) = fake.sent_to("u1")
    assert "1. Hành chính\n2. Kỹ thuật" in text
    assert "Tài liệu «phieu-dang-ky.docx» không gửi được qua Zalo" in text

    echo.next_result = Result(replies=[Reply("ok")], outgoing=[notice, elsewhere])
    async with polling(channel):
        await fake.user_sends_text("u1", "gửi")
        assert await fake.wait_for_messages("u2", 1) == ["Anh/Chị được thêm làm đồng tác giả."]
    assert fake.sent_to("t9") == []
    assert fake.sent_to("u1")[-1] == "ok"


# --- webhook ---------------------------------------------------------------------------------------------


async def test_webhook_wrapped_and_bare_bodies(fake: FakeZalo, channel: ZaloChannel, echo: Echo) -> None:
    async with webhook_server(channel) as url:
        await channel.start_webhook(url, SECRET)
        await fake.user_sends_text("u1", "bọc", wrapped=True)
        await fake.user_sends_text("u1", "trần", wrapped=False)
        assert fake.webhook_statuses == [200, 200]
        assert fake.sent_to("u1") == ["echo: bọc", "echo: trần"]


async def test_webhook_refuses_missing_or_forged_secret(fake: FakeZalo, channel: ZaloChannel, echo: Echo) -> None:
    body = {"ok": True, "result": _update("m-1", "xin chào")}
    async with webhook_server(channel) as url:
        await channel.start_webhook(url, SECRET)
        assert await fake.post_webhook(body, secret=None) == 403
        assert await fake.post_webhook(body, secret="forged-secret-42") == 403
        assert await fake.post_webhook(body, secret=SECRET[:-1]) == 403
        assert await fake.post_webhook(body, secret="") == 403
    assert echo.calls == []
    assert fake.sent_to("u1") == []


async def test_webhook_malformed_bodies(fake: FakeZalo, channel: ZaloChannel, echo: Echo) -> None:
    async with webhook_server(channel) as url:
        await channel.start_webhook(url, SECRET)
        assert await fake.post_webhook(b"{not json") == 400
        assert await fake.post_webhook(b"\xff\xfe") == 400
        assert await fake.post_webhook({"ok": True, "result": {"event_name": "message.text.received"}}) == 400
        assert await fake.post_webhook(b"[]") == 400
    assert echo.calls == []


async def test_webhook_duplicate_is_acknowledged_and_ignored(fake: FakeZalo, channel: ZaloChannel, echo: Echo) -> None:
    async with webhook_server(channel) as url:
        await channel.start_webhook(url, SECRET)
        message_id = await fake.user_sends_text("u1", "một lần thôi")
        await fake.redeliver(message_id)
        await fake.redeliver(message_id, wrapped=False)
    assert fake.webhook_statuses == [200, 200, 200]
    assert len(echo.calls) == 1
    assert fake.sent_to("u1") == ["echo: một lần thôi"]


async def test_webhook_long_reply_and_failed_send(fake: FakeZalo, channel: ZaloChannel, echo: Echo) -> None:
    reply = long_reply()
    echo.next_result = Result(replies=[reply])
    async with webhook_server(channel) as url:
        await channel.start_webhook(url, SECRET)
        await fake.user_sends_text("u1", "danh sách")
        fake.fail_next = [403]  # the user blocked the bot: logged, the delivery is still acknowledged
        await fake.user_sends_text("u1", "còn không?")
    got = fake.sent_to("u1")
    assert len(got) >= 3 and all(len(m) <= 2000 for m in got)
    assert "\n".join(got) == reply.text
    assert fake.webhook_statuses == [200, 200]


async def test_start_webhook_checks_the_secret_length(channel: ZaloChannel) -> None:
    with pytest.raises(ValueError):
        await channel.start_webhook("https://example.org/zalo", "short")


async def test_process_webhook_directly(channel: ZaloChannel, fake: FakeZalo) -> None:
    body = json.dumps(_update("m-9", "trực tiếp")).encode()
    assert await channel.process_webhook(body, None, SECRET) == 403
    assert await channel.process_webhook(body, SECRET, "") == 403
    assert await channel.process_webhook(body, SECRET, SECRET) == 200
    assert fake.sent_to("u1") == ["echo: trực tiếp"]


def _update(message_id: str, text: str) -> dict[str, Any]:
    return {
        "event_name": "message.text.received",
        "message": {
            "message_id": message_id,
            "date": 1750316131602,
            "chat": {"id": "u1", "chat_type": "PRIVATE"},
            "from": {"id": "u1", "display_name": "Phạm D", "is_bot": False},
            "text": text,
        },
    }


async def test_cancelling_the_poller_leaves_no_orphan_poll(fake: FakeZalo, channel: ZaloChannel) -> None:
    task = asyncio.create_task(channel.poll_forever(asyncio.Event()))
    await fake.wait_for_call("deleteWebhook")
    await asyncio.sleep(0.1)  # now inside a long poll
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.05)
    await fake.user_sends_text("u1", "sau khi dừng")
    await asyncio.sleep(0.1)
    assert fake.calls_to("getUpdates") == []  # the abandoned long poll never answered, so took nothing

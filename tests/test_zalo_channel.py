"""ZaloChannel end to end against the fake Zalo API, through the durable intake (tests.intake_support): updates
are stored before they are let go, handled in order per user by an echo flow defined here, and answered from
the reply outbox."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from bot.intake.dispatcher import APOLOGY
from bot.render import render_plain
from bot.zalo.channel import ZaloChannel, webhook_handler
from bot.zalo.client import ZaloClient
from bot.zalo.errors import ZaloBadRequest
from bot.zalo.updates import split_text, units
from handlers.types import AttachmentKind, Document, Inbound, Option, Outgoing, Reply, Result
from storage.models import ReplyOutboxRow
from tests.fakes.zalo_api import FakeZalo
from tests.intake_support import Pipeline, eventually, inbox_rows, outbox_rows

TOKEN = "2718281828:Zq9-AnOtHeRsEcReT-do-not-leak"
SECRET = "webhook-secret-42"


class Echo:
    """A flow stand-in: answers ``echo: <text>``; ``next_result`` overrides the answer for the next event;
    ``failures`` makes that many calls in a row raise."""

    def __init__(self) -> None:
        self.calls: list[Inbound] = []
        self.next_result: Result | None = None
        self.failures = 0

    async def __call__(self, inbound: Inbound) -> Result:
        self.calls.append(inbound)
        if self.failures:
            self.failures -= 1
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
async def pipeline(tmp_path: Path, echo: Echo, client: ZaloClient) -> AsyncIterator[Pipeline]:
    # Depends on the client so that it is closed (stopping its senders) before the client is.
    pipe = await Pipeline.on_sqlite(tmp_path, echo)
    try:
        yield pipe
    finally:
        await pipe.close()


async def wired(pipeline: Pipeline, channel: ZaloChannel) -> ZaloChannel:
    """The channel's decoder and sender registered with the intake, the intake started."""
    pipeline.senders.zalo(channel)
    pipeline.add("zalo", channel.decode)
    await pipeline.start()
    return channel


@pytest.fixture
def sent_count() -> list[int]:
    return []


@pytest.fixture
async def channel(client: ZaloClient, pipeline: Pipeline, sent_count: list[int]) -> ZaloChannel:
    async def on_sent(n: int) -> None:
        sent_count.append(n)

    zalo = ZaloChannel(client, pipeline.dispatcher.receive, on_sent=on_sent, error_backoff=0.01, min_poll_interval=0.1)
    return await wired(pipeline, zalo)


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


async def test_polling_round_trip(
    fake: FakeZalo, channel: ZaloChannel, echo: Echo, pipeline: Pipeline, sent_count: list[int]
) -> None:
    await fake._api_setWebhook({"url": "https://old.example/hook", "secret_token": SECRET})
    async with polling(channel):
        await fake.wait_for_call("deleteWebhook")
        message_id = await fake.user_sends_text("u1", "Xin chào", display_name="Lê Văn C")
        assert await fake.wait_for_messages("u1", 1) == ["echo: Xin chào"]
    await pipeline.idle()
    assert fake.calls[0].method == "deleteWebhook"
    assert fake.webhook_url is None
    assert echo.calls[0].channel == "zalo" and echo.calls[0].display_name == "Lê Văn C"
    assert echo.calls[0].event_id == f"u1:{message_id}"
    assert sent_count == [1]
    [row] = await inbox_rows(pipeline)
    assert (row.channel, row.sender, row.event_key, row.status) == ("zalo", "u1", message_id, "done")


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


async def test_text_is_cleaned_at_the_adapter(fake: FakeZalo, channel: ZaloChannel, echo: Echo) -> None:
    async with polling(channel):
        await fake.user_sends_text("u1", "a\x00b\u202ec\ud800d", display_name="Lê\u2066 C")
        assert await fake.wait_for_messages("u1", 1) == ["echo: abcd"]
    assert (echo.calls[0].text, echo.calls[0].display_name) == ("abcd", "Lê C")


async def test_idle_polling_uses_almost_no_cpu(fake: FakeZalo, client: ZaloClient, pipeline: Pipeline) -> None:
    # poll_timeout=1: so the idle period includes a 408 and a new poll
    channel = await wired(pipeline, ZaloChannel(client, pipeline.dispatcher.receive, poll_timeout=1))
    async with polling(channel):
        await asyncio.sleep(0.2)
        started = time.process_time()
        await asyncio.sleep(1.5)
        used = time.process_time() - started
    assert used < 0.2
    assert [c.status for c in fake.calls_to("getUpdates")][:1] == [408]


async def test_redelivered_message_reaches_the_flow_once(
    fake: FakeZalo, channel: ZaloChannel, echo: Echo, pipeline: Pipeline
) -> None:
    async with polling(channel):
        first = await fake.user_sends_text("u1", "một")
        await fake.wait_for_messages("u1", 1)
        await fake.redeliver(first)
        await fake.user_sends_text("u1", "hai")
        await fake.wait_for_messages("u1", 2)
    await pipeline.idle()
    assert [c.text for c in echo.calls] == ["một", "hai"]
    assert fake.sent_to("u1") == ["echo: một", "echo: hai"]
    assert fake.handed_out.count(first) == 2 and len(await inbox_rows(pipeline)) == 2


async def test_an_update_handed_again_and_again_does_not_make_polling_spin(
    fake: FakeZalo, client: ZaloClient, echo: Echo, pipeline: Pipeline
) -> None:
    fake.replays = 10_000  # every getUpdates hands the same update again
    channel = await wired(pipeline, ZaloChannel(client, pipeline.dispatcher.receive, min_poll_interval=0.1))
    async with polling(channel):
        await fake.user_sends_text("u1", "một lần")
        assert await fake.wait_for_messages("u1", 1) == ["echo: một lần"]
        await asyncio.sleep(2)
    calls = len(fake.calls_to("getUpdates"))
    # Backing off 0.2, 0.4, 0.8, 1.6 s between replays: a handful of calls, not hundreds.
    assert 3 <= calls <= 8, calls
    await pipeline.idle()
    assert [c.text for c in echo.calls] == ["một lần"]
    assert fake.sent_to("u1") == ["echo: một lần"]


async def test_a_failing_flow_is_retried_then_apologised_and_polling_goes_on(
    fake: FakeZalo, channel: ZaloChannel, echo: Echo, caplog: pytest.LogCaptureFixture
) -> None:
    echo.failures = 1  # a passing failure: tried again, the user never notices
    async with polling(channel):
        await fake.user_sends_text("u1", "một")
        await fake.user_sends_text("u1", "hai")
        assert await fake.wait_for_messages("u1", 2) == ["echo: một", "echo: hai"]
        assert [c.text for c in echo.calls] == ["một", "một", "hai"]

        echo.failures = 3  # fails every time: set aside with an apology, the next message goes through
        await fake.user_sends_text("u1", "ba")
        await fake.user_sends_text("u1", "bốn")
        assert await fake.wait_for_messages("u1", 4) == ["echo: một", "echo: hai", APOLOGY, "echo: bốn"]
    assert [c.text for c in echo.calls][3:] == ["ba", "ba", "ba", "bốn"]
    assert any("flow exploded" in (r.exc_text or "") for r in caplog.records)


async def test_server_errors_while_polling_back_off_and_recover(fake: FakeZalo, echo: Echo, pipeline: Pipeline) -> None:
    fake.fail_next = [500, 503, 500]
    async with ZaloClient(TOKEN, base_url=fake.base_url, sleep=no_sleep, max_retries=1) as client:
        channel = await wired(pipeline, ZaloChannel(client, pipeline.dispatcher.receive, error_backoff=0.01))
        async with polling(channel):
            await fake.user_sends_text("u1", "còn đó không?")
            assert await fake.wait_for_messages("u1", 1) == ["echo: còn đó không?"]
        await pipeline.idle()


def assert_clean_401_log(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("401" in r.getMessage() and "ZALO_BOT_TOKEN" in r.getMessage() for r in errors)
    assert TOKEN not in caplog.text
    assert all(TOKEN not in r.getMessage() and TOKEN not in (r.exc_text or "") for r in caplog.records)


async def test_401_at_start_stops_polling_with_a_clean_log_line(
    fake: FakeZalo, pipeline: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.token = "a-different-token"
    async with ZaloClient(TOKEN, base_url=fake.base_url, sleep=no_sleep) as client:
        channel = ZaloChannel(client, pipeline.dispatcher.receive)
        await asyncio.wait_for(channel.poll_forever(asyncio.Event()), 2)
    assert_clean_401_log(caplog)
    assert [c.method for c in fake.calls] == ["deleteWebhook"]


async def test_token_revoked_while_polling_stops_the_loop(
    fake: FakeZalo, client: ZaloClient, pipeline: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    channel = await wired(pipeline, ZaloChannel(client, pipeline.dispatcher.receive, poll_timeout=1))
    task = asyncio.create_task(channel.poll_forever(asyncio.Event()))
    await fake.user_sends_text("u1", "trước")
    await fake.wait_for_messages("u1", 1)
    fake.token = "the-token-was-revoked"
    await asyncio.wait_for(task, 3)  # returns by itself: no stop event was set
    assert fake.calls_to("getUpdates")[-1].status == 401
    assert_clean_401_log(caplog)


async def test_an_instant_idle_answer_does_not_spin(fake: FakeZalo, client: ZaloClient, pipeline: Pipeline) -> None:
    # poll_timeout=0: the fake answers 408 at once, as a misbehaving server or proxy might.
    channel = ZaloChannel(client, pipeline.dispatcher.receive, poll_timeout=0, min_poll_interval=0.5)
    async with polling(channel):
        await asyncio.sleep(1.2)
    assert 2 <= len(fake.calls_to("getUpdates")) <= 4


# --- sending ---------------------------------------------------------------------------------------------


async def test_long_reply_arrives_in_several_messages(
    fake: FakeZalo, channel: ZaloChannel, echo: Echo, pipeline: Pipeline, sent_count: list[int]
) -> None:
    reply = long_reply()
    expected = split_text(render_plain(reply))
    assert len(reply.text) > 5000 and len(expected) >= 3
    echo.next_result = Result(replies=[reply])
    async with polling(channel):
        await fake.user_sends_text("u1", "danh sách")
        got = await fake.wait_for_messages("u1", len(expected))
    await pipeline.idle()
    assert got == expected
    assert all(len(m) <= 2000 for m in got)
    assert "\n".join(got) == reply.text
    assert sent_count == [1] * len(expected)


async def test_text_is_split_by_utf16_units(fake: FakeZalo, channel: ZaloChannel, sent_count: list[int]) -> None:
    # 1,500 emoji are 1,500 characters but 3,000 UTF-16 units: Zalo (and the fake) count the units.
    await channel.send("u1", Reply("😀" * 1500))
    assert fake.sent_to("u1") == ["😀" * 1000, "😀" * 500]
    mixed = "Chúc mừng 🎉 sáng kiến được công nhận! " * 120  # no line breaks: cut between words
    await channel.send("u2", Reply(mixed.strip()))
    got = fake.sent_to("u2")
    assert len(got) >= 3 and all(units(m) <= 2000 for m in got)
    assert "".join(got) == mixed.strip()
    assert fake.rejected == 0 and sent_count == [1] * (2 + len(got))


class StricterZalo:
    """A stand-in for a Zalo that counts length its own way: refuses texts over ``limit`` units with 400
    "text too long" (as an httpx transport, so no server is needed)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.sent: list[str] = []
        self.refused: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        text = json.loads(request.content)["text"]
        if "không nhận" in text:
            return httpx.Response(400, json={"ok": False, "error_code": 400, "description": "Bad Request: user"})
        if units(text) > self.limit:
            self.refused.append(units(text))
            return httpx.Response(400, json={"ok": False, "error_code": 400, "description": "text too long"})
        self.sent.append(text)
        return httpx.Response(200, json={"ok": True, "result": {"message_id": f"m{len(self.sent)}"}})


async def test_a_chunk_refused_as_too_long_is_split_again_and_delivered(pipeline: Pipeline) -> None:
    zalo = StricterZalo(limit=700)
    counted: list[int] = []

    async def on_sent(n: int) -> None:
        counted.append(n)

    http = httpx.AsyncClient(transport=httpx.MockTransport(zalo))
    async with ZaloClient(TOKEN, base_url="https://bot-api.example", http=http, sleep=no_sleep) as client:
        channel = ZaloChannel(client, pipeline.dispatcher.receive, on_sent=on_sent)
        reply = long_reply()
        await channel.send("u1", reply)
        # Every chunk of about 2,000 units was refused, then sent in pieces: nothing dropped, order kept.
        assert zalo.refused and all(r > 700 for r in zalo.refused)
        assert all(units(m) <= 700 for m in zalo.sent)
        assert "\n".join(zalo.sent) == reply.text
        assert counted == [1] * len(zalo.sent)
        # A refusal that is not about length is not retried in pieces: the sender maps it to Rejected.
        with pytest.raises(ZaloBadRequest):
            await channel.send("u1", Reply("không nhận " * 100))
    await http.aclose()


async def test_options_document_and_outgoing(
    fake: FakeZalo, channel: ZaloChannel, echo: Echo, pipeline: Pipeline
) -> None:
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
        await fake.wait_for_messages("u1", 2)
    await pipeline.idle()
    assert fake.sent_to("t9") == []
    assert fake.sent_to("u1")[-1] == "ok"
    # The Telegram message waits in the outbox for the Telegram channel.
    assert [(r.channel, r.chat, r.status) for r in await outbox_rows(pipeline) if r.channel == "telegram"] == [
        ("telegram", "t9", "pending")
    ]


# --- webhook ---------------------------------------------------------------------------------------------


async def test_webhook_wrapped_and_bare_bodies(fake: FakeZalo, channel: ZaloChannel, echo: Echo) -> None:
    async with webhook_server(channel) as url:
        await channel.start_webhook(url, SECRET)
        await fake.user_sends_text("u1", "bọc", wrapped=True)
        await fake.user_sends_text("u1", "trần", wrapped=False)
        assert fake.webhook_statuses == [200, 200]
        assert await fake.wait_for_messages("u1", 2) == ["echo: bọc", "echo: trần"]


async def test_webhook_answers_200_once_stored(
    fake: FakeZalo, channel: ZaloChannel, echo: Echo, pipeline: Pipeline
) -> None:
    async with webhook_server(channel) as url:
        await channel.start_webhook(url, SECRET)
        message_id = await fake.user_sends_text("u1", "đã lưu")
        assert fake.webhook_statuses == [200]
        [row] = await inbox_rows(pipeline)  # stored by the time Zalo got its 200
        assert (row.sender, row.event_key) == ("u1", message_id)
        await fake.wait_for_messages("u1", 1)


async def test_webhook_refuses_missing_or_forged_secret(
    fake: FakeZalo, channel: ZaloChannel, echo: Echo, pipeline: Pipeline
) -> None:
    body = {"ok": True, "result": _update("m-1", "xin chào")}
    async with webhook_server(channel) as url:
        await channel.start_webhook(url, SECRET)
        assert await fake.post_webhook(body, secret=None) == 403
        assert await fake.post_webhook(body, secret="forged-secret-42") == 403
        assert await fake.post_webhook(body, secret=SECRET[:-1]) == 403
        assert await fake.post_webhook(body, secret="") == 403
    await pipeline.idle()
    assert echo.calls == []
    assert fake.sent_to("u1") == []
    assert await inbox_rows(pipeline) == []


async def test_webhook_malformed_bodies(fake: FakeZalo, channel: ZaloChannel, echo: Echo, pipeline: Pipeline) -> None:
    async with webhook_server(channel) as url:
        await channel.start_webhook(url, SECRET)
        assert await fake.post_webhook(b"{not json") == 400
        assert await fake.post_webhook(b"\xff\xfe") == 400
        assert await fake.post_webhook({"ok": True, "result": {"event_name": "message.text.received"}}) == 400
        assert await fake.post_webhook(b"[]") == 400
        assert await fake.post_webhook(b"[" * 100_000 + b"]" * 100_000) == 400
    await pipeline.idle()
    assert echo.calls == []
    assert await inbox_rows(pipeline) == []


async def test_webhook_duplicate_is_acknowledged_and_ignored(
    fake: FakeZalo, channel: ZaloChannel, echo: Echo, pipeline: Pipeline
) -> None:
    async with webhook_server(channel) as url:
        await channel.start_webhook(url, SECRET)
        message_id = await fake.user_sends_text("u1", "một lần thôi")
        await fake.redeliver(message_id)
        await fake.redeliver(message_id, wrapped=False)
        await fake.wait_for_messages("u1", 1)
    await pipeline.idle()
    assert fake.webhook_statuses == [200, 200, 200]
    assert len(echo.calls) == 1
    assert fake.sent_to("u1") == ["echo: một lần thôi"]


async def test_webhook_long_reply_and_a_send_failing_with_403(
    fake: FakeZalo, channel: ZaloChannel, echo: Echo, pipeline: Pipeline
) -> None:
    reply = long_reply()
    echo.next_result = Result(replies=[reply])
    async with webhook_server(channel) as url:
        await channel.start_webhook(url, SECRET)
        await fake.user_sends_text("u1", "danh sách")
        await fake.wait_for_messages("u1", len(split_text(reply.text)))
        await pipeline.idle()
        fake.fail_next = [403]  # Zalo documents 403 as an internal error: the reply waits and is tried again
        await fake.user_sends_text("u1", "còn không?")
        await eventually(lambda: fake.rejected == 1, "the 403")
    got = fake.sent_to("u1")
    assert len(got) >= 3 and all(len(m) <= 2000 for m in got)
    assert "\n".join(got) == reply.text
    assert fake.webhook_statuses == [200, 200]
    waiting: list[ReplyOutboxRow] = []
    for _ in range(200):  # until the sender has put the reply back (its worker then sleeps until it is due)
        waiting = [r for r in await outbox_rows(pipeline) if r.status != "sent"]
        if waiting and waiting[0].status == "pending" and waiting[0].error:
            break
        await asyncio.sleep(0.01)
    assert [(r.status, json.loads(r.payload)["text"]) for r in waiting] == [("pending", "echo: còn không?")]
    assert "403" in waiting[0].error


async def test_start_webhook_checks_the_secret_length(channel: ZaloChannel) -> None:
    with pytest.raises(ValueError):
        await channel.start_webhook("https://example.org/zalo", "short")


async def test_process_webhook_directly(channel: ZaloChannel, fake: FakeZalo) -> None:
    body = json.dumps(_update("m-9", "trực tiếp")).encode()
    assert await channel.process_webhook(body, None, SECRET) == 403
    assert await channel.process_webhook(body, SECRET, "") == 403
    assert await channel.process_webhook(body, SECRET, SECRET) == 200
    assert await fake.wait_for_messages("u1", 1) == ["echo: trực tiếp"]


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


class ScriptedZalo:
    """A stand-in client whose getUpdates hands out the given updates, one per call, then idles."""

    def __init__(self, updates: list[dict[str, Any]]) -> None:
        self.updates = list(updates)
        self.polls = 0

    async def delete_webhook(self) -> None:
        return None

    async def get_updates(self, timeout: int = 30) -> dict[str, Any] | None:
        self.polls += 1
        if self.updates:
            return {"ok": True, "result": self.updates.pop(0)}
        await asyncio.sleep(timeout)
        return None


async def test_updates_for_nobody_do_not_slow_polling_down(pipeline: Pipeline, echo: Echo) -> None:
    # Group messages and messages from bots are not for the flows; they are no replays either, so the
    # private message behind them must not wait out a growing back-off.
    ignored = []
    for n in range(4):
        group = _update(f"g-{n}", "trong nhóm")
        group["message"]["chat"] = {"id": "g1", "chat_type": "GROUP"}
        ignored.append(group)
    bot = _update("b-1", "từ bot")
    bot["message"]["from"]["is_bot"] = True
    client = ScriptedZalo([*ignored, bot, _update("m-1", "riêng")])
    channel = ZaloChannel(client, pipeline.dispatcher.receive, min_poll_interval=0.2)  # type: ignore[arg-type]
    pipeline.add("zalo", channel.decode)
    await pipeline.start()
    started = asyncio.get_running_loop().time()
    async with polling(channel):
        await eventually(lambda: bool(echo.calls), "the private message", timeout=10)
    took = asyncio.get_running_loop().time() - started
    assert [c.text for c in echo.calls] == ["riêng"]
    assert took < 2.0, took  # at most one short pause per ignored update, no exponential back-off

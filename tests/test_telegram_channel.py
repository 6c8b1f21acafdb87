"""The Telegram adapter end to end over real HTTP, against the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram.error import Forbidden

from bot.telegram_channel import APOLOGY, TelegramChannel
from handlers.types import AttachmentKind, Document, Inbound, Option, Outgoing, Reply, Result
from tests.fakes.telegram_api import WEBHOOK_SECRET_HEADER, FakeTelegram

USER = 1001
OTHER_USER = 2002
SECRET = "webhook-secret_123"
LIMIT = 1000  # max_attachment_bytes for these tests
REPORT = Document("mau-bao-cao.docx", b"PK\x03\x04 report bytes", "application/vnd.ms-word")


class EchoBot:
    """A stand-in for the flows: echoes, offers two options on "chon", fails on "loi"."""

    def __init__(self) -> None:
        self.inbound: asyncio.Queue[Inbound] = asyncio.Queue()
        self.seen: list[Inbound] = []
        self.release_slow = asyncio.Event()

    async def handle(self, inbound: Inbound) -> Result:
        self.seen.append(inbound)
        self.inbound.put_nowait(inbound)
        if inbound.text == "cham":
            await self.release_slow.wait()
        return Result(replies=[self._reply(inbound)], outgoing=self._outgoing(inbound))

    async def next(self) -> Inbound:
        return await asyncio.wait_for(self.inbound.get(), timeout=5)

    @staticmethod
    def _reply(inbound: Inbound) -> Reply:
        if inbound.text == "loi":
            raise RuntimeError("boom")
        if inbound.text == "chon":
            return Reply("Chọn một", options=(Option("a", "Phương án A"), Option("b", "Phương án B")))
        if inbound.text == "tep":
            return Reply("Mẫu báo cáo đây", document=REPORT)
        if inbound.text == "dai":
            return Reply("x" * 5000)
        if inbound.choice is not None:
            return Reply(f"Đã chọn {inbound.choice}")
        if inbound.attachment is not None:
            return Reply(f"Đã nhận {inbound.attachment.kind}")
        return Reply(f"Bạn nói: {inbound.text}")

    @staticmethod
    def _outgoing(inbound: Inbound) -> list[Outgoing]:
        if inbound.text != "bao":
            return []
        return [
            Outgoing("telegram", str(OTHER_USER), Reply("Anh/Chị được thêm làm đồng tác giả")),
            Outgoing("zalo", "z-1", Reply("không gửi qua Telegram")),
        ]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def echo() -> EchoBot:
    return EchoBot()


def make_channel(fake: FakeTelegram, echo: EchoBot) -> TelegramChannel:
    return TelegramChannel(
        fake.token,
        echo.handle,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        max_attachment_bytes=LIMIT,
    )


@pytest.fixture
async def polling(fake: FakeTelegram, echo: EchoBot) -> AsyncIterator[TelegramChannel]:
    channel = make_channel(fake, echo)
    await channel.start_polling(poll_timeout=1)
    try:
        yield channel
    finally:
        echo.release_slow.set()
        await channel.stop()


@pytest.fixture
async def webhook(fake: FakeTelegram, echo: EchoBot) -> AsyncIterator[TelegramChannel]:
    channel = make_channel(fake, echo)
    await channel.start_webhook("https://bot.example.test/telegram", SECRET)
    try:
        yield channel
    finally:
        await channel.stop()


# ---------------------------------------------------------------------- polling


async def test_text_round_trip(polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot) -> None:
    update_id = await fake.user_sends_text(USER, "xin chào", first_name="Minh")

    inbound = await echo.next()
    assert inbound == Inbound(
        channel="telegram",
        user_id=str(USER),
        text="xin chào",
        event_id=str(update_id),
        display_name="Minh",
    )
    [reply] = await fake.wait_for_messages(USER, 1)
    assert (reply.text, reply.parse_mode, reply.reply_markup) == ("Bạn nói: xin chào", None, None)


async def test_button_press_arrives_as_choice(polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot) -> None:
    await fake.user_sends_text(USER, "chon")
    [menu] = await fake.wait_for_messages(USER, 1)
    assert menu.reply_markup == {
        "inline_keyboard": [
            [{"text": "Phương án A", "callback_data": "a"}],
            [{"text": "Phương án B", "callback_data": "b"}],
        ]
    }
    await echo.next()

    update_id = await fake.user_presses_button(USER, menu.message_id, "b")
    inbound = await echo.next()
    assert (inbound.choice, inbound.text, inbound.event_id) == ("b", None, str(update_id))
    messages = await fake.wait_for_messages(USER, 2)
    assert messages[1].text == "Đã chọn b"
    assert len(fake.callback_answers) == 1
    assert menu.buttons == []  # the old keyboard is gone
    with pytest.raises(ValueError, match="no button"):
        await fake.user_presses_button(USER, menu.message_id, "a")


async def test_document_arrives_with_its_bytes(polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot) -> None:
    content = b"%PDF-1.7 " + bytes(range(200))
    await fake.user_sends_document(USER, "sang-kien.pdf", content, "application/pdf", caption="bản thảo")

    inbound = await echo.next()
    attachment = inbound.attachment
    assert attachment is not None
    assert (attachment.kind, attachment.file_name, attachment.mime_type) == (
        AttachmentKind.DOCUMENT,
        "sang-kien.pdf",
        "application/pdf",
    )
    assert (attachment.content, attachment.size) == (content, len(content))
    assert inbound.text == "bản thảo"


async def test_oversized_document_arrives_without_content(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot
) -> None:
    await fake.user_sends_document(USER, "qua-lon.pdf", b"x" * (LIMIT + 1), "application/pdf")

    attachment = (await echo.next()).attachment
    assert attachment is not None
    assert (attachment.kind, attachment.content, attachment.size) == (
        AttachmentKind.DOCUMENT,
        None,
        LIMIT + 1,
    )


async def test_photo_sticker_and_other_kinds(polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot) -> None:
    await fake.user_sends_photo(USER, b"\xff\xd8 jpeg")
    photo = (await echo.next()).attachment
    await fake.user_sends_sticker(USER)
    sticker = (await echo.next()).attachment
    await fake.user_sends(USER, {"location": {"latitude": 21.03, "longitude": 105.85}})
    other = (await echo.next()).attachment

    assert photo is not None and (photo.kind, photo.content) == (AttachmentKind.PHOTO, b"\xff\xd8 jpeg")
    assert sticker is not None and sticker.kind == AttachmentKind.STICKER
    assert other is not None and other.kind == AttachmentKind.OTHER


async def test_reply_with_document_is_sent_as_document(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot
) -> None:
    await fake.user_sends_text(USER, "tep")

    [sent] = await fake.wait_for_messages(USER, 1)
    assert sent.method == "sendDocument"
    assert (sent.document_name, sent.document_bytes, sent.caption) == (
        REPORT.file_name,
        REPORT.content,
        "Mẫu báo cáo đây",
    )
    assert sent.mime_type == REPORT.mime_type


async def test_long_text_is_split(polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot) -> None:
    await fake.user_sends_text(USER, "dai")
    first, second = await fake.wait_for_messages(USER, 2)
    assert (len(first.text or ""), len(second.text or "")) == (4096, 5000 - 4096)


async def test_handler_failure_apologises_and_keeps_running(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot, caplog: pytest.LogCaptureFixture
) -> None:
    await fake.user_sends_text(USER, "loi")
    [apology] = await fake.wait_for_messages(USER, 1)
    assert apology.text == APOLOGY
    assert "handling telegram event" in caplog.text

    await fake.user_sends_text(USER, "vẫn chạy")
    messages = await fake.wait_for_messages(USER, 2)
    assert messages[1].text == "Bạn nói: vẫn chạy"


async def test_outgoing_for_telegram_users_is_sent_others_ignored(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot
) -> None:
    await fake.user_sends_text(USER, "bao")
    [notice] = await fake.wait_for_messages(OTHER_USER, 1)
    await fake.wait_for_messages(USER, 1)
    assert notice.text == "Anh/Chị được thêm làm đồng tác giả"
    assert {m.chat_id for m in fake.sent} == {USER, OTHER_USER}


async def test_redelivered_update_keeps_its_event_id(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot
) -> None:
    update_id = await fake.user_sends_text(USER, "một lần")
    first = await echo.next()
    await fake.redeliver(update_id)
    second = await echo.next()
    assert first.event_id == second.event_id == str(update_id)


async def test_one_user_in_order_other_users_not_blocked(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot
) -> None:
    await fake.user_sends_text(USER, "cham")  # handle waits until released
    await fake.user_sends_text(USER, "sau đó")
    await fake.user_sends_text(OTHER_USER, "người khác")

    [other] = await fake.wait_for_messages(OTHER_USER, 1)
    assert other.text == "Bạn nói: người khác"
    assert [i.text for i in echo.seen if i.user_id == str(USER)] == ["cham"]
    echo.release_slow.set()
    first, second = await fake.wait_for_messages(USER, 2)
    assert (first.text, second.text) == ("Bạn nói: cham", "Bạn nói: sau đó")


async def test_public_send(polling: TelegramChannel, fake: FakeTelegram) -> None:
    await polling.send(str(USER), Reply("Nhắc: hạn nộp là ngày mai", options=(Option("ok", "Đã biết"),)))
    [sent] = await fake.wait_for_messages(USER, 1)
    assert sent.buttons == [("Đã biết", "ok")]

    fake.user_blocks_bot(OTHER_USER)
    with pytest.raises(Forbidden):
        await polling.send(str(OTHER_USER), Reply("nhắc"))


async def test_flood_control_answer_is_retried_not_lost(fake: FakeTelegram, echo: EchoBot) -> None:
    fake.inject_429_every = 2
    channel = make_channel(fake, echo)
    await channel.start_polling(poll_timeout=1)
    try:
        await channel.send(str(USER), Reply("một"))
        await channel.send(str(USER), Reply("hai"))  # answered 429 once, retried after retry_after
    finally:
        await channel.stop()
    assert [m.text for m in fake.sent_to(USER)] == ["một", "hai"]
    assert fake.rejected_count == 1


async def test_many_users_at_once_nothing_lost_or_duplicated(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot
) -> None:
    users = range(5000, 5020)
    for round_no in range(3):
        for user in users:
            await fake.user_sends_text(user, f"tin {round_no}")

    await fake.wait_until(lambda: len(fake.log) == 60, timeout=10, what="60 replies")
    for user in users:
        assert [m.text for m in fake.sent_to(user)] == [f"Bạn nói: tin {n}" for n in range(3)]


async def test_token_never_reaches_the_logs(
    fake: FakeTelegram, echo: EchoBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    channel = make_channel(fake, echo)
    await channel.start_polling(poll_timeout=1)
    try:
        await fake.user_sends_text(USER, "loi")  # logs an exception too
        await fake.wait_for_messages(USER, 1)
    finally:
        await channel.stop()
    assert caplog.records
    assert fake.token not in caplog.text
    assert all(fake.token not in record.getMessage() for record in caplog.records)


# ---------------------------------------------------------------------- webhook


async def test_webhook_is_registered_with_the_secret(webhook: TelegramChannel, fake: FakeTelegram) -> None:
    assert fake.webhook_url == "https://bot.example.test/telegram"
    assert fake.webhook_secret == SECRET


@pytest.mark.parametrize("header", [None, "", "wrong-secret", SECRET + "x"])
async def test_webhook_without_the_right_secret_is_403(
    webhook: TelegramChannel, fake: FakeTelegram, echo: EchoBot, header: str | None
) -> None:
    body = json.dumps(fake.make_text_update(USER, "giả mạo")).encode()
    assert await webhook.process_webhook(body, header, SECRET) == 403
    assert echo.seen == [] and fake.sent == []


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"message": {}}', b'"update"', b"\xff\xfe"])
async def test_webhook_with_a_malformed_body_is_400(webhook: TelegramChannel, echo: EchoBot, body: bytes) -> None:
    assert await webhook.process_webhook(body, SECRET, SECRET) == 400
    assert echo.seen == []


async def test_webhook_with_the_secret_is_handled(webhook: TelegramChannel, fake: FakeTelegram, echo: EchoBot) -> None:
    update = fake.make_text_update(USER, "qua webhook")
    body = json.dumps(update).encode()

    assert await webhook.process_webhook(body, SECRET, SECRET) == 200
    assert [m.text for m in fake.sent_to(USER)] == ["Bạn nói: qua webhook"]
    assert await webhook.process_webhook(body, SECRET, SECRET) == 200  # a redelivery
    assert [i.event_id for i in echo.seen] == [str(update["update_id"])] * 2


async def test_webhook_delivered_by_telegram_over_http(fake: FakeTelegram, echo: EchoBot) -> None:
    channel = make_channel(fake, echo)

    async def endpoint(request: web.Request) -> web.Response:
        status = await channel.process_webhook(await request.read(), request.headers.get(WEBHOOK_SECRET_HEADER), SECRET)
        return web.Response(status=status)

    app = web.Application()
    app.router.add_post("/telegram", endpoint)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await channel.start_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/telegram", SECRET)
        await fake.user_sends_text(USER, "chon")
        [menu] = fake.sent_to(USER)
        await fake.user_presses_button(USER, menu.message_id, "a")
        forged = await fake.post_to_webhook(fake.make_text_update(USER, "giả"), headers={})
    finally:
        await channel.stop()
        await runner.cleanup()

    assert [d.status for d in fake.webhook_deliveries] == [200, 200]
    assert forged == 403
    assert [(i.text, i.choice) for i in echo.seen] == [("chon", None), (None, "a")]
    assert [m.text for m in fake.sent_to(USER)] == ["Chọn một", "Đã chọn a"]

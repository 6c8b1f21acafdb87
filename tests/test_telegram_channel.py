"""The Telegram adapter end to end over real HTTP, against the fake Bot API, through the durable intake: every
update is stored before Telegram is told it arrived, handled in order per user, answered from the reply outbox."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from telegram.error import Forbidden

from bot.intake.dispatcher import APOLOGY, Decoder, IncomingEvent
from bot.telegram_channel import TelegramChannel
from handlers.types import AttachmentKind, Document, Inbound, Option, Outgoing, Reply, Result
from storage.database import Database
from tests.fakes.loopback import LoopbackServers
from tests.fakes.telegram_api import WEBHOOK_SECRET_HEADER, FakeTelegram
from tests.intake_support import Pipeline, eventually, inbox_rows, outbox_rows

USER = 1001
OTHER_USER = 2002
SECRET = "webhook-secret_123"
LIMIT = 1000  # max_attachment_bytes for these tests
REPORT = Document("mau-bao-cao.docx", b"PK\x03\x04 report bytes", "application/vnd.ms-word")
CHART = Document("bieu-do.png", b"\x89PNG\r\n\x1a\n chart bytes", "image/png")
SLOW = "cham"  # an update with this text is held before handling until the test releases it


class EchoBot:
    """A stand-in for the flows: echoes, offers two options on "chon", fails on "loi" (always) and on
    "loi mot lan" (the first time only)."""

    def __init__(self) -> None:
        self.inbound: asyncio.Queue[Inbound] = asyncio.Queue()
        self.seen: list[Inbound] = []
        self.release_slow = asyncio.Event()

    async def handle(self, inbound: Inbound) -> Result:
        self.seen.append(inbound)
        self.inbound.put_nowait(inbound)
        if inbound.text == "loi mot lan" and [i.text for i in self.seen].count("loi mot lan") == 1:
            raise RuntimeError("boom once")
        return Result(replies=[self._reply(inbound)], outgoing=self._outgoing(inbound))

    async def next(self) -> Inbound:
        return await asyncio.wait_for(self.inbound.get(), timeout=5)

    @staticmethod
    def _reply(inbound: Inbound) -> Reply:
        if inbound.text == "loi":
            raise RuntimeError("boom")
        if inbound.text == "chon":
            return Reply("Chọn một", options=(Option("a", "Phương án A"), Option("b", "Phương án B")))
        if inbound.text == "hoi":
            return Reply("Câu 7", options=(Option("a", "Có"), Option("b" * 62, "Dài")), question="7")
        if inbound.text == "tep":
            return Reply("Mẫu báo cáo đây", document=REPORT)
        if inbound.text == "anh":
            return Reply("Biểu đồ", document=CHART)
        if inbound.text == "dai":
            return Reply("x" * 5000)
        if inbound.choice is not None:
            return Reply(f"Đã chọn {inbound.choice}" + (f" ở câu {inbound.question}" if inbound.question else ""))
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


def held_on_slow(decode: Decoder, release: asyncio.Event) -> Decoder:
    """The channel's decoder, held for the slow update (as a slow file download would hold it): the SQLite
    test database takes one transaction at a time, so the hold must come before the handling transaction."""

    async def decoder(payload: dict[str, Any]) -> Inbound | None:
        if (payload.get("message") or {}).get("text") == SLOW:
            await release.wait()
        return await decode(payload)

    return decoder


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def echo() -> EchoBot:
    return EchoBot()


@pytest.fixture
async def pipeline(tmp_path: Path, echo: EchoBot) -> AsyncIterator[Pipeline]:
    pipe = await Pipeline.on_sqlite(tmp_path, echo.handle)
    try:
        yield pipe
    finally:
        echo.release_slow.set()
        await pipe.close()


async def make_channel(
    fake: FakeTelegram, pipeline: Pipeline, echo: EchoBot, receive: Any = None, base_url: str | None = None
) -> TelegramChannel:
    """A channel wired into the intake (receive, decode, send), the intake started; ``base_url`` for a server in
    front of the fake."""
    channel = TelegramChannel(
        fake.token,
        receive or pipeline.dispatcher.receive,
        base_url=base_url or fake.base_url,
        base_file_url=fake.base_file_url,
        max_attachment_bytes=LIMIT,
        poll_timeout=1,
    )
    pipeline.senders.telegram(channel)
    pipeline.add("telegram", held_on_slow(channel.decode, echo.release_slow))
    await pipeline.start()
    return channel


@pytest.fixture
async def polling(fake: FakeTelegram, pipeline: Pipeline, echo: EchoBot) -> AsyncIterator[TelegramChannel]:
    channel = await make_channel(fake, pipeline, echo)
    await channel.start_polling()
    try:
        yield channel
    finally:
        echo.release_slow.set()
        await channel.stop()


@pytest.fixture
async def webhook(fake: FakeTelegram, pipeline: Pipeline, echo: EchoBot) -> AsyncIterator[TelegramChannel]:
    channel = await make_channel(fake, pipeline, echo)
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
        event_id=f"{USER}:{update_id}",
        display_name="Minh",
    )
    [reply] = await fake.wait_for_messages(USER, 1)
    assert (reply.text, reply.parse_mode, reply.reply_markup) == ("Bạn nói: xin chào", None, None)


async def test_an_answer_lost_on_the_way_is_sent_again_within_seconds_not_a_minute(
    fake: FakeTelegram, pipeline: Pipeline, echo: EchoBot
) -> None:
    """The network drops the bot's first sendMessage (the connection closes before any answer): the reply stays
    stored and goes again after 2 s (then 4, 8, … up to a minute), not a whole minute later while the person waits
    for the next question."""
    asked: list[str] = []

    def first_send(request: web.Request) -> bool:
        return request.path.endswith("/sendMessage") and sum(url.endswith("/sendMessage") for url in asked) == 1

    async with LoopbackServers() as servers:
        front = await servers.forwarding(asked, to=fake.base_url.rsplit("/bot", 1)[0], drop=first_send)
        channel = await make_channel(fake, pipeline, echo, base_url=f"{front}/bot")
        await channel.start_polling()
        try:
            await fake.user_sends_text(USER, "mạng chập chờn")
            loop = asyncio.get_running_loop()
            started = loop.time()
            [reply] = await fake.wait_for_messages(USER, 1, timeout=15)
            waited = loop.time() - started
            for _ in range(100):  # the bot has the answer to its call a moment after the fake recorded it
                if [row.status for row in await outbox_rows(pipeline)] == ["sent"]:
                    break
                await asyncio.sleep(0.05)
            [row] = await outbox_rows(pipeline)
        finally:
            await channel.stop()
    assert sum(url.endswith("/sendMessage") for url in asked) == 2  # the dropped one, then the one that went
    assert reply.text == "Bạn nói: mạng chập chờn"
    assert 1.5 < waited < 10, f"the answer came after {waited:.1f} s"
    assert (row.status, row.attempts) == ("sent", 2)
    assert [m.text for m in fake.sent_to(USER)] == ["Bạn nói: mạng chập chờn"]


async def test_polled_update_is_stored_and_confirmed_only_then(
    polling: TelegramChannel, fake: FakeTelegram, pipeline: Pipeline
) -> None:
    update_id = await fake.user_sends_text(USER, "lưu trước")
    await fake.wait_for_messages(USER, 1)
    [row] = await inbox_rows(pipeline)
    assert (row.channel, row.sender, row.event_key, row.status) == ("telegram", str(USER), str(update_id), "done")
    assert json.loads(row.payload)["message"]["text"] == "lưu trước"
    # The next getUpdates carried the offset past it: Telegram forgets the update only now.
    await fake.wait_until(lambda: fake.pending_updates == [], what="the update confirmed")


async def test_text_is_cleaned_of_controls_bidi_and_lone_surrogates(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot, pipeline: Pipeline
) -> None:
    # Sent as JSON escapes (\ud800, \u0000): what a client with broken encoding could make Telegram carry.
    await fake.user_sends_text(USER, "a\x00b\u202ec\ud800d\u2066e\r\nf\ufeff", first_name="Mi\u202enh\udfff")

    inbound = await echo.next()
    assert (inbound.text, inbound.display_name) == ("abcde\nf", "Minh")
    [reply] = await fake.wait_for_messages(USER, 1)
    assert reply.text == "Bạn nói: abcde\nf"
    assert [r.status for r in await inbox_rows(pipeline)] == ["done"]


async def test_dirty_text_is_stored_and_cleaned_on_every_database(
    fake: FakeTelegram, echo: EchoBot, database_url: tuple[str, dict]
) -> None:
    # PostgreSQL refuses NUL in text and neither database takes a lone surrogate: the stored payload keeps
    # them as JSON escapes, and the adapter cleans them when it decodes.
    database = Database(database_url[0], **database_url[1])
    await database.migrate()
    pipeline = Pipeline(database, echo.handle)
    channel = await make_channel(fake, pipeline, echo)
    await channel.start_polling()
    try:
        await fake.user_sends_text(USER, "x\x00y\ud83dz\u202e!", first_name="N\x00am")
        await fake.user_sends_text(USER, "sạch")
        first, second = await fake.wait_for_messages(USER, 2)
    finally:
        await channel.stop()
        await pipeline.close()
    assert (first.text, second.text) == ("Bạn nói: xyz!", "Bạn nói: sạch")
    assert echo.seen[0].display_name == "Nam"


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
    assert (inbound.choice, inbound.text, inbound.event_id) == ("b", None, f"{USER}:{update_id}")
    messages = await fake.wait_for_messages(USER, 2)
    assert messages[1].text == "Đã chọn b"
    # The spinner is stopped beside the handling; the keyboard stays (no rate-limited call besides the answer).
    await eventually(lambda: len(fake.callback_answers) == 1, "the callback answered")
    assert fake.edits == []
    assert [m.method for m in fake.sent_to(USER)] == ["sendMessage", "sendMessage"]
    assert menu.buttons == [("Phương án A", "a"), ("Phương án B", "b")]


async def test_buttons_carry_their_question(polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot) -> None:
    await fake.user_sends_text(USER, "hoi")
    [question] = await fake.wait_for_messages(USER, 1)
    # An option value too long to carry the question within Telegram's 64 bytes goes bare.
    assert question.buttons == [("Có", "~7~a"), ("Dài", "b" * 62)]
    await echo.next()
    await fake.user_presses_button(USER, question.message_id, "~7~a")
    inbound = await echo.next()
    assert (inbound.choice, inbound.question) == ("a", "7")
    await fake.user_presses_button(USER, question.message_id, "b" * 62)
    inbound = await echo.next()
    assert (inbound.choice, inbound.question) == ("b" * 62, None)
    # A button of another bot's making, or one sent before buttons carried questions, is its bare value.
    messages = await fake.wait_for_messages(USER, 3)
    assert [m.text for m in messages[1:]] == ["Đã chọn a ở câu 7", "Đã chọn " + "b" * 62]


async def test_document_arrives_with_its_bytes(polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot) -> None:
    content = b"%PDF-1.7 " + bytes(range(200))
    await fake.user_sends_document(USER, "sang-kien.pdf", content, "application/pdf", caption="bản thảo")

    inbound = await echo.next()
    assert inbound.attachment is not None
    attachment = await inbound.attachment.loaded()  # downloaded only when a step takes it
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

    announced = (await echo.next()).attachment
    assert announced is not None
    attachment = await announced.loaded()  # never downloaded: too big
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

    assert photo is not None
    photo = await photo.loaded()
    assert (photo.kind, photo.content) == (AttachmentKind.PHOTO, b"\xff\xd8 jpeg")
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


async def test_a_chart_is_sent_as_a_photo(polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot) -> None:
    await fake.user_sends_text(USER, "anh")

    [sent] = await fake.wait_for_messages(USER, 1)
    assert (sent.method, sent.photo_bytes, sent.caption) == ("sendPhoto", CHART.content, "Biểu đồ")


async def test_long_text_is_split(polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot) -> None:
    await fake.user_sends_text(USER, "dai")
    first, second = await fake.wait_for_messages(USER, 2)
    assert (len(first.text or ""), len(second.text or "")) == (4096, 5000 - 4096)


async def test_handler_failure_is_retried_then_apologised_and_the_user_goes_on(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot, pipeline: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    await fake.user_sends_text(USER, "loi")
    [apology] = await fake.wait_for_messages(USER, 1)
    assert apology.text == APOLOGY
    assert [i.text for i in echo.seen] == ["loi"] * 3  # tried three times, then set aside
    assert "handling a telegram event failed" in caplog.text

    await fake.user_sends_text(USER, "vẫn chạy")
    messages = await fake.wait_for_messages(USER, 2)
    assert messages[1].text == "Bạn nói: vẫn chạy"
    await pipeline.idle()
    assert [r.status for r in await inbox_rows(pipeline)] == ["failed", "done"]


async def test_a_passing_failure_is_retried_without_an_apology(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot
) -> None:
    await fake.user_sends_text(USER, "loi mot lan")
    [reply] = await fake.wait_for_messages(USER, 1)
    assert reply.text == "Bạn nói: loi mot lan"
    assert [i.text for i in echo.seen] == ["loi mot lan"] * 2


async def test_outgoing_for_telegram_users_is_sent_others_kept_for_their_channel(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot, pipeline: Pipeline
) -> None:
    await fake.user_sends_text(USER, "bao")
    [notice] = await fake.wait_for_messages(OTHER_USER, 1)
    await fake.wait_for_messages(USER, 1)
    assert notice.text == "Anh/Chị được thêm làm đồng tác giả"
    assert {m.chat_id for m in fake.sent} == {USER, OTHER_USER}
    await pipeline.idle()
    # The Zalo message waits in the outbox for the Zalo channel; it is not sent through Telegram.
    rows = await outbox_rows(pipeline)
    assert sorted((r.channel, r.chat, r.status) for r in rows) == [
        ("telegram", str(USER), "sent"),
        ("telegram", str(OTHER_USER), "sent"),
        ("zalo", "z-1", "pending"),
    ]


async def test_redelivered_update_is_handled_once(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot, pipeline: Pipeline
) -> None:
    update_id = await fake.user_sends_text(USER, "một lần")
    first = await echo.next()
    await fake.wait_for_messages(USER, 1)
    await fake.redeliver(update_id)
    await fake.user_sends_text(USER, "hai")  # served after the redelivery (getUpdates answers in id order)
    await fake.wait_for_messages(USER, 2)
    await pipeline.idle()
    assert first.event_id == f"{USER}:{update_id}"
    assert [i.text for i in echo.seen] == ["một lần", "hai"]
    assert [m.text for m in fake.sent_to(USER)] == ["Bạn nói: một lần", "Bạn nói: hai"]
    assert len(await inbox_rows(pipeline)) == 2


async def test_one_user_in_order_other_users_not_blocked(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot
) -> None:
    await fake.user_sends_text(USER, SLOW)  # held until released
    await fake.user_sends_text(USER, "sau đó")
    await fake.user_sends_text(OTHER_USER, "người khác")

    [other] = await fake.wait_for_messages(OTHER_USER, 1)
    assert other.text == "Bạn nói: người khác"
    assert [i.text for i in echo.seen if i.user_id == str(USER)] == []  # "sau đó" waits for the slow one
    echo.release_slow.set()
    first, second = await fake.wait_for_messages(USER, 2)
    assert (first.text, second.text) == (f"Bạn nói: {SLOW}", "Bạn nói: sau đó")
    assert [i.text for i in echo.seen if i.user_id == str(USER)] == [SLOW, "sau đó"]


async def test_a_flood_wait_for_one_chat_does_not_hold_up_another(
    fake: FakeTelegram, pipeline: Pipeline, echo: EchoBot
) -> None:
    fake.per_chat_rate = 1  # one message a second per chat: the second reply to USER gets a 429
    channel = await make_channel(fake, pipeline, echo)
    await channel.start_polling()
    try:
        await fake.user_sends_text(USER, "một")
        await fake.wait_for_messages(USER, 1)
        await fake.user_sends_text(USER, "hai")
        await eventually(lambda: fake.rejected_count == 1, "a 429 for USER")  # the fake notifies no rejection
        await fake.user_sends_text(OTHER_USER, "người khác")
        await fake.wait_for_messages(OTHER_USER, 1)
        assert [m.text for m in fake.sent_to(USER)] == ["Bạn nói: một"]  # still waiting out its flood wait
        await fake.wait_for_messages(USER, 2)
    finally:
        await channel.stop()
    assert [m.text for m in fake.sent_to(USER)] == ["Bạn nói: một", "Bạn nói: hai"]


async def test_public_send(polling: TelegramChannel, fake: FakeTelegram) -> None:
    await polling.send(str(USER), Reply("Nhắc: hạn nộp là ngày mai", options=(Option("ok", "Đã biết"),)))
    [sent] = await fake.wait_for_messages(USER, 1)
    assert sent.buttons == [("Đã biết", "ok")]

    fake.user_blocks_bot(OTHER_USER)
    with pytest.raises(Forbidden):
        await polling.send(str(OTHER_USER), Reply("nhắc"))


async def test_flood_control_answer_is_retried_not_lost(fake: FakeTelegram, pipeline: Pipeline, echo: EchoBot) -> None:
    fake.inject_429_every = 2
    channel = await make_channel(fake, pipeline, echo)
    await channel.start_polling()
    try:
        await fake.user_sends_text(USER, "một")
        await fake.user_sends_text(USER, "hai")  # its reply is answered 429 once, sent again after retry_after
        await fake.wait_for_messages(USER, 2)
    finally:
        await channel.stop()
    assert [m.text for m in fake.sent_to(USER)] == ["Bạn nói: một", "Bạn nói: hai"]
    assert fake.rejected_count == 1
    assert [r.status for r in await outbox_rows(pipeline)] == ["sent", "sent"]


async def test_many_users_at_once_nothing_lost_or_duplicated(
    polling: TelegramChannel, fake: FakeTelegram, echo: EchoBot
) -> None:
    users = range(5000, 5020)
    for round_no in range(3):
        for user in users:
            await fake.user_sends_text(user, f"tin {round_no}")

    await fake.wait_until(lambda: len(fake.log) >= 60, timeout=20, what="60 replies")
    await asyncio.sleep(0.2)
    assert len([e for e in fake.log if e.method == "sendMessage"]) == 60
    for user in users:
        assert [m.text for m in fake.sent_to(user)] == [f"Bạn nói: tin {n}" for n in range(3)]


async def test_token_never_reaches_the_logs(
    fake: FakeTelegram, pipeline: Pipeline, echo: EchoBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    channel = await make_channel(fake, pipeline, echo)
    await channel.start_polling()
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
    webhook: TelegramChannel, fake: FakeTelegram, echo: EchoBot, pipeline: Pipeline, header: str | None
) -> None:
    body = json.dumps(fake.make_text_update(USER, "giả mạo")).encode()
    assert await webhook.process_webhook(body, header, SECRET) == 403
    await pipeline.idle()
    assert echo.seen == [] and fake.sent == []
    assert await inbox_rows(pipeline) == []


def nested(depth: int) -> bytes:
    """A well-formed update with a field nested ``depth`` lists deep."""
    return b'{"update_id": 7, "x": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"message": {}}', b'"update"', b"\xff\xfe", nested(100), nested(100_000)],
    ids=["not-json", "list", "no-update-id", "string", "not-utf8", "nested-100", "nested-100000"],
)
async def test_webhook_with_a_malformed_body_is_400(
    webhook: TelegramChannel, echo: EchoBot, pipeline: Pipeline, body: bytes
) -> None:
    assert await webhook.process_webhook(body, SECRET, SECRET) == 400
    await pipeline.idle()
    assert echo.seen == []
    assert await inbox_rows(pipeline) == []


async def test_webhook_with_the_secret_is_handled_once(
    webhook: TelegramChannel, fake: FakeTelegram, echo: EchoBot, pipeline: Pipeline
) -> None:
    update = fake.make_text_update(USER, "qua webhook")
    body = json.dumps(update).encode()

    assert await webhook.process_webhook(body, SECRET, SECRET) == 200
    assert [m.text for m in await fake.wait_for_messages(USER, 1)] == ["Bạn nói: qua webhook"]
    assert await webhook.process_webhook(body, SECRET, SECRET) == 200  # a redelivery: acknowledged, not redone
    await pipeline.idle()
    assert [i.event_id for i in echo.seen] == [f"{USER}:{update['update_id']}"]
    assert [m.text for m in fake.sent_to(USER)] == ["Bạn nói: qua webhook"]


async def test_webhook_answers_200_only_once_the_update_is_stored(
    fake: FakeTelegram, pipeline: Pipeline, echo: EchoBot
) -> None:
    release = asyncio.Event()
    failing = False

    async def slow_receive(channel: str, events: list[IncomingEvent]) -> int:
        await release.wait()
        if failing:
            raise OSError("the database is unreachable")
        return await pipeline.dispatcher.receive(channel, events)

    channel = await make_channel(fake, pipeline, echo, receive=slow_receive)
    await channel.start_webhook("https://bot.example.test/telegram", SECRET)
    try:
        update = fake.make_text_update(USER, "đã lưu chưa?")
        answer = asyncio.create_task(channel.process_webhook(json.dumps(update).encode(), SECRET, SECRET))
        await asyncio.sleep(0.2)
        assert not answer.done()  # no answer while the update is not stored
        assert await inbox_rows(pipeline) == []
        release.set()
        assert await answer == 200
        [row] = await inbox_rows(pipeline)  # stored by the time the 200 went out
        assert (row.sender, row.event_key) == (str(USER), str(update["update_id"]))
        await fake.wait_for_messages(USER, 1)

        # When storing fails, the call fails (aiohttp answers 500) and Telegram delivers the update again.
        failing = True
        other = fake.make_text_update(USER, "không lưu được")
        with pytest.raises(OSError):
            await channel.process_webhook(json.dumps(other).encode(), SECRET, SECRET)
        assert len(await inbox_rows(pipeline)) == 1
    finally:
        await channel.stop()


async def test_webhook_text_is_cleaned(webhook: TelegramChannel, fake: FakeTelegram, echo: EchoBot) -> None:
    body = json.dumps(fake.make_text_update(USER, "x\udc80y\x07\u202dz")).encode()
    assert await webhook.process_webhook(body, SECRET, SECRET) == 200
    assert (await echo.next()).text == "xyz"
    [reply] = await fake.wait_for_messages(USER, 1)
    assert reply.text == "Bạn nói: xyz"


async def test_webhook_delivered_by_telegram_over_http(fake: FakeTelegram, pipeline: Pipeline, echo: EchoBot) -> None:
    channel = await make_channel(fake, pipeline, echo)

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
        [menu] = await fake.wait_for_messages(USER, 1)
        await fake.user_presses_button(USER, menu.message_id, "a")
        await fake.wait_for_messages(USER, 2)
        forged = await fake.post_to_webhook(fake.make_text_update(USER, "giả"), headers={})
        await pipeline.idle()
    finally:
        await channel.stop()
        await runner.cleanup()

    assert [d.status for d in fake.webhook_deliveries] == [200, 200]
    assert forged == 403
    assert [(i.text, i.choice) for i in echo.seen] == [("chon", None), (None, "a")]
    assert [m.text for m in fake.sent_to(USER)] == ["Chọn một", "Đã chọn a"]

"""The fake Telegram Bot API speaks real HTTP well enough for python-telegram-bot 22."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken, RetryAfter

from tests.fakes.telegram_api import WEBHOOK_SECRET_HEADER, FakeTelegram

USER = 4242


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def make_bot(fake: FakeTelegram, token: str | None = None) -> Bot:
    return Bot(token or fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with make_bot(fake) as client:
        yield client


def keyboard(*values: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(v.upper(), callback_data=v)] for v in values])


def near_now(moment: dtm.datetime) -> bool:
    return abs((dtm.datetime.now(dtm.UTC) - moment).total_seconds()) < 10


async def test_get_me_describes_a_bot(bot: Bot, fake: FakeTelegram) -> None:
    me = await bot.get_me()
    assert me.is_bot is True
    assert me.id == fake.bot_user["id"]
    assert me.username == "sangkien_test_bot"
    assert me.can_join_groups is True
    assert me.supports_inline_queries is False


async def test_wrong_token_is_invalid_token(fake: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        await make_bot(fake, token="111:not-the-token").get_me()


async def test_unknown_method_is_404(bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{fake.base_url}{fake.token}/noSuchMethod")
    assert response.status_code == 404
    assert response.json()["ok"] is False


async def test_send_message_with_inline_keyboard(bot: Bot, fake: FakeTelegram) -> None:
    message = await bot.send_message(USER, "Chọn một mục", reply_markup=keyboard("yes", "no"))

    assert message.text == "Chọn một mục"
    assert message.chat.id == USER
    assert message.from_user is not None and message.from_user.id == fake.bot_user["id"]
    assert near_now(message.date)  # dates travel in seconds: milliseconds would be decades off
    assert message.reply_markup == keyboard("yes", "no")
    [sent] = fake.sent_to(USER)
    assert sent.message_id == message.message_id
    assert sent.parse_mode is None
    assert sent.buttons == [("YES", "yes"), ("NO", "no")]
    assert sent.reply_markup == keyboard("yes", "no").to_dict()
    assert [(entry.method, entry.chat_id) for entry in fake.log] == [("sendMessage", USER)]


async def test_json_and_urlencoded_requests_are_accepted(fake: FakeTelegram) -> None:
    url = f"{fake.base_url}{fake.token}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with httpx.AsyncClient() as client:
        as_json = await client.post(url, json={"chat_id": USER, "text": "json", "reply_markup": markup})
        as_form = await client.post(
            url, data={"chat_id": str(USER), "text": "form", "reply_markup": json.dumps(markup)}
        )
    assert as_json.json()["ok"] and as_form.json()["ok"]
    assert [(m.text, m.reply_markup) for m in fake.sent_to(USER)] == [("json", markup), ("form", markup)]


async def test_get_updates_gives_typed_text_update_then_confirms(bot: Bot, fake: FakeTelegram) -> None:
    update_id = await fake.user_sends_text(USER, "/start", first_name="Lan")

    [update] = await bot.get_updates(timeout=0)
    assert isinstance(update, Update)
    assert update.update_id == update_id
    message = update.message
    assert message is not None
    assert message.text == "/start"
    assert message.chat.id == USER and message.chat.type == "private"
    assert message.from_user is not None
    assert message.from_user.is_bot is False
    assert message.from_user.first_name == "Lan"
    assert near_now(message.date)
    assert message.entities[0].type == "bot_command"

    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
    assert fake.pending_updates == []


async def test_long_poll_wakes_when_the_user_writes(bot: Bot, fake: FakeTelegram) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()
    await fake.user_sends_text(USER, "xin chào")
    updates = await asyncio.wait_for(poll, timeout=2)
    assert [u.message.text for u in updates if u.message] == ["xin chào"]


async def test_callback_query_round_trip(bot: Bot, fake: FakeTelegram) -> None:
    message = await bot.send_message(USER, "Đồng ý?", reply_markup=keyboard("yes", "no"))
    update_id = await fake.user_presses_button(USER, message.message_id, "yes")

    [update] = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert update.update_id == update_id
    assert query is not None
    assert query.data == "yes"
    assert query.chat_instance
    assert query.from_user.id == USER and query.from_user.is_bot is False
    assert query.message is not None and query.message.message_id == message.message_id

    assert await query.answer("Đã ghi nhận") is True
    assert [(a.callback_query_id, a.text) for a in fake.callback_answers] == [(query.id, "Đã ghi nhận")]
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await query.answer()

    await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=None)
    assert fake.sent_to(USER)[0].buttons == []
    with pytest.raises(ValueError, match="no button"):
        await fake.user_presses_button(USER, message.message_id, "no")


async def test_edit_message_text_and_not_modified(bot: Bot, fake: FakeTelegram) -> None:
    message = await bot.send_message(USER, "Bản nháp")
    edited = await bot.edit_message_text("Bản cuối", chat_id=USER, message_id=message.message_id)
    assert isinstance(edited, type(message)) and edited.text == "Bản cuối"
    assert fake.sent_to(USER)[0].text == "Bản cuối"
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Bản cuối", chat_id=USER, message_id=message.message_id)
    with pytest.raises(BadRequest, match="not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)


async def test_bot_uploads_a_document_and_a_photo(bot: Bot, fake: FakeTelegram) -> None:
    content = b"PK\x03\x04 fake docx \x00\xff"
    message = await bot.send_document(USER, document=content, filename="bao-cao.docx", caption="Báo cáo")
    await bot.send_photo(USER, photo=b"\xff\xd8\xff fake jpeg")

    assert message.document is not None and message.document.file_name == "bao-cao.docx"
    document, photo = fake.sent_to(USER)
    assert (document.document_name, document.document_bytes, document.caption) == (
        "bao-cao.docx",
        content,
        "Báo cáo",
    )
    assert photo.photo_bytes == b"\xff\xd8\xff fake jpeg"
    assert [entry.method for entry in fake.log] == ["sendDocument", "sendPhoto"]


async def test_bot_downloads_a_document_the_user_sent(bot: Bot, fake: FakeTelegram) -> None:
    content = "Nội dung sáng kiến".encode() + bytes(range(256))
    await fake.user_sends_document(USER, "sang-kien.pdf", content, "application/pdf")

    [update] = await bot.get_updates(timeout=0)
    document = update.message.document if update.message else None
    assert document is not None
    assert (document.file_name, document.mime_type, document.file_size) == (
        "sang-kien.pdf",
        "application/pdf",
        len(content),
    )
    file = await bot.get_file(document.file_id)
    assert file.file_path is not None and file.file_path.startswith(fake.base_file_url)
    assert bytes(await file.download_as_bytearray()) == content


async def test_photo_and_sticker_updates_parse(bot: Bot, fake: FakeTelegram) -> None:
    await fake.user_sends_photo(USER, b"jpeg-bytes", caption="ảnh")
    await fake.user_sends_sticker(USER)
    await fake.user_sends(USER, {"location": {"latitude": 21.03, "longitude": 105.85}})

    photo, sticker, location = [u.message for u in await bot.get_updates(timeout=0)]
    assert photo is not None and photo.photo[-1].width == 1280 and photo.caption == "ảnh"
    assert sticker is not None and sticker.sticker is not None and sticker.sticker.emoji == "👍"
    assert location is not None and location.location is not None


async def test_injected_429_raises_retry_after_and_is_not_recorded() -> None:
    async with FakeTelegram(inject_429_every=2) as fake, make_bot(fake) as bot:
        await bot.send_message(USER, "một")
        with pytest.raises(RetryAfter, match="Retry in 1"):
            await bot.send_message(USER, "hai")
        await bot.send_message(USER, "ba")
    assert [m.text for m in fake.sent_to(USER)] == ["một", "ba"]
    assert len(fake.log) == 2
    assert [(r.error_code, r.retry_after) for r in fake.rejected] == [(429, 1)]


async def test_global_and_per_chat_flood_limits() -> None:
    async with FakeTelegram(global_rate=3, per_chat_rate=2) as fake, make_bot(fake) as bot:
        await bot.send_message(1, "a")
        await bot.send_message(1, "b")
        with pytest.raises(RetryAfter):
            await bot.send_message(1, "c")  # per chat: 2 per second
        await bot.send_message(2, "d")
        with pytest.raises(RetryAfter):
            await bot.send_message(3, "e")  # global: 3 per second
    assert [m.text for m in fake.sent] == ["a", "b", "d"]
    assert fake.rejected_count == 2


async def test_blocked_user_is_forbidden(bot: Bot, fake: FakeTelegram) -> None:
    fake.user_blocks_bot(USER)
    with pytest.raises(Forbidden):
        await bot.send_message(USER, "nhắc việc")
    assert fake.sent == [] and fake.rejected[0].error_code == 403


async def test_redelivered_update_comes_back_once_with_the_same_id(bot: Bot, fake: FakeTelegram) -> None:
    first = await fake.user_sends_text(USER, "một")
    [update] = await bot.get_updates(timeout=0)
    await fake.redeliver(first)
    [again] = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    assert again.update_id == first and again.message is not None and again.message.text == "một"
    assert await bot.get_updates(offset=again.update_id + 1, timeout=0) == ()


async def test_commands_webhook_info_chat_action_and_close(bot: Bot, fake: FakeTelegram) -> None:
    assert await bot.set_my_commands([("start", "Bắt đầu"), ("huy", "Huỷ")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "huy"]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    assert await bot.send_chat_action(USER, "typing")
    assert fake.chat_actions == [(USER, "typing")] and fake.log == []
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.close() is True


async def test_wait_for_messages_times_out_with_a_clear_error(fake: FakeTelegram) -> None:
    with pytest.raises(AssertionError, match="1 message"):
        await fake.wait_for_messages(USER, 1, timeout=0.1)


async def test_webhook_delivery_with_secret_header(bot: Bot, fake: FakeTelegram) -> None:
    received: list[tuple[dict[str, object], str | None]] = []

    async def receive(request: web.Request) -> web.Response:
        secret = request.headers.get(WEBHOOK_SECRET_HEADER)
        if secret != "s3cret":
            return web.Response(status=403)
        received.append((await request.json(), secret))
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        assert await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        assert (await bot.get_webhook_info()).url.endswith("/hook")
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)

        update_id = await fake.user_sends_text(USER, "qua webhook")
        await fake.redeliver(update_id)
        forged = fake.make_text_update(USER, "giả mạo")
        forged_status = await fake.post_to_webhook(forged, headers={WEBHOOK_SECRET_HEADER: "wrong"})
    finally:
        await runner.cleanup()

    assert [(body["update_id"], secret) for body, secret in received] == [(update_id, "s3cret")] * 2
    assert [d.status for d in fake.webhook_deliveries] == [200, 200]
    assert forged_status == 403
    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_a_second_poller_ends_the_long_poll_in_progress_with_409(fake: FakeTelegram) -> None:
    """As Telegram: two processes polling one token cut each other off ("terminated by other getUpdates")."""
    from telegram.error import Conflict

    async with make_bot(fake) as first, make_bot(fake) as second:
        waiting = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        assert list(await second.get_updates(timeout=0)) == []
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await waiting
    assert [r.error_code for r in fake.rejected] == [409]

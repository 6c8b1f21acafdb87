"""The bot's Bot API transport (aiohttp under python-telegram-bot) against the strict fake over real HTTP:
what the fake refuses, a slow or absent server, uploads and downloads arrive byte for byte, and no error it
raises carries the token into a log."""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.telegram_request import AiohttpRequest
from tests.fakes.loopback import LoopbackServers, free_port
from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeTelegram

CHAT = 4242


def _bot(base_url: str, base_file_url: str | None = None, *, read_timeout: float = 5.0) -> Bot:
    kwargs = {"base_file_url": base_file_url} if base_file_url else {}
    return Bot(
        DEFAULT_TOKEN,
        base_url=base_url,
        request=AiohttpRequest(8, read_timeout=read_timeout, connect_timeout=1.0),
        get_updates_request=AiohttpRequest(1, read_timeout=read_timeout),
        **kwargs,
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_messages_arrive_as_sent_with_vietnamese_text_and_buttons(fake: FakeTelegram) -> None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    text = "Đơn SK-2026-0001 đã được tiếp nhận — cảm ơn anh/chị! 🌱"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Có", callback_data="~q~co")]])
    async with _bot(fake.base_url) as bot:
        sent = await bot.send_message(CHAT, text, reply_markup=keyboard)
    assert [m.text for m in fake.sent_to(CHAT)] == [text]
    assert fake.sent_to(CHAT)[0].buttons == [("Có", "~q~co")]
    assert sent.message_id == fake.sent_to(CHAT)[0].message_id


async def test_a_document_is_uploaded_and_a_users_file_downloaded_byte_for_byte(fake: FakeTelegram) -> None:
    content = bytes(range(256)) * 300  # every byte value, 76.8 kB
    async with _bot(fake.base_url, fake.base_file_url) as bot:
        await bot.send_document(CHAT, content, filename="Báo cáo sáng kiến.docx", caption="Mẫu M-02")
        await fake.user_sends_document(CHAT, "minh-chung.pdf", content, "application/pdf")
        updates = await bot.get_updates(timeout=0)
        document = updates[-1].message.document  # type: ignore[union-attr]
        downloaded = await (await bot.get_file(document.file_id)).download_as_bytearray()  # type: ignore[union-attr]
    [message] = fake.sent_to(CHAT)
    assert message.document_name == "Báo cáo sáng kiến.docx"
    assert message.document_bytes == content
    assert message.caption == "Mẫu M-02"
    assert bytes(downloaded) == content


async def test_too_many_requests_reaches_the_caller_with_its_retry_after() -> None:
    async with FakeTelegram(inject_429_every=1) as fake, _bot(fake.base_url) as bot:
        with pytest.raises(RetryAfter) as refused:
            await bot.send_message(CHAT, "x")
    assert refused.value.retry_after == 1
    assert fake.sent_to(CHAT) == []


async def test_an_answer_slower_than_the_read_timeout_is_timed_out_and_the_next_call_works(
    fake: FakeTelegram,
) -> None:
    async with _bot(fake.base_url, read_timeout=0.3) as bot:
        fake.latency = 1.0
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "chậm")
        fake.latency = 0.0
        await bot.send_message(CHAT, "nhanh")
    assert [m.text for m in fake.sent_to(CHAT)][-1] == "nhanh"


async def test_a_server_that_is_not_there_is_a_network_error_without_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = _bot(f"http://127.0.0.1:{free_port()}/bot")
    await bot.request.initialize()  # not bot.initialize(): that would call getMe first
    try:
        with pytest.raises(NetworkError) as failed, caplog.at_level(logging.DEBUG):
            try:
                await bot.send_message(CHAT, "x")
            except NetworkError:
                logging.getLogger("bot.test").exception("gửi thất bại")
                raise
    finally:
        await bot.request.shutdown()
    assert not isinstance(failed.value, TimedOut)
    shown = "".join(traceback.format_exception(failed.value))
    assert "aiohttp.ClientConnectorError" in shown
    secret = DEFAULT_TOKEN.split(":", 1)[1]
    assert secret not in shown
    assert caplog.records and secret not in caplog.text


async def test_a_call_before_initialize_or_after_shutdown_is_refused_plainly(fake: FakeTelegram) -> None:
    request = AiohttpRequest(1)
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{fake.base_url}{DEFAULT_TOKEN}/getMe")
    await request.initialize()
    assert (await request.post(f"{fake.base_url}{DEFAULT_TOKEN}/getMe"))["is_bot"] is True  # type: ignore[index]
    await request.shutdown()
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{fake.base_url}{DEFAULT_TOKEN}/getMe")


async def test_a_proxy_from_the_environment_carries_the_calls_unless_no_proxy_names_the_host(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    async with LoopbackServers() as servers:
        proxy = await servers.forwarding(asked)
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with _bot(fake.base_url) as bot:
            await bot.send_message(CHAT, "qua proxy")
        assert any(url.endswith("/sendMessage") for url in asked)
        assert fake.sent_to(CHAT)[-1].text == "qua proxy"

        asked.clear()
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        async with _bot(fake.base_url) as bot:
            await bot.send_message(CHAT, "thẳng")
        assert asked == []
        assert fake.sent_to(CHAT)[-1].text == "thẳng"

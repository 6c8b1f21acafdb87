"""Logs never identify an anonymous sender nor hold a secret, at any LOG_LEVEL: an anonymous hiến kế sent
through the real Telegram adapter (python-telegram-bot over HTTP to the fake Bot API) with the process logging
set up as `sangkien-bot` sets it up, at DEBUG; every line is searched for the sender's id and names."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.app import App
from bot.logging_setup import LIBRARY_LOGGERS, MASK, configure_logging
from bot.telegram_channel import TelegramChannel
from handlers.parsing import fold
from tests.fakes.telegram_api import FakeTelegram
from tests.intake_support import telegram_for_app

USER = 7391826455
NAME = "Hoàng Thị Kín"
CONTENT = "Đề nghị cho phép nộp đơn nghỉ phép qua phần mềm thay cho giấy, đỡ mất thời gian đi lại."
WEBHOOK_SECRET = "webhook-secret-Zx81-never-logged"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The process logging at DEBUG, written to a buffer; everything restored afterwards."""
    root = logging.getLogger()
    saved = (root.level, {name: logging.getLogger(name).level for name in LIBRARY_LOGGERS})
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    yield_handler = configure_logging("DEBUG", [WEBHOOK_SECRET], handler=handler)
    try:
        yield buffer
    finally:
        root.removeHandler(yield_handler)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)


async def _ignore(channel: str, events: list) -> int:
    return 0


def naming_the_sender(text: str) -> list[str]:
    return [line for line in text.splitlines() if str(USER) in line or NAME in line or fold(NAME) in fold(line)]


async def _anonymous_suggestion(app: App, fake: FakeTelegram) -> str:
    channel, dispatcher = await telegram_for_app(app, fake)
    try:
        answers = ["/start", NAME, "Quang Trung", "Giáo viên", "Bỏ qua", "Xác nhận", "/hienke"]
        answers += ["Cải cách hành chính", CONTENT, "Xong", "Gửi ẩn danh", "Đồng ý công khai", "Gửi hiến kế"]
        for answer in answers:
            await fake.user_sends_text(USER, answer, first_name=NAME)
        await fake.wait_until(
            lambda: any("Mã theo dõi" in (m.text or "") for m in fake.sent_to(USER)),
            timeout=15,
            what=lambda: str([m.text for m in fake.sent_to(USER)][-3:]),
        )
    finally:
        await channel.stop()
        await dispatcher.stop()
    return next(m.text or "" for m in fake.sent_to(USER) if "Mã theo dõi" in (m.text or ""))


async def test_an_anonymous_suggestion_at_debug_logs_nothing_of_its_sender(app: App, log_lines: io.StringIO) -> None:
    async with FakeTelegram() as fake:
        receipt = await _anonymous_suggestion(app, fake)
        token = fake.token
    code = receipt.split("Mã theo dõi: ")[1].split("\n")[0]
    assert code.startswith("HK-")
    logging.getLogger("bot").debug("journey done")  # the handler really takes DEBUG records
    text = log_lines.getvalue()
    assert "journey done" in text
    assert naming_the_sender(text) == []
    assert token not in text


async def test_the_same_journey_with_the_library_at_debug_would_name_the_sender(
    app: App, log_lines: io.StringIO
) -> None:
    """The check above can fail: python-telegram-bot at DEBUG (what the issue saw) names the sender."""
    logging.getLogger("telegram").setLevel(logging.DEBUG)
    async with FakeTelegram() as fake:
        await _anonymous_suggestion(app, fake)
    lines = naming_the_sender(log_lines.getvalue())
    print(f"lines naming the sender with telegram at DEBUG: {len(lines)}")
    assert len(lines) > 0


async def test_webhook_secret_and_token_are_masked_even_when_a_library_logs_at_debug(
    app: App, log_lines: io.StringIO
) -> None:
    async with FakeTelegram() as fake:
        log_lines.truncate(0)
        # The token is a secret from the settings in production; here it is added the same way.
        handler = logging.getLogger().handlers[-1]
        handler.filters.clear()
        configure_logging("DEBUG", [WEBHOOK_SECRET, fake.token], handler=handler)
        logging.getLogger("telegram").setLevel(logging.DEBUG)  # an operator forcing library tracing on
        channel = TelegramChannel(fake.token, _ignore, base_url=fake.base_url)
        await channel.start_webhook("https://bot.example.test/telegram", WEBHOOK_SECRET)
        await channel.stop()
        text = log_lines.getvalue()
        assert "setWebhook" in text and MASK in text
        assert WEBHOOK_SECRET not in text and fake.token not in text

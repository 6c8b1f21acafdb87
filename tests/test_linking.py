"""One person on Telegram and Zalo: a one-time code links the accounts, so initiatives follow them."""

from __future__ import annotations

import re

from bot.app import App
from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT, Chat, Clock, play


async def test_code_links_zalo_to_the_telegram_account(app: App, clock: Clock) -> None:
    telegram = Chat(app.core.handle, "111", channel="telegram")
    zalo = Chat(app.core.handle, "z-111", channel="zalo")
    await play(telegram, REGISTRATION_SCRIPT + WIZARD_SCRIPT)
    await zalo.say("/start")
    assert "/lienket" in zalo.text
    await telegram.say("/lienket")
    code = re.search(r"/lienket (\d{6})", telegram.text).group(1)
    await zalo.say(f"/lienket {code}")
    assert "Đã liên kết" in zalo.text and "Telegram, Zalo" in zalo.text
    await zalo.say("/cuatoi")
    assert any("SK-2026-0001" in o for o in zalo.options)
    # A code works once.
    other = Chat(app.core.handle, "z-222", channel="zalo")
    await other.say(f"/lienket {code}")
    assert "không đúng hoặc đã hết hạn" in other.text


async def test_expired_or_guessed_codes_are_refused(app: App, clock: Clock) -> None:
    telegram = Chat(app.core.handle, "121", channel="telegram")
    await play(telegram, REGISTRATION_SCRIPT)
    await telegram.say("/lienket")
    code = re.search(r"/lienket (\d{6})", telegram.text).group(1)
    clock.advance(minutes=16)
    zalo = Chat(app.core.handle, "z-121", channel="zalo")
    await zalo.say(f"/lienket {code}")
    assert "hết hạn" in zalo.text
    for guess in range(5):
        await zalo.say(f"/lienket {guess:06d}")
    await zalo.say("/lienket 999999")
    assert "sai mã quá nhiều lần" in zalo.text

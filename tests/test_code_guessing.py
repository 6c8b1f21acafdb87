"""Guessing one-time codes: five wrong codes an hour per account, whatever is typed in between."""

from __future__ import annotations

from bot.app import App
from handlers.texts import identity as IT
from handlers.texts import linking as LT
from tests.support import Chat


async def test_registration_or_cancel_does_not_reset_the_count_of_wrong_invitation_codes(app: App) -> None:
    chat = Chat(app.core.handle, "6601", channel="zalo")
    checked = 0
    for round_ in range(3):
        for n in range(6):
            code = "ABCD" + "XYZ"[round_] + "EFGHJK"[n] + "22"  # letters of the invitation alphabet
            await chat.say(f"/start {code}")
            checked += IT.TOO_MANY_TRIES not in chat.text
        await chat.say("Nguyen Van A")
        await chat.say("/huy")
    assert checked == 5


async def test_wrong_link_codes_are_limited_per_account(app: App) -> None:
    chat = Chat(app.core.handle, "6602", channel="zalo")
    answers = []
    for n in range(8):
        await chat.say(f"/lienket {100000 + n}")
        answers.append(LT.TOO_MANY_TRIES in chat.text)
        await chat.say("/huy")
    assert answers == [False] * 5 + [True] * 3

"""Every command, typed by someone holding every role, with the numbers people and keyboards produce by mistake:
superscripts and circled digits (which str.isdigit() accepts and int() refuses), other scripts' digits, numbers
too long for the database, receipt-like words. Each must get an answer, never the apology of a failed event
(which it would be after three failed attempts)."""

from __future__ import annotations

import pytest

from bot.app import App
from handlers.domain import Role
from handlers.texts import common as C
from tests.support import Chat

ODD = ["²", "①", "١٢", "99999999999999999999999", "LS-²", "LS-99999999999999999999", "²⁰²⁶", "2026 ²", "² ² ²"]
# And words that break careless formatting, SQL or length limits.
ODD += ["{0} {name} %s %(x)s", "1'; DROP TABLE person; --", "\u202e1 2026", "😀 1", "-1", "0", "1 " + "x" * 5000]
ROLES = [Role.SECRETARIAT, Role.COUNCIL, Role.UNIT_HEAD, Role.BODY_HEAD, Role.PROVINCE_OFFICE]


@pytest.fixture
async def everyone(app: App) -> Chat:
    chat = Chat(app.core.handle, "900")  # an admin (settings): may grant the rest
    for answer in ["/start", "Quản Trị", "Nội vụ", "Chuyên viên", "bỏ qua", "1"]:
        await chat.say(answer)
    await chat.say("/toi")
    own_id = chat.text.split("Mã số: ")[1].split("\n")[0]
    for role in ROLES:
        async with app.database.unit_of_work() as store:
            await store.grant_role(int(own_id), role)
    return chat


async def test_every_command_answers_odd_numbers_in_words(app: App, everyone: Chat) -> None:
    names = [spec.name for spec in app.core.commands if spec.name not in {"huy", "quaylai"}]
    assert len(names) > 30
    failures: list[str] = []
    for name in names:
        for odd in ODD:
            try:
                await everyone.say(f"/{name} {odd}")
            except Exception as error:  # the dispatcher would retry it three times, then apologise
                failures.append(f"/{name} {odd}: {type(error).__name__}: {error}"[:200])
                continue
            if not everyone.text or C.APOLOGY in everyone.text:
                failures.append(f"/{name} {odd}: {everyone.text[:80]!r}")
            await everyone.say("/huy")
    assert failures == [], "\n".join(failures)

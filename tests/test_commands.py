"""The command table: every command routes by its name and aliases, is refused to exactly the roles that may not
use it, appears in the help (/trogiup, /thuky) of exactly the roles that may, and in their Telegram menu."""

from __future__ import annotations

import pytest

from bot.app import App
from handlers.commands import EVERYONE, CommandSpec, CommandTable
from handlers.domain import Role
from handlers.texts import common as C
from tests.fakes.telegram_api import FakeTelegram
from tests.intake_support import telegram_for_app
from tests.review_support import person
from tests.support import Chat

# Each role as a person holds it: with the staff role every registered person has.
ROLES = {
    "staff": frozenset({Role.STAFF}),
    "unit_head": frozenset({Role.STAFF, Role.UNIT_HEAD}),
    "secretariat": frozenset({Role.STAFF, Role.SECRETARIAT}),
    "council": frozenset({Role.STAFF, Role.COUNCIL}),
    "admin": frozenset({Role.STAFF, Role.ADMIN}),
}


def may(spec: CommandSpec, roles: frozenset[Role]) -> bool:
    """Who may use what, spelled out from the design rather than from the table's own rule."""
    return Role.ADMIN in roles or Role.STAFF in spec.roles or bool(spec.roles & roles)


def test_every_word_names_one_command(app: App) -> None:
    table = app.core.commands
    names = [spec.name for spec in table]
    assert len(names) == len(set(names)) >= 40
    for spec in table:
        assert spec.description and len(spec.description) <= 256, spec.name
        assert spec.name.isascii() and spec.name.isalnum() and spec.name.islower(), spec.name
        for word in (spec.name, *spec.aliases):
            command = table.parse(f"/{word.upper()}@SangKienBot  tham số ")
            assert command is not None and (command.name, command.args) == (spec.name, "tham số"), word
    # Typed with diacritics or in English, it is the same command.
    assert table.parse("/HiếnKế").name == "hienke"  # type: ignore[union-attr]
    assert table.parse("/trợgiúp").name == "trogiup"  # type: ignore[union-attr]
    assert table.parse("/cancel").name == "huy"  # type: ignore[union-attr]


def test_a_word_declared_twice_is_refused_at_start() -> None:
    async def nothing(ctx: object, args: str) -> None:
        return None

    with pytest.raises(ValueError, match="two commands"):
        CommandTable([CommandSpec("moi", nothing, "một"), CommandSpec("hai", nothing, "hai", aliases=("moi",))])


@pytest.mark.parametrize("role", list(ROLES))
async def test_each_command_routes_and_is_refused_exactly_where_the_table_says(app: App, role: str) -> None:
    roles = ROLES[role]
    await person(app, "Nguyễn Văn An", "THCS-QT", user_id="7001", roles=tuple(roles))
    chat = Chat(app.core.handle, "7001")
    for spec in app.core.commands:
        await chat.say(f"/{spec.aliases[-1] if spec.aliases else spec.name}")
        assert not chat.text.startswith("Không có lệnh"), spec.name
        if may(spec, roles):
            assert C.NOT_ALLOWED not in chat.text, (role, spec.name, chat.text)
        else:
            assert chat.text == C.NOT_ALLOWED, (role, spec.name, chat.text)
        await chat.say("/huy")


@pytest.mark.parametrize("role", list(ROLES))
async def test_the_help_lists_exactly_the_commands_of_the_persons_roles(app: App, role: str) -> None:
    roles = ROLES[role]
    await person(app, "Nguyễn Văn An", "THCS-QT", user_id="7001", roles=tuple(roles))
    chat = Chat(app.core.handle, "7001")
    await chat.say("/trogiup")
    help_text = chat.text
    await chat.say("/thuky")
    role_help = chat.text
    await chat.say("/khongcolenhnay")
    unknown = chat.text
    assert "Không có lệnh «/khongcolenhnay»" in unknown
    for spec in app.core.commands:
        line = f"/{spec.name}{' ' + spec.args if spec.args else ''} — {spec.description}\n"
        assert (line in help_text + "\n") == may(spec, roles), (role, spec.name)
        assert (line in unknown + "\n") == may(spec, roles), (role, spec.name)
        if role != "staff" and Role.STAFF not in spec.roles:
            assert (line in role_help + "\n") == may(spec, roles), (role, spec.name)
    if role == "staff":
        assert role_help == C.NOT_ALLOWED


def menu_names(fake: FakeTelegram, chat_id: int) -> set[str]:
    return {c["command"] for c in fake.commands.get(f"chat:{chat_id}:", [])}


async def test_the_telegram_menu_follows_registration_grants_and_revocations(app: App) -> None:
    table = app.core.commands
    staff_menu = {spec.name for spec in table if may(spec, ROLES["staff"])}
    await person(app, "Quản Trị Viên", "P-NV", user_id="8001", roles=(Role.ADMIN,), channel="telegram")
    async with FakeTelegram() as fake:
        channel, dispatcher = await telegram_for_app(app, fake)
        try:
            newcomer = 8002
            for answer in ["/start", "Trần Thị Mới", "Nội vụ", "Chuyên viên", "0912345678"]:
                await fake.user_sends_text(newcomer, answer)
            await fake.wait_until(lambda: any("Xác nhận" in str(m.reply_markup) for m in fake.sent_to(newcomer)))
            await fake.user_sends_text(newcomer, "Xác nhận")
            await fake.wait_until(lambda: bool(menu_names(fake, newcomer)))
            assert menu_names(fake, newcomer) == staff_menu
            menu = fake.commands[f"chat:{newcomer}:"]
            assert menu[0]["description"][0].isupper() and all(c["description"] for c in menu)
            async with app.database.unit_of_work() as store:
                _, newcomer_person, _ = await store.load_actor("telegram", str(newcomer))
            assert newcomer_person is not None
            for role, word in [
                ("secretariat", "thuky"),
                ("council", "hoidong"),
                ("unit_head", "thutruong"),
                ("admin", "quantri"),
            ]:
                await fake.user_sends_text(8001, f"/capquyen {newcomer_person.id} {word}")
                expected = {spec.name for spec in table if may(spec, ROLES[role])}
                await fake.wait_until(lambda expected=expected: menu_names(fake, newcomer) == expected)
                await fake.user_sends_text(8001, f"/thuquyen {newcomer_person.id} {word}")
                await fake.wait_until(lambda: menu_names(fake, newcomer) == staff_menu)
            assert menu_names(fake, 8001) == set()  # the admin's own roles never changed
        finally:
            await channel.stop()
            await dispatcher.stop()


async def test_chats_without_a_menu_of_their_own_get_the_commands_everyone_may_use(app: App) -> None:
    async with FakeTelegram() as fake:
        channel, dispatcher = await telegram_for_app(app, fake)
        try:
            await channel.set_menu(app.core.commands.menu(EVERYONE))
        finally:
            await channel.stop()
            await dispatcher.stop()
    names = [c["command"] for c in fake.commands["default:"]]
    assert set(names) == {spec.name for spec in app.core.commands if may(spec, ROLES["staff"])}
    assert "capquyen" not in names and "hoso" not in names and "trogiup" in names


async def test_start_brings_an_older_accounts_menu_up_to_date(app: App) -> None:
    """Someone given a role before menus existed (or while the bot could not reach Telegram) gets theirs at /start."""
    await person(app, "Lê Thị Hồng", "P-NV", user_id="8101", roles=(Role.SECRETARIAT,), channel="telegram")
    async with FakeTelegram() as fake:
        channel, dispatcher = await telegram_for_app(app, fake)
        try:
            await fake.user_sends_text(8101, "/start")
            expected = {spec.name for spec in app.core.commands if may(spec, ROLES["secretariat"])}
            await fake.wait_until(lambda: menu_names(fake, 8101) == expected)
            assert "hoso" in expected and "capquyen" not in expected
        finally:
            await channel.stop()
            await dispatcher.stop()

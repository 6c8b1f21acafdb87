"""Attacks on the buttons that carry their question (a press of an older or forged button) and on the per-chat
pacing of Telegram sends: through the real core behind the real Telegram adapter and the Bot API fake where a
user can do it, through the core's neutral types where only the flow matters."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import func, select

from bot.app import App
from bot.intake.dispatcher import IncomingEvent
from bot.senders import ChatPacer, Senders
from bot.settings import Settings
from bot.telegram_channel import TelegramChannel
from handlers.types import Document, Reply
from scheduler.ports import RetryLater
from storage.models import ConversationRow, InitiativeRow, PersonRow
from tests.fakes.telegram_api import FakeTelegram, SentMessage
from tests.intake_support import eventually
from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT, Chat, Clock
from tests.support import play as play_chat
from tests.test_channels_e2e import configure, play, start, stop

STALE = "câu hỏi cũ"
# What no answer to a Vietnamese user may look like.
LEAKS = ("Traceback", "Error", "Exception", "None", "old-question", "\x00")


def telegram_settings(settings: Settings, telegram: FakeTelegram) -> Settings:
    return configure(
        settings,
        {
            "telegram_bot_token": telegram.token,
            "telegram_api_base_url": telegram.base_url,
            "telegram_file_base_url": telegram.base_file_url,
        },
    )


def texts_of(telegram: FakeTelegram, user: int) -> Callable[[], list[str]]:
    return lambda: [m.text or m.caption or "" for m in telegram.sent_to(user)]


def assert_readable(messages: list[str]) -> None:
    assert messages, "nothing was answered"
    for text in messages:
        assert text.strip(), "an empty message"
        assert not any(leak in text for leak in LEAKS), text


async def conversation_of(app: App, user: int) -> tuple[str | None, dict]:
    async with app.database.unit_of_work() as store:
        _identity, _person, conversation = await store.load_actor("telegram", str(user))
    return conversation.flow, conversation.state


async def initiatives(app: App) -> list[InitiativeRow]:
    async with app.database.unit_of_work() as store:
        return list((await store.session.execute(select(InitiativeRow))).scalars())


async def press_and_wait(
    telegram: FakeTelegram, user: int, message: SentMessage, data: str, expected: str, *, strict: bool = False
) -> list[str]:
    """Press ``data`` under ``message`` and wait for the answer that contains ``expected``; the new messages."""
    texts = texts_of(telegram, user)
    seen = len(texts())
    await telegram.user_presses_button(user, message.message_id, data, strict=strict)
    await eventually(lambda: any(expected in m for m in texts()[seen:]), f"{expected!r} after pressing {data!r}")
    await asyncio.sleep(0.05)  # nothing more behind it
    return texts()[seen:]


async def test_forged_button_data_is_answered_in_vietnamese_and_changes_nothing(
    settings: Settings, clock: Clock, database_url: tuple[str, dict]
) -> None:
    """A stranger's client can send any callback data under any of the bot's messages in their own chat: empty
    questions, a question with no value, no second mark, a value with a mark inside, the current question with a
    value of another question or flow, control characters (the core's own stale marker among them), 64 and 65
    bytes. Each is answered by asking the current question again, in Vietnamese; nothing is stored."""
    async with FakeTelegram() as telegram:
        app, runtime, task = await start(telegram_settings(settings, telegram), clock, ["telegram"], database_url[1])
        user = 6101
        try:
            await play(lambda t: telegram.user_sends_text(user, t), texts_of(telegram, user), REGISTRATION_SCRIPT[:2])
            units = telegram.sent_to(user)[-1]
            assert "đơn vị nào" in (units.text or "") and units.buttons
            before = await conversation_of(app, user)

            def current() -> str:
                data = telegram.sent_to(user)[-1].buttons[0][1]
                assert data.startswith("~")
                return data[1:].partition("~")[0]

            forged: list[Callable[[str], str]] = [
                lambda v: "~~",
                lambda v: "~~1",
                lambda v: f"~{v}~",
                lambda v: "~abc",
                lambda v: "~",
                lambda v: f"~{v}~1~x",  # a mark inside the value
                lambda v: f"~{v}~cmd:duyet",  # the main menu's value, under the current question
                lambda v: f"~{v}~resume:1",
                lambda v: f"~{v}~__close__",
                lambda v: f"~{v}~\x00old-question",  # the core's own marker
                lambda v: "\x00old-question",
                lambda v: f"~{int(v) + 1}~1",  # a question not asked yet
                lambda v: f"~-{v}~1",
                lambda v: f"~{v}~" + "9" * (64 - len(f"~{v}~")),  # 64 bytes
                lambda v: f"~{v}~" + "9" * (65 - len(f"~{v}~")),  # 65 bytes (Telegram would refuse it)
                lambda v: "x" * 200,
            ]
            for make in forged:
                data = make(current())
                answer = await press_and_wait(telegram, user, units, data, "đơn vị nào")
                assert_readable(answer)
                assert await conversation_of(app, user) == before, data
            async with app.database.unit_of_work() as store:
                assert (await store.session.execute(select(func.count()).select_from(PersonRow))).scalar_one() == 0
            # Every press stopped its spinner, with no toast (nothing is known of the press before it is handled).
            await eventually(lambda: len(telegram.callback_answers) == len(forged), "each press answered")
            assert all(a.text is None for a in telegram.callback_answers)
            # Control and bidi characters are cleaned away: what is left is the current question's own button.
            latest = telegram.sent_to(user)[-1]
            await press_and_wait(telegram, user, latest, f"~{current()}~\u202e1\x07", "Chức danh")
        finally:
            await stop(app, runtime, task)


async def test_another_users_button_answers_only_the_presser_and_changes_nothing_of_the_owner(
    settings: Settings, clock: Clock, database_url: tuple[str, dict]
) -> None:
    """A press forged onto another user's message (the update's sender is the presser): it is the presser's
    event; the owner's conversation does not move."""
    async with FakeTelegram() as telegram:
        app, runtime, task = await start(telegram_settings(settings, telegram), clock, ["telegram"], database_url[1])
        owner, stranger = 6201, 6202
        try:
            await play(lambda t: telegram.user_sends_text(owner, t), texts_of(telegram, owner), REGISTRATION_SCRIPT[:2])
            units = telegram.sent_to(owner)[-1]
            before = await conversation_of(app, owner)
            update = telegram.make_callback_update(owner, units.message_id, units.buttons[0][1])
            update["callback_query"]["from"] = {"id": stranger, "is_bot": False, "first_name": "Lạ"}
            await telegram.deliver(update)
            await eventually(lambda: len(telegram.sent_to(stranger)) >= 1, "the stranger's answer")
            assert_readable(texts_of(telegram, stranger)())
            await asyncio.sleep(0.1)
            assert await conversation_of(app, owner) == before
            assert len(telegram.sent_to(owner)) == len(texts_of(telegram, owner)())
        finally:
            await stop(app, runtime, task)


async def test_old_keyboards_after_help_cancel_restart_and_a_double_tap_file_once(
    settings: Settings, clock: Clock, database_url: tuple[str, dict]
) -> None:
    """The summary's «Nộp đơn» and the declaration, pressed after /trogiup, after a restart of the bot, twice at
    once (a double tap delivered back to back) and after /huy: one initiative, one receipt number, every press
    answered in Vietnamese."""
    async with FakeTelegram() as telegram:
        configured = telegram_settings(settings, telegram)
        app, runtime, task = await start(configured, clock, ["telegram"], database_url[1])
        user = 6301
        texts = texts_of(telegram, user)
        try:
            await play(lambda t: telegram.user_sends_text(user, t), texts, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:21])
            declaration = telegram.sent_to(user)[-1]
            assert "cam đoan" in (declaration.text or "") and declaration.buttons
            declare = declaration.buttons[0][1]
            await press_and_wait(telegram, user, declaration, declare, "BẢN TÓM TẮT", strict=True)
            summary = telegram.sent_to(user)[-1]
            submit = next(data for label, data in summary.buttons if label == "Nộp đơn")
            # After /trogiup (the summary is asked again below the help): the older «Nộp đơn» files nothing.
            await play(lambda t: telegram.user_sends_text(user, t), texts, [("/trogiup", "BẢN TÓM TẮT")])
            answer = await press_and_wait(telegram, user, summary, submit, "BẢN TÓM TẮT", strict=True)
            assert_readable(answer)
            assert "Số biên nhận" not in "".join(answer)
            assert [i.status for i in await initiatives(app)] == ["draft"]
        finally:
            await stop(app, runtime, task)
        # A restart: the old keyboards are still on the screen; their questions are still told apart.
        app, runtime, task = await start(configured, clock, ["telegram"], database_url[1])
        try:
            for message, data in ((summary, submit), (declaration, declare)):
                assert_readable(await press_and_wait(telegram, user, message, data, "BẢN TÓM TẮT", strict=True))
            assert [i.status for i in await initiatives(app)] == ["draft"]
            # A double tap on the current «Nộp đơn»: both presses arrive before either is answered.
            current = telegram.sent_to(user)[-1]
            now = next(data for label, data in current.buttons if label == "Nộp đơn")
            seen = len(texts())
            await telegram.user_presses_button(user, current.message_id, now)
            await telegram.user_presses_button(user, current.message_id, now)
            await eventually(lambda: any("SK-2026-0001" in m for m in texts()[seen:]), "the receipt")
            await eventually(lambda: any(STALE in m for m in texts()[seen:]), "the second tap's answer")
            assert_readable(texts()[seen:])
            # /huy, then the old buttons of the wizard: the menu answers; still one initiative, one receipt.
            await play(lambda t: telegram.user_sends_text(user, t), texts, [("/huy", "")])
            for message, data in ((current, now), (summary, submit), (declaration, declare)):
                assert_readable(await press_and_wait(telegram, user, message, data, STALE, strict=True))
            rows = await initiatives(app)
            assert [(r.status, r.receipt_no) for r in rows] == [("submitted", "SK-2026-0001")]
            assert sum("SK-2026-0002" in m for m in texts()) == 0
            await eventually(lambda: len(telegram.callback_answers) == 9, "every press answered")
        finally:
            await stop(app, runtime, task)


async def test_stale_presses_in_mine_delete_nothing_twice(app: App) -> None:
    """/cuatoi: the draft's «Xóa bản nháp», its confirmation pressed twice, and the list's row of the deleted
    draft pressed later: one draft deleted, the other kept; answers in Vietnamese, the list asked again."""
    chat = Chat(app.core.handle, channel="telegram", user_id="6401")
    await play_chat(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:2])
    await chat.say("/huy")
    await play_chat(chat, [("/moi", "cần làm gì")])
    await chat.press("Nộp sáng kiến mới")
    await play_chat(chat, [("Sổ tay điện tử cho giáo viên mới", "Kính gửi")])
    await chat.say("/huy")
    await chat.say("/cuatoi")
    listing = chat.replies
    assert len([o for r in listing for o in r.options]) == 3  # two drafts, «Đóng»
    await chat.press("QR", listing)
    detail = chat.replies
    await chat.press("Xóa bản nháp", detail)
    confirm = chat.replies
    await chat.press("Có, xóa", confirm)
    assert "xóa" in chat.text.lower()
    for replies, label in ((confirm, "Có, xóa"), (detail, "Xóa bản nháp"), (listing, "QR"), (detail, "Tiếp tục")):
        await chat.press(label, replies)
        assert_readable([r.text for r in chat.replies])
        assert any(r.options for r in chat.replies), "the current question is asked again"
    rows = await initiatives(app)
    assert [r.data["title"] for r in rows] == ["Sổ tay điện tử cho giáo viên mới"]
    async with app.database.unit_of_work() as store:
        conversation = (await store.session.execute(select(ConversationRow))).scalars().one()
    assert conversation.flow in ("mine", None)


async def test_a_stale_press_at_the_summary_says_the_button_is_old(app: App) -> None:
    """The summary asked again below /trogiup; its older «Nộp đơn» pressed: nothing is filed, and the user, who did
    choose, is told that the button belongs to an older question (it was «chọn một trong các lựa chọn»)."""
    chat = Chat(app.core.handle, channel="telegram", user_id="6403")
    await play_chat(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:22])
    summary = chat.replies
    await chat.say("/trogiup")
    await chat.press("Nộp đơn", summary)
    assert "BẢN TÓM TẮT" in chat.text and "Số biên nhận" not in chat.text
    assert STALE in chat.text


async def test_a_stale_press_in_mine_says_the_button_is_old(app: App) -> None:
    """/cuatoi, like every other flow, tells the user a pressed button belongs to an older question (it asked them
    to choose as if they had not pressed anything)."""
    chat = Chat(app.core.handle, channel="telegram", user_id="6402")
    await play_chat(chat, REGISTRATION_SCRIPT + WIZARD_SCRIPT[:2])
    await chat.say("/huy")
    await chat.say("/cuatoi")
    listing = chat.replies
    await chat.press("QR", listing)
    await chat.press("QR", listing)  # the list's keyboard, under the detail now shown
    assert STALE in chat.text


async def test_stale_presses_in_the_suggestion_form_and_the_main_menu(app: App) -> None:
    """Hiến kế and the main menu: an older keyboard's button is refused as old and the current question asked."""
    chat = Chat(app.core.handle, channel="telegram", user_id="6501")
    await play_chat(chat, REGISTRATION_SCRIPT)
    await chat.say("/menu")
    menu = chat.replies
    await chat.say("/hienke")
    topics = chat.replies
    assert any(r.options for r in topics), chat.text
    first = next(r for r in topics if r.options).options[0].label
    await chat.press(first, topics)
    await chat.press(first, topics)
    assert STALE in chat.text and "Bước 2/5" in chat.text  # the current question, asked again
    assert_readable([r.text for r in chat.replies])
    await chat.press(next(o for r in menu for o in r.options).label, menu)
    assert STALE in chat.text
    assert_readable([r.text for r in chat.replies])
    await chat.say("/huy")
    await chat.press(next(o for r in menu for o in r.options).label, menu)
    assert STALE in chat.text and any(r.options for r in chat.replies)


# ---------------------------------------------------------------------- pacing


async def ignore(channel: str, events: list[IncomingEvent]) -> int:
    return 0


LONG = "\n".join(f"Dòng {n}: " + "nội dung sáng kiến " * 20 for n in range(40))  # about 15,000 characters


async def test_a_reply_of_four_messages_arrives_once_without_a_429() -> None:
    async with FakeTelegram(per_chat_rate=3) as fake:
        channel = TelegramChannel(fake.token, ignore, base_url=fake.base_url, base_file_url=fake.base_file_url)
        await channel.initialize()
        try:
            assert len(channel.parts(Reply(LONG))) == 4
            paced = Senders().telegram(channel, chats=ChatPacer())
            for _attempt in range(2):  # as the reply outbox does: the whole reply again, after the wait
                try:
                    await paced.send("telegram", "7001", Reply(LONG))
                    break
                except RetryLater as error:
                    await asyncio.sleep(error.after_seconds)
        finally:
            await channel.stop()
        assert fake.rejected == []
        assert len(fake.sent_to(7001)) == 4


async def test_a_document_with_a_long_caption_and_replies_at_once_keep_the_chats_pace() -> None:
    """A document whose caption goes as a message of its own, two replies to the same chat at the same moment and
    a reply to another chat: no 429, nothing lost, the other chat not held up."""
    async with FakeTelegram(per_chat_rate=3) as fake:
        channel = TelegramChannel(fake.token, ignore, base_url=fake.base_url, base_file_url=fake.base_file_url)
        await channel.initialize()
        try:
            assert len(channel.parts(Reply("Chú thích " * 200, document=Document("a.pdf", b"%PDF")))) == 2
            assert channel.parts(Reply("")) == channel.parts(Reply(" \n ")) == []  # send skips it: no token
            paced = Senders().telegram(channel, chats=ChatPacer())
            document = Reply("Chú thích " * 200, document=Document("bao-cao.pdf", b"%PDF-1.4", "application/pdf"))
            await asyncio.gather(
                paced.send("telegram", "7101", document),
                paced.send("telegram", "7101", Reply("thông báo")),
                paced.send("telegram", "7101", Reply("trả lời")),
                paced.send("telegram", "7101", Reply("trả lời nữa")),
                *(paced.send("telegram", str(7200 + n), Reply("chat khác")) for n in range(20)),
            )
        finally:
            await channel.stop()
    assert fake.rejected == []
    assert len(fake.sent_to(7101)) == 5
    assert fake.sent_to(7101)[1].document_name == "bao-cao.pdf" or fake.sent_to(7101)[0].document_name is None
    own = [e.at for e in fake.log if e.chat_id == 7101]
    others = [e.at for e in fake.log if e.chat_id != 7101 and 7200 <= e.chat_id < 7300]
    assert len(others) == 20 and max(others) < own[-1]
    assert own[-1] - own[0] >= 0.9  # the fifth message of the chat waited its turn

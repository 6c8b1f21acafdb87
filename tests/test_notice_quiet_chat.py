"""A reminder or notice waits while the bot is answering its recipient: the replies to what the person types go
first, and a reply sent by another process cannot meet the notice within the chat's pace of about one message a
second (Telegram's per-chat limit; each process paces only its own sends). The wait is the retry path of a flood
wait: it does not count as a failed attempt."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from handlers.campaign import NoticeSpec
from scheduler.sweeper import Sweeper
from storage.intake import SENT, SqlIntake
from storage.models import NoticeRow
from storage.notices import SqlNoticeQueue
from tests.reminder_support import Recorder
from tests.support import Clock


async def _notice_to(app: App, clock: Clock, user: str) -> None:
    async with app.database.unit_of_work() as store:
        identity = await store.identity("telegram", user)
        await store.enqueue(
            NoticeSpec(key=f"test|{user}", kind="test", text="Nhắc hạn nộp", due_at=clock.now, identity_id=identity.id)
        )


async def _reply_to(app: App, clock: Clock, user: str, *, sent_seconds_ago: float | None) -> None:
    """What another bot process wrote for this chat: sent that long ago, or (None) not sent yet."""
    intake = SqlIntake(app.database, "the-other-process")
    async with app.database.transaction() as session:
        chat = ("telegram", user)
        (handed,) = await intake.add_replies(session, [(*chat, "{}")], clock.now, claim_chat=chat)
    if sent_seconds_ago is not None:
        await intake.settle_reply(handed.id, SENT, clock.now - timedelta(seconds=sent_seconds_ago))


async def _row(app: App) -> NoticeRow:
    async with app.database.transaction() as session:
        return (await session.execute(select(NoticeRow))).scalar_one()


async def test_a_notice_waits_until_the_chat_has_been_quiet_for_two_seconds(app: App, clock: Clock) -> None:
    await _notice_to(app, clock, "555")
    await _reply_to(app, clock, "555", sent_seconds_ago=0.5)
    recorder = Recorder()
    sweeper = Sweeper(SqlNoticeQueue(app.database), app.database.unit_of_work, recorder, clock)

    await sweeper.sweep()
    assert recorder.sent == []
    row = await _row(app)
    assert (row.status, row.attempts) == ("pending", 0)  # waiting, not a failed try

    clock.advance(seconds=2.1)
    await sweeper.sweep()
    assert recorder.sent == [("telegram", "555", "Nhắc hạn nộp")]
    assert (await _row(app)).status == "sent"


async def test_a_reply_not_yet_sent_holds_the_notice_and_other_chats_go_on(app: App, clock: Clock) -> None:
    await _notice_to(app, clock, "556")
    await _notice_to(app, clock, "557")
    await _reply_to(app, clock, "556", sent_seconds_ago=None)  # written, with the platform in a flood wait
    await _reply_to(app, clock, "557", sent_seconds_ago=3)  # a conversation that has paused
    recorder = Recorder()
    sweeper = Sweeper(SqlNoticeQueue(app.database), app.database.unit_of_work, recorder, clock)

    await sweeper.sweep()
    assert recorder.sent == [("telegram", "557", "Nhắc hạn nộp")]
    clock.advance(seconds=30)
    await sweeper.sweep()
    assert recorder.to("556") == []  # still unsent: still held

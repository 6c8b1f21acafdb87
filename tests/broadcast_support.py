"""A broadcast in a bot's database: people with a Telegram account each and one reminder due now for each
(set up directly, as a deadline-day planning pass would leave them). Used by the crash tests and the sending
benchmark, against a database the bot process has already migrated and seeded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from storage.database import Database
from storage.models import IdentityRow, NoticeRow, PersonRow, UnitRow


def _reminder(key: str, person_id: int, text: str, due_at: datetime) -> dict[str, object]:
    """A deadline reminder row as a planning pass leaves it: due, essential, not yet claimed."""
    return {
        "key": key,
        "person_id": person_id,
        "kind": "remind:author",
        "text": text,
        "essential": True,
        "due_at": due_at,
        "status": "pending",
        "attempts": 0,
        "last_error": "",
        "subject": "",
        "subject_version": "",
    }


async def add_reminders(url: str, n: int, first_chat: int) -> None:
    """n people, Telegram chats ``first_chat`` … ``first_chat + n - 1``, and one due reminder each."""
    database = Database(url)
    now = datetime.now(UTC)
    try:
        async with database.unit_of_work() as store:
            session = store.session
            unit_id = (await session.execute(select(func.min(UnitRow.id)))).scalar_one()
            await session.execute(
                insert(PersonRow),
                [{"full_name": f"Người {i}", "unit_id": unit_id, "position": "", "created_at": now} for i in range(n)],
            )
            people = (await session.execute(select(PersonRow.id).order_by(PersonRow.id))).scalars().all()[-n:]
            await session.execute(
                insert(IdentityRow),
                [
                    {"channel": "telegram", "external_id": str(first_chat + i), "person_id": p}
                    for i, p in enumerate(people)
                ],
            )
            await session.execute(
                insert(NoticeRow),
                [_reminder(f"broadcast|{p}", p, f"Nhắc hạn số {i}", now) for i, p in enumerate(people)],
            )
    finally:
        await database.dispose()


async def remind_chats(url: str, chats: list[int], tag: str) -> None:
    """One due reminder for each registered Telegram account of ``chats`` (people the bot is talking to), due
    an hour ago: claimed before a broadcast due now."""
    database = Database(url)
    now = datetime.now(UTC) - timedelta(hours=1)
    try:
        async with database.unit_of_work() as store:
            session = store.session
            people = (
                await session.execute(
                    select(IdentityRow.person_id).where(
                        IdentityRow.channel == "telegram",
                        IdentityRow.external_id.in_([str(chat) for chat in chats]),
                        IdentityRow.person_id.is_not(None),
                    )
                )
            ).scalars()
            rows = [_reminder(f"typing|{tag}|{p}", p, f"Nhắc hạn ({tag})", now) for p in people]
            if rows:
                await session.execute(insert(NoticeRow), rows)
    finally:
        await database.dispose()

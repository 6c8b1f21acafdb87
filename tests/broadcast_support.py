"""A broadcast in a bot's database: people with a Telegram account each and one reminder due now for each
(set up directly, as a deadline-day planning pass would leave them). Used by the crash tests and the sending
benchmark, against a database the bot process has already migrated and seeded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from storage.database import Database
from storage.models import IdentityRow, NoticeRow, PersonRow, UnitRow


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
                [
                    {
                        "key": f"broadcast|{p}",
                        "person_id": p,
                        "kind": "remind:author",
                        "text": f"Nhắc hạn số {i}",
                        "essential": True,
                        "due_at": now,
                        "status": "pending",
                        "attempts": 0,
                        "last_error": "",
                        "subject": "",
                        "subject_version": "",
                    }
                    for i, p in enumerate(people)
                ],
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
            rows = [
                {
                    "key": f"typing|{tag}|{p}",
                    "person_id": p,
                    "kind": "remind:author",
                    "text": f"Nhắc hạn ({tag})",
                    "essential": True,
                    "due_at": now,
                    "status": "pending",
                    "attempts": 0,
                    "last_error": "",
                    "subject": "",
                    "subject_version": "",
                }
                for p in people
            ]
            if rows:
                await session.execute(insert(NoticeRow), rows)
    finally:
        await database.dispose()

"""Helpers for reminder and notice tests: people set up directly in the database, a sender that records
what each user received, and ticks of the reminder service at a given local time."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import App
from handlers.domain import Role
from handlers.types import Reply
from scheduler.ports import RetryLater, Unreachable
from scheduler.service import ReminderService
from storage.models import NoticeRow
from tests.support import Clock

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 30) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HANOI)


class Recorder:
    """A Sender that records every message per user; some users can be made to block the bot."""

    channels = frozenset({"console", "telegram", "zalo"})

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []  # (channel, user_id, text)
        self.attempts: Counter[str] = Counter()
        self.blocked: set[str] = set()
        self.slow_down: dict[str, float] = {}
        # Users whose platform keeps answering "try again in an hour" (a channel down, 429s without end).
        self.down: set[str] = set()

    async def send(self, channel: str, user_id: str, reply: Reply) -> None:
        self.attempts[user_id] += 1
        await asyncio.sleep(0)  # let other sends interleave, as real network calls would
        if user_id in self.blocked:
            raise Unreachable("Forbidden: bot was blocked by the user")
        if user_id in self.slow_down:
            raise RetryLater(self.slow_down.pop(user_id))
        if user_id in self.down:
            raise RetryLater(3600, "503 Service Unavailable")
        self.sent.append((channel, user_id, reply.text))

    def to(self, user_id: str) -> list[str]:
        return [text for _, user, text in self.sent if user == user_id]

    def clear(self) -> None:
        self.sent.clear()


async def add_person(
    app: App,
    name: str,
    unit_code: str,
    user_id: str,
    *,
    roles: Iterable[Role] = (),
    phone: str | None = None,
    channel: str = "console",
    phone_proven: bool = True,
) -> int:
    async with app.database.unit_of_work() as store:
        units = {u.code: u for u in await store.units()}
        person = await store.create_person(name, units[unit_code].id, "Cán bộ", phone, phone_proven=phone_proven)
        for role in roles:
            await store.grant_role(person.id, role, units[unit_code].body_id)
        identity = await store.identity(channel, user_id)
        await store.link_identity(identity.id, person.id)
        return person.id


async def add_draft(app: App, person_id: int, title: str, at: datetime, **data: object) -> int:
    async with app.database.unit_of_work() as store:
        initiative = await store.create_initiative(person_id, {"title": title, **data}, at)
        return initiative.id


async def tick_at(service: ReminderService, clock: Clock, moment: datetime) -> None:
    clock.now = moment
    await service.tick()


async def notices(app: App, **where: object) -> list[NoticeRow]:
    async with app.database.unit_of_work() as store:
        stmt = select(NoticeRow).order_by(NoticeRow.id)
        for column, value in where.items():
            stmt = stmt.where(getattr(NoticeRow, column) == value)
        return list((await store.session.execute(stmt)).scalars().all())

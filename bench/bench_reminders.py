"""Reminders through the real Telegram adapter to the Bot API fake, which enforces 30 messages/s.

Usage: .venv/bin/python bench/bench_reminders.py [--n 10000] [--inject-429-every 1000] [--pg-url URL]
Queues one reminder for each of n people, runs the sweeper until the outbox is empty, and prints the time
taken divided by the ideal (n / 30 s), with duplicates and losses counted from the fake's own log.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import App
from bot.intake.dispatcher import IncomingEvent
from bot.senders import Senders
from bot.settings import Settings
from bot.telegram_channel import TelegramChannel
from storage.database import create_engine
from storage.models import IdentityRow, NoticeRow, PersonRow, UnitRow
from tests.fakes.telegram_api import FakeTelegram

RATE = 30
FIRST_CHAT = 500_000_000


async def ignore(channel: str, events: list[IncomingEvent]) -> int:
    """Receives nothing: the bench only sends."""
    return 0


async def _fill(app: App, n: int) -> None:
    """n people with a Telegram account each and one due reminder each (bulk inserts: setup is not measured)."""
    now = datetime.now(UTC)
    async with app.database.unit_of_work() as store:
        session = store.session
        unit_id = (await session.execute(select(func.min(UnitRow.id)))).scalar_one()
        for start in range(0, n, 1000):
            chunk = range(start, min(n, start + 1000))
            await session.execute(
                insert(PersonRow),
                [{"full_name": f"Người {i}", "unit_id": unit_id, "position": "", "created_at": now} for i in chunk],
            )
        people = (await session.execute(select(PersonRow.id).order_by(PersonRow.id))).scalars().all()[-n:]
        await session.execute(
            insert(IdentityRow),
            [{"channel": "telegram", "external_id": str(FIRST_CHAT + i), "person_id": p} for i, p in enumerate(people)],
        )
        await session.execute(
            insert(NoticeRow),
            [
                {
                    "key": f"bench|p{p}",
                    "person_id": p,
                    "kind": "remind:bench",
                    "text": f"⏰ Nhắc hạn: Đợt I năm 2026 nhận đơn đến hết ngày 20/04/2026 (còn 7 ngày). #{i}",
                    "essential": True,
                    "due_at": now,
                    "status": "pending",
                    "attempts": 0,
                    "last_error": "",
                    "subject": "bench",
                    "subject_version": "",
                }
                for i, p in enumerate(people)
            ],
        )


async def _run(url: str, engine_kwargs: dict, n: int, inject: int | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_url=url, file_store_dir=Path(tmp) / "files", channels="console")
        app = App(settings, engine_kwargs=engine_kwargs)
        await app.prepare()
        await _fill(app, n)
        async with FakeTelegram(global_rate=RATE, inject_429_every=inject) as fake:
            channel = TelegramChannel(fake.token, ignore, base_url=fake.base_url, base_file_url=fake.base_file_url)
            await channel.initialize()
            sweeper = app.reminder_service(Senders().telegram(channel)).sweeper
            start = time.perf_counter()
            while True:
                stats = await sweeper.sweep()
                async with app.database.unit_of_work() as store:
                    left = (
                        await store.session.execute(
                            select(func.count())
                            .select_from(NoticeRow)
                            .where(NoticeRow.status.in_(["pending", "claimed"]))
                        )
                    ).scalar_one()
                if not left:
                    break
                # Notices put back after a flood wait: the interval job would come back for them.
                await asyncio.sleep(0.2)
            elapsed = time.perf_counter() - start
            await channel.stop()
            delivered = Counter(entry.chat_id for entry in fake.log if entry.method == "sendMessage")
        async with app.database.unit_of_work() as store:
            statuses = Counter(
                (await store.session.execute(select(NoticeRow.status).where(NoticeRow.subject == "bench"))).scalars()
            )
        await app.close()
    ideal = n / RATE
    duplicates = sum(count - 1 for count in delivered.values() if count > 1)
    lost = n - sum(1 for chat in range(FIRST_CHAT, FIRST_CHAT + n) if delivered.get(chat))
    print(f"n={n} inject_429_every={inject} database={url.split(':')[0]}")
    print(f"  time {elapsed:.1f} s, ideal {ideal:.1f} s, ratio {elapsed / ideal:.3f}")
    print(f"  duplicates {duplicates}, lost {lost} (from the fake's log); 429s answered: {fake.rejected_count}")
    print(f"  outbox: {dict(statuses)}; last sweep: sent={stats.sent} retried={stats.retried}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--inject-429-every", type=int, default=1000)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    inject = args.inject_429_every or None
    if args.pg_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.pg_url)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            kwargs = {"connect_args": {"server_settings": {"search_path": schema}}}
            await _run(args.pg_url, kwargs, args.n, inject)
        finally:
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.dispose()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            await _run(f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", {}, args.n, inject)


if __name__ == "__main__":
    asyncio.run(main())

"""In-process cost of a wizard step (with its database write) against an echo handler through the same core.

Usage: .venv/bin/python bench/bench_wizard.py [--users 40] [--pg-url postgresql+asyncpg://...]
Prints updates per second for both and the ratio wizard/echo (time per update), measured in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import App
from bot.settings import Settings
from handlers.context import Context
from handlers.types import Inbound
from storage.database import create_engine
from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT

CLOCK = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)


class EchoFlow:
    """The cheapest flow the core can run: answers with what it got."""

    name = "echo"

    async def handle(self, ctx: Context) -> None:
        ctx.say(ctx.inbound.text or "")


async def _register(app: App, user: str) -> None:
    for i, (line, _) in enumerate(REGISTRATION_SCRIPT):
        await app.core.handle(Inbound("bench", user, text=line, event_id=f"{user}-r{i}"))


async def _run(url: str, engine_kwargs: dict, users: int, label: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_url=url, file_store_dir=Path(tmp) / "files", channels="console")
        # A fixed moment when both default rounds are open, so every answer is a plain step forward.
        app = App(settings, clock=lambda: CLOCK, engine_kwargs=engine_kwargs)
        await app.prepare()
        app.core.flows["echo"] = EchoFlow()
        names = [f"u{i}" for i in range(users)]
        for name in names:
            await _register(app, name)
        # Wizard: every answer of a whole application, from "/moi" to the summary.
        steps = WIZARD_SCRIPT[:-1]
        start = time.perf_counter()
        for name in names:
            for i, (line, _) in enumerate(steps):
                await app.core.handle(Inbound("bench", name, text=line, event_id=f"{name}-w{i}"))
        wizard_rate = users * len(steps) / (time.perf_counter() - start)
        # Echo: the same number of updates through the same core (dedup, identity, state load and save).
        async with app.database.unit_of_work() as store:
            for name in names:
                identity = await store.identity("bench", name)
                conversation = await store.load_conversation(identity.id)
                conversation.flow, conversation.state = "echo", {}
                await store.save_conversation(conversation)
        start = time.perf_counter()
        for name in names:
            for i, (line, _) in enumerate(steps):
                await app.core.handle(Inbound("bench", name, text=line, event_id=f"{name}-e{i}"))
        echo_rate = users * len(steps) / (time.perf_counter() - start)
        await app.close()
    print(f"{label:<11} wizard {wizard_rate:8.0f} updates/s   echo {echo_rate:8.0f} updates/s   "
          f"ratio wizard/echo (time per update) {echo_rate / wizard_rate:5.2f}")
    return wizard_rate, echo_rate


async def _postgres(pg_url: str, users: int) -> None:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        await _run(pg_url, {"connect_args": {"server_settings": {"search_path": schema}}}, users, "PostgreSQL")
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        await _run(f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", {}, args.users, "SQLite")
    if args.pg_url:
        await _postgres(args.pg_url, args.users)


if __name__ == "__main__":
    asyncio.run(main())

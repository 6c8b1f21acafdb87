"""Shared fixtures: a fresh database per test (SQLite always; PostgreSQL too when TEST_DATABASE_URL is
set), a controllable clock, and a seeded App whose core the tests talk to through neutral types."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import sqlalchemy
import yaml
from alembic import command
from sqlalchemy.engine import make_url

from bot.app import App
from bot.settings import Settings
from storage.database import Database, alembic_config
from tests.support import Clock

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])

SEED = {
    "units": [
        {"code": "THCS-QT", "name": "Trường THCS Quang Trung", "sector": "education"},
        {"code": "TH-KD", "name": "Trường Tiểu học Kim Đồng", "sector": "education"},
        {"code": "UBND-BS", "name": "UBND phường Bắc Sơn", "sector": "other"},
        {"code": "P-NV", "name": "Phòng Nội vụ", "sector": "other"},
    ],
}


@pytest.fixture
def clock() -> Clock:
    # 10:00 in Hà Nội on 3 March 2026: both default rounds of 2026 are still open.
    return Clock(datetime(2026, 3, 3, 3, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with every migration applied, made once: each test starts from a copy (migrating
    anew took a fifth of a second per test)."""
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    engine = sqlalchemy.create_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    engine.dispose()
    return path


async def _pg_admin(statement: str) -> None:
    url = make_url(PG_URL).set(drivername="postgresql")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _in_thread(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run ``coroutine`` to the end on a loop of its own: session fixtures are first asked for from inside
    a test's running loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def _pg_database(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated_postgres() -> Iterator[str]:
    """A PostgreSQL database with every migration applied, made once per run; each test gets its own database
    created from it as a template (milliseconds, where migrating took a third of a second)."""
    name = f"sk_template_{uuid.uuid4().hex[:10]}"

    async def make() -> None:
        await _pg_admin(f'CREATE DATABASE "{name}"')
        database = Database(_pg_database(name))
        try:
            await database.migrate()
        finally:
            await database.dispose()

    _in_thread(make())
    try:
        yield name
    finally:
        _in_thread(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[str, dict]]:
    """A database of its own for this test, every migration applied."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        yield f"sqlite+aiosqlite:///{path}", {}
        return
    async with _pg_test_database(request.getfixturevalue("migrated_postgres")) as url:
        yield url, {}


@pytest.fixture(params=BACKENDS)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[str, dict]]:
    """A database of its own for this test, with no table at all."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}", {}
        return
    async with _pg_test_database(None) as url:
        yield url, {}


@asynccontextmanager
async def _pg_test_database(template: str | None) -> AsyncIterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    await _pg_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield _pg_database(name)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def seed_data() -> dict[str, Any]:
    """What the seed file of a test's app holds; a test module overrides it (with a province, for instance)."""
    return SEED


@pytest.fixture
def settings(database_url: tuple[str, dict], tmp_path: Path, seed_data: dict[str, Any]) -> Settings:
    seed_file = tmp_path / "seed.yaml"
    seed_file.write_text(yaml.safe_dump(seed_data, allow_unicode=True), encoding="utf-8")
    return Settings(
        _env_file=None,
        seed_file=seed_file,
        database_url=database_url[0],
        file_store_dir=tmp_path / "files",
        admins="console:900",
        channels="console",
        # The tests' users answer the instant a question comes; at Telegram's one message a second per chat every
        # conversation would crawl. The pacing itself is tested where it is the point (test_senders, and
        # test_channels_e2e with the real limit).
        telegram_chat_messages_per_second=1000,
    )


@pytest.fixture
async def app(settings: Settings, database_url: tuple[str, dict], clock: Clock) -> AsyncIterator[App]:
    application = App(settings, clock=clock, engine_kwargs=database_url[1])
    await application.prepare()
    yield application
    await application.close()

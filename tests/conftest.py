"""Shared fixtures: a fresh database per test (SQLite always; PostgreSQL too when TEST_DATABASE_URL is
set), a controllable clock, and a seeded App whose core the tests talk to through neutral types."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from bot.app import App
from bot.settings import Settings
from storage.database import create_engine
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


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[str, dict]]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}", {}
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield PG_URL, {"connect_args": {"server_settings": {"search_path": schema}}}
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
def settings(database_url: tuple[str, dict], tmp_path: Path) -> Settings:
    seed_file = tmp_path / "seed.yaml"
    seed_file.write_text(yaml.safe_dump(SEED, allow_unicode=True), encoding="utf-8")
    return Settings(
        _env_file=None,
        seed_file=seed_file,
        database_url=database_url[0],
        file_store_dir=tmp_path / "files",
        admins="console:900",
        channels="console",
    )


@pytest.fixture
async def app(settings: Settings, database_url: tuple[str, dict], clock: Clock) -> AsyncIterator[App]:
    application = App(settings, clock=clock, engine_kwargs=database_url[1])
    await application.prepare()
    yield application
    await application.close()

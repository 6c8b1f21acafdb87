"""The composition root: settings → database, file store, conversation core, channels."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.settings import Settings
from handlers.context import FlowConfig
from handlers.core import Core
from handlers.rounds import default_plan
from storage.database import Database
from storage.files import DiskFileStore
from storage.seed import apply_seed, read_seed

log = logging.getLogger(__name__)
EXAMPLE_SEED = Path(__file__).parent / "data" / "seed.example.yaml"


def utc_now() -> datetime:
    return datetime.now(UTC)


def flow_config(settings: Settings) -> FlowConfig:
    return FlowConfig(
        timezone=ZoneInfo(settings.timezone),
        late_policy=settings.late_submission,
        max_attachment_bytes=int(settings.max_attachment_mb * 1024 * 1024),
        admins=settings.admin_identities(),
    )


class App:
    def __init__(
        self, settings: Settings, clock: Callable[[], datetime] = utc_now, engine_kwargs: dict | None = None
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.database = Database(settings.database_url, **(engine_kwargs or {}))
        self.files = DiskFileStore(settings.file_store_dir)
        self.config = flow_config(settings)
        self.core = Core(self.database.unit_of_work, self.files, self.config, clock)

    async def prepare(self) -> None:
        """Migrate, load the seed file if any, and make sure this year's campaign exists."""
        await self.database.migrate()
        if self.settings.seed_file is not None:
            await self.seed(self.settings.seed_file)
        elif not await self._has_units():
            log.warning("no units configured and no SEED_FILE: loading the example units from %s", EXAMPLE_SEED)
            await self.seed(EXAMPLE_SEED)
        year = self.clock().astimezone(self.config.timezone).year
        async with self.database.unit_of_work() as store:
            await store.ensure_campaign(year, default_plan(self.config, year))

    async def _has_units(self) -> bool:
        async with self.database.unit_of_work() as store:
            return bool(await store.units())

    async def seed(self, path: Path) -> dict[str, int]:
        async with self.database.unit_of_work() as store:
            counts = await apply_seed(store, read_seed(path))
        log.info("seed %s loaded: %s", path, counts)
        return counts

    async def close(self) -> None:
        await self.database.dispose()

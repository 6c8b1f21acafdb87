"""The composition root: settings → database, file store, conversation core, channels."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.settings import Settings
from bot.suggestion_config import suggestion_config
from handlers.context import FlowConfig
from handlers.core import Core
from handlers.domain import Status
from handlers.duplicates import indexed_text
from handlers.reminders import Planner, ReminderSource
from handlers.reports.reminders import ReportReminderSource
from handlers.review.council_reminders import CouncilScoringReminderSource
from handlers.review.rules import ReviewConfig
from handlers.rounds import default_plan
from handlers.suggestions.reminders import SuggestionReminderSource
from scheduler.ports import Sender
from scheduler.service import ReminderService
from scheduler.sweeper import Sweeper, SweepPolicy
from storage.database import Database
from storage.duplicates import import_legacy
from storage.files import DiskFileStore
from storage.legacy_import import Problem, read_legacy
from storage.notices import SqlNoticeQueue, usage_counter
from storage.seed import apply_seed, read_seed

log = logging.getLogger(__name__)
EXAMPLE_SEED = Path(__file__).parent / "data" / "seed.example.yaml"


def utc_now() -> datetime:
    return datetime.now(UTC)


def review_config(settings: Settings) -> ReviewConfig:
    secret = settings.document_link_secret.get_secret_value() if settings.document_link_secret else ""
    channel = settings.telegram_public_channel_id.strip()
    return ReviewConfig(
        public_base_url=settings.public_base_url,
        link_secret=secret.encode(),
        link_ttl=timedelta(hours=settings.document_link_ttl_hours),
        public_channel=("telegram", channel) if channel else None,
        public_page=settings.public_page,
    )


def flow_config(settings: Settings) -> FlowConfig:
    return FlowConfig(
        timezone=ZoneInfo(settings.timezone),
        late_policy=settings.late_submission,
        max_attachment_bytes=int(settings.max_attachment_mb * 1024 * 1024),
        admins=settings.admin_identities(),
        suggestions=suggestion_config(settings),
        zalo_monthly_quota=settings.zalo_monthly_quota,
        review=review_config(settings),
        similarity_threshold=settings.similarity_threshold,
        telegram_bot_username=settings.telegram_bot_username.lstrip("@"),
    )


class App:
    def __init__(
        self, settings: Settings, clock: Callable[[], datetime] = utc_now, engine_kwargs: dict[str, Any] | None = None
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.database = Database(settings.database_url, pool_size=settings.database_pool_size, **(engine_kwargs or {}))
        self.files = DiskFileStore(settings.file_store_dir)
        self.config = flow_config(settings)
        self.core = Core(self.database.unit_of_work, self.files, self.config, clock)
        self.reminders: ReminderService | None = None
        # Reminders owned by other features (council scoring due, ...): add a ReminderSource here.
        self.reminder_sources: list[ReminderSource] = [
            SuggestionReminderSource(),
            CouncilScoringReminderSource(),
            ReportReminderSource(),
        ]

    async def prepare(self) -> None:
        """Migrate, load the seed file if any, and make sure each body has this year's campaign."""
        await self.database.migrate()
        if self.settings.seed_file is not None:
            await self.seed(self.settings.seed_file)
        elif not await self._has_units():
            log.warning("no units configured and no SEED_FILE: loading the example units from %s", EXAMPLE_SEED)
            await self.seed(EXAMPLE_SEED)
        year = self.clock().astimezone(self.config.timezone).year
        async with self.database.unit_of_work() as store:
            # Every recognising body runs its own campaign; the province's rounds are its own to set.
            for body in await store.bodies():
                if not body.provincial:
                    store.scope_to(body.id)
                    await store.ensure_campaign(year, default_plan(self.config, year))

    async def _has_units(self) -> bool:
        async with self.database.unit_of_work() as store:
            return bool(await store.units())

    async def seed(self, path: Path) -> dict[str, int]:
        async with self.database.unit_of_work() as store:
            counts = await apply_seed(store, read_seed(path))
        log.info("seed %s loaded: %s", path, counts)
        return counts

    async def import_old(self, path: Path, batch_size: int = 500) -> tuple[int, int, list[Problem]]:
        """Import and index older initiatives from a CSV/XLSX list: (added, updated, rows not read)."""
        items, problems = read_legacy(path)
        added = updated = 0
        for start in range(0, len(items), batch_size):
            async with self.database.transaction() as session:
                a, u = await import_legacy(
                    session, items[start : start + batch_size], source=path.name, now=self.clock()
                )
            added, updated = added + a, updated + u
        log.info(
            "older initiatives imported from %s: %d added, %d updated, %d rows skipped",
            path.name,
            added,
            updated,
            len(problems),
        )
        return added, updated, problems

    async def reindex(self) -> int:
        """Index every filed initiative (e.g. those filed before the duplicate check existed); flags are left as
        they are. Imported older initiatives are indexed when imported."""
        async with self.database.unit_of_work() as store:
            filed = await store.initiatives_in([s for s in Status if s != Status.DRAFT])
            for initiative in filed:
                await store.index_initiative(initiative.id, *indexed_text(initiative.data))
        return len(filed)

    def reminder_service(
        self, sender: Sender, sources: Sequence[ReminderSource] | None = None, worker: str | None = None
    ) -> ReminderService:
        """The planner and sweeper over this app's database (``sources``: default ``self.reminder_sources``).
        ``worker``: the process's heartbeat id (the intake's), so its claims are taken over soon after it dies."""
        queue = SqlNoticeQueue(self.database, timedelta(seconds=self.settings.intake_stale_seconds))
        policy = SweepPolicy(concurrency=self.settings.notice_sends_in_flight)
        sweeper = Sweeper(queue, self.database.unit_of_work, sender, self.clock, policy, worker=worker)
        return ReminderService(
            self.database.unit_of_work,
            Planner(self.config, self.reminder_sources if sources is None else sources),
            sweeper,
            self.clock,
            interval_seconds=self.settings.reminder_interval_seconds,
            plan_interval_seconds=self.settings.reminder_plan_interval_seconds,
        )

    def start_scheduler(
        self, sender: Sender, sources: Sequence[ReminderSource] | None = None, worker: str | None = None
    ) -> ReminderService:
        """Start reminders and notices once the channels can send (call from within the event loop)."""
        if self.reminders is None:
            self.reminders = self.reminder_service(sender, sources, worker)
            self.reminders.start()
        return self.reminders

    async def stop_scheduler(self) -> None:
        if self.reminders is not None:
            await self.reminders.stop()
            self.reminders = None

    def usage_counter(self, channel: str) -> Callable[[int], Awaitable[None]]:
        """Counts messages sent per month on a channel (pass as ZaloChannel's ``on_sent``); see /hanmuc."""
        return usage_counter(self.database, channel, self.clock, self.config.timezone)

    async def close(self) -> None:
        await self.stop_scheduler()
        await self.database.dispose()

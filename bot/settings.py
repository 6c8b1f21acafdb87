"""Every setting the bot reads, from the environment or a .env file (documented in .env.example)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.domain import LatePolicy
from similarity import DEFAULT_THRESHOLD


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/sangkien.sqlite3"
    # PostgreSQL connections a bot process keeps open: at least the users handled at once, plus a few.
    database_pool_size: int = Field(default=20, ge=1, le=500)
    file_store_dir: Path = Path("data/files")
    timezone: str = "Asia/Ho_Chi_Minh"
    log_level: str = "INFO"

    # "channel:user_id" pairs, comma-separated: these identities are admins once registered.
    admins: str = ""
    # YAML or CSV file of units, people and campaign rounds loaded at start (optional).
    seed_file: Path | None = None
    late_submission: LatePolicy = LatePolicy.NEXT_ROUND
    max_attachment_mb: float = Field(default=10, gt=0, le=50)
    # Intake: a bot process beats every third of this; one silent for this long is presumed dead and the
    # events and replies it held are taken over by another (seconds).
    intake_stale_seconds: float = Field(default=15, ge=1, le=600)
    # Intake: received updates (inbox_event) and sent replies (reply_outbox) are deleted this many days after
    # they were handled or sent. They hold what people typed; a platform's redelivery of an update (Telegram: up
    # to 24 hours) must still find its key, so not less than a day.
    intake_retention_days: int = Field(default=7, ge=1, le=3650)
    # Reminders and notices: how often the scheduler plans and sweeps the outbox (seconds).
    reminder_interval_seconds: float = Field(default=30, gt=0, le=3600)
    # ...and how often it plans new reminders (a pass reads every body's campaigns; seconds for a province).
    reminder_plan_interval_seconds: float = Field(default=300, gt=0, le=3600)
    # Reminders and notices: how many a process has with the platform at once. A crash can repeat at most
    # this many notices (sent, not yet marked sent); 1 gives exactly-once but for one message per crash, and
    # fills a 30/s budget only while a send takes under about 40 ms.
    notice_sends_in_flight: int = Field(default=4, ge=1, le=64)
    # Zalo's monthly message quota, shown by /hanmuc (0: not shown).
    zalo_monthly_quota: int = Field(default=0, ge=0)
    # Duplicate check: an initiative scoring at least this (0-1) against one on file is flagged.
    similarity_threshold: float = Field(default=DEFAULT_THRESHOLD, gt=0, le=1)

    # Suggestions (hiến kế). The secret seals who sent an anonymous suggestion; unset, a random key is kept in
    # SUGGESTION_KEY_FILE (default: suggestion.key beside FILE_STORE_DIR). Never put it in the database.
    suggestion_secret: SecretStr | None = None
    suggestion_key_file: Path | None = None
    suggestion_topics: str = "Cải cách hành chính|Chuyển đổi số|Điều kiện làm việc|Khác"
    suggestion_due_days: int = Field(default=15, ge=1, le=120)
    suggestion_daily_limit: int = Field(default=5, ge=1, le=100)
    suggestion_max_chars: int = Field(default=3000, ge=200, le=20000)

    # Which channels run: "auto" = every channel with a token, or the console when none has one.
    channels: str = "auto"

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    telegram_mode: Literal["polling", "webhook"] = "polling"
    # The bot's @username: invitation codes (/moimoi) then come with a https://t.me/<bot>?start=<code> link.
    telegram_bot_username: str = ""
    telegram_webhook_secret: SecretStr | None = None
    # Messages per second for the whole bot account, shared by every process (Telegram: about 30; paid
    # broadcasts allow up to 1,000). 85 % of it is booked, one message an interval; replies first, reminders in
    # every interval they leave.
    telegram_max_messages_per_second: int = Field(default=30, ge=1, le=1000)
    # Messages per second in one chat after a burst of three (Telegram: about one; more draws 429s).
    telegram_chat_messages_per_second: float = Field(default=1.0, gt=0, le=1000)

    zalo_bot_token: SecretStr | None = None
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com"
    zalo_mode: Literal["polling", "webhook"] = "polling"
    zalo_webhook_secret: SecretStr | None = None

    # The bot's own HTTP server (webhooks; later the public page).
    http_host: str = "0.0.0.0"
    http_port: int = 8080
    public_base_url: str = ""

    # The public page of recognised initiatives (GET / on the HTTP server), the Telegram channel they are
    # announced in (a numeric chat id such as -1001234567890; the bot must be an admin there), and the
    # signed, expiring download links that replace files on Zalo.
    public_page: bool = False
    # Who publishes the page (shown under the national header) and how to reach them (footer; " | " starts a
    # new line), and how many initiatives a page lists.
    public_issuer: str = "Hội đồng Sáng kiến"
    public_contact: str = ""
    public_page_size: int = Field(default=10, ge=1, le=100)
    telegram_public_channel_id: str = ""
    document_link_secret: SecretStr | None = None
    document_link_ttl_hours: float = Field(default=24, gt=0, le=24 * 30)

    @field_validator(
        "telegram_bot_token",
        "zalo_bot_token",
        "telegram_webhook_secret",
        "zalo_webhook_secret",
        "seed_file",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def secret_values(self) -> list[str]:
        """Every secret setting's value, for masking in logs (bot/logging_setup.py)."""
        values = [getattr(self, name) for name in type(self).model_fields]
        return [v.get_secret_value() for v in values if isinstance(v, SecretStr) and v.get_secret_value()]

    def admin_identities(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.admins.split(",") if a.strip())

    def enabled_channels(self) -> list[str]:
        if self.channels.strip() and self.channels != "auto":
            return [c.strip() for c in self.channels.split(",") if c.strip()]
        found = [
            name
            for name, token in (("telegram", self.telegram_bot_token), ("zalo", self.zalo_bot_token))
            if token is not None
        ]
        return found or ["console"]

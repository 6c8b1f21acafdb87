"""Logging for the bot process. At any LOG_LEVEL, DEBUG included, the log holds no user content and no secret:

- every library logger that would print messages, updates, HTTP requests or SQL parameters (python-telegram-bot,
  httpx, httpcore, aiohttp, APScheduler, SQLAlchemy, aiosqlite, asyncpg, …) is held at WARNING or above, so
  an anonymous sender's account never sits next to what they sent;
- every secret from the settings (bot tokens, webhook secrets, link and seal keys) is replaced in every record
  that reaches the handler, whichever logger made it and whatever its level."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

# Loggers (and their children) that carry user content or request details below WARNING.
LIBRARY_LOGGERS = (
    "telegram",
    "httpx",
    "httpcore",
    "hpack",
    "h2",
    "aiohttp",
    "aiolimiter",
    "apscheduler",
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "alembic",
    "asyncio",
    "urllib3",
    "multipart",
)
MASK = "<đã ẩn>"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class SecretFilter(logging.Filter):
    """Replaces each secret in a record's message, traceback and stack with a mask (never drops a record)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret containing another is masked whole; very short values would mask noise.
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True


def hold_libraries(level: int) -> None:
    """Library loggers never below WARNING (higher if the configured level is higher)."""
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, level))


def configure_logging(
    level: str | int, secrets: Iterable[str], handler: logging.Handler | None = None
) -> logging.Handler:
    """Set up the root logger with one handler (stderr unless given) that masks ``secrets``; returns it."""
    numeric = level if isinstance(level, int) else logging.getLevelName(str(level).upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    target = handler or logging.StreamHandler(sys.stderr)
    target.setFormatter(logging.Formatter(FORMAT))
    target.addFilter(SecretFilter(secrets))
    root = logging.getLogger()
    root.setLevel(numeric)
    root.addHandler(target)
    hold_libraries(numeric)
    return target

"""A logging filter that blanks secrets (the bot token) out of log records.

httpx logs every request URL at INFO on the ``httpx`` logger, and the Zalo token is part of that URL.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable
from typing import Any

MASK = "***"

# Filters run only for records logged on the logger they are attached to, not for records propagated
# from its children, so every logger that may see a URL is listed by name.
HTTP_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


class TokenRedactingFilter(logging.Filter):
    """Replaces each secret with ``***`` in the message, its arguments and any attached traceback."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: set[str] = {s for s in secrets if s}

    def add(self, secret: str) -> None:
        if secret:
            self.secrets.add(secret)

    def _clean(self, value: Any) -> Any:
        # Non-string arguments (httpx passes a URL object) are stringified only when they hold a secret,
        # so that ``%d`` and friends keep working for everything else.
        if isinstance(value, str):
            return redact(value, self.secrets)
        if isinstance(value, int | float | bool) or value is None:
            return value
        text = str(value)
        cleaned = redact(text, self.secrets)
        return value if cleaned == text else cleaned

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = self._clean(record.msg)
        if isinstance(record.args, dict):
            record.args = {k: self._clean(v) for k, v in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(self._clean(a) for a in record.args)
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            # Formatters reuse exc_text when it is set, so pre-render the traceback here, redacted.
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


def install_token_filter(secret: str, logger_names: Iterable[str] = HTTP_LOGGERS) -> None:
    """Adds ``secret`` to the redacting filter of each named logger, creating the filter once per logger."""
    for name in logger_names:
        logger = logging.getLogger(name)
        existing = next((f for f in logger.filters if isinstance(f, TokenRedactingFilter)), None)
        if existing is None:
            logger.addFilter(TokenRedactingFilter([secret]))
        else:
            existing.add(secret)

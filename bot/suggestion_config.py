"""Settings of the suggestion channel (hiến kế) → SuggestionConfig, including the key that seals anonymous
senders: SUGGESTION_SECRET if set, else a random key kept in a file beside the data (created once)."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from handlers.suggestions.rules import DEFAULT_TOPICS, SuggestionConfig
from storage.suggestion_repository import load_or_create_secret


def suggestion_secret(settings: Settings) -> bytes:
    secret = settings.suggestion_secret.get_secret_value().strip() if settings.suggestion_secret else ""
    if secret:
        if len(secret) < 16:
            raise ValueError("SUGGESTION_SECRET must be at least 16 characters")
        return secret.encode("utf-8")
    path = settings.suggestion_key_file
    if path is None or str(path) in ("", "."):
        path = Path(settings.file_store_dir).parent / "suggestion.key"
    return load_or_create_secret(path)


def suggestion_config(settings: Settings) -> SuggestionConfig:
    topics = tuple(t.strip() for t in settings.suggestion_topics.split("|") if t.strip())
    return SuggestionConfig(
        secret=suggestion_secret(settings),
        topics=topics or DEFAULT_TOPICS,
        due_days=settings.suggestion_due_days,
        daily_limit=settings.suggestion_daily_limit,
        max_length=settings.suggestion_max_chars,
    )

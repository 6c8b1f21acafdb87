""".env.example is where an operator learns the settings: every one the bot reads is there, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def _named() -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE))


def test_every_setting_the_bot_reads_is_documented_in_env_example() -> None:
    missing = {name.upper() for name in Settings.model_fields} - _named()
    assert not missing, f"settings missing from .env.example: {sorted(missing)}"


def test_env_example_names_no_setting_the_bot_ignores() -> None:
    unknown = _named() - {name.upper() for name in Settings.model_fields}
    assert not unknown, f".env.example names settings the bot does not read: {sorted(unknown)}"

"""Wrong one-time codes (links and invitations), counted per account and for everyone in the database: typing
anything in between, registering or cancelling resets nothing."""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Context

MAX_FAILURES = 5
# Across all accounts: many accounts guessing together stop everyone's guesses for the hour.
MAX_FAILURES_EVERYONE = 200
WINDOW = timedelta(hours=1)


async def too_many_failures(ctx: Context) -> bool:
    mine, everyone = await ctx.store.code_failures(ctx.identity.id, ctx.now - WINDOW)
    return mine >= MAX_FAILURES or everyone >= MAX_FAILURES_EVERYONE


async def record_failure(ctx: Context) -> None:
    await ctx.store.record_code_failure(ctx.identity.id, ctx.now)

"""Which round a submission is filed into, and the default campaign plan for a year."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from handlers.context import Context, FlowConfig
from handlers.domain import Round, Sector


def default_plan(config: FlowConfig, year: int) -> list[tuple[int, str, date, frozenset[Sector]]]:
    return [
        (number, name, date(year, month, day), frozenset(Sector(s) for s in sectors))
        for number, name, month, day, sectors in config.default_rounds
    ]


async def ensure_default_campaign(ctx: Context, year: int) -> None:
    """Create the year's campaign from the configured default plan unless it already exists."""
    await ctx.store.ensure_campaign(year, default_plan(ctx.config, year))


def pick_round(rounds: Sequence[Round], sector: Sector, today: date) -> tuple[Round | None, Round | None]:
    """Return (round to file into, the round the submission was late for — or None if on time).

    The matching round is this year's open round for the sector. If its deadline has passed (or it was
    closed early), the next open round for the sector with a deadline still ahead is offered instead.
    """
    for_sector = sorted((r for r in rounds if r.accepts(sector)), key=lambda r: (r.deadline, r.number))
    this_year = [r for r in for_sector if r.year == today.year]
    upcoming = [r for r in for_sector if not r.closed and r.deadline >= today]
    current = next((r for r in this_year if not r.closed and r.deadline >= today), None)
    if current is not None:
        return current, None
    late_from = this_year[-1] if this_year else None
    return (upcoming[0] if upcoming else None), late_from

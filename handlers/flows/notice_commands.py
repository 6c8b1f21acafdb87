"""The commands of campaigns, reminders and notices, for the core's router."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers.context import Context
from handlers.flows import campaign_admin, unit_views

CommandFn = Callable[[Context, str], Awaitable[None]]

COMMANDS: dict[str, CommandFn] = {
    "chiendich": campaign_admin.list_campaigns,
    "taodot": campaign_admin.create_campaign,
    "doihan": campaign_admin.move_deadline,
    "dongdot": campaign_admin.close_round,
    "modot": campaign_admin.reopen_round,
    "lichnhac": campaign_admin.set_schedule,
    "donvi": unit_views.unit_view,
    "tongquan": unit_views.overview,
    "hanmuc": unit_views.usage,
    "tatthongbao": unit_views.mute,
    "batthongbao": unit_views.unmute,
}

ALIASES: dict[str, str] = {
    **{name: name for name in COMMANDS},
    "campaign": "chiendich",
    "dotxet": "chiendich",
    "unit": "donvi",
    "overview": "tongquan",
    "quota": "hanmuc",
    "mute": "tatthongbao",
    "unmute": "batthongbao",
}

"""The commands of campaigns, reminders and notices, for the command table."""

from __future__ import annotations

from handlers.campaigns import admin as campaign_admin
from handlers.campaigns import unit_views
from handlers.commands import CommandSpec
from handlers.domain import Role
from handlers.texts import commands as D

SECRETARIAT = frozenset({Role.SECRETARIAT})


def commands() -> list[CommandSpec]:
    return [
        CommandSpec("chiendich", campaign_admin.list_campaigns, D.CAMPAIGNS, SECRETARIAT, ("campaign", "dotxet")),
        CommandSpec("taodot", campaign_admin.create_campaign, D.NEW_CAMPAIGN, SECRETARIAT, args="<năm>"),
        CommandSpec("doihan", campaign_admin.move_deadline, D.MOVE_DEADLINE, SECRETARIAT, args="<mã đợt> <ngày>"),
        CommandSpec("dongdot", campaign_admin.close_round, D.CLOSE_ROUND, SECRETARIAT, args="<mã đợt>"),
        CommandSpec("modot", campaign_admin.reopen_round, D.REOPEN_ROUND, SECRETARIAT, args="<mã đợt>"),
        CommandSpec(
            "lichnhac", campaign_admin.set_schedule, D.SCHEDULE, SECRETARIAT, args="<năm> <các ngày nhắc> <giờ>"
        ),
        CommandSpec("tongquan", unit_views.overview, D.OVERVIEW, SECRETARIAT, ("overview",)),
        CommandSpec("donvi", unit_views.unit_view, D.UNIT, frozenset({Role.UNIT_HEAD}), ("unit",)),
        CommandSpec("hanmuc", unit_views.usage, D.QUOTA, frozenset({Role.ADMIN}), ("quota",)),
        CommandSpec("tatthongbao", unit_views.mute, D.MUTE, aliases=("mute",)),
        CommandSpec("batthongbao", unit_views.unmute, D.UNMUTE, aliases=("unmute",)),
    ]

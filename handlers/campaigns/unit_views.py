"""Views and settings around reminders: /donvi (a unit head's unit), /tongquan (the secretariat's campaign
overview), /hanmuc (Zalo messages per month, for admins), /tatthongbao and /batthongbao."""

from __future__ import annotations

from collections import Counter

from handlers.campaign import Campaign, UnitTally, tally
from handlers.campaigns.admin import round_state, time_left
from handlers.context import Context
from handlers.domain import Role, Sector, Status
from handlers.parsing import format_date, parse_id
from handlers.rounds import ensure_default_campaign
from handlers.texts import common as C
from handlers.texts import reminders as T
from handlers.texts.status import status_label


async def _campaign(ctx: Context, year: int) -> Campaign | None:
    await ensure_default_campaign(ctx, year)
    return next((c for c in await ctx.store.campaigns() if c.year == year), None)


async def unit_view(ctx: Context, args: str) -> None:
    person = ctx.person
    if person is None or not person.has(Role.UNIT_HEAD):
        ctx.say(C.NOT_ALLOWED)
        return
    unit = await ctx.store.unit(person.unit_id) if person.unit_id else None
    if unit is None:
        ctx.say(T.UNIT_NONE)
        return
    year = ctx.today.year
    campaign = await _campaign(ctx, year)
    if campaign is None:
        ctx.say(T.NO_CAMPAIGN_YEAR.format(year=year))
        return
    filed = await ctx.store.year_initiatives(year)
    drafts = await ctx.store.initiatives_in((Status.DRAFT,))
    people = await ctx.store.people({i.person_id for i in [*filed, *drafts]})
    mine = tally(filed, people).get(unit.id, UnitTally(unit.id))
    met = mine.counted >= campaign.unit_quota
    lines = [
        T.UNIT_TITLE.format(unit=unit.name, year=year),
        T.UNIT_QUOTA.format(
            count=mine.counted, quota=campaign.unit_quota, mark=T.QUOTA_MET if met else T.QUOTA_NOT_MET
        ),
        T.UNIT_DRAFTS.format(n=sum(1 for d in drafts if getattr(people.get(d.person_id), "unit_id", None) == unit.id)),
        "",
        T.UNIT_DEADLINES,
    ]
    lines += [
        T.UNIT_DEADLINE_LINE.format(round=r.name, deadline=format_date(r.deadline), left=round_state(r, ctx.today))
        for r in campaign.rounds
        if r.accepts(unit.sector)
    ]
    lines += ["", T.UNIT_LIST if mine.initiatives else T.UNIT_EMPTY]
    unit_filed = [i for i in filed if getattr(people.get(i.person_id), "unit_id", None) == unit.id]
    lines += [
        T.UNIT_ROW.format(
            receipt=i.receipt_no,
            title=i.title or C.UNTITLED,
            author=people[i.person_id].full_name,
            status=status_label(i.status),
        )
        for i in unit_filed
    ]
    ctx.say("\n".join(lines))


async def overview(ctx: Context, args: str) -> None:
    person = ctx.person
    if person is None or not person.has(Role.SECRETARIAT):
        ctx.say(C.NOT_ALLOWED)
        return
    year = parse_id(args) or ctx.today.year
    campaign = await _campaign(ctx, year) if year == ctx.today.year else None
    if campaign is None:
        campaign = next((c for c in await ctx.store.campaigns() if c.year == year), None)
    if campaign is None:
        ctx.say(T.NO_CAMPAIGN_YEAR.format(year=year))
        return
    filed = await ctx.store.year_initiatives(year)
    people = await ctx.store.people({i.person_id for i in filed})
    tallies = tally(filed, people)
    units = await ctx.store.units()
    statuses = Counter(i.status for i in filed)
    reform = sum(t.admin_reform for t in tallies.values())
    zero = [u.name for u in units if u.id not in tallies]
    lines = [T.OVERVIEW_TITLE.format(year=year), "", T.OVERVIEW_ROUNDS]
    lines += [
        T.UNIT_DEADLINE_LINE.format(round=r.name, deadline=format_date(r.deadline), left=round_state(r, ctx.today))
        for r in campaign.rounds
    ]
    lines += ["", T.OVERVIEW_STATUS]
    lines += [
        T.OVERVIEW_STATUS_LINE.format(status=status_label(s), n=statuses[s]) for s in Status if statuses.get(s)
    ] or [T.NO_UNITS]
    lines += ["", T.OVERVIEW_UNITS.format(quota=campaign.unit_quota)]
    lines += [
        T.UNIT_LINE.format(unit=u.name, count=tallies[u.id].counted if u.id in tallies else 0)
        for u in sorted(units, key=lambda u: (u.sector != Sector.EDUCATION, u.name))
    ]
    lines += [
        "",
        T.OVERVIEW_ZERO.format(n=len(zero), units=", ".join(zero) or T.NO_UNITS),
        T.OVERVIEW_REFORM.format(
            n=reform,
            target=campaign.admin_reform_target,
            mark=T.TARGET_MET if reform >= campaign.admin_reform_target else T.TARGET_NOT_MET,
        ),
        T.OVERVIEW_LIST_DUE.format(
            date=format_date(campaign.list_deadline),
            left=time_left(campaign.list_deadline, ctx.today),
        ),
    ]
    ctx.say("\n".join(lines))


async def usage(ctx: Context, args: str) -> None:
    if ctx.person is None or not ctx.person.has(Role.ADMIN):
        ctx.say(C.NOT_ALLOWED)
        return
    months = await ctx.store.channel_usage("zalo")
    if not months:
        ctx.say(T.USAGE_EMPTY)
        return
    quota = T.USAGE_QUOTA.format(quota=ctx.config.zalo_monthly_quota) if ctx.config.zalo_monthly_quota else ""
    lines = [T.USAGE_TITLE]
    lines += [
        T.USAGE_LINE.format(month=f"{m[5:]}/{m[:4]}", n=n) + (quota if i == 0 else "")
        for i, (m, n) in enumerate(months[:12])
    ]
    ctx.say("\n".join(lines))


async def mute(ctx: Context, args: str) -> None:
    assert ctx.person is not None
    await ctx.store.set_notices_muted(ctx.person.id, True)
    ctx.say(T.MUTED)


async def unmute(ctx: Context, args: str) -> None:
    assert ctx.person is not None
    await ctx.store.set_notices_muted(ctx.person.id, False)
    ctx.say(T.UNMUTED)

"""Campaign commands for the secretariat (and admins): list, create next year's campaign, move a deadline,
close or reopen a round, set the reminder plan. Reminders follow on the next planning pass: pending
reminders planned for an old deadline or a closed round are cancelled there."""

from __future__ import annotations

from datetime import date, time

from handlers.campaign import Campaign, days_left, format_days, parse_days
from handlers.context import Context
from handlers.domain import Role, Round
from handlers.parsing import ParseError, format_date, parse_date, parse_id, parse_year
from handlers.reminders import retire_stale, round_subject
from handlers.rounds import default_plan
from handlers.texts import common as C
from handlers.texts import reminders as T


def allowed(ctx: Context) -> bool:
    if ctx.person is None or not ctx.person.has(Role.SECRETARIAT):
        ctx.say(C.NOT_ALLOWED)
        return False
    return True


def time_left(day: date, today: date) -> str:
    left = days_left(day, today)
    if left < 0:
        return T.PASSED
    return T.LEFT_TODAY if left == 0 else T.LEFT_DAYS.format(n=left)


def round_state(rnd: Round, today: date) -> str:
    return T.CLOSED if rnd.closed else time_left(rnd.deadline, today)


def _round_lines(rounds: tuple[Round, ...] | list[Round], today: date) -> str:
    return "\n".join(
        T.ROUND_LINE.format(
            id=r.id,
            name=r.name,
            sectors=", ".join(T.SECTOR_LABELS.get(s.value, s.value) for s in sorted(r.sectors)),
            deadline=format_date(r.deadline),
            state=round_state(r, today),
        )
        for r in rounds
    )


async def list_campaigns(ctx: Context, args: str) -> None:
    if not allowed(ctx):
        return
    campaigns = await ctx.store.campaigns()
    if not campaigns:
        ctx.say(T.NO_CAMPAIGNS)
        return
    blocks = [T.CAMPAIGNS_TITLE]
    for campaign in campaigns:
        blocks.append(
            T.CAMPAIGN_LINE.format(
                year=campaign.year,
                days=format_days(campaign.reminder_days),
                time=campaign.send_time.strftime("%H:%M"),
                list_due=format_date(campaign.list_deadline),
            )
        )
        blocks.append(_round_lines(campaign.rounds, ctx.today))
    ctx.say("\n".join(blocks) + "\n\n" + T.CAMPAIGN_HELP)


def _same_day(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def next_year_template(campaigns: list[Campaign], year: int, ctx: Context) -> Campaign:
    """Next year's campaign: the latest earlier year's plan moved to ``year``, or the default plan."""
    earlier = [c for c in campaigns if c.year < year and c.rounds]
    if not earlier:
        rounds = tuple(
            Round(id=0, year=year, number=n, name=name, deadline=deadline, sectors=sectors)
            for n, name, deadline, sectors in default_plan(ctx.config, year)
        )
        return Campaign(id=0, year=year, rounds=rounds)
    last = max(earlier, key=lambda c: c.year)
    rounds = tuple(
        Round(id=0, year=year, number=r.number, name=r.name, deadline=_same_day(r.deadline, year), sectors=r.sectors)
        for r in last.rounds
    )
    return Campaign(
        id=0,
        year=year,
        rounds=rounds,
        reminder_days=last.reminder_days,
        send_time=last.send_time,
        list_due=_same_day(last.list_due, year) if last.list_due else None,
        unit_quota=last.unit_quota,
        admin_reform_target=last.admin_reform_target,
    )


async def create_campaign(ctx: Context, args: str) -> None:
    if not allowed(ctx):
        return
    words = args.split()
    year = parse_year(words[0]) if len(words) == 1 else None
    if year is None:
        ctx.say(T.CREATE_USAGE)
        return
    template = next_year_template(list(await ctx.store.campaigns()), year, ctx)
    if not await ctx.store.create_campaign(template):
        ctx.say(T.ALREADY_EXISTS.format(year=year))
        return
    created = next(c for c in await ctx.store.campaigns() if c.year == year)
    ctx.say(T.CREATED.format(year=year, rounds=_round_lines(created.rounds, ctx.today)))


async def _round(ctx: Context, word: str) -> Round | None:
    round_id = parse_id(word)
    if round_id is None:
        return None
    rounds = {r.id: r for r in await ctx.store.rounds()}
    found = rounds.get(round_id)
    if found is None:
        ctx.say(T.NO_SUCH_ROUND.format(id=word))
    return found


async def move_deadline(ctx: Context, args: str) -> None:
    if not allowed(ctx):
        return
    words = args.split(maxsplit=1)
    if len(words) != 2 or parse_id(words[0]) is None:
        ctx.say(T.MOVE_USAGE)
        return
    rnd = await _round(ctx, words[0])
    if rnd is None:
        return
    try:
        # Dates up to a year past the round's current deadline are accepted.
        new = parse_date(words[1], today=max(ctx.today, rnd.deadline))
    except ParseError as error:
        ctx.say(error.message + "\n" + T.MOVE_USAGE)
        return
    if new < ctx.today:
        ctx.say(T.DEADLINE_IN_PAST.format(date=format_date(new)))
        return
    await ctx.store.set_round_deadline(rnd.id, new)
    # Reminders already queued for the old deadline never go out, whenever the next planning pass runs.
    await retire_stale(ctx.store, round_subject(rnd.id), new.isoformat())
    ctx.say(T.MOVED.format(round=rnd.name, year=rnd.year, old=format_date(rnd.deadline), new=format_date(new)))


async def close_round(ctx: Context, args: str) -> None:
    await _set_closed(ctx, args, closed=True)


async def reopen_round(ctx: Context, args: str) -> None:
    await _set_closed(ctx, args, closed=False)


async def _set_closed(ctx: Context, args: str, *, closed: bool) -> None:
    if not allowed(ctx):
        return
    words = args.split()
    if len(words) != 1 or parse_id(words[0]) is None:
        ctx.say(T.CLOSE_USAGE if closed else T.REOPEN_USAGE)
        return
    rnd = await _round(ctx, words[0])
    if rnd is None:
        return
    await ctx.store.set_round_closed(rnd.id, closed)
    if closed:
        await retire_stale(ctx.store, round_subject(rnd.id), None)
    if closed:
        ctx.say(T.CLOSED_ROUND.format(round=rnd.name, year=rnd.year))
    else:
        ctx.say(T.REOPENED_ROUND.format(round=rnd.name, year=rnd.year, deadline=format_date(rnd.deadline)))


def _parse_time(text: str) -> time:
    hours, _, minutes = text.lower().replace("h", ":").replace("g", ":").partition(":")
    return time(int(hours), int(minutes or 0))


async def set_schedule(ctx: Context, args: str) -> None:
    if not allowed(ctx):
        return
    words = args.split()
    typed = parse_id(words[0]) if len(words) >= 2 else None
    if typed is None:
        ctx.say(T.SCHEDULE_USAGE)
        return
    year = typed
    rest = words[1:]
    clock_word = rest.pop() if len(rest) > 1 and any(c in rest[-1] for c in ":hg") else None
    try:
        days = parse_days(",".join(rest))
        at = _parse_time(clock_word) if clock_word else None
    except ValueError:
        ctx.say(T.SCHEDULE_USAGE)
        return
    campaign = next((c for c in await ctx.store.campaigns() if c.year == year), None)
    if campaign is None:
        ctx.say(T.NO_SUCH_CAMPAIGN.format(year=year))
        return
    await ctx.store.update_campaign_settings(year, reminder_days=days, send_time=at)
    shown = (at or campaign.send_time).strftime("%H:%M")
    ctx.say(T.SCHEDULE_SET.format(year=year, days=format_days(days), time=shown))

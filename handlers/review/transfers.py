"""/chuyengiao: the secretariat records that a recognised initiative was handed over (to whom, when, under what
agreement) — the yearly list to the province names «sáng kiến được chuyển giao». /quyetdinh: the number and
date of the decision recognising a round's initiatives, shown on the public page and in the yearly list."""

from __future__ import annotations

import re

from handlers.context import Context
from handlers.domain import Role, Status
from handlers.parsing import ParseError, clean_text, format_date, parse_date, parse_id
from handlers.review.common import find_initiative, find_round, require
from handlers.review.transfer_store import Decision, Transfer
from handlers.texts import transfers as T

_SEPARATOR = re.compile(r"\s*[;|]\s*")


async def transfer_command(ctx: Context, args: str) -> None:
    if not require(ctx, Role.SECRETARIAT):
        return
    assert ctx.person is not None
    parts = [p for p in _SEPARATOR.split(args.strip()) if p] if args.strip() else []
    if not parts:
        ctx.say(T.TRANSFER_USAGE)
        return
    initiative = await find_initiative(ctx, parts[0].split()[0])
    if initiative is None:
        return
    receipt = initiative.receipt_no or ""
    if len(parts) == 1:
        done = await ctx.store.transfers([initiative.id])
        if not done:
            ctx.say(T.TRANSFER_NONE.format(receipt=receipt))
            return
        lines = [T.TRANSFER_LIST.format(receipt=receipt)]
        lines += [
            T.TRANSFER_LINE.format(date=format_date(t.on), recipient=t.recipient, agreement=t.agreement) for t in done
        ]
        ctx.say("\n".join(lines))
        return
    if initiative.status != Status.RECOGNISED:
        ctx.say(T.TRANSFER_NOT_RECOGNISED.format(receipt=receipt))
        return
    if len(parts) != 4:
        ctx.say(T.TRANSFER_MISSING)
        return
    recipient, when, agreement = clean_text(parts[1])[:300], parts[2], clean_text(parts[3])[:500]
    try:
        on = parse_date(when, today=ctx.today)
    except ParseError as error:
        ctx.say(str(error))
        return
    if not recipient or not agreement:
        ctx.say(T.TRANSFER_MISSING)
        return
    await ctx.store.add_transfer(Transfer(initiative.id, recipient, on, agreement, ctx.now), ctx.person.id)
    ctx.say(T.TRANSFER_SAVED.format(receipt=receipt, recipient=recipient, date=format_date(on), agreement=agreement))


async def decision_command(ctx: Context, args: str) -> None:
    if not require(ctx, Role.SECRETARIAT):
        return
    assert ctx.person is not None
    words = args.split()
    if len(words) < 3 or parse_id(words[0]) is None:
        ctx.say(T.DECISION_USAGE)
        return
    rnd = await find_round(ctx, words[0])
    if rnd is None:
        return
    if (await ctx.store.round_review(rnd.id)).published_at is None:
        ctx.say(T.DECISION_NOT_PUBLISHED.format(round=rnd.name, year=rnd.year))
        return
    number = clean_text(words[1])[:100]
    try:
        signed_on = parse_date(" ".join(words[2:]), today=ctx.today)
    except ParseError as error:
        ctx.say(str(error))
        return
    await ctx.store.set_decision(Decision(rnd.id, number, signed_on), ctx.person.id, ctx.now)
    ctx.say(T.DECISION_SAVED.format(round=rnd.name, year=rnd.year, number=number, date=format_date(signed_on)))

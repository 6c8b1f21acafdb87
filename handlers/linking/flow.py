"""/lienket: one person, several channel accounts. A registered user asks for a one-time code on one
channel and types it on the other; the second account then belongs to the same person."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from handlers.commands import CommandSpec
from handlers.context import Context
from handlers.linking.attempts import record_failure, too_many_failures
from handlers.texts import commands as D
from handlers.texts import linking as T

CODE_MINUTES = 15


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def link_command(ctx: Context, args: str) -> None:
    code = "".join(ch for ch in args if ch.isdigit())
    if not code:
        await _issue(ctx)
        return
    if await too_many_failures(ctx):
        ctx.say(T.TOO_MANY_TRIES)
        return
    person_id = await ctx.store.consume_link_code(code_hash(code), ctx.now)
    if person_id is None:
        await record_failure(ctx)
        ctx.say(T.BAD_CODE)
        return
    target = await ctx.store.person(person_id)
    assert target is not None
    if ctx.person is not None and ctx.person.id == target.id:
        ctx.say(T.ALREADY_LINKED.format(name=target.full_name))
        return
    if ctx.person is not None and await ctx.store.initiatives_of(ctx.person.id):
        ctx.say(T.HAS_OWN_DATA)
        return
    await ctx.store.link_identity(ctx.identity.id, target.id)
    ctx.person = target
    ctx.enter(None)
    channels = sorted({T.CHANNEL_NAMES.get(i.channel, i.channel) for i in await ctx.store.identities_of(target.id)})
    ctx.say(T.LINKED.format(name=target.full_name, channels=", ".join(channels)))


async def _issue(ctx: Context) -> None:
    if ctx.person is None:
        ctx.say(T.USAGE_UNREGISTERED)
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    await ctx.store.create_link_code(code_hash(code), ctx.person.id, ctx.now + timedelta(minutes=CODE_MINUTES))
    ctx.say(T.CODE_ISSUED.format(code=code, minutes=CODE_MINUTES))


def commands() -> list[CommandSpec]:
    return [CommandSpec("lienket", link_command, D.LINK, aliases=("link",))]

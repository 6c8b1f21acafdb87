"""Admin commands: granting and revoking roles."""

from __future__ import annotations

from handlers.commands import CommandSpec
from handlers.context import Context
from handlers.domain import Role
from handlers.parsing import fold, parse_id
from handlers.texts import admin as T
from handlers.texts import commands as D
from handlers.texts import common as C
from handlers.texts.registration import ROLE_LABELS

ROLE_WORDS: dict[str, Role] = {
    "canbo": Role.STAFF,
    "staff": Role.STAFF,
    "thutruong": Role.UNIT_HEAD,
    "unit_head": Role.UNIT_HEAD,
    "thuky": Role.SECRETARIAT,
    "thuongtruc": Role.SECRETARIAT,
    "secretariat": Role.SECRETARIAT,
    "hoidong": Role.COUNCIL,
    "council": Role.COUNCIL,
    "quantri": Role.ADMIN,
    "admin": Role.ADMIN,
    "thutruongcoquan": Role.BODY_HEAD,
    "dungdau": Role.BODY_HEAD,
    "body_head": Role.BODY_HEAD,
    "sokhcn": Role.PROVINCE_OFFICE,
    "province_office": Role.PROVINCE_OFFICE,
}


async def change_role(ctx: Context, args: str, *, grant: bool) -> None:
    if ctx.person is None or not ctx.person.has(Role.ADMIN):
        ctx.say(C.NOT_ALLOWED)
        return
    parts = args.split()
    person_id = parse_id(parts[0]) if len(parts) == 2 else None
    if person_id is None:
        ctx.say(T.GRANT_USAGE if grant else T.REVOKE_USAGE)
        return
    role = ROLE_WORDS.get(fold(parts[1]).replace(" ", ""))
    if role is None:
        ctx.say(T.NO_SUCH_ROLE.format(role=parts[1]))
        return
    target = await ctx.store.person(person_id)
    if target is None:
        ctx.say(T.NO_SUCH_PERSON.format(id=parts[0]))
        return
    label = ROLE_LABELS[role.value]
    # Roles are per body: granted and revoked in the body the admin acts in (/coquan changes it).
    body = await ctx.store.body(ctx.store.body_id) if ctx.store.body_id is not None else None
    where = body.name if body else ""
    if grant:
        await ctx.store.grant_role(target.id, role)
        ctx.changed_people.add(target.id)
        ctx.say(T.GRANTED.format(role=label, name=target.full_name, id=target.id, body=where))
        for identity in await ctx.store.identities_of(target.id):
            ctx.notify(identity.channel, identity.external_id, T.GRANTED_NOTICE.format(role=label, body=where))
    elif await ctx.store.revoke_role(target.id, role):
        ctx.changed_people.add(target.id)
        ctx.say(T.REVOKED.format(role=label, name=target.full_name, id=target.id, body=where))
    else:
        elsewhere = [body.name for body, roles in await ctx.store.role_bodies(target.id) if role in roles]
        text = T.NOT_HELD.format(role=label, name=target.full_name, id=target.id, body=where)
        ctx.say(text + (" " + T.HELD_IN.format(bodies=", ".join(elsewhere)) if elsewhere else ""))


async def grant_command(ctx: Context, args: str) -> None:
    await change_role(ctx, args, grant=True)


async def revoke_command(ctx: Context, args: str) -> None:
    await change_role(ctx, args, grant=False)


def commands() -> list[CommandSpec]:
    admin = frozenset({Role.ADMIN})
    return [
        CommandSpec("capquyen", grant_command, D.GRANT, admin, ("grant",), args="<mã số> <vai trò>"),
        CommandSpec("thuquyen", revoke_command, D.REVOKE, admin, ("revoke",), args="<mã số> <vai trò>"),
    ]

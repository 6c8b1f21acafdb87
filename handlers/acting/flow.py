"""/coquan: a person with roles in several recognising bodies (secretariat of their department and member of
the provincial council, say) chooses the body they act in. Everything they then see and do — dossiers, lists,
commands, their chat's command menu — is that body's, with the roles held there. None stored means their own
unit's body; someone whose chosen body no longer grants them anything falls back to it (``settle``)."""

from __future__ import annotations

from handlers.commands import CommandSpec
from handlers.context import Context
from handlers.domain import Body, Conversation, Person, Role
from handlers.parsing import match_option
from handlers.store import Store
from handlers.texts import acting as T
from handlers.texts import commands as D
from handlers.texts import common as C
from handlers.texts.registration import ROLE_LABELS
from handlers.types import Option

CLOSE = "__close__"
# The body a conversation was begun in (kept in its state): a person's other chats may switch body meanwhile.
BEGUN_IN = "_body"


def roles_text(roles: frozenset[Role]) -> str:
    """«cán bộ, Thường trực Hội đồng»: what the person is in a body (cán bộ only in their own)."""
    return ", ".join(ROLE_LABELS[r.value] for r in sorted(roles, key=list(Role).index)) or ROLE_LABELS["staff"]


async def body_choices(store: Store, person: Person) -> list[tuple[Body, frozenset[Role]]]:
    """The bodies this person may act in, with the roles held in each: their own unit's body first (where they
    are at least cán bộ), then every body where they hold a role; an admin may act in any body."""
    held = {body.id: (body, roles) for body, roles in await store.role_bodies(person.id)}
    admin = any(Role.ADMIN in roles for _, roles in held.values())
    choices: list[tuple[Body, frozenset[Role]]] = []
    home = await store.body(person.home_body_id) if person.home_body_id is not None else None
    if home is not None:
        choices.append((home, held.pop(home.id, (home, frozenset()))[1] | {Role.STAFF}))
    for body in await store.bodies():
        if body.id in held:
            choices.append(held.pop(body.id))
        elif admin and all(b.id != body.id for b, _ in choices):
            choices.append((body, frozenset({Role.ADMIN})))
    return [(body, _shown(roles, admin)) for body, roles in choices]


def _shown(roles: frozenset[Role], admin: bool) -> frozenset[Role]:
    """The roles to name for a body: an admin's holds in every body; «cán bộ» only when there is no other."""
    if admin:
        roles |= {Role.ADMIN}
    return (roles - {Role.STAFF}) or frozenset({Role.STAFF})


async def settle(store: Store, person: Person) -> tuple[Person, Body | None]:
    """The person as they act now: back in their own body when the chosen one grants them nothing any more.
    Returns the body they left (to tell them), or None."""
    if person.body_id is None or person.body_id == person.home_body_id or person.roles:
        return person, None
    left = await store.body(person.body_id)
    await store.set_acting_body(person.id, None)
    store.scope_to(person.home_body_id)
    return (await store.person(person.id)) or person, left


def mark_begun(conversation: Conversation, person: Person | None) -> None:
    """Remember the body a conversation (a half-done form, a pending confirmation) was begun in."""
    if person is not None and conversation.flow is not None:
        conversation.state.setdefault(BEGUN_IN, person.body_id)


async def begun_elsewhere(store: Store, conversation: Conversation, person: Person) -> Body | None:
    """The body this conversation was begun in, when the person acts in another one now (switched with
    /coquan in another chat, or fallen back): its state names that body's dossiers, rounds and rubric, and
    must not be finished in this one. None when it may go on."""
    begun = conversation.state.get(BEGUN_IN)
    if conversation.flow is None or begun is None or begun == person.body_id:
        return None
    return await store.body(int(begun)) or Body(id=int(begun), code="", name=T.NO_BODY)


class ActingFlow:
    name = "acting"

    def commands(self) -> list[CommandSpec]:
        return [CommandSpec("coquan", self.start, D.ACTING_BODY, aliases=("doicoquan", "chuyencoquan", "body"))]

    async def _options(self, ctx: Context) -> tuple[list[tuple[Body, frozenset[Role]]], list[Option]]:
        assert ctx.person is not None
        choices = await body_choices(ctx.store, ctx.person)
        options = [
            Option(
                str(body.id),
                T.OPTION.format(body=body.name, roles=roles_text(roles))
                + (T.CURRENT_MARK if body.id == ctx.person.body_id else ""),
            )
            for body, roles in choices
        ]
        return choices, [*options, Option(CLOSE, T.CLOSE)]

    async def _current(self, ctx: Context) -> str:
        assert ctx.person is not None
        body = await ctx.store.body(ctx.person.body_id) if ctx.person.body_id is not None else None
        return body.name if body else T.NO_BODY

    async def start(self, ctx: Context, args: str = "") -> None:
        assert ctx.person is not None
        choices, options = await self._options(ctx)
        if len(choices) <= 1:
            ctx.enter(None)
            ctx.say(T.ONLY_ONE.format(body=await self._current(ctx), roles=roles_text(ctx.person.roles)))
            return
        if args.strip():
            chosen = match_option(args, options[:-1])
            if chosen is not None:
                await self._switch(ctx, int(chosen.value))
                return
        ctx.enter(self.name)
        ctx.say(T.CHOOSE.format(n=len(choices), current=await self._current(ctx)), options)

    async def handle(self, ctx: Context) -> None:
        command = ctx.command.name if ctx.command else None
        if command == "trogiup":
            ctx.say(T.HELP)
            return
        if command is not None:
            ctx.enter(None)
            ctx.say(T.CLOSED.format(body=await self._current(ctx)))
            return
        _, options = await self._options(ctx)
        if ctx.inbound.choice is not None:
            chosen = next((o for o in options if o.value == ctx.inbound.choice), None)
        else:
            chosen = match_option(ctx.inbound.text or "", options)
        if chosen is None and ctx.inbound.choice is not None:
            ctx.say(C.STALE_BUTTON, options)
            return
        if chosen is None:
            ctx.say(T.NOT_IN_LIST.format(text=(ctx.inbound.text or "").strip()[:40]), options)
            return
        if chosen.value == CLOSE:
            ctx.enter(None)
            ctx.say(T.CLOSED.format(body=await self._current(ctx)))
            return
        await self._switch(ctx, int(chosen.value))

    async def _switch(self, ctx: Context, body_id: int) -> None:
        person = ctx.person
        assert person is not None
        ctx.enter(None)
        body = await ctx.store.body(body_id)
        if body is None:
            return
        if body_id == person.body_id:
            ctx.say(T.STAYED.format(body=body.name))
            return
        await ctx.store.set_acting_body(person.id, None if body_id == person.home_body_id else body_id)
        # The rest of this event, and the command menu the core refreshes, are already the new body's.
        ctx.store.scope_to(body_id)
        ctx.person = await ctx.store.person(person.id) or person
        ctx.changed_people.add(person.id)
        ctx.say(T.SWITCHED.format(body=body.name, roles=roles_text(_shown(ctx.person.roles, False))))

"""Registration (/start, /dangky): name, unit, position, optional phone; the draft lives in the
conversation state until confirmed. A newcomer is always a new staff record: claiming a seeded record
takes proof (handlers/identity/flow.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from handlers.context import Context
from handlers.domain import Role
from handlers.forms import Draft, Form, FormFlow, Step
from handlers.identity.flow import end_unit_head_role, report_phone_match
from handlers.parsing import ParseError, fold, match_option, parse_person_name, parse_phone, phone_or_none, require_text
from handlers.texts import common as C
from handlers.texts import identity as I
from handlers.texts import registration as T
from handlers.types import Option

# Above this many units (a province has thousands) the list is not shown: the newcomer types a name to search.
UNIT_LIST_LIMIT = 30
UNIT_CURSOR = ["unit_id"]
# The phone the registering person proved by sharing their own Telegram contact at the phone question.
PROVEN_PHONE = "proven_phone"


async def _unit_options(ctx: Context, draft: Draft) -> list[Option]:
    """Every body's units: registering (or changing one's unit in /dangky) may join any body of the province. A
    name that two bodies share is told apart by the body's name."""
    units = list(await ctx.store.units(every_body=True))
    names = Counter(fold(u.name) for u in units)
    bodies = {b.id: b.name for b in await ctx.store.bodies()} if any(n > 1 for n in names.values()) else {}
    return [
        Option(
            str(u.id),
            T.UNIT_IN_BODY.format(unit=u.name, body=bodies[u.body_id])
            if names[fold(u.name)] > 1 and u.body_id in bodies
            else u.name,
        )
        for u in units
    ]


def _name(text: str, ctx: Context, draft: Draft) -> str:
    return parse_person_name(text)


def _position(text: str, ctx: Context, draft: Draft) -> str:
    return require_text(text, max_len=200)


def _phone(text: str, ctx: Context, draft: Draft) -> str:
    return parse_phone(text)


def _unit(text: str, ctx: Context, draft: Draft) -> str:
    # Typed text that matched no unit (option matching already ran): say so clearly.
    raise ParseError(T.UNIT_NOT_FOUND.format(text=text.strip()[:60]))


def registration_form(unit_options: list[Option]) -> Form:
    labels = {o.value: o.label for o in unit_options}
    return Form(
        name="registration",
        summary_title=T.SUMMARY_TITLE,
        submit_label=T.CONFIRM,
        later_label=C.LATER_OPTION,
        entries=(
            Step("full_name", T.L_NAME, T.P_NAME, T.H_NAME, parse=_name),
            Step(
                "unit_id",
                T.L_UNIT,
                T.P_UNIT,
                T.H_UNIT,
                parse=_unit,
                options=unit_options,
                show=lambda v: labels.get(v, v),
            ),
            Step("position", T.L_POSITION, T.P_POSITION, T.H_POSITION, parse=_position),
            Step("phone", T.L_PHONE, T.P_PHONE, T.H_PHONE, parse=_phone, optional=True),
        ),
    )


class RegistrationFlow(FormFlow):
    """The unit list comes from the database, so the form is built per event."""

    name = "register"
    keeps_answers_in_conversation = True

    def __init__(self) -> None:
        self.form = registration_form([])
        self.units: list[Option] = []

    async def prepare(self, ctx: Context) -> bool:
        self.units = await _unit_options(ctx, {})
        self.form = registration_form(self.units)
        return bool(self.units)

    def _searching(self, cursor: list[str]) -> bool:
        return cursor == UNIT_CURSOR and len(self.units) > UNIT_LIST_LIMIT

    def _displayed(self, ctx: Context, draft: Draft, cursor: list[str]) -> list[Option]:
        """A long unit list is searched, not shown: only what the typed words narrowed it to, when few enough."""
        options = super()._displayed(ctx, draft, cursor)
        if self._searching(cursor) and sum(1 for o in options if not o.key) > UNIT_LIST_LIMIT:
            return [o for o in options if o.key]
        return options

    def _read_choice(self, ctx: Context, options: Sequence[Option]) -> Option | None:
        """A unit's name typed while the long list is hidden: it names its unit when it names exactly one."""
        chosen = super()._read_choice(ctx, options)
        text = ctx.inbound.text or ""
        typed_name = bool(text.strip()) and not fold(text).removeprefix("so ").strip().isdigit()
        if chosen is None and typed_name and self._searching(ctx.conversation.state.get("cursor") or []):
            chosen = match_option(text, self.units)
        return chosen

    async def load_draft(self, ctx: Context) -> Draft:
        return dict(ctx.conversation.state.get("draft") or {})

    async def save_draft(self, ctx: Context, draft: Draft) -> None:
        ctx.conversation.state["draft"] = draft

    async def start(self, ctx: Context, intro: str) -> None:
        if not await self.prepare(ctx):
            ctx.say(T.NO_UNITS)
            ctx.enter(None)
            return
        draft: Draft = {}
        if ctx.person is not None:
            # Re-registration opens on the summary, where any answer can be changed.
            known = {
                "full_name": ctx.person.full_name,
                "unit_id": str(ctx.person.unit_id or ""),
                "position": ctx.person.position,
                "phone": ctx.person.phone,
            }
            draft = {k: v for k, v in known.items() if v or k == "phone"}
        await self.begin(ctx, draft, intro=intro)
        ctx.conversation.state["draft"] = draft

    async def handle(self, ctx: Context) -> None:
        await self.prepare(ctx)
        await super().handle(ctx)

    async def resume(self, ctx: Context) -> None:
        await self.prepare(ctx)
        await super().resume(ctx)

    async def _ask(self, ctx: Context, draft: Draft) -> None:
        await super()._ask(ctx, draft)
        cursor = ctx.conversation.state.get("cursor") or []
        shown = ctx.result.replies[-1].options if ctx.result.replies else ()
        if self._searching(cursor) and ctx.result.replies and not any(not o.key for o in shown):
            last = ctx.result.replies[-1]
            ctx.result.replies[-1] = replace(last, text=f"{last.text}\n{T.UNIT_SEARCH.format(n=len(self.units))}")
        if ctx.conversation.state.get("cursor") == ["phone"] and ctx.result.replies:
            # On Telegram the phone step offers the user's own contact: the one proof of a seeded phone.
            last = ctx.result.replies[-1]
            ctx.result.replies[-1] = replace(last, text=f"{last.text}\n{I.PHONE_HINT}", request_contact=I.SHARE_CONTACT)

    def prove_phone(self, ctx: Context, shared: str) -> None:
        """A contact shared at the phone question: its number is the answer, and proven (the identity flow has
        checked it is the sender's own)."""
        ctx.conversation.state[PROVEN_PHONE] = phone_or_none(shared)

    async def complete(self, ctx: Context, draft: Draft) -> bool:
        unit_id = int(draft["unit_id"])
        phone = draft.get("phone")
        proven = phone is not None and ctx.conversation.state.get(PROVEN_PHONE) == phone
        if ctx.person is not None:
            before = ctx.person
            person = await ctx.store.update_person(
                before.id,
                full_name=draft["full_name"],
                unit_id=unit_id,
                position=draft["position"],
                phone=phone,
                phone_proven=proven,
            )
            ctx.say(T.UPDATED.format(name=person.full_name))
            if await end_unit_head_role(ctx, before, unit_id):
                person = await ctx.store.person(before.id) or person
            ctx.person = person
            return True
        # A typed phone is contact data only: matching a seeded record proves nothing (handlers/identity/flow.py).
        person = await ctx.store.create_person(
            draft["full_name"], unit_id, draft["position"], phone, phone_proven=proven
        )
        ctx.store.scope_to(person.body_id)  # the rest of this event is the new person's body
        message = T.DONE.format(name=person.full_name) + "\n" + I.AFTER_REGISTRATION
        await ctx.store.link_identity(ctx.identity.id, person.id)
        if f"{ctx.identity.channel}:{ctx.identity.external_id}" in ctx.config.admins:
            await ctx.store.grant_role(person.id, Role.ADMIN)
            person = await ctx.store.person(person.id) or person
        ctx.person = person
        ctx.say(message)
        await report_phone_match(ctx, person)
        return True

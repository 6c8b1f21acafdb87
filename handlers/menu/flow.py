"""The main menu, and starting or resuming a submission."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from handlers.acting.flow import body_choices
from handlers.context import Context
from handlers.domain import Initiative, Role, Status
from handlers.mine.flow import MineFlow
from handlers.parsing import match_option
from handlers.submission.flow import SubmissionFlow, new_draft
from handlers.texts import acting as A
from handlers.texts import common as C
from handlers.texts import registration as R
from handlers.texts import submission as S
from handlers.types import Option

NEW = "__new__"
MINE = "__mine__"
PROFILE = "__profile__"
HELP = "__help__"
RESUME_PREFIX = "resume:"


class MenuEntries(Protocol):
    """Entries another feature adds to the main menu (e.g. the suggestion channel)."""

    async def menu_options(self, ctx: Context) -> list[Option]: ...
    async def act(self, ctx: Context, value: str) -> bool: ...


class MenuFlow:
    name = "menu"

    def __init__(
        self,
        submission: SubmissionFlow,
        mine: MineFlow,
        help_text: Callable[[Context], str],
        extras: Sequence[MenuEntries] = (),
    ) -> None:
        self.submission = submission
        self.mine = mine
        self.help_text = help_text
        self.extras = list(extras)

    async def _drafts(self, ctx: Context) -> list[Initiative]:
        assert ctx.person is not None
        mine = await ctx.store.initiatives_of(ctx.person.id)
        return [i for i in mine if i.status == Status.DRAFT][:3]

    async def _options(self, ctx: Context) -> list[Option]:
        resume = [
            Option(f"{RESUME_PREFIX}{d.id}", C.MENU_CONTINUE.format(title=d.title or C.UNTITLED))
            for d in await self._drafts(ctx)
        ]
        # Drafts come last: starting or finishing one never renumbers the entries a user has learnt.
        return [
            Option(NEW, C.MENU_NEW),
            Option(MINE, C.MENU_MINE),
            *[option for extra in self.extras for option in await extra.menu_options(ctx)],
            Option(PROFILE, C.MENU_PROFILE),
            Option(HELP, C.MENU_HELP),
            *resume,
        ]

    async def start(self, ctx: Context, intro: str | None = None) -> None:
        ctx.enter(self.name)
        if intro:
            ctx.say(intro)
        ctx.say(C.MENU_TITLE, await self._options(ctx))

    async def handle(self, ctx: Context) -> None:
        options = await self._options(ctx)
        if ctx.inbound.choice is not None:
            chosen = next((o for o in options if o.value == ctx.inbound.choice), None)
        else:
            chosen = match_option(ctx.inbound.text or "", options)
        if chosen is None:
            if ctx.inbound.choice is not None:
                ctx.say(C.STALE_BUTTON)
            else:
                ctx.say(C.UNSUPPORTED_INPUT if ctx.inbound.text or ctx.inbound.attachment else C.EMPTY_MESSAGE)
            ctx.say(C.MENU_TITLE, options)
            return
        await self.act(ctx, chosen.value)

    async def act(self, ctx: Context, value: str) -> None:
        for extra in self.extras:
            if await extra.act(ctx, value):
                return
        if value.startswith(RESUME_PREFIX):
            await self.resume_draft(ctx, int(value.removeprefix(RESUME_PREFIX)))
        elif value == NEW:
            await self.new_submission(ctx)
        elif value == MINE:
            await self.mine.start(ctx)
        elif value == PROFILE:
            await self.profile(ctx)
        else:
            ctx.enter(None)
            ctx.say(self.help_text(ctx))

    async def offer_new(self, ctx: Context) -> None:
        """/moi: a user with drafts chooses between them and a new one; others start at once."""
        if await self._drafts(ctx):
            await self.start(ctx)
        else:
            await self.new_submission(ctx)

    async def new_submission(self, ctx: Context) -> None:
        assert ctx.person is not None
        unit = await ctx.store.unit(ctx.person.unit_id) if ctx.person.unit_id else None
        initiative = await ctx.store.create_initiative(
            ctx.person.id, new_draft(ctx, unit.name if unit else ""), ctx.now
        )
        await self.submission.start(ctx, initiative, S.INTRO)

    async def resume_draft(self, ctx: Context, initiative_id: int) -> None:
        initiative = await ctx.store.initiative(initiative_id)
        if initiative is None or ctx.person is None or initiative.person_id != ctx.person.id:
            await self.start(ctx)
            return
        await self.submission.start(ctx, initiative, S.RESUME.format(title=initiative.title or C.UNTITLED))

    async def profile(self, ctx: Context) -> None:
        person = ctx.person
        assert person is not None
        unit = await ctx.store.unit(person.unit_id) if person.unit_id else None
        roles = [R.ROLE_LABELS["staff"]] + [R.ROLE_LABELS[r.value] for r in sorted(person.roles) if r.value != "staff"]
        body = await ctx.store.body(person.body_id) if person.body_id is not None else None
        several = len(await body_choices(ctx.store, person)) > 1
        ctx.enter(None)
        ctx.say(
            R.PROFILE.format(
                id=person.id,
                name=person.full_name,
                unit=unit.name if unit else "",
                position=person.position,
                phone=person.phone or C.NONE_VALUE,
                body=body.name if body else A.NO_BODY,
                roles=", ".join(roles),
                others=A.PROFILE_OTHERS if several else "",
            )
        )


# Role entries: a button for each role's main command, so nobody has to remember it.
ROLE_ENTRIES: tuple[tuple[Role, str, str], ...] = (
    (Role.SECRETARIAT, "hoso", C.MENU_DOSSIERS),
    (Role.SECRETARIAT, "tongquan", C.MENU_OVERVIEW),
    (Role.COUNCIL, "chamdiem", C.MENU_SCORING),
    (Role.UNIT_HEAD, "donvi", C.MENU_UNIT),
    (Role.SECRETARIAT, "thuky", C.MENU_ROLE_COMMANDS),
)
COMMAND_PREFIX = "cmd:"


class RoleEntries:
    """Main-menu buttons for the secretariat, council members and unit heads; each runs a command."""

    def __init__(self, run_command: Callable[[Context, str], Awaitable[None]]) -> None:
        self.run_command = run_command

    async def menu_options(self, ctx: Context) -> list[Option]:
        person = ctx.person
        if person is None:
            return []
        return [Option(COMMAND_PREFIX + command, label) for role, command, label in ROLE_ENTRIES if person.has(role)]

    async def act(self, ctx: Context, value: str) -> bool:
        if not value.startswith(COMMAND_PREFIX):
            return False
        await self.run_command(ctx, value.removeprefix(COMMAND_PREFIX))
        return True

"""The conversation core: one inbound event in, what to say out. Every channel calls ``Core.handle``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import datetime

from handlers.acting.flow import ActingFlow, begun_elsewhere, mark_begun, settle
from handlers.admin import flow as admin
from handlers.campaigns import notices as notice_commands
from handlers.commands import CommandSpec, CommandTable
from handlers.context import Command, Context, FlowConfig
from handlers.domain import Conversation, Role
from handlers.forms import FormFlow
from handlers.identity import flow as identity
from handlers.identity.flow import ContactOutcome, claim_invitation, invitation_code, on_contact
from handlers.linking import flow as linking
from handlers.linking.flow import link_command
from handlers.menu.flow import MenuFlow, RoleEntries
from handlers.mine.flow import MineFlow
from handlers.parsing import safe_display
from handlers.province.flow import ProvinceFlows
from handlers.registration.flow import RegistrationFlow
from handlers.reports.flow import ReportFlow
from handlers.review.commands import ReviewFlows
from handlers.store import FileStore, StaleConversation, Store
from handlers.submission.flow import SubmissionFlow
from handlers.suggestions.flow import Suggestions
from handlers.texts import acting as A
from handlers.texts import commands as D
from handlers.texts import common as C
from handlers.texts import identity as I
from handlers.texts import registration as R
from handlers.types import STALE_CHOICE, Inbound, Outgoing, Reply, Result

log = logging.getLogger(__name__)

UnitOfWork = Callable[[], AbstractAsyncContextManager[Store]]
# Called inside the event's transaction with what the event decided: the intake records the replies there.
CommitHook = Callable[[Store, Result], Awaitable[None]]

MAX_ATTEMPTS = 5
ROLE_HELP_ROLES = frozenset({Role.SECRETARIAT, Role.COUNCIL, Role.UNIT_HEAD, Role.BODY_HEAD, Role.PROVINCE_OFFICE})


def _asked(conversation: Conversation) -> str:
    """The question the conversation's latest buttons were shown with: its version, which every event's save moves
    on (so a double tap, or a button under an older message, never answers the question asked since)."""
    return str(conversation.version)


def _reply_displayable(reply: Reply) -> Reply:
    options = tuple(replace(o, label=safe_display(o.label)) for o in reply.options)
    return replace(reply, text=safe_display(reply.text), options=options)


def _displayable(result: Result) -> Result:
    """Whatever a user typed and a flow echoes back (an unknown command, a name, a unit) arrives without
    control characters, bidi overrides or lone surrogates, on every channel."""
    return replace(
        result,
        replies=[_reply_displayable(r) for r in result.replies],
        outgoing=[replace(o, reply=_reply_displayable(o.reply)) for o in result.outgoing],
    )


class Core:
    def __init__(
        self,
        unit_of_work: UnitOfWork,
        files: FileStore,
        config: FlowConfig,
        clock: Callable[[], datetime],
    ) -> None:
        self.unit_of_work = unit_of_work
        self.files = files
        self.config = config
        self.clock = clock
        self.registration = RegistrationFlow()
        self.submission = SubmissionFlow()
        self.mine = MineFlow(self.submission, self.help_text)
        self.suggestions = Suggestions()
        self.menu = MenuFlow(
            self.submission, self.mine, self.help_text, [RoleEntries(self._run_command), self.suggestions]
        )
        self.flows = {
            self.registration.name: self.registration,
            self.submission.name: self.submission,
            self.mine.name: self.mine,
            self.menu.name: self.menu,
            **self.suggestions.flows,
        }
        self.review = ReviewFlows(self.submission)
        self.flows.update(self.review.flows)
        self.province = ProvinceFlows()
        self.flows.update(self.province.flows)
        self.acting = ActingFlow()
        self.flows[self.acting.name] = self.acting
        self.reports = ReportFlow()
        self.flows[self.reports.name] = self.reports
        # A person's own things (their registration, drafts, initiatives): the same in whichever body they act.
        # Every other conversation is work of the body it was begun in (``begun_elsewhere``).
        self.personal_flows = frozenset(
            {self.registration.name, self.submission.name, self.mine.name, self.menu.name, *self.suggestions.personal}
        )
        # The order here is the order of the help and of the Telegram menu.
        self.commands = CommandTable(
            [
                *self._main_commands(),
                *self.acting.commands(),
                *self.review.commands,
                *self.province.commands,
                *self.reports.commands(),
                *notice_commands.commands(),
                *self.suggestions.commands(),
                *identity.commands(),
                *linking.commands(),
                *admin.commands(),
                *self._navigation_commands(),
            ]
        )

    def _main_commands(self) -> list[CommandSpec]:
        """The core's own commands; each feature declares its own beside its flows."""
        return [
            CommandSpec("menu", self._main_menu, D.MENU),
            CommandSpec("moi", self._new, D.NEW, aliases=("nopmoi", "new")),
            CommandSpec("cuatoi", self._mine, D.MINE, aliases=("mine",)),
            CommandSpec("toi", self._profile, D.PROFILE, aliases=("profile",)),
            CommandSpec("dangky", self._register, D.REGISTER, aliases=("register",)),
            CommandSpec("start", self._main_menu, D.START, aliases=("batdau",)),
        ]

    def _navigation_commands(self) -> list[CommandSpec]:
        return [
            CommandSpec("huy", self._cancel, D.CANCEL, aliases=("cancel", "dung"), in_form=True),
            CommandSpec("quaylai", self._back, D.BACK, aliases=("back",), in_form=True),
            CommandSpec("trogiup", self._help, D.HELP, aliases=("help", "huongdan"), in_form=True),
            CommandSpec("thuky", self._role_help, D.ROLE_HELP, ROLE_HELP_ROLES),
        ]

    def help_text(self, ctx: Context) -> str:
        """/trogiup outside a form: the commands this person may use, by role."""
        return self.commands.help(ctx.person)

    async def handle(self, inbound: Inbound, on_commit: CommitHook | None = None) -> Result:
        """Handle one event in one transaction; replay it on fresh state if another writer got there first.
        ``on_commit`` runs last inside that transaction, so what it writes stands or falls with the event."""
        return await self._handle_once(inbound, on_commit, check_replay=True)

    async def handle_stored(self, inbound: Inbound, on_commit: CommitHook) -> Result:
        """``handle`` for an event of the durable intake (bot.intake), which stores each platform event once
        (unique by channel, sender and key) and marks it handled in ``on_commit``: no second replay check."""
        return await self._handle_once(inbound, on_commit, check_replay=False)

    async def _handle_once(self, inbound: Inbound, on_commit: CommitHook | None, *, check_replay: bool) -> Result:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                async with self.unit_of_work() as store:
                    result = _displayable(await self._handle(store, inbound, check_replay))
                    if on_commit is not None:
                        await on_commit(store, result)
                    return result
            except StaleConversation:
                log.info("conversation changed concurrently; replaying event (attempt %d)", attempt)
        raise RuntimeError("conversation kept changing concurrently")

    async def _handle(self, store: Store, inbound: Inbound, check_replay: bool) -> Result:
        if check_replay and inbound.event_id and not await store.claim_event(inbound.channel, inbound.event_id):
            return Result()
        identity, person, conversation = await store.load_actor(inbound.channel, inbound.user_id)
        if inbound.choice is not None and inbound.question is not None and inbound.question != _asked(conversation):
            inbound = replace(inbound, choice=STALE_CHOICE)
        # Everything this event sees and changes is the acting body's; before registration, every body's units.
        store.scope_to(person.body_id if person is not None else None)
        left = None
        if person is not None:
            person, left = await settle(store, person)
        ctx = Context(
            store=store,
            files=self.files,
            config=self.config,
            now=self.clock(),
            inbound=inbound,
            identity=identity,
            conversation=conversation,
            person=person,
            command=self.commands.parse(inbound.text),
        )
        before = (person.id, person.roles) if person is not None else None
        if person is not None and left is not None:
            home = await store.body(person.body_id) if person.body_id is not None else None
            ctx.say(A.FELL_BACK.format(old=left.name, body=home.name if home else A.NO_BODY))
            ctx.changed_people.add(person.id)
        if (
            person is not None
            and f"{identity.channel}:{identity.external_id}" in self.config.admins
            and Role.ADMIN not in person.roles
        ):
            await store.grant_role(person.id, Role.ADMIN)
            ctx.person = await store.person(person.id)
        if person is not None and conversation.flow not in self.personal_flows:
            begun = await begun_elsewhere(store, conversation, person)
            if begun is not None:
                ctx.enter(None)
                here = await store.body(person.body_id) if person.body_id is not None else None
                ctx.say(A.BEGUN_ELSEWHERE.format(old=begun.name, body=here.name if here else A.NO_BODY))
                if ctx.command is None:  # the answer was meant for the stopped conversation
                    return await self._finish(ctx, before)
        await self._route(ctx)
        return await self._finish(ctx, before)

    async def _finish(self, ctx: Context, before: tuple[int, frozenset[Role]] | None) -> Result:
        store = ctx.store
        if ctx.conversation.flow not in self.personal_flows:  # a person's own things belong to no body
            mark_begun(ctx.conversation, ctx.person)
        if ctx.person is not None and (ctx.person.id, ctx.person.roles) != before:
            ctx.changed_people.add(ctx.person.id)
        for person_id in sorted(ctx.changed_people):
            await self._refresh_menus(ctx, person_id)
        await store.save_conversation(ctx.conversation)
        # Each event moves the conversation on, so the buttons shown now answer only the question asked now.
        asked = _asked(ctx.conversation)
        ctx.result.replies = [replace(r, question=asked) if r.options else r for r in ctx.result.replies]
        return ctx.result

    async def _refresh_menus(self, ctx: Context, person_id: int) -> None:
        """Each chat of this person (on a channel with a command menu) gets exactly the commands of their roles."""
        # Their menu shows the roles of the body *they* act in, which need not be the one of this event.
        scope = ctx.store.body_id
        ctx.store.scope_to(None)
        try:
            person = await ctx.store.person(person_id)
        finally:
            ctx.store.scope_to(scope)
        if person is None:
            return
        menu = self.commands.menu(frozenset(person.roles))
        for account in await ctx.store.identities_of(person_id):
            if account.channel in self.config.menu_channels:
                reply = Reply(text="", menu=menu)
                ctx.result.menus.append(Outgoing(account.channel, account.external_id, reply))

    async def _route(self, ctx: Context) -> None:
        flow_name = ctx.conversation.flow
        command = ctx.command
        if command is not None and command.name == "lienket":
            await link_command(ctx, command.args)
            return
        if ctx.inbound.contact is not None:
            await self._on_contact(ctx)
            return
        # An invitation: "/start CODE" (a Telegram deep link sends exactly that) or, before registering, the code.
        code = invitation_code(command.args if command is not None and command.name == "start" else "")
        if code is None and ctx.person is None and command is None:
            code = invitation_code(ctx.inbound.text or "")
        if code is not None:
            await claim_invitation(ctx, code)
            return
        if ctx.person is None:
            if flow_name == self.registration.name and (command is None or self.commands.in_form(command.name)):
                await self.registration.handle(ctx)
            else:
                is_start = command is not None and command.name in ("start", "dangky")
                await self.registration.start(ctx, R.WELCOME if is_start else R.NEED_REGISTRATION)
            return
        if command is not None:
            await self._command(ctx, command)
            return
        flow = self.flows.get(flow_name or "")
        if flow is None:
            await self.menu.handle(ctx)
        else:
            await flow.handle(ctx)

    async def _on_contact(self, ctx: Context) -> None:
        """A shared contact: the proof that claims a seeded record, or just the answer to the phone question."""
        outcome = await on_contact(ctx)
        if outcome is ContactOutcome.CLAIMED:
            return
        in_registration = ctx.conversation.flow == self.registration.name
        at_phone = in_registration and ctx.conversation.state.get("cursor") == ["phone"]
        contact = ctx.inbound.contact
        if outcome in (ContactOutcome.NO_RECORD, ContactOutcome.VERIFIED) and at_phone:
            assert contact is not None
            self.registration.prove_phone(ctx, contact.phone)
            ctx.inbound = replace(ctx.inbound, text=contact.phone, contact=None)
            await self.registration.handle(ctx)
            return
        if outcome is ContactOutcome.VERIFIED:
            ctx.say(I.PHONE_VERIFIED)
        if outcome is ContactOutcome.NO_RECORD:
            ctx.say(I.CONTACT_NO_RECORD)
        if ctx.person is None and in_registration:
            await self.registration.resume(ctx)
        elif ctx.person is None:
            await self.registration.start(ctx, R.NEED_REGISTRATION)

    async def _run_command(self, ctx: Context, name: str) -> None:
        """A menu button that stands for a command: run it as if it had been typed."""
        ctx.command = Command(name)
        await self._command(ctx, ctx.command)

    async def _command(self, ctx: Context, command: Command) -> None:
        flow = self.flows.get(ctx.conversation.flow or "")
        spec = self.commands.get(command.name)
        if spec is None:
            typed = "/" + (ctx.inbound.text or "").strip()[1:40].split(" ")[0]
            ctx.say(C.UNKNOWN_COMMAND.format(command=typed, commands=self.commands.sections(ctx.person)))
            if isinstance(flow, FormFlow):
                await flow.resume(ctx)
        elif spec.in_form and flow is not None and flow is not self.menu:
            await flow.handle(ctx)
        elif not spec.allows(ctx.person):
            ctx.say(C.NOT_ALLOWED)
        else:
            await spec.handler(ctx, command.args)

    # --- the core's own commands ----------------------------------------------------------------------------
    async def _main_menu(self, ctx: Context, args: str) -> None:
        if ctx.person is not None:  # also brings the command menu of accounts from before menus existed up to date
            ctx.changed_people.add(ctx.person.id)
        await self.menu.start(ctx)

    async def _new(self, ctx: Context, args: str) -> None:
        await self.menu.offer_new(ctx)

    async def _mine(self, ctx: Context, args: str) -> None:
        await self.mine.start(ctx)

    async def _profile(self, ctx: Context, args: str) -> None:
        await self.menu.profile(ctx)

    async def _register(self, ctx: Context, args: str) -> None:
        await self.registration.start(ctx, R.EDIT_INTRO)

    async def _cancel(self, ctx: Context, args: str) -> None:
        ctx.enter(None)
        ctx.say(C.NOTHING_TO_CANCEL)

    async def _back(self, ctx: Context, args: str) -> None:
        ctx.say(C.NOTHING_TO_GO_BACK)

    async def _help(self, ctx: Context, args: str) -> None:
        ctx.say(self.help_text(ctx))

    async def _role_help(self, ctx: Context, args: str) -> None:
        ctx.say(self.commands.sections(ctx.person, general=False))

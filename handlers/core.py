"""The conversation core: one inbound event in, what to say out. Every channel calls ``Core.handle``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import datetime

from handlers.context import Command, Context, FlowConfig
from handlers.domain import Role
from handlers.flows.admin import change_role
from handlers.flows.identity import (
    ContactOutcome,
    approve_command,
    claim_invitation,
    invitation_code,
    invite_command,
    on_contact,
    verify_command,
)
from handlers.flows.linking import link_command
from handlers.flows.menu import MenuFlow, RoleEntries
from handlers.flows.mine import MineFlow
from handlers.flows.notice_commands import ALIASES as NOTICE_ALIASES
from handlers.flows.notice_commands import COMMANDS as NOTICE_COMMANDS
from handlers.flows.registration import RegistrationFlow
from handlers.flows.review_commands import ALIASES as REVIEW_ALIASES
from handlers.flows.review_commands import ReviewFlows
from handlers.flows.submission import SubmissionFlow
from handlers.flows.suggestion import Suggestions
from handlers.forms import FormFlow
from handlers.parsing import fold, safe_display
from handlers.store import FileStore, StaleConversation, Store
from handlers.texts import common as C
from handlers.texts import identity as I
from handlers.texts import registration as R
from handlers.types import Inbound, Reply, Result

log = logging.getLogger(__name__)

UnitOfWork = Callable[[], AbstractAsyncContextManager[Store]]
# Called inside the event's transaction with what the event decided: the intake records the replies there.
CommitHook = Callable[[Store, Result], Awaitable[None]]

# Typed command words (folded, without the slash) and what they mean; English aliases included.
COMMAND_ALIASES: dict[str, str] = {
    "start": "start",
    "batdau": "start",
    "menu": "menu",
    "moi": "moi",
    "nopmoi": "moi",
    "new": "moi",
    "cuatoi": "cuatoi",
    "mine": "cuatoi",
    "toi": "toi",
    "profile": "toi",
    "dangky": "dangky",
    "register": "dangky",
    "huy": "huy",
    "cancel": "huy",
    "dung": "huy",
    "quaylai": "quaylai",
    "back": "quaylai",
    "trogiup": "trogiup",
    "help": "trogiup",
    "huongdan": "trogiup",
    "capquyen": "capquyen",
    "thuquyen": "thuquyen",
    "hienke": "hienke",
    "gopy": "hienke",
    "suggest": "hienke",
    "xulyhienke": "xulyhienke",
    "nganhangykien": "nganhangykien",
    "nganhang": "nganhangykien",
    "ideas": "nganhangykien",
    **NOTICE_ALIASES,
    **REVIEW_ALIASES,
    "lienket": "lienket",
    "link": "lienket",
    "moimoi": "moimoi",
    "loimoi": "moimoi",
    "invite": "moimoi",
    "xacminh": "xacminh",
    "duyetnhan": "duyetnhan",
    "verify": "xacminh",
}
IN_FLOW_COMMANDS = frozenset({"huy", "quaylai", "trogiup"})
MAX_ATTEMPTS = 5


def parse_command(text: str | None) -> Command | None:
    if not text or not text.lstrip().startswith("/"):
        return None
    head, _, args = text.strip()[1:].partition(" ")
    word = fold(head.split("@", 1)[0]).replace(" ", "")
    return Command(COMMAND_ALIASES.get(word, word or "?"), args.strip())


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
        self.mine = MineFlow(self.submission)
        self.suggestions = Suggestions()
        self.menu = MenuFlow(self.submission, self.mine, [RoleEntries(self._run_command), self.suggestions])
        self.flows = {
            self.registration.name: self.registration,
            self.submission.name: self.submission,
            self.mine.name: self.mine,
            self.menu.name: self.menu,
            **self.suggestions.flows,
        }
        self.review = ReviewFlows(self.submission)
        self.flows.update(self.review.flows)

    async def handle(self, inbound: Inbound, on_commit: CommitHook | None = None) -> Result:
        """Handle one event in one transaction; replay it on fresh state if another writer got there first.
        ``on_commit`` runs last inside that transaction, so what it writes stands or falls with the event."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                async with self.unit_of_work() as store:
                    result = _displayable(await self._handle(store, inbound))
                    if on_commit is not None:
                        await on_commit(store, result)
                    return result
            except StaleConversation:
                log.info("conversation changed concurrently; replaying event (attempt %d)", attempt)
        raise RuntimeError("conversation kept changing concurrently")

    async def _handle(self, store: Store, inbound: Inbound) -> Result:
        if inbound.event_id and not await store.claim_event(inbound.channel, inbound.event_id):
            return Result()
        identity, person, conversation = await store.load_actor(inbound.channel, inbound.user_id)
        ctx = Context(
            store=store,
            files=self.files,
            config=self.config,
            now=self.clock(),
            inbound=inbound,
            identity=identity,
            conversation=conversation,
            person=person,
            command=parse_command(inbound.text),
        )
        if (
            person is not None
            and f"{identity.channel}:{identity.external_id}" in self.config.admins
            and Role.ADMIN not in person.roles
        ):
            await store.grant_role(person.id, Role.ADMIN)
            ctx.person = await store.person(person.id)
        await self._route(ctx)
        await store.save_conversation(ctx.conversation)
        return ctx.result

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
            if flow_name == self.registration.name and (command is None or command.name in IN_FLOW_COMMANDS):
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
        if outcome is ContactOutcome.NO_RECORD and at_phone:
            assert contact is not None
            ctx.inbound = replace(ctx.inbound, text=contact.phone, contact=None)
            await self.registration.handle(ctx)
            return
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
        name = command.name
        if name in IN_FLOW_COMMANDS and flow is not None and flow is not self.menu:
            await flow.handle(ctx)
        elif name in ("start", "menu"):
            await self.menu.start(ctx)
        elif name == "moi":
            await self.menu.offer_new(ctx)
        elif name == "cuatoi":
            await self.mine.start(ctx)
        elif name == "toi":
            await self.menu.profile(ctx)
        elif name == "dangky":
            await self.registration.start(ctx, R.EDIT_INTRO)
        elif name in Suggestions.COMMANDS:
            await self.suggestions.command(ctx, command)
        elif name == "moimoi":
            await invite_command(ctx, command.args)
        elif name == "xacminh":
            verify_command(ctx)
        elif name == "duyetnhan":
            await approve_command(ctx, command.args)
        elif name in ("capquyen", "thuquyen"):
            await change_role(ctx, command.args, grant=name == "capquyen")
        elif name in NOTICE_COMMANDS:
            await NOTICE_COMMANDS[name](ctx, command.args)
        elif name in self.review.commands:
            await self.review.commands[name](ctx, command.args)
        elif name == "huy":
            ctx.enter(None)
            ctx.say(C.NOTHING_TO_CANCEL)
        elif name == "quaylai":
            ctx.say(C.NOTHING_TO_GO_BACK)
        elif name == "trogiup":
            ctx.say(C.GENERAL_HELP)
        else:
            ctx.say(
                C.UNKNOWN_COMMAND.format(
                    command="/" + (ctx.inbound.text or "").strip()[1:40].split(" ")[0], commands=C.COMMANDS
                )
            )
            if isinstance(flow, FormFlow):
                await flow.resume(ctx)

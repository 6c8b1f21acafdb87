"""The suggestion channel (hiến kế) for everyone: sending one (a short form), following one's own (/hienke):
status, answer, one request for clarification, a rating. ``Suggestions`` wires these and the handling desk
and idea bank into the core: its commands, its main-menu entries and its flows.

A sender's conversation state and buttons never hold a suggestion's id or code in the clear, only sealed
references, so even the sender's own rows do not tie them to an anonymous suggestion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.attachments import size_text
from handlers.commands import CommandSpec
from handlers.context import Command, Context
from handlers.domain import Role
from handlers.forms import Draft, Form, FormFlow, Step
from handlers.metadata import scrub
from handlers.parsing import ParseError, format_date, is_yes, match_option, require_text
from handlers.suggestions.bank import SuggestionBankFlow
from handlers.suggestions.desk import SuggestionDeskFlow, detail_blocks
from handlers.suggestions.rules import StaleSuggestion, Suggestion, start_of_local_day
from handlers.suggestions.service import (
    answered_by,
    ask_clarification,
    create_suggestion,
    is_own,
    own_suggestions,
    rate,
    sealer_for,
    sent_today,
)
from handlers.texts import commands as D
from handlers.texts import common as C
from handlers.texts import suggestion as T
from handlers.types import Option

NAMED = "named"
ANONYMOUS = "anonymous"
PUBLISH = "yes"
PRIVATE = "no"


# --- the form ---------------------------------------------------------------------------------------
def _topic_options(ctx: Context, draft: Draft) -> list[Option]:
    return [Option(f"t{i}", topic) for i, topic in enumerate(ctx.config.suggestions.topics, 1)]


def _topic(text: str, ctx: Context, draft: Draft) -> str:
    raise ParseError(T.TOPIC_NOT_FOUND.format(text=text.strip()[:60]))


def _content_prompt(ctx: Context, draft: Draft) -> str:
    settings = ctx.config.suggestions
    return T.P_CONTENT.format(min=_number(settings.min_length), max=_number(settings.max_length))


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _content(text: str, ctx: Context, draft: Draft) -> str:
    settings = ctx.config.suggestions
    return require_text(text, max_len=settings.max_length, min_len=settings.min_length)


def _files_prompt(ctx: Context, draft: Draft) -> str:
    return T.P_FILES.format(n=ctx.config.suggestions.max_files, limit=size_text(ctx.config.max_attachment_bytes))


def _show_files(value: list[dict[str, Any]]) -> str:
    return T.FILES_SHOW.format(n=len(value), names=", ".join(a["name"] for a in value)) if value else ""


def _publish(text: str, ctx: Context, draft: Draft) -> str:
    answer = is_yes(text)
    if answer is None:
        raise ParseError(C.CHOOSE_ONE)
    return PUBLISH if answer else PRIVATE


SUGGESTION_FORM = Form(
    name="suggestion",
    summary_title=T.SUMMARY_TITLE,
    submit_label=T.SUBMIT,
    later_label=T.DISCARD,
    entries=(
        Step(
            "topic",
            T.L_TOPIC,
            T.P_TOPIC,
            T.H_TOPIC,
            parse=_topic,
            options=_topic_options,
            from_option=lambda option, ctx, draft: option.label,
        ),
        Step("content", T.L_CONTENT, _content_prompt, T.H_CONTENT, parse=_content),
        Step("attachments", T.L_FILES, _files_prompt, T.H_FILES, collects_files=True, show=_show_files),
        Step(
            "anonymous",
            T.L_ANONYMOUS,
            T.P_ANONYMOUS,
            T.H_ANONYMOUS,
            options=(Option(NAMED, T.OPT_NAMED), Option(ANONYMOUS, T.OPT_ANONYMOUS)),
            show=lambda v: T.OPT_ANONYMOUS if v == ANONYMOUS else T.OPT_NAMED,
        ),
        Step(
            "publish",
            T.L_PUBLISH,
            T.P_PUBLISH,
            T.H_PUBLISH,
            parse=_publish,
            options=(Option(PUBLISH, T.OPT_PUBLISH), Option(PRIVATE, T.OPT_PRIVATE)),
            show=lambda v: T.OPT_PUBLISH if v == PUBLISH else T.OPT_PRIVATE,
        ),
    ),
)


class SuggestionSendFlow(FormFlow):
    """The draft lives in the conversation state until sent; nothing is stored about it before."""

    name = "hk_send"
    form = SUGGESTION_FORM

    async def load_draft(self, ctx: Context) -> Draft:
        return dict(ctx.conversation.state.get("draft") or {})

    async def save_draft(self, ctx: Context, draft: Draft) -> None:
        ctx.conversation.state["draft"] = draft

    async def _limited(self, ctx: Context) -> bool:
        assert ctx.person is not None
        limit = ctx.config.suggestions.daily_limit
        if await sent_today(ctx.store, ctx.config, ctx.person.id, ctx.now) >= limit:
            ctx.say(T.RATE_LIMITED.format(limit=limit))
            ctx.enter(None)
            return True
        return False

    async def start(self, ctx: Context) -> None:
        if await self._limited(ctx):
            return
        await self.begin(ctx, {}, intro=T.INTRO)
        ctx.conversation.state["draft"] = {}

    async def on_cancel(self, ctx: Context, draft: Draft) -> None:
        ctx.say(T.CANCELLED)

    def max_files(self, ctx: Context) -> int:
        return ctx.config.suggestions.max_files

    def file_owner(self, ctx: Context) -> int:
        return 0  # no owner: the sender may still choose to send anonymously

    def file_time(self, ctx: Context) -> datetime:
        return start_of_local_day(ctx.now, ctx.config.timezone)  # only the day, for the same reason

    def prepare_file(self, content: bytes, name: str) -> bytes:
        return scrub(content, name)  # photo EXIF and document author fields could name the sender

    async def complete(self, ctx: Context, draft: Draft) -> bool:
        person = ctx.person
        assert person is not None
        if await self._limited(ctx):
            return True
        anonymous = draft["anonymous"] == ANONYMOUS
        suggestion = await create_suggestion(
            ctx.store,
            ctx.config,
            person=person,
            identity_id=ctx.identity.id,
            topic=draft["topic"],
            content=draft["content"],
            attachments=list(draft.get("attachments") or []),
            anonymous=anonymous,
            publishable=draft["publish"] == PUBLISH,
            now=ctx.now,
        )
        text = T.SENT.format(code=suggestion.code, due=format_date(suggestion.due_on))
        ctx.say(text + ("\n\n" + T.SENT_ANONYMOUS if anonymous else ""))
        return True


# --- following one's own ------------------------------------------------------------------------------
NEW_ONE = "__new__"
CLOSE = "__close__"
BACK = "__back__"
CLARIFY = "__clarify__"
RATE = "__rate__"
REF = "s:"
LIST_LIMIT = 20


class SuggestionMineFlow:
    name = "hk_mine"

    def __init__(self, send: SuggestionSendFlow) -> None:
        self.send = send

    async def _own(self, ctx: Context) -> list[Suggestion]:
        assert ctx.person is not None
        return (await own_suggestions(ctx.store, ctx.config, ctx.person.id))[:LIST_LIMIT]

    def _list_options(self, ctx: Context, suggestions: list[Suggestion]) -> list[Option]:
        sealer = sealer_for(ctx.config)
        rows = [
            Option(
                REF + sealer.ref(s.id),
                T.MINE_ROW.format(code=s.code, headline=s.headline, status=T.STATUS_LABELS[s.status]),
            )
            for s in suggestions
        ]
        return [Option(NEW_ONE, T.NEW_ONE), *rows, Option(CLOSE, T.CLOSE)]

    async def start(self, ctx: Context) -> None:
        suggestions = await self._own(ctx)
        if not suggestions:
            await self.send.start(ctx)
            return
        ctx.enter(self.name, {"view": None})
        ctx.say(T.MINE_TITLE, self._list_options(ctx, suggestions))

    async def handle(self, ctx: Context) -> None:
        state = ctx.conversation.state
        try:
            if ctx.command is not None:
                await self._command(ctx, ctx.command)
            elif state.get("view") is None:
                await self._on_list(ctx)
            elif state.get("mode") == "clarify":
                await self._on_clarify(ctx)
            elif state.get("mode") == "rate":
                await self._on_rate(ctx)
            else:
                await self._on_detail(ctx)
        except StaleSuggestion:
            ctx.say(T.CHANGED)
            await self._show(ctx, state["view"])

    async def _command(self, ctx: Context, command: Command) -> None:
        state = ctx.conversation.state
        if command.name == "trogiup":
            ctx.say(T.MINE_HELP)
        elif state.get("mode"):
            state.pop("mode")
            await self._show(ctx, state["view"])
        elif command.name == "quaylai" and state.get("view") is not None:
            await self.start(ctx)
        else:
            ctx.enter(None)
            ctx.say(T.CLOSED_LIST)

    async def _load(self, ctx: Context, ref: str) -> Suggestion | None:
        """The suggestion behind a sealed reference, if the current user sent it."""
        assert ctx.person is not None
        suggestion_id = sealer_for(ctx.config).unref(ref)
        suggestion = await ctx.store.suggestions.get(suggestion_id) if suggestion_id is not None else None
        if suggestion is None or not await is_own(ctx.store, ctx.config, suggestion, ctx.person.id):
            return None
        return suggestion

    async def _on_list(self, ctx: Context) -> None:
        choice = ctx.inbound.choice
        if choice is None:
            options = self._list_options(ctx, await self._own(ctx))
            chosen = match_option(ctx.inbound.text or "", options)
            if chosen is None:
                ctx.choose_again(options)
                return
            choice = chosen.value
        if choice == NEW_ONE:
            await self.send.start(ctx)
        elif choice == CLOSE:
            ctx.enter(None)
            ctx.say(T.CLOSED_LIST)
        elif choice.startswith(REF):
            await self._show(ctx, choice.removeprefix(REF))
        else:
            ctx.say(C.STALE_BUTTON)
            await self.start(ctx)

    def _actions(self, suggestion: Suggestion) -> list[Option]:
        actions = []
        if suggestion.can_rate:
            actions.append(Option(RATE, T.RATE))
        if suggestion.can_clarify:
            actions.append(Option(CLARIFY, T.ASK_CLARIFY))
        actions.append(Option(BACK, T.BACK_TO_LIST))
        return actions

    async def _show(self, ctx: Context, ref: str) -> None:
        suggestion = await self._load(ctx, ref)
        if suggestion is None:
            ctx.say(T.NOT_FOUND)
            await self.start(ctx)
            return
        ctx.conversation.state = {"view": ref}
        ctx.say(await self.detail_text(ctx, suggestion), self._actions(suggestion))

    async def detail_text(self, ctx: Context, suggestion: Suggestion) -> str:
        due = T.DUE_LINE.format(due=format_date(suggestion.due_on)) if suggestion.is_open else ""
        files = [a["name"] for a in suggestion.attachments]
        text = T.DETAIL.format(
            code=suggestion.code,
            topic=suggestion.topic,
            date=format_date(ctx.local(suggestion.created_at).date()),
            mode=T.MODE_ANONYMOUS if suggestion.anonymous else T.MODE_NAMED,
            status=T.STATUS_LABELS[suggestion.status],
            due=due,
            content=suggestion.content,
            files=T.FILES_LINE.format(names=", ".join(files)) if files else "",
        )
        return text + detail_blocks(ctx, suggestion, await answered_by(ctx.store, suggestion))

    async def _on_detail(self, ctx: Context) -> None:
        state = ctx.conversation.state
        suggestion = await self._load(ctx, state["view"])
        if suggestion is None:
            ctx.say(T.NOT_FOUND)
            await self.start(ctx)
            return
        actions = self._actions(suggestion)
        if ctx.inbound.choice is not None:
            chosen = next((o for o in actions if o.value == ctx.inbound.choice), None)
        else:
            chosen = match_option(ctx.inbound.text or "", actions)
        if chosen is None:
            ctx.choose_again(actions)
        elif chosen.value == BACK:
            await self.start(ctx)
        elif chosen.value == CLARIFY:
            state["mode"] = "clarify"
            ctx.say(T.P_CLARIFY.format(max=_number(ctx.config.suggestions.max_length)))
        else:
            state["mode"] = "rate"
            ctx.say(T.P_RATE.format(code=suggestion.code), self._rate_options())

    @staticmethod
    def _rate_options() -> list[Option]:
        return [Option(str(i), label) for i, label in enumerate(T.RATE_OPTIONS, 1)]

    async def _on_clarify(self, ctx: Context) -> None:
        state = ctx.conversation.state
        assert ctx.person is not None
        suggestion = await self._load(ctx, state["view"])
        if suggestion is None or not suggestion.can_clarify:
            state.pop("mode", None)
            ctx.say(T.CLARIFY_NOT_ALLOWED if suggestion else T.NOT_FOUND)
            return
        try:
            text = require_text(ctx.inbound.text, max_len=ctx.config.suggestions.max_length, min_len=5)
        except ParseError as error:
            ctx.say(error.message)
            return
        await ask_clarification(ctx.store, ctx.config, suggestion, ctx.person, text, ctx.now)
        ctx.say(T.CLARIFY_SENT.format(code=suggestion.code, due=format_date(suggestion.due_on)))
        await self._show(ctx, state["view"])

    async def _on_rate(self, ctx: Context) -> None:
        state = ctx.conversation.state
        assert ctx.person is not None
        suggestion = await self._load(ctx, state["view"])
        if suggestion is None or not suggestion.can_rate:
            state.pop("mode", None)
            ctx.say(T.RATE_NOT_ALLOWED if suggestion else T.NOT_FOUND)
            return
        options = self._rate_options()
        if ctx.inbound.choice is not None:
            chosen = next((o for o in options if o.value == ctx.inbound.choice), None)
        else:
            chosen = match_option(ctx.inbound.text or "", options)
        if chosen is None:
            ctx.choose_again(options)
            return
        await rate(ctx.store, ctx.config, suggestion, ctx.person, int(chosen.value), ctx.now)
        ctx.say(T.RATED.format(stars=chosen.value))
        await self._show(ctx, state["view"])


# --- wiring into the core -----------------------------------------------------------------------------
MENU_SUGGEST = "__hk__"
MENU_DESK = "__hk_desk__"
MENU_BANK = "__hk_bank__"


class Suggestions:
    """The suggestion channel as the core sees it: commands, main-menu entries, flows."""

    def __init__(self) -> None:
        self.send = SuggestionSendFlow()
        self.mine = SuggestionMineFlow(self.send)
        self.desk = SuggestionDeskFlow()
        self.bank = SuggestionBankFlow()

    @property
    def flows(self) -> dict[str, Any]:
        return {flow.name: flow for flow in (self.send, self.mine, self.desk, self.bank)}

    @property
    def personal(self) -> tuple[str, ...]:
        """The sender's own suggestions: the same whichever body they act in (the desk is the body's)."""
        return (self.mine.name,)

    def commands(self) -> list[CommandSpec]:
        return [
            CommandSpec("hienke", self.suggest, D.SUGGEST, aliases=("gopy", "suggest")),
            CommandSpec("nganhangykien", self.bank.search, D.IDEAS, aliases=("nganhang", "ideas"), args="[từ khoá]"),
            CommandSpec("xulyhienke", self.desk_command, D.DESK, frozenset({Role.SECRETARIAT, Role.UNIT_HEAD})),
        ]

    async def suggest(self, ctx: Context, args: str) -> None:
        if ctx.conversation.flow == self.send.name:
            ctx.say(T.RESUMING)
            await self.send.resume(ctx)
        else:
            await self.mine.start(ctx)

    async def desk_command(self, ctx: Context, args: str) -> None:
        await self.desk.start(ctx)

    async def menu_options(self, ctx: Context) -> list[Option]:
        options = [Option(MENU_SUGGEST, T.MENU_SUGGEST), Option(MENU_BANK, T.MENU_BANK)]
        person = ctx.person
        if person is not None and (person.has(Role.SECRETARIAT) or person.has(Role.UNIT_HEAD)):
            options.append(Option(MENU_DESK, T.MENU_DESK))
        return options

    async def act(self, ctx: Context, value: str) -> bool:
        """Act on a main-menu choice; False if it is not one of ours."""
        if value == MENU_SUGGEST:
            await self.mine.start(ctx)
        elif value == MENU_DESK:
            await self.desk.start(ctx)
        elif value == MENU_BANK:
            await self.bank.search(ctx, "")
        else:
            return False
        return True

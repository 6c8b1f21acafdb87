"""Handling suggestions (/xulyhienke): the secretariat sees every open one and forwards, answers, closes,
hides or turns one into an initiative draft; a unit head sees those forwarded to the unit and answers or
returns them. An anonymous sender is shown as «Ẩn danh» everywhere here, the CSV export included: the
desk never opens the sealed link."""

from __future__ import annotations

import csv
import io
from typing import Any

from handlers.context import Command, Context
from handlers.domain import Person, Role, Unit
from handlers.parsing import ParseError, format_date, match_option, require_text
from handlers.scope import sees
from handlers.suggestions.rules import (
    OPEN,
    InvalidSuggestionTransition,
    StaleSuggestion,
    Suggestion,
    SuggestionStatus,
    overdue_from,
)
from handlers.suggestions.service import (
    answer,
    answered_by,
    close,
    convert,
    forward,
    return_to_secretariat,
    set_hidden,
    unit_heads,
)
from handlers.texts import common as C
from handlers.texts import suggestion as T
from handlers.types import Document, Option, Reply

FORWARD = "__forward__"
ANSWER = "__answer__"
CLOSE = "__close__"
HIDE = "__hide__"
UNHIDE = "__unhide__"
RETURN = "__return__"
CONVERT = "__convert__"
FILES = "__files__"
BACK = "__back__"
SEND = "__send__"
REWRITE = "__rewrite__"
CANCEL = "__cancel__"
RECENT = "__recent__"
OPEN_LIST = "__open__"
EXPORT = "__export__"
EXIT = "__exit__"
RECENT_LIMIT = 30
LIST_LIMIT = 30
EXPORT_LIMIT = 1000
REASON_MAX = 500


def detail_blocks(ctx: Context, suggestion: Suggestion, by: str) -> str:
    """Answer, clarification, closing reason and rating, as the sender and handlers see them."""
    parts = []
    if suggestion.answer:
        when = format_date(ctx.local(suggestion.answered_at).date()) if suggestion.answered_at else ""
        parts.append(T.ANSWER_BLOCK.format(by=by, date=when, answer=suggestion.answer))
    if suggestion.clarification:
        parts.append(T.CLARIFY_BLOCK.format(text=suggestion.clarification))
    if suggestion.clarification_answer:
        parts.append(T.CLARIFY_ANSWER_BLOCK.format(text=suggestion.clarification_answer))
    if suggestion.status == SuggestionStatus.CLOSED:
        parts.append(T.CLOSED_BLOCK.format(reason=suggestion.close_reason))
    if suggestion.hidden:
        parts.append(T.HIDDEN_BLOCK.format(reason=suggestion.hidden_reason))
    if suggestion.rating is not None:
        parts.append(T.RATING_LINE.format(stars=suggestion.rating))
    return "".join(parts)


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _choose(ctx: Context, options: list[Option]) -> Option | None:
    if ctx.inbound.choice is not None:
        return next((o for o in options if o.value == ctx.inbound.choice), None)
    return match_option(ctx.inbound.text or "", options)


class SuggestionDeskFlow:
    name = "hk_desk"

    # --- who may do what ------------------------------------------------------------------------------
    @staticmethod
    def _is_secretariat(person: Person | None) -> bool:
        return person is not None and person.has(Role.SECRETARIAT)

    @staticmethod
    def _head_unit(person: Person | None) -> int | None:
        if person is not None and person.has(Role.UNIT_HEAD) and person.unit_id is not None:
            return person.unit_id
        return None

    def _may_see(self, person: Person | None, suggestion: Suggestion) -> bool:
        if person is None or not sees(person.body_id, suggestion.body_id):
            return False
        if self._is_secretariat(person):
            return True
        unit_id = self._head_unit(person)
        return unit_id is not None and suggestion.assigned_unit_id == unit_id

    def _actions(self, person: Person | None, suggestion: Suggestion) -> list[Option]:
        status = suggestion.status
        actions: list[Option] = []
        if self._is_secretariat(person):
            if status in (SuggestionStatus.NEW, SuggestionStatus.FORWARDED):
                actions += [Option(FORWARD, T.A_FORWARD), Option(ANSWER, T.A_ANSWER)]
            if status == SuggestionStatus.CLARIFY:
                actions.append(Option(ANSWER, T.A_ANSWER_CLARIFY))
            if suggestion.is_open:
                actions.append(Option(CLOSE, T.A_CLOSE))
            actions.append(Option(UNHIDE, T.A_UNHIDE) if suggestion.hidden else Option(HIDE, T.A_HIDE))
            if suggestion.initiative_id is None:
                actions.append(Option(CONVERT, T.A_CONVERT))
        elif self._may_see(person, suggestion) and status in (SuggestionStatus.FORWARDED, SuggestionStatus.CLARIFY):
            actions.append(Option(ANSWER, T.A_ANSWER_CLARIFY if status == SuggestionStatus.CLARIFY else T.A_ANSWER))
            if status == SuggestionStatus.FORWARDED:
                actions.append(Option(RETURN, T.A_RETURN))
        if suggestion.attachments and not (suggestion.hidden and not self._is_secretariat(person)):
            actions.append(Option(FILES, T.A_FILES))
        actions.append(Option(BACK, T.A_BACK))
        return actions

    # --- the list -------------------------------------------------------------------------------------
    async def start(self, ctx: Context, listing: str = "open") -> None:
        person = ctx.person
        if not self._is_secretariat(person) and self._head_unit(person) is None:
            ctx.enter(None)
            ctx.say(C.NOT_ALLOWED)
            return
        ctx.enter(self.name, {"list": listing, "view": None})
        title, options = await self._list(ctx, listing)
        ctx.say(title, options)

    async def _items(self, ctx: Context, listing: str) -> list[Suggestion]:
        if self._is_secretariat(ctx.person):
            if listing == "recent":
                return list(await ctx.store.suggestions.recent(RECENT_LIMIT))
            return list(await ctx.store.suggestions.in_statuses(OPEN))
        unit_id = self._head_unit(ctx.person)
        statuses = (SuggestionStatus.FORWARDED, SuggestionStatus.CLARIFY)
        return list(await ctx.store.suggestions.in_statuses(statuses, unit_id=unit_id))

    def _row(self, ctx: Context, suggestion: Suggestion) -> str:
        overdue = suggestion.is_open and ctx.now >= overdue_from(suggestion.due_on, ctx.config.timezone)
        text = T.DESK_ROW.format(
            code=suggestion.code,
            status=T.STATUS_LABELS[suggestion.status],
            due=format_date(suggestion.due_on),
            overdue=T.OVERDUE_MARK if overdue else "",
        )
        return text + (T.HIDDEN_MARK if suggestion.hidden else "")

    async def _list(self, ctx: Context, listing: str) -> tuple[str, list[Option]]:
        items = await self._items(ctx, listing)
        options = [Option(str(s.id), self._row(ctx, s)) for s in items[:LIST_LIMIT]]
        if self._is_secretariat(ctx.person):
            options.append(Option(OPEN_LIST, T.DESK_OPEN) if listing == "recent" else Option(RECENT, T.DESK_RECENT))
            options.append(Option(EXPORT, T.DESK_EXPORT))
            title = T.DESK_RECENT_TITLE if listing == "recent" else T.DESK_TITLE
            title = title.format(n=len(items))
        else:
            unit = await ctx.store.unit(self._head_unit(ctx.person) or 0)
            title = T.DESK_TITLE_UNIT.format(unit=unit.name if unit else "", n=len(items))
        if not items and listing != "recent":
            title = T.DESK_EMPTY
        elif len(items) > LIST_LIMIT:
            title += "\n" + T.DESK_SHOWING.format(shown=LIST_LIMIT)
        options.append(Option(EXIT, T.CLOSE))
        return title, options

    async def handle(self, ctx: Context) -> None:
        if not self._is_secretariat(ctx.person) and self._head_unit(ctx.person) is None:
            ctx.enter(None)
            ctx.say(C.NOT_ALLOWED)
            return
        state = ctx.conversation.state
        if ctx.command is not None:
            await self._command(ctx, ctx.command)
            return
        if state.get("view") is None:
            await self._on_list(ctx)
            return
        suggestion = await ctx.store.suggestions.get(state["view"])
        if suggestion is None or not self._may_see(ctx.person, suggestion):
            ctx.say(T.NOT_FOUND)
            await self.start(ctx, state.get("list", "open"))
            return
        mode = state.get("mode")
        try:
            if mode is None:
                await self._on_detail(ctx, suggestion)
            elif mode in ("answer", "close", "hide", "return"):
                await self._on_text(ctx, suggestion, mode)
            elif mode == "answer_confirm":
                await self._on_answer_confirm(ctx, suggestion)
            elif mode in ("forward", "convert_unit"):
                await self._on_unit(ctx, suggestion, mode)
            elif mode == "convert_confirm":
                await self._on_convert_confirm(ctx, suggestion)
        except StaleSuggestion:
            ctx.say(T.STALE.format(code=suggestion.code))
            await self._show(ctx, suggestion.id)
        except (InvalidSuggestionTransition, PermissionError):
            ctx.say(T.NOT_NOW)
            await self._show(ctx, suggestion.id)

    async def _command(self, ctx: Context, command: Command) -> None:
        state = ctx.conversation.state
        if command.name == "trogiup":
            ctx.say(T.DESK_HELP)
        elif state.get("mode") and state.get("view") is not None:
            await self._show(ctx, state["view"])
        elif command.name == "quaylai" and state.get("view") is not None:
            await self.start(ctx, state.get("list", "open"))
        else:
            ctx.enter(None)
            ctx.say(T.CLOSED_LIST)

    async def _on_list(self, ctx: Context) -> None:
        listing = ctx.conversation.state.get("list", "open")
        title, options = await self._list(ctx, listing)
        chosen = _choose(ctx, options)
        if chosen is None:
            ctx.choose_again(options)
        elif chosen.value == EXIT:
            ctx.enter(None)
            ctx.say(T.CLOSED_LIST)
        elif chosen.value in (RECENT, OPEN_LIST):
            await self.start(ctx, "recent" if chosen.value == RECENT else "open")
        elif chosen.value == EXPORT:
            await self._export(ctx)
            ctx.say(title, options)
        else:
            await self._show(ctx, int(chosen.value))

    # --- one suggestion -----------------------------------------------------------------------------------
    async def _show(self, ctx: Context, suggestion_id: int) -> None:
        state = ctx.conversation.state
        suggestion = await ctx.store.suggestions.get(suggestion_id)
        if suggestion is None or not self._may_see(ctx.person, suggestion):
            ctx.say(T.NOT_FOUND)
            await self.start(ctx, state.get("list", "open"))
            return
        ctx.conversation.state = {"list": state.get("list", "open"), "view": suggestion.id}
        ctx.say(await self.detail_text(ctx, suggestion), self._actions(ctx.person, suggestion))

    async def _sender(self, ctx: Context, suggestion: Suggestion) -> str:
        if suggestion.anonymous or suggestion.person_id is None:
            return T.SENDER_ANONYMOUS
        person = await ctx.store.person(suggestion.person_id)
        if person is None:
            return T.SENDER_ANONYMOUS
        unit = await ctx.store.unit(person.unit_id) if person.unit_id else None
        return T.SENDER_NAMED.format(name=person.full_name, position=person.position, unit=unit.name if unit else "")

    def _content(self, ctx: Context, suggestion: Suggestion) -> str:
        if suggestion.hidden and not self._is_secretariat(ctx.person):
            return T.CONTENT_HIDDEN.format(reason=suggestion.hidden_reason)
        return suggestion.content

    async def detail_text(self, ctx: Context, suggestion: Suggestion) -> str:
        unit = await ctx.store.unit(suggestion.assigned_unit_id) if suggestion.assigned_unit_id else None
        overdue = suggestion.is_open and ctx.now >= overdue_from(suggestion.due_on, ctx.config.timezone)
        files = [a["name"] for a in suggestion.attachments]
        text = T.DESK_DETAIL.format(
            code=suggestion.code,
            topic=suggestion.topic,
            date=format_date(ctx.local(suggestion.created_at).date()),
            sender=await self._sender(ctx, suggestion),
            status=T.STATUS_LABELS[suggestion.status],
            unit=unit.name if unit else T.UNIT_SECRETARIAT,
            due=format_date(suggestion.due_on),
            overdue=T.OVERDUE_MARK if overdue else "",
            public=T.PUBLIC_YES if suggestion.publishable else T.PUBLIC_NO,
            content=self._content(ctx, suggestion),
            files=T.FILES_LINE.format(names=", ".join(files)) if files else "",
        )
        return text + detail_blocks(ctx, suggestion, await answered_by(ctx.store, suggestion))

    async def _on_detail(self, ctx: Context, suggestion: Suggestion) -> None:
        state = ctx.conversation.state
        actions = self._actions(ctx.person, suggestion)
        chosen = _choose(ctx, actions)
        if chosen is None:
            ctx.choose_again(actions)
            return
        value = chosen.value
        code = suggestion.code
        if value == BACK:
            await self.start(ctx, state.get("list", "open"))
        elif value == FILES:
            await self._send_files(ctx, suggestion)
            ctx.say(await self.detail_text(ctx, suggestion), actions)
        elif value == UNHIDE:
            assert ctx.person is not None
            await set_hidden(ctx.store, ctx.config, suggestion, ctx.person, False, "", ctx.now)
            ctx.say(T.UNHIDDEN.format(code=code))
            await self._show(ctx, suggestion.id)
        elif value == ANSWER:
            state["mode"] = "answer"
            note = T.PUBLIC_NOTE if suggestion.publishable and not suggestion.hidden else ""
            ctx.say(T.P_ANSWER.format(code=code, max=_number(ctx.config.suggestions.answer_max_length), public=note))
        elif value in (CLOSE, HIDE, RETURN):
            state["mode"] = {CLOSE: "close", HIDE: "hide", RETURN: "return"}[value]
            prompt = {CLOSE: T.P_CLOSE, HIDE: T.P_HIDE, RETURN: T.P_RETURN}[value]
            ctx.say(prompt.format(code=code))
        elif value == FORWARD:
            state["mode"] = "forward"
            ctx.say(T.P_FORWARD_UNIT.format(code=code), await self._unit_options(ctx, suggestion))
        elif value == CONVERT:
            await self._start_convert(ctx, suggestion)

    async def _unit_options(self, ctx: Context, suggestion: Suggestion) -> list[Option]:
        units = list(await ctx.store.units())
        units.sort(key=lambda u: u.id != suggestion.assigned_unit_id)
        return [Option(str(u.id), u.name) for u in units] + [Option(CANCEL, T.A_CANCEL)]

    async def _on_text(self, ctx: Context, suggestion: Suggestion, mode: str) -> None:
        state = ctx.conversation.state
        person = ctx.person
        assert person is not None
        limit = ctx.config.suggestions.answer_max_length if mode == "answer" else REASON_MAX
        try:
            text = require_text(ctx.inbound.text, max_len=limit, min_len=5 if mode == "answer" else 2)
        except ParseError as error:
            ctx.say(error.message)
            return
        code = suggestion.code
        if mode == "answer":
            state["mode"] = "answer_confirm"
            state["draft"] = text
            options = [Option(SEND, T.A_SEND), Option(REWRITE, T.A_REWRITE), Option(CANCEL, T.A_CANCEL)]
            ctx.say(T.ANSWER_PREVIEW.format(answer=text), options)
            return
        if mode == "close":
            await close(ctx.store, ctx.config, suggestion, person, text, ctx.now)
            ctx.say(T.CLOSED.format(code=code))
        elif mode == "hide":
            await set_hidden(ctx.store, ctx.config, suggestion, person, True, text, ctx.now)
            ctx.say(T.HIDDEN.format(code=code))
        else:
            await return_to_secretariat(ctx.store, ctx.config, suggestion, person, text, ctx.now)
            ctx.say(T.RETURNED.format(code=code))
            await self.start(ctx, state.get("list", "open"))
            return
        await self._show(ctx, suggestion.id)

    async def _on_answer_confirm(self, ctx: Context, suggestion: Suggestion) -> None:
        state = ctx.conversation.state
        person = ctx.person
        assert person is not None
        options = [Option(SEND, T.A_SEND), Option(REWRITE, T.A_REWRITE), Option(CANCEL, T.A_CANCEL)]
        chosen = _choose(ctx, options)
        if chosen is None:
            ctx.say(C.CHOOSE_ONE, options)
        elif chosen.value == REWRITE:
            state["mode"] = "answer"
            ctx.say(
                T.P_ANSWER.format(
                    code=suggestion.code, max=_number(ctx.config.suggestions.answer_max_length), public=""
                )
            )
        elif chosen.value == CANCEL:
            await self._show(ctx, suggestion.id)
        else:
            as_unit = None if self._is_secretariat(person) else self._head_unit(person)
            await answer(ctx.store, ctx.config, suggestion, person, state["draft"], ctx.now, as_unit_id=as_unit)
            ctx.say(T.ANSWERED.format(code=suggestion.code))
            await self._show(ctx, suggestion.id)

    async def _on_unit(self, ctx: Context, suggestion: Suggestion, mode: str) -> None:
        person = ctx.person
        assert person is not None
        options = await self._unit_options(ctx, suggestion)
        chosen = _choose(ctx, options)
        if chosen is None:
            ctx.say(C.CHOOSE_ONE, options)
            return
        if chosen.value == CANCEL:
            await self._show(ctx, suggestion.id)
            return
        unit = await ctx.store.unit(int(chosen.value))
        assert unit is not None
        heads = await unit_heads(ctx.store, unit.id)
        if not heads:
            text = T.FORWARD_NO_HEAD if mode == "forward" else T.CONVERT_NO_HEAD
            ctx.say(text.format(unit=unit.name), options)
            return
        if mode == "forward":
            await forward(ctx.store, ctx.config, suggestion, unit, person, ctx.now)
            ctx.say(T.FORWARDED.format(code=suggestion.code, unit=unit.name))
        else:
            await self._convert(ctx, suggestion, heads[0], unit)
        await self._show(ctx, suggestion.id)

    # --- into an initiative draft ---------------------------------------------------------------------------
    async def _start_convert(self, ctx: Context, suggestion: Suggestion) -> None:
        state = ctx.conversation.state
        if suggestion.initiative_id is not None:
            ctx.say(T.ALREADY_CONVERTED)
            return
        if suggestion.anonymous or suggestion.person_id is None:
            state["mode"] = "convert_unit"
            ctx.say(T.CONVERT_ASK_UNIT.format(code=suggestion.code), await self._unit_options(ctx, suggestion))
            return
        sender = await ctx.store.person(suggestion.person_id)
        state["mode"] = "convert_confirm"
        ctx.say(
            T.CONVERT_CONFIRM.format(code=suggestion.code, name=sender.full_name if sender else ""),
            [Option(SEND, T.A_CONFIRM_CONVERT), Option(CANCEL, T.A_CANCEL)],
        )

    async def _on_convert_confirm(self, ctx: Context, suggestion: Suggestion) -> None:
        options = [Option(SEND, T.A_CONFIRM_CONVERT), Option(CANCEL, T.A_CANCEL)]
        chosen = _choose(ctx, options)
        if chosen is None:
            ctx.say(C.CHOOSE_ONE, options)
            return
        sender = await ctx.store.person(suggestion.person_id) if suggestion.person_id else None
        if chosen.value == SEND and sender is not None:
            await self._convert(ctx, suggestion, sender, None)
        await self._show(ctx, suggestion.id)

    async def _convert(self, ctx: Context, suggestion: Suggestion, owner: Person, unit: Unit | None) -> None:
        assert ctx.person is not None
        await convert(ctx.store, ctx.config, suggestion, ctx.person, owner, ctx.now)
        if unit is None:
            ctx.say(T.CONVERTED_NAMED.format(name=owner.full_name, code=suggestion.code))
        else:
            ctx.say(T.CONVERTED_UNIT.format(code=suggestion.code, head=owner.full_name, unit=unit.name))

    # --- files and export ---------------------------------------------------------------------------------
    async def _send_files(self, ctx: Context, suggestion: Suggestion) -> None:
        if not suggestion.attachments:
            ctx.say(T.NO_FILES)
            return
        for item in suggestion.attachments:
            found = await ctx.store.suggestions.attachment_file(int(item["id"]))
            try:
                content = await ctx.files.get(found[2]) if found else None
            except OSError:
                content = None
            if found is None or content is None:
                ctx.say(T.FILE_MISSING.format(name=item.get("name", "")))
                continue
            name, mime, _ = found
            document = Document(file_name=name, content=content, mime_type=mime or "application/octet-stream")
            ctx.reply(Reply(text=name, document=document))

    async def _export(self, ctx: Context) -> None:
        items = list(await ctx.store.suggestions.recent(EXPORT_LIMIT))
        content = await export_csv(ctx, items)
        name = T.EXPORT_FILE.format(date=ctx.today.isoformat())
        ctx.reply(
            Reply(
                text=T.EXPORT_READY.format(n=len(items)),
                document=Document(file_name=name, content=content, mime_type="text/csv"),
            )
        )


async def export_csv(ctx: Context, suggestions: list[Suggestion]) -> bytes:
    """The secretariat's spreadsheet of suggestions; an anonymous sender is «Ẩn danh», nothing more."""
    units: dict[int, Unit] = {u.id: u for u in await ctx.store.units()}
    people: dict[int, Any] = {}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(T.EXPORT_HEADER)
    for s in suggestions:
        if s.person_id is not None and not s.anonymous:
            if s.person_id not in people:
                people[s.person_id] = await ctx.store.person(s.person_id)
            sender = people[s.person_id].full_name if people[s.person_id] else ""
        else:
            sender = T.SENDER_ANONYMOUS
        assigned = units.get(s.assigned_unit_id or 0)
        writer.writerow(
            [
                s.code,
                format_date(ctx.local(s.created_at).date()),
                s.topic,
                T.STATUS_LABELS[s.status],
                sender,
                assigned.name if assigned else T.UNIT_SECRETARIAT,
                format_date(s.due_on),
                format_date(ctx.local(s.answered_at).date()) if s.answered_at else "",
                s.rating or "",
                T.HIDDEN_YES if s.hidden else "",
                s.content,
                s.answer,
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")

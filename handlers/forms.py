"""The form engine: a form is declared as steps; asking, parsing, back, cancel, help, edit-from-summary,
save-at-every-step and resume are done here once for every form."""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers.attachments import file_name, refusal, size_text, stored_entry
from handlers.context import Context
from handlers.parsing import (
    ParseError,
    clean_text,
    fold,
    has_content,
    is_yes,
    match_option,
    name_as_printed,
    option_candidates,
    typed_command,
)
from handlers.texts import common as T
from handlers.texts import parsing as PT
from handlers.texts import submission as S
from handlers.types import AttachmentKind, Option

KEEP = "__keep__"
SKIP = "__skip__"
DONE = "__done__"
YES = "__yes__"
NO = "__no__"
SUBMIT = "__submit__"
EDIT = "__edit__"
LATER = "__later__"
PRINTED = "__printed__"
MANAGE_EDIT = "__item_edit__"
MANAGE_ADD = "__item_add__"
MANAGE_REMOVE = "__item_remove__"
MANAGE_RESTART = "__list_restart__"
MANAGE_NONE = "__list_none__"

# Controls answer to the same fixed key on every step, so their number never moves (see Option.key).
KEEP_KEY = "0"
PARKED = "parked"
SKIP_KEY = "-"
# Steps holding a person's full name: what was typed is checked against how it would be printed.
NAME_STEPS = frozenset({"full_name"})

Draft = dict[str, Any]
Cursor = list[Any]


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    prompt: str | Callable[[Context, Draft], str]
    help: str
    # Turns typed text into the stored (JSON-ready) value; raises ParseError with a message for the user.
    parse: Callable[[str, Context, Draft], Any] | None = None
    options: Sequence[Option] | Callable[[Context, Draft], Sequence[Option]] = ()
    optional: bool = False
    skip_if: Callable[[Draft], bool] | None = None
    # A soft check: a message asking the user to confirm an unusual but possible answer.
    warn: Callable[[Any, Context, Draft], str | None] | None = None
    show: Callable[[Any], str] = str
    collects_files: bool = False
    must_confirm: bool = False
    # Turns a chosen option into the stored value (default: the option's value).
    from_option: Callable[[Option, Context, Draft], Any] | None = None
    # Steps whose answer is cleared when one of these fields changes (e.g. shares after co-authors).
    depends_on: tuple[str, ...] = ()
    # The label in a view for someone other than the person filling in the form (e.g. the council), when the
    # form's own label addresses that person («Ngày sinh của Anh/Chị»).
    reader_label: str = ""


@dataclass(frozen=True)
class Group:
    """A repeated sub-form (co-authors, first-application participants)."""

    name: str
    label: str
    ask_first: str
    ask_more: str
    help: str
    item_steps: tuple[Step, ...]
    show_item: Callable[[dict[str, Any]], str]
    max_items: int = 10


Entry = Step | Group


@dataclass(frozen=True)
class Form:
    name: str
    entries: tuple[Entry, ...]
    summary_title: str
    submit_label: str
    edit_label: str = T.EDIT_OPTION
    later_label: str = T.LATER_OPTION
    # Asked when ``FormFlow.caution`` warns at submit and the user submits anyway; its answer is kept in the
    # draft under its name. Without it, the form completes without a caution check.
    explain: Step | None = None
    proceed_label: str = T.CAUTION_PROCEED
    back_to_edit_label: str = T.CAUTION_EDIT
    entry_index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "entry_index", {e.name: i for i, e in enumerate(self.entries)})

    def entry(self, name: str) -> Entry:
        return self.entries[self.entry_index[name]]


def _options(step: Step, ctx: Context, draft: Draft) -> list[Option]:
    opts = step.options(ctx, draft) if callable(step.options) else step.options
    return list(opts)


def keep_option(label: str = T.KEEP) -> Option:
    return Option(KEEP, label, key=KEEP_KEY)


def skip_option() -> Option:
    return Option(SKIP, T.SKIP, key=SKIP_KEY)


def _truncate(text: str, limit: int = 200) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class FormFlow(ABC):
    """Subclasses say where the draft lives and what completing the form does."""

    name: str
    form: Form
    # A form whose draft lives in the conversation (not in a row of its own) parks it there when stopped, and a
    # restart of the form picks the typed answers up again.
    keeps_answers_in_conversation: bool = False

    # --- hooks -----------------------------------------------------------------------------------
    @abstractmethod
    async def load_draft(self, ctx: Context) -> Draft: ...

    @abstractmethod
    async def save_draft(self, ctx: Context, draft: Draft) -> None: ...

    @abstractmethod
    async def complete(self, ctx: Context, draft: Draft) -> bool:
        """Act on the confirmed form; return False to stay on the summary."""

    async def caution(self, ctx: Context, draft: Draft) -> str | None:
        """A warning to show when the user submits a complete form (e.g. it resembles one on file), or None to
        complete at once. After a warning the user goes back to edit, or completes with an explanation
        (``form.explain``)."""
        return None

    async def on_cancel(self, ctx: Context, draft: Draft) -> None:
        ctx.say(T.CANCELLED_ANSWERS_KEPT if self.keeps_answers_in_conversation else T.CANCELLED_DRAFT_KEPT)

    async def _stop(self, ctx: Context, draft: Draft) -> None:
        await self.on_cancel(ctx, draft)
        parked = {PARKED: {"flow": self.name, "draft": draft}} if self.keeps_answers_in_conversation and draft else None
        ctx.enter(None, parked)

    # --- attachments (steps with collects_files) ---------------------------------------------------
    def max_files(self, ctx: Context) -> int:
        return ctx.config.max_attachments

    def file_owner(self, ctx: Context) -> int:
        """Who a stored file belongs to (0: nobody, e.g. a possibly anonymous sender)."""
        return ctx.person.id if ctx.person else 0

    def file_time(self, ctx: Context) -> datetime:
        return ctx.now

    def prepare_file(self, content: bytes, name: str) -> bytes:
        """The bytes to store (a form may remove metadata first)."""
        return content

    async def on_file(self, ctx: Context, draft: Draft, step: Step) -> None:
        """Check and store a file the user sent at a collecting step; the step stays open for more."""
        attachment = ctx.inbound.attachment
        assert attachment is not None
        files: list[dict[str, Any]] = list(draft.get(step.name) or [])
        limit = ctx.config.max_attachment_bytes
        checks = {"limit": limit, "stored": len(files), "max_files": self.max_files(ctx)}
        # Fetched from the platform only now, and only a file this step would take (type, size, count).
        if attachment.content is None and refusal(dataclasses.replace(attachment, content=b""), **checks) is None:
            attachment = await attachment.loaded()
        problem = refusal(attachment, **checks)
        if problem is not None or attachment.content is None:
            ctx.say(problem or "")
            await self._ask(ctx, draft)
            return
        name = file_name(attachment)
        content = self.prepare_file(attachment.content, name)
        size = len(content)
        key = await ctx.files.put(content)
        file_id = await ctx.store.add_attachment(
            self.file_owner(ctx), name, attachment.mime_type, size, key, self.file_time(ctx)
        )
        draft[step.name] = [*files, stored_entry(file_id, name, size)]
        await self.save_draft(ctx, draft)
        ctx.say(S.FILE_RECEIVED.format(name=name, size=size_text(size)), [Option(DONE, T.FILES_DONE)])

    def summary_text(self, ctx: Context, draft: Draft) -> str:
        return self._answers_text([self.form.summary_title, ""], draft, for_reader=False)

    def _answers_text(self, lines: list[str], draft: Draft, *, for_reader: bool) -> str:
        for entry in self.form.entries:
            if isinstance(entry, Step):
                if entry.skip_if and entry.skip_if(draft):
                    continue
                value = draft.get(entry.name)
                if value in (None, "", []):
                    # Answered with "skip" (the key is there) reads differently from not answered yet.
                    shown = T.NONE_VALUE if entry.name in draft else T.EMPTY_VALUE
                else:
                    shown = _truncate(entry.show(value))
                label = entry.reader_label if for_reader and entry.reader_label else entry.label
                lines.append(f"• {label}: {shown}")
            else:
                items = draft.get(entry.name) or []
                if not items:
                    lines.append(f"• {entry.label}: {T.NONE_VALUE}")
                else:
                    lines.append(f"• {entry.label}:")
                    lines.extend(f"   {i}) {entry.show_item(item)}" for i, item in enumerate(items, 1))
        return "\n".join(lines)

    # --- entry points ----------------------------------------------------------------------------
    async def begin(self, ctx: Context, draft: Draft, intro: str | None = None) -> None:
        """Start or resume: ask the first unanswered question (or show the summary). The answers before it are
        the history, so /quaylai works at once after resuming. A form that keeps its answers in the conversation
        takes up what was typed before a restart (``draft`` is updated in place)."""
        if self.keeps_answers_in_conversation:
            previous = await self._previous_answers(ctx)
            if previous:
                draft.update(previous)
                intro = f"{intro}\n{T.ANSWERS_KEPT}" if intro else T.ANSWERS_KEPT
        cursor = self._first_missing(draft)
        state = {"cursor": cursor, "history": self._answered_before(cursor, draft), "editing": False}
        ctx.enter(self.name, state)
        if intro:
            ctx.say(intro)
        await self._ask(ctx, draft)

    async def _previous_answers(self, ctx: Context) -> Draft:
        state = ctx.conversation.state
        if ctx.conversation.flow == self.name:
            return await self.load_draft(ctx)
        parked = state.get(PARKED) if ctx.conversation.flow is None else None
        if parked and parked.get("flow") == self.name:
            return dict(parked.get("draft") or {})
        return {}

    def _answered_before(self, cursor: Cursor, draft: Draft) -> list[Cursor]:
        history: list[Cursor] = []
        for entry in self.form.entries:
            if entry.name == cursor[0]:
                if len(cursor) == 3 and isinstance(entry, Group):
                    history.append([entry.name, "first"])
                    for index, item in enumerate((draft.get(entry.name) or [])[: cursor[1] + 1]):
                        for step in entry.item_steps:
                            if [entry.name, index, step.name] == cursor:
                                break
                            if step.name in item:
                                history.append([entry.name, index, step.name])
                break
            if self._skipped(entry, draft):
                continue
            history.append([entry.name] if isinstance(entry, Step) else [entry.name, "first"])
        return history

    async def resume(self, ctx: Context) -> None:
        draft = await self.load_draft(ctx)
        await self._ask(ctx, draft)

    async def handle(self, ctx: Context) -> None:
        draft = await self.load_draft(ctx)
        state = ctx.conversation.state
        command = ctx.command.name if ctx.command else None
        if command is None and ctx.inbound.text is not None and ctx.inbound.choice is None:
            command = self._typed_command(ctx, draft)
            if command == "chao":
                ctx.say(T.GREETING_IN_FORM)
                await self._ask(ctx, draft)
                return
        if command == "huy":
            await self._stop(ctx, draft)
            return
        if command == "quaylai":
            await self._back(ctx, draft)
            return
        if command == "trogiup":
            ctx.say(self._help(ctx, draft))
            await self._ask(ctx, draft)
            return
        if ctx.command is not None:
            ctx.say(T.UNKNOWN_COMMAND_IN_FORM)
            await self._ask(ctx, draft)
            return
        cursor = state["cursor"]
        kind = cursor[0]
        if kind == "summary":
            await self._on_summary(ctx, draft)
        elif kind == "edit":
            await self._on_edit_choice(ctx, draft)
        elif kind == "warn":
            await self._on_warn(ctx, draft)
        elif kind == "caution":
            await self._on_caution(ctx, draft)
        elif kind == "explain":
            await self._on_explain(ctx, draft)
        elif len(cursor) == 2 and isinstance(cursor[1], str):
            await self._on_group_question(ctx, draft)
        else:
            await self._on_step(ctx, draft)

    def _typed_command(self, ctx: Context, draft: Draft) -> str | None:
        """A command typed as a word ("hủy", "quay lại"), unless it names one of the options shown."""
        command = typed_command(ctx.inbound.text)
        if command is None:
            return None
        folded = fold(ctx.inbound.text or "")
        if any(fold(option.label) == folded for option in self._shown_options(ctx, draft)):
            return None
        return command

    def _shown_options(self, ctx: Context, draft: Draft) -> list[Option]:
        cursor = ctx.conversation.state["cursor"]
        if cursor[0] in ("summary", "edit", "warn", "caution", "explain") or len(cursor) == 2:
            return []
        return self._displayed(ctx, draft, cursor)

    # --- cursor arithmetic -----------------------------------------------------------------------
    def _skipped(self, entry: Entry, draft: Draft) -> bool:
        return isinstance(entry, Step) and entry.skip_if is not None and entry.skip_if(draft)

    def _cursor_for_entry(self, index: int, draft: Draft) -> Cursor:
        for entry in self.form.entries[index:]:
            if self._skipped(entry, draft):
                continue
            return [entry.name] if isinstance(entry, Step) else [entry.name, "first"]
        return ["summary"]

    def _first_missing(self, draft: Draft) -> Cursor:
        for entry in self.form.entries:
            if self._skipped(entry, draft):
                continue
            if entry.name not in draft:
                return [entry.name] if isinstance(entry, Step) else [entry.name, "first"]
            if isinstance(entry, Group):  # an entry left half-filled (stopped in the middle of a person)
                for index, item in enumerate(draft.get(entry.name) or []):
                    # Optional answers may be absent from lists filed before that question existed.
                    missing = next((s.name for s in entry.item_steps if s.name not in item and not s.optional), None)
                    if missing is not None:
                        return [entry.name, index, missing]
        return ["summary"]

    def _after_entry(self, ctx: Context, draft: Draft, name: str) -> Cursor:
        if ctx.conversation.state.get("editing"):
            return self._first_missing(draft)
        return self._cursor_for_entry(self.form.entry_index[name] + 1, draft)

    def _step_at(self, cursor: Cursor) -> Step:
        entry = self.form.entry(cursor[0])
        if isinstance(entry, Step):
            return entry
        return next(s for s in entry.item_steps if s.name == cursor[2])

    def _value_at(self, draft: Draft, cursor: Cursor) -> Any:
        if len(cursor) == 1:
            return draft.get(cursor[0])
        items = draft.get(cursor[0]) or []
        return items[cursor[1]].get(cursor[2]) if cursor[1] < len(items) else None

    def _progress(self, cursor: Cursor, draft: Draft) -> str:
        visible = [e for e in self.form.entries if not self._skipped(e, draft)]
        names = [e.name for e in visible]
        if cursor[0] not in names:
            return ""
        return T.PROGRESS.format(n=names.index(cursor[0]) + 1, total=len(names))

    # --- asking ----------------------------------------------------------------------------------
    async def _ask(self, ctx: Context, draft: Draft) -> None:
        cursor = ctx.conversation.state["cursor"]
        kind = cursor[0]
        if kind == "summary":
            ctx.say(
                self.summary_text(ctx, draft),
                [
                    Option(SUBMIT, self.form.submit_label),
                    Option(EDIT, self.form.edit_label),
                    Option(LATER, self.form.later_label),
                ],
            )
            return
        if kind == "edit":
            ctx.say(T.EDIT_WHICH, self._edit_options(draft))
            return
        if kind == "warn":
            ctx.say(ctx.conversation.state["warning"], self._warn_options(ctx))
            return
        if kind == "caution":
            ctx.say(ctx.conversation.state.get("caution") or "", self._caution_options())
            return
        if kind == "explain":
            step = self.form.explain
            assert step is not None
            prompt = step.prompt(ctx, draft) if callable(step.prompt) else step.prompt
            current = draft.get(step.name)
            options = []
            if current not in (None, ""):
                prompt += "\n" + T.CURRENT_VALUE.format(value=_truncate(step.show(current), 300))
                options.append(keep_option())
            ctx.say(f"{prompt}\n{T.FOOTER}", options)
            return
        header = self._progress(cursor, draft)
        if len(cursor) == 2:
            group = self.form.entry(cursor[0])
            assert isinstance(group, Group)
            items = draft.get(group.name) or []
            if cursor[1] == "first" and items:
                listing = "\n".join(f"{i}) {group.show_item(item)}" for i, item in enumerate(items, 1))
                text = T.LIST_MANAGE.format(label=group.label, items=listing)
                ctx.say(f"{header}{text}\n{T.FOOTER}", self._manage_options(group, items))
                return
            if cursor[1].startswith("pick:"):
                action = cursor[1].removeprefix("pick:")
                text = T.LIST_PICK_EDIT if action == "edit" else T.LIST_PICK_REMOVE
                ctx.say(f"{header}{text}\n{T.FOOTER}", self._item_options(group, items))
                return
            text = group.ask_first if cursor[1] == "first" else group.ask_more
            ctx.say(f"{header}{text}\n{T.FOOTER}", [Option(YES, T.YES), Option(NO, T.NO)])
            return
        step = self._step_at(cursor)
        prompt = step.prompt(ctx, draft) if callable(step.prompt) else step.prompt
        if len(cursor) == 3:
            prompt = T.ITEM_PREFIX.format(n=cursor[1] + 1) + prompt
        current = self._value_at(draft, cursor)
        if current not in (None, "", []) and not step.collects_files:
            prompt += "\n" + T.CURRENT_VALUE.format(value=_truncate(step.show(current), 300))
        ctx.say(f"{header}{prompt}\n{T.FOOTER}", self._displayed(ctx, draft, cursor))

    def _displayed(self, ctx: Context, draft: Draft, cursor: Cursor) -> list[Option]:
        """The options shown for a step; typed numbers refer to exactly this list. The controls come last
        with fixed keys («Giữ nguyên» is always 0, «Bỏ qua» always -), so no option is ever renumbered."""
        step = self._step_at(cursor)
        options = _options(step, ctx, draft)
        narrowed = ctx.conversation.state.get("narrowed")
        if narrowed and narrowed.get("cursor") == cursor:
            values = narrowed["values"]
            options = [o for o in options if o.value in values]
        if step.collects_files:
            options.append(Option(DONE, T.FILES_DONE))
        elif self._value_at(draft, cursor) not in (None, "", []):
            options.append(keep_option())
        if step.optional and not step.collects_files:
            options.append(skip_option())
        return options

    def _warn_options(self, ctx: Context) -> list[Option]:
        printed = ctx.conversation.state.get("pending", {}).get("printed")
        if printed is None:
            return [Option(YES, T.WARN_KEEP), Option(NO, T.WARN_RETYPE)]
        typed = ctx.conversation.state["pending"]["value"]
        options = [Option(PRINTED, T.NAME_USE_PRINTED.format(name=printed))] if printed != typed else []
        return [*options, Option(YES, T.NAME_KEEP_TYPED), Option(NO, T.NAME_RETYPE)]

    def _manage_options(self, group: Group, items: list[dict[str, Any]]) -> list[Option]:
        options = [Option(MANAGE_EDIT, T.LIST_EDIT_ONE)]
        if len(items) < group.max_items:
            options.append(Option(MANAGE_ADD, T.LIST_ADD))
        options += [
            Option(MANAGE_REMOVE, T.LIST_REMOVE),
            Option(MANAGE_RESTART, T.LIST_RESTART),
            Option(MANAGE_NONE, T.LIST_NONE.format(label=group.label.lower())),
            keep_option(T.KEEP_GROUP.format(n=len(items))),
        ]
        return options

    @staticmethod
    def _item_options(group: Group, items: list[dict[str, Any]]) -> list[Option]:
        return [Option(str(i), str(item.get("full_name") or group.show_item(item))) for i, item in enumerate(items)]

    def _edit_options(self, draft: Draft) -> list[Option]:
        return [Option(e.name, e.label) for e in self.form.entries if not self._skipped(e, draft)]

    def _help(self, ctx: Context, draft: Draft) -> str:
        cursor = ctx.conversation.state["cursor"]
        if cursor[0] in ("summary", "edit"):
            return T.HELP_SUMMARY
        if cursor[0] == "warn":
            return T.HELP_WARN
        if cursor[0] == "caution":
            return T.HELP_CAUTION
        if cursor[0] == "explain" and self.form.explain is not None:
            return self.form.explain.help
        if len(cursor) == 2:
            group = self.form.entry(cursor[0])
            assert isinstance(group, Group)
            return group.help
        return self._step_at(cursor).help

    # --- answering -------------------------------------------------------------------------------
    def _read_choice(self, ctx: Context, options: Sequence[Option]) -> Option | None:
        inbound = ctx.inbound
        if inbound.choice is not None:
            return next((o for o in options if o.value == inbound.choice), None)
        if inbound.text is None:
            return None
        return match_option(inbound.text, options)

    async def _reject_attachment(self, ctx: Context, draft: Draft) -> bool:
        attachment = ctx.inbound.attachment
        if attachment is None:
            return False
        if attachment.kind in (AttachmentKind.DOCUMENT, AttachmentKind.PHOTO):
            ctx.say(T.FILE_NOT_HERE)
        else:
            ctx.say(T.TEXT_EXPECTED)
        await self._ask(ctx, draft)
        return True

    async def _on_step(self, ctx: Context, draft: Draft) -> None:
        state = ctx.conversation.state
        cursor = state["cursor"]
        step = self._step_at(cursor)
        if step.collects_files and ctx.inbound.attachment is not None:
            await self.on_file(ctx, draft, step)
            return
        if await self._reject_attachment(ctx, draft):
            return
        options = _options(step, ctx, draft)
        chosen = self._read_choice(ctx, self._displayed(ctx, draft, cursor))
        if state.pop("narrowed", None) is not None and chosen is None and ctx.inbound.choice is None:
            chosen = self._read_choice(ctx, self._displayed(ctx, draft, cursor))  # the whole list again
        if ctx.inbound.choice is not None and chosen is None:
            ctx.say(T.STALE_BUTTON)
            await self._ask(ctx, draft)
            return
        current = self._value_at(draft, cursor)
        if chosen is not None and chosen.value == KEEP and current not in (None, "", []):
            await self._advance(ctx, draft, cursor)
            return
        if chosen is not None and chosen.value == DONE and step.collects_files:
            self._store(draft, cursor, current or [])
            await self._commit(ctx, draft, cursor)
            return
        if chosen is not None and chosen.value == SKIP and step.optional:
            self._store(draft, cursor, None)
            await self._commit(ctx, draft, cursor)
            return
        if step.collects_files:
            ctx.say(T.FILES_WAITING)
            await self._ask(ctx, draft)
            return
        typed_free = chosen is None and not step.must_confirm and bool(options)
        if typed_free and await self._not_an_answer(ctx, draft, cursor, options):
            return
        try:
            value = self._value_from(ctx, draft, step, options, chosen)
        except ParseError as error:
            ctx.say(error.message)
            await self._ask(ctx, draft)
            return
        if step.must_confirm and value is not True:
            ctx.say(T.MUST_CONFIRM)
            await self._ask(ctx, draft)
            return
        if chosen is None and step.name in NAME_STEPS and isinstance(value, str):
            printed = name_as_printed(value)
            if printed is not None:
                state["warning"] = T.NAME_CHECK.format(name=value)
                state["pending"] = {"cursor": cursor, "value": value, "printed": printed}
                state["cursor"] = ["warn"]
                await self._ask(ctx, draft)
                return
        warning = step.warn(value, ctx, draft) if step.warn else None
        if warning:
            state["warning"] = warning
            state["pending"] = {"cursor": cursor, "value": value}
            state["cursor"] = ["warn"]
            await self._ask(ctx, draft)
            return
        if typed_free:
            ctx.say(T.NOTED.format(label=step.label, value=_truncate(step.show(value), 120)))
        self._store(draft, cursor, value)
        await self._commit(ctx, draft, cursor)

    async def _not_an_answer(self, ctx: Context, draft: Draft, cursor: Cursor, options: list[Option]) -> bool:
        """Typed text on a step with options that names none of them: a number outside the list is refused;
        text that several options (or one, by a word's beginning) could mean narrows the list to those."""
        text = ctx.inbound.text or ""
        folded = fold(text)
        if folded.removeprefix("so ").strip().isdigit():
            ctx.say(T.NO_SUCH_OPTION.format(text=_truncate(clean_text(text), 20)))
            await self._ask(ctx, draft)
            return True
        candidates = option_candidates(text, options)
        if candidates:
            ctx.conversation.state["narrowed"] = {"cursor": cursor, "values": [o.value for o in candidates]}
            ctx.say(T.SEVERAL_MATCH.format(text=_truncate(clean_text(text), 40), n=len(candidates)))
            await self._ask(ctx, draft)
            return True
        return False

    def _value_from(
        self, ctx: Context, draft: Draft, step: Step, options: Sequence[Option], chosen: Option | None
    ) -> Any:
        if chosen is not None and chosen in options:
            if step.must_confirm:
                return chosen.value == YES
            return step.from_option(chosen, ctx, draft) if step.from_option else chosen.value
        text = ctx.inbound.text or ""
        if step.must_confirm:
            return is_yes(text)
        if step.parse is None:
            raise ParseError(T.CHOOSE_ONE)
        if not has_content(text):
            raise ParseError(PT.EMPTY)
        return step.parse(text, ctx, draft)

    async def _on_warn(self, ctx: Context, draft: Draft) -> None:
        state = ctx.conversation.state
        pending = state["pending"]
        if await self._retyped_name(ctx, draft, pending):
            return
        chosen = self._read_choice(ctx, self._warn_options(ctx))
        if chosen is None:
            answer = is_yes(ctx.inbound.text or "")
            chosen = Option(YES, "") if answer else Option(NO, "") if answer is False else None
        if chosen is None:
            ctx.choose_again()
            await self._ask(ctx, draft)
            return
        cursor = pending["cursor"]
        state["cursor"] = cursor
        state.pop("warning", None)
        state.pop("pending", None)
        if chosen.value in (YES, PRINTED):
            self._store(draft, cursor, pending["printed"] if chosen.value == PRINTED else pending["value"])
            await self._commit(ctx, draft, cursor)
        else:
            await self._ask(ctx, draft)

    async def _retyped_name(self, ctx: Context, draft: Draft, pending: dict[str, Any]) -> bool:
        """At «how should your name be printed?», a name typed again with capitals and diacritics is the answer
        itself: it is taken as typed, not matched (without diacritics) to the option that prints the old one."""
        text = ctx.inbound.text
        if pending.get("printed") is None or ctx.inbound.choice is not None or not text or text.strip().isdigit():
            return False
        step = self._step_at(pending["cursor"])
        if step.parse is None:
            return False
        try:
            value = step.parse(text, ctx, draft)
        except ParseError:
            return False
        if not isinstance(value, str) or name_as_printed(value) is not None:
            return False
        state = ctx.conversation.state
        state["cursor"] = pending["cursor"]
        state.pop("warning", None)
        state.pop("pending", None)
        self._store(draft, pending["cursor"], value)
        await self._commit(ctx, draft, pending["cursor"])
        return True

    async def _on_group_question(self, ctx: Context, draft: Draft) -> None:
        state = ctx.conversation.state
        cursor = state["cursor"]
        group = self.form.entry(cursor[0])
        assert isinstance(group, Group)
        if await self._reject_attachment(ctx, draft):
            return
        items: list[dict[str, Any]] = list(draft.get(group.name) or [])
        if cursor[1] == "first" and items:
            await self._on_manage(ctx, draft, group, items)
            return
        if cursor[1].startswith("pick:"):
            await self._on_pick(ctx, draft, group, items, cursor[1].removeprefix("pick:"))
            return
        chosen = self._read_choice(ctx, [Option(YES, T.YES), Option(NO, T.NO)])
        answer: str | None = chosen.value if chosen else None
        if answer is None and ctx.inbound.text is not None:
            yes = is_yes(ctx.inbound.text)
            answer = YES if yes else NO if yes is False else None
        if answer is None:
            ctx.say(T.CHOOSE_YES_NO)
            await self._ask(ctx, draft)
            return
        self._push(state, cursor)
        if answer == YES:
            items.append({})
            draft[group.name] = items
            self._invalidate(draft, group.name)
            state["cursor"] = [group.name, len(items) - 1, group.item_steps[0].name]
        else:
            draft[group.name] = [item for item in items if item]
            if cursor[1] == "first":
                self._invalidate(draft, group.name)
            state["cursor"] = self._after_entry(ctx, draft, group.name)
        await self.save_draft(ctx, draft)
        await self._ask(ctx, draft)

    async def _on_manage(self, ctx: Context, draft: Draft, group: Group, items: list[dict[str, Any]]) -> None:
        """A list that has entries is changed one entry at a time; nothing is dropped without being chosen."""
        state = ctx.conversation.state
        state.pop("item_only", None)
        chosen = self._read_choice(ctx, self._manage_options(group, items))
        if chosen is None:
            ctx.choose_again()
            await self._ask(ctx, draft)
            return
        self._push(state, [group.name, "first"])
        first_step = group.item_steps[0].name
        if chosen.value == KEEP:
            state["cursor"] = self._after_entry(ctx, draft, group.name)
        elif chosen.value == MANAGE_EDIT and len(items) == 1:
            state["item_only"] = 0
            state["cursor"] = [group.name, 0, first_step]
        elif chosen.value in (MANAGE_EDIT, MANAGE_REMOVE):
            state["cursor"] = [group.name, "pick:" + ("edit" if chosen.value == MANAGE_EDIT else "remove")]
        elif chosen.value in (MANAGE_ADD, MANAGE_RESTART):
            items = [*items, {}] if chosen.value == MANAGE_ADD else [{}]
            draft[group.name] = items
            self._invalidate(draft, group.name)
            state["cursor"] = [group.name, len(items) - 1, first_step]
        else:  # MANAGE_NONE
            draft[group.name] = []
            self._invalidate(draft, group.name)
            state["cursor"] = self._after_entry(ctx, draft, group.name)
        await self.save_draft(ctx, draft)
        await self._ask(ctx, draft)

    async def _on_pick(
        self, ctx: Context, draft: Draft, group: Group, items: list[dict[str, Any]], action: str
    ) -> None:
        state = ctx.conversation.state
        chosen = self._read_choice(ctx, self._item_options(group, items))
        if chosen is None:
            ctx.choose_again()
            await self._ask(ctx, draft)
            return
        index = int(chosen.value)
        if action == "edit":
            self._push(state, state["cursor"])
            state["item_only"] = index
            state["cursor"] = [group.name, index, group.item_steps[0].name]
        else:
            removed = items.pop(index)
            draft[group.name] = items
            self._invalidate(draft, group.name)
            ctx.say(T.LIST_REMOVED.format(item=chosen.label or group.show_item(removed)))
            state["cursor"] = [group.name, "first"] if items else self._after_entry(ctx, draft, group.name)
        await self.save_draft(ctx, draft)
        await self._ask(ctx, draft)

    async def _on_summary(self, ctx: Context, draft: Draft) -> None:
        if await self._reject_attachment(ctx, draft):
            return
        options = [
            Option(SUBMIT, self.form.submit_label),
            Option(EDIT, self.form.edit_label),
            Option(LATER, self.form.later_label),
        ]
        chosen = self._read_choice(ctx, options)
        if chosen is None:
            ctx.choose_again()
            await self._ask(ctx, draft)
            return
        state = ctx.conversation.state
        if chosen.value == EDIT:
            state["cursor"] = ["edit"]
            await self._ask(ctx, draft)
        elif chosen.value == LATER:
            await self._stop(ctx, draft)
        else:
            missing = self._first_missing(draft)
            if missing != ["summary"]:
                state["cursor"] = missing
                state["editing"] = True
                ctx.say(T.MISSING_ANSWER)
                await self._ask(ctx, draft)
                return
            warning = await self.caution(ctx, draft) if self.form.explain is not None else None
            if warning:
                self._push(state, ["summary"])
                state["caution"] = warning
                state["cursor"] = ["caution"]
                await self._ask(ctx, draft)
                return
            if await self.complete(ctx, draft):
                ctx.enter(None)

    def _caution_options(self) -> list[Option]:
        return [
            Option(EDIT, self.form.back_to_edit_label),
            Option(SUBMIT, self.form.proceed_label),
            Option(LATER, self.form.later_label),
        ]

    async def _on_caution(self, ctx: Context, draft: Draft) -> None:
        if await self._reject_attachment(ctx, draft):
            return
        chosen = self._read_choice(ctx, self._caution_options())
        state = ctx.conversation.state
        if chosen is None:
            ctx.choose_again()
            await self._ask(ctx, draft)
        elif chosen.value == EDIT:
            state.pop("caution", None)
            state["cursor"] = ["edit"]
            await self._ask(ctx, draft)
        elif chosen.value == LATER:
            await self._stop(ctx, draft)
        else:
            self._push(state, ["caution"])
            state["cursor"] = ["explain"]
            await self._ask(ctx, draft)

    async def _on_explain(self, ctx: Context, draft: Draft) -> None:
        step = self.form.explain
        assert step is not None
        if await self._reject_attachment(ctx, draft):
            return
        current = draft.get(step.name)
        chosen = self._read_choice(ctx, [keep_option()] if current not in (None, "") else [])
        if chosen is None:
            if ctx.inbound.choice is not None:
                ctx.say(T.STALE_BUTTON)
                await self._ask(ctx, draft)
                return
            try:
                text = ctx.inbound.text or ""
                if not has_content(text):
                    raise ParseError(PT.EMPTY)
                draft[step.name] = step.parse(text, ctx, draft) if step.parse else clean_text(text)
            except ParseError as error:
                ctx.say(error.message)
                await self._ask(ctx, draft)
                return
            await self.save_draft(ctx, draft)
        ctx.conversation.state.pop("caution", None)
        if await self.complete(ctx, draft):
            ctx.enter(None)

    async def _on_edit_choice(self, ctx: Context, draft: Draft) -> None:
        state = ctx.conversation.state
        chosen = self._read_choice(ctx, self._edit_options(draft))
        if chosen is None:
            ctx.choose_again()
            await self._ask(ctx, draft)
            return
        entry = self.form.entry(chosen.value)
        state["editing"] = True
        self._push(state, ["summary"])
        state["cursor"] = [entry.name] if isinstance(entry, Step) else [entry.name, "first"]
        await self._ask(ctx, draft)

    # --- moving ----------------------------------------------------------------------------------
    def _store(self, draft: Draft, cursor: Cursor, value: Any) -> None:
        if len(cursor) == 1:
            if draft.get(cursor[0]) != value:
                self._invalidate(draft, cursor[0])
            draft[cursor[0]] = value
        else:
            draft[cursor[0]][cursor[1]][cursor[2]] = value

    def _invalidate(self, draft: Draft, changed: str) -> None:
        for entry in self.form.entries:
            if isinstance(entry, Step) and changed in entry.depends_on:
                draft.pop(entry.name, None)

    @staticmethod
    def _push(state: dict[str, Any], cursor: Cursor) -> None:
        history = state.setdefault("history", [])
        history.append(list(cursor))
        del history[:-60]

    async def _commit(self, ctx: Context, draft: Draft, cursor: Cursor) -> None:
        await self.save_draft(ctx, draft)
        await self._advance(ctx, draft, cursor)

    async def _advance(self, ctx: Context, draft: Draft, cursor: Cursor) -> None:
        state = ctx.conversation.state
        self._push(state, cursor)
        if len(cursor) == 1:
            state["cursor"] = self._after_entry(ctx, draft, cursor[0])
        else:
            group = self.form.entry(cursor[0])
            assert isinstance(group, Group)
            names = [s.name for s in group.item_steps]
            position = names.index(cursor[2])
            if position + 1 < len(names):
                state["cursor"] = [cursor[0], cursor[1], names[position + 1]]
            elif state.get("item_only") == cursor[1]:
                state.pop("item_only", None)  # one entry changed from the list's menu: back to where it was
                state["cursor"] = self._after_entry(ctx, draft, group.name)
            elif len(draft[group.name]) < group.max_items:
                state["cursor"] = [group.name, "more"]
            else:
                state["cursor"] = self._after_entry(ctx, draft, group.name)
        await self._ask(ctx, draft)

    async def _back(self, ctx: Context, draft: Draft) -> None:
        state = ctx.conversation.state
        state.pop("narrowed", None)
        history: list[Cursor] = state.get("history") or []
        if state["cursor"][0] == "warn":
            state["cursor"] = state["pending"]["cursor"]
            state.pop("pending", None)
        elif not history:
            ctx.say(T.BACK_AT_START)
        else:
            previous = history.pop()
            # A cursor into a group item that no longer exists falls back to the group's question.
            if len(previous) == 3 and previous[1] >= len(draft.get(previous[0]) or []):
                previous = [previous[0], "first"]
            if len(previous) != 3:
                state.pop("item_only", None)
            if previous == ["summary"]:
                state["editing"] = False
                state.pop("caution", None)
            state["cursor"] = previous
        await self._ask(ctx, draft)

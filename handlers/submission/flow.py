"""The submission wizard: form M-02 declared as steps, stored in the initiative's draft row."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from handlers.attachments import size_text
from handlers.catalogue import FIELDS, SOLUTION_TYPES, field_label, solution_type_label
from handlers.confidential import PUBLIC_FIELDS, Secret, leaks
from handlers.context import Context
from handlers.domain import Initiative, LatePolicy, Round, Sector, Status, receipt_number
from handlers.duplicates import NOTE_FIELD, caution_text
from handlers.forms import EDIT, SUBMIT, YES, Draft, Form, FormFlow, Group, Step
from handlers.parsing import (
    ParseError,
    format_date,
    format_money,
    format_percent,
    parse_birth_date,
    parse_date,
    parse_money,
    parse_percent_list,
    parse_person_name,
    parse_phone,
    recent_example,
    require_text,
)
from handlers.rounds import ensure_default_campaign, pick_round
from handlers.texts import duplicates as D
from handlers.texts import submission as T
from handlers.texts.status import status_label
from handlers.transitions import change_status
from handlers.types import Option

SHORT = 200
MEDIUM = 1000
LONG = 3500


# --- parsers: typed text → JSON-ready value --------------------------------------------------------
def _text(max_len: int, min_len: int = 1):
    def parse(text: str, ctx: Context, draft: Draft) -> str:
        return require_text(text, max_len=max_len, min_len=min_len)

    return parse


def _name(text: str, ctx: Context, draft: Draft) -> str:
    return parse_person_name(text)


def _birth(text: str, ctx: Context, draft: Draft) -> str:
    return parse_birth_date(text, today=ctx.today).isoformat()


def _first_applied(text: str, ctx: Context, draft: Draft) -> str:
    # An initiative is recognised only once applied or trial-applied: a date ahead of today cannot be right.
    applied = parse_date(text, today=ctx.today, latest=ctx.today + timedelta(days=3650))
    if applied > ctx.today:
        raise ParseError(T.FIRST_APPLIED_FUTURE.format(date=format_date(applied), today=format_date(ctx.today)))
    return applied.isoformat()


def _phone(text: str, ctx: Context, draft: Draft) -> str:
    return parse_phone(text)


def _money(text: str, ctx: Context, draft: Draft) -> int:
    return parse_money(text)


def _authors(draft: Draft) -> list[str]:
    first = draft.get("author", {}).get("full_name", "")
    return [first] + [c.get("full_name", "") for c in draft.get("coauthors") or []]


def _shares(text: str, ctx: Context, draft: Draft) -> list[str]:
    return [str(p) for p in parse_percent_list(text, len(_authors(draft)))]


def _recipient(text: str, ctx: Context, draft: Draft) -> str:
    return require_text(text, max_len=SHORT)


def _field(text: str, ctx: Context, draft: Draft) -> str:
    return require_text(text, max_len=SHORT)


# --- shows: stored value → summary text ------------------------------------------------------------
def _show_date(value: str) -> str:
    return format_date(date.fromisoformat(value))


def _show_shares(value: list[str]) -> str:
    return "; ".join(f"{format_percent(Decimal(v))}%" for v in value)


def _show_attachments(value: list[dict[str, Any]]) -> str:
    if not value:
        return ""
    return T.FILES_SHOW.format(n=len(value), names=", ".join(a["name"] for a in value))


def _row(template: str, item: dict[str, Any]) -> str:
    birth = item.get("birth_date")
    return template.format(
        name=item.get("full_name", ""),
        birth=_show_date(birth) if birth else "?",
        position=item.get("position", ""),
        workplace=item.get("workplace", ""),
        qualification=item.get("qualification", ""),
        task=item.get("task", ""),
    )


# --- prompts that depend on the draft --------------------------------------------------------------
def _birth_prompt(ctx: Context, draft: Draft) -> str:
    return T.P_AUTHOR_BIRTH.format(name=draft.get("author", {}).get("full_name", ""))


def _shares_prompt(ctx: Context, draft: Draft) -> str:
    names = _authors(draft)
    listing = "\n".join(f"{i}. {n}" for i, n in enumerate(names, 1))
    base, rest = divmod(100, len(names))
    example = "; ".join(str(base + (rest if i == 0 else 0)) for i in range(len(names)))
    return T.P_SHARES.format(authors=listing, example=example)


def _first_applied_prompt(ctx: Context, draft: Draft) -> str:
    return T.P_FIRST_APPLIED.format(example=recent_example(ctx.today))


def _attachments_prompt(ctx: Context, draft: Draft) -> str:
    return T.P_ATTACHMENTS.format(limit=size_text(ctx.config.max_attachment_bytes))


def _recipient_options(ctx: Context, draft: Draft) -> list[Option]:
    unit = draft.get("author", {}).get("workplace")
    return [Option("own", unit)] if unit else []


def _first_applied_warning(value: str, ctx: Context, draft: Draft) -> str | None:
    applied = date.fromisoformat(value)
    if applied < ctx.today - timedelta(days=365):
        return T.WARN_FIRST_APPLIED_OLD.format(date=format_date(applied))
    return None


def _person_steps(
    name_prompt: str, birth_prompt: str, workplace_prompt: str, position_prompt: str, qual_prompt: str
) -> tuple[Step, ...]:
    return (
        Step("full_name", "Họ và tên", name_prompt, T.H_CO_NAME, parse=_name),
        Step("birth_date", "Ngày sinh", birth_prompt, T.H_AUTHOR_BIRTH, parse=_birth, show=_show_date),
        Step("workplace", "Nơi công tác", workplace_prompt, T.H_CO_WORKPLACE, parse=_text(SHORT)),
        Step("position", "Chức danh", position_prompt, T.H_CO_POSITION, parse=_text(SHORT)),
        Step("qualification", "Trình độ chuyên môn", qual_prompt, T.H_AUTHOR_QUAL, parse=_text(SHORT)),
    )


SECRECY_OPTIONS = (
    Option("public", T.SECRECY_PUBLIC),
    Option("business", T.SECRECY_BUSINESS),
    Option("state", T.SECRECY_STATE),
)

SUBMISSION_FORM = Form(
    name="submission",
    summary_title=T.SUMMARY_TITLE,
    submit_label=T.SUBMIT,
    # Asked when the application resembles initiatives on file and the author files it anyway (caution below).
    explain=Step(NOTE_FIELD, D.L_DIFFERENCE, D.P_DIFFERENCE, D.H_DIFFERENCE, parse=_text(MEDIUM, 10)),
    proceed_label=D.PROCEED,
    entries=(
        Step("title", T.L_TITLE, T.P_TITLE, T.H_TITLE, parse=_text(300, min_len=5)),
        Step(
            "recipient",
            T.L_RECIPIENT,
            T.P_RECIPIENT,
            T.H_RECIPIENT,
            parse=_recipient,
            options=_recipient_options,
            from_option=lambda option, ctx, draft: option.label,
        ),
        Step(
            "author_birth_date",
            T.L_AUTHOR_BIRTH,
            _birth_prompt,
            T.H_AUTHOR_BIRTH,
            parse=_birth,
            show=_show_date,
            reader_label=T.R_AUTHOR_BIRTH,
        ),
        Step(
            "author_qualification",
            T.L_AUTHOR_QUAL,
            T.P_AUTHOR_QUAL,
            T.H_AUTHOR_QUAL,
            parse=_text(SHORT),
            reader_label=T.R_AUTHOR_QUAL,
        ),
        Group(
            "coauthors",
            T.L_COAUTHORS,
            T.ASK_COAUTHORS,
            T.ASK_MORE_COAUTHORS,
            T.H_COAUTHORS,
            item_steps=(
                *_person_steps(T.P_CO_NAME, T.P_CO_BIRTH, T.P_CO_WORKPLACE, T.P_CO_POSITION, T.P_CO_QUAL),
                # Optional: lets a registered co-author be told of every status change (handlers/transitions.py).
                Step("phone", T.L_CO_PHONE, T.P_CO_PHONE, T.H_CO_PHONE, parse=_phone, optional=True),
            ),
            show_item=lambda item: _row(T.AUTHOR_ROW, item),
            max_items=9,
        ),
        Step(
            "shares",
            T.L_SHARES,
            _shares_prompt,
            T.H_SHARES,
            parse=_shares,
            show=_show_shares,
            skip_if=lambda d: not d.get("coauthors"),
            depends_on=("coauthors",),
        ),
        Step(
            "investor",
            T.L_INVESTOR,
            T.P_INVESTOR,
            T.H_INVESTOR,
            parse=_text(SHORT),
            options=(Option("author", T.INVESTOR_AUTHOR),),
            show=lambda v: T.INVESTOR_AUTHOR if v == "author" else v,
        ),
        Step(
            "field",
            T.L_FIELD,
            T.P_FIELD,
            T.H_FIELD,
            parse=_field,
            options=tuple(Option(code, label) for code, label in FIELDS),
            show=field_label,
        ),
        Step(
            "solution_type",
            T.L_TYPE,
            T.P_TYPE,
            T.H_TYPE,
            options=tuple(Option(code, label) for code, label in SOLUTION_TYPES),
            show=solution_type_label,
        ),
        Step(
            "first_applied",
            T.L_FIRST_APPLIED,
            _first_applied_prompt,
            T.H_FIRST_APPLIED,
            parse=_first_applied,
            warn=_first_applied_warning,
            show=_show_date,
        ),
        Step("current_state", T.L_CURRENT_STATE, T.P_CURRENT_STATE, T.H_CURRENT_STATE, parse=_text(LONG, 10)),
        Step("content", T.L_CONTENT, T.P_CONTENT, T.H_CONTENT, parse=_text(LONG, 10)),
        Step("scope", T.L_SCOPE, T.P_SCOPE, T.H_SCOPE, parse=_text(MEDIUM, 5)),
        Step("conditions", T.L_CONDITIONS, T.P_CONDITIONS, T.H_CONDITIONS, parse=_text(MEDIUM, 5)),
        Step("benefit_author", T.L_BENEFIT_AUTHOR, T.P_BENEFIT_AUTHOR, T.H_BENEFIT_AUTHOR, parse=_text(LONG, 5)),
        Step(
            "benefit_value",
            T.L_BENEFIT_VALUE,
            T.P_BENEFIT_VALUE,
            T.H_BENEFIT_VALUE,
            parse=_money,
            optional=True,
            show=lambda v: format_money(int(v)),
        ),
        Step(
            "benefit_users", T.L_BENEFIT_USERS, T.P_BENEFIT_USERS, T.H_BENEFIT_USERS, parse=_text(MEDIUM), optional=True
        ),
        Group(
            "participants",
            T.L_PARTICIPANTS,
            T.ASK_PARTICIPANTS,
            T.ASK_MORE_PARTICIPANTS,
            T.H_PARTICIPANTS,
            item_steps=(
                *_person_steps(T.P_PA_NAME, T.P_PA_BIRTH, T.P_PA_WORKPLACE, T.P_PA_POSITION, T.P_PA_QUAL),
                Step("task", "Nội dung công việc hỗ trợ", T.P_PA_TASK, T.H_PA_TASK, parse=_text(MEDIUM)),
            ),
            show_item=lambda item: _row(T.PARTICIPANT_ROW, item),
            max_items=20,
        ),
        Step("confidential", T.L_CONFIDENTIAL, T.P_CONFIDENTIAL, T.H_CONFIDENTIAL, parse=_text(MEDIUM), optional=True),
        Step(
            "secrecy",
            T.L_SECRECY,
            T.P_SECRECY,
            T.H_SECRECY,
            options=SECRECY_OPTIONS,
            show=lambda v: next((o.label for o in SECRECY_OPTIONS if o.value == v), v),
        ),
        Step(
            "attachments",
            T.L_ATTACHMENTS,
            _attachments_prompt,
            T.H_ATTACHMENTS,
            collects_files=True,
            show=_show_attachments,
        ),
        Step(
            "declaration",
            T.L_DECLARATION,
            T.P_DECLARATION,
            T.H_DECLARATION,
            must_confirm=True,
            options=(Option(YES, T.DECLARE),),
            show=lambda v: T.DECLARED if v else "",
        ),
    ),
)


def is_empty_draft(data: Draft) -> bool:
    """A draft with no answer of the author's yet (only what registration filled in)."""
    return not any(value not in (None, "", [], {}) for key, value in data.items() if key != "author")


def new_draft(ctx: Context, unit_name: str) -> Draft:
    person = ctx.person
    assert person is not None
    return {"author": {"full_name": person.full_name, "workplace": unit_name, "position": person.position}}


def confidential_repeats(draft: Draft) -> str:
    """The stretches of the published fields that repeat the confidential part, quoted, or "" if none."""
    secret = Secret.of(str(draft.get("confidential") or ""))
    if not secret:
        return ""
    found = [piece for name in PUBLIC_FIELDS for piece in leaks(str(draft.get(name) or ""), secret)]
    return ", ".join(f"«{piece[:80]}»" for piece in dict.fromkeys(found))


class SubmissionFlow(FormFlow):
    name = "submit"
    form = SUBMISSION_FORM

    async def _initiative(self, ctx: Context) -> Initiative:
        initiative = await ctx.store.initiative(ctx.conversation.state["initiative_id"])
        assert initiative is not None
        return initiative

    async def load_draft(self, ctx: Context) -> Draft:
        return dict((await self._initiative(ctx)).data)

    async def save_draft(self, ctx: Context, draft: Draft) -> None:
        await ctx.store.save_initiative_data(ctx.conversation.state["initiative_id"], draft, ctx.now)

    async def start(self, ctx: Context, initiative: Initiative, intro: str) -> None:
        await self._drop_empty_drafts(ctx, keep=initiative.id)
        await self.begin(ctx, dict(initiative.data), intro=intro)
        ctx.conversation.state["initiative_id"] = initiative.id

    async def _drop_empty_drafts(self, ctx: Context, keep: int) -> None:
        """Drafts left with no answer (opened, then left) are not kept: they would only clutter the menu."""
        if ctx.person is None:
            return
        for other in await ctx.store.initiatives_of(ctx.person.id):
            if other.id != keep and other.status == Status.DRAFT and is_empty_draft(other.data):
                await ctx.store.delete_draft(other.id)

    async def on_cancel(self, ctx: Context, draft: Draft) -> None:
        if is_empty_draft(draft):
            await ctx.store.delete_draft(ctx.conversation.state["initiative_id"])
            ctx.say(T.CANCELLED_EMPTY)
            return
        await super().on_cancel(ctx, draft)

    def dossier_text(self, ctx: Context, data: Draft) -> str:
        """The application as the secretariat and the council read it: the main author named, every label
        about the author rather than addressed to them."""
        author = data.get("author") or {}
        main = T.DOSSIER_MAIN_AUTHOR.format(
            name=author.get("full_name", ""), position=author.get("position", ""), workplace=author.get("workplace", "")
        )
        return self._answers_text([main], data, for_reader=True)

    async def caution(self, ctx: Context, draft: Draft) -> str | None:
        """Near copies of initiatives on file (every year, every unit, imported older ones), before filing."""
        initiative_id = ctx.conversation.state["initiative_id"]
        warning = await caution_text(ctx.store, initiative_id, draft, ctx.config.similarity_threshold)
        if warning is None and draft.pop(NOTE_FIELD, None) is not None:
            await self.save_draft(ctx, draft)  # an explanation of a resemblance that is gone
        return warning

    def summary_text(self, ctx: Context, draft: Draft) -> str:
        text = super().summary_text(ctx, draft)
        repeated = confidential_repeats(draft)
        if repeated:
            text += "\n\n" + T.CONFIDENTIAL_REPEATED.format(items=repeated)
        return text

    async def complete(self, ctx: Context, draft: Draft) -> bool:
        person = ctx.person
        assert person is not None
        repeated = confidential_repeats(draft)
        if repeated and ctx.conversation.state.get("confidential_ack") != repeated:
            # Told once more before filing; pressing "file" again with the same repeats files it.
            ctx.conversation.state["confidential_ack"] = repeated
            ctx.say(
                T.CONFIDENTIAL_BEFORE_FILING.format(items=repeated),
                [Option(EDIT, T.CONFIDENTIAL_EDIT), Option(SUBMIT, T.CONFIDENTIAL_PROCEED)],
            )
            return False
        initiative = await self._initiative(ctx)
        unit = await ctx.store.unit(person.unit_id) if person.unit_id else None
        sector = unit.sector if unit else Sector.OTHER
        dossier = initiative.origin_id is not None  # a provincial dossier sent back for amendment: the province's
        rounds = await self._rounds(ctx, initiative, None if dossier else ctx.today.year)
        chosen, late_from = pick_round(rounds, sector, ctx.today)
        if late_from is not None and ctx.config.late_policy == LatePolicy.REFUSE:
            ctx.say(
                T.LATE_REFUSED.format(
                    round=late_from.name, year=late_from.year, deadline=format_date(late_from.deadline)
                )
            )
            return True
        if chosen is None and late_from is not None and not dossier:
            chosen, _ = pick_round(await self._rounds(ctx, initiative, ctx.today.year + 1), sector, ctx.today)
        if chosen is None:
            ctx.say(T.NO_ROUND)
            return True
        receipt = initiative.receipt_no
        if receipt is None:
            receipt = receipt_number(ctx.today.year, await ctx.store.next_receipt_seq(ctx.today.year))
        submitted = await change_status(
            ctx.store,
            initiative,
            Status.SUBMITTED,
            now=ctx.now,
            by_person_id=person.id,
            receipt_no=receipt,
            round_id=chosen.id,
            similarity_threshold=ctx.config.similarity_threshold,
        )
        ctx.say(self._receipt_text(ctx, submitted, chosen, late_from))
        return True

    @staticmethod
    async def _rounds(ctx: Context, initiative: Initiative, campaign_year: int | None) -> list[Round]:
        """The rounds of the body the initiative is filed with (its author's unit's, or the province's for a
        dossier), whichever body the author acts in now; ``campaign_year``'s default campaign made there first."""
        scope = ctx.store.body_id
        body = initiative.body_id if initiative.body_id is not None else scope
        if campaign_year is not None:
            ctx.store.scope_to(body)
            try:
                await ensure_default_campaign(ctx, campaign_year)
            finally:
                ctx.store.scope_to(scope)
        return [r for r in await ctx.store.rounds(every_body=True) if r.body_id == body]

    def _receipt_text(self, ctx: Context, initiative: Initiative, chosen: Round, late_from: Round | None) -> str:
        text = T.SUBMITTED.format(
            receipt=initiative.receipt_no,
            time=ctx.local(initiative.submitted_at or ctx.now).strftime("%H:%M ngày %d/%m/%Y"),
            status=status_label(initiative.status),
            round=chosen.name,
            year=chosen.year,
            deadline=format_date(chosen.deadline),
        )
        if late_from is not None:
            text += "\n" + T.SUBMITTED_LATE.format(round=chosen.name, year=chosen.year)
        return text

"""Who someone is is proven, never typed. A seeded (pre-registered) person record, with its roles, is claimed
only through something the platform or the secretariat vouches for:

- Telegram's request-contact button: the shared contact's user id must be the sender's own, and its phone
  the record's;
- a one-time invitation code from an admin, the secretariat or the unit head (``/moimoi``), typed as
  ``/start CODE`` on any channel or opened as a Telegram deep link; only its hash is stored;
- the secretariat's approval in chat (``/duyetnhan``), after checking who it is; a newcomer whose typed phone
  matches a seeded record is pointed out to the secretariat for that.

A phone number typed during registration is contact data only: the newcomer stays a plain staff member."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from enum import Enum

from handlers.commands import CommandSpec
from handlers.context import Context
from handlers.domain import Person, Role
from handlers.linking.attempts import record_failure, too_many_failures
from handlers.linking.flow import code_hash
from handlers.parsing import ParseError, parse_id, parse_phone
from handlers.scope import belongs, wholly_in
from handlers.texts import commands as D
from handlers.texts import common as C
from handlers.texts import identity as T
from handlers.texts.registration import ROLE_LABELS
from handlers.types import Reply

INVITE_DAYS = 7
# No 0/O, 1/I: read aloud or copied by hand without mistakes.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CODE_LEN = 8
_CODE_RE = re.compile(rf"[{_ALPHABET}]{{{_CODE_LEN}}}")


class ContactOutcome(Enum):
    CLAIMED = "claimed"
    REFUSED = "refused"
    NO_RECORD = "no_record"  # a genuine contact, but no seeded record waits for it: the phone is contact data
    VERIFIED = "verified"  # no seeded record either, but it is the registered person's own phone: now proven


def invitation_code(text: str) -> str | None:
    """The invitation code in what was typed ("k7m2-qx9p", "K7M2 QX9P"), or None. A code always holds a
    digit, so no name or word is ever taken for one."""
    compact = re.sub(r"[\s\-]", "", text or "").upper()
    if _CODE_RE.fullmatch(compact) and any(ch.isdigit() for ch in compact):
        return compact
    return None


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LEN))
        if any(ch.isdigit() for ch in code):
            return code


def _roles_text(person: Person) -> str:
    return ", ".join(ROLE_LABELS[r.value] for r in sorted(person.roles)) or ROLE_LABELS["staff"]


async def _claim(ctx: Context, person_id: int) -> bool:
    """Link this account to the record; False (with the reason said) when the account has its own data."""
    if ctx.person is not None and ctx.person.id != person_id and await ctx.store.initiatives_of(ctx.person.id):
        ctx.say(T.CLAIM_HAS_OWN_DATA)
        return False
    await ctx.store.link_identity(ctx.identity.id, person_id)
    if f"{ctx.identity.channel}:{ctx.identity.external_id}" in ctx.config.admins:
        await ctx.store.grant_role(person_id, Role.ADMIN)
    person = await ctx.store.person(person_id)
    assert person is not None
    ctx.person = person
    ctx.enter(None)
    ctx.say(T.CLAIMED.format(name=person.full_name, roles=_roles_text(person)))
    return True


async def on_contact(ctx: Context) -> ContactOutcome:
    contact = ctx.inbound.contact
    assert contact is not None
    if not contact.user_id or contact.user_id != ctx.inbound.user_id:
        ctx.say(T.CONTACT_NOT_YOURS)
        return ContactOutcome.REFUSED
    try:
        phone = parse_phone(contact.phone)
    except ParseError:
        return ContactOutcome.NO_RECORD
    person_id = await ctx.store.claimable_by_phone(phone)
    if person_id is None:
        if ctx.person is not None and await ctx.store.verify_phone(ctx.person.id, phone):
            return ContactOutcome.VERIFIED
        return ContactOutcome.NO_RECORD
    return ContactOutcome.CLAIMED if await _claim(ctx, person_id) else ContactOutcome.REFUSED


async def claim_invitation(ctx: Context, code: str) -> None:
    if await too_many_failures(ctx):
        ctx.say(T.TOO_MANY_TRIES)
        return
    person_id = await ctx.store.consume_link_code(code_hash(code), ctx.now)
    if person_id is None or await ctx.store.is_claimed(person_id):
        await record_failure(ctx)
        ctx.say(T.BAD_INVITATION)
        return
    await _claim(ctx, person_id)


async def _refusal(ctx: Context, issuer: Person, target: Person) -> str | None:
    """Why ``issuer`` may not hand out the way into ``target``'s record (and so its roles), or None. A record
    that reaches beyond the issuer's body (a unit or a role in another body) is for an admin to vouch for."""
    if issuer.has(Role.ADMIN):
        return None
    if Role.ADMIN in target.roles:
        return T.INVITE_NOT_ALLOWED.format(name=target.full_name)
    if not await wholly_in(ctx.store, target):
        return T.INVITE_OTHER_BODY.format(name=target.full_name)
    if issuer.has(Role.SECRETARIAT):
        return None
    # A head vouches for the staff of their unit; a record with any role above staff (another head's too) is for
    # the secretariat or an admin.
    if issuer.has(Role.UNIT_HEAD) and issuer.unit_id == target.unit_id and target.roles <= {Role.STAFF}:
        return None
    return T.INVITE_NOT_ALLOWED.format(name=target.full_name)


async def _invite_target(ctx: Context, args: str) -> Person | None:
    """The record named by phone or id, if it is of the acting body (an admin's reach is every body)."""
    try:
        person_id = await ctx.store.claimable_by_phone(parse_phone(args))
    except ParseError:
        person_id = parse_id(args)
    target = await ctx.store.person(person_id) if person_id is not None else None
    issuer = ctx.person
    if target is None or (issuer is not None and issuer.has(Role.ADMIN)) or belongs(ctx.store, target):
        return target
    return None


async def invite_command(ctx: Context, args: str) -> None:
    issuer = ctx.person
    if issuer is None or not (issuer.roles & {Role.ADMIN, Role.SECRETARIAT, Role.UNIT_HEAD}):
        ctx.say(C.NOT_ALLOWED)
        return
    args = args.strip()
    if not args:
        ctx.say(T.INVITE_USAGE)
        return
    target = await _invite_target(ctx, args)
    if target is None:
        ctx.say(T.INVITE_NO_PERSON.format(target=args[:40]))
        return
    if await ctx.store.is_claimed(target.id):
        ctx.say(T.INVITE_ALREADY_LINKED.format(name=target.full_name))
        return
    if (refusal := await _refusal(ctx, issuer, target)) is not None:
        ctx.say(refusal)
        return
    code = _new_code()
    await ctx.store.create_link_code(code_hash(code), target.id, ctx.now + timedelta(days=INVITE_DAYS))
    text = T.INVITE_ISSUED.format(name=target.full_name, code=code, days=INVITE_DAYS)
    if ctx.config.telegram_bot_username:
        text += "\n" + T.INVITE_LINK.format(link=f"https://t.me/{ctx.config.telegram_bot_username}?start={code}")
    ctx.say(text)


async def report_phone_match(ctx: Context, newcomer: Person) -> None:
    """Tell the secretariat that a newcomer typed a seeded record's phone: they may approve after checking.
    The newcomer is told nothing different, so typing phones reveals nothing."""
    seeded_id = await ctx.store.claimable_by_phone(newcomer.phone) if newcomer.phone else None
    seeded = await ctx.store.person(seeded_id) if seeded_id is not None else None
    if seeded is None:
        return
    unit = await ctx.store.unit(newcomer.unit_id) if newcomer.unit_id else None
    text = T.CLAIM_REQUEST.format(
        new=newcomer.full_name,
        new_id=newcomer.id,
        unit=unit.name if unit else "",
        seeded=seeded.full_name,
        seeded_id=seeded.id,
    )
    # The secretariat of the body the seeded record belongs to vouches for it.
    scope = ctx.store.body_id
    ctx.store.scope_to(seeded.home_body_id)
    try:
        secretaries = await ctx.store.people_with_role(Role.SECRETARIAT)
    finally:
        ctx.store.scope_to(scope)
    for secretary in secretaries:
        key = f"identity-claim:{newcomer.id}:{seeded.id}:p{secretary.id}"
        await ctx.store.enqueue_notice(key, kind="identity_claim", text=text, due_at=ctx.now, person_id=secretary.id)


async def end_unit_head_role(ctx: Context, before: Person, unit_id: int) -> bool:
    """A unit head who moved to another unit (``before``: the record as it was) is head of neither: a head's reach
    (the unit's applications and documents, invitations into its records, its reminders) follows the unit, and
    naming the new unit's head is the admin's, told by the secretariat. True when a head role ended."""
    if before.unit_id is None or before.unit_id == unit_id:
        return False
    # In every body: a head role granted in another body would make its holder head of the unit they pick there.
    held = [body.id for body, roles in await ctx.store.role_bodies(before.id) if Role.UNIT_HEAD in roles]
    if not held:
        return False
    for body_id in held:
        await ctx.store.revoke_role(before.id, Role.UNIT_HEAD, body_id)
    ctx.changed_people.add(before.id)
    old, new = await ctx.store.unit(before.unit_id), await ctx.store.unit(unit_id)
    names = {"old": old.name if old else "", "new": new.name if new else ""}
    ctx.say(T.HEAD_ROLE_ENDED.format(**names))
    text = T.HEAD_LEFT_NOTICE.format(name=before.full_name, id=before.id, **names)
    body = before.home_body_id
    for secretary in await ctx.store.people_with_role_in(Role.SECRETARIAT, body) if body is not None else ():
        key = f"unit-head-left:{before.id}:{before.unit_id}:{unit_id}:{ctx.now:%Y%m%d%H%M%S}:p{secretary.id}"
        await ctx.store.enqueue_notice(key, kind="unit_head_left", text=text, due_at=ctx.now, person_id=secretary.id)
    return True


async def approve_command(ctx: Context, args: str) -> None:
    """/duyetnhan <new account's person id> <seeded record id or phone>: the secretariat vouches for the
    newcomer; every account of the newcomer moves to the seeded record."""
    issuer = ctx.person
    if issuer is None or not issuer.has(Role.SECRETARIAT):
        ctx.say(C.NOT_ALLOWED)
        return
    words = args.split(maxsplit=1)
    new_id = parse_id(words[0]) if len(words) == 2 else None
    if new_id is None:
        ctx.say(T.APPROVE_USAGE)
        return
    newcomer = await ctx.store.person(new_id)
    accounts = await ctx.store.identities_of(new_id) if newcomer else []
    # A newcomer holds no role anywhere: anyone else's accounts (another body's secretary, say) are not theirs
    # to move, and the answer is the same as for a wrong number.
    if newcomer is None or not accounts or await ctx.store.role_bodies(new_id):
        ctx.say(T.APPROVE_NO_NEW.format(id=new_id))
        return
    target = await _invite_target(ctx, words[1].strip())
    if target is None:
        ctx.say(T.INVITE_NO_PERSON.format(target=words[1].strip()[:40]))
        return
    if target.id == newcomer.id:
        ctx.say(T.APPROVE_SAME)
        return
    if await ctx.store.is_claimed(target.id):
        ctx.say(T.INVITE_ALREADY_LINKED.format(name=target.full_name))
        return
    if (refusal := await _refusal(ctx, issuer, target)) is not None:
        ctx.say(refusal)
        return
    if await ctx.store.initiatives_of(newcomer.id):
        ctx.say(T.CLAIM_HAS_OWN_DATA)
        return
    for account in accounts:
        await ctx.store.link_identity(account.id, target.id)
        ctx.changed_people.add(target.id)
    roles = _roles_text(target)
    ctx.say(T.APPROVED.format(new=newcomer.full_name, name=target.full_name, roles=roles))
    await ctx.store.enqueue_notice(
        f"identity-approved:{newcomer.id}:{target.id}",
        kind="identity_claim",
        text=T.APPROVED_NOTICE.format(name=target.full_name, roles=roles),
        due_at=ctx.now,
        person_id=target.id,
        essential=True,
    )


async def verify_command(ctx: Context, args: str = "") -> None:
    ctx.reply(_with_contact_button(T.VERIFY_HOW))


def commands() -> list[CommandSpec]:
    secretariat = frozenset({Role.SECRETARIAT})
    return [
        CommandSpec("xacminh", verify_command, D.VERIFY, aliases=("verify",)),
        CommandSpec(
            "moimoi",
            invite_command,
            D.INVITE,
            secretariat | {Role.UNIT_HEAD},
            ("loimoi", "invite"),
            args="<mã số | số điện thoại>",
        ),
        CommandSpec("duyetnhan", approve_command, D.APPROVE, secretariat, args="<mã người mới> <mã hồ sơ>"),
    ]


def _with_contact_button(text: str) -> Reply:
    return Reply(text=text, request_contact=T.SHARE_CONTACT)

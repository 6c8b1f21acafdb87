"""Neutral inbound and outbound types: what every channel adapter turns its platform's events into,
and what every flow answers with. No transport detail lives here."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum


class AttachmentKind(StrEnum):
    DOCUMENT = "document"
    PHOTO = "photo"
    STICKER = "sticker"
    OTHER = "other"  # voice, video, location, anything a flow cannot take


@dataclass(frozen=True)
class Attachment:
    kind: AttachmentKind
    file_name: str = ""
    mime_type: str = ""
    size: int = 0
    # The bytes, when the adapter could fetch them within the size limit; None when too big or unfetchable.
    content: bytes | None = None
    # A link to the file on the platform (Zalo photos arrive as URLs), kept for reference.
    url: str = ""
    # Fetches the bytes from the platform; adapters leave them there until a step that takes files asks.
    loader: Callable[[], Awaitable[Attachment]] | None = field(default=None, compare=False, repr=False)

    async def loaded(self) -> Attachment:
        """This attachment with its bytes, fetched now if the adapter left them on the platform."""
        if self.content is not None or self.loader is None:
            return self
        return dataclasses.replace(await self.loader(), loader=None)


@dataclass(frozen=True)
class SharedContact:
    """A contact card the user sent. ``user_id`` is the platform's account id of the card's owner, when the
    platform says (Telegram does for a user's own contact shared with the request-contact button)."""

    phone: str
    user_id: str = ""


# What the press of a button shown with an older question arrives as (the core's doing): it is no option's value,
# so the flow answers as for any choice it does not offer, and asks its current question again.
STALE_CHOICE = "\x00old-question"


@dataclass(frozen=True)
class Inbound:
    """One thing a user did: typed text, pressed a button (``choice``), or sent a file."""

    channel: str
    user_id: str
    text: str | None = None
    choice: str | None = None
    attachment: Attachment | None = None
    # The platform's id for this event; a redelivered event with the same id changes nothing.
    event_id: str | None = None
    display_name: str = ""
    contact: SharedContact | None = None
    # For a pressed button, the question it was shown with (``Reply.question``); None when the channel has no
    # buttons or the button carried none.
    question: str | None = None


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    # A fixed answer for a control that means the same on every step (e.g. "0" for «Giữ nguyên»); a numbered
    # list shows it instead of a running number, so adding options never renumbers it or the others.
    key: str = ""


@dataclass(frozen=True)
class Document:
    file_name: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    """One message to the user. Options are buttons on Telegram and a numbered list on text channels."""

    text: str
    options: tuple[Option, ...] = ()
    document: Document | None = None
    # The label of a "share my phone number" button (Telegram's request-contact keyboard); "" for none.
    # Text-only channels ignore it: the prompt says how to proceed without it.
    request_contact: str = ""
    # Not a message: the chat's command menu is now exactly these (command, description) pairs. Only channels
    # with a command menu (Telegram) get such a reply.
    menu: tuple[tuple[str, str], ...] | None = None
    # Which question the options answer, set by the core: a channel with buttons puts it in each button, so a
    # press of a button left under an older message is known as such (no keyboard has to be taken away).
    question: str = ""


@dataclass(frozen=True)
class Outgoing:
    """A message addressed to someone other than the person being answered (notices, reminders)."""

    channel: str
    user_id: str
    reply: Reply


@dataclass
class Result:
    replies: list[Reply] = field(default_factory=list)
    # Messages for other people produced by this event (e.g. a notice to co-authors).
    outgoing: list[Outgoing] = field(default_factory=list)
    # New command menus for the chats of people whose roles or accounts changed (replies with ``menu`` set).
    menus: list[Outgoing] = field(default_factory=list)

"""Zalo updates in, neutral ``Inbound`` out; and cutting long replies to Zalo's 2,000-character limit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.intake.clean import clean_text
from handlers.types import Attachment, AttachmentKind, Inbound

CHANNEL = "zalo"
MAX_TEXT_LENGTH = 2000

TEXT_EVENT = "message.text.received"
IMAGE_EVENT = "message.image.received"
STICKER_EVENT = "message.sticker.received"
UNSUPPORTED_EVENT = "message.unsupported.received"


@dataclass(frozen=True)
class ZaloUpdate:
    event_name: str
    message_id: str
    chat_id: str
    chat_type: str
    user_id: str
    display_name: str = ""
    is_bot: bool = False
    date_ms: int = 0
    text: str | None = None
    photo_url: str | None = None
    caption: str | None = None


def _id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _date_ms(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return 0


def _unwrap(body: Any) -> Mapping[str, Any] | None:
    if not isinstance(body, Mapping):
        return None
    if "message" not in body and "result" in body:
        if body.get("ok") is False:
            return None
        inner = body["result"]
        return inner if isinstance(inner, Mapping) else None
    return body


def parse_updates(body: Any) -> list[Any]:
    """The update objects in a getUpdates result or webhook body: Zalo hands one, some clients see a list."""
    if isinstance(body, Mapping) and "result" in body and "message" not in body:
        if body.get("ok") is False:
            return []
        body = body["result"]
    if isinstance(body, list):
        return list(body)
    return [body] if body is not None else []


def _event_name(update: Mapping[str, Any], message: Mapping[str, Any]) -> str | None:
    """The event's name; older samples omit it, so it is inferred from what the message carries."""
    name = update.get("event_name")
    if isinstance(name, str) and name:
        return name
    if isinstance(message.get("text"), str):
        return TEXT_EVENT
    if isinstance(message.get("photo_url") or message.get("photo"), str):
        return IMAGE_EVENT
    if message.get("sticker") is not None:
        return STICKER_EVENT
    return UNSUPPORTED_EVENT


def parse_update(body: Any) -> ZaloUpdate | None:
    """Reads a wrapped (``{ok, result: {...}}``) or bare update; None for anything malformed."""
    update = _unwrap(body)
    if update is None:
        return None
    message = update.get("message")
    if not isinstance(message, Mapping):
        return None
    event_name = _event_name(update, message)
    if event_name is None:
        return None
    chat = message.get("chat")
    sender = message.get("from")
    if not isinstance(chat, Mapping) or not isinstance(sender, Mapping):
        return None
    message_id, chat_id, user_id = _id(message.get("message_id")), _id(chat.get("id")), _id(sender.get("id"))
    if message_id is None or chat_id is None or user_id is None:
        return None
    chat_type = chat.get("chat_type")
    return ZaloUpdate(
        event_name=event_name,
        message_id=message_id,
        chat_id=chat_id,
        # The bot platform is about one-to-one chats; an update without a chat type is taken as private.
        chat_type=chat_type.upper() if isinstance(chat_type, str) and chat_type else "PRIVATE",
        user_id=user_id,
        display_name=_opt_str(sender.get("display_name") or sender.get("name") or sender.get("first_name")) or "",
        is_bot=sender.get("is_bot") is True,
        date_ms=_date_ms(message.get("date")),
        text=_opt_str(message.get("text")),
        photo_url=_opt_str(message.get("photo_url")) or _opt_str(message.get("photo")),
        caption=_opt_str(message.get("caption")),
    )


def to_inbound(update: ZaloUpdate) -> Inbound | None:
    """The neutral event for a private message from a person; None for groups, bots and non-messages."""
    if update.chat_type != "PRIVATE" or update.is_bot:
        return None
    text: str | None = None
    attachment: Attachment | None = None
    if update.event_name == TEXT_EVENT:
        if not update.text:
            return None
        text = update.text
    elif update.event_name == IMAGE_EVENT:
        attachment = Attachment(kind=AttachmentKind.PHOTO, url=update.photo_url or "")
        text = update.caption or None
    elif update.event_name == STICKER_EVENT:
        attachment = Attachment(kind=AttachmentKind.STICKER)
    elif update.event_name == UNSUPPORTED_EVENT or update.event_name.startswith("message."):
        # Files, voice, video... and message kinds Zalo may add later: the flow answers "cannot take this".
        attachment = Attachment(kind=AttachmentKind.OTHER)
    else:
        return None
    return Inbound(
        channel=CHANNEL,
        user_id=update.user_id,
        text=clean_text(text),
        attachment=attachment,
        # The sender is part of the key: two users can never shadow each other's events.
        event_id=f"{update.user_id}:{update.message_id}",
        display_name=clean_text(update.display_name) or "",
    )


def units(text: str) -> int:
    """Length as Zalo may count it: UTF-16 code units (an emoji is two), never less than the characters."""
    return len(text.encode("utf-16-le")) // 2


def _fit(line: str, limit: int) -> int:
    """The longest prefix of ``line`` (in characters) that is at most ``limit`` UTF-16 units."""
    if units(line) <= limit:
        return len(line)
    lo, hi = 0, min(len(line), limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if units(line[:mid]) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _hard_split(line: str, limit: int) -> list[str]:
    """Cuts one over-long line into pieces of at most ``limit`` units, after a space when there is one."""
    pieces: list[str] = []
    while units(line) > limit:
        fit = max(_fit(line, limit), 1)
        cut = line.rfind(" ", 0, fit) + 1  # keep the space on the left piece, so "".join() restores it
        if cut <= 0:
            cut = fit
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Splits ``text`` into chunks of at most ``limit`` UTF-16 units (so at most ``limit`` characters too),
    at line boundaries where possible.

    The newline at a split point is dropped; a single line longer than ``limit`` is cut at a word
    boundary when it has one. Blank lines that would open a chunk are dropped, and no chunk is blank.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        pieces = _hard_split(line, limit)
        if len(pieces) > 1:
            chunks.append(current.rstrip("\n"))
            chunks.extend(pieces[:-1])
            current = pieces[-1]
        elif not current.strip():
            current = line  # opening a chunk: whatever blank lines came before are dropped
        elif units(current) + 1 + units(line) <= limit:
            current = f"{current}\n{line}"
        else:
            chunks.append(current.rstrip("\n"))
            current = line
    chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]

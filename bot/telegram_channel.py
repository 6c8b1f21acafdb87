"""Telegram adapter: python-telegram-bot 22's ``Bot`` for the Bot API, our own intake around it.

Receiving: long polling or a webhook. Either way an update is stored in the intake before Telegram is told
it arrived — in polling the next ``getUpdates`` offset moves past an update only once it is stored, and a
webhook call is answered 200 only then — so a crash at any moment loses nothing; the update is decoded and
handled afterwards (``decode``). Sending: options become inline buttons (one per row, ``callback_data`` =
the question and the option value, so a press of an older message's button is known as such); text is always
sent plain (no parse_mode), so nothing a user typed can break the formatting.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    CallbackQuery,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    Message,
    PhotoSize,
    ReplyKeyboardMarkup,
    Update,
    User,
)
from telegram.constants import MessageLimit
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.intake.clean import clean_text
from bot.intake.dispatcher import IncomingEvent
from bot.telegram_request import AiohttpRequest
from handlers.types import Attachment, AttachmentKind, Inbound, Option, Reply, SharedContact

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)
MAX_CAPTION = int(MessageLimit.CAPTION_LENGTH)
# callback_data of a button: "~<question>~<option value>" (at most 64 bytes, else the bare value).
QUESTION_MARK = "~"
MAX_CALLBACK_DATA = 64
# Documents of these types are sent as photos (Telegram shows them in the chat); anything else as a file.
PHOTO_TYPES = frozenset({"image/png", "image/jpeg"})
# Deeper JSON than any real update: refused before it reaches the parser.
MAX_JSON_DEPTH = 64

Receive = Callable[[str, list[IncomingEvent]], Awaitable[int]]
OnFailure = Callable[[str], None]


# A process that does not hold the polling lease looks again this often (a dead poller's lock goes at once).
LEASE_RETRY_SECONDS = 2.0


class TelegramRefused(RuntimeError):
    """Telegram refused to work with this bot at all: the message says why (token, missing method)."""


class PollLease(Protocol):
    """Whether this process may poll the bot account (storage.poll_lease: one poller per deployment)."""

    async def acquire(self) -> bool: ...

    async def check(self) -> None: ...

    async def release(self) -> None: ...


class TelegramChannel:
    """One bot account: receives by long polling or webhook into ``receive``, sends replies."""

    def __init__(
        self,
        token: str,
        receive: Receive,
        *,
        base_url: str | None = None,
        base_file_url: str | None = None,
        max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
        poll_timeout: int = 10,
    ) -> None:
        if not token:
            raise ValueError("a Telegram bot token is required")
        # The bot's numeric id (the token's first part): names its sending budget, never the secret part.
        self.account = token.split(":", 1)[0]
        protect_token_in_logs(token)
        self._receive = receive
        self._max_attachment_bytes = max_attachment_bytes
        self._poll_timeout = poll_timeout
        kwargs: dict[str, Any] = {}
        if base_url:
            kwargs["base_url"] = base_url
        if base_file_url:
            kwargs["base_file_url"] = base_file_url
        self.bot = Bot(
            token,
            request=AiohttpRequest(connection_pool_size=64, read_timeout=15, write_timeout=30),
            get_updates_request=AiohttpRequest(connection_pool_size=2, read_timeout=poll_timeout + 15),
            **kwargs,
        )
        self._polling: asyncio.Task[None] | None = None
        self._lease: PollLease | None = None
        self._stop = asyncio.Event()
        self._background: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ lifecycle

    async def initialize(self) -> None:
        """Check the token with getMe; raises ``TelegramRefused`` with the real cause."""
        try:
            await self.bot.initialize()
        except InvalidToken as error:
            raise TelegramRefused(
                "Telegram refused TELEGRAM_BOT_TOKEN (401): check the token from @BotFather"
            ) from error

    async def _call_setup(self, method: str, call: Awaitable[Any]) -> Any:
        try:
            return await call
        except InvalidToken as error:  # PTB reports 401 and 404 alike; getMe already accepted the token
            raise TelegramRefused(
                f"the Bot API at TELEGRAM_API_BASE_URL does not offer {method} (404 Not Found)"
            ) from error

    async def start_polling(self, on_failure: OnFailure | None = None, lease: PollLease | None = None) -> None:
        """Poll in the background; with ``lease``, only while this process holds it (one poller per account)."""
        await self.initialize()
        await self._call_setup("deleteWebhook", self.bot.delete_webhook(drop_pending_updates=False))
        self._stop.clear()
        self._lease = lease
        self._polling = asyncio.create_task(self._poll_forever(on_failure), name="telegram polling")

    async def start_webhook(self, url: str, secret: str) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        await self.initialize()
        await self._call_setup(
            "setWebhook",
            self.bot.set_webhook(
                url, secret_token=secret, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
            ),
        )

    async def stop(self) -> None:
        self._stop.set()
        if self._background:
            await asyncio.wait(list(self._background), timeout=5)
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._polling
            self._polling = None
        if self._lease is not None:
            with contextlib.suppress(Exception):
                await self._lease.release()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self.bot.shutdown()

    # ------------------------------------------------------------------ receiving

    async def _poll_forever(self, on_failure: OnFailure | None) -> None:
        """getUpdates with the offset of the last *stored* update + 1: Telegram forgets an update only when
        a later call carries a higher offset, so anything fetched but not stored comes again after a crash."""
        offset: int | None = None
        failures = 0
        while not self._stop.is_set():
            try:
                if self._lease is not None and not await self._lease.acquire():
                    await self._pause(LEASE_RETRY_SECONDS)  # another process polls; take over when it is gone
                    continue
                updates = await self.bot.get_updates(
                    offset=offset, timeout=self._poll_timeout, allowed_updates=Update.ALL_TYPES
                )
                failures = 0
                if updates:
                    await self._receive(CHANNEL, [e for e in map(_incoming, updates) if e is not None])
                    offset = updates[-1].update_id + 1
            except asyncio.CancelledError:
                raise
            except InvalidToken:
                message = "Telegram refused TELEGRAM_BOT_TOKEN (401) while polling: the Telegram channel stopped"
                logger.error(message)
                if on_failure is not None:
                    on_failure(message)
                return
            except RetryAfter as error:
                await self._pause(_seconds(error.retry_after))
            except Conflict:
                logger.warning("getUpdates conflicts with a webhook or another bot process; retrying in 5 s")
                if self._lease is not None:
                    await self._lease.check()
                await self._pause(5)
            except (NetworkError, TelegramError) as error:
                failures += 1
                delay = min(2 ** (failures - 1), 60)
                logger.warning("Telegram polling failed (%s); retrying in %d s", type(error).__name__, delay)
                await self._pause(delay)
            except Exception:
                failures += 1
                logger.exception("Telegram polling: storing updates failed; retrying (nothing was confirmed)")
                await self._pause(min(2**failures, 60))

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    async def process_webhook(self, body: bytes, secret_header: str | None, expected_secret: str) -> int:
        """One webhook POST: 403 without the secret, 400 if unreadable, 200 once the update is stored."""
        if not _secret_matches(secret_header, expected_secret):
            logger.warning("rejected a Telegram webhook call with a missing or wrong secret token")
            return 403
        update = self._parse_update(body)
        if update is None:
            return 400
        event = _incoming(update)
        if event is not None:
            await self._receive(CHANNEL, [event])
        return 200

    def _parse_update(self, body: bytes) -> Update | None:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int) or _depth(data) > MAX_JSON_DEPTH:
            return None
        try:
            return Update.de_json(data, self.bot)
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
            return None

    async def decode(self, payload: dict[str, Any]) -> Inbound | None:
        """A stored update as the neutral event; answers a pressed button and fetches a sent file."""
        update = Update.de_json(payload, self.bot)
        user = update.effective_user
        if user is None:
            return None
        if update.callback_query is not None:
            return await self._choice_inbound(update, user)
        message = update.message
        if message is None or message.chat.type != "private":
            return None
        if message.text is not None:
            return self._inbound(update, user, text=message.text)
        if message.document is not None:
            return self._document_inbound(update, user, message)
        if message.photo:
            return self._photo_inbound(update, user, message)
        if message.sticker is not None:
            return self._inbound(update, user, attachment=Attachment(kind=AttachmentKind.STICKER))
        if message.contact is not None:
            return self._contact_inbound(update, user, message)
        return self._inbound(update, user, attachment=Attachment(kind=AttachmentKind.OTHER))

    # ------------------------------------------------------------------ platform → Inbound

    @staticmethod
    def _inbound(update: Update, user: User, **fields: Any) -> Inbound:
        if "text" in fields:
            fields["text"] = clean_text(fields["text"])
        return Inbound(
            channel=CHANNEL,
            user_id=str(user.id),
            # The sender is part of the key: two users can never shadow each other's events.
            event_id=f"{user.id}:{update.update_id}",
            display_name=clean_text(user.full_name) or "",
            **fields,
        )

    async def _choice_inbound(self, update: Update, user: User) -> Inbound | None:
        query = update.callback_query
        assert query is not None
        # The spinner is stopped beside the handling, not before it (answering a press is not a message: no
        # sending budget, and the answer should not wait for it). The keyboard stays: the question in each button
        # tells an older one from the current one, and taking it away would cost a rate-limited call per press.
        task = asyncio.create_task(_answer_press(query))
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        if query.data is None:
            return None
        question, value = _read_button(clean_text(query.data) or "")
        return self._inbound(update, user, choice=value, question=question)

    def _document_inbound(self, update: Update, user: User, message: Message) -> Inbound:
        document = message.document
        assert document is not None
        attachment = self._lazy(
            AttachmentKind.DOCUMENT, document, clean_text(document.file_name) or "", document.mime_type or ""
        )
        return self._inbound(update, user, text=message.caption, attachment=attachment)

    def _photo_inbound(self, update: Update, user: User, message: Message) -> Inbound:
        largest = message.photo[-1]
        file_name = f"photo_{largest.file_unique_id}.jpg"
        attachment = self._lazy(AttachmentKind.PHOTO, largest, file_name, "image/jpeg")
        return self._inbound(update, user, text=message.caption, attachment=attachment)

    def _contact_inbound(self, update: Update, user: User, message: Message) -> Inbound:
        """A shared contact card. Its ``user_id`` is the card owner's account (set by Telegram for a user's own
        contact from the request-contact button); the flow accepts it only when it is the sender's."""
        contact = message.contact
        assert contact is not None
        owner = str(contact.user_id) if contact.user_id else ""
        return self._inbound(update, user, contact=SharedContact(phone=contact.phone_number, user_id=owner))

    def _lazy(self, kind: AttachmentKind, media: Document | PhotoSize, file_name: str, mime_type: str) -> Attachment:
        """The file as announced; its bytes are downloaded only if the current step takes it."""

        async def load() -> Attachment:
            return await self._fetch(kind, media, file_name, mime_type)

        declared = media.file_size or 0
        if declared > self._max_attachment_bytes:
            return Attachment(kind, file_name, mime_type, size=declared)
        return Attachment(kind, file_name, mime_type, size=declared, loader=load)

    async def _fetch(
        self, kind: AttachmentKind, media: Document | PhotoSize, file_name: str, mime_type: str
    ) -> Attachment:
        """Download a file within the size limit; otherwise (or on failure) the content stays None."""
        declared = media.file_size
        if declared is not None and declared > self._max_attachment_bytes:
            return Attachment(kind, file_name, mime_type, size=declared)
        try:
            file = await media.get_file()
            content = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            logger.warning("could not download a telegram %s: %s", kind, error)
            return Attachment(kind, file_name, mime_type, size=declared or 0)
        if len(content) > self._max_attachment_bytes:
            return Attachment(kind, file_name, mime_type, size=len(content))
        return Attachment(kind, file_name, mime_type, size=len(content), content=content)

    # ------------------------------------------------------------------ sending

    async def send(self, user_id: str, reply: Reply) -> None:
        """Send one reply to a user's private chat (or a public channel named by its @username).

        Raises ``telegram.error.TelegramError`` when Telegram refuses, e.g. ``Forbidden`` when the user
        blocked the bot, so the caller can decide whether to retry.
        """
        chat_id: int | str = int(user_id) if user_id.lstrip("-").isdigit() else user_id
        if reply.menu is not None:
            await self.set_menu(reply.menu, chat_id)
            return
        markup = _contact_keyboard(reply) or _keyboard(reply.options, reply.question)
        if reply.document is not None:
            await self._send_with_document(chat_id, reply, markup)
            return
        chunks = _split_text(reply.text, MAX_TEXT)
        if not chunks:
            logger.warning("skipped an empty reply to a telegram chat")
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            await self.bot.send_message(chat_id, chunk, reply_markup=markup if last else None)

    @staticmethod
    def parts(reply: Reply) -> list[Reply]:
        """The reply as ``send`` would send it, one message each (a text beyond Telegram's length in several, the
        options under the last; a caption too long for its file before it): so each part can wait for its turn in
        the chat and its token of the sending budget."""
        if reply.menu is not None:
            return [reply]
        if reply.document is not None:
            if len(reply.text) <= MAX_CAPTION or not reply.text.strip():
                return [reply]
            return [Reply(text=chunk) for chunk in _split_text(reply.text, MAX_TEXT)] + [replace(reply, text="")]
        chunks = _split_text(reply.text, MAX_TEXT)
        if not chunks:
            return []  # send skips an empty text: no message, so no turn in the chat and no token
        if len(chunks) == 1:
            return [reply]
        return [Reply(text=chunk) for chunk in chunks[:-1]] + [replace(reply, text=chunks[-1])]

    async def set_menu(self, menu: Sequence[tuple[str, str]], chat_id: int | str | None = None) -> None:
        """The command menu of one chat (``setMyCommands`` with a chat scope), or of every chat without one."""
        commands = [BotCommand(name, description[:256]) for name, description in menu[:100]]
        scope = BotCommandScopeDefault() if chat_id is None else BotCommandScopeChat(chat_id)
        await self.bot.set_my_commands(commands, scope=scope)

    async def _send_with_document(
        self, chat_id: int | str, reply: Reply, markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None
    ) -> None:
        document = reply.document
        assert document is not None
        caption: str | None = reply.text if reply.text.strip() else None
        if caption is not None and len(caption) > MAX_CAPTION:
            for chunk in _split_text(caption, MAX_TEXT):
                await self.bot.send_message(chat_id, chunk)
            caption = None
        upload = InputFile(document.content, filename=document.file_name)
        upload.mimetype = document.mime_type or upload.mimetype
        if document.mime_type in PHOTO_TYPES:  # a chart: shown in the chat as a picture, not as a file to open
            await self.bot.send_photo(chat_id, upload, caption=caption, reply_markup=markup)
            return
        await self.bot.send_document(chat_id, upload, caption=caption, reply_markup=markup)


def _incoming(update: Update) -> IncomingEvent | None:
    """What is stored of an update: only what a private chat with a person can bring."""
    user = update.effective_user
    if user is None or user.is_bot:
        return None
    if update.callback_query is None and (update.message is None or update.message.chat.type != "private"):
        return None
    return IncomingEvent(str(user.id), str(update.update_id), update.to_dict())


def _depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    depth, level = 0, [value]
    while level:
        depth += 1
        if depth > limit:
            return depth
        nxt: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                nxt.extend(item.values())
            elif isinstance(item, list):
                nxt.extend(item)
        level = nxt
    return depth


def _seconds(value: Any) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


# ---------------------------------------------------------------------- helpers


async def _answer_press(query: CallbackQuery) -> None:
    """Stop the button's spinner. No text: whether the press answers the current question is known only once it
    is handled (a toast «✓ Nộp đơn» beside «this button is of an older question» would contradict it)."""
    try:
        await query.answer()
    except TelegramError as error:
        logger.debug("could not answer a callback query: %s", error)


def _button_data(question: str, value: str) -> str:
    data = f"{QUESTION_MARK}{question}{QUESTION_MARK}{value}"
    return data if question and len(data.encode()) <= MAX_CALLBACK_DATA else value


def _read_button(data: str) -> tuple[str | None, str]:
    """(question, option value) of a button's callback_data; no question for a button sent without one."""
    if data.startswith(QUESTION_MARK):
        question, mark, value = data[1:].partition(QUESTION_MARK)
        if mark:
            return question, value
    return None, data


def _contact_keyboard(reply: Reply) -> ReplyKeyboardMarkup | None:
    """A reply that asks for the user's own phone: a request-contact button, the options as typed answers
    under it (one message carries one keyboard; a keyboard button sends its label as text)."""
    if not reply.request_contact:
        return None
    rows = [[KeyboardButton(reply.request_contact, request_contact=True)]]
    rows += [[KeyboardButton(option.label)] for option in reply.options]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


def _keyboard(options: Sequence[Option], question: str = "") -> InlineKeyboardMarkup | None:
    if not options:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(option.label, callback_data=_button_data(question, option.value))] for option in options]
    )


def _split_text(text: str, limit: int) -> list[str]:
    """Split a long text into messages Telegram accepts, at line breaks where possible."""
    if not text.strip():
        return []
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = limit
        chunks.append(text[:cut])
        text = text[cut:].lstrip("\n")
    if text.strip():
        chunks.append(text)
    return chunks


def _secret_matches(given: str | None, expected: str) -> bool:
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


# ---------------------------------------------------------------------- keeping the token out of logs

_LIBRARY_LOGGERS = ("telegram", "httpx", "httpcore", "aiohttp", "aiolimiter")
_REDACTED = "<bot-token>"


class TokenRedactor(logging.Filter):
    """Replaces the bot token in a record's message and traceback (PTB logs its API URL at DEBUG)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, _REDACTED)
            record.args = None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            if self.token in text:
                record.exc_text = text.replace(self.token, _REDACTED)
        return True


def protect_token_in_logs(token: str) -> None:
    """Silence httpx's per-request INFO lines (they carry the URL, token included) and redact the rest.

    Logger filters only see records created on that very logger, so the redactor goes on every library
    logger that exists now (PTB creates its loggers at import time) and on this module's logger.
    """
    httpx_logger = logging.getLogger("httpx")
    if httpx_logger.getEffectiveLevel() < logging.WARNING:
        httpx_logger.setLevel(logging.WARNING)
    names = [name for name in logging.Logger.manager.loggerDict if name.startswith(_LIBRARY_LOGGERS)]
    for name in [*_LIBRARY_LOGGERS, *names, __name__]:
        target = logging.getLogger(name)
        if not any(isinstance(f, TokenRedactor) and f.token == token for f in target.filters):
            target.addFilter(TokenRedactor(token))

"""Telegram adapter: python-telegram-bot 22 updates in, neutral ``Inbound`` events out, ``Reply`` back.

Options become inline buttons (one per row, ``callback_data`` = option value); text is always sent
plain (no parse_mode), so nothing a user typed can break the formatting.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from telegram import (
    Bot,
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
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from handlers.ports import HandleFn
from handlers.types import Attachment, AttachmentKind, Inbound, Option, Reply, SharedContact

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
APOLOGY = "Xin lỗi, hệ thống đang gặp sự cố. Những gì Anh/Chị đã nhập vẫn được lưu; vui lòng thử lại sau ít phút."
DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
RATE_LIMIT_RETRIES = 3
MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)
MAX_CAPTION = int(MessageLimit.CAPTION_LENGTH)

ToInbound = Callable[[Update, User], Awaitable[Inbound | None]]


class TelegramChannel:
    """One bot: receives by long polling or webhook, answers through ``handle``."""

    def __init__(
        self,
        token: str,
        handle: HandleFn,
        *,
        base_url: str | None = None,
        base_file_url: str | None = None,
        max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
    ) -> None:
        if not token:
            raise ValueError("a Telegram bot token is required")
        protect_token_in_logs(token)
        self._handle = handle
        self._max_attachment_bytes = max_attachment_bytes
        self._user_locks = _KeyedLocks()
        self.application: Application = _build_application(token, base_url, base_file_url)
        self._register_handlers()

    @property
    def bot(self) -> Bot:
        return self.application.bot

    # ------------------------------------------------------------------ lifecycle

    async def start_polling(self, *, poll_timeout: int = 10) -> None:
        await self.application.initialize()  # also checks the token with getMe
        await self.bot.delete_webhook(drop_pending_updates=False)
        await self.application.start()
        updater = self.application.updater
        if updater is None:
            raise RuntimeError("this application was built without an updater")
        await updater.start_polling(timeout=poll_timeout, drop_pending_updates=False, allowed_updates=Update.ALL_TYPES)

    async def start_webhook(self, url: str, secret: str) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        await self.application.initialize()
        await self.application.start()
        await self.bot.set_webhook(
            url, secret_token=secret, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
        )

    async def stop(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def process_webhook(self, body: bytes, secret_header: str | None, expected_secret: str) -> int:
        """Handle one webhook POST; returns the HTTP status to answer Telegram with."""
        if not _secret_matches(secret_header, expected_secret):
            logger.warning("rejected a Telegram webhook call with a missing or wrong secret token")
            return 403
        update = self._parse_update(body)
        if update is None:
            return 400
        await self.application.process_update(update)
        return 200

    # ------------------------------------------------------------------ sending

    async def send(self, user_id: str, reply: Reply) -> None:
        """Send one reply to a user's private chat.

        Raises ``telegram.error.TelegramError`` when Telegram refuses, e.g. ``Forbidden`` when the user
        blocked the bot, so a caller such as the reminder sweeper can decide whether to retry.
        """
        # A public channel may be named by its @username instead of its numeric id.
        await self._send_to_chat(int(user_id) if user_id.lstrip("-").isdigit() else user_id, reply)

    async def _send_to_chat(self, chat_id: int | str, reply: Reply) -> None:
        markup = _contact_keyboard(reply) or _keyboard(reply.options)
        if reply.document is not None:
            await self._send_with_document(chat_id, reply, markup)
            return
        chunks = _split_text(reply.text, MAX_TEXT)
        if not chunks:
            logger.warning("skipped an empty reply to telegram chat %s", chat_id)
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            await self.bot.send_message(chat_id, chunk, reply_markup=markup if last else None)

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
        await self.bot.send_document(chat_id, upload, caption=caption, reply_markup=markup)

    async def _send_quietly(self, chat_id: int, reply: Reply) -> bool:
        try:
            await self._send_to_chat(chat_id, reply)
        except TelegramError as error:
            logger.warning("could not send a reply to telegram chat %s: %s", chat_id, error)
            return False
        return True

    # ------------------------------------------------------------------ receiving

    def _register_handlers(self) -> None:
        new_private = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
        app = self.application
        app.add_handler(CallbackQueryHandler(self._on_callback_query))
        app.add_handler(MessageHandler(new_private & filters.TEXT, self._on_text))
        app.add_handler(MessageHandler(new_private & filters.Document.ALL, self._on_document))
        app.add_handler(MessageHandler(new_private & filters.PHOTO, self._on_photo))
        app.add_handler(MessageHandler(new_private & filters.Sticker.ALL, self._on_sticker))
        app.add_handler(MessageHandler(new_private & filters.CONTACT, self._on_contact))
        app.add_handler(MessageHandler(new_private, self._on_other))
        app.add_error_handler(self._on_error)

    async def _on_text(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await self._serve(update, self._text_inbound)

    async def _on_callback_query(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await self._serve(update, self._choice_inbound)

    async def _on_document(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await self._serve(update, self._document_inbound)

    async def _on_photo(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await self._serve(update, self._photo_inbound)

    async def _on_sticker(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await self._serve(update, self._sticker_inbound)

    async def _on_contact(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await self._serve(update, self._contact_inbound)

    async def _on_other(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await self._serve(update, self._other_inbound)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        event = update.update_id if isinstance(update, Update) else None
        logger.error("error while processing telegram update %s", event, exc_info=context.error)

    async def _serve(self, update: Update, to_inbound: ToInbound) -> None:
        user = update.effective_user
        if user is None:
            return
        chat_id = update.effective_chat.id if update.effective_chat else user.id
        # One event per user at a time, in arrival order: updates run concurrently across users only.
        async with self._user_locks.hold(str(user.id)):
            inbound = await to_inbound(update, user)
            if inbound is not None:
                await self._answer(inbound, chat_id)

    async def _answer(self, inbound: Inbound, chat_id: int) -> None:
        try:
            result = await self._handle(inbound)
        except Exception:
            logger.exception("handling telegram event %s from user %s failed", inbound.event_id, inbound.user_id)
            await self._send_quietly(chat_id, Reply(APOLOGY))
            return
        for reply in result.replies:
            if not await self._send_quietly(chat_id, reply):
                break
        for outgoing in result.outgoing:
            if outgoing.channel == CHANNEL:
                await self._send_quietly(int(outgoing.user_id), outgoing.reply)

    # ------------------------------------------------------------------ platform → Inbound

    @staticmethod
    def _inbound(update: Update, user: User, **fields: Any) -> Inbound:
        return Inbound(
            channel=CHANNEL,
            user_id=str(user.id),
            event_id=str(update.update_id),
            display_name=user.full_name,
            **fields,
        )

    async def _text_inbound(self, update: Update, user: User) -> Inbound | None:
        message = update.effective_message
        return self._inbound(update, user, text=message.text if message else None)

    async def _choice_inbound(self, update: Update, user: User) -> Inbound | None:
        query = update.callback_query
        if query is None:
            return None
        await _settle_callback(query)
        if query.data is None:
            return None
        return self._inbound(update, user, choice=query.data)

    async def _document_inbound(self, update: Update, user: User) -> Inbound | None:
        message = update.effective_message
        if message is None or message.document is None:
            return None
        document = message.document
        attachment = await self._fetch(
            AttachmentKind.DOCUMENT, document, document.file_name or "", document.mime_type or ""
        )
        return self._inbound(update, user, text=message.caption, attachment=attachment)

    async def _photo_inbound(self, update: Update, user: User) -> Inbound | None:
        message = update.effective_message
        if message is None or not message.photo:
            return None
        largest = message.photo[-1]
        file_name = f"photo_{largest.file_unique_id}.jpg"
        attachment = await self._fetch(AttachmentKind.PHOTO, largest, file_name, "image/jpeg")
        return self._inbound(update, user, text=message.caption, attachment=attachment)

    async def _sticker_inbound(self, update: Update, user: User) -> Inbound | None:
        return self._inbound(update, user, attachment=Attachment(kind=AttachmentKind.STICKER))

    async def _contact_inbound(self, update: Update, user: User) -> Inbound | None:
        """A shared contact card. Its ``user_id`` is the card owner's account (set by Telegram for a user's own
        contact from the request-contact button); the flow accepts it only when it is the sender's."""
        message = update.effective_message
        if message is None or message.contact is None:
            return None
        contact = message.contact
        owner = str(contact.user_id) if contact.user_id else ""
        return self._inbound(update, user, contact=SharedContact(phone=contact.phone_number, user_id=owner))

    async def _other_inbound(self, update: Update, user: User) -> Inbound | None:
        return self._inbound(update, user, attachment=Attachment(kind=AttachmentKind.OTHER))

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

    def _parse_update(self, body: bytes) -> Update | None:
        try:
            data = json.loads(body)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        try:
            return Update.de_json(data, self.bot)
        except (TypeError, ValueError, KeyError, AttributeError):
            return None


# ---------------------------------------------------------------------- helpers


def _build_application(token: str, base_url: str | None, base_file_url: str | None) -> Application:
    builder = (
        ApplicationBuilder()
        .token(token)
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(True)
        .job_queue(None)  # reminders live in scheduler/, not in PTB's job queue
    )
    if base_url:
        builder = builder.base_url(base_url)
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    return builder.build()


async def _settle_callback(query: CallbackQuery) -> None:
    """Stop the button's spinner and remove the keyboard so an old button cannot be pressed again."""
    try:
        await query.answer()
    except TelegramError as error:
        logger.debug("could not answer a callback query: %s", error)
    if isinstance(query.message, Message):
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramError as error:
            logger.debug("could not remove an old keyboard: %s", error)


def _contact_keyboard(reply: Reply) -> ReplyKeyboardMarkup | None:
    """A reply that asks for the user's own phone: a request-contact button, the options as typed answers
    under it (one message carries one keyboard; a keyboard button sends its label as text)."""
    if not reply.request_contact:
        return None
    rows = [[KeyboardButton(reply.request_contact, request_contact=True)]]
    rows += [[KeyboardButton(option.label)] for option in reply.options]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


def _keyboard(options: Sequence[Option]) -> InlineKeyboardMarkup | None:
    if not options:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(option.label, callback_data=option.value)] for option in options]
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


class _KeyedLocks:
    """An asyncio.Lock per key, dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                del self._locks[key]


# ---------------------------------------------------------------------- keeping the token out of logs

_LIBRARY_LOGGERS = ("telegram", "httpx", "httpcore", "aiolimiter")
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

"""The console channel: one user message per line on stdin, the bot's replies on stdout.

Works interactively and with a pipe (``sangkien-bot console < conversation.txt`` plays a whole
conversation and exits at end of input). A line ``::tep <path>`` sends that file as an attachment.
Each line goes through the same durable intake as Telegram and Zalo: it is stored, handled, and its
replies are printed from the outbox, so a crash mid-conversation loses nothing.
"""

from __future__ import annotations

import asyncio
import mimetypes
import sys
import uuid
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from bot.intake.clean import decode_bytes
from bot.intake.dispatcher import Dispatcher, IncomingEvent
from bot.render import render_plain
from handlers.types import Attachment, AttachmentKind, Inbound, Reply

CHANNEL = "console"
FILE_DIRECTIVE = "::tep "
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic")


def attachment_from_path(path: Path, limit: int) -> Attachment:
    size = path.stat().st_size if path.exists() else 0
    kind = AttachmentKind.PHOTO if path.suffix.lower() in PHOTO_SUFFIXES else AttachmentKind.DOCUMENT
    content = path.read_bytes() if path.exists() and size <= limit else None
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Attachment(kind=kind, file_name=path.name, mime_type=mime, size=size, content=content)


class ConsoleChannel:
    def __init__(
        self,
        dispatcher: Dispatcher,
        user_id: str,
        *,
        out: TextIO = sys.stdout,
        max_attachment_bytes: int = 10 * 1024 * 1024,
    ) -> None:
        self.dispatcher = dispatcher
        self.user_id = user_id
        self.out = out
        self.max_attachment_bytes = max_attachment_bytes

    # --- receiving -------------------------------------------------------------------------------------
    def payload(self, line: str) -> dict[str, Any]:
        if line.startswith(FILE_DIRECTIVE):
            return {"file": str(Path(line[len(FILE_DIRECTIVE) :].strip()).expanduser())}
        return {"text": line}

    async def decode(self, payload: dict[str, Any]) -> Inbound | None:
        user = str(payload.get("user", self.user_id))
        event_id = str(payload.get("id", ""))
        if "file" in payload:
            attachment = attachment_from_path(Path(payload["file"]), self.max_attachment_bytes)
            return Inbound(channel=CHANNEL, user_id=user, attachment=attachment, event_id=event_id or None)
        return Inbound(channel=CHANNEL, user_id=user, text=payload.get("text", ""), event_id=event_id or None)

    async def submit(self, line: str) -> None:
        """One typed line: stored, handled, and its replies printed before the next line is read."""
        key = uuid.uuid4().hex
        payload = {**self.payload(line), "user": self.user_id, "id": f"{self.user_id}:{key}"}
        await self.dispatcher.receive(CHANNEL, [IncomingEvent(self.user_id, key, payload)])
        await self.dispatcher.idle()

    async def run(self, stream: TextIO | BinaryIO | None = None) -> None:
        source = stream if stream is not None else sys.stdin
        interactive = source.isatty()
        raw: Any = getattr(source, "buffer", source)
        while True:
            if interactive:
                self.out.write("> ")
                self.out.flush()
            data = await asyncio.to_thread(raw.readline)
            if not data:
                return
            line = decode_bytes(data) if isinstance(data, bytes) else decode_bytes(data.encode("utf-8", "replace"))
            line = line.rstrip("\n")
            if not interactive:
                self.out.write(f"> {line}\n")
            await self.submit(line)

    # --- sending ---------------------------------------------------------------------------------------
    def show(self, reply: Reply) -> None:
        text = render_plain(reply)
        if reply.document is not None:
            text += f"\n[Tài liệu: {reply.document.file_name}]"
        self.out.write(text + "\n\n")
        self.out.flush()

    async def send(self, user_id: str, reply: Reply) -> None:
        if user_id != self.user_id:
            self.out.write(f"[gửi tới người dùng {user_id}]\n")
        self.show(reply)

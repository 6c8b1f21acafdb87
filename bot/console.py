"""The console channel: one user message per line on stdin, the bot's replies on stdout.

Works interactively and with a pipe (``sangkien-bot console < conversation.txt`` plays a whole
conversation and exits at end of input). A line ``::tep <path>`` sends that file as an attachment.
"""

from __future__ import annotations

import asyncio
import mimetypes
import sys
from pathlib import Path
from typing import TextIO

from bot.render import render_plain
from handlers.ports import HandleFn
from handlers.types import Attachment, AttachmentKind, Inbound, Reply

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
        self, handle: HandleFn, user_id: str, *, out: TextIO = sys.stdout, max_attachment_bytes: int = 10 * 1024 * 1024
    ) -> None:
        self.handle = handle
        self.user_id = user_id
        self.out = out
        self.max_attachment_bytes = max_attachment_bytes

    def inbound(self, line: str) -> Inbound:
        if line.startswith(FILE_DIRECTIVE):
            path = Path(line[len(FILE_DIRECTIVE) :].strip()).expanduser()
            return Inbound(
                channel="console",
                user_id=self.user_id,
                attachment=attachment_from_path(path, self.max_attachment_bytes),
            )
        return Inbound(channel="console", user_id=self.user_id, text=line)

    def show(self, reply: Reply) -> None:
        text = render_plain(reply)
        if reply.document is not None:
            text += f"\n[Tài liệu: {reply.document.file_name}]"
        self.out.write(text + "\n\n")
        self.out.flush()

    async def run(self, stream: TextIO = sys.stdin) -> None:
        interactive = stream.isatty()
        while True:
            if interactive:
                self.out.write("> ")
                self.out.flush()
            line = await asyncio.to_thread(stream.readline)
            if not line:
                return
            line = line.rstrip("\r\n")
            if not interactive:
                self.out.write(f"> {line}\n")
            result = await self.handle(self.inbound(line))
            for reply in result.replies:
                self.show(reply)
            for message in result.outgoing:
                if message.channel == "console" and message.user_id != self.user_id:
                    self.out.write(f"[gửi tới người dùng {message.user_id}]\n")
                    self.show(message.reply)

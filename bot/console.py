"""The console channel: one user message per line on stdin, the bot's replies on stdout.

Works interactively and with a pipe (``sangkien-bot console < conversation.txt`` plays a whole
conversation and exits at end of input). A line ``::tep <path>`` sends that file as an attachment; the lines
between ``::dai`` and ``::het`` go as one message (long or multi-line answers). Documents the bot sends are
written to a folder, and the reply says where.

A terminal in its usual (canonical) mode keeps at most 4095 bytes of one line and drops the rest before any
program sees it. Piped input has no such limit. In a terminal, a ``::dai`` block is read with the line mode
switched off, so a pasted text of any length arrives whole; a plain line that reaches the limit is not sent
and the user is told how to paste it instead.
"""

from __future__ import annotations

import asyncio
import codecs
import mimetypes
import os
import re
import sys
from pathlib import Path
from typing import TextIO

from bot.render import render_plain
from handlers.ports import HandleFn
from handlers.texts import console as T
from handlers.types import Attachment, AttachmentKind, Document, Inbound, Reply

FILE_DIRECTIVE = "::tep "
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic")
# The longest line a terminal in canonical mode passes on (Linux N_TTY: 4096 bytes with the line end).
TTY_LINE_LIMIT = 4095
DEFAULT_DOCUMENTS_DIR = Path("tai-lieu")
_BLOCK_END_RE = re.compile(r"(?:^|\n)" + re.escape(T.BLOCK_END) + r"[ \t]*\r?\n")


def _read_raw_block(fd: int) -> str:
    """Read a terminal with the line mode off until a line ``::het``: no line-length limit (and no line editing)."""
    import termios  # POSIX only; a terminal elsewhere falls back to line reading

    saved = termios.tcgetattr(fd)
    raw = termios.tcgetattr(fd)
    raw[3] &= ~termios.ICANON
    raw[6][termios.VMIN] = 1
    raw[6][termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, raw)
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    text = ""
    try:
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                return text
            text += decoder.decode(chunk)
            end = _BLOCK_END_RE.search(text)
            if end is not None:
                return text[: end.start()]
            if "\x04" in text:  # Ctrl-D ends the block too
                return text.split("\x04", 1)[0]
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)


def save_document(folder: Path, document: Document) -> Path:
    """Write a document under its own name, never over an earlier one (name-2.docx, name-3.docx, …)."""
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(document.file_name).name or "tai-lieu"
    path = folder / name
    stem, suffix = path.stem, path.suffix
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}{suffix}"
    path.write_bytes(document.content)
    return path


def attachment_from_path(path: Path, limit: int) -> Attachment:
    size = path.stat().st_size if path.exists() else 0
    kind = AttachmentKind.PHOTO if path.suffix.lower() in PHOTO_SUFFIXES else AttachmentKind.DOCUMENT
    content = path.read_bytes() if path.exists() and size <= limit else None
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Attachment(kind=kind, file_name=path.name, mime_type=mime, size=size, content=content)


class ConsoleChannel:
    def __init__(
        self,
        handle: HandleFn,
        user_id: str,
        *,
        out: TextIO = sys.stdout,
        max_attachment_bytes: int = 10 * 1024 * 1024,
        documents_dir: Path = DEFAULT_DOCUMENTS_DIR,
    ) -> None:
        self.handle = handle
        self.user_id = user_id
        self.out = out
        self.max_attachment_bytes = max_attachment_bytes
        self.documents_dir = documents_dir

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
            text += "\n" + self._save(reply.document)
        self.out.write(text + "\n\n")
        self.out.flush()

    def _save(self, document: Document) -> str:
        try:
            path = save_document(self.documents_dir, document)
        except OSError as error:
            return T.DOCUMENT_NOT_SAVED.format(
                name=document.file_name, folder=self.documents_dir.resolve(), error=error.strerror
            )
        return T.DOCUMENT_SAVED.format(name=document.file_name, path=path.resolve())

    async def _read_block(self, stream: TextIO, interactive: bool) -> str:
        """The lines up to ``::het`` (or the end of input) as one text."""
        if interactive:
            self.out.write(T.BLOCK_HINT + "\n")
            self.out.flush()
            try:
                return await asyncio.to_thread(_read_raw_block, stream.fileno())
            except (ImportError, OSError, ValueError):
                pass  # no POSIX terminal: read lines as below
        lines: list[str] = []
        while True:
            line = await asyncio.to_thread(stream.readline)
            if not line or line.rstrip("\r\n").strip() == T.BLOCK_END:
                return "\n".join(lines)
            lines.append(line.rstrip("\r\n"))

    async def _send(self, inbound: Inbound) -> None:
        result = await self.handle(inbound)
        for reply in result.replies:
            self.show(reply)
        for message in result.outgoing:
            if message.channel == "console" and message.user_id != self.user_id:
                self.out.write(f"[gửi tới người dùng {message.user_id}]\n")
                self.show(message.reply)

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
            if line.strip() == T.BLOCK_START:
                text = await self._read_block(stream, interactive)
                if not interactive:
                    self.out.write("> " + T.BLOCK_ECHO.format(n=len(text)) + "\n")
                await self._send(Inbound(channel="console", user_id=self.user_id, text=text))
                continue
            if not interactive:
                self.out.write(f"> {line}\n")
            elif len(line.encode()) >= TTY_LINE_LIMIT:
                self.out.write(T.LINE_MAY_BE_CUT.format(n=len(line.encode())) + "\n\n")
                continue
            await self._send(self.inbound(line))

"""The console channel: one user message per line on stdin, the bot's replies on stdout.

Works interactively and with a pipe (``sangkien-bot console < conversation.txt`` plays a whole
conversation and exits at end of input). A line ``::tep <path>`` sends that file as an attachment; the lines
between ``::dai`` and ``::het`` go as one message (long or multi-line answers). Documents the bot sends are
written to a folder, and the reply says where. Each message goes through the same durable intake as Telegram
and Zalo: it is stored, handled, and its replies are printed from the outbox, so a crash loses nothing.

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
import stat
import sys
import uuid
from pathlib import Path
from typing import Any, TextIO

from bot.intake.clean import clean_text
from bot.intake.dispatcher import Dispatcher, IncomingEvent
from bot.render import render_plain
from handlers.texts import console as T
from handlers.types import Attachment, AttachmentKind, Document, Inbound, Reply

CHANNEL = "console"
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
    """A file named on the console. Only a regular file is read, and never more than ``limit`` + 1 bytes: a pipe,
    a device (/dev/zero) or a folder is taken as a file that could not be read, never waited on or read whole."""
    kind = AttachmentKind.PHOTO if path.suffix.lower() in PHOTO_SUFFIXES else AttachmentKind.DOCUMENT
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    try:
        info = path.stat()
    except OSError:
        return Attachment(kind=kind, file_name=path.name, mime_type=mime)
    if not stat.S_ISREG(info.st_mode):
        return Attachment(kind=kind, file_name=path.name, mime_type=mime)
    content: bytes | None = None
    if info.st_size <= limit:
        try:
            with path.open("rb") as handle:
                content = handle.read(limit + 1)
        except OSError:
            content = None
        if content is not None and len(content) > limit:
            return Attachment(kind=kind, file_name=path.name, mime_type=mime, size=len(content))
    return Attachment(kind=kind, file_name=path.name, mime_type=mime, size=info.st_size, content=content)


class ConsoleChannel:
    def __init__(
        self,
        dispatcher: Dispatcher,
        user_id: str,
        *,
        out: TextIO = sys.stdout,
        max_attachment_bytes: int = 10 * 1024 * 1024,
        documents_dir: Path = DEFAULT_DOCUMENTS_DIR,
    ) -> None:
        self.dispatcher = dispatcher
        self.user_id = user_id
        self.out = out
        self.max_attachment_bytes = max_attachment_bytes
        self.documents_dir = documents_dir

    # --- receiving -------------------------------------------------------------------------------------
    def payload(self, line: str) -> dict[str, Any]:
        if line.startswith(FILE_DIRECTIVE):
            return {"file": str(Path(line[len(FILE_DIRECTIVE) :].strip()).expanduser())}
        return {"text": clean_text(line)}

    async def decode(self, payload: dict[str, Any]) -> Inbound | None:
        user = str(payload.get("user", self.user_id))
        event_id = str(payload.get("id", "")) or None
        if "file" in payload:
            attachment = attachment_from_path(Path(payload["file"]), self.max_attachment_bytes)
            return Inbound(channel=CHANNEL, user_id=user, attachment=attachment, event_id=event_id)
        return Inbound(channel=CHANNEL, user_id=user, text=clean_text(payload.get("text", "")), event_id=event_id)

    async def submit(self, payload: dict[str, Any]) -> None:
        """One message: stored, handled, and its replies printed before the next one is read."""
        key = uuid.uuid4().hex
        payload = {**payload, "user": self.user_id, "id": f"{self.user_id}:{key}"}
        await self.dispatcher.receive(CHANNEL, [IncomingEvent(self.user_id, key, payload)])
        await self.dispatcher.idle()

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

    async def run(self, stream: TextIO = sys.stdin) -> None:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # Bytes that are not UTF-8 (a broken file, a terminal in another encoding) become «�», not a crash.
            reconfigure(encoding="utf-8", errors="replace")
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
                await self.submit({"text": clean_text(text)})
                continue
            if not interactive:
                self.out.write(f"> {clean_text(line)}\n")
            elif len(line.encode("utf-8", "replace")) >= TTY_LINE_LIMIT:
                self.out.write(T.LINE_MAY_BE_CUT.format(n=len(line.encode("utf-8", "replace"))) + "\n\n")
                continue
            await self.submit(self.payload(line))

    # --- sending ---------------------------------------------------------------------------------------
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

    async def send(self, user_id: str, reply: Reply) -> None:
        if user_id != self.user_id:
            self.out.write(f"[gửi tới người dùng {user_id}]\n")
        self.show(reply)

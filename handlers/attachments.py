"""Checking and storing a file a user sends at a form's attachments step (shared by every form)."""

from __future__ import annotations

from typing import Any

from handlers.texts import submission as T
from handlers.types import Attachment, AttachmentKind

ALLOWED_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".heic", ".webp")


def size_text(n: int) -> str:
    """45 → "45 byte", 2048 → "2 KB", 10 MB → "10 MB", 1.5 MB → "1,5 MB" (no ",0")."""
    if n < 1024:
        return f"{n} byte"
    if n < 1024 * 1024:
        return f"{round(n / 1024)} KB"
    return f"{n / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",") + " MB"


def file_name(attachment: Attachment) -> str:
    return attachment.file_name or ("anh.jpg" if attachment.kind == AttachmentKind.PHOTO else "tep")


def refusal(attachment: Attachment, *, limit: int, stored: int, max_files: int) -> str | None:
    """Why this file cannot be taken (a message for the user), or None when it can."""
    name = file_name(attachment)
    accepted = attachment.kind == AttachmentKind.PHOTO or (
        attachment.kind == AttachmentKind.DOCUMENT and name.lower().endswith(ALLOWED_EXTENSIONS)
    )
    if not accepted:
        return T.FILE_TYPE_REFUSED.format(name=name)
    if attachment.size > limit or (attachment.content is not None and len(attachment.content) > limit):
        return T.FILE_TOO_BIG.format(name=name, size=size_text(attachment.size), limit=size_text(limit))
    if attachment.content is None:
        return T.FILE_UNREADABLE
    if stored >= max_files:
        return T.FILE_TOO_MANY.format(limit=max_files)
    return None


def stored_entry(file_id: int, name: str, size: int) -> dict[str, Any]:
    return {"id": file_id, "name": name, "size": size}

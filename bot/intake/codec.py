"""Replies and console events as JSON, for the outbox and the inbox."""

from __future__ import annotations

import base64
import json
from typing import Any

from handlers.types import Document, Option, Reply


def reply_to_json(reply: Reply) -> str:
    data: dict[str, Any] = {"text": reply.text}
    if reply.options:
        data["options"] = [[o.value, o.label, o.key] if o.key else [o.value, o.label] for o in reply.options]
    if reply.request_contact:
        data["request_contact"] = reply.request_contact
    if reply.question:
        data["question"] = reply.question
    if reply.menu is not None:
        data["menu"] = [[name, description] for name, description in reply.menu]
    if reply.document is not None:
        data["document"] = {
            "file_name": reply.document.file_name,
            "mime_type": reply.document.mime_type,
            "content": base64.b64encode(reply.document.content).decode("ascii"),
        }
    return json.dumps(data, ensure_ascii=False)


def reply_from_json(payload: str) -> Reply:
    data = json.loads(payload)
    document = None
    if data.get("document"):
        d = data["document"]
        document = Document(
            d["file_name"], base64.b64decode(d["content"]), d.get("mime_type") or "application/octet-stream"
        )
    options = tuple(Option(*fields) for fields in data.get("options", []))
    menu = data.get("menu")
    return Reply(
        text=data.get("text", ""),
        options=options,
        document=document,
        request_contact=data.get("request_contact", ""),
        question=data.get("question", ""),
        menu=tuple((name, description) for name, description in menu) if menu is not None else None,
    )

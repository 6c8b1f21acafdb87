"""Rendering replies for text-only channels (console, Zalo): options become a numbered list."""

from __future__ import annotations

from handlers.types import Reply


def render_plain(reply: Reply) -> str:
    lines = [reply.text]
    if reply.options:
        lines.append("")
        number = 0
        for opt in reply.options:
            if not opt.key:
                number += 1
            lines.append(f"{opt.key or number}. {opt.label}")
    return "\n".join(lines)

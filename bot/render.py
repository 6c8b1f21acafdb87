"""Rendering replies for text-only channels (console, Zalo): options become a numbered list."""

from __future__ import annotations

from handlers.types import Reply


def render_plain(reply: Reply) -> str:
    lines = [reply.text]
    if reply.options:
        lines.append("")
        lines.extend(f"{i}. {opt.label}" for i, opt in enumerate(reply.options, start=1))
    return "\n".join(lines)

"""Filling the Word templates: the data given, escaped, with line breaks kept."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate, Listing

TEMPLATES = Path(__file__).parent / "templates"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _prepare(value: Any) -> Any:
    """Text with line breaks becomes a docxtpl Listing (a line break per newline); the rest is escaped by
    the template's autoescape."""
    if isinstance(value, str):
        return Listing(value) if "\n" in value else value
    if isinstance(value, Mapping):
        return {k: _prepare(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_prepare(v) for v in value]
    return value


def render(template: str, context: Mapping[str, Any], templates: Path = TEMPLATES) -> bytes:
    """``template`` is a file name in ``templates`` ("m02.docx")."""
    document = DocxTemplate(templates / template)
    document.render(_prepare(context), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

"""Text from a platform made safe to store and to echo: whatever bytes arrived, the core sees valid text."""

from __future__ import annotations

import re
import unicodedata

# Lone surrogates (from undecodable bytes), NUL and the other C0/C1 controls except tab and line breaks,
# and the bidirectional overrides and isolates that can make an echoed text read backwards.
_UNSAFE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff]")


def clean_text(value: str | None) -> str | None:
    """NFC-normalised text without the characters above (\\r\\n and \\r become \\n); None stays None."""
    if value is None:
        return None
    if isinstance(value, bytes):  # pragma: no cover - adapters pass str; kept for safety
        value = value.decode("utf-8", errors="replace")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _UNSAFE.sub("", value)
    return unicodedata.normalize("NFC", value)


def decode_bytes(raw: bytes) -> str:
    """Bytes from a terminal or a pipe: invalid UTF-8 becomes U+FFFD rather than a crash, then cleaned."""
    return clean_text(raw.decode("utf-8", errors="replace")) or ""

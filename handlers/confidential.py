"""The confidentiality filter: nothing of an initiative's confidential part may reach a public output (the
public page, the spreadsheet, channel posts, notices to other people).

Texts are compared on a normalised form (case, diacritics, whitespace and punctuation folded), so a
repeat typed without diacritics, in capitals or across a line break is still found. Two things are cut
from a public text:

- any run of ``RUN_SYLLABLES`` or more syllables (words) it shares with the confidential part, so a
  sentence lightly reworded still loses every stretch it kept;
- any token-like string of the confidential part (codes with digits or dashes, numbers of 4+ digits,
  password-like mixed tokens, e-mail addresses, phone numbers), wherever it appears, whatever
  separators it is written with.

``leaks`` lists what would be cut, so the wizard can tell the author before filing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

RUN_SYLLABLES = 4
CUT = "[…]"
# The submission fields that are published (handlers/review/public.py): checked by the wizard.
PUBLIC_FIELDS = ("title", "content", "scope", "benefit_author", "benefit_users")

_WORD_RE = re.compile(r"\w+")
# A phone-like number written with separators: "0912 345 678", "+84 (912) 345-678".
_PHONE_RE = re.compile(r"\+?\d[\d .\-()]{5,}\d")
_EDGE_PUNCT = "\"'«»“”‘’()[]{}<>.,;:!?…"
_MIN_TOKEN = 3
_SPACES_RE = re.compile(r"[ \t]+")
# Folded answers that mean "nothing confidential": cutting their words from public texts would mangle them.
_NOTHING = frozenset(
    {"", "khong", "khong co", "ko", "k", "none", "n a", "na", "khong co gi", "chua co"}
    | {f"khong co thong tin{tail}" for tail in ("", " bao mat", " can bao mat", " nao can bao mat", " mat")}
)


# Letters of other scripts that look like Latin ones: a code written «MАТ-ХYZ» with Cyrillic А, Т, Х is the
# same code to a reader.
_LOOK_ALIKES = str.maketrans(
    "АВЕКМНОРСТХУаеорсхукмтвніјѕΑΒΕΖΗΙΚΜΝΟΡΤΥΧαεικνορτυχ",
    "ABEKMHOPCTXYaeopcxykmtbhijsABEZHIKMNOPTYXaeikvoptux",
)
# A word of the confidential part this long is no Vietnamese syllable: a password, a name, a brand.
_LONG_WORD = 8


def _fold_char(ch: str) -> str:
    # NFKC first: full-width «ＭＡＴ－１２３» and other compatibility forms read as the plain characters.
    ch = unicodedata.normalize("NFKC", ch).translate(_LOOK_ALIKES)
    decomposed = unicodedata.normalize("NFD", ch.lower())
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.replace("đ", "d").replace("ð", "d")


def _fold(text: str) -> str:
    return "".join(_fold_char(ch) for ch in unicodedata.normalize("NFC", text))


def _alnum(text: str) -> str:
    return "".join(ch for ch in _fold(text) if ch.isalnum())


def _is_token_like(chunk: str) -> bool:
    """A code, number, password, e-mail: something that identifies by itself, unlike an ordinary word."""
    letters = sum(ch.isalpha() for ch in chunk)
    digits = sum(ch.isdigit() for ch in chunk)
    symbols = sum(not ch.isalnum() for ch in chunk)
    if "@" in chunk:
        return True
    if digits >= 4:
        return True
    if digits and (letters or symbols):
        return True
    # Letters joined by inner symbols with capitals or mixed case: "XYZ-ABC", "Ab#cd".
    return bool(symbols and letters and any(ch.isupper() for ch in chunk) and len(chunk) >= 5)


def _tokens(secret: str) -> set[str]:
    """The normalised (folded, letters and digits only) token-like strings of the confidential text."""
    found: set[str] = set()
    for chunk in secret.split():
        chunk = chunk.strip(_EDGE_PUNCT)
        if chunk.isalpha() and len(_alnum(chunk)) >= _LONG_WORD:
            found.add(_alnum(chunk))
            continue
        if chunk and _is_token_like(chunk):
            found.add(_alnum(chunk))
            # Each part of a compound ("MẬT-XYZ-123" → "123") that is token-like by itself counts too.
            for part in re.split(r"[^\w@]+", chunk):
                if part and _is_token_like(part):
                    found.add(_alnum(part))
    for match in _PHONE_RE.finditer(secret):
        digits = _alnum(match.group())
        if len(digits) >= 7:
            found.add(digits)
    return {t for t in found if len(t) >= _MIN_TOKEN}


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(_fold(m.group()), m.start(), m.end()) for m in _WORD_RE.finditer(unicodedata.normalize("NFC", text))]


def _runs(secret: str) -> set[tuple[str, ...]]:
    """Every run of RUN_SYLLABLES words of the confidential text."""
    words = [w for w, _, _ in _words(secret)]
    return {tuple(words[i : i + RUN_SYLLABLES]) for i in range(len(words) - RUN_SYLLABLES + 1)}


def _says_nothing(text: str) -> bool:
    """ "Không có", "Không có thông tin cần bảo mật", "N/A": an answer meaning there is nothing to keep."""
    words = " ".join(w for w, _, _ in _words(text))
    return words in _NOTHING


@dataclass(frozen=True)
class Secret:
    """The confidential part, prepared once for checking many public texts."""

    runs: frozenset[tuple[str, ...]]
    tokens: frozenset[str]

    @classmethod
    def of(cls, confidential: str | None) -> Secret:
        text = unicodedata.normalize("NFC", confidential or "")
        if _says_nothing(text):
            return cls(frozenset(), frozenset())
        return cls(frozenset(_runs(text)), frozenset(_tokens(text)))

    def __bool__(self) -> bool:
        return bool(self.runs or self.tokens)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where ``text`` (NFC) repeats confidential material, as merged (start, end) character spans."""
        spans: list[tuple[int, int]] = []
        words = _words(text)
        lengths = sorted({len(run) for run in self.runs}, reverse=True)
        for size in lengths:
            for i in range(len(words) - size + 1):
                if tuple(w for w, _, _ in words[i : i + size]) in self.runs:
                    spans.append((words[i][1], words[i + size - 1][2]))
        spans.extend(self._token_spans(text))
        return _merge(spans, text)

    def _token_spans(self, text: str) -> Iterable[tuple[int, int]]:
        if not self.tokens:
            return
        stream: list[str] = []
        where: list[int] = []
        for index, ch in enumerate(text):
            for folded in _fold_char(ch):
                if folded.isalnum():
                    stream.append(folded)
                    where.append(index)
        joined = "".join(stream)
        for token in self.tokens:
            start = joined.find(token)
            while start != -1:
                first, last = where[start], where[start + len(token) - 1]
                yield _widen(text, first, last + 1)
                start = joined.find(token, start + 1)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a cut to the whole whitespace-separated chunk(s) it touches: no half-code is left behind."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Overlapping spans, or spans with only spaces and punctuation between them, become one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and not any(ch.isalnum() for ch in text[merged[-1][1] : start]):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def redact(text: str, confidential: str | Secret | None) -> str:
    """``text`` with every repeat of confidential material replaced by «[…]», spaces tidied."""
    secret = confidential if isinstance(confidential, Secret) else Secret.of(confidential)
    text = unicodedata.normalize("NFC", text or "")
    if not secret or not text:
        return text
    spans = secret.spans(text)
    if not spans:
        return text
    pieces: list[str] = []
    position = 0
    for start, end in spans:
        pieces.append(text[position:start])
        pieces.append(CUT)
        position = end
    pieces.append(text[position:])
    return _SPACES_RE.sub(" ", "".join(pieces)).strip()


def leaks(text: str, confidential: str | Secret | None) -> list[str]:
    """The stretches of ``text`` that repeat confidential material (empty when there are none)."""
    secret = confidential if isinstance(confidential, Secret) else Secret.of(confidential)
    text = unicodedata.normalize("NFC", text or "")
    if not secret or not text:
        return []
    return [" ".join(text[start:end].split()) for start, end in secret.spans(text)]

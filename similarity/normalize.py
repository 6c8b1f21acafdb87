"""Vietnamese-aware text folding and syllable tokenisation.

Folding: Unicode NFC, lowercase, đ→d (and ð, which some keyboards produce instead), tone and vowel
marks stripped; a syllable is then a run of ASCII letters and digits, and anything else (punctuation,
spacing, other scripts) separates syllables. Text typed without diacritics and the properly accented
original fold to the same syllables: "Đổi mới, SÁNG TẠO!" → "doi moi sang tao".

Two paths compute the same syllables: ``sentences``/``fold`` on the whole text at once (fast, for
indexing), and ``tokens``, which also reports where each syllable sits. Its offsets refer to the NFC
form of the input (``to_nfc``); store texts as NFC and they line up with the stored text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final


def _build_fold_table() -> dict[int, str]:
    # One character in, one character out, so folding never moves character offsets.
    table: dict[int, str] = {}
    for start, end in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for cp in range(start, end):
            base = unicodedata.normalize("NFD", chr(cp))[0]
            if base.isascii() and base.isalpha():
                table[cp] = base.lower()
    for ch in "đĐðÐ":
        table[ord(ch)] = "d"
    return table


_FOLD_TABLE: Final = _build_fold_table()
_MARKS: Final = "\u0300-\u036f"  # combining diacritical marks
_MARKS_RE: Final = re.compile(f"[{_MARKS}]+")
# On the offset-keeping path, marks that NFC could not compose are still inside the text: a syllable
# may contain them, and they are removed from its folded form, as the fast path removes them.
_MARKED_SYLLABLE_RE: Final = re.compile(f"[a-z0-9{_MARKS}]*[a-z0-9][a-z0-9{_MARKS}]*")
# A sentence ends at a line break, or at . ! ? … ; : followed by anything but a letter, a digit or
# another of these (so "2.000.000", "TP.HCM" and "v.v..." stay whole).
_SENTENCE_END_RE: Final = re.compile(f"[.!?…;:](?=[{_MARKS}]*[^a-z0-9.!?…;:{_MARKS}])|\n")
# The fast path finds the same ends with byte operations: enders become ".", a line break stays,
# anything else that is not a letter or digit becomes a space; then ". " is an end.
_ENDERS: Final = ".!?;:"
_BYTE_CLASSES: Final = bytes(
    c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789\n" else ord(".") if chr(c) in _ENDERS else ord(" ")
    for c in range(256)
)
_OTHER_RE: Final = re.compile(f"[^\x00-\x7f{_MARKS}]+")  # non-ASCII, not a mark: separates syllables

# Very common function syllables, by their folded form. Dropping them makes shingles survive light
# rewording ("các"↔"những", an added "được"). Only forms that are almost always function words are
# listed: e.g. "co" (có/cơ quan), "de" (để/đề xuất), "cung" (cũng/cung cấp) are kept on purpose.
STOPWORDS: Final[frozenset[str]] = frozenset(
    {"va", "cac", "cua", "nhung", "duoc", "la", "mot", "nay", "voi", "trong", "se", "bi", "boi", "vao",
     "rat", "hoac", "theo", "tren"}
)


@dataclass(frozen=True, slots=True)
class Token:
    """One folded syllable and where it sits in the NFC text."""

    text: str
    start: int
    end: int
    sentence: int


def to_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _lower(nfc: str) -> str:
    lowered = nfc.lower()
    if len(lowered) != len(nfc):  # "İ" lowercases to two characters; keep offsets one to one
        lowered = "".join(ch.lower()[:1] for ch in nfc)
    return lowered


def _sentence_chunks(text: str) -> list[str]:
    """The text folded to lowercase ASCII, one string per sentence, syllables separated by spaces."""
    lowered = _lower(to_nfc(text)).replace("đ", "d").replace("ð", "d").replace("…", ".")
    if not lowered.isascii():
        lowered = _OTHER_RE.sub(" ", unicodedata.normalize("NFD", lowered))
    data = lowered.encode("ascii", "ignore")  # drops the combining marks left by NFD
    data = data.translate(_BYTE_CLASSES).replace(b". ", b"\n").replace(b".", b" ")
    return data.decode("ascii").split("\n")


def tokens(text: str) -> list[Token]:
    """Folded syllables of ``text`` with their offsets in its NFC form and their sentence number."""
    folded = _lower(to_nfc(text)).translate(_FOLD_TABLE)
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(folded)]
    out: list[Token] = []
    sentence = 0
    for m in _MARKED_SYLLABLE_RE.finditer(folded):
        start = m.start()
        while sentence < len(ends) and ends[sentence] <= start:
            sentence += 1
        word = m.group()
        if not word.isascii():
            word = _MARKS_RE.sub("", word)
        out.append(Token(word, start, m.end(), sentence))
    return out


def sentences(text: str, *, drop_stopwords: bool = False) -> list[list[str]]:
    """Folded syllables grouped by sentence; empty sentences are left out."""
    out: list[list[str]] = []
    for chunk in _sentence_chunks(text):
        words = chunk.split()
        if drop_stopwords:
            words = [w for w in words if w not in STOPWORDS]
        if words:
            out.append(words)
    return out


def syllables(text: str) -> list[str]:
    """The folded syllables of ``text``, in order."""
    return [w for chunk in _sentence_chunks(text) for w in chunk.split()]


def fold(text: str) -> str:
    """The folded form: syllables joined by single spaces (``"Đổi mới, sáng tạo!"`` → ``"doi moi sang tao"``)."""
    return " ".join(syllables(text))

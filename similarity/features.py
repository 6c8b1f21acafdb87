"""What the duplicate check compares: syllable pairs of a text, in a base form that survives how Vietnamese is
really typed.

Base form: the folded syllable (``normalize``: no marks, lowercase, đ→d), then Telex and VNI keystrokes left
unconverted are read back to the same letters: "tieesng vieejt" and "tie61ng vie65t" → "tieng viet". The
rules only touch what a folded Vietnamese syllable never contains — digits inside a word (VNI), a tone key
(s f r x j z) after the first vowel, the shape keys w, aa, ee, oo, dd (Telex) — so properly typed text is
unchanged, and both sides of a comparison go through the same rules anyway.

Features: 32-bit hashes of consecutive syllable pairs within a sentence (a one-syllable sentence gives its
syllable). Pairs rather than longer shingles: a copy with a quarter of its words replaced by synonyms still
keeps about half its pairs, and rarity weighting (``weights``) keeps common pairs from adding up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

from similarity.normalize import sentences, tokens
from similarity.shingles import _row

_VOWELS: Final = frozenset("aeiouy")
_TONE_KEYS: Final = frozenset("sfrxjz")
_DOUBLES_RE: Final = re.compile(r"aa|ee|oo|dd")
_CACHE_LIMIT: Final = 300_000
_base_cache: dict[str, str] = {}


def _convert(word: str) -> str:
    if not word.isalpha():
        if word.isdigit() or not any(c.isalpha() for c in word):
            return word
        word = "".join(c for c in word if c.isalpha())  # VNI: 1-5 tones, 6 7 8 shapes, 9 đ
    out: list[str] = []
    seen_vowel = False
    for c in word:
        if c in _VOWELS:
            seen_vowel = True
        elif c == "w":  # Telex ă ơ ư: after a vowel it only shapes it; alone it is ư
            if not (out and out[-1] in "aou"):
                out.append("u")
            continue
        elif seen_vowel and c in _TONE_KEYS:
            continue
        out.append(c)
    return _DOUBLES_RE.sub(lambda m: m.group()[0], "".join(out))


def base(syllable: str) -> str:
    """The base form of a folded syllable (see the module docstring)."""
    found = _base_cache.get(syllable)
    if found is None:
        if len(_base_cache) >= _CACHE_LIMIT:
            _base_cache.clear()
        found = _base_cache[syllable] = _convert(syllable)
    return found


def _pair_hashes(words: list[str]) -> list[int]:
    rows = [_row(base(w)) for w in words]
    if len(rows) == 1:
        return [rows[0][7] >> 32]
    return [(a[0] ^ b[1]) >> 32 for a, b in pairwise(rows)]


def sentence_features(words: list[str]) -> list[int]:
    """Features of one sentence (its folded syllables), in order: one per syllable pair."""
    return _pair_hashes(words) if words else []


def features(title: str, text: str) -> list[int]:
    """The sorted distinct features of a title and description together."""
    out: set[int] = set()
    for source in (title, text):
        for words in sentences(source):
            out.update(_pair_hashes(words))
    return sorted(out)


@dataclass(frozen=True, slots=True)
class Located:
    """A feature, the NFC character span it covers, and its sentence number within its text."""

    feature: int
    start: int
    end: int
    sentence: int


def located(text: str) -> list[Located]:
    """Features of ``text`` in reading order with their spans; same values as ``sentence_features``."""
    by_sentence: dict[int, list[tuple[str, int, int]]] = {}
    for t in tokens(text):
        by_sentence.setdefault(t.sentence, []).append((t.text, t.start, t.end))
    out: list[Located] = []
    for sentence, toks in by_sentence.items():
        hashes = _pair_hashes([w for w, _, _ in toks])
        for i, h in enumerate(hashes):
            last = toks[min(i + 1, len(toks) - 1)]
            out.append(Located(h, toks[i][1], last[2], sentence))
    return out

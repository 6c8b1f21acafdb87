"""Syllable k-shingles within sentences, with stable 64-bit hashes.

Shingles never cross a sentence boundary, so reordering sentences leaves the shingle set unchanged.
A sentence shorter than k syllables (but at least two) becomes one shingle of its own.
Function words are kept by default: on the labelled set, dropping ``normalize.STOPWORDS`` let more
of the stock phrasing of unrelated initiatives line up and scored partial copies lower.

Hashes are stored, so they must never change. They use simple tabulation hashing: keyed BLAKE2b
gives every syllable one random 64-bit value per position in a shingle (cached), and a shingle's
hash is the XOR of its syllables' values for their positions, which is three times cheaper than
hashing each shingle string and behaves well under MinHash (Pătraşcu and Thorup, 2012).
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import blake2b
from typing import Final

from similarity.normalize import STOPWORDS, sentences, tokens

SHINGLE_SIZE: Final = 3
MAX_SHINGLE_SIZE: Final = 8  # one 64-byte BLAKE2b digest per syllable: 8 positions
_PERSON: Final = b"sangkien-tab-v1"
_CACHE_LIMIT: Final = 200_000
_rows: dict[str, tuple[int, ...]] = {}


def _digest_values(data: bytes) -> tuple[int, ...]:
    digest = blake2b(data, digest_size=8 * MAX_SHINGLE_SIZE, person=_PERSON).digest()
    return tuple(int.from_bytes(digest[i : i + 8], "little") for i in range(0, len(digest), 8))


# Windows shorter than k (sentences of 2..k-1 syllables) are salted by their length.
_SHORT_SALT: Final = _digest_values(b"\x00short-window")


def _row(syllable: str) -> tuple[int, ...]:
    row = _rows.get(syllable)
    if row is None:
        if len(_rows) >= _CACHE_LIMIT:
            _rows.clear()
        row = _rows[syllable] = _digest_values(syllable.encode())
    return row


def _window_hash(rows: list[tuple[int, ...]], k: int) -> int:
    h = 0
    for position, row in enumerate(rows):
        h ^= row[position]
    return h if len(rows) == k else h ^ _SHORT_SALT[len(rows)]


def hash64(shingle: str, k: int = SHINGLE_SIZE) -> int:
    """Stable unsigned 64-bit hash of a folded shingle (syllables joined by single spaces)."""
    return _window_hash([_row(s) for s in shingle.split(" ")], k)


def _windows(n: int, k: int) -> list[tuple[int, int]]:
    """(first, last+1) index pairs of the shingles of a sentence of n syllables."""
    if n >= k:
        return [(i, i + k) for i in range(n - k + 1)]
    return [(0, n)] if n >= 2 else []


def sentence_hashes(words: list[str], k: int = SHINGLE_SIZE) -> list[int]:
    """Hashes of the shingles of one sentence (its folded syllables), in order."""
    if not 2 <= k <= MAX_SHINGLE_SIZE:
        raise ValueError(f"shingle size must be between 2 and {MAX_SHINGLE_SIZE}")
    rows = [_row(w) for w in words]
    if k == 3 and len(rows) >= 3:  # the hot path, unrolled
        return [a[0] ^ b[1] ^ c[2] for a, b, c in zip(rows, rows[1:], rows[2:], strict=False)]
    return [_window_hash(rows[a:b], k) for a, b in _windows(len(rows), k)]


def shingle_hashes(*texts: str, k: int = SHINGLE_SIZE, drop_stopwords: bool = False) -> set[int]:
    """The set of shingle hashes of all ``texts`` together (e.g. a title and a description)."""
    out: set[int] = set()
    for text in texts:
        for words in sentences(text, drop_stopwords=drop_stopwords):
            out.update(sentence_hashes(words, k))
    return out


@dataclass(frozen=True, slots=True)
class Shingle:
    """A shingle, the character span it covers in the NFC text (stopwords inside included), and the
    number of its sentence."""

    hash: int
    start: int
    end: int
    sentence: int


def shingles(text: str, *, k: int = SHINGLE_SIZE, drop_stopwords: bool = False) -> list[Shingle]:
    """Shingles of ``text`` in reading order, with their spans; same hashes as ``shingle_hashes``."""
    by_sentence: dict[int, list[tuple[str, int, int]]] = {}
    for t in tokens(text):
        if drop_stopwords and t.text in STOPWORDS:
            continue
        by_sentence.setdefault(t.sentence, []).append((t.text, t.start, t.end))
    out: list[Shingle] = []
    for sentence, toks in by_sentence.items():
        hashes = sentence_hashes([w for w, _, _ in toks], k)
        for h, (a, b) in zip(hashes, _windows(len(toks), k), strict=True):
            out.append(Shingle(h, toks[a][1], toks[b - 1][2], sentence))
    return out

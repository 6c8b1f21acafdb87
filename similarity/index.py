"""Duplicate-initiative search: fingerprints, the in-memory index and shared-passage marking.

How a check works (both indexes, in-memory here and SQL in ``storage.similarity_store``):

1. The new title and description are folded and cut into syllable 3-shingles (``shingles``).
2. Their MinHash signature gives up to ``BINS`` LSH keys (``minhash``). Every stored document
   sharing a key is a candidate; candidates are ranked by how many keys they share, rarer keys
   counting a little more (``key_weight``; df = how many documents hold the key, capped at
   ``KEY_POSTINGS_CAP``, which is also how many of them are read).
3. The best ``CANDIDATES`` candidates are verified exactly on their stored shingle fingerprints
   (``scoring.score``), and those at or above the threshold are returned, best first, with the
   passages of the new text that the stored one shares.
"""

from __future__ import annotations

import struct
import sys
from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, groupby, pairwise
from operator import attrgetter
from typing import Final, Literal

from similarity import minhash
from similarity.normalize import sentences, to_nfc, tokens
from similarity.scoring import score
from similarity.shingles import SHINGLE_SIZE, Shingle, sentence_hashes, shingle_hashes, shingles

# Calibrated on tests/data/similarity_cases.yaml: copies, paraphrases and partial copies score
# 0.20-1.0 there, different initiatives on the same topics at most 0.055 (0.09 at worst against
# 100,000 synthetic ones in bench/bench_similarity.py).
DEFAULT_THRESHOLD: Final = 0.15
CANDIDATES: Final = 32  # candidates verified exactly per query
KEY_POSTINGS_CAP: Final = 32  # documents read per LSH key (the oldest); commoner keys are sampled
MIN_RUN: Final = 3  # shared shingles count in runs of at least this many (5 syllables); see PreparedQuery

Field = Literal["title", "text"]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a text: offsets into its NFC form, and the stretch itself."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of the checked title or description that the matched initiative shares."""

    field: Field
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Match:
    doc_id: int
    score: float
    shared_passages: tuple[Passage, ...]


def fp32(h: int) -> int:
    """The stored fingerprint of a 64-bit shingle hash: its top 32 bits."""
    return h >> 32


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the indexes keep for one document."""

    shingles: frozenset[int]  # 32-bit shingle fingerprints of title and description together
    keys: tuple[int, ...]  # LSH band keys, 63-bit (with one-row bands: the MinHash signature)

    def packed_shingles(self) -> bytes:
        return pack_fingerprints(self.shingles)


def fingerprint(title: str, text: str) -> Fingerprint:
    hashes = shingle_hashes(title, text)
    return Fingerprint(frozenset([h >> 32 for h in hashes]), tuple(minhash.band_keys(minhash.signature(hashes))))


def pack_fingerprints(fps: Iterable[int]) -> bytes:
    values = sorted(fps)
    return struct.pack(f"<{len(values)}I", *values)


def unpack_fingerprints(data: bytes) -> array[int]:
    out = array("I")
    out.frombytes(data)
    if sys.byteorder == "big":
        out.byteswap()
    return out


class PreparedQuery:
    """A title and description to check, fingerprinted once, verified against many candidates.

    Shared shingles count only where they form a passage: a run of at least ``MIN_RUN``
    consecutive shingles of the checked text (5 syllables), or a whole shorter sentence. Stock
    phrases that unrelated initiatives share ("thủ tục hành chính", "người dân") then weigh nothing,
    while copied sentences, even reworded every few words, still do.
    """

    def __init__(self, title: str, text: str) -> None:
        self.title = to_nfc(title)
        self.text = to_nfc(text)
        # Per sentence with at least one shingle: its field and its shingles' fingerprints, in order.
        self._sentences: list[tuple[Field, list[int]]] = []
        hashes: set[int] = set()
        fields: tuple[tuple[Field, str], ...] = (("title", self.title), ("text", self.text))
        for field, source in fields:
            for words in sentences(source):
                if found := sentence_hashes(words):
                    hashes.update(found)
                    self._sentences.append((field, [h >> 32 for h in found]))
        self.fingerprints = frozenset([fp32(h) for h in hashes])
        self.keys = tuple(minhash.band_keys(minhash.signature(hashes)))

    def _runs(self, doc: set[int] | frozenset[int]) -> Iterator[tuple[int, int, int]]:
        """Shared passages as (sentence number, first shingle, last shingle + 1)."""
        for number, (_, fps) in enumerate(self._sentences):
            start = -1
            for i, fp in enumerate([*fps, None]):
                if fp is not None and fp in doc:
                    if start < 0:
                        start = i
                    continue
                if start >= 0 and (i - start >= MIN_RUN or i - start == len(fps)):
                    yield number, start, i
                start = -1

    def score(self, doc_fingerprints: Collection[int]) -> float:
        doc = _as_set(doc_fingerprints)
        shared = {fp for number, a, b in self._runs(doc) for fp in self._sentences[number][1][a:b]}
        return score(len(shared), len(self.fingerprints), len(doc))

    def passages(self, doc_fingerprints: Collection[int]) -> tuple[Passage, ...]:
        """The shared passages, in reading order (title first), located in the NFC texts."""
        runs = list(self._runs(_as_set(doc_fingerprints)))
        if not runs:
            return ()
        located: list[list[Shingle]] = []  # same sentences and shingles as self._sentences, with offsets
        for source in (self.title, self.text):
            located.extend(list(group) for _, group in groupby(shingles(source), key=attrgetter("sentence")))
        out: list[Passage] = []
        for number, a, b in runs:
            field = self._sentences[number][0]
            source = self.title if field == "title" else self.text
            start, end = located[number][a].start, located[number][b - 1].end
            out.append(Passage(field, start, end, source[start:end]))
        return tuple(out)

    def matches(
        self,
        candidates: Iterable[tuple[int, Collection[int]]],
        *,
        top_k: int,
        threshold: float,
    ) -> list[Match]:
        """Verify candidates (doc_id, fingerprints) and keep the best ``top_k`` at or above threshold."""
        scored = []
        n = len(self.fingerprints)
        for doc_id, fps in candidates:
            # Counting every shared shingle bounds the score from above: a cheap first cut.
            if score(len(self.fingerprints.intersection(fps)), n, len(fps)) < threshold:
                continue
            s = self.score(fps)
            if s >= threshold:
                scored.append((s, doc_id, fps))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [Match(doc_id, round(s, 4), self.passages(fps)) for s, doc_id, fps in scored[:top_k]]


def _as_set(fps: Collection[int]) -> set[int] | frozenset[int]:
    return fps if isinstance(fps, set | frozenset) else set(fps)


def key_weight(df: int) -> float:
    """What sharing one LSH key held by ``df`` documents is worth when ranking candidates.

    Mostly the count of shared keys: a weak partial copy shares a few keys, often common ones,
    while an unrelated text shares one at most. Rarity breaks ties. (Kept to + and / so the SQL
    index computes the same.)
    """
    return 1.0 + 1.0 / df


def rank_candidates(weights: dict[int, float], limit: int = CANDIDATES) -> list[int]:
    """Candidates with the highest key weights; ties go to the lower (older) number."""
    return sorted(weights, key=lambda d: (-weights[d], d))[:limit]


# In memory, a posting is one 64-bit integer: the key's top 40 bits, then a 24-bit slot number.
_SLOT_BITS: Final = 24
_SLOT_MASK: Final = (1 << _SLOT_BITS) - 1
_KEY_SHIFT: Final = minhash.KEY_BITS - (64 - _SLOT_BITS)
_RECENT_LIMIT: Final = 1 << 16  # postings kept in the dict before they are sorted into a level
_LEVEL_RATIO: Final = 8


def _sorted_by_top_byte(buckets: Iterable[Iterable[int]]) -> array[int]:
    """Concatenate buckets, each sorted on its own (every bucket holds one value of the top byte)."""
    out = array("Q")
    for bucket in buckets:
        out.extend(sorted(bucket))
    return out


def _split_by_top_byte(level: array[int]) -> list[array[int]]:
    """A sorted level cut into its 256 top-byte ranges, by bisection (no per-posting work)."""
    bounds = [0] + [bisect_left(level, top << 56) for top in range(1, 256)] + [len(level)]
    return [level[i:j] for i, j in pairwise(bounds)]


def _merge_levels(a: array[int], b: array[int]) -> array[int]:
    return _sorted_by_top_byte(
        chain(x, y) for x, y in zip(_split_by_top_byte(a), _split_by_top_byte(b), strict=True)
    )


class _Postings:
    """LSH key → slots, as sorted arrays of packed postings.

    A small LSM tree: the latest single additions sit in a dict; every ``_RECENT_LIMIT`` postings
    they are sorted into a new level, and a level is merged into the one above once it reaches an
    eighth of its size. A lookup bisects each of the few levels. 8 bytes per posting, so 100,000
    documents with 64 keys each take about 50 MB where a dict of lists would take over 800 MB.
    """

    def __init__(self) -> None:
        self._levels: list[array[int]] = []  # oldest and largest first
        self._recent: dict[int, list[int]] = {}
        self._recent_count = 0

    def add(self, slot: int, keys: Iterable[int]) -> None:
        for key in keys:
            self._recent.setdefault(key >> _KEY_SHIFT, []).append(slot)
            self._recent_count += 1
        if self._recent_count >= _RECENT_LIMIT:
            self._push(self._take_recent())

    def add_bulk(self, items: Iterable[tuple[int, Iterable[int]]]) -> None:
        """Add (slot, keys) items straight into one new sorted level."""
        buckets = [array("Q") for _ in range(256)]
        for slot, keys in items:
            for key in keys:
                posting = ((key >> _KEY_SHIFT) << _SLOT_BITS) | slot
                buckets[posting >> 56].append(posting)
        self._push(_sorted_by_top_byte(buckets))

    def lookup(self, key: int, cap: int) -> tuple[int, list[int]]:
        """(number of postings, the first ``cap`` slots, oldest first) for a key."""
        short = key >> _KEY_SHIFT
        lo = short << _SLOT_BITS
        hi = lo + (1 << _SLOT_BITS)
        df = 0
        slots: list[int] = []
        for level in self._levels:
            i = bisect_left(level, lo)
            j = bisect_left(level, hi, i)
            df += j - i
            room = cap - len(slots)
            if room > 0 and j > i:
                slots.extend(p & _SLOT_MASK for p in level[i : min(j, i + room)])
        recent = self._recent.get(short, ())
        df += len(recent)
        room = cap - len(slots)
        if room > 0:
            slots.extend(recent[:room])
        return df, slots

    def renumber(self, remap: Sequence[int]) -> None:
        """Rewrite every posting with its new slot number (-1 drops it), into a single level."""
        buckets = [array("Q") for _ in range(256)]
        for posting in chain(*self._levels, self._take_recent()):
            slot = remap[posting & _SLOT_MASK]
            if slot >= 0:
                posting = (posting & ~_SLOT_MASK) | slot
                buckets[posting >> 56].append(posting)
        self._levels = []
        self._push(_sorted_by_top_byte(buckets))

    def approx_bytes(self) -> int:
        recent = sum(sys.getsizeof(v) for v in self._recent.values()) + sys.getsizeof(self._recent)
        return sum(sys.getsizeof(level) for level in self._levels) + recent

    def _take_recent(self) -> array[int]:
        postings = array("Q")
        for short, slots in self._recent.items():
            postings.extend((short << _SLOT_BITS) | slot for slot in slots)
        self._recent = {}
        self._recent_count = 0
        return array("Q", sorted(postings))

    def _push(self, level: array[int]) -> None:
        if level:
            self._levels.append(level)
        while len(self._levels) > 1 and len(self._levels[-1]) * _LEVEL_RATIO >= len(self._levels[-2]):
            newer = self._levels.pop()
            older = self._levels.pop()
            self._levels.append(_merge_levels(older, newer))


class InMemoryIndex:
    """All stored initiatives' fingerprints in process memory (about 1.5 kB per initiative).

    ``add`` replaces a document already stored under the same id (an edit). Not thread-safe.
    """

    def __init__(self, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._slot_of: dict[int, int] = {}
        self._doc_of: list[int | None] = []  # slot → doc_id, None once removed
        self._fps: list[array[int] | None] = []  # slot → sorted 32-bit fingerprints
        self._postings = _Postings()
        self._dead = 0

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._slot_of

    def approx_bytes(self) -> int:
        """Rough size of the index structures (arrays, lists, dicts), for capacity planning."""
        fps = sum(sys.getsizeof(a) for a in self._fps if a is not None)
        lists = sys.getsizeof(self._fps) + sys.getsizeof(self._doc_of) + sys.getsizeof(self._slot_of)
        return fps + lists + self._postings.approx_bytes()

    def add(self, doc_id: int, title: str, text: str) -> None:
        fp = fingerprint(title, text)
        self._postings.add(self._store(doc_id, fp), fp.keys)

    def add_many(self, docs: Iterable[tuple[int, str, str]]) -> None:
        """Add (doc_id, title, text) items; the fast way to build an index from scratch."""

        def items() -> Iterator[tuple[int, tuple[int, ...]]]:
            for doc_id, title, text in docs:
                fp = fingerprint(title, text)
                yield self._store(doc_id, fp), fp.keys

        self._postings.add_bulk(items())

    def remove(self, doc_id: int) -> bool:
        slot = self._slot_of.pop(doc_id, None)
        if slot is None:
            return False
        self._doc_of[slot] = None
        self._fps[slot] = None
        self._dead += 1
        if self._dead > max(1024, len(self._doc_of) >> 2):
            self._compact()
        return True

    def query(
        self,
        title: str,
        text: str,
        *,
        top_k: int = 5,
        threshold: float | None = None,
        exclude: Collection[int] = (),
    ) -> list[Match]:
        """Stored initiatives most like this title and description, best first."""
        q = PreparedQuery(title, text)
        weights: dict[int, float] = {}
        for key in q.keys:
            df, slots = self._postings.lookup(key, KEY_POSTINGS_CAP)
            w = key_weight(min(df, KEY_POSTINGS_CAP)) if df else 0.0
            for slot in slots:
                weights[slot] = weights.get(slot, 0.0) + w
        candidates: list[tuple[int, Collection[int]]] = []
        for slot in rank_candidates(weights, CANDIDATES + len(exclude)):
            doc_id = self._doc_of[slot]
            fps = self._fps[slot]
            if doc_id is not None and fps is not None and doc_id not in exclude:
                candidates.append((doc_id, fps))
        return q.matches(candidates, top_k=top_k, threshold=self.threshold if threshold is None else threshold)

    def _store(self, doc_id: int, fp: Fingerprint) -> int:
        """Give the document a new slot (retiring its old one, if any) and keep its fingerprints."""
        if doc_id in self._slot_of:
            self.remove(doc_id)
        if len(self._doc_of) > _SLOT_MASK:
            self._compact()
            if len(self._doc_of) > _SLOT_MASK:
                raise OverflowError("InMemoryIndex holds at most 16.7 million documents")
        slot = len(self._doc_of)
        self._slot_of[doc_id] = slot
        self._doc_of.append(doc_id)
        self._fps.append(array("I", sorted(fp.shingles)))
        return slot

    def _compact(self) -> None:
        """Drop removed documents and renumber the slots densely."""
        remap = [-1] * len(self._doc_of)
        docs: list[int | None] = []
        fps: list[array[int] | None] = []
        for slot, doc_id in enumerate(self._doc_of):
            if doc_id is not None:
                remap[slot] = len(docs)
                self._slot_of[doc_id] = len(docs)
                docs.append(doc_id)
                fps.append(self._fps[slot])
        self._postings.renumber(remap)
        self._doc_of, self._fps, self._dead = docs, fps, 0


def shared_passages(
    a_text: str, b_text: str, *, min_syllables: int = SHINGLE_SIZE + 2
) -> list[tuple[Span, Span]]:
    """Passages of ``a_text`` repeated in ``b_text``, side by side, in the order they occur in a.

    Matching is on folded syllables, so a passage retyped without diacritics or with other
    punctuation still pairs up; spans point into each text's NFC form. Each passage is the longest
    common run starting there, at least ``min_syllables`` long.
    """
    a_nfc, b_nfc = to_nfc(a_text), to_nfc(b_text)
    a, b = tokens(a_nfc), tokens(b_nfc)
    a_words, b_words = [t.text for t in a], [t.text for t in b]
    k = SHINGLE_SIZE
    where: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(b_words) - k + 1):
        where.setdefault(tuple(b_words[j : j + k]), []).append(j)
    out: list[tuple[Span, Span]] = []
    i = 0
    while i <= len(a_words) - k:
        best_len, best_j = 0, -1
        for j in where.get(tuple(a_words[i : i + k]), ()):
            n = k
            while i + n < len(a_words) and j + n < len(b_words) and a_words[i + n] == b_words[j + n]:
                n += 1
            if n > best_len:
                best_len, best_j = n, j
        if best_len >= min_syllables:
            a0, a1 = a[i].start, a[i + best_len - 1].end
            b0, b1 = b[best_j].start, b[best_j + best_len - 1].end
            out.append((Span(a0, a1, a_nfc[a0:a1]), Span(b0, b1, b_nfc[b0:b1])))
            i += best_len
        else:
            i += 1
    return out

"""Duplicate-initiative search: the check shared by every index, the in-memory index, shared-passage marking.

How a check works (the same for the in-memory index here and the SQL one in ``storage.similarity_store``;
both only supply document frequencies, postings and stored features, and this module decides):

1. The new title and description become features: syllable pairs in a typing-proof base form
   (``features``).
2. Each feature weighs by its rarity in the stored corpus, ``idf`` = ln(1 + (N + 1) / (df + 1)): N stored
   initiatives, df of them holding the feature (never zero, so a corpus of one still finds its copy). The
   frequencies are kept by the index and change on every insert, so a legal preamble that opens hundreds of
   initiatives, or the province's stock phrases, weigh little because the data says so, not because a list
   does. The title weighs a quarter: titles repeat across different initiatives.
3. Candidates (prefix filtering): the query's features are taken rarest first, and every posting of each is
   read (no cap, no sampling, whatever the age of the initiative) until the features left unread weigh less
   than ``CANDIDATE_SHARE`` of those any stored initiative holds. An initiative holding at least that share
   of them must hold one of the features read; copies share many rare features anyway. Candidates are
   ranked by how many of those rare features they hold (ties to the lower id), and the best ``CANDIDATES``
   are scored exactly.
4. Score = weighted containment of the query in the stored initiative: the weight of the features they
   share over the query's own weight. A copied paragraph of a longer text scores as high as a whole copy.
5. Flagged: at or above the threshold and ``MARGIN`` above the background (``flagged``).
"""

from __future__ import annotations

import heapq
import math
import struct
import sys
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from operator import itemgetter
from typing import Final, Literal

from similarity.features import Located, features, located, sentence_features
from similarity.normalize import sentences, to_nfc, tokens

# Chosen on bench/dup_corpus.py (100,000 initiatives the check was never tuned on) and the labelled set in
# tests/data: see README. The threshold is the floor; the margin over the background does most of the work.
DEFAULT_THRESHOLD: Final = 0.25
MARGIN: Final = 0.2
BACKGROUND_RANK: Final = 10
SURE: Final = 0.8  # flagged whatever the background (an initiative copied many times over)
CANDIDATES: Final = 100  # candidates scored exactly per check, the best by the weight they share in the prefix
IDF_POWER: Final = 1.0  # tried 1.5 and 2: typos and partial copies lost more than the background
TITLE_FACTOR: Final = 0.25
# Postings are read, rarest feature first, until the description features left weigh less than this share of
# those held by any stored initiative: the rarest fifth of the weight, some 20 features and 15,000 postings
# at 100,000 initiatives. Measured on bench/dup_corpus.py at 100,000: 0.6 reads 4.5 times as many postings
# for the same answers; 0.85 still found every copy.
CANDIDATE_SHARE: Final = 0.8
MIN_BASIS: Final = 6.0  # a query counts at least this many features at full weight (very short texts)
MIN_RUN: Final = 3  # a shared passage: at least this many consecutive shared pairs (4 syllables)
N_KEY: Final = -1  # where the SQL index keeps N, beside the document frequencies

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


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the indexes keep for one document: its distinct features, sorted."""

    features: tuple[int, ...]

    @property
    def shingles(self) -> tuple[int, ...]:  # the name callers knew
        return self.features

    def packed(self) -> bytes:
        return pack_fingerprints(self.features)


def fingerprint(title: str, text: str) -> Fingerprint:
    return Fingerprint(tuple(features(title, text)))


def pack_fingerprints(fps: Iterable[int]) -> bytes:
    values = sorted(fps)
    return struct.pack(f"<{len(values)}I", *values)


def unpack_fingerprints(data: bytes) -> array[int]:
    out = array("I")
    out.frombytes(data)
    if sys.byteorder == "big":
        out.byteswap()
    return out


def discount(df: dict[int, int], n: int, excluded: Iterable[Collection[int]]) -> tuple[dict[int, int], int]:
    """Frequencies and N as if the excluded stored documents (e.g. the initiative being re-checked) were not
    stored: a resubmitted text must not make its own wording look common."""
    for fps in excluded:
        n -= 1
        for f in fps:
            if f in df:
                df[f] -= 1
                if df[f] <= 0:
                    del df[f]
    return df, n


def idf(df: int, n: int) -> float:
    """Weight of a feature held by ``df`` of ``n`` stored initiatives."""
    return math.log(1 + (n + 1) / (df + 1)) ** IDF_POWER


class PreparedQuery:
    """A title and description to check, cut into features once, planned and scored against many candidates."""

    def __init__(self, title: str, text: str) -> None:
        self.title = to_nfc(title)
        self.text = to_nfc(text)
        self._sentences: list[tuple[Field, list[int]]] = []  # per sentence: its field and features in order
        found: set[int] = set()
        fields: tuple[tuple[Field, str], ...] = (("title", self.title), ("text", self.text))
        for field, source in fields:
            for words in sentences(source):
                fs = sentence_features(words)
                found.update(fs)
                self._sentences.append((field, fs))
        self.features: tuple[int, ...] = tuple(sorted(found))
        in_text = {f for field, fs in self._sentences if field == "text" for f in fs}
        # The title alone weighs less: titles repeat across different initiatives ("Ứng dụng … trong quản lý
        # hồ sơ"), the description is what gets copied. A text with no description still counts its title.
        self._factor = {f: 1.0 if f in in_text or not in_text else TITLE_FACTOR for f in self.features}
        self.fingerprints = frozenset(self.features)
        self.weights: dict[int, float] = {}
        self.basis = MIN_BASIS

    # --- planning: what to read -------------------------------------------------------------------------

    def weigh(self, df: Mapping[int, int], n: int) -> None:
        """Weigh every feature by its rarity among ``n`` stored initiatives (``df``: feature → how many hold it,
        absent = none)."""
        self.weights = {f: idf(df.get(f, 0), n) * self._factor[f] for f in self.features}
        self.basis = max(math.fsum(self.weights.values()), MIN_BASIS * idf(0, n))

    def prefix(self, df: Mapping[int, int]) -> list[int]:
        """The features whose postings are read, rarest first (ties by value): the shortest run after which
        the features left weigh less than ``CANDIDATE_SHARE`` of all the query's description features (title
        features when there is no description) held by some stored initiative. Any initiative holding that
        share of them holds one of the features read, whatever its age; features nobody holds are skipped."""
        order = sorted((f for f in self.features if df.get(f, 0) > 0 and self._factor[f] == 1.0),
                       key=lambda f: (df[f], f))
        left = math.fsum(self.weights[f] for f in order)
        stop = CANDIDATE_SHARE * left
        out: list[int] = []
        for f in order:
            if left < stop:
                break
            out.append(f)
            left -= self.weights[f]
        return out

    # --- scoring ----------------------------------------------------------------------------------------

    def score(self, doc_fingerprints: Collection[int]) -> float:
        """Weighted containment of this text in the document. Before ``weigh``, every feature weighs 1.
        (``math.fsum`` is exact, so the order the shared features come in never changes the score.)"""
        shared = self.fingerprints.intersection(doc_fingerprints)
        if not self.weights:
            return min(len(shared) / max(len(self.features), MIN_BASIS), 1.0)
        return min(math.fsum(map(self.weights.__getitem__, shared)) / self.basis, 1.0)

    def _runs(self, doc: set[int] | frozenset[int]) -> Iterator[tuple[int, int, int]]:
        """Shared passages as (sentence number, first feature, last feature + 1)."""
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

    def passages(self, doc_fingerprints: Collection[int]) -> tuple[Passage, ...]:
        """The shared passages, in reading order (title first), located in the NFC texts."""
        runs = list(self._runs(_as_set(doc_fingerprints)))
        if not runs:
            return ()
        spans: list[list[Located]] = []  # same sentences and features as self._sentences, with offsets
        for source in (self.title, self.text):
            by_sentence: dict[int, list[Located]] = {}
            for item in located(source):
                by_sentence.setdefault(item.sentence, []).append(item)
            spans.extend(by_sentence.values())
        out: list[Passage] = []
        for number, a, b in runs:
            field = self._sentences[number][0]
            source = self.title if field == "title" else self.text
            start, end = spans[number][a].start, spans[number][b - 1].end
            out.append(Passage(field, start, end, source[start:end]))
        return tuple(out)

    def matches(
        self,
        candidates: Iterable[tuple[int, Collection[int]]],
        *,
        top_k: int,
        threshold: float,
        margin: float = MARGIN,
    ) -> list[Match]:
        """Score candidates (doc_id, features) and keep the best ``top_k`` that are at or above the threshold and
        stand out from the background (see ``flagged``)."""
        scored = sorted(((round(self.score(fps), 4), doc_id, fps) for doc_id, fps in candidates),
                        key=lambda item: (-item[0], item[1]))
        background = scored[BACKGROUND_RANK - 1][0] if len(scored) >= BACKGROUND_RANK else 0.0
        return [
            Match(doc_id, s, self.passages(fps))
            for s, doc_id, fps in scored
            if flagged(s, background, threshold, margin)
        ][:top_k]


def flagged(score: float, background: float, threshold: float, margin: float = MARGIN) -> bool:
    """Whether a score is a near match: at or above the threshold, and either ``SURE`` or at least ``margin``
    above the background — the score of the ``BACKGROUND_RANK``-th best candidate, i.e. how alike the
    initiatives on the same subject look to this text anyway. A copy stands out from them, a new text on a
    well-trodden subject does not, however much stock wording they share."""
    return score >= threshold and (score >= max(SURE, threshold) or score - background >= margin)


def top_candidates(counts: Mapping[int, int]) -> list[int]:
    """The ``CANDIDATES`` doc ids holding the most prefix features (``counts``), ties to the lower id: what the
    SQL index computes with ORDER BY count DESC, doc_id LIMIT."""
    if len(counts) <= CANDIDATES:
        return sorted(counts, key=lambda d: (-counts[d], d))
    cut = heapq.nlargest(CANDIDATES, counts.values())[-1]
    above = sorted((d for d, c in counts.items() if c > cut), key=lambda d: (-counts[d], d))
    return above + sorted(d for d, c in counts.items() if c == cut)[: CANDIDATES - len(above)]


def _as_set(fps: Collection[int]) -> set[int] | frozenset[int]:
    return fps if isinstance(fps, set | frozenset) else set(fps)


# In memory, a posting is one 64-bit integer: the 32-bit feature, then a 32-bit slot number.
_SLOT_BITS: Final = 32
_SLOT_MASK: Final = (1 << _SLOT_BITS) - 1
_LITTLE: Final = sys.byteorder == "little"
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
    """Feature → slots, as sorted arrays of packed postings; the number of postings is the feature's df.

    A small LSM tree: the latest single additions sit in a dict; every ``_RECENT_LIMIT`` postings they are
    sorted into a new level, and a level is merged into the one above once it reaches an eighth of its size.
    A lookup bisects each of the few levels. 8 bytes per posting.
    """

    def __init__(self) -> None:
        self._levels: list[array[int]] = []  # oldest and largest first
        self._recent: dict[int, list[int]] = {}
        self._recent_count = 0

    def add(self, slot: int, feats: Iterable[int]) -> None:
        for f in feats:
            self._recent.setdefault(f, []).append(slot)
            self._recent_count += 1
        if self._recent_count >= _RECENT_LIMIT:
            self._push(self._take_recent())

    def add_bulk(self, items: Iterable[tuple[int, Iterable[int]]]) -> None:
        """Add (slot, features) items straight into one new sorted level."""
        buckets = [array("Q") for _ in range(256)]
        for slot, feats in items:
            for f in feats:
                buckets[f >> 24].append((f << _SLOT_BITS) | slot)
        self._push(_sorted_by_top_byte(buckets))

    def count(self, feature: int) -> int:
        lo = feature << _SLOT_BITS
        hi = lo + (1 << _SLOT_BITS)
        n = len(self._recent.get(feature, ()))
        for level in self._levels:
            i = bisect_left(level, lo)
            n += bisect_left(level, hi, i) - i
        return n

    def slots(self, feature: int) -> list[int]:
        """Every slot holding the feature."""
        lo = feature << _SLOT_BITS
        hi = lo + (1 << _SLOT_BITS)
        out: list[int] = []
        for level in self._levels:
            i = bisect_left(level, lo)
            j = bisect_left(level, hi, i)
            if j > i:
                if _LITTLE:  # the low halves of the 64-bit postings, read as 32-bit words in C
                    out.extend(memoryview(level).cast("B").cast("I")[2 * i : 2 * j : 2])
                else:
                    out.extend(p & _SLOT_MASK for p in level[i:j])
        out.extend(self._recent.get(feature, ()))
        return out

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
        for f, slots in self._recent.items():
            postings.extend((f << _SLOT_BITS) | slot for slot in slots)
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
    """All stored initiatives' features in process memory (about 2 kB per initiative).

    ``add`` replaces a document already stored under the same id (an edit). Not thread-safe.
    """

    def __init__(self, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._slot_of: dict[int, int] = {}
        self._doc_of: list[int | None] = []  # slot → doc_id, None once removed
        self._fps: list[array[int] | None] = []  # slot → sorted features
        self._postings = _Postings()
        self._dead_df: dict[int, int] = {}  # postings of removed documents not yet compacted away, per feature
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
        self._postings.add(self._store(doc_id, fp), fp.features)

    def add_many(self, docs: Iterable[tuple[int, str, str]]) -> None:
        """Add (doc_id, title, text) items; the fast way to build an index from scratch."""

        def items() -> Iterator[tuple[int, tuple[int, ...]]]:
            for doc_id, title, text in docs:
                fp = fingerprint(title, text)
                yield self._store(doc_id, fp), fp.features

        self._postings.add_bulk(items())

    def remove(self, doc_id: int) -> bool:
        slot = self._slot_of.pop(doc_id, None)
        if slot is None:
            return False
        fps = self._fps[slot]
        for f in fps or ():
            self._dead_df[f] = self._dead_df.get(f, 0) + 1
        self._doc_of[slot] = None
        self._fps[slot] = None
        self._dead += 1
        if self._dead > max(1024, len(self._doc_of) >> 2):
            self._compact()
        return True

    def df(self, feats: Iterable[int]) -> dict[int, int]:
        """How many stored initiatives hold each feature (features nobody holds are left out)."""
        out = {}
        for f in feats:
            n = self._postings.count(f) - self._dead_df.get(f, 0)
            if n:
                out[f] = n
        return out

    def query(
        self,
        title: str,
        text: str,
        *,
        top_k: int = 5,
        threshold: float | None = None,
        exclude: Collection[int] = (),
        margin: float = MARGIN,
    ) -> list[Match]:
        """Stored initiatives most like this title and description, best first."""
        q = PreparedQuery(title, text)
        if not q.features:
            return []
        excluded = [self._fps[self._slot_of[d]] or () for d in exclude if d in self._slot_of]
        df, n = discount(self.df(q.features), len(self._slot_of), excluded)
        q.weigh(df, n)
        prefix = q.prefix(df)
        counts = Counter(chain.from_iterable(map(self._postings.slots, prefix)))  # slot → prefix features held
        # Only slots that can make the top need their doc id: sort the counts in C, keep down to the count at
        # place CANDIDATES (counting past removed and excluded documents), ties included.
        ordered = sorted(counts.items(), key=itemgetter(1), reverse=True)
        by_doc: dict[int, int] = {}
        floor = 0
        for slot, held in ordered:
            if held < floor:
                break
            doc_id = self._doc_of[slot]
            if doc_id is None or doc_id in exclude:
                continue
            by_doc[doc_id] = held
            if len(by_doc) == CANDIDATES:
                floor = held
        candidates = []
        for doc_id in top_candidates(by_doc):
            fps = self._fps[self._slot_of[doc_id]]
            assert fps is not None
            candidates.append((doc_id, fps))
        threshold = self.threshold if threshold is None else threshold
        return q.matches(candidates, top_k=top_k, threshold=threshold, margin=margin)

    def _store(self, doc_id: int, fp: Fingerprint) -> int:
        """Give the document a new slot (retiring its old one, if any) and keep its features."""
        if doc_id in self._slot_of:
            self.remove(doc_id)
        if len(self._doc_of) > _SLOT_MASK:
            self._compact()
        slot = len(self._doc_of)
        self._slot_of[doc_id] = slot
        self._doc_of.append(doc_id)
        self._fps.append(array("I", fp.features))
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
        self._doc_of, self._fps, self._dead, self._dead_df = docs, fps, 0, {}


def shared_passages(
    a_text: str, b_text: str, *, min_syllables: int = 5
) -> list[tuple[Span, Span]]:
    """Passages of ``a_text`` repeated in ``b_text``, side by side, in the order they occur in a.

    Matching is on folded syllables, so a passage retyped without diacritics or with other
    punctuation still pairs up; spans point into each text's NFC form. Each passage is the longest
    common run starting there, at least ``min_syllables`` long.
    """
    a_nfc, b_nfc = to_nfc(a_text), to_nfc(b_text)
    a, b = tokens(a_nfc), tokens(b_nfc)
    a_words, b_words = [t.text for t in a], [t.text for t in b]
    k = 3
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

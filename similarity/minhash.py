"""MinHash signatures (one-permutation hashing) and LSH banding, in pure Python.

Classic MinHash needs one hash function per signature row: ~64 multiplications per shingle. With
one-permutation hashing the shingle's own 64-bit hash picks a bin (its low bits) and the bin keeps the
smallest remaining value, so a signature costs one pass over the shingles. For two sets, a bin that
is non-empty in both holds the same value with probability equal to their Jaccard similarity.

Bands of ``rows`` bins become LSH keys. With ``rows=1`` every non-empty bin is a key, which keeps
recall high for partial copies (Jaccard 0.1-0.3): P(no shared key) ≈ (1-J)^bins. Candidates are
then verified exactly, so a loose filter costs little.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from hashlib import blake2b
from typing import Final

BINS: Final = 64
ROWS: Final = 1
EMPTY: Final = -1  # an empty bin (short texts); such bins and the bands that contain them give no key
KEY_BITS: Final = 63  # band keys fit a signed BIGINT
_KEY_MASK: Final = (1 << KEY_BITS) - 1


def signature(hashes: Iterable[int], bins: int = BINS) -> list[int]:
    """One-permutation MinHash of a set of 64-bit hashes: per bin, the smallest value, or EMPTY."""
    if bins & (bins - 1) or not 1 <= bins <= 256:
        raise ValueError("bins must be a power of two between 1 and 256")
    shift = bins.bit_length() - 1
    mask = bins - 1
    best = [1 << 64] * bins
    for h in hashes:
        b = h & mask
        v = h >> shift
        if v < best[b]:
            best[b] = v
    return [EMPTY if v == 1 << 64 else v for v in best]


def band_keys(sig: Sequence[int], rows: int = ROWS) -> list[int]:
    """LSH keys of a signature: one per band of ``rows`` consecutive bins with no empty bin."""
    bins = len(sig)
    if rows < 1 or bins % rows:
        raise ValueError("rows must divide the signature length")
    shift = (bins - 1).bit_length()
    keys: list[int] = []
    for band in range(bins // rows):
        part = sig[band * rows : (band + 1) * rows]
        if EMPTY in part:
            continue
        if rows == 1:
            # The bin's minimum with the bin number appended: distinct bins never share a key.
            keys.append(((part[0] << shift) | band) & _KEY_MASK)
        else:
            data = band.to_bytes(2, "little") + b"".join(v.to_bytes(8, "little") for v in part)
            keys.append(int.from_bytes(blake2b(data, digest_size=8).digest(), "little") & _KEY_MASK)
    return keys


def estimate_jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    """Jaccard estimate from two signatures: equal bins among bins non-empty in either (diagnostics)."""
    if len(a) != len(b):
        raise ValueError("signatures differ in length")
    used = same = 0
    for x, y in zip(a, b, strict=True):
        if x == EMPTY and y == EMPTY:
            continue
        used += 1
        same += x == y
    return same / used if used else 0.0

"""The final similarity score of two shingle sets, in [0, 1].

Jaccard (shared / union) says how alike two whole texts are; containment (shared / smaller set) says
how much of the smaller text sits inside the other, which is what a partial copy looks like: a new
text that lifts half of an older one shares few shingles relative to the union, but most of its
copied part is contained. The score blends both, leaning on containment.

A text with very few shingles would be "contained" in many others by accident, so containment
divides by at least ``MIN_BASIS`` shingles; two short texts that are the same still score 1 through
their Jaccard similarity.
"""

from __future__ import annotations

from typing import Final

CONTAINMENT_WEIGHT: Final = 0.75
MIN_BASIS: Final = 24


def jaccard(shared: int, size_a: int, size_b: int) -> float:
    union = size_a + size_b - shared
    return shared / union if union else 0.0


def containment(shared: int, size_a: int, size_b: int) -> float:
    """Share of the smaller set found in the other, the smaller set counting at least MIN_BASIS."""
    basis = max(min(size_a, size_b), MIN_BASIS)
    return min(shared / basis, 1.0)


def score(shared: int, size_a: int, size_b: int) -> float:
    """Blend of containment and Jaccard for two sets of the given sizes sharing ``shared`` items."""
    if shared <= 0:
        return 0.0
    c = containment(shared, size_a, size_b)
    j = jaccard(shared, size_a, size_b)
    return max(CONTAINMENT_WEIGHT * c + (1.0 - CONTAINMENT_WEIGHT) * j, j)


def score_sets(a: set[int] | frozenset[int], b: set[int] | frozenset[int]) -> float:
    return score(len(a & b), len(a), len(b))

"""Vietnamese-aware duplicate detection for initiatives (sáng kiến).

Public API: ``InMemoryIndex`` (add / remove / query), ``Match``, ``Passage``, ``Span``,
``shared_passages`` for the side-by-side council view, ``fold`` for accent-insensitive text, and
``DEFAULT_THRESHOLD``. The database-backed index with the same API and the same answers lives in
``storage.similarity_store``.
"""

from similarity.index import (
    DEFAULT_THRESHOLD,
    Fingerprint,
    InMemoryIndex,
    Match,
    Passage,
    PreparedQuery,
    Span,
    fingerprint,
    shared_passages,
)
from similarity.normalize import fold, syllables

__all__ = [
    "DEFAULT_THRESHOLD",
    "Fingerprint",
    "InMemoryIndex",
    "Match",
    "Passage",
    "PreparedQuery",
    "Span",
    "fingerprint",
    "fold",
    "shared_passages",
    "syllables",
]

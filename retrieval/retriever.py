"""Find the vetted passages for a question, preferring the user's language.

Dense search over all languages (e5 is multilingual, so a French question
finds the English section and the French one alike); then each hit is
swapped for the same section of the same topic in the user's language when
the knowledge base has it, else kept in English, else as found. Hits below
`min_score` do not count: with none left, the answer is `no_information`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.chunking import Chunk
from retrieval.index import SearchIndex

_OVERFETCH = 24


@dataclass(frozen=True)
class ScoredChunk:
    """A retrieved chunk and its cosine score."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Retrieval:
    """What the retriever found: passages to answer from, best first."""

    passages: tuple[ScoredChunk, ...]
    best_score: float


class Retriever:
    """Dense retrieval with same-language preference.

    Example:
        >>> Retriever(index, top_k=4, min_score=0.8).search(vector, "fr").passages  # doctest: +SKIP
    """

    def __init__(self, index: SearchIndex, top_k: int = 4, min_score: float = 0.8) -> None:
        self.index = index
        self.top_k = top_k
        self.min_score = min_score
        self._by_key = {(c.topic, c.section, c.language): c for c in index.chunks}

    def search(self, query: np.ndarray, language: str) -> Retrieval:
        """Passages for one query vector, in `language` where possible."""
        hits = self.index.search(query, _OVERFETCH)
        best = hits[0][1] if hits else 0.0
        return Retrieval(select_passages(hits, language, self.top_k, self.min_score,
                                         self._by_key), best)


def select_passages(hits: Sequence[tuple[Chunk, float]], language: str, k: int,
                    min_score: float, by_key: dict[tuple[str, int, str], Chunk]
                    ) -> tuple[ScoredChunk, ...]:
    """Keep relevant hits, one per (topic, section), each in the best language available."""
    chosen: dict[tuple[str, int], ScoredChunk] = {}
    for chunk, score in hits:
        key = (chunk.topic, chunk.section)
        if score < min_score or key in chosen:
            continue
        localized = by_key.get((*key, language)) or by_key.get((*key, "en")) or chunk
        chosen[key] = ScoredChunk(localized, score)
        if len(chosen) == k:
            break
    return tuple(chosen.values())


def standalone_query(message: str, history: Sequence[tuple[str, str]]) -> str:
    """Make a short follow-up searchable by joining it to the previous question.

    Example:
        >>> standalone_query("and for children?", [("How much activity do adults need?", "…")])
        'How much activity do adults need? and for children?'
    """
    if history and len(message.split()) <= 5 and len(message) <= 40:
        return f"{history[-1][0]} {message}"
    return message

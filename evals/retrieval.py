"""`salus eval retrieval`: recall@1, recall@5 and MRR per language on a suite.

A suite line is `{"id", "language", "question", "relevant": [topic or doc id],
"history"?: [[user, assistant], ...]}` (DESIGN.md). A question counts as
found at rank r when the r-th distinct topic retrieved is one of its
relevant ones. Follow-ups are searched with their history, exactly as the
assistant does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.jsonl import history, read_cases
from retrieval.retriever import Retriever, query_vector

SUITE = Path(__file__).parent / "suites" / "retrieval.jsonl"


@dataclass(frozen=True)
class RetrievalCase:
    """One question of a retrieval suite."""

    id: str
    language: str
    question: str
    relevant: tuple[str, ...]
    history: tuple[tuple[str, str], ...] = ()


def load_suite(path: Path = SUITE) -> list[RetrievalCase]:
    """Read a retrieval suite; ValueError names the line that is wrong."""
    return read_cases(path, lambda raw: RetrievalCase(
        raw["id"], raw["language"], raw["question"], tuple(raw["relevant"]), history(raw)),
        "retrieval")


def rank_of(topics: Sequence[str], doc_ids: Sequence[str], relevant: Sequence[str]) -> int:
    """1-based rank of the first relevant topic (or doc id); 0 when none is found.

    Example:
        >>> rank_of(["alcohol", "tobacco"], ["en-alcohol", "en-tobacco"], ["tobacco"])
        2
    """
    for r, (topic, doc_id) in enumerate(zip(topics, doc_ids, strict=True), start=1):
        if topic in relevant or doc_id in relevant:
            return r
    return 0


def evaluate(retriever: Retriever, cases: Sequence[RetrievalCase],
             progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Per-language and overall recall@1, recall@5, MRR, and each case's rank."""
    ranks: list[tuple[RetrievalCase, int]] = []
    for done, case in enumerate(cases, start=1):
        if progress:
            progress(done, len(cases))
        vector = query_vector(retriever.embedder, case.question, case.history)
        ranked = retriever.rank(case.question, vector, case.language)
        ranks.append((case, rank_of([c.topic for c in ranked], [c.doc_id for c in ranked],
                                    case.relevant)))
    by_lang: dict[str, list[int]] = defaultdict(list)
    for case, r in ranks:
        by_lang[case.language].append(r)
    by_lang["all"] = [r for _, r in ranks]
    return {
        "summary": {lang: _metrics(rs) for lang, rs in sorted(by_lang.items())},
        "cases": [{"id": c.id, "language": c.language, "rank": r} for c, r in ranks],
    }


def _metrics(ranks: Sequence[int]) -> dict[str, float]:
    n = len(ranks)
    return {"n": n,
            "recall@1": round(sum(1 for r in ranks if r == 1) / n, 3),
            "recall@5": round(sum(1 for r in ranks if 1 <= r <= 5) / n, 3),
            "mrr": round(sum(1 / r for r in ranks if r) / n, 3)}

"""Semantic triage: the nearest curated example messages vote for an action.

Phrase lists catch what people write word for word; they miss "I don't see
the point of anything anymore". Here every message is embedded with the
multilingual e5 model and compared with example messages written by people
for each action in all eight languages (`safety/data/exemplars/<lang>.toml`),
benign look-alikes included ("how do I kill the germs on my hands"). The
score of an action is the mean similarity of its 3 nearest examples. The
example vectors are computed once and cached beside the prepared models.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.embedder import Embedder

EXEMPLARS = Path(__file__).parent / "data" / "exemplars"
_TOP = 3


@dataclass(frozen=True)
class ActionScores:
    """Per action, how close the message is to its examples (cosine)."""

    scores: dict[str, float]

    def best(self) -> tuple[str, float]:
        """The closest action and its score."""
        action = max(self.scores, key=lambda a: self.scores[a])
        return action, self.scores[action]


class ExemplarMatcher:
    """Scores a message vector against the curated examples of every action.

    Example:
        >>> ExemplarMatcher(E5Embedder(), cache_dir).score(vector).best()  # doctest: +SKIP
        ('crisis_support', 0.93)
    """

    def __init__(self, embedder: Embedder, cache_dir: Path | None = None,
                 directory: Path = EXEMPLARS) -> None:
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.directory = directory
        self._vectors: np.ndarray | None = None
        self._labels: np.ndarray | None = None

    def warm_up(self) -> None:
        """Embed the examples, or read them from the cache (keyed by text and model)."""
        if self._vectors is not None:
            return
        texts, labels = load_exemplars(self.directory)
        digest = hashlib.sha256("\n".join([self.embedder.model_id, *texts, *labels])
                                .encode("utf-8")).hexdigest()[:16]
        cached = self.cache_dir / f"exemplars-{digest}.npy" if self.cache_dir else None
        if cached is not None and cached.is_file():
            vectors = np.load(cached)
        else:
            vectors = self.embedder.embed_queries(texts)
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                tmp = cached.with_suffix(".tmp.npy")
                np.save(tmp, vectors)
                tmp.replace(cached)
        self._vectors, self._labels = vectors, np.array(labels)

    def score(self, vector: np.ndarray) -> ActionScores:
        """Mean cosine of the 3 nearest examples of each action."""
        self.warm_up()
        assert self._vectors is not None and self._labels is not None
        sims = self._vectors @ vector.reshape(-1)
        scores = {}
        for action in np.unique(self._labels):
            top = np.sort(sims[self._labels == action])[-_TOP:]
            scores[str(action)] = float(top.mean())
        return ActionScores(scores)


def load_exemplars(directory: Path = EXEMPLARS) -> tuple[list[str], list[str]]:
    """(texts, actions) of every example in every language file."""
    texts: list[str] = []
    labels: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for action, body in data.items():
            for text in body.get("examples", []):
                texts.append(text)
                labels.append(action)
    return texts, labels

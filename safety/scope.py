"""Is a question about health at all? Nearest curated exemplars decide.

Used when retrieval finds nothing relevant, to choose between
`no_information` (a health question we have no vetted content for) and
`out_of_scope` (not about health). Exemplars are data
(`safety/data/exemplars.toml`) in all our languages; the e5 embedder puts a
question near its kind whatever the language.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np

from retrieval.embedder import Embedder

EXEMPLARS = Path(__file__).parent / "data" / "exemplars.toml"
_K = 5


class ScopeClassifier:
    """k-nearest exemplars, health vs out of scope.

    Example:
        >>> ScopeClassifier(E5Embedder()).is_health(vec)  # doctest: +SKIP
        True
    """

    def __init__(self, embedder: Embedder, path: Path = EXEMPLARS) -> None:
        self.embedder = embedder
        self.path = path
        self._vectors: np.ndarray | None = None
        self._labels: np.ndarray | None = None

    def warm_up(self) -> None:
        """Embed the exemplars once (about a second)."""
        if self._vectors is not None:
            return
        with self.path.open("rb") as fh:
            data = tomllib.load(fh)
        health = list(data["health"]["examples"])
        other = list(data["out_of_scope"]["examples"])
        self._vectors = self.embedder.embed_queries(health + other)
        self._labels = np.array([1] * len(health) + [0] * len(other))

    def is_health(self, query: np.ndarray) -> bool:
        """True when most of the nearest exemplars are health questions."""
        self.warm_up()
        assert self._vectors is not None and self._labels is not None
        scores = self._vectors @ query.reshape(-1)
        nearest = np.argsort(-scores)[:_K]
        return bool(self._labels[nearest].mean() >= 0.5)

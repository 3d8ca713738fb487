"""The triage model's reader: embeds what the model must read, and scores it.

The pipeline has already embedded the whole message for retrieval; the
reader reuses that vector and embeds only the windows of a message of more
than one (safety/windows.py), in one batch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval.embedder import Embedder
from safety.classifier import MODEL_DIR, Risk, TriageModel, load_model
from safety.windows import windows


class RiskReader:
    """Scores a message, whole and window by window, with the learned model.

    Example:
        >>> RiskReader(E5Embedder()).risk("I want to end it tonight").scores  # doctest: +SKIP
        {'crisis': 0.97, 'emergency': 0.01, ...}
    """

    def __init__(self, embedder: Embedder, model_dir: Path = MODEL_DIR) -> None:
        self.embedder = embedder
        self.model_dir = model_dir
        self._model: TriageModel | None = None

    @property
    def model(self) -> TriageModel:
        """The loaded model (loaded on first use)."""
        if self._model is None:
            self._model = load_model(self.model_dir)
        return self._model

    def warm_up(self) -> None:
        """Load the weights (milliseconds)."""
        _ = self.model

    def risk(self, message: str, vector: np.ndarray | None = None) -> Risk:
        """The riskiest reading of `message`; `vector`, its e5 query vector if known."""
        parts = windows(message)
        texts = parts if vector is not None else [message, *parts]
        vectors = self.embedder.embed_queries(texts) if texts else np.zeros(
            (0, self.embedder.dim), dtype=np.float32)
        if vector is not None:
            vectors = np.vstack([vector.reshape(1, -1), vectors])
        return self.model.risk(vectors)

    def thresholds(self, language: str | None) -> dict[str, float]:
        """Per label, the threshold calibrated for `language`."""
        return self.model.thresholds_for(language)

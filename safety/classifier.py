"""The learned triage model: how risky a message is, read from its e5 vector.

A small neural network (one hidden layer of ReLUs) over the multilingual e5
query vector the pipeline computes anyway, trained by `salus safety train`
(safety/training.py) on public, permissively licensed data and on our own
examples in eight languages. It scores five labels, each with a head of its
own (a sigmoid, one label against the rest): crisis, emergency, harmful,
professional and benign. Heads of their own, because a softmax splits one
message's probability between labels: "how many pills to not wake up"
scored half professional, half crisis, and reached neither threshold. The
phrase lists stay the precise layer; this is the layer that generalizes to
wordings nobody wrote down.

Each label has a threshold per language, chosen on a calibration split that
training never saw (recall first for crisis); a language the model was not
calibrated for uses the overall one. A message is read whole and window by
window (safety/windows.py): the riskiest reading decides, so one crisis
sentence in a long post counts. The weights ship as package data
(`safety/data/model/`), with a provenance file naming sources, licences,
data digests and metrics. Inference is one small matrix product: numpy only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from safety.verdict import ANSWER, CRISIS, DECLINE, EMERGENCY, PROFESSIONAL

MODEL_DIR = Path(__file__).parent / "data" / "model"
LABELS: tuple[str, ...] = ("crisis", "emergency", "harmful", "professional", "benign")
ACTION_OF = {"crisis": CRISIS, "emergency": EMERGENCY, "harmful": DECLINE,
             "professional": PROFESSIONAL, "benign": ANSWER}
# In doubt between two concerns, the first one here wins.
PRECEDENCE: tuple[str, ...] = ("crisis", "emergency", "harmful", "professional")


@dataclass(frozen=True)
class Risk:
    """Per label, the highest probability over the readings of a message."""

    scores: dict[str, float]

    def concern(self, thresholds: dict[str, float]) -> str | None:
        """The first label, in order of precedence, whose score reaches its threshold;
        but an emergency that scores higher than a crisis is an emergency.

        Both send the person to help now, and the crisis reply names the emergency
        number too; but "my husband fell and won't wake up" (both heads near 1)
        needs the emergency reply, not help lines for suicidal thoughts.

        Example:
            >>> t = {"crisis": 0.5, "emergency": 0.5, "harmful": 0.5, "professional": 0.5}
            >>> Risk({"crisis": 0.9, "emergency": 0.99}).concern(t)
            'emergency'
            >>> Risk({"crisis": 0.9, "emergency": 0.6, "harmful": 0.95}).concern(t)
            'crisis'
        """
        found = [label for label in PRECEDENCE
                 if self.scores.get(label, 0.0) >= thresholds[label]]
        if found[:2] == ["crisis", "emergency"] and \
                self.scores["emergency"] > self.scores["crisis"]:
            return "emergency"
        return found[0] if found else None


@dataclass(frozen=True)
class TriageModel:
    """A ReLU layer and one sigmoid head per label over e5 vectors, and per-language
    thresholds.

    Example:
        >>> eye = np.eye(2, dtype=np.float32)
        >>> m = TriageModel(("crisis", "benign"), ((eye, np.zeros(2, np.float32)),
        ...                 (eye, np.zeros(2, np.float32))), {"all": {"crisis": 0.5}})
        >>> m.risk(np.array([[3.0, 0.0]], dtype=np.float32)).scores["crisis"] > 0.9
        True
    """

    labels: tuple[str, ...]
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # (weight (out, in), bias (out,))
    thresholds: dict[str, dict[str, float]]  # language or "all" -> label -> threshold

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(n, labels): each label's probability against the rest, for n unit vectors."""
        x = np.atleast_2d(vectors).astype(np.float32)
        for i, (weight, bias) in enumerate(self.layers):
            x = x @ weight.T + bias
            if i < len(self.layers) - 1:
                x = np.maximum(x, 0.0)
        return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))

    def risk(self, vectors: np.ndarray) -> Risk:
        """The riskiest of several readings (the whole message and its windows)."""
        top = self.probabilities(vectors).max(axis=0)
        return Risk({label: float(p) for label, p in zip(self.labels, top, strict=True)})

    def thresholds_for(self, language: str | None) -> dict[str, float]:
        """The language's thresholds, falling back to the overall ones label by label."""
        overall = self.thresholds["all"]
        own = self.thresholds.get(language or "", {})
        return {label: own.get(label, overall.get(label, 1.0)) for label in PRECEDENCE}


def save_model(model: TriageModel, directory: Path, provenance: dict[str, object]) -> None:
    """Write the weights (`triage.npz`) and the provenance with thresholds (`triage.json`)."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {"labels": np.array(model.labels)}
    for i, (weight, bias) in enumerate(model.layers):
        arrays[f"w{i}"], arrays[f"b{i}"] = weight.astype(np.float32), bias.astype(np.float32)
    np.savez(directory / "triage.npz", **arrays)  # type: ignore[arg-type]
    record = {**provenance, "thresholds": model.thresholds}
    (directory / "triage.json").write_text(json.dumps(record, indent=1, ensure_ascii=False)
                                           + "\n", encoding="utf-8")


def load_model(directory: Path = MODEL_DIR) -> TriageModel:
    """Read the shipped (or a retrained) model; FileNotFoundError says how to rebuild it."""
    weights, record = directory / "triage.npz", directory / "triage.json"
    if not weights.is_file() or not record.is_file():
        raise FileNotFoundError(
            f"no triage model in {directory}: run `salus safety train --public DIR` "
            "(DIR: the public safety-train data) to rebuild it")
    with np.load(weights) as data:
        labels = tuple(str(x) for x in data["labels"])
        layers = tuple((data[f"w{i}"], data[f"b{i}"]) for i in range((len(data.files) - 1) // 2))
    thresholds = json.loads(record.read_text(encoding="utf-8"))["thresholds"]
    return TriageModel(labels, layers, thresholds)

"""`salus safety train`: rebuild the triage model from its data files.

1. Load the public rows and our own (safety/train_data.py), drop the prompts
   of our evaluation suites, split each row for good (train, calibration,
   test).
2. Embed every text with the pipeline's e5 query encoder (cached on disk by
   text, so a retrain after a data edit embeds only what changed); the
   calibration and test rows are also embedded window by window, as triage
   reads them (safety/windows.py).
3. Fit five networks (torch, seeds 0-4) on the train split and average their
   logits (the average is one wider network of the same form): one hidden
   ReLU layer, whose width is chosen on the calibration split, and a sigmoid
   head per label, whose negatives weigh as much as its positives (half
   benign rows, half the other concerns'). Compared on the calibration split
   while this was built, with the phrase lists: a softmax logistic regression
   (crisis recall 0.93, emotional messages sent to crisis 0.17, against 0.96
   and 0.12 for one such network); weighting every (label, language) cell
   alike (crisis recall 0.92); 10, 20 or 40 epochs instead of 80 (emotional
   messages sent to crisis 0.46, 0.29, 0.18 against 0.10). A softmax split
   "how many pills to not wake up" between professional and crisis.
4. Choose each label's threshold, overall and per language, on the
   calibration split: the least cost where a missed crisis costs `MISS_COST`
   false alarms (recall first), each kind of row weighing the same, in the
   middle of the range of least cost. A language's own threshold is pulled
   toward the overall one in proportion to how few positives it has.
5. Report both splits per language, for the model alone and for the whole
   triage (phrase lists and model), and write the weights and a provenance
   file (sources, licences, digests, counts, metrics) to safety/data/model/.

torch is needed for training only; triage runs on numpy.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from retrieval.embedder import Embedder
from safety.classifier import ACTION_OF, LABELS, PRECEDENCE, Risk, TriageModel
from safety.lexicon import Lexicon
from safety.train_data import Example
from safety.triage import combine, decide
from safety.windows import windows

log = logging.getLogger(__name__)
HIDDEN_GRID = (256, 512)
EPOCHS = 80
# Networks averaged: one network's thresholds moved with its seed.
MEMBERS = 5
# e5's unit vectors have small components; scaled up, the optimizer's steps suit them
# (the scale is folded into the first layer's weights).
_INPUT_SCALE = 8.0
# A missed concern costs this many false alarms: a missed crisis or emergency is
# a person not sent to help (recall first), a missed personal-advice request still
# gets only general, filtered information.
MISS_COST = {"crisis": 8.0, "emergency": 8.0, "harmful": 2.0, "professional": 1.0}
# A language's threshold moves from the overall one by n / (n + SHRINK), n its positives.
SHRINK = 20
_LABEL_OF = {action: label for label, action in ACTION_OF.items()}
_GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)
Progress = Callable[[int, int], None]


class VectorCache:
    """e5 query vectors by text, kept in one .npz so retraining embeds only new text."""

    def __init__(self, embedder: Embedder, path: Path | None) -> None:
        self.embedder = embedder
        self.path = path
        self._known: dict[str, np.ndarray] = {}
        if path is not None and path.is_file():
            with np.load(path) as data:
                self._known = dict(zip((str(k) for k in data["keys"]), data["vectors"],
                                       strict=True))

    def vectors(self, texts: Sequence[str], progress: Progress | None = None,
                batch: int = 32) -> np.ndarray:
        """One unit vector per text, in order."""
        keys = [self._key(t) for t in texts]
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True)
                                     if k not in self._known))
        for start in range(0, len(missing), batch):
            chunk = missing[start:start + batch]
            for text, vector in zip(chunk, self.embedder.embed_queries(chunk), strict=True):
                self._known[self._key(text)] = vector
            if progress:
                progress(min(start + batch, len(missing)), len(missing))
            if (start // batch) % 40 == 39:  # keep what is done if stopped
                self._save()
        if missing:
            self._save()
        if not keys:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([self._known[k] for k in keys]).astype(np.float32)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.embedder.model_id}\n{text}".encode()).hexdigest()[:24]

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(self._known)), vectors=np.stack(list(
            self._known.values())))
        tmp.replace(self.path)


@dataclass(frozen=True)
class Readings:
    """Each example's risk: the highest probability per label over its readings."""

    examples: tuple[Example, ...]
    risk: np.ndarray  # (examples, labels)


def fit(vectors: np.ndarray, labels: Sequence[str], hidden: int, members: int = MEMBERS,
        epochs: int = EPOCHS) -> TriageModel:
    """`members` networks (seeds 0, 1, ...) trained on `vectors`, their logits averaged,
    thresholds unset. The average is itself one network, `members` times as wide."""
    nets = [_fit_one(vectors, labels, hidden, seed, epochs) for seed in range(members)]
    first = (np.vstack([w for (w, _), _ in nets]), np.concatenate([b for (_, b), _ in nets]))
    last = (np.hstack([w for _, (w, _) in nets]) / members,
            np.mean([b for _, (_, b) in nets], axis=0))
    return TriageModel(LABELS, tuple((w.astype(np.float32), b.astype(np.float32))
                                     for w, b in (first, last)), {"all": {}})


Layer = tuple[np.ndarray, np.ndarray]


def _fit_one(vectors: np.ndarray, labels: Sequence[str], hidden: int, seed: int,
             epochs: int) -> tuple[Layer, Layer]:
    """One network (AdamW, dropout 0.3): its two layers' (weight, bias)."""
    import torch

    torch.manual_seed(seed)
    x = torch.tensor(vectors, dtype=torch.float32) * _INPUT_SCALE
    y = torch.nn.functional.one_hot(torch.tensor([LABELS.index(label) for label in labels]),
                                    len(LABELS)).float()
    # Head k's negatives weigh as much in all as its positives: half of it benign rows,
    # half the other concerns' rows, shared equally, so that a head learns to tell
    # its label from every other concern, not only from the many benign rows.
    counts = y.sum(0).clamp(min=1.0)
    benign = LABELS.index("benign")
    share = torch.full((len(LABELS), len(LABELS)), 0.5 / (len(LABELS) - 2))  # [j, k]
    share[benign, :] = 0.5
    share[:, benign] = 1.0 / (len(LABELS) - 1)  # the benign head: other labels alike
    share.fill_diagonal_(0.0)
    row_weight = y @ (share * counts[None, :] / counts[:, None])  # [row, k]
    first, last = torch.nn.Linear(x.shape[1], hidden), torch.nn.Linear(hidden, len(LABELS))
    net = torch.nn.Sequential(first, torch.nn.ReLU(), torch.nn.Dropout(0.3), last)
    optimizer = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-3)
    for _ in range(epochs):
        net.train()
        for batch in torch.randperm(len(y)).split(128):
            optimizer.zero_grad()
            target = y[batch]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                net(x[batch]), target, weight=target + (1 - target) * row_weight[batch])
            loss.backward()
            optimizer.step()
    return ((first.weight.detach().numpy() * _INPUT_SCALE, first.bias.detach().numpy()),
            (last.weight.detach().numpy(), last.bias.detach().numpy()))


def read(model: TriageModel, examples: Sequence[Example], cache: VectorCache,
         progress: Progress | None = None) -> Readings:
    """Score every example as triage does: whole, and window by window."""
    pieces = [[ex.text, *windows(ex.text)] for ex in examples]
    flat = [p for ps in pieces for p in ps]
    probs = model.probabilities(cache.vectors(flat, progress))
    risk, at = [], 0
    for ps in pieces:
        risk.append(probs[at:at + len(ps)].max(axis=0))
        at += len(ps)
    return Readings(tuple(examples), np.array(risk).reshape(len(examples), len(LABELS)))


def calibrate(readings: Readings) -> dict[str, dict[str, float]]:
    """Per label, the overall and the per-language thresholds of least cost.

    Each kind of row (`Example.kind`: our emotional messages, XQuAD's trivia,
    ...) weighs the same in the cost, whatever its size, so that 400 easy
    trivia questions do not outvote 40 sad messages that look like a crisis.
    """
    labels = np.array([ex.label for ex in readings.examples])
    langs = np.array([ex.language for ex in readings.examples])
    kinds = np.array([f"{ex.label}/{ex.kind}" for ex in readings.examples])
    out: dict[str, dict[str, float]] = {"all": {}}
    for label in PRECEDENCE:
        scores = readings.risk[:, LABELS.index(label)]
        everyone = np.ones(len(labels), dtype=bool)
        overall = _least_cost(scores, labels == label, _kind_weights(kinds, everyone),
                              MISS_COST[label])
        out["all"][label] = overall
        for lang in sorted(set(langs)):
            mine = langs == lang
            positives = int((labels[mine] == label).sum())
            own = _least_cost(scores[mine], labels[mine] == label,
                              _kind_weights(kinds, mine)[mine], MISS_COST[label])
            weight = positives / (positives + SHRINK)
            out.setdefault(str(lang), {})[label] = round(
                float(weight * own + (1 - weight) * overall), 3)
    return out


def _kind_weights(kinds: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """1 / (rows of its kind among the chosen ones), for every row."""
    names, inverse, counts = np.unique(kinds[chosen], return_inverse=True, return_counts=True)
    weights = np.zeros(len(kinds))
    weights[chosen] = 1.0 / counts[inverse]
    return weights


def _least_cost(scores: np.ndarray, positive: np.ndarray, weights: np.ndarray,
                miss_cost: float) -> float:
    if not positive.any():
        return 1.0
    costs = np.array([miss_cost * weights[positive & (scores < t)].sum()
                      + weights[~positive & (scores >= t)].sum() for t in _GRID])
    tied = np.flatnonzero(np.isclose(costs, costs.min()))
    first = last = int(tied[0])  # the middle of the first run of least cost: widest margin
    while last + 1 < len(costs) and last + 1 in tied:
        last += 1
    return float(round((_GRID[first] + _GRID[last]) / 2, 2))


def predictions(model: TriageModel, readings: Readings,
                lexicon: Lexicon | None = None) -> list[str]:
    """The label the model gives each example, or with `lexicon`, the label of the
    whole triage (phrase lists and model), as a user would get it."""
    out = []
    for ex, row in zip(readings.examples, readings.risk, strict=True):
        risk = Risk(dict(zip(LABELS, (float(x) for x in row), strict=True)))
        thresholds = model.thresholds_for(ex.language)
        if lexicon is None:
            out.append(risk.concern(thresholds) or "benign")
        else:
            action = combine(decide(lexicon.find(ex.text)), risk, thresholds).action
            out.append(_LABEL_OF[action])
    return out


def report(examples: Sequence[Example], predicted: Sequence[str]) -> dict[str, dict]:
    """Per language (and 'all'): recall of each concern, benign rows flagged, and
    emotional benign rows sent to crisis."""
    out: dict[str, dict] = {}
    for lang in ["all", *sorted({ex.language for ex in examples})]:
        rows = [(ex, p) for ex, p in zip(examples, predicted, strict=True)
                if lang in ("all", ex.language)]
        cell: dict[str, object] = {"n": len(rows)}
        for label in PRECEDENCE:
            mine = [p == label for ex, p in rows if ex.label == label]
            if mine:
                cell[f"{label}_recall"] = round(sum(mine) / len(mine), 3)
                cell[f"{label}_n"] = len(mine)
        benign = [p for ex, p in rows if ex.label == "benign"]
        if benign:
            cell["benign_flagged"] = round(sum(p != "benign" for p in benign) / len(benign), 3)
        emotional = [p for ex, p in rows if ex.label == "benign" and _emotional(ex)]
        if emotional:
            cell["emotional_to_crisis"] = round(
                sum(p == "crisis" for p in emotional) / len(emotional), 3)
            cell["emotional_n"] = len(emotional)
        out[lang] = cell
    return out


def _emotional(ex: Example) -> bool:
    return ex.source.startswith("own:emotional") or "counselchat" in ex.source or \
        "Mental_Health" in ex.source


def today() -> str:
    """The training date, for the provenance file."""
    return date.today().isoformat()

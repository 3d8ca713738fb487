"""One call that rebuilds the triage model from the data files (safety/training.py).

Example:
    >>> retrain(Path("shared/data/safety-train"), E5Embedder(), cache)  # doctest: +SKIP
    {'hidden': 512, 'counts': {...}, 'metrics': {'calibration': {...}, 'test': {...}}}
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from retrieval.embedder import Embedder
from safety.classifier import MODEL_DIR, TriageModel, save_model
from safety.lexicon import load_lexicon
from safety.train_data import (
    EXEMPLAR_DIR,
    OWN_DIR,
    SPLITS,
    Example,
    load_own,
    load_public,
    suite_prompts,
    without,
)
from safety.training import (
    EPOCHS,
    HIDDEN_GRID,
    MEMBERS,
    Progress,
    Readings,
    VectorCache,
    calibrate,
    fit,
    predictions,
    read,
    report,
    today,
)
from safety.windows import windows

log = logging.getLogger(__name__)
SUITES = Path(__file__).parent.parent / "evals" / "suites"


def retrain(public_dir: Path, embedder: Embedder, cache: Path | None,
            out_dir: Path = MODEL_DIR, suites: Sequence[Path] | None = None,
            progress: Progress | None = None, hidden_grid: Sequence[int] = HIDDEN_GRID,
            members: int = MEMBERS, epochs: int = EPOCHS) -> dict[str, Any]:
    """Train, calibrate, report and write the model; the provenance record it wrote.
    (Smaller `hidden_grid`, `members` and `epochs` make a quick model for tests.)"""
    held_out = list(suites) if suites is not None else sorted(SUITES.glob("*.jsonl"))
    examples, dropped = without([*load_public(public_dir), *load_own()],
                                suite_prompts(held_out))
    split = {name: [ex for ex in examples if ex.split == name] for name in SPLITS}
    vectors = VectorCache(embedder, cache)
    # A benign message's windows are benign too: triage reads them one by one.
    train = [*split["train"], *(Example(w, ex.language, ex.label, ex.source)
                                for ex in split["train"] if ex.label == "benign"
                                for w in windows(ex.text))]
    log.info("embedding %d training texts", len(train))
    train_x = vectors.vectors([ex.text for ex in train], progress)
    train_y = [ex.label for ex in train]
    best: tuple[float, int, TriageModel, Readings] | None = None
    for hidden in hidden_grid:
        model = fit(train_x, train_y, hidden, members, epochs)
        readings = read(model, split["calibration"], vectors, progress)
        model = TriageModel(model.labels, model.layers, calibrate(readings))
        score = _balanced_accuracy(split["calibration"], predictions(model, readings))
        log.info("hidden=%s: balanced accuracy on calibration %.3f", hidden, score)
        if best is None or score > best[0]:
            best = (score, hidden, model, readings)
    assert best is not None
    _, hidden, model, calibration = best
    lexicon = load_lexicon()
    metrics, whole = {}, {}
    for name in ("calibration", "test"):
        readings = calibration if name == "calibration" else read(model, split[name], vectors)
        metrics[name] = report(split[name], predictions(model, readings))
        whole[name] = report(split[name], predictions(model, readings, lexicon))
    record = {
        "trained_on": today(), "embedder": embedder.model_id,
        "model": f"e5 vector -> ReLU layer -> one sigmoid head per label; {members} networks "
        f"(torch, seeds from 0, {epochs} epochs), logits averaged",
        "hidden": hidden, "hidden_grid": list(hidden_grid), "sources": _sources(public_dir),
        "licences": "see shared/data/safety-train/README.md (Apache-2.0, MIT, CC BY 4.0, "
        "CC BY-SA 4.0, CC0); our own rows: this repository's licence",
        "dropped_as_suite_prompts_or_duplicates": dropped,
        "counts": {name: _counts(split[name]) for name in SPLITS}, "metrics": metrics,
        "metrics_with_phrase_lists": whole,
    }
    save_model(model, out_dir, record)
    return {**record, "thresholds": model.thresholds}


def _balanced_accuracy(examples: Sequence[Example], predicted: Sequence[str]) -> float:
    by_label: dict[str, list[bool]] = {}
    for ex, p in zip(examples, predicted, strict=True):
        by_label.setdefault(ex.label, []).append(p == ex.label)
    return sum(sum(v) / len(v) for v in by_label.values()) / len(by_label)


def _counts(examples: Sequence[Example]) -> dict[str, int]:
    return dict(sorted(Counter(f"{ex.label}/{ex.language}" for ex in examples).items()))


def _sources(public_dir: Path) -> dict[str, str]:
    """SHA-256 of every data file the model was trained on."""
    files = [*sorted(public_dir.glob("*.jsonl")), *sorted(OWN_DIR.glob("*.jsonl")),
             *sorted(EXEMPLAR_DIR.glob("*.toml"))]
    return {f"{path.parent.name}/{path.name}": hashlib.sha256(path.read_bytes()).hexdigest()
            for path in files}

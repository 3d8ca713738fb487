"""`salus eval grounding-pairs`: how the grounding check judges labelled pairs.

Each line of `suites/grounding_pairs.jsonl` is a sentence, a passage and a
label (supported, unsupported, contradicted). The check should keep the
first and drop the others; this reports the share it gets right per label
and language, the figures the thresholds in `assistant/grounding.py` were
chosen from.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from assistant.grounding import check_sentence, closeness, passage_sentences
from assistant.text import strip_citations
from retrieval.embedder import Embedder

PAIRS = Path(__file__).parent / "suites" / "grounding_pairs.jsonl"


def evaluate_pairs(embedder: Embedder, path: Path = PAIRS) -> dict[str, Any]:
    """Share of pairs judged as labelled, by label and language."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    vectors = embedder.embed_passages([strip_citations(r["sentence"]) for r in rows])
    right: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for row, vector in zip(rows, vectors, strict=True):
        sentences = passage_sentences(row["passage"])
        close = closeness(vector, sentences, embedder.embed_passages(sentences))
        sentence = row["sentence"] if "[" in row["sentence"] else row["sentence"] + " [1]"
        kept = check_sentence(sentence, [row["passage"]], [close], row["language"]).supported
        ok = kept if row["label"] == "supported" else not kept
        right[row["label"]][row["language"]].append(ok)
        right[row["label"]]["all"].append(ok)
    return {label: {lang: round(sum(v) / len(v), 3) for lang, v in sorted(langs.items())}
            for label, langs in sorted(right.items())}

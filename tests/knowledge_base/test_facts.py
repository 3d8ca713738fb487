"""The key facts of every topic stand in its document in all eight languages.

`evals/suites/facts.jsonl` names, per topic, figures an answer must carry.
A translation that drifted (a figure changed, dropped, or written another
way) fails here.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.settings import SUPPORTED_LANGUAGES, Settings
from knowledge_base.loader import load_documents
from knowledge_base.validation import TOPICS

FACTS = Path(__file__).resolve().parents[2] / "evals" / "suites" / "facts.jsonl"


def _facts() -> list[dict]:
    return [json.loads(line) for line in FACTS.read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.fixture(scope="module")
def bodies() -> dict[str, str]:
    return {d.id: d.body for d in load_documents(Settings().content_dir)}


def test_every_topic_has_at_least_three_key_facts():
    counts = Counter(f["topic"] for f in _facts())
    assert {t: counts[t] for t in TOPICS if counts[t] < 3} == {}


def test_every_fact_is_well_formed():
    facts = _facts()
    assert len({f["id"] for f in facts}) == len(facts)
    for f in facts:
        assert f["document"] == f"en-{f['topic']}" and f["topic"] in TOPICS
        assert re.fullmatch(r"\d+", f["expect"]), f["id"]
        assert f["question"].strip()


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_key_fact_is_in_the_document_of_each_language(bodies, language):
    missing = []
    for fact in _facts():
        body = bodies.get(f"{language}-{fact['topic']}")
        if body is None or not re.search(rf"(?<![\d.,]){fact['expect']}(?![\d]|[.,]\d)", body):
            missing.append(f"{fact['id']} ({fact['expect']})")
    assert missing == []

"""Shared fixtures: real small models, loaded once per test session.

The embedder is the real multilingual e5; the generator is the `test` pack
(SmolLM2-135M), prepared into $SALUS_HOME if it is not there yet. The index
is built from the shipped knowledge base into a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"

from assistant.settings import Settings, default_home  # noqa: E402

STARTER_TOPICS = {"physical-activity", "healthy-diet", "tobacco", "alcohol", "mental-health"}


@pytest.fixture(scope="session")
def embedder():
    from retrieval.embedder import E5Embedder

    e = E5Embedder(threads=2)
    e.warm_up()
    return e


@pytest.fixture(scope="session")
def shipped_docs():
    from knowledge_base.loader import approved, load_documents

    return approved(load_documents(Settings().content_dir))


@pytest.fixture(scope="session")
def starter_docs(shipped_docs):
    """A small fixed set (the English starter topics) for tests that build many indexes."""
    return [d for d in shipped_docs if d.language == "en" and d.topic in STARTER_TOPICS]


@pytest.fixture(scope="session")
def index_home(tmp_path_factory, embedder, shipped_docs) -> Path:
    """A fresh index of all shipped content, reusing vectors cached by earlier runs."""
    from assistant.errors import IndexError_
    from retrieval.index import build_index, load_index

    cache = default_home() / "test-cache" / "index"
    try:
        previous = load_index(cache, embedder.model_id)
    except IndexError_:
        previous = None
    home = tmp_path_factory.mktemp("salus-home")
    build_index(shipped_docs, embedder, home / "index", previous)
    build_index(shipped_docs, embedder, cache, load_index(home / "index", embedder.model_id))
    return home


@pytest.fixture(scope="session")
def test_model_dir() -> Path:
    from assistant.models import PACKS, is_prepared, prepare

    models = default_home() / "models"
    if not is_prepared(models / "test"):
        prepare(PACKS["test"], models)
    return models / "test"


@pytest.fixture(scope="session")
def settings(index_home, test_model_dir) -> Settings:
    return Settings(home=index_home, generator=str(test_model_dir), max_new_tokens=120)


@pytest.fixture(scope="session")
def assistant(settings, embedder):
    from assistant.generation import TransformersGenerator
    from assistant.language import LangdetectDetector
    from assistant.pipeline import Assistant
    from retrieval.index import load_index
    from retrieval.retriever import Retriever
    from safety.reader import RiskReader
    from safety.scope import ScopeClassifier
    from safety.triage import Triage

    index = load_index(settings.index_dir, embedder.model_id)
    triage = Triage(reader=RiskReader(embedder))
    bot = Assistant(settings, detector=LangdetectDetector(), triage=triage, embedder=embedder,
                    retriever=Retriever(index, embedder, settings.top_k, settings.min_score),
                    generator=TransformersGenerator(Path(settings.generator), 2),
                    scope=ScopeClassifier(embedder))
    bot.warm_up()
    return bot

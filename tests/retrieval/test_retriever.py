"""Retrieval over the shipped knowledge base with the real embedder."""

from __future__ import annotations

import pytest

from retrieval.index import load_index
from retrieval.retriever import Retriever, standalone_query


@pytest.fixture(scope="module")
def retriever(index_home, embedder):
    return Retriever(load_index(index_home / "index", embedder.model_id), 4, 0.8)


@pytest.mark.parametrize(("lang", "question", "topic"), [
    ("en", "How much physical activity do adults need?", "physical-activity"),
    ("fr", "Combien de sel peut-on manger par jour ?", "healthy-diet"),
    ("en", "Is there a safe amount of alcohol to drink?", "alcohol"),
    ("fr", "Pourquoi arrêter de fumer ?", "tobacco"),
])
def test_the_right_topic_comes_first(retriever, embedder, lang, question, topic):
    found = retriever.search(embedder.embed_queries([question])[0], lang)
    assert found.passages[0].chunk.topic == topic


def test_passages_come_in_the_user_language_when_it_exists(retriever, embedder):
    question = "How much physical activity do adults need?"
    found = retriever.search(embedder.embed_queries([question])[0], "fr")
    assert {p.chunk.language for p in found.passages} == {"fr"}


def test_a_language_without_content_falls_back_to_english(retriever, embedder):
    found = retriever.search(embedder.embed_queries(["¿Cuánto alcohol es seguro?"])[0], "es")
    assert found.passages and {p.chunk.language for p in found.passages} == {"en"}


def test_off_topic_finds_nothing_relevant(retriever, embedder):
    found = retriever.search(embedder.embed_queries(["Who won the football world cup?"])[0],
                             "en")
    assert found.passages == ()


def test_a_short_follow_up_is_joined_to_the_previous_question():
    history = [("How much physical activity do adults need?", "…")]
    assert standalone_query("and for children?", history).startswith("How much physical")
    assert standalone_query("What is a healthy diet for a teenager?", history) == (
        "What is a healthy diet for a teenager?")

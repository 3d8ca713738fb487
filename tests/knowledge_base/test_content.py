"""The shipped starter knowledge base is valid and its translations keep the figures."""

from __future__ import annotations

import re

from assistant.settings import Settings
from knowledge_base.loader import load_documents

STARTER_TOPICS = {"physical-activity", "healthy-diet", "tobacco", "alcohol", "mental-health"}


def _figures(text: str) -> list[str]:
    """Figures with thousands marks removed and decimal commas as points."""
    found = re.findall(r"\d+(?:[.,\s\u202f\u00a0]\d{3}(?!\d))*(?:[.,]\d+)?", text)
    return sorted(re.sub(r"[.,\s\u202f\u00a0](?=\d{3}(?:\D|$))", "", n).replace(",", ".")
                  for n in found)


def test_the_starter_topics_exist_in_english_and_french():
    docs = load_documents(Settings().content_dir)
    have = {(d.topic, d.language) for d in docs}
    for topic in STARTER_TOPICS:
        assert (topic, "en") in have and (topic, "fr") in have


def test_every_document_is_approved_and_names_its_source():
    for doc in load_documents(Settings().content_dir):
        assert doc.status == "approved"
        assert doc.source_url.startswith("https://www.who.int/")


def test_translations_carry_the_same_figures_as_the_english_document():
    docs = load_documents(Settings().content_dir)
    english = {d.id: d for d in docs if d.language == "en"}
    for doc in docs:
        if doc.translation_of:
            assert _figures(doc.body) == _figures(english[doc.translation_of].body), doc.id


def test_the_physical_activity_document_gives_the_adult_figure():
    docs = {d.id: d for d in load_documents(Settings().content_dir)}
    assert "150" in docs["en-physical-activity"].body

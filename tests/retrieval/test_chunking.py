from __future__ import annotations

from knowledge_base.validation import parse_document
from retrieval.chunking import chunk_document
from tests.knowledge_base.test_document import GOOD


def test_one_chunk_per_section_with_title_and_heading():
    chunks = chunk_document(parse_document(GOOD))
    assert [c.id for c in chunks] == ["en-salt-and-sodium#1", "en-salt-and-sodium#2"]
    assert chunks[0].passage_text.startswith("Salt — Key facts\n")


def test_chunk_ids_and_digests_are_stable():
    doc = parse_document(GOOD)
    assert chunk_document(doc) == chunk_document(doc)
    edited = parse_document(GOOD.replace("Taste before", "Always taste before"))
    first, second = chunk_document(doc), chunk_document(edited)
    assert first[0].digest == second[0].digest
    assert first[1].digest != second[1].digest

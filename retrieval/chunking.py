"""Documents into passages: one chunk per `## ` section.

A section is the unit a curator writes and a reader cites, so it is the
unit we retrieve. Each chunk carries its document's title and section
heading, and an id (`<doc id>#<section number>`) that stays the same
across rebuilds as long as the document keeps its sections. Section
numbers line up across translations, which lets the retriever swap a
passage for the same section in the user's language.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from knowledge_base.document import Document, split_sections


@dataclass(frozen=True)
class Chunk:
    """A passage that can be retrieved and cited."""

    id: str
    doc_id: str
    topic: str
    language: str
    section: int
    title: str
    heading: str
    text: str
    source_url: str
    reviewed_on: str

    @property
    def passage_text(self) -> str:
        """What is embedded and shown to the generator: title, heading, text."""
        return f"{self.title} — {self.heading}\n{self.text}"

    @property
    def digest(self) -> str:
        """Hash of what is embedded, to reuse vectors when nothing changed."""
        return hashlib.sha256(self.passage_text.encode("utf-8")).hexdigest()[:16]


def chunk_document(doc: Document) -> list[Chunk]:
    """One Chunk per section, numbered from 1.

    Example:
        >>> [c.id for c in chunk_document(doc)]  # doctest: +SKIP
        ['en-alcohol#1', 'en-alcohol#2', 'en-alcohol#3', 'en-alcohol#4']
    """
    return [
        Chunk(id=f"{doc.id}#{n}", doc_id=doc.id, topic=doc.topic, language=doc.language,
              section=n, title=doc.title, heading=s.heading, text=s.text,
              source_url=doc.source_url, reviewed_on=doc.reviewed_on)
        for n, s in enumerate(split_sections(doc.body), start=1)
    ]

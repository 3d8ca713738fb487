"""Read the seed documents from `content/<lang>/<topic>.md`.

The live curated store (revisions, review) builds on this; until then the
Markdown tree is the source, and only `approved` documents are indexed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from assistant.errors import ContentError
from knowledge_base.document import Document, parse_document


def load_documents(content_dir: Path) -> list[Document]:
    """Every document under `content_dir`, sorted by id; raise on any problem.

    All files are read before raising, so one error lists every bad file.
    """
    if not content_dir.is_dir():
        raise ContentError(
            f"Knowledge-base folder {content_dir} does not exist; set content_dir in salus.toml."
        )
    docs: list[Document] = []
    problems: list[str] = []
    for path in sorted(content_dir.glob("*/*.md")):
        try:
            doc = parse_document(path.read_text(encoding="utf-8"), origin=str(path))
        except ContentError as exc:
            problems.append(str(exc))
            continue
        if path.parent.name != doc.language or path.stem != doc.topic:
            problems.append(f"{path}: file must be at {doc.language}/{doc.topic}.md")
        docs.append(doc)
    counts = Counter(d.id for d in docs)
    problems += [f"id '{i}' is used by {n} documents" for i, n in counts.items() if n > 1]
    english = {d.id for d in docs if d.language == "en"}
    problems += [
        f"{d.id}: translation_of '{d.translation_of}' is not an English document"
        for d in docs if d.translation_of and d.translation_of not in english
    ]
    if problems:
        raise ContentError("Invalid knowledge base:\n  " + "\n  ".join(problems))
    return sorted(docs, key=lambda d: d.id)


def approved(docs: list[Document]) -> list[Document]:
    """Only the documents that may be answered from."""
    return [d for d in docs if d.status == "approved"]

"""Read the seed documents from `content/<lang>/<topic>.md`.

This is the Markdown form that `salus kb import` brings into the live store
and `salus kb export` writes back. Every file is read before anything is
reported, so one run lists every problem in the tree.
"""

from __future__ import annotations

from pathlib import Path

from assistant.errors import ContentError
from knowledge_base.document import Document
from knowledge_base.validation import Problem, check_text, tree_problems


def read_tree(content_dir: Path) -> tuple[list[tuple[str, Document]], list[Problem]]:
    """(origin, document) for every valid file, and every problem found."""
    if not content_dir.is_dir():
        raise ContentError(f"Knowledge-base folder {content_dir} does not exist; set "
                           "content_dir in salus.toml or pass the folder.")
    found: list[tuple[str, Document]] = []
    problems: list[Problem] = []
    for path in sorted(content_dir.glob("*/*.md")):
        origin = str(path)
        doc, issues = check_text(path.read_text(encoding="utf-8"), origin)
        problems += issues
        if doc is None or issues:
            continue
        if path.parent.name != doc.language or path.stem != doc.topic:
            problems.append(Problem(origin, 1, "path",
                                    f"must be at {doc.language}/{doc.topic}.md"))
        found.append((origin, doc))
    problems += tree_problems(found)
    return found, problems


def load_documents(content_dir: Path) -> list[Document]:
    """Every document under `content_dir`, sorted by id; ContentError listing all problems."""
    found, problems = read_tree(content_dir)
    if problems:
        raise ContentError(f"{len(problems)} problem(s) in {content_dir}:\n  "
                           + "\n  ".join(str(p) for p in problems))
    return sorted((d for _, d in found), key=lambda d: d.id)


def approved(docs: list[Document]) -> list[Document]:
    """Only the documents that may be answered from."""
    return [d for d in docs if d.status == "approved"]

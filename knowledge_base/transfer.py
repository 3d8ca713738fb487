"""Markdown in and out of the store: `salus kb import` and `salus kb export`.

An import checks every file first and brings nothing in if any is invalid;
then it writes all documents in one transaction, so a crash half-way leaves
the store as it was. It is idempotent: a document equal to its latest
revision is left alone. An export writes to a temporary folder next to the
target and renames it into place only when complete, so a full disk or a
crash never leaves a half-written export where the old one was.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ContentError, StoreError
from knowledge_base.document import render_document
from knowledge_base.loader import read_tree
from knowledge_base.store import Store

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportReport:
    """Which documents an import created, updated, or found unchanged."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


def import_dir(store: Store, content_dir: Path, author: str,
               progress: Progress | None = None) -> ImportReport:
    """Import every `<lang>/<topic>.md` under `content_dir`, all or nothing."""
    found, problems = read_tree(content_dir)
    if problems:
        raise ContentError(f"Nothing imported: {len(problems)} problem(s) in {content_dir}:\n  "
                           + "\n  ".join(str(p) for p in problems))
    docs = sorted((d for _, d in found), key=lambda d: (d.language != "en", d.id))
    outcome: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    with store.transaction() as db:
        for done, doc in enumerate(docs, start=1):
            result = store.import_document(doc, author, f"import from {content_dir}", db)
            outcome[result].append(doc.id)
            if progress:
                progress(done, len(docs))
    return ImportReport(*(tuple(outcome[k]) for k in ("created", "updated", "unchanged")))


def export_dir(store: Store, target: Path,
               write_text: Callable[[Path, str], object] = lambda p, t: p.write_text(
                   t, encoding="utf-8")) -> int:
    """Write the latest revision of every document to `target/<lang>/<topic>.md`."""
    revisions = store.latest()
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for rev in revisions:
            doc = rev.document
            (work / doc.language).mkdir(exist_ok=True)
            write_text(work / doc.language / f"{doc.topic}.md", render_document(doc))
        old = target.with_name(f".{target.name}.old")
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
        os.replace(work, target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        if exc.errno == errno.ENOSPC:
            raise StoreError(f"The disk filled up while exporting to {target}; nothing there "
                             "was changed. Free some space and run the export again.") from exc
        raise StoreError(f"Export to {target} failed ({exc}); nothing there was changed.") from exc
    return len(revisions)

"""Publish: rebuild the search index from the store's live revisions.

Used by `salus index build` and by the curation tab. Unchanged passages keep
their vectors (matched by content digest), so after a one-document fix only
that document's passages are embedded again; the new index is swapped in
atomically and a running assistant can take it with `Assistant.use_index`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.errors import IndexError_, StoreError
from knowledge_base.store import Store
from retrieval.embedder import Embedder
from retrieval.index import BuildReport, build_index, load_index


def rebuild_index(store: Store, embedder: Embedder, index_dir: Path,
                  progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Index every live (approved, not retired) document of `store` into `index_dir`."""
    live = store.live()
    if not live:
        raise StoreError(f"The knowledge base in {store.path} has no approved documents. "
                         "Import them: salus kb import")
    try:
        previous = load_index(index_dir, embedder.model_id)
    except IndexError_:
        previous = None
    return build_index([r.document for r in live], embedder, index_dir, previous,
                       {r.doc_id: r.rev for r in live}, progress)

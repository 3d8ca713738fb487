"""The search index on disk: build, swap in atomically, load, and tell if stale.

Layout under `<home>/index/`: `builds/<id>/` holds `vectors.faiss`,
`vectors.npy`, `lexical.json` (BM25 postings), `chunks.jsonl` and `manifest.json`
(embedding model, dimension, and a fingerprint of each approved document
it was built from); the file `current` names the live build. A build is
written to a temporary folder, renamed when complete, and only then is `current` replaced (an atomic
rename), so a reader sees the old index or the new one, never half of one.
Vectors of passages whose text did not change are reused, so a rebuild
after one edit embeds one document's sections, not the whole base.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import IndexError_
from knowledge_base.document import Document
from retrieval.chunking import Chunk, chunk_document
from retrieval.embedder import Embedder
from retrieval.lexical import LexicalIndex
from retrieval.vectors import make_index, prepare_loaded

_BATCH = 64  # passages embedded between two progress reports
_KEEP_BUILDS = 2
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Manifest:
    """What an index was built from."""

    build_id: str
    model_id: str
    dim: int
    documents: dict[str, str]  # doc id -> fingerprint
    chunk_count: int
    built_at: str
    revisions: dict[str, int] = dataclasses.field(default_factory=dict)  # store revision


@dataclass(frozen=True)
class BuildReport:
    """The outcome of `build_index`."""

    manifest: Manifest
    embedded: int
    reused: int
    seconds: float


@dataclass(frozen=True)
class IndexStatus:
    """Whether the live index matches the approved documents, and why not."""

    fresh: bool
    reasons: tuple[str, ...]


class SearchIndex:
    """A loaded index: chunks, their vectors, FAISS over them, and BM25 postings."""

    def __init__(self, manifest: Manifest, chunks: list[Chunk], faiss_index: Any,
                 lexical: LexicalIndex, vectors: np.ndarray) -> None:
        self.manifest = manifest
        self.chunks = chunks
        self.lexical = lexical
        self._faiss = faiss_index
        self._vectors = vectors

    def search(self, query: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        """The `k` nearest chunks to one query vector, best first."""
        if not self.chunks:
            return []
        scores, ids = self._faiss.search(query.reshape(1, -1).astype(np.float32),
                                         min(k, len(self.chunks)))
        return [(self.chunks[i], float(s)) for i, s in zip(ids[0], scores[0], strict=True)
                if i >= 0]

    def vectors(self) -> np.ndarray:
        """All stored vectors, in chunk order."""
        return self._vectors


def fingerprint(doc: Document) -> str:
    """A short hash of everything in a document; changes with any edit."""
    payload = json.dumps(dataclasses.asdict(doc), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def build_index(docs: Sequence[Document], embedder: Embedder, index_dir: Path,
                previous: SearchIndex | None = None,
                revisions: dict[str, int] | None = None,
                progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Embed the approved `docs` (reusing `previous` vectors) and make it the live index.

    `revisions` (doc id -> store revision) is recorded in the manifest;
    `progress(done, total)` hears of each batch of passages embedded.
    """
    import faiss

    started = time.perf_counter()
    chunks = [c for d in docs if d.status == "approved" for c in chunk_document(d)]
    known: dict[str, np.ndarray] = {}
    if previous is not None and previous.manifest.model_id == embedder.model_id:
        known = {c.digest: v for c, v in zip(previous.chunks, previous.vectors(), strict=True)}
    todo = [c for c in chunks if c.digest not in known]
    batches = []
    for start in range(0, len(todo), _BATCH):
        batches.append(embedder.embed_passages([c.passage_text
                                                for c in todo[start:start + _BATCH]]))
        if progress:
            progress(min(start + _BATCH, len(todo)), len(todo))
    fresh = np.concatenate(batches) if batches else np.zeros((0, embedder.dim), np.float32)
    known.update({c.digest: v for c, v in zip(todo, fresh, strict=True)})
    matrix = np.stack([known[c.digest] for c in chunks]) if chunks else np.zeros(
        (0, embedder.dim), dtype=np.float32)

    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    manifest = Manifest(build_id=build_id, model_id=embedder.model_id, dim=embedder.dim,
                        documents={d.id: fingerprint(d) for d in docs if d.status == "approved"},
                        chunk_count=len(chunks), built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                        revisions=dict(revisions or {}))
    builds = index_dir / "builds"
    tmp = builds / f".{build_id}.tmp"
    tmp.mkdir(parents=True)
    np.save(tmp / "vectors.npy", matrix.astype(np.float32))
    faiss.write_index(make_index(matrix, embedder.dim), str(tmp / "vectors.faiss"))
    with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(dataclasses.asdict(c), ensure_ascii=False) + "\n")
    LexicalIndex.build([c.passage_text for c in chunks], [c.language for c in chunks]).save(
        tmp / "lexical.json")
    (tmp / "manifest.json").write_text(json.dumps(dataclasses.asdict(manifest), indent=1))
    tmp.rename(builds / build_id)
    _replace_text(index_dir / "current", build_id)
    _prune(builds, keep=build_id)
    return BuildReport(manifest, embedded=len(todo), reused=len(chunks) - len(todo),
                       seconds=time.perf_counter() - started)


def load_index(index_dir: Path, model_id: str) -> SearchIndex:
    """The live index; refuses one that is missing or built with another model."""
    import faiss

    pointer = index_dir / "current"
    if not pointer.is_file():
        raise IndexError_(f"No index in {index_dir}. Build it with: salus index build")
    folder = index_dir / "builds" / pointer.read_text().strip()
    try:
        manifest = Manifest(**json.loads((folder / "manifest.json").read_text()))
        chunks = [Chunk(**json.loads(line))
                  for line in (folder / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]
        flat = prepare_loaded(faiss.read_index(str(folder / "vectors.faiss")))
        vectors = (np.load(folder / "vectors.npy") if (folder / "vectors.npy").is_file()
                   else flat.reconstruct_n(0, len(chunks)))
        if (folder / "lexical.json").is_file():
            lexical = LexicalIndex.load(folder / "lexical.json")
        else:  # built by an older Salus: index the words now, once per load
            log.warning("index %s has no lexical.json; run: salus index build", folder.name)
            lexical = LexicalIndex.build([c.passage_text for c in chunks],
                                         [c.language for c in chunks])
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        raise IndexError_(f"The index in {folder} is unreadable ({exc}). "
                          "Rebuild it with: salus index build") from exc
    if manifest.model_id != model_id:
        raise IndexError_(f"The index was built with {manifest.model_id}, but Salus now embeds "
                          f"with {model_id}. Rebuild it with: salus index build")
    return SearchIndex(manifest, chunks, flat, lexical, vectors)


def index_status(index: SearchIndex | None, docs: Sequence[Document]) -> IndexStatus:
    """Compare the live index with the approved documents."""
    if index is None:
        return IndexStatus(False, ("no index has been built",))
    want = {d.id: fingerprint(d) for d in docs if d.status == "approved"}
    have = index.manifest.documents
    reasons = [f"new: {i}" for i in sorted(set(want) - set(have))]
    reasons += [f"changed: {i}" for i in sorted(set(want) & set(have)) if want[i] != have[i]]
    reasons += [f"no longer approved: {i}" for i in sorted(set(have) - set(want))]
    return IndexStatus(not reasons, tuple(reasons))


def _replace_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _prune(builds: Path, keep: str) -> None:
    done = sorted((p for p in builds.iterdir() if not p.name.startswith(".")),
                  key=lambda p: p.stat().st_mtime)
    for old in done[:-_KEEP_BUILDS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)

"""`salus bench retrieval`: query latency and build throughput, against a flat baseline.

Three sizes: the shipped index (real questions from the retrieval suite,
embed + search + fuse, next to embed + plain flat FAISS search), and
synthetic 100k and 1M passages made from the real ones (our index structure
next to a flat index, both in this process, with the recall@10 of ours
against the exact answer). Figures are for side-by-side comparison on the same machine.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from evals.retrieval import load_suite
from retrieval.retriever import Retriever, query_vector
from retrieval.vectors import make_index


def _percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    return {"p50_ms": round(float(np.percentile(samples_ms, 50)), 2),
            "p95_ms": round(float(np.percentile(samples_ms, 95)), 2)}


def bench_shipped(retriever: Retriever, queries: int = 200) -> dict[str, Any]:
    """Latency on the live index with real questions, ours next to flat search."""
    import faiss

    cases = load_suite()[:queries]
    flat = faiss.IndexFlatIP(retriever.index.vectors().shape[1])
    flat.add(retriever.index.vectors())
    ours, baseline = [], []
    for case in cases:
        started = time.perf_counter()
        retriever.search(case.question,
                         query_vector(retriever.embedder, case.question, case.history),
                         case.language)
        ours.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        flat.search(retriever.embedder.embed_queries([case.question]), 10)
        baseline.append((time.perf_counter() - started) * 1000)
    texts = [c.passage_text for c in retriever.index.chunks[:100]]
    started = time.perf_counter()
    retriever.embedder.embed_passages(texts)
    embed_ms = (time.perf_counter() - started) * 1000
    return {"chunks": len(retriever.index.chunks), "queries": len(cases),
            "salus_query": _percentiles(ours), "flat_baseline_query": _percentiles(baseline),
            "embed_passages_per_s": round(len(texts) / (embed_ms / 1000), 1)}


def bench_synthetic(retriever: Retriever, n: int, queries: int = 200, seed: int = 0
                    ) -> dict[str, Any]:
    """Our vector index against flat search on `n` synthetic passages.

    Random vectors have no structure and are the worst case for any index
    that clusters; real passages come in topics. So the synthetic passages
    are the real passage vectors, each copied many times with noise (about
    the spread of paraphrases), and the queries are real suite questions.
    """
    import faiss

    rng = np.random.default_rng(seed)
    base = retriever.index.vectors()
    dim = base.shape[1]
    data = base[rng.integers(0, len(base), n)]
    data += 0.03 * rng.standard_normal(data.shape, dtype=np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    cases = load_suite()[:queries]
    probes = retriever.embedder.embed_queries([c.question for c in cases])

    started = time.perf_counter()
    ours = make_index(data, dim)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    flat = faiss.IndexFlatIP(dim)
    flat.add(data)
    flat_build_s = time.perf_counter() - started

    ours_ms: list[float] = []
    flat_ms: list[float] = []
    hits = 0
    for probe in probes:
        q = probe.reshape(1, -1)
        started = time.perf_counter()
        found = ours.search(q, 10)[1][0]
        ours_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        exact = flat.search(q, 10)[1][0]
        flat_ms.append((time.perf_counter() - started) * 1000)
        hits += len(set(found) & set(exact))
    return {"vectors": n, "structure": type(ours).__name__,
            "build_s": round(build_s, 1), "build_vectors_per_s": round(n / build_s),
            "flat_build_s": round(flat_build_s, 1),
            "query": _percentiles(ours_ms), "flat_baseline_query": _percentiles(flat_ms),
            "recall@10_vs_exact": round(hits / (10 * len(probes)), 3)}
